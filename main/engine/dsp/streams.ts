/**
 * Small DSP building blocks shared by the analysers (the FFT and windows are in
 * ./fft.ts, the mel scale in ./mel.ts): a downmixing FIR decimator, frame
 * buffers, shared streams. Plain typed-array code, no allocation per call.
 */

export function lowpassFir(taps: number, cutoff: number): Float64Array {
  const h = new Float64Array(taps);
  const mid = (taps - 1) / 2;
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    const x = i - mid;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const w = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (taps - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (taps - 1));
    h[i] = sinc * w;
    sum += h[i];
  }
  for (let i = 0; i < taps; i++) h[i] /= sum;
  return h;
}

/**
 * Streaming mono downmix + integer-factor FIR decimation. Feed per-channel
 * blocks; collects the decimated signal in a growing buffer that the owner
 * drains with `take()`.
 */
export class MonoDecimator {
  readonly factor: number;
  readonly outRate: number;
  /** group delay of the filter, in input samples */
  readonly delay: number;
  private readonly h: Float64Array;
  private hist: Float64Array;
  private histLen: number;
  /** index in hist of the last input sample of the next output window */
  private p: number;
  private out: Float32Array;
  private outLen = 0;

  constructor(inRate: number, targetRate: number, tapsPerFactor = 6) {
    this.factor = Math.max(1, Math.round(inRate / targetRate));
    this.outRate = inRate / this.factor;
    const taps = this.factor === 1 ? 1 : tapsPerFactor * this.factor;
    this.h = this.factor === 1 ? Float64Array.of(1) : lowpassFir(taps, 0.42 / this.factor);
    this.delay = (taps - 1) / 2;
    // sized for one block of the analysis decode (4096 frames); both grow when a block is longer
    this.hist = new Float64Array(taps - 1 + 4096);
    this.histLen = taps - 1; // zeros before the first sample
    this.p = taps - 1;
    this.out = new Float32Array(Math.ceil(4096 / this.factor) + 1024);
  }

