/**
 * A learned chooser of the tempo's octave (issue 11, helper tempo11a): which of
 * the octave candidates (tempo.ts octaveTempi: the level of step one T, T/2 and
 * 2T) is the beat. Inputs per candidate b, all from what the tempo analyser
 * has already computed (its conditioned onset envelope, the three band groups'
 * flux and the beats tracked at T):
 *   - the five OCTAVE_FEATURES (prior slope and width, comb, Fourier tempogram,
 *     bass density);
 *   - a log-lag autocorrelation relative to the candidate's period P: the
 *     normalised autocorrelation of the full envelope and of the low (< 250 Hz),
 *     mid (250–2000 Hz) and high band flux at λP for λ in OCTAVE_NET_LAGS
 *     (each the largest within ±1.5 % of λP, for rendering jitter);
 *   - beat-synchronous pattern cues at b's grid (T's tracked beats, halved or
 *     subdivided): per stream, log(on-beat ÷ between-beats) onset strength and
 *     the alternation of consecutive beats (|even − odd| ÷ mean): a snare on
 *     2 and 4 alternates at the 16-beat's quarter and not at its eighth; an
 *     oom-pah's bass/chord alternate at its quarter.
 * Score: a conditional logit over the candidates with one hidden tanh layer
 * (or none: OCTAVE_NET.hidden 0), weights in octave-net-weights.ts, trained by
 * tools/eval/octave-net-train.py on dev-side sets only (features dumped by
 * tools/eval/octave-net.ts). Inference is plain TypeScript.
 *
 * Ship rule, fixed before any result was read (tempo11a): grouped-CV (by
 * groove family) Acc1 on dev2 ≥ the shipped OCTAVE_MODEL's + 0.03; dev,
 * tempo-synth and tempo-octave each not worse by more than one file; fast
 * tracks (> 160 BPM) right on dev2 and tempo-sfshift not fewer; Acc2 not
 * lower; CPU of the tempo back end not more than 3 % of the analysis CPU.
 * Outcome: met (synth at exactly one file worse); the default since tempo
 * analyser 13. Figures in OCTAVE_NET's docstring (octave-net-weights.ts) and
 * BENCHMARKS.md "Tempo: a learned octave chooser".
 */
import { BACKBEAT_GROUPS, BACKBEAT_WINDOW_SEC } from './backbeat';
import { fourierTempo } from './tempo';
import { OCTAVE_NET, type OctaveNetWeights } from './octave-net-weights';

/** Autocorrelation lags, in candidate periods. */
export const OCTAVE_NET_LAGS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4] as const;
/** Streams (full onset envelope, then band groups low, mid, high), in feature order. */
export const OCTAVE_NET_STREAMS = ['full', 'low', 'mid', 'high'] as const;
/** Feature count per candidate: 5 OCTAVE_FEATURES, streams × lags, streams × 2 pattern cues. */
export const OCTAVE_NET_WIDTH = 5 + OCTAVE_NET_STREAMS.length * (OCTAVE_NET_LAGS.length + 2);

/** One stream prepared once per track: mean-removed copy and its lag-0 power. */
interface Stream {
  x: Float64Array;
  z: Float64Array;
  ac0: number;
}

function prepare(x: Float64Array): Stream {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n || 1;
  const z = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    z[i] = x[i] - m;
    s += z[i] * z[i];
  }
  return { x, z, ac0: s / (n || 1) };
}

function acInt(z: Float64Array, lag: number): number {
  const n = z.length;
  if (lag >= n) return 0;
  let s = 0;
  for (let i = lag; i < n; i++) s += z[i] * z[i - lag];
  return s / (n - lag);
}

/** normalised autocorrelation, the largest at an integer lag within ±1.5 % of `lag` (at least ±1 frame) */
function acNear(st: Stream, lag: number, memo: Map<number, number>): number {
  if (!(st.ac0 > 0)) return 0;
  const r = Math.max(1, Math.round(0.015 * lag));
  const c = Math.round(lag);
  let best = -Infinity;
  for (let l = Math.max(1, c - r); l <= c + r; l++) {
    let v = memo.get(l);
    if (v === undefined) memo.set(l, (v = acInt(st.z, l)));
    if (v > best) best = v;
  }
  return best / st.ac0;
}

