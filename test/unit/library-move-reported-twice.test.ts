// The watcher's paths phase (library/job.ts pathsPhase) when a moved file's old place is reported twice: the file
// itself AND the folder it was in (moved out of "old/", then "old/" deleted — one debounced batch holds both). Each
// vanished path looked up its rows anew, so the row came twice (two objects, one id); the move matched one, and the
// other still put the id into `gone`: the row just moved to its new path was removed, its analysis with it. Runs the
// scanner in this process on a real folder (no engine, no watcher: the batch is handed to enqueuePaths as the
// watcher would), so the batch is exactly the one that loses the row.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EngineContext } from '../../main/engine/context';
import { openDb } from '../../main/engine/db';
import { libraryVersions, versionsKey, type LibraryAnalysis } from '../../main/engine/library/analyse';
import { LibraryScanner } from '../../main/engine/library/job';
import type { Analyse } from '../../main/engine/library/pool';
import { LibraryStore } from '../../main/engine/library/store';
import { toneFile } from '../helpers/media';

const dir = mkdtempSync(join(tmpdir(), 'rs-move-twice-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function analysis(path: string, size: number, mtimeMs: number): LibraryAnalysis {
  return {
    path, file: { size, mtimeMs }, durationSec: 3, container: 'mp3',
    source: { container: 'mp3', durationSec: 3, durationEstimated: false, bitrateKbps: 128, streams: [{ index: 0, type: 'audio', codec: 'mp3', sampleRate: 44100, channels: 2 }], metadata: {} },
    bitrateKbps: 128, warnings: [], tags: { title: 'T' }, hasCoverArt: false,
    results: { tempo: { bpm: 123, confidence: 0.8, beats: [0.5, 1] } },
    versions: libraryVersions(),
  };
}

for (const order of ['folder first', 'file first'] as const) {
  test(`a file moved out of a folder that is then deleted (${order}): its row follows it, same id, analysis kept`, async () => {
    const root = join(dir, order.replace(' ', '-'));
    const oldDir = join(root, 'old');
    const newDir = join(root, 'new');
    mkdirSync(oldDir, { recursive: true });
    mkdirSync(newDir, { recursive: true });
    const oldPath = join(oldDir, 'one.mp3');
    const newPath = join(newDir, 'one.mp3');
    copyFileSync(toneFile('move-twice.mp3', 3), oldPath);
    const db = openDb(join(root, 'data'));
    const store = new LibraryStore(db);
    const folder = store.addFolder(root, []);
    const st = statSync(oldPath);
    const id = store.write(() => store.markPending(oldPath, folder.id, st.size, st.mtimeMs)).id;
    store.recordResult(id, analysis(oldPath, st.size, st.mtimeMs), versionsKey(libraryVersions()));
    const analysed: string[] = [];
    const pool = (): Analyse => ({ size: 1, run: async (req) => (analysed.push(req.path), Promise.reject(new Error('no analysis expected'))), close: async () => undefined });
    const ctx = { db, dataDir: join(root, 'data'), cacheDir: join(root, 'data'), emit: () => undefined } as unknown as EngineContext;
    const scanner = new LibraryScanner(ctx, store, pool, false);

    renameSync(oldPath, newPath);
    rmSync(oldDir, { recursive: true });
    scanner.enqueuePaths(order === 'folder first' ? [oldDir, oldPath, newPath] : [oldPath, oldDir, newPath]);
    await scanner.whenIdle();

    const rows = [...store.rowsByPath().values()].filter((r) => r.lib_status);
    assert.deepEqual(rows.map((r) => [r.id, r.path, r.lib_status]), [[id, newPath, 'analysed']], 'the one row, moved, not removed');
    assert.deepEqual(db.prepare('SELECT bpm, lib_status FROM tracks WHERE id = ?').get(id), { bpm: 123, lib_status: 'analysed' }, 'its analysis kept');
    assert.deepEqual(analysed, [], 'nothing analysed again');
    db.close();
  });
}
