/**
 * `studio crate …`: list, show, export, import — the Library's crates (the DJ's playlists: crates:list, library:query with
 * filter.crateId in crate order, crates:export, crates:import) on the command line, on the data folder's library
 * database.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fchmodSync, fsyncSync, lstatSync, openSync, readdirSync, readSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import stringWidth from 'string-width';
import { certainty, clockTime, crateNameKey, StudioError, toErrorData, type Crate, type ErrorCode, type LibraryTrack, type MethodInput, type MethodOutput } from '@contract';
import { DATA_FOLDER_IN_USE_EXIT } from '../data-lock';
import type { EngineHost } from '../engine-host';
import { shownPath, shownText } from './analyze-text';
import { onCtrlC } from './interrupt';

export const CRATE_USAGE = `Usage:
  studio crate list [--json]
      The crates made in the Library (the DJ's playlists): name, tracks, length.
  studio crate show NAME [--json]
      A crate's tracks in crate order: position, length, BPM (in the BPM range
      set in the app), key, "Artist - Title" and the path.
  studio crate export NAME OUT.m3u8|FOLDER/
      Write the crate as an extended M3U8 playlist (UTF-8; #EXTINF with the
      length in seconds and "Artist - Title"): tracks below OUT's folder are
      written relative to it, the others with their absolute path. Into a
      folder, it is named as the app's download is ("NAME.m3u8").
  studio crate export NAME OUT.xml|OUT.csv|OUT.json|FOLDER/ [--format F]
      The format is OUT's extension, as the app's Export names its files:
      .m3u8 or .m3u the playlist above, .xml a rekordbox XML collection (its
      tracks with tempo, key, beat grid, hot cues and loop, and the crate as
      its playlist, as Export ▾ → rekordbox XML in the app), .csv and .json
      the crate's rows as Export ▾ → CSV / JSON write them; another extension
      is refused. --format m3u8|rekordbox|csv|json names it for a folder
      ("NAME-DATE.xml" …) or a file named otherwise; it must agree with a
      known extension. A large export shows "n of m tracks" on a terminal;
      Ctrl+C stops it between tracks and writes nothing (exit 130).
  studio crate import PLAYLIST [--name NAME] [--json]
      Make a crate from a playlist another program wrote (.m3u, .m3u8, .pls,
      .xspf: Traktor, rekordbox, Serato, Mixxx, VLC, foobar2000, iTunes…),
      named after the file ("Name (2)" where a crate has that name) unless
      --name (refused where a crate has it): its tracks that are in the library,
      in the playlist's order; each entry that is not (a missing file, a file
      outside the library, a URL) is listed with its line and why.

NAME is the crate's name as shown, in any case ("été" finds "Été"). Every crate
command reads the data folder's library (STUDIO_DATA_DIR, or --data-dir DIR);
list, show and export write nothing there: while the app or studio serve uses
that folder they read a copy of the library as last saved (exit 75 only when
even that fails). import writes the library: it takes the data folder's lock,
as the app does, and exits 75 while the app or studio serve uses the folder.`;

/** the engine on the data folder; `write`: the folder's own database, locked (crate import), never a read-only copy */
type Start = (write: boolean) => Promise<EngineHost>;
const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');

class UsageError extends Error {}

const isFolder = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** the crate named `name`: the one whose crateNameKey (case aside, as the database makes names unique) is `name`'s */
export function findCrate(crates: readonly Crate[], name: string): Crate | undefined {
  const want = crateNameKey(name);
  return crates.find((c) => crateNameKey(c.name) === want);
}

/**
 * `studio crate list` as text: one line per crate, "Warm-up  12 tracks  48:02", the counts in one column as a terminal
 * draws them: names padded by their width in terminal cells (string-width: East Asian wide characters and emoji take 2,
 * combining marks 0), not by UTF-16 code units — "夜のクラブ" is 5 code units but 10 cells, "é" as e + U+0301 is 2 but 1.
 * A name holding a line break, another control character or a bidi control is JSON-quoted with it escaped (shownPath,
 * cli40: a crate imported from "evil\nname\u202Etxt.pls" broke its line and read reversed).
 */
