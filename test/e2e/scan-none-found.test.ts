import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { libraryPage } from './library-page';

/**
 * Library → Add folder… on a folder with no audio (tester28): the scan bar read "Scan finished 0 / 0" and the table
 * "0 tracks" — as if the scan had failed to start, or the folder were still being read. It now says "No audio or
 * video files found in <folder>", as `studio analyze` does (66a2451); a Rescan of that folder says the same.
 * Run: npm run build && node --import tsx --test test/e2e/scan-none-found.test.ts
 */
describe('library scan: a folder with no audio says so', { timeout: 300_000 }, () => {
  const dir = join(OUTPUT, 'e2e-scan-none-found', 'Notes only');
  const studio = useStudio({
    prepare: () => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'readme.txt'), 'no music here\n');
    },
  });

  test('Add folder… on a folder of notes: "No audio or video files found in …/Notes only"', async () => {
    const { sp } = studio;
    const page = sp.page;
    const lib = libraryPage(sp);
    await lib.show();
    const ev = await lib.addFolder(dir);
    assert.equal(ev.name, 'library-folder-added', JSON.stringify(ev.detail));
    await page.locator('[data-testid=scan-progress][data-state=finished]').waitFor();
    const none = page.getByTestId('scan-none-found');
    await none.waitFor();
    assert.equal(await none.innerText(), `No audio or video files found in ${dir}`);
    assert.equal(await page.getByText(/^No tracks in these folders/).innerText(), 'No tracks in these folders.', 'the scan found none: no "yet" (tester28)');
    await sp.screenshot('scan-none-found');
    // Rescan of that folder: the same words
    const m = await sp.mark();
    await page.locator(`[data-testid=library-folder][data-path="${dir}"] [data-testid=folder-rescan]`).click();
    await sp.waitForEvent('library-scan-state', { after: m });
    await page.locator('[data-testid=scan-progress][data-state=finished]').waitFor();
    await none.waitFor();
    assert.equal(await none.innerText(), `No audio or video files found in ${dir}`);
  });
});
