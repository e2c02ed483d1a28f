import { join } from 'node:path';
import { basename } from 'node:path';
import { clockTime, StudioError, type Peaks, type ProbeResult, type Spectrogram } from '@contract';
import { analyzeFile, type AnalysisRun } from '../analysis/run';
import { WAVE_VERSION, waveAnalysers, type PeaksData, type SpectrogramData } from '../analysis/waveform';
import { readJson, sweepOnce, writeAtomic } from './cache';

/**
 * Bump when the analysis changes, so old cache entries are recomputed. 6: a file whose audio stream ffmpeg picks is
 * not its first (a later one flagged default) is drawn from that stream (pcm.ts readPcmOutputs), as the model hears it.
 */
export const ANALYSIS_VERSION = 6;
export interface WaveAnalysis {
  v: number;
  peaks: Omit<Peaks, 'trackId'>;
  spectrogram: Omit<Spectrogram, 'trackId'>;
}

/**
 * The cache entry of a file's peaks and spectrogram: `<cacheDir>/analysis/<fingerprint>.v<ANALYSIS_VERSION>.w<WAVE_VERSION>.json`.
 * Both versions name it, so a change of the waveform's definition (WAVE_VERSION, which re-runs a library's waveforms)
 * is never answered from an entry the previous definition wrote (tester31: its +3 dBFS peaks drawn after the fix).
 */
export function analysisCachePath(cacheDir: string, fp: string): string {
  return join(cacheDir, 'analysis', `${fp}.v${ANALYSIS_VERSION}.w${WAVE_VERSION}.json`);
}

export async function readCachedAnalysis(cacheDir: string, fp: string): Promise<WaveAnalysis | null> {
  const a = await readJson<WaveAnalysis>(analysisCachePath(cacheDir, fp));
  return a && a.v === ANALYSIS_VERSION && a.peaks && a.spectrogram ? a : null;
}

/**
 * Peaks and mel spectrogram of a file's audio stream read (the one ffmpeg picks: the first, unless a later one is
 * flagged default — pcm.ts readPcmOutputs), from the same
 * decode and the same analysers as a library scan (analysis/run.ts), so the
 * track view draws exactly what a scan caches. Partial data (truncated /
 * corrupt) gives what decoded and a warning; nothing decoded is DECODE_FAILED.
 */
export async function analyseFile(path: string, probe: ProbeResult, signal: AbortSignal, onProgress: (f: number) => void): Promise<WaveAnalysis> {
  const [peaks, spec] = waveAnalysers(probe.durationSec);
  const stated = probe.durationSec;
  let last = -1;
  let lastAt = 0;
  const run = await analyzeFile(path, [peaks, spec], {
    signal,
    partial: true,
    // throttled: at most every 1 % and 100 ms
    onProgress: (doneSec) => {
      if (!(stated > 0)) return;
      const fraction = Math.min(0.99, doneSec / stated);
      const now = Date.now();
      if (fraction - last < 0.01 || now - lastAt < 100) return;
      last = fraction;
      lastAt = now;
      onProgress(fraction);
    },
  }).catch((err: unknown) => {
    if (err instanceof StudioError && err.code === 'DECODE_FAILED') {
      throw new StudioError('DECODE_FAILED', `"${basename(path)}" could not be decoded: ${err.detail ?? err.message}. The file may be corrupt or truncated, or use a codec this ffmpeg cannot decode.`);
    }
    throw err;
  });
  onProgress(1);
  // a file cut short: the probe already states what decodes (so nothing reads as "short" here) and
  // names the cut from the container's own structure, which says more than ffmpeg's last error
  const cut = probe.warnings?.find((w) => /appears truncated/.test(w));
  const warning = cut ? `${cut} The waveform shows what could be decoded.` : decodeWarning(run, stated);
  return waveAnalysisOf(run.results.peaks as PeaksData, run.results.spectrogram as SpectrogramData, warning);
}

/**
 * The cached form of the peaks + spectrogram analysers' results — from the
 * track view's decode or from a library scan's (which warms this cache).
 */
