import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { appPaths, isRendererUrl } from '../../main/electron/paths';
import { applyCsp, denyPermissions, DESKTOP_CSP, hardenWebContents, isSafeExternalUrl, secureWebPreferences } from '../../main/electron/security';
import { createMainWindow, type WindowOptions } from '../../main/electron/window';

class FakeContents extends EventEmitter {
  readonly id = 1;
  openHandler: ((d: { url: string }) => { action: 'deny' } | { action: 'allow' }) | undefined;
  reloads = 0;
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }): void {
    this.openHandler = h;
  }
  reload(): void {
    this.reloads++;
  }
}
class FakeWindow extends EventEmitter {
  static last: FakeWindow;
  readonly webContents = new FakeContents();
  loaded: string | undefined;
  shown = false;
  maximized = false;
  constructor(readonly options: WindowOptions) {
    super();
    FakeWindow.last = this;
  }
  loadFile(path: string): Promise<void> {
    this.loaded = path;
    return Promise.resolve();
  }
  show(): void {
    this.shown = true;
  }
  maximize(): void {
    this.maximized = true;
  }
}

function navEvent() {
  return {
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

const paths = appPaths(pathToFileURL('/opt/studio/app/out/main/electron.js').href);

describe('window security', () => {
  it('finds the built pieces next to the main bundle', () => {
    assert.deepEqual(paths, {
      outDir: '/opt/studio/app/out/',
      preload: '/opt/studio/app/out/preload/preload.cjs',
      rendererHtml: '/opt/studio/app/out/renderer/index.html',
      rendererUrl: 'file:///opt/studio/app/out/renderer/index.html',
      engine: '/opt/studio/app/out/engine/index.js',
    });
  });

  it('creates the window sandboxed, isolated, without node, with the preload, and loads the renderer', () => {
    const opened: string[] = [];
    const win = createMainWindow({
      BrowserWindow: FakeWindow,
      paths,
      state: { width: 1000, height: 700, x: 10, y: 20, maximized: true },
      isDev: false,
      openExternal: (u) => opened.push(u),
      isRendererUrl: (u) => isRendererUrl(u, paths.rendererHtml, 'linux'),
    });
    const wp = win.options.webPreferences;
    assert.equal(wp.contextIsolation, true);
    assert.equal(wp.sandbox, true);
    assert.equal(wp.nodeIntegration, false);
    assert.equal(wp.nodeIntegrationInWorker, false);
    assert.equal(wp.nodeIntegrationInSubFrames, false);
    assert.equal(wp.webSecurity, true);
    assert.equal(wp.allowRunningInsecureContent, false);
    assert.equal(wp.webviewTag, false);
    assert.equal(wp.navigateOnDragDrop, false);
    assert.equal(wp.devTools, false);
    assert.equal(wp.preload, '/opt/studio/app/out/preload/preload.cjs');
    assert.equal(win.loaded, '/opt/studio/app/out/renderer/index.html');
    assert.deepEqual([win.options.x, win.options.y, win.options.width, win.options.height], [10, 20, 1000, 700]);
    assert.equal(win.options.show, false);
    win.emit('ready-to-show');
    assert.ok(win.shown && win.maximized);

    // navigation and new windows are blocked; a web link goes to the browser
    const nav = navEvent();
    win.webContents.emit('will-navigate', nav, 'https://example.com/page');
    assert.ok(nav.prevented);
    const local = navEvent();
    win.webContents.emit('will-navigate', local, 'file:///etc/passwd');
    assert.ok(local.prevented);
    assert.deepEqual(win.webContents.openHandler!({ url: 'https://example.org/doc' }), { action: 'deny' });
    assert.deepEqual(win.webContents.openHandler!({ url: 'file:///home/me/.ssh/id_rsa' }), { action: 'deny' });
    assert.deepEqual(win.webContents.openHandler!({ url: 'javascript:alert(1)' }), { action: 'deny' });
    assert.deepEqual(opened, ['https://example.com/page', 'https://example.org/doc']);
    const wv = navEvent();
    win.webContents.emit('will-attach-webview', wv);
    assert.ok(wv.prevented);

    // a crashed renderer is reloaded
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    assert.equal(win.webContents.reloads, 1);
  });

  it('has devtools only in development', () => {
    const w = createMainWindow({ BrowserWindow: FakeWindow, paths, state: { width: 900, height: 600, maximized: false }, isDev: true, openExternal: () => 0, isRendererUrl: () => true });
    assert.equal(w.options.webPreferences.devTools, true);
    assert.equal('x' in w.options, false);
    assert.equal(secureWebPreferences('/p.cjs', { devTools: false }).devTools, false);
  });

  it('opens only plain web links outside', () => {
    for (const u of ['https://github.com/sony/DeepResonance', 'http://example.com/x?y=1', 'https://example.com./', 'http://[2001:db8::1]/', 'http://[::ffff:8.8.8.8]/', 'http://8.8.8.8/']) {
      assert.ok(isSafeExternalUrl(u), u);
    }
    for (const u of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'studio-media://track/abcdefgh',
      'https://user:pw@example.com/',
      'http://localhost:8080/',
      'http://127.0.0.1/',
      'http://localhost./',
      'http://LOCALHOST../x',
      'http://app.localhost./',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:7f00:1]:8080/',
      'http://[0:0:0:0:0:ffff:127.0.0.2]/',
      'http://[::127.0.0.1]/',
      'http://[::]/',
      'http://[::1]/',
      'http://[0:0:0:0:0:0:0:1]/',
      'http://0.0.0.0/',
      'http://0/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://127.1/',
      'not a url',
      'data:text/html,hi',
    ]) {
      assert.equal(isSafeExternalUrl(u), false, u);
    }
  });

  it('has a strict CSP', () => {
    const d = Object.fromEntries(DESKTOP_CSP.split('; ').map((p) => [p.split(' ')[0], p.split(' ').slice(1).join(' ')]));
    assert.equal(d['default-src'], "'none'");
    assert.equal(d['script-src'], "'self'");
    assert.equal(d['style-src'], "'self' 'unsafe-inline'");
    assert.equal(d['img-src'], "'self' data: blob: studio-media:");
    assert.equal(d['media-src'], "'self' blob: studio-media:");
    assert.equal(d['connect-src'], "'self' studio-media:");
    assert.equal(d['base-uri'], "'none'");
    assert.equal(d['form-action'], "'none'");
    assert.equal(d['frame-ancestors'], "'none'");
    assert.equal(d['object-src'], "'none'");
    assert.doesNotMatch(DESKTOP_CSP, /unsafe-eval|\*/);
    assert.doesNotMatch(d['script-src'], /unsafe-inline/);
  });

  it('puts the CSP on our renderer document only, replacing any other', () => {
    let listener: Parameters<Parameters<typeof applyCsp>[0]['onHeadersReceived']>[0] | undefined;
    applyCsp({ onHeadersReceived: (l) => void (listener = l) }, (u) => isRendererUrl(u, paths.rendererHtml, 'linux'));
    const run = (details: { url: string; resourceType: string; responseHeaders?: Record<string, string[]> }) => {
      let out: { responseHeaders?: Record<string, string[]> } | undefined;
      listener!(details, (r) => (out = r));
      return out!;
    };
    const ours = run({ url: paths.rendererUrl, resourceType: 'mainFrame', responseHeaders: { 'content-security-policy': ['default-src *'], 'X-A': ['1'] } });
    assert.deepEqual(ours.responseHeaders, { 'X-A': ['1'], 'Content-Security-Policy': [DESKTOP_CSP] });
    assert.deepEqual(run({ url: 'https://example.com/', resourceType: 'mainFrame' }), {});
    assert.deepEqual(run({ url: paths.rendererUrl.replace('index.html', 'assets/app.js'), resourceType: 'script' }), {});
  });

  it('denies permission requests and checks by default', () => {
    let request: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | undefined;
    let check: ((wc: unknown, p: string) => boolean) | undefined;
    const session = { setPermissionRequestHandler: (h: typeof request) => void (request = h), setPermissionCheckHandler: (h: typeof check) => void (check = h) };
    denyPermissions(session, ['fullscreen']);
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'midi']) {
      let granted: boolean | undefined;
      request!({}, p, (g) => (granted = g));
      assert.equal(granted, false, p);
      assert.equal(check!({}, p), false, p);
    }
    let fs: boolean | undefined;
    request!({}, 'fullscreen', (g) => (fs = g));
    assert.equal(fs, true);
  });

  it('hardens any webContents the same way', () => {
    const c = new FakeContents();
    const opened: string[] = [];
    hardenWebContents(c, { openExternal: (u) => opened.push(u), isOurUrl: () => false });
    const redirect = navEvent();
    c.emit('will-redirect', redirect, 'https://evil.example/');
    assert.ok(redirect.prevented);
    assert.deepEqual(c.openHandler!({ url: 'http://localhost:3000/' }), { action: 'deny' });
    assert.deepEqual(opened, []);
  });

  it('recognises our renderer URL however it is encoded', () => {
    const html = '/home/a b/Résonance/out/renderer/index.html';
    const url = pathToFileURL(html).href;
    assert.ok(isRendererUrl(url, html, 'linux'));
    assert.ok(isRendererUrl(`${url}?x=1#/t/abc`, html, 'linux'));
    assert.ok(isRendererUrl('file:///home/a%20b/R%C3%A9sonance/out/renderer/index.html', html, 'linux'));
    assert.equal(isRendererUrl('file:///home/a%20b/R%C3%A9sonance/out/renderer/other.html', html, 'linux'), false);
    assert.equal(isRendererUrl('file://evil.example/home/a%20b/R%C3%A9sonance/out/renderer/index.html', html, 'linux'), false);
    assert.equal(isRendererUrl(`https://x${html}`, html, 'linux'), false);
    assert.equal(isRendererUrl(null, html), false);
  });
});
