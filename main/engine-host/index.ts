import {
  isStudioErrorData,
  StudioError,
  RpcClient,
  toErrorData,
  type EventPayload,
  type Port,
  type StudioErrorData,
} from '@contract';
import { lockDataFolder, tookOverText, type DataLock, type DataLockOptions } from '../data-lock';

/** A started engine process, whichever way it was forked. */
export interface EngineProcess {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** SIGTERM lets the engine close its database; SIGKILL is for tests of crashes */
  kill(signal?: 'SIGTERM' | 'SIGKILL'): void;
}

/**
 * ONNX Runtime's telemetry off in every engine (cli40): onnxruntime-node 1.30's Linux and macOS builds carry 1DS
 * telemetry (microsoft/onnxruntime PR 27379, "Add POSIX telemetry"), which on the first session writes `.ses` and
 * `mat-debug-<pid>.log` into the temporary folder (left behind by every `studio ask`, lock39), a device id and an
 * offline event store (`onnxruntime.db`, megabytes) under ~/.cache/Microsoft/DeveloperTools/.onnxruntime, and uploads
 * events. `ORT_DISABLE_TELEMETRY=1`, set before ONNX Runtime starts — the engine's environment, inherited by the
 * WebGPU probe it forks — turns all of it off: no uploader, no events, no device id, no cache. A value the user set
 * in the host's own environment is kept (node-fork and the Electron forker put the host's environment first).
 */
export const ORT_TELEMETRY_OFF: Record<string, string> = process.env.ORT_DISABLE_TELEMETRY === undefined ? { ORT_DISABLE_TELEMETRY: '1' } : {};

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
  /**
   * ms a started engine has to report ready before it is killed and counted as a crash
   * (default 60 000: a start takes ~1 s; one that hangs would otherwise leave every call waiting for ever)
   */
  startTimeoutMs?: number;
  /**
   * Take the data folder's lock (main/data-lock) before the first engine starts, held until stop():
   * every host that opens a data folder for writing passes it (the app, `studio serve`, `studio analyze --db`,
   * `studio model`). Absent: no lock (a throwaway data folder, the tests' fake engines).
   */
  lock?: DataLockOptions;
}

/**
 * Starts the engine and restarts it when it dies. It *is* the RpcClient of
 * the engine's channel (call, callRaw, cancel, onEvent come from the
 * contract): calls made while the engine starts or restarts wait for it;
 * calls in flight when it dies reject with ENGINE_CRASHED; calls made after
 * it was given up reject with ENGINE_UNAVAILABLE. The `engine:state` event
 * tells the UI (crashed → ready).
 */
export class EngineHost extends RpcClient {
  private proc: EngineProcess | undefined;
  private readonly listeners: Set<(m: unknown) => void>;
  /** messages sent while the engine is (re)starting, flushed when it is ready */
  private waiting: unknown[] = [];
  private readonly stateListeners = new Set<(s: EngineState) => void>();
  private restarts = 0;
  private crashTimes: number[] = [];
  private stopping = false;
  /** an engine of this host has reported ready once (a later start that fails is a crash to retry) */
  private everReady = false;
  private ready: Promise<void> | undefined;
  private lastState: EngineState = { state: 'starting', restarts: 0 };
  private dataLock: DataLock | undefined;
  /** what the first 'ready' tells of a left-behind lock taken over (EngineState.tookOver), then cleared */
  private tookOver: string | undefined;

