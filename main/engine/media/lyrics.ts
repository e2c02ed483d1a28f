/**
 * A track's lyrics (Tags.lyrics): from its own tags — ID3v2 USLT (unsynchronised) and SYLT (synchronised, in
 * milliseconds), Vorbis comments LYRICS / UNSYNCEDLYRICS, APEv2 Lyrics, MP4 ©lyr, Matroska LYRICS (MKV, MKA, WebM), as
 * music-metadata reads them — or from an LRC file beside it with the same name (`Song.lrc` for `Song.mp3`: what
 * foobar2000, MusicBee, Jellyfin and Navidrome read), which is preferred when it is timed and the tags are not. Text that is LRC (a tagger may put LRC
 * into an unsynchronised lyrics tag) is read as timed lines. LRC is parsed by clrc (simple LRC; several timestamps on a
 * line are one line each), `[offset:±ms]` applied as the format says (a positive offset shows the lines sooner), the
 * word times of enhanced LRC (`<mm:ss.xx>`) dropped from the text.
 * Source: LRC (https://en.wikipedia.org/wiki/LRC_(file_format)); ID3v2.4 native frames §4.8 (USLT), §4.9 (SYLT).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { parse as parseLrc, LineType, type LyricLine, type MetadataLine } from 'clrc';
import type { IAudioMetadata } from 'music-metadata';
import type { Tags } from '@contract';
import { decodeUtf8OrCp1252 } from './cp1252';
import { nativeTagName } from './native-tag';

export type Lyrics = NonNullable<Tags['lyrics']>;

/** lyrics longer than this (characters) are cut there, with a mark: no song's are; a tag this long is not lyrics */
export const LYRICS_MAX_CHARS = 100_000;
/** at most this many timed lines are kept */
export const LYRICS_MAX_LINES = 5_000;
/** at most this many versions besides the one shown are kept (a file with a frame per language has a few) */
export const LYRICS_MAX_OTHERS = 16;
/** a sidecar LRC file larger than this (bytes) is not read */
export const LRC_MAX_BYTES = 1_000_000;

/** `[mm:ss]`, `[mm:ss.xx]` or `[mm:ss.xxx]` at a line's start: the mark of LRC text */
const LRC_TIME = /^\s*\[\d{1,3}:\d{2}(?:[.:]\d{1,3})?\]/m;
/** an enhanced LRC word time */
const WORD_TIME = /<\d{1,3}:\d{2}(?:\.\d{1,3})?>\s?/g;

/**
 * LRC text → timed lines (`startSec`: seconds from the audio's start, its `[offset:]` applied, never below 0; in time
 * order, lines of equal time in file order) and its `[la:]` language; null when it holds no timed line. CRLF or CR line
 * ends and a byte-order mark are read alike; `[00:12]` (no fraction) and `[00:12.345]` alike. Pure.
 */
export function lrcLines(text: string): { lines: Array<{ startSec: number; text: string }>; language?: string } | null {
  const src = text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  if (!LRC_TIME.test(src)) return null;
  // clrc reads [mm:ss.xx]; LRC files also write [mm:ss:xx] (a colon before the hundredths) and one-digit minutes
  const normalised = src
    .split('\n')
    .map((l) => l.trimStart().replace(/\[(\d{1,3}):(\d{2})(?:[.:](\d{1,3}))?\]/g, (_m, mm: string, ss: string, f?: string) => `[${mm.padStart(2, '0')}:${ss}${f ? `.${f.padEnd(2, '0')}` : ''}]`))
    .join('\n');
  const parsed = parseLrc(normalised);
  const meta = parsed.filter((l): l is MetadataLine<string> => l.type === LineType.METADATA);
  const offsetMs = Number(meta.find((m) => m.key.trim().toLowerCase() === 'offset')?.value.trim() ?? 0) || 0;
  const language = meta.find((m) => m.key.trim().toLowerCase() === 'la')?.value.trim() || undefined;
  const timed = parsed
    .filter((l): l is LyricLine => l.type === LineType.LYRIC)
    .map((l, i) => ({ i, startSec: Math.max(0, (l.startMillisecond - offsetMs) / 1000), text: l.content.replace(WORD_TIME, '').trim() }));
  if (!timed.length) return null;
  timed.sort((a, b) => a.startSec - b.startSec || a.i - b.i);
  return { lines: timed.slice(0, LYRICS_MAX_LINES).map(({ startSec, text: t }) => ({ startSec, text: t })), ...(language ? { language } : {}) };
}

/** text cut to LYRICS_MAX_CHARS */
const capped = (s: string): string => (s.length > LYRICS_MAX_CHARS ? `${s.slice(0, LYRICS_MAX_CHARS)}…` : s);

