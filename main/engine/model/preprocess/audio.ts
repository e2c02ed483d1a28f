import { RealFft } from '../../dsp/fft';
import { hzToMel } from '../../dsp/mel';

/**
 * DeepResonance's audio preprocessing (ImageBind's load_and_transform_audio_data
 * as the released checkpoints were trained with it), reproduced exactly:
 *
 *   waveform (all channels) → torchaudio.functional.resample to 16 kHz
 *   → clip starts of pytorchvideo 0.1.5 (i · max(d − 2, 0) / clips)
 *   → per clip: subtract the mean over all channels, in place on the shared
 *     waveform (overlapping clips are mean-subtracted twice)
 *   → kaldi.fbank of the FIRST channel (htk_compat, hanning, 25/10 ms,
 *     128 mel bins, no dither, no energy) → pad/crop to 204 frames
 *   → (x − (−4.268)) / 9.138
 */

export const AUDIO_SAMPLE_RATE = 16_000;
export const CLIP_SECONDS = 2;
export const MEL_BINS = 128;
export const TARGET_FRAMES = 204;
export const FBANK_MEAN = -4.268;
export const FBANK_STD = 9.138;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * torchaudio.functional.resample's windowed-sinc ("sinc_interpolation",
 * lowpass_filter_width 6, rolloff 0.99) as a reusable polyphase kernel.
 * `outputRange` computes only the requested output samples: the result is
 * identical to resampling the whole signal and slicing, which lets the model
 * resample just its clips of a long track.
 *
 * torchaudio convolves with all 2·width + orig taps of a phase, but only the
 * taps with |t| < lowpass_filter_width (about 2·width + 1 of them) carry the
 * filter: beyond, t is clamped to ±lowpass_filter_width and every tap has the
 * same value, sinc(6π)·cos²(π/2) in float32 rounding, |c| ≤ 4.8e-24. Those
 * are skipped (taps 32 → 44.1 kHz: 334 → 12 per output sample). The output
 * moves by at most Σ|c·x| over the skipped taps (≤ 1.6e-21 · max|x| at
 * 32 → 44.1 kHz), so it is bit-identical wherever that is below half a
 * float32 ulp of the sample — on real audio, all of it; it differs only
 * beside digital silence (e.g. ~1e-24 where the dense sum saw just clamped
 * taps). See test/unit/stream-resampler.test.ts (the dense kernel as oracle).
 */
export class SincResampler {
  readonly orig: number;
  readonly next: number;
  readonly width: number;
  /**
   * The unclamped taps only, phase after phase: phase p's taps [first[p], end[p]) of its 2·width + orig are
   * kernel[at[p] + k − first[p]]. Only those are computed: a dense next × taps table was 16000 × 11141 floats
   * (713 MB, ~20 s to fill) for the Mac's 11127 Hz → 16 kHz (gcd 1), where each phase runs 12 of them.
   */
  private readonly kernel: Float32Array;
  private readonly at: Int32Array;
  private readonly taps: number;
  /**
   * Per phase (0 … next − 1), the taps [first[p], end[p]) of its 2·width + orig that are run: those with
   * |t| < lowpass_filter_width; the rest are the clamped constant (|c| ≤ 4.8e-24), skipped.
   */
  readonly first: Int32Array;
  readonly end: Int32Array;

