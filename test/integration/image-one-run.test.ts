// An image given to the model (imageInputSized: `studio ask --image`, a cover) is read with ONE ffmpeg run where
// that run's own log describes the input as `ffmpeg -i` does (was two: `ffmpeg -i`, then the decode; each ffmpeg start
// costs ~80 ms of CPU), and with the two runs where the one run's guess does not hold (here: an APNG, whose frame 0 is
// read with another demuxer). Seen from outside: the ffmpeg runs (a logging wrapper as STUDIO_FFMPEG), and what is read —
// the size and the container as a separate `ffmpeg -i` of the file states them. That the pixels are Pillow's is
// media-truth-kinds7, -kinds12, -kinds16 and -kinds19's (every format here is in their sets).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { imageInputSized } from '../../main/engine/model/media-input';
import { parseFfmpegInfo, probeFile, realContainer } from '../../main/engine/media/probe';
import { logFfmpegCalls, OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'image-one-run');
const LOG = join(DIR, 'ffmpeg.log');

/** what `ffmpeg -i` states of `p`: the first video stream's size and the container as probe names it */
function stated(p: string): { w: number; h: number; container?: string } {
  const info = parseFfmpegInfo(spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-i', p], { encoding: 'utf8' }).stderr);
  const v = info.streams.find((s) => s.type === 'video')!;
  const named = info.container && info.container !== 'unknown' ? realContainer(info, p) : '';
  return { w: v.width!, h: v.height!, ...(named ? { container: named } : {}) };
}

describe('an image read with one ffmpeg run', () => {
  let undo: () => void;
  const files: Record<string, string> = {};
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    // every picture from one ffmpeg run (one source, each output with its own options)
    const outputs: Array<[string, string[]]> = [
      ['rgb.png', []],
      ['rgb16.png', ['-pix_fmt', 'rgb48be']],
      ['420.jpg', ['-pix_fmt', 'yuvj420p']],
      ['lossy.webp', ['-c:v', 'libwebp']],
      ['pal.gif', []],
      ['rgb.tif', []],
      ['rgb.bmp', []],
      ['rgb.tga', []],
      ['anim.apng', ['-frames:v', '3', '-plays', '0', '-f', 'apng']],
      ['jpeg-named.png', ['-pix_fmt', 'yuvj420p', '-f', 'mjpeg']],
    ];
    for (const [name] of outputs) files[name] = join(DIR, name);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=67x41', ...outputs.flatMap(([name, args]) => ['-frames:v', '1', ...args, files[name]])]);
    undo = logFfmpegCalls(DIR, LOG);
  });
  after(() => undo?.());

  const read = async (p: string) => {
    writeFileSync(LOG, '');
    const got = await imageInputSized(p);
    return { got, runs: readFileSync(LOG, 'utf8').trim().split('\n').filter(Boolean) };
  };

  test('PNG (8- and 16-bit), JPEG 4:2:0, lossy WebP, GIF, TIFF, BMP, TGA: one ffmpeg run each; the size and the container `ffmpeg -i` states', async () => {
    for (const name of ['rgb.png', 'rgb16.png', '420.jpg', 'lossy.webp', 'pal.gif', 'rgb.tif', 'rgb.bmp', 'rgb.tga']) {
      const { got, runs } = await read(files[name]);
      assert.equal(runs.length, 1, `${name}: ${runs.join('\n')}`);
      const s = stated(files[name]);
      assert.deepEqual({ w: got.width, h: got.height, container: got.container }, { w: s.w, h: s.h, container: s.container }, name);
      assert.equal(got.data.length, 3 * 2 * 224 * 224, name);
    }
  });

  test('an APNG (frame 0 read with the plain PNG demuxer): the two runs, as before', async () => {
    const { got, runs } = await read(files['anim.apng']);
    assert.equal(runs.length, 2, runs.join('\n'));
    assert.match(runs[0], /^-hide_banner -nostdin -i /);
    const s = stated(files['anim.apng']);
    assert.deepEqual({ w: got.width, h: got.height, container: got.container }, { w: s.w, h: s.h, container: s.container });
  });

  test('probe of a still image under its own common name (.png .jpg .webp .tif .bmp .tga): one ffmpeg run, no extension warning (the name checked against img2.c\'s table, not by `ffmpeg -f image2`); a JPEG named .png still asks ffmpeg and is named', async () => {
    for (const name of ['rgb.png', '420.jpg', 'lossy.webp', 'rgb.tif', 'rgb.bmp', 'rgb.tga']) {
      writeFileSync(LOG, '');
      const p = await probeFile(files[name]);
      const runs = readFileSync(LOG, 'utf8').trim().split('\n').filter(Boolean);
      assert.equal(runs.length, 1, `${name}: ${runs.join('\n')}`);
      assert.deepEqual(p.warnings, [], name);
    }
    writeFileSync(LOG, '');
    const p = await probeFile(files['jpeg-named.png']);
    assert.match(readFileSync(LOG, 'utf8'), /^-hide_banner -nostdin -f image2 -i .*jpeg-named\.png$/m);
    assert.deepEqual(p.warnings, ['"jpeg-named.png" is in fact a JPEG image, not PNG as its extension says; it was read as a JPEG image.']);
  });
});
