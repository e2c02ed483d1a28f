// Tunes TEMPO_MODEL (main/engine/analysis/tempo.ts) on the DEVELOPMENT set only:
//
//   nice node --import tsx tools/eval/tune-tempo.ts [--out test/output/eval] [--set dev]
//
// 1. Onset envelopes of the set's files (the TempoAnalyser's own, one decode each),
//    cached in OUT/work/env/.
// 2. For each prior (centre, width: it picks the first candidate), the candidate-score
//    weights by pairwise logistic ranking (the right metrical level against each wrong
//    one), keeping the prior and L2 strength with the best Acc1.
// 3. Logistic regression of "Acc1 right" on (margin, periodicity, lock) for the
//    confidence, so a stated 0.8 is right about 80 % of the time on this set.
// Prints the model to paste into TEMPO_MODEL; `--eval` only scores the current one.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../main/engine/analysis/run';
import { analyseTempo, TEMPO_MODEL, TempoAnalyser, type TempoModel } from '../../main/engine/analysis/tempo';
import type { EvalItem } from './build-set';

const argv = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : def;
};
const OUT = opt('--out', 'test/output/eval');
const SET = opt('--set', 'dev');
const OPTS = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 };

const items = (JSON.parse(readFileSync(join(OUT, 'manifest.json'), 'utf8')) as { items: EvalItem[] }).items.filter((x) => x.set === SET);
const ENV = join(OUT, 'work', 'env');
mkdirSync(ENV, { recursive: true });

interface Env {
  env: Float32Array;
  low: Float32Array;
  fps: number;
  t0: number;
}
async function envelope(it: EvalItem): Promise<Env> {
  const f = join(ENV, `${it.set}__${it.file}.json`);
  if (existsSync(f)) {
    const j = JSON.parse(readFileSync(f, 'utf8'));
    if (j.low) return { env: Float32Array.from(j.env), low: Float32Array.from(j.low), fps: j.fps, t0: j.t0 };
  }
  const a = new TempoAnalyser();
  await analyzeFile(join(OUT, it.set, it.file), [a]);
  const e = a.onsetEnvelope();
  writeFileSync(f, JSON.stringify({ env: Array.from(e.env), low: Array.from(e.low), fps: e.fps, t0: e.t0 }));
  return e;
}

const acc1 = (est: number | null, ref: number | null) => ref != null && est != null && Math.abs(est - ref) <= 0.04 * ref;
const acc2 = (est: number | null, ref: number | null) => ref != null && [1, 2, 0.5, 3, 1 / 3].some((f) => acc1(est, ref * f));
const withBeat = items.filter((x) => x.bpm != null).length;

const envs: Env[] = [];
for (const it of items) envs.push(await envelope(it));
console.log(`${SET}: ${items.length} files`);
const run = (i: number, m: TempoModel) => analyseTempo(envs[i].env, envs[i].fps, envs[i].t0, OPTS, m, envs[i].low);

function evaluate(model: TempoModel, verbose = false) {
  let a1 = 0;
  let a2 = 0;
  const rows: { right: boolean; conf: number; x: number[] }[] = [];
  items.forEach((it, i) => {
    const r = run(i, model);
    const ok1 = acc1(r.result.bpm, it.bpm);
    if (ok1) a1++;
    if (acc2(r.result.bpm, it.bpm)) a2++;
    if (r.candidates.length) {
      const margin = r.candidates.length > 1 ? r.candidates[0].score - r.candidates[1].score : 1;
      rows.push({ right: ok1, conf: r.result.confidence, x: [Math.min(margin, 2), r.periodicity, r.candidates[0].features[1], r.peakiness] });
    }
    if (verbose && !ok1 && (it.bpm != null || r.result.confidence >= 0.5))
      console.log(`  ✗ ${it.file.padEnd(56)} truth ${(it.bpm?.toFixed(1) ?? '—').padStart(6)} got ${String(r.result.bpm).padStart(6)} conf ${r.result.confidence.toFixed(2)}  cands ${r.candidates.map((c) => `${c.bpm.toFixed(0)}:${c.score.toFixed(2)}(${c.features.map((v) => v.toFixed(2)).join(' ')})`).join(' ')}`);
  });
  return { acc1: a1 / withBeat, acc2: a2 / withBeat, rows };
}

