// Session 20 left: a library scan paused before an engine restart was shown as paused nowhere — the new engine's
// scan state said idle — and resumed silently at the next Scan. Now the engine that starts with it says it is paused
// (its counts as its resume counts them), Resume resumes it, Cancel ends it, and the folder watcher's changes wait
// behind it as they wait behind a scan paused in the same engine. (The restart itself with a real engine and Resume:
// test/integration/library-retag-restart.test.ts.)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EventName, EventPayload, ScanState } from '@contract';
import { openDb } from '../../main/engine/db';
import type { EngineContext } from '../../main/engine/context';
import { LibraryScanner } from '../../main/engine/library/job';
import type { Analyse } from '../../main/engine/library/pool';
import { LibraryStore } from '../../main/engine/library/store';

const dir = mkdtempSync(join(tmpdir(), 'rs-paused-stored-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a scan paused before the engine started: shown paused with its counts; Cancel ends it and the watcher\'s changes waiting behind it run', async () => {
  const db = openDb(join(dir, 'data'));
  const store = new LibraryStore(db);
  const lib = join(dir, 'Music');
  const folder = store.addFolder(lib, []);
  // the job as an engine that paused it left it: 3 files found, 1 analysed, 1 failed, 1 not reached
  const paths = ['a.flac', 'b.flac', 'c.flac'].map((n) => join(lib, n));
  store.write(() => {
    store.jobs.upsert('job-paused', null, 'library', 'paused', 1000);
    store.jobs.addFiles('job-paused', paths.map((path, i) => ({ path, folderId: folder.id, done: i < 2 })));
  });
  const failed = store.write(() => store.markPending(paths[1], folder.id, 10, 10)).id;
  store.recordFailure(failed, 'UNREADABLE', 'cannot decode', { size: 10, mtimeMs: 10 });
  const events: ScanState[] = [];
  const ctx = {
    db, dataDir: join(dir, 'data'), cacheDir: join(dir, 'data'),
    emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void (name === 'library:scan-state' && events.push(payload as ScanState)),
  } as unknown as EngineContext;
  const pool = (): Analyse => ({ size: 1, run: async () => Promise.reject(new Error('no analysis expected')), close: async () => undefined });
  const scanner = new LibraryScanner(ctx, store, pool, true);

  assert.equal(scanner.closeInterrupted()?.state, 'paused', 'the folder scan to resume');
  const s = scanner.state();
  assert.deepEqual([s.jobId, s.state, s.total, s.done, s.failed, s.startedAt], ['job-paused', 'paused', 3, 1, 1, 1000], 'paused, as its resume counts it (was: idle, 0 / 0)');
  assert.equal(scanner.busy, false, 'not resumed by itself');

  // the watcher saw a change: it waits behind the paused scan (as behind one paused in this engine)
  scanner.enqueuePaths([join(lib, 'new.flac')]);
  assert.equal(scanner.busy, false, 'the watcher\'s change waits');
  assert.equal(scanner.control('pause').state, 'paused', 'Pause: nothing to do');

  // Cancel ends the stored job (the next Scan starts afresh) and lets the watcher's change run
  const cancelled = scanner.control('cancel');
  assert.deepEqual([cancelled.jobId, cancelled.state], ['job-paused', 'cancelled']);
  assert.ok(!store.jobs.allUnfinished('library').some((j) => j.id === 'job-paused'), 'the job is no longer kept as unfinished');
  assert.ok(events.some((e) => e.jobId === 'job-paused' && e.state === 'cancelled'), 'the page is told');
  assert.equal(scanner.busy, true, 'the watcher\'s change runs now');
  await scanner.whenIdle();
  db.close();
});

test('Resume of a scan paused before the engine started resumes that job where it stopped', async () => {
  const db = openDb(join(dir, 'data2'));
  const store = new LibraryStore(db);
  const lib = join(dir, 'Music2');
  const folder = store.addFolder(lib, []);
  store.write(() => {
    store.jobs.upsert('job-2', folder.id, 'library', 'paused', 2000);
    // its one file gone since: the resume drops it and finishes
    store.jobs.addFiles('job-2', [{ path: join(lib, 'gone.flac'), folderId: folder.id, done: false }]);
  });
  const ctx = { db, dataDir: join(dir, 'data2'), cacheDir: join(dir, 'data2'), emit: () => undefined } as unknown as EngineContext;
  const scanner = new LibraryScanner(ctx, store, () => ({ size: 1, run: async () => Promise.reject(new Error('none')), close: async () => undefined }), true);
  scanner.closeInterrupted();
  assert.equal(scanner.state().state, 'paused');
  const resumed = scanner.control('resume');
  assert.deepEqual([resumed.jobId, resumed.state, resumed.startedAt], ['job-2', 'running', 2000], 'the same job, resumed (was: nothing, no job)');
  await scanner.whenIdle();
  assert.deepEqual([scanner.state().jobId, scanner.state().state], ['job-2', 'finished']);
  db.close();
});
