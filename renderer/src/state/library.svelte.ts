import type { LibraryFilter, LibraryFolder, LibraryTrack, MethodInput, ScanState, TrackDetail } from '@contract';
import { api, asStudioError } from '../host/api';
import { emptyForm, parseFilter, type FilterForm } from '../lib/library-filter';
import { signal } from '../lib/test-hooks';

export { emptyForm, parseFilter, type FilterForm };
import { app } from './app.svelte';
import { browser } from './browser.svelte';
import { chat } from './chat.svelte';
import { recent } from './recent.svelte';
import { current } from './track.svelte';

export type SortColumn = NonNullable<MethodInput<'library:query'>['sort']>['column'];
export type SortDir = 'asc' | 'desc';
export type ExportScope = 'all' | 'filter' | 'selection';

/** Rows per `library:query` page; pages are cached, the table renders only what is visible. */
export const PAGE_SIZE = 200;
/** at most this many pages are kept (those nearest the view stay) */
const MAX_PAGES = 40;
/** `library:changed` refreshes what is shown at most this often */
const CHANGED_THROTTLE_MS = 400;
/** pages fetched at once (the engine answers one query at a time anyway) */
const MAX_INFLIGHT = 2;

interface Page {
  rows: LibraryTrack[];
  gen: number;
}

const idle = (): ScanState => ({
  jobId: null,
  state: 'idle',
  total: 0,
  done: 0,
  failed: 0,
  currentFile: null,
  rate: null,
  etaSec: null,
  startedAt: null,
  problems: [],
});

/**
 * The library view: folders, the scan job, and a paged, sorted, filtered
 * window onto the tracks table. The table's rows live in a page cache that is
 * not reactive; `version` changes when a page arrives, so the cost of showing
 * the table depends on the rows visible, never on how many there are.
 */
class Library {
  /** the Library view is shown instead of the track view */
  shown = $state(false);
  /** the view was shown once (it stays mounted, hidden, to keep its scroll position) */
  started = $state(false);
  folders = $state.raw<LibraryFolder[]>([]);
  foldersLoaded = $state(false);
  foldersError = $state<string | null>(null);
  adding = $state(false);
  scan = $state.raw<ScanState>(idle());

  /** rows matching the filter (null until the first page of a query arrived) */
  total = $state<number | null>(null);
  sort = $state<{ column: SortColumn; dir: SortDir }>({ column: 'artist', dir: 'asc' });
  form = $state<FilterForm>(emptyForm());
  filter = $state.raw<LibraryFilter>({});
  filterProblem = $state<string | null>(null);
  queryError = $state<string | null>(null);
  /** bumps whenever a page arrives: the table's visible slice depends on it */
  version = $state(0);

  /** the row the keyboard is on (index in the current order), -1 for none */
  cursor = $state(-1);
  private anchor = -1;
  selected = $state.raw<Set<string>>(new Set());
  detail = $state.raw<TrackDetail | null>(null);
  detailLoading = $state(false);
  detailError = $state<string | null>(null);
  exporting = $state(false);

  private pages = new Map<number, Page>();
  /** page → the generation it is being fetched for */
  private inflight = new Map<number, number>();
  private inflightCount = 0;
  private gen = 0;
  private view: [number, number] = [0, 0];
  private listening = false;
  private changedTimer: ReturnType<typeof setTimeout> | null = null;
  private lastChanged = 0;
  private detailSeq = 0;
  private detailTimer: ReturnType<typeof setTimeout> | null = null;

  // ---- view ------------------------------------------------------------------

  toggle(show = !this.shown): void {
    this.shown = show;
    if (show) this.start();
    signal(show ? 'library-shown' : 'library-hidden');
  }

  /** First time the view is shown: folders, scan state, events, the first page. */
  start(): void {
    if (this.listening) return;
    this.listening = true;
    this.started = true;
    const a = api();
    a.on('library:scan-state', (s) => this.onScanState(s));
    a.on('library:changed', (c) => this.onChanged(c));
    a.on('engine:state', (s) => {
      if (s.state === 'ready' && this.shown) void this.reload();
    });
    void this.reload();
  }

  async reload(): Promise<void> {
    this.refresh(true);
    await Promise.all([this.loadFolders(), this.loadScanState()]);
  }

  // ---- folders ---------------------------------------------------------------

  async loadFolders(): Promise<void> {
    try {
      this.folders = await api().call('library:list-folders', {});
      this.foldersError = null;
      signal('library-folders-loaded', { count: this.folders.length });
    } catch (err) {
      this.foldersError = asStudioError(err).message;
      signal('library-error', { where: 'folders', message: this.foldersError });
    } finally {
      this.foldersLoaded = true;
    }
  }

