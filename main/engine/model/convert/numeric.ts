/**
 * Tensor arithmetic the converter needs, on row-major Float32Arrays:
 * float16 rounding, transposition, LoRA merge, and the weight-only block
 * quantisation of com.microsoft MatMulNBits (same scheme as
 * tools/convert/llama.py quantize_nbits; values bit-identical to it).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE float16 bits, round to nearest even (as numpy/torch `.half()`). */
export function toFloat16Bits(x: number): number {
  f32[0] = x;
  const u = u32[0];
  const sign = (u >>> 16) & 0x8000;
  const e = (u >>> 23) & 0xff;
  let mant = u & 0x7fffff;
  if (e === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const exp = e - 127 + 15;
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - exp;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (exp << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** float16 bits → number (exact). */
export function fromFloat16Bits(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (m / 1024);
  if (e === 31) return m ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + m / 1024);
}

export function toFloat16(a: Float32Array): Uint16Array {
  const out = new Uint16Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = toFloat16Bits(a[i]);
  return out;
}

/** a stored in the pack dtype: float32 as is, fp16 rounded. */
export function inDtype(a: Float32Array, dtype: 'fp32' | 'fp16'): Float32Array | Uint16Array {
  return dtype === 'fp16' ? toFloat16(a) : a;
}

/** [rows, cols] → [cols, rows] (blocked for cache locality). */
export function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  const B = 64;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) {
        const row = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = a[row + c];
      }
    }
  }
  return out;
}

/**
 * LoRA merge in place: W[N, K] += scale · B[N, r] · A[r, K] (float32 result,
 * as delta.py's `w.float() + (B.float() @ A.float()) * scale`).
 */
export function mergeLora(w: Float32Array, a: Float32Array, b: Float32Array, N: number, K: number, r: number, scale: number): void {
  const row = new Float64Array(K);
  for (let n = 0; n < N; n++) {
    row.fill(0);
    const bo = n * r;
    let j = 0;
    // four rank rows at a time: one pass over `row` per four (the loop is memory-bound)
    for (; j + 4 <= r; j += 4) {
      const b0 = b[bo + j], b1 = b[bo + j + 1], b2 = b[bo + j + 2], b3 = b[bo + j + 3];
      const a0 = j * K, a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
      for (let k = 0; k < K; k++) row[k] += b0 * a[a0 + k] + b1 * a[a1 + k] + b2 * a[a2 + k] + b3 * a[a3 + k];
    }
    for (; j < r; j++) {
      const bv = b[bo + j];
      const ao = j * K;
      for (let k = 0; k < K; k++) row[k] += bv * a[ao + k];
    }
    const o = n * K;
    for (let k = 0; k < K; k++) w[o + k] = Math.fround(w[o + k] + Math.fround(Math.fround(row[k]) * scale));
  }
}

/** MatMulNBits block size along K (tools/convert/llama.py BLOCK_SIZE) */
export const BLOCK_SIZE = 32;

/**
 * Symmetric block quantisation of W [N, K] along K (MatMulNBits layout, no zero points:
 * the implicit zero point is 2^(bits-1), so w ≈ (code − 2^(bits-1)) · scale).
 * Returns codes uint8 [N, kBlocks, BLOCK_SIZE·bits/8] (int4: low nibble first) and
 * scales float32 [N, kBlocks]. K not a multiple of the block is zero-padded.
 */
