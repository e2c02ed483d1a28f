/**
 * The learned key net (knet22, decision22 arm K1; source: keynet17's KeyNet, tools/eval/keynet-train.py, trained there
 * with --final on the dev-side keyed rows and key-prog's varied progressions). A TypeScript forward pass of the torch
 * model — no onnx: 9,858 parameters per net (seq arm), ~36 k multiply-adds per audio second.
 *
 * Input (keyNetInput): TonalAnalyser's own per-frame chroma and bass chroma (frames × 12, frame-major, C..B, on the
 * track's tuning; one frame = 1024 / 5512.5 Hz = 0.186 s), the in-band energy per frame and the active flags (pitched
 * track, energy above −60 dB of the loudest frame). Pooled as calibrate.ts --frames dumps it: blocks of 3 frames
 * (0.557 s; chroma and bass summed over the block's active frames, energy the mean over all its frames, active share);
 * then keynet-train.py features(): blocks with no active frame dropped (all kept if none is active), pairs of blocks
 * summed (one step = 1.11 s; an odd last block dropped), three planes per step over the 12 pitch classes — chroma / its
 * max, bass chroma / its max, loudness log10(e / max e) / 6 clipped to [−1, 0] — as 3 × 12 × T (plane, pitch, step).
 *
 * Net (keyNetProbs, per net of the ensemble; KeyNet.forward in eval mode): l1 a convolution over pitch (kernel 12,
 * circular) × time (kernel tk, zero padded 'same'), ReLU; l2, l3 per-pitch-class temporal convolutions (kernel tk,
 * dilations 2 and 4), ReLU, residual; mean and max over time; p1 a circular pitch convolution (kernel 12) of the
 * 2 × ch pooled planes to ch, ReLU; head the same to 2 planes (major, minor) → 24 logits, softmax. tk 3 ('seq') or 1
 * ('bag', order-blind). The ensemble's output is the mean of its nets' probabilities: 24 values, C..B major then C..B
 * minor (ALL_KEYS' order), summing to 1.
 *
 * Pinned to the torch code by test/unit/analysis-key-net.test.ts (test/fixtures/key-net, tools/eval/keynet-fixture.py).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MIN_CONFIDENCE } from '@contract';
import { roundConfidence } from './confidence';

/** one tensor of a torch state_dict: its shape and its values, row-major */
export interface KeyNetTensor {
  shape: number[];
  data: number[];
}

/** one KeyNet's state_dict (keynet-train.py export_net) */
export type KeyNetParams = Record<'l1.conv.weight' | 'l1.conv.bias' | 'l2.weight' | 'l2.bias' | 'l3.weight' | 'l3.bias' | 'p1.weight' | 'p1.bias' | 'head.weight' | 'head.bias', KeyNetTensor>;

/** key-net.json (format resonance-key-net/1, keynet-train.py --final) */
export interface KeyNetWeights {
  format: 'resonance-key-net/1';
  note?: string;
  /** temporal kernel length: 3 (seq) or 1 (bag) */
  tk: number;
  /** the net's key replaces the analyser's when its top probability is ≥ tau (decision22's sweep) */
  tau: number;
  /**
   * the key confidence where the net's key is used: 1 / (1 + exp(−(confNet · logit(p) + confShipped · logit(c) +
   * confBias))), p the net's top probability, c the analyser's own calibrated confidence in its profile key (which
   * holds the no-key cues the net lacks); fitted out of fold by keynet-train.py --k1-report
   */
  confNet: number;
  confShipped: number;
  confBias: number;
  nets: KeyNetParams[];
}

/** analysis frames per block (calibrate.ts FRAMES_POOL) and blocks per step (keynet-train.py features) */
export const KEY_NET_POOL = 3;
/** the bass chroma's upper edge, Hz (calibrate.ts FRAMES_BASS_HZ: what the net was trained on) */
export const KEY_NET_BASS_HZ = 200;

