import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { StudioError } from '@contract';
import { freeFormatText } from '../media/demuxer';
import { ffmpegReason, runFfmpeg, spawnFfmpeg, stalledError } from '../media/ffmpeg';
import { imaAdpcmToPcmWav, isImaAdpcm } from '../media/ima-adpcm';
import { inputPartOf, NATIVE_SAMPLES, readPcm, wideStream, type PcmReadResult } from '../media/pcm';
import { bestIfNotFirst, bestStream, imageWithoutPicture, noPictureText, parseFfmpegInfo, realContainer, statMediaFile } from '../media/probe';
import { readRegularFileSync, wavLayout } from '../media/riff';
import { structureOf, webpVp8x } from '../media/structure';
import type { AudioSource } from './preprocess/audio';
import { imageToPixelValues } from './preprocess/image';
import { cmykTiffAsRgba, fourComponentJpeg, gifFirstFrameFill, gifTransparentRgb, isArithmeticJpeg, jpegCutShort, pillowPathOf, pillowPlaneBytes, pillowRgb, pillowTiffTranspose, pnmRgb, sunRleRgb, tiffFacts, tiffGray32Rgb } from './preprocess/pillow-rgb';
import { clipToPixelValues, framePlan, VIDEO_CLIPS, VIDEO_CROPS } from './preprocess/video';

/**
 * Decoding the media the model sees, with ffmpeg, into the arrays the
 * preprocessing expects. Decoding happens here once per medium; the model
 * never reads a file itself.
 */

/** Pillow refuses images above twice this many pixels (decompression bombs); so do we, at this limit. */
export const MAX_IMAGE_PIXELS = 89_478_485;

/** Decoded audio kept in memory up to this many bytes, then spilled to a temporary file. */
export const AUDIO_MEMORY_BYTES = 64 << 20;

export interface DecodedAudio {
  source: AudioSource;
  sampleRate: number;
  channels: number;
  /** the container as probe names it (realContainer of the decode's own log: no other run); absent where the log names none */
  container?: string;
  /** bytes that went to the temporary file (0: all in memory) */
  spilledBytes: number;
  /** free the memory / delete the temporary file */
  close(): void;
}

/**
 * All channels at the file's own sample rate (the model resamples with
 * torchaudio's filter itself), optionally only [start, end) seconds. A long
 * track is never held in memory: past AUDIO_MEMORY_BYTES the decoded samples
 * go to a temporary file, from which only the clips are read back.
 */
export async function decodeAudio(
  path: string,
  opts: { region?: [number, number]; signal?: AbortSignal; memoryBytes?: number } = {},
): Promise<DecodedAudio> {
  await statMediaFile(path);
  // One ffmpeg run through the engine's one PCM reader (two when the best audio stream is not the first)
  // as float32 at its own rate and channel count, as ffmpeg's WAV header states them.
  const sampleRule = referenceSampleFormat(path);
  const filter = [sampleRule && `aformat=sample_fmts=${sampleRule},aformat=sample_fmts=flt`, regionFilter(opts.region)].filter(Boolean).join(',') || undefined;
  // an IMA ADPCM WAV: decoded as the standard (and the reference's libsox) does, then read like any PCM WAV
  const ima = await imaReference(path);
  // a file of several audio streams: the one the reference's loader picks (bestStream), when it is not the first — the
  // one PCM reader's own choice (pcm.ts readPcmOutputs: the input's stream lines read before any sample), so the
  // analysis, the waveform and the model read the same stream
  const sink = new SpillSink(opts.memoryBytes ?? AUDIO_MEMORY_BYTES);
  try {
    const pcm = await readPcm(ima?.path ?? path, { filter, signal: opts.signal, onFrames: sinkWriter(sink) }).catch((err) => {
      sink.close();
      throw err;
    });
    // more channels than ffmpeg's converter takes: decoded in the decoder's own sample format, converted here
    const wide = pcm.exitCode !== 0 ? wideStream(pcm.log, pcm.stream) : null;
    if (wide) {
      sink.close();
      // ffmpeg's aformat would need the converter too: the region's atrim only, the reference's sample rule applied here
      return await decodeWide(ima?.path ?? path, path, wide, { filter: regionFilter(opts.region), sampleRule, signal: opts.signal, memoryBytes: opts.memoryBytes, region: opts.region });
    }
    return await finishAudio(pcm, sink, path, opts.region);
  } finally {
    ima?.close();
  }
}

/** The decoders' packed sample formats and how each is read (media/pcm.ts NATIVE_SAMPLES). */
const NATIVE = NATIVE_SAMPLES;

/**
 * All channels of a stream of more than 64 (wideStream) as the model reads audio — float32 at the file's own rate,
 * as the reference's torchaudio.load gives every channel (the clip mean over all, the fbank of the first) — where
 * ffmpeg decodes it but cannot convert it: one ffmpeg run writing the decoder's own sample format (`-c:a` of the same
 * format: no libswresample), `filter` (the region's atrim) applied in it, converted to float32 here as NATIVE says
 * and spilled as decodeAudio's samples are; `sampleRule` (referenceSampleFormat) rounds and clips each sample as
 * libswresample's flt → s16 / s32 would (what the reference's libsox reads). `input`: the file ffmpeg reads; `path`:
 * the one named in errors.
 * Errors: DECODE_FAILED with ffmpeg's reason, CANCELLED.
 */
async function decodeWide(
  input: string,
  path: string,
  wide: NonNullable<ReturnType<typeof wideStream>>,
  opts: { filter?: string; sampleRule?: 's16' | 's32'; signal?: AbortSignal; memoryBytes?: number; region?: [number, number] },
): Promise<DecodedAudio> {
  const f = NATIVE[wide.format]!;
  // av_clip_int16(lrintf(x · 32768)) / av_clipl_int32(llrintf(x · 2^31)), then ÷ the same scale
  const scale = opts.sampleRule === 's16' ? 32768 : opts.sampleRule === 's32' ? 2147483648 : 0;
  const rint = (v: number) => (v - Math.floor(v) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v)); // C's rint: ties to even
  const rule = (x: number) => (scale ? Math.min(scale - 1, Math.max(-scale, rint(x * scale))) / scale : x);
  const sink = new SpillSink(opts.memoryBytes ?? AUDIO_MEMORY_BYTES);
  const args = ['-v', 'error', '-i', input, '-map', `0:${wide.index}`, '-vn', '-sn', '-dn', ...(opts.filter ? ['-af', opts.filter] : []), '-c:a', f.codec, '-f', f.muxer, 'pipe:1'];
  try {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawnFfmpeg(args, opts.signal);
      let rest = Buffer.alloc(0);
      let err = '';
      child.stdout!.on('data', (b: Buffer) => {
        const all = rest.length ? Buffer.concat([rest, b]) : b;
        const n = Math.floor(all.length / f.bytes);
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) out[i] = rule(f.read(all, i * f.bytes));
        sink.write(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
        rest = Buffer.from(all.subarray(n * f.bytes));
      });
      child.stderr!.on('data', (b: Buffer) => {
        if (err.length < 100_000) err += b.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code) => {
        if (opts.signal?.aborted) reject(new StudioError('CANCELLED', 'Cancelled.'));
        else if (stalledError(child)) reject(stalledError(child));
        else resolve({ code, stderr: err });
      });
    });
    const format = { sampleRate: wide.sampleRate, channels: wide.channels, channelMask: 0 };
    const frames = Math.floor(sink.size / (4 * wide.channels));
    const pcm: PcmReadResult = { format, frames, outputs: [{ format, frames }], exitCode: code, log: stderr, errors: [], audioPacketBytes: null, stream: null };
    if (code !== 0) throw new StudioError('DECODE_FAILED', `"${basename(path)}" could not be decoded (ffmpeg: ${ffmpegReason(stderr)}).`);
    return await finishAudio(pcm, sink, path, opts.region);
  } catch (err) {
    sink.close();
    throw err;
  }
}

