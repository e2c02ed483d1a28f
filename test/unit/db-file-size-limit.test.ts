// session 30: a scan (or a Get) under a shell's `ulimit -f` said "The library database cannot be written: an I/O error
// occurred (disk I/O error)" — a database problem — though the database was sound and the disk had room: the process's
// file size limit stopped SQLite's write (EFBIG). The message names that limit and what to do.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('a database write stopped by the process\'s file size limit (ulimit -f) names that limit, not an I/O error or a full disk', { skip: process.platform !== 'linux' && 'ulimit -f read from /proc/self/limits (Linux)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-fsize-'));
  try {
    // the studio's own database (openDb, migrated), filled row by row until SQLite is refused, under a 512 KiB limit (bash counts ulimit -f in 1024-byte blocks)
    const script = `
      import { openDb, dbWriteError } from './main/engine/db/index.ts';
      try {
        const db = openDb(${JSON.stringify(dir)});
        db.exec('create table filler(x)');
        for (let i = 0; i < 5000; i++) db.prepare('insert into filler values (?)').run(Buffer.alloc(4000));
        console.log('no error');
      } catch (e) {
        console.log(JSON.stringify({ code: e.detail ?? e.code, message: dbWriteError(e).message }));
      }`;
    // 512 blocks: opening (the migrations) is refused; 8192: opened, then a write of the filler rows is
    for (const [blocks, shown, at] of [[512, '524 kB', 'open'], [8192, '8.4 MB', 'write']] as const) {
      rmSync(dir, { recursive: true, force: true });
      const r = spawnSync('bash', ['-c', `ulimit -f ${blocks} && exec "$0" --import tsx --input-type=module -e "$1"`, process.execPath, script], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
      assert.match(out.code, /^SQLITE_(IOERR|FULL)|disk I\/O error|database or disk is full/, 'SQLite refused the write');
      assert.match(out.message, new RegExp(`cannot be written: the file size limit of this process \\(ulimit -f: ${shown.replace('.', '\\.')}\\)`), `${at}: ${out.message}`);
      assert.match(out.message, /ulimit -f unlimited/, out.message);
      assert.doesNotMatch(out.message, /I\/O error|disk is full/, out.message);
      if (at === 'write') assert.match(out.message, /^The library database cannot be written: .*\. Nothing partial was saved; scan again when this is fixed\.$/, out.message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a full disk under a file size limit far above the database is still a full disk, not the limit', { skip: process.platform !== 'linux' && 'ulimit -f read from /proc/self/limits (Linux)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-fsize-full-'));
  try {
    // SQLite's "database or disk is full" on a 100 kB database, in a process limited to 1 GiB files: the limit is not the cause
    const file = join(dir, 'studio.sqlite');
    const script = `
      import { writeFileSync } from 'node:fs';
      import { dbWriteError } from './main/engine/db/index.ts';
      writeFileSync(${JSON.stringify(file)}, Buffer.alloc(100000));
      const e = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      console.log(dbWriteError(e, ${JSON.stringify(file)}).message);`;
    const r = spawnSync('bash', ['-c', `ulimit -f 1048576 && exec "$0" --import tsx --input-type=module -e "$1"`, process.execPath, script], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const message = r.stdout.trim().split('\n').pop()!;
    assert.match(message, /cannot be written: the disk is full \(free some space\)/, message);
    assert.doesNotMatch(message, /ulimit/, message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
