import { crateNameKey } from '@contract';
import { naturalKey } from './natural-key';
import type { Db } from './index';

/**
 * One row of `crates` (migration 12) with what the sidebar shows of it: `n` library tracks, `duration_sec` their
 * analysed lengths summed (seconds; tracks not analysed count 0). Times in ms since the epoch.
 */
export interface CrateRow {
  id: string;
  name: string;
  created_at: number;
  n: number;
  duration_sec: number;
}

/** A crate's track as its M3U8 export reads it: the path, the analysed length (s, null when unknown) and the tags. */
export interface CrateEntryRow {
  id: string;
  path: string;
  duration_sec: number | null;
  title: string | null;
  artist: string | null;
  file_name: string | null;
}

/**
 * `crates` and `crate_tracks` (migration 12): the DJ's crates, each an ordered list of library tracks. Only library
 * rows (lib_status set) count as a crate's tracks. Callers wrap writes that belong together in writeTx.
 */
/**
 * `under` (web mode's roots as stored-path prefixes, fs/roots.ts Roots.prefixes) as SQL on the tracks row `t`: true for
 * a track stored below one of them; true for every track without `under`. Its one parameter is `under` as JSON.
 */
function belowSql(under: readonly string[] | undefined): { sql: string; params: unknown[] } {
  if (!under) return { sql: '1', params: [] };
  return { sql: 'EXISTS (SELECT 1 FROM json_each(?) AS u WHERE substr(t.path, 1, length(u.value)) = u.value)', params: [JSON.stringify(under)] };
}

export class CratesRepo {
  constructor(private readonly db: Db) {}

  /**
   * every crate by name in the library's natural order (natural-key.ts: "Set 2" before "Set 10", case aside), with its
   * track count and total length; `under`:
   * counting only the tracks stored below these prefixes (web mode's roots)
   */
  all(under?: readonly string[]): CrateRow[] {
    const b = belowSql(under);
    const rows = this.db
      .prepare(
        `SELECT c.id, c.name, c.created_at,
           (SELECT count(*) FROM crate_tracks ct JOIN tracks t ON t.id = ct.track_id WHERE ct.crate_id = c.id AND t.lib_status IS NOT NULL AND ${b.sql}) AS n,
           (SELECT COALESCE(sum(t.duration_sec), 0) FROM crate_tracks ct JOIN tracks t ON t.id = ct.track_id WHERE ct.crate_id = c.id AND t.lib_status IS NOT NULL AND ${b.sql}) AS duration_sec
         FROM crates c`,
      )
      .all(...b.params, ...b.params) as CrateRow[];
    const key = new Map(rows.map((r) => [r.id, naturalKey(r.name) ?? '']));
    return rows.sort((x, y) => (key.get(x.id)! < key.get(y.id)! ? -1 : key.get(x.id)! > key.get(y.id)! ? 1 : x.created_at - y.created_at));
  }

  /** the crate `id` as all() gives it (`under` likewise), or undefined */
  byId(id: string, under?: readonly string[]): CrateRow | undefined {
    return this.all(under).find((c) => c.id === id);
  }

  /** those of `ids` that are library tracks stored below `under` (every library track without it), in the order given */
  visible(ids: readonly string[], under: readonly string[] | undefined): string[] {
    const b = belowSql(under);
    const ok = this.db.prepare(`SELECT 1 FROM tracks t WHERE t.id = ? AND t.lib_status IS NOT NULL AND ${b.sql}`).pluck();
    return ids.filter((id) => ok.get(id, ...b.params) !== undefined);
  }

  /**
   * Every library track's id with its stored path, its real path (realpath, as the scan last saw it) and its aliases
   * (lib_aliases: other library paths that are links to its file) and the paths its file had before it moved or was
   * renamed (lib_moved_from, the latest first: TracksRepo.move) — what a playlist's entries are matched against
   * (library/crates.ts importPlaylist), read once per import.
   */
  libraryPaths(): { id: string; path: string; real_path: string; lib_aliases: string | null; lib_moved_from: string | null }[] {
    return this.db.prepare('SELECT id, path, real_path, lib_aliases, lib_moved_from FROM tracks WHERE lib_status IS NOT NULL').all() as { id: string; path: string; real_path: string; lib_aliases: string | null; lib_moved_from: string | null }[];
  }

