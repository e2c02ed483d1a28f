import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';
import { toneFile } from '../helpers/media';
import { useStudio } from '../helpers/studio';

/**
 * The chat pane when the answer being written is not about the open track, and when the open track's file is gone
 * (tester20). One question at a time: while an answer about track A is written, nothing can be asked about B. Before,
 * B's pane said only "Another answer is being written." with no Stop and Esc did nothing there, so the person had to
 * find A again to stop it; and a track whose file was deleted kept Send on (the question failed with a toast).
 * Run: npm run build && node --import tsx --test test/e2e/chat-elsewhere.test.ts
 */
describe('the chat while another track is answered, and for a file that is gone (tester20)', { timeout: 300_000 }, () => {
  let tmp: string;
  let a: string;
  let b: string;
  let c: string;
  let d: string;
  const studio = useStudio({
    prepare: () => {
      ensureTinyPacks();
      tmp = mkdtempSync(join(tmpdir(), 'studio-chat-elsewhere-'));
      a = join(tmp, 'a.mp3');
      b = join(tmp, 'b.mp3');
      c = join(tmp, 'c.mp3');
      copyFileSync(toneFile('chat-elsewhere-a.mp3', 6, ['-metadata', 'title=Track A']), a);
      copyFileSync(toneFile('chat-elsewhere-b.mp3', 5, ['-metadata', 'title=Track B']), b);
      copyFileSync(toneFile('chat-elsewhere-c.mp3', 4, ['-metadata', 'title=Track C']), c);
      d = join(tmp, 'd.mp3');
      copyFileSync(toneFile('chat-elsewhere-d.mp3', 4, ['-metadata', 'title=Track D']), d);
    },
    // 20 ms a token: 2048 forced tokens take ≥ 40 s, so the answer is still being written when the next track opens
    serve: { env: { STUDIO_DISABLE_WEBGPU: '1', STUDIO_TEST_TOKEN_DELAY_MS: '20' } },
    viewport: { width: 1440, height: 900 },
  });
  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('an answer about A being written: B names it and Stop (and Esc) there stops it; then B can be asked', async () => {
    const { sp } = studio;
    const { page } = sp;
    await page.getByTestId('model-missing').waitFor();
    assert.equal((await sp.chat().choosePack(join(TINY_DIR, 'packs', 'alpha-fp32'))).name, 'pack-chosen');
    assert.equal((await sp.openThroughBrowser(a)).name, 'track-opened');
    // 2048 forced tokens: the tiny model would otherwise end its answer before B is open
    await page.evaluate(() => ((globalThis as unknown as { __studioChatOptions: unknown }).__studioChatOptions = { maxNewTokens: 2048, minNewTokens: 2048, temperature: 1.5 }));
    const aId = await page.evaluate(() => (globalThis as unknown as { __studioEvents: { name: string; detail: { trackId: string } }[] }).__studioEvents.findLast((e) => e.name === 'track-opened')!.detail.trackId);
    for (const key of ['stop-button', 'Escape'] as const) {
      const m = await sp.chat().ask('Describe every instrument in detail.');
      await sp.waitForEvent('chat-sent', { after: m });
      assert.equal((await sp.openThroughBrowser(b)).name, 'track-opened');
      const reason = page.getByTestId('chat-disabled-reason');
      await page.getByTestId('chat-stop').waitFor();
      assert.match(await reason.innerText(), /An answer about “Track A” is being written: wait for it, or press Stop \(Esc\)/);
      assert.match((await page.getByTestId('chat-stop').getAttribute('title')) ?? '', /Stop the answer about “Track A”/);
      if (key === 'stop-button') await sp.screenshot('chat-elsewhere-b');
      const stopAt = await sp.mark();
      if (key === 'Escape') await page.keyboard.press('Escape');
      else await page.getByTestId('chat-stop').click();
      const ev = await sp.waitForEvent(['chat-stopped', 'chat-answered'], { after: stopAt });
      assert.equal(ev.name, 'chat-stopped', `${key}: ${JSON.stringify(ev.detail)}`);
      assert.equal((ev.detail as { trackId: string }).trackId, aId, 'the answer about A stopped');
      await page.getByTestId('chat-send').waitFor();
      assert.equal(await reason.innerText(), '');
      if (key === 'stop-button') assert.equal((await sp.openThroughBrowser(a)).name, 'track-opened');
    }
    await page.evaluate(() => delete (globalThis as unknown as { __studioChatOptions?: unknown }).__studioChatOptions);
    const m = await sp.chat().ask('And this one?');
    const ev = await sp.chat().answered(m);
    assert.equal(ev.name, 'chat-answered', JSON.stringify(ev.detail));
    assert.notEqual((ev.detail as { trackId: string }).trackId, aId, 'asked about B');
  });

  test('the open file deleted: Send is off and says why; nothing is stored', async () => {
    const { sp } = studio;
    const { page } = sp;
    let m = await sp.mark();
    assert.equal((await sp.openThroughBrowser(c)).name, 'track-opened');
    await sp.waitForEvent('chat-thread-loaded', { after: m });
    await sp.waitForEvent('waveform-drawn', { after: m });
    m = await sp.mark();
    rmSync(c);
    await sp.waitForEvent('file-gone', { after: m });
    await page.getByTestId('chat-input').fill('What about now?');
    assert.match(await page.getByTestId('chat-disabled-reason').innerText(), /The file is gone: Locate… it where it is now, or Close the track/);
    assert.equal(await page.getByTestId('chat-send').isDisabled(), true);
    await page.getByTestId('chat-input').press('Enter');
    assert.equal((await sp.events('chat-sent')).filter((e) => e.seq > m).length, 0, 'nothing was sent');
    assert.equal(await sp.chat().users.count(), 0, 'no question in the thread');
    await sp.screenshot('chat-elsewhere-gone');
  });

  test('no track open (its file gone and closed while answered): Esc stops nothing; Stop on another track still does (review15)', async () => {
    const { sp } = studio;
    const { page } = sp;
    assert.equal((await sp.openThroughBrowser(d)).name, 'track-opened');
    const dId = await page.evaluate(() => (globalThis as unknown as { __studioEvents: { name: string; detail: { trackId: string } }[] }).__studioEvents.findLast((e) => e.name === 'track-opened')!.detail.trackId);
    await page.evaluate(() => ((globalThis as unknown as { __studioChatOptions: unknown }).__studioChatOptions = { maxNewTokens: 2048, minNewTokens: 2048, temperature: 1.5 }));
    let m = await sp.chat().ask('Describe every instrument in detail.');
    // the answer is being written (its audio read) before the file goes
    assert.equal((await sp.waitForEvent(['chat-first-token', 'chat-failed'], { after: m })).name, 'chat-first-token');
    m = await sp.mark();
    rmSync(d);
    await sp.waitForEvent('file-gone', { after: m });
    await page.getByTestId('file-gone-close').click();
    await sp.waitForEvent('track-closed', { after: m });
    const escAt = await sp.mark();
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1500);
    assert.deepEqual((await sp.events('chat-stopped')).filter((e) => e.seq > escAt), [], 'Esc with no track open stopped an answer');
    // the answer about D is still being written: another track's pane names it and its Stop ends it
    assert.equal((await sp.openThroughBrowser(a)).name, 'track-opened');
    await page.getByTestId('chat-stop').waitFor();
    assert.match(await page.getByTestId('chat-disabled-reason').innerText(), /An answer about “Track D” is being written/);
    const stopAt = await sp.mark();
    await page.getByTestId('chat-stop').click();
    const ev = await sp.waitForEvent(['chat-stopped', 'chat-answered'], { after: stopAt });
    assert.equal(ev.name, 'chat-stopped', JSON.stringify(ev.detail));
    assert.equal((ev.detail as { trackId: string }).trackId, dId);
    await page.evaluate(() => delete (globalThis as unknown as { __studioChatOptions?: unknown }).__studioChatOptions);
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
