// Hidden and system folders below a library folder are not walked as music, and a playlist in a library folder is
// skipped naming Import playlist… (ui40; tester39's notes). Before: with the home folder as a library folder, a song
// moved to the desktop's trash (~/.local/share/Trash/files, where `gio trash` puts it) was analysed as music — and
// the watcher followed the trashed file there, so the row stayed in the library under its trash path; a Windows
// drive's $RECYCLE.BIN likewise; and a .pls beside the music read only "not audio (.pls file)". Now each such folder is
// one skip, "hidden or system folder (…)", counted in the scan's summary (beets' default `ignore` is the same rule);
// a hidden folder given as the library folder itself is walked; a playlist reads "playlist (… Import playlist… in the
// Library, or studio crate import PLAYLIST, makes it a crate)" in `studio analyze` and the scan alike.
// The files: MP3s by ffmpeg (libmp3lame), trashed by GLib's `gio trash` with HOME set to the test's home folder; the
// playlists as other software writes them (test/fixtures/playlists: totem-pl-parser's .pls and .xspf, Mixxx's .m3u8,
// iTunes for Mac's .m3u).
// Needs `npm run build`. Run: node tools/run-tests.mjs test/integration/library-hidden-folders-ui40.test.ts
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ScanState } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { HIDDEN_FOLDER_REASON, HIDDEN_FOLDERS_REASON } from '../../main/engine/library/walk';
import { PLAYLIST_REASON, PLAYLISTS_REASON } from '../../main/engine/library/sniff';
import { startTestEngine, until } from '../helpers/engine';
import { ROOT, toneFile } from '../helpers/media';

const BIN = join(ROOT, 'bin', 'studio.js');
const PLAYLISTS = join(ROOT, 'test', 'fixtures', 'playlists');
const PLAYLIST_FILES = ['totem-relative.pls', 'mixxx.m3u8', 'vlc.xspf', 'itunes-mac.m3u'];

/** A home folder as a desktop leaves it: Music/ with songs and playlists, one song trashed by `gio trash`, a Windows drive's recycle bin and system folder copied over. */
function makeHome(home: string): void {
  mkdirSync(join(home, 'Music'), { recursive: true });
  copyFileSync(toneFile('hidden-keep.mp3', 2), join(home, 'Music', 'keep.mp3'));
  copyFileSync(toneFile('hidden-trashed.mp3', 2), join(home, 'Music', 'trashed.mp3'));
  for (const p of PLAYLIST_FILES) copyFileSync(join(PLAYLISTS, p), join(home, 'Music', p));
  execFileSync('gio', ['trash', join(home, 'Music', 'trashed.mp3')], { env: { ...process.env, HOME: home, XDG_DATA_HOME: '' } });
  // Windows' recycle bin: $RECYCLE.BIN\<SID>\$R…, the deleted file's data under a generated name
  mkdirSync(join(home, '$RECYCLE.BIN', 'S-1-5-21-1004336348-1177238915-682003330-1001'), { recursive: true });
  copyFileSync(toneFile('hidden-recycled.mp3', 2), join(home, '$RECYCLE.BIN', 'S-1-5-21-1004336348-1177238915-682003330-1001', '$R4QZ1KD.mp3'));
  mkdirSync(join(home, 'System Volume Information'));
  writeFileSync(join(home, 'System Volume Information', 'IndexerVolumeGuid'), '{9a2c3c1e-0000-0000-0000-000000000000}');
}

describe('library: hidden and system folders are not music; a playlist names Import playlist… (ui40)', () => {
  let tmp: string;
  let home: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'rs-hidden-'));
    home = join(tmp, 'home');
    makeHome(home);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('studio analyze of the home folder: the trashed and recycled songs are not analysed; each folder one skip; the playlists say Import playlist…', () => {
    const r = spawnSync(process.execPath, [BIN, 'analyze', home, '--json'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const paths = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { path: string }).path.slice(home.length + 1));
    assert.deepEqual(paths, ['Music/keep.mp3'], r.stderr);
    // scan40: files and folders apart, each group plural (before: "skipped: 7 files")
    assert.ok(r.stderr.includes(`studio: 4 files, 3 folders skipped: 4 ${PLAYLISTS_REASON} · 3 ${HIDDEN_FOLDERS_REASON}\n`), r.stderr);
    for (const folder of ['.local', '$RECYCLE.BIN', 'System Volume Information'])
      assert.ok(r.stderr.includes(`${join(home, folder)}: ${HIDDEN_FOLDER_REASON}`), `${folder}: ${r.stderr}`);
    for (const p of PLAYLIST_FILES) assert.ok(r.stderr.includes(`${join(home, 'Music', p)}: ${PLAYLIST_REASON}`), `${p}: ${r.stderr}`);
    assert.match(PLAYLIST_REASON, /Import playlist… in the Library, or studio crate import PLAYLIST, makes it a crate/);
  });

  test('a hidden folder given itself is walked: studio analyze of the trash analyses the trashed song', () => {
    const trash = join(home, '.local', 'share', 'Trash', 'files');
    const r = spawnSync(process.execPath, [BIN, 'analyze', trash, '--json'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { path: string }).path), [join(trash, 'trashed.mp3')]);
  });

  test('the library of the home folder: a song moved to the trash while watched leaves the library (the watcher does not follow it there)', async () => {
    const h2 = join(tmp, 'home2');
    mkdirSync(join(h2, 'Music'), { recursive: true });
    copyFileSync(toneFile('hidden-keep.mp3', 2), join(h2, 'Music', 'keep.mp3'));
    copyFileSync(toneFile('hidden-trashed.mp3', 2), join(h2, 'Music', 'later-trashed.mp3'));
    const { engine }: { engine: EngineHost } = await startTestEngine({ dataDir: join(tmp, 'data') });
    try {
      const states: ScanState[] = [];
      engine.onEvent((name, payload) => void (name === 'library:scan-state' && states.push(payload as ScanState)));
      const rows = async () => (await engine.call('library:query', { offset: 0, limit: 100 })).rows.map((r) => r.path.slice(h2.length + 1)).sort();
      await engine.call('library:add-folder', { path: h2 });
      await until('the first scan to finish', () => states.findLast((s) => s.state === 'finished'));
      await engine.call('library:idle', {});
      assert.deepEqual(await rows(), ['Music/keep.mp3', 'Music/later-trashed.mp3']);
      execFileSync('gio', ['trash', join(h2, 'Music', 'later-trashed.mp3')], { env: { ...process.env, HOME: h2, XDG_DATA_HOME: '' } });
      await until('the trashed song to leave the library', async () => ((await rows()).includes('Music/later-trashed.mp3') ? undefined : true));
      await engine.call('library:idle', {});
      assert.deepEqual(await rows(), ['Music/keep.mp3'], 'not followed into .local/share/Trash/files');
      // a rescan of the home folder: the trash is one skip, counted
      const job = (await engine.call('library:scan', {})).jobId;
      const done = await until('the rescan to finish', () => states.findLast((s) => s.jobId === job && s.state === 'finished'));
      assert.deepEqual(done.skipped?.files.filter((f) => f.reason === HIDDEN_FOLDER_REASON).map((f) => f.path), [join(h2, '.local')]);
      assert.deepEqual(await rows(), ['Music/keep.mp3']);
    } finally {
      await engine.stop();
    }
  });
});
