// The probe the library stores for a file (what the track detail, the table and the export show), for the
// media-truth suites that check probe and library agree. One library database per suite folder.
import { join } from 'node:path';
import { openDb } from '../../main/engine/db';
import { analyseForLibrary } from '../../main/engine/library/analyse';
import { LibraryStore } from '../../main/engine/library/store';
import type { ProbeResult } from '@contract';

/**
 * A library database in `dir`/db (analysis cache in `dir`/cache). `probe(path)` analyses the file for the library
 * (loudness only: the probe is what is compared), records the result as a scan does and returns the stored
 * probe_json; `close()` closes the database. Throws what analyseForLibrary throws for a file it cannot read.
 */
export function libraryProber(dir: string): { probe(path: string): Promise<ProbeResult>; close(): void } {
  const db = openDb(join(dir, 'db'));
  const store = new LibraryStore(db);
  return {
    async probe(path: string): Promise<ProbeResult> {
      const a = await analyseForLibrary({ path, cacheDir: join(dir, 'cache'), only: ['loudness'] });
      const { id } = store.markPending(path, null, a.file.size, a.file.mtimeMs);
      store.recordResult(id, a, 'k');
      const row = db.prepare('SELECT probe_json FROM tracks WHERE id = ?').get(id) as { probe_json: string };
      return JSON.parse(row.probe_json) as ProbeResult;
    },
    close: () => db.close(),
  };
}
