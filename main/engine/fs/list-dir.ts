import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, extname, join, parse } from 'node:path';
import { AUDIO_EXTENSIONS, IMAGE_EXTENSIONS, StudioError, VIDEO_EXTENSIONS, type DirListing } from '@contract';

const MEDIA = new Set<string>([...AUDIO_EXTENSIONS, ...VIDEO_EXTENSIONS]);
const IMAGES = new Set<string>(IMAGE_EXTENSIONS);

/** A folder listing for the in-app file browser (web mode has no native dialog). */
export async function listDir(path: string | undefined, kind: 'media' | 'image' = 'media'): Promise<DirListing> {
  const dir = path ?? homedir();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StudioError('NOT_FOUND', `The folder "${dir}" does not exist.`);
    if (code === 'ENOTDIR') throw new StudioError('BAD_ARGS', `"${dir}" is not a folder.`);
    if (code === 'EACCES' || code === 'EPERM') throw new StudioError('UNREADABLE', `The folder "${dir}" cannot be read: permission denied.`);
    throw new StudioError('UNREADABLE', `The folder "${dir}" cannot be read: ${(err as Error).message}`);
  }
  const wanted = kind === 'image' ? IMAGES : MEDIA;
  let skipped = 0;
  const entries: DirListing['entries'] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const full = join(dir, name);
    try {
      const st = await stat(full);
      if (st.isDirectory()) entries.push({ name, path: full, type: 'dir', openable: false });
      else if (st.isFile()) {
        const ext = extname(name).slice(1).toLowerCase();
        entries.push({ name, path: full, type: 'file', openable: wanted.has(ext), sizeBytes: st.size });
      }
    } catch {
      skipped++;
    }
  }
  entries.sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1));
  const parent = parse(dir).root === dir ? null : dirname(dir);
  return { path: dir, parent, entries, skipped };
}