export function quantizeNbits(w: Float32Array, N: number, K: number, bits: 4 | 8): { packed: Uint8Array; scales: Float32Array } {
  const kb = Math.ceil(K / BLOCK_SIZE);
  const blockBytes = (BLOCK_SIZE * bits) / 8;
  const packed = new Uint8Array(N * kb * blockBytes);
  const scales = new Float32Array(N * kb);
  const qmax = 2 ** (bits - 1) - 1;
  const qmin = -qmax - 1;
  const zero = 2 ** (bits - 1);
  // code of one value: round-half-even(fround(v / scale)) clamped, + zero (torch.round semantics)
  const code = (v: number, scale: number): number => {
    const x = Math.fround(v / scale);
    let c = Math.round(x);
    if (c - x === 0.5 && c & 1) c -= 1;
    return (c > qmax ? qmax : c < qmin ? qmin : c) + zero;
  };
  for (let n = 0; n < N; n++) {
    const row = n * K;
    for (let b = 0; b < kb; b++) {
      const k0 = row + b * BLOCK_SIZE;
      const len = Math.min(BLOCK_SIZE, K - b * BLOCK_SIZE);
      let amax = 0;
      for (let i = 0; i < len; i++) {
        const v = Math.abs(w[k0 + i]);
        if (v > amax) amax = v;
      }
      let scale = Math.fround(amax / qmax);
      if (scale === 0) scale = 1;
      scales[n * kb + b] = scale;
      const o = (n * kb + b) * blockBytes;
      if (bits === 4) {
        for (let i = 0; i < BLOCK_SIZE; i += 2) {
          const lo = code(i < len ? w[k0 + i] : 0, scale);
          const hi = code(i + 1 < len ? w[k0 + i + 1] : 0, scale);
          packed[o + (i >> 1)] = lo | (hi << 4);
        }
      } else {
        for (let i = 0; i < BLOCK_SIZE; i++) packed[o + i] = code(i < len ? w[k0 + i] : 0, scale);
      }
    }
  }
  return { packed, scales };
}

/** Inverse of quantizeNbits (for drift measurements): W' [N, K] float32. */
export function dequantizeNbits(packed: Uint8Array, scales: Float32Array, N: number, K: number, bits: 4 | 8): Float32Array {
  const kb = Math.ceil(K / BLOCK_SIZE);
  const blockBytes = (BLOCK_SIZE * bits) / 8;
  const out = new Float32Array(N * K);
  const zero = 2 ** (bits - 1);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const b = Math.floor(k / BLOCK_SIZE);
      const i = k % BLOCK_SIZE;
      const byte = packed[(n * kb + b) * blockBytes + (bits === 4 ? i >> 1 : i)];
      const code = bits === 4 ? (i & 1 ? byte >> 4 : byte & 0x0f) : byte;
      out[n * K + k] = Math.fround((code - zero) * scales[n * kb + b]);
    }
  }
  return out;
}

/**
 * llama.cpp's Q4_0 rounding (ggml quantize_row_q4_0_ref) in the MatMulNBits layout: per block
 * of 32, d = (the value of largest magnitude) / −8 rounded to float16 as ggml stores it,
 * code = min(15, ⌊w/d_fp32 + 8.5⌋), w ≈ (code − 8)·d. Uses all 16 levels (the studio's
 * symmetric scheme uses 15, step amax/7 instead of amax/8). Same output shapes as quantizeNbits(…, 4).
 */
export function quantizeQ4_0(w: Float32Array, N: number, K: number): { packed: Uint8Array; scales: Float32Array } {
  const kb = Math.ceil(K / BLOCK_SIZE);
  const packed = new Uint8Array(N * kb * (BLOCK_SIZE / 2));
  const scales = new Float32Array(N * kb);
  const q = new Uint8Array(BLOCK_SIZE);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < kb; b++) {
      const k0 = b * BLOCK_SIZE;
      const k1 = Math.min(K, k0 + BLOCK_SIZE);
      let amax = 0;
      let max = 0;
      for (let k = k0; k < k1; k++) {
        const v = w[n * K + k];
        if (amax < Math.abs(v)) {
          amax = Math.abs(v);
          max = v;
        }
      }
      const d = Math.fround(max / -8);
      const id = d ? Math.fround(1 / d) : 0;
      scales[n * kb + b] = fromFloat16Bits(toFloat16Bits(d));
      for (let i = 0; i < BLOCK_SIZE; i++) {
        const k = k0 + i;
        const v = k < k1 ? w[n * K + k] : 0;
        q[i] = Math.min(15, Math.trunc(Math.fround(Math.fround(v * id) + 8.5)));
      }
      const o = (n * kb + b) * (BLOCK_SIZE / 2);
      for (let i = 0; i < BLOCK_SIZE / 2; i++) packed[o + i] = (q[2 * i] & 0x0f) | ((q[2 * i + 1] & 0x0f) << 4);
    }
  }
  return { packed, scales };
}
