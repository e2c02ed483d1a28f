import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT, toneFile } from '../helpers/media';

/**
 * A path option given an empty value — what a script's unset variable makes of `--root "$MUSIC"` (tester26):
 * `studio serve --root ''` served the folder it was started in (the root resolved against the current folder: a home
 * folder, in a script run from there) and said so in one line easy to miss; `--data-dir ''` crashed the engine with a
 * stack trace ("STUDIO_DATA_DIR is not set"); `studio analyze --db ''` analysed without a database, exit 0, nothing
 * kept. Each is now a wrong command line (exit 2) naming the option. The commands run in an empty folder, which must
 * stay empty.
 */
const cwd = mkdtempSync(join(tmpdir(), 'rs-empty-paths-'));
after(() => rmSync(cwd, { recursive: true, force: true }));

function studio(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), ...args], {
    cwd, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STUDIO_DATA_DIR: join(cwd, '..', `${cwd.split('/').pop()}-data`) },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("serve --root '': refused (exit 2), the current folder is not served", () => {
  const r = studio('serve', '--port', '0', '--root', '');
  assert.equal(r.code, 2, `exit ${r.code}: ${r.out}${r.err}`);
  assert.match(r.err, /--root was given an empty path/);
  assert.doesNotMatch(r.out, /is running at/);
});

test("serve --data-dir '': refused (exit 2) with words, not an engine's stack trace", () => {
  const r = studio('serve', '--port', '0', '--data-dir', '');
  assert.equal(r.code, 2, `exit ${r.code}: ${r.out}${r.err}`);
  assert.match(r.err, /--data-dir was given an empty path/);
  assert.doesNotMatch(r.err, /at .*index\.js/);
});

test("analyze --db '': refused (exit 2, and one JSON line with --json), not analysed into no database", () => {
  const file = toneFile('cli-empty-paths.wav', 2);
  let r = studio('analyze', '--db', '', file);
  assert.equal(r.code, 2, `exit ${r.code}: ${r.out}${r.err}`);
  assert.match(r.err, /--db was given an empty path/);
  r = studio('analyze', '--json', '--db', '', file);
  assert.equal(r.code, 2);
  assert.deepEqual(Object.keys(JSON.parse(r.out.trim())), ['error', 'code']);
  assert.deepEqual(readdirSync(cwd), [], 'nothing written where it ran');
  assert.equal(existsSync(join(cwd, 'studio.sqlite')), false);
});
