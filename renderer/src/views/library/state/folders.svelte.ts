import type { LibraryFolder } from '@contract';
import { api, asStudioError } from '../../../host/api';
import { signal } from '../../../lib/test-hooks';
import { ABOUT, app } from '../../../shared/state/app.svelte';
import { browser } from '../../../shared/state/browser.svelte';
import { scan } from './scan.svelte';
import { table } from './table.svelte';

/** The library's folders: listed, added (dialog, in-app browser or drop), removed. */
class Folders {
  list = $state.raw<LibraryFolder[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  adding = $state(false);

  async load(): Promise<void> {
    try {
      this.list = await api().call('library:list-folders', {});
      this.error = null;
      signal('library-folders-loaded', { count: this.list.length });
    } catch (err) {
      this.error = asStudioError(err).message;
      signal('library-error', { where: 'folders', message: this.error });
    } finally {
      this.loaded = true;
    }
  }

  /** Add folders: the native dialog on the desktop, the in-app browser (folder mode) in web mode. */
  async choose(): Promise<void> {
    if (api().mode === 'desktop') {
      try {
        const { paths } = await api().call('dialog:open-folder', { purpose: 'library' });
        for (const p of paths) await this.add(p);
      } catch (err) {
        app.error(err, 'Could not show the folder dialog');
      }
      return;
    }
    browser.show('folder', (path) => void this.add(path), 'Add a music folder to the library', 'library');
  }

  /** Add one folder by absolute path; false (and an error toast) when the engine refuses it. */
  async add(path: string): Promise<boolean> {
    this.adding = true;
    try {
      const f = await api().call('library:add-folder', { path });
      app.resolved(ABOUT.folder(path));
      signal('library-folder-added', f);
      await this.load();
      // the engine starts a scan of a new folder; make sure its state is shown (even 0 / 0: the user asked for it)
      void scan.load(true, f.path);
      return true;
    } catch (err) {
      const e = app.error(err, `Could not add ${path}`, ABOUT.folder(path));
      signal('library-folder-failed', e);
      return false;
    } finally {
      this.adding = false;
    }
  }

  async remove(folderId: string): Promise<void> {
    try {
      await api().call('library:remove-folder', { folderId });
      app.resolved(ABOUT.removeFolder);
      signal('library-folder-removed', { folderId });
      await this.load();
      table.refresh(true);
    } catch (err) {
      app.error(err, 'Could not remove the folder', ABOUT.removeFolder);
    }
  }

  /** Folders dropped on the window (desktop: their paths via pathForFile). */
  drop(files: FileList | readonly File[] | null | undefined): void {
    const list = files ? [...files] : [];
    if (!list.length) return;
    if (api().mode === 'web') {
      app.notice(
        'Dropped folders cannot be added in the browser',
        'A web page is not told where a dropped folder lives. Use “Add folder…” to choose it in the file browser instead.',
        'warning',
      );
      return;
    }
    const paths = list.map((f) => api().pathForFile(f)).filter((p): p is string => !!p);
    if (!paths.length) {
      app.notice('Cannot add the dropped item', 'It is not a folder on this computer.', 'warning');
      return;
    }
    void (async () => {
      for (const p of paths) await this.add(p);
    })();
  }
}

export const folders = new Folders();
