// fix31 (item 1): a text file named cover.jpg — `printf 'hello\n' > cover.jpg; studio probe cover.jpg` — printed
// "container image2, duration 0:00.04, stream 0 video: mjpeg, 25 fps" and exit 0: ffmpeg's image2 demuxer is chosen by
// the name alone, and its one stream has no picture ("No JPEG data found in image", "Could not find codec parameters
// … unspecified size"). It is now refused as notes.txt is (NOT_MEDIA, "not an audio or video file … may be corrupt"),
// naming that it is no image; real pictures (found by content, or by image2 as a TGA is) are still probed, and the
// library's attached cover (content sniffed) still refuses such a file.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { pinAttachedCover } from '../../main/engine/media/cover';
import { probeFile } from '../../main/engine/media/probe';
import { OUTPUT, ROOT } from '../helpers/media';

const DIR = join(OUTPUT, 'probe-not-image');
before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  for (const n of ['cover.jpg', 'folder.png', 'art.webp', 'scan.bmp', 'pic.tga']) writeFileSync(join(DIR, n), 'hello\n');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=64x48', '-frames:v', '1', '-pix_fmt', 'yuvj420p', join(DIR, 'real.jpg'), '-frames:v', '1', join(DIR, 'real.tga')]);
});

test('text named .jpg/.png/.webp/.bmp/.tga: NOT_MEDIA, "not an image", as notes.txt is', async () => {
  for (const n of ['cover.jpg', 'folder.png', 'art.webp', 'scan.bmp', 'pic.tga']) {
    await assert.rejects(probeFile(join(DIR, n)), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'NOT_MEDIA', `${n}: ${e.message}`);
      assert.match(e.message, new RegExp(`^"${n.replace('.', '\\.')}" is not an audio or video file that can be read: ffmpeg read it as an image by its name \\(\\.${n.split('.')[1]}\\) and found no picture in it`), e.message);
      assert.match(e.message, /It may be corrupt, or a different kind of file with a media extension\.$/, e.message);
      return true;
    }, n);
  }
});

test('studio probe cover.jpg (text): exit 1 with the message, no "container image2"', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'probe', join(DIR, 'cover.jpg')], { encoding: 'utf8', env: { ...process.env, STUDIO_DATA_DIR: join(DIR, 'data') } });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /image2|duration/, r.stdout);
  assert.match(r.stderr, /"cover\.jpg" is not an audio or video file that can be read: ffmpeg read it as an image by its name \(\.jpg\) and found no picture in it/, r.stderr);
});

test('guard: a real JPEG and a real TGA (image2 by name, a picture inside) are still probed with their size', async () => {
  for (const n of ['real.jpg', 'real.tga']) {
    const p = await probeFile(join(DIR, n));
    assert.equal(p.video?.width, 64, n);
    assert.equal(p.video?.height, 48, n);
  }
});

test('guard: the text named cover.jpg is refused as a track\'s attached cover (content sniffed)', async () => {
  await assert.rejects(pinAttachedCover(join(DIR, 'cache'), 'a'.repeat(16), join(DIR, 'cover.jpg')), /"cover\.jpg" is not an image file \(its content is no image format\), so it cannot be a cover\./);
});

test('the model\'s image input (`studio ask --image`) on a text file named .jpg says it holds no picture, not "save it as PNG or JPEG"', async () => {
  const { imageInputSized } = await import('../../main/engine/model/media-input');
  await assert.rejects(imageInputSized(join(DIR, 'cover.jpg')), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'NOT_MEDIA', e.message);
    assert.match(e.message, /^"cover\.jpg" is not an image that can be read: ffmpeg read it as an image by its name \(\.jpg\) and found no picture in it/, e.message);
    assert.match(e.message, /It may be corrupt, or a different kind of file with an image extension\.$/, e.message);
    assert.doesNotMatch(e.message, /Save it as PNG or JPEG/, e.message);
    return true;
  });
});