/**
 * A 4-bit IMA ADPCM WAV decoded as the IMA/Microsoft standard states (media/ima-adpcm.ts: what libsox, the
 * reference's torchaudio backend, decodes; ffmpeg 5.1 rounds each step differently) into a temporary 16-bit
 * PCM WAV, which the caller reads in its place and then removes (`close`); null for every other file.
 */
async function imaReference(path: string): Promise<{ path: string; close(): void } | null> {
  const layout = wavLayout(path);
  if (!isImaAdpcm(layout)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'studio-ima-'));
  const close = () => rmSync(dir, { recursive: true, force: true });
  try {
    const out = join(dir, 'pcm.wav');
    await imaAdpcmToPcmWav(path, layout, out);
    return { path: out, close };
  } catch {
    close();
    return null; // unreadable here: ffmpeg reads it and names the fault
  }
}

/**
/**
 * The filter that gives the samples the reference's loader gets where libsox reads the file into its 32-bit integer
 * samples (torchaudio 0.13's sox_io backend: every value ÷ 2^31, so nothing reaches past ±1):
 * - an Ogg Vorbis file that libsox's vorbis handler opens, which it reads with libvorbisfile's ov_read at 16 bits —
 *   rint(x · 32768) clipped to int16, then ÷ 32768. libswresample's flt → s16 is the same rule
 *   (av_clip_int16(lrintf(x · 32768))), so `aformat=sample_fmts=s16` then float again. Which files libsox opens as
 *   Vorbis (sox 14.4.2 formats.c, measured with torchaudio.load): those whose magic says so — "OggS" at 0 and
 *   "vorbis" at 29, the first page a Vorbis id header, whatever the name (an audio-only .ogg, a Vorbis-first .ogv) —
 *   else, by the extension .ogg or .vorbis (any case), those in which libvorbisfile finds a Vorbis stream among the
 *   beginning-of-stream pages (a Theora-first .ogg). A Theora-first .ogv, a .oga of that layout, and every
 *   Matroska/WebM file are read by ffmpeg: float, no filter. Without it the model heard the float decode where the
 *   reference reads 16 bits (an 11.025 kHz sine's near-silent mel bands: up to 0.18 apart), or 16 bits where it reads
 *   float (max 0.005 at 11.025 kHz, tone + noise).
 * - floating-point samples libsox reads itself — a WAV of IEEE float (format tag 3, or WAVE_FORMAT_EXTENSIBLE with the
 *   float sub-format: every DAW's 32-bit float export), an AIFF-C "fl32"/"fl64", a float WavPack — which it clips to
 *   its integer range: a master peaking above 0 dBFS (+6 dB: samples of 2.0) reaches the reference clipped at 1.0, and
 *   the model heard the overs (max |Δ| 2.3 in its input). flt → s32 → flt is the same clip (av_clipl_int32(llrintf(x ·
 *   2^31))), exact below ±1.
 * undefined for every other file (libsox does not read them; torchaudio's ffmpeg fallback hands on the float decode).
 * Synchronous: one small read.
 */
function referenceSampleFilter(path: string): string | undefined {
  const kind = referenceSampleFormat(path);
  return kind ? `aformat=sample_fmts=${kind},aformat=sample_fmts=flt` : undefined;
}

/** The integer format referenceSampleFilter passes the samples through ('s16': Ogg Vorbis, 's32': float files libsox reads), undefined for every other file. Synchronous: one small read. */
function referenceSampleFormat(path: string): 's16' | 's32' | undefined {
  return (
    readRegularFileSync(path, 28, (read) => {
      const b = read(0, 8192);
      if (b.toString('latin1', 0, 4) === 'OggS') return oggVorbisForLibsox(b, path) ? ('s16' as const) : null;
      return floatForLibsox(b) ? ('s32' as const) : null;
    }) ?? undefined
  );
}

/**
 * Whether libsox (torchaudio 0.13's sox_io) opens the Ogg file whose first bytes are `b` with its vorbis handler:
 * "vorbis" at 29 (the first page a Vorbis id header), or, for a name ending .ogg / .vorbis (any case), a Vorbis id
 * header among the beginning-of-stream pages. Pure.
 */
function oggVorbisForLibsox(b: Buffer, path: string): boolean {
  if (b.toString('latin1', 29, 35) === 'vorbis') return true;
  if (!/\.(ogg|vorbis)$/i.test(path)) return false;
  // the BOS pages (header_type bit 2), which an Ogg file puts first: one of them a Vorbis id header?
  for (let pos = 0; pos + 27 <= b.length && b.toString('latin1', pos, pos + 4) === 'OggS' && b[pos + 5]! & 2; ) {
    const segs = b[pos + 26]!;
    let body = 0;
    for (let i = 0; i < segs; i++) body += b[pos + 27 + i]!;
    const data = pos + 27 + segs;
    if (b.toString('latin1', data, data + 7) === '\x01vorbis') return true;
    pos = data + body;
  }
  return false;
}

/**
 * Whether the file's first bytes `b` are a WAV of IEEE float samples (its fmt chunk among the first chunks: format
 * tag 3, or 0xFFFE with the KSDATAFORMAT_SUBTYPE_IEEE_FLOAT sub-format), an AIFF-C whose COMM names "fl32"/"fl64"
 * (either case), or a WavPack block with FLOAT_DATA (flags bit 7): the float files libsox reads itself. Pure.
 */
