import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * Keyboard-only use of the modal dialogs (tester15). Open… (the in-app file
 * browser) and the shortcuts sheet say aria-modal="true", but Tab from the
 * dialog's last control went on to the page behind the backdrop (the top
 * bar's Track, Library, Open… buttons), where Space and Enter acted behind
 * the dialog. Focus now stays inside; Esc closes and gives focus back.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/keyboard-dialogs.test.ts
 */
describe('keyboard focus stays in modal dialogs (tester15)', { timeout: 300_000 }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;

  before(async () => {
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe().finally(() => launching);
    await launching;
    sp = await StudioPage.open(browser, serve);
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  /** the data-testid (or tag) of the focused element and whether it is inside `testId` */
  const focused = (testId: string) =>
    sp.page.evaluate((id) => {
      const d = (globalThis as unknown as { document: { activeElement: { closest(s: string): unknown; getAttribute(n: string): string | null; tagName: string } | null } }).document;
      const e = d.activeElement;
      return { inside: !!e?.closest(`[data-testid=${id}]`), what: e ? (e.getAttribute('data-testid') ?? e.getAttribute('aria-label') ?? e.tagName) : 'none' };
    }, testId);

  test('Open… (Ctrl+O): Tab and Shift+Tab go round the dialog, never to the page behind; Esc gives focus back', async () => {
    await sp.page.getByTestId('open').first().focus();
    await sp.page.keyboard.press('Control+o');
    await sp.page.locator('[data-testid=browser-list][aria-busy=false]').waitFor();
    const seen: string[] = [];
    for (let i = 0; i < 12; i++) {
      await sp.page.keyboard.press('Tab');
      const f = await focused('file-browser');
      seen.push(f.what);
      assert.ok(f.inside, `Tab ${i + 1} left the dialog for ${f.what} (${seen.join(' → ')})`);
    }
    for (let i = 0; i < 12; i++) {
      await sp.page.keyboard.press('Shift+Tab');
      const f = await focused('file-browser');
      assert.ok(f.inside, `Shift+Tab ${i + 1} left the dialog for ${f.what}`);
    }
    await sp.page.keyboard.press('Escape');
    await sp.page.getByTestId('file-browser').waitFor({ state: 'detached' });
    assert.equal((await focused('app')).what, 'open', 'focus is back on Open…');
  });

  test('the shortcuts sheet (?): focus moves into it and stays there', async () => {
    await sp.page.getByTestId('open').first().focus();
    await sp.page.keyboard.press('?');
    await sp.page.getByTestId('shortcuts').waitFor();
    // the sheet is true to the library table's keys (tester17): Home/End move to the first/last track and Esc
    // clears the selection there (LibraryTable.svelte's onKey), but the sheet's library row named only ↑ ↓ PgUp
    // PgDn and its one Home/End row said "Go to start / end" (the track view's playhead)
    const rows = await sp.page.locator('[data-testid=shortcuts] tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const cells = (tr as unknown as { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }).querySelectorAll('td, kbd');
        const all = Array.from(cells).map((c) => c.textContent ?? '');
        return { keys: all.slice(1, -1), what: all.at(-1) ?? '' };
      }),
    );
    const library = rows.filter((r) => r.what.startsWith('Library:'));
    const libKeys = library.flatMap((r) => r.keys);
    for (const k of ['↑', '↓', 'PgUp', 'PgDn', 'Home', 'End', 'Enter', 'Space', 'Esc']) assert.ok(libKeys.includes(k), `the sheet's library rows name ${k}: ${JSON.stringify(library)}`);
    for (let i = 0; i < 4; i++) {
      await sp.page.keyboard.press('Tab');
      const f = await focused('shortcuts');
      assert.ok(f.inside, `Tab ${i + 1} left the sheet for ${f.what}`);
    }
    await sp.page.keyboard.press('Escape');
    await sp.page.getByTestId('shortcuts').waitFor({ state: 'detached' });
  });

  // tester25: at 1280×720 the sheet (833 px of rows) was centred with its heading 56 px above the window and its last
  // rows below it, and nothing scrolled: it fits the window and scrolls inside, its heading and last row both reachable
  test('the shortcuts sheet fits a 1280×720 window: its heading on screen, its last row reached by scrolling it', async () => {
    const { page } = sp;
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.waitForFunction(() => (globalThis as unknown as { innerHeight: number }).innerHeight === 720);
    await page.getByTestId('open').first().focus();
    await page.keyboard.press('?');
    const sheet = page.getByTestId('shortcuts');
    await sheet.waitFor();
    const box = (await sheet.boundingBox())!;
    assert.ok(box.y >= 0 && box.y + box.height <= 720, `the sheet is inside the window: ${box.y.toFixed(0)}–${(box.y + box.height).toFixed(0)} px`);
    const heading = (await sheet.locator('h2').boundingBox())!;
    assert.ok(heading.y >= 0, `its heading is on screen (${heading.y.toFixed(0)} px)`);
    await sheet.locator('p').last().scrollIntoViewIfNeeded();
    const last = (await sheet.locator('p').last().boundingBox())!;
    assert.ok(last.y >= 0 && last.y + last.height <= 720, `its closing line is reached by scrolling (${last.y.toFixed(0)} px)`);
    await sp.screenshot('tester25-shortcuts-720');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1400, height: 860 });
  });

  test('zoom keys (+, −, 0) pressed as a track opens, before its waveform is drawn, do nothing instead of throwing "No audio loaded" in the page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rs-zoomkeys-'));
    const file = join(dir, 'tone.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=440:d=20', file]);
    const before = sp.problems.length;
    const opened = sp.openThroughBrowser(file);
    // from the moment the file browser is gone (the track opening) until it is shown, press zoom keys
    await sp.page.getByTestId('file-browser').waitFor();
    await sp.page.getByTestId('file-browser').waitFor({ state: 'detached' });
    for (let i = 0; i < 40; i++) {
      await sp.page.keyboard.press(['0', '+', '-'][i % 3]);
    }
    assert.equal((await opened).name, 'track-opened');
    for (const k of ['0', '+', '+', '-', '0']) await sp.page.keyboard.press(k);
    assert.deepEqual(sp.problems.slice(before).filter((p) => /No audio loaded/.test(p)), [], 'no uncaught error from the waveform');
  });

  // tester25: Ctrl+L and Ctrl+O still acted behind a modal dialog — the library came up behind the file browser, and
  // Ctrl+O opened the file browser over the shortcuts sheet. While one is open they wait.
  test('Ctrl+L and Ctrl+O do nothing while a modal dialog (the shortcuts sheet, Open…) is open', async () => {
    const { page } = sp;
    await page.getByTestId('library-view').waitFor({ state: 'hidden' });
    await page.getByTestId('open').first().focus();
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts').waitFor();
    await page.keyboard.press('Control+o');
    await page.keyboard.press('Control+l');
    await sp.frames(3);
    assert.equal(await page.getByTestId('file-browser').count(), 0, 'Ctrl+O opened no file browser over the sheet');
    assert.equal(await page.getByTestId('library-view').isVisible(), false, 'Ctrl+L did not switch to the library behind the sheet');
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+o');
    await page.getByTestId('file-browser').waitFor();
    await page.keyboard.press('Control+l');
    await sp.frames(3);
    assert.equal(await page.getByTestId('library-view').isVisible(), false, 'Ctrl+L did not switch to the library behind Open…');
    await page.keyboard.press('Escape');
    await page.getByTestId('file-browser').waitFor({ state: 'detached' });
    // with no dialog open, the shortcuts act
    await page.keyboard.press('Control+l');
    await page.getByTestId('library-view').waitFor({ state: 'visible' });
    await page.keyboard.press('Control+l');
    await page.getByTestId('library-view').waitFor({ state: 'hidden' });
  });

  // tester25: with the Models panel open over a track, Space on its focused Refresh button started the track behind
  // (the track view's Space) and did not press the button. A key pressed in a dialog is the dialog's.
  test('Space on a button in the Models panel presses that button, and the track behind does not play', async () => {
    const { page } = sp;
    assert.equal((await sp.mediaState()).paused, true, 'the track (opened above) is paused');
    await page.getByTestId('get-model').click();
    await page.getByTestId('models-panel').waitFor();
    const refresh = page.locator('[data-testid=models-refresh]:not([disabled])');
    await refresh.waitFor();
    await refresh.evaluate((b) => {
      const el = b as unknown as { addEventListener(t: string, f: () => void): void; dataset: Record<string, string> };
      el.dataset.clicks = '0';
      el.addEventListener('click', () => (el.dataset.clicks = String(Number(el.dataset.clicks) + 1)));
    });
    await refresh.focus();
    await page.keyboard.press('Space');
    await page.locator('[data-testid=models-refresh][data-clicks="1"]').waitFor();
    await sp.frames(3);
    assert.equal((await sp.mediaState()).paused, true, 'Space in the dialog did not play the track behind it');
    await page.keyboard.press('Escape');
    await page.getByTestId('models-panel').waitFor({ state: 'detached' });
  });
});

