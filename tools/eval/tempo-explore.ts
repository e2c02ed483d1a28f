// Exploration code of the tempo analyser (issue 11) that the product does not run: every
// metrical level's beat-tracking statistics (tempoCandidates, for tools/eval/dev-cache.ts) and
// the octave features that OCTAVE_MODEL does not weigh (octaveCandidatesAll, for
// tools/eval/octave-train.ts, which cross-validates them). Built on the analyser's own
// internals (main/engine/analysis/tempo.ts), so what it measures is what the product computes.
import { backbeatStrength } from '../../main/engine/analysis/backbeat';
import { correlation } from '../../main/engine/dsp/streams';
import {
  autocorrelate,
  BAND_FEATURES,
  beatDiffs,
  chooseLevel,
  condition,
  DFT_WINDOW_SEC,
  fourierTempo,
  LEVEL_TUNING,
  levelTempi,
  OCTAVE_FEATURES,
  octaveCandidates,
  octaveTempi,
  onsetRate,
  periodicity,
  smoothEnv,
  STEP,
  trackBeats,
  type LevelTuning,
  type OctaveCandidate,
  type Periodicity,
  type TempoOptions,
} from '../../main/engine/analysis/tempo';

/** One metrical level considered for the beat: a tempo related to the comb's pick by a simple ratio, and how the beat tracker fares at it. */
export interface TempoCandidate {
  /** ratio to the comb's pick with the prior: '1/3', '1/2', '2/3', '1', '3/2', '2', '3' */
  rel: string;
  bpm: number;
  /** comb score without prior, relative to the best comb score in the range */
  salience: number;
  /** the log-normal tempo prior at bpm (0..1) */
  prior: number;
  /** mean smoothed onset strength at the tracked beats ÷ its mean over the track */
  lock: number;
  /** at the midpoints between beats ÷ at the beats */
  half: number;
  /** at the thirds between beats ÷ at the beats */
  third: number;
  /** weaker ÷ stronger of the mean strength at even and at odd beats */
  alt: number;
  /** envelope autocorrelation ÷ its value at lag 0, at half a beat, one beat and two beats */
  acHalf: number;
  acBeat: number;
  acTwo: number;
  /** Fourier tempogram at bpm (fourierTempo) ÷ the envelope's mean: the pulse train's energy at the beat frequency */
  dft: number;
  /** the same per band group (flux below 250 Hz, 250–2000 Hz, above), empty without band envelopes */
  dftBands: number[];
  /** the beat tracker's beats at this tempo (envelope frames) */
  beats: number[];
  /** beat-synchronous feature differences at lags 1..4 beats (beatDiffs), null without band envelopes or under MIN_METER_BEATS beats */
  diffs: number[] | null;
}

/** The candidate levels of an onset envelope (exploration, tools/eval/dev-cache.ts); null where estimateTempo finds no tempo. */
export function tempoCandidates(envIn: Float32Array, fps: number, opts: Required<TempoOptions>, bands?: Float32Array, dftWindowSec = DFT_WINDOW_SEC): TempoCandidate[] | null {
  const p = periodicity(envIn, fps, opts);
  return p ? metricalLevels(p, fps, opts, bands, undefined, dftWindowSec) : null;
}


/**
 * The comb's pick with the prior, and the levels at 1/3, 1/2, 2/3, 3/2, 2 and
 * 3 times its tempo inside [minBpm, maxBpm], each moved to the comb's local
 * maximum within ±3 % and tracked (trackBeats) over the whole envelope.
 */
