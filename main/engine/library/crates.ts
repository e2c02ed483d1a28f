/**
 * Crates, the DJ's playlists, behind the `crates:*` methods: named lists of library tracks in the DJ's order, kept in
 * the library database (migration 12, db/crates.ts). A track is in a crate by its id, so a moved file (the watcher's
 * move, a folder absorbed by its parent: the row keeps its id) keeps its crates; a track that leaves the library leaves
 * them. The table shows a crate through library:query's `filter.crateId` (sort `crate`: its order); export is an
 * extended M3U8 playlist (m3u8.ts).
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute } from 'node:path';
import sanitizeFilename from 'sanitize-filename';
import { CrateName, StudioError, withoutBidiControls, type Crate, type ImportMissing, type ImportMoved, type MethodOutput } from '@contract';
import { writeTx, type Db } from '../db';
import { innermost } from '../fs/paths';
import { CratesRepo, type CrateRow } from '../db/crates';
import { movedFromList } from '../db/tracks';
import { LibraryFoldersRepo } from '../db/library-folders';
import { newLibId } from './store';
import { toM3u8, type M3uListed } from './m3u8';
import { readPlaylist } from './playlists';

/** the largest playlist file read (bytes): 16 MiB, some 100,000 entries of long paths */
const MAX_PLAYLIST_BYTES = 16 * 1024 * 1024;
/** where a dropped playlist's relative entries are resolved (none is looked up: RELATIVE_DROPPED) */
const DROPPED_DIR = '/';
const RELATIVE_DROPPED =
  "a path relative to the playlist's folder, which a web page is not told for a dropped file: choose the playlist with Import playlist… instead";

export class CrateService {
  readonly repo: CratesRepo;

  /** `changed`: called after every change of a crate or its tracks (the engine's library:changed event) */
  constructor(
    private readonly db: Db,
    private readonly changed: () => void = () => undefined,
  ) {
    this.repo = new CratesRepo(db);
  }

  /**
   * Every crate by name. `under` (here and below: web mode's roots, fs/roots.ts Roots.prefixes): a crate's count and
   * length are those of its tracks stored below these prefixes, and the tracks a call names count only when they are
   * (others are left as they are, as unknown ids are), so a browser learns of and touches no track outside the roots.
   */
  list(under?: string[]): Crate[] {
    return this.repo.all(under).map(toCrate);
  }

  /** @throws StudioError NOT_FOUND for an unknown crate */
  crate(crateId: string, under?: string[]): Crate {
    const row = this.repo.byId(crateId, under);
    if (!row) throw new StudioError('NOT_FOUND', 'That crate does not exist (unknown id): it may have been deleted.');
    return toCrate(row);
  }

  /** The crate named `name` (case aside: contract crateNameKey), or undefined. */
  byName(name: string): Crate | undefined {
    const id = this.repo.idByName(name.trim());
    return id ? this.crate(id) : undefined;
  }

  /** `name` already trimmed and checked (contract CrateName). @throws StudioError BAD_ARGS when a crate has that name */
  create(name: string): Crate {
    this.unique(name);
    const id = newLibId();
    writeTx(this.db, () => this.named(name, undefined, () => this.repo.insert(id, name, Date.now())));
    this.changed();
    return this.crate(id);
  }

  /** @throws StudioError NOT_FOUND (unknown crate), BAD_ARGS (another crate has that name) */
  rename(crateId: string, name: string, under?: string[]): Crate {
    this.crate(crateId);
    this.unique(name, crateId);
    writeTx(this.db, () => this.named(name, crateId, () => this.repo.rename(crateId, name)));
    this.changed();
    return this.crate(crateId, under);
  }

