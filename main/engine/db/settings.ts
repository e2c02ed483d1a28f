import { copyFileSync, existsSync, linkSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Db } from './index';

/** `settings` (migration 2): string values by key. Returns undefined when unset. */
export function getSetting(db: Db, key: string): string | undefined {
  return (db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

/** Set (or, with null, delete) one setting. @throws SqliteError when the database cannot be written. */
export function setSetting(db: Db, key: string, value: string | null): void {
  if (value === null) db.prepare('DELETE FROM settings WHERE key = ?').run(key);
  else db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

/**
 * Settings read from another process's database without writing a byte (`studio model list` while the app or
 * `studio serve` holds the data folder): opened read-only, and only while its `-wal` and `-shm` exist (the holder
 * has it open), because a read-only open of a WAL database nobody holds creates both files and leaves them.
 * @param file the database file (`<data folder>/studio.sqlite`)
 * @param keys the settings wanted
 * @returns the values found; {} when the file is absent, not held open, or cannot be read
 */
export function readSettingsReadOnly(file: string, keys: readonly string[]): Record<string, string> {
  if (![file, `${file}-wal`, `${file}-shm`].every((f) => existsSync(f))) return {};
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const out: Record<string, string> = {};
    for (const k of keys) {
      const v = getSetting(db, k);
      if (v !== undefined) out[k] = v;
    }
    return out;
  } catch {
    return {};
  } finally {
    db?.close();
  }
}

/**
 * A setting of a data folder's database, read without writing a byte to it and without copying it: read-only in place
 * while another process holds it (readSettingsReadOnly: its `-wal` and `-shm` exist), else through hard links
 * (linkedDbView): a read-only open of a WAL database nobody holds would leave `-wal`/`-shm` beside it, so the file (and
 * a `-wal` its holder left unchecked, whose rows are read as the holder wrote them) gets a second name in a temporary
 * folder, where SQLite makes its own `-wal`/`-shm`, removed after. The database is copied (session 28's way: tens of
 * MB for a big library) only where no hard link can be made (a file system without them, or not allowed).
 * undefined when the folder has no database, or it cannot be read.
 * @param dataDir the data folder (its `studio.sqlite`)
 */
export function dataFolderSetting(dataDir: string, key: string): string | undefined {
  const file = join(dataDir, 'studio.sqlite');
  if (!existsSync(file)) return undefined;
  if (existsSync(`${file}-wal`) && existsSync(`${file}-shm`)) return readSettingsReadOnly(file, [key])[key];
  let view: ReturnType<typeof linkedDbView> | undefined;
  let db: Database.Database | undefined;
  try {
    view = linkedDbView(file);
    db = new Database(view.file, { readonly: true, fileMustExist: true });
    return getSetting(db, key);
  } catch {
    return undefined;
  } finally {
    db?.close();
    view?.remove();
  }
}

/**
 * `file` (and its `-wal` where there is one) under a second name in a new temporary folder, for a read-only open that
 * makes its `-wal`/`-shm` there and not beside `file`: hard links (no byte copied; SQLite's locks are the file's own,
 * whatever its name), in the system's temporary folder, else (another disk: EXDEV) in a hidden folder beside `file`;
 * copies only where neither takes a link.
 * @returns the second name of the database, and `remove()` (the temporary folder and all in it; never throws)
 * @throws where no temporary folder can be made or `file` cannot be read
 */
export function linkedDbView(file: string): { file: string; linked: boolean; remove: () => void } {
  const names = [file, `${file}-wal`].filter((f) => existsSync(f));
  for (const parent of [tmpdir(), dirname(file)]) {
    let tmp: string | undefined;
    try {
      tmp = mkdtempSync(join(parent, parent === tmpdir() ? 'studio-settings-' : '.studio-settings-'));
      for (const f of names) linkSync(f, join(tmp, basename(f)));
      const at = tmp;
      return { file: join(at, basename(file)), linked: true, remove: () => rmSync(at, { recursive: true, force: true }) };
    } catch {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  }
  const tmp = mkdtempSync(join(tmpdir(), 'studio-settings-'));
  try {
    for (const f of names) copyFileSync(f, join(tmp, basename(f)));
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return { file: join(tmp, basename(file)), linked: false, remove: () => rmSync(tmp, { recursive: true, force: true }) };
}
