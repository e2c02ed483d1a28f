// Development-set loop for the tempo and key analysers (issue 11): decodes each
// DEV file once through the real analysers, keeps the onset envelope and the
// per-frame chroma in OUT/work/dev-cache/, then re-runs only the back ends
// (estimateTempo, estimateKey) on the cache, so a change to the metrical-level
// choice or the key profile is measured on the whole dev set in seconds.
// Never reads the test set.
//
//   nice node --import tsx tools/eval/dev-cache.ts [--out test/output/eval] [--verbose]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { estimateTempo, LEVEL_TUNING, TempoAnalyser, type LevelTuning, type TempoOptions } from '../../main/engine/analysis/tempo';
import { estimateKey, TONAL_DEFAULTS, TonalAnalyser } from '../../main/engine/analysis/tonal';
import { keyName, mirexKeyScore, type Key } from '../../main/engine/analysis/keys';
import type { EvalItem } from './build-set';
import { acc1, acc2 } from './tempo-metrics';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'test/output/eval' },
    set: { type: 'string', default: 'dev' },
    windows: { type: 'string', default: '8,16,30' },
    pick: { type: 'string', default: '' },
    verbose: { type: 'boolean', default: false },
    profiles: { type: 'boolean', default: false },
    tune: { type: 'boolean', default: false },
    shipped: { type: 'boolean', default: false },
    bars: { type: 'boolean', default: false },
    features: { type: 'boolean', default: false },
    ac: { type: 'boolean', default: false },
    modes: { type: 'boolean', default: false },
    levels: { type: 'boolean', default: false },
    'octave-features': { type: 'boolean', default: false },
    diff: { type: 'boolean', default: false },
  },
});
const OUT = args.out;
const VERBOSE = args.verbose;
/** 'dev' (tune here) or 'synth' (tools/eval/synth-set.ts: a generalisation check); never 'test' */
const SET = args.set;
if (SET === 'test') throw new Error('dev-cache never reads the test set');
const CACHE = join(OUT, 'work', `${SET}-cache`);
mkdirSync(CACHE, { recursive: true });
const items: EvalItem[] = (JSON.parse(readFileSync(join(OUT, 'manifest.json'), 'utf8')) as { items: EvalItem[] }).items.filter((x) => x.set === SET && existsSync(join(OUT, SET, x.file)));