/** the stream's largest value within ±w frames of frame f */
function around(x: Float64Array, f: number, w: number): number {
  let m = 0;
  const a = Math.max(0, Math.round(f) - w);
  const b = Math.min(x.length - 1, Math.round(f) + w);
  for (let i = a; i <= b; i++) if (x[i] > m) m = x[i];
  return m;
}

/** The beat grid of candidate ratio `ratio` (0.5, 1 or 2 × T) from T's tracked beats (frames). */
function gridOf(beats: number[], ratio: number, low: Float64Array | null): number[] {
  if (ratio === 1) return beats;
  if (ratio > 1) {
    const g: number[] = [];
    for (let i = 0; i < beats.length; i++) {
      g.push(beats[i]);
      if (i + 1 < beats.length) g.push((beats[i] + beats[i + 1]) / 2);
    }
    return g;
  }
  // half (third) tempo: every other (third) beat, the phase whose beats carry the most low-band onset (the downbeat side)
  const k = Math.round(1 / ratio);
  const ph = new Array<number>(k).fill(0);
  if (low) for (let i = 0; i < beats.length; i++) ph[i % k] += around(low, beats[i], 2);
  let p = 0;
  for (let j = 1; j < k; j++) if (ph[j] > ph[p]) p = j;
  return beats.filter((_, i) => i % k === p);
}

/**
 * Per-candidate features (OCTAVE_NET_WIDTH values each, in the order the module header lists).
 * @param env the conditioned onset envelope (tempo.ts Periodicity.env), frames at `fps`
 * @param bandEnvs the low, mid and high band groups' flux, each conditioned as `env` (tempo.ts condition), or null
 *   where the analyser had no band features (their columns are 0)
 * @param fps envelope frames per second
 * @param cands the candidates: tempo (BPM), its ratio to T (0.5, 1 or 2; 1/3 in tools/eval/octave-net.ts --thirds) and its
 *   five OCTAVE_FEATURES
 * @param beats beats tracked at T (envelope frames, ascending)
 */
export function octaveNetFeatures(env: Float64Array, bandEnvs: (Float64Array | null)[] | null, fps: number, cands: { bpm: number; ratio: number; base: number[] }[], beats: number[]): number[][] {
  const streams: (Stream | null)[] = [prepare(env), ...(bandEnvs ?? [null, null, null]).map((b) => (b ? prepare(b) : null))];
  const memos = streams.map(() => new Map<number, number>());
  const w = Math.max(1, Math.round(0.02 * fps));
  return cands.map((c) => {
    const P = (60 * fps) / c.bpm;
    const f = c.base.slice(0, 5);
    for (let s = 0; s < streams.length; s++) {
      const st = streams[s];
      for (const l of OCTAVE_NET_LAGS) f.push(st ? acNear(st, l * P, memos[s]) : 0);
    }
    const grid = gridOf(beats, c.ratio, streams[1]?.x ?? null);
    for (let s = 0; s < streams.length; s++) {
      const st = streams[s];
      if (!st || grid.length < 4) {
        f.push(0, 0);
        continue;
      }
      let on = 0;
      let off = 0;
      let even = 0;
      let odd = 0;
      for (let i = 0; i < grid.length; i++) {
        const v = around(st.x, grid[i], w);
        on += v;
        if (i & 1) odd += v;
        else even += v;
        if (i + 1 < grid.length) off += around(st.x, (grid[i] + grid[i + 1]) / 2, w);
      }
      on /= grid.length;
      off /= grid.length - 1;
      even /= Math.ceil(grid.length / 2);
      odd /= Math.floor(grid.length / 2);
      f.push(Math.log((on + 0.05) / (off + 0.05)), Math.abs(even - odd) / ((even + odd) / 2 + 0.05));
    }
    return f;
  });
}

