// Decision20's θ sweep (issue 11, session 20, helper poe20): arm P4 = P3 (LevelTuning.tempoNetExpert, the tempogram net's
// log-probability added to the octave chooser's logits) only where the chooser's log-odds of its own pick is under θ
// (LevelTuning.tempoNetGate); elsewhere the chooser's pick. ONE analysis pass per set records, per file, the truth, the
// shipped TempoAnalyser's answer (finish(): the product's), P3's answer on the same envelopes (tempoWith), the chooser's
// candidates, logits and log-odds of its own pick, and the net's scores at the candidates (tempoNetScoresAt); the sweep
// over decision20's grid then needs no analysis: P4(θ) = P3's answer where log-odds < θ, else the shipped one (the tempo
// depends on the top-level octave pick only; the sections change the confidence, not the tempo). The gate's figure is
// the shipped answer's TempoEvidence.octave (= logOdds of the chooser's pick; checked against the recomputed logits).
// Files under LOOP_MAX_SEC + 1 s (the loop rule: a fresh analyser on the loop played round) are analysed by the real
// P4 analyser at every θ instead (decoded again; short). --verify θ: also the real P4 (tempoWith) at θ on every file,
// the tool stops when its tempo differs from the sweep's.
// Each SPEC is MANIFEST:SET (files at <manifest's folder>/<set>/<file>; rows without a tempo truth skipped); the records
// go to --out/records-SET.json. --records: read those instead of analysing (specs may then be just SET names).
// Printed per set and θ: files gated (the net's step computed), Acc1 / Acc2 counts (as poe-check.ts), files fixed /
// broken against the shipped answer (Acc1; Acc2 losses listed); then decision20's rule over the given sets: the θ of the
// largest summed Acc1 with no set losing an Acc2 file against the shipped analyser, ties to the smallest θ.
// Development-side sets only: a set named test or heldout* is refused.
// Session 26 (tnet26): with P5 shipped (TEMPO_NET votes under tempoNetGate 2.5) the record also holds the chooser's
// answer alone (`chooser`: LEVEL_TUNING without the net), which is P4's answer where the gate is shut, and the gate's
// figure is the chooser's own pick's log-odds (the shipped answer's evidence names the net's pick where N5 moved it);
// `shipped` (the product, P5) stays the baseline of fixed / broken / Acc2 lost. Records without `chooser` read as before.
// --net DIR=FILE (repeatable; helper tnet21, decision21): the expert is the ensemble in FILE (a resonance-tempo-net/1
// JSON, temponet-train.py --export) instead of TEMPO_NET, its records and sweep under DIR; several --net share ONE
// analysis pass per file (the shipped answer is the same for all). Without --net: TEMPO_NET under --out.
//
//   nice -n 10 node --import tsx tools/eval/poe-gate.ts test/output/tempo-soft/manifest.json:soft [--verify 1]
//   node --import tsx tools/eval/poe-gate.ts --records soft lmms dev
//   nice -n 10 node --import tsx tools/eval/poe-gate.ts --net R/N5=R/full-N5.json --net R/E5r=R/full-E5r.json MANIFEST:SET
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { chooseLevel, LEVEL_TUNING, levelTempi, LOOP_MAX_SEC, octaveCandidatesOf, octaveNetInputs, periodicity, TempoAnalyser, type LevelTuning, type TempoResult } from '../../main/engine/analysis/tempo';
import { octaveNetFeatures, octaveNetScore } from '../../main/engine/analysis/octave-net';
import { tempoNetScoresAt, type TempoNetWeights } from '../../main/engine/analysis/tempo-net';
import { tempoNetWeights } from '../../main/engine/analysis/tempo-net-weights';
import { acc1, acc2 } from './tempo-metrics';
const TEMPO_NET = tempoNetWeights();