interface Cached {
  env: Float32Array;
  env3: Float32Array;
  fps: number;
  t0: number;
  chroma: Float32Array;
  frames: number;
  active: boolean[];
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
async function load(it: EvalItem): Promise<Cached> {
  const base = join(CACHE, it.file.replace(/\.mp3$/, ''));
  if (existsSync(base + '.env6')) {
    const j = JSON.parse(readFileSync(base + '.json', 'utf8'));
    const env = new Float32Array(Uint8Array.from(readFileSync(base + '.env')).buffer);
    const env3 = new Float32Array(Uint8Array.from(readFileSync(base + '.env6')).buffer);
    const chroma = new Float32Array(Uint8Array.from(readFileSync(base + '.chroma')).buffer);
    return { ...j, env, env3, chroma };
  }
  const t = new TempoAnalyser() as Any;
  const k = new TonalAnalyser() as Any;
  await analyzeFile(join(OUT, SET, it.file), [t, k]);
  const env: Float32Array = t.env.slice(0, t.envLen);
  const env3: Float32Array = t.env3.slice(0, 6 * t.envLen);
  const fps = t.tap.rate / 256;
  const t0 = 512 / 2 / t.tap.rate - t.tap.delaySec;
  const chroma: Float32Array = k.chroma.slice(0, k.frames * 12);
  const maxE = (k.energy as number[]).reduce((m, v) => (v > m ? v : m), 0);
  const active = (k.energy as number[]).map((v) => maxE > 0 && v > maxE * 1e-6);
  writeFileSync(base + '.env', Buffer.from(env.buffer));
  writeFileSync(base + '.chroma', Buffer.from(chroma.buffer));
  writeFileSync(base + '.json', JSON.stringify({ fps, t0, frames: k.frames, active }));
  writeFileSync(base + '.env6', Buffer.from(env3.buffer));
  return { env, env3, fps, t0, chroma, frames: k.frames, active };
}

const data: { it: EvalItem; c: Cached }[] = [];
for (const it of items) data.push({ it, c: await load(it) });

export function evalTempo(opts: TempoOptions = {}, tuning?: LevelTuning, label = `tempo ${SET}`, quiet = false): number[] {
  const o = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7, ...opts } as Required<TempoOptions>;
  // real recordings whose octave the truth does not fix (bpmOctaveKnown false, evalkey's manifest) are not tempo rows here
  const rows = data.filter((d) => d.it.bpm != null && (d.it as { bpmOctaveKnown?: boolean }).bpmOctaveKnown !== false);
  let a1 = 0;
  let a2 = 0;
  let meterOk = 0;
  let meterN = 0;
  const cat: Record<string, [number, number]> = {};
  for (const { it, c } of rows) {
    const r = estimateTempo(c.env, c.fps, c.t0, o, c.env3, tuning);
    const ok1 = acc1(r.bpm, it.bpm);
    const ok2 = acc2(r.bpm, it.bpm);
    a1 += +ok1;
    a2 += +ok2;
    if (ok1 && r.beatsPerBar) {
      meterN++;
      meterOk += +(r.beatsPerBar === (it.meter === 3 ? 3 : 4));
      if (VERBOSE && r.beatsPerBar !== (it.meter === 3 ? 3 : 4)) console.log(`  meter ${it.file} truth ${it.meter} got ${r.beatsPerBar}`);
    }
    cat[it.category] ??= [0, 0];
    cat[it.category][0] += +ok1;
    cat[it.category][1]++;
    if (VERBOSE && !ok1) console.log(`  ${it.file.padEnd(52)} truth ${it.bpm?.toFixed(1)} (${it.meter}) got ${r.bpm} conf ${r.confidence}`);
  }
  const srcs = [...new Set(rows.map((d) => d.it.source))];
  const half = [0, 0, 0, 0];
  const hn = [0, 0];
  for (const { it, c } of rows) {
    const r = estimateTempo(c.env, c.fps, c.t0, o, c.env3, tuning);
    const h = srcs.indexOf(it.source) % 2;
    half[h] += +acc1(r.bpm, it.bpm);
    half[2 + h] += +acc2(r.bpm, it.bpm);
    hn[h]++;
  }
  const res = [a1 / rows.length, a2 / rows.length, half[0] / hn[0], half[1] / hn[1], half[2] / hn[0], half[3] / hn[1]];
  if (quiet) return res;
  console.log(`${label}: Acc1 ${(a1 / rows.length).toFixed(3)} [A ${res[2].toFixed(3)} B ${res[3].toFixed(3)}] Acc2 ${(a2 / rows.length).toFixed(3)} (n ${rows.length}); meter right ${meterOk}/${meterN} where Acc1; ` + Object.entries(cat).map(([k, v]) => `${k} ${v[0]}/${v[1]}`).join(', '));
  return res;
}

// key: the product's settings (TONAL_DEFAULTS) on the cached chroma; tools/eval/key-dev.ts is the key's own loop
export function evalKey(profile: Parameters<typeof estimateKey>[3] = TONAL_DEFAULTS.profile, threshold = TONAL_DEFAULTS.threshold, quiet = false): number {
  const rows = data.filter((d) => d.it.key && d.it.keyTrusted);
  let s = 0;
  for (const { it, c } of rows) {
    const r = estimateKey(c.chroma, c.frames, c.active, profile, threshold, undefined, TONAL_DEFAULTS);
    const k: Key | null = r.tonic === null ? null : { tonic: r.tonic, mode: r.mode! };
    const sc = k ? mirexKeyScore(it.key!, k) : 0;
    s += sc;
    if (VERBOSE && !quiet && sc < 1) console.log(`  ${it.file.padEnd(52)} truth ${keyName(it.key!)} got ${k ? keyName(k) : '—'} (${sc})`);
  }
  if (!quiet) console.log(`key dev: MIREX ${(s / rows.length).toFixed(3)} (n ${rows.length})`);
  return s / rows.length;
}
if (args.profiles) {
  const { KEY_PROFILES } = await import('../../main/engine/analysis/tonal');
  for (const p of Object.keys(KEY_PROFILES) as (keyof typeof KEY_PROFILES)[])
    console.log(p.padEnd(14), [0, 0.1, 0.2, 0.3, 0.5].map((t) => `${t}: ${evalKey(p, t, true).toFixed(3)}`).join('  '));
}

