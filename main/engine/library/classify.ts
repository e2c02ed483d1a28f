/**
 * The scan's decision per found file, against the rows loaded once for the
 * job: unchanged and analysed by the current analysers → done (it cost one
 * stat); analysed by an older version of some analysers → those re-run
 * (`only`); unchanged and failed for a lasting reason → done; anything else →
 * pending and queued. Writes go through the store in one transaction.
 * Unchanged failed files are counted apart (`failed`), so a rescan's
 * progress says "N failed" for the failed rows that remain.
 */
import type { ProbeResult } from '@contract';
import type { LibRow } from '../db/tracks';
import { librarySameAs, staleAnalysers, tagsReadCurrent } from './analyse';
import { bestIfNotFirst } from '../media/best-stream';
import type { LibraryStore } from './store';
import type { Found } from './walk';

/**
 * failures worth retrying on the next scan even when the file did not change; NOT_FOUND ("does not exist": the
 * file was renamed or replaced while the scan reached it) is no lasting reason for a file the scan has just found
 */
export const TRANSIENT_CODES = new Set(['UNREADABLE', 'FILE_CHANGED', 'NOT_FOUND', 'FFMPEG_MISSING', 'INTERNAL', 'CANCELLED', 'ENGINE_CRASHED', 'DB_WRITE_FAILED']);

/**
 * Whether a stored probe (ProbeResult JSON) states another audio stream than the one ffmpeg picks (bestIfNotFirst:
 * a later stream flagged default): a row analysed before the app read that stream everywhere, whose analysis,
 * waveform and probe are of the first stream. Such an unchanged row is analysed again in full by the next scan;
 * once re-analysed its probe states the picked stream and it is not again. Damaged JSON: false. Pure.
 */
export function readsOtherStream(probeJson: string): boolean {
  try {
    const p = JSON.parse(probeJson) as Pick<ProbeResult, 'audio' | 'streams'>;
    const best = bestIfNotFirst(p.streams ?? [], 'audio');
    return best !== null && p.audio?.index !== best;
  } catch {
    return false;
  }
}

/** A file to analyse: its row, and (a newer analyser version) which analysers to run. */
export interface QueueItem {
  path: string;
  trackId: string;
  only?: string[];
  attempts: number;
  /** bytes when found (the scan analyses the largest first) */
  size: number;
  /** modification time when found (ms; classify's retag rows: the re-probe skips a file changed since) */
  mtimeMs?: number;
}

/**
 * Whether an analysed row's stored probe predates the tags reading that holds the tempo and key a file states
 * (tagsReadCurrent): its tags are re-read by the scan (classify's `retag`; a resumed scan's too: job.ts resumePhase).
 * Pure.
 */
export function needsRetag(r: Pick<LibRow, 'lib_status' | 'lib_versions'>, key: string): boolean {
  return r.lib_status === 'analysed' && r.lib_versions !== key && !tagsReadCurrent(r.lib_versions);
}

export interface Classified {
  queue: QueueItem[];
  /**
   * unchanged rows whose lib_versions lacks the current tag reading (tagsReadCurrent): stored before the probe's tags
   * held the tempo and key — their tags alone are read again (readTempoKeyTags), no analysis. Not counted in `done`:
   * the scan counts each when its tags are re-read (a pause during the re-read shows how far it got; left19b)
   */
  retag: QueueItem[];
  /** files already analysed and unchanged (stat only) */
  done: number;
  /** files unchanged since they failed for a lasting reason (not retried; the scan counts them as failed) */
  failed: number;
  added: number;
  updated: number;
}

/** How classify decides and records (the catch-up at engine start: job.ts catchUpPhase). */
export interface ClassifyOptions {
  /**
   * true: only what changed on disk is work — a found file whose row has its size and mtime is done whatever its
   * status (analysed by an older analyser, tags not re-read, failed, pending after a cancelled scan: the next Scan
   * takes those up), and only the queued files are recorded in the job's file set (its resume counts its own work)
   */
  changedOnly?: boolean;
  /** called inside the transaction just before the job's files are first recorded (the catch-up stores its job then) */
  beforeRecord?: () => void;
}

