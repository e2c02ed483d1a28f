import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { chromium, type Browser, type CDPSession, type Download, type Page } from 'playwright-core';
import { OUTPUT, ROOT } from '../helpers/media';

/**
 * Page objects and fixtures for the end-to-end tests: a real `studio serve`
 * (the built app, a fresh data dir) driven in Debian's Chromium. Tests wait on
 * the app's own signals (window.__studioEvents, see renderer/src/lib/test-hooks.ts),
 * never on sleeps.
 */

export const SCREENSHOTS = join(OUTPUT, 'screenshots');

/**
 * How long any one wait of the e2e tests may take before it counts as hung
 * (ms). Only a hang guard: every wait is for an event or a state of the page,
 * never for time to pass, so a slow machine (the project's CI) only makes the
 * waits longer. Every StudioPage's default timeout (locator waits, clicks,
 * waitForFunction) and waitForEvent's default.
 */
export const HANG_GUARD_MS = 120_000;

/**
 * Route the page's WebSocket to `studio serve` through this process and hold back the engine's answers to the calls
 * `hold(method)` picks (asked when the call goes out, so a test turns holding on and off): each held answer waits in
 * `held` until the test sends it (`release()`: all, in order). Events and every other answer pass at once — the order
 * a late answer reaches the page in is made, not waited for. Call before the page opens serve's address.
 */
