// The ID3v2 version of a tag the studio adds (tester29a). README: "an existing tag keeps its version, a new one is
// ID3v2.3". An untagged WAV (fluidsynth's, a DAW's bounce) got an ID3v2.4 tag with a footer in its `id3 ` chunk:
// node-taglib-sharp's RIFF tag creation sets version 4 and FooterPresent itself, past Id3v2Settings.defaultVersion.
// Checked here on the bytes and with mutagen (what Python DJ tools read).
// Inputs made by ffmpeg at test time. Run: node tools/run-tests.mjs test/integration/tag-write-id3-version.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { readBpmKey, tagTarget, writeTagsSafely } from '../../main/engine/library/tag-write';
import { OUTPUT } from '../helpers/media';
import { REAL_PYTHON } from '../helpers/python';

const DIR = join(OUTPUT, 'tag-write-id3-version');
const ff = (a: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=440:d=2', ...a]);
const stored = (p: string) => {
  const s = statSync(p);
  return { size: s.size, mtimeMs: s.mtimeMs };
};

/** the ID3v2 tag's header in the file: major version, flags (0x10: footer present), and whether a "3DI" footer follows */
function id3Header(p: string): { version: number; flags: number; footer: boolean } | null {
  const b = readFileSync(p);
  // the tag's own header ("ID3", version 2–4, revision 0), not an AIFF chunk named "ID3 "
  let at = b.indexOf('ID3');
  while (at >= 0 && !(b[at + 3] >= 2 && b[at + 3] <= 4 && b[at + 4] === 0)) at = b.indexOf('ID3', at + 1);
  if (at < 0) return null;
  const size = ((b[at + 6] & 0x7f) << 21) | ((b[at + 7] & 0x7f) << 14) | ((b[at + 8] & 0x7f) << 7) | (b[at + 9] & 0x7f);
  return { version: b[at + 3], flags: b[at + 5], footer: b.subarray(at + 10 + size, at + 13 + size).toString('latin1') === '3DI' };
}

/** the ID3v2 version mutagen reads ("2.3.0"); Debian's python3-mutagen (.ci/run), never a PATH python3 without it */
function mutagenVersion(p: string): string {
  return execFileSync(REAL_PYTHON, ['-c', 'import sys, mutagen; print(".".join(map(str, mutagen.File(sys.argv[1]).tags.version)))', p]).toString().trim();
}

describe('tag write-back: a new ID3v2 tag is ID3v2.3, an existing one keeps its version', { timeout: 120_000 }, () => {
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
  });

  for (const [ext, container, codec, args] of [
    ['wav', 'wav', 'pcm_s16le', ['-c:a', 'pcm_s16le']],
    ['aiff', 'aiff', 'pcm_s16be', ['-c:a', 'pcm_s16be', '-write_id3v2', '0']],
    ['mp3', 'mp3', 'mp3', ['-c:a', 'libmp3lame', '-id3v2_version', '0', '-write_xing', '1']],
  ] as const) {
    test(`an untagged ${ext.toUpperCase()} gets an ID3v2.3 tag without a footer`, async () => {
      const p = join(DIR, `untagged.${ext}`);
      ff([...args, p]);
      assert.equal(id3Header(p), null, 'no ID3 tag before');
      const target = tagTarget(container, codec, false)!;
      await writeTagsSafely({ path: p, stored: stored(p), target, bpm: '124', key: 'Am' });
      const h = id3Header(p);
      assert.deepEqual(h && { version: h.version, footer: h.footer, footerFlag: (h.flags & 0x10) !== 0 }, { version: 3, footer: false, footerFlag: false }, `${ext}: ID3v2.${h?.version}`);
      assert.deepEqual(await readBpmKey(p, 'id3v2'), { bpm: '124', key: 'Am' });
      assert.equal(mutagenVersion(p), '2.3.0', 'mutagen reads ID3v2.3');
    });
  }

  test('an AIFF whose ID3v2.4 tag ffmpeg wrote keeps ID3v2.4', async () => {
    const p = join(DIR, 'tagged24.aiff');
    ff(['-c:a', 'pcm_s16be', '-write_id3v2', '1', '-metadata', 'title=Twenty-four', p]);
    assert.equal(id3Header(p)?.version, 4, 'ffmpeg wrote ID3v2.4');
    await writeTagsSafely({ path: p, stored: stored(p), target: tagTarget('aiff', 'pcm_s16be', false)!, bpm: '128', key: '8A' });
    assert.equal(id3Header(p)?.version, 4);
    assert.deepEqual(await readBpmKey(p, 'id3v2'), { bpm: '128', key: '8A' });
  });
});
