import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamResampler } from '../../main/engine/dsp/stream-resampler';
import { SincResampler } from '../../main/engine/model/preprocess/audio';
import { mulberry32 } from '../helpers/prng';

test('StreamResampler: fed in uneven pieces, its output equals torchaudio\'s resample of the whole signal (SincResampler), length ceil(new·len/orig) included', () => {
  const rnd = mulberry32(14);
  const x = new Float32Array(30011).map((_, i) => Math.sin(i * 0.01) + 0.5 * Math.cos(i * 0.37) + 0.1 * (rnd() - 0.5));
  for (const [a, b] of [[96000, 48000], [32000, 44100], [48000, 16000], [44100, 16000], [22050, 44100], [44100, 48000]] as const) {
    const whole = new SincResampler(a, b);
    const want = whole.outputRange(x, 0, whole.outputLength(x.length));
    const s = new StreamResampler(a, b);
    const got: number[] = [];
    for (let i = 0; i < x.length; ) {
      const n = 1 + Math.floor(rnd() * 3000);
      for (const v of s.push(x.subarray(i, i + n))) got.push(v);
      i += n;
    }
    for (const v of s.end()) got.push(v);
    assert.equal(got.length, want.length, `${a} → ${b}`);
    let d = 0;
    for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(got[i]! - want[i]!));
    assert.ok(d < 1e-6, `${a} → ${b}: max |Δ| ${d}`);
  }
});

/**
 * The oracle: torchaudio.functional.resample's dense conv1d, every one of the 2·width + orig taps of a phase (the
 * kernel as SincResampler builds it, float32 rounding steps mirrored), accumulated in float64 in tap order.
 */
function denseResample(x: Float32Array, origFreq: number, newFreq: number, lowpassFilterWidth = 6, rolloff = 0.99): Float32Array {
  let g = origFreq;
  for (let b = newFreq; b; ) [g, b] = [b, g % b];
  const orig = origFreq / g;
  const next = newFreq / g;
  const baseFreq = Math.min(orig, next) * rolloff;
  const width = Math.ceil((lowpassFilterWidth * orig) / baseFreq);
  const taps = 2 * width + orig;
  const f = Math.fround;
  const kernel = new Float32Array(next * taps);
  for (let p = 0; p < next; p++) {
    for (let k = 0; k < taps; k++) {
      let t = f(f(f(-p / next) + f((k - width) / orig)) * f(baseFreq));
      t = Math.max(-lowpassFilterWidth, Math.min(lowpassFilterWidth, t));
      const w = f(Math.cos(f((t * Math.PI) / lowpassFilterWidth / 2)) ** 2);
      const tt = f(t * Math.PI);
      kernel[p * taps + k] = f((tt === 0 ? 1 : f(Math.sin(tt) / tt)) * f(w * f(baseFreq / orig)));
    }
  }
  const out = new Float32Array(Math.ceil((next * x.length) / orig));
  for (let j = 0; j < out.length; j++) {
    const start = Math.floor(j / next) * orig - width;
    let acc = 0;
    for (let k = 0; k < taps; k++) {
      const i = start + k;
      if (i >= 0 && i < x.length) acc += kernel[(j % next) * taps + k]! * x[i]!;
    }
    out[j] = acc;
  }
  return out;
}

const RATES: Array<[number, number]> = [];
for (const a of [8000, 11025, 22050, 32000, 44100, 48000, 96000]) for (const b of [16000, 44100, 48000]) if (a !== b) RATES.push([a, b]);

