// The key decision refitted on the NNLS triad chroma (issue 11, session 11, helper key11): session 10's
// chromaFrom 'nnls-triads' (nnls-chroma.ts, decay 0.8, notes ≤ C6) fixed dev2's parallel misses but lost eval dev
// files to relative-key flips, with the key decision (profile correlation + chordWeight × the harmonic-function
// score) left as fitted on the folded chroma. Here the decision's blend is refitted on development-side sets only,
// from key-dev.ts's cached peaks (OUT/work/key-dev-floors, DIR/work/key-dev-floors): per candidate key
//   score = ((1 − γ)-blend profile correlation + w × ((1 − β) × S_fold + β × S_nnls)) / (1 + w)
// — S_fold and S_nnls the harmonic-function scores (tonal.ts chordKeyScores) of the frames' triads read from the
// folded and from the NNLS chroma, the profile correlation that of the mean chroma, fold's blended with NNLS's by γ
// (each max-normalised) — over a grid of w (the chord weight), β and γ. The shipped rule is w 2, β 0, γ 0; session
// 10's nnls-triads is w 2, β 1, γ 0. The confidence's evidence (harmony, voices, cadences) is read from the folded
// chroma's triads ("ev fold", as the fitted key map) or from the NNLS ones ("ev nnls", as session 10's); voices from the
// folded chroma in both.
// Family-grouped 5-fold CV (families: eval dev's split units, key-set's groove family or MIDI folder, dev2's units;
// the config chosen on the training folds by pooled MIREX, the shipped one kept on ties). Never reads the test or
// held-out sets.
//
// SHIP RULE (written 10:30 UTC on 2026-12-01, before any figure of a refitted blend was measured): the config best on
// all development-side files pooled (eval dev, key-set, dev2), with the evidence source of the lower pooled key ECE,
// becomes the default only if, against the shipped rule in the same run:
//   1. pooled MIREX over the development-side sets is up;
//   2. no set loses more than 1 file's worth of MIREX (summed score down by at most 1.0);
//   3. the family-grouped CV MIREX pooled is not down;
//   4. key-keyless (--keyless): no more files state a key at confidence ≥ 0.5;
//   5. no set's key ECE is worse by more than 0.01 (the key map stays as fitted);
//   6. the default analysers' in-process CPU (loudness, tempo, tonal) is up by at most 5 % (key-nnls.ts --cpu's
//      measure, with the config in TonalOptions).
// Otherwise it stays off (TonalOptions), with the figures in BENCHMARKS.md.
//
//   nice node --import tsx tools/eval/key-dev.ts --out OUT --also KEYSET --also DEV2     # fills the caches
//   nice node --import tsx tools/eval/key-refit.ts --out OUT --also KEYSET --also DEV2 [--keyless KEYLESS] [--verbose]
// A dev2 DIR has the layout DIR/manifest.json (items with set "dev"), DIR/dev/ (the dev2 MP3s) and optionally
// DIR/split.json ({ units: { id: { files: [{ file }] } } }, from dev2-units.json), as key-nnls.ts's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { keyName, mirexKeyScore, type Key } from '../../main/engine/analysis/keys';
import { KEY_CALIBRATION, keyConfidence, type CalibrationModel, type KeyEvidence } from '../../main/engine/analysis/confidence';
import { existsSync } from 'node:fs';
import { CADENCE_THIRD_MIN, chordKeyScores, estimateKey, estimateTuning, foldChroma, frameTriads, keyFromChroma, meanChroma, meanVoices, TRIAD_TONE_MIN, TONAL_DEFAULTS, type KeyResult } from '../../main/engine/analysis/tonal';
import type { EvalItem } from './build-set';
import { confusion, devKeyItems, ece, keyOfResult, peaksOf, pitchedShareOf, pitchFramesOf, type Peaks } from './key-score';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'test/output/eval' },
    also: { type: 'string', multiple: true, default: [] },
    keyless: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    /** evaluate this config as the final one instead of the best pooled: "w,β,γ,ev" e.g. "2,0.5,0,fold" */
    final: { type: 'string' },
    /** the key path's CPU on the first set's cached peaks (peaks → key, as TonalAnalyser.finish), shipped against the final config, best of N alternating */
    cpu: { type: 'string' },
    /**
     * (key12) the key map (confidence.ts' CalibrationModel as JSON, or a file holding it) the shipped config's confidence
     * is computed with (default KEY_CALIBRATION): after the map refitted on the blend is written to confidence.ts, the
     * shipped config is scored with the map it ships with, e.g. --shipped-map '{"inputs":["fit",…],"weights":[…],"bias":…}'
     */
    'shipped-map': { type: 'string' },
    /** (key12) the key map of every other config (default KEY_CALIBRATION) */
    'final-map': { type: 'string' },
  },
});
const DIRS = [args.out, ...args.also];

