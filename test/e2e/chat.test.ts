import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';
import { useStudio } from '../helpers/studio';

/**
 * The chat pane against a real engine and the toolchain's tiny model packs:
 * choose a pack, ask (streamed), regions, Stop, Regenerate, Copy, reload,
 * a broken pack. Run: npm run build && node --import tsx --test test/e2e/chat.test.ts
 */
describe('chat about a track', { timeout: 300_000 }, () => {
  let tmp: string;
  const alpha = join(TINY_DIR, 'packs', 'alpha-fp32');
  const sine = join(TINY_DIR, 'media', 'sine.wav');

  const studio = useStudio({
    prepare: () => {
      ensureTinyPacks();
      tmp = mkdtempSync(join(tmpdir(), 'studio-chat-e2e-'));
    },
    // no WebGPU probe here (slow and failing without a GPU); auto then means CPU
    serve: { env: { STUDIO_DISABLE_WEBGPU: '1' } },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('choose a pack through the in-app browser: the pane shows it, on the CPU', async () => {
    const { page } = studio.sp;
    await page.getByTestId('model-missing').waitFor();
    const ev = await studio.sp.chat().choosePack(alpha);
    assert.equal(ev.name, 'pack-chosen', JSON.stringify(ev.detail));
    const status = await page.getByTestId('pack-status').innerText();
    assert.match(status, /DeepResonance-α/);
    assert.match(status, /α · fp32/);
    assert.equal((await page.getByTestId('provider-active').innerText()).trim(), 'CPU');
    assert.equal(await page.getByTestId('model-missing').count(), 0);
    await studio.sp.screenshot('chat-pack-chosen');
  });

  test('open sine.wav and ask: the answer streams, with stats and the inputs that went in', async () => {
    const { page } = studio.sp;
    let m = await studio.sp.mark();
    const opened = await studio.sp.openThroughBrowser(sine);
    assert.equal(opened.name, 'track-opened', JSON.stringify(opened.detail));
    await studio.sp.waitForEvent('waveform-drawn', { after: m });
    await studio.sp.waitForEvent('chat-thread-loaded', { after: m });
    assert.equal(await page.getByTestId('attach-audio').getAttribute('aria-pressed'), 'true', 'audio attached by default');
    assert.match(await page.getByTestId('attach-audio').innerText(), /Audio \(whole track\)/);

    m = await studio.sp.chat().ask('What instruments are playing?');
    const ev = await studio.sp.chat().answered(m);
    assert.equal(ev.name, 'chat-answered', JSON.stringify(ev.detail));
    const tokens = (await studio.sp.events('chat-token')).filter((e) => e.seq > m && e.seq < ev.seq);
    assert.ok(tokens.length >= 1, 'text arrived as progress before the answer ended');
    const detail = ev.detail as { status: string; text: string };
    assert.equal(detail.status, 'done');
    const answer = studio.sp.chat().answers.last();
    assert.equal(await answer.getAttribute('data-status'), 'done');
    // the answer is drawn as Markdown (markup characters become formatting, control characters go):
    // its letters and digits are all there, in order; Copy gives the exact text (below)
    const letters = (t: string) => (t.match(/[\p{L}\p{N}]+/gu) ?? []).join('');
    const drawn = await answer.locator('.bubble').evaluate((el) => {
      type E = { cloneNode(deep: boolean): E; querySelectorAll(s: string): ArrayLike<{ remove(): void }>; textContent: string | null };
      const copy = (el as unknown as E).cloneNode(true);
      Array.from(copy.querySelectorAll('.code-copy')).forEach((b) => b.remove()); // a code block's Copy button is not answer text
      return copy.textContent ?? '';
    });
    assert.equal(letters(drawn), letters(detail.text));
    assert.match(await answer.getByTestId('msg-stats').innerText(), /first token \d+ ms · [\d.]+ tok\/s · \d+ tokens · CPU/);
    const inputs = await studio.sp.chat().users.last().getByTestId('msg-inputs').innerText();
    assert.match(inputs, /^Audio$/m, 'the whole track went in');
    await studio.sp.screenshot('chat-answered');
  });

  test('a question longer than the channel takes stays in the box with a note; nothing is sent or lost (tester18)', async () => {
    // before: Enter emptied the box, the engine refused the call (BAD_ARGS "Too big") and the pasted text was gone
    const { page } = studio.sp;
    const box = page.getByTestId('chat-input');
    const long = 'Why does the chorus feel lifted? '.repeat(250); // 8 250 characters
    const questions = await studio.sp.chat().users.count();
    await box.fill(long);
    assert.match(await page.getByTestId('chat-disabled-reason').innerText(), /The question is 8249 characters; at most 8000 can be sent.*shorten it/);
    assert.equal(await page.getByTestId('chat-send').isDisabled(), true);
    const m = await studio.sp.mark();
    await box.press('Enter');
    assert.equal(await box.inputValue(), long, 'the question is still in the box');
    // a question that the channel takes is then sent and answered: the long one was never sent before it. This one
    // (5 880 characters) is still longer than the model reads (512 tokens): the answer says it was cut (af7fefc)
    await box.fill('Describe the mood of this song in detail please. '.repeat(120).trim());
    assert.equal(await page.getByTestId('chat-disabled-reason').innerText(), '');
    await box.press('Enter');
    const ev = await studio.sp.chat().answered(m);
    assert.equal(ev.name, 'chat-answered', JSON.stringify(ev.detail));
    assert.equal((await studio.sp.events('chat-sent')).filter((e) => e.seq > m).length, 1, 'only the short question was sent');
    assert.equal(await studio.sp.chat().users.count(), questions + 1);
    assert.match(await studio.sp.chat().answers.last().getByTestId('msg-prompt-cut').innerText(), /came to \d+ tokens but DeepResonance reads 512, so the last \d+ were cut.*ask a shorter question/);
  });

  test('a region selected on the waveform goes in with the question', async () => {
    const { page } = studio.sp;
    const box = (await page.locator('[data-testid=waveform] .main-wrap').boundingBox())!;
    let m = await studio.sp.mark();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    const sel = await studio.sp.waitForEvent('region-selected', { after: m });
    const { start, end } = sel.detail as { start: number; end: number };
    assert.ok(start > 0.4 && end < 2.1 && end - start > 0.5, `region ${start}–${end} of a 3.5 s track`);
    const chip = (await page.getByTestId('attach-audio').innerText()).replace(/^\W+/, '').trim();
    assert.match(chip, /^Audio 0:0\d\.\d–0:0\d\.\d$/);

    m = await studio.sp.chat().ask('What happens in this part?');
    const ev = await studio.sp.chat().answered(m);
    assert.equal(ev.name, 'chat-answered', JSON.stringify(ev.detail));
    const inputs = await studio.sp.chat().users.last().getByTestId('msg-inputs').innerText();
    assert.ok(inputs.includes(chip), `the message shows the region: ${inputs} (chip ${chip})`);
    await studio.sp.screenshot('chat-region');

    // clearing the selection from the chip goes back to the whole track
    m = await studio.sp.mark();
    await page.getByTestId('attach-region-clear').click();
    await studio.sp.waitForEvent('region-cleared', { after: m });
    assert.match(await page.getByTestId('attach-audio').innerText(), /Audio \(whole track\)/);
  });

  test('Stop (Esc) cancels at once: the answer is marked stopped, and asking again works', async () => {
    const { page } = studio.sp;
    await page.evaluate(() => ((globalThis as unknown as { __studioChatOptions: unknown }).__studioChatOptions = { maxNewTokens: 2048, minNewTokens: 2048, temperature: 1.5 }));
    // minNewTokens: the tiny random model would otherwise end an answer (EOS) within milliseconds — a
    // follow-up about the same track starts at once since its media are cached — and Stop could land
    // after the engine stored the answer as done (the clean-clone CI hit that). 2048 forced tokens
    // keep it writing; the retry stays for an answer that still ends before Esc reaches it.
    let m = 0;
    let ev: { name: string; detail?: unknown } = { name: 'none' };
    for (let attempt = 0; attempt < 8 && ev.name !== 'chat-stopped'; attempt++) {
      m = await studio.sp.chat().ask('Describe every instrument in detail.');
      const first = await studio.sp.waitForEvent(['chat-token', 'chat-answered'], { after: m });
      if (first.name === 'chat-answered') continue;
      await page.keyboard.press('Escape');
      ev = await studio.sp.chat().answered(m);
    }
    assert.equal(ev.name, 'chat-stopped', JSON.stringify(ev.detail));
    const last = studio.sp.chat().answers.last();
    assert.equal(await last.getAttribute('data-status'), 'stopped');
    await last.getByTestId('msg-stopped').waitFor();
    await page.evaluate(() => delete (globalThis as unknown as { __studioChatOptions?: unknown }).__studioChatOptions);

    assert.equal(await page.getByTestId('chat-send').isDisabled(), true, 'nothing typed yet');
    m = await studio.sp.chat().ask('And now?');
    const again = await studio.sp.chat().answered(m);
    assert.equal(again.name, 'chat-answered', JSON.stringify(again.detail));
    assert.equal(await studio.sp.chat().answers.last().getAttribute('data-status'), 'done');
  });

  test('Regenerate replaces the last answer; Copy puts it on the clipboard', async () => {
    const { page } = studio.sp;
    const before = await studio.sp.chat().answers.count();
    const oldId = await studio.sp.chat().answers.last().getAttribute('data-id');
    let m = await studio.sp.mark();
    await page.keyboard.press('Control+Shift+R');
    const ev = await studio.sp.chat().answered(m);
    assert.equal(ev.name, 'chat-answered', JSON.stringify(ev.detail));
    assert.equal(await studio.sp.chat().answers.count(), before, 'replaced, not added');
    const last = studio.sp.chat().answers.last();
    assert.notEqual(await last.getAttribute('data-id'), oldId);
    const text = (ev.detail as { text: string }).text;
    // the button does the same
    m = await studio.sp.mark();
    await last.getByTestId('msg-regenerate').click();
    const ev2 = await studio.sp.chat().answered(m);
    assert.equal(ev2.name, 'chat-answered');
    assert.equal(await studio.sp.chat().answers.count(), before);
    void text;

    m = await studio.sp.mark();
    await studio.sp.chat().answers.last().getByTestId('msg-copy').click();
    await studio.sp.waitForEvent('chat-copied', { after: m });
    const clip = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    assert.equal(clip, (ev2.detail as { text: string }).text);
  });

  test('the thread survives a reload', async () => {
    const { page } = studio.sp;
    const texts = await page.getByTestId('thread').locator('.bubble').allInnerTexts();
    assert.ok(texts.length >= 8, `a thread of ${texts.length}`);
    await page.reload();
    await studio.sp.waitForEvent('app-ready', { after: 0 });
    const opened = await studio.sp.openThroughBrowser(sine);
    assert.equal(opened.name, 'track-opened');
    // the reload restores the session's track (issue 12 defect 5) and loads its thread, sometimes before the line above
    // runs — then opening it again finds the thread loaded and says nothing more (ci37 waited 120 s for a second
    // "loaded"): any load since the reload counts (the page's events start again at a reload)
    await studio.sp.waitForEvent('chat-thread-loaded', { after: 0 });
    assert.deepEqual(await page.getByTestId('thread').locator('.bubble').allInnerTexts(), texts);
    await page.getByTestId('msg-stopped').waitFor();
  });

  test('the diagnostics popover: provider setting, what loaded, the auto order', async () => {
    const { page } = studio.sp;
    const m = await studio.sp.mark();
    await page.getByTestId('model-settings-open').click();
    await studio.sp.waitForEvent('diagnostics-loaded', { after: m });
    const pop = page.getByTestId('model-settings');
    assert.equal((await pop.getByTestId('diag-active').innerText()).trim(), 'CPU');
    assert.match(await pop.getByTestId('diag-available').innerText(), /CPU/);
    // every provider onnxruntime-node lists by its product's name, as the others are: "tensorrt (not bundled)" was
    // the one lower-case id among "CPU, WebGPU, CUDA (not bundled)" (newuser35)
    for (const name of (await pop.getByTestId('diag-available').innerText()).split(', ').map((a) => a.replace(/ \(not bundled\)$/, ''))) {
      assert.match(name, /^(CPU|WebGPU|CUDA|TensorRT|DirectML|CoreML)$/, `a provider shown by its id: ${name}`);
    }
    assert.match(await pop.getByTestId('diag-order').innerText(), /CPU$/);
    assert.match(await pop.getByTestId('diag-cuda').innerText(), /installed/);
    assert.equal(await pop.getByTestId('provider-select').inputValue(), 'auto');
    assert.match(await pop.getByTestId('settings-pack').innerText(), /tiny-alpha-fp32/);
    await studio.sp.screenshot('chat-diagnostics');
    // forcing the CPU reloads the model there
    const m2 = await studio.sp.mark();
    await pop.getByTestId('provider-select').selectOption('cpu');
    const ev = await studio.sp.waitForEvent(['provider-set', 'provider-failed'], { after: m2 });
    assert.equal(ev.name, 'provider-set', JSON.stringify(ev.detail));
    await page.keyboard.press('Escape');
    await pop.waitFor({ state: 'detached' });
  });

  test('a broken pack is refused with the reason; the working pack stays', async () => {
    const { page } = studio.sp;
    const broken = join(tmp, 'broken-pack');
    cpSync(alpha, broken, { recursive: true });
    rmSync(join(broken, 'manifest.json'));
    await studio.sp.dismissToasts();
    const ev = await studio.sp.chat().choosePack(broken);
    assert.equal(ev.name, 'pack-failed', JSON.stringify(ev.detail));
    const toasts = await studio.sp.toastTexts('error');
    assert.equal(toasts.length, 1, toasts.join('\n'));
    assert.match(toasts[0], /This model pack cannot be used/);
    assert.match(toasts[0], /manifest/i);
    // the pack in use is still the one chosen before (it reloads with the next question)
    assert.match(await page.getByTestId('pack-status').innerText(), /DeepResonance-α|alpha-fp32/);
    assert.doesNotMatch(await page.getByTestId('pack-status').innerText(), /broken-pack/);
  });

  test('no CSP violations, no page errors', () => {
    const bad = studio.sp.problems.filter((p) => /Content Security Policy|Refused to/i.test(p) || p.startsWith('pageerror'));
    assert.deepEqual(bad, []);
  });
});

describe('auto provider: a fallback is announced, never silent', { timeout: 300_000 }, () => {
  // WebGPU is tried first here
  const studio = useStudio({ prepare: ensureTinyPacks });

  test('choosing a pack on a machine where WebGPU cannot start shows "WebGPU unavailable → CPU"', async () => {
    const { page } = studio.sp;
    await page.getByTestId('model-missing').waitFor();
    const ev = await studio.sp.chat().choosePack(join(TINY_DIR, 'packs', 'alpha-fp32'));
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
