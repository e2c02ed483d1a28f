import type { z } from 'zod';
import { StudioError, isStudioErrorData, toErrorData } from './errors';
import type { StudioErrorData } from './error-schemas';
import { Progress, events, type EventName, type EventPayload } from './events';
import { isMethodName, methodSpec, type MethodArgs, type MethodInput, type MethodName, type MethodOutput } from './methods';
import { CallId, MAX_ARGS_DEPTH, ToCallee, ToCaller, nestingExceeds, type WireResponse } from './wire';

/**
 * A message channel: a child process, a utility process, a WebSocket, one
 * window's Electron IPC. Messages are the plain objects of wire.ts.
 */
export interface Port {
  /** Send one message; throws when the channel is gone (may throw StudioErrorData). */
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
  /** Told when the channel drops (a WebSocket closing); calls in flight are then lost. */
  onClose?(listener: () => void): () => void;
}

/**
 * The abort reason a handler's signal carries when the caller's channel closed
 * (a page reloaded, a window closed) instead of the caller cancelling.
 */
export const DISCONNECTED = 'disconnected';

export interface CallContext {
  /** aborted when the caller cancels, or with reason DISCONNECTED when the channel closes */
  signal: AbortSignal;
  progress(p: Progress): void;
  /** stream answer text (methods declared `tokens: true`) */
  token(text: string): void;
}

export type Handler<M extends MethodName> = (args: MethodArgs<M>, ctx: CallContext) => Promise<MethodOutput<M>> | MethodOutput<M>;
export type Handlers = { [M in MethodName]?: Handler<M> };

/** Options of one call on the calling side. */
export interface CallOptions {
  /** the wire id (1–64 of A–Z a–z 0–9 _ -); a fresh one when absent */
  callId?: string;
  onProgress?: (p: Progress) => void;
  /** streamed answer text of `tokens: true` methods, in order */
  onToken?: (text: string) => void;
  /** aborting cancels the call at the callee; it then rejects with CANCELLED */
  signal?: AbortSignal;
}

/** The error for arguments that fail the method's schema: one message for every host. */
export function invalidArguments(method: string, error: z.ZodError): StudioErrorData {
  const issues = error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
  return { code: 'BAD_ARGS', message: `Invalid arguments for ${method}: ${issues}` };
}

/** The error for a call id that names a call still running on this channel. */
export function callIdInUse(id: string): StudioErrorData {
  return { code: 'BAD_ARGS', message: `Call id ${id} is already in use.` };
}

export interface RpcServerOptions {
  /**
   * Why `method` may not be called on this channel (e.g. UNSUPPORTED for the
   * shell's dialogs in web mode), or null to let it through to its handler.
   */
  refuse?: (method: MethodName) => StudioErrorData | null;
  /** told after every call that reached a handler */
  settled?: (method: MethodName, ok: boolean) => void;
}

/**
 * The receiving side. Validates every message against the contract before a
 * handler sees it: a malformed envelope with a usable id gets a BAD_ARGS
 * reply, one without gets a WireError, arguments nested deeper than
 * MAX_ARGS_DEPTH get BAD_ARGS. Nothing malformed is dropped silently, nothing
 * crashes.
 */
