// Does hpss.ts PercussiveShare separate drum grooves from drumless soft-onset music (issue 11, helper tempo17)? Reads
// the figures octave-net.ts --perc cached (DIR/<set>-cache/<file>.perc) for the DEVELOPMENT-SIDE sets only and prints,
// per figure (PERC_FIGURES × PERC_HALF_BANDS): each set's median, the rank AUC of dev against tempo-soft (the ship rule's
// choice of figure, tools/eval/octave-net.ts header), and the figures of named files (tempo16's broken dev grooves,
// its fixed tempo-soft files, tempo-synth's drums-only renders).
//
//   nice node --import tsx tools/eval/perc-check.ts [--cache test/output/t17/cache]
//   nice node --import tsx tools/eval/perc-check.ts --cpu FILES   (process CPU of analyzeFile with the product's analysers
//     (index.ts defaultAnalysers: loudness, tempo, tonal), the tempo analyser's PercussiveShare off against on as the
//     product would run it (PERC_INPUT_BANDS, no flux logs unless PERC_INPUT is a flux figure), on the first FILES files
//     of tempo-soft and of dev, 3 rounds, each after a warm-up)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PERC_FIGURES, PERC_HALF_BANDS, PERC_INPUT, PERC_INPUT_BANDS, PercussiveShare } from '../../main/engine/analysis/hpss';
import { analyzeFile } from '../../main/engine/analysis/run';
import { LEVEL_TUNING, type LevelTuning, TempoAnalyser } from '../../main/engine/analysis/tempo';
import { defaultAnalysers } from '../../main/engine/analysis/index';

const { values: args } = parseArgs({ options: { cache: { type: 'string', default: 'test/output/t17/cache' }, cpu: { type: 'string' } } });

if (args.cpu) {
  const n = Number(args.cpu);
  const files: string[] = [];
  for (const [dir, man, set] of [
    ['test/output/tempo-soft', 'manifest.json', 'soft'],
    ['test/output/eval', 'manifest.json', 'dev'],
  ]) {
    const items = (JSON.parse(readFileSync(join(dir, man), 'utf8')) as { items: { set: string; file: string }[] }).items.filter((i) => i.set === set);
    files.push(...items.map((i) => join(dir, set, i.file)).filter((f) => existsSync(f)).slice(0, n));
  }
  // the shipped weights padded with two zero-weight 'perc' columns: the same work as trained weights
  const net = LEVEL_TUNING.octaveNet!;
  const padded = { ...net, mu: [...net.mu, 0, 0], sd: [...net.sd, 1, 1], linear: [...net.linear, 0, 0], w1: net.w1.map((r) => [...r, 0, 0]), extra: ['perc' as const] };
  let audioSec = 0;
  /** CPU ms of the ffmpeg decoders this process has waited for (/proc/self/stat cutime + cstime, clock ticks of 10 ms) */
  const children = () => {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(f[13]) + Number(f[14])) * 10;
  };
  let decodeMs = 0;
  const time = async (on: boolean) => {
    const a = process.cpuUsage();
    const ch = children();
    audioSec = 0;
    for (const f of files) {
      const an = defaultAnalysers();
      const t = an.find((x) => x instanceof TempoAnalyser) as TempoAnalyser;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const ta = t as any;
      // as init does for weights with the 'perc' group
      if (on) (t as unknown as { tuning: LevelTuning }).tuning = { ...LEVEL_TUNING, octaveNet: padded };
      await analyzeFile(f, an);
      audioSec += ta.envLen / (ta.tap.rate / 256);
    }
    const d = process.cpuUsage(a);
    decodeMs = children() - ch;
    return (d.user + d.system) / 1000;
  };
  await time(false); // warm-up
  for (let round = 0; round < 3; round++) {
    const off = await time(false);
    const on = await time(true);
    // PercussiveShare alone, as the product runs it, on 600 s of random band frames (43 frames/s, 40 bands)
    const fps = 11025 / 256;
    const ps = new PercussiveShare(40, Uint8Array.from({ length: 40 }, (_, b) => (b < 14 ? 0 : b < 30 ? 1 : 2)), new Float64Array(40).fill(1e-9), PERC_INPUT_BANDS, PERC_FIGURES[PERC_INPUT % PERC_FIGURES.length] === 'flux');
    const fr = new Float64Array(40);
    const c0 = process.cpuUsage();
    for (let i = 0; i < 600 * fps; i++) {
      for (let b = 0; b < 40; b++) fr[b] = Math.random() * (b + 1);
      ps.push(fr);
    }
    const c1 = process.cpuUsage(c0);
    console.log(`round ${round}: ffmpeg decode ${((decodeMs / audioSec) * 60).toFixed(1)} ms per audio minute (the last pass); with it PercussiveShare alone is ${((((c1.user + c1.system) / 1000 / 600) / ((off + decodeMs) / audioSec)) * 100).toFixed(1)} % of the whole`);
    console.log(`round ${round}: whole analysis ${((off / audioSec) * 60).toFixed(1)} ms per audio minute, PercussiveShare alone ${((c1.user + c1.system) / 1000 / 600 * 60).toFixed(1)} ms per audio minute (${(((c1.user + c1.system) / 1000 / 600) / (off / audioSec) * 100).toFixed(1)} % of the whole)`);
    console.log(`round ${round}: whole analysis ${off.toFixed(0)} ms, with PercussiveShare ${on.toFixed(0)} ms (${(((on - off) / off) * 100).toFixed(1)} %), ${files.length} files`);
  }
  process.exit(0);
}

