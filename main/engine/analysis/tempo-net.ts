/**
 * A learned tempo model over a log-lag tempogram (issue 11; explored by helper temponet17, built into the analyser by
 * tnet18; BENCHMARKS.md "Tempo: a learned tempogram model (temponet17, exploratory)" and "Tempo: the tempogram net in
 * the analyser (tnet18)"). Off by default (LevelTuning.tempoNet unset); when set, tempo.ts estimateTempo chooses the
 * tempo among step one's level T × {1/3, 1/2, 1, 2, 3} by the net's log-probability (TEMPO_NET_RATIOS).
 *
 * Two parts, both the TypeScript twin of the Python that trained the weights:
 *   - tempoNetTempogram: tools/eval/temponet-features.py tempogram() — six channels (TEMPO_NET_CHANNELS) on a log-tempo
 *     axis of `bins` bins, bin b at loBpm · 2^(b / binsPerOctave) BPM (20–480 BPM, 24 per octave, 111 bins), each a
 *     summary over windowSec windows every hopSec (12 s, hop 6 s; one window of the whole envelope when it is shorter);
 *   - tempoNetLogProbs: tools/eval/temponet-train.py TempoNet.forward, per net of the ensemble — input (x − mu) ÷ sd per
 *     channel; four 1-D convolutions along the tempo axis (kernel 7, dilations 1, 2, 4, 8, 'same' zero padding, ReLU
 *     after each); a 1×1 convolution to one logit per bin; plus a per-bin prior; bins outside validBpm masked; log-softmax
 *     over the valid bins; then the mean of the nets' log-probabilities.
 * Weights: tempo-net-weights.ts (written by tools/eval/temponet-weights.ts from the JSON that tools/ exports).
 */
import { RealFft } from '../dsp/fft';
import { BAND_FEATURES, condition } from './tempo';

/** One layer of a net: a 1-D convolution along the log-tempo axis (PyTorch Conv1d's layout). */
export interface TempoNetLayer {
  in: number;
  out: number;
  /** odd; 'same' zero padding of (kernel − 1) / 2 · dilation bins each side */
  kernel: number;
  dilation: number;
  /** out × in × kernel, row-major (PyTorch Conv1d's weight) */
  weight: number[];
  bias: number[];
}
/** The JSON export of tools/eval/temponet-train.py (format resonance-tempo-net/1), as tempo-net-weights.ts holds it. */
export interface TempoNetWeights {
  format: 'resonance-tempo-net/1';
  /** the log-tempo axis: bin b at loBpm · 2^(b / binsPerOctave) BPM, b < bins (hiBpm the last) */
  binsPerOctave: number;
  loBpm: number;
  hiBpm: number;
  bins: number;
  /** the softmax runs over the bins inside [validBpm[0], validBpm[1]] (±0.1 %) */
  validBpm: [number, number];
  /** tempogram windows (seconds) and the DFT's length (points) */
  windowSec: number;
  hopSec: number;
  nfft: number;
  /** the input channels, tempo-net.ts TEMPO_NET_CHANNELS */
  channels: string[];
  /** the ensemble: each net's input standardisation (per channel), layers (ReLU after all but the last) and per-bin prior */
  nets: { mu: number[]; sd: number[]; layers: TempoNetLayer[]; prior: number[] }[];
}

/** The tempogram channels, in the nets' input order (TempoNetWeights.channels must equal it). */
export const TEMPO_NET_CHANNELS = ['acfMean', 'acfMax', 'dftMean', 'acfLow', 'acfMid', 'acfHigh'] as const;
/** The candidate ratios of step one's level T that the net chooses among (temponet17's "hyb5"). */
export const TEMPO_NET_RATIOS = [1 / 3, 1 / 2, 1, 2, 3] as const;
/** The value of a masked (invalid) bin's log-probability, as the Python's masked_fill(−1e9) gives. */
export const TEMPO_NET_MASKED = -1e9;

