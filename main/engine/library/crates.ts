/**
 * Crates, the DJ's playlists, behind the `crates:*` methods: named lists of library tracks in the DJ's order, kept in
 * the library database (migration 12, db/crates.ts). A track is in a crate by its id, so a moved file (the watcher's
 * move, a folder absorbed by its parent: the row keeps its id) keeps its crates; a track that leaves the library leaves
 * them. The table shows a crate through library:query's `filter.crateId` (sort `crate`: its order); export is an
 * extended M3U8 playlist (m3u8.ts).
 */
import sanitizeFilename from 'sanitize-filename';
import { StudioError, type Crate, type MethodOutput } from '@contract';
import { writeTx, type Db } from '../db';
import { CratesRepo, type CrateRow } from '../db/crates';
import { newLibId } from './store';
import { toM3u8 } from './m3u8';

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
    writeTx(this.db, () => this.repo.insert(id, name, Date.now()));
    this.changed();
    return this.crate(id);
  }

  /** @throws StudioError NOT_FOUND (unknown crate), BAD_ARGS (another crate has that name) */
  rename(crateId: string, name: string, under?: string[]): Crate {
    this.crate(crateId);
    this.unique(name, crateId);
    writeTx(this.db, () => this.repo.rename(crateId, name));
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

  private unique(name: string, except?: string): void {
    const other = this.repo.idByName(name);
    if (!other || other === except) return;
    // named as the sidebar shows it: the name typed may differ in case only ("warm-UP" for "Warm-up")
    const held = this.repo.byId(other)?.name ?? name;
    throw new StudioError('BAD_ARGS', `There is a crate named "${held}" already (names are the same whatever their case): choose another name.`);
  }
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
 * takes: by sanitize-filename (/ \\ : * ? " < > | and C0/C1 controls → "_"), a leading dot (a hidden file on Linux and
 * macOS) → "_", a Windows device name (CON, PRN, AUX, NUL, COM0–9, LPT0–9, with or without an extension: Microsoft's
 * "Naming Files, Paths, and Namespaces") kept readable as "CON_", the name cut at a whole character so that the file
 * name fits 255 UTF-8 bytes; "crate<suffix>" when nothing is left.
 */
export function crateFileName(name: string, suffix: string): string {
  let stem = name.trim().replace(/^\.+/, '_').replace(/^(con|prn|aux|nul|com[0-9]|lpt[0-9])(?=\.|$)/i, '$1_') || 'crate';
  while (Buffer.byteLength(`${stem}${suffix}`) > FILE_NAME_BYTES) stem = Array.from(stem).slice(0, -1).join('');
  return sanitizeFilename(`${stem}${suffix}`, { replacement: '_' });
}
