// A process killed between proper-lockfile's mkdir of `<data>/studio.lock` and its owner record (main/data-lock, lock39),
// with real processes stopped at that very point by the test hook STUDIO_TEST_DATA_LOCK_PAUSE: before, the next
// `studio …` exited 75 ("in use … it is starting, or its record cannot be read") until the lock's heartbeat was older
// than staleMs (30 s); now the starter's intent, written before the mkdir, names a dead process and the lock is taken
// over at once. A live starter at that point is never taken over, and racing starters never hold the folder together.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LOCK_DIR, OWNER_FILE } from '../../main/data-lock';
import { ROOT } from '../helpers/media';

const STUDIO = join(ROOT, 'bin', 'studio.js');
const BUILT = existsSync(join(ROOT, 'out', 'cli', 'studio.js'));
const base = mkdtempSync(join(tmpdir(), 'rs-data-lock-starter-'));
after(() => rmSync(base, { recursive: true, force: true }));
/** a hang guard, not a budget */
const HANG_GUARD_MS = 120_000;

/** `studio ARGS` run to its end */
function run(env: NodeJS.ProcessEnv, args: string[]) {
  return new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, [STUDIO, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const t = setTimeout(() => p.kill('SIGKILL'), HANG_GUARD_MS);
    p.once('close', (status) => {
      clearTimeout(t);
      resolve({ status, stderr });
    });
  });
}

/** Resolves once `file` exists (the paused process wrote it); rejects if `p` exits first. */
async function appears(file: string, p: ChildProcess): Promise<void> {
  let exited: number | null | undefined;
  p.once('exit', (c) => (exited = c));
  const guard = Date.now() + HANG_GUARD_MS;
  while (!existsSync(file)) {
    assert.equal(exited, undefined, `the process exited (${exited}) before it paused`);
    assert.ok(Date.now() < guard, 'hang guard: the process never paused');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** SIGKILL `p`'s process group (the CLI and any engine child) and wait for `p`'s exit */
async function killGroup(p: ChildProcess): Promise<void> {
  const exited = new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r(null) : p.once('exit', r)));
  process.kill(-p.pid!, 'SIGKILL');
  await exited;
}

/** the lock's own files in `dir`: the lock folder, the owner record, intents and their temporary files */
const lockFiles = (dir: string) => readdirSync(dir).filter((n) => n === LOCK_DIR || n.startsWith(`${LOCK_DIR}.`));

describe('a starter killed between the lock folder and its record (real studio processes)', { skip: !BUILT && 'run `npm run build` first' }, () => {
  it('stopped there it is never taken over (a second start exits 75 naming it); SIGKILLed there, the next start takes the folder over at once and says whose it was', async () => {
    const data = join(base, 'Données — starter');
    const paused = join(base, 'paused-cli');
    const env = { ...process.env, STUDIO_DATA_DIR: data };
    const starter = spawn(process.execPath, [STUDIO, 'model', 'list', '--offline'], { env: { ...env, STUDIO_TEST_DATA_LOCK_PAUSE: paused }, stdio: 'ignore', detached: true });
    try {
      await appears(paused, starter);
      assert.equal(readFileSync(paused, 'utf8'), String(starter.pid), 'the CLI process itself holds the lock');
      assert.deepEqual([existsSync(join(data, LOCK_DIR)), existsSync(join(data, OWNER_FILE))], [true, false], 'stopped between the mkdir and the record');
      // a command that writes the folder (model list reads a held folder read-only)
      const second = await run(env, ['model', 'get', 'alpha', '--precision', 'fp32', '--yes']);
      assert.equal(second.status, 75, second.stderr);
      assert.match(second.stderr, new RegExp(`in use by studio model list \\(pid ${starter.pid}, since`), 'named by its intent (was: "it is starting, or its record cannot be read")');
    } finally {
      await killGroup(starter);
    }
    assert.deepEqual([existsSync(join(data, LOCK_DIR)), existsSync(join(data, OWNER_FILE))], [true, false], 'the kill left the lock folder without a record');
    // no ageDataLock: the heartbeat is as fresh as the kill; staleMs (30 s) is far away
    const next = await run(env, ['model', 'list', '--offline']);
    assert.equal(next.status, 0, `the next start takes the folder (was: exit 75 for 30 s): ${next.stderr}`);
    const said = next.stderr.split('\n').filter((l) => l.startsWith('studio: the data folder was left locked by'));
    assert.equal(said.length, 1, next.stderr);
    assert.match(said[0], new RegExp(`^studio: the data folder was left locked by studio model list \\(pid ${starter.pid}, since [^)]+\\), which ended without giving it up`));
    assert.deepEqual(lockFiles(data), [], 'nothing of the lock is left once the next run has ended');
  });
});

