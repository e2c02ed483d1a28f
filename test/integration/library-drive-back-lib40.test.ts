// A drive mounted inside a library folder (~/Music/USB), unplugged, a Rescan, and the drive plugged back (lib40). The
// library folder is there, so the drive's files are gone from it and leave the library — but a track with something
// the user made (a crate place, a hot cue; or a chat, a place in recent files) keeps its id and all of it out of the
// library (db/tracks.ts leaveLibrary), and rejoins when a scan finds its file again: at its own path, or under another
// mount point with its size and mtime (job.ts goneElsewhere). A track with none of them is deleted and comes back as a
// new row. Before: a.mp3 and b.mp3 were deleted at the first Rescan (only crate places and a cue: no chat) and came back
// as new rows — the crate read 1 track instead of 3, a.mp3's hot cue was gone (and, by the code, a row kept for its
// chat or in recent files lost its crate places: not run here, a chat needs a model).
// The unplug is a rename of the drive's folder out of the library folder (its mount point gone, as udisks removes it).
// Files: MP3s by ffmpeg's libmp3lame. No folder watcher (STUDIO_LIBRARY_BACKGROUND=0): the Rescans are what find it.
// Run: npm run build && node tools/run-tests.mjs test/integration/library-drive-back-lib40.test.ts
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LibraryTrack } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { startTestEngine, until } from '../helpers/engine';
import { toneFile } from '../helpers/media';

describe('a drive unplugged from inside a library folder, rescanned, plugged back (lib40)', { timeout: 300_000 }, () => {
  let engine: EngineHost;
  let tmp: string;
  let music: string;
  let usb: string;
  let crateId: string;
  /** file name → its first row's id */
  const ids = new Map<string, string>();

  const rows = async (): Promise<LibraryTrack[]> => (await engine.call('library:query', { offset: 0, limit: 100 })).rows;
  const rescan = async () => {
    await engine.call('library:scan', {});
    await engine.call('library:idle', {});
  };
  const crate = async () => ({
    count: (await engine.call('crates:list', {})).find((c) => c.id === crateId)?.trackCount,
    order: (await engine.call('library:query', { filter: { crateId }, sort: { column: 'crate', dir: 'asc' }, offset: 0, limit: 100 })).rows.map((r) => r.fileName),
  });
  const cues = async (name: string) => (await engine.call('marks:list', { trackId: ids.get(name)! })).cues.map((c) => [c.slot, c.timeSec]);

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rs-drive-back-'));
    music = join(tmp, 'Music');
    usb = join(music, 'USB');
    mkdirSync(usb, { recursive: true });
    // lengths differ: each file its own size (a move match reads size and mtime)
    copyFileSync(toneFile('drive-back-a.mp3', 3), join(usb, 'a.mp3'));
    copyFileSync(toneFile('drive-back-b.mp3', 4), join(usb, 'b.mp3'));
    copyFileSync(toneFile('drive-back-d.mp3', 5), join(usb, 'd.mp3'));
    copyFileSync(toneFile('drive-back-c.mp3', 2), join(music, 'c.mp3'));
    ({ engine } = await startTestEngine({ env: { STUDIO_LIBRARY_BACKGROUND: '0', STUDIO_ANALYSIS_WORKERS: '1' } }));
    await engine.call('library:add-folder', { path: music });
    await engine.call('library:idle', {});
    for (const r of await rows()) ids.set(r.fileName, r.id);
    crateId = (await engine.call('crates:create', { name: 'Saturday' })).id;
    // b.mp3 between a.mp3 and c.mp3 in the crate's own order; d.mp3 in no crate, with no cue
    await engine.call('crates:add-tracks', { crateId, trackIds: ['a.mp3', 'b.mp3', 'c.mp3'].map((n) => ids.get(n)!) });
    await engine.call('marks:set-cue', { trackId: ids.get('a.mp3')!, slot: 1, timeSec: 1.5 });
  });
  after(async () => {
    await engine?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('plugged back at the same path: the same tracks, their crate places in order and the hot cue; the row with nothing of the user is new', async () => {
    assert.deepEqual((await rows()).map((r) => [r.fileName, r.status]).sort(), [['a.mp3', 'analysed'], ['b.mp3', 'analysed'], ['c.mp3', 'analysed'], ['d.mp3', 'analysed']]);
    assert.deepEqual(await crate(), { count: 3, order: ['a.mp3', 'b.mp3', 'c.mp3'] });

    renameSync(usb, join(tmp, 'USB-unplugged'));
    await rescan();
    assert.deepEqual((await rows()).map((r) => r.fileName), ['c.mp3'], "the drive's tracks left the library");
    assert.deepEqual(await crate(), { count: 1, order: ['c.mp3'] }, 'the crate lists library tracks only');

    renameSync(join(tmp, 'USB-unplugged'), usb);
    await rescan();
    const back = await rows();
    assert.deepEqual(back.map((r) => [r.fileName, r.status]).sort(), [['a.mp3', 'analysed'], ['b.mp3', 'analysed'], ['c.mp3', 'analysed'], ['d.mp3', 'analysed']]);
    for (const n of ['a.mp3', 'b.mp3', 'c.mp3']) assert.equal(back.find((r) => r.fileName === n)?.id, ids.get(n), `${n} rejoined under its id`);
    assert.notEqual(back.find((r) => r.fileName === 'd.mp3')?.id, ids.get('d.mp3'), 'd.mp3 held nothing of the user: a new row');
    assert.deepEqual(await crate(), { count: 3, order: ['a.mp3', 'b.mp3', 'c.mp3'] }, 'the crate as it was, in its order');
    assert.deepEqual(await cues('a.mp3'), [[1, 1.5]], "a.mp3's hot cue is back");
  });

  test('plugged back under another mount point (USB1): the tracks rejoin by size and mtime, with their crate places and cue', async () => {
    renameSync(usb, join(tmp, 'USB-unplugged'));
    await rescan();
    assert.deepEqual(await crate(), { count: 1, order: ['c.mp3'] });
    renameSync(join(tmp, 'USB-unplugged'), join(music, 'USB1'));
    await rescan();
    const back = await rows();
    assert.equal(back.find((r) => r.fileName === 'a.mp3')?.path, join(music, 'USB1', 'a.mp3'));
    for (const n of ['a.mp3', 'b.mp3']) assert.equal(back.find((r) => r.fileName === n)?.id, ids.get(n), `${n} rejoined under its id`);
    assert.equal(back.find((r) => r.fileName === 'a.mp3')?.status, 'analysed');
    assert.deepEqual(await crate(), { count: 3, order: ['a.mp3', 'b.mp3', 'c.mp3'] });
    assert.deepEqual(await cues('a.mp3'), [[1, 1.5]]);
  });
});

