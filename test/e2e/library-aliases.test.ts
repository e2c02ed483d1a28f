import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { libraryFolder, libraryPage } from './library-page';
import { useStudio } from '../helpers/studio';

/**
 * Issue 12 leftover: a track and a symlink to it were two library rows. The
 * scan keeps one row per file (realpath): the path in the folder the user
 * added, with the link named in the detail ("Also at …"). A link in another
 * library folder to a track already in the library adds no row either; a
 * rescan after the link is deleted drops the alias.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/library-aliases.test.ts
 */
describe('library: one row per file, symlinks are aliases (issue 12)', { timeout: 300_000 }, () => {
  let lib: ReturnType<typeof libraryPage>;
  let dir = '';
  let other = '';
  const studio = useStudio({ viewport: { width: 1440, height: 900 } });
  const rowCount = (title: string) => studio.sp.page.locator('[data-testid=library-row]', { hasText: title }).count();
  /** the scan started after mark `after` has finished */
  const scanned = (after: number) => lib.waitForDetail('library-scan-state', { state: 'finished' }, after, 120_000);

  before(async () => {
    const folder = libraryFolder(12, 'e2e-library-aliases');
    dir = folder.dir;
    // in the same folder: a link to Alpha, and a link to that link
    symlinkSync('Alpha 120.mp3', join(dir, 'Alpha link.mp3'));
    symlinkSync('../Alpha link.mp3', join(dir, 'sub', 'Alpha link of link.mp3'));
    // a second library folder with a link into the first, and a plain copy
    other = join(dirname(dir), 'Other Folder');
    rmSync(other, { recursive: true, force: true });
    mkdirSync(other, { recursive: true });
    symlinkSync(join(dir, 'Beta 90.flac'), join(other, 'Beta elsewhere.flac'));
    copyFileSync(join(dir, 'Gamma 128.wav'), join(other, 'Gamma copy.wav'));
    lib = libraryPage(studio.sp);
    await lib.show();
  });

  test('a track and two links to it in the added folder: one row, at the track; the detail names the links', async () => {
    const { page } = studio.sp;
    // the file browser's footer (the shared ModalFooter): its hint, Cancel and "Use this folder" on one line
    await page.getByTestId('library-add-folder').click();
    await studio.sp.fileBrowser().goTo(dir);
    const foot = page.getByTestId('file-browser').locator('.foot');
    const tops = await Promise.all([foot.locator('.hint'), foot.getByRole('button', { name: 'Cancel' }), page.getByTestId('browser-use-folder')].map(async (l) => Math.round((await l.boundingBox())!.y + (await l.boundingBox())!.height / 2)));
    assert.ok(Math.max(...tops) - Math.min(...tops) <= 2, `one line: ${tops}`);
    await studio.sp.screenshot('issue12-file-browser-footer');
    const m = await studio.sp.mark();
    await page.getByTestId('browser-use-folder').click();
    const ev = await studio.sp.waitForEvent(['library-folder-added', 'library-folder-failed'], { after: m });
    assert.equal(ev.name, 'library-folder-added', JSON.stringify(ev.detail));
    await scanned(m);
    await lib.waitForTotal(5);
    assert.equal(await rowCount('Alpha Drive'), 1, 'one Alpha row');
    await page.locator('[data-testid=library-row]', { hasText: 'Alpha Drive' }).click();
    await page.locator('[data-testid=detail-title]', { hasText: 'Alpha Drive' }).waitFor();
    const aliases = await page.getByTestId('detail-aliases').innerText();
    assert.match(aliases, /Also at .*Alpha link\.mp3.*Alpha link of link\.mp3 \(links to this file\)/);
    await studio.sp.screenshot('issue12-library-alias-detail');
    const [folder] = await page.getByTestId('folder-count').allInnerTexts();
    assert.equal(folder, '5 tracks');
  });

  test('a link in a second library folder to a track already there adds no row; a copy is a track of its own', async () => {
    const { page } = studio.sp;
    const m = await studio.sp.mark();
    const ev = await lib.addFolder(other);
    assert.equal(ev.name, 'library-folder-added', JSON.stringify(ev.detail));
    await scanned(m);
    await lib.waitForTotal(6);
    assert.equal(await rowCount('Beta Slow'), 1, 'one Beta row');
    // the copy's row has its title once it is analysed (until then its file name); a 'finished' seen after the mark
    // may be another job's (the project's CI: the count read 1 at once)
    await page.locator('[data-testid=library-row]', { hasText: 'Gamma Rush' }).nth(1).waitFor({ timeout: 60_000 });
    assert.equal(await rowCount('Gamma Rush'), 2, 'the copy is another file');
    await page.locator('[data-testid=library-row]', { hasText: 'Beta Slow' }).click();
    await page.locator('[data-testid=detail-title]', { hasText: 'Beta Slow' }).waitFor();
    assert.match(await page.getByTestId('detail-aliases').innerText(), /Also at .*Other Folder\/Beta elsewhere\.flac/);
    await studio.sp.screenshot('issue12-library-alias-other-folder');
  });

  test('the links deleted, a rescan drops them — from the detail shown, without clicking the row again; the row stays with its analysis; a link from the other folder is kept', async () => {
    const { page } = studio.sp;
    // Alpha's detail is shown while its links are deleted and the folder rescanned: it follows the row (it kept the
    // deleted links until another row was clicked and Alpha again — the project's CI clicked Alpha before the rescan
    // had written the row and waited 120 s)
    await page.locator('[data-testid=library-row]', { hasText: 'Alpha Drive' }).click();
    await page.locator('[data-testid=detail-title]', { hasText: 'Alpha Drive' }).waitFor();
    assert.match(await page.getByTestId('detail-aliases').innerText(), /Alpha link\.mp3/);
    unlinkSync(join(dir, 'sub', 'Alpha link of link.mp3'));
    unlinkSync(join(dir, 'Alpha link.mp3'));
    const m = await studio.sp.mark();
    await page.locator('[data-testid=library-folder]', { hasText: 'Music Library' }).getByRole('button', { name: 'Rescan' }).click();
    await scanned(m);
    await page.getByTestId('detail-aliases').waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('[data-testid=detail-title]', { hasText: 'Alpha Drive' }).waitFor();
    assert.equal(await rowCount('Alpha Drive'), 1);
    assert.match(await page.getByTestId('detail-tempo').innerText(), /120\.0/);
    // the link from the other folder still leads to Beta: that rescan of the first folder keeps it
    await page.locator('[data-testid=library-row]', { hasText: 'Beta Slow' }).click();
    await page.locator('[data-testid=detail-title]', { hasText: 'Beta Slow' }).waitFor();
    assert.match(await page.getByTestId('detail-aliases').innerText(), /Other Folder\/Beta elsewhere\.flac/);
    assert.equal(await rowCount('Beta Slow'), 1);
  });

  test('the shown track\'s file deleted: its row leaves the library and its detail goes with it', async () => {
    const { page } = studio.sp;
    // the two Gamma Rush rows: the copy is the one whose detail title names its path (the title attribute)
    const rows = page.locator('[data-testid=library-row]', { hasText: 'Gamma Rush' });
    for (let i = 0; i < 2; i++) {
      await rows.nth(i).click();
      await page.locator('[data-testid=detail-title]', { hasText: 'Gamma Rush' }).waitFor();
      await page.waitForTimeout(300); // the selection settles (90 ms) and its detail is read
      if ((await page.getByTestId('detail-title').getAttribute('title'))?.endsWith('Gamma copy.wav')) break;
    }
    assert.match((await page.getByTestId('detail-title').getAttribute('title')) ?? '', /Other Folder\/Gamma copy\.wav$/);
    const m = await studio.sp.mark();
    unlinkSync(join(other, 'Gamma copy.wav'));
    await studio.sp.waitForEvent('library-detail-gone', { after: m, timeout: 60_000 });
    assert.equal(await page.getByTestId('library-detail').count(), 0, 'no detail of a track that left the library');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid=library-row]').length === 5);
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
