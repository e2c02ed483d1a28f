// The scan bar's skipped summary names what to do with a playlist and counts the hidden and system folders left out
// (ui40; tester39's notes). Before: a playlist inside a library folder read "1 not audio (.pls file)" with no word
// of Import playlist…, and a trashed song (~/.local/share/Trash, by `gio trash`) or a Windows recycle bin's was
// analysed as a track. The files: MP3s by ffmpeg (libmp3lame), one trashed by GLib's `gio trash` with HOME set to the
// folder; the playlists as totem-pl-parser, Mixxx and VLC wrote them (test/fixtures/playlists).
// Needs `npm run build`. Run: node tools/run-tests.mjs test/e2e/library-skips-named-ui40.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OUTPUT, ROOT, toneFile } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { scanFolder } from './library-page';

const HOME = join(OUTPUT, 'e2e-skips-named-ui40');
const PLAYLISTS = ['totem-relative.pls', 'mixxx.m3u8', 'vlc.xspf'];

describe('library scan bar: playlists name Import playlist…, hidden folders are counted, not analysed (ui40)', { timeout: 300_000 }, () => {
  const studio = useStudio({
    viewport: { width: 1280, height: 800 },
    prepare: () => {
      rmSync(HOME, { recursive: true, force: true });
      mkdirSync(join(HOME, 'Music'), { recursive: true });
      copyFileSync(toneFile('skips-keep.mp3', 2), join(HOME, 'Music', 'keep.mp3'));
      copyFileSync(toneFile('skips-trashed.mp3', 2), join(HOME, 'Music', 'trashed.mp3'));
      for (const p of PLAYLISTS) copyFileSync(join(ROOT, 'test', 'fixtures', 'playlists', p), join(HOME, 'Music', p));
      execFileSync('gio', ['trash', join(HOME, 'Music', 'trashed.mp3')], { env: { ...process.env, HOME, XDG_DATA_HOME: '' } });
      mkdirSync(join(HOME, '$RECYCLE.BIN', 'S-1-5-21-1001'), { recursive: true });
      copyFileSync(toneFile('skips-recycled.mp3', 2), join(HOME, '$RECYCLE.BIN', 'S-1-5-21-1001', '$R4QZ1KD.mp3'));
    },
  });

  test('one track; "3 files, 2 folders skipped: 3 playlists (… Import playlist… …) · 2 hidden or system folders (…)", listed, at 1280×800 and 1024×768', async () => {
    const { page } = studio.sp;
    const lib = await scanFolder(studio.sp, HOME, 1);
    // keep.mp3 alone: not the trashed nor the recycled song
    assert.equal(await lib.rows.count(), 1);
    const toggle = page.getByTestId('scan-skipped-toggle');
    const text = (await toggle.innerText()).trim();
    // scan40: files and folders counted apart, groups plural (before: "5 files skipped: 3 playlist (…) · 2 hidden or system folder (…)")
    assert.match(text, /^3 files, 2 folders skipped: 3 playlists \(not tracks: Import playlist… in the Library, or studio crate import PLAYLIST, makes each a crate\) · 2 hidden or system folders \(not walked/, text);
    await toggle.click();
    const listed = await page.getByTestId('scan-skipped').locator('li').allInnerTexts();
    assert.deepEqual(listed.filter((l) => /hidden or system folder/.test(l)).map((l) => l.split(' — ')[0].slice(HOME.length + 1)).sort(), ['$RECYCLE.BIN', '.local']);
    assert.equal(listed.filter((l) => /Import playlist…/.test(l)).length, PLAYLISTS.length);
    for (const [w, h] of [[1280, 800], [1024, 768]]) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForFunction((x) => (globalThis as unknown as { innerWidth: number }).innerWidth === x, w);
      await studio.sp.frames(2);
      await studio.sp.screenshot(`ui40-scan-skips-${w}x${h}`);
    }
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});
