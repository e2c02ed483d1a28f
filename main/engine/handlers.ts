import { homedir } from 'node:os';
import { extname } from 'node:path';
import { IMAGE_EXTENSIONS, StudioError, type Handlers } from '@contract';
import type { EngineContext } from './context';
import { listDir } from './fs/list-dir';
import { locateFfmpeg } from './media/ffmpeg';
import { probeFile, statMediaFile } from './media/probe';
import { MediaService } from './media/service';
import { Tracks } from './media/tracks';
import { ChatService } from './chat/service';
import { ModelService } from './model/service';
import { LibraryService } from './library/service';

/** Every engine method of the contract, bound to its service. */
export function engineHandlers(ctx: EngineContext): Handlers {
  const tracks = new Tracks(ctx);
  const media = new MediaService(ctx, tracks);
  const model = new ModelService(ctx);
  const chat = new ChatService(ctx, tracks, model, async (trackId) => (await media.resolve('cover', trackId)).path);
  const library = new LibraryService(ctx, { background: process.env.STUDIO_LIBRARY_BACKGROUND !== '0' });
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
    'media:peaks': ({ trackId }, call) => media.peaks(trackId, call),
    'media:spectrogram': ({ trackId }, call) => media.spectrogram(trackId, call),
    'media:filmstrip': ({ trackId, count }, call) => media.filmstrip(trackId, count, call),
    'media:resolve': ({ kind, id }) => media.resolve(kind, id),
    'recent:list': () => tracks.recent(),
    'recent:remove': ({ trackId }) => (tracks.removeRecent(trackId), null),
    'recent:clear': () => (tracks.clearRecent(), null),
    'fs:list-dir': ({ path, kind }) => listDir(path, kind),
    'model:status': () => model.status(),
    'model:choose-pack': ({ path }, { signal, progress }) =>
      model.choosePack(path, (fraction, file) => progress({ stage: 'verifying pack', fraction, message: file }), signal),
    'model:forget-pack': () => model.forgetPack(),
    'model:set-provider': ({ provider }) => model.setProvider(provider),
    'model:diagnostics': () => model.diagnostics(),
    'model:ask': ({ packPath, provider, options, ...req }, { signal, progress }) =>
      model.askWithPack(packPath, provider ?? 'auto', { ...req, ...options }, {
        signal,
        onLoad: (fraction, file) => progress({ stage: 'loading model', fraction, message: file }),
        onStage: (stage) => progress({ stage }),
        onText: (text) => progress({ stage: 'answering', text }),
      }),
    'library:list-folders': () => library.folders(),
    'library:add-folder': ({ path }) => library.addFolder(path),
    'library:remove-folder': ({ folderId }) => library.removeFolder(folderId),
    'library:scan': ({ folderId, paths }) => (paths ? library.scanner.scanPaths(paths) : library.scan(folderId)),
    'library:scan-control': ({ action }) => library.scanner.control(action),
    'library:scan-state': () => library.scanner.state(),
    'library:query': (args) => library.query(args),
    'library:track-detail': ({ trackId }) => library.store.detail(trackId),
    'library:export': ({ format, trackIds, filter }) => library.export(format, trackIds, filter),
    'chat:get-thread': ({ trackId }) => chat.thread(trackId),
    'chat:ask': ({ trackId, instruction, attachments, options }, call) => chat.ask(trackId, instruction, attachments, options, call),
    'chat:regenerate': ({ trackId, messageId, options }, call) => chat.regenerate(trackId, messageId, options, call),
    'chat:clear-thread': ({ trackId }) => (chat.clear(trackId), null),
  };
}
