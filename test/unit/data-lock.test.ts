// The data folder's lock (main/data-lock): refused while its holder lives, with the holder named; taken over
// once the holder is gone (dead pid, another machine's stale heartbeat); released cleanly. Real processes for
// the holder where it matters; test/integration/data-lock.test.ts runs two real `studio serve`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { StudioError } from '@contract';
import { dataFolderInUse, lockDataFolder, LOCK_DIR, OWNER_FILE, readDataLockOwner, type DataLockOwner } from '../../main/data-lock';
import { pidNamespace, selfOwner } from '../../main/data-lock/owner';
import { startEngineAsking } from '../../main/electron/data-folder';
import { ROOT } from '../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'rs-data-lock-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** a pid that no process has (spawned, exited and reaped) */
async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((r) => p.once('exit', r));
  return p.pid!;
}

/** the refusal of lockDataFolder, as StudioError */
async function refusal(dir: string): Promise<StudioError> {
  try {
    const l = await lockDataFolder(dir, { command: 'second' });
    await l.release();
  } catch (e) {
    return e as StudioError;
  }
  assert.fail('the lock was taken');
}

describe('data folder lock', () => {
  it('records its holder, refuses a second lock in the same process naming it, and releases cleanly', async () => {
    const dir = join(tmp, 'dossier é — スタジオ'); // made by the lock, unicode path
    const lock = await lockDataFolder(dir, { command: 'studio serve' });
    try {
      assert.ok(existsSync(join(dir, LOCK_DIR)));
      const owner = readDataLockOwner(dir)!;
      assert.deepEqual([owner.pid, owner.command, owner.host], [process.pid, 'studio serve', hostname()]);
      assert.ok(Math.abs(owner.at - Date.now()) < 60_000);
      const e = await refusal(dir);
      assert.equal(e.code, 'DATA_FOLDER_IN_USE');
      assert.match(e.message, new RegExp(`^The data folder ${dir} is in use by studio serve \\(pid ${process.pid}, since .+\\)\\. Stop \`studio serve\` \\(pid ${process.pid}; Ctrl\\+C in its terminal\\) and try again`));
      assert.deepEqual(JSON.parse(e.detail!), { pid: process.pid, command: 'studio serve', host: hostname(), since: new Date(owner.at).toISOString() });
    } finally {
      await lock.release();
    }
    assert.equal(existsSync(join(dir, LOCK_DIR)), false);
    assert.equal(existsSync(join(dir, OWNER_FILE)), false);
    await lock.release(); // idempotent
    (await lockDataFolder(dir, { command: 'again' })).release();
  });

  it('the app as holder: "Close the other Resonance Studio window"', () => {
    const e = dataFolderInUse('/d', { pid: 42, command: 'Resonance Studio', host: hostname(), at: Date.UTC(2026, 0, 2, 3, 4) });
    assert.match(e.message, /in use by Resonance Studio \(pid 42, since .+\)\. Close the other Resonance Studio window \(pid 42\) and try again/);
  });

  it('a lock left by a dead process of this machine (kill -9) is taken over: at once once its heartbeat is old, after waiting it out (no error) while recent', async () => {
    const dir = join(tmp, 'dead');
    mkdirSync(join(dir, LOCK_DIR), { recursive: true });
    const pid = await deadPid();
    writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ pid, command: 'studio serve', host: hostname(), at: Date.now(), beat: 1000 } satisfies DataLockOwner));
    const old = new Date(Date.now() - 10_000);
    utimesSync(join(dir, LOCK_DIR), old, old);
    const lock = await lockDataFolder(dir, { command: 'taker' });
    assert.equal(readDataLockOwner(dir)?.pid, process.pid);
    assert.equal(readDataLockOwner(dir)?.command, 'taker');
    await lock.release();
    // killed a moment ago: its last beat is fresh; taken over once 2.5 beats have passed
    mkdirSync(join(dir, LOCK_DIR));
    writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ pid, command: 'studio serve', host: hostname(), at: Date.now(), beat: 1000 } satisfies DataLockOwner));
    const t0 = Date.now();
    const again = await lockDataFolder(dir, { command: 'taker' });
    assert.ok(Date.now() - t0 >= 2000, 'it waited for the heartbeat to stop');
    assert.equal(readDataLockOwner(dir)?.command, 'taker');
    await again.release();
  });

  it('a killed holder is taken over on a loaded machine too (the clock moves between reading the heartbeat and using it)', async () => {
    // ci10: under load the recomputed time of the last beat (now − age, two clock readings) grew between two looks
    // and a holder killed a moment ago was read as beating again: refused (DATA_FOLDER_IN_USE) instead of taken over
    const dir = join(tmp, 'dead loaded');
    mkdirSync(join(dir, LOCK_DIR), { recursive: true });
    writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ pid: await deadPid(), command: 'studio serve', host: hostname(), at: Date.now(), beat: 1000 } satisfies DataLockOwner));
    const realNow = Date.now;
    let calls = 0;
    Date.now = () => realNow() + 5 * calls * calls++; // each reading later than the last by a growing step
    try {
      const lock = await lockDataFolder(dir, { command: 'taker' });
      assert.equal(readDataLockOwner(dir)?.command, 'taker');
      await lock.release();
    } finally {
      Date.now = realNow;
    }
  });

  it('a holder whose pid looks dead but whose heartbeat goes on (another pid namespace: a container sharing the folder) is refused, not taken over', async () => {
    const dir = join(tmp, 'namespace');
    mkdirSync(join(dir, LOCK_DIR), { recursive: true });
    writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ pid: await deadPid(), command: 'studio serve', host: hostname(), at: Date.now(), beat: 1000 } satisfies DataLockOwner));
    const beating = setInterval(() => {
      const now = new Date();
      utimesSync(join(dir, LOCK_DIR), now, now);
    }, 500);
    try {
      const e = await refusal(dir);
      assert.equal(e.code, 'DATA_FOLDER_IN_USE');
      assert.equal(existsSync(join(dir, OWNER_FILE)), true, 'its record was left alone');
    } finally {
      clearInterval(beating);
    }
  });

  it('a live holder of this machine is never taken over, however old its heartbeat', async () => {
    const dir = join(tmp, 'live');
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => other.once('spawn', r));
      mkdirSync(join(dir, LOCK_DIR), { recursive: true });
      writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ pid: other.pid!, command: 'studio analyze --db', host: hostname(), at: Date.now() }));
      const old = new Date(Date.now() - 3_600_000);
      utimesSync(join(dir, LOCK_DIR), old, old);
      const e = await refusal(dir);
      assert.equal(e.code, 'DATA_FOLDER_IN_USE');
      assert.match(e.message, new RegExp(`in use by studio analyze --db \\(pid ${other.pid}, since`));
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    // now it is dead: taken over
    (await lockDataFolder(dir, { command: 'taker' })).release();
  });

  it('another machine’s lock (network share): refused while its heartbeat is fresh, taken over once stale', async () => {
    const dir = join(tmp, 'remote');
    mkdirSync(join(dir, LOCK_DIR), { recursive: true });
    writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid, command: 'studio serve', host: 'other-host.invalid', at: Date.now() }));
    const e = await refusal(dir);
    assert.match(e.message, new RegExp(`\\(pid ${process.pid} on other-host\\.invalid, since`));
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, LOCK_DIR), old, old);
    const lock = await lockDataFolder(dir, { command: 'taker', staleMs: 30_000 });
    assert.equal(readDataLockOwner(dir)?.host, hostname());
    await lock.release();
  });

  it('a lock with no owner record: waited for briefly, refused while fresh (holder unknown), taken over once stale', async () => {
    const dir = join(tmp, 'anonymous');
    mkdirSync(join(dir, LOCK_DIR), { recursive: true });
    const e = await refusal(dir);
    assert.equal(e.code, 'DATA_FOLDER_IN_USE');
    assert.match(e.message, /in use by another Resonance Studio process/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, LOCK_DIR), old, old);
    (await lockDataFolder(dir, { command: 'taker' })).release();
  });

  it('the heartbeat keeps the lock fresh; a lock taken from under its holder is reported (onCompromised)', async () => {
    const dir = join(tmp, 'heartbeat');
    let lost: Error | undefined;
    const lock = await lockDataFolder(dir, { command: 'holder', updateMs: 1000, onCompromised: (e) => (lost = e) });
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, LOCK_DIR), old, old);
    // the holder notices its mtime is no longer its own at the next beat
    const hold = setInterval(() => undefined, 100);
    try {
      while (!lost) await new Promise((r) => setTimeout(r, 50));
    } finally {
      clearInterval(hold);
    }
    assert.match(lost.message, /Unable to update lock|compromised/i);
    await lock.release();
  });

  it('a holder in another process: refused naming it; after kill -9 the next lock takes over', async () => {
    const dir = join(tmp, 'holder proc ü');
    const script = join(tmp, 'hold-data-lock.ts');
    writeFileSync(script, `import { lockDataFolder } from ${JSON.stringify(join(ROOT, 'main/data-lock/index.ts'))};\nvoid lockDataFolder(${JSON.stringify(dir)}, { command: 'studio serve' }).then(() => console.log('held'));\nsetInterval(() => {}, 1e6);\n`);
    const holder = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => holder.once('exit', r));
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('exit', (c) => reject(new Error(`the holder exited (${c}) before taking the lock`)));
      });
      const e = await refusal(dir);
      assert.match(e.message, new RegExp(`in use by studio serve \\(pid ${holder.pid}, since`));
    } finally {
      holder.kill('SIGKILL');
      await exited;
    }
    assert.equal(readFileSync(join(dir, OWNER_FILE), 'utf8').includes(String(holder.pid)), true, 'kill -9 left its record');
    const lock = await lockDataFolder(dir, { command: 'next' });
    assert.equal(readDataLockOwner(dir)?.pid, process.pid);
    await lock.release();
  });
});

