import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ff, OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { scanFolder } from './library-page';

/**
 * cli40 (tags39 noticed): Write tags… drew the write's refusal reasons as they came, so a file named with a line break
 * and U+202E (RLO) — an RF64 WAV as `ffmpeg -rf64 always` writes it, "Bravo\n\u202Etake.wav" — had the rest of its
 * reason laid out right to left ("…vaw.ekat" and the words after it reversed) where every list of the dialog shows a
 * name through safeName in a <bdi>. Now the name inside the reason is drawn as the lists draw it: in its own <bdi>,
 * the override shown as ⟨U+202E⟩, the line break a space.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/tag-write-names-cli40.test.ts
 */
describe('Write tags… draws a refused file\'s name inside its reason through safeName in a <bdi> (cli40)', { timeout: 300_000 } /* a hang guard */, () => {
  const studio = useStudio({ viewport: { width: 1280, height: 800 } });
  const home = join(OUTPUT, 'e2e-tag-write-names-cli40');
  const dir = join(home, 'Music');
  const rf64Name = 'Bravo\n\u202Etake.wav';
  const F = { mp3: join(dir, 'Alpha click.mp3'), rf64: join(dir, rf64Name) };
  // a 124 BPM click over an A minor triad: tempo and key sure (cli-tags-write's)
  const TONE = "aevalsrc='if(lt(mod(t,0.483871),0.03),0.7*sin(2*PI*1000*t),0)+0.05*(sin(2*PI*220*t)+sin(2*PI*261.63*t)+sin(2*PI*329.63*t))':s=44100:d=8";

  before(async () => {
    rmSync(home, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const wav = join(home, 'click.wav');
    ff(['-f', 'lavfi', '-i', TONE, '-ac', '2', ...['-c:a', 'pcm_s16le', wav], ...['-c:a', 'pcm_s24le', '-rf64', 'always', F.rf64]]);
    execFileSync('lame', ['--quiet', '-V', '2', wav, F.mp3]);
    await scanFolder(studio.sp, dir, 2);
  });

  test('the RF64 file\'s reason: its name in a <bdi> as ⟨U+202E⟩, no bidi control drawn raw', async () => {
    const { page } = studio.sp;
    await page.locator('[data-testid=library-row]').first().click();
    await page.keyboard.press('Control+a');
    await page.getByTestId('library-count').filter({ hasText: /2 selected/ }).waitFor();
    await page.locator('[data-testid=detail-write-tags]', { hasText: '(2)' }).click();
    await page.getByTestId('tag-write-dialog').waitFor();
    await page.locator('[data-testid=tag-write-go]', { hasText: 'Write 1 file' }).waitFor();
    const item = page.getByTestId('tag-write-layout').locator('li');
    assert.equal(await item.count(), 1);
    const text = await item.innerText();
    // before: '"Bravo\n\u202Etake.wav" is an RF64 file …' drawn as it came, the override reversing the rest of the line
    assert.doesNotMatch(text, /[\u202a-\u202e\u2066-\u2069\n]/, text);
    assert.match(text, /^"Bravo ⟨U\+202E⟩take\.wav" is an RF64 file \(the WAV format for audio past 4 GB/);
    assert.deepEqual(await item.locator('bdi').allInnerTexts(), ['Bravo ⟨U+202E⟩take.wav'], 'the name isolated in its own <bdi>');
    await studio.sp.screenshot('cli40-tag-write-refused-name');
  });
});
