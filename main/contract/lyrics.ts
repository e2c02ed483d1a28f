/**
 * A track's lyrics (Tags.lyrics) summed up in the words the track view and `studio probe` share. Pure.
 */

/** the lyrics' shape as Tags.lyrics states it (main/contract/methods.ts; read by main/engine/media/lyrics.ts) */
export interface LyricsSummaryInput {
  text: string;
  lines?: Array<{ startSec: number; text: string }>;
  language?: string;
  source: 'tags' | 'lrc';
  lrcFile?: string;
}

/** the signs LRC files put on a line with no words (♩ ♪ ♫ ♬ 🎵 🎶 🎼), and white space */
const NO_WORDS = /^[\s\u2669-\u266c\u{1F3B5}\u{1F3B6}\u{1F3BC}]*$/u;

/** Whether a timed line holds no words: blank, or only "♪" and the like (a pause in the singing). Pure. */
export function isInstrumentalLine(text: string): boolean {
  return NO_WORDS.test(text);
}

/**
 * "24 lines, timed, from Song.lrc" / "12 lines, from the tags" / "24 lines, timed, from the tags (eng)"; null without
 * lyrics. A line is a non-blank line of the text (timed lyrics: a timed line with words, isInstrumentalLine).
 */
export function lyricsSummary(l: LyricsSummaryInput | undefined | null): string | null {
  if (!l) return null;
  const n = l.lines ? l.lines.filter((x) => !isInstrumentalLine(x.text)).length : l.text.split('\n').filter((x) => x.trim() !== '').length;
  const from = l.source === 'lrc' ? `from ${l.lrcFile ?? 'an LRC file beside it'}` : 'from the tags';
  return `${n} line${n === 1 ? '' : 's'}${l.lines ? ', timed' : ''}, ${from}${l.language ? ` (${l.language})` : ''}`;
}

/**
 * The index of the timed line sung at `timeSec` (the last line starting at or before it), or -1 before the first.
 * `lines` in time order (as Tags.lyrics keeps them). Binary search.
 */
export function currentLyricLine(lines: ReadonlyArray<{ startSec: number }>, timeSec: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid]!.startSec <= timeSec) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at;
}
