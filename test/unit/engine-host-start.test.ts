// EngineHost's (re)start when the OS or the engine misbehaves: a fork that throws, an engine that never reports
// ready. Both used to leave the host 'starting' for ever, every call waiting. Fake processes (no engine) here;
// test/integration/engine-host.test.ts drives the real one.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { LOCK_DIR, lockDataFolder, readDataLockOwner } from '../../main/data-lock';
import { EngineHost, type EngineProcess, type EngineState, type Forker } from '../../main/engine-host';
import { ageDataLock } from '../helpers/data-lock';

/** A fake engine process: `ready()` sends engine:ready, `die()` exits it; kill() exits it with the signal. */
class FakeProc implements EngineProcess {
  static next = 100;
  readonly pid = FakeProc.next++;
  killedWith: string | null = null;
  private readonly msg = new Set<(m: unknown) => void>();
  private readonly exit = new Set<(code: number | null, signal: string | null) => void>();
  send(): void {}
  onMessage(l: (m: unknown) => void): void {
    this.msg.add(l);
  }
  onExit(l: (code: number | null, signal: string | null) => void): void {
    this.exit.add(l);
  }
  kill(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): void {
    this.killedWith = signal;
    setImmediate(() => this.die(null, signal));
  }
  ready(): void {
    for (const l of this.msg) l({ t: 'event', name: 'engine:ready', payload: { pid: this.pid } });
  }
  die(code: number | null = null, signal: string | null = 'SIGKILL'): void {
    for (const l of this.exit) l(code, signal);
  }
}

/** A forker that plays `plan` in order: 'ready' (reports ready at once), 'hang' (never does), 'throw' (fork fails). */
function plannedForker(plan: Array<'ready' | 'hang' | 'throw'>): Forker & { procs: FakeProc[] } {
  const procs: FakeProc[] = [];
  const fork = (() => {
    const step = plan.shift() ?? 'ready';
    if (step === 'throw') throw Object.assign(new Error('spawn EAGAIN'), { code: 'EAGAIN' });
    const p = new FakeProc();
    procs.push(p);
    if (step === 'ready') setImmediate(() => p.ready());
    return p;
  }) as unknown as Forker & { procs: FakeProc[] };
  fork.procs = procs;
  return fork;
}

function host(fork: Forker, opts: { startTimeoutMs?: number; maxRestarts?: number } = {}): EngineHost {
  return new EngineHost({ fork, enginePath: '/nowhere', dataDir: '/nowhere', mode: 'web', version: 'test', ...opts });
}

/** the states seen until `n` of them are 'ready' or one is 'stopped' */
function statesUntil(h: EngineHost, n: number): Promise<EngineState[]> {
  const seen: EngineState[] = [];
  // the watchdog timer is unref'd (a real engine's process handle keeps the loop alive; a fake has none)
  const hold = setInterval(() => undefined, 1000);
  return new Promise<EngineState[]>((resolve) => {
    const off = h.onState((s) => {
      seen.push(s);
      if (s.state === 'stopped' || seen.filter((x) => x.state === 'ready').length === n) {
        off();
        resolve(seen);
      }
    });
  }).finally(() => clearInterval(hold));
}

