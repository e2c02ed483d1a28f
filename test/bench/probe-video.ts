// The probe of a video file (track open, `studio probe`): wall time of probeFile on a ~60 MB MP4 made by Debian's
// ffmpeg (60 s of 1280×720 H.264 at 8 Mb/s with 60 s of AAC), and the same file remuxed to Matroska (which keeps the
// audio packet count), with the ffmpeg runs each probe started and their CPU time (through a logging wrapper, GNU time).
//
//   node --import tsx test/bench/probe-video.ts [repeats=5]
//
// Session 20 (media20): an MP4/MOV whose audio sample table ends with the file's Duration skips the packet count
// (probe.ts audioEndsWithFile); BENCHMARKS.md has the figures before and after.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateFfmpeg } from '../../main/engine/media/ffmpeg';
import { probeFile } from '../../main/engine/media/probe';
import { OUTPUT } from '../helpers/media';

const REPEATS = Number(process.argv[2] ?? 5);
const dir = join(OUTPUT, 'bench-probe-video');
mkdirSync(dir, { recursive: true });
const mp4 = join(dir, 'clip-60s-720p.mp4');
const mkv = join(dir, 'clip-60s-720p.mkv');
const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
if (!existsSync(mp4)) {
  ff(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=60', '-f', 'lavfi', '-i', 'sine=f=440:d=60:sample_rate=48000', '-map', '0:v', '-map', '1:a',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '8M', '-maxrate', '8M', '-bufsize', '16M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '160k', mp4 + '.tmp.mp4']);
  execFileSync('mv', [mp4 + '.tmp.mp4', mp4]);
}
if (!existsSync(mkv)) ff(['-i', mp4, '-c', 'copy', mkv]);

const log = join(dir, 'ffmpeg-runs.log');
const wrapper = join(dir, 'ffmpeg-logging.sh');
const cpuLog = join(dir, 'ffmpeg-cpu.log');
// each run's user + system CPU seconds (GNU time): steadier than wall time on a shared machine
writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec /usr/bin/time -a -o '${cpuLog}' -f '%U %S' ffmpeg "$@"\n`);
chmodSync(wrapper, 0o755);
process.env.STUDIO_FFMPEG = wrapper;
locateFfmpeg(process.env, true);

for (const file of [mp4, mkv]) {
  await probeFile(file); // warm the page cache and the one-off ffmpeg queries
  const times: number[] = [];
  const cpu: number[] = [];
  let runs = 0;
  for (let i = 0; i < REPEATS; i++) {
    rmSync(log, { force: true });
    rmSync(cpuLog, { force: true });
    const t = performance.now();
    const p = await probeFile(file);
    times.push(performance.now() - t);
    runs = readFileSync(log, 'utf8').split('\n').filter((l) => l.includes(file)).length;
    cpu.push(readFileSync(cpuLog, 'utf8').split('\n').filter((l) => /^[\d.]+ [\d.]+$/.test(l)).reduce((n, l) => n + Number(l.split(' ')[0]) + Number(l.split(' ')[1]), 0));
    if (i === 0) console.log(`${file.split('/').pop()}: ${(statSync(file).size / 1e6).toFixed(1)} MB, durationSec ${p.durationSec}, warnings ${p.warnings.length}`);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  console.log(`  probeFile: wall median ${times[Math.floor(times.length / 2)].toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times.at(-1)!.toFixed(0)}); ffmpeg CPU (user+sys) median ${cpu[Math.floor(cpu.length / 2)].toFixed(2)} s (min ${cpu[0].toFixed(2)}) over ${REPEATS}; ffmpeg runs reading the file: ${runs}`);
}