  /** the crate whose name is `name` by crateNameKey (case aside, as the unique index compares), if any */
  idByName(name: string): string | undefined {
    return (this.db.prepare('SELECT id FROM crates WHERE name_key = ?').get(crateNameKey(name)) as { id: string } | undefined)?.id;
  }

  /** @throws SqliteError SQLITE_CONSTRAINT_UNIQUE when the name is taken (crateNameKey) */
  insert(id: string, name: string, at: number): void {
    this.db.prepare('INSERT INTO crates (id, name, name_key, created_at) VALUES (?, ?, ?, ?)').run(id, name, crateNameKey(name), at);
  }

  /** @throws SqliteError SQLITE_CONSTRAINT_UNIQUE when the name is taken (crateNameKey). Returns whether the crate exists. */
  rename(id: string, name: string): boolean {
    return this.db.prepare('UPDATE crates SET name = ?, name_key = ? WHERE id = ?').run(name, crateNameKey(name), id).changes > 0;
  }

  /** the crate and its places (the tracks stay in the library). Returns whether it existed. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM crates WHERE id = ?').run(id).changes > 0;
  }

  /**
   * Append the library tracks of `trackIds` (in that order) to the crate's end; a track already in it keeps its place,
   * an id that is no library row is skipped. Returns how many were added.
   */
  add(crateId: string, trackIds: readonly string[], at: number): number {
    let next = (this.db.prepare('SELECT COALESCE(max(position), -1) + 1 AS p FROM crate_tracks WHERE crate_id = ?').get(crateId) as { p: number }).p;
    const ins = this.db.prepare(
      `INSERT INTO crate_tracks (crate_id, track_id, position, added_at)
       SELECT ?, id, ?, ? FROM tracks WHERE id = ? AND lib_status IS NOT NULL
       ON CONFLICT (crate_id, track_id) DO NOTHING`,
    );
    let added = 0;
    for (const id of new Set(trackIds)) {
      if (ins.run(crateId, next, at, id).changes > 0) {
        added++;
        next++;
      }
    }
    return added;
  }

  /** Take tracks out of the crate (their files and library rows are untouched). Returns how many were in it. */
  remove(crateId: string, trackIds: readonly string[]): number {
    const del = this.db.prepare('DELETE FROM crate_tracks WHERE crate_id = ? AND track_id = ?');
    let n = 0;
    for (const id of new Set(trackIds)) n += del.run(crateId, id).changes;
    return n;
  }

  /** the crate's track ids in crate order (library rows only) */
  order(crateId: string): string[] {
    return this.db
      .prepare(`SELECT ct.track_id FROM crate_tracks ct JOIN tracks t ON t.id = ct.track_id WHERE ct.crate_id = ? AND t.lib_status IS NOT NULL ORDER BY ct.position, ct.added_at`)
      .pluck()
      .all(crateId) as string[];
  }

  /** Number the crate's tracks 0, 1, … in the order given (every id in the crate; others are ignored). */
  setOrder(crateId: string, trackIds: readonly string[]): void {
    const up = this.db.prepare('UPDATE crate_tracks SET position = ? WHERE crate_id = ? AND track_id = ?');
    trackIds.forEach((id, i) => up.run(i, crateId, id));
  }

  /** the crate's library tracks in crate order, with what an M3U8 entry states */
  entries(crateId: string): CrateEntryRow[] {
    return this.db
      .prepare(
        `SELECT t.id, t.path, t.duration_sec, t.title, t.artist, t.file_name FROM crate_tracks ct JOIN tracks t ON t.id = ct.track_id
         WHERE ct.crate_id = ? AND t.lib_status IS NOT NULL ORDER BY ct.position, ct.added_at`,
      )
      .all(crateId) as CrateEntryRow[];
  }
}
