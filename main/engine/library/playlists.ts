/**
 * A user's playlist from other DJ or media software, read as the files it lists, for crates:import: extended M3U/M3U8
 * (m3u8.ts readM3u, the one M3U reader), PLS (Winamp/SHOUTcast's INI layout) and XSPF (the Xiph "XML Shareable
 * Playlist Format", version 1, as VLC, Audacious and totem-pl-parser write it). Pure: no file system access; whether
 * a listed file exists, and which library track it is, is the caller's (crates.ts importPlaylist).
 */
import { createRequire } from 'node:module';
import * as nodePath from 'node:path';
import { StudioError } from '@contract';
import type { PathApi } from '../fs/paths';
import { playlistLocation, playlistText, readM3u, type M3uRead } from './m3u8';

/** The playlist layouts read: by the file's extension, else by its first bytes (playlistFormat). */
export type PlaylistFormat = 'm3u' | 'pls' | 'xspf';

/** What a playlist lists: M3uRead (entries with their line, 1-based, and text; the unusable ones and why) and its format. */
export interface PlaylistRead extends M3uRead {
  format: PlaylistFormat;
}

/**
 * Which layout `bytes` are in: an `.xspf` name or a document starting with "<" (after a byte order mark and white
 * space: XML) is XSPF; a `.pls` name or a first line "[playlist]" is PLS; any other (.m3u, .m3u8, a plain list of
 * paths) M3U.
 */
export function playlistFormat(fileName: string, bytes: Uint8Array): PlaylistFormat {
  const ext = nodePath.extname(fileName).toLowerCase();
  if (ext === '.xspf') return 'xspf';
  if (ext === '.pls') return 'pls';
  const head = playlistText(bytes.subarray(0, 256)).trimStart();
  if (ext !== '.m3u' && ext !== '.m3u8' && head.startsWith('<')) return 'xspf';
  if (/^\[playlist\]/i.test(head)) return 'pls';
  return 'm3u';
}

/**
 * The playlist in `bytes` read as the files it lists, in its order (duplicates kept: the caller decides), whatever its
 * layout (playlistFormat). @param fileName the playlist's file name (its extension says the layout)
 * @param playlistDir its folder, absolute: what a relative entry is relative to
 * @throws StudioError BAD_ARGS for an XSPF that is not well-formed XML or not an XSPF playlist
 */
export function readPlaylist(bytes: Uint8Array, fileName: string, playlistDir: string, path: PathApi = nodePath): PlaylistRead {
  const format = playlistFormat(fileName, bytes);
  if (format === 'pls') return { format, ...readPls(bytes, playlistDir, path) };
  if (format === 'xspf') return { format, ...readXspf(bytes, playlistDir, path) };
  return { format, ...readM3u(bytes, playlistDir, path) };
}

/**
 * A PLS playlist: an INI file, section `[playlist]`, entries `File1=…`, `File2=…` (with `Title<n>=`, `Length<n>=`),
 * `NumberOfEntries=` and `Version=2` — Winamp's layout, which SHOUTcast, VLC, foobar2000, iTunes and totem-pl-parser
 * write. Read in the order of the entries' numbers (File10 after File9, as players do), whatever the lines' order;
 * keys in any case; text as playlistText (UTF-8, else Windows-1252); values as an M3U line (playlistLocation: a path
 * absolute or relative to the playlist's folder, a `file:` URL, a stream's URL unusable). Lines outside `[playlist]`
 * are left alone.
 */
export function readPls(bytes: Uint8Array, playlistDir: string, path: PathApi = nodePath): M3uRead {
  const listed: { n: number; line: number; text: string }[] = [];
  let inList = false;
  playlistText(bytes)
    .split(/\r\n|\r|\n/)
    .forEach((raw, i) => {
      const line = raw.trim();
      const section = /^\[(.*)\]$/.exec(line);
      if (section) {
        inList = section[1].trim().toLowerCase() === 'playlist';
        return;
      }
      const m = inList ? /^file(\d+)\s*=(.*)$/i.exec(line) : null;
      if (m && m[2].trim()) listed.push({ n: Number(m[1]), line: i + 1, text: m[2].trim() });
    });
  listed.sort((a, b) => a.n - b.n || a.line - b.line);
  const out: M3uRead = { entries: [], unusable: [], hls: false };
  for (const { line, text } of listed) {
    const at = playlistLocation(text, playlistDir, path);
    if ('path' in at) out.entries.push({ ...at, line, text });
    else out.unusable.push({ line, text, why: at.why });
  }
  return out;
}

const XSPF_NS = 'http://xspf.org/ns/0/';

