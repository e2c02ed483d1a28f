import { Biquad } from '../dsp/biquad';
import { RealFft, hann } from '../dsp/fft';
import { melFilterbank, type MelBand } from '../dsp/mel';
import { MonoDecimator } from '../dsp/streams';
import type { Analyser } from './types';

/**
 * The waveform analysers (peaks, mel spectrogram) implement the one analyser
 * interface of the engine (`./types.ts`) and read the wave stream of the one
 * analysis decode (`./run.ts`): ffmpeg's 16 kHz mono mix (WAVE_OUTPUT), a
 * second output next to the 44.1/48 kHz one that loudness, tempo and key read.
 * The track view asks ffmpeg for that output alone, a library scan for both —
 * so both draw exactly the same waveform and spectrogram, a scan warms the
 * track view's cache, and the track view pays for a 16 kHz mono decode only.
 * A time range's detail (`./waveform-range.ts`) reads the same output of a
 * ranged decode.
 */

/**
 * The waveform's stream (peaks, spectrogram): ffmpeg's mono downmix, peak-safe (stereo: (L + R) / 2, see PcmOutput.channels)
 * resampled to 16 kHz (swresample) — it shows 0–8 kHz, where the pitched
 * content of music lies. One definition for the track view, a library scan
 * and a time range's detail.
 */
export const WAVE_OUTPUT = { channels: 1, sampleRate: 16000 } as const;

/** The peaks and spectrogram analysers of one track (fresh instances). `expectedSec`: the stated length, 0 if unknown. */
export function waveAnalysers(expectedSec = 0): [PeaksAnalyser, SpectrogramAnalyser] {
  return [new PeaksAnalyser(expectedSec), new SpectrogramAnalyser(expectedSec)];
}

/**
 * The spectrogram's rate: the wave stream's. Fed anything at or above
 * 1.5 × this rate (an analyser used on its own), it mixes to mono and
 * decimates by an integer factor first.
 */
export const SPECTROGRAM_RATE = WAVE_OUTPUT.sampleRate;

/**
 * Bump when peaks or spectrogram change (results and the media cache key). 4: frequency bands with the peaks. 5: the
 * peaks keep levels over full scale (a float file peaking at +6 dBFS: 2.0), which were clipped to ±1. 6: the mono mix is
 * peak-safe (L and R at 0.5 each, was 0.707: a 16-bit stereo file at full scale read +3 dBFS). 7: a file decoded to
 * integer samples peaks at full scale at most (PeaksAnalyser.stopAtFullScale).
 */
export const WAVE_VERSION = 7;

/**
 * The largest |peak| kept (linear, 1 = 0 dBFS): +60 dBFS. A float file's samples may exceed full scale (its true peak
 * is shown, the track view marks the overs, Waveform.svelte), so peaks are not clipped to ±1; this bound only keeps an
 * infinite or absurd sample from squashing the rest of the drawing to a line.
 */
export const PEAK_LIMIT = 1000;

/**
 * Edges (Hz) of the waveform's three frequency bands — low < 600 Hz ≤ mid <
 * 4000 Hz ≤ high — as Mixxx's RGB/3-band waveforms split them (its waveform
 * analyser's filters); rekordbox's coloured waveform splits similarly.
 */
export const BAND_EDGES_HZ = [600, 4000] as const;

/** Mono mix of a block (the first channel itself when mono); `scratch` is reused. */
function monoOf(block: Float32Array[], scratch: { buf: Float32Array }): Float32Array {
  if (block.length === 1) return block[0];
  const n = block[0].length;
  if (scratch.buf.length < n) scratch.buf = new Float32Array(n);
  const out = scratch.buf;
  const g = 1 / block.length;
  if (block.length === 2) {
    const a = block[0];
    const b = block[1];
    for (let i = 0; i < n; i++) out[i] = 0.5 * (a[i] + b[i]);
  } else {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < block.length; c++) s += block[c][i];
      out[i] = s * g;
    }
  }
  return out;
}

export interface PeaksData {
  sampleRate: number;
  samplesPerPeak: number;
  /** interleaved [min0, max0, min1, max1, …], linear (1 = full scale); beyond ±1 where the signal goes over 0 dBFS (a float file), up to ±PEAK_LIMIT */
  minMax: Float32Array;
  /**
   * per peak, the largest |amplitude| (0…1 of full scale, as Uint8 0…255) of the
   * signal through each band's filter (BAND_EDGES_HZ: Butterworth low-pass,
   * band-pass as high-pass + low-pass, high-pass): interleaved [low0, mid0, high0, low1, …]
   */
  bands: Uint8Array;
  /** samples seen */
  samples: number;
}

