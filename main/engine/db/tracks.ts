import { foldBpm, MIN_CONFIDENCE, type LibraryFilter } from '@contract';
import { foldSearch, SEARCH_KEY_SQL } from './search-key';
import type { Db } from './index';

/**
 * One row of `tracks` (migrations 1, 3): a file that was opened and/or is in
 * the library. Sizes in bytes, times in ms since the epoch.
 */
export interface TrackRow {
  id: string;
  path: string;
  real_path: string;
  size: number;
  mtime_ms: number;
  kind: 'audio' | 'video';
  probe_json: string;
  cover_path: string | null;
  cover_version: number;
  opened_at: number;
  last_opened_at: number;
  in_recent: number;
  /** the versions of the analysers and tag reading that made a library row (LibRow's; every `SELECT *` here has it) */
  lib_versions?: string | null;
}

/** What the scanner needs of a row to decide whether a found file needs analysis. */
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
  /** realpath of `path` as the scan last saw it */
  real_path: string;
  /** JSON array of the other library paths that are links to this file (library/aliases.ts), or null */
  lib_aliases: string | null;
  /**
   * the file's identity as a scan last saw it, "DEV:INO" (migration 19, library/walk.ts fileIdentity); null where not
   * known or not kept by its file system; absent in a row the scan made itself until it records one
   */
  lib_file_id?: string | null;
  /** the analysed length, seconds (null: not analysed; absent in a row the scan made itself) — an analyser's `sameAs` reads it */
  duration_sec?: number | null;
  /**
   * 1 where the stored probe's `streams` list two audio streams or more (SQLite JSON1, counted in the query; the
   * scan then reads the probe to see whether it states another stream than ffmpeg picks: library/classify.ts
   * readsOtherStream), else 0 (also for a missing or unreadable probe). ProbeResult.audio is itself a stream with
   * type "audio", so a text test for two "type":"audio" matched every one-stream probe too; three of them (that copy
   * + two in `streams`) are a text test no probe of two audio streams fails, so only those rows' JSON is parsed —
   * every scan reads this for every row
   */
  multi_audio?: number;
}

/** A library row as the table, detail and export read it (snake_case columns of `tracks`). */
export interface LibQueryRow {
  id: string; path: string; file_name: string | null; folder_id: string | null; title: string | null; artist: string | null; album: string | null;
  genre: string | null; year: number | null; duration_sec: number | null; sample_rate: number | null; channels: number | null; codec: string | null;
  bitrate_kbps: number | null; size: number; bpm: number | null; bpm_confidence: number | null; key_name: string | null; key_confidence: number | null;
  camelot: string | null; open_key: string | null; lufs: number | null; loudness_range: number | null; true_peak: number | null; features: string | null;
  lib_status: 'pending' | 'analysed' | 'failed'; lib_error: string | null; analysed_at: number | null;
  /** the contract's ErrorCode of a failed analysis (as the engine raised it), null otherwise */
  lib_error_code: string | null;
  /** the stored probe's `warnings` as JSON text (json_extract), null when it has none */
  warnings_json: string | null;
  /** JSON array of the other library paths that are links to this file, or null */
  lib_aliases: string | null;
  /** the path of the row's library folder (library_folders.path), null outside any */
  folder_root: string | null;
  /** that library folder's status (library_folders.status: ok, missing, unreadable), null outside any */
  folder_status: 'ok' | 'missing' | 'unreadable' | null;
}

/** The summary columns of an analysed library track (what sorting and filtering read). */
export interface LibSummary {
  size: number; mtimeMs: number; kind: 'audio' | 'video'; probeJson: string; versionsKey: string; analysedAt: number; fileName: string;
  title: string | null; artist: string | null; album: string | null; genre: string | null; year: number | null; durationSec: number;
  sampleRate: number | null; channels: number | null; codec: string | null; bitrateKbps: number | null; bpm: number | null; bpmConfidence: number | null;
  keyName: string | null; keyConfidence: number | null; camelot: string | null; openKey: string | null; lufs: number | null; loudnessRange: number | null;
  truePeak: number | null; features: string | null;
}

