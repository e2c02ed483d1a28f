import { api, asStudioError } from '../../../host/api';
import { signal } from '../../../lib/test-hooks';
import { app } from '../../../shared/state/app.svelte';
import { detail } from './detail.svelte';
import { isKeyRefused, PAGE_SIZE, table } from './table.svelte';

/** The selected rows of the table (by track id) and the keyboard/mouse gestures that change them. */
class Selection {
  ids = $state.raw<Set<string>>(new Set());
  /**
   * Where a shift-click range starts: the row last clicked (its id, null for none) and the index it was at. A sort or
   * a filter moves rows, so the index is only a hint, checked against the id before use (anchorIndex): kept as an
   * index alone, a shift-click after sorting ranged from whatever row took the anchor's old place, and one after a
   * filter (the anchor reset) selected the clicked row alone, dropping the rows the filter had kept selected (tester32).
   */
  private anchorId: string | null = null;
  private anchorAt = -1;
  /**
   * Counts the gestures: one that has to load ids (Ctrl+A, a shift-range over rows not fetched yet) applies
   * its result only if no other gesture came meanwhile. On 10,049 rows Ctrl+A took 15 s; an arrow key pressed
   * meanwhile selected one row, and then the late answer turned it into "10049 selected" (tester17).
   */
  private gesture = 0;
  /** true (and the drop signalled) when a later gesture came while `g` was loading */
  private stale(g: number, what: string): boolean {
    if (g === this.gesture) return false;
    signal('library-selection-dropped', { what });
    return true;
  }

  /** Click (plain), ctrl/cmd-click (toggle) or shift-click (range) on the row at `index`. */
  async click(index: number, how: { toggle?: boolean; range?: boolean } = {}): Promise<void> {
    const row = table.row(index);
    if (!row) return;
    const g = ++this.gesture;
    let range: string[] | null = null;
    if (how.range && this.anchorId !== null) {
      const from = await this.anchorIndex();
      if (this.stale(g, 'range')) return;
      // an anchor the filter hides: the click starts afresh there, as a plain click
      if (from >= 0) range = await this.idsBetween(from, index);
      if (this.stale(g, 'range')) return;
    }
    if (range) {
      const next = how.toggle ? new Set(this.ids) : new Set<string>();
      for (const id of range) next.add(id);
      this.ids = next;
    } else if (how.toggle) {
      const next = new Set(this.ids);
      if (next.has(row.id)) next.delete(row.id);
      else next.add(row.id);
      this.ids = next;
      this.setAnchor(index, row.id);
    } else {
      this.ids = new Set([row.id]);
      this.setAnchor(index, row.id);
    }
    table.cursor = index;
    signal('library-selected', { index, id: row.id, count: this.ids.size });
    detail.show(row.id);
  }

  /** Keyboard: move the cursor (shift extends the selection). */
  async moveTo(index: number, extend = false): Promise<void> {
    const total = table.total ?? 0;
    if (!total) return;
    const i = Math.max(0, Math.min(total - 1, index));
    ++this.gesture;
    table.cursor = i;
    if (!table.row(i)) await table.fetchPage(Math.floor(i / PAGE_SIZE));
    if (table.cursor !== i) return;
    await this.click(i, extend ? { range: true } : {});
  }

  private setAnchor(index: number, id: string | null): void {
    this.anchorAt = id === null ? -1 : index;
    this.anchorId = id;
  }

  /**
   * The anchor's index in the current order and filter: its last index when that row is still there (no call),
   * else where the loaded rows hold it, else from one `library:ids` call; -1 when the filter hides it (or the call
   * failed, the error shown).
   */
  private async anchorIndex(): Promise<number> {
    const id = this.anchorId;
    if (id === null) return -1;
    if (table.row(this.anchorAt)?.id === id) return this.anchorAt;
    const total = table.total ?? 0;
    for (let i = 0; i < total; i++) {
      if (table.row(i)?.id === id) return (this.anchorAt = i);
    }
    const all = await this.fetchIds();
    return (this.anchorAt = all ? all.indexOf(id) : -1);
  }

  /**
   * The ids of rows a…b in the current order: from the cache when every row of the range is in it, else from
   * one `library:ids` call (the ids of the whole order, sliced), as select-all does: a shift-click range over
   * 10,000 rows not fetched yet paged them through `library:query`, 2,000 full rows a call (left14). Empty (the
   * error shown) when the engine failed.
   */
  private async idsBetween(a: number, b: number): Promise<string[]> {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    const cached = this.cachedIds(lo, hi);
    if (cached) return cached;
    const all = await this.fetchIds();
    return all ? all.slice(lo, hi + 1) : [];
  }

