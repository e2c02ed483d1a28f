/**
 * Tempo and beats: log-spectral-flux onset envelope at ~11 kHz, global tempo
 * from a comb over the envelope's autocorrelation (with a log-normal tempo
 * prior, as librosa's); the metrical level among simple ratios of the comb's
 * pick by comb × Fourier tempogram, its octave (the level, its half or its
 * double) by a learned chooser (octave-net.ts: a one-layer net over the
 * candidates' band autocorrelations at multiples of their period, beat-synchronous
 * band patterns and OCTAVE_MODEL's features); beats by dynamic programming
 * (Ellis 2007) at that level.
 */
import { hann, RealFft } from '../dsp/fft';
import { FrameBuffer, GrowingBuffer, SharedStreams, type MonoTap } from '../dsp/streams';
import { briefOf, tempoConfidence, type TempoEvidence } from './confidence';
import type { Analyser } from './types';
import { backbeatOctave } from './backbeat';
import { MIN_CONFIDENCE, type TempoSection } from '@contract';
import { octaveNetFeatures, octaveNetScore, withExtras } from './octave-net';
import { OCTAVE_NET, type OctaveNetWeights } from './octave-net-weights';
import { tempoNetWeights } from './tempo-net-weights';
import { productOfExperts, tempoNetChoice, tempoNetScoresAt } from './tempo-net';
import type { TempoNetWeights } from './tempo-net';
import { PERC_FIGURES, PERC_INPUT_BANDS, PERC_INPUT_FIGURE, PercussiveShare } from './hpss';

/** TempoEvidence.fewBeats: the tracked beats of a full-length calibration file (48: 30 s at 96 BPM) */
const FULL_BEATS = 48;

export interface TempoResult {
  /** beats per minute, 0.1 resolution (null: no pulse found, e.g. silence; `reason` says why) */
  bpm: number | null;
  /** calibrated probability (0..1) that bpm is right, within 4 % (confidence.ts; 0 when bpm is null; the library stores null then) */
  confidence: number;
  /** the inputs of the calibrated confidence (absent when bpm is null) */
  evidence?: TempoEvidence;
  /** why there is no tempo (bpm null), in words for the user */
  reason?: string;
  /**
   * beat positions, seconds (ms resolution, ascending, none before 0 s), from the beat tracker run at the chosen tempo,
   * each moved inside its 23 ms envelope frame to its onset (refineBeat; tempo 21); a note at 0 s is a beat at 0 s
   */
  beats: number[];
  /** meter: 3 or 4 beats per bar (4 stands for every duple meter); null without a tempo or when no bar length stands out (an even pulse) */
  beatsPerBar: 3 | 4 | null;
  /**
   * Present only when the tempo changes (tempoSections): the long sections, in
   * time order, each with its own tempo (a gradual change: one section with
   * `endBpm`). `bpm` and `confidence` stay those of the whole track (unchanged
   * by the detection); the features line then states the change instead of a
   * single tempo (tempoChangeSentence).
   */
  variable?: TempoSection[];
  /**
   * Present only for a seamless loop under 4 s (TempoAnalyser loopTempo): its length (s) and the whole number of
   * beats it holds at `bpm` (bpm = 60 × beats ÷ sec, to 0.1); the tempo is of the loop played round
   */
  loop?: { beats: number; sec: number };
  /**
   * Set by the library scan where it made the waveform too (library/analyse.ts), not by the analyser: the index in
   * `beats` of the first downbeat (beat-grid.ts downbeatPhase, 0 … beatsPerBar − 1), as the track view finds it; the
   * rekordbox export reads it instead of the cached waveform. Absent without a meter or a waveform, and in rows
   * scanned before session 35
   */
  downbeat?: number;
}

/** A section of a track whose tempo changes (the contract's TempoSection): start and end in seconds, bpm at 1 BPM resolution; `endBpm` for a gradual change. */
export type { TempoSection };

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
/**
 * The onset gate's floor: band energies more than 40 dB below the frame's
 * loudest band count as that floor. A lossy codec's noise around a steady
 * tone (AAC, Vorbis, Opus frames: periodic, 50–100 dB down) then adds no
 * flux, so the gate sees the same signal in every format.
 */
const GATE_FLOOR = 10 ** (-40 / 10);
/**
 * The onset envelope of step one (TempoAnalyser's third argument). 'flux' (shipped): the rise of each of the 40 log
 * band energies over the previous frame (23 ms at 11,025 Hz, hop 256), half-wave rectified, summed. 'superflux' (helper
 * tempo15, off): the rise over the maximum of the band and its two neighbours two frames back (Böck & Widmer 2013's
 * SuperFlux on log band energies: lag 2, a maximum filter across 3 bands), for soft onsets (bowed strings, choir, pads)
 * whose vibrato and slow glides put flux between the notes; not rescaled (the onset gate, MIN_ONSET_FLUX, reads it as it
 * is; tools/eval/novelty-eval.ts prints the ratio of the two envelopes' means). The band-group envelopes
 * (BAND_FEATURES) stay flux either way.
 */
export type Novelty = 'flux' | 'superflux';
/** per envelope frame: onset flux of 3 band groups, then their log energies */
export const BAND_FEATURES = 6;

export class TempoAnalyser implements Analyser<TempoResult> {
  readonly name = 'tempo';
  // 17: the tempogram net (TEMPO_NET: N5, retrained with plain drum patterns) votes on the octave where the chooser is
  // unsure (LEVEL_TUNING.tempoNetExpert, tempoNetGate 2.5: decision21 arm P5); long tracks' results change too, so no
  // sameAs (a library re-runs tempo on every track). 16: a seamless loop under 4 s has the tempo of the loop played
  // round (loopTempo)
  readonly version = 21;
  // 21: the beat grid's beats at their onsets inside the 23 ms envelope frame (refineBeat), and a note at 0 s an onset and a beat (TrackStart; beats38)
  // 20: the beat grid's ends trimmed on smoothed beat strengths (BeatTrim 'smoothed', beats37): the grid starts with the music, not a beat or three after it
  // 19: the beat grid's beats tracked with the frames' energy (LEVEL_TUNING.beatEnergy 2, decision30b): on the kick, not the off-beat
  // 18: the confidence times the swell's share (confidence.ts SMOOTH_FLOOR/CEIL: a held chord's beating partials are no onsets; tester23)
  // 15: the confidence times min(1, repeat ÷ REPEAT_FLOOR): a pulse whose bar does not repeat (short speech) is not believed (conf12); 11: a tempo change is kept only where every step section has a sure tempo of its own (leastSureSection); 12: the confidence map refitted with dev2 (tools/eval/dev2-set.ts); 13: the octave by the learned chooser (octave-net.ts); 14: the confidence times the share of the track at the tempo (hold); the analysed length (brief, fewBeats) recorded, not weighed by the map
  private own: SharedStreams | null = null;
  private tap!: MonoTap;
  private readonly frames = new FrameBuffer(N, HOP);
  private readonly fft = new RealFft(N);
  private readonly win = hann(N);
  private readonly pow = new Float64Array(N / 2 + 1);
  /** first FFT bin of each band (BANDS + 1 edges) */
  private edges = new Int32Array(BANDS + 1);
  private prev = new Float64Array(BANDS);
  /** the gate's log band energies (floored at GATE_FLOOR below the loudest band) of the previous frame */
  private gatePrev = new Float64Array(BANDS);
  private readonly bandE = new Float64Array(BANDS);
  private gateSum = 0;
  private gateFrames = 0;
  private first = true;
  private env = new Float32Array(4096);
  /**
   * per frame, BAND_FEATURES values: the same flux split in three band groups (below 250 Hz,
   * 250–2000 Hz, above), then each group's log energy: the meter's beat-synchronous features
   */
  private env3 = new Float32Array(BAND_FEATURES * 4096);
  /** band group of each band (0 low, 1 mid, 2 high) */
  private group = new Uint8Array(BANDS);
  private envLen = 0;
  /** the tap's samples while the track is under LOOP_MAX_SEC (the loop rule's input), then null */
  private head: GrowingBuffer | null = new GrowingBuffer(1 << 14);
  private floor = 0;
  private readonly opts: Required<TempoOptions>;
  /** superflux: the log band energies of the two previous frames (ring of 2 × BANDS) */
  private readonly back = new Float64Array(2 * BANDS);
  /**
   * Half-widths of hpss.ts PercussiveShare's frequency median to measure (tools/eval/octave-net.ts --perc), or null
   * (the default: not measured). Set before init.
   */
  percussiveBands: readonly number[] | null = null;
  private perc: PercussiveShare | null = null;

  /**
   * `tuning`: the metrical-level choice (LEVEL_TUNING, the shipped one, unless a tool or test compares another);
   * `novelty`: the onset envelope step one reads (Novelty; 'flux', the shipped one, unless tools/eval/novelty-eval.ts compares another)
   */
  constructor(opts: TempoOptions = {}, private readonly tuning: LevelTuning = LEVEL_TUNING, private readonly novelty: Novelty = 'flux') {
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
    for (let b = 0; b < BANDS; b++) {
      const top = (this.edges[b + 1] * fs) / N;
      this.group[b] = top <= 250 ? 0 : top <= 2000 ? 1 : 2;
    }
    // ~ −90 dB below a full-scale sinusoid's bin power (Hann: (N/4)²)
    this.floor = (N / 4) ** 2 * 1e-9;
    // the chooser's 'perc' input (weights trained with it) needs PERC_INPUT's half-width at least
    // (the product then skips the 'flux' figure's logs unless that is the input)
    let flux = true;
    if (!this.percussiveBands && this.tuning.octaveNet?.extra?.includes('perc')) {
      this.percussiveBands = PERC_INPUT_BANDS;
      flux = PERC_FIGURES[PERC_INPUT_FIGURE] === 'flux';
    }
    if (this.percussiveBands) this.perc = new PercussiveShare(BANDS, this.group, Float64Array.from({ length: BANDS }, (_, b) => this.floor * (this.edges[b + 1] - this.edges[b])), this.percussiveBands, flux);
  }

  /** After finish(): hpss.ts PercussiveShare.result of this track (percussiveBands set), else null. */
  percussiveShare(): number[] | null {
    return this.perc ? this.perc.result() : null;
  }

  process(block: Float32Array[]): void {
    if (this.own) this.own.process(block);
    this.frames.push(this.tap.current);
    // a track under 4 s keeps its samples for the loop rule (seamlessLoop); a longer one frees them at 4 s
    if (this.head) {
      this.head.append(this.tap.current);
      if (this.head.length >= LOOP_MAX_SEC * this.tap.rate) this.head = null;
    }
    if (this.own) this.own.endBlock();
    this.frames.framesWith(TempoAnalyser.onFrame, this);
  }

  /**
   * The frame callback FrameBuffer.frames calls: a static method, so one function for the program's life. A closure
   * made anew in every process() call lived one block: V8 holds an optimised function's code only weakly from its
   * feedback, so with no closure alive at a major GC the code was dropped and the next block's closure ran unoptimised
   * until compiled again — ~14 TurboFan compiles of this body per worker over 55 tracks (BENCHMARKS.md "Throughput
   * (speed28)").
   */
  private static onFrame(a: TempoAnalyser, x: Float32Array, o: number): void {
    a.frame(x, o);
  }