function metricalLevels(p: Periodicity, fps: number, opts: Required<TempoOptions>, bands?: Float32Array, only?: string[], dftWindowSec = DFT_WINDOW_SEC): TempoCandidate[] {
  const { env, ac, acAt } = p;
  const tempi = levelTempi(p, fps, opts, dftWindowSec);
  if (!tempi.length) return [];
  const base = tempi.find((l) => l.rel === '1')!.bpm;
  const local = smoothEnv(env, (60 * fps) / base);
  let meanLocal = 0;
  for (let i = 0; i < local.length; i++) meanLocal += local[i];
  meanLocal /= local.length;
  const at = (t: number) => {
    const i = Math.floor(t);
    const g = t - i;
    return i + 1 < local.length ? local[i] * (1 - g) + local[i + 1] * g : 0;
  };
  let bandEnvs: Float64Array[] | null = null;
  if (bands) {
    const nf = Math.floor(bands.length / BAND_FEATURES);
    bandEnvs = [0, 1, 2].map((g) => {
      const e = new Float64Array(nf);
      for (let i = 0; i < nf; i++) e[i] = bands[BAND_FEATURES * i + g];
      return e;
    });
  }
  const out: TempoCandidate[] = [];
  for (const lt of tempi) {
    const { rel, bpm } = lt;
    if (only && !only.includes(rel)) continue;
    const period = (60 * fps) / bpm;
    // the comb's own level is tracked on the local score already smoothed at its period
    const beats = trackBeats(env, period, 100, rel === '1' ? local : undefined);
    let sb = 0;
    let sh = 0;
    let st = 0;
    const eo = [0, 0];
    const en = [0, 0];
    for (let i = 0; i < beats.length; i++) {
      const v = at(beats[i]);
      sb += v;
      eo[i & 1] += v;
      en[i & 1]++;
      if (i + 1 < beats.length) {
        const d = beats[i + 1] - beats[i];
        sh += at(beats[i] + d / 2);
        st += (at(beats[i] + d / 3) + at(beats[i] + (2 * d) / 3)) / 2;
      }
    }
    const nb = Math.max(1, beats.length);
    const mb = sb / nb || 1e-9;
    const e0 = eo[0] / Math.max(1, en[0]);
    const e1 = eo[1] / Math.max(1, en[1]);
    out.push({
      ...lt,
      lock: mb / (meanLocal || 1e-9),
      half: sh / Math.max(1, nb - 1) / mb,
      third: st / Math.max(1, nb - 1) / mb,
      alt: Math.min(e0, e1) / Math.max(e0, e1, 1e-9),
      acHalf: acAt(period / 2) / ac[0],
      acBeat: acAt(period) / ac[0],
      acTwo: acAt(2 * period) / ac[0],
      dftBands: bandEnvs ? bandEnvs.map((e) => fourierTempo(e, fps, bpm, dftWindowSec)) : [],
      beats,
      diffs: bands ? beatDiffs(bands, beats) : null,
    });
  }
  return out;
}

/** The octave features tried and not kept (appended after OCTAVE_FEATURES in octaveCandidatesAll). */
export const EXTRA_OCTAVE_FEATURES = [
  'z·density', // z × log2(onsets per second ÷ 4): the prior's centre moves with how busy the track is
  'backbeat', // −corr(bass level, middle level) over the beats at b: a duple drum pattern alternates kick and snare at the beat level
  'bass alt', // |bass level at even − odd beats| ÷ their sum
  'half', // onset strength at the midpoints between beats ÷ at the beats
  'log bass comb', // log comb salience at b of the bass band's onsets (below 250 Hz): kick and bass line
  'log treble comb', // the same above 250 Hz: snare, hi-hat, chords
  'z·treble density', // z × log2(onsets above 250 Hz per second ÷ 4)
  'log lock', // log(mean smoothed onset strength at the beats tracked at b ÷ its mean over the track): how well the tracker locks at b itself
  'log bass dft', // log Fourier tempogram of the bass band's conditioned onsets at b
  'log backbeat', // log(0.05 + backbeat.ts backbeatStrength at b): the flux below 2 kHz repeats every 4 beats at b (a half bar of b/2, or b's bar)
  'log backbeat 2', // log(0.05 + the same at 2b): the flux below 2 kHz repeats every 2 beats at b (a backbeat at b)
] as const;
/** every feature octave-train.ts can weigh: the product's, then the extra ones */
export const ALL_OCTAVE_FEATURES = [...OCTAVE_FEATURES, ...EXTRA_OCTAVE_FEATURES] as const;

/**
 * The product's octave candidates (octaveCandidates: the same tempi, the OCTAVE_FEATURES values)
 * with EXTRA_OCTAVE_FEATURES appended, computed on the same beats; null where there is no tempo.
 * Backbeat: a duple drum pattern alternates bass (kick) and middle (snare) onsets from beat to beat
 * at the beat level, so their strengths over the beats are anti-correlated there, while at the
 * eighth level both land on the same (on-) beats and correlate, and at half tempo every beat
 * carries the kick (Gkiokas 2012, Schreiber & Müller 2018 use the same bass / treble split).
 */
