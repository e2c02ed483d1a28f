import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { formatTags, scannedLibrary } from './library-page';
import { useStudio } from '../helpers/studio';

/**
 * Issue 12 leftover: the Write tags… dialog's Cancel stops after the file
 * being written, says how many were written and how many were not started,
 * and leaves every file whole (written, or byte for byte as it was). The
 * engine is frozen (SIGSTOP) before Write is pressed, so Cancel lands while
 * the first file is being written, whatever the machine's speed.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/tag-write-cancel.test.ts
 */

/**
 * The dialog's check (library:tag-plan, in parts since ui35: three calls for four tracks) finished: Write is enabled.
 * Freezing the engine before that left a part unanswered and Write disabled for good (pre35: two cases timed out).
 */
async function planned(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const go = (globalThis as unknown as { document: { querySelector(s: string): { disabled: boolean } | null } }).document.querySelector('[data-testid=tag-write-go]');
    return !!go && !go.disabled;
  });
}

describe('Write tags… Cancel (issue 12)', { timeout: 300_000 }, () => {
  let dir = '';
  const studio = useStudio({ viewport: { width: 1440, height: 900 } });
  const FILES = ['Alpha 120.mp3', 'Beta 90.flac', 'Gamma 128.wav', 'sub/Delta 100.mp3'];
  const TITLES = ['Alpha Drive', 'Beta Slow', 'Gamma Rush', 'Delta Walk'];
  const sha = (file: string) => createHash('sha256').update(readFileSync(join(dir, file))).digest('hex');
  const tagsOf = (file: string) => formatTags(join(dir, file));
  const listing = () => [...readdirSync(dir), ...readdirSync(join(dir, 'sub')).map((f) => `sub/${f}`)].sort();

  before(async () => {
    ({ dir } = await scannedLibrary(studio.sp, 'e2e-tag-write-cancel'));
  });

  test('Cancel while the first of four files is written: that file is written whole, the other three are not started and unchanged', async () => {
    const { page } = studio.sp;
    const pid = Number(/pid (\d+)/.exec((await page.getByTestId('engine-status').getAttribute('title')) ?? '')?.[1]);
    assert.ok(pid > 0, 'the engine pid is shown');
    const before = Object.fromEntries(FILES.map((f) => [f, sha(f)]));
    const filesBefore = listing();
    // four rows, clicked from the last shown to the first: the dialog writes them in the table's order, Alpha first, as
    // a crate adds them (ui36: it wrote them in click order, Delta first)
    const clicked = [...TITLES].reverse();
    await page.locator('[data-testid=library-row]', { hasText: clicked[0] }).click();
    for (const t of clicked.slice(1)) await page.locator('[data-testid=library-row]', { hasText: t }).click({ modifiers: ['Control'] });
    assert.deepEqual(await page.locator('[data-testid=library-row][aria-selected=true]').evaluateAll((rows) => rows.map((r) => (r as unknown as { innerText: string }).innerText.split('\t')[0].split('\n')[0])), TITLES, 'the table shows them Alpha … Delta');
    await page.locator('[data-testid=detail-write-tags]', { hasText: '(4)' }).click();
    await page.getByTestId('tag-write-dialog').waitFor();
    await page.getByTestId('tag-write-notation').selectOption('standard');
    await planned(page);
    await studio.sp.screenshot('issue12-tag-write-cancel-ready');
    const m = await studio.sp.mark();
    process.kill(pid, 'SIGSTOP');
    let done;
    try {
      await page.getByTestId('tag-write-go').click();
      await page.locator('[data-testid=tag-write-progress]', { hasText: '0 of 4 written' }).waitFor();
      assert.equal(await page.getByTestId('tag-write-cancel').innerText(), 'Cancel', 'Cancel can be pressed while writing');
      await page.getByTestId('tag-write-cancel').click();
      const asked = await studio.sp.waitForEvent('tag-write-cancel', { after: m });
      assert.deepEqual(asked.detail, { done: 0, of: 4 });
      assert.equal(await page.getByTestId('tag-write-cancel').innerText(), 'Stopping…');
      assert.equal(await page.getByTestId('tag-write-cancel').isDisabled(), true);
      assert.match(await page.getByTestId('tag-write-progress').innerText(), /0 of 4 written · stopping after the current file/);
      await studio.sp.screenshot('issue12-tag-write-stopping');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    done = await studio.sp.waitForEvent('tag-write-done', { after: m });
    assert.deepEqual(done.detail, { written: 1, failed: 0, cancelled: true, notStarted: 3 });
    assert.equal(await page.getByTestId('tag-write-progress').innerText(), 'Cancelled: 1 of 4 written · 3 not started');
    assert.equal(await page.getByTestId('tag-write-cancel').innerText(), 'Close');
    await page.locator('[data-testid=toast-notice]', { hasText: 'Writing tags cancelled' }).waitFor();
    await studio.sp.screenshot('issue12-tag-write-cancelled');
    // the first file has its tags and the rest of its tags; the other three are byte for byte as before
    const tags = tagsOf(FILES[0]);
    assert.equal(tags.tkey, 'Am');
    assert.ok(Number(tags.tbpm) >= 119 && Number(tags.tbpm) <= 121, `TBPM ${tags.tbpm}`);
    assert.equal(tags.title, TITLES[0]);
    assert.notEqual(sha(FILES[0]), before[FILES[0]]);
    for (const f of FILES.slice(1)) assert.equal(sha(f), before[f], `${f} was not touched`);
    assert.deepEqual(listing(), filesBefore, 'no half-written copy is left beside the files');
    // the audio of the written file still decodes in full
    const decoded = execFileSync('ffmpeg', ['-v', 'error', '-i', join(dir, FILES[0]), '-f', 'null', '-'], { encoding: 'utf8' });
    assert.equal(decoded.trim(), '');
    await page.getByTestId('tag-write-cancel').click();
    await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
  });

  test('Esc while writing is Cancel too; writing again afterwards writes every file', async () => {
    const { page } = studio.sp;
    const pid = Number(/pid (\d+)/.exec((await page.getByTestId('engine-status').getAttribute('title')) ?? '')?.[1]);
    await page.locator('[data-testid=detail-write-tags]', { hasText: '(4)' }).click();
    await page.getByTestId('tag-write-dialog').waitFor();
    await page.getByTestId('tag-write-notation').selectOption('camelot');
    await planned(page);
    let m = await studio.sp.mark();
    process.kill(pid, 'SIGSTOP');
    try {
      await page.getByTestId('tag-write-go').click();
      await page.locator('[data-testid=tag-write-progress]', { hasText: '0 of 4 written' }).waitFor();
      await page.keyboard.press('Escape');
      await studio.sp.waitForEvent('tag-write-cancel', { after: m });
      assert.equal(await page.getByTestId('tag-write-dialog').isVisible(), true, 'the dialog stays while the current file is written');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const done = await studio.sp.waitForEvent('tag-write-done', { after: m });
    assert.deepEqual(done.detail, { written: 1, failed: 0, cancelled: true, notStarted: 3 });
    assert.equal(tagsOf(FILES[0]).tkey, '8A');
    assert.equal(tagsOf(FILES[1]).initialkey, undefined, 'Beta was not started');
    await page.keyboard.press('Escape');
    await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
    // again, to the end
    await page.locator('[data-testid=detail-write-tags]', { hasText: '(4)' }).click();
    m = await studio.sp.mark();
    await page.getByTestId('tag-write-go').click();
    const all = await studio.sp.waitForEvent('tag-write-done', { after: m });
    assert.deepEqual(all.detail, { written: 4, failed: 0 });
    assert.equal(await page.getByTestId('tag-write-progress').innerText(), '4 of 4 written');
    assert.equal(tagsOf(FILES[1]).initialkey, '8B');
    assert.equal(tagsOf(FILES[3]).tkey, '10B', 'D major in Camelot');
    await page.getByTestId('tag-write-cancel').click();
  });

  // ui35: Write tags… over 10,000 tracks whose files all carry another program's BPM/key tags read each file before
  // the dialog could say what it would write (library:tag-plan, 6–7 s) with nothing shown but "Write …", and Cancel
  // left the count running. Now it is checked in parts (1, 2, 4 … tracks), counted as it goes, and Cancel stops it.
  test('the check before writing is counted as it goes ("0 of 4 tracks"), and Cancel while checking stops the count (ui35)', async () => {
    const { page } = studio.sp;
    const pid = Number(/pid (\d+)/.exec((await page.getByTestId('engine-status').getAttribute('title')) ?? '')?.[1]);
    const m = await studio.sp.mark();
    // frozen before the dialog opens: its first check waits, whatever the machine's speed
    process.kill(pid, 'SIGSTOP');
    try {
      await page.locator('[data-testid=detail-write-tags]', { hasText: '(4)' }).click();
      await page.getByTestId('tag-write-dialog').waitFor();
      await page.locator('[data-testid=tag-write-checking]', { hasText: 'Checking what can be written: 0 of 4 tracks…' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('[data-testid=tag-write-checking] progress').getAttribute('max'), '4');
      await studio.sp.screenshot('ui35-tag-plan-checking');
      await page.getByTestId('tag-write-cancel').click();
      await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // opened again and left to finish: its parts counted 1, 3, 4 of 4; the cancelled check went no further (its one
    // part's answer, arriving after the Cancel, counted nothing)
    const again = await studio.sp.mark();
    await page.locator('[data-testid=detail-write-tags]', { hasText: '(4)' }).click();
    await studio.sp.waitForEvent('tag-write-open', { after: again });
    await page.locator('[data-testid=tag-write-go]', { hasText: 'Write 4 files' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('tag-write-checking').count(), 0, 'the count goes once the check is done');
    const counted = (await studio.sp.events()).filter((e) => e.seq > m && e.name === 'tag-plan-progress').map((e) => e.detail as { plan: number; checked: number; of: number });
    assert.deepEqual(counted.map((c) => [c.checked, c.of]), [[1, 4], [3, 4], [4, 4]], JSON.stringify(counted));
    assert.equal(new Set(counted.map((c) => c.plan)).size, 1, 'all from the check opened again');
    await page.getByTestId('tag-write-cancel').click();
    await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
  });

  test('the engine killed while a file is written: the dialog says how many were written, that the file being written is whole, and how many were not started (crash34)', async () => {
    // before: the dialog went back to its form as if nothing had run, and the toast said only "Could not write the
    // tags: The analysis engine stopped unexpectedly … try again" — which files had their tags, and whether the one
    // being written was left half-written, was not said
    const { page } = studio.sp;
    const pid = Number(/pid (\d+)/.exec((await page.getByTestId('engine-status').getAttribute('title')) ?? '')?.[1]);
    const before = Object.fromEntries(FILES.map((f) => [f, sha(f)]));
    await page.locator('[data-testid=detail-write-tags]', { hasText: '(4)' }).click();
    await page.getByTestId('tag-write-dialog').waitFor();
    await page.getByTestId('tag-write-notation').selectOption('openkey');
    await planned(page);
    const m = await studio.sp.mark();
    // frozen before Write, killed while the first file's write is asked: a crash in the middle of a write
    process.kill(pid, 'SIGSTOP');
    try {
      await page.getByTestId('tag-write-go').click();
      await page.locator('[data-testid=tag-write-progress]', { hasText: '0 of 4 written' }).waitFor();
    } finally {
      // killed whatever happened above: an engine left stopped held the suite's teardown for good (a failed run here)
      process.kill(pid, 'SIGKILL');
    }
    const done = await studio.sp.waitForEvent('tag-write-done', { after: m });
    assert.deepEqual(done.detail, { written: 0, failed: 0, stopped: true, notStarted: 3 });
    assert.equal(
      await page.getByTestId('tag-write-progress').innerText(),
      'Stopped: the engine stopped while writing · 0 of 4 written · the file being written is whole (written, or as it was) · 3 not started',
    );
    const toast = page.locator('[data-testid=toast-warning]', { hasText: 'Writing tags stopped' });
    await toast.waitFor();
    assert.match(await toast.innerText(), /The engine stopped while writing: 0 of 4 files written; the one being written is whole \(written, or as it was\), 3 not started and left as they were\. Write tags again for the rest\./);
    assert.equal(await page.getByTestId('tag-write-cancel').innerText(), 'Close');
    await studio.sp.screenshot('crash34-tag-write-engine-killed');
    // every file whole: the first written or as it was, the other three byte for byte as they were
    assert.ok(sha(FILES[0]) === before[FILES[0]] || tagsOf(FILES[0]).tkey !== undefined, 'the first file: as it was, or written');
    for (const f of FILES.slice(1)) assert.equal(sha(f), before[f], `${f} was not touched`);
    await page.getByTestId('tag-write-cancel').click();
    await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
