/**
 * The scan job: walk the library folders, stat every media file, analyse
 * (in the worker pool) only what is new, changed or analysed by an older
 * analyser, and remove what is gone. Resumable: the job and the set of files
 * it found live in the database, each finished file is committed with its
 * "done" flag in one transaction, so a kill at any point loses no finished
 * result and repeats no finished work.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { AUDIO_EXTENSIONS, VIDEO_EXTENSIONS, StudioError, toErrorData, type ScanState } from '@contract';
import type { EngineContext } from '../context';
import { libraryVersions, versionsKey } from './analyse';
import type { Analyse } from './pool';
import { LibraryStore, TRANSIENT_CODES, newLibId, type LibRow } from './store';

const MEDIA = new Set<string>([...AUDIO_EXTENSIONS, ...VIDEO_EXTENSIONS]);
export const isMediaPath = (p: string): boolean => MEDIA.has(extname(p).slice(1).toLowerCase());

export interface Found {
  path: string;
  folderId: string | null;
  size: number;
  mtimeMs: number;
}

interface Item {
  path: string;
  trackId: string;
  only?: string[];
  attempts: number;
}

type Problem = { path: string; message: string };

/**
 * Fault injection for tests that run as root (where chmod 000 does not stop
 * reading): paths listed in STUDIO_TEST_DENY (":"-separated) behave as
 * permission denied.
 */
export function testDenied(path: string): boolean {
  const deny = process.env.STUDIO_TEST_DENY;
  if (!deny) return false;
  return deny.split(':').some((d) => d && (path === d || path.startsWith(d + '/')));
}

/** Recursive walk: media files with size + mtime; loops, unreadable folders and broken links go to `problems`. */
export async function walkFolder(root: string, folderId: string | null, problems: Problem[], onFile: (f: Found) => void): Promise<{ badDirs: string[] }> {
  const visited = new Map<string, string>();
  const badDirs: string[] = [];
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let st;
    try {
      st = await stat(dir);
    } catch (err) {
      problems.push({ path: dir, message: `Folder cannot be read: ${(err as NodeJS.ErrnoException).code === 'ELOOP' ? 'symlink loop' : (err as Error).message}. Skipped.` });
      badDirs.push(dir);
      continue;
    }
    const key = `${st.dev}:${st.ino}`;
    const seen = visited.get(key);
    if (seen !== undefined) {
      problems.push({ path: dir, message: `Symlink loop (or second link to a folder): this folder is already scanned as "${seen}". Skipped.` });
      continue;
    }
    visited.set(key, dir);
    let entries;
    try {
      if (testDenied(dir)) throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push({ path: dir, message: `Folder cannot be read (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message}). Skipped; its files are kept as they were.` });
      badDirs.push(dir);
      continue;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isSymbolicLink()) {
        const t = await stat(p).catch((err: NodeJS.ErrnoException) => err);
        if (t instanceof Error) {
          problems.push({ path: p, message: t.code === 'ELOOP' ? 'Symlink loop. Skipped.' : `Broken link (${t.code ?? t.message}). Skipped.` });
        } else if (t.isDirectory()) stack.push(p);
        else if (t.isFile() && isMediaPath(p)) onFile({ path: p, folderId, size: t.size, mtimeMs: t.mtimeMs });
      } else if (e.isFile() && isMediaPath(p)) {
        const t = await stat(p).catch(() => null);
        if (t) onFile({ path: p, folderId, size: t.size, mtimeMs: t.mtimeMs });
      }
    }
  }
  return { badDirs };
}

interface Job {
  id: string;
  folderIds: string[] | null;
  state: ScanState['state'];
  queue: Item[];
  inflight: number;
  total: number;
  done: number;
  failed: number;
  current: string | null;
  problems: Problem[];
  startedAt: number;
  runStart: number;
  audioSec: number;
  processed: number;
  controller: AbortController;
  resume: (() => void) | null;
}