/** A library filter with the key already in its canonical name ("A minor"). */
/** `keyNames`: any of these keys (names as stored, "A minor") */
/**
 * The library filter as SQL sees it: the key(s) as names, and `under`
 * (web mode's roots, fs/roots.ts Roots.prefixes): only rows whose stored path
 * starts with one of these folder prefixes (each ending in the separator);
 * an empty list matches nothing.
 */
export type LibWhere = Omit<LibraryFilter, 'key'> & { keyNames?: string[]; under?: string[]; bpmRange?: { min: number; max: number } | null };

/**
 * The tempo as the library shows it: the stored `bpm` folded into the BPM
 * range (SQL function `fold_bpm(bpm, min, max)`, registered by TracksRepo,
 * the contract's foldBpm), or the stored `bpm` with no range. The BPM filter
 * and the BPM sort read this, so they agree with the shown column (as
 * rekordbox and Mixxx filter and sort the tempo they display).
 */
function bpmSql(range: LibWhere['bpmRange']): string {
  return range ? `fold_bpm(bpm, ${Number(range.min)}, ${Number(range.max)})` : 'bpm';
}

const LIB_ROW = `id, path, size, mtime_ms, lib_status, lib_versions, lib_error_code, folder_id, in_recent, real_path, lib_aliases, lib_file_id, duration_sec,
  CASE WHEN probe_json LIKE '%"type":"audio"%"type":"audio"%"type":"audio"%' AND json_valid(probe_json)
    THEN (SELECT count(*) FROM json_each(probe_json, '$.streams') WHERE json_extract(value, '$.type') = 'audio') >= 2 ELSE 0 END AS multi_audio`;
const LIB_COLUMNS = `id, path, file_name, folder_id, title, artist, album, genre, year, duration_sec, sample_rate, channels, codec, bitrate_kbps, size,
  bpm, bpm_confidence, key_name, key_confidence, camelot, open_key, lufs, loudness_range, true_peak, features, lib_status, lib_error, lib_error_code, analysed_at,
  json_extract(probe_json, '$.warnings') AS warnings_json, lib_aliases, (SELECT lf.path FROM library_folders lf WHERE lf.id = tracks.folder_id) AS folder_root,
  (SELECT lf.status FROM library_folders lf WHERE lf.id = tracks.folder_id) AS folder_status`;

/**
 * A tempo or key the analysis is not sure of (calibrated confidence under MIN_CONFIDENCE, or none stated) reads
 * "uncertain" in the table, its best guess only in the tooltip: the BPM and key filters match sure values only, and
 * the BPM, key and Camelot sorts put uncertain values after the sure ones (among themselves by their best guess, as
 * the sure ones are by their value: the shown, BPM-range-folded tempo, the key's name, the Camelot wheel), the empty
 * ones last. SQL true where the column's value is sure.
 */
const SURE_SQL = { bpm: `bpm_confidence >= ${Number(MIN_CONFIDENCE)}`, key: `key_confidence >= ${Number(MIN_CONFIDENCE)}` } as const;
/** sort column → which confidence decides whether its value is shown (SURE_SQL) */
const SURE_OF: Record<string, keyof typeof SURE_SQL> = { bpm: 'bpm', key: 'key', camelot: 'key' };

/**
 * the tie-break of every column sort: the path in natural order (its stored key, natural-key.ts naturalPathKey,
 * migration 13: one artist's "Track 2" before its "Track 10"), then the path itself (paths that differ in case alone),
 * ascending in either direction, as the sort indexes end
 */
const TIE_BREAK = 'path_sort ASC, path ASC';

/** contract sort column → SQL column */
const SORT_SQL: Record<string, string> = {
  // text columns by their natural sort key (natural-key.ts, migration 8): numbers by value, letters without case
  title: 'title_sort', artist: 'artist_sort', album: 'album_sort', genre: 'genre_sort', year: 'year', durationSec: 'duration_sec', sampleRate: 'sample_rate',
  channels: 'channels', codec: 'codec', bitrateKbps: 'bitrate_kbps', sizeBytes: 'size', bpm: 'bpm', bpmConfidence: 'bpm_confidence',
  key: 'key_name', keyConfidence: 'key_confidence', camelot: 'camelot', lufs: 'lufs', loudnessRange: 'loudness_range', truePeak: 'true_peak',
  status: 'lib_status', fileName: 'file_name_sort', path: 'path', analysedAt: 'analysed_at',
  // the folder as shown, relative to its library folder (natural-key.ts naturalFolderKey, migration 14)
  folder: 'folder_sort',
};

