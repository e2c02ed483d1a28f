import { join } from 'node:path';
import { basename } from 'node:path';
import { StudioError, type Peaks, type ProbeResult, type Spectrogram } from '@contract';
import { PeaksAnalyser, SpectrogramAnalyser, type PeaksData, type SpectrogramData } from './analysers';
import { readJson, writeAtomic } from './cache';
import { decodeToAnalysers, mmss, type DecodeResult } from './decode';
import { ffmpegReason } from './ffmpeg';

/** Bump when the analysis changes, so old cache entries are recomputed. */
export const ANALYSIS_VERSION = 2;
/**
 * The rate the track view's waveform and spectrogram are computed at (lower-rate
 * sources keep theirs): the spectrogram shows 0–8 kHz, where the pitched content
 * of music lies, and the work stays within 1.5× of decoding the file
 * (BENCHMARKS.md). A library scan computes them at the decode's own rate.
 */
export const ANALYSIS_RATE = 16000;

export interface WaveAnalysis {
  v: number;
  peaks: Omit<Peaks, 'trackId'>;
  spectrogram: Omit<Spectrogram, 'trackId'>;
}

export function analysisCachePath(cacheDir: string, fp: string): string {
  return join(cacheDir, 'analysis', `${fp}.v${ANALYSIS_VERSION}.json`);
}

export async function readCachedAnalysis(cacheDir: string, fp: string): Promise<WaveAnalysis | null> {
  const a = await readJson<WaveAnalysis>(analysisCachePath(cacheDir, fp));
  return a && a.v === ANALYSIS_VERSION && a.peaks && a.spectrogram ? a : null;
}

export function analysisRate(probe: ProbeResult): number {
  const sr = probe.audio?.sampleRate;
  return sr && sr >= 4000 && sr < ANALYSIS_RATE ? sr : ANALYSIS_RATE;
}

/**
 * Peaks and mel spectrogram of a file's first audio stream, from one
 * streaming decode. Partial data (truncated / corrupt) gives what decoded and
 * a warning; nothing decoded is DECODE_FAILED.
 */
export async function analyseFile(path: string, probe: ProbeResult, signal: AbortSignal, onProgress: (f: number) => void): Promise<WaveAnalysis> {
  const sampleRate = analysisRate(probe);
  const peaks = new PeaksAnalyser(probe.durationSec);
  const spec = new SpectrogramAnalyser(probe.durationSec);
  const res = await decodeToAnalysers(path, { sampleRate, expectedSec: probe.durationSec, analysers: [peaks, spec], signal, onProgress });
  const name = basename(path);
  if (res.samples === 0) {
    const why = res.errors.length ? ffmpegReason(res.stderrTail) : 'no audio samples came out';
    throw new StudioError('DECODE_FAILED', `"${name}" could not be decoded: ${why}. The file may be corrupt or truncated, or use a codec this ffmpeg cannot decode.`);
  }
  return waveAnalysisOf(res.results.peaks as PeaksData, res.results.spectrogram as SpectrogramData, decodeWarning(res, probe.durationSec));
}

/**
 * The cached form of the peaks + spectrogram analysers' results — from the
 * track view's decode or from a library scan's (which warms this cache).
 */
export function waveAnalysisOf(peaks: PeaksData, spec: SpectrogramData, warning?: string): WaveAnalysis {
  const durationSec = peaks.samples / peaks.sampleRate;
  const { minMax } = peaks;
  const data = spec.data;
  return {
    v: ANALYSIS_VERSION,
    peaks: {
      durationSec,
      sampleRate: peaks.sampleRate,
      samplesPerPeak: peaks.samplesPerPeak,
      minMax: Buffer.from(minMax.buffer, minMax.byteOffset, minMax.byteLength).toString('base64'),
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
 * errors reported by ffmpeg (corrupt data) or audio ending well before the
 * length the file states (truncated).
 */
export function decodeWarning(res: DecodeResult, statedSec: number): string | undefined {
  const decodedSec = res.samples / res.sampleRate;
  const short = statedSec > 0 && statedSec - decodedSec > Math.max(1, 0.02 * statedSec);
  const failed = res.exitCode !== 0;
  if (res.errors.length === 0 && !short && !failed) return undefined;
  if (short) {
    const why = res.errors.length ? ` (ffmpeg: ${res.errors[res.errors.length - 1].message})` : '';
    return `The file appears truncated at ${mmss(decodedSec)}: its audio stops there, but the file states a length of ${mmss(statedSec)}${why}. The waveform shows what could be decoded.`;
  }
  const first = res.errors[0];
  const at = first ? first.atSec : decodedSec;
  const why = first ? ` (ffmpeg: ${first.message})` : '';
  return `The file appears corrupt at ${mmss(at)}${why}; the damaged part was skipped and may sound wrong. The waveform shows what could be decoded.`;
}

export async function writeCachedAnalysis(cacheDir: string, fp: string, a: WaveAnalysis): Promise<void> {
  await writeAtomic(analysisCachePath(cacheDir, fp), JSON.stringify(a));
}
