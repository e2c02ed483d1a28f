// Library: Ctrl/Cmd+A in the table selects every track shown (found by
// tester4, issue 12): it selected the page's text instead, so writing tags to
// a whole crate meant Ctrl-clicking every row. Then Write tags… on all of
// them, one row reached through a symlink (its link stays a link, the linked
// file gets the tags).
// Needs `npm run build`. Run: node tools/run-tests.mjs test/e2e/library-select-all.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { libraryFolder, libraryPage } from './library-page';
import { useStudio } from '../helpers/studio';
import { OUTPUT } from '../helpers/media';

describe('library: select all, then write tags', { timeout: 300_000 }, () => {
  let lib: ReturnType<typeof libraryPage>;
  let dir = '';
  const store = join(OUTPUT, 'e2e-library-select-all', 'Store', 'Alpha kept.mp3');
  const studio = useStudio({ viewport: { width: 1440, height: 900 } });
  before(async () => {
    dir = libraryFolder(12, 'e2e-library-select-all').dir;
    // a crate that links to a file kept outside the library's folders
    mkdirSync(join(OUTPUT, 'e2e-library-select-all', 'Store'), { recursive: true });
    copyFileSync(join(dir, 'Alpha 120.mp3'), store);
    symlinkSync(store, join(dir, 'sub', 'Alpha link.mp3'));
    lib = libraryPage(studio.sp);
    await lib.show();
    const ev = await lib.addFolder(dir);
    assert.equal(ev.name, 'library-folder-added', JSON.stringify(ev.detail));
    await studio.sp.page.locator('[data-testid=scan-progress][data-state=finished]').waitFor({ timeout: 120_000 });
    await lib.waitForTotal(6);
  });

  test('Ctrl+A selects every row (not the page text); Write tags… goes to all of them; the symlink stays', async () => {
    const { page } = studio.sp;
    await page.locator('[data-testid=library-row]').first().click();
    let m = await studio.sp.mark();
    await page.keyboard.press('Control+a');
    const ev = await studio.sp.waitForEvent('library-selected', { after: m });
    assert.equal((ev.detail as { count: number }).count, 6);
    assert.equal(await page.evaluate(() => String((globalThis as unknown as { getSelection(): unknown }).getSelection())), '', 'no page text selected');
    await page.locator('[data-testid=detail-write-tags]', { hasText: '(6)' }).waitFor();
    await studio.sp.screenshot('tester4-library-select-all');
    await page.getByTestId('detail-write-tags').click();
    await page.getByTestId('tag-write-dialog').waitFor();
    await page.getByTestId('tag-write-notation').selectOption('camelot');
    m = await studio.sp.mark();
    await page.getByTestId('tag-write-go').click();
    const done = await studio.sp.waitForEvent('tag-write-done', { after: m });
    // the broken file has no tempo or key: left out and named before writing (tester31), so nothing is refused
    assert.deepEqual(done.detail, { written: 5, failed: 0 }, await page.getByTestId('tag-write-failures').innerText({ timeout: 1000 }).catch(() => ''));
    assert.match(await page.getByTestId('tag-write-refused').innerText(), /"Broken track\.mp3" is not analysed \(its analysis failed\)/);
    await studio.sp.screenshot('tester4-library-select-all-written');
    assert.ok(lstatSync(join(dir, 'sub', 'Alpha link.mp3')).isSymbolicLink(), 'the link is still a link');
    for (const f of [join(dir, 'Alpha 120.mp3'), store]) {
      const tags = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags', '-of', 'json', f]).toString()) as { format: { tags: Record<string, string> } };
      assert.equal(tags.format.tags.TKEY, '8A', f);
    }
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });

  test('key only on one track: written alone, and the notice says the key (it said "BPM and key")', async () => {
    const { page } = studio.sp;
    await page.getByTestId('tag-write-cancel').click();
    await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
    await page.locator('[data-testid=library-row]', { hasText: 'Gamma Rush' }).click();
    await page.locator('[data-testid=detail-title]', { hasText: 'Gamma Rush' }).waitFor();
    await page.getByTestId('detail-write-tags').click();
    await page.getByTestId('tag-write-dialog').waitFor();
    await page.getByTestId('tag-write-bpm').uncheck();
    await page.getByTestId('tag-write-notation').selectOption('standard');
    const m = await studio.sp.mark();
    await page.getByTestId('tag-write-go').click();
    const done = await studio.sp.waitForEvent('tag-write-done', { after: m });
    assert.deepEqual(done.detail, { written: 1, failed: 0 });
    const toast = page.locator('[data-testid=toast-notice]', { hasText: 'Tags written' }).last();
    await toast.waitFor();
    assert.equal(await toast.locator('.message').innerText(), 'The key is in the tags of "Gamma 128.wav".');
    await studio.sp.screenshot('tester4-tag-write-key-only');
  });
});
