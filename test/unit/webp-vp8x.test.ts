// One reading of a WebP's VP8X header (media/structure.ts webpVp8x) for the probe (webpAnimation: canvas and frames)
// and the model's input (model/media-input.ts firstWebpFrame), which had each parsed it and called a file animated by
// different rules (the probe: the VP8X animation flag; the model input: an ANIM chunk anywhere). A file with ANIM/ANMF
// chunks but the flag cleared was a still image with no size to the probe and an animation whose first frame the
// model took; Pillow (libwebp) does not open it at all. Now both go by the flag.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { webpAnimation, webpVp8x } from '../../main/engine/media/structure';
import { firstWebpFrame } from '../../main/engine/model/media-input';
import { animatedWebp } from '../helpers/issue10-inputs';
import { MEDIA_DIR, media } from '../helpers/media';

/** the animated WebP (5 frames, 96×64) with its bytes changed by `edit`, written beside it */
function variant(name: string, edit: (b: Buffer) => void): string {
  const b = Buffer.from(readFileSync(animatedWebp()));
  edit(b);
  const out = join(MEDIA_DIR, name);
  writeFileSync(out, b);
  return out;
}

test('webpVp8x: canvas and animation flag of an animated WebP; null for a simple WebP, another file, a short head', () => {
  assert.deepEqual(webpVp8x(readFileSync(animatedWebp())), { canvasW: 96, canvasH: 64, animated: true });
  const still = readFileSync(media('vp8x-still.webp', ['-f', 'lavfi', '-i', 'testsrc=s=40x30:d=1', '-frames:v', '1', '-c:v', 'libwebp']));
  assert.equal(still.toString('latin1', 12, 16), 'VP8 ', 'a simple lossy WebP has no VP8X');
  assert.equal(webpVp8x(still), null);
  assert.equal(webpVp8x(readFileSync(animatedWebp()).subarray(0, 29)), null);
  assert.equal(webpVp8x(Buffer.alloc(64)), null);
});

test('the probe and the model input call the same files animated: the VP8X flag decides', async () => {
  const files = {
    animated: animatedWebp(),
    // the flag cleared, ANIM and ANMF kept: Pillow 9.4 / libwebp 1.2.4 will not open it
    'flag cleared': variant('vp8x-noflag.webp', (b) => void (b[20] &= ~0x02)),
    // the flag set, the ANIM chunk renamed to an unknown one: both still read the first ANMF frame
    'no ANIM chunk': variant('vp8x-noanim.webp', (b) => void b.write('XANI', b.indexOf('ANIM', 12, 'latin1'), 'latin1')),
  };
  const seen: Record<string, [boolean, boolean]> = {};
  for (const [k, p] of Object.entries(files)) seen[k] = [(await webpAnimation(p)) !== null, firstWebpFrame(readFileSync(p), k) !== null];
  assert.deepEqual(seen, { animated: [true, true], 'flag cleared': [false, false], 'no ANIM chunk': [true, true] });
  assert.deepEqual(await webpAnimation(files['no ANIM chunk']), { canvasW: 96, canvasH: 64, frames: 5 });
});
