/**
 * The scan job: walk the library folders (walk.ts), sniff files whose
 * extension is not a listed media one (sniff.ts), decide per file against the
 * rows loaded once for the job (classify.ts), analyse in the worker pool only
 * what is new, changed or analysed by an older analyser, and remove what is
 * gone. Resumable: the job and the set of files it found live in the database
 * (db/scan-jobs.ts); each finished file is committed with its "done" flag in
 * one transaction, so a kill at any point loses no finished result and
 * repeats no finished work. Folder scans and watcher jobs ('library') resume
 * at the next engine start; jobs of chosen files ('paths', e.g. `studio
 * analyze`) end with the engine that ran them and are closed, visibly, by the
 * next one. At the start of an engine that watches the folders, the catch-up
 * (catchUp) walks them for what changed while the studio was closed.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { StudioError, toErrorData, type LibraryFolder, type ScanState, type SkipGroup } from '@contract';
import type { EngineContext } from '../context';
import { StateStamper } from '../state-order';
import type { LibRow } from '../db/tracks';
import { innermost, isInside, notFoundMessage, notUtf8Message, undecodableName } from '../fs/paths';
import { libraryVersions, readTempoKeyTags, scanKey } from './analyse';
import { classify, needsRetag, type QueueItem, TRANSIENT_CODES } from './classify';
import type { Analyse } from './pool';
import { sniffAudio, isMediaPath } from './sniff';
import { isTagWriteTemp, removeStaleCopy } from './tag-write';
import { oneRowPerFile, withRealPaths } from './aliases';
import { aliasList, LibraryStore, newLibId } from './store';
import { fileIdentity, specialKind, testDenied, walkFolder, type Found, type Problem, type Skip } from './walk';
import { constants as fsConstants, realpathSync } from 'node:fs';
import { access, lstat, realpath, stat } from 'node:fs/promises';

export { isMediaPath };

/** found files recorded per transaction (classify.ts), the event loop let go between */
export const CLASSIFY_BATCH = 500;

/** listed skipped files kept per job (all are counted) */
const MAX_SKIPS_LISTED = 500;

interface Job {
  id: string;
  kind: 'library' | 'paths';
  folderIds: string[] | null;
  state: ScanState['state'];
  queue: QueueItem[];
  inflight: number;
  total: number;
  done: number;
  failed: number;
  current: string | null;
  problems: Problem[];
  /** every skip counted (`folders` of them folders), the first MAX_SKIPS_LISTED listed, every reason counted in `groups` (by its words) */
  skipped: { count: number; folders: number; files: Skip[]; groups: Map<string, SkipGroup> };
  startedAt: number;
  runStart: number;
  audioSec: number;
  processed: number;
  controller: AbortController;
  resume: (() => void) | null;
  /** the tracks table by path, loaded once for the job and kept current by it */
  rows: Map<string, LibRow> | null;
  /** unchanged analysed rows whose tags are read again (classify's `retag`: stored before they held the tempo and key) */
  retag: QueueItem[];
  /**
   * classify's `retag` rows not re-read yet (counted in `total`, not in `done`): the ETA leaves them out of the
   * analyses left and gives them their own cost, measured on the re-reads so far (`retagSec` over `retagRead`) — a
   * tags-only read takes milliseconds, an analysis seconds (5,000 old rows beside 3 new files read "about 3–7 h left")
   */
  retagLeft: number;
  retagSec: number;
  retagRead: number;
  /**
   * the catch-up at engine start (LibraryScanner.catchUp): counts only the files it analyses (an unchanged file is no
   * work of its own), and is silent — no state event, the last job's state kept — until `heard`
   */
  catchUp: boolean;
  /**
   * the folder watcher's job (startBacklog): like the catch-up it counts only its own work — an unchanged file in its
   * batch (the file a tag write just replaced, its new size and mtime recorded) is none, so such a job ends 0 / 0 and
   * the page keeps the last scan's summary instead of "Scan finished 1 / 1" after Write tags (tester29a)
   */
  watcher: boolean;
  /** a catch-up found something to say: a file to analyse, a folder newly missing, an error, a pause */
  heard: boolean;
  /** the job's row is in scan_jobs (a catch-up stores it with its first file to analyse: classify's beforeRecord) */
  stored: boolean;
  /** ScanState.resumed: the interrupted job this one took up, how far it had got */
  resumed: { done: number; total: number } | null;
  /** ScanState.moved: rows that followed their file to a new path (matchMoves) */
  moved: number;
  /** the ids of the rows matchMoves followed: a row follows one file per job */
  followed: Set<string>;
  /** the library's rows by size and mtime (sizeMtimeKey), made on first use by goneElsewhere */
  bySizeMtime: Map<string, LibRow[]> | null;
  /** per device number, whether its file system keeps inode numbers (walk.ts fileIdentity), asked once per job */
  stableInodes: Map<number, Promise<boolean>>;
}

/** the waveform's analysers (one media-cache entry: both or neither, library/analyse.ts) */
const WAVE_ANALYSERS = ['peaks', 'spectrogram'];

/** `path` as given and its real path (symlinks resolved) where that differs and can be read: LibraryScanner.isOwn's two spellings */
function givenAndReal(path: string): string[] {
  try {
    const real = realpathSync(path);
    return real === path ? [path] : [path, real];
  } catch {
    return [path];
  }
}

/** why the studio's own data folder is not walked as music (a skip of the scan bar, LibraryScanner.isOwn) */
export const OWN_FOLDER_REASON = "not music: the studio's own data folder (its database and caches)";

/**
 * Whether a library folder (a root the user added) is there to be walked, as every part of the scan asks it (a Rescan's
 * walk, the catch-up at start, the watcher's batch, a gone file's rows at a job's end, a queued file found gone):
 * `missing` where stat says ENOENT (an unplugged drive, a folder renamed or deleted); `unreadable` where stat fails
 * otherwise, the path is not a folder, or the folder may not be listed and entered (access R_OK|X_OK: chmod 000, a
 * drive mounted for another user) — or STUDIO_TEST_DENY names it (walk.ts testDenied: a test run as root); else `ok`.
 * Before lib40 each of the five wrote its own stat, and the watcher's and the gone-file check took a denied folder
 * for a readable one: the watcher's batch removed the rows of files it could not see there, and a queued file gone
 * from it was marked failed. Never throws.
 */
export async function libraryFolderState(path: string): Promise<LibraryFolder['status']> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => e);
  if (st instanceof Error) return st.code === 'ENOENT' ? 'missing' : 'unreadable';
  if (!st.isDirectory() || testDenied(path)) return 'unreadable';
  return access(path, fsConstants.R_OK | fsConstants.X_OK).then(
    () => 'ok' as const,
    () => 'unreadable' as const,
  );
}

/**
 * What to add to the message of a file that cannot be found or read where the library folder holding it (the
 * innermost of `folders`) is not there now (libraryFolderState): ` Its library folder "/media/USB" is missing (an
 * unplugged drive, moved or deleted); its tracks are kept.` (a leading space), or "" where the folder is there or none
 * holds the path. `studio analyze` of such a file, and opening one (media:open, handlers/index.ts), say it.
 */
export async function absentFolderNote(path: string, folders: readonly LibraryFolder[]): Promise<string> {
  const root = innermost(path, [...folders]);
  const state = root && root.path !== path ? await libraryFolderState(root.path) : 'ok';
  if (state === 'ok') return '';
  return ` Its library folder "${root!.path}" ${state === 'missing' ? 'is missing (an unplugged drive, moved or deleted)' : 'cannot be read'}; its tracks are kept.`;
}

/**
 * The problem a scan reports for a library folder (a root the user added) that is not a readable folder: `missing`
 * (ENOENT: an unplugged drive, renamed or deleted) → NOT_FOUND with kind `folder-missing`; otherwise UNREADABLE.
 * Either way its tracks are kept (marked missing / unreadable), which the message says.
 */
function libraryFolderProblem(path: string, missing: boolean): Problem {
  return missing
    ? { path, code: 'NOT_FOUND', kind: 'folder-missing', message: 'Library folder is missing (unplugged drive, moved or deleted). Its tracks are kept.' }
    : { path, code: 'UNREADABLE', message: 'Library folder cannot be read. Its tracks are kept.' };
}