/** The axis' tempo (BPM) of each bin: loBpm · 2^(b / binsPerOctave), b < bins. */
export function tempoNetAxis(w: Pick<TempoNetWeights, 'loBpm' | 'binsPerOctave' | 'bins'>): Float64Array {
  const out = new Float64Array(w.bins);
  for (let b = 0; b < w.bins; b++) out[b] = w.loBpm * 2 ** (b / w.binsPerOctave);
  return out;
}

/**
 * temponet_tg.py windows(): [start, end) frame ranges of trunc(winSec · fps)-frame windows every trunc(hopSec · fps)
 * frames, plus one flush with the end where the last does not reach it; [[0, n]] (one shorter window) when the envelope
 * is no longer than one window.
 */
export function tempoNetWindows(n: number, fps: number, winSec: number, hopSec: number): [number, number][] {
  const w = Math.trunc(winSec * fps);
  const h = Math.trunc(hopSec * fps);
  if (n <= w) return [[0, n]];
  const out: [number, number][] = [];
  for (let s = 0; s <= n - w; s += h) out.push([s, s + w]);
  if (out[out.length - 1][0] + w < n) out.push([n - w, n]);
  return out;
}

/** np.interp(x, 0..len−1, y): linear between samples, clamped at the ends */
function interp(y: ArrayLike<number>, x: number): number {
  if (!(x > 0)) return y[0];
  const last = y.length - 1;
  if (x >= last) return y[last];
  const i = Math.floor(x);
  const f = x - i;
  return y[i] * (1 - f) + y[i + 1] * f;
}

/**
 * out[o + l] = Σ v[i]·v[i − l] over i = s0 + l … e − 1, for lags l < L (0 where l ≥ e − s0). Four lags at a time where
 * the range allows (e − s0 > L + 3): four independent sums, each over increasing i as one lag alone (the same numbers,
 * to the bit), one read of v[i] for four products — the adds' latency no longer serialises the loop.
 */
function lagSums(v: Float64Array, s0: number, e: number, L: number, out: Float64Array, o: number): void {
  let l = 0;
  if (e - s0 > L + 3)
    for (; l + 3 < L; l += 4) {
      let w0 = 0;
      let w1 = 0;
      let w2 = 0;
      let w3 = 0;
      let i = s0 + l;
      // the first three terms of the slower lags' ranges: lag l + k starts at i = s0 + l + k
      w0 += v[i] * v[i - l];
      w0 += v[i + 1] * v[i + 1 - l];
      w1 += v[i + 1] * v[i - l];
      w0 += v[i + 2] * v[i + 2 - l];
      w1 += v[i + 2] * v[i + 1 - l];
      w2 += v[i + 2] * v[i - l];
      for (i += 3; i < e; i++) {
        const x = v[i];
        const q = i - l;
        w0 += x * v[q];
        w1 += x * v[q - 1];
        w2 += x * v[q - 2];
        w3 += x * v[q - 3];
      }
      out[o + l] = w0;
      out[o + l + 1] = w1;
      out[o + l + 2] = w2;
      out[o + l + 3] = w3;
    }
  for (; l < L; l++) {
    let w = 0;
    for (let i = s0 + l; i < e; i++) w += v[i] * v[i - l];
    out[o + l] = w;
  }
}

/**
 * Per window, the autocorrelation of the window's mean-removed samples (Σ z[i]·z[i−l], l = 0 … maxLag, zero beyond the
 * window) divided by its lag 0, read at `lags` (frames, linear interpolation); a window with no power gives zeros.
 * The same linear autocorrelation the Python takes by an FFT of twice the window's length, summed directly over the
 * ≤ 133 lags (a 20 BPM period and 2 more) with each product v[i]·v[i−l] taken once: a window of two hop blocks (all but
 * a last one flush with the end) adds its blocks' sums — products inside the first block, inside the second and
 * across — and its mean is removed algebraically, Σ (v[i] − m)(v[i−l] − m) = Σ v[i]v[i−l] − m·(Σ v[i] + Σ v[i−l]) +
 * (n − l)·m² (sums by prefix sums): equal to the window-by-window sum to ~1e-13 of the value. Writes each window's row
 * into `rows` (windows × lags.length).
 */
