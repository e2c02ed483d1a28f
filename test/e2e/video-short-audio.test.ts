import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ff, OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';

/**
 * A video whose audio ends before its picture (left19a, session 19): 10 s of picture muxed with 6 s of audio (no
 * -shortest, as a phone clip or an export with a shorter soundtrack is). The filmstrip spans the picture's 10 s and a
 * click on a frame past the audio's end seeks there (the player's seek used to clamp to the audio's 6 s).
 * Run: npm run build && node --import tsx --test test/e2e/video-short-audio.test.ts
 */
describe('a video whose audio ends first, in the browser', { timeout: 300_000 }, () => {
  let clip = '';
  const studio = useStudio({
    prepare: () => {
      const dir = join(OUTPUT, 'e2e-video-short-audio');
      mkdirSync(dir, { recursive: true });
      clip = join(dir, 'short soundtrack.mp4');
      ff(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=10', '-f', 'lavfi', '-i', 'sine=f=440:d=6:sample_rate=48000', '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', clip]);
    },
  });

  test('the filmstrip runs to the picture\'s end and a frame after the audio\'s end is reached by a click', async () => {
    const { page } = studio.sp;
    const m = await studio.sp.mark();
    const ev = await studio.sp.openThroughBrowser(clip);
    assert.equal(ev.name, 'track-opened', JSON.stringify(ev.detail));
    await studio.sp.waitForEvent('filmstrip-ready', { after: m });
    const frames = page.getByTestId('frame');
    const times = (await frames.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-time'))))).sort((a, b) => a - b);
    assert.ok(times.at(-1)! > 8.5, `the last frame is near the picture's end (10 s), not the audio's (6 s): ${times.join(', ')}`);
    const late = times.find((t) => t > 7)!;
    await frames.and(page.locator(`[data-time="${late}"]`)).first().click();
    await studio.sp.waitForMediaTime(late - 0.05, late + 0.05);
    // the highlight follows the player's time as the page last heard it (its timeupdate), which can come after the
    // media element's own time: wait for that frame to be the one lit (read at once, it was still the one before,
    // 6.875 s, two files at a time at load 14)
    await page.locator(`[data-testid=frame].active[data-time="${late}"]`).waitFor();
    assert.equal(Number(await page.locator('[data-testid=frame].active').getAttribute('data-time')), late);
    await studio.sp.screenshot('video-short-audio');
  });

  // tester20: the readout said "0:07.2 / 0:06.0" there — a time past the length it gave, the audio's. Its total is
  // now how far the player seeks (the longer of the audio and the picture), and End / ⏭ go to the picture's end.
  test('the readout\'s total is the picture\'s length, never less than the time; End goes to the picture\'s end', async () => {
    const { page } = studio.sp;
    const total = page.getByTestId('current-time').locator('xpath=following-sibling::span[1]');
    const secs = (t: string) => { const m = /(\d+):(\d+(?:\.\d+)?)/.exec(t)!; return Number(m[1]) * 60 + Number(m[2]); };
    const now = secs((await page.getByTestId('current-time').textContent())!);
    assert.ok(now > 7, `the time after the click above: ${now}`);
    const shown = (await total.textContent())!;
    assert.ok(secs(shown) >= 9.9 && secs(shown) <= 10.1, `the total is the picture's 10 s: "${shown}"`);
    await page.keyboard.press('End');
    const t = await studio.sp.waitForMediaTime(9.9, 10.01);
    assert.ok(t >= 9.9, `End reached the picture's end: ${t}`);
    assert.ok(secs((await page.getByTestId('current-time').textContent())!) <= secs((await total.textContent())!));
    await studio.sp.screenshot('video-short-audio-readout');
  });
});
