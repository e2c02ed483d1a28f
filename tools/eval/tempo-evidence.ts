// tester23: each file's TempoEvidence under the shipped tempo analyser (one decode per file, the tempo analyser alone), one JSON
// line per file: {file, set, truth, bpm, conf, right (Acc1), variable, ev}. Files already in OUT are skipped (a rerun resumes).
//   nice -n 10 node --import tsx tools/eval/tempo-evidence.ts OUT.jsonl MANIFEST:SET:DIR …   (e.g. test/output/eval/manifest.json:dev:test/output/eval/dev)
// BENCHMARKS.md "Tempo confidence: a swell is no onset" chose confidence.ts SMOOTH_FLOOR/CEIL from it.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../main/engine/analysis/run';
import { TempoAnalyser, type TempoResult } from '../../main/engine/analysis/tempo';

const [out, ...specs] = process.argv.slice(2); // spec: manifestPath:set:dir
const done = new Set(existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).file) : []);
for (const spec of specs) {
  const [mf, set, dir] = spec.split(':');
  const m = JSON.parse(readFileSync(mf, 'utf8'));
  for (const it of m.items.filter((i: { set: string }) => i.set === set)) {
    const file = join(dir, it.file);
    if (done.has(file) || !existsSync(file)) continue;
    const run = await analyzeFile(file, [new TempoAnalyser()]);
    const t = run.results.tempo as TempoResult;
    const right = it.bpm && t.bpm ? Math.abs(t.bpm / it.bpm - 1) <= 0.04 : false;
    appendFileSync(out, JSON.stringify({ file, set, truth: it.bpm, bpm: t.bpm, conf: t.confidence, right, variable: !!t.variable, ev: t.evidence }) + '\n');
  }
}
