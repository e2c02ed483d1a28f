/**
 * The plain text of `studio analyze`: one record per analysed file (analyzeText) and its tempo and key lines;
 * and its `--json` line (analyzeLine). Kept out of studio.ts (which runs the command when imported) so that unit tests can read it.
 */
import { BIDI_CONTROL_CLASS, clockTime, confidenceText, detailTagged, foldBpm, foldSections, keySectionsText, MIN_CONFIDENCE, outsideBpmRange, rangeFactor, tempoSectionsText, tempoSpanText, type BpmRange, type ErrorCode, type KeySection, type LibraryTrack, type TempoSection, type TrackDetail } from '@contract';
import { loudnessText } from './loudness-text';

/**
 * The characters no name or message is printed with as they are (the CLI's one rule, cli40): C0, DEL and C1 controls
 * (a line break would split a record, ESC starts a terminal escape sequence), U+2028/U+2029 (line and paragraph
 * separators) and the bidi controls of contract bidi.ts (U+202E "evil\u202Etxt.pls" reads "evilslp.txt"; the
 * renderer's safeName shows the same set).
 */
const UNSHOWN = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI_CONTROL_CLASS}]`, 'g');
const HAS_UNSHOWN = new RegExp(UNSHOWN.source);

/** one unshown character as its JSON escape: "\n", "\t" and the like for C0, else "\u" and four hex digits */
const escapeOf = (c: string): string => (c.charCodeAt(0) < 0x20 ? JSON.stringify(c).slice(1, -1) : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * A path, name or tag for plain output: as it is, or quoted as JSON where it holds a character of the CLI's rule
 * (C0, DEL, C1, U+2028/9, a bidi control: UNSHOWN) with each such character as its escape (`\n`, `\u001b`, `\u202e`),
 * so each record stays on its lines, no name sends the terminal an escape sequence, and none reads reversed.
 * Every name the CLI prints alone goes through it: `studio analyze`'s records, `studio crate list|show|import|export`.
 */
export function shownPath(p: string): string {
  // JSON escapes C0 (and " and \\) only: DEL, C1, U+2028/9 and the bidi controls as \\u escapes too
  return HAS_UNSHOWN.test(p) ? JSON.stringify(p).replace(UNSHOWN, escapeOf) : p;
}

/**
 * A message for plain output that may quote a file name, tag or crate name (an engine refusal: `"a\nb.mp3" is …`):
 * each character of the CLI's rule (UNSHOWN: C0, DEL, C1, U+2028/9, a bidi control) written as its escape — `\n`,
 * `\t`, `\u001b`, `\u202e` — in place, quotes and all else left as they are, so the name reads as shownPath shows it,
 * the message stays on its line and sends the terminal no escape sequence (tags39: a name with a newline broke
 * `studio tags write`'s refusal over two lines; cli40: a U+202E reversed the rest of the line).
 */
export function shownText(s: string): string {
  return s.replace(UNSHOWN, escapeOf);
}

/**
 * A problem of `studio analyze` as its stderr line's text (after "studio: "): the path, then the message (shownText:
 * it may quote the file's name, which holds a line break or a bidi control as often as the path does) — or the
 * message alone where it names the path itself as shown (a path that does not exist: fs/paths.ts notFoundMessage,
 * the words `studio probe` prints too).
 */
export function problemText(p: { path: string; message: string }): string {
  const shown = shownPath(p.path);
  return shown === p.path && p.message.includes(`(${p.path})`) ? shownText(p.message) : `${shown}: ${shownText(p.message)}`;
}

/** seconds → "m:ss.ss" (or "h:mm:ss.ss"), cut to the hundredth as every length is shown (contract clockTime) */
export function fmtDuration(sec: number): string {
  return clockTime(sec, 2);
}

/**
 * The tempo as `studio analyze` prints it: a fact only at MIN_CONFIDENCE or
 * above; a tempo that changes (`sections`, TrackDetail.tempoSections) as its
 * span and sections, then the whole-track estimate the library stores:
 * "variable 90–130 BPM: 0:00–0:30 90 BPM, 0:30–1:00 130 BPM (whole-track estimate 89 BPM, confidence 69%)".
 */
export function tempoText(t: Pick<LibraryTrack, 'bpm' | 'bpmConfidence'>, reason: string | null, sections: TempoSection[] | null = null): string {
  if (t.bpm === null) return `none (${reason ?? 'no tempo found'})`;
  const c = t.bpmConfidence ?? 0;
  if (sections?.length) return `${tempoSpanText(sections)}: ${tempoSectionsText(sections)} (whole-track estimate ${t.bpm} BPM, confidence ${confidenceText(c)})`;
  return c >= MIN_CONFIDENCE ? `${t.bpm} BPM (confidence ${confidenceText(c)})` : `uncertain (best guess ${t.bpm} BPM, confidence ${confidenceText(c)}; left out of the features)`;
}

/**
 * The key as `studio analyze` prints it: a fact only at MIN_CONFIDENCE or
 * above; a key that changes (`sections`, TrackDetail.keySections) as its
 * sections, then the whole-track estimate the library stores:
 * "changes: 0:00–0:32 C major, 0:32–1:04 G major (whole-track estimate C major, confidence 61%; left out of the features)".
 * No key: "none (REASON)" with TrackDetail.keyReason where the analysis said why, else "none".
 */
export function keyText(t: Pick<LibraryTrack, 'key' | 'keyConfidence' | 'camelot'>, sections: KeySection[] | null = null, reason: string | null = null): string {
  if (t.key === null) return reason ? `none (${reason})` : 'none';
  const c = t.keyConfidence ?? 0;
  if (sections?.length) return `changes: ${keySectionsText(sections)} (whole-track estimate ${t.key}, confidence ${confidenceText(c)}; left out of the features)`;
  return c >= MIN_CONFIDENCE ? `${t.key} (${t.camelot ?? '?'}, confidence ${confidenceText(c)})` : `uncertain (best guess ${t.key}, confidence ${confidenceText(c)}; left out of the features)`;
}

/**
 * What `studio analyze --bpm-range` adds after a steady tempo's line: where the tempo shown (`bpm` folded into `range`,
 * foldBpm) is not the one analysed, " — in 70–140, analysed 174 BPM"; where even the level nearest to a range narrower
 * than an octave misses it (outsideBpmRange), " ↕ outside 120–130: neither doubled nor halved falls in it" — the mark
 * the note printed once on stderr promises (the table's ↕). '' without a range or a tempo.
 */
export function rangeNote(bpm: number | null, range: BpmRange | null): string {
  if (bpm === null || !range) return '';
  // moved: by the factor, not by comparing numbers (foldBpm's 0.1 BPM rounding alone moves nothing)
  const moved = rangeFactor(bpm, range) !== 1;
  const span = `${range.min}–${range.max}`;
  if (outsideBpmRange(foldBpm(bpm, range), range)) return ` ↕ outside ${span}: neither doubled nor halved falls in it${moved ? ` (analysed ${bpm} BPM)` : ''}`;
  return moved ? ` — in ${span}, analysed ${bpm} BPM` : '';
}

/**
 * The plain-text record of one analysed file as `studio analyze` prints it: name, duration, tempo (folded into
 * `range`, with rangeNote), key, loudness, the features line — left out when there are no features (an empty "features" line said
 * nothing) — and the probe's warnings. Ends with a line break.
 */
export function analyzeText(
  t: LibraryTrack,
  o: { name: string; tempoReason: string | null; keyReason: string | null; range: BpmRange | null; tempoSections: TempoSection[] | null; keySections: KeySection[] | null; tagged?: TrackDetail['tagged'] },
): string {
  // a steady tempo says where --bpm-range moved it (or could not); a changing one's sections already carry their level
  const note = o.tempoSections?.length ? '' : rangeNote(t.bpm, o.range);
  return (
    `${o.name}\n  duration    ${t.durationSec !== null ? fmtDuration(t.durationSec) : '?'}\n  tempo       ${tempoText({ bpm: foldBpm(t.bpm, o.range), bpmConfidence: t.bpmConfidence }, o.tempoReason, o.tempoSections && foldSections(o.tempoSections, o.range, t.bpm))}${note}\n` +
    `  key         ${keyText(t, o.keySections, o.keyReason)}\n` +
    taggedLine(t, o.tagged ?? null, o.range) +
    `  loudness    ${loudnessText(t)}\n` +
    (t.features ? `  features    ${t.features}\n` : '') +
    t.warnings.map((w) => `  warning     ${w}\n`).join('')
  );
}

/**
 * The "tagged" line of `studio analyze`: the tempo and key the file's own tags state (a DJ tagger's TBPM/TKEY, …) and
 * each disagreement with the analysis, in the words of the library's detail panel (detailTagged: the tempo compared
 * with the one analysed and, in a BPM range, the one shown) — "  tagged      240 BPM · 8B — tag says 240 (analysed
 * 120.0: half); tag says 8B = C major (analysed A minor: the relative minor)". '' when the tags state neither.
 */
export function taggedLine(t: LibraryTrack, tagged: TrackDetail['tagged'] | null, range: BpmRange | null): string {
  const { line, notes } = detailTagged({ tagged, track: { bpm: foldBpm(t.bpm, range), key: t.key, bpmConfidence: t.bpmConfidence, keyConfidence: t.keyConfidence }, storedBpm: t.bpm });
  if (!line) return '';
  return `  tagged      ${line.replace(/^Tagged: /, '')}${notes.length ? ` — ${notes.join('; ')}` : ''}\n`;
}

/** What analyzeLine writes beside a library row: each field optional, absent = null. */
export interface AnalyzeLineInput {
  /** the library row (LibraryTrack) */
  track: LibraryTrack;
  /** why an analysed track has no tempo (TrackDetail.tempoReason) */
  tempoReason?: string | null;
  /** why an analysed track has no key (TrackDetail.keyReason) */
  keyReason?: string | null;
  /** --bpm-range: the tempo doubled or halved into it (foldBpm), the sections' tempi by the same factor (foldSections with the track's bpm); null: as analysed */
  range?: BpmRange | null;
  /** a tempo that changes (TrackDetail.tempoSections); null or empty for a steady one — `bpm` is still the whole-track estimate */
  tempoSections?: TempoSection[] | null;
  /** a key that changes (TrackDetail.keySections); null or empty for one key — `key` is still the whole-track estimate */
  keySections?: KeySection[] | null;
  /** for a row the scan never reached (status pending): why (the database stopped taking writes); null: cancelled (NOT_ANALYSED) */
  notAnalysed?: { error: string; code: ErrorCode } | null;
  /** the tempo and key the file's own tags state (TrackDetail.tagged); null when none */
  tagged?: TrackDetail['tagged'];
}

/**
 * One line of `studio analyze --json` (analyzeLine), field by field; README's "studio analyze" row names them for users.
 * Keys are written in this order.
 */
export interface AnalyzeJsonLine {
  path: LibraryTrack['path'];
  /** seconds; null where unknown */
  durationSec: LibraryTrack['durationSec'];
  /** the whole-track tempo (BPM), doubled or halved into --bpm-range (foldBpm); null with no tempo */
  bpm: number | null;
  bpmConfidence: LibraryTrack['bpmConfidence'];
  /** why there is no tempo (TrackDetail.tempoReason) */
  tempoReason: string | null;
  /** a tempo that changes: its sections, folded by the one factor of `bpm`; null for a steady one */
  tempoSections: TempoSection[] | null;
  key: LibraryTrack['key'];
  keyConfidence: LibraryTrack['keyConfidence'];
  keyReason: string | null;
  keySections: KeySection[] | null;
  camelot: LibraryTrack['camelot'];
  openKey: LibraryTrack['openKey'];
  lufs: LibraryTrack['lufs'];
  loudnessRange: LibraryTrack['loudnessRange'];
  truePeak: LibraryTrack['truePeak'];
  features: LibraryTrack['features'];
  title: LibraryTrack['title'];
  artist: LibraryTrack['artist'];
  album: LibraryTrack['album'];
  /** the tempo and key the file's own tags state (TrackDetail.tagged); null when none */
  tags: TrackDetail['tagged'] | null;
  codec: LibraryTrack['codec'];
  sampleRate: LibraryTrack['sampleRate'];
  channels: LibraryTrack['channels'];
  bitrateKbps: LibraryTrack['bitrateKbps'];
  warnings: LibraryTrack['warnings'];
  /** null when analysed; the message for a failed or never-reached file */
  error: string | null;
  /** a failed or never-reached file's error code */
  code?: ErrorCode;
  /**
   * --bpm-range: true where `bpm` is still outside the range — a range narrower than an octave (max < 2·min) that
   * neither the tempo nor its double or half falls in (outsideBpmRange; the text's "↕ outside" mark) — false where
   * `bpm` lies in it; null without --bpm-range or without a tempo. Of the whole-track `bpm` (a changing tempo's too).
   */
  bpmOutsideRange: boolean | null;
  /** the tempo as analysed, unfolded (the database's); last */
  analysedBpm: number | null;
}

/**
 * One line of `studio analyze --json`, as an object for JSON.stringify (AnalyzeJsonLine): path, duration (s), bpm (folded into
 * `range`), its confidence and reason, tempo sections, key, its confidence, reason and sections, Camelot, Open Key,
 * loudness (LUFS, LU, dBTP), features, title/artist/album, `tags` (the tempo and key the file's own tags state:
 * { bpm, key, keyText } as TrackDetail.tagged, null when none — what a DJ tagger wrote, not the analysis), codec, sample rate (Hz), channels, bitrate (kbps), warnings, `error`
 * (null when analysed) and `code` (ErrorCode) for a failed or never-reached file, then `analysedBpm` (the tempo as
 * analysed, unfolded: beside a `bpm` folded into `range` it says so; null with none), `bpmOutsideRange` just before it.
 * A never-reached row keeps only what the scan knew before analysing it (reasons and sections dropped).
 */
export function analyzeLine({ track: t, tempoReason = null, keyReason = null, range = null, tempoSections = null, keySections = null, notAnalysed = null, tagged = null }: AnalyzeLineInput): AnalyzeJsonLine {
  // a row the scan never reached (Ctrl+C, or the database stopped taking writes): its error says so, never a null
  // error that reads as "analysed, nothing found"
  if (t.status === 'pending') return { ...analyzeLine({ track: { ...t, status: 'analysed' }, range }), ...(notAnalysed ?? { error: NOT_ANALYSED, code: 'CANCELLED' }) };
  return {
    path: t.path, durationSec: t.durationSec, bpm: foldBpm(t.bpm, range), bpmConfidence: t.bpmConfidence, tempoReason,
    tempoSections: tempoSections?.length ? foldSections(tempoSections, range, t.bpm) : null, key: t.key, keyConfidence: t.keyConfidence, keyReason, keySections: keySections?.length ? keySections : null,
    camelot: t.camelot, openKey: t.openKey, lufs: t.lufs, loudnessRange: t.loudnessRange, truePeak: t.truePeak, features: t.features,
    title: t.title, artist: t.artist, album: t.album, tags: tagged ?? null, codec: t.codec, sampleRate: t.sampleRate, channels: t.channels, bitrateKbps: t.bitrateKbps,
    warnings: t.warnings, error: t.status === 'failed' ? (t.error ?? 'failed') : null,
    // a failed file's code, as the lines of the paths the scan could not read and of the files it never reached have it
    ...(t.status === 'failed' ? { code: t.errorCode ?? 'INTERNAL' } : {}),
    // where even the nearest level misses a narrow range (the text's ↕ mark); null: no range or no tempo to place
    bpmOutsideRange: range && t.bpm !== null ? outsideBpmRange(foldBpm(t.bpm, range), range) : null,
    // the tempo as analysed, last: `bpm` is it folded into --bpm-range, so where they differ the line says so
    analysedBpm: t.bpm,
  };
}

/** The error of a file `studio analyze` did not reach because its scan was cancelled (Ctrl+C). */
export const NOT_ANALYSED = 'Not analysed: the analysis was cancelled before this file (run the command again to analyse it).';
