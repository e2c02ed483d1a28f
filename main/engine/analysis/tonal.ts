/**
 * Key and chords from one chromagram: spectral peaks of a ~5.5 kHz mono
 * signal (C2–C7) kept per frame as pitch classes at 20-cent resolution; the
 * track's tuning estimated from the peaks (the circular mean of their
 * deviation from equal temperament on A440, as Essentia's TuningFrequency and
 * Mauch's NNLS Chroma do), then folded into 12 pitch classes around the tuned
 * note centres (HPCP-like cosine weighting). Chords: triad templates on
 * smoothed chroma. Key: correlation of the mean chroma with 24 rotated key
 * profiles (Temperley 2007), blended with a harmonic-function score of the
 * frames' triads (chordKeyScores: how much of the time the chords are the
 * key's tonic, dominant, subdominant…), which is what tells a key from its
 * relative. Settings chosen on the development set (tools/eval/key-dev.ts).
 */
import { hann, RealFft } from '../dsp/fft';
import { correlation, FrameBuffer, SharedStreams, type MonoTap } from '../dsp/streams';
import { nthSmallest } from '../dsp/select';
import { ALL_KEYS, camelot, chordName, keyName, openKey, type Key } from './keys';
import { briefOf, keyConfidence, type KeyEvidence } from './confidence';
import type { Analyser } from './types';
import { NNLS_DEFAULTS, nnlsChroma } from './nnls-chroma';
import { KEY_NET_BASS_HZ, keyNetConfidence, keyNetInput, keyNetProbs, keyNetWeights, type KeyNetWeights } from './key-net';

/** Key profiles (major, minor), index 0 = tonic. */
export const KEY_PROFILES = {
  krumhansl: [
    [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88],
    [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17],
  ],
  /** Temperley (2007), Kostka–Payne corpus */
  temperley: [
    [0.748, 0.06, 0.488, 0.082, 0.67, 0.46, 0.096, 0.715, 0.104, 0.366, 0.057, 0.4],
    [0.712, 0.084, 0.474, 0.618, 0.049, 0.46, 0.105, 0.747, 0.404, 0.067, 0.133, 0.33],
  ],
  /** Temperley (1999), "What's key for key?" */
  temperley1999: [
    [5, 2, 3.5, 2, 4.5, 4, 2, 4.5, 2, 3.5, 1.5, 4],
    [5, 2, 3.5, 4.5, 2, 4, 2, 4.5, 3.5, 2, 1.5, 4],
  ],
  /** Shaath (2011): Krumhansl tuned for popular and electronic music */
  shaath: [
    [6.6, 2.0, 3.5, 2.3, 4.6, 4.0, 2.5, 5.2, 2.4, 3.7, 2.3, 3.4],
    [6.5, 2.7, 3.5, 5.4, 2.6, 3.5, 2.5, 5.2, 4.0, 2.7, 4.3, 3.2],
  ],
  /** Faraldo et al. (2016), automatic profiles from electronic dance music ("edma") */
  edma: [
    [0.16519551, 0.04749026, 0.08293076, 0.06687112, 0.09994645, 0.09274123, 0.05294487, 0.13159476, 0.05218986, 0.07443653, 0.06940723, 0.0642515],
    [0.17235348, 0.05336489, 0.0761009, 0.10043649, 0.05621498, 0.08527853, 0.0497915, 0.13451001, 0.07458916, 0.05003023, 0.09187879, 0.05545106],
  ],
  /** Albrecht & Shanahan (2013) */
  albrecht: [
    [0.238, 0.006, 0.111, 0.006, 0.137, 0.094, 0.016, 0.214, 0.009, 0.08, 0.008, 0.081],
    [0.22, 0.006, 0.104, 0.123, 0.019, 0.103, 0.012, 0.214, 0.062, 0.022, 0.061, 0.052],
  ],
} as const satisfies Record<string, readonly [readonly number[], readonly number[]]>;
export type KeyProfileName = keyof typeof KEY_PROFILES;

export interface KeyResult {
  /** "A minor" (null: no pitched content — silence, or under PITCHED_SHARE_MIN of the spectral peaks in partials: drums, noise) */
  key: string | null;
  tonic: number | null;
  mode: 'major' | 'minor' | null;
  /**
   * calibrated probability (0..1) that key is exactly right (confidence.ts), from the correlation of the
   * chroma with the winning key profile scaled by the chroma's spread (1 − weakest/strongest pitch class:
   * near 0 for a flat chroma — drums, noise, twelve-tone; 0 for one pitch class and halved for two, a sine
   * or a one-note drone: no scale) and the winner's margin over the next key
   */
  confidence: number;
  /** the inputs of the calibrated confidence (keyFromChroma only) */
  evidence?: KeyEvidence;
  camelot: string | null;
  openKey: string | null;
  /** correlation with each of the 24 keys: C..B major, then C..B minor */
  strengths: number[];
  /** mean chroma, C..B, max = 1 */
  chroma: number[];
  /** why there is no key (key null; TonalAnalyser only), in words for the user: one of NO_KEY */
  reason?: string;
  /** the track's tuning, cents from A440 (TonalAnalyser only) */
  tuningCents?: number;
  /**
   * Present only when the key changes (keySections, TonalAnalyser only): the two long sections, in
   * time order, each with its own key. `key` and `confidence` stay those of the whole track
   * (unchanged by the detection); the features line then states no key (and no chords).
   */
  variable?: KeySection[];
}

/** A section of one key in a track whose key changes: start and end in seconds, key as KeyResult.key ("G major"). */
export interface KeySection {
  start: number;
  end: number;
  key: string;
}

export interface ChordSegment {
  start: number;
  end: number;
  chord: string;
}

export interface ChordsResult {
  /** a short recurring progression, e.g. ["Am", "F", "C", "G"] */
  progression: string[];
  /** chord changes over time ("N" = no chord) */
  segments: ChordSegment[];
}

export interface TonalResult {
  key: KeyResult;
  chords: ChordsResult;
}

const N = 2048;
const HOP = 1024;
/** 12·log2(h): how far below a harmonic h its fundamental lies, semitones */
const SUBHARMONIC_SEMITONES = [0, 0, 12, 12 * Math.log2(3), 24, 12 * Math.log2(5), 12 * Math.log2(6)];
const TARGET_RATE = 5512.5;
/** fine pitch-class bins per semitone (20 cents each) kept per frame until the tuning is known */
export const FINE = 5;
const NF = 12 * FINE;

/** How spectral peaks become chroma (the key's and the chords'). */
export interface ChromaOptions {
  /** peak weight: magnitude^exponent (1 = magnitude, 2 = energy as HPCP) */
  exponent?: number;
  /** count each peak also for up to this many candidate fundamentals (1 = none) */
  harmonics?: number;
  /** weight of each further candidate fundamental (h = 2, 3, …): decay^(h−1) */
  harmonicDecay?: number;
  /** peaks below this frequency (Hz) also make the bass chroma; 0: no bass chroma */
  bassHz?: number;
  /**
   * How a frame's peaks become its chroma: 'fold' — every peak (and its `harmonics` candidate fundamentals) votes for
   * its own pitch class (foldChroma); 'nnls' — an approximate note transcription first (nnls-chroma.ts: the peaks on
   * the tuned semitone grid explained by notes with geometrically decaying partials, non-negative least squares), the
   * notes' activations folded, so a note's 3rd and 5th partials do not vote as its fifth and third; 'nnls-triads' — the
   * mean chroma (the profile's correlation, the evidence) from 'fold', the frames' triads (the harmonic-function score,
   * the cadences, the chords shown) from 'nnls' (a riff on root and fifth whose 5th partials sound the major third is
   * no major triad). 'fold' by default: 'nnls-triads' (partials 0.8^(h−1), notes up to C6) fixes dev2's parallel misses
   * (MIREX 0.932 → 0.951) and key-set's fifth misses (0.815 → 0.819) but loses eval dev 0.990 → 0.961, its
   * family-grouped CV is down on eval dev and key-set, the key ECE rises (key-set +0.026) and the analysers' CPU by
   * ~12 %: it failed the ship rule written before measuring (tools/eval/key-nnls.ts, BENCHMARKS.md "Key: NNLS chroma").
   * 'nnls-blend' (session 11) — the key decision refitted on both: the profile correlation of the fold's and the
   * transcription's mean chromas blended by KeyOptions.nnlsProfileShare, the harmonic-function score of the fold's and
   * the transcription's frame triads blended by KeyOptions.nnlsTriadShare; the evidence, the cadences, the chords shown and
   * the key-change flag (keySections) read the fold as 'fold' does (tools/eval/key-refit.ts; BENCHMARKS.md "Key: a faster
   * NNLS solver, and the key decision refitted on NNLS triads"). Off by default: at KeyOptions' nnls* defaults (w 1, β 0.5, γ 0.25) MIREX eval dev
   * 0.990 → 0.980, key-set 0.804 → 0.810, dev2 0.929 → 0.951, key ECE not worse on any set, family-grouped CV pooled
   * up, CPU +0.21 ms per audio second on the key path (~4–5 % of the analysis); but key-keyless states 5 keys at ≥ 0.5
   * where 'fold' states 3: it failed the rule written in key-refit.ts' header (the key map is fitted on the fold's decision).
   */
  chromaFrom?: 'fold' | 'nnls' | 'nnls-triads' | 'nnls-blend';
  /** 'nnls': amplitude of partial h = d^(h−1), one dictionary column per note for each d */
  nnlsDecays?: number[];
  /** 'nnls': the dictionary's lowest and highest notes (MIDI) */
  nnlsLow?: number;
  nnlsHigh?: number;
  /**
   * key37: γ of the logarithmic compression of the chroma the key profile is correlated with (0: none, that chroma is
   * the per-frame chroma itself). Each spectral peak's magnitude m counts as log(1 + γ·m / m_max), m_max the frame's
   * strongest bin's magnitude (Müller & Ewert's log compression, the "CLP" chroma of the Chroma Toolbox, 2011, here per
   * peak before the fold), so the per-frame floor (KeyOptions.threshold, 0.2 of the frame's strongest pitch class) sits
   * at a fixed step in dB instead of at −14 dB of linear magnitude: at γ = 30 a peak 17 dB under the strongest counts
   * log(1 + 30·0.14) / log(31) = 0.48 of it. Only the whole-track mean chroma reads it (the profile correlation and the
   * key's evidence, estimateKey's texture.profile); the frames' triads, the chords, the key-change flag and the key net
   * read the uncompressed chroma as before. Why: a loud bass's root (its fundamental and octave partials, all one pitch
   * class) makes every other tone of a frame fall under the floor — a C major piano's E, even at full velocity, reads
   * 0.00–0.03 in the mean chroma under a bass at velocity 127, and a third 17 dB down reads 0.00 even alone.
   * Tried, off (0) by default (key37, session 37; BENCHMARKS.md "Key: weak thirds (key37)", tools/eval/key-weak.ts
   * --product): at γ 10 and 30 the shipped key's MIREX is unchanged on eval dev, dev2 and key-set, but with the key map
   * as fitted (confidence.ts, on the uncompressed evidence) the stated confidence's ECE rises by more than 0.01 on eval
   * dev (0.043 → 0.073 / 0.080), dev2 (0.041 → 0.058 / 0.064) and key-set (0.121 → 0.136 / 0.170) and more drums and
   * drones are stated sure (eval dev 3 → 5 / 6); at 30 dev2's profile key also loses 0.9 of MIREX (193.7 → 192.8). It
   * needs the key map refitted on its evidence (calibrate.ts) to be judged again.
   */
  peakLog?: number;
}

