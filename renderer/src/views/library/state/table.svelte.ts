import type { LibraryFilter, LibraryTrack, MethodInput, StudioErrorData } from '@contract';
import { api, asStudioError } from '../../../host/api';
import { connection, isLinkLost } from '../../../host/connection.svelte';
import { emptyForm, parseFilter, type FilterForm } from '../../../lib/library-filter';
import { signal } from '../../../lib/test-hooks';

export { emptyForm, parseFilter, type FilterForm };

export type SortColumn = NonNullable<MethodInput<'library:query'>['sort']>['column'];
export type SortDir = 'asc' | 'desc';

/** Rows per `library:query` page; pages are cached, the table renders only what is visible. */
export const PAGE_SIZE = 200;
/** at most this many pages are kept (those nearest the view stay) */
const MAX_PAGES = 40;
/** pages fetched at once (the engine answers one query at a time anyway) */
const MAX_INFLIGHT = 2;

/**
 * Whether `e`, the engine's answer to a library call (library:query, library:ids) with `filter`, is its refusal of
 * the typed key ("H#m": BAD_ARGS). The engine reads keys ("A minor", "Am", "8A", "1m"), the renderer does not: what
 * it cannot read is a typing hint the key box shows (Table.filterProblem), never an error toast (tester32: the
 * selection's narrowing put up "Could not select the rows" beside the hint).
 */
export function isKeyRefused(e: StudioErrorData, filter: LibraryFilter | undefined): boolean {
  return e.code === 'BAD_ARGS' && !!filter?.key;
}

interface Page {
  rows: LibraryTrack[];
  gen: number;
}

/**
 * The library table: a paged, sorted, filtered window onto the tracks. The
 * rows live in a page cache that is not reactive; `version` changes when a
 * page arrives, so the cost of showing the table depends on the rows
 * visible, never on how many there are.
 */
class Table {
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
  /** the crate shown (crates.svelte.ts open()): the table lists its tracks, in crate order by default; null: the whole library */
  crateId = $state<string | null>(null);
  /** the library's sort while a crate is shown (the crate's starts in crate order; leaving the crate brings this back) */
  private outsideSort: { column: SortColumn; dir: SortDir } | null = null;

  private pages = new Map<number, Page>();
  private filterListeners: Array<() => void> = [];
  /**
   * a sort or filter changed while offline: the next refresh online drops the cached pages (refresh); meanwhile the
   * last known rows stay on screen, and the Library's offline note says the change waits for the reconnect
   */
  resetPending = $state(false);
  /** page → the generation it is being fetched for */
  private inflight = new Map<number, number>();
  private inflightCount = 0;
  private gen = 0;
  private view: [number, number] = [0, 0];

  /** What library:query and library:ids are asked for: the filter, with the crate shown; undefined when neither. */
  get queryFilter(): LibraryFilter | undefined {
    const f = this.crateId ? { ...this.filter, crateId: this.crateId } : this.filter;
    return Object.keys(f).length ? f : undefined;
  }

  /** the library's own sort (the one kept across sessions): outside a crate's view the sort shown */
  get librarySort(): { column: SortColumn; dir: SortDir } {
    return this.crateId && this.outsideSort ? this.outsideSort : this.sort;
  }

