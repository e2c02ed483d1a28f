import { homedir } from 'node:os';
import { extname } from 'node:path';
import { IMAGE_EXTENSIONS, StudioError, type Handlers } from '../contract';
import type { EngineContext } from './context';
import { listDir } from './fs/list-dir';
import { locateFfmpeg } from './media/ffmpeg';
import { probeFile, statMediaFile } from './media/probe';
import { Tracks } from './media/tracks';
import { modelStatus } from './model/status';

/** Every engine method of the contract, bound to its service. */
export function engineHandlers(ctx: EngineContext): Handlers {
  const tracks = new Tracks(ctx);
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
    'media:probe': ({ path }, { signal }) => probeFile(path, signal),
    'media:open': ({ path }, { signal }) => tracks.open(path, signal),
    'media:get-track': ({ trackId }) => tracks.get(trackId),
    'media:set-cover': async ({ trackId, imagePath }) => {
      if (imagePath !== null) {
        const ext = extname(imagePath).slice(1).toLowerCase();
        if (!(IMAGE_EXTENSIONS as readonly string[]).includes(ext)) {
          throw new StudioError('BAD_ARGS', `A cover must be an image (${IMAGE_EXTENSIONS.join(', ')}); "${imagePath}" is not.`);
        }
        await statMediaFile(imagePath);
      }
      return tracks.setCover(trackId, imagePath);
    },
    'recent:list': () => tracks.recent(),
    'recent:remove': ({ trackId }) => (tracks.removeRecent(trackId), null),
    'recent:clear': () => (tracks.clearRecent(), null),
    'fs:list-dir': ({ path, kind }) => listDir(path, kind),
    'model:status': () => modelStatus(ctx),
  };
}
