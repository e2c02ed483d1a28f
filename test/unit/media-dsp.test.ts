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
