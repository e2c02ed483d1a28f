// A Rescan follows a file renamed or moved as the folder watcher and the start-up catch-up do (rescan38). Before, a
// Rescan (`library:scan`, job.ts walkPhase) removed each folder's gone rows as it walked it and took a renamed file for
// a new one: the file got a NEW row id, and the old row's crates, hot cues, named regions and chat were no longer the
// track's; lib_moved_from never got the old name (so Import playlist could not follow it). Now walkPhase walks every
// chosen folder, then matches a gone row to a new file by size and mtime (matchMoves, the watcher's and catch-up's
// one code), and the scan's state counts the moves (ScanState.moved). Files moved with `mv`, tagged with mid3v2,
// copied with `cp -p`; an engine with no watcher and no catch-up (STUDIO_LIBRARY_BACKGROUND=0), so only the Rescan can
// have matched. The CLI (`studio analyze --data-dir DIR FOLDER` run again after a rename) is checked the same way.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/integration/library-rescan-moves.test.ts
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { LibraryTrack, ScanState } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { storedThread } from '../helpers/chat-thread';
import { startTestEngine } from '../helpers/engine';
import { ROOT, toneFile } from '../helpers/media';
import type { Studio } from '../helpers/studio';

/** the track's earlier paths as the database keeps them (lib_moved_from, newest first) */
function movedFrom(dataDir: string, id: string): string[] {
  const d = new Database(join(dataDir, 'studio.sqlite'), { readonly: true });
  try {
    const r = d.prepare('SELECT lib_moved_from FROM tracks WHERE id = ?').get(id) as { lib_moved_from: string | null } | undefined;
    return r?.lib_moved_from ? (JSON.parse(r.lib_moved_from) as string[]) : [];
  } finally {
    d.close();
  }
}

const mv = (from: string, to: string) => execFileSync('mv', [from, to]);

