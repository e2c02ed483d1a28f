/**
 * What the library's values mean to a user (issue 10): a tempo or key as a
 * fact, uncertain or absent by its calibrated confidence, and what a scan
 * left out, by kind. No DOM: unit-tested directly.
 */
import { certainty, confidenceText, foldBpm, outsideBpmRange, foldSections, keyChangeText, keySectionsText, tempoSectionsText, tempoSpan, tempoStops, type BpmRange, type KeySection, type ScanState, type TempoSection } from '@contract';
import { fmtCount } from './format';

/** A confidence as a whole percentage, never rounded across MIN_CONFIDENCE: @contract's `confidenceText`, as the CLI and the engine state it. */
export { confidenceText } from '@contract';

/** The one certainty rule (`none` / `uncertain` / `sure`), shared with the engine's export: @contract's `certainty`. */
export { certainty, type Certainty } from '@contract';

/** The tooltip of a tempo or key cell: what the value means at its confidence. */
export function certaintyNote(what: 'tempo' | 'key', shown: string | null, confidence: number | null, reason?: string | null): string {
  const c = certainty(shown, confidence);
  if (c === 'none') return `No ${what}${reason ? `: ${reason}` : ' found'}.`;
  if (c === 'uncertain')
    return `Uncertain ${what}: best guess ${shown} at ${confidenceText(confidence) || '0%'} confidence (a stated confidence is how often such a value is right). Left out of the features line.`;
  return `${what === 'tempo' ? 'Tempo' : 'Key'} ${shown}, confidence ${confidenceText(confidence)}: right about ${confidenceText(confidence)} of the time.`;
}

/**
 * A tempo folded into the BPM range beside the one analysed (dj33: the detail panel and the track view's header read
 * "64.0 BPM" while the features line under them said "Tempo: 128 BPM." and only the Beat grid's tooltip said why).
 * `shown`: the tempo as shown (BPM, folded); `stored`: as analysed (the contract's `storedBpm`, sent only with a range
 * set); `range`: the BPM range setting. → `{analysed: 128, text: " · analysed 128.0", note: " Shown in the BPM range
 * 60–120 (analysed: 128.0 BPM)."}` (the text follows the value, the note its tooltip; a tempo no level of which
 * falls in a range narrower than an octave is "nearest to the BPM range 120–130, outside it"); empty strings and
 * `analysed: null` where nothing is folded.
 */
export function foldedTempo(shown: number | null, stored: number | null | undefined, range: BpmRange | null): { analysed: number | null; text: string; note: string } {
  if (shown === null || !stored || stored === shown) return { analysed: null, text: '', note: '' };
  // a range narrower than an octave cannot hold every tempo: the one shown is then only the level nearest to it (↕)
  const where = !range ? '' : outsideBpmRange(shown, range) ? ` nearest to the BPM range ${range.min}–${range.max}, outside it` : ` in the BPM range ${range.min}–${range.max}`;
  return { analysed: stored, text: ` · analysed ${stored.toFixed(1)}`, note: ` Shown${where} (analysed: ${stored.toFixed(1)} BPM).` };
}

/**
 * The track view's Beat grid button: the tempo beside "Beat grid" and the start of its tooltip, as the library
 * shows that tempo — in the BPM range (`range`, foldBpm), and "uncertain" under MIN_CONFIDENCE (the library's
 * table and detail say so; the button read "98" for a tempo the library called uncertain at 44 %). `grid`: the
 * contract's BeatGrid (bpm as analysed, its calibrated confidence). The lines drawn stay the analysed beats; an
 * uncertain tempo draws none (WaveMarks.svelte), and its note says so.
 * → `{text: "64" | "uncertain", uncertain, note: "64 BPM in the BPM range 60–120 (analysed: 128 BPM, the beats drawn)"}`
 * ("nearest to the BPM range 120–130, outside it" where a range narrower than an octave holds no level of the tempo);
 * null without a tempo.
 */
export function beatGridTempo(grid: { bpm: number | null; bpmConfidence: number | null }, range: BpmRange | null): { text: string; uncertain: boolean; note: string } | null {
  if (grid.bpm === null || !(grid.bpm > 0)) return null;
  const shown = foldBpm(grid.bpm, range) ?? grid.bpm;
  // a range narrower than an octave holds no level of some tempi: the one shown is then the nearest (as foldedTempo says)
  const inRange = (r: BpmRange) => (outsideBpmRange(shown, r) ? ` nearest to the BPM range ${r.min}–${r.max}, outside it` : ` in the BPM range ${r.min}–${r.max}`);
  const where = (drawn: string) => (range && shown !== grid.bpm ? `${inRange(range)} (analysed: ${grid.bpm} BPM${drawn})` : '');
  if (certainty(grid.bpm, grid.bpmConfidence) === 'uncertain')
    return { text: 'uncertain', uncertain: true, note: `Tempo uncertain: best guess ${shown} BPM${where('')} at ${confidenceText(grid.bpmConfidence) || '0%'} confidence; no grid drawn: a guessed tempo's beats and bars would mislead` };
  return { text: String(shown), uncertain: false, note: `${shown} BPM${where(', the beats drawn')}` };
}

