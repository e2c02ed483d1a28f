/**
 * The scan's walk: folders recursively, every entry either a candidate file
 * (with size + mtime from its one stat), a problem (unreadable folder,
 * symlink loop, broken link, a name that is not UTF-8) or a file skipped by
 * choice with its reason (not a regular file: named pipe, socket, device).
 * Whether a candidate is audio is decided by sniff.ts, not here.
 */
import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScanProblem } from '@contract';
import { isInside, notUtf8Message } from '../fs/paths';

/** A regular file the walk found: absolute path, size in bytes, mtime in ms since the epoch. */
export interface Found {
  path: string;
  folderId: string | null;
  size: number;
  mtimeMs: number;
  /** the file's real path (realpath: every symlink resolved); unset until known (aliases.ts resolves it) */
  realPath?: string;
  /** the other library paths that are links to this same file (set by aliases.ts; they get no row) */
  aliases?: string[];
  /** the file's identity, "DEV:INO", where its file system keeps inode numbers (fileIdentity); unset elsewhere */
  fileId?: string;
}

/** Something the scan could not do: the contract's ScanProblem (its code, and its kind where it has one). */
export type Problem = ScanProblem;

/**
 * A path left out by choice, with why ("not a regular file (named pipe)", "not audio (PNG image)"): `many` the same
 * words for more than one where they differ ("hidden or system folders (…)"), `folder` set for a folder left unwalked
 * (the scan's summary counts files and folders apart: skippedText).
 */
export type Skip = { path: string; reason: string; many?: string; folder?: boolean };

export interface WalkSink {
  /** a regular file (its extension is not checked here) */
  file(f: Found): void;
  problem(p: Problem): void;
  skip(s: Skip): void;
  /**
   * Why a folder is left unwalked (`dir` as reached, `realDir` its real path), or null to walk it: the studio's own
   * data folder (job.ts `ownFolderReason`). The folder is then one skip with that reason.
   */
  leaveOut?(dir: string, realDir: string): string | null;
}

/**
 * Folders no one keeps music in for a library, left unwalked: a hidden folder (its name starts with "." — a desktop's
 * trash `.local/share/Trash`, a USB stick's `.Trash-1000`, macOS's `.Trashes` and `.Spotlight-V100`, `.git`, a
 * program's settings and caches) and the system folders Windows and Linux put at a drive's root (`$RECYCLE.BIN`,
 * `RECYCLER`, `System Volume Information`, `lost+found`; any case). beets' default `ignore` is the same rule (".*",
 * "System Volume Information", "lost+found"). Only below a library folder: a folder added as a library folder is
 * walked whatever its name. Each such folder is one skip (HIDDEN_FOLDER_REASON), counted in the scan's summary. (tester39:
 * with the home folder as a library folder, ~/.local/share/Trash/files/*.mp3 were analysed as music.)
 */
const SYSTEM_FOLDERS = new Set(['$recycle.bin', 'recycler', 'system volume information', 'lost+found']);
export const HIDDEN_FOLDER_REASON = 'hidden or system folder (not walked: a trash, settings or system folder; add it as a library folder to scan it)';
/** HIDDEN_FOLDER_REASON for more than one (skippedText: "2 hidden or system folders (…)") */
export const HIDDEN_FOLDERS_REASON = 'hidden or system folders (not walked: trash, settings or system folders; add one as a library folder to scan it)';
/** the skip of a hidden or system folder below a library folder */
const hiddenSkip = (path: string): Skip => ({ path, reason: HIDDEN_FOLDER_REASON, many: HIDDEN_FOLDERS_REASON, folder: true });
/** the skip of a special file (`kind`: "named pipe", "socket", …; `how`: ", through a link" or "") */
const specialSkip = (path: string, kind: string, how = ''): Skip => ({ path, reason: `not a regular file (${kind}${how})`, many: `not regular files (${kind}s${how})` });

/** Whether a folder of this name (one path part) is left unwalked below a library folder (SYSTEM_FOLDERS, a "." name). */
export function isHiddenFolderName(name: string): boolean {
  return name.startsWith('.') || SYSTEM_FOLDERS.has(name.toLowerCase());
}

/**
 * Fault injection for tests that run as root (where chmod 000 does not stop
 * reading): paths listed in STUDIO_TEST_DENY (":"-separated) behave as
 * permission denied.
 */
export function testDenied(path: string): boolean {
  const deny = process.env.STUDIO_TEST_DENY;
  if (!deny) return false;
  return deny.split(':').some((d) => d && isInside(path, d));
}

/** What kind of non-regular file this is, in words ("named pipe"), or null for a regular file or folder. */
export function specialKind(st: Pick<Stats, 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>): string | null {
  if (st.isFIFO()) return 'named pipe';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  return null;
}

/**
 * Linux file systems (statfs f_type) whose inode number stays a file's own while it is renamed or moved within the file
 * system and across unmounts: ext2/3/4, XFS, Btrfs, tmpfs, ZFS, F2FS, ReiserFS, JFS, bcachefs, the kernel's NTFS3 (the
 * MFT record). Not FAT or exFAT (vfat and exfat number inodes as they are looked up, afresh at each mount), network
 * shares (NFS, SMB), FUSE or overlayfs: there a number may belong to another file after a remount.
 */
const STABLE_INODE_FS = new Set([0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x2fc12fc1, 0xf2f52010, 0x52654973, 0x3153464a, 0xca451a4e, 0x5346544e]);

