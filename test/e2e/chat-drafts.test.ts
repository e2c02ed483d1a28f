import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { toneFile } from '../helpers/media';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';
import { launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * The chat's unsent question belongs to its track (tester17), as the input
 * text and the attachments do: a question typed for one track (or put back by
 * Edit) stayed in the box when another track was opened, and Enter asked it
 * about that other track. With the toolchain's tiny pack (the box is off
 * without one). Run: npm run build && node tools/run-tests.mjs test/e2e/chat-drafts.test.ts
 */
describe('chat: each track keeps its own unsent question (tester17)', { timeout: 300_000 }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;
  const sine = join(TINY_DIR, 'media', 'sine.wav');
  let tone: string;

  before(async () => {
    ensureTinyPacks();
    tone = toneFile('chat-drafts-tone.wav', 3);
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe({ env: { STUDIO_DISABLE_WEBGPU: '1' } }).finally(() => launching);
    await launching;
    sp = await StudioPage.open(browser, serve);
    const chosen = await sp.chat().choosePack(join(TINY_DIR, 'packs', 'alpha-fp32'));
    assert.equal(chosen.name, 'pack-chosen', JSON.stringify(chosen.detail));
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  async function open(path: string): Promise<void> {
    const ev = await sp.openThroughBrowser(path);
    assert.equal(ev.name, 'track-opened', JSON.stringify(ev.detail));
    await box().waitFor();
  }
  const box = () => sp.page.getByTestId('chat-input');

  test('a question typed for one track is not in the box of the next, and is back with its own track', async () => {
    await open(sine);
    await box().fill('What is this sine doing?');
    await open(tone);
    assert.equal(await box().inputValue(), '', 'the other track starts with an empty box');
    await box().fill('And this chord?');
    await open(sine);
    assert.equal(await box().inputValue(), 'What is this sine doing?');
    await open(tone);
    assert.equal(await box().inputValue(), 'And this chord?');
    // sent, the box is empty for that track and stays so
    await box().fill('');
    await open(sine);
    await open(tone);
    assert.equal(await box().inputValue(), '');
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
