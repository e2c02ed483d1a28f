// `studio ask` without --pack reads the chosen pack (one setting) from the data folder's studio.sqlite. Session 28's
// dataFolderSetting copied the whole database (and its -wal) to a temporary folder whenever no process held it: tens
// of MB for a big library to read one row. These tests measure the bytes this process writes while it reads
// (/proc/self/io wchar: write, sendfile and copy_file_range all count), and check the setting is still the one last
// written: in the database file, in a -wal no one checkpointed, and while another connection holds it.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { dataFolderSetting, linkedDbView } from '../../main/engine/db/settings';

const OUT = join(import.meta.dirname, '..', 'output', 'data-folder-setting');
const KEY = 'model.packPath';
/** bytes this process has written so far (write-like system calls of all its threads); null off Linux */
const written = (): number | null => (existsSync('/proc/self/io') ? Number(/^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))![1]) : null);
/** the folder's names with size and mtime: what a read must leave as it was */
const listing = (dir: string) => readdirSync(dir).sort().map((n) => { const s = statSync(join(dir, n)); return `${n} ${s.size} ${s.mtimeMs}`; });

/** a WAL database like the studio's with the setting and ~16 MB of other rows (a big library's size) */
function makeDb(dir: string, value: string): Database.Database {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, 'studio.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL); CREATE TABLE filler (b BLOB)');
  const put = db.prepare('INSERT INTO filler VALUES (randomblob(?))');
  db.transaction(() => { for (let i = 0; i < 64; i++) put.run(256 * 1024); })();
  db.prepare('INSERT INTO settings VALUES (?, ?)').run(KEY, value);
  return db;
}

describe('dataFolderSetting reads one setting without copying the database', () => {
  before(() => {
    rmSync(OUT, { recursive: true, force: true });
    // the temporary folder inside the test's own: whatever a read puts there is seen (and it is on the same disk)
    mkdirSync(join(OUT, 'tmp'), { recursive: true });
    process.env.TMPDIR = join(OUT, 'tmp');
  });
  after(() => rmSync(OUT, { recursive: true, force: true }));

  it('a database no one holds (closed cleanly, no -wal): the setting, with no copy and nothing left beside it', () => {
    const dir = join(OUT, 'closed');
    makeDb(dir, '/packs/closed').close();
    assert.deepEqual(readdirSync(dir), ['studio.sqlite']);
    const size = statSync(join(dir, 'studio.sqlite')).size;
    assert.ok(size > 16e6, `${size} bytes`);
    const was = listing(dir);
    const w0 = written();
    assert.equal(dataFolderSetting(dir, KEY), '/packs/closed');
    const w = w0 === null ? null : written()! - w0;
    if (w !== null) assert.ok(w < 1e6, `${w} bytes written to read one setting of a ${size}-byte database`);
    assert.deepEqual(listing(dir), was, 'the data folder as it was: no -wal or -shm left, the database untouched');
    assert.deepEqual(readdirSync(join(OUT, 'tmp')), [], 'no temporary folder left');
    assert.equal(dataFolderSetting(dir, 'no.such.key'), undefined);
  });

  it('a -wal no one checkpointed (its holder gone, no -shm): the setting written last, with no copy', () => {
    const held = join(OUT, 'held-for-wal');
    const db = makeDb(held, '/packs/old');
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.prepare('UPDATE settings SET value = ? WHERE key = ?').run('/packs/in-the-wal', KEY);
    // what a holder killed mid-run leaves, less its -shm: the database file still says the old value
    const dir = join(OUT, 'wal-only');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(held, 'studio.sqlite'), join(dir, 'studio.sqlite'));
    copyFileSync(join(held, 'studio.sqlite-wal'), join(dir, 'studio.sqlite-wal'));
    db.close();
    assert.ok(statSync(join(dir, 'studio.sqlite-wal')).size > 0);
    const was = listing(dir);
    const w0 = written();
    assert.equal(dataFolderSetting(dir, KEY), '/packs/in-the-wal');
    const w = w0 === null ? null : written()! - w0;
    if (w !== null) assert.ok(w < 1e6, `${w} bytes written`);
    assert.deepEqual(listing(dir), was, 'no -shm made, the -wal and the database untouched');
    assert.deepEqual(readdirSync(join(OUT, 'tmp')), []);
  });

  it('a database another connection holds (the running app): the setting it wrote last, read in place', () => {
    const dir = join(OUT, 'held');
    const db = makeDb(dir, '/packs/first');
    db.pragma('wal_autocheckpoint = 0');
    db.prepare('UPDATE settings SET value = ? WHERE key = ?').run('/packs/chosen-while-running', KEY);
    assert.ok(existsSync(join(dir, 'studio.sqlite-shm')));
    const w0 = written();
    assert.equal(dataFolderSetting(dir, KEY), '/packs/chosen-while-running');
    const w = w0 === null ? null : written()! - w0;
    if (w !== null) assert.ok(w < 1e6, `${w} bytes written`);
    db.close();
  });

  // a system temporary folder on another disk than the data folder (a tmpfs /tmp) takes no hard link (EXDEV): the
  // second name is made in a hidden folder beside the database, still without a copy
  it('a temporary folder on another disk: the links are made beside the database, and removed', { skip: !existsSync('/dev/shm') || statSync('/dev/shm').dev === statSync(import.meta.dirname).dev ? 'no second file system here' : false }, () => {
    const dir = join(OUT, 'other-disk');
    makeDb(dir, '/packs/other-disk').close();
    const was = listing(dir);
    const tmp = process.env.TMPDIR;
    process.env.TMPDIR = mkdtempSync(join('/dev/shm', 'data-folder-setting-'));
    try {
      const view = linkedDbView(join(dir, 'studio.sqlite'));
      assert.equal(view.linked, true);
      assert.equal(statSync(view.file).ino, statSync(join(dir, 'studio.sqlite')).ino, 'the same file under a second name');
      view.remove();
      assert.equal(dataFolderSetting(dir, KEY), '/packs/other-disk');
      assert.deepEqual(readdirSync(process.env.TMPDIR), []);
    } finally {
      rmSync(process.env.TMPDIR, { recursive: true, force: true });
      process.env.TMPDIR = tmp;
    }
    assert.deepEqual(listing(dir), was);
  });

  it('no database: undefined, nothing made', () => {
    const dir = join(OUT, 'empty');
    mkdirSync(dir, { recursive: true });
    assert.equal(dataFolderSetting(dir, KEY), undefined);
    assert.deepEqual(readdirSync(dir), []);
  });
});