  constructor(origFreq: number, newFreq: number, lowpassFilterWidth = 6, rolloff = 0.99) {
    if (!Number.isInteger(origFreq) || !Number.isInteger(newFreq) || origFreq <= 0 || newFreq <= 0) {
      throw new Error(`Sample rates must be positive integers (got ${origFreq} → ${newFreq}).`);
    }
    const g = gcd(origFreq, newFreq);
    const orig = origFreq / g;
    const next = newFreq / g;
    const baseFreq = Math.min(orig, next) * rolloff;
    const width = Math.ceil((lowpassFilterWidth * orig) / baseFreq);
    const taps = 2 * width + orig;
    const first = new Int32Array(next);
    const end = new Int32Array(next);
    const at = new Int32Array(next + 1);
    const f = Math.fround;
    // t of tap k of phase p, in torch's float32 steps (the waveform's dtype)
    const tOf = (tp: number, k: number) => f(f(tp + f((k - width) / orig)) * f(baseFreq));
    // t rises with k: the unclamped taps are one run [first, end) around k = width + orig·p/next, half-width
    // orig·lowpass_filter_width/baseFreq; found by the float32 test itself over that span widened by 3 taps each side
    const half = (orig * lowpassFilterWidth) / baseFreq;
    for (let p = 0; p < next; p++) {
      const tp = f(-p / next);
      const centre = width + (orig * p) / next;
      first[p] = taps;
      end[p] = 0;
      for (let k = Math.max(0, Math.floor(centre - half) - 3); k < Math.min(taps, Math.ceil(centre + half) + 4); k++) {
        if (Math.abs(tOf(tp, k)) < lowpassFilterWidth) {
          if (first[p] === taps) first[p] = k;
          end[p] = k + 1;
        }
      }
      if (first[p] === taps) first[p] = end[p] = 0;
      at[p + 1] = at[p]! + (end[p]! - first[p]!);
    }
    const kernel = new Float32Array(at[next]!);
    for (let p = 0; p < next; p++) {
      const tp = f(-p / next);
      for (let k = first[p]!; k < end[p]!; k++) {
        const t = Math.max(-lowpassFilterWidth, Math.min(lowpassFilterWidth, tOf(tp, k)));
        const w = f(Math.cos(f((t * Math.PI) / lowpassFilterWidth / 2)) ** 2);
        const tt = f(t * Math.PI);
        const s = tt === 0 ? 1 : f(Math.sin(tt) / tt);
        kernel[at[p]! + k - first[p]!] = f(s * f(w * f(baseFreq / orig)));
      }
    }
    this.orig = orig;
    this.next = next;
    this.width = width;
    this.kernel = kernel;
    this.at = at;
    this.taps = taps;
    this.first = first;
    this.end = end;
  }

  /** Output length for an input of `length` samples (torchaudio: ceil(new·len/orig)). */
  outputLength(length: number): number {
    return Math.ceil((this.next * length) / this.orig);
  }

  /** The input samples [start, end) that output samples [from, to) depend on, for an input of `length`. */
  inputWindow(from: number, to: number, length: number): [number, number] {
    if (to <= from) return [0, 0];
    const first = Math.floor(from / this.next) * this.orig - this.width;
    const last = Math.floor((to - 1) / this.next) * this.orig - this.width + this.taps;
    return [Math.max(0, first), Math.min(length, last)];
  }

  /** Output samples [from, to) of resampling `input` (one channel). */
  outputRange(input: Float32Array, from: number, to: number): Float32Array {
    return this.outputRangeOf(input, 0, input.length, from, to);
  }

  /**
   * The same, from a window of the input: `window` holds input samples
   * [windowStart, windowStart + window.length) of a signal of `length`
   * samples, and must cover inputWindow(from, to, length).
   */
  outputRangeOf(window: Float32Array, windowStart: number, length: number, from: number, to: number): Float32Array {
    const total = this.outputLength(length);
    const end = Math.min(to, total);
    const out = new Float32Array(Math.max(0, end - from));
    const { orig, next, width, kernel, at, first, end: last } = this;
    for (let j = from; j < end; j++) {
      const block = Math.floor(j / next);
      const phase = j - block * next;
      // conv1d over the signal padded with `width` zeros on the left, over the phase's unclamped taps only.
      const start = block * orig - width;
      const kOff = at[phase]! - first[phase]!;
      let acc = 0;
      const k0 = Math.max(first[phase]!, -start);
      const k1 = Math.min(last[phase]!, length - start);
      const off = start - windowStart;
      for (let k = k0; k < k1; k++) acc += kernel[kOff + k]! * window[off + k]!;
      out[j - from] = acc;
    }
    return out;
  }
}

/**
 * floor(i · x · rate / clips) computed exactly for a float64 x, as Python's
 * Fraction arithmetic in pytorchvideo does.
 */
function exactFloorProduct(x: number, mul: bigint, div: bigint): number {
  if (x === 0) return 0;
  // x = m · 2^e exactly
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  let num = mant * mul;
  let den = div;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  return Number(num / den); // non-negative: BigInt division truncates = floor
}

/**
 * Sample ranges of the clips at `rate`: pytorchvideo 0.1.5's
 * ConstantClipsPerVideoSampler as ImageBind slices them
 * (waveform[:, int(start·rate) : int(end·rate)]).
 */