function acfRows(v: Float64Array, wins: [number, number][], lags: Float64Array, maxLag: number, rows: Float64Array): void {
  const nb = lags.length;
  const L = maxLag + 1;
  const ac = new Float64Array(L);
  const n = v.length;
  const pre = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) pre[i + 1] = pre[i] + v[i];
  // hop blocks [B·h, (B + 1)·h): within[B][l] = Σ v[i]v[i−l] with i and i − l in block B, cross[B][l] with i − l in block B − 1
  const h = wins.length > 1 ? wins[1][0] - wins[0][0] : 0;
  // Paired blocks need every product of a cross sum to reach back into the block before only: the four-lag loop below
  // reads v[s0 + l + 2]…v[s0 − l − 3] for lags l…l + 3 ≤ maxLag, so h ≥ maxLag already suffices; the + 3 (232c4d2; was
  // h > maxLag) is slack for that unrolled loop's reach, not a change of rule. It cannot change results for the shipped
  // weights: hopSec 6 s at the tempo tap's fps (11025 Hz / 256 = 43.07; any fps above ~2.5 keeps it so) gives
  // h = 258 frames, and loBpm 20 a top lag of 3·fps ≈ 129.2 → maxLag = 132, so h > maxLag and h > maxLag + 3 both hold
  // and the same code path runs. Where it does not hold (h ≤ maxLag + 3: a hop barely longer than the slowest period)
  // each window is summed directly (lagSums), equal to the paired sums to ~1e-13 of the value (the docstring above).
  const paired = h > maxLag + 3 && wins[0][1] - wins[0][0] === 2 * h;
  const nBlocks = paired ? Math.floor(n / h) : 0;
  const within = new Float64Array(nBlocks * L);
  const cross = new Float64Array(nBlocks * L);
  for (let B = 0; B < nBlocks; B++) {
    const s0 = B * h;
    const e = s0 + h;
    const o = B * L;
    lagSums(v, s0, e, L, within, o);
    if (B > 0) {
      // cross[o + l] = Σ v[i]·v[i − l], i = s0 … s0 + l − 1 (four lags at a time as lagSums, each over increasing i)
      let l = 0;
      for (; l + 3 < L; l += 4) {
        let c0 = 0;
        let c1 = 0;
        let c2 = 0;
        let c3 = 0;
        let j = s0;
        for (; j < s0 + l; j++) {
          const x = v[j];
          const q = j - l;
          c0 += x * v[q];
          c1 += x * v[q - 1];
          c2 += x * v[q - 2];
          c3 += x * v[q - 3];
        }
        c1 += v[j] * v[j - l - 1];
        c2 += v[j] * v[j - l - 2];
        c3 += v[j] * v[j - l - 3];
        c2 += v[j + 1] * v[j + 1 - l - 2];
        c3 += v[j + 1] * v[j + 1 - l - 3];
        c3 += v[j + 2] * v[j + 2 - l - 3];
        cross[o + l] = c0;
        cross[o + l + 1] = c1;
        cross[o + l + 2] = c2;
        cross[o + l + 3] = c3;
      }
      for (; l < L; l++) {
        let c = 0;
        for (let i = s0; i < s0 + l; i++) c += v[i] * v[i - l];
        cross[o + l] = c;
      }
    }
  }
  const irregular = new Float64Array(L);
  for (let k = 0; k < wins.length; k++) {
    const [a, b] = wins[k];
    const len = b - a;
    const m = (pre[b] - pre[a]) / len;
    const B = paired && a % h === 0 && len === 2 * h ? a / h : -1;
    const reg = B >= 0 && B + 1 < nBlocks;
    if (!reg) lagSums(v, a, b, L, irregular, 0);
    for (let l = 0; l < L; l++) {
      if (l >= len) {
        ac[l] = 0;
        continue;
      }
      const raw = reg ? within[B * L + l] + within[(B + 1) * L + l] + cross[(B + 1) * L + l] : irregular[l];
      ac[l] = raw - m * (pre[b] - pre[a + l] + (pre[b - l] - pre[a])) + (len - l) * m * m;
    }
    const o = k * nb;
    if (ac[0] <= 1e-12) {
      rows.fill(0, o, o + nb);
      continue;
    }
    const a0 = ac[0];
    for (let l = 0; l < L; l++) ac[l] /= a0;
    for (let j = 0; j < nb; j++) rows[o + j] = interp(ac, lags[j]);
  }
}

