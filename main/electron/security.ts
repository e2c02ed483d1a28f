// Window and session hardening, with Electron's objects passed in.
import { isIPv4, isIPv6 } from 'node:net';
import { MEDIA_SCHEME } from '@contract';

/**
 * The desktop window's Content-Security-Policy. The renderer is loaded from
 * file://, where Chromium matches 'self' against file: URLs; media comes from
 * studio-media:. Set as a response header for the main frame (see applyCsp);
 * the same string belongs in a <meta http-equiv> of renderer/index.html where
 * a file:// response has no headers to carry it.
 */
export const DESKTOP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // 'unsafe-inline' for wavesurfer.js's shadow-root <style>: see ALLOWED in test/unit/electronegativity.test.ts
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' data: blob: ${MEDIA_SCHEME}:`,
  `media-src 'self' blob: ${MEDIA_SCHEME}:`,
  `connect-src 'self' ${MEDIA_SCHEME}:`,
  "font-src 'self'",
  "object-src 'none'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The webPreferences of every studio window. */
export function secureWebPreferences(preloadPath: string, opts: { devTools: boolean }) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    devTools: opts.devTools,
  } as const;
}

interface HeadersDetails {
  url: string;
  resourceType: string;
  responseHeaders?: Record<string, string[]>;
}
export interface WebRequestLike {
  onHeadersReceived(listener: (details: HeadersDetails, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void): void;
}

/** Add the CSP header to documents loaded from our renderer folder (and drop any other CSP). */
export function applyCsp(webRequest: WebRequestLike, isOurUrl: (url: string) => boolean, csp = DESKTOP_CSP): void {
  webRequest.onHeadersReceived((details, callback) => {
    const isDocument = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    if (!isDocument || !isOurUrl(details.url)) return callback({});
    const headers: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(details.responseHeaders ?? {})) {
      if (k.toLowerCase() !== 'content-security-policy') headers[k] = v;
    }
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
}

/** The 8 16-bit groups of an IPv6 address (with an embedded dotted IPv4 tail, `::ffff:1.2.3.4`). */
function ipv6Groups(addr: string): number[] {
  let a = addr;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) {
    const [p, q, r, t] = v4[1].split('.').map(Number);
    a = `${a.slice(0, -v4[1].length)}${((p << 8) | q).toString(16)}:${((r << 8) | t).toString(16)}`;
  }
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const fill = tail !== undefined ? Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

/** Loopback or "this host" (0.0.0.0/8, 127.0.0.0/8): an address that reaches this machine. */
function isLocalIPv4(ip: string): boolean {
  const first = Number(ip.split('.')[0]);
  return first === 127 || first === 0;
}

/**
 * Whether a URL host names this machine: `localhost` (and `*.localhost`,
 * with or without the trailing root dot), loopback and unspecified IPv4
 * (WHATWG URL already turns `0x7f.1` or `2130706433` into dotted form), and
 * IPv6 `::1`, `::`, and IPv4-mapped/compatible forms of the local IPv4s
 * (`[::ffff:127.0.0.1]`, which URL writes as `[::ffff:7f00:1]`).
 */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.+$/, '');
  if (!host || host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIPv4(host)) return isLocalIPv4(host);
  const inner = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (!isIPv6(inner)) return false;
  const g = ipv6Groups(inner);
  if (g.slice(0, 7).every((x) => x === 0) && (g[7] === 0 || g[7] === 1)) return true; // :: and ::1
  const embedded = `${g[6] >> 8}.${g[6] & 0xff}.${g[7] >> 8}.${g[7] & 0xff}`;
  const mapped = g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0);
  return mapped && isLocalIPv4(embedded);
}

/** Only plain web links leave the app, to the user's browser: http(s), no credentials, no host that is this machine (isLocalHost). */
export function isSafeExternalUrl(raw: string): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  if (u.username || u.password) return false;
  return !isLocalHost(u.hostname);
}

export interface NavigationEventLike {
  preventDefault(): void;
}
export interface WebContentsHardenLike {
  on(event: 'will-navigate', listener: (event: NavigationEventLike, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEventLike, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEventLike) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

/**
 * No navigation away from the renderer, no new windows, no webviews. A web
 * link the user clicks opens in their browser, after isSafeExternalUrl.
 */
export function hardenWebContents(contents: WebContentsHardenLike, opts: { openExternal: (url: string) => unknown; isOurUrl: (url: string) => boolean }): void {
  const openOutside = (url: string) => {
    if (isSafeExternalUrl(url)) void Promise.resolve(opts.openExternal(url)).catch(() => undefined);
  };
  contents.on('will-navigate', (event, url) => {
    // the renderer is a single page: every navigation is refused (a reload is not one)
    event.preventDefault();
    openOutside(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!opts.isOurUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}

export interface PermissionSessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

/** Every permission (camera, notifications, geolocation, …) is refused unless listed. */
export function denyPermissions(session: PermissionSessionLike, allow: readonly string[] = []): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => callback(allow.includes(permission)));
  session.setPermissionCheckHandler((_wc, permission) => allow.includes(permission));
}
