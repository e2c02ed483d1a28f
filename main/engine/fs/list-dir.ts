import { lstat, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, extname, join, parse } from 'node:path';
import { AUDIO_EXTENSIONS, IMAGE_EXTENSIONS, StudioError, VIDEO_EXTENSIONS, type DirListing } from '@contract';

const MEDIA = new Set<string>([...AUDIO_EXTENSIONS, ...VIDEO_EXTENSIONS]);
const IMAGES = new Set<string>(IMAGE_EXTENSIONS);
/** how many left-out entries a listing names (the count covers all) */
const MAX_SKIPPED_NAMED = 50;

/**
 * A folder listing for the in-app file browser (web mode has no native dialog):
 * folders and files (hidden ones left out), and what it could not list —
 * `skipped` counts them, `skippedEntries` names the first 50 with why.
 */
export async function listDir(path: string | undefined, kind: 'media' | 'image' = 'media'): Promise<DirListing> {
  const dir = path ?? homedir();
  let raw: Buffer[];
  try {
    raw = await readdir(dir, { encoding: 'buffer' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StudioError('NOT_FOUND', `The folder "${dir}" does not exist.`);
    if (code === 'ENOTDIR') throw new StudioError('BAD_ARGS', `"${dir}" is not a folder.`);
    if (code === 'EACCES' || code === 'EPERM') throw new StudioError('UNREADABLE', `The folder "${dir}" cannot be read: permission denied.`);
    throw new StudioError('UNREADABLE', `The folder "${dir}" cannot be read: ${(err as Error).message}`);
  }
  const wanted = kind === 'image' ? IMAGES : MEDIA;
  let skipped = 0;
  const skippedEntries: NonNullable<DirListing['skippedEntries']> = [];
  const skip = (name: string, reason: string) => {
    skipped++;
    if (skippedEntries.length < MAX_SKIPPED_NAMED) skippedEntries.push({ name, reason });
  };
  const entries: DirListing['entries'] = [];
  for (const bytes of raw) {
    const name = bytes.toString('utf8');
    if (name.startsWith('.')) continue;
    // a Latin-1 or CP437 name decodes to one with U+FFFD, which names no file: it cannot be opened until renamed
    if (!Buffer.from(name, 'utf8').equals(bytes)) {
      skip(name, 'the name is not valid UTF-8, so it cannot be opened: rename it (e.g. convmv -f latin1 -t utf8)');
      continue;
    }
    const full = join(dir, name);
    try {
      const st = await stat(full);
      if (st.isDirectory()) entries.push({ name, path: full, type: 'dir', openable: false });
      else if (st.isFile()) {
        const ext = extname(name).slice(1).toLowerCase();
        entries.push({ name, path: full, type: 'file', openable: wanted.has(ext), sizeBytes: st.size });
      } else skip(name, st.isFIFO() ? 'a named pipe, not a file' : st.isSocket() ? 'a socket, not a file' : 'a device, not a file');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const link = await lstat(full).then((l) => l.isSymbolicLink(), () => false);
      skip(
        name,
        link && (code === 'ENOENT' || code === 'ENOTDIR') ? 'a broken link: its target is gone'
        : link && code === 'ELOOP' ? 'a link that points back to itself'
        : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : `cannot be read (${code ?? (err as Error).message})`,
      );
    }
  }
  entries.sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1));
  const parent = parse(dir).root === dir ? null : dirname(dir);
  return { path: dir, parent, entries, skipped, ...(skippedEntries.length ? { skippedEntries } : {}) };
}