/** File-level onset-softness descriptors (onsetSoftness), in order; appended per candidate as d and d × log2(b / 120). */
export const SOFTNESS_FEATURES = ['smooth', 'peaky', 'high share', 'low share', 'depth'] as const;

/**
 * Optional input groups of the chooser (helper tempo14), appended after the OCTAVE_NET_WIDTH base inputs in the order
 * a weights object lists them (OctaveNetWeights.extra; the shipped OCTAVE_NET has none):
 *   - 'soft': onsetSoftness's five descriptors d, then d × log2(b / 120) (10 columns);
 *   - 'backbeat': log(0.05 + backbeatStrength at 2b), the flux below 2 kHz repeating every 2 beats of b (a backbeat
 *     at b; session 9's cue, backbeat.ts), and the same every 4 beats of b (2 columns);
 *   - 'perc' (helper tempo17): the track's percussive share s (hpss.ts PercussiveShare, figure PERC_INPUT: median-filter
 *     HPSS of the analyser's band energies), then s × log2(b / 120) (2 columns);
 *   - 'lock' (helper tempo21): lockFeatures, how the strong onsets sit on the candidate's beat grid, counted rather than
 *     summed (7 columns, LOCK_FEATURES). Not shipped either (session 16): family-grouped CV pooled Acc1 +10.3 files of
 *     697 (3 fold shuffles), but tempo-lmms −1.7, Acc2 −0.7 and the confidence map's tempo ECE up (0.085 vs 0.069);
 *     BENCHMARKS.md "Tempo: a beat-lock input for the octave chooser". Nor in session 17 (helper tempo22) as a pair with
 *     a confidence map refitted for it: of three arms (all 7 columns; the two onsets-per-beat columns; all 7 at λ 0.003)
 *     none kept pooled Acc2 (−0.7, −0.7, −1.0 file of 697); BENCHMARKS.md "Tempo: the lock pair".
 *   - 'stream' (helper tempo28): streamFeatures, whether a band plays a steady subdivision stream or accents at the
 *     candidate's grid (12 columns, STREAM_FEATURES). Not shipped (session 28): under the lead's protocol (family-grouped
 *     CV, h16 λ0.001, 3 fold shuffles) drums2 stays 34.0–34.7 of 78 fitted or not (shipped recipe 34.3): the families
 *     still do not teach each other; never fitted on drums it lifts the MMA sets and tempo-soft (+16.0 of 833) but
 *     loses an Acc2 file in one shuffle; BENCHMARKS.md "Tempo: a subdivision-stream input for the octave chooser".
 * Not shipped: under family-grouped CV neither group raised Acc1 pooled over dev, dev2, tempo-synth, tempo-octave and
 * tempo-soft (tools/eval/soft-set.ts) — backbeat −4.5, softness −1.0 files of 503 (2 fold shuffles) after +7.4 / +8.7 of
 * 413 without tempo-synth and tempo-octave; BENCHMARKS.md "Tempo: soft onsets".
 */
export const OCTAVE_NET_EXTRA = { soft: 2 * SOFTNESS_FEATURES.length, backbeat: 2, perc: 2, lock: 7, stream: 12 } as const;
export type OctaveNetExtra = keyof typeof OCTAVE_NET_EXTRA;

/**
 * How soft the track's onsets are (issue 11, helper tempo14: soft-onset ballads and score renders are read at the
 * wrong octave), from what the tempo analyser has already computed, five numbers (SOFTNESS_FEATURES):
 *   - smooth: the normalised autocorrelation of the conditioned onset envelope at 50 ms (a drum hit's flux lasts a
 *     frame or two: near 0; a bowed or sung note's rise spreads over 100–300 ms: towards 1);
 *   - peaky: log of the envelope's fourth moment at unit RMS (sparse sharp peaks: large; an even wash: small);
 *   - high share, low share: the share of the onset flux above 2 kHz and below 250 Hz (BAND_FEATURES columns 2 and 0
 *     over columns 0–2; cymbals and snares against bass and kick; 0 without bands);
 *   - depth: how far the 250–2000 Hz band's log energy (BAND_FEATURES column 4) moves around its 1 s moving average
 *     (RMS, nepers): struck and plucked notes decay between onsets (large), pads, strings and held chords do not (small).
 *     0 without bands.
 * @param env the conditioned onset envelope (tempo.ts condition: unit RMS), frames at `fps`
 * @param bands the analyser's BAND_FEATURES columns per frame (tempo.ts BAND_FEATURES = 6), or null
 * @param fps envelope frames per second (≈ 43)
 */
