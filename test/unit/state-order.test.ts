// ci35: a Rescan's answer ("running") reached the page after its job's "finished" event and the scan bar stayed at
// "Scanning" for good. Every job state the engine sends (ScanState, GetState) is now stamped with its order (StateOrder:
// seq, engineRun; main/engine/state-order.ts) and a reader of both events and answers drops the older one
// (isStaleState). The page side, with the order made by a WebSocket route: test/e2e/late-answers.test.ts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isStaleState, type EventName, type EventPayload, type GetState, type ScanState } from '@contract';
import { openDb } from '../../main/engine/db';
import type { EngineContext } from '../../main/engine/context';
import { LibraryScanner } from '../../main/engine/library/job';
import type { Analyse } from '../../main/engine/library/pool';
import { LibraryStore } from '../../main/engine/library/store';
import { ModelCatalogService } from '../../main/engine/model/catalog/service';
import { llamaFolderStandIn } from '../helpers/model-sources';

const dir = mkdtempSync(join(tmpdir(), 'rs-scan-order-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('isStaleState: older only within one engine run', () => {
  const at = (seq: number, engineRun = 'run-a') => ({ seq, engineRun });
  assert.equal(isStaleState(at(5), at(4)), true, 'a lower seq of the same run');
  assert.equal(isStaleState(at(5), at(5)), false, 'the same state again');
  assert.equal(isStaleState(at(5), at(6)), false, 'a newer one');
  assert.equal(isStaleState(at(500), at(1, 'run-b')), false, 'another engine (restarted): its own count');
  assert.equal(isStaleState(at(5), at(1, '')), false, 'a state no engine stamped');
  assert.equal(isStaleState(at(0, ''), at(3)), false, 'the page\'s idle state before any engine state');
});

function scanner(name: string, events: ScanState[]): { scanner: LibraryScanner; store: LibraryStore; close(): void } {
  const db = openDb(join(dir, name));
  const store = new LibraryStore(db);
  const ctx = {
    db, dataDir: join(dir, name), cacheDir: join(dir, name),
    emit: <E extends EventName>(n: E, payload: EventPayload<E>) => void (n === 'library:scan-state' && events.push(payload as ScanState)),
  } as unknown as EngineContext;
  const pool = (): Analyse => ({ size: 1, run: async () => Promise.reject(new Error('no analysis expected')), close: async () => undefined });
  return { scanner: new LibraryScanner(ctx, store, pool, true), store, close: () => db.close() };
}

test('a scan\'s answer is ordered before its job\'s later events; every state of one engine has one engineRun and a larger seq', async () => {
  const events: ScanState[] = [];
  const a = scanner('a', events);
  const lib = join(dir, 'Music');
  mkdirSync(lib, { recursive: true });
  a.store.addFolder(lib, []);
  const answer = a.scanner.start();
  assert.equal(answer.state, 'running');
  await a.scanner.whenIdle();
  const finished = events.find((e) => e.state === 'finished' && e.jobId === answer.jobId);
  assert.ok(finished, JSON.stringify(events.map((e) => e.state)));
  assert.ok(finished.seq > answer.seq, `finished ${finished.seq} after the answer ${answer.seq}`);
  assert.equal(isStaleState(finished, answer), true, 'the answer coming after "finished" is dropped');
  assert.equal(isStaleState(answer, finished), false, '"finished" after the answer is taken');
  assert.ok(answer.engineRun.length > 0 && events.every((e) => e.engineRun === answer.engineRun), 'one engineRun');
  assert.ok(events.every((e, i) => i === 0 || e.seq > events[i - 1].seq), events.map((e) => e.seq).join(' '));
  // asked again with nothing running: the last job's state, stamped after everything before it
  const again = a.scanner.state();
  assert.deepEqual([again.jobId, again.state], [answer.jobId, 'finished']);
  assert.ok(again.seq > finished.seq);

  // another engine (a restart on the same data folder): its own run, never taken for an older state of the first
  const b = scanner('a', []);
  const other = b.scanner.state();
  assert.notEqual(other.engineRun, answer.engineRun);
  assert.equal(isStaleState(again, other), false);
  a.close();
  b.close();
});

test('a model Get\'s answer is ordered before its job\'s events: one that fails at once (the Hub refuses) ends after it', async () => {
  const events: GetState[] = [];
  const data = join(dir, 'get');
  mkdirSync(data, { recursive: true });
  const db = openDb(data);
  const ctx = {
    db, dataDir: data, cacheDir: data,
    emit: <E extends EventName>(n: E, payload: EventPayload<E>) => void (n === 'model:get-state' && events.push(payload as GetState)),
  } as unknown as EngineContext;
  const env = { HF_ENDPOINT: 'http://127.0.0.1:9', STUDIO_IMAGEBIND_URL: 'http://127.0.0.1:9/imagebind_huge.pth', STUDIO_MODELS_DIR: join(data, 'models') };
  const catalog = new ModelCatalogService(ctx, async () => Promise.reject(new Error('no conversion expected')), () => undefined, env);
  // this Get must start (a LLaMA-7B folder the plan accepts), then fail at the Hub
  const llama = llamaFolderStandIn(join(data, 'llama-7b'));
  const answer = await catalog.get({ variant: 'beta', precision: 'int4', llama });
  assert.equal(answer.state, 'running');
  for (let i = 0; i < 200 && !events.some((e) => e.state === 'failed'); i++) await new Promise((r) => setTimeout(r, 25));
  const failed = events.find((e) => e.state === 'failed');
  assert.ok(failed, JSON.stringify(events.map((e) => e.state)));
  assert.match(failed.message, /could not be reached/);
  assert.ok(events.every((e) => e.seq > answer.seq && e.engineRun === answer.engineRun), `answer ${answer.seq}, events ${events.map((e) => e.seq).join(' ')}`);
  assert.equal(isStaleState(failed, answer), true, 'the answer coming after "failed" is dropped');
  const now = catalog.state()!;
  assert.ok(now.seq > failed.seq && now.state === 'failed');
  db.close();
});
