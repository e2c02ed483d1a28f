// Development-set loop for the KEY analyser (issue 11), beside dev-cache.ts (which
// is the tempo loop): decodes each DEV file once, keeps every frame's spectral
// peaks (frequency, magnitude) of the key analyser's own spectrum in
// OUT/work/key-dev/, then re-runs chroma + key from the peaks with other
// settings (tuning, harmonics, bass chroma, profiles, thresholds) in seconds.
// Never reads the test set.
//
//   nice node --import tsx tools/eval/key-dev.ts [--out test/output/eval] [--verbose [--params JSON]] [--grid] [--bass] [--chords] [--fine] [--h1]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { analyzeFile } from '../../main/engine/analysis/run';
import { hann, RealFft } from '../../main/engine/dsp/fft';
import { FrameBuffer, type MonoTap, type SharedStreams } from '../../main/engine/dsp/streams';
import { keyName, mirexKeyScore, type Key } from '../../main/engine/analysis/keys';
import { bandFloors, cadenceRate, estimateKey, estimateTuning, foldChroma, frameTriads, KEY_PROFILES, pickSpectralPeaks, PitchFrames, TONAL_DEFAULTS, type KeyProfileName, type TonalOptions } from '../../main/engine/analysis/tonal';
import type { Analyser } from '../../main/engine/analysis/types';
import type { EvalItem } from './build-set';
import { confusion } from './key-score';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'test/output/eval' },
    /** more development sets of the same layout (DIR/manifest.json, DIR/dev/), e.g. tools/eval/key-set.ts's; repeatable */
    also: { type: 'string', multiple: true, default: [] },
    n: { type: 'string', default: '2048' },
    params: { type: 'string', default: '{}' },
    lambda: { type: 'string', default: '0.001,0.01,0.1' },
    verbose: { type: 'boolean', default: false },
    grid: { type: 'boolean', default: false },
    grid2: { type: 'boolean', default: false },
    bass: { type: 'boolean', default: false },
    chords: { type: 'boolean', default: false },
    fine: { type: 'boolean', default: false },
    h1: { type: 'boolean', default: false },
    fit: { type: 'boolean', default: false },
    theta: { type: 'boolean', default: false },
    /** the first heard chord's key as a cue (KeyOptions.firstWeight) over a grid of weights */
    first: { type: 'boolean', default: false },
    /** every profile with the shipped settings, chord weight 1, 2, 3 */
    profiles: { type: 'boolean', default: false },
    /** peaks count only at this many dB over their octave band's floor (tonal.ts bandFloors; default 0: all, as the analyser) */
    floor: { type: 'string' },
    /** the shipped settings over a grid of peak floors (dB), with the stated keys of --keyless DIR's files (no key) */
    floors: { type: 'boolean', default: false },
    /** a no-key set (tools/eval/keyless-set.ts's layout: DIR/manifest.json, DIR/keyless/): how many get a key at confidence ≥ 0.5 */
    keyless: { type: 'string' },
    /** a learned key decision (conditional logit over the 24 keys), family-grouped CV */
    learn: { type: 'boolean', default: false },
    folds: { type: 'string', default: '5' },
    /** --learn: only the input groups whose label contains this */
    only: { type: 'string' },
    balance: { type: 'boolean', default: false },
    /** per file, the share of the peaks' magnitude (≥ 65 Hz) in peaks ≥ DB dB over their band's floor: its spread over the sets, --keyless and --file */
    share: { type: 'string' },
    /** more files (any audio) for --share, e.g. a drum render */
    file: { type: 'string', multiple: true, default: [] },
  },
});
const OUT = args.out;
const VERBOSE = args.verbose;
/** --also DIR (repeatable): more development sets of the same layout (DIR/manifest.json, DIR/dev/), e.g. tools/eval/key-set.ts's */
const DIRS = [OUT, ...args.also];
/** a file's family for grouped cross-validation: its split unit (eval set) or its `source` (key-set: groove family / MIDI) */
const unitOf = new Map<string, string>();
if (existsSync(join(OUT, 'split.json')))
  for (const [id, u] of Object.entries((JSON.parse(readFileSync(join(OUT, 'split.json'), 'utf8')) as { units: Record<string, { files: { file: string }[] }> }).units)) for (const f of u.files) unitOf.set(f.file, id);
const items: (EvalItem & { dir: string; family: string; progression?: string })[] = DIRS.flatMap((dir) =>
  (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { items: EvalItem[] }).items
    .filter((x) => x.set === 'dev' && existsSync(join(dir, 'dev', x.file)))
    .map((x) => ({ ...x, dir, family: unitOf.get(x.file) ?? (x.file.startsWith('key-midi-') ? `midi-folder:${x.file.split('-')[2]}` : x.source) })),
);