/** What the decision needs of one file, from the two chromas once. */
interface Prep {
  foldMean: number[];
  nnlsMean: number[];
  sFold: number[];
  sNnls: number[];
  ev: Record<'fold' | 'nnls', { triads: Int8Array; heard: Int8Array; voices: number }>;
  minutes: number;
  /** (key13) KeyEvidence.pitched from the cached peaks (key-score pitchedShareOf; undefined → 1) */
  pitched?: number;
}
function prep(p: Peaks): Prep | null {
  const prm = { ...TONAL_DEFAULTS, chromaFrom: 'nnls-triads' as const };
  const pf = pitchFramesOf(p, prm);
  const frames = p.start.length;
  const cents = estimateTuning(pf);
  const fold = foldChroma(pf.fine, frames, cents);
  const nnls = pf.noteChroma(cents);
  const maxE = p.energy.reduce((m, v) => (v > m ? v : m), 0);
  const active = p.energy.map((v) => maxE > 0 && v > maxE * 1e-6);
  const fm = meanChroma(fold, frames, active, prm.threshold);
  if (!fm.used) return null;
  const nm = meanChroma(nnls, frames, active, prm.threshold);
  // KeyEvidence.voices is the folded chroma's in both (as TonalAnalyser's estimateKey reads it)
  const voices = meanVoices(fold, frames, active);
  const ev = (c: Float32Array) => ({ triads: frameTriads(c, frames, active), heard: frameTriads(c, frames, active, TRIAD_TONE_MIN, CADENCE_THIRD_MIN), voices });
  const e = { fold: ev(fold), nnls: ev(nnls) };
  return { foldMean: fm.mean, nnlsMean: nm.mean, sFold: chordKeyScores(e.fold.triads), sNnls: chordKeyScores(e.nnls.triads), ev: e, minutes: (frames * 1024) / 5512.5 / 60, pitched: pitchedShareOf(p) };
}

/** The product's key path (TonalAnalyser.finish's estimateKey) with chromaFrom 'nnls-blend' and a config's shares, on cached peaks. */
function productKey(p: Peaks, c: Config, chromaFrom: 'fold' | 'nnls-blend' = 'nnls-blend'): KeyResult {
  const prm = { ...TONAL_DEFAULTS, chromaFrom, chordWeight: c.w, nnlsChordWeight: c.w, nnlsTriadShare: c.beta, nnlsProfileShare: c.gamma };
  const pf = pitchFramesOf(p, prm);
  const frames = p.start.length;
  const cents = estimateTuning(pf);
  const chroma = pf.chroma(cents);
  const maxE = p.energy.reduce((m, v) => (v > m ? v : m), 0);
  const active = p.energy.map((v) => maxE > 0 && v > maxE * 1e-6);
  const triads = frameTriads(chroma, frames, active);
  const heard = frameTriads(chroma, frames, active, TRIAD_TONE_MIN, CADENCE_THIRD_MIN);
  return estimateKey(chroma, frames, active, prm.profile, prm.threshold, undefined, prm, triads, { heard, minutes: (frames * 1024) / 5512.5 / 60, nnls: chromaFrom === 'nnls-blend' ? pf.noteChroma(cents) : undefined, pitched: pitchedShareOf(p) });
}

