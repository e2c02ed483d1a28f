/**
 * Detail of a time range of the waveform, computed on demand (issue 12
 * defect 7: deep zoom on a long mix was a blur). As Sonic Visualiser does for
 * its zoom levels, the track view's overview (at most 4096 spectrogram
 * columns, ~100 peaks/s for a whole track) is complemented, for the part on
 * screen, by peaks and spectrogram columns at the resolution the zoom needs.
 *
 * The signal is the overview's: ffmpeg's 16 kHz mono output (WAVE_OUTPUT) —
 * here of a ranged decode (`-ss` before `-i`: ffmpeg seeks, then drops what
 * precedes the start). The analysers are the overview's, at a fixed width per
 * peak (`samplesPerPeak`) and one spectrogram frame per column (`hop`), so
 * that a range equals the same computation over the whole track:
 *   peak j   = min/max of wave samples [a + j·spp, a + (j+1)·spp)
 *   column j = the mel frame whose window starts at wave sample a + j·hop
 * with `a` a multiple of both (sample-exact boundaries).
 *
 * Seek exactness: the decode starts a pre-roll before `a` (the resampler's
 * and the decoder's start-up transients fall there and are dropped), at a
 * time that is a whole number of samples both at 16 kHz and at the source
 * rate (a multiple of 1/gcd(16000, source rate) s) and a whole number of
 * microseconds (ffmpeg's time base), so the 16 kHz sample grid of the ranged
 * decode is the whole decode's grid. Codecs whose seek is exact (PCM, FLAC)
 * then agree with the whole-track computation to float rounding; lossy codecs
 * to within their decoder's start-up (see test/unit/waveform-range.test.ts).
 */
import { StudioError } from '@contract';
import { decodesToIntegers, meanMixFilter, readPcm, unmixableChannels, wideStream, type PcmOutput } from '../media/pcm';
import { StreamResampler } from '../dsp/stream-resampler';
import { PeaksAnalyser, SPECTROGRAM_DEFAULTS, SpectrogramAnalyser, WAVE_OUTPUT } from './waveform';

/** Wave-stream samples per second (16 kHz). */
export const RANGE_RATE = WAVE_OUTPUT.sampleRate;
/** Longest range one request may cover (s): a ranged decode stays short. */
export const MAX_RANGE_SEC = 600;
/** At most this many min/max pairs per range (the width per peak grows to fit). */
export const MAX_RANGE_PEAKS = 1 << 16;
/** At most this many spectrogram columns per range (the hop grows to fit). */
export const MAX_RANGE_COLUMNS = 1 << 14;
/** Finest spectrogram hop (samples at 16 kHz = 2 ms): the 1024-sample frame (64 ms) shows nothing finer. */
export const MIN_HOP = 32;
/** Coarsest spectrogram hop: one frame, no gap. */
export const MAX_HOP = SPECTROGRAM_DEFAULTS.fftSize;
/** Decoded before the range and dropped (wave samples, 0.25 s): decoder and resampler start-up. */
export const PREROLL = 4000;

export interface RangePlan {
  /** first wave sample of the range (a multiple of `samplesPerPeak` and `hop`) */
  startSample: number;
  /** end of the range, exclusive (same alignment; the decode may end sooner, at the end of the track) */
  endSample: number;
  /** wave samples per min/max pair: a power of two, 1 … 65536 */
  samplesPerPeak: number;
  /** wave samples between spectrogram columns: a power of two, MIN_HOP … MAX_HOP */
  hop: number;
  /** where the decode starts (wave samples; ≤ startSample − PREROLL or 0), on the grid of both rates */
  decodeStart: number;
}

