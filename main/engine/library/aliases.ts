/**
 * One library row per file (issue 12): a track and a symlink to it (in the
 * same library folder, or one folder linking into another) are one file, so
 * the scan keeps one of the paths that resolve (realpath) to it and lists the
 * others as its aliases (the detail panel says "Also at …"). Hard links are
 * separate paths of one inode, not links, and stay separate rows (as the tag
 * writer treats them: it refuses to split them).
 *
 * Which path is kept, in order: a row the library already has for that file
 * (its analysis, chat and marks stay with it); the path that is the file
 * itself, not through a link; the first in code-point order (stable between
 * scans). The kept path is always one the walk found under a library folder
 * the user added, never the resolved path outside it.
 */
import { realpath } from 'node:fs/promises';
import type { Found } from './walk';

/**
 * The found files with their real path set (resolved here where the walk did not).
 * A path that cannot be resolved keeps itself as its real path.
 */
export async function withRealPaths(found: Found[]): Promise<Found[]> {
  return Promise.all(found.map(async (f) => (f.realPath ? f : { ...f, realPath: await realpath(f.path).catch(() => f.path) })));
}

export interface OneRowPerFile {
  /** one Found per real file; `aliases` set (sorted) where other found paths lead to it */
  keep: Found[];
  /** found paths that are aliases of a kept path: alias path → kept path */
  aliasOf: Map<string, string>;
}

/**
 * Group `found` (real paths set: withRealPaths) by real path and keep one path per file.
 * @param hasRow whether the library already has a row at this path (preferred: it keeps its analysis)
 * @param rowFor a library row elsewhere (not among `found`) for this real path: its path, which is then kept
 *               and every found path for that file becomes its alias
 */
export function oneRowPerFile(found: Found[], hasRow: (path: string) => boolean, rowFor: (realPath: string) => string | undefined): OneRowPerFile {
  const groups = new Map<string, Found[]>();
  for (const f of found) {
    const k = f.realPath ?? f.path;
    const g = groups.get(k);
    // one path found twice (the watcher hands on a new folder and the files in it) is one path, not its own alias
    if (g?.some((o) => o.path === f.path)) continue;
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  const keep: Found[] = [];
  const aliasOf = new Map<string, string>();
  const rank = (f: Found) => (hasRow(f.path) ? 0 : 2) + (f.path === (f.realPath ?? f.path) ? 0 : 1);
  for (const [real, g] of groups) {
    const elsewhere = rowFor(real);
    if (elsewhere !== undefined && !g.some((f) => f.path === elsewhere)) {
      for (const f of g) aliasOf.set(f.path, elsewhere);
      continue;
    }
    if (g.length === 1) {
      keep.push(g[0].aliases ? g[0] : { ...g[0], aliases: [] });
      continue;
    }
    const sorted = [...g].sort((a, b) => rank(a) - rank(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const kept = sorted[0];
    const aliases = sorted.slice(1).map((f) => f.path).sort();
    for (const a of aliases) aliasOf.set(a, kept.path);
    keep.push({ ...kept, aliases });
  }
  return { keep, aliasOf };
}
