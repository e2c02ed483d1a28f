// Write tags… plan (library:tag-plan) of a 10,000-track selection with nothing of ours to write (tags34).
//
//   npm run build && node --import tsx test/bench/tag-plan.ts [count] [runs]
//
// Four real files (lame, flac, oggenc) are analysed by `studio analyze --db`: one writable (a steady drum groove:
// a sure tempo) and three with nothing sure to write (a 440 Hz sine: an uncertain key, no tempo; pink noise; a 55 Hz
// sine), none of them tagged with a BPM or key. Their rows and stored analyses are copied into `count` library rows
// each (files: hard links). Timed, in one engine, alternating, `runs` times (median printed):
//   - "nothing to write": library:tag-plan over `count` rows of the three — each needs its file's own BPM/key tags
//     (a track with no value of ours to write may still have a disagreeing tag to keep, name or remove);
//   - "writable" (the lower bound): library:tag-plan over `count` rows of the steady groove — decided from the
//     database alone, no file read;
//   - "tagged" (ui35): `count` rows of the sine tagged TBPM 128 / TKEY 8A by mid3v2 (python3-mutagen, a real tagger):
//     nothing sure of ours, a tag of another program's, so each file is read — in one call, and in parts as the Write
//     tags… dialog asks (1, 2, 4 … 512 tracks a call: its count shown as it goes, Cancel between parts), with the
//     time to the first part's answer.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ff, OUTPUT, ROOT } from '../helpers/media';
import { startTestEngine } from '../helpers/engine';
import { tempoRender } from '../helpers/tempo-render';

const COUNT = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 3);
const DIR = join(OUTPUT, 'bench-tag-plan');
const music = join(DIR, 'Music');
const dbPath = join(DIR, 'db', 'lib.sqlite');
const env = { STUDIO_DB_FILE: dbPath, STUDIO_LIBRARY_BACKGROUND: '0' };

function lavfi(name: string, src: string): string {
  const p = join(DIR, name);
  ff(['-f', 'lavfi', '-i', src, '-ac', '2', '-ar', '44100', '-fflags', '+bitexact', p]);
  return p;
}

rmSync(DIR, { recursive: true, force: true });
mkdirSync(music, { recursive: true });
mkdirSync(join(DIR, 'copies'), { recursive: true });
execFileSync('lame', ['--quiet', '-V', '2', tempoRender('tempo-steady-60s-120.wav', [[120, 120, 60]]), join(music, 'steady.mp3')]);
execFileSync('lame', ['--quiet', '-V', '2', lavfi('sine.wav', 'sine=f=440:d=12'), join(music, 'Sine440.mp3')]);
execFileSync('flac', ['--silent', '-f', '-o', join(music, 'Noise.flac'), lavfi('noise.wav', 'anoisesrc=d=12:c=pink:a=0.3')]);
execFileSync('oggenc', ['--quiet', '-o', join(music, 'Low.ogg'), lavfi('low.wav', 'sine=f=55:d=12')]);
execFileSync('lame', ['--quiet', '-V', '2', join(DIR, 'sine.wav'), join(music, 'Tagged.mp3')]);
execFileSync('mid3v2', ['--TBPM', '128', '--TKEY', '8A', join(music, 'Tagged.mp3')]);
const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'analyze', music, '--json', '--db', dbPath], { encoding: 'utf8' });
assert.ok(run.status === 0, run.stderr);

const db = new Database(dbPath);
const rows = db.prepare('SELECT * FROM tracks WHERE lib_status IS NOT NULL ORDER BY file_name').all() as Record<string, unknown>[];
const analyses = db.prepare('SELECT * FROM library_analyses').all() as Record<string, unknown>[];
const insert = (table: string, r: Record<string, unknown>) =>
  db.prepare(`INSERT INTO ${table} (${Object.keys(r).join(', ')}) VALUES (${Object.keys(r).map(() => '?').join(', ')})`).run(...Object.values(r));
const nothing: string[] = [];
const writable: string[] = [];
const tagged: string[] = [];
const steady = rows.find((r) => r.file_name === 'steady.mp3')!;
const taggedRow = rows.find((r) => r.file_name === 'Tagged.mp3')!;
const others = rows.filter((r) => r !== steady && r !== taggedRow);
db.transaction(() => {
  for (let i = 0; i < COUNT; i++) {
    for (const [r, ids, tag] of [[others[i % others.length], nothing, 'n'], [steady, writable, 'w'], [taggedRow, tagged, 't']] as const) {
      const id = `${tag}${String(i).padStart(7, '0')}`;
      const path = join(DIR, 'copies', `${tag}${i}-${r.file_name as string}`);
      linkSync(r.path as string, path);
      insert('tracks', { ...r, id, path, real_path: path });
      for (const a of analyses.filter((x) => x.track_id === r.id)) insert('library_analyses', { ...a, track_id: id });
      ids.push(id);
    }
  }
})();
db.close();

const { engine } = await startTestEngine({ env });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const times = { nothing: [] as number[], writable: [] as number[], tagged: [] as number[], parts: [] as number[], first: [] as number[] };
  /** the Write tags… dialog's way (tag-write.svelte.ts plan): parts of 1, 2, 4 … 512 */
  const inParts = async (ids: string[]) => {
    const t0 = performance.now();
    let first = 0;
    let refused = 0;
    for (let at = 0, size = 1; at < ids.length; size = Math.min(512, size * 2)) {
      const part = ids.slice(at, at + size);
      refused += (await engine.call('library:tag-plan', { trackIds: part })).refused.length;
      if (!at) first = performance.now() - t0;
      at += part.length;
    }
    assert.equal(refused, ids.length);
    times.parts.push(performance.now() - t0);
    times.first.push(first);
  };
  await engine.call('library:tag-plan', { trackIds: nothing.slice(0, 10) });
  for (let r = 0; r < RUNS; r++) {
    for (const [name, ids] of [['nothing', nothing], ['writable', writable]] as const) {
      const t0 = performance.now();
      const plan = await engine.call('library:tag-plan', { trackIds: ids });
      times[name].push(performance.now() - t0);
      assert.equal(name === 'nothing' ? plan.refused.length : plan.writable.length, COUNT, JSON.stringify(plan.writable.slice(0, 3)));
    }
    const t0 = performance.now();
    const plan = await engine.call('library:tag-plan', { trackIds: tagged });
    times.tagged.push(performance.now() - t0);
    assert.equal(plan.refused.length, COUNT);
    assert.match(plan.refused[0].reason, /128|8A/, plan.refused[0].reason);
    await inParts(tagged);
  }
  const fmt = (xs: number[]) => `${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;
  console.log(`# tag-plan of ${COUNT} tracks with nothing of ours to write: ${fmt(times.nothing)}`);
  console.log(`# tag-plan of ${COUNT} writable tracks (no file read, the lower bound): ${fmt(times.writable)}`);
  console.log(`# tag-plan of ${COUNT} tracks tagged by another program (each file read), one call: ${fmt(times.tagged)}`);
  console.log(`# the same in the dialog's parts (1, 2, 4 … 512): ${fmt(times.parts)}; its first count after ${fmt(times.first)}`);
  console.log(`# ratio ${(median(times.nothing) / median(times.writable)).toFixed(2)}×; load ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
} finally {
  await engine.stop();
}
