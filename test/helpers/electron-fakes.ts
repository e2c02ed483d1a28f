// Fakes for the Electron objects main/electron/* takes as parameters, and an
// in-process engine (the real RpcServer with test handlers) behind a Forker.
import { EventEmitter } from 'node:events';
import { RpcServer, type Handlers, type Port } from '@contract';
import { EngineHost, type EngineProcess, type Forker } from '../../main/engine-host';
import type { FrameLike, IpcEventLike, IpcMainLike, SenderLike } from '../../main/electron/ipc';

/** An engine in this process: the contract's RpcServer over a message queue, like a real child. */
export function inProcessForker(handlers: Handlers): Forker & { forks: number; emit?: (name: string, payload: unknown) => void } {
  const forker = ((_modulePath: string, _env: Record<string, string>) => {
    forker.forks++;
    const toEngine = new Set<(m: unknown) => void>();
    const toHost = new Set<(m: unknown) => void>();
    const exits = new Set<(code: number | null, signal: string | null) => void>();
    let alive = true;
    const deliver = (ls: Set<(m: unknown) => void>, m: unknown) => {
      const copy = structuredClone(m);
      setImmediate(() => {
        if (alive) for (const l of ls) l(copy);
      });
    };
    const enginePort: Port = {
      send: (m) => deliver(toHost, m),
      onMessage: (l) => {
        toEngine.add(l);
        return () => toEngine.delete(l);
      },
    };
    const server = new RpcServer(enginePort, handlers);
    forker.emit = (name, payload) => server.emit(name, payload);
    const die = (code: number | null, signal: string | null) => {
      if (!alive) return;
      alive = false;
      server.close();
      setImmediate(() => {
        for (const l of exits) l(code, signal);
      });
    };
    const proc: EngineProcess = {
      pid: 4242 + forker.forks,
      send: (m) => {
        if (!alive) throw new Error('engine channel closed');
        deliver(toEngine, m);
      },
      onMessage: (l) => void toHost.add(l),
      onExit: (l) => void exits.add(l),
      kill: (signal = 'SIGTERM') => die(signal === 'SIGTERM' ? 0 : null, signal),
    };
    enginePort.send({ t: 'event', name: 'engine:ready', payload: { pid: proc.pid } });
    return proc;
  }) as Forker & { forks: number; emit?: (name: string, payload: unknown) => void };
  forker.forks = 0;
  return forker;
}

export async function startFakeEngine(handlers: Handlers, opts: { maxRestarts?: number } = {}) {
  const fork = inProcessForker(handlers);
  const host = new EngineHost({ fork, enginePath: '/fake/engine.js', dataDir: '/fake/data', mode: 'desktop', version: 'test', maxRestarts: opts.maxRestarts });
  await host.start();
  return { host, fork };
}

export class FakeWebContents extends EventEmitter implements SenderLike {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  destroyed = false;
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
  sentOn(channel: string): unknown[][] {
    return this.sent.filter((s) => s.channel === channel).map((s) => s.args);
  }
}

export function frame(url: string, parent: FrameLike | null = null): FrameLike {
  return { url, parent };
}

export function ipcEvent(sender: SenderLike, senderFrame: FrameLike | null): IpcEventLike {
  return { sender, senderFrame };
}

/** ipcMain: records handlers; `invoke` and `emit` play the renderer's side. */
export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  readonly listeners = new Map<string, Set<(event: IpcEventLike, ...args: unknown[]) => void>>();
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): this {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(listener);
    return this;
  }
  removeListener(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  /** like ipcRenderer.invoke: Electron would turn a throw into a mangled Error; keep the raw outcome */
  async invoke(event: IpcEventLike, channel: string, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h(event, ...args);
  }
  send(event: IpcEventLike, channel: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(channel) ?? []) l(event, ...args);
  }
}

/**
 * Resolve when `cond` holds (polling the event loop, no fixed sleeps).
 * `timeoutMs` is only a hang guard (2 min): what is waited for (a fork, an
 * engine restart) takes as long as the machine needs.
 */
export async function until(cond: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