/**
 * A file's identity as "DEV:INO" (its stat's device and inode numbers) where its file system keeps inode numbers
 * (STABLE_INODE_FS, Linux only: elsewhere, and where statfs fails, undefined). `stable`: the answer per device, asked
 * of statfs once per device and kept by the caller for one job (a device number may be another drive's after a replug).
 * The library records it (tracks.lib_file_id, migration 19) so that a move match prefers the row of the file's own
 * inode among rows of equal size and mtime (job.ts moveMatch): `mv` keeps a file's inode, `cp -p` makes another.
 */
export async function fileIdentity(path: string, st: { dev: number; ino: number }, stable: Map<number, Promise<boolean>>): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  let ok = stable.get(st.dev);
  if (ok === undefined) {
    ok = statfs(path).then(
      (s) => STABLE_INODE_FS.has(Number(s.type) >>> 0),
      () => false,
    );
    stable.set(st.dev, ok);
  }
  return (await ok) ? fileIdOf(st) : undefined;
}

/** A stat's device and inode numbers as a file identity, "DEV:INO" (fileIdentity, where its file system keeps them). */
export function fileIdOf(st: { dev: number; ino: number }): string {
  return `${st.dev}:${st.ino}`;
}

/**
 * Recursive walk of `root` (hidden and system folders below it left out: isHiddenFolderName). Never opens a file (a named pipe would block); one
 * stat per file, one realpath per folder and per file that is a symlink. Folders that cannot be read are returned in `badDirs` (their
 * rows are kept). Stops early when `signal` aborts. Each file found carries its identity (fileIdentity; `stable`: the
 * file systems' answers, kept for the job).
 */
export async function walkFolder(root: string, folderId: string | null, sink: WalkSink, signal?: AbortSignal, stable = new Map<number, Promise<boolean>>()): Promise<{ badDirs: string[] }> {
  const visited = new Map<string, string>();
  const badDirs: string[] = [];
  const stack = [root];
  while (stack.length) {
    if (signal?.aborted) break;
    const dir = stack.pop()!;
    let st;
    try {
      st = await stat(dir);
    } catch (err) {
      const loop = (err as NodeJS.ErrnoException).code === 'ELOOP';
      sink.problem({ path: dir, code: 'UNREADABLE', ...(loop && { kind: 'link-loop' as const }), message: `Folder cannot be read: ${loop ? 'symlink loop' : (err as Error).message}. Skipped.` });
      badDirs.push(dir);
      continue;
    }
    const key = `${st.dev}:${st.ino}`;
    const seen = visited.get(key);
    if (seen !== undefined) {
      sink.problem({ path: dir, code: 'UNREADABLE', kind: 'folder-seen', message: `Symlink loop (or second link to a folder): this folder is already scanned as "${seen}". Skipped.` });
      continue;
    }
    visited.set(key, dir);
    // one realpath per folder: a file's real path is its folder's plus its name, unless it is a link itself
    const realDir = await realpath(dir).catch(() => dir);
    const leftOut = sink.leaveOut?.(dir, realDir);
    if (leftOut) {
      sink.skip({ path: dir, reason: leftOut, folder: true });
      continue;
    }
    let entries: Dirent<Buffer>[];
    try {
      if (testDenied(dir)) throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
      entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      sink.problem({ path: dir, code: 'UNREADABLE', message: `Folder cannot be read (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message}). Skipped; its files are kept as they were.` });
      badDirs.push(dir);
      continue;
    }
    for (const e of entries) {
      const name = e.name.toString('utf8');
      const p = join(dir, name);
      if (!Buffer.from(name, 'utf8').equals(e.name)) {
        // Node's paths are strings: a name that is not UTF-8 cannot be opened by the string it decodes to.
        sink.problem({
          path: p, code: 'UNREADABLE',
          message: notUtf8Message(e.name),
        });
        continue;
      }
      if (e.isDirectory()) {
        if (isHiddenFolderName(name)) sink.skip(hiddenSkip(p));
        else stack.push(p);
        continue;
      }
      const special = specialKind(e);
      if (special) {
        sink.skip(specialSkip(p, special));
        continue;
      }
      const t = await stat(p).catch((err: NodeJS.ErrnoException) => err);
      if (t instanceof Error) {
        if (e.isSymbolicLink()) sink.problem({ path: p, code: 'NOT_FOUND', message: t.code === 'ELOOP' ? 'Symlink loop. Skipped.' : `Broken link (${t.code ?? t.message}). Skipped.` });
        else sink.problem({ path: p, code: t.code === 'ENOENT' ? 'NOT_FOUND' : 'UNREADABLE', message: t.code === 'ENOENT' ? 'Deleted while the folder was being read. Skipped.' : `Cannot be read (${t.code ?? t.message}). Skipped.` });
        continue;
      }
      if (t.isDirectory()) {
        // a link to a folder
        if (isHiddenFolderName(name)) sink.skip(hiddenSkip(p));
        else stack.push(p);
      }
      else if (t.isFile()) {
        const realPath = e.isSymbolicLink() ? await realpath(p).catch(() => p) : join(realDir, name);
        const fileId = await fileIdentity(p, t, stable);
        sink.file({ path: p, folderId, size: t.size, mtimeMs: t.mtimeMs, realPath, ...(fileId && { fileId }) });
      }
      else sink.skip(specialSkip(p, specialKind(t) ?? 'special file', e.isSymbolicLink() ? ', through a link' : ''));
    }
  }
  return { badDirs };
}
