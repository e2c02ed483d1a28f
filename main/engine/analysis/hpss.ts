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

/**
 * The figure the octave chooser's optional 'perc' input group reads (octave-net.ts withExtras), as an index into
 * PercussiveShare.result with every PERC_HALF_BANDS half-width (tools/eval/octave-net.ts --perc columns 45 + index):
 * chosen before any cross-validation by the largest rank AUC between dev's drum grooves and tempo-soft's files
 * (tools/eval/perc-check.ts): 11, flux at half-width 4 (AUC 0.917). Read by the shipped chooser (tempo analyser 16).
 */
export const PERC_INPUT = 11;
/** PERC_INPUT's half-width alone (the product measures only this one) and its figure's index in that half-width's result. */
export const PERC_INPUT_BANDS = [PERC_HALF_BANDS[Math.floor(PERC_INPUT / PERC_FIGURES.length)]] as const;
export const PERC_INPUT_FIGURE = PERC_INPUT % PERC_FIGURES.length;

/** inserts v into the ascending first n values of a; returns n + 1 */
function insertSorted(a: Float64Array, n: number, v: number): number {
  let j = n - 1;
  while (j >= 0 && a[j] > v) {
    a[j + 1] = a[j];
    j--;
  }
  a[j + 1] = v;
  return n + 1;
}

/** removes one value equal to v from the ascending first n values of a; returns n − 1 */
function removeSorted(a: Float64Array, n: number, v: number): number {
  let i = 0;
  while (i < n - 1 && a[i] !== v) i++;
  for (; i < n - 1; i++) a[i] = a[i + 1];
  return n - 1;
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
  /** per band, its last PERC_TIME energies in ascending order (band b at b × PERC_TIME); the new value replaces the leaving one in place */
  private readonly sorted: Float64Array;
  private readonly k: number;
  /** per half-width: Σ e·mask and Σ e per band group (0–2), per band (bands), flux P, flux H, the previous frame's P and H + floor per band */
  private readonly acc: { pg: Float64Array; tg: Float64Array; pb: Float64Array; tb: Float64Array; fp: number; fh: number; lp: Float64Array; lh: Float64Array; started: boolean }[];

  /**
   * @param bands band count per frame
   * @param group band group (0 low, 1 mid, 2 high) of each band
   * @param floor per-band energy floor added before logs (the analyser's −90 dB floor × band width), length `bands`
   * @param halfBands half-widths of the frequency median (default PERC_HALF_BANDS; the product uses one)
   * @param flux whether to measure the 'flux' figure (two logs per band and frame; 0 when false)
   */
  constructor(private readonly bands: number, private readonly group: Uint8Array, private readonly floor: Float64Array, private readonly halfBands: readonly number[] = PERC_HALF_BANDS, private readonly flux = true) {
    this.ring = new Float64Array(PERC_TIME * bands);
    this.sorted = new Float64Array(PERC_TIME * bands);
    this.k = PERC_TIME;
    this.acc = halfBands.map(() => ({ pg: new Float64Array(3), tg: new Float64Array(3), pb: new Float64Array(bands), tb: new Float64Array(bands), fp: 0, fh: 0, lp: new Float64Array(bands), lh: new Float64Array(bands), started: false }));
  }

  /** One frame's linear band energies (length `bands`; copied). */
  push(e: ArrayLike<number>): void {
    const B = this.bands;
    const K = this.k;
    const slot = this.count % K;
    const ring = this.ring;
    const sorted = this.sorted;
    // each band's last K energies kept sorted (the time median is then the middle one): drop the value leaving the
    // ring, insert the new one — the same median as sorting the window, at O(K) moves per band
    const n = Math.min(this.count, K);
    for (let b = 0; b < B; b++) {
      const o = b * K;
      const v = e[b];
      if (this.count >= K) {
        // replace the leaving value by the new one in place, then move it to its rank
        const old = ring[slot * B + b];
        let i = 0;
        while (i < K - 1 && sorted[o + i] !== old) i++;
        while (i > 0 && sorted[o + i - 1] > v) {
          sorted[o + i] = sorted[o + i - 1];
          i--;
        }
        while (i < K - 1 && sorted[o + i + 1] < v) {
          sorted[o + i] = sorted[o + i + 1];
          i++;
        }
        sorted[o + i] = v;
      } else {
        let j = n - 1;
        while (j >= 0 && sorted[o + j] > v) {
          sorted[o + j + 1] = sorted[o + j];
          j--;
        }
        sorted[o + j + 1] = v;
      }
      ring[slot * B + b] = v;
    }
    this.count++;
    if (this.count < K) return;
    // the centre frame of the ring's K frames
    const c = ((this.count - 1 - (K >> 1)) % K) * B;
    const tmp = this.tmp;
    const mid = K >> 1;
    for (let a = 0; a < this.halfBands.length; a++) {
      const w = this.halfBands[a];
      const s = this.acc[a];
      let fn = 0;
      for (let b = 0; b < B; b++) {
        const hb = K & 1 ? sorted[b * K + mid] : 0.5 * (sorted[b * K + mid - 1] + sorted[b * K + mid]);
        // the frequency window slides by one band: drop band b − w − 1, add band b + w (tmp kept sorted, length fl)
        if (b === 0) {
          fn = 0;
          for (let j = 0; j < w && j < B; j++) fn = insertSorted(tmp, fn, ring[c + j]);
        }
        if (b - w - 1 >= 0) fn = removeSorted(tmp, fn, ring[c + b - w - 1]);
        if (b + w < B) fn = insertSorted(tmp, fn, ring[c + b + w]);
        const p = fn & 1 ? tmp[fn >> 1] : 0.5 * (tmp[(fn >> 1) - 1] + tmp[fn >> 1]);
        const ev = ring[c + b];
        const m = p + hb > 0 ? p / (p + hb) : 0;
        const pe = ev * m;
        s.pg[this.group[b]] += pe;
        s.tg[this.group[b]] += ev;
        s.pb[b] += pe;
        s.tb[b] += ev;
        if (this.flux) {
          // rises of log(P + floor) and log(H + floor): a log only where the part rose (compared in linear power)
          const fl = this.floor[b];
          const lp = pe + fl;
          const lh = ev - pe + fl;
          if (s.started) {
            if (lp > s.lp[b]) s.fp += Math.log(lp / s.lp[b]);
            if (lh > s.lh[b]) s.fh += Math.log(lh / s.lh[b]);
          }
          s.lp[b] = lp;
          s.lh[b] = lh;
        }
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
