import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { TINY_DIR } from '../tools/helpers';
import { doneAnswer, QUESTION, storedThread, useChatStudio } from '../helpers/chat-thread';
import { HANG_GUARD_MS } from './studio-page';

/**
 * Issue 12, chat pane and model memory:
 * - answers rendered as Markdown (code blocks, lists, tables, links), sanitised:
 *   raw HTML shown as text, no <img onerror>, no javascript: links, no <script>;
 *   a link opens outside the app window (which never navigates);
 * - an answer written in the background grows block by block: the blocks
 *   already drawn keep their elements (no flicker);
 * - Copy copies the Markdown source;
 * - the model's memory (engine resident, the loaded sessions' weights),
 *   read again while loaded, and Unload;
 * - the chat title is not truncated next to the export buttons (1440 and 1280 wide).
 *
 * Answers with chosen Markdown are stored in the engine's thread (SQLite, as
 * the engine itself stores answers) and read by the real page: the tiny test
 * model writes random tokens, not Markdown. One answer is also asked of the
 * tiny model, and it renders the same way.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/chat-markdown-issue12.test.ts
 */

/** The Markdown the stored answer holds: every construct, and every trick a hostile answer could try. */
const ANSWER = [
  '## Structure',
  '',
  'The track is **calm** and *slow*, with `A minor` chords.',
  '',
  '- intro: pads',
  '- verse: piano',
  '- outro: strings',
  '',
  '1. first',
  '2. second',
  '',
  '| Part | Bars | Key |',
  '| --- | --: | --- |',
  '| Intro | 8 | Am |',
  '| Verse | 16 | C |',
  '',
  '```python',
  'def tempo(bpm):',
  '    return 60 / bpm  # <b>not bold</b>',
  '```',
  '',
  'More at [the paper](https://example.org/deepresonance) and [click me](javascript:window.__pwned=1) or [data](data:text/html,<script>window.__pwned=2</script>).',
  '',
  '<img src=x onerror="window.__pwned=3"> <script>window.__pwned=4</script> <a href="https://example.org" onclick="window.__pwned=5">raw link</a>',
  '',
  '![a picture](https://example.org/p.png) <iframe src="https://example.org"></iframe> <style>body{display:none}</style>',
  '',
  'Also [a](JaVaScRiPt:window.__pwned=6) [b](&#106;avascript:window.__pwned=7) [c](vbscript:msgbox) <javascript:window.__pwned=8> <svg onload="window.__pwned=9"></svg> [d](//example.org/x) [e](mailto:a@b.c)',
].join('\n');