  /** One analysis frame of the tap at x[o .. o + N): band energies, the gate, the flux (and superflux), pushed on. */
  private frame(x: Float32Array, o: number): void {
    const pow = this.pow;
    const edges = this.edges;
    const prev = this.prev;
    const fl = this.floor;
    if (this.first) this.startFrame(x, o);
    this.fft.windowedPowerSpectrum(x, o, this.win, pow);
    let flux = 0;
    let sflux = 0;
    const sf = this.novelty === 'superflux';
    const back = this.back;
    const older = this.frameNo & 1 ? BANDS : 0;
    const g3 = this.g3;
    g3.fill(0);
    const ge = this.ge;
    ge.fill(0);
    let top = 0;
    const be = this.bandE;
    for (let b = 0; b < BANDS; b++) {
      let e = 0;
      for (let k = edges[b], end = edges[b + 1]; k < end; k++) e += pow[k];
      be[b] = e;
      if (e > top) top = e;
    }
    if (this.perc) this.perc.push(be);
    const rel = top * GATE_FLOOR;
    let gate = 0;
    const gatePrev = this.gatePrev;
    const group = this.group;
    // One pass: each band's log energy, and the gate's (the same number wherever the band is not under the
    // gate's floor, so its log is taken once); gate and flux each summed over the bands in order, as before.
    for (let b = 0; b < BANDS; b++) {
      const e = be[b];
      const w = fl * (edges[b + 1] - edges[b]);
      const l = Math.log(e + w);
      const g = e >= rel ? l : Math.log(rel + w);
      if (g > gatePrev[b]) gate += g - gatePrev[b];
      gatePrev[b] = g;
      ge[group[b]] += e;
      if (this.first) {
        const d0 = l - this.startPrev![b];
        if (d0 > 0) this.start!.flux0 += d0;
      }
      const d = l - prev[b];
      if (d > 0) {
        flux += d;
        g3[group[b]] += d;
      }
      if (sf) {
        // the reference: the band and its neighbours two frames back, their maximum (vibrato and slow glides add no flux)
        const r = Math.max(back[older + b], b > 0 ? back[older + b - 1] : -Infinity, b < BANDS - 1 ? back[older + b + 1] : -Infinity);
        if (this.frameNo >= 2 && l > r) sflux += l - r;
      }
      prev[b] = l;
    }
    if (sf) for (let b = 0; b < BANDS; b++) back[older + b] = prev[b];
    this.frameNo++;
    if (!this.first) {
      this.gateSum += gate;
      this.gateFrames++;
    }
    if (this.first) g3[0] = g3[1] = g3[2] = 0;
    for (let g = 0; g < 3; g++) g3[3 + g] = Math.log(ge[g] + fl * BANDS);
    this.push(this.first ? 0 : sf ? sflux : flux);
    this.first = false;
  }

  /**
   * The frame centred on 0 s (the tap's first N/2 samples after N/2 of silence, as a centred STFT pads the start):
   * its log band energies' rise over silence (the flux floor, `floor` per bin) is TrackStart.rise, and it stands as
   * `prev` for frame 0's flux (TrackStart.flux0, measured beside the envelope's frame 0, which stays 0). `x`, `o`:
   * frame 0's samples, x[o .. o + N).
   */
  private startFrame(x: Float32Array, o: number): void {
    const half = new Float64Array(N);
    for (let i = 0; i < N / 2; i++) half[N / 2 + i] = x[o + i];
    const pow = this.pow;
    this.fft.windowedPowerSpectrum(half, 0, this.win, pow);
    const edges = this.edges;
    const ge = new Float64Array(3);
    let rise = 0;
    const prev0 = new Float64Array(BANDS);
    for (let b = 0; b < BANDS; b++) {
      let e = 0;
      for (let k = edges[b], end = edges[b + 1]; k < end; k++) e += pow[k];
      const w = this.floor * (edges[b + 1] - edges[b]);
      const l = Math.log(e + w);
      rise += l - Math.log(w);
      prev0[b] = l;
      ge[this.group[b]] += e;
    }
    const bands = new Float32Array(BAND_FEATURES);
    for (let g = 0; g < 3; g++) bands[3 + g] = Math.log(ge[g] + this.floor * BANDS);
    this.start = { rise, flux0: 0, bands };
    this.startPrev = prev0;
  }

  /** TrackStart of this track (set by the first frame; flux0 by the first frame's loop) */
  private start: TrackStart | null = null;
  private startPrev: Float64Array | null = null;

  /**
   * After finish(): the octave decision's candidates (the level of step one, its half and
   * its double) with their OCTAVE_FEATURES, from this track's envelopes; null without a tempo.
   */
  octaveCandidates(): OctaveCandidate[] | null {
    return octaveCandidates(this.env.subarray(0, this.envLen), this.tap.rate / HOP, this.opts, this.env3.subarray(0, BAND_FEATURES * this.envLen));
  }

  /** After finish(): the tempo of this track's envelopes under another LevelTuning (tests and tools/eval compare octave choices). */
  tempoWith(tuning: LevelTuning): TempoResult {
    const fps = this.tap.rate / HOP;
    return estimateTempo(this.env.subarray(0, this.envLen), fps, N / 2 / this.tap.rate - this.tap.delaySec, this.opts, this.env3.subarray(0, BAND_FEATURES * this.envLen), tuning, true, this.percInput(), this.start ?? undefined);
  }

  private frameNo = 0;
  private readonly g3 = new Float64Array(BAND_FEATURES);
  private readonly ge = new Float64Array(3);

  private push(v: number): void {
    if (this.envLen === this.env.length) {
      const b = new Float32Array(this.env.length * 2);
      b.set(this.env);
      this.env = b;
      const b3 = new Float32Array(this.env3.length * 2);
      b3.set(this.env3);
      this.env3 = b3;
    }
    this.env3.set(this.g3, BAND_FEATURES * this.envLen);
    this.env[this.envLen++] = v;
  }

  finish(): TempoResult {
    const fps = this.tap.rate / HOP;
    const env = this.env.subarray(0, this.envLen);
    const t0 = N / 2 / this.tap.rate - this.tap.delaySec;
    // under 4 s: a seamless loop's tempo (loopTempo), else (a one-shot, or no whole number of beats) "too short" below
    if (env.length < fps * 4 && this.head) {
      const loop = this.loopTempo(this.head.array.subarray(0, this.head.length));
      if (loop) return loop;
    }
    if (env.length >= fps * 4 && this.gateFrames > 0 && !(this.gateSum / this.gateFrames >= MIN_ONSET_FLUX)) return noOnsets();
    return estimateTempo(env, fps, t0, this.opts, this.env3.subarray(0, BAND_FEATURES * this.envLen), this.tuning, true, this.percInput(), this.start ?? undefined);
  }

  /**
   * The tempo of a track under 4 s that is a seamless loop (seamlessLoop: it plays all through, as a sample library's
   * one- and two-bar loops do), else null. The loop is played round (its samples repeated end to start) to at least
   * LOOP_PLAY_SEC and analysed by a fresh analyser of the same options, as a DAW playing the loop would be heard; the
   * tempo is then the one that fits a whole number n of beats into the loop (60·n ÷ its length, n in LOOP_BEATS: a loop is
   * whole bars of 3 or 4 beats), and the beats are those of the loop's middle pass, in this track's time. null where that tempo
   * is none or fits no whole number of beats within LOOP_BEAT_SLACK (a hit repeated is no pulse of beats), or the loop has under LOOP_MIN_ONSETS strong onsets (strongOnsets).
   * `x`: this track's samples at the tempo tap's rate (mono, 11,025 Hz).
   */
  private loopTempo(x: Float32Array): TempoResult | null {
    const rate = this.tap.rate;
    const sec = x.length / rate;
    if (!seamlessLoop(x, rate)) return null;
    const passes = Math.max(3, Math.ceil(LOOP_PLAY_SEC / sec));
    const played = new Float32Array(x.length * passes);
    for (let k = 0; k < passes; k++) played.set(x, k * x.length);
    const a = new TempoAnalyser(this.opts, this.tuning, this.novelty);
    a.init(rate, 1);
    for (let i = 0; i < played.length; i += 4096) a.process([played.subarray(i, Math.min(played.length, i + 4096))]);
    const r = a.finish();
    if (r.bpm === null) return null;
    // the loop's own onsets (its middle pass, the wrap's included): a hit or a sustained sound repeated has one, at
    // the wrap, and its repetition is no pulse of beats
    const fps = rate / HOP;
    if (strongOnsets(a.env.subarray(Math.floor((Math.floor(passes / 2) * sec - 0.05) * fps), Math.floor((Math.floor(passes / 2) + 1) * sec * fps) - 2), fps) < LOOP_MIN_ONSETS) return null;
    const beats = (sec * r.bpm) / 60;
    const n = Math.round(beats);
    if (!LOOP_BEATS.includes(n) || Math.abs(beats - n) > LOOP_BEAT_SLACK) return null;
    // the middle pass's beats, moved to this track's time (the fresh analyser's tap starts at this tap's sample 0)
    const mid = Math.floor(passes / 2) * sec;
    const shift = mid + this.tap.delaySec;
    const inLoop = r.beats.filter((t) => t >= mid && t < mid + sec).map((t) => Math.round((t - shift) * 1000) / 1000).filter((t) => t >= 0 && t < sec);
    return { ...r, bpm: Math.round(((60 * n) / sec) * 10) / 10, beats: inLoop, loop: { beats: n, sec: Math.round(sec * 1000) / 1000 } };
  }

  /** PERC_INPUT's figure of this track (after finish), 0 when not measured */
  private percInput(): number {
    if (!this.perc || !this.percussiveBands) return 0;
    const a = this.percussiveBands.indexOf(PERC_INPUT_BANDS[0]);
    return a < 0 ? 0 : this.perc.result()[a * PERC_FIGURES.length + PERC_INPUT_FIGURE];
  }
}

/**
 * Mean onset flux (natural-log band-energy rise per frame, summed over the
 * bands) below which a signal has no pulse at all: a steady tone or a drone
 * has flux near 0, music with onsets well above 1. Chosen on the development
 * set of tools/eval (issue 10 item 10). The analyser measures it with band
 * energies floored 40 dB below each frame's loudest band (GATE_FLOOR), so
 * a 220 Hz tone gives 0.004 (WAV), 0.006 (MP3), 0.19 (Opus), 0.22 (AAC),
 * 0.46 (Vorbis), and the test fixtures with onsets 2.8 (sustained chords)
 * to 19 (drums).
 */
export const MIN_ONSET_FLUX = 1;

/** The loop rule (TempoAnalyser loopTempo) is for tracks shorter than this, seconds: those under 4 s, which have no tempo of their own. */
export const LOOP_MAX_SEC = 4;
/** …and at least this long, seconds: one bar at 240 BPM. */
export const LOOP_MIN_SEC = 1;
/** A loop is played round to at least this long, seconds, and at least 3 passes. */
export const LOOP_PLAY_SEC = 8;
/** A loop is one to four bars of 3 or 4 beats: its length in beats at the tempo found is one of these… */
export const LOOP_BEATS: readonly number[] = [3, 4, 6, 8, 9, 12, 16];
/** …within this many beats. */
export const LOOP_BEAT_SLACK = 0.1;
/**
 * Every quarter of a seamless loop holds at least this share of its energy: the loop plays all through, so its end
 * joins its start. Measured on Debian's sample libraries: LMMS' loops (beats, bass loops, latin) 0.08–0.25 (three
 * whose last beat is silent 0.004–0.026, left out), Hydrogen's and LMMS' one-shots (hits, cymbals, toms, bells, sweeps)
 * 0.000–0.038 but for two sustained ones (a ride, a tuned tone: 0.22, 0.25, which then find no beats: loopTempo).
 */
export const LOOP_MIN_QUARTER = 0.05;

/**
 * Whether `x` (mono samples at `rate` Hz) may be a seamless loop: LOOP_MIN_SEC to under LOOP_MAX_SEC long, and each
 * quarter of it holds at least LOOP_MIN_QUARTER of its energy (a loop plays to its end and joins its start; a one-shot
 * — a hit, a crash, a tom — decays and a riser swells, so one quarter holds almost nothing). Pure.
 */
export function seamlessLoop(x: Float32Array, rate: number): boolean {
  const sec = x.length / rate;
  if (!(sec >= LOOP_MIN_SEC && sec < LOOP_MAX_SEC)) return false;
  const q = [0, 0, 0, 0];
  for (let i = 0; i < x.length; i++) q[Math.min(3, Math.floor((4 * i) / x.length))] += x[i] * x[i];
  const total = q[0] + q[1] + q[2] + q[3];
  return total > 0 && q.every((e) => e >= LOOP_MIN_QUARTER * total);
}

