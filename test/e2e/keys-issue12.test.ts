import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { media } from '../helpers/media';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';
import { libraryFolder, libraryPage, trackArgs, type LibraryTrackSpec } from './library-page';
import { launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * Issue 12, defect 12 (the rest): keys the DJ way — the Key column sorts on
 * the Camelot wheel, the key filter takes several keys, "Compatible" filters
 * on the selected track's Camelot neighbours, and one spelling convention
 * (by key signature, sharps or flats) holds in the table, the detail and
 * the chords. Run: npm run build && node tools/run-tests.mjs test/e2e/keys-issue12.test.ts
 */
describe('keys the DJ way (issue 12, defect 12)', { timeout: 300_000 }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;
  let lib: ReturnType<typeof libraryPage>;
  /** Eb major (5B): a key with flats in its signature */
  const epsilon: LibraryTrackSpec = { file: 'Epsilon 110.mp3', title: 'Epsilon Flat', bpm: 110, chord: [51, 55, 58], codec: 'mp3' };

  before(async () => {
    ensureTinyPacks();
    const folder = libraryFolder(12, 'e2e-library-keys');
    writeFileSync(join(folder.dir, epsilon.file), readFileSync(media('library-cadence-Epsilon-110.mp3', trackArgs(epsilon, 12))));
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe({ env: { STUDIO_DISABLE_WEBGPU: '1' } }).finally(() => launching);
    await launching;
    sp = await StudioPage.open(browser, serve, { width: 1440, height: 900 });
    lib = libraryPage(sp);
    await lib.show();
    const ev = await lib.addFolder(folder.dir);
    assert.equal(ev.name, 'library-folder-added', JSON.stringify(ev.detail));
    await sp.page.locator('[data-testid=scan-progress][data-state=finished]').waitFor();
    await lib.waitForTotal(6);
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  const camelotOf = (cell: string) => /(\d{1,2}[AB])/.exec(cell)?.[1] ?? null;
  const wheel = (c: string) => Number.parseInt(c, 10) * 2 + (c.endsWith('B') ? 1 : 0);

  async function filterKey(text: string): Promise<string[]> {
    const { page } = sp;
    const m = await sp.mark();
    await page.getByTestId('filter-key').fill(text);
    await page.getByTestId('filter-key').press('Enter');
    await sp.waitForEvent(['library-page', 'library-filter-problem'], { after: m });
    await page.locator('[data-testid=library-table]:not([data-total=""])').waitFor();
    const total = Number(await page.getByTestId('library-table').getAttribute('data-total'));
    await lib.waitForTotal(total);
    return lib.column('key');
  }

  test('the Key column sorts on the Camelot wheel (1A, 1B … 12B), not as text', async () => {
    const { page } = sp;
    let m = await sp.mark();
    await page.getByTestId('sort-key').click();
    await sp.waitForEvent('library-page', { after: m });
    await lib.waitForTotal(6);
    const codes = (await lib.column('key')).map(camelotOf).filter((c): c is string => !!c);
    assert.ok(codes.length >= 5, `codes ${codes}`);
    assert.ok(codes.includes('10B'), `D major is 10B: ${codes}`);
    for (let i = 1; i < codes.length; i++) assert.ok(wheel(codes[i - 1]) <= wheel(codes[i]), `wheel order: ${codes.join(' ')}`);
    await sp.screenshot('issue12-12-camelot-sort');
    m = await sp.mark();
    await page.getByTestId('sort-key').click();
    await sp.waitForEvent('library-page', { after: m });
    await lib.waitForTotal(6);
    const down = (await lib.column('key')).map(camelotOf).filter((c): c is string => !!c);
    assert.deepEqual(down, [...codes].reverse(), 'descending is the reverse');
  });

  test('several keys in the key filter: "8A 9A", "8A, 10B", "A minor, 9A"', async () => {
    const sorted = (cells: string[]) => cells.map(camelotOf).sort().join(' ');
    assert.equal(sorted(await filterKey('8A 9A')), '8A 9A');
    assert.equal(sorted(await filterKey('8A, 10B')), '10B 8A');
    assert.equal(sorted(await filterKey('A minor, 9A')), '8A 9A');
    assert.equal(sorted(await filterKey('Am Em')), '8A 9A');
    await sp.screenshot('issue12-12-multi-key');
    await sp.page.getByTestId('filter-key').fill('8A H');
    const m = await sp.mark();
    await sp.page.getByTestId('filter-key').press('Enter');
    await sp.waitForEvent('library-filter-problem', { after: m });
    assert.match(await sp.page.getByTestId('filter-problem').innerText(), /"H" is not a key/);
    await filterKey('');
    await lib.waitForTotal(6);
  });

  test('"Compatible" keeps the keys that mix with the selected track (8A → 8A, 7A, 9A, 8B)', async () => {
    const { page } = sp;
    assert.equal(await page.getByTestId('filter-compatible').isDisabled(), true, 'nothing selected yet');
    let m = await sp.mark();
    await page.locator('[data-testid=library-row]', { hasText: 'Alpha Drive' }).click();
    await page.locator('[data-testid=detail-title]', { hasText: 'Alpha Drive' }).waitFor();
    await page.locator('[data-testid=filter-compatible]:not([disabled])').waitFor();
    m = await sp.mark();
    await page.getByTestId('filter-compatible').click();
    const ev = await sp.waitForEvent('library-compatible', { after: m });
    assert.deepEqual((ev.detail as { keys: string[] }).keys, ['8A', '7A', '9A', '8B']);
    assert.equal(await page.getByTestId('filter-key').inputValue(), '8A 7A 9A 8B', 'the filter shows which keys');
    await lib.waitForTotal(3);
    const codes = (await lib.column('key')).map(camelotOf).sort();
    assert.deepEqual(codes, ['8A', '8B', '9A'], 'A minor, C major (relative), E minor (+1); not D major (10B) or Eb major (5B)');
    await sp.screenshot('issue12-12-compatible');
    await filterKey('');
    await lib.waitForTotal(6);
  });

  test('one spelling convention everywhere: by key signature, sharps or flats (kept after a reload)', async () => {
    const { page } = sp;
    const row = page.locator('[data-testid=library-row]', { hasText: 'Epsilon Flat' });
    const keyCell = row.locator('[data-col=key]');
    assert.match(await keyCell.innerText(), /^Eb major/, 'Eb major: flats, as its signature');
    await row.click();
    await page.locator('[data-testid=detail-title]', { hasText: 'Epsilon Flat' }).waitFor();
    let m = await sp.mark();
    await page.getByTestId('columns-open').click(); // the spelling is in the View menu
    await page.getByTestId('key-spelling').selectOption('sharps');
    await page.getByTestId('columns-done').click();
    await sp.waitForEvent('key-spelling', { after: m });
    assert.match(await keyCell.innerText(), /^D# major/);
    assert.match(await page.getByTestId('detail-key').innerText(), /^D# major/);
    assert.match(await page.getByTestId('plot-caption-keys').innerText(), /D# major/);
    const chords = page.getByTestId('detail-chords');
    if (await chords.count()) assert.doesNotMatch(await chords.innerText(), /[A-G]b/, 'no flats in the chords');
    for (const cell of await lib.column('key')) assert.doesNotMatch(cell, /^[A-G]b/, `sharps only: ${cell}`);
    await sp.screenshot('issue12-12-spelling-sharps');
    m = await sp.mark();
    await page.getByTestId('columns-open').click(); // the spelling is in the View menu
    await page.getByTestId('key-spelling').selectOption('flats');
    await page.getByTestId('columns-done').click();
    await sp.waitForEvent('key-spelling', { after: m });
    assert.match(await keyCell.innerText(), /^Eb major/);
    for (const cell of await lib.column('key')) assert.doesNotMatch(cell, /^[A-G]#/, `flats only: ${cell}`);
    if (await chords.count()) assert.doesNotMatch(await chords.innerText(), /[A-G]#/, 'no sharps in the chords');
    // the choice is kept
    m = await sp.mark();
    await page.getByTestId('columns-open').click(); // the spelling is in the View menu
    await page.getByTestId('key-spelling').selectOption('sharps');
    await page.getByTestId('columns-done').click();
    await sp.waitForEvent('key-spelling', { after: m });
    await page.reload();
    await sp.waitForEvent('session-restored', { after: 0 });
    await lib.waitForTotal(6);
    await page.getByTestId('columns-open').click();
    assert.equal(await page.getByTestId('key-spelling').inputValue(), 'sharps');
    await page.getByTestId('columns-done').click();
    assert.match(await page.locator('[data-testid=library-row]', { hasText: 'Epsilon Flat' }).locator('[data-col=key]').innerText(), /^D# major/);
    await page.getByTestId('columns-open').click(); // the spelling is in the View menu
    await page.getByTestId('key-spelling').selectOption('signature');
    await page.getByTestId('columns-done').click();
  });

  test('gap (rekordbox): Space on a row previews it from the table; Space again, or Enter, stops it', async () => {
    const { page } = sp;
    const row = page.locator('[data-testid=library-row]', { hasText: 'Gamma Rush' });
    await row.click();
    let m = await sp.mark();
    await page.keyboard.press(' ');
    const playing = await sp.waitForEvent('library-preview-playing', { after: m });
    const time = (playing.detail as { time: number }).time;
    assert.ok(time > 3 && time < 5, `from 30 % in (12 s track): ${time}`);
    assert.equal(await row.getAttribute('data-previewing'), 'true');
    // tester24: "▶ " lost its space (Svelte 5 trims a tag's ends): the row read "▶Gamma Rush"
    assert.equal((await row.locator('[data-col=title]').innerText()).trim(), '▶ Gamma Rush');
    assert.equal(await page.getByTestId('library-view').isVisible(), true, 'still in the library');
    await sp.screenshot('issue12-gap-library-preview');
    m = await sp.mark();
    await page.keyboard.press(' ');
    await sp.waitForEvent('library-preview-stopped', { after: m });
    assert.equal(await row.getAttribute('data-previewing'), 'false');
    // another preview, then leaving the library stops it
    m = await sp.mark();
    await page.keyboard.press(' ');
    await sp.waitForEvent('library-preview-playing', { after: m });
    m = await sp.mark();
    await page.keyboard.press('Control+l');
    await sp.waitForEvent('library-preview-stopped', { after: m });
    await page.keyboard.press('Control+l');
  });

  test('gap (LM Studio beside the library): "Ask about it" brings the chat out beside the table, about the selected row', async () => {
    const { page } = sp;
    await page.locator('[data-testid=library-row]', { hasText: 'Beta Slow' }).click();
    await page.locator('[data-testid=detail-title]', { hasText: 'Beta Slow' }).waitFor();
    assert.equal(await page.getByTestId('chat').isVisible(), false, 'the library alone at first');
    let m = await sp.mark();
    await page.getByTestId('detail-ask').click();
    await sp.waitForEvent('library-ask', { after: m });
    await page.getByTestId('chat').waitFor();
    assert.equal(await page.getByTestId('library-view').isVisible(), true, 'the library stays');
    assert.match((await page.getByTestId('chat').locator('.for').getAttribute('title')) ?? '', /Beta 90\.flac$/);
    const chosen = await sp.chat().choosePack(join(TINY_DIR, 'packs', 'alpha-fp32'));
    assert.equal(chosen.name, 'pack-chosen', JSON.stringify(chosen.detail));
    m = await sp.chat().ask('What key is it in?');
    const ev = await sp.chat().answered(m);
    assert.equal(ev.name, 'chat-answered', JSON.stringify(ev.detail));
    assert.equal(await page.getByTestId('library-view').isVisible(), true);
    const table = (await page.getByTestId('library-table').boundingBox())!;
    const chat = (await page.getByTestId('chat').boundingBox())!;
    assert.ok(table.x + table.width <= chat.x + 1, 'side by side');
    await sp.screenshot('issue12-gap-chat-beside-library');
    // the toggle hides it again (and Ctrl+K brings it back)
    await page.getByTestId('library-chat-toggle').click();
    await page.getByTestId('chat').waitFor({ state: 'hidden' });
    await page.getByTestId('library-table').focus();
    await page.keyboard.press('Control+k');
    await page.getByTestId('chat').waitFor();
    await page.getByTestId('library-chat-toggle').click();
  });

  test('no page errors', () => {
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
