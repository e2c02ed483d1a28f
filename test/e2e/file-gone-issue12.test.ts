import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { longToneFile, OUTPUT, toneFile } from '../helpers/media';
import { launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * Issue 12, defect 13: a file deleted (or moved) while it is open is noticed
 * at once: a banner says so, playback stops and Play stays off, and the
 * banner offers Locate… (open it where it is now) and Close.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/file-gone-issue12.test.ts
 */
describe('a file deleted while open (issue 12, defect 13)', { timeout: 300_000 }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;
  const dir = join(OUTPUT, 'e2e', 'gone');
  const file = join(dir, 'deleted while open.mp3');
  const moved = join(dir, 'moved', 'deleted while open.mp3');

  before(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'moved'), { recursive: true });
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe().finally(() => launching);
    await launching;
    sp = await StudioPage.open(browser, serve, { width: 1280, height: 720 });
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function openPlaying(): Promise<void> {
    copyFileSync(toneFile('e2e-tone-60s.mp3', 60), file);
    const m = await sp.mark();
    const ev = await sp.openThroughBrowser(file);
    assert.equal(ev.name, 'track-opened', JSON.stringify(ev.detail));
    await sp.waitForEvent('waveform-drawn', { after: m });
    await sp.page.getByTestId('play').click();
    await sp.waitForMediaTime(0.3);
  }

  test('deleted while playing: a banner at once, playback stopped, Play off; Close empties the view', async () => {
    const { page } = sp;
    await openPlaying();
    const m = await sp.mark();
    rmSync(file);
    // no seek, no click: the engine watches the open file
    const gone = await sp.waitForEvent('file-gone', { after: m });
    assert.match((gone.detail as { message: string }).message, /deleted or moved/);
    const banner = page.getByTestId('file-gone');
    await banner.waitFor();
    assert.match(await banner.innerText(), /The open file is gone[\s\S]*deleted or moved[\s\S]*Playback is stopped/);
    assert.equal((await sp.mediaState()).paused, true, 'the audio stopped');
    assert.equal(await page.getByTestId('play').isDisabled(), true, 'Play is off');
    // tester28c: the disabled Play's tooltip still said "Play (Space)"; it says why it is off
    assert.match((await page.getByTestId('play').getAttribute('title')) ?? '', /^Play is off: .*deleted or moved/);
    // tester23: the disabled Play was the accent at half opacity and looked enabled (rgb(47, 127, 207) is --accent-2),
    // as the library detail's Open did before 0e4cf5f
    assert.notEqual(await page.getByTestId('play').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor), 'rgb(47, 127, 207)', 'the disabled Play is not drawn in the accent colour');
    assert.equal(await page.getByTestId('play').getAttribute('data-playing'), 'false');
    await page.keyboard.press(' ');
    assert.equal((await sp.mediaState()).paused, true, 'Space does not play a deleted file');
    await page.getByTestId('file-gone-locate').waitFor();
    await sp.screenshot('issue12-13-file-gone');
    const closed = await sp.mark();
    await page.getByTestId('file-gone-close').click();
    await sp.waitForEvent('track-closed', { after: closed });
    assert.equal(await banner.count(), 0);
    await page.getByTestId('empty-state').waitFor();
    await sp.screenshot('issue12-13-closed');
  });

  test('moved while open: Locate… opens it where it is now', async () => {
    const { page } = sp;
    await openPlaying();
    const m = await sp.mark();
    renameSync(file, moved);
    await sp.waitForEvent('file-gone', { after: m });
    await page.getByTestId('file-gone-locate').click();
    const fb = sp.fileBrowser();
    await fb.goTo(join(dir, 'moved'));
    await fb.select('deleted while open.mp3');
    const m2 = await sp.mark();
    await page.keyboard.press('Enter');
    const opened = await sp.waitForEvent(['track-opened', 'error-shown'], { after: m2 });
    assert.equal(opened.name, 'track-opened', JSON.stringify(opened.detail));
    assert.equal((opened.detail as { path: string }).path, moved);
    assert.equal(await page.getByTestId('file-gone').count(), 0, 'the banner left with the old file');
    assert.equal(await page.getByTestId('play').isDisabled(), false);
    await sp.screenshot('issue12-13-located');
  });

  test('deleted while its waveform is computed: the banner, no toast per view, and the views say what the banner says (tester20)', async () => {
    // before: besides the banner, two error toasts ("Could not compute the waveform", "… the spectrogram") said
    // "… was moved or deleted while it was being analysed. It will be analysed again on the next scan." — a library
    // scan's words, for a track that is in no library
    const { page } = sp;
    const long = join(dir, 'deleted while decoded.mp3');
    copyFileSync(longToneFile('e2e-tone-10min.mp3', 600), long);
    await sp.dismissToasts();
    const m = await sp.mark();
    const ev = await sp.openThroughBrowser(long);
    assert.equal(ev.name, 'track-opened', JSON.stringify(ev.detail));
    rmSync(long);
    await sp.waitForEvent('file-gone', { after: m });
    const wave = page.locator('[data-testid=waveform] .err');
    await wave.waitFor();
    await page.locator('[data-testid=spectrogram] .err').waitFor();
    assert.match(await wave.innerText(), /Waveform unavailable: "deleted while decoded\.mp3" was deleted or moved since it was opened/);
    assert.doesNotMatch(await wave.innerText(), /scan/);
    assert.deepEqual(await sp.toastTexts('error'), [], 'the banner alone says it');
    await page.getByTestId('file-gone').waitFor();
    await sp.screenshot('file-gone-while-decoded');
  });

  test('no page errors', () => {
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