export class RpcServer {
  private readonly inflight = new Map<string, AbortController>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly port: Port,
    private readonly handlers: Handlers,
    private readonly opts: RpcServerOptions = {},
  ) {
    this.unsubscribe = port.onMessage((m) => void this.receive(m));
  }

  /** Stop listening and cancel every call in flight (their handlers see the abort, reason DISCONNECTED). */
  close(): void {
    this.unsubscribe();
    for (const c of this.inflight.values()) c.abort(DISCONNECTED);
    this.inflight.clear();
  }

  /** Push an event to the caller. */
  emit(name: string, payload: unknown): void {
    this.send({ t: 'event', name, payload });
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = ToCallee.safeParse(raw);
    if (!parsed.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      const error: StudioErrorData = { code: 'BAD_ARGS', message: 'Malformed request: expected { t: "req", id, method, args } or { t: "cancel", id }.' };
      if (CallId.safeParse(id).success) this.reply({ t: 'res', id: id as string, ok: false, error });
      else this.send({ t: 'error', error });
      return;
    }
    const msg = parsed.data;
    if (msg.t === 'cancel') {
      this.inflight.get(msg.id)?.abort(msg.reason === DISCONNECTED ? DISCONNECTED : undefined);
      return;
    }
    const { id, method, args } = msg;
    if (this.inflight.has(id)) return this.reply({ t: 'res', id, ok: false, error: callIdInUse(id) });
    if (!isMethodName(method)) {
      return this.reply({ t: 'res', id, ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method "${method}".` } });
    }
    const refused = this.opts.refuse?.(method);
    if (refused) return this.reply({ t: 'res', id, ok: false, error: refused });
    const spec = methodSpec(method);
    const handler = this.handlers[method] as ((a: unknown, c: CallContext) => unknown) | undefined;
    if (!handler) {
      return this.reply({ t: 'res', id, ok: false, error: { code: 'UNKNOWN_METHOD', message: `"${method}" is not handled here.` } });
    }
    if (nestingExceeds(args, MAX_ARGS_DEPTH)) {
      return this.reply({ t: 'res', id, ok: false, error: { code: 'BAD_ARGS', message: `Invalid arguments for ${method}: nested deeper than ${MAX_ARGS_DEPTH} levels.` } });
    }
    const input = spec.input.safeParse(args ?? {});
    if (!input.success) return this.reply({ t: 'res', id, ok: false, error: invalidArguments(method, input.error) });
    const controller = new AbortController();
    this.inflight.set(id, controller);
    const live = () => !controller.signal.aborted;
    const ctx: CallContext = {
      signal: controller.signal,
      progress: (p) => {
        if (live() && spec.progress) this.send({ t: 'progress', id, progress: p });
      },
      token: (text) => {
        if (live() && spec.tokens) this.send({ t: 'token', id, text });
      },
    };
    let ok = false;
    try {
      const value = await handler(input.data, ctx);
      if (controller.signal.aborted) throw new StudioError('CANCELLED', 'Cancelled.');
      ok = true;
      this.reply({ t: 'res', id, ok: true, value: value ?? null });
    } catch (err) {
      // cancelled: the handler's own CANCELLED (where it says how far it got: the library export's "Stopped after 3,000
      // of 30,004 tracks"), else the plain one
      const own = toErrorData(err);
      const error = controller.signal.aborted ? (own.code === 'CANCELLED' ? own : { code: 'CANCELLED' as const, message: 'Cancelled.' }) : own;
      this.reply({ t: 'res', id, ok: false, error });
    } finally {
      this.inflight.delete(id);
      this.opts.settled?.(method, ok);
    }
  }

  private reply(r: WireResponse): void {
    this.send(r);
  }

  private send(m: unknown): void {
    try {
      this.port.send(m);
    } catch {
      // the caller is gone; nobody is left to tell
    }
  }
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: StudioErrorData): void;
  onProgress?: (p: Progress) => void;
  onToken?: (text: string) => void;
}

let counter = 0;
/** A fresh call id (unique within this process), `prefix` + time + counter + random. */
export function newCallId(prefix = 'c'): string {
  counter = (counter + 1) % 1e9;
  return `${prefix}${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** The error for calls in flight when their channel dropped. */
export const CHANNEL_LOST: StudioErrorData = {
  code: 'ENGINE_UNAVAILABLE',
  message: 'Lost the connection to the studio while this was running. It reconnects by itself; try again.',
};

/**
 * The calling side, over any Port. Rejections are always StudioErrorData.
 * Events are delivered only when their payload fits the contract's schema.
 */
export class RpcClient {
  private readonly pending = new Map<string, Pending>();
  private readonly eventListeners = new Set<(name: string, payload: unknown) => void>();
  private readonly unsubscribe: () => void;
  private readonly unsubscribeClose: () => void;

  constructor(
    private readonly port: Port,
    opts: { lost?: StudioErrorData } = {},
  ) {
    this.unsubscribe = port.onMessage((m) => this.receive(m));
    this.unsubscribeClose = port.onClose?.(() => this.failAll(opts.lost ?? CHANNEL_LOST)) ?? (() => undefined);
  }

  call<M extends MethodName>(method: M, args: MethodInput<M>, opts: CallOptions = {}): Promise<MethodOutput<M>> {
    return this.callRaw(method, args, opts) as Promise<MethodOutput<M>>;
  }

  /** Untyped call (for bridges that forward what they receive; the callee validates). */
  callRaw(method: string, args: unknown, opts: CallOptions = {}): Promise<unknown> {
    const id = opts.callId ?? newCallId();
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject({ code: 'CANCELLED', message: 'Cancelled.' });
      if (this.pending.has(id)) return reject(callIdInUse(id));
      // a channel closing upstream travels on as such (the callee may finish the work anyway)
      const onAbort = () => this.cancel(id, opts.signal?.reason === DISCONNECTED ? DISCONNECTED : undefined);
      const settle = () => opts.signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (v) => (settle(), resolve(v)),
        reject: (e) => (settle(), reject(e)),
        onProgress: opts.onProgress,
        onToken: opts.onToken,
      });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        this.port.send({ t: 'req', id, method, args });
      } catch (err) {
        this.pending.delete(id);
        settle();
        reject(isStudioErrorData(err) ? err : { code: 'ENGINE_UNAVAILABLE', message: `Could not reach the engine: ${(err as Error).message}` });
      }
    });
  }

  /** Ask the callee to stop call `id`; it then rejects with CANCELLED. `reason`: see WireCancel. */
  cancel(id: string, reason?: typeof DISCONNECTED): void {
    if (!this.pending.has(id)) return;
    try {
      this.port.send(reason ? { t: 'cancel', id, reason } : { t: 'cancel', id });
    } catch {
      // channel gone: failAll() will settle the call
    }
  }

  /** Events the callee pushes; payloads of the contract's events are schema-checked first. */
  onEvent(listener: <E extends EventName>(name: E, payload: EventPayload<E>) => void): () => void {
    const l = listener as (name: string, payload: unknown) => void;
    this.eventListeners.add(l);
    return () => this.eventListeners.delete(l);
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
    this.unsubscribeClose();
  }

  private receive(raw: unknown): void {
    const parsed = ToCaller.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.t === 'error') return;
    if (msg.t === 'event') {
      const schema = (events as Record<string, z.ZodType | undefined>)[msg.name];
      if (schema && !schema.safeParse(msg.payload).success) return;
      for (const l of this.eventListeners) l(msg.name, msg.payload);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.t === 'progress') return p.onProgress?.(msg.progress);
    if (msg.t === 'token') return p.onToken?.(msg.text);
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(msg.error);
  }
}
