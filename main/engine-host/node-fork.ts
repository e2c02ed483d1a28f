import { fork } from 'node:child_process';
import type { EngineProcess, Forker } from './index';

/** child_process.fork: the CLI, `studio serve` and tests. */
export const nodeForker: Forker = (modulePath, env) => {
  const child = fork(modulePath, [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  const proc: EngineProcess = {
    get pid() {
      return child.pid;
    },
    send: (m) => {
      if (child.connected) child.send(m as object);
      else throw new Error('engine channel closed');
    },
    onMessage: (l) => void child.on('message', l),
    onExit: (l) => void child.on('exit', (code, signal) => l(code, signal)),
    kill: (signal = 'SIGTERM') => void child.kill(signal),
  };
  return proc;
};
