import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { useStudio } from '../helpers/studio';
import { libraryPage, scannedLibrary } from './library-page';

/**
 * A file that is no audio saved into a library folder (a playlist `studio crate export` wrote there, cover art, notes)
 * after the studio started again (tester29a): the folder watcher's job, which only skips it, ended "Scan finished 0 / 0"
 * with "No audio or video files found in the library's folders" in orange — over a library of tracks — because the
 * page had no earlier scan's summary to keep showing. Such a job (not started from this page, nothing analysed, no
 * problem) now shows no scan bar of its own; a scan the user starts still says when it finds nothing
 * (scan-none-found.test.ts).
 * Run: npm run build && node --import tsx --test test/e2e/scan-watcher-quiet.test.ts
 */
describe('library: a watcher job that only skips a new non-audio file', { timeout: 300_000 }, () => {
  const studio = useStudio();

  test('after a restart, a playlist saved into the library folder says no "No audio or video files found"', async () => {
    const { sp } = studio;
    const page = sp.page;
    const { dir } = await scannedLibrary(sp, 'e2e-scan-watcher-quiet');

    // the engine starts again (a crash, or `studio serve` started again on the data folder) and the page is reloaded:
    // the library has its tracks, the scan bar nothing to say
    const pid = Number(/pid (\d+)/.exec((await page.getByTestId('engine-status').getAttribute('title')) ?? '')?.[1]);
    assert.ok(pid > 0, 'engine pid shown in the status title');
    const m = await sp.mark();
    process.kill(pid, 'SIGKILL');
    await sp.waitForEvent('engine-restarted', { after: m });
    await page.reload();
    const lib = libraryPage(sp);
    await lib.show();
    await lib.waitForTotal(5);
    assert.equal(await page.getByTestId('scan-progress').count(), 0, 'no scan bar after the restart');

    // a playlist written into the watched folder: the watcher's job skips it
    const m2 = await sp.mark();
    writeFileSync(join(dir, 'Warm-up.m3u8'), '#EXTM3U\n#EXTINF:12,Artist - Title\nsub/track.mp3\n');
    await page.waitForFunction(
      (after) =>
        (globalThis as unknown as { __studioEvents?: Array<{ seq: number; name: string; detail: { state: string } }> }).__studioEvents?.some(
          (e) => e.seq > after && e.name === 'library-scan-state' && e.detail.state === 'finished',
        ) ?? false,
      m2,
      { polling: 50 },
    );
    await page.waitForTimeout(300);
    await sp.screenshot('scan-watcher-quiet');
    assert.equal(await page.getByTestId('scan-none-found').count(), 0, 'no "No audio or video files found" over a library of 5 tracks');
    assert.equal(await page.getByTestId('scan-progress').count(), 0, 'no "Scan finished 0 / 0" for a job nobody started');
    await lib.waitForTotal(5);
  });
});
