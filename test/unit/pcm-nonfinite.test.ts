// The PCM reader (media/pcm.ts) reads a non-finite sample (NaN, ±Inf: a float file from a plugin that blew up) as
// silence and every other sample bit for bit — including −0 and the largest floats — wherever it falls in the
// pipe's chunks. Reference: the WAV's own samples, written here, with the same rule applied one by one.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { nonFiniteSum, readPcmOutputs } from '../../main/engine/media/pcm';
import { OUTPUT } from '../helpers/media';

/** a 32-bit float WAV (WAVE_FORMAT_IEEE_FLOAT) of interleaved `samples` */
function floatWav(path: string, samples: Float32Array, channels: number, rate: number): void {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(3, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * channels * 4, 28);
  h.writeUInt16LE(channels * 4, 32);
  h.writeUInt16LE(32, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([h, data]));
}

describe('PCM reader: non-finite samples', () => {
  it('the scan finds one non-finite sample at any position of any length (each of its four lanes, the tail)', () => {
    for (let n = 1; n <= 13; n++) {
      const x = new Float32Array(n).map((_, i) => (i % 2 ? -1 : 1) * 3.4028234663852886e38 * (i / n));
      assert.equal(nonFiniteSum(x), 0, `all finite, length ${n}`);
      for (let at = 0; at < n; at++) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const y = x.slice();
          y[at] = bad;
          assert.ok(Number.isNaN(nonFiniteSum(y)), `length ${n}: ${bad} at ${at} not found`);
        }
      }
    }
  });

  it('reads NaN and ±Inf as 0 and every finite sample unchanged, in any chunk', async () => {
    const rate = 44100;
    const frames = rate * 3;
    const x = new Float32Array(frames * 2);
    for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin(i * 0.001) * (i % 3 ? 1 : -1);
    // bad samples at the start, around 16/32/64 KiB chunk edges, in a run, and at the very end; finite extremes beside them
    const bad: Array<[number, number]> = [[0, NaN], [1, Infinity], [4095, -Infinity], [4096, NaN], [8191, NaN], [16384, Infinity], [x.length - 1, NaN]];
    // single ones at every position mod 4 (the scan's four lanes, whatever a chunk's start)
    bad.push([10, -Infinity], [23, NaN], [2001, Infinity], [3002, NaN]);
    for (let k = 0; k < 300; k++) bad.push([100_000 + k, NaN]);
    for (const [i, v] of bad) x[i] = v;
    x[5] = -0;
    x[6] = 3.4028234663852886e38;
    x[7] = -3.4028234663852886e38;
    x[8] = 1.401298464324817e-45;
    const dir = join(OUTPUT, 'pcm-nonfinite');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'nonfinite.wav');
    floatWav(path, x, 2, rate);
    const got = new Float32Array(x.length);
    let at = 0;
    await readPcmOutputs(path, { outputs: [{ filter: 'aformat=sample_fmts=flt', onFrames: (v) => { got.set(v, at); at += v.length; } }] });
    assert.equal(at, x.length);
    const want = x.map((v) => (Number.isFinite(v) ? v : 0));
    const wantBits = new Uint32Array(want.buffer);
    const gotBits = new Uint32Array(got.buffer);
    const diff: number[] = [];
    for (let i = 0; i < wantBits.length && diff.length < 10; i++) if (wantBits[i] !== gotBits[i]) diff.push(i);
    assert.deepEqual(diff, [], `samples differ at ${diff.join(', ')}`);
    assert.ok(Object.is(got[5], -0));
  });
});
