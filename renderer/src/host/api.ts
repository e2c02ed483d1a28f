import type {
  EventName,
  EventPayload,
  MediaUrlKind,
  MethodInput,
  MethodName,
  MethodOutput,
  Progress,
  StudioBridge,
  StudioErrorData,
} from '@contract';

export interface CallOptions {
  onProgress?: (p: Progress) => void;
  /** aborting cancels the call in the host; it then rejects with CANCELLED */
  signal?: AbortSignal;
}

let seq = 0;
function newCallId(): string {
  seq = (seq + 1) % 1e9;
  return `r${Date.now().toString(36)}${seq.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

/** Anything a call rejected with, as the contract's error data. */
export function asStudioError(err: unknown): StudioErrorData {
  if (err && typeof err === 'object' && typeof (err as StudioErrorData).code === 'string' && typeof (err as StudioErrorData).message === 'string') {
    return err as StudioErrorData;
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` };
}

export function isCancelled(err: unknown): boolean {
  return asStudioError(err).code === 'CANCELLED';
}

/**
 * The typed client the UI uses. It only knows window.studio (StudioBridge);
 * argument and result types come from the contract. Rejections are always
 * StudioErrorData ({ code, message }).
 */
export class Api {
  private readonly progress = new Map<string, (p: Progress) => void>();

  constructor(readonly bridge: StudioBridge) {
    bridge.onProgress((callId, p) => this.progress.get(callId)?.(p));
  }

  get mode(): 'desktop' | 'web' {
    return this.bridge.mode;
  }

  async call<M extends MethodName>(method: M, args: MethodInput<M>, opts: CallOptions = {}): Promise<MethodOutput<M>> {
    const id = newCallId();
    if (opts.signal?.aborted) throw { code: 'CANCELLED', message: 'Cancelled.' } satisfies StudioErrorData;
    if (opts.onProgress) this.progress.set(id, opts.onProgress);
    const onAbort = () => this.bridge.cancel(id);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return (await this.bridge.call(method, args, id)) as MethodOutput<M>;
    } catch (err) {
      throw asStudioError(err);
    } finally {
      this.progress.delete(id);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.bridge.onEvent((n, payload) => {
      if ((n as string) === name) listener(payload as unknown as EventPayload<E>);
    });
  }

  mediaUrl(kind: MediaUrlKind, id: string): string {
    return this.bridge.mediaUrl(kind, id);
  }

  pathForFile(file: File): string | null {
    return this.bridge.pathForFile(file);
  }
}

declare global {
  interface Window {
    studio?: StudioBridge;
  }
}

let instance: Api | null = null;

/** The Api over window.studio (installed by preload, or by installWebBridge in web mode). */
export function api(): Api {
  if (!instance) {
    if (!window.studio) throw new Error('window.studio is missing: no host bridge was installed.');
    instance = new Api(window.studio);
  }
  return instance;
}