/** Every frame's peaks as the product's analyser sees them (TonalAnalyser's frame and rate). */
interface Peaks {
  /** per frame: offsets into f/m */
  start: number[];
  f: Float32Array;
  m: Float32Array;
  /** per peak: its power ÷ its octave band's floor (tonal.ts bandFloors, the analyser's 65 Hz band start); 0 under 65 Hz */
  r: Float32Array;
  energy: number[];
}
class PeakCapture implements Analyser<Peaks> {
  readonly name = 'peaks';
  readonly version = 1;
  private tap!: MonoTap;
  private buf: FrameBuffer;
  private fft: RealFft;
  private win: Float64Array;
  private frame: Float64Array;
  private pow: Float64Array;
  private f: number[] = [];
  private m: number[] = [];
  private r: number[] = [];
  private start: number[] = [];
  private energy: number[] = [];
  constructor(private readonly n = 2048, private readonly hop = 1024, private readonly rate = 5512.5) {
    this.buf = new FrameBuffer(n, hop);
    this.fft = new RealFft(n);
    this.win = hann(n);
    this.frame = new Float64Array(n);
    this.pow = new Float64Array(n / 2 + 1);
  }
  init(_sr: number, _ch: number, shared?: SharedStreams): void {
    this.tap = shared!.mono(this.rate);
  }
  process(): void {
    this.buf.push(this.tap.current);
    const N = this.n;
    this.buf.frames((x, o) => {
      for (let i = 0; i < N; i++) this.frame[i] = x[o + i] * this.win[i];
      this.fft.powerSpectrum(this.frame, this.pow);
      const P = this.pow;
      const fs = this.tap.rate;
      const kmin = Math.max(2, Math.floor((30 * N) / fs));
      const kmax = Math.min(N / 2 - 2, Math.ceil((Math.min(2100, 0.45 * fs) * N) / fs));
      let maxP = 0;
      let e = 0;
      for (let k = Math.max(2, Math.floor((65 * N) / fs)); k <= kmax; k++) {
        e += P[k];
        if (P[k] > maxP) maxP = P[k];
      }
      this.start.push(this.f.length);
      this.energy.push(e);
      if (!(maxP > 0)) return;
      const k65 = Math.max(2, Math.floor((65 * N) / fs));
      const floors = bandFloors(P, k65, kmax);
      pickSpectralPeaks(P, kmin, kmax, maxP, fs, N, (f, p, k) => {
        this.f.push(f);
        this.m.push(Math.sqrt(p));
        this.r.push(k >= k65 ? p / floors[k] : 0);
      });
    });
  }
  finish(): Peaks {
    return { start: this.start, f: Float32Array.from(this.f), m: Float32Array.from(this.m), r: Float32Array.from(this.r), energy: this.energy };
  }
}

async function load(it: EvalItem & { dir: string }, n: number, sub = 'dev'): Promise<Peaks> {
  const CACHE = join(it.dir, 'work', 'key-dev-floors'); // with each peak's floor ratio (.r): a cache of its own, the older key-dev one stays as it was
  mkdirSync(CACHE, { recursive: true });
  const base = join(CACHE, `${it.file.replace(/\.mp3$/, '')}-${n}`);
  if (existsSync(base + '.json') && existsSync(base + '.r')) {
    const j = JSON.parse(readFileSync(base + '.json', 'utf8'));
    const arr = (ext: string) => { const b = readFileSync(base + ext); return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); };
    return { start: j.start, energy: j.energy, f: arr('.f'), m: arr('.m'), r: arr('.r') };
  }
  const cap = new PeakCapture(n, n / 2);
  const run = await analyzeFile(join(it.dir, sub, it.file), [cap]);
  const p = run.results.peaks as Peaks;
  writeFileSync(base + '.json', JSON.stringify({ start: p.start, energy: p.energy }));
  writeFileSync(base + '.f', Buffer.from(p.f.buffer));
  writeFileSync(base + '.m', Buffer.from(p.m.buffer));
  writeFileSync(base + '.r', Buffer.from(p.r.buffer));
  return p;
}

const N = Number(args.n);
/** the peak floor in force (power ratio): --floor dB, else the analyser's */
let FLOOR = args.floor !== undefined ? Math.pow(10, Number(args.floor) / 10) : 0;
const rows: { it: (typeof items)[number]; p: Peaks }[] = [];
for (const it of items.filter((x) => x.key && x.keyTrusted)) rows.push({ it, p: await load(it, N) });

type Params = Required<TonalOptions>;
/** The product's path (PitchFrames → tuning → folded chroma → key) on cached peaks. */
function keyOf(p: Peaks, prm: Params): { key: Key | null; cents: number; info: string; confidence: number } {
  const pf = new PitchFrames(prm);
  const frames = p.start.length;
  for (let fr = 0; fr < frames; fr++) {
    pf.newFrame(p.energy[fr]);
    const end = fr + 1 < frames ? p.start[fr + 1] : p.f.length;
    for (let i = p.start[fr]; i < end; i++) if (p.f[i] >= 65 && p.r[i] >= FLOOR) pf.addPeak(p.f[i], p.m[i] * p.m[i]);
  }
  const cents = prm.tune ? estimateTuning(pf) : 0;
  const chroma = foldChroma(pf.fine, frames, cents);
  const bass = pf.bass ? foldChroma(pf.bass, frames, cents) : undefined;
  const maxE = p.energy.reduce((m, v) => (v > m ? v : m), 0);
  const active = p.energy.map((v) => maxE > 0 && v > maxE * 1e-6);
  const r = estimateKey(chroma, frames, active, prm.profile, prm.threshold, bass, prm);
  const top = r.strengths.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]).slice(0, 3).map(([v, i]) => `${keyName({ tonic: i % 12, mode: i < 12 ? 'major' : 'minor' })} ${v.toFixed(3)}`);
  const names = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'G#', 'A', 'Bb', 'B'];
  const info = `chroma ${r.chroma.map((v, i) => `${names[i]}:${(v * 100).toFixed(0)}`).join(' ')} | ${top.join(', ')}`;
  return { key: r.tonic === null ? null : { tonic: r.tonic, mode: r.mode! }, cents, info, confidence: r.confidence };
}

