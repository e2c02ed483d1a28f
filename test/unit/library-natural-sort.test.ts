// Session 14 tester: titles sorted c1, c10, c11 … c2. Text columns now sort in natural order (numbers by value,
// letters without case) by a stored, indexed key (main/engine/db/natural-key.ts, migration 8).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, migrations, openDb } from '../../main/engine/db';
import { naturalKey, naturalPathKey, registerNaturalKey } from '../../main/engine/db/natural-key';
import { registerSearchKey } from '../../main/engine/db/search-key';
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
    const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM tracks WHERE lib_status IS NOT NULL ORDER BY title_sort IS NULL, title_sort ASC, path_sort ASC, path ASC`).all() as { detail: string }[]).map((p) => p.detail).join('; ');
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

// Session 28 (left28a): ties under a column sort fell back to the raw path, so one artist's tracks ran Track 1, Track 10,
// Track 11, Track 2. The tie-break is now the path's natural key (natural-key.ts naturalPathKey, migration 13).
test('naturalPathKey: names by value, and a folder before its longer siblings', () => {
  const sorted = (xs: string[]) => [...xs].sort((a, b) => (naturalPathKey(a)! < naturalPathKey(b)! ? -1 : naturalPathKey(a)! > naturalPathKey(b)! ? 1 : 0));
  assert.deepEqual(sorted(['/m/Track 10.mp3', '/m/Track 2.mp3', '/m/track 1.mp3', '/m/Track 11.mp3']), ['/m/track 1.mp3', '/m/Track 2.mp3', '/m/Track 10.mp3', '/m/Track 11.mp3']);
  assert.deepEqual(sorted(['/m/Album 2/a.mp3', '/m/Album/z.mp3', '/m/Album10/a.mp3', '/m/Album9/a.mp3']), ['/m/Album/z.mp3', '/m/Album 2/a.mp3', '/m/Album9/a.mp3', '/m/Album10/a.mp3']);
  assert.deepEqual(sorted(['C:\\m\\Disc 10\\a.mp3', 'C:\\m\\Disc 9\\a.mp3']), ['C:\\m\\Disc 9\\a.mp3', 'C:\\m\\Disc 10\\a.mp3']);
  assert.equal(naturalPathKey(null), null);
});

test('ties under a column sort, and the Path sort, run in natural path order through an index', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lib-natural-path-'));
  const db = openDb(dir);
  try {
    const repo = new TracksRepo(db);
    const names = ['Track 1', 'Track 10', 'Track 11', 'Track 2'];
    names.forEach((n, i) => {
      repo.insertPending(`id${i}`, `/m/Artist/${n}.mp3`, null, 1, 1, '{}', `${n}.mp3`, 0);
      repo.setRetagged(`id${i}`, { size: 1, mtimeMs: 1, probeJson: '{}', title: null, artist: 'Same Artist', album: 'Same Album', genre: null, year: null });
    });
    const want = ['Track 1', 'Track 2', 'Track 10', 'Track 11'].map((n) => `/m/Artist/${n}.mp3`);
    const paths = (column: string, dir: 'asc' | 'desc') => repo.libPage(undefined, { column, dir }, 0, 100).rows.map((r) => r.path);
    for (const column of ['artist', 'album', 'title', 'bpm', 'key', 'lufs', 'durationSec']) {
      assert.deepEqual(paths(column, 'asc'), want, `${column} asc`);
      assert.deepEqual(paths(column, 'desc'), want, `${column} desc: ties still run up`);
    }
    assert.deepEqual(paths('path', 'asc'), want);
    assert.deepEqual(paths('path', 'desc'), [...want].reverse());
    assert.deepEqual(repo.libIds(undefined, { column: 'artist', dir: 'asc' }), ['id0', 'id3', 'id1', 'id2']);
    assert.deepEqual(repo.libAll(undefined, undefined).map((r) => r.path), want, 'the export without a sort: by path, naturally');
    // a move renames the file: its key follows
    repo.move('id1', '/m/Artist/Track 3.mp3', 'Track 3.mp3', null);
    assert.deepEqual(paths('artist', 'asc').slice(1, 3), ['/m/Artist/Track 2.mp3', '/m/Artist/Track 3.mp3']);
    for (const [sql, index] of [
      ['artist_sort IS NULL, artist_sort ASC, path_sort ASC, path ASC', 'lib_sort_artist_asc'],
      ['artist_sort IS NULL, artist_sort DESC, path_sort ASC, path ASC', 'lib_sort_artist_desc'],
      ['path_sort ASC, path ASC', 'lib_sort_path'],
      ['path_sort DESC, path DESC', 'lib_sort_path'],
    ]) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM tracks WHERE lib_status IS NOT NULL ORDER BY ${sql}`).all() as { detail: string }[]).map((p) => p.detail).join('; ');
      assert.match(plan, new RegExp(`USING INDEX ${index}\\b`), sql);
      assert.doesNotMatch(plan, /TEMP B-TREE/, sql);
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migration 13 fills the path keys of rows already in the library', () => {
  const dir = mkdtempSync(join(tmpdir(), 'db-mig13-'));
  const db = new Database(join(dir, 'old.sqlite'));
  try {
    registerNaturalKey(db);
    registerSearchKey(db);
    for (let v = 0; v < 12; v++) db.exec(migrations[v]);
    db.pragma('user_version = 12');
    const ins = db.prepare(`INSERT INTO tracks (id, path, real_path, size, mtime_ms, kind, probe_json, opened_at, last_opened_at, lib_status, file_name, artist, artist_sort) VALUES (?, ?, ?, 1, 1, 'audio', '{}', 0, 0, 'analysed', ?, 'A', 'a')`);
    for (const n of ['Track 10', 'Track 2', 'Track 1']) ins.run(n, `/m/${n}.wav`, `/m/${n}.wav`, `${n}.wav`);
    migrate(db);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    assert.deepEqual(new TracksRepo(db).libPage(undefined, { column: 'artist', dir: 'asc' }, 0, 10).rows.map((r) => r.file_name), ['Track 1.wav', 'Track 2.wav', 'Track 10.wav']);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
