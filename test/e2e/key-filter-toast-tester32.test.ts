// Library: a key the engine cannot read ("H#m"), typed while rows are selected, is a hint by the key box only
// (tester32). The selection's narrowing asked the engine for the rows the filter shows, was refused, and put up an
// error toast "Could not select the rows — "H#m" is not a key…" beside the same words under the filters: the user
// had selected nothing, only typed.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/e2e/key-filter-toast-tester32.test.ts
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { scannedLibrary, type libraryPage } from './library-page';
import { useStudio } from '../helpers/studio';

describe('library: a key the engine cannot read is a hint, not an error toast', { timeout: 300_000 }, () => {
  let lib: ReturnType<typeof libraryPage>;
  const studio = useStudio({ viewport: { width: 1440, height: 900 } });
  before(async () => {
    ({ lib } = await scannedLibrary(studio.sp, 'e2e-key-filter-toast-tester32'));
  });

  test('select two rows, type the key "H#m": the key box says so, no toast; the hidden rows leave the selection', async () => {
    const { page } = studio.sp;
    await lib.rows.nth(0).click();
    await lib.rows.nth(1).click({ modifiers: ['Shift'] });
    await page.locator('[data-testid=library-count]', { hasText: '2 selected · 5 tracks' }).waitFor();
    const m = await studio.sp.mark();
    await page.getByTestId('filter-key').fill('H#m');
    await page.getByTestId('filter-key').press('Enter');
    await page.getByTestId('filter-problem').waitFor();
    assert.match(await page.getByTestId('filter-problem').innerText(), /"H#m" is not a key/);
    // the narrowing's answer (the ids of the rows shown) has come: no row is shown, none stays selected
    const narrowed = await studio.sp.waitForEvent('library-selection-narrowed', { after: m });
    assert.deepEqual(narrowed.detail, { count: 0 });
    assert.deepEqual(await page.locator('[data-testid=toast-error]').allInnerTexts(), [], 'the key box says it; no toast');
    await studio.sp.screenshot('tester32-key-filter-no-toast');
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
