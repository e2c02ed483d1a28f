import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { OUTPUT, toneFile } from '../helpers/media';
import { copyScannedRows, libraryPage, scanFolder } from './library-page';
import { launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * A shift-click range over rows the table has not fetched takes their ids from one `library:ids` call, as
 * Ctrl+A does, instead of paging full rows through `library:query` (2,000 a call: five calls for a range
 * of 10,000; left14). Here 1,000 rows (3 files scanned, their rows copied in the database under other
 * names), a click on row 2, a jump to the end (rows 200…799 never fetched) and a shift-click on the last row:
 * the engine calls of the gesture are counted on the WebSocket.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/library-range-ids.test.ts
 */
describe('library: a shift-click range over rows not fetched is one library:ids call (left14)', { timeout: 300_000 }, () => {
  const N = 1000;
  const dir = join(OUTPUT, 'e2e-range-ids', 'Many');
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;
  /** the methods the page called, in order */
  const calls: string[] = [];

  before(async () => {
    rmSync(join(OUTPUT, 'e2e-range-ids'), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const one = toneFile('range-ids-1s.wav', 1);
    for (let i = 0; i < 3; i++) copyFileSync(one, join(dir, `t${i}.wav`));
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe().finally(() => launching);
    await launching;
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        const msg = JSON.parse(String(m)) as { t: string; method?: string };
        if (msg.t === 'req' && msg.method) calls.push(msg.method);
        server.send(m);
      });
      server.onMessage((m) => ws.send(m));
    });
    sp = new StudioPage(page, serve);
    await page.goto(serve.openUrl);
    await sp.waitForEvent('app-ready', { after: 0 });
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    rmSync(join(OUTPUT, 'e2e-range-ids'), { recursive: true, force: true });
  });

  test('click row 2, jump to the end, shift-click the last row: 998 rows selected with one library:ids call and no library:query', async () => {
    await scanFolder(sp, dir, 3);
    const page = sp.page;
    copyScannedRows(serve.dataDir, dir, N, 4);
    await page.reload();
    await sp.waitForEvent('app-ready', { after: 0 });
    const lib = libraryPage(sp);
    if (!(await lib.view.isVisible())) await lib.show();
    await page.locator(`[data-testid=library-table][data-total="${N}"]`).waitFor();
    await lib.rows.nth(2).waitFor();
    let m = await sp.mark();
    await page.locator('[data-testid=library-row][data-index="2"]').click();
    await sp.waitForEvent('library-selected', { after: m });
    // straight to the end: the last page is fetched to be shown, the pages between are not
    await lib.table.evaluate((el) => ((el as unknown as { scrollTop: number; scrollHeight: number }).scrollTop = (el as unknown as { scrollHeight: number }).scrollHeight));
    const last = page.locator(`[data-testid=library-row][data-index="${N - 1}"]`);
    await last.waitFor();
    await sp.frames(3);
    const from = calls.length;
    m = await sp.mark();
    await last.click({ modifiers: ['Shift'] });
    const ev = await sp.waitForEvent('library-selected', { after: m });
    const gesture = calls.slice(from).filter((c) => c === 'library:ids' || c === 'library:query');
    assert.equal((ev.detail as { count: number }).count, N - 2, 'rows 2…999 selected');
    assert.deepEqual(gesture, ['library:ids'], `the engine calls of the range: ${JSON.stringify(calls.slice(from))}`);
    assert.match(await page.getByTestId('library-count').innerText(), new RegExp(`${N - 2} selected`));
    await sp.screenshot('left14-range-ids');
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
