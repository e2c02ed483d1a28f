/**
 * The data folder's lock: one process at a time opens a data folder for writing (the app's engine host,
 * `studio serve`, `studio analyze --db`, `studio model …`). Without it two engines would share one
 * SQLite database silently: two scans of one library, each closing the other's job as interrupted,
 * two model downloads into one folder.
 *
 * Mutual exclusion and the heartbeat are proper-lockfile's (npm, MIT): an atomic `mkdir` of
 * `<data>/studio.lock`, whose mtime the holder refreshes every `updateMs`, and a check on each refresh
 * that the lock is still its own (it calls `onCompromised` otherwise). Who holds it is ours:
 * `<data>/studio.lock.json` (pid, command, host, since when; written atomically just after the mkdir),
 * which the error shown to the second process quotes. A lock left by a process that is gone (kill -9,
 * a crash, a power cut) is taken over when its owner ran on this machine and is dead, a zombie or its pid
 * was reused (owner.ts) and its heartbeat has stopped (older than 2.5 beats: a holder in another pid
 * namespace — a container or sandbox sharing the folder — looks dead by pid but still beats; the wait
 * is at most 5 s after a kill, inside lockDataFolder, not an error); a lock of another machine (a data
 * folder on a network share), or one whose owner record is missing, once its heartbeat is older than `staleMs`.
 *
 * Limits (documented, not handled): two processes that find the same dead owner in the same few
 * milliseconds may both take it over (proper-lockfile's stale takeover has the same window); an owner
 * record left behind by a process killed between its release's two steps names a dead pid for a lock
 * that a newer process creates in the microseconds before it writes its own record.
 */
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { StudioError } from '@contract';
import { makeDirs } from '../engine/fs/paths';
import { APP_COMMAND, ownerAlive, parseOwner, selfOwner, type LockOwner } from './owner';

/** the lock itself: a folder (proper-lockfile's mkdir lock) */
export const LOCK_DIR = 'studio.lock';
/** who holds it (JSON DataLockOwner) */
export const OWNER_FILE = 'studio.lock.json';
/** the CLI's exit status for DATA_FOLDER_IN_USE: sysexits(3) EX_TEMPFAIL, "try again later" */
export const DATA_FOLDER_IN_USE_EXIT = 75;
export { APP_COMMAND } from './owner';

/** What `<data>/studio.lock.json` holds. */
export interface DataLockOwner extends LockOwner {
  /** what the holder is, as the user would name it: `Resonance Studio`, `studio serve`, `studio analyze --db` */
  command: string;
  /** os.hostname() of the holder (its pid means nothing on another machine) */
  host: string;
  /** when it took the lock (ms since the epoch) */
  at: number;
  /** its heartbeat period (ms; absent in a record written by hand: 2 000 assumed) */
  beat?: number;
}

export interface DataLockOptions {
  /** recorded as the owner's command */
  command: string;
  /** a heartbeat older than this lets another machine's lock, or one without an owner record, be taken over (ms, default 30 000) */
  staleMs?: number;
  /** how often the holder refreshes the heartbeat (ms, default 2 000, at least 1 000) */
  updateMs?: number;
  /** the lock was taken from under us (another process thought us gone) or deleted; default: a warning on stderr */
  onCompromised?: (err: Error) => void;
}

export interface DataLock {
  readonly dataDir: string;
  readonly owner: DataLockOwner;
  /**
   * The process whose lock was left behind and taken over (killed, crashed, a power cut): its record, or null when
   * it left none; undefined when the folder was free.
   */
  readonly tookOver?: DataLockOwner | null;
  /** Give the lock up (idempotent). */
  release(): Promise<void>;
}

/** The owner record of `dataDir`'s lock; null when there is none or it cannot be read. */
export function readDataLockOwner(dataDir: string): DataLockOwner | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, OWNER_FILE), 'utf8');
  } catch {
    return null;
  }
  const o = parseOwner(text) as Partial<DataLockOwner> | null;
  if (!o) return null;
  return { ...(o as LockOwner), command: typeof o.command === 'string' && o.command ? o.command : 'another Resonance Studio process', host: typeof o.host === 'string' ? o.host : hostname(), at: typeof o.at === 'number' ? o.at : 0 };
}

/**
 * The error a second process gets: which process holds the folder (pid, command, since when) and what to do.
 * `detail` is the owner as JSON (pid, command, host, since: ISO 8601) for programs.
 */
export function dataFolderInUse(dataDir: string, owner: DataLockOwner | null): StudioError {
  if (!owner) {
    return new StudioError(
      'DATA_FOLDER_IN_USE',
      `The data folder ${dataDir} is in use by another Resonance Studio process (it is starting, or its record cannot be read). Close the other Resonance Studio window or \`studio serve\` and try again, or use another data folder (--data-dir DIR or STUDIO_DATA_DIR).`,
    );
  }
  const other = owner.host !== hostname() ? ` on ${owner.host}` : '';
  const since = owner.at ? `, since ${new Date(owner.at).toLocaleString()}` : '';
  const what = owner.command === APP_COMMAND ? `Close the other Resonance Studio window (pid ${owner.pid}${other})` : `Stop \`${owner.command}\` (pid ${owner.pid}${other}; Ctrl+C in its terminal)`;
  return new StudioError(
    'DATA_FOLDER_IN_USE',
    `The data folder ${dataDir} is in use by ${owner.command} (pid ${owner.pid}${other}${since}). ${what} and try again, or use another data folder (--data-dir DIR or STUDIO_DATA_DIR). studio probe, studio ask and studio analyze without --db work meanwhile.`,
    JSON.stringify({ pid: owner.pid, command: owner.command, host: owner.host, since: owner.at ? new Date(owner.at).toISOString() : null }),
  );
}

