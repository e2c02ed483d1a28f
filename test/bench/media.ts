// Benchmark: peaks + spectrogram of a 5-minute stereo 44.1 kHz track through
// the real engine (cache cleared before each run): the track view's decode,
// ffmpeg's 16 kHz mono output alone (a library scan makes it next to the
// 44.1/48 kHz output, in the same ffmpeg run). Against the floor: ffmpeg
// decoding the same file to nothing. Target: ratio ≤ 1.5. Both wall time and
// CPU time (user + sys of the engine and its ffmpeg; of ffmpeg alone for the
// floor) are shown: on a shared, loaded machine the CPU ratio is the stable
// measure of the work, the wall ratio what a person waits.
//   npm run build && node --import tsx test/bench/media.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { toneFile } from '../helpers/media';
import { procCpu } from './cpu';
import { startEngine } from '../integration/engine-harness';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU seconds of a process and its reaped children (Linux /proc; 0 elsewhere) */
function cpuSec(pid: number | 'self', children = true): number {
  const c = procCpu(pid);
  return children ? c.self + c.children : c.self;
}

function floor(file: string): { ms: number; cpu: number } {
  const c0 = cpuSec('self') - cpuSec('self', false);
  const t0 = performance.now();
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-'], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`ffmpeg failed on ${file}`);
  return { ms: performance.now() - t0, cpu: cpuSec('self') - cpuSec('self', false) - c0 };
}

const files = [
  // a chord with a beat plus noise: something like music for the encoders
  toneFile('bench-5min.mp3', 300, ['-b:a', '192k']),
  toneFile('bench-5min.flac', 300),
];
const ffv = execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }).split('\n')[0];
const { engine, dataDir, stop } = await startEngine();
console.log(`# media benchmark: ${RUNS} runs each, median; ${ffv}; node ${process.version}`);
console.log('| file | peaks + spectrogram (engine) | ffmpeg -f null (floor) | wall ratio | CPU: engine + its ffmpeg | CPU: floor | CPU ratio |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
try {
  for (const file of files) {
    const t = await engine.call('media:open', { path: file });
    const ours: number[] = [];
    const oursCpu: number[] = [];
    const floors: number[] = [];
    const floorsCpu: number[] = [];
    const pid = engine.pid!;
    for (let i = 0; i < RUNS; i++) {
      const fl = floor(file);
      floors.push(fl.ms);
      floorsCpu.push(fl.cpu);
      rmSync(join(dataDir, 'cache', 'analysis'), { recursive: true, force: true });
      const c0 = cpuSec(pid);
      const t0 = performance.now();
      await Promise.all([engine.call('media:peaks', { trackId: t.id }), engine.call('media:spectrogram', { trackId: t.id })]);
      ours.push(performance.now() - t0);
      oursCpu.push(cpuSec(pid) - c0);
    }
    const o = median(ours);
    const f = median(floors);
    const oc = median(oursCpu);
    const fc = median(floorsCpu);
    console.log(
      `| ${t.fileName} (${t.probe.audio?.codec}, ${Math.round(t.probe.durationSec)} s) | ${o.toFixed(0)} ms | ${f.toFixed(0)} ms | ${(o / f).toFixed(2)}× | ${oc.toFixed(2)} s | ${fc.toFixed(2)} s | ${fc > 0 ? (oc / fc).toFixed(2) + '×' : 'n/a'} |`,
    );
  }
} finally {
  await stop();
}
