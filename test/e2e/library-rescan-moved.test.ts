// Library: a Rescan after a file was renamed says in the scan bar how many files it followed as moved or renamed
// (rescan38). Before, the Rescan gave the renamed file a new row (its crates, cues and chat left behind) and the bar
// said nothing of it. `studio serve` with no folder watcher (STUDIO_LIBRARY_BACKGROUND=0), so the Rescan is what finds
// the rename; the file renamed with `mv`. Needs `npm run build`. Run: node tools/run-tests.mjs test/e2e/library-rescan-moved.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { scannedLibrary } from './library-page';
import { useStudio } from '../helpers/studio';

describe('library: a Rescan follows a renamed file', { timeout: 300_000 }, () => {
  const studio = useStudio({ viewport: { width: 1440, height: 900 }, serve: { env: { STUDIO_LIBRARY_BACKGROUND: '0' } } });

  test('the folder\'s Rescan after mv: "1 file followed as moved or renamed" under the counts, the renamed file\'s row kept', async () => {
    const { sp } = studio;
    const { page } = sp;
    const { dir, lib } = await scannedLibrary(sp, 'e2e-library-rescan-moved');
    assert.equal(await page.getByTestId('scan-moved').count(), 0, 'the first scan followed nothing');
    const ids = async () => (await page.getByTestId('library-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).sort();
    const before = await ids();
    assert.equal(before.length, 5);
    execFileSync('mv', [join(dir, 'Alpha 120.mp3'), join(dir, 'Alpha 120 (renamed).mp3')]);
    const m = await sp.mark();
    await page.locator(`[data-testid=library-folder][data-path="${dir}"] [data-testid=folder-rescan]`).click();
    await sp.waitForEvent('library-scan-state', { after: m });
    await page.locator('[data-testid=scan-progress][data-state=finished]').waitFor();
    const moved = page.getByTestId('scan-moved');
    await moved.waitFor();
    assert.equal(await moved.innerText(), '1 file followed as moved or renamed');
    // the followed file is one of the scan's five, done: it read "4 / 4 · 1 failed", as if the folder held four
    assert.equal((await page.getByTestId('scan-counts').innerText()).trim(), '5 / 5 · 1 failed');
    await lib.waitForTotal(5);
    await sp.screenshot('library-rescan-moved');
    // the same five rows: the renamed file's row kept its id (before: a new id, the old row gone); read from a page
    // loaded afresh, so a table not yet refreshed cannot pass for one that kept its rows
    await page.reload();
    await lib.show();
    await lib.waitForTotal(5);
    assert.deepEqual(await ids(), before);
  });
});
