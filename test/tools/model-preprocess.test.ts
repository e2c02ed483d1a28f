import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { audioToFbankClips, clipRanges, SincResampler } from '../../main/engine/model/preprocess/audio';
import { imageToPixelValues } from '../../main/engine/model/preprocess/image';
import { probeFile } from '../../main/engine/media/probe';
import { decodeAudio, imageInput } from '../../main/engine/model/media-input';
import { PROCESSORS } from '../../main/engine/model/processors';
import { ROOT } from '../helpers/media';
import { python } from '../helpers/python';
import { animatedWebp, ITEM5_LAYOUTS, layoutWav } from '../helpers/issue10-inputs';

const ORACLE = join(ROOT, 'test', 'tools', 'preprocess_oracle.py');
const dir = mkdtempSync(join(tmpdir(), 'rs-pre-'));

/** Deterministic pseudo-random numbers (tests must be reproducible). */
function rng(seed: number) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function signal(sr: number, seconds: number, channels: number, seed = 1): Float32Array[] {
  const r = rng(seed);
  const n = Math.round(sr * seconds);
  return Array.from({ length: channels }, (_, c) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const t = i / sr;
      a[i] = 0.3 * Math.sin(2 * Math.PI * (220 + 110 * c) * t) + 0.15 * Math.sin(2 * Math.PI * 1318 * t) * Math.sin(2 * Math.PI * 3 * t) + 0.05 + 0.02 * (r() - 0.5);
    }
    return a;
  });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length, 'length');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function oracleAudio(chans: Float32Array[], sr: number): Float32Array {
  const n = chans[0].length;
  const inter = new Float32Array(n * chans.length);
  for (let i = 0; i < n; i++) for (let c = 0; c < chans.length; c++) inter[i * chans.length + c] = chans[c][i];
  const inPath = join(dir, 'a.f32');
  const outPath = join(dir, 'a.out.f32');
  writeFileSync(inPath, inter);
  execFileSync(python(), [ORACLE, 'audio', inPath, String(sr), String(chans.length), outPath]);
  const buf = readFileSync(outPath);
  return new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
}

test('clip ranges follow pytorchvideo 0.1.5 (end never sampled; short audio → all clips at 0)', () => {
  assert.deepEqual(clipRanges(160_000, 16_000, 3), [
    [0, 32_000],
    [42_666, 74_666],
    [85_333, 117_333],
  ]);
  assert.deepEqual(clipRanges(20_000, 16_000, 3), [
    [0, 20_000],
    [0, 20_000],
    [0, 20_000],
  ]);
});

for (const [sr, channels, seconds] of [
  [44_100, 2, 7.3],
  [48_000, 2, 3],
  [22_050, 1, 12.1],
  [16_000, 1, 1.5],
  [44_100, 2, 2.4],
] as const) {
  test(`fbank clips match torchaudio within 1e-3: ${sr} Hz, ${channels} ch, ${seconds} s`, () => {
    const chans = signal(sr, seconds, channels, sr + seconds);
    const ref = oracleAudio(chans, sr);
    const { data } = audioToFbankClips(chans, sr);
    const d = maxAbsDiff(data, ref);
    assert.ok(d <= 1e-3, `max abs diff ${d}`);
  });
}

test('the resampler reproduces torchaudio.functional.resample (44.1 → 16 kHz) within 1e-6', () => {
  const x = signal(44_100, 1, 1, 7)[0];
  const inPath = join(dir, 'r.f32');
  const outPath = join(dir, 'r.out.f32');
  writeFileSync(inPath, x);
  execFileSync(python(), [
    '-c',
    `import numpy as np, torch, torchaudio; x=torch.from_numpy(np.fromfile('${inPath}',dtype='<f4'))[None]; torchaudio.functional.resample(x,44100,16000)[0].numpy().astype('<f4').tofile('${outPath}')`,
  ]);
  const buf = readFileSync(outPath);
  const ref = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  const r = new SincResampler(44_100, 16_000);
  const out = r.outputRange(x, 0, r.outputLength(x.length));
  assert.ok(maxAbsDiff(out, ref) <= 1e-6);
});

for (const [w, h] of [
  [640, 480],
  [300, 300],
  [200, 150],
  [224, 500],
  [1001, 97],
] as const) {
  test(`image pixel values match PIL bicubic + torchvision: ${w}x${h}`, () => {
    const r = rng(w * h);
    const rgb = new Uint8Array(w * h * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = Math.floor((Math.sin(i * 0.013) * 0.45 + 0.5) * 255 * 0.8 + r() * 50);
    const inPath = join(dir, 'i.rgb');
    const outPath = join(dir, 'i.out.f32');
    writeFileSync(inPath, rgb);
    execFileSync(python(), [ORACLE, 'image', inPath, String(w), String(h), outPath]);
    const buf = readFileSync(outPath);
    const ref = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
    const d = maxAbsDiff(imageToPixelValues(rgb, w, h), ref);
    assert.ok(d <= 1e-5, `max abs diff ${d}`);
  });
}

// Issue 10 item 5: every channel layout ffmpeg knows is read — the channel count asked of ffmpeg, not
// looked up by name — and the model reads it as the reference does (torchaudio.load of the file: clip
// mean over all channels, fbank on channel 0).
for (const [layout, channels] of ITEM5_LAYOUTS) {
  test(`a ${layout} WAV: probe says ${channels} channels; fbank clips match torchaudio's reading of the file within 1e-3`, async () => {
    const path = layoutWav(layout, channels);
    const probe = await probeFile(path);
    assert.equal(probe.audio?.channels, channels);
    const decoded = await decodeAudio(path);
    assert.equal(decoded.channels, channels);
    decoded.close();
    const got = (await PROCESSORS.audio(path, { clips: 3 })).data;
    const out = join(dir, `${layout}.out.f32`);
    execFileSync(python(), [ORACLE, 'audiofile', path, out]);
    const buf = readFileSync(out);
    const ref = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
    const d = maxAbsDiff(got, ref);
    assert.ok(d <= 1e-3, `max abs diff ${d}`);
  });
}

// Issue 10 item 8: an animated WebP as the cover image: its first frame, as Pillow reads it.
test('an animated WebP: the model gets its first frame as Pillow reads it', async () => {
  const path = animatedWebp();
  const out = join(dir, 'anim.out.f32');
  execFileSync(python(), [ORACLE, 'imagefile', path, out]);
  const buf = readFileSync(out);
  const ref = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  const px = await imageInput(path);
  const plane = 224 * 224;
  const first = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) first.set(px.subarray(c * 2 * plane, (c * 2 + 1) * plane), c * plane);
  const d = maxAbsDiff(first, ref);
  assert.ok(d <= 1e-5, `max abs diff ${d}`);
});
