// The main window's size and position, kept across runs (userData/window-state.json).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs } from '../engine/fs/paths';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false };
export const MIN_SIZE = { width: 800, height: 560 };

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Read the saved state; anything missing or malformed gives the default. */
export function loadWindowState(file: string, read: (f: string) => string = (f) => readFileSync(f, 'utf8')): WindowState {
  try {
    const raw = JSON.parse(read(file)) as Record<string, unknown>;
    if (!finite(raw.width) || !finite(raw.height)) return { ...DEFAULT_WINDOW_STATE };
    const s: WindowState = {
      width: Math.max(MIN_SIZE.width, Math.round(raw.width)),
      height: Math.max(MIN_SIZE.height, Math.round(raw.height)),
      maximized: raw.maximized === true,
    };
    if (finite(raw.x) && finite(raw.y)) {
      s.x = Math.round(raw.x);
      s.y = Math.round(raw.y);
    }
    return s;
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
}

/**
 * Keep the window where the user can reach it: a saved position is used only
 * if most of the window's title area lies on a display that is still there;
 * the size is shrunk to that display's work area.
 */
export function fitToDisplays(s: WindowState, workAreas: Rect[]): WindowState {
  if (s.x === undefined || s.y === undefined || workAreas.length === 0) return { width: s.width, height: s.height, maximized: s.maximized };
  const titleBar: Rect = { x: s.x, y: s.y, width: s.width, height: 40 };
  const area = workAreas.find((a) => {
    const w = Math.min(titleBar.x + titleBar.width, a.x + a.width) - Math.max(titleBar.x, a.x);
    const h = Math.min(titleBar.y + titleBar.height, a.y + a.height) - Math.max(titleBar.y, a.y);
    return w >= Math.min(200, titleBar.width / 2) && h >= 20;
  });
  if (!area) return { width: Math.min(s.width, workAreas[0].width), height: Math.min(s.height, workAreas[0].height), maximized: s.maximized };
  return { ...s, width: Math.min(s.width, area.width), height: Math.min(s.height, area.height) };
}

export function saveWindowState(file: string, s: WindowState): void {
  try {
    makeDirs(dirname(file));
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(s));
    renameSync(tmp, file);
  } catch {
    // losing the window position is not worth an error dialog
  }
}

/** A window as much as tracking its state needs (Electron's BrowserWindow). */
export interface TrackedWindowLike {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  on(event: 'close' | 'resize' | 'move' | 'maximize' | 'unmaximize', listener: () => void): unknown;
}

/** Save the window's state when it closes (and, debounced, as it moves). */
export function trackWindowState(win: TrackedWindowLike, save: (s: WindowState) => void, debounceMs = 1000): void {
  const snapshot = (): WindowState | null => {
    if (win.isDestroyed()) return null;
    const b = win.getNormalBounds();
    return { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      const s = snapshot();
      if (s) save(s);
    }, debounceMs);
    timer.unref?.();
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e, later);
  win.on('close', () => {
    if (timer) clearTimeout(timer);
    const s = snapshot();
    if (s) save(s);
  });
}
