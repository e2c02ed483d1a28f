/**
 * Harmonic-aware chroma by approximate note transcription (issue 11, session 10): each frame's
 * spectral peaks, on the track's tuned semitone grid, are explained as a non-negative sum of note
 * profiles — a note's partials h = 1, 2, 3, … at 12·log2(h) semitones above it with amplitude
 * decay^(h−1) — by non-negative least squares; the chroma is then the notes' activations folded into
 * pitch classes, so a note's 3rd and 5th partials (its fifth and major third, an octave or two up)
 * stop voting as pitch classes of their own. After Mauch & Dixon (2010), "Approximate note
 * transcription for the improved identification of difficult chords" (NNLS Chroma), on the key
 * analyser's spectral peaks (65–2100 Hz at 5.5 kHz) instead of a constant-Q spectrum, one bin per
 * semitone, and with a projected coordinate-descent solver on the dictionary's fixed Gram matrix.
 */

/** Settings of the note transcription (TonalOptions.nnls*). */
export interface NnlsOptions {
  /**
   * amplitude of partial h relative to the fundamental: decay^(h−1) (Mauch & Dixon's spectral shape s); several
   * decays give every note one column per timbre (a bright timbre's 3rd and 5th partials are as loud as a mellow
   * one's 2nd), all folded into the note's pitch class
   */
  decays: number[];
  /** the lowest note of the dictionary (MIDI; below the 65 Hz band its lower partials explain the bass's upper ones) */
  lowNote: number;
  /** the highest note of the dictionary (MIDI): a peak above it can only be a partial of a lower note (or stay unexplained) */
  highNote: number;
}

/** the setting best on the development-side sets pooled (as 'nnls-triads'; tools/eval/key-nnls.ts, session 10) */
export const NNLS_DEFAULTS: NnlsOptions = { decays: [0.8], lowNote: 24, highNote: 84 };

/** the semitone grid of the peaks: MIDI notes BIN_LO..BIN_HI (C2 65.4 Hz … C7 2093 Hz, the key analyser's band) */
export const BIN_LO = 36;
export const BIN_HI = 96;
const NB = BIN_HI - BIN_LO + 1;
/** partials per note in the dictionary (those above BIN_HI fall out) */
const PARTIALS = 20;
/** coordinate-descent sweeps per frame at most, and the change (relative to the largest single-note fit) under which a frame is done */
const SWEEPS = 40;
const TOL = 1e-2;
/** a column is a candidate only when its Dᵀy reaches this share of the frame's largest */
const CAND_MIN = 0.05;
/** peaks under this share of the frame's strongest peak's magnitude (−40 dB) are left out of the transcription */
const PEAK_MIN = 0.01;

/**
 * The note dictionary and its Gram matrix for one setting: `D` bins × columns (row-major, NB × nn), column j
 * note lowNote + (j mod notes) with decays[⌊j / notes⌋], its partials spread linearly over the two nearest
 * semitone bins; `G` = DᵀD (nn × nn).
 */
export class NoteDictionary {
  /** columns: notes × decays */
  readonly nn: number;
  /** per column, its note's pitch class (0 = C) */
  readonly pc: Int32Array;
  readonly D: Float64Array;
  readonly G: Float64Array;
  /** per note, its column's squared norm (G's diagonal), 0 for a note with no partial in the band */
  readonly diag: Float64Array;
  /** per bin, the columns with a nonzero weight there and the weights (D's rows, sparse): rowCols[rowStart[i] … rowStart[i+1]−1] */
  private readonly rowStart: Int32Array;
  private readonly rowCols: Int32Array;
  private readonly rowW: Float64Array;
  constructor(readonly opts: NnlsOptions) {
    const notes = opts.highNote - opts.lowNote + 1;
    const nn = (this.nn = notes * opts.decays.length);
    const D = (this.D = new Float64Array(NB * nn));
    this.pc = new Int32Array(nn);
    for (let j = 0; j < nn; j++) {
      const note = opts.lowNote + (j % notes);
      this.pc[j] = note % 12;
      const decay = opts.decays[Math.floor(j / notes)];
      for (let h = 1, a = 1; h <= PARTIALS; h++, a *= decay) {
        const x = note + 12 * Math.log2(h) - BIN_LO;
        const i = Math.floor(x);
        const fr = x - i;
        if (i >= 0 && i < NB) D[i * nn + j] += (1 - fr) * a;
        if (i + 1 >= 0 && i + 1 < NB && fr > 0) D[(i + 1) * nn + j] += fr * a;
      }
    }
    const G = (this.G = new Float64Array(nn * nn));
    for (let i = 0; i < NB; i++)
      for (let j = 0; j < nn; j++) {
        const dij = D[i * nn + j];
        if (dij) for (let k = 0; k < nn; k++) G[j * nn + k] += dij * D[i * nn + k];
      }
    this.diag = new Float64Array(nn);
    for (let j = 0; j < nn; j++) this.diag[j] = G[j * nn + j];
    this.rowStart = new Int32Array(NB + 1);
    const cols: number[] = [];
    const ws: number[] = [];
    for (let i = 0; i < NB; i++) {
      this.rowStart[i] = cols.length;
      for (let j = 0; j < nn; j++) if (D[i * nn + j]) (cols.push(j), ws.push(D[i * nn + j]));
    }
    this.rowStart[NB] = cols.length;
    this.rowCols = Int32Array.from(cols);
    this.rowW = Float64Array.from(ws);
  }

