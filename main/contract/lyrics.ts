/**
 * A track's lyrics (Tags.lyrics) summed up in the words the track view and `studio probe` share. Pure.
 */
import type { CountText } from './scan-text';

/** the lyrics' shape as Tags.lyrics states it (main/contract/methods.ts; read by main/engine/media/lyrics.ts) */
export interface LyricsSummaryInput {
  text: string;
  lines?: Array<{ startSec: number; text: string }>;
  language?: string;
  description?: string;
  source: 'tags' | 'lrc';
  lrcFile?: string;
  /** the versions not shown (another language's frame, the tags' beside an LRC file shown) */
  others?: LyricsSummaryInput[];
}

/** the signs LRC files put on a line with no words (♩ ♪ ♫ ♬ 🎵 🎶 🎼), and white space */
const NO_WORDS = /^[\s\u2669-\u266c\u{1F3B5}\u{1F3B6}\u{1F3BC}]*$/u;

/** Whether a timed line holds no words: blank, or only "♪" and the like (a pause in the singing). Pure. */
export function isInstrumentalLine(text: string): boolean {
  return NO_WORDS.test(text);
}

/** the lines of one version: the non-blank lines of its text, or its timed lines with words (isInstrumentalLine) */
function lineCount(l: LyricsSummaryInput): number {
  return l.lines ? l.lines.filter((x) => !isInstrumentalLine(x.text)).length : l.text.split('\n').filter((x) => x.trim() !== '').length;
}

/**
 * One version of a track's lyrics named in a few words, to choose it among the others: its language ("deu"), else
 * its LRC file's name, else "no language"; then its description where the tag has one ("deu “Verse”"), and
 * ", timed" for timed lines ("eng, timed"; "Song.lrc, timed"). Pure.
 */
export function lyricsVersionLabel(l: LyricsSummaryInput): string {
  const name = l.language ?? (l.source === 'lrc' ? l.lrcFile ?? 'LRC file' : 'no language');
  const lrc = l.language && l.source === 'lrc' ? ` from ${l.lrcFile ?? 'an LRC file'}` : '';
  return `${name}${l.description ? ` “${l.description}”` : ''}${lrc}${l.lines ? ', timed' : ''}`;
}

/**
 * [the version shown, …the others]: the versions of a track's lyrics to choose between (Tags.lyrics and its
 * `others`), each without `others`; [] without lyrics. Pure.
 */
export function lyricsVersions(l: LyricsSummaryInput | undefined | null): LyricsSummaryInput[] {
  if (!l) return [];
  const { others, ...shown } = l;
  return [shown, ...(others ?? [])];
}

/**
 * "24 lines, timed, from Song.lrc" / "12 lines, from the tags" / "24 lines, timed, from the tags (eng)"; where the
 * file holds other versions, what they are: "12 lines, from the tags (eng); also deu, jpn, timed" (lyricsVersionLabel,
 * " · " between them); null without lyrics. A line is a non-blank line of the text (timed lyrics: a timed line with
 * words, isInstrumentalLine). `count` writes the line count (scan-text.ts' rule: the CLI's enCount, the page's fmtCount).
 */
export function lyricsSummary(l: LyricsSummaryInput | undefined | null, count: CountText): string | null {
  if (!l) return null;
  const n = lineCount(l);
  const from = l.source === 'lrc' ? `from ${l.lrcFile ?? 'an LRC file beside it'}` : 'from the tags';
  const also = l.others?.length ? `; also ${l.others.map(lyricsVersionLabel).join(' · ')}` : '';
  return `${count(n)} line${n === 1 ? '' : 's'}${l.lines ? ', timed' : ''}, ${from}${l.language ? ` (${l.language})` : ''}${also}`;
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
