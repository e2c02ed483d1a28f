/**
 * Tempo and beats: log-spectral-flux onset envelope at ~11 kHz, global tempo
 * from a comb over the envelope's autocorrelation (with a log-normal tempo
 * prior, as librosa's), beats by dynamic programming (Ellis 2007).
 */
import { hann, RealFft } from '../dsp/fft';
import { FrameBuffer, SharedStreams, type MonoTap } from './dsp';
import type { Analyser } from './types';

export interface TempoResult {
  /** beats per minute, 0.1 resolution (null: no pulse found, e.g. silence) */
  bpm: number | null;
  /**
   * 0..1: calibrated probability that `bpm` is within 4 % of the tempo a
   * listener taps (TEMPO_MODEL.conf; on the development set, tempi stated at
   * 0.8 were right about 80 % of the time). 0 when bpm is null.
   */
  confidence: number;
  /** beat positions, seconds (ms resolution) */
  beats: number[];
}

export interface TempoOptions {
  minBpm?: number;
  maxBpm?: number;
  /** centre of the tempo prior, BPM */
  priorBpm?: number;
  /** width of the prior, octaves */
  priorOctaves?: number;
}

const N = 512;
const HOP = 256;
const BANDS = 40;
/** upper edge of the low (accent) bands, Hz */
const LOW_HZ = 200;

export class TempoAnalyser implements Analyser<TempoResult> {
  readonly name = 'tempo';
  readonly version = 2;
  private own: SharedStreams | null = null;
  private tap!: MonoTap;
  private readonly frames = new FrameBuffer(N, HOP);
  private readonly fft = new RealFft(N);
  private readonly win = hann(N);
  private readonly frame = new Float64Array(N);
  private readonly pow = new Float64Array(N / 2 + 1);
  /** first FFT bin of each band (BANDS + 1 edges) */
  private edges = new Int32Array(BANDS + 1);
  private prev = new Float64Array(BANDS);
  private first = true;
  private env = new Float32Array(4096);
  /** the same flux over the bands below ~200 Hz (kick drum, bass): the accents */
  private envLow = new Float32Array(4096);
  private envLen = 0;
  private lowBands = 1;
  private floor = 0;
  private readonly opts: Required<TempoOptions>;

  constructor(opts: TempoOptions = {}) {
    this.opts = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7, ...opts };
  }

  init(sampleRate: number, channels: number, shared?: SharedStreams): void {
    if (!shared) shared = this.own = new SharedStreams(sampleRate, channels);
    this.tap = shared.mono(11025);
    // Log-spaced bands from ~40 Hz to the top, each at least one bin wide.
    const fs = this.tap.rate;
    const lo = Math.log(40);
    const hi = Math.log(0.45 * fs);
    let k = 1;
    for (let b = 0; b <= BANDS; b++) {
      const f = Math.exp(lo + ((hi - lo) * b) / BANDS);
      k = Math.max(k + (b ? 1 : 0), Math.round((f * N) / fs));
      this.edges[b] = Math.min(k, N / 2 + 1);
    }
    this.lowBands = 1;
    while (this.lowBands < BANDS && (this.edges[this.lowBands + 1] * fs) / N <= LOW_HZ) this.lowBands++;
    // ~ −90 dB below a full-scale sinusoid's bin power (Hann: (N/4)²)
    this.floor = (N / 4) ** 2 * 1e-9;
  }

  process(block: Float32Array[]): void {
    if (this.own) this.own.process(block);
    this.frames.push(this.tap.current);
    if (this.own) this.own.endBlock();
    const frame = this.frame;
    const win = this.win;
    const pow = this.pow;
    const edges = this.edges;
    const prev = this.prev;
    const fl = this.floor;
    this.frames.frames((x, o) => {
      for (let i = 0; i < N; i++) frame[i] = x[o + i] * win[i];
      this.fft.powerSpectrum(frame, pow);
      let flux = 0;
      let low = 0;
      const lb = this.lowBands;
      for (let b = 0; b < BANDS; b++) {
        if (b === lb) low = flux;
        let e = 0;
        for (let k = edges[b], end = edges[b + 1]; k < end; k++) e += pow[k];
        const l = Math.log(e + fl * (edges[b + 1] - edges[b]));
        const d = l - prev[b];
        if (d > 0) flux += d;
        prev[b] = l;
      }
      this.push(this.first ? 0 : flux, this.first ? 0 : low);
      this.first = false;
    });
  }

  private push(v: number, low: number): void {
    if (this.envLen === this.env.length) {
      const b = new Float32Array(this.env.length * 2);
      b.set(this.env);
      this.env = b;
      const c = new Float32Array(this.env.length);
      c.set(this.envLow);
      this.envLow = c;
    }
    this.envLow[this.envLen] = low;
    this.env[this.envLen++] = v;
  }

  /** The onset envelope (one value per frame at `fps` frames/s, frame 0 at `t0` s): what finish() estimates from. */
  onsetEnvelope(): { env: Float32Array; low: Float32Array; fps: number; t0: number } {
    return { env: this.env.slice(0, this.envLen), low: this.envLow.slice(0, this.envLen), fps: this.tap.rate / HOP, t0: N / 2 / this.tap.rate - this.tap.delaySec };
  }

  finish(): TempoResult {
    const { env, low, fps, t0 } = this.onsetEnvelope();
    return estimateTempo(env, fps, t0, this.opts, TEMPO_MODEL, low);
  }
}