function floatForLibsox(b: Buffer): boolean {
  const id = b.toString('latin1', 0, 4);
  if ((id === 'RIFF' || id === 'RF64') && b.toString('latin1', 8, 12) === 'WAVE') {
    for (let p = 12; p + 8 <= b.length; ) {
      const len = b.readUInt32LE(p + 4);
      if (b.toString('latin1', p, p + 4) === 'fmt ') {
        if (p + 10 > b.length) return false;
        const tag = b.readUInt16LE(p + 8);
        return tag === 3 || (tag === 0xfffe && p + 34 <= b.length && b.readUInt16LE(p + 32) === 3);
      }
      p += 8 + len + (len & 1);
    }
    return false;
  }
  if (id === 'FORM' && b.toString('latin1', 8, 12) === 'AIFC') {
    const c = b.indexOf('COMM', 12, 'latin1');
    return c > 0 && c + 30 <= b.length && /^fl(32|64)$/i.test(b.toString('latin1', c + 26, c + 30));
  }
  return id === 'wvpk' && b.length >= 28 && (b.readUInt32LE(24) & 0x80) !== 0;
}

/**
 * The sample rate (Hz, an integer) the reference's torchaudio.load (0.13, sox_io) states for an AIFF or AIFF-C file
 * whose COMM chunk gives a rate that is not a whole number — the classic Mac rates 22254.545… and 11127.27… Hz
 * (SoundEdit, Mac OS system sounds, old sample CDs), 80-bit IEEE extended in the file: libsox reads it as a double and
 * torchaudio truncates it (`static_cast<int64_t>(signal.rate)`: 22254), where ffmpeg's AIFF demuxer rounds (22255).
 * The samples are the same; the rate is what the model's resampling to 16 kHz and its clip starts go by (measured: a
 * 22254.55 Hz tone read at ffmpeg's 22255 Hz was mean |Δ| 0.056, max 0.75 from the reference's input; at 22254, 0.002).
 * undefined for every other file and for a whole-number rate (ffmpeg's is then the same). Synchronous: reads the chunk
 * headers up to COMM.
 */
export function libsoxAiffRate(path: string): number | undefined {
  return (
    readRegularFileSync(path, 12, (read, size) => {
      const head = read(0, 12);
      if (head.toString('latin1', 0, 4) !== 'FORM' || !/^AIF[FC]$/.test(head.toString('latin1', 8, 12))) return null;
      // the chunks after the FORM header, each padded to an even length (AIFF 1.3 §"Chunks"); COMM holds
      // numChannels (2), numSampleFrames (4), sampleSize (2), then the rate as an 80-bit extended
      for (let p = 12, n = 0; p + 8 <= size && n < 4096; n++) {
        const h = read(p, 8);
        if (h.length < 8) return null;
        const len = h.readUInt32BE(4);
        if (h.toString('latin1', 0, 4) === 'COMM') {
          const c = read(p + 8, 18);
          if (c.length < 18) return null;
          const rate = extended80(c, 8);
          return Number.isFinite(rate) && rate >= 1 && !Number.isInteger(rate) ? Math.trunc(rate) : null;
        }
        p += 8 + len + (len & 1);
      }
      return null;
    }) ?? undefined
  );
}

/** An 80-bit IEEE 754 extended float (big-endian: sign and 15-bit exponent, 64-bit mantissa with its explicit integer bit) as libsox's read_ieee_extended gives it (a double). Pure. */
function extended80(b: Buffer, at: number): number {
  const se = b.readUInt16BE(at);
  const hi = b.readUInt32BE(at + 2);
  const lo = b.readUInt32BE(at + 6);
  const exp = se & 0x7fff;
  if (exp === 0 && hi === 0 && lo === 0) return 0;
  if (exp === 0x7fff) return NaN;
  const v = (hi * 2 ** 32 + lo) * 2 ** (exp - 16383 - 63);
  return se & 0x8000 ? -v : v;
}

function regionFilter(region?: [number, number]): string | undefined {
  if (!region) return undefined;
  const [a, b] = region;
  if (!(b > a) || a < 0) throw new StudioError('BAD_ARGS', `The region ${a}–${b} s is empty or negative.`);
  return `atrim=start=${a}:end=${b}`;
}

const sinkWriter = (sink: SpillSink) => (f32: Float32Array) => sink.write(Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength));

/** The decoded samples of a finished PCM run of the file at `path` as the model's AudioSource, or the StudioError saying why there are none (the sink is then closed). */
async function finishAudio(pcm: PcmReadResult, sink: SpillSink, path: string, region?: [number, number]): Promise<DecodedAudio> {
  const name = basename(path);
  const stderr = pcm.log;
  // ffmpeg reads no free-format MPEG audio: say so, not "Header missing"
  const free = !pcm.format || pcm.exitCode !== 0 ? ((await structureOf(path)).freeFormat ?? null) : null;
  if (free) {
    sink.close();
    throw new StudioError('DECODE_FAILED', freeFormatText(name, free));
  }
  if (/Stream map '0:a:0' matches no streams/.test(stderr)) {
    sink.close();
    throw new StudioError('NO_AUDIO', `"${name}" has no audio stream for the model to listen to.`);
  }
  if (!pcm.format) {
    sink.close();
    throw new StudioError('DECODE_FAILED', `"${name}" could not be decoded (ffmpeg: ${ffmpegReason(stderr)}).`);
  }
  const { channels: channelCount } = pcm.format;
  // an AIFF whose rate is not a whole number (the Mac's 22254.55 Hz): the rate the reference's loader states, not ffmpeg's rounding
  const sampleRate = libsoxAiffRate(path) ?? pcm.format.sampleRate;
  const frameBytes = 4 * channelCount;
  const frames = Math.floor(sink.size / frameBytes);
  if (frames === 0) {
    sink.close();
    if (pcm.exitCode !== 0) throw new StudioError('DECODE_FAILED', `"${name}" could not be decoded (ffmpeg: ${ffmpegReason(stderr)}).`);
    // a region that decodes to nothing where the file decodes cleanly starts at or after the audio's end (a silent
    // stretch still decodes to samples): say so and what to do (`studio ask --region 100:200` on a 3 s file)
    if (region) throw new StudioError('BAD_ARGS', `"${name}" has no audio in the region ${region[0]}–${region[1]} s: it starts at or after the end of the audio. Choose a region inside the track.`);
    throw new StudioError('DECODE_FAILED', `"${name}" decoded to no audio.`);
  }
  const source: AudioSource = {
    length: frames,
    read: (from, to) => {
      const n = Math.max(0, Math.min(to, frames) - from);
      const bytes = sink.read(from * frameBytes, n * frameBytes);
      const inter = new Float32Array(bytes.buffer, bytes.byteOffset, n * channelCount);
      const out = Array.from({ length: channelCount }, () => new Float32Array(n));
      for (let i = 0, k = 0; i < n; i++) for (let c = 0; c < channelCount; c++) out[c][i] = inter[k++];
      return out;
    },
  };
  const named = realContainer(parseFfmpegInfo(stderr), path);
  return { source, sampleRate, channels: channelCount, ...(named && named !== 'unknown' ? { container: named } : {}), spilledBytes: sink.spilled, close: () => sink.close() };
}

