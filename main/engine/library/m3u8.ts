/**
 * A crate as an extended M3U playlist in UTF-8 (.m3u8), the playlist every DJ program and player reads (rekordbox,
 * Traktor, Serato, Mixxx, VLC). The tags follow RFC 8216 (HTTP Live Streaming): §4.3.1.1 `#EXTM3U` as the first line,
 * §4.3.2.1 `#EXTINF:<duration>,[<title>]` before each entry's path. Pure: no file system access.
 */
import { pathToFileURL } from 'node:url';
import * as nodePath from 'node:path';
import { isInside, type PathApi } from '../fs/paths';

/** One track of the playlist: its absolute path, its length (s; null when unknown: not analysed), its tags. */
export interface M3uEntry {
  path: string;
  durationSec: number | null;
  artist: string | null;
  title: string | null;
}

/**
 * The playlist's text: `#EXTM3U`, then per entry `#EXTINF:<seconds>,<Artist - Title>` and its path, LF line ends, no
 * byte order mark (RFC 8216 §4.1: UTF-8 without a BOM). The duration is whole seconds, rounded, as DJ software writes
 * it (RFC 8216 §4.3.2.1 allows an integer); -1 where the length is unknown (the original extended M3U's convention).
 * The title is "Artist - Title", the title alone without an artist, else the file name without its extension; line
 * breaks in a tag become spaces (a tag cannot end the line).
 * `playlistDir` (absolute): a track below that folder is written relative to it ("Sets/a.flac", `path`'s separators),
 * so the folder can move with its playlist; any other, or every one without `playlistDir`, absolutely. A path holding a
 * line break (no M3U line can hold one) is written as a file: URL, percent-encoded (RFC 8216 §4.1: a line is a URI).
 * A relative path that a player would misread — one starting with "#" (a comment or tag line, RFC 8216 §4.1: "#1 Hit.mp3"
 * beside the playlist) or with white space (trimmed by players) — is written "./#1 Hit.mp3" (".\\" with Windows
 * paths); one ending in white space is written absolutely as a file: URL.
 */
export function toM3u8(entries: readonly M3uEntry[], playlistDir?: string, path: PathApi = nodePath): string {
  const lines = ['#EXTM3U'];
  for (const e of entries) {
    const secs = e.durationSec !== null && Number.isFinite(e.durationSec) && e.durationSec >= 0 ? Math.round(e.durationSec) : -1;
    lines.push(`#EXTINF:${secs},${oneLine(extinfTitle(e, path))}`);
    lines.push(entryPath(e.path, playlistDir, path));
  }
  return lines.join('\n') + '\n';
}

/** "Artist - Title"; the title alone; else the file name without its extension */
export function extinfTitle(e: Pick<M3uEntry, 'path' | 'artist' | 'title'>, path: Pick<PathApi, 'sep'> = nodePath): string {
  const artist = e.artist?.trim();
  const title = e.title?.trim();
  if (title) return artist ? `${artist} - ${title}` : title;
  const base = e.path.split(path.sep === '\\' ? /[\\/]/ : '/').pop() ?? e.path;
  const dot = base.lastIndexOf('.');
  const name = dot > 0 ? base.slice(0, dot) : base;
  return artist ? `${artist} - ${name}` : name;
}

const oneLine = (s: string) => s.replace(/[\r\n\u2028\u2029]+/g, ' ');

function entryPath(p: string, playlistDir: string | undefined, path: PathApi): string {
  if (/[\r\n]/.test(p) || /\s$/.test(p)) return fileUrl(p, path);
  if (playlistDir && isInside(p, playlistDir, path)) {
    const rel = path.relative(playlistDir, p);
    return /^[#\s]/.test(rel) ? `.${path.sep}${rel}` : rel;
  }
  return p;
}

/** `p` as a file: URL in `path`'s own flavour (a Windows path as file:///C:/…, whatever system this runs on) */
function fileUrl(p: string, path: PathApi): string {
  return pathToFileURL(p, { windows: path.sep === '\\' }).href;
}