/**
 * `tracks`: opened files (recent files, covers) and library rows. Writes that
 * belong together are wrapped by the caller in one writeTx.
 */
export class TracksRepo {
  constructor(private readonly db: Db) {
    db.function('fold_bpm', { deterministic: true }, (bpm: unknown, min: unknown, max: unknown) =>
      typeof bpm === 'number' ? foldBpm(bpm, { min: Number(min), max: Number(max) }) : null,
    );
    // a value as the table shows it, to 0.1 (fmtDb's toFixed(1)): the LUFS filter reads this, so "-13.3" finds the
    // track shown -13.3 (stored -13.31; tester24)
    db.function('shown_tenth', { deterministic: true }, (v: unknown) => (typeof v === 'number' ? Number(v.toFixed(1)) : null));
  }

  // ---- opened files ------------------------------------------------------

  /**
   * The prepared statement of `sql`, made once per repository: for the lookups called once per track of a selection
   * (byId, libTrack: library:tag-plan of 10,000 tracks spent ~45 % of its time preparing them again, tags34)
   */
  private prepared(sql: string): ReturnType<Db['prepare']> {
    let q = this.statements.get(sql);
    if (!q) this.statements.set(sql, (q = this.db.prepare(sql)));
    return q;
  }
  private readonly statements = new Map<string, ReturnType<Db['prepare']>>();
  private setFileIdSql: ReturnType<Db['prepare']> | undefined;

  byId(id: string): TrackRow | undefined {
    return this.prepared('SELECT * FROM tracks WHERE id = ?').get(id) as TrackRow | undefined;
  }

  byPath(path: string): TrackRow | undefined {
    return this.db.prepare('SELECT * FROM tracks WHERE path = ?').get(path) as TrackRow | undefined;
  }

  /** a file opened again: new identity (real path, size, mtime), probe; back in recent files */
  reopen(id: string, realPath: string, size: number, mtimeMs: number, kind: TrackRow['kind'], probeJson: string, at: number): void {
    this.db
      .prepare('UPDATE tracks SET real_path=?, size=?, mtime_ms=?, kind=?, probe_json=?, last_opened_at=?, in_recent=1 WHERE id=?')
      .run(realPath, size, mtimeMs, kind, probeJson, at, id);
  }

  insertOpened(id: string, path: string, realPath: string, size: number, mtimeMs: number, kind: TrackRow['kind'], probeJson: string, at: number): void {
    this.db
      .prepare('INSERT INTO tracks (id, path, real_path, size, mtime_ms, kind, probe_json, opened_at, last_opened_at) VALUES (?,?,?,?,?,?,?,?,?)')
      .run(id, path, realPath, size, mtimeMs, kind, probeJson, at, at);
  }

  setCover(id: string, imagePath: string | null): void {
    this.db.prepare('UPDATE tracks SET cover_path = ?, cover_version = cover_version + 1 WHERE id = ?').run(imagePath, id);
  }

  recent(limit: number): TrackRow[] {
    return this.db.prepare('SELECT * FROM tracks WHERE in_recent = 1 ORDER BY last_opened_at DESC LIMIT ?').all(limit) as TrackRow[];
  }

  /** leave recent files (`id` undefined: all) */
  leaveRecent(id?: string): void {
    if (id === undefined) this.db.prepare('UPDATE tracks SET in_recent = 0').run();
    else this.db.prepare('UPDATE tracks SET in_recent = 0 WHERE id = ?').run(id);
  }

  // ---- library rows ------------------------------------------------------

  /** an analysed library row's lib_versions (scanKey) replaced, nothing else (LibraryStore.retagNextScan) */
  setLibVersions(id: string, versionsKey: string): void {
    this.db.prepare(`UPDATE tracks SET lib_versions = ? WHERE id = ? AND lib_status = 'analysed'`).run(versionsKey, id);
  }

  /** every row by path (opened files too: opening a scanned file reuses its row), for one scan job */
  libRowsByPath(): Map<string, LibRow> {
    const rows = this.db.prepare(`SELECT ${LIB_ROW} FROM tracks`).all() as LibRow[];
    return new Map(rows.map((r) => [r.path, r]));
  }