/** mean over windows (rows: windows × nb) into out[o … o + nb) */
function meanInto(rows: Float64Array, nw: number, nb: number, out: Float64Array, o: number): void {
  for (let j = 0; j < nb; j++) {
    let s = 0;
    for (let k = 0; k < nw; k++) s += rows[k * nb + j];
    out[o + j] = s / nw;
  }
}

const ffts = new Map<number, RealFft>();
const hanns = new Map<number, Float64Array>();
/** np.hanning(L), the symmetric Hann window (1 at L = 1), made once per length */
function hannOf(L: number): Float64Array {
  let w = hanns.get(L);
  if (!w) {
    w = new Float64Array(L);
    for (let i = 0; i < L; i++) w[i] = L > 1 ? 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (L - 1)) : 1;
    if (hanns.size > 64) hanns.clear();
    hanns.set(L, w);
  }
  return w;
}

/**
 * The log-lag tempogram of one track (temponet-features.py tempogram(); temponet17/tnetcv18 trained on it).
 * @param env the conditioned onset envelope (tempo.ts condition() of the analyser's onset flux: Periodicity.env),
 *   frames at `fps` (11025 / 256 ≈ 43.07 per second)
 * @param bands the analyser's band features (BAND_FEATURES = 6 values per envelope frame; columns 0–2 the onset flux
 *   below 250 Hz, 250–2000 Hz and above 2 kHz — the columns an env6 cache file holds in the same order), or undefined
 *   (channels 3–5 then 0)
 * @param fps envelope frames per second
 * @param w the axis and windows (TempoNetWeights: binsPerOctave, loBpm, bins, windowSec, hopSec, nfft)
 * @returns channels × bins (6 × 111 for the shipped axis), row-major in TEMPO_NET_CHANNELS order:
 *   0 acfMean: per window the autocorrelation of the mean-removed envelope ÷ its lag 0, read at lag 60·fps/bpm (linear
 *     interpolation between lags), mean over windows; 1 acfMax: the same, max over windows; 2 dftMean: per window
 *     |8192-point DFT of the mean-removed, Hann-windowed (symmetric, np.hanning) samples| read at bpm/60 Hz (fractional
 *     bin, linear interpolation), divided by its mean over the axis, mean over windows; 3–5 acfLow/Mid/High: acfMean of
 *     each band group's flux conditioned as the envelope (tempo.ts condition; a silent band gives zeros). Unitless.
 */
