/**
 * The BPM range setting (issue 11), as DJ software offers it (Mixxx, rekordbox:
 * 70–140, 85–170, …): a stored tempo is shown and exported at the metrical
 * level that falls in the range, by doubling or halving it. The analysis is
 * never re-run and the stored value is never changed.
 */
import { z } from 'zod';

/** `{min, max}` in beats per minute, 20 ≤ min < max ≤ 400. */
export const BpmRange = z
  .object({ min: z.number().min(20).max(400), max: z.number().min(20).max(400) })
  .strict()
  .refine((r) => r.max > r.min, 'a BPM range ends above where it starts');
export type BpmRange = z.infer<typeof BpmRange>;

/** The ranges the app offers by name (each one octave wide, so every tempo has exactly one level in it). */
export const BPM_RANGE_PRESETS: readonly BpmRange[] = [
  { min: 60, max: 120 },
  { min: 70, max: 140 },
  { min: 85, max: 170 },
  { min: 90, max: 180 },
  { min: 100, max: 200 },
];

/**
 * `bpm` doubled or halved until it lies in [min, max) (for a range at least an
 * octave wide, max included when max = 2·min is reached only from below).
 * For a range narrower than an octave where no level falls inside, the level
 * closest to the range on a log scale. null stays null; a non-positive or
 * non-finite bpm is returned unchanged. Result rounded to 0.1 BPM.
 */
export function foldBpm(bpm: number | null, range: BpmRange | null | undefined): number | null {
  if (bpm === null || !range || !(bpm > 0) || !Number.isFinite(bpm)) return bpm;
  let v = bpm;
  while (v < range.min) v *= 2;
  while (v > range.max) v /= 2;
  // v ≤ max now; if a narrow range left it below min, take the nearer of v and 2v (log distance)
  if (v < range.min && Math.log2(2 * v / range.max) < Math.log2(range.min / v)) v *= 2;
  return Math.round(v * 10) / 10;
}

/**
 * A tempo curve (`{t: s, bpm}` points) shown in the BPM range: every point
 * moved by the one factor (×2ⁿ) that folds the track's tempo `bpm` — or,
 * without one, the curve's median — so the curve stays continuous where it
 * wavers across an end of the range (folding each point alone would draw a
 * 140 BPM track jumping between 140 and 70 in 70–140). Points rounded to
 * 0.1 BPM; no range (or no usable reference): the curve unchanged.
 */
export function foldCurve<P extends { bpm: number }>(curve: P[], bpm: number | null, range: BpmRange | null | undefined): P[] {
  if (!range || !curve.length) return curve;
  const sorted = curve.map((p) => p.bpm).filter((v) => v > 0 && Number.isFinite(v)).sort((a, b) => a - b);
  const ref = bpm !== null && bpm > 0 && Number.isFinite(bpm) ? bpm : sorted[Math.floor(sorted.length / 2)];
  if (ref === undefined) return curve;
  let k = 1;
  while (ref * k < range.min) k *= 2;
  while (ref * k > range.max) k /= 2;
  // the same narrow-range choice as foldBpm
  if (ref * k < range.min && Math.log2((2 * ref * k) / range.max) < Math.log2(range.min / (ref * k))) k *= 2;
  return k === 1 ? curve : curve.map((p) => ({ ...p, bpm: Math.round(p.bpm * k * 10) / 10 }));
}

/**
 * "70-140" (also "70–140", "70:140") → `{min: 70, max: 140}`.
 * @throws Error naming the accepted form when the text is not a valid range.
 */
export function parseBpmRange(text: string): BpmRange {
  const m = /^\s*(\d+(?:\.\d+)?)\s*[-–:]\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  const r = m ? BpmRange.safeParse({ min: Number(m[1]), max: Number(m[2]) }) : null;
  if (!r || !r.success) throw new Error(`"${text}" is not a BPM range: expected MIN-MAX with 20 ≤ MIN < MAX ≤ 400, e.g. 70-140`);
  return r.data;
}

/**
 * Whether a tempo as shown (`shown`: foldBpm's result, BPM) still lies outside `range`: only possible for a range
 * narrower than an octave (max < 2·min), where no doubling or halving of some tempi falls inside (100 BPM in
 * 120–130: 100 and 200 both miss). false without a range or a tempo. Tolerates foldBpm's 0.1 BPM rounding.
 */
export function outsideBpmRange(shown: number | null, range: BpmRange | null | undefined): boolean {
  if (shown === null || !range || !(shown > 0) || !Number.isFinite(shown)) return false;
  return shown < range.min - 0.05 || shown > range.max + 0.05;
}

/** Whether `range` is narrower than an octave (max < 2·min): some tempos then have no level inside it. */
export const narrowBpmRange = (range: BpmRange | null | undefined): boolean => !!range && range.max < 2 * range.min;

/**
 * What the app and `studio analyze --bpm-range` say once about a range narrower than an octave, null for any other:
 * "The BPM range 120–130 is narrower than an octave (130 < 2 × 120): some tempos cannot be doubled or halved into it
 * (100 BPM: 100 and 200 both fall outside); they are shown at the level nearest to the range, marked as outside it."
 * The example is a tempo midway (log scale) between max/2 and min, which no level brings inside (left out where
 * 0.1 BPM rounding would bring it inside: a range a hair narrower than an octave).
 */
export function narrowBpmRangeNote(range: BpmRange | null | undefined): string | null {
  if (!range || !narrowBpmRange(range)) return null;
  const ex = Math.round(Math.sqrt(range.max * 2 * range.min) * 5) / 10;
  const example = ex < range.min && ex * 2 > range.max ? ` (${ex} BPM: ${ex} and ${Math.round(ex * 20) / 10} both fall outside)` : '';
  return `The BPM range ${range.min}–${range.max} is narrower than an octave (${range.max} < 2 × ${range.min}): some tempos cannot be doubled or halved into it${example}; they are shown at the level nearest to the range, marked as outside it.`;
}
