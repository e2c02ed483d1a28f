/**
 * The data folder's lock: one process at a time opens a data folder for writing (the app's engine host,
 * `studio serve`, `studio analyze --db`, `studio model …`). Without it two engines would share one
 * SQLite database silently: two scans of one library, each closing the other's job as interrupted,
 * two model downloads into one folder.
 *
 * Mutual exclusion and the heartbeat are proper-lockfile's (npm, MIT): an atomic `mkdir` of
 * `<data>/studio.lock`, whose mtime the holder refreshes every `updateMs`, and a check on each refresh
 * that the lock is still its own (it calls `onCompromised` otherwise). Who holds it is ours, in two records:
 *  - the intent, `<data>/studio.lock.<pid>.<8 hex>.json` (the owner record plus the pid namespace), written atomically
 *    (a temporary file renamed) BEFORE the mkdir and removed only AFTER the lock folder is gone (release, exit);
 *    a process whose mkdir fails removes its own at once. So a live holder of this machine always has a live intent,
 *    from before its lock folder exists to after it is gone: a lock folder with no owner record whose intents all
 *    name dead processes of this machine's pid namespace (and none is another machine's) was left by a starter killed
 *    between its mkdir and its record,
 *    and is taken over at once (before: only once its heartbeat was older than `staleMs`, 30 s, and the next
 *    `studio …` exited 75 meanwhile). A live intent, on the other hand, is a starter between its two steps (or
 *    another contender's attempt): waited for (up to STARTING_MS), never taken over;
 *  - `<data>/studio.lock.json` (pid, command, host, since when; written atomically just after the mkdir),
 *    which the error shown to the second process quotes.
 * A lock left by a process that is gone (kill -9, a crash, a power cut) is taken over when its owner ran on this
 * machine and is dead, a zombie or its pid was reused (owner.ts) and its heartbeat has stopped (older than 2.5
 * beats: a holder in another pid namespace — a container or sandbox sharing the folder — looks dead by pid but still
 * beats; the wait is at most 5 s after a kill, inside lockDataFolder, not an error); a starter's lock as said above
 * (when its intent is of another pid namespace, after the same 2.5 beats); a lock of another machine (a data folder on
 * a network share), or one with neither an owner record nor an intent of this machine (a version before intents),
 * once its heartbeat is older than `staleMs`. Before removing a lock judged left behind, the judgement is made again
 * (same heartbeat, same record, still no live intent), so a lock that another process took over and took meanwhile
 * is not removed.
 *
 * Test hook: with STUDIO_TEST_DATA_LOCK_PAUSE=FILE set, a process that has made the lock folder writes its pid to FILE
 * and stops there, before its owner record (test/integration/data-lock-starter.test.ts kills it there).
 *
 * Limits (documented, not handled): two processes that judge the same lock left behind may both remove it, and a
 * third may take the folder between the second one's last check and its removal (a few microseconds: the second's
 * two system calls); the mixed-version case of a process of a version before intents caught between its mkdir and its
 * record while a newer one finds a dead intent is the same. A process stopped (SIGSTOP) between writing its intent
 * and trying the mkdir keeps others waiting on it, then refused, as "starting".
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { StudioError } from '@contract';
import { makeDirs } from '../engine/fs/paths';
import { APP_COMMAND, ownerAlive, parseOwner, pidNamespace, selfOwner, type LockOwner } from './owner';

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
  /** its pid namespace (owner.ts pidNamespace; Linux only): written in an intent, where it decides whether a dead pid is final */
  ns?: string;
}

/** A starter's intent, `studio.lock.<pid>.<8 hex>.json` (the module's docstring); the temporary file it is renamed from ends `.tmp`. */
const INTENT = /^studio\.lock\.(\d+)\.[0-9a-f]{8}\.json$/;
/** how long a live starter between its mkdir and its owner record is waited for before the folder is refused (ms) */
export const STARTING_MS = 2000;

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
  return toOwner(text);
}

/** A record's text as DataLockOwner (its missing fields filled in); null when it is not one. */
function toOwner(text: string): DataLockOwner | null {
  const o = parseOwner(text) as Partial<DataLockOwner> | null;
  if (!o) return null;
  return { ...(o as LockOwner), command: typeof o.command === 'string' && o.command ? o.command : 'another Resonance Studio process', host: typeof o.host === 'string' ? o.host : hostname(), at: typeof o.at === 'number' ? o.at : 0 };
}

