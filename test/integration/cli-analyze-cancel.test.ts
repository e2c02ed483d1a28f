import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { ROOT, media } from '../helpers/media';
import { ctrlCTwice } from '../helpers/signals';

/**
 * Ctrl+C during `studio analyze` (tester14): the scan is cancelled, and what
 * was not analysed must say so. It printed every file not reached as if it had
 * been analysed and nothing was found ("duration ?", "tempo none (no tempo
 * found)"; with --json `error: null` and every field null) and said nothing on
 * stderr, so a script took them for analysed tracks without tempo or key.
 */

const FILES = 12;

/** a folder of FILES distinct 30 s click tracks (copies would be one row each anyway: distinct paths) */
function folder(): string {
  const src = media('cancel-click-30s.flac', ['-f', 'lavfi', '-i', `aevalsrc='if(lt(mod(t,0.5),0.03),sin(2*PI*80*t)*0.9,0)+0.05*sin(2*PI*330*t)':s=44100:d=30`, '-ac', '2']);
  const dir = mkdtempSync(join(tmpdir(), 'rs-cancel-'));
  mkdirSync(join(dir, 'music'));
  for (let i = 0; i < FILES; i++) copyFileSync(src, join(dir, 'music', `track ${String(i).padStart(2, '0')}.flac`));
  return dir;
}

