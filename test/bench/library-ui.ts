/**
 * The library table at scale: N synthetic analysed rows are written into the
 * engine's database (a temp data dir, the engine's own schema and migrations),
 * `studio serve` is started on it, and Chromium scrolls the Library table
 * programmatically — a steady scroll (as a held scrollbar or a trackpad fling)
 * and far jumps — while requestAnimationFrame deltas are recorded. Printed:
 * frame time p50/p95/max, frames that still showed unloaded (placeholder) rows,
 * and how many row elements were in the DOM (it must not grow with N).
 *
 * Run: npm run build && node --import tsx test/bench/library-ui.ts [rows=50000] [rows…]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, startServe, StudioPage } from '../e2e/studio-page';
import { seed } from './seed-library';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (!sizes.length) sizes.push(1000, 50_000);

interface Run {
  frames: number[];
  /** jumps: ms from the jump until its rows were shown */
  fills: number[];
  placeholderFrames: number;
  maxDomRows: number;
}

/**
 * steady: 40 px (1.5 rows) a frame, ~2 screens a second, like a held scrollbar
 * or a fast wheel; jumps: to a random place every 20th frame (a third of a
 * second), like dragging the thumb about — with the time from each jump until
 * the rows there were shown.
 */
function scrollScript(mode: 'steady' | 'jumps'): string {
  return `new Promise((resolve) => {
    const el = document.querySelector('[data-testid=library-table]');
    const frames = [], fills = [];
    let placeholderFrames = 0, maxDomRows = 0, last = performance.now(), i = 0, jumpedAt = null;
    const count = ${mode === 'steady' ? 240 : 400};
    const max = el.scrollHeight - el.clientHeight;
    const tick = (now) => {
      frames.push(now - last);
      last = now;
      maxDomRows = Math.max(maxDomRows, el.querySelectorAll('[role=row]').length);
      const busy = !!el.querySelector('[aria-busy=true]');
      if (busy) placeholderFrames++;
      else if (jumpedAt !== null) { fills.push(now - jumpedAt); jumpedAt = null; }
      if (++i > count) return resolve({ frames: frames.slice(1), placeholderFrames, maxDomRows, fills });
      ${mode === 'steady' ? 'el.scrollTop = Math.min(max, el.scrollTop + 40);' : 'if (i % 20 === 0) { el.scrollTop = Math.floor(Math.random() * max); jumpedAt = now; }'}
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })`;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

const browser = await launchChromium();
try {
  for (const n of sizes) {
    const dataDir = mkdtempSync(join(tmpdir(), 'studio-bench-lib-'));
    const t0 = performance.now();
    // below the data folder, inside web mode's default roots (studio serve shows rows below its roots only)
    seed(dataDir, n, join(dataDir, 'music'));
    const seedMs = performance.now() - t0;
    const serve = await startServe({ dataDir, env: { STUDIO_LIBRARY_BACKGROUND: '0' } });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      const sp = new StudioPage(page, serve);
      await page.goto(serve.openUrl);
      await sp.waitForEvent('app-ready', { after: 0, timeout: 30_000 });
      const m = await sp.mark();
      await page.getByTestId('view-library').click();
      await page.locator(`[data-testid=library-table][data-total="${n}"]`).waitFor({ timeout: 60_000 });
      await sp.waitForEvent('library-rows-shown', { after: m, timeout: 30_000 });
      const shownMs = (await sp.events('library-rows-shown')).find((e) => e.seq > m)!.at - (await sp.events('library-shown')).find((e) => e.seq > m)!.at;

      // in the page (a plain script: the test compiler's helpers do not exist there): scroll steadily or jump about
      const measure = (mode: 'steady' | 'jumps') => page.evaluate(scrollScript(mode)) as Promise<Run>;
      const steady = await measure('steady');
      await page.evaluate(`document.querySelector('[data-testid=library-table]').scrollTop = 0`);
      const jumps = await measure('jumps');
      const line = (name: string, r: Run) =>
        `  ${name.padEnd(7)} frame time p50 ${pct(r.frames, 50).toFixed(1)} ms, p95 ${pct(r.frames, 95).toFixed(1)} ms, max ${Math.max(...r.frames).toFixed(1)} ms; ` +
        `${r.placeholderFrames}/${r.frames.length} frames showed rows still loading` +
        (r.fills.length ? ` (after a jump, rows shown in p50 ${pct(r.fills, 50).toFixed(0)} ms, p95 ${pct(r.fills, 95).toFixed(0)} ms)` : '') +
        `; at most ${r.maxDomRows} row elements in the DOM`;
      console.log(`${n.toLocaleString('en')} rows (seeded in ${seedMs.toFixed(0)} ms; first rows shown ${shownMs.toFixed(0)} ms after opening the view):`);
      console.log(line('steady', steady));
      console.log(line('jumps', jumps));
      await page.close();
    } finally {
      await serve.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  console.log(`(Chromium ${browser.version()}, headless, software rendering; 1400×860 window)`);
} finally {
  await browser.close();
}