export async function holdAnswers(page: Page, hold: (method: string) => boolean): Promise<{ held: Array<() => void>; release(): void }> {
  const held: Array<() => void> = [];
  await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
    const server = ws.connectToServer();
    const ids = new Set<string>();
    ws.onMessage((m) => {
      const msg = JSON.parse(String(m)) as { t: string; id: string; method?: string };
      if (msg.t === 'req' && msg.method && hold(msg.method)) ids.add(msg.id);
      server.send(m);
    });
    server.onMessage((m) => {
      const msg = JSON.parse(String(m)) as { t: string; id: string };
      if (msg.t === 'res' && ids.has(msg.id)) held.push(() => ws.send(m));
      else ws.send(m);
    });
  });
  return { held, release: () => held.splice(0).forEach((send) => send()) };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ServeProcess {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** the printed URL with #token=… */
  openUrl: string;
  token: string;
  proc: ChildProcess;
  dataDir: string;
  /** ms from spawn to the URL being printed */
  startedInMs: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Start `node bin/studio.js serve --port 0 --data-dir <temp> --root …` and wait for its URL (`port`: that port
 * instead of a free one, e.g. to restart serve where a page was; null: no --port, as a user starts it).
 * `roots`: the allowed folders (default: test/output and the temp folder, where the tests' media live).
 */
export async function startServe(opts: { dataDir?: string; timeoutMs?: number; env?: Record<string, string>; roots?: string[]; port?: number | null } = {}): Promise<ServeProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'studio-e2e-'));
  const t0 = performance.now();
  mkdirSync(OUTPUT, { recursive: true });
  const roots = (opts.roots ?? [OUTPUT, tmpdir()]).flatMap((r) => ['--root', r]);
  const proc = spawn(process.execPath, [join(ROOT, 'bin/studio.js'), 'serve', ...(opts.port === null ? [] : ['--port', String(opts.port ?? 0)]), '--data-dir', dataDir, ...roots], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env, STUDIO_DATA_DIR: dataDir },
  });
  let out = '';
  proc.stdout!.setEncoding('utf8');
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (d: string) => (out += d));
  const openUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`studio serve printed no URL in time:\n${out}`)), opts.timeoutMs ?? HANG_GUARD_MS);
    proc.stdout!.on('data', (d: string) => {
      out += d;
      const m = /(http:\/\/\S+#token=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`studio serve exited (${code}) before printing its URL:\n${out}`));
    });
  });
  const startedInMs = performance.now() - t0;
  const u = new URL(openUrl);
  return {
    origin: u.origin,
    openUrl,
    token: new URLSearchParams(u.hash.slice(1)).get('token')!,
    proc,
    dataDir,
    startedInMs,
    output: () => out,
    stop: async () => {
      // a process killed by a signal has exitCode null and signalCode set: it has exited, and 'exit' will not come again
      // (chat-disconnect SIGKILLs its first serve; waiting here hung ci23's e2e for 20 min)
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        // serve stops its engine first; SIGKILL only as a hang guard (a kill while it does would orphan the engine)
        const timer = setTimeout(() => proc.kill('SIGKILL'), HANG_GUARD_MS);
        await exited;
        clearTimeout(timer);
      }
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium (never `npx playwright install`) */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The Chromium a test file drives. Under tools/run-tests.mjs one browser serves every e2e file of the run
 * (test/e2e/browser-server.ts; STUDIO_E2E_BROWSER is its endpoint): a file connects to it (each of its pages in a
 * context of its own, as with a browser of its own) instead of starting and stopping a browser itself, which cost each
 * of 54 files a launch on a 2-core machine. A file run by itself (`node --import tsx --test …`), or when the shared
 * browser cannot be reached, launches its own. `close()` on a connected browser drops that file's contexts and
 * disconnects; the shared browser runs on. (A download's `path()` throws on a connected browser: read it with `downloaded`.)
 */
export async function launchChromium(): Promise<Browser> {
  const shared = process.env.STUDIO_E2E_BROWSER;
  if (shared) {
    try {
      return await chromium.connect(shared, { timeout: 30_000 });
    } catch (err) {
      process.stderr.write(`the shared Chromium (${shared}) could not be reached, launching one: ${(err as Error).message.split('\n')[0]}\n`);
    }
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** The bytes of a download (its `path()` is not there on a connected browser: launchChromium). */
export async function downloaded(d: Download): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await d.createReadStream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

interface TestEvent {
  seq: number;
  name: string;
  detail?: unknown;
  at: number;
}
type Win = { __studioEvents?: TestEvent[] };

export class StudioPage {
  /** console errors and page errors seen (CSP violations show up here) */
  readonly problems: string[] = [];

  constructor(
    readonly page: Page,
    readonly serve: ServeProcess,
  ) {
    page.setDefaultTimeout(HANG_GUARD_MS);
    page.on('pageerror', (e) => this.problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.problems.push(`console: ${m.text()}`);
    });
  }

  /**
   * A StudioPage on `serve`, ready (app-ready). `opts.page`: a blank page made beforehand with `blankPage` (its context
   * and renderer process made while `studio serve` started: useStudio), used instead of a new one.
   */
  static async open(
    browser: Browser,
    serve: ServeProcess,
    viewport = { width: 1400, height: 860 },
    opts: { permissions?: string[]; page?: Page } = {},
  ): Promise<StudioPage> {
    const page = opts.page ?? (await StudioPage.blankPage(browser, viewport, opts));
    const sp = new StudioPage(page, serve);
    await page.goto(serve.openUrl);
    await sp.waitForEvent('app-ready', { after: 0 });
    return sp;
  }

  /** A new page (its own context) with nothing loaded, for `open`'s `opts.page`. */
  static blankPage(browser: Browser, viewport = { width: 1400, height: 860 }, opts: { permissions?: string[] } = {}): Promise<Page> {
    return browser.newPage({ viewport, permissions: opts.permissions });
  }

  /** The sequence number of the last app event: pass it as `after` to wait for what comes next. */
  async mark(): Promise<number> {
    return this.page.evaluate(() => (globalThis as unknown as Win).__studioEvents?.at(-1)?.seq ?? 0);
  }

  async events(name?: string): Promise<TestEvent[]> {
    const all = await this.page.evaluate(() => (globalThis as unknown as Win).__studioEvents ?? []);
    return name ? all.filter((e) => e.name === name) : all;
  }

  /** Wait for one of `names` after the mark; returns it. */
  async waitForEvent(names: string | string[], opts: { after: number; timeout?: number }): Promise<TestEvent> {
    const list = Array.isArray(names) ? names : [names];
    try {
      const handle = await this.page.waitForFunction(
        ([wanted, after]) => (globalThis as unknown as Win).__studioEvents?.find((e) => e.seq > after && wanted.includes(e.name)) ?? null,
        [list, opts.after] as const,
        { timeout: opts.timeout ?? HANG_GUARD_MS, polling: 50 },
      );
      return (await handle.jsonValue()) as TestEvent;
    } catch (err) {
      // a hang on CI is otherwise a bare timeout: say what did happen
      throw new Error(`waitForEvent(${list.join('|')}) after #${opts.after}: ${(err as Error).message}\n${await this.diagnose(opts.after)}`, { cause: err });
    }
  }

  /** What a failed wait saw: the app events after `after`, the engine status, the toasts, serve's last output. */
  async diagnose(after: number): Promise<string> {
    const lines: string[] = [];
    try {
      const evs = (await this.events()).filter((e) => e.seq > after);
      lines.push(`events after #${after}: ${evs.map((e) => `#${e.seq} ${e.name} ${JSON.stringify(e.detail ?? null).slice(0, 160)}`).join('\n  ') || 'none'}`);
      const status = this.page.getByTestId('engine-status');
      lines.push(`engine status: ${await status.innerText({ timeout: 2000 })} (${await status.getAttribute('title', { timeout: 2000 })})`);
      lines.push(`toasts: ${JSON.stringify(await this.page.locator('[data-testid^=toast-]').allInnerTexts())}`);
    } catch (e) {
      lines.push(`(the page could not be read: ${(e as Error).message})`);
    }
    lines.push(`page problems: ${JSON.stringify(this.problems.slice(-10))}`);
    lines.push(`serve output (last 3000 chars):\n${this.serve.output().slice(-3000)}`);
    return lines.join('\n');
  }

  // ---- file browser --------------------------------------------------------

  private cdp: CDPSession | undefined;

  /**
   * Type text into what has focus as key presses: for each character a keydown (the character as its key, as a
   * keyboard layout that has it sends) and a keyup, through Chromium's DevTools input (trusted events, the same path
   * Playwright's keyboard takes; any character, é, « and ♪ too, which Playwright would send as an input event alone,
   * which a list never sees). The presses are sent all at once and DevTools delivers them in order, one after another,
   * so a name costs one round trip instead of two per character. `browser-big-folder`'s type-ahead test types once
   * through Playwright's keyboard, key by key, and its Backspace step through this (the name in one burst, then Backspace at once).
   */
  async typeText(text: string): Promise<void> {
    const cdp = (this.cdp ??= await this.page.context().newCDPSession(this.page));
    await Promise.all(
      [...text].flatMap((ch) => [
        cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: ch, text: ch, unmodifiedText: ch }),
        cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: ch }),
      ]),
    );
  }

  /** Open a file through Open… and the in-app file browser; resolves with the event that ended it. */
  async openThroughBrowser(path: string, opts: { screenshot?: string } = {}): Promise<TestEvent> {
    const m = await this.mark();
    await this.page.getByTestId('open').first().click();
    const browser = this.fileBrowser();
    await browser.goTo(dirname(path));
    await browser.select(basename(path));
    if (opts.screenshot) await this.screenshot(opts.screenshot);
    const m2 = await this.mark();
    await this.page.keyboard.press('Enter');
    void m;
    return this.waitForEvent(['track-opened', 'error-shown'], { after: m2 });
  }

  fileBrowser() {
    const page = this.page;
    const self = this;
    return {
      root: page.getByTestId('file-browser'),
      async goTo(dir: string) {
        await page.getByTestId('file-browser').waitFor();
        await page.locator('[data-testid=browser-list][aria-busy=false]').waitFor();
        const m = await self.mark();
        await page.getByTestId('browser-path').fill(dir);
        await page.getByTestId('browser-path').press('Enter');
        // the listing of this folder (not that of the folder the browser opened on)
        await page.waitForFunction(
          ([after, path]) => (globalThis as unknown as Win).__studioEvents?.some((e) => e.seq > after && e.name === 'browser-listed' && (e.detail as { path: string }).path === path) ?? false,
          [m, dir] as const,
          { polling: 50 },
        );
      },
      /**
       * Select an entry by name the way a person does with a long list: focus the list and type the name
       * (type-ahead), then check the selected row — in the page, scrolled into view — is exactly `name`. The list
       * keeps focus (Enter then opens it). A type-ahead left from earlier typing is waited out first; typing cut by a
       * pause longer than the list's reset (a slow machine) is typed again, up to three times.
       */
      async select(name: string) {
        const list = page.getByTestId('browser-list');
        await page.locator('[data-testid=browser-list][aria-busy=false]').waitFor();
        const chars = [...name];
        let last: { typed: string; selected: string | null } | undefined;
        for (let attempt = 0; attempt < 3; attempt++) {
          await list.focus();
          await page.getByTestId('browser-typeahead').waitFor({ state: 'detached' });
          const m = await self.mark();
          await self.typeText(name);
          // one browser-type-ahead event per character typed
          const evs = await page.waitForFunction(
            ([after, n]) => {
              const evs = ((globalThis as unknown as Win).__studioEvents ?? []).filter((e) => e.seq > after && e.name === 'browser-type-ahead');
              return evs.length >= n ? evs.map((e) => e.detail) : null;
            },
            [m, chars.length] as const,
            { polling: 50 },
          );
          last = ((await evs.jsonValue()) as { typed: string; selected: string | null }[]).at(-1);
          if (last?.typed === name) break;
        }
        if (last?.typed !== name || last.selected !== name) throw new Error(`type-ahead of ${JSON.stringify(name)} selected ${JSON.stringify(last?.selected)} (typed ${JSON.stringify(last?.typed)})`);
        const row = page.locator('[data-testid=browser-list] [aria-selected=true]');
        await row.waitFor();
        const shown = await row.getAttribute('data-name');
        if (shown !== name) throw new Error(`the selected row in the page is ${JSON.stringify(shown)}, not ${JSON.stringify(name)}`);
      },
    };
  }

  // ---- chat ------------------------------------------------------------------

  chat() {
    const page = this.page;
    const self = this;
    return {
      /** choose a model pack folder through the in-app browser in folder mode; resolves with the event that ended it */
      async choosePack(dir: string, from: 'choose-pack' | 'settings-choose-pack' = 'choose-pack') {
        await page.getByTestId(from).click();
        const fb = self.fileBrowser();
        await fb.goTo(dirname(dir));
        const entered = await self.mark();
        await fb.select(basename(dir));
        await page.keyboard.press('Enter');
        const listed = await self.waitForEvent('browser-listed', { after: entered });
        if ((listed.detail as { path: string }).path !== dir) throw new Error(`the browser listed ${JSON.stringify(listed.detail)}, not ${dir}`);
        const m = await self.mark();
        await page.getByTestId('browser-use-folder').click();
        return self.waitForEvent(['pack-chosen', 'pack-failed', 'pack-cancelled'], { after: m });
      },
      /** type a question and press Enter; resolves with the mark before sending */
      async ask(question: string) {
        await page.getByTestId('chat-input').fill(question);
        const m = await self.mark();
        await page.getByTestId('chat-input').press('Enter');
        return m;
      },
      async answered(after: number) {
        return self.waitForEvent(['chat-answered', 'chat-failed', 'chat-stopped'], { after });
      },
      users: page.getByTestId('msg-user'),
      answers: page.getByTestId('msg-assistant'),
    };
  }

  // ---- reading the UI --------------------------------------------------------

  async fact(field: string): Promise<string> {
    return (await this.page.locator(`[data-testid=track-facts] dd[data-field="${field}"]`).textContent())?.trim() ?? '';
  }

  async toastTexts(kind: 'error' | 'warning' | 'notice' = 'error'): Promise<string[]> {
    return this.page.getByTestId(`toast-${kind}`).allInnerTexts();
  }

  async dismissToasts(): Promise<void> {
    // one at a time from the top: notices may fade meanwhile
    const buttons = this.page.getByTestId('dismiss');
    while ((await buttons.count()) > 0) await buttons.first().click({ timeout: 2000 }).catch(() => undefined);
  }

  async mediaState(): Promise<{ currentTime: number; paused: boolean; src: string; inVideoPanel: boolean }> {
    return this.page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
      const v = doc.querySelector('video') as { currentTime: number; paused: boolean; currentSrc: string; closest(s: string): unknown } | null;
      if (!v) return { currentTime: -1, paused: true, src: '', inVideoPanel: false };
      return { currentTime: v.currentTime, paused: v.paused, src: v.currentSrc, inVideoPanel: !!v.closest('[data-testid=video]') };
    });
  }

  /** Wait until the media element's currentTime satisfies lo ≤ t ≤ hi. */
  async waitForMediaTime(lo: number, hi = Infinity, timeout = HANG_GUARD_MS): Promise<number> {
    type Doc = { document: { querySelector(s: string): { currentTime: number } | null } };
    // a function, not a string: the page's CSP (rightly) refuses eval
    const h = await this.page.waitForFunction(
      ([a, b]) => {
        const v = (globalThis as unknown as Doc).document.querySelector('video');
        return v && v.currentTime >= a && v.currentTime <= b ? { t: v.currentTime } : null; // (0 would read as falsy)
      },
      [lo, Number.isFinite(hi) ? hi : 1e12] as const,
      { polling: 50, timeout },
    ).catch(async (err: Error) => {
      const now = await this.mediaState().catch(() => null);
      throw new Error(`${err.message}\nwaited for the media time in [${lo}, ${hi}]; it is ${JSON.stringify(now)}`);
    });
    return ((await h.jsonValue()) as { t: number }).t;
  }

  /**
   * Turn the mouse wheel by `dy` px over the element matching `selector` and
   * resolve with its scrollTop once its scrolling has ended (the `scrollend`
   * event, after any smooth scroll), however long the page takes to animate it.
   * The element must be able to scroll that way (else no scrollend comes and
   * the wait runs into the hang guard).
   */
  async wheelScroll(selector: string, dy: number): Promise<number> {
    type El = { scrollTop: number; addEventListener(n: string, f: () => void, o: { once: boolean }): void; __ended?: Promise<number> };
    const el = this.page.locator(selector);
    await el.evaluate((e) => {
      const x = e as unknown as El;
      x.__ended = new Promise<number>((r) => x.addEventListener('scrollend', () => r(x.scrollTop), { once: true }));
    });
    const box = (await el.boundingBox())!;
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await this.page.mouse.wheel(0, dy);
    return el.evaluate((e) => (e as unknown as El).__ended!);
  }

  /**
   * Resolve after the page has rendered `n` more frames (requestAnimationFrame):
   * what a key press or a resize set off (ResizeObserver, scroll events, the
   * effects they run) is on screen by then. Counts frames, not milliseconds.
   */
  async frames(n = 2): Promise<void> {
    // (no named helpers inside page functions: the test's compiler would wrap them in __name())
    await this.page.evaluate(async (k) => {
      for (let i = 0; i < k; i++) await new Promise<void>((r) => (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() => r()));
    }, n);
  }

  async zoomLevel(): Promise<number> {
    return parseFloat((await this.page.getByTestId('zoom-level').innerText()).replace('×', ''));
  }

  /**
   * The time ruler's labels that are on screen (inside the ruler's box), left
   * to right: their text, time in seconds (parsed from m:ss[.s]) and x in px.
   */
  async rulerLabels(): Promise<{ text: string; sec: number; x: number }[]> {
    const box = await this.page.getByTestId('ruler').boundingBox();
    if (!box) return [];
    // leaf elements with text (no named inner functions: the page gets this source as is)
    const leaves = await this.page.getByTestId('ruler').evaluate((root) =>
      Array.from((root as unknown as { querySelectorAll(s: string): ArrayLike<unknown> }).querySelectorAll('*'))
        .map((n) => n as { children: { length: number }; textContent: string | null; getBoundingClientRect(): { left: number; right: number; width: number } })
        .filter((n) => !n.children.length && (n.textContent ?? '').trim() && n.getBoundingClientRect().width > 0)
        .map((n) => ({ text: (n.textContent ?? '').trim(), left: n.getBoundingClientRect().left, right: n.getBoundingClientRect().right })),
    );
    const sec = (t: string) => t.split(':').reduce((acc, p) => acc * 60 + parseFloat(p), 0);
    return leaves
      .filter((l) => l.left >= box.x - 0.5 && l.right <= box.x + box.width + 0.5 && /^\d+(:\d{2}(\.\d)?)+$/.test(l.text))
      .map((l) => ({ text: l.text, sec: sec(l.text), x: l.left - box.x }))
      .sort((a, b) => a.x - b.x);
  }

  /** wavesurfer's progress (0…1) as drawn: the cursor's left edge relative to the waveform's width. */
  async drawnProgress(): Promise<number> {
    return this.page.locator('[data-testid=waveform] .main').evaluate((el) => {
      type E = { shadowRoot: { querySelector(s: string): { style: { left: string } } | null } | null; firstElementChild: E | null };
      const host = (el as unknown as E).firstElementChild;
      const cursor = host?.shadowRoot?.querySelector('[part~=cursor]');
      return cursor ? parseFloat(cursor.style.left) / 100 : -1;
    });
  }

  /**
   * Wait until the waveform's cursor is drawn between `lo` and `hi` (fractions of its width) and return where it is:
   * wavesurfer redraws it on the media element's timeupdate, which a loaded machine delivers frames after a seek.
   */
  async waitForDrawnProgress(lo: number, hi: number): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      const p = await this.drawnProgress();
      if (p >= lo && p <= hi) return p;
      if (Date.now() - t0 > HANG_GUARD_MS) throw new Error(`the waveform's cursor stayed at ${p} (waited for ${lo}–${hi})`);
      await this.frames(1);
    }
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = join(SCREENSHOTS, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
