// Issue 10's leftovers, session 11 (helper files14). Each test failed on the code before it (main at b9655b3), with
// the value named:
// - More than 64 channels for analyze and the library: an ADM/Atmos BWF master of 65–128 channels or 8th-order
//   Ambisonics (81), which ffmpeg 5.1 decodes but cannot convert, resample or mix (libswresample's SWR_CH_MAX, the
//   pan filter). The model has read them since files13 (media-truth-kinds25); `studio analyze`, the library scan and
//   the track view's waveform refused them ("… 72 channels, and ffmpeg converts at most 64"). Now ffmpeg writes the
//   decoder's own samples (pcm.ts PcmOutput.native) and the studio shapes them (analysis/run.ts decodeWide): every
//   channel at 44.1/48 kHz for loudness, tempo and key, their mean at 16 kHz for the waveform, resampled (where the
//   rate changes) with torchaudio's windowed sinc. Checked against the same signal in a 64-channel file, which ffmpeg
//   still reads itself: loudness exactly 10·log10(n/64) LU above it (every channel weighs 1.0 without positions),
//   tempo, key and the decoded length the same, the waveform's peaks and a time range's detail within 0.005.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LoudnessResult, TempoResult, TonalResult } from '../../main/engine/analysis';
import { analyzeFile } from '../../main/engine/analysis/run';
import { computeRange, planRange, type WaveRangeData } from '../../main/engine/analysis/waveform-range';
import { analyseFile } from '../../main/engine/media/analysis';
import type { PeaksData } from '../../main/engine/analysis/waveform';
import { analyseForLibrary, libraryAnalysers } from '../../main/engine/library/analyse';
import { probeFile } from '../../main/engine/media/probe';
import { ff, OUTPUT, ROOT } from '../helpers/media';
import { mulberry32 } from '../helpers/prng';

const DIR = join(OUTPUT, 'media-truth-kinds26');

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
});
after(() => rmSync(DIR, { recursive: true, force: true }));

/**
 * `sec` seconds at `rate` of a small piece of music, mono in [−1, 1]: a decaying 60 Hz kick on every beat at 120 BPM
 * and an A minor triad (A3, C4, E4) under it, with a little noise (seeded).
 */
function music(rate: number, sec: number): Float64Array {
  const rnd = mulberry32(26);
  const x = new Float64Array(rate * sec);
  for (let i = 0; i < x.length; i++) {
    const t = i / rate;
    const beat = t % 0.5;
    const kick = 0.5 * Math.exp(-beat * 30) * Math.sin(2 * Math.PI * 60 * beat);
    const chord = 0.1 * (Math.sin(2 * Math.PI * 220 * t) + Math.sin(2 * Math.PI * 261.63 * t) + Math.sin(2 * Math.PI * 329.63 * t));
    x[i] = kick + chord + 0.01 * (rnd() - 0.5);
  }
  return x;
}

/** A WAV of `channels` channels each holding `x` (ffmpeg's WAV muxer, stream copy: WAVE_FORMAT_EXTENSIBLE, mask 0). */
function wideWav(name: string, x: Float64Array, rate: number, channels: number, raw: 's16le' | 's24le'): string {
  const bytes = raw === 's16le' ? 2 : 3;
  const b = Buffer.alloc(x.length * channels * bytes);
  for (let i = 0, k = 0; i < x.length; i++) {
    const v = raw === 's16le' ? Math.round(x[i]! * 32767) : Math.round(x[i]! * 8388607);
    for (let c = 0; c < channels; c++, k += bytes) {
      if (raw === 's16le') b.writeInt16LE(v, k);
      else b.writeIntLE(v, k, 3);
    }
  }
  const src = join(DIR, `${name}.${raw}`);
  writeFileSync(src, b);
  const path = join(DIR, `${name}.wav`);
  ff(['-f', raw, '-ar', String(rate), '-ac', String(channels), '-i', src, '-c:a', 'copy', path]);
  rmSync(src);
  return path;
}

interface Read {
  durationSec: number;
  channels: number;
  lufs: number | null;
  bpm: number | null;
  key: string;
  peaks: PeaksData;
  /** the track view's detail of 2–4 s at 400 px/s */
  range: WaveRangeData;
}

async function read(path: string): Promise<Read> {
  const run = await analyzeFile(path, libraryAnalysers(8));
  const tonal = run.results.tonal as TonalResult;
  return {
    durationSec: run.durationSec,
    channels: run.channels,
    lufs: (run.results.loudness as LoudnessResult).integratedLufs,
    bpm: (run.results.tempo as TempoResult).bpm,
    key: `${tonal.key.tonic} ${tonal.key.mode}`,
    peaks: run.results.peaks as PeaksData,
    range: await computeRange(path, planRange(2, 4, 400, run.source.streams.find((s) => s.type === 'audio')?.sampleRate ?? 0)),
  };
}

