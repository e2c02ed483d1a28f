/**
 * A track whose key changes (issue 10 kind 4): its sections, as the key
 * finder flags them (KeyResult.variable, analysis/tonal.ts keySections), and
 * the words the library table, the track detail, `studio analyze` and the
 * export use for them — as tempo-sections.ts does for a tempo that changes.
 *
 * The library's stored key (the `key` column, its confidence, Camelot and
 * Open Key, the key sort and filter) stays the whole-track estimate for such a
 * track; the sections are told next to it, never folded into it.
 */
import { z } from 'zod';
import { clockTime } from './clock-time';

/** One section of a track whose key changes: `start`, `end` in seconds of the track; `key` as the library's key ("G major", "A minor"). */
export const KeySection = z.object({ start: z.number(), end: z.number(), key: z.string() });
export type KeySection = z.infer<typeof KeySection>;

/** One section in words: "0:00–0:30 C major" (`spell`: the key as the user spells it, e.g. prefs' key spelling; as stored by default). */
export function keySectionText(s: KeySection, spell: (key: string) => string = (k) => k): string {
  return `${clockTime(s.start)}–${clockTime(s.end)} ${spell(s.key)}`;
}

/** Every section in time order, joined: "0:00–0:30 C major, 0:30–1:04 G major". */
export function keySectionsText(sections: readonly KeySection[], spell?: (key: string) => string): string {
  return sections.map((s) => keySectionText(s, spell)).join(', ');
}

/** The keys in time order, a key repeated only after another: "C major → G major". */
export function keyChangeText(sections: readonly KeySection[], spell: (key: string) => string = (k) => k): string {
  const keys: string[] = [];
  for (const s of sections) if (keys[keys.length - 1] !== s.key) keys.push(s.key);
  return keys.map(spell).join(' → ');
}

/** a stored KeyResult.variable entry as the contract's KeySection (only its fields) */
export function keySectionOf(s: KeySection): KeySection {
  return { start: s.start, end: s.end, key: s.key };
}
