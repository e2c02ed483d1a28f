// The built desktop main (out/main/electron.js) booted under Node with
// `electron` answered by fakes (test/helpers/electron-loader.mjs), and the
// engine forked for real: a stand-in for launching the app, which cannot be
// done here. It checks the wiring of main/electron/index.ts end to end.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { IPC, type IpcCallResult, type Track } from '@contract';
import { LOCK_DIR, lockDataFolder, readDataLockOwner, type DataLock } from '../../main/data-lock';
import { engineExecArgv } from '../../main/engine-host/node-fork';
import type { MenuItemTemplate } from '../../main/electron/menu';
import { FakeIpcMain, FakeWebContents, frame, ipcEvent, until } from '../helpers/electron-fakes';
import { ROOT, toneFile } from '../helpers/media';

const OUT = join(ROOT, 'out');
const MAIN = join(OUT, 'main', 'electron.js');
const RENDERER_HTML = join(OUT, 'renderer', 'index.html');
const RENDERER_URL = pathToFileURL(RENDERER_HTML).href;

class FakeWindowContents extends FakeWebContents {
  openHandler: ((d: { url: string }) => unknown) | undefined;
  setWindowOpenHandler(h: (d: { url: string }) => unknown): void {
    this.openHandler = h;
  }
  reload(): void {}
}

class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  static getAllWindows = () => FakeBrowserWindow.all.filter((w) => !w.destroyed);
  static fromWebContents = (wc: unknown) => FakeBrowserWindow.all.find((w) => w.webContents === wc) ?? null;
  readonly webContents = new FakeWindowContents();
  loaded: string | undefined;
  destroyed = false;
  constructor(readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
    super();
    FakeBrowserWindow.all.push(this);
  }
  loadFile(p: string) {
    this.loaded = p;
    return Promise.resolve();
  }
  static focused = 0;
  show() {}
  maximize() {}
  focus() {
    FakeBrowserWindow.focused++;
  }
  restore() {}
  isMinimized = () => false;
  isMaximized = () => false;
  isDestroyed = () => this.destroyed;
  getNormalBounds = () => ({ x: 0, y: 0, width: 1280, height: 820 });
}

