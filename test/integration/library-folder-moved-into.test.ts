// A whole library folder moved INTO another library folder while the studio watches both (left16, a tester's leftover).
// Before: the watcher took folder A for missing (session 15 keeps a missing folder's rows, so an unplugged drive does
// not lose its analyses), kept A's rows under the old, missing path, and analysed the same files anew as new rows of
// B — the chats and hot cues stayed on the old rows. Expected: the rows follow their files (the watcher's move
// detection: size + mtime), keeping their ids, analyses, cues; nothing analysed again. Needs `npm run build`.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EngineHost } from '../../main/engine-host';
import { startTestEngine, until } from '../helpers/engine';
import { toneFile } from '../helpers/media';

describe('a library folder moved into another library folder (left16)', () => {
  let engine: EngineHost;
  let tmp: string;
  let a: string;
  let b: string;
  let aId: string;
  let bId: string;
  type Row = { id: string; path: string; folderId: string | null; analysedAt: number | null; status: string };
  const rows = async (): Promise<Row[]> =>
    (await engine.call('library:query', { offset: 0, limit: 100 })).rows
      .map((r) => ({ id: r.id, path: r.path, folderId: r.folderId, analysedAt: r.analysedAt, status: r.status }))
      .sort((x, y) => x.path.localeCompare(y.path));

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rs-folder-into-'));
    a = join(tmp, 'A');
    b = join(tmp, 'B');
    mkdirSync(join(a, 'sub'), { recursive: true });
    mkdirSync(b);
    copyFileSync(toneFile('folder-into-1.mp3', 3), join(a, 'one.mp3'));
    copyFileSync(toneFile('folder-into-2.mp3', 4), join(a, 'sub', 'two.mp3'));
    copyFileSync(toneFile('folder-into-3.mp3', 2), join(b, 'three.mp3'));
    ({ engine } = await startTestEngine());
    aId = (await engine.call('library:add-folder', { path: a })).id;
    bId = (await engine.call('library:add-folder', { path: b })).id;
    await engine.call('library:idle', {});
  });
  after(async () => {
    await engine?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('moved A → B/A: the rows follow the files with their ids, analyses and cues; nothing is analysed again', async () => {
    const before = await rows();
    assert.equal(before.length, 3);
    assert.ok(before.every((r) => r.status === 'analysed'), JSON.stringify(before));
    const one = before.find((r) => r.path === join(a, 'one.mp3'))!;
    await engine.call('marks:set-cue', { trackId: one.id, slot: 1, timeSec: 1.5 });

    renameSync(a, join(b, 'A'));
    // the watcher sees it (no scan is asked for): A reads missing
    await until('folder A to read missing', async () => {
      await engine.call('library:idle', {});
      const f = (await engine.call('library:list-folders', {})).find((x) => x.id === aId)!;
      return f.status === 'missing' || undefined;
    }, 30_000);
    await engine.call('library:idle', {});
    const after = await rows();
    const want = before
      .map((r) => r.path.startsWith(a + '/') ? { ...r, path: join(b, 'A', r.path.slice(a.length + 1)), folderId: bId } : r)
      .sort((x, y) => x.path.localeCompare(y.path));
    assert.deepEqual(after, want, 'the same rows (ids, analysis times) at the new paths, in folder B; none left under A, none new');
    const marks = await engine.call('marks:list', { trackId: one.id });
    assert.deepEqual(marks.cues.map((c) => [c.slot, c.timeSec]), [[1, 1.5]], 'its hot cue stays with it');
    const state = await engine.call('library:scan-state', {});
    assert.ok(state.problems.some((p) => p.path === a && p.kind === 'folder-missing'), JSON.stringify(state.problems));
  });
});
