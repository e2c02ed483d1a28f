// The single-decode runner: bad input gives the contract's error codes, cancellation kills
// ffmpeg, progress is reported; plus the DSP building blocks it relies on.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StudioError, type ErrorCode } from '@contract';
import { lowpassFir, MonoDecimator, SharedStreams } from '../../main/engine/dsp/streams';
import { analyzeFile } from '../../main/engine/analysis/run';
import { analyzeTrack, defaultAnalysers } from '../../main/engine/analysis/index';
import type { Analyser } from '../../main/engine/analysis/types';
import { media, OUTPUT } from '../helpers/media';

const BAD = join(OUTPUT, 'analysis-bad');
mkdirSync(BAD, { recursive: true });

async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StudioError, `not a StudioError: ${err}`);
    assert.equal(err.code, code, err.message);
    assert.ok(err.message.length > 10);
    return;
  }
  assert.fail(`expected ${code}`);
}

const tone = () => media('an-tone-10.flac', ['-f', 'lavfi', '-i', 'sine=f=440:d=10,aformat=channel_layouts=stereo', '-c:a', 'flac']);

describe('analyzeFile: bad input', () => {
  it('missing file → NOT_FOUND', () => rejectsWith(analyzeFile(join(BAD, 'nope.mp3'), defaultAnalysers()), 'NOT_FOUND'));

  it('zero-length file → EMPTY_FILE', () => {
    const p = join(BAD, 'empty.mp3');
    writeFileSync(p, '');
    return rejectsWith(analyzeFile(p, defaultAnalysers()), 'EMPTY_FILE');
  });

  it('text with an audio extension → NOT_MEDIA', () => {
    const p = join(BAD, 'notes.flac');
    writeFileSync(p, 'these are not the samples you are looking for\n'.repeat(200));
    return rejectsWith(analyzeFile(p, defaultAnalysers()), 'NOT_MEDIA');
  });

  it('video without sound → NO_AUDIO', () => {
    const p = media('an-silent-video.mp4', ['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=10:d=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
    return rejectsWith(analyzeFile(p, defaultAnalysers()), 'NO_AUDIO');
  });

  it('truncated FLAC (header says 10 s, 40 % left): what decodes is analysed, ffmpeg\'s sign of the damage kept (one rule with the probe, issue 10 round 5)', async () => {
    const full = readFileSync(tone());
    const p = join(BAD, 'truncated.flac');
    writeFileSync(p, full.subarray(0, Math.floor(full.length * 0.4)));
    const r = await analyzeFile(p, defaultAnalysers());
    assert.ok(r.durationSec > 2 && r.durationSec < 5, `${r.durationSec}`);
    assert.ok(r.reportedDurationSec !== null && r.reportedDurationSec > 9.9);
    assert.ok(r.damage, 'the damage is kept for the warning');
  });

  it('a FLAC cut in its metadata (nothing decodes) → DECODE_FAILED, named truncated', async () => {
    const p = join(BAD, 'cut-in-metadata.flac');
    writeFileSync(p, readFileSync(tone()).subarray(0, 20));
    await assert.rejects(analyzeFile(p, defaultAnalysers()), (e: StudioError) => e.code === 'DECODE_FAILED' && /truncated/.test(e.message));
  });

  it('corrupt bytes inside an MP3 still analyse (ffmpeg conceals the damage)', async () => {
    const src = readFileSync(media('an-tone.mp3', ['-f', 'lavfi', '-i', 'sine=f=440:d=6', '-c:a', 'libmp3lame']));
    const bad = Buffer.from(src);
    for (let i = Math.floor(bad.length / 3); i < Math.floor(bad.length / 3) + 2000; i++) bad[i] = (i * 7919) & 0xff;
    const p = join(BAD, 'corrupt.mp3');
    writeFileSync(p, bad);
    const r = await analyzeTrack(p);
    assert.ok(r.durationSec > 3);
    assert.ok(r.loudness.integratedLufs !== null);
  });
});

describe('analyzeFile: one decode, cancellation, progress', () => {
  it('feeds every analyser the same stream, in order', async () => {
    const seen: string[] = [];
    const mk = (name: string): Analyser<number> => {
      let frames = 0;
      return {
        name,
        version: 3,
        init: (rate, ch) => seen.push(`${name} init ${rate} ${ch}`),
        process: (b) => void (frames += b[0].length),
        finish: () => frames,
      };
    };
    const run = await analyzeFile(tone(), [mk('a'), mk('b')]);
    assert.deepEqual(seen, ['a init 44100 2', 'b init 44100 2']);
    assert.equal(run.results.a, 441000);
    assert.equal(run.results.b, 441000);
    assert.deepEqual(run.versions, { a: 3, b: 3 });
    assert.equal(run.durationSec, 10);
  });

  it('keeps 48 kHz and mono as they are', async () => {
    const p = media('an-mono-48k.wav', ['-f', 'lavfi', '-i', 'sine=f=440:d=2:sample_rate=48000']);
    const run = await analyzeFile(p, []);
    assert.equal(run.sampleRate, 48000);
    assert.equal(run.channels, 1);
  });

  it('reports progress and the duration', async () => {
    const calls: [number, number | null][] = [];
    await analyzeFile(tone(), defaultAnalysers(), { onProgress: (d, t) => calls.push([d, t]) });
    assert.ok(calls.length >= 5);
    assert.equal(calls[calls.length - 1][1], 10);
    for (let i = 1; i < calls.length; i++) assert.ok(calls[i][0] > calls[i - 1][0]);
  });

  it('cancellation kills ffmpeg and rejects with CANCELLED', async () => {
    const long = media('an-long-120.flac', ['-f', 'lavfi', '-i', 'anoisesrc=d=120:c=pink,aformat=channel_layouts=stereo', '-c:a', 'flac']);
    const ac = new AbortController();
    let pid = 0;
    const p = analyzeFile(long, defaultAnalysers(), { signal: ac.signal, onSpawn: (x) => (pid = x), onProgress: () => ac.abort() });
    await rejectsWith(p, 'CANCELLED');
    assert.ok(pid > 0);
    assert.throws(() => process.kill(pid, 0), /ESRCH/);
  });

  it('a file rewritten while it is analysed → FILE_CHANGED', async () => {
    const src = media('an-long-60.flac', ['-f', 'lavfi', '-i', 'anoisesrc=d=60:c=pink,aformat=channel_layouts=stereo', '-c:a', 'flac']);
    const p = join(BAD, 'changing.flac');
    writeFileSync(p, readFileSync(src));
    let done = false;
    await rejectsWith(
      analyzeFile(p, defaultAnalysers(), {
        onProgress: () => {
          if (done) return;
          done = true;
          writeFileSync(p, readFileSync(tone())); // another track under the same name
        },
      }),
      'FILE_CHANGED',
    );
  });

  it('an already aborted signal never starts ffmpeg', () => {
    const ac = new AbortController();
    ac.abort();
    return rejectsWith(analyzeFile(tone(), defaultAnalysers(), { signal: ac.signal }), 'CANCELLED');
  });
});

describe('DSP building blocks', () => {
  it('MonoDecimator keeps a 440 Hz tone, removes 9 kHz, and reports its delay', () => {
    const fs = 44100;
    const n = fs;
    const a = new Float32Array(n);
    const b = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = Math.sin((2 * Math.PI * 440 * i) / fs);
      b[i] = Math.sin((2 * Math.PI * 9000 * i) / fs);
    }
    const dec = new MonoDecimator(fs, 11025);
    assert.equal(dec.factor, 4);
    for (let i = 0; i < n; i += 1000) dec.process([a.subarray(i, i + 1000), a.subarray(i, i + 1000)]);
    const y = dec.samples();
    assert.equal(y.length, n / 4);
    // Steady state: y[j] ≈ sin(2π·440·(4j − delay)/fs)
    for (let j = 200; j < y.length; j += 97) assert.ok(Math.abs(y[j] - Math.sin((2 * Math.PI * 440 * (4 * j - dec.delay)) / fs)) < 0.01, `sample ${j}`);
    const dec2 = new MonoDecimator(fs, 11025);
    dec2.process([b]);
    const y2 = dec2.samples();
    let m = 0;
    for (let j = 100; j < y2.length; j++) m = Math.max(m, Math.abs(y2[j]));
    assert.ok(m < 0.05, `9 kHz leaks at ${m}`);
  });

  it('MonoDecimator: the unrolled filters (24 taps, 16 taps, 18 taps) give exactly the plain folded FIR', () => {
    // the reference: the documented filter (lowpassFir, cutoff 0.42 / factor), folded sums in the same order
    const ref = (x: Float64Array, factor: number, taps: number) => {
      const h = lowpassFir(taps, 0.42 / factor);
      const pad = new Float64Array(taps - 1 + x.length);
      pad.set(x, taps - 1);
      const out: number[] = [];
      for (let p = taps - 1; p < pad.length; p += factor) {
        let acc = 0;
        for (let k = 0; k < taps >> 1; k++) acc += h[k] * (pad[p - taps + 1 + k] + pad[p - k]);
        out.push(Math.fround(acc));
      }
      return out;
    };
    const n = 20000;
    const a = new Float32Array(n);
    const b = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = Math.sin(i * 0.013) * 0.6 + Math.sin(i * 1.7) * 0.2;
      b[i] = Math.cos(i * 0.021) * 0.5;
    }
    const mix = Float64Array.from(a, (v, i) => 0.5 * (v + b[i]));
    for (const [inRate, outRate, perFactor, taps] of [[44100, 11025, 6, 24], [11025, 5512.5, 8, 16], [48000, 16000, 6, 18], [44100, 22050, 6, 12]] as const) {
      const dec = new MonoDecimator(inRate, outRate, perFactor);
      for (let i = 0; i < n; i += 1500) dec.process([a.subarray(i, i + 1500), b.subarray(i, i + 1500)]);
      const want = ref(mix, dec.factor, taps);
      assert.deepEqual(Array.from(dec.samples()), want, `${inRate} → ${outRate} (${taps} taps)`);
    }
  });
  it('MonoDecimator and the ~5.5 kHz tap: bit for bit the plain downmix + folded FIR for 1–8 channels, 44.1/48/96 kHz, any block sizes and lengths', () => {
    // the reference: the mean of the channels as MonoDecimator documents it (one channel as is, two as 0.5·(a + b),
    // more as the sum in channel order × 1/channels), zeros before the first sample, folded sums in k order
    const fir = (x: Float64Array, factor: number, taps: number) => {
      const h = lowpassFir(taps, 0.42 / factor);
      const pad = new Float64Array(taps - 1 + x.length);
      pad.set(x, taps - 1);
      const out: number[] = [];
      for (let p = taps - 1; p < pad.length; p += factor) {
        let acc = taps & 1 ? h[taps >> 1] * pad[p - (taps >> 1)] : 0;
        for (let k = 0; k < taps >> 1; k++) acc += h[k] * (pad[p - taps + 1 + k] + pad[p - k]);
        out.push(Math.fround(acc));
      }
      return out;
    };
    const downmix = (chs: Float32Array[]) =>
      Float64Array.from(chs[0], (v, i) => {
        if (chs.length === 1) return v;
        if (chs.length === 2) return 0.5 * (v + chs[1][i]);
        let s = 0;
        for (const c of chs) s += c[i];
        return s * (1 / chs.length);
      });
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
    for (const [rate, channels, n, sizes] of [
      [44100, 2, 20003, [4096]],
      [44100, 2, 9001, [1, 3, 7, 22, 23, 24, 25, 1000]],
      [48000, 1, 12345, [4096, 5, 333]],
      [44100, 6, 8191, [4096, 17]],
      [96000, 3, 10007, [4096, 2]],
      [48000, 8, 6000, [64, 4097]],
      [44100, 2, 20, [7]], // shorter than the filters: no output from the first blocks
    ] as const) {
      const chs = Array.from({ length: channels }, (_, c) => Float32Array.from({ length: n }, (_, i) => 0.7 * rnd() + 0.3 * Math.sin(i * (0.01 + 0.003 * c))));
      const s = new SharedStreams(rate, channels);
      const t11 = s.mono(11025);
      const t5 = s.mono(5512.5);
      const got11: number[] = [];
      const got5: number[] = [];
      // block sizes cycle through `sizes`: block edges fall on every phase of the factor
      for (let i = 0, b = 0; i < n; b++) {
        const len = Math.min(sizes[b % sizes.length], n - i);
        s.process(chs.map((c) => c.subarray(i, i + len)));
        got11.push(...t11.current);
        got5.push(...t5.current);
        s.endBlock();
        i += len;
      }
      const f1 = Math.round(rate / 11025);
      const want11 = fir(downmix(chs), f1, 6 * f1);
      const f2 = Math.round(rate / f1 / 5512.5);
      const want5 = fir(Float64Array.from(want11), f2, 8 * f2);
      const label = `${rate} Hz, ${channels} ch, ${n} frames, blocks ${sizes.join('/')}`;
      assert.equal(got11.length, want11.length, label);
      assert.ok(got11.every((v, i) => Object.is(v, want11[i])), `~11 kHz, ${label}`);
      assert.equal(got5.length, want5.length, label);
      assert.ok(got5.every((v, i) => Object.is(v, want5[i])), `~5.5 kHz, ${label}`);
    }
  });
});
