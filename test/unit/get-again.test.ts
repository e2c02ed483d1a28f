// A failed Get's message in each host's words (tester28: `studio model get` ended "Then Get again.", the Models panel's
// button, which a terminal does not have).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getAgainFor, toErrorData } from '@contract';
import { failedLine } from '../../main/cli/model';
import { downloadFailure, modelsFolderFailure } from '../../main/engine/model/catalog/job';
import { DownloadError } from '../../main/engine/model/download/download';
import { MODEL_USAGE } from '../../main/cli/model';

describe('a failed Get says how to start it again in the host’s words (main/contract/get-again.ts)', () => {
  const e = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', path: '/m' });
  const message = modelsFolderFailure(e, '/m')!.message;

  it('the Models panel keeps its button’s name', () => {
    assert.match(getAgainFor(message, 'panel'), /then Get again; nothing downloaded so far is lost\.$/);
  });

  it('studio model get says to run the same command again, never "Get again"', () => {
    const line = failedLine({ error: toErrorData(modelsFolderFailure(e, '/m')!), message });
    assert.match(line, /^studio: The models folder \/m cannot be written: permission denied\. .*then run the same command again; nothing downloaded so far is lost\.$/);
    assert.doesNotMatch(line, /Get again/);
  });
});

describe('the Get job names the pack it converts to with the right article (tester28: "Convert to a int4 pack")', () => {
  it('an int4, an int8, an fp16, an fp32', async () => {
    const { Precision } = await import('@contract');
    const { packName } = await import('../../main/engine/model/catalog/job');
    for (const p of Precision.options) assert.equal(packName(p), `an ${p} pack`);
  });
});

// tester28: `studio model get` ended an ImageBind download refused by Meta's server with "(or set STUDIO_IMAGEBIND_URL to
// a mirror, or Get --from your official ckpt/ folder)": the panel's words, no flag the command has. The command line
// names its own flag (MODEL_USAGE: --from CKPT_DIR); the panel keeps its words.
describe('an ImageBind download refused: the other source in the host’s words', () => {
  const d = { part: 'imagebind', url: 'https://dl.fbaipublicfiles.com/imagebind/imagebind_huge.pth', dest: '/m/downloads/imagebind_huge.pth' } as Parameters<typeof downloadFailure>[1];
  for (const [status, why] of [[403, 'Forbidden'], [503, 'Service Unavailable'], [404, 'Not Found']] as const) {
    const err = downloadFailure(new DownloadError('http', `HTTP ${status} ${why} from ${d.url}`, status), d);
    it(`HTTP ${status}: studio model get says --from CKPT_DIR, the flag its usage lists`, () => {
      assert.match(MODEL_USAGE, /\[--from CKPT_DIR\]/);
      const line = failedLine({ error: toErrorData(err), message: err.message });
      assert.doesNotMatch(line, /Get --from|Get again/, line);
      assert.match(line, /or set STUDIO_IMAGEBIND_URL to a mirror, or run it with --from CKPT_DIR \(your official ckpt\/ folder\)\)\.$/, line);
    });
    it(`HTTP ${status}: the Models panel keeps its words`, () => {
      assert.match(getAgainFor(err.message, 'panel'), /Then Get again \(or set STUDIO_IMAGEBIND_URL to a mirror, or Get --from your official ckpt\/ folder\)\.$/);
    });
  }
});

