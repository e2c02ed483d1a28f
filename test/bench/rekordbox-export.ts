// Export ▾ → rekordbox XML over a scanned library (session 35), against the CSV export of the same rows in the same
// engine — the lower bound: the same rows, no cached waveform read (the rekordbox export reads each track's cached
// waveform for its downbeat, ~0.2 MB of JSON per 30 s of audio).
//
//   npm run build && node --import tsx test/bench/rekordbox-export.ts FOLDER [runs]
//
// FOLDER (e.g. test/output/eval/dev, tools/eval/build-set.ts) is analysed once by `studio analyze --db` into a
// scratch data folder (its waveforms cached, as the app's scan caches them); then, alternating, `runs` times (median
// printed): library:export rekordbox, library:export csv, of the whole library.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestEngine } from '../helpers/engine';
import { ROOT } from '../helpers/media';

const folder = resolve(process.argv[2] ?? join(ROOT, 'test', 'output', 'eval', 'dev'));
const runs = Number(process.argv[3] ?? 5);
const data = mkdtempSync(join(tmpdir(), 'rs-rekordbox-bench-'));
const db = join(data, 'studio.sqlite');
try {
  const scan = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'analyze', folder, '--json', '--db', db], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.ok(scan.status === 0 || scan.status === 1, scan.stderr);
  const { engine } = await startTestEngine({ dataDir: data, env: { STUDIO_DB_FILE: db, STUDIO_LIBRARY_BACKGROUND: '0' } });
  try {
    const time = async (format: 'rekordbox' | 'csv') => {
      const t0 = performance.now();
      const r = await engine.call('library:export', { format });
      return { ms: performance.now() - t0, count: r.count, bytes: r.content.length };
    };
    const rb: number[] = [];
    const csv: number[] = [];
    let count = 0;
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      const a = await time('rekordbox');
      rb.push(a.ms);
      count = a.count;
      bytes = a.bytes;
      csv.push((await time('csv')).ms);
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    console.log(`${count} tracks of ${folder}; rekordbox XML ${(bytes / 1e3).toFixed(0)} kB`);
    console.log(`rekordbox XML: median ${median(rb).toFixed(0)} ms (${rb.map((x) => x.toFixed(0)).join(' ')}), ${(median(rb) / count).toFixed(2)} ms a track`);
    console.log(`CSV (same rows, lower bound): median ${median(csv).toFixed(0)} ms (${csv.map((x) => x.toFixed(0)).join(' ')})`);
  } finally {
    await engine.stop();
  }
} finally {
  rmSync(data, { recursive: true, force: true });
}
