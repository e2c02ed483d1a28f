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
