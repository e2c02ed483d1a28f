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

  test('defect 12 (part): a key the engine cannot read is a typing hint by the key box; key names keep their case in headings', async () => {
    const { page } = sp;
    let m = await sp.mark();
    await page.getByTestId('filter-key').fill('H minor');
    await page.getByTestId('filter-key').press('Enter');
    await sp.waitForEvent(['library-filter-problem', 'library-error'], { after: m });
    await page.getByTestId('filter-problem').waitFor();
    assert.match(await page.getByTestId('filter-problem').innerText(), /not a key/);
    assert.equal(await page.getByTestId('library-error').count(), 0, 'not "Could not read the library"');
    await sp.screenshot('issue12-12-key-hint');
    m = await sp.mark();
    await page.getByTestId('filter-key').fill('');
    await page.getByTestId('filter-key').press('Enter');
    await lib.waitForTotal(5);
    assert.equal(await page.getByTestId('filter-problem').count(), 0, 'the hint goes with the typo');
    m = await sp.mark();
    await page.locator('[data-testid=library-row]', { hasText: 'Alpha Drive' }).click();
    await sp.waitForEvent('library-detail', { after: m });
    const caption = await page.getByTestId('plot-caption-keys').innerText();
    assert.match(caption, /A minor/, `the key as written, not in capitals: ${caption}`);
    await sp.screenshot('issue12-12-key-caption');
  });

  test('no page errors', () => {
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
