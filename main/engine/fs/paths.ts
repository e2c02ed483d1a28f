import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import * as nodePath from 'node:path';

/** The path functions to use: node:path (this platform), or path.win32 / path.posix (tests). */
export type PathApi = Pick<typeof nodePath, 'relative' | 'isAbsolute' | 'sep' | 'resolve'>;

/**
 * Whether `child` is `folder` itself or lies below it — by path components,
 * never by string prefix ("/music2" is not inside "/music"), with the
 * platform's separators and case rules (path.win32: "C:\\Music\\a.mp3" is
 * inside "c:\\music\\"; another drive never is). Both paths absolute; no file
 * system access (symlinks are not followed).
 */
export function isInside(child: string, folder: string, path: PathApi = nodePath): boolean {
  const rel = path.relative(folder, child);
  if (rel === '') return true;
  if (path.isAbsolute(rel)) return false; // another drive / root
  return rel !== '..' && !rel.startsWith('..' + path.sep) && !(path.sep === '\\' && rel.startsWith('../'));
}

/** `folder` ending in one separator: the string prefix of everything below it (for SQL `substr`). */
export function folderPrefix(folder: string, path: PathApi = nodePath): string {
  return folder.endsWith(path.sep) ? folder : folder + path.sep;
}

/** The innermost of `folders` that holds `child` (isInside), or undefined. */
export function innermost<F extends { path: string }>(child: string, folders: F[], path: PathApi = nodePath): F | undefined {
  let best: F | undefined;
  for (const f of folders) if (isInside(child, f.path, path) && (!best || f.path.length > best.path.length)) best = f;
  return best;
}

/**
 * `mkdir -p` that always ends: creates each missing folder of `dir` (absolute
 * or relative to the cwd) with a plain mkdir, parent first. Node's
 * `mkdirSync(dir, { recursive: true })` loops forever where mkdir answers
 * ENOENT although the parent exists (`/proc/nope`: `studio serve --data-dir
 * /proc/nope` hung); here that is an error.
 * @throws NodeJS.ErrnoException from mkdir (ENOENT, ENOTDIR, EEXIST for a
 *   file in the way, EACCES, EROFS), with `path` set to the folder that
 *   failed, or to the file in the way.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let p = nodePath.resolve(dir);
  for (;;) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      // ENOTDIR: a file further up is in the way; it is found on the way up
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    }
    if (st?.isDirectory()) break;
    if (st) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${p}'`), { code: 'ENOTDIR', path: p });
    missing.push(p);
    const parent = nodePath.dirname(p);
    if (parent === p) break;
    p = parent;
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(m).isDirectory()) continue;
      throw err;
    }
  }
}

/**
 * Why a file whose name is not valid UTF-8 (Latin-1 or CP437 bytes from an old archive, a Samba or FAT share) cannot be
 * opened: Node's paths are strings, and such a name decodes to one with U+FFFD in it, which names no file. `bytes`:
 * the name on disk. One sentence, the folder scan's and the command line's alike.
 */
export function notUtf8Message(bytes: Buffer): string {
  return `The name is not valid UTF-8 (bytes ${bytes.toString('hex').replace(/(..)/g, '$1 ').trim()}), so it cannot be opened. Rename it (e.g. convmv -f latin1 -t utf8) to analyse it.`;
}

/**
 * A file or folder that is not there (ENOENT, ENOTDIR), as every surface says it: its name, its whole path, and what to
 * do. `studio probe` and opening a file in the app (media/probe.ts), `studio analyze` and a scan's named path
 * (library/job.ts) alike.
 */
export function notFoundMessage(path: string): string {
  return `"${nodePath.basename(path)}" does not exist (${path}). Check the path; it may have been moved or deleted.`;
}

/**
 * The name on disk (bytes) of the file `path` was decoded from, where `path` does not exist because its last part
 * holds U+FFFD: a name that is not valid UTF-8, typed or passed on a command line (process.argv decodes each byte
 * that is not UTF-8 as U+FFFD). null where the name has no U+FFFD, the folder cannot be read, or no such name is in it.
 */
export function undecodableName(path: string): Buffer | null {
  const name = nodePath.basename(path);
  if (!name.includes('\ufffd')) return null;
  try {
    return readdirSync(nodePath.dirname(path), { encoding: 'buffer' }).find((b) => b.toString('utf8') === name && !Buffer.from(name, 'utf8').equals(b)) ?? null;
  } catch {
    return null;
  }
}

/**
 * Whether a file can be written in the folder `dir`, or in the nearest folder above it that exists where `dir` does
 * not: one byte written to a new file there, removed at once. A full disk refuses the write where an access check
 * says yes; a read-only disk says EROFS even to root (and Node's recursive mkdir says ENOENT there).
 * @returns null where it can; else the error (code EROFS, EACCES, EPERM, ENOSPC, EDQUOT, ENOTDIR, …)
 */
export function writeCheck(dir: string): NodeJS.ErrnoException | null {
  let at = dir;
  while (!existsSync(at) && nodePath.dirname(at) !== at) at = nodePath.dirname(at);
  const file = nodePath.join(at, `.studio-write-check-${process.pid}`);
  try {
    const fd = openSync(file, 'wx');
    try {
      writeSync(fd, '.');
    } finally {
      closeSync(fd);
      rmSync(file, { force: true });
    }
    return null;
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
}
