import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { foldBpm, outsideBpmRangeNote } from '@contract';
import { useStudio } from '../helpers/studio';
import { libraryPage, scannedLibrary } from './library-page';

/**
 * The BPM range (issue 11 "Also": applied wherever a tempo is shown, never
 * re-analysing) in the track view too (tester14): with View ▸ BPM range 60–120
 * the library showed Gamma Rush at 64 BPM, but opening it, the waveform's
 * "Beat grid" button read 128 — one track, two tempi on screen. The grid's
 * lines stay the analysed beats; its tooltip says so.
 * Run: npm run build && node --import tsx --test test/e2e/bpm-range-track.test.ts
 */
describe('BPM range: the track view shows the tempo as the library does', { timeout: 300_000 }, () => {
  const studio = useStudio();

  test('60–120: the library shows 64, the opened track\'s Beat grid reads 64 (analysed 128 in its tooltip)', async () => {
    const { sp } = studio;
    const page = sp.page;
    const { lib } = await scannedLibrary(sp, 'e2e-bpm-range-track');
    await page.getByTestId('columns-open').click();
    let m = await sp.mark();
    await page.getByTestId('bpm-range').selectOption('60-120');
    await sp.waitForEvent('library-bpm-range', { after: m });
    await page.keyboard.press('Escape');
    const titles = await lib.column('title');
    const bpms = await lib.column('bpm');
    const i = titles.indexOf('Gamma Rush');
    assert.ok(i >= 0, titles.join(', '));
    type Cells = { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } };
    await page.waitForFunction((k) => /^64\.0/.test((globalThis as unknown as Cells).document.querySelectorAll('[data-testid=library-row] [data-col=bpm]')[k]?.textContent?.trim() ?? ''), i, { polling: 50 });
    void bpms;
    // the table's tooltip names the analysed tempo too (dj33: it said only "Tempo 64.0 BPM, confidence 81%")
    assert.match((await lib.rows.nth(i).locator('[data-col=bpm]').getAttribute('title')) ?? '', /^Tempo 64\.0 BPM, confidence \d+%: right about \d+% of the time\. Shown in the BPM range 60–120 \(analysed: 128\.0 BPM\)\.$/);
    await lib.rows.nth(i).click();
    // dj33: the detail panel read "64.0 BPM 81% confidence" and, two lines below, its features "Tempo: 128 BPM." —
    // nothing said the 64 was folded into the range; now it names the analysed tempo, as the Beat grid's tooltip does
    await page.getByTestId('detail-title').filter({ hasText: 'Gamma Rush' }).waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('detail-tempo').innerText(), /^64\.0 BPM \d+% confidence · analysed 128\.0$/);
    assert.match((await page.getByTestId('detail-tempo').getAttribute('title')) ?? '', /in the BPM range 60–120 \(analysed: 128\.0 BPM\)/);
    m = await sp.mark();
    await page.getByTestId('detail-open').click();
    const beats = (await sp.waitForEvent('beats-loaded', { after: m })).detail as { bpm: number; source: string };
    assert.equal(beats.source, 'library');
    assert.equal(Math.round(beats.bpm), 128, 'the grid is the analysed one');
    await page.getByTestId('beatgrid-bpm').waitFor();
    assert.equal(await page.getByTestId('beatgrid-bpm').innerText(), '64');
    const title = (await page.getByTestId('toggle-beatgrid').getAttribute('title')) ?? '';
    assert.match(title, /^64 BPM in the BPM range 60–120 \(analysed: 128 BPM/);
    // tester20: the track view's header shows the library's tempo and key as its table does — the tempo in the BPM
    // range, the key with its Camelot and Open Key codes (before: no tempo or key there at all)
    await page.getByTestId('track-bpm').waitFor();
    const rowBpm = (await lib.column('bpm'))[i];
    const rowKey = (await lib.column('key'))[i];
    assert.match(await page.getByTestId('track-bpm').innerText(), /^64\.0 BPM/);
    // dj33: the header read "64.0 BPM 92%" beside a Beat grid whose tooltip said 128: the analysed tempo is named here too
    assert.match(await page.getByTestId('track-bpm').innerText(), /^64\.0 BPM \d+% · analysed 128\.0$/);
    assert.match((await page.getByTestId('track-bpm').getAttribute('title')) ?? '', /in the BPM range 60–120 \(analysed: 128\.0 BPM\)/);
    assert.equal(await page.getByTestId('track-bpm').getAttribute('data-certainty'), await lib.rows.nth(i).locator('[data-col=bpm]').getAttribute('data-certainty'));
    assert.ok(rowBpm.startsWith('64.0'), rowBpm);
    const key = await page.getByTestId('track-key').innerText();
    assert.match(key, /^E minor 9A · 2m/, 'Gamma Rush: E minor, Camelot 9A, Open Key 2m');
    // the row's key cell as the header has it: the name and both codes (its confidence left out: it varies)
    const keyCellText = async () =>
      (
        await lib.rows
          .nth(i)
          .locator('[data-col=key]')
          .evaluate((el) => [...el.childNodes].filter((n) => !(n as { classList?: { contains(c: string): boolean } }).classList?.contains('conf')).map((n) => n.textContent).join(' '))
      )
        .replace(/\s+/g, ' ')
        .trim();
    assert.equal(await keyCellText(), 'E minor 9A · 2m', rowKey);
    await sp.screenshot('bpm-range-track');
    // Key notation Camelot (the Columns menu): the header and the Key column write "9A" alone, the name in the tooltip
    await page.getByTestId('view-library').click();
    await page.getByTestId('columns-open').click();
    m = await sp.mark();
    await page.getByTestId('key-notation').selectOption('camelot');
    await sp.waitForEvent('key-notation', { after: m });
    await page.keyboard.press('Escape');
    assert.equal(await keyCellText(), '9A');
    assert.match((await lib.rows.nth(i).locator('[data-col=key]').getAttribute('title')) ?? '', /E minor/, 'the name stays in the tooltip');
    await page.getByTestId('view-track').click();
    assert.match(await page.getByTestId('track-key').innerText(), /^9A(\s|$)/);
    await sp.screenshot('bpm-range-track-camelot');
    await page.getByTestId('view-library').click();
    await page.getByTestId('columns-open').click();
    await page.getByTestId('key-notation').selectOption('all');
    await page.keyboard.press('Escape');
    await page.getByTestId('view-track').click();
    // As analysed: the analysed tempo again
    await page.getByTestId('view-library').click();
    await page.getByTestId('columns-open').click();
    m = await sp.mark();
    await page.getByTestId('bpm-range').selectOption('');
    await sp.waitForEvent('library-bpm-range', { after: m });
    await page.keyboard.press('Escape');
    await page.getByTestId('view-track').click();
    assert.equal(await page.getByTestId('beatgrid-bpm').innerText(), '128');
    await page.waitForFunction(() => /^128\.0 BPM/.test((globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-testid=track-bpm]')?.textContent?.trim() ?? ''), null, { polling: 50 });
    // a range narrower than an octave that no doubling or halving of 128 reaches (100–110): ↕ on the Beat grid and
    // in the header, as the library's BPM column marks it
    await page.getByTestId('view-library').click();
    await page.getByTestId('columns-open').click();
    await page.getByTestId('bpm-range').selectOption('custom');
    await page.getByTestId('bpm-range-custom').fill('100-110');
    m = await sp.mark();
    await page.getByTestId('bpm-range-apply').click();
    await sp.waitForEvent('library-bpm-range', { after: m });
    await page.keyboard.press('Escape');
    await page.getByTestId('view-track').click();
    await page.getByTestId('beatgrid-bpm-outside').waitFor();
    await page.getByTestId('track-bpm-outside').waitFor();
    // the ↕ says why in the one text the library's BPM column uses (outsideBpmRangeNote)
    const why = outsideBpmRangeNote(foldBpm(128, { min: 100, max: 110 })!, { min: 100, max: 110 });
    assert.equal(await page.getByTestId('track-bpm-outside').getAttribute('title'), why);
    assert.equal(await page.getByTestId('beatgrid-bpm-outside').getAttribute('title'), why);
    assert.ok(((await page.getByTestId('toggle-beatgrid').getAttribute('title')) ?? '').includes(`(↕ ${why})`));
    await sp.screenshot('bpm-range-track-outside');
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
