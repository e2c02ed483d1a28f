import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useStudio } from '../helpers/studio';
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