/** The DOM nodes of @xmldom/xmldom that readXspf reads (W3C DOM Level 2 names; `lineNumber`: its locator's, 1-based). */
interface XNode {
  nodeType: number;
  localName: string | null;
  namespaceURI: string | null;
  tagName?: string;
  textContent: string | null;
  childNodes: ArrayLike<XNode>;
  lineNumber?: number;
}
interface XDomParser {
  parseFromString(text: string, mime: string): { documentElement: XNode | null } | undefined;
}
/**
 * @xmldom/xmldom's DOMParser, loaded by require: the package's own type declarations pull in TypeScript's "dom" library
 * (`/// <reference lib="dom" />`), which would give the engine's Node code browser globals; XNode types what is read.
 */
const { DOMParser } = createRequire(import.meta.url)('@xmldom/xmldom') as {
  DOMParser: new (options: { locator: object; errorHandler: Record<'warning' | 'error' | 'fatalError', (msg: string) => void> }) => XDomParser;
};

/**
 * An XSPF playlist (xspf.org, version 1): `<playlist xmlns="http://xspf.org/ns/0/"><trackList><track><location>`,
 * parsed by @xmldom/xmldom (a W3C DOM parser: entities, CDATA, character references, the XML declaration's encoding
 * as decoded by the caller: UTF-8). Each track's first `<location>` is its file: a URI (spec §4.1.1.2.14.1.1), so a
 * `file:` URL is percent-decoded (VLC writes `file:///home/dj/Music/Caf%C3%A9.mp3`), a relative reference resolved
 * against the playlist's folder after percent-decoding — and, where totem-pl-parser (GNOME) wrote the relative path
 * raw ("100% Pure.mp3", not a valid URI), as written: `also` holds the other reading where the two differ. A track
 * without a location (one with only an `<identifier>`) is unusable, said so.
 * @throws StudioError BAD_ARGS where the text is not well-formed XML, or its root is not an XSPF `<playlist>`
 */
export function readXspf(bytes: Uint8Array, playlistDir: string, path: PathApi = nodePath): M3uRead {
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  const problems: string[] = [];
  const doc = new DOMParser({
    locator: {},
    errorHandler: { warning: () => undefined, error: (m: string) => problems.push(m), fatalError: (m: string) => problems.push(m) },
  }).parseFromString(text, 'text/xml');
  const root = doc?.documentElement;
  if (problems.length || !root) {
    throw new StudioError('BAD_ARGS', `This XSPF playlist is not well-formed XML (${(problems[0] ?? 'no root element').split('\n')[0].replace(/^\[xmldom \w+\]\s*/, '')}), so its tracks cannot be read.`);
  }
  if (root.localName !== 'playlist' || (root.namespaceURI !== XSPF_NS && root.namespaceURI !== null)) {
    throw new StudioError('BAD_ARGS', `This XML file is not an XSPF playlist: its root element is <${root.tagName}>, not <playlist xmlns="${XSPF_NS}">.`);
  }
  const out: M3uRead = { entries: [], unusable: [], hls: false };
  const kids = (el: XNode, name: string): XNode[] => Array.from(el.childNodes).filter((n) => n.nodeType === 1 && n.localName === name);
  const line = (n: XNode) => n.lineNumber ?? 0;
  for (const list of kids(root, 'trackList')) {
    for (const track of kids(list, 'track')) {
      const loc = kids(track, 'location')[0];
      const raw = loc?.textContent?.trim() ?? '';
      if (!raw) {
        out.unusable.push({ line: line(track), text: kids(track, 'title')[0]?.textContent?.trim() || '<track>', why: 'a track with no <location>: it names no file' });
        continue;
      }
      const at = playlistLocation(raw, playlistDir, path);
      if (!('path' in at)) {
        out.unusable.push({ line: line(loc), text: raw, why: at.why });
        continue;
      }
      if (/^file:/i.test(raw)) {
        out.entries.push({ ...at, line: line(loc), text: raw });
        continue;
      }
      // a relative reference: percent-encoded as a URI should be (VLC), or raw (totem-pl-parser)
      let decoded: string | null = null;
      try {
        decoded = decodeURIComponent(raw);
      } catch {
        decoded = null; // "100% Pure.mp3": not an escape, so the path as written
      }
      const first = decoded !== null && decoded !== raw ? playlistLocation(decoded, playlistDir, path) : at;
      const entry = { ...('path' in first ? first : at), line: line(loc), text: raw };
      if (entry.path !== at.path && !entry.also) entry.also = at.path;
      out.entries.push(entry);
    }
  }
  return out;
}
