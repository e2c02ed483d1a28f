/**
 * DeepResonance's image preprocessing (ImageBind's load_and_transform_vision_data):
 * PIL image → torchvision Resize(224, BICUBIC) → CenterCrop(224) → ToTensor →
 * Normalize(CLIP mean/std). The resize reproduces Pillow's two-pass
 * convolution resampler for 8-bit images exactly (same coefficients, same
 * 22-bit fixed point, same rounding and clipping after each pass), so pixel
 * values match Pillow's bit for bit on the same decoded RGB input.
 */

export const IMAGE_SIZE = 224;
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

const PRECISION_BITS = 32 - 8 - 2;

function bicubic(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

interface Coeffs {
  ksize: number;
  bounds: Int32Array; // [xmin, count] per output pixel
  kk: Int32Array; // fixed-point coefficients, ksize per output pixel
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bicubic filter (support 2). */
function precompute(inSize: number, outSize: number): Coeffs {
  const in0 = 0;
  const in1 = inSize;
  const scale = (in1 - in0) / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 2 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    k.fill(0);
    for (let x = 0; x < xmax; x++) {
      const w = bicubic((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) if (ww !== 0) k[x] /= ww;
    for (let x = 0; x < ksize; x++) {
      const v = k[x];
      kk[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

function clip8(ss: number): number {
  // ss fits in a double exactly (|ss| < 2^53); Pillow shifts a 32-bit int.
  const v = Math.floor(ss / (1 << PRECISION_BITS));
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Pillow `Image.resize((outW, outH), Image.BICUBIC)` of an RGB image (rgb24, row-major). */
export function resizeBicubicRGB(src: Uint8Array, w: number, h: number, outW: number, outH: number): Uint8Array {
  const needH = outW !== w;
  const needV = outH !== h;
  const horiz = precompute(w, outW);
  const vert = precompute(h, outH);
  let img = src;
  let iw = w;
  let ih = h;
  const vBounds = vert.bounds.slice();
  if (needH) {
    const yFirst = vBounds[0];
    const yLast = vBounds[outH * 2 - 2] + vBounds[outH * 2 - 1];
    for (let i = 0; i < outH; i++) vBounds[i * 2] -= yFirst;
    const rows = needV ? yLast - yFirst : h;
    const offset = needV ? yFirst : 0;
    const tmp = new Uint8Array(outW * rows * 3);
    const { ksize, bounds, kk } = horiz;
    for (let yy = 0; yy < rows; yy++) {
      const rowIn = (yy + offset) * iw * 3;
      const rowOut = yy * outW * 3;
      for (let xx = 0; xx < outW; xx++) {
        const xmin = bounds[xx * 2];
        const xmax = bounds[xx * 2 + 1];
        const ko = xx * ksize;
        let s0 = 1 << (PRECISION_BITS - 1);
        let s1 = s0;
        let s2 = s0;
        for (let x = 0; x < xmax; x++) {
          const c = kk[ko + x];
          const p = rowIn + (x + xmin) * 3;
          s0 += img[p] * c;
          s1 += img[p + 1] * c;
          s2 += img[p + 2] * c;
        }
        tmp[rowOut + xx * 3] = clip8(s0);
        tmp[rowOut + xx * 3 + 1] = clip8(s1);
        tmp[rowOut + xx * 3 + 2] = clip8(s2);
      }
    }
    img = tmp;
    iw = outW;
    ih = rows;
  }
  if (needV) {
    const out = new Uint8Array(iw * outH * 3);
    const { ksize, kk } = vert;
    for (let yy = 0; yy < outH; yy++) {
      const ymin = vBounds[yy * 2];
      const ymax = vBounds[yy * 2 + 1];
      const ko = yy * ksize;
      for (let xx = 0; xx < iw; xx++) {
        let s0 = 1 << (PRECISION_BITS - 1);
        let s1 = s0;
        let s2 = s0;
        for (let y = 0; y < ymax; y++) {
          const c = kk[ko + y];
          const p = ((y + ymin) * iw + xx) * 3;
          s0 += img[p] * c;
          s1 += img[p + 1] * c;
          s2 += img[p + 2] * c;
        }
        const o = (yy * iw + xx) * 3;
        out[o] = clip8(s0);
        out[o + 1] = clip8(s1);
        out[o + 2] = clip8(s2);
      }
    }
    img = out;
    ih = outH;
  }
  void ih;
  return img === src ? src.slice() : img;
}

/** torchvision Resize(size) on a PIL image: the shorter side becomes `size`, the longer int(size·long/short). */
export function resizedSize(w: number, h: number, size = IMAGE_SIZE): [number, number] {
  if (w <= h) return [size, Math.trunc((size * h) / w)];
  return [Math.trunc((size * w) / h), size];
}

/**
 * Decoded RGB → the vision encoder's image input [3, 224, 224] (float32, CHW,
 * normalised). For an image the encoder repeats it into 2 frames itself.
 */
export function imageToPixelValues(rgb: Uint8Array, w: number, h: number): Float32Array {
  const [rw, rh] = resizedSize(w, h);
  const resized = resizeBicubicRGB(rgb, w, h, rw, rh);
  // torchvision CenterCrop: top = int(round((h − 224) / 2)), left likewise (round half to even).
  const roundHalfEven = (x: number) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };
  const top = roundHalfEven((rh - IMAGE_SIZE) / 2);
  const left = roundHalfEven((rw - IMAGE_SIZE) / 2);
  const plane = IMAGE_SIZE * IMAGE_SIZE;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < IMAGE_SIZE; y++) {
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const p = ((y + top) * rw + (x + left)) * 3;
      for (let c = 0; c < 3; c++) {
        out[c * plane + y * IMAGE_SIZE + x] = (Math.fround(resized[p + c] / 255) - CLIP_MEAN[c]) / CLIP_STD[c];
      }
    }
  }
  return out;
}