describe('the same with the folder watcher on (the app as it runs): no Rescan asked for', { timeout: 300_000 }, () => {
  let engine: EngineHost;
  let tmp: string;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rs-drive-back-watched-'));
    mkdirSync(join(tmp, 'Music', 'USB'), { recursive: true });
    copyFileSync(toneFile('drive-back-a.mp3', 3), join(tmp, 'Music', 'USB', 'a.mp3'));
    copyFileSync(toneFile('drive-back-c.mp3', 2), join(tmp, 'Music', 'c.mp3'));
    ({ engine } = await startTestEngine({ env: { STUDIO_ANALYSIS_WORKERS: '1' } }));
  });
  after(async () => {
    await engine?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('unplugged: the watcher takes the track out of the library; plugged back: it rejoins with its crate place and cue', async () => {
    const music = join(tmp, 'Music');
    await engine.call('library:add-folder', { path: music });
    await engine.call('library:idle', {});
    const names = async () => (await engine.call('library:query', { offset: 0, limit: 10 })).rows.map((r) => `${r.fileName}:${r.id}`).sort();
    const first = await names();
    const a = (await engine.call('library:query', { offset: 0, limit: 10 })).rows.find((r) => r.fileName === 'a.mp3')!;
    const crateId = (await engine.call('crates:create', { name: 'Set' })).id;
    await engine.call('crates:add-tracks', { crateId, trackIds: [a.id] });
    await engine.call('marks:set-cue', { trackId: a.id, slot: 2, timeSec: 0.5 });
    const count = async () => (await engine.call('crates:list', {})).find((c) => c.id === crateId)?.trackCount;

    renameSync(join(music, 'USB'), join(tmp, 'USB-unplugged'));
    await until('a.mp3 to leave the library', async () => {
      await engine.call('library:idle', {});
      return !(await names()).some((n) => n.startsWith('a.mp3:')) || undefined;
    }, 30_000);
    assert.equal(await count(), 0);

    renameSync(join(tmp, 'USB-unplugged'), join(music, 'USB'));
    await until('a.mp3 to rejoin', async () => {
      await engine.call('library:idle', {});
      return (await names()).some((n) => n.startsWith('a.mp3:')) || undefined;
    }, 30_000);
    assert.deepEqual(await names(), first, 'the same ids');
    assert.equal(await count(), 1);
    assert.deepEqual((await engine.call('marks:list', { trackId: a.id })).cues.map((c) => [c.slot, c.timeSec]), [[2, 0.5]]);
  });
});
