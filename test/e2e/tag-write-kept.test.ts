import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ff, media, OUTPUT } from '../helpers/media';
import { renderSong, type SmfNote } from '../helpers/smf';
import { useStudio } from '../helpers/studio';
import { scanFolder, trackArgs } from './library-page';

/**
 * Write tags… where our tempo and key are uncertain and the file already has another tool's BPM/key tags (left19b):
 * the dialog says, per file, that the file's own tags were kept and that they disagree with our uncertain guess
 * (before: only "no tempo or key sure enough", the other tool's "128" not named); with "Remove the file's own BPM/key
 * tag where it disagrees" ticked, they are removed and the dialog says so. The files are tagged with id3v2 (ID3v2.3)
 * and metaflac, as a DJ's tagger leaves them.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/tag-write-kept.test.ts
 */
describe('Write tags… keeps and names another tool\'s tags where ours is uncertain (left19b)', { timeout: 300_000 }, () => {
  const studio = useStudio({ viewport: { width: 1440, height: 900 } });
  const dir = join(OUTPUT, 'e2e-tag-write-kept', 'Music Library');
  const mp3 = join(dir, 'pad-one.mp3');
  const flac = join(dir, 'pad-two.flac');

  before(async () => {
    rmSync(join(OUTPUT, 'e2e-tag-write-kept'), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // a free-time ambient pad (media-truth-kinds16's): its tempo and key are uncertain
    let s = 777;
    const rng = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const amb: SmfNote[] = [];
    for (let t = 0; t < 40; t += 1.3 + 3.7 * rng()) amb.push({ beat: t, len: 4 + 6 * rng(), ch: 0, note: 50 + [0, 2, 5, 7, 9, 12, 14][Math.floor(rng() * 7)]!, vel: 60 });
    const wav = renderSong('tag-write-kept-ambient.wav', { bpm: 60, notes: amb, programs: { 0: 89 } });
    ff(['-i', wav, '-c:a', 'libmp3lame', '-b:a', '128k', '-write_id3v2', '0', mp3]);
    execFileSync('id3v2', ['-t', 'Pad One', '--TBPM', '128', '--TKEY', 'Am', mp3]);
    ff(['-i', wav, flac]);
    execFileSync('metaflac', ['--set-tag=TITLE=Pad Two', '--set-tag=BPM=128', '--set-tag=INITIALKEY=Am', flac]);
    await scanFolder(studio.sp, dir, 2);
  });

  test('kept and named by default (the files untouched); removed on request, and said so', async () => {
    const { page } = studio.sp;
    const before = [readFileSync(mp3), readFileSync(flac)];
    const open = async () => {
      await page.locator('[data-testid=library-row]', { hasText: 'Pad One' }).click();
      await page.locator('[data-testid=library-row]', { hasText: 'Pad Two' }).click({ modifiers: ['Control'] });
      await page.locator('[data-testid=detail-write-tags]', { hasText: '(2)' }).click();
      await page.getByTestId('tag-write-dialog').waitFor();
    };
    await open();
    assert.equal(await page.getByTestId('tag-write-clear').isChecked(), false, 'removing is off by default');
    // nothing of ours is sure enough: both named before writing, with the tags they keep (tagplan33: before, "Write 2
    // files" and then both refused one by one)
    await page.locator('[data-testid=tag-write-go]', { hasText: 'Nothing to write' }).waitFor({ timeout: 5000 });
    assert.equal(await page.getByTestId('tag-write-go').isDisabled(), true);
    const failures = await page.getByTestId('tag-write-refused').locator('li').allInnerTexts();
    assert.equal(failures.length, 2, failures.join(' | '));
    for (const f of failures) {
      assert.match(f, /uncertain/);
      assert.match(f, /Kept the file's existing BPM tag "128", which disagrees with our uncertain \d+ and its key tag "Am"/);
      assert.match(f, /tick "Remove the file's own BPM\/key tag where it disagrees with our uncertain value"/);
    }
    assert.ok(readFileSync(mp3).equals(before[0]) && readFileSync(flac).equals(before[1]), 'both files left byte for byte');
    await studio.sp.screenshot('tag-write-kept-1-named');
    await page.getByTestId('tag-write-cancel').click();

    await open();
    await page.getByTestId('tag-write-clear').check();
    // their own disagreeing tags would be removed, nothing of ours written: the button says so (cliui37: it said "Write 2
    // files", and the list below only "What 2 files will not get", of files whose tags it was about to remove)
    await page.locator('[data-testid=tag-write-go]', { hasText: 'Remove tags in 2 files' }).waitFor({ timeout: 5000 });
    // … and neither gets a BPM (ours is uncertain): said before writing, as `studio tags write --dry-run` says it (ui36:
    // "Write 2 files" of BPM and key, and only after the write that no BPM went in), with the tag each loses
    const partial = await page.getByTestId('tag-write-partial').innerText({ timeout: 5000 }).catch(() => '(none shown)');
    assert.match(partial, /^What 2 files will not get, and their own tags that will be removed:/, partial);
    assert.match(partial, /"pad-one\.mp3": no BPM: .*uncertain.*\. Its own BPM tag "128"( and key tag "Am")? \(another program's\) will be removed: (it disagrees with our uncertain value|they disagree with our uncertain values)/, partial);
    assert.match(partial, /"pad-two\.flac": no BPM: .*uncertain.*\. Its own BPM tag "128"( and key tag "Am")? \(another program's\) will be removed: (it disagrees with our uncertain value|they disagree with our uncertain values)/, partial);
    await studio.sp.screenshot('cliui37-tag-write-removes');
    const m2 = await studio.sp.mark();
    await page.getByTestId('tag-write-go').click();
    await studio.sp.waitForEvent('tag-write-done', { after: m2 });
    const lines = await page.getByTestId('tag-write-left-out').locator('li').allInnerTexts();
    assert.ok(lines.some((l) => /^"pad-one\.mp3": BPM not written: .*uncertain.* Removed the file's BPM tag "128" \(it disagreed\)\.$/.test(l)), lines.join(' | '));
    assert.ok(lines.some((l) => /^"pad-two\.flac": BPM not written: .*Removed the file's BPM tag "128"/.test(l)), lines.join(' | '));
    // the notice says what was done: nothing written, the disagreeing tags removed (it said "The BPM is in the tags of 2 files")
    const notice = (await page.locator('[data-testid^=toast-]').allInnerTexts()).join(' | ');
    assert.match(notice, /Tags removed[\s\S]*disagreed with our uncertain values were removed from 2 files/);
    assert.doesNotMatch(notice, /is in the tags/);
    await studio.sp.screenshot('tag-write-kept-2-removed');
    // as the tools that wrote them read the files now: the BPM tag gone (the key: gone where it disagreed)
    assert.doesNotMatch(execFileSync('id3v2', ['-l', mp3], { encoding: 'utf8' }), /TBPM/);
    assert.doesNotMatch(execFileSync('metaflac', ['--export-tags-to=-', flac], { encoding: 'utf8' }), /^BPM=/m);
    assert.match(execFileSync('metaflac', ['--export-tags-to=-', flac], { encoding: 'utf8' }), /^TITLE=Pad Two$/m, 'every other tag kept');
  });

  test('"Compatible" is off for a track whose key is uncertain, saying why (tester27)', async () => {
    // before: it filtered on the Camelot neighbours of the guess the detail calls "Key uncertain", as if they mixed
    const { page } = studio.sp;
    if (await page.getByTestId('tag-write-dialog').isVisible()) await page.keyboard.press('Escape');
    await page.locator('[data-testid=library-row]', { hasText: 'Pad One' }).click();
    await page.locator('[data-testid=detail-title]', { hasText: 'Pad One' }).waitFor();
    await page.locator('[data-testid=detail-key][data-certainty=uncertain]').waitFor();
    const compatible = page.getByTestId('filter-compatible');
    assert.equal(await compatible.isDisabled(), true);
    assert.match((await compatible.getAttribute('title')) ?? '', /^The selected track's key is uncertain \(best guess \d{1,2}[AB], \d+% confidence\)/);
    await studio.sp.screenshot('tag-write-kept-3-compatible-uncertain');
  });

  test('over another tool\'s BPM/key where ours is sure: the tags it will replace are named before writing (dj36)', async () => {
    // a DJ's MP3 (lame, then tagged by mid3v2 as Mixed In Key tags it: 96 BPM, 8A) whose tempo and key the studio is
    // sure of (120 BPM, C major): before, "Write 1 file" and the other tool's 96 and 8A overwritten without a word
    const { page } = studio.sp;
    if (await page.getByTestId('tag-write-dialog').isVisible()) await page.keyboard.press('Escape');
    const other = join(OUTPUT, 'e2e-tag-write-kept', 'Mixed In Key');
    mkdirSync(other, { recursive: true });
    const mik = join(other, 'mik.mp3');
    execFileSync('lame', ['--quiet', '-V2', media('tag-write-replaced-click-120-C.wav', trackArgs({ file: 'x.wav', title: 'Replaced', bpm: 120, chord: [48, 52, 55], codec: 'wav' }, 30)), mik]);
    execFileSync('mid3v2', ['-t', 'Mik Track', '--TBPM', '96', '--TKEY', '8A', mik]);
    const before = readFileSync(mik);
    await scanFolder(studio.sp, other, 3);
    await page.locator('[data-testid=library-row]', { hasText: 'Mik Track' }).click();
    await page.locator('[data-testid=detail-write-tags]').click();
    await page.getByTestId('tag-write-dialog').waitFor();
    await page.locator('[data-testid=tag-write-go]', { hasText: 'Write 1 file' }).waitFor({ timeout: 5000 });
    const replaces = await page.getByTestId('tag-write-replaces').innerText({ timeout: 5000 }).catch(() => '(none shown)');
    assert.match(replaces, /^A file's own tag will be replaced:/, replaces);
    assert.match(replaces, /"mik\.mp3": its BPM tag "96" and key tag "8A" \(another program's\)/, replaces);
    await studio.sp.screenshot('dj36-tag-write-replaces');
    await page.getByTestId('tag-write-cancel').click();
    assert.ok(readFileSync(mik).equals(before), 'nothing written before Write is pressed');
  });

  test('many files left out and not getting a tag: the dialog stays inside a small window, its Write button reachable (tester36)', async () => {
    // a second folder: 5 click tracks (tempo sure, key not: "no key") and 5 noise tracks (nothing sure: not written),
    // long names as a real library has them. Both lists open ("N more") at 1280×600: before, the two lists (40vh each)
    // and the rest made the sheet 760 px high, centred in the window — its title above the top edge, Write below the
    // bottom, nothing scrollable
    const { page } = studio.sp;
    if (await page.getByTestId('tag-write-dialog').isVisible()) await page.keyboard.press('Escape');
    const more = join(OUTPUT, 'e2e-tag-write-kept', 'Bag of many');
    mkdirSync(more, { recursive: true });
    for (let i = 0; i < 5; i++) {
      const period = (60 / (100 + i * 7)).toFixed(6);
      ff(['-f', 'lavfi', '-i', `aevalsrc='if(lt(mod(t,${period}),0.02),0.8*sin(2*PI*1000*t),0)':s=44100:d=6`, '-c:a', 'libmp3lame', '-b:a', '128k', join(more, `Click ${i} — a rather long file name, as a library has them.mp3`)]);
      ff(['-f', 'lavfi', '-i', `anoisesrc=d=6:c=pink:seed=${i + 1}:a=0.3`, '-c:a', 'libmp3lame', '-b:a', '128k', join(more, `Noise ${i} — another rather long file name, as they come.mp3`)]);
    }
    await page.getByTestId('view-library').click();
    const had = Number(await page.getByTestId('library-table').getAttribute('data-total'));
    await scanFolder(studio.sp, more, had + 10);
    await page.setViewportSize({ width: 1280, height: 600 });
    try {
      await page.locator('[data-testid=library-row]', { hasText: 'Click 0' }).click();
      for (const name of ['Click 1', 'Click 2', 'Click 3', 'Click 4', 'Noise 0', 'Noise 1', 'Noise 2', 'Noise 3', 'Noise 4']) {
        await page.locator('[data-testid=library-row]', { hasText: name }).click({ modifiers: ['Control'] });
      }
      await page.locator('[data-testid=detail-write-tags]', { hasText: '(10)' }).click();
      await page.getByTestId('tag-write-dialog').waitFor();
      await page.getByTestId('tag-write-partial-more').waitFor({ timeout: 10_000 });
      await page.getByTestId('tag-write-refused-more').locator('summary').click();
      await page.getByTestId('tag-write-partial-more').locator('summary').click();
      await studio.sp.frames(2);
      await studio.sp.screenshot('tester36-tag-write-many-600');
      const inside = async (testid: string) => {
        const b = (await page.getByTestId(testid).boundingBox())!;
        return b.y >= 0 && b.y + b.height <= 600 ? 'inside' : `outside the window (y ${Math.round(b.y)} to ${Math.round(b.y + b.height)} of 600)`;
      };
      assert.equal(await inside('tag-write-go'), 'inside', 'the Write button');
      assert.equal(await inside('tag-write-cancel'), 'inside', 'Cancel');
      const title = (await page.getByTestId('tag-write-dialog').locator('h2').boundingBox())!;
      assert.ok(title.y >= 0, `the title is above the window's top edge (y ${Math.round(title.y)})`);
      await page.getByTestId('tag-write-cancel').click();
      await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
