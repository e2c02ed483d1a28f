import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StudioError } from '@contract';

const EDGE = 64 * 1024;

/**
 * A file's identity for the cache: size + mtime + SHA-256 of its first and
 * last 64 KiB. Cheap for any length; a re-encode, a replaced file or an edit
 * of the tags changes it. 32 hex characters.
 */
export async function fingerprint(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    return await fingerprintOf(fh, await fh.stat());
  } finally {
    await fh.close();
  }
}

/** fingerprint() of a file already open (its handle and stat); the handle stays open. */
export async function fingerprintOf(fh: FileHandle, st: { size: number; mtimeMs: number }): Promise<string> {
  const h = createHash('sha256');
  h.update(`${st.size}:${Math.round(st.mtimeMs)}:`);
  const head = Buffer.alloc(Math.min(EDGE, st.size));
  await fh.read(head, 0, head.length, 0);
  h.update(head);
  if (st.size > EDGE) {
    const tailLen = Math.min(EDGE, st.size - EDGE);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, st.size - tailLen);
    h.update(tail);
  }
  return h.digest('hex').slice(0, 32);
}

export const FP_RE = /^[0-9a-f]{32}$/;

const sweeps = new Map<string, Promise<number>>();

/**
 * Files of a cache folder that no build reads any more (`stale(name)`: names of an older rule) removed, at most `max`
 * of them, once per folder per process — the first caller's sweep; later ones get the same promise. Resolves to how
 * many were removed; a folder that is not there, or a file that will not go, is no error. Callers need not wait.
 */
export function sweepOnce(dir: string, stale: (name: string) => boolean, max: number): Promise<number> {
  let p = sweeps.get(dir);
  if (!p) {
    p = (async () => {
      const names = (await readdir(dir).catch(() => [] as string[])).filter(stale).slice(0, max);
      let n = 0;
      for (const name of names) if (await rm(join(dir, name), { force: true }).then(() => true, () => false)) n++;
      return n;
    })();
    sweeps.set(dir, p);
  }
  return p;
}

/** Write a file so that readers never see it half-written. */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

/**
 * Work shared by every caller that asks for the same key while it runs
 * (peaks and spectrogram asked together decode once). Each caller can cancel
 * on its own; the work itself is aborted only when no caller is left.
 */
export class SharedJobs<T> {
  private readonly jobs = new Map<string, { controller: AbortController; waiters: number; promise: Promise<T>; listeners: Set<(f: number) => void> }>();

  run(key: string, work: (signal: AbortSignal, progress: (f: number) => void) => Promise<T>, signal?: AbortSignal, onProgress?: (f: number) => void): Promise<T> {
    let job = this.jobs.get(key);
    if (!job || job.controller.signal.aborted) {
      const controller = new AbortController();
      const listeners = new Set<(f: number) => void>();
      const promise = work(controller.signal, (f) => {
        for (const l of listeners) l(f);
      });
      const created = { controller, waiters: 0, promise, listeners };
      job = created;
      this.jobs.set(key, created);
      const cleanup = () => {
        if (this.jobs.get(key) === created) this.jobs.delete(key);
      };
      promise.then(cleanup, cleanup);
    }
    const j = job;
    j.waiters++;
    if (onProgress) j.listeners.add(onProgress);
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const leave = () => {
        if (onProgress) j.listeners.delete(onProgress);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        if (done) return;
        done = true;
        leave();
        if (--j.waiters === 0) j.controller.abort();
        reject(new StudioError('CANCELLED', 'Cancelled.'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      j.promise.then(
        (v) => {
          if (done) return;
          done = true;
          j.waiters--;
          leave();
          resolve(v);
        },
        (e) => {
          if (done) return;
          done = true;
          j.waiters--;
          leave();
          reject(e);
        },
      );
    });
  }

  get size(): number {
    return this.jobs.size;
  }
}
