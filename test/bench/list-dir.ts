/**
 * The in-app file browser's folder listing (`fs:list-dir`, main/engine/fs/list-dir.ts) on a big folder: N small files
 * (hard links to one file, so made in a second; a stat of each is what costs) and 50 subfolders, in a folder under
 * test/output. Times, interleaved run by run, the median of `runs` calls of:
 * - before: the listing as it was until session 16 (one stat after another, readdir without types), kept here as the
 *   peer;
 * - listDir: the shipped one (folders from the directory entry's type, stats LIST_STAT_CONCURRENCY at a time);
 * - stats only at 1, 4, 8, 32, 128 in flight (mapLimited), to show where the concurrency stops paying (libuv's thread
 *   pool has 4 threads unless UV_THREADPOOL_SIZE says otherwise).
 * - sort only: the sort both end with. The listings are checked equal. Page cache warm (one call first), so it is the syscall path, not the disk.
 *
 * Run: node --import tsx test/bench/list-dir.ts [files=20000] [runs=11]
 */
import assert from 'node:assert/strict';
import { linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { LIST_STAT_CONCURRENCY, listDir, mapLimited } from '../../main/engine/fs/list-dir';
import { OUTPUT } from '../helpers/media';

const n = Number(process.argv[2]) || 20_000;
const runs = Number(process.argv[3]) || 11;
const dir = join(OUTPUT, 'bench-list-dir');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** the listing before session 16, without its error reasons (none occur here) */
async function before(path: string) {
  const raw = await readdir(path, { encoding: 'buffer' });
  const entries: { name: string; type: string; sizeBytes?: number; openable: boolean }[] = [];
  for (const bytes of raw) {
    const name = bytes.toString('utf8');
    if (name.startsWith('.')) continue;
    const st = await stat(join(path, name));
    if (st.isDirectory()) entries.push({ name, type: 'dir', openable: false });
    else if (st.isFile()) entries.push({ name, type: 'file', openable: extname(name) === '.mp3', sizeBytes: st.size });
  }
  entries.sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1));
  return entries;
}

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
try {
  const first = join(dir, 'track 000000.mp3');
  writeFileSync(first, 'x');
  for (let i = 1; i < n; i++) linkSync(first, join(dir, `track ${String(i).padStart(6, '0')}.mp3`));
  for (let i = 0; i < 50; i++) mkdirSync(join(dir, `folder ${i}`));
  const names = (await readdir(dir)).map((f) => join(dir, f));

  const a = await before(dir);
  const b = (await listDir(dir)).entries;
  assert.deepEqual(b.map((e) => [e.name, e.type, e.sizeBytes]), a.map((e) => [e.name, e.type, e.sizeBytes]), 'the same listing');

  const limits = [1, 4, 8, 32, 128];
  // in no order, as readdir gives names (a hash order on ext4)
  const shuffled = a.map((e, i) => ({ e, k: (i * 2654435761) % 4294967296 })).sort((x, y) => x.k - y.k).map((x) => x.e);
  const t: Record<string, number[]> = { before: [], listDir: [], ...Object.fromEntries(limits.map((l) => [`stats x${l}`, []])), 'sort only': [] };
  const time = async (key: string, fn: () => Promise<unknown>) => {
    const s = performance.now();
    await fn();
    t[key].push(performance.now() - s);
  };
  for (let r = 0; r < runs; r++) {
    await time('before', () => before(dir));
    await time('listDir', () => listDir(dir));
    for (const l of limits) await time(`stats x${l}`, () => mapLimited(names, l, (p) => stat(p)));
    // the sort both listings end with (localeCompare, folders first)
    await time('sort only', async () => shuffled.slice().sort((x, y) => (x.type === y.type ? x.name.localeCompare(y.name) : x.type === 'dir' ? -1 : 1)));
  }
  console.log(`load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`${n} files + 50 folders, median of ${runs} (ms); listDir keeps ${LIST_STAT_CONCURRENCY} stats in flight; UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`);
  for (const [k, xs] of Object.entries(t)) console.log(`${k.padEnd(12)} ${median(xs).toFixed(0).padStart(6)}   (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
