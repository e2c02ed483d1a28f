import { existsSync } from 'node:fs';
import { access, constants, readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseFile, selectCover } from 'music-metadata';
import { StudioError } from '@contract';
import { FP_RE, writeAtomic } from './cache';

const IMAGE_MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  bmp: 'image/bmp',
};
const EXT_OF_MIME: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/jpg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif', 'image/bmp': 'bmp' };

export function imageMime(path: string): string | null {
  return IMAGE_MIME[extname(path).slice(1).toLowerCase()] ?? null;
}

/** An attached cover image, if it is still there and readable. */
export async function attachedCover(path: string): Promise<{ path: string; mime: string } | null> {
  const mime = imageMime(path);
  if (!mime) return null;
  try {
    const st = await stat(path);
    if (!st.isFile() || st.size === 0) return null;
    await access(path, constants.R_OK);
  } catch {
    return null;
  }
  return { path, mime };
}

/**
 * The cover art embedded in a media file's tags (music-metadata's
 * selectCover: the front cover, else the first picture), extracted once to
 * `<cacheDir>/covers/<fingerprint>.<ext>`. null when there is none.
 */
export async function embeddedCover(mediaPath: string, cacheDir: string, fp: string): Promise<{ path: string; mime: string } | null> {
  if (!FP_RE.test(fp)) return null;
  const dir = join(cacheDir, 'covers');
  if (existsSync(dir)) {
    for (const f of await readdir(dir)) {
      if (f.startsWith(fp + '.') && !f.endsWith('.tmp')) {
        if (f === `${fp}.none`) return null;
        const mime = imageMime(f);
        if (mime) return { path: join(dir, f), mime };
      }
    }
  }
  let picture;
  try {
    const meta = await parseFile(mediaPath, { skipCovers: false, duration: false });
    picture = selectCover(meta.common.picture);
  } catch {
    picture = null;
  }
  if (!picture || picture.data.length === 0) {
    await writeAtomic(join(dir, `${fp}.none`), '');
    return null;
  }
  const fmt = picture.format.toLowerCase();
  const ext = EXT_OF_MIME[fmt] ?? EXT_OF_MIME[`image/${fmt}`] ?? sniffImage(picture.data);
  if (!ext) return null;
  const out = join(dir, `${fp}.${ext}`);
  await writeAtomic(out, picture.data);
  return { path: out, mime: IMAGE_MIME[ext] };
}

function sniffImage(b: Uint8Array): string | null {
  if (b[0] === 0xff && b[1] === 0xd8) return 'jpg';
  if (b[0] === 0x89 && b[1] === 0x50) return 'png';
  if (b[0] === 0x47 && b[1] === 0x49) return 'gif';
  if (b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57) return 'webp';
  if (b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  return null;
}

export function coverMissingMessage(fileName: string, attached: string | null): string {
  return attached
    ? `The cover image attached to "${fileName}" (${basename(attached)}) is no longer there or cannot be read, and the file has no cover art of its own.`
    : `"${fileName}" has no cover art. Attach an image to show one.`;
}
