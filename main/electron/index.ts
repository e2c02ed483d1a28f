// The Electron shell: the only file that imports 'electron'. Every piece it
// wires takes its Electron parts as parameters (and is unit-tested with fakes).
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell, utilityProcess, type WebContents } from 'electron';
import { createWriteStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RecentEntry } from '@contract';
import { APP_COMMAND } from '../data-lock';
import { makeDirs } from '../engine/fs/paths';
import { EngineHost } from '../engine-host';
import { STUDIO_VERSION } from '../version';
import { inUseMessageBox, startEngineAsking } from './data-folder';
import { electronForker } from './engine-fork';
import { registerIpc, type SenderLike } from './ipc';
import { MEDIA_SCHEME_PRIVILEGES, registerMediaProtocol } from './media-protocol';
import { buildMenuTemplate } from './menu';
import { isOpenableFile, OpenPathsRelay, pathsFromArgv } from './open-paths';
import { appPaths, isRendererUrl } from './paths';
import { applyCsp, denyPermissions } from './security';
import { createShellMethods, showOpenMedia } from './shell-methods';
import { createMainWindow } from './window';
import { fitToDisplays, loadWindowState, saveWindowState, trackWindowState } from './window-state';

const APP_NAME = 'Resonance Studio';

// Before `ready`: the media scheme's privileges, and the sandbox for every renderer.
protocol.registerSchemesAsPrivileged([MEDIA_SCHEME_PRIVILEGES]);
app.enableSandbox();
// STUDIO_DATA_DIR moves the data folder for the app as for the CLI (README);
// set before the single-instance lock, which lives in that folder.
if (process.env.STUDIO_DATA_DIR) app.setPath('userData', resolve(process.env.STUDIO_DATA_DIR));

const isDev = !app.isPackaged || process.env.STUDIO_DEV === '1';
const paths = appPaths(import.meta.url);
const isOurPage = (url: string) => isRendererUrl(url, paths.rendererHtml);
const relay = new OpenPathsRelay();
let mainWindow: BrowserWindow | undefined;

function focusMainWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

if (!app.requestSingleInstanceLock()) {
  // another Resonance Studio is running: it gets our command line (second-instance)
  app.quit();
} else {
  relay.push(pathsFromArgv(process.argv, { cwd: process.cwd(), isPackaged: app.isPackaged }));
  app.on('second-instance', (_event, argv, cwd) => {
    relay.push(pathsFromArgv(argv, { cwd, isPackaged: app.isPackaged }));
    focusMainWindow();
  });
  // macOS: files dropped on the dock icon or opened with the app (may come before ready)
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (isOpenableFile(path)) relay.push([path]);
    focusMainWindow();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.whenReady().then(start, (err: Error) => {
    dialog.showErrorBox(APP_NAME, `The studio could not start: ${err.message}`);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  denyPermissions(session.defaultSession, ['fullscreen', 'clipboard-sanitized-write']);
  applyCsp(session.defaultSession.webRequest, isOurPage);
  app.setAboutPanelOptions({
    applicationName: APP_NAME,
    applicationVersion: app.getVersion(),
    version: STUDIO_VERSION,
    copyright: 'Licensed under the GNU AGPL v3 or later.',
    credits: 'Music understanding by DeepResonance (Sony Research, MIT licence), run locally with ONNX Runtime.',
  });

  const logDir = app.getPath('logs');
  // makeDirs: Node's recursive mkdirSync can loop forever (fs/paths.ts); this one ends, with an error
  makeDirs(logDir);
  const engineLog = isDev ? process.stderr : createWriteStream(join(logDir, 'engine.log'), { flags: 'a' });
  const engine = new EngineHost({
    fork: electronForker(utilityProcess, { log: engineLog }),
    enginePath: paths.engine,
    dataDir: userData,
    mode: 'desktop',
    version: app.getVersion(),
    // the data folder's lock (main/data-lock): `studio serve` or `studio analyze --db` on it are refused, and
    // while one of them holds it the app asks (startEngineAsking below)
    lock: { command: APP_COMMAND, onCompromised: (err) => console.warn(`[studio] the data folder's lock was lost: ${err.message}`) },
  });

  registerMediaProtocol({ protocol, engine });
  const ipc = registerIpc({
    ipcMain,
    engine,
    shellMethods: createShellMethods({ dialog, parentWindowOf: (sender) => BrowserWindow.fromWebContents(sender as WebContents) }),
    contents: () => BrowserWindow.getAllWindows().map((w) => w.webContents as SenderLike),
    isRendererUrl: isOurPage,
    onCallSettled: (method, ok) => {
      if (ok && (method === 'media:open' || method.startsWith('recent:'))) void refreshMenu();
    },
    log: (m) => console.warn(`[studio] ${m}`),
  });

  async function refreshMenu(): Promise<void> {
    let recent: RecentEntry[] = [];
    if (engine.state.state === 'ready') {
      recent = await engine.call('recent:list', {}).catch(() => []);
    }
    const template = buildMenuTemplate({
      appName: APP_NAME,
      platform: process.platform,
      isDev,
      recent,
      actions: {
        open: () => {
          void showOpenMedia(dialog, 'media', mainWindow).then((p) => relay.push(p));
        },
        openRecent: (path) => relay.push([path]),
        clearRecent: () => {
          void engine
            .call('recent:clear', {})
            .catch(() => null)
            .then(() => refreshMenu());
        },
        about: () => app.showAboutPanel(),
      },
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }
  engine.onState((s) => {
    if (s.state === 'ready') void refreshMenu();
  });
  void refreshMenu();
  void startEngineAsking(engine, {
    ask: async (message) => {
      const box = inUseMessageBox(APP_NAME, message);
      const { response } = mainWindow && !mainWindow.isDestroyed() ? await dialog.showMessageBox(mainWindow, box) : await dialog.showMessageBox(box);
      return response === 0 ? 'retry' : 'quit';
    },
    quit: () => app.quit(),
    log: (m) => console.error(`[studio] ${m}`),
  });

  let stopped = false;
  app.on('will-quit', (event) => {
    if (stopped) return;
    // let the engine close its database first (bounded: quitting must not hang)
    event.preventDefault();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, 3000)));
    void Promise.race([engine.stop(), timeout]).finally(() => {
      clearTimeout(timer);
      stopped = true;
      ipc.dispose();
      app.quit();
    });
  });

  const createWindow = () => {
    const stateFile = join(userData, 'window-state.json');
    const state = fitToDisplays(
      loadWindowState(stateFile),
      screen.getAllDisplays().map((d) => d.workArea),
    );
    const icon = join(app.getAppPath(), 'resources', 'icon.png');
    const win = createMainWindow({
      BrowserWindow,
      paths,
      state,
      isDev,
      title: APP_NAME,
      icon: existsSync(icon) ? icon : undefined,
      openExternal: (url) => shell.openExternal(url),
      isRendererUrl: isOurPage,
      log: (m) => console.warn(`[studio] ${m}`),
    });
    mainWindow = win;
    trackWindowState(win, (s) => saveWindowState(stateFile, s));
    const contents = win.webContents;
    contents.on('did-start-loading', () => relay.detach());
    contents.on('did-finish-load', () => {
      ipc.sendEvent(contents, 'engine:state', engine.state);
      relay.attach((p) => ipc.sendEvent(contents, 'app:open-paths', { paths: p }));
    });
    win.on('closed', () => {
      relay.detach();
      if (mainWindow === win) mainWindow = undefined;
    });
  };
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}