/** The features of one candidate tempo that the estimator scores linearly (TempoModel.weights). */
export const TEMPO_FEATURES = ['salience', 'lock', 'meter', 'alt', 'lowLock', 'lowAlt', 'octave', 'octave2', 'acf', 'dft'] as const;

/**
 * The tempo estimator's tuned numbers. Fitted on the DEVELOPMENT set of
 * tools/eval/build-set.ts by tools/eval/tune-tempo.ts (never on the test set).
 */
export interface TempoModel {
  /** centre (BPM) and width (octaves) of the log-normal prior that picks the first candidate */
  priorBpm: number;
  priorOctaves: number;
  /** candidate score = Σ weights[i] · feature[i], features in TEMPO_FEATURES order */
  weights: number[];
  /**
   * confidence = σ(c0 + c1·margin + c2·periodicity + c3·lock + c4·peakiness): logistic, fitted so a
   * stated 0.8 is right ~80 % of the time. margin: score of the chosen candidate minus the next (≤ 2);
   * periodicity: autocorrelation at the beat period; lock: the chosen candidate's; peakiness: ln of
   * the onset flux's 95th over its 50th percentile (onsets stand out of a drone's noise flux or not).
   */
  conf: [number, number, number, number, number];
  /** mean onset flux (natural-log band-energy rise per frame, summed over the 40 bands) below which there is no pulse at all */
  minFlux: number;
}

export const TEMPO_MODEL: TempoModel = {
  priorBpm: 100,
  priorOctaves: 1.2,
  weights: [0.538, -1.971, 5.677, -1.387, 0.92, -3.732, 1.967, -3.03, 2.159, -1.941],
  conf: [-1.126, 0.78, 0.636, -0.098, 0.677],
  minFlux: 1,
};

/** Candidate metrical levels, as multiples of the most salient tempo. */
const LEVELS = [1, 2, 0.5, 1.5, 2 / 3, 3, 1 / 3];

/** What the estimator saw for one candidate tempo (exported for the tuning script). */
export interface TempoCandidate {
  bpm: number;
  /** values in TEMPO_FEATURES order */
  features: number[];
  score: number;
  beats: number[];
}

/**
 * Tempo + beats from an onset envelope (`envIn`, one value per frame at `fps`
 * frames/s; `t0`: time of frame 0 in seconds; `envLow`: the same flux over
 * the bands below 200 Hz, optional).
 *
 * 1. Salience of every tempo from 40 to 240 BPM (1 % steps): the product of
 *    the envelope's autocorrelation at the beat period and the magnitude of
 *    its Fourier tempogram (8 s Hann windows, averaged) at the beat
 *    frequency — the autocorrelation also peaks at slower metrical levels,
 *    the DFT at faster ones, so the product favours the level both agree on
 *    (after Peeters 2007, Grosche & Müller 2011).
 * 2. Candidates: the most salient tempo T (with a wide prior) and
 *    T·{2, ½, 3/2, 2/3, 3, ⅓}, each moved to the nearest salience peak; for
 *    each, Ellis' (2007) dynamic-programming beat tracker over the whole
 *    track and what the tracked beats show: lock (onsets on the beats vs half
 *    a beat later), alternation (every 2nd or 3rd beat much stronger: these
 *    are subdivisions), the same two on the low bands (kick and bass
 *    accents), and the bar-level periodicity of that beat (autocorrelation at
 *    2 and 4 beats vs 3 and 6 beats: a duple or a triple meter). A linear
 *    score over these (TempoModel.weights, with a log-tempo term as the
 *    prior) picks the level.
 * 3. BPM refined by a line through the tracked beats; confidence calibrated
 *    (see TempoModel.conf).
 *
 * Returns bpm null (confidence 0, no beats) for fewer than 4 s of envelope or
 * a signal whose onset flux stays below `model.minFlux` (a steady tone).
 */