export function onsetSoftness(env: Float64Array, bands: Float32Array | null, fps: number): number[] {
  const st = prepare(env);
  const lag = Math.max(1, Math.round(0.05 * fps));
  const smooth = st.ac0 > 0 ? acInt(st.z, lag) / st.ac0 : 0;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < env.length; i++) {
    const v = env[i] * env[i];
    m2 += v;
    m4 += v * v;
  }
  const peaky = m2 > 0 ? Math.log((m4 * env.length) / (m2 * m2)) : 0;
  let lo = 0;
  let hi = 0;
  let all = 0;
  if (bands) {
    const nf = Math.floor(bands.length / 6);
    for (let i = 0; i < nf; i++) {
      lo += bands[6 * i];
      hi += bands[6 * i + 2];
      all += bands[6 * i] + bands[6 * i + 1] + bands[6 * i + 2];
    }
  }
  let depth = 0;
  const nf = bands ? Math.floor(bands.length / 6) : 0;
  if (nf > 1) {
    const w = Math.max(1, Math.round(fps / 2));
    const pre = new Float64Array(nf + 1);
    for (let i = 0; i < nf; i++) pre[i + 1] = pre[i] + bands![6 * i + 4];
    let acc = 0;
    for (let i = 0; i < nf; i++) {
      const a = Math.max(0, i - w);
      const b = Math.min(nf, i + w + 1);
      const d = bands![6 * i + 4] - (pre[b] - pre[a]) / (b - a);
      acc += d * d;
    }
    depth = Math.sqrt(acc / nf);
  }
  return [smooth, peaky, all > 0 ? hi / all : 0, all > 0 ? lo / all : 0, depth];
}

/**
 * Appends the optional input groups `extra` (OCTAVE_NET_EXTRA, in that order) to every candidate's features.
 * @param feats octaveNetFeatures' rows, one per candidate (copied, not changed)
 * @param cands the candidates' tempi (BPM)
 * @param env the conditioned onset envelope, `bands` the BAND_FEATURES columns per frame (or null), `fps` frames per second
 * @param bandEnvs the low, mid and high band groups' flux conditioned as `env` (tempo.ts octaveNetInputs), or null:
 *   the backbeat columns are backbeat.ts backbeatStrength's sum over its BACKBEAT_GROUPS, from these (conditioned once)
 * @param perc the 'perc' group's percussive share (hpss.ts PERC_INPUT's figure, in [0, 1]); 0 when not given
 */
export function withExtras(feats: number[][], cands: { bpm: number; ratio?: number }[], extra: readonly OctaveNetExtra[], env: Float64Array, bands: Float32Array | null, bandEnvs: (Float64Array | null)[] | null, fps: number, perc = 0, beats: number[] = []): number[][] {
  if (!extra.length) return feats;
  const soft = extra.includes('soft') ? onsetSoftness(env, bands, fps) : [];
  const stream = extra.includes('stream') ? streamFeatures(bandEnvs, fps, cands.map((c) => ({ bpm: c.bpm, ratio: c.ratio ?? 1 })), beats) : [];
  const lock = extra.includes('lock') ? lockFeatures(env, bandEnvs?.[0] ?? null, fps, cands.map((c) => ({ bpm: c.bpm, ratio: c.ratio ?? 1 })), beats) : [];
  const backbeat = (bpm: number) => {
    let s = 0;
    for (const g of BACKBEAT_GROUPS) {
      const c = bandEnvs?.[g];
      if (c) s += fourierTempo(c, fps, bpm / 4, BACKBEAT_WINDOW_SEC);
    }
    return Math.log(0.05 + s);
  };
  return feats.map((f, i) => {
    const out = f.slice();
    const b = cands[i].bpm;
    for (const g of extra) {
      if (g === 'soft') {
        const z = Math.log2(b / 120);
        out.push(...soft, ...soft.map((d) => d * z));
      } else if (g === 'perc') out.push(perc, perc * Math.log2(b / 120));
      else if (g === 'lock') out.push(...lock[i]);
      else if (g === 'stream') out.push(...stream[i]);
      else out.push(backbeat(2 * b), backbeat(b));
    }
    return out;
  });
}

