/**
 * Track analysis: one ffmpeg decode feeding every analyser (see run.ts).
 *
 * - loudness: EBU R128 integrated loudness, loudness range, true peak (loudness.ts)
 * - tempo: BPM, confidence, beat positions (tempo.ts)
 * - tonal: key (+ Camelot, Open Key, strength per key) and chords (tonal.ts)
 *
 * `analyzeTrack()` runs the default set and returns a flat, typed summary
 * including the textual-features line DeepResonance takes as input text.
 */
import { LoudnessAnalyser, type LoudnessResult } from './loudness';
import { analyzeFile, type AnalyzeOptions, type AnalysisRun } from './run';
import { TempoAnalyser, type TempoResult } from './tempo';
import { TonalAnalyser, type TonalResult } from './tonal';
import { featuresText } from './text';
import type { Analyser } from './types';

export type { Analyser } from './types';
export { analyzeFile, type AnalyzeOptions, type AnalysisRun } from './run';
export { LoudnessAnalyser, type LoudnessResult } from './loudness';
export { TempoAnalyser, type TempoResult } from './tempo';
export { TonalAnalyser, type TonalResult, type KeyResult, type ChordsResult } from './tonal';
export { camelot, openKey, keyName, parseKey, mirexKeyScore, type Key } from './keys';
export { featuresText } from './text';
export { EssentiaKeyAnalyser } from './essentia-key';

/** A fresh instance of every analyser (instances hold one track's state). */
export function defaultAnalysers(): Analyser[] {
  return [new LoudnessAnalyser(), new TempoAnalyser(), new TonalAnalyser()];
}

/** The versions of the default analysers, by name (for the library's "re-run what changed"). */
export function analyserVersions(): Record<string, number> {
  return Object.fromEntries(defaultAnalysers().map((a) => [a.name, a.version]));
}

export interface TrackAnalysis {
  durationSec: number;
  sampleRate: number;
  channels: number;
  loudness: LoudnessResult;
  tempo: TempoResult;
  tonal: TonalResult;
  /** "Tempo: 120 BPM. Key: A minor. Chords: Am, F, C, G. Loudness: -9.8 LUFS." */
  features: string;
  versions: Record<string, number>;
}

/** Decode `path` once and run the default analysers. */
export async function analyzeTrack(path: string, opts: AnalyzeOptions = {}): Promise<TrackAnalysis> {
  const run: AnalysisRun = await analyzeFile(path, defaultAnalysers(), opts);
  const loudness = run.results.loudness as LoudnessResult;
  const tempo = run.results.tempo as TempoResult;
  const tonal = run.results.tonal as TonalResult;
  return {
    durationSec: run.durationSec,
    sampleRate: run.sampleRate,
    channels: run.channels,
    loudness,
    tempo,
    tonal,
    features: featuresText({ tempo, tonal, loudness }),
    versions: run.versions,
  };
}