export const GRID = [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, Infinity];
const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string', default: 'test/output/poe20' }, records: { type: 'boolean', default: false }, verify: { type: 'string' }, net: { type: 'string', multiple: true, default: [] } } });
/** the experts: [records folder, weights] */
const NETS: { out: string; w: TempoNetWeights }[] = args.net!.length
  ? args.net!.map((spec) => {
      const [out, file] = spec.split('=');
      const w = JSON.parse(readFileSync(file, 'utf8')) as TempoNetWeights & { format?: string };
      if (w.format !== 'resonance-tempo-net/1') throw new Error(`${file}: format ${w.format}`);
      return { out, w };
    })
  : [{ out: args.out!, w: TEMPO_NET }];
const P3of = (w: TempoNetWeights): LevelTuning => ({ ...LEVEL_TUNING, tempoNetExpert: w, tempoNetGate: undefined });
/** the octave chooser alone (no net): P4's answer where the gate is shut */
const CHOOSER: LevelTuning = { ...LEVEL_TUNING, tempoNetExpert: undefined, tempoNetGate: undefined };
const P4of = (w: TempoNetWeights, theta: number): LevelTuning => ({ ...P3of(w), tempoNetGate: theta });
const O = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 };
const r3 = (v: number) => Math.round(v * 1000) / 1000;

interface Rec {
  file: string;
  truth: number;
  sec: number;
  shipped: number | null;
  /** the chooser's answer alone (LEVEL_TUNING without the net: what P4 reads where the gate is shut); absent in records
   * written before P5 shipped, where the shipped answer was the chooser's */
  chooser?: number | null;
  p3: number | null;
  /** the gate's figure: the chooser's own pick's log-odds (its answer's TempoEvidence.octave; null: no tempo, no chooser) */
  logOdds: number | null;
  cands?: number[];
  logits?: number[];
  net?: number[];
  masked?: boolean[];
  /** short files: the real P4 analyser's tempo at each θ of GRID */
  real?: (number | null)[];
}

/** the chooser's candidates and logits as estimateTempo's octaveNet branch computes them, and the net's scores at them */
function chooserOf(env: Float32Array, bands: Float32Array, fps: number, w: TempoNetWeights) {
  const p = periodicity(env, fps, O);
  if (!p) return null;
  const tempi = levelTempi(p, fps, O, LEVEL_TUNING.dftWindowSec);
  if (!tempi.length) return null;
  const level = chooseLevel(tempi, LEVEL_TUNING.priorWeight).bpm;
  const o = octaveCandidatesOf(p, fps, O, level, bands);
  const cs = o.cands.map((c) => ({ bpm: c.bpm, ratio: c.bpm === level ? 1 : c.bpm < level ? 0.5 : 2, base: c.features }));
  if (LEVEL_TUNING.octaveNet!.extra?.length) throw new Error('the shipped chooser has extra inputs: chooserOf does not compute them');
  const s = octaveNetFeatures(p.env, octaveNetInputs(bands, fps), fps, cs, o.beats).map((f) => octaveNetScore(f, LEVEL_TUNING.octaveNet!));
  const L = tempoNetScoresAt(p.env, bands, fps, cs.map((c) => c.bpm), w);
  return { cands: cs.map((c) => r3(c.bpm)), logits: s.map(r3), net: L.scores.map(r3), masked: L.masked, s };
}
const logOddsOf = (s: number[]) => {
  const bi = s.indexOf(Math.max(...s));
  const o = s.filter((_, i) => i !== bi);
  if (!o.length) return 4;
  const m = Math.max(...s);
  return Math.max(-6, Math.min(6, s[bi] - (m + Math.log(o.reduce((t, v) => t + Math.exp(v - m), 0)))));
};
const fresh = async (path: string, tuning: LevelTuning) => {
  const a = new TempoAnalyser({}, tuning);
  return (await analyzeFile(path, [a])).results.tempo as TempoResult;
};

/** the tempo P4 at GRID[k] reads on this file */
const p4Of = (r: Rec, k: number) => (r.real ? r.real[k] : r.logOdds !== null && r.logOdds < GRID[k] ? r.p3 : r.chooser !== undefined ? r.chooser : r.shipped);
const gatedOf = (r: Rec, k: number) => r.logOdds !== null && r.logOdds < GRID[k];

