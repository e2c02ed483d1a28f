import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toneFile } from '../helpers/media';
import { useStudio } from '../helpers/studio';

/**
 * Letter shortcuts on a keyboard whose layout types another script (tester26): with a Russian layout the key
 * labelled L types "д" — with Ctrl held too — so Ctrl+L, Ctrl+O, Ctrl+K, Ctrl+A and the waveform's I, O, L, N did
 * nothing, while the browser's own shortcuts answered (Ctrl+O opened the browser's file dialog). The keys are sent
 * as Chromium reports them for that layout (key "д", code "KeyL") through CDP's Input.dispatchKeyEvent.
 * Run: npm run build && node --import tsx --test test/e2e/keys-layouts.test.ts
 */
describe('letter shortcuts on a Russian keyboard layout', { timeout: 300_000 }, () => {
  let file = '';
  const studio = useStudio({ prepare: () => (file = toneFile('keys-layouts-12s.wav', 12)) });

  /** one key press as Chromium sends it with a Russian layout: `key` the Cyrillic letter, `code` the key's place */
  async function press(key: string, code: string, opts: { ctrl?: boolean } = {}) {
    const cdp = await studio.sp.page.context().newCDPSession(studio.sp.page);
    const vk = code.charCodeAt(3); // "KeyL" → 76, the Windows virtual key of L
    const modifiers = opts.ctrl ? 2 : 0;
    await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key, code, windowsVirtualKeyCode: vk, modifiers });
    if (!opts.ctrl) await cdp.send('Input.dispatchKeyEvent', { type: 'char', key, code, text: key, windowsVirtualKeyCode: vk, modifiers });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code, windowsVirtualKeyCode: vk, modifiers });
    await cdp.detach();
  }

  test('Ctrl+L (д), Ctrl+O (щ), and I (ш) / O (щ) at the playhead answer as on a Latin layout', async () => {
    const { sp } = studio;
    const { page } = sp;
    assert.equal((await sp.openThroughBrowser(file)).name, 'track-opened');
    await sp.waitForEvent('waveform-drawn', { after: 0 });
    await page.locator('body').click({ position: { x: 5, y: 5 } });

    let m = await sp.mark();
    await press('д', 'KeyL', { ctrl: true });
    await sp.waitForEvent('library-shown', { after: m });
    m = await sp.mark();
    await press('д', 'KeyL', { ctrl: true });
    await sp.waitForEvent('library-hidden', { after: m });

    m = await sp.mark();
    await press('ш', 'KeyI');
    await sp.waitForEvent('loop-in', { after: m });
    await page.keyboard.press('ArrowRight'); // 5 s on
    m = await sp.mark();
    await press('щ', 'KeyO');
    const loop = (await sp.waitForEvent('loop-changed', { after: m })).detail as { start: number; end: number; on: boolean };
    assert.ok(loop.on && loop.end - loop.start > 4, JSON.stringify(loop));

    await press('щ', 'KeyO', { ctrl: true });
    await page.getByTestId('file-browser').waitFor();
    await sp.screenshot('keys-layouts-ctrl-o');
    await page.keyboard.press('Escape');
    await page.getByTestId('file-browser').waitFor({ state: 'detached' });
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
