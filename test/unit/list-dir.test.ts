import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DirListing } from '@contract';
import { listDir, mapLimited } from '../../main/engine/fs/list-dir';

/**
 * The in-app file browser's listing says which entries it leaves out and why
 * (tester14): it said only "2 entries could not be read." for a file whose
 * name is not UTF-8 (Latin-1 from an old archive: it must be renamed) and a
 * broken link, and left a named pipe out without a word — a person looking
 * for "Café.mp3" could not tell it was there, nor what to do.
 */
test('listDir names each entry it leaves out with the reason: a name that is not UTF-8 (rename), a broken link, a named pipe', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'list-dir-'));
  try {
    writeFileSync(join(dir, 'ok.mp3'), 'x');
    mkdirSync(join(dir, 'sub'));
    // "Caf\xe9.mp3": Latin-1, not UTF-8 (a Buffer path writes the bytes as they are)
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/Caf`), Buffer.from([0xe9]), Buffer.from('.mp3')]), 'x');
    symlinkSync(join(dir, 'gone.mp3'), join(dir, 'dangling.mp3'));
    execFileSync('mkfifo', [join(dir, 'pipe.mp3')]);
    const l = await listDir(dir);
    {
      assert.ok(DirListing.safeParse(l).success, 'the listing keeps to the contract');
      assert.deepEqual(l.entries.map((e) => e.name), ['sub', 'ok.mp3']);
      assert.equal(l.skipped, 3);
      const why = Object.fromEntries((l.skippedEntries ?? []).map((s) => [s.name, s.reason]));
      assert.deepEqual(Object.keys(why).sort(), ['Caf\ufffd.mp3', 'dangling.mp3', 'pipe.mp3']);
      assert.match(why['Caf\ufffd.mp3'], /not valid UTF-8.*[Rr]ename/);
      assert.match(why['dangling.mp3'], /broken link/);
      assert.match(why['pipe.mp3'], /named pipe/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * The listing stats several entries at once (session 16: one stat after another took 1.2–1.6 s for 20,000 files) and
 * takes a folder's type from its directory entry: the same listing, the left-out entries still named in readdir's
 * order, links followed to what they point at.
 */
test('listDir with stats in flight together: links to a folder and to a file, many files, the same sorted listing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'list-dir-many-'));
  try {
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'x.flac'), 'abc');
    symlinkSync(join(dir, 'real'), join(dir, 'link-to-folder'));
    symlinkSync(join(dir, 'real', 'x.flac'), join(dir, 'link-to-file.flac'));
    for (let i = 0; i < 300; i++) writeFileSync(join(dir, `t${String(i).padStart(3, '0')}.mp3`), 'x'.repeat(i));
    for (let i = 0; i < 60; i++) symlinkSync(join(dir, `gone${i}`), join(dir, `dangling${String(i).padStart(2, '0')}.mp3`));
    const l = await listDir(dir);
    assert.deepEqual(l.entries.slice(0, 2).map((e) => [e.name, e.type]), [['link-to-folder', 'dir'], ['real', 'dir']]);
    const file = l.entries.find((e) => e.name === 'link-to-file.flac');
    assert.deepEqual([file?.type, file?.type === 'file' && file.sizeBytes, file?.openable], ['file', 3, true]);
    const tracks = l.entries.filter((e) => e.name.startsWith('t'));
    assert.equal(tracks.length, 300);
    assert.deepEqual(tracks.map((e) => (e.type === 'file' ? e.sizeBytes : -1)), Array.from({ length: 300 }, (_, i) => i), 'each size with its own name');
    assert.equal(l.skipped, 60);
    assert.equal(l.skippedEntries?.length, 50, 'the first 50 named');
    assert.ok(l.skippedEntries?.every((s) => /broken link/.test(s.reason)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mapLimited: results in the items order, never more than the limit in flight', async () => {
  let inFlight = 0;
  let most = 0;
  const out = await mapLimited(Array.from({ length: 100 }, (_, i) => i), 8, async (i) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setImmediate(r));
    if (i % 3 === 0) await new Promise((r) => setImmediate(r));
    inFlight--;
    return i * 2;
  });
  assert.deepEqual(out, Array.from({ length: 100 }, (_, i) => i * 2));
  assert.equal(most, 8);
  assert.deepEqual(await mapLimited([], 8, async () => 1), []);
});

/**
 * tester28: Open… greyed out a phone's recording ("Voice 002.3gp", "VID_0001.3g2"), a camcorder's clip ("00001.MTS",
 * "00002.m2ts"), a DVD/TV capture (".mpg", ".mpeg", ".vob") and old web and Windows videos (".flv", ".wmv", ".ogv")
 * as "not a media file the studio opens", while the library scan of the same folder analysed them and opened them in
 * the track view: in web mode (no "All files" of the desktop dialog) they could only be reached through the library.
 */
test('listDir offers phone, camcorder, DVD and older video files to open, as the library scan takes them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'list-dir-kinds-'));
  const names = ['Voice 002.3gp', 'VID_0001.3g2', 'Memo.3ga', '00001.MTS', '00002.m2ts', 'capture.mpg', 'capture.mpeg', 'VTS_01_1.VOB', 'old.flv', 'old.wmv', 'film.ogv'];
  try {
    for (const n of names) writeFileSync(join(dir, n), 'x');
    writeFileSync(join(dir, 'notes.txt'), 'x');
    const l = await listDir(dir);
    const openable = Object.fromEntries(l.entries.map((e) => [e.name, e.openable]));
    for (const n of names) assert.equal(openable[n], true, n);
    assert.equal(openable['notes.txt'], false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** crateimport34: Import playlist… in web mode lists a folder with kind 'playlist': the playlists are the files offered */
test("listDir with kind 'playlist' offers .m3u, .m3u8, .pls and .xspf (any case), not the music beside them", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'list-dir-playlists-'));
  try {
    for (const n of ['set.m3u', 'Set.M3U8', 'radio.pls', 'vlc.xspf', 'track.mp3', 'notes.txt']) writeFileSync(join(dir, n), 'x');
    const openable = Object.fromEntries((await listDir(dir, 'playlist')).entries.map((e) => [e.name, e.openable]));
    assert.deepEqual(openable, { 'set.m3u': true, 'Set.M3U8': true, 'radio.pls': true, 'vlc.xspf': true, 'track.mp3': false, 'notes.txt': false });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
