// The peers' side of the tempo/key/beat benchmarks (analysis-accuracy.ts, beat-accuracy.ts): essentia.js, the Queen
// Mary DSP harness and the mono decode they are all given.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let essentia: any = null;
/** essentia.js (WASM), loaded on first use. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ess(): any {
  if (!essentia) {
    const { EssentiaWASM, Essentia } = require('essentia.js');
    essentia = new Essentia(EssentiaWASM);
  }
  return essentia;
}

const QM_SOURCE = 'tools/eval/qm-harness.cpp';
/**
 * The Queen Mary DSP harness (tools/eval/qm-harness.cpp against Debian libqm-dsp-dev), built with g++ into
 * `out`/qm-harness when it is missing or older than its source; returns its path. Throws when g++ fails.
 */
export function qmHarness(out: string): string {
  const bin = join(out, 'qm-harness');
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(QM_SOURCE).mtimeMs)
    execFileSync('g++', ['-O2', '-I/usr/include/qm-dsp', '-o', bin, QM_SOURCE, '-lqm-dsp']);
  return bin;
}

/**
 * `mp3` decoded by ffmpeg to mono float32 at 44.1 kHz, as every peer is given it: the WAV is kept under
 * `out`/work/wav (named by the file's folder and name) and reused; returns its samples and its path.
 */
export function monoWav(mp3: string, out: string): { mono: Float32Array; wav: string } {
  const wav = join(out, 'work', 'wav', mp3.split('/').slice(-2).join('__').replace(/\.mp3$/, '.wav'));
  if (!existsSync(wav)) {
    mkdirSync(join(out, 'work', 'wav'), { recursive: true });
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', mp3, '-ac', '1', '-ar', '44100', '-c:a', 'pcm_f32le', wav]);
  }
  const b = readFileSync(wav);
  // WAV header: find the "data" chunk
  let o = 12;
  while (o < b.length - 8 && b.toString('ascii', o, o + 4) !== 'data') o += 8 + b.readUInt32LE(o + 4);
  const start = o + 8;
  const copy = b.buffer.slice(b.byteOffset + start, b.byteOffset + b.length - ((b.length - start) % 4));
  return { mono: new Float32Array(copy), wav };
}
