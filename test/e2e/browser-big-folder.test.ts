import assert from 'node:assert/strict';
import { linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import type { Doc } from './library-page';

/**
 * The in-app file browser with a big folder (tester21): "Add folder…" on a folder of 20,000 small files took
 * 11.2 s to show its listing (the server listed it in 1.2–1.6 s; the rest was 20,000 rows put in the page), each
 * ↓ took 250 ms (every row re-rendered its `selected` class) and leaving the folder took 2 s. Now the list renders
 * the rows in view (and a margin) only: the DOM holds a few dozen rows whatever the folder holds, and the keys
 * still reach every entry. 3,000 entries (hard links to one file, made in a second) show it.
 * Run: npm run build && node --import tsx --test test/e2e/browser-big-folder.test.ts
 */
describe('file browser: a folder of thousands of files', { timeout: 180_000 }, () => {
  const dir = join(OUTPUT, 'e2e-browser-big');
  const N = 3000;
  const name = (i: number) => `track ${String(i).padStart(5, '0')} «x».mp3`;
  const studio = useStudio({
    prepare: () => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(join(dir, 'sub'), { recursive: true });
      const first = join(dir, name(1));
      writeFileSync(first, 'x');
      for (let i = 2; i <= N; i++) linkSync(first, join(dir, name(i)));
    },
  });

  test('renders only the rows in view; Home, End, arrows and PageUp reach every entry', async () => {
    const { sp } = studio;
    const page = sp.page;
    const rows = page.locator('[data-testid=browser-list] [data-name]');
    await page.getByTestId('open').first().click();
    await sp.fileBrowser().goTo(dir);
    const shown = await rows.count();
    assert.ok(shown > 10 && shown < 200, `rows in the page for ${N + 1} entries: ${shown} (all of them before)`);
    // the first rows, the folder first; the list tells a screen reader how many there are
    assert.deepEqual((await rows.evaluateAll((els) => els.slice(0, 2).map((e) => [e.getAttribute('data-name'), e.getAttribute('aria-setsize'), e.getAttribute('aria-posinset')]))), [['sub', String(N + 1), '1'], [name(1), String(N + 1), '2']]);
    const list = page.getByTestId('browser-list');
    await list.focus();
    await page.keyboard.press('End');
    const selected = page.locator('[data-testid=browser-list] [aria-selected=true]');
    await page.waitForFunction((n) => (globalThis as unknown as Doc).document.querySelector('[data-testid=browser-list] [aria-selected=true]')?.getAttribute('data-name') === n, name(N));
    // the selected row is in view, not only in the page
    const inView = async () => {
      const [r, l] = await Promise.all([selected.boundingBox(), list.boundingBox()]);
      return !!r && !!l && r.y >= l.y - 1 && r.y + r.height <= l.y + l.height + 1;
    };
    assert.ok(await inView(), 'the last entry is scrolled into view');
    assert.ok((await rows.count()) < 200, 'still few rows at the end');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('PageUp');
    assert.equal(await selected.getAttribute('data-name'), name(N - 11));
    assert.ok(await inView());
    await page.keyboard.press('Home');
    assert.equal(await selected.getAttribute('data-name'), 'sub');
    assert.ok(await inView());
    // a row far down, reached by scrolling, is clicked and opened like any other
    await list.evaluate((el) => ((el as unknown as { scrollTop: number }).scrollTop = 40_000));
    const far = page.locator('[data-testid=browser-list] [data-name]').nth(20);
    const farName = await far.getAttribute('data-name');
    assert.ok(farName && farName > name(1500), `a row far down after scrolling: ${farName}`);
    await far.click();
    assert.equal(await selected.getAttribute('data-name'), farName);
    await sp.screenshot('browser-big-folder');
    assert.deepEqual(sp.problems, []);
    await page.keyboard.press('Escape');
  });
});
