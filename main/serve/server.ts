import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { WebSocket } from 'ws';
import { MAX_MESSAGE_BYTES, forward, toErrorData, type Port } from '@contract';
import type { EngineHost } from '../engine-host';
import { parseMediaPath, serveMedia } from '../media-server/serve-file';

export interface ServeOptions {
  engine: EngineHost;
  /** the built renderer (out/renderer) */
  rendererDir: string;
  host?: string;
  port?: number;
  /** fixed token (tests); random otherwise */
  token?: string;
}

export interface StudioServer {
  url: string;
  /** the URL to open: carries the access token in its fragment (`#token=…`), which the browser never sends */
  openUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** The WebSocket subprotocol; the token rides as a second one (renderer/src/host/ws-bridge.ts). */
export const WS_PROTOCOL = 'studio.v1';
const WS_TOKEN_PREFIX = 'studio-token.';
/** media capabilities kept (one per WebSocket connection); the oldest are forgotten first */
const MAX_MEDIA_CAPABILITIES = 1000;
const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
  '.ico': 'image/x-icon',
};

/** Same CSP as the desktop window, plus the WebSocket back to this server. */
export const WEB_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The bearer token of an `Authorization: Bearer …` header (scripts, tests; browsers never send one by themselves). */
function bearerToken(req: IncomingMessage): string | undefined {
  const m = /^Bearer ([A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/** The token offered as the subprotocol `studio-token.<token>` of a WebSocket handshake. */
function protocolToken(req: IncomingMessage): string | undefined {
  return offeredWith(req, WS_TOKEN_PREFIX);
}

/** The subprotocol offered on the handshake that starts with `prefix`, without it. */
function offeredWith(req: IncomingMessage, prefix: string): string | undefined {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  return offered.find((p) => p.startsWith(prefix))?.slice(prefix.length);
}

/** The subprotocol prefix with which a page that reconnects offers the media capability it had (`studio-cap.<cap>`). */
export const WS_CAP_PREFIX = 'studio-cap.';

/**
 * `studio serve`: the renderer as a local web app. HTTP serves the built UI
 * (public: the same files for everyone, no data) and media (Range, only
 * opened files); a WebSocket carries the same contract as the desktop IPC,
 * through the contract's forward().
 *
 * The credential never sits in a cookie (cookies are not bound to a port, so
 * every other server on this host would receive it). The printed URL carries
 * the token in its fragment; the page keeps it in sessionStorage (per origin,
 * so per port: two instances coexist) and offers it on the WebSocket
 * handshake as the subprotocol `studio-token.<token>`. Each connection is sent
 * a fresh media capability (`web:session`) that media URLs carry as a path
 * prefix, `/cap/<capability>/media/<kind>/<id>` (the query stays the page's);
 * it opens media only, and only while its connection is open: a closed tab's
 * links stop working. A page that reconnects offers its capability back
 * (subprotocol `studio-cap.<cap>`) and keeps it, so its players go on. Scripts may use `Authorization: Bearer <token>` for
 * both. Host and Origin are checked so other sites in the browser cannot
 * drive it (DNS rebinding, cross-site WebSocket).
 *
 * One bad frame never stops the server: every socket has an error handler;
 * a frame over MAX_MESSAGE_BYTES, invalid UTF-8 or reserved bits closes that
 * socket (1009/1007/1002) with a reason.
 */
export async function startServer(opts: ServeOptions): Promise<StudioServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const engine = opts.engine;
  let port = 0;
  /** media capabilities handed to connections, oldest first (a reconnecting page may take its own back) */
  const issued = new Set<string>();
  /** the capabilities that open media now: those of open connections, with how many use each */
  const live = new Map<string, number>();
  /** The capability of a new connection: the one the page offers if this server issued it (a reconnect), else a fresh one. */
  const takeCapability = (offered: string | undefined) => {
    let cap = offered !== undefined && issued.has(offered) ? offered : undefined;
    if (!cap) {
      cap = randomBytes(18).toString('base64url');
      issued.add(cap);
      if (issued.size > MAX_MEDIA_CAPABILITIES) issued.delete(issued.values().next().value as string);
    }
    live.set(cap, (live.get(cap) ?? 0) + 1);
    return cap;
  };
  /** A connection closed: its capability stops opening media once no open connection uses it. */
  const dropCapability = (cap: string) => {
    const n = (live.get(cap) ?? 1) - 1;
    if (n > 0) live.set(cap, n);
    else live.delete(cap);
  };

  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(host);
  const hostOk = (req: IncomingMessage) => {
    // On loopback, refuse other Host names (DNS rebinding). Bound to a network
    // address on purpose (a headless analysis box), the token alone guards it.
    if (!loopback) return true;
    const h = req.headers.host ?? '';
    const names = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${host}:${port}`]);
    return names.has(h);
  };
  const mediaAuthed = (req: IncomingMessage, cap: string | null) => (cap !== null && live.has(cap)) || sameToken(bearerToken(req), token);
  const socketAuthed = (req: IncomingMessage) => sameToken(protocolToken(req), token) || sameToken(bearerToken(req), token);

  const send = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    res.end(body);
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err) => {
      // a malformed %-escape in the address is the client's mistake, not ours
      if (!res.headersSent) err instanceof URIError ? send(res, 400, 'Malformed address (bad %-escape).') : send(res, 500, `Internal error: ${(err as Error).message}`);
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (!hostOk(req)) return send(res, 421, 'Wrong Host header.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed.');
    // `/cap/<capability>/media/…` is `/media/…` opened by a page's capability
    const capped = /^\/cap\/([A-Za-z0-9_-]{1,64})(\/media\/.*)$/.exec(url.pathname);
    if (capped) url.pathname = capped[2];
    if (url.pathname.startsWith('/media/')) {
      if (!mediaAuthed(req, capped?.[1] ?? null)) {
        return send(res, 401, 'Resonance Studio: media needs the capability of an open page. Open the full URL that `studio serve` printed (it ends with #token=…).');
      }
      const target = parseMediaPath(url.pathname.slice('/media/'.length));
      if (!target) return send(res, 404, 'Unknown media address.');
      let resolved;
      try {
        resolved = await engine.call('media:resolve', target);
      } catch (err) {
        const e = toErrorData(err);
        return send(res, e.code === 'NOT_FOUND' ? 404 : e.code === 'FORBIDDEN' || e.code === 'FILE_CHANGED' ? 403 : 500, e.message);
      }
      const r = await serveMedia(target.kind, resolved, req.headers.range, req.method);
      if (r.text !== undefined) return send(res, r.status, r.text);
      res.writeHead(r.status, r.headers);
      if (r.body) {
        r.body.pipe(res);
        res.on('close', () => r.body?.destroy());
      } else res.end();
      return;
    }
    // `/auth`: whether a page's access token is this server's (`Authorization: Bearer <token>`: 204, else 401). A page
    // whose WebSocket is refused asks it to tell a restarted `studio serve` (a new token; retrying cannot help: open
    // the address it printed) from one that is down (renderer/src/host/ws-bridge.ts). Another origin cannot send the
    // header without a preflight, which this server refuses (405).
    if (url.pathname === '/auth') {
      return sameToken(bearerToken(req), token) ? send(res, 204, '') : send(res, 401, 'Resonance Studio: not this server\'s access token. Open the full URL that `studio serve` printed (it ends with #token=…).');
    }
    // Static renderer files.
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = normalize(join(opts.rendererDir, rel));
    if (!file.startsWith(normalize(opts.rendererDir) + sep) || !existsSync(file) || !statSync(file).isFile()) {
      return send(res, 404, 'Not found.');
    }
    const headers: Record<string, string> = {
      'Content-Type': STATIC_TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    };
    if (extname(file) === '.html') {
      headers['Content-Security-Policy'] = WEB_CSP;
      headers['X-Frame-Options'] = 'DENY';
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  }

  // ws is loaded when a server starts, not with the CLI (`studio analyze` and the others never need it)
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    // the page offers [studio.v1, studio-token.<token>]: answer with the protocol, never echo the token
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const origin = req.headers.origin;
    const originOk = !origin || !loopback || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}` || origin === `http://${host}:${port}`;
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/ws' || !hostOk(req) || !originOk || !socketAuthed(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => bridge(ws, offeredWith(req, WS_CAP_PREFIX)));
  });

  let connSeq = 0;
  /** One browser page: the contract's forward() over its WebSocket, plus the engine's events. */
  function bridge(ws: WebSocket, offeredCap: string | undefined): void {
    sockets.add(ws);
    // a bad frame (too big, invalid UTF-8, reserved bits) ends up here: ws closes this socket
    // with 1009/1007/1002 and a reason; without a listener the error would stop the process
    ws.on('error', () => undefined);
    const listeners = new Set<(m: unknown) => void>();
    const out = (m: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const wsPort: Port = {
      send: out,
      onMessage: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const rpc = forward(wsPort, engine, {
      idPrefix: `w${(++connSeq).toString(36)}_`,
      shellUnavailable: (method) => ({
        code: 'UNSUPPORTED',
        message: `"${method}" needs the desktop app; in the browser use the in-app file browser instead.`,
      }),
    });
    const cap = takeCapability(offeredCap);
    out({ t: 'event', name: 'web:session', payload: { media: cap } });
    out({ t: 'event', name: 'engine:state', payload: engine.state });
    ws.on('message', (data, isBinary) => {
      let raw: unknown;
      try {
        if (isBinary) throw new Error('binary');
        raw = JSON.parse(String(data));
      } catch {
        ws.close(1003, 'Every message is one JSON text frame.');
        return;
      }
      for (const l of listeners) l(raw);
    });
    const offEvents = engine.onEvent((name, payload) => out({ t: 'event', name, payload }));
    const offState = engine.onState((s) => out({ t: 'event', name: 'engine:state', payload: s }));
    ws.on('close', () => {
      dropCapability(cap);
      sockets.delete(ws);
      offEvents();
      offState();
      rpc.close();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  return {
    url,
    openUrl: `${url}/#token=${token}`,
    token,
    port,
    close: async () => {
      for (const s of sockets) s.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
