import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';
import { useStudio } from '../helpers/studio';

/**
 * The chosen pack's folder moved away while its model is loaded (tester40, web UI): the next question was answered
 * and the pane went on showing the pack as if nothing had happened, and offered it after Unload. The loaded model may
 * answer from memory (it does), but the pane now says the folder is gone; after Unload the pack is shown as not usable,
 * in loadPack's words (there is no pack folder at …, choose it where it is now), with no memory row or Unload.
 * Run: npm run build && node --import tsx --test test/e2e/chat-pack-moved-model40.test.ts
 */
describe('chat: the pack folder moved while its model is loaded', { timeout: 300_000 }, () => {
  let tmp = '';
  let pack = '';
  const studio = useStudio({
    prepare: () => {
      ensureTinyPacks();
      tmp = mkdtempSync(join(tmpdir(), 'studio-pack-moved-'));
      pack = join(tmp, 'alpha-fp32');
      cpSync(join(TINY_DIR, 'packs', 'alpha-fp32'), pack, { recursive: true });
    },
    serve: { env: { STUDIO_DISABLE_WEBGPU: '1' } },
  });
  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('answered from memory, the folder said gone; after Unload, not offered as usable', async () => {
    const { sp } = studio;
    const { page } = sp;
    assert.equal((await sp.chat().choosePack(pack)).name, 'pack-chosen');
    const m0 = await sp.mark();
    assert.equal((await sp.openThroughBrowser(join(TINY_DIR, 'media', 'sine.wav'))).name, 'track-opened');
    await sp.waitForEvent('chat-thread-loaded', { after: m0 });
    await page.evaluate(() => ((globalThis as unknown as { __studioChatOptions: unknown }).__studioChatOptions = { maxNewTokens: 8 }));
    let m = await sp.chat().ask('What is playing?');
    assert.equal((await sp.chat().answered(m)).name, 'chat-answered');
    assert.equal(await page.getByTestId('pack-gone').count(), 0, 'the folder is there: nothing said');

    // moved away (renamed, as a file manager moves it on the same disk) while the model is loaded
    renameSync(pack, `${pack}-moved`);
    m = await sp.chat().ask('And now?');
    assert.equal((await sp.chat().answered(m)).name, 'chat-answered', 'the loaded model answers from memory');
    const gone = page.getByTestId('pack-gone');
    await gone.waitFor();
    assert.equal(await gone.innerText(), `The pack's folder is gone ("${pack}": moved or deleted?). The model loaded from it answers from memory until it is unloaded; then choose the pack where it is now.`);
    await sp.screenshot('model40-pack-moved-loaded');

    m = await sp.mark();
    await page.getByTestId('model-unload').click();
    await sp.waitForEvent('model-unloaded', { after: m });
    const error = page.getByTestId('pack-error');
    await error.waitFor();
    assert.equal(await error.innerText(), `There is no model pack folder at "${pack}" (moved or deleted?). Choose the pack where it is now, or get one in the Models panel (or studio model get beta); studio model list shows the installed ones.`);
    assert.equal(await page.getByTestId('pack-gone').count(), 0);
    assert.equal(await page.getByTestId('model-unload').count(), 0, 'no Unload of a pack not loaded');
    assert.equal(await page.getByTestId('model-memory').count(), 0);
    assert.equal(await page.getByTestId('chat-send').isDisabled(), true, 'no question sent to a pack that is not there');
    // the line under the box points at the pack's words above, not 'until a model pack is installed' (lead)
    assert.equal(await page.getByTestId('chat-disabled-reason').innerText(), 'Chat is off: the chosen model pack cannot be used (why: above).');
    await sp.screenshot('model40-pack-moved-unloaded');
  });
});