export function formatCrates(crates: readonly Crate[]): string {
  if (!crates.length) return 'No crates yet: make one in the Library (New crate… in its sidebar), or from a playlist with studio crate import PLAYLIST.';
  // each name as every name the CLI prints (shownPath: a line break or a bidi control escaped, the name quoted)
  const names = crates.map((c) => shownPath(c.name));
  const w = Math.max(...names.map((n) => stringWidth(n)));
  return crates.map((c, i) => `${names[i]}${' '.repeat(w - stringWidth(names[i]))}  ${String(c.trackCount).padStart(5)} ${c.trackCount === 1 ? 'track ' : 'tracks'}  ${clockTime(c.durationSec)}`).join('\n');
}

/**
 * `studio crate show` as text: a header line, then per track its position, length (m:ss), BPM, key ("~" before a
 * tempo or key that changes within the track, as the library table marks it), "Artist - Title" (the file name without
 * a title) and path; a tag or path holding a control character JSON-quoted (shownPath).
 */
export function formatCrateTracks(crate: Crate, tracks: readonly LibraryTrack[]): string {
  const lines = [`${shownPath(crate.name)}: ${crate.trackCount} ${crate.trackCount === 1 ? 'track' : 'tracks'}, ${clockTime(crate.durationSec)}`];
  tracks.forEach((t, i) => {
    // "~": the tempo / key changes within the track (the whole-track estimate shown), as the library table marks it
    const bpm = t.bpm === null ? '—' : certainty(t.bpm, t.bpmConfidence) === 'sure' ? `${t.tempoSections?.length ? '~' : ''}${t.bpm.toFixed(1)}` : 'uncertain';
    const key = t.key === null ? '—' : certainty(t.key, t.keyConfidence) === 'sure' ? `${t.keySections?.length ? '~' : ''}${t.camelot ?? t.key}` : 'uncertain';
    const name = t.title ? (t.artist ? `${t.artist} - ${t.title}` : t.title) : t.fileName;
    lines.push(`${String(i + 1).padStart(4)}  ${(t.durationSec === null ? '—' : clockTime(t.durationSec)).padStart(7)}  ${bpm.padStart(9)}  ${key.padEnd(9)}  ${shownPath(name)}  ${shownPath(t.path)}`);
  });
  return lines.join('\n');
}

async function named(engine: EngineHost, name: string | undefined): Promise<Crate> {
  if (!name?.trim()) throw new UsageError('name the crate: studio crate show NAME');
  const crates = await engine.call('crates:list', {});
  const c = findCrate(crates, name);
  if (!c) throw new NotFound(`there is no crate named "${name}"${crates.length ? ` (the crates: ${crates.map((x) => `"${x.name}"`).join(', ')})` : ' (there are no crates yet)'}.`);
  return c;
}

class NotFound extends Error {}

/**
 * `studio crate import` as text: what was made and added, then each entry found by its track's path before a move or
 * rename, "line N: ENTRY — now PATH", and each entry that added nothing, "line N: ENTRY — why" (the entry JSON-quoted
 * where it holds a control character: shownPath).
 */
export function formatImport(r: MethodOutput<'crates:import'>): string {
  const dup = r.duplicates ? `; ${r.duplicates} listed again ${r.duplicates === 1 ? 'was' : 'were'} added once` : '';
  const lines = [`Made the crate "${shownText(r.crate.name)}": ${r.added} of ${r.listed} ${r.listed === 1 ? 'entry' : 'entries'} added (${clockTime(r.crate.durationSec)})${dup}.`];
  if (r.moved?.length) {
    // found by the name their file had before the library saw it moved or renamed (crate38): said, so the DJ knows
    lines.push(`Found where the library followed them (moved or renamed since the playlist was written) (${r.moved.length}):`);
    for (const m of r.moved) lines.push(`  line ${m.line}: ${shownPath(m.entry)} — now ${shownPath(m.path)}`);
  }
  if (r.missing.length) {
    lines.push(`Not added (${r.missing.length}):`);
    for (const m of r.missing) lines.push(`  line ${m.line}: ${shownPath(m.entry)} — ${shownText(m.reason)}`);
  }
  return lines.join('\n');
}

