import type { LibraryTrack } from '@contract';
import { fmtLength } from './format';
import { safeName } from './safe-name';

/** Cell texts of the library table (and the detail panel). Missing values read as an em dash. */
const DASH = '—';

/** a track's duration (s), as fmtLength; — when unknown */
export const fmtDur = (s: number | null) => (s === null ? DASH : fmtLength(s));
export const fmtBpm = (b: number | null) => (b === null ? DASH : b.toFixed(1));
/** a confidence as a percentage (library-notes.ts, DOM-free: never rounded across MIN_CONFIDENCE) */
export { confidenceText } from './library-notes';
export const fmtDb = (v: number | null, digits = 1) => (v === null || !Number.isFinite(v) ? DASH : v.toFixed(digits));
export const fmtRate = (hz: number | null) => (hz === null ? DASH : hz % 1000 ? `${(hz / 1000).toFixed(1)} kHz` : `${hz / 1000} kHz`);

/** a channel count (≥ 1) as players name it: "mono", "stereo", else "6 ch" */
const channelCount = (n: number) => (n === 1 ? 'mono' : n === 2 ? 'stereo' : `${n} ch`);

/**
 * The detail panel's format line: "4:00 · flac · 48 kHz · 6 ch · 2304 kb/s" — length, codec, rate, channels, bitrate
 * (the channels unknown and the bitrate unknown are left out). A 5.1 file read "4:00 · flac · 48 kHz · …" before, with
 * nothing saying it held six channels (tester22's leftover).
 */
export function formatLine(t: Pick<LibraryTrack, 'durationSec' | 'codec' | 'sampleRate' | 'channels' | 'bitrateKbps'>): string {
  return [fmtDur(t.durationSec), t.codec ?? '?', fmtRate(t.sampleRate), ...(t.channels ? [channelCount(t.channels)] : []), ...(t.bitrateKbps !== null ? [`${Math.round(t.bitrateKbps)} kb/s`] : [])].join(' · ');
}

/** "A minor" with its Camelot and Open Key codes: "8A · 1m". */
export function keyCodes(r: Pick<LibraryTrack, 'camelot' | 'openKey'>): string {
  return [r.camelot, r.openKey].filter(Boolean).join(' · ');
}

/**
 * A key as the chosen notation writes it (prefs' KeyNotation): `main`, the text shown ("E minor", "9A" or "2m"; the
 * name, as `name` spells it, where a code is missing; null when there is no key), and `codes`, the codes shown after
 * it in a quieter style ("9A · 2m" for `all`, else empty). `name` is the key already spelled (spellKey).
 */
export function keyNotation(name: string | null, r: Pick<LibraryTrack, 'camelot' | 'openKey'>, notation: 'all' | 'name' | 'camelot' | 'openkey'): { main: string | null; codes: string } {
  if (name === null) return { main: null, codes: '' };
  if (notation === 'camelot') return { main: r.camelot ?? name, codes: '' };
  if (notation === 'openkey') return { main: r.openKey ?? name, codes: '' };
  return { main: name, codes: notation === 'all' ? keyCodes(r) : '' };
}

/**
 * The bar the detail's key-strength plot marks: the stated key's (`key`, as TrackDetail.track.key), else the strongest
 * — since the learned key net (knet22) the stated key need not be the strongest profile correlation.
 */
export function markedKey<T extends { key: string; strength: number }>(ks: readonly T[], key: string | null): T {
  return ks.find((k) => k.key === key) ?? ks.reduce((a, b) => (b.strength > a.strength ? b : a));
}

/** The row's title, else its file name, as text to draw (bidi controls made visible: lib/safe-name.ts); put it in a <bdi>. */
export function titleOf(r: LibraryTrack): string {
  return safeName(r.title?.trim() || r.fileName);
}


/**
 * The whole folder a row's file is in (its path less the file name and the separator before it: the Folder column's
 * tooltip), as text to draw (safeName); "" where the path has no separator.
 */
export function folderPathOf(r: Pick<LibraryTrack, 'path'>): string {
  const cut = Math.max(r.path.lastIndexOf('/'), r.path.lastIndexOf('\\'));
  return safeName(cut < 0 ? '' : r.path.slice(0, cut));
}