export function estimateTempo(envIn: Float32Array, fps: number, t0: number, opts: Required<TempoOptions>, model: TempoModel = TEMPO_MODEL, envLow?: Float32Array): TempoResult {
  return analyseTempo(envIn, fps, t0, opts, model, envLow).result;
}

/** Half-wave rectified envelope minus its 1 s moving average, RMS 1 (null when flat). */
function prepare(envIn: Float32Array, fps: number): Float64Array | null {
  const n = envIn.length;
  const env = new Float64Array(n);
  const w = Math.max(1, Math.round(fps / 2));
  let acc = 0;
  const pre = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) pre[i + 1] = pre[i] + envIn[i];
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - w);
    const b = Math.min(n, i + w + 1);
    const v = envIn[i] - (pre[b] - pre[a]) / (b - a);
    env[i] = v > 0 ? v : 0;
    acc += env[i] * env[i];
  }
  const rms = Math.sqrt(acc / n);
  if (!(rms > 1e-9)) return null;
  for (let i = 0; i < n; i++) env[i] /= rms;
  return env;
}

/** estimateTempo with the candidates it weighed (for the tuning script and tests). */
export function analyseTempo(
  envIn: Float32Array,
  fps: number,
  t0: number,
  opts: Required<TempoOptions>,
  model: TempoModel = TEMPO_MODEL,
  envLow?: Float32Array,
): { result: TempoResult; candidates: TempoCandidate[]; periodicity: number; peakiness: number; flux: number } {
  const n = envIn.length;
  const none = { result: { bpm: null, confidence: 0, beats: [] } as TempoResult, candidates: [], periodicity: 0, peakiness: 0, flux: 0 };
  if (n < fps * 4) return none;
  let flux = 0;
  for (let i = 0; i < n; i++) flux += envIn[i];
  flux /= n;
  if (!(flux >= model.minFlux)) return { ...none, flux };
  const env = prepare(envIn, fps);
  if (!env) return { ...none, flux };
  const low = (envLow && prepare(envLow, fps)) || env;
  const mean = env.reduce((s, v) => s + v, 0) / n;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = env[i] - mean;

  // Autocorrelation up to 6 beats of the slowest tempo.
  const maxLag = Math.min(n - 1, Math.ceil((60 * fps * 6) / opts.minBpm) + 2);
  const ac = new Float64Array(maxLag + 1);
  for (let l = 0; l <= maxLag; l++) {
    let s = 0;
    for (let i = l; i < n; i++) s += z[i] * z[i - l];
    ac[l] = s / (n - l);
  }
  if (!(ac[0] > 0)) return { ...none, flux };
  const acAt = (lag: number) => {
    if (lag >= maxLag) return 0;
    const i = Math.floor(lag);
    const f = lag - i;
    return (ac[i] * (1 - f) + ac[i + 1] * f) / ac[0];
  };
  // the autocorrelation's peak near a lag (±4 %), so a slightly-off grid point is not penalised
  const acPeak = (lag: number) => {
    let m = -Infinity;
    for (let d = -0.04; d <= 0.0401; d += 0.01) m = Math.max(m, acAt(lag * (1 + d)));
    return m;
  };

  // Tempo grid (1 % steps) and the two tempograms.
  const grid: number[] = [];
  for (let b = opts.minBpm; b <= opts.maxBpm * 1.0001; b *= 1.01) grid.push(b);
  const dft = dftTempogram(z, fps, grid);
  let dmax = 0;
  for (const v of dft) if (v > dmax) dmax = v;
  const hybrid = grid.map((b, i) => Math.max(0, acPeak((60 * fps) / b)) * (dmax > 0 ? dft[i] / dmax : 0));
  const prior = (b: number) => {
    const o = Math.log2(b / model.priorBpm) / model.priorOctaves;
    return -0.5 * o * o;
  };
  let bi = 0;
  for (let i = 1; i < grid.length; i++) if (Math.log(hybrid[i] + 1e-9) + prior(grid[i]) > Math.log(hybrid[bi] + 1e-9) + prior(grid[bi])) bi = i;
  const top = hybrid[bi];
  if (!(top > 0)) return { ...none, flux };
  const gridIndex = (b: number) => Math.round(Math.log(b / opts.minBpm) / Math.log(1.01));

  // Candidates at the related metrical levels, each on its local salience peak (±3 %).
  const candidates: TempoCandidate[] = [];
  for (const f of LEVELS) {
    const b = grid[bi] * f;
    if (b < opts.minBpm * 0.97 || b > opts.maxBpm * 1.03) continue;
    const c = gridIndex(b);
    let j = Math.max(0, Math.min(grid.length - 1, c));
    for (let k = Math.max(0, c - 3); k <= Math.min(grid.length - 1, c + 3); k++) if (hybrid[k] > hybrid[j]) j = k;
    const bpm = grid[j];
    if (candidates.some((x) => Math.abs(x.bpm / bpm - 1) < 0.02)) continue;
    const period = (60 * fps) / bpm;
    const beats = trackBeats(env, period);
    const full = beatLock(env, beats, period);
    const lo = beatLock(low, beats, period);
    const meter = Math.max((acPeak(2 * period) + acPeak(4 * period)) / 2, (acPeak(3 * period) + acPeak(6 * period)) / 2);
    const salience = Math.max(-5, Math.log((hybrid[j] + 1e-6 * top) / top));
    const octave = Math.log2(bpm / 120);
    const features = [salience, full.lock, meter, full.alt, lo.lock, lo.alt, octave, octave * octave, acPeak(period), dmax > 0 ? dft[j] / dmax : 0];
    let score = 0;
    for (let k = 0; k < features.length; k++) score += (model.weights[k] ?? 0) * features[k];
    candidates.push({ bpm, features, score, beats });
  }
  candidates.sort((a, b) => b.score - a.score);
  const best = candidates[0];
  const period = (60 * fps) / best.bpm;
  const periodicity = Math.max(0, acPeak(period));
  const margin = candidates.length > 1 ? best.score - candidates[1].score : 1;
  const sorted = Float32Array.from(envIn).sort();
  const peakiness = Math.log((sorted[Math.floor(0.95 * (n - 1))] + 1e-6) / (sorted[Math.floor(0.5 * (n - 1))] + 1e-6));
  const [c0, c1, c2, c3, c4] = model.conf;
  const confidence = 1 / (1 + Math.exp(-(c0 + c1 * Math.min(margin, 2) + c2 * periodicity + c3 * best.features[1] + c4 * peakiness)));
  const beats = best.beats.map((f) => Math.round((t0 + f / fps) * 1000) / 1000).filter((t) => t >= 0);
  // The grid's resolution is 1 %; a straight line through the beat positions (which the
  // DP placed freely) gives the tempo of a steady track more precisely.
  const fitted = fitPeriod(best.beats, period);
  const bpm = fitted ? (60 * fps) / fitted : best.bpm;
  return {
    result: { bpm: Math.round(bpm * 10) / 10, confidence: Math.round(confidence * 1000) / 1000, beats },
    candidates,
    periodicity,
    peakiness,
    flux,
  };
}

