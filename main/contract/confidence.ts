/* No zod here: the analysis worker threads read MIN_CONFIDENCE (BENCHMARKS.md "Throughput (speed37)"). */

/**
 * Calibrated confidence (0..1, the probability the value is right) below which a tempo or
 * key is uncertain: left out of the features line, shown as "uncertain" rather than as a fact.
 */
export const MIN_CONFIDENCE = 0.5;

/**
 * How a tempo or key reads: `none` (the analysis found none), `uncertain`
 * (calibrated confidence under MIN_CONFIDENCE, or none stated: a best guess, left out of the
 * features line, never shown as a fact) or `sure`. The one rule of the library's table and detail, the track
 * view and the export (the CSV leaves an uncertain value empty, the JSON says `bpmUncertain`/`keyUncertain`); the
 * database's filters and sort state it in SQL (db/tracks.ts SURE_SQL). Pure.
 */
export type Certainty = 'none' | 'uncertain' | 'sure';
export function certainty(value: unknown, confidence: number | null): Certainty {
  if (value === null || value === undefined) return 'none';
  return confidence !== null && confidence >= MIN_CONFIDENCE ? 'sure' : 'uncertain';
}

/**
 * A calibrated confidence (0..1) as the studio states it to people everywhere (issue 11: "the same number
 * everywhere"): a whole percentage, "69%", "" for none. Rounded, but never across MIN_CONFIDENCE: a value under it
 * reads "uncertain", so 0.499 reads "49%" (rounded it read "uncertain 50%", while a value at 50 % is sure). The
 * library's table, detail and tooltips, the track view, the CLI's text and the engine's messages (Write tags'
 * refusals) use this; JSON output and the CSV keep the fraction. Pure.
 */
export function confidenceText(c: number | null): string {
  if (c === null) return '';
  const p = Math.round(c * 100);
  return `${c < MIN_CONFIDENCE && p >= MIN_CONFIDENCE * 100 ? Math.ceil(MIN_CONFIDENCE * 100) - 1 : p}%`;
}
