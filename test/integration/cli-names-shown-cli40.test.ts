// cli40: every name the CLI prints goes through one rule (main/cli/analyze-text.ts shownPath/shownText: a line break,
// another control character or a bidi control escaped, the name JSON-quoted where it stands alone), and a file name
// the studio makes holds no bidi control (crates.ts crateFileName). tester39 found the built CLI printing U+202E raw —
// a path given to `studio analyze`, `studio crate list` of a crate imported from "evil\nname\u202Etxt.pls" — so that
// the rest of the line read reversed in a terminal; `studio analyze`'s problem lines printed the engine's message,
// which quotes the name, with its line break raw (tags39); `studio crate export DIR/` wrote "evil name\u202Etxt.m3u8",
// which a file manager shows as "evil name8u3m.txt". The built CLI in real processes, on files ffmpeg (libmp3lame,
// flac) made and totem-pl-parser's PLS layout (test/fixtures/playlists). Needs `npm run build`.
// Run: node tools/run-tests.mjs test/integration/cli-names-shown-cli40.test.ts
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { media, ROOT } from '../helpers/media';

/** a bidi control (UAX #9 embedding, override, isolate) as printed raw */
const RAW_BIDI = /[\u202a-\u202e\u2066-\u2069]/;
const RLO = '\u202E';

