// Library: keys act on what has focus (tester16). With Tab on a column's sort button, Enter opened the row under
// the table's cursor (the whole library view went away to the track view) instead of sorting by that column, Space
// started a preview of that row, and ArrowDown moved the row cursor. The header's button now takes Enter and Space
// (it sorts), the arrows leave the rows alone; on the table itself the keys work as before.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/e2e/library-header-keys.test.ts
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { scannedLibrary, type libraryPage } from './library-page';
import { useStudio } from '../helpers/studio';

describe('library: keys on a sort header act on the header, not on the row cursor', { timeout: 300_000 }, () => {
  let lib: ReturnType<typeof libraryPage>;
  const studio = useStudio({ viewport: { width: 1440, height: 900 } });
  before(async () => {
    ({ lib } = await scannedLibrary(studio.sp, 'e2e-library-header-keys'));
  });

  /** the data-testid of what has the keyboard focus */
  const active = () => studio.sp.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') ?? null);

  test('Enter and Space on a sort button sort by that column; ArrowDown there leaves the cursor; on the table they still move and open', async () => {
    const { page } = studio.sp;
    // the cursor row's index (null when no row has it: a sort may leave it off the rows)
    const cursor = () =>
      page.evaluate(() => (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document.querySelector('[data-testid=library-row].cursor')?.getAttribute('data-index') ?? null);
    const sortOf = (col: string) => page.locator(`[data-col-head=${col}]`).getAttribute('aria-sort');
    // a row under the cursor (an analysed one: Enter on the table would open it)
    await page.locator('[data-testid=library-row][data-status=analysed]').first().click();
    const at = await cursor();
    assert.ok(at !== null, 'a row has the cursor');

    const before = await sortOf('artist');
    const m = await studio.sp.mark();
    await page.getByTestId('sort-artist').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      ([b]) => (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document.querySelector('[data-col-head=artist]')?.getAttribute('aria-sort') !== b,
      [before],
      { timeout: 10_000 },
    ).catch(() => undefined);
    assert.notEqual(await sortOf('artist'), before, 'Enter on the Artist sort button sorts by artist');
    assert.equal(await page.getByTestId('library-view').isVisible(), true, 'the library stays shown: Enter did not open the cursor row');

    await page.getByTestId('sort-title').focus();
    const titleBefore = await sortOf('title');
    await page.keyboard.press(' ');
    await page.waitForFunction(
      ([b]) => (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document.querySelector('[data-col-head=title]')?.getAttribute('aria-sort') !== b,
      [titleBefore],
      { timeout: 10_000 },
    ).catch(() => undefined);
    assert.notEqual(await sortOf('title'), titleBefore, 'Space on the Title sort button sorts by title');
    assert.equal(await page.locator('[data-testid=library-row][data-previewing=true]').count(), 0, 'Space did not start a preview of the cursor row');

    // ArrowDown on a sort button goes back down to the rows (the grid pattern, ui35), the cursor where it was
    const atSorted = await cursor();
    await page.keyboard.press('ArrowDown');
    await studio.sp.frames(3);
    assert.equal(await cursor(), atSorted, 'ArrowDown on a sort button leaves the row cursor where it was');
    assert.equal(await active(), 'library-table', 'ArrowDown on a sort button goes down to the rows');
    await studio.sp.screenshot('tester16-library-header-keys');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual((await studio.sp.events()).filter((e) => e.seq > m && (e.name === 'track-opened' || e.name === 'error-shown')), [], 'no row was opened');

    // on the table itself the same keys still act on the rows
    await lib.table.focus();
    await page.keyboard.press('Home');
    await page.locator('[data-testid=library-row][data-index="0"].cursor').waitFor();
    await page.keyboard.press('ArrowDown');
    await page.locator('[data-testid=library-row][data-index="1"].cursor').waitFor();
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });

  // ui35: the table took the focus, then Tab went through its twelve sort buttons before the next control (they sat
  // inside the focusable grid). The WAI-ARIA grid pattern: one Tab stop; the headers are reached inside it by ↑ from
  // the first row, ←/→ along them, Enter/Space sorts, ↓ back down to the rows.
  test('the grid is one Tab stop: Tab leaves it at once; ↑ from the first row reaches the headers, →, Enter sorts, ↓ back to the rows', async () => {
    const { page } = studio.sp;
    const sortOf = (col: string) => page.locator(`[data-col-head=${col}]`).getAttribute('aria-sort');
    await lib.table.focus();
    await page.keyboard.press('Home');
    await page.locator('[data-testid=library-row][data-index="0"].cursor').waitFor();
    await page.keyboard.press('Tab');
    const next = await active();
    assert.ok(!next?.startsWith('sort-'), `Tab from the table goes past its headers (it went to ${next})`);
    assert.equal(await page.evaluate(() => !!(globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document.activeElement?.closest('[data-testid=library-table]')), false, 'Tab left the grid');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await active(), 'library-table', 'Shift+Tab comes back to the grid');
    // ↑ on the first row: the first column's header
    const heads = await page.locator('[data-col-head]').evaluateAll((els) => els.map((e) => e.getAttribute('data-col-head')));
    await page.keyboard.press('ArrowUp');
    assert.equal(await active(), `sort-${heads[0]}`, '↑ on the first row reaches the first header');
    assert.equal(await page.locator('[data-testid=library-row][data-index="0"].cursor').count(), 1, 'the cursor stays on the first row');
    await page.keyboard.press('ArrowRight');
    assert.equal(await active(), `sort-${heads[1]}`, '→ moves to the next header');
    await page.keyboard.press('End');
    assert.equal(await active(), `sort-${heads[heads.length - 1]}`, 'End: the last header');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    const col = heads[1]!;
    const was = await sortOf(col);
    await page.keyboard.press('Enter');
    await page.locator(`[data-col-head=${col}][aria-sort=${was === 'ascending' ? 'descending' : 'ascending'}]`).waitFor({ timeout: 10_000 });
    assert.equal(await active(), `sort-${col}`, 'the header keeps the focus after sorting');
    // a screen reader hears the sort on the sorted column's header alone (APG: aria-sort on one header at a time; every
    // other header said "not sorted" too)
    assert.deepEqual(await page.locator('[role=columnheader][aria-sort]').evaluateAll((els) => els.map((e) => e.getAttribute('data-col-head'))), [col]);
    await studio.sp.screenshot('ui35-library-header-focus');
    await page.keyboard.press('ArrowDown');
    assert.equal(await active(), 'library-table', '↓ back down to the rows');
    // ↑ again: the header used last
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowUp');
    assert.equal(await active(), `sort-${col}`, '↑ goes back to the header used last');
    await page.keyboard.press('Escape');
    assert.equal(await active(), 'library-table', 'Esc on a header: back to the rows');
    assert.equal(await page.getByTestId('library-table').getAttribute('aria-describedby'), 'library-grid-keys');
    assert.match(await page.locator('#library-grid-keys').innerText(), /column headers/);
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });

  test('a header sort keeps the row cursor on the same track, as a file manager does; ↓ then goes to the row after it (ui36)', async () => {
    // before: a sort cleared the cursor, and the first ↓ (or ↑) went to row 0, wherever the track had gone
    const { page } = studio.sp;
    const cursorRow = page.locator('[data-testid=library-row].cursor');
    await page.locator('[data-testid=library-row]', { hasText: 'Beta Slow' }).click();
    await cursorRow.filter({ hasText: 'Beta Slow' }).waitFor();
    const seen: number[] = [];
    for (const dir of ['ascending', 'descending']) {
      // sort by title in this direction (a click on the header flips it)
      for (let k = 0; k < 2 && (await page.locator('[data-col-head=title]').getAttribute('aria-sort')) !== dir; k++) {
        const m = await studio.sp.mark();
        await page.getByTestId('sort-title').click();
        await studio.sp.waitForEvent('library-sorted', { after: m });
      }
      assert.equal(await page.locator('[data-col-head=title]').getAttribute('aria-sort'), dir);
      await cursorRow.filter({ hasText: 'Beta Slow' }).waitFor({ timeout: 10_000 }).catch(() => undefined);
      assert.equal(await cursorRow.count(), 1, `sorted ${dir}: a row has the cursor`);
      assert.match(await cursorRow.innerText(), /Beta Slow/, `sorted ${dir}: the cursor is still on Beta Slow`);
      seen.push(Number(await cursorRow.getAttribute('data-index')));
    }
    assert.notEqual(seen[0], seen[1], `Beta Slow moved with the sort (${seen.join(' → ')})`);
    const next = await page.locator(`[data-testid=library-row][data-index="${seen[1] + 1}"]`).innerText();
    await lib.table.focus();
    await page.keyboard.press('ArrowDown');
    await page.locator(`[data-testid=library-row][data-index="${seen[1] + 1}"].cursor`).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('[data-testid=library-row][aria-selected=true]').innerText(), next, '↓ selected the row after Beta Slow');
    await studio.sp.screenshot('ui36-sort-keeps-cursor');
  });
});
