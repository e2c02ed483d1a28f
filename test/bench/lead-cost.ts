// What the key18 rule's clause K4 asks (issue 11, session 16, helper key18): the CPU of the relative minor's
// leading-tone cue (tonal.ts KeyOptions.relativeLeadShare; relativeLeadShare on the key's mean chroma, one branch in
// keyFromChroma) against the whole library analysis with its decode. Per file of FOLDER (first --limit N, sorted),
// interleaved A/B as phrase-end-cost.ts: the library's analyser set through analyzeFile with the tonal analyser at
// relativeLeadShare 0 (A: shipped) and --share (default 0.08; B), the order swapped on every other file; CPU = this
// process's plus its ffmpeg children's. Then the cue alone, timed directly: keyFromChroma on the A run's key chroma
// with the cue at --share minus without it, 20,000× each per file. Prints the direct share (precise) and the A/B
// difference (noisy on a shared machine; for reference).
//
//   nice -n 10 node --import tsx test/bench/lead-cost.ts [FOLDER=test/output/eval/dev] [--limit 6] [--share 0.08]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { libraryAnalysers } from '../../main/engine/library/analyse';
import { keyFromChroma, relativeLeadShare, TonalAnalyser, type TonalResult } from '../../main/engine/analysis/tonal';
import type { Analyser } from '../../main/engine/analysis/types';
import { cpu } from './cpu';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { limit: { type: 'string', default: '6' }, share: { type: 'string', default: '0.08' } } });
const S = Number(args.share);
const dir = positionals[0] ?? 'test/output/eval/dev';
const files = readdirSync(dir).filter((f) => /\.(mp3|wav|flac|ogg|m4a|opus)$/i.test(f)).sort().slice(0, Number(args.limit)).map((f) => join(dir, f));
async function run(path: string, share: number): Promise<{ sec: number; tonal: TonalResult }> {
  const tonal = new TonalAnalyser({ relativeLeadShare: share });
  const an: Analyser[] = libraryAnalysers().map((a) => (a.name === 'tonal' ? tonal : a));
  const t = cpu();
  const r = await analyzeFile(path, an);
  return { sec: cpu() - t, tonal: r.results.tonal as TonalResult };
}
let a = 0, b = 0, direct = 0, sink = 0;
for (let i = 0; i < files.length; i++) {
  const order = i % 2 ? [S, 0] : [0, S];
  let mean: number[] = [];
  for (const share of order) {
    const r = await run(files[i], share);
    if (share) b += r.sec;
    else { a += r.sec; mean = r.tonal.key.chroma; }
  }
  const time = (lead: { minor?: number }) => {
    const u0 = process.cpuUsage();
    for (let k = 0; k < 20000; k++) sink += keyFromChroma(mean, 'temperley', undefined, 0, undefined, 0, undefined, undefined, 0, 'blend', undefined, 0, 0, lead).confidence;
    const u1 = process.cpuUsage(u0);
    return (u1.user + u1.system) / 1e6 / 20000;
  };
  time({});
  const d = Math.max(0, time({ minor: S }) - time({}));
  // the share itself, alone (a lower bound of the cue's cost)
  const u0 = process.cpuUsage();
  for (let k = 0; k < 200000; k++) sink += relativeLeadShare(mean, k % 24);
  const one = (process.cpuUsage(u0).user + process.cpuUsage(u0).system) / 1e6 / 200000;
  direct += d;
  console.log(`${files[i].split('/').pop()}: A ${a.toFixed(2)} s, B ${b.toFixed(2)} s (running); keyFromChroma with the cue − without ${(d * 1e6).toFixed(2)} µs; relativeLeadShare ${(one * 1e6).toFixed(3)} µs`);
}
console.log(`\n${files.length} files: whole analysis with decode (CPU, process + ffmpeg) A (off) ${a.toFixed(2)} s, B (s ${S}) ${b.toFixed(2)} s, B − A ${(((b - a) / a) * 100).toFixed(2)} % (noisy)`);
console.log(`the cue alone (keyFromChroma with − without, per file): ${(direct * 1e3).toFixed(4)} ms in all = ${((direct / a) * 100).toFixed(5)} % of A's whole analysis → K4 ${direct / a <= 0.01 ? 'pass' : 'FAIL'} (≤ 1 %)${sink ? '' : ' '}`);