/** The 'lock' group's columns (lockFeatures), in order. */
export const LOCK_FEATURES = ['occupancy', 'coverage', 'low occupancy', 'low coverage', 'onsets per beat', 'low onsets per beat', 'grid spread'] as const;

/**
 * Strong onsets of a stream: frames that are a local maximum (x[i] > x[i−1], x[i] ≥ x[i+1]) above the median of all the
 * stream's local maxima (the envelope's median itself is ~0 between notes). Ascending frame indices. When most peaks are
 * alike and the strong ones are the majority (the lower median is their height), none is above it: a click track of
 * equal peaks has no strong onsets (its lock columns are 0). Real envelopes' peaks differ; kept as measured.
 */
export function strongOnsets(x: Float64Array): number[] {
  const peaks: number[] = [];
  for (let i = 1; i + 1 < x.length; i++) if (x[i] > x[i - 1] && x[i] >= x[i + 1] && x[i] > 0) peaks.push(i);
  if (!peaks.length) return [];
  const h = peaks.map((i) => x[i]).sort((a, b) => a - b);
  const med = h[(h.length - 1) >> 1];
  return peaks.filter((i) => x[i] > med);
}

/**
 * A beat tracker's lock at each octave candidate, counted on strong onsets (issue 11, helper tempo21; the metrical-level
 * misses: slow written tempi read at 2T, fast ones at T/2). Per candidate b with its grid (gridOf: T's tracked beats,
 * halved or subdivided), LOCK_FEATURES:
 *   - occupancy: the share of grid points with a strong onset (strongOnsets) within ±w frames (w = 20 ms, ≥ 1 frame):
 *     at 2T of a slow track the in-between eighths are often empty;
 *   - coverage: the share of the strong onsets inside the grid's span that lie within ±w of a grid point: at T/2 of a
 *     fast track half of them fall between;
 *   - low occupancy, low coverage: the same on the low band (< 250 Hz, kick and bass);
 *   - onsets per beat: log((strong onsets per minute + 1) ÷ b), over the whole envelope; low onsets per beat: the same
 *     for the low band (kicks at ≥ 1 per beat of b suggest b is not too slow);
 *   - grid spread: the coefficient of variation of the envelope's maximum within ±w of each grid point (a steady lock:
 *     small; a grid alternating hits and gaps: large).
 * Returns 0s for a candidate with fewer than 4 grid points; the low columns are 0 without a low band.
 * @param env the conditioned onset envelope (tempo.ts condition), frames at `fps`
 * @param low the low band group's flux conditioned the same way (octaveNetInputs()[0]), or null
 * @param fps envelope frames per second
 * @param cands the candidates' tempo (BPM) and ratio to T (0.5, 1, 2)
 * @param beats beats tracked at T (envelope frames, ascending)
 */