  /**
   * Delete the crate (its tracks stay in the library, their files untouched). With `under` (web mode) a crate that also
   * holds tracks outside the roots (put in by the desktop app) is not deleted: that would touch them.
   * @throws StudioError NOT_FOUND, FORBIDDEN (tracks outside `under`)
   */
  delete(crateId: string, under?: string[]): null {
    this.crate(crateId);
    if (under) {
      const all = this.repo.order(crateId);
      if (this.repo.visible(all, under).length < all.length) {
        throw new StudioError('FORBIDDEN', "This crate also holds tracks outside web mode's allowed folders (put in from the desktop app): delete it there, or take out the tracks shown here.");
      }
    }
    writeTx(this.db, () => this.repo.delete(crateId));
    this.changed();
    return null;
  }

  /** Append library tracks to the crate's end; one already in it keeps its place. @throws StudioError NOT_FOUND (crate) */
  add(crateId: string, trackIds: string[], under?: string[]): MethodOutput<'crates:add-tracks'> {
    this.crate(crateId);
    const ids = under ? this.repo.visible(trackIds, under) : trackIds;
    const added = writeTx(this.db, () => this.repo.add(crateId, ids, Date.now()));
    if (added) this.changed();
    return { added, crate: this.crate(crateId, under) };
  }

  /** Take tracks out of the crate (never out of the library). @throws StudioError NOT_FOUND (crate) */
  remove(crateId: string, trackIds: string[], under?: string[]): MethodOutput<'crates:remove-tracks'> {
    this.crate(crateId);
    const ids = under ? this.repo.visible(trackIds, under) : trackIds;
    const removed = writeTx(this.db, () => this.repo.remove(crateId, ids));
    if (removed) this.changed();
    return { removed, crate: this.crate(crateId, under) };
  }

  /**
   * Move `trackIds` (those in the crate, keeping their crate order among themselves) in front of `beforeId`, or to the
   * end (null, or a `beforeId` that is itself moved or not in the crate). Returns the new order (with `under`: of the
   * tracks below it; the others keep their places relative to each other).
   * @throws StudioError NOT_FOUND (crate)
   */
  move(crateId: string, trackIds: string[], beforeId: string | null, under?: string[]): MethodOutput<'crates:move-tracks'> {
    this.crate(crateId);
    const moved = under ? this.repo.visible(trackIds, under) : trackIds;
    const before = beforeId !== null && under && !this.repo.visible([beforeId], under).length ? null : beforeId;
    const order = writeTx(this.db, () => {
      const now = this.repo.order(crateId);
      const next = reorder(now, moved, before);
      this.repo.setOrder(crateId, next);
      return next;
    });
    this.changed();
    return { order: under ? this.repo.visible(order, under) : order };
  }

  /**
   * The crate as an extended M3U8 playlist (m3u8.ts toM3u8), in crate order; `playlistDir`: tracks below that folder
   * are written relative to it. `under` (web mode's roots, fs/roots.ts Roots.prefixes): only tracks stored below one
   * of these prefixes are listed. @throws StudioError NOT_FOUND (crate)
   */
  export(crateId: string, playlistDir?: string, under?: string[]): MethodOutput<'crates:export'> {
    const crate = this.crate(crateId, under);
    const rows = this.repo.entries(crateId).filter((r) => !under || under.some((u) => r.path.startsWith(u)));
    const content = toM3u8(rows.map((r) => ({ path: r.path, durationSec: r.duration_sec, artist: r.artist, title: r.title })), playlistDir);
    return { fileName: playlistFileName(crate.name), mime: 'audio/x-mpegurl', content, count: rows.length };
  }

