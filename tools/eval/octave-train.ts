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
//   nice node --import tsx tools/eval/octave-train.ts [--verbose]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { estimateTempo, LEVEL_TUNING, OCTAVE_FEATURES, OCTAVE_MODEL, TempoAnalyser, type OctaveCandidate } from '../../main/engine/analysis/tempo';
import { ALL_OCTAVE_FEATURES as BASE_FEATURES, octaveCandidatesAll } from './tempo-explore';
import { chromaFlatnessOf, EXTRA2_FEATURES, extraFeatures, loadExtra } from './octave-extra';
import type { EvalItem } from './build-set';
import { solve } from './linalg';
import { splitFamilies } from './split-families';

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
    /** 'v8': keep tempo analyser v8's OCTAVE_MODEL weights and fit only the columns beyond them (default: refit from the comb × prior rule) */
    base: { type: 'string' },
    /** thresholds (comma-separated) for gating columns --gated: they count only on tracks whose chord-change strength s (the largest chord dft at a candidate's bar, needs --extra) is at least the threshold; chosen per training fold by training Acc1 (ties: the larger) */
    gate: { type: 'string' },
    /** the gated columns (comma-separated; default 26, log(0.05 + chord dft bar)) */
    gated: { type: 'string', default: '26' },
    /** the gate's statistic: 'dft' (open where the chord-change strength ≥ θ) or 'flat' (open where the flatness of the track's mean chroma ≤ θ; θ from --gate as quantiles of it over all rows) */
    'gate-stat': { type: 'string', default: 'dft' },
  },
});
const VERBOSE = args.verbose;
/** the product's 'log chord dft' column in OCTAVE_FEATURES (since tempo analyser v10), dropped from the candidates here */
const CHORD_COL = (OCTAVE_FEATURES as readonly string[]).indexOf('log chord dft');
/** OCTAVE_FEATURES without it: the v8 five, the columns this tool numbers 0–4 */
const V8_FEATURES = OCTAVE_FEATURES.filter((_, i) => i !== CHORD_COL);
/** tempo analyser v8's OCTAVE_MODEL (over V8_FEATURES): --base v8 keeps these weights and fits only the columns beyond them */
const V8_MODEL = [0.1138, -2.379, 1.916, -0.3036, 2.382];
const ALL_OCTAVE_FEATURES: readonly string[] = (args.extra ? [...BASE_FEATURES, ...EXTRA2_FEATURES] : [...BASE_FEATURES]).filter((f) => f !== 'log chord dft');
/** weight of a tempo-octave render in the likelihood (its tempi are chosen at the extremes; dev and synth weigh 1) */
const W_OCTAVE = Number(args['weight-octave']);
const LAMBDA = Number(args.lambda);
const SETS: [string, string][] = [
  ['test/output/eval', 'dev'],
  ['test/output/tempo-synth', 'synth'],
  ['test/output/tempo-octave', 'octave'],
];
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
  /** the manifest's category (dev), or 'drums' for tempo-synth's drums-only renders, else the set */
  category: string;
  /** chord-change strength: the largest Fourier magnitude of the chroma novelty at a candidate's bar (b/4); 0 without --extra */
  chord: number;
  /** flatness (geometric ÷ arithmetic mean) of the track's mean max-normalised chroma over active frames; 1 without --extra */
  flat: number;
  /** the ungated features of each candidate (--gate rewrites .features per threshold) */
  raw?: number[][];
}
const O = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 };
const acc1 = (est: number | null | undefined, ref: number) => est != null && Math.abs(est - ref) <= 0.04 * ref;
const rows: Row[] = [];
let skipped = 0;
for (const [out, set] of SETS) {
  const man = join(out, 'manifest.json');
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
      env = new Float32Array(readFileSync(base + '.env').buffer.slice(0));
      env3 = new Float32Array(readFileSync(base + '.env6').buffer.slice(0));
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
    // the product's 'log chord dft' (0 here: no chroma passed) is dropped, so the columns stay as tempo8 numbered them; its
    // value is --extra's column 26 (octave-extra.ts, the same novelty), gated with --gate-stat flat
    for (const c of cands) c.features.splice(CHORD_COL, 1);
    if (args.extra && cands.length) {
      const x = loadExtra(args.extra, set, it.file);
      if (!x) throw new Error(`no band cache for ${set}/${it.file} in ${args.extra} (tools/eval/band-cache.ts)`);
      const ex = extraFeatures(x, fps, O, cands.map((c) => c.bpm));
      cands.forEach((c, i) => c.features.push(...ex[i]));
    }
    const chord = args.extra && cands.length ? Math.max(...cands.map((c) => Math.exp(c.features[26]) - 0.05)) : 0;
    const flat = args.extra && cands.length ? chromaFlatnessOf(args.extra, set, it.file) : 1;
    const category = set === 'dev' ? ((it as { category?: string }).category ?? set) : set === 'synth' && /-drums$/.test(it.source) ? 'drums' : set;
    rows.push({ set, file: it.file, family, bpm: it.bpm, cands, chord, flat, category, shipped: estimateTempo(env, fps, t0, O, env3, { ...LEVEL_TUNING, octaveModel: undefined }).bpm });
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
  const data = train.filter((r) => label(r) >= 0 && r.cands.length > 1);
  const k = cols.length;
  const all = data.flatMap((r) => r.cands.map((c) => cols.map((i) => c.features[i])));
  const mu = cols.map((_, a) => all.reduce((s, v) => s + v[a], 0) / all.length);
  const sd = cols.map((_, a) => Math.sqrt(all.reduce((s, v) => s + (v[a] - mu[a]) ** 2, 0) / all.length) || 1);
  const X = data.map((r) => r.cands.map((c) => cols.map((i, a) => (c.features[i] - mu[a]) / sd[a])));
  const Y = data.map(label);
  const wt = data.map((r) => (r.set === 'octave' ? W_OCTAVE : 1));
  // the comb × prior rule (log comb − ½ (z / 0.7)²) as the offset: the weights learned are a change to it, L2 toward it
  const off = data.map((r) => r.cands.map((c) => score(c, BASE)));
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
  const full = [...BASE];
  cols.forEach((i, a) => (full[i] += w[a] / sd[a]));
  return full;
}
const W0 = ALL_OCTAVE_FEATURES.map((_, i) => (i === 1 ? -0.5 / 0.49 : i === 2 ? 1 : 0));
/** the fit's starting point and L2 centre: the comb × prior rule, or with --base shipped the shipped OCTAVE_MODEL (its weights held: fit only columns beyond it) */
const BASE = args.base === 'v8' ? ALL_OCTAVE_FEATURES.map((_, i) => V8_MODEL[i] ?? 0) : W0;
if (args.base && args.base !== 'v8') throw new Error(`--base: only 'v8'`);
/** tempo analyser v8's OCTAVE_MODEL over ALL_OCTAVE_FEATURES (0 beyond it): the per-category baseline */
const V8W = ALL_OCTAVE_FEATURES.map((_, i) => V8_MODEL[i] ?? 0);
const GATED = args.gated.split(',').map(Number);
const FLAT = args['gate-stat'] === 'flat';
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const THETAS = args.gate ? args.gate.split(',').map((q) => (FLAT ? quantile(rows.map((r) => r.flat), Number(q)) : Number(q))) : null;
if (THETAS && FLAT) console.log(`gate: open where the mean chroma's flatness ≤ θ, θ in ${THETAS.map((t) => t.toFixed(3)).join(', ')}`);
/** whether a row's gate is open at θ */
const open = (r: Row, theta: number) => (FLAT ? r.flat <= theta : r.chord >= theta);
if (THETAS && !args.extra) throw new Error('--gate needs --extra');
for (const r of rows) r.raw = r.cands.map((c) => [...c.features]);
/** set every row's gated columns for threshold θ: the raw value where r.chord ≥ θ, else 0 (the same for every candidate: no say) */
function gateAt(theta: number | null): void {
  for (const r of rows) r.cands.forEach((c, i) => GATED.forEach((g) => (c.features[g] = theta == null || open(r, theta) ? r.raw![i][g] : 0)));
}
/** the fit on `train` with the gate's threshold chosen on `train` (its Acc1; ties: the larger θ); without --gate, θ = null */
function fitGated(train: Row[], cols: number[]): { w: number[]; theta: number | null } {
  if (!THETAS) return { w: fit(train, cols), theta: null };
  let best = { w: [] as number[], theta: 0, ok: -1 };
  for (const t of THETAS) {
    gateAt(t);
    const w = fit(train, cols);
    const ok = train.filter((r) => acc1(pick(r, w), r.bpm)).length;
    if (ok > best.ok || (ok === best.ok && (FLAT ? t < best.theta : t > best.theta))) best = { w, theta: t, ok };
  }
  return best;
}
const pick = (r: Row, w: number[]) => (r.cands.length ? r.cands.reduce((a, b) => (score(b, w) > score(a, w) ? b : a)).bpm : null);
const score = (c: OctaveCandidate, w: number[]) => c.features.reduce((s, v, i) => s + v * (w[i] ?? 0), 0);

