import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { HubServer } from '../helpers/hub-server';
import { OUTPUT } from '../helpers/media';
import { chooseLlamaFolder, llamaFolderStandIn, publishStandInSources } from '../helpers/model-sources';
import { useStudio } from '../helpers/studio';

/**
 * A Get that failed (left28b): the Models panel showed "Get again" beside Cancel, as if the Get still ran; Cancel
 * belongs to a running (or paused) Get. After a failure "Get again" (it resumes) and "Discard downloads" (it removes
 * what the Get downloaded part of, as Cancel did: without it a failed Get's partial files had no way out) show. The Hub fails as the
 * real one does for a gated repository without a token (401, X-Error-Code: GatedRepo), from a local server; no tiny
 * packs are needed (the Get stops at its first download).
 * Run: npm run build && node --import tsx --test test/e2e/models-get-failed.test.ts
 */
describe('Models panel: a failed Get offers Get again, not Cancel', { timeout: 300_000 }, () => {
  const dir = join(OUTPUT, 'e2e-models-get-failed');
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
      Object.assign(env, publishStandInSources(hub, { delta: 20_000, vicuna: 12_000, imagebind: 5_000 }));
      // the deltas' repository is gated and the studio has no token: the Hub answers 401, as for the real one
      hub.gate('dataset', 'Sony/DeepResonance_data_models', 'hf_secret');
    },
  });
  after(async () => {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('Get α fails at the Hub: the error, Get again and Discard downloads (no Cancel); Get again starts it again, Discard ends it', async () => {
    const { sp } = studio;
    const { page } = sp;
    await chooseLlamaFolder(sp, llama);
    assert.equal(await page.getByTestId('part-alpha-llm').getAttribute('data-state'), 'present');

    let m = await sp.mark();
    await page.getByTestId('get-alpha').click();
    const ended = await sp.waitForEvent('model-get-ended', { after: m });
    assert.equal((ended.detail as { state: string }).state, 'failed', JSON.stringify(ended.detail));
    const alpha = page.getByTestId('variant-alpha');
    await alpha.locator('[data-testid=get-job][data-state=failed]').waitFor();
    const message = await alpha.getByTestId('get-message').innerText();
    assert.match(message, /HTTP 401 \(access denied: .* no HF_TOKEN was sent.*Then Get again\./s, 'the error, and what to do');
    assert.equal(await alpha.getByTestId('get-message').evaluate((e) => e.classList.contains('err')), true);
    const again = alpha.getByTestId('get-resume');
    assert.equal((await again.innerText()).trim(), 'Get again');
    assert.equal(await alpha.getByTestId('get-cancel').count(), 0, 'no Cancel beside Get again: nothing runs');
    assert.equal(await alpha.getByTestId('get-pause').count(), 0);
    await sp.screenshot('models-get-failed');

    // Get again starts the Get again (and, the repository still gated, it fails again the same way)
    m = await sp.mark();
    await again.click();
    const again2 = await sp.waitForEvent('model-get-ended', { after: m });
    assert.equal((again2.detail as { state: string }).state, 'failed');
    assert.equal(await alpha.getByTestId('get-cancel').count(), 0);

    // what a failed Get downloaded stays for Get again to resume; Discard removes it (the engine's cancel) and ends the Get
    const discard = alpha.getByTestId('get-discard');
    assert.equal((await discard.innerText()).trim(), 'Discard downloads');
    await discard.click();
    await alpha.locator('[data-testid=get-job][data-state=cancelled]').waitFor();
    assert.match(await alpha.getByTestId('get-message').innerText(), /Partial downloads were removed/);
    await page.keyboard.press('Escape');
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