/**
 * The track view's Beat grid line for a tempo that changes (BeatGrid.tempoSections, issue 10 kind 4), in the BPM
 * range as the library shows it (foldSections by the whole-track tempo's factor; the whole-track tempo foldBpm).
 * The grid drawn is ONE tempo's — the beat tracker runs at the whole-track estimate's period (tempo.ts trackBeats;
 * on a 90 → 130 → 90 render, 177.1 BPM, its lines 0.325 s apart in the 90 parts and 0.348 s in the 130 part) — so
 * the line says that too. → `{text: "Tempo changes: 90 → 129 → 90 BPM; the grid keeps one tempo (177.1 BPM)",
 * note: the sections in full and what the grid does}`. An uncertain tempo (`bpmConfidence` under MIN_CONFIDENCE,
 * certainty) draws no grid: "Tempo uncertain: best guesses change 90 → 129 → 90 BPM", its note the best guess and its
 * confidence, no word of a grid. null for a steady tempo, one not known (a grid cached before the sections were kept)
 * or no tempo.
 */
export function beatGridChange(grid: { bpm: number | null; bpmConfidence: number | null; tempoSections?: TempoSection[] | null }, range: BpmRange | null): { text: string; note: string } | null {
  if (grid.bpm === null || !(grid.bpm > 0) || !grid.tempoSections?.length) return null;
  const sections = foldSections(grid.tempoSections, range, grid.bpm);
  const shown = foldBpm(grid.bpm, range) ?? grid.bpm;
  // an uncertain tempo (certainty: under MIN_CONFIDENCE) draws no grid (WaveMarks.svelte): the line says the tempo is
  // uncertain and names its changing best guesses, never a grid (tester28 read "the grid keeps one tempo" with none drawn)
  if (certainty(grid.bpm, grid.bpmConfidence) === 'uncertain')
    return {
      text: `Tempo uncertain: best guesses change ${tempoStops(sections).join(' → ')} BPM`,
      note: `Uncertain tempo: best guess ${shown} BPM at ${confidenceText(grid.bpmConfidence) || '0%'} confidence, and the best guesses change: ${tempoSectionsText(sections)}. A stated confidence is how often such a value is right.`,
    };
  return {
    text: `Tempo changes: ${tempoStops(sections).join(' → ')} BPM; the grid keeps one tempo (${shown} BPM)`,
    note: `The tempo changes: ${tempoSectionsText(sections)}. The beat grid keeps one tempo, the whole-track estimate (${shown} BPM): where the tempo differs from it, its lines drift off the beats.`,
  };
}

/**
 * The tooltip of the table's mark on a track whose tempo changes (issue 10 kind 4): "Tempo changes: 90–130 BPM
 * (0:00–0:30 90 BPM, …). The BPM column keeps the whole-track estimate (104.2 BPM): sorted and filtered by it."
 */
export function tempoChangeNote(sections: readonly TempoSection[], shownBpm: string): string {
  const [lo, hi] = tempoSpan(sections);
  return `Tempo changes: ${lo}–${hi} BPM (${tempoSectionsText(sections)}). The BPM column keeps the whole-track estimate (${shownBpm} BPM): sorted and filtered by it.`;
}

/**
 * The tooltip of the table's mark on a track whose key changes: "Key changes: C major → G major (0:00–0:32 C major,
 * 0:32–1:04 G major). The key column keeps the whole-track estimate (C major): sorted and filtered by it."
 * `spell`: the key as the user spells it (prefs' key spelling).
 */
export function keyChangeNote(sections: readonly KeySection[], shownKey: string, spell: (key: string) => string = (k) => k): string {
  return `Key changes: ${keyChangeText(sections, spell)} (${keySectionsText(sections, spell)}). The key column keeps the whole-track estimate (${shownKey}): sorted and filtered by it.`;
}

/**
 * What the scan left out, grouped by kind, in words: "2 could not be read · 1 gone (deleted, or a broken link)".
 * Grouped on the problem's `kind` (ScanProblemKind) and then its `code`, never on its message.
 */
export function problemsSummary(problems: ScanState['problems']): string {
  const groups = new Map<string, number>();
  for (const p of problems) {
    const what =
      // a link to a folder walked already, or a loop (walk.ts sets the kind): its files were read through the other path
      p.kind === 'folder-seen' || p.kind === 'link-loop' ? 'links to folders already scanned (or loops)'
      // a library folder that is not there (job.ts sets the kind): its rows stay
      : p.kind === 'folder-missing' ? 'not there (library folders: their tracks are kept)'
      : p.code === 'UNREADABLE' ? 'could not be read'
      : p.code === 'NOT_FOUND' ? 'gone (deleted, or a broken link)'
      : p.code === 'FILE_CHANGED' ? 'changed or deleted while analysed'
      : p.code === 'BAD_ARGS' ? 'not a file or folder'
      : p.code === 'CANCELLED' ? 'not finished (cancelled)'
      : 'other errors';
    groups.set(what, (groups.get(what) ?? 0) + 1);
  }
  return [...groups].map(([what, n]) => `${fmtCount(n)} ${what}`).join(' · ');
}
