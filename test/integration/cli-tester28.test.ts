import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from '../helpers/media';

/**
 * tester28: `studio analyze FOLDER` on a folder with no audio in it — a mistyped folder, an empty card, a folder of
 * playlists — printed nothing at all and exited 0: silence, as if it had worked. It now says on stderr that it found
 * nothing to analyse there (stdout stays empty: one record per track, --json or not; nothing failed, so exit 0).
 * Run: npm run build && node --import tsx --test test/integration/cli-tester28.test.ts
 */
const dir = mkdtempSync(join(tmpdir(), 'rs-cli-tester28-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function studio(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), ...args], {
    cwd: dir, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STUDIO_DATA_DIR: join(dir, 'data') },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('analyze on a folder with no audio says so on stderr (plain and --json), stdout empty, exit 0', () => {
  const empty = join(dir, 'Empty Card');
  const lists = join(dir, 'playlists');
  mkdirSync(empty);
  mkdirSync(lists);
  writeFileSync(join(lists, 'set.m3u8'), '#EXTM3U\n');
  for (const json of [false, true]) {
    const r = studio('analyze', ...(json ? ['--json'] : []), empty, lists);
    assert.equal(r.code, 0, `exit ${r.code}: ${r.out}${r.err}`);
    assert.equal(r.out, '', 'no record: no track');
    assert.match(r.err, /studio: no audio or video files found in .*Empty Card.*playlists.*: nothing analysed/, r.err);
    assert.match(r.err, /set\.m3u8: not audio/, 'the skipped file is still named');
  }
});
