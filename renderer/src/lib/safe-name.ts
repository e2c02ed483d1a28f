/**
 * File names and paths shown safely (left16). A file's name is the user's and is never changed, but a name may hold
 * the invisible bidi controls that lay out the letters after them in another direction (Unicode UAX #9 §2: U+202A
 * LRE, U+202B RLE, U+202C PDF, U+202D LRO, U+202E RLO; U+2066 LRI, U+2067 RLI, U+2068 FSI, U+2069 PDI): a file named
 * "\u202Eevil.mp3" reads "3pm.live" wherever it is drawn. Tags lose their override characters (U+202D, U+202E) in
 * the engine (main/engine/media/tags.ts; the other controls are kept there); names are shown with each such character made visible as "⟨U+202E⟩", so the name reads
 * in its stored order and the trick shows. Markup puts the result in a <bdi> (unicode-bidi: isolate), so a right-to-left
 * name (Hebrew, Arabic: left as they are) cannot reorder what follows it on the line.
 */

import { BIDI_CONTROLS, hasBidiControl } from '@contract';

// the bidi embedding, override and isolate controls (UAX #9 §2.1–2.4): the one set, contract bidi.ts
export { hasBidiControl };

/** line breaks and tabs: app.css draws <bdi> with white-space-collapse: preserve, so a tag's "Foo\nBar" would break a nowrap cell */
const BREAKS = /[\r\n\t]/g;

/**
 * A file name or path (or a title that falls back to one) as text to draw: each bidi embedding/override/isolate
 * control made visible as ⟨U+XXXX⟩, each CR, LF and tab made one space (one line, as the cells are drawn), nothing
 * else changed. null/undefined → ''.
 */
export function safeName(text: string | null | undefined): string {
  if (!text) return '';
  const flat = text.replace(BREAKS, ' ');
  if (!hasBidiControl(flat)) return flat;
  return flat.replace(BIDI_CONTROLS, (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase()}⟩`);
}

/** one piece of a message drawn by quotedNameParts: `name` true where it is the quoted file name (drawn in a <bdi>) */
export interface MessagePart {
  text: string;
  name: boolean;
}

/**
 * An engine message that quotes a file's name (`"evil\u202Etake.wav" is an RF64 file…`: a Write tags refusal, a
 * write's failure) as the pieces to draw: the text between the quotes of each `"<fileName>"` in it a name piece (drawn
 * in a <bdi>, so a right-to-left name cannot reorder the words after it), the rest text pieces; every piece through
 * safeName (bidi controls made visible, line breaks as spaces), so the name reads in the message as the dialog's
 * file lists show it (cli40: TagWriteDialog drew the reasons as they came). A message that does not quote `fileName`
 * (or an empty name) is one text piece.
 */
export function quotedNameParts(message: string, fileName: string | null | undefined): MessagePart[] {
  const quoted = fileName ? `"${fileName}"` : '';
  const pieces = quoted ? message.split(quoted) : [message];
  const parts: MessagePart[] = [];
  pieces.forEach((piece, i) => {
    if (i > 0) parts.push({ text: '"', name: false }, { text: safeName(fileName), name: true }, { text: '"', name: false });
    if (piece) parts.push({ text: safeName(piece), name: false });
  });
  return parts;
}
