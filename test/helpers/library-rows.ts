/**
 * Library rows as older builds stored them, for tests of the scan's upgrade paths (left18's tags re-read of old rows).
 */
import { versionsKey, type libraryVersions, type LibraryAnalysis } from '../../main/engine/library/analyse';
import type { LibraryStore } from '../../main/engine/library/store';

/**
 * An analysed row as a build before the probe's tags stored it (no tagged tempo/key): a 1 s mono MP3's probe, title
 * "T", every analyser's result null at `versions`. Returns the row's id.
 */
export function oldFormatRow(store: LibraryStore, path: string, folderId: string, st: { size: number; mtimeMs: number }, versions: ReturnType<typeof libraryVersions>): string {
  const id = store.write(() => store.markPending(path, folderId, st.size, st.mtimeMs)).id;
  const a = {
    path, file: { size: st.size, mtimeMs: st.mtimeMs }, durationSec: 1, container: 'mp3',
    source: { container: 'mp3', durationSec: 1, durationEstimated: false, bitrateKbps: 64, streams: [{ index: 0, type: 'audio', codec: 'mp3', sampleRate: 44100, channels: 1 }], metadata: {} },
    bitrateKbps: 64, warnings: [], tags: { title: 'T' }, hasCoverArt: false, results: {}, versions,
  } as unknown as LibraryAnalysis;
  store.recordResult(id, a, versionsKey(versions));
  store.write(() => store.analyses.upsert(id, Object.fromEntries(Object.keys(versions).map((n) => [n, null])), versions, 0));
  return id;
}