export function tempoNetTempogram(env: Float64Array, bands: Float32Array | undefined, fps: number, w: Pick<TempoNetWeights, 'binsPerOctave' | 'loBpm' | 'bins' | 'windowSec' | 'hopSec' | 'nfft'>): Float64Array {
  const nb = w.bins;
  const bpm = tempoNetAxis(w);
  const out = new Float64Array(TEMPO_NET_CHANNELS.length * nb);
  const n = env.length;
  if (!n) return out;
  const wins = tempoNetWindows(n, fps, w.windowSec, w.hopSec);
  const nw = wins.length;
  const lags = new Float64Array(nb);
  let top = 0;
  for (let j = 0; j < nb; j++) top = Math.max(top, (lags[j] = (60 * fps) / bpm[j]));
  const maxLag = Math.ceil(top) + 2;
  const rows = new Float64Array(nw * nb);
  // 0, 1: the full envelope's autocorrelation, mean and max over windows
  acfRows(env, wins, lags, maxLag, rows);
  meanInto(rows, nw, nb, out, 0);
  for (let j = 0; j < nb; j++) {
    let m = -Infinity;
    for (let k = 0; k < nw; k++) m = Math.max(m, rows[k * nb + j]);
    out[nb + j] = m;
  }
  // 2: the DFT tempogram
  const N = w.nfft;
  let fft = ffts.get(N);
  if (!fft) ffts.set(N, (fft = new RealFft(N)));
  const frame = new Float64Array(N);
  const pow = new Float64Array(N / 2 + 1);
  const mag = new Float64Array(N / 2 + 1);
  const fr = new Float64Array(nb);
  for (let j = 0; j < nb; j++) fr[j] = (bpm[j] / 60 / fps) * N;
  // the spectrum's bins interp() reads (the magnitude's square root taken at those alone)
  const read = new Set<number>();
  for (let j = 0; j < nb; j++) {
    const i = Math.floor(fr[j]);
    if (!(fr[j] > 0)) read.add(0);
    else if (fr[j] >= N / 2) read.add(N / 2);
    else read.add(i).add(i + 1);
  }
  const readBins = Int32Array.from(read);
  for (let k = 0; k < nw; k++) {
    const [a, b] = wins[k];
    const L = Math.min(b - a, N);
    let m = 0;
    for (let i = a; i < b; i++) m += env[i];
    m /= b - a;
    if (k === 0 || L < Math.min(wins[k - 1][1] - wins[k - 1][0], N)) frame.fill(0, L);
    // np.hanning(L): the symmetric Hann window (1 at L = 1)
    const hw = hannOf(L);
    for (let i = 0; i < L; i++) frame[i] = (env[a + i] - m) * hw[i];
    fft.powerSpectrum(frame, pow);
    for (const i of readBins) mag[i] = Math.sqrt(pow[i]);
    let s = 0;
    const o = k * nb;
    for (let j = 0; j < nb; j++) s += rows[o + j] = interp(mag, fr[j]);
    const mean = s / nb;
    if (mean > 1e-12) for (let j = 0; j < nb; j++) rows[o + j] /= mean;
  }
  meanInto(rows, nw, nb, out, 2 * nb);
  // 3–5: the band groups' flux, each conditioned as the envelope, autocorrelation mean over windows
  if (bands) {
    const nf = Math.min(n, Math.floor(bands.length / BAND_FEATURES));
    for (let g = 0; g < 3; g++) {
      const e = new Float32Array(n);
      for (let i = 0; i < nf; i++) e[i] = bands[BAND_FEATURES * i + g];
      const c = condition(e, fps) ?? new Float64Array(n);
      acfRows(c, wins, lags, maxLag, rows);
      meanInto(rows, nw, nb, out, (3 + g) * nb);
    }
  }
  return out;
}

/** One net's weights as typed arrays (prepared once per weights object). */
interface PreparedNet {
  mu: Float64Array;
  sd: Float64Array;
  layers: { cin: number; cout: number; k: number; d: number; w: Float64Array; b: Float64Array }[];
  prior: Float64Array;
}
const prepared = new WeakMap<TempoNetWeights, PreparedNet[]>();
function prepare(w: TempoNetWeights): PreparedNet[] {
  let p = prepared.get(w);
  if (p) return p;
  if (w.channels.length !== TEMPO_NET_CHANNELS.length || w.channels.some((c, i) => c !== TEMPO_NET_CHANNELS[i])) throw new Error(`tempo net: channels ${w.channels.join(',')}, expected ${TEMPO_NET_CHANNELS.join(',')}`);
  p = w.nets.map((net) => ({
    mu: Float64Array.from(net.mu),
    sd: Float64Array.from(net.sd),
    prior: Float64Array.from(net.prior),
    layers: net.layers.map((l) => {
      if (l.weight.length !== l.out * l.in * l.kernel || l.bias.length !== l.out) throw new Error('tempo net: a layer\'s weight or bias has the wrong length');
      return { cin: l.in, cout: l.out, k: l.kernel, d: l.dilation, w: Float64Array.from(l.weight), b: Float64Array.from(l.bias) };
    }),
  }));
  prepared.set(w, p);
  return p;
}

