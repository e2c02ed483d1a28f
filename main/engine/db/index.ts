/**
 * The studio database: one SQLite file (better-sqlite3, WAL), written only by
 * the engine's event loop. This folder is the only code that holds SQL: the
 * migrations, and one repository per table (tracks, library_folders,
 * library_analyses, scan_jobs + scan_files, chat_messages, settings, track_marks, crates + crate_tracks).
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { makeDirs, writeCheck } from '../fs/paths';
import { isAbsolute, join } from 'node:path';
import { fmtBytes, StudioError } from '@contract';
import { migrations } from './migrations';
import { registerNaturalKey } from './natural-key';
import { registerSearchKey } from './search-key';

export type Db = Database.Database;
export { migrations };

/**
 * A consistent copy of another process's database (`studio crate list|show` while the app or `studio serve` holds the
 * data folder): `from` opened read-only and written whole into the new file `to` (SQLite's VACUUM INTO, one read
 * transaction: what the holder had committed), so the copy can be opened and migrated without a byte written to `from`.
 * Only while `from`'s `-wal` and `-shm` exist (the holder has it open): a read-only open of a WAL database nobody holds
 * would create both and leave them (as settings.ts readSettingsReadOnly).
 * @returns whether the copy was made (false: `from` absent, not held open, or unreadable; `to` is then not made)
 */
