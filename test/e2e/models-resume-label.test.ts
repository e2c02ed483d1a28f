import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { layout } from '../../main/engine/model/catalog/catalog';
import { HubServer } from '../helpers/hub-server';
import { OUTPUT } from '../helpers/media';
import { openModelsPanel, publishStandInSources } from '../helpers/model-sources';
import { useStudio } from '../helpers/studio';

/**
 * "Resume Get" is offered only for a variant whose own Get started (session 30): ImageBind and the Vicuna delta are
 * shared by α and β, so a β Get paused while downloading ImageBind left Get α reading "Resume Get" — a Get never started.
 * The models folder is laid out as such a pause leaves it: β's delta downloaded and verified (its marker), ImageBind
 * half there (its `.part`).
 * Run: npm run build && node tools/run-tests.mjs test/e2e/models-resume-label.test.ts
 */
describe('Models panel: Resume Get only where that variant’s Get started', { timeout: 300_000 }, () => {
  const dir = join(OUTPUT, 'e2e-models-resume-label');
  const models = join(dir, 'models');
  const env: Record<string, string> = { STUDIO_MODELS_DIR: models };
  let hub: HubServer | undefined;
  // the models folder as β's Get paused in ImageBind leaves it, and sources for the catalogue's sizes
  const prepare = async () => {
    rmSync(dir, { recursive: true, force: true });
    const L = layout(models);
    mkdirSync(dirname(L.imagebind), { recursive: true });
    writeFileSync(`${L.imagebind}.part`, Buffer.alloc(8_000));
    // β's delta: a .part of it (its own Get started, paused in its first download)
    const beta = join(L.deltaDir('beta'), 'pytorch_model.pt');
    mkdirSync(dirname(beta), { recursive: true });
    writeFileSync(`${beta}.part`, Buffer.alloc(4_000));
    hub = await HubServer.start();
    Object.assign(env, publishStandInSources(hub, { delta: 20_000, vicuna: 20_000, imagebind: 20_000 }));
  };
  const studio = useStudio({ serve: { env }, viewport: { width: 1280, height: 900 }, prepare });
  after(() => Promise.all([hub?.close(), rm(dir, { recursive: true, force: true })]));

  test('ImageBind half downloaded by β’s Get: β offers Resume Get, α offers Get', async () => {
    const { sp } = studio;
    const { page } = sp;
    await openModelsPanel(sp);
    assert.equal(await page.getByTestId('part-alpha-imagebind').getAttribute('data-state'), 'partial');
    assert.equal(await page.getByTestId('part-alpha-delta').getAttribute('data-state'), 'missing');
    assert.equal((await page.getByTestId('get-beta').innerText()).trim(), 'Resume Get');
    assert.equal((await page.getByTestId('get-alpha').innerText()).trim(), 'Get', 'α’s Get never started');
    await sp.screenshot('models-resume-label');
  });
});
