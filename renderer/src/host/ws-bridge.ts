import { RpcClient, type EventName, type EventPayload, type MediaUrlKind, type Port, type Progress, type StudioBridge, type StudioErrorData } from '@contract';
import { connection, LINK_LOST } from './connection.svelte';

type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];

/** The WebSocket subprotocol of the studio; the access token rides as a second one, `studio-token.<token>`. */
export const WS_PROTOCOL = 'studio.v1';
export const WS_TOKEN_PROTOCOL_PREFIX = 'studio-token.';
/** on a reconnect the page offers back the media capability it had, `studio-cap.<cap>`, to keep its media URLs working */
export const WS_CAP_PROTOCOL_PREFIX = 'studio-cap.';
/** sessionStorage key of the access token: per origin (so per port), gone with the tab */
export const TOKEN_STORAGE_KEY = 'studio.access-token';

/**
 * The access token of this page: taken from the address's fragment
 * (`#token=…`, which browsers never send to any server) into sessionStorage,
 * and removed from the address bar; on a reload, read back from
 * sessionStorage. Null when the page was opened without it.
 */
export function takeAccessToken(location: Location, history: History, storage: Storage): string | null {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromUrl = fragment.get('token');
  if (fromUrl && /^[A-Za-z0-9_-]{16,128}$/.test(fromUrl)) {
    storage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    return fromUrl;
  }
  return storage.getItem(TOKEN_STORAGE_KEY);
}

/**
 * A Port over a WebSocket that reconnects by itself (with backoff) and shows
 * the link's state in `connection`. Messages sent while it (re)connects wait
 * and go out once it is open; when it drops, onClose listeners are told (the
 * RpcClient rejects the calls in flight) and what still waited is dropped.
 * Opening again after a loss tells connection.onReopen's listeners. `retryNow`
 * tries at once instead of at the end of the backoff (a new token was given).
 * `tokenRefused`: asked after a handshake fails (close 1006) whether the server is up and refuses this page's token
 * (a `studio serve` restarted with a new one): then the link is `closed` with what to do, not retried in vain.
 */
function reconnectingWebSocketPort(url: string, protocols: () => string[], tokenRefused: () => Promise<boolean>): Port & { retryNow(): void } {
  const listeners = new Set<(m: unknown) => void>();
  const closeListeners = new Set<() => void>();
  let queue: string[] = [];
  let ws: WebSocket | null = null;
  let attempt = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  function connect(): void {
    retry = undefined;
    connection.state = attempt === 0 && connection.reconnects === 0 ? 'connecting' : 'reconnecting';
    const sock = new WebSocket(url, protocols());
    ws = sock;
    sock.onopen = () => {
      const again = connection.state === 'reconnecting' || attempt > 0;
      if (again) connection.reconnects++;
      attempt = 0;
      connection.state = 'open';
      connection.attempt = 0;
      connection.retryAt = null;
      connection.reason = null;
      const q = queue;
      queue = [];
      for (const m of q) sock.send(m);
      if (again) connection.reopened();
    };
    sock.onmessage = (ev) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      for (const l of listeners) l(msg);
    };
    sock.onclose = (ev) => {
      if (ws !== sock) return;
      ws = null;
      queue = [];
      for (const l of closeListeners) l();
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
      attempt++;
      connection.state = 'reconnecting';
      connection.attempt = attempt;
      connection.retryAt = Date.now() + delay;
      connection.reason =
        ev.code === 1006 && attempt > 3
          ? 'The studio server does not answer. Is `studio serve` still running? If it was restarted, open the new URL it printed.'
          : 'The connection to the studio server was lost.';
      retry = setTimeout(connect, delay);
      // a refused handshake and a server that is down both close with 1006: ask the server which (tester33: a
      // restarted `studio serve` prints a new token, and the old tab said only "Disconnected — retrying" for ever)
      if (ev.code === 1006)
        void tokenRefused().then(
          (refused) => {
            // a later attempt is under way or open (ws set), or the wait already ended: that attempt decides
            if (!refused || ws !== null || retry === undefined) return;
            clearTimeout(retry);
            retry = undefined;
            connection.state = 'closed';
            connection.retryAt = null;
            connection.reason = STALE_TOKEN.message;
            connection.refused(STALE_TOKEN.message);
          },
          () => undefined, // the server is down: the reason above holds, and the page retries
        );
    };
  }

  connect();
  return {
    retryNow() {
      if (ws !== null) return; // open, or an attempt under way (its close schedules the next)
      if (retry !== undefined) clearTimeout(retry);
      connect();
    },
    send(message) {
      const text = JSON.stringify(message);
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(text);
      else queue.push(text);
    },
    onMessage(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onClose(l) {
      closeListeners.add(l);
      return () => closeListeners.delete(l);
    },
  };
}