/** A seamless loop has at least this many strong onsets (strongOnsets) in one pass. */
export const LOOP_MIN_ONSETS = 2;

/**
 * The strong onsets of an onset envelope (`env`, sampled at `fps`): its local maxima over ±70 ms that reach 30 % of
 * its largest value and 3 times its median (a sustained sound's flux — a ride cymbal's wash, noise — is many small
 * peaks near its median: LMMS' ride01 played round peaks at 3.3 times its median, its loops' hits at 3.5 to 60). Pure.
 */
export function strongOnsets(env: Float32Array, fps: number): number {
  if (!env.length) return 0;
  const sorted = Float32Array.from(env).sort();
  const top = sorted[sorted.length - 1];
  if (!(top > 0)) return 0;
  const floor = Math.max(0.3 * top, 3 * sorted[sorted.length >> 1]);
  const w = Math.max(1, Math.round(0.07 * fps));
  let n = 0;
  for (let i = 0; i < env.length; i++) {
    if (env[i] < floor) continue;
    let peak = true;
    for (let j = Math.max(0, i - w); j <= Math.min(env.length - 1, i + w) && peak; j++) if (env[j] > env[i] || (env[j] === env[i] && j < i)) peak = false;
    if (peak) n++;
  }
  return n;
}

/** The reasons a track has no tempo, as TempoResult.reason says them. */
export const NO_TEMPO = {
  short: 'too short to find a tempo: under 4 s',
  onsets: 'no onsets: too few to have a beat, as in a steady tone, a drone, silence or a lone hit',
  pulse: 'no regular pulse found',
} as const;
const noOnsets = (): TempoResult => ({ bpm: null, confidence: 0, beats: [], reason: NO_TEMPO.onsets, beatsPerBar: null });

/**
 * Tempo + beats from an onset envelope sampled at `fps`; `t0` is the time of
 * envelope frame 0. bpm null (confidence 0, no beats) for under 4 s of
 * envelope or a mean onset flux below MIN_ONSET_FLUX (a steady tone).
 */
export function estimateTempo(envIn: Float32Array, fps: number, t0: number, opts: Required<TempoOptions>, bands?: Float32Array, tuning: LevelTuning = LEVEL_TUNING, sections = true, perc = 0, start?: TrackStart): TempoResult {
  const none: TempoResult = { bpm: null, confidence: 0, beats: [], beatsPerBar: null, reason: NO_TEMPO.pulse };
  if (envIn.length < fps * 4) return { ...none, reason: NO_TEMPO.short };
  let meanFlux = 0;
  for (let i = 0; i < envIn.length; i++) meanFlux += envIn[i];
  if (!(meanFlux / envIn.length >= MIN_ONSET_FLUX)) return noOnsets();
  const p = periodicity(envIn, fps, opts);
  if (!p) return none;
  const tempi = levelTempi(p, fps, opts, tuning.dftWindowSec);
  if (!tempi.length) return none;
  const level = tuning.comb ? tempi.find((l) => l.rel === '1')! : chooseLevel(tempi, tuning.priorWeight);
  const { ac, acAt } = p;
  let bpm = level.bpm;
  let levelBeats: number[] | null = null;
  let octave = 4;
  const net = tuning.tempoNet ? tempoNetChoice(p.env, bands, fps, level.bpm, tuning.tempoNet) : null;
  if (net) {
    // the tempogram net (tempo-net.ts) among T × 1/3, 1/2, 1, 2, 3 (inside 30–320 BPM), instead of the octave chooser;
    // the beats are tracked at its pick below (at T the same beats the chooser's octaveTempi tracks)
    const bi = net.cands.indexOf(net.bpm);
    bpm = net.bpm;
    octave = logOdds(net.scores[bi], net.scores.filter((_, i) => i !== bi));
  } else if (tuning.octaveNet) {
    // the learned chooser (octave-net.ts) over the same candidates
    const o = octaveCandidatesOf(p, fps, opts, level.bpm, bands);
    const cs = o.cands.map((c) => ({ bpm: c.bpm, ratio: c.bpm === level.bpm ? 1 : c.bpm < level.bpm ? 0.5 : 2, base: c.features }));
    // weights trained with optional input groups (octave-net.ts withExtras; none in the shipped OCTAVE_NET) get them
    const inputs = bands ? octaveNetInputs(bands, fps) : null;
    const feats = withExtras(octaveNetFeatures(p.env, inputs, fps, cs, o.beats), cs, tuning.octaveNet.extra ?? [], p.env, bands ?? null, inputs, fps, perc, o.beats);
    const s = feats.map((f) => octaveNetScore(f, tuning.octaveNet));
    let bi = s.indexOf(Math.max(...s));
    // decision20's P4: the net votes only where the chooser's log-odds of its own pick is under tempoNetGate (unset: always, P3);
    // elsewhere its step is not computed
    if (tuning.tempoNetExpert && (tuning.tempoNetGate === undefined || logOdds(s[bi], s.filter((_, i) => i !== bi)) < tuning.tempoNetGate)) {
      // decision19's P3: the chooser's logit + the tempogram net's log-probability at each candidate (product of experts);
      // the octave log-odds below stay the chooser's own, of whichever candidate wins
      const L = tempoNetScoresAt(p.env, bands, fps, cs.map((c) => c.bpm), tuning.tempoNetExpert);
      bi = productOfExperts(s, L.scores, L.masked);
    }
    bpm = cs[bi].bpm;
    if (bpm === level.bpm) levelBeats = o.beats;
    octave = logOdds(s[bi], s.filter((_, i) => i !== bi));
  } else if (tuning.octaveModel) {
    const w = tuning.octaveModel;
    const o = octaveCandidatesOf(p, fps, opts, level.bpm, bands);
    let best = o.cands.reduce((a, b) => (octaveScore(b.features, w) > octaveScore(a.features, w) ? b : a));
    if (tuning.backbeat !== undefined) best = backbeatOctave(o.cands, best, chooseOctave(p, opts, level.bpm), bands, fps, tuning.backbeat);
    bpm = best.bpm;
    if (bpm === level.bpm) levelBeats = o.beats;
    octave = logOdds(octaveScore(best.features, w), o.cands.filter((c) => c !== best).map((c) => octaveScore(c.features, w)));
  } else if (tuning.octave) bpm = chooseOctave(p, opts, level.bpm);
  const period = (60 * fps) / bpm;
  const beatFrames = levelBeats ?? trackBeats(p.env, period);
  const diffs = bands ? beatDiffs(bands, beatFrames) : null;
  // the beat grid's beats: tracked again with the frames' energy (tuning.beatEnergy), so they land on the kick rather
  // than on an off-beat hi-hat; the meter, the period fit and the confidence keep the envelope's own beats above. Their
  // ends are trimmed on smoothed strengths (BeatTrim 'smoothed', tempo 20), so the grid starts with the music
  const beats = gridBeats(envIn, p.env, fps, t0, period, tuning, bands, start);
  // The comb's resolution is limited by the frame rate; a straight line through the beat
  // positions (which the DP placed freely) gives the tempo of a steady track more precisely.
  const fitted = fitPeriod(beatFrames, period);
  if (fitted) bpm = (60 * fps) / fitted;
  // the local tempi (tempoSections' windows) say how much of the track is at the one tempo (holdShare; not for a section's own estimate)
  const loc = sections ? localTempi(envIn, fps, opts) : null;
  const evidence = tempoEvidence(p, opts, tempi, level, octave, beatFrames, period, meanFlux / envIn.length, bpm, envIn.length / fps, (loc && holdShare(loc, Math.round(bpm * 10) / 10)) ?? 1);
  const out: TempoResult = { bpm: Math.round(bpm * 10) / 10, confidence: tempoConfidence(evidence), evidence, beats, beatsPerBar: diffs ? meterOf(diffs) : beatsPerBar(acAt, period, ac.length - 1) };
  const variable = sections ? tempoSections(envIn, fps, t0, opts, loc!) : null;
  if (variable) {
    const leastSure = leastSureSection(variable, envIn, fps, t0, opts, bands, tuning);
    if (leastSure >= MIN_CONFIDENCE) out.variable = variable;
    // sections that disagree, one of them unsure: no change is stated, and the one tempo is no surer than that section
    else out.confidence = Math.min(out.confidence, leastSure);
  }
  return out;
}

/**
 * The track's start, which the onset envelope cannot show (its frame 0 has no frame before it, so its flux is 0 by
 * construction and a note at 0 s has no onset): measured by TempoAnalyser on a frame centred on 0 s, the tap's first
 * N/2 samples after N/2 of silence (a centred STFT's padding, as librosa's `center=True`), for the beat grid only.
 */
export interface TrackStart {
  /** that frame's onset flux: its 40 log band energies' rise over silence (the flux floor), summed (natural log units) */
  rise: number;
  /** frame 0's flux over that frame (the envelope's own frame 0 stays 0: the tempo reads it unchanged) */
  flux0: number;
  /** BAND_FEATURES values of that frame (its flux columns 0–2 are 0; 3–5 the three band groups' log energies) */
  bands: Float32Array;
}

/**
 * The beat grid's beats (TempoResult.beats: seconds, ms resolution, ascending, none before 0 s). With `start`, the
 * dynamic programme (trackBeats at `period` frames, its local score the conditioned envelope plus the frames' energy,
 * beatEnergyLocal at tuning.beatEnergy) runs on the envelope preceded by the frame centred on 0 s (TrackStart.rise, at
 * most the envelope's largest flux — an onset at the start is no stronger than the track's strongest; frame 0 then
 * TrackStart.flux0), so a note at 0 s is an onset and its beat lands there. Which beats the ends keep (BeatTrim
 * 'smoothed') is decided on the local score of the envelope the tempo reads, the start frame standing as the larger of
 * frames 0 and 1 (where tempo 20 saw a note at 0 s): a sound starting a beatless intro is no beat, and the intro's soft
 * onsets stay trimmed (beats38: the start frame's own flux kept 23 of a 12 s intro's beats). Each beat is then moved
 * inside its frame to its onset (refineBeat on the conditioned envelope). `envIn`: the raw onset envelope (frames at
 * `fps`, frame 0 at `t0` s); `env`: its conditioned form (periodicity's); `bands`: BAND_FEATURES per frame.
 */
function gridBeats(envIn: Float32Array, env: Float64Array, fps: number, t0: number, period: number, tuning: LevelTuning, bands?: Float32Array, start?: TrackStart): number[] {
  const localOf = (c: Float64Array, b?: Float32Array) => (tuning.beatEnergy && b ? beatEnergyLocal(c, b, period, tuning.beatEnergy) : smoothEnv(c, period));
  const ms = (t: number) => Math.round(Math.max(0, t) * 1000) / 1000;
  const L = localOf(env, bands);
  if (!start) return trackBeats(env, period, 100, L, 'smoothed').map((f) => ms(t0 + refineBeat(env, f) / fps));
  const raw = new Float32Array(envIn.length + 1);
  raw.set(envIn, 1);
  let top = 0;
  for (let i = 1; i < envIn.length; i++) if (envIn[i] > top) top = envIn[i];
  raw[0] = Math.min(start.rise, top);
  raw[1] = start.flux0;
  const cond = condition(raw, fps) ?? env;
  let b6: Float32Array | undefined;
  if (bands) {
    b6 = new Float32Array(bands.length + BAND_FEATURES);
    b6.set(start.bands);
    b6.set(bands, BAND_FEATURES);
  }
  const trimLocal = new Float64Array(L.length + 1);
  trimLocal.set(L, 1);
  trimLocal[0] = Math.max(L[0], L[1] ?? 0);
  // the start frame is centred on 0 s: frame f of `raw` at t0 − 1/fps + f/fps
  const t = t0 - 1 / fps;
  return trackBeats(cond, period, 100, localOf(cond, b6), 'smoothed', trimLocal).map((f) => ms(t + refineBeat(cond, f) / fps));
}

