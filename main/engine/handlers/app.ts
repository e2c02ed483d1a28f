import { homedir } from 'node:os';
import type { Handlers } from '@contract';
import type { EngineContext } from '../context';
import { locateFfmpeg } from '../media/ffmpeg';

/** `app:*`: what this engine is and where it runs. */
export function appHandlers(ctx: EngineContext): Pick<Handlers, 'app:get-info'> {
  return {
    'app:get-info': () => ({
      version: ctx.version,
      mode: ctx.mode,
      platform: `${process.platform}-${process.arch}`,
      dataDir: ctx.dataDir,
      homeDir: homedir(),
      ffmpeg: locateFfmpeg(),
      engine: { pid: process.pid, restarts: ctx.restarts, startedAt: ctx.startedAt },
    }),
  };
}