interface Score {
  mirex: number;
  major: string;
  minor: string;
  /** MIREX per directory (the eval dev set, then each --also set) */
  perDir: number[];
  kinds: Record<string, number>;
  /** summed MIREX over the game-MIDI rows (truth from the file's key signature, not made by a set's construction) and their count */
  game: [number, number];
}
function evaluate(prm: Params, verbose = false, subset?: Set<number>): Score {
  let s = 0;
  let n = 0;
  const by = { major: [0, 0], minor: [0, 0] };
  const dirS = DIRS.map(() => [0, 0]);
  const kinds: Record<string, number> = {};
  const game: [number, number] = [0, 0];
  rows.forEach(({ it, p }, i) => {
    if (subset && !subset.has(i)) return;
    const { key, cents, info } = keyOf(p, prm);
    const sc = key ? mirexKeyScore(it.key!, key) : 0;
    s += sc;
    n++;
    by[it.key!.mode][0] += sc;
    by[it.key!.mode][1]++;
    const d = dirS[DIRS.indexOf(it.dir)];
    d[0] += sc;
    d[1]++;
    if (it.sourceKind === 'game-midi') (game[0] += sc, game[1]++);
    const kind = confusion(it.key!, key);
    if (kind !== 'ok') kinds[kind] = (kinds[kind] ?? 0) + 1;
    if (verbose && sc < 1) console.log(`  ${it.file.padEnd(56)} truth ${keyName(it.key!).padEnd(9)} got ${(key ? keyName(key) : '—').padEnd(9)} (${sc} ${kind}) ${it.progression ?? ''} tuning ${cents.toFixed(0)} c\n      ${info}`);
  });
  return { mirex: s / n, major: `${by.major[0].toFixed(1)}/${by.major[1]}`, minor: `${by.minor[0].toFixed(1)}/${by.minor[1]}`, perDir: dirS.map(([a, b]) => a / b), kinds, game };
}

/** the settings shipped before this loop (tonal analyser version 2): the grids start from them */
const base: Params = { ...TONAL_DEFAULTS, profile: 'shaath', harmonics: 4, threshold: 0.2, chordWeight: 0, tune: false };
const show = (label: string, prm: Params) => {
  const r = evaluate(prm);
  const kinds = Object.entries(r.kinds).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`${label.padEnd(60)} MIREX ${r.mirex.toFixed(3)} [${r.perDir.map((x) => x.toFixed(3)).join(' | ')}] game-MIDI ${r.game[0].toFixed(1)}/${r.game[1]}  major ${r.major} minor ${r.minor}  misses: ${kinds || 'none'}`);
  return r;
};
console.log(`key dev: ${rows.length} files with a trusted key (N ${N})`);
show('shipped before (shaath, 4 harmonics, no tuning, no chords)', base);
show('now (TONAL_DEFAULTS)', TONAL_DEFAULTS);
if (args.grid) {
  for (const profile of Object.keys(KEY_PROFILES) as KeyProfileName[])
    for (const tune of [false, true]) for (const threshold of [0, 0.2]) show(`${profile} tune ${tune} thr ${threshold}`, { ...base, profile, tune, threshold });
}
if (VERBOSE) evaluate({ ...base, ...JSON.parse(args.params) }, true);
if (args.profiles)
  for (const profile of Object.keys(KEY_PROFILES) as KeyProfileName[]) for (const chordWeight of [1, 2, 3]) show(`shipped with ${profile} profile, chords × ${chordWeight}`, { ...TONAL_DEFAULTS, profile, chordWeight });