/**
 * A beat's envelope frame `f` (an integer, as trackBeats places it) moved to its onset inside the frame: around the
 * largest value `p` of frames f − 1 … f + 1 of `env` (an onset envelope, ≥ 0; frames outside it count 0), the
 * flux-weighted centre of frames p − 1, p and p + 1, kept within one frame of `f`; `f` itself where those frames hold
 * no flux. Returns a fractional frame. (A parabola through the three frames was tried on dev beside it: F@20 0.843
 * against the centre's 0.851 on the raw envelope; BENCHMARKS.md "Beats: the grid's beats to the millisecond (beats38)".)
 */
export function refineBeat(env: ArrayLike<number>, f: number): number {
  const at = (i: number) => (i >= 0 && i < env.length ? env[i] : 0);
  let p = f;
  if (at(f - 1) > at(p)) p = f - 1;
  if (at(f + 1) > at(p)) p = f + 1;
  const y0 = at(p - 1);
  const y1 = at(p);
  const y2 = at(p + 1);
  if (!(y1 > 0)) return f;
  return Math.max(f - 1, Math.min(f + 1, p + (y2 - y0) / (y0 + y1 + y2)));
}

/** Local-tempo windows of tempoSections: length and hop, seconds. */
export const SECTION_WINDOW_SEC = 12;
export const SECTION_HOP_SEC = 2;
/** Each section of a tempo change covers at least this share of the track… */
export const SECTION_MIN_SHARE = 0.25;
/** …and at least this long, seconds (five windows wholly inside it): a 30 s clip is never split. */
export const SECTION_MIN_SEC = 20;
/** Two section tempi count as different only when they differ by more than this (8 %)… */
export const SECTION_MIN_CHANGE = 0.08;
/** …and are not within this (3 %) of a metrical relative (METRICAL_RATIOS) of each other. */
export const RELATIVE_TOLERANCE = 0.03;
/** Share of a section's windows whose local tempo must agree with (be a metrical relative of) the section's tempo. */
export const SECTION_AGREEMENT = 0.7;
/** Tempo ratios a listener or a tracker confuses (octaves, triplet and dotted levels): the same tempo, metrically. */
export const METRICAL_RATIOS = [1, 2, 0.5, 3, 1 / 3, 1.5, 2 / 3, 4 / 3, 0.75, 4, 0.25] as const;

/** A local-tempo window agrees with the stated tempo when it lies within this (4 %, Acc1's tolerance) of a metrical relative of it. */
export const HOLD_TOLERANCE = 0.04;

/**
 * The share (0..1) of the local-tempo windows (localTempi: 12 s, hop 2 s; windows without a tempo left out) whose
 * tempo lies within HOLD_TOLERANCE of `bpm` times one of METRICAL_RATIOS (a window reading another metrical level of
 * the same beat agrees): how much of the track is at the stated tempo. null for fewer than 2 windows with a tempo
 * (a track under ~14 s). TempoEvidence.hold: tempoConfidence multiplies the calibrated confidence by it.
 */
export function holdShare(loc: { bpm: number | null }[], bpm: number): number | null {
  const w = loc.filter((l) => l.bpm !== null) as { bpm: number }[];
  if (w.length < 2) return null;
  const tol = Math.log(1 + HOLD_TOLERANCE);
  return w.filter((l) => METRICAL_RATIOS.some((m) => Math.abs(Math.log(l.bpm / (bpm * m))) <= tol)).length / w.length;
}

/** Whether tempi a and b (BPM) are the same up to a metrical level (METRICAL_RATIOS, within RELATIVE_TOLERANCE). */
export function metricallyRelated(a: number, b: number): boolean {
  const r = Math.log(a / b);
  return METRICAL_RATIOS.some((m) => Math.abs(r - Math.log(m)) < Math.log(1 + RELATIVE_TOLERANCE));
}

/**
 * Local tempo over time: the comb's pick with the prior (levelTempi's rel '1')
 * in SECTION_WINDOW_SEC windows every SECTION_HOP_SEC of the onset envelope;
 * `t` the window's start, seconds (envelope time, add t0 for track time);
 * bpm null for a window without onsets.
 */
export function localTempi(envIn: Float32Array, fps: number, opts: Required<TempoOptions>): { t: number; bpm: number | null }[] {
  const w = Math.round(SECTION_WINDOW_SEC * fps);
  const hop = Math.round(SECTION_HOP_SEC * fps);
  const out: { t: number; bpm: number | null }[] = [];
  for (let a = 0; a + w <= envIn.length; a += hop) {
    const p = periodicity(envIn.subarray(a, a + w), fps, opts);
    let bi = -1;
    let bw = 0;
    if (p) {
      for (let i = 0; i < p.scores.length; i++) {
        const v = p.scores[i] * priorAt(opts.minBpm + i * STEP, opts);
        if (v > bw) {
          bw = v;
          bi = i;
        }
      }
    }
    out.push({ t: a / fps, bpm: p && bi >= 0 ? refinePeak(p.scores, opts.minBpm + bi * STEP, opts) : null });
  }
  return out;
}

/** A gradual change's local tempi must lie within this (4 %) of its straight line (log tempo against time)… */
export const GRADUAL_TOLERANCE = 0.04;
/**
 * …and at most this share (half) of the windows may lie within GRADUAL_TOLERANCE of one tempo (their median), or the
 * "change" is a jittery steady pulse. So a gradual change of less than about 16 % (2 × 4 % ÷ 0.5) over the track is
 * not reported.
 */
export const GRADUAL_FLAT_MAX = 0.5;

type Local = { t: number; bpm: number | null }[];
/** the local tempi and, for every pair of windows, whether their tempi are metrical relatives (computed once per track) */
interface Windows {
  loc: Local;
  /** rel[i × n + j]: 1 when windows i and j both have a tempo and metricallyRelated says they agree */
  rel: Uint8Array;
}
/** a section's most common local tempo (up to metrical level), its agreeing local tempi, and its window count (nulls included) */
interface Mode {
  bpm: number;
  agree: number[];
  n: number;
}

function windowsOf(loc: Local): Windows {
  const n = loc.length;
  const rel = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = loc[i].bpm;
    if (a === null) continue;
    for (let j = i; j < n; j++) {
      const b = loc[j].bpm;
      if (b !== null && metricallyRelated(a, b)) rel[i * n + j] = rel[j * n + i] = 1;
    }
  }
  return { loc, rel };
}

/**
 * The most common local tempo (up to metrical level) of windows `ix`, and
 * which agree with it; null when none has a tempo. Of the tempi that as many
 * windows agree with (relatives of each other), the one most windows read at
 * that very level (within RELATIVE_TOLERANCE), so a section read mostly at
 * 150 is 150, not its relative 100.
 */
function modeOf(w: Windows, ix: number[]): Mode | null {
  const n = w.loc.length;
  let best = -1;
  let bestCount = -1;
  let bestSame = -1;
  const near = (u: number, v: number) => Math.abs(Math.log(u / v)) < Math.log(1 + RELATIVE_TOLERANCE);
  for (const i of ix) {
    const v = w.loc[i].bpm;
    if (v === null) continue;
    let count = 0;
    for (const j of ix) count += w.rel[i * n + j];
    if (count < bestCount) continue;
    let same = 0;
    for (const j of ix) if (w.rel[i * n + j] && near(w.loc[j].bpm!, v)) same++;
    if (count > bestCount || same > bestSame) [best, bestCount, bestSame] = [i, count, same];
  }
  if (best < 0) return null;
  return { bpm: w.loc[best].bpm!, agree: ix.filter((j) => w.rel[best * n + j]).map((j) => w.loc[j].bpm!), n: ix.length };
}

/** a section's tempo: its agreeing local tempi brought to the mode's metrical level, then the median */
function modeTempo(m: Mode): number {
  const lv = m.agree.map((u) => u / (METRICAL_RATIOS.find((r) => Math.abs(Math.log(u / m.bpm) - Math.log(r)) < Math.log(1 + RELATIVE_TOLERANCE)) ?? 1)).sort((x, y) => x - y);
  return lv[lv.length >> 1];
}

/** the windows wholly inside [a, b) (envelope seconds), as indices */
function windowsIn(loc: Local, a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < loc.length; i++) if (loc[i].t >= a - 1e-9 && loc[i].t + SECTION_WINDOW_SEC <= b + 1e-9) out.push(i);
  return out;
}

/**
 * The sections between `edges` (envelope seconds, ascending: the first
 * section's start, the cuts, the last one's end) when they pass every rule of
 * tempoSections with sections at least `minSec` long, with their agreement
 * (the lowest section's share of windows on its own tempo); null when one
 * fails.
 */
function sectionsAt(w: Windows, t0: number, edges: number[], minSec: number): { agree: number; sections: TempoSection[] } | null {
  const k = edges.length - 1;
  const parts: { vals: (number | null)[]; bpm: number }[] = [];
  let agree = 1;
  for (let j = 0; j < k; j++) {
    if (edges[j + 1] - edges[j] < minSec) return null;
    const ix = windowsIn(w.loc, edges[j], edges[j + 1]);
    const m = modeOf(w, ix);
    if (!m || m.agree.length / m.n < SECTION_AGREEMENT) return null;
    agree = Math.min(agree, m.agree.length / m.n);
    parts.push({ vals: ix.map((i) => w.loc[i].bpm), bpm: modeTempo(m) });
  }
  // neighbours: tempi more than SECTION_MIN_CHANGE apart and not metrical relatives, and few windows of either fit the other's tempo
  const fits = (vals: (number | null)[], t: number) => vals.filter((u) => u !== null && metricallyRelated(u, t)).length / vals.length;
  for (let j = 0; j + 1 < k; j++) {
    const [a, b] = [parts[j], parts[j + 1]];
    if (metricallyRelated(a.bpm, b.bpm) || Math.abs(Math.log(a.bpm / b.bpm)) <= Math.log(1 + SECTION_MIN_CHANGE)) return null;
    if (fits(a.vals, b.bpm) > 1 - SECTION_AGREEMENT || fits(b.vals, a.bpm) > 1 - SECTION_AGREEMENT) return null;
  }
  const at = (x: number) => Math.round((t0 + x) * 10) / 10;
  return { agree, sections: parts.map((p, j) => ({ start: j === 0 ? Math.max(0, at(edges[0])) : at(edges[j]), end: at(edges[j + 1]), bpm: Math.round(p.bpm) })) };
}

/** the sections of the whole track (0 to `dur`, envelope seconds) at `cuts`, each at least max(SECTION_MIN_SEC, SECTION_MIN_SHARE × dur ÷ changes) long */
function trackSectionsAt(w: Windows, dur: number, t0: number, cuts: number[]): { agree: number; sections: TempoSection[] } | null {
  // a quarter of the track for one change (two sections), an eighth for two changes, …; never under SECTION_MIN_SEC
  return sectionsAt(w, t0, [0, ...cuts, dur], Math.max(SECTION_MIN_SEC, (SECTION_MIN_SHARE * dur) / cuts.length));
}

/** of passing candidates in a run of neighbouring cuts, the middle one of those that agree best (windows straddling a change are left out of both sides, so every cut within a window's length of it agrees as well) */
function middleOfBest<T extends { agree: number }>(found: T[]): T {
  const top = Math.max(...found.map((f) => f.agree));
  const best = found.filter((f) => f.agree >= top - 1e-9);
  return best[(best.length - 1) >> 1];
}

