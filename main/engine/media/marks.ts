/**
 * The track view's marks (issue 12, the gaps to Mixxx and rekordbox): the
 * beat grid drawn on the waveform, hot cues 1–8, named regions and the loop
 * kept per track in the studio database (db/track-marks.ts).
 *
 * The beat grid is the library's stored tempo analysis when it is current
 * (the tempo analyser's version), else the tempo analyser run on the file
 * (one decode, cached on disk by the file's fingerprint and that version) in
 * an analysis worker thread of its own (library/pool.ts), so the engine's
 * event loop stays free for the track view's next requests.
 * Its downbeat is the phase with the most low-band energy (analysis/beat-grid.ts)
 * in the waveform's peaks, which the track view has already computed.
 */
import { join } from 'node:path';
import { StudioError, type BeatGrid, type Progress, type TrackMarks } from '@contract';
import { peaksDownbeat } from '../analysis/beat-grid';
import { TempoAnalyser, type TempoResult } from '../analysis/tempo';
import type { Analyser } from '../analysis/types';
import type { EngineContext } from '../context';
import { LibraryAnalysesRepo } from '../db/library-analyses';
import { InlineAnalyse, WorkerPool, workerEntry, type Analyse } from '../library/pool';
import { TrackMarksRepo } from '../db/track-marks';
import { SharedJobs, fingerprint, readJson, sweepOnce, writeAtomic } from './cache';
import type { MediaService } from './service';
import { newId, type Tracks } from './tracks';

interface CallCtx {
  signal: AbortSignal;
  progress(p: Progress): void;
}

/**
 * The cached beat grid of a file (fingerprint `fp`) analysed by tempo analyser `tempoVersion`:
 * `<cacheDir>/beats/<fp>.v<version>.s1.json`. `s1`: the stream rule — the audio stream ffmpeg picks (a later one
 * flagged default, 5812d6a); grids cached before it (no `s1`) were of the first audio stream and are not read.
 */
export function beatsCachePath(cacheDir: string, fp: string, tempoVersion: number): string {
  return join(cacheDir, 'beats', `${fp}.v${tempoVersion}.s1.json`);
}

/**
 * A cached beat grid's name that no build of this tempo analyser or a newer one reads: one before the stream rule
 * (`<fp>.v<N>.json`, no `s1`) or of an OLDER tempo version (`<fp>.v<M>.s1.json`, M < tempoVersion). A newer
 * version's grid is kept: two builds sharing a cache folder (an old and a new install) must not delete each
 * other's. Temporaries being written (`….json.<hex>.tmp`) are not old.
 */
export function isOldBeatsName(name: string, tempoVersion: number): boolean {
  const m = /^[0-9a-f]{32}\.v(\d+)(\.s1)?\.json$/.exec(name);
  return m !== null && (!m[2] || Number(m[1]) < tempoVersion);
}

/** The beat grids of old names removed from `<cacheDir>/beats`, at most `max`, once per process (cache.ts sweepOnce); resolves to the count. */
export function sweepOldBeats(cacheDir: string, tempoVersion: number, max = 5000): Promise<number> {
  return sweepOnce(join(cacheDir, 'beats'), (n) => isOldBeatsName(n, tempoVersion), max);
}

type Tempo = Pick<TempoResult, 'bpm' | 'beats' | 'beatsPerBar' | 'confidence' | 'variable' | 'downbeat'>;