interface Config { w: number; beta: number; gamma: number; ev: 'fold' | 'nnls' }
const mapArg = (a?: string): CalibrationModel<keyof KeyEvidence> => (a ? JSON.parse(existsSync(a) ? readFileSync(a, 'utf8') : a) : KEY_CALIBRATION);
const MAPS = { shipped: mapArg(args['shipped-map']), final: mapArg(args['final-map']) };
const isShipped = (c: Config) => c.w === 2 && !c.beta && !c.gamma && c.ev === 'fold';
const label = (c: Config) => `w ${c.w} β ${c.beta} γ ${c.gamma} ev ${c.ev}`;
/** The key of one file under a config (keyFromChroma with the blended mean chroma and harmonic-function scores). */
function decide(d: Prep, c: Config): KeyResult {
  let mean = d.foldMean;
  if (c.gamma) {
    const m = d.foldMean.map((v, i) => (1 - c.gamma) * v + c.gamma * d.nnlsMean[i]);
    const hi = Math.max(...m);
    mean = m.map((v) => (hi > 0 ? v / hi : 0));
  }
  const s = d.sFold.map((v, i) => (1 - c.beta) * v + c.beta * d.sNnls[i]);
  const e = d.ev[c.ev];
  const k = keyFromChroma(mean, TONAL_DEFAULTS.profile, undefined, 0, s, c.w, e.triads, { voices: e.voices, heard: e.heard, minutes: d.minutes, pitched: d.pitched }, 0, 'blend');
  // the confidence under the config's map (--shipped-map, --final-map; both KEY_CALIBRATION by default)
  const map = isShipped(c) ? MAPS.shipped : MAPS.final;
  return k.evidence && map !== KEY_CALIBRATION ? { ...k, confidence: keyConfidence(k.evidence, map) } : k;
}

interface Row { dir: number; file: string; family: string; truth: Key; d: Prep; product: (c: Config, chromaFrom?: 'fold' | 'nnls-blend') => KeyResult; sec: number }
const rows: Row[] = [];
for (const [di, dir] of DIRS.entries()) {
  let missing = 0;
  for (const { item: it, family } of devKeyItems(dir)) {
    const p = peaksOf(dir, it.file);
    const d = p && prep(p);
    if (!d) {
      missing++;
      continue;
    }
    rows.push({ dir: di, file: it.file, family: `${di}:${family}`, truth: it.key!, d, product: (c, from) => productKey(p!, c, from), sec: (p!.start.length * 1024) / 5512.5 });
  }
  if (missing) console.log(`${dir}: ${missing} files not cached or without pitched frames (run key-dev.ts --also ${dir})`);
}

const SHIPPED: Config = { w: 2, beta: 0, gamma: 0, ev: 'fold' };
const GRID: Config[] = [SHIPPED];
for (const w of [1, 1.5, 2, 2.5, 3, 4]) for (const beta of [0, 0.25, 0.5, 0.75, 1]) for (const gamma of [0, 0.25, 0.5]) if (!(w === 2 && !beta && !gamma)) GRID.push({ w, beta, gamma, ev: 'fold' });
const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
const score = (r: Row, k: KeyResult) => { const key = keyOfResult(k); return key ? mirexKeyScore(r.truth, key) : 0; };
/** per config, per row: the MIREX score (the decision does not depend on the evidence source) */
const S = GRID.map((c) => rows.map((r) => score(r, decide(r.d, c))));
const perSet = (v: number[]) => DIRS.map((_, di) => sum(v.filter((_, i) => rows[i].dir === di)));
const nOf = DIRS.map((_, di) => rows.filter((r) => r.dir === di).length);
const fmt = (v: number[]) => perSet(v).map((s, di) => `${(s / nOf[di]).toFixed(3)} (${s.toFixed(1)})`).join(' | ');
console.log(`${rows.length} files (${nOf.join(' / ')}: ${DIRS.join(', ')}), ${new Set(rows.map((r) => r.family)).size} families; ${GRID.length} configs`);
const order = GRID.map((_, g) => g).sort((a, b) => sum(S[b]) - sum(S[a]) || a - b);
console.log('best pooled (per set MIREX (summed)):');
for (const g of [0, ...order.slice(0, 15).filter((g) => g)]) console.log(`  ${label(GRID[g]).padEnd(30)} pooled ${(sum(S[g]) / rows.length).toFixed(4)}  ${fmt(S[g])}`);

