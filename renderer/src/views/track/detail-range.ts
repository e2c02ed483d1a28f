/**
 * What the zoomed view asks the engine for (`media:wave-range`; the engine's
 * side is main/engine/analysis/waveform-range.ts). Plain functions, tested in
 * test/unit/track-detail-range.test.ts against the engine's planRange.
 */
/** the engine's bound on one range (s) */
const MAX_RANGE_SEC = 600;

/** The engine's width per peak for a resolution (planRange: the largest power of two ≤ rate / px per s). */
export function samplesPerPeakFor(pixelsPerSec: number, rate = 16000): number {
  return Math.min(1 << 16, 2 ** Math.floor(Math.log2(Math.max(1, rate / pixelsPerSec))));
}

/**
 * The range to ask for: the view plus about half its width either side, snapped
 * outwards to a grid of a power of two seconds near a quarter of the view (so
 * that views a little apart ask for the same range, which the engine has cached),
 * within the track and the engine's bound.
 */
export function paddedRange(start: number, end: number, durationSec: number): [number, number] {
  const span = Math.min(end - start, MAX_RANGE_SEC / 2);
  const grid = 2 ** Math.round(Math.log2(Math.max(1e-3, span / 4)));
  const s = Math.max(0, Math.floor((start - span / 2) / grid) * grid);
  let e = Math.min(Math.ceil((end + span / 2) / grid) * grid, s + 0.999 * MAX_RANGE_SEC);
  if (durationSec > 0) e = Math.min(e, durationSec);
  return [s, e > s ? e : s + span];
}
