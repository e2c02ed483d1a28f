import assert from 'node:assert/strict';
import { mkdirSync, rmSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { media, OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { LIBRARY_TRACKS, libraryPage, trackArgs } from './library-page';

/**
 * The Track view header's tempo and key (the library's analysis of the open track, bpm-range-track) were read once,
 * when the track was opened: a track opened before the library had analysed it — its folder added (or scanned, or
 * watched) while it was open — kept showing neither after the analysis was stored, until another track was opened.
 * Now the header reads its track again when library:changed names it among the rows analysed.
 * Run: npm run build && node --import tsx --test test/e2e/track-header-analysed.test.ts
 */
describe('the Track view header follows the library\'s analysis of the open track', { timeout: 300_000 }, () => {
  const studio = useStudio();

  test('opened before its folder is scanned: no tempo or key; once the scan has analysed it, 128.0 BPM, E minor', async () => {
    const { sp } = studio;
    const page = sp.page;
    const dir = join(OUTPUT, 'e2e-track-header-analysed', 'Music');
    rmSync(join(OUTPUT, 'e2e-track-header-analysed'), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const gamma = LIBRARY_TRACKS.find((t) => t.bpm === 128)!;
    const file = join(dir, 'Gamma 128.flac');
    copyFileSync(media('header-analysed-gamma-12s.flac', trackArgs({ ...gamma, codec: 'flac' }, 12)), file);

    let m = await sp.mark();
    const opened = await sp.openThroughBrowser(file);
    assert.equal(opened.name, 'track-opened', JSON.stringify(opened.detail));
    // not in the library yet: nothing stored to show
    const first = (await sp.waitForEvent('track-stored-analysis', { after: m })).detail as { bpm: number | null };
    assert.equal(first.bpm, null);
    assert.equal(await page.getByTestId('track-bpm').count(), 0);
    await sp.screenshot('track-header-analysed-1-before');

    // its folder added to the library and scanned while the track stays open
    const lib = libraryPage(sp);
    await lib.show();
    m = await sp.mark();
    const added = await lib.addFolder(dir);
    assert.equal(added.name, 'library-folder-added', JSON.stringify(added.detail));
    await page.locator('[data-testid=scan-progress][data-state=finished]').waitFor();
    // the header read its track again when the library stored its analysis (before: never, the id unchanged)
    const again = (await sp.waitForEvent('track-stored-analysis', { after: m })).detail as { bpm: number | null; key: string | null };
    assert.equal(Math.round(again.bpm ?? 0), 128);
    assert.equal(again.key, 'E minor');
    await page.getByTestId('view-track').click();
    await page.getByTestId('track-bpm').waitFor();
    assert.match(await page.getByTestId('track-bpm').innerText(), /^128\.0 BPM/);
    assert.match(await page.getByTestId('track-key').innerText(), /^E minor 9A · 2m/);
    await sp.screenshot('track-header-analysed-2-after');
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
