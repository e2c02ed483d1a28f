// Session 14 tester: titles sorted c1, c10, c11 … c2. Text columns now sort in natural order (numbers by value,
// letters without case) by a stored, indexed key (main/engine/db/natural-key.ts, migration 8).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, migrations, openDb } from '../../main/engine/db';
import { naturalKey } from '../../main/engine/db/natural-key';
import { TracksRepo } from '../../main/engine/db/tracks';

test('naturalKey: numbers by value, case folded, null stays null', () => {
  const sorted = (xs: string[]) => [...xs].sort((a, b) => (naturalKey(a)! < naturalKey(b)! ? -1 : naturalKey(a)! > naturalKey(b)! ? 1 : 0));
  assert.deepEqual(sorted(['c10', 'c2', 'c1', 'c11', 'c100', 'c9']), ['c1', 'c2', 'c9', 'c10', 'c11', 'c100']);
  assert.deepEqual(sorted(['Track 10', 'track 2', 'Track 1b', 'Track 1a']), ['Track 1a', 'Track 1b', 'track 2', 'Track 10']);
  assert.deepEqual(sorted(['beta', 'Alpha', '2 Live', '10 Years']), ['2 Live', '10 Years', 'Alpha', 'beta']);
  assert.deepEqual(sorted(['v1.10', 'v1.9', 'v1.2.3']), ['v1.2.3', 'v1.9', 'v1.10']);
  assert.equal(naturalKey('007'), naturalKey('7'));
  assert.equal(naturalKey(null), null);
});

test('the library sorts titles and file names in natural order, both directions, through an index', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lib-natural-'));
  const db = openDb(dir);
  try {
    const repo = new TracksRepo(db);
    const names = ['c1', 'c10', 'c11', 'c2', 'C3', 'c20'];
    names.forEach((n, i) => {
      repo.insertPending(`id${i}`, `/m/${n}.wav`, null, 1, 1, '{}', `${n}.wav`, 0);
      repo.setRetagged(`id${i}`, { size: 1, mtimeMs: 1, probeJson: '{}', title: n, artist: null, album: null, genre: null, year: null });
    });
    const want = ['c1', 'c2', 'C3', 'c10', 'c11', 'c20'];
    const titles = (dir: 'asc' | 'desc') => repo.libPage(undefined, { column: 'title', dir }, 0, 100).rows.map((r) => r.title);
    assert.deepEqual(titles('asc'), want);
    assert.deepEqual(titles('desc'), [...want].reverse());
    assert.deepEqual(repo.libPage(undefined, { column: 'fileName', dir: 'asc' }, 0, 100).rows.map((r) => r.file_name), want.map((n) => `${n}.wav`));
    assert.deepEqual(repo.libIds(undefined, { column: 'title', dir: 'asc' }), want.map((n) => `id${names.indexOf(n)}`));
    // a move renames the file: its key follows
    repo.move('id1', '/m/c0.wav', 'c0.wav', null);
    assert.equal(repo.libPage(undefined, { column: 'fileName', dir: 'asc' }, 0, 1).rows[0].file_name, 'c0.wav');
    const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM tracks WHERE lib_status IS NOT NULL ORDER BY title_sort IS NULL, title_sort ASC, path ASC`).all() as { detail: string }[]).map((p) => p.detail).join('; ');
    assert.match(plan, /USING INDEX lib_sort_title_asc/);
    assert.doesNotMatch(plan, /TEMP B-TREE/);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migration 8 fills the sort keys of rows already in the library', () => {
  const dir = mkdtempSync(join(tmpdir(), 'db-mig8-'));
  const db = new Database(join(dir, 'old.sqlite'));
  try {
    for (let v = 0; v < 7; v++) db.exec(migrations[v]);
    db.pragma('user_version = 7');
    const ins = db.prepare(`INSERT INTO tracks (id, path, real_path, size, mtime_ms, kind, probe_json, opened_at, last_opened_at, lib_status, file_name, title) VALUES (?, ?, ?, 1, 1, 'audio', '{}', 0, 0, 'analysed', ?, ?)`);
    for (const n of ['c10', 'c2', 'c1']) ins.run(n, `/m/${n}.wav`, `/m/${n}.wav`, `${n}.wav`, n);
    migrate(db);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    assert.deepEqual(new TracksRepo(db).libPage(undefined, { column: 'title', dir: 'asc' }, 0, 10).rows.map((r) => r.title), ['c1', 'c2', 'c10']);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