/** one analysis pass per file; per net of NETS its records (same order) */
async function record(manifest: string, set: string): Promise<Rec[][]> {
  const items = (JSON.parse(readFileSync(manifest, 'utf8')).items as { set: string; file: string; bpm: number | null }[]).filter((i) => i.set === set && i.bpm != null);
  const recs: Rec[][] = NETS.map(() => []);
  const verify = args.verify === undefined ? null : Number(args.verify);
  for (const it of items) {
    const path = join(dirname(manifest), set, it.file);
    const a = new TempoAnalyser();
    const run = await analyzeFile(path, [a]);
    const shipped = run.results.tempo as TempoResult;
    // session 26 (tnet26): the shipped analyser is P5 (TEMPO_NET votes under θ 2.5), so the gate's figure and the answer
    // where the gate is shut are the chooser's alone, read on the same envelopes without the net
    const alone = a.tempoWith(CHOOSER);
    for (const [n, { w }] of NETS.entries()) {
      const rec: Rec = { file: it.file, truth: it.bpm!, sec: r3(run.durationSec), shipped: shipped.bpm, chooser: alone.bpm, p3: null, logOdds: alone.bpm === null ? null : alone.evidence!.octave };
      if (run.durationSec < LOOP_MAX_SEC + 1) {
        rec.p3 = (await fresh(path, P3of(w))).bpm;
        rec.real = [];
        for (const th of GRID) rec.real.push((await fresh(path, P4of(w, th))).bpm);
      } else {
        rec.p3 = a.tempoWith(P3of(w)).bpm;
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const t = a as any;
        const c = shipped.bpm === null ? null : chooserOf(t.env.subarray(0, t.envLen), t.env3.subarray(0, 6 * t.envLen), t.tap.rate / 256, w);
        if (c) {
          Object.assign(rec, { cands: c.cands, logits: c.logits, net: c.net, masked: c.masked });
          if (Math.abs(logOddsOf(c.s) - rec.logOdds!) > 1e-9) throw new Error(`${it.file}: recomputed log-odds ${logOddsOf(c.s)} vs the answer's ${rec.logOdds}`);
        }
        if (verify !== null) {
          const real = a.tempoWith(P4of(w, verify)).bpm;
          const k = GRID.indexOf(verify);
          const want = k >= 0 ? p4Of(rec, k) : rec.logOdds !== null && rec.logOdds < verify ? rec.p3 : rec.chooser;
          if (real !== want) throw new Error(`${it.file}: P4 at ${verify} reads ${real}, the sweep says ${want}`);
        }
      }
      recs[n].push(rec);
      process.stderr.write(`${NETS.length > 1 ? `[${NETS[n].out}] ` : ''}${set} ${recs[n].length}/${items.length} ${it.file}: truth ${rec.truth} shipped ${rec.shipped} P3 ${rec.p3} log-odds ${rec.logOdds?.toFixed(2)}\n`);
    }
  }
  return recs;
}

const fmt = (t: number) => (t === Infinity ? '+inf' : t.toFixed(2));
const perNet: { set: string; recs: Rec[] }[][] = NETS.map(() => []);
for (const { out } of NETS) mkdirSync(out, { recursive: true });
for (const spec of positionals) {
  const [a, b] = spec.split(':');
  const set = args.records ? (b ?? a) : b;
  if (!set || /^(test|heldout)/.test(set)) throw new Error(`${spec}: MANIFEST:SET, a development-side set`);
  const recs = args.records ? NETS.map(({ out }) => JSON.parse(readFileSync(join(out, `records-${set}.json`), 'utf8')) as Rec[]) : await record(a, set);
  NETS.forEach(({ out }, n) => {
    if (!args.records) writeFileSync(join(out, `records-${set}.json`), JSON.stringify(recs[n], null, 1));
    perNet[n].push({ set, recs: recs[n] });
  });
}

