/**
 * Token selection: greedy, or temperature + top-p sampling as Hugging Face's
 * generate() does it (TemperatureLogitsWarper, then TopPLogitsWarper only when
 * top_p < 1, then softmax + multinomial), with a seeded generator so an answer
 * can be reproduced.
 */

export interface SamplingOptions {
  greedy: boolean;
  temperature: number;
  topP: number;
  /**
   * Token ids whose logits count as −∞ for this step (never picked), as Hugging Face's
   * MinNewTokensLengthLogitsProcessor sets the EOS logits to −inf. When every id is banned
   * the ban is ignored (HF would divide by zero there).
   */
  banned?: ReadonlySet<number>;
}

/**
 * Hugging Face generate()'s `min_new_tokens` (MinNewTokensLengthLogitsProcessor): the ids
 * that end an answer are banned while fewer than `minNewTokens` new tokens were generated.
 * @param newTokens tokens generated so far in this answer (0 before the first)
 * @param minNewTokens the minimum answer length in model tokens (not characters); 0 or less bans nothing
 * @param endIds the ids that end an answer: the pack's EOS id and its single-token stop ids
 * @returns the ids to ban for this step, or undefined when none are
 */
export function minNewTokensBan(newTokens: number, minNewTokens: number, endIds: Iterable<number>): ReadonlySet<number> | undefined {
  return newTokens < minNewTokens ? new Set(endIds) : undefined;
}

/** sfc32: small, fast, good-quality seeded PRNG. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }
  /** uniform in [0, 1) */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
}

function hasUnbanned(n: number, banned: ReadonlySet<number>): boolean {
  let inRange = 0;
  for (const id of banned) if (Number.isInteger(id) && id >= 0 && id < n) inRange++;
  return inRange < n;
}

/** Index of the largest logit (the first one on ties, like torch.argmax). */
export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  let bestV = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (v > bestV) {
      bestV = v;
      best = i;
    }
  }
  return best;
}

export function selectToken(logits: ArrayLike<number>, opts: SamplingOptions, rng: Rng): number {
  const banned = opts.banned && opts.banned.size > 0 && hasUnbanned(logits.length, opts.banned) ? opts.banned : undefined;
  if (banned) logits = Array.from(logits, (v, i) => (banned.has(i) ? -Infinity : v));
  if (opts.greedy || opts.temperature <= 0) return argmax(logits);
  const n = logits.length;
  const t = opts.temperature;
  // softmax(l / t) computed as exp((l − max l) / t): the exponent is ≤ 0 for
  // every t > 0, so a tiny temperature (1e-320) cannot overflow l / t into
  // Infinity − Infinity = NaN; it tends to greedy, as it should.
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[i]);
  const probs = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.exp((logits[i] - max) / t);
    probs[i] = p;
    sum += p;
  }
  for (let i = 0; i < n; i++) probs[i] /= sum;
  let candidates: number[];
  if (opts.topP < 1) {
    // Keep the smallest set of most likely tokens whose mass reaches top_p
    // (HF removes tokens whose ascending cumulative mass is ≤ 1 − top_p; at least one stays).
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => probs[y] - probs[x]);
    candidates = [];
    let mass = 0;
    for (const i of order) {
      candidates.push(i);
      mass += probs[i];
      if (mass >= opts.topP) break;
    }
    let keptMass = 0;
    for (const i of candidates) keptMass += probs[i];
    for (const i of candidates) probs[i] /= keptMass;
  } else {
    candidates = [];
    for (let i = 0; i < n; i++) if (probs[i] > 0) candidates.push(i);
  }
  let u = rng.next();
  for (const i of candidates) {
    u -= probs[i];
    if (u < 0) return i;
  }
  // rounding left u ≥ 0: the last candidate that can be picked (a banned one has probability 0)
  for (let k = candidates.length - 1; k > 0; k--) if (probs[candidates[k]] > 0) return candidates[k];
  return candidates[0];
}
