// left15: the library's search folded five text columns per row per query in SQL (NFC + lower case through a JS
// function), up to 436 ms on 50,000 rows for a one-letter word beyond ASCII; the folded text is now stored once per
// row (main/engine/db/search-key.ts, migration 9) and a search is one instr() per word on it. The search's own
// behaviour (NFC/NFD, case beyond ASCII, literal wildcards) stays pinned by library-store.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, migrations, openDb } from '../../main/engine/db';
import { foldSearch, searchKey } from '../../main/engine/db/search-key';
import { TracksRepo } from '../../main/engine/db/tracks';

test('searchKey: each column lower case without accents, null ones empty, one per line', () => {
  assert.equal(searchKey('Été'.normalize('NFD'), 'ØYVIND', null, 'Jazz', 'a.FLAC'), 'ete\noyvind\n\njazz\na.flac');
  assert.equal(foldSearch('ÉTÉ'.normalize('NFD')), 'ete');
  // left28c: accents folded; the letters NFD keeps whole spelled out; other scripts' marks kept, composed (NFC)
  assert.equal(foldSearch('Björk Beyoncé Sigur Rós ÆØ Œ ẞ Đ Ł İ'), 'bjork beyonce sigur ros aeo oe ss d l i');
  assert.equal(foldSearch('が 한국 Ёлка'), 'が 한국 елка');
  assert.equal(searchKey(null, null, null, null, null), '\n\n\n\n');
  // tester20: then the folders below the library folder (`root`), or a loose file's own folder
  assert.equal(searchKey('T', null, null, null, '01.flac', '/home/Music/Miles/Kind of BLUE/01.flac', '/home/Music'), 't\n\n\n\n01.flac\nmiles\nkind of blue');
  assert.equal(searchKey('T', null, null, null, 'a.wav', 'C:\\Users\\me\\Drop\\a.wav', null), 't\n\n\n\na.wav\ndrop');
  assert.equal(searchKey('T', null, null, null, 'a.wav', '/lib/a.wav', '/lib/'), 't\n\n\n\na.wav', 'a file right in the library folder: no folder');
});

test('every write of a row\'s text columns keeps its search key, and a word never spans two columns', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lib-search-key-'));
  const db = openDb(dir);
  try {
    const repo = new TracksRepo(db);
    const key = (id: string) => (db.prepare('SELECT search_key FROM tracks WHERE id = ?').pluck().get(id) as string | null);
    repo.insertPending('a', '/m/Café.wav'.normalize('NFD'), null, 1, 1, '{}', 'Café.wav'.normalize('NFD'), 0);
    assert.equal(key('a'), '\n\n\n\ncafe.wav\nm', 'outside a library folder: its own folder\'s name last');
    repo.setRetagged('a', { size: 1, mtimeMs: 1, probeJson: '{}', title: 'Night', artist: 'Drive', album: null, genre: null, year: null });
    assert.equal(key('a'), 'night\ndrive\n\n\ncafe.wav\nm');
    repo.move('a', '/m/b.wav', 'b.wav', null);
    assert.equal(key('a'), 'night\ndrive\n\n\nb.wav\nm');
    const n = (text: string) => repo.libPage({ text }, undefined, 0, 10).total;
    assert.equal(n('night'), 1);
    assert.equal(n('NIGHT drive'), 1);
    assert.equal(n('nightdrive'), 0, 'the title and the artist are not one text');
    // the query reads the stored key; no search function runs for a row that has one
    db.function('search_key', { deterministic: true, varargs: true }, () => { throw new Error('search_key() ran for a row with a stored key'); });
    assert.equal(n('drive'), 1);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migration 9 fills the search key of rows already in the library', () => {
  const dir = mkdtempSync(join(tmpdir(), 'db-mig9-'));
  const db = new Database(join(dir, 'old.sqlite'));
  try {
    db.function('natural_key', { deterministic: true }, (v: unknown) => v as string);
    for (let v = 0; v < 8; v++) db.exec(migrations[v]);
    db.pragma('user_version = 8');
    const ins = db.prepare(`INSERT INTO tracks (id, path, real_path, size, mtime_ms, kind, probe_json, opened_at, last_opened_at, lib_status, file_name, title, artist) VALUES (?, ?, ?, 1, 1, 'audio', '{}', 0, 0, ?, ?, ?, ?)`);
    ins.run('x', '/m/x.wav', '/m/x.wav', 'analysed', 'x.wav', 'Été indien'.normalize('NFD'), 'Joe Dassin');
    ins.run('opened', '/o/y.wav', '/o/y.wav', null, 'y.wav', 'Été', null); // an opened file, not in the library: no key
    migrate(db);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    assert.equal(db.prepare('SELECT search_key FROM tracks WHERE id = ?').pluck().get('x'), 'ete indien\njoe dassin\n\n\nx.wav\nm', 'migration 11 added the folder, 15 folded the accents');
    assert.equal(db.prepare('SELECT search_key FROM tracks WHERE id = ?').pluck().get('opened'), null);
    assert.deepEqual(new TracksRepo(db).libPage({ text: 'ÉTÉ' }, undefined, 0, 10).rows.map((r) => r.id), ['x']);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// left28c: the search folds accents ("Bjork" finds "Björk"); keys stored before (NFC, lower case, accents kept) are
// made again by migration 15, or a library scanned before the upgrade would not find "Björk" as "bjork"
test('migration 15 makes the stored keys again without accents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'db-mig15-'));
  let db = openDb(dir);
  const file = db.name;
  try {
    const repo = new TracksRepo(db);
    repo.insertPending('a', '/m/Sigur Rós/x.wav', null, 1, 1, '{}', 'x.wav', 0);
    repo.setRetagged('a', { size: 1, mtimeMs: 1, probeJson: '{}', title: 'Jóga', artist: 'Björk', album: null, genre: null, year: null });
    // as schema 14 stored it
    db.prepare('UPDATE tracks SET search_key = ?').run('jóga\nbjörk\n\n\nx.wav\nsigur rós');
    // and without the columns later migrations add (17: lib_moved_from, 19: lib_file_id), as a database at schema 14 is
    db.exec('ALTER TABLE tracks DROP COLUMN lib_moved_from');
    db.exec('ALTER TABLE tracks DROP COLUMN lib_file_id');
    db.pragma('user_version = 14');
    db.close();
    db = new Database(file);
    migrate(db);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    assert.equal(db.prepare('SELECT search_key FROM tracks').pluck().get(), 'joga\nbjork\n\n\nx.wav\nsigur ros');
    assert.equal(new TracksRepo(db).libPage({ text: 'bjork ros' }, undefined, 0, 10).total, 1);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
