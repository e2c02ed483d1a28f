/**
 * The "textual music features" line: the kind of input text DeepResonance
 * (after Any2T / MU-LLaMA's data) takes next to the media tokens, e.g.
 * "Tempo: 120 BPM. Key: A minor. Chords: Am, F, C, G. Loudness: -9.8 LUFS."
 * Parts whose analysis found nothing are left out.
 */
import type { LoudnessResult } from './loudness';
import type { TempoResult } from './tempo';
import type { TonalResult } from './tonal';

export interface FeatureInputs {
  tempo?: Pick<TempoResult, 'bpm'> | null;
  tonal?: { key: Pick<TonalResult['key'], 'key'>; chords: Pick<TonalResult['chords'], 'progression'> } | null;
  loudness?: Pick<LoudnessResult, 'integratedLufs'> | null;
}

export function featuresText(r: FeatureInputs): string {
  const parts: string[] = [];
  if (r.tempo?.bpm) parts.push(`Tempo: ${Math.round(r.tempo.bpm)} BPM.`);
  if (r.tonal?.key.key) parts.push(`Key: ${r.tonal.key.key}.`);
  if (r.tonal?.chords.progression.length) parts.push(`Chords: ${r.tonal.chords.progression.join(', ')}.`);
  if (r.loudness?.integratedLufs != null) parts.push(`Loudness: ${r.loudness.integratedLufs.toFixed(1)} LUFS.`);
  return parts.join(' ');
}
