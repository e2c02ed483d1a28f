// Issue 10 item 7: what ffmpeg does behind the preprocessing's back. A phone clip carries a
// display-matrix rotation: the model gets the stored pixels (decord, the reference's reader,
// ignores the flag: `-noautorotate`), the filmstrip shows it upright. An image's EXIF
// orientation is ignored as Pillow's Image.open ignores it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeFilmstrip, thumbSize } from '../../main/engine/media/filmstrip';
import { probeFile } from '../../main/engine/media/probe';
import { imageInput, videoInput } from '../../main/engine/model/media-input';
import { MEDIA_DIR, media } from '../helpers/media';
import { plainClip, rotatedClip } from '../helpers/issue10-inputs';

// the same stream plain and flagged as a portrait phone recording (display matrix 90°)
const [plain, rotated] = [plainClip, rotatedClip];

test('probe states the display-matrix rotation; the filmstrip is portrait (upright), not squashed', async () => {
  const p = await probeFile(rotated());
  assert.equal(Math.abs(p.video!.rotation!), 90);
  assert.equal(p.video!.width, 320);
  const size = thumbSize(p);
  assert.ok(size.height > size.width, `thumbnail ${size.width}×${size.height}`);
  const cache = mkdtempSync(join(tmpdir(), 'rs-rot-'));
  const strip = await makeFilmstrip(rotated(), p, cache, 'f'.repeat(40), 3, new AbortController().signal, () => undefined);
  assert.equal(strip.frames.length, 3);
  assert.equal(strip.width, size.width);
  // ffmpeg turned the frames upright: the thumbnails' content is portrait at that size (no squash)
  const dir = join(cache, 'filmstrip');
  const jpg = readdirSync(dir, { recursive: true }).map(String).find((f) => f.endsWith('.jpg'))!;
  const info = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', join(dir, jpg)], { encoding: 'utf8' }).trim();
  assert.equal(info, `${size.width},${size.height}`);
});

test("the model sees a rotated clip's stored pixels, exactly as the same clip without the flag (decord)", async () => {
  const a = await videoInput(plain());
  const b = await videoInput(rotated());
  assert.equal(a.n, b.n);
  assert.deepEqual(b.plan, a.plan);
  assert.ok(Buffer.from(a.pixels.buffer).equals(Buffer.from(b.pixels.buffer)), 'pixel values differ');
});

test("an image's EXIF orientation is not applied (Pillow's Image.open does not apply it)", async () => {
  const src = media('exif-src.png', ['-f', 'lavfi', '-i', 'testsrc=s=320x200:d=1', '-frames:v', '1']);
  const withExif = join(MEDIA_DIR, 'exif-orientation-6.jpg');
  const without = join(MEDIA_DIR, 'exif-none.jpg');
  execFileSync('/usr/bin/python3', [
    '-c',
    `import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert('RGB')
im.save(sys.argv[3], quality=95)
ex = Image.Exif(); ex[0x0112] = 6
im.save(sys.argv[2], quality=95, exif=ex.tobytes())
assert Image.open(sys.argv[2]).getexif()[0x0112] == 6`,
    src, withExif, without,
  ]);
  const a = await imageInput(without);
  const b = await imageInput(withExif);
  assert.ok(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), 'EXIF orientation changed the model input');
});