/** Bytes kept in memory until `limit`, then everything in a temporary file. */
class SpillSink {
  private chunks: Buffer[] = [];
  private fd: number | undefined;
  private file: string | undefined;
  size = 0;
  spilled = 0;
  constructor(private readonly limit: number) {}

  write(b: Buffer): void {
    if (this.fd === undefined && this.size + b.length > this.limit) {
      const dir = mkdtempSync(join(tmpdir(), 'studio-audio-'));
      this.file = join(dir, 'decoded.f32');
      this.fd = openSync(this.file, 'w+');
      for (const c of this.chunks) this.append(c);
      this.chunks = [];
    }
    if (this.fd === undefined) this.chunks.push(Buffer.from(b)); // a copy: the reader reuses its memory
    else this.append(b);
    this.size += b.length;
  }

  private append(b: Buffer): void {
    let off = 0;
    while (off < b.length) off += writeSync(this.fd!, b, off, b.length - off);
    this.spilled += b.length;
  }

  read(offset: number, length: number): Buffer {
    const out = Buffer.alloc(length);
    if (this.fd !== undefined) {
      let got = 0;
      while (got < length) {
        const n = readSync(this.fd, out, got, length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      return out;
    }
    let pos = 0;
    let written = 0;
    for (const c of this.chunks) {
      const end = pos + c.length;
      if (end > offset && pos < offset + length) {
        const a = Math.max(offset, pos) - pos;
        const b = Math.min(offset + length, end) - pos;
        c.copy(out, written, a, b);
        written += b - a;
      }
      pos = end;
      if (pos >= offset + length) break;
    }
    return out;
  }

  close(): void {
    this.chunks = [];
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
      rmSync(dirname(this.file!), { recursive: true, force: true });
    }
  }
}

type StreamInfo = ReturnType<typeof parseFfmpegInfo>['streams'][number];

/**
 * The video stream the model reads: of those that are not an attached picture (cover art), the one decord's
 * av_find_best_stream picks (bestStream: a "default" one before others, then the higher bitrate, then the
 * first); else the first video stream. `log`: the `ffmpeg -i` text `info` was parsed from.
 */
function modelVideoStream(info: ReturnType<typeof parseFfmpegInfo>): StreamInfo | undefined {
  const best = bestStream(info.streams, 'video', true);
  return info.streams.find((s) => s.type === 'video' && s.index === best) ?? info.streams.find((s) => s.type === 'video');
}

async function videoStream(path: string, signal?: AbortSignal) {
  const log = (await runFfmpeg(['-i', path], { signal })).stderr;
  const info = parseFfmpegInfo(log);
  return { info, video: modelVideoStream(info), log };
}

/** `{ container }` as probe names it from a run's parsed log (`{}` when the log names none). */
function containerOf(info: ReturnType<typeof parseFfmpegInfo>, path: string): { container?: string } {
  const named = info.container && info.container !== 'unknown' ? realContainer(info, path) : '';
  return named ? { container: named } : {};
}

/** Decode chosen frames (0-based, presentation order) as rgb24. */
async function decodeFrames(path: string, streamIndex: number, indices: number[], w: number, h: number, signal?: AbortSignal): Promise<Map<number, Uint8Array>> {
  const wanted = [...new Set(indices)].sort((a, b) => a - b);
  const expr = wanted.map((i) => `eq(n\\,${i})`).join('+');
  const r = await runFfmpeg(
    // -noautorotate: the stored pixels, as decord (the reference's reader) gives them, never turned by a display matrix
    ['-v', 'error', '-noautorotate', '-i', path, '-map', `0:${streamIndex}`, '-vf', `select=${expr}`, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
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
  return lastFrameCount(r.stderr) ?? 0;
}

/** The `frame=` of ffmpeg's last progress report (for a stream copy: packets), or undefined when there is none. */
function lastFrameCount(log: string): number | undefined {
  const all = [...log.matchAll(/frame=\s*(\d+)/g)];
  return all.length ? Number(all[all.length - 1][1]) : undefined;
}

/**
 * ffmpeg output arguments that count the packets of the first video stream
 * that is not an attached picture (`V`), by a stream copy to the null muxer,
 * in a run that does something else too: the final report's `frame=` is that
 * count, as countPackets reads it from a run of its own.
 */
const COUNT_OUTPUT = ['-map', '0:V:0', '-c', 'copy', '-an', '-sn', '-dn', '-f', 'null', '-'];

/**
 * The input's streams and the model's video stream's packet count from the
 * log of a run that had COUNT_OUTPUT as output `#out`, or null when that run
 * cannot vouch for them: the stream it copied is not the one the model reads
 * (a file whose only video is its cover), or the count is missing.
 */
function countFromLog(log: string, frameLine: string | undefined, out: number): { info: ReturnType<typeof parseFfmpegInfo>; video: StreamInfo | undefined; frames: number } | null {
  const info = parseFfmpegInfo(inputPartOf(log));
  const video = modelVideoStream(info);
  if (!video) return { info, video, frames: 0 }; // no video at all: the caller says so, as before
  const copied = new RegExp(`Stream #0:(\\d+) -> #${out}:0 \\(copy\\)`).exec(log);
  const frames = frameLine === undefined ? undefined : lastFrameCount(frameLine);
  if (!copied || Number(copied[1]) !== video.index || frames === undefined) return null;
  return { info, video, frames };
}

/** Frames the decoder outputs for stream `streamIndex` (edit lists applied), by a full decode to the null muxer. */
async function countDecoded(path: string, streamIndex: number, signal?: AbortSignal): Promise<number> {
  const r = await runFfmpeg(['-noautorotate', '-i', path, '-map', `0:${streamIndex}`, '-fps_mode', 'passthrough', '-f', 'null', '-'], { signal });
  return lastFrameCount(r.stderr) ?? 0;
}

/**
 * The clips' pixels from the frames of `plan`: [15, 3, 2, 224, 224]. `statedSec`: the duration ffmpeg
 * states for the file (edit lists applied). More packets than that duration holds at the stream's rate
 * (an MP4 cut by stream copy, whose edit list hides the frames from the key frame before the cut) means
 * the decoder outputs fewer frames than there are packets: the frames are then counted as decoded, so
 * the plan indexes the frames the select filter numbers (it failed with "delivered 9 of the 10 video
 * frames" before, or picked frames shifted by the hidden ones).
 */
async function pixelsOf(path: string, video: StreamInfo, frames: number, signal?: AbortSignal, statedSec?: number | null, onRecount?: () => void): Promise<VideoPixels> {
  const name = basename(path);
  if (!video.width || !video.height) throw new StudioError('NOT_MEDIA', `"${name}" has no video stream.`);
  if (!video.fps) throw new StudioError('NOT_MEDIA', `"${name}": the video's frame rate is unknown.`);
  if (frames === 0) throw new StudioError('DECODE_FAILED', `"${name}" has a video stream with no frames.`);
  const fps = exactFps(video.fps);
  if (statedSec && statedSec > 0 && frames / fps > statedSec + 2 / fps) {
    onRecount?.();
    frames = Math.min(frames, await countDecoded(path, video.index, signal));
  }
  if (frames === 0) throw new StudioError('DECODE_FAILED', `"${name}" has a video stream with no frames that are shown.`);
  const plan = framePlan(fps, frames);
  const decoded = await decodeFrames(path, video.index, plan.flat(), video.width, video.height, signal);
  const n = VIDEO_CLIPS * VIDEO_CROPS;
  const clipSize = VIDEO_CROPS * 3 * 2 * 224 * 224;
  const pixels = new Float32Array(n * 3 * 2 * 224 * 224);
  plan.forEach(([a, b], i) => clipToPixelValues([decoded.get(a)!, decoded.get(b)!], video.width!, video.height!, pixels, i * clipSize));
  return { pixels, n, plan, width: video.width, height: video.height, videoFrames: frames, seconds: frames / fps };
}

/** The vision encoder's input for a video: pixels [n = 15, 3, 2, 224, 224] float32, and the frame pairs (0-based indices) of its 5 clips. */
export interface VideoPixels {
  pixels: Float32Array;
  n: number;
  plan: Array<[number, number]>;
  /** the frames' stored size in pixels (unrotated: decord ignores a display matrix, as the decode here does) */
  width: number;
  height: number;
  /** frames the stream holds, as counted for the plan (edit lists applied) */
  videoFrames: number;
  /** videoFrames ÷ the frame rate (s) */
  seconds: number;
  /** the container as probe names it, where the run that found the stream read it */
  container?: string;
}

/**
 * The vision encoder's input for a video: [15, 3, 2, 224, 224]. Two ffmpeg
 * runs: the streams and the packet count in one (COUNT_OUTPUT), the chosen
 * frames in the other (three when an edit list hides frames: pixelsOf's recount). `separateRuns`: the path before issue 13 — a probe
 * run, a packet-count run, a frame run — which is also the fallback when the
 * first run cannot vouch for its count (the tests compare the two, bit for bit).
 * Errors: NOT_FOUND/UNREADABLE (statMediaFile), NOT_MEDIA (no video stream,
 * unknown frame rate), DECODE_FAILED, CANCELLED.
 */
export async function videoInput(path: string, signal?: AbortSignal, opts: { separateRuns?: boolean } = {}): Promise<VideoPixels> {
  await statMediaFile(path);
  let found: { info: ReturnType<typeof parseFfmpegInfo>; video: StreamInfo | undefined; frames?: number } | null = null;
  if (!opts.separateRuns) {
    const r = await runFfmpeg(['-nostats', '-i', path, ...COUNT_OUTPUT], { signal });
    const tail = r.stderr.slice(r.stderr.lastIndexOf('frame='));
    found = countFromLog(r.stderr, r.stderr.includes('frame=') ? tail : undefined, 0);
  }
  found ??= await videoStream(path, signal);
  const { video, info } = found;
  // an audio file's cover art (an MP4/M4A attached_pic, a Matroska cover attachment) is the only "video": one still
  // picture with no frame rate, which the reference's decord cannot sample clips from either — say so, not "frame rate unknown"
  if (video?.attachedPic) throw new StudioError('NOT_MEDIA', `"${basename(path)}" has no video stream, only a cover picture; give it as an image, or its sound as audio.`);
  if (!video || !video.width || !video.height) throw new StudioError('NOT_MEDIA', `"${basename(path)}" has no video stream.`);
  if (!video.fps) throw new StudioError('NOT_MEDIA', `"${basename(path)}": the video's frame rate is unknown.`);
  const frames = found.frames ?? (await countPackets(path, video.index, signal));
  return { ...(await pixelsOf(path, video, frames, signal, info.durationSec)), ...containerOf(info, path) };
}

/**
 * A video and its soundtrack, as `videoInput` and `decodeAudio` (no region)
 * give them — the same arrays, bit for bit — from two ffmpeg runs instead of
 * four: the soundtrack's decode, the streams and the video's packet count in
 * one run (the PCM reader with COUNT_OUTPUT as a second output), then the
 * chosen frames. Where that first run cannot vouch for its result (no audio,
 * a file whose only video is its cover, a decode that failed), the two are
 * decoded apart as before, so errors are the same as theirs.
 * `runs`: the ffmpeg runs it took. The caller closes `audio`.
 */
export async function videoAndSoundtrack(
  path: string,
  opts: { signal?: AbortSignal; memoryBytes?: number } = {},
): Promise<{ video: VideoPixels; audio: DecodedAudio; runs: number }> {
  await statMediaFile(path);
  const sink = new SpillSink(opts.memoryBytes ?? AUDIO_MEMORY_BYTES);
  let frameLine: string | undefined;
  const pcm = await readPcm(path, {
    filter: referenceSampleFilter(path), // the samples decodeAudio gives (an Ogg file libsox reads as Vorbis: 16-bit)
    signal: opts.signal,
    onFrames: sinkWriter(sink),
    otherOutputs: COUNT_OUTPUT,
    // the final report (printed even with -nostats); read as it comes, whatever the log's cap
    onLogLine: (l) => {
      if (/^frame=/.test(l.text.trim())) frameLine = l.text;
    },
  }).catch((err) => {
    sink.close();
    throw err;
  });
  const found = pcm.format ? countFromLog(pcm.log, frameLine, 1) : null;
  // readPcm decoded the stream the reference reads (bestStream: a later one flagged default, `pcm.stream`, in a second
  // run) or the first; only where that is not the one the streams name (it could not tell) is it decoded apart
  const otherAudio = !!found && bestIfNotFirst(found.info.streams, 'audio') !== pcm.stream;
  // the run readPcm stopped at the stream list before decoding the picked stream
  const chosen = pcm.stream !== null ? 1 : 0;
  if (!found || !found.video || otherAudio) {
    sink.close();
    const video = await videoInput(path, opts.signal, { separateRuns: true });
    const audio = await decodeAudio(path, { signal: opts.signal, memoryBytes: opts.memoryBytes });
    return { video, audio, runs: 1 + chosen + 3 + 1 };
  }
  const audio = await finishAudio(pcm, sink, path);
  try {
    let runs = 2 + chosen;
    const video = { ...(await pixelsOf(path, found.video, found.frames, opts.signal, found.info.durationSec, () => runs++)), ...containerOf(found.info, path) }; // + the edit-list recount, when it runs
    return { video, audio, runs };
  } catch (err) {
    audio.close();
    throw err;
  }
}

/**
 * The first frame of an animated WebP as a still WebP file's bytes (RIFF/WEBP
 * holding that frame's VP8/VP8L bitstream, with its ALPH chunk behind a VP8X
 * header when it has one), or null when `b` is not an animated WebP (no VP8X
 * chunk with the animation flag: media/structure.ts webpVp8x, the probe's rule).
 * ffmpeg's WebP decoder reads no animation (ANIM/ANMF chunks, WebP container
 * spec); Pillow, the reference's loader, reads frame 1 through libwebp's
 * WebPAnimDecoder: a key frame decoded into a canvas filled with transparent
 * black (anim_decode.c ZeroFillCanvas; the ANIM background colour is ignored),
 * so where the frame does not cover the canvas (an encoder crops a frame to
 * its non-transparent area) convert('RGB') shows black. `still` is the frame,
 * to be placed at (x, y) on a canvasW × canvasH black canvas.
 * Throws NOT_MEDIA when the file holds no frame.
 */
export function firstWebpFrame(b: Buffer, name = 'image'): { still: Buffer; x: number; y: number; canvasW: number; canvasH: number } | null {
  const vp8x = webpVp8x(b);
  if (!vp8x?.animated) return null;
  const { canvasW, canvasH } = vp8x;
  const u24 = (o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
  let off = 12;
  while (off + 8 <= b.length) {
    const id = b.toString('latin1', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    const data = off + 8;
    if (data + size > b.length) break;
    if (id === 'ANMF') {
      const x = 2 * u24(data);
      const y = 2 * u24(data + 3);
      const w = u24(data + 6) + 1;
      const h = u24(data + 9) + 1;
      if (x + w > canvasW || y + h > canvasH) {
        throw new StudioError('NOT_MEDIA', `"${name}" is an animated WebP whose first frame (${w}×${h} at ${x},${y}) lies outside its ${canvasW}×${canvasH} canvas.`);
      }
      const frame = b.subarray(data + 16, data + size); // ALPH? + VP8 / VP8L sub-chunks
      const hasAlpha = frame.toString('latin1', 0, 4) === 'ALPH';
      const parts: Buffer[] = [];
      if (hasAlpha) {
        const vp8x = Buffer.alloc(18);
        vp8x.write('VP8X', 0, 'latin1');
        vp8x.writeUInt32LE(10, 4);
        vp8x[8] = 0x10; // alpha
        vp8x.writeUIntLE(w - 1, 12, 3);
        vp8x.writeUIntLE(h - 1, 15, 3);
        parts.push(vp8x);
      }
      parts.push(frame);
      const body = Buffer.concat(parts);
      const head = Buffer.alloc(12);
      head.write('RIFF', 0, 'latin1');
      head.writeUInt32LE(4 + body.length, 4);
      head.write('WEBP', 8, 'latin1');
      return { still: Buffer.concat([head, body]), x, y, canvasW, canvasH };
    }
    off = data + size + (size & 1);
  }
  throw new StudioError('NOT_MEDIA', `"${name}" is an animated WebP with no frame in it.`);
}

/** The vision encoder's input for an image: [1, 3, 2, 224, 224] (the image repeated into 2 frames). */
export async function imageInput(path: string, signal?: AbortSignal): Promise<Float32Array> {
  return (await imageInputSized(path, signal)).data;
}

/**
 * imageInput's pixels with what was read: `width` × `height` of the RGB picture the CLIP preprocessing took (the
 * first frame as Pillow reads it: an animated WebP's canvas, a TIFF turned by its Orientation tag), and the container
 * as probe names it (absent where no ffmpeg demuxer read it: PNM, Sun raster, 32-bit gray TIFF).
 */
export async function imageInputSized(path: string, signal?: AbortSignal): Promise<{ data: Float32Array; width: number; height: number; container?: string }> {
  await statMediaFile(path);
  let { rgb, w, h, container } = await imageRgb(path, signal);
  // An animated WebP: its first frame, as Pillow reads it (ffmpeg cannot decode WebP animation).
  const anim = rgb ? null : await readFile(path).then((b) => firstWebpFrame(b, basename(path)));
  if (anim) {
    if (anim.canvasW * anim.canvasH > MAX_IMAGE_PIXELS) {
      throw new StudioError('BAD_ARGS', `"${basename(path)}" is ${anim.canvasW}×${anim.canvasH} pixels, more than the ${Math.round(MAX_IMAGE_PIXELS / 1e6)} megapixels allowed (it may be a decompression bomb). Use a smaller cover image.`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'studio-webp-'));
    try {
      const p = join(dir, 'frame1.webp');
      writeFileSync(p, anim.still);
      const f = await imageRgb(p, signal, basename(path));
      // on the canvas, black where the frame does not reach (Pillow's WebPAnimDecoder)
      const canvas = new Uint8Array(anim.canvasW * anim.canvasH * 3);
      for (let y = 0; y < f.h; y++) canvas.set(f.rgb!.subarray(y * f.w * 3, (y + 1) * f.w * 3), ((anim.y + y) * anim.canvasW + anim.x) * 3);
      ({ rgb, w, h } = { rgb: canvas, w: anim.canvasW, h: anim.canvasH });
      container = 'webp_pipe';
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const chw = imageToPixelValues(rgb!, w, h);
  // [3, 224, 224] → [3, 2, 224, 224]: PadIm2Video(repeat, 2)
  const plane = 224 * 224;
  const out = new Float32Array(3 * 2 * plane);
  for (let c = 0; c < 3; c++) {
    const src = chw.subarray(c * plane, (c + 1) * plane);
    out.set(src, (c * 2) * plane);
    out.set(src, (c * 2 + 1) * plane);
  }
  return { data: out, width: w, height: h, ...(container ? { container } : {}) };
}

/**
 * An image's RGB (rgb24, w × h) as Pillow's `convert('RGB')` makes it, decoded by ffmpeg; rgb null for an
 * animated WebP (no still image chunk: imageInput composes its first frame). Errors: NOT_MEDIA, BAD_ARGS (too many pixels), DECODE_FAILED.
 */
async function imageRgb(path: string, signal?: AbortSignal, shownName = basename(path)): Promise<{ rgb: Uint8Array | null; w: number; h: number; container?: string }> {
  const head = await readFile(path).catch(() => null);
  if (head && firstWebpFrame(head, shownName)) return { rgb: null, w: 0, h: 0 };
  const name = shownName;
  const tiff = head ? tiffFacts(head) : null;
  // ffmpeg 5.1's TIFF decoder hands back a black frame, without a word, for JPEG-compressed TIFF (compression 6/7,
  // as Pillow/libtiff and scanners write it); Pillow reads it through libtiff. Refused rather than shown black.
  if (tiff && (tiff.compression === 6 || tiff.compression === 7)) {
    throw new StudioError('DECODE_FAILED', `"${name}" is a JPEG-compressed TIFF, which the decoder here reads as a black picture. Save it as PNG or JPEG and use that.`);
  }
  // a 32-bit float or integer gray TIFF (Pillow's modes F and I), which ffmpeg 5.1 does not decode: read here as Pillow converts it
  if (tiff && tiff.bitsPerSample === 32 && tiff.samplesPerPixel === 1 && head) {
    let gray: ReturnType<typeof tiffGray32Rgb>;
    try {
      gray = tiffGray32Rgb(head, (d) => inflateSync(d));
    } catch (err) {
      throw new StudioError('DECODE_FAILED', `"${name}" is a 32-bit grayscale TIFF that cannot be read here: ${(err as Error).message}. Save it as an 8- or 16-bit PNG or TIFF and use that.`);
    }
    if (gray) {
      if (gray.w * gray.h > MAX_IMAGE_PIXELS) throw new StudioError('BAD_ARGS', `"${name}" is ${gray.w}×${gray.h} pixels, more than the ${Math.round(MAX_IMAGE_PIXELS / 1e6)} megapixels allowed (it may be a decompression bomb). Use a smaller cover image.`);
      return tiff.orientation !== 1 ? pillowTiffTranspose(gray.rgb, gray.w, gray.h, tiff.orientation) : gray;
    }
  }
  // a JPEG cut short (a download or copy that did not finish): Pillow refuses it, ffmpeg fills the missing rows in and
  // the model would see a picture the file does not hold (tester40)
  if (head && jpegCutShort(head)) {
    throw new StudioError('DECODE_FAILED', `"${name}" is cut short: its JPEG data ends before the end of the picture (a download or copy that did not finish). The reference's image loader (Pillow) refuses it as truncated; get the whole file again and use that.`);
  }
  if (head && isArithmeticJpeg(head)) {
    throw new StudioError('DECODE_FAILED', `"${name}" is an arithmetic-coded JPEG, which the decoder here cannot read. Convert it to a standard (Huffman-coded) JPEG — e.g. \`jpegtran -optimize\` — or to PNG, and use that.`);
  }
  // a PGM/PPM whose maxval is not 255 (16-bit, 10/12-bit): read here as Pillow scales (and, for 16-bit gray, clips) it
  let pnm: ReturnType<typeof pnmRgb> = null;
  try {
    pnm = head ? pnmRgb(head) : null;
  } catch (err) {
    throw new StudioError('DECODE_FAILED', `"${name}" could not be decoded as an image (${(err as Error).message}).`);
  }
  if (pnm) {
    if (pnm.w * pnm.h > MAX_IMAGE_PIXELS) throw new StudioError('BAD_ARGS', `"${name}" is ${pnm.w}×${pnm.h} pixels, more than the ${Math.round(MAX_IMAGE_PIXELS / 1e6)} megapixels allowed (it may be a decompression bomb). Use a smaller cover image.`);
    return pnm;
  }
  // a run-length encoded Sun raster: Pillow lays its rows out without the format's 16-bit padding (see sunRleRgb)
  let sun: ReturnType<typeof sunRleRgb> = null;
  try {
    sun = head ? sunRleRgb(head) : null;
  } catch (err) {
    throw new StudioError('DECODE_FAILED', `"${name}" is a run-length encoded Sun raster that the reference's image loader (Pillow) cannot read: ${(err as Error).message}. Save it as PNG and use that.`);
  }
  if (sun) {
    if (sun.w * sun.h > MAX_IMAGE_PIXELS) throw new StudioError('BAD_ARGS', `"${name}" is ${sun.w}×${sun.h} pixels, more than the ${Math.round(MAX_IMAGE_PIXELS / 1e6)} megapixels allowed (it may be a decompression bomb). Use a smaller cover image.`);
    return sun;
  }
  // a GIF's transparent pixels in the colour its table gives them, as Pillow's convert('RGB') does
  const trans = head ? gifTransparentRgb(head) : null;
  const gif = trans === null ? [] : ['-trans_color', String((0xff000000 | trans) >>> 0)];
  // an APNG (a PNG with acTL): ffmpeg's apng demuxer starts at the first fcTL frame and skips a default image that is
  // not part of the animation; Pillow's frame 0 is the IDAT image either way, which the plain PNG decoder reads
  const apng = head && isApng(head) ? ['-f', 'png_pipe'] : [];
  // one ffmpeg run where it can do: the picture of stream #0:0 decoded while its log describes the input (what
  // `ffmpeg -i` prints), taken when that description picks the same stream, size and conversion; else (another
  // stream, an ICO's larger image, a picture over MAX_IMAGE_PIXELS, an APNG, a CMYK TIFF, any failure) the two runs
  const one = apng.length === 0 && head ? await oneRunStill(path, head, gif, signal) : null;
  let info: ReturnType<typeof parseFfmpegInfo>;
  let video: StreamInfo | undefined;
  let log: string;
  if (one) ({ info, video, log } = one);
  else {
    let first: StreamInfo | undefined;
    ({ info, video: first, log } = await videoStream(path, signal));
    // an ICO holds one image per size; ffmpeg lists them in file order, Pillow opens the largest (IcoFile: sorted by
    // width × height, then colour depth, the last of equals first)
    video = info.container === 'ico' ? largestImage(info.streams) ?? first : first;
  }
  // a file that only its name calls a picture (a text file named cover.jpg): that it holds none, not "save it as PNG"
  if (imageWithoutPicture(info, log)) throw new StudioError('NOT_MEDIA', `"${name}" is not an image that can be read${noPictureText(path, log)}. It may be corrupt, or a different kind of file with an image extension.`);
  // a sound file given as the picture (`studio ask --image song.mp3`, a track without cover art): what it holds, not
  // ffmpeg's "At least one output file must be specified" (tester38)
  const audio = info.streams.find((x) => x.type === 'audio');
  if (!video && audio) {
    throw new StudioError('NOT_MEDIA', `"${name}" holds no picture: it is a sound file (${audio.codec} audio, no cover art). Give an image file (PNG, JPEG, WebP…), or this file as the audio.`);
  }
  if (!video || !video.width || !video.height) {
    // what ffmpeg said, and what to do: formats only Pillow reads (DIB, IM, a Lab TIFF) end here
    const why = video ? `ffmpeg states no picture size for its ${video.codec} stream` : `ffmpeg: ${ffmpegReason(log)}`;
    throw new StudioError('NOT_MEDIA', `"${name}" is not an image that can be read (${why}). Save it as PNG or JPEG and use that.`);
  }
  if (video.width * video.height > MAX_IMAGE_PIXELS) {
    throw new StudioError(
      'BAD_ARGS',
      `"${name}" is ${video.width}×${video.height} pixels, more than the ${Math.round(MAX_IMAGE_PIXELS / 1e6)} megapixels allowed (it may be a decompression bomb). Use a smaller cover image.`,
    );
  }
  const { width: w, height: h } = video;
  // where ffmpeg's RGB conversion is not Pillow's (subsampled JPEG, lossy WebP, 16-bit PNG/TIFF, premultiplied TIFF): its planes, converted as Pillow does
  let pillow = head ? pillowPathOf(head, video.codec) : null;
  // a CMYK TIFF: its stored samples, from a copy whose tag says RGB (ffmpeg's own CMYK conversion is not Pillow's);
  // where the tag cannot be rewritten, ffmpeg's conversion as rgb24 — never its RGBA read as C, M, Y, K
  const cmyk = pillow?.kind === 'cmykTiff' && head ? cmykTiffAsRgba(head) : null;
  if (pillow?.kind === 'cmykTiff' && !cmyk) pillow = null;
  const planeBytes = pillowPlaneBytes(pillow, w, h);
  // -noautorotate: Pillow's Image.open (the reference's loader) applies no EXIF orientation or display matrix
  const cmykDir = cmyk ? await mkdtemp(join(tmpdir(), 'studio-cmyk-')) : null;
  const input = cmykDir ? join(cmykDir, 'samples.tif') : path;
  let r: Awaited<ReturnType<typeof runFfmpeg>>;
  try {
    if (one) r = one.r;
    else {
      if (cmykDir) await writeFile(input, cmyk!);
      r = await runFfmpeg(['-v', 'error', '-noautorotate', ...gif, ...apng, '-i', input, '-map', `0:${video.index}`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', pillow?.pixFmt ?? 'rgb24', 'pipe:1'], {
        signal,
        maxStdout: planeBytes + 1,
      });
    }
  } finally {
    if (cmykDir) await rm(cmykDir, { recursive: true, force: true });
  }
  if (r.stdout.length !== planeBytes) {
    // a CMYK JPEG (print artwork) whose sampling ffmpeg's decoder refuses: said so, with what to do, not ffmpeg's filter error
    const four = head ? fourComponentJpeg(head) : null;
    if (four) {
      throw new StudioError(
        'DECODE_FAILED',
        `"${name}" is a CMYK JPEG (${four === 'ycck' ? 'Adobe YCCK' : 'CMYK'}, as print and layout software saves it) whose colour sampling the decoder here cannot read. Save it as an RGB JPEG or PNG and use that.`,
        ffmpegReason(r.stderr),
      );
    }
    throw new StudioError('DECODE_FAILED', `"${name}" could not be decoded as an image (${ffmpegReason(r.stderr)}).`);
  }
  const planes = new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, planeBytes);
  const rgb = pillowRgb(pillow, planes, w, h);
  // a GIF whose first image leaves part of the screen uncovered: that part as Pillow starts it (palette index 0), not ffmpeg's background colour
  const fill = head ? gifFirstFrameFill(head) : null;
  if (fill) {
    const [x0, y0, x1, y1] = fill.rect;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (x >= x0 && x < x1 && y >= y0 && y < y1) continue;
        rgb.set([fill.rgb >> 16, (fill.rgb >> 8) & 255, fill.rgb & 255], (y * w + x) * 3);
      }
    }
  }
  const named = containerOf(info, path);
  // a TIFF's Orientation tag: Pillow turns the picture on load (ffmpeg, with -noautorotate, does not)
  if (tiff && tiff.orientation !== 1) return { ...pillowTiffTranspose(rgb, w, h, tiff.orientation), ...named };
  return { rgb, w, h, ...named };
}

/**
 * imageRgb's ffmpeg work in one run (was two: `ffmpeg -i` to describe the input, then the decode — each ffmpeg start
 * costs ~80 ms of CPU): stream #0:0's first picture decoded in the conversion pillowPathOf gives without a codec
 * (it needs one only for TGA and XBM), at the default log level so stderr also holds the input's description (what
 * `ffmpeg -i` prints, cut at "Stream mapping:"). Taken only when that description makes imageRgb pick stream #0:0 with
 * a size, that conversion, and exactly its bytes; null otherwise (the caller then runs the two). `-max_pixels`: the
 * decoder refuses a picture over MAX_IMAGE_PIXELS (a decompression bomb is never decoded; the two runs then say so).
 */
async function oneRunStill(
  path: string,
  head: Uint8Array,
  gif: string[],
  signal?: AbortSignal,
): Promise<{ info: ReturnType<typeof parseFfmpegInfo>; video: StreamInfo; log: string; r: Awaited<ReturnType<typeof runFfmpeg>> } | null> {
  const guess = pillowPathOf(head);
  if (guess?.kind === 'cmykTiff') return null;
  const r = await runFfmpeg(
    ['-nostats', '-noautorotate', ...gif, '-max_pixels', String(MAX_IMAGE_PIXELS), '-i', path, '-map', '0:0', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', guess?.pixFmt ?? 'rgb24', 'pipe:1'],
    { signal, maxStdout: MAX_IMAGE_PIXELS * 6 + 1 },
  );
  const cut = r.stderr.search(/^(Stream mapping:|Output #0)/m);
  const log = cut < 0 ? r.stderr : r.stderr.slice(0, cut);
  const info = parseFfmpegInfo(log);
  const first = modelVideoStream(info);
  const video = info.container === 'ico' ? largestImage(info.streams) ?? first : first;
  if (r.code !== 0 || !video || video.index !== 0 || !video.width || !video.height || video.width * video.height > MAX_IMAGE_PIXELS) return null;
  const pillow = pillowPathOf(head, video.codec);
  if ((pillow?.pixFmt ?? 'rgb24') !== (guess?.pixFmt ?? 'rgb24') || pillow?.kind !== guess?.kind) return null;
  if (r.stdout.length !== pillowPlaneBytes(pillow, video.width, video.height)) return null;
  return { info, video, log, r };
}

/** The stream Pillow opens in an ICO: the largest width × height; among equals the last listed (IcoFile's reversed stable sort). */
function largestImage(streams: StreamInfo[]): StreamInfo | undefined {
  let best: StreamInfo | undefined;
  for (const s of streams) if (s.type === 'video' && s.width && s.height && (!best || s.width * s.height >= best.width! * best.height!)) best = s;
  return best;
}

/** A PNG with an acTL chunk before its first IDAT (APNG spec §2: "acTL must appear before the first IDAT"). */
function isApng(b: Uint8Array): boolean {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  if (buf.length < 16 || buf.readUInt32BE(0) !== 0x89504e47) return false;
  for (let p = 8; p + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(p);
    const id = buf.toString('latin1', p + 4, p + 8);
    if (id === 'acTL') return true;
    if (id === 'IDAT' || id === 'IEND') return false;
    p += 12 + len;
  }
  return false;
}