  /** a library row's stored probe (ProbeResult JSON) and lib_versions replaced (the re-probe of its tags: LibraryStore.setTempoKeyTags) */
  setProbeJson(id: string, probeJson: string, versionsKey: string): void {
    this.db.prepare('UPDATE tracks SET probe_json = ?, lib_versions = ? WHERE id = ?').run(probeJson, versionsKey, id);
  }

  /**
   * The tempo and key text the file's own tags state (the stored probe's `tags.bpm`, a number, and `tags.keyText`, as
   * written: library/store.ts probeTempoKey reads the same), by id, of the library rows whose tags state either: the
   * export's taggedBpm/taggedKey. One query over the library; a probe that is not JSON states none.
   */
  libTagged(): Map<string, { bpm: number | null; keyText: string | null }> {
    const rows = this.db
      .prepare(
        `SELECT id, bpm, key_text FROM (SELECT id,
           CASE WHEN json_type(probe_json, '$.tags.bpm') IN ('integer', 'real') THEN json_extract(probe_json, '$.tags.bpm') END AS bpm,
           CASE WHEN json_type(probe_json, '$.tags.keyText') = 'text' THEN json_extract(probe_json, '$.tags.keyText') END AS key_text
         FROM tracks WHERE lib_status IS NOT NULL AND json_valid(probe_json)) WHERE bpm IS NOT NULL OR key_text IS NOT NULL`,
      )
      .all() as { id: string; bpm: number | null; key_text: string | null }[];
    return new Map(rows.map((r) => [r.id, { bpm: r.bpm, keyText: r.key_text }]));
  }

  /** the stored probe (ProbeResult JSON) of a row, or null where there is no such row */
  probeJsonOf(id: string): string | null {
    return (this.db.prepare('SELECT probe_json FROM tracks WHERE id = ?').get(id) as { probe_json: string } | undefined)?.probe_json ?? null;
  }

  /**
   * Library rows at `path` or below it. `prefix` is `path` followed by the
   * platform's separator (fs/paths.ts folderPrefix).
   */
  libRowsUnder(path: string, prefix: string): LibRow[] {
    return this.db
      .prepare(`SELECT ${LIB_ROW} FROM tracks WHERE lib_status IS NOT NULL AND (path = ? OR substr(path, 1, ?) = ?)`)
      .all(path, prefix.length, prefix) as LibRow[];
  }

  libIdsInFolder(folderId: string): string[] {
    return (this.db.prepare('SELECT id FROM tracks WHERE folder_id = ? AND lib_status IS NOT NULL').all(folderId) as { id: string }[]).map((r) => r.id);
  }

  /** an existing row joins (or re-enters) analysis */
  setPending(id: string, folderId: string | null, fileName: string): void {
    this.db
      .prepare(`UPDATE tracks SET lib_status = 'pending', folder_id = COALESCE(?, folder_id), file_name = ?, lib_error = NULL, lib_error_code = NULL WHERE id = ?`)
      .run(folderId, fileName, id);
    this.setSortKeys(id);
  }

  /**
   * the natural sort keys (migrations 8, 13 and 14) and the search key (migration 9) of a row whose text columns were just written
   * (natural_key(), search_key(): registered by migrate(), which every connection here has run)
   */
  private setSortKeys(id: string): void {
    this.db
      .prepare(
        `UPDATE tracks SET title_sort = natural_key(title), artist_sort = natural_key(artist), album_sort = natural_key(album), genre_sort = natural_key(genre),
           file_name_sort = natural_key(file_name), path_sort = natural_path_key(path),
           folder_sort = natural_folder_key(tracks.path, (SELECT lf.path FROM library_folders lf WHERE lf.id = tracks.folder_id)), search_key = ${SEARCH_KEY_SQL} WHERE id = ?`,
      )
      .run(id);
  }

  /** a new library-only row, pending analysis (`realPath`: the file's realpath, `path` itself when not through a link) */
  insertPending(id: string, path: string, folderId: string | null, size: number, mtimeMs: number, probeJson: string, fileName: string, at: number, realPath = path): void {
    this.db
      .prepare(
        `INSERT INTO tracks (id, path, real_path, size, mtime_ms, kind, probe_json, opened_at, last_opened_at, in_recent, lib_status, folder_id, file_name)
         VALUES (?, ?, ?, ?, ?, 'audio', ?, ?, ?, 0, 'pending', ?, ?)`,
      )
      .run(id, path, realPath, size, mtimeMs, probeJson, at, at, folderId, fileName);
    this.setSortKeys(id);
  }

