// Beat-tracking accuracy against written beats (issue 11: the beat grid's beats "right where the tempo is"); used by
// test/bench/beat-accuracy.ts, pinned by test/unit/eval-beat-f.test.ts.
import type { EvalItem } from './build-set';

/** MIREX / mir_eval tolerance window, seconds either side of a true beat. */
export const F_WINDOW_SEC = 0.07;
/** mir_eval.beat.trim_beats: beats before this time (s) are not scored. */
export const TRIM_SEC = 5;

/**
 * Beat-tracking F-measure as MIREX and mir_eval.beat.f_measure compute it (Dixon 2007, "Evaluation of the audio beat
 * tracking system BeatRoot", J. New Music Research 36(1)). `est`, `ref`: beat times in seconds, ascending. Beats before
 * TRIM_SEC are dropped from both lists; each reference beat is matched to at most one estimate within ±`window` s
 * (greedily in time order — the maximum matching whenever beats are more than 2 × window apart, i.e. below 428 BPM);
 * precision = matches / estimates, recall = matches / references, F = 2PR / (P + R), in 0..1. 0 when either list is
 * empty after trimming (mir_eval returns 0 there too).
 */
export function beatF(est: readonly number[], ref: readonly number[], window = F_WINDOW_SEC): number {
  const e = est.filter((t) => t >= TRIM_SEC);
  const r = ref.filter((t) => t >= TRIM_SEC);
  if (!e.length || !r.length) return 0;
  let i = 0;
  let hits = 0;
  for (const t of r) {
    while (i < e.length && e[i] < t - window) i++;
    if (i < e.length && Math.abs(e[i] - t) <= window) {
      hits++;
      i++;
    }
  }
  const p = hits / e.length;
  const q = hits / r.length;
  return p + q > 0 ? (2 * p * q) / (p + q) : 0;
}

/**
 * The written beat times (s) of one of build-set.ts' MMA renders: it starts on a downbeat at the end of its beatless
 * intro (`introSec`, 0 for most) and keeps one tempo (`bpm`, the played tempo, stretched renders included), so beat k
 * is at introSec + k · 60 / bpm, for every k with a time below `durationSec` (the decoded length, s). Throws for an
 * item without a positive bpm (drones).
 */
export function truthBeats(it: Pick<EvalItem, 'bpm' | 'introSec'>, durationSec: number): number[] {
  if (typeof it.bpm !== 'number' || !(it.bpm > 0)) throw new Error('truthBeats: the item has no tempo (bpm)');
  const out: number[] = [];
  const period = 60 / it.bpm;
  for (let k = 0; ; k++) {
    const t = (it.introSec ?? 0) + k * period;
    if (t >= durationSec) return out;
    out.push(t);
  }
}
