import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from '../helpers/media';

/**
 * `studio model get` checks what it can before it asks for --yes (tester14).
 * It printed "19.1 GB to download … add --yes" for `get beta` with no LLM
 * folder at all and for `--llama /no/such/folder`; only the run with --yes
 * then said that Vicuna cannot be downloaded or that the folder is not there —
 * two round trips, and "is not a folder" for a path that does not exist.
 * No Hub is needed: HF_ENDPOINT points at a closed port (sizes are estimates).
 */
const data = mkdtempSync(join(tmpdir(), 'rs-get-order-'));
after(() => rmSync(data, { recursive: true, force: true }));

function get(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'model', 'get', ...args], {
    encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, STUDIO_DATA_DIR: data, HF_ENDPOINT: 'http://127.0.0.1:9', STUDIO_IMAGEBIND_URL: 'http://127.0.0.1:9/imagebind_huge.pth' },
  });
  return { code: r.status, err: r.stderr };
}

test('get beta without --llama/--vicuna/--from: says the LLM folder is needed (exit 1), not "add --yes"', () => {
  const r = get('beta');
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /LLaMA licence.*--llama DIR/s);
  assert.doesNotMatch(r.err, /add --yes/);
});

test('get beta --llama / --vicuna / --from naming no folder: one line saying so and what to do, before any --yes', () => {
  const missing = join(data, 'no-such-llama');
  let r = get('beta', '--llama', missing);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, new RegExp(`"${missing}" does not exist.*Point --llama`));
  assert.doesNotMatch(r.err, /add --yes|GB to download/);
  const notModel = join(data, 'just-music');
  mkdirSync(notModel, { recursive: true });
  writeFileSync(join(notModel, 'song.mp3'), 'x');
  r = get('beta', '--vicuna', notModel);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /lacks config\.json.*Point --vicuna/);
  assert.doesNotMatch(r.err, /add --yes/);
  r = get('beta', '--from', missing);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, new RegExp(`"${missing}" does not exist.*--from`));
});
