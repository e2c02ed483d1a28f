/**
 * Mel helpers shared by the display spectrogram (analysis/waveform.ts) and the
 * model's Kaldi fbank (model/preprocess/audio.ts). Only the scale is shared:
 * the fbank keeps Kaldi's own filter construction (float32 rounding, 20 Hz
 * floor), which the display filterbank below does not imitate.
 */

/** A sparse triangular mel filterbank over the bins of a real FFT. */
export interface MelBand {
  /** first FFT bin with a non-zero weight */
  start: number;
  weights: Float64Array;
}

/**
 * The HTK mel scale, m = 1127 · ln(1 + f / 700) (Hz → mel), written exactly as
 * Kaldi / torchaudio's `kaldi.mel_scale` write it, so the model's fbank
 * (model/preprocess/audio.ts) and the display spectrogram share one scale and
 * the fbank stays bit-faithful to torchaudio. (= 2595 · log10(1 + f / 700).)
 */
export const hzToMel = (f: number) => 1127.0 * Math.log(1.0 + f / 700.0);
/** Inverse of hzToMel (mel → Hz). */
export const melToHz = (m: number) => 700.0 * (Math.exp(m / 1127.0) - 1.0);

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
