// A local server that behaves like the Hugging Face Hub and Meta's file server, for the
// download engine's tests: tree API (paginated), `resolve` URLs that 302 to a CDN on
// another origin for LFS files (with ETag, X-Linked-Etag, X-Linked-Size), Range/206 and
// If-Range, and injected faults: dropped connections mid-body, 429/503 with Retry-After,
// corrupted bytes, throttling, and signed CDN links that expire (`Expires=`; see signedUrlTtlS, clock,
// staleRedirects).
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'drop'; afterBytes: number }
  /** the body stops after `afterBytes` (0: after the headers) with the connection left open, as a stalled server or proxy */
  | { kind: 'stall'; afterBytes: number }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'corrupt' };

interface Blob { size: number; sha256: string; gitOid: string; data?: Buffer; file?: string }

export interface RequestLog { method: string; path: string; host: string; range?: string; ifRange?: string; authorization?: string; status?: number }

function blobOf(src: Buffer | { file: string }): Blob {
  if (Buffer.isBuffer(src)) {
    return {
      size: src.length, data: src,
      sha256: createHash('sha256').update(src).digest('hex'),
      gitOid: createHash('sha1').update(`blob ${src.length}\0`).update(src).digest('hex'),
    };
  }
  // big files on disk: hashes computed by the caller's helper (hashFileSync) to keep this sync-simple
  const size = statSync(src.file).size;
  return { size, file: src.file, sha256: '', gitOid: '' };
}

export class HubServer {
  readonly requests: RequestLog[] = [];
  /** bytes/s for response bodies (0 = unthrottled) */
  throttle = 0;
  /** answer a Range request with 206 even when If-Range names another ETag (a proxy or CDN that ignores If-Range) */
  ignoreIfRange = false;
  /**
   * Lifetime of the signed CDN links the `resolve` 302s hand out, seconds. Like the Hub's CDN links they carry
   * `Expires={unix seconds}&Signature=…`; the CDN answers 403 (S3/CloudFront's AccessDenied "Request has expired")
   * once `clock()` is past Expires, or when the signature does not match.
   */
  signedUrlTtlS = 3600;
  /** the server's clock (ms since the epoch) for signing and checking CDN links; a test may move it on */
  clock: () => number = () => Date.now();
  /**
   * The next `staleRedirects` resolve 302s hand out a link that expired already (minted 2 × signedUrlTtlS ago),
   * as a cached 302 or a long-paused download meets one; the links after them are fresh.
   */
  staleRedirects = 0;
  /** repositories that need a token: `${type}s/${repo}` → the token with access and whether the listing is refused too */
  private gates = new Map<string, { token: string; private: boolean }>();
  /** each addStatic() is a new version of its file, with a new ETag even at the same size */
  private staticVersion = 0;
  private server!: Server;
  private port = 0;
  private repos = new Map<string, Map<string, Blob & { lfs: boolean }>>(); // `${type}s/${repo}@${rev}` → path → blob
  private cdn = new Map<string, Blob>(); // sha256 → blob
  private statics = new Map<string, Blob & { version: number }>(); // url path → blob
  private faults = new Map<string, Fault[]>(); // url path → queue

  /** page size of the tree API (the Hub pages large folders; small here to exercise pagination) */
  constructor(readonly pageSize = 3) {}

  static async start(pageSize = 3): Promise<HubServer> {
    const s = new HubServer(pageSize);
    s.server = createServer((req, res) => s.handle(req, res));
    await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', r));
    s.port = (s.server.address() as AddressInfo).port;
    return s;
  }

  /** the Hub's origin (what HF_ENDPOINT points at) */
  get url(): string { return `http://127.0.0.1:${this.port}`; }
  /** the CDN's origin: another host name for the same server, so a redirect leaves the origin */
  get cdnOrigin(): string { return `http://localhost:${this.port}`; }

  /** Publish files in a repository. Files of `lfsMin` bytes or more are LFS (resolve → 302 to the CDN). */
  addRepo(type: 'model' | 'dataset', repo: string, files: Record<string, Buffer | { file: string; sha256: string }>, revision = 'main', lfsMin = 64): void {
    const m = new Map<string, Blob & { lfs: boolean }>();
    for (const [p, src] of Object.entries(files)) {
      const b = Buffer.isBuffer(src) ? blobOf(src) : { ...blobOf(src), sha256: src.sha256, gitOid: createHash('sha1').update(`pointer ${src.sha256}`).digest('hex') };
      const lfs = b.size >= lfsMin;
      m.set(p, { ...b, lfs });
      if (lfs) this.cdn.set(b.sha256, b);
    }
    this.repos.set(`${type}s/${repo}@${revision}`, m);
  }

