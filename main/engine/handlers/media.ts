import { extname } from 'node:path';
import { IMAGE_EXTENSIONS, StudioError, toErrorData, type Handlers } from '@contract';
import { probeFile, statMediaFile } from '../media/probe';
import type { MediaService } from '../media/service';
import type { Tracks } from '../media/tracks';

type MediaMethods =
  | 'media:probe'
  | 'media:open'
  | 'media:get-track'
  | 'media:set-cover'
  | 'media:peaks'
  | 'media:spectrogram'
  | 'media:wave-range'
  | 'media:filmstrip'
  | 'media:resolve'
  | 'recent:list'
  | 'recent:remove'
  | 'recent:clear';

/**
 * `media:*` and `recent:*`: opened files, what is drawn of them, and the Open Recent list. `absentNote`: the words
 * added to a NOT_FOUND of media:open where the file's library folder is not there (job.ts absentFolderNote: Open
 * Recent, Ctrl+O, a library row of an unplugged drive), "" otherwise.
 */
export function mediaHandlers(tracks: Tracks, media: MediaService, absentNote: (path: string) => Promise<string> = async () => ''): Pick<Handlers, MediaMethods> {
  return {
    'media:probe': ({ path }, { signal }) => probeFile(path, signal),
    'media:open': async ({ path }, { signal }) => {
      try {
        return await tracks.open(path, signal);
      } catch (e) {
        const d = toErrorData(e);
        const note = d.code === 'NOT_FOUND' ? await absentNote(path).catch(() => '') : '';
        if (note) throw new StudioError('NOT_FOUND', d.message + note);
        throw e;
      }
    },
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
    'media:wave-range': ({ trackId, startSec, endSec, pixelsPerSec }, call) => media.waveRange(trackId, startSec, endSec, pixelsPerSec, call),
    'media:filmstrip': ({ trackId, count }, call) => media.filmstrip(trackId, count, call),
    'media:resolve': ({ kind, id }) => media.resolve(kind, id),
    'recent:list': () => tracks.recent(),
    'recent:remove': ({ trackId }) => (tracks.removeRecent(trackId), null),
    'recent:clear': () => (tracks.clearRecent(), null),
  };
}
