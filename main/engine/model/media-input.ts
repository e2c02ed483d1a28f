import { basename } from 'node:path';
import { StudioError } from '../../contract';
import { ffmpegReason, runFfmpeg } from '../media/ffmpeg';
import { parseFfmpegInfo, statMediaFile } from '../media/probe';
import { audioToFbankClips } from './preprocess/audio';
import { imageToPixelValues } from './preprocess/image';
import { clipToPixelValues, framePlan, VIDEO_CLIPS, VIDEO_CROPS } from './preprocess/video';

/**
 * Decoding the media the model sees, with ffmpeg, into the arrays the
 * preprocessing expects. Decoding happens here once per medium; the model
 * never reads a file itself.
 */

/** Pillow refuses images above twice this many pixels (decompression bombs); so do we, at this limit. */
export const MAX_IMAGE_PIXELS = 89_478_485;

export interface DecodedAudio {
  channels: Float32Array[];
  sampleRate: number;
}

/**
 * All channels at the file's own sample rate (the model resamples with
 * torchaudio's filter itself), optionally only [start, end) seconds.
 */
export async function decodeAudio(path: string, opts: { region?: [number, number]; signal?: AbortSignal } = {}): Promise<DecodedAudio> {
  await statMediaFile(path);
  const info = parseFfmpegInfo((await runFfmpeg(['-i', path], { signal: opts.signal })).stderr);
  const audio = info.streams.find((s) => s.type === 'audio');
  if (!audio) throw new StudioError('NO_AUDIO', `"${basename(path)}" has no audio stream for the model to listen to.`);
  const sampleRate = audio.sampleRate;
  const channelCount = audio.channels;
  if (!sampleRate || !channelCount) throw new StudioError('NOT_MEDIA', `"${basename(path)}": ffmpeg reports no sample rate or channel count.`);
  const args = ['-v', 'error', '-i', path, '-map', `0:${audio.index}`];
  if (opts.region) {
    const [a, b] = opts.region;
    if (!(b > a) || a < 0) throw new StudioError('BAD_ARGS', `The region ${a}–${b} s is empty or negative.`);
    args.push('-af', `atrim=start=${a}:end=${b}`);
  }
  args.push('-f', 'f32le', '-acodec', 'pcm_f32le', '-ar', String(sampleRate), '-ac', String(channelCount), 'pipe:1');
  const r = await runFfmpeg(args, { signal: opts.signal });
  if (r.code !== 0 && r.stdout.length === 0) {
    throw new StudioError('DECODE_FAILED', `"${basename(path)}" could not be decoded (ffmpeg: ${ffmpegReason(r.stderr)}).`);
  }
  const frames = Math.floor(r.stdout.length / 4 / channelCount);
  if (frames === 0) throw new StudioError('DECODE_FAILED', `"${basename(path)}" decoded to no audio${opts.region ? ' in the selected region' : ''}.`);
  const inter = new Float32Array(r.stdout.buffer, r.stdout.byteOffset, frames * channelCount);
  const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
  for (let i = 0, k = 0; i < frames; i++) for (let c = 0; c < channelCount; c++) channels[c][i] = inter[k++];
  return { channels, sampleRate };
}

/** The audio encoder's input for a file: [clips, 1, 128, 204]. */
export async function audioInput(path: string, clips: number, opts: { region?: [number, number]; signal?: AbortSignal } = {}): Promise<Float32Array> {
  const { channels, sampleRate } = await decodeAudio(path, opts);
  return audioToFbankClips(channels, sampleRate, clips).data;
}

async function videoStream(path: string, signal?: AbortSignal) {
  const info = parseFfmpegInfo((await runFfmpeg(['-i', path], { signal })).stderr);
  return { info, video: info.streams.find((s) => s.type === 'video' && !s.attachedPic) ?? info.streams.find((s) => s.type === 'video') };
}

