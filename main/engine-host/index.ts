import {
  isStudioErrorData,
  StudioError,
  RpcClient,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type Port,
  type Progress,
} from '@contract';

/** A started engine process, whichever way it was forked. */
export interface EngineProcess {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** SIGTERM lets the engine close its database; SIGKILL is for tests of crashes */
  kill(signal?: 'SIGTERM' | 'SIGKILL'): void;
}

/** utilityProcess.fork in the app, child_process.fork elsewhere. */
export type Forker = (modulePath: string, env: Record<string, string>) => EngineProcess;

export type EngineState = EventPayload<'engine:state'>;

export interface EngineHostOptions {
  fork: Forker;
  /** the built engine entry (out/engine/index.js) */
  enginePath: string;
  dataDir: string;
  mode: 'desktop' | 'web';
  version: string;
  /** restarts allowed within `crashWindowMs` before giving up */
  maxRestarts?: number;
  crashWindowMs?: number;
  /** extra environment for the engine (tests) */
  env?: Record<string, string>;
}

/**
 * Starts the engine, forwards calls to it, and restarts it when it dies.
 * Calls in flight when it dies reject with ENGINE_CRASHED; the `engine:state`
 * event tells the UI (crashed → ready).
 */
export class EngineHost {
  private proc: EngineProcess | undefined;
  private readonly listeners = new Set<(m: unknown) => void>();
  private readonly client: RpcClient;
  private readonly stateListeners = new Set<(s: EngineState) => void>();
  private readonly eventListeners = new Set<(name: string, payload: unknown) => void>();
  private restarts = 0;
  private crashTimes: number[] = [];
  private stopping = false;
  private ready: Promise<void> | undefined;
  private lastState: EngineState = { state: 'starting', restarts: 0 };

  constructor(private readonly opts: EngineHostOptions) {
    const port: Port = {
      send: (m) => {
        if (!this.proc) throw new Error('engine not running');
        this.proc.send(m);
      },
      onMessage: (l) => {
        this.listeners.add(l);
        return () => this.listeners.delete(l);
      },
    };
    this.client = new RpcClient(port);
    this.client.onEvent((name, payload) => {
      for (const l of this.eventListeners) l(name, payload);
    });
  }

  get state(): EngineState {
    return this.lastState;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Start the engine; resolves when it reports ready. */
  start(): Promise<void> {
    this.stopping = false;
    this.ready = new Promise<void>((resolve, reject) => {
      this.setState({ state: 'starting', restarts: this.restarts });
      const proc = this.opts.fork(this.opts.enginePath, {
        ...this.opts.env,
        STUDIO_DATA_DIR: this.opts.dataDir,
        STUDIO_MODE: this.opts.mode,
        STUDIO_VERSION: this.opts.version,
        STUDIO_RESTARTS: String(this.restarts),
      });
      this.proc = proc;
      let isReady = false;
      let failure: StudioError | undefined;
      proc.onMessage((m) => {
        const msg = m as { t?: string; name?: string; payload?: unknown };
        if (!isReady && msg?.t === 'event' && msg.name === 'engine:failed' && isStudioErrorData(msg.payload)) {
          failure = StudioError.fromData(msg.payload);
          return;
        }
        if (!isReady && msg?.t === 'event' && msg.name === 'engine:ready') {
          isReady = true;
          this.setState({ state: 'ready', restarts: this.restarts });
          resolve();
          return;
        }
        for (const l of this.listeners) l(m);
      });
      proc.onExit((code, signal) => {
        if (this.proc !== proc) return;
        this.proc = undefined;
        const how = signal ? `killed by ${signal}` : `exit code ${code}`;
        this.client.failAll({
          code: 'ENGINE_CRASHED',
          message: `The analysis engine stopped unexpectedly (${how}) while doing this. It is being restarted; try again.`,
        });
        if (!isReady) reject(failure ?? new Error(`The engine failed to start (${how}).`));
        if (failure) {
          // a start that fails for a reason (read-only database) fails again: no restart loop
          this.setState({ state: 'stopped', restarts: this.restarts, message: failure.message });
          return;
        }
        if (this.stopping) {
          this.setState({ state: 'stopped', restarts: this.restarts });
          return;
        }
        this.onCrash(how);
      });
    });
    return this.ready;
  }

  private onCrash(how: string): void {
    const now = Date.now();
    const windowMs = this.opts.crashWindowMs ?? 60_000;
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < windowMs), now];
    const max = this.opts.maxRestarts ?? 5;
    if (this.crashTimes.length > max) {
      this.setState({
        state: 'stopped',
        restarts: this.restarts,
        message: `The analysis engine crashed ${this.crashTimes.length} times in a minute (last: ${how}) and was not restarted again. Restart Resonance Studio; if it keeps happening, report it with the log.`,
      });
      return;
    }
    this.restarts++;
    this.setState({ state: 'crashed', restarts: this.restarts, message: `The analysis engine stopped unexpectedly (${how}) and was restarted.` });
    const delay = Math.min(2000, 100 * 2 ** (this.crashTimes.length - 1));
    setTimeout(() => {
      if (!this.stopping) this.start().catch(() => undefined);
    }, delay);
  }

  /** Wait until the engine is running (after a restart, too). */
  async whenReady(): Promise<void> {
    while (this.lastState.state !== 'ready') {
      if (this.lastState.state === 'stopped') throw new Error(this.lastState.message ?? 'The engine is stopped.');
      await new Promise<void>((resolve) => {
        const off = this.onState(() => {
          off();
          resolve();
        });
      });
    }
  }

  call<M extends MethodName>(
    method: M,
    args: MethodInput<M>,
    opts: { callId?: string; onProgress?: (p: Progress) => void; signal?: AbortSignal } = {},
  ): Promise<MethodOutput<M>> {
    return this.callRaw(method, args, opts) as Promise<MethodOutput<M>>;
  }

  /** Forward a call as received (the engine validates the arguments). */
  async callRaw(method: string, args: unknown, opts: { callId?: string; onProgress?: (p: Progress) => void; signal?: AbortSignal } = {}): Promise<unknown> {
    if (this.lastState.state !== 'ready') {
      if (this.lastState.state === 'stopped') {
        throw { code: 'ENGINE_UNAVAILABLE', message: this.lastState.message ?? 'The analysis engine is not running.' };
      }
      await this.whenReady().catch((e: Error) => {
        throw { code: 'ENGINE_UNAVAILABLE', message: e.message };
      });
    }
    return this.client.callRaw(method, args, opts);
  }

  cancel(callId: string): void {
    this.client.cancel(callId);
  }

  onState(listener: (s: EngineState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Events the engine pushes (media:file-gone, …). */
  onEvent<E extends EventName>(listener: (name: E, payload: EventPayload<E>) => void): () => void {
    const l = listener as (name: string, payload: unknown) => void;
    this.eventListeners.add(l);
    return () => this.eventListeners.delete(l);
  }

  /** Kill the engine process without stopping the host: it restarts (tests, diagnostics). */
  killForTest(): void {
    this.proc?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const proc = this.proc;
    if (!proc) return;
    await new Promise<void>((resolve) => {
      proc.onExit(() => resolve());
      proc.kill('SIGTERM');
    });
  }

  private setState(s: EngineState): void {
    this.lastState = s;
    for (const l of this.stateListeners) l(s);
  }
}
