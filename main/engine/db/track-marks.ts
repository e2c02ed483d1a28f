import type { Db } from './index';

/**
 * One row of `track_marks` (migrations 6, 7): a hot cue (slot 1–8, at start_sec), a named region
 * (start_sec…end_sec) or the track's loop (start_sec…end_sec, `active` 1 while it plays round). Seconds of the track.
 */
export interface MarkRow {
  id: string;
  track_id: string;
  kind: 'cue' | 'region' | 'loop';
  slot: number | null;
  start_sec: number;
  end_sec: number | null;
  name: string | null;
  created_at: number;
  /** loops only: 1 on, 0 off */
  active: number | null;
}

/** `track_marks`: hot cues, named regions and the loop per track (issue 12). */
export class TrackMarksRepo {
  constructor(private readonly db: Db) {}

  /** The track's marks: cues by slot, the loop, regions by start then creation. */
  list(trackId: string): MarkRow[] {
    return this.db
      .prepare(`SELECT * FROM track_marks WHERE track_id = ? ORDER BY kind, slot, start_sec, created_at`)
      .all(trackId) as MarkRow[];
  }

  /** Put hot cue `slot` at `timeSec` (replacing the slot's cue). @throws SqliteError when the database cannot be written */
  setCue(id: string, trackId: string, slot: number, timeSec: number, at: number): void {
    this.db
      .prepare(
        `INSERT INTO track_marks (id, track_id, kind, slot, start_sec, created_at) VALUES (?, ?, 'cue', ?, ?, ?)
         ON CONFLICT(track_id, slot) WHERE kind = 'cue' DO UPDATE SET start_sec = excluded.start_sec, created_at = excluded.created_at`,
      )
      .run(id, trackId, slot, timeSec, at);
  }

  deleteCue(trackId: string, slot: number): void {
    this.db.prepare(`DELETE FROM track_marks WHERE track_id = ? AND kind = 'cue' AND slot = ?`).run(trackId, slot);
  }

  /** Insert a named region, or (same id, same track) change its name and bounds. Returns whether a row was written. */
  saveRegion(id: string, trackId: string, name: string, startSec: number, endSec: number, at: number): boolean {
    const r = this.db
      .prepare(
        `INSERT INTO track_marks (id, track_id, kind, start_sec, end_sec, name, created_at) VALUES (?, ?, 'region', ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, start_sec = excluded.start_sec, end_sec = excluded.end_sec
         WHERE track_marks.track_id = excluded.track_id AND track_marks.kind = 'region'`,
      )
      .run(id, trackId, startSec, endSec, name, at);
    return r.changes > 0;
  }

  deleteRegion(trackId: string, id: string): void {
    this.db.prepare(`DELETE FROM track_marks WHERE track_id = ? AND kind = 'region' AND id = ?`).run(trackId, id);
  }

  /**
   * Put the track's loop at startSec…endSec (s; replacing its loop), on (plays round) or off.
   * @throws SqliteError when endSec ≤ startSec (the table's CHECK) or the database cannot be written
   */
  setLoop(id: string, trackId: string, startSec: number, endSec: number, on: boolean, at: number): void {
    this.db
      .prepare(
        `INSERT INTO track_marks (id, track_id, kind, start_sec, end_sec, active, created_at) VALUES (?, ?, 'loop', ?, ?, ?, ?)
         ON CONFLICT(track_id) WHERE kind = 'loop' DO UPDATE SET start_sec = excluded.start_sec, end_sec = excluded.end_sec, active = excluded.active`,
      )
      .run(id, trackId, startSec, endSec, on ? 1 : 0, at);
  }

  /** Forget the track's loop. */
  deleteLoop(trackId: string): void {
    this.db.prepare(`DELETE FROM track_marks WHERE track_id = ? AND kind = 'loop'`).run(trackId);
  }
}
