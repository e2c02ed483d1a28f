/** EBU R128's short-term window: each value of a loudness curve measures the 3 s from its time on (analysis/loudness.ts). */
export const SHORT_TERM_SEC = 3;

/**
 * Where each value of a loudness curve is drawn: [time (s), LUFS] at the middle of its window, i·stepSec + 1.5 s (no
 * later than `endSec`), or null where the value is silent (the curve breaks there). Before, at i·stepSec + stepSec/2:
 * 1 s early, a curve ending 2.5 s before the track (tester22).
 */
export function loudnessPoints(values: readonly (number | null)[], stepSec: number, endSec: number): ([number, number] | null)[] {
  return values.map((v, i) => (v === null || !Number.isFinite(v) ? null : [Math.min(endSec, i * stepSec + SHORT_TERM_SEC / 2), v]));
}
