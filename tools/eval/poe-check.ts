// Decision19's gate g3 (issue 11, session 19, helper poe19): the shipped TempoAnalyser against arm P3
// (LevelTuning.tempoNetExpert = TEMPO_NET: the tempogram net's log-probability added to the octave chooser's logit) on the
// same decode of each file, in one run. Each SPEC is MANIFEST:SET — the manifest's rows of that set (files at
// <manifest's folder>/<set>/<file>; rows without a tempo truth skipped). Per set: files, Acc1 (within 4 % of the truth)
// and Acc2 (also at 2, ½, 3, ⅓ of it; tools/eval/tempo-metrics.ts acc1/acc2) shipped → P3, and every file whose tempo P3 moves.
// The shipped side is TempoAnalyser.finish() (the product's answer); P3 is tempoWith(P3) on the same envelopes.
// Development-side sets only: a set named test or heldout* is refused.
//
//   nice -n 10 node --import tsx tools/eval/poe-check.ts test/output/tempo-soft/manifest.json:soft \
//     test/output/tempo-lmms/manifest.json:lmms [test/output/eval/manifest.json:dev test/output/eval/manifest-dev2.json:dev2]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyzeFile } from '../../main/engine/analysis/run';
import { LEVEL_TUNING, TempoAnalyser, type TempoResult } from '../../main/engine/analysis/tempo';
import { tempoNetWeights } from '../../main/engine/analysis/tempo-net-weights';
import { acc1, acc2 } from './tempo-metrics';
const TEMPO_NET = tempoNetWeights();
const P3 = { ...LEVEL_TUNING, tempoNetExpert: TEMPO_NET };
for (const spec of process.argv.slice(2)) {
  const [manifest, set] = spec.split(':');
  if (!set || /^(test|heldout)/.test(set)) throw new Error(`${spec}: MANIFEST:SET, a development-side set`);
  const items = (JSON.parse(readFileSync(manifest, 'utf8')).items as { set: string; file: string; bpm: number | null }[]).filter((i) => i.set === set && i.bpm != null);
  const t = { n: 0, a1: [0, 0], a2: [0, 0] };
  const moved: string[] = [];
  for (const it of items) {
    const a = new TempoAnalyser();
    const run = await analyzeFile(join(dirname(manifest), set, it.file), [a]);
    const shipped = run.results.tempo as TempoResult;
    const p3 = a.tempoWith(P3);
    const ref = it.bpm!;
    t.n++;
    t.a1[0] += +acc1(shipped.bpm, ref);
    t.a1[1] += +acc1(p3.bpm, ref);
    t.a2[0] += +acc2(shipped.bpm, ref);
    t.a2[1] += +acc2(p3.bpm, ref);
    if (shipped.bpm !== p3.bpm) moved.push(`${it.file}: truth ${ref}, shipped ${shipped.bpm} (${shipped.confidence.toFixed(2)}) → P3 ${p3.bpm} (${p3.confidence.toFixed(2)})${acc1(p3.bpm, ref) && !acc1(shipped.bpm, ref) ? ' fixed' : acc1(shipped.bpm, ref) && !acc1(p3.bpm, ref) ? ' BROKEN' : ''}`);
  }
  console.log(`${set}: ${t.n} files with a tempo truth; Acc1 shipped ${t.a1[0]} → P3 ${t.a1[1]} (${t.a1[1] - t.a1[0] >= 0 ? '+' : ''}${t.a1[1] - t.a1[0]}), Acc2 ${t.a2[0]} → ${t.a2[1]} (${t.a2[1] - t.a2[0] >= 0 ? '+' : ''}${t.a2[1] - t.a2[0]}); ${moved.length} files read another tempo`);
  for (const m of moved) console.log(`  ${m}`);
}
