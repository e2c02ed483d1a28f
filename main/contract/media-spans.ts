/**
 * What a question about a video puts before the model, in time: the frames and the audio are sampled apart, as the
 * DeepResonance reference does (DESIGN.md: decord's frames — 5 clips over the picture's own length — and torchaudio's
 * audio — 3 clips over the audio's own length), so where the audio stops before the picture (a clip whose soundtrack
 * ends first) or a region of it was chosen, the model sees frames of a span it does not hear. The frames stay the
 * reference's (the released checkpoints were trained on them); this says which span each covers, in the chat and in
 * `studio ask`. The one rule of both; zod-free, no DOM.
 */
import { clockTime } from './clock-time';

/** the fields of an asked medium (AskResult inputs.media) the spans are read from */
export interface SpanMedium {
  kind: 'audio' | 'image' | 'video';
  path: string;
  /** the audio region chosen, [start, end) s */
  region?: [number, number];
  /** audio: seconds decoded (the region's); video: the frames held ÷ the frame rate (AskMediaFacts.seconds) */
  seconds?: number;
}

/**
 * The note for a question whose media hold a video and audio of the same file whose spans differ: the audio heard
 * ends before the frames' span (by more than max(0.5 s, 2 %), the probe's margin for "the audio ends first"), or
 * starts after 0 (a region) — "The model hears 0:00–0:06.02 of the audio (where it ends) but sees frames sampled over
 * the whole picture, 0:00–0:10.00, as DeepResonance samples each on its own: what it sees after 0:06.02 it hears
 * nothing of." null where they cover the same span, or there is no such pair. Pure.
 */
export function mediaSpanNote(media: readonly SpanMedium[]): string | null {
  const video = media.find((m) => m.kind === 'video' && m.seconds !== undefined && m.seconds > 0);
  if (!video) return null;
  const audio = media.find((m) => m.kind === 'audio' && m.path === video.path && m.seconds !== undefined);
  if (!audio) return null;
  const end = video.seconds!;
  const from = audio.region ? audio.region[0] : 0;
  const to = Math.min(from + audio.seconds!, audio.region ? audio.region[1] : Infinity);
  const margin = Math.max(0.5, 0.02 * end);
  const late = from > margin;
  const early = end - to > margin;
  if (!late && !early) return null;
  const t = (s: number) => clockTime(s, 2);
  const why = audio.region ? 'the region chosen' : 'where the audio ends';
  const unheard = [late ? `before ${t(from)}` : '', early ? `after ${t(to)}` : ''].filter(Boolean).join(' and ');
  return `The model hears ${t(from)}–${t(to)} of the audio (${why}) but sees frames sampled over the whole picture, 0:00–${t(end)}, as DeepResonance samples each on its own: what it sees ${unheard} it hears nothing of.`;
}
