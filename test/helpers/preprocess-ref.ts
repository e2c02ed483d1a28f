/**
 * The reference's preprocessing for the media-truth suites (issue 10, kind 3): the model's image and audio
 * inputs as tools/convert/preprocess.py makes them from Pillow's `Image.open(p).convert('RGB')` and
 * `torchaudio.load` (test/tools/preprocess_oracle.py), and video frames as decord reads them (ffmpeg with
 * -noautorotate, every frame the decoder shows). Test tooling only: it runs /usr/bin/python3 (through python(),
 * test/helpers/python.ts: torch imported once per test process).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseFfmpegInfo } from '../../main/engine/media/probe';
import { exactFps, imageInput } from '../../main/engine/model/media-input';
import { imageToPixelValues } from '../../main/engine/model/preprocess/image';
import { clipToPixelValues, framePlan, VIDEO_CLIPS, VIDEO_CROPS } from '../../main/engine/model/preprocess/video';
import { ROOT } from './media';
import { python } from './python';

const ORACLE = join(ROOT, 'test', 'tools', 'preprocess_oracle.py');

/** `src` with its video track's display matrix (tkhd, ISO/IEC 14496-12 §8.3.2) set to [a b; c d] (16.16), no translation. */
export function setDisplayMatrix(src: string, dst: string, [a, b, c, d]: number[]): void {
  const buf = readFileSync(src);
  let p = 0;
  while (buf.toString('latin1', p + 4, p + 8) !== 'moov') p += buf.readUInt32BE(p);
  const end = p + buf.readUInt32BE(p);
  let h = buf.indexOf('hdlr', p, 'latin1');
  while (buf.toString('latin1', h + 12, h + 16) !== 'vide') h = buf.indexOf('hdlr', h + 4, 'latin1');
  assert.ok(h > 0 && h < end);
  const t = buf.lastIndexOf('tkhd', h, 'latin1');
  assert.equal(buf[t + 4], 0, 'a version-0 tkhd');
  const m = t + 4 + 4 + 20 + 8 + 8;
  [a, b, 0, c, d, 0, 0, 0].forEach((v, i) => buf.writeInt32BE(i === 2 || i === 5 ? 0 : Math.round(v * 65536), m + 4 * i));
  buf.writeInt32BE(1 << 30, m + 32);
  writeFileSync(dst, buf);
}

/** The oracle's Python: `kind`'s reference input of each path to `<path>.ref.f32`, or its error text to `<path>.ref.err`. */
function oracleScript(kind: 'imagefile' | 'audiofile', paths: string[]): string {
  return `import sys, runpy, traceback
sys.argv = ['oracle']
mod = runpy.run_path(${JSON.stringify(ORACLE)}, run_name='oracle')
kind = ${JSON.stringify(kind)}
for p in ${JSON.stringify(paths)}:
    sys.argv = ['oracle', kind, p, p + '.ref.f32']
    try:
        mod['main']()
    except BaseException as e:
        open(p + '.ref.err', 'w').write(repr(e))
`;
}

function oracleResults(paths: string[]): Map<string, Float32Array | string> {
  const out = new Map<string, Float32Array | string>();
  for (const p of paths) {
    if (existsSync(`${p}.ref.err`)) out.set(p, readFileSync(`${p}.ref.err`, 'utf8'));
    else {
      const b = readFileSync(`${p}.ref.f32`);
      out.set(p, new Float32Array(b.buffer, b.byteOffset, b.length / 4));
    }
  }
  return out;
}

/** The reference's inputs for many files in one Python run: `kind` imagefile (Pillow) or audiofile (torchaudio); a file's error text where it refuses. */
export function preprocessOracle(kind: 'imagefile' | 'audiofile', paths: string[]): Map<string, Float32Array | string> {
  const r = spawnSync(python(), ['-c', oracleScript(kind, paths)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return oracleResults(paths);
}

/** max and mean |Δ| between the model's image input (frame 0 of [3, 2, 224, 224]) and the reference's [3, 224, 224] */
export function imageDiff(got: Float32Array, ref: Float32Array): { mean: number; max: number } {
  const P = 224 * 224;
  let max = 0;
  let sum = 0;
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < P; i++) {
      const d = Math.abs(got[c * 2 * P + i]! - ref[c * P + i]!);
      max = Math.max(max, d);
      sum += d;
    }
  }
  return { mean: sum / (3 * P), max };
}

