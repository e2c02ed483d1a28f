import type { LibraryTrack } from '@contract';
import { fmtLength } from './format';

/** Cell texts of the library table (and the detail panel). Missing values read as an em dash. */
const DASH = '—';

/** a track's duration (s), as fmtLength; — when unknown */
export const fmtDur = (s: number | null) => (s === null ? DASH : fmtLength(s));
export const fmtBpm = (b: number | null) => (b === null ? DASH : b.toFixed(1));
/** a confidence as a percentage (library-notes.ts, DOM-free: never rounded across MIN_CONFIDENCE) */
export { fmtConf } from './library-notes';
export const fmtDb = (v: number | null, digits = 1) => (v === null || !Number.isFinite(v) ? DASH : v.toFixed(digits));
export const fmtRate = (hz: number | null) => (hz === null ? DASH : hz % 1000 ? `${(hz / 1000).toFixed(1)} kHz` : `${hz / 1000} kHz`);

/** "A minor" with its Camelot and Open Key codes: "8A · 1m". */
export function keyCodes(r: Pick<LibraryTrack, 'camelot' | 'openKey'>): string {
  return [r.camelot, r.openKey].filter(Boolean).join(' · ');
}

export function titleOf(r: LibraryTrack): string {
  return r.title?.trim() || r.fileName;
}

/** seconds → "3 min", "1 h 20 min", "12 s" */
export function fmtEta(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '';
  if (sec < 60) return `${Math.max(1, Math.round(sec))} s`;
  const m = Math.round(sec / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

