// Write tags… and the library's file identity (tracks.lib_file_id, migration 19: "DEV:INO", what the move match
// prefers among rows of equal size and mtime, job.ts moveMatch). The write renames a copy over the file: another
// inode. Before lib40 setRetagged recorded the new size and mtime but kept the old file's identity, so until the next
// scan a move match read a stale inode for the row (and a Rescan then rewrote it). With no folder watcher (as
// `studio tags write` runs, STUDIO_LIBRARY_BACKGROUND=0: no watcher job follows the write to record it) the row now
// holds the new file's identity the moment the write lands. The file is LAME's MP3 (ffmpeg libmp3lame).
// Run: npm run build && node tools/run-tests.mjs test/integration/tag-write-file-id-lib40.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { EngineHost } from '../../main/engine-host';
import { startTestEngine } from '../helpers/engine';

/** 8 s of a 124 BPM click over an A minor triad (a tempo and a key to write) */
const TONE = "aevalsrc='if(lt(mod(t,0.483871),0.03),0.7*sin(2*PI*1000*t),0)+0.05*(sin(2*PI*220*t)+sin(2*PI*261.63*t)+sin(2*PI*329.63*t))':s=44100:d=8";

describe('Write tags records the new file identity', { timeout: 240_000 }, () => {
  let engine: EngineHost | undefined;
  let tmp: string;
  let dataDir: string;
  let music: string;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rs-tag-write-file-id-'));
    music = join(tmp, 'Music');
    mkdirSync(music, { recursive: true });
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', TONE, '-c:a', 'libmp3lame', '-b:a', '128k', join(music, 'one.mp3')]);
    ({ engine, dataDir } = await startTestEngine({ env: { STUDIO_LIBRARY_BACKGROUND: '0', STUDIO_ANALYSIS_WORKERS: '1' } }));
  });
  after(async () => {
    await engine?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test("the row's lib_file_id is the rewritten file's DEV:INO as soon as the write returns", async () => {
    const e = engine!;
    await e.call('library:add-folder', { path: music });
    await e.call('library:idle', {});
    const file = join(music, 'one.mp3');
    const { rows } = await e.call('library:query', { offset: 0, limit: 10 });
    const one = rows.find((r) => r.fileName === 'one.mp3')!;
    assert.equal(one.status, 'analysed', one.error ?? '');
    const db = new Database(join(dataDir, 'studio.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const fileId = () => (db.prepare('SELECT lib_file_id AS f FROM tracks WHERE id = ?').get(one.id) as { f: string | null }).f;
      const old = statSync(file);
      // the scan recorded the file's own identity (this test's folder is on a file system that keeps inode numbers)
      assert.equal(fileId(), `${old.dev}:${old.ino}`, 'the scan recorded the identity (else this file system keeps none and the test proves nothing)');
      await e.call('library:write-tags', { trackId: one.id, keyNotation: 'camelot', bpm: true, key: true });
      const now = statSync(file);
      assert.notEqual(now.ino, old.ino, 'the write replaced the file (another inode)');
      assert.equal(fileId(), `${now.dev}:${now.ino}`, 'the row holds the new file identity, not the replaced one');
    } finally {
      db.close();
    }
  });
});
