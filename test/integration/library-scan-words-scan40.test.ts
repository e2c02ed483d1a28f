// The library scan's words, one text source for the scan bar and `studio analyze` (main/contract/scan-text.ts, scan40).
// Before: (1) a Rescan of a library folder that is not there (an unplugged drive) ended "Scan finished 0 / 0", and
// `studio analyze --data-dir DIR` of that folder said only '"…" does not exist (…). Check the path', the folder not
// named a library folder nor marked missing; (2) the skipped summary counted folders as files and read its groups
// singular: `studio analyze` of a home folder printed "skipped: 7 files" for 3 hidden or system folders and 4
// playlists. The files: MP3s by ffmpeg (libmp3lame), one trashed by GLib's `gio trash`; the playlists as totem-pl-parser,
// Mixxx and VLC wrote them (test/fixtures/playlists); a named pipe made by mkfifo; a drive's folder taken away by `mv`.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/integration/library-scan-words-scan40.test.ts
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { enCount, nothingScannedText, type ScanState } from '@contract';
import { HIDDEN_FOLDERS_REASON } from '../../main/engine/library/walk';
import { PLAYLISTS_REASON } from '../../main/engine/library/sniff';
import { startTestEngine, until } from '../helpers/engine';
import { ROOT, toneFile } from '../helpers/media';

const BIN = join(ROOT, 'bin', 'studio.js');
const PLAYLISTS = ['totem-relative.pls', 'mixxx.m3u8', 'vlc.xspf'];

describe('library scan words (scan40)', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'rs-scan-words-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('the only library folder unplugged: its Rescan and studio analyze --data-dir say "Nothing scanned: … is not there", not 0 / 0', async () => {
    const music = join(tmp, 'usb', 'Music Library');
    mkdirSync(music, { recursive: true });
    copyFileSync(toneFile('scan-words-a.mp3', 2), join(music, 'a.mp3'));
    const dataDir = join(tmp, 'data');
    const { engine } = await startTestEngine({ dataDir, env: { STUDIO_LIBRARY_BACKGROUND: '0' } });
    const away = `${music}-unplugged`;
    try {
      const states: ScanState[] = [];
      engine.onEvent((name, payload) => void (name === 'library:scan-state' && states.push(payload as ScanState)));
      const folder = await engine.call('library:add-folder', { path: music });
      await until('the first scan to finish', () => states.findLast((s) => s.state === 'finished' && s.total === 1));
      await engine.call('library:idle', {});
      renameSync(music, away);
      const job = (await engine.call('library:scan', { folderId: folder.id })).jobId;
      const done = await until('the rescan to finish', () => states.findLast((s) => s.jobId === job && s.state === 'finished'));
      assert.equal(done.total, 0);
      // the scan bar's words, from the engine's own state
      assert.equal(nothingScannedText(done, enCount), `Nothing scanned: the library folder "${music}" is not there (an unplugged drive, moved or deleted?); its tracks are kept.`);
    } finally {
      await engine.stop();
    }
    // the CLI on the same data folder, the folder still away: its summary's last line says the same
    const r = spawnSync(process.execPath, [BIN, 'analyze', music, '--data-dir', dataDir], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    const last = r.stderr.trim().split('\n').pop();
    assert.equal(last, `studio: Nothing scanned: the library folder "${music}" is not there (an unplugged drive, moved or deleted?); its tracks are kept.`, r.stderr);
    assert.doesNotMatch(r.stderr, /does not exist/, 'named as a library folder not there, not a mistyped path');
    // the folder is marked missing by that run, its row kept
    const { engine: e2 } = await startTestEngine({ dataDir, env: { STUDIO_LIBRARY_BACKGROUND: '0' } });
    try {
      const f = (await e2.call('library:list-folders', {})).find((x) => x.path === music);
      assert.equal(f?.status, 'missing');
      assert.equal((await e2.call('library:query', { offset: 0, limit: 10 })).total, 1);
    } finally {
      await e2.stop();
      renameSync(away, music);
    }
  });

  test('skipped: files and folders counted apart, each group plural — studio analyze prints the scan bar\'s words', () => {
    const home = join(tmp, 'home');
    mkdirSync(join(home, 'Music'), { recursive: true });
    copyFileSync(toneFile('scan-words-keep.mp3', 2), join(home, 'Music', 'keep.mp3'));
    copyFileSync(toneFile('scan-words-trashed.mp3', 2), join(home, 'Music', 'trashed.mp3'));
    for (const p of PLAYLISTS) copyFileSync(join(ROOT, 'test', 'fixtures', 'playlists', p), join(home, 'Music', p));
    execFileSync('gio', ['trash', join(home, 'Music', 'trashed.mp3')], { env: { ...process.env, HOME: home, XDG_DATA_HOME: '' } });
    mkdirSync(join(home, '$RECYCLE.BIN', 'S-1-5-21-1001'), { recursive: true });
    copyFileSync(toneFile('scan-words-recycled.mp3', 2), join(home, '$RECYCLE.BIN', 'S-1-5-21-1001', '$R4QZ1KD.mp3'));
    execFileSync('mkfifo', [join(home, 'Music', 'pipe')]);
    const r = spawnSync(process.execPath, [BIN, 'analyze', home, '--json'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 1, 'keep.mp3 alone');
    const line = r.stderr.split('\n').find((l) => l.includes(' skipped'));
    assert.equal(line, `studio: 4 files, 2 folders skipped: 3 ${PLAYLISTS_REASON} · 2 ${HIDDEN_FOLDERS_REASON} · 1 not a regular file (named pipe)`, r.stderr);
  });
});