/**
 * A tempo change, as DJ software flags variable-tempo tracks. Three shapes,
 * tried in this order:
 *
 * 1. Several changes (90 → 120 → 90): candidate cuts are the times where the
 *    SECTION_MIN_SEC before and after each agree with themselves and not with
 *    each other (the rules below, on that neighbourhood only); each run of
 *    candidates less than half a SECTION_WINDOW_SEC apart gives one cut (middleOfBest). Of these (the
 *    MAX_CUTS best-agreeing), the most cuts — two or more — whose sections
 *    pass the rules on their whole length; of as many, the best-agreeing.
 * 2. One change (the rule of tempo analyser 9, unchanged): every cut is tried;
 *    the best-agreeing one (middleOfBest) that passes.
 * 3. A gradual change (an accelerando, a DJ's tempo sweep): the local tempi,
 *    brought to one octave, lie on a straight line (log tempo against time;
 *    Theil–Sen fit) — at least SECTION_AGREEMENT of the windows within
 *    GRADUAL_TOLERANCE of it — that moves by more than SECTION_MIN_CHANGE
 *    over the track, and whose thirds' median tempi each move on the same way
 *    by more than a quarter of SECTION_MIN_CHANGE (a step between two close
 *    tempi fits a line too, but its middle third sits at one end's tempo).
 *    One section with `endBpm`.
 *
 * The rules of a section: at least max(SECTION_MIN_SEC, SECTION_MIN_SHARE ÷
 * changes of the track) long (a quarter for one change, an eighth for two);
 * at least SECTION_AGREEMENT of its windows' local tempi (localTempi, windows
 * wholly inside it) a metrical relative of its most common local tempo;
 * neighbouring sections' tempi more than SECTION_MIN_CHANGE apart and not
 * metrical relatives (a half-time bridge, a triplet feel or a tracker's
 * octave jump is not a change), and at most 1 − SECTION_AGREEMENT of either
 * one's windows fitting the other's tempo (a live band's drift of a few %
 * fits both).
 *
 * Returns the sections in time order (start and end in seconds of track time,
 * 0.1 s; bpm the median of the section's agreeing local tempi brought to its
 * most common level, 1 BPM), or null for a steady track (the usual answer) or
 * one under 2 × SECTION_MIN_SEC (40 s). Not found: a change between a steady
 * part and a ramp (neither shape fits the whole track), changes closer than
 * SECTION_MIN_SEC. Inputs as estimateTempo's.
 */
export function tempoSections(envIn: Float32Array, fps: number, t0: number, opts: Required<TempoOptions>, loc = localTempi(envIn, fps, opts)): TempoSection[] | null {
  const dur = envIn.length / fps;
  if (loc.length < 2 || dur < 2 * SECTION_MIN_SEC) return null;
  const w = windowsOf(loc);
  return severalChanges(w, dur, t0) ?? oneChange(w, dur, t0) ?? gradualChange(loc, dur, t0, opts);
}

/**
 * The least confidence among the step sections of a tempo change (1 when there are none: a ramp): each the
 * calibrated confidence of the tempo estimate of that section's envelope alone. A change is kept only where
 * every section's own tempo is sure (≥ MIN_CONFIDENCE); else the whole-track confidence is lowered to this value,
 * since the detection found parts that disagree and the one tempo fits the track no better than its least-sure part.
 * Every surface states a change whatever the whole-track confidence (that is the confidence of one tempo), so a
 * change is only as good as its sections: speech or a field recording with no beat at all got "Tempo: changes
 * from 132 to 92 BPM." (whole-track confidence 0.07) from local tempi that the windows' rules let through, while
 * each section of a real change (a DJ mix's two tracks, a song's half-time bridge) is music with a steady beat.
 * A ramp's one section has no steady tempo to estimate; its own rules (GRADUAL_FLAT_MAX) guard it.
 */
function leastSureSection(sections: TempoSection[], envIn: Float32Array, fps: number, t0: number, opts: Required<TempoOptions>, bands: Float32Array | undefined, tuning: LevelTuning): number {
  let least = 1;
  for (const s of sections) {
    if (s.endBpm !== undefined) continue;
    const a = Math.max(0, Math.round((s.start - t0) * fps));
    const b = Math.min(envIn.length, Math.round((s.end - t0) * fps));
    const own = estimateTempo(envIn.subarray(a, b), fps, t0 + a / fps, opts, bands?.subarray(a * BAND_FEATURES, b * BAND_FEATURES), tuning, false);
    least = Math.min(least, own.bpm === null ? 0 : own.confidence);
  }
  return least;
}

/** tempoSections' shape 1: two or more changes, or null */
function severalChanges(w: Windows, dur: number, t0: number): TempoSection[] | null {
  const { loc } = w;
  // candidate cuts: the SECTION_MIN_SEC either side pass the rules on their own
  const runs: { cut: number; agree: number }[][] = [];
  let run: { cut: number; agree: number }[] = [];
  for (let s = 1; s < loc.length; s++) {
    const cut = loc[s].t;
    const ok = cut >= SECTION_MIN_SEC && dur - cut >= SECTION_MIN_SEC ? sectionsAt(w, t0, [cut - SECTION_MIN_SEC, cut, cut + SECTION_MIN_SEC], SECTION_MIN_SEC) : null;
    // candidates less than half a window apart are one change (a window straddling it may read either tempo)
    if (ok && run.length && cut - run[run.length - 1].cut > SECTION_WINDOW_SEC / 2) {
      runs.push(run);
      run = [];
    }
    if (ok) run.push({ cut, agree: ok.agree });
  }
  if (run.length) runs.push(run);
  // at most MAX_CUTS candidates (the best-agreeing), in time order
  const cuts = runs.map((r) => middleOfBest(r)).map((c, i) => ({ ...c, i })).sort((a, b) => b.agree - a.agree).slice(0, MAX_CUTS).sort((a, b) => a.i - b.i).map((c) => c.cut);
  // the most cuts (two or more) whose sections pass on their whole length; of as many, the best-agreeing
  for (let k = cuts.length; k >= 2; k--) {
    let best: { agree: number; sections: TempoSection[] } | null = null;
    for (let mask = 0; mask < 1 << cuts.length; mask++) {
      if (popcount(mask) !== k) continue;
      const found = trackSectionsAt(w, dur, t0, cuts.filter((_, i) => mask & (1 << i)));
      if (found && (!best || found.agree > best.agree)) best = found;
    }
    if (best) return best.sections;
  }
  return null;
}

/** candidate cuts severalChanges tries in every combination (2^10 at most) */
const MAX_CUTS = 10;

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/** tempoSections' shape 2: exactly one change (every cut tried), or null */
function oneChange(w: Windows, dur: number, t0: number): TempoSection[] | null {
  const found: { agree: number; sections: TempoSection[] }[] = [];
  for (let s = 1; s < w.loc.length; s++) {
    const f = trackSectionsAt(w, dur, t0, [w.loc[s].t]);
    if (f) found.push(f);
  }
  return found.length ? middleOfBest(found).sections : null;
}

/** tempoSections' shape 3: a gradual change over the whole track, one section with endBpm, or null */
function gradualChange(loc: Local, dur: number, t0: number, opts: Required<TempoOptions>): TempoSection[] | null {
  const pts = loc.filter((l): l is { t: number; bpm: number } => l.bpm !== null).map((l) => ({ x: l.t + SECTION_WINDOW_SEC / 2, y: Math.log2(l.bpm) }));
  if (pts.length < 5 || pts.length < SECTION_AGREEMENT * loc.length) return null;
  // one octave: each local tempo doubled or halved to lie nearest the median of the three before it
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
  let ref = median(pts.slice(0, 3).map((p) => p.y));
  for (let i = 0; i < pts.length; i++) {
    pts[i].y -= Math.round(pts[i].y - ref);
    ref = median(pts.slice(Math.max(0, i - 2), i + 1).map((p) => p.y));
  }
  // Theil–Sen: the median of the pairwise slopes, then the median intercept
  const slopes: number[] = [];
  for (let i = 0; i < pts.length; i++) for (let j = i + 1; j < pts.length; j++) if (pts[j].x > pts[i].x) slopes.push((pts[j].y - pts[i].y) / (pts[j].x - pts[i].x));
  if (!slopes.length) return null;
  const slope = median(slopes);
  const icpt = median(pts.map((p) => p.y - slope * p.x));
  const tol = Math.log2(1 + GRADUAL_TOLERANCE);
  const near = pts.filter((p) => Math.abs(p.y - (icpt + slope * p.x)) <= tol).length;
  if (near < SECTION_AGREEMENT * loc.length) return null;
  // the line must explain the local tempi far better than one tempo does: a steady but jittery pulse (an irregular
  // drone pulse, a loose hand drum) scatters its local tempi around one value, and a shallow line fits them as well
  // (a drone pulsing every 1.6 s ± 5 %: 14 of 16 windows near a 142 → 159 line, 10 of 16 near one tempo; an
  // accelerando 80 → 140: 3 of 25 near one tempo)
  const flat = median(pts.map((p) => p.y));
  if (pts.filter((p) => Math.abs(p.y - flat) <= tol).length > GRADUAL_FLAT_MAX * loc.length) return null;
  // a ramp, not a step: the median tempo of each third of the windows moves the same way as the line, by more than
  // a quarter of SECTION_MIN_CHANGE each time (a step leaves the middle third at one of the ends' tempi)
  const third = (k: number) => median(pts.slice(Math.floor((k * pts.length) / 3), Math.floor(((k + 1) * pts.length) / 3)).map((p) => p.y));
  const [m1, m2, m3] = [third(0), third(1), third(2)];
  const least = Math.log2(1 + SECTION_MIN_CHANGE / 4);
  const dir = Math.sign(slope);
  if (!((m2 - m1) * dir > least && (m3 - m2) * dir > least)) return null;
  // the line's tempo at the track's first and last second, at the octave whose middle lies nearest the tempo prior's centre
  // (the local comb reads a ramp at one octave throughout, but which one is the comb's choice)
  const mid = icpt + (slope * dur) / 2;
  const shift = Math.round(mid - Math.log2(opts.priorBpm));
  const from = 2 ** (icpt - shift);
  const to = 2 ** (icpt - shift + slope * dur);
  if (Math.abs(Math.log(to / from)) <= Math.log(1 + SECTION_MIN_CHANGE)) return null;
  const at = (x: number) => Math.round((t0 + x) * 10) / 10;
  return [{ start: Math.max(0, at(0)), end: at(dur), bpm: Math.round(from), endBpm: Math.round(to) }];
}

/** log(e^best ÷ Σ e^others), clamped to ±6; 4 when there are no others (nothing to confuse it with). */
function logOdds(best: number, others: number[]): number {
  if (!others.length) return 4;
  const m = Math.max(best, ...others);
  const lse = m + Math.log(others.reduce((s, v) => s + Math.exp(v - m), 0));
  return Math.max(-6, Math.min(6, best - lse));
}

/**
 * The inputs of the calibrated tempo confidence (confidence.ts, TempoEvidence) from
 * estimateTempo's own intermediate values: the periodicity, the levels of step one and
 * the chosen one, the octave decision's log-odds, the tracked beats (frames) at `period`,
 * the mean onset flux and the final tempo.
 */