  process(block: Float32Array[]): void {
    const n = block[0].length;
    const ch = block.length;
    const taps = this.h.length;
    // Append the downmix to the history (kept as the last taps-1 samples + this block).
    if (this.histLen + n > this.hist.length) {
      const bigger = new Float64Array(this.histLen + n + 4096);
      bigger.set(this.hist.subarray(0, this.histLen));
      this.hist = bigger;
    }
    const hist = this.hist;
    const base = this.histLen;
    if (ch === 1) {
      const a = block[0];
      for (let i = 0; i < n; i++) hist[base + i] = a[i];
    } else if (ch === 2) {
      const a = block[0];
      const b = block[1];
      for (let i = 0; i < n; i++) hist[base + i] = 0.5 * (a[i] + b[i]);
    } else {
      const g = 1 / ch;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < ch; c++) s += block[c][i];
        hist[base + i] = s * g;
      }
    }
    const total = base + n;
    const h = this.h;
    const f = this.factor;
    // Output sample j uses hist[p - taps + 1 .. p] where p steps by `factor`.
    let p = this.p;
    const need = Math.ceil((total - p) / f);
    if (this.outLen + need > this.out.length) {
      const bigger = new Float32Array(Math.max(this.out.length * 2, this.outLen + need + 1024));
      bigger.set(this.out.subarray(0, this.outLen));
      this.out = bigger;
    }
    const out = this.out;
    let o = this.outLen;
    // The filter is symmetric (linear phase): fold the window and halve the multiplies.
    const halfTaps = taps >> 1;
    const odd = taps & 1;
    if (taps === 18) {
      // factor 3 (44.1 and 48 kHz → ~16 kHz, the spectrogram's case): the same
      // sums in the same order, with the 9 folded coefficients in locals.
      const h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4], h5 = h[5], h6 = h[6], h7 = h[7], h8 = h[8];
      for (; p < total; p += f) {
        const s0 = p - 17;
        let acc = 0;
        acc += h0 * (hist[s0] + hist[p]);
        acc += h1 * (hist[s0 + 1] + hist[p - 1]);
        acc += h2 * (hist[s0 + 2] + hist[p - 2]);
        acc += h3 * (hist[s0 + 3] + hist[p - 3]);
        acc += h4 * (hist[s0 + 4] + hist[p - 4]);
        acc += h5 * (hist[s0 + 5] + hist[p - 5]);
        acc += h6 * (hist[s0 + 6] + hist[p - 6]);
        acc += h7 * (hist[s0 + 7] + hist[p - 7]);
        acc += h8 * (hist[s0 + 8] + hist[p - 8]);
        out[o++] = acc;
      }
    }
    if (taps === 24 && f === 4) {
      // factor 4 (44.1 and 48 kHz → ~11 kHz, the shared base stream of every library analysis)
      const o0 = o;
      o = fir24by4(hist, p, total, h, out, o);
      p += (o - o0) * f;
    }
    if (taps === 16 && f === 2) {
      // factor 2 with 8 taps per factor (~11 kHz → ~5.5 kHz, the key's stream)
      const o0 = o;
      o = fir16by2(hist, p, total, h, out, o);
      p += (o - o0) * f;
    }
    for (; p < total; p += f) {
      const s0 = p - taps + 1;
      let acc = odd ? h[halfTaps] * hist[s0 + halfTaps] : 0;
      for (let k = 0, e = p; k < halfTaps; k++, e--) acc += h[k] * (hist[s0 + k] + hist[e]);
      out[o++] = acc;
    }
    this.outLen = o;
    // Keep the last taps-1 samples; remember where the next output falls.
    const keep = taps - 1;
    hist.copyWithin(0, total - keep, total);
    this.p = p - (total - keep);
    this.histLen = keep;
  }

  /** Drop the first `count` decimated samples (already consumed by the owner). */
  discard(count: number): void {
    if (count <= 0) return;
    this.out.copyWithin(0, count, this.outLen);
    this.outLen -= count;
  }

  /** The decimated samples not yet discarded (a view; valid until the next process()). */
  samples(): Float32Array {
    return this.out.subarray(0, this.outLen);
  }
}

/**
 * The folded 24-tap FIR of MonoDecimator at factor 4: out[o++] = Σ_{k<12} h[k]·(hist[p−23+k] + hist[p−k]) for
 * p, p+4, … < total, each sum from 0 in k order (the general loop's sums, to the bit). The 24-sample window is
 * kept in locals and slides by 4 per output, so each output reads 4 new samples of `hist` instead of 24.
 * hist: Float64Array (mono downmix; p ≥ 23), h: the 24 symmetric coefficients (only h[0..11] read),
 * out: Float32Array with room for every output. Returns the new output count o.
 */
function fir24by4(hist: Float64Array, p: number, total: number, h: Float64Array, out: Float32Array, o: number): number {
  if (p >= total) return o;
  const h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4], h5 = h[5], h6 = h[6], h7 = h[7], h8 = h[8], h9 = h[9], h10 = h[10], h11 = h[11];
  const s = p - 23;
  let w0 = hist[s], w1 = hist[s + 1], w2 = hist[s + 2], w3 = hist[s + 3], w4 = hist[s + 4], w5 = hist[s + 5], w6 = hist[s + 6];
  let w7 = hist[s + 7], w8 = hist[s + 8], w9 = hist[s + 9], w10 = hist[s + 10], w11 = hist[s + 11], w12 = hist[s + 12];
  let w13 = hist[s + 13], w14 = hist[s + 14], w15 = hist[s + 15], w16 = hist[s + 16], w17 = hist[s + 17], w18 = hist[s + 18];
  let w19 = hist[s + 19];
  for (; p < total; p += 4) {
    const w20 = hist[p - 3], w21 = hist[p - 2], w22 = hist[p - 1], w23 = hist[p];
    let acc = 0;
    acc += h0 * (w0 + w23);
    acc += h1 * (w1 + w22);
    acc += h2 * (w2 + w21);
    acc += h3 * (w3 + w20);
    acc += h4 * (w4 + w19);
    acc += h5 * (w5 + w18);
    acc += h6 * (w6 + w17);
    acc += h7 * (w7 + w16);
    acc += h8 * (w8 + w15);
    acc += h9 * (w9 + w14);
    acc += h10 * (w10 + w13);
    acc += h11 * (w11 + w12);
    out[o++] = acc;
    w0 = w4; w1 = w5; w2 = w6; w3 = w7; w4 = w8; w5 = w9; w6 = w10; w7 = w11; w8 = w12; w9 = w13;
    w10 = w14; w11 = w15; w12 = w16; w13 = w17; w14 = w18; w15 = w19; w16 = w20; w17 = w21; w18 = w22; w19 = w23;
  }
  return o;
}