  constructor(private readonly opts: EngineHostOptions) {
    // RpcClient subscribes during super(), before this class's fields exist
    const listeners = new Set<(m: unknown) => void>();
    const self: { host?: EngineHost } = {};
    const port: Port = {
      send: (m) => self.host!.toEngine(m),
      onMessage: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    super(port);
    self.host = this;
    this.listeners = listeners;
  }

  private toEngine(m: unknown): void {
    if (this.proc && this.lastState.state === 'ready') return this.proc.send(m);
    if (this.lastState.state === 'stopped') {
      throw { code: 'ENGINE_UNAVAILABLE', message: this.lastState.message ?? 'The analysis engine is not running.' } satisfies StudioErrorData;
    }
    this.waiting.push(m);
  }

  get state(): EngineState {
    return this.lastState;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** The data folder's lock as taken by start() (undefined before, without `lock`, or after stop()): DataLock.tookOver says whether a left-behind one was taken over. */
  get lock(): DataLock | undefined {
    return this.dataLock;
  }

  /**
   * Start the engine; resolves when it reports ready. With `lock`, the data folder's lock is taken first
   * (kept across restarts): held by another process, it rejects with DATA_FOLDER_IN_USE and the host is
   * 'stopped' with that message (calls reject with it); start() may be called again to retry. A folder where
   * the lock cannot be made (not writable, a file in the way) starts the engine, whose error says why.
   */
  start(): Promise<void> {
    if (this.opts.lock && !this.dataLock) {
      this.stopping = false;
      this.setState({ state: 'starting', restarts: this.restarts });
      this.ready = lockDataFolder(this.opts.dataDir, this.opts.lock).then(
        (lock) => {
          this.dataLock = lock;
          this.tookOver = tookOverText(lock) ?? undefined;
          return this.startEngine(true);
        },
        (err: unknown) => {
          // a folder that cannot be made or written (EACCES, EROFS, ENOTDIR): the engine's start says so in its words
          // (openDb: what happened, --data-dir); nothing can write there, so nothing needs the lock
          if (!(err instanceof StudioError)) return this.startEngine(true);
          const e = toErrorData(err);
          this.waiting = [];
          this.setState({ state: 'stopped', restarts: this.restarts, message: e.message });
          this.failAll({ code: e.code === 'INTERNAL' ? 'ENGINE_UNAVAILABLE' : e.code, message: e.message });
          throw err;
        },
      );
      return this.ready;
    }
    return this.startEngine();
  }

  /** Fork the engine and wait for it; `announced`: 'starting' was already sent (the lock was taken first). */
  private startEngine(announced = false): Promise<void> {
    this.stopping = false;
    this.ready = new Promise<void>((resolve, reject) => {
      if (!announced) this.setState({ state: 'starting', restarts: this.restarts });
      let proc: EngineProcess;
      try {
        proc = this.opts.fork(this.opts.enginePath, {
          ...ORT_TELEMETRY_OFF,
          ...this.opts.env,
          STUDIO_DATA_DIR: this.opts.dataDir,
          STUDIO_MODE: this.opts.mode,
          STUDIO_VERSION: this.opts.version,
          STUDIO_RESTARTS: String(this.restarts),
          // what this engine is to the user (the data lock's command: "Resonance Studio", "studio serve", "studio model
          // get"), for the words of a lock it holds (the models folder's Get lock: catalog/lock.ts modelsFolderBusy)
          ...(this.opts.lock ? { STUDIO_HOST_COMMAND: this.opts.lock.command } : {}),
        });
      } catch (err) {
        // the OS refused the process (EAGAIN, ENOMEM): a crash like any other, retried with back-off,
        // instead of a host left 'starting' for ever with every call waiting
        // (the first start only rejects: its caller says why and stops)
        reject(err);
        if (this.everReady) this.onCrash(`could not be started: ${(err as Error).message}`);
        return;
      }
      this.proc = proc;
      let isReady = false;
      let failure: StudioError | undefined;
      let hung = false;
      const startTimeoutMs = this.opts.startTimeoutMs ?? 60_000;
      const watchdog = setTimeout(() => {
        if (isReady || this.proc !== proc) return;
        hung = true;
        proc.kill('SIGKILL');
      }, startTimeoutMs);
      watchdog.unref?.();
      proc.onMessage((m) => {
        const msg = m as { t?: string; name?: string; payload?: unknown };
        if (!isReady && msg?.t === 'event' && msg.name === 'engine:failed' && isStudioErrorData(msg.payload)) {
          failure = StudioError.fromData(msg.payload);
          return;
        }
        if (!isReady && msg?.t === 'event' && msg.name === 'engine:ready') {
          isReady = true;
          this.everReady = true;
          clearTimeout(watchdog);
          // a lock taken over is told once, with the first ready (every host shows EngineState.tookOver)
          this.setState({ state: 'ready', restarts: this.restarts, ...(this.tookOver ? { tookOver: this.tookOver } : {}) });
          this.tookOver = undefined;
          const queued = this.waiting;
          this.waiting = [];
          for (const q of queued) proc.send(q);
          resolve();
          return;
        }
        for (const l of this.listeners) l(m);
      });
      proc.onExit((code, signal) => {
        clearTimeout(watchdog);
        if (this.proc !== proc) return;
        this.proc = undefined;
        const how = hung ? `it did not report ready within ${startTimeoutMs / 1000} s of starting` : signal ? `killed by ${signal}` : `exit code ${code}`;
        this.waiting = [];
        this.failAll({
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

  onState(listener: (s: EngineState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Kill the engine process without stopping the host: it restarts (tests, diagnostics). */
  killForTest(): void {
    this.proc?.kill('SIGKILL');
  }

  /** Stop the engine (SIGTERM: it closes its database), then give the data folder's lock up. */
  async stop(): Promise<void> {
    this.stopping = true;
    const proc = this.proc;
    if (proc) {
      await new Promise<void>((resolve) => {
        proc.onExit(() => resolve());
        proc.kill('SIGTERM');
      });
    }
    const lock = this.dataLock;
    this.dataLock = undefined;
    await lock?.release();
  }

  private setState(s: EngineState): void {
    this.lastState = s;
    for (const l of this.stateListeners) l(s);
  }
}
