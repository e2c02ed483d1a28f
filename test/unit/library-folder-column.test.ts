// Session 28 (left28a): a library across several folders had no way to see or sort by a track's folder. The Folder
// column shows the folder relative to its library folder (search-key.ts relativeFolder) and sorts by a stored natural
// key (natural-key.ts naturalFolderKey, migration 14).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, migrations, openDb } from '../../main/engine/db';
import { naturalFolderKey, registerNaturalKey } from '../../main/engine/db/natural-key';
import { registerSearchKey, relativeFolder } from '../../main/engine/db/search-key';
import { LibraryStore } from '../../main/engine/library/store';

test('relativeFolder: below the library folder, "" directly in it, the whole folder outside one', () => {
  assert.equal(relativeFolder('/m/Lib/a.mp3', '/m/Lib'), '');
  assert.equal(relativeFolder('/m/Lib/a.mp3', '/m/Lib/'), '');
  assert.equal(relativeFolder('/m/Lib/Miles Davis/Kind of Blue/a.mp3', '/m/Lib'), 'Miles Davis/Kind of Blue');
  assert.equal(relativeFolder('C:\\Music\\Disc 2\\a.mp3', 'C:\\Music'), 'Disc 2');
  assert.equal(relativeFolder('/m/Library 2/a.mp3', '/m/Lib'), '/m/Library 2', 'a sibling that starts alike is not below it');
  assert.equal(relativeFolder('/elsewhere/x/a.mp3', null), '/elsewhere/x');
  assert.equal(naturalFolderKey('/m/Lib/a.mp3', '/m/Lib'), '');
  assert.ok(naturalFolderKey('/m/Lib/Disc 2/a.mp3', '/m/Lib')! < naturalFolderKey('/m/Lib/Disc 10/a.mp3', '/m/Lib')!);
  assert.equal(naturalFolderKey(null), null);
});

test('the library query carries each row\'s folder and sorts by it naturally, through an index, both ways', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lib-folder-'));
  const db = openDb(dir);
  try {
    const store = new LibraryStore(db);
    const a = store.addFolder('/m/A', []);
    const b = store.addFolder('/x/B', []);
    const files = ['/m/A/Disc 10/t.mp3', '/m/A/top.mp3', '/x/B/Disc 2/t.mp3', '/m/A/Disc 2/u.mp3', '/x/B/Disc 2/s.mp3', '/x/B/loose.mp3'];
    store.write(() => files.forEach((p) => store.markPending(p, p.startsWith('/m/A') ? a.id : b.id, 1, 1)));
    const rows = (dir: 'asc' | 'desc') => store.query(undefined, { column: 'folder', dir }, 0, 100).rows.map((r) => [r.folder, r.path]);
    assert.deepEqual(rows('asc'), [
      ['', '/m/A/top.mp3'], ['', '/x/B/loose.mp3'],
      ['Disc 2', '/m/A/Disc 2/u.mp3'], ['Disc 2', '/x/B/Disc 2/s.mp3'], ['Disc 2', '/x/B/Disc 2/t.mp3'],
      ['Disc 10', '/m/A/Disc 10/t.mp3'],
    ]);
    assert.deepEqual(rows('desc').map((r) => r[0]), ['Disc 10', 'Disc 2', 'Disc 2', 'Disc 2', '', ''], 'ties still in path order');
    const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM tracks WHERE lib_status IS NOT NULL ORDER BY folder_sort IS NULL, folder_sort DESC, path_sort ASC, path ASC`).all() as { detail: string }[]).map((p) => p.detail).join('; ');
    assert.match(plan, /USING INDEX lib_sort_folder_desc/);
    assert.doesNotMatch(plan, /TEMP B-TREE/);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migration 14 fills the folder keys of rows already in the library', () => {
  const dir = mkdtempSync(join(tmpdir(), 'db-mig14-'));
  const db = new Database(join(dir, 'old.sqlite'));
  try {
    registerNaturalKey(db);
    registerSearchKey(db);
    for (let v = 0; v < 13; v++) db.exec(migrations[v]);
    db.pragma('user_version = 13');
    db.prepare(`INSERT INTO library_folders (id, path, added_at) VALUES ('f', '/m/Lib', 0)`).run();
    const ins = db.prepare(`INSERT INTO tracks (id, path, real_path, size, mtime_ms, kind, probe_json, opened_at, last_opened_at, lib_status, folder_id, file_name) VALUES (?, ?, ?, 1, 1, 'audio', '{}', 0, 0, 'analysed', 'f', 'a.wav')`);
    for (const d of ['Disc 10', 'Disc 9', '']) ins.run(d || 'top', `/m/Lib/${d ? `${d}/` : ''}a.wav`, `/m/Lib/${d}/a.wav`);
    migrate(db);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    assert.deepEqual(new LibraryStore(db).query(undefined, { column: 'folder', dir: 'asc' }, 0, 10).rows.map((r) => r.folder), ['', 'Disc 9', 'Disc 10']);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