/**
 * The folded 16-tap FIR of MonoDecimator at factor 2 (the ~5.5 kHz tap chained on the ~11 kHz one), as
 * fir24by4: out[o++] = Σ_{k<8} h[k]·(hist[p−15+k] + hist[p−k]) for p, p+2, … < total, the window in locals
 * sliding by 2 per output. hist: Float64Array, p ≥ 15. Returns the new output count o.
 */
function fir16by2(hist: Float64Array, p: number, total: number, h: Float64Array, out: Float32Array, o: number): number {
  if (p >= total) return o;
  const h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4], h5 = h[5], h6 = h[6], h7 = h[7];
  const s = p - 15;
  let w0 = hist[s], w1 = hist[s + 1], w2 = hist[s + 2], w3 = hist[s + 3], w4 = hist[s + 4], w5 = hist[s + 5], w6 = hist[s + 6];
  let w7 = hist[s + 7], w8 = hist[s + 8], w9 = hist[s + 9], w10 = hist[s + 10], w11 = hist[s + 11], w12 = hist[s + 12];
  let w13 = hist[s + 13];
  for (; p < total; p += 2) {
    const w14 = hist[p - 1], w15 = hist[p];
    let acc = 0;
    acc += h0 * (w0 + w15);
    acc += h1 * (w1 + w14);
    acc += h2 * (w2 + w13);
    acc += h3 * (w3 + w12);
    acc += h4 * (w4 + w11);
    acc += h5 * (w5 + w10);
    acc += h6 * (w6 + w9);
    acc += h7 * (w7 + w8);
    out[o++] = acc;
    w0 = w2; w1 = w3; w2 = w4; w3 = w5; w4 = w6; w5 = w7; w6 = w8; w7 = w9; w8 = w10; w9 = w11; w10 = w12; w11 = w13;
    w12 = w14; w13 = w15;
  }
  return o;
}

/** Pearson correlation of two equally long vectors. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma;
    const y = b[i] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * Decimated mono versions of the decoded stream, computed once per block and
 * shared by every analyser that asks for them (tempo and key both want a
 * ~11 kHz / ~5.5 kHz mono signal; decimating once halves their cost).
 */
export class SharedStreams {
  readonly sampleRate: number;
  readonly channels: number;
  /** speaker positions of the channels as ffmpeg stated them (AV_CH_* bits; 0: not stated — mono/stereo), see media/pcm.ts */
  readonly channelMask: number;
  private base: MonoDecimator | null = null;
  private readonly taps: { rate: number; dec: MonoDecimator; tap: MonoTap }[] = [];

  constructor(sampleRate: number, channels: number, channelMask = 0) {
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.channelMask = channelMask;
  }

  /**
   * A mono tap at about `rate` Hz (11025 → the input's rate / round(rate/11025);
   * lower rates are decimated further from that one).
   */
  mono(rate: number): MonoTap {
    if (!this.base) this.base = new MonoDecimator(this.sampleRate, 11025);
    const base = this.base;
    const existing = this.taps.find((t) => Math.abs(t.rate - rate) < 1);
    if (existing) return existing.tap;
    const chained = rate < base.outRate * 0.75;
    const dec = chained ? new MonoDecimator(base.outRate, rate, 8) : base;
    const tap = new MonoTap(dec.outRate, base.delay / this.sampleRate + (chained ? dec.delay / base.outRate : 0));
    this.taps.push({ rate, dec, tap });
    return tap;
  }

