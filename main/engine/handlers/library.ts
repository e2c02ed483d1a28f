import type { Handlers } from '@contract';
import type { LibraryService } from '../library/service';

type LibraryMethods =
  | 'library:list-folders'
  | 'library:add-folder'
  | 'library:remove-folder'
  | 'library:scan'
  | 'library:scan-control'
  | 'library:scan-state'
  | 'library:idle'
  | 'library:query'
  | 'library:ids'
  | 'library:track-detail'
  | 'library:track-summary'
  | 'library:export'
  | 'library:get-bpm-range'
  | 'library:set-bpm-range'
  | 'library:write-tags'
  | 'library:tag-plan';

/** `library:*`: folders, the scan job, queries, detail, export. */
export function libraryHandlers(library: LibraryService): Pick<Handlers, LibraryMethods> {
  return {
    'library:list-folders': () => library.folders(),
    'library:add-folder': ({ path }) => library.addFolder(path),
    'library:remove-folder': ({ folderId }) => library.removeFolder(folderId),
    'library:scan': ({ folderId, paths }) => (paths ? library.scanner.scanPaths(paths) : library.scan(folderId)),
    'library:scan-control': ({ action }) => library.scanner.control(action),
    'library:scan-state': () => library.scanner.state(),
    'library:idle': () => library.idle(),
    'library:query': (args) => library.query(args),
    'library:ids': (args) => library.ids(args),
    'library:track-detail': ({ trackId }) => library.detail(trackId),
    'library:track-summary': ({ trackId }) => library.summary(trackId),
    'library:export': ({ format, trackIds, filter, sort }, call) => library.export(format, trackIds, filter, undefined, sort, call),
    'library:get-bpm-range': () => library.bpmRange(),
    'library:set-bpm-range': ({ range }) => library.setBpmRange(range),
    'library:write-tags': ({ trackId, keyNotation, bpm, key, clearConflicting }) => library.writeTags(trackId, keyNotation, { bpm, key }, { clearConflicting }),
    'library:tag-plan': ({ trackIds, bpm, key, clearConflicting }) => library.tagPlan(trackIds, { bpm, key }, { clearConflicting }),
  };
}
