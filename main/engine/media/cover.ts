import { existsSync } from 'node:fs';
import { access, constants, open, readdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { IPicture } from 'music-metadata';
import { StudioError } from '@contract';
import { sniffMime } from '../../media-server/serve-file';
import { FP_RE, writeAtomic } from './cache';
import { readTagsByContent } from './tags';

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

/** A file served by the media hosts, with what they re-check (see ResolvedMedia). */
export interface PinnedFile {
  path: string;
  mime: string;
  realPath: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Pin a file as it is now: real path, size, mtime, inode (NOT_FOUND if it is not a readable, non-empty regular file). */
export async function pinFile(path: string, mime: string): Promise<PinnedFile> {
  try {
    const real = await realpath(path);
    const st = await stat(real);
    if (!st.isFile() || st.size === 0) throw new Error('not a non-empty regular file');
    await access(real, constants.R_OK);
    return { path, mime, realPath: real, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch {
    throw new StudioError('NOT_FOUND', `"${basename(path)}" is no longer there or cannot be read.`);
  }
}

const pinPath = (cacheDir: string, trackId: string) => join(cacheDir, 'covers', 'attached', `${trackId}.json`);

/**
 * Attach `path` as a track's cover: its content must be an image (file-type's
 * signatures, not the extension: BAD_ARGS naming what it is otherwise), and
 * the file is pinned — real path, size, mtime, inode — in the media cache, so
 * the media hosts refuse it if it is replaced later (by a symlink or new bytes).
 */
export async function pinAttachedCover(cacheDir: string, trackId: string, path: string): Promise<PinnedFile> {
  const head = await readHead(path);
  const mime = await sniffMime(head);
  if (!mime || !mime.startsWith('image/') || mime === 'image/svg+xml') {
    throw new StudioError('BAD_ARGS', `"${basename(path)}" is ${mime ? `a ${mime} file` : 'not an image file (its content is no image format)'}, so it cannot be a cover.`);
  }
  const pin = await pinFile(path, mime);
  await writeAtomic(pinPath(cacheDir, trackId), JSON.stringify(pin));
  return pin;
}

/** Forget a track's attached cover pin. */
export async function unpinAttachedCover(cacheDir: string, trackId: string): Promise<void> {
  await rm(pinPath(cacheDir, trackId), { force: true });
}

/**
 * A track's attached cover as pinned when it was attached (null when none is
 * pinned for `path` or the file is no longer there). A cover attached before
 * pins existed is pinned on first use.
 */
export async function attachedCover(cacheDir: string, trackId: string, path: string): Promise<PinnedFile | null> {
  try {
    await stat(path);
  } catch {
    return null;
  }
  try {
    const pin = JSON.parse(await readFile(pinPath(cacheDir, trackId), 'utf8')) as PinnedFile;
    if (pin.path === path) return pin;
  } catch {
    // no pin yet
  }
  return pinAttachedCover(cacheDir, trackId, path).catch(() => null);
}

async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r').catch(() => {
    throw new StudioError('NOT_FOUND', `"${basename(path)}" is not there or cannot be read.`);
  });
  try {
    const b = Buffer.alloc(4100);
    const { bytesRead } = await fh.read(b, 0, b.length, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * The front cover among a file's embedded pictures: the one whose picture
 * type is "Cover (front)" (ID3v2 APIC and FLAC/Vorbis METADATA_BLOCK_PICTURE
 * type 3, as music-metadata names it), else one named as the front cover
 * (APEv2 "Cover Art (Front)", a description "front"/"cover"), else the
 * first picture that is no other declared kind (MP4 covr has no type), else
 * the first. null when there is none. (music-metadata's own selectCover
 * returns the first picture whatever its type.)
 */
export function frontCover(pictures: IPicture[] | undefined): IPicture | null {
  const ps = (pictures ?? []).filter((p) => p.data && p.data.length > 0);
  if (!ps.length) return null;
  const lc = (s: string | undefined) => (s ?? '').trim().toLowerCase();
  return (
    ps.find((p) => lc(p.type) === 'cover (front)') ??
    ps.find((p) => /^(cover art \(front\)|front|cover|front cover|cover \(front\))$/.test(lc(p.name ?? p.description))) ??
    ps.find((p) => p.type === undefined || lc(p.type) === 'other') ??
    ps[0]
  );
}

/** extractions running, by cache folder and fingerprint: a second request for the same cover waits for the first */
const extracting = new Map<string, Promise<{ path: string; mime: string } | null>>();

/**
 * The cover art embedded in a media file's tags (frontCover: the front
 * cover by picture type, else the first picture), extracted once to
 * `<cacheDir>/covers/<fingerprint>.<ext>`. null when there is none.
 * Requests for the same cover at once share one extraction: each had renamed its own copy over the cache file, so the
 * copy an earlier request had pinned was replaced under it and served as "changed" (403) — the page's cover of a video
 * asked about at once (the chat sends the cover too) showed "Cover could not be loaded" (tester38).
 */
export function embeddedCover(mediaPath: string, cacheDir: string, fp: string): Promise<{ path: string; mime: string } | null> {
  const key = `${cacheDir}\u0000${fp}`;
  const running = extracting.get(key);
  if (running) return running;
  const p = extractCover(mediaPath, cacheDir, fp).finally(() => extracting.delete(key));
  extracting.set(key, p);
  return p;
}

async function extractCover(mediaPath: string, cacheDir: string, fp: string): Promise<{ path: string; mime: string } | null> {
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
    // parser by content (an M4A named .mp3 keeps its cover)
    const fh = await open(mediaPath, 'r');
    try {
      const { meta } = await readTagsByContent(fh, mediaPath, (await fh.stat()).size);
      picture = frontCover(meta?.common.picture);
    } finally {
      await fh.close();
    }
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