  /** Run the decimators on one decoded block; taps then hold this block's output. */
  process(block: Float32Array[]): void {
    if (!this.base) return;
    this.base.process(block);
    const b = this.base.samples();
    for (const t of this.taps) {
      if (t.dec === this.base) t.tap.current = b;
      else {
        t.dec.process([b]);
        t.tap.current = t.dec.samples();
      }
    }
    // Everything of this block is handed out; consumers copy what they need.
    this.pendingDiscard = true;
  }

  /** Called after all analysers saw the block. */
  endBlock(): void {
    if (!this.pendingDiscard || !this.base) return;
    for (const t of this.taps) if (t.dec !== this.base) t.dec.discard(t.dec.samples().length);
    this.base.discard(this.base.samples().length);
    this.pendingDiscard = false;
  }

  private pendingDiscard = false;
}

/** One consumer-facing decimated stream: `current` holds the samples produced by the latest block. */
export class MonoTap {
  readonly rate: number;
  /** filter delay, seconds: sample i of the tap is at time i / rate − delaySec */
  readonly delaySec: number;
  current: Float32Array = new Float32Array(0);
  constructor(rate: number, delaySec: number) {
    this.rate = rate;
    this.delaySec = delaySec;
  }
}

/**
 * A sliding frame buffer over a tap: append each block's samples, then take
 * frames of `size` every `hop` samples.
 */
/** Float32 samples appended block by block; grows as needed. */
export class GrowingBuffer {
  private buf: Float32Array;
  length = 0;
  constructor(capacity: number) {
    this.buf = new Float32Array(capacity);
  }
  append(x: Float32Array): void {
    if (this.length + x.length > this.buf.length) {
      const b = new Float32Array(Math.max(this.buf.length * 2, this.length + x.length));
      b.set(this.buf.subarray(0, this.length));
      this.buf = b;
    }
    this.buf.set(x, this.length);
    this.length += x.length;
  }
  /** the backing array (valid up to `length`) */
  get array(): Float32Array {
    return this.buf;
  }
  /** forget the first `n` samples */
  drop(n: number): void {
    this.buf.copyWithin(0, n, this.length);
    this.length -= n;
  }
}

/** FrameBuffer.frames' callback through framesWith: fn(buf, offset) */
function callFrame(fn: (buf: Float32Array, offset: number) => void, buf: Float32Array, offset: number): void {
  fn(buf, offset);
}

export class FrameBuffer {
  private readonly samples: GrowingBuffer;
  constructor(readonly size: number, readonly hop: number) {
    this.samples = new GrowingBuffer(size * 4);
  }
  push(x: Float32Array): void {
    this.samples.append(x);
  }
  /** Call `fn(buffer, offset)` for every complete frame, then drop the consumed samples. */
  frames(fn: (buf: Float32Array, offset: number) => void): void {
    this.framesWith(callFrame, fn);
  }

  /**
   * frames() with the callback's state passed in: `fn(ctx, buffer, offset)` for every complete frame. `fn` is best a
   * function that lives as long as the program (a module function or a static method), the state in `ctx`: V8 holds
   * optimised code only weakly from a function's feedback, so a closure made per call lost its code at each major GC
   * and was compiled again (BENCHMARKS.md "Throughput (speed28)").
   */
  framesWith<T>(fn: (ctx: T, buf: Float32Array, offset: number) => void, ctx: T): void {
    let pos = 0;
    while (pos + this.size <= this.samples.length) {
      fn(ctx, this.samples.array, pos);
      pos += this.hop;
    }
    if (pos > 0) this.samples.drop(pos);
  }
}
