// Library: a filter that hides selected rows takes them out of the selection (tester31). Ctrl+A, then a BPM range
// that hid every row, said "0 tracks · 11 selected", and "Write tags (11)…" (export, add to crate) still acted on the
// rows no longer shown. DJ software (rekordbox, Mixxx) keeps only the rows still shown selected.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/e2e/selection-filter-tester31.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { scanFolder, scannedLibrary, type libraryPage } from './library-page';
import { ff, OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';

describe('library: a filter narrows the selection to the rows it shows', { timeout: 300_000 }, () => {
  let lib: ReturnType<typeof libraryPage>;
  const studio = useStudio({ viewport: { width: 1440, height: 900 } });
  before(async () => {
    ({ lib } = await scannedLibrary(studio.sp, 'e2e-selection-filter-tester31'));
  });

  test('Ctrl+A, then BPM 100–125: the two rows shown stay selected; a search that hides all: none', async () => {
    const { page } = studio.sp;
    await page.locator('[data-testid=library-row]').first().click();
    await page.keyboard.press('Control+a');
    await page.locator('[data-testid=library-count]', { hasText: '5 selected · 5 tracks' }).waitFor();
    await page.getByTestId('filter-bpm-min').fill('100');
    await page.getByTestId('filter-bpm-max').fill('125');
    await page.getByTestId('filter-bpm-max').press('Enter');
    await lib.waitForTotal(2);
    const count = page.getByTestId('library-count');
    await page.locator('[data-testid=library-count]', { hasText: '2 selected' }).waitFor({ timeout: 5000 }).catch(() => undefined);
    assert.equal((await count.innerText()).trim(), '2 selected · 2 tracks', 'the rows the filter hides left the selection');
    await page.locator('[data-testid=detail-write-tags]', { hasText: 'Write tags (2)…' }).waitFor({ timeout: 5000 });
    await page.getByTestId('filter-text').fill('no such track anywhere');
    await page.getByTestId('filter-text').press('Enter');
    await page.locator('[data-testid=library-table][data-total="0"]').waitFor();
    await page.waitForTimeout(500);
    assert.equal((await count.innerText()).trim(), '0 tracks', 'nothing shown, nothing selected');
    // the detail panel still shows the track clicked first: it says the filter hides it, and offers no Write tags… for
    // it (ui35: "Write tags…" wrote to the track no row showed)
    await page.getByTestId('detail-hidden').waitFor({ timeout: 5000 }).catch(() => undefined);
    assert.match(await page.getByTestId('library-detail').innerText(), /Hidden by the filter/);
    assert.equal(await page.getByTestId('detail-write-tags').count(), 0, 'no Write tags… for a track the filter hides');
    await studio.sp.screenshot('ui35-detail-hidden-by-filter');
    // no rows: ↑ on the table still reaches the column headers (a sort to choose before the filter is cleared)
    await page.getByTestId('library-table').focus();
    await page.keyboard.press('ArrowUp');
    assert.match(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') ?? ''), /^sort-/, '↑ in a table with no rows: the headers');
    await page.keyboard.press('Escape');
    await page.getByTestId('export-open').click();
    assert.equal(await page.getByTestId('export-scope').locator('option[value=selection]').isDisabled(), true, 'no selection to export');
    await studio.sp.screenshot('tester31-selection-filter');
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });

  test('a BPM range typed high to low (125 – 100) filters on 100–125, as --bpm-range 140-70 is 70–140', async () => {
    const { page } = studio.sp;
    await page.keyboard.press('Escape');
    await page.getByTestId('filter-clear').click();
    await lib.waitForTotal(5);
    // its row shown again: the note goes, Write tags… is back
    await page.getByTestId('detail-hidden').waitFor({ state: 'detached', timeout: 5000 });
    await page.getByTestId('detail-write-tags').waitFor({ timeout: 5000 });
    await page.getByTestId('filter-bpm-min').fill('125');
    await page.getByTestId('filter-bpm-max').fill('100');
    await page.getByTestId('filter-bpm-max').press('Enter');
    await page.locator('[data-testid=library-table][data-total="2"]').waitFor({ timeout: 5000 }).catch(() => undefined);
    // (the message is read only when there is one: innerText on a missing element waits out the 120 s action timeout)
    const problem = page.getByTestId('filter-problem');
    if (await problem.count()) assert.fail(`the range was refused: ${await problem.innerText()}`);
    await lib.waitForTotal(2);
    assert.deepEqual((await lib.column('title')).sort(), ['Alpha Drive', 'Delta Walk']);
    await studio.sp.screenshot('tester31-bpm-filter-reversed');
  });

  test('Write tags… over every row counts only the files that can be written and names the one whose analysis failed, before', async () => {
    const { page } = studio.sp;
    await page.getByTestId('filter-clear').click();
    await lib.waitForTotal(5);
    await page.locator('[data-testid=library-row]').first().click();
    await page.keyboard.press('Control+a');
    await page.locator('[data-testid=detail-write-tags]', { hasText: 'Write tags (5)…' }).click();
    await page.getByTestId('tag-write-dialog').waitFor();
    const go = page.getByTestId('tag-write-go');
    await page.locator('[data-testid=tag-write-go]', { hasText: 'Write 4 files' }).waitFor({ timeout: 5000 }).catch(() => undefined);
    assert.equal((await go.innerText()).trim(), 'Write 4 files', 'the failed file is not counted');
    assert.match(await page.getByTestId('tag-write-refused').innerText(), /"Broken track\.mp3" is not analysed \(its analysis failed\)/);
    await studio.sp.screenshot('tester31-tag-write-skipped');
    const m = await studio.sp.mark();
    await go.click();
    const done = await studio.sp.waitForEvent('tag-write-done', { after: m });
    assert.deepEqual(done.detail, { written: 4, failed: 0 }, await page.getByTestId('tag-write-failures').innerText({ timeout: 1000 }).catch(() => ''));
    assert.equal(await page.getByTestId('tag-write-progress').innerText(), '4 of 4 written');
  });

  // tagplan33 (tester32): 12 selected, "Write 10 files", then 3 refused one by one ("Sine440.mp3" has no tempo or key
  // sure enough…). The dialog left out only failed and pending tracks; now it counts what library:tag-plan says the
  // write would write (the engine's own rule) and names the others, with the reason, before anything is written.
  test('Write tags… over a sure track, a sine (key uncertain) and noise: "Write 1 file", the two named before writing; Ctrl+A: "Write 4 files", four named', async () => {
    const { page } = studio.sp;
    const more = join(OUTPUT, 'e2e-selection-filter-tester32', 'More');
    rmSync(join(OUTPUT, 'e2e-selection-filter-tester32'), { recursive: true, force: true });
    mkdirSync(more, { recursive: true });
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=12', '-ac', '2', '-fflags', '+bitexact', join(more, '..', 'sine.wav')]);
    execFileSync('lame', ['--quiet', '-V', '2', join(more, '..', 'sine.wav'), join(more, 'Sine440.mp3')]);
    ff(['-f', 'lavfi', '-i', 'anoisesrc=d=12:c=pink:a=0.3', '-ac', '2', '-fflags', '+bitexact', join(more, '..', 'noise.wav')]);
    execFileSync('flac', ['--silent', '-f', '-o', join(more, 'Noise.flac'), join(more, '..', 'noise.wav')]);
    ff(['-f', 'lavfi', '-i', 'sine=f=55:d=12', '-ac', '2', '-fflags', '+bitexact', join(more, '..', 'low.wav')]);
    execFileSync('oggenc', ['--quiet', '-o', join(more, 'Low.ogg'), join(more, '..', 'low.wav')]);
    await page.getByTestId('tag-write-cancel').click();
    await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
    await scanFolder(studio.sp, more, 8);
    await page.locator('[data-testid=library-row]', { hasText: 'Alpha Drive' }).click();
    await page.locator('[data-testid=library-row]', { hasText: 'Sine440' }).click({ modifiers: ['Control'] });
    await page.locator('[data-testid=library-row]', { hasText: 'Noise' }).click({ modifiers: ['Control'] });
    await page.locator('[data-testid=detail-write-tags]', { hasText: 'Write tags (3)…' }).click();
    await page.getByTestId('tag-write-dialog').waitFor();
    const go = page.getByTestId('tag-write-go');
    await page.locator('[data-testid=tag-write-go]', { hasText: 'Write 1 file' }).waitFor({ timeout: 5000 }).catch(() => undefined);
    assert.equal((await go.innerText()).trim(), 'Write 1 file', 'the two the engine would refuse are not counted');
    const refused = await page.getByTestId('tag-write-refused').locator('li').allInnerTexts();
    assert.equal(refused.length, 2, refused.join(' | '));
    assert.ok(refused.some((r) => /^"Sine440\.mp3" has no tempo or key sure enough to write into its tags: the best guesses \(key .* at \d+% confidence\) are uncertain \(below 50%\)/.test(r)), refused.join(' | '));
    assert.ok(refused.some((r) => /^"Noise\.flac" has (nothing to write|no tempo or key sure enough)/.test(r)), refused.join(' | '));
    await studio.sp.screenshot('tagplan33-tag-write-refused');
    // the key only: Alpha's key is sure (written); unticking both: nothing to write
    await page.getByTestId('tag-write-bpm').uncheck();
    await page.locator('[data-testid=tag-write-go]', { hasText: 'Write 1 file' }).waitFor({ timeout: 5000 });
    await page.getByTestId('tag-write-key').uncheck();
    await page.locator('[data-testid=tag-write-go]', { hasText: 'Nothing to write' }).waitFor({ timeout: 5000 });
    assert.equal(await go.isDisabled(), true);
    await page.getByTestId('tag-write-bpm').check();
    await page.getByTestId('tag-write-key').check();
    await page.locator('[data-testid=tag-write-go]', { hasText: 'Write 1 file' }).waitFor({ timeout: 5000 });
    const m = await studio.sp.mark();
    await go.click();
    const done = await studio.sp.waitForEvent('tag-write-done', { after: m });
    assert.deepEqual(done.detail, { written: 1, failed: 0 }, await page.getByTestId('tag-write-failures').innerText({ timeout: 1000 }).catch(() => ''));
    assert.equal(await page.getByTestId('tag-write-progress').innerText(), '1 of 1 written');
    // every row (Ctrl+A): four of eight written; the four refused named, past three behind "1 more"
    await page.getByTestId('tag-write-cancel').click();
    await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
    await page.locator('[data-testid=library-row]').first().click();
    await page.keyboard.press('Control+a');
    await page.locator('[data-testid=detail-write-tags]', { hasText: 'Write tags (8)…' }).click();
    await page.locator('[data-testid=tag-write-go]', { hasText: 'Write 4 files' }).waitFor({ timeout: 5000 });
    const box = page.getByTestId('tag-write-refused');
    assert.match(await box.innerText(), /^4 files not written:/);
    await page.getByTestId('tag-write-refused-more').locator('summary', { hasText: '1 more' }).click();
    const all = await box.locator('li').allInnerTexts();
    assert.equal(all.length, 4, all.join(' | '));
    assert.ok(all.some((r) => /^"Low\.ogg" has (nothing to write|no tempo or key sure enough)/.test(r)), all.join(' | '));
    await studio.sp.screenshot('tagplan33-tag-write-refused-more');
    await page.keyboard.press('Escape');
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
