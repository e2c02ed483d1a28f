/**
 * UI timings for BENCHMARKS.md:
 *   - `studio serve` start → URL printed → first paint of the renderer in Chromium;
 *   - opening a 5-minute track (through the in-app file browser) → its waveform drawn,
 *     cold (fresh data dir: peaks computed by the engine) and warm (peaks cached);
 *   - the same for a 33-minute mix (issue 12), then zoom response on it: a `+` key press →
 *     the zoomed overview drawn, and the 12th press (≈ 130×) → the visible range's detail
 *     drawn (media:wave-range, issue 12 defect 7), first time and again after Fit.
 * Chromium is launched before the clock starts (a user's browser is already open).
 *
 * Run: npm run build && node --import tsx test/bench/ui.ts [runs=3]
 */
import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { longToneFile, toneFile } from '../helpers/media';
import { launchChromium, startServe, StudioPage } from '../e2e/studio-page';

const runs = Number(process.argv[2] ?? 3);
const track = toneFile('bench-5min.mp3', 300);
const mix = longToneFile('e2e-mix-33min-looped.mp3', 33 * 60, ['-b:a', '128k']);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs: number[]) => !xs.length ? 'none' : `median ${median(xs).toFixed(0)} ms  (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`;

const rows = {
  urlPrinted: [] as number[],
  firstPaint: [] as number[],
  appReady: [] as number[],
  waveCold: [] as number[],
  waveWarm: [] as number[],
  mixCold: [] as number[],
  mixWarm: [] as number[],
  zoomStep: [] as number[],
  detailFirst: [] as number[],
  detailAgain: [] as number[],
  /** of those: request → the engine's answer (the rest: the debounce, painting, drawing) */
  answerFirst: [] as number[],
  answerAgain: [] as number[],
};

/**
 * Press `+` 12 times (1.5× each ≈ 130×): each press → 'waveform-zoomed' (into zoomStep); returns the
 * time from the last press to the spectrogram drawn with detail at that zoom's resolution (a column
 * per ≤ 2 px). `answered`: the engine's answer time of the request that press made (none when the
 * view already held that detail).
 */
async function zoomTo130(sp: StudioPage, answered: number[]): Promise<number> {
  let pressedAt = 0;
  let last = 0;
  for (let i = 0; i < 12; i++) {
    last = await sp.mark();
    pressedAt = await sp.page.evaluate(() => performance.now());
    await sp.page.keyboard.press('+');
    const z = await sp.waitForEvent('waveform-zoomed', { after: last });
    rows.zoomStep.push(z.at - pressedAt);
  }
  const h = await sp.page.waitForFunction(
    (after) => {
      const evs = (globalThis as unknown as { __studioEvents: { seq: number; name: string; at: number; detail: { detailHop?: number; start: number; end: number; pxPerSec?: number } }[] }).__studioEvents;
      const zoomed = evs.filter((e) => e.seq > after && e.name === 'waveform-zoomed').at(-1);
      const px = (zoomed?.detail.pxPerSec ?? 0) * ((globalThis as unknown as { devicePixelRatio?: number }).devicePixelRatio || 1);
      // the engine's hop for px/s: the largest power of two ≤ 16000/px, at least 32 (planRange)
      const hop = Math.max(32, 2 ** Math.floor(Math.log2(16000 / Math.max(1, px))));
      return evs.find((e) => e.seq > after && e.name === 'spectrogram-drawn' && (e.detail.detailHop ?? 0) > 0 && (e.detail.detailHop ?? 0) <= hop)?.at ?? null;
    },
    last,
    { timeout: 60_000, polling: 20 },
  );
  const at = (await h.jsonValue()) as number;
  const loaded = (await sp.events('wave-detail-loaded')).filter((e) => e.seq > last && e.at <= at).at(-1);
  if (loaded) answered.push((loaded.detail as { answeredMs: number }).answeredMs);
  return at - pressedAt;
}

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
      for (const kind of ['cold', 'warm'] as const) {
        const m = await sp.mark();
        const ev = await sp.openThroughBrowser(mix);
        if (ev.name !== 'track-opened') throw new Error(`open failed: ${JSON.stringify(ev.detail)}`);
        const drawn = await sp.waitForEvent('waveform-drawn', { after: m, timeout: 300_000 });
        const opening = (await sp.events('track-opening')).filter((e) => e.seq > m).at(-1)!;
        (kind === 'cold' ? rows.mixCold : rows.mixWarm).push(drawn.at - opening.at);
      }
      await sp.waitForEvent('spectrogram-loaded', { after: 0, timeout: 300_000 });
      const box = (await page.locator('[data-testid=waveform] .main').boundingBox())!;
      await page.mouse.click(box.x + box.width * 0.6, box.y + box.height / 2);
      await sp.waitForMediaTime(1100, 1300);
      rows.detailFirst.push(await zoomTo130(sp, rows.answerFirst));
      await page.keyboard.press('0');
      await page.locator('[data-testid=zoom-level]', { hasText: /^1×$/ }).waitFor();
      rows.detailAgain.push(await zoomTo130(sp, rows.answerAgain));
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
console.log(`  open 33-min mix → waveform drawn (cold cache):  ${fmt(rows.mixCold)}`);
console.log(`  open 33-min mix → waveform drawn (warm cache):  ${fmt(rows.mixWarm)}`);
console.log(`  + key → zoomed overview drawn (33-min mix, all 12 steps): ${fmt(rows.zoomStep).replace(/\(runs: .*\)/, `(${rows.zoomStep.length} presses, max ${Math.max(...rows.zoomStep).toFixed(0)} ms)`)}`);
console.log(`  12th + (≈130×) → range detail drawn, first time:  ${fmt(rows.detailFirst)}`);
console.log(`  12th + (≈130×) → range detail drawn, after Fit:   ${fmt(rows.detailAgain)}`);
console.log(`    of which media:wave-range request → answer, first time: ${fmt(rows.answerFirst)}`);
console.log(`    of which media:wave-range request → answer, after Fit:  ${fmt(rows.answerAgain)} (none: the view still held that detail)`);
