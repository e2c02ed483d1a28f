/**
 * Calibrated confidence of the tempo and the key (issue 10 kind 4, issue 11):
 * the probability (0..1) that the stated value is right — tempo right = within
 * 4 % of the true beat (Acc1), key right = the exact key (tonic and mode) — so
 * that of the tracks shown at 0.8, about 80 % are right. This module is the
 * one place that turns the analysers' evidence into that number: the tempo
 * analyser (tempo.ts) and the key analyser (tonal.ts) call it, the library
 * stores what they return, and the table, the track detail, the export,
 * `studio analyze` and the features line (text.ts, MIN_CONFIDENCE) all show
 * that one stored value.
 *
 * The map is Platt-style logistic regression (Platt 1999; Niculescu-Mizil &
 * Caruana 2005) over a few inputs each analyser computes anyway:
 * p = 1 / (1 + exp(−(b + Σ wᵢ xᵢ))). Why logistic and not isotonic or binned:
 * the fit has ~200 tracks, of which only a few dozen are wrong; isotonic
 * regression and histogram binning need many more to avoid step artefacts
 * and overfit one input, while a logistic model with 3–5 weights is smooth,
 * monotone in each input and fits several inputs at once. Each weight is
 * constrained to the sign its input's meaning implies (more pulse evidence
 * can never lower the confidence), so the map is monotone in every input.
 *
 * The constants below are written by tools/eval/calibrate.ts (development data
 * only: the dev set of tools/eval/build-set.ts and the dev-side renders of
 * synth-set.ts, octave-set.ts, beatless-set.ts and pulseless-set.ts, for the tempo also dev2-set.ts, and for the key key-set.ts and keyless-set.ts; families related to a test family left
 * out); rerun it after any change to the tempo or key analyser and bump that
 * analyser's version so stored values are recomputed.
 */

import { MIN_CONFIDENCE } from '@contract';

/** Evidence for a tempo, from estimateTempo (tempo.ts); every value is finite. */
export interface TempoEvidence {
  /** normalised autocorrelation of the onset envelope at one or two beat periods (0..1): how periodic the onsets are */
  pulse: number;
  /**
   * mean normalised autocorrelation of the onset envelope at 3 and 4 beat periods (0..1; over those within the analyser's
   * longest lag, 4 beats at 40 BPM, so both from ~6 s of audio on; 1 when neither fits: nothing measured): music repeats bar after bar, speech's syllables and random onsets do not (session 10: 8–12 s
   * flite speech 0.01–0.23, the dev music median 0.53)
   */
  repeat: number;
  /** log of pulse (floored at 0.01): tells a drone's 0.05 from a weak groove's 0.3 better than pulse does */
  logPulse: number;
  /** how many of two simpler rules that err differently (the comb's own pick with the tempo prior; comb × prior's octave of the chosen level) give the same tempo (0..2) */
  agree: number;
  /** mean of the conditioned onset envelope at unit RMS (0..1): small for sparse, sharp onsets, near 1 for a smooth swell such as a drone's beating partials */
  smooth: number;
  /** log of the onset strength at the tracked beats (strongest frame within ±1) ÷ the envelope's mean: how much the beats stand out */
  lock: number;
  /** log-odds of the chosen octave against the other octave candidates (half, double) in the octave decision; 4 when there was no alternative */
  octave: number;
  /** log margin of the chosen metrical level over the best level that is not its octave (2/3, 3/4, 4/3, 3/2, 1/3, 3 × …) in step one (comb salience × Fourier tempogram); 4 when there was none */
  level: number;
  /** fraction of the tracked beat intervals within 10 % of the beat period (0..1): how steadily the beat tracker locked */
  steady: number;
  /** log of the mean onset flux (MIN_ONSET_FLUX's measure): how strong the onsets are */
  flux: number;
  /** |log2(bpm / 120)|: how far from a moderate tempo (fast and slow tracks' octaves are the hard ones) */
  extreme: number;
  /** briefOf(the analysed seconds): 0 for FULL_SEC or more, 1 per halving below it — a clip shows few beats to lock to */
  brief: number;
  /** max(0, log2(48 / the tracked beats)): 0 from 48 beats (30 s at 96 BPM) on, 1 per halving below — the beats observed */
  fewBeats: number;
  /**
   * share (0..1) of the track's 12 s local-tempo windows at the stated tempo or a metrical relative of it, within 4 %
   * (tempo.ts holdShare; 1 under ~14 s, where there are fewer than two windows). Not a fitted input: the map is fitted
   * on steady tracks, so it gives P(right | the track holds one tempo), and tempoConfidence multiplies that by this
   * share (÷ 0.9, HOLD_SLACK) — the tempo of a DJ mix ramping 122 → 132 BPM read as 131 is right for the part near 131 only.
   */
  hold: number;
}

