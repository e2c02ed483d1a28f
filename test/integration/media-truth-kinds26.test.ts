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
// - Playing them: a WAV of more than 32 channels was played as the original file, which Chromium cannot (its
//   media/base/limits.h kMaxChannels = 32), and the play proxy of one of more than 64 (CAF, W64, AIFF) failed
//   ("… converting it to a playable copy failed (ffmpeg: Error while processing the decoded data …)": its pan filter
//   takes at most 64). Now a file over 32 channels gets a proxy; over 64 a stereo FLAC of
//   every channel's mean, mixed by the studio (playable.ts wideStereoFlac).
// - A CMYK JPEG in Adobe's YCCK form (APP14 transform 2, as Photoshop and libjpeg's JCS_YCCK write print artwork) with
//   4:2:2 colour: Pillow reads it; ffmpeg 5.1's decoder has no pixel format for it, and the cover failed with
//   '… could not be decoded as an image (Error marking filters as finished).' Now the error says what the file is
//   and what to do. Measured, NOT fixed: CMYK JPEGs ffmpeg does read differ from Pillow by rounding — its decoder
//   multiplies the inverted C, M, Y by K as c·k·257 >> 16 (truncating; K is then gone, so its planes cannot be taken
//   raw), Pillow's cmyk2rgb rounds (MULDIV255): mean |Δ| 0.008–0.015, max 0.045 in the model's units for 4:4:4 CMYK
//   (Pillow-written, with and without black); YCCK 4:4:4 and 4:2:0 mean 0.014–0.015, max 0.11 / 0.29 (its YCC → CMY
//   goes through swscale's YUV). Fixing them needs a JPEG decoder of the studio's own.
// - Opus, measured, no change needed: the local reference (torchaudio 0.13.1 on Debian's libsox, which has no Opus
//   handler) reads Opus through its ffmpeg fallback, which drops the pre-skip (OpusHead, 312 samples from opusenc and
//   ffmpeg's libopus) and the end trim, as ffmpeg's decoder does for the studio: the samples are bit-identical to
//   decodeAudio's (Ogg from opusenc and ffmpeg, WebM, Matroska; 44.1 kHz sources read at 48 kHz), the probe's
//   duration is torchaudio's sample count / 48000, and the model's input is within 0.0004 (resampler rounding).
//   Pinned below.
// - Measured, NOT fixed (kind 4): a raw AMR-NB file (.amr, "#!AMR", as Android's recorder and old phones wrote voice
//   notes): the reference's libsox reads it with opencore-amrnb's fixed-point decoder, the studio with ffmpeg's
//   native (float) amrnb decoder — same length (32000 samples at 8 kHz for 4 s), samples up to 0.002 apart (nearly
//   every sample), the model's input up to 0.34 apart (440 Hz tone + noise). AMR in 3GP/MP4 is read by ffmpeg on both
//   sides (libsox does not open it). This ffmpeg has no libopencore_amrnb decoder; matching needs one. A GSM 6.10 WAV
//   (gsm_ms) is bit-identical. A WAV whose odd-sized LIST chunk lacks its pad byte is read by the studio (title
//   too) where the reference refuses it ("Invalid data found").
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LoudnessResult, TempoResult, TonalResult } from '../../main/engine/analysis';
import { analyzeFile } from '../../main/engine/analysis/run';
import { computeRange, planRange, type WaveRangeData } from '../../main/engine/analysis/waveform-range';
import { analyseFile } from '../../main/engine/media/analysis';
import type { PeaksData } from '../../main/engine/analysis/waveform';
import { analyseForLibrary, libraryAnalysers } from '../../main/engine/library/analyse';
import { CHROMIUM_MAX_CHANNELS, makeProxy, playPlan } from '../../main/engine/media/playable';
import { probeFile } from '../../main/engine/media/probe';
import { decodeAudio, imageInput } from '../../main/engine/model/media-input';
import { PROCESSORS } from '../../main/engine/model/processors';
import { imageDiff, maxDiff, preprocessOracle, referenceAudio } from '../helpers/preprocess-ref';
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
      const x = music(rate, 6); // 6 s (was 8: the same decodeWide path, 25 % fewer samples through 64–72 channels' analysis)
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

