// The model's queue (ModelService.exclusive): work waiting its turn is left at once when its caller stops it (tester38:
// a question asked from a second window while another answer was written stayed "stopping…" until that answer ended),
// and the queue goes on in order for the rest. Before, exclusive() took no signal: the stopped wait ran to the end.
// Run: node --import tsx --test test/unit/model-queue-stop.test.ts
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EngineContext } from '../../main/engine/context';
import { openDb } from '../../main/engine/db';
import { ModelService } from '../../main/engine/model/service';

const dir = mkdtempSync(join(tmpdir(), 'rs-model-queue-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function service(): ModelService {
  const dataDir = join(dir, 'data');
  const ctx: EngineContext = { db: openDb(dataDir), dataDir, cacheDir: join(dataDir, 'cache'), mode: 'web', version: '0', startedAt: 0, restarts: 0, emit: () => undefined };
  return new ModelService(ctx);
}

/** a promise with its resolve, to hold the first piece of work in the queue for as long as the test wants */
function gate(): { done: Promise<void>; open: () => void } {
  let open!: () => void;
  const done = new Promise<void>((r) => (open = r));
  return { done, open };
}

test('a wait stopped before its turn rejects with CANCELLED at once, never runs, and the queue keeps its order', async () => {
  const model = service();
  const order: string[] = [];
  const hold = gate();
  assert.equal(model.busy, false);
  const first = model.exclusive(async () => {
    order.push('first');
    await hold.done;
    return 'first done';
  });
  const stop = new AbortController();
  const second = model.exclusive(async () => {
    order.push('second');
    return 'second done';
  }, stop.signal);
  const third = model.exclusive(async () => {
    order.push('third');
    return 'third done';
  });
  assert.equal(model.busy, true, 'work running or waiting');
  await new Promise((r) => setImmediate(r));
  stop.abort();
  // settled while the first still holds the model
  await assert.rejects(second, (e: { code?: string }) => e.code === 'CANCELLED');
  assert.deepEqual(order, ['first']);
  hold.open();
  assert.equal(await first, 'first done');
  assert.equal(await third, 'third done');
  assert.deepEqual(order, ['first', 'third'], 'the stopped work never ran; the next one did');
  assert.equal(model.busy, false);
});

test('a signal aborted once the work runs is the work\'s own to answer: the call settles with what the work returns', async () => {
  const model = service();
  const stop = new AbortController();
  const hold = gate();
  const run = model.exclusive(async () => {
    await hold.done;
    return stop.signal.aborted ? 'stopped by its own loop' : 'ran out';
  }, stop.signal);
  await new Promise((r) => setImmediate(r));
  stop.abort();
  hold.open();
  assert.equal(await run, 'stopped by its own loop');
});

test('an already aborted signal never runs its work', async () => {
  const model = service();
  const stop = new AbortController();
  stop.abort();
  let ran = false;
  await assert.rejects(
    model.exclusive(async () => {
      ran = true;
    }, stop.signal),
    (e: { code?: string }) => e.code === 'CANCELLED',
  );
  assert.equal(ran, false);
  assert.equal(model.busy, false);
});