/**
 * What a process that took over a left-behind lock tells the user (DataLock.tookOver): who left it, and that the last
 * run ended without giving it up, so what it was doing was cut short — and what becomes of it. Null when nothing was
 * taken over. Pure but for the date's local format.
 */
export function tookOverText(lock: Pick<DataLock, 'tookOver'>): string | null {
  if (lock.tookOver === undefined) return null;
  const o = lock.tookOver;
  const who = o ? `${o.command} (pid ${o.pid}${o.at ? `, since ${new Date(o.at).toLocaleString()}` : ''})` : 'a Resonance Studio process that left no record';
  return `the data folder was left locked by ${who}, which ended without giving it up (killed, crashed, or the machine lost power); taken over. A library scan it was running goes on where it stopped; an answer it was writing is marked Interrupted.`;
}

/** Whether the record names this very process (a second lock taken in one process is refused, not taken over). */
function isSelf(o: DataLockOwner): boolean {
  if (o.pid !== process.pid || o.host !== hostname()) return false;
  const me = selfOwner();
  return o.start === undefined || me.start === undefined || o.start === me.start;
}

function writeOwner(dataDir: string, owner: DataLockOwner): void {
  const tmp = join(dataDir, `${OWNER_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(owner));
  renameSync(tmp, join(dataDir, OWNER_FILE));
}

/** the lock folder's last heartbeat (its mtime, ms since the epoch); null when it is gone */
function heartbeatAt(lockPath: string): number | null {
  try {
    return statSync(lockPath).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Take `dataDir`'s lock (creating the folder), taking over one whose holder is gone.
 * @returns the held lock; release it when the process stops writing the folder (it is released on exit too).
 * @throws StudioError DATA_FOLDER_IN_USE naming the holder (dataFolderInUse); the file system's errors
 *   (EACCES, EROFS, ENOTDIR) as they are.
 */
export async function lockDataFolder(dataDir: string, opts: DataLockOptions): Promise<DataLock> {
  makeDirs(dataDir);
  const lockPath = join(dataDir, LOCK_DIR);
  const ownerPath = join(dataDir, OWNER_FILE);
  const staleMs = opts.staleMs ?? 30_000;
  const beat = Math.max(1000, opts.updateMs ?? 2000);
  /** the heartbeat seen while waiting on a holder whose pid looks dead */
  let seenBeat: number | undefined;
  /** the holder whose left-behind lock was removed (DataLock.tookOver) */
  let tookOver: DataLockOwner | null | undefined;
  const onCompromised = opts.onCompromised ?? ((err: Error) => process.stderr.write(`studio: the lock on the data folder ${dataDir} was lost (${err.message}); another process may be writing it too.\n`));
  for (let attempt = 0; ; attempt++) {
    let unlock: () => Promise<void>;
    try {
      // stale: never by proper-lockfile's own rule (its mtime-only takeover would take a live holder's lock whose
      // event loop stalled); the takeover is decided below, by the owner's pid first
      unlock = await lockfile.lock(dataDir, { lockfilePath: lockPath, realpath: false, retries: 0, stale: 2 ** 31, update: beat, onCompromised });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      const owner = readDataLockOwner(dataDir);
      const sameHost = owner?.host === hostname();
      if (owner && sameHost && isSelf(owner)) throw dataFolderInUse(dataDir, owner);
      const beatAt = heartbeatAt(lockPath);
      const age = beatAt === null ? null : Date.now() - beatAt;
      // released meanwhile: try again (nothing removed: a new holder may be writing its record)
      if (age === null && attempt < 5) continue;
      const deadPid = owner && sameHost && !ownerAlive(owner);
      const grace = 2.5 * (owner?.beat ?? 2000);
      if (deadPid && age !== null && age <= grace) {
        // its pid is gone but its heartbeat is recent: killed a moment ago (it will age), or alive in another pid
        // namespace (it beats again: refused)
        // the lock folder's mtime itself, compared as read (an age recomputed from two clock readings drifts by
        // however long the process was descheduled between them: a killed holder read as beating again under load)
        if (seenBeat !== undefined && beatAt! > seenBeat) throw dataFolderInUse(dataDir, owner);
        seenBeat ??= beatAt!;
        await new Promise((r) => setTimeout(r, Math.min(grace - age + 50, 1000)));
        attempt--;
        continue;
      }
      const gone = owner && sameHost ? deadPid : age !== null && age > staleMs;
      if (gone && attempt < 5) {
        // the owner record first: a record without its lock folder never names a live lock
        rmSync(ownerPath, { force: true });
        rmSync(lockPath, { recursive: true, force: true });
        tookOver = owner;
        continue;
      }
      if (!owner && attempt < 5) {
        // the holder took the folder a moment ago and is writing its record
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      throw dataFolderInUse(dataDir, owner);
    }
    const owner: DataLockOwner = { ...selfOwner(), command: opts.command, host: hostname(), at: Date.now(), beat };
    try {
      writeOwner(dataDir, owner);
    } catch (err) {
      await unlock().catch(() => undefined);
      throw err;
    }
    let released = false;
    // proper-lockfile removes its folder on exit (signal-exit); the record goes with it
    const onExit = () => {
      if (readDataLockOwner(dataDir)?.pid === process.pid) rmSync(ownerPath, { force: true });
    };
    process.once('exit', onExit);
    return {
      dataDir,
      owner,
      ...(tookOver !== undefined ? { tookOver } : {}),
      release: async () => {
        if (released) return;
        released = true;
        process.removeListener('exit', onExit);
        const now = readDataLockOwner(dataDir);
        if (now?.pid === process.pid && now.at === owner.at) rmSync(ownerPath, { force: true });
        await unlock().catch(() => undefined);
      },
    };
  }
}
