// The track view and a library scan draw the same waveform and spectrogram (issue 12 defect 6:
// 0–8 kHz before a scan, ~0–22 kHz after): one pair of analysers on one stream, ffmpeg's 16 kHz
// mono output — the track view's decode makes only that output, a scan's makes it next to the
// 44.1/48 kHz one.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyseForLibrary } from '../../main/engine/library/analyse';
import { analyseFile, readCachedAnalysis } from '../../main/engine/media/analysis';
import { fingerprint } from '../../main/engine/media/cache';
import { probeFile } from '../../main/engine/media/probe';
import { media, toneFile } from '../helpers/media';
import { spectrogramBytes } from '../../main/engine/analysis/waveform';
import { computeRange, planRange } from '../../main/engine/analysis/waveform-range';

for (const [name, extra] of [
  ['wave-44k.flac', ['-ar', '44100']],
  ['wave-48k.mp3', ['-ar', '48000']],
  ['wave-22k.wav', ['-ar', '22050']],
] as const) {
  test(`${name}: the track view's peaks and spectrogram equal a library scan's`, async () => {
    const path = toneFile(name, 5, [...extra]);
    const probe = await probeFile(path);
    const view = await analyseFile(path, probe, new AbortController().signal, () => undefined);
    const cacheDir = mkdtempSync(join(tmpdir(), 'rs-wave-'));
    const lib = await analyseForLibrary({ path, cacheDir });
    assert.deepEqual(lib.results.peaks, { cache: await fingerprint(path) });
    const scanned = await readCachedAnalysis(cacheDir, await fingerprint(path));
    assert.ok(scanned, 'the scan wrote the track view cache');
    assert.deepEqual(scanned.spectrogram, view.spectrogram);
    assert.deepEqual(scanned.peaks, view.peaks);
    // the one definition: ffmpeg's 16 kHz mono mix (WAVE_OUTPUT), mel up to 8 kHz, whatever the source rate
    assert.equal(view.spectrogram.sampleRate, 16000);
    assert.equal(view.spectrogram.maxFreqHz, 8000);
    assert.equal(view.peaks.sampleRate, 16000);
    assert.ok(Math.abs(view.peaks.durationSec - 5) < 0.01, `duration ${view.peaks.durationSec}`);
  });
}

test('spectrogram bytes by thresholds are the bytes of one logarithm per cell: random powers over 55 decades, zeros, and every byte edge ± 3 float32 steps', () => {
  // the analyser's ref for its 1024-sample Hann frame: N · Σw² / 4 = 1024 · 384 / 4
  const ref = 98304;
  for (const floorDb of [-90, -60, -140]) {
    const k = (10 / Math.LN10) * (255 / -floorDb);
    const off = 255 - k * Math.log(ref);
    const eps = 10 ** (floorDb / 10) * ref * 1e-3;
    const values: number[] = [0];
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 100_000; i++) values.push(10 ** (-40 + 55 * rnd()));
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    for (let b = 0; b <= 256; b++) {
      const edge = Math.exp((b - 0.5 - off) / k) - eps;
      if (!(edge > 0)) continue;
      f[0] = edge;
      const at = u[0];
      for (let s = -3; s <= 3; s++) {
        u[0] = at + s;
        values.push(f[0]);
      }
    }
    const d = Float32Array.from(values);
    const fast = spectrogramBytes(d, d.length, ref, floorDb, true);
    const direct = spectrogramBytes(d, d.length, ref, floorDb, false);
    const differ = [...fast].findIndex((v, i) => v !== direct[i]);
    assert.equal(differ, -1, `floor ${floorDb} dB: power ${d[differ]} gives byte ${fast[differ]} by thresholds, ${direct[differ]} by its logarithm`);
    // the edges were reached: every byte occurs
    assert.equal(new Set(direct).size, 256, `floor ${floorDb} dB: every byte`);
  }
});

// left28c: a float WAV peaking at +6 dBFS drew a waveform clipped at full height with no mark (its true peak +6.0 in
// the library): the peaks were clipped to ±1. They keep the level over full scale now (the track view marks it red).
test('a float WAV at +6 dBFS: the peaks keep the level over full scale (2.0), not ±1', async () => {
  const path = media('wave-over-6dbfs-f32.wav', ['-f', 'lavfi', '-i', "aevalsrc=exprs='2*sin(2*PI*220*t)':s=44100:d=2", '-c:a', 'pcm_f32le']);
  const view = await analyseFile(path, await probeFile(path), new AbortController().signal, () => undefined);
  const mm = Buffer.from(view.peaks.minMax, 'base64');
  const f = new Float32Array(mm.buffer, mm.byteOffset, mm.byteLength / 4);
  let top = 0;
  let bottom = 0;
  for (let i = 0; i < f.length; i += 2) {
    bottom = Math.min(bottom, f[i]);
    top = Math.max(top, f[i + 1]);
  }
  // 2.0 at 44.1 kHz; the 16 kHz resampling of a 220 Hz sine keeps its crest within a hair
  assert.ok(top > 1.95 && top < 2.05, `max peak ${top}`);
  assert.ok(bottom < -1.95 && bottom > -2.05, `min peak ${bottom}`);
});

