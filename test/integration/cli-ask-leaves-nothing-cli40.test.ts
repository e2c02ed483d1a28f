// cli40 (lock39 noticed): every `studio ask` left `.ses` and `mat-debug-<pid>.log` in the temporary folder, and a
// device id and a megabytes-large event store under ~/.cache/Microsoft/DeveloperTools/.onnxruntime: onnxruntime-node
// 1.30's own 1DS telemetry (Linux/macOS builds), started by the first inference session. The engine now runs with
// ORT_DISABLE_TELEMETRY=1 (engine-host ORT_TELEMETRY_OFF), ONNX Runtime's documented opt-out, and leaves nothing
// there. The built CLI on a tiny model pack, its TMPDIR, HOME and XDG_CACHE_HOME fresh folders.
// Run: npm run build && node tools/run-tests.mjs test/integration/cli-ask-leaves-nothing-cli40.test.ts
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT } from '../helpers/media';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';

const dir = mkdtempSync(join(tmpdir(), 'rs-ask-leaves-nothing-'));
after(() => rmSync(dir, { recursive: true, force: true }));
before(() => ensureTinyPacks());

test('studio ask --features on a tiny pack leaves its temporary folder empty and nothing of ONNX Runtime in the home folder', () => {
  const tmp = join(dir, 'tmp');
  const home = join(dir, 'home');
  mkdirSync(tmp);
  mkdirSync(home);
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, HOME: home, XDG_CACHE_HOME: join(home, '.cache') };
  // as a user's shell has it: no opt-out of ONNX Runtime's own
  delete env.ORT_DISABLE_TELEMETRY;
  // the provider left to choose (auto): the WebGPU probe's child process runs too
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'ask', '--pack', join(TINY_DIR, 'packs', 'beta-fp32'), '--audio', join(TINY_DIR, 'media', 'sine.wav'), '--features', '--max-new-tokens', '3', '--greedy', '--data-dir', join(dir, 'data'), 'What is playing?'], { env, encoding: 'utf8', timeout: 240_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /first token .* 3 tokens/, 'an answer was made (the decoder ran)');
  // before: [".ses", "mat-debug-<pid>.log"]
  assert.deepEqual(readdirSync(tmp), [], 'nothing left in TMPDIR');
  // before: .cache/Microsoft/DeveloperTools/.onnxruntime/{deviceid,onnxruntime.db}; the studio's own cache may be there
  const left = readdirSync(home, { recursive: true }).map(String);
  assert.deepEqual(left.filter((p) => /Microsoft|onnxruntime|mat-debug|\.ses$/.test(p)), [], left.join(', '));
});
