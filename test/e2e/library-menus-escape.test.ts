import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useStudio } from '../helpers/studio';
import { libraryPage } from './library-page';

/**
 * The library bar's View ▾ and Export ▾ menus, keyboard only (tester21): Escape on a setting inside View ▾ (the BPM
 * range, key spelling, a column box) or its Done button closed the menu and left the focus on <body>, so the next
 * Tab started again at the top of the page. Now the focus goes back to the menu's own button.
 * Run: npm run build && node --import tsx --test test/e2e/library-menus-escape.test.ts
 */
describe('library menus: closing returns the focus to the menu button', { timeout: 120_000 }, () => {
  const studio = useStudio();
  const focused = () =>
    studio.sp.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null; tagName: string } | null } }).document.activeElement?.getAttribute('data-testid') ?? 'BODY');

  test('View ▾: Escape on a setting and Done return to View ▾; Export ▾: Escape returns to Export ▾', async () => {
    const { sp } = studio;
    const page = sp.page;
    await libraryPage(sp).show();
    const view = page.getByTestId('columns-open');
    await view.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('columns-chooser').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'bpm-range');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'key-spelling');
    await page.keyboard.press('Escape');
    await page.getByTestId('columns-chooser').waitFor({ state: 'detached' });
    assert.equal(await focused(), 'columns-open', 'Escape: back on View ▾');
    await page.keyboard.press('Enter');
    await page.getByTestId('column-artist').focus();
    await page.keyboard.press('Escape');
    assert.equal(await focused(), 'columns-open', 'Escape on a column box: back on View ▾');
    await page.keyboard.press('Enter');
    await page.getByTestId('columns-done').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('columns-chooser').waitFor({ state: 'detached' });
    assert.equal(await focused(), 'columns-open', 'Done: back on View ▾');
    await page.getByTestId('export-open').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'export-scope');
    await page.keyboard.press('Escape');
    await page.getByTestId('export-menu').waitFor({ state: 'detached' });
    assert.equal(await focused(), 'export-open', 'Escape: back on Export ▾');
    assert.deepEqual(sp.problems, []);
  });
});
