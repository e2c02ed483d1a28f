// Trains the tempo's octave decision (issue 11): a conditional logit (softmax
// over a file's octave candidates: the level of step one, its half and its
// double) on OCTAVE_FEATURES, with few weights, from data the project makes:
// the DEVELOPMENT set (build-set.ts), tempo-synth (synth-set.ts) and
// tempo-octave (octave-set.ts); never the test set. Files of a groove family
// related to a test family are left out (octave-set.ts's rule). Cross-validated
// by groove family (grouped 5-fold: no family in both folds), next to the
// comb × prior rule in the same run; then fitted on everything and printed as
// the TS literal for OCTAVE_MODEL in main/engine/analysis/tempo.ts.
//
//   nice node --import tsx tools/eval/octave-set.ts            # renders test/output/tempo-octave
//   nice node --import tsx tools/eval/synth-set.ts             # renders test/output/tempo-synth
//   nice node --import tsx tools/eval/octave-train.ts [--verbose] [--dev2] [--no-train dev2]
//
// --dev2 adds dev2-set.ts' renders (OUT/manifest-dev2.json: MMA's other groove libraries, a third SoundFont;
// families by MMA library/file); --no-train SET (repeatable) keeps a set's files out of every fit — cross-validation
// and the final fit — while still scoring them in the same folds (the "before" of a refit with that set).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { estimateTempo, LEVEL_TUNING, OCTAVE_FEATURES, OCTAVE_MODEL, TempoAnalyser, type OctaveCandidate } from '../../main/engine/analysis/tempo';
import { ALL_OCTAVE_FEATURES as BASE_FEATURES, octaveCandidatesAll } from './tempo-explore';
import { EXTRA2_FEATURES, extraFeatures, loadExtra } from './octave-extra';
import type { EvalItem } from './build-set';
import { solve } from './linalg';
import { splitFamilies } from './split-families';
import { acc1 } from './tempo-metrics';

