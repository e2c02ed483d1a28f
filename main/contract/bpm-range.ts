/**
 * The BPM range setting (issue 11), as DJ software offers it (Mixxx, rekordbox:
 * 70–140, 85–170, …): a stored tempo is shown and exported at the metrical
 * level that falls in the range, by doubling or halving it. The analysis is
 * never re-run and the stored value is never changed.
 */
import { z } from 'zod';
import { orderedBounds } from './bounds';

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
 * The factor (×2ⁿ: …, ½, 1, 2, …) that doubles or halves the tempo `ref` (BPM) into `range`: until it lies in
 * [min, max) (max included when reached only from below); for a range narrower than an octave where no level falls
 * inside, the level closest to the range on a log scale. 1 without a range or for a null, non-positive or non-finite
 * ref. The one rule of the BPM range: foldBpm and trackTempoFactor apply it.
 */
export function rangeFactor(ref: number | null | undefined, range: BpmRange | null | undefined): number {
  if (ref === null || ref === undefined || !range || !(ref > 0) || !Number.isFinite(ref)) return 1;
  let k = 1;
  while (ref * k < range.min) k *= 2;
  while (ref * k > range.max) k /= 2;
  // ref·k ≤ max now; if a narrow range left it below min, take the nearer of ref·k and 2·ref·k (log distance)
  if (ref * k < range.min && Math.log2((2 * ref * k) / range.max) < Math.log2(range.min / (ref * k))) k *= 2;
  return k;
}

/**
 * `bpm` doubled or halved into `range` (rangeFactor), rounded to 0.1 BPM. null stays null; a non-positive or
 * non-finite bpm, or any bpm without a range, is returned unchanged.
 */
export function foldBpm(bpm: number | null, range: BpmRange | null | undefined): number | null {
  if (bpm === null || !range || !(bpm > 0) || !Number.isFinite(bpm)) return bpm;
  return Math.round(bpm * rangeFactor(bpm, range) * 10) / 10;
}

/** A tempo section as trackTempoFactor reads it (TempoSection's shape): `start`, `end` s; `bpm`, optional `endBpm` (a ramp). */
export interface SectionTempo {
  start: number;
  end: number;
  bpm: number;
  endBpm?: number;
}

/**
 * The time-weighted median tempo (BPM) of tempo sections — the tempo most of the track is at; a ramp counts at its
 * middle on a log scale (√(bpm·endBpm)). null when no section has a usable tempo.
 */
export function sectionsMedianBpm(sections: readonly SectionTempo[] | null | undefined): number | null {
  const mid = (s: SectionTempo) => (s.endBpm === undefined ? s.bpm : Math.sqrt(s.bpm * s.endBpm));
  const byTempo = (sections ?? []).filter((s) => mid(s) > 0 && Number.isFinite(mid(s))).sort((a, b) => mid(a) - mid(b));
  const total = byTempo.reduce((n, s) => n + Math.max(0, s.end - s.start), 0);
  for (let acc = 0, i = 0; i < byTempo.length; i++) {
    acc += Math.max(0, byTempo[i].end - byTempo[i].start);
    if (acc >= total / 2) return mid(byTempo[i]);
  }
  return byTempo[0] ? mid(byTempo[0]) : null;
}

/**
 * THE factor (×2ⁿ) by which everything tempo-like of one track is shown in the BPM range — the BPM column (foldBpm),
 * the tempo curve (foldCurve), the tempo sections (foldSections), the export and `studio analyze --bpm-range` — so
 * they never disagree (a column at 196 beside sections "96 → 104" did, reviewer of tester24). Taken from the track's
 * stored whole-track tempo `bpm`; only when the track has none, from its sections' time-weighted median
 * (sectionsMedianBpm), then from its curve's median point. 1 without a range or any usable tempo.
 */
