import type { Dirent } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, extname, join, parse } from 'node:path';
import { IMAGE_EXTENSIONS, OPENABLE_EXTENSIONS, PLAYLIST_EXTENSIONS, StudioError, type DirListing } from '@contract';

const MEDIA = new Set<string>(OPENABLE_EXTENSIONS);
const IMAGES = new Set<string>(IMAGE_EXTENSIONS);
const PLAYLISTS = new Set<string>(PLAYLIST_EXTENSIONS);
/** how many left-out entries a listing names (the count covers all) */
const MAX_SKIPPED_NAMED = 50;

/**
 * A folder listing for the in-app file browser (web mode has no native dialog):
 * folders and files (hidden ones left out), and what it could not list —
 * `skipped` counts them, `skippedEntries` names the first 50 with why (in readdir's order). A folder's type comes
 * from its directory entry; files (for their size) and links are stat-ed LIST_STAT_CONCURRENCY at a time.
 */
export async function listDir(path: string | undefined, kind: 'media' | 'image' | 'playlist' = 'media'): Promise<DirListing> {
  const dir = path ?? homedir();
  let raw: Dirent<Buffer>[];
  try {
    raw = await readdir(dir, { encoding: 'buffer', withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StudioError('NOT_FOUND', `The folder "${dir}" does not exist.`);
    if (code === 'ENOTDIR') throw new StudioError('BAD_ARGS', `"${dir}" is not a folder.`);
    if (code === 'EACCES' || code === 'EPERM') throw new StudioError('UNREADABLE', `The folder "${dir}" cannot be read: permission denied.`);
    throw new StudioError('UNREADABLE', `The folder "${dir}" cannot be read: ${(err as Error).message}`);
  }
  const wanted = kind === 'image' ? IMAGES : kind === 'playlist' ? PLAYLISTS : MEDIA;
  // one slot per directory entry, in readdir's order (so the named left-out entries are the first 50 as listed)
  const slots = await mapLimited(raw, LIST_STAT_CONCURRENCY, async (d): Promise<Slot | null> => {
    const bytes = d.name;
    const name = bytes.toString('utf8');
    if (name.startsWith('.')) return null;
    // a Latin-1 or CP437 name decodes to one with U+FFFD, which names no file: it cannot be opened until renamed
    if (!Buffer.from(name, 'utf8').equals(bytes)) return { skip: name, reason: 'the name is not valid UTF-8, so it cannot be opened: rename it (e.g. convmv -f latin1 -t utf8)' };
    const full = join(dir, name);
    // the directory entry's own type where it is enough: a folder needs no stat, nor does a pipe, socket or device;
    // a file is stat-ed for its size, a link (or a file system that gives no type) for its target
    if (d.isDirectory()) return { entry: { name, path: full, type: 'dir', openable: false } };
    if (d.isFIFO() || d.isSocket() || d.isCharacterDevice() || d.isBlockDevice()) return { skip: name, reason: special(d) };
    try {
      const st = await stat(full);
      if (st.isDirectory()) return { entry: { name, path: full, type: 'dir', openable: false } };
      if (st.isFile()) {
        const ext = extname(name).slice(1).toLowerCase();
        return { entry: { name, path: full, type: 'file', openable: wanted.has(ext), sizeBytes: st.size } };
      }
      return { skip: name, reason: special(st) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const link = await lstat(full).then((l) => l.isSymbolicLink(), () => false);
      return {
        skip: name,
        reason:
          link && (code === 'ENOENT' || code === 'ENOTDIR') ? 'a broken link: its target is gone'
          : link && code === 'ELOOP' ? 'a link that points back to itself'
          : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
          : `cannot be read (${code ?? (err as Error).message})`,
      };
    }
  });
  let skipped = 0;
  const skippedEntries: NonNullable<DirListing['skippedEntries']> = [];
  const entries: DirListing['entries'] = [];
  for (const s of slots) {
    if (!s) continue;
    if ('entry' in s) entries.push(s.entry);
    else {
      skipped++;
      if (skippedEntries.length < MAX_SKIPPED_NAMED) skippedEntries.push({ name: s.skip, reason: s.reason });
    }
  }
  entries.sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1));
  const parent = parse(dir).root === dir ? null : dirname(dir);
  return { path: dir, parent, entries, skipped, ...(skippedEntries.length ? { skippedEntries } : {}) };
}

type Slot = { entry: DirListing['entries'][number] } | { skip: string; reason: string };

function special(t: { isFIFO(): boolean; isSocket(): boolean }): string {
  return t.isFIFO() ? 'a named pipe, not a file' : t.isSocket() ? 'a socket, not a file' : 'a device, not a file';
}

/**
 * How many stats a listing keeps in flight. One at a time, a folder of 20,000 files took 1.2–1.6 s (each stat waits
 * its turn through libuv's thread pool); with several in flight the pool's threads work together (test/bench/list-dir.ts,
 * BENCHMARKS.md). Bounded, so a huge folder does not queue 20,000 requests ahead of the engine's other file work.
 */
export const LIST_STAT_CONCURRENCY = 32;

/** `items.map(fn)` with at most `limit` calls in flight; the results in the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