export function clipRanges(numSamples: number, rate: number, clips: number, clipSeconds = CLIP_SECONDS): Array<[number, number]> {
  const duration = numSamples / rate;
  const maxStart = Math.max(duration - clipSeconds, 0);
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < clips; i++) {
    const start = exactFloorProduct(maxStart, BigInt(i) * BigInt(rate), BigInt(clips));
    // end = start + clipSeconds; int((s + c)·rate) = int(s·rate) + c·rate since c·rate is an integer
    const end = start + clipSeconds * rate;
    ranges.push([Math.min(start, numSamples), Math.min(end, numSamples)]);
  }
  return ranges;
}

let melBanksCache: { key: string; banks: Float64Array[]; lo: number[]; hi: number[] } | undefined;

/** Kaldi's triangular mel filters (get_mel_banks), 128 × (n/2) plus the zero Nyquist column. */
function melBanks(numBins: number, paddedWindow: number, sampleFreq: number, lowFreq = 20, highFreqIn = 0) {
  const key = `${numBins}/${paddedWindow}/${sampleFreq}/${lowFreq}/${highFreqIn}`;
  if (melBanksCache?.key === key) return melBanksCache;
  const nyquist = 0.5 * sampleFreq;
  const highFreq = highFreqIn <= 0 ? nyquist + highFreqIn : highFreqIn;
  const numFftBins = paddedWindow / 2;
  const fftBinWidth = sampleFreq / paddedWindow;
  const mel = hzToMel;
  const melLow = mel(lowFreq);
  const melHigh = mel(highFreq);
  const delta = (melHigh - melLow) / (numBins + 1);
  const banks: Float64Array[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  const f = Math.fround;
  for (let b = 0; b < numBins; b++) {
    const left = f(melLow + b * delta);
    const center = f(melLow + (b + 1) * delta);
    const right = f(melLow + (b + 2) * delta);
    const row = new Float64Array(numFftBins + 1);
    let first = -1;
    let last = -1;
    for (let k = 0; k < numFftBins; k++) {
      const m = f(mel(fftBinWidth * k));
      const up = f(f(m - left) / f(center - left));
      const down = f(f(right - m) / f(right - center));
      const v = Math.max(0, Math.min(up, down));
      row[k] = v;
      if (v > 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    banks.push(row);
    lo.push(Math.max(first, 0));
    hi.push(last);
  }
  melBanksCache = { key, banks, lo, hi };
  return melBanksCache;
}

const FLT_EPSILON = 1.1920928955078125e-7;

/**
 * torchaudio.compliance.kaldi.fbank(x, htk_compat=True, sample_frequency=sr,
 * use_energy=False, window_type='hanning', num_mel_bins=128, dither=0,
 * frame_length=25, frame_shift=10) of one channel: [frames][128] log mel energies.
 */
export function kaldiFbank(signal: Float32Array, sampleRate = AUDIO_SAMPLE_RATE, numMelBins = MEL_BINS): Float32Array[] {
  const winSize = Math.trunc(sampleRate * 0.025);
  const winShift = Math.trunc(sampleRate * 0.01);
  let padded = 1;
  while (padded < winSize) padded <<= 1;
  if (signal.length < winSize) return [];
  const numFrames = 1 + Math.floor((signal.length - winSize) / winShift);
  // Symmetric Hann window (torch.hann_window(periodic=False)).
  const window = new Float64Array(winSize);
  for (let i = 0; i < winSize; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (winSize - 1));
  const { banks, lo, hi } = melBanks(numMelBins, padded, sampleRate);
  const fft = new RealFft(padded);
  const frame = new Float64Array(padded);
  const power = new Float64Array(padded / 2 + 1);
  const out: Float32Array[] = [];
  for (let fi = 0; fi < numFrames; fi++) {
    const off = fi * winShift;
    let mean = 0;
    for (let i = 0; i < winSize; i++) mean += signal[off + i];
    mean /= winSize;
    // remove DC, pre-emphasis 0.97 (first sample against itself), window.
    let prev = signal[off] - mean;
    for (let i = 0; i < winSize; i++) {
      const x = signal[off + i] - mean;
      frame[i] = (x - 0.97 * prev) * window[i];
      prev = x;
    }
    frame.fill(0, winSize);
    fft.powerSpectrum(frame, power);
    const row = new Float32Array(numMelBins);
    for (let b = 0; b < numMelBins; b++) {
      const bank = banks[b];
      let e = 0;
      for (let k = lo[b]; k <= hi[b]; k++) e += power[k] * bank[k];
      row[b] = Math.log(Math.max(e, FLT_EPSILON));
    }
    out.push(row);
  }
  return out;
}

/**
 * One clip → the encoder's input [1, 128, 204]: fbank transposed, zero-padded
 * or cropped to 204 frames, then normalised. `clip` is per channel; the mean
 * over all channels must already have been subtracted (see `audioToFbankClips`).
 */
export function clipToMelInput(firstChannel: Float32Array): Float32Array {
  const frames = kaldiFbank(firstChannel);
  const out = new Float32Array(MEL_BINS * TARGET_FRAMES);
  const n = Math.min(frames.length, TARGET_FRAMES);
  const pad = (0 - FBANK_MEAN) / FBANK_STD;
  for (let m = 0; m < MEL_BINS; m++) {
    const rowOff = m * TARGET_FRAMES;
    for (let t = 0; t < n; t++) out[rowOff + t] = (frames[t][m] - FBANK_MEAN) / FBANK_STD;
    for (let t = n; t < TARGET_FRAMES; t++) out[rowOff + t] = pad;
  }
  return out;
}

/** Decoded audio the clips are read from: in memory, or in a file for long tracks. */
export interface AudioSource {
  /** samples per channel */
  length: number;
  /** per channel, samples [from, to) */
  read(from: number, to: number): Float32Array[];
}

export function arraySource(channels: Float32Array[]): AudioSource {
  return { length: channels[0].length, read: (from, to) => channels.map((c) => c.subarray(from, to)) };
}

/**
 * All channels of a decoded track at `rate` → the model's fbank clips,
 * [clips, 1, 128, 204] flattened. The resampling is computed only where the
 * clips are; the in-place mean subtraction of the reference is reproduced on a
 * working copy of the covered span.
 */
export function audioToFbankClips(input: Float32Array[] | AudioSource, rate: number, clips = 3): { data: Float32Array; ranges: Array<[number, number]> } {
  const source = Array.isArray(input) ? arraySource(input) : input;
  if (source.length === 0) throw new Error('no audio samples');
  const resampler = rate === AUDIO_SAMPLE_RATE ? null : new SincResampler(rate, AUDIO_SAMPLE_RATE);
  const length = resampler ? resampler.outputLength(source.length) : source.length;
  const ranges = clipRanges(length, AUDIO_SAMPLE_RATE, clips);
  // The shared waveform, only where clips are: overlapping clips share one
  // segment, so the reference's write-through mean subtraction carries over.
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const segments: Array<{ from: number; to: number; work: Float32Array[] }> = [];
  for (const [a, b] of sorted) {
    const last = segments[segments.length - 1];
    if (last && a <= last.to) last.to = Math.max(last.to, b);
    else segments.push({ from: a, to: b, work: [] });
  }
  for (const seg of segments) {
    if (resampler) {
      const [a, b] = resampler.inputWindow(seg.from, seg.to, source.length);
      seg.work = source.read(a, b).map((win) => resampler.outputRangeOf(win, a, source.length, seg.from, seg.to));
    } else {
      seg.work = source.read(seg.from, seg.to).map((c) => c.slice());
    }
  }
  const clipSize = MEL_BINS * TARGET_FRAMES;
  const data = new Float32Array(clips * clipSize);
  ranges.forEach(([a, b], i) => {
    const seg = segments.find((sg) => a >= sg.from && b <= sg.to)!;
    const work = seg.work;
    const from = a - seg.from;
    const to = b - seg.from;
    const count = (to - from) * work.length;
    if (count > 0) {
      // torch's float32 mean over all channels (accumulated in higher precision, rounded once)
      let sum = 0;
      for (const ch of work) for (let s = from; s < to; s++) sum += ch[s];
      const mean = Math.fround(sum / count);
      for (const ch of work) for (let s = from; s < to; s++) ch[s] = Math.fround(ch[s] - mean);
    }
    data.set(clipToMelInput(work[0].subarray(from, to)), i * clipSize);
  });
  return { data, ranges };
}
