import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';
import { useStudio } from '../helpers/studio';

/**
 * The inputs shown under a question follow one rule (tester40): a question the engine never recorded inputs for (it
 * failed or was stopped before the media were read) showed what was attached as "Audio (whole)", an answered one the
 * engine's record as "Audio". Here the first question is stopped as it goes (while the pack loads: no inputs recorded),
 * the next answered: both chips read "Audio", the whole track said in the title. Run: npm run build && node --import tsx --test test/e2e/chat-input-label-model40.test.ts
 */
describe('chat: the inputs under a question read alike, answered or not', { timeout: 300_000 }, () => {
  let tmp = '';
  let song = '';
  const studio = useStudio({
    prepare: () => {
      ensureTinyPacks();
      tmp = mkdtempSync(join(tmpdir(), 'studio-input-label-'));
      song = join(tmp, 'sine.wav');
      copyFileSync(join(TINY_DIR, 'media', 'sine.wav'), song);
    },
    serve: { env: { STUDIO_DISABLE_WEBGPU: '1' } },
  });
  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('stopped before any token ("Audio (whole)" before) and answered: "Audio" both', async () => {
    const { sp } = studio;
    const { page } = sp;
    assert.equal((await sp.chat().choosePack(join(TINY_DIR, 'packs', 'alpha-fp32'))).name, 'pack-chosen');
    const m0 = await sp.mark();
    assert.equal((await sp.openThroughBrowser(song)).name, 'track-opened');
    await sp.waitForEvent('chat-thread-loaded', { after: m0 });

    // Stop pressed as the first question goes: the pack loads with it (chosen, not loaded yet), so Esc lands before the
    // engine has read (and recorded) its inputs — stopped before any token
    let m = await sp.chat().ask('What is playing?');
    await page.keyboard.press('Escape');
    const stopped = await sp.chat().answered(m);
    assert.equal(stopped.name, 'chat-stopped', JSON.stringify(stopped.detail));
    assert.equal((await sp.events('chat-token')).filter((e) => e.seq > m).length, 0, 'stopped before any token');
    assert.equal(await sp.chat().answers.last().getAttribute('data-status'), 'stopped');
    const first = sp.chat().users.last().getByTestId('msg-inputs').locator('.in-chip');
    assert.deepEqual(await first.allInnerTexts(), ['Audio']);
    assert.equal(await first.first().getAttribute('title'), 'the track’s audio, whole');

    // a short answer, so that both questions and their inputs are in the screenshot
    await page.evaluate(() => ((globalThis as unknown as { __studioChatOptions: unknown }).__studioChatOptions = { maxNewTokens: 8 }));
    m = await sp.chat().ask('And now?');
    const answered = await sp.chat().answered(m);
    assert.equal(answered.name, 'chat-answered', JSON.stringify(answered.detail));
    const second = sp.chat().users.last().getByTestId('msg-inputs').locator('.in-chip');
    assert.deepEqual(await second.allInnerTexts(), ['Audio']);
    assert.match((await second.first().getAttribute('title')) ?? '', /, whole · \d+ tokens?$/);
    await sp.chat().users.first().scrollIntoViewIfNeeded();
    await sp.screenshot('model40-chat-input-labels');
  });
});