export interface SpectrogramData {
  sampleRate: number;
  columns: number;
  rows: number;
  floorDb: number;
  fftSize: number;
  /** Uint8 dB, column-major */
  data: Uint8Array;
}

/** Peaks per second the waveform aims for (enough to zoom in on a beat). */
export const PEAKS_PER_SEC = 100;
/** At most this many min/max pairs per track (a 2-hour file gets ~73 per second). */
export const MAX_PEAKS = 1 << 19;

/**
 * Min/max per `samplesPerPeak` samples. The rate is chosen from the expected
 * length; if a file turns out longer than stated, neighbouring pairs are
 * merged (samplesPerPeak doubles), so memory stays bounded whatever the length.
 */
export class PeaksAnalyser implements Analyser<PeaksData> {
  readonly name = 'peaks';
  readonly version = WAVE_VERSION;
  readonly stream = 'wave';
  samplesPerPeak = 1;
  private sampleRate = 0;
  /** stopAtFullScale(): clamp the peaks to ±1 at finish() */
  private fullScale = false;
  private data = new Float32Array(0);
  private count = 0;
  private curMin = Infinity;
  private curMax = -Infinity;
  private inCur = 0;
  private samples = 0;
  private readonly mono = { buf: new Float32Array(0) };
  /** per peak: low, mid, high band maxima (|amplitude|, float until stored) */
  private bandData = new Float32Array(0);
  private curBand = [0, 0, 0];
  private filters: Biquad[] = [];

  /** `expectedSec`: the length the container states (0 if unknown) */
  /** `fixedSamplesPerPeak`: this width instead of one chosen from the rate and length (a time range's detail) */
  constructor(
    private readonly expectedSec = 0,
    private readonly maxPeaks = MAX_PEAKS,
    private readonly fixedSamplesPerPeak?: number,
  ) {}

  init(sampleRate: number): void {
    this.sampleRate = sampleRate;
    const expectedSamples = Math.max(0, this.expectedSec) * sampleRate;
    this.samplesPerPeak = this.fixedSamplesPerPeak ?? Math.max(Math.ceil(sampleRate / PEAKS_PER_SEC), Math.ceil(expectedSamples / this.maxPeaks));
    const expected = Math.ceil(expectedSamples / this.samplesPerPeak) + 16;
    this.data = new Float32Array(2 * Math.min(this.maxPeaks, Math.max(1024, expected)));
    this.bandData = new Float32Array(3 * Math.min(this.maxPeaks, Math.max(1024, expected)));
    const [lowMid, midHigh] = BAND_EDGES_HZ;
    const top = sampleRate * 0.45;
    this.filters = [
      new Biquad('lowpass', Math.min(lowMid, top), sampleRate),
      new Biquad('highpass', Math.min(lowMid, top), sampleRate),
      new Biquad('lowpass', Math.min(midHigh, top), sampleRate),
      new Biquad('highpass', Math.min(midHigh, top), sampleRate),
    ];
  }

  /**
   * Run the band filters over samples that precede the first peak (a ranged
   * decode's pre-roll), so the first peaks' bands start without the filters'
   * start-up transient. Mono samples at the init rate; no peak is made.
   */
  warm(mono: Float32Array): void {
    const [lp, hpMid, lpMid, hp] = this.filters;
    for (let i = 0; i < mono.length; i++) {
      const v = mono[i];
      lp.step(v);
      lpMid.step(hpMid.step(v));
      hp.step(v);
    }
  }

