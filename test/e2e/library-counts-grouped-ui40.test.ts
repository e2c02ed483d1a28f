import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { seed } from '../bench/seed-library';
import { useStudio } from '../helpers/studio';
import { libraryPage } from './library-page';

/**
 * Every count a button, menu, dialog or toast shows is grouped as the library's count is ("12,345 tracks", the
 * renderer's one fmtCount): with every row of a 12,345-row library selected, "Write tags (12345)…", "Selected rows
 * (12345)", "Add 12345 tracks to crate", the toast's "12345 tracks added. The crate holds 12345." and the crate bar's
 * "12345 tracks" were printed raw beside the filter bar's "12,345 selected · 12,345 tracks" (lead39's note). 12,345
 * analysed rows written into the engine's own database (test/bench/seed-library.ts) before `studio serve` starts; no
 * files exist behind them, so the background scan is off. Chromium's locale here is en-US (its grouping is ",").
 * Run: npm run build && node tools/run-tests.mjs test/e2e/library-counts-grouped-ui40.test.ts
 */
const N = 12_345;
const GROUPED = '12,345';

describe('library: counts in buttons, menus, dialogs and toasts are grouped as the library count is (ui40)', { timeout: 300_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-e2e-counts-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const studio = useStudio({ viewport: { width: 1280, height: 800 }, serve: { dataDir, env: { STUDIO_LIBRARY_BACKGROUND: '0' } }, prepare: () => seed(dataDir, N, join(dataDir, 'music')) });

  test('every row selected: Write tags, the export menu, its dialog, Add to crate, the toast and the crate bar say 12,345', async () => {
    const { sp } = studio;
    const { page } = sp;
    const lib = libraryPage(sp);
    await lib.show();
    await page.locator(`[data-testid=library-table][data-total="${N}"]`).waitFor({ timeout: 60_000 });
    // an analysed row (the seed fails every 997th), so the detail shows Write tags…
    await lib.rows.nth(1).click();
    await page.getByTestId('detail-write-tags').waitFor();
    await page.keyboard.press('Control+a');
    await page.getByTestId('library-count').filter({ hasText: `${GROUPED} selected` }).waitFor();

    const write = page.getByTestId('detail-write-tags');
    for (const [w, h] of [[1280, 800], [1024, 768]]) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForFunction((x) => (globalThis as unknown as { innerWidth: number }).innerWidth === x, w);
      await sp.frames(2);
      await sp.screenshot(`ui40-counts-write-tags-${w}x${h}`);
      assert.equal((await write.innerText()).trim(), `Write tags (${GROUPED})…`, `${w}×${h}: the Write tags button`);
    }

    // the export menu's scope
    await page.getByTestId('export-open').click();
    const scope = page.getByTestId('export-scope').locator('option[value=selection]');
    assert.equal((await scope.innerText()).trim(), `Selected rows (${GROUPED})`);
    await page.getByTestId('export-scope').selectOption('selection');
    await sp.screenshot('ui40-counts-export-menu-1024x768');
    await page.keyboard.press('Escape');

    // the Write tags dialog's heading
    await write.click();
    await page.getByTestId('tag-write-dialog').waitFor();
    assert.match(await page.getByTestId('tag-write-dialog').locator('h2').innerText(), new RegExp(`^Write BPM and key into the ${GROUPED} files' tags$`));
    await sp.screenshot('ui40-counts-tag-write-dialog-1024x768');
    await page.getByTestId('tag-write-cancel').click();
    await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });

    // Add to crate… of every row: its menu, a new crate, the toast, the crate's count and bar
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.waitForFunction(() => (globalThis as unknown as { innerWidth: number }).innerWidth === 1280);
    await lib.rows.nth(1).click({ button: 'right' });
    await page.getByTestId('crate-menu').waitFor();
    assert.equal((await page.getByTestId('crate-menu').locator('.title').innerText()).trim(), `Add ${GROUPED} tracks to crate`);
    await page.getByTestId('crate-menu-new').click();
    await page.getByTestId('crate-menu-name').fill('Everything');
    await sp.screenshot('ui40-counts-crate-menu-1280x800');
    const m = await sp.mark();
    await page.getByTestId('crate-menu-name').press('Enter');
    assert.equal(((await sp.waitForEvent('crate-tracks-added', { after: m })).detail as { added: number }).added, N);
    const toast = page.getByTestId('toast-notice').filter({ hasText: 'Added to “Everything”' });
    await toast.waitFor();
    assert.match(await toast.innerText(), new RegExp(`${GROUPED} tracks added\\. The crate holds ${GROUPED}\\.`));
    assert.equal((await page.getByTestId('crate-count').first().innerText()).trim(), GROUPED);
    await sp.screenshot('ui40-counts-crate-toast-1280x800');
    await page.getByTestId('crate-open').first().click();
    await page.getByTestId('crate-bar').waitFor();
    await page.locator(`[data-testid=library-table][data-total="${N}"]`).waitFor();
    await lib.rows.first().waitFor();
    assert.match(await page.getByTestId('crate-bar-count').innerText(), new RegExp(`^${GROUPED} tracks · `));
    await sp.screenshot('ui40-counts-crate-bar-1280x800');
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
