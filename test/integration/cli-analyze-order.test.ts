import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT } from '../helpers/media';

/**
 * fix31 (item 3): `studio analyze --json DIR` printed the line of a skipped symlink loop (`lib/sub/loop`, `ln -s ..
 * loop`: "Symlink loop … Skipped.") first, before files that sort earlier (`a.mp3`, `empty.mp3`): the scan's problems
 * were written before every track's line. The lines now follow path order, the problem at its path's place (the
 * library's natural path order, the tracks' own), so a reader of the JSON lines sees the folder as it is laid out.
 * Run: npm run build && node --import tsx --test test/integration/cli-analyze-order.test.ts
 */
const dir = mkdtempSync(join(tmpdir(), 'rs-cli-analyze-order-'));
const lib = join(dir, 'lib');
after(() => rmSync(dir, { recursive: true, force: true }));
before(() => {
  mkdirSync(join(lib, 'sub'), { recursive: true });
  mkdirSync(join(lib, 'zz'), { recursive: true });
  const tone = join(lib, 'a.mp3');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=1', tone]);
  // an MP3 with no frames (ffmpeg writes its headers and no audio): a failed line of its own
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=1', '-t', '0', join(lib, 'empty.mp3')]);
  copyFileSync(tone, join(lib, 'b.mp3'));
  copyFileSync(tone, join(lib, 'sub', 'z.mp3'));
  copyFileSync(tone, join(lib, 'zz', 'last.mp3'));
  symlinkSync('..', join(lib, 'sub', 'loop'));
});

test('analyze --json DIR with a symlink loop: every line, the loop\'s included, in path order', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'analyze', '--json', lib], {
    encoding: 'utf8', timeout: 180_000, env: { ...process.env, STUDIO_DATA_DIR: join(dir, 'data') },
  });
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; error?: string | null; code?: string });
  const paths = lines.map((l) => l.path.slice(lib.length + 1));
  assert.deepEqual(paths, ['a.mp3', 'b.mp3', 'empty.mp3', 'sub/loop', 'sub/z.mp3', 'zz/last.mp3'], r.stdout);
  assert.match(lines[3].error ?? '', /^Symlink loop \(or second link to a folder\): this folder is already scanned as ".*lib"\. Skipped\.$/);
  assert.equal(lines[3].code, 'UNREADABLE');
  // the loop holds nothing more to analyse: it fails nothing; empty.mp3 (no audio) does
  assert.equal(r.status, 1, r.stderr);
});
