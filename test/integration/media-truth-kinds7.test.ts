// Issue 10, seventh round (tester10c, a fresh tester): new inputs of each kind, made the way real tools
// make them, with the value each must give. Faults found and fixed here (each test failed before):
// - Kind 3: covers the model reads differently from Pillow (the reference's loader) — a JPEG whose 4:2:2
//   sampling is written relative (ffmpeg's: Y 2×2, chroma 1×2), a lossy WebP with alpha, a GIF with a
//   transparent index (Pillow shows the index's table colour; ffmpeg painted it white), an animated WebP
//   whose first frame does not cover its canvas (refused; Pillow shows it on a black canvas);
// - Kind 1: a multi-valued artist (repeated Vorbis ARTIST, ID3v2.4 NUL-separated TPE1) cut to its first
//   value; ALAC in CAF given ffmpeg's stated 352 kb/s where its packets average ~670; a warning on every
//   ordinary file music-metadata has no parser for (TTA, CAF, AC-3, E-AC-3, MPEG-TS).
// - Kind 1: audio in Matroska/WebM/MPEG-TS that states no bitrate was given the file's bytes per second
//   (block headers and codec private data counted: Opus +3 %, Vorbis +5 %, TrueHD +6 %);
// - Kind 3: one ±Inf sample in a float WAV made loudness, true peak and range meaningless (NaN was already
//   read as silence, Inf was not); an anamorphic (SAR ≠ 1) video's filmstrip was squashed to its stored shape.
// And, as regression guards, the ordinary files of this round that were already right: no warning, the
// decoded duration, ffmpeg's channel count, covers within IDCT rounding of Pillow.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyseForLibrary } from '../../main/engine/library/analyse';
import { makeFilmstrip } from '../../main/engine/media/filmstrip';
import { probeFile } from '../../main/engine/media/probe';
import { decodeAudio, imageInput, videoInput } from '../../main/engine/model/media-input';
import { audioKbps, decodedSec, ff, OUTPUT, probeTable } from '../helpers/media';
import { PILLOW_PPM_PY, pillowInput } from '../helpers/preprocess-ref';

const DIR = join(OUTPUT, 'media-truth-kinds7');
const IMG = join(DIR, 'img');