// A starter killed between proper-lockfile's mkdir and its owner record (lock39): before, such a lock was taken over
// only once its heartbeat was older than staleMs (30 s) and every `studio …` meanwhile exited 75 ("it is starting, or
// its record cannot be read"). Each starter now writes an intent (`studio.lock.<pid>.<hex>.json`) before its mkdir.
// The intents here are written as lockDataFolder writes them; test/integration/data-lock-starter.test.ts kills real
// starters there.
describe('a starter between the lock folder and its record (intents)', () => {
  /** an intent as a starter leaves it (the module's docstring) */
  const intent = (dir: string, o: Partial<DataLockOwner> & { pid: number }) =>
    writeFileSync(join(dir, `${LOCK_DIR}.${o.pid}.0badf00d.json`), JSON.stringify({ command: 'studio serve', host: hostname(), at: Date.now() - 1000, beat: 2000, ns: pidNamespace(), ...o }));
  /** a lock folder made a moment ago (fresh heartbeat), with no owner record */
  const starterLock = (name: string) => {
    const dir = join(tmp, name);
    mkdirSync(join(dir, LOCK_DIR), { recursive: true });
    return dir;
  };

  it('its intent names a dead process of this pid namespace: taken over at once, naming it (was: refused, DATA_FOLDER_IN_USE "it is starting")', async () => {
    const dir = starterLock('killed starter');
    const dead = await deadPid();
    intent(dir, { pid: dead, command: 'studio model get' });
    // staleMs far away: only the intent can make this lock free
    const lock = await lockDataFolder(dir, { command: 'next', staleMs: 3_600_000 });
    assert.deepEqual([lock.tookOver?.pid, lock.tookOver?.command], [dead, 'studio model get']);
    assert.equal(readDataLockOwner(dir)?.pid, process.pid);
    const left = readdirSync(dir).filter((n) => n.startsWith(`${LOCK_DIR}.`) && n !== OWNER_FILE);
    assert.equal(left.length, 1, `the dead intent removed, this process's kept while it holds: ${left}`);
    assert.match(left[0], new RegExp(`^studio\\.lock\\.${process.pid}\\.[0-9a-f]{8}\\.json$`));
    await lock.release();
    assert.deepEqual(readdirSync(dir), [], 'released: lock folder, record and intent gone');
  });

  it('a dead intent of another pid namespace (a container sharing the folder): its heartbeat waited out first, then taken over', async () => {
    const dir = starterLock('starter elsewhere');
    const dead = await deadPid();
    intent(dir, { pid: dead, ns: 'pid:[1]', beat: 1000 });
    const lock = await lockDataFolder(dir, { command: 'next', staleMs: 3_600_000 });
    assert.equal(lock.tookOver?.pid, dead);
    await lock.release();
  });

  it('its intent names a live process: never taken over, whatever a record left by a dead owner says; refused naming the starter', async () => {
    const starter = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
    const exited = new Promise((r) => starter.once('exit', r));
    try {
      await new Promise((r) => starter.once('spawn', r));
      const { start, boot } = procOf(starter.pid!);
      for (const [name, leftRecord] of [['live starter', false], ['live starter, dead record', true]] as const) {
        const dir = starterLock(name);
        intent(dir, { pid: starter.pid!, start, boot, command: 'studio serve' });
        // a record left by an owner killed between its release's two steps, beside the new starter's lock folder
        if (leftRecord) writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ ...selfOwner(), pid: await deadPid(), start: undefined, command: 'studio analyze --db', host: hostname(), at: Date.now() - 60_000 }));
        const e = await refusal(dir);
        assert.equal(e.code, 'DATA_FOLDER_IN_USE');
        assert.match(e.message, new RegExp(`in use by studio serve \\(pid ${starter.pid}, since`), name);
        assert.equal(existsSync(join(dir, LOCK_DIR)), true, `${name}: the starter's lock folder is still there`);
      }
    } finally {
      starter.kill('SIGKILL');
      await exited;
    }
  });
});

