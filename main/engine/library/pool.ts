/**
 * The analysis worker pool: `os.availableParallelism()` worker threads (at
 * least 1), each analysing one track at a time with its own ffmpeg, so the
 * engine's event loop (chat, queries, the UI) never runs DSP. A worker that
 * dies fails its track and is replaced.
 */
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StudioError, type StudioErrorData } from '@contract';
import { analyseForLibrary, type AnalyseRequest, type LibraryAnalysis } from './analyse';
import { ffmpegFacts } from '../media/ffmpeg';
import type { FromWorker, ToWorker } from './worker';

export interface Analyse {
  /** how many tracks may run at once */
  readonly size: number;
  run(req: AnalyseRequest, signal: AbortSignal, onProgress: (doneSec: number) => void): Promise<LibraryAnalysis>;
  close(): Promise<void>;
}

/** In the engine's own thread (tests, or where worker threads are unavailable). */
export class InlineAnalyse implements Analyse {
  readonly size = 1;
  run(req: AnalyseRequest, signal: AbortSignal, onProgress: (doneSec: number) => void): Promise<LibraryAnalysis> {
    return untilAborted(analyseForLibrary(req, signal, onProgress), signal);
  }
  async close(): Promise<void> {}
}

/** The worker entry next to the engine bundle (out/engine/analysis-worker.js), or the .ts source under tsx. */
export function workerEntry(): { url: URL; execArgv?: string[] } | null {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { url: new URL('./worker.ts', here), execArgv: ['--import', 'tsx'] };
  const url = new URL('./analysis-worker.js', here);
  return existsSync(fileURLToPath(url)) ? { url } : null;
}

/**
 * Each analysis worker's young generation (worker resourceLimits.maxYoungGenerationSizeMb; V8 splits it 1:1:1 into
 * the two semi-spaces and the new large-object space, so 3 MB = 1 MB semi-spaces; V8 grows them to 16 MB by default).
 * Every ffmpeg spawn forks the engine, and after each fork every page the process writes takes a copy-on-write page
 * fault once: large semi-spaces that a scavenge writes through anew each time are most of those pages. Smaller ones
 * cut the engine's page faults ~10 % and its CPU a few per cent (speed24, BENCHMARKS.md "Throughput (speed24)"); GC
 * settings change no result.
 */
export const WORKER_YOUNG_GENERATION_MB = 3;

export function poolSize(): number {
  const env = Number(process.env.STUDIO_ANALYSIS_WORKERS);
  if (Number.isInteger(env) && env >= 1) return env;
  return Math.max(1, availableParallelism());
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

interface Pending {
  resolve(v: LibraryAnalysis): void;
  reject(e: unknown): void;
  onProgress(doneSec: number): void;
  slot: Slot;
}

export class WorkerPool implements Analyse {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly entry: { url: URL; execArgv?: string[] },
  ) {}

  private spawn(): Slot {
    const worker = new Worker(this.entry.url, { execArgv: this.entry.execArgv, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    // the engine's ffmpeg facts (located and its layout table read once per process, while the worker loads), not
    // asked again by each worker; messages keep their order, so the worker has them before its first job
    worker.postMessage({ t: 'ffmpeg', facts: ffmpegFacts() } satisfies ToWorker);
    const slot: Slot = { worker, busy: false };
    worker.on('message', (m: FromWorker) => {
      const p = this.pending.get(m.id);
      if (m.t === 'progress') return p?.onProgress(m.doneSec);
      this.pending.delete(m.id);
      this.release(slot); // also for an answer to a call that was cancelled
      if (!p) return;
      if (m.t === 'done') p.resolve(m.result);
      else p.reject(new StudioError(m.error.code, m.error.message, m.error.detail));
    });
    const died = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      for (const [id, p] of this.pending) {
        if (p.slot !== slot) continue;
        this.pending.delete(id);
        p.reject(new StudioError('INTERNAL', `The analysis worker stopped (${why}) while analysing this file.`));
      }
      this.wake();
    };
    worker.on('error', (e) => died(e.message));
    worker.on('exit', (code) => died(`exit code ${code}`));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private release(slot: Slot): void {
    slot.busy = false;
    this.wake();
  }

  private wake(): void {
    const w = this.waiting.shift();
    if (w) w();
  }

  /**
   * A worker for one track, taken (busy) before it is returned: callers that
   * ask at once get different workers (a slot marked busy only after the
   * await let every runner of a scan share the first worker, so the whole
   * scan's analysis ran on one thread).
   */
  private async acquire(): Promise<Slot> {
    for (;;) {
      if (this.closed) throw new StudioError('CANCELLED', 'The analysis pool was closed.');
      const slot = this.slots.find((s) => !s.busy) ?? (this.slots.length < this.size ? this.spawn() : undefined);
      if (slot) {
        slot.busy = true;
        return slot;
      }
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  async run(req: AnalyseRequest, signal: AbortSignal, onProgress: (doneSec: number) => void): Promise<LibraryAnalysis> {
    const slot = await this.acquire();
    if (signal.aborted) {
      this.release(slot);
      throw new StudioError('CANCELLED', 'Cancelled.');
    }
    const id = this.nextId++;
    return new Promise<LibraryAnalysis>((resolve, reject) => {
      // Cancel ends the call at once; a worker that does not answer it (stuck in I/O) is replaced.
      const onAbort = () => {
        slot.worker.postMessage({ t: 'cancel', id } satisfies ToWorker);
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        p.reject(new StudioError('CANCELLED', 'Cancelled.'));
        const timer = setTimeout(() => this.retire(slot), 2000);
        timer.unref();
        slot.worker.once('message', () => clearTimeout(timer));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => signal.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (v) => (done(), resolve(v)),
        reject: (e) => (done(), reject(e)),
        onProgress,
        slot,
      });
      slot.worker.postMessage({ t: 'job', id, req } satisfies ToWorker);
    });
  }

  /** drop a worker that stopped answering; a fresh one is spawned when needed */
  private retire(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate().catch(() => undefined);
    this.wake();
  }

  /** Terminate every worker (waiting at most a second for each: one blocked in a system call cannot stop sooner). */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w();
    await Promise.all(this.slots.splice(0).map((s) => untilTimeout(s.worker.terminate(), 1000)));
  }
}

/** `p`, or a CANCELLED rejection as soon as `signal` aborts (the work itself is left to stop on its own). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new StudioError('CANCELLED', 'Cancelled.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new StudioError('CANCELLED', 'Cancelled.'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function untilTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
    p.then(
      () => (clearTimeout(t), resolve()),
      () => (clearTimeout(t), resolve()),
    );
  });
}

/** The pool for a scan: worker threads when the worker bundle is there, else inline. */
export function makeAnalyse(): Analyse {
  const entry = workerEntry();
  return entry ? new WorkerPool(poolSize(), entry) : new InlineAnalyse();
}

export type { StudioErrorData };
