import { StudioError, toErrorData, type StudioErrorData } from './errors';
import { Progress } from './events';
import { isMethodName, methodSpec, type MethodArgs, type MethodInput, type MethodName, type MethodOutput } from './methods';
import { ToCallee, ToCaller, type WireResponse } from './wire';

/** A message channel: a child process, a utility process, a WebSocket. */
export interface Port {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

export interface CallContext {
  /** aborted when the caller cancels (or the channel closes) */
  signal: AbortSignal;
  progress(p: Progress): void;
}

export type Handler<M extends MethodName> = (args: MethodArgs<M>, ctx: CallContext) => Promise<MethodOutput<M>> | MethodOutput<M>;
export type Handlers = { [M in MethodName]?: Handler<M> };

/**
 * The receiving side. Validates every request against the contract before a
 * handler sees it; anything malformed gets a typed error, never a crash.
 */
export class RpcServer {
  private readonly inflight = new Map<string, AbortController>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly port: Port,
    private readonly handlers: Handlers,
    private readonly opts: { allow?: (m: MethodName) => boolean } = {},
  ) {
    this.unsubscribe = port.onMessage((m) => void this.receive(m));
  }

  close(): void {
    this.unsubscribe();
    for (const c of this.inflight.values()) c.abort();
    this.inflight.clear();
  }

  /** Push an event to the caller. */
  emit(name: string, payload: unknown): void {
    this.port.send({ t: 'event', name, payload });
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = ToCallee.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : undefined;
      if (id && /^[A-Za-z0-9_-]{1,64}$/.test(id)) this.reply({ t: 'res', id, ok: false, error: { code: 'BAD_ARGS', message: 'Malformed request.' } });
      return;
    }
    const msg = parsed.data;
    if (msg.t === 'cancel') {
      this.inflight.get(msg.id)?.abort();
      return;
    }
    const { id, method, args } = msg;
    if (this.inflight.has(id)) {
      this.reply({ t: 'res', id, ok: false, error: { code: 'BAD_ARGS', message: `Call id ${id} is already in use.` } });
      return;
    }
    if (!isMethodName(method) || (this.opts.allow && !this.opts.allow(method))) {
      this.reply({ t: 'res', id, ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method "${method}".` } });
      return;
    }
    const spec = methodSpec(method);
    const handler = this.handlers[method] as ((a: unknown, c: CallContext) => unknown) | undefined;
    if (!handler) {
      this.reply({ t: 'res', id, ok: false, error: { code: 'UNKNOWN_METHOD', message: `"${method}" is not handled here.` } });
      return;
    }
    const input = spec.input.safeParse(args ?? {});
    if (!input.success) {
      const issues = input.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
      this.reply({ t: 'res', id, ok: false, error: { code: 'BAD_ARGS', message: `Invalid arguments for ${method}: ${issues}` } });
      return;
    }
    const controller = new AbortController();
    this.inflight.set(id, controller);
    const ctx: CallContext = {
      signal: controller.signal,
      progress: (p) => {
        if (!controller.signal.aborted && spec.progress) this.port.send({ t: 'progress', id, progress: p });
      },
    };
    try {
      const value = await handler(input.data, ctx);
      if (controller.signal.aborted) throw new StudioError('CANCELLED', 'Cancelled.');
      this.reply({ t: 'res', id, ok: true, value: value ?? null });
    } catch (err) {
      const error = controller.signal.aborted ? { code: 'CANCELLED' as const, message: 'Cancelled.' } : toErrorData(err);
      this.reply({ t: 'res', id, ok: false, error });
    } finally {
      this.inflight.delete(id);
    }
  }

  private reply(r: WireResponse): void {
    this.port.send(r);
  }
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: StudioErrorData): void;
  onProgress?: (p: Progress) => void;
}

let counter = 0;
export function newCallId(prefix = 'c'): string {
  counter = (counter + 1) % 1e9;
  return `${prefix}${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The calling side. Rejections are always StudioErrorData.
 */
export class RpcClient {
  private readonly pending = new Map<string, Pending>();
  private readonly eventListeners = new Set<(name: string, payload: unknown) => void>();
  private readonly unsubscribe: () => void;

  constructor(private readonly port: Port) {
    this.unsubscribe = port.onMessage((m) => this.receive(m));
  }

  call<M extends MethodName>(
    method: M,
    args: MethodInput<M>,
    opts: { callId?: string; onProgress?: (p: Progress) => void; signal?: AbortSignal } = {},
  ): Promise<MethodOutput<M>> {
    return this.callRaw(method, args, opts) as Promise<MethodOutput<M>>;
  }

  /** Untyped call (for bridges that forward what they receive). */
  callRaw(method: string, args: unknown, opts: { callId?: string; onProgress?: (p: Progress) => void; signal?: AbortSignal } = {}): Promise<unknown> {
    const id = opts.callId ?? newCallId();
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject({ code: 'CANCELLED', message: 'Cancelled.' });
      this.pending.set(id, { resolve, reject, onProgress: opts.onProgress });
      opts.signal?.addEventListener('abort', () => this.cancel(id), { once: true });
      try {
        this.port.send({ t: 'req', id, method, args });
      } catch (err) {
        this.pending.delete(id);
        reject({ code: 'ENGINE_UNAVAILABLE', message: `Could not reach the engine: ${(err as Error).message}` });
      }
    });
  }

  cancel(id: string): void {
    if (!this.pending.has(id)) return;
    try {
      this.port.send({ t: 'cancel', id });
    } catch {
      // channel gone: failAll() will settle the call
    }
  }

  onEvent(listener: (name: string, payload: unknown) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Reject every pending call (the channel died). */
  failAll(error: StudioErrorData): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  close(): void {
    this.unsubscribe();
  }

  private receive(raw: unknown): void {
    const parsed = ToCaller.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.t === 'event') {
      for (const l of this.eventListeners) l(msg.name, msg.payload);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.t === 'progress') {
      const prog = Progress.safeParse(msg.progress);
      if (prog.success) p.onProgress?.(prog.data);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(msg.error);
  }
}
