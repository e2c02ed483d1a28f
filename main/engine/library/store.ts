/**
 * The library in SQL: folders, library rows (columns of `tracks`, see
 * migration 3), each analyser's result with its version, and scan jobs.
 * Only the engine's event loop writes; every track's result is one
 * transaction, so a kill at any moment leaves whole rows or none.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { StudioError, type LibraryFilter, type LibraryFolder, type LibraryTrack, type ProbeResult, type TrackDetail } from '@contract';
import { featuresText, keyName, parseKey, type LoudnessResult, type TempoResult, type TonalResult } from '../analysis';
import { ALL_KEYS } from '../analysis/keys';
import type { Db } from './db';
import type { LibraryAnalysis } from './analyse';

export const newLibId = (): string => randomBytes(12).toString('base64url');

export interface LibRow {
  id: string;
  path: string;
  size: number;
  mtime_ms: number;
  lib_status: 'pending' | 'analysed' | 'failed' | null;
  lib_versions: string | null;
  lib_error_code: string | null;
  folder_id: string | null;
  in_recent: number;
}

/** failures worth retrying on the next scan even when the file did not change */
export const TRANSIENT_CODES = new Set(['UNREADABLE', 'FILE_CHANGED', 'FFMPEG_MISSING', 'INTERNAL', 'CANCELLED', 'ENGINE_CRASHED']);

const SORT_SQL: Record<string, string> = {
  title: 'title', artist: 'artist', album: 'album', genre: 'genre', year: 'year', durationSec: 'duration_sec', sampleRate: 'sample_rate',
  channels: 'channels', codec: 'codec', bitrateKbps: 'bitrate_kbps', sizeBytes: 'size', bpm: 'bpm', bpmConfidence: 'bpm_confidence',
  key: 'key_name', keyConfidence: 'key_confidence', camelot: 'camelot', lufs: 'lufs', loudnessRange: 'loudness_range', truePeak: 'true_peak',
  status: 'lib_status', fileName: 'file_name', path: 'path', analysedAt: 'analysed_at',
};

const LIB_COLUMNS = `id, path, file_name, folder_id, title, artist, album, genre, year, duration_sec, sample_rate, channels, codec, bitrate_kbps, size,
  bpm, bpm_confidence, key_name, key_confidence, camelot, open_key, lufs, loudness_range, true_peak, features, lib_status, lib_error, analysed_at`;

interface QueryRow {
  id: string; path: string; file_name: string | null; folder_id: string | null; title: string | null; artist: string | null; album: string | null;
  genre: string | null; year: number | null; duration_sec: number | null; sample_rate: number | null; channels: number | null; codec: string | null;
  bitrate_kbps: number | null; size: number; bpm: number | null; bpm_confidence: number | null; key_name: string | null; key_confidence: number | null;
  camelot: string | null; open_key: string | null; lufs: number | null; loudness_range: number | null; true_peak: number | null; features: string | null;
  lib_status: 'pending' | 'analysed' | 'failed'; lib_error: string | null; analysed_at: number | null;
}

function toLibraryTrack(r: QueryRow): LibraryTrack {
  return {
    id: r.id, path: r.path, fileName: r.file_name ?? basename(r.path), folderId: r.folder_id, title: r.title, artist: r.artist, album: r.album,
    genre: r.genre, year: r.year, durationSec: r.duration_sec, sampleRate: r.sample_rate, channels: r.channels, codec: r.codec,
    bitrateKbps: r.bitrate_kbps, sizeBytes: r.size, bpm: r.bpm, bpmConfidence: r.bpm_confidence, key: r.key_name, keyConfidence: r.key_confidence,
    camelot: r.camelot, openKey: r.open_key, lufs: r.lufs, loudnessRange: r.loudness_range, truePeak: r.true_peak, features: r.features,
    status: r.lib_status, error: r.lib_error, analysedAt: r.analysed_at,
  };
}

function minimalProbe(path: string, size: number, warning?: string): ProbeResult {
  return { path, sizeBytes: size, container: 'unknown', durationSec: 0, streams: [], tags: {}, hasCoverArt: false, warnings: warning ? [warning] : [] };
}