export class LibraryScanner {
  private job: Job | null = null;
  private last: ScanState = { jobId: null, state: 'idle', total: 0, done: 0, failed: 0, currentFile: null, rate: null, etaSec: null, startedAt: null, problems: [] };
  private stateTimer: NodeJS.Timeout | null = null;
  private lastEmit = 0;
  private changed = { added: 0, updated: 0, removed: 0 };
  private changedTimer: NodeJS.Timeout | null = null;
  private followUps: (string | null)[] = [];
  private backlog: string[] = [];
  private readonly key = versionsKey(libraryVersions());
  private readonly versions = libraryVersions();
  /** resolves when the current job ends (tests, CLI) */
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly ctx: EngineContext,
    private readonly store: LibraryStore,
    private readonly makePool: () => Analyse,
  ) {}

  state(): ScanState {
    const j = this.job;
    if (!j) return this.last;
    const elapsed = (Date.now() - j.runStart) / 1000;
    const remaining = Math.max(0, j.total - j.done - j.failed);
    const perFile = j.processed > 0 ? elapsed / j.processed : null;
    return {
      jobId: j.id,
      state: j.state,
      total: j.total,
      done: j.done,
      failed: j.failed,
      currentFile: j.current,
      rate: elapsed > 0 && j.audioSec > 0 ? Math.round((j.audioSec / elapsed) * 10) / 10 : null,
      etaSec: perFile !== null && j.state === 'running' ? Math.round(remaining * perFile * 10) / 10 : null,
      startedAt: j.startedAt,
      problems: j.problems.slice(0, 500),
    };
  }

  get busy(): boolean {
    return this.job !== null;
  }

  whenIdle(): Promise<void> {
    return this.job ? new Promise((r) => this.idleWaiters.push(r)) : Promise.resolve();
  }

  /** Start a scan of all folders (or one), or resume the unfinished job in the database. */
  start(folderId?: string): ScanState {
    if (this.job) {
      if (this.job.state === 'paused') this.control('resume');
      else if (this.job.folderIds !== null && !(folderId !== undefined && this.job.folderIds.includes(folderId))) {
        // a scan asked for while a watcher / one-folder job runs: it follows that job
        const want = folderId ?? null;
        if (!this.followUps.includes(want)) this.followUps.push(want);
      }
      return this.state();
    }
    if (folderId) this.store.folder(folderId);
    const unfinished = this.store.unfinishedJob();
    const job = this.newJob(unfinished?.id ?? newLibId(), unfinished ? (unfinished.folder_id ? [unfinished.folder_id] : null) : folderId ? [folderId] : null);
    if (unfinished) {
      job.startedAt = unfinished.started_at;
      job.problems = JSON.parse(unfinished.problems_json) as Problem[];
    }
    this.job = job;
    void this.run(job, unfinished ? (unfinished.state === 'walking' ? 'walk' : 'resume') : 'walk');
    return this.state();
  }

  control(action: 'pause' | 'resume' | 'cancel'): ScanState {
    const j = this.job;
    if (!j) return this.state();
    if (action === 'pause' && j.state === 'running') {
      j.state = 'paused';
      this.persistJobState(j);
    } else if (action === 'resume' && j.state === 'paused') {
      j.state = 'running';
      this.persistJobState(j);
      j.resume?.();
      j.resume = null;
    } else if (action === 'cancel') {
      j.state = 'cancelled';
      j.controller.abort();
      j.resume?.();
      j.resume = null;
      this.persistJobState(j, true);
    }
    this.emitState(true);
    return this.state();
  }

  /** Analyse these files / folders (inside library folders or not) as one job; queued after a running job. */
  scanPaths(paths: string[]): ScanState {
    if (this.job) {
      this.explicit.push(...paths);
      return this.state();
    }
    const job = this.newJob(newLibId(), []);
    this.job = job;
    void this.run(job, 'explicit', paths);
    return this.state();
  }

  private explicit: string[] = [];

  /** Files or folders that changed on disk (the watcher): analysed, moved or removed without a full scan. */
  enqueuePaths(paths: string[]): void {
    this.backlog.push(...paths);
    if (!this.job) this.startBacklog();
  }

  private startBacklog(): void {
    if (!this.backlog.length) return;
    const paths = [...new Set(this.backlog.splice(0))];
    const job = this.newJob(newLibId(), []);
    this.job = job;
    void this.run(job, 'paths', paths);
  }

  private newJob(id: string, folderIds: string[] | null): Job {
    const now = Date.now();
    return {
      id, folderIds, state: 'running', queue: [], inflight: 0, total: 0, done: 0, failed: 0, current: null, problems: [],
      startedAt: now, runStart: now, audioSec: 0, processed: 0, controller: new AbortController(), resume: null,
    };
  }

  private async run(job: Job, mode: 'walk' | 'resume' | 'paths' | 'explicit', paths: string[] = []): Promise<void> {
    try {
      this.store.write(() => {
        this.store.db
          .prepare(`INSERT INTO scan_jobs (id, folder_id, state, started_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state`)
          .run(job.id, job.folderIds?.length === 1 ? job.folderIds[0] : null, mode === 'walk' ? 'walking' : 'running', job.startedAt);
      });
      this.emitState(true);
      if (mode === 'walk') await this.walkPhase(job);
      else if (mode === 'resume') await this.resumePhase(job);
      else if (mode === 'paths') await this.pathsPhase(job, paths);
      else await this.explicitPhase(job, paths);
      if (job.state !== 'cancelled') {
        this.persistJobState(job);
        await this.processPhase(job);
      }
      if (job.state !== 'cancelled') {
        job.state = 'finished';
        this.persistJobState(job, true);
      }
    } catch (err) {
      job.problems.push({ path: this.ctx.dataDir, message: toErrorData(err).message });
      job.state = 'cancelled';
      job.controller.abort();
      try {
        this.persistJobState(job, true);
      } catch {
        // the database is the problem; the state event says so
      }
    }
    job.current = null;
    this.last = this.state();
    this.job = null;
    this.emitState(true);
    this.flushChanged();
    for (const w of this.idleWaiters.splice(0)) w();
    const next = this.followUps.shift();
    if (next !== undefined) this.start(next ?? undefined);
    else if (this.explicit.length) this.scanPaths(this.explicit.splice(0));
    else this.startBacklog();
  }

  private persistJobState(job: Job, final = false): void {
    const state = job.state === 'running' || job.state === 'paused' ? job.state : job.state === 'finished' ? 'finished' : job.state === 'cancelled' ? 'cancelled' : 'running';
    this.store.write(() => {
      this.store.db
        .prepare('UPDATE scan_jobs SET state = ?, finished_at = ?, problems_json = ? WHERE id = ?')
        .run(state, final ? Date.now() : null, JSON.stringify(job.problems.slice(0, 1000)), job.id);
      if (final) this.store.db.prepare('DELETE FROM scan_files WHERE job_id = ?').run(job.id);
    });
  }

  private async walkPhase(job: Job): Promise<void> {
    const folders = this.store.folders().filter((f) => !job.folderIds || job.folderIds.includes(f.id));
    for (const folder of folders) {
      if (job.state === 'cancelled') return;
      const rootSt = await stat(folder.path).catch((e: NodeJS.ErrnoException) => e);
      if (rootSt instanceof Error || !rootSt.isDirectory() || testDenied(folder.path)) {
        const missing = rootSt instanceof Error && rootSt.code === 'ENOENT';
        this.store.setFolderStatus(folder.id, missing ? 'missing' : 'unreadable');
        job.problems.push({ path: folder.path, message: missing ? 'Library folder is missing (unplugged drive, moved or deleted). Its tracks are kept.' : 'Library folder cannot be read. Its tracks are kept.' });
        continue;
      }
      if (folder.status !== 'ok') this.store.setFolderStatus(folder.id, 'ok');
      const found: Found[] = [];
      const { badDirs } = await walkFolder(folder.path, folder.id, job.problems, (f) => {
        found.push(f);
        job.total++;
        if (found.length % 500 === 0) this.emitState();
      });
      job.total -= found.length;
      this.classify(job, found);
      // files gone from this folder (not under a folder that could not be read)
      const seen = new Set(found.map((f) => f.path));
      const gone = this.store
        .libraryRowsUnder(folder.path)
        .filter((r) => !seen.has(r.path) && !badDirs.some((d) => r.path.startsWith(d + '/')));
      if (gone.length) {
        this.store.removeTracks(gone.map((r) => r.id));
        this.bumpChanged({ removed: gone.length });
      }
    }
  }

  private async resumePhase(job: Job): Promise<void> {
    const rows = this.store.db.prepare('SELECT path, folder_id, done FROM scan_files WHERE job_id = ?').all(job.id) as { path: string; folder_id: string | null; done: number }[];
    const toCheck: Found[] = [];
    for (const r of rows) {
      if (r.done) {
        job.total++;
        job.done++;
        continue;
      }
      const st = await stat(r.path).catch(() => null);
      if (st?.isFile()) toCheck.push({ path: r.path, folderId: r.folder_id, size: st.size, mtimeMs: st.mtimeMs });
      else {
        const row = this.store.rowsByPath().get(r.path);
        if (row?.lib_status) {
          this.store.removeTracks([row.id]);
          this.bumpChanged({ removed: 1 });
        }
        this.store.write(() => this.store.db.prepare('DELETE FROM scan_files WHERE job_id = ? AND path = ?').run(job.id, r.path));
      }
    }
    this.classify(job, toCheck);
  }

  private async pathsPhase(job: Job, paths: string[]): Promise<void> {
    const folders = this.store.folders();
    const folderOf = (p: string) => folders.filter((f) => p === f.path || p.startsWith(f.path + '/')).sort((a, b) => b.path.length - a.path.length)[0];
    const found: Found[] = [];
    const vanished: LibRow[] = [];
    for (const p of paths) {
      const folder = folderOf(p);
      if (!folder) continue;
      const st = await lstat(p).catch(() => null);
      if (!st) {
        vanished.push(...this.store.libraryRowsUnder(p));
        continue;
      }
      if (st.isDirectory()) await walkFolder(p, folder.id, job.problems, (f) => found.push(f));
      else if (isMediaPath(p)) {
        const t = await stat(p).catch(() => null);
        if (t?.isFile()) found.push({ path: p, folderId: folder.id, size: t.size, mtimeMs: t.mtimeMs });
      }
    }
    // a move: a new path with the size and mtime of a path that vanished keeps its row (analysis, chat)
    const byPath = this.store.rowsByPath();
    const rest: Found[] = [];
    for (const f of found) {
      const i = byPath.has(f.path) ? -1 : vanished.findIndex((v) => v.size === f.size && v.mtime_ms === f.mtimeMs);
      if (i >= 0) {
        this.store.moveTrack(vanished[i].id, f.path, f.folderId);
        vanished.splice(i, 1);
        this.bumpChanged({ updated: 1 });
      } else rest.push(f);
    }
    const gone = [...new Set(vanished.map((v) => v.id))];
    if (gone.length) {
      this.store.removeTracks(gone);
      this.bumpChanged({ removed: gone.length });
    }
    this.classify(job, rest);
  }

  private async explicitPhase(job: Job, paths: string[]): Promise<void> {
    const folders = this.store.folders();
    const folderOf = (p: string) => folders.filter((f) => p === f.path || p.startsWith(f.path + '/')).sort((a, b) => b.path.length - a.path.length)[0]?.id ?? null;
    const found: Found[] = [];
    for (const p of paths) {
      const st = await stat(p).catch((e: NodeJS.ErrnoException) => e);
      if (st instanceof Error) job.problems.push({ path: p, message: st.code === 'ENOENT' ? 'Does not exist.' : `Cannot be read: ${st.message}` });
      else if (st.isDirectory()) await walkFolder(p, folderOf(p), job.problems, (f) => found.push(f));
      else found.push({ path: p, folderId: folderOf(p), size: st.size, mtimeMs: st.mtimeMs });
    }
    this.classify(job, found);
  }

  /** Decide per found file: unchanged and current → done (stat only); else pending and queued. */
  private classify(job: Job, found: Found[]): void {
    if (!found.length) return;
    const rows = this.store.rowsByPath();
    let added = 0;
    let updated = 0;
    this.store.write(() => {
      const ins = this.store.db.prepare('INSERT INTO scan_files (job_id, path, folder_id, done) VALUES (?, ?, ?, ?) ON CONFLICT(job_id, path) DO UPDATE SET done = excluded.done');
      const setFolder = this.store.db.prepare('UPDATE tracks SET folder_id = ? WHERE id = ?');
      for (const f of found) {
        const r = rows.get(f.path);
        const same = r && r.size === f.size && r.mtime_ms === f.mtimeMs;
        let only: string[] | undefined;
        let skip = false;
        if (same && r.lib_status === 'analysed') {
          if (r.lib_versions === this.key) skip = true;
          else {
            const stored = this.store.storedVersions(r.id);
            only = Object.keys(this.versions).filter((n) => stored[n] !== this.versions[n]);
            if (!only.length) skip = true;
          }
        } else if (same && r.lib_status === 'failed' && !TRANSIENT_CODES.has(r.lib_error_code ?? '')) skip = true;
        job.total++;
        if (skip) {
          if (f.folderId && r!.folder_id !== f.folderId) setFolder.run(f.folderId, r!.id);
          ins.run(job.id, f.path, f.folderId, 1);
          job.done++;
          continue;
        }
        ins.run(job.id, f.path, f.folderId, 0);
        const { id, added: isNew } = this.store.markPending(f.path, f.folderId, f.size, f.mtimeMs, r);
        if (isNew) added++;
        else updated++;
        job.queue.push({ path: f.path, trackId: id, only: only && r?.lib_status === 'analysed' ? only : undefined, attempts: 0 });
      }
    });
    this.bumpChanged({ added, updated });
    this.emitState();
  }

  private async processPhase(job: Job): Promise<void> {
    if (!job.queue.length) return;
    job.runStart = Date.now();
    const pool = this.makePool();
    try {
      await Promise.all(Array.from({ length: Math.max(1, pool.size) }, () => this.runner(job, pool)));
    } finally {
      await pool.close();
    }
  }

  private async runner(job: Job, pool: Analyse): Promise<void> {
    for (;;) {
      if (job.state === 'cancelled') return;
      if (job.state === 'paused') {
        await new Promise<void>((r) => {
          const prev = job.resume;
          job.resume = () => (prev?.(), r());
        });
        continue;
      }
      const item = job.queue.shift();
      if (!item) return;
      job.current = item.path;
      job.inflight++;
      this.emitState();
      let doneSec = 0;
      try {
        if (testDenied(item.path)) throw new StudioError('UNREADABLE', `"${item.path.split('/').pop()}" cannot be read: permission denied. Check the file's permissions.`);
        const res = await pool.run({ path: item.path, cacheDir: this.ctx.cacheDir, only: item.only }, job.controller.signal, (s) => (doneSec = s));
        this.store.recordResult(item.trackId, res, this.key, () => this.markDone(job, item.path));
        job.done++;
        job.processed++;
        job.audioSec += res.durationSec;
        this.bumpChanged({ updated: 1 });
      } catch (err) {
        job.audioSec += doneSec;
        if ((job.state as ScanState["state"]) === "cancelled") return;
        if (err instanceof StudioError && err.message.startsWith('The library database cannot be written')) throw err;
        const e = toErrorData(err);
        if (e.code === 'FILE_CHANGED' && item.attempts < 1) {
          item.attempts++;
          const st = await stat(item.path).catch(() => null);
          if (st) job.queue.push(item);
          else {
            this.store.removeTracks([item.trackId]);
            this.markDoneTx(job, item.path);
            job.done++;
            this.bumpChanged({ removed: 1 });
          }
          continue;
        }
        const st = await stat(item.path).catch(() => null);
        this.store.recordFailure(item.trackId, e.code, e.message, st ? { size: st.size, mtimeMs: st.mtimeMs } : null, () => this.markDone(job, item.path));
        job.failed++;
        job.processed++;
        this.bumpChanged({ updated: 1 });
      } finally {
        job.inflight--;
      }
      this.emitState();
    }
  }

  private markDone(job: Job, path: string): void {
    this.store.db.prepare('UPDATE scan_files SET done = 1 WHERE job_id = ? AND path = ?').run(job.id, path);
  }

  private markDoneTx(job: Job, path: string): void {
    this.store.write(() => this.markDone(job, path));
  }

  // ---- events (throttled) ------------------------------------------------

  private emitState(force = false): void {
    const now = Date.now();
    if (force || now - this.lastEmit >= 250) {
      if (this.stateTimer) clearTimeout(this.stateTimer);
      this.stateTimer = null;
      this.lastEmit = now;
      this.ctx.emit('library:scan-state', this.state());
      return;
    }
    if (!this.stateTimer) {
      this.stateTimer = setTimeout(() => {
        this.stateTimer = null;
        this.lastEmit = Date.now();
        this.ctx.emit('library:scan-state', this.state());
      }, 250 - (now - this.lastEmit));
    }
  }

  bumpChanged(d: Partial<{ added: number; updated: number; removed: number }>): void {
    this.changed.added += d.added ?? 0;
    this.changed.updated += d.updated ?? 0;
    this.changed.removed += d.removed ?? 0;
    if (!this.changedTimer) this.changedTimer = setTimeout(() => this.flushChanged(), 250);
  }

  private flushChanged(): void {
    if (this.changedTimer) clearTimeout(this.changedTimer);
    this.changedTimer = null;
    const c = this.changed;
    if (c.added + c.updated + c.removed === 0) return;
    this.changed = { added: 0, updated: 0, removed: 0 };
    this.ctx.emit('library:changed', c);
  }
}
