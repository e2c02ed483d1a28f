import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PEAKS, PeaksAnalyser, SpectrogramAnalyser } from '../../main/engine/analysis/waveform';
import { RealFft, hann } from '../../main/engine/dsp/fft';
import { hzToMel, melFilterbank, melToHz } from '../../main/engine/dsp/mel';

function naivePower(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      re += x[t] * Math.cos((2 * Math.PI * k * t) / n);
      im -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
    }
    out[k] = re * re + im * im;
  }
  return out;
}

test('RealFft power spectrum matches a direct DFT (sizes 4 … 1024)', () => {
  for (const n of [4, 8, 64, 1024]) {
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + 0.5 * Math.cos(i * 1.3) + ((i * 7919) % 13) / 13 - 0.5);
    const fft = new RealFft(n);
    const got = new Float64Array(n / 2 + 1);
    fft.powerSpectrum(x, got);
    const want = naivePower(x);
    for (let k = 0; k <= n / 2; k++) assert.ok(Math.abs(got[k] - want[k]) <= 1e-6 * Math.max(1, want[k]), `n=${n} k=${k}: ${got[k]} vs ${want[k]}`);
  }
  assert.throws(() => new RealFft(1000), /power of two/);
});

/**
 * The radix-2 FFT of dsp/fft.ts as it was before its stages were paired (one stage at a time, the same
 * tables and operations): RealFft must give exactly these bits — pairing stages may change the order of
 * loads and stores, never an operation.
 */
function powerOneStageAtATime(x: Float64Array): Float64Array {
  const size = x.length;
  const m = size >> 1;
  const re = new Float64Array(m);
  const im = new Float64Array(m);
  const bits = Math.log2(m);
  for (let i = 0; i < m; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    re[r] = x[2 * i];
    im[r] = x[2 * i + 1];
  }
  const cosT = new Float64Array(Math.max(1, m >> 1));
  const sinT = new Float64Array(Math.max(1, m >> 1));
  for (let j = 0; j < m >> 1; j++) {
    cosT[j] = Math.cos((2 * Math.PI * j) / m);
    sinT[j] = -Math.sin((2 * Math.PI * j) / m);
  }
  for (let a = 0; a < m; a += 4) {
    const r0 = re[a] + re[a + 1], i0 = im[a] + im[a + 1], r1 = re[a] - re[a + 1], i1 = im[a] - im[a + 1];
    const r2 = re[a + 2] + re[a + 3], i2 = im[a + 2] + im[a + 3], r3 = re[a + 2] - re[a + 3], i3 = im[a + 2] - im[a + 3];
    re[a] = r0 + r2;
    im[a] = i0 + i2;
    re[a + 2] = r0 - r2;
    im[a + 2] = i0 - i2;
    re[a + 1] = r1 + i3;
    im[a + 1] = i1 - r3;
    re[a + 3] = r1 - i3;
    im[a + 3] = i1 + r3;
  }
  for (let len = 8; len <= m; len <<= 1) {
    const h = len >> 1;
    const step = m / len;
    for (let j = 0, t = 0; j < h; j++, t += step) {
      const c = cosT[t];
      const sn = sinT[t];
      for (let a = j; a < m; a += len) {
        const b = a + h;
        const xr = re[b] * c - im[b] * sn;
        const xi = re[b] * sn + im[b] * c;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
  const out = new Float64Array(m + 1);
  out[0] = (re[0] + im[0]) * (re[0] + im[0]);
  out[m] = (re[0] - im[0]) * (re[0] - im[0]);
  for (let k = 1; k < m; k++) {
    const wr = Math.cos((2 * Math.PI * k) / size);
    const wi = -Math.sin((2 * Math.PI * k) / size);
    const fer = re[k] + re[m - k], fei = im[k] - im[m - k], forr = im[k] + im[m - k], foi = re[m - k] - re[k];
    const xr = fer + wr * forr - wi * foi;
    const xi = fei + wr * foi + wi * forr;
    out[k] = 0.25 * (xr * xr + xi * xi);
  }
  return out;
}

test('RealFft: the same bits as the one-stage-at-a-time radix-2 FFT (sizes 8 … 8192: the 4- or 8-point first pass, stage pairs, the split by k and N/2 − k)', () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) - 0.5;
  for (const n of [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]) {
    const fft = new RealFft(n);
    const got = new Float64Array(n / 2 + 1);
    for (const scale of [1, 1e-4, 3e4]) {
      const x = Float64Array.from({ length: n }, () => scale * rnd());
      fft.powerSpectrum(x, got);
      const want = powerOneStageAtATime(x);
      for (let k = 0; k <= n / 2; k++) assert.ok(Object.is(got[k], want[k]), `n=${n} scale=${scale} k=${k}: ${got[k]} vs ${want[k]}`);
      // a float32 frame (ArrayLike input, read in bit-reversed order straight from it): the same bits as its float64 copy
      const x32 = Float32Array.from(x);
      fft.powerSpectrum(x32, got);
      const want32 = powerOneStageAtATime(Float64Array.from(x32));
      for (let k = 0; k <= n / 2; k++) assert.ok(Object.is(got[k], want32[k]), `float32 n=${n} scale=${scale} k=${k}`);
    }
  }
});

test('RealFft.windowedPowerSpectrum: the same bits as windowing into a frame, then powerSpectrum; a DFT of the windowed frame', () => {
  let seed = 777;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) - 0.5;
  for (const n of [4, 8, 16, 512, 1024, 2048]) {
    const fft = new RealFft(n);
    const w = hann(n);
    const got = new Float64Array(n / 2 + 1);
    const want = new Float64Array(n / 2 + 1);
    const off = 37;
    const src32 = Float32Array.from({ length: off + n + 5 }, () => rnd());
    const src64 = Float64Array.from({ length: off + n + 5 }, () => 1e3 * rnd());
    for (const src of [src32, src64]) {
      fft.windowedPowerSpectrum(src, off, w, got);
      const f = new Float64Array(n);
      for (let i = 0; i < n; i++) f[i] = src[off + i] * w[i];
      fft.powerSpectrum(f, want);
      for (let k = 0; k <= n / 2; k++) assert.ok(Object.is(got[k], want[k]), `n=${n} k=${k}: ${got[k]} vs ${want[k]}`);
      const direct = naivePower(f);
      for (let k = 0; k <= n / 2; k++) assert.ok(Math.abs(got[k] - direct[k]) <= 1e-9 * Math.max(1, direct[0]), `n=${n} k=${k} vs DFT`);
    }
  }
});

