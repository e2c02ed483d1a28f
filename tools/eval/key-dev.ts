// Development-set loop for the KEY analyser (issue 11), beside dev-cache.ts (which
// is the tempo loop): decodes each DEV file once, keeps every frame's spectral
// peaks (frequency, magnitude) of the key analyser's own spectrum in
// OUT/work/key-dev/, then re-runs chroma + key from the peaks with other
// settings (tuning, harmonics, bass chroma, profiles, thresholds) in seconds.
// Never reads the test set.
//
//   nice node --import tsx tools/eval/key-dev.ts [--out test/output/eval] [--verbose [--params JSON]] [--grid] [--bass] [--chords] [--fine] [--h1]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { hann, RealFft } from '../../main/engine/dsp/fft';
import { FrameBuffer, type MonoTap, type SharedStreams } from '../../main/engine/dsp/streams';
import { keyName, mirexKeyScore, type Key } from '../../main/engine/analysis/keys';
import { estimateKey, estimateTuning, foldChroma, KEY_PROFILES, pickSpectralPeaks, PitchFrames, TONAL_DEFAULTS, TonalAnalyser, type KeyProfileName, type TonalOptions } from '../../main/engine/analysis/tonal';
import type { Analyser } from '../../main/engine/analysis/types';
import type { EvalItem } from './build-set';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'test/output/eval' },
    n: { type: 'string', default: '2048' },
    params: { type: 'string', default: '{}' },
    verbose: { type: 'boolean', default: false },
    grid: { type: 'boolean', default: false },
    bass: { type: 'boolean', default: false },
    chords: { type: 'boolean', default: false },
    fine: { type: 'boolean', default: false },
    h1: { type: 'boolean', default: false },
  },
});
const OUT = args.out;
const VERBOSE = args.verbose;
const CACHE = join(OUT, 'work', 'key-dev');
mkdirSync(CACHE, { recursive: true });
const items: EvalItem[] = (JSON.parse(readFileSync(join(OUT, 'manifest.json'), 'utf8')) as { items: EvalItem[] }).items.filter((x) => x.set === 'dev' && existsSync(join(OUT, 'dev', x.file)));

/** Every frame's peaks as the product's analyser sees them (TonalAnalyser's frame and rate). */
interface Peaks {
  /** per frame: offsets into f/m */
  start: number[];
  f: Float32Array;
  m: Float32Array;
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
      pickSpectralPeaks(P, kmin, kmax, maxP, fs, N, (f, p) => {
        this.f.push(f);
        this.m.push(Math.sqrt(p));
      });
    });
  }
  finish(): Peaks {
    return { start: this.start, f: Float32Array.from(this.f), m: Float32Array.from(this.m), energy: this.energy };
  }
}

async function load(it: EvalItem, n: number): Promise<Peaks> {
  const base = join(CACHE, `${it.file.replace(/\.mp3$/, '')}-${n}`);
  if (existsSync(base + '.json')) {
    const j = JSON.parse(readFileSync(base + '.json', 'utf8'));
    return { start: j.start, energy: j.energy, f: new Float32Array(readFileSync(base + '.f').buffer.slice(0)), m: new Float32Array(readFileSync(base + '.m').buffer.slice(0)) };
  }
  const cap = new PeakCapture(n, n / 2);
  const run = await analyzeFile(join(OUT, 'dev', it.file), [cap, new TonalAnalyser()]);
  const p = run.results.peaks as Peaks;
  writeFileSync(base + '.json', JSON.stringify({ start: p.start, energy: p.energy }));
  writeFileSync(base + '.f', Buffer.from(p.f.buffer));
  writeFileSync(base + '.m', Buffer.from(p.m.buffer));
  return p;
}

const N = Number(args.n);
const rows: { it: EvalItem; p: Peaks }[] = [];
for (const it of items.filter((x) => x.key && x.keyTrusted)) rows.push({ it, p: await load(it, N) });

type Params = Required<TonalOptions>;
/** The product's path (PitchFrames → tuning → folded chroma → key) on cached peaks. */
function keyOf(p: Peaks, prm: Params): { key: Key | null; cents: number; info: string } {
  const pf = new PitchFrames(prm);
  const frames = p.start.length;
  for (let fr = 0; fr < frames; fr++) {
    pf.newFrame(p.energy[fr]);
    const end = fr + 1 < frames ? p.start[fr + 1] : p.f.length;
    for (let i = p.start[fr]; i < end; i++) if (p.f[i] >= 65) pf.addPeak(p.f[i], p.m[i] * p.m[i]);
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
  return { key: r.tonic === null ? null : { tonic: r.tonic, mode: r.mode! }, cents, info };
}

function evaluate(prm: Params, verbose = false): { mirex: number; major: string; minor: string } {
  let s = 0;
  const by = { major: [0, 0], minor: [0, 0] };
  for (const { it, p } of rows) {
    const { key, cents, info } = keyOf(p, prm);
    const sc = key ? mirexKeyScore(it.key!, key) : 0;
    s += sc;
    by[it.key!.mode][0] += sc;
    by[it.key!.mode][1]++;
    if (verbose && sc < 1) console.log(`  ${it.file.padEnd(56)} truth ${keyName(it.key!).padEnd(9)} got ${(key ? keyName(key) : '—').padEnd(9)} (${sc}) tuning ${cents.toFixed(0)} c\n      ${info}`);
  }
  return { mirex: s / rows.length, major: `${by.major[0].toFixed(1)}/${by.major[1]}`, minor: `${by.minor[0].toFixed(1)}/${by.minor[1]}` };
}

/** the settings shipped before this loop (tonal analyser version 2): the grids start from them */
const base: Params = { ...TONAL_DEFAULTS, profile: 'shaath', harmonics: 4, threshold: 0.2, chordWeight: 0, tune: false };
const show = (label: string, prm: Params) => {
  const r = evaluate(prm);
  console.log(`${label.padEnd(60)} MIREX ${r.mirex.toFixed(3)}  major ${r.major} minor ${r.minor}`);
};
console.log(`key dev: ${rows.length} files with a trusted key (N ${N})`);
show('shipped before (shaath, 4 harmonics, no tuning, no chords)', base);
show('now (TONAL_DEFAULTS)', TONAL_DEFAULTS);
if (args.grid) {
  for (const profile of Object.keys(KEY_PROFILES) as KeyProfileName[])
    for (const tune of [false, true]) for (const threshold of [0, 0.2]) show(`${profile} tune ${tune} thr ${threshold}`, { ...base, profile, tune, threshold });
}
if (VERBOSE) evaluate({ ...base, ...JSON.parse(args.params) }, true);
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
