/**
 * The library service behind the `library:*` methods: folders, the scan job
 * (job.ts: walk.ts, sniff.ts, classify.ts; worker pool in pool.ts), the watcher, SQL queries and export.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { CallContext } from '@contract';
import { BpmRange, certainty, confidenceText, tempoAgreement, foldBpm, foldCurve, foldSections, keySectionsText, keySectionText, MIN_CONFIDENCE, StudioError, tempoSectionsText, tempoSectionText, tempoSpanText, type TempoSection, type KeySection, type LibraryFilter, type ProbeResult, type LibraryFolder, type LibraryTrack, type MethodArgs, type MethodOutput, type ScanState } from '@contract';
import type { EngineContext } from '../context';
import { makeAnalyse, type Analyse } from './pool';
import { LibraryScanner } from './job';
import { LibraryStore } from './store';
import { FolderWatcher } from './watch';
import { fileIdentity, fileIdOf } from './walk';
import { isInside } from '../fs/paths';
import { mapLimited } from '../fs/list-dir';
import { getSetting, setSetting } from '../db/settings';
import { CratesRepo } from '../db/crates';
import { crateFileName } from './crates';
import { rekordboxGrid, rekordboxShiftSec, rekordboxXml, type RekordboxTempo, type RekordboxTrack } from './rekordbox-xml';
import { TrackMarksRepo } from '../db/track-marks';
import { fingerprint } from '../media/cache';
import { readCachedAnalysis } from '../media/analysis';
import { peaksDownbeat } from '../analysis/beat-grid';
import type { TempoResult } from '../analysis/tempo';
import { probeFile } from '../media/probe';
import { mp3TimingCaseOf } from '../media/structure';
import { bpmText, keyIn, keyNotationOf, layoutRefusal, readBpmKey, tagTarget, writeTagsSafely, type KeyNotation } from './tag-write';
import { parseKey } from '../analysis/keys';
import { readTempoKeyTags, tagsReadCurrent } from './analyse';
import { parseTaggedKey } from '../media/tags';

/** settings key of the BPM range (JSON `{min, max}`) */
const BPM_RANGE_KEY = 'library.bpmRange';

export interface LibraryOptions {
  /**
   * watch folders, resume an interrupted scan at start, then catch up with what changed while the studio was closed
   * (LibraryScanner.catchUp) — off for the CLI
   */
  background?: boolean;
  makePool?: () => Analyse;
  /** false: tracks get no waveform (peaks + spectrogram, and their cache entry): `studio analyze` without --db (job.ts) */
  waveform?: boolean;
  /** called before the studio rewrites a track's file (tag write-back); what it returns is called once the row holds the new identity (the open-file watcher, media/tracks.ts holdWatch) */
  holdWatch?: (trackId: string) => () => void;
}

export class LibraryService {
  readonly store: LibraryStore;
  readonly scanner: LibraryScanner;
  private readonly watcher: FolderWatcher | null;

  private readonly holdWatch: (trackId: string) => () => void;

  constructor(
    private readonly ctx: EngineContext,
    opts: LibraryOptions = {},
  ) {
    this.holdWatch = opts.holdWatch ?? (() => () => undefined);
    this.store = new LibraryStore(ctx.db);
    this.scanner = new LibraryScanner(ctx, this.store, opts.makePool ?? makeAnalyse, opts.waveform ?? true);
    const background = opts.background ?? true;
    this.watcher = background ? new FolderWatcher((paths) => this.scanner.enqueuePaths(paths)) : null;
    // a folder gone (or back): its watcher closed (or started again)
    this.scanner.foldersChanged = () => this.watcher?.sync(this.store.folders());
    try {
      // jobs of chosen files of an engine that died are closed (never adopted); a library scan resumes
      const unfinished = this.scanner.closeInterrupted();
      if (background) {
        this.watcher!.sync(this.store.folders());
        if (unfinished && unfinished.state !== 'paused') setImmediate(() => this.scanner.start());
        // after the engine told it is ready (this runs once the handlers are made), behind the resumed scan
        setImmediate(() => {
          try {
            this.scanner.catchUp();
          } catch {
            // an unreadable database: the calls report it
          }
        });
      }
    } catch {
      // an unreadable database: the calls report it
    }
  }

  folders(): LibraryFolder[] {
    return this.store.folders().map((f) => ({ ...f, watching: f.watching && (this.watcher?.watching(f.id) ?? false) }));
  }

  async addFolder(raw: string, scan = true): Promise<LibraryFolder> {
    if (!isAbsolute(raw)) throw new StudioError('BAD_ARGS', `Expected an absolute path, got "${raw}".`);
    const path = resolve(raw);
    const st = await stat(path).catch((e: NodeJS.ErrnoException) => e);
    if (st instanceof Error) throw new StudioError(st.code === 'ENOENT' ? 'NOT_FOUND' : 'UNREADABLE', `"${path}" cannot be added: ${st.code === 'ENOENT' ? 'it does not exist' : st.message}.`);
    if (!st.isDirectory()) throw new StudioError('BAD_ARGS', `"${path}" is not a folder.`);
    const overlap = this.store.folders().find((f) => f.path !== path && isInside(path, f.path));
    if (overlap) throw new StudioError('BAD_ARGS', `"${path}" is already in the library, inside "${overlap.path}".`);
    // folders already in the library inside this one are merged into it (one entry, their analyses kept)
    const children = this.store.folders().filter((f) => f.path !== path && isInside(f.path, path));
    if (children.length && this.scanner.busy) this.scanner.control('cancel');
    const folder = this.store.addFolder(path, children.map((f) => f.id));
    this.watcher?.sync(this.store.folders());
    if (scan) this.scanner.start(folder.id);
    return this.folders().find((f) => f.id === folder.id) ?? folder;
  }

  /**
   * Resolves when the library is at rest: no change seen by the watcher is
   * waiting out its debounce, and no scan job is running or queued behind
   * another (a paused job counts as at rest). Returns the last job's state.
   * What tests and scripts await instead of sleeping until things look idle.
   */
  async idle(): Promise<ScanState> {
    for (;;) {
      if (this.watcher && !this.watcher.quiet) await this.watcher.whenQuiet();
      else if (this.scanner.busy && this.scanner.state().state !== 'paused') await this.scanner.whenIdle();
      else return this.scanner.state();
    }
  }

  removeFolder(folderId: string): null {
    // a scan running, or paused (in this engine or before it started), ends: its files may be the folder's
    if (this.scanner.busy || this.scanner.state().state === 'paused') this.scanner.control('cancel');
    const removed = this.store.removeFolder(folderId);
    this.watcher?.sync(this.store.folders());
    this.scanner.bumpChanged({ removed });
    return null;
  }

  scan(folderId?: string): ScanState {
    return this.scanner.start(folderId);
  }

  /** Rows of a page, with the stored tempo folded into the BPM range; the BPM filter and sort use the folded (shown) tempo too. */
  query(args: MethodArgs<'library:query'>, under?: string[]): MethodOutput<'library:query'> {
    const range = this.bpmRange();
    const page = this.store.query(args.filter, args.sort, args.offset, args.limit, under, range);
    // sections first: they fold by the factor of the stored bpm (trackTempoFactor), which inBpmRange then replaces by the shown one
    return { ...page, rows: this.inBpmRange(this.withSections(page.rows, range)) };
  }

  /** Every id library:query would page through for this filter and sort, in its order (select-all), with their count; the BPM filter and sort fold as query's do. */
  ids(args: MethodArgs<'library:ids'>, under?: string[]): MethodOutput<'library:ids'> {
    const ids = this.store.ids(args.filter, args.sort, under, this.bpmRange());
    return { total: ids.length, ids };
  }

