// Tempo-change check (issue 10 kind 4): runs the tempo analyser's section
// detection (tempo.ts tempoSections) on every file of a steady-tempo set and
// lists the files it flags as variable (the goal: none). The dev set is read
// from dev-cache.ts's envelope cache (run that first); the tempo-synth and
// tempo-octave renders are decoded through the tempo analyser. Never reads the
// test set. The dev files are 30 s, under the 40 s a change needs, so the
// dev set is also checked as long steady tracks (--loop K: each envelope K
// times in a row, the joins a phase jump as in a looped edit) and, for the
// detection rate, as real tempo changes (--pairs: each file followed by the
// next dev file with a known tempo that is not a metrical relative of it;
// --triples: that pair followed by the first file again, A B A, two changes,
// where three sections are the right answer).
//
//   nice node --import tsx tools/eval/tempo-sections.ts [--dev test/output/eval] [--renders test/output/tempo-synth/synth,test/output/tempo-octave/octave] [--loop 3] [--pairs | --triples] [--verbose]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { estimateTempo, localTempi, metricallyRelated, TempoAnalyser, type TempoOptions, type TempoResult } from '../../main/engine/analysis/tempo';

const { values: args } = parseArgs({
  options: {
    dev: { type: 'string', default: 'test/output/eval' },
    renders: { type: 'string', default: 'test/output/tempo-synth/synth,test/output/tempo-octave/octave' },
    loop: { type: 'string', default: '1' },
    pairs: { type: 'boolean', default: false },
    triples: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const opts: Required<TempoOptions> = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 };
let n = 0;
const flagged: string[] = [];
/** flagged files by their number of sections (index 4: four or more) */
const sections = [0, 0, 0, 0, 0];
/** the product's tempo result (estimateTempo: its `variable`) and, with --verbose, the local tempi */
function check(name: string, r: TempoResult, env: Float32Array, fps: number): void {
  n++;
  const v = r.variable;
  if (v) flagged.push(`${name}: ${v.map((s) => `${s.start}–${s.end} s at ${s.bpm}${s.endBpm !== undefined ? ` → ${s.endBpm}` : ''}`).join(', ')}`);
  if (v) sections[Math.min(v.length, 4)]++;
  if (args.verbose) console.log(name, localTempi(env, fps, opts).map((l) => (l.bpm === null ? '-' : Math.round(l.bpm))).join(' '));
}

const K = Number(args.loop);
const cat = (a: Float32Array, b: Float32Array) => {
  const o = new Float32Array(a.length + b.length);
  o.set(a);
  o.set(b, a.length);
  return o;
};
const cache = join(args.dev, 'work', 'dev-cache');
const manifest = join(args.dev, 'manifest.json');
if (existsSync(manifest)) {
  const items = (JSON.parse(readFileSync(manifest, 'utf8')) as { items: { set: string; file: string; bpm: number | null }[] }).items.filter((x) => x.set === 'dev');
  let missing = 0;
  const known = items.filter((it) => it.bpm != null && existsSync(join(cache, it.file.replace(/\.mp3$/, '') + '.env')));
  for (const it of items) {
    const base = join(cache, it.file.replace(/\.mp3$/, ''));
    if (!existsSync(base + '.env')) {
      missing++;
      continue;
    }
    const j = JSON.parse(readFileSync(base + '.json', 'utf8')) as { fps: number; t0: number };
    let env = new Float32Array(Uint8Array.from(readFileSync(base + '.env')).buffer);
    let env6 = new Float32Array(Uint8Array.from(readFileSync(base + '.env6')).buffer);
    if (args.pairs || args.triples) {
      // the next known-tempo file whose tempo differs (> 8 %, not a metrical relative)
      if (it.bpm == null) continue;
      const i = known.indexOf(it);
      const other = [...known.slice(i + 1), ...known.slice(0, i)].find((o) => !metricallyRelated(o.bpm!, it.bpm!) && Math.abs(Math.log(o.bpm! / it.bpm!)) > Math.log(1.08));
      if (!other) continue;
      const ob = join(cache, other.file.replace(/\.mp3$/, ''));
      const [a, a6] = [env, env6];
      env = cat(env, new Float32Array(Uint8Array.from(readFileSync(ob + '.env')).buffer));
      env6 = cat(env6, new Float32Array(Uint8Array.from(readFileSync(ob + '.env6')).buffer));
      if (args.triples) {
        env = cat(env, a);
        env6 = cat(env6, a6);
      }
      const r = estimateTempo(env, j.fps, j.t0, opts, env6);
      check(`dev/${it.file} (${it.bpm}) + ${other.file} (${other.bpm})${args.triples ? ' + the first again' : ''}`, r, env, j.fps);
      continue;
    }
    const one = env;
    const one6 = env6;
    for (let k = 1; k < K; k++) {
      env = cat(env, one);
      env6 = cat(env6, one6);
    }
    check(`dev/${it.file}${K > 1 ? ` ×${K}` : ''}`, estimateTempo(env, j.fps, j.t0, opts, env6), env, j.fps);
  }
  console.log(`dev: ${items.length - missing} files from the cache${missing ? `, ${missing} not cached (run tools/eval/dev-cache.ts)` : ''}`);
}
if (!args.pairs && !args.triples) for (const dir of args.renders.split(',').filter(Boolean)) {
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).filter((x) => /\.(mp3|wav|flac)$/.test(x)).sort()) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const t = new TempoAnalyser() as any;
    const run = await analyzeFile(join(dir, f), [t]);
    const fps = t.tap.rate / 256;
    if (K === 1) {
      check(join(dir, f), run.results.tempo as TempoResult, t.env.slice(0, t.envLen), fps);
      continue;
    }
    const one: Float32Array = t.env.slice(0, t.envLen);
    const one6: Float32Array = t.env3.slice(0, 6 * t.envLen);
    let env = one;
    let env6 = one6;
    for (let k = 1; k < K; k++) {
      env = cat(env, one);
      env6 = cat(env6, one6);
    }
    check(`${join(dir, f)} ×${K}`, estimateTempo(env, fps, 512 / 2 / t.tap.rate - t.tap.delaySec, opts, env6), env, fps);
  }
}
console.log(`${flagged.length} of ${n} files flagged as changing tempo (by sections: 1 ${sections[1]}, 2 ${sections[2]}, 3 ${sections[3]}, 4+ ${sections[4]})`);
for (const f of flagged) console.log(`  ${f}`);
