import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useStudio } from '../helpers/studio';
import { ageDataLock } from '../helpers/data-lock';
import { startServe, StudioPage } from './studio-page';
import { libraryFolder, libraryPage } from './library-page';

/**
 * A library scan paused, then the engine restarted (it crashed, or `studio serve` / the app was started again on the
 * data folder): the job stays paused in the database and is not resumed by itself — but the scan bar showed nothing
 * (the new engine said idle), and the next Scan resumed it silently. Now the bar says "Scan paused" with its counts
 * and Resume, which resumes it where it stopped.
 * Run: npm run build && node --import tsx --test test/e2e/library-paused-restart.test.ts
 */
describe('library: a scan paused before the engine restarted', { timeout: 300_000 }, () => {
  // one analysis at a time, so the scan is still going when Pause is pressed
  const studio = useStudio({ serve: { env: { STUDIO_ANALYSIS_WORKERS: '1' } } });

  test('shown paused with its counts and Resume after the restart; Resume finishes it', async () => {
    const { sp } = studio;
    const page = sp.page;
    type Win = { __studioEvents?: Array<{ seq: number; name: string; detail: { state: string; done: number } }> };
    /** the page's scan state (its library-scan-state signal) after event `after` in `state` with `done` files or more */
    const scanState = (after: number, state: string, done: number) =>
      page.waitForFunction(
        ([a, st, d]) => (globalThis as unknown as Win).__studioEvents?.some((e) => e.seq > a && e.name === 'library-scan-state' && e.detail.state === st && e.detail.done >= d) ?? false,
        [after, state, done] as const,
        { polling: 50 },
      );
    const { dir } = libraryFolder(12, 'e2e-library-paused-restart');
    const lib = libraryPage(sp);
    await lib.show();
    const m0 = await sp.mark();
    const added = await lib.addFolder(dir);
    assert.equal(added.name, 'library-folder-added', JSON.stringify(added.detail));
    // paused once the first file is analysed
    await scanState(m0, 'running', 1);
    await page.getByTestId('scan-pause').click();
    await page.locator('[data-testid=scan-progress][data-state=paused]').waitFor();
    const before = ((await page.getByTestId('scan-counts').innerText()) ?? '').trim();
    const [done, total] = /^(\d+) \/ (\d+)/.exec(before)!.slice(1).map(Number);
    assert.ok(done >= 1 && done < total, `paused part way: ${before}`);

    // the engine dies and is restarted by studio serve
    const pid = Number(/pid (\d+)/.exec((await page.getByTestId('engine-status').getAttribute('title')) ?? '')?.[1]);
    assert.ok(pid > 0, 'engine pid shown in the status title');
    const m = await sp.mark();
    process.kill(pid, 'SIGKILL');
    await sp.waitForEvent('engine-restarted', { after: m });
    // the new engine's scan state, read again on its ready: paused, with the counts it had, and Resume (was: no bar)
    await scanState(m, 'paused', 0);
    await page.locator('[data-testid=scan-progress][data-state=paused]').waitFor();
    assert.match(await page.getByTestId('scan-counts').innerText(), new RegExp(`^${done} / ${total}`));
    await page.getByTestId('scan-resume').waitFor();
    await sp.screenshot('library-paused-restart-1-paused');

    await page.getByTestId('scan-resume').click();
    await page.locator('[data-testid=scan-progress][data-state=finished]').waitFor();
    await lib.waitForTotal(5);
    await sp.screenshot('library-paused-restart-2-resumed');
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});

/**
 * `studio serve` and its engine killed mid-scan (SIGKILL: a crash, the OOM killer, a power cut as far as the data folder
 * can tell), then started again on the data folder: the scan goes on where it stopped, but the bar read "Scanning 3 / 5
 * … about 1 s left" as if nothing had happened, and the lock the dead serve left was taken over with a line on serve's
 * stderr only. Now the bar says "Resumed after an interruption: n of 5 files were done", and the page a notice naming
 * the run that left the lock — once (crash35).
 */
describe('library: a scan whose studio serve was killed', { timeout: 300_000 }, () => {
  const studio = useStudio({ serve: { env: { STUDIO_ANALYSIS_WORKERS: '1' } } });

  test('the restarted serve\'s page says the scan was resumed after an interruption (n of m done) and the lock taken over', async () => {
    const { sp, serve } = studio;
    const page = sp.page;
    type Win = { __studioEvents?: Array<{ seq: number; name: string; detail: { state: string; done: number } }> };
    const { dir } = libraryFolder(12, 'e2e-library-serve-killed');
    const lib = libraryPage(sp);
    await lib.show();
    const m0 = await sp.mark();
    await lib.addFolder(dir);
    await page.waitForFunction(
      (a) => (globalThis as unknown as Win).__studioEvents?.some((e) => e.seq > a && e.name === 'library-scan-state' && e.detail.state === 'running' && e.detail.done >= 1) ?? false,
      m0,
      { polling: 20 },
    );
    // serve and its engine at once, as a crash of the machine would leave them
    const enginePid = Number(/pid (\d+)/.exec((await page.getByTestId('engine-status').getAttribute('title')) ?? '')?.[1]);
    assert.ok(enginePid > 0, 'engine pid shown in the status title');
    process.kill(enginePid, 'SIGKILL');
    serve.proc.kill('SIGKILL');
    await new Promise((r) => (serve.proc.exitCode === null && serve.proc.signalCode === null ? serve.proc.once('exit', r) : r(null)));
    // the lock the killed serve left, its heartbeat aged as a few seconds after the kill: the next serve takes it over at
    // once (that wait is data-lock's own test; test/helpers/data-lock.ts)
    ageDataLock(serve.dataDir);
    await page.close();

    const again = await startServe({ dataDir: serve.dataDir, env: { STUDIO_ANALYSIS_WORKERS: '1' } });
    try {
      assert.match(again.output(), new RegExp(`^studio: the data folder was left locked by studio serve \\(pid ${serve.proc.pid}, `, 'm'));
      const sp2 = await StudioPage.open(studio.browser, again);
      const p2 = sp2.page;
      const lib2 = libraryPage(sp2);
      await lib2.show();
      // the lock taken over: a warning in the page (it was said on serve's stderr only)
      const toast = p2.getByTestId('toast-warning').filter({ hasText: 'The last run on this data folder did not end properly' });
      await toast.waitFor();
      assert.match(await toast.innerText(), new RegExp(`The data folder was left locked by studio serve \\(pid ${serve.proc.pid}, since [^)]+\\), which ended without giving it up`));
      // the scan resumed: said in the bar, with how far it had got (it read "Scanning 3 / 5" as if nothing had happened)
      const resumed = p2.getByTestId('scan-resumed');
      await resumed.waitFor();
      const text = (await resumed.innerText()).trim();
      const [n, m] = (/^Resumed after an interruption: (\d+) of (\d+) files were done$/.exec(text) ?? []).slice(1).map(Number);
      assert.ok(n >= 1 && n < m && m === 5, text);
      await sp2.screenshot('crash35-scan-resumed-after-kill');
      await p2.locator('[data-testid=scan-progress][data-state=finished]').waitFor();
      await lib2.waitForTotal(5);
      assert.equal(await p2.getByTestId('scan-resumed').count(), 1, 'the finished scan keeps saying it was resumed');
      // said once: a reload of the tab does not say the lock again
      await p2.reload();
      await sp2.waitForEvent('app-ready', { after: 0 });
      await lib2.show();
      await p2.getByTestId('scan-progress').waitFor();
      assert.equal(await p2.getByTestId('toast-warning').filter({ hasText: 'did not end properly' }).count(), 0, 'not again after a reload');
      assert.deepEqual(sp2.problems.filter((p) => p.startsWith('pageerror')), []);
    } finally {
      await again.stop();
    }
  });
});