/** utilityProcess.fork on child_process.fork: the engine reads process.send instead of parentPort, the rest is the same. */
class ForkedUtility extends EventEmitter {
  readonly child;
  constructor(modulePath: string, args: string[], options: { env: Record<string, string> }) {
    super();
    // Electron's utilityProcess runs the built engine with no TypeScript loader: neither does this (engineExecArgv)
    this.child = fork(modulePath, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json', execArgv: engineExecArgv(modulePath) });
    this.child.on('message', (m) => this.emit('message', m));
    this.child.on('exit', (code) => this.emit('exit', code ?? 1));
  }
  get pid() {
    return this.child.pid;
  }
  get stdout() {
    return this.child.stdout;
  }
  get stderr() {
    return this.child.stderr;
  }
  postMessage(m: unknown) {
    this.child.send(m as object);
  }
  kill() {
    return this.child.kill();
  }
}

describe('desktop main (out/main/electron.js) with Electron faked and the real engine', { skip: !existsSync(MAIN) && 'run `npm run build` first' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'studio-main-'));
  const calls: string[] = [];
  const privileged: unknown[] = [];
  const handlers = new Map<string, (r: Request) => Promise<Response>>();
  const forks: ForkedUtility[] = [];
  const menus: MenuItemTemplate[][] = [];
  const ipcMain = new FakeIpcMain();
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    ready: undefined as undefined | (() => void),
    whenReady: () => new Promise<void>((r) => (app.ready = r)),
    getPath: (name: string) => join(dir, name),
    getVersion: () => '0.1.0-test',
    getAppPath: () => ROOT,
    requestSingleInstanceLock: () => (calls.push('lock'), true),
    enableSandbox: () => calls.push('sandbox'),
    setAboutPanelOptions: () => undefined,
    showAboutPanel: () => calls.push('about'),
    quit: () => calls.push('quit'),
    exit: (code: number) => calls.push(`exit ${code}`),
  });
  let win: FakeBrowserWindow;
  let track: Track;
  /** the data folder held as if by `studio serve` when the app starts: the app asks, the fake dialog lets go and answers Try Again */
  let held: DataLock;
  const boxes: Array<{ message: string; detail: string; buttons: string[] }> = [];

  const invoke = (method: string, args: unknown, id: string, url = RENDERER_URL) =>
    ipcMain.invoke(ipcEvent(win.webContents, frame(url)), IPC.call, method, args, id) as Promise<IpcCallResult>;

  before(async () => {
    held = await lockDataFolder(join(dir, 'userData'), { command: 'studio serve' });
    (globalThis as Record<string, unknown>).__studioFakeElectron = {
      app,
      BrowserWindow: FakeBrowserWindow,
      ipcMain,
      dialog: {
        showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
        showErrorBox: (t: string, m: string) => calls.push(`error ${m}`),
        showMessageBox: async (...args: unknown[]) => {
          boxes.push(args.at(-1) as (typeof boxes)[number]);
          await held.release();
          return { response: 0 };
        },
      },
      Menu: { buildFromTemplate: (t: MenuItemTemplate[]) => t, setApplicationMenu: (t: MenuItemTemplate[]) => menus.push(t) },
      protocol: {
        registerSchemesAsPrivileged: (s: unknown[]) => privileged.push(...s),
        handle: (scheme: string, h: (r: Request) => Promise<Response>) => handlers.set(scheme, h),
      },
      screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
      session: {
        defaultSession: {
          setPermissionRequestHandler: () => calls.push('permissions'),
          setPermissionCheckHandler: () => undefined,
          webRequest: { onHeadersReceived: () => calls.push('csp') },
        },
      },
      shell: { openExternal: async () => undefined },
      utilityProcess: {
        fork: (modulePath: string, args: string[], options: { env: Record<string, string>; serviceName: string; stdio: string }) => {
          calls.push(`fork ${modulePath} ${options.serviceName} ${options.stdio}`);
          const p = new ForkedUtility(modulePath, args, options);
          forks.push(p);
          return p;
        },
      },
    };
    register(new URL('../helpers/electron-loader.mjs', import.meta.url));
    await import(pathToFileURL(MAIN).href);
  });

  after(async () => {
    for (const f of forks) f.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('before ready: registers studio-media as privileged, enables the sandbox, takes the single-instance lock', () => {
    assert.deepEqual(privileged, [{ scheme: 'studio-media', privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } }]);
    assert.deepEqual(calls, ['sandbox', 'lock']);
    assert.equal(handlers.size, 0);
    assert.equal(FakeBrowserWindow.all.length, 0);
  });

  it('on ready: protocol, IPC, a secure window on the renderer, and the engine in a utility process', async () => {
    app.ready!();
    await until(() => FakeBrowserWindow.all.length === 1, 'the window');
    win = FakeBrowserWindow.all[0];
    const wp = win.options.webPreferences;
    assert.deepEqual([wp.contextIsolation, wp.sandbox, wp.nodeIntegration, wp.webSecurity], [true, true, false, true]);
    assert.equal(wp.preload, join(OUT, 'preload', 'preload.cjs'));
    assert.equal(win.loaded, RENDERER_HTML);
    assert.ok(handlers.has('studio-media'));
    assert.ok(ipcMain.handlers.has(IPC.call));
    assert.ok(calls.includes('csp') && calls.includes('permissions'));
    // the data folder was held (as by `studio serve`): the app asked once, Try Again started the engine
    await until(() => calls.includes(`fork ${join(OUT, 'engine', 'index.js')} Resonance Studio Engine pipe`), 'the engine fork');
    assert.equal(boxes.length, 1);
    assert.match(boxes[0].message, /data folder is in use/);
    assert.match(boxes[0].detail, new RegExp(`in use by studio serve \\(pid ${process.pid}, since .+\\)\\. Stop \`studio serve\` \\(pid ${process.pid}; Ctrl\\+C in its terminal\\) and try again`));
    assert.deepEqual(boxes[0].buttons, ['Try Again', 'Quit']);
    assert.deepEqual([readDataLockOwner(join(dir, 'userData'))?.command, readDataLockOwner(join(dir, 'userData'))?.pid], ['Resonance Studio', process.pid]);
    await until(() => menus.length > 0, 'the menu');
  });

  it('answers renderer calls from the real engine, refuses foreign frames', async () => {
    const res = await invoke('app:get-info', {}, 'i1');
    assert.equal(res.ok, true, JSON.stringify(res));
    const info = (res as { value: { mode: string; dataDir: string } }).value;
    assert.equal(info.mode, 'desktop');
    assert.equal(info.dataDir, join(dir, 'userData'));
    const foreign = await invoke('app:get-info', {}, 'i2', 'https://evil.example/');
    assert.equal(!foreign.ok && foreign.error.code, 'FORBIDDEN');
  });

  it('holds the data folder while it runs: another process on it is refused, told to close this window', async () => {
    await assert.rejects(lockDataFolder(join(dir, 'userData'), { command: 'studio serve' }), (e: { code: string; message: string }) => {
      assert.equal(e.code, 'DATA_FOLDER_IN_USE');
      assert.match(e.message, new RegExp(`in use by Resonance Studio \\(pid ${process.pid}, since .+\\)\\. Close the other Resonance Studio window \\(pid ${process.pid}\\)`));
      return true;
    });
  });

  it('serves an opened file over studio-media:// with Range, and refuses what was not opened', async () => {
    const tone = toneFile('main-boot-tone.wav', 2);
    const opened = await invoke('media:open', { path: tone }, 'o1');
    assert.equal(opened.ok, true, JSON.stringify(opened));
    track = (opened as { value: Track }).value;
    const handle = handlers.get('studio-media')!;
    const res = await handle(new Request(`studio-media://track/${track.id}`, { headers: { Range: 'bytes=0-43' } }));
    assert.equal(res.status, 206);
    assert.equal((await res.arrayBuffer()).byteLength, 44);
    assert.equal((await handle(new Request('studio-media://track/AAAAAAAAAAAAAAAA'))).status, 404);
    assert.equal((await handle(new Request('studio-media://track/..%2F..%2Fetc%2Fpasswd'))).status, 404);
    // the Open Recent menu now lists it
    await until(() => JSON.stringify(menus.at(-1)).includes('Test Tone'), 'the recent menu');
  });

  it('sends engine:state and waiting open-paths once the renderer has loaded', async () => {
    const tone = toneFile('main-boot-tone.wav', 2);
    const focused = FakeBrowserWindow.focused;
    app.emit('second-instance', {}, ['/usr/bin/electron', '.', tone], '/');
    assert.equal(FakeBrowserWindow.focused, focused + 1, 'a second launch focuses the first window');
    win.webContents.emit('did-finish-load');
    const events = win.webContents.sentOn(IPC.event);
    // the last one: before it the window saw the start refused while the data folder was held, then Try Again
    assert.deepEqual(events.filter(([n]) => n === 'engine:state').map(([, p]) => (p as { state: string }).state), ['stopped', 'starting', 'ready', 'ready']);
    assert.deepEqual(events.findLast(([n]) => n === 'engine:state')?.[1], { state: 'ready', restarts: 0 });
    assert.deepEqual(events.find(([n]) => n === 'app:open-paths')?.[1], { paths: [tone] });
  });

  it('restarts a crashed engine and tells the window', async () => {
    process.kill(forks[0].pid!, 'SIGKILL');
    await until(() => forks.length === 2 && win.webContents.sentOn(IPC.event).some(([n, p]) => n === 'engine:state' && (p as { state: string }).state === 'ready' && (p as { restarts: number }).restarts === 1), 'the restart');
    const states = win.webContents
      .sentOn(IPC.event)
      .filter(([n]) => n === 'engine:state')
      .map(([, p]) => (p as { state: string }).state);
    assert.deepEqual(states.slice(-3), ['crashed', 'starting', 'ready']);
    const res = await invoke('media:get-track', { trackId: track.id }, 'r1');
    assert.equal(res.ok, true);
  });

  it('stops the engine before quitting', async () => {
    let prevented = false;
    app.emit('will-quit', { preventDefault: () => (prevented = true) });
    assert.ok(prevented);
    await until(() => calls.includes('quit'), 'quit');
    assert.notEqual(forks[1].child.exitCode ?? forks[1].child.signalCode, null);
    assert.equal(ipcMain.handlers.size, 0);
    assert.equal(existsSync(join(dir, 'userData', LOCK_DIR)), false, 'the data folder was let go');
  });
});
