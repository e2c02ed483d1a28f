/**
 * Import playlist… in the renderer (views/library/state/crates.svelte.ts): which dropped files are playlists, their
 * bytes for crates:import's `dropped`, and the toast that says what an import did. Pure: no DOM, no state.
 */
import { PLAYLIST_EXTENSIONS, type MethodOutput } from '@contract';
import { fmtCount, countOf } from './format';

/** whether a file's name is a playlist's (PLAYLIST_EXTENSIONS, any case) */
export function isPlaylistName(name: string): boolean {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return name.includes('.') && (PLAYLIST_EXTENSIONS as readonly string[]).includes(ext);
}

/** bytes as base64 (a dropped playlist sent to the engine), in slices: String.fromCharCode takes a bounded argument list */
export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** an entry's file name: the last part of its path or URL (a URL's percent-escapes decoded where they are UTF-8) */
export function entryName(entry: string): string {
  const last = entry.split(/[\\/]/).filter(Boolean).pop() ?? entry;
  if (!/^[a-z][a-z0-9+.-]+:/i.test(entry)) return last;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** how many of the entries not added a toast names */
const NAMED_MISSING = 3;

/**
 * The toast of an import: "Imported “Friday set”", "3 of 6 entries added (1 listed twice). 1 entry found under its
 * file's new name (moved or renamed since the playlist was written). Not added: 2 — “Missing
 * Track.mp3” (no such file), “stream.mp3” (a URL)." — each entry by its file name (the last part of its path or URL)
 * and the first words of its reason, the first NAMED_MISSING of them, then how many more.
 */
export function importToast(r: MethodOutput<'crates:import'>): { title: string; message: string } {
    const dup = r.duplicates ? ` (${fmtCount(r.duplicates)} listed twice)` : '';
  let message = `${fmtCount(r.added)} of ${countOf(r.listed, 'entry', 'entries')} added${dup}.`;
  // found by the name their file had before the library saw it moved or renamed (crate38)
  if (r.moved?.length) message += ` ${countOf(r.moved.length, 'entry', 'entries')} found under ${r.moved.length === 1 ? 'its file\'s' : 'their files\''} new name (moved or renamed since the playlist was written).`;
  if (r.missing.length) {
    const named = r.missing.slice(0, NAMED_MISSING).map((m) => `“${entryName(m.entry)}” (${m.reason.split(/[:;,(]/)[0].trim()})`);
    const more = r.missing.length - named.length;
    message += ` Not added: ${fmtCount(r.missing.length)} — ${named.join(', ')}${more ? `, and ${fmtCount(more)} more` : ''}.`;
  }
  return { title: `Imported “${r.crate.name}”`, message };
}

