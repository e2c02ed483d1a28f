// The analysis worker pool hands each worker one track at a time: runners that
// ask at once get different workers (the slot is taken before it is returned),
// so a scan's analysis runs on every worker, not all on the first one. A
// stand-in worker (unit test only) answers each job with its thread id and the
// number of jobs it held at that moment.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { WORKER_YOUNG_GENERATION_MB, WorkerPool } from '../../main/engine/library/pool';
import { OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'library-pool-unit');

/** a worker that answers a job after `ms` with { thread, held }: its threadId and how many jobs it held at once */
function standIn(ms: number): URL {
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, `worker-${ms}.mjs`);
  writeFileSync(
    file,
    `import { parentPort, threadId } from 'node:worker_threads';
let held = 0, most = 0;
parentPort.on('message', (m) => {
  if (m.t !== 'job') return;
  held++; most = Math.max(most, held);
  setTimeout(() => { held--; parentPort.postMessage({ t: 'done', id: m.id, result: { thread: threadId, held: most } }); }, ${ms});
});
`,
  );
  return pathToFileURL(file);
}

test('two runners at once get two workers, and no worker ever holds two tracks', async () => {
  const pool = new WorkerPool(2, { url: standIn(150) });
  const keep = setInterval(() => undefined, 1000); // the pool's workers are unref'd
  try {
    const signal = new AbortController().signal;
    const answers: Array<{ thread: number; held: number }> = [];
    const runner = async () => {
      for (let i = 0; i < 3; i++) answers.push((await pool.run({ path: `t${i}`, cacheDir: DIR }, signal, () => undefined)) as unknown as { thread: number; held: number });
    };
    await Promise.all([runner(), runner()]);
    assert.equal(answers.length, 6);
    assert.equal(new Set(answers.map((a) => a.thread)).size, 2, `threads used: ${answers.map((a) => a.thread).join(' ')}`);
    assert.ok(answers.every((a) => a.held === 1), `jobs held at once: ${answers.map((a) => a.held).join(' ')}`);
  } finally {
    clearInterval(keep);
    await pool.close();
  }
});

test('a run whose scan was cancelled while it waited for a worker gives the worker back', async () => {
  const pool = new WorkerPool(1, { url: standIn(50) });
  const keep = setInterval(() => undefined, 1000);
  try {
    const live = new AbortController();
    const gone = new AbortController();
    const first = pool.run({ path: 'a', cacheDir: DIR }, live.signal, () => undefined);
    const waiting = pool.run({ path: 'b', cacheDir: DIR }, gone.signal, () => undefined);
    gone.abort();
    await first;
    await assert.rejects(waiting, /Cancelled/);
    // the one worker is free again: a later run is answered
    const again = (await pool.run({ path: 'c', cacheDir: DIR }, live.signal, () => undefined)) as unknown as { held: number };
    assert.equal(again.held, 1);
  } finally {
    clearInterval(keep);
    await pool.close();
  }
});

test('the analysis workers run with a small young generation (fewer copy-on-write faults after each ffmpeg fork)', async () => {
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, 'worker-limits.mjs');
  writeFileSync(file, `import { parentPort, resourceLimits } from 'node:worker_threads';
parentPort.on('message', (m) => { if (m.t === 'job') parentPort.postMessage({ t: 'done', id: m.id, result: resourceLimits }); });
`);
  const pool = new WorkerPool(1, { url: pathToFileURL(file) });
  const keep = setInterval(() => undefined, 1000);
  try {
    const limits = (await pool.run({ path: 'a', cacheDir: DIR }, new AbortController().signal, () => undefined)) as unknown as { maxYoungGenerationSizeMb: number };
    assert.equal(limits.maxYoungGenerationSizeMb, WORKER_YOUNG_GENERATION_MB);
    assert.ok(WORKER_YOUNG_GENERATION_MB <= 4, 'semi-spaces of about 1 MB');
  } finally {
    clearInterval(keep);
    await pool.close();
  }
});
