import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { media, OUTPUT } from '../helpers/media';
import { ageDataLock } from '../helpers/data-lock';
import { scanFolder } from './library-page';
import { launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

type D = { document: { querySelector(s: string): { disabled: boolean } | null } };

/**
 * The Library view while the link to `studio serve` is lost (tester20): the chat's actions were disabled with the
 * reason (left19b) but the library's — Scan (Rescan), Add folder, Write tags, Export, Open, Recent — stayed enabled and
 * each failed with "Lost the connection". Now they are disabled by the one connected state (connection.offline,
 * needsEngine), the reason on hover (title) and in aria (aria-describedby → the top bar's offline reason), and
 * enabled again when serve is back on the same data folder and port and its address is opened in the tab.
 * Run: npm run build && node --import tsx --test test/e2e/library-disconnect.test.ts
 */
describe('library: the link to studio serve lost', { timeout: 240_000 }, () => {
  let serve: ServeProcess;
  let again: ServeProcess | undefined;
  let browser: Browser;
  let sp: StudioPage;
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-e2e-lib-disconnect-'));
  const dir = join(OUTPUT, 'e2e-library-disconnect', 'Music');

  before(async () => {
    rmSync(join(OUTPUT, 'e2e-library-disconnect'), { recursive: true, force: true });
    mkdirSync(join(dir, 'Album'), { recursive: true });
    copyFileSync(media('lib-disconnect-tone.flac', ['-f', 'lavfi', '-i', 'sine=f=440:d=4', '-ar', '44100', '-c:a', 'flac', '-metadata', 'title=Tone']), join(dir, 'Album', 'tone.flac'));
    copyFileSync(media('lib-disconnect-tone2.flac', ['-f', 'lavfi', '-i', 'sine=f=660:d=4', '-ar', '44100', '-c:a', 'flac', '-metadata', 'title=Second']), join(dir, 'Album', 'second.flac'));
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe({ dataDir }).finally(() => launching);
    await launching;
    sp = await StudioPage.open(browser, serve);
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    await again?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // CSS selectors (a folder's Rescan by its place: it had no test id before)
  // crates (crates21): New crate…, All tracks and a crate in the sidebar
  const ACTIONS = ['library-add-folder', 'folder-remove', 'export-open', 'detail-write-tags', 'detail-open', 'detail-ask', 'recent', 'open', 'crate-new', 'crate-all', 'crate-open'].map((id) => `[data-testid=${id}]`);
  const RESCAN = '[data-testid=library-folder] .actions button:first-child';
  ACTIONS.push(RESCAN);

  test('disabled with the reason on hover and in aria while disconnected, enabled again on the reconnect', async () => {
    const { page } = sp;
    const lib = await scanFolder(sp, dir, 2);
    // a crate, made and left (its actions need the engine as the library's do)
    await page.getByTestId('crate-new').click();
    await page.getByTestId('crate-name-input').fill('Set');
    await page.getByTestId('crate-name-input').press('Enter');
    await page.getByTestId('crate-empty').waitFor();
    await page.getByTestId('crate-all').click();
    await lib.waitForTotal(2);
    await lib.rows.first().click();
    await page.getByTestId('detail-write-tags').waitFor();
    const firstId = (await lib.rows.first().getAttribute('data-id'))!;
    for (const id of ACTIONS) assert.equal(await page.locator(id).first().isDisabled(), false, `${id} enabled while connected`);
    assert.equal(await page.getByTestId('library-offline').count(), 0);

    const engines = execFileSync('pgrep', ['-P', String(serve.proc.pid)], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
    const exited = new Promise((r) => serve.proc.once('exit', r));
    for (const pid of [serve.proc.pid!, ...engines]) process.kill(pid, 'SIGKILL');
    await exited;
    // the lock the killed serve left, its heartbeat aged as a few seconds after the kill: the next serve takes it over at
    // once (that wait is data-lock's own test; test/helpers/data-lock.ts)
    ageDataLock(dataDir);
    // the top bar says so (as before); in the same render every library action is disabled
    await page.locator('[data-testid=engine-status]', { hasText: /Disconnected|Reconnecting/ }).waitFor();
    const enabled: string[] = [];
    for (const id of ACTIONS) if (!(await page.locator(id).first().isDisabled())) enabled.push(id);
    assert.deepEqual(enabled, [], 'actions still enabled while disconnected');
    await page.getByTestId('library-offline').waitFor();
    const reason = (await page.getByTestId('offline-reason').textContent()) ?? '';
    assert.match(reason, /^Not connected to the studio server/);
    for (const id of ACTIONS) {
      const el = page.locator(id).first();
      assert.equal(await el.getAttribute('title'), reason, `${id}: the reason on hover`);
      assert.equal(await el.getAttribute('aria-describedby'), 'offline-reason', `${id}: the reason in aria`);
    }
    // lib21: the detail's Open (a primary button) looked enabled while disabled — a dimmed accent; now drawn as any
    // disabled button (rgb(47, 127, 207) is --accent-2)
    const openBg = await page.getByTestId('detail-open').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    assert.notEqual(openBg, 'rgb(47, 127, 207)', 'the disabled Open is not drawn in the accent colour');
    // the accessible description is the reason (what a screen reader says of the disabled button)
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: Array<{ name?: { value: string }; description?: { value: string } }> };
    const scan = nodes.find((n) => n.name?.value === 'Rescan');
    assert.equal(scan?.description?.value, reason, 'Rescan\'s accessible description');
    // Add to crate… (right-click) opens, its crates disabled with the reason; Esc closes it (the menu holds the focus)
    await lib.rows.first().click({ button: 'right' });
    const item = page.locator('[data-testid=crate-menu-item][data-name="Set"]');
    assert.equal(await item.isDisabled(), true, 'a crate of Add to crate… while disconnected');
    assert.equal(await item.getAttribute('title'), reason);
    await page.keyboard.press('Escape');
    await page.getByTestId('crate-menu').waitFor({ state: 'hidden' });
    // sorted while disconnected: the last known rows stay (the sort dropped them and read nothing: a blank table)
    await page.getByTestId('sort-title').click();
    await page.getByTestId('sort-title').click();
    assert.equal(await lib.rows.count(), 2, 'the last known rows stay when sorted offline');
    // another row clicked while disconnected: no "Could not load the analysis of this track: Lost the connection"
    // (the app says the link is lost once), and the reconnect loads that row's detail (it reloaded the detail shown —
    // none once the lost-link error replaced it — and left that error up)
    const clicked = await sp.mark();
    const other = page.locator(`[data-testid=library-row]:not([data-id="${firstId}"])`).first();
    const otherId = (await other.getAttribute('data-id'))!;
    await other.click();
    // Space (preview) while disconnected says why, not "Its file could not be played"
    await page.keyboard.press(' ');
    const warned = await sp.waitForEvent('warning-shown', { after: clicked });
    assert.deepEqual(warned.detail, { title: 'Cannot preview now', message: reason });
    await page.waitForTimeout(300); // the detail's settle (90 ms) and its failed request
    assert.equal(await page.getByTestId('detail-error').count(), 0, 'no second lost-link message in the detail');
    assert.deepEqual((await sp.events('warning-shown')).filter((e) => e.seq > clicked).map((e) => (e.detail as { title: string }).title), ['Cannot preview now']);
    // a search typed meanwhile is kept and runs on the reconnect: no "Could not read the library" for it (the top bar
    // and the one "Lost the connection" say the link is down)
    const typed = await sp.mark();
    await page.getByTestId('filter-text').fill('album second');
    await page.getByTestId('filter-text').press('Enter');
    await sp.waitForEvent('library-filtered', { after: typed });
    // the last known rows and their count stay while the filter waits (the filter cleared the count: a blank table),
    // and the offline note says the filter runs on the reconnect
    assert.equal(await lib.rows.count(), 2, 'the last known rows stay when filtered offline');
    assert.match((await page.getByTestId('library-count').textContent()) ?? '', /^\s*2 tracks\s*$/);
    await page.getByTestId('library-offline-pending').waitFor();
    assert.equal(await page.getByTestId('library-empty').count(), 0);
    await sp.screenshot('library-disconnect-1-lost');

    // serve again on the same data folder and port; its new address opened in this tab changes only the fragment
    again = await startServe({ dataDir, port: Number(new URL(serve.origin).port) });
    await page.evaluate((hash) => ((globalThis as unknown as { location: { hash: string } }).location.hash = hash), new URL(again.openUrl).hash);
    // each action enabled again — but Write tags… of the detail's track, which the filter typed offline now hides (the
    // other row clicked is not "Second"): since ui35 the detail says "Hidden by the filter" and offers no Write tags…
    for (const id of ACTIONS) {
      await page.waitForFunction(
        (t) => {
          const doc = (globalThis as unknown as D).document;
          return doc.querySelector(t)?.disabled === false || (t === '[data-testid=detail-write-tags]' && !doc.querySelector(t) && !!doc.querySelector('[data-testid=detail-hidden]'));
        },
        id,
        { polling: 50 },
      );
    }
    assert.equal(await page.getByTestId('library-offline').count(), 0);
    // the search typed while disconnected ran: the track in the folder "Album" titled "Second" is found by its
    // folder's name and its title (7c23878), the other no more
    await sp.waitForEvent('library-page', { after: typed });
    await lib.waitForTotal(1);
    await page.getByTestId('library-count').filter({ hasText: '1 track' }).waitFor();
    assert.equal(await page.getByTestId('library-offline-pending').count(), 0);
    // the row clicked while disconnected has its detail now
    await page.waitForFunction(
      ([id, after]) => (globalThis as unknown as { __studioEvents?: { seq: number; name: string; detail: { trackId?: string } }[] }).__studioEvents?.some((e) => e.seq > after && e.name === 'library-detail' && e.detail.trackId === id),
      [otherId, clicked] as const,
      { polling: 50, timeout: 30_000 },
    );
    assert.equal(await page.getByTestId('detail-error').count(), 0);
    const errors = (await sp.events('library-error')).filter((e) => e.seq > typed);
    assert.deepEqual(errors.map((e) => e.detail), [], 'no query failed for the search typed while disconnected');
    assert.equal(await page.getByTestId('library-error').count(), 0);
    assert.equal(await page.locator(RESCAN).getAttribute('title'), 'Scan this folder again for new or changed files');
    assert.equal(await page.locator(RESCAN).getAttribute('aria-describedby'), null);
    // and they work: a rescan runs to its end on the new serve
    await page.locator(RESCAN).click();
    await page.locator('[data-testid=scan-progress][data-state=finished]').waitFor();
    await lib.rows.filter({ hasText: 'Second' }).first().waitFor();
    await sp.screenshot('library-disconnect-2-reconnected');
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