/** Evidence for a key, from keyFromChroma (tonal.ts); every value is finite. */
export interface KeyEvidence {
  /** the chosen key's profile correlation × the chroma's spread (0..1; the key analyser's confidence before calibration): near 0 for a flat chroma (drums, noise, twelve-tone) */
  fit: number;
  /** the chosen key's score minus the best other key's score (the blend of profile and harmonic-function scores): how clearly it won */
  margin: number;
  /** the chroma's spread (0..1): 1 − weakest/strongest pitch class, less for one or two pitch classes */
  spread: number;
  /** how many of the key's seven scale tones are heard (mean chroma ≥ 0.2 of its strongest pitch class), 0..7: a sustained chord or a drone shows 3–4, music in the key 6–7 */
  scale: number;
  /** 1 when the key profile alone (without the chords' harmonic-function score) picks the same key, else 0: the two disagree on modal and relative-key music */
  agree: number;
  /** share of all frames with a triad (tonal.ts frameTriads; 0..1): low for a melody alone, whose key the notes leave open more often than chords do */
  harmony: number;
  /** mean number of pitch classes sounding per frame (tonal.ts meanVoices; 0..3, capped at a triad's 3): about 1–1.5 for a melody alone, whose notes leave the key more open than chords do */
  voices: number;
  /** authentic cadences (V → the key's tonic triad, heard triads) counted ÷ 5, capped at 1 (tonal.ts cadenceRate; 5 is what the former per-minute rate's cap meant over the 30 s calibration files): 0 for music that never cadences to the key — a melody with no tonic, a modal vamp; one cadence in a 3 s clip is 0.2, not a saturated rate */
  cadences: number;
  /** briefOf(the analysed seconds): a short clip's chroma and chords sample only a few bars of the music */
  brief: number;
  /**
   * (key13) the share of the track's spectral peaks' magnitude (65–2100 Hz) in partials (tonal.ts TonalAnalyser.pitchedShare,
   * PEAK_FLOOR_RATIO; 0..1; 1 where estimateKey is called without it): music 0.27–1 (dev2's drum-heavy grooves the least),
   * GM drum kits alone 0.12–0.2 — a drum track stated a key on its toms' and cymbals' chance peaks reads low here
   */
  pitched: number;
}

/** The length of the calibration files (most dev-side renders are 30 s): the map's inputs were fitted there and beyond it nothing more is claimed. */
export const FULL_SEC = 30;

/** How much shorter than FULL_SEC the analysed audio is, in halvings: max(0, log2(FULL_SEC / seconds)); 0 for 30 s or more, 1 for 15 s, 3.3 for 3 s. */
export function briefOf(seconds: number): number {
  return seconds > 0 ? Math.max(0, Math.log2(FULL_SEC / seconds)) : 0;
}

// brief and fewBeats (tempo) and brief (key) are offered to tools/eval/calibrate.ts; the maps below do not weigh them:
// session 9's fits with excerpts (calibrate.ts --excerpts) either dropped them (the key's, by its sign) or cost a
// full-length set more than 0.005 of cross-validated ECE (the tempo's), the rule fixed before the fit.

/** A logistic calibration map: inputs by name, their weights, the intercept. */
export interface CalibrationModel<K extends string> {
  inputs: readonly K[];
  weights: readonly number[];
  bias: number;
}