export interface KeyOptions {
  /** per frame, pitch classes below this fraction of the strongest are dropped before averaging */
  threshold?: number;
  /** weight of the bass chroma's correlation with the key profile, added to the full chroma's */
  bassWeight?: number;
  /** weight of the harmonic-function score of the frames' triads (chordKeyScores), added to the profile correlation (0: none) */
  chordWeight?: number;
  /** added to the score of the key whose tonic triad is the track's first heard chord (chordRuns' first run; 0: none — tried on dev by key-dev.ts --first, not shipped) */
  firstWeight?: number;
  /**
   * How the mode (major or minor) of the chosen tonic is decided (keyFromChroma): 'blend' (default) — the key with the
   * best blended score (profile correlation + chordWeight × harmonic-function score), mode included; 'profile' — the
   * tonic from the blend, then major or minor by the mean chroma's profile correlation alone (the frames' triads name a
   * frame with no third played — a riff on root and fifth — by the strongest partial near a third, which the mean
   * chroma's threshold drops). Off by default: on dev2 (truth re-read under heldout-set.ts modeHeard) MIREX 0.945 →
   * 0.963, short of the +0.02 fixed beforehand, and the switched files' confidences (0.09–0.16, right) worsen dev2's
   * key ECE 0.042 → 0.058; eval dev (0.990) and key-set (0.806) unchanged (tools/eval/key-mode.ts, session 9).
   */
  modeFrom?: 'blend' | 'profile';
  /**
   * (key14, tried, off: 0) added × the phrase-end cue's share (phraseEndChroma) at each key's tonic to the key's score.
   * On the development-side sets (tools/eval/key-tonic.ts --fit; best there: that cue + the onset cue, w 0.3) MIREX
   * pooled 0.9047 → 0.9106 but family-grouped CV 0.9054 (+0.3 file) and dev2's key ECE 0.034 → 0.045: failed the rule
   * written in key-tonic.ts' header.
   */
  tonicWeight?: number;
  /**
   * (key14, tried, off: 0) the Dorian reading: a major key X is read as (X + 2) minor when the phrase-end cue's share
   * (phraseEndChroma) at X + 2 is at least this many times its share at X — a Dorian minor groove (minor third, major
   * sixth) correlates best with its parent major scale, but its phrases rest on the minor tonic. 1.5 on the
   * development-side sets: key-set +4 files (bluegrass ×2, softshoe ×2), none broken on 387; chosen after its figures
   * were seen (BENCHMARKS.md "Key: a tonic cue"), so not shipped.
   */
  dorianRatio?: number;
  /**
   * (key18, tried, off: 0) the relative minor's leading tone: when the best key is a major key X or its relative minor
   * (X + 9), the key becomes (X + 9) minor when the relative minor's raised 7th (pitch class X + 8: G♯ for C major /
   * A minor) holds at least this share s of the whole-track mean chroma the finder correlates with the profile
   * (relativeLeadShare: meanChroma's per-frame max-normalised chroma, pitch classes under `threshold` of a frame's
   * strongest dropped; share = that pitch class ÷ the sum of the 12). Harmonic minor: a minor key's dominant is
   * normally a major triad and its vii° diminished, both on the raised 7th, which is foreign to the relative major's
   * scale: the shipped profile (KEY_PROFILES.temperley, Temperley 2007's Kostka–Payne counts) gives the minor's raised
   * 7th 0.33 against its flat 7th's 0.133 and the major's #5 0.104, yet in a whole-track correlation that one pitch
   * class is outweighed by the six the two keys share (Krumhansl & Kessler's probe-tone minor profile even rates the two
   * 7ths alike, 3.17 vs 3.34). 0: off (the shipped decision).
   * Not shipped (key18, session 16; BENCHMARKS.md "Key: the relative minor's leading tone"): on the 728 dev-side files
   * (488 with a trusted key; `calibrate.ts --key-only --lead --dev2`) the share does not tell a relative miss from a
   * right major — the 12 minor pieces read as their relative major have 0.004–0.062, the 327 right major readings median
   * 0.014, 90 % 0.042, max 0.112 (V/vi and chromatic tones in major grooves; minor grooves on a minor v). In sample every
   * s moves only right files (s 0.07: 10 moved, 0 fixed, 10 broken; 0.08: 6 / 0 / 6; ≥ 0.12 none), so the family-grouped
   * 5-fold CV chooses "off" in every fold: K1 fails (pooled MIREX 449.7 → 449.7 of 488); K2, K3 pass trivially (nothing
   * moved), K4 pass (0.0012 % of the analysis, test/bench/lead-cost.ts), K5 pass.
   */
  relativeLeadShare?: number;
  /**
   * (key18, tried, off: 0) the symmetric cue toward major: when the best key is a minor key m, the key becomes its
   * relative major (m + 3) when the minor's raised 7th (m + 11) holds less than this share of the mean chroma
   * (relativeLeadShare's measure) and the major's own leading tone (m + 2) is present (≥ 0.2 of the mean chroma's
   * strongest, the scale test's level). 0: off. Not shipped (key18): s' 0.005–0.01 moves 2 keyed files (1 fixed, 1
   * broken), larger s' breaks more (0.02: 8 moved, 1 / 6); the family-grouped CV of s' gives pooled MIREX 449.7 → 449.0.
   */
  relativeLeadMajor?: number;
  /**
   * (key19, tried, off: 0) the relative minor's dominant: when the best key is a major key X, the key becomes (X + 9)
   * minor when at least this share s of the triad frames (frames with a triad; frameTriads with no tone floor, from the
   * chroma `relativeDominantFrom` names) are the (X + 4) major triad — the V of the relative minor, whose third is the
   * minor's raised leading tone, foreign to X major (relativeDominantShare). Harmonic minor's dominant is a major
   * triad (tonal.ts FUNCTION_MINOR: V 0.8); in the relative major's music that chord is a secondary dominant (V/vi) at
   * most. Applied after the Dorian and leading-tone rules (both off). 0: off (the shipped decision).
   * Not shipped (key19, session 17; BENCHMARKS.md "Key: the relative minor's dominant"; `calibrate.ts --key-only --vrel
   * --dev2`, 728 dev-side files, 488 with a trusted key, shipped MIREX 449.7): in sample the 'nnls' arm at s 0.06–0.08
   * fixes 4 and breaks none, but the family-grouped CV folds choose 0.03–0.14 — CV MIREX 450.4 (K1 pass) with a right
   * B♭ major at confidence 0.98 broken (K3 fail), and the NNLS transcription costs 1.7 % of the analysis (K4 fail); the
   * 'fold' arm reads E and B with G♯ partials as E major in right major grooves (CV MIREX 449.0, dev2 lower: K1 and K3 fail).
   */
  relativeDominantShare?: number;
  /**
   * (key19) the triad frames relativeDominantShare counts: 'fold' — the shipped analyser's own (the frames its
   * harmonic-function score reads; no extra cost); 'nnls' — the triads of the NNLS note chroma (PitchFrames.noteChroma,
   * nnls-chroma.ts; TonalAnalyser then keeps every frame's spectral peaks for it).
   */
  relativeDominantFrom?: 'fold' | 'nnls';
  /** chromaFrom 'nnls-blend': the chord weight of the whole track's key (chordWeight's part; keySections keeps chordWeight) */
  nnlsChordWeight?: number;
  /** chromaFrom 'nnls-blend': the transcription's share β of the harmonic-function score, (1 − β) × the fold triads' + β × the NNLS triads' (0..1) */
  nnlsTriadShare?: number;
  /** chromaFrom 'nnls-blend': the transcription's share γ of the mean chroma the profile is correlated with, (1 − γ) × fold's + γ × NNLS's, each max-normalised (0..1) */
  nnlsProfileShare?: number;
}

