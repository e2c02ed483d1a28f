import type { EventName, EventPayload, MediaUrlKind, Progress, StudioBridge, StudioErrorData } from '@contract';
import { connection } from './connection.svelte';

interface Pending {
  resolve(v: unknown): void;
  reject(e: StudioErrorData): void;
}

type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];

/**
 * window.studio in web mode: the wire protocol of main/contract/wire.ts over a
 * WebSocket to `/ws` on the page's own origin. The access token travels as the
 * HttpOnly cookie `studio serve` set when the page was first opened.
 *
 * Calls made while the socket is (re)connecting wait for it; calls in flight
 * when it drops reject with ENGINE_UNAVAILABLE (the server cancels them too).
 */
export function createWebSocketBridge(location: Location = window.location): StudioBridge {
  const pending = new Map<string, Pending>();
  const progressListeners = new Set<(callId: string, p: Progress) => void>();
  const eventListeners = new Set<EventListener>();
  let queue: string[] = [];
  let ws: WebSocket | null = null;
  let attempt = 0;

  const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;

  function connect(): void {
    connection.state = attempt === 0 && connection.reconnects === 0 ? 'connecting' : 'reconnecting';
    const sock = new WebSocket(wsUrl);
    ws = sock;
    sock.onopen = () => {
      if (connection.state === 'reconnecting' || attempt > 0) connection.reconnects++;
      attempt = 0;
      connection.state = 'open';
      connection.attempt = 0;
      connection.retryAt = null;
      connection.reason = null;
      const q = queue;
      queue = [];
      for (const m of q) sock.send(m);
    };
    sock.onmessage = (ev) => receive(ev.data);
    sock.onclose = (ev) => {
      if (ws !== sock) return;
      ws = null;
      const lost: StudioErrorData = {
        code: 'ENGINE_UNAVAILABLE',
        message: 'Lost the connection to the studio server while this was running. It reconnects by itself; try again.',
      };
      const all = [...pending.values()];
      pending.clear();
      for (const p of all) p.reject(lost);
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
      attempt++;
      connection.state = 'reconnecting';
      connection.attempt = attempt;
      connection.retryAt = Date.now() + delay;
      connection.reason =
        ev.code === 1006 && attempt > 3
          ? 'The studio server does not answer. Is `studio serve` still running? If it was restarted, open the new URL it printed.'
          : 'The connection to the studio server was lost.';
      setTimeout(connect, delay);
    };
  }

  function receive(data: unknown): void {
    let msg: { t?: string; id?: string; ok?: boolean; value?: unknown; error?: StudioErrorData; progress?: Progress; name?: string; payload?: unknown };
    try {
      msg = JSON.parse(String(data));
    } catch {
      return;
    }
    if (msg.t === 'event' && typeof msg.name === 'string') {
      for (const l of eventListeners) l(msg.name as EventName, msg.payload as never);
    } else if (msg.t === 'progress' && typeof msg.id === 'string' && msg.progress) {
      for (const l of progressListeners) l(msg.id, msg.progress);
    } else if (msg.t === 'res' && typeof msg.id === 'string') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(msg.error ?? { code: 'INTERNAL', message: 'The server answered with an error but no message.' });
    }
  }

  function send(message: unknown): void {
    const text = JSON.stringify(message);
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(text);
    else queue.push(text);
  }

  connect();

  return {
    mode: 'web',
    call(method, args, callId) {
      return new Promise((resolve, reject) => {
        pending.set(callId, { resolve, reject });
        send({ t: 'req', id: callId, method, args });
      });
    },
    cancel(callId) {
      if (!pending.has(callId)) return;
      const queued = queue.findIndex((m) => m.includes(`"id":${JSON.stringify(callId)}`));
      if (queued >= 0) {
        // never sent: settle it here
        queue.splice(queued, 1);
        const p = pending.get(callId)!;
        pending.delete(callId);
        p.reject({ code: 'CANCELLED', message: 'Cancelled.' });
        return;
      }
      send({ t: 'cancel', id: callId });
    },
    onProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    mediaUrl(kind: MediaUrlKind, id: string) {
      return `/media/${kind}/${encodeURIComponent(id)}`;
    },
    pathForFile() {
      return null;
    },
  };
}