  /** A library row's real path and aliases (JSON array text, or null for none), as the scan found them. */
  setRealPathAndAliases(id: string, realPath: string, aliasesJson: string | null): void {
    this.db.prepare('UPDATE tracks SET real_path = ?, lib_aliases = ? WHERE id = ?').run(realPath, aliasesJson, id);
  }

  setFolder(id: string, folderId: string): void {
    this.db.prepare('UPDATE tracks SET folder_id = ? WHERE id = ?').run(folderId, id);
    // the search key holds the folder names below the library folder (search-key.ts searchFolders)
    this.setSortKeys(id);
  }

  /** the analysed row's summary columns */
  setAnalysed(id: string, s: LibSummary): void {
    this.db
      .prepare(
        `UPDATE tracks SET size = ?, mtime_ms = ?, kind = ?, probe_json = ?, lib_status = 'analysed', lib_error = NULL, lib_error_code = NULL,
           lib_versions = ?, analysed_at = ?, file_name = ?, title = ?, artist = ?, album = ?, genre = ?, year = ?, duration_sec = ?, sample_rate = ?,
           channels = ?, codec = ?, bitrate_kbps = ?, bpm = ?, bpm_confidence = ?, key_name = ?, key_confidence = ?, camelot = ?, open_key = ?,
           lufs = ?, loudness_range = ?, true_peak = ?, features = ?
         WHERE id = ?`,
      )
      .run(
        s.size, s.mtimeMs, s.kind, s.probeJson, s.versionsKey, s.analysedAt, s.fileName, s.title, s.artist, s.album, s.genre, s.year, s.durationSec,
        s.sampleRate, s.channels, s.codec, s.bitrateKbps, s.bpm, s.bpmConfidence, s.keyName, s.keyConfidence, s.camelot, s.openKey, s.lufs,
        s.loudnessRange, s.truePeak, s.features, id,
      );
    this.setSortKeys(id);
  }

  /** a failed analysis: the reason and its code; size/mtime when the file could be stat'ed */
  setFailed(id: string, code: string, message: string, file: { size: number; mtimeMs: number } | null, at: number): void {
    this.db
      .prepare(`UPDATE tracks SET lib_status = 'failed', lib_error = ?, lib_error_code = ?, analysed_at = ?, size = COALESCE(?, size), mtime_ms = COALESCE(?, mtime_ms) WHERE id = ?`)
      .run(message, code, at, file?.size ?? null, file?.mtimeMs ?? null, id);
  }

  /**
   * The row's file moved or renamed to `newPath` (the scan's or the watcher's move match): its path, real path, file
   * name and folder, and the path it leaves put first in `lib_moved_from` (JSON array of earlier paths, the latest
   * first, without the new path, at most MOVED_FROM_KEPT) — a playlist naming the old path finds the track by it; its
   * file identity the new file's (`fileId`, "DEV:INO", migration 19; null where its file system keeps none).
   */
  move(id: string, newPath: string, fileName: string, folderId: string | null, fileId: string | null = null): void {
    const was = this.db.prepare('SELECT path, lib_moved_from FROM tracks WHERE id = ?').get(id) as { path: string; lib_moved_from: string | null } | undefined;
    const before = was ? [...new Set([was.path, ...movedFromList(was.lib_moved_from)])].filter((p) => p !== newPath).slice(0, MOVED_FROM_KEPT) : [];
    this.db
      .prepare('UPDATE tracks SET path = ?, real_path = ?, file_name = ?, folder_id = COALESCE(?, folder_id), lib_moved_from = ?, lib_file_id = ? WHERE id = ?')
      .run(newPath, newPath, fileName, folderId, before.length ? JSON.stringify(before) : null, fileId, id);
    this.setSortKeys(id);
  }

  /** The row's file identity as the scan saw it now ("DEV:INO", migration 19; null: not kept by its file system). */
  setFileId(id: string, fileId: string | null): void {
    (this.setFileIdSql ??= this.db.prepare('UPDATE tracks SET lib_file_id = ? WHERE id = ?')).run(fileId, id);
  }