  /** Add folders: the native dialog on the desktop, the in-app browser (folder mode) in web mode. */
  async chooseFolder(): Promise<void> {
    if (api().mode === 'desktop') {
      try {
        const { paths } = await api().call('dialog:open-folder', { purpose: 'library' });
        for (const p of paths) await this.addFolder(p);
      } catch (err) {
        app.error(err, 'Could not show the folder dialog');
      }
      return;
    }
    browser.show('folder', (path) => void this.addFolder(path), 'Add a music folder to the library');
  }

  async addFolder(path: string): Promise<boolean> {
    this.adding = true;
    try {
      const f = await api().call('library:add-folder', { path });
      signal('library-folder-added', f);
      await this.loadFolders();
      // the engine starts a scan of a new folder; make sure its state is shown
      void this.loadScanState();
      return true;
    } catch (err) {
      const e = app.error(err, `Could not add ${path}`);
      signal('library-folder-failed', e);
      return false;
    } finally {
      this.adding = false;
    }
  }

  async removeFolder(folderId: string): Promise<void> {
    try {
      await api().call('library:remove-folder', { folderId });
      signal('library-folder-removed', { folderId });
      await this.loadFolders();
      this.refresh(true);
    } catch (err) {
      app.error(err, 'Could not remove the folder');
    }
  }

