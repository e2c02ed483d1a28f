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
}

/** The library table's columns, in their default order. */
export const COLUMNS: Column[] = [
  { id: 'title', label: 'Title', sort: 'title', width: 'minmax(130px, 2fr)' },
  { id: 'artist', label: 'Artist', sort: 'artist', width: 'minmax(80px, 1.3fr)' },
  { id: 'album', label: 'Album', sort: 'album', width: 'minmax(80px, 1.2fr)' },
  { id: 'duration', label: 'Time', sort: 'durationSec', width: '54px', num: true, title: 'Duration' },
  { id: 'bpm', label: 'BPM', sort: 'bpm', width: '92px', num: true, title: 'Tempo (beats per minute) and its confidence; "uncertain" below 50 %' },
  { id: 'key', label: 'Key', sort: 'camelot', width: '150px', title: 'Musical key, its Camelot and Open Key codes and its confidence; "uncertain" below 50 %; sorts on the Camelot wheel (1A, 1B … 12B)' },
  { id: 'lufs', label: 'LUFS', sort: 'lufs', width: '56px', num: true, title: 'Integrated loudness (EBU R128)' },
  { id: 'lra', label: 'LRA', sort: 'loudnessRange', width: '46px', num: true, title: 'Loudness range (LU)' },
  { id: 'tp', label: 'Peak', sort: 'truePeak', width: '56px', num: true, title: 'True peak (dBTP)' },
  { id: 'codec', label: 'Codec', sort: 'codec', width: '64px' },
  { id: 'rate', label: 'Rate', sort: 'sampleRate', width: '64px', num: true, title: 'Sample rate' },
  { id: 'status', label: 'Status', sort: 'status', width: 'minmax(70px, 1.1fr)' },
];

/** the columns a failed row keeps (the rest give their room to the reason) */
export const META_COLUMNS = new Set(['title', 'artist', 'album']);
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
    const order = (s.order ?? []).filter((id) => known.has(id));
    for (const c of COLUMNS) if (!order.includes(c.id)) order.push(c.id);
    return { order, hidden: (s.hidden ?? []).filter((id) => known.has(id) && id !== 'title'), widths: s.widths ?? {} };
  } catch {
    return { order: COLUMNS.map((c) => c.id), hidden: [], widths: {} };
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

  setWidth(id: string, px: number): void {
    this.widths = { ...this.widths, [id]: Math.round(Math.max(MIN_W, Math.min(MAX_W, px))) };
    this.save();
  }

  reset(): void {
    this.order = COLUMNS.map((c) => c.id);
    this.hidden = [];
    this.widths = {};
    this.save();
    signal('library-columns', { hidden: [], order: this.order });
  }

  private save(): void {
    localStorage.setItem(KEY, JSON.stringify({ order: this.order, hidden: this.hidden, widths: this.widths }));
  }
}

export const columns = new Columns();