// grouped 5-fold by groove family
const fams = [...new Set(rows.map((r) => r.family))].sort();
const foldOf = new Map(fams.map((f, i) => [f, i % 5]));
function cv(cols: number[]): { byset: Record<string, [number, number]>; misses: string[]; bycat: Record<string, [number, number, number]> } {
  const byset: Record<string, [number, number]> = {};
  /** per category: right with the shipped OCTAVE_MODEL, right out of fold, files */
  const bycat: Record<string, [number, number, number]> = {};
  const misses: string[] = [];
  for (let k = 0; k < 5; k++) {
    const { w, theta } = fitGated(rows.filter((r) => foldOf.get(r.family) !== k), cols);
    if (theta != null) misses.push(`fold ${k}: θ ${theta}`);
    gateAt(theta);
    for (const r of rows.filter((x) => foldOf.get(x.family) === k)) {
      bycat[r.category] ??= [0, 0, 0];
      bycat[r.category][0] += +acc1(pick(r, V8W), r.bpm);
      bycat[r.category][1] += +acc1(pick(r, w), r.bpm);
      bycat[r.category][2]++;
      byset[r.set] ??= [0, 0];
      const ok = acc1(pick(r, w), r.bpm);
      byset[r.set][0] += +ok;
      byset[r.set][1]++;
      if (ok !== acc1(r.shipped, r.bpm)) misses.push(`${ok ? 'FIXED' : 'BROKE'} ${r.set} ${r.file} ${r.bpm} → ${pick(r, w)?.toFixed(1)} (shipped ${r.shipped})`);
    }
  }
  return { byset, misses, bycat };
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
  const { w: wa, theta } = fitGated(rows, cols);
  gateAt(theta);
  const tr = rows.filter((x) => acc1(pick(x, wa), x.bpm)).length / rows.length;
  console.log(`CV ${name.padEnd(28)} ${fmt(r.byset)}  (train ${tr.toFixed(3)}; w ${wa.map((v) => +v.toPrecision(3)).join(' ')})`);
  console.log(`   per category (v8's OCTAVE_MODEL → out of fold): ${Object.entries(r.bycat).map(([c, v]) => `${c} ${v[0]}→${v[1]}/${v[2]}`).join(', ')}${theta != null ? `; θ on all ${theta}, gate open on ${rows.filter((x) => open(x, theta)).length}/${rows.length} (drums ${rows.filter((x) => open(x, theta) && /percussion|drums/.test(x.category)).length}/${rows.filter((x) => /percussion|drums/.test(x.category)).length})` : ''}`);
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
const { w, theta: thetaAll } = fitGated(rows, chosen[1]);
gateAt(thetaAll);
if (thetaAll != null) console.log(`gate: the gated columns ${GATED.join(',')} count where ${FLAT ? `the mean chroma's flatness ≤ ${thetaAll}` : `the chord-change strength ≥ ${thetaAll}`}`);
if (VERBOSE)
  for (const r of rows) {
    const a = pick(r, V8W);
    const b = pick(r, w);
    if (a !== b) console.log(`  moved from v8's OCTAVE_MODEL: ${r.category} ${r.file} ${r.bpm} : ${a?.toFixed(1)} → ${b?.toFixed(1)} ${acc1(b, r.bpm) ? 'RIGHT' : acc1(a, r.bpm) ? 'WRONG' : 'still wrong'} (flatness ${r.flat.toFixed(3)}, chord ${r.chord.toFixed(3)})`);
  }
const CHORD_EXTRA = ALL_OCTAVE_FEATURES.indexOf('log(0.05 + chord dft bar)');
const product = [...w.slice(0, V8_FEATURES.length), CHORD_EXTRA >= 0 ? w[CHORD_EXTRA] : 0];
console.log(`fitted on all ${rows.length} files (${chosen[0]}): OCTAVE_MODEL = [${product.map((v) => +v.toPrecision(4)).join(', ')}] // ${[...V8_FEATURES, 'log chord dft'].join(', ')}`);
const extra = w.some((v, i) => i >= V8_FEATURES.length && i !== CHORD_EXTRA && v !== 0);
if (extra)
  console.log(`  (it also weighs features the product does not compute: ${ALL_OCTAVE_FEATURES.map((f, i) => [f, w[i]] as const).filter(([, v], i) => i >= V8_FEATURES.length && i !== CHORD_EXTRA && v !== 0).map(([f, v]) => `${f} ${+v.toPrecision(4)}`).join(', ')}; move them from tools/eval/tempo-explore.ts into tempo.ts first)`);
// --eval-shipped: the shipped OCTAVE_MODEL (product features) on every file, next to the refit above
if (args['eval-shipped']) {
  const ws = ALL_OCTAVE_FEATURES.map((_, i) => (i < V8_FEATURES.length ? OCTAVE_MODEL[i] : i === CHORD_EXTRA ? OCTAVE_MODEL[CHORD_COL] : 0));
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
