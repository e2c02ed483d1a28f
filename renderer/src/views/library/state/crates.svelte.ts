import type { Crate, MethodArgs } from '@contract';
import { fmtCount, countOf } from '../../../lib/format';
import { api, asStudioError } from '../../../host/api';
import { connection } from '../../../host/connection.svelte';
import { signal } from '../../../lib/test-hooks';
import { downloadText } from '../../../lib/download';
import { importToast, isPlaylistName, toBase64 } from '../../../lib/playlist-import';
import { ABOUT, app } from '../../../shared/state/app.svelte';
import { browser } from '../../../shared/state/browser.svelte';
import { detail } from './detail.svelte';
import { selection } from './selection.svelte';
import { table } from './table.svelte';

/** The drag data type of library rows (a JSON array of track ids): dropped on a crate, or in a crate's view to reorder. */
export const TRACKS_MIME = 'application/x-studio-track-ids';

/**
 * The crates (the DJ's playlists, `crates:*`): listed in the sidebar, made, renamed, deleted; tracks added (a drop of
 * rows, or Add to crate…), removed and reordered in a crate's view; one exported as an M3U8 playlist (a download, as
 * the library's CSV/JSON export). The crate shown is the table's (`table.crateId`).
 */
class Crates {
  list = $state.raw<Crate[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** the Add to crate… menu: where it opens (page px) and the tracks it adds; null: closed */
  menu = $state<{ x: number; y: number; ids: string[] } | null>(null);
  busy = $state(false);
  /** the crate whose name is being edited in the sidebar (F2, Rename); 'new' while a new crate is being named */
  editing = $state<string | null>(null);
  /** the crate whose Delete waits for a confirmation in the sidebar (Delete key, Delete…) */
  confirming = $state<string | null>(null);
  /** the name being typed while `editing` */
  draft = $state('');
  /** the crate an import just made: the sidebar gives it the keyboard focus, then sets this back to null */
  imported = $state<string | null>(null);

  /**
   * While the link to the engine is lost (web mode: connection.offline) a crate action is not tried: a warning says
   * why, as preview's does (the controls are disabled by needsEngine; this catches a drop, Delete, a menu's Enter).
   * Returns whether it was stopped.
   */
  private offline(what: string): boolean {
    const why = connection.offline;
    if (why) app.notice(`Cannot ${what} now`, why, 'warning');
    return !!why;
  }

  /** the crate shown in the table, if any */
  get open(): Crate | null {
    return this.list.find((c) => c.id === table.crateId) ?? null;
  }

  /** The crates from the engine again (the sidebar's list and counts); the crate shown, if deleted, leaves the table. */
  async load(): Promise<void> {
    try {
      this.list = await api().call('crates:list', {});
      this.error = null;
      // the crate shown was deleted (here or in another window): back to the library
      if (table.crateId && !this.list.some((c) => c.id === table.crateId)) this.show(null);
      signal('crates-loaded', { names: this.list.map((c) => c.name), counts: this.list.map((c) => c.trackCount) });
    } catch (err) {
      this.error = asStudioError(err).message;
    } finally {
      this.loaded = true;
    }
  }

  /** Show a crate's tracks in the table (null: the whole library); the selection and its detail panel go. */
  show(crateId: string | null): void {
    if (crateId !== table.crateId && this.offline('show another crate')) return;
    selection.clear();
    if (crateId !== table.crateId) detail.close();
    table.showCrate(crateId);
    signal('crate-shown', { crateId });
  }

  /** A new, empty crate; null (the error shown) when refused (a name taken, an empty name). */
  async create(name: string): Promise<Crate | null> {
    if (this.offline('make a crate')) return null;
    try {
      const c = await api().call('crates:create', { name });
      app.resolved(ABOUT.crateName); // a name refused before was corrected (tester29a)
      await this.load();
      signal('crate-created', { id: c.id, name: c.name });
      return c;
    } catch (err) {
      app.error(err, 'Could not make the crate', ABOUT.crateName);
      return null;
    }
  }

  /** Rename the crate; false (the error shown) when refused (a name taken) or offline. */
  async rename(crateId: string, name: string): Promise<boolean> {
    if (this.offline('rename the crate')) return false;
    try {
      const c = await api().call('crates:rename', { crateId, name });
      app.resolved(ABOUT.crateName);
      await this.load();
      signal('crate-renamed', { id: c.id, name: c.name });
      return true;
    } catch (err) {
      app.error(err, 'Could not rename the crate', ABOUT.crateName);
      return false;
    }
  }

  /** Delete the crate (its tracks stay in the library); the library is shown if it was the crate shown. */
  async remove(crateId: string): Promise<void> {
    if (this.offline('delete the crate')) return;
    try {
      await api().call('crates:delete', { crateId });
      if (table.crateId === crateId) this.show(null);
      await this.load();
      signal('crate-deleted', { id: crateId });
    } catch (err) {
      app.error(err, 'Could not delete the crate');
    }
  }

  /** Add tracks to the crate's end in the table's order (`selection.inShownOrder`; a track already in it stays where it is), said in a toast. */
  async add(crateId: string, ids: string[]): Promise<void> {
    if (!ids.length || this.offline('add to the crate')) return;
    try {
      ids = await selection.inShownOrder(ids);
      const { added, crate } = await api().call('crates:add-tracks', { crateId, trackIds: ids });
      await this.load();
      if (table.crateId === crateId) table.refresh(false);
      const had = ids.length - added;
      app.notice(
        `Added to “${crate.name}”`,
        `${countOf(added, 'track', 'tracks')} added${had ? `; ${countOf(had, 'was', 'were')} in it already` : ''}. The crate holds ${fmtCount(crate.trackCount)}.`,
      );
      signal('crate-tracks-added', { crateId, added, trackCount: crate.trackCount });
    } catch (err) {
      app.error(err, 'Could not add to the crate');
    }
  }

  /** Take the tracks out of the crate shown (never out of the library, never the files). */
  async removeTracks(ids: string[]): Promise<void> {
    const crateId = table.crateId;
    if (!crateId || !ids.length || this.offline('take tracks out of the crate')) return;
    try {
      const { removed, crate } = await api().call('crates:remove-tracks', { crateId, trackIds: ids });
      selection.clear();
      table.refresh(false);
      await this.load();
      signal('crate-tracks-removed', { crateId, removed, trackCount: crate.trackCount });
    } catch (err) {
      app.error(err, 'Could not take the tracks out of the crate');
    }
  }

  /** In the crate shown: move the tracks in front of `beforeId` (null: to the end), in the table's order. */
  async move(ids: string[], beforeId: string | null): Promise<void> {
    const crateId = table.crateId;
    if (!crateId || !ids.length || this.offline('reorder the crate')) return;
    try {
      ids = await selection.inShownOrder(ids);
      const { order } = await api().call('crates:move-tracks', { crateId, trackIds: ids, beforeId });
      table.refresh(false);
      signal('crate-reordered', { crateId, order });
    } catch (err) {
      app.error(err, 'Could not reorder the crate');
    }
  }

  /**
   * The crate as an M3U8 playlist, handed to the browser as a download (the app's export path: the desktop app asks
   * where to save it). A download is not told its folder, so every path in it is absolute; `studio crate export`
   * writes paths relative to the playlist's folder.
   */
  async export(crateId: string): Promise<void> {
    if (this.offline('export the crate')) return;
    this.busy = true;
    try {
      const res = await api().call('crates:export', { crateId });
      downloadText(res.content, res.mime, res.fileName);
      signal('crate-exported', { crateId, fileName: res.fileName, count: res.count });
    } catch (err) {
      app.error(err, 'Could not export the crate');
    } finally {
      this.busy = false;
    }
  }

  /**
   * Import playlist…: the desktop app's Open dialog, or in web mode the in-app file browser (playlists offered, as Add
   * folder… offers folders), then importPlaylist.
   */
  async choosePlaylist(): Promise<void> {
    if (this.offline('import a playlist')) return;
    if (api().mode === 'desktop') {
      try {
        const { paths } = await api().call('dialog:open-media', { kind: 'playlist' });
        if (paths[0]) await this.importPlaylist({ path: paths[0] });
      } catch (err) {
        app.error(err, 'Could not show the Open dialog');
      }
      return;
    }
    browser.show('playlist', (path) => void this.importPlaylist({ path }), 'Import a playlist as a crate', 'playlist');
  }

  /**
   * Files dropped on the crates: each playlist among them (.m3u, .m3u8, .pls, .xspf) imported as a crate — by its path
   * in the desktop app; on a web page, which is not told where a file lives, by its bytes (its entries relative to its
   * folder then cannot be found, and the toast says so). Other files are named in a warning.
   */
  async dropFiles(files: readonly File[]): Promise<void> {
    const lists = files.filter((f) => isPlaylistName(f.name));
    if (files.length > lists.length) {
      const other = files.filter((f) => !isPlaylistName(f.name)).map((f) => `“${f.name}”`);
      app.notice('Not a playlist', `${other.slice(0, 3).join(', ')}${other.length > 3 ? ` and ${fmtCount(other.length - 3)} more` : ''}: drop a playlist (.m3u, .m3u8, .pls, .xspf) here to import it as a crate; add music with Add folder….`, 'warning');
    }
    for (const f of lists) {
      const path = api().pathForFile(f);
      if (path) await this.importPlaylist({ path });
      else await this.importPlaylist({ dropped: { fileName: f.name, base64: toBase64(new Uint8Array(await f.arrayBuffer())) } });
    }
  }

  /**
   * crates:import, said in a toast: the crate made and how many tracks it got, and what was not added with the first
   * few names and why; the new crate shown. Resolves with its id, or null (refused: the error shown).
   */
  async importPlaylist(source: Pick<MethodArgs<'crates:import'>, 'path' | 'dropped'>): Promise<string | null> {
    if (this.offline('import a playlist')) return null;
    this.busy = true;
    try {
      const r = await api().call('crates:import', source);
      await this.load();
      this.show(r.crate.id);
      this.imported = r.crate.id;
      const t = importToast(r);
      app.notice(t.title, t.message, r.missing.length ? 'warning' : 'notice');
      signal('crate-imported', { id: r.crate.id, name: r.crate.name, added: r.added, listed: r.listed, missing: r.missing.length });
      return r.crate.id;
    } catch (err) {
      app.error(err, 'Could not import the playlist');
      signal('crate-import-failed', { message: asStudioError(err).message });
      return null;
    } finally {
      this.busy = false;
    }
  }

  /** Edit a crate's name in the sidebar (F2, Rename), or ('new') name a new crate. */
  startRename(id: string): void {
    this.confirming = null;
    this.draft = id === 'new' ? '' : (this.list.find((c) => c.id === id)?.name ?? '');
    this.editing = id;
  }

  /** Open the Add to crate… menu for these tracks at page position x, y. */
  openMenu(ids: string[], x: number, y: number): void {
    if (!ids.length) return;
    this.menu = { x, y, ids };
    signal('crate-menu', { count: ids.length });
  }
}

export const crates = new Crates();

/** The tracks a gesture on row `id` acts on: the selection when the row is in it, else that row alone. */
export function tracksOf(id: string): string[] {
  return selection.ids.has(id) ? [...selection.ids] : [id];
}
