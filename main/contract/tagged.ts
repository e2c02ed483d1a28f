/**
 * The tempo and key a file's own tags state (another program's: a DJ tagger's
 * TBPM/TKEY, BPM/INITIALKEY, tmpo — Tags.bpm, key, keyText) set beside what the
 * studio analysed, in the words the track detail and `studio analyze` share:
 * "Tagged: 128 BPM · 8A", and each disagreement said ("tag says 140 (analysed
 * 70.0: half)"). Pure.
 */
import { parseKeyName } from './key-spelling';
import { MIN_CONFIDENCE } from './confidence';

/** what the tags state: `bpm` in BPM, `key` in the studio's naming ("A minor") where it parsed, `keyText` as written */
export interface TaggedTempoKey {
  bpm?: number;
  key?: string;
  keyText?: string;
}

/** a confidence under MIN_CONFIDENCE: the analysis' value is a best guess it does not claim (absent or null: sure) */
const unsure = (c: number | null | undefined): boolean => c !== undefined && c !== null && c < MIN_CONFIDENCE;

/** a tag's tempo as written: whole numbers without decimals ("128"), else to 0.01 ("126.5") */
const bpmWords = (b: number): string => String(Math.round(b * 100) / 100);

/** a tagged tempo within this fraction of the analysed tempo (or its double/half) is the same tempo (or its octave) */
export const TAG_TEMPO_TOLERANCE = 0.04;

/**
 * How a tagged tempo `tag` stands to the analysed `analysed` (both BPM): 'same' within TAG_TEMPO_TOLERANCE of it;
 * 'half' when the analysis found half the tag's tempo (tag ≈ 2 × analysed), 'double' when it found double (tag ≈
 * analysed / 2); 'different' otherwise.
 */
export function tempoAgreement(tag: number, analysed: number): 'same' | 'half' | 'double' | 'different' {
  const near = (a: number, b: number) => Math.abs(a - b) <= TAG_TEMPO_TOLERANCE * b;
  if (near(tag, analysed)) return 'same';
  if (near(tag, analysed * 2)) return 'half';
  if (near(tag, analysed / 2)) return 'double';
  return 'different';
}

/**
 * How the analysed key `analysed` stands to a tagged key `tag` (both key names: "A minor", "Eb major"), as a DJ
 * reads the Camelot wheel: 'relative' — the other mode on the same Camelot number (8A A minor / 8B C major, the
 * analysis' most common confusion: one scale, another tonic); 'parallel' — the same tonic, the other mode (A minor /
 * A major); 'fifth' — the same mode a fifth away, one step on the wheel (8A / 9A: still mixes); 'different' otherwise
 * or where either name is not a key. Not called for equal keys.
 */
export function keyRelation(tag: string, analysed: string): 'relative' | 'parallel' | 'fifth' | 'different' {
  const t = parseKeyName(tag);
  const a = parseKeyName(analysed);
  if (!t || !a) return 'different';
  const d = (((a.pc - t.pc) % 12) + 12) % 12;
  if (t.minor !== a.minor) {
    if (d === 0) return 'parallel';
    // a minor key's relative major lies 3 semitones above it
    return d === (t.minor ? 3 : 9) ? 'relative' : 'different';
  }
  return d === 5 || d === 7 ? 'fifth' : 'different';
}

/** keyRelation in the words of a tag note, about the analysed key `analysed`: "the relative major", "a fifth away", "a different key". */
function keyRelationWords(r: ReturnType<typeof keyRelation>, analysed: string): string {
  const mode = parseKeyName(analysed)?.minor ? 'minor' : 'major';
  return r === 'relative' ? `the relative ${mode}` : r === 'parallel' ? `the parallel ${mode}` : r === 'fifth' ? 'a fifth away' : 'a different key';
}

/**
 * The tagged tempo and key beside the analysed ones. `line`: "Tagged: 128 BPM · 8A" (the key as written; an
 * unparsed key's text in quotes with "(not a key)"); null when the tags state neither. `notes`: one sentence per
 * disagreement — tempo: "tag says 140 (analysed 70.0: half)", "tag says 128 (analysed 97.0: a different tempo)";
 * key: "tag says 8A = A minor (analysed C major: the relative major)" — "the parallel minor", "a fifth away", "a
 * different key" (keyRelation). A value the analysis did not find (null) is
 * compared with nothing. `analysed.bpm` in BPM as the analysis STORED it (not folded into the user's BPM range: a
 * tag of 174 beside an analysed 174 shown as 87 agrees — see detailTagged), `analysed.key` in the studio's naming
 * ("A minor"). `spell` writes a key name in the user's spelling (spellKey(…, prefs.keySpelling)) in the notes, as
 * keySectionsText does; the tag's own text stays as written.
 * `analysed.bpmConfidence` / `keyConfidence` (0..1; absent or null: sure): under MIN_CONFIDENCE the analysis claims no
 * tempo or key ("uncertain" in the detail), so a tag that disagrees with its best guess is said against nothing — no
 * half/double or Camelot relation, which would compare the tag with a value we do not stand by: "tag says 8A = A minor
 * (ours uncertain: best guess A major)", "tag says 120 (ours uncertain: best guess 236.2)".
 */
