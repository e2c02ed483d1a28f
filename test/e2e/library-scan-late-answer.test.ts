import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { OUTPUT, toneFile } from '../helpers/media';
import { scanFolder } from './library-page';
import { launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * A call's answer can reach the page after events the engine sent later: serve (and the engine) relay an event as it
 * comes and an answer after its handler's await, so two messages read in one chunk leave in the other order. ci35
 * failed on it (library-disconnect: a Rescan on a loaded machine, its job's "finished" event before the Rescan's
 * "running" answer, and the scan bar left at "Scanning" for good). Here the order is made, not waited for: the answer
 * to library:scan is held by a WebSocket route until the page has its job's "finished" event, then let through. The
 * engine stamps every scan state (ScanState.seq, engineRun); the page drops the older one.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/library-scan-late-answer.test.ts
 */
describe('library: a Rescan answer that comes after its scan ended (ci35)', { timeout: 240_000 }, () => {
  const dir = join(OUTPUT, 'e2e-scan-late-answer', 'Music');
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;
  /** the answers held back (library:scan's), sent on release */
  const held: Array<() => void> = [];
  let holding = false;

  before(async () => {
    rmSync(join(OUTPUT, 'e2e-scan-late-answer'), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    copyFileSync(toneFile('scan-late-answer-2s.wav', 2), join(dir, 'tone.wav'));
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe().finally(() => launching);
    await launching;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
      const server = ws.connectToServer();
      const ids = new Set<string>();
      ws.onMessage((m) => {
        const msg = JSON.parse(String(m)) as { t: string; id: string; method?: string };
        if (holding && msg.t === 'req' && msg.method === 'library:scan') ids.add(msg.id);
        server.send(m);
      });
      server.onMessage((m) => {
        const msg = JSON.parse(String(m)) as { t: string; id: string };
        if (msg.t === 'res' && ids.has(msg.id)) held.push(() => ws.send(m));
        else ws.send(m);
      });
    });
    sp = new StudioPage(page, serve);
    await page.goto(serve.openUrl);
    await sp.waitForEvent('app-ready', { after: 0 });
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    rmSync(join(OUTPUT, 'e2e-scan-late-answer'), { recursive: true, force: true });
  });

  test('the late "running" answer is dropped: the bar stays at "Scan finished"', async () => {
    const { page } = sp;
    await scanFolder(sp, dir, 1);
    holding = true;
    const m = await sp.mark();
    await page.locator('[data-testid=library-folder] .actions button:first-child').click();
    // the job runs and ends (its events pass) while its Rescan answer waits
    const finished = await sp.waitForEvent('library-scan-finished', { after: m });
    assert.equal(held.length, 1, 'the Rescan answer is held');
    const shownBefore = await page.getByTestId('scan-progress').getAttribute('data-state');
    assert.equal(shownBefore, 'finished', 'the scan bar after the job\'s last event');
    const released = await sp.mark();
    held.splice(0).forEach((send) => send());
    const stale = await sp.waitForEvent('library-scan-state-stale', { after: released });
    assert.equal((stale.detail as { state: string }).state, 'running', 'the answer is the job as it started');
    await page.waitForTimeout(300); // what a late answer would change shows within a frame or two
    assert.equal(await page.getByTestId('scan-progress').getAttribute('data-state'), 'finished', 'still "Scan finished" after the late answer');
    assert.match(await page.getByTestId('scan-counts').innerText(), /^1 \/ 1\b/, JSON.stringify(finished.detail));
    await sp.screenshot('library-scan-late-answer');
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
