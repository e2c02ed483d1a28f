/**
 * One Get at a time per models folder, across processes: `<models>/.get.lock` names its owner,
 * and a lock whose owner is gone is taken over. Whether an owner is gone (dead, a zombie, a
 * reused pid) is main/data-lock/owner.ts, shared with the data-folder lock.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GET_AGAIN, StudioError } from '@contract';
import { makeDirs } from '../../fs/paths';
import { APP_COMMAND, ownerAlive, parseOwner, selfOwner, type LockOwner } from '../../../data-lock/owner';

export { ownerAlive, parseOwner, procStat, selfOwner, type LockOwner } from '../../../data-lock/owner';

/**
 * Who holds the Get lock, in the words a user acts on: the other window, the terminal's command, the browser's
 * `studio serve` — the engine's pid only as detail (session 30: "Another studio process (pid 4242)" named a process
 * the user never started). `command` is what the holder's host recorded (STUDIO_HOST_COMMAND); a lock of the versions
 * before has none, and both usual holders are named.
 */
export function modelsFolderBusy(modelsDir: string, owner: LockOwner & { command?: unknown }): StudioError {
  const command = typeof owner.command === 'string' ? owner.command : undefined;
  const pid = ` (pid ${owner.pid})`;
  const [who, todo] =
    command === APP_COMMAND ? ['Another Resonance Studio window', 'Wait for it to finish, or pause it in that window’s Models panel']
    : command?.startsWith('studio model') ? [`\`${command}\` in a terminal`, 'Wait for it to finish, or stop it there with Ctrl+C (what it downloaded is kept)']
    : command === 'studio serve' ? ['`studio serve` (Resonance Studio in a browser)', 'Wait for it to finish, or pause it in that page’s Models panel']
    : ['Another Resonance Studio window or a `studio model get` in a terminal', 'Wait for it to finish, or pause it there (the window’s Models panel; Ctrl+C in the terminal)'];
  return new StudioError(
    'BAD_ARGS',
    `${who} is getting a model into ${modelsDir}${pid}. ${todo}, then ${GET_AGAIN}.`,
    JSON.stringify({ pid: owner.pid, command: command ?? null, since: owner.at ? new Date(owner.at).toISOString() : null }),
  );
}

/**
 * Take `<models>/.get.lock` (the app and `studio model get` on the same data folder would
 * otherwise write the same `.part` files); a lock whose owner is gone (see ownerAlive) is taken over.
 * `command`: what this process is to the user (the engine host's STUDIO_HOST_COMMAND: "Resonance Studio",
 * "studio model get", "studio serve"), recorded for a second Get's message (modelsFolderBusy).
 * @returns the function that releases it.
 * @throws StudioError BAD_ARGS naming what holds it (modelsFolderBusy).
 */
export function lockModels(modelsDir: string, command?: string): () => void {
  const lock = join(modelsDir, '.get.lock');
  makeDirs(modelsDir); // not mkdir -p: Node's answers ENOENT for a read-only disk (EROFS)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, JSON.stringify({ ...selfOwner(), ...(command ? { command } : {}) }), { flag: 'wx' });
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
      if (owner && ownerAlive(owner)) throw modelsFolderBusy(modelsDir, owner);
      rmSync(lock, { force: true });
    }
  }
  throw new StudioError('INTERNAL', `Could not take ${lock}.`);
}
