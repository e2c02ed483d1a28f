// Which part of the shipped tempo analyser gives each answer (issue 11, session 26, helper tnet26; decision26 arm N6's
// diagnosis, run before any training). Per file of a development-side set: the truth; step one's metrical level T
// (levelTempi + chooseLevel); the octave chooser's candidates (octaveCandidatesOf: T/2, T, 2T inside the BPM range),
// its logits, its own pick and that pick's log-odds; whether the tempogram net is consulted (log-odds under
// LEVEL_TUNING.tempoNetGate, θ) and, if so, the product of experts' pick; the shipped answer (TempoAnalyser, the
// product's). Every file the shipped answer misses (Acc1: within 4 %) is put down to one part:
//   step1   — no candidate lies within 4 % of the truth (the chooser could not pick it);
//   chooser — the chooser's pick is wrong with log-odds ≥ θ (the net is not asked);
//   both    — the net is asked and the product of experts is still wrong (the chooser was wrong too);
//   net     — the net is asked and moves the chooser's right pick to a wrong one;
//   other   — the candidate picked is right but the fitted tempo is not (beat tracking / the line fit).
// The shipped answer is checked against the recomputed pick (the tool stops when they name different candidates).
// Development-side sets only: a set named test or heldout* is refused.
//
//   nice -n 10 node --import tsx tools/eval/tempo-parts.ts test/output/tempo-drums/manifest-drums2.json:drums2 [--json OUT]
//   node --import tsx tools/eval/tempo-parts.ts --compare BASE.json ARM.json   # two --json outputs of the same files:
//     per set Acc1 / Acc2 base → arm, every file whose Acc1 changes, the files Acc2-right in BASE and not in ARM, the
//     summed counts and the worst set's Acc1 change (session 26, arms S1/S2 of decision26)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { chooseLevel, LEVEL_TUNING, levelTempi, octaveCandidatesOf, octaveNetInputs, periodicity, TempoAnalyser, type TempoResult } from '../../main/engine/analysis/tempo';
import { octaveNetFeatures, octaveNetScore } from '../../main/engine/analysis/octave-net';
import { productOfExperts, tempoNetScoresAt } from '../../main/engine/analysis/tempo-net';
import { acc1, acc2 } from './tempo-metrics';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { json: { type: 'string' }, compare: { type: 'boolean' } } });
const O = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 };
const r2 = (v: number) => Math.round(v * 100) / 100;
const lo = (s: number[], bi: number) => {
  const o = s.filter((_, i) => i !== bi);
  if (!o.length) return 4;
  const m = Math.max(...s);
  return Math.max(-6, Math.min(6, s[bi] - (m + Math.log(o.reduce((t, v) => t + Math.exp(v - m), 0)))));
};

/** one file's parts */
export interface Parts {
  /** the set named on the command line (MANIFEST:SET) */
  set: string;
  file: string;
  truth: number;
  shipped: number | null;
  level: number | null;
  cands: number[];
  logits: number[];
  chooser: number | null;
  logOdds: number | null;
  consulted: boolean;
  net: number[] | null;
  poe: number | null;
  part: 'ok' | 'step1' | 'chooser' | 'both' | 'net' | 'other' | 'none';
}

/** per set Acc1 / Acc2 of two runs' shipped answers over the same files (--compare); pure, returns the lines */
export function compareParts(base: Parts[], arm: Parts[]): string[] {
  if (base.length !== arm.length) throw new Error(`${base.length} files against ${arm.length}: not the same run`);
  const out: string[] = [];
  const sets = [...new Set(base.map((r) => r.set))];
  const sum = { a1: 0, b1: 0, a2: 0, b2: 0, lost: 0, worst: 0 };
  for (const set of sets) {
    const c = { a1: 0, b1: 0, a2: 0, b2: 0 };
    const lines: string[] = [];
    const lost: string[] = [];
    base.forEach((a, i) => {
      const b = arm[i];
      if (a.set !== set) return;
      if (b.file !== a.file || b.set !== a.set) throw new Error(`row ${i}: ${a.set}/${a.file} against ${b.set}/${b.file}`);
      const [x1, y1, x2, y2] = [acc1(a.shipped, a.truth), acc1(b.shipped, b.truth), acc2(a.shipped, a.truth), acc2(b.shipped, b.truth)];
      c.a1 += +x1; c.b1 += +y1; c.a2 += +x2; c.b2 += +y2;
      if (x2 && !y2) lost.push(a.file);
      if (x1 !== y1) lines.push(`    ${y1 ? '+' : '-'}${a.file} ${a.truth}: ${a.shipped} → ${b.shipped}`);
    });
    out.push(`${set.padEnd(8)} Acc1 ${c.a1} → ${c.b1}  Acc2 ${c.a2} → ${c.b2}${lost.length ? `  Acc2 lost: ${lost.join(', ')}` : ''}`, ...lines);
    sum.a1 += c.a1; sum.b1 += c.b1; sum.a2 += c.a2; sum.b2 += c.b2; sum.lost += lost.length; sum.worst = Math.min(sum.worst, c.b1 - c.a1);
  }
  out.push(`sum Acc1 ${sum.a1} → ${sum.b1}  Acc2 ${sum.a2} → ${sum.b2} | Acc2 files lost ${sum.lost} | worst set ΔAcc1 ${sum.worst}`);
  return out;
}

