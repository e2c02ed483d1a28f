// Beat-tracking accuracy against written beats (issue 11: the beat grid's beats "right where the tempo is"); used by
// test/bench/beat-accuracy.ts, pinned by test/unit/eval-beat-f.test.ts.
import type { EvalItem } from './build-set';

/** MIREX / mir_eval tolerance window, seconds either side of a true beat. */
export const F_WINDOW_SEC = 0.07;
/**
 * A tight tolerance window, seconds either side of a true beat: beatF at ±20 ms (F@20) scores where inside its ~23 ms
 * envelope frame (hop 256 at 11,025 Hz) a beat is stated, which MIREX's ±70 ms cannot (beats38). A DJ's grid is judged
 * at this scale: two decks' kicks 20 ms apart are heard as a flam.
 */
export const TIGHT_SEC = 0.02;
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
  return matchF(
    est.filter((t) => t >= TRIM_SEC),
    ref.filter((t) => t >= TRIM_SEC),
    window,
  );
}

/** F-measure of `e` against `r` (both ascending, s): each reference beat matched to at most one estimate within ±window, greedily in time order. */
function matchF(e: readonly number[], r: readonly number[], window: number): number {
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

/** earlyBeats' span: the first 10 s of a track, twice what MIREX's F (TRIM_SEC) leaves out. */
export const EARLY_SEC = 10;

/**
 * How a tracker's first beats sit against the written ones — what beatF cannot see, since it drops the first TRIM_SEC
 * (a tracker's start-up: session 37, openmsx's boogi_marabi_redfarn.mid with its first ~22 beats ~100 ms late). Over
 * the reference beats before `untilSec` (s; EARLY_SEC) and the estimates before it: `f`, the F-measure at ±`window` s
 * with nothing trimmed (beatF's matching; null when no reference beat lies there — a render whose beatless intro lasts
 * past `untilSec` has nothing to score; 0 when no estimate does); for each such reference beat, the nearest
 * estimate within half the reference interval at that beat (the next interval for the last beat; 0.5 s for a lone
 * beat): `meanOffset` the mean of estimate − reference (s; > 0: late), `meanAbsOffset` the mean of its absolute value
 * (s), both null when no beat has one; `found` how many reference beats have one, of `written`. `est`, `ref`: beat
 * times in seconds, ascending.
 */
export function earlyBeats(est: readonly number[], ref: readonly number[], untilSec = EARLY_SEC, window = F_WINDOW_SEC): { f: number | null; meanOffset: number | null; meanAbsOffset: number | null; found: number; written: number } {
  const e = est.filter((t) => t >= 0 && t < untilSec);
  const r = ref.filter((t) => t >= 0 && t < untilSec);
  let sum = 0;
  let sumAbs = 0;
  let found = 0;
  for (let k = 0; k < ref.length; k++) {
    if (!(ref[k] >= 0 && ref[k] < untilSec)) continue;
    const half = (k + 1 < ref.length ? ref[k + 1] - ref[k] : k > 0 ? ref[k] - ref[k - 1] : 0.5) / 2;
    let best: number | null = null;
    for (const t of est) if (Math.abs(t - ref[k]) <= half && (best === null || Math.abs(t - ref[k]) < Math.abs(best - ref[k]))) best = t;
    if (best === null) continue;
    found++;
    sum += best - ref[k];
    sumAbs += Math.abs(best - ref[k]);
  }
  return { f: r.length ? matchF(e, r, window) : null, meanOffset: found ? sum / found : null, meanAbsOffset: found ? sumAbs / found : null, found, written: r.length };
}