export function taggedText(
  tagged: TaggedTempoKey | null | undefined,
  analysed: { bpm: number | null; key: string | null; bpmConfidence?: number | null; keyConfidence?: number | null },
  spell: (key: string) => string = (k) => k,
): { line: string | null; notes: string[] } {
  if (!tagged || (tagged.bpm === undefined && tagged.keyText === undefined)) return { line: null, notes: [] };
  const parts: string[] = [];
  const notes: string[] = [];
  if (tagged.bpm !== undefined) {
    parts.push(`${bpmWords(tagged.bpm)} BPM`);
    if (analysed.bpm !== null && analysed.bpm > 0) {
      const a = tempoAgreement(tagged.bpm, analysed.bpm);
      if (a !== 'same')
        notes.push(
          unsure(analysed.bpmConfidence)
            ? `tag says ${bpmWords(tagged.bpm)} (ours uncertain: best guess ${analysed.bpm.toFixed(1)})`
            : `tag says ${bpmWords(tagged.bpm)} (analysed ${analysed.bpm.toFixed(1)}: ${a === 'different' ? 'a different tempo' : a})`,
        );
    }
  }
  if (tagged.keyText !== undefined) {
    parts.push(tagged.key === undefined ? `"${tagged.keyText}" (not a key)` : tagged.keyText);
    if (tagged.key !== undefined && analysed.key !== null && tagged.key !== analysed.key) {
      const said = tagged.key === tagged.keyText ? spell(tagged.key) : `${tagged.keyText} = ${spell(tagged.key)}`;
      notes.push(
        unsure(analysed.keyConfidence)
          ? `tag says ${said} (ours uncertain: best guess ${spell(analysed.key)})`
          : `tag says ${said} (analysed ${spell(analysed.key)}: ${keyRelationWords(keyRelation(tagged.key, analysed.key), analysed.key)})`,
      );
    }
  }
  return { line: `Tagged: ${parts.join(' · ')}`, notes };
}

/**
 * taggedText for a track detail (TrackDetail: `tagged`, `track.bpm`/`track.key`, `storedBpm`): the tag's tempo is
 * compared with the tempo the analysis stored (`storedBpm`, sent where the detail's `track.bpm` is folded into the
 * user's BPM range; else `track.bpm`), so a tag of 174 beside an analysed 174 shown as 87 (range 70–140) is no
 * disagreement. Where the range folds the tempo (shown ≠ stored), a tag that agrees with the tempo SHOWN (87 beside
 * a shown 87, analysed 174) is no disagreement either; one that agrees with neither is said against the tempo shown,
 * the analysed one beside it: "tag says 120 (shown 87.0: a different tempo; analysed 174.0)". Every host (the
 * panel, any other) decides so. `spell` as for taggedText; `track.bpmConfidence` / `keyConfidence` as taggedText's
 * (an uncertain tempo or key is named as ours uncertain, with no relation to the tag).
 */
export function detailTagged(
  d: { tagged?: TaggedTempoKey | null; track: { bpm: number | null; key: string | null; bpmConfidence?: number | null; keyConfidence?: number | null }; storedBpm?: number | null },
  spell?: (key: string) => string,
): { line: string | null; notes: string[] } {
  const stored = d.storedBpm !== undefined ? d.storedBpm : d.track.bpm;
  const shown = d.track.bpm;
  const tag = d.tagged?.bpm;
  const { bpmConfidence, keyConfidence } = d.track;
  if (tag === undefined || stored === null || shown === null || stored <= 0 || shown <= 0 || shown === stored) {
    return taggedText(d.tagged, { bpm: stored, key: d.track.key, bpmConfidence, keyConfidence }, spell);
  }
  // folded: the line and the key's note as taggedText says them; the tempo's note here
  const out = taggedText(d.tagged, { bpm: null, key: d.track.key, keyConfidence }, spell);
  if (tempoAgreement(tag, stored) === 'same' || tempoAgreement(tag, shown) === 'same') return out;
  const a = tempoAgreement(tag, shown);
  const note = unsure(bpmConfidence)
    ? `tag says ${bpmWords(tag)} (ours uncertain: best guess ${shown.toFixed(1)} shown; analysed ${stored.toFixed(1)})`
    : `tag says ${bpmWords(tag)} (shown ${shown.toFixed(1)}: ${a === 'different' ? 'a different tempo' : a}; analysed ${stored.toFixed(1)})`;
  return { line: out.line, notes: [note, ...out.notes] };
}

/**
 * The file's own tags a tag write replaces (library:write-tags' `replaced`, library:tag-plan's `replaces`: the text as
 * the file states it): 'BPM tag "96" and key tag "8A" (another program's)', '' when none. `studio tags write` and the
 * Write tags… dialog say it so.
 */
export function replacedText(r: { bpm: string | null; key: string | null } | undefined): string {
  const parts = [r?.bpm ? `BPM tag "${r.bpm}"` : null, r?.key ? `key tag "${r.key}"` : null].filter((x) => x !== null);
  return parts.length ? `${parts.join(' and ')} (another program's)` : '';
}

/**
 * The key notation most of the files' own key tags are in — library:tag-plan's `keyNotations` (counts per notation:
 * "standard" "Am", "name" "A minor", "camelot" "8A", "openkey" "1m") — which Write tags writes in until the user
 * chooses one (the dialog; `studio tags write` without `--notation`), so a key tagger's "8A" stays "8A" (tester37).
 * A tie goes to the first of standard, name, camelot, openkey; null where none is counted. Pure.
 */
export function mostUsedNotation<N extends 'standard' | 'name' | 'camelot' | 'openkey'>(counts: Partial<Record<N, number>> | undefined): N | null {
  let best: N | null = null;
  for (const n of ['standard', 'name', 'camelot', 'openkey'] as N[]) if ((counts?.[n] ?? 0) > (best ? counts![best]! : 0)) best = n;
  return best;
}