// family-grouped CV: each family to one fold by a hash of its name; the config chosen on the other folds
const FOLDS = 5;
const hash = (s: string) => { let h = 2166136261; for (const ch of s) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0; return h; };
const foldOf = (r: Row) => hash(r.family) % FOLDS;
const cv = new Array(rows.length).fill(0);
const picks: string[] = [];
for (let k = 0; k < FOLDS; k++) {
  const tr = rows.map((r, i) => (foldOf(r) !== k ? i : -1)).filter((i) => i >= 0);
  let best = 0;
  for (let g = 1; g < GRID.length; g++) if (sum(tr.map((i) => S[g][i])) > sum(tr.map((i) => S[best][i])) + 1e-9) best = g;
  picks.push(label(GRID[best]));
  rows.forEach((r, i) => { if (foldOf(r) === k) cv[i] = S[best][i]; });
}
console.log(`\nfamily-grouped ${FOLDS}-fold CV, picks: ${picks.join(' | ')}`);
console.log(`  shipped ${(sum(S[0]) / rows.length).toFixed(4)} [${fmt(S[0])}] → CV ${(sum(cv) / rows.length).toFixed(4)} [${fmt(cv)}]`);

// the final config and the rule
const parse = (s: string): Config => { const [w, beta, gamma, ev] = s.split(','); return { w: Number(w), beta: Number(beta), gamma: Number(gamma), ev: ev === 'nnls' ? 'nnls' : 'fold' }; };
const bestCfg = GRID[order[0]];
const eceOf = (c: Config) => DIRS.map((_, di) => ece(rows.filter((r) => r.dir === di).map((r) => { const k = decide(r.d, c); return [k.confidence, score(r, k) === 1] as [number, boolean]; })));
const pooledEce = (c: Config) => ece(rows.map((r) => { const k = decide(r.d, c); return [k.confidence, score(r, k) === 1] as [number, boolean]; }));
let FINAL: Config;
if (args.final) FINAL = parse(args.final);
else {
  const evs = (['fold', 'nnls'] as const).map((ev) => ({ ...bestCfg, ev }));
  FINAL = pooledEce(evs[0]) <= pooledEce(evs[1]) ? evs[0] : evs[1];
}
const fin = rows.map((r) => score(r, decide(r.d, FINAL)));
console.log(`\nfinal ${label(FINAL)}${args.final ? ' (--final)' : ' (best pooled; evidence source of the lower pooled ECE)'}:`);
console.log(`  MIREX per set: shipped [${fmt(S[0])}] → final [${fmt(fin)}]; pooled ${(sum(S[0]) / rows.length).toFixed(4)} → ${(sum(fin) / rows.length).toFixed(4)}`);
const e0 = eceOf(SHIPPED);
const e1 = eceOf(FINAL);
console.log(`  key ECE per set: shipped [${e0.map((v) => v.toFixed(3)).join(' | ')}] → final [${e1.map((v) => v.toFixed(3)).join(' | ')}]; pooled ${pooledEce(SHIPPED).toFixed(3)} → ${pooledEce(FINAL).toFixed(3)}`);
for (const [di, dir] of DIRS.entries()) {
  const kinds = (c: Config) => {
    const k: Record<string, number> = {};
    for (const r of rows.filter((x) => x.dir === di)) { const m = confusion(r.truth, keyOfResult(decide(r.d, c))); if (m !== 'ok') k[m] = (k[m] ?? 0) + 1; }
    return Object.entries(k).map(([a, b]) => `${a} ${b}`).join(', ') || 'none';
  };
  console.log(`  ${dir} misses: shipped ${kinds(SHIPPED)} → final ${kinds(FINAL)}`);
}
for (const [i, r] of rows.entries())
  if (fin[i] !== S[0][i] || args.verbose) {
    const a = decide(r.d, SHIPPED);
    const b = decide(r.d, FINAL);
    console.log(`    ${DIRS[r.dir]} ${r.file} truth ${keyName(r.truth)}: shipped ${a.key} (${a.confidence.toFixed(2)}) → ${b.key} (${b.confidence.toFixed(2)})`);
  }