if (args.floors) {
  const keyless: Peaks[] = [];
  if (args.keyless)
    for (const x of (JSON.parse(readFileSync(join(args.keyless, 'manifest.json'), 'utf8')) as { items: EvalItem[] }).items)
      keyless.push(await load({ ...x, dir: args.keyless }, N, 'keyless'));
  for (const db of [0, 6, 9, 12, 15, 18, 21]) {
    FLOOR = Math.pow(10, db / 10);
    const r = show(`shipped, peaks ≥ ${db} dB over their band's floor`, TONAL_DEFAULTS);
    void r;
    if (keyless.length) {
      const c = keyless.map((p) => keyOf(p, TONAL_DEFAULTS).confidence);
      console.log(`    keyless ${c.length}: stated (≥ 0.5) ${c.filter((v) => v >= 0.5).length}, mean confidence ${(c.reduce((a, b) => a + b, 0) / c.length).toFixed(3)}`);
    }
  }
}
if (args.share !== undefined) {
  const R = Math.pow(10, Number(args.share) / 10);
  const share = (p: Peaks) => {
    let a = 0;
    let b = 0;
    for (let i = 0; i < p.f.length; i++) if (p.f[i] >= 65) (b += p.m[i], p.r[i] >= R && (a += p.m[i]));
    return b > 0 ? a / b : 0;
  };
  const q = (v: number[]) => { const s = [...v].sort((x, y) => x - y); return [0, 0.05, 0.25, 0.5].map((f) => s[Math.floor(f * (s.length - 1))].toFixed(3)).join(' / '); };
  for (const d of DIRS) { const v = rows.filter((r) => r.it.dir === d).map((r) => share(r.p)); console.log(`${d}: ${v.length} files, share min / 5 % / 25 % / median ${q(v)}`); const lo = rows.filter((r) => r.it.dir === d && share(r.p) < 0.5).map((r) => `${r.it.file} ${share(r.p).toFixed(3)}`); if (lo.length) console.log('   under 0.5: ' + lo.join(', ')); }
  if (args.keyless) {
    const v: string[] = [];
    for (const x of (JSON.parse(readFileSync(join(args.keyless, 'manifest.json'), 'utf8')) as { items: EvalItem[] }).items) v.push(share(await load({ ...x, dir: args.keyless }, N, 'keyless')).toFixed(2));
    console.log(`keyless: ${v.join(' ')}`);
  }
  for (const f of args.file) {
    const cap = new PeakCapture(N, N / 2);
    const p = (await analyzeFile(f, [cap])).results.peaks as Peaks;
    const k = keyOf(p, TONAL_DEFAULTS);
    console.log(`${f}: share ${share(p).toFixed(3)}; key at the --floor in force ${k.key ? keyName(k.key) : '—'} ${k.confidence}`);
  }
}
if (args.first) for (const firstWeight of [0.02, 0.05, 0.1, 0.2]) show(`shipped + first chord's key × ${firstWeight}`, { ...TONAL_DEFAULTS, firstWeight });
if (args.bass) {
  for (const profile of ['temperley', 'albrecht', 'krumhansl', 'shaath'] as KeyProfileName[])
    for (const bassHz of [150, 220, 300])
      for (const bassWeight of [0.25, 0.5, 1, 2]) show(`${profile} bass < ${bassHz} Hz × ${bassWeight}`, { ...base, tune: true, profile, bassHz, bassWeight });
}
if (args.chords) {
  for (const profile of ['temperley', 'albrecht', 'krumhansl', 'shaath', 'edma', 'temperley1999'] as KeyProfileName[])
    for (const chordWeight of [0, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5]) show(`${profile} chords × ${chordWeight}`, { ...base, tune: true, profile, chordWeight });
}
if (args.fine) {
  for (const profile of ['temperley', 'albrecht'] as KeyProfileName[])
    for (const harmonics of [1, 2, 3, 4])
      for (const harmonicDecay of harmonics > 1 ? [0.4, 0.6, 0.8] : [0.6])
        for (const threshold of [0, 0.2, 0.35])
          for (const chordWeight of [0.5, 0.75, 1]) show(`${profile} h ${harmonics} decay ${harmonicDecay} thr ${threshold} chords ${chordWeight}`, { ...base, tune: true, profile, harmonics, harmonicDecay, threshold, chordWeight });
}
if (args.h1) {
  for (const profile of ['temperley', 'albrecht', 'krumhansl', 'shaath'] as KeyProfileName[])
    for (const threshold of [0, 0.2, 0.3, 0.35, 0.45])
      for (const chordWeight of [0, 0.5, 0.75, 1, 1.5, 2, 3]) show(`${profile} h 1 thr ${threshold} chords ${chordWeight}`, { ...base, tune: true, profile, harmonics: 1, threshold, chordWeight });
}

