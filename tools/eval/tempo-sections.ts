// Tempo-change check (issue 10 kind 4): runs the tempo analyser's section
// detection (tempo.ts tempoSections) on every file of a steady-tempo set and
// lists the files it flags as variable (the goal: none). The dev set is read
// from dev-cache.ts's envelope cache (run that first); the tempo-synth and
// tempo-octave renders are decoded through the tempo analyser. Never reads the
// test set.
//
//   nice node --import tsx tools/eval/tempo-sections.ts [--dev test/output/eval] [--renders test/output/tempo-synth/synth,test/output/tempo-octave/octave] [--verbose]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { estimateTempo, localTempi, TempoAnalyser, type TempoOptions, type TempoResult } from '../../main/engine/analysis/tempo';

const { values: args } = parseArgs({
  options: {
    dev: { type: 'string', default: 'test/output/eval' },
    renders: { type: 'string', default: 'test/output/tempo-synth/synth,test/output/tempo-octave/octave' },
    verbose: { type: 'boolean', default: false },
  },
});
const opts: Required<TempoOptions> = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 };
let n = 0;
const flagged: string[] = [];
/** the product's tempo result (estimateTempo: its `variable`) and, with --verbose, the local tempi */
function check(name: string, r: TempoResult, env: Float32Array, fps: number): void {
  n++;
  const v = r.variable;
  if (v) flagged.push(`${name}: ${v.map((s) => `${s.start}–${s.end} s at ${s.bpm}`).join(', ')}`);
  if (args.verbose) console.log(name, localTempi(env, fps, opts).map((l) => (l.bpm === null ? '-' : Math.round(l.bpm))).join(' '));
}

const cache = join(args.dev, 'work', 'dev-cache');
const manifest = join(args.dev, 'manifest.json');
if (existsSync(manifest)) {
  const items = (JSON.parse(readFileSync(manifest, 'utf8')) as { items: { set: string; file: string }[] }).items.filter((x) => x.set === 'dev');
  let missing = 0;
  for (const it of items) {
    const base = join(cache, it.file.replace(/\.mp3$/, ''));
    if (!existsSync(base + '.env')) {
      missing++;
      continue;
    }
    const j = JSON.parse(readFileSync(base + '.json', 'utf8')) as { fps: number; t0: number };
    const env = new Float32Array(readFileSync(base + '.env').buffer.slice(0));
    const env6 = new Float32Array(readFileSync(base + '.env6').buffer.slice(0));
    check(`dev/${it.file}`, estimateTempo(env, j.fps, j.t0, opts, env6), env, j.fps);
  }
  console.log(`dev: ${items.length - missing} files from the cache${missing ? `, ${missing} not cached (run tools/eval/dev-cache.ts)` : ''}`);
}
for (const dir of args.renders.split(',').filter(Boolean)) {
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).filter((x) => /\.(mp3|wav|flac)$/.test(x)).sort()) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const t = new TempoAnalyser() as any;
    const run = await analyzeFile(join(dir, f), [t]);
    check(join(dir, f), run.results.tempo as TempoResult, t.env.slice(0, t.envLen), t.tap.rate / 256);
  }
}
console.log(`${flagged.length} of ${n} files flagged as changing tempo`);
for (const f of flagged) console.log(`  ${f}`);
