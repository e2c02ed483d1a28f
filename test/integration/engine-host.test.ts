// The real engine (out/engine/index.js) under EngineHost + nodeForker, over
// the real protocol: calls, typed errors, cancellation, crash and restart.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { StudioErrorData } from '@contract';
import { EngineHost, type EngineState } from '../../main/engine-host';
import { engineExecArgv, nodeForker } from '../../main/engine-host/node-fork';
import { ROOT, toneFile } from '../helpers/media';

const ENGINE = join(ROOT, 'out', 'engine', 'index.js');

function host(dataDir: string, opts: { maxRestarts?: number } = {}): EngineHost {
  if (!existsSync(ENGINE)) throw new Error(`${ENGINE} is missing: run \`npm run build\` first.`);
  return new EngineHost({ fork: nodeForker, enginePath: ENGINE, dataDir, mode: 'desktop', version: 'test', ...opts });
}

function code(err: unknown): string {
  return (err as StudioErrorData).code;
}

/**
 * Resolve with the states seen until `last` (inclusive). EngineHost's restart
 * timer is unref'd (it must not keep a CLI alive), so hold the event loop open
 * while waiting for it.
 */
function statesUntil(h: EngineHost, last: EngineState['state']): Promise<EngineState['state'][]> {
  const seen: EngineState['state'][] = [];
  const hold = setInterval(() => undefined, 1000);
  return new Promise<EngineState['state'][]>((resolve) => {
    const off = h.onState((s) => {
      seen.push(s.state);
      if (s.state === last) {
        off();
        resolve(seen);
      }
    });
  }).finally(() => clearInterval(hold));
}

describe('EngineHost with the real engine process', () => {
  let dataDir: string;
  let engine: EngineHost;
  let tone: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'studio-engine-host-'));
    tone = toneFile('engine-host-tone.wav', 3);
    // two restarts allowed: the crash tests below use them up, in order
    engine = host(dataDir, { maxRestarts: 2 });
    await engine.start();
  });
  after(async () => {
    await engine?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a call', async () => {
    const info = await engine.call('app:get-info', {});
    assert.equal(info.mode, 'desktop');
    assert.equal(info.dataDir, dataDir);
    assert.equal(info.engine.pid, engine.pid);
    assert.equal(engine.state.state, 'ready');
  });

  it('the built engine runs without the test runner\'s TypeScript loader (was --import tsx: ~1.8 s of CPU more per engine start); other Node options are kept', async () => {
    // this file runs under `node --import tsx --test`: the engine child used to inherit the loader
    assert.ok(process.execArgv.includes('tsx'), `this test runs under tsx: ${process.execArgv.join(' ')}`);
    if (process.platform === 'linux') {
      const argv = readFileSync(`/proc/${engine.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      assert.ok(!argv.some((a) => /(^|[=/])tsx\b/.test(a)), `engine command line: ${argv.join(' ')}`);
      assert.ok(argv.some((a) => a.endsWith(join('out', 'engine', 'index.js'))), argv.join(' '));
    }
    assert.deepEqual(engineExecArgv(ENGINE, ['--import', 'tsx', '--max-old-space-size=512', '--require=tsx/cjs', '--inspect']), ['--max-old-space-size=512', '--inspect']);
    assert.deepEqual(engineExecArgv(ENGINE, ['--loader', 'tsx', '--import=tsx/esm', '-r', 'tsx', '--import', './other.mjs']), ['--import', './other.mjs']);
    // a TypeScript module still gets the loader it needs
    assert.deepEqual(engineExecArgv('/x/engine.ts', ['--import', 'tsx']), ['--import', 'tsx']);
  });

  it('answers bad arguments with BAD_ARGS and an unknown method with UNKNOWN_METHOD', async () => {
    await assert.rejects(engine.callRaw('media:probe', { path: 42 }), (e) => code(e) === 'BAD_ARGS');
    await assert.rejects(engine.callRaw('media:probe', { path: '/x', extra: true }), (e) => code(e) === 'BAD_ARGS');
    await assert.rejects(engine.callRaw('media:nothing', {}), (e) => code(e) === 'UNKNOWN_METHOD');
    // and it is still fine
    assert.deepEqual(await engine.call('recent:list', {}), []);
  });

  it('cancels a call: CANCELLED', async () => {
    const pending = engine.callRaw('media:probe', { path: tone }, { callId: 'cancel-me' });
    engine.cancel('cancel-me');
    await assert.rejects(pending, (e) => code(e) === 'CANCELLED');
    // an AbortSignal does the same
    const ac = new AbortController();
    const viaSignal = engine.callRaw('media:probe', { path: tone }, { signal: ac.signal });
    ac.abort();
    await assert.rejects(viaSignal, (e) => code(e) === 'CANCELLED');
    assert.equal((await engine.call('media:probe', { path: tone })).durationSec > 2.9, true);
  });

  it('rejects the call in flight with ENGINE_CRASHED when the engine dies, restarts it, and works again', async () => {
    const before = engine.pid;
    const states = statesUntil(engine, 'ready');
    const pending = engine.callRaw('media:probe', { path: tone });
    engine.killForTest();
    await assert.rejects(pending, (e) => code(e) === 'ENGINE_CRASHED' && /restarted/.test((e as StudioErrorData).message));
    assert.deepEqual(await states, ['crashed', 'starting', 'ready']);
    assert.equal(engine.state.restarts, 1);
    assert.notEqual(engine.pid, before);
    const info = await engine.call('app:get-info', {});
    assert.equal(info.engine.restarts, 1);
    assert.equal(info.engine.pid, engine.pid);
  });

  it('queues calls made while the engine restarts', async () => {
    const ready = statesUntil(engine, 'ready');
    engine.killForTest();
    await statesUntil(engine, 'crashed');
    const during = engine.call('recent:list', {});
    await ready;
    assert.deepEqual(await during, []);
    assert.equal(engine.state.restarts, 2);
  });

  it('gives up after too many crashes: stopped, with a message, and ENGINE_UNAVAILABLE', async () => {
    const stopped = statesUntil(engine, 'stopped');
    engine.killForTest();
    assert.deepEqual(await stopped, ['stopped']);
    assert.match(engine.state.message ?? '', /crashed 3 times/);
    await assert.rejects(engine.call('recent:list', {}), (e) => code(e) === 'ENGINE_UNAVAILABLE');
  });
});

describe('nodeForker: a message to an engine that has just died', () => {
  it('is dropped, not thrown as an unheard "error" event (studio serve died of EPIPE when a page called the moment its engine was SIGKILLed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'studio-fork-epipe-'));
    const script = join(dir, 'idle.mjs');
    writeFileSync(script, "process.on('message', () => undefined);\nsetInterval(() => undefined, 1000);\nprocess.send('up');\n");
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => void uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      const child = nodeForker(script, {});
      const up = new Promise<void>((r) => child.onMessage(() => r()));
      const exited = new Promise<string | null>((r) => child.onExit((_code, signal) => r(signal)));
      await up;
      child.kill('SIGKILL');
      // the child is dead before this process reads its exit: the channel still says connected, the write gets EPIPE
      execFileSync('sleep', ['0.3']);
      for (let i = 0; i < 3; i++) child.send({ t: 'req', id: `c${i}`, method: 'app:get-info', args: {} });
      assert.equal(await exited, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(uncaught.map((e) => (e as Error).message), [], 'no unheard error event');
    } finally {
      process.off('uncaughtException', onUncaught);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
