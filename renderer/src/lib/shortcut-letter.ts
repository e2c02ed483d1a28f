/**
 * The letter a key press means to a letter shortcut (Ctrl/Cmd+O, +L, +K, +A, Ctrl/Cmd+Shift+R; I, O, L, N on the
 * waveform), lower case; null for a key that is no letter.
 *
 * `e.key` where it is a Latin letter: the letter printed on the key on QWERTY, AZERTY, QWERTZ or Dvorak. Otherwise the
 * letter of the key's place on a US keyboard (`e.code` "KeyL" → "l"), as browsers match their own Ctrl+L and as VS Code
 * matches its shortcuts: on a Russian, Ukrainian, Greek, Hebrew or Arabic layout `e.key` is "д", "λ", "ך" or "م" (with
 * Ctrl held too), so no shortcut of the studio answered while the browser's and the desktop menu's did (tester26: Ctrl+L
 * on a Russian layout did nothing; in the browser Ctrl+O opened the browser's own file dialog). Those keyboards carry
 * the Latin letters on the same keys. Pure.
 */
export function shortcutLetter(e: { key: string; code: string }): string | null {
  if (/^[a-z]$/i.test(e.key)) return e.key.toLowerCase();
  // a letter of another script: its key's place. Not an ASCII sign (AZERTY's "," sits where US has M) nor a named key
  const place = /^Key([A-Z])$/.exec(e.code ?? '');
  return place && [...e.key].length === 1 && !/[\x00-\x7f]/.test(e.key) ? place[1].toLowerCase() : null;
}