/** CMYK JPEGs as print software writes them, made at test time by Pillow (Adobe-inverted CMYK, transform 0) and libjpeg-turbo's TurboJPEG (YCCK, transform 2, at 4:4:4 / 4:2:0 / 4:2:2); a picture with real black (K = 0.8 · min(C, M, Y)). false when libturbojpeg is missing (only the Pillow file is made). */
function cmykJpegs(dir: string): boolean {
  const py = `import numpy as np, ctypes, os
from PIL import Image
rng = np.random.default_rng(7)
h, w = 240, 320
y, x = np.mgrid[0:h, 0:w]
rgb = np.dstack([x * 255 // w, y * 255 // h, (x + y) * 255 // (w + h)]).astype(float)
rgb[60:180, 100:250] = [40, 30, 20]
rgb[0:40, :] *= 0.3
rgb = np.clip(rgb + rng.integers(-15, 15, rgb.shape), 0, 255)
c, m, yy = 255 - rgb[..., 0], 255 - rgb[..., 1], 255 - rgb[..., 2]
k = np.minimum(np.minimum(c, m), yy) * 0.8
cmyk = np.dstack([c - k, m - k, yy - k, k]).round().astype(np.uint8)
d = ${JSON.stringify(dir)}
Image.fromarray(cmyk, 'CMYK').save(os.path.join(d, 'cmyk.jpg'), quality=92)
try:
    tj = ctypes.CDLL('libturbojpeg.so.0')
except OSError:
    raise SystemExit(3)
tj.tjInitCompress.restype = ctypes.c_void_p
hnd = tj.tjInitCompress()
inv = np.ascontiguousarray(255 - cmyk)  # Adobe's convention: inverted
for name, ss in [('ycck-444.jpg', 0), ('ycck-420.jpg', 2), ('ycck-422.jpg', 1)]:
    out = ctypes.POINTER(ctypes.c_ubyte)(); size = ctypes.c_ulong(0)
    assert tj.tjCompress2(ctypes.c_void_p(hnd), inv.ctypes.data_as(ctypes.c_void_p), w, 0, h, 11, ctypes.byref(out), ctypes.byref(size), ss, 92, 0) == 0  # TJPF_CMYK
    open(os.path.join(d, name), 'wb').write(ctypes.string_at(out, size.value))
    tj.tjFree(out)
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 3, r.stderr);
  return r.status === 0;
}

describe('playing more than 32 and more than 64 channels', () => {
  test('a 40-channel WAV gets a proxy (was the original, which Chromium cannot play); 72-channel WAV and CAF: a stereo FLAC proxy of the channels\' mean (was "… converting it to a playable copy failed")', async () => {
    const x = music(48000, 3);
    const p40 = wideWav('play-40', x, 48000, 40, 's16le');
    const p72 = wideWav('play-72', x, 48000, 72, 's16le');
    const caf = join(DIR, 'play-72.caf');
    ff(['-i', p72, '-c:a', 'copy', caf]);
    const lossless = new Set(['flac', 'pcm_s16le']);
    const bad: string[] = [];
    for (const [p, n] of [[p40, 40], [p72, 72], [caf, 72]] as const) {
      const probe = await probeFile(p);
      assert.equal(probe.audio?.channels, n);
      const plan = playPlan(probe, lossless);
      if (plan.kind !== 'proxy') {
        bad.push(`${p}: ${n} channels (over ${CHROMIUM_MAX_CHANNELS}) played as the original`);
        continue;
      }
      try {
        const made = await makeProxy(p, probe, plan, join(DIR, 'cache'), `play-${n}-${p.slice(-3)}`);
        const info = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=channels:format=duration', '-of', 'csv=p=0', made.path], { encoding: 'utf8' }).stdout;
        if (!/^2\b/m.test(info) || Math.abs(Number(info.trim().split('\n').pop()) - 3) > 0.01) bad.push(`${p}: proxy ${info.trim()}`);
        // every channel holds the same signal: the proxy's mean mix is that signal, to 16-bit rounding
        const pcm = spawnSync('ffmpeg', ['-v', 'error', '-i', made.path, '-f', 's16le', '-ac', '1', '-'], { maxBuffer: 1 << 26 }).stdout;
        let d = 0;
        for (let i = 0; i < Math.min(x.length, pcm.length / 2); i++) d = Math.max(d, Math.abs(pcm.readInt16LE(2 * i) / 32768 - x[i]!));
        if (!(d < 0.001)) bad.push(`${p}: proxy differs from the signal by up to ${d.toFixed(4)}`);
      } catch (err) {
        bad.push(`${p}: ${(err as Error).message}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});