/** The sign each tempo input's weight must have (+1: more of it, more likely right; −1: less likely). */
export const TEMPO_SIGNS: Record<keyof TempoEvidence, 1 | -1> = { pulse: 1, repeat: 1, logPulse: 1, agree: 1, smooth: -1, lock: 1, octave: 1, level: 1, steady: 1, flux: 1, extreme: -1, brief: -1, fewBeats: -1, hold: 1 };
/** Evidence that is no input of the fitted map (tempoConfidence applies it as a factor). */
export const TEMPO_FACTORS: readonly (keyof TempoEvidence)[] = ['hold'];
/** The sign each key input's weight must have. */
export const KEY_SIGNS: Record<keyof KeyEvidence, 1 | -1> = { fit: 1, margin: 1, spread: 1, scale: 1, agree: 1, harmony: 1, voices: 1, cadences: 1, brief: -1, pitched: 1 };

// BEGIN CALIBRATION (written by tools/eval/calibrate.ts)
/** Tempo calibration; fitted by tools/eval/calibrate.ts on 509 development files with a tempo (dev 104, synth 22, octave 68, beatless 36, pulseless 32, dev2 247), analysers ebae75c975c2. */
export const TEMPO_CALIBRATION: CalibrationModel<keyof TempoEvidence> = { inputs: ['logPulse', 'lock', 'flux', 'extreme'], weights: [1.182, 1.466, 1.45, -2.693], bias: -4.859 };
/** Tempo calibration, first stage (null: one map): P(the track has a beat at all); tempoConfidence multiplies TEMPO_CALIBRATION's P(right | a beat) by it. */
export const TEMPO_PULSE_CALIBRATION: CalibrationModel<keyof TempoEvidence> | null = null;
/** Key calibration; fitted by tools/eval/calibrate.ts on 390 development files with a key named (dev 83, synth 22, octave 68, beatless 24, pulseless 36, keyset 109, keyless 48). */
export const KEY_CALIBRATION: CalibrationModel<keyof KeyEvidence> = { inputs: ['fit', 'margin', 'scale', 'harmony', 'voices', 'cadences'], weights: [4.878, 7.838, 0.9288, 3.896, 1.332, 3.693], bias: -17.86 };
// END CALIBRATION

/**
 * A probability as every confidence is stated: rounded to 0.001 and kept in [0.001, 0.999] (no analysis is ever
 * certain), never rounded across MIN_CONFIDENCE — a probability under 0.5 (0.4996) is stated 0.499, not 0.5, so the
 * stored number and the sure/uncertain decision every reader takes from it (≥ MIN_CONFIDENCE: sure) agree with the
 * probability itself (a drums-only track's key stated at exactly 0.50 was shown as sure; session 26).
 * @param p probability, 0..1
 * @returns 0.001..0.999 in steps of 0.001
 */
export function roundConfidence(p: number): number {
  const r = Math.round(Math.min(0.999, Math.max(0.001, p)) * 1000) / 1000;
  return p < MIN_CONFIDENCE && r >= MIN_CONFIDENCE ? Math.round((MIN_CONFIDENCE - 0.001) * 1000) / 1000 : r;
}

/**
 * The calibrated probability of a logistic model at `x` (inputs by name), rounded to 0.001
 * and kept in [0.001, 0.999]: no analysis is ever certain. Missing or non-finite inputs count as 0.
 */
export function calibrate<K extends string>(model: CalibrationModel<K>, x: Record<K, number>): number {
  let s = model.bias;
  model.inputs.forEach((k, i) => {
    const v = x[k];
    if (Number.isFinite(v)) s += model.weights[i] * v;
  });
  return roundConfidence(1 / (1 + Math.exp(-s)));
}

/**
 * Windows of TempoEvidence.hold that may disagree without lowering the confidence (10 %): a beatless intro or an
 * outro under 2 windows long reads some other local tempo while the track's one tempo is right (5 intro renders of
 * dev2, hold 0.94, were right at 0.81–0.90); a ramp or a second tempo covers far more of the track.
 */
export const HOLD_SLACK = 0.1;

/**
 * The least TempoEvidence.repeat (the onset autocorrelation at 3 and 4 beats) at which a tempo is believed as the map
 * says (conf12, session 12). Below it the onsets recur at a rate but not bar after bar — syllables (8–12 s flite speech
 * 0.017–0.086), noise bursts, random-onset melodies — and the confidence is scaled down by repeat ÷ REPEAT_FLOOR. Dev-side
 * music (out of 465 files with a beat, the shipped chooser): the right ones' 5th percentile 0.31 at full length, 0.32 on
 * 8 s clips, 0.31 on 12 s clips; BENCHMARKS.md "Tempo confidence: a bar that repeats" has the figures.
 */