export function lockFeatures(env: Float64Array, low: Float64Array | null, fps: number, cands: { bpm: number; ratio: number }[], beats: number[]): number[][] {
  const w = Math.max(1, Math.round(0.02 * fps));
  const minutes = env.length / fps / 60 || 1;
  const on = strongOnsets(env);
  const onLow = low ? strongOnsets(low) : [];
  /** occupancy and coverage of sorted onsets `o` on sorted grid `g` */
  const lockOf = (o: number[], g: number[]): [number, number] => {
    if (!o.length) return [0, 0];
    let hit = 0;
    let j = 0;
    for (const t of g) {
      while (j < o.length && o[j] < t - w) j++;
      if (j < o.length && o[j] <= t + w) hit++;
    }
    let inSpan = 0;
    let near = 0;
    let k = 0;
    for (const t of o) {
      if (t < g[0] - w || t > g[g.length - 1] + w) continue;
      inSpan++;
      while (k + 1 < g.length && g[k + 1] <= t) k++;
      const d = Math.min(Math.abs(t - g[k]), k + 1 < g.length ? Math.abs(g[k + 1] - t) : Infinity);
      if (d <= w) near++;
    }
    return [hit / g.length, inSpan ? near / inSpan : 0];
  };
  return cands.map((c) => {
    const g = gridOf(beats, c.ratio, low);
    if (g.length < 4) return [0, 0, 0, 0, 0, 0, 0];
    const [occ, cov] = lockOf(on, g);
    const [occL, covL] = low ? lockOf(onLow, g) : [0, 0];
    let m = 0;
    let m2 = 0;
    for (const t of g) {
      const v = around(env, t, w);
      m += v;
      m2 += v * v;
    }
    m /= g.length;
    const sd = Math.sqrt(Math.max(0, m2 / g.length - m * m));
    return [occ, cov, occL, covL, Math.log((on.length / minutes + 1) / c.bpm), low ? Math.log((onLow.length / minutes + 1) / c.bpm) : 0, sd / (m + 0.05)];
  });
}

/** The 'stream' group's columns (streamFeatures), in order. */
export const STREAM_FEATURES = [
  'low quarter fill',
  'mid quarter fill',
  'high quarter fill',
  'low evenness',
  'mid evenness',
  'high evenness',
  'low on grid',
  'low on the and',
  'low syncopation',
  'mid syncopation',
  'high onsets per beat',
  'high subdivision evenness',
] as const;

/** the median of a stream's local maxima (x[i] > x[i−1], x[i] ≥ x[i+1], x[i] > 0): strongOnsets' threshold; 0 without any */
function medianPeak(x: Float64Array): number {
  const h: number[] = [];
  for (let i = 1; i + 1 < x.length; i++) if (x[i] > x[i - 1] && x[i] >= x[i + 1] && x[i] > 0) h.push(x[i]);
  if (!h.length) return 0;
  h.sort((a, b) => a - b);
  return h[(h.length - 1) >> 1];
}

/** coefficient of variation of `v` (standard deviation ÷ (mean + 0.05)); 0 for an empty list */
function cvOf(v: number[]): number {
  if (!v.length) return 0;
  let m = 0;
  let m2 = 0;
  for (const a of v) {
    m += a;
    m2 += a * a;
  }
  m /= v.length;
  return Math.sqrt(Math.max(0, m2 / v.length - m * m)) / (m + 0.05);
}