test('mel filterbank: monotonic bands, none empty, mel scale round-trips', () => {
  assert.ok(Math.abs(melToHz(hzToMel(1234)) - 1234) < 1e-6);
  const bands = melFilterbank(128, 1024, 22050, 0, 11025);
  assert.equal(bands.length, 128);
  let prev = -1;
  for (const b of bands) {
    assert.ok(b.weights.length > 0);
    assert.ok(b.weights.some((w) => w > 0));
    assert.ok(b.start >= prev, 'bands go up in frequency');
    prev = b.start;
  }
});

test('PeaksAnalyser: min/max per block, bounded count (pairs merge, samplesPerPeak doubles)', () => {
  const p = new PeaksAnalyser(0, 8);
  p.init(1000);
  assert.equal(p.samplesPerPeak, 10);
  const x = Float32Array.from({ length: 35 }, (_, i) => (i % 10 === 3 ? 0.5 : i % 10 === 7 ? -0.25 : 0));
  p.process([x]);
  assert.equal(p.finish().samples, 35);
  assert.deepEqual(Array.from(p.result()), [-0.25, 0.5, -0.25, 0.5, -0.25, 0.5, 0, 0.5]);
  // far more samples than stated: stays at most 8 pairs
  const q = new PeaksAnalyser(0.1, 8);
  q.init(1000);
  const big = new Float32Array(10_000);
  big[9_999] = 1;
  big[0] = -1;
  for (let i = 0; i < big.length; i += 333) q.process([big.subarray(i, Math.min(big.length, i + 333))]);
  q.finish();
  assert.ok(q.peaks <= 8 && q.peaks >= 4, `peaks ${q.peaks}`);
  const r = q.result();
  assert.equal(r[0], -1);
  assert.equal(r[r.length - 1], 1);
  assert.ok(q.samplesPerPeak * q.peaks >= 10_000);
  assert.equal(MAX_PEAKS, 1 << 19);
});