const le32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
const be32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const syncsafe = (n: number) => Buffer.from([(n >> 21) & 127, (n >> 14) & 127, (n >> 7) & 127, n & 127]);
/** a RIFF chunk, padded to even size */
const chunk = (id: string, body: Buffer) => Buffer.concat([Buffer.from(id, 'latin1'), le32(body.length), body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
/** a WAV's top-level chunks */
function riffChunks(b: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (let i = 12; i + 8 <= b.length;) {
    const size = b.readUInt32LE(i + 4);
    out.set(b.toString('latin1', i, i + 4), b.subarray(i + 8, i + 8 + size));
    i += 8 + size + (size & 1);
  }
  return out;
}
const apeItem = (k: string, v: string) => { const val = Buffer.from(v, 'utf8'); return Buffer.concat([le32(val.length), le32(0), Buffer.from(k + '\0', 'latin1'), val]); };
function apeTag(items: [string, string][]): Buffer {
  const body = Buffer.concat(items.map(([k, v]) => apeItem(k, v)));
  const hf = (flags: number) => Buffer.concat([Buffer.from('APETAGEX'), le32(2000), le32(body.length + 32), le32(items.length), le32(flags), Buffer.alloc(8)]);
  return Buffer.concat([hf(0xa0000000), body, hf(0x80000000)]);
}
/** an ID3v2.3 text frame in ISO-8859-1 */
const f23 = (id: string, text: string) => { const body = Buffer.concat([Buffer.alloc(1), Buffer.from(text, 'latin1')]); return Buffer.concat([Buffer.from(id), be32(body.length), Buffer.alloc(2), body]); };
/** an ID3v2.4 frame (syncsafe size) */
const f24 = (id: string, payload: Buffer) => Buffer.concat([Buffer.from(id), syncsafe(payload.length), Buffer.alloc(2), payload]);

const F = {
  // Kind 1: tags and bitrate
  flacMulti: join(DIR, 'multi-value.flac'),
  id3v24Multi: join(DIR, 'id3v24-multi.mp3'),
  id3ApeConflict: join(DIR, 'id3-vs-ape.mp3'),
  cafAlac: join(DIR, 'alac.caf'),
  tta: join(DIR, 'tagged.tta'),
  ac3: join(DIR, 'plain.ac3'),
  eac3: join(DIR, 'plain.eac3'),
  ts: join(DIR, 'audio.ts'),
  // ordinary files that were right (guards)
  rf64: join(DIR, 'rf64.wav'),
  daw: join(DIR, 'daw-bwf-ixml-cue.wav'),
  f32Peak: join(DIR, 'f32-fact-peak.wav'),
  f64: join(DIR, 'f64.wav'),
  u8: join(DIR, 'u8.wav'),
  alaw: join(DIR, 'alaw.wav'),
  junk: join(DIR, 'junk.wav'),
  aiff24: join(DIR, 's24.aiff'),
  alac24: join(DIR, 'alac24.m4a'),
  wma: join(DIR, 'plain.wma'),
  dts: join(DIR, 'plain.dts'),
  au: join(DIR, 'plain.au'),
  id3Padding: join(DIR, 'id3-2mb-padding.mp3'),
  id3BeforeFlac: join(DIR, 'id3-before.flac'),
};
/** Kind 3: what ffmpeg hands on without a word */
const V = {
  // 32-bit float WAVs as a plugin that blew up leaves them: one +Inf sample; ten NaN and one -Inf
  inf: join(DIR, 'inf-sample.wav'),
  nanInf: join(DIR, 'nan-inf-samples.wav'),
  clean: join(DIR, 'float-clean.wav'),
  // audio in Matroska/WebM as ffmpeg and MakeMKV write it (no stated stream bitrate)
  opusMka: join(DIR, 'opus.mka'),
  vorbisMka: join(DIR, 'vorbis.mka'),
  opusWebm: join(DIR, 'opus.webm'),
  truehdMka: join(DIR, 'truehd.mka'),
  // anamorphic PAL 16:9 (720×576, SAR 64:45), as DV/DVD/HDV camcorders record
  anamorphic: join(DIR, 'anamorphic.mp4'),
  square: join(DIR, 'square.mp4'),
};
/** channel layouts ffmpeg knows beyond 5.1, as WAVs (WAVE_FORMAT_EXTENSIBLE with ffmpeg's channel mask) */
const LAYOUTS = ['2.1', '3.0', '3.1', '4.0', 'quad', '5.0(side)', '6.0', '6.0(front)', '6.1', 'hexagonal', '7.1(wide)', '7.1(wide-side)', 'octagonal', 'hexadecagonal', '22.2'];
const layoutFile = (l: string) => join(DIR, `layout-${l.replace(/[().]/g, '_')}.wav`);

/** covers that failed against Pillow, and covers that were right (guards) */
const COVERS_FIXED = ['ff-422.jpg', 'alpha-lossy.webp', 'trns.gif', 'ff-palettegen-trns.gif', 'anim-cropped.webp'];
const COVERS_RIGHT = ['rgba.png', 'pal-trns.png', 'la.png', 'bw1.png', 'pal4bit.png', 'rgb48.png', 'rgba64.png', 'ya16.png', 'rgb.tif', 'rgba.tif', 'cmyk.tif', 'cmyk.jpg', 'rgb.bmp', 'gray.jpg', 'exif6.jpg', 'ff-444.jpg', 'ff-420.jpg', 'lossless.webp'];

function buildInputs(): void {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(IMG, { recursive: true });
  const music = join(DIR, 'music.wav');
  ff(['-f', 'lavfi', '-i', 'sine=f=330:d=6', '-f', 'lavfi', '-i', 'sine=f=550:d=6:beep_factor=3', '-filter_complex', '[0][1]amerge=inputs=2,volume=0.6', '-ar', '44100', music]);
  const t = (n: string) => ['-metadata', `title=${n}`, '-metadata', 'artist=Band', '-metadata', 'album=Kinds7'];
  const flac = join(DIR, 'plain.flac');
  const bare = join(DIR, 'bare.mp3');
  const bwf = join(DIR, 'bwf.wav');
  const f32 = join(DIR, 'f32.wav');
  // ffmpeg's table of standard layouts (name, channels), asked once
  const layouts = execFileSync('ffmpeg', ['-hide_banner', '-layouts'], { encoding: 'utf8' }).split('\n').map((x) => x.trim().split(/\s+/));
  const layoutOut = (l: string) => {
    const n = Number(layouts.find((x) => x[0] === l)![1].split('+').length);
    const pan = Array.from({ length: n }, (_, k) => `c${k}=c${k % 2}`).join('|');
    return ['-t', '3', '-af', `pan=${l}|${pan}`, '-c:a', 'pcm_s16le', layoutFile(l)];
  };
  // every file made from the music, in one ffmpeg run: each output's options are its own, so each file is what its
  // own run made (an ffmpeg start is ~0.2 s of CPU here; these were 41 runs, session 21)
  ff([
    '-i', music,
    // multi-valued artists: the FLAC and the MP3 their tags are written into below
    '-c:a', 'flac', flac,
    '-c:a', 'libmp3lame', '-b:a', '192k', '-id3v2_version', '0', '-write_xing', '0', bare,
    // formats music-metadata has no parser for, tagged where they can be
    '-c:a', 'tta', ...t('Tta'), F.tta,
    '-c:a', 'ac3', '-b:a', '192k', F.ac3,
    '-c:a', 'eac3', '-b:a', '192k', F.eac3,
    '-c:a', 'mp2', '-b:a', '256k', '-f', 'mpegts', F.ts,
    // DAW and encoder files that were right (bwf and f32: the chunks rewritten below)
    '-c:a', 'pcm_s24le', '-rf64', 'always', ...t('Rf64'), F.rf64,
    '-c:a', 'pcm_s24le', '-write_bext', '1', '-metadata', 'title=Take 7', '-metadata', 'description=Session 12', bwf,
    '-c:a', 'pcm_f32le', f32,
    '-c:a', 'pcm_f64le', ...t('F64'), F.f64,
    '-c:a', 'pcm_u8', ...t('U8'), F.u8,
    '-c:a', 'pcm_alaw', F.alaw,
    '-c:a', 'pcm_s24be', ...t('Aiff24'), F.aiff24,
    '-c:a', 'alac', '-sample_fmt', 's32p', ...t('Alac24'), F.alac24,
    '-c:a', 'wmav2', '-b:a', '128k', ...t('Wma'), F.wma,
    '-c:a', 'dca', '-strict', '-2', '-ar', '48000', F.dts,
    '-c:a', 'pcm_s16be', F.au,
    '-c:a', 'flac', '-metadata', 'title=Flac Inner', join(DIR, 'inner.flac'),
    // every channel layout beyond 5.1, 3 s each
    ...LAYOUTS.flatMap(layoutOut),
    // ±Inf/NaN samples poked into the clean float WAV below; Matroska/WebM audio
    '-c:a', 'pcm_f32le', V.clean,
    '-c:a', 'libopus', '-b:a', '96k', V.opusMka,
    '-c:a', 'libvorbis', '-q:a', '4', V.vorbisMka,
    '-c:a', 'libopus', '-b:a', '96k', V.opusWebm,
    '-c:a', 'truehd', '-strict', '-2', '-ar', '48000', V.truehdMka,
  ]);
  // multi-valued artists: a FLAC whose VORBIS_COMMENT repeats ARTIST (foobar2000, Picard), ID3v2.4 TPE1 "Alice\0Bob" (Mp3tag, Picard)
  const b = readFileSync(flac);
  let p = 4;
  const blocks: [number, Buffer][] = [];
  for (;;) {
    const h = b[p];
    const len = b.readUIntBE(p + 1, 3);
    if ((h & 127) !== 4) blocks.push([h & 127, b.subarray(p + 4, p + 4 + len)]);
    p += 4 + len;
    if (h & 128) break;
  }
  const vendor = Buffer.from('reference libFLAC 1.4.2 20221022');
  const comments = ['TITLE=Two Artists', 'ARTIST=Alice', 'ARTIST=Bob', 'GENRE=Jazz', 'GENRE=Funk'].map((c) => Buffer.from(c));
  blocks.splice(1, 0, [4, Buffer.concat([le32(vendor.length), vendor, le32(comments.length), ...comments.flatMap((c) => [le32(c.length), c])])]);
  writeFileSync(F.flacMulti, Buffer.concat([Buffer.from('fLaC'), ...blocks.map(([type, d], k) => Buffer.concat([Buffer.from([type | (k === blocks.length - 1 ? 128 : 0)]), Buffer.from([d.length >> 16, (d.length >> 8) & 255, d.length & 255]), d])), b.subarray(p)]));
  const mp3 = readFileSync(bare);
  const v24 = Buffer.concat([f24('TIT2', Buffer.from('\x03Multi V24', 'latin1')), f24('TPE1', Buffer.from('\x03Alice\x00Bob', 'latin1')), f24('TCON', Buffer.from('\x03Jazz\x00Funk', 'latin1'))]);
  writeFileSync(F.id3v24Multi, Buffer.concat([Buffer.from('ID3\x04\x00\x00', 'latin1'), syncsafe(v24.length + 1024), v24, Buffer.alloc(1024), mp3]));
  // one artist per tag, but two tags that disagree: still one value shown, with the conflict warned
  const v23 = Buffer.concat([f23('TIT2', 'Conf'), f23('TPE1', 'Alpha')]);
  writeFileSync(F.id3ApeConflict, Buffer.concat([Buffer.from('ID3\x03\x00\x00', 'latin1'), syncsafe(v23.length), v23, mp3, apeTag([['Title', 'Conf'], ['Artist', 'Beta']])]));
  // formats music-metadata has no parser for, tagged where they can be
  // a noisy source: ALAC then needs ~1 Mb/s, far from the 352 kb/s ffmpeg states for any 16-bit stereo 44.1 kHz ALAC in CAF
  const noisy = join(DIR, 'noisy.wav');
  ff(['-f', 'lavfi', '-i', 'anoisesrc=d=6:c=pink:a=0.3', '-f', 'lavfi', '-i', 'sine=f=220:d=6', '-filter_complex', '[0][1]amerge=inputs=2', '-ar', '44100', noisy]);
  ff(['-i', noisy, '-c:a', 'alac', ...t('CafAlac'), F.cafAlac]);
  // DAW and encoder files that were right
  const c = riffChunks(readFileSync(bwf));
  const ixml = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><BWFXML><IXML_VERSION>2.10</IXML_VERSION><SCENE>12</SCENE><TAKE>7</TAKE></BWFXML>');
  const cue = Buffer.concat([le32(2), ...[[1, 44100], [2, 176400]].map(([id, s]) => Buffer.concat([le32(id), le32(s), Buffer.from('data'), le32(0), le32(0), le32(s)]))]);
  const adtl = Buffer.concat([Buffer.from('adtl'), chunk('labl', Buffer.concat([le32(1), Buffer.from('Verse\0')])), chunk('labl', Buffer.concat([le32(2), Buffer.from('Chorus\0')]))]);
  const dawBody = Buffer.concat([Buffer.from('WAVE'), chunk('bext', c.get('bext')!), chunk('fmt ', c.get('fmt ')!), chunk('LIST', c.get('LIST')!), chunk('data', c.get('data')!), chunk('iXML', ixml), chunk('cue ', cue), chunk('LIST', adtl)]);
  writeFileSync(F.daw, Buffer.concat([Buffer.from('RIFF'), le32(dawBody.length), dawBody]));
  const c32 = riffChunks(readFileSync(f32));
  const peak = Buffer.concat([le32(1), le32(1700000000), ...[0, 1].map(() => { const e = Buffer.alloc(8); e.writeFloatLE(0.9, 0); e.writeUInt32LE(1000, 4); return e; })]);
  const f32Body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', c32.get('fmt ')!), chunk('fact', le32(c32.get('data')!.length / 8)), chunk('PEAK', peak), chunk('data', c32.get('data')!)]);
  writeFileSync(F.f32Peak, Buffer.concat([Buffer.from('RIFF'), le32(f32Body.length), f32Body]));
  const cm = riffChunks(readFileSync(music));
  const junkBody = Buffer.concat([Buffer.from('WAVE'), chunk('JUNK', Buffer.alloc(28)), chunk('fmt ', cm.get('fmt ')!), chunk('data', cm.get('data')!)]);
  writeFileSync(F.junk, Buffer.concat([Buffer.from('RIFF'), le32(junkBody.length), junkBody]));
  const padded = f23('TIT2', 'Padded');
  writeFileSync(F.id3Padding, Buffer.concat([Buffer.from('ID3\x03\x00\x00', 'latin1'), syncsafe(padded.length + 2_000_000), padded, Buffer.alloc(2_000_000), mp3]));
  const outer = Buffer.concat([f23('TIT2', 'Id3 Outer')]);
  writeFileSync(F.id3BeforeFlac, Buffer.concat([Buffer.from('ID3\x03\x00\x00', 'latin1'), syncsafe(outer.length), outer, readFileSync(join(DIR, 'inner.flac'))]));
  const cf = readFileSync(V.clean);
  const at = cf.indexOf('data') + 8;
  const poke = (out: string, edits: [number, number][]) => {
    const b = Buffer.from(cf);
    for (const [frame, v] of edits) b.writeFloatLE(v, at + frame * 8);
    writeFileSync(out, b);
  };
  poke(V.inf, [[44100 * 3, Infinity]]);
  poke(V.nanInf, [...Array.from({ length: 10 }, (_, k): [number, number] => [44100 + k, NaN]), [44100 * 4, -Infinity]]);
  const pal = ['-f', 'lavfi', '-i', 'testsrc2=s=720x576:r=25:d=3', '-f', 'lavfi', '-i', 'sine=f=440:d=3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'];
  ff([...pal, '-vf', 'setsar=64/45', V.anamorphic]);
  // the same H.264 stream with its SAR rewritten to 1:1 (bitstream filter, no re-encode): pixels identical by
  // construction — two x264 encodes of the same source differed once on the CI machine
  ff(['-i', V.anamorphic, '-c', 'copy', '-bsf:v', 'h264_metadata=sample_aspect_ratio=1/1', '-aspect', '1.25', V.square]);
  // covers, and Pillow's RGB of each (the reference's loader: Image.open(p).convert('RGB'))
  ff(['-f', 'lavfi', '-i', 'testsrc2=s=321x241:d=1', '-frames:v', '1', join(IMG, 'src.png')]);
  ff(['-i', join(IMG, 'src.png'), ...['422', '444', '420'].flatMap((c) => ['-pix_fmt', `yuvj${c}p`, '-q:v', '3', join(IMG, `ff-${c}.jpg`)])]);
  ff(['-f', 'lavfi', '-i', "testsrc=s=200x150:d=1:r=5,format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(lt(X,80),0,255)'", '-vf', 'split[a][b];[a]palettegen=reserve_transparent=1[p];[b][p]paletteuse', join(IMG, 'ff-palettegen-trns.gif')]);
  execFileSync('/usr/bin/python3', ['-c', `import sys, os
import numpy as np
from PIL import Image
d = sys.argv[1]
j = lambda n: os.path.join(d, n)
rng = np.random.default_rng(7)
y, x = np.mgrid[0:241, 0:321]
img = np.clip(np.stack([(x * 0.8) % 256, y % 256, ((x + y) * 0.5) % 256], -1) + rng.normal(0, 25, (241, 321, 3)), 0, 255).astype('uint8')
a = (rng.random((241, 321)) * 255).astype('uint8')
im = Image.fromarray(img)
rgba = Image.fromarray(np.dstack([img, a]))
rgba.save(j('rgba.png'))
pal = im.convert('P', palette=Image.ADAPTIVE, colors=64)
pal.save(j('pal-trns.png'), transparency=3)
pal.save(j('trns.gif'), transparency=3)
Image.merge('LA', [Image.fromarray(img[:, :, 0]), Image.fromarray(a)]).save(j('la.png'))
Image.fromarray(img[:, :, 1]).convert('1').save(j('bw1.png'))
im.convert('P', palette=Image.ADAPTIVE, colors=16).save(j('pal4bit.png'), bits=4)
im.save(j('rgb.tif'))
rgba.save(j('rgba.tif'))
im.convert('CMYK').save(j('cmyk.tif'))
im.convert('CMYK').save(j('cmyk.jpg'), quality=92)
im.save(j('rgb.bmp'))
im.convert('L').save(j('gray.jpg'), quality=90)
exif = Image.Exif()
exif[0x0112] = 6
im.save(j('exif6.jpg'), quality=90, exif=exif.tobytes())
rgba.save(j('alpha-lossy.webp'), quality=80)
im.save(j('lossless.webp'), lossless=True)
im.save(j('photo.png'))
# an animated sticker: transparent on the left, so libwebp's encoder crops every frame to x >= 60
frames = []
for k in range(3):
    al = np.full((150, 200), 255, 'uint8')
    al[:, :60] = 0
    al[:, 60:90] = 100
    frames.append(Image.fromarray(np.dstack([(rng.random((150, 200, 3)) * 255).astype('uint8'), al])))
frames[0].save(j('anim-cropped.webp'), save_all=True, append_images=frames[1:], quality=75, duration=100)
`, IMG]);
  ff(['-i', join(IMG, 'photo.png'), '-i', join(IMG, 'rgba.png'), '-i', join(IMG, 'la.png'),
    '-map', '0', '-pix_fmt', 'rgb48be', join(IMG, 'rgb48.png'), '-map', '1', '-pix_fmt', 'rgba64be', join(IMG, 'rgba64.png'), '-map', '2', '-pix_fmt', 'ya16be', join(IMG, 'ya16.png')]);
  execFileSync('/usr/bin/python3', ['-c', PILLOW_PPM_PY, ...[...COVERS_FIXED, ...COVERS_RIGHT].map((n) => join(IMG, n))]);
}

/** mean and max |Δ| between the model's input for `p` and for Pillow's RGB of it (normalised units) */
async function againstPillow(p: string): Promise<{ mean: number; max: number }> {
  const ref = pillowInput(p);
  const got = await imageInput(p);
  assert.equal(got.length, ref.length);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i]! - ref[i]!);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / ref.length, max };
}

