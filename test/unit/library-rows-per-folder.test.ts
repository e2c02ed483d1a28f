// A Rescan of several library folders takes each folder's files in as its walk ends (job.ts walkPhase, rescan39):
// the first folder's new rows are in the library (and told in library:changed) before the next folder's walk ends.
// Before, walkPhase walked every folder, then classified every file at once: a library of a small folder and a big
// one (a NAS share) showed none of the small folder's tracks until the big one had been walked to its end. Runs the
// scanner in this process on real folders; the moment "the second folder's walk has ended, nothing of it taken in
// yet" is when the scanner asks the store for the rows below that folder (goneUnder), seen through a wrapped store.
// Run: node tools/run-tests.mjs test/unit/library-rows-per-folder.test.ts
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EngineContext } from '../../main/engine/context';
import { openDb } from '../../main/engine/db';
import { LibraryScanner } from '../../main/engine/library/job';
import type { Analyse } from '../../main/engine/library/pool';
import { LibraryStore } from '../../main/engine/library/store';
import { toneFile } from '../helpers/media';

const dir = mkdtempSync(join(tmpdir(), 'rs-rows-per-folder-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a scan of two folders: the first folder\'s rows are there when the second folder\'s walk ends', async () => {
  const first = join(dir, 'First');
  const second = join(dir, 'Second');
  mkdirSync(first, { recursive: true });
  mkdirSync(second, { recursive: true });
  copyFileSync(toneFile('rows-per-folder-2s.mp3', 2), join(first, 'a.mp3'));
  copyFileSync(toneFile('rows-per-folder-2s.mp3', 2), join(first, 'b.mp3'));
  copyFileSync(toneFile('rows-per-folder-3s.mp3', 3), join(second, 'c.mp3'));
  const db = openDb(join(dir, 'data'));
  const store = new LibraryStore(db);
  store.addFolder(first, []);
  store.addFolder(second, []);
  // the folders are walked in the store's order: the test needs First walked first
  assert.deepEqual(store.folders().map((f) => f.path), [first, second]);
  /** the library's paths when the scanner looked below Second (its walk done) */
  let atSecond: string[] | null = null;
  const rowsUnder = store.libraryRowsUnder.bind(store);
  store.libraryRowsUnder = (path: string) => {
    if (path === second && atSecond === null) atSecond = [...store.rowsByPath().values()].filter((r) => r.lib_status).map((r) => r.path).sort();
    return rowsUnder(path);
  };
  const changed: number[] = [];
  const ctx = {
    db, dataDir: join(dir, 'data'), cacheDir: join(dir, 'data'),
    emit: (name: string, payload: { added?: number }) => void (name === 'library:changed' && changed.push(payload.added ?? 0)),
  } as unknown as EngineContext;
  const pool = (): Analyse => ({ size: 1, run: async () => Promise.reject(new Error('not analysed in this test')), close: async () => undefined });
  const scanner = new LibraryScanner(ctx, store, pool, false);
  scanner.start();
  await scanner.whenIdle();

  // before: [] — nothing was taken in until every folder had been walked
  assert.deepEqual(atSecond, [join(first, 'a.mp3'), join(first, 'b.mp3')], 'First\'s files were rows before Second\'s were taken in');
  const all = [...store.rowsByPath().values()].filter((r) => r.lib_status).map((r) => r.path).sort();
  assert.deepEqual(all, [join(first, 'a.mp3'), join(first, 'b.mp3'), join(second, 'c.mp3')]);
  assert.equal(changed.reduce((a, b) => a + b, 0), 3, 'every row told added');
  const end = scanner.state();
  assert.deepEqual([end.state, end.total, end.done + end.failed], ['finished', 3, 3], JSON.stringify(end));
  db.close();
});
