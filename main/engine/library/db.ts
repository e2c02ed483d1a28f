import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

/**
 * Schema migrations, applied in order and recorded in `user_version`.
 * Append only: never edit a migration that has shipped.
 */
export const migrations: string[] = [
  // 1: files the user opened (recent files) and what is attached to them
  `CREATE TABLE tracks (
     id TEXT PRIMARY KEY,
     path TEXT NOT NULL UNIQUE,
     real_path TEXT NOT NULL,
     size INTEGER NOT NULL,
     mtime_ms REAL NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('audio','video')),
     probe_json TEXT NOT NULL,
     cover_path TEXT,
     cover_version INTEGER NOT NULL DEFAULT 0,
     opened_at INTEGER NOT NULL,
     last_opened_at INTEGER NOT NULL,
     in_recent INTEGER NOT NULL DEFAULT 1
   );
   CREATE INDEX tracks_recent ON tracks(in_recent, last_opened_at DESC);`,
  // 2: settings, and chat threads (one per track) that survive restarts
  `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE chat_messages (
     id TEXT PRIMARY KEY,
     track_id TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
     role TEXT NOT NULL CHECK (role IN ('user','assistant')),
     text TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     data_json TEXT NOT NULL DEFAULT '{}'
   );
   CREATE INDEX chat_by_track ON chat_messages(track_id, seq);`,
];

export function getSetting(db: Db, key: string): string | undefined {
  return (db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

export function setSetting(db: Db, key: string, value: string | null): void {
  if (value === null) db.prepare('DELETE FROM settings WHERE key = ?').run(key);
  else db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** Open (creating if needed) the studio database in `dataDir`, migrated to the latest schema. */
export function openDb(dataDir: string, fileName = 'studio.sqlite'): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, fileName));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`The studio database is from a newer version (schema ${current}, this build knows ${migrations.length}). Update Resonance Studio.`);
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
