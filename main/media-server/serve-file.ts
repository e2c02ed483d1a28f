import { constants, createReadStream } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ResolvedMedia } from '@contract';

export interface FileResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable | null;
  /** a refusal's sentence for the person (plain text; `body` is null) */
  text?: string;
}

/** Parse a single-range `Range: bytes=…` header. null = ignore (serve whole); 'invalid' = 416. */
export function parseRange(header: string | undefined | null, size: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return header.trim().startsWith('bytes=') ? 'invalid' : null;
  const [, a, b] = m;
  if (a === '' && b === '') return 'invalid';
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

/**
 * A file as an HTTP response, honouring Range (206). Shared by the
 * `studio-media://` protocol (desktop) and `studio serve` (web).
 * The caller has already decided that this path may be served.
 */
export async function fileResponse(path: string, mime: string, rangeHeader?: string | null, method = 'GET'): Promise<FileResponse> {
  const st = await stat(path);
  const size = st.size;
  const base: Record<string, string> = {
    'Content-Type': mime,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  const range = parseRange(rangeHeader, size);
  if (range === 'invalid') {
    return { status: 416, headers: { ...base, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' }, body: null };
  }
  if (range === null) {
    return {
      status: 200,
      headers: { ...base, 'Content-Length': String(size) },
      body: method === 'HEAD' ? null : createReadStream(path),
    };
  }
  const { start, end } = range;
  return {
    status: 206,
    headers: { ...base, 'Content-Length': String(end - start + 1), 'Content-Range': `bytes ${start}-${end}/${size}` },
    body: method === 'HEAD' ? null : createReadStream(path, { start, end }),
  };
}

/** The media URL path grammar shared by both hosts: `<kind>/<id>`. */
export function parseMediaPath(pathname: string): { kind: 'track' | 'playable' | 'cover' | 'frame'; id: string } | null {
  const m = /^\/?(track|playable|cover|frame)\/([A-Za-z0-9_.-]{1,200})$/.exec(pathname);
  if (!m || m[2].includes('..')) return null;
  return { kind: m[1] as 'track' | 'playable' | 'cover' | 'frame', id: m[2] };
}

export type MediaKind = 'track' | 'playable' | 'cover' | 'frame';

/** A refusal with its HTTP status and a sentence for the person. */
function refusal(status: number, text: string): FileResponse {
  return { status, text, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }, body: null };
}

/** Bytes file-type needs to recognise every format it knows. */
const SNIFF_BYTES = 4100;

/** What the bytes are (file-type's signatures), or null when it cannot tell. */
export async function sniffMime(head: Uint8Array): Promise<string | null> {
  // file-type is loaded at the first sniff, not with the CLI (which bundles this file for `studio serve`)
  const { fileTypeFromBuffer } = await import('file-type');
  const t = await fileTypeFromBuffer(head).catch(() => undefined);
  return t?.mime ?? null;
}

/** Whether a sniffed type may be served as `kind`: sound/video for tracks, images for covers and frames. */
function sniffAllowed(kind: MediaKind, mime: string): boolean {
  if (kind === 'cover' || kind === 'frame') return mime.startsWith('image/') && mime !== 'image/svg+xml';
  return /^(audio|video)\//.test(mime) || mime === 'application/ogg' || mime === 'application/mp4' || mime === 'application/x-matroska';
}

/**
 * The one media-serving function of both hosts (the desktop `studio-media://`
 * protocol and `studio serve`'s `/media/` route), with the same checks for
 * every kind of file the engine resolved (`media:resolve`):
 *
 * 1. the path still resolves to the real path recorded when it was opened or
 *    attached (a symlink swapped in afterwards is refused, 403);
 * 2. the file is opened without following links, and the open file's size,
 *    mtime (and inode, where pinned) equal the pinned ones (403) — checked on
 *    the descriptor that is then streamed, so a swap after the check cannot
 *    change what is sent;
 * 3. the content type comes from the content (file-type's signatures), not
 *    the extension: a cover or frame must be an image, a track sound or video
 *    (415 otherwise); a track whose format file-type cannot name keeps the
 *    type the engine gave it (ffmpeg probed it when it was opened);
 * 4. Range requests get 206 (`parseRange`).
 *
 * Never throws for a file problem: the response says what is wrong
 * (404 gone, 403 changed/unreadable, 415 wrong content).
 */
export async function serveMedia(kind: MediaKind, resolved: ResolvedMedia, rangeHeader?: string | null, method = 'GET'): Promise<FileResponse> {
  let fh: FileHandle | undefined;
  try {
    const real = await realpath(resolved.path);
    if (real !== resolved.realPath) return refusal(403, 'This file changed since it was opened; open it again.');
    fh = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    const st = await fh.stat();
    if (!st.isFile()) return refusal(403, 'This is not a regular file.');
    if (st.size !== resolved.size || st.mtimeMs !== resolved.mtimeMs || (resolved.ino !== undefined && st.ino !== resolved.ino)) {
      return refusal(403, 'This file changed since it was opened; open it again.');
    }
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, st.size));
    if (head.length) await fh.read(head, 0, head.length, 0);
    const sniffed = await sniffMime(head);
    if (sniffed ? !sniffAllowed(kind, sniffed) : kind === 'cover' || kind === 'frame') {
      return refusal(415, `This file is ${sniffed ? `${sniffed}` : 'not a recognised image'}, not ${kind === 'cover' || kind === 'frame' ? 'an image' : 'sound or video'}; it is not served.`);
    }
    const mime = sniffed ?? resolved.mime;
    const size = st.size;
    const base: Record<string, string> = { 'Content-Type': mime, 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
    const range = parseRange(rangeHeader, size);
    if (range === 'invalid') return { status: 416, headers: { ...base, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' }, body: null };
    const [status, start, end] = range === null ? [200, 0, size - 1] : [206, range.start, range.end];
    const headers = { ...base, 'Content-Length': String(Math.max(0, end - start + 1)), ...(status === 206 ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}) };
    if (method === 'HEAD' || size === 0) return { status, headers, body: null };
    const body = fh.createReadStream({ start, end, autoClose: true });
    fh = undefined; // the stream owns the descriptor now
    return { status, headers, body };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return refusal(404, 'The file is no longer there.');
    if (code === 'ELOOP') return refusal(403, 'This file changed since it was opened; open it again.');
    if (code === 'EACCES' || code === 'EPERM') return refusal(403, 'The file cannot be read (permission denied).');
    return refusal(500, `Could not read the file: ${(err as Error).message}`);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