  /**
   * Each row (its stored, unfolded bpm) with its tempo sections (folded into the BPM range by the factor that folds
   * its bpm: trackTempoFactor) and key sections, null for a steady track (issue 10 kind 4: the table's
   * marks, the export); the stored bpm and key stay the whole-track estimates.
   */
  private withSections(rows: LibraryTrack[], range: BpmRange | null): LibraryTrack[] {
    const ids = rows.map((r) => r.id);
    const tempo = this.store.tempoSections(ids);
    const key = this.store.keySections(ids);
    return rows.map((r) => {
      const v = tempo.get(r.id);
      return { ...r, tempoSections: v ? foldSections(v, range, r.bpm) : null, keySections: key.get(r.id) ?? null };
    });
  }

  /**
   * library:track-detail, the track's tempo, the tempo curve and the tempo sections folded into the BPM range by one
   * factor, that of the track's stored tempo (trackTempoFactor; the sections' median only for a track without one),
   * so the column, the curve and the sections agree (the beats stay as analysed)
   */
  detail(trackId: string): MethodOutput<'library:track-detail'> {
    const d = this.store.detail(trackId);
    const range = this.bpmRange();
    if (!range) return d;
    // storedBpm: the unfolded tempo, which a tagged tempo is compared with (detailTagged)
    return { ...d, track: this.inBpmRange([d.track])[0], storedBpm: d.track.bpm, tempoCurve: foldCurve(d.tempoCurve, d.track.bpm, range, d.tempoSections), tempoSections: d.tempoSections && foldSections(d.tempoSections, range, d.track.bpm) };
  }

  /** library:track-summary: the row and why it has no tempo or key, the tempo folded into the BPM range as detail()'s */
  summary(trackId: string): MethodOutput<'library:track-summary'> {
    const s = this.store.summary(trackId);
    // storedBpm: the unfolded tempo, which the track view's header names beside a folded one (dj33)
    return this.bpmRange() ? { ...s, track: this.inBpmRange([s.track])[0], storedBpm: s.track.bpm } : s;
  }