  /**
   * Gate a repository as the Hub does: files answer 401 without a token and 403 with one that has no access
   * (its account has not accepted the conditions); a gated repository is still listed, a private one (`priv`)
   * is not (401).
   */
  gate(type: 'model' | 'dataset', repo: string, token: string, priv = false): void {
    this.gates.set(`${type}s/${repo}`, { token, private: priv });
  }

  /** 401/403 for a gated repository's request without the right token, else 0. */
  private refused(key: string, req: IncomingMessage, listing: boolean): number {
    const g = this.gates.get(key);
    if (!g || (listing && !g.private)) return 0;
    const auth = req.headers.authorization;
    return !auth ? 401 : auth === `Bearer ${g.token}` ? 0 : 403;
  }

  /** A plain file at `path` (Meta's server: 200/206 with an ETag, no checksum published). */
  addStatic(path: string, src: Buffer | { file: string }): string {
    this.statics.set(path, { ...blobOf(src), version: ++this.staticVersion });
    return `${this.url}${path}`;
  }

  /** Apply `fault` to the next request(s) for the body at `path` (resolve path, CDN path or static path). */
  fault(path: string, ...f: Fault[]): void {
    this.faults.set(path, [...(this.faults.get(path) ?? []), ...f]);
  }

  private sign(path: string, expires: number): string {
    return createHash('sha256').update(`cdn-secret ${path} ${expires}`).digest('hex').slice(0, 32);
  }

