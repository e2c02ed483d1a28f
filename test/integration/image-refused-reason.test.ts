// Kind 3 of issue 10 (tester23's leftover): an image that Pillow — the reference's loader — reads but ffmpeg cannot
// (a Windows DIB without its file header, PIL's own IM format) was refused as 'is not an image that can be read.',
// naming no reason and no way out. The refusal now says what ffmpeg said and what to do. Inputs written by Pillow
// itself (/usr/bin/python3), as the reference would have read them; skipped where Pillow is missing.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { StudioError } from '@contract';
import { imageInput } from '../../main/engine/model/media-input';
import { OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'image-refused-reason');
const PY = '/usr/bin/python3';
const HAVE_PIL = spawnSync(PY, ['-c', 'import PIL'], { stdio: 'ignore' }).status === 0;

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  if (HAVE_PIL) {
    execFileSync(PY, ['-c', `from PIL import Image\nim = Image.new('RGB', (8, 6), (200, 10, 10))\nim.save(${JSON.stringify(join(DIR, 'cover.dib'))}, 'DIB')\nim.save(${JSON.stringify(join(DIR, 'cover.im'))}, 'IM')`]);
  }
});
after(() => rmSync(DIR, { recursive: true, force: true }));

test('a DIB and an IM image (Pillow reads them, ffmpeg does not): refused with ffmpeg\'s reason and what to do', { skip: HAVE_PIL ? false : 'Pillow (python3-pil) is not installed' }, async () => {
  for (const name of ['cover.dib', 'cover.im']) {
    await assert.rejects(imageInput(join(DIR, name)), (err: unknown) => {
      assert.ok(err instanceof StudioError, String(err));
      assert.equal(err.code, 'NOT_MEDIA');
      assert.match(err.message, new RegExp(`^"${name.replace('.', '\\.')}" is not an image that can be read \\(ffmpeg: .*Invalid data.*\\)\\. Save it as PNG or JPEG and use that\\.$`), err.message);
      return true;
    });
  }
});

test('a sound file given as the image (studio ask --image song.mp3): it holds no picture, said with what to give instead (tester38)', async () => {
  // before: '"song.mp3" is not an image that can be read (ffmpeg: At least one output file must be specified). Save it
  // as PNG or JPEG and use that.' — ffmpeg's words for its own command line, and advice to convert a song into a picture
  const wav = join(DIR, 'tone.wav');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=440:d=1', join(DIR, 'tone.wav'), '-c:a', 'libopus', join(DIR, 'song.opus')]);
  execFileSync('lame', ['--quiet', wav, join(DIR, 'song.mp3')]); // as Debian's LAME encodes it
  for (const [name, codec] of [['song.mp3', 'mp3'], ['song.opus', 'opus']] as const) {
    await assert.rejects(imageInput(join(DIR, name)), (err: unknown) => {
      assert.ok(err instanceof StudioError, String(err));
      assert.equal(err.code, 'NOT_MEDIA');
      assert.equal(err.message, `"${name}" holds no picture: it is a sound file (${codec} audio, no cover art). Give an image file (PNG, JPEG, WebP…), or this file as the audio.`);
      return true;
    });
  }
});
