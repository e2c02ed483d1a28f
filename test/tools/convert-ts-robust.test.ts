// The TypeScript converter under cancel, SIGKILL and bad inputs: no partial pack is
// ever offered (loadPack refuses `<out>.partial` and a folder without a manifest),
// a rerun succeeds, and a damaged or wrong input file is refused with a message
// that names it and says what to do.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, PY, TINY_DIR, ensureTinyPacks } from './helpers';
import { convertPack, ConvertError, type ConvertOptions } from '../../main/engine/model/convert';
import { loadPack } from '../../main/engine/model/pack';
import { StudioError } from '@contract';

const OUT = join(ROOT, 'test', 'output', 'ts-robust');
const SRC = join(TINY_DIR, 'src');
const base = (out: string, over: Partial<ConvertOptions> = {}): ConvertOptions => ({
  imagebind: join(SRC, 'imagebind_tiny.pth'),
  imagebindConfig: join(SRC, 'imagebind_tiny.json'),
  llm: join(SRC, 'llama'),
  delta: join(SRC, 'delta_beta.pt'),
  out,
  precision: 'int4',
  ...over,
});

before(() => {
  ensureTinyPacks();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
});

/** out holds no pack and no .partial */
function nothingLeft(out: string): void {
  assert.ok(!existsSync(out), `${out} exists`);
  assert.ok(!existsSync(`${out}.partial`), `${out}.partial exists`);
}

describe('cancel (AbortSignal)', () => {
  for (const step of ['check', 'audio_encoder', 'vision_encoder', 'fusion', 'tokenizer', 'decoder', 'manifest']) {
    test(`during ${step}: rejects CANCELLED, removes ${'<out>'}.partial; a rerun succeeds`, async () => {
      const out = join(OUT, `cancel-${step}`);
      const ac = new AbortController();
      let seen = 0;
      await assert.rejects(
        convertPack({ ...base(out), signal: ac.signal, onProgress: (p) => { if (p.step === step && ++seen === 1) ac.abort(); } }),
        (e: unknown) => e instanceof StudioError && e.code === 'CANCELLED',
      );
      assert.ok(seen >= 1);
      nothingLeft(out);
      const r = await convertPack(base(out));
      const pack = await loadPack(r.dir);
      assert.equal(pack.manifest.variant, 'beta');
    });
  }
});

describe('SIGKILL at random moments', () => {
  test('a killed converter never leaves a loadable partial pack, and the rerun succeeds', async () => {
    const child = join(ROOT, 'test/tools/convert-child.ts');
    // how many progress lines a whole conversion prints
    const full = spawnSync(process.execPath, ['--import', 'tsx', child, JSON.stringify(base(join(OUT, 'kill-count')))], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(full.status, 0, full.stderr);
    const events = full.stdout.split('\n').filter((l) => l.startsWith('progress')).length;
    assert.ok(events > 20, `${events} progress events`);
    const kills: string[] = [];
    for (let round = 0; round < 5; round++) {
      const out = join(OUT, `kill-${round}`);
      const at = 1 + Math.floor(Math.random() * events);
      const p = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(base(out))], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      let n = 0;
      await new Promise<void>((resolve) => {
        p.stdout!.on('data', (b: Buffer) => {
          n += b.toString().split('\n').filter((l) => l.startsWith('progress')).length;
          if (n >= at) p.kill('SIGKILL');
        });
        p.on('exit', () => resolve());
      });
      kills.push(`${at}/${events}:${p.signalCode ?? p.exitCode}`);
      if (existsSync(`${out}.partial`)) {
        await assert.rejects(loadPack(`${out}.partial`), (e: unknown) => e instanceof StudioError && e.code === 'MODEL_MISSING' && /unfinished conversion/.test(e.message));
      }
      if (existsSync(out)) await loadPack(out); // only a finished pack is ever at `out`
      // rerun: replaces a leftover .partial; a finished pack at out needs force
      const r = await convertPack({ ...base(out), force: true });
      assert.ok(!existsSync(`${out}.partial`));
      await loadPack(r.dir);
    }
    assert.ok(kills.some((k) => k.endsWith('SIGKILL')), kills.join(' '));
  });

  test('loadPack refuses a .partial folder even with a complete manifest, and a folder without one', async () => {
    const done = join(OUT, 'cancel-decoder');
    if (!existsSync(done)) await convertPack(base(done));
    const fake = join(OUT, 'copied.partial');
    cpSync(done, fake, { recursive: true });
    await assert.rejects(loadPack(fake), /unfinished conversion/);
    const noManifest = join(OUT, 'no-manifest');
    cpSync(done, noManifest, { recursive: true });
    rmSync(join(noManifest, 'manifest.json'));
    await assert.rejects(loadPack(noManifest), /no manifest\.json/);
  });
});