  /**
   * A new crate from a playlist file another program wrote (library/playlists.ts: M3U/M3U8, PLS, XSPF), its entries
   * matched to library tracks (PathIndex: the stored path, an alias, the real path with symlinks resolved, then the
   * same path in Unicode NFC — a name macOS decomposed matches the track stored composed, and the reverse; case is
   * the file system's: where it ignores case realpath finds the file, on Linux a path differing in case is another
   * file, and the reason names the library's track that differs only in case; where no file is at the entry's path,
   * a path a track's file had before the library saw it moved or renamed, lib_moved_from: listed in `moved` with its
   * path now), in the playlist's order, a track listed again added once (`duplicates`). Every entry that adds nothing is in `missing`, with its line and why: a URL, a
   * Windows path read on another system, no such file, a file not in the library, outside web mode's roots.
   * `source`: the playlist's path, or (dropped on a web page) its file name and bytes — then an entry relative to its
   * folder, which is not known, is listed as missing, saying so.
   * `name`: the crate's (contract CrateName; refused where a crate has it); without it the playlist's file name without
   * its extension, or the first free "Name (2)", "Name (3)", … where a crate has that.
   * `under`, `allows` (web mode): only library tracks stored below `under` are added, and an entry whose real path
   * `allows` refuses is not looked at (reported outside the allowed folders, whether or not it exists).
   * @throws StudioError NOT_FOUND (no such playlist), IS_DIRECTORY, UNREADABLE, BAD_ARGS (a crate has the name given;
   *   not a playlist: binary, empty, an HLS stream's segments, malformed XSPF; a file name that makes no crate name)
   */
  async importPlaylist(source: { path: string } | { fileName: string; bytes: Buffer }, name?: string, under?: string[], allows?: (path: string) => Promise<boolean>): Promise<MethodOutput<'crates:import'>> {
    const dropped = 'bytes' in source;
    const file = dropped ? basename(source.fileName) : source.path;
    const bytes = dropped ? checkPlaylistBytes(source.bytes, file) : await readPlaylistFile(file);
    const fromFile = name === undefined;
    const wanted = name ?? defaultCrateName(file);
    // a name given is refused where a crate has it; the playlist's own name takes the first free "Name (2)", "Name (3)"…
    // (importing Friday.m3u8 again, or beside a crate of that name, made nothing: crateimport34). Checked again when
    // the crate is made, below: the entries are looked up meanwhile, and another call may have taken the name
    if (!fromFile) this.unique(wanted);
    // dropped on a web page: no folder is known, so the relative entries resolve under one no file lies in
    const dir = dropped ? DROPPED_DIR : dirname(file);
    const read = readPlaylist(bytes, basename(file), dir);
    if (read.hls) throw new StudioError('BAD_ARGS', `"${basename(file)}" is an HTTP Live Streaming playlist (stream segments), not a list of tracks.`);
    const listed = read.entries.length + read.unusable.length;
    if (!listed) throw new StudioError('BAD_ARGS', `"${basename(file)}" lists no tracks: an empty playlist, or not a playlist (M3U, M3U8, PLS or XSPF).`);
    const index = new PathIndex(this.repo.libraryPaths());
    const ids: string[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    const missing: ImportMissing[] = read.unusable.map((u) => ({ entry: u.text, line: u.line, reason: u.why }));
    const moved: ImportMoved[] = [];
    for (const e of read.entries) {
      const relative = dropped && !e.windows && !isAbsolute(e.text) && !/^file:/i.test(e.text);
      const m = relative ? { reason: RELATIVE_DROPPED } : await this.matchEntry(e, index, under, allows);
      if (typeof m !== 'string' && 'reason' in m) {
        missing.push({ entry: e.text, line: e.line, reason: m.reason });
        continue;
      }
      const id = typeof m === 'string' ? m : m.id;
      if (typeof m !== 'string') moved.push({ entry: e.text, line: e.line, path: m.movedTo });
      if (seen.has(id)) duplicates++;
      else {
        ids.push(id);
        seen.add(id);
      }
    }
    const id = newLibId();
    const now = Date.now();
    writeTx(this.db, () => {
      const crateName = fromFile ? this.freeName(wanted) : (this.unique(wanted), wanted);
      this.named(crateName, undefined, () => this.repo.insert(id, crateName, now));
      if (ids.length) this.repo.add(id, ids, now);
      // immediate: no other connection takes the name between the check above and the insert
    }, true);
    this.changed();
    missing.sort((a, b) => a.line - b.line);
    return { crate: this.crate(id, under), format: read.format, listed, added: ids.length, duplicates, missing, ...(moved.length ? { moved } : {}) };
  }

  /**
   * the library track an entry names (its id; `movedTo`: found by the path its file had before the library saw it moved
   * or renamed, with the path it has now), or why none
   */
  private async matchEntry(e: M3uListed, index: PathIndex, under?: string[], allows?: (path: string) => Promise<boolean>): Promise<string | { id: string; movedTo: string } | { reason: string }> {
    if (e.windows) return { reason: 'a Windows path (a drive letter or a network share): it names no file on this computer' };
    let outside = false;
    let there: string | null = null;
    for (const p of e.also ? [e.path, e.also] : [e.path]) {
      if (allows && !(await allows(p))) {
        outside = true;
        continue;
      }
      // the stored path as written needs no realpath: 10,000 entries of a seeded library took 0.58–0.97 s with one per
      // entry, 0.13–0.15 s without (crateimport34, the shared 2-core box)
      const exact = index.find(p);
      const real = exact === undefined ? await realpath(p).catch(() => null) : p;
      const id = exact ?? (real !== null ? index.find(real) : undefined) ?? index.findNfc(p) ?? (real !== null ? index.findNfc(real) : undefined);
      if (id !== undefined) {
        if (under && !this.repo.visible([id], under).length) {
          outside = true;
          continue;
        }
        return id;
      }
      there ??= real;
    }
    // no file there now, but a library track's file was, before the scan or the watcher saw it moved or renamed (crate38:
    // "no such file" of a track the library had followed to its new name): that track, said with where it is now
    if (there === null) {
      for (const p of e.also ? [e.path, e.also] : [e.path]) {
        const m = index.findMoved(p);
        if (!m || (allows && !(await allows(p)))) continue;
        if (under && !this.repo.visible([m.id], under).length) {
          outside = true;
          continue;
        }
        return { id: m.id, movedTo: m.path };
      }
    }
    if (there !== null) {
      // in a library folder already: the scan skipped it (not audio or video to it) or has not reached it yet (dj36: "add
      // its folder" of a folder the library has)
      const folder = innermost(there, new LibraryFoldersRepo(this.db).paths());
      if (folder) return { reason: `not in the library, though the file is there (${there}) in its folder "${folder.path}": the scan does not list it (not an audio or video file it reads), or it came after the last scan — Rescan that folder, then import the playlist again` };
      return { reason: `not in the library (the file is there: ${there}); add its folder to the library, then import the playlist again` };
    }
    if (outside) return { reason: "outside web mode's allowed folders" };
    const twin = index.findCase(e.path) ?? (e.also ? index.findCase(e.also) : undefined);
    if (twin) return { reason: `no such file; the library has "${twin}", which differs from it only in case (this file system tells case apart)` };
    return { reason: 'no such file: it may have been moved, renamed or deleted' };
  }

  /** `name` where no crate has it, else the first of "name (2)", "name (3)", … that none has (the case folded, as unique) */
  private freeName(name: string): string {
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? '' : ` (${n})`;
      const candidate = n === 1 ? name : `${Array.from(name).slice(0, 100 - suffix.length).join('').trimEnd()}${suffix}`;
      if (!this.repo.idByName(candidate)) return candidate;
    }
  }