export function waveAnalysisOf(peaks: PeaksData, spec: SpectrogramData, warning?: string): WaveAnalysis {
  const durationSec = peaks.samples / peaks.sampleRate;
  const { minMax, bands } = peaks;
  const data = spec.data;
  return {
    v: ANALYSIS_VERSION,
    peaks: {
      durationSec,
      sampleRate: peaks.sampleRate,
      samplesPerPeak: peaks.samplesPerPeak,
      minMax: Buffer.from(minMax.buffer, minMax.byteOffset, minMax.byteLength).toString('base64'),
      bands: Buffer.from(bands.buffer, bands.byteOffset, bands.byteLength).toString('base64'),
      ...(warning ? { warning } : {}),
    },
    spectrogram: {
      durationSec,
      sampleRate: spec.sampleRate,
      columns: spec.columns,
      rows: spec.rows,
      maxFreqHz: spec.sampleRate / 2,
      scale: 'mel',
      data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
      floorDb: spec.floorDb,
    },
  };
}

/**
 * What the person should know about a decode that did not go cleanly:
 * errors reported by ffmpeg (corrupt data), audio ending well before the
 * length the file states with a sign of damage in ffmpeg's log (truncated),
 * or, without one, a header that overstates the length.
 */
export function decodeWarning(res: Pick<AnalysisRun, 'durationSec' | 'exitCode' | 'errors'> & { damage?: string | null }, statedSec: number): string | undefined {
  const decodedSec = res.durationSec;
  const short = statedSec > 0 && statedSec - decodedSec > Math.max(1, 0.02 * statedSec);
  const failed = res.exitCode !== 0;
  if (res.errors.length === 0 && !short && !failed) return undefined;
  if (short && res.damage === null && res.errors.length === 0 && !failed) {
    // every packet decoded without a complaint: the header's duration is what is wrong
    return `The file's header states a length of ${mmss(statedSec)}, but its audio, decoded without errors, lasts ${mmss(decodedSec)}; the header is wrong, not the audio.`;
  }
  if (short) {
    const why = res.errors.length ? ` (ffmpeg: ${res.errors[res.errors.length - 1].message})` : '';
    return `The file appears truncated at ${mmss(decodedSec)}: its audio stops there, but the file states a length of ${mmss(statedSec)}${why}. The waveform shows what could be decoded.`;
  }
  const first = res.errors[0];
  const at = first ? first.atSec : decodedSec;
  const why = first ? ` (ffmpeg: ${first.message})` : '';
  return `The file appears corrupt at ${mmss(at)}${why}; the damaged part was skipped and may sound wrong. The waveform shows what could be decoded.`;
}

/**
 * A cached waveform's name that no build of this analysis or a newer one reads: one before WAVE_VERSION named it
 * (`<fp>.v<N>.json`), or of an OLDER analysis (`v` below ANALYSIS_VERSION) or an older waveform at this analysis
 * (`w` below WAVE_VERSION). A newer build's entry is kept (two installs sharing a cache folder must not delete each
 * other's); temporaries being written (`….json.<hex>.tmp`) and anything else are not old.
 */
export function isOldAnalysisName(name: string, analysisVersion = ANALYSIS_VERSION, waveVersion = WAVE_VERSION): boolean {
  const m = /^[0-9a-f]{32}\.v(\d+)(?:\.w(\d+))?\.json$/.exec(name);
  if (!m) return false;
  const v = Number(m[1]);
  return m[2] === undefined || v < analysisVersion || (v === analysisVersion && Number(m[2]) < waveVersion);
}

/** The cached waveforms of old names removed from `<cacheDir>/analysis`, at most `max`, once per process (cache.ts sweepOnce); resolves to the count. */
export function sweepOldAnalyses(cacheDir: string, max = 5000): Promise<number> {
  return sweepOnce(join(cacheDir, 'analysis'), (n) => isOldAnalysisName(n), max);
}

/**
 * Keep a file's peaks and spectrogram (atomically) under analysisCachePath. The first write of a process sweeps the
 * folder of entries of old names (sweepOldAnalyses; a library scanned before a version change kept them for good),
 * without waiting for it.
 * @throws what writing the file throws (a full or read-only disk); callers treat the cache as optional
 */
export async function writeCachedAnalysis(cacheDir: string, fp: string, a: WaveAnalysis): Promise<void> {
  void sweepOldAnalyses(cacheDir);
  await writeAtomic(analysisCachePath(cacheDir, fp), JSON.stringify(a));
}

/** 75.4 → "1:15"; 3725 → "1:02:05" */
export function mmss(sec: number): string {
  return clockTime(sec);
}