describe('a Rescan follows renamed and moved files (rescan38)', { timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'rs-rescan-moves-'));
  const music = join(root, 'Music');
  const other = join(root, 'Other');
  const dataDir = join(root, 'data');
  let engine: EngineHost;
  /** the rows after the first scan, by file name */
  let first = new Map<string, LibraryTrack>();
  const rows = async () => new Map((await engine.call('library:query', { offset: 0, limit: 100 })).rows.map((r) => [r.fileName, r]));

  before(async () => {
    mkdirSync(join(music, 'Sub'), { recursive: true });
    mkdirSync(other, { recursive: true });
    // each its own length (a move is told by size and mtime), but the duplicates: the same bytes and mtime (cp -p)
    copyFileSync(toneFile('rescan-moves-2s.mp3', 2), join(music, 'rename.mp3'));
    copyFileSync(toneFile('rescan-moves-3s.mp3', 3), join(music, 'sibling.mp3'));
    copyFileSync(toneFile('rescan-moves-4s.mp3', 4), join(music, 'across.mp3'));
    copyFileSync(toneFile('rescan-moves-5s.mp3', 5), join(music, 'edited.mp3'));
    copyFileSync(toneFile('rescan-moves-6s.mp3', 6), join(music, 'dup1.mp3'));
    execFileSync('cp', ['-p', join(music, 'dup1.mp3'), join(music, 'dup2.mp3')]);
    ({ engine } = await startTestEngine({ dataDir, env: { STUDIO_LIBRARY_BACKGROUND: '0' } }));
    await engine.call('library:add-folder', { path: music });
    await engine.call('library:add-folder', { path: other });
    await engine.call('library:idle', {});
    first = await rows();
    assert.deepEqual([...first.values()].map((r) => `${r.fileName}:${r.status}`).sort(), ['across.mp3:analysed', 'dup1.mp3:analysed', 'dup2.mp3:analysed', 'edited.mp3:analysed', 'rename.mp3:analysed', 'sibling.mp3:analysed']);
  });
  after(async () => {
    await engine?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('renamed, moved into a sibling folder, moved into another library folder: each keeps its row, crates, cues, regions and chat; a moved AND changed file does not; a renamed duplicate keeps its own row', async () => {
    const crate = await engine.call('crates:create', { name: 'Set' });
    const ids = (names: string[]) => names.map((n) => first.get(n)!.id);
    await engine.call('crates:add-tracks', { crateId: crate.id, trackIds: ids(['rename.mp3', 'sibling.mp3', 'across.mp3', 'edited.mp3', 'dup2.mp3']) });
    for (const n of ['rename.mp3', 'sibling.mp3', 'across.mp3', 'edited.mp3', 'dup2.mp3']) {
      await engine.call('marks:set-cue', { trackId: first.get(n)!.id, slot: 3, timeSec: 1.25 });
      await engine.call('marks:save-region', { trackId: first.get(n)!.id, name: `drop of ${n}`, startSec: 0.5, endSec: 1.5 });
    }
    const chatOf = (n: string) => storedThread({ serve: { dataDir } } as Studio, () => first.get(n)!.id).insert('user', `What key is ${n} in?`, { attachments: { audio: {}, image: null, video: false } });
    for (const n of ['rename.mp3', 'across.mp3', 'edited.mp3']) chatOf(n);

    mv(join(music, 'rename.mp3'), join(music, 'renamed.mp3'));
    mv(join(music, 'sibling.mp3'), join(music, 'Sub', 'sibling-moved.mp3'));
    mv(join(music, 'across.mp3'), join(other, 'across.mp3'));
    mv(join(music, 'edited.mp3'), join(music, 'edited-new.mp3'));
    execFileSync('mid3v2', ['--artist', 'Retagged After The Move', join(music, 'edited-new.mp3')]);
    mv(join(music, 'dup2.mp3'), join(music, 'dup2-renamed.mp3'));

    const started = await engine.call('library:scan', {});
    await engine.call('library:idle', {});
    const end: ScanState = await engine.call('library:scan-state', {});
    assert.equal(end.jobId, started.jobId);
    assert.equal(end.state, 'finished');

    const now = await rows();
    assert.deepEqual([...now.keys()].sort(), ['across.mp3', 'dup1.mp3', 'dup2-renamed.mp3', 'edited-new.mp3', 'renamed.mp3', 'sibling-moved.mp3']);
    const followed: [string, string, string][] = [
      ['rename.mp3', 'renamed.mp3', join(music, 'renamed.mp3')],
      ['sibling.mp3', 'sibling-moved.mp3', join(music, 'Sub', 'sibling-moved.mp3')],
      ['across.mp3', 'across.mp3', join(other, 'across.mp3')],
      ['dup2.mp3', 'dup2-renamed.mp3', join(music, 'dup2-renamed.mp3')],
    ];
    const crateIds = new Set((await engine.call('library:query', { filter: { crateId: crate.id }, offset: 0, limit: 100 })).rows.map((r) => r.id));
    for (const [was, is, path] of followed) {
      const r = now.get(is)!;
      assert.equal(r.id, first.get(was)!.id, `${is} keeps the row of ${was}`);
      assert.equal(r.path, path);
      assert.equal(r.analysedAt, first.get(was)!.analysedAt, `${is} not analysed again`);
      assert.ok(crateIds.has(r.id), `${is} still in the crate`);
      const marks = await engine.call('marks:list', { trackId: r.id });
      assert.deepEqual(marks.cues.map((c) => [c.slot, c.timeSec]), [[3, 1.25]], `${is}'s hot cue`);
      assert.deepEqual(marks.regions.map((g) => g.name), [`drop of ${was}`], `${is}'s region`);
      assert.equal(movedFrom(dataDir, r.id)[0], join(music, was), `${is}'s old path recorded first in lib_moved_from`);
    }
    assert.equal(now.get('across.mp3')!.folderId, (await engine.call('library:list-folders', {})).find((f) => f.path === other)!.id, 'the row belongs to the folder it moved into');
    for (const n of ['renamed.mp3', 'across.mp3']) assert.equal((await engine.call('chat:get-thread', { trackId: now.get(n)!.id })).length, 1, `${n}'s chat`);
    // the untouched duplicate keeps its own row: the renamed copy did not take it
    assert.equal(now.get('dup1.mp3')!.id, first.get('dup1.mp3')!.id);
    assert.equal(movedFrom(dataDir, now.get('dup1.mp3')!.id).length, 0);
    assert.ok(!crateIds.has(now.get('dup1.mp3')!.id), 'the untouched duplicate did not join the crate');
    // moved AND retagged (mid3v2: new bytes, new mtime): another file as far as size and mtime tell, a new row
    const edited = now.get('edited-new.mp3')!;
    assert.notEqual(edited.id, first.get('edited.mp3')!.id);
    assert.equal(edited.artist, 'Retagged After The Move');
    assert.ok(!crateIds.has(edited.id));
    assert.deepEqual(movedFrom(dataDir, edited.id), []);
    assert.equal(crateIds.size, 4, 'the crate lost only the changed file\'s row');
    // the scan says how many it followed (the scan bar, `studio analyze`)
    assert.equal(end.moved, 4, JSON.stringify(end));
    // every file found is one of the scan's: the four followed counted done (they were left out: 2 of 6)
    assert.deepEqual([end.total, end.done, end.failed], [6, 6, 0], JSON.stringify(end));
  });
});

describe('`studio analyze --data-dir` run again after a rename keeps the row (rescan38)', { timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'rs-rescan-moves-cli-'));
  const music = join(root, 'Music');
  const dataDir = join(root, 'data');
  after(() => rmSync(root, { recursive: true, force: true }));

  const analyze = () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'analyze', music, '--data-dir', dataDir, '--json'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    return { lines: r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string }), stderr: r.stderr };
  };
  const idByPath = () => {
    const d = new Database(join(dataDir, 'studio.sqlite'), { readonly: true });
    try {
      return new Map((d.prepare('SELECT path, id FROM tracks WHERE lib_status IS NOT NULL').all() as { path: string; id: string }[]).map((r) => [r.path, r.id]));
    } finally {
      d.close();
    }
  };

  test('the renamed file keeps its id, its old name recorded; the run says it followed one file', () => {
    mkdirSync(music, { recursive: true });
    copyFileSync(toneFile('rescan-moves-2s.mp3', 2), join(music, 'a.mp3'));
    analyze();
    const before = idByPath();
    assert.equal(before.size, 1);
    mv(join(music, 'a.mp3'), join(music, 'b.mp3'));
    const again = analyze();
    const now = idByPath();
    // before: b.mp3 a new id, and a.mp3's row left behind in the library at a path that is gone
    assert.deepEqual([...now.keys()], [join(music, 'b.mp3')]);
    assert.equal(now.get(join(music, 'b.mp3')), before.get(join(music, 'a.mp3')));
    assert.deepEqual(movedFrom(dataDir, now.get(join(music, 'b.mp3'))!), [join(music, 'a.mp3')]);
    assert.deepEqual(again.lines.map((l) => l.path), [join(music, 'b.mp3')]);
    assert.match(again.stderr, /1 file followed as moved or renamed/);
  });
});
