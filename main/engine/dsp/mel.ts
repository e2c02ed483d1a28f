/** A sparse triangular mel filterbank over the bins of a real FFT. */
export interface MelBand {
  /** first FFT bin with a non-zero weight */
  start: number;
  weights: Float64Array;
}

export const hzToMel = (f: number) => 2595 * Math.log10(1 + f / 700);
export const melToHz = (m: number) => 700 * (10 ** (m / 2595) - 1);

/**
 * `bands` HTK-mel triangles (peak weight 1) from `fMin` to `fMax` over the
 * `fftSize / 2 + 1` bins of an FFT at `sampleRate`. A band narrower than a bin
 * (low frequencies at short FFT sizes) takes its nearest bin, so no row is empty.
 */
export function melFilterbank(bands: number, fftSize: number, sampleRate: number, fMin: number, fMax: number): MelBand[] {
  const nBins = fftSize / 2 + 1;
  const binHz = sampleRate / fftSize;
  const lo = hzToMel(fMin);
  const hi = hzToMel(fMax);
  const edges = Array.from({ length: bands + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (bands + 1)));
  const out: MelBand[] = [];
  for (let b = 0; b < bands; b++) {
    const [f0, f1, f2] = [edges[b], edges[b + 1], edges[b + 2]];
    let start = -1;
    const w: number[] = [];
    for (let k = Math.max(0, Math.floor(f0 / binHz)); k < nBins && k * binHz <= f2; k++) {
      const f = k * binHz;
      const v = f <= f1 ? (f - f0) / (f1 - f0) : (f2 - f) / (f2 - f1);
      if (v > 0) {
        if (start < 0) start = k;
        while (start + w.length < k) w.push(0);
        w.push(v);
      }
    }
    if (start < 0) {
      start = Math.min(nBins - 1, Math.round(f1 / binHz));
      w.push(1);
    }
    out.push({ start, weights: Float64Array.from(w) });
  }
  return out;
}
