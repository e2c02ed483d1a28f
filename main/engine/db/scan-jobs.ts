import type { Db } from './index';

/** One row of `scan_jobs` (migrations 3, 5). Times in ms since the epoch. */
export interface ScanJobRow {
  id: string;
  folder_id: string | null;
  state: 'walking' | 'running' | 'paused' | 'cancelled' | 'finished';
  /** 'library': folder scans and watcher jobs (resumed at the next start); 'paths': chosen files (never adopted) */
  kind: 'library' | 'paths';
  started_at: number;
  finished_at: number | null;
  problems_json: string;
}

/** One row of `scan_files`: a file a job found, and whether it is done. */
export interface ScanFileRow {
  path: string;
  folder_id: string | null;
  done: number;
}

/**
 * `scan_jobs` and `scan_files`: a scan is a resumable job with the set of
 * files it found; a file's done flag is committed with its result (callers
 * wrap both in one writeTx).
 */
export class ScanJobsRepo {
  constructor(private readonly db: Db) {}

  /** insert the job, or (resuming) set its state */
  upsert(id: string, folderId: string | null, kind: ScanJobRow['kind'], state: ScanJobRow['state'], startedAt: number): void {
    this.db
      .prepare(`INSERT INTO scan_jobs (id, folder_id, kind, state, started_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state`)
      .run(id, folderId, kind, state, startedAt);
  }

  /** state and problems; `finishedAt` ends the job and forgets its file set */
  setState(id: string, state: ScanJobRow['state'], problemsJson: string, finishedAt: number | null): void {
    this.db.prepare('UPDATE scan_jobs SET state = ?, finished_at = ?, problems_json = ? WHERE id = ?').run(state, finishedAt, problemsJson, id);
    if (finishedAt !== null) this.db.prepare('DELETE FROM scan_files WHERE job_id = ?').run(id);
  }

  /** the newest job of this kind that did not end */
  unfinished(kind: ScanJobRow['kind']): ScanJobRow | undefined {
    return this.db
      .prepare(`SELECT * FROM scan_jobs WHERE state IN ('walking','running','paused') AND kind = ? ORDER BY started_at DESC LIMIT 1`)
      .get(kind) as ScanJobRow | undefined;
  }

  /** every job of this kind that did not end, newest first */
  allUnfinished(kind: ScanJobRow['kind']): ScanJobRow[] {
    return this.db
      .prepare(`SELECT * FROM scan_jobs WHERE state IN ('walking','running','paused') AND kind = ? ORDER BY started_at DESC`)
      .all(kind) as ScanJobRow[];
  }

  files(jobId: string): ScanFileRow[] {
    return this.db.prepare('SELECT path, folder_id, done FROM scan_files WHERE job_id = ?').all(jobId) as ScanFileRow[];
  }

  /** add found files (or set their done flag again) */
  addFiles(jobId: string, files: { path: string; folderId: string | null; done: boolean }[]): void {
    const ins = this.db.prepare('INSERT INTO scan_files (job_id, path, folder_id, done) VALUES (?, ?, ?, ?) ON CONFLICT(job_id, path) DO UPDATE SET done = excluded.done');
    for (const f of files) ins.run(jobId, f.path, f.folderId, f.done ? 1 : 0);
  }

  markDone(jobId: string, path: string): void {
    this.db.prepare('UPDATE scan_files SET done = 1 WHERE job_id = ? AND path = ?').run(jobId, path);
  }

  forgetFile(jobId: string, path: string): void {
    this.db.prepare('DELETE FROM scan_files WHERE job_id = ? AND path = ?').run(jobId, path);
  }
}
