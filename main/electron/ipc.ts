// IPC registration: the one door from the renderer into main.
import {
  CallId,
  IPC,
  callIdInUse,
  forward,
  type EventName,
  type EventPayload,
  type Handlers,
  type IpcCallResult,
  type MethodName,
  type Port,
  type RpcServer,
  type StudioErrorData,
  type ToCaller,
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
export type EngineLike = Pick<EngineHost, 'callRaw' | 'onEvent' | 'onState' | 'state'>;

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

/** One window's side of the contract: the contract's forward() over its IPC. */
interface WindowChannel {
  server: RpcServer;
  /** hand a wire message from the renderer to the server */
  deliver(message: unknown): void;
  /** invoke() calls waiting for their answer, by the renderer's call id */
  waiting: Map<string, (r: IpcCallResult) => void>;
}

/**
 * ipcMain.handle(IPC.call) and ipcMain.on(IPC.cancel). Each window gets its
 * own channel into the contract's forward() (the same server side as `studio
 * serve`'s WebSocket): an invoke becomes a request on it, whose answer comes
 * back as an IpcCallResult envelope — nothing is thrown across IPC — and its
 * progress and tokens go to that window only.
 */
export function registerIpc(deps: IpcDeps): IpcRegistration {
  const { ipcMain, engine } = deps;
  const log = deps.log ?? (() => undefined);
  const channels = new Map<number, WindowChannel>();

  const safeSend = (to: SenderLike, channel: string, ...args: unknown[]) => {
    try {
      if (!to.isDestroyed()) to.send(channel, ...args);
    } catch (err) {
      log(`could not send ${channel}: ${(err as Error).message}`);
    }
  };

  const channelOf = (sender: SenderLike): WindowChannel => {
    const known = channels.get(sender.id);
    if (known) return known;
    const listeners = new Set<(m: unknown) => void>();
    const waiting = new Map<string, (r: IpcCallResult) => void>();
    const port: Port = {
      send(m) {
        const msg = m as ToCaller;
        if (msg.t === 'res') {
          const answer = waiting.get(msg.id);
          waiting.delete(msg.id);
          answer?.(msg.ok ? { ok: true, value: msg.value } : { ok: false, error: msg.error });
        } else if (msg.t === 'progress') safeSend(sender, IPC.progress, msg.id, msg.progress);
        else if (msg.t === 'token') safeSend(sender, IPC.token, msg.id, msg.text);
        else if (msg.t === 'error') log(`IPC message refused: ${msg.error.message}`);
      },
      onMessage(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const local: Handlers = {};
    for (const [method, handler] of Object.entries(deps.shellMethods)) {
      (local as Record<string, unknown>)[method] = (args: unknown) => handler(args, { sender });
    }
    const server = forward(port, engine, { idPrefix: `w${sender.id}_`, local, settled: deps.onCallSettled });
    const channel: WindowChannel = { server, waiting, deliver: (m) => listeners.forEach((l) => l(m)) };
    channels.set(sender.id, channel);
    sender.once('destroyed', () => {
      // the window closed: its calls are no longer wanted
      server.close();
      channels.delete(sender.id);
    });
    return channel;
  };

  function onCall(event: IpcEventLike, method: unknown, args: unknown, callId: unknown): Promise<IpcCallResult> | IpcCallResult {
    const refused = refuseSender(event, deps);
    if (refused) {
      log(`IPC call refused: ${refused}`);
      return fail({ code: 'FORBIDDEN', message: 'This page may not use the studio.' });
    }
    if (typeof method !== 'string') return fail({ code: 'UNKNOWN_METHOD', message: `Unknown method "${String(method).slice(0, 100)}".` });
    if (!CallId.safeParse(callId).success) {
      return fail({ code: 'BAD_ARGS', message: 'A call needs an id of 1–64 letters, digits, "-" or "_".' });
    }
    const id = callId as string;
    const channel = channelOf(event.sender);
    if (channel.waiting.has(id)) return fail(callIdInUse(id));
    return new Promise<IpcCallResult>((resolve) => {
      channel.waiting.set(id, resolve);
      channel.deliver({ t: 'req', id, method, args });
    });
  }

  const onCancel = (event: IpcEventLike, callId: unknown) => {
    if (refuseSender(event, deps) || typeof callId !== 'string') return;
    channels.get(event.sender.id)?.deliver({ t: 'cancel', id: callId });
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
      for (const c of channels.values()) c.server.close();
      channels.clear();
    },
  };
}