/** `/proc/<pid>/stat`'s start time and the boot id, as a live holder records them (Linux) */
function procOf(pid: number): { start?: string; boot?: string } {
  if (process.platform !== 'linux') return {};
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return { start: stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19], boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() };
}

describe('the app while the data folder is in use (main/electron/data-folder.ts)', () => {
  const inUse = new StudioError('DATA_FOLDER_IN_USE', 'in use by studio serve (pid 7)');
  const fakeEngine = (plan: Array<Error | null>) => ({ starts: 0, start() { this.starts++; const e = plan.shift(); return e ? Promise.reject(e) : Promise.resolve(); } });

  it('asks; Try Again starts again until the engine starts', async () => {
    const engine = fakeEngine([inUse, inUse, null]);
    const asked: string[] = [];
    const ok = await startEngineAsking(engine, { ask: async (m) => (asked.push(m), 'retry'), quit: () => assert.fail('quit'), log: () => undefined });
    assert.equal(ok, true);
    assert.equal(engine.starts, 3);
    assert.deepEqual(asked, [inUse.message, inUse.message]);
  });

  it('Quit quits; another failure is logged, not asked about', async () => {
    const calls: string[] = [];
    const prompt = { ask: async () => (calls.push('ask'), 'quit' as const), quit: () => calls.push('quit'), log: (m: string) => calls.push(`log ${m}`) };
    assert.equal(await startEngineAsking(fakeEngine([inUse]), prompt), false);
    assert.equal(await startEngineAsking(fakeEngine([new StudioError('DB_WRITE_FAILED', 'read-only')]), prompt), false);
    assert.deepEqual(calls, ['ask', 'quit', 'log read-only']);
  });
});
