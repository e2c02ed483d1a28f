// What the key16 rule's clause D5 asks (issue 11, session 14, helper key16): the CPU of computing phraseEndChroma (the
// Dorian rule's phrase-end cue, tonal.ts) on every file, against the whole library analysis with its decode.
// Per file of FOLDER (first --limit N, sorted), interleaved A/B: the library's analyser set (libraryAnalysers) through
// analyzeFile as the library runs it, with the tonal analyser at dorianRatio 0 (A: shipped, the cue not computed) and
// --ratio (default 1.5; B: the cue computed), the order swapped on every other file; CPU = this process's (process.cpuUsage) plus its
// ffmpeg children's (/proc/self/stat cutime + cstime). Then the cue alone, timed directly: phraseEndChroma on the A
// run's tonal state (its chroma, frames, the frames' energy; active as the analyser's finish() sets it for pitched
// content), repeated 200× per file. Prints both: the direct share (precise) and the A/B difference (noisy on a shared
// machine; for reference).
//
//   nice -n 10 node --import tsx test/bench/phrase-end-cost.ts [FOLDER=test/output/eval/dev] [--limit 12] [--ratio 1.5]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { libraryAnalysers } from '../../main/engine/library/analyse';
import { phraseEndChroma, TonalAnalyser } from '../../main/engine/analysis/tonal';
import type { Analyser } from '../../main/engine/analysis/types';
import { cpu } from './cpu';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { limit: { type: 'string', default: '12' }, ratio: { type: 'string', default: '1.5' } } });
/** B's dorianRatio (key17: 1.8); the cue is computed at any ratio > 0, its cost does not depend on the ratio */
const RB = Number(args.ratio);
const dir = positionals[0] ?? 'test/output/eval/dev';
const files = readdirSync(dir).filter((f) => /\.(mp3|wav|flac|ogg|m4a|opus)$/i.test(f)).sort().slice(0, Number(args.limit)).map((f) => join(dir, f));
async function run(path: string, ratio: number): Promise<{ sec: number; tonal: TonalAnalyser; audioSec: number }> {
  const tonal = new TonalAnalyser({ dorianRatio: ratio });
  const an: Analyser[] = libraryAnalysers().map((a) => (a.name === 'tonal' ? tonal : a));
  const t = cpu();
  const r = await analyzeFile(path, an);
  return { sec: cpu() - t, tonal, audioSec: (r as unknown as { durationSec?: number }).durationSec ?? 0 };
}
let a = 0, b = 0, direct = 0, audio = 0;
for (let i = 0; i < files.length; i++) {
  const order = i % 2 ? [RB, 0] : [0, RB];
  let tonalA: TonalAnalyser | null = null;
  for (const ratio of order) {
    const r = await run(files[i], ratio);
    if (ratio) b += r.sec;
    else { a += r.sec; tonalA = r.tonal; }
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const t = tonalA as any;
  const nf: number = t.pf.frames, energy: number[] = t.pf.energy;
  const maxE = energy.reduce((m, v) => (v > m ? v : m), 0);
  const active = energy.map((v) => maxE > 0 && v > maxE * 1e-6);
  audio += (nf * 1024) / 5512.5;
  const u0 = process.cpuUsage();
  for (let k = 0; k < 200; k++) phraseEndChroma(t.chroma, nf, active, energy);
  const u1 = process.cpuUsage(u0);
  direct += (u1.user + u1.system) / 1e6 / 200;
  console.log(`${files[i].split('/').pop()}: A ${a.toFixed(2)} s, B ${b.toFixed(2)} s (running), phraseEndChroma ${(((u1.user + u1.system) / 1e6 / 200) * 1000).toFixed(3)} ms for ${nf} frames`);
}
console.log(`\n${files.length} files, ~${audio.toFixed(0)} s of audio: whole analysis with decode (CPU, process + ffmpeg) A (ratio 0) ${a.toFixed(2)} s, B (ratio ${RB}) ${b.toFixed(2)} s, B − A ${((b - a) / a * 100).toFixed(2)} % (noisy)`);
console.log(`phraseEndChroma alone: ${(direct * 1000).toFixed(2)} ms in all (${((direct * 1000) / audio).toFixed(4)} ms per audio second) = ${((direct / a) * 100).toFixed(4)} % of A's whole analysis → D5 ${direct / a <= 0.01 ? 'pass' : 'FAIL'} (≤ 1 %)`);