  /** The CDN path a repository file's resolve URL redirects to. */
  cdnPath(sha256: string): string { return `/cdn/${sha256}`; }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const u = new URL(req.url ?? '/', this.url);
    const log: RequestLog = {
      method: req.method ?? 'GET', path: u.pathname, host: String(req.headers.host),
      range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined, authorization: req.headers.authorization,
    };
    this.requests.push(log);
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      log.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(body);
    };
    // tree API
    let m = u.pathname.match(/^\/api\/(models|datasets)\/([^/]+\/[^/]+)\/tree\/([^/]+)(?:\/(.*))?$/);
    if (m) {
      const files = this.repos.get(`${m[1]}/${m[2]}@${decodeURIComponent(m[3])}`);
      const no = this.refused(`${m[1]}/${m[2]}`, req, true);
      if (no) return send(no, JSON.stringify({ error: 'Access restricted' }));
      if (!files) return send(404, JSON.stringify({ error: 'Repository not found' }));
      const folder = m[4] ? decodeURIComponent(m[4]).replace(/\/$/, '') : '';
      const entries: object[] = [];
      const dirs = new Set<string>();
      for (const [p, b] of files) {
        if (folder && !p.startsWith(`${folder}/`)) continue;
        const parts = p.split('/');
        for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
        entries.push(b.lfs
          ? { type: 'file', oid: b.gitOid, size: b.size, path: p, lfs: { oid: b.sha256, size: b.size, pointerSize: 134 } }
          : { type: 'file', oid: b.gitOid, size: b.size, path: p });
      }
      if (folder && entries.length === 0) return send(404, JSON.stringify({ error: `Entry not found` }));
      for (const d of dirs) if (!folder || d.startsWith(`${folder}/`)) entries.push({ type: 'directory', oid: '0'.repeat(40), size: 0, path: d });
      const start = Number(u.searchParams.get('cursor') ?? 0);
      const page = entries.slice(start, start + this.pageSize);
      const headers: Record<string, string> = {};
      if (start + this.pageSize < entries.length) {
        const next = new URL(u.href);
        next.searchParams.set('cursor', String(start + this.pageSize));
        headers.Link = `<${next.href}>; rel="next"`;
      }
      return send(200, JSON.stringify(page), headers);
    }
    // resolve
    m = u.pathname.match(/^\/(datasets\/)?([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/);
    if (m) {
      const files = this.repos.get(`${m[1] ? 'datasets' : 'models'}/${m[2]}@${decodeURIComponent(m[3])}`);
      const no = this.refused(`${m[1] ? 'datasets' : 'models'}/${m[2]}`, req, false);
      if (no) return send(no, JSON.stringify({ error: `Access to this repository is restricted` }), { 'X-Error-Code': 'GatedRepo' });
      const path = decodeURIComponent(m[4]);
      const b = files?.get(path);
      if (!b) return send(404, JSON.stringify({ error: 'Entry not found' }), { 'X-Error-Code': 'EntryNotFound' });
      const f = this.takeFault(u.pathname);
      if (f?.kind === 'status') return send(f.status, '{}', f.retryAfter ? { 'Retry-After': f.retryAfter } : {});
      if (b.lfs) {
        log.status = 302;
        const minted = Math.floor(this.clock() / 1000) - (this.staleRedirects > 0 ? 2 * this.signedUrlTtlS : 0);
        if (this.staleRedirects > 0) this.staleRedirects--;
        const expires = minted + this.signedUrlTtlS;
        res.writeHead(302, {
          Location: `${this.cdnOrigin}${this.cdnPath(b.sha256)}?download=true&Expires=${expires}&Signature=${this.sign(this.cdnPath(b.sha256), expires)}`,
          ETag: `"${b.gitOid}"`, 'X-Linked-Etag': `"${b.sha256}"`, 'X-Linked-Size': String(b.size), 'X-Repo-Commit': 'c0ffee',
        });
        return res.end();
      }
      return this.serveBody(req, res, log, b, `"${b.gitOid}"`, f);
    }
    m = u.pathname.match(/^\/cdn\/([0-9a-f]{64})$/);
    if (m && this.cdn.has(m[1]) && u.searchParams.has('Expires')) {
      const expires = Number(u.searchParams.get('Expires'));
      const why = u.searchParams.get('Signature') !== this.sign(u.pathname, expires) ? 'Invalid signature'
        : this.clock() / 1000 > expires ? 'Request has expired' : null;
      if (why) {
        log.status = 403;
        res.writeHead(403, { 'Content-Type': 'application/xml' });
        return res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${why}</Message></Error>`);
      }
    }
    if (m && this.cdn.has(m[1])) return this.serveBody(req, res, log, this.cdn.get(m[1])!, `"${m[1]}"`, this.takeFault(u.pathname));
    const st = this.statics.get(u.pathname);
    if (st) {
      const f = this.takeFault(u.pathname);
      if (f?.kind === 'status') return send(f.status, '{}', f.retryAfter ? { 'Retry-After': f.retryAfter } : {});
      return this.serveBody(req, res, log, st, `"${st.size.toString(16)}-v${st.version}"`, f);
    }
    send(404, JSON.stringify({ error: 'Not found' }));
  }

  private takeFault(path: string): Fault | undefined {
    const q = this.faults.get(path);
    const f = q?.shift();
    if (q && q.length === 0) this.faults.delete(path);
    return f;
  }

  private serveBody(req: IncomingMessage, res: ServerResponse, log: RequestLog, b: Blob, etag: string, f?: Fault) {
    if (f?.kind === 'status') {
      log.status = f.status;
      res.writeHead(f.status, f.retryAfter ? { 'Retry-After': f.retryAfter } : {});
      return res.end();
    }
    let start = 0;
    let end = b.size - 1;
    let status = 200;
    const range = req.headers.range;
    const ifRange = req.headers['if-range'];
    if (range && (!ifRange || ifRange === etag || this.ignoreIfRange)) {
      const r = range.match(/^bytes=(\d+)-(\d*)$/);
      if (!r || Number(r[1]) >= b.size) {
        log.status = 416;
        res.writeHead(416, { 'Content-Range': `bytes */${b.size}` });
        return res.end();
      }
      start = Number(r[1]);
      if (r[2]) end = Math.min(end, Number(r[2]));
      status = 206;
    }
    const headers: Record<string, string> = {
      'Content-Type': 'application/octet-stream', 'Content-Length': String(end - start + 1), ETag: etag, 'Accept-Ranges': 'bytes',
    };
    if (status === 206) headers['Content-Range'] = `bytes ${start}-${end}/${b.size}`;
    log.status = status;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') return res.end();
    const limit = f?.kind === 'drop' || f?.kind === 'stall' ? start + f.afterBytes : Infinity;
    if (b.file && !this.throttle && limit === Infinity && f?.kind !== 'corrupt') {
      createReadStream(b.file, { start, end, highWaterMark: 1 << 20 }).pipe(res);
      return;
    }
    const data = b.data ?? Buffer.alloc(0);
    let pos = start;
    const chunk = 64 * 1024;
    const pump = () => {
      while (pos <= end) {
        if (pos >= limit) {
          // the connection drops mid-body (after flushing what was sent), or stays open with nothing more sent
          if (f?.kind !== 'stall') res.socket?.end();
          return;
        }
        const n = Math.min(chunk, end + 1 - pos, limit - pos);
        let piece = Buffer.from(data.subarray(pos, pos + n));
        if (f?.kind === 'corrupt' && pos <= (b.size >> 1) && (b.size >> 1) < pos + n) {
          piece = Buffer.from(piece);
          piece[(b.size >> 1) - pos] ^= 0xff;
        }
        pos += n;
        const ok = res.write(piece);
        if (this.throttle) {
          setTimeout(pump, (n / this.throttle) * 1000);
          return;
        }
        if (!ok) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  }
}