/**
 * The problems of a scan job as stored (scan_jobs.problems_json: a JSON array of ScanProblem). A job stored by a build
 * before ScanProblem.kind (an interrupted scan resumed, or a killed `studio analyze` closed, after an update) has no
 * `kind`: it is given here from the words those builds wrote (walk.ts, libraryFolderProblem), so that the scan bar
 * groups it as a new problem of the same kind (problemsSummary reads only the kind). A problem with a kind is kept as is.
 */
export function storedProblems(json: string): Problem[] {
  return (JSON.parse(json) as Problem[]).map((p) => {
    if (p.kind) return p;
    const kind =
      p.code === 'UNREADABLE' && p.message.startsWith('Symlink loop (or second link to a folder)') ? 'folder-seen'
      : p.code === 'UNREADABLE' && p.message.startsWith('Folder cannot be read: symlink loop.') ? 'link-loop'
      : p.code === 'NOT_FOUND' && p.message.startsWith('Library folder is missing') ? 'folder-missing'
      : undefined;
    return kind ? { ...p, kind } : p;
  });
}

/**
 * The row a found file (new to the library) was before it moved: the index in `rows` of one with the file's size and
 * mtime (ms) — the one whose recorded file identity is the file's ("DEV:INO", `lib_file_id`, walk.ts fileIdentity: `mv`
 * keeps a file's inode, so two `cp -p` copies renamed at once each keep their own row, rescan39), else the one whose
 * path shares the most trailing path segments with the file's (a folder moved whole keeps its files' relative paths),
 * then the first; -1 when none has them.
 */
export function moveMatch(rows: Pick<LibRow, 'path' | 'size' | 'mtime_ms' | 'lib_file_id'>[], f: Pick<Found, 'path' | 'size' | 'mtimeMs' | 'fileId'>): number {
  const tail = f.path.split(/[\\/]/).reverse();
  let best = -1;
  let bestShared = -1;
  if (f.fileId) {
    const own = rows.findIndex((r) => r.lib_file_id === f.fileId && r.size === f.size && r.mtime_ms === f.mtimeMs);
    if (own >= 0) return own;
  }
  rows.forEach((r, i) => {
    if (r.size !== f.size || r.mtime_ms !== f.mtimeMs) return;
    const segs = r.path.split(/[\\/]/).reverse();
    let shared = 0;
    while (shared < segs.length && shared < tail.length && segs[shared] === tail[shared]) shared++;
    if (shared > bestShared) [best, bestShared] = [i, shared];
  });
  return best;
}

/** a scan state before it is stamped with its order (LibraryScanner.state) */
type Snapshot = Omit<ScanState, 'seq' | 'engineRun'>;

export class LibraryScanner {
  private job: Job | null = null;
  /** every state made here carries its order (ScanState.seq, engineRun; isStaleState) */
  private readonly order = new StateStamper();
  private last: Snapshot = { jobId: null, state: 'idle', total: 0, done: 0, failed: 0, currentFile: null, rate: null, etaSec: null, startedAt: null, problems: [], skipped: { count: 0, files: [] } };
  private stateTimer: NodeJS.Timeout | null = null;
  private lastEmit = 0;
  private changed = { added: 0, updated: 0, removed: 0 };
  /** tellChanged since the last library:changed: one is sent even with zero counts */
  private changedAnyway = false;
  /** rows whose analysis was stored (or failed) since the last library:changed: its `analysed` */
  private analysedIds = new Set<string>();
  private changedTimer: NodeJS.Timeout | null = null;
  /**
   * A folder scan paused before this engine started (kept paused in the database; not resumed by itself): shown as
   * the last state (paused, with its counts) until Resume or the next Scan resumes it or Cancel ends it. The folder
   * watcher's changes wait behind it, as they wait behind a scan paused in this engine.
   */
  private pausedStored: Snapshot | null = null;
  /**
   * The job of chosen files (`studio analyze --db`) an engine that died left unfinished, closed by closeInterrupted:
   * how far it had got. The next such job in this engine takes it up and says so (ScanState.resumed), once.
   */
  private interruptedPaths: { done: number; total: number } | null = null;
  private followUps: (string | null)[] = [];
  /** the catch-up asked for at engine start (catchUp), waiting for the job before it to end */
  private catchUpWanted = false;
  private backlog: string[] = [];
  private explicit: string[] = [];
  /** the analysers a track gets here, by name: all the library's, less peaks + spectrogram when the waveform is off */
  private readonly versions: Record<string, number>;
  private readonly key: string;
  /** resolves when the current job ends (tests, CLI) */
  private idleWaiters: (() => void)[] = [];

  /**
   * `waveform` false: no track gets the peaks and spectrogram analysers (nor their media-cache entry, nor the
   * fingerprint that names it): `studio analyze` without --db, whose data folder and cache are thrown away at the
   * end, so nothing would ever draw them. The other analysers' results are the same either way (each analyser
   * reads the one decode on its own).
   */
  constructor(
    private readonly ctx: EngineContext,
    private readonly store: LibraryStore,
    private readonly makePool: () => Analyse,
    private readonly waveform = true,
  ) {
    const all = libraryVersions();
    this.versions = waveform ? all : Object.fromEntries(Object.entries(all).filter(([name]) => !WAVE_ANALYSERS.includes(name)));
    this.key = scanKey(this.versions);
  }

  /**
   * Whether the library folder holding `path` (the innermost) is itself gone or not a readable folder — an unplugged
   * drive, a folder renamed or deleted — as a walk finds it (libraryFolderProblem); the first time in `job`, the folder
   * is marked missing (or unreadable) and the problem said. Called for a file of the job's queue that failed and is
   * not there: its row is then kept as it was (tester39), not removed nor marked failed.
   */
  private async folderGone(job: Job, path: string): Promise<boolean> {
    const folder = innermost(path, this.store.folders());
    if (!folder) return false;
    const state = await libraryFolderState(folder.path);
    if (state === 'ok') return false;
    const missing = state === 'missing';
    if (!job.problems.some((p) => p.path === folder.path && p.message === libraryFolderProblem(folder.path, missing).message)) {
      job.problems.push(libraryFolderProblem(folder.path, missing));
      job.heard = true;
    }
    this.folderStatus(folder, state);
    return true;
  }

  /** the studio's own folders as given and as real paths (ownFolders), worked out on first use */
  private own: string[] | null = null;

  /**
   * Whether `path` lies in the studio's own data folder or cache folder (EngineContext dataDir, cacheDir; by either
   * path, as given or real). A library folder holding them — a home folder holding ~/.config/Resonance Studio, a
   * music folder with the data folder put in it — is walked without them (tester39: the playback copies under
   * cache/playable became tracks named by their hashes, and every database write, seen by the folder's watcher,
   * started a scan job that stored itself: a new job about every half second, for as long as the studio ran).
   * An own folder that holds one of `roots` (the library folders in question) is not left out: `studio analyze
   * ~/Music/set --db ~/Music/lib.sqlite` makes ~/Music the data folder, and the music in it was walked as none (ci77).
   * The cache folder is left out whenever it is not itself above a root.
   */
  private isOwn(path: string, roots: string[]): boolean {
    this.own ??= [...new Set([this.ctx.dataDir, this.ctx.cacheDir].filter(Boolean).flatMap((d) => givenAndReal(resolve(d))))];
    return this.own.some((f) => isInside(path, f) && !roots.some((r) => isInside(r, f)));
  }

  /** told when a folder's status changed (missing, unreadable, ok again): the service re-syncs its watcher */
  foldersChanged: () => void = () => undefined;

  /**
   * Set a folder's status; tells foldersChanged when it changed, and its rows changed (library:changed `updated`): each
   * row carries its folder's absence (LibraryTrack.folderAbsent: the table's muted row and mark), so the page reads
   * them again when the folder goes or comes back.
   */
  private folderStatus(folder: LibraryFolder, status: LibraryFolder['status']): void {
    if (folder.status === status) return;
    this.store.setFolderStatus(folder.id, status);
    this.foldersChanged();
    this.bumpChanged({ updated: this.store.libraryRowsUnder(folder.path).filter((r) => r.folder_id === folder.id).length });
  }

  /**
   * The scan's state now: the running (or paused) job's, else the last job's (or the paused one kept from before this
   * engine). Each call makes a new state: its `seq` is above every state made before it (events and answers alike).
   */
  state(): ScanState {
    return this.order.stamp(this.snapshot());
  }

