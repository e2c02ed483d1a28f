/**
 * `studio analyze set.m3u8`: a user's playlist named on the command line stands for the files it lists (the engine
 * refuses a playlist as media, demuxer.ts playlistError; the CLI reads one named .m3u/.m3u8 with the library's one M3U reader,
 * library/m3u8.ts readM3u, and hands the scan the listed files). Apart from studio.ts so unit tests can import it.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import type { ErrorCode } from '@contract';
import { naturalPathKey } from '../engine/db/natural-key';
import { isInside } from '../engine/fs/paths';
import { readM3u } from '../engine/library/m3u8';

/** A listed entry that is not analysed: its path (or URL as written), what is wrong, the code `--json` prints. */
export interface ListProblem {
  path: string;
  message: string;
  code: ErrorCode;
}

/** What expandPlaylists made of the command line's paths. */
export interface Expanded {
  /** the paths to scan: those given, each playlist replaced by the files it lists that exist (each path once) */
  paths: string[];
  /** listed entries that are missing or not files on this machine, and playlists that list nothing */
  problems: ListProblem[];
  /** the playlists read: the file, how many entries it lists, how many of those are missing or unusable */
  playlists: { path: string; listed: number; notFound: number }[];
  /**
   * The order to report in (reportOrder): one block per playlist read, its usable entries in the playlist's order, in
   * the order the playlists stand on the command line; and one block (`listed: false`) for all paths given directly,
   * at the place of the first of them, reported in path order as they always were.
   */
  blocks: { listed: boolean; paths: string[] }[];
}

/**
 * Whether `path` is a playlist for `studio analyze` to read: a regular file named .m3u or .m3u8 (any case). By name
 * only: a list of files under a media name ("song.mp3" holding #EXTM3U) stays the engine's refusal (demuxer.ts
 * fileListKind, NOT_MEDIA), so no file disguised as a track makes the command read others.
 */
export function isPlaylistFile(path: string): boolean {
  try {
    return /^\.m3u8?$/i.test(extname(path)) && statSync(path).isFile();
  } catch {
    return false; // missing or unreadable: the scan says so for the path itself
  }
}

/**
 * The command line's paths with every playlist (isPlaylistFile) replaced by the files it lists (readM3u: relative to
 * the playlist's folder, file: URLs, #EXTINF skipped). A listed file that does not exist is a problem (NOT_FOUND,
 * naming the playlist and its line), so is a URL (NOT_MEDIA) and a playlist that lists no file; the caller reports
 * them as failures (exit 1). An HLS playlist (stream segments, RFC 8216 #EXT-X- tags) is kept as given: the engine
 * refuses it as it refuses any list of files. A path listed twice (or also given) is scanned once.
 * @param paths absolute paths as given on the command line
 */
export function expandPlaylists(paths: readonly string[]): Expanded {
  const out = new Set<string>();
  const problems: ListProblem[] = [];
  const playlists: Expanded['playlists'] = [];
  const blocks: Expanded['blocks'] = [];
  let direct: string[] | null = null;
  const given = (p: string) => {
    out.add(p);
    if (!direct) blocks.push({ listed: false, paths: (direct = []) });
    direct.push(p);
  };
  for (const p of paths) {
    if (!isPlaylistFile(p)) {
      given(p);
      continue;
    }
    let read;
    try {
      read = readM3u(readFileSync(p), dirname(p));
    } catch {
      given(p); // unreadable after all: the scan names why
      continue;
    }
    if (read.hls) {
      given(p);
      continue;
    }
    const block: string[] = [];
    blocks.push({ listed: true, paths: block });
    const name = basename(p);
    const bad: (ListProblem & { line: number })[] = [];
    for (const u of read.unusable) {
      bad.push({ line: u.line, path: u.text, message: `listed in "${name}" (line ${u.line}) but it is ${u.why}: not analysed.`, code: 'NOT_MEDIA' });
    }
    const there = (p: string) => {
      try {
        statSync(p);
        return true;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR';
      }
    };
    for (const e of read.entries) {
      // an entry written on Windows ("Sets\\a.mp3": m3u8.ts PlaylistLocation.also) is the same path with "/" here where
      // the name as written (a backslash is a plain character in a Linux file name) is not there — as crates:import reads it
      const found = there(e.path) ? e.path : e.also && there(e.also) ? e.also : null;
      if (found) {
        out.add(found);
        block.push(found);
      } else bad.push({ line: e.line, path: e.path, message: `listed in "${name}" (line ${e.line}) but not found: moved, renamed or deleted since the playlist was made? Fix the playlist's line or put the file back.`, code: 'NOT_FOUND' });
    }
    bad.sort((a, b) => a.line - b.line);
    problems.push(...bad.map(({ path, message, code }) => ({ path, message, code })));
    const notFound = bad.length;
    const listed = read.entries.length + read.unusable.length;
    if (listed === 0) problems.push({ path: p, message: `"${name}" is a playlist that lists no files: nothing to analyse.`, code: 'NOT_MEDIA' });
    playlists.push({ path: p, listed, notFound });
  }
  return { paths: [...out], problems, playlists, blocks };
}

/**
 * The scanned tracks in the order to report them: a playlist's tracks in the playlist's order (a DJ's set is an
 * order), the playlists in command-line order; the files and folders given directly together in `rows`' order (path
 * order) at the place of the first of them. A track listed twice, or listed and also given, is reported once, at its
 * first place (it was analysed once). Rows under no block keep their relative order, last.
 * @param rows the scan's rows for the given paths, in path order (library:query sort path asc)
 * @param expanded what expandPlaylists returned for the same command line
 * @returns the same rows, reordered
 */
export function reportOrder<T extends { path: string }>(rows: readonly T[], expanded: Pick<Expanded, 'blocks'>): T[] {
  const keyed = rows.map((row, i) => {
    let key: [number, number, number] = [expanded.blocks.length, 0, i];
    for (let b = 0; b < expanded.blocks.length && key[0] === expanded.blocks.length; b++) {
      const block = expanded.blocks[b];
      if (!block.listed) {
        if (block.paths.some((a) => isInside(row.path, a))) key = [b, 0, i];
        continue;
      }
      // a listed folder stands for the tracks under it, in path order at its entry's place
      const at = block.paths.findIndex((a) => isInside(row.path, a));
      if (at >= 0) key = [b, at, i];
    }
    return { row, key };
  });
  keyed.sort((x, y) => x.key[0] - y.key[0] || x.key[1] - y.key[1] || x.key[2] - y.key[2]);
  return keyed.map((k) => k.row);
}

/**
 * `rows` (in the library's path order: library:query sort path asc, natural-key.ts naturalPathKey) with `others`
 * (the scan's problems that name a path: a symlink loop skipped, a folder that cannot be read) each put at its
 * path's place, so `studio analyze --json` prints one folder's lines in path order (a loop's line came first, before
 * files that sort earlier). A row and another of the same path: the row first. Pure; `others` need not be sorted.
 * @returns a new array of both, for reportOrder
 */
export function mergeInPathOrder<A extends { path: string }, B extends { path: string }>(rows: readonly A[], others: readonly B[]): Array<A | B> {
  const key = (p: string) => naturalPathKey(p) ?? '';
  const rest = others.map((o, i) => ({ o, i, k: key(o.path) })).sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : x.i - y.i));
  const out: Array<A | B> = [];
  let j = 0;
  for (const row of rows) {
    const k = key(row.path);
    while (j < rest.length && rest[j].k < k) out.push(rest[j++].o);
    out.push(row);
  }
  for (; j < rest.length; j++) out.push(rest[j].o);
  return out;
}
