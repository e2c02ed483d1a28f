// The main window: secure preferences, hardened webContents, restored geometry.
import type { AppPaths } from './paths';
import { hardenWebContents, secureWebPreferences, type WebContentsHardenLike } from './security';
import type { WindowState } from './window-state';
import { MIN_SIZE } from './window-state';

export interface MainWebContentsLike extends WebContentsHardenLike {
  readonly id: number;
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string }) => void): unknown;
  on(event: 'did-finish-load', listener: () => void): unknown;
  reload(): void;
}

export interface MainWindowLike {
  readonly webContents: MainWebContentsLike;
  loadFile(path: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
  maximize(): void;
}

export type WindowOptions = ReturnType<typeof mainWindowOptions>;

export function mainWindowOptions(o: { paths: AppPaths; state: WindowState; isDev: boolean; title: string; icon?: string }) {
  return {
    title: o.title,
    width: o.state.width,
    height: o.state.height,
    ...(o.state.x !== undefined && o.state.y !== undefined ? { x: o.state.x, y: o.state.y } : {}),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    backgroundColor: '#16161c',
    ...(o.icon ? { icon: o.icon } : {}),
    webPreferences: secureWebPreferences(o.paths.preload, { devTools: o.isDev }),
  };
}

export interface CreateMainWindowDeps<W extends MainWindowLike> {
  BrowserWindow: new (options: WindowOptions) => W;
  paths: AppPaths;
  state: WindowState;
  isDev: boolean;
  title?: string;
  icon?: string;
  openExternal: (url: string) => unknown;
  isRendererUrl: (url: string) => boolean;
  log?: (message: string) => void;
}

/** Create the studio window and load the renderer (out/renderer/index.html). */
export function createMainWindow<W extends MainWindowLike>(deps: CreateMainWindowDeps<W>): W {
  const win = new deps.BrowserWindow(
    mainWindowOptions({ paths: deps.paths, state: deps.state, isDev: deps.isDev, title: deps.title ?? 'Resonance Studio', icon: deps.icon }),
  );
  hardenWebContents(win.webContents, { openExternal: deps.openExternal, isOurUrl: deps.isRendererUrl });
  win.webContents.on('render-process-gone', (_e, details) => {
    // the renderer crashed (not the engine): show the studio again rather than a blank window
    deps.log?.(`renderer gone: ${details.reason}`);
    if (details.reason !== 'clean-exit') win.webContents.reload();
  });
  win.once('ready-to-show', () => {
    if (deps.state.maximized) win.maximize();
    win.show();
  });
  void win.loadFile(deps.paths.rendererHtml).catch((err: Error) => deps.log?.(`could not load the renderer: ${err.message}`));
  return win;
}