  /**
   * Write `name` (fn: the insert or rename) where another writer may have taken it since unique() looked (another
   * process on the database, between the check and the write): the unique index's refusal is said as unique() says a
   * taken name — BAD_ARGS naming the crate that has it — not as a database that cannot be written (DB_WRITE_FAILED).
   */
  private named<T>(name: string, except: string | undefined, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if ((err as { code?: string })?.code === 'SQLITE_CONSTRAINT_UNIQUE') this.unique(name, except);
      throw err;
    }
  }

  private unique(name: string, except?: string): void {
    const other = this.repo.idByName(name);
    if (!other || other === except) return;
    // named as the sidebar shows it: the name typed may differ in case only ("warm-UP" for "Warm-up")
    const held = this.repo.byId(other)?.name ?? name;
    throw new StudioError('BAD_ARGS', `There is a crate named "${held}" already (names are the same whatever their case): choose another name.`);
  }
}

/**
 * The library's tracks by path, for matching a playlist's entries: exact stored paths, aliases (lib_aliases) and real
 * paths; then each in Unicode NFC (a name stored or written decomposed, NFD, as macOS writes names); and, to name a
 * near miss only, NFC and lower case.
 */
class PathIndex {
  private readonly exact = new Map<string, string>();
  private readonly nfc = new Map<string, string>();
  private readonly folded = new Map<string, string>();
  /** a path a track's file had before it moved or was renamed (lib_moved_from) → [its id, its path now]; NFC keys */
  private readonly moved = new Map<string, [string, string]>();