const names = PERC_HALF_BANDS.flatMap((w) => PERC_FIGURES.map((f) => `${f}/${w}`));
const bySet = new Map<string, { file: string; v: number[] }[]>();
for (const d of readdirSync(args.cache!)) {
  const set = d.replace(/-cache$/, '');
  const xs = readdirSync(join(args.cache!, d))
    .filter((f) => f.endsWith('.perc'))
    .map((f) => ({ file: f.replace(/\.perc$/, ''), v: JSON.parse(readFileSync(join(args.cache!, d, f), 'utf8')) as number[] }));
  bySet.set(set, xs);
}
const med = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[s.length >> 1] : NaN;
};
/** P(a random x of `a` > a random y of `b`), ties half */
const auc = (a: number[], b: number[]) => {
  let s = 0;
  for (const x of a) for (const y of b) s += x > y ? 1 : x === y ? 0.5 : 0;
  return s / (a.length * b.length || 1);
};
console.log('figure        ' + [...bySet.keys()].map((s) => s.padStart(8)).join('') + '   AUC dev>soft  dev2>soft  synth-drums>soft');
const col = (set: string, i: number, f: (x: string) => boolean = () => true) => (bySet.get(set) ?? []).filter((x) => f(x.file)).map((x) => x.v[i]);
let best = -1;
let bestAuc = -1;
for (let i = 0; i < names.length; i++) {
  const a = auc(col('dev', i), col('soft', i));
  if (a > bestAuc) {
    bestAuc = a;
    best = i;
  }
  console.log(
    `${names[i].padEnd(14)}${[...bySet.keys()].map((s) => med(col(s, i)).toFixed(2).padStart(8)).join('')}   ${a.toFixed(3).padStart(8)}  ${auc(col('dev2', i), col('soft', i)).toFixed(3).padStart(9)}  ${auc(col('synth', i, (f) => /drums/.test(f)), col('soft', i)).toFixed(3).padStart(9)}`,
  );
}
console.log(`largest AUC dev > soft: ${names[best]} (column ${45 + best}; × log2(b/120): ${57 + best}) ${bestAuc.toFixed(3)}`);
const show = (set: string, re: RegExp) => {
  for (const x of bySet.get(set) ?? []) if (re.test(x.file)) console.log(`  ${set.padEnd(8)} ${x.file.slice(0, 56).padEnd(56)} ${[0, 4, 6, 10].map((i) => `${names[i]} ${x.v[i].toFixed(2)}`).join('  ')}`);
};
console.log("tempo16's broken dev grooves:");
show('dev', /quickstep-200|intro-softrock-92|easyswing-112/);
console.log("tempo16's fixed tempo-soft files and its nocturne:");
show('soft', /chorale|adagio|lullaby|nocturne/);
console.log('tempo-synth drums-only renders and a few of their full mixes:');
show('synth', /drums/);