export const REPEAT_FLOOR = 0.1;

/**
 * TempoEvidence.smooth (the conditioned onset envelope's mean at unit RMS) up to which a tempo is believed as the map
 * says, and from which it is not believed at all (tester23): between them the confidence is scaled down linearly. An
 * envelope this smooth is a swell with no attack — the partials of a held chord beating (a synth's detuned unison,
 * two oscillators 1 Hz apart: "Tempo: 120 BPM." at 0.708, smooth 0.497), a drone — not onsets. The shipped map does
 * not weigh `smooth` (its fit dropped it: the dev-side sets' drones already read no pulse), so a pad whose beating is
 * periodic was stated. Chosen on the dev-side sets (each file's TempoEvidence under the shipped analyser, tempo 17):
 * the tempi right (Acc1) reach smooth 0.435 at most (dev 99 right, max 0.399; synth 26, 0.360; dev2 227, 0.435 — a
 * percussion groove at 200 BPM), the no-tempo drones and slow pads (beatless-set.ts, dev's and dev2's drones) start at
 * 0.487: the floor sits just above the first, the ceiling just below the second. Not chosen on, looked at after:
 * tempo-soft's right tempi reach 0.507 but all were stated under 0.5 already, tempo-lmms' 0.425 — no stated tempo of
 * either set falls under MIN_CONFIDENCE. Two sines 2 Hz apart (smooth 0.423) are still stated: inside the right tempi.
 * BENCHMARKS.md "Tempo confidence: a swell is no onset" has the figures (tools/eval/tempo-evidence.ts).
 */
export const SMOOTH_FLOOR = 0.44;
export const SMOOTH_CEIL = 0.49;

/**
 * The factors tempoConfidence multiplies the calibrated probability by (0..1; no fitted weights): the share of the track
 * at the tempo (TempoEvidence.hold ÷ (1 − HOLD_SLACK), at most 1) times min(1, repeat ÷ REPEAT_FLOOR) (repeat is 1 where
 * no bar fits in the audio: nothing measured) times the swell's share, (SMOOTH_CEIL − smooth) ÷ (SMOOTH_CEIL −
 * SMOOTH_FLOOR) within [0, 1]. tools/eval/calibrate.ts scores every map with the same factors.
 */
export function tempoFactor(e: Partial<TempoEvidence>): number {
  const hold = Number.isFinite(e.hold) ? Math.min(1, Math.max(0, e.hold!) / (1 - HOLD_SLACK)) : 1;
  const repeat = Number.isFinite(e.repeat) ? Math.min(1, Math.max(0, e.repeat!) / REPEAT_FLOOR) : 1;
  const smooth = Number.isFinite(e.smooth) ? Math.min(1, Math.max(0, (SMOOTH_CEIL - e.smooth!) / (SMOOTH_CEIL - SMOOTH_FLOOR))) : 1;
  return hold * repeat * smooth;
}

/**
 * Probability (0..1) that the tempo with this evidence is right (Acc1: within 4 %): the map's, times the first stage's
 * P(a beat at all) where there is one (`pulseModel`, TEMPO_PULSE_CALIBRATION; then `model` is P(right | a beat)), times
 * tempoFactor (the share of the track at that tempo; a bar that repeats).
 */
export function tempoConfidence(e: TempoEvidence, model: CalibrationModel<keyof TempoEvidence> = TEMPO_CALIBRATION, pulseModel: CalibrationModel<keyof TempoEvidence> | null = TEMPO_PULSE_CALIBRATION): number {
  const p = calibrate(model, e) * (pulseModel ? calibrate(pulseModel, e) : 1);
  return roundConfidence(p * tempoFactor(e));
}

/** Probability (0..1) that the key with this evidence is exactly right. */
export function keyConfidence(e: KeyEvidence, model: CalibrationModel<keyof KeyEvidence> = KEY_CALIBRATION): number {
  return calibrate(model, e);
}
