// Re-scan of 10,000 unchanged library files: target < 10 s.
//
//   npm run build && node --import tsx test/bench/rescan.ts [count]
//
// 4 tiny files are generated and analysed for real by the engine; the 10,000
// library files are hard links to them, and their analysed rows are inserted
// directly into the database (copies of the 4 real rows: same size, mtime and
// analyser versions) — a full analysis of 10,000 files is not what is timed.
// Then the engine is started and `library:scan` of the unchanged library is
// timed until the job reports `finished`; every file must be stat-only
// (no ffmpeg run, counted through a wrapper).
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ScanState } from '@contract';
import { OUTPUT, media } from '../helpers/media';
import { startTestEngine } from '../helpers/engine';

const COUNT = Number(process.argv[2] ?? 10_000);
const root = join(OUTPUT, 'bench-rescan');
const seed = join(root, 'seed');
const lib = join(root, 'library');
const log = join(root, 'ffmpeg.log');
const wrapper = join(root, 'ffmpeg.sh');

async function waitFinished(call: () => Promise<ScanState>, jobId: string | null): Promise<ScanState> {
  for (;;) {
    const s = await call();
    if ((jobId === null || s.jobId === jobId) && (s.state === 'finished' || s.state === 'cancelled')) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
}

rmSync(root, { recursive: true, force: true });
mkdirSync(seed, { recursive: true });
writeFileSync(wrapper, `#!/bin/sh\ncase "$*" in *-version*) ;; *) echo "$*" >> '${log}';; esac\nexec ffmpeg "$@"\n`);
chmodSync(wrapper, 0o755);
const sources = [
  media('bench-r0.mp3', ['-f', 'lavfi', '-i', 'sine=f=440:d=1']),
  media('bench-r1.flac', ['-f', 'lavfi', '-i', 'sine=f=330:d=1']),
  media('bench-r2.ogg', ['-f', 'lavfi', '-i', 'sine=f=550:d=1']),
  media('bench-r3.wav', ['-f', 'lavfi', '-i', 'sine=f=660:d=1']),
];
sources.forEach((s, i) => copyFileSync(s, join(seed, `s${i}${s.slice(s.lastIndexOf('.'))}`)));

// 1. analyse the seed for real
const env = { STUDIO_FFMPEG: wrapper };
let { engine, dataDir } = await startTestEngine({ env });
await engine.call('library:add-folder', { path: seed });
await waitFinished(() => engine.call('library:scan-state', {}), null);
await engine.stop();

// 2. 10,000 hard links in nested folders, rows cloned from the seed's
const db = new Database(join(dataDir, 'studio.sqlite'));
const seedRows = db.prepare(`SELECT * FROM tracks WHERE lib_status = 'analysed' ORDER BY path`).all() as Record<string, unknown>[];
assert.equal(seedRows.length, 4);
const folderId = 'benchfolder01';
const cols = Object.keys(seedRows[0]);
const ins = db.prepare(`INSERT INTO tracks (${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`);
const insA = db.prepare(`INSERT INTO library_analyses (track_id, analyser, version, result_json, analysed_at) SELECT ?, analyser, version, result_json, analysed_at FROM library_analyses WHERE track_id = ?`);
const t0 = Date.now();
db.transaction(() => {
  db.prepare('INSERT INTO library_folders (id, path, added_at) VALUES (?, ?, ?)').run(folderId, lib, Date.now());
  for (let i = 0; i < COUNT; i++) {
    const src = seedRows[i % 4];
    const dir = join(lib, `artist-${Math.floor(i / 500)}`, `album-${Math.floor(i / 20)}`);
    if (i % 20 === 0) mkdirSync(dir, { recursive: true });
    const path = join(dir, `track-${i}${String(src.path).slice(String(src.path).lastIndexOf('.'))}`);
    linkSync(String(src.path), path);
    const id = `bench${String(i).padStart(8, '0')}`;
    ins.run(...cols.map((c) => (c === 'id' ? id : c === 'path' || c === 'real_path' ? path : c === 'folder_id' ? folderId : c === 'file_name' ? path.slice(path.lastIndexOf('/') + 1) : src[c])));
    insA.run(id, src.id);
  }
})();
db.close();
console.log(`setup: ${COUNT} hard links + rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

// 3. time the re-scan of the unchanged library
({ engine } = await startTestEngine({ dataDir, env }));
const decodesBefore = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
const t = performance.now();
const started = await engine.call('library:scan', {});
const end = await waitFinished(() => engine.call('library:scan-state', {}), started.jobId);
const sec = (performance.now() - t) / 1000;
const decodes = (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0) - decodesBefore;
await engine.stop();
assert.equal(end.state, 'finished');
assert.equal(end.total, COUNT + 4);
assert.equal(end.done, COUNT + 4);
assert.equal(decodes, 0, 'no file decoded');
console.log(`re-scan of ${end.total} unchanged files: ${sec.toFixed(2)} s (${Math.round(end.total / sec)} files/s), ffmpeg runs: ${decodes} — target < 10 s: ${sec < 10 ? 'met' : 'NOT met'}`);
rmSync(root, { recursive: true, force: true });
rmSync(dataDir, { recursive: true, force: true });
