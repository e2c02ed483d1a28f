import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { OUTPUT } from '../helpers/media';
import { e2eMedia, type E2eMedia } from './fixtures';
import { launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * Bad input is shown plainly in the UI, and the web server refuses what it must.
 * Run: npm run build && node --import tsx --test test/e2e/bad-input.test.ts
 */
describe('bad input in the browser', { timeout: 120_000 }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;
  let media: E2eMedia;

  before(async () => {
    media = e2eMedia();
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe().finally(() => launching);
    await launching;
    sp = await StudioPage.open(browser, serve);
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  test('media without a capability or the token is refused (401); /media for an unknown id is 404', async () => {
    const bare = await fetch(`${serve.origin}/media/playable/AAAAAAAAAAAAAAAA`, { redirect: 'manual' });
    assert.equal(bare.status, 401, 'media needs a capability or the token');
    assert.match(await bare.text(), /capability/);
    const bearer = { authorization: `Bearer ${serve.token}` };
    const unknown = await fetch(`${serve.origin}/media/playable/AAAAAAAAAAAAAAAA`, { headers: bearer });
    assert.equal(unknown.status, 404);
    const traversal = await fetch(`${serve.origin}/media/track/..%2f..%2fetc%2fpasswd`, { headers: bearer });
    assert.equal(traversal.status, 404);
  });

  test('a text file named .mp3 gets a clear error, and the page stays usable', async () => {
    const ev = await sp.openThroughBrowser(media.textAsMp3);
    assert.equal(ev.name, 'error-shown');
    const { code, message } = ev.detail as { code: string; message: string };
    assert.equal(code, 'NOT_MEDIA', message);
    const [toast] = await sp.toastTexts('error');
    assert.match(toast, new RegExp(`Could not open ${basename(media.textAsMp3)}`));
    assert.match(toast, /NOT_MEDIA/);
    await sp.page.getByTestId('empty-state').waitFor();
    await sp.screenshot('error');
    await sp.dismissToasts();
    assert.deepEqual(await sp.toastTexts('error'), []);
  });

  test('a zero-length file gets a clear error', async () => {
    const ev = await sp.openThroughBrowser(media.empty);
    assert.equal(ev.name, 'error-shown');
    const { code, message } = ev.detail as { code: string; message: string };
    assert.equal(code, 'EMPTY_FILE', message);
    assert.match((await sp.toastTexts('error')).join('\n'), /empty|0 bytes|zero/i);
    await sp.dismissToasts();
  });

  test('a path with spaces and non-ASCII characters opens and plays its waveform', async () => {
    const m = await sp.mark();
    const ev = await sp.openThroughBrowser(media.oddPath);
    assert.equal(ev.name, 'track-opened', JSON.stringify(ev.detail));
    assert.equal((ev.detail as { path: string }).path, media.oddPath);
    await sp.waitForEvent('waveform-drawn', { after: m, timeout: 30_000 });
    assert.equal(await sp.page.getByTestId('track-title').innerText(), 'Test Tone');
    assert.match(await sp.page.locator('[data-testid=track-header] .file').innerText(), /Björk & Sigur Rós — «sång» 01\.mp3/);
    assert.deepEqual(await sp.toastTexts('error'), []);
  });

  test('a folder that does not exist is reported in the file browser; one outside the roots is refused', async () => {
    const { page } = sp;
    await page.getByTestId('open').click();
    let m = await sp.mark();
    // inside an allowed folder (startServe: --root test/output): the ordinary "does not exist"
    await page.getByTestId('browser-path').fill(join(OUTPUT, 'no such folder here'));
    await page.getByTestId('browser-path').press('Enter');
    await sp.waitForEvent('browser-error', { after: m });
    assert.match(await page.getByTestId('browser-error').innerText(), /does not exist/);
    // outside them: refused, saying how to allow it, whether or not it exists (issue 15 item 4)
    m = await sp.mark();
    await page.getByTestId('browser-path').fill('/no/such/folder here');
    await page.getByTestId('browser-path').press('Enter');
    await sp.waitForEvent('browser-error', { after: m });
    assert.match(await page.getByTestId('browser-error').innerText(), /outside them.*--root DIR/s);
    await page.keyboard.press('Escape');
    await page.getByTestId('file-browser').waitFor({ state: 'detached' });
  });

  test('files dropped on the page: web mode says plainly to use Open…', async () => {
    const m = await sp.mark();
    await sp.page.evaluate(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'dropped.mp3', { type: 'audio/mpeg' }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`);
    await sp.waitForEvent('warning-shown', { after: m });
    assert.match((await sp.toastTexts('warning')).join('\n'), /cannot be opened in the browser[\s\S]*Open…/);
  });
});
