// decision18's clause (t5), the TempoAnalyser half (issue 11, session 18, helper tnet18): the CPU of the tempo analyser
// with the tempogram net on (LevelTuning.tempoNet, tempo-net.ts) against off (the shipped LEVEL_TUNING), on the same
// files in one run. Per file of FOLDER (sorted, every --every-th), --passes passes, each pass both sides one after the
// other (the order swapped every pass): analyzeFile(file, [TempoAnalyser]) timed by this process's CPU (process.cpuUsage;
// the ffmpeg decode runs in a child, the same command for both sides, and is not counted: what is counted is the
// analyser with its shared-stream decimation). Totals per side are medians over passes. Then the net's own step, timed
// directly (precise on a busy machine): tempoNetChoice (tempogram + forward pass of every net) on each file's stored
// envelopes, 20× per file, against the whole analyser's off-side CPU.
//
//   nice -n 15 node --import tsx test/bench/tempo-net-cost.ts [FOLDER=test/output/eval/dev] [--every 5] [--passes 3] [--weights FILE.json]
// --weights: a resonance-tempo-net/1 JSON (default: tempo-net-weights.ts TEMPO_NET); the cost depends only on its shape.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { condition, LEVEL_TUNING, TempoAnalyser, type LevelTuning, type TempoResult } from '../../main/engine/analysis/tempo';
import { tempoNetChoice } from '../../main/engine/analysis/tempo-net';
import { tempoNetWeights } from '../../main/engine/analysis/tempo-net-weights';
const TEMPO_NET = tempoNetWeights();
import type { TempoNetWeights } from '../../main/engine/analysis/tempo-net';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { every: { type: 'string', default: '5' }, passes: { type: 'string', default: '3' }, weights: { type: 'string' } } });
const W: TempoNetWeights = args.weights ? JSON.parse(readFileSync(args.weights, 'utf8')) : TEMPO_NET;
const dir = positionals[0] ?? 'test/output/eval/dev';
const files = readdirSync(dir).filter((f) => /\.(mp3|wav|flac|ogg|m4a|opus)$/i.test(f)).sort().filter((_, i) => i % Number(args.every) === 0).map((f) => join(dir, f));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sides: { name: string; tuning: LevelTuning; ms: number[] }[] = [
  { name: 'off (shipped)', tuning: LEVEL_TUNING, ms: [] },
  { name: 'on (tempoNet)', tuning: { ...LEVEL_TUNING, tempoNet: W }, ms: [] },
];
let audio = 0;
let differ = 0;
const kept: { env: Float32Array; env6: Float32Array; fps: number; bpm: number }[] = [];
for (let p = 0; p < Number(args.passes); p++) {
  const bpms: (number | null)[][] = [[], []];
  for (const s of p % 2 ? [sides[1], sides[0]] : sides) {
    const t0 = cpuMs();
    let sec = 0;
    for (const f of files) {
      const a = new TempoAnalyser({}, s.tuning);
      const r = await analyzeFile(f, [a]);
      sec += r.durationSec;
      bpms[sides.indexOf(s)].push((r.results.tempo as TempoResult).bpm);
      if (p === 0 && s === sides[0]) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const t = a as any;
        kept.push({ env: t.env.slice(0, t.envLen), env6: t.env3.slice(0, 6 * t.envLen), fps: t.tap.rate / 256, bpm: (r.results.tempo as TempoResult).bpm ?? 0 });
      }
    }
    s.ms.push(cpuMs() - t0);
    audio = sec;
  }
  if (p === 0) differ = bpms[0].filter((b, i) => b !== bpms[1][i]).length;
  console.log(`pass ${p + 1}: ${sides.map((s) => `${s.name} ${s.ms[p].toFixed(0)} ms`).join(', ')}`);
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const [off, on] = sides.map((s) => med(s.ms));
console.log(`\n${files.length} files of ${dir}, ${audio.toFixed(0)} s of audio, ${args.passes} passes (alternating), process CPU, medians:`);
console.log(`  TempoAnalyser off ${off.toFixed(0)} ms (${(audio / (off / 1000)).toFixed(0)}× realtime), on ${on.toFixed(0)} ms (${(audio / (on / 1000)).toFixed(0)}×): ${(((on - off) / off) * 100).toFixed(1)} % (${differ} of ${files.length} files read another tempo with the net)`);
// the net's own step, timed directly
let sink = 0;
const t0 = cpuMs();
const R = 20;
for (let r = 0; r < R; r++)
  for (const k of kept) {
    if (!k.bpm) continue;
    const env = condition(k.env, k.fps);
    if (env) sink += tempoNetChoice(env, k.env6, k.fps, k.bpm, W)?.bpm ?? 0;
  }
const direct = (cpuMs() - t0) / R;
console.log(`  the net's step alone (tempogram + ${W.nets.length} nets' forward pass, tempoNetChoice on the stored envelopes, ${R}× per file): ${direct.toFixed(1)} ms per pass = ${(direct / audio).toFixed(3)} ms per audio second = ${((direct / off) * 100).toFixed(2)} % of the off side's TempoAnalyser CPU (sink ${sink.toFixed(0)})`);