if (argv.includes('--eval')) {
  const r = evaluate(TEMPO_MODEL, true);
  console.log(`current model: Acc1 ${r.acc1.toFixed(3)}  Acc2 ${r.acc2.toFixed(3)}`);
  process.exit(0);
}

/** Logistic regression (gradient descent, L2 `l2` on all but the intercept when `bias`). */
function logistic(X: number[][], y: number[], bias: boolean, l2: number, iters = 4000): number[] {
  const d = X[0].length + (bias ? 1 : 0);
  let w = new Array(d).fill(0);
  for (let it = 0; it < iters; it++) {
    const g = new Array(d).fill(0);
    X.forEach((row, r) => {
      const x = bias ? [1, ...row] : row;
      const p = 1 / (1 + Math.exp(-x.reduce((s, v, k) => s + v * w[k], 0)));
      const e = p - y[r];
      for (let k = 0; k < d; k++) g[k] += e * x[k];
    });
    w = w.map((v, k) => v - (0.5 * (g[k] / X.length + (bias && k === 0 ? 0 : l2 * v))));
  }
  return w;
}

// ---- 2. prior for the first candidate × pairwise ranking of the candidates -----------------------
let best = { acc1: -1, acc2: -1, model: TEMPO_MODEL };
for (const priorBpm of [100, 120, 140]) {
  for (const priorOctaves of [1.2]) {
    const base: TempoModel = { ...TEMPO_MODEL, priorBpm, priorOctaves };
    const cands = items.map((_, i) => run(i, base).candidates);
    const oracle = cands.filter((c, i) => c.some((x) => acc1(x.bpm, items[i].bpm))).length / withBeat;
    // pairs (right − wrong) → 1, (wrong − right) → 0
    const X: number[][] = [];
    const y: number[] = [];
    cands.forEach((cs, i) => {
      const right = cs.filter((x) => acc1(x.bpm, items[i].bpm));
      const wrong = cs.filter((x) => !acc1(x.bpm, items[i].bpm));
      for (const r of right)
        for (const w of wrong) {
          const d = r.features.map((v, k) => v - w.features[k]);
          X.push(d, d.map((v) => -v));
          y.push(1, 0);
        }
    });
    for (const l2 of [0.0003, 0.001]) {
      const weights = X.length ? logistic(X, y, false, l2).map((v) => Math.round(v * 1000) / 1000) : TEMPO_MODEL.weights;
      const m: TempoModel = { ...base, weights };
      const r = evaluate(m);
      if (r.acc1 > best.acc1 || (r.acc1 === best.acc1 && r.acc2 > best.acc2)) best = { acc1: r.acc1, acc2: r.acc2, model: m };
      console.log(`prior ${priorBpm} BPM ± ${priorOctaves} oct, L2 ${l2}: candidate oracle Acc1 ${oracle.toFixed(3)}; Acc1 ${r.acc1.toFixed(3)} Acc2 ${r.acc2.toFixed(3)}`);
    }
  }
}

// ---- 3. confidence calibration --------------------------------------------------------------
const { rows } = evaluate(best.model);
const conf = logistic(rows.map((r) => r.x), rows.map((r) => (r.right ? 1 : 0)), true, 0.01);
best.model = { ...best.model, conf: conf.map((w) => Math.round(w * 1000) / 1000) as TempoModel['conf'] };
const final = evaluate(best.model, true);
console.log(`\nbest on ${SET}: Acc1 ${final.acc1.toFixed(3)}  Acc2 ${final.acc2.toFixed(3)}`);
console.log(JSON.stringify(best.model));
