import { api } from '../../host/api';
import { connection } from '../../host/connection.svelte';
import { app } from './app.svelte';
import { browser } from './browser.svelte';
import { nav } from './nav.svelte';
import { recent } from './recent.svelte';
import { current } from './track.svelte';

/** Open a track: the native dialog on the desktop, the in-app browser in web mode. */
export async function openMedia(): Promise<void> {
  // web mode without the engine (link lost, no token): the file browser could list nothing; Ctrl+O says why
  if (connection.offline) return app.notice('Cannot open a file now', connection.offline, 'warning');
  if (api().mode === 'desktop') {
    try {
      const { paths } = await api().call('dialog:open-media', { kind: 'media' });
      if (paths[0]) await openPath(paths[0]);
    } catch (err) {
      app.error(err, 'Could not show the open dialog');
    }
    return;
  }
  browser.show('media', (path) => void openPath(path));
}

/**
 * Open a file in the track view and show it: Open… (Ctrl/Cmd+O), Recent and a file dropped on the desktop window
 * work from the library too, where the track used to open behind it and nothing seemed to happen (tester25).
 */
export async function openPath(path: string): Promise<void> {
  const ok = await current.open(path);
  void recent.load();
  if (ok && nav.library) nav.toggleLibrary(false);
}

/** Attach a cover image to the open track. */
export async function attachCover(): Promise<void> {
  if (!current.track) return;
  if (api().mode === 'desktop') {
    try {
      const { paths } = await api().call('dialog:open-media', { kind: 'image' });
      if (paths[0]) await current.setCover(paths[0]);
    } catch (err) {
      app.error(err, 'Could not show the open dialog');
    }
    return;
  }
  browser.show('image', (path) => void current.setCover(path), undefined, 'cover');
}

/** Files dropped on the window (or a file dropped on the library): the first one is opened in the track view. */
export function dropFiles(files: FileList | readonly File[] | null | undefined): void {
  const list = files ? [...files] : [];
  if (!list.length) return;
  if (api().mode === 'web') {
    app.notice(
      'Dropped files cannot be opened in the browser',
      'A web page is not told where a dropped file lives, so the studio cannot open it. Use Open… to choose it from the file browser instead.',
      'warning',
    );
    return;
  }
  const path = api().pathForFile(list[0]);
  if (!path) {
    app.notice('Cannot open the dropped item', `"${list[0].name}" is not a file on this computer.`, 'warning');
    return;
  }
  void openPath(path);
}
