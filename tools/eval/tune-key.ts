// Chooses the key profile and fits the key confidence (main/engine/analysis/tonal.ts)
// on the DEVELOPMENT set only:
//
//   nice node --import tsx tools/eval/tune-key.ts [--out test/output/eval] [--set dev] [--eval]
//
// 1. The TonalAnalyser's mean chroma of every file (one decode each), cached in OUT/work/chroma/.
// 2. MIREX score of each profile in KEY_PROFILES on the files whose key is trusted.
// 3. Logistic regression of "exact key" on the key features (keyFeatures in tonal.ts);
//    percussion-only files count as wrong whatever key is named, so the confidence
//    learns that a flat, noisy chroma names no key.
// Prints the profile and coefficients to paste into tonal.ts; `--eval` scores the current ones.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../main/engine/analysis/run';
import { mirexKeyScore } from '../../main/engine/analysis/keys';
import { KEY_CONFIDENCE, KEY_PROFILE, KEY_PROFILES, keyFeatures, keyFromChroma, TonalAnalyser, type KeyProfileName, type TonalResult } from '../../main/engine/analysis/tonal';
import type { EvalItem } from './build-set';

const argv = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : def;
};
const OUT = opt('--out', 'test/output/eval');
const SET = opt('--set', 'dev');
const items = (JSON.parse(readFileSync(join(OUT, 'manifest.json'), 'utf8')) as { items: EvalItem[] }).items.filter((x) => x.set === SET);
const DIR = join(OUT, 'work', 'chroma');
mkdirSync(DIR, { recursive: true });

async function chromaOf(it: EvalItem): Promise<number[]> {
  const f = join(DIR, `${it.set}__${it.file}.json`);
  if (existsSync(f)) return JSON.parse(readFileSync(f, 'utf8'));
  const run = await analyzeFile(join(OUT, it.set, it.file), [new TonalAnalyser()]);
  const c = (run.results.tonal as TonalResult).key.chroma;
  writeFileSync(f, JSON.stringify(c));
  return c;
}
const chromas: number[][] = [];
for (const it of items) chromas.push(await chromaOf(it));
const scored = items.map((it, i) => ({ it, c: chromas[i] })).filter((x) => x.it.key && x.it.keyTrusted);
console.log(`${SET}: ${items.length} files, ${scored.length} with a trusted key, ${items.filter((x) => !x.key).length} without a key`);

const profiles = Object.keys(KEY_PROFILES) as KeyProfileName[];
let bestProfile = KEY_PROFILE;
let bestScore = -1;
for (const p of profiles) {
  let s = 0;
  for (const { it, c } of scored) {
    const k = keyFromChroma(c, p);
    if (k.tonic !== null) s += mirexKeyScore(it.key!, { tonic: k.tonic, mode: k.mode! });
  }
  s /= scored.length;
  console.log(`  profile ${p.padEnd(14)} MIREX ${s.toFixed(3)}`);
  if (s > bestScore) {
    bestScore = s;
    bestProfile = p;
  }
}
const profile = argv.includes('--eval') ? KEY_PROFILE : bestProfile;
console.log(`profile: ${profile}`);

// confidence
const X: number[][] = [];
const y: number[] = [];
items.forEach((it, i) => {
  if (it.key && !it.keyTrusted) return;
  const k = keyFromChroma(chromas[i], profile);
  if (k.tonic === null) return;
  X.push(keyFeatures(chromas[i], k.strengths));
  y.push(it.key && mirexKeyScore(it.key, { tonic: k.tonic, mode: k.mode! }) === 1 ? 1 : 0);
});
let w = KEY_CONFIDENCE.slice();
if (!argv.includes('--eval')) {
  w = new Array(X[0].length + 1).fill(0);
  for (let iter = 0; iter < 20000; iter++) {
    const g = new Array(w.length).fill(0);
    X.forEach((row, r) => {
      const x = [1, ...row];
      const p = 1 / (1 + Math.exp(-x.reduce((s, v, k) => s + v * w[k], 0)));
      for (let k = 0; k < w.length; k++) g[k] += (p - y[r]) * x[k];
    });
    w = w.map((v, k) => v - 0.5 * (g[k] / X.length + (k ? 0.001 * v : 0)));
  }
  w = w.map((v) => Math.round(v * 1000) / 1000);
}
// reliability
const conf = X.map((row) => 1 / (1 + Math.exp(-[1, ...row].reduce((s, v, k) => s + v * w[k], 0))));
let ece = 0;
for (let b = 0; b < 5; b++) {
  const idx = conf.map((c, i) => [c, i] as const).filter(([c]) => c >= b / 5 && c < (b + 1) / 5 + (b === 4 ? 1e-9 : 0));
  if (!idx.length) continue;
  const mc = idx.reduce((s, [c]) => s + c, 0) / idx.length;
  const acc = idx.reduce((s, [, i]) => s + y[i], 0) / idx.length;
  ece += (idx.length / X.length) * Math.abs(mc - acc);
  console.log(`  confidence [${(b / 5).toFixed(1)}, ${((b + 1) / 5).toFixed(1)}): n ${idx.length}, mean ${mc.toFixed(2)}, right ${acc.toFixed(2)}`);
}
console.log(`ECE ${ece.toFixed(3)}\nKEY_PROFILE = '${profile}'\nKEY_CONFIDENCE = ${JSON.stringify(w)}`);