  process(block: Float32Array[]): void {
    // Stereo (the common case) is mixed on the fly, rounded to float32 as
    // monoOf() stores it, instead of in a separate pass over a scratch array.
    const stereo = block.length === 2;
    const a = block[0];
    const b = stereo ? block[1] : a;
    const samples = stereo ? a : monoOf(block, this.mono);
    const n = block[0].length;
    this.samples += n;
    let mn = this.curMin;
    let mx = this.curMax;
    let inCur = this.inCur;
    let spp = this.samplesPerPeak;
    const [lp, hpMid, lpMid, hp] = this.filters;
    const cb = this.curBand;
    let bl = cb[0];
    let bm = cb[1];
    let bh = cb[2];
    for (let i = 0; i < n; i++) {
      const v = stereo ? Math.fround(0.5 * (a[i] + b[i])) : samples[i];
      if (v < mn) mn = v;
      if (v > mx) mx = v;
      const l = Math.abs(lp.step(v));
      const m = Math.abs(lpMid.step(hpMid.step(v)));
      const h = Math.abs(hp.step(v));
      if (l > bl) bl = l;
      if (m > bm) bm = m;
      if (h > bh) bh = h;
      if (++inCur === spp) {
        cb[0] = bl;
        cb[1] = bm;
        cb[2] = bh;
        this.push(mn, mx);
        // after a silence the filters' states decay into denormals, which are slow: zero them
        if (bl < 1e-20) lp.flush();
        if (bm < 1e-20) lpMid.flush(), hpMid.flush();
        if (bh < 1e-20) hp.flush();
        spp = this.samplesPerPeak;
        mn = Infinity;
        mx = -Infinity;
        bl = bm = bh = 0;
        inCur = 0;
      }
    }
    cb[0] = bl;
    cb[1] = bm;
    cb[2] = bh;
    this.curMin = mn;
    this.curMax = mx;
    this.inCur = inCur;
  }

  /**
   * Peaks of a file whose decoder gives integer samples (pcm.ts decodesToIntegers: 16/24-bit PCM, FLAC, ALAC) stop at
   * full scale (±1): no sample of such a file exceeds it, and what does after the 16 kHz resample of a clipped master
   * is the resampler's overshoot (tester31: a 16-bit FLAC read "+0.3 dBFS" in red). Call before finish(); a float file
   * keeps its overs.
   */
  stopAtFullScale(): void {
    this.fullScale = true;
  }

  finish(): PeaksData {
    if (this.inCur > 0) this.push(this.curMin, this.curMax);
    this.inCur = 0;
    if (this.fullScale) for (let i = 0; i < 2 * this.count; i++) this.data[i] = Math.max(-1, Math.min(1, this.data[i]!));
    return { sampleRate: this.sampleRate, samplesPerPeak: this.samplesPerPeak, minMax: this.result(), bands: this.bandBytes(), samples: this.samples };
  }

  /** the band maxima as Uint8 (round(255 · amplitude), clamped), 3 per peak */
  bandBytes(): Uint8Array {
    const n = 3 * this.count;
    const out = new Uint8Array(n);
    const d = this.bandData;
    for (let i = 0; i < n; i++) {
      const v = Math.round(d[i] * 255);
      out[i] = v > 255 ? 255 : v;
    }
    return out;
  }