if (args.compare) {
  const [base, arm] = positionals.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Parts[]);
  for (const l of compareParts(base, arm)) console.log(l);
  process.exit(0);
}

const theta = LEVEL_TUNING.tempoNetGate ?? Infinity;
if (LEVEL_TUNING.octaveNet?.extra?.length) throw new Error('the shipped chooser has extra inputs: this tool does not compute them');
const all: Parts[] = [];
for (const spec of positionals) {
  const [manifest, set] = spec.split(':');
  if (!set || /^(test|heldout)/.test(set)) throw new Error(`${spec}: MANIFEST:SET, a development-side set`);
  const items = (JSON.parse(readFileSync(manifest, 'utf8')).items as { set: string; file: string; bpm: number | null }[]).filter((i) => i.set === set && i.bpm != null);
  for (const it of items) {
    const a = new TempoAnalyser();
    const shipped = ((await analyzeFile(join(dirname(manifest), set, it.file), [a])).results.tempo as TempoResult).bpm;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const t = a as any;
    const env: Float32Array = t.env.subarray(0, t.envLen), bands: Float32Array = t.env3.subarray(0, 6 * t.envLen), fps = t.tap.rate / 256;
    const r: Parts = { set, file: it.file, truth: it.bpm!, shipped, level: null, cands: [], logits: [], chooser: null, logOdds: null, consulted: false, net: null, poe: null, part: 'none' };
    const p = periodicity(env, fps, O);
    const tempi = p ? levelTempi(p, fps, O, LEVEL_TUNING.dftWindowSec) : [];
    if (p && tempi.length && shipped !== null) {
      const level = chooseLevel(tempi, LEVEL_TUNING.priorWeight).bpm;
      const o = octaveCandidatesOf(p, fps, O, level, bands);
      const cs = o.cands.map((c) => ({ bpm: c.bpm, ratio: c.bpm === level ? 1 : c.bpm < level ? 0.5 : 2, base: c.features }));
      const s = octaveNetFeatures(p.env, octaveNetInputs(bands, fps), fps, cs, o.beats).map((f) => octaveNetScore(f, LEVEL_TUNING.octaveNet!));
      const bi = s.indexOf(Math.max(...s));
      r.level = r2(level);
      r.cands = cs.map((c) => r2(c.bpm));
      r.logits = s.map(r2);
      r.chooser = r2(cs[bi].bpm);
      r.logOdds = r2(lo(s, bi));
      let pick = bi;
      if (LEVEL_TUNING.tempoNetExpert && lo(s, bi) < theta) {
        const L = tempoNetScoresAt(p.env, bands, fps, cs.map((c) => c.bpm), LEVEL_TUNING.tempoNetExpert);
        r.consulted = true;
        r.net = L.scores.map(r2);
        pick = productOfExperts(s, L.scores, L.masked);
        r.poe = r2(cs[pick].bpm);
      }
      // the shipped answer is the picked candidate's fitted tempo: it must lie nearer the pick than any other candidate
      const near = cs.reduce((b, c, i) => (Math.abs(Math.log(c.bpm / shipped)) < Math.abs(Math.log(cs[b].bpm / shipped)) ? i : b), 0);
      if (near !== pick) process.stderr.write(`WARNING ${it.file}: shipped ${shipped} is nearest ${cs[near].bpm}, the recomputed pick is ${cs[pick].bpm}\n`);
      const right = (i: number) => acc1(cs[i].bpm, it.bpm!);
      r.part = acc1(shipped, it.bpm!) ? 'ok' : !cs.some((_, i) => right(i)) ? 'step1' : right(pick) ? 'other' : !r.consulted ? 'chooser' : right(bi) ? 'net' : 'both';
    }
    all.push(r);
    process.stderr.write(`${set} ${all.length} ${it.file}: truth ${r.truth} shipped ${shipped} T ${r.level} chooser ${r.chooser} (${r.logOdds}) ${r.consulted ? `net asked → ${r.poe}` : 'net not asked'} ${r.part}\n`);
  }
}
console.log(`θ = ${theta}; ${all.length} files; Acc1 ${all.filter((r) => acc1(r.shipped, r.truth)).length}, Acc2 ${all.filter((r) => acc2(r.shipped, r.truth)).length}`);
const parts = new Map<string, number>();
for (const r of all) parts.set(r.part, (parts.get(r.part) ?? 0) + 1);
console.log(`parts: ${[...parts].map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log('| file | truth | shipped | ratio | T (step one) | chooser pick (log-odds) | net asked → pick | part |\n| --- | --: | --: | --: | --: | --: | --- | --- |');
for (const r of all.filter((x) => x.part !== 'ok'))
  console.log(`| ${r.file} | ${r.truth} | ${r.shipped} | ${r.shipped === null ? '–' : r2(r.shipped / r.truth)} | ${r.level} | ${r.chooser} (${r.logOdds}) | ${r.consulted ? `yes → ${r.poe}` : 'no'} | ${r.part} |`);
if (args.json) writeFileSync(args.json, JSON.stringify(all, null, 1));
