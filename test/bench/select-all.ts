/**
 * Ctrl+A (select all) in the Library table at scale (tester17: 15.6 s on 10,049
 * rows). N synthetic analysed rows are seeded into a fresh engine database
 * (./seed-library), `studio serve` runs on it and headless Chromium opens the
 * Library view, clicks the first row and presses Ctrl+A; printed: the time from
 * the key press until the renderer signals `library-selected` with N rows
 * (median of `runs` presses, each after a plain click). Then, through the engine
 * alone, the two ways of getting the ids: library:query pages of 2000 (the old
 * select-all) and one library:ids call.
 *
 * Run: npm run build && node --import tsx test/bench/select-all.ts [rows=10049] [runs=5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEngine } from '../helpers/engine';
import { launchChromium, startServe, StudioPage } from '../e2e/studio-page';
import { seed } from './seed-library';

const n = Number(process.argv[2]) || 10_049;
const runs = Number(process.argv[3]) || 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dataDir = mkdtempSync(join(tmpdir(), 'studio-bench-selall-'));
try {
  // below the data folder, inside web mode's default roots (it shows rows below its roots only); no files there
  seed(dataDir, n, join(dataDir, 'music'));
  const browser = await launchChromium();
  const serve = await startServe({ dataDir, env: { STUDIO_LIBRARY_BACKGROUND: '0' } });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const sp = new StudioPage(page, serve);
    await page.goto(serve.openUrl);
    await sp.waitForEvent('app-ready', { after: 0, timeout: 30_000 });
    await page.getByTestId('view-library').click();
    await page.locator(`[data-testid=library-table][data-total="${n}"]`).waitFor({ timeout: 60_000 });
    const rows = page.locator('[data-testid=library-row]');
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      let m = await sp.mark();
      await rows.first().click();
      await sp.waitForEvent('library-selected', { after: m });
      m = await sp.mark();
      const t0 = Date.now();
      await page.keyboard.press('Control+a');
      const ev = await sp.waitForEvent('library-selected', { after: m, timeout: 120_000 });
      times.push(Date.now() - t0);
      const count = (ev.detail as { count: number }).count;
      if (count !== n) throw new Error(`Ctrl+A selected ${count} rows, not ${n}`);
    }
    console.log(`${n.toLocaleString('en')} rows, Chromium: Ctrl+A until ${n} selected: median ${median(times)} ms (${times.join(', ')} ms)`);
    await page.close();
  } finally {
    await serve.stop();
    await browser.close();
  }

  // the engine alone: the old way (full rows, pages of 2000) and library:ids
  const { engine } = await startTestEngine({ dataDir, env: { STUDIO_LIBRARY_BACKGROUND: '0' } });
  try {
    const sort = { column: 'bpm', dir: 'desc' } as const;
    const paged: number[] = [];
    const idsOnly: number[] = [];
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      let t0 = performance.now();
      let total = 0;
      bytes = 0;
      for (let offset = 0; offset === 0 || offset < total; offset += 2000) {
        const page = await engine.call('library:query', { sort, offset, limit: 2000 });
        total = page.total;
        bytes += JSON.stringify(page).length;
      }
      paged.push(performance.now() - t0);
      t0 = performance.now();
      const res = await engine.call('library:ids', { sort });
      idsOnly.push(performance.now() - t0);
      if (i === 0) console.log(`engine (sorted by BPM): library:query pages ${(bytes / 1e6).toFixed(1)} MB of JSON, library:ids ${(JSON.stringify(res).length / 1e6).toFixed(2)} MB`);
    }
    console.log(`engine: all ${n} ids through library:query pages of 2000: median ${median(paged).toFixed(0)} ms; one library:ids call: median ${median(idsOnly).toFixed(1)} ms`);
  } finally {
    await engine.stop();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
