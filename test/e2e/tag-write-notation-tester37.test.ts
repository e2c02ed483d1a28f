import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ff, media, OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { formatTags, scanFolder, trackArgs } from './library-page';

/**
 * Write tags… on a library tagged in Camelot by a DJ's key tagger (tester37): an MP3 tagged by mid3v2 and a FLAC
 * tagged by kid3-cli as Mixed In Key leaves them (TKEY / INITIALKEY "8B", BPM 120), whose key the studio finds the
 * same (C major, 120 BPM). Before, the dialog opened in Standard (Am, F#) for a user who never chose a notation, said
 * nothing of these files (the key agrees, so no "will be replaced"), and Write turned their "8B" into "C": the DJ's
 * Camelot tags rewritten in another notation without a word. Now the dialog starts in the notation the files' own key
 * tags use (Camelot) where none was chosen, and names the files a chosen other notation rewrites.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/tag-write-notation-tester37.test.ts
 */
describe('Write tags… keeps a Camelot-tagged library in Camelot (tester37)', { timeout: 300_000 }, () => {
  const studio = useStudio({ viewport: { width: 1440, height: 900 } });
  const dir = join(OUTPUT, 'e2e-tag-write-notation-tester37', 'Mixed In Key');
  const mp3 = join(dir, 'mik one.mp3');
  const flac = join(dir, 'mik two.flac');

  before(async () => {
    rmSync(join(OUTPUT, 'e2e-tag-write-notation-tester37'), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // the click-and-cadence track tag-write-kept's dj36 case uses: 120 BPM, C major (Camelot 8B), both sure
    const wav = media('tag-write-replaced-click-120-C.wav', trackArgs({ file: 'x.wav', title: 'Replaced', bpm: 120, chord: [48, 52, 55], codec: 'wav' }, 30));
    execFileSync('lame', ['--quiet', '-V2', wav, mp3]);
    execFileSync('mid3v2', ['-t', 'Mik One', '--TBPM', '120', '--TKEY', '8B', mp3]);
    ff(['-i', wav, '-c:a', 'flac', flac]);
    execFileSync('kid3-cli', ['-c', 'set title "Mik Two"', '-c', 'set bpm 120', '-c', 'set initialkey 8B', flac]);
    assert.equal(formatTags(mp3).tkey, '8B');
    assert.equal(formatTags(flac).initialkey, '8B');
    await scanFolder(studio.sp, dir, 2);
  });

  test('the dialog starts in the files\' own notation where none was chosen, and the write keeps "8B"', async () => {
    const { page } = studio.sp;
    await page.locator('[data-testid=library-row]', { hasText: 'Mik One' }).click();
    await page.keyboard.press('Control+a');
    await page.locator('[data-testid=detail-write-tags]', { hasText: '(2)' }).click();
    await page.getByTestId('tag-write-dialog').waitFor();
    await page.locator('[data-testid=tag-write-go]', { hasText: 'Write 2 files' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('tag-write-notation').inputValue(), 'camelot', 'the notation the dialog opened in');
    assert.equal(await page.getByTestId('tag-write-other-notation').count(), 0, 'no file is rewritten in another notation');
    await studio.sp.screenshot('tester37-tag-write-camelot-kept');
    const m = await studio.sp.mark();
    await page.getByTestId('tag-write-go').click();
    await studio.sp.waitForEvent('tag-write-done', { after: m });
    assert.equal(formatTags(mp3).tkey, '8B', 'the MP3\'s TKEY after Write');
    assert.equal(formatTags(flac).initialkey, '8B', 'the FLAC\'s INITIALKEY after Write');
    await page.keyboard.press('Escape');
    await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
  });

  test('another notation chosen: the files whose key tags it rewrites are named before writing', async () => {
    const { page } = studio.sp;
    await page.locator('[data-testid=detail-write-tags]', { hasText: '(2)' }).click();
    await page.getByTestId('tag-write-dialog').waitFor();
    await page.locator('[data-testid=tag-write-go]', { hasText: 'Write 2 files' }).waitFor({ timeout: 10_000 });
    await page.getByTestId('tag-write-notation').selectOption('standard');
    const note = await page.getByTestId('tag-write-other-notation').innerText({ timeout: 5000 });
    assert.equal(note, "2 files' key tags are written in Camelot (8A): they are rewritten in Standard (Am, F#), even where the key is the same.");
    await studio.sp.screenshot('tester37-tag-write-other-notation');
    await page.getByTestId('tag-write-cancel').click();
    await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
    assert.equal(formatTags(mp3).tkey, '8B', 'nothing written on Cancel');
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
