// What the key19 rule's clause K4 asks (issue 11, session 17, helper key19): the CPU of the relative minor's dominant cue
// (tonal.ts KeyOptions.relativeDominantShare) in each arm against the whole library analysis with its decode. Per file
// of FOLDER (first --limit N, sorted): the library's analyser set through analyzeFile with the tonal analyser shipped
// (A), with the cue from the shipped triads (B fold) and from the NNLS triads (B nnls: the peaks kept, the NNLS chroma
// transcribed), the order rotated per file; CPU = this process's plus its ffmpeg children's. Then each arm's own work,
// timed directly on the B nnls analyser's frames: 'fold' — relativeDominantShare over the triads (what the cue adds to
// keyFromChroma); 'nnls' — that plus PitchFrames.noteChroma and frameTriads on it (the peaks' keeping is in the A/B
// difference only). Prints the direct shares (precise) and the A/B differences (noisy on a shared machine).
//
// The first file is analysed once untimed first (JIT warm-up); --match keeps the files whose name holds the text.
//
//   nice -n 10 node --import tsx test/bench/dominant-cost.ts [FOLDER=test/output/eval/dev] [--limit 4] [--match mma-]
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { libraryAnalysers } from '../../main/engine/library/analyse';
import { frameTriads, PITCHED_SHARE_MIN, relativeDominantShare, TonalAnalyser, type PitchFrames, type TonalOptions } from '../../main/engine/analysis/tonal';
import type { Analyser } from '../../main/engine/analysis/types';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { limit: { type: 'string', default: '4' }, match: { type: 'string', default: '' } } });
const dir = positionals[0] ?? 'test/output/eval/dev';
const files = readdirSync(dir).filter((f) => /\.(mp3|wav|flac|ogg|m4a|opus)$/i.test(f) && f.includes(args.match!)).sort().slice(0, Number(args.limit)).map((f) => join(dir, f));
/** CPU seconds: this process's plus its finished children's (ffmpeg) */
function cpu(): number {
  const u = process.cpuUsage();
  const s = execFileSync('cat', [`/proc/${process.pid}/stat`]).toString().split(') ')[1].split(' ');
  return (u.user + u.system) / 1e6 + (Number(s[13]) + Number(s[14])) / 100;
}
const ARMS: [string, TonalOptions][] = [['A', {}], ['B fold', { relativeDominantShare: 0.1, relativeDominantFrom: 'fold' }], ['B nnls', { relativeDominantShare: 0.1, relativeDominantFrom: 'nnls' }]];
const tot: Record<string, number> = { A: 0, 'B fold': 0, 'B nnls': 0 };
let fold = 0, nnls = 0, sink = 0;
for (const [, o] of ARMS) await analyzeFile(files[0], libraryAnalysers().map((a) => (a.name === 'tonal' ? new TonalAnalyser(o) : a)));
const self = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
for (let i = 0; i < files.length; i++) {
  const order = [...ARMS.slice(i % 3), ...ARMS.slice(0, i % 3)];
  let kept: TonalAnalyser | null = null;
  for (const [label, o] of order) {
    const tonal = new TonalAnalyser(o);
    const an: Analyser[] = libraryAnalysers().map((a) => (a.name === 'tonal' ? tonal : a));
    const t = cpu();
    await analyzeFile(files[i], an);
    tot[label] += cpu() - t;
    if (label === 'B nnls') kept = tonal;
  }
  const a = kept!;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const pf = (a as any).pf as PitchFrames;
  const en = a.energy;
  const maxE = en.reduce((m, v) => (v > m ? v : m), 0);
  const active = en.map((v) => a.pitchedShare >= PITCHED_SHARE_MIN && maxE > 0 && v > maxE * 1e-6);
  const triads = frameTriads(a.chroma, a.frames, active);
  let t = self();
  for (let k = 0; k < 2000; k++) sink += relativeDominantShare(triads, k % 12);
  const f1 = (self() - t) / 2000;
  t = self();
  for (let k = 0; k < 3; k++) sink += relativeDominantShare(frameTriads(pf.noteChroma(a.tuningCents), a.frames, active), 0);
  const n1 = (self() - t) / 3 + f1;
  fold += f1;
  nnls += n1;
  console.log(`${files[i].split('/').pop()} (${a.frames} frames): ${ARMS.map(([l]) => `${l} ${tot[l].toFixed(2)} s`).join(', ')} (running); fold cue ${(f1 * 1e6).toFixed(1)} µs, nnls cue ${(n1 * 1e3).toFixed(1)} ms`);
}
const A = tot.A;
console.log(`\n${files.length} files: whole analysis with decode (CPU, process + ffmpeg) ${ARMS.map(([l]) => `${l} ${tot[l].toFixed(2)} s`).join(', ')}; B − A: fold ${(((tot['B fold'] - A) / A) * 100).toFixed(2)} %, nnls ${(((tot['B nnls'] - A) / A) * 100).toFixed(2)} % (noisy)`);
console.log(`the cue alone, direct: fold ${(fold * 1e3).toFixed(4)} ms = ${((fold / A) * 100).toFixed(5)} % of A → K4 ${fold / A <= 0.01 ? 'pass' : 'FAIL'}; nnls ${(nnls * 1e3).toFixed(1)} ms = ${((nnls / A) * 100).toFixed(3)} % of A (peaks' keeping not included) → K4 ${nnls / A <= 0.01 && tot['B nnls'] - A <= 0.01 * A ? 'pass' : 'FAIL'} (≤ 1 %)${sink ? '' : ' '}`);
