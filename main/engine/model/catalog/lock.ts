/**
 * One Get at a time per models folder, across processes: `<models>/.get.lock` names its owner,
 * and a lock whose owner is gone is taken over. Whether an owner is gone (dead, a zombie, a
 * reused pid) is main/data-lock/owner.ts, shared with the data-folder lock.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GET_AGAIN, StudioError } from '@contract';
import { makeDirs } from '../../fs/paths';
import { ownerAlive, parseOwner, selfOwner } from '../../../data-lock/owner';

export { ownerAlive, parseOwner, procStat, selfOwner, type LockOwner } from '../../../data-lock/owner';

/**
 * Take `<models>/.get.lock` (the app and `studio model get` on the same data folder would
 * otherwise write the same `.part` files); a lock whose owner is gone (see ownerAlive) is taken over.
 * @returns the function that releases it.
 * @throws StudioError BAD_ARGS naming the process that holds it.
 */
export function lockModels(modelsDir: string): () => void {
  const lock = join(modelsDir, '.get.lock');
  makeDirs(modelsDir); // not mkdir -p: Node's answers ENOENT for a read-only disk (EROFS)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, JSON.stringify(selfOwner()), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let text = '';
      try {
        text = readFileSync(lock, 'utf8');
      } catch (r) {
        if ((r as NodeJS.ErrnoException).code !== 'ENOENT') throw r;
        continue; // released between the two calls
      }
      const owner = parseOwner(text);
      if (owner && ownerAlive(owner)) throw new StudioError('BAD_ARGS', `Another studio process (pid ${owner.pid}) is getting a model into ${modelsDir}. Wait for it, or pause it there, then ${GET_AGAIN}.`);
      rmSync(lock, { force: true });
    }
  }
  throw new StudioError('INTERNAL', `Could not take ${lock}.`);
}
