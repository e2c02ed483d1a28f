// Decision19's gate g2, the TempoAnalyser half (issue 11, session 19, helper poe19): the CPU of the tempo analyser with
// arm P3 on (LevelTuning.tempoNetExpert = TEMPO_NET: the tempogram net's log-probability added to the octave chooser's
// logit) against the shipped LEVEL_TUNING, on the same files in one run. Each file of FOLDER (sorted, every --every-th)
// is decoded ONCE by the product's decode (analyzeFile with a recording analyser: the 44.1/48 kHz analysis output, every
// channel, in run.ts' blocks); then --passes passes over its PCM, each pass both sides one after the other (the order
// swapped every pass): a fresh TempoAnalyser's init (its own shared-stream decimation) + process + finish, timed by this
// process's CPU (process.cpuUsage). Per side the per-pass totals over all files; printed: the median over passes, and
// (robust on a loaded machine) the sum over files of each file's fastest pass. One untimed warm-up of both sides first.
// Then the arm's own step timed directly on each file's stored envelopes (--direct R, R times per file): tempoNetScoresAt
// at the chooser's three candidates (tempogram + every net's sub-bin forward pass), and the tempogram alone.
//
//   nice -n 15 node --import tsx test/bench/tempo-poe-cost.ts [FOLDER=test/output/eval/dev] [--every 1] [--passes 3] [--direct 5]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { condition, LEVEL_TUNING, TempoAnalyser, type LevelTuning, type TempoResult } from '../../main/engine/analysis/tempo';
import { tempoNetScoresAt, tempoNetTempogram } from '../../main/engine/analysis/tempo-net';
import { tempoNetWeights } from '../../main/engine/analysis/tempo-net-weights';
const TEMPO_NET = tempoNetWeights();
import type { Analyser } from '../../main/engine/analysis/types';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { every: { type: 'string', default: '1' }, passes: { type: 'string', default: '3' }, direct: { type: 'string', default: '5' } } });
const dir = positionals[0] ?? 'test/output/eval/dev';
const files = readdirSync(dir).filter((f) => /\.(mp3|wav|flac|ogg|m4a|opus)$/i.test(f)).sort().filter((_, i) => i % Number(args.every) === 0).map((f) => join(dir, f));
const P = Number(args.passes);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** records the analysis output's blocks (copies) */
class Recorder implements Analyser<null> {
  readonly name = 'rec';
  readonly version = 1;
  rate = 0;
  channels = 0;
  blocks: Float32Array[][] = [];
  init(rate: number, channels: number): void {
    this.rate = rate;
    this.channels = channels;
  }
  process(b: Float32Array[]): void {
    this.blocks.push(b.map((c) => c.slice()));
  }
  finish(): null {
    return null;
  }
}
const sides: { name: string; tuning: LevelTuning; ms: number[]; best: number }[] = [
  { name: 'shipped', tuning: LEVEL_TUNING, ms: new Array(P).fill(0), best: 0 },
  { name: 'P3', tuning: { ...LEVEL_TUNING, tempoNetExpert: TEMPO_NET }, ms: new Array(P).fill(0), best: 0 },
];
let audio = 0;
let differ = 0;
const kept: { env: Float32Array; env6: Float32Array; fps: number; bpm: number }[] = [];
for (const f of files) {
  const rec = new Recorder();
  const run = await analyzeFile(f, [rec]);
  audio += run.durationSec;
  const bpm: (number | null)[] = [null, null];
  const fastest = [Infinity, Infinity];
  if (f === files[0])
    for (const s of sides) {
      const a = new TempoAnalyser({}, s.tuning);
      a.init(rec.rate, rec.channels);
      for (const b of rec.blocks) a.process(b);
      a.finish();
    }
  for (let p = 0; p < P; p++)
    for (const s of p % 2 ? [sides[1], sides[0]] : sides) {
      const t0 = cpuMs();
      const a = new TempoAnalyser({}, s.tuning);
      a.init(rec.rate, rec.channels);
      for (const b of rec.blocks) a.process(b);
      const r = a.finish() as TempoResult;
      const dt = cpuMs() - t0;
      s.ms[p] += dt;
      fastest[sides.indexOf(s)] = Math.min(fastest[sides.indexOf(s)], dt);
      bpm[sides.indexOf(s)] = r.bpm;
      if (p === 0 && s === sides[0]) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const t = a as any;
        kept.push({ env: t.env.slice(0, t.envLen), env6: t.env3.slice(0, 6 * t.envLen), fps: t.tap.rate / 256, bpm: r.bpm ?? 0 });
      }
    }
  sides[0].best += fastest[0];
  sides[1].best += fastest[1];
  if (bpm[0] !== bpm[1]) differ++;
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
for (let p = 0; p < P; p++) console.log(`pass ${p + 1}: ${sides.map((s) => `${s.name} ${s.ms[p].toFixed(0)} ms`).join(', ')}`);
const [off, on] = sides.map((s) => med(s.ms));
console.log(`\n${files.length} files of ${dir}, ${audio.toFixed(0)} s of audio, ${P} passes (alternating per file), process CPU, medians:`);
console.log(`  sum over files of each file's fastest pass: shipped ${sides[0].best.toFixed(0)} ms, P3 ${sides[1].best.toFixed(0)} ms: ${(((sides[1].best - sides[0].best) / sides[0].best) * 100).toFixed(1)} %`);
console.log(`  TempoAnalyser shipped ${off.toFixed(0)} ms (${(audio / (off / 1000)).toFixed(0)}× realtime), P3 ${on.toFixed(0)} ms: ${(((on - off) / off) * 100).toFixed(1)} % (${differ} of ${files.length} files read another tempo with P3)`);
const R = Number(args.direct);
let sink = 0;
const timed = (f: (k: (typeof kept)[0], env: Float64Array) => number) => {
  const t0 = cpuMs();
  for (let r = 0; r < R; r++)
    for (const k of kept) {
      if (!k.bpm) continue;
      const env = condition(k.env, k.fps);
      if (env) sink += f(k, env);
    }
  return (cpuMs() - t0) / R;
};
const step = timed((k, env) => tempoNetScoresAt(env, k.env6, k.fps, [k.bpm / 2, k.bpm, k.bpm * 2], TEMPO_NET).scores[1]);
const tg = timed((k, env) => tempoNetTempogram(env, k.env6, k.fps, TEMPO_NET)[0]);
const cond = timed(() => 0);
console.log(`  P3's step alone (tempoNetScoresAt at T/2, T, 2T on the stored envelopes, ${R}× per file): ${(step - cond).toFixed(1)} ms per pass = ${((step - cond) / audio).toFixed(4)} ms per audio s = ${(((step - cond) / off) * 100).toFixed(2)} % of the shipped TempoAnalyser; of it the tempogram ${(tg - cond).toFixed(1)} ms (${(((tg - cond) / off) * 100).toFixed(2)} %), the forward passes ${(step - tg).toFixed(1)} ms (${(((step - tg) / off) * 100).toFixed(2)} %) (sink ${sink.toFixed(0)})`);
