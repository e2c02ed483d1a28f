import { orderedBounds, type LibraryFilter } from '@contract';

/** The filter as typed in the filter bar (strings; parsed into a LibraryFilter). */
export interface FilterForm {
  text: string;
  bpmMin: string;
  bpmMax: string;
  lufsMin: string;
  lufsMax: string;
  key: string;
  status: '' | 'pending' | 'analysed' | 'failed';
}

export const emptyForm = (): FilterForm => ({ text: '', bpmMin: '', bpmMax: '', lufsMin: '', lufsMax: '', key: '', status: '' });

function num(s: string): number | null {
  const t = s.trim().replace(',', '.');
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : NaN;
}

/**
 * Parse the filter form; returns the filter or the first problem in words. A range's bounds typed high to low are
 * the range they enclose (orderedBounds); an empty bound leaves that side open (BPM 0–1000, LUFS −200–50).
 */
export function parseFilter(f: FilterForm): { filter: LibraryFilter; problem: string | null } {
  const filter: LibraryFilter = {};
  let problem: string | null = null;
  const text = f.text.trim();
  if (text) filter.text = text.slice(0, 200);
  const range = (lo: string, hi: string, what: string, min: number, max: number): [number, number] | undefined => {
    const a = num(lo);
    const b = num(hi);
    if (a === null && b === null) return undefined;
    if (Number.isNaN(a) || Number.isNaN(b)) {
      problem ??= `${what}: type a number.`;
      return undefined;
    }
    // typed high to low (125 – 100): the range they enclose, as --bpm-range and View ▸ BPM range take it
    const [low, high] = orderedBounds(a, b);
    return [low ?? min, high ?? max];
  };
  const bpm = range(f.bpmMin, f.bpmMax, 'BPM', 0, 1000);
  if (bpm) filter.bpm = bpm;
  const lufs = range(f.lufsMin, f.lufsMax, 'LUFS', -200, 50);
  if (lufs) filter.lufs = lufs;
  const key = f.key.trim();
  if (key) filter.key = key.slice(0, 200);
  if (f.status) filter.status = f.status;
  return { filter, problem };
}

/** "A minor" → "Am", "C# major" → "C#". */
export function shortKey(k: string): string {
  const m = /^([A-G][#b♯♭]?)\s*(major|minor|maj|min|m)?$/i.exec(k.trim());
  if (!m) return k;
  return m[1] + (m[2] && /^min|^m$/i.test(m[2]) ? 'm' : '');
}
