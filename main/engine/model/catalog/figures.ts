// Measured quality and speed per precision, the one place the catalogue (and so the Models panel) reads
// them from. Every figure is copied from BENCHMARKS.md with the bench that made it; none is estimated.
import type { Precision, PrecisionFigures } from '@contract';

/** Where the drift figures come from (shown beside them): random weights are the worst case for top-1. */
const DRIFT_SOURCE = 'measured on random 1 B LLaMA weights (the worst case for top-1; BENCHMARKS.md)';

/**
 * Per precision: drift of the pack's decoder against the fp32 one (tools/convert/drift.mjs: 8 prompts × 32
 * tokens through the KV cache; top-1 agreement of the next-token argmax, a fraction 0–1; mean cosine of the
 * logits) and decode speed against llama.cpp Q4_0 on the same weights (tokens per CPU-second, one thread,
 * test/bench/llm-speed.ts). null where not measured.
 * Sources: int4 — test/bench/int4-q4_0.bench.ts ("int4 rounding", Q4_0 rounding, the default) and issue 13
 * session 3 (1 B shape, decode 7.29 vs 17.84 tok/CPU-s); int8 — "Quantisation drift vs fp32" (issue 4);
 * fp32 is the reference; fp16 drift and the int8/fp16/fp32 decode speeds are not measured.
 */
export const PRECISION_FIGURES: Record<Precision, PrecisionFigures> = {
  int4: {
    drift: { top1Agreement: 0.469, logitCosine: 0.946 },
    decodeVsLlamaCpp: 0.41,
    source: `${DRIFT_SOURCE}; decode speed per CPU-second on the 1 B shape, one thread (the same kernel for either rounding)`,
  },
  int8: {
    drift: { top1Agreement: 0.961, logitCosine: 0.9998 },
    decodeVsLlamaCpp: null,
    source: `${DRIFT_SOURCE}, on the decoder graph of before issue 13; speed not measured`,
  },
  fp16: { drift: null, decodeVsLlamaCpp: null, source: 'no fp16 measurement in BENCHMARKS.md yet' },
  fp32: { drift: { top1Agreement: 1, logitCosine: 1 }, decodeVsLlamaCpp: null, source: 'the reference the others are measured against; speed not measured' },
};
