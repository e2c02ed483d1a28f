/**
 * A perceptual colour map for the spectrogram (an approximation of matplotlib's
 * "magma", by linear interpolation between stops): 256 RGBA entries.
 */
const STOPS: [number, number, number, number][] = [
  [0.0, 0, 0, 4],
  [0.13, 28, 16, 68],
  [0.25, 79, 18, 123],
  [0.38, 129, 37, 129],
  [0.5, 181, 54, 122],
  [0.63, 229, 80, 100],
  [0.75, 251, 135, 97],
  [0.88, 254, 194, 135],
  [1.0, 252, 253, 191],
];

export function buildColormap(): Uint32Array {
  const lut = new Uint32Array(256);
  const little = new Uint8Array(new Uint32Array([0x01020304]).buffer)[0] === 0x04;
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    let k = 0;
    while (k < STOPS.length - 2 && STOPS[k + 1][0] < t) k++;
    const [t0, r0, g0, b0] = STOPS[k];
    const [t1, r1, g1, b1] = STOPS[k + 1];
    const f = (t - t0) / (t1 - t0);
    const r = Math.round(r0 + (r1 - r0) * f);
    const g = Math.round(g0 + (g1 - g0) * f);
    const b = Math.round(b0 + (b1 - b0) * f);
    lut[i] = little ? (255 << 24) | (b << 16) | (g << 8) | r : (r << 24) | (g << 16) | (b << 8) | 255;
  }
  return lut;
}

/**
 * Paint a column-major Uint8 spectrogram (column c, row r at c*rows + r, row 0
 * = lowest frequency) into a canvas of columns × rows pixels, low frequencies
 * at the bottom.
 */
export function paintSpectrogram(data: Uint8Array, columns: number, rows: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, columns);
  canvas.height = Math.max(1, rows);
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(canvas.width, canvas.height);
  const px = new Uint32Array(img.data.buffer);
  const lut = buildColormap();
  for (let c = 0; c < columns; c++) {
    const base = c * rows;
    for (let r = 0; r < rows; r++) {
      px[(rows - 1 - r) * columns + c] = lut[data[base + r] ?? 0];
    }
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}