// ---- --fit: a discriminative key score on the enlarged dev set, family-grouped CV ----------
// Per file and candidate key k: the profile correlation (as shipped), the frames' triad
// histogram seen from k (root interval above k's tonic × major/minor: 24 fractions, the
// harmonic-function table's input), the cadence rate (chord changes V → tonic triad of k,
// per chord change) and the bass chroma at k's tonic. score_k = a·corr + Σ T[mode][r][q]·hist
// + c·cadence + b·bass + m·[minor]; conditional logit over the 24 keys, L2 towards the shipped
// table (the prior), plain gradient descent. Grouped 5-fold CV by family next to the shipped
// rule on the same folds.
interface FileFeat {
  corr: number[];
  /** 24 keys × 24 (interval r·2 + minor) triad fractions seen from that key */
  hist: Float64Array;
  cad: number[];
  bass: number[];
  /** 1 for the key whose tonic triad is the first chord (a run of ≥ 3 frames) */
  first: number[];
  truth: number;
  ref: Key;
}
/** The cached spectral peaks (≥ 65 Hz, over the floor) fed frame by frame into PitchFrames (bass below 200 Hz). */
function pitchFramesOf(p: Peaks, prm: Params): PitchFrames {
  const pf = new PitchFrames({ ...prm, bassHz: 200 });
  const frames = p.start.length;
  for (let fr = 0; fr < frames; fr++) {
    pf.newFrame(p.energy[fr]);
    const end = fr + 1 < frames ? p.start[fr + 1] : p.f.length;
    for (let i = p.start[fr]; i < end; i++) if (p.f[i] >= 65 && p.r[i] >= FLOOR) pf.addPeak(p.f[i], p.m[i] * p.m[i]);
  }
  return pf;
}
function features(p: Peaks, prm: Params): FileFeat | null {
  const pf = pitchFramesOf(p, prm);
  const frames = p.start.length;
  const cents = prm.tune ? estimateTuning(pf) : 0;
  const chroma = foldChroma(pf.fine, frames, cents);
  const bassC = foldChroma(pf.bass!, frames, cents);
  const maxE = p.energy.reduce((m, v) => (v > m ? v : m), 0);
  const active = p.energy.map((v) => maxE > 0 && v > maxE * 1e-6);
  const r = estimateKey(chroma, frames, active, prm.profile, prm.threshold, undefined, { chordWeight: 0 });
  const triads = frameTriads(chroma, frames, active);
  const h = new Float64Array(24);
  let n = 0;
  for (const c of triads) if (c >= 0) (h[c]++, n++);
  const hist = new Float64Array(24 * 24);
  for (let k = 0; k < 24; k++) {
    const t = k % 12;
    for (let c = 0; c < 24; c++) if (h[c]) hist[k * 24 + (((c % 12) - t + 12) % 12) * 2 + (c < 12 ? 0 : 1)] = h[c] / Math.max(1, n);
  }
  // chord runs (≥ 3 frames), changes between them
  const runs: number[] = [];
  let prev = -2;
  let len = 0;
  for (let f = 0; f <= triads.length; f++) {
    const c = f < triads.length ? triads[f] : -3;
    if (c === prev) len++;
    else {
      if (prev >= 0 && len >= 3 && runs[runs.length - 1] !== prev) runs.push(prev);
      prev = c;
      len = 1;
    }
  }
  const cad = new Array(24).fill(0);
  for (let i = 1; i < runs.length; i++) {
    const a = runs[i - 1];
    const b = runs[i];
    if (a >= 12) continue; // the dominant is a major triad
    for (let k = 0; k < 24; k++) {
      const t = k % 12;
      const tonicTriad = k < 12 ? t : 12 + t;
      if (b === tonicTriad && a % 12 === (t + 7) % 12) cad[k] += 1 / (runs.length - 1);
    }
  }
  const bm = meanOf(bassC, frames, active);
  const bass = Array.from({ length: 24 }, (_, k) => bm[k % 12]);
  const first = new Array(24).fill(0);
  if (runs.length) first[runs[0]] = 1; // triad index = key index (C..B major, C..B minor)
  return r.tonic === null ? null : { corr: r.strengths, hist, cad, bass, first, truth: -1, ref: { tonic: 0, mode: 'major' } };
}
function meanOf(c: Float32Array, frames: number, active: boolean[]): number[] {
  const s = new Float64Array(12);
  for (let f = 0; f < frames; f++) if (active[f]) for (let i = 0; i < 12; i++) s[i] += c[f * 12 + i];
  const m = Math.max(...s);
  return Array.from(s, (x) => (m > 0 ? x / m : 0));
}
const FM: [number, number][] = [[1, -0.3], [-0.3, -0.3], [-0.3, 0.4], [-0.3, -0.3], [-0.3, 0.2], [0.7, 0], [-0.3, -0.3], [0.8, 0], [-0.3, -0.3], [-0.3, 0.4], [0.1, -0.3], [-0.3, -0.3]];
const Fm: [number, number][] = [[-0.3, 1], [-0.3, -0.3], [-0.3, -0.3], [0.3, -0.3], [-0.3, -0.3], [-0.3, 0.7], [-0.3, -0.3], [0.8, 0.3], [0.4, -0.3], [-0.3, -0.3], [0.3, -0.3], [-0.3, -0.3]];
/** θ: [a, c, b, m, f, T major (24), T minor (24)] */
const NP = 5 + 48;
function shippedTheta(scale: number): Float64Array {
  const th = new Float64Array(NP);
  th[0] = (1 / 3) * scale;
  for (let r = 0; r < 12; r++)
    for (let q = 0; q < 2; q++) {
      th[5 + r * 2 + q] = (2 / 3) * scale * FM[r][q];
      th[29 + r * 2 + q] = (2 / 3) * scale * Fm[r][q];
    }
  return th;
}
function scores(th: Float64Array, x: FileFeat): number[] {
  const s: number[] = [];
  for (let k = 0; k < 24; k++) {
    const T = k < 12 ? 5 : 29;
    let v = th[0] * x.corr[k] + th[1] * x.cad[k] + th[2] * x.bass[k] + (k >= 12 ? th[3] : 0) + th[4] * x.first[k];
    for (let j = 0; j < 24; j++) v += th[T + j] * x.hist[k * 24 + j];
    s.push(v);
  }
  return s;
}
function fit(train: FileFeat[], th0: Float64Array, lambda: number, free: boolean[], iters = 300, lr = 0.1): Float64Array {
  const th = Float64Array.from(th0);
  // Adam (Kingma & Ba 2015): the table's inputs are small fractions, plain steps barely move it
  const m1 = new Float64Array(NP);
  const m2 = new Float64Array(NP);
  for (let it = 0; it < iters; it++) {
    const g = new Float64Array(NP);
    for (const x of train) {
      const s = scores(th, x);
      const mx = Math.max(...s);
      const e = s.map((v) => Math.exp(v - mx));
      const Z = e.reduce((a, b) => a + b, 0);
      for (let k = 0; k < 24; k++) {
        const d = e[k] / Z - (k === x.truth ? 1 : 0);
        if (!d) continue;
        const T = k < 12 ? 5 : 29;
        g[4] += d * x.first[k];
        g[0] += d * x.corr[k];
        g[1] += d * x.cad[k];
        g[2] += d * x.bass[k];
        if (k >= 12) g[3] += d;
        for (let j = 0; j < 24; j++) g[T + j] += d * x.hist[k * 24 + j];
      }
    }
    for (let i = 0; i < NP; i++) {
      if (!free[i]) continue;
      const gi = g[i] / train.length + 2 * lambda * (th[i] - th0[i]);
      m1[i] = 0.9 * m1[i] + 0.1 * gi;
      m2[i] = 0.999 * m2[i] + 0.001 * gi * gi;
      th[i] -= (lr * (m1[i] / (1 - Math.pow(0.9, it + 1)))) / (Math.sqrt(m2[i] / (1 - Math.pow(0.999, it + 1))) + 1e-8);
    }
  }
  return th;
}
const argmax = (s: number[]) => s.reduce((bi, v, i) => (v > s[bi] ? i : bi), 0);
const keyOfIndex = (i: number): Key => ({ tonic: i % 12, mode: i < 12 ? 'major' : 'minor' });
if (args.fit) {
  const prm = { ...TONAL_DEFAULTS };
  const feats: FileFeat[] = [];
  const fam: string[] = [];
  const kind: string[] = [];
  const dirOf: number[] = [];
  for (const { it, p } of rows) {
    const x = features(p, prm);
    if (!x) continue;
    x.ref = it.key!;
    x.truth = it.key!.mode === 'major' ? it.key!.tonic : 12 + it.key!.tonic;
    feats.push(x);
    fam.push(it.family);
    kind.push(it.sourceKind);
    dirOf.push(DIRS.indexOf(it.dir));
  }
  const fams = [...new Set(fam)].sort();
  // deterministic fold per family (hash of its name)
  const foldOf = (f: string) => [...f].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) % 5;
  const mirex = (th: Float64Array, idx: number[]) => idx.reduce((s, i) => s + mirexKeyScore(feats[i].ref, keyOfIndex(argmax(scores(th, feats[i])))), 0) / idx.length;
  const all = feats.map((_, i) => i);
  const scale = 20;
  const th0 = shippedTheta(scale);
  console.log(`fit: ${feats.length} files, ${fams.length} families; shipped rule (as θ) MIREX ${mirex(th0, all).toFixed(3)}`);
  const variants: [string, boolean[]][] = [
    ['table only', Array.from({ length: NP }, (_, i) => i >= 5)],
    ['a, table', Array.from({ length: NP }, (_, i) => i >= 5 || i === 0)],
    ['a, c', Array.from({ length: NP }, (_, i) => i === 0 || i === 1)],
    ['a, b', Array.from({ length: NP }, (_, i) => i === 0 || i === 2)],
    ['a, f', Array.from({ length: NP }, (_, i) => i === 0 || i === 4)],
    ['a, c, b, m, f', Array.from({ length: NP }, (_, i) => i < 5)],
    ['a, c, table', Array.from({ length: NP }, (_, i) => i >= 5 || i <= 1)],
    ['all', Array.from({ length: NP }, () => true)],
  ];
  for (const lambda of args.lambda.split(',').map(Number))
    for (const [label, free] of variants) {
      const held: number[] = [];
      let s = 0;
      for (let f = 0; f < 5; f++) {
        const tr = all.filter((i) => foldOf(fam[i]) !== f);
        const te = all.filter((i) => foldOf(fam[i]) === f);
        if (!te.length) continue;
        const th = fit(tr.map((i) => feats[i]), th0, lambda, free);
        s += mirex(th, te) * te.length;
        held.push(...te);
      }
      const thAll = fit(feats, th0, lambda, free);
      // per set, the held-out predictions (each file scored by the fold that left it out)
      const perSet = DIRS.map((_, d) => held.filter((i) => dirOf[i] === d));
      // trained on the MMA songs only, scored on the MIDI songs (their first chord is not fixed by a truth rule)
      const mma = all.filter((i) => kind[i] === 'mma');
      const midi = all.filter((i) => kind[i] !== 'mma');
      const thM = fit(mma.map((i) => feats[i]), th0, lambda, free);
      void perSet;
      const foldScores = new Map<number, number>();
      for (let f = 0; f < 5; f++) {
        const tr = all.filter((i) => foldOf(fam[i]) !== f);
        const th = fit(tr.map((i) => feats[i]), th0, lambda, free);
        for (const i of all.filter((i) => foldOf(fam[i]) === f)) foldScores.set(i, mirexKeyScore(feats[i].ref, keyOfIndex(argmax(scores(th, feats[i])))));
      }
      const setCv = DIRS.map((_, d) => { const ix = all.filter((i) => dirOf[i] === d); return `${(ix.reduce((a, i) => a + foldScores.get(i)!, 0) / ix.length).toFixed(3)}/${mirex(th0, ix).toFixed(3)}`; }).join(' | ');
      console.log(`  λ ${String(lambda).padEnd(6)} ${label.padEnd(24)} CV MIREX ${(s / held.length).toFixed(3)} (shipped ${mirex(th0, held).toFixed(3)}) per set CV/shipped [${setCv}]  MMA→MIDI ${mirex(thM, midi).toFixed(3)} (shipped ${mirex(th0, midi).toFixed(3)}, ${midi.length} files)  fit on all ${mirex(thAll, all).toFixed(3)}  a ${thAll[0].toFixed(2)} c ${thAll[1].toFixed(2)} b ${thAll[2].toFixed(2)} m ${thAll[3].toFixed(2)} f ${thAll[4].toFixed(2)}`);
      if (args.theta) console.log(JSON.stringify(Array.from(thAll, (v) => Math.round(v * 1000) / 1000)));
    }
}
if (args.grid2) {
  // the shipped kind of rule (profile ⊕ harmonic function) on the enlarged set: per set, so a change must hold on each
  for (const profile of ['temperley', 'albrecht', 'krumhansl', 'edma'] as KeyProfileName[])
    for (const chordWeight of [1, 2, 3, 5])
      for (const threshold of [0.2, 0.35]) show(`${profile} chords × ${chordWeight} thr ${threshold}`, { ...TONAL_DEFAULTS, profile, chordWeight, threshold });
}

