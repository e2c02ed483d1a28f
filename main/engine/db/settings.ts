import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
 * A setting of a data folder's database, read without writing a byte to it: read-only while another process holds
 * it (readSettingsReadOnly), else from a copy in a temporary folder (a WAL database nobody holds, opened read-only,
 * would leave `-wal`/`-shm` beside it). undefined when the folder has no database, or it cannot be read.
 * @param dataDir the data folder (its `studio.sqlite`)
 */
export function dataFolderSetting(dataDir: string, key: string): string | undefined {
  const file = join(dataDir, 'studio.sqlite');
  if (!existsSync(file)) return undefined;
  const held = readSettingsReadOnly(file, [key]);
  if (existsSync(`${file}-wal`) && existsSync(`${file}-shm`)) return held[key];
  const tmp = mkdtempSync(join(tmpdir(), 'studio-settings-'));
  let db: Database.Database | undefined;
  try {
    copyFileSync(file, join(tmp, 'studio.sqlite'));
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, join(tmp, 'studio.sqlite-wal'));
    db = new Database(join(tmp, 'studio.sqlite'), { fileMustExist: true });
    return getSetting(db, key);
  } catch {
    return undefined;
  } finally {
    db?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