  /**
   * Non-negative least squares min ‖y − D·a‖², a ≥ 0, by projected coordinate descent on the normal
   * equations (Gram matrix fixed; only notes with Dᵀy over CAND_MIN of the largest can be active). `y` the frame's
   * semitone spectrum (NB bins, magnitudes); `a` (nn) holds the start (the previous frame's activations: neighbouring
   * frames sound alike, so few sweeps are needed; zeros for none) and receives the activations; `w` the caller's scratch.
   * The same arithmetic in the same order as solveReference (session 10's), so the same activations bit for bit, but a
   * move of one activation updates the gradient along G's whole row (contiguous, unrolled by four, over the columns
   * from the first candidate to the last) instead of through the candidate list, and a note at 0 with a gradient that is
   * not negative is passed over before the division: on real music ~53 of 61 columns are candidates and ~190 moves are
   * made per frame (~8 sweeps), so the indirect reads were most of the solver's time. 2.1× less CPU on the eval dev
   * set's cached peaks (0.351 → 0.166 ms per audio second; tools/eval/key-nnls.ts --speed).
   */
  solve(y: Float64Array, a: Float64Array, w: NnlsScratch): void {
    const { nn, G, diag, rowStart, rowCols, rowW } = this;
    const { b, cand, grad } = w;
    b.fill(0);
    for (let i = 0; i < NB; i++) {
      const yi = y[i];
      if (!yi) continue;
      for (let e = rowStart[i]; e < rowStart[i + 1]; e++) b[rowCols[e]] += rowW[e] * yi;
    }
    let bmax = 0;
    for (let j = 0; j < nn; j++) if (b[j] > bmax) bmax = b[j];
    let nc = 0;
    for (let j = 0; j < nn; j++) {
      grad[j] = -b[j];
      if (b[j] > CAND_MIN * bmax && diag[j] > 0) cand[nc++] = j;
      else a[j] = 0;
    }
    if (!nc) return;
    // the gradient is kept on columns k0..k1 (every candidate; the others' are never read)
    const k0 = cand[0];
    const k1 = cand[nc - 1] + 1;
    // warm start: `a` holds the previous frame's activations (zeros for a first frame), kept on the candidates
    for (let c = 0; c < nc; c++) {
      const j = cand[c];
      const aj = a[j];
      if (!aj) continue;
      const row = j * nn;
      for (let k = k0; k < k1; k++) grad[k] += aj * G[row + k];
    }
    let scale = 0;
    for (let c = 0; c < nc; c++) scale = Math.max(scale, b[cand[c]] / diag[cand[c]]);
    if (!(scale > 0)) return;
    for (let s = 0; s < SWEEPS; s++) {
      let moved = 0;
      for (let c = 0; c < nc; c++) {
        const j = cand[c];
        const aj = a[j];
        // a note at 0 whose gradient is not negative stays at 0 (as the projection below would leave it)
        if (!aj && grad[j] >= 0) continue;
        const next = Math.max(0, aj - grad[j] / diag[j]);
        const d = next - a[j];
        if (!d) continue;
        a[j] = next;
        if (Math.abs(d) > moved) moved = Math.abs(d);
        const row = j * nn;
        let k = k0;
        for (; k + 3 < k1; k += 4) {
          grad[k] += d * G[row + k];
          grad[k + 1] += d * G[row + k + 1];
          grad[k + 2] += d * G[row + k + 2];
          grad[k + 3] += d * G[row + k + 3];
        }
        for (; k < k1; k++) grad[k] += d * G[row + k];
      }
      if (moved <= TOL * scale) break;
    }
  }