test('SpectrogramAnalyser: a full-scale sine is ~0 dB in the right band; columns capped', () => {
  const sr = 22050;
  const n = sr * 4;
  const f = 1000;
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / sr));
  const s = new SpectrogramAnalyser(n / sr, { maxColumns: 16 });
  s.init(sr);
  for (let i = 0; i < n; i += 4096) s.process([x.subarray(i, Math.min(n, i + 4096))]);
  s.finish();
  assert.ok(s.columnCount <= 16 && s.columnCount >= 8, `columns ${s.columnCount}`);
  const rows = s.opts.rows;
  const d = s.result();
  assert.equal(d.length, s.columnCount * rows);
  const col = 4;
  let best = 0;
  for (let r = 1; r < rows; r++) if (d[col * rows + r] > d[col * rows + best]) best = r;
  const bands = melFilterbank(rows, s.opts.fftSize, sr, 0, sr / 2);
  const centreHz = ((bands[best].start + bands[best].weights.indexOf(Math.max(...bands[best].weights))) * sr) / s.opts.fftSize;
  assert.ok(Math.abs(centreHz - f) < 60, `loudest band centre ${centreHz} Hz`);
  const db = (d[col * rows + best] / 255) * -s.opts.floorDb + s.opts.floorDb;
  assert.ok(db > -4 && db <= 0.5, `level ${db} dB`);
  // silence is at the floor
  const z = new SpectrogramAnalyser(1);
  z.init(sr);
  z.process([new Float32Array(sr)]);
  z.finish();
  assert.ok(z.result().every((v) => v === 0));
  // every sample lands in some frame: 1 s / hop 512 → 44 frames, pooled 1
  assert.equal(z.columnCount, Math.ceil(sr / 512));
  assert.ok(hann(8)[0] === 0);
});

test('SpectrogramAnalyser: a track that ends without fading has no broadband smear in its last columns (the tail frames are its last whole window, not zero-padded)', () => {
  // a 1 kHz sine cut mid-window (2 s + 300 samples at the wave stream's 16 kHz): before (zero padding) the frames that
  // reached past the end held a step to zero, which spread over every band — the last columns read up to ~-40 dB at 4–8 kHz
  const sr = 16000;
  const n = sr * 2 + 300;
  const x = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / sr));
  // fed in blocks that do not line up with the hop, as ffmpeg's are
  for (const block of [4096, 1000, 333]) {
    const s = new SpectrogramAnalyser(n / sr);
    s.init(sr);
    for (let i = 0; i < n; i += block) s.process([x.subarray(i, Math.min(n, i + block))]);
    const out = s.finish();
    const rows = out.rows;
    const bands = melFilterbank(rows, out.fftSize, sr, 0, sr / 2);
    const high = bands.map((b, r) => ((b.start + b.weights.length / 2) * sr) / out.fftSize >= 3000 ? r : -1).filter((r) => r >= 0);
    const maxHigh = (c: number) => Math.max(...high.map((r) => out.data[c * rows + r]));
    // every sample is at the start of some frame's hop: the column count is unchanged
    assert.equal(out.columns, Math.ceil(n / s.opts.hop), `block ${block}`);
    const middle = Math.max(...Array.from({ length: out.columns - 8 }, (_, c) => maxHigh(c + 4)));
    for (let c = out.columns - 3; c < out.columns; c++) assert.ok(maxHigh(c) <= middle + 3, `block ${block}: column ${c} of ${out.columns} reaches byte ${maxHigh(c)} above 3 kHz (the middle ${middle})`);
    // and the sine is still there at the end, at its level
    const mid = out.columns >> 1;
    let top = 0;
    for (let r = 1; r < rows; r++) if (out.data[mid * rows + r] > out.data[mid * rows + top]) top = r;
    const last = out.columns - 1;
    assert.ok(out.data[last * rows + top] >= out.data[mid * rows + top] - 3, `block ${block}: the last column still holds the sine (${out.data[last * rows + top]} vs ${out.data[mid * rows + top]})`);
  }
});