/**
 * The net's input from the analyser's frames (see the header).
 * @param chroma frames × 12, @param bass frames × 12 (zeros when absent), @param energy per frame, @param active per frame
 * @returns x: 3 × 12 × steps (plane, pitch class, step), steps ≥ 0 (0 only when there is no frame)
 */
export function keyNetInput(chroma: ArrayLike<number>, bass: ArrayLike<number>, energy: ArrayLike<number>, active: ArrayLike<boolean>, frames: number): { x: Float64Array; steps: number } {
  const nb = Math.ceil(frames / KEY_NET_POOL);
  const c = new Float64Array(nb * 12), b = new Float64Array(nb * 12), e = new Float64Array(nb), act = new Float64Array(nb);
  for (let k = 0; k < nb; k++) {
    let n = 0, on = 0, s = 0;
    for (let f = k * KEY_NET_POOL; f < Math.min(frames, (k + 1) * KEY_NET_POOL); f++) {
      n++;
      s += energy[f];
      if (!active[f]) continue;
      on++;
      for (let i = 0; i < 12; i++) {
        c[k * 12 + i] += chroma[f * 12 + i];
        b[k * 12 + i] += bass[f * 12 + i];
      }
    }
    e[k] = n ? s / n : 0;
    act[k] = n ? on / n : 0;
  }
  let keep: number[] = [];
  for (let k = 0; k < nb; k++) if (act[k] > 0) keep.push(k);
  if (!keep.length) keep = Array.from({ length: nb }, (_, k) => k);
  const pair = keep.length >= 2;
  const steps = pair ? Math.floor(keep.length / 2) : keep.length;
  const sc = new Float64Array(steps * 12), sb = new Float64Array(steps * 12), se = new Float64Array(steps);
  for (let t = 0; t < steps; t++) {
    const ks = pair ? [keep[2 * t], keep[2 * t + 1]] : [keep[t]];
    for (const k of ks) {
      for (let i = 0; i < 12; i++) {
        sc[t * 12 + i] += c[k * 12 + i];
        sb[t * 12 + i] += b[k * 12 + i];
      }
      se[t] += e[k] / ks.length;
    }
  }
  let emax = 0;
  for (let t = 0; t < steps; t++) if (se[t] > emax) emax = se[t];
  const x = new Float64Array(3 * 12 * steps);
  for (let t = 0; t < steps; t++) {
    let cm = 0, bm = 0;
    for (let i = 0; i < 12; i++) {
      if (sc[t * 12 + i] > cm) cm = sc[t * 12 + i];
      if (sb[t * 12 + i] > bm) bm = sb[t * 12 + i];
    }
    const le = Math.min(0, Math.max(-1, Math.log10(Math.max(se[t], 1e-20) / Math.max(emax, 1e-20)) / 6));
    for (let i = 0; i < 12; i++) {
      x[(0 * 12 + i) * steps + t] = sc[t * 12 + i] / Math.max(cm, 1e-12);
      x[(1 * 12 + i) * steps + t] = sb[t * 12 + i] / Math.max(bm, 1e-12);
      x[(2 * 12 + i) * steps + t] = le;
    }
  }
  return { x, steps };
}

/** a net's tensors as Float64Arrays (converted once per net object) */
const typed = new WeakMap<KeyNetParams, Record<string, Float64Array>>();
function tensors(p: KeyNetParams): Record<string, Float64Array> {
  let t = typed.get(p);
  if (!t) typed.set(p, (t = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Float64Array.from(v.data)]))));
  return t;
}

/**
 * Zeroes the pads of `rows` rows of L values: the first PAD and the last L − PAD − T of each (forward's layout). A
 * module-level function, not a closure made per forward() call: a new closure per call was a new call target for the
 * optimised forward, which deoptimised ("wrong call target") and was compiled again (BENCHMARKS.md "Throughput (speed28)").
 */
function zeroPads(a: Float32Array, rows: number, L: number, T: number): void {
  for (let r = 0; r < rows; r++) {
    a.fill(0, r * L, r * L + PAD);
    a.fill(0, r * L + PAD + T, (r + 1) * L);
  }
}

