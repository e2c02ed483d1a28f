// Issue 10, a re-check of kinds 3 and 4 on new inputs (helper tester23, session 16). Each "was" test failed on the
// code before its fix (branch tester23 from main at 520f347), with the value named:
// - Kind 3, audio: an AIFF or AIFF-C whose sample rate is not a whole number — the classic Mac rate 22254.545… Hz
//   (SoundEdit, Mac OS system sounds, old sample CDs; the COMM chunk's 80-bit extended rate). The
//   reference's torchaudio.load (0.13, libsox) states the rate truncated (22254), ffmpeg's AIFF demuxer rounds it
//   (22255), and the model resampled to 16 kHz from ffmpeg's rate: its input was mean |Δ| 0.056, max 0.75 from the
//   reference's; now the reference's rate (media-input.ts libsoxAiffRate), max 0.002. (11127.27 Hz was right before:
//   ffmpeg's rounding and torchaudio's truncation agree there.)
// - Kind 3, images: an 8-bit CMYK TIFF (print artwork; raw, LZW, Deflate, PackBits; with an Orientation tag):
//   ffmpeg's TIFF decoder converts CMYK itself as (255 − c)(255 − k)·257 >> 16, up to a level darker than Pillow's
//   cmyk2rgb (which rounds c·k/255) — mean |Δ| 0.008, max 0.044 in the model's units with a black plate; 0.014 / 0.030
//   for Pillow's RGB → CMYK (K = 0: one level on 94 % of the samples), below the 0.05 that earlier rounds allowed
//   "cmyk.tif" as right. Now the stored samples are read (a copy whose tag says RGB) and converted
//   as Pillow does (pillow-rgb.ts cmykRgb): identical.
// Guards, right before and after (new inputs of the kinds): the filmstrip of an MP4 with each of the eight display
// matrices (90/180/270° turns, hflip, vflip, transpose, transverse) is upright as a player shows it, and the model
// reads the stored pixels for the half and three-quarter turns, bit-identical to the unflagged clip; kind 4: applause and pink noise state no
// tempo and no key in the features line.
// Measured (kind 4): a held chord on two detuned oscillators (a synth's "unison 2", 1 Hz apart: the
// partials beat at 1, 2, 3 … Hz) states "Tempo: 120 BPM." at 0.708; two sines 2 Hz apart 120 BPM at 0.64; a 6 Hz
// tremolo on a held chord 120 BPM at 0.621. Their envelopes are smooth swells with no attack (TempoEvidence.smooth
// 0.42–0.52, a clock's ticks 0.23), but the shipped map does not weigh `smooth` (the fit on the dev-side sets
// dropped it: they hold no beating pads). Fixed by tester23 (tempo analyser 18): tempoConfidence scales a swell down
// between smooth 0.44 (the dev-side right tempi's most) and 0.49 (the dev-side drones' least), confidence.ts SMOOTH_FLOOR.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyzeTrack } from '../../main/engine/analysis/index';
import { SMOOTH_FLOOR } from '../../main/engine/analysis/confidence';
import { makeFilmstrip } from '../../main/engine/media/filmstrip';
import { probeFile } from '../../main/engine/media/probe';
import { imageInput, libsoxAiffRate, videoInput } from '../../main/engine/model/media-input';
import { PROCESSORS } from '../../main/engine/model/processors';
import { ff, OUTPUT } from '../helpers/media';
import { imageDiff, maxDiff, preprocessOracle, setDisplayMatrix } from '../helpers/preprocess-ref';

const DIR = join(OUTPUT, 'media-truth-kinds28');
const PY = '/usr/bin/python3';

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
});

const py = (code: string, ...args: string[]) => execFileSync(PY, ['-c', code, ...args], { encoding: 'utf8' });

