// The part of proper-lockfile 4 (npm, MIT; no types of its own) that data-lock uses, from its README:
// lock() resolves with the release function; ELOCKED when held; onCompromised when the lock was lost; unlockSync()
// releases a lock this process holds (ENOTACQUIRED otherwise).
// (@types/proper-lockfile is not installed: node_modules here is shared and its install is the lead's.)
declare module 'proper-lockfile' {
  export interface LockOptions {
    stale?: number;
    update?: number;
    retries?: number | { retries?: number; minTimeout?: number; maxTimeout?: number };
    realpath?: boolean;
    lockfilePath?: string;
    onCompromised?: (err: Error) => void;
  }
  export function lock(file: string, options?: LockOptions): Promise<() => Promise<void>>;
  export function unlock(file: string, options?: { realpath?: boolean; lockfilePath?: string }): Promise<void>;
  export function unlockSync(file: string, options?: { realpath?: boolean; lockfilePath?: string }): void;
  export function check(file: string, options?: { stale?: number; realpath?: boolean; lockfilePath?: string }): Promise<boolean>;
  const lockfile: { lock: typeof lock; unlock: typeof unlock; unlockSync: typeof unlockSync; check: typeof check };
  export default lockfile;
}