describe('damaged or wrong inputs', () => {
  const bad = join(OUT, 'bad-inputs');
  before(() => mkdirSync(bad, { recursive: true }));

  async function refused(over: Partial<ConvertOptions>, file: string, what: RegExp): Promise<void> {
    const out = join(OUT, 'refused');
    await assert.rejects(convertPack(base(out, over)), (e: unknown) => {
      assert.ok(e instanceof ConvertError, `${(e as Error).name}: ${(e as Error).message}`);
      assert.ok((e as Error).message.includes(file), `names ${file}: ${(e as Error).message}`);
      assert.match((e as Error).message, what);
      return true;
    });
    nothingLeft(out);
  }

  test('a truncated delta', async () => {
    const f = join(bad, 'delta-truncated.pt');
    copyFileSync(join(SRC, 'delta_beta.pt'), f);
    truncateSync(f, Math.floor(statSync(f).size * 0.6));
    await refused({ delta: f }, f, /download it again/);
  });

  test('a truncated ImageBind checkpoint', async () => {
    const f = join(bad, 'imagebind-truncated.pth');
    copyFileSync(join(SRC, 'imagebind_tiny.pth'), f);
    truncateSync(f, Math.floor(statSync(f).size / 2));
    await refused({ imagebind: f }, f, /download it again/);
  });

  test('random bytes as ImageBind', async () => {
    const f = join(bad, 'garbage.pth');
    writeFileSync(f, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff)));
    await refused({ imagebind: f }, f, /download it again|point to the right file/);
  });

  test('a pickle that would run a command (never executed)', async () => {
    const f = join(bad, 'evil.pt');
    const r = spawnSync(PY, ['-c', `import os, pickle\nclass E:\n  def __reduce__(self): return (os.system, ('touch ${join(bad, 'pwned')}',))\nopen(${JSON.stringify(f)}, 'wb').write(pickle.dumps({'llama_proj.weight': E()}, protocol=2))`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    await refused({ delta: f }, f, /system.*refused without running it.*do not use it/);
    assert.ok(!existsSync(join(bad, 'pwned')));
  });

  test('the ImageBind file given as the delta', async () => {
    await refused({ delta: join(SRC, 'imagebind_tiny.pth') }, join(SRC, 'imagebind_tiny.pth'), /not a DeepResonance delta/);
  });

  test('an LLM folder with a shard missing', async () => {
    const d = join(bad, 'llama-missing-shard');
    cpSync(join(SRC, 'llama'), d, { recursive: true });
    rmSync(join(d, 'pytorch_model-00002-of-00002.bin'));
    await refused({ llm: d }, d, /pytorch_model-00002-of-00002\.bin/);
  });

  test('an LLM whose config.json disagrees with its weights', async () => {
    const d = join(bad, 'llama-wrong-config');
    cpSync(join(SRC, 'llama'), d, { recursive: true });
    const cfg = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
    cfg.intermediate_size += 8;
    writeFileSync(join(d, 'config.json'), JSON.stringify(cfg));
    await refused({ llm: d }, d, /config dims disagree/);
  });

  test('a delta of the other variant than asked for', async () => {
    await refused({ delta: join(SRC, 'delta_alpha.pt'), variant: 'beta' }, join(SRC, 'delta_alpha.pt'), /α delta, not β/);
  });

  test('an existing non-empty out folder is kept unless force', async () => {
    const out = join(OUT, 'occupied');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'mine.txt'), 'x');
    await assert.rejects(convertPack(base(out)), /already exists/);
    assert.equal(readFileSync(join(out, 'mine.txt'), 'utf8'), 'x');
  });

  test('the same conversion again returns the finished pack untouched; another into the same folder is refused', async () => {
    const out = join(OUT, 'again');
    const first = await convertPack(base(out));
    const mtime = statSync(first.manifest).mtimeMs;
    const second = await convertPack(base(out));
    assert.deepEqual(second, first);
    assert.equal(statSync(first.manifest).mtimeMs, mtime);
    await assert.rejects(convertPack(base(out, { precision: 'int8' })), /already holds a different pack/);
    await loadPack(out);
  });
});