  /**
   * Rows leaving the library (their files gone from a library folder that is there — deleted, or a drive mounted
   * inside a library folder unplugged — or their library folder removed). The rule (lib40): a row holding anything
   * the user made or did with it — a place in a crate (crate_tracks), a hot cue or named region (track_marks), a chat
   * thread (chat_messages), a place in recent files (in_recent) — keeps its id and all of those, and only leaves the
   * library (lib_status and folder_id NULL: not listed, not counted nor exported in its crates, which read library rows
   * only); a row with none of them is deleted. Their analyser rows (library_analyses) go either way: a kept row is
   * analysed again when it rejoins. It rejoins when a scan finds its file again — at its own path (classify: the row
   * of that path, whatever its status, is the file's), or at another with its size and mtime (job.ts goneElsewhere:
   * rows out of the library are move candidates too, a drive plugged back under another mount point) — with its id,
   * crate places (in their order), cues, regions and chat. Before lib40 a kept row left its crates here and a row with
   * only crate places or cues was deleted: a drive unplugged from inside a library folder, a Rescan, and the drive
   * plugged back gave new rows, the crates empty and the cues gone.
   */
  leaveLibrary(ids: string[]): void {
    const keep = this.db.prepare(
      `SELECT in_recent OR EXISTS (SELECT 1 FROM chat_messages c WHERE c.track_id = tracks.id)
         OR EXISTS (SELECT 1 FROM crate_tracks ct WHERE ct.track_id = tracks.id)
         OR EXISTS (SELECT 1 FROM track_marks m WHERE m.track_id = tracks.id) AS k FROM tracks WHERE id = ?`,
    );
    const del = this.db.prepare('DELETE FROM tracks WHERE id = ?');
    const leave = this.db.prepare(`UPDATE tracks SET lib_status = NULL, folder_id = NULL WHERE id = ?`);
    const delAnalyses = this.db.prepare('DELETE FROM library_analyses WHERE track_id = ?');
    for (const id of ids) {
      const k = (keep.get(id) as { k: number } | undefined)?.k;
      if (k === undefined) continue;
      delAnalyses.run(id);
      // a deleted row's crate places and marks go by ON DELETE CASCADE (migrations 7, 12)
      if (k) leave.run(id);
      else del.run(id);
    }
  }

  /**
   * The file was rewritten by the studio (tag write-back): its new size and
   * mtime, probe (tags read again) and tag columns; the analysis stays (the
   * audio is unchanged), so the next scan does not analyse it again. `fileId`
   * where given: the new file's identity ("DEV:INO", null where its file system
   * keeps none; lib_file_id, migration 19) — the write renames a copy over the
   * file, another inode, and the move match (job.ts moveMatch) prefers a row
   * by it; before lib40 it kept the old file's until the next scan.
   */
  setRetagged(id: string, f: { size: number; mtimeMs: number; probeJson: string; title: string | null; artist: string | null; album: string | null; genre: string | null; year: number | null; fileId?: string | null }): void {
    this.db
      .prepare('UPDATE tracks SET size = ?, mtime_ms = ?, probe_json = ?, title = ?, artist = ?, album = ?, genre = ?, year = ? WHERE id = ?')
      .run(f.size, f.mtimeMs, f.probeJson, f.title, f.artist, f.album, f.genre, f.year, id);
    if (f.fileId !== undefined) this.setFileId(id, f.fileId);
    this.setSortKeys(id);
  }

  // ---- library queries ---------------------------------------------------

