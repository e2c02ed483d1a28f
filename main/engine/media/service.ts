import { basename } from 'node:path';
import { StudioError, type Filmstrip, type Peaks, type Progress, type ResolvedMedia, type Spectrogram, type WaveRange } from '@contract';
import { computeRange, planRange } from '../analysis/waveform-range';
import type { EngineContext } from '../context';
import { analyseFile, readCachedAnalysis, writeCachedAnalysis, type WaveAnalysis } from './analysis';
import { SharedJobs, fingerprint } from './cache';
import { attachedCover, coverMissingMessage, embeddedCover, pinFile } from './cover';
import { framePath, makeFilmstrip, type FilmstripResult } from './filmstrip';
import { losslessAudioCodecs, makeProxy, mimeOfPath, playPlan } from './playable';
import type { Tracks } from './tracks';
import { RangeDiskCache } from './range-disk-cache';

const TRACK_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** memory for computed waveform ranges (base64 text); least recently used go first */
const RANGE_CACHE_BYTES = 48 * 1024 * 1024;
/** cover ids: the track id, optionally ".<coverVersion>" (to defeat caches) */
const COVER_ID = /^([A-Za-z0-9_-]{8,64})(?:\.\d{1,9})?$/;

type ResolveKind = 'track' | 'playable' | 'cover' | 'frame';
interface CallCtx {
  signal: AbortSignal;
  progress(p: Progress): void;
}

/**
 * The engine's media work on opened tracks: waveform peaks + spectrogram
 * (one decode, cached), filmstrips, covers, and mapping media URLs to files.
 * Every file it serves is either an opened track (re-checked on each request)
 * or something it wrote into its own cache.
 */
export class MediaService {
  private readonly analyses = new SharedJobs<WaveAnalysis>();
  private readonly filmstrips = new SharedJobs<FilmstripResult>();
  private readonly proxies = new SharedJobs<{ path: string; mime: string }>();
  private readonly ranges = new SharedJobs<Omit<WaveRange, 'trackId'>>();
  /** computed ranges, least recently used first (bounded by RANGE_CACHE_BYTES) */
  private readonly rangeCache = new Map<string, Omit<WaveRange, 'trackId'>>();
  private rangeCacheBytes = 0;
  /** the same ranges on disk, kept across restarts (range-disk-cache.ts) */
  private readonly rangeDisk: RangeDiskCache;

  constructor(
    private readonly ctx: EngineContext,
    private readonly tracks: Tracks,
  ) {
    this.rangeDisk = new RangeDiskCache(ctx.cacheDir);
  }

  async peaks(trackId: string, call: CallCtx): Promise<Peaks> {
    const a = await this.analysis(trackId, call);
    return { trackId, ...a.peaks };
  }

  async spectrogram(trackId: string, call: CallCtx): Promise<Spectrogram> {
    const a = await this.analysis(trackId, call);
    return { trackId, ...a.spectrogram };
  }

  /** Peaks and spectrogram together: from the cache, or one decode shared by every caller. */
  private async analysis(trackId: string, call: CallCtx): Promise<WaveAnalysis> {
    const { row, path } = await this.tracks.checkedPath(trackId);
    try {
      const fp = await fingerprint(path);
      const cached = await readCachedAnalysis(this.ctx.cacheDir, fp);
      if (cached) return cached;
      const probe = this.tracks.get(row.id).probe;
      return await this.analyses.run(
        fp,
        async (signal, progress) => {
          const a = await analyseFile(path, probe, signal, progress);
          await writeCachedAnalysis(this.ctx.cacheDir, fp, a).catch(() => undefined);
          return a;
        },
        call.signal,
        (fraction) => call.progress({ stage: 'decoding', fraction }),
      );
    } catch (err) {
      // the file deleted, moved or rewritten after the check — during the decode (FILE_CHANGED) or before its open
      // (NOT_FOUND, a raw ENOENT from the fingerprint): said as the open track's (media:file-gone for the page's banner,
      // "since it was opened"), not as the analyser says it to a library scan ("… on the next scan") nor as a file
      // that never existed; any other failure of a file still the one opened is thrown as it is
      if (!(err instanceof StudioError) || err.code === 'FILE_CHANGED' || err.code === 'NOT_FOUND') await this.tracks.checkedPath(trackId);
      throw err;
    }
  }

