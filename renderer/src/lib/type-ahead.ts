/**
 * Type-ahead in a list (the file browser's): typing a name while the list has focus selects the first entry whose
 * name starts with the typed text, as Finder, Windows Explorer and GTK's file chooser do. Pure helpers; the typed
 * text and its timer live with the list's state (`shared/state/browser.svelte.ts`).
 */

/** the typed text is forgotten after this long without a key (ms; Windows and the WAI-ARIA listbox example: ~1 s) */
export const TYPE_AHEAD_RESET_MS = 1000;

/** case-insensitive, accent-sensitive: "a" finds "Abba" but not "Àbba" (so every name stays reachable by its own spelling) */
const collator = new Intl.Collator(undefined, { sensitivity: 'accent' });

/**
 * Whether `name` starts with `typed`: both in NFC (a name written decomposed, as macOS writes é, matches é typed on a
 * keyboard), compared by the locale's collator without case, as the listing is sorted (`localeCompare`).
 */
export function nameStartsWith(name: string, typed: string): boolean {
  const t = typed.normalize('NFC');
  if (!t) return true;
  const n = name.normalize('NFC');
  return collator.compare(n.slice(0, t.length), t) === 0;
}

/** whether the typed text is one character pressed again and again ("sss"), compared without case */
function oneCharRepeated(typed: string): boolean {
  const chars = [...typed];
  return chars.length > 1 && chars.every((c) => collator.compare(c, chars[0]) === 0);
}

/**
 * The entry type-ahead selects, or -1 when none matches (the selection then stays).
 * - `typed`: everything typed since the last pause (the new key included);
 * - `current`: the selected index.
 * One character pressed again and again cycles through the entries starting with it, from the one after `current`
 * (wrapping); any other text selects the first entry, in the list's order, whose name starts with it.
 * O(entries) per key: 20,000 names take a few milliseconds.
 */
export function typeAheadTarget(entries: readonly { name: string }[], typed: string, current: number): number {
  const n = entries.length;
  if (!n || !typed) return -1;
  if (oneCharRepeated(typed)) {
    const c = [...typed][0];
    for (let k = 1; k <= n; k++) {
      const i = (((current + k) % n) + n) % n;
      if (nameStartsWith(entries[i].name, c)) return i;
    }
    return -1;
  }
  for (let i = 0; i < n; i++) if (nameStartsWith(entries[i].name, typed)) return i;
  return -1;
}

/**
 * Whether a key press is text for type-ahead: one character (a space included) without Ctrl, Meta or Alt (AltGr,
 * which types « or @ on many layouts, is text). `Process` and other named keys are not.
 */
export function isTypeAheadKey(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; getModifierState?: (k: string) => boolean }): boolean {
  if ([...e.key].length !== 1) return false;
  const altGr = e.getModifierState?.('AltGraph') ?? false;
  if (altGr) return true;
  return !e.ctrlKey && !e.metaKey && !e.altKey;
}
