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
