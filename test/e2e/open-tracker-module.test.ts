import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { modBytes, OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';

/**
 * fix31 (item 6): the Open… file browser greyed a tracker module ("song.mod": "not a media file the studio opens")
 * though `studio probe` read it (container "libopenmpt") and the library scan analysed it. It is offered now, and
 * opens in the track view with its waveform; a text named .txt beside it stays greyed.
 * Run: npm run build && node --import tsx --test test/e2e/open-tracker-module.test.ts
 */
const hasOpenmpt = / libopenmpt /.test(execFileSync('ffmpeg', ['-hide_banner', '-formats'], { encoding: 'utf8' }));

describe('a tracker module in the Open… browser (fix31)', { timeout: 300_000 }, () => {
  const dir = join(OUTPUT, 'e2e-open-tracker-module');
  const file = join(dir, 'song.mod');
  const studio = useStudio({
    prepare: () => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, modBytes(['Square', 'made by a tester']));
      writeFileSync(join(dir, 'notes.txt'), 'liner notes\n');
    },
  });

  test('song.mod is offered (not greyed) and opens with its waveform', async (t) => {
    if (!hasOpenmpt) return t.skip('this ffmpeg has no libopenmpt');
    const { sp } = studio;
    const { page } = sp;
    const m = await sp.mark();
    await page.getByTestId('open').first().click();
    const browser = sp.fileBrowser();
    await browser.goTo(dir);
    const entry = (name: string) => page.locator(`[data-testid=browser-list] [data-name="${name}"]`);
    assert.equal(await entry('song.mod').getAttribute('aria-disabled'), 'false');
    assert.equal(await entry('notes.txt').getAttribute('aria-disabled'), 'true', 'a text file stays greyed');
    await browser.select('song.mod');
    await sp.screenshot('fix31-tracker-module-offered');
    const m2 = await sp.mark();
    await page.keyboard.press('Enter');
    const ev = await sp.waitForEvent(['track-opened', 'error-shown'], { after: m2 });
    assert.equal(ev.name, 'track-opened', JSON.stringify(ev.detail));
    await sp.waitForEvent('waveform-drawn', { after: m });
    await sp.screenshot('fix31-tracker-module-opened');
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