if (args.tune) {
  // the level choice's parameters on a grid; A/B: the set's halves by source (choose on one, check on the other)
  for (const octave of [false, true])
    for (const dftWindowSec of [8, 16, 30])
      for (const priorWeight of [0, 0.5, 1, 2])
      {
        const r = evalTempo({}, { priorWeight, dftWindowSec, octave }, '', true);
        console.log(`octave ${String(octave).padEnd(5)} window ${String(dftWindowSec).padStart(2)} s prior^${String(priorWeight).padEnd(4)} Acc1 ${r[0].toFixed(3)} [A ${r[2].toFixed(3)} B ${r[3].toFixed(3)}]  Acc2 ${r[1].toFixed(3)} [A ${r[4].toFixed(3)} B ${r[5].toFixed(3)}]`);
      }
}
evalTempo({}, LEVEL_TUNING);
if (args.shipped) evalTempo({}, { priorWeight: 0, dftWindowSec: 16, octave: false, comb: true }, `tempo ${SET} (comb's pick, shipped)`);
evalKey();

/** exploratory: harmonic-change novelty and its autocorrelation peaks */
export function novelty(chroma: Float32Array, frames: number, active: boolean[], w = 2): Float64Array {
  const nov = new Float64Array(frames);
  const a = new Float64Array(12);
  const b = new Float64Array(12);
  const norm = (f: number, out: Float64Array, sign: number) => {
    let m = 0;
    for (let i = 0; i < 12; i++) if (chroma[f * 12 + i] > m) m = chroma[f * 12 + i];
    if (m > 0 && active[f]) for (let i = 0; i < 12; i++) out[i] += (sign * chroma[f * 12 + i]) / m;
  };
  for (let f = w; f + w <= frames; f++) {
    a.fill(0);
    b.fill(0);
    for (let g = f - w; g < f; g++) norm(g, a, 1);
    for (let g = f; g < f + w; g++) norm(g, b, 1);
    let ab = 0, aa = 0, bb = 0;
    for (let i = 0; i < 12; i++) {
      ab += a[i] * b[i];
      aa += a[i] * a[i];
      bb += b[i] * b[i];
    }
    nov[f] = aa > 0 && bb > 0 ? 1 - ab / Math.sqrt(aa * bb) : 0;
  }
  return nov;
}
if (args.bars) {
  const fpsH = 5512.5 / 1024;
  for (const { it, c } of data) {
    if (it.bpm == null) continue;
    const nov = novelty(c.chroma, c.frames, c.active);
    const n = nov.length;
    const mean = nov.reduce((s, v) => s + v, 0) / n;
    const z = Array.from(nov, (v) => v - mean);
    const ac: number[] = [];
    for (let l = 0; l < Math.min(n, Math.round(6 * fpsH)); l++) {
      let s = 0;
      for (let i = l; i < n; i++) s += z[i] * z[i - l];
      ac.push(s / (n - l));
    }
    const peaks: [number, number][] = [];
    for (let l = 3; l < ac.length - 1; l++) if (ac[l] > ac[l - 1] && ac[l] >= ac[l + 1] && ac[l] > 0) peaks.push([l / fpsH, ac[l] / ac[0]]);
    peaks.sort((x, y) => y[1] - x[1]);
    const r = estimateTempo(c.env, c.fps, c.t0, { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 });
    const bar = (it.meter * 60) / it.bpm;
    console.log(`${it.file.padEnd(50)} ${it.category.padEnd(10)} bpm ${it.bpm.toFixed(1).padStart(6)} m${it.meter} bar ${bar.toFixed(2)} | ours ${String(r.bpm).padStart(6)} | nov peaks ${peaks.slice(0, 3).map((p) => `${p[0].toFixed(2)}:${p[1].toFixed(2)}`).join(' ')}`);
  }
}

