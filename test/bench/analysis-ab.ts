// In-process A/B of the library analysis (issue 11 throughput; BENCHMARKS.md "Throughput: session 10"): another
// tree's analyzeFile + libraryAnalysers (OLD, e.g. `git archive <commit>` unpacked into test/output/<you>/base, with
// a node_modules link) against this tree's, in ONE process, alternating per pass over the same dev files (the order
// swaps every pass, so neither side always runs after the other's garbage). Each pass is timed by this process's CPU
// (process.cpuUsage: node only; the ffmpeg decode is the same command in both and is not counted). Medians over
// passes, and whether the two sides' raw results (typed arrays as numbers) are identical. On a shared machine two
// processes run minutes apart see different loads; alternating passes in one process see the same.
//
//   nice node --import tsx test/bench/analysis-ab.ts OLD_TREE [--every 10] [--passes 8] [--analysers loudness,tempo]
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { analyzeFile as runNew } from '../../main/engine/analysis/run';
import { libraryAnalysers as libNew } from '../../main/engine/library/analyse';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { every: { type: 'string', default: '10' }, passes: { type: 'string', default: '8' }, analysers: { type: 'string' }, dir: { type: 'string', default: 'test/output/eval/dev' } },
});
if (!positionals[0]) throw new Error('usage: analysis-ab.ts OLD_TREE [--every N] [--passes N] [--analysers a,b]');
const old = resolve(positionals[0]);
const runOld = (await import(pathToFileURL(join(old, 'main/engine/analysis/run.ts')).href)).analyzeFile as typeof runNew;
const libOld = (await import(pathToFileURL(join(old, 'main/engine/library/analyse.ts')).href)).libraryAnalysers as typeof libNew;
const only = o.analysers?.split(',');
const every = Number(o.every);
const files = readdirSync(o.dir).filter((f) => /\.(mp3|wav|flac|ogg|m4a|opus)$/i.test(f)).sort().filter((_, i) => i % every === 0).map((f) => join(o.dir, f));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
type Side = { name: string; run: typeof runNew; lib: typeof libNew; ms: number[]; out: string };
const sides: Side[] = [
  { name: 'old', run: runOld, lib: libOld, ms: [], out: '' },
  { name: 'new', run: runNew, lib: libNew, ms: [], out: '' },
];
let audio = 0;
for (let r = 0; r < Number(o.passes); r++) {
  for (const s of r % 2 ? [sides[1], sides[0]] : sides) {
    const t0 = cpu();
    const res: unknown[] = [];
    let sec = 0;
    for (const f of files) {
      const x = await s.run(f, s.lib(30).filter((a) => !only || only.includes(a.name)));
      res.push(x.results);
      sec += x.durationSec;
    }
    s.ms.push(cpu() - t0);
    audio = sec;
    if (r === 0) s.out = JSON.stringify(res, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v));
    console.log(`pass ${r + 1} ${s.name}: ${s.ms[s.ms.length - 1].toFixed(0)} ms`);
  }
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const [a, b] = sides.map((s) => med(s.ms));
console.log(
  `${files.length} files (${audio.toFixed(0)} s), ${o.passes} alternating passes, analysers ${only?.join(',') ?? 'all (libraryAnalysers)'}; median node CPU per pass: ` +
    `old ${a.toFixed(0)} ms, new ${b.toFixed(0)} ms (${((b / a - 1) * 100).toFixed(1)} %); results identical: ${sides[0].out === sides[1].out}`,
);
