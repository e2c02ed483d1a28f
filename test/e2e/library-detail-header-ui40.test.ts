// The library detail's header keeps the title first and a long "Tagged:" line on one line (ui40; tester39's note): at
// 1280×800 a long tags line wrapped the header's facts over three lines, and the header's centring put the tempo and
// key line above the title. Now the title's top is level with the facts' first line (the tempo), and the tags' line is
// cut with "…", whole in its tooltip; for a long Latin title and for a long right-to-left (Hebrew) title with an
// Arabic key tag alike, each drawn in a <bdi> through safeName (the tag's text too: before, it was plain text).
// The files: 1 s MP3s by ffmpeg (libmp3lame), tagged by Debian's mid3v2 (mutagen) as a user's tagger writes them, scanned
// through Add folder… by the real engine. Before the change: the title's top was 45 px below the tempo's at 1280×800 (the header centred it against three lines of facts)
// and the tags' line took two lines.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/e2e/library-detail-header-ui40.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { scanFolder } from './library-page';

const DIR = join(OUTPUT, 'e2e-detail-header-ui40');
const LATIN_TITLE = 'An Extremely Long Title For A Warm-Up Track That Goes On And On (Extended Club Mix)';
const LATIN_KEY = 'Am (energy 7) · tagged by hand: intro 32 bars, outro 64 bars, mix out at the second breakdown, not before';
const RTL_TITLE = 'שיר ארוך מאוד עם שם ארוך במיוחד שלא נגמר אף פעם ועוד קצת';
const RTL_KEY = 'مفتاح لا مينور مع ملاحظات طويلة جدا عن الطاقة والمزج في نهاية المقطع';
const FILES: Array<{ file: string; title: string; artist: string; bpm: string; key: string }> = [
  { file: 'latin.mp3', title: LATIN_TITLE, artist: 'Velvet Collective', bpm: '128', key: LATIN_KEY },
  { file: 'rtl.mp3', title: RTL_TITLE, artist: 'فرقة الصدى', bpm: '140', key: RTL_KEY },
];

describe('library detail: the title stays first, a long tags line is cut with "…" (ui40)', { timeout: 300_000 }, () => {
  const studio = useStudio({
    viewport: { width: 1280, height: 800 },
    prepare: () => {
      rmSync(DIR, { recursive: true, force: true });
      mkdirSync(DIR, { recursive: true });
      // one ffmpeg run, an output each
      execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', ...FILES.flatMap((f) => ['-c:a', 'libmp3lame', '-b:a', '64k', join(DIR, f.file)])]);
      for (const f of FILES) execFileSync('mid3v2', ['--TIT2', f.title, '--TPE1', f.artist, '--TBPM', f.bpm, '--TKEY', f.key, join(DIR, f.file)]);
    },
  });

  test('at 1280×800 and 1024×768: title level with the tempo line, the tags line one line and cut, whole in its tooltip', async () => {
    const { page } = studio.sp;
    await scanFolder(studio.sp, DIR, FILES.length);
    for (const f of FILES) {
      await page.locator('[data-testid=library-row]', { hasText: f.title.slice(0, 20) }).click();
      await page.locator('[data-testid=detail-title]', { hasText: f.title.slice(0, 20) }).waitFor();
      const tagged = page.getByTestId('detail-tagged');
      await tagged.waitFor();
      for (const [w, h] of [[1280, 800], [1024, 768]]) {
        await page.setViewportSize({ width: w, height: h });
        await page.waitForFunction((x) => (globalThis as unknown as { innerWidth: number }).innerWidth === x, w);
        await studio.sp.frames(2);
        const at = `${f.file} ${w}×${h}`;
        await studio.sp.screenshot(`ui40-detail-header-${f.file.replace('.mp3', '')}-${w}x${h}`);
        const g = await page.getByTestId('library-detail').evaluate((el) => {
          type R = { top: number; bottom: number; left: number; height: number };
          type E = { getBoundingClientRect(): R; scrollWidth: number; clientWidth: number; title: string; textContent: string; querySelector(s: string): E | null; querySelectorAll(s: string): ArrayLike<E> };
          const root = el as unknown as E;
          // no named functions in here: the test's bundler wraps them in a helper the page lacks
          const cs = (globalThis as unknown as { getComputedStyle(e: unknown): { lineHeight: string; textOverflow: string } }).getComputedStyle;
          const tg = root.querySelector('[data-testid=detail-tagged]')!;
          return {
            title: root.querySelector('[data-testid=detail-title]')!.getBoundingClientRect(),
            titleBdi: !!root.querySelector('[data-testid=detail-title] bdi')!,
            tempo: root.querySelector('[data-testid=detail-tempo]')!.getBoundingClientRect(),
            key: root.querySelector('[data-testid=detail-key]')!.getBoundingClientRect(),
            tagged: tg.getBoundingClientRect(),
            taggedLine: parseFloat(cs(tg).lineHeight),
            taggedCut: tg.scrollWidth > tg.clientWidth + 1,
            taggedOverflow: cs(tg).textOverflow,
            taggedTip: tg.title,
            taggedText: tg.textContent,
            taggedBdi: root.querySelectorAll('[data-testid=detail-tagged] bdi').length,
          };
        });
        // the title first: its top level with the facts' first line (the tempo), at or above it
        assert.ok(g.title.top <= g.tempo.top + 2, `${at}: title top ${g.title.top} vs tempo top ${g.tempo.top}`);
        assert.ok(g.tempo.top <= g.key.top + 1, `${at}: the tempo and key line at the facts' top`);
        assert.ok(g.titleBdi, `${at}: the title in a <bdi>`);
        // the tags line: one line, cut with an ellipsis, whole in its tooltip, the tag's text isolated
        assert.ok(g.tagged.height <= g.taggedLine * 1.5, `${at}: the tags line ${g.tagged.height} px high (line ${g.taggedLine} px)`);
        assert.ok(g.taggedCut, `${at}: the tags line is longer than the panel here, so it is cut`);
        assert.equal(g.taggedOverflow, 'ellipsis', at);
        assert.ok(g.taggedTip.startsWith(`Tagged: ${f.bpm} BPM · "${f.key}" (not a key)`), `${at}: tooltip ${JSON.stringify(g.taggedTip)}`);
        assert.match(g.taggedText, /^\s*Tagged: /, at);
        assert.ok(g.taggedBdi >= 1, `${at}: the tag's text in a <bdi>`);
      }
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.waitForFunction(() => (globalThis as unknown as { innerWidth: number }).innerWidth === 1280);
    }
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