/**
 * One output bin j of a dilated 1-D convolution layer (netLogits): its cin × k inputs xp[i·P + j + t·d] (xp: cin rows
 * of P, zero-padded 'same') gathered into `col` (im2col, length Q = cin·k), then y[o·nb + j] = B[o] + Σ_r W[o·Q + r] ·
 * col[r] for every output channel o < cout (PyTorch's weight order; ReLU'd when `relu`), four channels at a time: four
 * independent sums, each in the same order as one alone, so the same numbers — one read of the column for four
 * products, and the adds' latency no longer serialises the loop. A function of its own, called per bin, so that it is
 * compiled once when hot, not netLogits again at each loop it reaches (on-stack replacement) and after each branch its
 * first compile had not seen (BENCHMARKS.md "Throughput (speed28)").
 */
function convBin(xp: Float64Array, P: number, d: number, k: number, cin: number, col: Float64Array, W: Float64Array, B: Float64Array, Q: number, cout: number, y: Float64Array, nb: number, j: number, relu: boolean): void {
  let q = 0;
  for (let i = 0; i < cin; i++) for (let t = 0, p = i * P + j; t < k; t++, p += d) col[q++] = xp[p];
  let o = 0;
  for (; o + 3 < cout; o += 4) {
    let a0 = B[o];
    let a1 = B[o + 1];
    let a2 = B[o + 2];
    let a3 = B[o + 3];
    const w0 = o * Q;
    for (let r = 0; r < Q; r++) {
      const c = col[r];
      a0 += W[w0 + r] * c;
      a1 += W[w0 + Q + r] * c;
      a2 += W[w0 + 2 * Q + r] * c;
      a3 += W[w0 + 3 * Q + r] * c;
    }
    y[o * nb + j] = relu && a0 < 0 ? 0 : a0;
    y[(o + 1) * nb + j] = relu && a1 < 0 ? 0 : a1;
    y[(o + 2) * nb + j] = relu && a2 < 0 ? 0 : a2;
    y[(o + 3) * nb + j] = relu && a3 < 0 ? 0 : a3;
  }
  for (; o < cout; o++) {
    let acc = B[o];
    for (let r = 0, wo = o * Q; r < Q; r++) acc += W[wo + r] * col[r];
    y[o * nb + j] = relu && acc < 0 ? 0 : acc;
  }
}

/**
 * One net's logits + prior (before the softmax) at the bins `at` (all bins when null; other bins of the result 0): the
 * layers computed only where a later layer reads them (the bins `at`, widened by each dilated kernel's reach going
 * back), the same numbers where computed.
 */