describe('kind 3: an AIFF at a rate that is not a whole number, as the reference reads it', () => {
  test('Mac 22254.55 Hz AIFF and AIFF-C (sowt): the model resamples from the rate torchaudio states (was ffmpeg\'s rounded rate: max |Δ| 0.75); a 44.1 kHz AIFF is left alone', async () => {
    // COMM's rate as an 80-bit extended, written as SoundEdit and the Mac OS Sound Manager did (not a whole number)
    py(`import sys, struct, math, numpy as np
d = sys.argv[1]
def ext(v):
    e = int(math.floor(math.log2(v)))
    return struct.pack('>HQ', e + 16383, int(v / 2 ** e * 2 ** 63))
def aiff(name, sr, aifc):
    n = int(sr * 7); t = np.arange(n) / sr
    x = 0.4 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 3000 * t) + 0.05 * np.sin(2 * np.pi * 5100 * t)
    pcm = (x * 32767).astype('<i2' if aifc else '>i2').tobytes()
    comm = struct.pack('>hIh', 1, n, 16) + ext(sr)
    body = b'AIFC' + b'FVER' + struct.pack('>II', 4, 0xA2805140) if aifc else b'AIFF'
    if aifc: comm += b'sowt' + bytes([0, 0])
    ssnd = struct.pack('>II', 0, 0) + pcm
    body += b'COMM' + struct.pack('>I', len(comm)) + comm + b'SSND' + struct.pack('>I', len(ssnd)) + ssnd
    open(d + '/' + name, 'wb').write(b'FORM' + struct.pack('>I', len(body)) + body)
aiff('mac-22254.aiff', 22254.545454545454, False)
aiff('mac-22254-sowt.aifc', 22254.545454545454, True)
aiff('cd-44100.aiff', 44100.0, False)
`, DIR);
    const [aiff, aifc, cd] = ['mac-22254.aiff', 'mac-22254-sowt.aifc', 'cd-44100.aiff'].map((f) => join(DIR, f)) as [string, string, string];
    // the inputs: ffmpeg rounds the rate (22255); torchaudio.info states 22254 (libsox's double, truncated: measured)
    const ffRates = [aiff, aifc, cd].map((p) => Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=sample_rate', '-of', 'csv=p=0', p], { encoding: 'utf8' }).trim()));
    assert.deepEqual(ffRates, [22255, 22255, 44100]);
    assert.deepEqual([aiff, aifc, cd].map(libsoxAiffRate), [22254, 22254, undefined]);
    // the reference's input (torchaudio.load → resample from 22254 Hz); the AIFF-C holds the same samples at the same
    // rate, little-endian ('sowt', as QuickTime and Logic write it), which libsox reads alike: the same input
    const refs = preprocessOracle('audiofile', [aiff, cd]);
    for (const [p, ref] of [[aiff, aiff], [aifc, aiff], [cd, cd]] as const) {
      const got = (await PROCESSORS.audio(p, { clips: 3 })).data;
      const d = maxDiff(got, refs.get(ref) as Float32Array);
      assert.ok(d < 0.01, `${p}: the model's input is max |Δ| ${d.toFixed(4)} from the reference's`);
    }
  });
});

describe('kind 3: CMYK TIFF covers as Pillow converts them', () => {
  test('8-bit CMYK TIFF (raw, LZW, Deflate, PackBits; little- and big-endian; Orientation 6): Pillow\'s cmyk2rgb on the stored samples (was ffmpeg\'s conversion, up to a level darker: mean |Δ| 0.008, max 0.044)', async () => {
    py(`import sys, io, struct, numpy as np
from PIL import Image
d = sys.argv[1]
rng = np.random.default_rng(28)
H, W = 150, 230
y, x = np.mgrid[0:H, 0:W]
rgb = np.clip(np.stack([(x * 1.1) % 256, (y * 1.7) % 256, ((x + y) * 0.6) % 256], -1) + rng.normal(0, 20, (H, W, 3)), 0, 255).astype('uint8')
cmyk = np.asarray(Image.fromarray(rgb).convert('CMYK')).copy()
cmyk[:, :, 3] = rng.integers(0, 120, (H, W))  # print separations carry black (UCR/GCR), not K = 0
cmyk[10:40, 10:60] = [0, 255, 255, 0]
im = Image.fromarray(cmyk, 'CMYK')
for c in ['raw', 'tiff_lzw', 'tiff_adobe_deflate', 'packbits']:
    im.save(d + '/cmyk-' + c + '.tif', compression=c)
im.save(d + '/cmyk-orient6.tif', compression='tiff_lzw', tiffinfo={274: 6})
# big-endian (Motorola, as Mac print software writes it): the same file with every header and IFD field byte-swapped in place
b = open(d + '/cmyk-raw.tif', 'rb').read()
out = bytearray(b)
out[0:8] = b'MM' + struct.pack('>HI', 42, struct.unpack_from('<I', b, 4)[0])
ifd = struct.unpack_from('<I', b, 4)[0]
n = struct.unpack_from('<H', b, ifd)[0]
struct.pack_into('>H', out, ifd, n)
for k in range(n):
    e = ifd + 2 + 12 * k
    tag, typ, cnt = struct.unpack_from('<HHI', b, e)
    struct.pack_into('>HHI', out, e, tag, typ, cnt)
    f = {1: 'B', 2: 'B', 3: 'H', 4: 'I', 5: 'II'}[typ] * cnt
    at = e + 8 if struct.calcsize('<' + f) <= 4 else struct.unpack_from('<I', b, e + 8)[0]
    if at != e + 8: struct.pack_into('>I', out, e + 8, at)
    struct.pack_into('>' + f, out, at, *struct.unpack_from('<' + f, b, at))
struct.pack_into('>I', out, ifd + 2 + 12 * n, struct.unpack_from('<I', b, ifd + 2 + 12 * n)[0])
open(d + '/cmyk-be.tif', 'wb').write(bytes(out))
`, DIR);
    const names = ['cmyk-raw.tif', 'cmyk-tiff_lzw.tif', 'cmyk-tiff_adobe_deflate.tif', 'cmyk-packbits.tif', 'cmyk-orient6.tif', 'cmyk-be.tif'];
    const files = names.map((n) => join(DIR, n));
    const refs = preprocessOracle('imagefile', files);
    const bad: string[] = [];
    for (const p of files) {
      const ref = refs.get(p)!;
      assert.ok(typeof ref !== 'string', `${p}: Pillow refused it (${ref})`);
      const d = imageDiff(await imageInput(p), ref);
      if (d.max > 1e-6) bad.push(`${p}: mean |Δ| ${d.mean.toFixed(4)}, max ${d.max.toFixed(3)}`);
    }
    assert.deepEqual(bad, []);
  });
});

describe('kind 3: the eight display matrices of an MP4 (guards)', () => {
  test('the filmstrip is upright as a player shows it (turned and mirrored); turned by 180° or 270°, the model reads the stored pixels (bit-identical to the unflagged clip)', async () => {
    const src = join(DIR, 'plain.mp4');
    // a grey picture with one red block in its top-left quarter: where the block lands tells the transform
    ff(['-f', 'lavfi', '-i', 'color=gray:s=320x240:r=25:d=2', '-vf', 'drawbox=x=16:y=16:w=100:h=60:c=red:t=fill', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', src]);
    const base = await videoInput(src);
    // tkhd matrix [a b; c d] → where the top-left block is shown (quarter of the thumbnail) and whether it is portrait
    const cases: Array<[string, number[], 'TL' | 'TR' | 'BL' | 'BR', boolean]> = [
      ['none', [1, 0, 0, 1], 'TL', false],
      ['rot90', [0, 1, -1, 0], 'TR', true],
      ['rot180', [-1, 0, 0, -1], 'BR', false],
      ['rot270', [0, -1, 1, 0], 'BL', true],
      ['hflip', [-1, 0, 0, 1], 'TR', false],
      ['vflip', [1, 0, 0, -1], 'BL', false],
      ['transpose', [0, 1, 1, 0], 'TL', true],
      ['transverse', [0, -1, -1, 0], 'BR', true],
    ];
    const bad: string[] = [];
    for (const [name, m, where, portrait] of cases) {
      const p = join(DIR, `matrix-${name}.mp4`);
      setDisplayMatrix(src, p, m);
      const probe = await probeFile(p);
      const cache = join(DIR, `strip-${name}`);
      const strip = await makeFilmstrip(p, probe, cache, 'd'.repeat(32), 1, new AbortController().signal, () => undefined);
      if (strip.height > strip.width !== portrait) bad.push(`${name}: thumbnail ${strip.width}×${strip.height}`);
      const jpg = join(cache, 'filmstrip', readdirSync(join(cache, 'filmstrip'))[0]!, '001.jpg');
      const q = execFileSync('ffmpeg', ['-v', 'error', '-i', jpg, '-vf', 'format=rgb24,scale=2:2:flags=area', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 20 });
      const red = (['TL', 'TR', 'BL', 'BR'] as const).filter((_, i) => q[i * 3]! - q[i * 3 + 1]! > 25);
      if (red.join() !== where) bad.push(`${name}: the red block shown at ${red.join('+') || 'nowhere'}, a player shows it ${where}`);
      // the model: kinds14 checked the mirrors, the first round the quarter turn; here the half and three-quarter turns
      if (name !== 'rot180' && name !== 'rot270') continue;
      const d = maxDiff((await videoInput(p)).pixels, base.pixels);
      if (d !== 0) bad.push(`${name}: the model's frames differ from the stored pixels by ${d}`);
    }
    assert.deepEqual(bad, []);
  });
});

describe('kind 4: sounds without a beat or a key, as people record them (guards)', () => {
  test('applause and pink noise: no tempo and no key in the features line', async () => {
    const applause = join(DIR, 'applause.wav');
    // applause: ~60 claps a second (decaying noise bursts of random length and level at random times), swelling and dying
    py(`import sys, wave, numpy as np
sr, d = 44100, 16
rng = np.random.default_rng(3)
x = np.zeros(sr * d)
for k in range(d * 60):
    t0 = rng.integers(0, sr * d - 2000); L = rng.integers(300, 1500)
    b = rng.normal(0, 1, L) * np.exp(-np.arange(L) / (L / 5)) * rng.uniform(0.2, 1)
    x[t0:t0 + L] += np.diff(np.r_[0, b])
i = np.arange(len(x))
x *= np.minimum(1, i / (sr * 2)) * np.minimum(1, (len(x) - i) / (sr * 4))
x = x / np.abs(x).max() * 0.8
w = wave.open(sys.argv[1], 'wb'); w.setnchannels(1); w.setsampwidth(2); w.setframerate(sr); w.writeframes((x * 32767).astype('<i2').tobytes()); w.close()
`, applause);
    const pink = join(DIR, 'pink.wav');
    ff(['-f', 'lavfi', '-i', 'anoisesrc=d=16:c=pink:a=0.3:seed=4', '-ar', '44100', '-ac', '2', pink]);
    for (const p of [applause, pink]) {
      const r = await analyzeTrack(p);
      assert.doesNotMatch(r.features, /Tempo|Key|Chords/, `${p}: ${r.features} (tempo ${r.tempo?.bpm} at ${r.tempo?.confidence}, key ${r.tonal?.key.key} at ${r.tonal?.key.confidence})`);
      assert.match(r.features, /Loudness/);
    }
  });

  test('a held chord on two detuned oscillators (unison, 1 Hz apart): no tempo (tester23: was "Tempo: 121 BPM." at 0.683; TempoEvidence.smooth 0.50, now weighed by confidence.ts SMOOTH_FLOOR/CEIL)', async () => {
    const p = join(DIR, 'unison2-pad.wav');
    py(`import sys, wave, numpy as np
sr, d = 44100, 16
t = np.arange(sr * d) / sr
saw = lambda f, ph=0: sum(((-1) ** (k + 1)) * np.sin(2 * np.pi * k * f * t + k * ph) / k for k in range(1, 13))
x = sum(saw(f) + saw(f + 1.0, 1.0) for f in [130.81, 164.81, 196.0, 261.63]) * np.minimum(1, t / 3)
x = x / np.abs(x).max() * 0.7
w = wave.open(sys.argv[1], 'wb'); w.setnchannels(1); w.setsampwidth(2); w.setframerate(sr); w.writeframes((x * 32767).astype('<i2').tobytes()); w.close()
`, p);
    const r = await analyzeTrack(p);
    assert.doesNotMatch(r.features, /Tempo/, `${r.features} (tempo ${r.tempo?.bpm} at ${r.tempo?.confidence})`);
    assert.ok(r.tempo.confidence < 0.5 && r.tempo.evidence!.smooth > SMOOTH_FLOOR, `tempo ${r.tempo.bpm} at ${r.tempo.confidence}, smooth ${r.tempo.evidence?.smooth}`);
  });
});