/**
 * Whether a band plays a steady subdivision stream or an accented beat layer at each octave candidate (issue 11, helper
 * tempo28: duple grooves at 84–105 BPM whose hats, shakers or percussion play a steady eighth or sixteenth stream are
 * read at 2×). Each interval [g_i, g_i+1) of the candidate's grid g (gridOf: T's tracked beats, halved or subdivided) is
 * sampled at four positions, phase 0 (the beat), ¼, ½ (the "and") and ¾, as the band's largest value within ±w frames
 * (w = 20 ms, ≥ 1 frame): a_0 … a_3 per interval, A_0 … A_3 their means over the intervals. A band's onset is "strong"
 * where that value exceeds the median of the band's local maxima (strongOnsets' threshold). STREAM_FEATURES, in order:
 *   - quarter fill per band (low, mid, high): log((mean(A_1, A_3) + 0.05) ÷ (mean(A_0, A_2) + 0.05)): near 0 where a
 *     stream fills the candidate's sixteenths as evenly as its eighths, very negative where the quarter positions are
 *     empty (at 2× a sixteenth stream's rate they are thirty-seconds);
 *   - evenness per band: the coefficient of variation (sd ÷ (mean + 0.05)) of a_0 over the intervals: a steady stream at
 *     the candidate's level is even (small), a beat layer with accents or gaps is not;
 *   - low on grid, low on the and: the share of intervals whose a_0 (a_2) is a strong low-band onset (kick, bass): a beat
 *     level has bass on a large share of its beats, its double on about half or less;
 *   - syncopation of the low and the mid band: the share of intervals with a strong onset at ¼, ½ or ¾ and none at the
 *     next beat (g_i+1): an off-beat note held over the candidate's beat (a tumbao's bass, a clave);
 *   - high onsets per beat: log((strong high-band onsets per minute + 1) ÷ b), over the whole band;
 *   - high subdivision evenness: the coefficient of variation of all four positions' values of the high band pooled (a
 *     hat or shaker stream at the candidate's sixteenths: small).
 * Returns 0s for a candidate with fewer than 4 grid points, and a band's columns are 0 without that band.
 * @param bandEnvs the low (< 250 Hz), mid and high band groups' flux, each conditioned as the onset envelope
 *   (tempo.ts octaveNetInputs), or null
 * @param fps envelope frames per second
 * @param cands the candidates' tempo (BPM) and ratio to T (0.5, 1, 2)
 * @param beats beats tracked at T (envelope frames, ascending)
 */
export function streamFeatures(bandEnvs: (Float64Array | null)[] | null, fps: number, cands: { bpm: number; ratio: number }[], beats: number[]): number[][] {
  const w = Math.max(1, Math.round(0.02 * fps));
  const bands = [0, 1, 2].map((k) => bandEnvs?.[k] ?? null);
  const thr = bands.map((x) => (x ? medianPeak(x) : 0));
  const high = bands[2];
  const highOnsets = high ? strongOnsets(high).length : 0;
  const minutes = high ? high.length / fps / 60 || 1 : 1;
  return cands.map((c) => {
    const out = new Array<number>(STREAM_FEATURES.length).fill(0);
    const g = gridOf(beats, c.ratio, bands[0]);
    if (g.length < 4) return out;
    const n = g.length - 1;
    for (let k = 0; k < 3; k++) {
      const x = bands[k];
      if (!x) continue;
      const a: number[][] = [[], [], [], []];
      let onGrid = 0;
      let onAnd = 0;
      let sync = 0;
      for (let i = 0; i < n; i++) {
        const d = g[i + 1] - g[i];
        for (let q = 0; q < 4; q++) a[q].push(around(x, g[i] + (q * d) / 4, w));
        if (a[0][i] > thr[k]) onGrid++;
        if (a[2][i] > thr[k]) onAnd++;
        if (Math.max(a[1][i], a[2][i], a[3][i]) > thr[k] && !(around(x, g[i + 1], w) > thr[k])) sync++;
      }
      const A = a.map((v) => v.reduce((s, y) => s + y, 0) / n);
      out[k] = Math.log(((A[1] + A[3]) / 2 + 0.05) / ((A[0] + A[2]) / 2 + 0.05));
      out[3 + k] = cvOf(a[0]);
      if (k === 0) {
        out[6] = onGrid / n;
        out[7] = onAnd / n;
        out[8] = sync / n;
      } else if (k === 1) out[9] = sync / n;
      else {
        out[10] = Math.log((highOnsets / minutes + 1) / c.bpm);
        out[11] = cvOf([...a[0], ...a[1], ...a[2], ...a[3]]);
      }
    }
    return out;
  });
}

/** The chooser's score of one candidate's features (larger: more likely the beat). */
export function octaveNetScore(f: number[], net: OctaveNetWeights = OCTAVE_NET): number {
  const x = f.map((v, i) => (v - net.mu[i]) / net.sd[i]);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += net.linear[i] * x[i];
  for (let h = 0; h < net.hidden; h++) {
    let a = net.b1[h];
    const row = net.w1[h];
    for (let i = 0; i < x.length; i++) a += row[i] * x[i];
    s += net.w2[h] * Math.tanh(a);
  }
  return s;
}