function netLogits(tg: Float64Array, net: PreparedNet, nb: number, at: number[] | null): Float64Array {
  const C = TEMPO_NET_CHANNELS.length;
  // the bins each layer's output is needed at, from the last layer back
  const need: (Int32Array | null)[] = new Array(net.layers.length).fill(null);
  if (at) {
    let cur = new Set(at);
    for (let li = net.layers.length - 1; li >= 0; li--) {
      need[li] = Int32Array.from([...cur].sort((a, b) => a - b));
      const { k, d } = net.layers[li];
      const half = (k - 1) >> 1;
      const prev = new Set<number>();
      for (const j of cur) for (let t = -half; t <= half; t++) if (j + t * d >= 0 && j + t * d < nb) prev.add(j + t * d);
      cur = prev;
    }
  }
  let x = new Float64Array(C * nb);
  for (let c = 0; c < C; c++) for (let j = 0; j < nb; j++) x[c * nb + j] = (tg[c * nb + j] - net.mu[c]) / net.sd[c];
  for (let li = 0; li < net.layers.length; li++) {
    const { cin, cout, k, d, w: W, b: B } = net.layers[li];
    // x zero-padded by (k − 1) / 2 · d bins each side ('same'); per output bin j its cin × k inputs gathered into one
    // column (im2col), each output channel the dot product of its cin × k weights (PyTorch's order) with it
    const pad = ((k - 1) >> 1) * d;
    const P = nb + 2 * pad;
    const xp = new Float64Array(cin * P);
    for (let i = 0; i < cin; i++) xp.set(x.subarray(i * nb, (i + 1) * nb), i * P + pad);
    const Q = cin * k;
    const col = new Float64Array(Q);
    const y = new Float64Array(cout * nb);
    // ReLU after every layer but the last (the 1×1 to one logit per bin)
    const relu = li < net.layers.length - 1;
    const js = need[li];
    const count = js ? js.length : nb;
    for (let u = 0; u < count; u++) convBin(xp, P, d, k, cin, col, W, B, Q, cout, y, nb, js ? js[u] : u, relu);
    x = y;
  }
  for (let j = 0; j < nb; j++) x[j] += net.prior[j];
  return x;
}

/** the bins inside validBpm (±0.1 %, as the Python's mask) */
function validBins(w: TempoNetWeights): boolean[] {
  return Array.from(tempoNetAxis(w), (b) => b >= w.validBpm[0] * 0.999 && b <= w.validBpm[1] * 1.001);
}

/**
 * The ensemble's log-probability per bin of the tempo axis (temponet-train.py TempoNet.forward → log_softmax, mean over
 * the nets).
 * @param tg tempoNetTempogram's output (channels × bins, row-major)
 * @param w the weights (tempo-net-weights.ts TEMPO_NET, or another export of the same format)
 * @returns bins values: the mean over the nets of each net's log-softmax over the bins inside validBpm (natural log);
 *   bins outside validBpm hold TEMPO_NET_MASKED
 */
export function tempoNetLogProbs(tg: Float64Array, w: TempoNetWeights): Float64Array {
  const nb = w.bins;
  const valid = validBins(w);
  const out = new Float64Array(nb);
  const nets = prepare(w);
  for (const net of nets) {
    const x = netLogits(tg, net, nb, null);
    let m = -Infinity;
    for (let j = 0; j < nb; j++) if (valid[j]) m = Math.max(m, x[j]);
    let s = 0;
    for (let j = 0; j < nb; j++) if (valid[j]) s += Math.exp(x[j] - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < nb; j++) out[j] += valid[j] ? (x[j] - lse) / nets.length : 0;
  }
  for (let j = 0; j < nb; j++) if (!valid[j]) out[j] = TEMPO_NET_MASKED;
  return out;
}

/** The ensemble's log-probability at a tempo (BPM): linear interpolation at its fractional bin log2(bpm / loBpm) · binsPerOctave (clamped to the axis), as temponet-train.py's hyb5 score reads it. */
export function tempoNetScore(logProbs: Float64Array, bpm: number, w: Pick<TempoNetWeights, 'loBpm' | 'binsPerOctave'>): number {
  return interp(logProbs, Math.log2(bpm / w.loBpm) * w.binsPerOctave);
}

/**
 * The ensemble's log-probability at each of `bpms` (tempoNetScore's linear interpolation at the fractional bin
 * log2(bpm / loBpm) · binsPerOctave, clamped to the axis) up to one constant of the track (the mean of the nets'
 * log-normalisers, which neither an argmax nor a log-odds between the tempi sees): only the bins the tempi read are
 * computed, each layer only where the next one reads it (netLogits).
 * @param env the conditioned onset envelope (Periodicity.env), @param bands BAND_FEATURES per frame or undefined,
 * @param fps frames per second, @param bpms the tempi (BPM), @param w the weights.
 * @returns per tempo: `scores` (natural log, + the constant; a masked bin reads TEMPO_NET_MASKED, so a tempo at or next
 *   to a bin outside validBpm scores about −1e9 × its share of that bin) and `masked` (true when either bin it reads is
 *   outside validBpm).
 */
