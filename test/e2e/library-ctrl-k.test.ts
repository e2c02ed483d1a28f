import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { scannedLibrary, type libraryPage } from './library-page';
import { launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * Ctrl+K (the chat's question box) from a focused sort header in the library: the chat pane comes out, the
 * table narrows and the header's column leaves (columns.fit drops it), taking the focus with it — the question
 * box must end up focused all the same (left14). A model pack is made to read as installed by rewriting the
 * engine's model status on the WebSocket (the box is disabled without one; no pack is needed to focus it).
 * Run: npm run build && node tools/run-tests.mjs test/e2e/library-ctrl-k.test.ts
 */
describe('library: Ctrl+K focuses the question box when the focused header leaves (left14)', { timeout: 300_000 }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;
  let lib: ReturnType<typeof libraryPage>;
  /** while set, the engine's answers to media:open wait here (a slow open, made sure) */
  let openHeld: { answers: (() => void)[]; arrived: () => void } | null = null;

  before(async () => {
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe().finally(() => launching);
    await launching;
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
      const server = ws.connectToServer();
      const status = new Set<string>();
      const opens = new Set<string>();
      ws.onMessage((m) => {
        const msg = JSON.parse(String(m)) as { t: string; id: string; method?: string };
        if (msg.t === 'req' && msg.method === 'model:status') status.add(msg.id);
        if (msg.t === 'req' && msg.method === 'media:open') opens.add(msg.id);
        server.send(m);
      });
      server.onMessage((m) => {
        const msg = JSON.parse(String(m)) as { t: string; id?: string; ok?: boolean; value?: { installed?: boolean }; name?: string; payload?: { status?: { installed?: boolean } } };
        // a track's open held back while the test types (openHeld): the engine's answer comes when it is released
        if (msg.t === 'res' && opens.has(msg.id!) && openHeld) {
          openHeld.answers.push(() => ws.send(m));
          return openHeld.arrived();
        }
        if (msg.t === 'res' && msg.ok && status.has(msg.id!) && msg.value) msg.value.installed = true;
        else if (msg.t === 'event' && msg.name === 'model:changed' && msg.payload?.status) msg.payload.status.installed = true;
        else return ws.send(m);
        ws.send(JSON.stringify(msg));
      });
    });
    sp = new StudioPage(page, serve);
    await page.goto(serve.openUrl);
    await sp.waitForEvent('app-ready', { after: 0 });
    ({ lib } = await scannedLibrary(sp, 'e2e-library-ctrl-k'));
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  const dropped = async () => ((await lib.table.getAttribute('data-dropped')) ?? '').split(' ').filter(Boolean);
  /** the focused element's data-testid (its tag name when it has none: BODY when the focus fell back to the page) */
  const active = () =>
    sp.page.evaluate(() => {
      const el = (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null; tagName: string } | null } }).document.activeElement;
      return el?.getAttribute('data-testid') ?? el?.tagName ?? null;
    });
  /** focus the LRA sort button (chat hidden, LRA shown), press Ctrl+K, wait until the chat is out and LRA has left */
  async function ctrlKFromLraHeader(): Promise<void> {
    const { page } = sp;
    assert.ok(!(await dropped()).includes('lra'), 'without the chat LRA is shown');
    await page.getByTestId('sort-lra').focus();
    assert.equal(await active(), 'sort-lra');
    await page.keyboard.press('Control+k');
    await page.getByTestId('chat').waitFor();
    await page.getByTestId('sort-lra').waitFor({ state: 'detached' });
    await sp.frames(6);
    assert.ok((await dropped()).includes('lra'), 'with the chat beside it the table leaves LRA out');
  }

  test('no track for the chat yet (the question box is disabled): Ctrl+K puts the focus on the chat pane, not back on the page', async () => {
    const { page } = sp;
    await page.locator('[data-testid=library-row][data-status=analysed]').first().click();
    await ctrlKFromLraHeader();
    assert.equal(await page.getByTestId('chat-input').isEnabled(), false, 'no track opened: the box is disabled');
    assert.equal(await active(), 'chat', 'the focus is in the chat pane (it was on BODY: lost with the header)');
    await sp.screenshot('left14-ctrl-k-no-track');
    await page.getByTestId('library-chat-toggle').click();
    await page.getByTestId('chat').waitFor({ state: 'hidden' });
    await sp.frames(3);
  });

  test('with a track (Ask about it): Ctrl+K from the LRA header leaves the focus in the question box, and typing goes there', async () => {
    const { page } = sp;
    const m = await sp.mark();
    await page.getByTestId('detail-ask').click();
    await sp.waitForEvent('library-ask', { after: m });
    await page.getByTestId('chat').waitFor();
    assert.equal(await page.getByTestId('chat-input').isEnabled(), true, 'the question box takes input');
    await page.getByTestId('library-chat-toggle').click();
    await page.getByTestId('chat').waitFor({ state: 'hidden' });
    await sp.frames(3);
    await ctrlKFromLraHeader();
    assert.equal(await active(), 'chat-input', 'Ctrl+K left the focus in the question box');
    await page.keyboard.type('tempo?');
    assert.equal(await page.getByTestId('chat-input').inputValue(), 'tempo?');
    await sp.screenshot('left14-ctrl-k-header-left');
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });

  test('Ask about it focuses the question box in the click itself, as Ctrl+K does (ui36: a frame later)', async () => {
    const { page } = sp;
    await page.getByTestId('chat-input').fill('');
    await page.getByTestId('library-chat-toggle').click();
    await page.getByTestId('chat').waitFor({ state: 'hidden' });
    await sp.frames(3);
    // the shown track is the open one: where the focus is when the click's task ends (a key pressed then goes there)
    const inTheClick = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): { click(): void } | null; activeElement: { getAttribute(n: string): string | null } | null } }).document;
      d.querySelector('[data-testid=detail-ask]')!.click();
      return d.activeElement?.getAttribute('data-testid') ?? null;
    });
    assert.equal(inTheClick, 'chat-input', 'the question box has the focus when the click has been handled');
    await page.keyboard.type('Why?');
    assert.equal(await page.getByTestId('chat-input').inputValue(), 'Why?');
    await page.getByTestId('chat-input').fill('');
  });

  test('Ask about it on a track not open yet: what is typed straight after the click goes into its question box', async () => {
    const { page } = sp;
    const rows = page.locator('[data-testid=library-row][data-status=analysed]');
    const m0 = await sp.mark();
    await rows.nth(1).click();
    await sp.waitForEvent('library-detail', { after: m0 });
    const title = await page.getByTestId('detail-title').innerText();
    const m = await sp.mark();
    let arrived!: () => void;
    const answered = new Promise<void>((r) => (arrived = r));
    const held = { answers: [] as (() => void)[], arrived };
    openHeld = held;
    await page.getByTestId('detail-ask').click();
    await page.keyboard.type('What key?'); // while the track is being opened: its media:open answer is held back
    await answered; // (the engine's answer came, and waits)
    openHeld = null;
    assert.equal(await page.getByTestId('chat-input').inputValue(), '', 'nothing typed into the box of the track open before');
    for (const answer of held.answers) answer();
    await sp.waitForEvent('library-ask', { after: m });
    await sp.frames(2);
    assert.equal(await active(), 'chat-input', `the box of the track asked about (${title}) has the focus`);
    assert.equal(await page.getByTestId('chat-input').inputValue(), 'What key?', 'no key typed during the open was lost');
    await sp.screenshot('ui36-ask-about-typed-at-once');
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