  /** Folders dropped on the window (desktop: their paths via pathForFile). */
  dropFolders(files: FileList | null | undefined): void {
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
      for (const p of paths) await this.addFolder(p);
    })();
  }

  // ---- scan ------------------------------------------------------------------

  async loadScanState(): Promise<void> {
    try {
      this.onScanState(await api().call('library:scan-state', {}));
    } catch (err) {
      signal('library-error', { where: 'scan-state', message: asStudioError(err).message });
    }
  }

  async rescan(folderId?: string): Promise<void> {
    try {
      this.onScanState(await api().call('library:scan', folderId ? { folderId } : {}));
    } catch (err) {
      app.error(err, 'Could not start the scan');
    }
  }

  async control(action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    try {
      this.onScanState(await api().call('library:scan-control', { action }));
      signal('library-scan-control', { action });
    } catch (err) {
      app.error(err, `Could not ${action} the scan`);
    }
  }

  private onScanState(s: ScanState): void {
    const prev = this.scan;
    this.scan = s;
    signal('library-scan-state', { state: s.state, done: s.done, total: s.total, failed: s.failed });
    // rows found or analysed: refresh what is shown (throttled), whether or not library:changed says so
    if (s.total !== prev.total || s.done !== prev.done || s.failed !== prev.failed) this.scheduleChanged();
    if (prev.state === 'running' && s.state !== 'running' && s.state !== 'paused') {
      signal(s.state === 'finished' ? 'library-scan-finished' : 'library-scan-stopped', { state: s.state, done: s.done, failed: s.failed });
      void this.loadFolders();
      this.scheduleChanged(0);
    }
  }

  private onChanged(c: { added: number; updated: number; removed: number }): void {
    signal('library-changed', c);
    this.scheduleChanged();
  }

  /** Refresh the visible rows and the folder counts, throttled (a scan reports often). */
  private scheduleChanged(delay?: number): void {
    if (this.changedTimer && delay === 0) {
      // now rather than later (the scan ended)
      clearTimeout(this.changedTimer);
      this.changedTimer = null;
    }
    if (this.changedTimer) return;
    const wait = delay ?? Math.max(0, this.lastChanged + CHANGED_THROTTLE_MS - Date.now());
    this.changedTimer = setTimeout(() => {
      this.changedTimer = null;
      this.lastChanged = Date.now();
      this.refresh(false);
      void this.loadFolders();
    }, wait);
  }

  // ---- the table -------------------------------------------------------------

  /** The row at `index` if its page is loaded (a placeholder is shown otherwise). */
  row(index: number): LibraryTrack | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.rows[index % PAGE_SIZE];
  }

  /**
   * Re-query. `reset` (filter or sort changed): the cached rows mean nothing
   * any more. Otherwise (rows changed under us) the cached rows stay on screen
   * until their fresh version arrives.
   */
  refresh(reset: boolean): void {
    this.gen++;
    if (reset) {
      this.pages.clear();
      this.version++;
    }
    this.inflight.clear();
    this.pump();
  }

  /** The table shows rows first…last: fetch the pages they are on. */
  setView(first: number, last: number): void {
    this.view = [first, last];
    this.pump();
  }

  /**
   * Fetch what the view needs, at most MAX_INFLIGHT pages at a time, nearest
   * first. Pages are chosen when a slot frees, from the view *then*: when the
   * scrollbar is dragged across 50,000 rows, the places passed on the way are
   * never queried, so the engine never works through a backlog.
   */
  private pump(): void {
    while (this.inflightCount < MAX_INFLIGHT) {
      const p = this.nextWanted();
      if (p === null) return;
      this.inflightCount++;
      void this.fetchPage(p).finally(() => {
        this.inflightCount--;
        this.pump();
      });
    }
  }

  private nextWanted(): number | null {
    const [first, last] = this.view;
    const total = this.total ?? PAGE_SIZE;
    const p0 = Math.max(0, Math.floor(first / PAGE_SIZE));
    const p1 = Math.max(p0, Math.floor(Math.min(last, Math.max(0, total - 1)) / PAGE_SIZE));
    for (let p = p0; p <= p1; p++) {
      const have = this.pages.get(p);
      if ((!have || have.gen !== this.gen) && this.inflight.get(p) !== this.gen) return p;
    }
    return null;
  }

  private async fetchPage(p: number): Promise<void> {
    const gen = this.gen;
    this.inflight.set(p, gen);
    const filter = this.filter;
    const sort = { column: this.sort.column, dir: this.sort.dir };
    try {
      const res = await api().call('library:query', {
        filter: Object.keys(filter).length ? filter : undefined,
        sort,
        offset: p * PAGE_SIZE,
        limit: PAGE_SIZE,
      });
      if (gen !== this.gen) return;
      this.pages.set(p, { rows: res.rows, gen });
      const totalChanged = this.total !== res.total;
      this.total = res.total;
      if (totalChanged) {
        // pages past the end are gone
        for (const k of this.pages.keys()) if (k * PAGE_SIZE >= res.total) this.pages.delete(k);
        if (this.cursor >= res.total) this.cursor = res.total - 1;
      }
      this.evict();
      this.queryError = null;
      this.version++;
      signal('library-page', { offset: p * PAGE_SIZE, rows: res.rows.length, total: res.total, sort: `${sort.column}:${sort.dir}` });
    } catch (err) {
      if (gen !== this.gen) return;
      const e = asStudioError(err);
      this.queryError = e.code === 'BAD_ARGS' ? e.message : `${e.message}${e.code ? ` (${e.code})` : ''}`;
      signal('library-error', { where: 'query', code: e.code, message: e.message });
    } finally {
      if (this.inflight.get(p) === gen) this.inflight.delete(p);
    }
  }

  private evict(): void {
    if (this.pages.size <= MAX_PAGES) return;
    const centre = Math.floor((this.view[0] + this.view[1]) / 2 / PAGE_SIZE);
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
    for (const p of far.slice(0, this.pages.size - MAX_PAGES)) this.pages.delete(p);
  }

  setSort(column: SortColumn): void {
    this.sort = this.sort.column === column ? { column, dir: this.sort.dir === 'asc' ? 'desc' : 'asc' } : { column, dir: 'asc' };
    this.cursor = -1;
    signal('library-sorted', { ...this.sort });
    this.refresh(true);
  }

  /** Apply the filter form (the text box calls this debounced). */
  applyForm(): void {
    const { filter, problem } = parseFilter(this.form);
    this.filterProblem = problem;
    if (problem) return;
    if (JSON.stringify(filter) === JSON.stringify(this.filter)) return;
    this.filter = filter;
    this.cursor = -1;
    this.total = null;
    signal('library-filtered', filter);
    this.refresh(true);
  }

  clearFilter(): void {
    this.form = emptyForm();
    this.applyForm();
  }

  get filtered(): boolean {
    return Object.keys(this.filter).length > 0;
  }

  // ---- selection -------------------------------------------------------------

  /** Click (plain), ctrl/cmd-click (toggle) or shift-click (range) on the row at `index`. */
  async click(index: number, how: { toggle?: boolean; range?: boolean } = {}): Promise<void> {
    const row = this.row(index);
    if (!row) return;
    if (how.range && this.anchor >= 0) {
      const ids = await this.idsBetween(this.anchor, index);
      const next = how.toggle ? new Set(this.selected) : new Set<string>();
      for (const id of ids) next.add(id);
      this.selected = next;
    } else if (how.toggle) {
      const next = new Set(this.selected);
      if (next.has(row.id)) next.delete(row.id);
      else next.add(row.id);
      this.selected = next;
      this.anchor = index;
    } else {
      this.selected = new Set([row.id]);
      this.anchor = index;
    }
    this.cursor = index;
    signal('library-selected', { index, id: row.id, count: this.selected.size });
    this.showDetail(row.id);
  }

  /** Keyboard: move the cursor (shift extends the selection). */
  async moveTo(index: number, extend = false): Promise<void> {
    const total = this.total ?? 0;
    if (!total) return;
    const i = Math.max(0, Math.min(total - 1, index));
    this.cursor = i;
    if (!this.row(i)) await this.fetchPage(Math.floor(i / PAGE_SIZE));
    if (this.cursor !== i) return;
    await this.click(i, extend ? { range: true } : {});
  }

  /** The ids of rows a…b in the current order (loading pages that are not cached). */
  private async idsBetween(a: number, b: number): Promise<string[]> {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    const ids: string[] = [];
    for (let start = lo; start <= hi; start += 2000) {
      const end = Math.min(hi, start + 1999);
      let all = true;
      for (let i = start; i <= end && all; i++) all = !!this.row(i);
      if (all) {
        for (let i = start; i <= end; i++) ids.push(this.row(i)!.id);
        continue;
      }
      try {
        const res = await api().call('library:query', {
          filter: this.filtered ? this.filter : undefined,
          sort: { column: this.sort.column, dir: this.sort.dir },
          offset: start,
          limit: end - start + 1,
        });
        ids.push(...res.rows.map((r) => r.id));
      } catch (err) {
        app.error(err, 'Could not select the rows');
      }
    }
    return ids;
  }

  selectNone(): void {
    this.selected = new Set();
    this.anchor = -1;
  }

  // ---- detail ----------------------------------------------------------------

  showDetail(trackId: string): void {
    if (this.detail?.track.id === trackId && !this.detailError) return;
    if (this.detailTimer) clearTimeout(this.detailTimer);
    // keyboard repeat moves fast: ask for the detail of where the cursor settles
    this.detailTimer = setTimeout(() => void this.loadDetail(trackId), 90);
  }

  async loadDetail(trackId: string): Promise<void> {
    const seq = ++this.detailSeq;
    this.detailLoading = true;
    this.detailError = null;
    try {
      const d = await api().call('library:track-detail', { trackId });
      if (seq !== this.detailSeq) return;
      this.detail = d;
      signal('library-detail', { trackId, beats: d.beats.length, keys: d.keyStrengths.length, loudness: d.loudnessCurve.values.length });
    } catch (err) {
      if (seq !== this.detailSeq) return;
      this.detail = null;
      this.detailError = asStudioError(err).message;
      signal('library-error', { where: 'detail', message: this.detailError });
    } finally {
      if (seq === this.detailSeq) this.detailLoading = false;
    }
  }

  // ---- actions on tracks -----------------------------------------------------

  /** Open a library track in the track view (`media:open`). */
  async openTrack(path: string): Promise<boolean> {
    const ok = await current.open(path);
    void recent.load();
    if (ok) this.toggle(false);
    return ok;
  }

  /**
   * Use a track's textual features as the chat's input text: the track is
   * opened (the chat is about the open track) and the text goes into its
   * input-text field.
   */
  async useAsChatInput(path: string, features: string): Promise<void> {
    if (!(await this.openTrack(path)) || !current.track) return;
    chat.ensure(current.track);
    chat.attach[current.track.id].inputText = features;
    signal('library-chat-input', { trackId: current.track.id });
    app.notice('Features set as the chat input text', 'They go with your next question about this track (the “Text” attachment in the chat pane).');
  }

  /** Export as CSV/JSON and hand it to the browser as a download. */
  async export(format: 'csv' | 'json', scope: ExportScope): Promise<void> {
    this.exporting = true;
    try {
      const args: MethodInput<'library:export'> = { format };
      if (scope === 'filter' && this.filtered) args.filter = this.filter;
      if (scope === 'selection') {
        if (!this.selected.size) {
          app.notice('Nothing selected', 'Select rows first (Shift or Ctrl/⌘-click for several).', 'warning');
          return;
        }
        args.trackIds = [...this.selected];
      }
      const res = await api().call('library:export', args);
      const blob = new Blob([res.content], { type: res.mime });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = res.fileName;
      a.style.display = 'none';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      signal('library-exported', { fileName: res.fileName, count: res.count, format, scope });
    } catch (err) {
      app.error(err, 'Could not export the library');
    } finally {
      this.exporting = false;
    }
  }
}

export const library = new Library();
