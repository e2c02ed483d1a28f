import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { OUTPUT, toneFile } from '../helpers/media';
import { copyScannedRows, libraryPage, scanFolder } from './library-page';
import { holdAnswers, launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * A selection gesture that loads ids is dropped when another gesture comes
 * meanwhile (tester17). On a library of 10,049 rows Ctrl+A took 15 s (the ids
 * of rows not fetched yet come from the engine); an arrow key pressed meanwhile
 * selected one row, and then the late answer made it "10049 selected" — what
 * Write tags… and Export ▸ Selected rows act on. Here 230 rows (more than the
 * table's 200-row page, so Ctrl+A asks the engine: 3 files scanned, their rows
 * copied in the database under other names, as scanning 230 files would take
 * minutes) and the engine's answer held back by a WebSocket route until the
 * arrow key has acted.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/library-select-race.test.ts
 */
describe('library: a late Ctrl+A does not override a later gesture (tester17)', { timeout: 300_000 }, () => {
  const N = 230;
  const dir = join(OUTPUT, 'e2e-select-race', 'Many');
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;
  /** replies held back (the engine's answers to Ctrl+A's id query), sent on release */
  let held: Array<() => void> = [];
  let holding = false;

  before(async () => {
    rmSync(join(OUTPUT, 'e2e-select-race'), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const one = toneFile('select-race-1s.wav', 1);
    for (let i = 0; i < 3; i++) copyFileSync(one, join(dir, `t${i}.wav`));
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe().finally(() => launching);
    await launching;
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    // Ctrl+A's query: the ids of every row (more than the table's cached page), in one call
    ({ held } = await holdAnswers(page, (method) => holding && method === 'library:ids'));
    sp = new StudioPage(page, serve);
    await page.goto(serve.openUrl);
    await sp.waitForEvent('app-ready', { after: 0 });
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    rmSync(join(OUTPUT, 'e2e-select-race'), { recursive: true, force: true });
  });

  test('Ctrl+A, then ↓ before its ids arrive: one row stays selected, the late answer is dropped', async () => {
    await scanFolder(sp, dir, 3);
    const page = sp.page;
    // the scanned rows copied under names no file has (the watcher sees no change), then the page reloaded
    copyScannedRows(serve.dataDir, dir, N, 3);
    await page.reload();
    await sp.waitForEvent('app-ready', { after: 0 });
    const lib = libraryPage(sp);
    if (!(await lib.view.isVisible())) await lib.show();
    // (the table is virtualised: only the rows in view are in the page)
    await page.locator(`[data-testid=library-table][data-total="${N}"]`).waitFor();
    await lib.rows.nth(2).waitFor();
    await lib.rows.nth(2).click();
    await page.getByTestId('library-table').focus();
    holding = true;
    await page.keyboard.press('Control+a');
    await page.waitForFunction(() => true, null, { polling: 50 }).then(async () => {
      for (let i = 0; i < 2400 && !held.length; i++) await new Promise((r) => setTimeout(r, 50));
    });
    assert.equal(held.length, 1, "Ctrl+A asked the engine for the ids it had not fetched");
    holding = false;
    let m = await sp.mark();
    await page.keyboard.press('ArrowDown');
    const moved = await sp.waitForEvent('library-selected', { after: m });
    assert.deepEqual([(moved.detail as { index: number }).index, (moved.detail as { count: number }).count], [3, 1]);
    m = await sp.mark();
    held.splice(0).forEach((send) => send());
    const late = await sp.waitForEvent(['library-selection-dropped', 'library-selected'], { after: m });
    assert.equal(late.name, 'library-selection-dropped', `the late Ctrl+A answer: ${JSON.stringify(late)}`);
    assert.equal(await page.getByTestId('library-count').innerText(), `${N} tracks`, 'one row selected, as the arrow key left it');
    // Ctrl+A without another gesture still selects every row
    m = await sp.mark();
    await page.keyboard.press('Control+a');
    const all = await sp.waitForEvent('library-selected', { after: m });
    assert.equal((all.detail as { count: number }).count, N);
    await sp.screenshot('tester17-select-race');
  });
});
