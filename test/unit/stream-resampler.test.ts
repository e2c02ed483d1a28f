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
