// Library: a shift-click range starts at the row last clicked, wherever a sort or a filter moved it (tester32). The
// start was kept as an index: after a sort, shift-click ranged from whatever row took the clicked row's old place
// (click "One", sort by title, shift-click the row above it: three rows selected, "One" among them by chance); after
// a filter it was dropped, so shift-click selected the clicked row alone — the rows the filter had kept selected went.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/e2e/library-range-anchor-tester32.test.ts
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { scannedLibrary, type libraryPage } from './library-page';
import { useStudio } from '../helpers/studio';

describe('library: shift-click ranges from the row last clicked after a sort or a filter', { timeout: 300_000 }, () => {
  let lib: ReturnType<typeof libraryPage>;
  const studio = useStudio({ viewport: { width: 1440, height: 900 } });
  const selected = () => studio.sp.page.locator('[data-testid=library-row][aria-selected=true] [data-col=title]').allInnerTexts();
  /** sort by title (one click: ascending, two: descending) and wait for its rows */
  async function sortByTitle(dir: 'asc' | 'desc') {
    const { page } = studio.sp;
    const m = await studio.sp.mark();
    await page.getByTestId('sort-title').click();
    // the page in the new order: a page the library asked for before the click (the scan's last refresh, in the old
    // order) may come after the mark under load (ci70: 'artist:asc')
    await lib.waitForDetail('library-page', { sort: `title:${dir}` }, m);
    await lib.waitForTotal(5);
  }
  before(async () => {
    ({ lib } = await scannedLibrary(studio.sp, 'e2e-range-anchor-tester32'));
    await sortByTitle('asc');
    // (the failed file, no title, sorts last either way)
    assert.deepEqual(await lib.column('title'), ['Alpha Drive', 'Beta Slow', 'Delta Walk', 'Gamma Rush', 'Broken track.mp3']);
  });

  test('click Alpha, shift-click Beta, filter BPM ≥ 95 (Alpha stays selected), shift-click Gamma: Alpha through Gamma', async () => {
    const { page } = studio.sp;
    const rows = lib.rows;
    await rows.nth(0).click();
    await rows.nth(1).click({ modifiers: ['Shift'] });
    await page.locator('[data-testid=library-count]', { hasText: '2 selected · 5 tracks' }).waitFor();
    const m = await studio.sp.mark();
    await page.getByTestId('filter-bpm-min').fill('95');
    await page.getByTestId('filter-bpm-min').press('Enter');
    await lib.waitForTotal(3);
    await studio.sp.waitForEvent('library-selection-narrowed', { after: m });
    assert.deepEqual(await lib.column('title'), ['Alpha Drive', 'Delta Walk', 'Gamma Rush']);
    assert.deepEqual(await selected(), ['Alpha Drive']);
    await rows.nth(2).click({ modifiers: ['Shift'] });
    await page.locator('[data-testid=library-count]', { hasText: 'selected' }).waitFor({ timeout: 5000 }).catch(() => undefined);
    assert.deepEqual(await selected(), ['Alpha Drive', 'Delta Walk', 'Gamma Rush'], 'the range starts at Alpha, still shown');
    assert.equal((await page.getByTestId('library-count').innerText()).trim(), '3 selected · 3 tracks');
    await studio.sp.screenshot('tester32-range-after-filter');
  });

  test('click Alpha, sort by title descending (Alpha moves down), shift-click Beta, the row above it: Beta and Alpha', async () => {
    const { page } = studio.sp;
    await page.getByTestId('filter-clear').click();
    await lib.waitForTotal(5);
    await lib.rows.nth(0).click();
    assert.deepEqual(await selected(), ['Alpha Drive']);
    await sortByTitle('desc');
    const order = await lib.column('title');
    assert.deepEqual(order.slice(0, 4), ['Gamma Rush', 'Delta Walk', 'Beta Slow', 'Alpha Drive']);
    await lib.rows.nth(2).click({ modifiers: ['Shift'] });
    await page.locator('[data-testid=library-count]', { hasText: 'selected' }).waitFor({ timeout: 5000 }).catch(() => undefined);
    assert.deepEqual(await selected(), ['Beta Slow', 'Alpha Drive'], 'the range starts at Alpha, wherever the sort moved it');
    await studio.sp.screenshot('tester32-range-after-sort');
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