describe('racing starters on a folder a killed starter left locked (real processes)', () => {
  it('never hold it together, and one of them takes it over', async () => {
    const dir = join(base, 'race');
    mkdirSync(dir, { recursive: true });
    const marker = join(base, 'race-holder');
    const script = join(base, 'race-starter.ts');
    // Each racer waits for "go" on stdin, takes the lock, and while holding it creates `marker` exclusively (O_EXCL):
    // a second holder at the same time fails there (EEXIST) and says BOTH
    writeFileSync(
      script,
      `import { closeSync, openSync, rmSync } from 'node:fs';
import { lockDataFolder } from ${JSON.stringify(join(ROOT, 'main/data-lock/index.ts'))};
const dir = ${JSON.stringify(dir)};
const marker = ${JSON.stringify(marker)};
if (process.env.STUDIO_TEST_DATA_LOCK_PAUSE) void lockDataFolder(dir, { command: 'killed starter' });
else {
  console.log('ready');
  process.stdin.once('data', async () => {
    try {
      const lock = await lockDataFolder(dir, { command: 'racer' });
      try {
        closeSync(openSync(marker, 'wx'));
      } catch (e) {
        console.log('BOTH ' + e.message);
        process.exit(3);
      }
      await new Promise((r) => setTimeout(r, 150));
      rmSync(marker);
      console.log('held ' + (lock.tookOver ? lock.tookOver.pid : '-'));
      await lock.release();
    } catch (e) {
      console.log(e.code === 'DATA_FOLDER_IN_USE' ? 'refused' : 'error ' + e.message);
    }
    process.exit(0);
  });
}
`,
    );
    for (let round = 0; round < 2; round++) {
      // a real starter stopped between its mkdir and its record, then killed there
      const paused = join(base, `paused-racer-${round}`);
      const killed = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, STUDIO_TEST_DATA_LOCK_PAUSE: paused }, stdio: 'ignore', detached: true });
      await appears(paused, killed);
      await killGroup(killed);
      assert.deepEqual([existsSync(join(dir, LOCK_DIR)), existsSync(join(dir, OWNER_FILE))], [true, false], `round ${round}: a starter's lock without a record`);
      const racers = Array.from({ length: 4 }, () => {
        const p = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
        let out = '';
        p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        const ready = new Promise<void>((resolve, reject) => {
          p.stdout.on('data', () => out.includes('ready') && resolve());
          p.once('exit', (c) => reject(new Error(`a racer exited (${c}) before it was ready: ${out}`)));
        });
        const done = new Promise<string>((resolve) => p.once('close', () => resolve(out.replace('ready\n', '').trim())));
        return { p, ready, done };
      });
      await Promise.all(racers.map((r) => r.ready));
      for (const r of racers) r.p.stdin.end('go\n');
      const said = await Promise.all(racers.map((r) => r.done));
      for (const s of said) assert.match(s, /^(held (\d+|-)|refused)$/, `each racer held the folder alone or was refused: ${said.join(' | ')}`);
      const held = said.filter((s) => s.startsWith('held'));
      assert.ok(held.length >= 1, `one racer took the killed starter's lock over (was: all refused for 30 s): ${said.join(' | ')}`);
      assert.deepEqual(held.filter((s) => s !== 'held -'), [`held ${killed.pid}`], `taken over once, naming the killed starter: ${said.join(' | ')}`);
      assert.deepEqual(lockFiles(dir), [], `round ${round}: nothing of the lock left`);
    }
  });
});
