/**
 * How much of a track's spectral energy is percussive (issue 11, helper tempo17): a median-filter harmonic /
 * percussive separation (Fitzgerald 2010, "Harmonic/percussive separation using median filtering", DAFx) run on the
 * tempo analyser's own band energies (tempo.ts: 40 log-spaced bands, 40 Hz–5 kHz, one frame per 256 samples at
 * 11025 Hz ≈ 43 frames/s), so it costs no FFT of its own:
 *   - H(t, b): the median of band b's energy over PERC_TIME frames centred on t (a held note, a pad: steady in time);
 *   - P(t, b): the median of frame t's energy over 2·halfBands + 1 neighbouring bands (a drum hit: broadband);
 *   - each band energy e(t, b) is split by the soft (Wiener, power 2 on magnitudes) mask P / (P + H) in power.
 * A drum groove's energy is mostly percussive by this mask, a pad, string or piano texture's mostly harmonic. The
 * analyser's bands are ~0.17 octave wide, so a harmonic partial is one band and a hit spans many.
 *
 * Figures (PercussiveShare.result, in order, for each half-width of PERC_HALF_BANDS):
 *   all: Σ e·mask ÷ Σ e over every band and frame (energy-weighted: dominated by the bass and kick);
 *   low, mid, high: the same within the tempo analyser's band groups (< 250 Hz, 250–2000 Hz, above);
 *   band mean: the mean over the 40 bands of each band's percussive share (every band weighs the same);
 *   flux: the share of onset flux (positive rise of log energy, summed over bands) carried by P, against P's and H's
 *     flux together (a percussive-onset-strength ratio).
 */

/** Frames of the harmonic (time) median: 17 ≈ 0.4 s at 43 frames/s. */
export const PERC_TIME = 17;
/** Half-widths (bands) of the percussive (frequency) median, one set of figures each: 5 and 9 bands. */
export const PERC_HALF_BANDS = [2, 4] as const;
/** Names of the figures per half-width, in PercussiveShare.result's order. */
export const PERC_FIGURES = ['all', 'low', 'mid', 'high', 'band mean', 'flux'] as const;

/** median of the first n values of a (a is reordered); insertion sort, n small */
function median(a: Float64Array, n: number): number {
  for (let i = 1; i < n; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
  return n & 1 ? a[n >> 1] : 0.5 * (a[(n >> 1) - 1] + a[n >> 1]);
}

/**
 * Streaming median-filter HPSS statistics over band-energy frames (push one frame of `bands` linear band energies at
 * a time; result() after the last). Frames within PERC_TIME / 2 of either end are not counted (their time median
 * would be one-sided).
 */
export class PercussiveShare {
  private readonly ring: Float64Array;
  private count = 0;
  private readonly tmp = new Float64Array(Math.max(PERC_TIME, 2 * Math.max(...PERC_HALF_BANDS) + 1));
  private readonly h: Float64Array;
  private readonly k: number;
  /** per half-width: Σ e·mask and Σ e per band group (0–2), per band (bands), flux P, flux H */
  private readonly acc: { pg: Float64Array; tg: Float64Array; pb: Float64Array; tb: Float64Array; fp: number; fh: number; lp: Float64Array; lh: Float64Array; started: boolean }[];

  /**
   * @param bands band count per frame
   * @param group band group (0 low, 1 mid, 2 high) of each band
   * @param floor per-band energy floor added before logs (the analyser's −90 dB floor × band width), length `bands`
   * @param halfBands half-widths of the frequency median (default PERC_HALF_BANDS; the product uses one)
   */
  constructor(private readonly bands: number, private readonly group: Uint8Array, private readonly floor: Float64Array, private readonly halfBands: readonly number[] = PERC_HALF_BANDS) {
    this.ring = new Float64Array(PERC_TIME * bands);
    this.h = new Float64Array(bands);
    this.k = PERC_TIME;
    this.acc = halfBands.map(() => ({ pg: new Float64Array(3), tg: new Float64Array(3), pb: new Float64Array(bands), tb: new Float64Array(bands), fp: 0, fh: 0, lp: new Float64Array(bands), lh: new Float64Array(bands), started: false }));
  }

  /** One frame's linear band energies (length `bands`; copied). */
  push(e: ArrayLike<number>): void {
    const B = this.bands;
    const K = this.k;
    const slot = this.count % K;
    for (let b = 0; b < B; b++) this.ring[slot * B + b] = e[b];
    this.count++;
    if (this.count < K) return;
    // the centre frame of the ring's K frames
    const c = ((this.count - 1 - (K >> 1)) % K) * B;
    const tmp = this.tmp;
    const ring = this.ring;
    const h = this.h;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < K; j++) tmp[j] = ring[j * B + b];
      h[b] = median(tmp, K);
    }
    for (let a = 0; a < this.halfBands.length; a++) {
      const w = this.halfBands[a];
      const s = this.acc[a];
      for (let b = 0; b < B; b++) {
        const lo = Math.max(0, b - w);
        const hi = Math.min(B - 1, b + w);
        for (let j = lo; j <= hi; j++) tmp[j - lo] = ring[c + j];
        const p = median(tmp, hi - lo + 1);
        const ev = ring[c + b];
        const fl = this.floor[b];
        const m = p + h[b] > 0 ? p / (p + h[b]) : 0;
        const pe = ev * m;
        s.pg[this.group[b]] += pe;
        s.tg[this.group[b]] += ev;
        s.pb[b] += pe;
        s.tb[b] += ev;
        const lp = Math.log(pe + fl);
        const lh = Math.log(ev - pe + fl);
        if (s.started) {
          if (lp > s.lp[b]) s.fp += lp - s.lp[b];
          if (lh > s.lh[b]) s.fh += lh - s.lh[b];
        }
        s.lp[b] = lp;
        s.lh[b] = lh;
      }
      s.started = true;
    }
  }

  /** PERC_FIGURES for each half-width, concatenated (6 × halfBands.length values, each in [0, 1]; 0 with no frames). */
  result(): number[] {
    const out: number[] = [];
    for (const s of this.acc) {
      const p = s.pg[0] + s.pg[1] + s.pg[2];
      const t = s.tg[0] + s.tg[1] + s.tg[2];
      let bm = 0;
      let nb = 0;
      for (let b = 0; b < this.bands; b++) {
        if (s.tb[b] > 0) {
          bm += s.pb[b] / s.tb[b];
          nb++;
        }
      }
      out.push(t > 0 ? p / t : 0, ...[0, 1, 2].map((g) => (s.tg[g] > 0 ? s.pg[g] / s.tg[g] : 0)), nb ? bm / nb : 0, s.fp + s.fh > 0 ? s.fp / (s.fp + s.fh) : 0);
    }
    return out;
  }
}