  /**
   * Peaks + spectrogram of `startSec`…`endSec` at `pixelsPerSec` (planRange):
   * from the cache (keyed by the file's fingerprint and the plan), or one ranged
   * decode shared by every caller. The track is pinned: checked unchanged
   * before the decode and after it (FILE_CHANGED otherwise). BAD_ARGS for a
   * range the plan refuses; DECODE_FAILED past the end of the track.
   */
  async waveRange(trackId: string, startSec: number, endSec: number, pixelsPerSec: number, call: Pick<CallCtx, 'signal'>): Promise<WaveRange> {
    const { row, path } = await this.tracks.checkedPath(trackId);
    const probe = this.tracks.get(row.id).probe;
    const plan = planRange(startSec, endSec, pixelsPerSec, probe.audio?.decodedSampleRate ?? probe.audio?.sampleRate ?? 0);
    const fp = await fingerprint(path);
    const key = `${fp}:${plan.startSample}:${plan.endSample}:${plan.samplesPerPeak}:${plan.hop}`;
    const hit = this.rangeCache.get(key);
    if (hit) {
      this.rangeCache.delete(key);
      this.rangeCache.set(key, hit);
      return { trackId, ...hit };
    }
    const r = await this.ranges.run(
      key,
      async (signal) => {
        const stored = await this.rangeDisk.get(key);
        if (stored) {
          this.cacheRange(key, stored);
          return stored;
        }
        const d = await computeRange(path, plan, signal);
        await this.tracks.checkedPath(trackId); // the file decoded is still the one opened
        const mm = d.minMax;
        const sp = d.spectrogram;
        const out: Omit<WaveRange, 'trackId'> = {
          sampleRate: d.sampleRate,
          startSample: d.startSample,
          endSample: d.endSample,
          startSec: d.startSample / d.sampleRate,
          endSec: d.endSample / d.sampleRate,
          samplesPerPeak: d.samplesPerPeak,
          minMax: Buffer.from(mm.buffer, mm.byteOffset, mm.byteLength).toString('base64'),
          bands: Buffer.from(d.bands.buffer, d.bands.byteOffset, d.bands.byteLength).toString('base64'),
          spectrogram: {
            hop: sp.hop,
            fftSize: sp.fftSize,
            columns: sp.columns,
            rows: sp.rows,
            maxFreqHz: d.sampleRate / 2,
            scale: 'mel',
            floorDb: sp.floorDb,
            data: Buffer.from(sp.data.buffer, sp.data.byteOffset, sp.data.byteLength).toString('base64'),
          },
        };
        this.cacheRange(key, out);
        await this.rangeDisk.put(key, out); // a few ms beside the decode; never throws
        return out;
      },
      call.signal,
    );
    return { trackId, ...r };
  }

  private cacheRange(key: string, r: Omit<WaveRange, 'trackId'>): void {
    const size = (x: Omit<WaveRange, 'trackId'>) => x.minMax.length + (x.bands?.length ?? 0) + x.spectrogram.data.length;
    const old = this.rangeCache.get(key);
    if (old) {
      this.rangeCache.delete(key);
      this.rangeCacheBytes -= size(old);
    }
    this.rangeCache.set(key, r);
    this.rangeCacheBytes += size(r);
    for (const [k, v] of this.rangeCache) {
      if (this.rangeCacheBytes <= RANGE_CACHE_BYTES) break;
      this.rangeCache.delete(k);
      this.rangeCacheBytes -= size(v);
    }
  }

  async filmstrip(trackId: string, count: number, call: CallCtx): Promise<Filmstrip> {
    const { row, path } = await this.tracks.checkedPath(trackId);
    const track = this.tracks.get(row.id);
    if (!track.probe.video) {
      throw new StudioError('BAD_ARGS', `"${basename(path)}" has no video, so it has no filmstrip.`);
    }
    const fp = await fingerprint(path);
    const r = await this.filmstrips.run(
      `${fp}.${count}`,
      (signal, progress) => makeFilmstrip(path, track.probe, this.ctx.cacheDir, fp, count, signal, progress),
      call.signal,
      (fraction) => call.progress({ stage: 'extracting frames', fraction }),
    );
    return { trackId, ...r };
  }

  /** A media URL (`<kind>/<id>`) → the file to serve. Unknown or malformed ids are NOT_FOUND. */
  async resolve(kind: ResolveKind, id: string): Promise<ResolvedMedia> {
    const unknown = () => new StudioError('NOT_FOUND', `Unknown media address "${kind}/${id}": nothing with that id was opened.`);
    switch (kind) {
      case 'track': {
        if (!TRACK_ID.test(id)) throw unknown();
        const { row, path } = await this.tracks.checkedPath(id);
        return { path, mime: mimeOfPath(path, row.kind), realPath: row.real_path, size: row.size, mtimeMs: row.mtime_ms };
      }
      case 'playable': {
        if (!TRACK_ID.test(id)) throw unknown();
        const { row, path } = await this.tracks.checkedPath(id);
        const probe = this.tracks.get(row.id).probe;
        const plan = playPlan(probe, await losslessAudioCodecs());
        if (plan.kind === 'original') return { path, mime: mimeOfPath(path, row.kind), realPath: row.real_path, size: row.size, mtimeMs: row.mtime_ms };
        const fp = await fingerprint(path);
        const made = await this.proxies.run(`${fp}.${plan.ext}`, (signal) => makeProxy(path, probe, plan, this.ctx.cacheDir, fp, signal));
        return pinFile(made.path, made.mime);
      }
      case 'cover': {
        const m = COVER_ID.exec(id);
        if (!m) throw unknown();
        const row = this.tracks.row(m[1]);
        if (row.cover_path) {
          const att = await attachedCover(this.ctx.cacheDir, row.id, row.cover_path);
          if (att) return att;
        }
        const track = this.tracks.get(row.id);
        if (track.probe.hasCoverArt) {
          const { path } = await this.tracks.checkedPath(row.id);
          const fp = await fingerprint(path);
          const emb = await embeddedCover(path, this.ctx.cacheDir, fp);
          if (emb) return pinFile(emb.path, emb.mime);
        }
        throw new StudioError('NOT_FOUND', coverMissingMessage(basename(row.path), row.cover_path));
      }
      case 'frame': {
        const p = framePath(this.ctx.cacheDir, id);
        if (!p) throw new StudioError('NOT_FOUND', `Unknown media address "frame/${id}": no such thumbnail (make the filmstrip first).`);
        return pinFile(p, 'image/jpeg');
      }
    }
  }
}
