/**
 * UI timings for BENCHMARKS.md:
 *   - `studio serve` start → URL printed → first paint of the renderer in Chromium;
 *   - opening a 5-minute track (through the in-app file browser) → its waveform drawn,
 *     cold (fresh data dir: peaks computed by the engine) and warm (peaks cached).
 * Chromium is launched before the clock starts (a user's browser is already open).
 *
 * Run: npm run build && node --import tsx test/bench/ui.ts [runs=3]
 */
import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toneFile } from '../helpers/media';
import { launchChromium, startServe, StudioPage } from '../e2e/studio-page';

const runs = Number(process.argv[2] ?? 3);
const track = toneFile('bench-5min.mp3', 300);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms  (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`;

const rows = { urlPrinted: [] as number[], firstPaint: [] as number[], appReady: [] as number[], waveCold: [] as number[], waveWarm: [] as number[] };

const browser = await launchChromium();
try {
  for (let i = 0; i < runs; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'studio-bench-'));
    const t0 = performance.now();
    const serve = await startServe({ dataDir });
    try {
      rows.urlPrinted.push(serve.startedInMs);
      const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      const sp = new StudioPage(page, serve);
      await page.goto(serve.openUrl, { waitUntil: 'commit' });
      await sp.waitForEvent('first-paint', { after: 0, timeout: 30_000 });
      rows.firstPaint.push(performance.now() - t0);
      await sp.waitForEvent('app-ready', { after: 0, timeout: 30_000 });
      rows.appReady.push(performance.now() - t0);
      for (const kind of ['cold', 'warm'] as const) {
        const m = await sp.mark();
        const ev = await sp.openThroughBrowser(track);
        if (ev.name !== 'track-opened') throw new Error(`open failed: ${JSON.stringify(ev.detail)}`);
        const drawn = await sp.waitForEvent('waveform-drawn', { after: m, timeout: 120_000 });
        const opening = (await sp.events('track-opening')).filter((e) => e.seq > m).at(-1)!;
        (kind === 'cold' ? rows.waveCold : rows.waveWarm).push(drawn.at - opening.at);
      }
      await page.close();
    } finally {
      await serve.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
} finally {
  await browser.close();
}

console.log(`UI timings (${runs} runs, Chromium ${browser.version()}, 5-minute stereo MP3 at 44.1 kHz):`);
console.log(`  studio serve start → URL printed:               ${fmt(rows.urlPrinted)}`);
console.log(`  studio serve start → first paint in Chromium:   ${fmt(rows.firstPaint)}`);
console.log(`  studio serve start → UI ready (engine answered): ${fmt(rows.appReady)}`);
console.log(`  open 5-min track → waveform drawn (cold cache): ${fmt(rows.waveCold)}`);
console.log(`  open 5-min track → waveform drawn (warm cache): ${fmt(rows.waveWarm)}`);
