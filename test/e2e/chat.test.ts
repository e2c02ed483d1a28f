import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';
import { launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * The chat pane against a real engine and the toolchain's tiny model packs:
 * choose a pack, ask (streamed), regions, Stop, Regenerate, Copy, reload,
 * a broken pack. Run: npm run build && node --import tsx --test test/e2e/chat.test.ts
 */
describe('chat about a track', { timeout: 120_000 }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;
  let tmp: string;
  const alpha = join(TINY_DIR, 'packs', 'alpha-fp32');
  const sine = join(TINY_DIR, 'media', 'sine.wav');

  before(async () => {
    ensureTinyPacks();
    tmp = mkdtempSync(join(tmpdir(), 'studio-chat-e2e-'));
    const launching = launchChromium().then((b) => (browser = b));
    // no WebGPU probe here (slow and failing without a GPU); auto then means CPU
    serve = await startServe({ env: { STUDIO_DISABLE_WEBGPU: '1' } }).finally(() => launching);
    await launching;
    sp = await StudioPage.open(browser, serve, undefined, { permissions: ['clipboard-read', 'clipboard-write'] });
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('choose a pack through the in-app browser: the pane shows it, on the CPU', async () => {
    const { page } = sp;
    await page.getByTestId('model-missing').waitFor();
    const ev = await sp.chat().choosePack(alpha);
    assert.equal(ev.name, 'pack-chosen', JSON.stringify(ev.detail));
    const status = await page.getByTestId('pack-status').innerText();
    assert.match(status, /DeepResonance-α/);
    assert.match(status, /α · fp32/);
    assert.equal((await page.getByTestId('provider-active').innerText()).trim(), 'CPU');
    assert.equal(await page.getByTestId('model-missing').count(), 0);
    await sp.screenshot('chat-pack-chosen');
  });

  test('open sine.wav and ask: the answer streams, with stats and the inputs that went in', async () => {
    const { page } = sp;
    let m = await sp.mark();
    const opened = await sp.openThroughBrowser(sine);
    assert.equal(opened.name, 'track-opened', JSON.stringify(opened.detail));
    await sp.waitForEvent('waveform-drawn', { after: m, timeout: 30_000 });
    await sp.waitForEvent('chat-thread-loaded', { after: m });
    assert.equal(await page.getByTestId('attach-audio').getAttribute('aria-pressed'), 'true', 'audio attached by default');
    assert.match(await page.getByTestId('attach-audio').innerText(), /Audio \(whole track\)/);

    m = await sp.chat().ask('What instruments are playing?');
    const ev = await sp.chat().answered(m);
    assert.equal(ev.name, 'chat-answered', JSON.stringify(ev.detail));
    const tokens = (await sp.events('chat-token')).filter((e) => e.seq > m && e.seq < ev.seq);
    assert.ok(tokens.length >= 1, 'text arrived as progress before the answer ended');
    const detail = ev.detail as { status: string; text: string };
    assert.equal(detail.status, 'done');
    const answer = sp.chat().answers.last();
    assert.equal(await answer.getAttribute('data-status'), 'done');
    assert.equal((await answer.locator('.bubble').innerText()).trim(), detail.text.trim());
    assert.match(await answer.getByTestId('msg-stats').innerText(), /first token \d+ ms · [\d.]+ tok\/s · \d+ tokens · CPU/);
    const inputs = await sp.chat().users.last().getByTestId('msg-inputs').innerText();
    assert.match(inputs, /^Audio$/m, 'the whole track went in');
    await sp.screenshot('chat-answered');
  });

  test('a region selected on the waveform goes in with the question', async () => {
    const { page } = sp;
    const box = (await page.locator('[data-testid=waveform] .main-wrap').boundingBox())!;
    let m = await sp.mark();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    const sel = await sp.waitForEvent('region-selected', { after: m });
    const { start, end } = sel.detail as { start: number; end: number };
    assert.ok(start > 0.4 && end < 2.1 && end - start > 0.5, `region ${start}–${end} of a 3.5 s track`);
    const chip = (await page.getByTestId('attach-audio').innerText()).replace(/^\W+/, '').trim();
    assert.match(chip, /^Audio 0:0\d\.\d–0:0\d\.\d$/);

    m = await sp.chat().ask('What happens in this part?');
    const ev = await sp.chat().answered(m);
    assert.equal(ev.name, 'chat-answered', JSON.stringify(ev.detail));
    const inputs = await sp.chat().users.last().getByTestId('msg-inputs').innerText();
    assert.ok(inputs.includes(chip), `the message shows the region: ${inputs} (chip ${chip})`);
    await sp.screenshot('chat-region');

    // clearing the selection from the chip goes back to the whole track
    m = await sp.mark();
    await page.getByTestId('attach-region-clear').click();
    await sp.waitForEvent('region-cleared', { after: m });
    assert.match(await page.getByTestId('attach-audio').innerText(), /Audio \(whole track\)/);
  });

  test('Stop (Esc) cancels at once: the answer is marked stopped, and asking again works', async () => {
    const { page } = sp;
    await page.evaluate(() => ((globalThis as unknown as { __studioChatOptions: unknown }).__studioChatOptions = { maxNewTokens: 2048, temperature: 1.5 }));
    let m = await sp.chat().ask('Describe every instrument in detail.');
    await page.getByTestId('chat-stop').waitFor({ timeout: 2000 });
    await page.keyboard.press('Escape');
    const ev = await sp.chat().answered(m);
    assert.equal(ev.name, 'chat-stopped', JSON.stringify(ev.detail));
    const last = sp.chat().answers.last();
    assert.equal(await last.getAttribute('data-status'), 'stopped');
    await last.getByTestId('msg-stopped').waitFor();
    await page.evaluate(() => delete (globalThis as unknown as { __studioChatOptions?: unknown }).__studioChatOptions);

    assert.equal(await page.getByTestId('chat-send').isDisabled(), true, 'nothing typed yet');
    m = await sp.chat().ask('And now?');
    const again = await sp.chat().answered(m);
    assert.equal(again.name, 'chat-answered', JSON.stringify(again.detail));
    assert.equal(await sp.chat().answers.last().getAttribute('data-status'), 'done');
  });

  test('Regenerate replaces the last answer; Copy puts it on the clipboard', async () => {
    const { page } = sp;
    const before = await sp.chat().answers.count();
    const oldId = await sp.chat().answers.last().getAttribute('data-id');
    let m = await sp.mark();
    await page.keyboard.press('Control+Shift+R');
    const ev = await sp.chat().answered(m);
    assert.equal(ev.name, 'chat-answered', JSON.stringify(ev.detail));
    assert.equal(await sp.chat().answers.count(), before, 'replaced, not added');
    const last = sp.chat().answers.last();
    assert.notEqual(await last.getAttribute('data-id'), oldId);
    const text = (ev.detail as { text: string }).text;
    // the button does the same
    m = await sp.mark();
    await last.getByTestId('msg-regenerate').click();
    const ev2 = await sp.chat().answered(m);
    assert.equal(ev2.name, 'chat-answered');
    assert.equal(await sp.chat().answers.count(), before);
    void text;

    m = await sp.mark();
    await sp.chat().answers.last().getByTestId('msg-copy').click();
    await sp.waitForEvent('chat-copied', { after: m });
    const clip = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    assert.equal(clip, (ev2.detail as { text: string }).text);
  });

  test('the thread survives a reload', async () => {
    const { page } = sp;
    const texts = await page.getByTestId('thread').locator('.bubble').allInnerTexts();
    assert.ok(texts.length >= 8, `a thread of ${texts.length}`);
    await page.reload();
    await sp.waitForEvent('app-ready', { after: 0 });
    const m = await sp.mark();
    const opened = await sp.openThroughBrowser(sine);
    assert.equal(opened.name, 'track-opened');
    await sp.waitForEvent('chat-thread-loaded', { after: m });
    assert.deepEqual(await page.getByTestId('thread').locator('.bubble').allInnerTexts(), texts);
    await page.getByTestId('msg-stopped').waitFor();
  });

  test('the diagnostics popover: provider setting, what loaded, the auto order', async () => {
    const { page } = sp;
    const m = await sp.mark();
    await page.getByTestId('model-settings-open').click();
    await sp.waitForEvent('diagnostics-loaded', { after: m });
    const pop = page.getByTestId('model-settings');
    assert.equal((await pop.getByTestId('diag-active').innerText()).trim(), 'CPU');
    assert.match(await pop.getByTestId('diag-available').innerText(), /CPU/);
    assert.match(await pop.getByTestId('diag-order').innerText(), /CPU$/);
    assert.match(await pop.getByTestId('diag-cuda').innerText(), /installed/);
    assert.equal(await pop.getByTestId('provider-select').inputValue(), 'auto');
    assert.match(await pop.getByTestId('settings-pack').innerText(), /tiny-alpha-fp32/);
    await sp.screenshot('chat-diagnostics');
    // forcing the CPU reloads the model there
    const m2 = await sp.mark();
    await pop.getByTestId('provider-select').selectOption('cpu');
    const ev = await sp.waitForEvent(['provider-set', 'provider-failed'], { after: m2, timeout: 30_000 });
    assert.equal(ev.name, 'provider-set', JSON.stringify(ev.detail));
    await page.keyboard.press('Escape');
    await pop.waitFor({ state: 'detached' });
  });

  test('a broken pack is refused with the reason; the working pack stays', async () => {
    const { page } = sp;
    const broken = join(tmp, 'broken-pack');
    cpSync(alpha, broken, { recursive: true });
    rmSync(join(broken, 'manifest.json'));
    await sp.dismissToasts();
    const ev = await sp.chat().choosePack(broken);
    assert.equal(ev.name, 'pack-failed', JSON.stringify(ev.detail));
    const toasts = await sp.toastTexts('error');
    assert.equal(toasts.length, 1, toasts.join('\n'));
    assert.match(toasts[0], /This model pack cannot be used/);
    assert.match(toasts[0], /manifest/i);
    // the pack in use is still the one chosen before (it reloads with the next question)
    assert.match(await page.getByTestId('pack-status').innerText(), /DeepResonance-α|alpha-fp32/);
    assert.doesNotMatch(await page.getByTestId('pack-status').innerText(), /broken-pack/);
  });

  test('no CSP violations, no page errors', () => {
    const bad = sp.problems.filter((p) => /Content Security Policy|Refused to/i.test(p) || p.startsWith('pageerror'));
    assert.deepEqual(bad, []);
  });
});

describe('auto provider: a fallback is announced, never silent', { timeout: 120_000 }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;

  before(async () => {
    ensureTinyPacks();
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe().finally(() => launching); // WebGPU is tried first here
    await launching;
    sp = await StudioPage.open(browser, serve);
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  test('choosing a pack on a machine where WebGPU cannot start shows "WebGPU unavailable → CPU"', async () => {
    const { page } = sp;
    await page.getByTestId('model-missing').waitFor();
    const ev = await sp.chat().choosePack(join(TINY_DIR, 'packs', 'alpha-fp32'));
    assert.equal(ev.name, 'pack-chosen', JSON.stringify(ev.detail));
    const active = (await page.getByTestId('provider-active').innerText()).trim();
    if (active === 'CPU') {
      // auto tried WebGPU (or CUDA) first: each provider that failed is named in the pane
      const notices = await page.getByTestId('fallback-notice').allInnerTexts();
      assert.ok(notices.length >= 1, 'a fallback to CPU must be announced');
      assert.ok(notices.every((n) => /unavailable → CPU/.test(n)), notices.join(' | '));
      assert.ok((await page.getByTestId('fallback-notice').first().getAttribute('title'))!.length > 0, 'the reason is in the tooltip');
    } else {
      assert.equal(await page.getByTestId('fallback-notice').count(), 0);
    }
  });
});
