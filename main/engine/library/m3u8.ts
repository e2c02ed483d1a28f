/**
 * A crate as an extended M3U playlist in UTF-8 (.m3u8), the playlist every DJ program and player reads (rekordbox,
 * Traktor, Serato, Mixxx, VLC). The tags follow RFC 8216 (HTTP Live Streaming): §4.3.1.1 `#EXTM3U` as the first line,
 * §4.3.2.1 `#EXTINF:<duration>,[<title>]` before each entry's path. Pure: no file system access.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as nodePath from 'node:path';
import { isInside, type PathApi } from '../fs/paths';
import { decodeUtf8OrCp1252 } from '../media/cp1252';

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

/**
 * One entry of a playlist that names a file: the path it names (absolute, resolved; `also`, `windows`: PlaylistLocation),
 * its line (1-based), its text as written.
 */
export interface M3uListed extends PlaylistLocation {
  line: number;
  text: string;
}

/** What readM3u found: the files listed, in order, and the lines it could not take as a local file (a URL). */
export interface M3uRead {
  entries: M3uListed[];
  /** an entry that is not a local file (an http:// stream, a file: URL of another host): its line and why */
  unusable: { line: number; text: string; why: string }[];
  /** an HLS playlist (RFC 8216 §4.3.3/§4.3.4 tags such as #EXT-X-TARGETDURATION): stream segments, not a user's tracks */
  hls: boolean;
}

/**
 * One playlist entry's location (a line of an M3U, a PLS `FileN=` value, an XSPF `<location>`) as the file it names:
 * a `file:` URL (RFC 8089, percent-decoded; another host's is not a file here), a path absolute or relative to
 * `playlistDir` (Windows separators and drive letters where `path` is Windows'), or — a URL of another scheme (http://
 * a stream) — why it names no file here. Pure. The one rule readM3u and library/playlists.ts share.
 */
export function playlistLocation(text: string, playlistDir: string, path: PathApi = nodePath): PlaylistLocation | { why: string } {
  if (/^file:/i.test(text)) {
    try {
      return { path: fileURLToPath(text, { windows: path.sep === '\\' }) };
    } catch (err) {
      return { why: `not a file on this machine (${(err as Error).message.replace(/\.$/, '')})` };
    }
  }
  // a URL (scheme ":" then not a Windows drive letter's separator): a stream, nothing on disk
  if (/^[a-z][a-z0-9+.-]+:/i.test(text) && !/^[a-z]:[\\/]/i.test(text)) return { why: 'a URL, not a file on this machine' };
  const at: PlaylistLocation = { path: path.resolve(playlistDir, text) };
  if (path.sep === '/' && text.includes('\\')) {
    // written on Windows: a drive letter or a UNC share names no path here; a relative "Sets\\a.mp3" (foobar2000,
    // Winamp, totem-pl-parser's M3U_DOS) is most likely "Sets/a.mp3" beside the playlist, tried where the name as
    // written (a backslash is a plain character in a Linux or macOS file name) is not there
    if (/^[a-z]:\\|^\\\\/i.test(text)) at.windows = true;
    else at.also = path.resolve(playlistDir, text.replace(/\\/g, '/'));
  }
  return at;
}

/**
 * Where a playlist entry points: `path` (absolute, resolved) — and, for an entry written on Windows read where paths
 * are POSIX, `also`: the same relative path with its backslashes as separators (for the caller to try where `path` is
 * not there), or `windows`: an absolute Windows path (a drive letter, a UNC share), which names nothing here.
 */
export interface PlaylistLocation {
  path: string;
  also?: string;
  windows?: boolean;
}

/**
 * A text playlist's bytes (M3U, PLS) as text: UTF-8 where they are valid UTF-8, else Windows-1252 (the "ANSI" code page
 * Winamp and old Windows players saved an .m3u/.pls in); a UTF-8 byte order mark dropped.
 */
export function playlistText(bytes: Uint8Array): string {
  return decodeUtf8OrCp1252(bytes).replace(/^\uFEFF/, '');
}

/**
 * A user's playlist read as the files it lists — the plain M3U of Winamp (one path or URL a line) and its extended
 * form (`#EXTM3U`, `#EXTINF:<seconds>,<title>` before a path; the format RFC 8216 §4 later wrote down for HLS: §4.1 a
 * line is a URI or blank, lines starting "#" are tags or comments, LF or CRLF line ends). Tolerates what players
 * write: a UTF-8 byte order mark, CRLF or CR line ends, white space around a line, `file:` URLs (RFC 8089,
 * percent-decoded), paths relative to the playlist's folder (`./#1 Hit.mp3` as toM3u8 writes them), Windows separators
 * where `path` is Windows'. Text: UTF-8 where the bytes are valid UTF-8 (always so for .m3u8), else Windows-1252 (the
 * "ANSI" an old .m3u was saved in). Pure: no file system access; whether a listed file exists is the caller's.
 * An npm reader was looked at: m3u8-parser (video.js) reads HLS segments and keeps neither line numbers nor file:
 * URLs as paths, so this is own code (the writer, toM3u8, is its inverse: its output reads back to the same paths).
 * @param bytes the playlist file's contents
 * @param playlistDir the playlist's folder, absolute: what a relative entry is relative to
 * @returns the listed files (duplicates kept: the caller decides), the unusable lines, and whether it is HLS
 */
export function readM3u(bytes: Uint8Array, playlistDir: string, path: PathApi = nodePath): M3uRead {
  const text = playlistText(bytes);
  const entries: M3uListed[] = [];
  const unusable: M3uRead['unusable'] = [];
  let hls = false;
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      if (/^#EXT-X-(TARGETDURATION|STREAM-INF|MEDIA-SEQUENCE|PLAYLIST-TYPE|KEY|MAP)\b/.test(line)) hls = true;
      return;
    }
    const at = playlistLocation(line, playlistDir, path);
    if ('path' in at) entries.push({ ...at, line: i + 1, text: line });
    else unusable.push({ line: i + 1, text: line, why: at.why });
  });
  return { entries, unusable, hls };
}