describe('media truth, new inputs of each kind (issue 10, seventh round)', () => {
  const { probed, probe, load } = probeTable(probeFile);
  before(async () => {
    buildInputs();
    await load([...Object.values(F), ...LAYOUTS.map(layoutFile)]);
  });

  test('covers as Pillow reads them: a 4:2:2 JPEG with relative sampling factors (ffmpeg\'s Y 2×2, chroma 1×2; was mean |Δ| 0.048, max 1.28), a lossy WebP with alpha (was 0.065 / 1.82), GIFs with a transparent index (was 0.026 / 1.58), an animated WebP whose first frame is cropped to its opaque part (was NOT_MEDIA "does not cover its canvas")', async () => {
    const bad: string[] = [];
    for (const n of COVERS_FIXED) {
      const { mean, max } = await againstPillow(join(IMG, n));
      // a baseline JPEG reads within IDCT rounding (≤ 0.05); the others are exact
      if (max > 0.05) bad.push(`${n}: mean |Δ| ${mean.toFixed(4)}, max ${max.toFixed(3)}`);
    }
    assert.deepEqual(bad, []);
  });

  test('covers that were already Pillow\'s stay so: RGBA, palette + tRNS, LA, 1-bit, 4-bit palette, 16-bit RGB/RGBA/gray+alpha PNG, TIFF RGB/RGBA/CMYK, CMYK and gray JPEG, EXIF-rotated JPEG (not turned), 4:4:4 and 4:2:0 JPEG, BMP, lossless WebP', async () => {
    const bad: string[] = [];
    for (const n of COVERS_RIGHT) {
      const { mean, max } = await againstPillow(join(IMG, n));
      if (max > 0.05) bad.push(`${n}: mean |Δ| ${mean.toFixed(4)}, max ${max.toFixed(3)}`);
    }
    assert.deepEqual(bad, []);
  });

  test('a multi-valued artist shows every value (repeated Vorbis ARTIST, ID3v2.4 NUL-separated TPE1; was "Alice"); two tags that disagree still show one, with the conflict warned', () => {
    for (const p of [F.flacMulti, F.id3v24Multi]) {
      const r = probe(p);
      assert.equal(r.tags.artist, 'Alice; Bob', p);
      assert.deepEqual(r.tags.genre, ['Jazz', 'Funk'], p);
      assert.deepEqual(r.warnings, [], p);
    }
    const c = probe(F.id3ApeConflict);
    assert.equal(c.tags.artist, 'Alpha');
    assert.ok(c.warnings.some((w) => /Conflicting artist tags/.test(w) && /Beta/.test(w)), c.warnings.join('\n'));
  });

  test('formats music-metadata has no parser for (TTA, ALAC in CAF, AC-3, E-AC-3, MPEG-TS): ffmpeg\'s tags, no warning (was "music-metadata could not read this file" / "Tags could not be read")', () => {
    for (const p of [F.tta, F.cafAlac, F.ac3, F.eac3, F.ts]) assert.deepEqual(probe(p).warnings, [], p);
    assert.deepEqual(probe(F.tta).tags, { title: 'Tta', artist: 'Band', album: 'Kinds7' });
    assert.deepEqual(probe(F.cafAlac).tags, { title: 'CafAlac', artist: 'Band', album: 'Kinds7' });
  });

  test('ALAC in CAF: the bitrate is its packets\' average, in the headline and the stream line (was ffmpeg\'s stated 352 where they average ~1000)', () => {
    const r = probe(F.cafAlac);
    const truth = audioKbps(F.cafAlac);
    assert.ok(Math.abs(r.bitrateKbps! - truth) <= 0.03 * truth, `${r.bitrateKbps} vs ${truth.toFixed(1)}`);
    assert.equal(r.audio?.bitrateKbps, r.bitrateKbps);
  });

  test('ordinary DAW, encoder and tagger files (RF64, BWF + iXML + cue + adtl, float with fact + PEAK, f64, u8, A-law, JUNK, 24-bit AIFF, 24-bit ALAC, WMA, DTS, .au, 2 MB ID3 padding, ID3v2 before a FLAC\'s Vorbis comment): the decoded duration, ffmpeg\'s channels and the packets\' bitrate, no false warning', () => {
    const bad: string[] = [];
    for (const [name, p] of Object.entries(F)) {
      if (['flacMulti', 'id3v24Multi', 'id3ApeConflict'].includes(name)) continue;
      const r = probed.get(p);
      if (r instanceof Error || !r) {
        bad.push(`${name}: ${r?.message ?? 'not probed'}`);
        continue;
      }
      // the ID3v2 before a FLAC disagrees with its Vorbis comment: the one warning expected
      const warnings = name === 'id3BeforeFlac' ? r.warnings.filter((w) => !/Conflicting title tags/.test(w)) : r.warnings;
      if (warnings.length) bad.push(`${name}: ${warnings.join(' | ')}`);
      const dec = decodedSec(p);
      // WMA: the ASF header's play duration counts the last frame's padding (ffmpeg decodes 19.969 of its 20.02 s)
      if (Math.abs(r.durationSec - dec) > (name === 'wma' ? 0.06 : 0.03)) bad.push(`${name}: ${r.durationSec} s, decodes ${dec.toFixed(3)}`);
      const kb = audioKbps(p);
      if (r.bitrateKbps === undefined || Math.abs(r.bitrateKbps - kb) > Math.max(1.5, 0.03 * kb)) bad.push(`${name}: ${r.bitrateKbps} kb/s, packets ${kb.toFixed(1)}`);
      if (r.audio?.channels !== 2) bad.push(`${name}: ${r.audio?.channels} channels`);
    }
    assert.equal(probe(F.id3BeforeFlac).tags.title, 'Flac Inner');
    assert.equal(probe(F.id3Padding).tags.title, 'Padded');
    assert.deepEqual(bad, []);
  });

  test('audio in Matroska/WebM (Opus, Vorbis, TrueHD): the bitrate is the packets\' average, not the file\'s bytes with every block header and the codec headers (was 104 / 123 / 1010 for 100.7 / 116.7 / 950 on a 20 s render)', async () => {
    const bad: string[] = [];
    for (const p of [V.opusMka, V.vorbisMka, V.opusWebm, V.truehdMka]) {
      const r = await probeFile(p);
      const truth = audioKbps(p);
      if (Math.abs(r.bitrateKbps! - truth) > Math.max(1, 0.01 * truth)) bad.push(`${p}: ${r.bitrateKbps} vs ${truth.toFixed(1)}`);
      if (r.warnings.length) bad.push(`${p}: ${r.warnings.join(' | ')}`);
    }
    assert.deepEqual(bad, []);
  });

  test('a float WAV with ±Inf samples (and NaN): loudness, true peak and range of the finite audio, and a finite model input (was a true peak of +Inf dBTP here; on a 20 s render, −25.4 LUFS and LRA 1.4 for −12.6 and 15.5)', async () => {
    const cache = join(DIR, 'cache');
    const loud = async (p: string) => (await analyseForLibrary({ path: p, cacheDir: cache, only: ['loudness'] })).results.loudness as { integratedLufs: number; truePeakDbtp: number | null; rangeLu: number };
    const clean = await loud(V.clean);
    for (const p of [V.inf, V.nanInf]) {
      const l = await loud(p);
      assert.ok(Math.abs(l.integratedLufs - clean.integratedLufs) < 0.05, `${p}: ${l.integratedLufs} vs ${clean.integratedLufs}`);
      assert.ok(l.truePeakDbtp !== null && Math.abs(l.truePeakDbtp - clean.truePeakDbtp!) < 0.05, `${p}: true peak ${l.truePeakDbtp}`);
      assert.ok(Math.abs(l.rangeLu - clean.rangeLu) < 0.1, `${p}: LRA ${l.rangeLu}`);
      const a = await decodeAudio(p);
      try {
        const [left] = a.source.read(0, a.source.length);
        assert.ok(left!.every((x) => Number.isFinite(x)), `${p}: the model's samples are finite`);
      } finally {
        a.close();
      }
    }
  });

  test('anamorphic video (SAR 64:45, DAR 16:9): the filmstrip is 16:9 as players show it (was 5:4, squashed), the probe states the sample aspect; the model still reads the stored 720×576 pixels (decord ignores SAR)', async () => {
    const p = await probeFile(V.anamorphic);
    assert.ok(Math.abs(p.video!.sampleAspect! - 64 / 45) < 1e-9, `${p.video!.sampleAspect}`);
    assert.equal((await probeFile(V.square)).video!.sampleAspect, undefined);
    const strip = await makeFilmstrip(V.anamorphic, p, join(DIR, 'strip'), 'b'.repeat(32), 3, new AbortController().signal, () => undefined);
    assert.ok(Math.abs(strip.width / strip.height - 16 / 9) < 0.02, `${strip.width}×${strip.height}`);
    const jpg = join(DIR, 'strip', 'filmstrip', readdirSync(join(DIR, 'strip', 'filmstrip'))[0]!, '001.jpg');
    assert.equal(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', jpg], { encoding: 'utf8' }).trim(), `${strip.width},${strip.height}`);
    // the same stream without the SAR flag: the model's input is identical
    const a = await videoInput(V.anamorphic);
    const b = await videoInput(V.square);
    assert.deepEqual(a.plan, b.plan);
    let d = 0;
    for (let i = 0; i < a.pixels.length; i++) d = Math.max(d, Math.abs(a.pixels[i]! - b.pixels[i]!));
    assert.equal(d, 0);
  });

  test('every channel layout ffmpeg writes beyond 5.1 (2.1 … 22.2): ffmpeg\'s channel count, the decoded duration, no warning', () => {
    const bad: string[] = [];
    for (const l of LAYOUTS) {
      const p = layoutFile(l);
      const r = probed.get(p);
      if (r instanceof Error || !r) {
        bad.push(`${l}: ${r?.message ?? 'not probed'}`);
        continue;
      }
      const ch = Number(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=channels', '-of', 'csv=p=0', p], { encoding: 'utf8' }).trim());
      if (r.audio?.channels !== ch) bad.push(`${l}: ${r.audio?.channels} channels, ffmpeg ${ch}`);
      if (Math.abs(r.durationSec - 3) > 0.01) bad.push(`${l}: ${r.durationSec} s`);
      if (r.warnings.length) bad.push(`${l}: ${r.warnings.join(' | ')}`);
    }
    assert.deepEqual(bad, []);
  });
});
