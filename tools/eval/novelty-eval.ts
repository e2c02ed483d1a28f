// Step one's onset envelope compared (helper tempo15, issue 11, session 12): tempo.ts' shipped 'flux' against
// 'superflux' (the Novelty type: lag 2, a maximum over 3 neighbouring bands) on the DEVELOPMENT-SIDE sets only (dev,
// dev2, tempo-synth, tempo-octave, tempo-sfshift, tempo-soft; the same files and families as octave-net.ts, families a
// test or held-out family relates to refused by clashOf). One decode per file feeds both analysers. Per set: Acc1 and
// Acc2 of the product's tempo (the shipped chooser, LEVEL_TUNING, which was trained on flux envelopes), and the
// candidates' ceiling (the truth within 4 % of step one's level T, T/2 or 2T); the ratio of the envelopes' means
// (superflux is not rescaled to flux's); with --cpu, each analyser's process CPU alone on the first files.
//
//   nice node --import tsx tools/eval/novelty-eval.ts --rows R/rows.json [--sets dev,dev2,synth,octave,sfshift,soft] [--limit N] [--cpu N]
//
// --rows: octave-net.ts' rows.json; exactly its files (not augmented) are read, so the families refused there are here too.
//
// Ship rule (written before any result): 'superflux' becomes the default only if, on these sets, the product's Acc1
// pooled rises, no set is lower by more than 1 file, Acc2 pooled is not lower, and the tempo analyser's CPU rises ≤ 5 %.
// Outcome (14:22 UTC, 591 files, the shipped chooser): Acc1 526 → 524 (tempo-soft 13 → 15, tempo-sfshift 101 → 99, dev2
// −1, tempo-octave −1), Acc2 580 → 584, T ceiling 575 → 576: fails; 'flux' stays (BENCHMARKS.md, "Tempo: the octave
// chooser retrained with tempo-soft").
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { chooseLevel, LEVEL_TUNING, levelTempi, type Novelty, periodicity, TempoAnalyser } from '../../main/engine/analysis/tempo';
import type { EvalItem } from './build-set';
import { splitFamilies } from './split-families';
import { acc1, acc2 } from './tempo-metrics';

const { values: args } = parseArgs({ options: { rows: { type: 'string' }, sets: { type: 'string', default: 'dev,dev2,synth,octave,sfshift,soft' }, limit: { type: 'string' }, cpu: { type: 'string' } } });
const ALL: [string, string, string][] = [
  ['test/output/eval', 'dev', 'manifest.json'],
  ['test/output/eval', 'dev2', 'manifest-dev2.json'],
  ['test/output/tempo-synth', 'synth', 'manifest.json'],
  ['test/output/tempo-octave', 'octave', 'manifest.json'],
  ['test/output/tempo-sfshift', 'sfshift', 'manifest.json'],
  ['test/output/tempo-soft', 'soft', 'manifest.json'],
];
const wanted = args.sets!.split(',');
const { clashOf } = splitFamilies('test/output/eval/split.json');
/** octave-net.ts' files ("set/file"), when --rows is given */
const fromRows = args.rows ? new Set((JSON.parse(readFileSync(args.rows, 'utf8')) as { set: string; file: string; aug?: boolean }[]).filter((r) => !r.aug).map((r) => `${r.set}/${r.file}`)) : null;
const O = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 };
const KINDS: Novelty[] = ['flux', 'superflux'];

/** the tempo, step one's level T and the envelope's mean of one analyser after analyzeFile */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function readOut(t: any): { bpm: number | null; level: number | null; mean: number } {
  const env: Float32Array = t.env.subarray(0, t.envLen);
  const fps = t.tap.rate / 256;
  const bpm = t.tempoWith(LEVEL_TUNING).bpm as number | null;
  const p = periodicity(env, fps, O);
  const tempi = p ? levelTempi(p, fps, O, LEVEL_TUNING.dftWindowSec) : [];
  const level = tempi.length ? chooseLevel(tempi, LEVEL_TUNING.priorWeight).bpm : null;
  return { bpm, level, mean: env.reduce((a, v) => a + v, 0) / Math.max(1, env.length) };
}