const NO_TOKEN: StudioErrorData = {
  code: 'FORBIDDEN',
  message:
    'This page was opened without its access token. Open the full address `studio serve` printed (ending #token=…) in this tab, or add its #token=… part here: the page then connects by itself.',
};

/** The reason of a page whose token the server refuses while it answers: `studio serve` was restarted (a new token). */
export const STALE_TOKEN: StudioErrorData = {
  code: 'FORBIDDEN',
  message:
    'The studio server no longer accepts this page’s access token: `studio serve` was restarted, and it prints a new address each time. Open the address it printed (ending #token=…) in this tab, or add its #token=… part here: the page then connects by itself.',
};

/** A Port for a page opened without its token: every call fails with what to do. */
function refusedPort(): Port {
  return {
    send() {
      throw NO_TOKEN;
    },
    onMessage: () => () => undefined,
  };
}

/**
 * window.studio in web mode: the contract's RpcClient over a WebSocket to
 * `/ws` on the page's own origin. The access token goes in the handshake as
 * the subprotocol `studio-token.<token>` (never in a cookie, so no other
 * server on this machine ever receives it); media URLs carry the per-connection
 * capability the server sends first (`web:session`) as a path prefix,
 * `/cap/<capability>/media/<kind>/<id>`. The server revokes it when the
 * socket closes (a closed tab's links stop working); on a reconnect the page
 * offers it back (`studio-cap.<cap>`) and keeps it.
 *
 * Calls made while the socket is (re)connecting wait for it; calls in flight
 * when it drops reject with ENGINE_UNAVAILABLE (the server cancels them too).
 */
export function createWebSocketBridge(location: Location = window.location): StudioBridge {
  const progressListeners = new Set<(callId: string, p: Progress) => void>();
  const tokenListeners = new Set<(callId: string, text: string) => void>();
  const eventListeners = new Set<EventListener>();
  let mediaCapability: string | null = null;

  let token = takeAccessToken(location, window.history, window.sessionStorage);
  let port: Port;
  if (token) {
    const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
    const ws = reconnectingWebSocketPort(url, () => [
      WS_PROTOCOL,
      `${WS_TOKEN_PROTOCOL_PREFIX}${token}`,
      ...(mediaCapability ? [`${WS_CAP_PROTOCOL_PREFIX}${mediaCapability}`] : []),
    ], async () => (await fetch('/auth', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' })).status === 401);
    port = ws;
    // `studio serve` restarted on the same port prints a new token; its URL opened in this tab changes only the
    // fragment (no reload), so the page takes the new token there and reconnects with it at once — before, it kept
    // offering the old one, refused, until the page was reloaded
    window.addEventListener('hashchange', () => {
      const next = takeAccessToken(location, window.history, window.sessionStorage);
      if (!next || next === token) return;
      token = next;
      ws.retryNow();
    });
  } else {
    port = refusedPort();
    connection.state = 'closed';
    connection.reason = NO_TOKEN.message;
    // the address with its token opened in this tab afterwards (or its #token=… part added) changes only the
    // fragment: no load follows by itself, and the page stayed refused until reloaded by hand (left19b). The token
    // is kept (sessionStorage) and the page loaded again: every start-up read failed without it, and nothing typed
    // here could be sent
    const onHash = () => {
      if (!takeAccessToken(location, window.history, window.sessionStorage)) return;
      window.removeEventListener('hashchange', onHash);
      location.reload();
    };
    window.addEventListener('hashchange', onHash);
  }
  const client = new RpcClient(port, { lost: LINK_LOST });
  client.onEvent((name, payload) => {
    if (name === 'web:session') {
      // a reconnect keeps the page's capability; a restarted serve (it never issued it) gives a new one: the media
      // addresses made with the old one no longer open anything (tester34: the open track stalled where its
      // buffered part ended, "data source error")
      const before = mediaCapability;
      mediaCapability = (payload as EventPayload<'web:session'>).media;
      if (before !== null && before !== mediaCapability) connection.mediaMoved();
    }
    for (const l of eventListeners) l(name, payload);
  });

  return {
    mode: 'web',
    call(method, args, callId) {
      return client.callRaw(method, args, {
        callId,
        onProgress: (p) => progressListeners.forEach((l) => l(callId, p)),
        onToken: (text) => tokenListeners.forEach((l) => l(callId, text)),
      });
    },
    cancel(callId) {
      client.cancel(callId);
    },
    onProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    onToken(listener) {
      tokenListeners.add(listener);
      return () => tokenListeners.delete(listener);
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    mediaUrl(kind: MediaUrlKind, id: string) {
      const path = `/media/${kind}/${encodeURIComponent(id)}`;
      return mediaCapability ? `/cap/${mediaCapability}${path}` : path;
    },
    pathForFile() {
      return null;
    },
  };
}
