import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { exposedMethodNames, isMethodName, methodSpec, toErrorData, ToCallee, type MethodName } from '@contract';
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
  /** the URL to open: includes the access token */
  openUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const COOKIE = 'studio_token';
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

function cookieToken(req: IncomingMessage): string | undefined {
  const raw = req.headers.cookie ?? '';
  for (const part of raw.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}

/**
 * `studio serve`: the renderer as a local web app. HTTP serves the built UI and
 * media (Range, only opened files); a WebSocket carries the same contract as
 * the desktop IPC. Every request needs the access token (in the first URL, then
 * a SameSite=Strict HttpOnly cookie); Host and Origin are checked so other
 * sites in the browser cannot drive it (DNS rebinding, cross-site WebSocket).
 */
export async function startServer(opts: ServeOptions): Promise<StudioServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const engine = opts.engine;
  const allowed = new Set<MethodName>(exposedMethodNames.filter((m) => methodSpec(m).host === 'engine'));
  let port = 0;

  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(host);
  const hostOk = (req: IncomingMessage) => {
    // On loopback, refuse other Host names (DNS rebinding). Bound to a network
    // address on purpose (a headless analysis box), the token alone guards it.
    if (!loopback) return true;
    const h = req.headers.host ?? '';
    const names = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${host}:${port}`]);
    return names.has(h);
  };
  const authed = (req: IncomingMessage, url: URL) => sameToken(cookieToken(req), token) || sameToken(url.searchParams.get('token') ?? undefined, token);

  const send = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    res.end(body);
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, `Internal error: ${(err as Error).message}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (!hostOk(req)) return send(res, 421, 'Wrong Host header.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed.');
    if (!authed(req, url)) {
      return send(
        res,
        401,
        'Resonance Studio: this page needs its access token. Open the full URL that `studio serve` printed (it ends with ?token=…).',
      );
    }
    if (url.searchParams.has('token')) {
      // Trade the token in the URL for a cookie, and drop it from the address bar.
      res.writeHead(302, {
        'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname === '/' ? '/' : url.pathname,
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/media/')) {
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

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    const origin = req.headers.origin;
    const originOk = !origin || !loopback || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}` || origin === `http://${host}:${port}`;
    if (url.pathname !== '/ws' || !hostOk(req) || !originOk || !authed(req, url)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => bridge(ws));
  });

  let connSeq = 0;
  function bridge(ws: WebSocket): void {
    sockets.add(ws);
    const conn = `w${(++connSeq).toString(36)}`;
    const inflight = new Set<string>();
    const out = (m: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    out({ t: 'event', name: 'engine:state', payload: engine.state });
    ws.on('message', (data) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(data));
      } catch {
        return;
      }
      const parsed = ToCallee.safeParse(raw);
      if (!parsed.success) return;
      const msg = parsed.data;
      const engineId = `${conn}_${msg.id}`.slice(0, 64);
      if (msg.t === 'cancel') {
        engine.cancel(engineId);
        return;
      }
      const id = msg.id;
      if (!isMethodName(msg.method) || !exposedMethodNames.includes(msg.method)) {
        out({ t: 'res', id, ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method "${msg.method}".` } });
        return;
      }
      if (!allowed.has(msg.method)) {
        out({
          t: 'res',
          id,
          ok: false,
          error: { code: 'UNSUPPORTED', message: `"${msg.method}" needs the desktop app; in the browser use the in-app file browser instead.` },
        });
        return;
      }
      inflight.add(engineId);
      engine
        .callRaw(msg.method, msg.args, { callId: engineId, onProgress: (progress) => out({ t: 'progress', id, progress }) })
        .then(
          (value) => out({ t: 'res', id, ok: true, value }),
          (err) => out({ t: 'res', id, ok: false, error: toErrorData(err) }),
        )
        .finally(() => inflight.delete(engineId));
    });
    const offEvents = engine.onEvent((name, payload) => out({ t: 'event', name, payload }));
    const offState = engine.onState((s) => out({ t: 'event', name: 'engine:state', payload: s }));
    ws.on('close', () => {
      sockets.delete(ws);
      offEvents();
      offState();
      for (const id of inflight) engine.cancel(id);
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
    openUrl: `${url}/?token=${token}`,
    token,
    port,
    close: async () => {
      for (const s of sockets) s.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export function isAllowedOverWeb(method: string): boolean {
  return isMethodName(method) && methodSpec(method).host === 'engine' && exposedMethodNames.includes(method);
}