// ---- --learn: a learned key decision (issue 11), family-grouped CV ----------------------------
// A conditional logit over the 24 keys (McFadden 1974) whose every input is seen from the candidate
// key (the chroma rotated to its tonic, the triad histogram as intervals above it), so the model is
// transposition-equivariant: the same as training a 24-way classifier with all 12 transpositions of
// every file (12-fold augmentation), exactly. Inputs per candidate k: the shipped score (profile ⊕
// harmonic function), the mean chroma, the bass chroma (peaks < 200 Hz) and the frames' triad
// histogram, each seen from k with one weight per mode and position, k's authentic-cadence rate, and
// a minor bias. The first-heard chord is left out (key-set.ts songs start on the tonic by
// construction). L2 pulls every weight towards the shipped rule (θ₀: shipped score × SCALE, rest 0).
const LEARN_SCALE = 20;
/** θ layout: [shipped, cadence, minor, chroma maj 12, chroma min 12, bass maj 12, bass min 12, triads maj 24, triads min 24] */
const LP = 3 + 24 + 24 + 48;
/** per file: 24 keys × LP inputs */
interface LearnRow { x: Float64Array; truth: number; ref: Key; fam: string; dir: number; game: boolean; file: string; w: number }
function learnInputs(p: Peaks): Float64Array | null {
  const prm = TONAL_DEFAULTS;
  const pf = pitchFramesOf(p, prm);
  const frames = p.start.length;
  const cents = estimateTuning(pf);
  const chroma = foldChroma(pf.fine, frames, cents);
  const bassC = foldChroma(pf.bass!, frames, cents);
  const maxE = p.energy.reduce((m, v) => (v > m ? v : m), 0);
  const active = p.energy.map((v) => maxE > 0 && v > maxE * 1e-6);
  const triads = frameTriads(chroma, frames, active);
  const r = estimateKey(chroma, frames, active, prm.profile, prm.threshold, undefined, prm, triads);
  if (r.tonic === null) return null;
  const mean = r.chroma;
  const bm = meanOf(bassC, frames, active);
  const h = new Float64Array(24);
  let n = 0;
  for (const c of triads) if (c >= 0) (h[c]++, n++);
  const heard = frameTriads(chroma, frames, active, 0.35, 0.2);
  const x = new Float64Array(24 * LP);
  for (let k = 0; k < 24; k++) {
    const t = k % 12;
    const minor = k >= 12 ? 1 : 0;
    const o = k * LP;
    x[o] = r.strengths[k];
    x[o + 1] = cadenceRate(heard, k);
    x[o + 2] = minor;
    for (let i = 0; i < 12; i++) {
      x[o + 3 + minor * 12 + i] = mean[(t + i) % 12];
      x[o + 27 + minor * 12 + i] = bm[(t + i) % 12];
    }
    for (let c = 0; c < 24; c++) if (h[c]) x[o + 51 + minor * 24 + (((c % 12) - t + 12) % 12) * 2 + (c < 12 ? 0 : 1)] = h[c] / Math.max(1, n);
  }
  return x;
}
function learnScores(th: Float64Array, x: Float64Array): number[] {
  const s: number[] = [];
  for (let k = 0; k < 24; k++) {
    let v = 0;
    const o = k * LP;
    for (let j = 0; j < LP; j++) v += th[j] * x[o + j];
    s.push(v);
  }
  return s;
}
function learnFit(train: LearnRow[], th0: Float64Array, lambda: number, free: (j: number) => boolean, iters = 400, lr = 0.05): Float64Array {
  const th = Float64Array.from(th0);
  const m1 = new Float64Array(LP);
  const m2 = new Float64Array(LP);
  for (let it = 0; it < iters; it++) {
    const g = new Float64Array(LP);
    for (const row of train) {
      const s = learnScores(th, row.x);
      const mx = Math.max(...s);
      const e = s.map((v) => Math.exp(v - mx));
      const Z = e.reduce((a, b) => a + b, 0);
      for (let k = 0; k < 24; k++) {
        const d = row.w * (e[k] / Z - (k === row.truth ? 1 : 0));
        if (Math.abs(d) < 1e-12) continue;
        const o = k * LP;
        for (let j = 0; j < LP; j++) g[j] += d * row.x[o + j];
      }
    }
    for (let j = 0; j < LP; j++) {
      if (!free(j)) continue;
      const gj = g[j] / train.length + 2 * lambda * (th[j] - th0[j]);
      m1[j] = 0.9 * m1[j] + 0.1 * gj;
      m2[j] = 0.999 * m2[j] + 0.001 * gj * gj;
      th[j] -= (lr * (m1[j] / (1 - Math.pow(0.9, it + 1)))) / (Math.sqrt(m2[j] / (1 - Math.pow(0.999, it + 1))) + 1e-8);
    }
  }
  return th;
}
if (args.learn) {
  const data: LearnRow[] = [];
  for (const { it, p } of rows) {
    const x = learnInputs(p);
    if (!x) continue;
    data.push({ x, truth: it.key!.mode === 'major' ? it.key!.tonic : 12 + it.key!.tonic, ref: it.key!, fam: it.family, dir: DIRS.indexOf(it.dir), game: it.sourceKind === 'game-midi', file: it.file, w: 1 });
  }
  // --balance: each set weighs the same in the loss (the eval dev set has fewer files than key-set's)
  if (args.balance) for (const r of data) r.w = data.length / DIRS.length / data.filter((q) => q.dir === r.dir).length;
  const th0 = new Float64Array(LP);
  th0[0] = LEARN_SCALE;
  const K = Number(args.folds);
  // each family to one fold: a deterministic hash of its name
  const foldOf = (f: string) => [...f].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) % K;
  const score = (th: Float64Array, r: LearnRow) => mirexKeyScore(r.ref, keyOfIndex(argmax(learnScores(th, r.x))));
  const groups: [string, (j: number) => boolean][] = [
    ['shipped only (scale)', (j) => j === 0],
    ['+ cadence, minor', (j) => j < 3],
    ['+ chroma profile', (j) => j < 27],
    ['+ bass profile', (j) => j < 3 || (j >= 27 && j < 51)],
    ['+ triad table', (j) => j < 3 || j >= 51],
    ['+ chroma, bass', (j) => j < 51],
    ['all', () => true],
  ];
  const fams = new Set(data.map((r) => r.fam));
  console.log(`learn: ${data.length} files, ${fams.size} families, ${K}-fold family-grouped CV; shipped rule per set [${DIRS.map((_, d) => { const ix = data.filter((r) => r.dir === d); return (ix.reduce((a, r) => a + score(th0, r), 0) / ix.length).toFixed(3); }).join(' | ')}]`);
  for (const lambda of args.lambda.split(',').map(Number))
    for (const [label, free] of groups) {
      if (args.only && !label.includes(args.only)) continue;
      const cv = new Map<LearnRow, number>();
      for (let f = 0; f < K; f++) {
        const te = data.filter((r) => foldOf(r.fam) === f);
        if (!te.length) continue;
        const th = learnFit(data.filter((r) => foldOf(r.fam) !== f), th0, lambda, free);
        for (const r of te) cv.set(r, score(th, r));
      }
      const per = DIRS.map((_, d) => { const ix = data.filter((r) => r.dir === d); return (ix.reduce((a, r) => a + cv.get(r)!, 0) / ix.length).toFixed(3); });
      const game = data.filter((r) => r.game);
      const all = data.reduce((a, r) => a + cv.get(r)!, 0) / data.length;
      console.log(`  λ ${String(lambda).padEnd(6)} ${label.padEnd(22)} CV MIREX ${all.toFixed(3)} per set [${per.join(' | ')}] game-MIDI ${game.reduce((a, r) => a + cv.get(r)!, 0).toFixed(1)}/${game.length}`);
      if (VERBOSE)
        for (const r of data) {
          const was = score(th0, r);
          if (cv.get(r) !== was) console.log(`    ${r.file.padEnd(60)} truth ${keyName(r.ref).padEnd(9)} shipped ${was} → CV ${cv.get(r)}`);
        }
      if (args.theta) {
        const th = learnFit(data, th0, lambda, free);
        console.log(JSON.stringify(Array.from(th, (v) => Math.round(v * 1000) / 1000)));
      }
    }
}