describe('CMYK JPEG covers', () => {
  test('a 4:2:2 YCCK JPEG, which Pillow reads and ffmpeg cannot, is refused with what it is and what to do (was "… could not be decoded as an image (Error marking filters as finished)"); 4:4:4 CMYK and YCCK read within the measured rounding of ffmpeg\'s CMYK conversion', async (t) => {
    const dir = join(DIR, 'cmyk');
    mkdirSync(dir, { recursive: true });
    const tj = cmykJpegs(dir);
    const names = ['cmyk.jpg', ...(tj ? ['ycck-444.jpg', 'ycck-420.jpg'] : [])];
    const paths = names.map((n) => join(dir, n));
    const refs = preprocessOracle('imagefile', [...paths, ...(tj ? [join(dir, 'ycck-422.jpg')] : [])]);
    const bad: string[] = [];
    for (const p of paths) {
      const d = imageDiff(await imageInput(p), refs.get(p) as Float32Array);
      // CMYK: ffmpeg's c·k·257 >> 16 against Pillow's rounding (1 LSB); YCCK: the same through swscale's YUV
      const limit = p.endsWith('cmyk.jpg') ? { mean: 0.02, max: 0.05 } : { mean: 0.02, max: 0.35 };
      if (!(d.mean < limit.mean && d.max < limit.max)) bad.push(`${p}: mean |Δ| ${d.mean.toFixed(4)}, max ${d.max.toFixed(3)}`);
    }
    assert.deepEqual(bad, []);
    if (!tj) {
      t.skip('libturbojpeg.so.0 is not installed: no YCCK files made');
      return;
    }
    const p422 = join(dir, 'ycck-422.jpg');
    assert.ok(refs.get(p422) instanceof Float32Array, 'Pillow reads the 4:2:2 YCCK JPEG');
    await assert.rejects(imageInput(p422), (e: Error) => /is a CMYK JPEG \(Adobe YCCK.*Save it as an RGB JPEG or PNG/.test(e.message) && !/Error marking filters/.test(e.message));
  });
});

describe('Opus: pre-skip and end trim as the reference reads them', () => {
  test('Ogg Opus from opusenc and ffmpeg (48 and 44.1 kHz sources), WebM, Matroska: decodeAudio\'s samples equal torchaudio.load\'s, the probe\'s duration is its sample count / 48000, the model\'s input is within 0.001', async () => {
    const src = join(DIR, 'opus-src.wav');
    const src44 = join(DIR, 'opus-src44.wav');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=3,volume=0.5', '-f', 'lavfi', '-i', 'anoisesrc=d=3:a=0.1:seed=3', '-filter_complex', 'amix=inputs=2', '-ar', '48000', '-ac', '2', src]);
    ff(['-i', src, '-ar', '44100', src44]);
    const files: string[] = [];
    const opusenc = spawnSync('opusenc', ['--version']).status === 0;
    if (opusenc) {
      for (const [s, n] of [[src, 'opusenc.opus'], [src44, 'opusenc-44.opus']] as const) {
        execFileSync('opusenc', ['--quiet', s, join(DIR, n)]);
        files.push(join(DIR, n));
      }
    }
    for (const n of ['ffmpeg.opus', 'ffmpeg.webm', 'ffmpeg.mka']) {
      ff(['-i', src44, '-c:a', 'libopus', '-b:a', '96k', join(DIR, n)]);
      files.push(join(DIR, n));
    }
    // the reference's inputs and torchaudio.load's samples of all five in one Python run (was one each: 4 × ~2 s of
    // importing torch; then one per reading)
    const { refs, loaded } = referenceAudio(files);
    const bad: string[] = [];
    for (const f of files) {
      const l = loaded.get(f)!;
      assert.ok(typeof l !== 'string', `${f}: torchaudio.load refused it (${l as string})`);
      assert.equal(l.sr, 48000, `${f}: torchaudio's rate`);
      const ref = l.data;
      const a = await decodeAudio(f);
      let d = 0;
      try {
        const ch = a.channels;
        if (a.source.length * ch !== ref.length) bad.push(`${f}: ${a.source.length} frames, torchaudio ${ref.length / ch}`);
        else {
          const planes = a.source.read(0, a.source.length);
          for (let c = 0; c < ch; c++) for (let i = 0; i < a.source.length; i++) d = Math.max(d, Math.abs(planes[c]![i]! - ref[i * ch + c]!));
          if (d !== 0) bad.push(`${f}: samples differ by up to ${d}`);
          const probed = (await probeFile(f)).durationSec;
          if (Math.abs(probed - a.source.length / 48000) > 0.0005) bad.push(`${f}: probe ${probed} s, torchaudio ${a.source.length / 48000} s`);
        }
      } finally {
        a.close();
      }
      const m = maxDiff((await PROCESSORS.audio(f, { clips: 3 })).data, refs.get(f) as Float32Array);
      if (!(m < 0.001)) bad.push(`${f}: model input max |Δ| ${m}`);
    }
    assert.deepEqual(bad, []);
  });
});
