/**
 * Second-order IIR sections (biquads) by the Audio EQ Cookbook (R. Bristow-Johnson):
 * Butterworth (Q = 1/√2) low- and high-pass, direct form I, state kept across
 * blocks. Used by the waveform's frequency bands (analysis/waveform.ts).
 */
export class Biquad {
  private b0 = 1;
  private b1 = 0;
  private b2 = 0;
  private a1 = 0;
  private a2 = 0;
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;

  /**
   * `kind` low or high pass, `cutoffHz` the −3 dB frequency, `sampleRate` in Hz.
   * @throws RangeError when the cutoff is not inside 0 … sampleRate / 2.
   */
  constructor(kind: 'lowpass' | 'highpass', cutoffHz: number, sampleRate: number, q = Math.SQRT1_2) {
    if (!(cutoffHz > 0 && cutoffHz < sampleRate / 2)) throw new RangeError(`cutoff ${cutoffHz} Hz must lie between 0 and ${sampleRate / 2} Hz`);
    const w = (2 * Math.PI * cutoffHz) / sampleRate;
    const cos = Math.cos(w);
    const alpha = Math.sin(w) / (2 * q);
    const a0 = 1 + alpha;
    const k = kind === 'lowpass' ? (1 - cos) / 2 : (1 + cos) / 2;
    this.b0 = k / a0;
    this.b1 = (kind === 'lowpass' ? 2 * k : -2 * k) / a0;
    this.b2 = k / a0;
    this.a1 = (-2 * cos) / a0;
    this.a2 = (1 - alpha) / a0;
  }

  /** Set a state that decayed to near zero to zero (denormal arithmetic is slow; call now and then, e.g. once per output block). */
  flush(): void {
    if (Math.abs(this.y1) < 1e-30 && Math.abs(this.y2) < 1e-30) {
      this.y1 = 0;
      this.y2 = 0;
    }
  }

  /** One sample through the filter. */
  step(x: number): number {
    const y = this.b0 * x + this.b1 * this.x1 + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
    this.x2 = this.x1;
    this.x1 = x;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}