const score = (recs: Rec[], k: number) => {
  let a1 = 0, a2 = 0, gated = 0;
  const fixed: string[] = [], broken: string[] = [], lost2: string[] = [];
  for (const r of recs) {
    const p = k < 0 ? r.shipped : p4Of(r, k);
    a1 += +acc1(p, r.truth);
    a2 += +acc2(p, r.truth);
    if (k >= 0 && gatedOf(r, k)) gated++;
    if (k < 0) continue;
    const tag = `${r.file}: truth ${r.truth}, shipped ${r.shipped} → ${p} (log-odds ${r.logOdds?.toFixed(2)})`;
    if (acc1(p, r.truth) && !acc1(r.shipped, r.truth)) fixed.push(tag);
    if (!acc1(p, r.truth) && acc1(r.shipped, r.truth)) broken.push(tag);
    if (!acc2(p, r.truth) && acc2(r.shipped, r.truth)) lost2.push(tag);
  }
  return { a1, a2, gated, fixed, broken, lost2 };
};
for (const [n, sets] of perNet.entries()) {
  if (NETS.length > 1 || args.net!.length) console.log(`\n===== expert ${NETS[n].out} =====`);
for (const { set, recs } of sets) {
  const base = score(recs, -1);
  console.log(`\n${set}: ${recs.length} files with a tempo truth; shipped Acc1 ${base.a1}, Acc2 ${base.a2}; ${recs.filter((r) => r.real).length} short files analysed at every θ`);
  console.log('| θ | gated | Acc1 | Acc2 | fixed / broken (Acc1) | Acc2 lost |\n| --: | --: | --: | --: | --: | --: |');
  GRID.forEach((th, k) => {
    const s = score(recs, k);
    console.log(`| ${fmt(th)} | ${s.gated} (${((100 * s.gated) / recs.length).toFixed(0)} %) | ${s.a1} | ${s.a2} | ${s.fixed.length} / ${s.broken.length} | ${s.lost2.length} |`);
  });
  const all = score(recs, GRID.length - 1);
  console.log('  every file P3 moves (at +inf), with its log-odds:');
  for (const r of recs) if (r.p3 !== r.shipped) console.log(`    ${r.file}: truth ${r.truth}, shipped ${r.shipped} → P3 ${r.p3}, log-odds ${r.logOdds?.toFixed(3)}${acc1(r.p3, r.truth) && !acc1(r.shipped, r.truth) ? ' fixed' : acc1(r.shipped, r.truth) && !acc1(r.p3, r.truth) ? ' BROKEN' : ''}${acc2(r.shipped, r.truth) && !acc2(r.p3, r.truth) ? ' ACC2-LOST' : ''}`);
  void all;
}
if (sets.length) {
  let best = -1, bestA1 = -1;
  console.log(`\nrule over ${sets.map((s) => s.set).join(' + ')}:`);
  GRID.forEach((th, k) => {
    const per = sets.map((s) => score(s.recs, k));
    const a1 = per.reduce((t, s) => t + s.a1, 0);
    const ok = per.every((s) => s.lost2.length === 0);
    const okCount = per.every((s, i) => s.a2 >= score(sets[i].recs, -1).a2);
    const gated = per.reduce((t, s) => t + s.gated, 0);
    const n = sets.reduce((t, s) => t + s.recs.length, 0);
    console.log(`  θ ${fmt(th)}: summed Acc1 ${a1}, gated ${gated}/${n} (${((100 * gated) / n).toFixed(1)} %), no set loses an Acc2 file: ${ok ? 'yes' : 'NO'} (Acc2 counts not lower: ${okCount ? 'yes' : 'NO'})`);
    if (ok && a1 > bestA1) {
      best = k;
      bestA1 = a1;
    }
  });
  const shipped = sets.reduce((t, s) => t + score(s.recs, -1).a1, 0);
  console.log(`  shipped summed Acc1 ${shipped}; chosen θ = ${best < 0 ? 'none' : fmt(GRID[best])} (summed Acc1 ${bestA1})`);
}
}
