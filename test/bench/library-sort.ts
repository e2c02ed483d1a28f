/**
 * The library table's text sort at scale, in the engine's own store (no browser): N synthetic rows (./seed-library)
 * in a fresh database, then per text column and direction the median ms of `runs` calls of a first page, a deep
 * page (the last 100 rows) and every id (select-all's library:ids), and whether SQLite sorts with an index or a
 * temporary B-tree (EXPLAIN QUERY PLAN). For the natural sort order (session 14: c1, c2 … c10, not c1, c10, c11 … c2).
 *
 * Run: node --import tsx test/bench/library-sort.ts [rows=50000] [runs=5] [columns=title,artist,fileName] [bpmRange=MIN-MAX]
 * (columns: any sort columns of the contract, comma-separated: bpm,key,camelot for the tempo/key sorts, left18; path and
 * folder for the natural path tie-break and the Folder column, left28a; bpmRange, e.g. 70-140: the BPM range setting,
 * so the BPM sort reads the folded tempo as the table shows it, sort38)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../main/engine/db';
import { TracksRepo } from '../../main/engine/db/tracks';
import { seed } from './seed-library';

const n = Number(process.argv[2]) || 50_000;
const runs = Number(process.argv[3]) || 5;
const [rangeMin, rangeMax] = (process.argv[5] ?? '').split('-').map(Number);
const filter = rangeMin > 0 && rangeMax > rangeMin ? { bpmRange: { min: rangeMin, max: rangeMax } } : undefined;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dataDir = mkdtempSync(join(tmpdir(), 'studio-bench-sort-'));
try {
  seed(dataDir, n);
  const db = openDb(dataDir);
  const repo = new TracksRepo(db);
  const time = (fn: () => unknown) => median(Array.from({ length: runs }, () => { const t = performance.now(); fn(); return performance.now() - t; }));
  for (const column of (process.argv[4] ?? 'title,artist,fileName').split(',')) {
    for (const dir of ['asc', 'desc'] as const) {
      const sort = { column, dir };
      const first = time(() => repo.libPage(filter, sort, 0, 100));
      const deep = time(() => repo.libPage(filter, sort, n - 100, 100));
      const ids = time(() => repo.libIds(filter, sort));
      const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM tracks WHERE lib_status IS NOT NULL ORDER BY ${(repo as unknown as { order: (f: unknown, s: unknown) => string }).order(filter, sort)}`).all() as { detail: string }[]).map((p) => p.detail).join('; ');
      console.log(`${n} rows, ${column} ${dir}${filter ? ` (BPM range ${rangeMin}–${rangeMax})` : ''}: first page ${first.toFixed(1)} ms, deep page ${deep.toFixed(1)} ms, all ids ${ids.toFixed(1)} ms — ${plan}`);
    }
  }
  db.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
