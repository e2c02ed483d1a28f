/**
 * The "textual music features" line: the kind of input text DeepResonance
 * (after Any2T / MU-LLaMA's data) takes next to the media tokens, e.g.
 * "Tempo: 120 BPM. Key: A minor. Chords: Am, F, C, G. Loudness: -9.8 LUFS."
 *
 * The model believes what this line says, so it states only what the
 * analysis is confident of: parts whose analysis found nothing, and tempo or
 * key whose calibrated confidence is below FEATURE_MIN_CONFIDENCE, are left
 * out (chords go with the key: an uncertain key means the pitch content is
 * unclear — drums, noise, twelve-tone music — and the chord labels are too).
 * A track whose tempo changes (TempoResult.variable: long sections at tempi
 * that are not metrical relatives, or a gradual change) has no single tempo:
 * any one number would be wrong for part of the track, so the line states the
 * change in the same words as "Tempo: N BPM." — "Tempo: changes from 90 to
 * 120 BPM.", "Tempo: speeds up from 80 to 140 BPM." (tempoChangeSentence) —
 * whatever the whole-track estimate's confidence (that is the confidence of
 * one tempo, which the line then does not state; the change itself passed the
 * detection's own rules, and each step section's own tempo is sure: tempo.ts
 * leastSureSection).
 * A track whose key changes (KeyResult.variable: two long sections in keys of
 * different scales) states no key and no chords: any one key would be wrong
 * for part of the track.
 */
import { MIN_CONFIDENCE, spellChord, tempoChangeSentence } from '@contract';
import type { LoudnessResult } from './loudness';
import type { TempoResult } from './tempo';
import type { TonalResult } from './tonal';

/**
 * Below this calibrated confidence (0..1, the probability the value is right)
 * a tempo or key is left out of the features line. The same number is stored
 * in the library and shown in the table and `studio analyze`.
 */
export const FEATURE_MIN_CONFIDENCE = MIN_CONFIDENCE;

export interface FeatureInputs {
  tempo?: Pick<TempoResult, 'bpm' | 'confidence' | 'variable'> | null;
  tonal?: { key: Pick<TonalResult['key'], 'key' | 'confidence' | 'variable'>; chords: Pick<TonalResult['chords'], 'progression'> } | null;
  loudness?: Pick<LoudnessResult, 'integratedLufs'> | null;
}

/** The features line for one track; '' when nothing is known with confidence. */
export function featuresText(r: FeatureInputs): string {
  const parts: string[] = [];
  if (r.tempo?.variable?.length) parts.push(tempoChangeSentence(r.tempo.variable));
  else if (r.tempo?.bpm && r.tempo.confidence >= FEATURE_MIN_CONFIDENCE) parts.push(`Tempo: ${Math.round(r.tempo.bpm)} BPM.`);
  const keyOk = !!r.tonal?.key.key && r.tonal.key.confidence >= FEATURE_MIN_CONFIDENCE && !r.tonal.key.variable?.length;
  if (keyOk) parts.push(`Key: ${r.tonal!.key.key}.`);
  if (keyOk && r.tonal!.chords.progression.length) parts.push(`Chords: ${r.tonal!.chords.progression.map((c) => spellChordInKey(c, r.tonal!.key.key!)).join(', ')}.`);
  // rounded to 0.01 first, as the library stores it (store.ts r2) and then shows it to 0.1 (table, detail): rounding the
  // unrounded value once said "-40.7" beside the table's "-40.8" for a track measured at -40.7496 (tester26)
  if (r.loudness?.integratedLufs != null) parts.push(`Loudness: ${(Math.round(r.loudness.integratedLufs * 100) / 100).toFixed(1)} LUFS.`);
  return parts.join(' ');
}

/**
 * A chord name of the tonal analyser (one fixed table: F#, Eb, C#m, …) spelled as the key is named: a flat tonic
 * ("Db major", "Eb minor") spells every root with flats, a sharp one ("F# major", "C# minor") with sharps, a natural
 * one as its signature does (E major: D#, F major: Bb; C major / A minor: the usual mixed names) — "Key: Db major.
 * Chords: Db, Gb, Ab", not "… F#" (tester17). The contract's spellChord with 'signature', as the library shows it.
 */
function spellChordInKey(chord: string, key: string): string {
  return spellChord(chord, key, 'signature');
}