  /**
   * Ctrl/Cmd+A in the table: every row of the current order and filter, as
   * file managers and DJ software do; the cursor and the detail stay where
   * they are. The ids come in one `library:ids` call (only the ids: on 10,049
   * rows paging full rows through library:query took 15.6 s); when every row
   * is cached already, no call.
   */
  async selectAll(): Promise<void> {
    const total = table.total ?? 0;
    if (!total) return;
    const g = ++this.gesture;
    const ids = this.cachedIds(0, total - 1) ?? (await this.fetchIds());
    if (this.stale(g, 'all') || !ids) return;
    this.ids = new Set(ids);
    this.setAnchor(Math.max(0, table.cursor), ids[Math.max(0, table.cursor)] ?? null);
    signal('library-selected', { index: table.cursor, id: table.row(table.cursor)?.id ?? null, count: this.ids.size });
  }

  /** counts the narrowings (keepShown): only the latest one's answer applies */
  private narrowing = 0;
  /**
   * After the filter changed: the selected rows it hides leave the selection, as in DJ software (rekordbox, Mixxx),
   * so that Write tags…, Export (selected rows) and Add to crate act only on rows the user can see — Ctrl+A, then a
   * BPM range that hid every row, said "0 tracks · 11 selected" and wrote tags to the hidden rows (tester31). The rows
   * still shown stay selected. One `library:ids` call for the new filter, only when something is selected or the detail
   * panel shows a track (`detail.hidden`: whether the filter hides that track's row); its answer is dropped when a
   * later filter came meanwhile, and the selection's part of it when a gesture came. When the ids cannot be read, the selection is cleared
   * (no action may reach rows that are not shown).
   */
  async keepShown(): Promise<void> {
    const detailId = detail.wantedId;
    if (!this.ids.size && !detailId) return;
    const g = this.gesture;
    const n = ++this.narrowing;
    const shown = await this.fetchIds();
    if (n !== this.narrowing) return;
    const visible = new Set(shown ?? []);
    // the detail panel's track: said hidden by the filter (and no Write tags… offered for it) where the filter hides
    // its row (ui35: the panel offered Write tags… for a track no row showed, after a search hid it)
    if (detailId !== null && detailId === detail.wantedId) detail.setHidden(!visible.has(detailId));
    if (g !== this.gesture || !this.ids.size) return;
    const next = new Set([...this.ids].filter((id) => visible.has(id)));
    if (next.size === this.ids.size) return;
    this.ids = next;
    signal('library-selection-narrowed', { count: next.size });
  }

  /**
   * `ids` in the order the table shows them (its sort and filter; a crate's own order in a crate shown so): what every
   * "add the selection" path sends — a drag onto a crate, Add to crate… from the mouse or the keyboard, a reorder in a
   * crate. The selection is a set kept in the order of the gestures, so Ctrl-clicking Charlie, then Alpha, added them
   * Charlie first, where DJ software (rekordbox, Serato, Mixxx) adds a selection as the list shows it (ui35). From the
   * table's cached rows when they hold every id (no call), else one `library:ids` call; an id the table does not show
   * (or all of them, when the call failed) keeps its place after the others.
   */
  async inShownOrder(ids: readonly string[]): Promise<string[]> {
    if (ids.length < 2) return [...ids];
    const want = new Set(ids);
    const at = new Map<string, number>();
    const total = table.total ?? 0;
    for (let i = 0; i < total && at.size < want.size; i++) {
      const id = table.row(i)?.id;
      if (id !== undefined && want.has(id)) at.set(id, i);
    }
    if (at.size < want.size) {
      const all = await this.fetchIds();
      if (all) all.forEach((id, i) => want.has(id) && at.set(id, i));
    }
    const rank = (id: string) => at.get(id) ?? Number.MAX_SAFE_INTEGER;
    return [...ids].map((id, k) => ({ id, k })).sort((a, b) => rank(a.id) - rank(b.id) || a.k - b.k).map((x) => x.id);
  }

  /** The ids of rows lo…hi from the table's cache, in order; null when any of them is not cached. */
  private cachedIds(lo: number, hi: number): string[] | null {
    const ids: string[] = [];
    for (let i = lo; i <= hi; i++) {
      const row = table.row(i);
      if (!row) return null;
      ids.push(row.id);
    }
    return ids;
  }

  /**
   * Every id of the current filter and order, in one `library:ids` call; null when the engine failed (the error
   * shown, unless it refused the typed key: the key box says that, and the table shows no rows).
   */
  private async fetchIds(): Promise<string[] | null> {
    const filter = table.queryFilter;
    try {
      const res = await api().call('library:ids', { filter, sort: { column: table.sort.column, dir: table.sort.dir } });
      return res.ids;
    } catch (err) {
      if (!isKeyRefused(asStudioError(err), filter)) app.error(err, 'Could not select the rows');
      return null;
    }
  }

  clear(): void {
    ++this.gesture;
    this.ids = new Set();
    this.setAnchor(-1, null);
  }
}

export const selection = new Selection();
table.onFilterChanged(() => void selection.keepShown());