describe('EngineHost start failures (a hang on CI: the host stayed "starting")', { timeout: 10_000 }, () => {
  it('a restart whose fork throws (EAGAIN) is a crash: retried with back-off, then ready', async () => {
    const fork = plannedForker(['ready', 'throw', 'ready']);
    const h = host(fork);
    await h.start();
    const states = statesUntil(h, 1);
    fork.procs[0].die();
    const seen = await states;
    assert.deepEqual(seen.map((s) => s.state), ['crashed', 'starting', 'crashed', 'starting', 'ready']);
    assert.match(seen[2].message ?? '', /could not be started: spawn EAGAIN/);
    assert.equal(h.state.restarts, 2);
    assert.equal(h.pid, fork.procs[1].pid);
  });

  it('the first start whose fork throws only rejects (its caller says why), with no restart behind its back', async () => {
    const fork = plannedForker(['throw']);
    const h = host(fork);
    await assert.rejects(h.start(), /spawn EAGAIN/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.state.state, 'starting');
    assert.equal(fork.procs.length, 0, 'no fork tried again');
  });

  it('an engine that never reports ready is killed after startTimeoutMs and restarted; calls made meanwhile are answered by the next', async () => {
    const fork = plannedForker(['ready', 'hang', 'ready']);
    const h = host(fork, { startTimeoutMs: 150 });
    await h.start();
    const states = statesUntil(h, 1);
    fork.procs[0].die();
    const seen = await states;
    assert.deepEqual(seen.map((s) => s.state), ['crashed', 'starting', 'crashed', 'starting', 'ready']);
    assert.equal(fork.procs[1].killedWith, 'SIGKILL', 'the hung engine was killed');
    assert.match(seen[2].message ?? '', /did not report ready within 0.15 s of starting/);
    assert.equal(h.state.restarts, 2);
  });

  it('an engine that reports ready in time is not killed', async () => {
    const fork = plannedForker(['ready']);
    const h = host(fork, { startTimeoutMs: 50 });
    await h.start();
    await new Promise((r) => setTimeout(r, 150)); // (a ref'd timer: the loop stays up past the watchdog's 50 ms)
    assert.equal(fork.procs[0].killedWith, null);
    assert.equal(h.state.state, 'ready');
  });

  it('a hang counts towards the crash limit: hung engines one after another end in "stopped", not a loop', async () => {
    const fork = plannedForker(['ready', 'hang', 'hang', 'hang']);
    const h = host(fork, { startTimeoutMs: 30, maxRestarts: 2 });
    await h.start();
    const states = statesUntil(h, 99);
    fork.procs[0].die();
    const seen = await states;
    assert.equal(seen.at(-1)?.state, 'stopped');
    assert.match(seen.at(-1)?.message ?? '', /crashed 3 times in a minute \(last: it did not report ready/);
  });
});

describe('EngineHost with the data folder lock (main/data-lock)', { timeout: 20_000 }, () => {
  it('held by another: no engine is forked, the host is "stopped" with the message, waiting calls reject with DATA_FOLDER_IN_USE; start() again takes it once free; stop() lets it go; a crash restart keeps it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rs-host-lock-'));
    try {
      const other = await lockDataFolder(dir, { command: 'studio serve' });
      const fork = plannedForker(['ready', 'ready']);
      const h = new EngineHost({ fork, enginePath: '/nowhere', dataDir: dir, mode: 'web', version: 'test', lock: { command: 'Resonance Studio' } });
      const waiting = h.call('app:get-info', {});
      await assert.rejects(h.start(), { code: 'DATA_FOLDER_IN_USE' });
      await assert.rejects(waiting, (e: { code: string; message: string }) => e.code === 'DATA_FOLDER_IN_USE' && /in use by studio serve \(pid \d+/.test(e.message));
      assert.equal(fork.procs.length, 0, 'no engine was started');
      assert.equal(h.state.state, 'stopped');
      assert.match(h.state.message ?? '', /in use by studio serve/);
      await other.release();
      await h.start();
      assert.equal(readDataLockOwner(dir)?.command, 'Resonance Studio');
      const states = statesUntil(h, 1);
      fork.procs[0].die();
      await states;
      assert.equal(fork.procs.length, 2, 'restarted');
      assert.equal(readDataLockOwner(dir)?.command, 'Resonance Studio', 'kept across the restart');
      await h.stop();
      assert.equal(existsSync(join(dir, LOCK_DIR)), false, 'released by stop()');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a lock left by a killed holder: taken over, and the first ready says so (engine:state tookOver, what the app\'s window and every CLI command show), the restart\'s ready does not (crash35)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rs-host-took-over-'));
    try {
      // a real holder, killed with its lock held
      const script = `import { lockDataFolder } from ${JSON.stringify(join(process.cwd(), 'main/data-lock/index.ts'))};
        await lockDataFolder(${JSON.stringify(dir)}, { command: 'studio serve' }); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((r) => child.stdout!.on('data', (d: Buffer) => String(d).includes('locked') && r()));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // its heartbeat aged as a few seconds after the kill: taken over at once (the wait: data-lock.test.ts)
      ageDataLock(dir);
      const fork = plannedForker(['ready', 'ready']);
      const h = new EngineHost({ fork, enginePath: '/nowhere', dataDir: dir, mode: 'desktop', version: 'test', lock: { command: 'Resonance Studio' } });
      const first = statesUntil(h, 1);
      await h.start();
      const ready = (await first).filter((x) => x.state === 'ready');
      assert.match(ready[0].tookOver ?? '', new RegExp(`^the data folder was left locked by studio serve \\(pid ${child.pid}, since [^)]+\\), which ended without giving it up`));
      assert.equal(h.state.tookOver, ready[0].tookOver, 'the state sent to a window that loads now carries it');
      const again = statesUntil(h, 1);
      fork.procs[0].die();
      const restart = await again;
      assert.deepEqual(restart.map((x) => x.state), ['crashed', 'starting', 'ready']);
      assert.ok(restart.every((x) => x.tookOver === undefined), 'said once: not on the restart');
      assert.equal(h.state.tookOver, undefined);
      await h.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