/**
 * The circular 12-pitch layer of forward's head: out[o·12 + q] = bias[o] + Σ_c Σ_i w[(o·ci + c)·12 + i] ·
 * inp[c·12 + (q + i) mod 12], ReLU'd when `relu`. inp: ci × 12; w: co × ci × 12; returns co × 12.
 */
function circ(inp: Float64Array, w: Float64Array, bias: Float64Array, co: number, ci: number, relu: boolean): Float64Array {
  const out = new Float64Array(co * 12);
  for (let o = 0; o < co; o++) {
    for (let q = 0; q < 12; q++) {
      let s = bias[o];
      for (let c = 0; c < ci; c++) for (let i = 0; i < 12; i++) s += w[(o * ci + c) * 12 + i] * inp[c * 12 + ((q + i) % 12)];
      out[o * 12 + q] = relu && s < 0 ? 0 : s;
    }
  }
  return out;
}

/**
 * dst[da + n] += wa · src[s0 + n], and the same into db, dc, dd with wb, wc, wd, for n in [from, to): four output
 * channels per pass over one input row (one load of src for four multiply-adds), each sum rounded to float32 as it is
 * stored. forward's convolutions run in these small kernels rather than in its own long body, so each is compiled once
 * when hot instead of forward being compiled again at every loop it reaches (on-stack replacement) and after every
 * branch its first compile had not seen (BENCHMARKS.md "Throughput (speed28)").
 */
function madd4(dst: Float32Array, da: number, db: number, dc: number, dd: number, src: Float32Array, s0: number, from: number, to: number, wa: number, wb: number, wc: number, wd: number): void {
  for (let n = from; n < to; n++) {
    const v = src[s0 + n];
    dst[da + n] += wa * v;
    dst[db + n] += wb * v;
    dst[dc + n] += wc * v;
    dst[dd + n] += wd * v;
  }
}

/** dst[d0 + n] += w · src[s0 + n] for n in [from, to) (madd4 for one channel) */
function madd(dst: Float32Array, d0: number, src: Float32Array, s0: number, from: number, to: number, w: number): void {
  for (let n = from; n < to; n++) dst[d0 + n] += w * src[s0 + n];
}

/** a[n] = max(a[n], 0) in place (ReLU; −0 and NaN are kept, as `a[n] < 0` is false for them) */
function relu(a: Float32Array): void {
  for (let n = 0; n < a.length; n++) if (a[n] < 0) a[n] = 0;
}

/** g[n] = (g[n] > 0 ? g[n] : 0) + h[n] in place: ReLU, then the residual h (forward's l2, l3) */
function reluAdd(g: Float32Array, h: Float32Array): void {
  for (let n = 0; n < g.length; n++) g[n] = (g[n] > 0 ? g[n] : 0) + h[n];
}

/** forward's pad: 4 zeros each side of every row (the furthest a kernel reaches, l3's dilation 4) */
const PAD = 4;

/**
 * One net's 24 logits (majors 0–11, minors 12–23) for x (3 × 12 × T). Every plane is kept as rows of L = T + 8 values
 * (4 zeros each side: the furthest a kernel reaches, l3's dilation 4), the input's 12 pitch rows extended circularly to
 * 23; each convolution is computed weight by weight as one run over 12 whole rows, out[o][q·L + n] += W ·
 * in[c][(q + i)·L + n + shift], the pads then zeroed again — long branch-free loops whatever T is.
 */
