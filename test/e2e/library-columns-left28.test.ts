import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { scannedLibrary, type libraryPage } from './library-page';
import { useStudio } from '../helpers/studio';

/**
 * Session 28 (left28a), the library's columns in the real renderer against the real engine: a failed row's reason
 * was cut to the Status column once a meta column (Album) sat among the analysis columns; now each run of analysis
 * columns is one cell and the reason takes the roomiest. A library across several folders could not show or sort by
 * a track's folder: the Folder column.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/library-columns-left28.test.ts
 */
describe('library columns: a failed row\'s reason whatever the order; the Folder column', { timeout: 300_000 }, () => {
  let lib: ReturnType<typeof libraryPage>;
  let dir: string;
  const studio = useStudio({ viewport: { width: 1440, height: 900 } });

  before(async () => {
    ({ lib, dir } = await scannedLibrary(studio.sp, 'e2e-library-columns-left28'));
  });

  const heads = (page: Page) => page.locator('[role=columnheader]').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { colHead: string } }).dataset.colHead));
  const box = async (page: Page, sel: string) => (await page.locator(sel).boundingBox())!;
  /** the left edge of column `first`'s header and the right edge of `last`'s, px */
  const span = async (page: Page, first: string, last: string) => ({ left: (await box(page, `[data-col-head=${first}]`)).x, right: (await box(page, `[data-col-head=${last}]`)).x + (await box(page, `[data-col-head=${last}]`)).width });
  async function alt(page: Page, col: string, key: 'ArrowLeft' | 'ArrowRight', times: number) {
    for (let k = 0; k < times; k++) {
      const m = await studio.sp.mark();
      await page.getByTestId(`sort-${col}`).focus();
      await page.keyboard.press(`Alt+${key}`);
      await studio.sp.waitForEvent('library-columns', { after: m });
    }
  }

  test('Album moved in among the analysis columns: the reason still spans the run it sits in, not the Status column alone', async () => {
    const { page } = studio.sp;
    assert.equal(await lib.table.getAttribute('data-dropped'), '', 'every column fits at 1440 px');
    const failed = page.locator('[data-testid=library-row][data-status=failed]');
    const reason = failed.locator('.reason');
    const why = (await reason.getAttribute('title'))!;
    assert.ok(why.length > 0);
    // the defaults: the analysis columns sit together, Time to Status
    let want = await span(page, 'duration', 'status');
    let got = await box(page, '[data-testid=library-row][data-status=failed] .reason');
    assert.ok(Math.abs(got.x - want.left) < 2 && Math.abs(got.x + got.width - want.right) < 2, `default: ${JSON.stringify({ got, want })}`);
    // Album two places right (Alt+→ on its header): Title Artist Time BPM Album Key … Status
    await alt(page, 'album', 'ArrowRight', 2);
    assert.deepEqual((await heads(page)).slice(0, 6), ['title', 'artist', 'duration', 'bpm', 'album', 'key']);
    want = await span(page, 'key', 'status');
    got = await box(page, '[data-testid=library-row][data-status=failed] .reason');
    assert.ok(Math.abs(got.x - want.left) < 2 && Math.abs(got.x + got.width - want.right) < 2, `Key to Status: ${JSON.stringify({ got, want })}`);
    assert.equal(await reason.innerText(), `failed: ${why}`);
    assert.equal(await failed.locator('[data-col=album]').count(), 1, 'the album cell keeps its place');
    assert.ok((await failed.boundingBox())!.height <= 27, 'one line');
    await studio.sp.screenshot('left28-failed-reason-album-among-1440x900');
    // Album right before Status: the reason takes Time … Rate, the Status column says "failed"
    await alt(page, 'album', 'ArrowRight', 6);
    const order = await heads(page);
    assert.deepEqual(order.slice(-2), ['album', 'status'], `order ${order}`);
    want = await span(page, 'duration', 'rate');
    got = await box(page, '[data-testid=library-row][data-status=failed] .reason');
    assert.ok(Math.abs(got.x - want.left) < 2 && Math.abs(got.x + got.width - want.right) < 2, `Time to Rate: ${JSON.stringify({ got, want })}`);
    assert.equal(await reason.innerText(), why);
    const status = failed.locator('[data-col=status]');
    assert.equal(await status.innerText(), 'failed');
    assert.equal(await status.getAttribute('title'), why);
    assert.equal(await reason.evaluate((e) => (e as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth <= (e as unknown as { clientWidth: number }).clientWidth), true, 'the reason is not cut');
    await studio.sp.screenshot('left28-failed-reason-album-before-status-1440x900');
    // Status hidden (the chooser): the reason, with "failed:", in the run left — it was shown nowhere
    await page.getByTestId('columns-open').click();
    let m = await studio.sp.mark();
    await page.getByTestId('column-status').click();
    await studio.sp.waitForEvent('library-columns', { after: m });
    assert.equal(await failed.locator('[data-col=status]').count(), 0);
    assert.equal(await reason.innerText(), `failed: ${why}`);
    m = await studio.sp.mark();
    await page.getByTestId('columns-reset').click();
    await studio.sp.waitForEvent('library-columns', { after: m });
    await page.getByTestId('columns-done').click();
    assert.deepEqual((await heads(page)).slice(0, 3), ['title', 'artist', 'album']);
  });

  test('the Folder column: off by default, chosen in View ▾, the folder below the library folder (whole path in the tooltip), sorted by it', async () => {
    const { page } = studio.sp;
    assert.equal(await page.locator('[data-col-head=folder]').count(), 0, 'off by default');
    // a layout saved before the column existed (Album moved after BPM): still off, and placed after Album when chosen
    const before = ['title', 'artist', 'duration', 'bpm', 'album', 'key', 'lufs', 'lra', 'tp', 'codec', 'rate', 'status'];
    await page.evaluate((order) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('studio.library.columns', JSON.stringify({ order, hidden: [], widths: {} })), before);
    await page.reload();
    await studio.sp.waitForEvent('session-restored', { after: 0 });
    await lib.waitForTotal(5);
    assert.deepEqual(await heads(page), before);
    await page.getByTestId('columns-open').click();
    let m = await studio.sp.mark();
    await page.getByTestId('column-folder').click();
    await studio.sp.waitForEvent('library-columns', { after: m });
    assert.deepEqual((await heads(page)).slice(3, 6), ['bpm', 'album', 'folder'], 'after Album, where Album is');
    m = await studio.sp.mark();
    await page.getByTestId('columns-reset').click();
    await studio.sp.waitForEvent('library-columns', { after: m });
    assert.equal(await page.locator('[data-col-head=folder]').count(), 0, 'Reset: off again');
    m = await studio.sp.mark();
    await page.getByTestId('column-folder').click();
    await studio.sp.waitForEvent('library-columns', { after: m });
    await page.getByTestId('columns-done').click();
    assert.deepEqual((await heads(page)).slice(0, 4), ['title', 'artist', 'album', 'folder'], 'after Album');
    m = await studio.sp.mark();
    await page.getByTestId('sort-folder').click();
    await lib.waitForDetail('library-page', { sort: 'folder:asc', offset: 0 }, m);
    await page.locator('[role=columnheader][aria-sort=ascending] [data-testid=sort-folder]').waitFor();
    assert.deepEqual(await lib.column('folder'), ['', '', '', '', 'sub'], 'the library folder\'s own files first');
    assert.deepEqual(await lib.column('title'), ['Alpha Drive', 'Beta Slow', 'Broken track.mp3', 'Gamma Rush', 'Delta Walk'], 'then by path, naturally');
    const delta = page.locator('[data-testid=library-row]', { hasText: 'Delta Walk' });
    assert.equal(await delta.locator('[data-col=folder]').getAttribute('title'), join(dir, 'sub'));
    const failed = page.locator('[data-testid=library-row][data-status=failed]');
    assert.equal(await failed.locator('[data-col=folder]').getAttribute('title'), dir, 'a failed row keeps its folder');
    await studio.sp.screenshot('left28-folder-column-asc-1440x900');
    m = await studio.sp.mark();
    await page.getByTestId('sort-folder').click();
    await lib.waitForDetail('library-page', { sort: 'folder:desc', offset: 0 }, m);
    await page.locator('[role=columnheader][aria-sort=descending] [data-testid=sort-folder]').waitFor();
    assert.deepEqual(await lib.column('folder'), ['sub', '', '', '', '']);
    // kept across a reload, and so is the sort
    await page.reload();
    await studio.sp.waitForEvent('session-restored', { after: 0 });
    await lib.waitForTotal(5);
    assert.ok((await heads(page)).includes('folder'));
    await page.locator('[role=columnheader][aria-sort=descending] [data-testid=sort-folder]').waitFor();
    assert.deepEqual(await lib.column('folder'), ['sub', '', '', '', '']);
  });
});