/**
 * The found file's identity ("DEV:INO", walk.ts fileIdentity; none where its file system keeps no inode numbers)
 * recorded on its row where it differs (migration 19: a first scan after the update records every row's once), in
 * the caller's transaction; `row` (the job's copy) is kept current.
 */
function recordFileId(store: LibraryStore, row: LibRow, f: Found): void {
  const fileId = f.fileId ?? null;
  if ((row.lib_file_id ?? null) === fileId) return;
  store.tracks.setFileId(row.id, fileId);
  row.lib_file_id = fileId;
}

/**
 * Decide and record every found file. `rows` (by path) is the job's copy of
 * the table, kept current here (new rows are added to it). `versions` are the
 * current analysers' versions, `key` their versionsKey().
 */
export function classify(
  store: LibraryStore,
  jobId: string,
  found: Found[],
  rows: Map<string, LibRow>,
  versions: Record<string, number>,
  key: string,
  opts: ClassifyOptions = {},
): Classified {
  const out: Classified = { queue: [], retag: [], done: 0, failed: 0, added: 0, updated: 0 };
  let sameAs: ReturnType<typeof librarySameAs> | undefined;
  if (!found.length) return out;
  store.write(() => {
    const files: { path: string; folderId: string | null; done: boolean }[] = [];
    for (const f of found) {
      const r = rows.get(f.path);
      const same = r !== undefined && r.size === f.size && r.mtime_ms === f.mtimeMs;
      let only: string[] | undefined;
      let skip = false;
      if (same && opts.changedOnly && r.lib_status) skip = true;
      else if (same && r.lib_status === 'analysed') {
        const json = r.multi_audio ? store.tracks.probeJsonOf(r.id) : null;
        if (json !== null && readsOtherStream(json)) skip = false; // analysed of the first audio stream: all again
        else if (r.lib_versions === key) skip = true;
        else {
          // a bump that changed only short tracks' results (Analyser.sameAs: the tempo's loop rule) leaves longer ones be
          only = staleAnalysers(store.storedVersions(r.id), versions, (sameAs ??= librarySameAs()), r.duration_sec ?? null);
          if (!only.length) skip = true;
        }
      } else if (same && r.lib_status === 'failed' && !TRANSIENT_CODES.has(r.lib_error_code ?? '')) skip = true;
      if (skip) {
        // analysed by the current analysers, its probe's tags read before they held the tempo and key: re-probed
        const retag = !opts.changedOnly && needsRetag(r!, key);
        if (retag) out.retag.push({ path: f.path, trackId: r!.id, attempts: 0, size: f.size, mtimeMs: f.mtimeMs });
        if (f.folderId && r!.folder_id !== f.folderId) {
          store.tracks.setFolder(r!.id, f.folderId);
          r!.folder_id = f.folderId;
        }
        recordFileId(store, r!, f);
        if (!opts.changedOnly) files.push({ path: f.path, folderId: f.folderId, done: true });
        if (r!.lib_status === 'failed') out.failed++;
        else if (!retag) out.done++;
        continue;
      }
      files.push({ path: f.path, folderId: f.folderId, done: false });
      const { id, added } = store.markPending(f.path, f.folderId, f.size, f.mtimeMs, r, f.realPath);
      if (added) out.added++;
      else out.updated++;
      const wasAnalysed = r?.lib_status === 'analysed';
      const row: LibRow = {
        id, path: f.path, size: r?.size ?? f.size, mtime_ms: r?.mtime_ms ?? f.mtimeMs, lib_status: 'pending', lib_versions: r?.lib_versions ?? null,
        lib_error_code: null, folder_id: f.folderId ?? r?.folder_id ?? null, in_recent: r?.in_recent ?? 0,
        real_path: r?.real_path ?? f.realPath ?? f.path, lib_aliases: r?.lib_aliases ?? null, lib_file_id: r?.lib_file_id ?? null,
      };
      recordFileId(store, row, f);
      rows.set(f.path, row);
      out.queue.push({ path: f.path, trackId: id, only: only && wasAnalysed ? only : undefined, attempts: 0, size: f.size });
    }
    if (files.length) {
      opts.beforeRecord?.();
      store.jobs.addFiles(jobId, files);
    }
  });
  return out;
}
