/**
 * The library's text search at scale, in the engine's own store (no browser): N synthetic rows (./seed-library) in a
 * fresh database, then per search text the median ms of `runs` calls of a first page (library:query: the total and
 * 100 rows, sorted by title) and of every id, wall and CPU time, (select-all's library:ids). The texts: ASCII that matches every row
 * ("flac": each file name), ASCII that matches some ("echo"), ASCII that matches none ("zzz"), and words with a
 * letter beyond ASCII ("é", "ólafur": matching none, the folded path of tester19's search) — for the folded search
 * key (left15: migration 9).
 *
 * Run: node --import tsx test/bench/library-search.ts [rows=50000] [runs=7]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../main/engine/db';
import { TracksRepo } from '../../main/engine/db/tracks';
import { seed } from './seed-library';

const n = Number(process.argv[2]) || 50_000;
const runs = Number(process.argv[3]) || 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dataDir = mkdtempSync(join(tmpdir(), 'studio-bench-search-'));
try {
  seed(dataDir, n);
  const db = openDb(dataDir);
  const repo = new TracksRepo(db);
  // CPU ms (user + system) of this thread as well as wall ms: better-sqlite3 runs the query on it, and CPU time is what
  // a shared, loaded machine leaves comparable between runs
  const time = (fn: () => unknown) => {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const c = process.cpuUsage();
      fn();
      const d = process.cpuUsage(c);
      cpu.push((d.user + d.system) / 1000);
      wall.push(performance.now() - t);
    }
    return `${median(wall).toFixed(1)} ms (CPU ${median(cpu).toFixed(1)} ms)`;
  };
  const sort = { column: 'title', dir: 'asc' as const };
  for (const text of ['flac', 'echo', 'zzz', 'night drive', 'é', 'ólafur', 'Été', 'bjork', 'sigur ros']) {
    const total = repo.libPage({ text }, sort, 0, 100).total;
    const page = time(() => repo.libPage({ text }, sort, 0, 100));
    const ids = time(() => repo.libIds({ text }, sort));
    console.log(`${n} rows, search "${text}" (${total} match): first page ${page}, all ids ${ids}`);
  }
  db.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
