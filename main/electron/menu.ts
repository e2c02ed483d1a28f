// The application menu as a plain template (Menu.buildFromTemplate in index.ts).
import type { RecentEntry } from '@contract';

type Role =
  | 'appMenu'
  | 'editMenu'
  | 'windowMenu'
  | 'quit'
  | 'close'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'about';

/** A subset of Electron's MenuItemConstructorOptions. */
export interface MenuItemTemplate {
  label?: string;
  role?: Role;
  type?: 'separator' | 'submenu' | 'normal';
  accelerator?: string;
  enabled?: boolean;
  id?: string;
  click?: () => void;
  submenu?: MenuItemTemplate[];
}

export interface MenuActions {
  open(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  about(): void;
}

export interface MenuOptions {
  appName: string;
  platform: NodeJS.Platform;
  /** development build: reload and devtools in View */
  isDev: boolean;
  recent: RecentEntry[];
  actions: MenuActions;
}

const MAX_RECENT = 10;

function recentLabel(r: RecentEntry): string {
  const name = r.title ? (r.artist ? `${r.artist} — ${r.title}` : r.title) : r.fileName;
  // & is the mnemonic marker on Windows and Linux
  return name.replace(/&/g, '&&');
}

export function buildMenuTemplate(o: MenuOptions): MenuItemTemplate[] {
  const isMac = o.platform === 'darwin';
  const sep: MenuItemTemplate = { type: 'separator' };
  const recent = o.recent.slice(0, MAX_RECENT);
  const recentMenu: MenuItemTemplate[] = recent.length
    ? [
        ...recent.map((r, i) => ({
          id: `recent-${i}`,
          label: recentLabel(r) + (r.missing ? ' (missing)' : ''),
          enabled: !r.missing,
          click: () => o.actions.openRecent(r.path),
        })),
        sep,
        { id: 'recent-clear', label: 'Clear Recent', click: () => o.actions.clearRecent() },
      ]
    : [{ id: 'recent-none', label: 'No recent files', enabled: false }];

  const file: MenuItemTemplate = {
    label: '&File',
    submenu: [
      { id: 'open', label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => o.actions.open() },
      { id: 'open-recent', label: 'Open Recent', submenu: recentMenu },
      sep,
      isMac ? { role: 'close', accelerator: 'CmdOrCtrl+W' } : { id: 'quit', role: 'quit', label: 'Quit', accelerator: 'CmdOrCtrl+Q' },
    ],
  };
  const view: MenuItemTemplate = {
    label: '&View',
    submenu: [
      ...(o.isDev
        ? ([
            { role: 'reload', accelerator: 'CmdOrCtrl+R' },
            // not Shift+CmdOrCtrl+R: the chat pane uses it for Regenerate
            { role: 'forceReload', accelerator: 'CmdOrCtrl+F5' },
            { id: 'devtools', role: 'toggleDevTools', accelerator: isMac ? 'Alt+Cmd+I' : 'Ctrl+Shift+I' },
            sep,
          ] satisfies MenuItemTemplate[])
        : []),
      { role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
      { role: 'zoomIn', accelerator: 'CmdOrCtrl+Plus' },
      { role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
      sep,
      { role: 'togglefullscreen', accelerator: isMac ? 'Ctrl+Cmd+F' : 'F11' },
    ],
  };
  const help: MenuItemTemplate = {
    label: '&Help',
    submenu: [{ id: 'about', label: `About ${o.appName}`, click: () => o.actions.about() }],
  };
  return [
    ...(isMac ? [{ label: o.appName, role: 'appMenu' as const }] : []),
    file,
    // the Edit menu gives text fields their copy/paste shortcuts (macOS needs it)
    { role: 'editMenu' },
    view,
    ...(isMac ? [{ role: 'windowMenu' as const }] : []),
    help,
  ];
}
