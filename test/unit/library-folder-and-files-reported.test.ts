// The watcher's paths phase (library/job.ts pathsPhase) when a folder is copied into a library folder: one debounced
// batch holds the new folder AND the files in it (inotify reports each). The folder was walked, and each of its files
// was then looked at again on its own: a text file beside the songs was counted and listed twice ("2 files skipped:
// 2 not audio (.txt file)", its path twice — tester26, copying an album folder with its info.txt), and every file
// was sniffed a second time. Runs the scanner in this process on a real folder (no engine, no watcher: the batch is
// handed to enqueuePaths as the watcher would).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ScanState } from '@contract';
import type { EngineContext } from '../../main/engine/context';
import { openDb } from '../../main/engine/db';
import { LibraryScanner } from '../../main/engine/library/job';
import type { Analyse } from '../../main/engine/library/pool';
import { LibraryStore } from '../../main/engine/library/store';
import { toneFile } from '../helpers/media';

const dir = mkdtempSync(join(tmpdir(), 'rs-folder-and-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const order of ['folder first', 'files first'] as const) {
  test(`a folder copied in, reported with its files (${order}): each file looked at once`, async () => {
    const root = join(dir, order.replace(' ', '-'));
    const album = join(root, 'Album');
    const sub = join(album, 'CD2');
    mkdirSync(sub, { recursive: true });
    const song = join(album, 'one.mp3');
    const song2 = join(sub, 'two.mp3');
    const info = join(album, 'info.txt');
    copyFileSync(toneFile('folder-and-files.mp3', 3), song);
    copyFileSync(toneFile('folder-and-files.mp3', 3), song2);
    writeFileSync(info, 'ripped with EAC\n');
    const db = openDb(join(root, 'data'));
    const store = new LibraryStore(db);
    store.addFolder(root, []);
    const analysed: string[] = [];
    const pool = (): Analyse => ({ size: 1, run: async (req) => (analysed.push(req.path), Promise.reject(new Error('not analysed here'))), close: async () => undefined });
    const states: ScanState[] = [];
    const emit = (name: string, payload: unknown) => name === 'library:scan-state' && states.push(payload as ScanState);
    const ctx = { db, dataDir: join(root, 'data'), cacheDir: join(root, 'data'), emit } as unknown as EngineContext;
    const scanner = new LibraryScanner(ctx, store, pool, false);

    // what inotify reports for `cp -r Album root/`: the folder, its subfolder and every file in them
    const batch = order === 'folder first' ? [album, sub, info, song, song2] : [info, song, song2, sub, album];
    scanner.enqueuePaths(batch);
    await scanner.whenIdle();

    const last = states.at(-1);
    assert.ok(last, 'a scan state was sent');
    assert.deepEqual(last.skipped?.files.map((s) => s.path), [info], 'the text file listed once');
    assert.equal(last.skipped?.count, 1, 'and counted once');
    assert.deepEqual(analysed.sort(), [song, song2].sort(), 'each song analysed once');
    assert.equal(last.total, 2, 'two files in the scan');
    db.close();
  });
}
