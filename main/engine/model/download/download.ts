/**
 * One file, downloaded the way a multi-gigabyte model file has to be: streamed to
 * `{dest}.part` while hashing, resumed with HTTP Range after a kill or a dropped
 * connection, retried with backoff on 429/5xx, checked against the free disk space
 * first, and renamed to `dest` only when size and SHA-256 match. See README.md.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, rename, rm, stat, statfs, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fmtBytes } from '@contract';
import { makeDirs } from '../../fs/paths';
import { hubRepoPage, refusalHint, sendsToken } from './hub';
import { networkFailureText } from './network-words';

export type DownloadErrorCode = 'checksum' | 'size' | 'http' | 'network' | 'disk-space' | 'aborted';

/** A download that failed for good (after retries where retrying makes sense). */
export class DownloadError extends Error {
  constructor(
    readonly code: DownloadErrorCode,
    message: string,
    readonly status?: number,
    /** a transient failure the download loop retries (429/5xx, dropped connection) */
    readonly retry = false,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** What a source publishes about a file; every field given is verified. */
export interface Expected {
  /** bytes */
  size?: number;
  /** lowercase hex SHA-256 of the whole file (the Hub's `lfs.oid`) */
  sha256?: string;
  /** git blob SHA-1 (`sha1("blob {size}\0" + content)`, the Hub tree API's `oid` of a non-LFS file); needs `size` */
  gitBlobSha1?: string;
}

export interface DownloadProgress {
  url: string;
  dest: string;
  /** bytes in the partial file (resumed bytes included) */
  bytes: number;
  /** total bytes when known */
  total?: number;
  /** bytes already present when this call started */
  resumedFrom: number;
  /** moving average over the last few seconds, bytes/s */
  bytesPerSecond: number;
  /** seconds left at the current speed, when total is known */
  etaSeconds?: number;
  /** 1-based request attempt */
  attempt: number;
  /** 'hashing' while a partial file is re-hashed before resuming; 'waiting' during a backoff */
  phase: 'hashing' | 'downloading' | 'waiting' | 'verifying';
  /** phase 'waiting': how long this wait lasts, ms */
  waitMs?: number;
  /**
   * phase 'waiting': why and how long, for a status line, e.g. "the server is limiting requests (HTTP 429) and
   * asked to wait 5 min (Retry-After); retrying at 18:42:07" — so a long wait is not a frozen bar
   */
  message?: string;
}

export interface DownloadOptions {
  url: string;
  /** final path; the partial file is `${dest}.part` (+ `${dest}.part.json`) */
  dest: string;
  expected?: Expected;
  /** extra request headers (e.g. Authorization). Dropped when a redirect leaves the origin. */
  headers?: Record<string, string>;
  /** abort = pause: the partial file stays for the next call (removePartial() to cancel for good) */
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** how often onProgress fires at most, ms (default 250) */
  progressIntervalMs?: number;
  /**
   * how long an attempt may go without a byte from the server (no response headers, or a body that stopped) before it
   * is given up and retried from the bytes kept, ms (default 60 s). Without it a server that stops sending mid-file
   * left the download silent for 5 minutes (undici's own body timeout), then "terminated" (tester33)
   */
  idleTimeoutMs?: number;
  /** consecutive failed attempts without new bytes before giving up (default 8) */
  retries?: number;
  /** first backoff, ms (default 1000; doubled per attempt, ±50 % jitter, at most maxBackoffMs) */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * the longest Retry-After honoured, ms (default 15 min). A server's Retry-After up to this is waited in full (phase
   * 'waiting' with a message saying how long and why; abort ends the wait); a longer one fails at once with
   * DownloadError('http') saying when to try again, the partial file kept
   */
  maxRetryAfterMs?: number;
  /** the wait between attempts (tests inject a fake one); must reject when `signal` aborts */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * tests only: called right after the partial file is opened/truncated for a response ('partial') and right after
   * the sidecar is written ('sidecar'), in that order; throwing there stands for a kill between the two steps
   */
  checkpoint?: (step: 'partial' | 'sidecar') => void | Promise<void>;
  /** free space to keep beyond the file, bytes (default 256 MiB) */
  reserveBytes?: number;
  fetch?: typeof fetch;
  /** the Hub's origin, to tell its repositories from other servers in a 401/403/404's message (default HF_ENDPOINT) */
  hubEndpoint?: string;
}

export interface DownloadResult {
  path: string;
  size: number;
  /** SHA-256 of the verified file (recorded even where the source publishes none) */
  sha256: string;
  resumedFrom: number;
  /** HTTP requests made (redirect hops not counted) */
  attempts: number;
  /** true when `dest` was already there and verified; nothing was downloaded */
  alreadyPresent: boolean;
  /** ETag / X-Linked-Etag / X-Linked-Size seen on the way (the Hub's redirect carries the LFS sha256) */
  etag?: string;
  linkedEtag?: string;
  linkedSize?: number;
}

interface Sidecar { url: string; etag?: string; expected?: Expected; total?: number }

const MAX_REDIRECTS = 10;
const WRITE_BATCH = 4 << 20;
/** EPERM/EACCES on the partial file retried this many times in a row before it is the folder's refusal (READ_ONLY) */
const LOCK_RETRIES = 2;
/** the first wait after such a lock, ms (then twice it) */
const LOCK_WAIT_MS = 300;
/** a close that may fail (a handle already broken): ignored */
const r0 = async (p: Promise<void> | undefined): Promise<void> => {
  await p?.catch(() => undefined);
};

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

const retryable = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500;

/** Retry-After: delay-seconds or an HTTP date → ms (undefined when absent or unparsable). */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

class Hashes {
  readonly sha256: Hash = createHash('sha256');
  readonly gitSha1?: Hash;
  constructor(expected?: Expected) {
    if (expected?.gitBlobSha1 && expected.size !== undefined) {
      this.gitSha1 = createHash('sha1').update(`blob ${expected.size}\0`);
    }
  }
  update(b: Uint8Array) {
    this.sha256.update(b);
    this.gitSha1?.update(b);
  }
}

async function hashFile(path: string, h: Hashes, signal?: AbortSignal): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) {
    h.update(chunk as Buffer);
    n += (chunk as Buffer).length;
  }
  return n;
}

