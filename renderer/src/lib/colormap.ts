/**
 * Colour maps for the spectrogram (256 RGBA entries each, by linear
 * interpolation between stops of matplotlib's perceptual maps, as Sonic
 * Visualiser offers several), and the painting of the engine's Uint8 mel
 * spectrogram into a canvas with a gain and a frequency axis of choice.
 */
import { melRowOf, yToFreq, type FreqScale } from './freq-axis';

export type { FreqScale } from './freq-axis';

export type ColormapName = 'magma' | 'viridis' | 'grey';
export const COLORMAPS: ColormapName[] = ['magma', 'viridis', 'grey'];

const STOPS: Record<ColormapName, [number, number, number, number][]> = {
  magma: [
    [0.0, 0, 0, 4],
    [0.13, 28, 16, 68],
    [0.25, 79, 18, 123],
    [0.38, 129, 37, 129],
    [0.5, 181, 54, 122],
    [0.63, 229, 80, 100],
    [0.75, 251, 135, 97],
    [0.88, 254, 194, 135],
    [1.0, 252, 253, 191],
  ],
  viridis: [
    [0.0, 68, 1, 84],
    [0.13, 72, 36, 117],
    [0.25, 65, 68, 135],
    [0.38, 53, 95, 141],
    [0.5, 42, 120, 142],
    [0.63, 32, 146, 140],
    [0.75, 53, 183, 121],
    [0.88, 144, 215, 67],
    [1.0, 253, 231, 37],
  ],
  grey: [
    [0, 0, 0, 0],
    [1, 255, 255, 255],
  ],
};

const luts = new Map<ColormapName, Uint32Array>();

/** The 256-entry RGBA lookup table of a colour map (in the platform's byte order for ImageData). */
export function buildColormap(name: ColormapName = 'magma'): Uint32Array {
  const hit = luts.get(name);
  if (hit) return hit;
  const stops = STOPS[name];
  const lut = new Uint32Array(256);
  const little = new Uint8Array(new Uint32Array([0x01020304]).buffer)[0] === 0x04;
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    let k = 0;
    while (k < stops.length - 2 && stops[k + 1][0] < t) k++;
    const [t0, r0, g0, b0] = stops[k];
    const [t1, r1, g1, b1] = stops[k + 1];
    const f = (t - t0) / (t1 - t0);
    const r = Math.round(r0 + (r1 - r0) * f);
    const g = Math.round(g0 + (g1 - g0) * f);
    const b = Math.round(b0 + (b1 - b0) * f);
    lut[i] = little ? (255 << 24) | (b << 16) | (g << 8) | r : (r << 24) | (g << 16) | (b << 8) | 255;
  }
  luts.set(name, lut);
  return lut;
}

/** rows of a remapped (linear / log) image */
const REMAP_ROWS = 256;

export interface PaintOptions {
  map?: ColormapName;
  /** dB added to every value before the colour map (the engine's bytes span floorDb … 0 dB) */
  gainDb?: number;
  /** the engine's floor (dB, negative), to turn the gain into byte steps */
  floorDb?: number;
  scale?: FreqScale;
  /** the top row's frequency (Hz), for a remapped scale */
  maxHz?: number;
}

/**
 * Paint a column-major Uint8 spectrogram (column c, row r at c*rows + r, row 0
 * = lowest frequency) into a canvas `columns` wide, low frequencies at the
 * bottom: `rows` high on the mel axis as computed, REMAP_ROWS high on a
 * linear or log axis (each drawn row takes the mel row holding its frequency).
 */
export function paintSpectrogram(data: Uint8Array, columns: number, rows: number, opts: PaintOptions = {}): HTMLCanvasElement {
  const scale = opts.scale ?? 'mel';
  const maxHz = opts.maxHz ?? 8000;
  const outRows = scale === 'mel' ? rows : REMAP_ROWS;
  const rowOf = new Int32Array(outRows);
  for (let y = 0; y < outRows; y++) {
    rowOf[y] = scale === 'mel' ? y : melRowOf(yToFreq((y + 0.5) / outRows, maxHz, scale), rows, maxHz);
  }
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, columns);
  canvas.height = Math.max(1, outRows);
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(canvas.width, canvas.height);
  const px = new Uint32Array(img.data.buffer);
  const base = buildColormap(opts.map ?? 'magma');
  // the gain shifts the byte scale: bytes per dB = 255 / −floorDb
  const shift = opts.gainDb ? Math.round((opts.gainDb * 255) / -(opts.floorDb ?? -90)) : 0;
  let lut = base;
  if (shift) {
    lut = new Uint32Array(256);
    for (let i = 0; i < 256; i++) lut[i] = base[Math.max(0, Math.min(255, i + shift))];
  }
  for (let c = 0; c < columns; c++) {
    const b = c * rows;
    for (let y = 0; y < outRows; y++) {
      px[(outRows - 1 - y) * columns + c] = lut[data[b + rowOf[y]] ?? 0];
    }
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}
