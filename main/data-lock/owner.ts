/**
 * Who holds a lock file, and whether that process is gone (shared by the data-folder lock, index.ts,
 * and the models folder's Get lock, engine/model/catalog/lock.ts). "Gone" is more than "no such pid":
 *  - a zombie (Linux `/proc/<pid>/stat` state Z or X) is dead. A SIGKILLed app or CLI leaves its
 *    engine child orphaned; where nobody reaps orphans (a container whose PID 1 does not wait,
 *    a parent that never waits) the engine stays a zombie for ever, and `kill(pid, 0)` still
 *    succeeds on it;
 *  - a pid now used by another process: the lock records the owner's start time
 *    (`/proc/<pid>/stat` field 22, clock ticks since boot) and the boot
 *    (`/proc/sys/kernel/random/boot_id`) on Linux, and the time it was written everywhere; a
 *    different start time, another boot, or (where the OS gives no start time: macOS, Windows)
 *    a lock written before this boot means the pid was reused.
 * Source followed: proc(5) (`/proc/pid/stat`: state, starttime); kill(2) (signal 0: ESRCH none,
 * EPERM exists but not ours).
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { uptime } from 'node:os';

/**
 * The command the desktop app records as a lock's holder (the data folder's, the models folder's Get lock): the
 * messages then say "Resonance Studio window".
 */
export const APP_COMMAND = 'Resonance Studio';

/** What a lock file holds (JSON). A Get lock of the versions before holds the bare pid. */
export interface LockOwner {
  pid: number;
  /** Linux: the owner's start time, `/proc/<pid>/stat` field 22 (clock ticks since boot, as text) */
  start?: string;
  /** Linux: `/proc/sys/kernel/random/boot_id` when the lock was written */
  boot?: string;
  /** when the lock was written (ms since the epoch) */
  at?: number;
}

/** `/proc/<pid>/stat`'s state (field 3) and start time (field 22); null where there is no such file (not Linux, no such process). */
export function procStat(pid: number | 'self'): { state: string; start: string } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // field 2 (comm) is in parentheses and may itself hold spaces or ')': split after the last ')'
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so field n is rest[n - 3]
  return rest.length > 19 ? { state: rest[0], start: rest[19] } : null;
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * This process's pid namespace on Linux: the link text of `/proc/self/ns/pid` ("pid:[4026531836]", namespaces(7));
 * undefined where there is none (not Linux, /proc not mounted). Two processes with the same value see the same pids,
 * so one's "no such pid" for the other is final; in different ones (a container sharing the folder) it is not.
 */
export function pidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

/** This process as a lock owner. */
export function selfOwner(): LockOwner {
  const st = procStat('self');
  return { pid: process.pid, ...(st ? { start: st.start, boot: bootId() } : {}), at: Date.now() };
}

/** Read a lock's text: JSON `LockOwner`, or the bare pid of earlier versions; null when unreadable (a torn write). */
export function parseOwner(text: string): LockOwner | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { pid: Number(t) };
  try {
    const o = JSON.parse(t) as LockOwner;
    return Number.isInteger(o?.pid) && o.pid > 0 ? o : null;
  } catch {
    return null;
  }
}

/** Slack for the boot-time check where the OS gives no start time (clock steps after boot). */
const BOOT_SLACK_MS = 60_000;

/**
 * Whether the process a lock names still runs and is the one that wrote it.
 * @returns false for: no such pid, a zombie, a pid whose start time or boot differ from the
 *   recorded ones, a lock written before this boot (no start time recorded).
 */
export function ownerAlive(o: LockOwner): boolean {
  if (!Number.isInteger(o.pid) || o.pid <= 0 || o.pid === process.pid) return false;
  try {
    process.kill(o.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false; // ESRCH: no such process
    // EPERM: a process of another user holds the pid; the checks below tell whether it is the owner
  }
  const st = procStat(o.pid);
  if (st) {
    if (st.state === 'Z' || st.state === 'X') return false;
    if (o.boot !== undefined && o.boot !== bootId()) return false;
    if (o.start !== undefined && o.start !== st.start) return false;
    return true;
  }
  if (o.at !== undefined && o.start === undefined && o.at < Date.now() - uptime() * 1000 - BOOT_SLACK_MS) return false;
  return true;
}
