// IPC registration: the one door from the renderer into main.
import {
  CallId,
  IPC,
  exposedMethodNames,
  isMethodName,
  methodSpec,
  toErrorData,
  type EventName,
  type EventPayload,
  type IpcCallResult,
  type MethodName,
  type Progress,
  type StudioErrorData,
} from '@contract';
import type { EngineHost } from '../engine-host';

/** The webContents that sent a message (Electron's WebContents). */
export interface SenderLike {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}
/** Electron's WebFrameMain, as much as the sender check needs. */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}
export interface IpcEventLike {
  readonly sender: SenderLike;
  readonly senderFrame: FrameLike | null;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
}

/** What main needs of the engine: EngineHost, or a fake in tests. */
export type EngineLike = Pick<EngineHost, 'callRaw' | 'cancel' | 'onEvent' | 'onState' | 'state'>;

/** A method of the contract with `host: 'shell'`, handled by main itself. */
export type ShellMethod = (args: unknown, ctx: { sender: SenderLike }) => Promise<unknown>;
export type ShellMethods = Partial<Record<MethodName, ShellMethod>>;

export interface IpcDeps {
  ipcMain: IpcMainLike;
  engine: EngineLike;
  /** host: 'shell' methods (dialog:open-media, …) */
  shellMethods: ShellMethods;
  /** the webContents of our windows: only they may call, and they receive events */
  contents: () => SenderLike[];
  /** our renderer page (out/renderer/index.html), compared by isRendererUrl */
  isRendererUrl: (url: string) => boolean;
  /** told after every call (refresh the Open Recent menu after media:open, …) */
  onCallSettled?: (method: MethodName, ok: boolean) => void;
  log?: (message: string) => void;
}

export interface IpcRegistration {
  /** push an event to every window */
  broadcast<E extends EventName>(name: E, payload: EventPayload<E>): void;
  /** push an event to one window */
  sendEvent<E extends EventName>(to: SenderLike, name: E, payload: EventPayload<E>): void;
  dispose(): void;
}

const fail = (error: StudioErrorData): IpcCallResult => ({ ok: false, error });

/**
 * Why a message is refused, or null when it may be handled: it must come from
 * the top frame of one of our windows, showing our renderer page.
 */
export function refuseSender(event: IpcEventLike, deps: Pick<IpcDeps, 'contents' | 'isRendererUrl'>): string | null {
  let frame: FrameLike | null;
  try {
    frame = event.senderFrame;
  } catch {
    frame = null;
  }
  if (!frame) return 'the sending frame is gone';
  if (frame.parent) return 'a subframe may not call the studio';
  if (!deps.isRendererUrl(frame.url)) return `a page that is not the studio's (${frame.url.slice(0, 200)}) may not call it`;
  if (!deps.contents().some((c) => c === event.sender || c.id === event.sender.id)) return 'the sender is not a studio window';
  return null;
}

/**
 * ipcMain.handle(IPC.call) and ipcMain.on(IPC.cancel). Every call is answered
 * with an IpcCallResult envelope; nothing is thrown across IPC.
 */
export function registerIpc(deps: IpcDeps): IpcRegistration {
  const { ipcMain, engine } = deps;
  const log = deps.log ?? (() => undefined);
  /** per window: the renderer's call id → the engine's (namespaced) call id */
  const inflight = new Map<number, Map<string, string>>();
  let seq = 0;

  const callsOf = (sender: SenderLike): Map<string, string> => {
    let calls = inflight.get(sender.id);
    if (!calls) {
      const fresh = new Map<string, string>();
      calls = fresh;
      inflight.set(sender.id, fresh);
      sender.once('destroyed', () => {
        // the window closed: its calls are no longer wanted
        for (const engineId of fresh.values()) engine.cancel(engineId);
        inflight.delete(sender.id);
      });
    }
    return calls;
  };

  const safeSend = (to: SenderLike, channel: string, ...args: unknown[]) => {
    try {
      if (!to.isDestroyed()) to.send(channel, ...args);
    } catch (err) {
      log(`could not send ${channel}: ${(err as Error).message}`);
    }
  };

  async function onCall(event: IpcEventLike, method: unknown, args: unknown, callId: unknown): Promise<IpcCallResult> {
    const refused = refuseSender(event, deps);
    if (refused) {
      log(`IPC call refused: ${refused}`);
      return fail({ code: 'FORBIDDEN', message: 'This page may not use the studio.' });
    }
    if (!isMethodName(method) || !exposedMethodNames.includes(method)) {
      return fail({ code: 'UNKNOWN_METHOD', message: `Unknown method "${String(method).slice(0, 100)}".` });
    }
    if (!CallId.safeParse(callId).success) {
      return fail({ code: 'BAD_ARGS', message: 'A call needs an id of 1–64 letters, digits, "-" or "_".' });
    }
    const id = callId as string;
    const spec = methodSpec(method);
    let ok = false;
    try {
      if (spec.host === 'shell') {
        const handler = deps.shellMethods[method];
        if (!handler) return fail({ code: 'UNKNOWN_METHOD', message: `"${method}" is not handled here.` });
        const input = spec.input.safeParse(args ?? {});
        if (!input.success) {
          const issues = input.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
          return fail({ code: 'BAD_ARGS', message: `Invalid arguments for ${method}: ${issues}` });
        }
        const value = await handler(input.data, { sender: event.sender });
        ok = true;
        return { ok: true, value: value ?? null };
      }
      const calls = callsOf(event.sender);
      if (calls.has(id)) return fail({ code: 'BAD_ARGS', message: `Call id ${id} is already in use.` });
      const engineId = `w${event.sender.id}_${(++seq).toString(36)}`;
      calls.set(id, engineId);
      try {
        const value = await engine.callRaw(method, args, {
          callId: engineId,
          onProgress: (p: Progress) => safeSend(event.sender, IPC.progress, id, p),
        });
        ok = true;
        return { ok: true, value: value ?? null };
      } finally {
        calls.delete(id);
      }
    } catch (err) {
      return fail(toErrorData(err));
    } finally {
      deps.onCallSettled?.(method, ok);
    }
  }

  const onCancel = (event: IpcEventLike, callId: unknown) => {
    if (refuseSender(event, deps) || typeof callId !== 'string') return;
    const engineId = inflight.get(event.sender.id)?.get(callId);
    if (engineId) engine.cancel(engineId);
  };

  const broadcast = <E extends EventName>(name: E, payload: EventPayload<E>) => {
    for (const c of deps.contents()) safeSend(c, IPC.event, name, payload);
  };

  ipcMain.handle(IPC.call, (event, method, args, callId) => onCall(event, method, args, callId));
  ipcMain.on(IPC.cancel, onCancel as (event: IpcEventLike, ...args: unknown[]) => void);
  const offEvents = engine.onEvent((name, payload) => broadcast(name, payload));
  const offState = engine.onState((s) => broadcast('engine:state', s));

  return {
    broadcast,
    sendEvent: (to, name, payload) => safeSend(to, IPC.event, name, payload),
    dispose() {
      ipcMain.removeHandler(IPC.call);
      ipcMain.removeListener(IPC.cancel, onCancel as (event: IpcEventLike, ...args: unknown[]) => void);
      offEvents();
      offState();
      for (const calls of inflight.values()) for (const engineId of calls.values()) engine.cancel(engineId);
      inflight.clear();
    },
  };
}
