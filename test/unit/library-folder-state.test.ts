// One answer to "is this library folder there to walk" (job.ts libraryFolderState) wherever the scan asks it: a
// Rescan's walk, the catch-up at start, the watcher's batch, a gone file's rows at a job's end (leaveGone) and a queued
// file found gone (folderGone). A folder that cannot be read — simulated with STUDIO_TEST_DENY, as these tests run as
// root, where chmod 000 stops nothing — keeps its rows, reads "unreadable" and is said as the library folder's problem,
// whichever of them meets it. Before lib40 the watcher's batch and folderGone stat-ed the folder themselves and took a
// denied folder for a readable one: the watcher case removed gone.mp3's row (its analysis, crates, cues) and added
// new.mp3 as a failed row "permission denied", the folder still "ok"; the folderGone case marked a.mp3 failed,
// its analysis dropped. Runs the scanner in this process on real MP3s (lame through ffmpeg); the analysis pool is a
// stand-in (no analysis is expected, except the one the folderGone case makes fail).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import { StudioError } from '@contract';
import type { EngineContext } from '../../main/engine/context';
import { openDb } from '../../main/engine/db';
import { libraryVersions, scanKey, type LibraryAnalysis } from '../../main/engine/library/analyse';
import { LibraryScanner, libraryFolderState } from '../../main/engine/library/job';
import type { Analyse } from '../../main/engine/library/pool';
import { LibraryStore } from '../../main/engine/library/store';
import { toneFile } from '../helpers/media';

const dir = mkdtempSync(join(tmpdir(), 'rs-folder-state-'));
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => delete process.env.STUDIO_TEST_DENY);

function analysis(path: string, size: number, mtimeMs: number): LibraryAnalysis {
  return {
    path, file: { size, mtimeMs }, durationSec: 3, container: 'mp3',
    source: { container: 'mp3', durationSec: 3, durationEstimated: false, bitrateKbps: 128, streams: [{ index: 0, type: 'audio', codec: 'mp3', sampleRate: 44100, channels: 2 }], metadata: {} },
    bitrateKbps: 128, warnings: [], tags: { title: 'T' }, hasCoverArt: false,
    results: { tempo: { bpm: 123, confidence: 0.8, beats: [0.5, 1] } },
    versions: libraryVersions(),
  };
}

/** a library folder "USB" of two analysed MP3s (a.mp3, gone.mp3), and a second library folder "Home" of one */
function setUp(name: string, run?: Analyse['run']) {
  const root = join(dir, name);
  const usb = join(root, 'USB');
  const home = join(root, 'Home');
  mkdirSync(usb, { recursive: true });
  mkdirSync(home, { recursive: true });
  const db = openDb(join(root, 'data'));
  const store = new LibraryStore(db);
  const ids = new Map<string, string>();
  const usbFolder = store.addFolder(usb, []);
  const homeFolder = store.addFolder(home, []);
  for (const [folder, file] of [[usbFolder, 'a.mp3'], [usbFolder, 'gone.mp3'], [homeFolder, 'h.mp3']] as const) {
    const p = join(folder.path, file);
    copyFileSync(toneFile(`folder-state-${file}`, 3), p);
    const st = statSync(p);
    const id = store.write(() => store.markPending(p, folder.id, st.size, st.mtimeMs)).id;
    store.recordResult(id, analysis(p, st.size, st.mtimeMs), scanKey(libraryVersions()));
    ids.set(file, id);
  }
  const pool = (): Analyse => ({ size: 1, run: run ?? (async (req) => Promise.reject(new Error(`no analysis expected: ${req.path}`))), close: async () => undefined });
  const ctx = { db, dataDir: join(root, 'data'), cacheDir: join(root, 'data'), emit: () => undefined } as unknown as EngineContext;
  const scanner = new LibraryScanner(ctx, store, pool, true);
  /** the library's rows: [file name, id, status, bpm] */
  const rows = () =>
    (db.prepare('SELECT path, id, lib_status, bpm FROM tracks WHERE lib_status IS NOT NULL ORDER BY path').all() as { path: string; id: string; lib_status: string; bpm: number | null }[])
      .map((r) => [r.path.slice(root.length + 1), r.id, r.lib_status, r.bpm]);
  const expected = [['Home/h.mp3', ids.get('h.mp3'), 'analysed', 123], ['USB/a.mp3', ids.get('a.mp3'), 'analysed', 123], ['USB/gone.mp3', ids.get('gone.mp3'), 'analysed', 123]];
  return { root, usb, home, db, store, scanner, rows, expected, usbId: usbFolder.id };
}

/** the outcome every entry point must give for a USB folder that cannot be read */
function assertKept(s: ReturnType<typeof setUp>, problems: { path: string; code?: string; message: string }[], expected = s.expected) {
  assert.deepEqual(s.rows(), expected, 'every row kept as it was: same ids, analysed, values kept; nothing added');
  assert.equal(s.store.folders().find((f) => f.id === s.usbId)?.status, 'unreadable');
  assert.ok(problems.some((p) => p.path === s.usb && p.code === 'UNREADABLE' && /Library folder cannot be read/.test(p.message)), JSON.stringify(problems));
  s.db.close();
}

