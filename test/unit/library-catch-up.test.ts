// The catch-up at engine start (job.ts LibraryScanner.catchUp, catchup27) waits for a scan the user paused: it does
// not start while a scan paused before the engine started is held, and runs once that scan is cancelled — silently
// when it has nothing to analyse (no scan state told, the cancelled scan's state kept). With a real engine:
// test/integration/library-catch-up.test.ts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EventName, EventPayload, ScanState } from '@contract';
import { openDb } from '../../main/engine/db';
import type { EngineContext } from '../../main/engine/context';
import { LibraryScanner } from '../../main/engine/library/job';
import type { Analyse } from '../../main/engine/library/pool';
import { LibraryStore } from '../../main/engine/library/store';

const dir = mkdtempSync(join(tmpdir(), 'rs-catch-up-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** whether the path has a library row */
const inLibrary = (store: LibraryStore, path: string) => !!store.rowsByPath().get(path)?.lib_status;

test('the catch-up is held while a scan paused before the start is, and runs silently once that scan is cancelled', async () => {
  const db = openDb(join(dir, 'data'));
  const store = new LibraryStore(db);
  const lib = join(dir, 'Music');
  mkdirSync(lib, { recursive: true });
  const folder = store.addFolder(lib, []);
  // a row whose file was deleted while the studio was closed
  const gone = join(lib, 'gone.flac');
  store.write(() => store.markPending(gone, folder.id, 10, 10));
  store.write(() => store.jobs.upsert('job-paused', null, 'library', 'paused', 1000));
  const events: ScanState[] = [];
  const ctx = {
    db, dataDir: join(dir, 'data'), cacheDir: join(dir, 'data'),
    emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void (name === 'library:scan-state' && events.push(payload as ScanState)),
  } as unknown as EngineContext;
  const pool = (): Analyse => ({ size: 1, run: async () => Promise.reject(new Error('no analysis expected')), close: async () => undefined });
  const scanner = new LibraryScanner(ctx, store, pool, true);
  assert.equal(scanner.closeInterrupted()?.state, 'paused');

  scanner.catchUp();
  assert.equal(scanner.busy, false, 'not started while the scan is paused');
  assert.ok(inLibrary(store, gone), 'the row is there still');

  const cancelled = scanner.control('cancel');
  assert.deepEqual([cancelled.jobId, cancelled.state], ['job-paused', 'cancelled']);
  assert.equal(scanner.busy, true, 'the catch-up runs once the paused scan is cancelled');
  await scanner.whenIdle();
  assert.ok(!inLibrary(store, gone), 'the deleted file left the library');
  const end = scanner.state();
  assert.deepEqual([end.jobId, end.state], ['job-paused', 'cancelled'], 'the state shown is still the cancelled scan\'s');
  assert.deepEqual(events.map((e) => `${e.jobId}:${e.state}`), ['job-paused:cancelled'], 'the catch-up told no state of its own');
  assert.equal(store.jobs.allUnfinished('library').length, 0);
  db.close();
});

test('a catch-up with no watched folder does nothing; one asked for while a job runs follows it', async () => {
  const db = openDb(join(dir, 'data2'));
  const store = new LibraryStore(db);
  const ctx = { db, dataDir: join(dir, 'data2'), cacheDir: join(dir, 'data2'), emit: () => undefined } as unknown as EngineContext;
  const scanner = new LibraryScanner(ctx, store, () => ({ size: 1, run: async () => Promise.reject(new Error('none')), close: async () => undefined }), true);
  scanner.closeInterrupted();
  scanner.catchUp();
  assert.equal(scanner.busy, false, 'no folder: nothing to catch up with');

  const lib = join(dir, 'Music2');
  mkdirSync(lib, { recursive: true });
  const folder = store.addFolder(lib, []);
  const gone = join(lib, 'gone.flac');
  store.write(() => store.markPending(gone, folder.id, 10, 10));
  // a job of chosen files runs (nothing to find): the catch-up waits for it, then runs
  const paths = scanner.scanPaths([join(lib, 'absent.flac')]);
  scanner.catchUp();
  await scanner.whenIdle();
  assert.equal(scanner.state().jobId, paths.jobId, 'the last state told is the job before the catch-up');
  assert.equal(scanner.busy, true, 'the catch-up follows the job');
  await scanner.whenIdle();
  assert.ok(!inLibrary(store, gone), 'the deleted file left the library');
  db.close();
});
