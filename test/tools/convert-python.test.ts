// Runs the model toolchain's own Python unittests (tools/convert/tests) under /usr/bin/python3,
// so `npm test` covers them. Nothing is skipped: a missing interpreter or package fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ROOT, PY } from './helpers';

test('python unittest discover -s tools/convert/tests', () => {
  const r = spawnSync(PY, ['-m', 'unittest', 'discover', '-s', 'tools/convert/tests', '-p', 'test_*.py'], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, out);
  assert.match(r.stderr, /\nOK/, out);
  assert.doesNotMatch(r.stderr, /skipped=/, `some Python tests were skipped:\n${out}`);
});
