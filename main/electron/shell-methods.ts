// The contract's `host: 'shell'` methods: native things only main can do.
import { AUDIO_EXTENSIONS, IMAGE_EXTENSIONS, MODULE_EXTENSIONS, OPENABLE_EXTENSIONS, PLAYLIST_EXTENSIONS, VIDEO_EXTENSIONS, type MethodArgs, type MethodOutput } from '@contract';
import { dirname } from 'node:path';
import type { SenderLike, ShellMethods } from './ipc';

export interface FileFilter {
  name: string;
  extensions: string[];
}
export interface OpenDialogOptions {
  title?: string;
  /** where the dialog opens (the last folder used for the same purpose) */
  defaultPath?: string;
  buttonLabel?: string;
  filters?: FileFilter[];
  properties?: Array<'openFile' | 'openDirectory' | 'multiSelections'>;
}
/** Electron's dialog, as much as we use. */
export interface DialogLike {
  showOpenDialog(parent: unknown, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
}
/** the window a dialog is modal to (BrowserWindow.fromWebContents) */
export type ParentWindowOf = (sender: SenderLike) => unknown;

export function openDialogOptions(kind: 'media' | 'image' | 'playlist'): OpenDialogOptions {
  if (kind === 'playlist') {
    return {
      title: 'Import a playlist as a crate',
      buttonLabel: 'Import',
      properties: ['openFile'],
      filters: [
        { name: 'Playlists', extensions: [...PLAYLIST_EXTENSIONS] },
        { name: 'All files', extensions: ['*'] },
      ],
    };
  }
  if (kind === 'image') {
    return {
      title: 'Choose a cover image',
      buttonLabel: 'Use as cover',
      properties: ['openFile'],
      filters: [{ name: 'Images', extensions: [...IMAGE_EXTENSIONS] }],
    };
  }
  return {
    title: 'Open a track or music video',
    buttonLabel: 'Open',
    properties: ['openFile'],
    filters: [
      { name: 'Audio and video', extensions: [...OPENABLE_EXTENSIONS] },
      { name: 'Audio', extensions: [...AUDIO_EXTENSIONS, ...MODULE_EXTENSIONS] },
      { name: 'Video', extensions: [...VIDEO_EXTENSIONS] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
}

export function openFolderOptions(purpose: 'model-pack' | 'library'): OpenDialogOptions {
  if (purpose === 'library') {
    return { title: 'Add music folders to the library', buttonLabel: 'Add to library', properties: ['openDirectory', 'multiSelections'] };
  }
  return { title: 'Choose a DeepResonance model pack folder', buttonLabel: 'Use this folder', properties: ['openDirectory'] };
}

/** Show a dialog (modal to `parent` when given); [] when cancelled. */
async function showDialog(dialog: DialogLike, options: OpenDialogOptions, parent?: unknown): Promise<string[]> {
  const res = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return res.canceled ? [] : res.filePaths;
}

/** Show the open dialog (modal to `parent` when given); [] when cancelled. */
export async function showOpenMedia(
  dialog: DialogLike,
  kind: 'media' | 'image',
  parent?: unknown,
): Promise<string[]> {
  return showDialog(dialog, openDialogOptions(kind), parent);
}

/** Show the folder dialog (modal to `parent` when given); [] when cancelled. */
export function showOpenFolder(dialog: DialogLike, purpose: 'model-pack' | 'library', parent?: unknown): Promise<string[]> {
  return showDialog(dialog, openFolderOptions(purpose), parent);
}

/**
 * The shell's dialogs. Each purpose (tracks, images, the library's folders,
 * model packs) opens where the last one of that purpose was chosen, for as
 * long as the app runs, instead of all sharing the system's last folder.
 */
export function createShellMethods(deps: {
  dialog: DialogLike;
  parentWindowOf: ParentWindowOf;
}): ShellMethods {
  const lastDir = new Map<string, string>();
  const remember = (purpose: string, paths: string[]) => {
    if (paths[0]) lastDir.set(purpose, dirname(paths[0]));
    return paths;
  };
  const at = (purpose: string, o: OpenDialogOptions): OpenDialogOptions => (lastDir.has(purpose) ? { ...o, defaultPath: lastDir.get(purpose) } : o);
  return {
    'dialog:open-media': async (args, { sender }): Promise<MethodOutput<'dialog:open-media'>> => {
      const { kind } = args as MethodArgs<'dialog:open-media'>;
      const paths = await showDialog(deps.dialog, at(kind, openDialogOptions(kind)), deps.parentWindowOf(sender) ?? undefined);
      return { paths: remember(kind, paths) };
    },
    'dialog:open-folder': async (args, { sender }): Promise<MethodOutput<'dialog:open-folder'>> => {
      const { purpose } = args as MethodArgs<'dialog:open-folder'>;
      const paths = await showDialog(deps.dialog, at(`folder:${purpose}`, openFolderOptions(purpose)), deps.parentWindowOf(sender) ?? undefined);
      return { paths: remember(`folder:${purpose}`, paths) };
    },
  };
}
