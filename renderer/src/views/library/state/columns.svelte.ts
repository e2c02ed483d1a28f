import { signal } from '../../../lib/test-hooks';
import type { SortColumn } from './table.svelte';

export interface Column {
  id: string;
  label: string;
  sort: SortColumn;
  /** CSS grid track when not resized by hand */
  width: string;
  num?: boolean;
  title?: string;
  /** the least width (px) it is shown at; a narrower table leaves it out (see Columns.fit) */
  min: number;
  /** when the table is too narrow, columns with a drop rank leave first (1 first); none: always shown */
  drop?: number;
  /** an optional column: hidden until chosen in the column chooser (also for a saved layout from before it existed) */
  off?: boolean;
}

/** The library table's columns, in their default order. */
export const COLUMNS: Column[] = [
  { id: 'title', label: 'Title', sort: 'title', width: 'minmax(104px, 2fr)', min: 104 },
  { id: 'artist', label: 'Artist', sort: 'artist', width: 'minmax(70px, 1.3fr)', min: 70, drop: 8 },
  { id: 'album', label: 'Album', sort: 'album', width: 'minmax(70px, 1.2fr)', min: 70, drop: 7 },
  { id: 'folder', label: 'Folder', sort: 'folder', width: 'minmax(70px, 1.2fr)', min: 70, drop: 6.5, off: true, title: 'The folder the file is in, relative to its library folder (empty: directly in it; the whole path in the tooltip); sorts with numbers by value' },
  { id: 'duration', label: 'Time', sort: 'durationSec', width: '54px', num: true, title: 'Duration', min: 54, drop: 5 },
  { id: 'bpm', label: 'BPM', sort: 'bpm', width: '92px', min: 92, num: true, title: 'Tempo (beats per minute) and its confidence; below 50 % uncertain, its best guess in italics as "≈126.0?" (sorted after the sure tempos, by that guess); "~": the tempo changes (the column keeps the whole-track estimate, its confidence in the detail)' },
  { id: 'key', label: 'Key', sort: 'camelot', width: '150px', min: 150, title: 'Musical key, its Camelot and Open Key codes and its confidence; below 50 % uncertain, its best guess in italics as "≈A minor?"; "~": the key changes (the column keeps the whole-track estimate); sorts on the Camelot wheel (1A, 1B … 12B), an uncertain key after the sure ones, by its best guess' },
  { id: 'lufs', label: 'LUFS', sort: 'lufs', width: '56px', num: true, title: 'Integrated loudness (EBU R128)', min: 56, drop: 6 },
  { id: 'lra', label: 'LRA', sort: 'loudnessRange', width: '46px', num: true, title: 'Loudness range (LU)', min: 46, drop: 1 },
  { id: 'tp', label: 'Peak', sort: 'truePeak', width: '56px', num: true, title: 'True peak (dBTP)', min: 56, drop: 2 },
  { id: 'codec', label: 'Codec', sort: 'codec', width: '64px', min: 64, drop: 3 },
  { id: 'rate', label: 'Rate', sort: 'sampleRate', width: '64px', num: true, title: 'Sample rate', min: 64, drop: 4 },
  { id: 'status', label: 'Status', sort: 'status', width: 'minmax(64px, 1.1fr)', min: 64 },
];

/** the columns a failed row keeps (the rest give their room to the reason) */
export const META_COLUMNS = new Set(['title', 'artist', 'album', 'folder']);
/** the optional columns (Column.off), hidden by default */
const OFF = COLUMNS.filter((c) => c.off).map((c) => c.id);
const KEY = 'studio.library.columns';
const MIN_W = 36;
const MAX_W = 800;

interface Saved {
  order: string[];
  hidden: string[];
  widths: Record<string, number>;
}

function read(): Saved {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Saved>;
    const known = new Set(COLUMNS.map((c) => c.id));
    const saved = (s.order ?? []).filter((id) => known.has(id));
    const order = [...saved];
    // a column the saved layout does not know (new since) goes after the one before it by default; an optional one hidden
    COLUMNS.forEach((c, k) => {
      if (order.includes(c.id)) return;
      const after = k > 0 ? order.indexOf(COLUMNS[k - 1].id) : -1;
      order.splice(after < 0 ? order.length : after + 1, 0, c.id);
    });
    const hidden = (s.hidden ?? []).filter((id) => known.has(id) && id !== 'title');
    for (const id of OFF) if (!saved.includes(id) && !hidden.includes(id)) hidden.push(id);
    return { order, hidden, widths: s.widths ?? {} };
  } catch {
    return { order: COLUMNS.map((c) => c.id), hidden: [...OFF], widths: {} };
  }
}