  private where(filter: LibWhere | undefined, trackIds?: string[]): { sql: string; params: unknown[] } {
    const parts = ['lib_status IS NOT NULL'];
    const params: unknown[] = [];
    const f = filter ?? {};
    if (f.text) {
      // every word (at most 8) found in one of the row's title, artist, album, genre or file name, in either Unicode
      // normal form (macOS writes names decomposed, NFD: "e" + U+0301; text typed elsewhere is composed, NFC) and in
      // any case beyond ASCII too ("été" finds "Été", "øyvind" "ØYVIND"; tester19), with or without accents ("bjork"
      // finds "Björk"; left28c), the typed text literal (no wildcards): the word folded as the stored search key is
      // (search-key.ts foldSearch, migrations 9 and 15), then one instr() on it.
      // A row written without its key (by another program or a test's raw INSERT) gets it made per query (COALESCE
      // runs search_key() only when the stored one is NULL, never for a row the studio wrote)
      for (const word of f.text.split(/\s+/).filter(Boolean).slice(0, 8)) {
        parts.push(`instr(COALESCE(search_key, ${SEARCH_KEY_SQL}), ?) > 0`);
        params.push(foldSearch(word));
      }
    }
    if (f.bpm) {
      parts.push(`${bpmSql(f.bpmRange)} BETWEEN ? AND ? AND ${SURE_SQL.bpm}`);
      params.push(Math.min(...f.bpm), Math.max(...f.bpm));
    }
    if (f.lufs) {
      // shown_tenth (the value as the table shows it, tester24) decides; the plain bound on lufs around it, a hair
      // wider than the 0.05 LU rounding, lets SQLite range-scan migration 4's lib_lufs index instead of calling
      // shown_tenth on every row (a function of the column alone is not sargable) — same rows
      const [lo, hi] = [Math.min(...f.lufs), Math.max(...f.lufs)];
      parts.push('lufs BETWEEN ? AND ? AND shown_tenth(lufs) BETWEEN ? AND ?');
      params.push(lo - 0.051, hi + 0.051, lo, hi);
    }
    if (f.keyNames?.length) {
      parts.push(`key_name IN (SELECT value FROM json_each(?)) AND ${SURE_SQL.key}`);
      params.push(JSON.stringify(f.keyNames));
    }
    if (f.status) {
      parts.push('lib_status = ?');
      params.push(f.status);
    }
    if (f.folderId) {
      parts.push('folder_id = ?');
      params.push(f.folderId);
    }
    if (f.crateId) {
      // a crate's tracks (migration 12); an unknown crate has none
      parts.push('id IN (SELECT track_id FROM crate_tracks WHERE crate_id = ?)');
      params.push(f.crateId);
    }
    if (f.under) {
      // tracks.path: json_each has a column named path too
      parts.push(`EXISTS (SELECT 1 FROM json_each(?) AS u WHERE substr(tracks.path, 1, length(u.value)) = u.value)`);
      params.push(JSON.stringify(f.under));
    }
    if (trackIds) {
      parts.push(`id IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(trackIds));
    }
    return { sql: parts.join(' AND '), params };
  }

  /**
   * One page of library rows. Empty values sort last in either direction and
   * the path in natural order breaks ties, so pages are stable (served by the indexes of migration 13).
   */
  libPage(filter: LibWhere | undefined, sort: { column: string; dir: 'asc' | 'desc' } | undefined, offset: number, limit: number): { total: number; rows: LibQueryRow[] } {
    const w = this.where(filter);
    const o = this.orderBy(filter, sort);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM tracks WHERE ${w.sql}`).get(...w.params) as { n: number }).n;
    const rows = this.db.prepare(`SELECT ${LIB_COLUMNS} FROM tracks WHERE ${w.sql} ORDER BY ${o.sql} LIMIT ? OFFSET ?`).all(...w.params, ...o.params, limit, offset) as LibQueryRow[];
    return { total, rows };
  }

  /**
   * The ids of every matching library row, in libPage's order (same WHERE, same ORDER BY):
   * what select-all needs, without the rows (10,049 ids in one statement).
   */
  libIds(filter: LibWhere | undefined, sort: { column: string; dir: 'asc' | 'desc' } | undefined): string[] {
    const w = this.where(filter);
    const o = this.orderBy(filter, sort);
    return (this.db.prepare(`SELECT id FROM tracks WHERE ${w.sql} ORDER BY ${o.sql}`).pluck().all(...w.params, ...o.params) as string[]);
  }

  /**
   * the ORDER BY of libPage / libIds: empty values last in either direction, the path breaks ties; a tempo or key
   * shown "uncertain" after the sure ones, by its best guess (SURE_SQL); `crate` (with filter.crateId): the crate's own order
   * (crate_tracks.position, migration 12), else the path. Its parameters follow the WHERE's
   */
  private orderBy(filter: LibWhere | undefined, sort: { column: string; dir: 'asc' | 'desc' } | undefined): { sql: string; params: unknown[] } {
    if (sort?.column === 'crate' && filter?.crateId) {
      const dir = sort.dir === 'desc' ? 'DESC' : 'ASC';
      return { sql: `(SELECT ct.position FROM crate_tracks ct WHERE ct.crate_id = ? AND ct.track_id = tracks.id) ${dir}, ${TIE_BREAK}`, params: [filter.crateId] };
    }
    return { sql: this.order(filter, sort), params: [] };
  }

