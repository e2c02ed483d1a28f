// A file the scan could not find because it was renamed under it (tester14): the scan recorded
// 'failed: "t4.flac" does not exist', the watcher then moved that row to the new name, and the
// row stayed failed there with the stale reason — a Rescan kept it so too (an unchanged file
// that failed is not retried), so the track could never be analysed without touching the file.
// The race itself is timing; here the state it leaves is written into the database directly.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { LibraryTrack } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { startTestEngine } from '../helpers/engine';
import { media } from '../helpers/media';

describe('library: a row that failed as NOT_FOUND is analysed once its file is there', { timeout: 240_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'rs-stale-'));
  const tree = join(root, 'music');
  let engine: EngineHost;
  let dataDir: string;
  const rows = async (): Promise<LibraryTrack[]> => (await engine.call('library:query', { offset: 0, limit: 100 })).rows;
  /** the state the race leaves: the row failed because its file was not there when the scan tried it */
  const failAsNotFound = (path: string) => {
    const db = new Database(join(dataDir, 'studio.sqlite'));
    db.pragma('busy_timeout = 5000');
    const n = db.prepare(`UPDATE tracks SET lib_status = 'failed', lib_error_code = 'NOT_FOUND', lib_error = ? WHERE path = ?`).run(`"t4.flac" does not exist (${path}). It may have been moved or deleted.`, path).changes;
    db.close();
    assert.equal(n, 1);
  };

  before(async () => {
    mkdirSync(tree, { recursive: true });
    copyFileSync(media('stale-click-8s.flac', ['-f', 'lavfi', '-i', "aevalsrc='if(lt(mod(t,0.5),0.03),sin(2*PI*80*t)*0.9,0)':s=44100:d=8", '-ac', '2']), join(tree, 't4.flac'));
    ({ engine, dataDir } = await startTestEngine());
    await engine.call('library:add-folder', { path: tree });
    await engine.call('library:idle', {});
    assert.deepEqual((await rows()).map((r) => [r.fileName, r.status]), [['t4.flac', 'analysed']]);
  });
  after(async () => {
    await engine?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('a Rescan analyses it (NOT_FOUND is no lasting reason for a file that is there)', async () => {
    failAsNotFound(join(tree, 't4.flac'));
    await engine.call('library:scan', {});
    await engine.call('library:idle', {});
    const r = (await rows())[0];
    assert.equal(r.status, 'analysed', r.error ?? '');
    assert.equal(r.error, null);
  });

  test('the watcher moving such a row to the file\'s new name analyses it there, without a Rescan', async () => {
    failAsNotFound(join(tree, 't4.flac'));
    renameSync(join(tree, 't4.flac'), join(tree, 'renamed4.flac'));
    for (let i = 0; ; i++) {
      const r = (await rows())[0];
      if (r?.fileName === 'renamed4.flac' && r.status !== 'pending') {
        await engine.call('library:idle', {});
        break;
      }
      if (i > 2400) assert.fail(`the row never moved: ${JSON.stringify(r)}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    const r = (await rows())[0];
    assert.deepEqual([r.fileName, r.status, r.error], ['renamed4.flac', 'analysed', null]);
  });
});
