import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { libraryFolder, libraryPage } from './library-page';
import { launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * The library as DJs and collectors use it (issue 12), against the real engine.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/library-issue12.test.ts
 */
describe('library (issue 12)', { timeout: 180_000 }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;
  let lib: ReturnType<typeof libraryPage>;

  before(async () => {
    const folder = libraryFolder(12, 'e2e-library-issue12');
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe().finally(() => launching);
    await launching;
    sp = await StudioPage.open(browser, serve, { width: 1440, height: 900 });
    lib = libraryPage(sp);
    await lib.show();
    const ev = await lib.addFolder(folder.dir);
    assert.equal(ev.name, 'library-folder-added', JSON.stringify(ev.detail));
    await sp.page.locator('[data-testid=scan-progress][data-state=finished]').waitFor({ timeout: 90_000 });
    await lib.waitForTotal(5);
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  test('defect 3: a click anywhere in a column header sorts by it, not only on its text', async () => {
    const { page } = sp;
    for (const col of ['bpm', 'key', 'title']) {
      const header = page.locator('[role=columnheader]', { has: page.getByTestId(`sort-${col}`) });
      const box = (await header.boundingBox())!;
      // both ends of the header cell: one of them is away from the (left- or right-aligned) text
      for (const x of [box.x + 3, box.x + box.width - 3]) {
        const m = await sp.mark();
        await page.mouse.click(x, box.y + box.height / 2);
        const ev = await sp.waitForEvent('library-sorted', { after: m, timeout: 3000 }).catch(() => null);
        assert.ok(ev, `a click at ${Math.round(x - box.x)} of ${Math.round(box.width)} px in the ${col} header sorts`);
      }
    }
    await page.getByTestId('sort-bpm').hover();
    await sp.screenshot('issue12-3-header-sort');
  });

  test('no page errors', () => {
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
