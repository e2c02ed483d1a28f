import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { seed } from '../bench/seed-library';
import { useStudio } from '../helpers/studio';
import { libraryPage } from './library-page';

/**
 * The filter bar of a real-sized library stays one line with a selection (tester39): at 1280 px "12,345 tracks ·
 * 12 selected" pushed Export ▾ onto a second line (the bar 66 px high); the count now takes the bar's free space and
 * is cut with "…" when it has to be, whole in its tooltip. 12,345 analysed rows written into the engine's own
 * database (test/bench/seed-library.ts) before `studio serve` starts.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/library-count-fits-lead39.test.ts
 */
const N = 12_345;

describe('library: the count of a big library with a selection keeps the filter bar on one line (tester39)', { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-e2e-count-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  // below the data folder, inside web mode's default roots (studio serve shows rows below its roots only); no files
  // exist behind the rows, so the background scan is off
  const studio = useStudio({ viewport: { width: 1280, height: 800 }, serve: { dataDir, env: { STUDIO_LIBRARY_BACKGROUND: '0' } }, prepare: () => seed(dataDir, N, join(dataDir, 'music')) });

  test('12 selected, then every row, at 1280×800 and 1024×768: one line; at 1440×900 the count is whole', async () => {
    const { sp } = studio;
    const { page } = sp;
    const lib = libraryPage(sp);
    await lib.show();
    await page.locator(`[data-testid=library-table][data-total="${N}"]`).waitFor({ timeout: 60_000 });
    await lib.rows.first().waitFor();
    const bar = () =>
      page.getByTestId('library-filters').evaluate((el) => {
        const e = el as unknown as { getBoundingClientRect(): { height: number }; children: ArrayLike<{ getBoundingClientRect(): { top: number; height: number } }>; querySelector(s: string): { scrollWidth: number; clientWidth: number; title: string; textContent: string } };
        const tops = Array.from(e.children).map((c) => c.getBoundingClientRect()).filter((r) => r.height > 0).map((r) => Math.round(r.top));
        const count = e.querySelector('[data-testid=library-count]');
        return { height: e.getBoundingClientRect().height, spread: Math.max(...tops) - Math.min(...tops), cut: count.scrollWidth > count.clientWidth + 1, title: count.title, text: count.textContent };
      });
    const rows = page.locator('[data-testid=library-row]');
    await rows.nth(0).click();
    await rows.nth(11).click({ modifiers: ['Shift'] });
    await page.getByTestId('library-count').filter({ hasText: /12 selected/ }).waitFor();
    for (const [w, h] of [[1280, 800], [1024, 768], [1440, 900]]) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForFunction((x) => (globalThis as unknown as { innerWidth: number }).innerWidth === x, w);
      await sp.frames(2);
      const b = await bar();
      await sp.screenshot(`lead39-count-12-selected-${w}x${h}`);
      assert.ok(b.height <= 40 && b.spread <= 8, `${w}: 12 selected — the bar ${b.height} px high, its controls' tops ${b.spread} px apart`);
      assert.match(b.title, w < 1200 ? /^12 of 12,345 selected$/ : /^12 selected · 12,345 tracks$/, `${w}: the whole count in the tooltip`);
      if (w === 1440) assert.ok(!b.cut, `1440: the count is whole (${b.text})`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await sp.frames(2);
    await page.keyboard.press('Control+a');
    await page.getByTestId('library-count').filter({ hasText: /12,345 selected/ }).waitFor();
    const all = await bar();
    await sp.screenshot('lead39-count-all-selected-1280x800');
    assert.ok(all.height <= 40 && all.spread <= 8, `every row selected: the bar ${all.height} px high, tops ${all.spread} px apart`);
    assert.equal(all.title, '12,345 selected · 12,345 tracks');
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