const pow2Floor = (x: number) => 2 ** Math.floor(Math.log2(Math.max(1, x)));
const pow2Ceil = (x: number) => 2 ** Math.ceil(Math.log2(Math.max(1, x)));
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The samples to compute for `startSec`…`endSec` at `pixelsPerSec` (device
 * pixels per second of audio): at least one peak per pixel (samplesPerPeak =
 * the largest power of two ≤ 16000 / pixelsPerSec), a spectrogram column per
 * `samplesPerPeak` clamped to MIN_HOP…MAX_HOP, both coarsened as needed to
 * stay within MAX_RANGE_PEAKS / MAX_RANGE_COLUMNS; the range widened outwards
 * to a multiple of both. `sourceRate`: the file's sample rate (0 if unknown:
 * the decode then starts on the 16 kHz grid only, exact to < 1 source sample).
 * @throws StudioError BAD_ARGS for an empty, negative or over-long (> MAX_RANGE_SEC) range.
 */
export function planRange(startSec: number, endSec: number, pixelsPerSec: number, sourceRate = 0): RangePlan {
  if (!(startSec >= 0) || !(endSec > startSec) || !(pixelsPerSec > 0) || !Number.isFinite(endSec)) {
    throw new StudioError('BAD_ARGS', `A waveform range needs 0 ≤ start < end and pixels per second > 0 (got ${startSec}…${endSec} s at ${pixelsPerSec} px/s).`);
  }
  if (endSec - startSec > MAX_RANGE_SEC) {
    throw new StudioError('BAD_ARGS', `A waveform range covers at most ${MAX_RANGE_SEC} s (asked ${(endSec - startSec).toFixed(1)} s); the overview covers the whole track.`);
  }
  const span = Math.ceil((endSec - startSec) * RANGE_RATE);
  let spp = Math.min(1 << 16, pow2Floor(RANGE_RATE / pixelsPerSec));
  spp = Math.max(spp, pow2Ceil(span / MAX_RANGE_PEAKS));
  const hop = Math.min(MAX_HOP, Math.max(MIN_HOP, spp, pow2Ceil(span / MAX_RANGE_COLUMNS)));
  const unit = Math.max(spp, hop);
  const startSample = Math.floor((startSec * RANGE_RATE) / unit) * unit;
  const endSample = Math.ceil((endSec * RANGE_RATE) / unit) * unit;
  // the decode's start: a whole number of samples at both rates and of microseconds
  // (t = n / gcd(16000, source rate) s; t·16000 even ⇒ t·10⁶ = t·16000·62.5 whole)
  const perSec = sourceRate > 0 ? gcd(RANGE_RATE, Math.round(sourceRate)) : RANGE_RATE;
  let grid = RANGE_RATE / perSec;
  if (grid % 2) grid *= 2;
  const decodeStart = Math.max(0, Math.floor((startSample - PREROLL) / grid) * grid);
  return { startSample, endSample, samplesPerPeak: spp, hop, decodeStart };
}

export interface WaveRangeData {
  sampleRate: number;
  startSample: number;
  /** end of what was computed, exclusive: the plan's, or the end of the track if that comes first */
  endSample: number;
  samplesPerPeak: number;
  /** interleaved [min0, max0, …], ceil((end − start) / samplesPerPeak) pairs */
  minMax: Float32Array;
  /** per peak [low, mid, high] band maxima (PeaksData.bands) */
  bands: Uint8Array;
  spectrogram: {
    hop: number;
    fftSize: number;
    /** ceil((end − start) / hop) */
    columns: number;
    rows: number;
    floorDb: number;
    /** Uint8 dB, column-major, as the overview's (0 = floorDb … 255 = 0 dBFS) */
    data: Uint8Array;
  };
}

/**
 * Compute a planned range of `path`'s wave stream: one ranged ffmpeg decode
 * (the engine's PCM reader), peaks and spectrogram by the overview's analysers.
 * @throws StudioError DECODE_FAILED when nothing decodes in the range (it lies
 * beyond the end of the track), CANCELLED, FFMPEG_MISSING.
 */
