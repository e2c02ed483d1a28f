import {
  newCallId,
  toErrorData,
  type EventName,
  type EventPayload,
  type MediaUrlKind,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type Progress,
  type StudioBridge,
  type StudioErrorData,
} from '@contract';

export interface CallOptions {
  onProgress?: (p: Progress) => void;
  /** streamed answer text (chat:ask, chat:regenerate), in order */
  onToken?: (text: string) => void;
  /** aborting cancels the call in the host; it then rejects with CANCELLED */
  signal?: AbortSignal;
}

/** Anything a call rejected with, as the contract's error data (the contract's toErrorData). */
export const asStudioError: (err: unknown) => StudioErrorData = toErrorData;

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
  private readonly tokens = new Map<string, (text: string) => void>();

  constructor(readonly bridge: StudioBridge) {
    bridge.onProgress((callId, p) => this.progress.get(callId)?.(p));
    bridge.onToken((callId, text) => this.tokens.get(callId)?.(text));
  }

  get mode(): 'desktop' | 'web' {
    return this.bridge.mode;
  }

  async call<M extends MethodName>(method: M, args: MethodInput<M>, opts: CallOptions = {}): Promise<MethodOutput<M>> {
    const id = newCallId('r');
    if (opts.signal?.aborted) throw { code: 'CANCELLED', message: 'Cancelled.' } satisfies StudioErrorData;
    if (opts.onProgress) this.progress.set(id, opts.onProgress);
    if (opts.onToken) this.tokens.set(id, opts.onToken);
    const onAbort = () => this.bridge.cancel(id);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return (await this.bridge.call(method, args, id)) as MethodOutput<M>;
    } catch (err) {
      throw asStudioError(err);
    } finally {
      this.progress.delete(id);
      this.tokens.delete(id);
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