function tempoEvidence(p: Periodicity, opts: Required<TempoOptions>, tempi: LevelTempo[], level: LevelTempo, octave: number, beatFrames: number[], period: number, meanFlux: number, bpm: number, seconds: number, hold: number): TempoEvidence {
  const { ac, acAt } = p;
  const pulse = Math.max(0, Math.min(1, Math.max(acAt(period), acAt(2 * period)) / ac[0]));
  // two simpler rules that err differently: the comb's own pick with the prior, and comb × prior's octave of the chosen level
  const same = (b: number) => Math.abs(b - bpm) <= 0.04 * bpm;
  const comb = tempi.find((l) => l.rel === '1');
  const agree = (comb && same(comb.bpm) ? 1 : 0) + (same(chooseOctave(p, opts, level.bpm)) ? 1 : 0);
  const lscore = (l: LevelTempo) => Math.log(Math.max(l.salience, 1e-6)) + Math.log(Math.max(l.dft, 1e-6));
  const octaveOf = (b: number) => [0.5, 1, 2].some((f) => Math.abs(b - level.bpm * f) <= 0.04 * level.bpm * f);
  const rivals = tempi.filter((l) => !octaveOf(l.bpm)).map(lscore);
  const levelMargin = rivals.length ? Math.max(-6, Math.min(6, lscore(level) - Math.max(...rivals))) : 4;
  let ok = 0;
  for (let i = 1; i < beatFrames.length; i++) if (Math.abs(beatFrames[i] - beatFrames[i - 1] - period) <= 0.1 * period) ok++;
  const steady = beatFrames.length > 1 ? ok / (beatFrames.length - 1) : 0;
  // the conditioned envelope (unit RMS): its mean is small for sparse, sharp onsets and near 1 for a smooth swell (a drone's beating partials)
  const env = p.env;
  let mean = 0;
  for (let i = 0; i < env.length; i++) mean += env[i];
  mean /= env.length;
  // onset strength at the tracked beats (the strongest frame within ±1) ÷ the envelope's mean
  let atBeats = 0;
  for (const b of beatFrames) atBeats += Math.max(env[b - 1] ?? 0, env[b] ?? 0, env[b + 1] ?? 0);
  const lock = beatFrames.length && mean > 0 ? Math.log(Math.max(atBeats / beatFrames.length / mean, 1e-3)) : 0;
  // a bar repeats: the normalised autocorrelation at 3 and 4 beat periods (speech's syllables recur at a rate, not bar after bar)
  // (conf12) over the bar lengths that fit in the autocorrelation (all of them from ~6 s of audio on); none: nothing measured, 1
  const barLags = [3 * period, 4 * period].filter((l) => l < ac.length - 1);
  const repeat = barLags.length ? Math.max(0, Math.min(1, barLags.reduce((t, l) => t + acAt(l), 0) / barLags.length / ac[0])) : 1;
  return { pulse, repeat, logPulse: Math.log(Math.max(pulse, 0.01)), agree, smooth: mean, lock, octave, level: levelMargin, steady, flux: Math.log(Math.max(meanFlux, 1e-3)), extreme: Math.abs(Math.log2(bpm / 120)), brief: briefOf(seconds), fewBeats: Math.max(0, Math.log2(FULL_BEATS / Math.max(1, beatFrames.length))), hold };
}


/**
 * Meter from beat-synchronous features: per beat, the strongest onset flux in
 * three band groups (bass, middle, treble) at the beat (±2 frames) and between
 * it and the next beat, and each group's loudest log energy at the beat. A bar's pattern repeats after a bar: 3 when the
 * features differ less between beats 3 apart than between beats 4 apart (mean
 * absolute difference, each band group scaled by its mean at the beats), 4 when the reverse,
 * null when the two are within 10 % (an even pulse has no bar). `bands`:
 * BAND_FEATURES values per envelope frame (TempoAnalyser). null for under MIN_METER_BEATS (24) beats.
 */
export function beatSyncMeter(bands: Float32Array, beats: number[]): 3 | 4 | null {
  const d = beatDiffs(bands, beats);
  return d ? meterOf(d) : null;
}

/** 3 or 4 from beatDiffs; null when neither bar length repeats clearly better (within 10 %: an even pulse has no bar) */
export function meterOf(d: number[]): 3 | 4 | null {
  if (Math.abs(d[3] - d[4]) <= 0.1 * Math.max(d[3], d[4])) return null;
  return d[3] < d[4] ? 3 : 4;
}

/**
 * Mean absolute difference of the beat-synchronous features (beatSyncMeter)
 * between beats 1, 2, 3 and 4 apart (index = lag; index 0 unused); null for
 * under MIN_METER_BEATS beats.
 */
export function beatDiffs(bands: Float32Array, beats: number[]): number[] | null {
  const nb = beats.length;
  if (nb < MIN_METER_BEATS) return null;
  const S = BAND_FEATURES;
  const frames = bands.length / S;
  const D = 9;
  const v = new Float64Array(nb * D);
  for (let i = 0; i < nb; i++) {
    const b = beats[i];
    const d = i + 1 < nb ? beats[i + 1] - b : i > 0 ? b - beats[i - 1] : 8;
    for (let g = 0; g < 3; g++) {
      let on = 0;
      let level = -Infinity;
      for (let f = Math.max(0, b - 2); f <= Math.min(frames - 1, b + 2); f++) {
        on = Math.max(on, bands[S * f + g]);
        level = Math.max(level, bands[S * f + 3 + g]);
      }
      let off = 0;
      for (let f = Math.max(0, b + 3); f <= Math.min(frames - 1, b + d - 3); f++) off = Math.max(off, bands[S * f + g]);
      v[i * D + g] = on;
      v[i * D + 3 + g] = off;
      v[i * D + 6 + g] = Number.isFinite(level) ? level : 0;
    }
  }
  // flux: each band group scaled by its mean strength at the beats (the between-beat feature
  // of a group with the same scale, so a near-silent one stays near 0 instead of amplifying
  // noise); level: natural-log energy at the beat, its mean over the beats removed (an accent
  // is a louder beat, which the log flux of a click from silence hardly shows)
  for (let g = 0; g < 3; g++) {
    let m = 0;
    let ml = 0;
    for (let i = 0; i < nb; i++) {
      m += v[i * D + g];
      ml += v[i * D + 6 + g];
    }
    m /= nb;
    ml /= nb;
    for (let i = 0; i < nb; i++) {
      if (m > 0) {
        v[i * D + g] /= m;
        v[i * D + 3 + g] /= m;
      }
      v[i * D + 6 + g] -= ml;
    }
  }
  const diff = (lag: number) => {
    let s = 0;
    let n = 0;
    for (let i = 0; i + lag < nb; i++) {
      for (let k = 0; k < D; k++) s += Math.abs(v[i * D + k] - v[(i + lag) * D + k]);
      n++;
    }
    return s / n;
  };
  return [0, diff(1), diff(2), diff(3), diff(4)];
}

/**
 * Meter: 3 (triple) or 4 (duple: 2/4, 4/4 and compound 6/8 counted in dotted
 * quarters read as 4) beats per bar, from which bar length repeats the onset
 * pattern better: the mean envelope autocorrelation at multiples of 3 beats
 * against multiples of 4 beats, each taken relative to the lags half a beat
 * either side (so a pulse that is merely regular favours neither). Accented
 * downbeats, a bass note or a chord change per bar, a drum pattern one bar
 * long all raise the autocorrelation at the bar's multiples. null when the
 * envelope is too short to hold two bars of either length.
 */
export function beatsPerBar(acAt: (lag: number) => number, period: number, maxLag: number): 3 | 4 | null {
  const score = (m: number): number | null => {
    let s = 0;
    let n = 0;
    for (let k = 1; (k * m + 0.5) * period < maxLag; k++) {
      const l = k * m * period;
      s += acAt(l) - 0.5 * (acAt(l - period / 2) + acAt(l + period / 2));
      n++;
    }
    return n >= 1 ? s / n : null;
  };
  const s3 = score(3);
  const s4 = score(4);
  if (s3 === null || s4 === null) return null;
  return s3 > s4 ? 3 : 4;
}

/** the comb's grid, BPM */
export const STEP = 0.1;

function priorAt(bpm: number, opts: Required<TempoOptions>): number {
  const oct = Math.log2(bpm / opts.priorBpm) / opts.priorOctaves;
  return Math.exp(-0.5 * oct * oct);
}

/** Parabolic refinement of a peak of `scores` (0.1 BPM grid from opts.minBpm). */
function refinePeak(scores: Float64Array, bpm: number, opts: Required<TempoOptions>): number {
  const bi = Math.round((bpm - opts.minBpm) / STEP);
  if (bi > 0 && bi < scores.length - 1) {
    const a = scores[bi - 1];
    const b = scores[bi];
    const c = scores[bi + 1];
    const d = a - 2 * b + c;
    if (d < 0) return bpm + (STEP * 0.5 * (a - c)) / d;
  }
  return bpm;
}

/** The onset envelope's periodicity (exported for tools/eval/tempo-explore.ts). */
export interface Periodicity {
  /** baseline-removed, rectified, unit-RMS onset envelope */
  env: Float64Array;
  /** autocorrelation of env (mean removed), lags 0..maxLag frames */
  ac: Float64Array;
  acAt: (lag: number) => number;
  /** comb score (AC at lags ×1..4, weights 1/k, clipped at 0) per 0.1 BPM from opts.minBpm, no prior */
  scores: Float64Array;
}

/** Envelope conditioning, autocorrelation and comb; null for under 4 s or a mean flux below MIN_ONSET_FLUX. */
export function periodicity(envIn: Float32Array, fps: number, opts: Required<TempoOptions>, minFlux = MIN_ONSET_FLUX): Periodicity | null {
  const n = envIn.length;
  if (n < fps * 4) return null;
  let meanFlux = 0;
  for (let i = 0; i < n; i++) meanFlux += envIn[i];
  if (!(meanFlux / n >= minFlux) || !(meanFlux > 0)) return null;
  const env = condition(envIn, fps);
  if (!env) return null;
  return autocorrelate(env, fps, opts);
}

/** The onset envelope with a slow baseline (1 s moving average) removed, half-wave rectified, at unit RMS; null when all zero. */
export function condition(envIn: Float32Array, fps: number): Float64Array | null {
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

/** Autocorrelation and comb of a conditioned envelope (periodicity); null when it has no variance. */
export function autocorrelate(env: Float64Array, fps: number, opts: Required<TempoOptions>): Periodicity | null {
  const n = env.length;
  // Autocorrelation of the mean-removed envelope.
  const mean = env.reduce((s, v) => s + v, 0) / n;
  const maxLag = Math.min(n - 1, Math.ceil((60 * fps * 4) / opts.minBpm) + 2);
  const ac = new Float64Array(maxLag + 1);
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = env[i] - mean;
  for (let l = 0; l <= maxLag; l++) {
    let s = 0;
    for (let i = l; i < n; i++) s += z[i] * z[i - l];
    ac[l] = s / (n - l);
  }
  if (!(ac[0] > 0)) return null;
  const acAt = (lag: number) => {
    if (lag >= maxLag) return 0;
    const i = Math.floor(lag);
    const f = lag - i;
    return ac[i] * (1 - f) + ac[i + 1] * f;
  };
  const count = Math.floor((opts.maxBpm - opts.minBpm) / STEP + 1e-6) + 1;
  const scores = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const L = (60 * fps) / (opts.minBpm + i * STEP);
    let s = 0;
    for (let k = 1; k <= 4; k++) s += acAt(k * L) / k;
    scores[i] = Math.max(0, s);
  }
  return { env, ac, acAt, scores };
}

/** The comb's local maximum within ±3 % of `bpm`, refined (bpm unchanged outside the range). */
export function combPeakNear(scores: Float64Array, bpm: number, opts: Required<TempoOptions>): number {
  const j = Math.round((bpm - opts.minBpm) / STEP);
  const r = Math.round((0.03 * bpm) / STEP);
  let jb = Math.min(scores.length - 1, Math.max(0, j));
  for (let k = Math.max(0, j - r); k <= Math.min(scores.length - 1, j + r); k++) if (scores[k] > scores[jb]) jb = k;
  return refinePeak(scores, opts.minBpm + jb * STEP, opts);
}

/**
 * The octave of a chosen level: of `bpm`, half and twice it (each at the
 * comb's local maximum, inside [minBpm, maxBpm]), the one with the largest
 * comb score × tempo prior — the rule the comb's own pick follows, which
 * decides between a level and its double or half as well as it did before
 * (issue 11: its misses there are half tempo of fast tracks), and which the
 * Fourier tempogram cannot (every faster multiple shows in it too).
 */
function chooseOctave(p: Periodicity, opts: Required<TempoOptions>, bpm: number): number {
  const { scores } = p;
  let best = bpm;
  let bs = -1;
  for (const f of [0.5, 1, 2]) {
    if (bpm * f < opts.minBpm || bpm * f > opts.maxBpm) continue;
    const b = f === 1 ? bpm : combPeakNear(scores, bpm * f, opts);
    const j = Math.min(scores.length - 1, Math.max(0, Math.round((b - opts.minBpm) / STEP)));
    const sc = scores[j] * priorAt(b, opts);
    if (sc > bs) {
      bs = sc;
      best = b;
    }
  }
  return best;
}

