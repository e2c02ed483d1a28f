// Library: the scan bar's summary stays when a folder watcher's job finds nothing to analyse (found by tester14,
// session 11): a file deleted after a scan made the watcher run a job that removed its row and ended "Scan finished
// 0 / 0", replacing the scan's own summary (its counts, its failures). A scan the user starts (a folder added, even an
// empty one) still shows its own result.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/e2e/library-scan-summary.test.ts
import assert from 'node:assert/strict';
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { scannedLibrary } from './library-page';
import { useStudio } from '../helpers/studio';
import { OUTPUT } from '../helpers/media';

type Win = { __studioEvents?: Array<{ seq: number; name: string; detail?: { state?: string; total?: number } }> };

describe('library: the scan summary', { timeout: 300_000 }, () => {
  const studio = useStudio({ viewport: { width: 1440, height: 900 } });

  test('a watcher job that analyses nothing (a file deleted after the scan) leaves the scan\'s summary; an empty folder the user adds shows 0 / 0', async () => {
    const { page } = studio.sp;
    const { dir, lib } = await scannedLibrary(studio.sp, 'e2e-library-scan-summary');
    const counts = page.getByTestId('scan-counts');
    const before = (await counts.innerText()).trim();
    assert.match(before, /^5 \/ 5 · 1 failed$/, 'the scan: 4 tracks and the broken one');

    let m = await studio.sp.mark();
    unlinkSync(join(dir, 'Gamma 128.wav'));
    // the watcher's job for the deleted path: it removes the row and ends with nothing counted
    await page.waitForFunction(
      (after) => (globalThis as unknown as Win).__studioEvents?.some((e) => e.seq > after && e.name === 'library-scan-state' && e.detail?.state === 'finished' && e.detail.total === 0) ?? false,
      m,
      { polling: 50 },
    );
    await lib.waitForTotal(4);
    assert.equal((await counts.innerText()).trim(), before, 'the summary of the scan is still shown');
    assert.equal(await page.getByTestId('scan-progress').getAttribute('data-state'), 'finished');
    await studio.sp.screenshot('library-scan-summary-kept');

    // tester19: a file that is no audio saved into the folder (cover art, a browser's .crdownload) made the
    // watcher run a job that skipped it and ended "Scan finished 0 / 0 · 1 file skipped", which replaced the scan's
    // summary just the same (its counts, its failure): a job the page did not start that analysed nothing is quiet
    m = await studio.sp.mark();
    const bar = await page.getByTestId('scan-progress').innerText();
    assert.doesNotMatch(bar, /an image/);
    writeFileSync(join(dir, 'folder.jpg'), 'not even a JPEG');
    await page.waitForFunction(
      (after) => (globalThis as unknown as Win).__studioEvents?.some((e) => e.seq > after && e.name === 'library-scan-state' && e.detail?.state === 'finished' && e.detail.total === 0) ?? false,
      m,
      { polling: 50 },
    );
    await page.waitForTimeout(300);
    assert.equal((await counts.innerText()).trim(), before, 'a job that only skipped an image leaves the scan\'s summary');
    assert.equal(await page.getByTestId('scan-progress').innerText(), bar);

    // the user's own scan of an empty folder: its 0 / 0 is the answer to what was asked
    const empty = join(OUTPUT, 'e2e-library-scan-summary', 'Empty crate');
    mkdirSync(empty, { recursive: true });
    m = await studio.sp.mark();
    const ev = await lib.addFolder(empty);
    assert.equal(ev.name, 'library-folder-added', JSON.stringify(ev.detail));
    await page.waitForFunction(
      () => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-testid=scan-counts]')?.textContent?.trim() === '0 / 0',
      undefined,
      { polling: 50 },
    );
    assert.equal(await page.getByTestId('scan-progress').getAttribute('data-state'), 'finished');
  });
});