  private snapshot(): Snapshot {
    const j = this.job;
    if (!j || this.silent(j)) return this.last;
    const elapsed = (Date.now() - j.runStart) / 1000;
    // the analyses left (the re-reads of old rows' tags apart: a tags-only read is no analysis) at the measured time per
    // analysis, plus the re-reads left at their own measured time (none measured yet: not counted)
    const analyses = Math.max(0, j.total - j.done - j.failed - j.retagLeft);
    const perFile = j.processed > 0 ? elapsed / j.processed : null;
    const perRetag = j.retagRead > 0 ? j.retagSec / j.retagRead : 0;
    const eta = analyses > 0 ? (perFile === null ? null : analyses * perFile + j.retagLeft * perRetag) : j.retagRead > 0 ? j.retagLeft * perRetag : perFile !== null ? 0 : null;
    return {
      jobId: j.id,
      state: j.state,
      total: j.total,
      done: j.done,
      failed: j.failed,
      currentFile: j.current,
      rate: elapsed > 0 && j.audioSec > 0 ? Math.round((j.audioSec / elapsed) * 10) / 10 : null,
      etaSec: eta !== null && j.state === 'running' ? Math.round(eta * 10) / 10 : null,
      startedAt: j.startedAt,
      problems: j.problems.slice(0, 500),
      skipped: {
        count: j.skipped.count,
        ...(j.skipped.folders ? { folders: j.skipped.folders } : {}),
        files: j.skipped.files.slice(0, MAX_SKIPS_LISTED).map((f) => ({ path: f.path, reason: f.reason, ...(f.folder ? { folder: true } : {}) })),
        groups: [...j.skipped.groups.values()].map((g) => ({ ...g })),
      },
      ...(j.resumed ? { resumed: j.resumed } : {}),
      ...(j.moved ? { moved: j.moved } : {}),
    };
  }

  get busy(): boolean {
    return this.job !== null;
  }

  /**
   * Whether `j` is a catch-up that has nothing to say yet (Job.heard): its state is not told, and the state shown is
   * the last job's. It is heard once it counts a file to analyse or is paused (or catchUpPhase / run make it heard: a
   * folder newly missing, an error); heard, it stays so.
   */
  private silent(j: Job): boolean {
    if (j.catchUp && !j.heard && (j.total > 0 || j.state === 'paused')) j.heard = true;
    return j.catchUp && !j.heard;
  }

  whenIdle(): Promise<void> {
    return this.job ? new Promise((r) => this.idleWaiters.push(r)) : Promise.resolve();
  }

  /**
   * At engine start: jobs of chosen files left unfinished by an
   * engine that died (a killed `studio analyze`) are closed as cancelled —
   * never adopted — and the last state says so. Returns the unfinished folder
   * scan to resume, if any.
   */
  closeInterrupted(): { state: string } | undefined {
    const stale = this.store.jobs.allUnfinished('paths');
    if (stale.length) {
      const note: Problem = {
        path: this.ctx.dataDir, code: 'CANCELLED',
        message: 'An analysis of chosen files was interrupted (the command or engine running it stopped). Run it again: files that finished are kept and not analysed again.',
      };
      const problems = (j: (typeof stale)[number]) => [...storedProblems(j.problems_json), note];
      // counted before the job is closed (closing it drops its file set)
      this.interruptedPaths = this.filesDone(stale[0].id);
      this.store.write(() => {
        for (const j of stale) this.store.jobs.setState(j.id, 'cancelled', JSON.stringify(problems(j)), Date.now());
      });
      this.last = { ...this.last, jobId: stale[0].id, state: 'cancelled', startedAt: stale[0].started_at, problems: problems(stale[0]) };
    }
    const unfinished = this.store.jobs.unfinished('library');
    if (unfinished?.state === 'paused') {
      // paused before the restart: said so (it resumed silently at the next Scan, shown nowhere until then)
      this.pausedStored = this.storedState(unfinished.id, unfinished.started_at, storedProblems(unfinished.problems_json));
      this.last = this.pausedStored;
    }
    return unfinished;
  }

  /** A stored job's files (scan_files): how many it had found, and how many of them were finished (ScanState.resumed). */
  private filesDone(jobId: string): { done: number; total: number } {
    const files = this.store.jobs.files(jobId);
    return { done: files.filter((f) => f.done).length, total: files.length };
  }

  /**
   * The state of a folder scan kept in the database (paused before this engine started): its files counted as its
   * resume counts them (resumePhase) — a file done whose row failed is failed, one done whose tags are still to be
   * re-read (needsRetag) is left, as is every file not done.
   */
  private storedState(jobId: string, startedAt: number, problems: Problem[]): Snapshot {
    const files = this.store.jobs.files(jobId);
    const rows = this.store.rowsByPath();
    let done = 0;
    let failed = 0;
    for (const f of files) {
      if (!f.done) continue;
      const was = this.doneFileState(rows.get(f.path));
      if (was === 'failed') failed++;
      else if (was === 'done') done++;
    }
    return {
      jobId, state: 'paused', total: files.length, done, failed, currentFile: null, rate: null, etaSec: null, startedAt,
      problems: problems.slice(0, 500), skipped: { count: 0, files: [] },
    };
  }