/** resolves once the library database at `db` holds at least one analysed row (the scan is under way); polls the file, not the clock's idea of progress */
async function firstAnalysed(db: string, exited: () => boolean): Promise<void> {
  for (;;) {
    if (exited()) throw new Error('studio analyze ended before any file was analysed');
    if (existsSync(db)) {
      try {
        const d = new Database(db, { readonly: true, fileMustExist: true });
        try {
          const n = (d.prepare("SELECT COUNT(*) AS n FROM tracks WHERE lib_status = 'analysed'").get() as { n: number }).n;
          if (n > 0) return;
        } finally {
          d.close();
        }
      } catch {
        // not migrated yet
      }
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const json of [true, false]) {
  test(`Ctrl+C during studio analyze${json ? ' --json' : ''}: files not reached are reported as not analysed (cancelled), stderr says so, exit 130 (lock39: 1, as if a file had failed)`, { timeout: 180_000 }, async () => {
    const dir = folder();
    const db = join(dir, 'lib.sqlite');
    try {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'analyze', join(dir, 'music'), '--db', db, ...(json ? ['--json'] : [])], {
        env: { ...process.env, STUDIO_DATA_DIR: join(dir, 'data') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const code = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      let done = false;
      void code.then(() => (done = true));
      await firstAnalysed(db, () => done);
      child.kill('SIGINT');
      assert.equal(await code, 130, err);
      const d = new Database(db, { readonly: true });
      const pending = (d.prepare("SELECT COUNT(*) AS n FROM tracks WHERE lib_status = 'pending'").get() as { n: number }).n;
      const analysed = (d.prepare("SELECT COUNT(*) AS n FROM tracks WHERE lib_status = 'analysed'").get() as { n: number }).n;
      d.close();
      assert.ok(pending > 0, `the scan ended before the Ctrl+C (${analysed} analysed): the test needs more files`);
      assert.match(err, /cancel/i, 'stderr says the analysis was cancelled');
      assert.match(err, new RegExp(`${analysed} of ${FILES}`), `stderr counts what was analysed: ${err}`);
      if (json) {
        const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { path: string; durationSec: number | null; error: string | null; code?: string });
        assert.equal(lines.length, FILES, out);
        const notDone = lines.filter((l) => l.durationSec === null);
        assert.equal(notDone.length, pending, out);
        for (const l of notDone) {
          assert.match(l.error ?? '', /not analysed.*cancel/i, `${l.path}: a file not reached must not read as analysed (error null): ${JSON.stringify(l)}`);
          assert.equal(l.code, 'CANCELLED');
        }
      } else {
        assert.equal((out.match(/not analysed \(cancelled/g) ?? []).length, pending, out);
        assert.doesNotMatch(out, /duration {4}\?/, 'no file reads as analysed with an unknown duration');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/**
 * lock39: a second Ctrl+C stopped `studio analyze` without --db at once, but left its throwaway data folder
 * (TMPDIR/studio-analyze-*: a database and a cache) behind for good: process.exit skipped the command's own cleanup.
 */
test('Ctrl+C twice during studio analyze without --db: "stopped", exit 130, its throwaway data folder removed', { timeout: 180_000 }, async () => {
  const dir = folder();
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  try {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'analyze', join(dir, 'music')], {
      env: { ...process.env, STUDIO_DATA_DIR: join(dir, 'data'), TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    let done = false;
    void code.then(() => (done = true));
    const throwaway = () => readdirSync(tmp).filter((n) => n.startsWith('studio-analyze-'));
    while (!throwaway().length && !done) await new Promise((r) => setTimeout(r, 25));
    assert.equal(throwaway().length, 1, `its throwaway data folder: ${readdirSync(tmp)}`);
    await firstAnalysed(join(tmp, throwaway()[0], 'studio.sqlite'), () => done);
    await ctrlCTwice(child.pid!);
    assert.equal(await code, 130, err);
    assert.match(err, /^studio: stopped\.$/m, err);
    assert.deepEqual(throwaway(), [], 'the throwaway data folder removed (was: left in the temporary folder)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const json of [true, false]) {
  test(`the database stops taking writes during studio analyze${json ? ' --json' : ''} (locked by another program; disk full reads the same way): the files not reached say why, not "cancelled" (tester15)`, { timeout: 180_000 }, async () => {
    const dir = folder();
    const db = join(dir, 'lib.sqlite');
    let other: Database.Database | undefined;
    try {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'analyze', join(dir, 'music'), '--db', db, ...(json ? ['--json'] : [])], {
        // every write after the lock waits out busy_timeout: 1 s here, not the app's 5 s (each of these tests was ~20 s in CI)
        env: { ...process.env, STUDIO_DATA_DIR: join(dir, 'data'), STUDIO_TEST_DB_BUSY_MS: '1000' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const code = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      let done = false;
      void code.then(() => (done = true));
      await firstAnalysed(db, () => done);
      // another program takes the write lock and keeps it: the engine's next write fails after its busy_timeout
      other = new Database(db);
      other.exec('BEGIN IMMEDIATE');
      assert.equal(await code, 1, err);
      const pending = (other.prepare("SELECT COUNT(*) AS n FROM tracks WHERE lib_status = 'pending'").get() as { n: number }).n;
      assert.ok(pending > 0, 'the scan ended before the lock: the test needs more files');
      assert.match(json ? out : err, /locked by another program/, 'why the database could not be written (--json: a record on stdout)');
      assert.doesNotMatch(err, /was cancelled|\(cancelled/, `nobody cancelled: ${err}`);
      assert.match(err, /the analysis stopped/, err);
      // the line that says why names the database file, not the data folder the engine was given (tester16)
      if (json) {
        const why = out.trim().split('\n').map((l) => JSON.parse(l) as { path?: string; code?: string }).find((l) => l.code === 'DB_WRITE_FAILED' && !l.path?.endsWith('.flac'));
        assert.equal(why?.path, db, out);
      } else assert.ok(err.includes(`studio: ${db}: `), err);
      if (json) {
        const notDone = out.trim().split('\n').map((l) => JSON.parse(l) as { path?: string; durationSec?: number | null; error: string | null; code?: string }).filter((l) => l.path?.endsWith('.flac') && l.durationSec === null);
        assert.equal(notDone.length, pending, out);
        for (const l of notDone) {
          assert.match(l.error ?? '', /^Not analysed: the analysis stopped before this file: .*cannot be written/, JSON.stringify(l));
          assert.equal(l.code, 'DB_WRITE_FAILED');
        }
      } else {
        assert.equal((out.match(/not analysed \(the analysis stopped before this file: the library database cannot be written\)/g) ?? []).length, pending, out);
        assert.doesNotMatch(out, /\(cancelled/, out);
      }
    } finally {
      other?.exec('ROLLBACK');
      other?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
