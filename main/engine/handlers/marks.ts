import type { Handlers } from '@contract';
import type { MarksService } from '../media/marks';

type MarksMethods = 'media:beats' | 'marks:list' | 'marks:set-cue' | 'marks:delete-cue' | 'marks:save-region' | 'marks:delete-region' | 'marks:set-loop';

/** `media:beats` and `marks:*`: the waveform's beat grid, hot cues and named regions (issue 12). */
export function marksHandlers(marks: MarksService): Pick<Handlers, MarksMethods> {
  return {
    'media:beats': ({ trackId, analyse }, call) => marks.beats(trackId, !!analyse, call),
    'marks:list': ({ trackId }) => marks.list(trackId),
    'marks:set-cue': ({ trackId, slot, timeSec }) => marks.setCue(trackId, slot, timeSec),
    'marks:delete-cue': ({ trackId, slot }) => marks.deleteCue(trackId, slot),
    'marks:save-region': ({ trackId, id, name, startSec, endSec }) => marks.saveRegion(trackId, id, name, startSec, endSec),
    'marks:delete-region': ({ trackId, id }) => marks.deleteRegion(trackId, id),
    'marks:set-loop': ({ trackId, loop }) => marks.setLoop(trackId, loop),
  };
}
