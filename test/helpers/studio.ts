import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, startServe, StudioPage, type ServeProcess } from '../e2e/studio-page';

export interface UseStudioOptions {
  /** run first in `before` (make media, tiny packs) */
  prepare?: () => unknown;
  /** options of every `studio serve` started (env, data folder, roots) */
  serve?: Parameters<typeof startServe>[0];
  /** how many `studio serve` instances (default 1; two share the browser) */
  instances?: number;
  /** open a StudioPage on the first instance (default true) */
  page?: boolean;
  viewport?: { width: number; height: number };
  /** browser permissions for the page (e.g. clipboard) */
  permissions?: string[];
}

/** What useStudio() started; every field is set once the suite's `before` ran. */
export interface Studio {
  browser: Browser;
  /** the first instance */
  serve: ServeProcess;
  serves: ServeProcess[];
  /** the page on the first instance (unless `page: false`) */
  sp: StudioPage;
}

/**
 * The end-to-end tests' setup, once: registers `before` (Chromium launched, or the run's shared one connected, and a
 * blank page made while `studio serve` starts, then a StudioPage on it) and `after` (browser
 * closed, every serve stopped, even when the start failed half way) in the
 * calling `describe`. Returns an object whose fields are filled by `before`:
 * `const studio = useStudio(); … studio.sp.page`.
 */
export function useStudio(opts: UseStudioOptions = {}): Studio {
  const studio = { serves: [] as ServeProcess[] } as Studio;
  before(async () => {
    await opts.prepare?.();
    const launching = launchChromium().then((b) => (studio.browser = b));
    // the page's context and renderer process are made while serve starts (about a second each on CI's 2 cores)
    const paging = opts.page === false ? undefined : launching.then((b) => StudioPage.blankPage(b, opts.viewport, { permissions: opts.permissions }));
    paging?.catch(() => undefined); // (awaited below; a serve that fails to start ends `before` first)
    const starting = Array.from({ length: opts.instances ?? 1 }, () => startServe(opts.serve).then((s) => (studio.serves.push(s), s)));
    studio.serves = await Promise.all(starting).finally(() => launching);
    studio.serve = studio.serves[0];
    await launching;
    if (paging) studio.sp = await StudioPage.open(studio.browser, studio.serve, opts.viewport, { permissions: opts.permissions, page: await paging });
  });
  after(async () => {
    await studio.browser?.close();
    await Promise.all(studio.serves.map((s) => s.stop()));
  });
  return studio;
}
