import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';

/**
 * The Models panel with the installed pack's manifest.json damaged in place (cut short): the catalogue skipped the
 * folder, so the panel showed no pack at all and `studio model list` "installed: none" (tester40). It now shows the pack
 * as installed but damaged, with loadPack's words (the JSON error, and that a Get builds it again), and Get stays
 * pressable; the chat pane's note, which said "No DeepResonance model pack is installed", names it the same way. No Hub is reached (HF_ENDPOINT on a closed port).
 * Run: npm run build && node --import tsx --test test/e2e/models-damaged-pack-model40.test.ts
 */
describe('Models panel: a pack damaged in place is shown as installed but damaged, with why', { timeout: 300_000 }, () => {
  const models = join(OUTPUT, 'e2e-models-damaged-pack-model40');
  const beta = join(models, 'packs', 'deepresonance-beta-int4');
  const studio = useStudio({
    serve: { env: { STUDIO_MODELS_DIR: models, HF_ENDPOINT: 'http://127.0.0.1:1', STUDIO_IMAGEBIND_URL: 'http://127.0.0.1:1/imagebind_huge.pth' } },
    prepare: () => {
      ensureTinyPacks();
      rmSync(models, { recursive: true, force: true });
      cpSync(join(TINY_DIR, 'packs', 'beta-fp32-int4'), beta, { recursive: true });
      const m = readFileSync(join(beta, 'manifest.json'));
      writeFileSync(join(beta, 'manifest.json'), m.subarray(0, Math.floor(m.length / 2)));
    },
  });

  test('β: "Installed, damaged" with the JSON error and a Get that rebuilds it; α: nothing', async () => {
    const { sp } = studio;
    const { page } = sp;
    // the chat pane's note reads the same folder: the pack named as damaged, with why — not "No … pack is installed"
    const note = page.getByTestId('model-missing');
    await note.waitFor();
    const said = await note.innerText();
    assert.match(said, /^A DeepResonance model pack is installed but damaged: deepresonance-beta-int4\.\n/);
    assert.ok(said.includes(`The model pack at "${beta}" cannot be used: manifest.json is not valid JSON (Unexpected end of JSON input). Get it again`), said);
    assert.doesNotMatch(said, /No DeepResonance model pack is installed/);
    assert.equal(await page.getByTestId('chat-disabled-reason').innerText(), 'Chat is off until a usable model pack is installed (how: above).');
    await sp.screenshot('model40-chat-damaged-pack');

    const m = await sp.mark();
    await page.getByTestId('get-model').click();
    await sp.waitForEvent('catalog-loaded', { after: m });
    const damaged = page.getByTestId('pack-damaged-beta');
    await damaged.waitFor();
    assert.equal(await damaged.innerText(), `Installed, damaged: deepresonance-beta-int4 The model pack at "${beta}" cannot be used: manifest.json is not valid JSON (Unexpected end of JSON input). Get it again (Models panel → Get, or studio model get beta: it rebuilds a pack that does not verify from the downloads kept), or convert it again.`);
    assert.equal(await page.getByTestId('pack-damaged-alpha').count(), 0);
    assert.equal(await page.locator('[data-testid^="pack-beta-"]').count(), 0, 'not offered as a pack to use');
    assert.equal((await page.getByTestId('get-beta').innerText()).trim(), 'Get', 'the Get that rebuilds it, not "Installed"');
    await damaged.scrollIntoViewIfNeeded();
    await sp.screenshot('model40-models-damaged-pack');
  });
});
