/**
 * The engine's one FFT (spectrogram, analysers, the model's fbank features).
 * A radix-2 real FFT (N a power of two, N ≥ 4): the N real samples are packed
 * into an N/2-point complex FFT and split afterwards, so a frame costs about
 * half of a complex FFT of the same length. Tables are built once per size.
 */
export class RealFft {
  readonly size: number;
  private readonly half: number;
  /** log2(N/2) */
  private readonly bits: number;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly rev: Uint32Array;
  /** a window of ones (x · 1 is x, to the bit): powerSpectrum is windowedPowerSpectrum with it */
  private readonly ones: Float64Array;
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
    this.ones = new Float64Array(size).fill(1);
    const bits = Math.log2(m);
    this.bits = bits;
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
   * |X[k]|² for k = 0 … N/2 of the real input `x` (length N, float64 or float32 samples, any scale) into `out`
   * (float64, length N/2 + 1; unnormalised: a DFT's Σ x[n]·e^(−2πikn/N), squared). No allocation per call.
   * The result is, to the bit, that of the plain radix-2 decimation-in-time FFT one stage at a time with these
   * tables (test/unit/media-dsp.test.ts holds that reference): windowedPowerSpectrum's passes only group its
   * butterflies.
   */
  powerSpectrum(x: ArrayLike<number>, out: Float64Array): void {
    this.windowedPowerSpectrum(x, 0, this.ones, out);
  }

  /**
   * powerSpectrum of the frame x[offset + n] · window[n], n < N, without writing that frame anywhere: the same
   * bits as `for (n) f[n] = x[offset + n] * window[n]` (a float64 product) and then powerSpectrum(f, out).
   * `x`: samples (float32 or float64), at least offset + N of them; `window`: float64, length N (e.g. hann(N));
   * `out`: float64, length N/2 + 1. No allocation per call.
   */
  windowedPowerSpectrum(x: ArrayLike<number>, offset: number, window: Float64Array, out: Float64Array): void {
    const o = offset;
    const w = window;
    const m = this.half;
    const re = this.re;
    const im = this.im;
    const rev = this.rev;
    const cosT = this.cosT;
    const sinT = this.sinT;
    // The first pass: the stages of length 2 and 4 (trivial twiddles 1, −i), and where log2(m) is odd, the stage
    // of length 8 as well, so that an even number of stages is left and all of them go in pairs below. It reads the
    // input in bit-reversed order straight from `x` (element a + k of the permuted frame is x[o + j]·w[j], j = 2·rev[a + k], as rev
    // is its own inverse) and holds each group of 4 (or 8) points in locals: loaded and stored once.
    if (m >= 8 && (this.bits & 1) === 1) {
      const step = m >> 3;
      const c1 = cosT[step], s1 = sinT[step];
      const c2 = cosT[2 * step], s2 = sinT[2 * step];
      const c3 = cosT[3 * step], s3 = sinT[3 * step];
      const c0 = cosT[0], s0 = sinT[0];
      for (let a = 0; a < m; a += 8) {
        // stages 2 and 4 on points a … a + 3 (q, p) and a + 4 … a + 7 (u, v)
        let j0 = 2 * rev[a], j1 = 2 * rev[a + 1], j2 = 2 * rev[a + 2], j3 = 2 * rev[a + 3];
        let x0 = x[o + j0] * w[j0], y0 = x[o + j0 + 1] * w[j0 + 1], x1 = x[o + j1] * w[j1], y1 = x[o + j1 + 1] * w[j1 + 1];
        let x2 = x[o + j2] * w[j2], y2 = x[o + j2 + 1] * w[j2 + 1], x3 = x[o + j3] * w[j3], y3 = x[o + j3 + 1] * w[j3 + 1];
        let r0 = x0 + x1, i0 = y0 + y1, r1 = x0 - x1, i1 = y0 - y1;
        let r2 = x2 + x3, i2 = y2 + y3, r3 = x2 - x3, i3 = y2 - y3;
        const q0 = r0 + r2, p0 = i0 + i2, q2 = r0 - r2, p2 = i0 - i2;
        const q1 = r1 + i3, p1 = i1 - r3, q3 = r1 - i3, p3 = i1 + r3;
        j0 = 2 * rev[a + 4];
        j1 = 2 * rev[a + 5];
        j2 = 2 * rev[a + 6];
        j3 = 2 * rev[a + 7];
        x0 = x[o + j0] * w[j0], y0 = x[o + j0 + 1] * w[j0 + 1], x1 = x[o + j1] * w[j1], y1 = x[o + j1 + 1] * w[j1 + 1];
        x2 = x[o + j2] * w[j2], y2 = x[o + j2 + 1] * w[j2 + 1], x3 = x[o + j3] * w[j3], y3 = x[o + j3 + 1] * w[j3 + 1];
        r0 = x0 + x1, i0 = y0 + y1, r1 = x0 - x1, i1 = y0 - y1;
        r2 = x2 + x3, i2 = y2 + y3, r3 = x2 - x3, i3 = y2 - y3;
        const u0 = r0 + r2, v0 = i0 + i2, u2 = r0 - r2, v2 = i0 - i2;
        const u1 = r1 + i3, v1 = i1 - r3, u3 = r1 - i3, v3 = i1 + r3;
        // stage 8: (a + j, a + 4 + j), twiddle j·m/8
        let xr = u0 * c0 - v0 * s0;
        let xi = u0 * s0 + v0 * c0;
        re[a + 4] = q0 - xr;
        im[a + 4] = p0 - xi;
        re[a] = q0 + xr;
        im[a] = p0 + xi;
        xr = u1 * c1 - v1 * s1;
        xi = u1 * s1 + v1 * c1;
        re[a + 5] = q1 - xr;
        im[a + 5] = p1 - xi;
        re[a + 1] = q1 + xr;
        im[a + 1] = p1 + xi;
        xr = u2 * c2 - v2 * s2;
        xi = u2 * s2 + v2 * c2;
        re[a + 6] = q2 - xr;
        im[a + 6] = p2 - xi;
        re[a + 2] = q2 + xr;
        im[a + 2] = p2 + xi;
        xr = u3 * c3 - v3 * s3;
        xi = u3 * s3 + v3 * c3;
        re[a + 7] = q3 - xr;
        im[a + 7] = p3 - xi;
        re[a + 3] = q3 + xr;
        im[a + 3] = p3 + xi;
      }
    } else if (m >= 4) {
      for (let a = 0; a < m; a += 4) {
        const j0 = 2 * rev[a];
        const j1 = 2 * rev[a + 1];
        const j2 = 2 * rev[a + 2];
        const j3 = 2 * rev[a + 3];
        const x0 = x[o + j0] * w[j0], y0 = x[o + j0 + 1] * w[j0 + 1], x1 = x[o + j1] * w[j1], y1 = x[o + j1 + 1] * w[j1 + 1];
        const x2 = x[o + j2] * w[j2], y2 = x[o + j2 + 1] * w[j2 + 1], x3 = x[o + j3] * w[j3], y3 = x[o + j3 + 1] * w[j3 + 1];
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
        re[j] = x[o + 2 * i] * w[2 * i];
        im[j] = x[o + 2 * i + 1] * w[2 * i + 1];
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
    // The radix-2 stages left (an even number: 8 or 16 … m), two at a time: stage `len` and
    // stage 2·len in one pass over each 4-point group a0 = g + j, a1 = a0 + h, a2 = a0 + len,
    // a3 = a2 + h (h = len/2) — the same butterflies, each the same operations on the same
    // values as one stage at a time (so the same result to the bit), loaded and stored once.
    let len = m >= 8 && (this.bits & 1) === 1 ? 16 : 8;
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
    // split into the spectrum of the real signal
    const r0 = re[0];
    const i0 = im[0];
    out[0] = (r0 + i0) * (r0 + i0);
    out[m] = (r0 - i0) * (r0 - i0);
    const wrT = this.wr;
    const wiT = this.wi;
    // k and m − k together (the same operations as one k at a time, each point loaded once); k = m/2 pairs with itself
    for (let k = 1, l = m - 1; k <= l; k++, l--) {
      const a = re[k];
      const b = im[k];
      const c = re[l];
      const d = im[l];
      let fer = a + c;
      let fei = b - d;
      let forr = b + d;
      let foi = c - a;
      let wr = wrT[k];
      let wi = wiT[k];
      let xr = fer + wr * forr - wi * foi;
      let xi = fei + wr * foi + wi * forr;
      out[k] = 0.25 * (xr * xr + xi * xi);
      fer = c + a;
      fei = d - b;
      forr = d + b;
      foi = a - c;
      wr = wrT[l];
      wi = wiT[l];
      xr = fer + wr * forr - wi * foi;
      xi = fei + wr * foi + wi * forr;
      out[l] = 0.25 * (xr * xr + xi * xi);
    }
  }
}

/** A periodic Hann window of length n. */
export function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}
