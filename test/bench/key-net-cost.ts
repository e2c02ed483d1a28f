// decision22's gate g2 (issue 11, session 22, helper knet22): the learned key net's CPU (tonal.ts TonalOptions.keyNet:
// key-net.ts keyNetInput + keyNetProbs over the 3-net ensemble, and the bass bins it needs) against the whole library
// analysis with its decode (`studio analyze`'s analysers, libraryAnalysers). Per file of FOLDER (first --limit N,
// sorted), interleaved A/B as lead-cost.ts: the tonal analyser with keyNet off (A, shipped) and on (B), the order
// swapped on every other file; CPU = this process's plus its ffmpeg children's. Then the net alone, timed directly:
// applyKeyNet on the B run's frames, 5× per file. Prints the direct share (precise) and the A/B difference (noisy on a
// shared machine; it holds the bass bins' cost too). g2: the net ≤ 2 % of the analysis.
//
//   nice -n 10 node --import tsx test/bench/key-net-cost.ts [FOLDER=test/output/eval/dev] [--limit 8]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { libraryAnalysers } from '../../main/engine/library/analyse';
import { applyKeyNet, foldChroma, TonalAnalyser, type KeyResult } from '../../main/engine/analysis/tonal';
import { keyNetWeights } from '../../main/engine/analysis/key-net';
import type { Analyser } from '../../main/engine/analysis/types';
import { cpu } from './cpu';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { limit: { type: 'string', default: '8' } } });
const dir = positionals[0] ?? 'test/output/eval/dev';
const files = readdirSync(dir).filter((f) => /\.(mp3|wav|flac|ogg|m4a|opus)$/i.test(f)).sort().slice(0, Number(args.limit)).map((f) => join(dir, f));
const w = keyNetWeights();
async function run(path: string, on: boolean): Promise<{ sec: number; tonal: TonalAnalyser }> {
  const tonal = new TonalAnalyser({ keyNet: on });
  const an: Analyser[] = libraryAnalysers().map((a) => (a.name === 'tonal' ? tonal : a));
  const t = cpu();
  await analyzeFile(path, an);
  return { sec: cpu() - t, tonal };
}
let a = 0, b = 0, direct = 0, audio = 0;
for (let i = 0; i < files.length; i++) {
  let tb: TonalAnalyser | null = null;
  for (const on of i % 2 ? [true, false] : [false, true]) {
    const r = await run(files[i], on);
    if (on) { b += r.sec; tb = r.tonal; } else a += r.sec;
  }
  const t = tb!;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const pf = (t as any).pf as { bass: Float32Array };
  const nf = t.frames;
  const bass = foldChroma(pf.bass, nf, t.tuningCents);
  const maxE = t.energy.reduce((m, v) => (v > m ? v : m), 0);
  const active = t.energy.map((v) => maxE > 0 && v > maxE * 1e-6);
  const key = (): KeyResult => ({ key: 'C major', tonic: 0, mode: 'major', confidence: 0.5, camelot: null, openKey: null, strengths: [], chroma: [] });
  applyKeyNet(key(), t.chroma, bass, t.energy, active, nf, w);
  const u0 = process.cpuUsage();
  for (let k = 0; k < 5; k++) applyKeyNet(key(), t.chroma, bass, t.energy, active, nf, w);
  const u1 = process.cpuUsage(u0);
  const d = (u1.user + u1.system) / 1e6 / 5;
  direct += d;
  const sec = (nf * 1024) / 5512.5;
  audio += sec;
  console.log(`${files[i].split('/').pop()} (${sec.toFixed(0)} s): A ${a.toFixed(2)} s, B ${b.toFixed(2)} s (running); the net ${(d * 1e3).toFixed(2)} ms`);
}
console.log(`\n${files.length} files, ${audio.toFixed(0)} s of audio: whole analysis with decode (CPU, process + ffmpeg) A (keyNet off) ${a.toFixed(2)} s, B (on) ${b.toFixed(2)} s, B − A ${(((b - a) / a) * 100).toFixed(2)} % (noisy; holds the bass bins)`);
console.log(`the net alone (applyKeyNet, per file): ${(direct * 1e3).toFixed(1)} ms in all = ${((direct / audio) * 1e6).toFixed(1)} µs per audio second = ${((direct / a) * 100).toFixed(3)} % of A's whole analysis → g2 ${direct / a <= 0.02 ? 'pass' : 'FAIL'} (≤ 2 %)`);
