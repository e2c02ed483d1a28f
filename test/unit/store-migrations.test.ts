// Migrations of the studio database: a database of the previous schema keeps
// its rows; chat answers written before answers named their question are tied
// to the question before them; a read-only data folder is refused with what to do.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import Database from 'better-sqlite3';
import { busyTimeoutMs, migrate, migrations, openDb } from '../../main/engine/db';

/** a database of schema `version` (the first `version` migrations) in a new folder, with one opened track 't1' */
function dbAt(version: number): { dir: string; db: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'db-mig-'));
  const db = new Database(join(dir, 'old.sqlite'));
  db.pragma('foreign_keys = ON');
  for (let v = 0; v < version; v++) db.exec(migrations[v]);
  db.pragma(`user_version = ${version}`);
  db.prepare(`INSERT INTO tracks (id, path, real_path, size, mtime_ms, kind, probe_json, opened_at, last_opened_at) VALUES ('t1','/a.mp3','/a.mp3',1,1,'audio','{}',0,0)`).run();
  return { dir, db };
}

test('migration 5: existing answers get the question before them as reply_to; scan jobs are library jobs', () => {
  const { dir, db } = dbAt(4);
  const ins = db.prepare(`INSERT INTO chat_messages (id, track_id, role, text, created_at, seq) VALUES (?, 't1', ?, ?, 0, ?)`);
  ins.run('u1', 'user', 'q1', 1);
  ins.run('a1', 'assistant', 'r1', 2);
  ins.run('u2', 'user', 'q2', 3);
  ins.run('a2', 'assistant', 'r2', 4);
  db.prepare(`INSERT INTO scan_jobs (id, state, started_at) VALUES ('j1', 'running', 0)`).run();
  migrate(db);
  assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
  const rows = db.prepare('SELECT id, reply_to FROM chat_messages ORDER BY seq').all();
  assert.deepEqual(rows, [
    { id: 'u1', reply_to: null },
    { id: 'a1', reply_to: 'u1' },
    { id: 'u2', reply_to: null },
    { id: 'a2', reply_to: 'u2' },
  ]);
  assert.equal((db.prepare(`SELECT kind FROM scan_jobs WHERE id = 'j1'`).get() as { kind: string }).kind, 'library');
  assert.equal((db.pragma('foreign_key_check') as unknown[]).length, 0);
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('migration 7: the marks table takes loops; the hot cues and regions of schema 6 are kept as they were', () => {
  const { dir, db } = dbAt(6);
  db.prepare(`INSERT INTO track_marks (id, track_id, kind, slot, start_sec, created_at) VALUES ('c1','t1','cue',3,12.5,1)`).run();
  db.prepare(`INSERT INTO track_marks (id, track_id, kind, start_sec, end_sec, name, created_at) VALUES ('r1','t1','region',4,8,'Verse',2)`).run();
  assert.throws(() => db.prepare(`INSERT INTO track_marks (id, track_id, kind, start_sec, end_sec, created_at) VALUES ('l0','t1','loop',1,2,3)`).run(), /CHECK/, 'schema 6 has no loops');
  migrate(db);
  assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
  assert.deepEqual(db.prepare('SELECT id, kind, slot, start_sec, end_sec, name, created_at, active FROM track_marks ORDER BY id').all(), [
    { id: 'c1', kind: 'cue', slot: 3, start_sec: 12.5, end_sec: null, name: null, created_at: 1, active: null },
    { id: 'r1', kind: 'region', slot: null, start_sec: 4, end_sec: 8, name: 'Verse', created_at: 2, active: null },
  ]);
  db.prepare(`INSERT INTO track_marks (id, track_id, kind, start_sec, end_sec, active, created_at) VALUES ('l1','t1','loop',1,2,1,3)`).run();
  assert.throws(() => db.prepare(`INSERT INTO track_marks (id, track_id, kind, start_sec, end_sec, active, created_at) VALUES ('l2','t1','loop',3,4,0,4)`).run(), /UNIQUE/, 'one loop per track');
  assert.throws(() => db.prepare(`INSERT INTO track_marks (id, track_id, kind, slot, start_sec, created_at) VALUES ('c2','t1','cue',3,1,5)`).run(), /UNIQUE/, 'one cue per slot, still');
  db.prepare(`DELETE FROM tracks WHERE id = 't1'`).run();
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM track_marks').get() as { n: number }).n, 0, 'marks still go with their track');
  assert.equal((db.pragma('foreign_key_check') as unknown[]).length, 0);
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a database from a newer studio is refused (UNSUPPORTED), not opened', () => {
  const dir = mkdtempSync(join(tmpdir(), 'db-new-'));
  const db = new Database(join(dir, 'studio.sqlite'));
  db.pragma(`user_version = ${migrations.length + 1}`);
  db.close();
  assert.throws(() => openDb(dir), (e: Error & { code?: string }) => e.code === 'UNSUPPORTED' && /newer version/.test(e.message));
  rmSync(dir, { recursive: true, force: true });
});

test('a data folder that cannot be written: DB_WRITE_FAILED that says what to do, no SqliteError', () => {
  // root writes chmod-000 folders, but not into sysfs (EPERM)
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'db-ro-'));
  const data = asRoot ? '/sys/resonance-studio-test' : join(dir, 'data');
  if (!asRoot) {
    mkdirSync(data);
    chmodSync(data, 0o555);
  }
  try {
    assert.throws(
      () => openDb(data),
      (e: Error & { code?: string }) => e.code === 'DB_WRITE_FAILED' && e.name === 'StudioError' && /read-only|writable/.test(e.message) && !/SqliteError/.test(e.message),
    );
  } finally {
    if (!asRoot) chmodSync(data, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a database file that is not a database (or damaged) is named with what to do, not "Unexpected error: file is not a database"', () => {
  // tester14: `studio analyze x.mp3 --db song.mp3`, or a data folder whose studio.sqlite was overwritten, said only
  // "studio: Unexpected error: file is not a database" (code INTERNAL), naming neither the file nor a way out
  const dir = mkdtempSync(join(tmpdir(), 'db-notadb-'));
  try {
    writeFileSync(join(dir, 'studio.sqlite'), Buffer.alloc(8192, 0x41));
    assert.throws(
      () => openDb(dir),
      (e: Error & { code?: string }) =>
        e.name === 'StudioError' && e.code === 'UNREADABLE' && e.message.includes(join(dir, 'studio.sqlite')) && /not a studio database|damaged/.test(e.message) && /--data-dir/.test(e.message),
    );
    // an explicit file (studio analyze --db PATH): the advice names --db
    const song = join(dir, 'song.mp3');
    writeFileSync(song, Buffer.alloc(4096, 0xff));
    assert.throws(() => openDb(dir, song), (e: Error & { code?: string }) => e.code === 'UNREADABLE' && e.message.includes(song) && /--db/.test(e.message));
    // a folder where the database file should be
    mkdirSync(join(dir, 'lib.sqlite'));
    assert.throws(
      () => openDb(dir, join(dir, 'lib.sqlite')),
      (e: Error & { code?: string }) => e.code === 'IS_DIRECTORY' && e.message.includes(join(dir, 'lib.sqlite')) && /folder/.test(e.message) && /--db/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a --db file whose folder cannot be written: the advice names --db, not --data-dir (which studio analyze --db does not use)', () => {
  // tester14: `studio analyze … --db /read-only/lib.db` said "choose another with --data-dir / STUDIO_DATA_DIR"
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'db-ro-file-'));
  const folder = asRoot ? '/sys/resonance-studio-test' : join(dir, 'ro');
  if (!asRoot) {
    mkdirSync(folder);
    chmodSync(folder, 0o555);
  }
  try {
    assert.throws(
      () => openDb(folder, join(folder, 'lib.db')),
      (e: Error & { code?: string }) => e.code === 'DB_WRITE_FAILED' && /writable/.test(e.message) && /--db PATH/.test(e.message) && !/--data-dir/.test(e.message),
    );
  } finally {
    if (!asRoot) chmodSync(folder, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a database another program holds locked (an SQLite browser with unsaved changes, a stuck studio): DB_WRITE_FAILED naming the lock, not an engine crash on its first write (tester15)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'studio-locked-'));
  try {
    openDb(dir).close();
    // the other program: a write transaction held open on the same file
    const other = new Database(join(dir, 'studio.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    try {
      const t0 = Date.now();
      assert.throws(
        () => openDb(dir),
        (e: Error & { code?: string }) =>
          e.name === 'StudioError' && e.code === 'DB_WRITE_FAILED' && /locked by another program/.test(e.message) && /close it/.test(e.message) && !/SqliteError|database is locked$/.test(e.message),
      );
      assert.ok(Date.now() - t0 < 15_000, 'it waits for the lock only as long as busy_timeout');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const db = openDb(dir); // once the other program lets go, it opens
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a full disk at open (SQLITE_FULL, or ENOSPC creating the folder): the advice is to free space, not to make the folder writable; read-only still says writable (tester16)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'studio-full-'));
  // the disk fills up when openDb takes its first write lock: better-sqlite3 throws a SqliteError with the code
  const full = (code: string, message: string) => mock.method(Database.prototype, 'exec', function (this: Database.Database, sql: string) {
    if (sql === 'BEGIN IMMEDIATE') throw Object.assign(new Error(message), { code });
    return this;
  });
  try {
    for (const [code, message] of [['SQLITE_FULL', 'database or disk is full'], ['ENOSPC', 'ENOSPC: no space left on device']]) {
      for (const fileName of [undefined, join(dir, 'lib.db')]) {
        const m = full(code, message);
        try {
          assert.throws(
            () => openDb(dir, fileName),
            (e: Error & { code?: string }) =>
              e.code === 'DB_WRITE_FAILED' && /disk is full/.test(e.message) && /Free some space/.test(e.message) && !/writable/.test(e.message) && e.message.includes(fileName ?? join(dir, 'studio.sqlite')),
          );
        } finally {
          m.mock.restore();
        }
      }
    }
    const m = full('SQLITE_READONLY', 'attempt to write a readonly database');
    try {
      assert.throws(() => openDb(dir), (e: Error & { code?: string }) => e.code === 'DB_WRITE_FAILED' && /read-only/.test(e.message) && /Make the data folder writable/.test(e.message));
    } finally {
      m.mock.restore();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// left15: tests of the locked database wait less (STUDIO_TEST_DB_BUSY_MS); the app's own wait stays 5 s
test('busy_timeout: 5 s, unless a test sets STUDIO_TEST_DB_BUSY_MS (whole ms, at least 100)', () => {
  assert.equal(busyTimeoutMs({}), 5000);
  assert.equal(busyTimeoutMs({ STUDIO_TEST_DB_BUSY_MS: '1000' }), 1000);
  for (const bad of ['', '0', '50', '1.5', 'x']) assert.equal(busyTimeoutMs({ STUDIO_TEST_DB_BUSY_MS: bad }), 5000, bad);
  const dir = mkdtempSync(join(tmpdir(), 'db-busy-'));
  try {
    const db = openDb(dir);
    assert.equal(db.pragma('busy_timeout', { simple: true }), process.env.STUDIO_TEST_DB_BUSY_MS ? busyTimeoutMs() : 5000);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a commit is on disk when it returns (WAL, synchronous FULL): a crate made or a hot cue set just before a power cut is kept (crash34)', () => {
  // before: synchronous NORMAL, which in WAL mode syncs only at checkpoints — a power cut (not a kill: the OS keeps
  // what a killed process wrote) rolled back the edits of the last moments that the app had already shown as done.
  // FULL syncs the log at each commit: measured 43 fsyncs instead of 8 for `studio analyze --db` over 16 files
  // (12 ms in all on this disk), 7 for a rescan with nothing changed.
  const dir = mkdtempSync(join(tmpdir(), 'db-sync-'));
  const db = openDb(dir);
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 2, 'FULL (2)');
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