/** The intents in `dataDir` (file name, record), those whose record names another pid than their name left out. */
function readIntents(dataDir: string): Array<{ name: string; owner: DataLockOwner }> {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return [];
  }
  const out: Array<{ name: string; owner: DataLockOwner }> = [];
  for (const name of names) {
    const m = INTENT.exec(name);
    if (!m) continue;
    let text: string;
    try {
      text = readFileSync(join(dataDir, name), 'utf8');
    } catch {
      continue; // removed meanwhile: its process's mkdir failed, or it released
    }
    const owner = toOwner(text);
    if (owner && owner.pid === Number(m[1])) out.push({ name, owner });
  }
  return out;
}

/** Write this process's intent (renamed into place, so never torn); its path. */
function writeIntent(dataDir: string, owner: DataLockOwner): string {
  const name = `${LOCK_DIR}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(join(dataDir, `${name}.tmp`), JSON.stringify(owner));
  renameSync(join(dataDir, `${name}.tmp`), join(dataDir, `${name}.json`));
  return join(dataDir, `${name}.json`);
}

/** STUDIO_TEST_DATA_LOCK_PAUSE (the module's docstring): write the pid to the file named, then never go on. */
async function testPause(): Promise<void> {
  const file = process.env.STUDIO_TEST_DATA_LOCK_PAUSE;
  if (!file) return;
  writeFileSync(file, String(process.pid));
  setInterval(() => undefined, 1 << 30);
  await new Promise(() => undefined);
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

/** the lock folder's last heartbeat (its mtime, ms since the epoch; any file's mtime likewise); null when it is gone */
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
  const me = hostname();
  const ns = pidNamespace();
  /** this process's record: the intent's, then the owner record's (with `at` set when taken) */
  const self: DataLockOwner = { ...selfOwner(), command: opts.command, host: me, at: Date.now(), beat, ...(ns ? { ns } : {}) };
  /** the heartbeat seen while waiting on a holder whose pid looks dead */
  let seenBeat: number | undefined;
  /** when a live starter's intent was first seen (STARTING_MS) */
  let startingSince: number | undefined;
  /** the holder whose left-behind lock was removed (DataLock.tookOver) */
  let tookOver: DataLockOwner | null | undefined;
  const onCompromised = opts.onCompromised ?? ((err: Error) => process.stderr.write(`studio: the lock on the data folder ${dataDir} was lost (${err.message}); another process may be writing it too.\n`));
  /** this machine's intents: of live processes (this one's own count as live: another lock being taken here), of dead ones */
  const localIntents = () => {
    const all = readIntents(dataDir);
    const here = all.filter((i) => i.owner.host === me);
    const alive = (o: DataLockOwner) => o.pid === process.pid || ownerAlive(o);
    return { live: here.filter((i) => alive(i.owner)), dead: here.filter((i) => !alive(i.owner)), foreign: all.filter((i) => i.owner.host !== me) };
  };
  for (let attempt = 0; ; attempt++) {
    const intentPath = writeIntent(dataDir, self);
    let unlock: () => Promise<void>;
    try {
      // stale: never by proper-lockfile's own rule (its mtime-only takeover would take a live holder's lock whose
      // event loop stalled); the takeover is decided below, by the owner's pid first
      unlock = await lockfile.lock(dataDir, { lockfilePath: lockPath, realpath: false, retries: 0, stale: 2 ** 31, update: beat, onCompromised });
    } catch (err) {
      // a contender's intent lives only while it tries: others would wait on it as on a starter
      rmSync(intentPath, { force: true });
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      const owner = readDataLockOwner(dataDir);
      const sameHost = owner?.host === me;
      if (owner && sameHost && isSelf(owner)) throw dataFolderInUse(dataDir, owner);
      const beatAt = heartbeatAt(lockPath);
      const age = beatAt === null ? null : Date.now() - beatAt;
      // released meanwhile: try again (nothing removed: a new holder may be writing its record)
      if (age === null && attempt < 5) continue;
      const ownerDead = owner && sameHost && !ownerAlive(owner);
      const intents = localIntents();
      if (intents.live.length && (!owner || ownerDead)) {
        // a starter of this machine between its mkdir and its record (or another contender trying): never taken over
        // (a record left by a dead owner may sit beside a newer starter's lock)
        startingSince ??= Date.now();
        if (Date.now() - startingSince > STARTING_MS) throw dataFolderInUse(dataDir, owner && !ownerDead ? owner : intents.live[0].owner);
        await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
        attempt--;
        continue;
      }
      /** a starter killed between its mkdir and its record: its intent, dead; null when several are (which held it is not known) */
      // (not where another machine has an intent here: the lock folder may be its starter's, whose pid means nothing here)
      const killedStarter = !owner && intents.dead.length > 0 && !intents.foreign.length ? (intents.dead.length === 1 ? intents.dead[0].owner : null) : undefined;
      // whose death is final: an intent of this pid namespace (another one's pid may be alive there, and beats)
      const starterFinal = killedStarter !== undefined && intents.dead.every((i) => i.owner.ns === ns);
      const grace = 2.5 * ((owner ?? killedStarter)?.beat ?? 2000);
      if ((ownerDead || (killedStarter !== undefined && !starterFinal)) && age !== null && age <= grace) {
        // its pid is gone but its heartbeat is recent: killed a moment ago (it will age), or alive in another pid
        // namespace (it beats again: refused)
        // the lock folder's mtime itself, compared as read (an age recomputed from two clock readings drifts by
        // however long the process was descheduled between them: a killed holder read as beating again under load)
        if (seenBeat !== undefined && beatAt! > seenBeat) throw dataFolderInUse(dataDir, owner ?? killedStarter ?? null);
        seenBeat ??= beatAt!;
        await new Promise((r) => setTimeout(r, Math.min(grace - age + 50, 1000)));
        attempt--;
        continue;
      }
      const gone = owner ? (sameHost ? ownerDead : age !== null && age > staleMs) : killedStarter !== undefined || (age !== null && age > staleMs);
      if (gone && attempt < 5) {
        // judged again just before the removal: the same lock folder (heartbeat), the same record, still no live
        // intent — another process may have taken this lock over and taken the folder since
        const again = readDataLockOwner(dataDir);
        if (heartbeatAt(lockPath) !== beatAt || JSON.stringify(again) !== JSON.stringify(owner) || localIntents().live.length) continue;
        // the owner record first: a record without its lock folder never names a live lock
        rmSync(ownerPath, { force: true });
        rmSync(lockPath, { recursive: true, force: true });
        for (const i of intents.dead) rmSync(join(dataDir, i.name), { force: true });
        tookOver = owner ?? killedStarter ?? null;
        continue;
      }
      if (!owner && attempt < 5) {
        // the holder took the folder a moment ago and is writing its record
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      throw dataFolderInUse(dataDir, owner);
    }
    await testPause();
    const owner: DataLockOwner = { ...self, at: Date.now() };
    delete owner.ns;
    try {
      writeOwner(dataDir, owner);
    } catch (err) {
      await unlock().catch(() => undefined);
      rmSync(intentPath, { force: true });
      throw err;
    }
    // intents of processes gone for good (killed while trying, or starters whose lock was taken over by another way);
    // another machine's left this long ago (while this process holds the lock, another's intent is only a try's)
    const left = localIntents();
    for (const i of left.dead) if (i.owner.ns === ns) rmSync(join(dataDir, i.name), { force: true });
    for (const i of left.foreign) if ((heartbeatAt(join(dataDir, i.name)) ?? Infinity) < Date.now() - staleMs) rmSync(join(dataDir, i.name), { force: true });
    let released = false;
    // proper-lockfile removes its folder on exit too (signal-exit), but only after the process's own 'exit' listeners:
    // here the record, the lock folder, then the intent — the order a live holder's records go in
    const onExit = () => {
      if (readDataLockOwner(dataDir)?.pid === process.pid) rmSync(ownerPath, { force: true });
      try {
        lockfile.unlockSync(dataDir, { lockfilePath: lockPath, realpath: false });
      } catch {
        // released meanwhile, or the lock was lost (onCompromised)
      }
      rmSync(intentPath, { force: true });
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
        rmSync(intentPath, { force: true });
      },
    };
  }
}
