import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { NO_KEY } from '../../main/engine/analysis/tonal';
import { media, OUTPUT } from '../helpers/media';
import { scanFolder, type libraryPage } from './library-page';
import { useStudio } from '../helpers/studio';

/**
 * Session 14 tester's defects, in the real renderer against the real engine: titles sorted c1, c10, c11 … c2 (now
 * numbers by value); a file with no key said only "No key" (now why); a 2 s file showed "LRA 0.0" (now absent).
 * Run: npm run build && node tools/run-tests.mjs test/e2e/library-natural-sort.test.ts
 */
describe('library: natural sort, why no key, loudness range never measured', { timeout: 300_000 }, () => {
  let lib: ReturnType<typeof libraryPage>;
  const studio = useStudio({ viewport: { width: 1440, height: 900 } });
  const TITLES = ['c10', 'c2', 'c11', 'C3', 'c1'];

  before(async () => {
    const dir = join(OUTPUT, 'e2e-natural-sort', 'Music');
    rmSync(join(OUTPUT, 'e2e-natural-sort'), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    TITLES.forEach((t, i) => {
      const src = media(`natural-sort-${t}.wav`, ['-f', 'lavfi', '-i', `sine=f=${220 + 55 * i}:d=4`, '-ar', '44100', '-c:a', 'pcm_s16le', '-metadata', `title=${t}`, '-metadata', 'artist=Natural']);
      copyFileSync(src, join(dir, `${t}.wav`));
    });
    // 2 s of digital silence: no key (silence), no loudness range (under 3 s)
    copyFileSync(media('natural-sort-silence-2s.wav', ['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono', '-t', '2', '-c:a', 'pcm_s16le', '-metadata', 'title=z silent', '-metadata', 'artist=Natural']), join(dir, 'silent.wav'));
    lib = await scanFolder(studio.sp, dir, 6);
  });

  test('titles sort with numbers by value, both ways', async () => {
    const { page } = studio.sp;
    let m = await studio.sp.mark();
    await page.getByTestId('sort-title').click();
    await lib.waitForDetail('library-page', { sort: 'title:asc', offset: 0 }, m);
    await page.locator('[role=columnheader][aria-sort=ascending] [data-testid=sort-title]').waitFor();
    assert.deepEqual(await lib.column('title'), ['c1', 'c2', 'C3', 'c10', 'c11', 'z silent']);
    await studio.sp.screenshot('natural-sort-title-asc-1440x900');
    m = await studio.sp.mark();
    await page.getByTestId('sort-title').click();
    await lib.waitForDetail('library-page', { sort: 'title:desc', offset: 0 }, m);
    await page.locator('[role=columnheader][aria-sort=descending] [data-testid=sort-title]').waitFor();
    assert.deepEqual(await lib.column('title'), ['z silent', 'c11', 'c10', 'C3', 'c2', 'c1']);
  });

  test('a silent 2 s file: the detail says why there is no key; no loudness range in the table or the detail', async () => {
    const { page } = studio.sp;
    const row = page.locator('[data-testid=library-row]', { hasText: 'z silent' });
    assert.equal((await row.locator('[data-col=lra]').innerText()).trim(), '—');
    await row.click();
    await page.locator('[data-testid=detail-title]', { hasText: 'z silent' }).waitFor();
    assert.equal((await page.getByTestId('detail-key-reason').innerText()).trim(), NO_KEY.silence);
    assert.match((await page.getByTestId('detail-key').getAttribute('title'))!, new RegExp(`No key: ${NO_KEY.silence.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(await page.getByTestId('library-detail').innerText(), /— LUFS · — LU/);
    await studio.sp.screenshot('natural-sort-no-key-reason-1440x900');
  });
});