export async function computeRange(path: string, plan: RangePlan, signal?: AbortSignal): Promise<WaveRangeData> {
  const { startSample: a, endSample: b, samplesPerPeak: spp, hop, decodeStart } = plan;
  const peaks = new PeaksAnalyser(0, Number.MAX_SAFE_INTEGER, spp);
  const spec = new SpectrogramAnalyser(0, { hop, maxColumns: Number.MAX_SAFE_INTEGER });
  peaks.init(RANGE_RATE);
  spec.init(RANGE_RATE);
  const fftSize = spec.opts.fftSize;
  const columnsWanted = Math.ceil((b - a) / hop);
  // the spectrogram's last frame reaches fftSize past its start
  const specEnd = a + (columnsWanted - 1) * hop + fftSize;
  const needEnd = Math.max(b, specEnd);
  let pos = decodeStart; // wave sample index of the next sample delivered
  const onMono = (mono: Float32Array, n: number) => {
    const from = pos;
    pos += n;
    const lo = Math.max(from, a);
    // the pre-roll warms the band filters (no start-up transient in the first peaks)
    if (from < a) peaks.warm(mono.subarray(0, Math.min(n, a - from)));
    const pHi = Math.min(pos, b);
    if (pHi > lo) peaks.process([mono.subarray(lo - from, pHi - from)]);
    const sHi = Math.min(pos, specEnd);
    if (sHi > lo) spec.process([mono.subarray(lo - from, sHi - from)]);
  };
  const read = (out: Pick<PcmOutput, 'filter' | 'channels' | 'sampleRate' | 'native'> & { onFrames?: PcmOutput['onFrames'] }, stream?: string) => readPcm(path, {
    ...out,
    startSec: decodeStart / RANGE_RATE,
    // a little past what is needed: the output is cut after the resampler (no end transient inside)
    maxSec: (needEnd - decodeStart) / RANGE_RATE + 0.05,
    signal,
    stream,
    onFrames: out.onFrames ?? onMono,
  });
  let res = await read(WAVE_OUTPUT);
  // more channels than ffmpeg converts (wideStream): the decoder's own samples, their mean resampled here to 16 kHz
  // as the overview's decode does (analysis/run.ts decodeWide; the decode starts on both rates' grid, so the sinc
  // kernel's phases are the overview's)
  const wide = res.frames === 0 && res.exitCode !== 0 ? wideStream(res.log, res.stream) : null;
  if (wide) {
    const rs = wide.sampleRate === RANGE_RATE ? null : new StreamResampler(wide.sampleRate, RANGE_RATE);
    const n = wide.channels;
    res = await read({
      native: wide.format,
      onFrames: (f32, whole) => {
        const mono = new Float32Array(whole);
        for (let i = 0, k = 0; i < whole; i++) {
          let sum = 0;
          for (let c = 0; c < n; c++, k++) sum += f32[k]!;
          mono[i] = sum / n;
        }
        const out = rs ? rs.push(mono) : mono;
        if (out.length) onMono(out, out.length);
      },
    }, `0:${wide.index}`);
    const rest = rs?.end();
    if (rest?.length) onMono(rest, rest.length);
  }
  // channels whose positions ffmpeg does not know (unmixableChannels) cannot be mixed by `-ac 1`: averaged instead
  const unmixable = res.frames === 0 && res.exitCode !== 0 ? unmixableChannels(res.log) : null;
  if (unmixable) res = await read({ filter: meanMixFilter(unmixable, 1), sampleRate: WAVE_OUTPUT.sampleRate });
  const end = Math.min(b, pos);
  if (end <= a) {
    const why = res.errors.length ? ` (ffmpeg: ${res.errors[res.errors.length - 1].message})` : '';
    throw new StudioError('DECODE_FAILED', `Nothing decoded at ${(a / RANGE_RATE).toFixed(2)} s: the range lies past the end of the track${why}.`);
  }
  // as the overview's (run.ts): an integer file's peaks stop at full scale
  if (decodesToIntegers(res.log, res.stream)) peaks.stopAtFullScale();
  const p = peaks.finish();
  const s = spec.finish();
  const columns = Math.min(s.columns, Math.ceil((end - a) / hop));
  return {
    sampleRate: RANGE_RATE,
    startSample: a,
    endSample: end,
    samplesPerPeak: spp,
    minMax: p.minMax,
    bands: p.bands,
    spectrogram: { hop, fftSize, columns, rows: s.rows, floorDb: s.floorDb, data: s.data.slice(0, columns * s.rows) },
  };
}
