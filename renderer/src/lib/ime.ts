/**
 * Whether a keydown belongs to an input method (IME: Japanese, Chinese, Korean, Vietnamese… typed through a
 * composition, compositionstart … compositionend): the Enter that commits the composition, or any key while it is open.
 * Such a key is the IME's, never a command of ours (send the question, make the crate, apply the filter).
 *
 * Chromium (the desktop app) and Firefox mark it `isComposing`; Safari (a `studio serve` page) fires compositionend
 * first and then the committing Enter's keydown with `isComposing` false, marked only by `keyCode` 229 (the "Process"
 * key, which every browser sends for a key the IME takes). Pure.
 */
export function imeKey(e: { isComposing: boolean; keyCode: number }): boolean {
  return e.isComposing || e.keyCode === 229;
}