test('SincResampler skips only the clamped taps: bit-identical to the dense conv1d on noise, tones and 16-bit PCM at 8–96 → 16/44.1/48 kHz, whole, a window and streamed', () => {
  const bad: string[] = [];
  const rnd = mulberry32(15);
  for (const [a, b] of RATES) {
    const n = Math.round(a * 0.3) + 7;
    const signals = {
      noise: new Float32Array(n).map(() => 2 * rnd() - 1),
      tones: new Float32Array(n).map((_, i) => 0.4 * Math.sin((2 * Math.PI * 440 * i) / a) + 0.3 * Math.sin((2 * Math.PI * 3001 * i) / a) + 0.01 * (rnd() - 0.5)),
      pcm16: new Float32Array(n).map((_, i) => Math.round((0.5 * Math.sin((2 * Math.PI * 97 * i) / a) + 0.2 * (rnd() - 0.5)) * 32767) / 32768),
      quiet: new Float32Array(n).map(() => 1e-5 * (rnd() - 0.5)),
    };
    const r = new SincResampler(a, b);
    for (const [name, x] of Object.entries(signals)) {
      const want = denseResample(x, a, b);
      const whole = r.outputRange(x, 0, r.outputLength(x.length));
      const from = Math.floor(want.length / 3);
      const to = Math.floor((2 * want.length) / 3);
      const [s, e] = r.inputWindow(from, to, x.length);
      const part = r.outputRangeOf(x.slice(s, e), s, x.length, from, to);
      const st = new StreamResampler(a, b);
      const streamed: number[] = [];
      for (let i = 0; i < x.length; i += 1000) for (const v of st.push(x.subarray(i, i + 1000))) streamed.push(v);
      for (const v of st.end()) streamed.push(v);
      if (whole.length !== want.length || whole.some((v, i) => !Object.is(v, want[i]))) bad.push(`${a} → ${b} ${name}: whole`);
      if (part.some((v, i) => !Object.is(v, want[from + i]))) bad.push(`${a} → ${b} ${name}: window`);
      if (streamed.length !== want.length || streamed.some((v, i) => !Object.is(v, want[i]))) bad.push(`${a} → ${b} ${name}: streamed`);
    }
  }
  assert.deepEqual(bad, []);
});

test('SincResampler beside digital silence: within Σ|clamped tap · x| ≤ 2e-21 of the dense conv1d (it drops ~1e-24 where only clamped taps met the signal)', () => {
  for (const [a, b] of RATES) {
    const n = Math.round(a * 0.25);
    const onset = new Float32Array(n).map((_, i) => (i < n / 2 ? 0 : Math.sin(i * 0.05)));
    const impulses = new Float32Array(n).map((_, i) => (i % 997 === 0 ? 1 : 0));
    const r = new SincResampler(a, b);
    for (const x of [onset, impulses]) {
      const want = denseResample(x, a, b);
      const got = r.outputRange(x, 0, r.outputLength(x.length));
      let d = 0;
      for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(got[i]! - want[i]!));
      assert.ok(d <= 2e-21, `${a} → ${b}: max |Δ| ${d}`);
    }
  }
});

test('SincResampler runs only the unclamped taps: 32 → 44.1 kHz ≤ 2·width + 1 of its 334 per phase (the dense conv1d ran all; speed: test/bench/resampler.ts)', () => {
  for (const [a, b] of [[32000, 44100], [44100, 16000], [48000, 16000]] as const) {
    const r = new SincResampler(a, b);
    const taps = 2 * r.width + r.orig;
    let most = 0;
    for (let p = 0; p < r.next; p++) {
      const n = r.end[p]! - r.first[p]!;
      assert.ok(n > 0, `${a} → ${b}: phase ${p} runs no tap`);
      most = Math.max(most, n);
    }
    assert.ok(most <= 2 * r.width + 1, `${a} → ${b}: up to ${most} of ${taps} taps run`);
  }
});

test('StreamResampler with a shared SincResampler (the channels of one decode): the same output; a kernel for other rates refused', () => {
  const x = new Float32Array(20000).map((_, i) => Math.sin(i * 0.013) + 0.3 * Math.cos(i * 0.7));
  const shared = new SincResampler(32000, 44100);
  const run = (s: StreamResampler) => {
    const out: number[] = [];
    for (let i = 0; i < x.length; i += 3001) for (const v of s.push(x.subarray(i, i + 3001))) out.push(v);
    for (const v of s.end()) out.push(v);
    return out;
  };
  const a = run(new StreamResampler(32000, 44100, shared));
  const b = run(new StreamResampler(32000, 44100, shared));
  assert.deepEqual(a, run(new StreamResampler(32000, 44100)));
  assert.deepEqual(b, a);
  assert.throws(() => new StreamResampler(48000, 44100, shared), /not 48000 → 44100/);
});