// tester31: a 16-bit stereo FLAC whose samples never exceed full scale was drawn with a red "over full scale (0 dBFS),
// peaks up to +3.3 dBFS" line and a wave √2 too tall: the waveform's mono mix (ffmpeg `-ac 1` to float) summed the two
// channels at 0.707 each without normalising (swresample normalises only for integer output), so identical channels at
// 0.9 read 1.27. The mix is peak-safe now: the same sine in both channels at 0.9 peaks at 0.9, as the file does.
test('a 16-bit stereo FLAC at -0.9 dBFS in both channels: the mono peaks stay 0.9, under full scale (not 1.27)', async () => {
  const path = media('wave-stereo-s16-09.flac', ['-f', 'lavfi', '-i', "aevalsrc=exprs='0.9*sin(2*PI*220*t)|0.9*sin(2*PI*220*t)':s=44100:d=2", '-c:a', 'flac', '-sample_fmt', 's16']);
  const view = await analyseFile(path, await probeFile(path), new AbortController().signal, () => undefined);
  const mm = Buffer.from(view.peaks.minMax, 'base64');
  const f = new Float32Array(mm.buffer, mm.byteOffset, mm.byteLength / 4);
  let top = 0;
  for (let i = 0; i < f.length; i += 2) top = Math.max(top, f[i + 1], -f[i]);
  assert.ok(top > 0.88 && top < 0.92, `max |peak| ${top} (the file's samples peak at 0.9)`);
  // a library scan's peaks are the same decode (the track view reads them)
  const cacheDir = mkdtempSync(join(tmpdir(), 'rs-wave-'));
  await analyseForLibrary({ path, cacheDir });
  const scanned = await readCachedAnalysis(cacheDir, await fingerprint(path));
  assert.deepEqual(scanned?.peaks, view.peaks);
});

// tester31: after the peak-safe mix (WAVE_VERSION 6) the track view still drew the FLAC's old peaks, "+3.3 dBFS" in red:
// its cache entry (cache/analysis/<fp>.v6.json) is named by ANALYSIS_VERSION alone, so a change of the waveform's
// definition (WAVE_VERSION) was read from the stale entry until a rescan wrote it again. The name carries both now.
test('a track view cache entry written under the previous waveform definition is not read', async () => {
  const path = media('wave-stereo-s16-09.flac', ['-f', 'lavfi', '-i', "aevalsrc=exprs='0.9*sin(2*PI*220*t)|0.9*sin(2*PI*220*t)':s=44100:d=2", '-c:a', 'flac', '-sample_fmt', 's16']);
  const view = await analyseFile(path, await probeFile(path), new AbortController().signal, () => undefined);
  const cacheDir = mkdtempSync(join(tmpdir(), 'rs-wave-'));
  const fp = await fingerprint(path);
  // what WAVE_VERSION 5 wrote for such a file: the same entry format and analysis version, its peaks √2 too tall
  mkdirSync(join(cacheDir, 'analysis'), { recursive: true });
  writeFileSync(join(cacheDir, 'analysis', `${fp}.v6.json`), JSON.stringify({ v: 6, peaks: view.peaks, spectrogram: view.spectrogram }));
  assert.equal(await readCachedAnalysis(cacheDir, fp), null, 'the entry of the old waveform definition was read');
});

// tester31: with the peak-safe mix, the 16-bit FLAC (samples at most 32767) still said "over full scale (0 dBFS),
// peaks up to +0.3 dBFS" in red: the 16 kHz resample of a clipped master overshoots (Gibbs), which no sample of an
// integer file does. Peaks of a file decoded to integer samples stop at full scale; a float file keeps its overs.
test('a 16-bit FLAC clipped at full scale: the overview and a zoomed range peak at 1.0, not over it', async () => {
  const path = media('wave-clipped-s16.flac', ['-f', 'lavfi', '-i', "aevalsrc=exprs='min(1,max(-1,3*sin(2*PI*220*t)))|min(1,max(-1,3*sin(2*PI*220*t)))':s=44100:d=2", '-c:a', 'flac', '-sample_fmt', 's16']);
  const maxAbs = (f: Float32Array) => f.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const view = await analyseFile(path, await probeFile(path), new AbortController().signal, () => undefined);
  const mm = Buffer.from(view.peaks.minMax, 'base64');
  const top = maxAbs(new Float32Array(mm.buffer, mm.byteOffset, mm.byteLength / 4));
  assert.ok(top > 0.99 && top <= 1, `overview max |peak| ${top}`);
  const range = await computeRange(path, planRange(0.5, 1, 2000, 44100));
  const rtop = maxAbs(range.minMax);
  assert.ok(rtop > 0.99 && rtop <= 1, `range max |peak| ${rtop}`);
});
