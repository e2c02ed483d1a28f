import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cudaMissing } from '../../main/engine/model/providers';
import { ROOT } from '../helpers/media';
import { ctrlCTwice } from '../helpers/signals';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';

/**
 * tester29b: `studio ask` whose engine died mid-answer (killed, out of memory) ended with the engine host's words for
 * the app — "It is being restarted; try again." — though nothing restarts it (the command ends), and on a terminal
 * the line was glued to the answer cut short ("U minorstudio: The analysis engine stopped…"). Ctrl+C after the first
 * words glued "studio: Cancelled." the same way. The partial answer now ends its line, and the message says the
 * answer is cut short and to run the command again.
 * Run: npm run build && node --import tsx --test test/integration/cli-tester29b.test.ts
 */
const dir = mkdtempSync(join(tmpdir(), 'rs-cli-tester29b-'));
after(() => rmSync(dir, { recursive: true, force: true }));
before(() => ensureTinyPacks());

/**
 * `studio ask` answering slowly (a pause after each token); `act` is called with its pid once words have come out.
 * `env` is added to its environment.
 */
function askAndInterrupt(act: (pid: number) => void, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawn(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'ask', '--pack', join(TINY_DIR, 'packs', 'beta-fp32'), '--audio', join(TINY_DIR, 'media', 'sine.wav'), '--provider', 'cpu', '--max-new-tokens', '200', 'What instruments are playing?'], {
    env: { ...process.env, STUDIO_DATA_DIR: join(dir, 'data'), STUDIO_TEST_TOKEN_DELAY_MS: '100', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let acted = false;
  p.stdout.on('data', (b: Buffer) => {
    out += b;
    if (!acted && out.trim().length > 0) {
      acted = true;
      act(p.pid!);
    }
  });
  p.stderr.on('data', (b: Buffer) => (err += b));
  const t = setTimeout(() => p.kill('SIGKILL'), 120_000);
  return new Promise((resolve) => p.on('close', (code) => { clearTimeout(t); resolve({ code, out, err }); }));
}

test('the engine killed mid-answer: the cut answer ends its line; the message says so and to run the command again', async () => {
  const r = await askAndInterrupt((pid) => {
    const engine = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n')[0];
    process.kill(Number(engine), 'SIGKILL');
  });
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /\S\n$/, `the partial answer ends its line: ${JSON.stringify(r.out)}`);
  const line = r.err.split('\n').find((l) => l.startsWith('studio: ')) ?? '';
  assert.doesNotMatch(line, /being restarted|try again/, line);
  assert.match(line, /^studio: The analysis engine stopped unexpectedly \(killed by SIGKILL\) while answering: the answer above is cut short\. Run the same command again\.$/, line);
});

test('Ctrl+C mid-answer: the cut answer ends its line, then the message says it is cut short', async () => {
  const r = await askAndInterrupt((pid) => process.kill(pid, 'SIGINT'));
  assert.equal(r.code, 130, r.err);
  assert.match(r.out, /\S\n$/, `the partial answer ends its line: ${JSON.stringify(r.out)}`);
  // what became of the answer, as for a killed engine (tester38: "studio: Cancelled." said neither)
  assert.match(r.err, /^studio: Stopped \(Ctrl\+C\): the answer above is cut short\.$/m, r.err);
});

/**
 * lock39: a second Ctrl+C did nothing in `studio ask` (its handler aborted the answer again), so an engine deaf to the
 * first — busy loading a model's graphs — kept the terminal until it was done. A second Ctrl+C now exits 130 at once,
 * the answer cut short ending its line and the throwaway data folder (studio-ro-*, in TMPDIR) removed. A pause of 1 s
 * after each token keeps the first Ctrl+C from ending the answer before the second comes.
 */
test('Ctrl+C twice mid-answer: exit 130 at once, the cut answer ends its line, nothing left in the temporary folder', async () => {
  const tmp = join(dir, 'tmp-twice');
  mkdirSync(tmp, { recursive: true });
  const r = await askAndInterrupt((pid) => void ctrlCTwice(pid), { TMPDIR: tmp, STUDIO_TEST_TOKEN_DELAY_MS: '1000' });
  assert.equal(r.code, 130, r.err);
  assert.match(r.out, /\S\n$/, `the partial answer ends its line: ${JSON.stringify(r.out)}`);
  assert.match(r.err, /^studio: stopped: the answer above is cut short\.$/m, `the second Ctrl+C's words (was: none, the first one's answer awaited): ${r.err}`);
  // the throwaway data folder removed, and nothing else left (cli40: onnxruntime's telemetry files, .ses and
  // mat-debug-<pid>.log, are gone with ORT_DISABLE_TELEMETRY)
  assert.deepEqual(readdirSync(tmp), [], 'TMPDIR left empty');
});

/**
 * lock39: `studio ask --provider cuda` with onnxruntime-node as npm installs it (no CUDA build) printed onnxruntime's
 * own "[E:onnxruntime:…] … libonnxruntime_providers_shared.so: cannot open shared object file" line before the
 * studio's message: the session was asked of onnxruntime before anything checked the CUDA build's files. They are now
 * checked first (providers.ts cudaMissing), and onnxruntime is never asked for CUDA without them.
 */
test('studio ask --provider cuda without the CUDA build: only the studio\'s message, naming the files missing', { skip: cudaMissing().length === 0 && 'the CUDA build is installed here' }, () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'ask', '--pack', join(TINY_DIR, 'packs', 'beta-fp32'), '--audio', join(TINY_DIR, 'media', 'sine.wav'), '--provider', 'cuda', '--max-new-tokens', '1', '--greedy', 'What is this?'], {
    env: { ...process.env, STUDIO_DATA_DIR: join(dir, 'data-cuda') }, encoding: 'utf8', timeout: 120_000,
  });
  assert.equal(r.status, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /onnxruntime:|\[E:|cannot open shared object/, `nothing of onnxruntime's own: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^studio: .*cuda.*: this installation of ONNX Runtime has no CUDA build \(libonnxruntime_providers_cuda\.so and libonnxruntime_providers_shared\.so are not there\): install it with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node`/, r.stderr);
});