// the product's path (estimateKey with chromaFrom 'nnls-blend') against decide(), for an "ev fold" config
if (FINAL.ev === 'fold') {
  let same = 0;
  for (const r of rows) {
    const a = decide(r.d, FINAL);
    const b = r.product(FINAL);
    if (a.key === b.key && Math.abs(a.confidence - b.confidence) < 1e-9) same++;
  }
  console.log(`  the product's estimateKey (chromaFrom 'nnls-blend') gives the same key and confidence on ${same} of ${rows.length} files`);
}
const dFiles = perSet(fin).map((s, di) => s - perSet(S[0])[di]);
let keylessOk = true;
if (args.keyless) {
  const items = (JSON.parse(readFileSync(join(args.keyless, 'manifest.json'), 'utf8')) as { items: EvalItem[] }).items;
  const ds = items.map((it) => peaksOf(args.keyless!, it.file)).filter((p) => p !== null).map((p) => prep(p));
  const stated = (c: Config) => ds.map((d) => (d ? decide(d, c).confidence : 0)).filter((v) => v >= 0.5).length;
  const [a, b] = [stated(SHIPPED), stated(FINAL)];
  keylessOk = b <= a;
  console.log(`  ${args.keyless} (no key, ${ds.length} files): state a key at ≥ 0.5: shipped ${a} → final ${b}`);
}
console.log(`\nrule: 1 pooled up ${sum(fin) > sum(S[0]) + 1e-9} | 2 no set down > 1 file ${dFiles.every((v) => v >= -1 - 1e-9)} [${dFiles.map((v) => v.toFixed(1)).join(', ')}] | 3 CV pooled not down ${sum(cv) >= sum(S[0]) - 1e-9} | 4 keyless ${args.keyless ? keylessOk : 'not run'} | 5 ECE ≤ +0.01 ${e1.every((v, i) => v <= e0[i] + 0.01)} | 6 CPU: key-nnls.ts --cpu`);

if (args.cpu) {
  const rs = rows.filter((r) => r.dir === 0);
  const sec = sum(rs.map((r) => r.sec));
  const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  const best = { shipped: Infinity, final: Infinity };
  for (let rep = 0; rep < Number(args.cpu); rep++)
    for (const which of rep % 2 ? (['final', 'shipped'] as const) : (['shipped', 'final'] as const)) {
      const t0 = cpuMs();
      for (const r of rs) r.product(which === 'final' ? FINAL : SHIPPED, which === 'final' ? 'nnls-blend' : 'fold');
      best[which] = Math.min(best[which], cpuMs() - t0);
    }
  console.log(`\nkey path CPU from cached peaks (PitchFrames → chroma → triads → key; ${rs.length} files, ${sec.toFixed(0)} s of audio, best of ${args.cpu}): shipped ${(best.shipped / sec).toFixed(3)} ms, final ${(best.final / sec).toFixed(3)} ms per audio second (+${((best.final - best.shipped) / sec).toFixed(3)} ms)`);
}