/** Every track of the crate in crate order (library:query pages of 2000). */
export async function crateTracks(engine: EngineHost, crate: Crate): Promise<LibraryTrack[]> {
  const rows: LibraryTrack[] = [];
  for (;;) {
    const page = await engine.call('library:query', { filter: { crateId: crate.id }, sort: { column: 'crate', dir: 'asc' }, offset: rows.length, limit: 2000 });
    rows.push(...page.rows);
    if (!page.rows.length || rows.length >= page.total) return rows;
  }
}

/** what `studio crate export` writes: an M3U8 playlist (crates:export), or the crate's rows as library:export writes them */
export type CrateExportFormat = 'm3u8' | 'rekordbox' | 'csv' | 'json';

/** each format's file name extensions (lower case), the first the one the app's download is named with */
const EXPORT_EXTENSIONS: Record<CrateExportFormat, readonly string[]> = { m3u8: ['.m3u8', '.m3u'], rekordbox: ['.xml'], csv: ['.csv'], json: ['.json'] };
const FORMAT_WORDS: Record<CrateExportFormat, string> = { m3u8: 'an M3U8 playlist', rekordbox: 'a rekordbox XML collection', csv: 'CSV', json: 'JSON' };

/**
 * The format `studio crate export NAME OUT [--format F]` writes: OUT's extension (case aside) as the app's Export names
 * its files — .m3u8/.m3u the playlist, .xml rekordbox XML, .csv, .json — or `format` (--format: m3u8, rekordbox, csv,
 * json, case aside). Into a folder (`intoFolder`) `format`, else m3u8. Pure.
 * @returns the format, or `refused` (the usage error's words: an unknown --format, OUT's extension naming another format
 *   than --format, an extension of none without --format — "out.txt" wrote M3U8 text under any name before crate38)
 */
export function crateExportFormat(out: string, intoFolder: boolean, format?: string): CrateExportFormat | { refused: string } {
  const formats = Object.keys(EXPORT_EXTENSIONS) as CrateExportFormat[];
  const given = format?.toLowerCase();
  if (given !== undefined && !formats.includes(given as CrateExportFormat)) return { refused: `--format ${format}: expected m3u8, rekordbox, csv or json` };
  if (intoFolder) return (given as CrateExportFormat | undefined) ?? 'm3u8';
  const ext = extname(out).toLowerCase();
  const named = formats.find((f) => EXPORT_EXTENSIONS[f].includes(ext));
  if (given !== undefined && named !== undefined && named !== given) {
    const want = given as CrateExportFormat;
    return { refused: `"${basename(out)}" is named as ${FORMAT_WORDS[named]} (${ext}) but --format ${format} writes ${FORMAT_WORDS[want]}: name the file ${EXPORT_EXTENSIONS[want][0]}, or leave --format out` };
  }
  if (given !== undefined) return given as CrateExportFormat;
  if (named) return named;
  return { refused: `"${basename(out)}": the format is chosen by the file's extension — .m3u8 or .m3u (playlist), .xml (rekordbox XML), .csv or .json (the crate's rows, as the app's Export writes them); name the file so, or give a folder, or --format m3u8|rekordbox|csv|json` };
}

/**
 * The crate's rows exported by the engine (library:export: rekordbox XML, CSV or JSON), as the app's Export ▾ runs it:
 * on a terminal its "n of m tracks" on stderr's last line (cleared after); Ctrl+C cancels it between tracks (the
 * engine's CANCELLED, "Stopped after N of M tracks: nothing was written.") and a second Ctrl+C exits 130 at once. An
 * answer that comes after a Ctrl+C (the file was made before the engine saw it) is not written either.
 * @throws StudioError CANCELLED (Ctrl+C), the engine's errors
 */
