import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { longToneFile } from '../helpers/media';
import { launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * Issue 12 defect 7: deep zoom on a 33-minute mix was a blur (the spectrogram
 * kept ~4000 columns for the whole track; the waveform went blocky). The view
 * now asks the engine for the visible range's detail (`media:wave-range`) and
 * draws it over the overview.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/wave-detail.test.ts
 */
describe('deep zoom detail (issue 12 defect 7)', { timeout: 600_000 } /* a hang guard: a 33-min decode, 67 s on a loaded machine */, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;
  /** 33 minutes: the chord with a short 3.5 kHz beep every second (ffmpeg's sine beep_factor) */
  let mix: string;

  before(async () => {
    mix = longToneFile('e2e-mix-33min-looped.mp3', 33 * 60, ['-b:a', '128k']);
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe().finally(() => launching);
    await launching;
    sp = await StudioPage.open(browser, serve, { width: 1440, height: 900 });
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  /**
   * The on-screen spectrogram's pixels in the band of the 3.5 kHz beep: the
   * fraction of x positions where it is lit. The beep sounds ~4 % of each
   * second: drawn crisply it lights few columns; smeared over the overview's
   * half-second columns it lights about half of them.
   */
  async function beepBandLit(): Promise<{ lit: number; width: number }> {
    return sp.page.getByTestId('spectrogram-canvas').evaluate((el) => {
      const c = el as unknown as { width: number; height: number; getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      // mel scale, 0–8 kHz: 3.5 kHz sits at 1 − mel(3520)/mel(8000) of the height from the top
      // (no named inner functions: the page gets this source as is)
      const y = Math.round((1 - Math.log10(1 + 3520 / 700) / Math.log10(1 + 8000 / 700)) * c.height);
      const band = c.getContext('2d').getImageData(0, y - 2, c.width, 5).data;
      let lit = 0;
      for (let x = 0; x < c.width; x++) {
        let best = 0;
        for (let r = 0; r < 5; r++) {
          const i = 4 * (r * c.width + x);
          best = Math.max(best, band[i] + band[i + 1] + band[i + 2]);
        }
        if (best > 300) lit++;
      }
      return { lit: lit / c.width, width: c.width };
    });
  }

  /** Longest run of identical adjacent columns in the drawn detail waveform (a blocky waveform repeats columns). */
  async function longestRepeat(): Promise<number> {
    return sp.page.getByTestId('wave-detail').evaluate((el) => {
      const c = el as unknown as { width: number; height: number; getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      // per column, the drawn extent "top:bottom" (no named inner functions: the page gets this source as is)
      const extents: string[] = [];
      for (let x = 0; x < c.width; x++) {
        let top = -1;
        let bottom = -1;
        for (let y = 0; y < c.height; y++) {
          if (d[4 * (y * c.width + x) + 3] > 0) {
            if (top < 0) top = y;
            bottom = y;
          }
        }
        extents.push(`${top}:${bottom}`);
      }
      let longest = 1;
      let run = 1;
      for (let x = 1; x < extents.length; x++) {
        run = extents[x] === extents[x - 1] ? run + 1 : 1;
        longest = Math.max(longest, run);
      }
      return longest;
    });
  }

  test('at 130× on a 33-minute mix: the visible range is computed in detail, the spectrogram and waveform are crisp', async () => {
    const { page } = sp;
    let m = await sp.mark();
    const ev = await sp.openThroughBrowser(mix);
    assert.equal(ev.name, 'track-opened', JSON.stringify(ev.detail));
    const drawn = await sp.waitForEvent('waveform-drawn', { after: m, timeout: 120_000 });
    await sp.waitForEvent('spectrogram-loaded', { after: m, timeout: 120_000 });
    const opened = (await sp.events('track-opening')).filter((e) => e.seq > m).at(-1)!;
    console.log(`# open the 33-min mix → waveform drawn (cold): ${(drawn.at - opened.at).toFixed(0)} ms`);
    const whole = await beepBandLit();
    // seek to ~60 % and zoom in 12 steps of 1.5× (≈ 130×)
    const box = (await page.locator('[data-testid=waveform] .main').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height / 2);
    await sp.waitForMediaTime(1100, 1300);
    let pressed = 0;
    for (let i = 0; i < 12; i++) {
      m = await sp.mark();
      pressed = await page.evaluate(() => performance.now());
      await page.keyboard.press('+');
      await sp.waitForEvent('waveform-zoomed', { after: m });
    }
    const level = await sp.zoomLevel();
    assert.ok(level > 120 && level < 140, `zoom ${level}×`);
    const loaded = await sp.waitForEvent('wave-detail-loaded', { after: m });
    const specDrawn = await sp.page.waitForFunction(
      (after) => (globalThis as unknown as { __studioEvents: { seq: number; name: string; at: number; detail: { detailColumns?: number } }[] }).__studioEvents.find((e) => e.seq > after && e.name === 'spectrogram-drawn' && (e.detail.detailColumns ?? 0) > 0) ?? null,
      loaded.seq,
    );
    const spec = (await specDrawn.jsonValue()) as unknown as { at: number; detail: { detailColumns: number; start: number; end: number } };
    console.log(`# zoom to ${level}× (last key press) → spectrogram detail drawn: ${(spec.at - pressed).toFixed(0)} ms`);
    const d = loaded.detail as { startSec: number; endSec: number; samplesPerPeak: number; hop: number; columns: number };
    const view = { start: spec.detail.start, end: spec.detail.end };
    await sp.screenshot('issue12-7-deep-zoom-130x');
    // the detail covers the view, at ≥ 1 peak per device pixel and far more columns than the overview had there
    assert.ok(d.startSec <= view.start && d.endSec >= view.end, `detail ${d.startSec}…${d.endSec} s covers the view ${view.start}…${view.end} s`);
    const visible = view.end - view.start;
    assert.ok(visible > 10 && visible < 20, `~15 s on screen at 130× of 33 min (got ${visible.toFixed(1)} s)`);
    const dpr = await page.evaluate(() => (globalThis as unknown as { devicePixelRatio?: number }).devicePixelRatio || 1);
    const width = (await page.getByTestId('spectrogram-canvas').evaluate((el) => (el as unknown as { width: number }).width)) / dpr;
    const waveBox = (await page.locator('[data-testid=waveform] .main').boundingBox())!;
    const pxPerSecOnScreen = (waveBox.width * dpr) / visible;
    assert.ok(16000 / d.samplesPerPeak >= pxPerSecOnScreen, `${16000 / d.samplesPerPeak} peaks/s for ${pxPerSecOnScreen.toFixed(0)} px/s`);
    const columnsOnScreen = spec.detail.detailColumns;
    const overviewColumnsOnScreen = (4096 * visible) / (33 * 60);
    assert.ok(columnsOnScreen > 20 * overviewColumnsOnScreen && columnsOnScreen >= width / 2, `${columnsOnScreen} spectrogram columns on screen (the overview has ${overviewColumnsOnScreen.toFixed(0)} there)`);
    // the waveform: the overview's ~100 peaks/s are drawn while they are finer than the screen; the detail beyond
    assert.equal(await page.getByTestId('wave-detail').getAttribute('data-shown'), String(pxPerSecOnScreen > 100 && 16000 / d.samplesPerPeak > 100));
    // crisp: the beeps are short bright marks, not smeared across the screen
    const zoomed = await beepBandLit();
    assert.ok(zoomed.lit < 0.2, `the beep band is lit on ${(zoomed.lit * 100).toFixed(0)} % of the width (whole track: ${(whole.lit * 100).toFixed(0)} %)`);
    assert.ok(zoomed.lit > 0.005, 'the beeps are there');
    // pan a screen to the right: the overview is drawn at once, then the new range's detail
    m = await sp.mark();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, box.width * 2);
    const next = await sp.waitForEvent('wave-detail-loaded', { after: m });
    assert.ok((next.detail as { startSec: number }).startSec > d.startSec, 'a new range after panning');
  });

  test('at the deepest zoom the waveform is drawn per pixel, not in blocks', async () => {
    const { page } = sp;
    let m = 0;
    for (let i = 0; i < 8 && (await sp.zoomLevel()) < 3000; i++) {
      m = await sp.mark();
      await page.keyboard.press('+');
      await sp.waitForEvent('waveform-zoomed', { after: m });
    }
    const loaded = await sp.waitForEvent('wave-detail-loaded', { after: m });
    await sp.waitForEvent('wave-detail-drawn', { after: loaded.seq });
    await sp.screenshot('issue12-7-deepest-zoom');
    const d = loaded.detail as { samplesPerPeak: number };
    assert.ok(d.samplesPerPeak <= 8, `${d.samplesPerPeak} samples per peak at ${await sp.zoomLevel()}×`);
    const run = await longestRepeat();
    // the overview's 100 peaks/s at 2000 px/s would repeat each column ~20 times
    assert.ok(run <= 4, `longest run of identical columns: ${run} px`);
  });
});
