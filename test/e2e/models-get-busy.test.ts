import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { HubServer } from '../helpers/hub-server';
import { OUTPUT } from '../helpers/media';
import { chooseLlamaFolder, llamaFolderStandIn, publishStandInSources } from '../helpers/model-sources';
import { useStudio } from '../helpers/studio';
import { ageDataLock } from '../helpers/data-lock';
import { startServe } from './studio-page';

/**
 * While one Get runs (in this window or another on the same studio), the Models panel turned off the other variant's
 * Get, the folder choosers and the precision without a word (tester28c): a second window showed a grey Get β and
 * nothing else. Each says why in its tooltip: which Get runs, and to wait for it or Pause/Cancel it. The Hub stand-in
 * is throttled so the Get is still downloading while the panel is read; no tiny packs are needed.
 * Run: npm run build && node --import tsx --test test/e2e/models-get-busy.test.ts
 */
describe('Models panel: what a running Get turns off says why', { timeout: 300_000 }, () => {
  const dir = join(OUTPUT, 'e2e-models-get-busy');
  const llama = join(dir, 'llama-7b');
  const env: Record<string, string> = {};
  let hub: HubServer | undefined;
  const studio = useStudio({
    serve: { env },
    viewport: { width: 1280, height: 900 },
    prepare: async () => {
      rmSync(dir, { recursive: true, force: true });
      llamaFolderStandIn(llama);
      hub = await HubServer.start();
      hub.throttle = 200_000; // 3 × 2 MB at 200 kB/s: half a minute of downloading
      Object.assign(env, publishStandInSources(hub, { delta: 2_000_000, vicuna: 2_000_000, imagebind: 2_000_000 }));
    },
  });
  after(async () => {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('Get α running: Get β, Choose… and the precision are off, each saying that α is being got and what to do', async () => {
    const { sp } = studio;
    const { page } = sp;
    await chooseLlamaFolder(sp, llama);
    await page.getByTestId('get-alpha').click();
    await page.getByTestId('variant-alpha').locator('[data-testid=get-job][data-state=running]').waitFor();

    const why = /Getting DeepResonance-α \(int4\) is under way\. One Get at a time: wait for it, or Pause or Cancel it\./;
    const beta = page.getByTestId('get-beta');
    assert.equal(await beta.isDisabled(), true);
    assert.match((await beta.getAttribute('title')) ?? '(no title)', why);
    const choose = page.getByTestId('pick-vicuna');
    assert.equal(await choose.isDisabled(), true);
    assert.match((await choose.getAttribute('title')) ?? '(no title)', why);
    const int8 = page.getByTestId('precision-int8');
    assert.equal(await int8.locator('input').isDisabled(), true);
    assert.match((await int8.getAttribute('title')) ?? '(no title)', why);
    await sp.screenshot('models-get-busy');

    // Cancel ends it: Get β is on again, without the reason
    let m = await sp.mark();
    await page.getByTestId('variant-alpha').getByTestId('get-cancel').click();
    await sp.waitForEvent('model-get-ended', { after: m });
    await page.locator('[data-testid=get-beta]:not([disabled])').waitFor();
    assert.equal(await beta.getAttribute('title'), null);
    await page.keyboard.press('Escape');
  });

  test('studio serve killed during a Get and started again: the reconnected panel shows no Get running — Get is on again, Pause is gone (tester33)', async () => {
    const { sp, serve } = studio;
    const { page } = sp;
    await page.getByTestId('get-model').click();
    await page.getByTestId('get-alpha').click();
    await page.getByTestId('variant-alpha').locator('[data-testid=get-job][data-state=running]').waitFor();
    await page.getByTestId('variant-alpha').getByTestId('get-pause').waitFor();

    const engines = execFileSync('pgrep', ['-P', String(serve.proc.pid)], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
    const exited = new Promise((r) => serve.proc.once('exit', r));
    for (const pid of [serve.proc.pid!, ...engines]) process.kill(pid, 'SIGKILL');
    await exited;
    // the lock the killed serve left, its heartbeat aged as a few seconds after the kill: the next serve takes it over at
    // once (that wait is data-lock's own test; test/helpers/data-lock.ts)
    ageDataLock(serve.dataDir);
    await page.locator('[data-testid=engine-status]', { hasText: /Disconnected|Reconnecting/ }).waitFor();
    // serve again on the same data folder and port; its address opened in this tab (only the fragment changes)
    const again = await startServe({ dataDir: serve.dataDir, env, port: Number(new URL(serve.origin).port) });
    studio.serves.push(again);
    const m = await sp.mark();
    await page.evaluate((hash) => ((globalThis as unknown as { location: { hash: string } }).location.hash = hash), new URL(again.openUrl).hash);
    await sp.waitForEvent('catalog-loaded', { after: m });
    // the new engine runs no Get: the old one's "Downloading …" with Pause and Cancel was left shown, and Pause said
    // "No model is being got."; Get (or Resume Get, when a part was written before the kill) starts it again
    assert.equal(await page.getByTestId('variant-alpha').locator('[data-testid=get-job][data-state=running]').count(), 0, 'no Get shown running');
    assert.equal(await page.getByTestId('variant-alpha').getByTestId('get-pause').count(), 0, 'no Pause for a Get that is gone');
    const get = page.getByTestId('get-alpha');
    assert.equal(await get.isDisabled(), false);
    assert.match((await get.textContent()) ?? '', /^\s*(Resume )?Get\s*$/);
    await sp.screenshot('models-get-after-restart');
    await page.keyboard.press('Escape');
  });
});