describe('the disk full while the pack is converted (tester29b)', () => {
  it('says the models folder’s disk is full and what to do — not "Unexpected error: ENOSPC: no space left on device, write"', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { GetJob } = await import('../../main/engine/model/catalog/job');
    const dir = mkdtempSync(join(tmpdir(), 'rs-enospc-'));
    try {
      const job = new GetJob({ variant: 'beta', precision: 'int4' }, {
        out: join(dir, 'packs', 'deepresonance-beta-int4'), modelsDir: dir, env: {}, emit: () => undefined, onPack: () => undefined, reserveBytes: 0,
        plan: async () => ({ variant: 'beta', parts: [], downloads: [], inputs: { imagebind: 'ib', llm: 'llm', delta: 'd' }, llmProblem: null, packBytes: { int4: 1000, int8: 1000, fp16: 1000, fp32: 1000 } }),
        // the converter's write into <out>.partial, as Node throws it (no path on a write)
        convert: async () => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' }); },
      });
      await job.start();
      assert.equal(job.state.state, 'failed');
      const line = failedLine({ error: job.state.error!, message: job.state.message });
      assert.match(line, new RegExp(`^studio: The disk of the models folder ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is full: converting to an int4 pack ran out of space \\(the pack ≈ 1\\.0 kB\\)\\. Free some space, choose a smaller precision, or set STUDIO_MODELS_DIR to a folder on a bigger disk, then run the same command again; nothing downloaded so far is lost\\.$`), line);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ui35 seen-and-left: once the conversion ran past its estimate the time left vanished and nothing said why
describe('a conversion past its estimate says so (job.ts)', () => {
  it('the convert step reads "… — taking longer than estimated (under a minute)" once the estimate is spent', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { GetJob } = await import('../../main/engine/model/catalog/job');
    const dir = mkdtempSync(join(tmpdir(), 'rs-convert-late-'));
    const details: (string | undefined)[] = [];
    try {
      const job: InstanceType<typeof GetJob> = new GetJob({ variant: 'beta', precision: 'int4' }, {
        out: join(dir, 'packs', 'deepresonance-beta-int4'), modelsDir: dir, env: {}, onPack: () => undefined, reserveBytes: 0,
        emit: () => undefined,
        plan: async () => ({ variant: 'beta', parts: [], downloads: [], inputs: { imagebind: 'ib', llm: 'llm', delta: 'd' }, llmProblem: null, packBytes: { int4: 1000, int8: 1000, fp16: 1000, fp32: 1000 } }),
        // a 1 kB pack is estimated at a few ms (the benchmark's rate): 30 ms into the conversion it is past
        convert: async (o: { onProgress: (c: { step: string; done: number; total: number }) => void }) => {
          await new Promise((r) => setTimeout(r, 30));
          o.onProgress({ step: 'LLM weights', done: 1, total: 2 });
          details.push(job.state.steps.find((st) => st.kind === 'convert')?.detail);
          throw Object.assign(new Error('stop here'), { code: 'INTERNAL' });
        },
      } as unknown as ConstructorParameters<typeof GetJob>[1]);
      await job.start();
      assert.ok(details.includes('LLM weights — taking longer than estimated (under a minute)'), JSON.stringify(details));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// tester33: Resume made the Get's progress jump back ("531 kB of 1.1 MB (47 %)" paused → "262 kB of 873 kB (30 %)"):
// the Resume's plan finds the file verified before the pause present, and the total counted only what was left.
describe('the Get\'s progress counts the files verified before a pause (job.ts)', () => {
  it('a Resume whose plan finds one file verified and one partly downloaded goes on from both', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { GetJob } = await import('../../main/engine/model/catalog/job');
    const dir = mkdtempSync(join(tmpdir(), 'rs-resume-'));
    const seen: { bytes: number; total: number; steps: number }[] = [];
    try {
      let job: InstanceType<typeof GetJob> | undefined;
      job = new GetJob({ variant: 'beta', precision: 'int4' }, {
        out: join(dir, 'packs', 'deepresonance-beta-int4'), modelsDir: dir, env: {}, onPack: () => undefined, reserveBytes: 0, backoffMs: 1,
        emit: (s) => {
          seen.push({ bytes: s.bytes, total: s.total, steps: s.steps.length });
          // the first state with the steps laid out: stop there (a pause), before any byte is fetched
          if (s.steps.length > 0) void job!.pause();
        },
        plan: async () => ({
          variant: 'beta', parts: [], inputs: { imagebind: 'ib', llm: 'llm', delta: 'd' }, llmProblem: null, packBytes: { int4: 1000, int8: 1000, fp16: 1000, fp32: 1000 },
          downloads: [
            { part: 'delta', url: 'http://127.0.0.1:9/delta.pt', dest: join(dir, 'delta.pt'), bytes: 531_000, estimated: false, present: true, partialBytes: 0 },
            { part: 'imagebind', url: 'http://127.0.0.1:9/imagebind_huge.pth', dest: join(dir, 'imagebind_huge.pth'), bytes: 600_000, estimated: false, present: false, partialBytes: 262_000 },
          ],
        }),
        convert: async () => { throw new Error('not reached'); },
      });
      await job.start();
      const first = seen.find((s) => s.steps > 0);
      assert.ok(first, JSON.stringify(seen));
      assert.deepEqual({ bytes: first.bytes, total: first.total }, { bytes: 531_000 + 262_000, total: 531_000 + 600_000 });
      assert.equal(job.state.state, 'paused');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
