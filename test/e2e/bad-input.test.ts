import assert from 'node:assert/strict';
import { basename, dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { OUTPUT } from '../helpers/media';
import { e2eMedia, type E2eMedia } from './fixtures';
import { useStudio } from '../helpers/studio';

/**
 * Bad input is shown plainly in the UI, and the web server refuses what it must.
 * Run: npm run build && node --import tsx --test test/e2e/bad-input.test.ts
 */
describe('bad input in the browser', { timeout: 300_000 }, () => {
  let media: E2eMedia;
  const studio = useStudio({ prepare: () => void (media = e2eMedia()) });

  test('media without a capability or the token is refused (401); /media for an unknown id is 404', async () => {
    const bare = await fetch(`${studio.serve.origin}/media/playable/AAAAAAAAAAAAAAAA`, { redirect: 'manual' });
    assert.equal(bare.status, 401, 'media needs a capability or the token');
    assert.match(await bare.text(), /capability/);
    const bearer = { authorization: `Bearer ${studio.serve.token}` };
    const unknown = await fetch(`${studio.serve.origin}/media/playable/AAAAAAAAAAAAAAAA`, { headers: bearer });
    assert.equal(unknown.status, 404);
    const traversal = await fetch(`${studio.serve.origin}/media/track/..%2f..%2fetc%2fpasswd`, { headers: bearer });
    assert.equal(traversal.status, 404);
  });

  test('a text file named .mp3 gets a clear error, and the page stays usable', async () => {
    const ev = await studio.sp.openThroughBrowser(media.textAsMp3);
    assert.equal(ev.name, 'error-shown');
    const { code, message } = ev.detail as { code: string; message: string };
    assert.equal(code, 'NOT_MEDIA', message);
    const [toast] = await studio.sp.toastTexts('error');
    assert.match(toast, new RegExp(`Could not open ${basename(media.textAsMp3)}`));
    // the code is for programs (data-code), the words for the user (tester31)
    assert.doesNotMatch(toast, /NOT_MEDIA/);
    assert.equal(await studio.sp.page.getByTestId('toast-error').getAttribute('data-code'), 'NOT_MEDIA');
    await studio.sp.page.getByTestId('empty-state').waitFor();
    await studio.sp.screenshot('error');
    await studio.sp.dismissToasts();
    assert.deepEqual(await studio.sp.toastTexts('error'), []);
  });

  test('a zero-length file gets a clear error', async () => {
    const ev = await studio.sp.openThroughBrowser(media.empty);
    assert.equal(ev.name, 'error-shown');
    const { code, message } = ev.detail as { code: string; message: string };
    assert.equal(code, 'EMPTY_FILE', message);
    assert.match((await studio.sp.toastTexts('error')).join('\n'), /empty|0 bytes|zero/i);
    await studio.sp.dismissToasts();
  });

  test('a path with spaces and non-ASCII characters opens and plays its waveform', async () => {
    const m = await studio.sp.mark();
    const ev = await studio.sp.openThroughBrowser(media.oddPath);
    assert.equal(ev.name, 'track-opened', JSON.stringify(ev.detail));
    assert.equal((ev.detail as { path: string }).path, media.oddPath);
    await studio.sp.waitForEvent('waveform-drawn', { after: m });
    assert.equal(await studio.sp.page.getByTestId('track-title').innerText(), 'Test Tone');
    assert.match(await studio.sp.page.locator('[data-testid=track-header] .file').innerText(), /Björk & Sigur Rós — «sång» 01\.mp3/);
    assert.deepEqual(await studio.sp.toastTexts('error'), []);
  });

  test('a folder that does not exist is reported in the file browser; one outside the roots is refused', async () => {
    const { page } = studio.sp;
    await page.getByTestId('open').click();
    let m = await studio.sp.mark();
    // inside an allowed folder (startServe: --root test/output): the ordinary "does not exist"
    await page.getByTestId('browser-path').fill(join(OUTPUT, 'no such folder here'));
    await page.getByTestId('browser-path').press('Enter');
    await studio.sp.waitForEvent('browser-error', { after: m });
    assert.match(await page.getByTestId('browser-error').innerText(), /does not exist/);
    // outside them: refused, saying how to allow it, whether or not it exists (issue 15 item 4)
    m = await studio.sp.mark();
    await page.getByTestId('browser-path').fill('/no/such/folder here');
    await page.getByTestId('browser-path').press('Enter');
    await studio.sp.waitForEvent('browser-error', { after: m });
    assert.match(await page.getByTestId('browser-error').innerText(), /outside them.*--root DIR/s);
    await page.keyboard.press('Escape');
    await page.getByTestId('file-browser').waitFor({ state: 'detached' });
  });

  test('a file\'s path pasted into the path box opens it — as typed, quoted ("Copy as path") or as a file:// URI; a folder\'s URI lists it (tester25)', async () => {
    const { page } = studio.sp;
    const uri = (p: string) => 'file://' + p.split('/').map(encodeURIComponent).join('/');
    for (const typed of [media.oddPath, `"${media.oddPath}"`, `${uri(media.oddPath)}\n`]) {
      await page.getByTestId('open').click();
      await page.locator('[data-testid=browser-list][aria-busy=false]').waitFor();
      const m = await studio.sp.mark();
      await page.getByTestId('browser-path').fill(typed);
      await page.getByTestId('browser-path').press('Enter');
      const ev = await studio.sp.waitForEvent(['track-opened', 'browser-error', 'error-shown'], { after: m });
      assert.equal(ev.name, 'track-opened', `${JSON.stringify(typed)}: ${JSON.stringify(ev.detail)}`);
      assert.equal((ev.detail as { path: string }).path, media.oddPath);
      await page.getByTestId('file-browser').waitFor({ state: 'detached' });
    }
    await page.getByTestId('open').click();
    await page.locator('[data-testid=browser-list][aria-busy=false]').waitFor();
    const m = await studio.sp.mark();
    await page.getByTestId('browser-path').fill(uri(dirname(media.oddPath)));
    await page.getByTestId('browser-path').press('Enter');
    const ev = await studio.sp.waitForEvent(['browser-listed', 'browser-error'], { after: m });
    assert.equal(ev.name, 'browser-listed', JSON.stringify(ev.detail));
    assert.equal((ev.detail as { path: string }).path, dirname(media.oddPath));
    assert.equal(await page.getByTestId('browser-path').inputValue(), dirname(media.oddPath));
    await page.keyboard.press('Escape');
    await page.getByTestId('file-browser').waitFor({ state: 'detached' });
  });

  test('files dropped on the page: web mode says plainly to use Open…', async () => {
    const m = await studio.sp.mark();
    await studio.sp.page.evaluate(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'dropped.mp3', { type: 'audio/mpeg' }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`);
    await studio.sp.waitForEvent('warning-shown', { after: m });
    assert.match((await studio.sp.toastTexts('warning')).join('\n'), /cannot be opened in the browser[\s\S]*Open…/);
  });

  // tester25: on the library every dropped item went to "add folder": a song dropped there said (desktop) '"…" is not a
  // folder', (web) "Dropped folders cannot be added". A file is opened; only folders are added.
  test('a file dropped on the library is a file to open, not a folder to add', async () => {
    const { sp } = studio;
    await sp.page.keyboard.press('Control+l');
    await sp.page.getByTestId('library-view').waitFor({ state: 'visible' });
    const m = await sp.mark();
    await sp.page.evaluate(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'dropped.mp3', { type: 'audio/mpeg' }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`);
    // (the warning this drop raised, not a toast left by the test before)
    const { title } = (await sp.waitForEvent('warning-shown', { after: m })).detail as { title: string };
    assert.equal(title, 'Dropped files cannot be opened in the browser');
    await sp.page.keyboard.press('Control+l');
    await sp.page.getByTestId('library-view').waitFor({ state: 'hidden' });
  });
});
