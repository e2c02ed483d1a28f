/**
 * The model's media steps, one processor per modality (as transformers.js
 * keeps its feature extractors and image processors apart from the model):
 * a file → the encoder's input tensor. `ask.ts` looks the processor up by
 * kind; adding a modality adds a row here, not a branch there.
 *
 * Each follows the reference (DeepResonance's ImageBind `data.py`):
 * - audio: all channels at the file's rate (media/pcm.ts) → torchaudio resample
 *   to 16 kHz, clips, kaldi fbank (preprocess/audio.ts) → [clips, 1, 128, 204]
 * - image: the first frame as Pillow reads it → CLIP resize/crop/normalise,
 *   repeated into 2 frames (preprocess/image.ts) → [1, 3, 2, 224, 224]
 * - video: decord's frames → 5 clips × 3 crops (preprocess/video.ts) → [15, 3, 2, 224, 224]
 */
import { basename } from 'node:path';
import { StudioError, type AskMediaFacts } from '@contract';
import { decodeAudio, imageInputSized, videoAndSoundtrack, videoInput, type DecodedAudio, type VideoPixels } from './media-input';
import { AUDIO_SAMPLE_RATE, audioToFbankClips, clipRanges, SincResampler } from './preprocess/audio';
import type { MediaKind } from './runtime';

/** Samples of one 25 ms fbank window at 16 kHz (kaldi.fbank frame_length): the reference's least clip. */
const MIN_CLIP_SAMPLES = Math.trunc(0.025 * AUDIO_SAMPLE_RATE);

/**
 * Throws BAD_ARGS when a clip of `frames` samples at `rate` (after the resample to 16 kHz) holds less than
 * one 25 ms fbank window: the reference (ImageBind's load_and_transform_audio_data) cannot make a frame of it
 * and fails (torchaudio's kaldi.fbank raises; tools/convert/preprocess.py "audio too short"), where the padded
 * fbank would hand the model clips of nothing but padding to describe as if it heard something.
 */
export function assertClipsHearable(frames: number, rate: number, clips: number, path: string): void {
  const length = rate === AUDIO_SAMPLE_RATE ? frames : new SincResampler(rate, AUDIO_SAMPLE_RATE).outputLength(frames);
  const shortest = Math.min(...clipRanges(length, AUDIO_SAMPLE_RATE, clips).map(([a, b]) => b - a));
  if (shortest < MIN_CLIP_SAMPLES) {
    const ms = ((frames / rate) * 1000).toFixed(1);
    throw new StudioError('BAD_ARGS', `"${basename(path)}" holds ${ms} ms of audio: the model needs at least 25 ms (one filterbank window) to hear anything, so it is not given to the model.`);
  }
}

/** An encoder's input, ready for `ModelRuntime.encodeAudio` / `encodeVision`. */
export interface EncoderInput {
  /** which ImageBind head takes it */
  encoder: 'audio' | 'vision';
  /** float32, the shape in the module comment, row-major */
  data: Float32Array;
  /** tokens it becomes (clips for audio, 1 for an image, clips × crops for video) */
  n: number;
  /** ms spent decoding with ffmpeg */
  decodeMs: number;
  /** ms spent on the reference's preprocessing (fbank; 0 where it is part of the decode) */
  preprocessMs: number;
  /** what was read, for `studio ask --json`'s inputs (the contract's AskMediaFacts: container, seconds, Hz, channels, clips, pixels, frames) */
  facts: AskMediaFacts;
}

/** An audio decode's facts: seconds decoded (frames ÷ rate, the region's when one was chosen), rate (Hz), channels, clips. */
export function audioFacts(d: DecodedAudio, clips: number): AskMediaFacts {
  return { ...(d.container ? { container: d.container } : {}), seconds: d.source.length / d.sampleRate, sampleRate: d.sampleRate, channels: d.channels, clips };
}

/** A video decode's facts: its stored width × height, the frames given (the plan's pairs) and held, seconds held. */
export function videoFacts(v: VideoPixels): AskMediaFacts {
  return { ...(v.container ? { container: v.container } : {}), width: v.width, height: v.height, frames: v.plan.flat().length, videoFrames: v.videoFrames, seconds: v.seconds };
}

export interface ProcessOptions {
  /** audio clips the pack's manifest asks for (3 in DeepResonance) */
  clips: number;
  /** [start, end) seconds of the audio, when a region was chosen */
  region?: [number, number];
  signal?: AbortSignal;
}

/** A file of one modality → its encoder input. Errors: the StudioErrors of media-input.ts (NOT_FOUND, NO_AUDIO, NOT_MEDIA, DECODE_FAILED, BAD_ARGS, CANCELLED). */
export type MediaProcessor = (path: string, opts: ProcessOptions) => Promise<EncoderInput>;

export const PROCESSORS: Record<MediaKind, MediaProcessor> = {
  async audio(path, { clips, region, signal }) {
    let t = performance.now();
    const decoded = await decodeAudio(path, { region, signal });
    const decodeMs = performance.now() - t;
    t = performance.now();
    try {
      assertClipsHearable(decoded.source.length, decoded.sampleRate, clips, path);
      return { encoder: 'audio', data: audioToFbankClips(decoded.source, decoded.sampleRate, clips).data, n: clips, decodeMs, preprocessMs: performance.now() - t, facts: audioFacts(decoded, clips) };
    } finally {
      decoded.close();
    }
  },
  async image(path, { signal }) {
    const t = performance.now();
    const { data, width, height, container } = await imageInputSized(path, signal);
    return { encoder: 'vision', data, n: 1, decodeMs: performance.now() - t, preprocessMs: 0, facts: { ...(container ? { container } : {}), width, height } };
  },
  async video(path, { signal }) {
    const t = performance.now();
    const v = await videoInput(path, signal);
    return { encoder: 'vision', data: v.pixels, n: v.n, decodeMs: performance.now() - t, preprocessMs: 0, facts: videoFacts(v) };
  },
};

/**
 * A video and its own soundtrack, both needed by one question: the two
 * encoder inputs PROCESSORS.video and PROCESSORS.audio (no region) give, bit
 * for bit, from one decode (media-input.ts videoAndSoundtrack: two ffmpeg runs
 * instead of four). The decode time is the video's; the audio's is 0.
 */
export async function processVideoWithSoundtrack(path: string, { clips, signal }: Omit<ProcessOptions, 'region'>): Promise<{ video: EncoderInput; audio: EncoderInput; runs: number }> {
  let t = performance.now();
  const { video, audio, runs } = await videoAndSoundtrack(path, { signal });
  const decodeMs = performance.now() - t;
  t = performance.now();
  try {
    assertClipsHearable(audio.source.length, audio.sampleRate, clips, path);
    const fbank = audioToFbankClips(audio.source, audio.sampleRate, clips).data;
    return {
      video: { encoder: 'vision', data: video.pixels, n: video.n, decodeMs, preprocessMs: 0, facts: videoFacts(video) },
      audio: { encoder: 'audio', data: fbank, n: clips, decodeMs: 0, preprocessMs: performance.now() - t, facts: audioFacts(audio, clips) },
      runs,
    };
  } finally {
    audio.close();
  }
}