  /** Start a scan of all folders (or one), or resume the unfinished folder scan in the database. */
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
    this.pausedStored = null;
    const unfinished = this.store.jobs.unfinished('library');
    const job = this.newJob(unfinished?.id ?? newLibId(), 'library', unfinished ? (unfinished.folder_id ? [unfinished.folder_id] : null) : folderId ? [folderId] : null);
    if (unfinished) {
      job.startedAt = unfinished.started_at;
      job.problems = storedProblems(unfinished.problems_json);
      // not paused by the user, yet unfinished: the engine running it ended mid-scan (killed, crashed, the power went)
      if (unfinished.state !== 'paused') job.resumed = this.filesDone(unfinished.id);
    }
    this.job = job;
    void this.run(job, unfinished ? (unfinished.state === 'walking' ? 'walk' : 'resume') : 'walk');
    return this.state();
  }

  /** Pause, resume or cancel the running job. Cancel always ends it: analyses in flight are abandoned. */
  control(action: 'pause' | 'resume' | 'cancel'): ScanState {
    const j = this.job;
    if (!j && this.pausedStored) {
      // the scan paused before this engine started: Resume resumes it where it stopped (as Scan does), Cancel ends it
      if (action === 'resume') return this.start();
      if (action === 'cancel') {
        const p = this.pausedStored;
        this.pausedStored = null;
        this.store.write(() => this.store.jobs.setState(p.jobId!, 'cancelled', JSON.stringify(p.problems), Date.now()));
        this.last = { ...p, state: 'cancelled' };
        // the answer is the cancelled job, ordered before the backlog's states; the watcher's changes that waited
        // behind it run now (their own events)
        const answer = this.state();
        this.emitState(true);
        this.startQueued();
        return answer;
      }
      return this.state();
    }
    if (!j) return this.state();
    if (action === 'pause' && j.state === 'running') {
      j.state = 'paused';
      this.persistJobState(j);
    } else if (action === 'resume' && j.state === 'paused') {
      j.state = 'running';
      this.persistJobState(j);
      j.resume?.();
      j.resume = null;
    } else if (action === 'cancel' && j.state !== 'cancelled') {
      j.state = 'cancelled';
      j.controller.abort();
      j.resume?.();
      j.resume = null;
      this.persistJobState(j, true);
    }
    this.emitState(true);
    return this.state();
  }

  /**
   * Analyse these files / folders (inside library folders or not) as one
   * job; queued after a running job.
   * @throws StudioError BAD_ARGS for a relative path.
   */
  scanPaths(paths: string[]): ScanState {
    const bad = paths.find((p) => !isAbsolute(p));
    if (bad !== undefined) throw new StudioError('BAD_ARGS', `Expected absolute paths, got "${bad}".`);
    const abs = paths.map((p) => resolve(p));
    if (this.job) {
      this.explicit.push(...abs);
      return this.state();
    }
    const job = this.newJob(newLibId(), 'paths', []);
    job.resumed = this.interruptedPaths;
    this.interruptedPaths = null;
    this.job = job;
    void this.run(job, 'explicit', abs);
    return this.state();
  }

  /** Files or folders that changed on disk (the watcher): analysed, moved or removed without a full scan. */
  enqueuePaths(paths: string[]): void {
    // a tag write's copy comes and goes beside the file (tag-write.ts); the studio's own data folder in a watched
    // folder changes with every write to its database (the lock's heartbeat, each job stored: a job per change, forever)
    const roots = this.store.folders().map((f) => f.path);
    this.backlog.push(...paths.filter((p) => !isTagWriteTemp(p) && !this.isOwn(p, roots)));
    if (!this.job && !this.pausedStored) this.startBacklog();
  }

  /**
   * At engine start, with the folders watched (LibraryService's background mode; never the CLI): catch up with what
   * changed while the studio was closed — a walk of every watched library folder (catchUpPhase). It runs after the job
   * running now (the scan resumed at start), and not while a scan is paused by the user (paused in this engine, or
   * before it started: it runs once that scan is resumed and ends, or is cancelled); at once otherwise. Nothing to do
   * without a watched folder. Its state is told only once it has something to say (silent).
   */
  catchUp(): void {
    if (!this.store.folders().some((f) => f.watching)) return;
    this.catchUpWanted = true;
    if (!this.job && !this.pausedStored) this.startQueued();
  }

  /** What waits for no job to be running: the catch-up first (its walk sees most of what the watcher saw), then the watcher's changes. */
  private startQueued(): void {
    if (!this.catchUpWanted) return this.startBacklog();
    this.catchUpWanted = false;
    const job = this.newJob(newLibId(), 'library', []);
    job.catchUp = true;
    this.job = job;
    void this.run(job, 'catchup');
  }

  private startBacklog(): void {
    if (!this.backlog.length) return;
    const paths = [...new Set(this.backlog.splice(0))];
    const job = this.newJob(newLibId(), 'library', []);
    job.watcher = true;
    this.job = job;
    void this.run(job, 'paths', paths);
  }

  private newJob(id: string, kind: Job['kind'], folderIds: string[] | null): Job {
    const now = Date.now();
    return {
      id, kind, folderIds, state: 'running', queue: [], inflight: 0, total: 0, done: 0, failed: 0, current: null, problems: [],
      skipped: { count: 0, folders: 0, files: [], groups: new Map() }, startedAt: now, runStart: now, audioSec: 0, processed: 0, controller: new AbortController(), resume: null, rows: null, retag: [],
      retagLeft: 0, retagSec: 0, retagRead: 0, catchUp: false, watcher: false, heard: false, stored: false,
      resumed: null,
      moved: 0,
      followed: new Set(),
      bySizeMtime: null,
      stableInodes: new Map(),
    };
  }

  private async run(job: Job, mode: 'walk' | 'resume' | 'paths' | 'explicit' | 'catchup', paths: string[] = []): Promise<void> {
    try {
      // the catch-up stores its job with its first file to analyse (classify's beforeRecord): one that finds nothing leaves no trace
      if (mode !== 'catchup') this.storeJob(job, mode === 'walk' ? 'walking' : 'running');
      this.emitState(true);
      if (mode === 'walk') await this.walkPhase(job);
      else if (mode === 'resume') await this.resumePhase(job);
      else if (mode === 'paths') await this.pathsPhase(job, paths);
      else if (mode === 'catchup') await this.catchUpPhase(job);
      else await this.explicitPhase(job, paths);
      if (job.state !== 'cancelled') {
        this.persistJobState(job);
        // new and changed files first: the re-read of old rows' tags (possibly the whole library after an
        // upgrade) must not hold back the first analysis
        await this.processPhase(job);
        await this.retagPhase(job);
      }
      if (job.state !== 'cancelled') {
        job.state = 'finished';
        this.persistJobState(job, true);
      }
    } catch (err) {
      const e = toErrorData(err);
      job.heard = true;
      // the database stopped taking writes: the line names the database file (the data folder holds more than it)
      job.problems.push({ path: e.code === 'DB_WRITE_FAILED' ? this.ctx.db.name : this.ctx.dataDir, message: e.message, code: e.code });
      job.state = 'cancelled';
      job.controller.abort();
      try {
        this.persistJobState(job, true);
      } catch {
        // the database is the problem; the state event says so
      }
    }
    job.current = null;
    // a catch-up that found nothing to say ends as it ran, unseen: the last job's state stays the one shown
    const silent = this.silent(job);
    if (!silent) this.last = this.snapshot();
    this.job = null;
    if (!silent) this.emitState(true);
    this.flushChanged();
    for (const w of this.idleWaiters.splice(0)) w();
    const next = this.followUps.shift();
    if (next !== undefined) this.start(next ?? undefined);
    else if (this.explicit.length) this.scanPaths(this.explicit.splice(0));
    else if (!this.pausedStored) this.startQueued();
  }

  /** The job's row in scan_jobs, inserted (or its state set: a resumed job) with this state. */
  private storeJob(job: Job, state: 'walking' | 'running'): void {
    this.store.write(() => this.storeJobNow(job, state));
  }

  /** The catch-up's row, stored with its first file to analyse (inside classify's transaction). */
  private storeJobOnce(job: Job): void {
    if (!job.stored) this.storeJobNow(job, 'running');
  }

  private storeJobNow(job: Job, state: 'walking' | 'running'): void {
    this.store.jobs.upsert(job.id, job.folderIds?.length === 1 ? job.folderIds[0] : null, job.kind, state, job.startedAt);
    job.stored = true;
  }

  private persistJobState(job: Job, final = false): void {
    if (!job.stored) return;
    const state = job.state === 'paused' || job.state === 'finished' || job.state === 'cancelled' ? job.state : 'running';
    this.store.write(() => this.store.jobs.setState(job.id, state, JSON.stringify(job.problems.slice(0, 1000)), final ? Date.now() : null));
  }

  private rows(job: Job): Map<string, LibRow> {
    return (job.rows ??= this.store.rowsByPath());
  }

  private skip(job: Job, s: Skip): void {
    job.skipped.count++;
    if (s.folder) job.skipped.folders++;
    if (job.skipped.files.length < MAX_SKIPS_LISTED) job.skipped.files.push(s);
    // every reason counted over the whole scan, not only over the listed first 500 (skippedText's groups)
    const g = job.skipped.groups.get(s.reason);
    if (g) g.count++;
    else job.skipped.groups.set(s.reason, { reason: s.reason, ...(s.many ? { many: s.many } : {}), count: 1, ...(s.folder ? { folder: true } : {}) });
  }

  /** Walk `root`: listed media files at once, other files sniffed; skips and problems recorded on the job. */
  private async collect(job: Job, root: string, folderId: string | null, onFound?: () => void): Promise<{ found: Found[]; badDirs: string[] }> {
    const found: Found[] = [];
    const unknown: Found[] = [];
    /** tag-write copies met: never tracks; those a killed write left are removed (removeStaleCopy) */
    const copies: string[] = [];
    /** the folder walked, as given and real: an own folder above it is not left out (isOwn) */
    const rootPaths = givenAndReal(root);
    const { badDirs } = await walkFolder(
      root,
      folderId,
      {
        file: (f) => {
          if (isTagWriteTemp(f.path)) return void copies.push(f.path);
          if (isMediaPath(f.path)) {
            found.push(f);
            onFound?.();
          } else unknown.push(f);
        },
        problem: (p) => job.problems.push(p),
        skip: (s) => this.skip(job, s),
        leaveOut: (dir, realDir) => (this.isOwn(dir, rootPaths) || this.isOwn(realDir, rootPaths) ? OWN_FOLDER_REASON : null),
      },
      job.controller.signal,
      job.stableInodes,
    );
    for (const c of copies) await removeStaleCopy(c);
    for (const f of unknown) {
      if (job.controller.signal.aborted) break;
      const r = await sniffAudio(f.path, f.size, job.controller.signal, f.mtimeMs);
      if (r.audio) found.push(f);
      else this.skip(job, { path: f.path, reason: r.reason, ...(r.many && { many: r.many }) });
    }
    return { found, badDirs };
  }

  /**
   * Decide and queue found files: one row per file (aliases.ts — a symlink to a track is an alias of
   * its row, not a second row; a row at an alias path, left from before, leaves the library), then classify.
   */
  private async enqueue(job: Job, all: Found[]): Promise<void> {
    const rows = this.rows(job);
    const resolved = await withRealPaths(all);
    const paths = new Set(resolved.map((f) => f.path));
    // the library's rows by real path, but for the paths found now (one pass over the job's rows)
    const byReal = new Map<string, LibRow>();
    for (const r of rows.values()) {
      if (!r.lib_status || paths.has(r.path)) continue;
      const prev = byReal.get(r.real_path);
      if (!prev || r.path < prev.path) byReal.set(r.real_path, r);
    }
    const elsewhere = new Map<string, LibRow>();
    const { keep: found, aliasOf } = oneRowPerFile(
      resolved,
      (p) => !!rows.get(p)?.lib_status,
      (real) => {
        const r = byReal.get(real);
        if (r) elsewhere.set(r.path, r);
        return r?.path;
      },
    );
    const duplicates = [...aliasOf.keys()].map((p) => rows.get(p)).filter((r): r is LibRow => !!r?.lib_status);
    if (duplicates.length) this.removeRows(job, duplicates);
    // recorded CLASSIFY_BATCH files per transaction, the event loop let go between: a big folder's rows reach the
    // table as they are written (library:changed), and the engine answers meanwhile — one transaction for 6000 new
    // files (hard links, a loaded machine) held a query 4.9 s and gave all the rows at once at 6.3 s; in batches the
    // first 1000 were there at 3.8 s (test/integration/library-rows-arrive.test.ts)
    for (let i = 0; i < found.length; i += CLASSIFY_BATCH) {
      if (i > 0) {
        await new Promise<void>((r) => setImmediate(r));
        if ((job.state as ScanState['state']) === 'cancelled') return;
      }
      const part = found.slice(i, i + CLASSIFY_BATCH);
      const c = classify(this.store, job.id, part, rows, this.versions, this.key, job.catchUp ? { changedOnly: true, beforeRecord: () => this.storeJobOnce(job) } : {});
      if (job.catchUp || job.watcher) job.total += part.length - c.done - c.failed; // its own work only: an unchanged file is none
      else {
        job.total += part.length;
        job.done += c.done;
        job.failed += c.failed;
      }
      job.queue.push(...c.queue);
      job.retag.push(...c.retag);
      job.retagLeft += c.retag.length;
      this.bumpChanged({ added: c.added, updated: c.updated });
      this.emitState();
    }
    // the kept rows' real paths and aliases, written when they changed
    const wanted = new Map<string, { real: string; aliases: string[] }>();
    const folders = this.store.folders();
    for (const f of found) {
      const real = f.realPath ?? f.path;
      const aliases = new Set(f.aliases ?? []);
      // an alias found by an earlier walk (a link in another library folder) stays while it still leads here
      for (const a of aliasList(rows.get(f.path)?.lib_aliases ?? null)) {
        if (aliases.has(a) || paths.has(a) || !innermost(a, folders)) continue;
        if ((await realpath(a).catch(() => null)) === real) aliases.add(a);
      }
      wanted.set(f.path, { real, aliases: [...aliases].sort() });
    }
    for (const [alias, kept] of aliasOf) {
      const e = elsewhere.get(kept);
      if (!e) continue;
      const w = wanted.get(kept) ?? { real: e.real_path, aliases: aliasList(e.lib_aliases) };
      if (!w.aliases.includes(alias)) w.aliases = [...w.aliases, alias].sort();
      wanted.set(kept, w);
    }
    let changed = 0;
    this.store.write(() => {
      for (const [path, w] of wanted) {
        const r = rows.get(path);
        if (!r) continue;
        const json = w.aliases.length ? JSON.stringify(w.aliases) : null;
        if (r.real_path === w.real && r.lib_aliases === json) continue;
        this.store.tracks.setRealPathAndAliases(r.id, w.real, json);
        const row = rows.get(path);
        if (row) Object.assign(row, { real_path: w.real, lib_aliases: json });
        changed++;
      }
    });
    if (changed) this.bumpChanged({ updated: changed });
  }

  private removeRows(job: Job, rows: LibRow[], done?: string): void {
    this.store.removeTracks(
      rows.map((r) => r.id),
      done !== undefined ? { jobId: job.id, path: done } : undefined,
    );
    for (const r of rows) job.rows?.delete(r.path);
    if (rows.length) this.bumpChanged({ removed: rows.length });
  }

  /**
   * A Scan (Rescan: library:scan): every chosen library folder walked (collect), and each folder's files taken in as
   * its walk ends (its new rows shown then, not after the last folder's walk: rescan39): a file new to the library with
   * the size and mtime of a row whose file is gone takes that row (matchMoves — a row gone from a folder walked before,
   * a row kept though its folder is gone, or, through goneElsewhere, any library row whose file is no longer there, in
   * a folder walked later or not chosen at all: moved or renamed, also from one library folder into another; its id,
   * analysis, crates, cues, regions, chat and notes kept, the old path put first in lib_moved_from), counted in
   * Job.moved (ScanState.moved); the other found files are classified (enqueue). Once every folder is walked the gone
   * files no found file took leave the library (leaveGone: kept while a library folder is not there). Before
   * (rescan38) each folder's gone rows were removed as it was walked and a renamed file was a new row; before rescan39
   * a file moved from folder A into B was a new row when B alone was rescanned, and A's Rescan then removed the old row
   * with its crates, cues and chat. A library folder not there or unreadable keeps its rows (marked missing /
   * unreadable); they may follow their files found in another folder.
   */
  private async walkPhase(job: Job): Promise<void> {
    const folders = this.store.folders().filter((f) => !job.folderIds || job.folderIds.includes(f.id));
    const vanished: LibRow[] = [];
    const kept: LibRow[] = [];
    // a row once, a file once: nested library folders list a row, and find a file, under each
    const once = onceById();
    const seen = new Set<string>();
    for (const folder of folders) {
      if (job.state === 'cancelled') return;
      const state = await libraryFolderState(folder.path);
      if (state !== 'ok') {
        this.folderStatus(folder, state);
        job.problems.push(libraryFolderProblem(folder.path, state === 'missing'));
        kept.push(...this.store.libraryRowsUnder(folder.path).filter((r) => r.folder_id === folder.id).filter(once));
        continue;
      }
      this.folderStatus(folder, 'ok');
      let walking = 0;
      const walked = await this.collect(job, folder.path, folder.id, () => {
        job.total++;
        walking++;
        if (walking % 500 === 0) this.emitState();
      });
      if ((job.state as ScanState['state']) === 'cancelled') return;
      job.total -= walking;
      vanished.push(...this.goneUnder(folder.path, walked).filter(once));
      const found = walked.found.filter((f) => !seen.has(f.path) && !!seen.add(f.path));
      const { rest } = await this.matchMoves(job, found, [...vanished, ...kept]);
      // a file followed to its new path is one of the scan's files, done (unchanged): the bar read "4 / 4" for 5 files
      this.countFollowed(job, found.length - rest.length);
      await this.enqueue(job, rest);
      if ((job.state as ScanState['state']) === 'cancelled') return;
    }
    await this.leaveGone(job, vanished.filter((v) => !job.followed.has(v.id)));
  }

  /**
   * Rows whose files are gone from the folders a job walked and that no found file took (matchMoves): they leave the
   * library (store.removeTracks: a row with a chat, or in recent files, keeps its id out of the library) — unless a
   * library folder is not there (stat fails: an unplugged drive, a folder renamed, one that cannot be read): then each
   * may have moved onto it, so all are kept as they are, and the job says so in that folder's problem (the scan bar's
   * list, `studio analyze`'s stderr); a later scan with that folder there follows them (goneElsewhere) or lets them go.
   * One rule for a Rescan, the catch-up at start and `studio analyze --data-dir` over a folder; before rescan39 the
   * CLI kept every such row and a Rescan removed it: files moved onto a drive since unplugged lost their crates, cues
   * and chat at the next Rescan, and came back as new rows once the drive was.
   */
  private async leaveGone(job: Job, gone: LibRow[]): Promise<void> {
    if (!gone.length) return;
    const absent: string[] = [];
    for (const folder of this.store.folders()) {
      if ((await libraryFolderState(folder.path)) !== 'ok') absent.push(folder.path);
    }
    if (!absent.length) return this.removeRows(job, gone);
    const n = gone.length;
    const others = absent.length > 1 ? ` (as ${absent.length - 1 === 1 ? 'is 1 other library folder' : `are ${absent.length - 1} other library folders`})` : '';
    const words = `${n.toLocaleString('en')} ${n === 1 ? 'file' : 'files'} gone from the library's folders ${n === 1 ? 'keeps its row' : 'keep their rows'} (analysis, crates, cues, chat): this library folder is not there${others}, and ${n === 1 ? 'it' : 'they'} may have moved onto it. A Rescan with it there follows ${n === 1 ? 'it' : 'them'}, or lets ${n === 1 ? 'it' : 'them'} go.`;
    const told = job.problems.find((p) => p.kind === 'folder-missing' && p.path === absent[0]);
    if (told) told.message = `${told.message} ${words}`;
    else job.problems.push({ path: absent[0], code: 'NOT_FOUND', kind: 'folder-missing', message: `Library folder is not there. ${words}` });
  }

  /**
   * The catch-up at engine start (catchUp): what changed while the studio was closed, taken in as the folder watcher
   * takes in what changes while it runs. Every watched library folder is walked as a scan walks it (collect: one stat
   * per file, other files sniffed); then, over all folders at once, a file new to the library with the size and mtime
   * of a row whose file is gone takes that row (matchMoves: moved or renamed, also from one library folder into
   * another, or from anywhere in the library: goneElsewhere; its analysis, chat and cues kept), the other gone files
   * leave the library (leaveGone: kept while a library folder is not there), and the new and changed files
   * are analysed (classify's changedOnly: an unchanged file is done whatever its row holds — a newer analyser or the
   * tags' re-read wait for the next Scan). A library folder that is not there (an unplugged drive) or cannot be read
   * keeps its rows, marked missing / unreadable as walkPhase marks it, and is a problem of the job only when that is
   * news (its status was another); its rows may still follow their files found in another folder.
   */
  private async catchUpPhase(job: Job): Promise<void> {
    const found: Found[] = [];
    const vanished: LibRow[] = [];
    const kept: LibRow[] = [];
    for (const folder of this.store.folders().filter((f) => f.watching)) {
      if (job.state === 'cancelled') return;
      const status = await libraryFolderState(folder.path);
      if (status !== 'ok') {
        const rows = this.store.libraryRowsUnder(folder.path).filter((r) => r.folder_id === folder.id);
        kept.push(...rows);
        if (folder.status !== status) {
          // news: said in the scan bar (running now, then its end: the page reads the folders again), its rows told
          // changed (folderStatus)
          job.problems.push(libraryFolderProblem(folder.path, status === 'missing'));
          job.heard = true;
          this.folderStatus(folder, status);
          this.emitState(true);
        }
        continue;
      }
      // back (a drive plugged in again): watched again (foldersChanged), its rows told changed so the page reads them and the folders again
      this.folderStatus(folder, 'ok');
      const walked = await this.collect(job, folder.path, folder.id);
      if ((job.state as ScanState['state']) === 'cancelled') return;
      found.push(...walked.found);
      vanished.push(...this.goneUnder(folder.path, walked));
    }
    const { rest, moved } = await this.matchMoves(job, found, [...vanished, ...kept]);
    await this.leaveGone(job, vanished.filter((v) => !moved.has(v)));
    await this.enqueue(job, rest);
  }

  /**
   * What a file an interrupted scan recorded done counts as when the scan resumes (resumePhase) or is shown paused
   * (storedState): its row failed, its tags still to be re-read (needsRetag), or done.
   */
  private doneFileState(row: Parameters<typeof needsRetag>[0] | undefined): 'failed' | 'retag' | 'done' {
    if (row?.lib_status === 'failed') return 'failed';
    return row && needsRetag(row, this.key) ? 'retag' : 'done';
  }

  private async resumePhase(job: Job): Promise<void> {
    const toCheck: Found[] = [];
    for (const r of this.store.jobs.files(job.id)) {
      if (r.done) {
        job.total++;
        const row = this.rows(job).get(r.path);
        const was = this.doneFileState(row);
        if (was === 'failed') job.failed++;
        else if (was === 'retag' && row) {
          // an unchanged row whose tags the interrupted scan had still to re-read (classify recorded it done, the
          // re-read comes after the analyses): re-read now, not left for the next scan — an engine restarted during
          // a paused re-read finished the job at once with those rows untouched
          job.retag.push({ path: r.path, trackId: row.id, attempts: 0, size: row.size, mtimeMs: row.mtime_ms });
          job.retagLeft++;
        } else job.done++;
        continue;
      }
      const st = await stat(r.path).catch(() => null);
      if (st?.isFile()) toCheck.push({ path: r.path, folderId: r.folder_id, size: st.size, mtimeMs: st.mtimeMs, ...(await this.fileId(job, r.path, st)) });
      else {
        const row = this.rows(job).get(r.path);
        if (row?.lib_status) {
          this.removeRows(job, [row]);
          job.problems.push({ path: r.path, code: 'NOT_FOUND', message: 'Gone since the scan was interrupted; it left the library.' });
        }
        this.store.write(() => this.store.jobs.forgetFile(job.id, r.path));
      }
    }
    await this.enqueue(job, toCheck);
  }

  private async pathsPhase(job: Job, paths: string[]): Promise<void> {
    const folders = this.store.folders();
    const found: Found[] = [];
    const vanished: LibRow[] = [];
    // a row once, however many of the batch's gone paths lead to it: a file moved out of a folder that was then
    // deleted is reported as the file AND the folder, and each lookup gives its own copy of the row — the move
    // matched one copy and the other put the same id into `gone`, removing the row just moved (its analysis, chat, cues)
    const vanishedIds = new Set<string>();
    const touched = new Set<LibraryFolder>();
    const stats = new Map(await Promise.all(paths.map(async (p) => [p, await lstat(p).catch(() => null)] as const)));
    const walked = coveredByWalk(stats);
    for (const p of paths) {
      const folder = innermost(p, folders);
      if (!folder) continue;
      touched.add(folder);
      const st = stats.get(p) ?? null;
      // a file or folder inside a folder of this batch is found by that folder's walk: looked at again on its own, a
      // copied album's info.txt was listed and counted twice among the skipped files, and every file sniffed twice
      const by = st ? walked(p) : null;
      if (by !== null && innermost(by, folders) === folder) continue;
      if (!st) {
        for (const r of this.store.libraryRowsUnder(p)) if (!vanishedIds.has(r.id)) (vanishedIds.add(r.id), vanished.push(r));
        continue;
      }
      if (st.isDirectory()) found.push(...(await this.collect(job, p, folder.id)).found);
      else {
        const t = await stat(p).catch(() => null);
        if (!t?.isFile()) continue;
        const f = { path: p, folderId: folder.id, size: t.size, mtimeMs: t.mtimeMs, ...(await this.fileId(job, p, t)) };
        const r = await sniffAudio(p, t.size, job.controller.signal, t.mtimeMs);
        if (r.audio) found.push(f);
        else this.skip(job, { path: p, reason: r.reason, ...(r.many && { many: r.many }) });
      }
    }
    // a library folder itself gone (renamed away, an unplugged drive) or no longer readable (libraryFolderState): its
    // files did not go one by one, so its rows stay, and it is marked missing / unreadable as a scan marks it
    // (walkPhase); the watcher lets go of it until a scan finds it. What the batch found in an unreadable one is left
    // out, as a walk finds nothing there. Its rows may still follow their files when they turn up in this batch (the
    // folder moved into another library folder): they are move candidates that, unmatched, stay where they are
    const kept: LibRow[] = [];
    for (const folder of touched) {
      const state = await libraryFolderState(folder.path);
      if (state === 'ok') continue;
      for (let i = vanished.length - 1; i >= 0; i--) if (vanished[i].folder_id === folder.id) vanished.splice(i, 1);
      for (let i = found.length - 1; i >= 0; i--) if (found[i].folderId === folder.id) found.splice(i, 1);
      kept.push(...this.store.libraryRowsUnder(folder.path).filter((r) => r.folder_id === folder.id));
      if (folder.status !== 'ok') continue;
      job.problems.push(libraryFolderProblem(folder.path, state === 'missing'));
      this.folderStatus(folder, state);
    }
    const { rest, moved } = await this.matchMoves(job, found, [...vanished, ...kept]);
    const gone = vanished.filter((v) => !moved.has(v));
    if (gone.length) this.removeRows(job, gone);
    await this.enqueue(job, rest);
  }

  /**
   * Moves: a found file new to the library with the size and mtime (ms) of a row among `candidates` (rows whose files
   * vanished from the folders walked, then rows kept though their folder is gone) takes that row (analysis, crates,
   * cues, regions, chat, notes: store.moveTrack); among rows of equal size and mtime, the one whose path ends the same
   * (the file moved with its folders) wins (moveMatch). A file no candidate matches looks through the whole library
   * (goneElsewhere): a row of its size and mtime whose own file is no longer there, in a folder this job did not walk —
   * a file moved from library folder A into B and a Rescan of B alone gave it a new row, and the Rescan of A then removed
   * the old one with its crates, cues and chat (rescan39). A row is followed once per job (Job.followed). Returns the
   * found files left to classify (the unmatched, and a moved row's file whose row failed for a passing reason) and the
   * rows that moved.
   */
  private async matchMoves(job: Job, found: Found[], candidates: LibRow[]): Promise<{ rest: Found[]; moved: Set<LibRow> }> {
    const byPath = this.rows(job);
    const rest: Found[] = [];
    // the candidates by size and mtime (in order): a found file is matched against its own
    // bucket only — a 20,000-file folder moved into another is 20,000 small lookups, not 20,000 × 20,000 comparisons
    const buckets = new Map<string, LibRow[]>();
    for (const r of candidates) {
      if (job.followed.has(r.id)) continue;
      const k = sizeMtimeKey(r.size, r.mtime_ms);
      const b = buckets.get(k);
      if (b) b.push(r);
      else buckets.set(k, [r]);
    }
    const moved = new Set<LibRow>();
    for (const f of found) {
      if (byPath.has(f.path)) {
        rest.push(f);
        continue;
      }
      const bucket = buckets.get(sizeMtimeKey(f.size, f.mtimeMs));
      const i = bucket ? moveMatch(bucket, f) : -1;
      const v = bucket && i >= 0 ? bucket.splice(i, 1)[0] : await this.goneElsewhere(job, f);
      if (!v) {
        rest.push(f);
        continue;
      }
      this.store.moveTrack(v.id, f.path, f.folderId, f.fileId ?? null);
      byPath.delete(v.path);
      byPath.set(f.path, { ...v, path: f.path, folder_id: f.folderId ?? v.folder_id, lib_file_id: f.fileId ?? null });
      moved.add(v);
      job.followed.add(v.id);
      job.moved++;
      this.bumpChanged({ updated: 1 });
      // a row that failed for a passing reason (its file was not found when the scan tried it: this very move) is
      // analysed at its new path; one analysed, or failed for a lasting reason, keeps what it has; a row out of the
      // library (kept for its crates, cues or chat: leaveLibrary) rejoins it, analysed again (its analyses went)
      if (!v.lib_status || (v.lib_status === 'failed' && TRANSIENT_CODES.has(v.lib_error_code ?? ''))) rest.push(f);
    }
    return { rest, moved };
  }

  /**
   * The library row anywhere (not only below the folders this job walked), or the row out of the library kept for its
   * crates, cues or chat (db/tracks.ts leaveLibrary: it rejoins), that a found file new to the library was before it
   * moved: one of the file's size and mtime (ms) whose own path is gone now — stat says ENOENT or ENOTDIR; a
   * file there (a `cp -p` copy's original), or one that cannot be read (EACCES), keeps its row — chosen as moveMatch
   * chooses; undefined when none. A file outside every library folder (`studio analyze` of another folder) never takes
   * a library folder's row. The library's rows by size and mtime are indexed once per job (Job.bySizeMtime), and a
   * row is taken only while the job's rows still hold it at that path (not removed, not followed already): a new file
   * costs one map lookup, and a stat per row of its size and mtime.
   */
  private async goneElsewhere(job: Job, f: Found): Promise<LibRow | undefined> {
    const byPath = this.rows(job);
    if (!job.bySizeMtime) {
      job.bySizeMtime = new Map();
      // rows out of the library too: a row kept for its crates, cues or chat when its file left (db/tracks.ts
      // leaveLibrary) rejoins where its file turns up again
      for (const r of byPath.values()) {
        const k = sizeMtimeKey(r.size, r.mtime_ms);
        const b = job.bySizeMtime.get(k);
        if (b) b.push(r);
        else job.bySizeMtime.set(k, [r]);
      }
    }
    const gone: LibRow[] = [];
    for (const r of job.bySizeMtime.get(sizeMtimeKey(f.size, f.mtimeMs)) ?? []) {
      if (job.followed.has(r.id) || byPath.get(r.path)?.id !== r.id || r.path === f.path) continue;
      if (f.folderId === null && r.folder_id !== null) continue;
      const code = await stat(r.path).then(
        () => null,
        (e: NodeJS.ErrnoException) => e.code,
      );
      if (code === 'ENOENT' || code === 'ENOTDIR') gone.push(r);
    }
    const i = moveMatch(gone, f);
    return i >= 0 ? gone[i] : undefined;
  }

  /** A found file's identity (walk.ts fileIdentity) as a Found's field: `{ fileId }`, or nothing where it has none. */
  private async fileId(job: Job, path: string, st: { dev: number; ino: number }): Promise<{ fileId?: string }> {
    const fileId = await fileIdentity(path, st, job.stableInodes);
    return fileId ? { fileId } : {};
  }

  /**
   * The library rows below `root` whose file the walk of `root` (collect's answer) did not find, except those under a
   * folder it could not read (their files may be there): the files gone from it.
   */
  private goneUnder(root: string, walked: { found: Found[]; badDirs: string[] }): LibRow[] {
    const seen = new Set(walked.found.map((f) => f.path));
    return this.store.libraryRowsUnder(root).filter((r) => !seen.has(r.path) && !walked.badDirs.some((d) => isInside(r.path, d)));
  }

  /**
   * `n` files matchMoves followed to their new paths (and left out of what it returns: not classified) counted among a
   * Scan's or a chosen-files job's files, done, as classify counts an unchanged file; the catch-up and the watcher
   * count their own work only (enqueue), so they do not call this.
   */
  private countFollowed(job: Job, n: number): void {
    job.total += n;
    job.done += n;
  }

  private async explicitPhase(job: Job, paths: string[]): Promise<void> {
    const folders = this.store.folders();
    const found: Found[] = [];
    const vanished: LibRow[] = [];
    for (const p of paths) {
      const folderId = innermost(p, folders)?.id ?? null;
      const st = await stat(p).catch((e: NodeJS.ErrnoException) => e);
      // a name that is not UTF-8, given on the command line: the file exists, but no string names it
      const undecodable = st instanceof Error && st.code === 'ENOENT' ? undecodableName(p) : null;
      if (undecodable) job.problems.push({ path: p, code: 'UNREADABLE', message: notUtf8Message(undecodable) });
      else if (st instanceof Error && st.code === 'ENOENT' && folders.some((f) => f.path === p)) {
        // a library folder itself, named (`studio analyze --data-dir DIR /media/usb/Music`) and not there: the problem a
        // Rescan of it makes (its kind folder-missing: the summary says "Nothing scanned: …", nothingScannedText), its
        // rows kept and marked missing (scan40: a bare "does not exist" before, the folder's rows left marked 'ok')
        this.folderStatus(folders.find((f) => f.path === p)!, 'missing');
        job.problems.push(libraryFolderProblem(p, true));
      } else if (st instanceof Error) {
        const gone = st.code === 'ENOENT' || st.code === 'ENOTDIR';
        // a file of a library folder that is not there (an unplugged drive): its folder named, and that its row is kept
        const why = await absentFolderNote(p, folders);
        job.problems.push({ path: p, code: gone ? 'NOT_FOUND' : 'UNREADABLE', message: (gone ? notFoundMessage(p) : `Cannot be read: ${st.message}`) + why });
      }
      else if (st.isDirectory()) {
        const walked = await this.collect(job, p, folderId);
        found.push(...walked.found);
        // rows below the folder whose file is gone: a file found new here may be one of them moved or renamed
        vanished.push(...this.goneUnder(p, walked));
      } else if (!st.isFile()) {
        // a named pipe would block the decoder forever
        job.problems.push({ path: p, code: 'BAD_ARGS', message: `Not a regular file (${specialKind(st) ?? 'special file'}): only files and folders can be analysed.` });
      } else found.push({ path: p, folderId, size: st.size, mtimeMs: st.mtimeMs, ...(await this.fileId(job, p, st)) });
    }
    if ((job.state as ScanState['state']) === 'cancelled') return;
    // a file renamed or moved within a folder given, or from a library folder not given (`studio analyze --data-dir DIR
    // B/` after a move from A/), keeps its row, as a Rescan's does (matchMoves); a gone row that no file matches leaves
    // the library as a Rescan's does (leaveGone: kept while a library folder is not there) — it stayed, and was listed
    // with its old analysis by every later run over its folder
    const gone = vanished.filter(onceById());
    const { rest, moved } = await this.matchMoves(job, found, gone);
    this.countFollowed(job, found.length - rest.length);
    await this.leaveGone(job, gone.filter((v) => !moved.has(v)));
    await this.enqueue(job, rest);
  }

  /**
   * The re-probe of classify's `retag` rows: each file's tagged tempo and key read (readTempoKeyTags: its tags alone,
   * no decode) into its stored probe, with the current key, so the detail's "Tagged:" line shows them. A file that
   * cannot be read now keeps its row as it was (the next scan tries again); one changed since classify saw it (a
   * write-tags racing) is left alone. Runs after processPhase, honours Pause as the runner does, and names each file
   * as the job's current one (progress). Rows told changed in batches.
   */
  private async retagPhase(job: Job): Promise<void> {
    /** rows re-read and not yet announced (library:changed, in batches of CLASSIFY_BATCH) */
    let n = 0;
    const announce = () => {
      if (n) this.bumpChanged({ updated: n });
      n = 0;
    };
    const items = job.retag.splice(0);
    for (let i = 0; i < items.length; ) {
      if ((job.state as ScanState['state']) === 'cancelled') return announce();
      if ((job.state as ScanState['state']) === 'paused') {
        // paused (left19b): the rows re-read so far are announced now, not when the scan goes on (the table showed
        // them without their tags while paused), and the file named is the next one to read, not the one just read
        announce();
        job.current = items[i].path;
        this.emitState(true);
        await new Promise<void>((r) => {
          const prev = job.resume;
          job.resume = () => (prev?.(), r());
        });
        continue;
      }
      const item = items[i++];
      job.current = item.path;
      this.emitState();
      const t0 = performance.now();
      const tags = await readTempoKeyTags(item.path).catch(() => null);
      // counted done when dealt with (classify leaves these rows out of `done`): the progress says how far the
      // re-read got, also while paused — it said every file was done (left19b); a file that cannot be read keeps its row
      job.done++;
      job.retagLeft--;
      job.retagRead++;
      job.retagSec += (performance.now() - t0) / 1000;
      if (tags === null) continue;
      const file = item.mtimeMs === undefined ? undefined : { size: item.size, mtimeMs: item.mtimeMs };
      if (!this.store.setTempoKeyTags(item.trackId, tags, this.key, file)) continue;
      const r = job.rows?.get(item.path);
      if (r) r.lib_versions = this.key;
      if (++n === CLASSIFY_BATCH) announce();
    }
    job.current = null;
    announce();
  }

  private async processPhase(job: Job): Promise<void> {
    if (!job.queue.length) return;
    // largest files first (bytes stand in for length): the scan does not end on one long track analysed alone
    // while the other workers have nothing left (stable: equal sizes keep their order)
    job.queue.sort((a, b) => b.size - a.size);
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
      const done = { jobId: job.id, path: item.path };
      try {
        if (testDenied(item.path)) throw new StudioError('UNREADABLE', `"${item.path.split('/').pop()}" cannot be read: permission denied. Check the file's permissions.`);
        const only = item.only ?? (this.waveform ? undefined : Object.keys(this.versions));
        const res = await pool.run({ path: item.path, cacheDir: this.ctx.cacheDir, only }, job.controller.signal, (s) => (doneSec = s));
        this.store.recordResult(item.trackId, res, this.key, done);
        job.done++;
        job.processed++;
        job.audioSec += res.durationSec;
        this.bumpChanged({ updated: 1 }, item.trackId);
      } catch (err) {
        job.audioSec += doneSec;
        if ((job.state as ScanState['state']) === 'cancelled') return;
        const e = toErrorData(err);
        if (e.code === 'DB_WRITE_FAILED') throw err;
        const st = await stat(item.path).catch(() => null);
        // its library folder gone meanwhile (an unplugged drive, renamed): the row stays as it was, with its analysis,
        // crates, cues and chat, as a walk keeps a missing folder's tracks (tester39: a Rescan's files in flight left the
        // library — crates and hot cues with them — and those still queued lost their analyses to "does not exist")
        if (!st && (await this.folderGone(job, item.path))) {
          this.store.removeTracks([], done);
          job.done++;
          job.processed++;
          continue;
        }
        if (e.code === 'FILE_CHANGED' && item.attempts < 1) {
          item.attempts++;
          if (st) job.queue.push(item);
          else {
            this.store.removeTracks([item.trackId], done);
            job.rows?.delete(item.path);
            this.bumpChanged({ removed: 1 });
            job.done++;
            job.problems.push({ path: item.path, code: 'FILE_CHANGED', message: 'Deleted (or moved away) while it was being analysed; it left the library.' });
          }
          continue;
        }
        this.store.recordFailure(item.trackId, e.code, e.message, st ? { size: st.size, mtimeMs: st.mtimeMs } : null, done);
        job.failed++;
        job.processed++;
        this.bumpChanged({ updated: 1 }, item.trackId);
      } finally {
        job.inflight--;
      }
      this.emitState();
    }
  }

  // ---- events (throttled) ------------------------------------------------

  private emitState(force = false): void {
    // a catch-up with nothing to say is not told (its state would be the last job's again)
    if (this.job && this.silent(this.job)) return;
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

  /** rows changed, told in one library:changed within 250 ms; `analysedId`: a row whose analysis was just stored (or failed) */
  bumpChanged(d: Partial<{ added: number; updated: number; removed: number }>, analysedId?: string): void {
    if (analysedId !== undefined) this.analysedIds.add(analysedId);
    this.changed.added += d.added ?? 0;
    this.changed.updated += d.updated ?? 0;
    this.changed.removed += d.removed ?? 0;
    if (!this.changedTimer) this.changedTimer = setTimeout(() => this.flushChanged(), 250);
  }

  /**
   * What every page shows of the rows changed without a row added, changed or removed — a crate made, renamed or
   * filled (its count, the table of that crate), the BPM range set (every tempo shown folded again): told as a
   * library:changed of zero counts, within 250 ms with any other change (bumpChanged). bumpChanged({}) was dropped as
   * no change, so another tab or window kept the old crate counts and tempi until reloaded.
   */
  tellChanged(): void {
    this.changedAnyway = true;
    if (!this.changedTimer) this.changedTimer = setTimeout(() => this.flushChanged(), 250);
  }

  private flushChanged(): void {
    if (this.changedTimer) clearTimeout(this.changedTimer);
    this.changedTimer = null;
    const c = this.changed;
    const anyway = this.changedAnyway;
    this.changedAnyway = false;
    if (c.added + c.updated + c.removed === 0 && !anyway) return;
    this.changed = { added: 0, updated: 0, removed: 0 };
    const analysed = [...this.analysedIds];
    this.analysedIds.clear();
    this.ctx.emit('library:changed', analysed.length ? { ...c, analysed } : c);
  }
}

