/**
 * The engine's one FFT (spectrogram, analysers, the model's fbank features).
 * A radix-2 real FFT (N a power of two, N ≥ 4): the N real samples are packed
 * into an N/2-point complex FFT and split afterwards, so a frame costs about
 * half of a complex FFT of the same length. Tables are built once per size.
 */
export class RealFft {
  readonly size: number;
  private readonly half: number;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly rev: Uint32Array;
  /** twiddles of the N/2-point complex FFT: e^(−2πij/(N/2)), j < N/4 */
  private readonly cosT: Float64Array;
  private readonly sinT: Float64Array;
  /** split twiddles e^(−2πik/N), k ≤ N/2 */
  private readonly wr: Float64Array;
  private readonly wi: Float64Array;

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new Error(`FFT size must be a power of two ≥ 4, got ${size}`);
    this.size = size;
    const m = size >> 1;
    this.half = m;
    this.re = new Float64Array(m);
    this.im = new Float64Array(m);
    this.rev = new Uint32Array(m);
    const bits = Math.log2(m);
    for (let i = 0; i < m; i++) {
      let r = 0;
      for (let b = 0, x = i; b < bits; b++, x >>= 1) r = (r << 1) | (x & 1);
      this.rev[i] = r;
    }
    this.cosT = new Float64Array(Math.max(1, m >> 1));
    this.sinT = new Float64Array(Math.max(1, m >> 1));
    for (let j = 0; j < m >> 1; j++) {
      this.cosT[j] = Math.cos((2 * Math.PI * j) / m);
      this.sinT[j] = -Math.sin((2 * Math.PI * j) / m);
    }
    this.wr = new Float64Array(m + 1);
    this.wi = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      this.wr[k] = Math.cos((2 * Math.PI * k) / size);
      this.wi[k] = -Math.sin((2 * Math.PI * k) / size);
    }
  }

  /**
   * |X[k]|² for k = 0 … N/2 of the real input `x` (length N) into `out`
   * (length N/2 + 1).
   */
  powerSpectrum(x: ArrayLike<number>, out: Float64Array): void {
    const m = this.half;
    const re = this.re;
    const im = this.im;
    const rev = this.rev;
    const cosT = this.cosT;
    const sinT = this.sinT;
    // stages of length 2 and 4 have trivial twiddles (1, −i): done together, reading the input in bit-reversed
    // order straight from `x` (element a + k of the permuted array is x[2·rev[a + k]], as rev is its own inverse)
    if (m >= 4) {
      for (let a = 0; a < m; a += 4) {
        const j0 = 2 * rev[a];
        const j1 = 2 * rev[a + 1];
        const j2 = 2 * rev[a + 2];
        const j3 = 2 * rev[a + 3];
        const x0 = x[j0], y0 = x[j0 + 1], x1 = x[j1], y1 = x[j1 + 1];
        const x2 = x[j2], y2 = x[j2 + 1], x3 = x[j3], y3 = x[j3 + 1];
        const r0 = x0 + x1;
        const i0 = y0 + y1;
        const r1 = x0 - x1;
        const i1 = y0 - y1;
        const r2 = x2 + x3;
        const i2 = y2 + y3;
        const r3 = x2 - x3;
        const i3 = y2 - y3;
        re[a] = r0 + r2;
        im[a] = i0 + i2;
        re[a + 2] = r0 - r2;
        im[a + 2] = i0 - i2;
        // (r3 + i·i3)·(−i) = i3 − i·r3
        re[a + 1] = r1 + i3;
        im[a + 1] = i1 - r3;
        re[a + 3] = r1 - i3;
        im[a + 3] = i1 + r3;
      }
    } else {
      for (let i = 0; i < m; i++) {
        const j = rev[i];
        re[j] = x[2 * i];
        im[j] = x[2 * i + 1];
      }
      for (let a = 0; a < m; a += 2) {
        const r = re[a + 1];
        const ii = im[a + 1];
        re[a + 1] = re[a] - r;
        im[a + 1] = im[a] - ii;
        re[a] += r;
        im[a] += ii;
      }
    }
    // The radix-2 stages of length 8 … m, two at a time where two remain: stage `len` and
    // stage 2·len in one pass over each 4-point group a0 = g + j, a1 = a0 + h, a2 = a0 + len,
    // a3 = a2 + h (h = len/2) — the same butterflies, each the same operations on the same
    // values as one stage at a time (so the same result to the bit), loaded and stored once.
    let len = 8;
    for (; 2 * len <= m; len <<= 2) {
      const h = len >> 1;
      const len2 = len << 1;
      const step = m / len;
      const step2 = m / len2;
      for (let j = 0; j < h; j++) {
        const c = cosT[j * step];
        const sn = sinT[j * step];
        const c0 = cosT[j * step2];
        const s0 = sinT[j * step2];
        const c1 = cosT[(j + h) * step2];
        const s1 = sinT[(j + h) * step2];
        for (let a0 = j; a0 < m; a0 += len2) {
          const a1 = a0 + h;
          const a2 = a0 + len;
          const a3 = a2 + h;
          // stage len: (a0, a1) and (a2, a3), twiddle j·m/len
          let rb = re[a1];
          let ib = im[a1];
          let xr = rb * c - ib * sn;
          let xi = rb * sn + ib * c;
          const r0 = re[a0];
          const i0 = im[a0];
          const r1 = r0 - xr;
          const i1 = i0 - xi;
          const q0 = r0 + xr;
          const p0 = i0 + xi;
          rb = re[a3];
          ib = im[a3];
          xr = rb * c - ib * sn;
          xi = rb * sn + ib * c;
          const r2 = re[a2];
          const i2 = im[a2];
          const r3 = r2 - xr;
          const i3 = i2 - xi;
          const q2 = r2 + xr;
          const p2 = i2 + xi;
          // stage 2·len: (a0, a2) twiddle j·m/(2·len), (a1, a3) twiddle (j + h)·m/(2·len)
          xr = q2 * c0 - p2 * s0;
          xi = q2 * s0 + p2 * c0;
          re[a2] = q0 - xr;
          im[a2] = p0 - xi;
          re[a0] = q0 + xr;
          im[a0] = p0 + xi;
          xr = r3 * c1 - i3 * s1;
          xi = r3 * s1 + i3 * c1;
          re[a3] = r1 - xr;
          im[a3] = i1 - xi;
          re[a1] = r1 + xr;
          im[a1] = i1 + xi;
        }
      }
    }
    for (; len <= m; len <<= 1) {
      const h = len >> 1;
      const step = m / len;
      for (let j = 0, t = 0; j < h; j++, t += step) {
        const c = cosT[t];
        const sn = sinT[t];
        for (let a = j; a < m; a += len) {
          const b = a + h;
          const rb = re[b];
          const ib = im[b];
          const xr = rb * c - ib * sn;
          const xi = rb * sn + ib * c;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
    // split into the spectrum of the real signal
    const r0 = re[0];
    const i0 = im[0];
    out[0] = (r0 + i0) * (r0 + i0);
    out[m] = (r0 - i0) * (r0 - i0);
    const wrT = this.wr;
    const wiT = this.wi;
    for (let k = 1; k < m; k++) {
      const a = re[k];
      const b = im[k];
      const c = re[m - k];
      const d = im[m - k];
      const fer = a + c;
      const fei = b - d;
      const forr = b + d;
      const foi = c - a;
      const wr = wrT[k];
      const wi = wiT[k];
      const xr = fer + wr * forr - wi * foi;
      const xi = fei + wr * foi + wi * forr;
      out[k] = 0.25 * (xr * xr + xi * xi);
    }
  }
}

/** A periodic Hann window of length n. */
export function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}