export function octaveCandidatesAll(envIn: Float32Array, fps: number, opts: Required<TempoOptions>, bands?: Float32Array, tuning: LevelTuning = LEVEL_TUNING): OctaveCandidate[] | null {
  const base = octaveCandidates(envIn, fps, opts, bands, tuning);
  if (!base) return null;
  const p = periodicity(envIn, fps, opts) as Periodicity;
  const bpm = chooseLevel(levelTempi(p, fps, opts, tuning.dftWindowSec), tuning.priorWeight).bpm;
  const { tempi, beats, local } = octaveTempi(p, fps, opts, bpm, bands);
  const { env, scores } = p;
  const n = env.length;
  const density = Math.log2(onsetRate(env, fps) / 4);
  const nf = bands ? Math.floor(bands.length / BAND_FEATURES) : 0;
  const levelAt = (g: number, t: number) => {
    let m = -Infinity;
    for (let f = Math.max(0, Math.round(t) - 1); f <= Math.min(nf - 1, Math.round(t) + 2); f++) m = Math.max(m, bands![BAND_FEATURES * f + g]);
    return Number.isFinite(m) ? m : 0;
  };
  const at = (t: number) => {
    const i = Math.floor(t);
    const g = t - i;
    return i + 1 < n ? local[i] * (1 - g) + local[i + 1] * g : 0;
  };
  // the comb of the bass band's onset flux and of the bands above (conditioned as the full envelope)
  const bandScores: (Float64Array | null)[] = [null, null];
  let trebleDensity = 0;
  let bassEnv: Float64Array | null = null;
  if (nf)
    [[0], [1, 2]].forEach((gs, k) => {
      const e = new Float32Array(nf);
      for (let i = 0; i < nf; i++) for (const g of gs) e[i] += bands![BAND_FEATURES * i + g];
      const c = condition(e, fps);
      if (!c) return;
      if (k) trebleDensity = Math.log2(onsetRate(c, fps) / 4);
      else bassEnv = c;
      bandScores[k] = autocorrelate(c, fps, opts)?.scores ?? null;
    });
  return base.map((cand, ci) => {
    const b = tempi[ci];
    if (Math.abs(b - cand.bpm) > 1e-9) throw new Error('octave candidates out of step');
    const f = b / bpm;
    // the beats at b: the tracked ones, every other one (the stronger phase) or with their midpoints
    let bt: number[] = beats;
    if (f < 0.75) {
      let s0 = 0;
      let s1 = 0;
      beats.forEach((t, i) => (i & 1 ? (s1 += at(t)) : (s0 += at(t))));
      bt = beats.filter((_, i) => (i & 1) === (s0 >= s1 ? 0 : 1));
    } else if (f > 1.5) {
      bt = [];
      beats.forEach((t, i) => {
        bt.push(t);
        if (i + 1 < beats.length) bt.push((t + beats[i + 1]) / 2);
      });
    }
    const j = Math.min(scores.length - 1, Math.max(0, Math.round((b - opts.minBpm) / STEP)));
    const z = Math.log2(b / 120);
    let backbeat = 0;
    let alt = 0;
    let half = 0;
    if (bt.length >= 4) {
      let sb = 0;
      let sh = 0;
      for (let i = 0; i + 1 < bt.length; i++) {
        sb += at(bt[i]);
        sh += at((bt[i] + bt[i + 1]) / 2);
      }
      half = sb > 0 ? sh / sb : 0;
      if (nf) {
        // the bands' loudest log energy at the beat (the flux of a bass note on every beat would hide the kick)
        const lo = bt.map((t) => levelAt(3, t));
        const mid = bt.map((t) => levelAt(4, t));
        backbeat = -correlation(lo, mid);
        let e = 0;
        let o = 0;
        lo.forEach((v, i) => (i & 1 ? (o += v) : (e += v)));
        alt = e + o > 0 ? Math.abs(e - o) / (e + o) : 0;
      }
    }
    const bandComb = bandScores.map((sc) => {
      if (!sc) return 0;
      let t = 0;
      for (let i = 0; i < sc.length; i++) if (sc[i] > t) t = sc[i];
      return Math.log(0.05 + (t > 0 ? sc[j] / t : 0));
    });
    // the tracker run at b itself over the whole track (not the level's beats thinned or doubled)
    const lb = smoothEnv(env, (60 * fps) / b);
    const tb = trackBeats(env, (60 * fps) / b, 100, lb);
    let mAll = 0;
    for (let i = 0; i < n; i++) mAll += lb[i];
    mAll /= n;
    let mB = 0;
    for (const t of tb) mB += lb[t];
    mB /= Math.max(1, tb.length);
    const lock = Math.log(Math.max(1e-3, mB / (mAll || 1e-9)));
    const bassDft = bassEnv ? Math.log(Math.max(fourierTempo(bassEnv, fps, b, 30), 1e-3)) : 0;
    const bb = bands ? Math.log(0.05 + backbeatStrength(bands, fps, b)) : Math.log(0.05);
    const bb2 = bands ? Math.log(0.05 + backbeatStrength(bands, fps, 2 * b)) : Math.log(0.05);
    return { bpm: b, features: [...cand.features, z * density, backbeat, alt, half, bandComb[0], bandComb[1], z * trebleDensity, lock, bassDft, bb, bb2] };
  });
}
