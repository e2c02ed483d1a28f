// Tracks.checkedPath: a file deleted between its realpath and its stat (suite20's race in file-gone-issue12: deleted
// just as the waveform started) is said the same way as one already gone — "was deleted or moved since it was
// opened" — not with probe.ts's NOT_FOUND text ('"…" does not exist (…). It may have been moved or deleted.').
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { StudioError } from '@contract';
import type { EngineContext } from '../../main/engine/context';
import { openDb } from '../../main/engine/db';
import { TracksRepo } from '../../main/engine/db/tracks';
import { Tracks } from '../../main/engine/media/tracks';
import { statMediaFile } from '../../main/engine/media/probe';

test('checkedPath: a file gone between realpath and stat says "was deleted or moved since it was opened", and emits file-gone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'checked-path-'));
  const db = openDb(dir);
  const events: { name: string; message: string }[] = [];
  const ctx = { db, dataDir: dir, cacheDir: dir, mode: 'web', version: 't', startedAt: 0, restarts: 0, emit: (name: string, p: { message: string }) => events.push({ name, message: p.message }) } as unknown as EngineContext;
  const path = join(dir, 'song.flac');
  new TracksRepo(db).insertOpened('t1', path, path, 10, 1, 'audio', JSON.stringify({ path, tags: {}, streams: [], warnings: [] }), 1);
  // realpath still finds the file; the stat (statMediaFile on a path that is gone) then fails as probe.ts says it
  let present = true;
  const tracks = new Tracks(ctx, {
    realpath: async (p) => {
      if (!present) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      present = false; // deleted right after
      return p;
    },
    statMediaFile,
  });
  await assert.rejects(tracks.checkedPath('t1'), (e: unknown) => {
    assert.ok(e instanceof StudioError);
    assert.equal(e.code, 'FILE_CHANGED');
    assert.equal(e.message, '"song.flac" was deleted or moved since it was opened.');
    return true;
  });
  assert.deepEqual(events, [{ name: 'media:file-gone', message: '"song.flac" was deleted or moved since it was opened.' }]);
  // deleted between the stat and its open (statMediaFile's UNREADABLE "cannot be read: ENOENT…"): the same words
  present = true;
  const tracks2 = new Tracks(ctx, {
    realpath: async (p) => {
      if (!present) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return p;
    },
    statMediaFile: async (p) => {
      present = false;
      throw new StudioError('UNREADABLE', `"${p}" cannot be read: ENOENT: no such file or directory.`);
    },
  });
  await assert.rejects(tracks2.checkedPath('t1'), /was deleted or moved since it was opened/);
  // a file that is there but unreadable keeps statMediaFile's own words
  const tracks3 = new Tracks(ctx, {
    realpath: async (p) => p,
    statMediaFile: async () => {
      throw new StudioError('UNREADABLE', '"song.flac" cannot be read: permission denied.');
    },
  });
  await assert.rejects(tracks3.checkedPath('t1'), /cannot be read: permission denied/);
  tracks.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('statMediaFile: a file gone between its stat and its open is NOT_FOUND, as a stat says it (ci43: "cannot be read: ENOENT …, open" reached the waveform instead of "deleted or moved since it was opened")', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stat-open-'));
  const path = join(dir, 'song.flac');
  writeFileSync(path, 'x');
  // the file is there for the stat; the open then finds it gone (deleted in between), or not permitted
  const fsp = createRequire(import.meta.url)('node:fs/promises') as typeof import('node:fs/promises');
  let code = 'ENOENT';
  t.mock.method(fsp, 'open', async (p: string) => {
    throw Object.assign(new Error(`${code}: open '${p}'`), { code });
  });
  syncBuiltinESMExports();
  try {
    await assert.rejects(statMediaFile(path), (e: unknown) => e instanceof StudioError && e.code === 'NOT_FOUND' && /"song\.flac" does not exist/.test(e.message));
    code = 'EACCES';
    await assert.rejects(statMediaFile(path), (e: unknown) => e instanceof StudioError && e.code === 'UNREADABLE' && /permission denied/.test(e.message));
  } finally {
    t.mock.restoreAll();
    syncBuiltinESMExports();
    rmSync(dir, { recursive: true, force: true });
  }
});