/** Decode chosen frames (0-based, presentation order) as rgb24. */
async function decodeFrames(path: string, streamIndex: number, indices: number[], w: number, h: number, signal?: AbortSignal): Promise<Map<number, Uint8Array>> {
  const wanted = [...new Set(indices)].sort((a, b) => a - b);
  const expr = wanted.map((i) => `eq(n\\,${i})`).join('+');
  const r = await runFfmpeg(
    ['-v', 'error', '-i', path, '-map', `0:${streamIndex}`, '-vf', `select=${expr}`, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { signal },
  );
  const size = w * h * 3;
  const got = Math.floor(r.stdout.length / size);
  if (got !== wanted.length) {
    throw new StudioError('DECODE_FAILED', `"${basename(path)}": ffmpeg delivered ${got} of the ${wanted.length} video frames the model needs (${ffmpegReason(r.stderr)}).`);
  }
  const out = new Map<number, Uint8Array>();
  wanted.forEach((i, k) => out.set(i, new Uint8Array(r.stdout.buffer, r.stdout.byteOffset + k * size, size)));
  return out;
}

/** ffmpeg prints avg_frame_rate rounded; NTSC rates are exact fractions. */
export function exactFps(printed: number): number {
  for (const base of [24, 30, 48, 60, 120]) {
    const ntsc = (base * 1000) / 1001;
    if (Math.abs(printed - ntsc) < 0.006) return ntsc;
  }
  return printed;
}

/** Number of video packets (what decord indexes), counted by remuxing to null. */
async function countPackets(path: string, streamIndex: number, signal?: AbortSignal): Promise<number> {
  const r = await runFfmpeg(['-i', path, '-map', `0:${streamIndex}`, '-c', 'copy', '-f', 'null', '-'], { signal });
  const all = [...r.stderr.matchAll(/frame=\s*(\d+)/g)];
  return all.length ? Number(all[all.length - 1][1]) : 0;
}

/** The vision encoder's input for a video: [15, 3, 2, 224, 224]. */
export async function videoInput(path: string, signal?: AbortSignal): Promise<{ pixels: Float32Array; n: number; plan: Array<[number, number]> }> {
  await statMediaFile(path);
  const { video } = await videoStream(path, signal);
  if (!video || !video.width || !video.height) throw new StudioError('NOT_MEDIA', `"${basename(path)}" has no video stream.`);
  if (!video.fps) throw new StudioError('NOT_MEDIA', `"${basename(path)}": the video's frame rate is unknown.`);
  const frames = await countPackets(path, video.index, signal);
  if (frames === 0) throw new StudioError('DECODE_FAILED', `"${basename(path)}" has a video stream with no frames.`);
  const plan = framePlan(exactFps(video.fps), frames);
  const decoded = await decodeFrames(path, video.index, plan.flat(), video.width, video.height, signal);
  const n = VIDEO_CLIPS * VIDEO_CROPS;
  const clipSize = VIDEO_CROPS * 3 * 2 * 224 * 224;
  const pixels = new Float32Array(n * 3 * 2 * 224 * 224);
  plan.forEach(([a, b], i) => clipToPixelValues([decoded.get(a)!, decoded.get(b)!], video.width!, video.height!, pixels, i * clipSize));
  return { pixels, n, plan };
}

/** The vision encoder's input for an image: [1, 3, 2, 224, 224] (the image repeated into 2 frames). */
export async function imageInput(path: string, signal?: AbortSignal): Promise<Float32Array> {
  await statMediaFile(path);
  const { video } = await videoStream(path, signal);
  const name = basename(path);
  if (!video || !video.width || !video.height) throw new StudioError('NOT_MEDIA', `"${name}" is not an image that can be read.`);
  if (video.width * video.height > MAX_IMAGE_PIXELS) {
    throw new StudioError(
      'BAD_ARGS',
      `"${name}" is ${video.width}×${video.height} pixels, more than the ${Math.round(MAX_IMAGE_PIXELS / 1e6)} megapixels allowed (it may be a decompression bomb). Use a smaller cover image.`,
    );
  }
  const r = await runFfmpeg(['-v', 'error', '-i', path, '-map', `0:${video.index}`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], {
    signal,
    maxStdout: video.width * video.height * 3 + 1,
  });
  const size = video.width * video.height * 3;
  if (r.stdout.length !== size) throw new StudioError('DECODE_FAILED', `"${name}" could not be decoded as an image (${ffmpegReason(r.stderr)}).`);
  const chw = imageToPixelValues(new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, size), video.width, video.height);
  // [3, 224, 224] → [3, 2, 224, 224]: PadIm2Video(repeat, 2)
  const plane = 224 * 224;
  const out = new Float32Array(3 * 2 * plane);
  for (let c = 0; c < 3; c++) {
    const src = chw.subarray(c * plane, (c + 1) * plane);
    out.set(src, (c * 2) * plane);
    out.set(src, (c * 2 + 1) * plane);
  }
  return out;
}