  /** orderBy's ORDER BY of a column sort (no parameters) */
  private order(filter: LibWhere | undefined, sort: { column: string; dir: 'asc' | 'desc' } | undefined): string {
    const col = sort?.column === 'bpm' ? bpmSql(filter?.bpmRange) : (SORT_SQL[sort?.column ?? 'path'] ?? 'path');
    const dir = sort?.dir === 'desc' ? 'DESC' : 'ASC';
    if (col === 'path') return `path_sort ${dir}, path ${dir}`;
    const sure = SURE_OF[sort?.column ?? ''];
    // Camelot codes sort on the wheel (1A, 1B, 2A … 12B), not as text ("10A" before "1A")
    const by = col === 'camelot' ? `CAST(camelot AS INTEGER) ${dir}, substr(camelot, -1) ${dir}` : `${col} ${dir}`;
    if (!sure) return `${col} IS NULL, ${by}, ${TIE_BREAK}`;
    // the sure values first, then the uncertain ones, each group by the value (an uncertain one by its best guess: a DJ
    // looking for "anything near 128" finds the uncertain 126 among the uncertain, after every sure tempo; sort38),
    // written exactly as migration 18's indexes are (without a BPM range: with one, fold_bpm is sorted per query)
    return `${col} IS NULL, COALESCE(${SURE_SQL[sure]}, 0) = 0, ${by}, ${TIE_BREAK}`;
  }

  /**
   * every matching library row (export), in libPage's order for `sort` (the table's: a crate's own order with
   * filter.crateId), by path without one
   */
  libAll(filter: LibWhere | undefined, trackIds: string[] | undefined, sort?: { column: string; dir: 'asc' | 'desc' }): LibQueryRow[] {
    const w = this.where(filter, trackIds);
    const o = this.orderBy(filter, sort);
    return this.db.prepare(`SELECT ${LIB_COLUMNS} FROM tracks WHERE ${w.sql} ORDER BY ${o.sql}`).all(...w.params, ...o.params) as LibQueryRow[];
  }

  /**
   * libAll's rows as ids and status only, in its order: the export's list, read before its rows (cliui37: the rows of
   * 30,000 tracks in one statement took seconds with no progress and no Cancel), then libRowsOf a page at a time
   */
  libAllIds(filter: LibWhere | undefined, trackIds: string[] | undefined, sort?: { column: string; dir: 'asc' | 'desc' }): { id: string; failed: boolean }[] {
    const w = this.where(filter, trackIds);
    const o = this.orderBy(filter, sort);
    return (this.db.prepare(`SELECT id, lib_status FROM tracks WHERE ${w.sql} ORDER BY ${o.sql}`).all(...w.params, ...o.params) as { id: string; lib_status: string }[]).map((r) => ({ id: r.id, failed: r.lib_status === 'failed' }));
  }

  /** the library rows of `ids` (one statement; at most ~32,000 ids, SQLite's variable limit), in the order of `ids`; an id without a library row is left out */
  libRowsOf(ids: readonly string[]): LibQueryRow[] {
    if (!ids.length) return [];
    const rows = this.db.prepare(`SELECT ${LIB_COLUMNS} FROM tracks WHERE lib_status IS NOT NULL AND id IN (${ids.map(() => '?').join(', ')})`).all(...ids) as LibQueryRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }

  libTrack(id: string): LibQueryRow | undefined {
    return this.prepared(`SELECT ${LIB_COLUMNS} FROM tracks WHERE id = ? AND lib_status IS NOT NULL`).get(id) as LibQueryRow | undefined;
  }
}

/** how many earlier paths a row keeps in `lib_moved_from` (TracksRepo.move): a file renamed more often than that is found by its last names */
const MOVED_FROM_KEPT = 8;

/** the paths of a `lib_moved_from` column (JSON array of strings), the latest first; [] for null or anything else. Pure. */
export function movedFromList(json: string | null): string[] {
  if (!json) return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}
