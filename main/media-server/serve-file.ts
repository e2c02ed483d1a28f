import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';

export interface FileResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable | null;
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
