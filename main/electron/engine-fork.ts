// The engine under Electron: utilityProcess.fork behind EngineHost's Forker.
import type { Writable } from 'node:stream';
import type { EngineProcess, Forker } from '../engine-host';

export const ENGINE_SERVICE_NAME = 'Resonance Studio Engine';

interface ReadableLike {
  pipe(dest: Writable, opts?: { end?: boolean }): unknown;
}
/** Electron's UtilityProcess, as much as EngineHost needs. */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  readonly stdout: ReadableLike | null;
  readonly stderr: ReadableLike | null;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}
export interface UtilityProcessModuleLike {
  fork(modulePath: string, args: string[], options: { env: Record<string, string>; serviceName: string; stdio: 'pipe' }): UtilityProcessLike;
}

/**
 * A Forker on utilityProcess.fork. The engine reads `process.parentPort`
 * there (main/engine/port.ts). Its stdout/stderr go to `log` (they must be
 * read, or the engine blocks once the pipe is full).
 */
export function electronForker(
  utilityProcess: UtilityProcessModuleLike,
  opts: { log?: Writable; baseEnv?: NodeJS.ProcessEnv; kill?: (pid: number, signal: 'SIGKILL') => void } = {},
): Forker {
  return (modulePath, env) => {
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.baseEnv ?? process.env)) if (typeof v === 'string') base[k] = v;
    const child = utilityProcess.fork(modulePath, [], { env: { ...base, ...env }, serviceName: ENGINE_SERVICE_NAME, stdio: 'pipe' });
    if (opts.log) {
      child.stdout?.pipe(opts.log, { end: false });
      child.stderr?.pipe(opts.log, { end: false });
    }
    let alive = true;
    child.on('exit', () => {
      alive = false;
    });
    const proc: EngineProcess = {
      get pid() {
        return child.pid;
      },
      send: (m) => {
        if (!alive) throw new Error('engine channel closed');
        child.postMessage(m);
      },
      onMessage: (l) => void child.on('message', l),
      // a utility process reports only its exit code; a kill shows as a non-zero code
      onExit: (l) => void child.on('exit', (code) => l(code, null)),
      kill: (signal = 'SIGTERM') => {
        if (!alive) return;
        if (signal === 'SIGKILL' && child.pid !== undefined) (opts.kill ?? ((pid, s) => process.kill(pid, s)))(child.pid, 'SIGKILL');
        else child.kill();
      },
    };
    return proc;
  };
}
