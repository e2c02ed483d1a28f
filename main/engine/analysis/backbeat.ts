/**
 * The backbeat-period cue for the tempo's octave (issue 11, session 9).
 *
 * In 4/4 pop, funk and soul the snare (and the chord stabs that follow it)
 * falls on beats 2 and 4: the band that carries them repeats every 2 beats at
 * the true tempo. When a groove at 85–110 BPM with 8th or 16th notes in the
 * bass and hi-hats is read at twice its tempo, that pattern repeats every 4
 * of the (wrong) beats; a fast track read at its true tempo (a rock or polka
 * beat at 170–200 BPM with the snare on 2 and 4) repeats every 2. The cue
 * measures that directly: the Fourier tempogram (Grosche & Müller 2011; tempo.ts
 * fourierTempo) of the 250–2000 Hz band's onset flux at a quarter of the
 * candidate tempo. The hi-hat band (above 2 kHz) plays every subdivision and
 * carries no such period (tools/eval/backbeat.ts: its AUC is 0.70 on dev2
 * against 0.87 for this band).
 *
 * The rule (backbeatOctave) only ever halves, and only where the octave
 * decision (tempo.ts OCTAVE_MODEL) and the older comb × prior rule (tempo.ts
 * chooseOctave, the rule the peers' choices resemble: QM-DSP's Rayleigh-weighted
 * comb, essentia's degara) disagree by a factor of two: the learned model
 * read the double and comb × prior the half.
 *
 * Units: envelopes are tempo.ts' (≈ 43.07 frames per second); `bands` holds
 * BAND_FEATURES values per frame, the first three the onset flux (natural-log
 * band-energy rise per frame) below 250 Hz, 250–2000 Hz and above.
 */
import { BAND_FEATURES, condition, fourierTempo } from './tempo';

/** the BAND_FEATURES columns whose flux carries the kick and the backbeat: below 250 Hz (kick, bass) and 250–2000 Hz (snare body, chord stabs) */
export const BACKBEAT_GROUPS = [0, 1] as const;
/**
 * The threshold chosen on dev2 alone (tools/eval/backbeat.ts --measure): dev2 Acc1 191 → 198 of 243, but fast
 * tracks (> 160 BPM) 25 → 17 of 31 there and 41 → 16 of 61 on the other dev-side sets; not shipped
 * (LEVEL_TUNING has no `backbeat`). 0.25 is the most even trade-off (dev +3, dev2 +4, tempo-octave −1,
 * fast −2 in all) and still misses the ship rule's dev2 +8.
 */
export const BACKBEAT_THRESHOLD = 0.1;
/** Fourier window of the cue, seconds (tempo.ts' octave features use the same) */
export const BACKBEAT_WINDOW_SEC = 30;

/**
 * Backbeat strength at a candidate tempo: the Fourier tempogram of the
 * 250–2000 Hz band's onset flux (BACKBEAT_GROUP, conditioned as the full
 * envelope by tempo.ts condition: 1 s baseline removed, rectified, unit RMS)
 * at `bpm` / 4 — a pattern that repeats every 4 beats at `bpm`, i.e. every 2
 * beats at `bpm` / 2. About 0 without such a pattern; 1 for a pure pulse train
 * at that rate. `bands`: BAND_FEATURES Float32 values per envelope frame
 * (TempoAnalyser); `fps`: envelope frames per second; `bpm` > 0. Returns 0
 * when the band has no onsets or `bands` is empty. Cost: one pass to condition
 * the band and one single-frequency DFT per 15 s hop (O(frames)).
 */
export function backbeatStrength(bands: Float32Array, fps: number, bpm: number): number {
  const nf = Math.floor(bands.length / BAND_FEATURES);
  if (nf < 2 || !(bpm > 0)) return 0;
  const e = new Float32Array(nf);
  let s = 0;
  for (const g of BACKBEAT_GROUPS) {
    for (let i = 0; i < nf; i++) e[i] = bands[BAND_FEATURES * i + g];
    const c = condition(e, fps);
    if (c) s += fourierTempo(c, fps, bpm / 4, BACKBEAT_WINDOW_SEC);
  }
  return s;
}

/**
 * The octave after the backbeat rule. `cands`: the octave decision's
 * candidates (tempo.ts octaveCandidates: the level, its half, its double;
 * tempos in BPM), `best`: the one the octave model chose, `combBpm`: comb ×
 * prior's choice among the same octaves (tempo.ts chooseOctave). Returns the
 * candidate at half of `best` (within 4 %) when comb × prior chose that half
 * and backbeatStrength(bands, fps, best.bpm) ≥ `threshold`; `best` otherwise
 * (also without band envelopes). Source: tools/eval/backbeat.ts (threshold and figures).
 */
export function backbeatOctave<T extends { bpm: number }>(cands: T[], best: T, combBpm: number, bands: Float32Array | undefined, fps: number, threshold: number): T {
  if (!bands) return best;
  const near = (a: number, b: number) => Math.abs(a - b) <= 0.04 * b;
  const half = cands.find((c) => near(c.bpm, best.bpm / 2));
  if (!half || !near(combBpm, half.bpm)) return best;
  return backbeatStrength(bands, fps, best.bpm) >= threshold ? half : best;
}