const { values: args } = parseArgs({
  options: {
    verbose: { type: 'boolean', default: false },
    'weight-octave': { type: 'string', default: '1' },
    lambda: { type: 'string', default: '0.01' },
    dump: { type: 'boolean', default: false },
    subset: { type: 'string' },
    grid: { type: 'boolean', default: false },
    final: { type: 'string' },
    'eval-shipped': { type: 'boolean', default: false },
    /** append octave-extra.ts's features (harmonic/percussive split, harmonic change; tools/eval/band-cache.ts's files in this folder) after ALL_OCTAVE_FEATURES */
    extra: { type: 'string' },
    /** cross-validate these feature columns (comma-separated indices, repeatable) instead of SUBSETS */
    cols: { type: 'string', multiple: true },
    /** add dev2-set.ts' set (OUT/manifest-dev2.json) */
    dev2: { type: 'boolean', default: false },
    /** score these sets' files but never fit on them */
    'no-train': { type: 'string', multiple: true },
  },
});
const VERBOSE = args.verbose;
const ALL_OCTAVE_FEATURES: readonly string[] = args.extra ? [...BASE_FEATURES, ...EXTRA2_FEATURES] : BASE_FEATURES;
/** weight of a tempo-octave render in the likelihood (its tempi are chosen at the extremes; dev and synth weigh 1) */
const W_OCTAVE = Number(args['weight-octave']);
const LAMBDA = Number(args.lambda);
const SETS: [string, string][] = [
  ['test/output/eval', 'dev'],
  ['test/output/tempo-synth', 'synth'],
  ['test/output/tempo-octave', 'octave'],
];
if (args.dev2) SETS.push(['test/output/eval', 'dev2']);
const NO_TRAIN = new Set(args['no-train'] ?? []);
const { unitOf, clashOf } = splitFamilies('test/output/eval/split.json');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
interface Row {
  set: string;
  file: string;
  family: string;
  bpm: number;
  cands: OctaveCandidate[];
  /** estimateTempo with the comb × prior octave rule (tempo analyser v5) */
  shipped: number | null;
}
const O = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 };
const rows: Row[] = [];
let skipped = 0;
for (const [out, set] of SETS) {
  const man = join(out, set === 'dev2' ? 'manifest-dev2.json' : 'manifest.json');
  if (!existsSync(man)) {
    console.log(`(no ${man}: skipped)`);
    continue;
  }
  const cache = join(out, 'work', `${set}-cache`);
  mkdirSync(cache, { recursive: true });
  for (const it of (JSON.parse(readFileSync(man, 'utf8')) as { items: EvalItem[] }).items) {
    if ((it.set as string) !== set || it.bpm == null || (it as { bpmOctaveKnown?: boolean }).bpmOctaveKnown === false || !existsSync(join(out, set, it.file))) continue;
    const family = set === 'dev' ? (unitOf.get(it.file) ?? it.source) : set === 'synth' ? 'mma:' + it.source.replace(/^syn-/, '').replace(/-\d+(-drums)?$/, '') : it.source;
    if (set !== 'dev' && clashOf(family.replace(/^mma:/, ''))) {
      skipped++;
      continue;
    }
    const base = join(cache, it.file.replace(/\.mp3$/, ''));
    let env: Float32Array;
    let env3: Float32Array;
    let fps: number;
    let t0: number;
    if (existsSync(base + '.env6')) {
      const j = JSON.parse(readFileSync(base + '.json', 'utf8'));
      env = new Float32Array(Uint8Array.from(readFileSync(base + '.env')).buffer);
      env3 = new Float32Array(Uint8Array.from(readFileSync(base + '.env6')).buffer);
      ({ fps, t0 } = j);
    } else {
      const t = new TempoAnalyser() as Any;
      await analyzeFile(join(out, set, it.file), [t]);
      env = t.env.slice(0, t.envLen);
      env3 = t.env3.slice(0, 6 * t.envLen);
      fps = t.tap.rate / 256;
      t0 = 512 / 2 / t.tap.rate - t.tap.delaySec;
      writeFileSync(base + '.env', Buffer.from(env.buffer));
      writeFileSync(base + '.env6', Buffer.from(env3.buffer));
      writeFileSync(base + '.json', JSON.stringify({ fps, t0 }));
    }
    const cands = octaveCandidatesAll(env, fps, O, env3) ?? [];
    if (args.extra && cands.length) {
      const x = loadExtra(args.extra, set, it.file);
      if (!x) throw new Error(`no band cache for ${set}/${it.file} in ${args.extra} (tools/eval/band-cache.ts)`);
      const ex = extraFeatures(x, fps, O, cands.map((c) => c.bpm));
      cands.forEach((c, i) => c.features.push(...ex[i]));
    }
    rows.push({ set, file: it.file, family, bpm: it.bpm, cands, shipped: estimateTempo(env, fps, t0, O, env3, { ...LEVEL_TUNING, octaveModel: undefined, octaveNet: undefined }).bpm });
  }
}
console.log(`${rows.length} files (${SETS.map(([, s]) => `${s} ${rows.filter((r) => r.set === s).length}`).join(', ')}); ${skipped} left out (family related to a test family)`);

/** the right candidate's index, or -1 (none or two within 4 %) */
const label = (r: Row) => {
  const ok = r.cands.map((c) => acc1(c.bpm, r.bpm));
  return ok.filter(Boolean).length === 1 ? ok.indexOf(true) : -1;
};

