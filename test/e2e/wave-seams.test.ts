import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { media } from '../helpers/media';
import { useStudio } from '../helpers/studio';

/**
 * Zoomed in, the waveform had a dark vertical line across it once per screen width (tester28c): wavesurfer 8 draws a
 * zoomed wave on canvases one screen wide, and its line renderer closes each canvas's outline back to the zero line in
 * its last pixel column, so every canvas edge showed as a 1-px notch through the wave — from the first zoom step on any
 * song, until the zoom is fine enough for the engine's detail (drawn without seams). White noise reaches its peak in
 * every pixel column, so no column may show the background half way up or down.
 * Run: npm run build && node --import tsx --test test/e2e/wave-seams.test.ts
 */
const DURATION = 60;

function noise(): string {
  return media('e2e-seams-white-60s.flac', ['-f', 'lavfi', '-i', `anoisesrc=d=${DURATION}:r=22050:a=0.8:c=white`, '-ac', '1']);
}

describe('the zoomed waveform has no seams', { timeout: 300_000 }, () => {
  let file = '';
  const studio = useStudio({ prepare: () => (file = noise()), viewport: { width: 1280, height: 860 } });

  /**
   * x (CSS px, in the waveform's box) of every column that is darker than the columns 2 px either side, by a fifth,
   * both half way up
   * and half way down from the middle row (the notch is darkest away from the zero line; noise reaches past
   * both rows in every column)
   */
  async function gapColumns(): Promise<{ gaps: number[]; width: number }> {
    const { page } = studio.sp;
    const box = (await page.locator('[data-testid=waveform] .main-wrap').boundingBox())!;
    const png = await page.screenshot({ clip: box });
    return page.evaluate(async (b64) => {
      // the page's DOM (the tests are compiled without the DOM's types)
      type Img = { width: number; height: number };
      type Ctx = { drawImage(i: Img, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
      const g = globalThis as unknown as {
        createImageBitmap(b: Blob): Promise<Img>;
        OffscreenCanvas: new (w: number, h: number) => { getContext(k: '2d'): Ctx };
      };
      const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const img = await g.createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const ctx = new g.OffscreenCanvas(img.width, img.height).getContext('2d');
      ctx.drawImage(img, 0, 0);
      // (no named helpers in a page function: the test's compiler would wrap them in __name())
      const rows = [Math.round(img.height * 0.25), Math.round(img.height * 0.75)].map((y) => {
        const d = ctx.getImageData(0, y, img.width, 1).data;
        const lums: number[] = [];
        for (let x = 0; x < img.width; x++) lums.push(d[4 * x] + d[4 * x + 1] + d[4 * x + 2]);
        return lums;
      });
      const gaps: number[] = [];
      // the box's own first and last columns are its rounded border; a column between two of the same colour
      for (let x = 3; x < img.width - 3; x++) if (rows.every((l) => l[x] < 0.8 * Math.min(l[x - 2], l[x + 2]))) gaps.push(x);
      return { gaps, width: img.width };
    }, png.toString('base64'));
  }

  test('zoomed 3× and 5× into 60 s of noise, scrolled: every pixel column of the wave is drawn', async () => {
    const { sp } = studio;
    const { page } = sp;
    const m = await sp.mark();
    const opened = await sp.openThroughBrowser(file);
    assert.equal(opened.name, 'track-opened', JSON.stringify(opened.detail));
    await sp.waitForEvent('waveform-drawn', { after: m });
    const fit = await gapColumns();
    assert.deepEqual(fit.gaps, [], 'fitted, the wave fills the middle row');
    for (const [presses, at] of [[3, 25], [1, 40]] as const) {
      for (let i = 0; i < presses; i++) await page.keyboard.press('+');
      // seek by keys (5 s each) from the start: the view scrolls with the playhead, a canvas edge comes into it
      await page.keyboard.press('Home');
      for (let i = 0; i < at / 5; i++) await page.keyboard.press('ArrowRight');
      await sp.waitForMediaTime(at - 0.1, at + 0.1);
      await sp.frames(3);
      const zoom = await sp.zoomLevel();
      assert.ok(zoom > 2, `zoomed in (${zoom}×)`);
      const { gaps, width } = await gapColumns();
      await sp.screenshot(`wave-seams-${presses}-${at}`);
      assert.deepEqual(gaps, [], `at ${zoom}× (${width} px wide), columns showing the background through the wave`);
    }
    await sp.screenshot('wave-seams');
  });
});