/** A metrical level's tempo and the evidence for it that needs no beat tracking (levelTempi). */
export interface LevelTempo {
  rel: string;
  bpm: number;
  /** comb score without prior ÷ the best comb score in the range */
  salience: number;
  /** the log-normal tempo prior at bpm (0..1) */
  prior: number;
  /** Fourier tempogram at bpm (fourierTempo) */
  dft: number;
}

/**
 * The comb's pick with the prior (rel '1'), and the levels at 1/3, 1/2, 2/3,
 * 3/2, 2 and 3 times its tempo inside [minBpm, maxBpm], each moved to the
 * comb's local maximum within ±3 %; with their comb salience, prior and
 * Fourier tempogram. Empty when the comb has no positive score.
 */
export function levelTempi(p: Periodicity, fps: number, opts: Required<TempoOptions>, dftWindowSec = DFT_WINDOW_SEC): LevelTempo[] {
  const { env, scores } = p;
  let top = 0;
  let bi = 0;
  let bw = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] > top) top = scores[i];
    const w = scores[i] * priorAt(opts.minBpm + i * STEP, opts);
    if (w > bw) {
      bw = w;
      bi = i;
    }
  }
  if (!(bw > 0)) return [];
  const base = refinePeak(scores, opts.minBpm + bi * STEP, opts);
  const out: LevelTempo[] = [];
  for (const [rel, f] of LEVELS) {
    let bpm = base * f;
    if (bpm < opts.minBpm || bpm > opts.maxBpm) continue;
    if (rel !== '1') {
      const j = Math.round((bpm - opts.minBpm) / STEP);
      const r = Math.round((0.03 * bpm) / STEP);
      let jb = j;
      for (let k = Math.max(0, j - r); k <= Math.min(scores.length - 1, j + r); k++) if (scores[k] > scores[jb]) jb = k;
      bpm = refinePeak(scores, opts.minBpm + jb * STEP, opts);
    }
    const j = Math.min(scores.length - 1, Math.max(0, Math.round((bpm - opts.minBpm) / STEP)));
    out.push({ rel, bpm, salience: top > 0 ? scores[j] / top : 0, prior: priorAt(bpm, opts), dft: fourierTempo(env, fps, bpm, dftWindowSec) });
  }
  return out;
}

const LEVELS = [['1/3', 1 / 3], ['1/2', 0.5], ['2/3', 2 / 3], ['3/4', 0.75], ['1', 1], ['4/3', 4 / 3], ['3/2', 1.5], ['2', 2], ['3', 3]] as const;

/**
 * The metrical-level choice's few parameters, chosen on the development set
 * (`tools/eval/dev-cache.ts --tune`: dev tempo Acc1 0.731 → 0.779, Acc2 0.894
 * → 0.942 against the comb's pick; the same choice is best, or tied, on
 * either half of dev by source). The shipped rule: no prior in the level
 * step, a 30 s Fourier window (fine enough to keep 4/3 of a 60 BPM beat off
 * the bar's harmonics), then the octave by OCTAVE_MODEL (tempo analyser v6;
 * v5 chose it by comb × prior: `octaveModel: undefined`); since v13 by the
 * learned chooser (octave-net.ts; `octaveNet`).
 */
export interface LevelTuning {
  /** weight of the tempo prior against the two periodicity measures in chooseLevel */
  priorWeight: number;
  /** Fourier tempogram window, seconds */
  dftWindowSec: number;
  /** then choose the octave of that level by comb × prior (chooseOctave) */
  octave: boolean;
  /** report the comb's pick with the prior as it is (the rule shipped before this choice; for comparison in tools/eval) */
  comb?: boolean;
  /** instead of comb × prior, choose the octave by this linear score over OCTAVE_FEATURES (octaveScore; tools/eval/octave-train.ts fits it) */
  octaveModel?: readonly number[];
  /** instead of both, choose the octave by the learned chooser with these weights (octave-net.ts; tools/eval/octave-net.ts) */
  octaveNet?: OctaveNetWeights;
  /** with octaveModel: halve its pick where comb × prior chose the half and the backbeat cue reaches this strength (backbeat.ts backbeatOctave; undefined: off) */
  backbeat?: number;
  /**
   * instead of every octave rule above, the tempogram net (tempo-net.ts, weights tempo-net-weights.ts TEMPO_NET): the
   * tempo among step one's level T × 1/3, 1/2, 1, 2, 3 inside the net's validBpm (30–320 BPM) with the highest ensemble
   * log-probability; TempoEvidence.octave is then the log-odds of that pick against the other candidates. Unset (off)
   * in LEVEL_TUNING: BENCHMARKS.md "Tempo: the tempogram net in the analyser (tnet18)"
   */
  tempoNet?: TempoNetWeights;
  /**
   * with octaveNet: add the tempogram net's ensemble log-probability at each of the chooser's candidates (T/2, T, 2T;
   * tempo-net.ts tempoNetScoresAt, the fractional bin's linear interpolation) to the chooser's logit and take the
   * argmax (product of experts: tempo-net.ts productOfExperts; a candidate reading a bin outside validBpm cannot win,
   * all of them there: the chooser's pick); TempoEvidence.octave stays the chooser's log-odds of that pick against the
   * other candidates, the beats are tracked at the pick. Decision19's arm P3, the Python tools/eval/poe-score.py
   * picks_of 'P3'; BENCHMARKS.md "temponet18: product of experts (poe18)" and "Tempo: product of experts in the
   * analyser (poe19, decision19)". No parameter of its own. In LEVEL_TUNING (tempo analyser 17) with tempoNetGate.
   */
  tempoNetExpert?: TempoNetWeights;
  /**
   * with tempoNetExpert: the net votes only on tracks where the octave chooser is unsure — where the chooser's log-odds
   * of its own pick (natural log, logit of the pick against the log-sum-exp of the other candidates' logits, clamped to
   * ±6; the same figure as TempoEvidence.octave when the chooser's pick stands) is below this; elsewhere the chooser's
   * pick stands and the net's step is not computed (its CPU is paid only on those tracks). Unset: the net votes
   * everywhere (P3). Decision20's arm P4 (θ from its grid 0.25–3, +∞, chosen by tools/eval/poe-check.ts --sweep on the
   * development-side sets): BENCHMARKS.md "Tempo: the net votes where the chooser is unsure (poe20, decision20)".
   * In LEVEL_TUNING (tempo analyser 17): 2.5 with TEMPO_NET = N5, decision21's arm P5 — BENCHMARKS.md "Tempo: the net
   * retrained with drum patterns (tnet21, decision21)".
   */
  tempoNetGate?: number;
  /**
   * The beat grid's phase: the final beats (after the octave is chosen) are tracked on the onset envelope's local score
   * plus this × the frames' energy (beatEnergyLocal), so the beats land on the loud onsets (the kick) rather than on
   * the off-beat hi-hat and bass that weigh as much in the log band flux. Unset: the envelope alone (tempo analyser
   * ≤ 18). In LEVEL_TUNING (tempo analyser 19): 2, chosen on dev + dev2 by the beat F-measure where the tempo is right
   * (0.865 → 0.907) and judged once on test (0.955 → 0.966, 1 file fixed, none broken): decision30b, BENCHMARKS.md
   * "Beats: the beat grid's beats against the written beats". Only TempoResult.beats change: the tempo, its fit, the
   * meter and the confidence keep the envelope's own beats.
   */
  beatEnergy?: number;
}
/**
 * The octave decision's weights over OCTAVE_FEATURES (a conditional logit: the candidate with the
 * largest weights · features wins), fitted by tools/eval/octave-train.ts (`--subset 11 --final 11`)
 * on 194 renders that are not the test set (dev 104, tempo-synth 22, tempo-octave 68): the comb ×
 * prior rule's terms (z, z², log comb) refitted, the Fourier tempogram, and the bass band's onset
 * rate (z × log2(bass onsets/s ÷ 2): a kick or bass line that plays more notes per second moves the
 * prior towards faster tempi, a ballad's sparse bass under busy hi-hats towards slower). Grouped
 * 5-fold cross-validation by groove family: Acc1 0.773 against comb × prior's 0.711 (dev 0.760 vs
 * 0.779, tempo-synth 0.864 vs 0.591, tempo-octave 0.765 vs 0.647): it fixes fast tracks read at half
 * tempo and ballads read at double, and reads some moderate tracks with an eighth-note bass (8beat,
 * game MIDIs at 90–100) at double. Since the live-played game MIDIs lost their tempo truth (dev 98
 * files with an octave-exact truth; tools/eval/build-set.ts LIVE_PLAYED_MIDI): CV 0.782 (dev 0.806,
 * tempo-synth 0.773, tempo-octave 0.750); these weights get dev 80/98, a refit on the corrected
 * truth the same 80 (one more tempo-octave file), so they stay. Features tried since and not kept
 * (tools/eval/tempo-explore.ts): the tracker's lock at each candidate, the bass band's tempogram,
 * backbeat, half-beat strength (CV 0.777–0.787).
 */
export const OCTAVE_MODEL: readonly number[] = [0.1138, -2.379, 1.916, -0.3036, 2.382];
/** The rule shipped before the learned chooser (tempo analyser ≤ 12): the octave by OCTAVE_MODEL. */
export const LEVEL_TUNING_OCTAVE_MODEL: LevelTuning = { priorWeight: 0, dftWindowSec: 30, octave: true, octaveModel: OCTAVE_MODEL };
/**
 * The shipped rule: the octave by the learned chooser (octave-net.ts, OCTAVE_NET; tempo analyser 13), and where its
 * log-odds of its pick is under 2.5 the tempogram net (TEMPO_NET, N5) as a second expert (tempo analyser 17, decision21
 * arm P5).
 */
export const LEVEL_TUNING: LevelTuning = { ...LEVEL_TUNING_OCTAVE_MODEL, octaveNet: OCTAVE_NET,
  // read on first use: the weights are parsed only where a tempo is analysed (tempo-net-weights.ts)
  get tempoNetExpert() {
    return tempoNetWeights();
  },
  tempoNetGate: 2.5,
  beatEnergy: 2,
};

/** The octave chooser's band inputs: the low, mid and high band groups' flux (BAND_FEATURES columns 0–2), each conditioned as the onset envelope. */
export function octaveNetInputs(bands: Float32Array, fps: number): (Float64Array | null)[] {
  const nf = Math.floor(bands.length / BAND_FEATURES);
  return [0, 1, 2].map((g) => conditionedColumn(bands, nf, g, fps));
}

/**
 * Column g of `bands` (nf frames of BAND_FEATURES values) as a Float32Array, conditioned as the onset envelope
 * (condition). A module-level function rather than the body of octaveNetInputs' map callback: a closure made per call
 * lost its optimised code (condition inlined) at each major GC and was compiled again, ~18 times per worker over 55
 * tracks (BENCHMARKS.md "Throughput (speed28)").
 */
function conditionedColumn(bands: Float32Array, nf: number, g: number, fps: number): Float64Array | null {
  const e = new Float32Array(nf);
  for (let i = 0; i < nf; i++) e[i] = bands[BAND_FEATURES * i + g];
  return condition(e, fps);
}

/**
 * Step one of the level choice, among the comb's pick and its 1/3, 1/2, 2/3,
 * 3/4, 4/3, 3/2, 2 and 3 multiples: the one with the largest comb salience ×
 * Fourier tempogram × prior^priorWeight (shipped: weight 0, no prior). The comb
 * (autocorrelation at the period and its multiples) cannot tell a level from
 * its slower multiples, the Fourier tempogram (energy at the frequency, which
 * every faster multiple also shows) cannot tell it from its faster ones; a
 * level that is neither a multiple nor a division of the beat (4/3, 2/3 of
 * the tempo) scores low in the Fourier tempogram because the beats fall off
 * its grid. Their product peaks where both agree (Peeters 2007, who
 * multiplies a DFT with a frequency-mapped autocorrelation). The product is
 * still biased to the faster of a level and its double (a pulse train's DFT is
 * as large at twice its rate), so step two (chooseOctave) picks the octave.
 */
