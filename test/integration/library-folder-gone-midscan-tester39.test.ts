// A library folder that goes away while its files are being analysed again (tester39: a DJ's USB drive unplugged
// during a Rescan of files another program had touched). Before: the file in flight
// failed as changed, was found gone, and its row left the library — its crate places and hot cues deleted with it —
// and each file still queued was marked failed "does not exist" with its analysis deleted, although the folder then
// read "missing" and README says a missing folder's tracks are kept. Now every such row stays as it was.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/integration/library-folder-gone-midscan-tester39.test.ts
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EventName, LibraryTrack, ScanState } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { startTestEngine, until } from '../helpers/engine';
import { longToneFile, toneFile } from '../helpers/media';

describe('a library folder gone while its files are analysed again keeps every row (tester39)', () => {
  let engine: EngineHost;
  let tmp: string;
  let music: string;
  let folderId: string;
  const events: { name: EventName; payload: unknown }[] = [];
  /** long.mp3 (3 min of ffmpeg's libmp3lame: several seconds to analyse) and three short ones */
  const NAMES = ['long.mp3', 'a.mp3', 'b.mp3', 'c.mp3'];
  const rows = async (): Promise<LibraryTrack[]> => (await engine.call('library:query', { offset: 0, limit: 100 })).rows;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rs-folder-gone-midscan-'));
    music = join(tmp, 'USB Stick');
    mkdirSync(music, { recursive: true });
    copyFileSync(longToneFile('folder-gone-midscan-long.mp3', 180), join(music, 'long.mp3'));
    for (const n of NAMES.slice(1)) copyFileSync(toneFile(`folder-gone-midscan-${n}`, 3), join(music, n));
    // one analysis thread: the file named current is the one in flight (with more, the last one taken is named)
    ({ engine } = await startTestEngine({ env: { STUDIO_ANALYSIS_WORKERS: '1' } }));
    engine.onEvent((name, payload) => void events.push({ name, payload }));
    folderId = (await engine.call('library:add-folder', { path: music })).id;
    await engine.call('library:idle', {});
  });
  after(async () => {
    await engine?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('unplugged while long.mp3 is analysed again: its row, crate place and hot cue stay, and so do the others; the folder reads missing', async () => {
    const first = await rows();
    assert.deepEqual(first.map((r) => [r.fileName, r.status]).sort(), NAMES.map((n) => [n, 'analysed']).sort());
    const ids = new Map(first.map((r) => [r.fileName, r.id]));
    const crate = await engine.call('crates:create', { name: 'Saturday' });
    await engine.call('crates:add-tracks', { crateId: crate.id, trackIds: NAMES.map((n) => ids.get(n)!) });
    await engine.call('marks:set-cue', { trackId: ids.get('long.mp3')!, slot: 1, timeSec: 42 });

    // another program touched every file (a tagger): a Rescan analyses them again, long.mp3 among them
    const later = new Date(Date.now() + 60_000);
    for (const n of NAMES) utimesSync(join(music, n), later, later);
    const from = events.length;
    await engine.call('library:scan', {});
    const longPath = join(music, 'long.mp3');
    await until('long.mp3 to be analysed again', () =>
      events.slice(from).some((e) => e.name === 'library:scan-state' && (e.payload as ScanState).state === 'running' && (e.payload as ScanState).currentFile === longPath) || undefined);
    // the drive goes while it is in flight
    renameSync(music, `${music}-unplugged`);
    await until('the folder to read missing', async () => {
      await engine.call('library:idle', {});
      const f = (await engine.call('library:list-folders', {})).find((x) => x.id === folderId);
      return f?.status === 'missing' || undefined;
    }, 60_000);

    // every row under its id, none failed: analysed, or pending where its analysis again had begun (its values kept)
    const now = await rows();
    assert.deepEqual(now.map((r) => [r.fileName, r.id]).sort(), first.map((r) => [r.fileName, r.id]).sort(), 'every row kept under its id');
    assert.deepEqual(now.filter((r) => r.status !== 'analysed' && r.status !== 'pending').map((r) => [r.fileName, r.status, r.error]), [], 'none failed');
    assert.equal(now.find((r) => r.fileName === 'long.mp3')?.durationSec, first.find((r) => r.fileName === 'long.mp3')?.durationSec, 'long.mp3 keeps its values');
    assert.equal((await engine.call('crates:list', {})).find((c) => c.id === crate.id)?.trackCount, NAMES.length, 'the crate keeps its four tracks');
    assert.deepEqual((await engine.call('marks:list', { trackId: ids.get('long.mp3')! })).cues.map((c) => [c.slot, c.timeSec]), [[1, 42]], 'the hot cue is kept');
    // the Rescan's end says so (the scan bar keeps it: a watcher's job for the gone folder that follows finds nothing new)
    const ended = events.slice(from).filter((e) => e.name === 'library:scan-state' && (e.payload as ScanState).state === 'finished').map((e) => e.payload as ScanState);
    const problems = ended.flatMap((s) => s.problems);
    assert.ok(problems.some((p) => p.path === music && p.kind === 'folder-missing'), JSON.stringify(problems));
    assert.ok(!problems.some((p) => p.code === 'FILE_CHANGED'), `no file said to have left the library: ${JSON.stringify(problems)}`);

    // plugged in again: a Rescan finds every row where it was
    renameSync(`${music}-unplugged`, music);
    await engine.call('library:scan', {});
    await engine.call('library:idle', {});
    assert.deepEqual((await rows()).map((r) => [r.fileName, r.id, r.status]).sort(), first.map((r) => [r.fileName, r.id, 'analysed']).sort());
    assert.equal((await engine.call('library:list-folders', {})).find((x) => x.id === folderId)?.status, 'ok');
  });
});
