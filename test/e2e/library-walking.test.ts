import assert from 'node:assert/strict';
import { linkSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { media, OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { libraryPage } from './library-page';

/**
 * A big first scan (left16, a tester's leftover): the scan adds a folder's rows once the folder has been walked, and
 * 20,000 files left the table empty ~15 s under "Scanning — tracks appear here as they are found" (they did not). The
 * empty table now shows the walk's count as it grows ("found 4,500 files so far…", from library:scan-state), then the
 * rows. Made fast with hard links of one file (separate rows: aliases.ts). The figures printed are for the record,
 * not asserted (CI is slower).
 * Run: npm run build && node tools/run-tests.mjs test/e2e/library-walking.test.ts
 */
const N = 6000;

describe('library: the walk of a big folder shows its count before the rows (left16)', { timeout: 300_000 }, () => {
  let dir = '';
  const studio = useStudio({
    viewport: { width: 1440, height: 900 },
    prepare: () => {
      const tone = media('walking-tiny.mp3', ['-f', 'lavfi', '-i', 'sine=f=440:d=1', '-ac', '1', '-b:a', '32k']);
      dir = join(OUTPUT, 'e2e-library-walking', 'Music');
      rmSync(join(OUTPUT, 'e2e-library-walking'), { recursive: true, force: true });
      for (let d = 0; d < N / 500; d++) {
        mkdirSync(join(dir, `disc ${d}`), { recursive: true });
        for (let i = 0; i < 500; i++) linkSync(tone, join(dir, `disc ${d}`, `track ${i}.mp3`));
      }
    },
  });

  test(`${N} files: "found N files so far…" in the empty table while the folder is walked, then the rows`, async () => {
    const { sp } = studio;
    const page = sp.page;
    const lib = libraryPage(sp);
    await lib.show();
    const t0 = Date.now();
    const ev = await lib.addFolder(dir);
    assert.equal(ev.name, 'library-folder-added', JSON.stringify(ev.detail));
    // the count while nothing is in the table yet (before: only "tracks appear here as they are found"): the count, its
    // words and the table's total read in one snapshot (rows arrive 500 at a time, so separate reads could straddle one)
    const seen = (await (await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null; textContent: string | null } | null } }).document;
      const el = doc.querySelector('[data-testid=library-walking]');
      const n = Number(el?.getAttribute('data-found') ?? 0);
      return n > 0 ? { n, text: (el?.textContent ?? '').trim(), total: doc.querySelector('[data-testid=library-table]')?.getAttribute('data-total') ?? null } : false;
    }, undefined, { polling: 50 })).jsonValue()) as { n: number; text: string; total: string | null };
    const found = seen.n;
    const tFound = Date.now() - t0;
    assert.ok(found > 0 && found <= N, `found ${found}`);
    assert.match(seen.text, /^Scanning — found [\d,]+ files so far…$/);
    assert.equal(seen.total, '0', 'no rows yet');
    await sp.screenshot('library-walking-found');
    await page.locator('[data-testid=library-table]:not([data-total="0"]):not([data-total=""])').waitFor();
    const tRows = Date.now() - t0;
    await page.getByTestId('library-walking').waitFor({ state: 'detached' });
    console.log(`# ${N} hard links: the count shown after ${tFound} ms (${found} found), the first rows after ${tRows} ms`);
    await page.getByTestId('scan-cancel').click();
    await page.locator('[data-testid=scan-progress][data-state=cancelled]').waitFor();
    assert.deepEqual(sp.problems, []);
  });
});