async function exportRows(engine: EngineHost, args: MethodInput<'library:export'>): Promise<MethodOutput<'library:export'>> {
  const tty = !!process.stderr.isTTY;
  const controller = new AbortController();
  const offCtrlC = onCtrlC({
    first: () => controller.abort(),
    stopping: `${tty ? '\r\x1b[K' : ''}studio: cancelling the export (Ctrl+C again to stop at once)…`,
    stopped: `${tty ? '\r\x1b[K' : ''}studio: stopped; nothing was written.`,
  });
  try {
    const res = await engine.call('library:export', args, {
      signal: controller.signal,
      onProgress: (p) => {
        if (tty && p.message && !controller.signal.aborted) process.stderr.write(`\r\x1b[KExporting: ${shownText(p.message)}`.slice(0, process.stderr.columns || 100));
      },
    });
    if (controller.signal.aborted) throw new StudioError('CANCELLED', `Cancelled once every track (${res.count.toLocaleString('en')}) was read, before the file was written: nothing was written.`);
    return res;
  } finally {
    offCtrlC();
    if (tty) process.stderr.write('\r\x1b[K');
  }
}

/** a half copy untouched this long is no export in progress (one being written changes every moment) */
const STALE_COPY_MS = 60_000;

/** how every export's copy is named, whatever its format: `.<file name>.studio-<8 hex>.tmp` */
const EXPORT_COPY = /^\..+\.studio-[0-9a-f]{8}\.tmp$/;

/**
 * How each file `studio crate export` writes begins, byte for byte (UTF-8): the M3U8 playlist (m3u8.ts toM3u8), the
 * rekordbox XML collection (rekordbox-xml.ts rekordboxXml: its declaration, then the root element), the CSV (its byte
 * order mark and first columns: service.ts csvOf, CSV_COLUMNS) and the JSON (an array of objects: service.ts jsonItem;
 * "[]" when empty). test/unit/crates.test.ts checks each writer's output against these.
 */
export const EXPORT_HEADS: readonly Buffer[] = ['#EXTM3U', '<?xml version="1.0" encoding="UTF-8"?>\n<DJ_PLAYLISTS ', '\ufeffpath,fileName,status,', '[\n {\n  "', '[]'].map((h) => Buffer.from(h, 'utf8'));
const HEAD_BYTES = Math.max(...EXPORT_HEADS.map((h) => h.length));

/**
 * Whether `path` is provably an export's copy that its export left (killed part way: a crash, a full disk, the machine
 * off): named as only writePlaylist names one, a regular file, unchanged for STALE_COPY_MS (an export writes its
 * content at once: one in progress changes now), and begun as a file the export writes (EXPORT_HEADS: a playlist, a
 * rekordbox XML collection, a CSV or JSON export — or only part of that head, or empty: killed before or during its
 * first write). Anything else — a user's file, whatever its name — is not. Never throws.
 */
