/**
 * Harmonic change for the tempo's octave decision (issue 11): the novelty of
 * the tonal analyser's per-frame chroma (tonal.ts; 2048-point frames every
 * 1024 samples at 5512.5 Hz, ≈5.4 frames/s). Chords change on beats and bar
 * lines, rarely on eighths (Goto & Muraoka 1999 use chord changes to find the
 * beat and bar level), so the novelty's Fourier magnitude at a candidate's bar
 * rate tells a level from its half or double where the onsets cannot
 * (tempo.ts, OCTAVE_FEATURES 'log chord dft').
 *
 * A plain chroma (FFT bins folded onto pitch classes, no peak picking) was
 * tried in its place and did not help (tools/eval/octave-extra.ts, 'nov2').
 */

/** The chroma novelty of a track and its frame rate. */
export interface HarmonicChange {
  /** novelty per chroma frame, 0..1 (harmonicNovelty) */
  novelty: Float64Array;
  /** chroma frames per second */
  fps: number;
  /** flatness of the track's mean chroma (chromaFlatness): the octave decision weighs the novelty only at or under CHORD_GATE_FLATNESS (tempo.ts) */
  flatness: number;
}

/**
 * Chroma novelty per frame (0..1): 1 − cosine similarity of the summed
 * max-normalised chroma of frames [f−2, f) and [f, f+2); frames not `active`
 * (the tonal analyser's: under −60 dB of the loudest) count as empty; 0 at the
 * edges and where either side is empty. `chroma`: 12 per frame, `frames` of them.
 */
export function harmonicNovelty(chroma: Float32Array, frames: number, active: ArrayLike<boolean>): Float64Array {
  const n = frames;
  const nov = new Float64Array(n);
  const a = new Float64Array(12);
  const b = new Float64Array(12);
  const add = (f: number, o: Float64Array) => {
    if (!active[f]) return;
    let m = 0;
    for (let k = 0; k < 12; k++) if (chroma[f * 12 + k] > m) m = chroma[f * 12 + k];
    if (m > 0) for (let k = 0; k < 12; k++) o[k] += chroma[f * 12 + k] / m;
  };
  const W = 2;
  for (let f = W; f + W <= n; f++) {
    a.fill(0);
    b.fill(0);
    for (let g = f - W; g < f; g++) add(g, a);
    for (let g = f; g < f + W; g++) add(g, b);
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let k = 0; k < 12; k++) {
      ab += a[k] * b[k];
      aa += a[k] * a[k];
      bb += b[k] * b[k];
    }
    nov[f] = aa > 0 && bb > 0 ? 1 - ab / Math.sqrt(aa * bb) : 0;
  }
  return nov;
}

/**
 * Flatness (geometric ÷ arithmetic mean, 0..1) of a track's mean chroma: each active frame's
 * 12 values divided by its largest, averaged over the active frames. Drums and noise give a
 * flat long-term chroma (≈0.94–0.97 on the dev-side drum renders), music with chords a
 * key-shaped one (most under 0.9); 1 where no frame is active. The octave decision uses the
 * harmonic-change cue only under a flatness threshold (tempo.ts, CHORD_GATE_FLATNESS).
 */
export function chromaFlatness(chroma: Float32Array, frames: number, active: ArrayLike<boolean>): number {
  const mean = new Float64Array(12);
  let n = 0;
  for (let f = 0; f < frames; f++) {
    if (!active[f]) continue;
    let m = 0;
    for (let k = 0; k < 12; k++) if (chroma[f * 12 + k] > m) m = chroma[f * 12 + k];
    if (!(m > 0)) continue;
    for (let k = 0; k < 12; k++) mean[k] += chroma[f * 12 + k] / m;
    n++;
  }
  if (!n) return 1;
  let am = 0;
  let gm = 0;
  for (let k = 0; k < 12; k++) {
    am += mean[k] / n / 12;
    gm += Math.log(Math.max(mean[k] / n, 1e-12)) / 12;
  }
  return am > 0 ? Math.exp(gm) / am : 1;
}
