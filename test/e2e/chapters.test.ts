import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ff, OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';

/**
 * A file's own chapters (session 26; "Matroska chapters not shown", note25): an audiobook's M4B written by ffmpeg from an
 * FFMETADATA chapter list (as audiobook tools make them: a chapter track and Nero chpl), shown as a dashed line at each
 * start with its title under the cue flags, listed in the track's facts ("Chapters 4"), and a click on a title plays
 * from that chapter's start. Failed before: no chapter marker, no "Chapters" row (the probe did not read them).
 * Run: npm run build && node --import tsx --test test/e2e/chapters.test.ts
 */
const TITLES = ['Opening Credits', 'Chapter One — Ölçü ve Ünlü', 'A very long chapter title that will not fit in its short span at all', 'Epilogue'];
const STARTS = [0, 6, 21, 27];
const END = 40;

describe('the file’s chapters on the waveform (M4B audiobook)', { timeout: 300_000 }, () => {
  let file = '';
  const studio = useStudio({
    serve: { env: { STUDIO_DISABLE_WEBGPU: '1' } },
    prepare: () => {
      const dir = join(OUTPUT, 'e2e-chapters');
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const meta = join(dir, 'chapters.txt');
      writeFileSync(
        meta,
        ';FFMETADATA1\ntitle=The Book\n' +
          TITLES.map((t, i) => `[CHAPTER]\nTIMEBASE=1/1000\nSTART=${STARTS[i] * 1000}\nEND=${(STARTS[i + 1] ?? END) * 1000}\ntitle=${t}\n`).join(''),
      );
      file = join(dir, 'the book.m4b');
      ff(['-f', 'lavfi', '-i', `sine=frequency=330:duration=${END}`, '-i', meta, '-map', '0:a', '-map_metadata', '1', '-map_chapters', '1', '-c:a', 'aac', '-b:a', '64k', file]);
    },
  });

  test('a dashed line and a title per chapter, the count in the facts, a click plays from the chapter', async () => {
    const { sp } = studio;
    const { page } = sp;
    assert.equal((await sp.openThroughBrowser(file)).name, 'track-opened');
    const markers = page.getByTestId('chapter-marker');
    await markers.first().waitFor();
    assert.equal(await markers.count(), 4);
    assert.deepEqual(await markers.locator('button').allInnerTexts(), TITLES);
    assert.equal(await sp.fact('chapters'), '4 (marked on the waveform)');
    // each line at its start: the markers' left edges in the waveform's own width
    const lefts = await markers.evaluateAll((els) => els.map((e) => Number.parseFloat((e as unknown as { style: { left: string } }).style.left)));
    STARTS.forEach((s, i) => assert.ok(Math.abs(lefts[i] - (s / END) * 100) < 1, `chapter ${i + 1} at ${lefts[i]} %, expected ${(s / END) * 100}`));
    // the long title is cut to its chapter's span, not drawn over the next
    const [long, next] = await Promise.all([markers.nth(2).locator('button').boundingBox(), markers.nth(3).boundingBox()]);
    assert.ok(long && next && long.x + long.width <= next.x + 1, `${JSON.stringify(long)} runs past ${JSON.stringify(next)}`);
    assert.match((await markers.nth(1).locator('button').getAttribute('title')) ?? '', /^Chapter 2: Chapter One — Ölçü ve Ünlü, 0:06\.0–0:21\.0 /);
    await sp.screenshot('chapters-m4b');
    await markers.nth(2).locator('button').click();
    await sp.waitForMediaTime(STARTS[2] - 0.05, STARTS[2] + 0.5);
    await markers.nth(0).locator('button').click();
    await sp.waitForMediaTime(0, 0.5);
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
