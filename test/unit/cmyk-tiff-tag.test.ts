// cmykTiffAsRgba (model/preprocess/pillow-rgb.ts): a CMYK TIFF's PhotometricInterpretation rewritten to RGB so that
// ffmpeg hands the stored C, M, Y, K samples unconverted. TIFF 6.0 lets the tag be a SHORT or a LONG; a LONG was left
// as it was (review16 M1), and ffmpeg's own RGBA conversion was then read as CMYK (an all-black image).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cmykTiffAsRgba } from '../../main/engine/model/preprocess/pillow-rgb';

/** a classic TIFF header and a one-entry first IFD: tag 262 of `type` (3 SHORT, 4 LONG) holding `value` */
function tiff(le: boolean, type: number, value: number): Buffer {
  const b = Buffer.alloc(8 + 2 + 12 + 4);
  b.write(le ? 'II' : 'MM', 0, 'latin1');
  const u16 = (v: number, o: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const u32 = (v: number, o: number) => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  u16(42, 2);
  u32(8, 4);
  u16(1, 8);
  u16(262, 10);
  u16(type, 12);
  u32(1, 14);
  if (type === 3) u16(value, 18);
  else u32(value, 18);
  return b;
}

test('PhotometricInterpretation 5 becomes 2 whether the tag is a SHORT or a LONG, in either byte order', () => {
  for (const le of [true, false]) {
    for (const type of [3, 4]) {
      const out = cmykTiffAsRgba(tiff(le, type, 5));
      assert.ok(out, `${le ? 'II' : 'MM'} type ${type}`);
      const v = type === 3 ? (le ? out.readUInt16LE(18) : out.readUInt16BE(18)) : le ? out.readUInt32LE(18) : out.readUInt32BE(18);
      assert.equal(v, 2, `${le ? 'II' : 'MM'} type ${type}`);
    }
  }
});

test('a TIFF that is not separated (5), or a tag of another type, is left alone (null)', () => {
  assert.equal(cmykTiffAsRgba(tiff(true, 3, 2)), null);
  assert.equal(cmykTiffAsRgba(tiff(true, 4, 1)), null);
  assert.equal(cmykTiffAsRgba(tiff(true, 5, 5)), null);
  assert.equal(cmykTiffAsRgba(Buffer.from('not a tiff')), null);
});
