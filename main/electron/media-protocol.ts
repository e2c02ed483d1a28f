// studio-media://<kind>/<id>: opened files, streamed with Range support.
import { Readable } from 'node:stream';
import { MEDIA_SCHEME, toErrorData, type MediaUrlKind, type ResolvedMedia } from '@contract';
import { parseMediaPath, serveMedia } from '../media-server/serve-file';
import type { EngineLike } from './ipc';

/**
 * Registered with protocol.registerSchemesAsPrivileged before the app is
 * ready: a standard scheme (so URLs have a host and path), secure (like
 * https), streamable (media elements seek with Range), usable from fetch().
 */
export const MEDIA_SCHEME_PRIVILEGES = {
  scheme: MEDIA_SCHEME,
  privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true },
};

/**
 * `studio-media://<kind>/<id>` → `{ kind, id }` with web mode's grammar
 * (parseMediaPath). A standard scheme puts the kind in the host; the id is
 * the path. A query (the renderer's cache-buster, `?v=2`) is ignored.
 * Anything else (other schemes, credentials, ports, encoded slashes, dot
 * segments, extra path parts) is null.
 */
export function parseMediaUrl(raw: string): { kind: MediaUrlKind; id: string } | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== `${MEDIA_SCHEME}:` || u.username || u.password || u.port) return null;
  return parseMediaPath(`${u.hostname}${u.pathname}`);
}

function text(status: number, message: string): Response {
  return new Response(message, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
  });
}

/** The engine's refusal as an HTTP status. */
export function statusForError(code: string): number {
  switch (code) {
    case 'NOT_FOUND':
    case 'BAD_ARGS':
      return 404;
    case 'FORBIDDEN':
    case 'FILE_CHANGED':
      return 403;
    case 'ENGINE_CRASHED':
    case 'ENGINE_UNAVAILABLE':
      return 503;
    default:
      return 500;
  }
}

/**
 * One media request. The engine decides what may be served (media:resolve
 * knows only opened/library files and the caches it made); `serveMedia` (the
 * function web mode uses too) re-checks the pinned real path, size, mtime and
 * inode, takes the content type from the content, and answers with Range support.
 */
export async function handleMediaRequest(request: Request, engine: Pick<EngineLike, 'callRaw'>): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method not allowed.');
  const target = parseMediaUrl(request.url);
  if (!target) return text(404, 'Unknown media address.');
  let resolved: ResolvedMedia;
  try {
    resolved = (await engine.callRaw('media:resolve', target)) as ResolvedMedia;
  } catch (err) {
    const e = toErrorData(err);
    return text(statusForError(e.code), e.message);
  }
  const r = await serveMedia(target.kind, resolved, request.headers.get('range'), request.method);
  if (r.text !== undefined) return text(r.status, r.text);
  const body = r.body ? (Readable.toWeb(r.body) as unknown as ReadableStream<Uint8Array>) : null;
  return new Response(body, { status: r.status, headers: r.headers });
}

export interface ProtocolLike {
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export function registerMediaProtocol({ protocol, engine }: { protocol: ProtocolLike; engine: Pick<EngineLike, 'callRaw'> }): void {
  protocol.handle(MEDIA_SCHEME, (request) => handleMediaRequest(request, engine));
}
