// Window and session hardening, with Electron's objects passed in.
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

/** Only plain web links leave the app, to the user's browser: http(s), no credentials, no local hosts. */
export function isSafeExternalUrl(raw: string): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  if (u.username || u.password) return false;
  const host = u.hostname.toLowerCase();
  if (!host || host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\./.test(host) || host === '0.0.0.0') return false;
  return true;
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