/**
 * Fourier tempogram: for each tempo in `bpms`, the magnitude of the
 * envelope's DFT at bpm/60 Hz, in 8 s Hann windows (hop 4 s), averaged over
 * the windows (Grosche & Müller 2011, without the local phase).
 */
function dftTempogram(z: Float64Array, fps: number, bpms: number[]): Float64Array {
  const n = z.length;
  const W = Math.min(n, Math.round(8 * fps));
  const hop = Math.max(1, W >> 1);
  const win = new Float64Array(W);
  for (let i = 0; i < W; i++) win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / W);
  const out = new Float64Array(bpms.length);
  let windows = 0;
  const seg = new Float64Array(W);
  for (let a = 0; a + W <= n; a += hop) {
    for (let i = 0; i < W; i++) seg[i] = z[a + i] * win[i];
    for (let k = 0; k < bpms.length; k++) {
      const w = (2 * Math.PI * bpms[k]) / 60 / fps;
      // rotate (c, s) by w each step instead of calling cos/sin per sample
      const cw = Math.cos(w);
      const sw = Math.sin(w);
      let c = 1;
      let s = 0;
      let re = 0;
      let im = 0;
      for (let i = 0; i < W; i++) {
        re += seg[i] * c;
        im += seg[i] * s;
        const c2 = c * cw - s * sw;
        s = s * cw + c * sw;
        c = c2;
      }
      out[k] += Math.sqrt(re * re + im * im);
    }
    windows++;
  }
  if (windows) for (let k = 0; k < out.length; k++) out[k] /= windows;
  return out;
}

/**
 * How the tracked beats sit in the onsets: `lock`, onset strength on the beats
 * against half a beat later (−1..1; 1: all onsets on the beats), and `alt`,
 * the alternation of the beats' strengths — grouped in 2s or 3s, the
 * strongest phase against the weakest (0..1; high: the beats are
 * subdivisions of a slower beat).
 */
