// Where the library analysis spends its CPU (issue 11, throughput): runs the
// library's analyser set (libraryAnalysers: loudness, tempo, tonal, peaks,
// spectrogram) over every audio file of a folder through analyzeFile, as the
// library does, one file at a time in this thread, and times each analyser's
// init/process/finish and the shared decimated streams (SharedStreams), next to
// the decode floor measured in the same run (ffmpeg decoding the same files to
// the same outputs, no analysis). Figures per CPU second of this process and of
// its ffmpeg children (getrusage); the per-analyser split is the process's CPU
// time (process.cpuUsage, so a busy machine's waits do not count) inside each call.
//
//   nice node --import tsx test/bench/analysis-split.ts [FOLDER=test/output/eval/dev] [--limit N] [--json OUT] [--cli]
//
// --cli (after `npm run build`): also `studio analyze FOLDER --json` as a user runs it (its engine,
// worker threads on every core, the database), timed by wall clock and by its processes' CPU, in
// the same run: × realtime per core by wall = audio / (wall × cores).
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ANALYSIS_FILTER, analyzeFile } from '../../main/engine/analysis/run';
import { SharedStreams } from '../../main/engine/dsp/streams';
import { libraryAnalysers } from '../../main/engine/library/analyse';
import { WAVE_OUTPUT } from '../../main/engine/analysis/waveform';
import { locateFfmpeg } from '../../main/engine/media/ffmpeg';
import type { Analyser } from '../../main/engine/analysis/types';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    limit: { type: 'string' },
    json: { type: 'string' },
    cli: { type: 'boolean', default: false },
  },
});
const dir = positionals[0] ?? 'test/output/eval/dev';
const limit = args.limit !== undefined ? Number(args.limit) : Infinity;
const jsonOut = args.json ?? null;
const files = readdirSync(dir).filter((f) => /\.(mp3|wav|flac|ogg|m4a|opus)$/i.test(f)).sort().slice(0, limit).map((f) => join(dir, f));

const ms: Record<string, number> = {};
/** this process's CPU time, ms (user + system) */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const add = (k: string, t: number) => (ms[k] = (ms[k] ?? 0) + t);
/** wraps an analyser's calls with timers under its name */
function timed(a: Analyser): Analyser {
  const wrap = <F extends (...x: never[]) => unknown>(label: string, f: F): F =>
    ((...args: Parameters<F>) => {
      const t = cpuMs();
      const r = f.apply(a, args);
      add(label, cpuMs() - t);
      return r;
    }) as F;
  a.init = wrap(a.name, a.init);
  a.process = wrap(a.name, a.process);
  a.finish = wrap(a.name, a.finish);
  return a;
}
// the shared decimated streams: SharedStreams.process / endBlock, timed in place
for (const m of ['process', 'endBlock'] as const) {
  const f = SharedStreams.prototype[m] as (...x: unknown[]) => unknown;
  (SharedStreams.prototype as unknown as Record<string, unknown>)[m] = function (this: unknown, ...args: unknown[]) {
    const t = cpuMs();
    const r = f.apply(this, args);
    add('shared streams (decimation)', cpuMs() - t);
    return r;
  };
}

/** CPU seconds of finished children (ffmpeg), from /proc/self/stat cutime + cstime */
function childCpu(): number {
  const s = execFileSync('cat', [`/proc/${process.pid}/stat`]).toString().split(') ')[1].split(' ');
  return (Number(s[13]) + Number(s[14])) / 100; // cutime, cstime in clock ticks (100/s)
}
const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

