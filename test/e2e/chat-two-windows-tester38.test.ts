import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';
import { toneFile } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { StudioPage } from './studio-page';

/**
 * Two windows (tabs) on one `studio serve`, each with its own track's chat side by side (tester38). The model writes
 * one answer at a time, so a question asked in the second window while the first one's answer is written waits. Before,
 * the second window showed "sending…" and nothing else for as long as the other answer took, and its Stop (Esc) stayed
 * "stopping…" until that other answer had ended: the engine's model queue could not be left.
 * Run: npm run build && node --import tsx --test test/e2e/chat-two-windows-tester38.test.ts
 */
describe('chat: a question asked in a second window while another answer is written (tester38)', { timeout: 300_000 }, () => {
  let tmp: string;
  let a: string;
  let b: string;
  let second: StudioPage | undefined;
  const studio = useStudio({
    prepare: () => {
      ensureTinyPacks();
      tmp = mkdtempSync(join(tmpdir(), 'studio-chat-two-windows-'));
      a = join(tmp, 'a.mp3');
      b = join(tmp, 'b.mp3');
      copyFileSync(toneFile('chat-two-windows-a.mp3', 5, ['-metadata', 'title=Track A']), a);
      copyFileSync(toneFile('chat-two-windows-b.mp3', 4, ['-metadata', 'title=Track B']), b);
    },
    // 20 ms a token: 2048 forced tokens take ≥ 40 s, so the first window's answer is still written while the second asks
    serve: { env: { STUDIO_DISABLE_WEBGPU: '1', STUDIO_TEST_TOKEN_DELAY_MS: '20' } },
    viewport: { width: 1280, height: 800 },
  });
  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('the second window says what its question waits for, and its Stop ends it at once; the first answer goes on', async () => {
    const first = studio.sp;
    await first.page.getByTestId('model-missing').waitFor();
    assert.equal((await first.chat().choosePack(join(TINY_DIR, 'packs', 'alpha-fp32'))).name, 'pack-chosen');
    assert.equal((await first.openThroughBrowser(a)).name, 'track-opened');
    second = await StudioPage.open(studio.browser, studio.serve, { width: 1280, height: 800 });
    await second.page.getByTestId('pack-status').waitFor();

    await first.page.evaluate(() => ((globalThis as unknown as { __studioChatOptions: unknown }).__studioChatOptions = { maxNewTokens: 2048, minNewTokens: 2048, temperature: 1.5 }));
    const m1 = await first.chat().ask('Describe every instrument in detail.');
    await first.waitForEvent('chat-first-token', { after: m1 });

    // the same track in the second window: the answer being written shows there, said to be asked elsewhere (it said
    // "asked before the page was reloaded", which this window never was)
    let mb = await second.mark();
    assert.equal((await second.openThroughBrowser(a)).name, 'track-opened');
    await second.waitForEvent('chat-background', { after: mb });
    assert.equal(await second.page.getByTestId('msg-background').innerText(), 'Still being written (asked in another window, or before this page was reloaded)…');
    mb = await second.mark();
    assert.equal((await second.openThroughBrowser(b)).name, 'track-opened');
    await second.waitForEvent('chat-thread-loaded', { after: mb });

    const m2 = await second.chat().ask('And in this one?');
    const stage = await second.waitForEvent('chat-stage', { after: m2 });
    assert.match((stage.detail as { stage: string }).stage, /^waiting: an answer about “Track A” is being written$/, 'the first thing the second window hears of its question');
    assert.match(await second.page.getByTestId('chat-stage').innerText(), /waiting: an answer about “Track A” is being written…/);
    await second.screenshot('chat-two-windows-waiting');

    const stopAt = await second.mark();
    await second.page.keyboard.press('Escape');
    const stopped = await second.waitForEvent(['chat-stopped', 'chat-answered', 'chat-failed'], { after: stopAt });
    assert.equal(stopped.name, 'chat-stopped', JSON.stringify(stopped.detail));
    // the first window's answer was not waited for: it is still being written there
    assert.equal((await first.events('chat-answered')).filter((e) => e.seq > m1).length, 0, 'the stop came before the first answer ended');
    assert.equal(await first.page.getByTestId('streaming').count(), 1);
    const last = second.chat().answers.last();
    assert.equal(await last.getAttribute('data-status'), 'stopped');
    await second.page.getByTestId('chat-send').waitFor();

    // the first answer is stopped in its own window; then the second window's question is answered (the queue goes on)
    const stop1 = await first.mark();
    await first.page.keyboard.press('Escape');
    assert.equal((await first.chat().answered(stop1)).name, 'chat-stopped');
    const m3 = await second.chat().ask('And now?');
    const ev = await second.chat().answered(m3);
    assert.equal(ev.name, 'chat-answered', JSON.stringify(ev.detail));
    assert.equal(await second.chat().answers.last().getAttribute('data-status'), 'done');
  });

  test('no page errors', () => {
    assert.deepEqual([...studio.sp.problems, ...(second?.problems ?? [])], []);
  });
});