test('libraryFolderState: ok, missing, not a folder, denied', async () => {
  const base = join(dir, 'states');
  mkdirSync(join(base, 'here'), { recursive: true });
  copyFileSync(toneFile('folder-state-a.mp3', 3), join(base, 'file.mp3'));
  assert.equal(await libraryFolderState(join(base, 'here')), 'ok');
  assert.equal(await libraryFolderState(join(base, 'gone')), 'missing');
  assert.equal(await libraryFolderState(join(base, 'file.mp3')), 'unreadable');
  assert.equal(await libraryFolderState(join(base, 'file.mp3', 'below')), 'unreadable', 'ENOTDIR');
  process.env.STUDIO_TEST_DENY = join(base, 'here');
  assert.equal(await libraryFolderState(join(base, 'here')), 'unreadable');
});

test("a Rescan's walk over a folder that cannot be read (the reference)", async () => {
  const s = setUp('walk');
  process.env.STUDIO_TEST_DENY = s.usb;
  s.scanner.start();
  await s.scanner.whenIdle();
  assertKept(s, s.scanner.state().problems);
});

test('the catch-up at start over a folder that cannot be read', async () => {
  const s = setUp('catch-up');
  process.env.STUDIO_TEST_DENY = s.usb;
  s.scanner.catchUp();
  await s.scanner.whenIdle();
  assertKept(s, s.scanner.state().problems);
});

test("a Rescan of Home alone with a gone row there, the USB folder unreadable: leaveGone keeps it", async () => {
  const s = setUp('leave-gone');
  rmSync(join(s.home, 'h.mp3'));
  process.env.STUDIO_TEST_DENY = s.usb;
  s.scanner.start(s.store.folders().find((f) => f.path === s.home)!.id);
  await s.scanner.whenIdle();
  assert.deepEqual(s.rows(), s.expected, 'h.mp3 kept: it may have moved onto the folder that cannot be read');
  assert.ok(s.scanner.state().problems.some((p) => p.path === s.usb && /keeps its row/.test(p.message)), JSON.stringify(s.scanner.state().problems));
  s.db.close();
});

test("the watcher's batch in a folder that cannot be read: the gone file's row stays, the new file is not taken in", async () => {
  const s = setUp('watcher');
  rmSync(join(s.usb, 'gone.mp3'));
  copyFileSync(toneFile('folder-state-new.mp3', 4), join(s.usb, 'new.mp3'));
  process.env.STUDIO_TEST_DENY = s.usb;
  s.scanner.enqueuePaths([join(s.usb, 'gone.mp3'), join(s.usb, 'new.mp3')]);
  await s.scanner.whenIdle();
  assertKept(s, s.scanner.state().problems);
});

test('a queued file found gone in a folder that has become unreadable (folderGone): its row stays as it was', async () => {
  let s: ReturnType<typeof setUp> | null = null;
  // the drive's permissions go while a.mp3 is analysed, and the file cannot be found there
  const run: Analyse['run'] = async (req) => {
    rmSync(req.path);
    process.env.STUDIO_TEST_DENY = s!.usb;
    throw new StudioError('NOT_FOUND', `"${req.path}" does not exist.`);
  };
  s = setUp('folder-gone', run);
  // a.mp3 changed since its analysis (a tagger touched it): a scan of the file analyses it again
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(s.usb, 'a.mp3'), later, later);
  s.scanner.scanPaths([join(s.usb, 'a.mp3')]);
  await s.scanner.whenIdle();
  // pending, as a row whose analysis again had begun when its drive went (tester39), with its values
  assertKept(s, s.scanner.state().problems, s.expected.map((r) => (r[0] === 'USB/a.mp3' ? [r[0], r[1], 'pending', r[3]] : r)));
});

test('a file of a library folder that is not there: `studio analyze` names the folder, and the rows read folderAbsent', async () => {
  const s = setUp('absent-rows');
  rmSync(s.usb, { recursive: true });
  s.scanner.scanPaths([join(s.usb, 'a.mp3')]);
  await s.scanner.whenIdle();
  const problem = s.scanner.state().problems.find((p) => p.path === join(s.usb, 'a.mp3'));
  assert.equal(problem?.code, 'NOT_FOUND');
  assert.match(problem?.message ?? '', /does not exist .* Its library folder ".*USB" is missing \(an unplugged drive, moved or deleted\); its tracks are kept\.$/);
  // a Rescan marks the folder missing; every row read from the library says so (the table's muted row and mark)
  s.scanner.start();
  await s.scanner.whenIdle();
  const rows = s.store.query(undefined, undefined, 0, 10).rows;
  assert.deepEqual(rows.map((r) => [r.fileName, r.folderAbsent]).sort(), [
    ['a.mp3', { path: s.usb, status: 'missing' }],
    ['gone.mp3', { path: s.usb, status: 'missing' }],
    ['h.mp3', undefined],
  ]);
  s.db.close();
});