  constructor(rows: readonly { id: string; path: string; real_path: string; lib_aliases: string | null; lib_moved_from?: string | null }[]) {
    // stored paths first: a path that is one row's and another's real path (a link) is the row's own
    for (const r of rows) this.put(r.path, r.id, r.path);
    for (const r of rows) {
      this.put(r.real_path, r.id, r.path);
      let aliases: unknown = [];
      try {
        aliases = JSON.parse(r.lib_aliases ?? '[]');
      } catch {
        aliases = [];
      }
      if (Array.isArray(aliases)) for (const a of aliases) if (typeof a === 'string') this.put(a, r.id, r.path);
    }
    // the latest moves first: a path two tracks' files once had names the one that left it last
    for (let k = 0; ; k++) {
      let any = false;
      for (const r of rows) {
        const p = movedFromList(r.lib_moved_from ?? null)[k];
        if (p === undefined) continue;
        any = true;
        const n = p.normalize('NFC');
        if (!this.moved.has(n)) this.moved.set(n, [r.id, r.path]);
      }
      if (!any) break;
    }
  }

  private put(p: string, id: string, shown: string): void {
    if (!this.exact.has(p)) this.exact.set(p, id);
    const n = p.normalize('NFC');
    if (!this.nfc.has(n)) this.nfc.set(n, id);
    const f = n.toLowerCase();
    if (!this.folded.has(f)) this.folded.set(f, shown);
  }

  find(p: string): string | undefined {
    return this.exact.get(p);
  }

  findNfc(p: string): string | undefined {
    return this.nfc.get(p.normalize('NFC'));
  }

  /** the track whose file was at `p` (NFC aside) before it moved or was renamed, and where it is now, if any */
  findMoved(p: string): { id: string; path: string } | undefined {
    const m = this.moved.get(p.normalize('NFC'));
    return m && { id: m[0], path: m[1] };
  }

  /** the stored path of a track whose path differs from `p` only in case (NFC aside), if any */
  findCase(p: string): string | undefined {
    return this.folded.get(p.normalize('NFC').toLowerCase());
  }
}