if (args.features) {
  const { tempoCandidates } = await import('./tempo-explore');
  for (const { it, c } of data) {
    if (it.bpm == null) continue;
    const cands = tempoCandidates(c.env, c.fps, { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 }, c.env3);
    if (!cands) continue;
    console.log(`${it.file.padEnd(50)} ${it.category.padEnd(9)} truth ${it.bpm.toFixed(1)} m${it.meter}`);
    for (const k of cands) {
      const mark = acc1(k.bpm, it.bpm) ? '<==' : '';
      console.log(`    ${k.rel.padEnd(4)} ${k.bpm.toFixed(1).padStart(6)} S ${k.salience.toFixed(2)} prior ${k.prior.toFixed(2)} lock ${k.lock.toFixed(2)} half ${k.half.toFixed(2)} third ${k.third.toFixed(2)} alt ${k.alt.toFixed(2)} acH ${k.acHalf.toFixed(2)} acB ${k.acBeat.toFixed(2)} ac2 ${k.acTwo.toFixed(2)} dft ${k.dft.toFixed(2)} [${k.dftBands.map((v) => v.toFixed(2)).join(' ')}] ${mark}`);
    }
  }
}

if (args.ac) {
  for (const { it, c } of data) {
    if (it.bpm == null || !/fast|pop4-8beat|folkrock|ballad68|trance/.test(it.file)) continue;
    const P = (60 * c.fps) / it.bpm; // true period
    const n = c.env.length;
    const m = c.env.reduce((s, v) => s + v, 0) / n;
    const ac = (l: number) => {
      const L = Math.round(l);
      let s = 0;
      for (let i = L; i < n; i++) s += (c.env[i] - m) * (c.env[i - L] - m);
      return s / (n - L);
    };
    const a0 = ac(0);
    console.log(`${it.file.padEnd(48)} truth ${it.bpm.toFixed(0)}: ac(P/2) ${(ac(P / 2) / a0).toFixed(2)} ac(P) ${(ac(P) / a0).toFixed(2)} ac(3P/2) ${(ac(1.5 * P) / a0).toFixed(2)} ac(2P) ${(ac(2 * P) / a0).toFixed(2)} ac(3P) ${(ac(3 * P) / a0).toFixed(2)} ac(4P) ${(ac(4 * P) / a0).toFixed(2)}`);
  }
}

if (args.modes) {
  const { KEY_PROFILES } = await import('../../main/engine/analysis/tonal');
  const rows = data.filter((d) => d.it.key && d.it.keyTrusted);
  for (const p of Object.keys(KEY_PROFILES) as (keyof typeof KEY_PROFILES)[]) {
    const by: Record<string, [number, number]> = { major: [0, 0], minor: [0, 0] };
    for (const { it, c } of rows) {
      const r = estimateKey(c.chroma, c.frames, c.active, p, 0.2);
      const ok = r.tonic === it.key!.tonic && r.mode === it.key!.mode;
      by[it.key!.mode][0] += +ok;
      by[it.key!.mode][1]++;
    }
    console.log(p.padEnd(14), `major ${by.major[0]}/${by.major[1]} minor ${by.minor[0]}/${by.minor[1]}`);
  }
}

