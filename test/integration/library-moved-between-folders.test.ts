// A file moved from one library folder into another keeps its row, whichever folder is rescanned first, and a file
// moved onto a drive since unplugged keeps its row until the drive is back (rescan39). Before:
// - a one-folder Rescan of B after `mv A/x B/x` gave B/x a NEW row (A was not walked, so its row was not known to be
//   gone), and the next "Rescan all" removed A's row with its crates, hot cues, regions and chat;
// - a Rescan with library folder D not there (an unplugged drive) removed the rows of the files moved from A onto D,
//   and they came back as new rows, without their crates, cues and chat, once D was plugged in again;
// - `studio analyze --data-dir DIR B/` after a move from A/ gave a new row and kept A's, listed with its old analysis
//   by every later run over A/ — while a Rescan removed it (two rules for one library).
// Audio made as users' files are: a WAV from ffmpeg encoded by lame (MP3) and by flac (FLAC); moved with `mv`, and
// with `cp -p` then `rm` (what a move across drives is). An engine with no watcher and no catch-up
// (STUDIO_LIBRARY_BACKGROUND=0), so only the Rescan can have followed a file. Needs `npm run build`.
// Run: node tools/run-tests.mjs test/integration/library-moved-between-folders.test.ts
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { LibraryTrack } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { storedThread } from '../helpers/chat-thread';
import { startTestEngine } from '../helpers/engine';
import { ROOT, toneFile } from '../helpers/media';
import type { Studio } from '../helpers/studio';

const run = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' });
/** an MP3 as lame writes it, of a tone `sec` long (its own length: a move is told by size and mtime) */
const lameMp3 = (out: string, sec: number) => run('lame', '--quiet', '-b', '128', toneFile(`moved-between-${sec}s.wav`, sec), out);
/** a FLAC as the reference encoder writes it */
const flacFile = (out: string, sec: number) => run('flac', '--silent', '--force', '-o', out, toneFile(`moved-between-${sec}s.wav`, sec));

