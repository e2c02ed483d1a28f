import type { SharedStreams } from '../dsp/streams';

/**
 * The analyser interface (after Mixxx's analysers): every analyser sees the
 * same decoded stream, block by block, so adding an analyser never adds a
 * second decode. An analyser instance analyses one track; make a new one per
 * track (see `defaultAnalysers()`).
 */
export interface Analyser<R = unknown> {
  /** key of its result in `AnalysisRun.results` and of its row in the library */
  readonly name: string;
  /**
   * Bumped whenever the results could change (algorithm, parameters), so a
   * library re-runs only the analysers that got better.
   */
  readonly version: number;
  /**
   * Where the last bump changed results for short tracks only: a result of version `version` for a track of `minSec`
   * seconds or longer is what the current version gives, so a library does not run the analyser again for it (library
   * classify.ts; the tempo analyser's 16, the loop rule for tracks under 4 s). Absent: every bump re-runs it.
   */
  readonly sameAs?: { version: number; minSec: number };
  /**
   * The stream it reads: `'analysis'` (default) — 44.1/48 kHz, every channel;
   * `'wave'` — ffmpeg's 16 kHz mono mix (`WAVE_OUTPUT`, the waveform and
   * spectrogram). One decode feeds both (two outputs of one ffmpeg run); a
   * run whose analysers all read `'wave'` decodes only that.
   */
  readonly stream?: 'analysis' | 'wave';
  /**
   * Called once before the first block. `shared` offers decimated mono
   * streams computed once for all analysers; an analyser used on its own
   * (no `shared`) makes and drives its own.
   */
  init(sampleRate: number, channels: number, shared?: SharedStreams): void;
  /**
   * One block of float samples, one array per channel, all the same length.
   * The arrays are reused by the caller after process() returns: copy what
   * must be kept.
   */
  process(block: Float32Array[]): void;
  /** Called once after the last block. */
  finish(): R;
}

export type ResultOf<A> = A extends Analyser<infer R> ? R : never;