/**
 * The folder of a watcher's batch whose walk takes in a path of that batch (the nearest; null: none): `stats` maps every
 * path of the batch to its lstat (null: gone). inotify reports a folder copied or moved in AND each file and subfolder in
 * it; the folder's walk (LibraryScanner.collect) finds them all. A gone path is never covered (its row must still
 * leave the library), nor a folder that is a symlink (lstat: not a directory; the walk does not follow it). Each
 * path's parents are looked up, not every pair compared: a batch of 20,000 files costs 20,000 × depth lookups.
 */
export function coveredByWalk(stats: ReadonlyMap<string, { isDirectory(): boolean } | null>): (path: string) => string | null {
  const dirs = new Set([...stats].filter(([, st]) => st?.isDirectory()).map(([p]) => p));
  return (path) => {
    if (!dirs.size) return null;
    for (let up = dirname(path); up !== path && up.length > 0; path = up, up = dirname(up)) if (dirs.has(up)) return up;
    return null;
  };
}

/** a row's or a found file's size and mtime (ms) as one key: the moves' buckets */
function sizeMtimeKey(size: number, mtimeMs: number): string {
  return `${size}:${mtimeMs}`;
}

/** A filter that keeps each library row once, by id (nested library folders list a row under each). */
function onceById(): (r: LibRow) => boolean {
  const ids = new Set<string>();
  return (r) => !ids.has(r.id) && !!ids.add(r.id);
}
