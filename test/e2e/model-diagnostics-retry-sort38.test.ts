// Model settings' diagnostics read while the engine dies: the settings say "Could not read the model diagnostics: The
// analysis engine stopped unexpectedly (…) while doing this. It is being restarted; try again." — and offered no way
// to try again but closing and opening them (sort38). Now a Retry beside that message reads them again: once the
// engine is back, the message goes and the diagnostics are filled in. Before: no button named Retry in the settings
// (the count below was 0).
// Needs `npm run build`. Run: node tools/run-tests.mjs test/e2e/model-diagnostics-retry-sort38.test.ts
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { useStudio } from '../helpers/studio';
import { HANG_GUARD_MS } from './studio-page';

/** /proc/PID/stat's parent pid */
const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8');

/**
 * Kill the (SIGSTOPped) engine `pid` and return the pid of the engine its host forks next, stopped (SIGSTOP) as soon as
 * it appears: a process of the same parent and command line. Linux only (/proc).
 */
async function nextEngine(pid: number): Promise<number> {
  const [parent, cmd] = [parentOf(pid), cmdline(pid)];
  process.kill(pid, 'SIGKILL');
  const until = Date.now() + HANG_GUARD_MS;
  while (Date.now() < until) {
    for (const d of readdirSync('/proc')) {
      const p = Number(d);
      if (!(p > 0) || p === pid) continue;
      try {
        if (parentOf(p) === parent && cmdline(p) === cmd) {
          process.kill(p, 'SIGSTOP');
          return p;
        }
      } catch { /* gone meanwhile */ }
    }
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`no engine forked after ${pid} was killed`);
}

describe('model settings: Retry beside the diagnostics\' "try again" (sort38)', { timeout: 300_000 }, () => {
  const studio = useStudio({ viewport: { width: 1280, height: 800 } });

  test('the engine killed while the settings read the diagnostics: Retry reads them again once it is back', async () => {
    const { page } = studio.sp;
    const status = page.getByTestId('engine-status');
    await page.locator('[data-testid=engine-status][title*="restarts: 0"]').waitFor();
    const pid = Number(/pid (\d+)/.exec((await status.getAttribute('title')) ?? '')?.[1]);
    assert.ok(pid > 0, 'the engine pid is shown');
    // the engine frozen as the settings open (their diagnostics call waits), then killed: that call fails as it does
    // when the engine crashes while the settings read it (toasts-move-on-tester31's cliui37 case)
    process.kill(pid, 'SIGSTOP');
    const settings = page.getByTestId('model-settings');
    try {
      await page.getByTestId('model-settings-open').click();
      await settings.waitFor();
    } catch (err) {
      process.kill(pid, 'SIGKILL');
      throw err;
    }
    // the engine the host forks next, frozen before it is ready: the message stays (the engine's return would take it
    // back, app.svelte.ts UNREACHABLE), and a read asked meanwhile waits for it (EngineHost queues calls while it starts)
    const next = await nextEngine(pid);
    try {
      const error = settings.getByTestId('settings-error').filter({ hasText: 'Could not read the model diagnostics' });
      await error.waitFor();
      assert.match(await error.innerText(), /try again/i);
      await studio.sp.frames(2);
      const retry = error.getByRole('button', { name: 'Retry' });
      assert.equal(await retry.count(), 1, 'a Retry beside the message');
      assert.equal(await retry.isEnabled(), true);
      await studio.sp.screenshot('sort38-model-diagnostics-retry-before');
      const m = await studio.sp.mark();
      await retry.click();
      // the read asked: the button waits with it (disabled), and nothing else has read the diagnostics yet
      await settings.locator('[data-testid=diagnostics-retry]:disabled').waitFor();
      process.kill(next, 'SIGCONT');
      await studio.sp.waitForEvent('diagnostics-loaded', { after: m });
      await error.waitFor({ state: 'detached' });
    } finally {
      try {
        process.kill(next, 'SIGCONT');
      } catch { /* gone */ }
    }
    assert.notEqual((await settings.getByTestId('diag-order').innerText()).trim(), '…', 'the diagnostics are read');
    assert.deepEqual(await settings.getByTestId('settings-error').allInnerTexts(), [], 'no message left in the settings');
    await studio.sp.screenshot('sort38-model-diagnostics-retry-after');
  });

  // The same read failed by a crash, the engine back at once: the message goes with the engine's return (UNREACHABLE), and
  // the settings were left with "…" in every diagnostics field and nothing said (sort38's finding). They read again by
  // themselves now (model.onEngineReady). Before: diag-order stayed "…" (no diagnostics-loaded after the restart).
  test('the engine killed while the settings read the diagnostics and back at once: they are read again without Retry', async () => {
    const { page } = studio.sp;
    const settings = page.getByTestId('model-settings');
    if (await settings.isVisible()) await page.keyboard.press('Escape');
    await settings.waitFor({ state: 'detached' });
    const status = page.getByTestId('engine-status');
    // the engine running now (the first test restarted it once): its pid as the top bar shows it
    await page.locator('[data-testid=engine-status][title^="Engine running (pid"]').waitFor();
    const pid = Number(/pid (\d+)/.exec((await status.getAttribute('title')) ?? '')?.[1]);
    assert.ok(pid > 0, 'the engine pid is shown');
    process.kill(pid, 'SIGSTOP');
    try {
      await page.getByTestId('model-settings-open').click();
      await settings.waitFor();
    } finally {
      process.kill(pid, 'SIGKILL');
    }
    const m = await studio.sp.mark();
    await studio.sp.waitForEvent('engine-restarted', { after: m });
    await studio.sp.waitForEvent('diagnostics-loaded', { after: m });
    assert.notEqual((await settings.getByTestId('diag-order').innerText()).trim(), '…', 'the diagnostics are read');
    assert.deepEqual(await settings.getByTestId('settings-error').allInnerTexts(), [], 'no message left in the settings');
    await studio.sp.screenshot('lead38-model-diagnostics-after-restart');
  });
});
