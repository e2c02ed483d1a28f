import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatTags, scannedLibrary, type libraryPage } from './library-page';
import { downloaded, HANG_GUARD_MS } from './studio-page';
import { useStudio } from '../helpers/studio';

/**
 * The library's half/double BPM range control and tag write-back (issue 12's
 * library gaps, issue 11's "Also"), and the filter bar / Status column
 * defects, against the real engine (`studio serve`), at 1440×900 and 1280×720.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/library-tags-issue12.test.ts
 */
describe('library: BPM range and tags (issue 12)', { timeout: 300_000 }, () => {
  let lib: ReturnType<typeof libraryPage>;
  let dir = '';
  const studio = useStudio({ viewport: { width: 1440, height: 900 } });

  /** ffprobe's format tags of a library file (keys lower-cased) */
  const tagsOf = (file: string) => formatTags(join(dir, file));
  /** the BPM cell of the row with this title, as a number */
  const bpmOf = async (title: string): Promise<number> =>
    // the cell is the tempo to 0.1 then its confidence ("64.091%": "64.0" and "91%")
    Number(/^\s*(\d+\.\d)/.exec(await studio.sp.page.locator('[data-testid=library-row]', { hasText: title }).locator('[data-col=bpm]').innerText())?.[1]);
  /**
   * wait until `ok` holds: the table redraws when the engine's library:changed arrives, however
   * long the engine takes; HANG_GUARD_MS only says when it counts as never
   */
  const until = async (ok: () => Promise<boolean>, what: string): Promise<void> => {
    for (const end = Date.now() + HANG_GUARD_MS; Date.now() < end; ) {
      if (await ok().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`never: ${what}`);
  };
  const order = async (): Promise<string[]> => (await lib.column('title')).map((t) => t.split(' ')[0]);

  before(async () => {
    ({ dir, lib } = await scannedLibrary(studio.sp, 'e2e-library-tags'));
  });
  after(() => chmodSync(join(dir, 'Gamma 128.wav'), 0o644));

  test('BPM range: 60–120 folds the shown tempo, and sorting, the BPM filter, the detail and the CSV export follow it; a custom range; back to as analysed', async () => {
    const { page } = studio.sp;
    const stored = { Alpha: await bpmOf('Alpha Drive'), Beta: await bpmOf('Beta Slow'), Gamma: await bpmOf('Gamma Rush'), Delta: await bpmOf('Delta Walk') };
    assert.ok(Math.abs(stored.Gamma - 128) < 2 && Math.abs(stored.Beta - 90) < 2, JSON.stringify(stored));
    // sorted by BPM as analysed: Beta 90, Delta 100, Alpha 120, Gamma 128
    let m = await studio.sp.mark();
    await page.getByTestId('sort-bpm').click();
    await studio.sp.waitForEvent('library-page', { after: m });
    assert.deepEqual((await order()).slice(0, 4), ['Beta', 'Delta', 'Alpha', 'Gamma']);
    // 60–120: Gamma's 128 is shown as 64 and sorts first
    // the range is in the View menu; the menu's button says it
    await page.getByTestId('columns-open').click();
    m = await studio.sp.mark();
    await page.getByTestId('bpm-range').selectOption('60-120');
    await studio.sp.waitForEvent('library-bpm-range', { after: m });
    await studio.sp.screenshot('issue12-bpm-range-menu-1440x900');
    await page.getByTestId('columns-done').click();
    assert.equal(await page.getByTestId('bpm-range-badge').innerText(), '60–120', 'the BPM header says the range');
    await until(async () => (await bpmOf('Gamma Rush')) < 100, 'Gamma shown folded');
    assert.ok(Math.abs((await bpmOf('Gamma Rush')) - stored.Gamma / 2) <= 0.1, 'Gamma shown at half tempo');
    assert.equal(await bpmOf('Alpha Drive'), stored.Alpha, '120 is inside 60–120');
    assert.deepEqual((await order()).slice(0, 4), ['Gamma', 'Beta', 'Delta', 'Alpha'], 'sorted by the shown tempo');
    // the BPM filter reads the shown tempo: 60–70 finds Gamma (stored 128)
    m = await studio.sp.mark();
    await page.getByTestId('filter-bpm-min').fill('60');
    await page.getByTestId('filter-bpm-max').fill('70');
    await page.getByTestId('filter-bpm-max').press('Enter');
    await lib.waitForTotal(1);
    assert.deepEqual(await order(), ['Gamma']);
    // the detail says the same
    await page.locator('[data-testid=library-row]', { hasText: 'Gamma Rush' }).click();
    await page.locator('[data-testid=detail-title]', { hasText: 'Gamma Rush' }).waitFor();
    assert.match(await page.getByTestId('detail-tempo').innerText(), new RegExp(`^${Math.round(stored.Gamma / 2)}`));
    await studio.sp.screenshot('issue12-bpm-range-60-120-1440x900');
    // so does the export of the filtered rows
    await page.getByTestId('export-open').click();
    await page.getByTestId('export-scope').selectOption('filter');
    const dl = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    const csv = (await downloaded(await dl)).toString('utf8').slice(1).trim().split(/\r\n/);
    const at = csv[0].split(',').indexOf('bpm');
    assert.equal(csv.length, 2);
    assert.equal(Number(csv[1].split(',')[at]), await bpmOf('Gamma Rush'));
    await page.getByTestId('export-scope').selectOption('all');
    await page.getByTestId('export-open').click();
    await page.getByTestId('filter-clear').click();
    await lib.waitForTotal(5);
    // a custom range: a bad one (equal bounds) is a hint by the box; 140–280 doubles everything
    await page.getByTestId('columns-open').click();
    await page.getByTestId('bpm-range').selectOption('custom');
    await page.getByTestId('bpm-range-custom').fill('70-70');
    await page.getByTestId('bpm-range-custom').press('Enter');
    assert.match(await page.getByTestId('bpm-range-problem').innerText(), /not a BPM range/);
    m = await studio.sp.mark();
    await page.getByTestId('bpm-range-custom').fill('140-280');
    await page.getByTestId('bpm-range-custom').press('Enter');
    await studio.sp.waitForEvent('library-bpm-range', { after: m });
    await page.locator('[data-testid=bpm-range][data-value="140-280"]').waitFor();
    await until(async () => (await bpmOf('Beta Slow')) > 140, 'Beta shown doubled');
    assert.ok(Math.abs((await bpmOf('Beta Slow')) - stored.Beta * 2) <= 0.1);
    assert.equal(await page.getByTestId('bpm-range').inputValue(), '140-280');
    await studio.sp.screenshot('issue12-bpm-range-custom-1440x900');
    assert.equal(await page.getByTestId('bpm-range-narrow').count(), 0, 'an octave-wide range holds every tempo: no note');
    // session 14 tester: a range narrower than an octave showed a tempo no doubling or halving brings inside it
    // (100 in 120–130) as 100 under a header saying 120–130, silently. Now the dialog says so and the cell is marked.
    const lo = Math.floor(stored.Alpha) - 1;
    const narrow = `${lo}-${lo + 5}`;
    assert.ok(stored.Gamma > lo + 5 && stored.Gamma / 2 < lo, `Gamma (${stored.Gamma}) has no level in ${narrow}`);
    await page.getByTestId('bpm-range').selectOption('custom');
    m = await studio.sp.mark();
    await page.getByTestId('bpm-range-custom').fill(narrow);
    await page.getByTestId('bpm-range-custom').press('Enter');
    await studio.sp.waitForEvent('library-bpm-range', { after: m });
    assert.match(await page.getByTestId('bpm-range-narrow').innerText(), new RegExp(`BPM range ${lo}–${lo + 5} is narrower than an octave.*cannot be doubled or halved into it`));
    await studio.sp.screenshot('bpm-range-narrow-dialog-1440x900');
    await page.getByTestId('columns-done').click();
    const gammaCell = page.locator('[data-testid=library-row]', { hasText: 'Gamma Rush' }).locator('[data-col=bpm]');
    await gammaCell.getByTestId('bpm-outside-mark').waitFor();
    assert.match((await gammaCell.getByTestId('bpm-outside-mark').getAttribute('title'))!, new RegExp(`outside the BPM range ${lo}–${lo + 5}`));
    assert.equal(await page.locator('[data-testid=library-row]', { hasText: 'Alpha Drive' }).getByTestId('bpm-outside-mark').count(), 0, 'Alpha is inside');
    await studio.sp.screenshot('bpm-range-narrow-table-1440x900');
    // back to 140–280 (a custom range again), for the reload below
    await page.getByTestId('columns-open').click();
    await page.getByTestId('bpm-range').selectOption('custom');
    m = await studio.sp.mark();
    await page.getByTestId('bpm-range-custom').fill('140-280');
    await page.getByTestId('bpm-range-custom').press('Enter');
    await studio.sp.waitForEvent('library-bpm-range', { after: m });
    await page.locator('[data-testid=bpm-range][data-value="140-280"]').waitFor();
    await until(async () => (await page.getByTestId('bpm-outside-mark').count()) === 0, 'no mark in an octave-wide range');
    assert.equal(await page.getByTestId('bpm-range-narrow').count(), 0);
    await page.getByTestId('columns-done').click();
    // kept by the engine across a reload
    await page.reload();
    await lib.show();
    await page.locator('[data-testid=bpm-range-badge]', { hasText: '140–280' }).waitFor();
    // as analysed again
    await page.getByTestId('columns-open').click();
    m = await studio.sp.mark();
    await page.getByTestId('bpm-range').selectOption('');
    await studio.sp.waitForEvent('library-bpm-range', { after: m });
    await page.getByTestId('columns-done').click();
    await until(async () => (await bpmOf('Beta Slow')) === stored.Beta, 'Beta as analysed again');
    assert.equal(await bpmOf('Beta Slow'), stored.Beta);
  });

  test('write tags: one track from its detail, then a selection of three in Camelot, one of them read-only; the files read back with ffprobe', async () => {
    const { page } = studio.sp;
    // one track
    await page.locator('[data-testid=library-row]', { hasText: 'Alpha Drive' }).click();
    await page.locator('[data-testid=detail-title]', { hasText: 'Alpha Drive' }).waitFor();
    await page.getByTestId('detail-write-tags').click();
    await page.getByTestId('tag-write-dialog').waitFor();
    await page.getByTestId('tag-write-notation').selectOption('standard');
    let m = await studio.sp.mark();
    await page.getByTestId('tag-write-go').click();
    let done = await studio.sp.waitForEvent('tag-write-done', { after: m });
    assert.deepEqual(done.detail, { written: 1, failed: 0 });
    let tags = tagsOf('Alpha 120.mp3');
    assert.equal(tags.tkey, 'Am');
    assert.equal(Number(tags.tbpm), Math.round(await bpmOf('Alpha Drive')));
    assert.equal(tags.title, 'Alpha Drive', 'the other tags are kept');
    // the detail, loaded again, sets the tags just written beside the analysis: they agree (session 17 DJ tester)
    const taggedLine = page.locator('[data-testid=detail-tagged]', { hasText: `Tagged: ${Number(tags.tbpm)} BPM · Am` });
    await taggedLine.waitFor();
    assert.equal(await taggedLine.getAttribute('data-disagrees'), 'false', await taggedLine.innerText());
    await page.getByTestId('tag-write-cancel').click();
    await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
    // a selection of three, one read-only
    chmodSync(join(dir, 'Gamma 128.wav'), 0o444);
    await page.locator('[data-testid=library-row]', { hasText: 'Beta Slow' }).click({ modifiers: ['Control'] });
    await page.locator('[data-testid=library-row]', { hasText: 'Gamma Rush' }).click({ modifiers: ['Control'] });
    await page.locator('[data-testid=detail-write-tags]', { hasText: '(3)' }).click();
    await page.getByTestId('tag-write-notation').selectOption('camelot');
    m = await studio.sp.mark();
    await page.getByTestId('tag-write-go').click();
    done = await studio.sp.waitForEvent('tag-write-done', { after: m });
    assert.deepEqual(done.detail, { written: 2, failed: 1 }, await page.getByTestId('tag-write-failures').innerText({ timeout: 1000 }).catch(() => ''));
    assert.match(await page.getByTestId('tag-write-progress').innerText(), /2 of 3 written · 1 not written/);
    assert.match(await page.getByTestId('tag-write-failures').innerText(), /"Gamma 128\.wav" is read-only, so its tags were not written/);
    await studio.sp.screenshot('issue12-tag-write-selection-1440x900');
    assert.equal(tagsOf('Alpha 120.mp3').tkey, '8A');
    tags = tagsOf('Beta 90.flac');
    assert.equal(tags.initialkey, '8B', 'C major in Camelot');
    assert.equal(Number(tags.bpm), Math.round(await bpmOf('Beta Slow')));
    await page.getByTestId('tag-write-cancel').click();
    // the notation is kept
    await page.reload();
    await lib.show();
    await page.locator('[data-testid=library-row]', { hasText: 'Delta Walk' }).click();
    await page.getByTestId('detail-write-tags').click();
    assert.equal(await page.getByTestId('tag-write-notation').inputValue(), 'camelot');
    await page.keyboard.press('Escape');
    await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
  });

  test('the filter bar is one line at 1440×900, 1280×720 and 1024×768; with the chat beside the library every column fits without sideways scrolling', async () => {
    const { page } = studio.sp;
    const oneLine = async () =>
      page.getByTestId('library-filters').evaluate((el) => {
        const kids = Array.from((el as unknown as { children: ArrayLike<{ getBoundingClientRect(): { top: number; height: number } }> }).children).map((c) => c.getBoundingClientRect()).filter((r) => r.height > 0);
        return { tops: [...new Set(kids.map((r) => Math.round(r.top)))], height: (el as unknown as { getBoundingClientRect(): { height: number } }).getBoundingClientRect().height };
      });
    const fits = async () =>
      page.getByTestId('library-table').evaluate((el) => ({ scroll: (el as unknown as { scrollWidth: number }).scrollWidth, client: (el as unknown as { clientWidth: number }).clientWidth }));
    for (const [w, h] of [[1440, 900], [1280, 720], [1024, 768]]) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForFunction((x) => (globalThis as unknown as { innerWidth: number }).innerWidth === x, w);
      // the bar turns compact from its ResizeObserver, which runs after the rAF that saw the new innerWidth: measured
      // in between (the project's CI, loaded) it was the 1280 layout wrapped at 1024 px (66 px high)
      await studio.sp.frames(2);
      const bar = await oneLine();
      await studio.sp.screenshot(`issue12-filter-bar-${w}x${h}`);
      assert.ok(bar.height <= 40, `${w}: filter bar ${bar.height} px high`);
      assert.ok(Math.max(...bar.tops) - Math.min(...bar.tops) <= 8, `${w}: every control on one line (tops ${bar.tops.join(', ')})`);
      // with every row selected the count says so, still on one line
      await page.locator('[data-testid=library-row]').first().click();
      await page.keyboard.press('Control+a');
      await page.getByTestId('library-count').filter({ hasText: /5 selected/ }).waitFor();
      const selBar = await oneLine();
      await studio.sp.screenshot(`issue12-filter-bar-selected-${w}x${h}`);
      assert.ok(selBar.height <= 40 && Math.max(...selBar.tops) - Math.min(...selBar.tops) <= 8, `${w}: one line with a selection (${selBar.height} px, tops ${selBar.tops.join(', ')})`);
      // the View menu (BPM range, spelling, columns) and the Write tags dialog fit this size
      await page.getByTestId('columns-open').click();
      const menu = (await page.getByTestId('columns-chooser').boundingBox())!;
      assert.ok(menu.x >= 0 && menu.y + menu.height <= h, `${w}: the View menu is on screen`);
      await studio.sp.screenshot(`issue12-view-menu-${w}x${h}`);
      await page.keyboard.press('Escape');
      await page.getByTestId('columns-chooser').waitFor({ state: 'hidden' });
      await page.locator('[data-testid=library-row]', { hasText: 'Delta Walk' }).click();
      await page.getByTestId('detail-write-tags').click();
      const dialog = (await page.getByTestId('tag-write-dialog').boundingBox())!;
      assert.ok(dialog.y >= 0 && dialog.y + dialog.height <= h, `${w}: the dialog is on screen`);
      await studio.sp.screenshot(`issue12-tag-write-dialog-${w}x${h}`);
      await page.keyboard.press('Escape');
      await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
      // the chat beside the library
      await page.getByTestId('library-chat-toggle').click();
      await page.getByTestId('chat').waitFor();
      await page.locator('[data-testid=library-row] [data-col=status]').first().waitFor();
      await studio.sp.frames(2); // the columns that do not fit are dropped from the table's ResizeObserver
      const f = await fits();
      assert.ok(f.scroll <= f.client + 1, `${w}: with the chat beside it the table fits: ${f.scroll} px in ${f.client} px`);
      const status = (await page.locator('[data-testid=library-row] [data-col=status]').first().boundingBox())!;
      const table = (await page.getByTestId('library-table').boundingBox())!;
      assert.ok(status.x + status.width <= table.x + table.width + 1, `${w}: the Status column is in view`);
      const chatBar = await oneLine();
      assert.ok(Math.max(...chatBar.tops) - Math.min(...chatBar.tops) <= 8 || chatBar.height <= 72, `${w}: with the chat the filter bar stays compact (${chatBar.height} px)`);
      await studio.sp.screenshot(`issue12-chat-beside-library-${w}x${h}`);
      await page.getByTestId('library-chat-toggle').click();
      await page.getByTestId('chat').waitFor({ state: 'hidden' });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
