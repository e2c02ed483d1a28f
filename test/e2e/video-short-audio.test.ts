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
      ff(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=10', '-f', 'lavfi', '-i', 'sine=f=440:d=6:sample_rate=48000', '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-metadata', 'creation_time=2024-05-01T10:00:00Z', clip]);
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
    // the clip's creation time, as a phone writes it into the MP4's mvhd (tester25: a phone's recording showed no date)
    assert.equal(await page.locator('[data-testid=track-header] dd[data-field=created]').textContent(), '2024-05-01 10:00:00 UTC');
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

  // tester25: wavesurfer took the media element's 10 s for its timeline while the waveform, its ruler and the
  // spectrogram span the audio's 6 s: at 0:05 the cursor stood over the ruler's 0:03, and a drag over the ruler's
  // 0:01–0:02 selected "0:01.6–0:03.3" for the chat. The cursor and a drag follow the ruler; past the audio's end
  // (the picture in silence) the cursor stays at the waveform's end.
  test('the waveform\'s cursor and a dragged region follow its ruler (the audio\'s 6 s), not the picture\'s 10 s', async () => {
    const { page } = studio.sp;
    await page.keyboard.press('Home');
    await studio.sp.waitForMediaTime(0, 0.01);
    await page.keyboard.press('ArrowRight'); // +5 s
    await studio.sp.waitForMediaTime(4.9, 5.3);
    const t = (await studio.sp.mediaState()).currentTime;
    // (drawn once the element's timeupdate is in: frames after the seek on a loaded machine; a hang guard, not a budget)
    const progress = await studio.sp.waitForDrawnProgress(t / 6 - 0.03, t / 6 + 0.03).catch(() => studio.sp.drawnProgress());
    assert.ok(Math.abs(progress - t / 6) < 0.03, `the cursor at ${t.toFixed(2)} s is ${(progress * 100).toFixed(1)} % along, as the ruler's 6 s put it (${((t / 6) * 100).toFixed(1)} %), not the picture's 10 s (${((t / 10) * 100).toFixed(1)} %)`);
    // a drag over the ruler's 0:01–0:02
    const box = (await page.locator('[data-testid=waveform] .main').boundingBox())!;
    const y = box.y + box.height / 2;
    const m = await studio.sp.mark();
    await page.mouse.move(box.x + box.width / 6, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 6 + 20, y, { steps: 3 });
    await page.mouse.move(box.x + (box.width * 2) / 6, y, { steps: 5 });
    await page.mouse.up();
    const ev = await studio.sp.waitForEvent('region-selected', { after: m });
    const r = ev.detail as { start: number; end: number };
    assert.ok(Math.abs(r.start - 1) < 0.1 && Math.abs(r.end - 2) < 0.1, `the region dragged over 0:01–0:02 of the ruler: ${r.start.toFixed(2)}–${r.end.toFixed(2)} s`);
    // past the audio's end the cursor stays at the waveform's end
    await page.keyboard.press('End');
    await studio.sp.waitForMediaTime(9.9, 10.01);
    // (ci39: read 3 frames after the seek it was still the 5 s position, 83.1 %: the redraw had not come yet)
    const end = await studio.sp.waitForDrawnProgress(0.99, 1.0001).catch(() => studio.sp.drawnProgress());
    assert.ok(end >= 0.99 && end <= 1.0001, `at the picture's end the cursor is at the waveform's end: ${(end * 100).toFixed(1)} %`);
    await studio.sp.screenshot('video-short-audio-cursor');
  });
});