let audio = 0;
const c0 = childCpu();
const o0 = ownCpu();
const w0 = performance.now();
const keys: Record<string, string | null> = {};
for (const f of files) {
  const analysers = libraryAnalysers().map(timed);
  const t = cpuMs();
  const run = await analyzeFile(f, analysers);
  add('analyzeFile (all)', cpuMs() - t);
  audio += run.durationSec ?? 0;
  keys[f] = ((run.results.tonal as { key?: { key: string | null } })?.key?.key ?? null) as string | null;
}
const wall = (performance.now() - w0) / 1000;
const own = ownCpu() - o0;
const kids = childCpu() - c0;
// decode floor: the same ffmpeg outputs, nothing read
const d0 = childCpu();
const dw0 = performance.now();
// the ffmpeg the analysis ran (STUDIO_FFMPEG, ffmpeg-static's, PATH's: locateFfmpeg), not always PATH's — with
// STUDIO_FFMPEG set to a static build the floor was Debian's ffmpeg (11.8 CPU s on the dev set against 4.6: speed36)
const ffmpegBin = locateFfmpeg().path ?? 'ffmpeg';
for (const f of files)
  execFileSync(ffmpegBin, ['-v', 'error', '-nostdin', '-i', f, '-map', '0:a:0', '-af', ANALYSIS_FILTER, '-c:a', 'pcm_f32le', '-f', 'null', '-', '-map', '0:a:0', '-ac', '1', '-ar', String(WAVE_OUTPUT.sampleRate), '-c:a', 'pcm_f32le', '-f', 'null', '-']);
const floorCpu = childCpu() - d0;
const floorWall = (performance.now() - dw0) / 1000;

const load = execFileSync('cat', ['/proc/loadavg']).toString().split(' ').slice(0, 3).join(' ');
console.log(`${files.length} files, ${audio.toFixed(0)} s of audio, load average ${load}`);
console.log(`library analysis: wall ${wall.toFixed(1)} s, CPU ${(own + kids).toFixed(1)} s (node ${own.toFixed(1)} + ffmpeg ${kids.toFixed(1)}) → ${(audio / (own + kids)).toFixed(0)}× realtime per CPU second`);
console.log(`decode floor (${ffmpegBin}, the same two outputs, nothing read): CPU ${floorCpu.toFixed(1)} s → ${(audio / floorCpu).toFixed(0)}× per CPU second (wall ${floorWall.toFixed(1)} s); analysis = ${((own + kids) / floorCpu).toFixed(2)}× the floor`);
const total = ms['analyzeFile (all)'];
const parts = Object.entries(ms).filter(([k]) => k !== 'analyzeFile (all)');
const inParts = parts.reduce((s, [, v]) => s + v, 0);
console.log(`\nthis process's CPU in analyzeFile: ${(total / 1000).toFixed(1)} s`);
for (const [k, v] of parts.sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(30)} ${(v / 1000).toFixed(2).padStart(7)} s  ${((100 * v) / total).toFixed(1).padStart(5)} %`);
console.log(`  ${'rest (PCM pipe, deinterleave, tags…)'.padEnd(30)} ${((total - inParts) / 1000).toFixed(2).padStart(7)} s  ${((100 * (total - inParts)) / total).toFixed(1).padStart(5)} %`);
if (args.cli) {
  const cores = availableParallelism();
  const c1 = childCpu();
  const w1 = performance.now();
  const r = spawnSync(process.execPath, ['bin/studio.js', 'analyze', dir, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const cliWall = (performance.now() - w1) / 1000;
  const cliCpu = childCpu() - c1;
  const tracks = r.stdout.split('\n').filter(Boolean).length;
  const load2 = execFileSync('cat', ['/proc/loadavg']).toString().split(' ').slice(0, 3).join(' ');
  console.log(`\nstudio analyze ${dir} --json: ${tracks} tracks, wall ${cliWall.toFixed(1)} s on ${cores} cores → ${(audio / (cliWall * cores)).toFixed(0)}× realtime per core by wall (decode floor by wall, one file at a time: ${(audio / floorWall).toFixed(0)}×); CPU ${cliCpu.toFixed(1)} s → ${(audio / cliCpu).toFixed(0)}× per CPU second (${(cliCpu / floorCpu).toFixed(2)}× the floor); load average after ${load2}`);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ files: files.length, audio, wall, own, kids, floorCpu, ms, keys }, null, 1));