export function isStaleExportCopy(path: string): boolean {
  if (!EXPORT_COPY.test(basename(path))) return false;
  try {
    const st = lstatSync(path);
    if (!st.isFile() || Date.now() - st.mtimeMs <= STALE_COPY_MS) return false;
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(HEAD_BYTES);
      const n = readSync(fd, head, 0, HEAD_BYTES, 0);
      // the whole head, or the whole file where it is shorter than the head (cut in its first bytes)
      return n === 0 || EXPORT_HEADS.some((h) => (n >= h.length ? head.subarray(0, h.length).equals(h) : n === st.size && head.subarray(0, n).equals(h.subarray(0, n))));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * Write `content` (UTF-8) to `file` so that no kill, power cut or full disk leaves half a playlist where the user's
 * was: into a hidden copy beside it (`.<name>.studio-<8 hex>.tmp`), flushed to disk, then renamed over `file` and its
 * folder flushed. An existing file keeps its permissions; a symlink keeps pointing at the file it names, which is
 * what is replaced. Copies that an earlier export into this folder left when it was killed (isStaleExportCopy: of any
 * name, unchanged for a minute, begun as an export's file of any format) are removed first; the copy of a write that
 * fails is removed.
 * @throws the file system's errors (open: ENOENT for a missing folder, EACCES; write: ENOSPC, EFBIG, EDQUOT)
 */
export function writePlaylist(file: string, content: string): void {
  let target = file;
  let mode: number | undefined;
  try {
    if (lstatSync(file).isSymbolicLink()) target = realpathSync(file);
    mode = statSync(target).mode & 0o7777;
  } catch {
    // not there yet (or a dangling link: written where it is, as before)
  }
  const dir = dirname(target);
  const prefix = `.${basename(target)}.studio-`;
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // the folder itself: the open below names the problem
  }
  for (const name of names) {
    if (!isStaleExportCopy(join(dir, name))) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // best effort: a copy that stays harms nothing
    }
  }
  const tmp = join(dir, `${prefix}${randomBytes(4).toString('hex')}.tmp`);
  // an error names the playlist (its folder missing or not writable, the disk full): the copy is ours, not the user's
  const named = (e: unknown) => Object.assign(e as NodeJS.ErrnoException, { path: file });
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', mode ?? 0o666);
  } catch (e) {
    throw named(e);
  }
  let renamed = false;
  try {
    try {
      const bytes = Buffer.from(content, 'utf8');
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      if (mode !== undefined && (fstatSync(fd).mode & 0o7777) !== mode) fchmodSync(fd, mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
    renamed = true;
    syncFolder(dir);
  } catch (e) {
    throw named(e);
  } finally {
    if (!renamed) {
      try {
        unlinkSync(tmp);
      } catch {
        // gone already
      }
    }
  }
}

/** fsync a folder so a rename in it is on disk (not possible on Windows: skipped there). */
function syncFolder(dir: string): void {
  if (process.platform === 'win32') return;
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // a file system that cannot: the rename stands
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Run `studio crate <sub> …`; resolves with the exit code: 0, 1 (an unknown crate, an engine error: `studio: <message>`
 * — for import a playlist that is not there or not a playlist, a crate name taken), 2 (the command line is wrong), 75
 * (the data folder is in use: for import always while it is, for the others when its database could not be copied). With --json an
 * error is also `{"error": {"code", "message"}}` on stdout (BAD_ARGS, NOT_FOUND, or the engine's code).
 */
export async function crateCommand(argv: string[], start: Start): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help' || rest.includes('--help') || rest.includes('-h')) {
    out(CRATE_USAGE);
    return 0;
  }
  let engine: EngineHost | undefined;
  try {
    if (sub !== 'list' && sub !== 'show' && sub !== 'export' && sub !== 'import') throw new UsageError(`unknown crate command "${sub}"`);
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, name: { type: 'string' }, format: { type: 'string' } } });
    if (values.name !== undefined && sub !== 'import') throw new UsageError('--name is for crate import');
    if (values.format !== undefined && sub !== 'export') throw new UsageError('--format is for crate export');
    if (sub === 'import') {
      if (positionals.length !== 1) throw new UsageError('crate import takes one playlist file: studio crate import PLAYLIST [--name NAME]');
      if (values.name !== undefined && !values.name.trim()) throw new UsageError('--name is empty: name the crate');
      const path = resolve(positionals[0]);
      engine = await start(true);
      const res = await engine.call('crates:import', { path, ...(values.name !== undefined ? { name: values.name } : {}) });
      out(values.json ? JSON.stringify(res) : formatImport(res));
      return 0;
    }
    const want = sub === 'list' ? 0 : sub === 'show' ? 1 : 2;
    if (positionals.length !== want) {
      throw new UsageError(sub === 'list' ? 'crate list takes no names' : sub === 'show' ? 'crate show takes one crate name: studio crate show NAME' : 'crate export takes a crate name and the playlist file (or a folder to write NAME.m3u8 into): studio crate export NAME OUT.m3u8|OUT.xml|OUT.csv|OUT.json|FOLDER/');
    }
    if (sub === 'export' && values.json) throw new UsageError('crate export writes a playlist file; --json is for list and show');
    if (sub === 'list' || sub === 'show') {
      engine = await start(false);
      if (sub === 'list') {
        const crates = await engine.call('crates:list', {});
        out(values.json ? JSON.stringify(crates) : formatCrates(crates));
        return 0;
      }
      const crate = await named(engine, positionals[0]);
      const tracks = await crateTracks(engine, crate);
      out(values.json ? JSON.stringify({ crate, tracks }) : formatCrateTracks(crate, tracks));
      return 0;
    }
    // OUT may be a folder, as cp and curl -O take one (an existing one, or any path ending in a slash): the playlist is
    // written into it under the name the app's download gets (crates:export fileName, '<crate>.m3u8' made safe)
    const target = resolve(positionals[1]);
    const intoFolder = /[\\/]$/.test(positionals[1]) || isFolder(target);
    // the format by OUT's extension (crate38: out.csv got M3U8 text), or --format where it agrees with it
    const format = crateExportFormat(positionals[1], intoFolder, values.format);
    if (typeof format !== 'string') throw new UsageError(format.refused);
    engine = await start(false);
    const crate = await named(engine, positionals[0]);
    const res = format === 'm3u8'
      ? await engine.call('crates:export', { crateId: crate.id, playlistDir: intoFolder ? target : dirname(target) })
      : await exportRows(engine, { format, filter: { crateId: crate.id }, sort: { column: 'crate', dir: 'asc' } });
    const file = intoFolder ? join(target, res.fileName) : target;
    writePlaylist(file, res.content);
    err(`Wrote ${res.count} ${res.count === 1 ? 'track' : 'tracks'} of "${shownText(crate.name)}" to ${shownPath(file)}`);
    return 0;
  } catch (e) {
    // with --json (list, show, import) the error is one JSON object on stdout too, as probe and ask give it — a script reading
    // `crate show NAME --json` got nothing on stdout for an unknown crate or a data folder without a library (tester27)
    const dashdash = rest.indexOf('--');
    const json = (dashdash < 0 ? rest : rest.slice(0, dashdash)).includes('--json');
    const fail = (code: ErrorCode, message: string) => {
      if (json) out(JSON.stringify({ error: { code, message } }));
    };
    if (e instanceof UsageError || (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      const message = `${e.message}${e.message.endsWith('.') ? '' : '.'}`;
      fail('BAD_ARGS', message);
      err(`studio: ${shownText(message)}\n\n${CRATE_USAGE}`);
      return 2;
    }
    if (e instanceof NotFound) {
      fail('NOT_FOUND', e.message);
      err(`studio: ${shownText(e.message)}`);
      return 1;
    }
    const d = toErrorData(e);
    const io = e as NodeJS.ErrnoException;
    const why = (c?: string) => (c === 'ENOENT' ? 'its folder does not exist' : c === 'EACCES' || c === 'EPERM' ? 'permission denied' : c === 'ENOSPC' || c === 'EDQUOT' ? 'the disk is full' : c === 'EFBIG' ? 'the file is too large for its file system' : c === 'EROFS' ? 'its file system is read-only' : d.message);
    // (a write cut short leaves the playlist that was there as it was: writePlaylist)
    const message = io.syscall && io.path ? `cannot write the playlist "${io.path}": ${why(io.code)}${io.syscall === 'open' ? '' : '; a playlist already there is left as it was'}.` : d.message;
    fail(d.code, message);
    // an engine's message quotes the names it is about (a playlist, a crate): printed by the CLI's one rule
    err(`studio: ${shownText(message)}`);
    return d.code === 'DATA_FOLDER_IN_USE' ? DATA_FOLDER_IN_USE_EXIT : d.code === 'CANCELLED' ? 130 : 1;
  } finally {
    await engine?.stop();
  }
}
