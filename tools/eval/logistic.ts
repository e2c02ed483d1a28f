// The confidence maps' fit (confidence.ts CalibrationModel), one copy for every eval tool that refits a map
// (calibrate.ts, key-tonic.ts): L2-penalised logistic regression by Newton's method on standardised inputs, and the
// sign-constrained variant that drops inputs whose weight comes out with the wrong sign.
import type { CalibrationModel } from '../../main/engine/analysis/confidence';
import { solve } from './linalg';

/** one row of a fit: its inputs by name, and whether the stated value was right (1) or not (0) */
export interface LogisticSample<K extends string> {
  x: Record<K, number>;
  y: 0 | 1;
}

/** the logistic function 1 / (1 + e^−s) */
export const sigmoid = (s: number) => 1 / (1 + Math.exp(-s));

/**
 * L2 logistic regression on standardised inputs (each input scaled to mean 0, SD 1 over `data`; the intercept is not
 * penalised), by Newton's method (≤ 100 steps, stops when no weight moves by 1e-9), with the weights returned in
 * the inputs' original units. `lambda`: the penalty per row (the penalty is lambda·n·|w|²/2). An input constant
 * over `data` gets SD 1 (weight 0 in effect).
 */
export function fitLogistic<K extends string>(data: LogisticSample<K>[], inputs: K[], lambda: number): CalibrationModel<K> {
  const k = inputs.length;
  const n = data.length;
  const mu = inputs.map((f) => data.reduce((s, d) => s + d.x[f], 0) / n);
  const sd = inputs.map((f, a) => Math.sqrt(data.reduce((s, d) => s + (d.x[f] - mu[a]) ** 2, 0) / n) || 1);
  const X = data.map((d) => Float64Array.from([1, ...inputs.map((f, a) => (d.x[f] - mu[a]) / sd[a])]));
  let w = new Array(k + 1).fill(0);
  for (let iter = 0; iter < 100; iter++) {
    const g = w.map((v, a) => (a ? lambda * n * v : 0));
    const H = w.map((_, a) => w.map((__, b) => (a === b && a ? lambda * n : 0)));
    for (let i = 0; i < n; i++) {
      const x = X[i];
      let z = 0;
      for (let a = 0; a <= k; a++) z += x[a] * w[a];
      const p = sigmoid(z);
      const r = p - data[i].y;
      const q = Math.max(p * (1 - p), 1e-9);
      for (let a = 0; a <= k; a++) {
        g[a] += r * x[a];
        const qa = q * x[a];
        const Ha = H[a];
        for (let b = 0; b <= a; b++) Ha[b] += qa * x[b];
      }
    }
    for (let a = 0; a <= k; a++) for (let b = a + 1; b <= k; b++) H[a][b] = H[b][a];
    const step = solve(H, g);
    w = w.map((v, a) => v - step[a]);
    if (Math.max(...step.map(Math.abs)) < 1e-9) break;
  }
  const weights = inputs.map((_, a) => w[a + 1] / sd[a]);
  const bias = w[0] - inputs.reduce((s, _, a) => s + (w[a + 1] * mu[a]) / sd[a], 0);
  return { inputs, weights, bias };
}

/**
 * fitLogistic, dropping (one at a time, the worst first, refitting after each) inputs whose weight has the wrong
 * sign: `signs[f]` is +1 where more of f must mean more likely right, −1 where less (confidence.ts TEMPO_SIGNS,
 * KEY_SIGNS).
 */
export function fitSigned<K extends string>(data: LogisticSample<K>[], inputs: K[], signs: Record<K, 1 | -1>, lambda: number): CalibrationModel<K> {
  let use = [...inputs];
  for (;;) {
    const m = fitLogistic(data, use, lambda);
    const bad = use.map((f, a) => ({ f, v: m.weights[a] * signs[f] })).filter((b) => b.v < 0);
    if (!bad.length) return m;
    const worst = bad.reduce((a, b) => (b.v < a.v ? b : a));
    use = use.filter((f) => f !== worst.f);
  }
}