function studio(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), ...args], { cwd, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the CLI prints names by one rule and names its files without bidi controls (cli40)', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-cli-names-'));
  const music = join(dir, 'Music');
  const data = join(dir, 'data');
  const evil = join(music, `tone\n${RLO}evil.mp3`);
  const broken = join(music, `bad\n${RLO}x.mp3`);
  before(() => {
    const mp3 = media('cli-names-1s.mp3', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', '-b:a', '64k']);
    const flac = media('crate-import-1s.flac', ['-f', 'lavfi', '-i', 'sine=frequency=330:duration=1', '-c:a', 'flac']);
    mkdirSync(join(music, 'Sets'), { recursive: true });
    copyFileSync(mp3, join(music, 'Sets', '01 Intro.mp3'));
    copyFileSync(mp3, join(music, 'Sets', '100% Pure [Edit].mp3'));
    copyFileSync(flac, join(music, 'Sets', 'Café del Mar.flac'));
    copyFileSync(mp3, evil);
    // a file ffmpeg cannot read, under a name with a line break and an override: its record's error quotes the name
    writeFileSync(broken, Buffer.alloc(4096, 0x61));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('studio analyze: a path with a line break and U+202E is one quoted line, its error message escaped too', () => {
    const r = studio(dir, 'analyze', music, '--data-dir', data);
    assert.equal(r.code, 1, r.err); // the broken file failed
    assert.doesNotMatch(r.out + r.err, RAW_BIDI, 'no bidi control printed raw');
    const lines = r.out.split('\n');
    // the record's first line: the path JSON-quoted, U+202E as \u202e (before: the raw U+202E reversed the line)
    assert.ok(lines.includes(`"${music}/tone\\n\\u202eevil.mp3"`), r.out);
    assert.ok(lines.includes(`"${music}/bad\\n\\u202ex.mp3"`), r.out);
    // the failed record's error quotes the file's name: escaped in place, on its line
    assert.ok(lines.includes('  error       "bad\\n\\u202ex.mp3" is not an audio or video file ffmpeg can read.'), r.out);
  });

  test('studio tags write: an unknown option holding U+202E is named escaped in the usage error (lead)', () => {
    const r = studio(dir, 'tags', 'write', `--bogus${RLO}x`, music);
    assert.equal(r.code, 2, r.err);
    assert.doesNotMatch(r.err, RAW_BIDI, r.err);
    assert.match(r.err, /unknown option '--bogus\\u202ex'/, r.err);
  });

  test('studio model list: a models folder whose path holds U+202E is printed escaped (lead)', () => {
    const r = studio(dir, 'model', 'list', '--data-dir', join(dir, `da${RLO}ta`));
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, RAW_BIDI, r.out);
    assert.ok(r.out.includes('da\\u202eta/models'), r.out);
  });

  test('studio analyze: a problem line (a path that does not exist) is one line, its message escaped (problemText)', () => {
    const gone = join(dir, `gone\n${RLO}.mp3`);
    const r = studio(dir, 'analyze', gone);
    assert.equal(r.code, 1, r.err);
    assert.doesNotMatch(r.err, RAW_BIDI);
    // before: the message's own quote of the name broke the line in two ("studio: …: "gone" + a line "‮.mp3" does not exist")
    const problem = r.err.split('\n').filter((l) => l.includes('does not exist'));
    assert.equal(problem.length, 1, r.err);
    assert.ok(problem[0].startsWith(`studio: "${dir}/gone\\n\\u202e.mp3": "gone\\n\\u202e.mp3" does not exist (${dir}/gone\\n\\u202e.mp3).`), r.err);
  });

  test('studio probe: the path and a tag (mid3v2) with ESC printed escaped', () => {
    const file = join(dir, `probe${RLO}.mp3`);
    copyFileSync(evil, file);
    execFileSync('mid3v2', ['-t', 'Red\u001b[31m alert', file]);
    const r = studio(dir, 'probe', file);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /[\u001b\u202a-\u202e\u2066-\u2069]/, 'no ESC or bidi control printed raw');
    const lines = r.out.split('\n');
    // before: the path's U+202E and the title's ESC (a terminal's colour change) as they were
    assert.equal(lines[0], `"${dir}/probe\\u202e.mp3"`);
    assert.ok(lines.includes('  title       Red\\u001b[31m alert'), r.out);
  });

  test('studio crate import / list / show / export: a crate named from "evil\\nname\\u202Etxt.pls" shown escaped, its playlist file named without U+202E', () => {
    // totem-pl-parser's PLS with relative entries, under the name tester39 gave it
    const pls = join(music, `evil\nname${RLO}txt.pls`);
    copyFileSync(join(ROOT, 'test', 'fixtures', 'playlists', 'totem-relative.pls'), pls);
    const imp = studio(dir, 'crate', 'import', pls, '--data-dir', data);
    assert.equal(imp.code, 0, imp.err);
    // the crate's name: the file's stem, the line break a space (crates.ts defaultCrateName), U+202E kept as the user's
    assert.match(imp.out, /^Made the crate "evil name\\u202etxt": 3 of 4 entries added \(0:03\); 1 listed again was added once\.\n$/);

    const list = studio(dir, 'crate', 'list', '--data-dir', data);
    assert.equal(list.code, 0, list.err);
    assert.doesNotMatch(list.out, RAW_BIDI);
    assert.match(list.out, /^"evil name\\u202etxt" +3 tracks +0:03\n$/);
    // --json keeps the name as stored (a script reads the real name)
    assert.equal((JSON.parse(studio(dir, 'crate', 'list', '--json', '--data-dir', data).out) as { name: string }[])[0].name, `evil name${RLO}txt`);

    const show = studio(dir, 'crate', 'show', `evil name${RLO}txt`, '--data-dir', data);
    assert.equal(show.code, 0, show.err);
    assert.doesNotMatch(show.out, RAW_BIDI);
    assert.equal(show.out.split('\n')[0], '"evil name\\u202etxt": 3 tracks, 0:03');

    const none = studio(dir, 'crate', 'show', 'nope', '--data-dir', data);
    assert.equal(none.code, 1);
    assert.equal(none.err, 'studio: there is no crate named "nope" (the crates: "evil name\\u202etxt").\n');

    const into = join(dir, 'out');
    mkdirSync(into);
    const exp = studio(dir, 'crate', 'export', `evil name${RLO}txt`, `${into}/`, '--data-dir', data);
    assert.equal(exp.code, 0, exp.err);
    // before: "evil name\u202Etxt.m3u8" (sanitize-filename keeps U+202E)
    assert.deepEqual(readdirSync(into), ['evil nametxt.m3u8']);
    assert.equal(exp.err, `Wrote 3 tracks of "evil name\\u202etxt" to ${into}/evil nametxt.m3u8\n`);
    assert.match(readFileSync(join(into, 'evil nametxt.m3u8'), 'utf8'), /^#EXTM3U\n/);
  });
});