function forward(x: Float64Array, T: number, p: KeyNetParams, tk: number): Float64Array {
  const W = tensors(p);
  const ch = p['l1.conv.weight'].shape[0], cin = p['l1.conv.weight'].shape[1];
  const P = PAD;
  const L = T + 2 * P;
  const R = 12 * L;
  // the input: cin planes of 23 pitch rows (row 12 + k = row k), padded
  const xp = new Float32Array(cin * 23 * L);
  for (let c = 0; c < cin; c++) for (let r = 0; r < 23; r++) for (let t = 0; t < T; t++) xp[(c * 23 + r) * L + P + t] = x[(c * 12 + (r % 12)) * T + t];
  // l1: out[o][q][t] = b[o] + Σ_c Σ_i<12 Σ_j<tk W[o][c][i][j] · x[c][(q+i)%12][t + j − pad]  (pad 1 for tk 3: dilation 1)
  const pad1 = tk === 3 ? 1 : 0;
  let h = new Float32Array(ch * R);
  const w1 = W['l1.conv.weight'], b1 = W['l1.conv.bias'];
  for (let o = 0; o < ch; o++) h.fill(b1[o], o * R, (o + 1) * R);
  // the pitched planes (chroma, bass), four output channels per pass over an input row
  const planes = cin === 3 ? 2 : cin;
  let o = 0;
  for (; o + 4 <= ch; o += 4) {
    const da = o * R, db = da + R, dc = db + R, dd = dc + R;
    for (let c = 0; c < planes; c++) {
      for (let i = 0; i < 12; i++) {
        for (let j = 0; j < tk; j++) {
          const wa = w1[((o * cin + c) * 12 + i) * tk + j], wb = w1[(((o + 1) * cin + c) * 12 + i) * tk + j], wc = w1[(((o + 2) * cin + c) * 12 + i) * tk + j], wd = w1[(((o + 3) * cin + c) * 12 + i) * tk + j];
          const s0 = (c * 23 + i) * L + j - pad1;
          madd4(h, da, db, dc, dd, xp, s0, P, R - P, wa, wb, wc, wd);
        }
      }
    }
  }
  for (; o < ch; o++) {
    for (let c = 0; c < planes; c++) {
      for (let i = 0; i < 12; i++) {
        for (let j = 0; j < tk; j++) {
          const w = w1[((o * cin + c) * 12 + i) * tk + j];
          const s0 = (c * 23 + i) * L + j - pad1;
          madd(h, o * R, xp, s0, P, R - P, w);
        }
      }
    }
  }
  // the loudness plane is the same in every pitch row: its 12 pitch weights act as their sum
  if (cin === 3) {
    for (let o = 0; o < ch; o++) {
      for (let j = 0; j < tk; j++) {
        let w = 0;
        for (let i = 0; i < 12; i++) w += w1[((o * cin + 2) * 12 + i) * tk + j];
        const s0 = 2 * 23 * L + j - pad1;
        for (let q = 0; q < 12; q++) madd(h, o * R + q * L, xp, s0, P, P + T, w);
      }
    }
  }
  relu(h);
  zeroPads(h, ch * 12, L, T);
  // l2, l3: out[o][q][t] = b[o] + Σ_c Σ_j W[o][c][0][j] · h[c][q][t + d·j − d] (tk 3; tk 1: j 0, no shift), ReLU, + h
  for (const [name, d] of [['l2', 2], ['l3', 4]] as const) {
    const w2 = W[`${name}.weight`], b2 = W[`${name}.bias`];
    const off = tk === 3 ? d : 0;
    const g = new Float32Array(h.length);
    for (let o = 0; o < ch; o++) g.fill(b2[o], o * R, (o + 1) * R);
    // four output channels per pass over an input row (one load of h for four multiply-adds)
    let o = 0;
    for (; o + 4 <= ch; o += 4) {
      const da = o * R, db = da + R, dc = db + R, dd = dc + R;
      for (let c = 0; c < ch; c++) {
        for (let j = 0; j < tk; j++) {
          const wa = w2[(o * ch + c) * tk + j], wb = w2[((o + 1) * ch + c) * tk + j], wc = w2[((o + 2) * ch + c) * tk + j], wd = w2[((o + 3) * ch + c) * tk + j];
          const s0 = c * R + d * j - off;
          madd4(g, da, db, dc, dd, h, s0, P, R - P, wa, wb, wc, wd);
        }
      }
    }
    for (; o < ch; o++) {
      const d0 = o * R;
      for (let c = 0; c < ch; c++) {
        for (let j = 0; j < tk; j++) {
          const w = w2[(o * ch + c) * tk + j];
          const s0 = c * R + d * j - off;
          madd(g, d0, h, s0, P, R - P, w);
        }
      }
    }
    reluAdd(g, h);
    zeroPads(g, ch * 12, L, T);
    h = g;
  }
  // masked mean and max over time (one unpadded sequence: every step real) → z: 2·ch × 12
  const z = new Float64Array(2 * ch * 12);
  for (let c = 0; c < ch; c++) {
    for (let q = 0; q < 12; q++) {
      const d0 = (c * 12 + q) * L + P;
      let s = 0, m = -Infinity;
      for (let t = 0; t < T; t++) {
        const v = h[d0 + t];
        s += v;
        if (v > m) m = v;
      }
      z[c * 12 + q] = s / Math.max(T, 1);
      z[(ch + c) * 12 + q] = m;
    }
  }
  const z1 = circ(z, W['p1.weight'], W['p1.bias'], p['p1.weight'].shape[0], p['p1.weight'].shape[1], true);
  return circ(z1, W['head.weight'], W['head.bias'], p['head.weight'].shape[0], p['head.weight'].shape[1], false); // 2 × 12: [mode][tonic]
}