/**
 * Which columns the table shows, in which order, at which widths (rekordbox,
 * Mixxx): chosen in "Columns", dragged by their header, resized at their
 * right edge; kept in localStorage. The title column always shows.
 */
class Columns {
  order = $state<string[]>(read().order);
  hidden = $state<string[]>(read().hidden);
  widths = $state<Record<string, number>>(read().widths);

  /** the shown columns, in order */
  get visible(): Column[] {
    return this.order.map((id) => COLUMNS.find((c) => c.id === id)!).filter((c) => !this.hidden.includes(c.id));
  }

  /** the CSS grid template of the shown columns */
  get grid(): string {
    return this.visible.map((c) => (this.widths[c.id] ? `${this.widths[c.id]}px` : c.width)).join(' ');
  }

  /**
   * The shown columns that fit a table `width` px wide (its client width):
   * while the least widths (plus the 8 px gaps and padding) add up to more,
   * the column with the lowest drop rank leaves (LRA, Peak, Codec, Rate,
   * Time, LUFS, Folder, Album, Artist), so the Status column is never pushed out of
   * view (the chat beside the library, 1280 px). A width of 0 (not laid
   * out yet) keeps them all. `minWidth`: what the rows need (px).
   */
  fit(width: number): { cols: Column[]; grid: string; minWidth: number; dropped: Column[] } {
    const cols = [...this.visible];
    const w = (c: Column) => this.widths[c.id] ?? c.min;
    const need = () => cols.reduce((a, c) => a + w(c), 0) + 8 * (cols.length - 1) + 16;
    const dropped: Column[] = [];
    while (width > 0 && need() > width) {
      const next = cols.filter((c) => c.drop !== undefined).sort((a, b) => a.drop! - b.drop!)[0];
      if (!next) break;
      cols.splice(cols.indexOf(next), 1);
      dropped.push(next);
    }
    return { cols, grid: cols.map((c) => (this.widths[c.id] ? `${this.widths[c.id]}px` : c.width)).join(' '), minWidth: need(), dropped };
  }

  toggle(id: string): void {
    if (id === 'title') return;
    this.hidden = this.hidden.includes(id) ? this.hidden.filter((x) => x !== id) : [...this.hidden, id];
    this.save();
    signal('library-columns', { hidden: this.hidden, order: this.order });
  }

  /** Move column `id` to where column `before` is (drag and drop on the header). */
  move(id: string, before: string): void {
    if (id === before) return;
    const order = this.order.filter((x) => x !== id);
    order.splice(order.indexOf(before), 0, id);
    this.order = order;
    this.save();
    signal('library-columns', { hidden: this.hidden, order: this.order });
  }

  /**
   * Move column `id` one place among the shown columns (`step` −1: left, +1: right; the keyboard's Alt+←/→ on its
   * header). Hidden columns keep their places in `order`. Nothing at either end.
   */
  shift(id: string, step: -1 | 1): void {
    const shown = this.visible.map((c) => c.id);
    const at = shown.indexOf(id);
    const to = at + step;
    if (at < 0 || to < 0 || to >= shown.length) return;
    const other = shown[to];
    const order = [...this.order];
    const i = order.indexOf(id);
    const j = order.indexOf(other);
    [order[i], order[j]] = [order[j], order[i]];
    this.order = order;
    this.save();
    signal('library-columns', { hidden: this.hidden, order: this.order });
  }

  setWidth(id: string, px: number): void {
    this.widths = { ...this.widths, [id]: Math.round(Math.max(MIN_W, Math.min(MAX_W, px))) };
    this.save();
  }

  reset(): void {
    this.order = COLUMNS.map((c) => c.id);
    this.hidden = [...OFF];
    this.widths = {};
    this.save();
    signal('library-columns', { hidden: this.hidden, order: this.order });
  }

  private save(): void {
    localStorage.setItem(KEY, JSON.stringify({ order: this.order, hidden: this.hidden, widths: this.widths }));
  }
}

export const columns = new Columns();