export function chooseLevel<T extends LevelTempo>(levels: T[], priorWeight: number): T {
  const score = (l: LevelTempo) => Math.log(Math.max(l.salience, 1e-6)) + Math.log(Math.max(l.dft, 1e-6)) + priorWeight * Math.log(Math.max(l.prior, 1e-6));
  let best = levels[0];
  for (const l of levels) if (score(l) > score(best)) best = l;
  return best;
}

/** length of the Fourier tempogram's windows, seconds (half overlapping; the whole envelope when shorter) */
export const DFT_WINDOW_SEC = 16;

/**
 * Fourier tempogram (Grosche & Müller 2011) at one tempo: the magnitude of
 * the Hann-windowed DFT of the onset envelope at `bpm`/60 Hz, averaged over
 * half-overlapping DFT_WINDOW_SEC windows, divided by the window's sum and
 * the envelope's mean (so 1 is a pure pulse train at that tempo, ≈ 0 no
 * energy there). Unlike the autocorrelation, which peaks at every multiple of
 * the period (slower levels), it peaks at every multiple of the frequency
 * (faster levels): the two err in opposite directions.
 */
export function fourierTempo(env: Float64Array, fps: number, bpm: number, windowSec = DFT_WINDOW_SEC): number {
  const n = env.length;
  const W = Math.min(n, Math.round(windowSec * fps));
  const hop = Math.max(1, Math.floor(W / 2));
  const w = (2 * Math.PI * bpm) / 60 / fps;
  const cw = Math.cos(w);
  const sw = Math.sin(w);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += env[i];
  mean /= n;
  if (!(mean > 0)) return 0;
  let total = 0;
  let count = 0;
  let wsum = 0;
  const hw = new Float64Array(W);
  for (let i = 0; i < W; i++) wsum += hw[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / W);
  for (let a = 0; a + W <= n; a += hop) {
    let re = 0;
    let im = 0;
    let c = 1;
    let s = 0;
    for (let i = 0; i < W; i++) {
      const v = env[a + i] * hw[i];
      re += v * c;
      im -= v * s;
      const c2 = c * cw - s * sw;
      s = s * cw + c * sw;
      c = c2;
    }
    total += Math.hypot(re, im) / wsum;
    count++;
  }
  return count ? total / count / mean : 0;
}

/** fewer beats than this (6 bars of 4) give no meter: the differences are too noisy */
export const MIN_METER_BEATS = 24;

/** Onset envelope smoothed by a Gaussian of σ = period/32 (the beat tracker's local score). */
export function smoothEnv(env: Float64Array, period: number): Float64Array {
  const n = env.length;
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
  return local;
}

/**
 * trackBeats' local score for the beat grid's phase: smoothEnv(env, period) plus `weight` × each frame's energy — the sum
 * over the three band groups of exp(their natural-log energy), BAND_FEATURES columns 3–5 — scaled so that its mean is
 * `weight` × the local score's mean. `env`: the conditioned onset envelope (frames); `bands`: BAND_FEATURES values per
 * frame; `period`: the beat period, frames. The log band flux weighs an off-beat hi-hat or bass note as much as the kick;
 * energy does not, so the dynamic programme's phase follows the loud onsets, as QM-DSP's complex spectral difference and
 * essentia's degara do (BENCHMARKS.md "Beats: the beat grid's beats against the written beats"). A silent band feature
 * track (all energy 0) leaves the local score as it is.
 */
export function beatEnergyLocal(env: Float64Array, bands: Float32Array, period: number, weight: number): Float64Array {
  const local = smoothEnv(env, period);
  const S = BAND_FEATURES;
  const n = Math.min(local.length, Math.floor(bands.length / S));
  const e = new Float64Array(local.length);
  let sumE = 0;
  let sumL = 0;
  for (let f = 0; f < n; f++) {
    e[f] = Math.exp(bands[S * f + 3]) + Math.exp(bands[S * f + 4]) + Math.exp(bands[S * f + 5]);
    sumE += e[f];
  }
  for (let f = 0; f < local.length; f++) sumL += local[f];
  if (!(sumE > 0)) return local;
  const k = (weight * sumL) / sumE;
  for (let f = 0; f < local.length; f++) local[f] += k * e[f];
  return local;
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

/**
 * How trackBeats trims the beats at either end of its path (silence or a beatless intro before the music, silence after
 * it): each end's beats are dropped while their strength is under half the RMS of all the beats' strengths, a beat's
 * strength being its local score. 'beat' (the tempo's own tracking: the meter, the period fit and the calibrated
 * confidence's evidence were fitted on it): the beat's own local score. 'smoothed' (the beat grid's beats, tempo 20):
 * the mean of its and its neighbours' local scores weighted ½, 1, ½ (those that exist: the first and last beats have
 * one neighbour) — librosa's `beat.__trim_beats` (0.10: the strengths convolved with a 5-point Hann window, zeros at
 * its ends, 'same'; threshold ½ the RMS) with the window's weights renormalised at the ends instead of the zero padding
 * that makes the first beat look weak. A groove's unaccented beats (beat 2 with no kick) are weak alone but not among
 * strong neighbours, so the grid no longer starts one to three beats late (session 37: 29 of 77 dev renders with the
 * tempo right), and a beatless intro's few weak onsets no longer hold up a run of beats before the music.
 */
export type BeatTrim = 'beat' | 'smoothed';

/**
 * Ellis (2007) dynamic-programming beat tracker on an onset envelope with a
 * known period (frames). `local`: smoothEnv(env, period) when the caller has
 * it already (it is the tracker's local score). Returns the beats' envelope
 * frames, ascending, the ends trimmed by `trim` (BeatTrim) on the strengths of
 * `trimLocal` (one value per frame of `env`; `local` unless the caller keeps
 * the trim on another envelope's score: the beat grid's start frame, gridBeats).
 */
export function trackBeats(env: Float64Array, period: number, tightness = 100, local: Float64Array = smoothEnv(env, period), trim: BeatTrim = 'beat', trimLocal: Float64Array = local): number[] {
  const n = env.length;
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
  // Trim weak beats at both ends (silence before/after the music): BeatTrim.
  const own = beats.map((b) => trimLocal[b]);
  const strength = trim === 'beat' ? own : own.map((v, i) => (0.5 * (own[i - 1] ?? 0) + v + 0.5 * (own[i + 1] ?? 0)) / (1 + (i > 0 ? 0.5 : 0) + (i + 1 < own.length ? 0.5 : 0)));
  const rmsB = Math.sqrt(strength.reduce((s, v) => s + v * v, 0) / strength.length);
  let a = 0;
  let b = beats.length;
  while (a < b && strength[a] < 0.5 * rmsB) a++;
  while (b > a && strength[b - 1] < 0.5 * rmsB) b--;
  return beats.slice(a, b);
}

/**
 * Names of the octave decision's features, per candidate tempo b (the level of
 * step one, its half and its double): exactly those OCTAVE_MODEL weighs.
 * tools/eval/tempo-explore.ts appends the features tried and not kept
 * (octave-train.ts cross-validates them).
 */
export const OCTAVE_FEATURES = [
  'z', // log2(b / 120): the prior's slope
  'z²', // its width
  'log comb', // log comb salience at b (autocorrelation at 1–4 periods)
  'log dft', // log Fourier tempogram at b
  'z·bass density', // z × log2(bass-band onsets per second ÷ 2): kick and bass line mostly play the beat, hi-hats and arpeggios subdivide it
] as const;

/** One octave candidate for the octave decision: its tempo and OCTAVE_FEATURES values. */
export interface OctaveCandidate {
  bpm: number;
  features: number[];
}

/** The learned octave score: weights · features (weights in OCTAVE_FEATURES order). */
export function octaveScore(features: number[], weights: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += weights[i] * features[i];
  return s;
}

/**
 * The octave candidates of an onset envelope (estimateTempo's step one, then
 * its level's half and double inside [minBpm, maxBpm]; no half where the
 * beats at the level group in threes, beatSyncMeter) with their
 * OCTAVE_FEATURES, for tools/eval/octave-train.ts; null where there is no tempo.
 */
export function octaveCandidates(envIn: Float32Array, fps: number, opts: Required<TempoOptions>, bands?: Float32Array, tuning: LevelTuning = LEVEL_TUNING): OctaveCandidate[] | null {
  const p = periodicity(envIn, fps, opts);
  if (!p) return null;
  const tempi = levelTempi(p, fps, opts, tuning.dftWindowSec);
  if (!tempi.length) return null;
  return octaveCandidatesOf(p, fps, opts, chooseLevel(tempi, tuning.priorWeight).bpm, bands).cands;
}

/**
 * Onset density: local maxima of a conditioned envelope (condition) above its
 * RMS (1), at least 50 ms apart, per second (at least 0.25).
 */
export function onsetRate(e: Float64Array, fps: number): number {
  let peaks = 0;
  let lastPeak = -1e9;
  const gap = Math.round(0.05 * fps);
  for (let i = 1; i + 1 < e.length; i++)
    if (e[i] > 1 && e[i] > e[i - 1] && e[i] >= e[i + 1] && i - lastPeak >= gap) {
      peaks++;
      lastPeak = i;
    }
  return Math.max(peaks / (e.length / fps), 0.25);
}

/**
 * The tempi of the octave candidates of a level `bpm` (itself, and its half and double at the
 * comb's local maximum, inside [minBpm, maxBpm]; no half in a triple meter, where half the beat is
 * no metrical level) with the beats tracked at `bpm` (envelope frames) and the meter test's
 * outcome; tools/eval/tempo-explore.ts computes its extra features on the same.
 */
export function octaveTempi(p: Periodicity, fps: number, opts: Required<TempoOptions>, bpm: number, bands?: Float32Array, factors: readonly number[] = OCTAVE_FACTORS): { tempi: number[]; beats: number[]; local: Float64Array } {
  const local = smoothEnv(p.env, (60 * fps) / bpm);
  const beats = trackBeats(p.env, (60 * fps) / bpm, 100, local);
  const d = bands ? beatDiffs(bands, beats) : null;
  const triple = d ? meterOf(d) === 3 : false;
  const tempi: number[] = [];
  for (const f of factors) {
    if (bpm * f < opts.minBpm || bpm * f > opts.maxBpm || (f === 0.5 && triple)) continue;
    tempi.push(f === 1 ? bpm : combPeakNear(p.scores, bpm * f, opts));
  }
  return { tempi, beats, local };
}

/** The octave candidates' factors of step one's level T (T/2, T, 2T); tools/eval/octave-net.ts --thirds tries 1/3 too. */
export const OCTAVE_FACTORS: readonly number[] = [0.5, 1, 2];

/**
 * octaveCandidates from a periodicity and the level's tempo `bpm`, at `factors` of it (OCTAVE_FACTORS; octaveTempi);
 * also the beats tracked at `bpm` (envelope frames).
 */
export function octaveCandidatesOf(p: Periodicity, fps: number, opts: Required<TempoOptions>, bpm: number, bands?: Float32Array, factors: readonly number[] = OCTAVE_FACTORS): { cands: OctaveCandidate[]; beats: number[] } {
  const { env, scores } = p;
  let top = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] > top) top = scores[i];
  // the bass band's onset density (its flux conditioned as the full envelope)
  let bassDensity = 0;
  const nf = bands ? Math.floor(bands.length / BAND_FEATURES) : 0;
  if (nf) {
    const e = new Float32Array(nf);
    for (let i = 0; i < nf; i++) e[i] += bands![BAND_FEATURES * i];
    const c = condition(e, fps);
    if (c) bassDensity = Math.log2(onsetRate(c, fps) / 2);
  }
  const { tempi, beats } = octaveTempi(p, fps, opts, bpm, bands, factors);
  const cands = tempi.map((b) => {
    const j = Math.min(scores.length - 1, Math.max(0, Math.round((b - opts.minBpm) / STEP)));
    const z = Math.log2(b / 120);
    return { bpm: b, features: [z, z * z, Math.log(0.05 + scores[j] / (top || 1)), Math.log(Math.max(fourierTempo(env, fps, b, 30), 1e-3)), z * bassDensity] };
  });
  return { cands, beats };
}
