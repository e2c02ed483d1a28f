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
    // a context of its own (browser.newPage's refuses a second page): the crash case opens the app again in it
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    sp = await StudioPage.open(browser, serve, undefined, { page: await context.newPage() });
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

  test('the question being typed is kept with the session: back after a reload, and after the window crashed (crash34)', async () => {
    // before: it lived only in the page, so a reload (F5 after a lost connection, the desktop app reloading a crashed
    // window, the browser closed with the machine) emptied the box
    await open(tone);
    const question = 'After the break, does the bass line change key? Ïñ détail, please.';
    await box().fill(question);
    await sp.page.reload();
    await sp.waitForEvent('app-ready', { after: 0 });
    await sp.waitForEvent('session-restored', { after: 0 });
    assert.equal(await box().inputValue(), question, 'back after a reload');
    // a crash (no pagehide, nothing runs at the end): what was kept as it was typed
    const more = `${question} And the drums?`;
    await box().fill(more);
    const kept = (q: string) => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem('studio.session.v1')?.includes(q) ?? false;
    await sp.page.waitForFunction(kept, more, { timeout: 20_000 });
    const context = sp.page.context();
    const cdp = await context.newCDPSession(sp.page);
    const crashed = new Promise((r) => sp.page.once('crash', r));
    void cdp.send('Page.crash').catch(() => undefined); // (never answered: the page is gone)
    await crashed;
    await sp.page.close();
    sp = new StudioPage(await context.newPage(), serve);
    await sp.page.goto(serve.openUrl);
    await sp.waitForEvent('app-ready', { after: 0 });
    await sp.waitForEvent('session-restored', { after: 0 });
    assert.equal(await box().inputValue(), more, 'back after the crash');
    await sp.screenshot('crash34-chat-draft-after-crash');
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });

  test('Enter that an input method takes to commit its composition sends nothing: Chromium\'s, and Safari\'s after compositionend (cliui37)', async () => {
    await open(sine);
    await box().fill('');
    await box().focus();
    const m = await sp.mark();
    // Chromium's own IME path (DevTools' Input.imeSetComposition, as an IME drives it): Enter while composing, then the
    // text committed
    const cdp = await sp.page.context().newCDPSession(sp.page);
    await cdp.send('Input.imeSetComposition', { text: 'にほん', selectionStart: 3, selectionEnd: 3 });
    await sp.page.keyboard.press('Enter');
    await cdp.send('Input.insertText', { text: '日本' });
    assert.match(await box().inputValue(), /日本/, 'the committed text is in the box');
    // Safari's order (a `studio serve` page there): compositionend first, then the committing Enter's keydown, not
    // marked isComposing, only keyCode 229. Before, this Enter sent the question
    // (a script as text: the test's TypeScript compiler would wrap the getter in a helper the page lacks)
    await sp.page.evaluate(`(() => {
      const el = document.querySelector('[data-testid=chat-input]');
      el.dispatchEvent(new CompositionEvent('compositionstart', { data: '', bubbles: true }));
      el.dispatchEvent(new CompositionEvent('compositionend', { data: 'の曲', bubbles: true }));
      const enter = new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true, composed: true });
      Object.defineProperty(enter, 'keyCode', { get() { return 229; } });
      el.dispatchEvent(enter);
    })()`);
    assert.match(await box().inputValue(), /日本/, 'not sent: the text is still in the box');
    await sp.screenshot('cliui37-chat-ime-enter');
    // then Enter itself: sent — the first chat-sent since the composition is this one
    await box().fill('日本の曲?');
    await box().press('Enter');
    await sp.waitForEvent('chat-sent', { after: m });
    const sent = await sp.page.evaluate((after) => (globalThis as unknown as { __studioEvents: { seq: number; name: string }[] }).__studioEvents.filter((e) => e.seq > after && e.name === 'chat-sent').length, m);
    assert.equal(sent, 1, 'only the plain Enter sent');
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
