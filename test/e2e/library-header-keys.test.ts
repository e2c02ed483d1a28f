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

    const atSorted = await cursor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await studio.sp.frames(3);
    assert.equal(await cursor(), atSorted, 'ArrowDown on a sort button leaves the row cursor where it was');
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
});
