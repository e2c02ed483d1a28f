/**
 * The one set of characters a name is never shown or saved with as it is (cli40): the bidi embedding, override and
 * isolate controls of Unicode UAX #9 §2.1–2.4 — U+202A LRE, U+202B RLE, U+202C PDF, U+202D LRO, U+202E RLO; U+2066
 * LRI, U+2067 RLI, U+2068 FSI, U+2069 PDI — which lay out the letters after them in another direction, so that a file
 * named "evil\u202Etxt.pls" reads "evilslp.txt" (the "Trojan Source" characters, CVE-2021-42574). The renderer makes
 * each visible as ⟨U+202E⟩ (renderer/src/lib/safe-name.ts safeName), the CLI writes each as its escape `\u202e`
 * (main/cli/analyze-text.ts shownPath, shownText), and a file name the studio makes leaves them out
 * (main/engine/library/crates.ts crateFileName). No imports: the renderer and the analysis worker may read it.
 */

/** the source of a regular-expression character class of the bidi controls, for building a wider class */
export const BIDI_CONTROL_CLASS = '\\u202a-\\u202e\\u2066-\\u2069';

/** every bidi control (global: for replace) */
export const BIDI_CONTROLS = new RegExp(`[${BIDI_CONTROL_CLASS}]`, 'g');

/** one bidi control (not global: test keeps no lastIndex) */
const HAS_BIDI_CONTROL = new RegExp(`[${BIDI_CONTROL_CLASS}]`);

/** Whether `text` holds a bidi control (UAX #9 embedding, override or isolate). Runs for every name the page draws (safeName). */
export function hasBidiControl(text: string | null | undefined): boolean {
  return !!text && HAS_BIDI_CONTROL.test(text);
}

/** `text` without its bidi controls (a file name the studio makes). */
export function withoutBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}
