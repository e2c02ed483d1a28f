// tags39: a tagger's reserved space is named as padding, not "tags and container overhead". eyeD3 keeps the room of a
// removed cover (--no-max-padding; by default up to 64 KiB), so an MP3 whose 1.5 MB cover was taken off holds 1.5 MB of
// zeros in its ID3v2 tag; `metaflac --add-padding` reserves a PADDING block in a FLAC. The probe's bitrate warning
// said "The file as a whole is 538 kb/s including tags and container overhead" of both.
// Run: node tools/run-tests.mjs test/integration/tag-padding.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { probeFile } from '../../main/engine/media/probe';
import { structureOf } from '../../main/engine/media/structure';
import { ff, OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'tag-padding');

describe('a tag\'s padding is called padding (tags39)', { timeout: 120_000 } /* a hang guard */, () => {
  const F = { plain: join(DIR, 'plain.mp3'), padded: join(DIR, 'cover-removed.mp3'), cover: join(DIR, 'with-cover.mp3'), flac: join(DIR, 'padded.flac'), flacPlain: join(DIR, 'plain.flac') };
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const wav = join(DIR, 'src.wav');
    const png = join(DIR, 'cover.png');
    // 30 s of a tone, and a 1.5 MB cover (noise does not compress)
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=30', '-f', 'lavfi', '-i', 'nullsrc=s=1200x900:d=1,geq=r=random(1)*255:g=random(2)*255:b=random(3)*255',
      ...['-map', '0:a', '-ac', '2', wav], ...['-map', '1:v', '-frames:v', '1', png]]);
    execFileSync('lame', ['--quiet', '-b', '128', wav, F.plain]);
    copyFileSync(F.plain, F.padded);
    execFileSync('eyeD3', ['-Q', '--add-image', `${png}:FRONT_COVER`, F.padded]);
    copyFileSync(F.padded, F.cover);
    execFileSync('eyeD3', ['-Q', '--remove-all-images', '--no-max-padding', F.padded]);
    execFileSync('flac', ['--silent', '-f', '-o', F.flacPlain, wav]);
    copyFileSync(F.flacPlain, F.flac);
    execFileSync('metaflac', ['--add-padding=1500000', F.flac]);
  });

  test('structureOf counts the ID3v2 tag\'s padding and the FLAC PADDING blocks; none in files without', async () => {
    const mp3 = (await structureOf(F.padded)).tagPadding;
    assert.equal(mp3?.where, 'ID3v2');
    assert.ok(mp3!.bytes > 1_400_000 && mp3!.bytes < 1_700_000, `the removed cover's room: ${mp3?.bytes}`);
    const flac = (await structureOf(F.flac)).tagPadding;
    // flac's own 8 kB PADDING block and metaflac's, each with its 4-byte header
    assert.equal(flac?.where, 'FLAC');
    assert.ok(flac!.bytes >= 1_500_004 && flac!.bytes < 1_520_000, String(flac?.bytes));
    assert.equal((await structureOf(F.plain)).tagPadding, undefined, 'lame writes no ID3v2 tag');
    assert.ok(((await structureOf(F.cover)).tagPadding?.bytes ?? 0) < 70_000, 'beside the cover: only eyeD3\'s small padding');
  });

  test('the probe\'s bitrate warning says padding (was: "including tags and container overhead"); cover art still named as such', async () => {
    const padded = (await probeFile(F.padded)).warnings.find((w) => /as a whole is/.test(w));
    assert.match(padded ?? '', /^The file as a whole is \d+ kb\/s including 1\.\d MB of padding \(empty space its ID3v2 tag keeps for later tag edits\); the audio alone is 128 kb\/s\.$/, padded);
    const flac = (await probeFile(F.flac)).warnings.find((w) => /as a whole is/.test(w));
    assert.match(flac ?? '', /including 1\.5 MB of padding \(empty space its FLAC metadata keeps for later tag edits\)/, flac);
    const cover = (await probeFile(F.cover)).warnings.find((w) => /as a whole is/.test(w));
    assert.match(cover ?? '', /including 1\.\d MB of embedded cover art; /, cover);
    assert.ok(!/padding/.test(cover ?? ''), cover);
    for (const p of [F.plain, F.flacPlain]) assert.ok(!(await probeFile(p)).warnings.some((w) => /as a whole is/.test(w)), p);
  });
});
