import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { OUTPUT, toneFile } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { copyScannedRows, libraryPage, type Doc } from './library-page';

/**
 * Issue 12, defect 5 (the library part): after a reload the library comes
 * back with its filter typed in, its rows filtered, and scrolled where it
 * was — at 1280×720 (a short table) and 1440×900.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/library-restore-issue12.test.ts
 */
describe('library filter and scroll survive a reload (issue 12, defect 5)', { timeout: 300_000 }, () => {
  const studio = useStudio({ viewport: { width: 1280, height: 720 } });
  let lib: ReturnType<typeof libraryPage>;
  const KEEP = 36;

  before(async () => {
    // 36 tracks the filter keeps and 6 it drops, told apart by their titles: three copies of one short tone scanned
    // through "Add folder…" (each its own title, a remux with ffmpeg: one run with an output per copy), then their
    // analysed rows copied in the library database up to 42 under paths no file has (copyScannedRows, as
    // library-range-ids does; a reload shows them). What this file tests is the filter and scroll after a reload: the
    // 42 rows used to be 42 files scanned (~25 s of CI's setup, 120 s and more on a loaded machine), the scan of many
    // files is library-walking's, browser-big-folder's and the integration library tests'.
    const dir = join(OUTPUT, 'e2e-library-restore', 'Crate');
    rmSync(join(OUTPUT, 'e2e-library-restore'), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tone = toneFile('e2e-tone-3s.mp3', 3);
    const title = (i: number) => (i < KEEP ? `Keep ${String(i + 1).padStart(2, '0')}` : `Drop ${i - KEEP + 1}`);
    const scanned = [0, 1, KEEP].map(title); // Keep 01, Keep 02, Drop 1: the copies take rows[i % 3]'s analysis
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', tone, ...scanned.flatMap((name) => ['-map', '0', '-c', 'copy', '-metadata', `title=${name}`, join(dir, `${name}.mp3`)])]);
    lib = libraryPage(studio.sp);
    await lib.show();
    const ev = await lib.addFolder(dir);
    assert.equal(ev.name, 'library-folder-added', JSON.stringify(ev.detail));
    await studio.sp.page.locator('[data-testid=scan-progress][data-state=finished]').waitFor({ timeout: 120_000 });
    await total(3);
    const others = Array.from({ length: KEEP + 6 }, (_, i) => i).filter((i) => !scanned.includes(title(i)));
    copyScannedRows(studio.serve.dataDir, dir, KEEP + 6, 2, (i) => title(others[i - 3]));
    await studio.sp.page.reload();
    await studio.sp.waitForEvent('app-ready', { after: 0 });
    if (!(await lib.view.isVisible())) await lib.show();
    await total(KEEP + 6);
  });

  /** the table holds `n` rows (it draws only those near the view) */
  const total = (n: number) => studio.sp.page.locator(`[data-testid=library-table][data-total="${n}"]`).waitFor();

  async function reload(): Promise<Record<string, unknown>> {
    const { sp } = studio;
    await sp.page.reload();
    await sp.waitForEvent('app-ready', { after: 0 });
    return (await sp.waitForEvent('session-restored', { after: 0 })).detail as Record<string, unknown>;
  }
  const scrollTop = () => studio.sp.page.locator('[data-keep-scroll=library]').evaluate((el) => (el as unknown as { scrollTop: number }).scrollTop);

  for (const vp of [{ width: 1280, height: 720 }, { width: 1440, height: 900 }]) {
    test(`at ${vp.width}×${vp.height}: the text filter, the filtered rows and the scroll position come back`, async () => {
      const { sp } = studio;
      const { page } = sp;
      await page.setViewportSize(vp);
      let m = await sp.mark();
      await page.getByTestId('filter-text').fill('Keep');
      await page.getByTestId('filter-text').press('Enter');
      await sp.waitForEvent('library-page', { after: m });
      await total(KEEP);
      // scroll the table down with the wheel, as a person would
      // (resolves once its smooth scroll has ended)
      const before = await sp.wheelScroll('[data-keep-scroll=library]', 400);
      assert.ok(before > 150, `scrolled down: ${before}`);
      assert.equal(await scrollTop(), before);
      const firstBefore = await page.locator('[data-testid=library-row]').evaluateAll((rows) => {
        const list = rows as unknown as Array<{ getBoundingClientRect(): { top: number } ; innerText: string }>;
        const table = (globalThis as unknown as Doc).document.querySelector('[data-keep-scroll=library]') as unknown as { getBoundingClientRect(): { top: number } };
        const top = table.getBoundingClientRect().top;
        return list.find((r) => r.getBoundingClientRect().top >= top + 20)?.innerText.split('\n')[0] ?? '';
      });
      await sp.screenshot(`issue12-5-library-scrolled-${vp.width}`);

      const restored = await reload();
      assert.equal(restored.view, 'library', JSON.stringify(restored));
      assert.equal(await page.getByTestId('filter-text').inputValue(), 'Keep', 'the filter text is back in its box');
      await total(KEEP);
      const names = await page.locator('[data-testid=library-row]').allInnerTexts();
      assert.ok(names.every((t) => !/Drop \d/.test(t)), 'the dropped rows stay filtered out');
      const after = await scrollTop();
      assert.ok(Math.abs(after - before) <= 2, `scrolled to ${after}, was ${before} (${JSON.stringify(restored)})`);
      const firstAfter = await page.locator('[data-testid=library-row]').evaluateAll((rows) => {
        const list = rows as unknown as Array<{ getBoundingClientRect(): { top: number }; innerText: string }>;
        const table = (globalThis as unknown as Doc).document.querySelector('[data-keep-scroll=library]') as unknown as { getBoundingClientRect(): { top: number } };
        const top = table.getBoundingClientRect().top;
        return list.find((r) => r.getBoundingClientRect().top >= top + 20)?.innerText.split('\n')[0] ?? '';
      });
      assert.match(firstBefore, /^Keep \d\d$/, `a row scrolled into view: ${firstBefore}`);
      assert.notEqual(firstBefore, 'Keep 01', 'scrolled away from the first row');
      assert.equal(firstAfter, firstBefore, 'the same rows in view');
      await sp.screenshot(`issue12-5-library-restored-${vp.width}`);
      // back to the unfiltered library for the next size
      m = await sp.mark();
      await page.getByTestId('filter-clear').click();
      await sp.waitForEvent('library-page', { after: m });
      await total(KEEP + 6);
      await page.locator('[data-keep-scroll=library]').evaluate((el) => ((el as unknown as { scrollTop: number }).scrollTop = 0));
    });
  }

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
