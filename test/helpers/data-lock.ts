// The data folder's lock (main/data-lock) left by a process a test has killed.
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_DIR } from '../../main/data-lock';

/**
 * Ages the heartbeat of the lock a killed holder left in `dataDir` (proper-lockfile's heartbeat is the mtime of
 * `<dataDir>/studio.lock`) by `ageMs` (default 10 s), as it is that long after the kill: the next process on the folder
 * takes the lock over at once, instead of waiting up to 2.5 beats (5 s) for a heartbeat that stopped a moment ago.
 * A holder killed between the lock's mkdir and its owner record needs none of it: its intent
 * (`studio.lock.<pid>.<hex>.json`, written before the mkdir) names a dead process, and the lock is taken over at once
 * (main/data-lock, lock39; before, only after staleMs, 30 s — ci74's model-get kill loop met that window and this
 * helper aged such a lock by 31 s).
 * Call it only once the holder has exited (its pid dead): a live holder's lock is refused whatever its heartbeat's age,
 * and a holder still running would beat again. For tests whose subject is what follows a takeover (a resumed scan, a
 * resumed download, the port kept); the wait itself is data-lock's own subject (test/unit/data-lock.test.ts,
 * test/integration/data-lock.test.ts), which never ages it.
 * No lock there (the holder was killed before it took it, or released it): nothing. Other errors: thrown.
 */
export function ageDataLock(dataDir: string, ageMs = 10_000): void {
  const t = (Date.now() - ageMs) / 1000;
  try {
    utimesSync(join(dataDir, LOCK_DIR), t, t);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