export function trackTempoFactor(
  bpm: number | null | undefined,
  range: BpmRange | null | undefined,
  fallback: { sections?: readonly SectionTempo[] | null; curve?: readonly { bpm: number }[] | null } = {},
): number {
  if (!range) return 1;
  if (bpm !== null && bpm !== undefined && bpm > 0 && Number.isFinite(bpm)) return rangeFactor(bpm, range);
  const fromSections = sectionsMedianBpm(fallback.sections);
  if (fromSections !== null) return rangeFactor(fromSections, range);
  const sorted = (fallback.curve ?? []).map((p) => p.bpm).filter((v) => v > 0 && Number.isFinite(v)).sort((a, b) => a - b);
  return rangeFactor(sorted[Math.floor(sorted.length / 2)], range);
}

/**
 * The factor (×2ⁿ) by which a track's tempo sections are shown in the BPM range: the track's (trackTempoFactor, that
 * of its BPM column) times the octave that brings the sections' time-weighted median to the level of its stored `bpm`
 * (nearest on a log scale), so the sections are shown at the column's level even where the analysis states them an
 * octave from the whole-track estimate (a 90 → 129 → 90 track whose whole-track estimate is 177.1: column 177.1, sections
 * 180 → 258 → 180 in 100–200; column 88.6, sections 90 → 129 → 90 in 60–120). One factor for every section, so their
 * ratios stay. Without a stored bpm, the factor of the sections' median; 1 without a range.
 */
export function sectionsTempoFactor(sections: readonly SectionTempo[], bpm: number | null | undefined, range: BpmRange | null | undefined): number {
  if (!range) return 1;
  const k = trackTempoFactor(bpm, range, { sections });
  const med = sectionsMedianBpm(sections);
  if (bpm === null || bpm === undefined || !(bpm > 0) || !Number.isFinite(bpm) || med === null) return k;
  return k * 2 ** Math.round(Math.log2(bpm / med));
}

/**
 * A tempo curve (`{t: s, bpm}` points) shown in the BPM range: every point moved by the track's one factor
 * (trackTempoFactor: its tempo `bpm`, else its `sections`' median, else the curve's median), so the curve stays
 * continuous where it wavers across an end of the range (folding each point alone would draw a 140 BPM track
 * jumping between 140 and 70 in 70–140) and agrees with the BPM column and the sections. Points rounded to 0.1 BPM;
 * no range (or no usable reference): the curve unchanged.
 */
export function foldCurve<P extends { bpm: number }>(curve: P[], bpm: number | null, range: BpmRange | null | undefined, sections: readonly SectionTempo[] | null = null): P[] {
  if (!range || !curve.length) return curve;
  const k = trackTempoFactor(bpm, range, { sections, curve });
  return k === 1 ? curve : curve.map((p) => ({ ...p, bpm: Math.round(p.bpm * k * 10) / 10 }));
}

/**
 * "70-140" (also "70–140", "70:140") → `{min: 70, max: 140}`; typed high to low ("140 – 120") it is the same range,
 * `{min: 120, max: 140}` (orderedBounds: the order of two bounds says nothing else).
 * @throws Error naming the accepted form when the text is not a valid range (equal bounds, outside 20–400, not numbers).
 */
export function parseBpmRange(text: string): BpmRange {
  const m = /^\s*(\d+(?:\.\d+)?)\s*[-–:]\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  const [min, max] = m ? orderedBounds(Number(m[1]), Number(m[2])) : [NaN, NaN];
  const r = m ? BpmRange.safeParse({ min, max }) : null;
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

/**
 * The ↕ mark's explanation, one text wherever a tempo is marked outside the range (the library's BPM column, the track
 * header, the Beat grid's button): "100.0 BPM is outside the BPM range 120–130: no doubling or halving of this tempo
 * falls inside it (the range is narrower than an octave), so it is shown at the level nearest to the range".
 * `shown`: the tempo as shown (foldBpm's result). `studio analyze`'s line says the same in short (analyze-text.ts
 * rangeNote: "↕ outside 120–130: neither doubled nor halved falls in it") after narrowBpmRangeNote has said it in full.
 */
export function outsideBpmRangeNote(shown: number, range: BpmRange): string {
  return `${shown.toFixed(1)} BPM is outside the BPM range ${range.min}–${range.max}: no doubling or halving of this tempo falls inside it (the range is narrower than an octave), so it is shown at the level nearest to the range`;
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
