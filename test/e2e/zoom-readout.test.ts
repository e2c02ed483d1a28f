import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toneFile } from '../helpers/media';
import { useStudio } from '../helpers/studio';

/**
 * tester28: zoomed in on one track, then another (long) file opened: while its waveform was computed the zoom readout
 * showed the old track's "810.0×" over the new track's duration. It reads 1× until the new track's wave is drawn.
 * Run: npm run build && node --import tsx --test test/e2e/zoom-readout.test.ts
 */
describe('the zoom readout of a track being opened (tester28)', { timeout: 300_000 }, () => {
  let first = '';
  let second = '';
  const studio = useStudio({
    prepare: () => {
      first = toneFile('zoom-readout-20s.mp3', 20);
      second = toneFile('zoom-readout-300s.mp3', 300);
    },
  });

  test('zoomed in on one track, open a long one: every readout until its wave is drawn is 1×', async () => {
    const { sp } = studio;
    const { page } = sp;
    let m = await sp.mark();
    assert.equal((await sp.openThroughBrowser(first)).name, 'track-opened');
    await sp.waitForEvent('waveform-drawn', { after: m });
    for (let i = 0; i < 6; i++) {
      m = await sp.mark();
      await page.keyboard.press('+');
      await sp.waitForEvent('waveform-zoomed', { after: m });
    }
    assert.notEqual(await page.getByTestId('zoom-level').innerText(), '1×', 'zoomed in');
    // every text the readout takes from here on
    await page.evaluate(() => {
      const g = globalThis as unknown as { __zoomTexts: string[]; document: { querySelector(s: string): { textContent: string | null } | null }; MutationObserver: new (cb: () => void) => { observe(n: unknown, o: object): void } };
      const el = g.document.querySelector('[data-testid=zoom-level]')!;
      g.__zoomTexts = [];
      new g.MutationObserver(() => g.__zoomTexts.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
    });
    m = await sp.mark();
    assert.equal((await sp.openThroughBrowser(second)).name, 'track-opened');
    await sp.waitForEvent('waveform-drawn', { after: m });
    await sp.frames(2);
    const texts = await page.evaluate(() => (globalThis as unknown as { __zoomTexts: string[] }).__zoomTexts);
    assert.deepEqual(texts.filter((t) => t !== '1×'), [], `the readout while the new track opened: ${JSON.stringify(texts)}`);
    assert.equal(await page.getByTestId('zoom-level').innerText(), '1×');
  });
});