/**
 * The ensemble's key probabilities for one track: 24 values (C..B major, C..B minor), the mean of its nets' softmax;
 * null when there is no step (no frame).
 */
export function keyNetProbs(x: Float64Array, steps: number, w: Pick<KeyNetWeights, 'tk' | 'nets'>): Float64Array | null {
  if (steps < 1) return null;
  const P = new Float64Array(24);
  for (const net of w.nets) {
    const l = forward(x, steps, net, w.tk);
    let m = -Infinity;
    for (const v of l) if (v > m) m = v;
    let s = 0;
    const e = Array.from(l, (v) => Math.exp(v - m));
    for (const v of e) s += v;
    for (let i = 0; i < 24; i++) P[i] += e[i] / s / w.nets.length;
  }
  return P;
}

/**
 * The key confidence where the net's key is used: the map (KeyNetWeights.confNet, confShipped, confBias) of p, the
 * net's top probability, and `shipped`, the profile key's own calibrated confidence (0..1); where `shipped` is under
 * MIN_CONFIDENCE it caps the result (a track the analyser does not state a key for stays unstated: without the cap
 * the map stated 25 no-key files against the shipped 7 in CV; BENCHMARKS.md "Key: the learned key net in the
 * analyser (knet22, decision22 K1)"). Rounded as every confidence is (confidence.ts roundConfidence).
 */
export function keyNetConfidence(p: number, shipped: number, w: Pick<KeyNetWeights, 'confNet' | 'confShipped' | 'confBias'>): number {
  const lg = (v: number) => {
    const q = Math.min(1 - 1e-6, Math.max(1e-6, v));
    return Math.log(q / (1 - q));
  };
  const c = 1 / (1 + Math.exp(-(w.confNet * lg(p) + w.confShipped * lg(shipped) + w.confBias)));
  const v = shipped < MIN_CONFIDENCE ? Math.min(c, shipped) : c;
  // stated as every other confidence (the net's was stored and printed unrounded: "confidence 0.9507421491952921"; tester23)
  return roundConfidence(v);
}

/**
 * The product's ensemble, read from key-net.json beside this file (out/engine/ in the build; tools/build.mjs copies it)
 * on first use only — as tempo-net-weights.ts, so that the engine's own process, which never analyses, does not hold
 * them. A path string, not the URL: Electron reads inside app.asar only for string paths.
 * @throws Error when key-net.json is missing or not JSON (a broken install: reinstall the studio)
 * @returns the same object on every call
 */
export function keyNetWeights(): KeyNetWeights {
  return (parsed ??= JSON.parse(readFileSync(fileURLToPath(new URL('./key-net.json', import.meta.url)), 'utf8')) as KeyNetWeights);
}
let parsed: KeyNetWeights | undefined;
