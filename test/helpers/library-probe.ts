// The probe the library stores for a file (what the track detail, the table and the export show), for the
// media-truth suites that check probe and library agree. One library database per suite folder.
import { join } from 'node:path';
import { openDb } from '../../main/engine/db';
import { analyseForLibrary } from '../../main/engine/library/analyse';
import { LibraryStore } from '../../main/engine/library/store';
import type { ProbeResult } from '@contract';

/**
 * A library database in `dir`/db (analysis cache in `dir`/cache). `stored(path)` analyses the file for the library
 * (loudness only: the probe is what is compared), records the result as a scan does and returns the stored
 * probe_json and the table row's duration (s); `probe(path)` is its probe alone; `close()` closes the database.
 * Throws what analyseForLibrary throws for a file it cannot read.
 */
export function libraryProber(dir: string): {
  stored(path: string): Promise<{ probe: ProbeResult; rowSec: number }>;
  probe(path: string): Promise<ProbeResult>;
  close(): void;
} {
  const db = openDb(join(dir, 'db'));
  const store = new LibraryStore(db);
  const stored = async (path: string) => {
    const a = await analyseForLibrary({ path, cacheDir: join(dir, 'cache'), only: ['loudness'] });
    const { id } = store.markPending(path, null, a.file.size, a.file.mtimeMs);
    store.recordResult(id, a, 'k');
    const row = db.prepare('SELECT probe_json, duration_sec FROM tracks WHERE id = ?').get(id) as { probe_json: string; duration_sec: number };
    return { probe: JSON.parse(row.probe_json) as ProbeResult, rowSec: row.duration_sec };
  };
  return { stored, probe: async (path) => (await stored(path)).probe, close: () => db.close() };
}
