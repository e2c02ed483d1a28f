import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { HubServer } from '../helpers/hub-server';
import { OUTPUT } from '../helpers/media';
import { DELTA_PATH, llamaFolderStandIn } from '../helpers/model-sources';
import { useStudio } from '../helpers/studio';

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
      const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));
      hub.addRepo('dataset', 'Sony/DeepResonance_data_models', { [DELTA_PATH('alpha')]: bytes(2_000_000, 1), [DELTA_PATH('beta')]: bytes(2_000_000, 2) }, 'main', 10_000);
      hub.addRepo('model', 'lmsys/vicuna-7b-delta-v0', { 'config.json': Buffer.from('{"model_type":"llama"}'), 'tokenizer.model': bytes(100, 3), 'pytorch_model.bin': bytes(2_000_000, 4) }, 'main', 10_000);
      const ib = hub.addStatic('/imagebind/imagebind_huge.pth', bytes(2_000_000, 5));
      Object.assign(env, { HF_ENDPOINT: hub.url, STUDIO_IMAGEBIND_URL: ib, STUDIO_DOWNLOAD_BACKOFF_MS: '20', STUDIO_DISK_RESERVE_BYTES: '0' });
    },
  });
  after(async () => {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('Get α running: Get β, Choose… and the precision are off, each saying that α is being got and what to do', async () => {
    const { sp } = studio;
    const { page } = sp;
    let m = await sp.mark();
    await page.getByTestId('get-model').click();
    await sp.waitForEvent('catalog-loaded', { after: m });
    await page.getByTestId('pick-llama').click();
    await sp.fileBrowser().goTo(dirname(llama));
    await page.locator('[data-testid=browser-list] [data-name="llama-7b"]').click();
    m = await sp.mark();
    await page.getByTestId('browser-use-folder').click();
    await sp.waitForEvent('catalog-loaded', { after: m });
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
    m = await sp.mark();
    await page.getByTestId('variant-alpha').getByTestId('get-cancel').click();
    await sp.waitForEvent('model-get-ended', { after: m });
    await page.locator('[data-testid=get-beta]:not([disabled])').waitFor();
    assert.equal(await beta.getAttribute('title'), null);
    await page.keyboard.press('Escape');
  });
});