describe('a file moved between library folders keeps its row (rescan39)', { timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'rs-moved-between-'));
  const a = join(root, 'A');
  const b = join(root, 'B');
  const drive = join(root, 'Drive');
  const dataDir = join(root, 'data');
  let engine: EngineHost;
  let crateId = '';
  let folders = new Map<string, string>();
  const rows = async () => new Map((await engine.call('library:query', { offset: 0, limit: 100 })).rows.map((r) => [r.path, r]));
  const scan = async (folderId?: string) => {
    await engine.call('library:scan', folderId ? { folderId } : {});
    await engine.call('library:idle', {});
    return engine.call('library:scan-state', {});
  };
  const inCrate = async () => new Set((await engine.call('library:query', { filter: { crateId }, offset: 0, limit: 100 })).rows.map((r) => r.id));
  /** the row's crates, cue, region and chat: all still the track's */
  const keepsItsThings = async (r: LibraryTrack, name: string) => {
    assert.ok((await inCrate()).has(r.id), `${name} is in the crate still`);
    const marks = await engine.call('marks:list', { trackId: r.id });
    assert.deepEqual(marks.cues.map((c) => [c.slot, c.timeSec]), [[2, 0.75]], `${name}'s hot cue`);
    assert.deepEqual(marks.regions.map((g) => g.name), [`intro of ${name}`], `${name}'s region`);
    assert.equal((await engine.call('chat:get-thread', { trackId: r.id })).length, 1, `${name}'s chat`);
  };

  before(async () => {
    for (const d of [a, b, drive]) mkdirSync(d, { recursive: true });
    lameMp3(join(a, 'x.mp3'), 2);
    flacFile(join(a, 'y.flac'), 3);
    lameMp3(join(a, 'z.mp3'), 4);
    lameMp3(join(a, 'deleted.mp3'), 5);
    ({ engine } = await startTestEngine({ dataDir, env: { STUDIO_LIBRARY_BACKGROUND: '0' } }));
    for (const d of [a, b, drive]) await engine.call('library:add-folder', { path: d });
    await engine.call('library:idle', {});
    folders = new Map((await engine.call('library:list-folders', {})).map((f) => [f.path, f.id]));
    const first = await rows();
    assert.deepEqual([...first.values()].map((r) => `${r.fileName}:${r.status}`).sort(), ['deleted.mp3:analysed', 'x.mp3:analysed', 'y.flac:analysed', 'z.mp3:analysed']);
    crateId = (await engine.call('crates:create', { name: 'Gig' })).id;
    const ids = [...first.values()].map((r) => r.id);
    await engine.call('crates:add-tracks', { crateId, trackIds: ids });
    for (const r of first.values()) {
      await engine.call('marks:set-cue', { trackId: r.id, slot: 2, timeSec: 0.75 });
      await engine.call('marks:save-region', { trackId: r.id, name: `intro of ${r.fileName}`, startSec: 0.25, endSec: 1 });
      storedThread({ serve: { dataDir } } as Studio, () => r.id).insert('user', `What tempo is ${r.fileName}?`, { attachments: { audio: {}, image: null, video: false } });
    }
  });
  after(async () => {
    await engine?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('moved from A into B, B alone rescanned, then all: the old row follows (mv, and cp -p + rm)', async () => {
    const was = await rows();
    run('mv', join(a, 'x.mp3'), join(b, 'x.mp3'));
    run('cp', '-p', join(a, 'y.flac'), join(b, 'y.flac'));
    rmSync(join(a, 'y.flac'));
    const one = await scan(folders.get(b));
    assert.equal(one.state, 'finished');
    // before: moved undefined, and B's files had new ids (A not walked: its rows not known gone)
    assert.equal(one.moved, 2, JSON.stringify(one));
    let now = await rows();
    for (const n of ['x.mp3', 'y.flac']) {
      const r = now.get(join(b, n));
      assert.ok(r, `${n} is in the library at its new path`);
      assert.equal(r.id, was.get(join(a, n))!.id, `${n} keeps its row`);
      assert.equal(r.folderId, folders.get(b), `${n} belongs to B now`);
      assert.equal(r.analysedAt, was.get(join(a, n))!.analysedAt, `${n} not analysed again`);
      assert.ok(!now.has(join(a, n)), `no row left at A/${n}`);
    }
    const all = await scan();
    assert.equal(all.state, 'finished');
    now = await rows();
    // before: the Rescan of all removed A's rows — the tracks' crates, cues, regions and chat with them
    for (const n of ['x.mp3', 'y.flac']) await keepsItsThings(now.get(join(b, n))!, n);
    assert.deepEqual([...now.keys()].sort(), [join(a, 'deleted.mp3'), join(a, 'z.mp3'), join(b, 'x.mp3'), join(b, 'y.flac')]);
  });

  test('moved onto a drive that is then unplugged: kept while it is not there, followed once it is; a deleted file leaves', async () => {
    const was = await rows();
    run('mv', join(a, 'z.mp3'), join(drive, 'z.mp3'));
    rmSync(join(a, 'deleted.mp3'));
    // unplugged: the library folder is not there
    run('mv', drive, `${drive}-unplugged`);
    const away = await scan();
    assert.equal(away.state, 'finished');
    let now = await rows();
    // before: both rows removed (z's crates, cues and chat lost with the deleted file's)
    assert.equal(now.get(join(a, 'z.mp3'))?.id, was.get(join(a, 'z.mp3'))!.id, 'z.mp3 keeps its row while the drive is away');
    assert.ok(now.has(join(a, 'deleted.mp3')), 'so does the deleted file: the scan cannot tell it from one moved onto the drive');
    const note = away.problems.find((p) => p.path === drive);
    assert.equal(note?.kind, 'folder-missing', JSON.stringify(away.problems));
    assert.match(note.message, /2 files gone from the library's folders keep their rows .*this library folder is not there, and they may have moved onto it/);
    // plugged in again
    run('mv', `${drive}-unplugged`, drive);
    const back = await scan();
    assert.equal(back.moved, 1, JSON.stringify(back));
    now = await rows();
    const z = now.get(join(drive, 'z.mp3'));
    assert.equal(z?.id, was.get(join(a, 'z.mp3'))!.id, 'z.mp3 followed onto the drive');
    await keepsItsThings(z, 'z.mp3');
    assert.ok(!now.has(join(a, 'deleted.mp3')), 'with every folder there, the deleted file left the library');
    assert.ok(!back.problems.some((p) => p.kind === 'folder-missing'), JSON.stringify(back.problems));
    assert.deepEqual([...now.keys()].sort(), [join(b, 'x.mp3'), join(b, 'y.flac'), join(drive, 'z.mp3')]);
  });
});

describe('`studio analyze --data-dir` follows a file moved between the folders it is given and drops a deleted one, as a Rescan does (rescan39)', { timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'rs-moved-between-cli-'));
  const a = join(root, 'A');
  const b = join(root, 'B');
  const dataDir = join(root, 'data');
  after(() => rmSync(root, { recursive: true, force: true }));

  const analyze = (folder: string) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'analyze', folder, '--data-dir', dataDir, '--json'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    return { paths: r.stdout.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { path: string }).path), stderr: r.stderr };
  };
  const idByPath = () => {
    const d = new Database(join(dataDir, 'studio.sqlite'), { readonly: true });
    try {
      return new Map((d.prepare('SELECT path, id FROM tracks WHERE lib_status IS NOT NULL').all() as { path: string; id: string }[]).map((r) => [r.path, r.id]));
    } finally {
      d.close();
    }
  };

  test('B/ after a move from A/ keeps the row; A/ after a delete no longer lists the deleted file', () => {
    mkdirSync(a, { recursive: true });
    mkdirSync(b, { recursive: true });
    lameMp3(join(a, 'x.mp3'), 2);
    lameMp3(join(a, 'deleted.mp3'), 5);
    analyze(a);
    const before = idByPath();
    assert.equal(before.size, 2);
    run('mv', join(a, 'x.mp3'), join(b, 'x.mp3'));
    const inB = analyze(b);
    // before: a new id for B/x.mp3, and A/x.mp3's row kept beside it
    assert.equal(idByPath().get(join(b, 'x.mp3')), before.get(join(a, 'x.mp3')));
    assert.ok(!idByPath().has(join(a, 'x.mp3')));
    assert.deepEqual(inB.paths, [join(b, 'x.mp3')]);
    assert.match(inB.stderr, /1 file followed as moved or renamed/);
    rmSync(join(a, 'deleted.mp3'));
    const inA = analyze(a);
    // before: the run listed A/deleted.mp3 with its old analysis (the row stayed) and exited 0
    assert.deepEqual(inA.paths, []);
    assert.deepEqual([...idByPath().keys()], [join(b, 'x.mp3')]);
  });
});