describe('chat: Markdown answers, model memory, title (issue 12)', { timeout: 300_000 }, () => {
  const studio = useChatStudio({ permissions: ['clipboard-read', 'clipboard-write'] });
  const sine = join(TINY_DIR, 'media', 'sine.wav');
  const alpha = join(TINY_DIR, 'packs', 'alpha-fp32');
  let trackId = '';
  const dialogs: string[] = [];
  const { insert, update } = storedThread(studio, () => trackId);
  const DONE = doneAnswer(120, 'stop');
  const Q = QUESTION;

  async function reload(): Promise<void> {
    const { sp } = studio;
    await sp.page.reload();
    await sp.waitForEvent('app-ready', { after: 0 });
    await sp.waitForEvent('session-restored', { after: 0 });
    await sp.waitForEvent('chat-thread-loaded', { after: 0 });
  }

  before(async () => {
    const { sp } = studio;
    sp.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // a link that leaves the app goes to the browser: answered here, never by the internet
    await sp.page.context().route('https://example.org/**', (r) => r.fulfill({ status: 200, contentType: 'text/html', body: '<p>outside</p>' }));
    const chosen = await sp.chat().choosePack(alpha);
    assert.equal(chosen.name, 'pack-chosen', JSON.stringify(chosen.detail));
    const m = await sp.mark();
    const opened = await sp.openThroughBrowser(sine);
    assert.equal(opened.name, 'track-opened', JSON.stringify(opened.detail));
    trackId = (opened.detail as { trackId: string }).trackId;
    await sp.waitForEvent('chat-thread-loaded', { after: m });
  });

  test('an answer of the model itself is drawn as Markdown, and the model’s memory is shown while it is loaded', async () => {
    const { sp } = studio;
    const { page } = sp;
    await page.evaluate(() => ((globalThis as unknown as { __studioChatOptions: unknown }).__studioChatOptions = { maxNewTokens: 24 }));
    const m = await sp.chat().ask('Describe the sound.');
    const ev = await sp.chat().answered(m);
    assert.equal(ev.name, 'chat-answered', JSON.stringify(ev.detail));
    const last = sp.chat().answers.last();
    await last.locator('.bubble .md > *').first().waitFor();

    // memory: the engine's resident set and the weights of the loaded sessions, from the pack manifest
    const manifest = JSON.parse(readFileSync(join(alpha, 'manifest.json'), 'utf8')) as { graphs: Record<string, { file: string; external_data?: string }>; files: Record<string, { bytes: number }> };
    const want = ['decoder', 'audio_encoder', 'vision_encoder', 'projector'].reduce((a, g) => a + manifest.files[manifest.graphs[g].file].bytes + (manifest.graphs[g].external_data ? manifest.files[manifest.graphs[g].external_data!].bytes : 0), 0);
    const row = page.locator('[data-testid=model-memory][data-loaded=true]');
    await row.waitFor();
    assert.equal(await page.getByTestId('pack-note').count(), 0, 'loaded: no "loads with the first question" (defect 8)');
    const shown = (await sp.events('model-memory')).at(-1)!.detail as { rss: number; loaded: { weightBytes: number; sessions: number; provider: string } };
    assert.equal(shown.loaded.weightBytes, want, 'the weights are the manifest sizes of the 4 loaded graphs');
    assert.equal(shown.loaded.sessions, 4);
    assert.ok(shown.rss > 20e6, `engine resident ${shown.rss}`);
    assert.match(await row.getByTestId('mem-weights').innerText(), /^[\d.]+ (kB|MB)$/);
    const enginePid = Number(/pid (\d+)/.exec((await page.getByTestId('engine-status').getAttribute('title')) ?? '')?.[1]);
    assert.match((await row.getAttribute('title')) ?? '', new RegExp(`Engine process ${enginePid}:`), 'the engine process’s figures, not the server’s');
    // read again while loaded (every 3 s)
    const n = (await sp.events('model-memory')).length;
    await page.waitForFunction((k) => ((globalThis as unknown as { __studioEvents: Array<{ name: string }> }).__studioEvents.filter((e) => e.name === 'model-memory').length >= k + 2), n, { polling: 200 });
    await sp.screenshot('issue12-chat-memory-1440');

    // the settings list the sessions
    await page.getByTestId('model-settings-open').click();
    await page.getByTestId('settings-memory').waitFor();
    assert.equal(await page.locator('[data-testid=settings-mem-sessions] li').count(), 4);
    assert.match(await page.getByTestId('settings-mem-weights').innerText(), /in 4 onnxruntime sessions on CPU/);
    await sp.screenshot('issue12-settings-memory');
    await page.keyboard.press('Escape');
    await page.getByTestId('model-settings').waitFor({ state: 'hidden' });
  });

  test('Unload frees the sessions; the next question loads the model again', async () => {
    const { sp } = studio;
    const { page } = sp;
    let m = await sp.mark();
    await page.getByTestId('model-unload').click();
    await sp.waitForEvent('model-unloaded', { after: m });
    await page.locator('[data-testid=model-memory][data-loaded=false]').waitFor();
    const after = (await sp.events('model-memory')).at(-1)!.detail as { loaded: unknown };
    assert.equal(after.loaded, null, 'no sessions after Unload');
    await page.locator('[data-testid=provider-active]', { hasText: /^\s*auto\s*$/ }).waitFor();
    assert.equal(await page.getByTestId('pack-status').locator('.pack-name').innerText(), 'DeepResonance-α · fp32', 'the unloaded pack is still named');
    assert.match(await page.getByTestId('pack-note').innerText(), /loads with the first question/);
    await page.getByTestId('model-settings-open').click();
    await page.getByTestId('settings-mem-unloaded').waitFor();
    assert.equal(await page.getByTestId('diag-active').innerText(), 'not loaded yet');
    await sp.screenshot('issue12-settings-unloaded');
    await page.keyboard.press('Escape');
    await sp.screenshot('issue12-chat-unloaded');
    m = await sp.chat().ask('Again?');
    const ev = await sp.chat().answered(m);
    assert.equal(ev.name, 'chat-answered', JSON.stringify(ev.detail));
    await page.locator('[data-testid=model-memory][data-loaded=true]').waitFor();
    await page.locator('[data-testid=provider-active]', { hasText: 'CPU' }).waitFor();
    assert.equal(await page.getByTestId('pack-note').count(), 0);
  });

  test('a stored Markdown answer: code, lists, table, links; nothing hostile runs or loads', async () => {
    const { sp } = studio;
    const { page } = sp;
    const q = insert('user', 'What is its structure?', Q);
    insert('assistant', ANSWER, DONE, q);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await reload();
    const bubble = sp.chat().answers.last().locator('.bubble');
    await bubble.locator('table').waitFor();
    assert.equal(await bubble.locator('h2').innerText(), 'Structure');
    assert.equal(await bubble.locator('strong').first().innerText(), 'calm');
    assert.equal(await bubble.locator('ul > li').count(), 3);
    assert.equal(await bubble.locator('ol > li').count(), 2);
    assert.deepEqual(await bubble.locator('table th').allInnerTexts(), ['Part', 'Bars', 'Key']);
    assert.equal(await bubble.locator('table tbody tr').count(), 2);
    const code = await bubble.locator('pre code').innerText();
    assert.match(code, /def tempo\(bpm\):\n {4}return 60 \/ bpm {2}# <b>not bold<\/b>/, 'the code block keeps its text, indentation and the tag as text');
    // links: the web link opens outside; javascript: and data: lose their target
    const paper = bubble.locator('a', { hasText: 'the paper' });
    assert.equal(await paper.getAttribute('href'), 'https://example.org/deepresonance');
    assert.equal(await paper.getAttribute('target'), '_blank');
    assert.equal(await paper.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await bubble.locator('a', { hasText: 'click me' }).getAttribute('href'), null);
    assert.equal(await bubble.locator('a', { hasText: 'data' }).getAttribute('href'), null);
    // raw HTML is text; no element of it exists
    for (const tag of ['img', 'script', 'iframe', 'style', 'b']) assert.equal(await bubble.locator(tag).count(), 0, `no <${tag}> in the answer`);
    assert.equal(await bubble.locator('[onclick], [onerror], [onload], svg').count(), 0);
    const hrefs = await bubble.locator('a[href]').evaluateAll((as) => as.map((a) => (a as unknown as { getAttribute(n: string): string }).getAttribute('href')));
    assert.ok(hrefs.length > 0 && hrefs.every((h) => /^https?:\/\//.test(h)), `only web links keep a target: ${JSON.stringify(hrefs)}`);
    const text = await bubble.innerText();
    assert.match(text, /<img src=x onerror="window.__pwned=3">/, 'the raw HTML shown as the text it is');
    assert.match(text, /<script>window.__pwned=4<\/script>/);
    assert.match(text, /a picture/, 'an image is its alt text');
    await page.setViewportSize({ width: 1440, height: 900 });
    await bubble.scrollIntoViewIfNeeded();
    await sp.screenshot('issue12-chat-markdown-1440');
    // clicking what looks like a link runs nothing
    await bubble.locator('a', { hasText: 'click me' }).click();
    await bubble.locator('a', { hasText: 'data' }).click();
    const appUrl = page.url();
    const popup = page.context().waitForEvent('page', { timeout: HANG_GUARD_MS });
    await paper.click();
    const outside = await popup;
    await outside.waitForLoadState();
    assert.equal(outside.url(), 'https://example.org/deepresonance', 'the link opened outside the app');
    assert.equal(await outside.evaluate(() => (globalThis as unknown as { opener: unknown }).opener), null, 'without a handle on the app');
    await outside.close();
    assert.equal(page.url(), appUrl, 'the app window did not navigate');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned ?? null), null, 'nothing of the answer ran');
    assert.deepEqual(dialogs, []);
    assert.deepEqual(requests.filter((u) => u.includes('example.org/p.png') || u.endsWith('/x')), [], 'no picture of the answer was fetched');
    await page.setViewportSize({ width: 1280, height: 720 });
    await bubble.scrollIntoViewIfNeeded();
    await sp.screenshot('issue12-chat-markdown-1280');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  test('Copy copies the Markdown source, not the drawn text; a code block’s Copy copies its code', async () => {
    const { sp } = studio;
    const { page } = sp;
    const last = sp.chat().answers.last();
    const m = await sp.mark();
    await last.getByTestId('msg-copy').click();
    await sp.waitForEvent('chat-copied', { after: m });
    const copied = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    assert.equal(copied, ANSWER);
    // a code block's own Copy button copies just its code, as written
    const m2 = await sp.mark();
    await last.locator('.code-block .code-copy').click();
    const ev = await sp.waitForEvent('chat-code-copied', { after: m2 });
    assert.equal((ev.detail as { ok: boolean }).ok, true);
    const code = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    assert.equal(code.trimEnd(), 'def tempo(bpm):\n    return 60 / bpm  # <b>not bold</b>');
    await last.locator('.code-copy', { hasText: 'Copied' }).waitFor();
    await last.locator('.code-block').hover();
    await sp.screenshot('issue12-chat-code-copied');
  });

  test('an answer written in the background grows block by block; the blocks drawn keep their elements', async () => {
    const { sp } = studio;
    const { page } = sp;
    const q = insert('user', 'Walk me through it.', Q);
    const parts = ['First, the **intro** sets a slow pulse.', '- pads\n- a low drone', '| Bar | Chord |\n| --- | --- |\n| 1 | Am |', '```\nAm  F  C  G\n```', 'Then it ends.'];
    const a = insert('assistant', parts[0], { status: 'streaming' }, q);
    await reload();
    const msg = page.locator(`[data-testid=msg-assistant][data-id="${a}"]`);
    await msg.getByTestId('msg-background').waitFor();
    await msg.locator('.bubble .md > p strong', { hasText: 'intro' }).waitFor();
    // mark the first paragraph's element; it must survive every later block
    await msg.locator('.bubble .md > p').first().evaluate((el) => ((el as unknown as { __first: boolean }).__first = true));
    const firstSurvives = () => msg.locator('.bubble .md > p').first().evaluate((el) => (el as unknown as { __first?: boolean }).__first === true);
    const selectors = ['ul > li', 'table td', 'pre code', 'p:nth-of-type(2)'];
    for (let i = 1; i < parts.length; i++) {
      update(a, parts.slice(0, i + 1).join('\n\n'), { status: 'streaming' });
      await msg.locator(`.bubble ${selectors[i - 1]}`).first().waitFor();
      assert.equal(await firstSurvives(), true, `the first paragraph kept its element after block ${i + 1}`);
      if (i === 2) await sp.screenshot('issue12-chat-markdown-streaming');
    }
    // the table block, drawn before the code block arrived, kept its element too
    update(a, parts.join('\n\n'), DONE);
    await page.locator(`[data-testid=msg-assistant][data-id="${a}"][data-status=done]`).waitFor();
    assert.equal(await firstSurvives(), true);
    assert.equal((await msg.locator('.bubble pre code').innerText()).trimEnd(), 'Am  F  C  G');
    assert.equal(await msg.locator('.caret').count(), 0);
  });

  test('the chat title is whole beside the export buttons, at 1440×900 and 1280×720, in the track view and beside the library', async () => {
    const { sp } = studio;
    const { page } = sp;
    const check = async (where: string) => {
      const title = page.getByTestId('chat-title');
      const fits = await title.evaluate((el) => {
        const e = el as unknown as { scrollWidth: number; clientWidth: number; innerText: string };
        return { scroll: e.scrollWidth, client: e.clientWidth, text: e.innerText };
      });
      assert.ok(fits.scroll <= fits.client, `${where}: the title is not cut (${fits.scroll} > ${fits.client})`);
      const pane = (await page.getByTestId('chat').boundingBox())!;
      for (const id of ['chat-export-md', 'chat-export-json', 'chat-clear', 'model-settings-open']) {
        const b = (await page.getByTestId(id).boundingBox())!;
        assert.ok(b.x >= pane.x && b.x + b.width <= pane.x + pane.width + 0.5, `${where}: ${id} inside the pane`);
      }
      const t = (await title.boundingBox())!;
      const md = (await page.getByTestId('chat-export-md').boundingBox())!;
      assert.ok(md.y >= t.y + t.height - 1 || md.x >= t.x + t.width, `${where}: the export buttons do not overlap the title`);
    };
    for (const vp of [{ width: 1440, height: 900 }, { width: 1280, height: 720 }]) {
      await page.setViewportSize(vp);
      await check(`track view ${vp.width}`);
      await sp.screenshot(`issue12-chat-title-${vp.width}`);
      const m = await sp.mark();
      await page.keyboard.press('Control+l');
      await sp.waitForEvent('library-shown', { after: m });
      if (!(await page.getByTestId('chat').isVisible())) {
        await page.getByTestId('library-chat-toggle').click();
        await page.getByTestId('chat').waitFor();
      }
      await check(`beside the library ${vp.width}`);
      await sp.screenshot(`issue12-chat-title-library-${vp.width}`);
      const m2 = await sp.mark();
      await page.keyboard.press('Control+l');
      await sp.waitForEvent('library-hidden', { after: m2 });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  test('the chat comes back scrolled where it was read after a reload (and at its end when it was there)', async () => {
    const { sp } = studio;
    const { page } = sp;
    for (let i = 0; i < 4; i++) insert('assistant', `Note ${i + 1}:\n\n- one\n- two\n- three`, DONE, insert('user', `And part ${i + 1}?`, Q));
    await reload();
    const thread = page.getByTestId('thread');
    const geom = () => thread.evaluate((el) => {
      const e = el as unknown as { scrollTop: number; scrollHeight: number; clientHeight: number };
      return { top: e.scrollTop, height: e.scrollHeight, client: e.clientHeight };
    });
    let g = await geom();
    assert.ok(g.height - g.client > 600, `the thread scrolls: ${JSON.stringify(g)}`);
    assert.ok(g.height - g.top - g.client < 40, 'a thread opens at its end');
    // read an earlier answer: scroll up with the wheel (and wait for its smooth scroll to end)
    const before = await sp.wheelScroll('[data-testid=thread]', -450);
    g = await geom();
    assert.equal(g.top, before);
    assert.ok(g.height - g.top - g.client > 300, `scrolled up: ${JSON.stringify(g)}`);
    await sp.screenshot('issue12-chat-scroll-before-reload');
    // the Markdown renderer is its own chunk, fetched after first paint: on a loaded machine it arrives after the thread
    // has been drawn as plain text (shorter) and held its height — the restore then landed short (1097 for 1115, seen
    // at three e2e files at a time). Held back here until the restore has begun, it must still land where it was read.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    let hits = 0;
    await page.route('**/assets/markdown-*.js', async (route) => {
      hits++;
      await held;
      await route.continue();
    });
    const restoring = reload();
    await sp.waitForEvent('chat-thread-loaded', { after: 0 });
    await sp.frames(15);
    release();
    await restoring;
    await page.unroute('**/assets/markdown-*.js');
    assert.equal(hits, 1, 'the Markdown chunk was held back');
    const restored = (await sp.waitForEvent('session-restored', { after: 0 })).detail as { chatScroll?: number };
    g = await geom();
    assert.ok(Math.abs(g.top - before) <= 2, `scrolled to ${g.top}, was ${before} (restored: ${JSON.stringify(restored)})`);
    await sp.screenshot('issue12-chat-scroll-after-reload');
    // at the end, it comes back at the end
    // (resolves once the page has had the scroll event: the session keeps the position it says)
    await thread.evaluate((el) => {
      const e = el as unknown as { scrollTop: number; scrollHeight: number; addEventListener(n: string, f: () => void, o: { once: boolean }): void };
      const top = e.scrollTop;
      return new Promise<void>((r) => {
        e.addEventListener('scroll', () => r(), { once: true });
        e.scrollTop = e.scrollHeight;
        if (e.scrollTop === top) r();
      });
    });
    await reload();
    g = await geom();
    assert.ok(g.height - g.top - g.client < 40, `at the end again: ${JSON.stringify(g)}`);
  });

  test('attaching a cover switches the Cover chip on', async () => {
    const { sp } = studio;
    const { page } = sp;
    await page.getByTestId('attach-cover-chip').waitFor({ state: 'detached' });
    const m = await sp.mark();
    await page.getByTestId('attach-cover').click();
    await sp.fileBrowser().goTo(join(TINY_DIR, 'media'));
    await sp.fileBrowser().select('testsrc.png');
    await page.keyboard.press('Enter');
    await sp.waitForEvent('cover-changed', { after: m });
    await page.locator('[data-testid=attach-cover-chip][aria-pressed=true]').waitFor();
    await sp.screenshot('issue12-chat-cover-chip-on');
    // and the question asked now sends the cover
    const m2 = await sp.chat().ask('What does the cover show?');
    const ev = await sp.chat().answered(m2);
    assert.equal(ev.name, 'chat-answered', JSON.stringify(ev.detail));
    assert.match(await sp.chat().users.last().getByTestId('msg-inputs').innerText(), /Cover/);
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
