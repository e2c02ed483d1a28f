import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ff, OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { scanFolder } from './library-page';

/**
 * tags39: Write tags… over a selection holding files of a layout the write refuses at the file (an RF64 WAV as
 * `ffmpeg -rf64 always` writes it, an AIFF-C 'sowt' as ffmpeg writes pcm_s16le to AIFF, a chained Ogg: two oggenc
 * files joined). The dialog said "Write 4 files" and then refused three one by one; now it says "Write 1 file" and
 * lists the three apart, "3 files will not be written (their layout):", each with the write's reason.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/tag-write-layout-tags39.test.ts
 */
describe('Write tags… lists apart the files whose layout the write refuses (tags39)', { timeout: 300_000 } /* a hang guard */, () => {
  const studio = useStudio({ viewport: { width: 1280, height: 800 } });
  const home = join(OUTPUT, 'e2e-tag-write-layout-tags39');
  const dir = join(home, 'Music');
  const F = { mp3: join(dir, 'Alpha click.mp3'), rf64: join(dir, 'Bravo take.wav'), aifc: join(dir, 'Charlie bounce.aif'), chained: join(dir, 'Delta stream.ogg') };
  // a 124 BPM click over an A minor triad: tempo and key sure (cli-tags-write's)
  const TONE = "aevalsrc='if(lt(mod(t,0.483871),0.03),0.7*sin(2*PI*1000*t),0)+0.05*(sin(2*PI*220*t)+sin(2*PI*261.63*t)+sin(2*PI*329.63*t))':s=44100:d=8";

  before(async () => {
    rmSync(home, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const wav = join(home, 'click.wav');
    ff(['-f', 'lavfi', '-i', TONE, '-ac', '2', ...['-c:a', 'pcm_s16le', wav], ...['-c:a', 'pcm_s24le', '-rf64', 'always', F.rf64], ...['-c:a', 'pcm_s16le', '-f', 'aiff', F.aifc]]);
    execFileSync('lame', ['--quiet', '-V', '2', wav, F.mp3]);
    execFileSync('oggenc', ['-Q', '-o', join(home, 'one.ogg'), wav]);
    writeFileSync(F.chained, Buffer.concat([readFileSync(join(home, 'one.ogg')), readFileSync(join(home, 'one.ogg'))]));
    await scanFolder(studio.sp, dir, 4);
  });

  test('the plan: "Write 1 file", the three refused layouts counted and listed apart with the write\'s reasons; they stay untouched', async () => {
    const { page } = studio.sp;
    const bytes = [F.rf64, F.aifc, F.chained].map((p) => readFileSync(p));
    await page.locator('[data-testid=library-row]').first().click();
    await page.keyboard.press('Control+a');
    await page.getByTestId('library-count').filter({ hasText: /4 selected/ }).waitFor();
    await page.locator('[data-testid=detail-write-tags]', { hasText: '(4)' }).click();
    await page.getByTestId('tag-write-dialog').waitFor();
    await page.locator('[data-testid=tag-write-go]', { hasText: 'Write 1 file' }).waitFor();
    const block = page.getByTestId('tag-write-layout');
    assert.match(await block.innerText(), /^3 files will not be written \(their layout\):/);
    const items = await block.locator('li').allInnerTexts();
    assert.equal(items.length, 3, items.join(' | '));
    assert.match(items[0], /^"Bravo take\.wav" is an RF64 file \(the WAV format for audio past 4 GB/);
    assert.match(items[1], /^"Charlie bounce\.aif" is an AIFF-C file \(plain little-endian PCM, 'sowt'/);
    assert.match(items[2], /^"Delta stream\.ogg" is a chained Ogg file \(2 streams one after another/);
    // nothing else is refused: no "not written" list beside it
    assert.equal(await page.getByTestId('tag-write-refused').count(), 0);
    await studio.sp.screenshot('tags39-tag-write-layout');
    await page.getByTestId('tag-write-go').click();
    await page.getByTestId('tag-write-progress').filter({ hasText: /^1 of 1 written$/ }).waitFor();
    assert.equal(await page.getByTestId('tag-write-failures').count(), 0, 'no refusal after Write: each was said before');
    [F.rf64, F.aifc, F.chained].forEach((p, i) => assert.ok(readFileSync(p).equals(bytes[i]), `${p} untouched`));
    assert.match(execFileSync('id3v2', ['-l', F.mp3], { encoding: 'utf8' }), /TBPM.*: 124/);
  });
});