export function snapshotDb(from: string, to: string): boolean {
  if (![from, `${from}-wal`, `${from}-shm`].every((f) => existsSync(f))) return false;
  let db: Db | undefined;
  try {
    db = new Database(from, { readonly: true, fileMustExist: true });
    db.pragma(`busy_timeout = ${busyTimeoutMs()}`);
    db.prepare('VACUUM INTO ?').run(to);
    return true;
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

/**
 * Open (creating if needed) the studio database in `dataDir` (`fileName`
 * relative to it, or an absolute file), migrated to the latest schema.
 *
 * @throws StudioError DB_WRITE_FAILED when the file or its folder cannot be
 *   written (read-only folder or file, disk full, locked by another program for longer than busy_timeout),
 *   with what to do; UNSUPPORTED
 *   when the database is from a newer studio; UNREADABLE when the file is not
 *   an SQLite database or is damaged, IS_DIRECTORY when it is a folder (both
 *   naming the file and what to do: another --db file for an absolute
 *   `fileName`, else another data folder).
 */
export function openDb(dataDir: string, fileName = 'studio.sqlite'): Db {
  const file = isAbsolute(fileName) ? fileName : join(dataDir, fileName);
  // an absolute fileName is `studio analyze --db PATH`: the way out is another --db, not another data folder
  const another = isAbsolute(fileName) ? 'pass another file with --db PATH' : 'choose another data folder with --data-dir DIR or STUDIO_DATA_DIR';
  let db: Db | undefined;
  try {
    makeDirs(dataDir);
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
      throw new StudioError('IS_DIRECTORY', `The studio database "${file}" is a folder; the database is one file. Name a file (a new name creates an empty library), or ${another}.`);
    }
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    // FULL: each commit syncs the log, so an edit the app showed as done (a crate, a hot cue, a chat answer, a tag
    // write's record) survives a power cut; NORMAL syncs only at checkpoints and a power cut rolled the last ones
    // back. About two commits per analysed file: 43 fsyncs instead of 8 over 16 files (test/unit/store-migrations)
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${busyTimeoutMs()}`);
    migrate(db);
    // a write lock taken and let go at once: a database another program holds locked (an SQLite browser with
    // unsaved changes) is named here, after busy_timeout, not by the first write of whichever service writes first
    db.exec('BEGIN IMMEDIATE');
    db.exec('COMMIT');
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof StudioError) throw err;
    const e = err as { code?: string; message?: string };
    if (e.code === 'ENOTDIR' || e.code === 'EEXIST' || e.code === 'ENOENT') {
      throw new StudioError(
        'DB_WRITE_FAILED',
        `The ${isAbsolute(fileName) ? 'folder of the database' : 'data folder'} "${dataDir}" cannot be ${e.code === 'ENOENT' ? 'created there' : 'used: a file is in the way where a folder is needed'} (${(e as { path?: string }).path ?? dataDir}). ${isAbsolute(fileName) ? 'Pass another file with --db PATH' : 'Choose another with --data-dir DIR or STUDIO_DATA_DIR'} and start again.`,
        e.message,
      );
    }
    if (e.code === 'SQLITE_NOTADB' || e.code?.startsWith('SQLITE_CORRUPT')) {
      throw new StudioError(
        'UNREADABLE',
        `The studio database "${file}" is damaged or not a studio database (${e.message}). Move it aside or delete it to start with an empty library (its folders, analyses, chats and settings were in it), or ${another}.`,
        e.message,
      );
    }
    if (/^SQLITE_(BUSY|LOCKED)/.test(e.code ?? '')) {
      throw new StudioError('DB_WRITE_FAILED', `The studio database "${file}" cannot be opened for writing: ${writeWhy(e, file)} and start again, or ${another}.`, e.message);
    }
    const limited = fileSizeLimitWhy(e.code, file);
    if (limited) throw new StudioError('DB_WRITE_FAILED', `The studio database "${file}" cannot be written: ${limited}.`, e.message);
    if (isDiskFull(e.code)) {
      // a full disk is not a permissions problem: the way out is room on that disk
      throw new StudioError(
        'DB_WRITE_FAILED',
        `The studio database "${file}" cannot be opened for writing: the disk is full. Free some space on the disk of ${isAbsolute(fileName) ? 'its folder' : 'the data folder'} "${dataDir}" (or ${another}) and start again.`,
        e.message,
      );
    }
    if (isSqliteWriteError(e.code) || e.code === 'EACCES' || e.code === 'EROFS' || e.code === 'EPERM') {
      // SQLite says only CANTOPEN or READONLY: a file written in the folder says why (a read-only disk, no permission);
      // EROFS: the folder's mkdir (makeDirs) on such a disk
      const folder = e.code === 'EROFS' ? 'EROFS' : /CANTOPEN|READONLY/.test(e.code ?? '') ? writeCheck(dataDir)?.code : undefined;
      if (folder === 'EROFS') {
        throw new StudioError(
          'DB_WRITE_FAILED',
          `The studio database "${file}" cannot be opened for writing: ${isAbsolute(fileName) ? 'its folder' : 'the data folder'} "${dataDir}" is on a read-only disk. ${isAbsolute(fileName) ? 'Pass a file on a disk you can write with --db PATH' : 'Choose a folder on a disk you can write with --data-dir DIR or STUDIO_DATA_DIR'} (or remount that disk writable) and start again.`,
          e.message,
        );
      }
      throw new StudioError(
        'DB_WRITE_FAILED',
        isAbsolute(fileName)
          ? `The studio database "${file}" cannot be opened for writing: ${/CANTOPEN/.test(e.code ?? '') ? 'the file cannot be created or opened (check that its folder exists and is writable)' : writeWhy(e, file)}. Make its folder writable (or pass another file with --db PATH) and start again.`
          : `The studio database "${file}" cannot be opened for writing: ${/CANTOPEN/.test(e.code ?? '') ? 'the file cannot be created or opened (check that the data folder exists and is writable)' : writeWhy(e, file)}. Make the data folder writable (or choose another with --data-dir / STUDIO_DATA_DIR) and start again.`,
        e.message,
      );
    }
    throw err;
  }
}

/**
 * How long (ms) a write waits for another program's lock before DB_WRITE_FAILED: SQLite's busy_timeout, 5000.
 * Tests whose subject is that failure set STUDIO_TEST_DB_BUSY_MS (a whole number of ms, 100 or more) to wait less:
 * every write they provoke waits it out (8 writes × 5 s were 43 s of engine-db-locked.test.ts in CI).
 */
export function busyTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.STUDIO_TEST_DB_BUSY_MS);
  return Number.isInteger(ms) && ms >= 100 ? ms : 5000;
}

/** Apply the migrations this database lacks, each in its own transaction. @throws StudioError UNSUPPORTED for a newer schema. */
export function migrate(db: Db): void {
  // migration 8 fills the natural sort keys of existing rows, migration 9 their search keys
  registerNaturalKey(db);
  registerSearchKey(db);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new StudioError('UNSUPPORTED', `The studio database is from a newer version (schema ${current}, this build knows ${migrations.length}). Update Resonance Studio.`);
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/**
 * The soft file size limit of this process (RLIMIT_FSIZE, bytes: a shell's `ulimit -f`, which bash counts in 1024-byte
 * blocks), from `/proc/self/limits`; null where there is none ("unlimited") or it cannot be read (not Linux).
 */
export function fileSizeLimit(): number | null {
  try {
    const m = /^Max file size\s+(\d+)\s/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Where a write SQLite could not do (an I/O error, "full") or the OS refused (EFBIG) comes from a file size limit on
 * this process: why, in words, with what to do; else null. Under `ulimit -f` the write fails with EFBIG, which SQLite
 * reports as SQLITE_IOERR_WRITE "disk I/O error" (session 30: a scan said "an I/O error occurred", a database problem).
 */
function fileSizeLimitWhy(code: string | undefined, file?: string): string | null {
  if (!/IOERR|FULL|EFBIG/.test(code ?? '')) return null;
  const limit = fileSizeLimit();
  if (limit === null) return null;
  // a limit far above what the database's files reach (the file, its -wal or -journal, within 1 MiB of it) is not what
  // stopped the write: a full disk or a failing one is (the messages below)
  if (file) {
    let largest = 0;
    for (const f of [file, `${file}-wal`, `${file}-journal`]) {
      try {
        largest = Math.max(largest, statSync(f).size);
      } catch {
        // absent
      }
    }
    if (limit > largest + (1 << 20)) return null;
  }
  return `the file size limit of this process (ulimit -f: ${fmtBytes(limit)}) stops it from growing — not the disk or the database. Run \`ulimit -f unlimited\` in the shell that starts the studio (or start it from another shell), then start it again`;
}

/** the disk (or the user's quota) is full: SQLite's SQLITE_FULL, or the OS's ENOSPC/EDQUOT from creating the data folder */
const isDiskFull = (code: string | undefined): boolean => code === 'ENOSPC' || code === 'EDQUOT' || (typeof code === 'string' && code.startsWith('SQLITE_FULL'));

const isSqliteWriteError = (code: string | undefined): boolean => typeof code === 'string' && /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN|PERM)/.test(code);

function writeWhy(e: { code?: string; message?: string }, file?: string): string {
  const code = e.code ?? '';
  const limited = fileSizeLimitWhy(code, file);
  if (limited) return limited;
  if (/READONLY|EACCES|EROFS|EPERM|SQLITE_PERM/.test(code)) return 'it is read-only (check the permissions of the data folder and the database file)';
  if (/FULL/.test(code)) return 'the disk is full (free some space)';
  if (/BUSY|LOCKED/.test(code)) return 'it is locked by another program (another studio using the same database, or an SQLite browser with unsaved changes): close it';
  if (/IOERR|CANTOPEN/.test(code)) return `an I/O error occurred (${e.message})`;
  return e.message ?? code;
}

/**
 * A failed write as the studio's error: DB_WRITE_FAILED with the reason
 * (read-only, disk full, locked by another program, I/O error) and what to do.
 * A StudioError or a non-SQLite error is returned unchanged. `file` names the database (the message says "the
 * library database" without it); `after` is what became of the write (a
 * scan's default: nothing partial kept, scan again).
 */
export function dbWriteError(err: unknown, file?: string, after = 'Nothing partial was saved; scan again when this is fixed.'): unknown {
  if (err instanceof StudioError) return err;
  const e = err as { code?: string; message?: string };
  if (typeof e?.code !== 'string' || !e.code.startsWith('SQLITE')) return err;
  return new StudioError('DB_WRITE_FAILED', `The ${file ? `studio database "${file}"` : 'library database'} cannot be written: ${writeWhy(e, file)}. ${after}`, e.message);
}

/** SQLite codes of a write the database refused (not a bug such as a constraint): locked, or isSqliteWriteError's */
const isWriteFailure = (code: string | undefined): boolean => isSqliteWriteError(code) || /^SQLITE_(BUSY|LOCKED)/.test(code ?? '');

/**
 * Every engine method with its failed database writes as DB_WRITE_FAILED
 * (dbWriteError naming `db`'s file): another program may take the write lock,
 * or the disk fill up, at any time after the start — opening a file, a cue, a
 * chat message, a setting then says so instead of 'Unexpected error: database
 * is locked'. The write that failed is not kept (each is one statement or one
 * transaction).
 */
export function withDbWriteErrors<H extends Record<string, ((args: never, call: never) => unknown) | undefined>>(handlers: H, db: Db): H {
  const out: Record<string, unknown> = {};
  for (const [method, handler] of Object.entries(handlers)) {
    if (!handler) continue;
    out[method] = async (args: never, call: never) => {
      try {
        return await handler(args, call);
      } catch (err) {
        // only a refused write: a bug's SQLITE_CONSTRAINT stays an unexpected error
        throw isWriteFailure((err as { code?: string })?.code) ? dbWriteError(err, db.name, 'It was not saved; do it again once that is fixed.') : err;
      }
    };
  }
  return out as H;
}

/**
 * Run `fn` in one transaction (nested calls become savepoints). `immediate`: the write lock is taken at its start
 * (BEGIN IMMEDIATE), so what `fn` reads before it writes (a name checked free) is not changed by another connection
 * meanwhile — a deferred one would read, then fail its write (SQLITE_BUSY_SNAPSHOT) where another committed between.
 * @throws StudioError DB_WRITE_FAILED when SQLite cannot write; nothing of `fn` is kept.
 */
export function writeTx<T>(db: Db, fn: () => T, immediate = false): T {
  try {
    const tx = db.transaction(fn);
    return immediate ? tx.immediate() : tx();
  } catch (err) {
    throw dbWriteError(err);
  }
}
