// The library's confidence percentages say sure or uncertain by the cells' own rule (ui40). Before, "30%" beside the
// uncertain guess "≈126.0?" was drawn in a mix of green and grey by the value (color-mix of --ok at 30 %), so an
// uncertain tempo's confidence still read green; and on a selected row the muted grey was 2.3:1. Now a confidence is
// green where certainty() says sure, the guess's muted italic where it does not — at MIN_CONFIDENCE exactly (0.5,
// "50%") sure, just under it (0.499, "49%") uncertain, as the cells — and each colour is ≥ 4.5:1 (WCAG AA) against the
// row's background as drawn: plain, hovered and selected. Before the change: the 30 % confidence's colour was
// rgb(105, 146, 139) (green-grey) and not italic; the selected row's "≈126.0?" 2.3:1.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/e2e/library-confidence-colour-ui40.test.ts
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openDb } from '../../main/engine/db';
import { oldFormatLibrary } from '../helpers/library-rows';
import { OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { libraryPage } from './library-page';

const HOME = join(OUTPUT, 'e2e-confidence-colour-ui40');
const LIB = join(HOME, 'Music');
const DATA = join(HOME, 'data');
/** title, tempo, its confidence, key, Camelot, Open Key, its confidence (under 0.5: uncertain) */
const ROWS: [string, number, number, string, string, string, number][] = [
  ['A Steady Groove', 128, 0.9, 'A minor', '8A', '1m', 0.8],
  ['B Free Drift', 126, 0.3, 'C major', '8B', '1d', 0.2],
  ['C Edge Sure', 120, 0.5, 'G major', '9B', '2d', 0.5],
  ['D Edge Unsure', 122, 0.499, 'E minor', '9A', '2m', 0.499],
];
const SURE = new Set(['A Steady Groove', 'C Edge Sure']);

type Rgba = [number, number, number, number];
/** WCAG 2 relative luminance and contrast ratio */
const lum = ([r, g, b]: Rgba) => {
  const c = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
};
/** a computed colour: "rgb(r, g, b)", "rgba(r, g, b, a)" or, for a color-mix(), "color(srgb r g b [/ a])" (0..1) */
const rgba = (s: string): Rgba => {
  const m = s.match(/[\d.]+/g)!.map(Number);
  const k = s.startsWith('color(srgb') ? 255 : 1;
  return [m[0] * k, m[1] * k, m[2] * k, m[3] ?? 1];
};
const contrast = (a: Rgba, b: Rgba) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);

