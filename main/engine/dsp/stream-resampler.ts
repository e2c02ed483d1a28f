import { SincResampler } from '../model/preprocess/audio';

/**
 * One channel resampled as it arrives, with torchaudio.functional.resample's windowed-sinc kernel (SincResampler:
 * lowpass_filter_width 6, rolloff 0.99, zero phase): what `push` and `end` return, concatenated, equals resampling
 * the whole signal at once (ceil(new · len / orig) samples). Input is kept only as far back as the next output
 * needs (the kernel's width). For decodes where ffmpeg's own resampler cannot be used (more than 64 channels).
 */
export class StreamResampler {
  private readonly r: SincResampler;
  private buf = new Float32Array(8192);
  /** absolute index of buf[0] */
  private bufStart = 0;
  /** input samples received (absolute end of buf's contents) */
  private received = 0;
  /** next output sample to compute */
  private next = 0;

  /**
   * `shared`: a SincResampler for the same inRate → outRate to use instead of building one (its kernel is read-only,
   * so the channels of one decode can share it: building it is next·(2·width + orig) float32 sin/cos, 147k for
   * 32 → 44.1 kHz).
   */
  constructor(inRate: number, outRate: number, shared?: SincResampler) {
    // orig:next is inRate:outRate in lowest terms (coprime), so equal cross products mean the same ratio, the same kernel
    if (shared && shared.orig * outRate !== shared.next * inRate) throw new Error(`The shared resampler is ${shared.orig}:${shared.next}, not ${inRate} → ${outRate} Hz.`);
    this.r = shared ?? new SincResampler(inRate, outRate);
  }

  /** Append `x`; returns the output samples it completes (possibly none). */
  push(x: Float32Array): Float32Array {
    const used = this.received - this.bufStart;
    if (used + x.length > this.buf.length) {
      const bigger = new Float32Array(Math.max(2 * this.buf.length, used + x.length));
      bigger.set(this.buf.subarray(0, used));
      this.buf = bigger;
    }
    this.buf.set(x, used);
    this.received += x.length;
    const { orig, next, width } = this.r;
    const taps = 2 * width + orig;
    // output j reads input [floor(j / next)·orig − width, … + taps): complete when that end is received
    const blocks = Math.floor((this.received + width - taps) / orig);
    const end = (blocks + 1) * next;
    if (blocks < 0 || end <= this.next) return new Float32Array(0);
    const out = this.r.outputRangeOf(this.buf, this.bufStart, Number.MAX_SAFE_INTEGER, this.next, end);
    this.next = end;
    // keep only what the next output reads
    const keepFrom = Math.max(this.bufStart, Math.floor(end / next) * orig - width);
    if (keepFrom > this.bufStart) {
      this.buf.copyWithin(0, keepFrom - this.bufStart, this.received - this.bufStart);
      this.bufStart = keepFrom;
    }
    return out;
  }

  /** The remaining output samples, the signal taken to end here (zeros after it, as torchaudio pads). */
  end(): Float32Array {
    const out = this.r.outputRangeOf(this.buf, this.bufStart, this.received, this.next, this.r.outputLength(this.received));
    this.next = this.r.outputLength(this.received);
    return out;
  }
}