/** a clear message for a database that cannot be written (read-only, disk full) */
export function dbWriteError(err: unknown): StudioError {
  const e = err as { code?: string; message?: string };
  const code = e.code ?? '';
  const why = /READONLY/.test(code)
    ? 'it is read-only (check the permissions of the data folder)'
    : /FULL/.test(code)
      ? 'the disk is full (free some space)'
      : /IOERR|CANTOPEN/.test(code)
        ? `an I/O error occurred (${e.message})`
        : (e.message ?? String(err));
  return new StudioError('UNREADABLE', `The library database cannot be written: ${why}. Nothing partial was saved; scan again when this is fixed.`, e.message);
}

export class LibraryStore {
  constructor(readonly db: Db) {}

  /** run `fn` in a transaction, mapping SQLite write failures to a clear error */
  write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (err) {
      if (err instanceof StudioError) throw err;
      if (typeof (err as { code?: unknown }).code === 'string' && String((err as { code: string }).code).startsWith('SQLITE')) throw dbWriteError(err);
      throw err;
    }
  }

  // ---- folders ---------------------------------------------------------

  folders(): LibraryFolder[] {
    const rows = this.db
      .prepare(
        `SELECT f.*, (SELECT count(*) FROM tracks t WHERE t.folder_id = f.id AND t.lib_status IS NOT NULL) AS n FROM library_folders f ORDER BY f.path`,
      )
      .all() as { id: string; path: string; added_at: number; status: LibraryFolder['status']; watching: number; n: number }[];
    return rows.map((r) => ({ id: r.id, path: r.path, addedAt: r.added_at, status: r.status, trackCount: r.n, watching: r.watching === 1 }));
  }

  folder(id: string): LibraryFolder {
    const f = this.folders().find((x) => x.id === id);
    if (!f) throw new StudioError('NOT_FOUND', 'That library folder does not exist (unknown id).');
    return f;
  }

  addFolder(path: string): LibraryFolder {
    const existing = this.db.prepare('SELECT id FROM library_folders WHERE path = ?').get(path) as { id: string } | undefined;
    if (existing) return this.folder(existing.id);
    const id = newLibId();
    this.write(() => this.db.prepare('INSERT INTO library_folders (id, path, added_at) VALUES (?, ?, ?)').run(id, path, Date.now()));
    return this.folder(id);
  }

  setFolderStatus(id: string, status: LibraryFolder['status']): void {
    this.write(() => this.db.prepare('UPDATE library_folders SET status = ? WHERE id = ?').run(status, id));
  }

  /** Remove a folder and its rows (files untouched). Returns how many rows left the library. */
  removeFolder(id: string): number {
    this.folder(id);
    return this.write(() => {
      const ids = (this.db.prepare('SELECT id FROM tracks WHERE folder_id = ? AND lib_status IS NOT NULL').all(id) as { id: string }[]).map((r) => r.id);
      this.removeTracksTx(ids);
      this.db.prepare('DELETE FROM library_folders WHERE id = ?').run(id);
      return ids.length;
    });
  }

  // ---- rows ------------------------------------------------------------

  /** library rows (and opened files) by path, for the incremental check */
  rowsByPath(): Map<string, LibRow> {
    const rows = this.db
      .prepare('SELECT id, path, size, mtime_ms, lib_status, lib_versions, lib_error_code, folder_id, in_recent FROM tracks')
      .all() as LibRow[];
    return new Map(rows.map((r) => [r.path, r]));
  }

  libraryRowsUnder(prefix: string): LibRow[] {
    const p = prefix.endsWith('/') ? prefix : prefix + '/';
    return this.db
      .prepare(
        `SELECT id, path, size, mtime_ms, lib_status, lib_versions, lib_error_code, folder_id, in_recent FROM tracks
         WHERE lib_status IS NOT NULL AND (path = ? OR substr(path, 1, ?) = ?)`,
      )
      .all(prefix, p.length, p) as LibRow[];
  }

  /** A found file that needs analysis: a pending library row (new, or an opened file joining the library). */
  markPending(path: string, folderId: string | null, size: number, mtimeMs: number, existing?: LibRow): { id: string; added: boolean } {
    if (existing) {
      this.db
        .prepare(`UPDATE tracks SET lib_status = 'pending', folder_id = COALESCE(?, folder_id), file_name = ?, lib_error = NULL, lib_error_code = NULL WHERE id = ?`)
        .run(folderId, basename(path), existing.id);
      return { id: existing.id, added: existing.lib_status === null };
    }
    const id = newLibId();
    const now = Date.now();
    this.db
      .prepare(
        `INSERT INTO tracks (id, path, real_path, size, mtime_ms, kind, probe_json, opened_at, last_opened_at, in_recent, lib_status, folder_id, file_name)
         VALUES (?, ?, ?, ?, ?, 'audio', ?, ?, ?, 0, 'pending', ?, ?)`,
      )
      .run(id, path, path, size, mtimeMs, JSON.stringify(minimalProbe(path, size)), now, now, folderId, basename(path));
    return { id, added: true };
  }

  /** stored results of the analysers that were not re-run */
  storedResults(trackId: string): Record<string, unknown> {
    const rows = this.db.prepare('SELECT analyser, result_json FROM library_analyses WHERE track_id = ?').all(trackId) as { analyser: string; result_json: string }[];
    return Object.fromEntries(rows.map((r) => [r.analyser, JSON.parse(r.result_json)]));
  }

  storedVersions(trackId: string): Record<string, number> {
    const rows = this.db.prepare('SELECT analyser, version FROM library_analyses WHERE track_id = ?').all(trackId) as { analyser: string; version: number }[];
    return Object.fromEntries(rows.map((r) => [r.analyser, r.version]));
  }

  /** One analysed track: summary columns, probe, analyser rows — one transaction (with `also`, e.g. the scan file's done flag). */
  recordResult(trackId: string, a: LibraryAnalysis, versionsKey: string, also?: () => void): void {
    const now = Date.now();
    this.write(() => {
      const ins = this.db.prepare(
        `INSERT INTO library_analyses (track_id, analyser, version, result_json, analysed_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(track_id, analyser) DO UPDATE SET version = excluded.version, result_json = excluded.result_json, analysed_at = excluded.analysed_at`,
      );
      for (const [name, result] of Object.entries(a.results)) ins.run(trackId, name, a.versions[name] ?? 0, JSON.stringify(result), now);
      const all = this.storedResults(trackId);
      const loud = all.loudness as LoudnessResult | undefined;
      const tempo = all.tempo as TempoResult | undefined;
      const tonal = all.tonal as TonalResult | undefined;
      const audio = a.source.streams.find((s) => s.type === 'audio');
      const video = a.source.streams.find((s) => s.type === 'video' && !s.attachedPic);
      const probe: ProbeResult = {
        path: a.path, sizeBytes: a.file.size, container: a.source.container, durationSec: a.source.durationSec ?? a.durationSec,
        bitrateKbps: a.source.bitrateKbps, streams: a.source.streams, audio, video, tags: a.tags, hasCoverArt: a.hasCoverArt, warnings: [],
      };
      const t = a.tags;
      this.db
        .prepare(
          `UPDATE tracks SET size = ?, mtime_ms = ?, kind = ?, probe_json = ?, lib_status = 'analysed', lib_error = NULL, lib_error_code = NULL,
             lib_versions = ?, analysed_at = ?, file_name = ?, title = ?, artist = ?, album = ?, genre = ?, year = ?, duration_sec = ?, sample_rate = ?,
             channels = ?, codec = ?, bitrate_kbps = ?, bpm = ?, bpm_confidence = ?, key_name = ?, key_confidence = ?, camelot = ?, open_key = ?,
             lufs = ?, loudness_range = ?, true_peak = ?, features = ?
           WHERE id = ?`,
        )
        .run(
          a.file.size, a.file.mtimeMs, video ? 'video' : 'audio', JSON.stringify(probe), versionsKey, now, basename(a.path),
          t.title ?? null, t.artist ?? null, t.album ?? null, t.genre?.join(', ') ?? null, t.year ?? null, round(a.durationSec, 3),
          audio?.sampleRate ?? null, audio?.channels ?? null, audio?.codec ?? null, audio?.bitrateKbps ?? a.source.bitrateKbps ?? null,
          tempo?.bpm ?? null, tempo ? tempo.confidence : null, tonal?.key.key ?? null, tonal ? tonal.key.confidence : null,
          tonal?.key.camelot ?? null, tonal?.key.openKey ?? null, r2(loud?.integratedLufs), r2(loud?.rangeLu),
          r2(loud?.truePeakDbtp), featuresText({ tempo: tempo ?? null, tonal: tonal ?? null, loudness: loud ?? null }), trackId,
        );
      also?.();
    });
  }

  recordFailure(trackId: string, code: string, message: string, file: { size: number; mtimeMs: number } | null, also?: () => void): void {
    this.write(() => {
      this.db
        .prepare(
          `UPDATE tracks SET lib_status = 'failed', lib_error = ?, lib_error_code = ?, analysed_at = ?, size = COALESCE(?, size), mtime_ms = COALESCE(?, mtime_ms) WHERE id = ?`,
        )
        .run(message, code, Date.now(), file?.size ?? null, file?.mtimeMs ?? null, trackId);
      this.db.prepare('DELETE FROM library_analyses WHERE track_id = ?').run(trackId);
      also?.();
    });
  }

  /** A moved file: same content under a new path keeps its id, analysis and chat. */
  moveTrack(trackId: string, newPath: string, folderId: string | null): void {
    this.write(() => this.db.prepare('UPDATE tracks SET path = ?, real_path = ?, file_name = ?, folder_id = COALESCE(?, folder_id) WHERE id = ?').run(newPath, newPath, basename(newPath), folderId, trackId));
  }

  removeTracks(ids: string[]): void {
    if (ids.length) this.write(() => this.removeTracksTx(ids));
  }

  /** Files gone from the library: rows that are only library rows are deleted; opened or chatted ones just leave the library. */
  private removeTracksTx(ids: string[]): void {
    const keep = this.db.prepare(`SELECT in_recent OR EXISTS (SELECT 1 FROM chat_messages c WHERE c.track_id = tracks.id) AS k FROM tracks WHERE id = ?`);
    const del = this.db.prepare('DELETE FROM tracks WHERE id = ?');
    const leave = this.db.prepare(`UPDATE tracks SET lib_status = NULL, folder_id = NULL WHERE id = ?`);
    const delAnalyses = this.db.prepare('DELETE FROM library_analyses WHERE track_id = ?');
    for (const id of ids) {
      const k = (keep.get(id) as { k: number } | undefined)?.k;
      if (k === undefined) continue;
      delAnalyses.run(id);
      if (k) leave.run(id);
      else del.run(id);
    }
  }

  // ---- queries -----------------------------------------------------------

  private where(filter: LibraryFilter | undefined, trackIds?: string[]): { sql: string; params: unknown[] } {
    const parts = ['lib_status IS NOT NULL'];
    const params: unknown[] = [];
    const f = filter ?? {};
    if (f.text) {
      for (const word of f.text.split(/\s+/).filter(Boolean).slice(0, 8)) {
        const like = `%${word.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
        parts.push(`(title LIKE ? ESCAPE '\\' OR artist LIKE ? ESCAPE '\\' OR album LIKE ? ESCAPE '\\' OR genre LIKE ? ESCAPE '\\' OR file_name LIKE ? ESCAPE '\\')`);
        params.push(like, like, like, like, like);
      }
    }
    if (f.bpm) {
      parts.push('bpm BETWEEN ? AND ?');
      params.push(Math.min(...f.bpm), Math.max(...f.bpm));
    }
    if (f.lufs) {
      parts.push('lufs BETWEEN ? AND ?');
      params.push(Math.min(...f.lufs), Math.max(...f.lufs));
    }
    if (f.key) {
      const k = parseKey(f.key);
      if (!k) throw new StudioError('BAD_ARGS', `"${f.key}" is not a key: use e.g. "A minor", "Am", "8A" (Camelot) or "1m" (Open Key).`);
      parts.push('key_name = ?');
      params.push(keyName(k));
    }
    if (f.status) {
      parts.push('lib_status = ?');
      params.push(f.status);
    }
    if (f.folderId) {
      parts.push('folder_id = ?');
      params.push(f.folderId);
    }
    if (trackIds) {
      parts.push(`id IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(trackIds));
    }
    return { sql: parts.join(' AND '), params };
  }

  query(filter: LibraryFilter | undefined, sort: { column: string; dir: 'asc' | 'desc' } | undefined, offset: number, limit: number): { total: number; rows: LibraryTrack[] } {
    const w = this.where(filter);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM tracks WHERE ${w.sql}`).get(...w.params) as { n: number }).n;
    const col = SORT_SQL[sort?.column ?? 'path'] ?? 'path';
    const dir = sort?.dir === 'desc' ? 'DESC' : 'ASC';
    // NULLs (not analysed, no tag) last in either direction; the path breaks ties so pages are stable.
    const order = col === 'path' ? `path ${dir}` : `${col} IS NULL, ${col} ${dir}, path ASC`;
    const rows = this.db.prepare(`SELECT ${LIB_COLUMNS} FROM tracks WHERE ${w.sql} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...w.params, limit, offset) as QueryRow[];
    return { total, rows: rows.map(toLibraryTrack) };
  }

  tracksFor(filter: LibraryFilter | undefined, trackIds: string[] | undefined): LibraryTrack[] {
    const w = this.where(filter, trackIds);
    return (this.db.prepare(`SELECT ${LIB_COLUMNS} FROM tracks WHERE ${w.sql} ORDER BY path`).all(...w.params) as QueryRow[]).map(toLibraryTrack);
  }

  track(trackId: string): LibraryTrack {
    const r = this.db.prepare(`SELECT ${LIB_COLUMNS} FROM tracks WHERE id = ? AND lib_status IS NOT NULL`).get(trackId) as QueryRow | undefined;
    if (!r) throw new StudioError('NOT_FOUND', 'That track is not in the library (unknown id).');
    return toLibraryTrack(r);
  }

  detail(trackId: string): TrackDetail {
    const track = this.track(trackId);
    const res = this.storedResults(trackId);
    const tempo = res.tempo as TempoResult | undefined;
    const tonal = res.tonal as TonalResult | undefined;
    const loud = res.loudness as LoudnessResult | undefined;
    const beats = tempo?.beats ?? [];
    const tempoCurve: { t: number; bpm: number }[] = [];
    for (let i = 0; i + 1 < beats.length; i++) {
      const d = beats[i + 1] - beats[i];
      if (d > 0) tempoCurve.push({ t: beats[i], bpm: Math.round((600 / d)) / 10 });
    }
    return {
      track,
      beats,
      tempoCurve,
      keyStrengths: tonal ? ALL_KEYS.map((k, i) => ({ key: keyName(k), strength: tonal.key.strengths[i] ?? 0 })) : [],
      loudnessCurve: { stepSec: loud?.shortTermStepSec ?? 1, values: loud?.shortTerm ?? [] },
      chords: { progression: tonal?.chords.progression ?? [], segments: tonal?.chords.segments ?? [] },
    };
  }

  // ---- scan jobs ---------------------------------------------------------

  unfinishedJob(): { id: string; folder_id: string | null; state: string; started_at: number; problems_json: string } | undefined {
    return this.db.prepare(`SELECT * FROM scan_jobs WHERE state IN ('walking','running','paused') ORDER BY started_at DESC LIMIT 1`).get() as never;
  }
}

/** loudness figures to 0.01 (LU / dB) */
function r2(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 100) / 100;
}

function round(x: number, d: number): number {
  const k = 10 ** d;
  return Math.round(x * k) / k;
}
