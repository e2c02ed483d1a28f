/**
 * The spectrogram's frequency axes (pure; the painting is in colormap.ts): the
 * engine's mel rows as computed, or a linear or logarithmic axis, and the mel
 * row that holds a frequency (main/engine/dsp/mel.ts centres the rows).
 */
/** The frequency axis drawn: the engine's mel rows as they are, or remapped to a linear or a logarithmic axis. */
export type FreqScale = 'mel' | 'linear' | 'log';
/** lowest frequency of the log axis (Hz) */
export const LOG_MIN_HZ = 40;
export const hzToMel = (f: number) => 2595 * Math.log10(1 + f / 700);
export const melToHz = (m: number) => 700 * (10 ** (m / 2595) - 1);

/**
 * Where a frequency lies on the drawn axis: 0 = bottom, 1 = top (`maxHz` at
 * the top; the log axis starts at LOG_MIN_HZ).
 */
export function freqToY(f: number, maxHz: number, scale: FreqScale): number {
  if (scale === 'linear') return f / maxHz;
  if (scale === 'log') return f <= LOG_MIN_HZ ? 0 : Math.log(f / LOG_MIN_HZ) / Math.log(maxHz / LOG_MIN_HZ);
  return hzToMel(f) / hzToMel(maxHz);
}

/** The frequency (Hz) at height `y` (0 = bottom, 1 = top) of the drawn axis; the inverse of freqToY. */
export function yToFreq(y: number, maxHz: number, scale: FreqScale): number {
  const v = Math.max(0, Math.min(1, y));
  if (scale === 'linear') return v * maxHz;
  if (scale === 'log') return LOG_MIN_HZ * (maxHz / LOG_MIN_HZ) ** v;
  return melToHz(v * hzToMel(maxHz));
}

/**
 * The mel row nearest frequency `f`: the engine's filterbank (main/engine/dsp/mel.ts)
 * centres row r (0 = lowest) at mel (r + 1) / (rows + 1) of `maxHz`'s.
 */
export function melRowOf(f: number, rows: number, maxHz: number): number {
  const r = Math.round((hzToMel(Math.max(0, f)) / hzToMel(maxHz)) * (rows + 1)) - 1;
  return Math.max(0, Math.min(rows - 1, r));
}

