import { fork } from 'node:child_process';
import type { EngineProcess, Forker } from './index';

/**
 * The Node options the engine child gets: this process's own, less a TypeScript loader (`--import tsx`,
 * `--require tsx`, `--loader tsx`, and their `=` forms) when the module forked is JavaScript, as the built engine
 * (out/engine/index.js) always is. Under the test runner (`node --import tsx --test`) every engine a test started
 * inherited the loader: ~1.8 s more CPU per engine start (tsx's hooks on every import of a 1 MB bundle and its
 * packages), again in each analysis worker thread (they inherit the engine's options), for nothing — the bundle
 * is plain JavaScript. Every other option (--inspect, --max-old-space-size, …) is kept.
 */
export function engineExecArgv(modulePath: string, parent: readonly string[] = process.execArgv): string[] {
  if (!/\.[cm]?js$/.test(modulePath)) return [...parent];
  const out: string[] = [];
  const isTsx = (v: string | undefined) => v !== undefined && /^tsx(\/|$)/.test(v);
  for (let i = 0; i < parent.length; i++) {
    const a = parent[i];
    if ((a === '--import' || a === '--require' || a === '-r' || a === '--loader' || a === '--experimental-loader') && isTsx(parent[i + 1])) {
      i++;
      continue;
    }
    const eq = /^(--import|--require|--loader|--experimental-loader)=(.*)$/.exec(a);
    if (eq && isTsx(eq[2])) continue;
    out.push(a);
  }
  return out;
}

/** child_process.fork: the CLI, `studio serve` and tests. */
export const nodeForker: Forker = (modulePath, env) => {
  const child = fork(modulePath, [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
    execArgv: engineExecArgv(modulePath),
  });
  const proc: EngineProcess = {
    get pid() {
      return child.pid;
    },
    send: (m) => {
      if (!child.connected) throw new Error('engine channel closed');
      // a write to an engine that has just died (killed, crashed) fails with EPIPE after `connected` said yes; without
      // a callback Node emits it as the child's 'error' event, which nothing heard: `studio serve` died of it (a page's
      // call the moment its engine was SIGKILLed). The engine's exit is reported by onExit, and the host rejects the
      // calls in flight and restarts it there: the failed write itself has nothing more to say.
      child.send(m as object, (err) => void err);
    },
    onMessage: (l) => void child.on('message', l),
    onExit: (l) => void child.on('exit', (code, signal) => l(code, signal)),
    kill: (signal = 'SIGTERM') => void child.kill(signal),
  };
  return proc;
};