  /**
   * Show a crate's tracks (in crate order, or `sort`: the one a reload puts back) or, with null, the whole library
   * again (its sort back).
   */
  showCrate(crateId: string | null, sort?: { column: SortColumn; dir: SortDir }): void {
    if (crateId === this.crateId) return;
    if (crateId && !this.crateId) this.outsideSort = { ...this.sort };
    if (!crateId && this.outsideSort) {
      this.sort = this.outsideSort;
      this.outsideSort = null;
    }
    if (crateId) this.sort = sort ? { ...sort } : { column: 'crate', dir: 'asc' };
    this.crateId = crateId;
    this.cursor = -1;
    this.total = null;
    this.refresh(true);
  }

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
    if (reset && connection.offline) {
      // sorted or filtered while the link is lost (web mode): nothing can be read, so the last known rows stay on
      // screen (cleared, the table went blank) and the reconnect's refresh starts again from nothing (resetPending)
      this.resetPending = true;
    } else if (reset || (this.resetPending && !connection.offline)) {
      this.resetPending = false;
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
    // the link to studio serve lost (web mode): nothing can be read now; a filter typed meanwhile is kept, and the
    // reconnect refreshes the table (live.ts connection.onReopen) — a query sent now only failed (tester20)
    if (connection.offline) return;
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

  /** Fetch one page now (the keyboard moved onto a row that is not cached). */
  async fetchPage(p: number): Promise<void> {
    const gen = this.gen;
    this.inflight.set(p, gen);
    const filter = this.filter;
    const sort = { column: this.sort.column, dir: this.sort.dir };
    try {
      const res = await api().call('library:query', {
        filter: this.queryFilter,
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
      // the link dropped while this page was being read: the app says so once; the reconnect reads it again
      if (isLinkLost(e)) return;
      if (isKeyRefused(e, filter)) {
        this.filterProblem = e.message;
        this.queryError = null;
        this.total = 0;
        signal('library-filter-problem', { message: e.message });
        return;
      }
      // the message in words, without the error's code (for programs only, as the toasts do: tester31)
      this.queryError = e.message;
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

  /**
   * Sort by `column` (again: the other direction). The row cursor stays on its track, at that track's place in the new
   * order, as a file manager keeps its cursor on the file: one `library:ids` call for the new order — a sort cleared it,
   * and the first ↓ or ↑ went to row 0 wherever the track had gone (ui36). Not where the cursor moved meanwhile, nor
   * after a later sort or filter.
   */
  setSort(column: SortColumn): void {
    this.sort = this.sort.column === column ? { column, dir: this.sort.dir === 'asc' ? 'desc' : 'asc' } : { column, dir: 'asc' };
    const kept = this.cursor >= 0 ? this.row(this.cursor)?.id : undefined;
    this.cursor = -1;
    signal('library-sorted', { ...this.sort });
    this.refresh(true);
    if (kept !== undefined) void this.cursorTo(kept);
  }

  /** the latest cursorTo asked: an earlier one's answer is dropped */
  private cursorSeq = 0;

  /** Put the cursor on track `id` at its place in the current order (after a sort); nothing if it is not shown. */
  private async cursorTo(id: string): Promise<void> {
    const seq = ++this.cursorSeq;
    const filter = this.queryFilter;
    const asked = JSON.stringify(filter);
    const sort = { column: this.sort.column, dir: this.sort.dir };
    try {
      const { ids } = await api().call('library:ids', { filter, sort });
      const at = ids.indexOf(id);
      // a later sort (seq) or filter, or the cursor moved by the user meanwhile: theirs wins (a page read again as the
      // library changes under the table does not count)
      const same = seq === this.cursorSeq && JSON.stringify(this.queryFilter) === asked && this.sort.column === sort.column && this.sort.dir === sort.dir;
      if (!same || this.cursor !== -1 || at < 0) return;
      this.cursor = at;
      signal('library-cursor-kept', { id, index: at });
    } catch {
      // unread (the link lost): the cursor stays off the rows, as before a sort kept it
    }
  }

  /** Apply the filter form (the text box calls this debounced). */
  applyForm(): void {
    const { filter, problem } = parseFilter(this.form);
    this.filterProblem = problem;
    if (problem) return;
    if (JSON.stringify(filter) === JSON.stringify(this.filter)) return;
    this.filter = filter;
    this.cursor = -1;
    // the count is unknown until the filtered rows arrive; offline (web mode) nothing arrives until the reconnect, so
    // the last known rows and their count stay (cleared, the table went blank while the filter waited: left20)
    if (!connection.offline) this.total = null;
    signal('library-filtered', filter);
    this.refresh(true);
    for (const fn of this.filterListeners) fn();
  }

  /** Call `fn` after every change of the filter (applyForm, clearFilter), once the new query has been sent. */
  onFilterChanged(fn: () => void): void {
    this.filterListeners.push(fn);
  }

  clearFilter(): void {
    this.form = emptyForm();
    this.applyForm();
  }

  get filtered(): boolean {
    return Object.keys(this.filter).length > 0;
  }
}

export const table = new Table();