/** conditional logit on feature columns `cols`, L2 λ on standardised weights; Newton's method */
function fit(train: Row[], cols: number[]): number[] {
  const data = train.filter((r) => label(r) >= 0 && r.cands.length > 1 && !NO_TRAIN.has(r.set));
  const k = cols.length;
  const all = data.flatMap((r) => r.cands.map((c) => cols.map((i) => c.features[i])));
  const mu = cols.map((_, a) => all.reduce((s, v) => s + v[a], 0) / all.length);
  const sd = cols.map((_, a) => Math.sqrt(all.reduce((s, v) => s + (v[a] - mu[a]) ** 2, 0) / all.length) || 1);
  const X = data.map((r) => r.cands.map((c) => cols.map((i, a) => (c.features[i] - mu[a]) / sd[a])));
  const Y = data.map(label);
  const wt = data.map((r) => (r.set === 'octave' ? W_OCTAVE : 1));
  // the comb × prior rule (log comb − ½ (z / 0.7)²) as the offset: the weights learned are a change to it, L2 toward it
  const off = data.map((r) => r.cands.map((c) => score(c, W0)));
  let w = new Array(k).fill(0);
  for (let iter = 0; iter < 50; iter++) {
    const g = w.map((v) => LAMBDA * data.length * v);
    const H = w.map((_, a) => w.map((__, b) => (a === b ? LAMBDA * data.length : 0)));
    X.forEach((xs, n) => {
      const s = xs.map((x, c) => off[n][c] + x.reduce((t, v, a) => t + v * w[a], 0));
      const m = Math.max(...s);
      const e = s.map((v) => Math.exp(v - m));
      const Z = e.reduce((a, b) => a + b, 0);
      const p = e.map((v) => v / Z);
      const xbar = w.map((_, a) => xs.reduce((t, x, c) => t + p[c] * x[a], 0));
      for (let a = 0; a < k; a++) {
        g[a] -= wt[n] * (xs[Y[n]][a] - xbar[a]);
        for (let b = 0; b < k; b++) H[a][b] += wt[n] * xs.reduce((t, x, c) => t + p[c] * (x[a] - xbar[a]) * (x[b] - xbar[b]), 0);
      }
    });
    const step = solve(H, g);
    w = w.map((v, a) => v - step[a]);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  const full = [...W0];
  cols.forEach((i, a) => (full[i] += w[a] / sd[a]));
  return full;
}
const W0 = ALL_OCTAVE_FEATURES.map((_, i) => (i === 1 ? -0.5 / 0.49 : i === 2 ? 1 : 0));
const pick = (r: Row, w: number[]) => (r.cands.length ? r.cands.reduce((a, b) => (score(b, w) > score(a, w) ? b : a)).bpm : null);
const score = (c: OctaveCandidate, w: number[]) => c.features.reduce((s, v, i) => s + v * (w[i] ?? 0), 0);

// grouped 5-fold by groove family
const fams = [...new Set(rows.map((r) => r.family))].sort();
const foldOf = new Map(fams.map((f, i) => [f, i % 5]));
function cv(cols: number[]): { byset: Record<string, [number, number]>; misses: string[] } {
  const byset: Record<string, [number, number]> = {};
  const misses: string[] = [];
  for (let k = 0; k < 5; k++) {
    const w = fit(rows.filter((r) => foldOf.get(r.family) !== k), cols);
    for (const r of rows.filter((x) => foldOf.get(x.family) === k)) {
      byset[r.set] ??= [0, 0];
      const ok = acc1(pick(r, w), r.bpm);
      byset[r.set][0] += +ok;
      byset[r.set][1]++;
      if (ok !== acc1(r.shipped, r.bpm)) misses.push(`${ok ? 'FIXED' : 'BROKE'} ${r.set} ${r.file} ${r.bpm} → ${pick(r, w)?.toFixed(1)} (shipped ${r.shipped})`);
    }
  }
  return { byset, misses };
}
const fmt = (b: Record<string, [number, number]>) => {
  const t = Object.values(b).reduce((a, v) => [a[0] + v[0], a[1] + v[1]], [0, 0]);
  return `Acc1 ${(t[0] / t[1]).toFixed(3)} | ` + Object.entries(b).map(([s, v]) => `${s} ${(v[0] / v[1]).toFixed(3)} (${v[0]}/${v[1]})`).join(' ');
};
const shipped: Record<string, [number, number]> = {};
for (const r of rows) {
  shipped[r.set] ??= [0, 0];
  shipped[r.set][0] += +acc1(r.shipped, r.bpm);
  shipped[r.set][1]++;
}
console.log(`comb × prior (v5 rule)          ${fmt(shipped)}`);
{
  // the same rule (log comb − ½ (z / 0.7)²) as a point in this model family: the candidates reproduce the shipped choice
  const w0 = W0;
  const b: Record<string, [number, number]> = {};
  for (const r of rows) {
    b[r.set] ??= [0, 0];
    b[r.set][0] += +acc1(pick(r, w0), r.bpm);
    b[r.set][1]++;
  }
  console.log(`comb × prior as octave weights  ${fmt(b)}`);
}
if (args.dump)
  for (const r of rows) {
    const l = label(r);
    if (l < 0) continue;
    const ok = acc1(pick(r, W0), r.bpm);
    console.log(`${ok ? 'ok  ' : 'MISS'} ${r.set.padEnd(6)} ${r.file.slice(0, 40).padEnd(40)} ${String(r.bpm).padStart(5)} | ` + r.cands.map((c, i) => `${i === l ? '*' : ' '}${c.bpm.toFixed(0).padStart(3)} ${c.features.slice(2).map((v) => v.toFixed(2).padStart(5)).join(' ')}`).join(' | '));
  }
console.log(`octave-fixable files (one candidate right): ${rows.filter((r) => label(r) >= 0).length}`);
const SUBSETS: [string, number[]][] = [
  ['prior + comb', [0, 1, 2]],
  ['density', [5]],
  ['backbeat, bass alt, half', [6, 7, 8]],
  ['prior + comb + dft', [0, 1, 2, 3]],
  ['+ density', [0, 1, 2, 3, 5]],
  ['+ backbeat, bass alt, half', [0, 1, 2, 3, 6, 7, 8]],
  ['band combs', [9, 10]],
  ['prior + comb + band combs', [0, 1, 2, 9, 10]],
  ['+ dft, density', [0, 1, 2, 3, 5, 9, 10]],
  ['prior + comb + dft + band densities', [0, 1, 2, 3, 4, 11]],
  ['prior + comb + dft + all densities', [0, 1, 2, 3, 5, 4, 11]],
  ['prior + comb + dft + bass density', [0, 1, 2, 3, 4]],
  ['prior + comb + bass density', [0, 1, 2, 4]],
  ['prior² + comb + bass density', [1, 2, 4]],
  ['all', [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 4, 11]],
  ['shipped + lock', [0, 1, 2, 3, 4, 12]],
  ['shipped + bass dft', [0, 1, 2, 3, 4, 13]],
  ['shipped + lock + bass dft', [0, 1, 2, 3, 4, 12, 13]],
  ['shipped + backbeat', [0, 1, 2, 3, 4, 6]],
  ['shipped + half', [0, 1, 2, 3, 4, 8]],
];
if (args.cols) {
  SUBSETS.length = 0;
  for (const c of args.cols) SUBSETS.push([c, c.split(',').map(Number)]);
}
const only = args.subset !== undefined ? Number(args.subset) : -1;
SUBSETS.forEach(([name, cols], i) => {
  if (only >= 0 && i !== only) return;
  const r = cv(cols);
  const wa = fit(rows, cols);
  const tr = rows.filter((x) => acc1(pick(x, wa), x.bpm)).length / rows.length;
  console.log(`CV ${name.padEnd(28)} ${fmt(r.byset)}  (train ${tr.toFixed(3)}; w ${wa.map((v) => +v.toPrecision(3)).join(' ')})`);
  if (VERBOSE) for (const m of r.misses) console.log('    ' + m);
});
// --grid: the same model family chosen for accuracy instead of likelihood: log comb − ½ (z / σ)² + a · z·density + c · bass comb
// + d · backbeat, the grid point with the most training-fold files right (ties: nearest the shipped rule), scored on the held-out fold
if (args.grid) {
  const grid: number[][] = [];
  for (const sg of [0.5, 0.6, 0.7, 0.85, 1])
    for (const a of [0, 0.5, 1, 2])
      for (const c of [0, 0.5, 1])
        for (const d of [0, 0.5, 1, 2]) grid.push([0, -0.5 / (sg * sg), 1, 0, a + d, 0, 0, 0, 0, c, 0, 0]);
  const dist = (w: number[]) => Math.abs(w[1] - W0[1]) + w[5] + w[6] + w[9];
  const best = (tr: Row[]) => {
    let bw = grid[0];
    let bs = -1;
    for (const w of grid) {
      const sc = tr.filter((r) => acc1(pick(r, w), r.bpm)).length - 1e-3 * dist(w);
      if (sc > bs) {
        bs = sc;
        bw = w;
      }
    }
    return bw;
  };
  const byset: Record<string, [number, number]> = {};
  for (let k = 0; k < 5; k++) {
    const w = best(rows.filter((r) => foldOf.get(r.family) !== k));
    console.log(`  fold ${k}: w ${w.map((v) => +v.toPrecision(3)).join(' ')}`);
    for (const r of rows.filter((x) => foldOf.get(x.family) === k)) {
      byset[r.set] ??= [0, 0];
      byset[r.set][0] += +acc1(pick(r, w), r.bpm);
      byset[r.set][1]++;
    }
  }
  console.log(`CV grid (accuracy)              ${fmt(byset)}`);
  const w = best(rows);
  console.log(`grid on all ${rows.length} files: OCTAVE_MODEL = [${w.map((v) => +v.toPrecision(4)).join(', ')}], train ${(rows.filter((r) => acc1(pick(r, w), r.bpm)).length / rows.length).toFixed(3)}`);
}
const chosen = SUBSETS[args.final !== undefined ? Number(args.final) : SUBSETS.length - 1];
const w = fit(rows, chosen[1]);
const extra = w.slice(OCTAVE_FEATURES.length).some((v) => v !== 0);
console.log(`fitted on all ${rows.length} files (${chosen[0]}): OCTAVE_MODEL = [${w.slice(0, OCTAVE_FEATURES.length).map((v) => +v.toPrecision(4)).join(', ')}] // ${OCTAVE_FEATURES.join(', ')}`);
if (extra)
  console.log(`  (it also weighs features the product does not compute: ${ALL_OCTAVE_FEATURES.map((f, i) => [f, w[i]] as const).filter(([, v], i) => i >= OCTAVE_FEATURES.length && v !== 0).map(([f, v]) => `${f} ${+v.toPrecision(4)}`).join(', ')}; move them from tools/eval/tempo-explore.ts into tempo.ts first)`);
// --eval-shipped: the shipped OCTAVE_MODEL (product features) on every file, next to the refit above
if (args['eval-shipped']) {
  const ws = ALL_OCTAVE_FEATURES.map((_, i) => OCTAVE_MODEL[i] ?? 0);
  const b: Record<string, [number, number]> = {};
  for (const r of rows) {
    b[r.set] ??= [0, 0];
    b[r.set][0] += +acc1(pick(r, ws), r.bpm);
    b[r.set][1]++;
  }
  console.log(`shipped OCTAVE_MODEL on every file  ${fmt(b)}`);
  const bw: Record<string, [number, number]> = {};
  for (const r of rows) {
    bw[r.set] ??= [0, 0];
    bw[r.set][0] += +acc1(pick(r, w), r.bpm);
    bw[r.set][1]++;
  }
  console.log(`refit (${chosen[0]}) on every file  ${fmt(bw)}`);
}