/** the lyrics of `text` as found (LRC read as timed lines, else plain text with its line ends made \n); null when blank */
function fromText(text: string, source: Lyrics['source'], language?: string): Lyrics | null {
  const lrc = lrcLines(text);
  if (lrc) return { text: capped(lrc.lines.map((l) => l.text).join('\n')), lines: lrc.lines, source, ...(lrc.language ?? language ? { language: lrc.language ?? language } : {}) };
  const plain = text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n').trim();
  return plain ? { text: capped(plain), source, ...(language ? { language } : {}) } : null;
}

/** the native frames and fields that hold lyrics as text (compared in upper case), in each tag format */
const TEXT_IDS = new Set(['USLT', 'ULT', 'LYRICS', 'UNSYNCEDLYRICS', 'UNSYNCED LYRICS', '©LYR', 'TXXX:LYRICS', 'TXXX:UNSYNCEDLYRICS']);

/** one version of a track's lyrics (Tags.lyrics less `others`) */
export type LyricsVersion = Omit<Lyrics, 'others'>;

/** a version's identity: the same words in the same language (and with the same description) are one version */
const versionKey = (v: LyricsVersion): string => JSON.stringify([v.language ?? '', v.description ?? '', v.text, v.lines ?? null]);

/** `shown` with the other versions (deduplicated, in the order given, at most LYRICS_MAX_OTHERS) as its `others`; the versions' own `others` dropped */
function withOthers(shown: LyricsVersion, versions: LyricsVersion[]): Lyrics {
  const seen = new Set([versionKey(shown)]);
  const others: LyricsVersion[] = [];
  for (const v of versions) {
    const { others: _o, ...one } = v as Lyrics;
    const k = versionKey(one);
    if (seen.has(k)) continue;
    seen.add(k);
    others.push(one);
    if (others.length >= LYRICS_MAX_OTHERS) break;
  }
  const { others: _drop, ...base } = shown as Lyrics;
  return others.length ? { ...base, others } : base;
}

/**
 * The lyrics the file's tags hold, or null: each SYLT frame in milliseconds (timed) and each lyrics text (LRC text read
 * as timed lines) is one version — a file keeps one per language (eng + deu + jpn, as Mp3tag, kid3 and foobar2000 write
 * them) or plain and LRC lyrics in two USLT frames. The one shown: the first SYLT, else the first text holding LRC,
 * else the first text (file order); the others follow in `others` (file order; the same words in the same language
 * once). The native frames are read (music-metadata's common `lyrics` has already taken the LRC timestamps out of a
 * Vorbis LYRICS field, and keeps only a line's first). `language`: the frame's ISO 639-2 code where it names one
 * ("eng"; "XXX" and blanks are none); `description`: the USLT/SYLT content descriptor where not blank. Pure.
 */
export function lyricsFromTags(meta: IAudioMetadata | null): Lyrics | null {
  if (!meta) return null;
  const versions: Array<LyricsVersion & { kind: 'sylt' | 'lrc' | 'text' }> = [];
  for (const [format, frames] of Object.entries(meta.native ?? {})) {
    for (const f of frames as Array<{ id: string; value: unknown }>) {
      // Matroska's tags are named with their target ("track:LYRICS", "album:LYRICS"): the name is after it
      const id = nativeTagName(format, f.id).toUpperCase();
      const v = f.value as { text?: unknown; language?: unknown; descriptor?: unknown; description?: unknown; syncText?: Array<{ text?: unknown; timestamp?: unknown }>; timeStampFormat?: unknown } | string;
      const language = typeof v === 'object' && typeof v.language === 'string' && /^[a-z]{3}$/i.test(v.language) && v.language.toUpperCase() !== 'XXX' ? v.language.toLowerCase() : undefined;
      const desc = typeof v === 'object' ? (typeof v.descriptor === 'string' ? v.descriptor : typeof v.description === 'string' ? v.description : '').trim() : '';
      const described = { ...(language ? { language } : {}), ...(desc ? { description: desc } : {}) };
      if ((id === 'SYLT' || id === 'SLT') && typeof v === 'object' && v.timeStampFormat === 2 && Array.isArray(v.syncText)) {
        const lines = v.syncText
          .filter((x) => typeof x.text === 'string' && typeof x.timestamp === 'number' && Number.isFinite(x.timestamp))
          .map((x, i) => ({ i, startSec: Math.max(0, (x.timestamp as number) / 1000), text: (x.text as string).replace(/\r\n?/g, '\n').trim() }))
          .sort((a, b) => a.startSec - b.startSec || a.i - b.i)
          .slice(0, LYRICS_MAX_LINES)
          .map(({ startSec, text: t }) => ({ startSec, text: t }));
        if (lines.length) versions.push({ kind: 'sylt', text: capped(lines.map((l) => l.text).join('\n')), lines, source: 'tags', ...described });
      } else if (TEXT_IDS.has(id)) {
        const t = typeof v === 'string' ? v : typeof v?.text === 'string' ? v.text : null;
        const found = t && t.trim() ? fromText(t, 'tags', language) : null;
        if (found) versions.push({ kind: found.lines ? 'lrc' : 'text', ...found, ...(desc ? { description: desc } : {}) });
      }
    }
  }
  const shown = versions.find((x) => x.kind === 'sylt') ?? versions.find((x) => x.kind === 'lrc') ?? versions[0];
  if (!shown) return null;
  const plain = (x: (typeof versions)[number]): LyricsVersion => {
    const { kind: _k, ...rest } = x;
    return rest;
  };
  return withOthers(plain(shown), versions.filter((x) => x !== shown).map(plain));
}