  /**
   * Non-negative least squares min ‖y − D·a‖², a ≥ 0, by projected coordinate descent on the normal
   * equations (Gram matrix fixed; only notes with Dᵀy > 0 can be active). `y` the frame's semitone
   * spectrum (NB bins, magnitudes); `a` (nn) holds the start (the previous frame's activations: neighbouring frames
   * sound alike, so few sweeps are needed; zeros for none) and receives the activations. Scratch arrays are the caller's.
   * Session 10's solver, kept as the reference `solve` must match bit for bit (test/unit/analysis-nnls-chroma.test.ts,
   * tools/eval/key-nnls.ts --speed): it reads G through the candidate list on every update.
   */
  solveReference(y: Float64Array, a: Float64Array, b: Float64Array, grad: Float64Array, cand: Int32Array): void {
    const { nn, G, diag, rowStart, rowCols, rowW } = this;
    b.fill(0);
    for (let i = 0; i < NB; i++) {
      const yi = y[i];
      if (!yi) continue;
      for (let e = rowStart[i]; e < rowStart[i + 1]; e++) b[rowCols[e]] += rowW[e] * yi;
    }
    let bmax = 0;
    for (let j = 0; j < nn; j++) if (b[j] > bmax) bmax = b[j];
    let nc = 0;
    for (let j = 0; j < nn; j++) {
      grad[j] = -b[j];
      // a column whose correlation with the frame is under CAND_MIN of the best stays 0 (its activation would be noise)
      if (b[j] > CAND_MIN * bmax && diag[j] > 0) cand[nc++] = j;
      else a[j] = 0;
    }
    // warm start: `a` holds the previous frame's activations (the caller's; zeros for a first frame), kept on the candidates
    for (let c = 0; c < nc; c++) {
      const j = cand[c];
      const aj = a[j];
      if (!aj) continue;
      const row = j * nn;
      for (let c2 = 0; c2 < nc; c2++) grad[cand[c2]] += aj * G[row + cand[c2]];
    }
    let scale = 0;
    for (let c = 0; c < nc; c++) scale = Math.max(scale, b[cand[c]] / diag[cand[c]]);
    if (!(scale > 0)) return;
    for (let s = 0; s < SWEEPS; s++) {
      let moved = 0;
      for (let c = 0; c < nc; c++) {
        const j = cand[c];
        const next = Math.max(0, a[j] - grad[j] / diag[j]);
        const d = next - a[j];
        if (!d) continue;
        a[j] = next;
        if (Math.abs(d) > moved) moved = Math.abs(d);
        const row = j * nn;
        for (let c2 = 0; c2 < nc; c2++) {
          const k = cand[c2];
          grad[k] += d * G[row + k];
        }
      }
      if (moved <= TOL * scale) break;
    }
  }
}

/** Scratch arrays of NoteDictionary.solve for a dictionary of `nn` columns (one per solving loop, reused frame after frame). */
export class NnlsScratch {
  /** Dᵀy per column */
  readonly b: Float64Array;
  /** the frame's candidate columns */
  readonly cand: Int32Array;
  /** the gradient Gᵀa − Dᵀy per column */
  readonly grad: Float64Array;
  constructor(nn: number) {
    this.b = new Float64Array(nn);
    this.cand = new Int32Array(nn);
    this.grad = new Float64Array(nn);
  }
}

const cache = new Map<string, NoteDictionary>();
/** The dictionary of a setting, built once per process. */
export function noteDictionary(opts: NnlsOptions): NoteDictionary {
  const key = `${opts.decays.join(',')}/${opts.lowNote}/${opts.highNote}`;
  let d = cache.get(key);
  if (!d) cache.set(key, (d = new NoteDictionary(opts)));
  return d;
}

/**
 * Add a spectral peak to a frame's semitone spectrum `y` (NB bins from BIN_LO): `freq` Hz, `mag` its
 * magnitude, `cents` the track's tuning (cents from A440); linear between the two nearest tuned notes.
 */
export function addToSemitones(y: Float64Array, freq: number, mag: number, cents: number): void {
  const x = 69 + 12 * Math.log2(freq / 440) - cents / 100 - BIN_LO;
  const i = Math.floor(x);
  const fr = x - i;
  if (i >= 0 && i < NB) y[i] += (1 - fr) * mag;
  if (i + 1 >= 0 && i + 1 < NB) y[i + 1] += fr * mag;
}

/**
 * Chroma by note transcription: per frame, the peaks (`freq` Hz and `mag` magnitude, frame f's peaks
 * at indices start[f] … start[f+1]−1, the last frame's to `count`) on the semitone grid tuned by
 * `cents`, NNLS against the note dictionary of `opts`, the activations summed per pitch class.
 * Returns frames × 12 values (C..B), frame-major, as foldChroma's. `solver` 'reference': session 10's solver
 * (NoteDictionary.solveReference: the same activations, slower; tools/eval/key-nnls.ts --speed).
 */
export function nnlsChroma(freq: Float32Array, mag: Float32Array, start: Int32Array | number[], frames: number, count: number, cents: number, opts: NnlsOptions = NNLS_DEFAULTS, solver: 'rows' | 'reference' = 'rows'): Float32Array {
  const dict = noteDictionary(opts);
  const nn = dict.nn;
  const out = new Float32Array(frames * 12);
  const y = new Float64Array(NB);
  const a = new Float64Array(nn);
  const w = new NnlsScratch(nn);
  for (let f = 0; f < frames; f++) {
    const end = f + 1 < frames ? start[f + 1] : count;
    if (end <= start[f]) continue;
    y.fill(0);
    let mmax = 0;
    for (let i = start[f]; i < end; i++) if (mag[i] > mmax) mmax = mag[i];
    for (let i = start[f]; i < end; i++) if (mag[i] >= PEAK_MIN * mmax) addToSemitones(y, freq[i], mag[i], cents);
    if (solver === 'rows') dict.solve(y, a, w);
    else dict.solveReference(y, a, w.b, w.grad, w.cand);
    for (let j = 0; j < nn; j++) if (a[j] > 0) out[f * 12 + dict.pc[j]] += a[j];
  }
  return out;
}
