import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { libraryPage } from './library-page';

/**
 * A folder's "Remove…" with the keyboard only (tester21). The confirmation replaces the button, and the focus fell
 * to <body>: Enter on "Remove…" left nothing focused (a screen reader heard nothing of the question), "Keep" did the
 * same, and Escape did not cancel. Now "Keep" (the safe answer) takes the focus with the question as its description;
 * Keep and Escape bring the focus back to "Remove…"; Remove moves it to "Add folder…".
 * Run: npm run build && node --import tsx --test test/e2e/folder-remove-keyboard.test.ts
 */
describe('library folders: Remove… by keyboard', { timeout: 300_000 }, () => {
  const dir = join(OUTPUT, 'e2e-folder-remove-kb');
  const studio = useStudio({
    prepare: () => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    },
  });
  const focused = () =>
    studio.sp.page.evaluate(() => {
      const d = (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null; tagName: string } | null; getElementById(id: string): { textContent: string } | null } }).document;
      const e = d.activeElement;
      const desc = e?.getAttribute('aria-describedby');
      return { id: e?.getAttribute('data-testid') ?? e?.tagName ?? null, desc: desc ? (d.getElementById(desc)?.textContent ?? null) : null };
    });

  test('Enter focuses Keep (the question read with it); Escape and Keep return to Remove…; Remove goes to Add folder…', async () => {
    const { sp } = studio;
    const page = sp.page;
    const lib = libraryPage(sp);
    await lib.show();
    const ev = await lib.addFolder(dir);
    assert.equal(ev.name, 'library-folder-added', JSON.stringify(ev.detail));
    const remove = page.locator(`[data-testid=library-folder][data-path="${dir}"] [data-testid=folder-remove]`);
    await remove.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('folder-remove-confirm').waitFor();
    assert.deepEqual(await focused(), { id: 'folder-remove-keep', desc: 'Remove from the library? Files are not touched.' });
    await sp.screenshot('folder-remove-keyboard');
    await page.keyboard.press('Escape');
    await remove.waitFor();
    assert.equal((await focused()).id, 'folder-remove', 'Escape cancels, the focus back on Remove…');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter'); // Keep: Enter twice does not remove
    await remove.waitFor();
    assert.equal((await focused()).id, 'folder-remove', 'Keep returns the focus to Remove…');
    assert.equal(await page.locator(`[data-testid=library-folder][data-path="${dir}"]`).count(), 1);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused()).id, 'folder-remove-confirm');
    const m = await sp.mark();
    await page.keyboard.press('Enter');
    await sp.waitForEvent('library-folder-removed', { after: m });
    await page.locator(`[data-testid=library-folder][data-path="${dir}"]`).waitFor({ state: 'detached' });
    assert.equal((await focused()).id, 'library-add-folder', 'the folder gone, the focus on Add folder…');
    assert.deepEqual(sp.problems, []);
  });
});