export function tempoNetScoresAt(env: Float64Array, bands: Float32Array | undefined, fps: number, bpms: readonly number[], w: TempoNetWeights): { scores: number[]; masked: boolean[] } {
  const nb = w.bins;
  const tg = tempoNetTempogram(env, bands, fps, w);
  const pos = bpms.map((b) => Math.log2(b / w.loBpm) * w.binsPerOctave);
  // the bins interp() reads at each position (one at the clamped ends)
  const read = pos.map((p) => {
    if (!(p > 0)) return [0];
    if (p >= nb - 1) return [nb - 1];
    const i = Math.floor(p);
    return p === i ? [i] : [i, i + 1];
  });
  const bins = [...new Set(read.flat())];
  const valid = validBins(w);
  const nets = prepare(w);
  const mean = new Float64Array(nb);
  for (const net of nets) {
    const x = netLogits(tg, net, nb, bins);
    for (const j of bins) mean[j] += x[j] / nets.length;
  }
  for (const j of bins) if (!valid[j]) mean[j] = TEMPO_NET_MASKED;
  return { scores: pos.map((p) => interp(mean, p)), masked: read.map((r) => r.some((j) => !valid[j])) };
}

/**
 * The net's choice among `level` × TEMPO_NET_RATIOS inside validBpm (30–320 BPM): the candidate with the highest
 * ensemble log-probability at its fractional bin (tempoNetScore's linear interpolation; ties to the earlier ratio,
 * slower first), as temponet-train.py's hyb5 read. `scores`: per candidate that log-probability plus one constant of the
 * track (tempoNetScoresAt): only the bins the candidates read are computed, ~45 % of the full forward pass's work.
 * @param env the conditioned onset envelope (Periodicity.env), @param bands BAND_FEATURES per frame or undefined,
 * @param fps frames per second, @param level step one's level T (BPM), @param w the weights.
 * An empty candidate list (T × every ratio outside validBpm) returns null.
 */
export function tempoNetChoice(env: Float64Array, bands: Float32Array | undefined, fps: number, level: number, w: TempoNetWeights): { bpm: number; scores: number[]; cands: number[] } | null {
  const cands = TEMPO_NET_RATIOS.map((r) => level * r).filter((b) => b >= w.validBpm[0] && b <= w.validBpm[1]);
  if (!cands.length) return null;
  const { scores } = tempoNetScoresAt(env, bands, fps, cands, w);
  let bi = 0;
  for (let i = 1; i < cands.length; i++) if (scores[i] > scores[bi]) bi = i;
  return { bpm: cands[bi], scores, cands };
}

/**
 * Decision19's arm P3, the product of experts (tools/eval/poe-score.py picks_of 'P3'; BENCHMARKS.md "temponet18: product
 * of experts (poe18)"): the index of the candidate with the largest chooser logit + net log-probability,
 * argmax_i s[i] + L[i] (the first on a tie, as Python's max). Candidates whose L reads a masked bin (`masked`) never win
 * while another is unmasked; when every one is masked, the chooser's own pick (argmax s).
 * @param s the octave chooser's logits per candidate (octaveNetScore), @param L tempoNetScoresAt's scores at the same
 * candidates (natural log, any per-track constant), @param masked tempoNetScoresAt's masked flags. Same lengths, ≥ 1.
 */
export function productOfExperts(s: readonly number[], L: readonly number[], masked: readonly boolean[]): number {
  let bi = -1;
  for (let i = 0; i < s.length; i++) if (!masked[i] && (bi < 0 || s[i] + L[i] > s[bi] + L[bi])) bi = i;
  if (bi >= 0) return bi;
  bi = 0;
  for (let i = 1; i < s.length; i++) if (s[i] > s[bi]) bi = i;
  return bi;
}