/**
 * The names of the sidecar LRC files of a media file, in the order they are preferred: the same name with `.lrc` for
 * its extension (`Song.lrc` for `Song.mp3`: what foobar2000, MusicBee, Jellyfin and Navidrome read), then the whole
 * name with `.lrc` after it (`Song.mp3.lrc`: foobar2000's ESLyric and MusicBee save them so, which keeps
 * `Song.flac`'s and `Song.mp3`'s apart); each in its exact case first, then any other case of it (`Song.LRC`,
 * `SONG.LRC`, `song.lrc`: Windows and macOS do not tell them apart, the files come from there). `names`: the
 * folder's entries; the candidates found among them. Pure.
 */
export function sidecarLrcNames(mediaName: string, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const want of exactLrcNames(mediaName)) {
    const key = want.toLowerCase();
    // the exact case, then the other cases in code-point order (a folder with both song.lrc and Song.LRC: always the same one)
    const same = names.filter((n) => n.toLowerCase() === key && n !== want).sort();
    for (const n of [...(names.includes(want) ? [want] : []), ...same]) if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** the two sidecar LRC names of `mediaName` in their exact case, preferred first (`Song.lrc`, `Song.mp3.lrc`) */
const exactLrcNames = (mediaName: string): [string, string] => [`${basename(mediaName, extname(mediaName))}.lrc`, `${mediaName}.lrc`];

/**
 * An LRC file's bytes as text: UTF-16 where a byte-order mark says so (FF FE little-endian, FE FF big-endian: Windows
 * Notepad's "Unicode" and some Windows LRC editors), else UTF-8 (with or without its mark), else Windows-1252 (older
 * LRC editors write the system's code page). Pure.
 */
export function decodeLrc(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return decodeUtf8OrCp1252(bytes);
}

/** a folder with more entries than this is not listed for an LRC file's other cases (its exact names are still tried) */
const LRC_DIR_MAX_ENTRIES = 20_000;

/**
 * The timed lyrics of the LRC file beside `mediaPath` (the first of sidecarLrcNames that is a regular file of at most
 * LRC_MAX_BYTES holding a timed line), as `source: 'lrc'` with `lrcFile` its name; null when there is none. Its text
 * as decodeLrc reads it (UTF-16 with a byte-order mark, UTF-8, else Windows-1252). The folder is listed (its other
 * cases); where it cannot be, or holds more than LRC_DIR_MAX_ENTRIES entries, the exact names alone are tried.
 */
export async function sidecarLyrics(mediaPath: string): Promise<Lyrics | null> {
  const dir = dirname(mediaPath);
  const name = basename(mediaPath);
  let names: string[] = exactLrcNames(name);
  try {
    const listed = await readdir(dir);
    if (listed.length <= LRC_DIR_MAX_ENTRIES) names = listed;
  } catch {
    // an unlistable folder: the exact names
  }
  for (const n of sidecarLrcNames(name, names)) {
    const p = join(dir, n);
    try {
      const st = await stat(p);
      if (!st.isFile() || st.size > LRC_MAX_BYTES) continue;
      const found = fromText(decodeLrc(await readFile(p)), 'lrc');
      if (found?.lines) return { ...found, lrcFile: n };
    } catch {
      continue;
    }
  }
  return null;
}

/**
 * The lyrics shown for a file: the sidecar LRC's timed lines where the tags hold none timed, else the tags'; the
 * versions not shown (the tags' where the LRC is, and theirs) in `others`. Either may be null.
 */
export function chooseLyrics(tags: Lyrics | null, sidecar: Lyrics | null): Lyrics | null {
  if (sidecar && !tags?.lines) return tags ? withOthers(sidecar, [tags, ...(tags.others ?? [])]) : sidecar;
  return tags ? (sidecar ? withOthers(tags, [...(tags.others ?? []), sidecar]) : tags) : sidecar;
}