/** The reference-equivalent video input: every frame the decoder shows (-noautorotate, as decord reads the stored pixels), the plan over their count. */
export function referenceVideo(p: string, index?: number): { pixels: Float32Array; plan: Array<[number, number]> } {
  const info = parseFfmpegInfo(spawnSync('ffmpeg', ['-hide_banner', '-i', p], { encoding: 'utf8' }).stderr);
  const v = info.streams.find((s) => s.type === 'video' && (index === undefined || s.index === index))!;
  const r = spawnSync('ffmpeg', ['-v', 'error', '-noautorotate', '-i', p, '-map', `0:${v.index}`, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
  const size = v.width! * v.height! * 3;
  const plan = framePlan(exactFps(v.fps!), Math.floor(r.stdout.length / size));
  const clipSize = VIDEO_CROPS * 3 * 2 * 224 * 224;
  const pixels = new Float32Array(VIDEO_CLIPS * clipSize);
  const frame = (i: number) => new Uint8Array(r.stdout.buffer, r.stdout.byteOffset + i * size, size);
  plan.forEach(([a, b], i) => clipToPixelValues([frame(a), frame(b)], v.width!, v.height!, pixels, i * clipSize));
  return { pixels, plan };
}

/**
 * Python that saves Pillow's RGB of each image given (`Image.open(p).convert('RGB')`, the reference's loader) beside
 * it as `p + '.pillow.ppm'` (binary PPM), for pillowInput: run with the image paths as its arguments.
 */
export const PILLOW_PPM_PY = `import sys
from PIL import Image
for p in sys.argv[1:]:
    Image.open(p).convert('RGB').save(p + '.pillow.ppm')`;

/**
 * The model's image input (imageInput's layout: imageToPixelValues' [3, 224, 224], each plane twice, [3, 2, 224,
 * 224]) of Pillow's RGB of `p`, from the `p + '.pillow.ppm'` PILLOW_PPM_PY saved: no decoder between Pillow's pixels
 * and the comparison. (The suites read a PNG of them through imageInput before: two ffmpeg runs per image, probe and
 * decode, for the same bytes; session 21.)
 */
export function pillowInput(p: string): Float32Array {
  const b = readFileSync(`${p}.pillow.ppm`);
  const head = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(b.toString('latin1', 0, 64));
  assert.ok(head, `${p}.pillow.ppm: a binary PPM`);
  const [w, h] = [Number(head[1]), Number(head[2])];
  assert.equal(b.length, head[0].length + w * h * 3, `${p}.pillow.ppm: ${w}×${h} RGB`);
  const chw = imageToPixelValues(new Uint8Array(b.buffer, b.byteOffset + head[0].length, w * h * 3), w, h);
  const plane = chw.length / 3;
  const out = new Float32Array(chw.length * 2);
  for (let c = 0; c < 3; c++) {
    const src = chw.subarray(c * plane, (c + 1) * plane);
    out.set(src, c * 2 * plane);
    out.set(src, (c * 2 + 1) * plane);
  }
  return out;
}

/** The largest |a[i] − b[i]| (the arrays must be as long). */
export const maxDiff = (a: Float32Array, b: Float32Array) => {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
};

/**
 * The images among `paths` whose model input (imageInput, normalised units) is not the reference's (`refs`, from
 * preprocessOracle): one line each, "name: mean |Δ| …, max …" where `ok(path, diff)` says no, "…: the reference
 * refused it (…)" or the error imageInput threw. [] when every image matches.
 */
export async function imageMismatches(
  refs: Map<string, Float32Array | string>,
  paths: string[],
  ok: (path: string, d: { mean: number; max: number }) => boolean,
  name: (path: string) => string = (p) => basename(p),
): Promise<string[]> {
  const bad: string[] = [];
  for (const p of paths) {
    const ref = refs.get(p)!;
    if (typeof ref === 'string') {
      bad.push(`${name(p)}: the reference refused it (${ref})`);
      continue;
    }
    try {
      const d = imageDiff(await imageInput(p), ref);
      if (!ok(p, d)) bad.push(`${name(p)}: mean |Δ| ${d.mean.toFixed(4)}, max ${d.max.toFixed(3)}`);
    } catch (err) {
      bad.push(`${name(p)}: ${(err as Error).message}`);
    }
  }
  return bad;
}

/** torchaudio.load's Python: each path's samples to `<path>.ta.f32`; prints its rate or error text per path as JSON (the last line). */
function loadScript(paths: string[]): string {
  return `import json, torchaudio
rates = {}
for p in ${JSON.stringify(paths)}:
    try:
        x, sr = torchaudio.load(p)
        x.t().contiguous().numpy().astype('<f4').tofile(p + '.ta.f32')
        rates[p] = sr
    except Exception as e:
        rates[p] = repr(e)
print(json.dumps(rates))
`;
}

function loadResults(paths: string[], stdout: string): Map<string, { sr: number; data: Float32Array } | string> {
  const rates = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number | string>;
  const out = new Map<string, { sr: number; data: Float32Array } | string>();
  for (const p of paths) {
    const sr = rates[p]!;
    if (typeof sr === 'string') out.set(p, sr);
    else {
      const b = readFileSync(`${p}.ta.f32`);
      out.set(p, { sr, data: new Float32Array(b.buffer, b.byteOffset, b.length / 4) });
    }
  }
  return out;
}

/**
 * torchaudio.load of many files in one Python run (importing torch costs ~2 s of CPU a run; the media-truth suites
 * read several files each): per path its rate (Hz) and samples, frames × channels interleaved float32 (x.t()), or
 * the error text where torchaudio refuses it.
 */
export function torchaudioLoad(paths: string[]): Map<string, { sr: number; data: Float32Array } | string> {
  const r = spawnSync(python(), ['-c', loadScript(paths)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return loadResults(paths, r.stdout);
}

/**
 * preprocessOracle('audiofile', paths) and torchaudioLoad(paths) in one Python run: the same two scripts one after
 * the other, so torch is imported once (~3.3 s of CPU a run here) where a test needs both the model's reference input
 * and torchaudio's samples of the same files.
 */
export function referenceAudio(paths: string[]): { refs: Map<string, Float32Array | string>; loaded: Map<string, { sr: number; data: Float32Array } | string> } {
  const r = spawnSync(python(), ['-c', `${oracleScript('audiofile', paths)}\n${loadScript(paths)}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { refs: oracleResults(paths), loaded: loadResults(paths, r.stdout) };
}
