/**
 * Which stream of a file is read: the one libavformat's av_find_best_stream picks (what `ffmpeg -i f` without -map
 * decodes where the choice is a later stream flagged default, what players show, what the model's reference loaders
 * read). Apart from probe.ts so the cross-check (tags.ts) and the PCM reader (pcm.ts) use it without an import cycle.
 */
import type { StreamInfo } from '@contract';

/**
 * The stream of `type` that libavformat's av_find_best_stream picks — what players show, and what the
 * reference's loaders read: torchaudio's ffmpeg loader (StreamReader's default audio stream) and decord's
 * VideoReader (av_find_best_stream(…, AVMEDIA_TYPE_VIDEO, -1, -1, …)). libavformat 5.1 (utils.c): the highest
 * disposition score (not hearing/visual impaired: +1, "default": +1), then more probed frames (capped at 5:
 * only a one-frame attached picture falls short), then the higher stated bitrate; on a tie the earlier
 * stream. Audio streams without a sample rate are skipped; `skipAttachedPics`: cover art is no candidate.
 * `streams`: parseFfmpegInfo's. null: no stream of `type`. Pure.
 */
export function bestStream(streams: StreamInfo[], type: 'audio' | 'video', skipAttachedPics = false): number | null {
  let best: { index: number; disposition: number; frames: number; bitrate: number } | null = null;
  for (const s of streams) {
    if (s.type !== type || (type === 'audio' && !s.sampleRate) || (skipAttachedPics && s.attachedPic)) continue;
    const disposition = (s.impaired ? 0 : 1) + (s.isDefault ? 1 : 0);
    const frames = s.attachedPic ? 1 : 5;
    const bitrate = s.bitrateKbps ?? 0;
    if (best && (best.disposition > disposition || (best.disposition === disposition && (best.frames > frames || (best.frames === frames && best.bitrate >= bitrate))))) continue;
    best = { index: s.index, disposition, frames, bitrate };
  }
  return best?.index ?? null;
}

/** The stream of `type` av_find_best_stream picks (bestStream) when it is not the first of its type, else null: a reader mapping `0:a:0` / `0:v:0` would read another. */
export function bestIfNotFirst(streams: StreamInfo[], type: 'audio' | 'video', skipAttachedPics = false): number | null {
  const best = bestStream(streams, type, skipAttachedPics);
  const first = streams.find((s) => s.type === type && !(skipAttachedPics && s.attachedPic))?.index;
  return best !== null && best !== first ? best : null;
}

/**
 * The audio stream the ffmpeg command line decodes without `-map` (`ffmpeg -i f out.wav`), which is NOT the studio's
 * rule (bestStream): fftools' automatic mapping (ffmpeg_opt.c open_output_file, ffmpeg 5.1) scores each audio stream
 * by its channel count plus 5,000,000 when flagged "default" (plus 100,000,000 for a stream that appeared after the
 * header, which ffmpeg's stream list does not show: not modelled) and takes the highest, the first on a tie. So of a
 * stereo commentary and a 5.1 mix, neither flagged default, the command line takes the 5.1 where
 * av_find_best_stream (the studio, the model's reference loader) takes the first. Said in the track's info (tags.ts
 * audioChoiceText), never used to read. null: no audio stream. Pure.
 */
export function ffmpegCliAudioStream(streams: StreamInfo[]): number | null {
  let best: { index: number; score: number } | null = null;
  for (const s of streams) {
    if (s.type !== 'audio') continue;
    const score = (s.channels ?? 0) + (s.isDefault ? 5_000_000 : 0);
    if (!best || score > best.score) best = { index: s.index, score };
  }
  return best?.index ?? null;
}