/** A playlist's bytes; NOT_FOUND, IS_DIRECTORY, UNREADABLE, BAD_ARGS (too big, binary) said with its name. */
async function readPlaylistFile(file: string): Promise<Buffer> {
  const name = basename(file);
  let bytes: Buffer;
  try {
    const st = await stat(file);
    if (st.isDirectory()) throw new StudioError('IS_DIRECTORY', `"${name}" is a folder, not a playlist: choose an .m3u, .m3u8, .pls or .xspf file.`);
    if (st.size > MAX_PLAYLIST_BYTES) throw new StudioError('BAD_ARGS', `"${name}" is ${(st.size / 1e6).toFixed(0)} MB: too big for a playlist (at most 16 MiB are read).`);
    bytes = await readFile(file);
  } catch (err) {
    if (err instanceof StudioError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new StudioError('NOT_FOUND', `The playlist "${name}" does not exist (${file}).`);
    if (code === 'EACCES' || code === 'EPERM') throw new StudioError('UNREADABLE', `The playlist "${name}" cannot be read: permission denied.`);
    throw new StudioError('UNREADABLE', `The playlist "${name}" cannot be read: ${(err as Error).message}`);
  }
  return checkPlaylistBytes(bytes, name);
}

/** `bytes` if they may be a playlist; BAD_ARGS (too big, binary) said with the file's `name` */
function checkPlaylistBytes(bytes: Buffer, name: string): Buffer {
  if (bytes.length > MAX_PLAYLIST_BYTES) throw new StudioError('BAD_ARGS', `"${name}" is ${(bytes.length / 1e6).toFixed(0)} MB: too big for a playlist (at most 16 MiB are read).`);
  // a NUL byte: an audio file, an archive, UTF-16 text — nothing the playlist readers read
  if (bytes.subarray(0, 4096).includes(0)) throw new StudioError('BAD_ARGS', `"${name}" is not a playlist (M3U, M3U8, PLS or XSPF text): it holds binary data.`);
  return bytes;
}

/**
 * The crate name a playlist file gives: its file name without the extension ("Friday set.m3u8" → "Friday set"), control
 * characters as spaces, cut to 100 characters (contract CrateName), "Imported playlist" when nothing is left.
 * @throws StudioError BAD_ARGS where even that is no crate name
 */
export function defaultCrateName(file: string): string {
  const base = basename(file);
  const stem = extname(base) ? base.slice(0, -extname(base).length) : base;
  const clean = Array.from(stem.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim()).slice(0, 100).join('').trim();
  const parsed = CrateName.safeParse(clean || 'Imported playlist');
  if (!parsed.success) throw new StudioError('BAD_ARGS', `"${base}" makes no crate name: name the crate.`);
  return parsed.data;
}

const toCrate = (r: CrateRow): Crate => ({ id: r.id, name: r.name, trackCount: r.n, durationSec: r.duration_sec, createdAt: r.created_at });

/**
 * `order` with `moved` (those of them in it, in their order in `order`) taken out and put in front of `beforeId`, or at
 * the end when `beforeId` is null, moved itself or not in `order`. Pure.
 */
export function reorder(order: readonly string[], moved: readonly string[], beforeId: string | null): string[] {
  const set = new Set(moved);
  const taken = order.filter((id) => set.has(id));
  const rest = order.filter((id) => !set.has(id));
  const at = beforeId === null ? -1 : rest.indexOf(beforeId);
  return at < 0 ? [...rest, ...taken] : [...rest.slice(0, at), ...taken, ...rest.slice(at)];
}

/** the most UTF-8 bytes a playlist's file name may take: 255 (ext4, APFS; NTFS counts 255 UTF-16 units) */
const FILE_NAME_BYTES = 255;

/**
 * A crate's name as its playlist's file name, "<name>.m3u8", that every desktop file system takes: crateFileName.
 */
export function playlistFileName(name: string): string {
  return crateFileName(name, '.m3u8');
}

/**
 * A crate's name as a file name "<name><suffix>" (suffix: ".m3u8", "-2026-12-03.csv") that every desktop file system
 * takes and that reads as it is spelled: the bidi controls left out (contract bidi.ts: sanitize-filename keeps them, and
 * "evil\u202Etxt" would make a file that a file manager shows as "evil8u3m.txt"; cli40), then by sanitize-filename
 * (/ \\ : * ? " < > | and C0/C1 controls → "_"), a leading dot (a hidden file on Linux and
 * macOS) → "_", a Windows device name (CON, PRN, AUX, NUL, COM0–9, LPT0–9, with or without an extension: Microsoft's
 * "Naming Files, Paths, and Namespaces") kept readable as "CON_", the name cut at a whole character so that the file
 * name fits 255 UTF-8 bytes; "crate<suffix>" when nothing is left.
 */
export function crateFileName(name: string, suffix: string): string {
  let stem = withoutBidiControls(name).trim().replace(/^\.+/, '_').replace(/^(con|prn|aux|nul|com[0-9]|lpt[0-9])(?=\.|$)/i, '$1_') || 'crate';
  while (Buffer.byteLength(`${stem}${suffix}`) > FILE_NAME_BYTES) stem = Array.from(stem).slice(0, -1).join('');
  return sanitizeFilename(`${stem}${suffix}`, { replacement: '_' });
}
