import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { media as media_, toneFile } from '../helpers/media';
import { e2eMedia, type E2eMedia } from './fixtures';
import { useStudio } from '../helpers/studio';

/**
 * The track view as a first hour of use found it (issue 12): the time ruler
 * at every zoom, the playhead of a newly opened track, wheel zoom and scroll.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/track-view.test.ts
 */
describe('track view (issue 12)', { timeout: 300_000 }, () => {
  let media: E2eMedia;
  /** a 60 s track, as in the report */
  let long: string;
  const studio = useStudio({
    prepare: () => {
      media = e2eMedia();
      long = toneFile('e2e-tone-60s.mp3', 60);
    },
    viewport: { width: 1440, height: 900 },
  });

  /** Open a file and wait until its waveform is drawn. */
  async function open(path: string): Promise<void> {
    const m = await studio.sp.mark();
    const ev = await studio.sp.openThroughBrowser(path);
    assert.equal(ev.name, 'track-opened', JSON.stringify(ev.detail));
    await studio.sp.waitForEvent('waveform-drawn', { after: m });
  }

  /** Click the main waveform at a fraction of its width (a click seeks there). */
  async function clickWave(fraction: number): Promise<void> {
    const box = (await studio.sp.page.locator('[data-testid=waveform] .main').boundingBox())!;
    await studio.sp.page.mouse.click(box.x + box.width * fraction, box.y + box.height / 2);
  }

  test('defect 1: the ruler follows the view when zoomed away from the start, a label every second or two', async () => {
    const { page } = studio.sp;
    await open(long);
    const whole = await studio.sp.rulerLabels();
    assert.ok(whole.length >= 4, `labels over the whole track: ${JSON.stringify(whole)}`);
    await clickWave(0.8);
    await studio.sp.waitForMediaTime(46, 50);
    for (let i = 0; i < 5; i++) {
      const m = await studio.sp.mark();
      await page.keyboard.press('+');
      await studio.sp.waitForEvent('waveform-zoomed', { after: m });
    }
    const labels = await studio.sp.rulerLabels();
    await studio.sp.screenshot('issue12-1-ruler-zoomed');
    assert.ok(labels.length >= 3, `several labels on screen at ${await studio.sp.zoomLevel()}×: ${JSON.stringify(labels)}`);
    // they are the times around the playhead (~48 s), not those of the start
    const t = (await studio.sp.mediaState()).currentTime;
    assert.ok(labels[0].sec <= t + 1 && labels.at(-1)!.sec >= t - 1, `labels ${labels.map((l) => l.text)} around the playhead ${t.toFixed(1)} s`);
    // dense enough: at ~8 s on screen, a label every second or two
    for (let i = 1; i < labels.length; i++) {
      const step = labels[i].sec - labels[i - 1].sec;
      assert.ok(step > 0 && step <= 2, `label step ${step} s (${labels[i - 1].text} → ${labels[i].text})`);
      assert.ok(labels[i].x > labels[i - 1].x, 'left to right in time order');
    }
    await page.keyboard.press('0');
    await page.locator('[data-testid=zoom-level]', { hasText: /^1×$/ }).waitFor();
  });

  test('defect 2: a newly opened track starts with its playhead and progress at 0', async () => {
    const { page } = studio.sp;
    await clickWave(0.5);
    await studio.sp.waitForMediaTime(28, 32);
    assert.ok(Math.abs((await studio.sp.drawnProgress()) - 0.5) < 0.05, 'A is drawn at 50 %');
    await open(media.tone);
    const drawn = await studio.sp.drawnProgress();
    await studio.sp.screenshot('issue12-2-new-track-playhead');
    assert.match(await page.getByTestId('current-time').innerText(), /^0:00\.0$/);
    assert.ok(Math.abs((await studio.sp.mediaState()).currentTime) < 0.01, 'the audio is at 0');
    assert.ok(drawn >= 0 && drawn < 0.01, `B's cursor is drawn at ${(drawn * 100).toFixed(1)} %, not where A was`);
  });

  test('defect 9: toasts merge duplicates, notices fade, errors stay without covering the transport or the chat input; one toast per engine crash', async () => {
    const { page } = studio.sp;
    await page.setViewportSize({ width: 1280, height: 720 });
    const drop = () =>
      page.evaluate(() => {
        const g = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (b: string[], n: string) => unknown; DragEvent: new (t: string, i: object) => unknown; dispatchEvent(e: unknown): void };
        const dt = new g.DataTransfer();
        dt.items.add(new g.File(['x'], 'dropped.mp3'));
        g.dispatchEvent(new g.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      });
    let m = await studio.sp.mark();
    await drop();
    await drop();
    await drop();
    await studio.sp.waitForEvent('warning-shown', { after: m });
    const dropped = page.getByTestId('toast-warning').filter({ hasText: 'Dropped files cannot be opened' });
    await page.locator('[data-testid=toast-warning][data-count="3"]').waitFor();
    assert.equal(await dropped.count(), 1, 'three drops, one message (×3)');
    // errors: files that cannot be opened (each its own message)
    for (const bad of [media.textAsMp3, media.empty, media.textAsMp3]) {
      const ev = await studio.sp.openThroughBrowser(bad);
      assert.equal(ev.name, 'error-shown');
    }
    const errors = page.getByTestId('toast-error');
    assert.equal(await errors.count(), 2, `two different errors, the repeated one merged: ${await studio.sp.toastTexts('error')}`);
    // nothing covers the controls
    const overlaps = async (testId: string) => {
      const c = (await page.getByTestId(testId).first().boundingBox())!;
      for (const t of await page.locator('[data-testid^=toast-]').all()) {
        const b = await t.boundingBox();
        if (b && b.x < c.x + c.width && c.x < b.x + b.width && b.y < c.y + c.height && c.y < b.y + b.height) return true;
      }
      return false;
    };
    for (const control of ['transport', 'chat-input', 'chat-send', 'open', 'waveform']) assert.equal(await overlaps(control), false, `a toast covers ${control}`);
    await studio.sp.screenshot('issue12-9-toasts');
    // a notice leaves by itself; the errors stay
    const faded = await studio.sp.waitForEvent('toast-faded', { after: m });
    assert.notEqual((faded.detail as { kind: string }).kind, 'error');
    assert.equal(await errors.count(), 2);
    // the engine dies: one message about it, not two
    const pid = Number(/pid (\d+)/.exec((await page.getByTestId('engine-status').getAttribute('title')) ?? '')?.[1]);
    assert.ok(pid > 0, 'engine pid shown in the status title');
    m = await studio.sp.mark();
    process.kill(pid, 'SIGKILL');
    await studio.sp.waitForEvent('engine-restarted', { after: m });
    const crashed = page.locator('[data-testid^=toast-]', { hasText: /engine/i });
    assert.equal(await crashed.count(), 1, `one message about the crash: ${await page.locator('[data-testid^=toast-]').allInnerTexts()}`);
    assert.match(await crashed.innerText(), /SIGKILL[\s\S]*restarted/, 'it says why and that the engine is back');
    assert.equal(await errors.count(), 2, 'the errors are still there');
    for (const control of ['transport', 'chat-input', 'chat-send']) assert.equal(await overlaps(control), false, `a toast covers ${control} after the crash`);
    await studio.sp.screenshot('issue12-9-engine-crash');
    await studio.sp.dismissToasts();
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  test('defect 10: Ctrl+wheel zooms at the pointer; the plain wheel scrolls the zoomed view', async () => {
    const { page } = studio.sp;
    await open(long);
    const ruler = (await page.getByTestId('ruler').boundingBox())!;
    const wave = (await page.locator('[data-testid=waveform] .main').boundingBox())!;
    /** the time at x (px from the ruler's left) as the ruler's labels place it */
    const timeAtX = async (x: number) => {
      const l = await studio.sp.rulerLabels();
      assert.ok(l.length >= 3, JSON.stringify(l));
      // (the last label may end at its tick rather than start there)
      const [a, b] = [l[0], l.at(-2)!];
      return a.sec + ((x - a.x) * (b.sec - a.sec)) / (b.x - a.x);
    };
    const px = ruler.width * 0.75;
    const before = await timeAtX(px);
    assert.ok(Math.abs(before - 45) < 1, `fitted: ${before.toFixed(1)} s at 75 %`);
    await page.mouse.move(ruler.x + px, wave.y + wave.height / 2);
    for (let i = 0; i < 3; i++) {
      const m = await studio.sp.mark();
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, -100);
      await page.keyboard.up('Control');
      await studio.sp.waitForEvent('waveform-zoomed', { after: m });
    }
    assert.ok((await studio.sp.zoomLevel()) > 1.8, `zoomed to ${await studio.sp.zoomLevel()}×`);
    const after = await timeAtX(px);
    await studio.sp.screenshot('issue12-10-zoom-at-pointer');
    assert.ok(Math.abs(after - before) < 1, `the time under the pointer stays: ${before.toFixed(1)} s → ${after.toFixed(1)} s`);
    // the wheel alone pans: later times come into view
    const first = (await studio.sp.rulerLabels())[0].sec;
    const m = await studio.sp.mark();
    await page.mouse.wheel(0, 400);
    await studio.sp.waitForEvent('waveform-view', { after: m });
    const moved = (await studio.sp.rulerLabels())[0].sec;
    assert.ok(moved > first, `the view moved right: first label ${first} s → ${moved} s`);
    await page.keyboard.press('0');
    await page.locator('[data-testid=zoom-level]', { hasText: /^1×$/ }).waitFor();
  });

  test('item 14: after attaching a cover to a file without embedded art, the way back is an enabled "Remove cover"', async () => {
    const { page } = studio.sp;
    await open(media.tone);
    await page.getByTestId('attach-cover').click();
    const fb = studio.sp.fileBrowser();
    await fb.goTo(media.dir);
    await fb.select('cover.png');
    let m = await studio.sp.mark();
    await page.keyboard.press('Enter');
    await studio.sp.waitForEvent('cover-changed', { after: m });
    const back = page.getByTestId('use-embedded');
    await back.waitFor();
    assert.equal(await back.isDisabled(), false, 'not a disabled button');
    assert.equal((await back.innerText()).trim(), 'Remove cover');
    await studio.sp.screenshot('issue12-14-remove-cover');
    m = await studio.sp.mark();
    await back.click();
    const ev = await studio.sp.waitForEvent('cover-changed', { after: m });
    assert.equal((ev.detail as { cover: string }).cover, 'none');
  });

  test('the engine crashes while the waveform is computed: the view offers Retry, Retry draws it, and the crash\'s error toasts go once the engine is back', async () => {
    const { page } = studio.sp;
    // long enough that its waveform is still being computed when the engine is killed
    const big = media_('e2e-tone-20min.mp3', ['-f', 'lavfi', '-i', 'sine=f=330:d=1200:beep_factor=2', '-ac', '1', '-b:a', '32k']);
    let m = await studio.sp.mark();
    const ev = await studio.sp.openThroughBrowser(big);
    assert.equal(ev.name, 'track-opened', JSON.stringify(ev.detail));
    await page.locator('[data-testid=jobs] [data-job=peaks]').waitFor();
    const pid = Number(/pid (\d+)/.exec((await page.getByTestId('engine-status').getAttribute('title')) ?? '')?.[1]);
    assert.ok(pid > 0);
    m = await studio.sp.mark();
    process.kill(pid, 'SIGKILL');
    await studio.sp.waitForEvent('engine-restarted', { after: m });
    const retry = page.getByTestId('retry-peaks');
    await retry.waitFor();
    assert.match(await page.locator('[data-testid=waveform] .placeholder').innerText(), /Waveform unavailable: .*stopped unexpectedly/s);
    assert.equal(await page.locator('[data-testid=toast-error][data-code=ENGINE_CRASHED]').count(), 0, 'the crash error toasts went when the engine came back');
    await studio.sp.screenshot('engine-crash-retry');
    m = await studio.sp.mark();
    await retry.click();
    await studio.sp.waitForEvent('waveform-drawn', { after: m });
    assert.equal(await retry.count(), 0);
    await studio.sp.dismissToasts();
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
