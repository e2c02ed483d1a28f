import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';
import { useStudio } from '../helpers/studio';

/**
 * A pack damaged after it was chosen (tester25): the next question fails, saying which file and what to do, and the
 * failed answer is that message alone — it was drawn under an empty answer bubble.
 * Run: npm run build && node --import tsx --test test/e2e/chat-failed-answer.test.ts
 */
describe('chat: an answer that fails', { timeout: 300_000 }, () => {
  let tmp: string;
  let pack: string;
  const sine = join(TINY_DIR, 'media', 'sine.wav');
  const studio = useStudio({
    prepare: () => {
      ensureTinyPacks();
      tmp = mkdtempSync(join(tmpdir(), 'studio-chat-failed-'));
      pack = join(tmp, 'pack ü');
      cpSync(join(TINY_DIR, 'packs', 'alpha-fp32'), pack, { recursive: true });
    },
    serve: { env: { STUDIO_DISABLE_WEBGPU: '1' } },
  });
  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('a pack truncated after it was chosen: the question fails with which file and what to do, shown without an empty bubble', async () => {
    const { page } = studio.sp;
    assert.equal((await studio.sp.chat().choosePack(pack)).name, 'pack-chosen');
    assert.equal((await studio.sp.openThroughBrowser(sine)).name, 'track-opened');
    let m = await studio.sp.chat().ask('What instruments are playing?');
    assert.equal((await studio.sp.chat().answered(m)).name, 'chat-answered');
    truncateSync(join(pack, 'decoder.onnx'), 5000);
    m = await studio.sp.mark();
    await page.getByTestId('model-unload').click();
    await studio.sp.waitForEvent('model-unloaded', { after: m });
    m = await studio.sp.chat().ask('And the tempo?');
    const ev = await studio.sp.chat().answered(m);
    assert.equal(ev.name, 'chat-failed', JSON.stringify(ev.detail));
    assert.equal((ev.detail as { code: string }).code, 'MODEL_MISSING');
    const failed = studio.sp.chat().answers.last();
    await failed.getByTestId('msg-error').waitFor();
    assert.match(await failed.getByTestId('msg-error').innerText(), /"decoder\.onnx" has 5000 bytes but the manifest says \d+: it is truncated or was replaced\. Get it again \(Models panel → Get, or studio model get (alpha|beta): it rebuilds a pack that does not verify from the downloads kept\), or convert it again\./);
    assert.equal(await failed.locator('.bubble').count(), 0, 'no empty answer bubble above the error');
    await studio.sp.screenshot('chat-failed-answer');
  });
});
