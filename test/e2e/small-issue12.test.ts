import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';
import { e2eMedia, type E2eMedia } from './fixtures';
import { libraryFolder, libraryPage } from './library-page';
import { downloaded, launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * Issue 12, item 14 ("small"), against the real engine: the real container,
 * the pack line without repeats, the cover called the cover, one last folder
 * per purpose, a parent folder merging its child, CSV with ISO 8601 times and
 * a UTF-8 BOM. Run: npm run build && node tools/run-tests.mjs test/e2e/small-issue12.test.ts
 */
describe('small things (issue 12, item 14)', { timeout: 300_000 }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;
  let media: E2eMedia;
  let lib: ReturnType<typeof libraryPage>;
  let music: string;

  before(async () => {
    ensureTinyPacks();
    media = e2eMedia();
    music = libraryFolder(12, 'e2e-library-small').dir;
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe({ env: { STUDIO_DISABLE_WEBGPU: '1' } }).finally(() => launching);
    await launching;
    sp = await StudioPage.open(browser, serve, { width: 1440, height: 900 });
    lib = libraryPage(sp);
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  test('the container is the one the file is ("mp4"), not ffmpeg\'s family "mov,mp4,m4a,3gp,3g2,mj2"', async () => {
    const ev = await sp.openThroughBrowser(media.video);
    assert.equal(ev.name, 'track-opened', JSON.stringify(ev.detail));
    assert.equal(await sp.fact('container'), 'mp4');
    await sp.screenshot('issue12-14-container');
  });

  test('the pack line says the variant once; the cover is called "Cover" before and after asking', async () => {
    const { page } = sp;
    const chosen = await sp.chat().choosePack(join(TINY_DIR, 'packs', 'alpha-fp32'));
    assert.equal(chosen.name, 'pack-chosen', JSON.stringify(chosen.detail));
    const line = await page.getByTestId('pack-status').locator('.pack-name').innerText();
    assert.equal(line, 'DeepResonance-α · fp32', 'not "DeepResonance-α · α · fp32"');
    // a track with a cover: the chip says Cover, and so does the question afterwards
    let m = await sp.mark();
    const opened = await sp.openThroughBrowser(media.tone);
    assert.equal(opened.name, 'track-opened');
    await sp.waitForEvent('waveform-drawn', { after: m });
    m = await sp.mark();
    await page.getByTestId('attach-cover').click();
    await sp.fileBrowser().goTo(media.dir);
    await sp.fileBrowser().select('cover.png');
    await page.keyboard.press('Enter');
    await sp.waitForEvent('cover-changed', { after: m });
    // attaching the cover switches its chip on by itself
    await page.locator('[data-testid=attach-cover-chip][aria-pressed=true]').waitFor();
    assert.match(await page.getByTestId('attach-cover-chip').innerText(), /Cover/);
    m = await sp.chat().ask('What does the cover show?');
    const ev = await sp.chat().answered(m);
    assert.equal(ev.name, 'chat-answered', JSON.stringify(ev.detail));
    const chips = await sp.chat().users.last().getByTestId('msg-inputs').innerText();
    assert.match(chips, /Cover/, `the question's inputs: ${chips}`);
    assert.doesNotMatch(chips, /Image/);
    await sp.screenshot('issue12-14-pack-line-cover');
  });

  test('each kind of choice opens where the last of its kind was: library folders are not looked for where tracks are', async () => {
    const { page } = sp;
    await lib.show();
    // a library folder first (the subfolder: the next test adds its parent)
    const added = await lib.addFolder(join(music, 'sub'));
    assert.equal(added.name, 'library-folder-added', JSON.stringify(added.detail));
    await page.locator('[data-testid=scan-progress][data-state=finished]').waitFor();
    // then a track from elsewhere
    await page.keyboard.press('Control+l');
    const ev = await sp.openThroughBrowser(media.tone);
    assert.equal(ev.name, 'track-opened');
    // "Add folder…" opens in the library's last folder, not the track's
    await page.keyboard.press('Control+l');
    const m = await sp.mark();
    await page.getByTestId('library-add-folder').click();
    const listed = await sp.waitForEvent('browser-listed', { after: m });
    assert.equal((listed.detail as { path: string }).path, join(music, 'sub'));
    // and Open… where the track was
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+l');
    const m2 = await sp.mark();
    await page.getByTestId('open').first().click();
    const listed2 = await sp.waitForEvent('browser-listed', { after: m2 });
    assert.equal((listed2.detail as { path: string }).path, media.dir);
    await page.keyboard.press('Escape');
  });

  test('adding a parent folder merges the child already in the library (one entry, no "0 tracks")', async () => {
    const { page } = sp;
    await lib.show();
    assert.equal(await page.getByTestId('library-folder').count(), 1);
    const added = await lib.addFolder(music);
    assert.equal(added.name, 'library-folder-added', JSON.stringify(added.detail));
    await page.locator('[data-testid=scan-progress][data-state=finished]').waitFor();
    await lib.waitForTotal(5);
    const folders = page.getByTestId('library-folder');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid=library-folder]').length === 1, null);
    assert.equal(await folders.getAttribute('data-path'), music);
    await page.locator('[data-testid=folder-count]', { hasText: '5 tracks' }).waitFor();
    await sp.screenshot('issue12-14-folder-merged');
  });

  test('CSV export: a UTF-8 BOM (Excel reads accents right) and analysedAt in ISO 8601', async () => {
    const { page } = sp;
    if (!(await page.getByTestId('export-menu').isVisible())) await page.getByTestId('export-open').click(); // export is a menu
    await page.getByTestId('export-scope').selectOption('all');
    const dl = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    const file = await dl;
    const bytes = await downloaded(file);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
    const lines = bytes.toString('utf8').slice(1).trim().split(/\r\n/);
    // RFC 4180 fields (the features line is quoted: it holds commas)
    const fields = (l: string) => [...l.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((x) => x[1]).slice(0, -1);
    const head = fields(lines[0]);
    const at = head.indexOf('analysedAt');
    assert.ok(at >= 0);
    const alpha = lines.find((l) => l.includes('Alpha Drive'))!;
    const value = fields(alpha)[at];
    assert.match(value, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, `analysedAt ${value}`);
    assert.ok(Math.abs(Date.parse(value) - Date.now()) < 24 * 3600_000, 'today');
  });

  test('gap (rekordbox): choose, resize and reorder the library columns; kept after a reload', async () => {
    const { page } = sp;
    await lib.show();
    await lib.waitForTotal(5);
    const heads = () => page.locator('[role=columnheader]').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { colHead: string } }).dataset.colHead));
    // choose: Codec off
    await page.getByTestId('columns-open').click();
    await page.getByTestId('column-codec').uncheck();
    await page.getByTestId('columns-done').click();
    assert.equal(await page.getByTestId('sort-codec').count(), 0);
    assert.equal(await page.locator('[data-testid=library-row] [data-col=codec]').count(), 0);
    // resize: BPM 60 px wider
    const bpmHead = page.locator('[data-col-head=bpm]');
    const w0 = (await bpmHead.boundingBox())!.width;
    const handle = (await page.getByTestId('resize-bpm').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 + 60, handle.y + handle.height / 2, { steps: 5 });
    await page.mouse.up();
    const w1 = (await bpmHead.boundingBox())!.width;
    assert.ok(Math.abs(w1 - w0 - 60) <= 3, `BPM ${w0} → ${w1} px`);
    // reorder: Key dragged onto Artist goes before it
    const m = await sp.mark();
    await page.locator('[data-col-head=key]').dragTo(page.locator('[data-col-head=artist]'));
    await sp.waitForEvent('library-columns', { after: m });
    const order = await heads();
    assert.deepEqual(order.slice(0, 3), ['title', 'key', 'artist'], `order ${order}`);
    // the cells follow their headers
    const firstRow = page.locator('[data-testid=library-row][data-status=analysed]').first();
    const cellCols = await firstRow.locator('[data-col]').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { col: string } }).dataset.col));
    assert.deepEqual(cellCols, order);
    // the failed row still says why
    const failed = page.locator('[data-testid=library-row][data-status=failed]');
    assert.match(await failed.innerText(), /failed: /);
    assert.ok((await failed.boundingBox())!.height <= 27, 'one line');
    const reason = (await failed.locator('.reason').boundingBox())!;
    const titleCell = (await failed.locator('[data-col=title]').boundingBox())!;
    assert.ok(Math.abs(reason.y - titleCell.y) < 2, 'the reason on the row’s line');
    await sp.screenshot('issue12-gap-columns');
    // kept
    await page.reload();
    await sp.waitForEvent('session-restored', { after: 0 });
    await lib.waitForTotal(5);
    assert.deepEqual(await heads(), order);
    assert.ok(Math.abs((await page.locator('[data-col-head=bpm]').boundingBox())!.width - w1) <= 1);
    // and back to the defaults
    await page.getByTestId('columns-open').click();
    await page.getByTestId('columns-reset').click();
    await page.getByTestId('columns-done').click();
    assert.deepEqual((await heads()).slice(0, 4), ['title', 'artist', 'album', 'duration']);
    assert.equal(await page.getByTestId('sort-codec').count(), 1);
  });

  test('the keyboard moves and resizes a column: Alt+←/→ and Alt+Shift+←/→ on its header (the mouse was the only way)', async () => {
    const { page } = sp;
    const heads = () => page.locator('[role=columnheader]').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { colHead: string } }).dataset.colHead));
    const before = await heads();
    assert.deepEqual(before.slice(0, 3), ['title', 'artist', 'album']);
    await page.getByTestId('sort-album').focus();
    const m = await sp.mark();
    await page.keyboard.press('Alt+ArrowLeft');
    await sp.waitForEvent('library-columns', { after: m });
    assert.deepEqual((await heads()).slice(0, 3), ['title', 'album', 'artist'], 'Album one place left');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid')), 'sort-album', 'the header keeps the focus');
    await page.keyboard.press('Alt+ArrowRight');
    await page.keyboard.press('Alt+ArrowRight');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }> } }).document.querySelectorAll('[role=columnheader]')[3]?.getAttribute('data-col-head') === 'album');
    assert.deepEqual((await heads()).slice(0, 4), ['title', 'artist', 'duration', 'album'], 'then two places right');
    const head = page.locator('[data-col-head=album]');
    const w0 = (await head.boundingBox())!.width;
    await page.keyboard.press('Alt+Shift+ArrowRight');
    await page.keyboard.press('Alt+Shift+ArrowRight');
    await page.waitForFunction(([w]) => ((globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { width: number } } | null } }).document.querySelector('[data-col-head=album]')?.getBoundingClientRect().width ?? 0) > w + 20, [w0] as const);
    const w1 = (await head.boundingBox())!.width;
    assert.ok(Math.abs(w1 - w0 - 32) <= 3, `Album ${w0} → ${w1} px`);
    await page.keyboard.press('Alt+Shift+ArrowLeft');
    await page.waitForFunction(([w]) => ((globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { width: number } } | null } }).document.querySelector('[data-col-head=album]')?.getBoundingClientRect().width ?? 0) < w - 8, [w1] as const);
    await sp.screenshot('library-columns-keyboard');
  });

  test('no page errors', () => {
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