describe('two `cp -p` copies renamed in one scan keep their own rows: the move match prefers the file\'s inode (rescan39, migration 19)', { timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'rs-moved-dups-'));
  const music = join(root, 'Music');
  const dataDir = join(root, 'data');
  let engine: EngineHost;
  after(async () => {
    await engine?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('names swapped into a subfolder: each row follows its own file, not the name', { skip: process.platform !== 'linux' && 'inode identities are recorded on Linux only' }, async () => {
    mkdirSync(join(music, 'sub'), { recursive: true });
    lameMp3(join(music, 'one.mp3'), 6);
    run('cp', '-p', join(music, 'one.mp3'), join(music, 'two.mp3'));
    ({ engine } = await startTestEngine({ dataDir, env: { STUDIO_LIBRARY_BACKGROUND: '0' } }));
    await engine.call('library:add-folder', { path: music });
    await engine.call('library:idle', {});
    const rows = async () => new Map((await engine.call('library:query', { offset: 0, limit: 100 })).rows.map((r) => [r.path, r]));
    const first = await rows();
    const one = first.get(join(music, 'one.mp3'))!.id;
    const two = first.get(join(music, 'two.mp3'))!.id;
    // told apart by their cues
    await engine.call('marks:set-cue', { trackId: one, slot: 1, timeSec: 1 });
    await engine.call('marks:set-cue', { trackId: two, slot: 2, timeSec: 2 });
    // one.mp3 becomes sub/two.mp3 and two.mp3 becomes sub/one.mp3: by the path rule each would take the other's row
    run('mv', join(music, 'one.mp3'), join(music, 'sub', 'two.mp3'));
    run('mv', join(music, 'two.mp3'), join(music, 'sub', 'one.mp3'));
    await engine.call('library:scan', {});
    await engine.call('library:idle', {});
    const end = await engine.call('library:scan-state', {});
    assert.equal(end.moved, 2, JSON.stringify(end));
    const now = await rows();
    // before: sub/two.mp3 had two.mp3's row (its cue in slot 2) — the rows swapped files
    assert.equal(now.get(join(music, 'sub', 'two.mp3'))?.id, one, 'the file that was one.mp3 keeps its row');
    assert.equal(now.get(join(music, 'sub', 'one.mp3'))?.id, two, 'the file that was two.mp3 keeps its row');
    assert.deepEqual((await engine.call('marks:list', { trackId: one })).cues.map((c) => c.slot), [1]);
  });
});