export class MarksService {
  private readonly repo: TrackMarksRepo;
  private readonly analyses: LibraryAnalysesRepo;
  private readonly tempoJobs = new SharedJobs<Tempo>();
  private readonly tempoVersion = new TempoAnalyser().version;
  /** the older tempo version whose results stand for long tracks (Analyser.sameAs: the loop rule changed only tracks under 4 s) */
  private readonly tempoSameAs = (new TempoAnalyser() as Analyser).sameAs;
  /** one worker thread, made at the first beat grid that needs the analyser (unref'd: it never holds the engine open) */
  private pool: Analyse | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly tracks: Tracks,
    private readonly media: MediaService,
  ) {
    this.repo = new TrackMarksRepo(ctx.db);
    this.analyses = new LibraryAnalysesRepo(ctx.db);
  }

  /** @throws StudioError NOT_FOUND for an unknown track */
  list(trackId: string): TrackMarks {
    this.tracks.row(trackId);
    const cues: TrackMarks['cues'] = [];
    const regions: TrackMarks['regions'] = [];
    let loop: TrackMarks['loop'] = null;
    for (const r of this.repo.list(trackId)) {
      if (r.kind === 'cue' && r.slot !== null) cues.push({ slot: r.slot, timeSec: r.start_sec });
      else if (r.kind === 'region' && r.end_sec !== null && r.name !== null) regions.push({ id: r.id, name: r.name, startSec: r.start_sec, endSec: r.end_sec });
      else if (r.kind === 'loop' && r.end_sec !== null) loop = { startSec: r.start_sec, endSec: r.end_sec, on: r.active === 1 };
    }
    return { trackId, cues, regions, loop };
  }

  /**
   * Keep the track's loop (null: forget it). Seconds of the track.
   * @throws StudioError BAD_ARGS for a loop that does not end after it starts; NOT_FOUND for an unknown track
   */
  setLoop(trackId: string, loop: { startSec: number; endSec: number; on: boolean } | null): TrackMarks {
    this.tracks.row(trackId);
    if (!loop) this.repo.deleteLoop(trackId);
    else {
      if (!(loop.endSec > loop.startSec)) throw new StudioError('BAD_ARGS', `A loop must end after it starts (got ${loop.startSec}…${loop.endSec} s).`);
      this.repo.setLoop(newId(), trackId, loop.startSec, loop.endSec, loop.on, Date.now());
    }
    return this.list(trackId);
  }

  setCue(trackId: string, slot: number, timeSec: number): TrackMarks {
    this.tracks.row(trackId);
    this.repo.setCue(newId(), trackId, slot, timeSec, Date.now());
    return this.list(trackId);
  }

  deleteCue(trackId: string, slot: number): TrackMarks {
    this.tracks.row(trackId);
    this.repo.deleteCue(trackId, slot);
    return this.list(trackId);
  }

  /** @throws StudioError BAD_ARGS for an empty range; NOT_FOUND for an id that is not a region of this track */
  saveRegion(trackId: string, id: string | undefined, name: string, startSec: number, endSec: number): TrackMarks {
    this.tracks.row(trackId);
    if (!(endSec > startSec)) throw new StudioError('BAD_ARGS', `A region must end after it starts (got ${startSec}…${endSec} s).`);
    if (!this.repo.saveRegion(id ?? newId(), trackId, name.trim(), startSec, endSec, Date.now())) {
      throw new StudioError('NOT_FOUND', 'That region is not one of this track\'s (unknown id).');
    }
    return this.list(trackId);
  }

  deleteRegion(trackId: string, id: string): TrackMarks {
    this.tracks.row(trackId);
    this.repo.deleteRegion(trackId, id);
    return this.list(trackId);
  }

  /**
   * The beat grid (BeatGrid in the contract): the library's or the cache's; with
   * `analyse`, the tempo analyser runs when neither has it, else the grid is
   * empty with source 'none'. @throws StudioError NOT_FOUND, DECODE_FAILED, CANCELLED
   */
  async beats(trackId: string, analyse: boolean, call: CallCtx): Promise<BeatGrid> {
    const { path } = await this.tracks.checkedPath(trackId);
    let tempo: Tempo | null = null;
    let source: BeatGrid['source'] = 'library';
    const stored = this.analyses.versions(trackId).tempo;
    const current = stored === this.tempoVersion || (this.tempoSameAs !== undefined && stored === this.tempoSameAs.version && this.tracks.get(trackId).probe.durationSec >= this.tempoSameAs.minSec);
    if (current) tempo = (this.analyses.results(trackId).tempo as Tempo | undefined) ?? null;
    if (!tempo) {
      source = 'analysed';
      const fp = await fingerprint(path);
      const file = beatsCachePath(this.ctx.cacheDir, fp, this.tempoVersion);
      // the first grid a process looks up in the cache sweeps it of grids no build reads (isOldBeatsName), unawaited
      void sweepOldBeats(this.ctx.cacheDir, this.tempoVersion);
      tempo = await readJson<Tempo>(file);
      // an entry cached before the grid carried the confidence is analysed again (its tempo would read as sure)
      if (!tempo || !Array.isArray(tempo.beats) || typeof tempo.confidence !== 'number') {
        if (!analyse) return { trackId, beats: [], bpm: null, bpmConfidence: null, beatsPerBar: null, downbeat: null, source: 'none' };
        tempo = await this.tempoJobs.run(
          fp,
          async (signal, progress) => {
            const stated = this.tracks.get(trackId).probe.durationSec;
            if (!this.pool) {
              const entry = workerEntry();
              this.pool = entry ? new WorkerPool(1, entry) : new InlineAnalyse();
            }
            const run = await this.pool.run({ path, cacheDir: this.ctx.cacheDir, only: ['tempo'] }, signal, (s) => stated > 0 && progress(Math.min(0.99, s / stated)));
            const r = run.results.tempo as TempoResult;
            const t: Tempo = { bpm: r.bpm, beats: r.beats, beatsPerBar: r.beatsPerBar, confidence: r.confidence, ...(r.variable?.length ? { variable: r.variable } : {}) };
            await writeAtomic(file, JSON.stringify(t)).catch(() => undefined);
            return t;
          },
          call.signal,
          (fraction) => call.progress({ stage: 'beats', fraction }),
        );
      }
    }
    const beats = tempo.bpm === null ? [] : tempo.beats;
    const bpb = tempo.bpm === null ? null : tempo.beatsPerBar;
    let downbeat: number | null = null;
    // the library's scan stored it with the beats (from the same peaks); else from the waveform's peaks
    if (bpb && beats.length) downbeat = tempo.downbeat ?? peaksDownbeat(beats, bpb, await this.media.peaks(trackId, call));
    // a tempo that changes: its sections (as the library's detail gives them); a grid cached before they were kept has none
    const tempoSections = tempo.bpm !== null && tempo.variable?.length ? tempo.variable.map((v) => (v.endBpm === undefined ? { start: v.start, end: v.end, bpm: v.bpm } : { start: v.start, end: v.end, bpm: v.bpm, endBpm: v.endBpm })) : null;
    return { trackId, beats, bpm: tempo.bpm, bpmConfidence: tempo.bpm === null ? null : (tempo.confidence ?? null), beatsPerBar: bpb, downbeat, source, tempoSections };
  }
}