export interface TonalOptions extends ChromaOptions, KeyOptions {
  profile?: KeyProfileName;
  /**
   * knet22 (decision22 arm K1): the learned key net (key-net.ts, weights key-net.json) reads the analyser's own per-frame
   * chroma and bass chroma (the bass bins then run at KEY_NET_BASS_HZ when bassHz is 0; bassWeight keeps them out of the
   * profile key) and its key replaces this analyser's when the ensemble's top probability is ≥ its tau — only where this
   * analyser states a key at all (no key stays no key); the confidence is then keyNetConfidence (a logistic on the
   * net's probability and the profile key's confidence, fitted out of fold), the evidence stays the profile key's. Figures: BENCHMARKS.md "Key: the
   * learned key net in the analyser (knet22, decision22 K1)".
   */
  keyNet?: boolean;
  /** estimate the tuning (default true); false: A = 440 Hz */
  tune?: boolean;
}

/** Defaults chosen on the development set (tools/eval/key-dev.ts). */
export const TONAL_DEFAULTS: Required<TonalOptions> = { profile: 'temperley', exponent: 1, harmonics: 1, harmonicDecay: 0.6, bassHz: 0, chromaFrom: 'fold', nnlsDecays: NNLS_DEFAULTS.decays, nnlsLow: NNLS_DEFAULTS.lowNote, nnlsHigh: NNLS_DEFAULTS.highNote, peakLog: 0, threshold: 0.2, bassWeight: 0, chordWeight: 2, firstWeight: 0, modeFrom: 'blend', nnlsChordWeight: 1, nnlsTriadShare: 0.5, nnlsProfileShare: 0.25, tonicWeight: 0, dorianRatio: 0, relativeLeadShare: 0, relativeLeadMajor: 0, relativeDominantShare: 0, relativeDominantFrom: 'fold', tune: true, keyNet: true };

/**
 * Per-frame pitch content before the tuning is known: for every frame, NF = 60
 * bins of pitch class at 20-cent steps (bin b: pitch class b / 5 semitones above C
 * on A440), filled by `addPeak`; and the track's tuning sums.
 */
export class PitchFrames {
  frames = 0;
  fine = new Float32Array(NF * 256);
  /** the bass chroma's bins (only when ChromaOptions.bassHz > 0) */
  bass: Float32Array | null;
  /** ChromaOptions.peakLog > 0: the compressed peaks' bins (the profile chroma, profileChroma), else null */
  profileFine: Float32Array | null;
  /** the current frame's strongest bin magnitude (newFrame's maxPower, square-rooted; 0: not given, no compressed bins) */
  private frameRef = 0;
  energy: number[] = [];
  /** Σ m·cos(2π·midi), Σ m·sin(2π·midi) over every peak (m its weight, midi its fractional MIDI note on A440) */
  tuneRe = 0;
  tuneIm = 0;
  /** ChromaOptions.chromaFrom 'nnls' only: every peak's frequency (Hz) and weight, and each frame's first peak's index */
  peakFreq: Float32Array | null = null;
  peakMag: Float32Array | null = null;
  peakCount = 0;
  peakStart: number[] = [];
  private readonly opts: Required<ChromaOptions>;
  /** `keepPeaks`: keep every frame's peaks (noteChroma available) whatever chromaFrom (KeyOptions.relativeDominantFrom 'nnls') */
  constructor(opts: ChromaOptions = {}, keepPeaks = false) {
    this.opts = {
      exponent: opts.exponent ?? 1,
      harmonics: Math.max(1, Math.min(6, opts.harmonics ?? 4)),
      harmonicDecay: opts.harmonicDecay ?? 0.6,
      bassHz: opts.bassHz ?? 0,
      chromaFrom: opts.chromaFrom ?? 'fold',
      nnlsDecays: opts.nnlsDecays ?? NNLS_DEFAULTS.decays,
      nnlsLow: opts.nnlsLow ?? NNLS_DEFAULTS.lowNote,
      nnlsHigh: opts.nnlsHigh ?? NNLS_DEFAULTS.highNote,
      peakLog: opts.peakLog ?? 0,
    };
    this.bass = this.opts.bassHz > 0 ? new Float32Array(NF * 256) : null;
    this.profileFine = this.opts.peakLog > 0 ? new Float32Array(NF * 256) : null;
    if (this.opts.chromaFrom !== 'fold' || keepPeaks) {
      this.peakFreq = new Float32Array(4096);
      this.peakMag = new Float32Array(4096);
    }
  }

  /**
   * Per-frame chroma (frames × 12, frame-major, C..B) on the note centres of a tuning (`cents` from A440): the
   * fine bins folded (foldChroma), or with chromaFrom 'nnls' the frames' peaks transcribed into notes (nnlsChroma).
   */
  chroma(cents: number): Float32Array {
    return this.opts.chromaFrom === 'nnls' ? this.noteChroma(cents) : foldChroma(this.fine, this.frames, cents);
  }

  /** The chroma the frames' triads are read from: `chroma` (this.chroma(cents)'s), or with chromaFrom 'nnls-triads' noteChroma's. */
  triadChroma(cents: number, chroma: Float32Array): Float32Array {
    return this.opts.chromaFrom === 'nnls-triads' ? this.noteChroma(cents) : chroma;
  }

  /**
   * The chroma the key profile is correlated with (ChromaOptions.peakLog > 0): per frame, 12 values C..B (frame-major,
   * as `chroma`) of the log-compressed peaks folded on the note centres of a tuning (`cents` from A440); null when
   * peakLog is 0 (the profile then reads `chroma`).
   */
  profileChroma(cents: number): Float32Array | null {
    return this.profileFine ? foldChroma(this.profileFine, this.frames, cents) : null;
  }

  /** Per-frame chroma by note transcription (nnlsChroma; chromaFrom other than 'fold' only: the peaks are kept then). */
  noteChroma(cents: number): Float32Array {
    if (!this.peakFreq) throw new Error('PitchFrames.noteChroma: peaks not kept (chromaFrom fold)');
    return nnlsChroma(this.peakFreq!, this.peakMag!, this.peakStart, this.frames, this.peakCount, cents, { decays: this.opts.nnlsDecays, lowNote: this.opts.nnlsLow, highNote: this.opts.nnlsHigh });
  }

  /**
   * Start a frame of total in-band power `energy` (Σ of the power spectrum's bins, 65–2100 Hz); `maxPower` its
   * strongest bin's power there (the reference of ChromaOptions.peakLog; without it this frame adds no compressed bins).
   */
  newFrame(energy: number, maxPower = 0): void {
    this.frameRef = Math.sqrt(maxPower);
    if ((this.frames + 1) * NF > this.fine.length) {
      const grow = (a: Float32Array) => {
        const b = new Float32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.fine = grow(this.fine);
      if (this.bass) this.bass = grow(this.bass);
      if (this.profileFine) this.profileFine = grow(this.profileFine);
    }
    this.energy.push(energy);
    this.peakStart.push(this.peakCount);
    this.frames++;
  }

  /** A spectral peak of the current frame: frequency (Hz) and power. */
  addPeak(freq: number, power: number): void {
    const o = this.opts;
    const midi0 = 69 + 12 * Math.log2(freq / 440);
    const mag = o.exponent === 1 ? Math.sqrt(power) : o.exponent === 2 ? power : Math.pow(power, o.exponent / 2);
    const ph = 2 * Math.PI * midi0;
    this.tuneRe += mag * Math.cos(ph);
    this.tuneIm += mag * Math.sin(ph);
    if (this.peakFreq) {
      if (this.peakCount === this.peakFreq.length) {
        const grow = (a: Float32Array) => {
          const b = new Float32Array(a.length * 2);
          b.set(a);
          return b;
        };
        this.peakFreq = grow(this.peakFreq);
        this.peakMag = grow(this.peakMag!);
      }
      this.peakFreq[this.peakCount] = freq;
      this.peakMag![this.peakCount++] = mag;
    }
    const off = (this.frames - 1) * NF;
    // As HPCP: a peak also counts for the notes whose harmonics it may be (f/2, f/3, …), with decaying weight.
    for (let h = 1, hw = 1; h <= o.harmonics; h++, hw *= o.harmonicDecay) put(this.fine, off, midi0 - SUBHARMONIC_SEMITONES[h], hw * mag);
    if (this.profileFine && this.frameRef > 0) {
      const c = Math.log1p((o.peakLog * mag) / this.frameRef);
      for (let h = 1, hw = 1; h <= o.harmonics; h++, hw *= o.harmonicDecay) put(this.profileFine, off, midi0 - SUBHARMONIC_SEMITONES[h], hw * c);
    }
    if (this.bass && freq < o.bassHz) put(this.bass, off, midi0, mag);
  }
}

/** Add `w` at fractional MIDI note `midi` into one frame's 60 fine bins (linear between the two nearest). */
function put(bins: Float32Array, off: number, midi: number, w: number): void {
  const x = midi * FINE;
  const i = Math.floor(x);
  const fr = x - i;
  bins[off + (((i % NF) + NF) % NF)] += (1 - fr) * w;
  bins[off + ((((i + 1) % NF) + NF) % NF)] += fr * w;
}

/**
 * The tuning of a track, cents from A440 equal temperament (−50..50): the circular
 * mean of every spectral peak's deviation from the nearest tempered note, weighted
 * by its magnitude (a 432 Hz recording gives ≈ −32, 446 Hz ≈ +23). 0 when there are no peaks.
 */
export function estimateTuning(pf: Pick<PitchFrames, 'tuneRe' | 'tuneIm'>): number {
  if (!(Math.hypot(pf.tuneRe, pf.tuneIm) > 0)) return 0;
  return (Math.atan2(pf.tuneIm, pf.tuneRe) / (2 * Math.PI)) * 100;
}

/**
 * Fold fine pitch-class bins (60 per frame) into 12-bin chroma per frame around the
 * note centres of a tuning (`cents` from A440): a bin at distance d semitones from a
 * tuned note counts cos²(π·d). Returns `frames` × 12 values, frame-major.
 */
export function foldChroma(fine: Float32Array, frames: number, cents: number): Float32Array {
  const out = new Float32Array(frames * 12);
  const pc = new Int32Array(NF);
  const w = new Float64Array(NF);
  for (let b = 0; b < NF; b++) {
    const x = b / FINE - cents / 100;
    const near = Math.round(x);
    const c = Math.cos(Math.PI * (x - near));
    pc[b] = ((near % 12) + 12) % 12;
    w[b] = c * c;
  }
  for (let f = 0; f < frames; f++) for (let b = 0; b < NF; b++) out[f * 12 + pc[b]] += w[b] * fine[f * NF + b];
  return out;
}

/**
 * The reasons a track has no key, as KeyResult.reason says them (TonalAnalyser.finish, from what it already
 * measured: the frame count, the in-band energy and the share of the spectral peaks in partials).
 */
export const NO_KEY = {
  /** no full analysis frame: under 2048 samples at 5512.5 Hz */
  short: 'too short to find a key: under 0.4 s',
  /** no energy at all between 65 Hz and 2.1 kHz, where the key is read */
  silence: 'silence: nothing heard between 65 Hz and 2.1 kHz',
  /** under PITCHED_SHARE_MIN of the spectral peaks' magnitude in partials */
  unpitched: 'no pitched content: too few partials, as in drums or noise',
} as const;

export class TonalAnalyser implements Analyser<TonalResult> {
  readonly name = 'tonal';
  readonly version = 11; // 11: the learned key net on (TonalOptions.keyNet, knet22); 10: KeyEvidence.cadences counted (not per minute); KeyEvidence.brief recorded (the key map does not weigh it)
  private own: SharedStreams | null = null;
  private tap!: MonoTap;
  private readonly buf = new FrameBuffer(N, HOP);
  private readonly fft = new RealFft(N);
  private readonly win = hann(N);
  private readonly pow = new Float64Array(N / 2 + 1);
  private readonly floors = new Float64Array(N / 2 + 1);
  /** bandFloors' scratch (one band at a time), reused by every frame */
  private readonly floorScratch = new Float64Array(N / 2 + 1);
  /** Σ magnitude of every spectral peak, and of those that are partials (PEAK_FLOOR_RATIO over their band's floor) */
  private peakMass = 0;
  private partialMass = 0;
  /** after finish(): the share of the peaks' magnitude in partials (PITCHED_SHARE_MIN) */
  pitchedShare = 0;
  /** after finish() with TonalOptions.keyNet and a key stated: the key net's top probability (its key used when ≥ its tau); else null */
  keyNetTop: number | null = null;
  private readonly pf: PitchFrames;
  /** after finish(): per-frame chroma (12 per frame) on the estimated tuning, and the tuning (cents) */
  chroma: Float32Array = new Float32Array(0);
  tuningCents = 0;
  private kmin = 1;
  private kmax = N / 2 - 1;
  private readonly opts: Required<TonalOptions>;

