import type { Db } from './index';

/** `library_analyses` (migration 3): each analyser's full result (JSON) and version, per track. */
export class LibraryAnalysesRepo {
  constructor(private readonly db: Db) {}

  /** results by analyser name (parsed JSON) */
  results(trackId: string): Record<string, unknown> {
    const rows = this.db.prepare('SELECT analyser, result_json FROM library_analyses WHERE track_id = ?').all(trackId) as { analyser: string; result_json: string }[];
    return Object.fromEntries(rows.map((r) => [r.analyser, JSON.parse(r.result_json)]));
  }

  /**
   * The tempo sections (TempoResult.variable, a JSON array of
   * {start, end, bpm, endBpm?}) of those of `trackIds` whose stored tempo
   * result has them (a tempo that changes); read by SQLite's json_extract, so
   * the rest of each result (its beats) is never parsed. Tracks without are
   * absent from the map.
   */
  tempoSections(trackIds: readonly string[]): Map<string, unknown[]> {
    return this.arrayAt(trackIds, 'tempo', '$.variable');
  }

  /**
   * The key sections (KeyResult.variable, a JSON array of {start, end, key})
   * of those of `trackIds` whose stored tonal result has them (a key that
   * changes), as tempoSections reads the tempo's. Tracks without are absent.
   */
  keySections(trackIds: readonly string[]): Map<string, unknown[]> {
    return this.arrayAt(trackIds, 'tonal', '$.key.variable');
  }

  /**
   * The text at `path` of one track's `analyser` result (the tempo's `$.reason`, the key's `$.key.reason`), read by
   * json_extract as tempoSections reads the sections: the rest of the result (its beats, strengths) is never parsed.
   * undefined when the track has no such result, null when the result has no text there.
   */
  textAt(trackId: string, analyser: 'tempo' | 'tonal', path: '$.reason' | '$.key.reason'): string | null | undefined {
    const r = this.db.prepare(`SELECT json_extract(result_json, '${path}') AS v FROM library_analyses WHERE track_id = ? AND analyser = '${analyser}'`).get(trackId) as { v: unknown } | undefined;
    if (!r) return undefined;
    return typeof r.v === 'string' ? r.v : null;
  }

  /** the non-empty JSON array at `path` of each track's `analyser` result, by json_extract */
  private arrayAt(trackIds: readonly string[], analyser: 'tempo' | 'tonal', path: '$.variable' | '$.key.variable'): Map<string, unknown[]> {
    const out = new Map<string, unknown[]>();
    const q = this.db.prepare(`SELECT json_extract(result_json, '${path}') AS v FROM library_analyses WHERE track_id = ? AND analyser = '${analyser}'`);
    for (const id of trackIds) {
      const r = q.get(id) as { v: string | null } | undefined;
      if (!r?.v) continue;
      const v = JSON.parse(r.v) as unknown;
      if (Array.isArray(v) && v.length) out.set(id, v);
    }
    return out;
  }

  /** versions by analyser name */
  versions(trackId: string): Record<string, number> {
    const rows = this.db.prepare('SELECT analyser, version FROM library_analyses WHERE track_id = ?').all(trackId) as { analyser: string; version: number }[];
    return Object.fromEntries(rows.map((r) => [r.analyser, r.version]));
  }

  /** insert or replace each analyser's result (`analysedAt`: ms since the epoch) */
  upsert(trackId: string, results: Record<string, unknown>, versions: Record<string, number>, analysedAt: number): void {
    const ins = this.db.prepare(
      `INSERT INTO library_analyses (track_id, analyser, version, result_json, analysed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(track_id, analyser) DO UPDATE SET version = excluded.version, result_json = excluded.result_json, analysed_at = excluded.analysed_at`,
    );
    for (const [name, result] of Object.entries(results)) ins.run(trackId, name, versions[name] ?? 0, JSON.stringify(result), analysedAt);
  }

  deleteFor(trackId: string): void {
    this.db.prepare('DELETE FROM library_analyses WHERE track_id = ?').run(trackId);
  }
}
