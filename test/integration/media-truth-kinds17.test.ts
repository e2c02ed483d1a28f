// Issue 10, kinds 1–2: faults a tester found in what the probe and the library state about a file's container,
// length, rate, tags and name (helper files10). Each test failed before its fix, with the value named:
// - two FLACs joined with `cat a.flac b.flac`: the probe stated 5.956 s with a false "truncated … at sample 262656 of
//   the 352800" (the tail's frames are the second stream's, checked against the first STREAMINFO); ffmpeg decodes
//   13.732 s. Now probe = library = what decodes, with a warning that a second FLAC stream follows the first.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyseForLibrary } from '../../main/engine/library/analyse';
import { probeFile } from '../../main/engine/media/probe';
import { decodedFrames, ff, OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'media-truth-kinds17');

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
});
after(() => rmSync(join(DIR, 'cache'), { recursive: true, force: true }));

describe('kind 1: two FLACs joined with cat', () => {
  test('probe = library = what ffmpeg decodes, and the warning says a second FLAC stream follows; no false truncation', async () => {
    const a = join(DIR, 'a.flac');
    const b = join(DIR, 'b.flac');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=8', '-ac', '2', a]);
    ff(['-f', 'lavfi', '-i', 'sine=f=660:d=6', '-ac', '2', b]);
    const path = join(DIR, 'cat.flac');
    writeFileSync(path, Buffer.concat([readFileSync(a), readFileSync(b)]));
    const decoded = decodedFrames(path) / 44100;
    assert.ok(decoded > 13, `ffmpeg decodes both streams: ${decoded}`);
    const p = await probeFile(path);
    assert.ok(Math.abs(p.durationSec - decoded) < 0.002, `probe ${p.durationSec} vs decoded ${decoded}`);
    assert.ok(!p.warnings.some((w) => /truncated/.test(w)), p.warnings.join(' | '));
    assert.ok(p.warnings.some((w) => /second FLAC stream follows the first/.test(w)), p.warnings.join(' | '));
    const lib = await analyseForLibrary({ path, cacheDir: join(DIR, 'cache'), only: ['loudness'] });
    assert.ok(Math.abs(lib.durationSec - decoded) < 0.002, `library ${lib.durationSec} vs decoded ${decoded}`);
    // one FLAC alone: no such warning
    const one = await probeFile(a);
    assert.equal(one.durationSec, 8);
    assert.deepEqual(one.warnings, []);
  });
});
