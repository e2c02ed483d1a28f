/**
 * SincResampler (torchaudio's windowed sinc) throughput, and the CPU time of analysing a WAV of more than 64 channels
 * (analysis/run.ts decodeWide: every channel resampled in JS by StreamResampler) next to the same signal in 64 channels
 * (ffmpeg resamples). Usage:
 *   node --import tsx test/bench/resampler.ts [--wide] [--runs N]
 * Prints input samples per second (best of N) for 32 → 44.1 kHz and 44.1 → 16 kHz over 10 s of noise + tones, and with
 * --wide the CPU seconds (this process, and its ffmpeg children) of analyzeFile on 6 s 24-bit 32 kHz WAVs of 64 and 65 channels (the
 * media-truth-kinds26 case; needs `npm run build`; KEEP=1 leaves the WAVs in test/output/bench-resampler).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { libraryAnalysers } from '../../main/engine/library/analyse';
import { analyzeFile } from '../../main/engine/analysis/run';
import { SincResampler } from '../../main/engine/model/preprocess/audio';
import { OUTPUT } from '../helpers/media';
import { mulberry32 } from '../helpers/prng';
import { procCpu } from './cpu';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;


function signal(rate: number, sec: number): Float32Array {
  const rnd = mulberry32(7);
  const x = new Float32Array(Math.round(rate * sec));
  for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate) + 0.2 * (rnd() - 0.5);
  return x;
}

for (const [a, b] of [[32000, 44100], [44100, 16000]] as const) {
  const x = signal(a, 10);
  const r = new SincResampler(a, b);
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.cpuUsage();
    r.outputRange(x, 0, r.outputLength(x.length));
    const u = process.cpuUsage(t0);
    best = Math.min(best, (u.user + u.system) / 1e6);
  }
  console.log(`SincResampler ${a} → ${b}: ${(x.length / best / 1e6).toFixed(2)} M input samples/s (${best.toFixed(3)} CPU s for 10 s, best of ${runs})`);
}

if (args.includes('--wide')) {
  const dir = join(OUTPUT, 'bench-resampler');
  mkdirSync(dir, { recursive: true });
  const rate = 32000;
  const rnd = mulberry32(26);
  const x = new Float64Array(rate * 6);
  for (let i = 0; i < x.length; i++) {
    const t = i / rate;
    const beat = t % 0.5;
    x[i] = 0.5 * Math.exp(-beat * 30) * Math.sin(2 * Math.PI * 60 * beat) + 0.1 * (Math.sin(2 * Math.PI * 220 * t) + Math.sin(2 * Math.PI * 261.63 * t) + Math.sin(2 * Math.PI * 329.63 * t)) + 0.01 * (rnd() - 0.5);
  }
  for (const n of [64, 65]) {
    const b = Buffer.alloc(x.length * n * 3);
    for (let i = 0, k = 0; i < x.length; i++) {
      const v = Math.max(-8388608, Math.min(8388607, Math.round(x[i]! * 8388608)));
      for (let c = 0; c < n; c++, k += 3) b.writeIntLE(v, k, 3);
    }
    const raw = join(dir, `w${n}.raw`);
    const path = join(dir, `w${n}.wav`);
    writeFileSync(raw, b);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 's24le', '-ar', String(rate), '-ac', String(n), '-i', raw, '-c:a', 'copy', path]);
    rmSync(raw);
    const c0 = procCpu();
    const w0 = performance.now();
    const run = await analyzeFile(path, libraryAnalysers(8));
    const c1 = procCpu();
    console.log(`analyzeFile ${n} channels, 32 kHz, 6 s: ${(c1.self - c0.self).toFixed(2)} CPU s in this process + ${(c1.children - c0.children).toFixed(2)} in ffmpeg, ${((performance.now() - w0) / 1e3).toFixed(2)} s wall (${run.channels} ch, ${run.durationSec.toFixed(3)} s)`);
  }
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
}
