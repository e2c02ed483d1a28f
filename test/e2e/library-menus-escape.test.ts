import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toneFile } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { libraryPage } from './library-page';

/**
 * The library bar's View ▾ and Export ▾ menus, keyboard only (tester21): Escape on a setting inside View ▾ (the BPM
 * range, key spelling, a column box) or its Done button closed the menu and left the focus on <body>, so the next
 * Tab started again at the top of the page. Now the focus goes back to the menu's own button.
 * Run: npm run build && node --import tsx --test test/e2e/library-menus-escape.test.ts
 */
describe('library menus: closing returns the focus to the menu button', { timeout: 300_000 }, () => {
  let tone = '';
  const studio = useStudio({ prepare: () => void (tone = toneFile('recent-menu-tab.mp3', 2)) });
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

  test('Recent ▾ (left16): Tab out of it closes it, as View ▾ and Export ▾ close; Escape inside returns to Recent ▾', async () => {
    const { sp } = studio;
    const page = sp.page;
    const opened = await sp.openThroughBrowser(tone);
    assert.equal(opened.name, 'track-opened');
    const recent = page.getByTestId('recent');
    const menu = page.getByTestId('recent-menu');
    await recent.focus();
    await page.keyboard.press('Enter');
    await menu.getByRole('menuitem').first().waitFor();
    // tester24: Svelte 5 drops the spaces at a tag's ends — the entry read "Test Tone— Resonance Tests"
    assert.equal(await menu.getByRole('menuitem').first().locator('.name').innerText(), 'Test Tone — Resonance Tests');
    const inside = () => page.evaluate(() => !!(globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document.activeElement?.closest('.recent'));
    // Tab through its items (the entry, its ✕, Clear recent files) and on out of it
    let tabs = 0;
    do {
      await page.keyboard.press('Tab');
      tabs++;
    } while ((await inside()) && tabs < 10);
    assert.ok(tabs >= 2 && tabs < 10, `the focus left Recent ▾ after ${tabs} Tabs`);
    await sp.frames(2);
    assert.equal(await menu.count(), 0, 'Tab out of Recent ▾ closed it (before: it stayed open)');
    assert.equal(await recent.getAttribute('aria-expanded'), 'false');
    // Escape on an item: closed, back on Recent ▾
    await recent.focus();
    await page.keyboard.press('Enter');
    await menu.getByRole('menuitem').first().waitFor();
    await page.keyboard.press('Tab');
    assert.ok(await inside());
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    assert.equal(await focused(), 'recent', 'Escape: back on Recent ▾');
    // Shift+Tab off the button while it is open closes it too
    await page.keyboard.press('Enter');
    await menu.getByRole('menuitem').first().waitFor();
    await page.keyboard.press('Shift+Tab');
    await sp.frames(2);
    assert.equal(await menu.count(), 0, 'Shift+Tab off Recent ▾ closed it');
    assert.deepEqual(sp.problems, []);
  });

  test('the keyboard shortcuts sheet separates a row\'s keys with " / " (tester24: read "↑/↓/PgUp/PgDn/Home/End")', async () => {
    const { page } = studio.sp;
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    const row = page.getByTestId('shortcuts').locator('tr', { hasText: 'move through the tracks' });
    assert.equal((await row.locator('td.keys').innerText()).trim(), '↑ / ↓ / PgUp / PgDn / Home / End');
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts').waitFor({ state: 'detached' });
  });
});
