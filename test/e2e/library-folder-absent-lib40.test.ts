// Library: the rows of a library folder that is not there (a USB drive unplugged) are kept, and now look it (lib40):
// muted, a ⊘ mark before the title whose tooltip names the absent folder, "missing" in the Status column — as Mixxx and
// rekordbox mark a missing track. Opening one (double click, Enter), previewing it (Space) or asking about it says why
// it cannot play, naming the folder. Before, the rows looked like any other and opening one failed with '"x.mp3" does
// not exist', the drive unnamed. The folder is taken away with `mv` (a drive unmounted: its path is gone) and found
// missing by its Rescan (`studio serve` with no folder watcher, STUDIO_LIBRARY_BACKGROUND=0); put back, its Rescan
// clears the marks. Needs `npm run build`. Run: node tools/run-tests.mjs test/e2e/library-folder-absent-lib40.test.ts
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { describe, test } from 'node:test';
import { scannedLibrary } from './library-page';
import { useStudio } from '../helpers/studio';

describe('library: the rows of a library folder that is not there are marked missing', { timeout: 300_000 }, () => {
  const studio = useStudio({ viewport: { width: 1440, height: 900 }, serve: { env: { STUDIO_LIBRARY_BACKGROUND: '0' } } });

  test('unplugged and rescanned: every row muted and marked, opening or previewing one names the folder; back: the marks go', async () => {
    const { sp } = studio;
    const { page } = sp;
    const { dir, lib } = await scannedLibrary(sp, 'e2e-library-folder-absent-lib40');
    const rows = page.getByTestId('library-row');
    const absentRows = page.locator('[data-testid=library-row][data-absent=missing]');
    assert.equal(await absentRows.count(), 0, 'no row is marked while the folder is there');
    assert.equal(await page.getByTestId('row-absent').count(), 0);
    const ids = async () => (await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-id')))).sort();
    const before = await ids();
    assert.equal(before.length, 5);

    const away = `${dir}-unplugged`;
    renameSync(dir, away);
    try {
      await page.locator(`[data-testid=library-folder][data-path="${dir}"] [data-testid=folder-rescan]`).click();
      await page.locator('[data-testid=scan-progress][data-state=finished]').waitFor();
      // the scan bar says why nothing was scanned, naming the folder, in place of "0 / 0" (scan40: it read
      // "Scan finished 0 / 0" and only the ⚠ toggle's "1 not there (library folders: …)")
      assert.equal(
        (await page.getByTestId('scan-nothing').innerText()).trim(),
        `Nothing scanned: the library folder "${dir}" is not there (an unplugged drive, moved or deleted?); its tracks are kept.`,
      );
      assert.equal(await page.getByTestId('scan-counts').count(), 0, 'no "0 / 0"');
      // the table reads its rows again when the folder's status changes (library:changed): all five marked
      await absentRows.nth(4).waitFor();
      assert.equal(await absentRows.count(), 5);
      assert.deepEqual(await ids(), before, 'the same rows, kept');
      const mark = rows.first().getByTestId('row-absent');
      const tip = (await mark.getAttribute('title')) ?? '';
      assert.ok(tip.includes(`Its library folder "${dir}" is missing`) && /plug the drive in/.test(tip), tip);
      assert.equal((await rows.first().locator('[data-col=status]').innerText()).trim(), 'missing');
      // muted: the row's cells drawn fainter than a row of a folder that is there
      const opacity = await rows.first().locator('[data-col=artist]').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(el).opacity);
      assert.ok(Number(opacity) < 1, `muted (opacity ${opacity})`);
      await mark.hover();
      await sp.screenshot('library-folder-absent-lib40');

      // double click: not opened (the library stays), a warning naming the folder
      const title = await rows.first().locator('[data-col=title]').innerText();
      const m = await sp.mark();
      await rows.first().dblclick();
      await sp.waitForEvent('library-absent-refused', { after: m });
      const warned = (await sp.toastTexts('warning')).join('\n');
      assert.ok(warned.includes('Cannot open this track') && warned.includes(`"${dir}" is missing`), `${title}: ${warned}`);
      assert.ok(await lib.view.isVisible(), 'still in the library: the track view was not opened');
      // Space (the quick preview): the same words, and nothing plays
      const m2 = await sp.mark();
      await page.keyboard.press(' ');
      await sp.waitForEvent('library-absent-refused', { after: m2 });
      assert.ok((await sp.toastTexts('warning')).join('\n').includes('Cannot preview this track'));
      assert.equal(await page.locator('[data-testid=library-row][data-previewing=true]').count(), 0, 'no preview playing');
    } finally {
      renameSync(away, dir);
    }

    // plugged in again: its Rescan clears every mark, the same rows
    await page.locator(`[data-testid=library-folder][data-path="${dir}"] [data-testid=folder-rescan]`).click();
    await page.locator('[data-testid=scan-progress][data-state=finished]').waitFor();
    assert.equal(await page.getByTestId('scan-nothing').count(), 0, 'scanned again: no "Nothing scanned"');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid=library-row][data-absent]').length === 0);
    await lib.waitForTotal(5);
    assert.deepEqual(await ids(), before);
    assert.equal(await page.getByTestId('row-absent').count(), 0);
  });
});
