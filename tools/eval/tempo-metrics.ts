// Tempo accuracy as MIREX scores it (issue 11's tables); one definition for every tools/eval script and benchmark.
// Pinned by test/unit/eval-tempo-metrics.test.ts.

/** Acc1's tolerance: an estimate within this share of the true tempo counts (MIREX audio tempo estimation, 4 %). */
export const ACC1_TOLERANCE = 0.04;
/** Acc2's metrical levels: the true tempo times these (Gouyon et al. 2006, "An experimental comparison of audio tempo induction algorithms", IEEE TASLP 14(5)). */
export const ACC2_FACTORS: readonly number[] = [1, 2, 0.5, 3, 1 / 3];

/**
 * Acc1: `est` (BPM) within ACC1_TOLERANCE × `ref` (BPM) of the true tempo. false when either is null/undefined (no
 * estimate, or no tempo truth).
 */
export function acc1(est: number | null | undefined, ref: number | null | undefined): boolean {
  return est != null && ref != null && Math.abs(est - ref) <= ACC1_TOLERANCE * ref;
}

/** Acc2: Acc1 against the true tempo times any of ACC2_FACTORS (×2, ×½, ×3, ×⅓ count). false when either is null/undefined. */
export function acc2(est: number | null | undefined, ref: number | null | undefined): boolean {
  return ref != null && ACC2_FACTORS.some((f) => acc1(est, ref * f));
}