/** the largest difference between two waveforms' peaks (min/max pairs), over the shorter */
function peaksDiff(a: Pick<PeaksData, 'minMax'>, b: Pick<PeaksData, 'minMax'>): number {
  let d = 0;
  for (let i = 0; i < Math.min(a.minMax.length, b.minMax.length); i++) d = Math.max(d, Math.abs(a.minMax[i]! - b.minMax[i]!));
  return d;
}

describe('more than 64 channels in analyze, the library and the waveform', () => {
  test('72-channel 16-bit 48 kHz and 65-channel 24-bit 32 kHz WAVs read like the same signal in 64 channels: loudness +10·log10(n/64) LU, same tempo, key, length; peaks and the 2–4 s detail within 0.005 (was "… channels, and ffmpeg converts at most 64")', async () => {
    const bad: string[] = [];
    for (const [rate, n, raw] of [[48000, 72, 's16le'], [32000, 65, 's24le']] as const) {
      const x = music(rate, 8);
      const ref = await read(wideWav(`ref-${rate}-64`, x, rate, 64, raw));
      const path = wideWav(`wide-${rate}-${n}`, x, rate, n, raw);
      let got: Read;
      try {
        got = await read(path);
      } catch (err) {
        bad.push(`${n} channels at ${rate} Hz: ${(err as Error).message}`);
        continue;
      }
      const name = `${n} channels at ${rate} Hz`;
      assert.ok(ref.lufs !== null && ref.bpm !== null, `${name}: the 64-channel reference reads (${JSON.stringify({ ...ref, peaks: undefined })})`);
      if (got.channels !== n) bad.push(`${name}: channels ${got.channels}`);
      if (Math.abs(got.durationSec - ref.durationSec) > 1e-3) bad.push(`${name}: ${got.durationSec} s, 64 channels ${ref.durationSec} s`);
      const lu = got.lufs! - ref.lufs!;
      if (!(Math.abs(lu - 10 * Math.log10(n / 64)) < 0.01)) bad.push(`${name}: loudness ${got.lufs} LUFS, ${lu.toFixed(3)} LU above 64 channels (want ${(10 * Math.log10(n / 64)).toFixed(3)})`);
      if (got.bpm !== ref.bpm) bad.push(`${name}: ${got.bpm} BPM, 64 channels ${ref.bpm}`);
      if (got.key !== ref.key) bad.push(`${name}: key ${got.key}, 64 channels ${ref.key}`);
      if (got.peaks.sampleRate !== ref.peaks.sampleRate || Math.abs(got.peaks.minMax.length - ref.peaks.minMax.length) > 2) bad.push(`${name}: peaks ${got.peaks.minMax.length / 2} at ${got.peaks.sampleRate} Hz, 64 channels ${ref.peaks.minMax.length / 2} at ${ref.peaks.sampleRate}`);
      const d = peaksDiff(got.peaks, ref.peaks);
      if (!(d < 0.005)) bad.push(`${name}: peaks differ by up to ${d.toFixed(4)}`);
      const r = peaksDiff(got.range, ref.range);
      if (got.range.minMax.length !== ref.range.minMax.length || !(r < 0.005)) bad.push(`${name}: the 2–4 s detail: ${got.range.minMax.length / 2} peaks (64 channels: ${ref.range.minMax.length / 2}), up to ${r.toFixed(4)} apart`);
    }
    assert.deepEqual(bad, []);
  });

  test('`studio analyze --json`, the library scan, the probe and the track view state the 72 channels and read the track (was an error)', async () => {
    const path = wideWav('adm-72', music(48000, 6), 48000, 72, 's16le');
    const out = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'analyze', path, '--json'], { encoding: 'utf8' });
    const row = JSON.parse(out.stdout) as { error: string | null; channels: number | null; durationSec: number | null; lufs: number | null; bpm: number | null };
    assert.equal(row.error, null);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(row.channels, 72);
    assert.equal(row.durationSec, 6);
    assert.ok(row.lufs !== null && row.bpm !== null, out.stdout);
    const lib = await analyseForLibrary({ path, cacheDir: join(DIR, 'cache') });
    assert.equal(lib.durationSec, 6);
    assert.equal(lib.source.streams.find((s) => s.type === 'audio')?.channels, 72);
    assert.ok(typeof (lib.results.peaks as { cache?: string }).cache === 'string', 'the waveform is cached for the track view');
    const probe = await probeFile(path);
    assert.equal(probe.audio?.channels, 72);
    // the track view's own decode (peaks + spectrogram only: the wave output alone)
    const view = await analyseFile(path, probe, new AbortController().signal, () => undefined);
    assert.equal(view.peaks.durationSec, 6);
    assert.equal(view.peaks.warning, undefined);
  });
});
