import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { media, OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { libraryPage } from './library-page';

/**
 * File names with bidi override characters (left16, a tester's leftover): a file named "\u202Eevil.mp3" was drawn
 * "3pm.live" in the library table, the detail, the track header, the file browser and the recent files (tags have
 * their overrides removed by the engine; a name is the user's and is not changed). Now every name and path goes
 * through renderer/src/lib/safe-name.ts: the override is shown as ⟨U+202E⟩ and the name reads in its stored order,
 * isolated in a <bdi>. Checked on the drawn glyphs: the "e" of "evil" lies left of the "3" of ".mp3".
 * Run: npm run build && node tools/run-tests.mjs test/e2e/bidi-names.test.ts
 */
const EVIL = '\u202Eevil.mp3';

/** the bits of the DOM glyphs() uses (the tests compile without the DOM lib) */
type TextNode = { data: string };
type Rect = { left: number; width: number };
type Dom = {
  document: {
    createTreeWalker(root: unknown, what: number): { nextNode(): unknown };
    createRange(): { setStart(n: TextNode, i: number): void; setEnd(n: TextNode, i: number): void; getBoundingClientRect(): Rect };
  };
};

/** where the "e" of "evil" and the last "3" of the text are drawn (x, px), and the element's text */
async function glyphs(el: Locator): Promise<{ e: number; three: number; text: string }> {
  // no named functions inside: tsx's keepNames would call a __name helper that the page does not have
  return el.evaluate((root) => {
    const doc = (globalThis as unknown as Dom).document;
    const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
    const r = doc.createRange();
    let e = NaN;
    let three = NaN;
    for (let n = walker.nextNode() as TextNode | null; n; n = walker.nextNode() as TextNode | null) {
      const i = n.data.indexOf('evil');
      if (i >= 0 && Number.isNaN(e)) {
        r.setStart(n, i);
        r.setEnd(n, i + 1);
        e = r.getBoundingClientRect().left + r.getBoundingClientRect().width / 2;
      }
      const j = n.data.lastIndexOf('3');
      if (j >= 0 && n.data.includes('mp3')) {
        r.setStart(n, j);
        r.setEnd(n, j + 1);
        three = r.getBoundingClientRect().left + r.getBoundingClientRect().width / 2;
      }
    }
    return { e, three, text: (root as { textContent: string | null }).textContent ?? '' };
  });
}

function readsInOrder(g: { e: number; three: number; text: string }, where: string): void {
  assert.ok(g.e < g.three, `${where}: "evil" drawn before ".mp3" (e at ${g.e} px, 3 at ${g.three} px; before: drawn "3pm.live")`);
  assert.ok(!g.text.includes('\u202E'), `${where}: no raw override in the drawn text (${JSON.stringify(g.text)})`);
  assert.ok(g.text.includes('⟨U+202E⟩evil.mp3'), `${where}: the override shown (${JSON.stringify(g.text)})`);
}

describe('file names with bidi overrides are shown in their stored order (left16)', { timeout: 300_000 }, () => {
  let dir = '';
  const studio = useStudio({
    viewport: { width: 1440, height: 900 },
    prepare: () => {
      // no title tag: the table and the header fall back to the file name
      const tone = media('bidi-name-untagged.mp3', ['-f', 'lavfi', '-i', 'sine=f=440:d=3', '-ac', '2', '-map_metadata', '-1']);
      dir = join(OUTPUT, 'e2e-bidi-names', 'Music');
      rmSync(join(OUTPUT, 'e2e-bidi-names'), { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      copyFileSync(tone, join(dir, EVIL));
      copyFileSync(tone, join(dir, 'after.mp3'));
    },
  });

  test('file browser, library row, detail, track header and recent files: ⟨U+202E⟩evil.mp3, in order', async () => {
    const { sp } = studio;
    const page = sp.page;
    const lib = libraryPage(sp);
    await lib.show();
    await page.getByTestId('library-add-folder').click();
    await sp.fileBrowser().goTo(dir);
    const entry = page.locator(`[data-testid=browser-list] [data-name="${EVIL}"] .name`);
    await sp.screenshot('bidi-names-file-browser');
    readsInOrder(await glyphs(entry), 'file browser');
    const m = await sp.mark();
    await page.getByTestId('browser-use-folder').click();
    const ev = await sp.waitForEvent(['library-folder-added', 'library-folder-failed'], { after: m });
    assert.equal(ev.name, 'library-folder-added', JSON.stringify(ev.detail));
    await page.locator('[data-testid=scan-progress][data-state=finished]').waitFor({ timeout: 120_000 });
    await lib.waitForTotal(2);
    const row = page.locator('[data-testid=library-row]', { hasText: 'evil' });
    readsInOrder(await glyphs(row.locator('[data-col=title]')), 'library row');
    assert.equal(await row.locator('[data-col=title]').getAttribute('title'), join(dir, '⟨U+202E⟩evil.mp3'), 'the row tooltip (its path)');
    await row.click();
    const title = page.getByTestId('detail-title');
    await title.filter({ hasText: 'evil' }).waitFor();
    readsInOrder(await glyphs(title), 'detail title');
    await sp.screenshot('bidi-names-library');
    // the track view: opened from the detail
    const m2 = await sp.mark();
    await page.getByTestId('detail-open').click();
    await sp.waitForEvent('track-opened', { after: m2 });
    readsInOrder(await glyphs(page.getByTestId('track-title')), 'track title');
    readsInOrder(await glyphs(page.getByTestId('track-file')), 'track file name');
    await page.getByTestId('recent').click();
    const item = page.getByTestId('recent-menu').getByRole('menuitem').first();
    await item.waitFor();
    readsInOrder(await glyphs(item.locator('.name')), 'recent files');
    await sp.screenshot('bidi-names-track-recent');
    await page.keyboard.press('Escape');
    assert.deepEqual(sp.problems, []);
  });
});