// --levels: metrical-level choice from the candidates' features, as a scoring function
// with few parameters, reported on the whole set and on its two halves by source (A: even,
// B: odd source index), so a parameter chosen on one half is checked on the other.
if (args.levels) {
  const { tempoCandidates } = await import('./tempo-explore');
  const o = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 };
  const srcs = [...new Set(data.map((d) => d.it.source))];
  const wins = args.windows.split(',').map(Number);
  const base = data.filter((d) => d.it.bpm != null);
  const byWin = new Map(wins.map((w) => [w, base.map((d) => ({ it: d.it, half: srcs.indexOf(d.it.source) % 2, cands: tempoCandidates(d.c.env, d.c.fps, o, d.c.env3, w) ?? [] }))]));
  type Row = NonNullable<ReturnType<typeof byWin.get>>[number];
  type C = Row['cands'][number];
  const run = (label: string, rows: Row[], score: (c: C) => number, show = VERBOSE) => {
    const r = [0, 0, 0, 0];
    const n = [0, 0];
    const miss: string[] = [];
    for (const x of rows) {
      let best: C | null = null;
      for (const c of x.cands) if (!best || score(c) > score(best)) best = c;
      const ok = acc1(best?.bpm, x.it.bpm);
      r[x.half] += +ok;
      r[2 + x.half] += +acc2(best?.bpm, x.it.bpm);
      n[x.half]++;
      if (!ok) miss.push(`${x.it.file} ${x.it.bpm}→${best?.bpm.toFixed(1)}(${best?.rel})`);
    }
    console.log(`${label.padEnd(34)} Acc1 ${((r[0] + r[1]) / (n[0] + n[1])).toFixed(3)} [A ${(r[0] / n[0]).toFixed(3)} B ${(r[1] / n[1]).toFixed(3)}] Acc2 ${((r[2] + r[3]) / (n[0] + n[1])).toFixed(3)} [A ${(r[2] / n[0]).toFixed(3)} B ${(r[3] / n[1]).toFixed(3)}]`);
    if (show) for (const m of miss) console.log('     ' + m);
  };
  const L = (v: number) => Math.log(Math.max(v, 1e-6));
  const prior = (bpm: number, c: number, w: number) => Math.exp(-0.5 * (Math.log2(bpm / c) / w) ** 2);
  run('comb (shipped)', byWin.get(wins[0])!, (c) => (c.rel === '1' ? 1 : 0));
  for (const w of wins)
    for (const pc of [100, 120])
      for (const lam of [0.5, 0.75, 1, 1.5, 2]) run(`acf·dft(${w}s)·prior(${pc})^${lam}`, byWin.get(w)!, (c) => L(c.salience) + L(c.dft) + lam * L(prior(c.bpm, pc, 0.7)));
  const pick = args.pick;
  if (pick) {
    const [w, pc, lam] = pick.split(',').map(Number);
    run(`PICK acf·dft(${w}s)·prior(${pc})^${lam}`, byWin.get(w)!, (c) => L(c.salience) + L(c.dft) + lam * L(prior(c.bpm, pc, 0.7)), true);
  }
}

// --octave-features: for each file, the level the chooser reports (P) and the features of P/2, P and 2P, with the truth's octave
if (args['octave-features']) {
  const { tempoCandidates } = await import('./tempo-explore');
  const o = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 };
  for (const { it, c } of data) {
    if (it.bpm == null) continue;
    const r = estimateTempo(c.env, c.fps, c.t0, o, c.env3, LEVEL_TUNING);
    if (r.bpm == null || !acc2(r.bpm, it.bpm)) continue;
    const cands = tempoCandidates(c.env, c.fps, { ...o, priorBpm: r.bpm }, c.env3, LEVEL_TUNING.dftWindowSec) ?? [];
    const at = (f: number) => cands.find((k) => Math.abs(k.bpm - r.bpm! * f) <= 0.04 * r.bpm! * f);
    const tr = Math.round(Math.log2(it.bpm / r.bpm)) || 0;
    const fmt = (k: ReturnType<typeof at>) => (k ? `${k.bpm.toFixed(0).padStart(3)} S${k.salience.toFixed(2)} D${k.dft.toFixed(2)} h${k.half.toFixed(2)} a${k.alt.toFixed(2)} L${k.lock.toFixed(1)}` : ' '.repeat(34));
    console.log(`${(tr > 0 ? 'UP  ' : tr < 0 ? 'DOWN' : 'ok  ')} ${it.file.slice(0, 44).padEnd(44)} ${fmt(at(0.5))} | ${fmt(at(1))} | ${fmt(at(2))}`);
  }
}
if (args.diff) {
  const o = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 };
  for (const { it, c } of data) {
    if (it.bpm == null) continue;
    const a = estimateTempo(c.env, c.fps, c.t0, o, c.env3, { priorWeight: 0, dftWindowSec: 16, octave: false, comb: true });
    const b = estimateTempo(c.env, c.fps, c.t0, o, c.env3, LEVEL_TUNING);
    if (acc1(a.bpm, it.bpm) !== acc1(b.bpm, it.bpm) || acc2(a.bpm, it.bpm) !== acc2(b.bpm, it.bpm)) console.log(`  ${it.file.padEnd(52)} truth ${it.bpm} (${it.meter}) shipped ${a.bpm} now ${b.bpm}`);
  }
}