function beatLock(env: Float64Array, beats: number[], period: number): { lock: number; alt: number } {
  if (beats.length < 6) return { lock: -1, alt: 1 };
  const n = env.length;
  const near = (t: number) => {
    const i = Math.round(t);
    let m = 0;
    for (let j = Math.max(0, i - 1); j <= Math.min(n - 1, i + 1); j++) if (env[j] > m) m = env[j];
    return m;
  };
  let on = 0;
  let off = 0;
  const s = beats.map(near);
  for (let i = 0; i < beats.length; i++) {
    on += s[i];
    off += near(beats[i] + period / 2);
  }
  let alt = 0;
  for (const g of [2, 3]) {
    const sum = new Array(g).fill(0);
    const cnt = new Array(g).fill(0);
    for (let i = 0; i < s.length; i++) {
      sum[i % g] += s[i];
      cnt[i % g]++;
    }
    const means = sum.map((v, k) => v / Math.max(1, cnt[k]));
    const hi = Math.max(...means);
    const lo = Math.min(...means);
    alt = Math.max(alt, (hi - lo) / (hi + lo + 1e-9));
  }
  return { lock: (on - off) / (on + off + 1e-9), alt };
}

/**
 * Least-squares beat period (frames) of the longest run of beats whose
 * spacing stays within 10 % of `period`; null when fewer than 8 such beats or
 * the fit strays more than 3 % from `period`.
 */
function fitPeriod(beats: number[], period: number): number | null {
  let bestA = 0;
  let bestB = 0;
  for (let a = 0; a < beats.length; ) {
    let b = a + 1;
    while (b < beats.length && Math.abs(beats[b] - beats[b - 1] - period) <= 0.1 * period) b++;
    if (b - a > bestB - bestA) {
      bestA = a;
      bestB = b;
    }
    a = b;
  }
  const n = bestB - bestA;
  if (n < 8) return null;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const y = beats[bestA + i];
    sx += i;
    sy += y;
    sxx += i * i;
    sxy += i * y;
  }
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return Math.abs(slope - period) <= 0.03 * period ? slope : null;
}

/** Ellis (2007) dynamic-programming beat tracker on an onset envelope with a known period (frames). */
export function trackBeats(env: Float64Array, period: number, tightness = 100): number[] {
  const n = env.length;
  // Local score: onset envelope smoothed by a Gaussian of σ = period/32.
  const half = Math.max(1, Math.round(period));
  const g = new Float64Array(2 * half + 1);
  for (let i = -half; i <= half; i++) g[i + half] = Math.exp(-0.5 * ((i * 32) / period) ** 2);
  const local = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const a = Math.max(0, i - half);
    const b = Math.min(n - 1, i + half);
    for (let j = a; j <= b; j++) s += env[j] * g[j - i + half];
    local[i] = s;
  }
  const C = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  const lo = Math.round(2 * period);
  const hi = Math.max(1, Math.round(period / 2));
  // penalty table by distance d = t − τ
  const pen = new Float64Array(lo + 1);
  for (let d = hi; d <= lo; d++) pen[d] = -tightness * Math.log(d / period) ** 2;
  for (let t = 0; t < n; t++) {
    let best = 0;
    let arg = -1;
    for (let d = hi; d <= lo && t - d >= 0; d++) {
      const v = C[t - d] + pen[d];
      if (v > best) {
        best = v;
        arg = t - d;
      }
    }
    C[t] = local[t] + best;
    back[t] = arg;
  }
  // Last beat: the last local maximum of C above half the median of its local maxima.
  const peaks: number[] = [];
  for (let t = 1; t < n - 1; t++) if (C[t] > C[t - 1] && C[t] >= C[t + 1]) peaks.push(t);
  if (!peaks.length) return [];
  const sorted = peaks.map((t) => C[t]).sort((a, b) => a - b);
  const med = sorted[sorted.length >> 1];
  let last = peaks[peaks.length - 1];
  for (let i = peaks.length - 1; i >= 0; i--) {
    if (C[peaks[i]] >= 0.5 * med) {
      last = peaks[i];
      break;
    }
  }
  const beats: number[] = [];
  for (let t = last; t >= 0; t = back[t]) beats.push(t);
  beats.reverse();
  // Trim weak beats at both ends (silence before/after the music).
  const strength = beats.map((b) => local[b]);
  const rmsB = Math.sqrt(strength.reduce((s, v) => s + v * v, 0) / strength.length);
  let a = 0;
  let b = beats.length;
  while (a < b && strength[a] < 0.5 * rmsB) a++;
  while (b > a && strength[b - 1] < 0.5 * rmsB) b--;
  return beats.slice(a, b);
}
