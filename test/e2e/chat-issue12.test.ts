import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';
import { launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * The model pack chooser as a first hour of use found it (issue 12), with the
 * toolchain's tiny packs. Run: npm run build && node tools/run-tests.mjs test/e2e/chat-issue12.test.ts
 */
describe('model pack chooser (issue 12)', { timeout: 180_000 }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;
  const packs = join(TINY_DIR, 'packs');
  const alpha = join(packs, 'alpha-fp32');

  before(async () => {
    ensureTinyPacks();
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe().finally(() => launching);
    await launching;
    sp = await StudioPage.open(browser, serve, { width: 1440, height: 900 });
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  test('defect 4: "Use this folder" takes the highlighted folder; the earlier error goes once a pack is chosen', async () => {
    const { page } = sp;
    // a wrong choice first: the folder that holds the packs
    await page.getByTestId('choose-pack').click();
    await sp.fileBrowser().goTo(packs);
    let m = await sp.mark();
    await page.getByTestId('browser-use-folder').click();
    const failed = await sp.waitForEvent(['pack-chosen', 'pack-failed'], { after: m, timeout: 60_000 });
    assert.equal(failed.name, 'pack-failed', JSON.stringify(failed.detail));
    assert.equal((failed.detail as { path: string }).path, packs);
    assert.equal((await sp.toastTexts('error')).filter((t) => /cannot be used/.test(t)).length, 1);
    // then the pack itself, highlighted in the list (one click), and "Use …"
    await page.getByTestId('choose-pack').click();
    await sp.fileBrowser().goTo(packs);
    await page.locator('[data-testid=browser-list] [data-name="alpha-fp32"]').click();
    const label = await page.getByTestId('browser-use-folder').innerText();
    await sp.screenshot('issue12-4-use-highlighted-folder');
    m = await sp.mark();
    await page.getByTestId('browser-use-folder').click();
    const chosen = await sp.waitForEvent(['pack-chosen', 'pack-failed'], { after: m, timeout: 60_000 });
    assert.equal(chosen.name, 'pack-chosen', JSON.stringify(chosen.detail));
    assert.equal((chosen.detail as { path: string }).path, alpha);
    assert.match(label, /alpha-fp32/, 'the button names the folder it will use');
    assert.deepEqual((await sp.toastTexts('error')).filter((t) => /cannot be used/.test(t)), [], 'the wrong choice’s error is gone');
    await sp.screenshot('issue12-4-pack-chosen');
  });

  test('no page errors', () => {
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
