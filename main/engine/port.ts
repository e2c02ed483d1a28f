import type { Port } from '@contract';

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  off(event: 'message', listener: (e: { data: unknown }) => void): void;
}

/**
 * The engine's channel to its host: Electron's `process.parentPort` when
 * started with utilityProcess.fork, Node's IPC channel when started with
 * child_process.fork. The engine never imports electron; parentPort is a
 * runtime global there.
 */
export function hostPort(): Port {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (m) => parentPort.postMessage(m),
      onMessage: (l) => {
        const h = (e: { data: unknown }) => l(e.data);
        parentPort.on('message', h);
        return () => parentPort.off('message', h);
      },
    };
  }
  if (!process.send) throw new Error('The engine must be started by a host (utilityProcess.fork or child_process.fork with an IPC channel).');
  return {
    send: (m) => {
      // a host gone while this engine was busy (a second Ctrl+C exits the CLI at once): `connected` stays true until
      // the event loop sees the channel close, and the write fails with EPIPE. The callback takes that error — without
      // one it is an 'error' event on process, an uncaught exception whose stack trace reached the user's terminal
      // (cli40) — and the channel's 'disconnect' ends the engine as for any host that exited
      if (process.connected) process.send!(m, undefined, undefined, () => undefined);
    },
    onMessage: (l) => {
      process.on('message', l);
      return () => process.off('message', l);
    },
  };
}