describe('library: a confidence is coloured by the same sure/uncertain rule as its cell, ≥ 4.5:1 (ui40)', { timeout: 300_000 }, () => {
  const studio = useStudio({
    viewport: { width: 1280, height: 800 },
    serve: { dataDir: DATA },
    prepare: async () => {
      rmSync(HOME, { recursive: true, force: true });
      // real 1 s MP3s (libmp3lame) as analysed rows, their values set as an analysis leaves them
      const ids = [...(await oldFormatLibrary(LIB, DATA, ROWS.length)).values()];
      const db = openDb(DATA);
      try {
        const set = db.prepare('UPDATE tracks SET title = ?, title_sort = ?, bpm = ?, bpm_confidence = ?, key_name = ?, camelot = ?, open_key = ?, key_confidence = ? WHERE id = ?');
        ROWS.forEach(([title, bpm, bc, key, cam, ok, kc], i) => set.run(title, title.toLowerCase(), bpm, bc, key, cam, ok, kc, ids[i]));
      } finally {
        db.close();
      }
    },
  });

  /** Each confidence of a row: its text, colour, font style and the row's background as drawn (ancestors composited). */
  async function confs(title: string, selector = '.conf') {
    const row = studio.sp.page.locator('[data-testid=library-row]', { hasText: title });
    // read in the page as strings (no named functions there: the test's bundler wraps them in a helper the page lacks)
    const raw = await row.locator(selector).evaluateAll((els) => {
      type El = { parentElement: El | null; textContent: string | null; closest(s: string): { getAttribute(a: string): string | null; querySelector(s: string): unknown } | null };
      const cs = (globalThis as unknown as { getComputedStyle(e: unknown): { color: string; backgroundColor: string; fontStyle: string } }).getComputedStyle;
      return (els as unknown as El[]).map((el) => {
        const bgs: string[] = [];
        for (let e: El | null = el; e; e = e.parentElement) bgs.push(cs(e).backgroundColor);
        const guess = el.closest('[data-col]')!.querySelector('[data-testid$=-guess]');
        return { col: el.closest('[data-col]')!.getAttribute('data-col'), certainty: el.closest('[data-col]')!.getAttribute('data-certainty'), text: el.textContent, color: cs(el).color, guess: guess ? cs(guess).color : null, italic: cs(el).fontStyle === 'italic', bgs };
      });
    });
    return raw.map((c) => {
      // composite the backgrounds from the nearest opaque one up to the element
      const layers = c.bgs.map(rgba);
      const top = layers.findIndex((l) => l[3] === 1);
      let out: Rgba = [0, 0, 0, 1];
      for (const [r, g, b, a] of layers.slice(0, top === -1 ? layers.length : top + 1).reverse()) out = [r * a + out[0] * (1 - a), g * a + out[1] * (1 - a), b * a + out[2] * (1 - a), 1];
      return { ...c, color: rgba(c.color), guess: c.guess === null ? null : rgba(c.guess), bg: out };
    });
  }

  async function check(state: string, titles: string[]) {
    const seen: string[] = [];
    for (const title of titles) {
      for (const c of await confs(title)) {
        const sure = SURE.has(title);
        assert.equal(c.certainty, sure ? 'sure' : 'uncertain', `${title} ${c.col}: the cell's own rule`);
        assert.equal(c.italic, !sure, `${state} ${title} ${c.col} ${c.text}: italic where uncertain, as the guess is`);
        // sure: green (the --ok hue); uncertain: the guess's own colour ("≈126.0?"), no green in it
        const green = c.color[1] > c.color[0] + 40 && c.color[1] > c.color[2] + 20;
        assert.equal(green, sure, `${state} ${title} ${c.col} ${c.text}: rgb(${c.color.slice(0, 3).map(Math.round)}) green only where sure`);
        if (!sure) assert.deepEqual(c.color.map(Math.round), c.guess!.map(Math.round), `${state} ${title} ${c.col} ${c.text}: the guess's colour`);
        const ratio = contrast(c.color, c.bg);
        assert.ok(ratio >= 4.5, `${state} ${title} ${c.col} ${c.text}: contrast ${ratio.toFixed(2)}:1 on rgb(${c.bg.slice(0, 3).map(Math.round)})`);
        seen.push(`${c.text}`);
      }
      // the key's Camelot / Open Key codes and the "analysed" status, muted --fg-3: ≥ 4.5:1 too (lead: 2.3:1 on the
      // selected row's blue before)
      for (const c of await confs(title, '.codes, .cell.status')) {
        const ratio = contrast(c.color, c.bg);
        assert.ok(ratio >= 4.5, `${state} ${title} ${c.text}: contrast ${ratio.toFixed(2)}:1 on rgb(${c.bg.slice(0, 3).map(Math.round)})`);
      }
    }
    return seen;
  }

  test('sure green, uncertain muted italic at the cells\' threshold; ≥ 4.5:1 plain, hovered and selected, at 1280×800 and 1024×768', async () => {
    const { page } = studio.sp;
    const lib = libraryPage(studio.sp);
    await lib.show();
    await lib.waitForTotal(ROWS.length);
    const titles = ROWS.map((r) => r[0]);
    const sizes = [[1280, 800], [1024, 768]];
    const size = async (w: number, h: number) => {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForFunction((x) => (globalThis as unknown as { innerWidth: number }).innerWidth === x, w);
      await page.mouse.move(w - 5, h - 5);
      await studio.sp.frames(2);
    };
    for (const [w, h] of sizes) {
      await size(w, h);
      assert.deepEqual(await check(`${w} plain`, titles), ['90%', '80%', '30%', '20%', '50%', '50%', '49%', '49%']);
      await studio.sp.screenshot(`ui40-confidence-plain-${w}x${h}`);
      // hovered: the lightest unselected background
      await page.locator('[data-testid=library-row]', { hasText: 'B Free Drift' }).hover();
      await studio.sp.frames(2);
      await check(`${w} hovered`, ['B Free Drift']);
    }
    // selected: every row, the blue background
    await lib.rows.first().click();
    await page.keyboard.press('Control+a');
    await page.getByTestId('library-count').filter({ hasText: /4 selected/ }).waitFor();
    for (const [w, h] of sizes) {
      await size(w, h);
      await check(`${w} selected`, titles);
      await studio.sp.screenshot(`ui40-confidence-selected-${w}x${h}`);
    }
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