  /** The BPM range setting (null: tempos as analysed). A stored value that no longer parses counts as unset. */
  bpmRange(): BpmRange | null {
    const raw = getSetting(this.ctx.db, BPM_RANGE_KEY);
    if (raw === undefined) return null;
    try {
      const r = BpmRange.safeParse(JSON.parse(raw));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  }

  /** @throws SqliteError when the database cannot be written */
  setBpmRange(range: BpmRange | null): BpmRange | null {
    setSetting(this.ctx.db, BPM_RANGE_KEY, range ? JSON.stringify(range) : null);
    this.scanner.tellChanged();
    return this.bpmRange();
  }

  private inBpmRange(rows: LibraryTrack[]): LibraryTrack[] {
    const range = this.bpmRange();
    if (!range) return rows;
    return rows.map((r) => {
      const bpm = r.bpm === null ? null : foldBpm(r.bpm, range);
      return bpm === r.bpm ? r : { ...r, bpm, analysedBpm: r.bpm! };
    });
  }

  /**
   * library:write-tags: the track's BPM (as shown: folded into the BPM range,
   * see bpmRange) and key (in `notation`) written into its file's tags
   * (tag-write.ts), then the tags read again into the library row — no
   * analysis is run. `want`: which values (default both). A value asked for
   * and not written — none found, uncertain (below MIN_CONFIDENCE), or a tempo
   * or key that changes within the track — is null, with the reason in
   * `notWritten`. The file's own tag of such a value (another tool's) is kept
   * and named in `kept` (with whether it disagrees with our uncertain guess);
   * `opts.clearConflicting` removes the ones that disagree (`cleared`).
   * Whether it writes is decided as tagPlan decides it (tagDecision, then settleTags).
   * @throws StudioError NOT_FOUND (unknown track or file gone), BAD_ARGS (not
   *   analysed, or nothing to write: the message names each reason), UNSUPPORTED (a container without such
   *   tags: video, WMA, Matroska…), FILE_CHANGED, READ_ONLY, UNREADABLE, INTERNAL
   */
  async writeTags(trackId: string, notation: KeyNotation, want: { bpm?: boolean; key?: boolean } = {}, opts: { clearConflicting?: boolean } = {}): Promise<MethodOutput<'library:write-tags'>> {
    const t = this.store.track(trackId);
    const row = this.store.tracks.byId(trackId)!;
    const range = this.bpmRange();
    const d = tagDecision(t, row.probe_json, notation, want, range, {
      tempo: want.bpm === false || t.bpm === null ? undefined : this.store.tempoSections([trackId]).get(trackId),
      key: want.key === false || t.key === null ? undefined : this.store.keySections([trackId]).get(trackId),
    });
    if ('refused' in d) throw d.refused;
    const { probe, target, bpm, key } = d;
    // the file's own tags are read where one of ours is not written (kept or cleared: settleTags) and where one is (dj36:
    // another program's value it replaces is named, never overwritten silently)
    const own = d.readsOwn || bpm !== null || key !== null ? await readBpmKey(t.path, target.format).catch(() => ({ bpm: null, key: null })) : { bpm: null, key: null };
    const s = settleTags(t, d, own, range, !!opts.clearConflicting);
    const replaced = replacedTags(own, { bpm, key }, t.key);
    if (s.refused) throw s.refused;
    const { notWritten } = d;
    const { clear, kept, cleared } = s;
    // whether the file's file system keeps inode numbers (walk.ts fileIdentity, asked before the write: onReplaced is
    // synchronous): the new file's identity is recorded with its size and mtime, else none
    const was = await stat(t.path).catch(() => null);
    const keepsInodes = was ? (await fileIdentity(t.path, was, new Map())) !== undefined : false;
    const resume = this.holdWatch(trackId);
    try {
      const record = (file: { size: number; mtimeMs: number; dev?: number; ino?: number }, tags: ProbeResult['tags']) =>
        this.store.write(() =>
          this.store.tracks.setRetagged(trackId, {
            size: file.size, mtimeMs: file.mtimeMs, probeJson: JSON.stringify({ ...probe, sizeBytes: file.size, tags }),
            title: tags.title ?? null, artist: tags.artist ?? null, album: tags.album ?? null, genre: tags.genre?.join(', ') ?? null, year: tags.year ?? null,
            ...(file.dev !== undefined && file.ino !== undefined ? { fileId: keepsInodes ? fileIdOf({ dev: file.dev, ino: file.ino }) : null } : {}),
          }),
        );
      // the new size and mtime are recorded the moment the file is replaced (the watcher must not take it for an outside edit)
      const done = await writeTagsSafely({ path: t.path, stored: { size: row.size, mtimeMs: row.mtime_ms }, target, bpm, key, clear, onReplaced: (file) => record(file, probe.tags) });
      // then the tags read again, as a scan reads them (the audio is unchanged: no analysis); where that probe fails
      // (ffmpeg failing, the file moved away at once) the tempo and key tags alone (music-metadata, no ffmpeg), so the
      // row does not keep the old ones beside the new size and mtime (which the next scan takes for unchanged)
      const fresh = await probeFile(t.path).catch(() => null);
      if (fresh) record(done, fresh.tags);
      else {
        const tempoKey = await readTempoKeyTags(t.path).catch(() => null);
        if (!tempoKey || !this.store.setTempoKeyTags(trackId, tempoKey, row.lib_versions ?? '', done)) this.store.retagNextScan(trackId);
      }
      this.scanner.bumpChanged({ updated: 1 });
      const back = await readBpmKey(t.path, target.format).catch(() => ({ bpm: null, key: null }) as Awaited<ReturnType<typeof readBpmKey>>);
      const readBack = { bpm: back.bpm, key: back.key };
      const foreign = back.foreign ? { ...back.foreign, text: foreignText(back.foreign, target.format).trim() } : undefined;
      return { trackId, path: t.path, format: done.format, bpm: done.bpm, key: done.key, readBack, sizeBytes: done.size, mtimeMs: done.mtimeMs, notWritten, kept, cleared, replaced, ...(foreign ? { foreign } : {}) };
    } finally {
      resume();
    }
  }

  /**
   * library:tag-plan: which of `trackIds` a library:write-tags with these options (`want`: which values, default both;
   * `opts.clearConflicting`) would write and which it would refuse, with the refusal's message — decided by the code
   * writeTags decides with (tagDecision, settleTags), nothing written. Not analysed, a container whose tags are not
   * written, an unknown id, no value sure enough, a tempo or key that changes: refused. The file's own tags are read
   * only for a track with nothing of ours to write (whether it is written then depends on clearConflicting and them;
   * the refusal names them, as writeTags' does). What a write finds only at the file (changed since its analysis,
   * read-only, gone) is not foreseen. One call for the whole selection: rows and sections read from the database, the
   * own tags read 8 files at a time — only where the scan found a BPM or key tag, or the file changed since (size,
   * mtime: one stat), else they are none (scanFoundNoTempoKeyTag). test/bench/tag-plan.ts, 2 shared cores: 10,000
   * tracks with nothing of ours to write, no such tag, 0.8–1.1 s (6.7 s when each was read); 10,000 writable 0.55–1 s.
   * `writable` and `refused` keep the order of `trackIds` (a repeated id counts once); `partial` names each writable
   * track's value asked for that would not be written, with why (tagDecision's notWritten). A file whose layout the
   * write refuses before any copy (tag-write.ts layoutRefusal: RF64, an unpadded WAV chunk, AIFF-C, QuickTime keys or
   * fragments in an M4A, a chained or cut-short Ogg) is refused with the write's message and `layout: true` (tags39);
   * only WAV, AIFF, M4A and Ogg files are read for it, their headers only.
   * @throws SqliteError when the database cannot be read
   */
  async tagPlan(trackIds: readonly string[], want: { bpm?: boolean; key?: boolean } = {}, opts: { clearConflicting?: boolean } = {}): Promise<MethodOutput<'library:tag-plan'>> {
    const ids = [...new Set(trackIds)];
    const range = this.bpmRange();
    const tempo = want.bpm === false ? new Map<string, TempoSection[]>() : this.store.tempoSections(ids);
    const keys = want.key === false ? new Map<string, KeySection[]>() : this.store.keySections(ids);
    // each track's verdict, in the order of `ids`: decided now, or once its file's own tags are read (below)
    /** the tracks whose file's layout the write checks before any copy (tag-write.ts layoutRefusal): checked here too */
    const atFile: { trackId: string; path: string; fileName: string; target: TagDecision['target'] }[] = [];
    const verdicts: ({ trackId: string; refused?: { fileName: string; reason: string }; notWritten?: TagDecision['notWritten']; fileName?: string; replaced?: { bpm: string | null; key: string | null }; removes?: { bpm: string | null; key: string | null }; ownNotation?: KeyNotation } | { trackId: string; t: LibraryTrack; d: TagDecision; file: { size: number; mtimeMs: number; noTempoKeyTag: boolean } })[] = [];
    for (const trackId of ids) {
      let t: LibraryTrack;
      try {
        t = this.store.track(trackId);
      } catch (err) {
        if (!(err instanceof StudioError)) throw err;
        verdicts.push({ trackId, refused: { fileName: '', reason: err.message } });
        continue;
      }
      const row = this.store.tracks.byId(trackId)!;
      const d = tagDecision(t, row.probe_json, 'standard', want, range, { tempo: t.bpm === null ? undefined : tempo.get(trackId), key: t.key === null ? undefined : keys.get(trackId) });
      if ('refused' in d) {
        verdicts.push({ trackId, refused: { fileName: t.fileName, reason: d.refused.message } });
        continue;
      }
      if (LAYOUT_CHECKED.has(d.target.mime)) atFile.push({ trackId, path: t.path, fileName: t.fileName, target: d.target });
      // a value of ours is written: settleTags cannot refuse it, whatever the file's own tags say
      if (d.bpm !== null || d.key !== null) {
        // what it would replace, from the tags the scan read (the file's own format first, as tempoKeyTags ranks them)
        const tags = d.probe.tags;
        const stored = { bpm: tags?.bpm === undefined ? null : String(tags.bpm), key: tags?.keyText ?? null };
        const replaced = replacedTags(stored, { bpm: d.bpm, key: d.key }, t.key);
        // the file's own tag of a value not written that clearConflicting removes, foreseen from the same stored tags
        const removes = opts.clearConflicting && d.readsOwn ? settleTags(t, d, stored, range, true).cleared : null;
        const ownNotation = d.key !== null && tags?.keyText ? keyNotationOf(tags.keyText) : null;
        verdicts.push({ trackId, notWritten: d.notWritten, fileName: t.fileName, ...(replaced.bpm || replaced.key ? { replaced } : {}), ...(removes && (removes.bpm || removes.key) ? { removes } : {}), ...(ownNotation ? { ownNotation } : {}) });
      }
      else verdicts.push({ trackId, t, d, file: { size: row.size, mtimeMs: row.mtime_ms, noTempoKeyTag: scanFoundNoTempoKeyTag(d.probe, row.lib_versions ?? null) } });
    }
    // the files' own tags, 8 files at a time (music-metadata reads the tag blocks only: ~0.6 ms a file). A file the scan
    // found no BPM or key tag in, unchanged since (same size and mtime: the library's own test of a changed file), has
    // none: its read would find nulls (tags34: 10,000 such tracks read 6.7 s; one stat each instead, BENCHMARKS.md)
    const toRead = verdicts.filter((v): v is Extract<(typeof verdicts)[number], { d: TagDecision }> => 'd' in v);
    const settled = new Map<string, { fileName: string; reason: string } | undefined>();
    /** the file's own tags settleTags removes (clearConflicting: they disagree with our uncertain value), by track */
    const removed = new Map<string, { bpm: string | null; key: string | null }>();
    const none = { bpm: null, key: null };
    await mapLimited(toRead, 8, async ({ trackId, t, d, file }) => {
      const unchanged = async () => {
        const st = await stat(t.path).catch(() => null);
        return !!st && st.size === file.size && st.mtimeMs === file.mtimeMs;
      };
      const own = !d.readsOwn || (file.noTempoKeyTag && (await unchanged())) ? none : await readBpmKey(t.path, d.target.format).catch(() => none);
      const s = settleTags(t, d, own, range, !!opts.clearConflicting);
      settled.set(trackId, s.refused ? { fileName: t.fileName, reason: s.refused.message } : undefined);
      if (!s.refused && (s.cleared.bpm || s.cleared.key)) removed.set(trackId, s.cleared);
    });
    // tags39: the layouts the write refuses before any copy (RF64, an unpadded WAV chunk, AIFF-C, QuickTime keys or
    // fragments in an M4A, a chained or cut-short Ogg), checked as the write checks them, 8 files at a time — the plan
    // listed such a file as written and the write then refused it. Headers only (test/bench/tag-plan-layout.ts); MP3 and
    // FLAC are not read. A track refused already (nothing to write) is not.
    const layout = new Map<string, { fileName: string; reason: string }>();
    await mapLimited(atFile.filter((f) => !settled.get(f.trackId)), 8, async (f) => {
      const no = await layoutRefusal(f.path, f.target, f.fileName);
      if (no) layout.set(f.trackId, { fileName: f.fileName, reason: no.message });
    });
    const writable: string[] = [];
    const refused: MethodOutput<'library:tag-plan'>['refused'] = [];
    const partial: NonNullable<MethodOutput<'library:tag-plan'>['partial']> = [];
    const replaces: NonNullable<MethodOutput<'library:tag-plan'>['replaces']> = [];
    const keyNotations: NonNullable<MethodOutput<'library:tag-plan'>['keyNotations']> = {};
    for (const v of verdicts) {
      const atLayout = layout.get(v.trackId);
      const no = ('d' in v ? settled.get(v.trackId) : v.refused) ?? atLayout;
      if (no) refused.push({ trackId: v.trackId, ...no, ...(no === atLayout ? { layout: true as const } : {}) });
      else writable.push(v.trackId);
      if (!no && 'replaced' in v && v.replaced) replaces.push({ trackId: v.trackId, fileName: v.fileName ?? '', replaced: v.replaced });
      if (!no && 'ownNotation' in v && v.ownNotation) keyNotations[v.ownNotation] = (keyNotations[v.ownNotation] ?? 0) + 1;
      // a value asked for that the write would leave out (the plan said "BPM and key" of a file it wrote the BPM of)
      const left = no ? undefined : 'd' in v ? v.d.notWritten : v.notWritten;
      const removes = 'd' in v ? removed.get(v.trackId) : v.removes;
      if (left && (left.bpm || left.key)) partial.push({ trackId: v.trackId, fileName: ('d' in v ? v.t.fileName : v.fileName) ?? '', notWritten: left, ...(!no && removes ? { removes } : {}) });
    }
    return { writable, refused, partial, replaces, keyNotations };
  }

  /**
   * `under` (query too): only rows stored below these folder prefixes (web mode's roots, fs/roots.ts Roots.prefixes); all
   * when absent. `sort`: the rows in the table's order (library:query's; a crate's own with filter.crateId), by path without
   */
  async export(format: 'csv' | 'json' | 'rekordbox', trackIds?: string[], filter?: LibraryFilter, under?: string[], sort?: { column: string; dir: 'asc' | 'desc' }, call?: Pick<CallContext, 'signal' | 'progress'>): Promise<MethodOutput<'library:export'>> {
    const range = this.bpmRange();
    // the rows' ids in order, then the rows a page at a time as the loop reaches them (cliui37: the rows of 30,000 tracks
    // read in one piece before any was written took most of the export's time, with no progress and no Cancel): each
    // row with its tempo sections (folded into the BPM range as its bpm is) and key sections, null for a steady track,
    // the folded tempo in `bpm` and the analysed one beside it (exportRows)
    const listed = this.store.idsFor(filter, trackIds, under, range, sort);
    const tagged = this.store.tracks.libTagged();
    const read = (ids: readonly string[]) => exportRows(this.withSections(this.store.rowsOf(ids), range), range, tagged);
    // named after the crate shown ("Warm-up-2026-12-03.csv"), else library-DATE
    const suffix = `-${new Date().toISOString().slice(0, 10)}.${format === 'rekordbox' ? 'xml' : format}`;
    const crates = new CratesRepo(this.ctx.db);
    const crate = filter?.crateId ? crates.byId(filter.crateId) : undefined;
    const fileName = crate ? crateFileName(crate.name, suffix) : `library${suffix}`;
    // every format goes through exportEach, row by row: "n of m tracks" and Cancel for a CSV or JSON of 30,000 rows too
    // (cliui37: they were made in one synchronous piece, 1.8 s with neither); a row gone since the ids were read is left out
    const written = <T>(xs: (T | null)[]) => xs.filter((x): x is T => x !== null);
    if (format === 'json' || format === 'csv') {
      const item = format === 'json' ? jsonItem : csvLine;
      const rowAt = pagedRows(listed.map((l) => l.id), read);
      const parts = written(await exportEach(listed, 1, (_, i) => {
        const r = rowAt(i);
        return r ? item(r) : null;
      }, call));
      return format === 'json'
        ? { fileName, mime: 'application/json', content: parts.length ? `[\n${parts.join(',\n')}\n]` : '[]', count: parts.length }
        : { fileName, mime: 'text/csv', content: csvOf(parts), count: parts.length };
    }
    // rekordbox: the crate shown, whole, is the one playlist; the whole library (no filter, no selection) takes every crate
    // along; a selection or a filter (in a crate too: the app names the crate of selected rows for its order) none — a
    // playlist of the crate's name would hold only some of its tracks
    const shown = listed.filter((l) => !l.failed).map((l) => l.id);
    const wholeCrate = !!crate && !trackIds && Object.entries(filter!).every(([k, v]) => k === 'crateId' || v === undefined || v === '');
    const lists = wholeCrate ? [crate] : !filter && !trackIds ? crates.all(under) : [];
    // each track with a meter reads its cached waveform (~10–40 ms for 5 minutes): 4 at a time
    const marks = new TrackMarksRepo(this.ctx.db);
    const rowAt = pagedRows(shown, read);
    const done = await exportEach(shown, 4, async (id, i) => {
      const r = rowAt(i);
      return r ? { id, track: await this.rekordboxTrack(r, marks) } : null;
    }, call);
    const tracks = written(done);
    const index = new Map(tracks.map((t, i) => [t.id, i]));
    const playlists = lists.map((c) => ({ name: c.name, tracks: crates.order(c.id).flatMap((id) => (index.has(id) ? [index.get(id)!] : [])) }));
    const content = rekordboxXml(tracks.map((t) => t.track), playlists, { name: 'Resonance Studio', version: this.ctx.version, company: 'Resonance Studio' });
    return { fileName, mime: 'application/xml', content, count: tracks.length };
  }

  /**
   * One row of a rekordbox export (rekordbox-xml.ts): its sure tempo with the beat grid from the stored tempo result's
   * beats (the downbeat the scan stored with them, TempoResult.downbeat; for a row scanned before it was stored, from the
   * waveform the scan cached — JSON, ~0.2 MB per 30 s; the first beat where neither is there; no grid for a tempo that
   * changes), its sure key, hot cues, named regions and loop. Nothing is analysed or decoded; an MP3 with times to write has its first frame read (rekordboxShiftSec).
   */
  private async rekordboxTrack(r: ExportRow, marksRepo: TrackMarksRepo): Promise<RekordboxTrack> {
    const tempo = r.bpmUncertain || r.bpm === null ? undefined : (this.store.storedResults(r.id).tempo as TempoResult | undefined);
    let grid: RekordboxTempo[] = [];
    // a tempo that changes: no grid (the beats keep the whole-track tempo; rekordbox's own dynamic analysis can make one)
    const changes = !!tempo?.variable?.length;
    if (tempo?.bpm && r.bpm !== null && tempo.beats.length >= 2 && !changes) {
      let downbeat: number | null = tempo.downbeat ?? null;
      if (tempo.beatsPerBar && downbeat === null) {
        const wave = await fingerprint(r.path).then((fp) => readCachedAnalysis(this.ctx.cacheDir, fp)).catch(() => null);
        if (wave?.peaks.bands) downbeat = peaksDownbeat(tempo.beats, tempo.beatsPerBar, wave.peaks);
      }
      grid = rekordboxGrid(tempo.beats, tempo.bpm, r.bpm, tempo.beatsPerBar, downbeat);
    }
    const marks = marksRepo.list(r.id);
    const cues = marks.flatMap((m) => (m.kind === 'cue' && m.slot !== null ? [{ slot: m.slot, timeSec: m.start_sec }] : []));
    const regions = marks.flatMap((m) => (m.kind === 'region' && m.name !== null && m.end_sec !== null ? [{ name: m.name, startSec: m.start_sec, endSec: m.end_sec }] : []));
    const loopRow = marks.find((m) => m.kind === 'loop' && m.end_sec !== null);
    // an MP3's first frame (its LAME tag), read where there is a time to write: rekordbox's timeline may run later
    const timed = grid.length || cues.length || regions.length || loopRow;
    const shiftSec = timed && /\.mp3$/i.test(r.path) ? rekordboxShiftSec({ path: r.path, timingCase: await mp3TimingCaseOf(r.path) }) : 0;
    return {
      path: r.path, title: r.title, artist: r.artist, album: r.album, genre: r.genre, year: r.year, durationSec: r.durationSec, sizeBytes: r.sizeBytes,
      bitrateKbps: r.bitrateKbps, sampleRate: r.sampleRate, bpm: r.bpmUncertain ? null : r.bpm, grid,
      // a key that changes: none (one Tonality is wrong for part of the track, as Write tags refuses it; rekordbox analyses it)
      key: r.keyUncertain || r.keySections?.length ? null : r.key,
      cues, regions, loop: loopRow ? { startSec: loopRow.start_sec, endSec: loopRow.end_sec! } : null, shiftSec,
    };
  }

  close(): void {
    this.watcher?.close();
  }
}

/**
 * A row of the library export: the library row and, for a track whose tempo
 * or key changes, its sections (TrackDetail.tempoSections / keySections; null
 * for a steady track). `bpm` and `key` stay the whole-track estimates.
 */
export type ExportRow = LibraryTrack & {
  tempoSections?: TempoSection[] | null;
  /**
   * the whole-track tempo (BPM) as the analysis stored it; `bpm` is it folded into the BPM range (foldBpm), so where
   * the two differ the export says the tempo was doubled or halved. Null with no tempo; the CSV's last column
   */
  analysedBpm?: number | null;
  /**
   * what the file's own tags state (another program's: a DJ tagger's TBPM/TKEY, BPM/INITIALKEY, tmpo; the library
   * detail's "Tagged:" line): the tempo as a number, the key as the tag's text as written ("8A", "1m", "F minor"); null
   * where the tags state none. The CSV's columns after analysedBpm
   */
  taggedBpm?: number | null;
  taggedKey?: string | null;
  /**
   * the tempo / key is uncertain (calibrated confidence under MIN_CONFIDENCE: the table's "uncertain", `certainty` of
   * @contract; false with none found): the JSON keeps the value beside the flag, the CSV writes `bpm` / `key`,
   * `camelot`, `openKey` empty and keeps the number in `analysedBpm`, the stored key in `analysedKey`
   */
  bpmUncertain?: boolean;
  keyUncertain?: boolean;
};

/** a CSV column: a field of the row, or `analysedKey` (the stored key, written even where `key` is left empty) */
export type CsvColumn = keyof ExportRow | 'analysedKey';

/**
 * The export's rows from the library's (stored, unfolded `bpm`): `bpm` folded into `range` as the table shows it
 * (null range: as analysed), `analysedBpm` the stored tempo, `taggedBpm`/`taggedKey` from `tagged` (TracksRepo.libTagged). Pure.
 */
export function exportRows(rows: LibraryTrack[], range: BpmRange | null, tagged: ReadonlyMap<string, { bpm: number | null; keyText: string | null }> = new Map()): ExportRow[] {
  return rows.map((r) => ({
    ...r, bpm: foldBpm(r.bpm, range), analysedBpm: r.bpm, taggedBpm: tagged.get(r.id)?.bpm ?? null, taggedKey: tagged.get(r.id)?.keyText ?? null,
    bpmUncertain: certainty(r.bpm, r.bpmConfidence) === 'uncertain', keyUncertain: certainty(r.key, r.keyConfidence) === 'uncertain',
  }));
}

/**
 * `tempoSections` is written as "0:00–0:30 90 BPM | 0:30–1:00 130 BPM" (tempoSectionText), `keySections` as
 * "0:00–0:32 C major | 0:32–1:04 G major" (keySectionText); empty for a steady track. `bpm` is empty where the tempo
 * is uncertain, `key`, `camelot`, `openKey` where the key is (as the table shows "uncertain" and tag write refuses to
 * write it); `analysedBpm` and `analysedKey` keep the values, the confidence columns say why. `folder`: the folder
 * below the library folder (the table's Folder column, LibraryTrack.folder).
 */
export const CSV_COLUMNS: CsvColumn[] = [
  'path', 'fileName', 'status', 'error', 'title', 'artist', 'album', 'genre', 'year', 'durationSec', 'sampleRate', 'channels', 'codec', 'bitrateKbps',
  'sizeBytes', 'bpm', 'bpmConfidence', 'tempoSections', 'key', 'keyConfidence', 'camelot', 'openKey', 'keySections', 'lufs', 'loudnessRange', 'truePeak', 'features', 'analysedAt', 'id', 'folderId', 'warnings',
  // added at the end, so a sheet or script that reads the columns by position reads what it did
  'analysedBpm', 'taggedBpm', 'taggedKey', 'analysedKey', 'folder',
];

/** the CSV columns left empty where the tempo (`bpm`) or the key is uncertain (ExportRow.bpmUncertain / keyUncertain) */
const UNCERTAIN_BLANK: Partial<Record<CsvColumn, 'bpmUncertain' | 'keyUncertain'>> = { bpm: 'bpmUncertain', key: 'keyUncertain', camelot: 'keyUncertain', openKey: 'keyUncertain' };

/**
 * RFC 4180: CRLF line ends; a field with a comma, quote, CR or LF is quoted, quotes doubled. Text (tags, file
 * names: whatever a downloaded file brings) that starts with = + - @, a tab or a CR gets a leading ' so that Excel
 * and LibreOffice show it instead of running it as a formula (OWASP "CSV injection": a title
 * `=HYPERLINK("http://…")` became a live link, `-2+3` showed 1). What a spreadsheet reads as a number is not a
 * formula and is written as it is: numbers (-9.5 LUFS) and text that is a plain number ("-12", "+44", "-1.5e3").
 * `column`: the studio's own ids (`id`, `folderId`: random base64url, so "-" can lead but no operator or bracket
 * follows) are written as they are, so the CSV and the JSON export name a row alike.
 */
export function csvField(v: unknown, column?: CsvColumn): string {
  if (v === null || v === undefined) return '';
  let s = Array.isArray(v) ? v.join(' | ') : String(v);
  if (typeof v !== 'number' && !ID_COLUMNS.has(column as string) && /^[=+\-@\t\r]/.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** columns that hold ids the studio made (newLibId: base64url), never text from a file */
const ID_COLUMNS: ReadonlySet<string> = new Set<CsvColumn>(['id', 'folderId']);
/** a decimal number as a spreadsheet reads it: sign, digits, optional fraction and exponent ("-12", "+0.5", "-1e3") */
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The library as CSV: a UTF-8 byte order mark first (Excel reads the file as
 * UTF-8 only with one; accents are garbled otherwise), `analysedAt` as an ISO
 * 8601 UTC time ("2026-01-02T03:04:05.678Z"), RFC 4180 fields.
 */
export function toCsv(rows: ExportRow[]): string {
  return csvOf(rows.map(csvLine));
}

/** The CSV file of `lines` (csvLine's, in order): the byte order mark, the CSV_COLUMNS header, CRLF after each line. Pure. */
function csvOf(lines: readonly string[]): string {
  return '\ufeff' + [CSV_COLUMNS.join(','), ...lines].join('\r\n') + '\r\n';
}

/** One row's line of the CSV (toCsv), without its line end. Pure. */
export function csvLine(r: ExportRow): string {
  const cell = (c: CsvColumn) => {
    const unsure = UNCERTAIN_BLANK[c];
    if (unsure && r[unsure]) return null;
    if (c === 'analysedKey') return r.key;
    return c === 'analysedAt' && r.analysedAt !== null ? new Date(r.analysedAt).toISOString() : c === 'tempoSections' ? r.tempoSections?.map(tempoSectionText) : c === 'keySections' ? r.keySections?.map((k) => keySectionText(k)) : r[c];
  };
  return CSV_COLUMNS.map((c) => csvField(cell(c), c)).join(',');
}

/**
 * One row of the JSON export as it stands in `JSON.stringify(rows, null, 1)`: its object one space in, without the
 * comma between rows (a JSON string holds no raw line end, so every line of it is indented). Pure.
 */
export function jsonItem(r: ExportRow): string {
  return ' ' + JSON.stringify(r, null, 1).replace(/\n/g, '\n ');
}

/** rows read at once by pagedRows: ~25–100 ms of the database on the shared 2-core box (30,000 rows: 2.5–3 s at load 18) */
const EXPORT_PAGE = 250;

/**
 * The row of `ids[i]`, read with `read` a page of EXPORT_PAGE ids at a time as `i` reaches it (the export's loop takes
 * the rows in order, a few at once: the page in hand and the one before are kept); null for an id `read` found no row of
 * (removed since the ids were read).
 */
export function pagedRows<T extends { id: string }>(ids: readonly string[], read: (page: readonly string[]) => T[]): (i: number) => T | null {
  const pages = new Map<number, Map<string, T>>();
  return (i) => {
    const p = Math.floor(i / EXPORT_PAGE);
    let page = pages.get(p);
    if (!page) {
      page = new Map(read(ids.slice(p * EXPORT_PAGE, (p + 1) * EXPORT_PAGE)).map((r) => [r.id, r]));
      pages.set(p, page);
      for (const k of pages.keys()) if (k < p - 1) pages.delete(k);
    }
    return page.get(ids[i]) ?? null;
  };
}

/**
 * The one loop of every library export (CSV, JSON, rekordbox XML): `each` of `rows`, `limit` at a time, results in
 * `rows`' order. With `call` it reports "n of m tracks" (`stage` 'export', `fraction` 0–1) after the first row and then
 * at most every 100 ms, lets the event loop through every 10 ms of work (a Cancel arrives as a message), and, once
 * `call.signal` is aborted, starts no other row: it settles only when no row is in hand, so its answer is the job's end.
 * @throws StudioError CANCELLED "Stopped after N of M tracks: nothing was written." (N: the rows done, as the engine
 *   counted them when the last one in hand ended); the first error an `each` threw, once the others in hand ended
 */
export async function exportEach<R, T>(rows: readonly R[], limit: number, each: (r: R, i: number) => T | Promise<T>, call?: Pick<CallContext, 'signal' | 'progress'>): Promise<T[]> {
  const out = new Array<T>(rows.length);
  // (a handler called without a host's context — a unit test's `{}` — has neither)
  const signal = call?.signal as AbortSignal | undefined;
  const progress = typeof call?.progress === 'function' ? call.progress : undefined;
  const of = (k: number) => `${k.toLocaleString('en')} of ${rows.length.toLocaleString('en')} tracks`;
  let next = 0;
  let done = 0;
  let said = 0;
  let ran = Date.now();
  let failed: { err: unknown } | null = null;
  const worker = async () => {
    while (next < rows.length && !failed && !signal?.aborted) {
      const i = next++;
      try {
        out[i] = await each(rows[i], i);
      } catch (err) {
        failed ??= { err };
        return;
      }
      done++;
      // rows that take no I/O (a CSV line, a track without a cached waveform to read) run back to back: the loop is
      // let through now and then, so a Cancel lands
      if (Date.now() - ran >= 10) {
        await new Promise((res) => setImmediate(res));
        ran = Date.now();
      }
      if (progress && !signal?.aborted && Date.now() - said > 100) {
        said = Date.now();
        progress({ stage: 'export', fraction: done / rows.length, message: of(done) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, rows.length) }, worker));
  if (failed) throw (failed as { err: unknown }).err;
  // the count the engine stopped at, in its answer (rpc.ts keeps a handler's own CANCELLED): what the app's toast and
  // the e2e test read to know the job ended at Cancel, not after the last row
  if (signal?.aborted) throw new StudioError('CANCELLED', `Stopped after ${of(done)}: nothing was written.`);
  return out;
}

/**
 * Whether the file's own BPM / key tag (`own`: as stored, readBpmKey) disagrees with our guess, by the rule the track
 * detail uses (detailTagged): a BPM tag where tempoAgreement calls it 'different' from both the tempo the analysis
 * stored (`ours.bpm`) and the one shown, folded into the BPM range (`ours.shownBpm`) — a tag within 4 % agrees, and one
 * at double or half the tempo is its octave ("half"/"double"), not another tempo; a key tag where it reads as a key
 * (parseTaggedKey: "8A", "Am", "8A/Am") other than ours (another tonic or mode — the detail notes every one, the
 * relative key included). A tag that does not read (not a number, not a key), or no guess of ours, is no
 * disagreement. Pure.
 */
export function ownTagDisagrees(own: { bpm: string | null; key: string | null }, ours: { bpm: number | null; shownBpm: number | null; key: string | null }): { bpm: boolean; key: boolean } {
  const tag = own.bpm === null ? NaN : parseFloat(own.bpm.replace(',', '.'));
  const against = [ours.bpm, ours.shownBpm].filter((b): b is number => b !== null && b > 0);
  const ownKey = own.key === null ? null : parseTaggedKey(own.key);
  const ourKey = ours.key === null ? null : parseKey(ours.key);
  return {
    bpm: Number.isFinite(tag) && tag > 0 && against.length > 0 && against.every((b) => tempoAgreement(tag, b) === 'different'),
    key: ownKey !== null && ourKey !== null && (ownKey.tonic !== ourKey.tonic || ownKey.mode !== ourKey.mode),
  };
}

/**
 * The file's own BPM / key tags (`own`: as stored, readBpmKey of the family written) that a write of `written` (the
 * values as written: BPM tag text, the key in its notation; null: not written) replaces with another tempo or key: a
 * BPM tag whose number is not the one written once rounded as it is written (a whole number: "120.00" and "119.7" state
 * 120; "96", "240" and a text that is no number do not), a key tag that reads (parseTaggedKey) as another key than
 * `ourKey` (the analysed key, "C major") or reads as none ("Energy 6"). Null where no tag, nothing written, or the
 * tag states the value written — in any notation ("8B" beside a written "C"). Pure (dj36).
 */
export function replacedTags(own: { bpm: string | null; key: string | null }, written: { bpm: string | null; key: string | null }, ourKey: string | null): { bpm: string | null; key: string | null } {
  const tag = own.bpm === null ? NaN : parseFloat(own.bpm.replace(',', '.'));
  const ours = written.bpm === null ? NaN : parseFloat(written.bpm);
  const ownKey = own.key === null ? null : parseTaggedKey(own.key);
  const analysed = ourKey === null ? null : parseKey(ourKey);
  return {
    bpm: own.bpm !== null && written.bpm !== null && !(Number.isFinite(tag) && Math.round(tag) === Math.round(ours)) ? own.bpm : null,
    key: own.key !== null && written.key !== null && (ownKey === null || analysed === null || ownKey.tonic !== analysed.tonic || ownKey.mode !== analysed.mode) ? own.key : null,
  };
}

/**
 * Whether the file's own BPM / key tag (another tool's, as written) names the value we found — a tempo within
 * TAG_TEMPO_TOLERANCE of ours as stored or shown, or of its double or half (tempoAgreement); the same key — the other
 * side of ownTagDisagrees: false where the tag or ours is missing, or the tag is no number or key ("Energy 6"). Pure.
 */
export function ownTagAgrees(own: { bpm: string | null; key: string | null }, ours: { bpm: number | null; shownBpm: number | null; key: string | null }): { bpm: boolean; key: boolean } {
  const tag = own.bpm === null ? NaN : parseFloat(own.bpm.replace(',', '.'));
  const against = [ours.bpm, ours.shownBpm].filter((b): b is number => b !== null && b > 0);
  const ownKey = own.key === null ? null : parseTaggedKey(own.key);
  const ourKey = ours.key === null ? null : parseKey(ours.key);
  return {
    bpm: Number.isFinite(tag) && tag > 0 && against.some((b) => tempoAgreement(tag, b) !== 'different'),
    key: ownKey !== null && ourKey !== null && ownKey.tonic === ourKey.tonic && ownKey.mode === ourKey.mode,
  };
}

/**
 * The sentence naming another tag format's BPM / key in the file (readBpmKey's `foreign`: an ID3v2 tag prepended to a
 * FLAC, an APEv2 tag in an MP3), which a write neither reads, changes nor removes; '' when none.
 */
export function foreignText(foreign: { bpm: string | null; key: string | null; source: string } | undefined, format: 'id3v2' | 'vorbis' | 'mp4'): string {
  if (!foreign) return '';
  const own = format === 'vorbis' ? 'Vorbis comment' : format === 'mp4' ? 'MP4 (iTunes) atoms' : 'ID3v2 tag';
  const what = [foreign.bpm !== null ? `BPM "${foreign.bpm}"` : null, foreign.key !== null ? `key "${foreign.key}"` : null].filter((x) => x !== null).join(' and ');
  return ` The file also has a stale ${foreign.source} tag with ${what}, which players of this format ignore; the studio reads and writes the file's own ${own} only, and left that tag as it was (remove it with a tag editor).`;
}

/**
 * The file's own tags kept where ours was not written, as a sentence added to the refusal of a file with nothing to
 * write (" Kept the file's existing BPM tag "128", which disagrees with our uncertain 64."), '' when none.
 * `ours`: our best guesses (BPM as shown, key as analysed), null where none.
 */
export function keptText(kept: { bpm: string | null; key: string | null; conflicts: { bpm: boolean; key: boolean }; agrees?: { bpm: boolean; key: boolean } }, ours: { bpm: number | null; key: string | null }): string {
  const one = (what: string, value: string | null, conflict: boolean, agrees: boolean, guess: string | number | null) =>
    value === null ? null : `${what} tag "${value}"${guess === null ? '' : conflict ? `, which disagrees with our uncertain ${guess}` : agrees ? `, which agrees with our uncertain ${guess}` : ''}`;
  const parts = [one('BPM', kept.bpm, kept.conflicts.bpm, !!kept.agrees?.bpm, ours.bpm), one('key', kept.key, kept.conflicts.key, !!kept.agrees?.key, ours.key)].filter((x) => x !== null);
  return parts.length ? ` Kept the file's existing ${parts.join(' and its ')}${kept.conflicts.bpm || kept.conflicts.key ? ' (to remove a tag that disagrees, tick "Remove the file\'s own BPM/key tag where it disagrees with our uncertain value")' : ''}.` : '';
}

/**
 * Whether the scan that stored `probe` (a library row's probe_json, parsed; `libVersions` its lib_versions) read the
 * file's tags and found no BPM and no key tag in any tag format — so readBpmKey of that file, unchanged, finds none in
 * the family written nor in another (tempoKeyTags over every format finds neither, so it finds neither in any part).
 * False where the tags were read by an older tag reading (analyse.ts TAGS_READ: its rule for a tempo/key tag differed)
 * or could not be read ("Tags could not be read" among the probe's warnings: readBpmKey's parser might). Pure.
 */
export function scanFoundNoTempoKeyTag(probe: ProbeResult, libVersions: string | null): boolean {
  if (!tagsReadCurrent(libVersions) || (probe.warnings ?? []).some((w) => w.startsWith('Tags could not be read'))) return false;
  return probe.tags?.bpm === undefined && probe.tags?.keyText === undefined && probe.tags?.key === undefined;
}

/** the tag-library file types whose layout a write checks at the file before any copy (tag-write.ts layoutRefusal) */
const LAYOUT_CHECKED = new Set(['taglib/wav', 'taglib/aiff', 'taglib/m4a', 'taglib/ogg', 'taglib/opus']);

/** tagDecision's answer for a track writeTags would go on with: what is written, and why the rest is not */
interface TagDecision {
  probe: ProbeResult;
  target: NonNullable<ReturnType<typeof tagTarget>>;
  /** the values as written (null: not written) */
  bpm: string | null;
  key: string | null;
  /** why a value asked for is not written (library:write-tags' notWritten) */
  notWritten: { bpm: string | null; key: string | null };
  /** "tempo 64 BPM at 30% confidence" (contract confidenceText, as the library shows it): a value not written for being uncertain, null otherwise */
  unsureBpm: string | null;
  unsureKey: string | null;
  /** why there is no one tempo / key: it changes within the track */
  changing: { bpm: string | null; key: string | null };
  /** a value asked for is not written: the file's own tag of it is read (kept, cleared or named) */
  readsOwn: boolean;
  /** what was asked for, as a refusal says it: "tempo or key", "tempo", "key" */
  asked: string;
}

/**
 * The rule for what library:write-tags writes into one track's file, before the file is read: refused (with the
 * StudioError writeTags throws) when the track is not analysed or its container's tags are not written (tagTarget:
 * video, WMA, Matroska…); otherwise the BPM (as shown, folded into `range`, as tag text) and key (in `notation`)
 * written, and why the values asked for in `want` (default both) are not: none found, uncertain (certainty under
 * MIN_CONFIDENCE) or changing within the track (`sections`: its tempo / key sections, absent for a steady one).
 * Pure: `probeJson` is the row's stored probe. Used by writeTags and tagPlan alike (then settleTags).
 */
export function tagDecision(
  t: LibraryTrack,
  probeJson: string,
  notation: KeyNotation,
  want: { bpm?: boolean; key?: boolean },
  range: BpmRange | null,
  sections: { tempo?: TempoSection[]; key?: KeySection[] },
): TagDecision | { refused: StudioError } {
  if (t.status !== 'analysed') return { refused: new StudioError('BAD_ARGS', `"${t.fileName}" is not analysed${t.status === 'failed' ? ' (its analysis failed)' : ' yet'}: there is no tempo or key to write.`) };
  const probe = JSON.parse(probeJson) as ProbeResult;
  const target = tagTarget(probe.container, probe.audio?.codec, !!probe.video);
  const formats = 'BPM and key are written into MP3, AIFF, WAV, FLAC, Ogg Vorbis, Opus and M4A files.';
  // a tracker module (ffmpeg's libopenmpt: container "libopenmpt", the PCM it renders as the codec): its format holds a
  // title and sample names, no tag for a BPM or key — its header's tempo and speed are how it plays, not a tag
  if (!target && probe.audio?.module) return { refused: new StudioError('UNSUPPORTED', `"${t.fileName}" is a tracker module (${probe.audio.module}): the format has no tags for a BPM or a key (the tempo in its header is how fast it plays), so nothing is written into it; ${formats}`) };
  if (!target) return { refused: new StudioError('UNSUPPORTED', `"${t.fileName}" is ${probe.video ? 'a video' : `in a container (${probe.container}${probe.audio?.codec ? `, ${probe.audio.codec}` : ''})`} whose tags the studio does not write; ${formats}`) };
  // A tempo or key the analysis is not sure of (calibrated confidence under MIN_CONFIDENCE: shown "uncertain", left out
  // of the features line) is not written: a TBPM/TKEY tag carries no confidence, and DJ software shows it as a fact.
  // Nor is one tempo for a track whose tempo changes, or one key for a track whose key changes (issue 10 kind 4):
  // a TBPM/TKEY tag holds one value, which would be wrong for part of the track.
  const tempoSecs = want.bpm === false || t.bpm === null ? undefined : sections.tempo;
  const keySecs = want.key === false || t.key === null ? undefined : sections.key;
  const folded = tempoSecs && foldSections(tempoSecs, range, t.bpm);
  const changing = {
    bpm: folded ? `the tempo changes (${tempoSpanText(folded)}: ${tempoSectionsText(folded)}), and one BPM tag would be wrong for part of the track` : null,
    key: keySecs ? `the key changes (${keySectionsText(keySecs)}), and one key tag would be wrong for part of the track` : null,
  };
  const unsureBpm = want.bpm !== false && t.bpm !== null && !changing.bpm && certainty(t.bpm, t.bpmConfidence) !== 'sure' ? `tempo ${Math.round(t.bpm)} BPM at ${confidenceText(t.bpmConfidence ?? 0)} confidence` : null;
  const unsureKey = want.key !== false && t.key !== null && !changing.key && certainty(t.key, t.keyConfidence) !== 'sure' ? `key ${t.key} at ${confidenceText(t.keyConfidence ?? 0)} confidence` : null;
  const shownBpm = want.bpm === false || changing.bpm || unsureBpm ? null : foldBpm(t.bpm, range);
  const bpm = shownBpm === null ? null : bpmText(shownBpm, target.format);
  const key = want.key === false || t.key === null || changing.key || unsureKey ? null : keyIn(t.key, notation);
  const uncertain = (what: string) => `the best guess (${what}) is uncertain (below ${confidenceText(MIN_CONFIDENCE)}), and a tag cannot say so`;
  const notWritten = {
    bpm: want.bpm === false ? null : changing.bpm ?? (unsureBpm ? uncertain(unsureBpm) : t.bpm === null ? 'the analysis found no tempo' : null),
    key: want.key === false ? null : changing.key ?? (unsureKey ? uncertain(unsureKey) : t.key === null ? 'the analysis found no key' : null),
  };
  const asked = want.bpm === false ? 'key' : want.key === false ? 'tempo' : 'tempo or key';
  return { probe, target, bpm, key, notWritten, unsureBpm, unsureKey, changing, readsOwn: !!(notWritten.bpm || notWritten.key), asked };
}

/**
 * The second half of the rule (after tagDecision): given the file's own BPM/key tag (`own`: readBpmKey of the family
 * written; nulls when not read), which of them is removed (`clear`: only with `clearConflicting`, only where ours is
 * uncertain and disagrees), kept (named in the report) or `cleared`; and the refusal (BAD_ARGS, naming every reason,
 * the tags kept and a stale tag of another format) when nothing is written nor removed. Pure.
 */
export function settleTags(
  t: LibraryTrack,
  d: TagDecision,
  own: Awaited<ReturnType<typeof readBpmKey>>,
  range: BpmRange | null,
  clearConflicting: boolean,
): { clear: { bpm: boolean; key: boolean }; kept: { bpm: string | null; key: string | null; conflicts: { bpm: boolean; key: boolean }; agrees: { bpm: boolean; key: boolean } }; cleared: { bpm: string | null; key: string | null }; refused: StudioError | null } {
  const { unsureBpm, unsureKey, notWritten, changing, target } = d;
  // The file's own tag where ours is not written (another tool's: a DJ tagger, a ripper's database) is never removed
  // silently — it may be right where we are unsure. It is kept and named in the report, with whether it disagrees with
  // our uncertain best guess (left19b: before, a wrong 128 beside our unsure 64 stayed and nobody said so); removed on
  // request only (clearConflicting), and only where ours is uncertain and disagrees: a tag we have no guess against
  // (none found) or one tempo for a track whose tempo changes stays.
  // the tag of the family written (target.format: a FLAC's Vorbis BPM, not an ID3 TBPM prepended to it), which is the
  // one the library shows (tempoKeyTags ranks the container's own format first) and the one a write changes
  const guessBpm = t.bpm === null ? null : Math.round(foldBpm(t.bpm, range) ?? t.bpm);
  const disagrees = ownTagDisagrees(own, { bpm: t.bpm, shownBpm: foldBpm(t.bpm, range), key: t.key });
  const conflicts = { bpm: !!unsureBpm && disagrees.bpm, key: !!unsureKey && disagrees.key };
  // …and whether it names our uncertain guess (session 32: "8A" kept beside an uncertain A minor said nothing of it)
  const same = ownTagAgrees(own, { bpm: t.bpm, shownBpm: foldBpm(t.bpm, range), key: t.key });
  const agrees = { bpm: !!unsureBpm && same.bpm, key: !!unsureKey && same.key };
  const clear = { bpm: clearConflicting && conflicts.bpm, key: clearConflicting && conflicts.key };
  const kept = {
    bpm: notWritten.bpm && !clear.bpm ? own.bpm : null,
    key: notWritten.key && !clear.key ? own.key : null,
    conflicts,
    agrees,
  };
  const cleared = { bpm: clear.bpm ? own.bpm : null, key: clear.key ? own.key : null };
  if (d.bpm !== null || d.key !== null || clear.bpm || clear.key) return { clear, kept, cleared, refused: null };
  const { asked } = d;
  const unsure = [unsureBpm, unsureKey].filter((x) => x !== null);
  const changes = [changing.bpm, changing.key].filter((x) => x !== null);
  const refused = new StudioError(
    'BAD_ARGS',
    (changes.length
      ? `"${t.fileName}" has no one ${asked} to write into its tags: ${[...changes, ...(unsure.length ? [`the best guesses (${unsure.join('; ')}) are uncertain (below ${confidenceText(MIN_CONFIDENCE)})`] : [])].join('; ')}.`
      : unsure.length
        ? `"${t.fileName}" has no ${asked} sure enough to write into its tags: the best guesses (${unsure.join('; ')}) are uncertain (below ${confidenceText(MIN_CONFIDENCE)}), and a tag cannot say so.`
        : `"${t.fileName}" has nothing to write: the analysis found no ${asked}.`) + keptText(kept, { bpm: guessBpm, key: t.key }) + foreignText(own.foreign, target.format),
  );
  return { clear, kept, cleared, refused };
}
