import type { Handlers } from '@contract';
import { listDir } from '../fs/list-dir';

/** `fs:*`: the in-app file browser (web mode's stand-in for native dialogs). */
export function fsHandlers(): Pick<Handlers, 'fs:list-dir'> {
  return {
    'fs:list-dir': ({ path, kind }) => listDir(path, kind),
  };
}