  constructor(opts: TonalOptions = {}) {
    this.opts = { ...TONAL_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
    const pfOpts = this.opts.keyNet && !(this.opts.bassHz > 0) ? { ...this.opts, bassHz: KEY_NET_BASS_HZ } : this.opts;
    this.pf = new PitchFrames(pfOpts, this.opts.relativeDominantShare > 0 && this.opts.relativeDominantFrom === 'nnls');
  }

  get frames(): number {
    return this.pf.frames;
  }
  get energy(): number[] {
    return this.pf.energy;
  }

  init(sampleRate: number, channels: number, shared?: SharedStreams): void {
    if (!shared) shared = this.own = new SharedStreams(sampleRate, channels);
    this.tap = shared.mono(TARGET_RATE);
    const fs = this.tap.rate;
    this.kmin = Math.max(2, Math.floor((65 * N) / fs));
    this.kmax = Math.min(N / 2 - 2, Math.ceil((Math.min(2100, 0.45 * fs) * N) / fs));
  }

  process(block: Float32Array[]): void {
    if (this.own) this.own.process(block);
    this.buf.push(this.tap.current);
    if (this.own) this.own.endBlock();
    this.buf.framesWith(TonalAnalyser.onFrame, this);
  }

  /**
   * The frame callback (a static method: one function for the program's life) and the peak callback (made once per
   * analyser), their work in methods — not a closure per block and per frame: V8 holds an optimised function's code
   * only weakly from its feedback, so a closure that lived one call lost its code at a major GC and was compiled again
   * (BENCHMARKS.md "Throughput (speed28)"). `peak` reads this.floors, which bandFloors fills and returns.
   */
  private static onFrame(a: TonalAnalyser, x: Float32Array, o: number): void {
    a.frame(x, o);
  }
  private readonly onPeak = (f: number, p: number, k: number): void => this.peak(f, p, k);

  /** One analysis frame of the tap at x[o .. o + N): its power spectrum, then addFrame. */
  private frame(x: Float32Array, o: number): void {
    this.fft.windowedPowerSpectrum(x, o, this.win, this.pow);
    this.addFrame();
  }

  /** One spectral peak of the frame (pickSpectralPeaks' onPeak): frequency f (Hz), power p, bin k. */
  private peak(f: number, p: number, k: number): void {
    this.pf.addPeak(f, p);
    const m = Math.sqrt(p);
    this.peakMass += m;
    if (p >= PEAK_FLOOR_RATIO * this.floors[k]) this.partialMass += m;
  }

  private addFrame(): void {
    const P = this.pow;
    const fs = this.tap.rate;
    let maxP = 0;
    let e = 0;
    for (let k = this.kmin; k <= this.kmax; k++) {
      e += P[k];
      if (P[k] > maxP) maxP = P[k];
    }
    this.pf.newFrame(e, maxP);
    if (!(maxP > 0)) return;
    bandFloors(P, this.kmin, this.kmax, this.floors, this.floorScratch);
    pickSpectralPeaks(P, this.kmin, this.kmax, maxP, fs, N, this.onPeak);
  }

  finish(): TonalResult {
    const nf = this.pf.frames;
    const hopSec = HOP / this.tap.rate;
    const t0 = N / 2 / this.tap.rate - this.tap.delaySec;
    this.tuningCents = this.opts.tune ? estimateTuning(this.pf) : 0;
    this.chroma = this.pf.chroma(this.tuningCents);
    const bass = this.pf.bass ? foldChroma(this.pf.bass, nf, this.tuningCents) : undefined;
    // Frames with real content: energy above −60 dB of the loudest frame.
    const maxE = this.pf.energy.reduce((m, v) => (v > m ? v : m), 0);
    // …and only in a track with pitched content (PITCHED_SHARE_MIN): else no key and no chords, as for silence
    this.pitchedShare = this.peakMass > 0 ? this.partialMass / this.peakMass : 0;
    const pitched = this.pitchedShare >= PITCHED_SHARE_MIN;
    const active = this.pf.energy.map((v) => pitched && maxE > 0 && v > maxE * 1e-6);
    const tc = this.pf.triadChroma(this.tuningCents, this.chroma);
    const triads = frameTriads(tc, nf, active);
    // the chords shown are named only when their three tones are heard; the key's harmonic-function score reads every frame's nearest triad
    const heard = frameTriads(tc, nf, active, TRIAD_TONE_MIN);
    // the cadence count reads triads whose third reaches CADENCE_THIRD_MIN (a doubled root hides the third), root and fifth TRIAD_TONE_MIN
    const cadenceTriads = frameTriads(tc, nf, active, TRIAD_TONE_MIN, CADENCE_THIRD_MIN);
    const nnls = this.opts.chromaFrom === 'nnls-blend' ? this.pf.noteChroma(this.tuningCents) : undefined;
    const tonic = this.opts.tonicWeight || this.opts.dorianRatio ? phraseEndChroma(this.chroma, nf, active, this.pf.energy) : undefined;
    // KeyOptions.relativeDominantShare (key19, off by default): the triad frames it counts
    const dominantTriads = this.opts.relativeDominantShare > 0 ? (this.opts.relativeDominantFrom === 'nnls' ? frameTriads(nnls ?? this.pf.noteChroma(this.tuningCents), nf, active) : triads) : undefined;
    const profile = this.pf.profileChroma(this.tuningCents) ?? undefined;
    const key = estimateKey(this.chroma, nf, active, this.opts.profile, this.opts.threshold, bass, this.opts, triads, { heard: cadenceTriads, minutes: (nf * hopSec) / 60, nnls, pitched: this.pitchedShare, tonic, dominantTriads, profile });
    key.tuningCents = Math.round(this.tuningCents * 10) / 10;
    // knet22: the learned key net's key where it is sure enough (TonalOptions.keyNet; never where no key is stated)
    if (this.opts.keyNet && key.key !== null) this.keyNetTop = applyKeyNet(key, this.chroma, bass ?? new Float32Array(nf * 12), this.pf.energy, active, nf);
    // no key: which cause applied, from what was measured above (the key and its confidence are not touched)
    if (key.key === null) key.reason = nf === 0 ? NO_KEY.short : !(maxE > 0) ? NO_KEY.silence : NO_KEY.unpitched;
    if (key.key !== null) {
      const variable = keySections(this.chroma, nf, active, triads, hopSec, t0, this.opts);
      if (variable) key.variable = variable;
    }
    const chords = estimateChords(this.chroma, nf, active, hopSec, t0, heard);
    return { key, chords };
  }
}

/**
 * knet22: the key net's decision on a stated key (TonalOptions.keyNet): the ensemble (keyNetWeights) reads the frames
 * (keyNetInput); when its top probability is ≥ its tau, `key` takes the net's key (name, tonic, mode, Camelot, Open Key)
 * and keyNetConfidence (of the net's probability and the profile key's confidence); else `key` is left as it is. Returns the top probability (null: no step).
 */
export function applyKeyNet(key: KeyResult, chroma: Float32Array, bass: Float32Array, energy: ArrayLike<number>, active: boolean[], frames: number, w: KeyNetWeights = keyNetWeights()): number | null {
  const { x, steps } = keyNetInput(chroma, bass, energy, active, frames);
  const p = keyNetProbs(x, steps, w);
  if (!p) return null;
  let bi = 0;
  for (let i = 1; i < 24; i++) if (p[i] > p[bi]) bi = i;
  if (p[bi] >= w.tau) {
    const k: Key = { tonic: bi % 12, mode: bi < 12 ? 'major' : 'minor' };
    key.key = keyName(k);
    key.tonic = k.tonic;
    key.mode = k.mode;
    key.camelot = camelot(k);
    key.openKey = openKey(k);
    key.confidence = keyNetConfidence(p[bi], key.confidence, w);
  }
  return p[bi];
}

function normMax(v: Float64Array | number[]): number[] {
  let m = 0;
  for (const x of v) if (x > m) m = x;
  return Array.from(v, (x) => (m > 0 ? x / m : 0));
}

/** The strongest pitch class's value in frame `f` of a frames × 12 chroma (0 for a silent frame). */
function frameMax(chroma: Float32Array, f: number): number {
  let m = 0;
  for (let i = 0; i < 12; i++) if (chroma[f * 12 + i] > m) m = chroma[f * 12 + i];
  return m;
}

/**
 * A tonic cue (key14; tools/eval/key-tonic.ts' "dropW"): the pitch classes phrases end on — every active frame's
 * max-normalised chroma (frames × 12, C..B) weighted by how far the in-band energy (`energy`, one value per frame, as
 * PitchFrames.energy) falls after it: log10(this frame's ÷ the least of the next 3 frames'), capped at 3 (a fall to
 * silence; so the last 3 frames, ~0.56 s, before a fall count: a held final note), frames at least 30 dB under the loudest and frames the energy does not fall after left out. Returns 12 shares
 * summing to 1 (1/12 each when no frame qualifies). In a Dorian minor groove read as its parent major, the minor tonic
 * holds 0.13–0.26 of it against 0.07–0.11 for the major's (key-set bluegrass, softshoe, evansish).
 */
export function phraseEndChroma(chroma: Float32Array, frames: number, active: boolean[], energy: number[]): number[] {
  const acc = new Float64Array(12);
  let maxE = 0;
  for (const v of energy) if (v > maxE) maxE = v;
  for (let f = 0; f + 3 < frames; f++) {
    const e = energy[f];
    if (!active[f] || !(e > maxE * 1e-3)) continue;
    const m = frameMax(chroma, f);
    if (!(m > 0)) continue;
    const lo = Math.min(energy[f + 1], energy[f + 2], energy[f + 3]);
    const w = lo > 0 ? Math.min(3, Math.log10(e / lo)) : 3;
    if (!(w > 0)) continue;
    for (let i = 0; i < 12; i++) acc[i] += (w * chroma[f * 12 + i]) / m;
  }
  let sum = 0;
  for (const v of acc) sum += v;
  return Array.from(acc, (v) => (sum > 0 ? v / sum : 1 / 12));
}

/** Mean of the per-frame max-normalised chroma over the active frames, pitch classes under `threshold` of a frame's max dropped; max = 1. */
export function meanChroma(chroma: Float32Array, frames: number, active: boolean[], threshold: number): { mean: number[]; used: number } {
  const sum = new Float64Array(12);
  let used = 0;
  for (let f = 0; f < frames; f++) {
    if (!active[f]) continue;
    const m = frameMax(chroma, f);
    if (!(m > 0)) continue;
    for (let i = 0; i < 12; i++) {
      const v = chroma[f * 12 + i] / m;
      if (v >= threshold) sum[i] += v; // weak pitch classes of a frame are noise (HPCP's pcpThreshold)
    }
    used++;
  }
  return { mean: normMax(sum), used };
}

/**
 * Key of a chromagram: `chroma` is frames × 12 (frame-major, C..B), `active` marks
 * the frames with content. `bass` (same shape, optional) is the chroma of the low
 * peaks; its correlation with each key's profile is added with `opts.bassWeight`.
 * `texture` (optional; the key's evidence only, never its choice): the frames' heard triads
 * (frameTriads with TRIAD_TONE_MIN and CADENCE_THIRD_MIN; computed here when absent) and the track's length in minutes
 * (default: `frames` at the key analyser's hop) for KeyEvidence.cadences; KeyEvidence.voices is
 * read from `chroma`. `texture.nnls` (chromaFrom 'nnls-blend'; frames × 12, nnls-chroma.ts): blended into the key's
 * choice by `opts.nnlsProfileShare` (the mean chroma) and `opts.nnlsTriadShare` (the harmonic-function score of its
 * frame triads); the evidence stays `chroma`'s and `triads`'. `texture.pitched` (TonalAnalyser.pitchedShare, 0..1) is
 * recorded as KeyEvidence.pitched (1 when absent). `texture.profile` (frames × 12, PitchFrames.profileChroma: the log-compressed
 * peaks of ChromaOptions.peakLog) is the chroma the mean (the profile correlation, KeyEvidence fit/spread/scale) is read
 * from instead of `chroma`; the frames' triads and voices still read `chroma`. `texture.tonic` (phraseEndChroma, 12 shares) feeds KeyOptions.tonicWeight
 * and KeyOptions.dorianRatio (both off by default; without it they do nothing).
 */
export function estimateKey(chroma: Float32Array, frames: number, active: boolean[], profile: KeyProfileName, threshold = 0, bass?: Float32Array, opts: KeyOptions = {}, triads?: Int8Array, texture: { heard?: Int8Array; minutes?: number; nnls?: Float32Array; pitched?: number; tonic?: number[]; dominantTriads?: Int8Array; profile?: Float32Array } = {}): KeyResult {
  let { mean, used } = meanChroma(texture.profile ?? chroma, frames, active, threshold);
  if (!used) return { key: null, tonic: null, mode: null, confidence: 0, camelot: null, openKey: null, strengths: new Array(24).fill(0), chroma: mean };
  const bassMean = bass && opts.bassWeight ? meanChroma(bass, frames, active, 0).mean : undefined;
  const tri = triads ?? frameTriads(chroma, frames, active);
  let chordWeight = opts.chordWeight ?? 0;
  let chordScores = chordWeight ? chordKeyScores(tri) : undefined;
  // chromaFrom 'nnls-blend': the transcription's chroma (texture.nnls, frames × 12) blended into the profile's mean chroma and the harmonic-function score, at the blend's own chord weight
  if (texture.nnls) {
    chordWeight = opts.nnlsChordWeight ?? chordWeight;
    chordScores = chordWeight ? chordKeyScores(tri) : undefined;
    const gamma = opts.nnlsProfileShare ?? 0;
    const beta = opts.nnlsTriadShare ?? 0;
    if (gamma) {
      const nm = meanChroma(texture.nnls, frames, active, threshold).mean;
      mean = normMax(mean.map((v, i) => (1 - gamma) * v + gamma * nm[i]));
    }
    if (chordScores && beta) {
      const sn = chordKeyScores(frameTriads(texture.nnls, frames, active));
      chordScores = chordScores.map((v, i) => (1 - beta) * v + beta * sn[i]);
    }
  }
  const heard = texture.heard ?? frameTriads(chroma, frames, active, TRIAD_TONE_MIN, CADENCE_THIRD_MIN);
  const minutes = texture.minutes ?? (frames * HOP) / TARGET_RATE / 60;
  // KeyOptions.relativeDominantShare: texture.dominantTriads, else 'fold' the triads above, 'nnls' texture.nnls' (without it the cue does nothing)
  const dominant = opts.relativeDominantShare ?? 0;
  const dominantTriads = dominant > 0 ? (texture.dominantTriads ?? ((opts.relativeDominantFrom ?? 'fold') === 'fold' ? tri : texture.nnls ? frameTriads(texture.nnls, frames, active) : undefined)) : undefined;
  return keyFromChroma(mean, profile, bassMean, opts.bassWeight ?? 0, chordScores, chordWeight, tri, { voices: meanVoices(chroma, frames, active), heard, minutes, pitched: texture.pitched }, opts.firstWeight ?? 0, opts.modeFrom ?? 'blend', texture.tonic, opts.tonicWeight ?? 0, opts.dorianRatio ?? 0, { minor: opts.relativeLeadShare ?? 0, major: opts.relativeLeadMajor ?? 0, dominant, dominantTriads });
}

/**
 * KeyEvidence.voices: over the active frames, the mean number of pitch classes at or above
 * TRIAD_TONE_MIN of the frame's strongest (`chroma` frames × 12, unsmoothed), capped at 3 (a
 * triad's worth): about 1–1.5 for a melody alone (one note and its partials), 3 for chords.
 */
export function meanVoices(chroma: Float32Array, frames: number, active: boolean[]): number {
  let n = 0;
  let used = 0;
  for (let f = 0; f < frames; f++) {
    if (!active[f]) continue;
    const m = frameMax(chroma, f);
    if (!(m > 0)) continue;
    used++;
    for (let i = 0; i < 12; i++) if (chroma[f * 12 + i] >= TRIAD_TONE_MIN * m) n++;
  }
  return used ? Math.min(3, n / used) : 0;
}

/**
 * The chords of a track in time order: the frames' triads (frameTriads, −1 for none; index C..B
 * major, C..B minor) as runs of at least 3 frames (~0.56 s), shorter runs and frames
 * without a triad passed over, a chord repeated across such a gap counted once.
 */
export function chordRuns(heard: Int8Array): number[] {
  const runs: number[] = [];
  let prev = -2;
  let len = 0;
  for (let f = 0; f <= heard.length; f++) {
    const c = f < heard.length ? heard[f] : -3;
    if (c === prev) len++;
    else {
      if (prev >= 0 && len >= 3 && runs[runs.length - 1] !== prev) runs.push(prev);
      prev = c;
      len = 1;
    }
  }
  return runs;
}

/**
 * KeyEvidence.cadences: the authentic cadences of a key (index C..B major, C..B minor) in the
 * frames' heard triads (frameTriads with TRIAD_TONE_MIN and CADENCE_THIRD_MIN): the major triad on the key's fifth
 * degree (V, also in minor: harmonic minor's) followed by the key's tonic triad, each a run of at
 * least 3 frames (~0.56 s; shorter runs and frames without a triad are passed over), counted,
 * divided by CADENCES_FULL (5) and capped at 1. A key its music never cadences to is stated on
 * the notes alone — a melody with no tonic, a modal vamp — and is less often right. A count, not
 * a rate per minute (tonal analyser 9 and before): one cadence in a 3 s clip made the rate
 * saturate, and a clip of a C major piece holding D → G was stated "G major" at 0.59–0.68.
 */
export function cadenceRate(heard: Int8Array, key: number): number {
  const runs = chordRuns(heard);
  const dominant = (key % 12 + 7) % 12;
  let n = 0;
  for (let i = 1; i < runs.length; i++) if (runs[i] === key && runs[i - 1] === dominant) n++;
  return Math.min(1, n / CADENCES_FULL);
}

/** KeyEvidence.cadences: this many authentic cadences count as 1 (the former rate's cap, 10 per minute, over a 30 s calibration file) */
export const CADENCES_FULL = 5;

/**
 * Harmonic function of a triad in a key, after common-practice and popular harmony: rows by
 * the interval (semitones) of the chord's root above the key's tonic, [major triad, minor
 * triad]. Major key: I 1, V 0.8, IV 0.7, vi and ii 0.4, iii 0.2, bVII 0.1, other triads −0.3.
 * Minor key: i 1, V (harmonic minor) 0.8, iv 0.7, VI 0.4, III and bVII 0.3, v 0.3, other −0.3.
 * The chords that tell a key from its relative (same scale) are the tonic and the
 * dominant: V of A minor is E major, foreign to C major.
 */
const O = -0.3;
const FUNCTION_MAJOR: [number, number][] = [[1, O], [O, O], [O, 0.4], [O, O], [O, 0.2], [0.7, 0], [O, O], [0.8, 0], [O, O], [O, 0.4], [0.1, O], [O, O]];
const FUNCTION_MINOR: [number, number][] = [[O, 1], [O, O], [O, O], [0.3, O], [O, O], [O, 0.7], [O, O], [0.8, 0.3], [0.4, O], [O, O], [0.3, O], [O, O]];

/** For each of the 24 keys (C..B major, C..B minor), the mean harmonic-function weight of the frames' triads (frames without one left out); all 0 when no frame has one. */
export function chordKeyScores(triads: Int8Array): number[] {
  const hist = new Float64Array(24);
  let n = 0;
  for (const c of triads)
    if (c >= 0) {
      hist[c]++;
      n++;
    }
  return ALL_KEYS.map((k) => {
    if (!n) return 0;
    const table = k.mode === 'major' ? FUNCTION_MAJOR : FUNCTION_MINOR;
    let s = 0;
    for (let c = 0; c < 24; c++) if (hist[c]) s += hist[c] * table[(c % 12 - k.tonic + 12) % 12][c < 12 ? 0 : 1];
    return s / n;
  });
}

/**
 * Key of a mean chroma vector (C..B) by correlation with the rotated profiles (plus `bassWeight` × the bass chroma's,
 * and `chordWeight` × the frames' harmonic-function scores). `texture` (estimateKey gives it) feeds the evidence only:
 * KeyEvidence.voices as given, KeyEvidence.cadences from its heard triads and minutes; without it both are 0.
 * `tonic` (12 shares C..B summing to 1, a tonic cue: tools/eval/key-tonic.ts; key14, tried) adds `tonicWeight` × its
 * share at each key's tonic to the key's score (0 or absent: none, the shipped decision); with `dorianRatio` > 0 a major
 * key X becomes (X + 2) minor when tonic[X + 2] ≥ dorianRatio × tonic[X] (KeyOptions.dorianRatio; its margin is then 0).
 * `lead` (key18, tried; both 0 or absent: none): the relative minor's leading-tone cue on `mean` (relativeLeadShare) —
 * `lead.minor` > 0: a major key X (or (X + 9) minor) becomes (X + 9) minor when the share at X + 8 is ≥ lead.minor;
 * `lead.major` > 0: a minor key m becomes (m + 3) major when the share at m + 11 is < lead.major and mean[m + 2] ≥ 0.2 ×
 * its largest (KeyOptions.relativeLeadShare / relativeLeadMajor; applied after the Dorian rule; the margin is then 0 or more).
 * `lead.dominant` > 0 with `lead.dominantTriads` (key19, tried; KeyOptions.relativeDominantShare): a major key X not moved
 * by the rules before becomes (X + 9) minor when relativeDominantShare(lead.dominantTriads, X) ≥ lead.dominant.
 */
export function keyFromChroma(mean: number[], profile: KeyProfileName, bassMean?: number[], bassWeight = 0, chordScores?: number[], chordWeight = 0, triads?: Int8Array, texture?: { voices: number; heard: Int8Array; minutes: number; pitched?: number }, firstWeight = 0, modeFrom: 'blend' | 'profile' = 'blend', tonic?: number[], tonicWeight = 0, dorianRatio = 0, lead: { minor?: number; major?: number; dominant?: number; dominantTriads?: Int8Array } = {}): KeyResult {
  const [maj, min] = KEY_PROFILES[profile];
  // the key index whose tonic triad is the first heard chord (triad and key indices share the order C..B major, C..B minor)
  const first = firstWeight && texture ? (chordRuns(texture.heard)[0] ?? -1) : -1;
  const profileCorr: number[] = [];
  const strengths = ALL_KEYS.map((k) => {
    const prof = k.mode === 'major' ? maj : min;
    const rotated = Array.from({ length: 12 }, (_, i) => prof[(i - k.tonic + 12) % 12]);
    let c = correlation(mean, rotated);
    profileCorr.push(c);
    if (bassMean && bassWeight) c = (c + bassWeight * correlation(bassMean, rotated)) / (1 + bassWeight);
    if (chordScores && chordWeight) c = (c + chordWeight * chordScores[k.mode === 'major' ? k.tonic : 12 + k.tonic]) / (1 + chordWeight);
    if (first === (k.mode === 'major' ? k.tonic : 12 + k.tonic)) c += firstWeight;
    if (tonic && tonicWeight) c += tonicWeight * tonic[k.tonic];
    return c;
  });
  let bi = 0;
  for (let i = 1; i < 24; i++) if (strengths[i] > strengths[bi]) bi = i;
  // KeyOptions.modeFrom 'profile': the blend's tonic, its mode by the chroma's own profile correlation
  if (modeFrom === 'profile' && chordScores && chordWeight) {
    const t = bi % 12;
    bi = profileCorr[t] >= profileCorr[12 + t] ? t : 12 + t;
  }
  // KeyOptions.dorianRatio: a major key whose phrases rest on its second degree is that degree's (Dorian) minor
  let moved = false;
  if (tonic && dorianRatio > 0 && bi < 12 && tonic[(bi + 2) % 12] >= dorianRatio * tonic[bi] && tonic[(bi + 2) % 12] > 0) {
    bi = 12 + ((bi + 2) % 12);
    moved = true;
  }
  // KeyOptions.relativeLeadShare / relativeLeadMajor: the relative minor's raised 7th decides between the two keys of one scale
  if (!moved && (lead.minor || lead.major)) {
    const share = relativeLeadShare(mean, bi);
    if (lead.minor && lead.minor > 0 && bi < 12 && share >= lead.minor) {
      bi = 12 + ((bi + 9) % 12);
      moved = true;
    } else if (lead.major && lead.major > 0 && bi >= 12 && share < lead.major) {
      let top = 0;
      for (const x of mean) if (x > top) top = x;
      if (top > 0 && mean[(bi - 12 + 2) % 12] >= 0.2 * top) {
        bi = (bi - 12 + 3) % 12;
        moved = true;
      }
    }
  }
  // KeyOptions.relativeDominantShare: the relative minor's dominant (its raised leading tone's major triad) among the triad frames
  if (!moved && lead.dominant && lead.dominant > 0 && lead.dominantTriads && bi < 12 && relativeDominantShare(lead.dominantTriads, bi) >= lead.dominant) {
    bi = 12 + ((bi + 9) % 12);
    moved = true;
  }
  const k: Key = ALL_KEYS[bi];
  // A flat chroma (drums, noise, twelve-tone music) correlates with some key
  // all the same; how far the weakest pitch class falls below the strongest
  // says whether there is a scale at all (diatonic music leaves pitch classes
  // near 0). The confidence is the correlation scaled by that spread.
  let lo = Infinity;
  let hi = 0;
  for (const x of mean) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  // A key needs a scale: one pitch class (a sine, a drone on one note) or two
  // say nothing about the mode or the tonic, however well they correlate.
  let present = 0;
  for (const x of mean) if (hi > 0 && x >= 0.1 * hi) present++;
  const spread = hi > 0 ? (1 - lo / hi) * Math.min(1, Math.max(0, present - 1) / 2) : 0;
  let second = -Infinity;
  for (let i = 0; i < 24; i++) if (i !== bi && strengths[i] > second) second = strengths[i];
  // the chosen key's profile correlation (not the blend with the chord score, whose scale differs) × spread
  const scaleSteps = k.mode === 'major' ? [0, 2, 4, 5, 7, 9, 11] : [0, 2, 3, 5, 7, 8, 10];
  const scale = scaleSteps.filter((d) => hi > 0 && mean[(k.tonic + d) % 12] >= 0.2 * hi).length;
  let pi = 0;
  for (let i = 1; i < 24; i++) if (profileCorr[i] > profileCorr[pi]) pi = i;
  const evidence: KeyEvidence = {
    fit: Math.max(0, profileCorr[bi]) * spread,
    margin: moved ? Math.max(0, strengths[bi] - second) : strengths[bi] - second,
    spread,
    scale,
    agree: pi === bi ? 1 : 0,
    harmony: triads && triads.length ? triads.reduce((n, c) => n + (c >= 0 ? 1 : 0), 0) / triads.length : 0,
    voices: texture?.voices ?? 0,
    cadences: texture ? cadenceRate(texture.heard, bi) : 0,
    brief: texture ? briefOf(texture.minutes * 60) : 0,
    pitched: texture?.pitched ?? 1,
  };
  return {
    key: keyName(k),
    tonic: k.tonic,
    mode: k.mode,
    confidence: keyConfidence(evidence),
    evidence,
    camelot: camelot(k),
    openKey: openKey(k),
    strengths: strengths.map((s) => Math.round(s * 1000) / 1000),
    chroma: mean.map((x) => Math.round(x * 1000) / 1000),
  };
}

/**
 * The relative minor's leading-tone share (KeyOptions.relativeLeadShare; key18): for a key index `key` (0–11 C..B
 * major, 12–23 C..B minor, ALL_KEYS' order) the share of the whole-track mean chroma `mean` (12 values C..B, ≥ 0, as
 * meanChroma gives) held by the raised 7th of the scale's minor key — pitch class X + 8 for X major, m + 11 for m minor
 * (G♯ for C major and for A minor). mean[pc] ÷ Σ mean, 0..1 (0 for an all-zero chroma). In a minor key's music the
 * dominant (V, a major triad) and vii° carry it; in its relative major it is chromatic (a V/vi at most).
 */
export function relativeLeadShare(mean: ArrayLike<number>, key: number): number {
  const pc = key < 12 ? (key + 8) % 12 : (key - 12 + 11) % 12;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += mean[i];
  return sum > 0 ? mean[pc] / sum : 0;
}

/**
 * The relative minor's dominant share (KeyOptions.relativeDominantShare; key19): for a key index `key` (0–11 C..B major,
 * 12–23 C..B minor, ALL_KEYS' order) the share of the triad frames `triads` (frameTriads' labels: 0–11 C..B major,
 * 12–23 C..B minor, −1 none; frames without a triad left out) that are the major triad on the scale's minor key's fifth
 * degree — (X + 4) major for X major, (m + 7) major for m minor (E major for C major and for A minor). 0..1 (0 when no
 * frame has a triad).
 */
export function relativeDominantShare(triads: ArrayLike<number>, key: number): number {
  const c = key < 12 ? (key + 4) % 12 : (key - 12 + 7) % 12;
  let n = 0;
  let hit = 0;
  for (let f = 0; f < triads.length; f++) {
    if (triads[f] < 0) continue;
    n++;
    if (triads[f] === c) hit++;
  }
  return n ? hit / n : 0;
}

/** Local-key windows of keySections: length and hop, seconds (as tempoSections'). */
export const KEY_WINDOW_SEC = 12;
export const KEY_HOP_SEC = 2;
/** Each section of a key change covers at least this share of the track… */
export const KEY_SECTION_MIN_SHARE = 0.25;
/** …and at least this long, seconds: a 30–40 s clip is never split. */
export const KEY_SECTION_MIN_SEC = 20;
/** Share of a section's windows whose local key must be the section's key (its most common one). */
export const KEY_SECTION_AGREEMENT = 0.7;

/** Whether two keys (index C..B major, C..B minor) share one scale: the same key, or relative major and minor. */
function sameScale(a: number, b: number): boolean {
  if (a === b) return true;
  const maj = (k: number) => (k < 12 ? k : (k - 12 + 3) % 12);
  return (a < 12) !== (b < 12) && maj(a) === maj(b);
}

/**
 * A key change (a modulation that stays), as tempoSections flags a tempo change: the key finder
 * (keyFromChroma with the frames' harmonic-function score, as the whole track's key) run on
 * KEY_WINDOW_SEC windows every KEY_HOP_SEC gives a local key; the track is split in two sections,
 * each at least KEY_SECTION_MIN_SHARE of it and KEY_SECTION_MIN_SEC long (so never under 40 s),
 * such that at least KEY_SECTION_AGREEMENT of each section's windows (those wholly inside it) give
 * that section's most common key, the two keys are on different scales (a verse in the relative
 * minor is not a change: one key signature), and at most 1 − KEY_SECTION_AGREEMENT of either
 * section's windows give the other section's key. Returns the two sections (seconds of track time,
 * the cut the middle of the best-agreeing splits) or null (a track in one key: the usual answer).
 * `chroma` frames × 12 and `active` as estimateKey's, `triads` the frames' nearest triads
 * (frameTriads), `hopSec` and `t0` the frame hop and the first frame's centre, seconds.
 */
export function keySections(chroma: Float32Array, frames: number, active: boolean[], triads: Int8Array, hopSec: number, t0: number, opts: Pick<Required<TonalOptions>, 'profile' | 'threshold' | 'chordWeight'> & Pick<TonalOptions, 'modeFrom'>): KeySection[] | null {
  const dur = frames * hopSec;
  const minSec = Math.max(KEY_SECTION_MIN_SHARE * dur, KEY_SECTION_MIN_SEC);
  if (dur < 2 * minSec) return null;
  const w = Math.round(KEY_WINDOW_SEC / hopSec);
  const hop = Math.max(1, Math.round(KEY_HOP_SEC / hopSec));
  /** the key (index) of frames f0..f1−1 heard whole, as the track's key is found; −1 for none */
  const keyOf = (f0: number, f1: number): number => {
    const { mean, used } = meanChroma(chroma.subarray(f0 * 12, f1 * 12), f1 - f0, active.slice(f0, f1), opts.threshold);
    if (!used) return -1;
    const r = keyFromChroma(mean, opts.profile, undefined, 0, opts.chordWeight ? chordKeyScores(triads.subarray(f0, f1)) : undefined, opts.chordWeight, undefined, undefined, 0, opts.modeFrom ?? 'blend');
    return r.tonic === null ? -1 : r.mode === 'major' ? r.tonic : 12 + r.tonic;
  };
  /** per window: first frame and local key index (−1: no pitched content) */
  const loc: { a: number; k: number }[] = [];
  for (let a = 0; a + w <= frames; a += hop) loc.push({ a, k: keyOf(a, a + w) });
  /** the most common key of windows i0..i1−1 and its share */
  const mode = (i0: number, i1: number): { k: number; share: number } | null => {
    if (i1 <= i0) return null;
    const n = new Array(24).fill(0);
    for (let i = i0; i < i1; i++) if (loc[i].k >= 0) n[loc[i].k]++;
    let k = 0;
    for (let j = 1; j < 24; j++) if (n[j] > n[k]) k = j;
    return n[k] ? { k, share: n[k] / (i1 - i0) } : null;
  };
  const share = (i0: number, i1: number, k: number) => loc.slice(i0, i1).filter((l) => l.k === k).length / (i1 - i0);
  const found: { agree: number; cut: number; a: number; b: number }[] = [];
  for (let s = 1; s < loc.length; s++) {
    const split = loc[s].a * hopSec;
    if (split < minSec || dur - split < minSec) continue;
    // windows wholly before the split, and those from it on
    const i0 = loc.findIndex((l) => l.a + w > loc[s].a);
    if (i0 < 1) continue;
    const A = mode(0, i0);
    const B = mode(s, loc.length);
    if (!A || !B || A.share < KEY_SECTION_AGREEMENT || B.share < KEY_SECTION_AGREEMENT || sameScale(A.k, B.k)) continue;
    if (share(0, i0, B.k) > 1 - KEY_SECTION_AGREEMENT || share(s, loc.length, A.k) > 1 - KEY_SECTION_AGREEMENT) continue;
    // and each section heard whole is in its windows' key (a loop of one ambiguous progression gives the same key twice)
    const cutF = loc[s].a;
    if (keyOf(0, cutF) !== A.k || keyOf(cutF, frames) !== B.k) continue;
    found.push({ agree: Math.min(A.share, B.share), cut: split, a: A.k, b: B.k });
  }
  if (!found.length) return null;
  const top = Math.max(...found.map((f) => f.agree));
  const best = found.filter((f) => f.agree >= top - 1e-9);
  const f = best[(best.length - 1) >> 1];
  const name = (k: number) => keyName(ALL_KEYS[k]);
  const at = (sec: number) => Math.max(0, Math.round((t0 - hopSec / 2 + sec) * 10) / 10);
  return [
    { start: at(0), end: at(f.cut), key: name(f.a) },
    { start: at(f.cut), end: at(dur), key: name(f.b) },
  ];
}

/** 24 triad templates (C..B major, C..B minor), unit length. */
const TRIADS: { name: string; t: number[]; tones: number[] }[] = [];
/** the least share of the strongest pitch class (smoothed chroma) each of a triad's three tones needs for the chord to be shown (frameTriads' toneMin for estimateChords): the partials of one note (B's F#, E's G#) reach about a quarter */
export const TRIAD_TONE_MIN = 0.35;
/**
 * the least share of the strongest pitch class a triad's third needs to count in KeyEvidence.cadences (cadenceRate; root and
 * fifth keep TRIAD_TONE_MIN): music doubles the root (bass, root, octave) and the third then falls under a third of it. Only
 * the third is loosened: a note's 3rd harmonic sounds its fifth at about a quarter of it, so a fifth at 0.2 was counted in
 * music that has none (a whole-tone piece, media-truth-kinds16, read a cadence to A minor with key7's 0.2 for every tone)
 */
export const CADENCE_THIRD_MIN = 0.2;
for (const minor of [false, true]) {
  for (let r = 0; r < 12; r++) {
    const t = new Array(12).fill(0);
    t[r] = 1;
    t[(r + (minor ? 3 : 4)) % 12] = 1;
    t[(r + 7) % 12] = 1;
    TRIADS.push({ name: chordName(r, minor), t: t.map((x) => x / Math.sqrt(3)), tones: [r, (r + (minor ? 3 : 4)) % 12, (r + 7) % 12] });
  }
}

/**
 * Per frame, the best triad (index into TRIADS: C..B major, then C..B minor) of the chroma
 * smoothed over ±2 frames (~0.9 s), by cosine; −1 when silent or no triad fits (cosine < 0.6, or with
 * `toneMin` > 0, no triad whose root and fifth reach toneMin and whose third reaches `thirdMin` (default toneMin)
 * × the strongest pitch class).
 */
export function frameTriads(chroma: Float32Array, frames: number, active: boolean[], toneMin = 0, thirdMin = toneMin): Int8Array {
  const labels = new Int8Array(frames).fill(-1);
  const half = 2;
  const v = new Float64Array(12);
  for (let f = 0; f < frames; f++) {
    v.fill(0);
    let n = 0;
    for (let g = Math.max(0, f - half); g <= Math.min(frames - 1, f + half); g++) {
      if (!active[g]) continue;
      let m = 0;
      for (let i = 0; i < 12; i++) if (chroma[g * 12 + i] > m) m = chroma[g * 12 + i];
      if (m > 0) for (let i = 0; i < 12; i++) v[i] += chroma[g * 12 + i] / m;
      n++;
    }
    let norm = 0;
    for (let i = 0; i < 12; i++) norm += v[i] * v[i];
    if (!active[f] || !n || !(norm > 0)) continue;
    norm = Math.sqrt(norm);
    let vmax = 0;
    for (let i = 0; i < 12; i++) if (v[i] > vmax) vmax = v[i];
    let bs = 0.6; // below this cosine the frame is not a triad
    for (let c = 0; c < 24; c++) {
      // with toneMin, a triad is named only when its notes are heard: root, third and fifth each at
      // least toneMin of the strongest pitch class (a melody's E and B with no G# is no E major)
      // (tones are [root, third, fifth]; the third may have its own, lower floor)
      if (toneMin > 0 && TRIADS[c].tones.some((i, k) => v[i] < (k === 1 ? thirdMin : toneMin) * vmax)) continue;
      const t = TRIADS[c].t;
      let s = 0;
      for (let i = 0; i < 12; i++) s += (v[i] / norm) * t[i];
      if (s > bs) {
        bs = s;
        labels[f] = c;
      }
    }
  }
  return labels;
}

export function estimateChords(chroma: Float32Array, frames: number, active: boolean[], hopSec: number, t0: number, triads = frameTriads(chroma, frames, active)): ChordsResult {
  const labels = Array.from(triads, (c) => (c < 0 ? 'N' : TRIADS[c].name));
  // Runs, then absorb runs shorter than 3 frames (~0.56 s) into the previous chord.
  let runs: { chord: string; a: number; b: number }[] = [];
  for (let f = 0; f < labels.length; f++) {
    const last = runs[runs.length - 1];
    if (last && last.chord === labels[f]) last.b = f + 1;
    else runs.push({ chord: labels[f], a: f, b: f + 1 });
  }
  const merged: typeof runs = [];
  for (const r of runs) {
    const last = merged[merged.length - 1];
    if (last && (r.b - r.a < 3 || last.chord === r.chord)) last.b = r.b;
    else merged.push({ ...r });
  }
  runs = merged;
  const segments = runs.map((r) => ({
    start: Math.max(0, Math.round((t0 + r.a * hopSec - hopSec / 2) * 100) / 100),
    end: Math.round((t0 + r.b * hopSec - hopSec / 2) * 100) / 100,
    chord: r.chord,
  }));
  return { progression: summarise(runs.map((r) => r.chord).filter((c) => c !== 'N')), segments };
}

/** The most repeated 4-, 3- or 2-chord cycle; else the first distinct chords (up to 4). */
export function summarise(seq: string[]): string[] {
  const dedup: string[] = [];
  for (const c of seq) if (dedup[dedup.length - 1] !== c) dedup.push(c);
  for (const len of [4, 3, 2]) {
    const counts = new Map<string, { n: number; first: number }>();
    for (let i = 0; i + len <= dedup.length; i++) {
      const g = dedup.slice(i, i + len);
      if (new Set(g).size < len) continue;
      const k = g.join(' ');
      const e = counts.get(k);
      if (e) e.n++;
      else counts.set(k, { n: 1, first: i });
    }
    let best: [string, { n: number; first: number }] | null = null;
    for (const e of counts) if (!best || e[1].n > best[1].n || (e[1].n === best[1].n && e[1].first < best[1].first)) best = e;
    if (best && best[1].n >= 2) return best[0].split(' ');
  }
  return [...new Set(dedup)].slice(0, 4);
}

/** Share of an octave band's bins under its floor (bandFloors): the band's lower quartile of power. */
export const FLOOR_QUANTILE = 0.25;
/**
 * A spectral peak is a partial (a tone's, not noise's) when its power is at least this many times its octave band's
 * floor (bandFloors; 10^1.5: 15 dB). The power of noise in one FFT bin is exponentially distributed, so its local maxima
 * stand only 8–12 dB over the band's lower quartile (a power over 9.2× the mean, 15 dB over the quartile, has probability
 * e^−9.2 ≈ 1e−4 per bin), while a tone's partial stands 20–60 dB over it. (As a filter on every peak it cost the eval dev
 * set's key MIREX 0.990 → 0.952: in a full mix a quieter instrument's partials stand under 15 dB; so it only decides
 * whether a track has pitched content at all, PITCHED_SHARE_MIN.)
 */
export const PEAK_FLOOR_RATIO = Math.pow(10, 1.5);
/**
 * A track has pitched content, and so a key and chords, only when at least this share of its spectral peaks' magnitude
 * (65–2100 Hz) is in partials (peaks ≥ PEAK_FLOOR_RATIO over their band's floor). Without it a drum sample repeated on
 * every beat — one noise burst, so the same chance peaks every time: a chroma with a "scale" — read as a key (issue 10
 * kind 4: a numpy sine kick + noise hi-hat groove stated "Key: F minor" at 0.79; the hi-hat alone 0.70, the kick alone
 * 0.07). Shares measured with tools/eval/key-dev.ts --share 15: music at least 0.486 on the eval dev set and key-set.ts
 * (medians 0.74, 0.77) but 0.269 on the drum-heavy dance and metal grooves of the fresh dev2 set (5 % under 0.365);
 * keyless-set.ts's melodies 0.73–1.00; FluidR3 GM drum kits 0.12–0.14 (their toms and kicks are pitched; the calibrated
 * confidence keeps their key out of the features line); the 60 Hz sine kick alone 0.195; numpy drum grooves
 * 0.013–0.017, pulseless-set.ts's noise bursts 0.005–0.026. The cut sits between noise and the least pitched music
 * with a margin of about 4 on both sides.
 */
export const PITCHED_SHARE_MIN = 0.06;

/**
 * Per bin k in [kmin, kmax], the noise floor of its octave band: the FLOOR_QUANTILE quantile of the power of the
 * bins of [lo, 2·lo) (bands from kmin up, the last one cut at kmax). `P` power spectrum (linear power); returns `out`
 * (length ≥ kmax + 1, allocated when absent) with the floor at each bin of the range, the rest untouched. `scratch`
 * (length ≥ kmax − kmin + 1; its contents are overwritten) holds each band while its quantile is selected: the tonal
 * analyser passes its own, so a frame allocates nothing (speed24: one ArrayBuffer per analysis frame before).
 */
export function bandFloors(P: Float64Array, kmin: number, kmax: number, out?: Float64Array, scratch?: Float64Array): Float64Array {
  const floors = out ?? new Float64Array(kmax + 1);
  const tmp = scratch && scratch.length >= kmax - kmin + 1 ? scratch : new Float64Array(kmax - kmin + 1);
  for (let lo = kmin; lo <= kmax; lo *= 2) {
    const hi = Math.min(kmax + 1, 2 * lo);
    const band = tmp.subarray(0, hi - lo);
    band.set(P.subarray(lo, hi));
    // the quantile's element of the sorted band, found without sorting it (dsp/select.ts: the same value)
    const q = nthSmallest(band, Math.floor(FLOOR_QUANTILE * (band.length - 1)));
    floors.fill(q, lo, hi);
  }
  return floors;
}

/**
 * The spectral peaks of one frame's power spectrum, as the key analyser takes them: local maxima
 * in bins [kmin, kmax] within 50 dB of the frame's strongest (`maxP`), each at the frequency of the
 * parabola through the log power of it and its two neighbours (Smith & Serra 1987, quadratic
 * interpolation of spectral peaks).
 * @param P power spectrum of an `N`-point FFT, length N/2 + 1 (linear power, not dB)
 * @param fs the frame's sample rate in Hz
 * @param onPeak called per peak with its frequency (Hz), its bin's power and the bin
 */
export function pickSpectralPeaks(
  P: Float64Array,
  kmin: number,
  kmax: number,
  maxP: number,
  fs: number,
  N: number,
  onPeak: (freqHz: number, power: number, bin: number) => void,
): void {
  const thr = maxP * 1e-5;
  for (let k = kmin; k <= kmax; k++) {
    const p = P[k];
    if (p <= thr || p <= P[k - 1] || p < P[k + 1]) continue;
    const a = Math.log(P[k - 1] + 1e-30);
    const b = Math.log(p);
    const c = Math.log(P[k + 1] + 1e-30);
    const den = a - 2 * b + c;
    const delta = den < 0 ? (0.5 * (a - c)) / den : 0;
    onPeak(((k + delta) * fs) / N, p, k);
  }
}