const sizeOf = (p: string) => stat(p).then((s) => s.size, () => -1);

/** Remove a paused download's partial file and its sidecar (cancel for good). */
export async function removePartial(dest: string): Promise<void> {
  await rm(`${dest}.part`, { force: true });
  await rm(`${dest}.part.json`, { force: true });
}

/** Free bytes for an unprivileged user on the filesystem holding `dir` (fs.statfs). */
export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/** a wait for a message: "45 s", "2 min", "1 h 30 min" */
export function fmtWait(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** local wall-clock time HH:MM:SS of `t` (ms since the epoch) */
const clockTime = (t: number) => new Date(t).toTimeString().slice(0, 8);

/** ' The 12.3 MB downloaded are kept and the download resumes from there.' (sizes by the one rule, `fmtBytes`); '' when nothing was downloaded (tester28: "The 0.0 MB downloaded are kept") */
function keptText(bytes: number): string {
  return bytes > 0 ? ` The ${fmtBytes(bytes)} downloaded are kept and the download resumes from there.` : '';
}

/**
 * Download `url` to `dest` (see DownloadOptions). Resolves with the verified file's size and
 * SHA-256. Rejects with DownloadError: 'checksum'/'size' (the partial file is removed — the
 * message says what to do), 'http' (a 4xx other than 408/425/429, or retries exhausted on
 * 5xx/429), 'network' (retries exhausted), 'disk-space' (before writing), 'aborted' (signal;
 * the partial file is kept for resuming). A folder that cannot be written (EROFS, EACCES, EPERM, ENOTDIR, EISDIR,
 * EEXIST from mkdir, open or write) rejects at once with that NodeJS.ErrnoException, unretried.
 */
export async function download(opts: DownloadOptions): Promise<DownloadResult> {
  const { url, dest, expected, signal } = opts;
  const doFetch = opts.fetch ?? fetch;
  const part = `${dest}.part`;
  const side = `${dest}.part.json`;
  const retries = opts.retries ?? 8;
  const backoff = opts.backoffMs ?? 1000;
  const maxBackoff = opts.maxBackoffMs ?? 60_000;
  const maxRetryAfter = opts.maxRetryAfterMs ?? 15 * 60_000;
  const pause = opts.sleep ?? sleep;
  const reserve = opts.reserveBytes ?? 256 * 1024 * 1024;
  const interval = opts.progressIntervalMs ?? 250;
  const idleMs = opts.idleTimeoutMs ?? 60_000;
  makeDirs(dirname(dest)); // not mkdir -p: Node's answers ENOENT for a read-only disk (EROFS)

  const check = (what: 'sha256' | 'gitBlobSha1', got: string) => {
    const want = expected?.[what];
    if (want && want.toLowerCase() !== got) {
      return `${url}: the downloaded file does not match the published ${what === 'sha256' ? 'SHA-256' : 'git object id'} (expected ${want}, got ${got})`;
    }
    return null;
  };

  // 1. already there?
  const destSize = await sizeOf(dest);
  if (destSize >= 0 && (expected?.sha256 || expected?.size !== undefined)) {
    if (expected.size === undefined || expected.size === destSize) {
      const h = new Hashes(expected);
      await hashFile(dest, h, signal);
      const sha = h.sha256.digest('hex');
      if (!check('sha256', sha)) return { path: dest, size: destSize, sha256: sha, resumedFrom: destSize, attempts: 0, alreadyPresent: true };
    }
  }

  // 2. a partial file from an earlier run: keep it only if it is for the same file
  let meta: Sidecar = { url, expected };
  let have = await sizeOf(part);
  if (have > 0) {
    let old: Sidecar | undefined;
    try {
      old = JSON.parse(await readFile(side, 'utf8'));
    } catch {
      old = undefined;
    }
    const sameFile = old && (old.expected?.sha256 ?? null) === (expected?.sha256 ?? null) && (expected?.sha256 || old.url === url);
    if (!sameFile || (expected?.size !== undefined && have > expected.size)) {
      await removePartial(dest);
      have = 0;
    } else {
      meta = { ...old!, url, expected };
    }
  } else if (have === 0) {
    await removePartial(dest);
  }
  const resumedFrom = Math.max(0, have);
  let total = expected?.size ?? meta.total;

  const needSpace = async (remaining: number) => {
    const free = await freeBytes(dirname(dest));
    if (free < remaining + reserve) {
      throw new DownloadError('disk-space', `not enough free disk space for ${dest}: ${fmtBytes(remaining)} still to download (+${fmtBytes(reserve)} reserve) but ${fmtBytes(free)} free in ${dirname(dest)}. Free some space or choose another folder${resumedFrom > 0 ? `; the ${fmtBytes(resumedFrom)} already downloaded are kept` : ''}.`);
    }
  };
  if (total !== undefined) await needSpace(total - resumedFrom);

  // 3. re-hash what is there, so the final digest covers the whole file
  let hashes = new Hashes(expected);
  let bytes = 0; // in the partial file (and hashed)
  let pending = 0; // received and hashed, not yet written
  const started = Date.now();
  const samples: [number, number][] = [[started, resumedFrom]];
  let lastEmit = 0;
  let attempt = 0;
  const emit = (phase: DownloadProgress['phase'], force = false, extra?: Pick<DownloadProgress, 'waitMs' | 'message'>) => {
    if (!opts.onProgress) return;
    const now = Date.now();
    if (!force && now - lastEmit < interval) return;
    lastEmit = now;
    const got = bytes + pending;
    samples.push([now, got]);
    while (samples.length > 2 && now - samples[0][0] > 5000) samples.shift();
    const [t0, b0] = samples[0];
    const bps = now > t0 ? ((got - b0) * 1000) / (now - t0) : 0;
    opts.onProgress({
      url, dest, bytes: got, total, resumedFrom, bytesPerSecond: bps, attempt, phase,
      etaSeconds: total !== undefined && bps > 0 ? (total - got) / bps : undefined, ...extra,
    });
  };
  const aborted = (s: AbortSignal) => new DownloadError('aborted', `download of ${url} paused/cancelled${s.reason instanceof Error ? `: ${s.reason.message}` : ''}; ${fmtBytes(bytes)} kept in ${part}`);
  if (resumedFrom > 0) {
    emit('hashing', true);
    bytes = await hashFile(part, hashes, signal).catch((e) => { throw signal?.aborted ? aborted(signal) : e; });
    samples.length = 0;
    samples.push([Date.now(), bytes]);
  }

  let failures = 0;
  /** EPERM/EACCES on the partial file in a row: retried LOCK_RETRIES times (a brief antivirus or indexer lock on Windows) */
  let locked = 0;
  /** `bytes` when a redirect target last refused its link (403/410), to ask the Hub for a fresh one only once per position */
  let staleLinkAt = -1;
  let etag = meta.etag;
  let linkedEtag: string | undefined;
  let linkedSize: number | undefined;
  let fh: FileHandle | undefined;

  try {
    for (;;) {
      if (signal?.aborted) throw aborted(signal);
      if (total !== undefined && bytes === total) break;
      attempt++;
      const before = bytes;
      let wait: number | undefined;
      let retryAfter: number | undefined; // what the server's Retry-After asked, ms
      let res: Response | undefined;
      // the attempt's own abort: the caller's signal (pause, cancel) or no byte from the server for idleMs (a stall),
      // which fails this attempt only — it is retried from the bytes kept, as a dropped connection is
      const idle = new AbortController();
      const stalled = () => new DownloadError('network', `${url}: the server sent nothing for ${fmtWait(idleMs)}`, undefined, true);
      let idleTimer: NodeJS.Timeout | undefined;
      const awake = () => {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => idle.abort(stalled()), idleMs);
      };
      const asleep = () => clearTimeout(idleTimer);
      const attemptSignal = signal ? AbortSignal.any([signal, idle.signal]) : idle.signal;
      try {
        awake();
        // manual redirects: see X-Linked-* on the Hub's 302, drop credentials off-origin
        let target = url;
        let headers: Record<string, string> = { ...opts.headers, 'Accept-Encoding': 'identity' };
        if (bytes > 0) {
          headers.Range = `bytes=${bytes}-`;
          if (etag && !etag.startsWith('W/')) headers['If-Range'] = etag;
        }
        for (let hop = 0; ; hop++) {
          res = await doFetch(target, { headers, redirect: 'manual', signal: attemptSignal });
          if (res.status < 300 || res.status >= 400 || res.status === 304) break;
          const loc = res.headers.get('location');
          if (!loc) break;
          linkedEtag ??= res.headers.get('x-linked-etag')?.replace(/^(W\/)?"|"$/g, '') || undefined;
          const ls = res.headers.get('x-linked-size');
          if (ls && linkedSize === undefined) linkedSize = Number(ls);
          await res.body?.cancel();
          if (hop >= MAX_REDIRECTS) throw new DownloadError('http', `${url}: more than ${MAX_REDIRECTS} redirects`, res.status);
          const next = new URL(loc, target);
          if (next.origin !== new URL(target).origin) {
            headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(authorization|cookie)$/i.test(k)));
          }
          target = next.href;
        }
        const r = res!;
        if (r.status === 416 && bytes > 0) {
          // nothing left to send: either complete, or the remote file shrank → start over
          const cr = r.headers.get('content-range')?.match(/\*\/(\d+)/);
          await r.body?.cancel();
          if (cr && Number(cr[1]) === bytes) { total = bytes; break; }
          await fh?.close(); fh = undefined;
          await removePartial(dest);
          hashes = new Hashes(expected); bytes = 0; etag = undefined;
          continue;
        }
        if (r.status !== 200 && r.status !== 206) {
          await r.body?.cancel();
          if (retryable(r.status)) {
            wait = retryAfter = retryAfterMs(r.headers.get('retry-after'));
            throw new DownloadError('http', `${url}: HTTP ${r.status}`, r.status, true);
          }
          // a 403/410 from the server a redirect led to on another origin (the Hub's CDN), not from the Hub itself: the
          // signed link it handed out (Expires=…) has expired — a cached 302, or a download resumed hours later. Go back
          // to `url` for a fresh link and resume from the bytes kept (their ETag / SHA-256 checked as on any resume); a
          // second refusal in a row, with a fresh link and no bytes in between, is a real one
          if ((r.status === 403 || r.status === 410) && new URL(target).origin !== new URL(url).origin && staleLinkAt !== bytes) {
            staleLinkAt = bytes;
            wait = 0;
            throw new DownloadError('http', `${url}: ${new URL(target).host} refused the download link it was redirected to (HTTP ${r.status}: a signed link that expired); asking ${new URL(url).host} for a fresh one`, r.status, true);
          }
          // the server that refused (after redirects) and whether a token went to it say what to do
          const hint = refusalHint(target, r.status, sendsToken(headers), opts.hubEndpoint);
          const fresh = staleLinkAt === bytes && new URL(target).origin !== new URL(url).origin ? `, even with a fresh link from ${new URL(url).host}` : '';
          throw new DownloadError('http', `${url}: HTTP ${r.status}${hint ? ` (${hint}${fresh})` : fresh}`, r.status);
        }
        let start = 0;
        if (r.status === 206) {
          const m = r.headers.get('content-range')?.match(/^bytes (\d+)-(\d+)\/(\d+|\*)$/);
          if (!m || Number(m[1]) !== bytes) {
            await r.body?.cancel();
            throw new DownloadError('http', `${url}: the server answered the range request with ${r.headers.get('content-range')} for bytes=${bytes}-`, 206, true);
          }
          // an ETag other than the partial file's: the file changed and the server (a proxy or CDN) ignored
          // If-Range — appending would splice two versions, so the partial file goes and the next attempt starts at 0.
          // Only where no SHA-256 is published (Meta's server): a published one is checked at the end anyway, and the
          // Hub's CDN URLs are content-addressed, so a CDN whose ETags vary between edges cannot restart it forever
          const tag = r.headers.get('etag');
          if (bytes > 0 && !expected?.sha256 && etag && tag && tag !== etag) {
            const was = etag;
            await r.body?.cancel();
            await fh?.close(); fh = undefined;
            await removePartial(dest);
            hashes = new Hashes(expected); bytes = 0; etag = undefined;
            wait = 0;
            throw new DownloadError('http', `${url}: the file changed on the server since the partial download (ETag ${tag}, was ${was}) and the server ignored If-Range; starting over`, 206, true);
          }
          start = bytes;
          if (m[3] !== '*') total = Number(m[3]);
        } else if (bytes > 0) {
          // 200 to a Range request: the server ignored it, or If-Range found a changed file → start over
          hashes = new Hashes(expected);
          bytes = 0;
        }
        const len = r.headers.get('content-length');
        if (r.status === 200) total = len !== null ? Number(len) : expected?.size; // the response, not an old sidecar, says how big
        if (total === undefined && linkedSize !== undefined) total = linkedSize;
        if (expected?.size !== undefined && total !== undefined && total !== expected.size) {
          await r.body?.cancel();
          await removePartial(dest);
          throw new DownloadError('size', `${url} is ${total} bytes but ${expected.size} were published; the source changed or the mirror serves another file. Nothing was kept; check the source (HF_ENDPOINT / STUDIO_IMAGEBIND_URL).`);
        }
        if (total !== undefined && start === 0) await needSpace(total);
        // the partial file is emptied (a restart from zero) before the sidecar names the new version's ETag: a kill
        // between the two then leaves an empty partial file (discarded by the next run), never the old version's
        // bytes under the new ETag, which the next run's If-Range would accept and append the new tail to
        if (!fh) fh = await open(part, start === 0 ? 'w' : 'a');
        else if (start === 0) await fh.truncate(0);
        await opts.checkpoint?.('partial');
        etag = r.headers.get('etag') ?? etag;
        meta = { ...meta, etag, total };
        await writeFile(side, JSON.stringify(meta));
        await opts.checkpoint?.('sidecar');
        if (!r.body) throw new DownloadError('network', `${url}: empty response body`, undefined, true);
        // network chunks are small (16–64 KiB): gather them into WRITE_BATCH-sized writes, hash as they come
        let pos = start;
        let batch: Uint8Array[] = [];
        let batched = 0;
        let lastFlush = Date.now();
        const flush = async () => {
          if (!batched) return;
          asleep(); // the disk's time is not the server's silence
          const buf = batch.length === 1 ? batch[0] : Buffer.concat(batch, batched);
          batch = [];
          const n = batched;
          batched = 0;
          // a short write to a regular file stops at a limit; writing the rest then fails with the reason: ENOSPC or
          // EDQUOT (the disk or the quota is full) or EFBIG (the largest file the file system or the process may write)
          for (let off = 0; off < n;) {
            const { bytesWritten } = await fh!.write(buf, off, n - off, pos);
            pos += bytesWritten;
            bytes = pos; // `bytes` counts only what is in the file, so a retry resumes exactly there
            if (bytesWritten === 0) throw Object.assign(new Error('no space left on device (nothing written)'), { code: 'ENOSPC' });
            off += bytesWritten;
          }
          pending = 0;
          lastFlush = Date.now();
          awake();
        };
        try {
          awake();
          for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
            awake();
            hashes.update(chunk);
            batch.push(chunk);
            batched += chunk.length;
            if (total !== undefined && pos + batched > total) throw new DownloadError('size', `${url}: the server sent more than the ${total} bytes it announced; nothing was kept.`);
            pending = batched;
            emit('downloading');
            if (batched >= WRITE_BATCH || Date.now() - lastFlush > 1000) await flush();
          }
        } finally {
          await flush(); // what arrived before a dropped connection is kept (and already hashed)
        }
        emit('downloading', true);
        if (total === undefined) total = bytes; // no length given: the body's end is the file's end
        if (bytes < total) throw new DownloadError('network', `${url}: connection closed at ${bytes} of ${total} bytes`, undefined, true);
      } catch (caught) {
        asleep();
        if (signal?.aborted) throw aborted(signal);
        // a stall surfaces as whatever fetch or the body stream threw on the abort: it is the stall
        const e = idle.signal.aborted ? (idle.signal.reason as DownloadError) : caught;
        const ecode = (e as NodeJS.ErrnoException).code;
        if (ecode === 'EFBIG') {
          // not a full disk (freeing space would not help): FAT32 (USB drives, SD cards) takes files up to 4 GiB, and
          // ImageBind-huge and the Vicuna shards are larger; or a file size limit of the process (ulimit -f)
          throw new DownloadError('disk-space', `${part} cannot grow past ${fmtBytes(bytes)}: the file system of ${dirname(part)} does not take files this large (${total !== undefined ? fmtBytes(total) : 'the whole file'}). FAT32, the format of many USB drives and SD cards, holds at most 4.3 GB per file (a shell's ulimit -f can set a lower limit). Set STUDIO_MODELS_DIR to a folder on a disk formatted NTFS, exFAT, ext4 or APFS.`);
        }
        if (ecode === 'ENOSPC' || ecode === 'EDQUOT') {
          // not the network's fault and no retry helps; what is in the partial file is intact (the next run re-hashes it)
          throw new DownloadError('disk-space', `the disk is full: ${part} could not be written (${fmtBytes(bytes)} of ${total !== undefined ? fmtBytes(total) : 'the file'} downloaded, kept). Free some space or choose another folder; the download resumes where it stopped.`);
        }
        if (bytes > before) locked = 0; // a lock after progress is a new one
        if ((ecode === 'EACCES' || ecode === 'EPERM') && locked < LOCK_RETRIES) {
          // on Windows an antivirus scanner or the indexer holds a new file for a moment: wait a little and try again
          // (twice); the partial file is then re-hashed from disk, so a write that half landed leaves no gap
          locked++;
          await r0(fh?.close());
          fh = undefined;
          const delay = LOCK_WAIT_MS * locked;
          emit('waiting', true, { waitMs: delay, message: `${part} is locked (${ecode}); retrying in ${fmtWait(delay)}` });
          await pause(delay, signal).catch(() => { throw aborted(signal!); });
          hashes = new Hashes(expected);
          bytes = await hashFile(part, hashes, signal).catch((err: NodeJS.ErrnoException) => {
            if (signal?.aborted) throw aborted(signal);
            if (err.code === 'ENOENT') return 0;
            throw err;
          });
          pending = 0;
          continue;
        }
        if (ecode === 'EROFS' || ecode === 'EACCES' || ecode === 'EPERM' || ecode === 'ENOTDIR' || ecode === 'EISDIR' || ecode === 'EEXIST') {
          // the folder cannot be written (read-only disk, no permission, a file in the way): no retry helps and the
          // connection is not to blame; thrown as it is, for the caller to say which folder (modelsFolderFailure)
          throw e;
        }
        if (e instanceof DownloadError && !e.retry) {
          if (e.code === 'size') {
            await fh?.close();
            fh = undefined;
            await removePartial(dest);
          }
          throw e;
        }
        const status = e instanceof DownloadError ? e.status : undefined;
        const busy = status === 429 ? 'the server is limiting requests (HTTP 429)' : `the server cannot serve now (HTTP ${status})`;
        if (retryAfter !== undefined && retryAfter > maxRetryAfter) {
          // waiting hours behind a frozen bar helps nobody: say when the server is ready again (the Get job adds how to start it
          // again, in the host's words: a second "run it again" here read twice, tester29b); the bytes stay for the resume
          throw new DownloadError('http', `${url}: ${busy} and asked to wait ${fmtWait(retryAfter)} (Retry-After), longer than the ${fmtWait(maxRetryAfter)} a download waits; the server is ready again after ${clockTime(Date.now() + retryAfter)}.${keptText(bytes)}`, status);
        }
        if (bytes > before) failures = locked = 0; // progress was made: only consecutive fruitless attempts count
        // asking for a fresh link after an expired one is no failure (it happens once per position: staleLinkAt)
        if (!(e instanceof DownloadError && e.retry && (e.status === 403 || e.status === 410))) failures++;
        if (failures > retries) {
          if (e instanceof DownloadError && e.status !== undefined && retryable(e.status)) {
            // the server answered, every time, that it could not serve now: say so (not "HTTP 429" alone, which the
            // Get job turned into "check the connection"), with what it asked for and what to do (tester18)
            const asked = wait !== undefined ? ` (it asked to wait ${Math.ceil(wait / 1000)} s)` : '';
            const why = e.status === 429
              ? `the server is limiting requests (HTTP 429, too many requests)${asked}; it gave up after ${retries} retries. Wait a few minutes${hubRepoPage(url, opts.hubEndpoint) && !sendsToken(opts.headers) ? ' (an HF_TOKEN raises the Hub’s limit)' : ''}`
              : `the server is failing or overloaded (HTTP ${e.status})${asked}; it gave up after ${retries} retries. Wait a while`;
            throw new DownloadError('http', `${url}: ${why}.${keptText(bytes)}`, e.status);
          }
          // a transient network failure of ours (a dropped connection, a stall) says how often it was tried, as fetch's own do
          if (e instanceof DownloadError && !(e.code === 'network' && e.retry)) throw e;
          const said = networkFailureText(e);
          const what = said.startsWith(`${url}: `) ? said.slice(url.length + 2) : said;
          throw new DownloadError('network', `${url}: ${what} (it gave up after ${retries} retries${bytes > 0 ? `; the ${fmtBytes(bytes)} downloaded are kept` : ''})`);
        }
        // Retry-After is waited in full (up to maxRetryAfter, above); only the computed backoff is capped at maxBackoff
        const delay = retryAfter ?? Math.min(wait ?? Math.min(maxBackoff, backoff * 2 ** (failures - 1)) * (0.5 + Math.random() / 2), maxBackoff);
        const why = retryAfter !== undefined
          ? `${busy} and asked to wait ${fmtWait(delay)} (Retry-After)`
          : status !== undefined && (status === 403 || status === 410) ? 'asking for a fresh download link'
          : status !== undefined ? `HTTP ${status}` : `${networkFailureText(e).replace(/^\S+: /, '')}`;
        emit('waiting', true, { waitMs: delay, message: delay >= 1000 ? `${why}; retrying at ${clockTime(Date.now() + delay)} (in ${fmtWait(delay)})` : why });
        await pause(delay, signal).catch(() => { throw aborted(signal!); });
      } finally {
        asleep(); // no timer outlives its attempt (it would hold the process open for idleMs)
      }
    }

    // 4. verify, then rename into place
    emit('verifying', true);
    if (fh) {
      await fh.sync();
      await fh.close();
      fh = undefined;
    }
    const size = await sizeOf(part);
    const sha = hashes.sha256.digest('hex');
    const git = hashes.gitSha1?.digest('hex');
    const problem = (expected?.size !== undefined && size !== expected.size ? `${url}: ${size} bytes downloaded but ${expected.size} were published` : null)
      ?? check('sha256', sha) ?? (git ? check('gitBlobSha1', git) : null);
    if (problem) {
      await removePartial(dest);
      throw new DownloadError('checksum', `${problem}. The file was not used and the partial download was removed; if a new download fails the same way, the source or mirror (HF_ENDPOINT) serves a different file — check it, or report it.`);
    }
    await rename(part, dest);
    await rm(side, { force: true });
    return { path: dest, size, sha256: sha, resumedFrom, attempts: attempt, alreadyPresent: false, etag, linkedEtag, linkedSize };
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
