// fix31 (item 6): the library's search folds accents ("cafe" finds "Café"), but its sorts compared code points after
// lower case, so an accented letter sorted after every plain one: crates listed "Cafe, Cafeteria, Café, Eclectic, Zouk,
// Élan" (sidebar, `studio crate list`), and the table's text columns put "Édith Piaf" after "Zappa". The natural sort
// key (natural-key.ts naturalKey, shared by the crates' order and every stored text/path/folder key) now compares the
// accent-folded name first (search-key.ts foldSearch, the search's own folding), the name itself only between names
// that fold alike ("Cafe" before "Café"); migration 16 makes the stored keys again. Names still differ: "Café" and
// "Cafe" are two crates (crateNameKey keeps accents).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, migrations, openDb } from '../../main/engine/db';
import { naturalKey, naturalPathKey } from '../../main/engine/db/natural-key';
import { TracksRepo } from '../../main/engine/db/tracks';
import { CrateService } from '../../main/engine/library/crates';

/** one scratch folder for this file's databases, removed at the end */
const root = mkdtempSync(join(tmpdir(), 'accent-sort-'));
after(() => rmSync(root, { recursive: true, force: true }));

const byKey = (names: string[], key: (s: string) => string | null) => [...names].sort((a, b) => (key(a)! < key(b)! ? -1 : key(a)! > key(b)! ? 1 : 0));

test('names: an accented letter sorts with its plain one; the plain name first where they fold alike', () => {
  assert.deepEqual(byKey(['Zouk', 'Élan', 'Eclectic', 'Cafeteria', 'Café', 'Cafe', 'Track 10', 'Träck 2'], naturalKey), ['Cafe', 'Café', 'Cafeteria', 'Eclectic', 'Élan', 'Träck 2', 'Track 10', 'Zouk']);
  // numbers by value still, across the fold: "Träck 2" before "Track 10"
  assert.ok(naturalKey('Träck 2')! < naturalKey('Track 10')!);
});

test('paths: a folder before its longer siblings still; "Cafe/" then "Café/" then "Cafeteria/"', () => {
  assert.deepEqual(byKey(['/m/Cafeteria/a.mp3', '/m/Café/a.mp3', '/m/Cafe/z.mp3', '/m/Album 2/a.mp3', '/m/Album/z.mp3', '/m/Élan/a.mp3', '/m/Zouk/a.mp3'], naturalPathKey), [
    '/m/Album/z.mp3', '/m/Album 2/a.mp3', '/m/Cafe/z.mp3', '/m/Café/a.mp3', '/m/Cafeteria/a.mp3', '/m/Élan/a.mp3', '/m/Zouk/a.mp3',
  ]);
});

test('crates: "Café" is its own crate, listed beside "Cafe"; "Élan" among the E\'s', () => {
  const db = openDb(join(root, 'crates'));
  const crates = new CrateService(db);
  for (const n of ['Zouk', 'Élan', 'Eclectic', 'Cafeteria', 'Café', 'Cafe']) crates.create(n);
  const names = crates.list().map((c) => c.name);
  db.close();
  assert.deepEqual(names, ['Cafe', 'Café', 'Cafeteria', 'Eclectic', 'Élan', 'Zouk']);
});

test('migration 16 makes the stored sort keys again: a library scanned before sorts "Édith" among the E\'s', () => {
  let db = openDb(join(root, 'mig16'));
  const file = db.name;
  try {
    const repo = new TracksRepo(db);
    const rows: Array<[string, string]> = [['a', 'Zappa'], ['b', 'Édith'], ['c', 'Eagle']];
    for (const [id, title] of rows) {
      repo.insertPending(id, `/m/${title}.wav`, null, 1, 1, '{}', `${title}.wav`, 0);
      repo.setRetagged(id, { size: 1, mtimeMs: 1, probeJson: '{}', title, artist: null, album: null, genre: null, year: null });
    }
    // as schema 15 stored them: NFC, lower case, accents kept
    for (const [id, title] of rows) db.prepare('UPDATE tracks SET title_sort = ?, path_sort = ? WHERE id = ?').run(title.toLowerCase(), `\u0001m\u0001${title.toLowerCase()}.wav`, id);
    // and without the columns later migrations add (17: lib_moved_from, 19: lib_file_id), as a database at schema 15 is
    db.exec('ALTER TABLE tracks DROP COLUMN lib_moved_from');
    db.exec('ALTER TABLE tracks DROP COLUMN lib_file_id');
    db.pragma('user_version = 15');
    db.close();
    db = new Database(file);
    migrate(db);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    const titles = new TracksRepo(db).libPage(undefined, { column: 'title', dir: 'asc' }, 0, 10).rows.map((r) => r.title);
    assert.deepEqual(titles, ['Eagle', 'Édith', 'Zappa']);
  } finally {
    db.close();
  }
});
