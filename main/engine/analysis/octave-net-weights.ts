/** Weights of the learned octave chooser (octave-net.ts); written by tools/eval/octave-net-train.py. */
export interface OctaveNetWeights {
  /** per-feature standardisation: x = (f − mu) / sd */
  mu: number[];
  sd: number[];
  /** linear term over the standardised features */
  linear: number[];
  /** hidden tanh units (0: a plain conditional logit) */
  hidden: number;
  w1: number[][];
  b1: number[];
  w2: number[];
}
export const OCTAVE_NET: OctaveNetWeights = { mu: [], sd: [], linear: [], hidden: 0, w1: [], b1: [], w2: [] };