  private push(mn: number, mx: number): void {
    if (this.count === this.maxPeaks) this.halve();
    if (2 * this.count >= this.data.length) {
      const next = new Float32Array(Math.min(2 * this.maxPeaks, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    if (3 * this.count >= this.bandData.length) {
      const next = new Float32Array(Math.min(3 * this.maxPeaks, this.bandData.length * 2));
      next.set(this.bandData);
      this.bandData = next;
    }
    this.data[2 * this.count] = Math.max(-PEAK_LIMIT, Math.min(PEAK_LIMIT, mn));
    this.data[2 * this.count + 1] = Math.max(-PEAK_LIMIT, Math.min(PEAK_LIMIT, mx));
    const cb = this.curBand;
    const bd = this.bandData;
    const j = 3 * this.count;
    bd[j] = cb[0];
    bd[j + 1] = cb[1];
    bd[j + 2] = cb[2];
    this.count++;
  }

  private halve(): void {
    const d = this.data;
    const pairs = this.count >> 1;
    for (let i = 0; i < pairs; i++) {
      d[2 * i] = Math.min(d[4 * i], d[4 * i + 2]);
      d[2 * i + 1] = Math.max(d[4 * i + 1], d[4 * i + 3]);
    }
    const bd = this.bandData;
    for (let i = 0; i < pairs; i++) {
      for (let k = 0; k < 3; k++) bd[3 * i + k] = Math.max(bd[6 * i + k], bd[6 * i + 3 + k]);
    }
    if (this.count & 1) {
      d[2 * pairs] = d[2 * (this.count - 1)];
      d[2 * pairs + 1] = d[2 * (this.count - 1) + 1];
      for (let k = 0; k < 3; k++) bd[3 * pairs + k] = bd[3 * (this.count - 1) + k];
      this.count = pairs + 1;
    } else this.count = pairs;
    this.samplesPerPeak *= 2;
    // the pair being accumulated now spans the new width: a partial pair simply continues.
  }

  /** interleaved [min0, max0, min1, max1, …] */
  result(): Float32Array {
    return this.data.slice(0, 2 * this.count);
  }

  get peaks(): number {
    return this.count;
  }
}

export interface SpectrogramOptions {
  fftSize: number;
  hop: number;
  rows: number;
  maxColumns: number;
  floorDb: number;
}

/** From this many cells on, SpectrogramAnalyser.result() finds the bytes by thresholds (~8,000 logarithms) rather than one logarithm per cell. */
const RESULT_THRESHOLD_CELLS = 16384;

export const SPECTROGRAM_DEFAULTS: Omit<SpectrogramOptions, 'hop'> = { fftSize: 1024, rows: 128, maxColumns: 4096, floorDb: -90 };

/**
 * A mel spectrogram: Hann-windowed frames of `fftSize` every `hop` samples,
 * mel-band power, pooled by max into at most `maxColumns` columns, as Uint8
 * (0 = floorDb … 255 = 0 dBFS, where a full-scale sine is 0 dB).
 *
 * Unless given, the hop is chosen so that no frame is computed only to be
 * pooled away: half a frame (50 % overlap) for short tracks, growing to one
 * frame per column (up to `fftSize`, no gap) as the track gets longer; beyond
 * that, frames are pooled by max.
 */
export class SpectrogramAnalyser implements Analyser<SpectrogramData> {
  readonly name = 'spectrogram';
  readonly version = WAVE_VERSION;
  readonly stream = 'wave';
  opts!: SpectrogramOptions;
  /** frames per column */
  pool = 1;
  private sampleRate = 0;
  private fft!: RealFft;
  private window!: Float64Array;
  /** the mel filterbank flattened: row r's weights are melW[melOff[r] … melOff[r + 1]), for bins melStart[r] … */
  private melW!: Float64Array;
  private melOff!: Int32Array;
  private melStart!: Int32Array;
  private power!: Float64Array;
  /** samples waiting to be framed */
  private pending!: Float32Array;
  private pendingLen = 0;
  /** where the next frame starts in `pending` */
  private nextFrame = 0;
  private totalSamples = 0;
  private frames = 0;
  private columns = 0;
  /** per column, per row: max band power (linear) */
  private data!: Float32Array;
  private ref = 1;
  private readonly mono = { buf: new Float32Array(0) };
  /** mono mix decimated to ~SPECTROGRAM_RATE (null: the input's rate is low enough) */
  private dec: MonoDecimator | null = null;

  /**
   * `expectedSec`: the stated length (0 if unknown). Input above
   * 1.5 × SPECTROGRAM_RATE is mixed to mono and decimated first. Unless
   * `opts.fftSize` is given, the frame is 1024 samples up to 24 kHz (after
   * decimation) and 2048 above.
   */
  constructor(
    private readonly expectedSec = 0,
    private readonly userOpts: Partial<SpectrogramOptions> = {},
  ) {}

  init(inputRate: number): void {
    this.dec = inputRate >= 1.5 * SPECTROGRAM_RATE ? new MonoDecimator(inputRate, SPECTROGRAM_RATE) : null;
    const sampleRate = this.dec ? this.dec.outRate : inputRate;
    this.sampleRate = sampleRate;
    const expectedSamples = Math.max(0, this.expectedSec) * sampleRate;
    const opts = this.userOpts;
    const base = { ...SPECTROGRAM_DEFAULTS, ...(sampleRate > 24000 ? { fftSize: 2048 } : {}), ...opts };
    const autoHop = Math.min(base.fftSize, Math.max(base.fftSize / 2, Math.ceil(expectedSamples / base.maxColumns)));
    this.opts = { ...base, hop: opts.hop ?? autoHop };
    const { fftSize, hop, rows, maxColumns } = this.opts;
    this.fft = new RealFft(fftSize);
    this.window = hann(fftSize);
    const bands: MelBand[] = melFilterbank(rows, fftSize, sampleRate, 0, sampleRate / 2);
    this.melOff = new Int32Array(rows + 1);
    this.melStart = Int32Array.from(bands, (b) => b.start);
    for (let r = 0; r < rows; r++) this.melOff[r + 1] = this.melOff[r] + bands[r].weights.length;
    this.melW = new Float64Array(this.melOff[rows]);
    for (let r = 0; r < rows; r++) this.melW.set(bands[r].weights, this.melOff[r]);
    this.power = new Float64Array(fftSize / 2 + 1);
    this.pending = new Float32Array(fftSize + 8192);
    const expectedFrames = Math.ceil(expectedSamples / hop);
    this.pool = Math.max(1, Math.ceil(expectedFrames / maxColumns));
    const expectedCols = Math.ceil(expectedFrames / this.pool) + 4;
    this.data = new Float32Array(rows * Math.min(maxColumns, Math.max(64, expectedCols)));
    // energy of a full-scale sine through the window: N · Σw² / 4 (Parseval)
    let sw2 = 0;
    for (const w of this.window) sw2 += w * w;
    this.ref = (fftSize * sw2) / 4;
  }

  process(block: Float32Array[]): void {
    let samples: Float32Array;
    if (this.dec) {
      this.dec.process(block);
      samples = this.dec.samples();
    } else samples = monoOf(block, this.mono);
    const n = samples.length;
    this.totalSamples += n;
    let off = 0;
    while (off < n) {
      if (this.pendingLen === this.pending.length) this.drain();
      const take = Math.min(n - off, this.pending.length - this.pendingLen);
      this.pending.set(samples.subarray(off, off + take), this.pendingLen);
      this.pendingLen += take;
      off += take;
      this.drain();
    }
    this.dec?.discard(n);
  }

  /**
   * frame whatever is complete, keep the tail: the samples of the frames not yet analysed, and at least the last
   * fftSize samples seen (flushTail's last whole window)
   */
  private drain(): void {
    const { fftSize, hop } = this.opts;
    let pos = this.nextFrame;
    while (pos + fftSize <= this.pendingLen) {
      this.analyseFrame(this.pending, pos);
      pos += hop;
    }
    const drop = Math.min(pos, Math.max(0, this.pendingLen - fftSize));
    if (drop > 0) {
      this.pending.copyWithin(0, drop, this.pendingLen);
      this.pendingLen -= drop;
    }
    this.nextFrame = pos - drop;
  }

  finish(): SpectrogramData {
    this.flushTail();
    const { rows, floorDb, fftSize } = this.opts;
    return { sampleRate: this.sampleRate, columns: this.columns, rows, floorDb, fftSize, data: this.result() };
  }

  /**
   * The frames that start in the last fftSize samples, so that every sample is at the start of some frame's hop. Each
   * is the track's last whole window (its last fftSize samples), not its own start zero-padded: a track that ends
   * without fading (a cut, a loop's end) stopped mid-window, and that step to zero spread over every band — the last
   * columns drawn as a broadband smear that the music does not hold (tester23). Only a track shorter than one frame
   * is zero-padded.
   */
  private flushTail(): void {
    const { fftSize, hop } = this.opts;
    const wanted = Math.ceil(this.totalSamples / hop);
    if (this.frames < wanted) {
      const whole = this.pendingLen >= fftSize;
      let buf = this.pending;
      if (!whole) {
        buf = new Float32Array(this.pendingLen + fftSize);
        buf.set(this.pending.subarray(0, this.pendingLen));
      }
      for (let pos = this.nextFrame; this.frames < wanted && pos < this.pendingLen; pos += hop) this.analyseFrame(buf, whole ? this.pendingLen - fftSize : pos);
    }
    this.pendingLen = 0;
    this.nextFrame = 0;
  }

  private analyseFrame(src: Float32Array, pos: number): void {
    const { rows, maxColumns } = this.opts;
    this.fft.windowedPowerSpectrum(src, pos, this.window, this.power);
    let col = Math.floor(this.frames / this.pool);
    if (col >= maxColumns) {
      this.halve();
      col = Math.floor(this.frames / this.pool);
    }
    if (col >= this.columns) {
      if ((col + 1) * rows > this.data.length) {
        const next = new Float32Array(Math.min(maxColumns * rows, this.data.length * 2));
        next.set(this.data);
        this.data = next;
      }
      this.data.fill(0, col * rows, (col + 1) * rows);
      this.columns = col + 1;
    }
    const base = col * rows;
    const p = this.power;
    const d = this.data;
    const mw = this.melW;
    const mo = this.melOff;
    const ms = this.melStart;
    // each row's weighted sum in bin order, as over melFilterbank's bands (the same bits)
    for (let r = 0, j = 0; r < rows; r++) {
      const end = mo[r + 1];
      let s = 0;
      for (let k = ms[r]; j < end; j++, k++) s += mw[j] * p[k];
      if (s > d[base + r]) d[base + r] = s;
    }
    this.frames++;
  }

  /** merge neighbouring columns (max): the pool doubles, memory stays bounded */
  private halve(): void {
    const rows = this.opts.rows;
    const d = this.data;
    const cols = this.columns;
    const out = Math.ceil(cols / 2);
    for (let c = 0; c < out; c++) {
      for (let r = 0; r < rows; r++) {
        const a = d[2 * c * rows + r];
        const b = 2 * c + 1 < cols ? d[(2 * c + 1) * rows + r] : 0;
        d[c * rows + r] = a > b ? a : b;
      }
    }
    this.columns = out;
    this.pool *= 2;
  }

  get columnCount(): number {
    return this.columns;
  }

  /** Uint8 dB, column-major (column c, row r at c·rows + r): spectrogramBytes of the pooled band powers */
  result(): Uint8Array {
    return spectrogramBytes(this.data, this.columns * this.opts.rows, this.ref, this.opts.floorDb);
  }

}

/**
 * Band powers `d[0 … n)` (float32, ≥ 0; `ref`: a full-scale sine's power) as the spectrogram's Uint8 dB:
 * round(k·ln(p + eps) + off) clamped to 0…255, 0 = `floorDb`, 255 = 0 dBFS. The byte only grows with p, so for
 * many cells (`byThresholds`, by default from RESULT_THRESHOLD_CELLS on) it is found without a logarithm per
 * cell: the smallest power giving each byte 1…255 (255 thresholds, found by bisection on float32 bit patterns,
 * which order as the values do for p ≥ 0, with that same expression), then each cell's byte is the number of
 * thresholds at or below it (a table by the top 16 bits, then a step or none) — the same bytes, with ~8,000
 * logarithms instead of one per cell.
 */
export function spectrogramBytes(d: Float32Array, n: number, ref: number, floorDb: number, byThresholds = n >= RESULT_THRESHOLD_CELLS): Uint8Array {
  const out = new Uint8Array(n);
  // byte = (10·log10(p/ref) − floor) · 255/−floor, with log10(x) = ln(x)/ln(10)
  const k = (10 / Math.LN10) * (255 / -floorDb);
  const off = -floorDb * (255 / -floorDb) - k * Math.log(ref);
  const eps = 10 ** (floorDb / 10) * ref * 1e-3;
  const byteOf = (p: number) => {
    const v = Math.round(k * Math.log(p + eps) + off);
    return v < 0 ? 0 : v > 255 ? 255 : v;
  };
  if (!byThresholds) {
    for (let i = 0; i < n; i++) out[i] = byteOf(d[i]);
    return out;
  }
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const byteAt = (bits: number) => {
    u32[0] = bits;
    return byteOf(f32[0]);
  };
  // thr[b]: the smallest bit pattern whose power gives a byte ≥ b (+Infinity, 0x7f800000, gives 255: every b has one)
  const thr = new Uint32Array(256);
  let from = 0;
  for (let b = 1; b <= 255; b++) {
    let lo = from;
    let hi = 0x7f800000;
    if (byteAt(lo) >= b) hi = lo;
    else {
      // byteAt(lo) < b ≤ byteAt(hi)
      while (hi - lo > 1) {
        const mid = lo + ((hi - lo) >>> 1);
        if (byteAt(mid) >= b) hi = mid;
        else lo = mid;
      }
    }
    thr[b] = from = hi;
  }
  // start[j]: the byte of bit pattern j·2^16 (the bucket's lowest); a bucket spans 2^16 float32 steps, a factor
  // of at most 1 + 2^-7 (0.034 dB) — under one byte's width at the −90 dB floor (0.35 dB), so there at most one
  // threshold lies inside it and a cell takes at most one step (more with a much narrower range)
  const start = new Uint8Array(0x7f81);
  for (let j = 0, b = 0; j < start.length; j++) {
    while (b < 255 && thr[b + 1] <= j << 16) b++;
    start[j] = b;
  }
  const bits = new Uint32Array(d.buffer, d.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const x = bits[i];
    // the largest b with thr[b] ≤ x (0: none)
    let b = start[x >>> 16];
    while (b < 255 && thr[b + 1] <= x) b++;
    out[i] = b;
  }
  return out;
}