/**
 * cli36: on a machine with no GPU driver, `studio ask` (provider auto) printed Dawn's own lines ("Warning:
 * vkCreateInstance: Found no drivers!", a C++ source location) on the terminal before the answer: onnxruntime's
 * WebGPU provider tried in the engine wrote them to its stderr. WebGPU is now asked of a child process whose stderr
 * is dropped for that known failure; the note says it in words. Where a GPU is found (or WebGPU is off) no note.
 */
test('studio ask on the auto provider: no Dawn/Vulkan lines on stderr, the WebGPU fallback said in words', async () => {
  const p = spawn(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'ask', '--pack', join(TINY_DIR, 'packs', 'beta-fp32'), '--audio', join(TINY_DIR, 'media', 'sine.wav'), '--max-new-tokens', '1', '--greedy', 'What is this?'], {
    env: { ...process.env, STUDIO_DATA_DIR: join(dir, 'data-auto') }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  p.stderr.on('data', (b: Buffer) => (err += b));
  const code = await new Promise<number | null>((resolve) => p.on('close', resolve));
  assert.equal(code, 0, err);
  assert.doesNotMatch(err, /vkCreateInstance|VK_ERROR|dawn|\.cpp:\d+/i, err);
  // every line is the CLI's own: a note, the speed line, nothing else
  for (const line of err.split('\n').filter(Boolean)) assert.match(line, /^(note: |\[\w+\] first token )/, err);
  const webgpu = err.split('\n').find((l) => l.includes('webgpu was not used'));
  if (webgpu) assert.match(webgpu, /^note: webgpu was not used: decoder: (no GPU that WebGPU can use was found|.*; the CPU is used instead$)/, err);
});

/**
 * cli36: `studio ask` with its data folder on a read-only disk stopped with "studio: Unexpected error: ENOENT: no such
 * file or directory, mkdir '…/cache'" (Node's word for EROFS there), on a full disk with "Unexpected error: ENOSPC: no
 * space left on device, write": the pack's checked checksums, a memo, could not be kept. The answer now comes, with a
 * note naming the folder, why, and what to do. The disk is a tmpfs in a mount namespace of its own (unshare: as root,
 * or as a user where user namespaces are allowed), remounted read-only, or filled.
 */
const NS = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'true']).status === 0;
for (const [kind, setup, note] of [
  ['read-only', 'mount -o remount,ro "$1"', /^note: the data folder ".*\/data" cannot be written \(it is on a read-only disk\): the answer comes all the same, but nothing is cached for the next question \(the pack is checked and the media encoded again\)\. Make it writable, or pass --data-dir DIR with a folder you can write\.$/m],
  ['full', 'dd if=/dev/zero of="$1/fill" bs=4k 2>/dev/null; true', /^note: the data folder ".*\/data" cannot be written \(its disk is full\): .* Free some space there, or pass --data-dir DIR with a folder you can write\.$/m],
] as const) {
  test(`studio ask with its data folder on a ${kind} disk: the answer comes, a note names the folder and what to do (cli36)`, { skip: !NS && 'unshare --user --mount is not allowed here' }, () => {
    const mnt = join(dir, `mnt-${kind}`);
    mkdirSync(mnt, { recursive: true });
    const script = `mount -t tmpfs -o size=256k tmpfs "$1" && mkdir "$1/data" && ${setup} && shift && exec "$@"`;
    const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script, 'sh', mnt, process.execPath, join(ROOT, 'bin', 'studio.js'), 'ask', '--pack', join(TINY_DIR, 'packs', 'beta-fp32'), '--audio', join(TINY_DIR, 'media', 'sine.wav'), '--provider', 'cpu', '--max-new-tokens', '1', '--greedy', '--data-dir', join(mnt, 'data'), 'What is this?'], { encoding: 'utf8', timeout: 120_000 });
    assert.doesNotMatch(r.stderr, /Unexpected error|ENOENT|EROFS|ENOSPC/, r.stderr);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, note, r.stderr);
  });
}
