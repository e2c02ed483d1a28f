/**
 * The library's domain side over the repositories of db/: folders, library
 * rows (columns of `tracks`, see migration 3), each analyser's result with its
 * version, queries and track detail. No SQL here (db/ holds it). Every
 * track's result is one transaction, so a kill at any moment leaves whole
 * rows or none.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { ErrorCode, keySectionOf, StudioError, Tags, type BpmRange, type KeySection, type LibraryFilter, type LibraryFolder, type LibraryTrack, type ProbeResult, type TempoSection, type TrackDetail, type TrackSummary } from '@contract';
import { featuresText, keyName, type LoudnessResult, type TempoResult, type TonalResult } from '../analysis';
import { ALL_KEYS } from '../analysis/keys';
import { NO_TEMPO } from '../analysis/tempo';
import { writeTx, type Db } from '../db';
import { LibraryAnalysesRepo } from '../db/library-analyses';
import { LibraryFoldersRepo } from '../db/library-folders';
import { ScanJobsRepo } from '../db/scan-jobs';
import { relativeFolder } from '../db/search-key';
import { TracksRepo, type LibQueryRow, type LibRow, type LibWhere } from '../db/tracks';
import { folderPrefix } from '../fs/paths';
import { bestStream } from '../media/probe';
import { durationShown, parseTaggedKey } from '../media/tags';
import type { LibraryAnalysis } from './analyse';

export type { LibRow };

export const newLibId = (): string => randomBytes(12).toString('base64url');

function toLibraryTrack(r: LibQueryRow): LibraryTrack {
  return {
    id: r.id, path: r.path, fileName: r.file_name ?? basename(r.path), folderId: r.folder_id, folder: relativeFolder(r.path, r.folder_root), title: r.title, artist: r.artist, album: r.album,
    genre: r.genre, year: r.year, durationSec: r.duration_sec, sampleRate: r.sample_rate, channels: r.channels, codec: r.codec,
    bitrateKbps: r.bitrate_kbps, sizeBytes: r.size, bpm: r.bpm, bpmConfidence: r.bpm === null ? null : r.bpm_confidence, key: r.key_name, keyConfidence: r.key_name === null ? null : r.key_confidence,
    camelot: r.camelot, openKey: r.open_key, lufs: r.lufs, loudnessRange: r.loudness_range, truePeak: r.true_peak, features: r.features,
    status: r.lib_status, error: r.lib_error, analysedAt: r.analysed_at, warnings: probeWarnings(r.warnings_json), aliases: aliasList(r.lib_aliases),
    // its library folder not there now (an unplugged drive): the table mutes and marks the row; absent otherwise
    ...(r.folder_root !== null && (r.folder_status === 'missing' || r.folder_status === 'unreadable') ? { folderAbsent: { path: r.folder_root, status: r.folder_status } } : {}),
    // a failed row's code (a code this studio no longer knows reads as INTERNAL); absent on other rows
    ...(r.lib_status === 'failed' ? { errorCode: ErrorCode.safeParse(r.lib_error_code).data ?? 'INTERNAL' } : {}),
  };
}

/** the stored aliases (JSON array of paths); none when absent or unreadable */
export function aliasList(json: string | null): string[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function minimalProbe(path: string, size: number): ProbeResult {
  return { path, sizeBytes: size, container: 'unknown', durationSec: 0, streams: [], tags: {}, hasCoverArt: false, warnings: [] };
}

const MODE_WORD = /^(major|minor|maj|min|m|M)$/i;

/**
 * The keys of a key filter: one key or several, separated by commas or spaces
 * ("8A 9A", "8A, 9A", "A minor, 9A", "Am Em"), each in any notation parseKey
 * reads, read as a key tag is (parseTaggedKey: a lower-case tonic is minor, "a" = A minor, as the detail's "Tagged:"
 * line and Write tags read a tag "a"; the filter said A major); returns their names ("A minor"), without repeats.
 * @throws StudioError BAD_ARGS naming the first part that is not a key.
 */
export function parseKeyList(text: string): string[] {
  const names: string[] = [];
  for (const part of text.split(/[,;]+/).map((p) => p.trim()).filter(Boolean)) {
    const whole = parseTaggedKey(part);
    if (whole) {
      names.push(keyName(whole));
      continue;
    }
    const words = part.split(/\s+/);
    for (let i = 0; i < words.length; i++) {
      // "A minor" is one key written as two words
      const two = i + 1 < words.length && MODE_WORD.test(words[i + 1]) ? parseTaggedKey(`${words[i]} ${words[i + 1]}`) : null;
      const k = two ?? parseTaggedKey(words[i]);
      if (!k) throw new StudioError('BAD_ARGS', `"${words[i]}" is not a key: use e.g. "A minor", "Am", "8A" (Camelot) or "1m" (Open Key); several with commas or spaces ("8A 9A").`);
      if (two) i++;
      names.push(keyName(k));
    }
  }
  return [...new Set(names)];
}

/** The library filter for SQL: the key(s) in any notation ("Am", "8A 9A", "1m") become their names. @throws StudioError BAD_ARGS for a key that is not one. */
function libWhere(filter: LibraryFilter | undefined, under?: string[], bpmRange?: BpmRange | null): LibWhere | undefined {
  let w: LibWhere | undefined = under ? { ...filter, under } : filter;
  if (bpmRange) w = { ...w, bpmRange };
  if (!filter?.key) return w;
  const { key, ...rest } = w as LibraryFilter & { under?: string[] };
  return { ...rest, keyNames: parseKeyList(key!) };
}

export class LibraryStore {
  readonly tracks: TracksRepo;
  readonly folderRows: LibraryFoldersRepo;
  readonly analyses: LibraryAnalysesRepo;
  readonly jobs: ScanJobsRepo;

  constructor(readonly db: Db) {
    this.tracks = new TracksRepo(db);
    this.folderRows = new LibraryFoldersRepo(db);
    this.analyses = new LibraryAnalysesRepo(db);
    this.jobs = new ScanJobsRepo(db);
  }

  /** run `fn` in one transaction. @throws StudioError DB_WRITE_FAILED (read-only, disk full, I/O) with nothing of `fn` kept */
  write<T>(fn: () => T): T {
    return writeTx(this.db, fn);
  }

  // ---- folders ---------------------------------------------------------

  folders(): LibraryFolder[] {
    return this.folderRows.all().map((r) => ({ id: r.id, path: r.path, addedAt: r.added_at, status: r.status, trackCount: r.n, watching: r.watching === 1 }));
  }

  /** @throws StudioError NOT_FOUND for an unknown id */
  folder(id: string): LibraryFolder {
    const f = this.folders().find((x) => x.id === id);
    if (!f) throw new StudioError('NOT_FOUND', 'That library folder does not exist (unknown id).');
    return f;
  }

  /**
   * Add a folder. `absorb`: ids of folders inside it, merged into it (their
   * rows move to it, analyses kept, and they leave the list).
   */
  addFolder(path: string, absorb: string[] = []): LibraryFolder {
    const existing = this.folderRows.idByPath(path);
    if (existing) return this.folder(existing);
    const id = newLibId();
    this.write(() => {
      this.folderRows.insert(id, path, Date.now());
      for (const child of absorb) {
        this.folderRows.moveTracks(child, id);
        this.folderRows.delete(child);
      }
    });
    return this.folder(id);
  }

  setFolderStatus(id: string, status: LibraryFolder['status']): void {
    this.write(() => this.folderRows.setStatus(id, status));
  }

  /** Remove a folder and its rows (files untouched). Returns how many rows left the library. */
  removeFolder(id: string): number {
    this.folder(id);
    return this.write(() => {
      const ids = this.tracks.libIdsInFolder(id);
      this.tracks.leaveLibrary(ids);
      this.folderRows.delete(id);
      return ids.length;
    });
  }

  // ---- rows ------------------------------------------------------------

  /** every row by path (opened files too), loaded once per scan job for the incremental check */
  rowsByPath(): Map<string, LibRow> {
    return this.tracks.libRowsByPath();
  }

  /** library rows at `path` (a file) or below it (a folder) */
  libraryRowsUnder(path: string): LibRow[] {
    return this.tracks.libRowsUnder(path, folderPrefix(path));
  }

  /** A found file that needs analysis: a pending library row (new, or an opened file joining the library). Call inside write(). */
  markPending(path: string, folderId: string | null, size: number, mtimeMs: number, existing?: LibRow, realPath = path): { id: string; added: boolean } {
    if (existing) {
      this.tracks.setPending(existing.id, folderId, basename(path));
      return { id: existing.id, added: existing.lib_status === null };
    }
    const id = newLibId();
    this.tracks.insertPending(id, path, folderId, size, mtimeMs, JSON.stringify(minimalProbe(path, size)), basename(path), Date.now(), realPath);
    return { id, added: true };
  }

  /** stored results of the analysers that were not re-run */
  storedResults(trackId: string): Record<string, unknown> {
    return this.analyses.results(trackId);
  }

  storedVersions(trackId: string): Record<string, number> {
    return this.analyses.versions(trackId);
  }

  /**
   * One analysed track: analyser rows, summary columns, probe — one
   * transaction, with `done` (the scan job whose file this is) marked in it.
   */
  recordResult(trackId: string, a: LibraryAnalysis, versionsKey: string, done?: { jobId: string; path: string }): void {
    const now = Date.now();
    this.write(() => {
      this.analyses.upsert(trackId, a.results, a.versions, now);
      const all = this.analyses.results(trackId);
      const loud = all.loudness as LoudnessResult | undefined;
      const tempo = all.tempo as TempoResult | undefined;
      const tonal = all.tonal as TonalResult | undefined;
      // the audio stream read (bestStream: a later one flagged default before the first), as `studio probe` states it
      const bestAudio = bestStream(a.source.streams, 'audio');
      const audio = a.source.streams.find((s) => s.type === 'audio' && s.index === bestAudio) ?? a.source.streams.find((s) => s.type === 'audio');
      // the video stream players show (av_find_best_stream's pick), as `studio probe` states it
      const bestVideo = bestStream(a.source.streams, 'video', true);
      const video = a.source.streams.find((s) => s.type === 'video' && s.index === bestVideo);
      const probe: ProbeResult = {
        path: a.path, sizeBytes: a.file.size, container: a.container, durationSec: durationShown(a.durationSec),
        bitrateKbps: a.bitrateKbps, streams: a.source.streams, audio, video, tags: a.tags, hasCoverArt: a.hasCoverArt, warnings: a.warnings ?? [],
      };
      const t = a.tags;
      this.tracks.setAnalysed(trackId, {
        size: a.file.size, mtimeMs: a.file.mtimeMs, kind: video ? 'video' : 'audio', probeJson: JSON.stringify(probe), versionsKey, analysedAt: now,
        fileName: basename(a.path), title: t.title ?? null, artist: t.artist ?? null, album: t.album ?? null, genre: t.genre?.join(', ') ?? null,
        year: t.year ?? null, durationSec: durationShown(a.durationSec), sampleRate: audio?.sampleRate ?? null, channels: audio?.channels ?? null,
        codec: audio?.module ?? audio?.codec ?? null, bitrateKbps: a.bitrateKbps ?? null, bpm: tempo?.bpm ?? null,
        bpmConfidence: tempo?.bpm != null ? tempo.confidence : null, keyName: tonal?.key.key ?? null, keyConfidence: tonal?.key.key != null ? tonal.key.confidence : null,
        camelot: tonal?.key.camelot ?? null, openKey: tonal?.key.openKey ?? null, lufs: r2(loud?.integratedLufs), loudnessRange: r2(loud?.rangeLu),
        truePeak: r2(loud?.truePeakDbtp), features: featuresText({ tempo: tempo ?? null, tonal: tonal ?? null, loudness: loud ?? null }),
      });
      if (done) this.jobs.markDone(done.jobId, done.path);
    });
  }

  /**
   * The tempo and key a row's file tags state (readTempoKeyTags), written into its stored probe's tags (those three
   * fields replaced, the rest kept) with `versionsKey` (scanKey: the current tag reading): the re-probe of a row
   * stored before they were read. No row: nothing. `file` (size in bytes, mtime in ms, as classify saw them): where
   * the row's stored size or mtime differs now (a write-tags or re-analysis landed since), nothing is written — the
   * row is newer than the tags read, and a stale re-probe must not overwrite it. Returns whether it wrote.
   */
  setTempoKeyTags(trackId: string, tags: Pick<ProbeResult['tags'], 'bpm' | 'key' | 'keyText'>, versionsKey: string, file?: { size: number; mtimeMs: number }): boolean {
    return this.write(() => {
      if (file) {
        const row = this.tracks.byId(trackId);
        if (!row || row.size !== file.size || row.mtime_ms !== file.mtimeMs) return false;
      }
      const json = this.tracks.probeJsonOf(trackId);
      if (json === null) return false;
      let probe: ProbeResult;
      try {
        probe = JSON.parse(json) as ProbeResult;
      } catch {
        return false;
      }
      const { bpm: _b, key: _k, keyText: _t, ...rest } = probe.tags ?? {};
      this.tracks.setProbeJson(trackId, JSON.stringify({ ...probe, tags: { ...rest, ...tags } }), versionsKey);
      return true;
    });
  }

  /**
   * The next scan reads the row's tempo and key tags again (classify's retag: needsRetag), its analysis kept: the
   * tag reading's mark (`tags:N`, TAGS_READ) taken from its lib_versions. For a row whose stored tags may be stale
   * after a tag write whose read-back failed (LibraryService.writeTags). No row or not analysed: nothing.
   */
  retagNextScan(trackId: string): void {
    this.write(() => {
      const versions = this.tracks.byId(trackId)?.lib_versions;
      if (versions) this.tracks.setLibVersions(trackId, versions.split(',').filter((v) => !v.startsWith('tags:')).join(','));
    });
  }

  /** A failed track keeps its reason and code (one transaction with `done`). */
  recordFailure(trackId: string, code: string, message: string, file: { size: number; mtimeMs: number } | null, done?: { jobId: string; path: string }): void {
    this.write(() => {
      this.tracks.setFailed(trackId, code, message, file, Date.now());
      this.analyses.deleteFor(trackId);
      if (done) this.jobs.markDone(done.jobId, done.path);
    });
  }

  /** A moved file: same content under a new path keeps its id, analysis and chat. */
  moveTrack(trackId: string, newPath: string, folderId: string | null, fileId: string | null = null): void {
    this.write(() => this.tracks.move(trackId, newPath, basename(newPath), folderId, fileId));
  }

  /** Files gone from the library (rows in recent files or with a chat just leave it); with `done`, the job's file is marked in the same transaction. */
  removeTracks(ids: string[], done?: { jobId: string; path: string }): void {
    if (ids.length || done)
      this.write(() => {
        this.tracks.leaveLibrary(ids);
        if (done) this.jobs.markDone(done.jobId, done.path);
      });
  }

  // ---- queries -----------------------------------------------------------

  /**
   * `under`: only rows stored below these folder prefixes (web mode's roots); all when absent.
   * `bpmRange`: the BPM filter and the BPM sort read the tempo folded into it (the rows keep the stored tempo; the service folds them).
   */
  query(filter: LibraryFilter | undefined, sort: { column: string; dir: 'asc' | 'desc' } | undefined, offset: number, limit: number, under?: string[], bpmRange?: BpmRange | null): { total: number; rows: LibraryTrack[] } {
    const page = this.tracks.libPage(libWhere(filter, under, bpmRange), sort, offset, limit);
    return { total: page.total, rows: page.rows.map(toLibraryTrack) };
  }

  /** The ids of every row query() would page through, in its order (select-all); `under`, `bpmRange`: as in query(). */
  ids(filter: LibraryFilter | undefined, sort: { column: string; dir: 'asc' | 'desc' } | undefined, under?: string[], bpmRange?: BpmRange | null): string[] {
    return this.tracks.libIds(libWhere(filter, under, bpmRange), sort);
  }

  /** `under`, `bpmRange`: as in query() */
  tracksFor(filter: LibraryFilter | undefined, trackIds: string[] | undefined, under?: string[], bpmRange?: BpmRange | null, sort?: { column: string; dir: 'asc' | 'desc' }): LibraryTrack[] {
    return this.tracks.libAll(libWhere(filter, under, bpmRange), trackIds, sort).map(toLibraryTrack);
  }

  /** tracksFor's rows as ids (and whether each failed), in its order: the export reads their rows a page at a time (rowsOf) */
  idsFor(filter: LibraryFilter | undefined, trackIds: string[] | undefined, under?: string[], bpmRange?: BpmRange | null, sort?: { column: string; dir: 'asc' | 'desc' }): { id: string; failed: boolean }[] {
    return this.tracks.libAllIds(libWhere(filter, under, bpmRange), trackIds, sort);
  }

  /** the library rows of `ids`, in their order (tracksFor's rows, a page of idsFor at a time) */
  rowsOf(ids: readonly string[]): LibraryTrack[] {
    return this.tracks.libRowsOf(ids).map(toLibraryTrack);
  }

  /** @throws StudioError NOT_FOUND when the id is not a library track */
  track(trackId: string): LibraryTrack {
    const r = this.tracks.libTrack(trackId);
    if (!r) throw new StudioError('NOT_FOUND', 'That track is not in the library (unknown id).');
    return toLibraryTrack(r);
  }

  /** The tempo sections of those of `trackIds` whose tempo changes (TrackDetail.tempoSections); the others are absent. */
  tempoSections(trackIds: readonly string[]): Map<string, TempoSection[]> {
    const m = this.analyses.tempoSections(trackIds) as Map<string, TempoSection[]>;
    for (const [id, v] of m) m.set(id, v.map(sectionOf));
    return m;
  }

  /** The key sections of those of `trackIds` whose key changes (TrackDetail.keySections); the others are absent. */
  keySections(trackIds: readonly string[]): Map<string, KeySection[]> {
    const m = this.analyses.keySections(trackIds) as Map<string, KeySection[]>;
    for (const [id, v] of m) m.set(id, v.map(keySectionOf));
    return m;
  }

  /**
   * What the track view's header shows (library:track-summary): the row and why it has no tempo or key, as detail()
   * states them, the reasons read by json_extract only where one is shown (the results' beats, strengths and curves
   * are never parsed). @throws StudioError NOT_FOUND when the id is not a library track
   */
  summary(trackId: string): TrackSummary {
    const track = this.track(trackId);
    return { track, ...reasonsOf(track, () => this.analyses.textAt(trackId, 'tempo', '$.reason'), () => this.analyses.textAt(trackId, 'tonal', '$.key.reason')) };
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
    const probeJson = this.tracks.probeJsonOf(trackId);
    return {
      track,
      beats,
      beatsPerBar: tempo?.beatsPerBar ?? null,
      tempoCurve,
      keyStrengths: tonal ? ALL_KEYS.map((k, i) => ({ key: keyName(k), strength: tonal.key.strengths[i] ?? 0 })) : [],
      loudnessCurve: { stepSec: loud?.shortTermStepSec ?? 1, values: loud?.shortTerm ?? [] },
      chords: { progression: tonal?.chords.progression ?? [], segments: tonal?.chords.segments ?? [] },
      warnings: track.warnings,
      ...reasonsOf(track, () => tempo?.reason, () => tonal?.key.reason),
      tempoSections: tempo?.variable?.length ? tempo.variable.map(sectionOf) : null,
      keySections: tonal?.key.variable?.length ? tonal.key.variable.map(keySectionOf) : null,
      tagged: probeTempoKey(probeJson),
      taggedReplayGain: probeReplayGain(probeJson),
    };
  }
}

/**
 * The ReplayGain the file's own tags state, from the stored probe (ProbeResult.tags.replayGain, checked against the
 * contract's shape); null when it states none, the probe is not JSON, or it was stored before tags held it.
 */
export function probeReplayGain(json: string | null): TrackDetail['taggedReplayGain'] {
  try {
    const rg = (JSON.parse(json ?? 'null') as { tags?: { replayGain?: unknown } } | null)?.tags?.replayGain;
    const ok = Tags.shape.replayGain.unwrap().safeParse(rg);
    return rg !== undefined && ok.success ? ok.data : null;
  } catch {
    return null;
  }
}

/**
 * Why an analysed track has no tempo and no key (TrackDetail.tempoReason, keyReason), from its stored results'
 * reasons (read only where one is shown): a tempo result without one is the pulse's "no tempo"; results stored before
 * the key said why have no reason, and none is made up for them. null each where the track has one (or is not analysed).
 */
function reasonsOf(track: LibraryTrack, tempoReason: () => string | null | undefined, keyReason: () => string | null | undefined): Pick<TrackDetail, 'tempoReason' | 'keyReason'> {
  const analysed = track.status === 'analysed';
  return {
    tempoReason: analysed && track.bpm === null ? (tempoReason() ?? NO_TEMPO.pulse) : null,
    keyReason: analysed && track.key === null ? (keyReason() ?? null) : null,
  };
}

/**
 * The tempo and key the file's own tags state, from the stored probe (ProbeResult.tags bpm/key/keyText: a DJ
 * tagger's TBPM/TKEY, BPM/INITIALKEY, tmpo); null when it states neither, or for a probe stored before tags held them
 * (until the file is scanned again).
 */
export function probeTempoKey(json: string | null): TrackDetail['tagged'] {
  try {
    const tags = (JSON.parse(json ?? 'null') as { tags?: Record<string, unknown> } | null)?.tags;
    if (!tags) return null;
    const out: NonNullable<TrackDetail['tagged']> = {};
    if (typeof tags.bpm === 'number') out.bpm = tags.bpm;
    if (typeof tags.keyText === 'string') {
      // the key read again from the text as written, by today's rule (parseTaggedKey, as Write tags' ownTagDisagrees
      // reads the file's): a probe stored before a rule changed holds the key of the old one ("a" read as A major
      // before a lower-case tonic meant minor), and the detail would say otherwise than Write tags
      out.keyText = tags.keyText;
      const k = parseTaggedKey(tags.keyText);
      if (k) out.key = keyName(k);
    } else if (typeof tags.key === 'string') out.key = tags.key;
    return out.bpm !== undefined || out.keyText !== undefined ? out : null;
  } catch {
    return null;
  }
}

/** the stored probe's warnings (JSON text of ProbeResult.warnings: the cross-check's findings); none when absent or unreadable */
function probeWarnings(json: string | null): string[] {
  try {
    const w = JSON.parse(json ?? '[]') as unknown;
    return Array.isArray(w) ? w.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** a stored TempoResult.variable entry as the contract's TempoSection (only its fields) */
export function sectionOf(s: TempoSection): TempoSection {
  return s.endBpm === undefined ? { start: s.start, end: s.end, bpm: s.bpm } : { start: s.start, end: s.end, bpm: s.bpm, endBpm: s.endBpm };
}

/** loudness figures to 0.01 (LU / dB) */
function r2(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 100) / 100;
}