const tab = new Map<string, { n: number; a1: number[]; a2: number[]; ceil: number[] }>();
const means = KINDS.map(() => 0);
let nf = 0;
const cpuFiles: string[] = [];
for (const [out, set, manifest] of ALL) {
  if (!wanted.includes(set)) continue;
  const man = join(out, manifest);
  if (!existsSync(man)) {
    console.log(`(no ${man}: ${set} skipped)`);
    continue;
  }
  let items = (JSON.parse(readFileSync(man, 'utf8')) as { items: (EvalItem & { family?: string; group?: string; bpmOctaveKnown?: boolean })[] }).items.filter((it) => (it.set as string) === set && it.bpm != null && it.bpmOctaveKnown !== false);
  if (args.limit) items = items.slice(0, Number(args.limit));
  for (const it of items) {
    const path = join(out, set, it.file);
    if (!existsSync(path)) continue;
    const fam = (it.group ?? it.family ?? it.source).replace(/^mma:/, '');
    if (fromRows ? !fromRows.has(`${set}/${it.file}`) : set !== 'dev' && clashOf(fam)) continue;
    const ts = KINDS.map((k) => new TempoAnalyser({}, LEVEL_TUNING, k));
    await analyzeFile(path, ts);
    cpuFiles.push(path);
    const rs = ts.map(readOut);
    nf++;
    for (const key of [set, 'all', ...(set === 'soft' || it.category === 'soft' ? ['cat soft'] : [])]) {
      const a = tab.get(key) ?? { n: 0, a1: KINDS.map(() => 0), a2: KINDS.map(() => 0), ceil: KINDS.map(() => 0) };
      a.n++;
      rs.forEach((r, k) => {
        a.a1[k] += +acc1(r.bpm, it.bpm!);
        a.a2[k] += +acc2(r.bpm, it.bpm!);
        a.ceil[k] += +(r.level != null && [1, 0.5, 2].some((f) => acc1(r.level! * f, it.bpm!)));
      });
      tab.set(key, a);
    }
    rs.forEach((r, k) => (means[k] += r.mean));
  }
  const a = tab.get(set);
  if (a) console.log(`${set}: ${a.n} files; Acc1 ${KINDS.map((k, i) => `${k} ${a.a1[i]}`).join(', ')}; Acc2 ${KINDS.map((k, i) => `${k} ${a.a2[i]}`).join(', ')}; T ceiling ${KINDS.map((k, i) => `${k} ${a.ceil[i]}`).join(', ')}`);
}
console.log('| set | files | Acc1 flux | Acc1 superflux | Acc2 flux | Acc2 superflux | T ceiling flux | T ceiling superflux |');
for (const [k, a] of tab) console.log(`| ${k} | ${a.n} | ${a.a1[0]} | ${a.a1[1]} | ${a.a2[0]} | ${a.a2[1]} | ${a.ceil[0]} | ${a.ceil[1]} |`);
console.log(`envelope means over ${nf} files: ${KINDS.map((k, i) => `${k} ${(means[i] / nf).toFixed(3)}`).join(', ')}; flux / superflux ${(means[0] / means[1]).toFixed(3)}`);

if (args.cpu) {
  const files = cpuFiles.slice(0, Number(args.cpu));
  for (let round = 0; round < 3; round++) {
    for (const k of KINDS) {
      let cpu = 0;
      for (const f of files) {
        const t = new TempoAnalyser({}, LEVEL_TUNING, k);
        const a = process.cpuUsage();
        await analyzeFile(f, [t]);
        const d = process.cpuUsage(a);
        cpu += (d.user + d.system) / 1000;
      }
      console.log(`round ${round} ${k}: ${cpu.toFixed(0)} ms process CPU over ${files.length} files (decode in ffmpeg not counted)`);
    }
  }
}
