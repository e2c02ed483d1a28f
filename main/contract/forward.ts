import type { StudioErrorData } from './error-schemas';
import { exposedMethodNames, methodSpec, type MethodName } from './methods';
import { RpcServer, type CallOptions, type Handlers, type Port } from './rpc';

/** Where forwarded calls go: the engine (EngineHost), or a fake in tests. */
export interface ForwardTarget {
  callRaw(method: string, args: unknown, opts: CallOptions): Promise<unknown>;
}

/** What a channel may do. */
export interface ForwardPolicy {
  /**
   * Prefix of the engine-side call ids of this channel (letters, digits, "_"),
   * so that two channels using the same call id never collide in the engine.
   */
  idPrefix: string;
  /** methods answered here instead of in the engine (the Electron shell's dialogs) */
  local?: Handlers;
  /**
   * A `host: 'shell'` method without a local handler: the error to answer
   * (web mode: UNSUPPORTED with what to do instead).
   */
  shellUnavailable?: (method: MethodName) => StudioErrorData;
  /** told after every call (refresh the Open Recent menu after media:open, …) */
  settled?: (method: MethodName, ok: boolean) => void;
}

/**
 * The one server side of every channel into the studio (Electron IPC, the
 * WebSocket of `studio serve`): an RpcServer on `port` that validates each
 * message against the contract (typed errors for anything malformed), refuses
 * internal methods (`exposed: false`) with UNKNOWN_METHOD, answers `host:
 * 'shell'` methods from `policy.local`, and forwards `host: 'engine'` methods
 * to `engine` with their progress, tokens and cancellation. Closing the
 * returned server cancels this channel's calls in the engine.
 */
export function forward(port: Port, engine: ForwardTarget, policy: ForwardPolicy): RpcServer {
  let seq = 0;
  const handlers: Handlers = {};
  for (const method of exposedMethodNames) {
    if (methodSpec(method).host !== 'engine') continue;
    (handlers as Record<string, unknown>)[method] = (args: unknown, ctx: { signal: AbortSignal; progress: CallOptions['onProgress']; token: CallOptions['onToken'] }) =>
      engine.callRaw(method, args, {
        callId: `${policy.idPrefix}${(++seq).toString(36)}`.slice(0, 64),
        signal: ctx.signal,
        onProgress: ctx.progress,
        onToken: ctx.token,
      });
  }
  Object.assign(handlers, policy.local);
  return new RpcServer(port, handlers, {
    refuse: (method) => {
      const spec = methodSpec(method);
      if (spec.exposed === false) return { code: 'UNKNOWN_METHOD', message: `Unknown method "${method}".` };
      if (spec.host === 'shell' && !policy.local?.[method]) {
        return policy.shellUnavailable?.(method) ?? { code: 'UNSUPPORTED', message: `"${method}" is not available here.` };
      }
      return null;
    },
    settled: policy.settled,
  });
}
