import { existsSync } from 'node:fs';
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
