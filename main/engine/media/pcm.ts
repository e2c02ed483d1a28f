/**
 * The one ffmpeg PCM reader of the engine. The track view (peaks +
 * spectrogram), the library's analysers and the model all read decoded audio
 * through `readPcm()`, and all read ffmpeg's log the same way.
 *
 * ffmpeg is asked, not guessed at: it writes the decoded stream as a WAV
 * (IEEE float 32, little endian) to a pipe, and the header it writes states
 * the sample rate, the channel count and — for more than two channels — the
 * speaker positions (WAVE_FORMAT_EXTENSIBLE's dwChannelMask, whose bits are
 * ffmpeg's AV_CH_* bits). No table of layout names is needed, so every layout
 * ffmpeg can decode (4.1, 7.0, octagonal, …) is read.
 *
 * One decode can have several outputs (`readPcmOutputs`): ffmpeg decodes the
 * stream once and shapes it per output (rate, downmix, filter), output 0 on
 * stdout and output k on the pipe at fd k + 2 — e.g. the analysis stream and
 * the waveform's 16 kHz mono stream of a library scan.
 *
 * The log is read with `-loglevel level+verbose`: every line carries its level
 * tag (`[error]`, `[warning]`, `[info]`), which is how errors are told from
 * the stream description — one parser for every caller. Verbose lines are
 * not passed on; of them only ffmpeg's closing count of the audio stream's
 * demuxed packets is kept (`audioPacketBytes`).
 */
import { StudioError } from '@contract';
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { audioStreamCounts, channelCountOf, FFMPEG_MAX_CONVERT_CHANNELS, logText, progressOf, spawnFfmpeg, stalledError } from './ffmpeg';
import { closePcmSocket, pcmSockets } from './pcm-socket';
import { bestIfNotFirst } from './best-stream';
import { parseFfmpegInfo } from './probe';
import { wavLayout } from './riff';

/** What ffmpeg says it decoded to. */
export interface PcmFormat {
  /** Hz */
  sampleRate: number;
  /** interleaved channels per frame */
  channels: number;
  /**
   * Speaker positions (WAVE_FORMAT_EXTENSIBLE dwChannelMask = ffmpeg's
   * AV_CH_* bits: 0x1 FL, 0x2 FR, 0x4 FC, 0x8 LFE, 0x10 BL, 0x20 BR, 0x200 SL,
   * 0x400 SR, …); 0 when ffmpeg wrote a plain header (mono, stereo).
   */
  channelMask: number;
}

/** One line of ffmpeg's log, its level tag read off. */
export interface FfmpegLogLine {
  level: 'panic' | 'fatal' | 'error' | 'warning' | 'info' | 'verbose' | 'debug' | 'trace';
  /** the component that wrote it (`mp3float`, `Parsed_pan_0`), if any */
  context: string | null;
  text: string;
}

/** One PCM output of a decode: how ffmpeg shapes it and who receives it. */
export interface PcmOutput {
  /** audio filter chain (`-af`), e.g. a resampler or `atrim` */
  filter?: string;
  /**
   * `-ac`: downmix (ffmpeg's matrix) to this many channels; default: the source's. The matrix is normalised so no
   * output channel's coefficients sum over 1 (`-rematrix_maxval 1`): a float output is otherwise not normalised by
   * swresample, and stereo to mono summed L and R at 0.707 each — a 16-bit file at full scale read +3 dBFS (tester31)
   */
  channels?: number;
  /** `-ar`: resample (ffmpeg's swresample) to this rate (Hz); default: what the filter leaves */
  sampleRate?: number;
  /** called once, before the first `onFrames` */
  onFormat?: (format: PcmFormat) => void;
  /**
   * Interleaved float32 samples, `frames × channels` of them (NaN from a broken
   * decoder replaced by 0). The array is reused after the call returns: copy
   * what must be kept. A throw kills ffmpeg and rejects `readPcm`.
   */
  onFrames: (interleaved: Float32Array, frames: number) => void;
  /**
   * Write the decoder's own sample format (a key of NATIVE_SAMPLES, as ffmpeg's stream line names it) instead of
   * float32, converted to float32 here: no libswresample in the run — for a stream of more than
   * FFMPEG_MAX_CONVERT_CHANNELS channels, which ffmpeg decodes but cannot convert (wideStream). `filter`, `channels`
   * and `sampleRate` are not applied with it (each would need the converter).
   */
  native?: string;
}

/** What applies to the whole decode (every output). */
export interface PcmDecodeOptions {
  /** start decoding at this time (s; `-ss` before `-i`: ffmpeg seeks, then drops what precedes it) */
  startSec?: number;
  /** decode only `maxSec` seconds (`-t`, on every output) */
  maxSec?: number;
  signal?: AbortSignal;
  /** the ffmpeg child's pid, once spawned (tests, diagnostics) */
  onSpawn?: (pid: number) => void;
  /** every log line as it arrives (e.g. to read the input's duration before the decode ends) */
  onLogLine?: (line: FfmpegLogLine) => void;
  /**
   * ffmpeg arguments of further outputs of the same run that write no pipe,
   * appended after the PCM outputs (so they are outputs #n, #n+1, … for n PCM
   * outputs), e.g. `-map 0:V:0 -c copy -f null -` to count a video stream's
   * packets while its soundtrack decodes (model/media-input.ts).
   */
  otherOutputs?: string[];
  /**
   * the input stream every PCM output reads (`-map`, e.g. `0:3`). Default: the audio stream ffmpeg itself picks and
   * the model's loader reads (probe.ts bestStream, av_find_best_stream's rule: a stream flagged default before the
   * first one) — readPcmOutputs reads the input's stream lines before any sample and, where that is not the first
   * audio stream, decodes that one instead (`stream` in the result says which)
   */
  stream?: string;
}

export interface PcmReadOptions extends PcmOutput, PcmDecodeOptions {}

export interface PcmOutputsOptions extends PcmDecodeOptions {
  /** one or more outputs of the one decode: output 0 on stdout, output k on fd k + 2 */
  outputs: PcmOutput[];
}

export interface PcmReadResult {
  /** output 0's format; null when ffmpeg wrote no header (nothing could be decoded) */
  format: PcmFormat | null;
  /** frames delivered to output 0's `onFrames` */
  frames: number;
  /** format and frames of every output, in order */
  outputs: Array<{ format: PcmFormat | null; frames: number }>;
  exitCode: number | null;
  /** ffmpeg's log at info level and above, level tags removed (capped at 200 kB) */
  log: string;
  /** error/fatal lines, "component: message", with output 0's decoded position (s) when each was read (pipes buffer ~1 s) */
  errors: Array<{ atSec: number; message: string }>;
  /**
   * the bytes of the audio stream's packets the demuxer read (ffmpeg's closing "Input stream #0:N (audio):
   * P packets read (B bytes)", the first audio stream with packets: the decoded one); null when not stated
   */
  audioPacketBytes: number | null;
  /**
   * the absolute index of the audio stream read where readPcmOutputs chose it (no `stream` given) and it is not the
   * first audio stream (bestIfNotFirst), else null — the index the log's wideStream must be asked about
   */
  stream: number | null;
}

/** ffmpeg's arguments for reading the first audio stream of `path` (or `stream`) as float32 WAV on stdout. */
export function pcmArgs(path: string, opts: Pick<PcmReadOptions, 'filter' | 'channels' | 'sampleRate' | 'maxSec' | 'startSec'> = {}): string[] {
  return pcmOutputsArgs(path, [opts], opts);
}

/**
 * The channel count of a WAV whose header places its channels nowhere: WAVE_FORMAT_EXTENSIBLE with a dwChannelMask
 * that does not name a speaker for every channel (0 — "not assigned to any speaker location", as multitrack and
 * ambisonic recorders write it — or fewer bits than channels); null for any other file. ffmpeg guesses a layout for
 * such a stream from its channel count alone (3 channels: 2.1, 6: 5.1), so a third microphone became an LFE channel
 * that BS.1770 leaves out (a 3-channel poly WAV with sound on its third track measured silent, LUFS null) and a fifth
 * a surround channel weighed ×1.41. Read from the header (riff.ts wavLayout: a few small reads).
 */
export function unplacedWavChannels(path: string): number | null {
  if (path.startsWith('pipe:') || path.includes('://')) return null;
  const fmt = wavLayout(path)?.fmt;
  if (!fmt || fmt.channelMask == null || fmt.channels < 3) return null;
  let bits = 0;
  for (let m = fmt.channelMask >>> 0; m; m >>>= 1) bits += m & 1;
  return bits < fmt.channels ? fmt.channels : null;
}

/**
 * ffmpeg's arguments for one decode of the first audio stream of `path` (or `opts.stream`) with
 * several float32 WAV outputs: ffmpeg decodes the stream once and feeds each
 * output's filter chain; output 0 goes to stdout (`pipe:1`), output k to
 * `pipe:k+2` (fds 3, 4, …).
 */
export function pcmOutputsArgs(path: string, outputs: Array<Pick<PcmOutput, 'filter' | 'channels' | 'sampleRate' | 'native'>>, opts: Pick<PcmDecodeOptions, 'maxSec' | 'startSec' | 'otherOutputs' | 'stream'> = {}): string[] {
  const args = ['-loglevel', 'level+verbose', '-nostats'];
  if (opts.startSec) args.push('-ss', String(opts.startSec));
  const unplaced = unplacedWavChannels(path);
  // channels the file places nowhere stay unplaced: no layout guessed for them (see unplacedWavChannels)
  if (unplaced) args.push('-guess_layout_max', '0');
  args.push('-i', path);
  outputs.forEach((o, k) => {
    args.push('-map', opts.stream ?? '0:a:0', '-vn', '-sn', '-dn');
    if (opts.maxSec) args.push('-t', String(opts.maxSec));
    if (o.native) {
      // the decoder's samples as they are (the PCM encoder of the same format): nothing for libswresample to do
      args.push('-c:a', NATIVE_SAMPLES[o.native]!.codec, '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact', '-flush_packets', '0', '-f', 'wav', k === 0 ? 'pipe:1' : `pipe:${k + 2}`);
      return;
    }
    // ffmpeg cannot mix channels without positions (`-ac` fails): every channel averaged instead
    const mean = unplaced && (o.channels === 1 || o.channels === 2) && o.channels < unplaced ? meanMixFilter(unplaced, o.channels) : null;
    const filter = [o.filter, mean].filter(Boolean).join(',');
    if (filter) args.push('-af', filter);
    // peak-safe: swresample normalises its matrix for integer output only, so a float downmix could exceed full scale
    if (o.channels && !mean) args.push('-ac', String(o.channels), '-rematrix_maxval', '1');
    if (o.sampleRate) args.push('-ar', String(o.sampleRate));
    // bitexact: no LIST/INFO chunk, so the header is fmt + data only (parsed generically anyway).
    // flush_packets 0: ffmpeg writes its 32 KiB I/O buffer when full, not every packet (an MP3 frame: 9 KiB,
    // 2 KiB at 16 kHz mono): about five times fewer pipe writes, wake-ups and reads — the samples are the same
    args.push('-c:a', 'pcm_f32le', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact', '-flush_packets', '0', '-f', 'wav', k === 0 ? 'pipe:1' : `pipe:${k + 2}`);
  });
  if (opts.otherOutputs) args.push(...opts.otherOutputs);
  return args;
}

const LEVELS = new Set(['panic', 'fatal', 'error', 'warning', 'info', 'verbose', 'debug', 'trace']);

/**
 * One line of `-loglevel level+info` output: `[mp3float @ 0x55…] [error] Header missing`
 * → `{ level: 'error', context: 'mp3float', text: 'Header missing' }`. Lines
 * without a level tag (continuations) are `info`.
 */
export function parseLogLine(raw: string): FfmpegLogLine {
  let rest = raw;
  let context: string | null = null;
  let level: FfmpegLogLine['level'] = 'info';
  for (;;) {
    const ctx = /^\[([\w-]+) @ 0x[0-9a-f]+\]\s?/i.exec(rest);
    if (ctx) {
      context ??= ctx[1];
      rest = rest.slice(ctx[0].length);
      continue;
    }
    const lv = /^\[(\w+)\]\s?/.exec(rest);
    if (lv && LEVELS.has(lv[1])) {
      level = lv[1] as FfmpegLogLine['level'];
      rest = rest.slice(lv[0].length);
    }
    break;
  }
  return { level, context, text: rest };
}

/**
 * The decoders' packed sample formats as ffmpeg's stream line names them ("s16", "s32" — also a 24-bit PCM's
 * "s32 (24 bit)" —, "flt", …): the PCM encoder that writes them unconverted, the bits and WAV sub-format (1 PCM,
 * 3 float) of the WAV header it gets, and the float32 value libswresample gives one sample (what every other decode
 * here reads; libsox, the model's reference reader, reads integers the same way: ÷ 2^(bits−1)).
 */
export const NATIVE_SAMPLES: Record<string, { codec: string; muxer: string; bytes: number; sub: number; read: (b: Buffer, at: number) => number }> = {
  u8: { codec: 'pcm_u8', muxer: 'u8', bytes: 1, sub: 1, read: (b, at) => (b[at]! - 128) / 128 },
  s16: { codec: 'pcm_s16le', muxer: 's16le', bytes: 2, sub: 1, read: (b, at) => b.readInt16LE(at) / 32768 },
  s32: { codec: 'pcm_s32le', muxer: 's32le', bytes: 4, sub: 1, read: (b, at) => Math.fround(b.readInt32LE(at)) / 2147483648 },
  flt: { codec: 'pcm_f32le', muxer: 'f32le', bytes: 4, sub: 3, read: (b, at) => b.readFloatLE(at) },
  dbl: { codec: 'pcm_f64le', muxer: 'f64le', bytes: 8, sub: 3, read: (b, at) => b.readDoubleLE(at) },
};

/**
 * The audio stream (`index`, else the first) of ffmpeg's input stream lines in `log` when it has more channels than
 * ffmpeg 5.1 converts (FFMPEG_MAX_CONVERT_CHANNELS: libswresample's SWR_CH_MAX; a 65–128-channel ADM/Atmos BWF
 * master, high-order Ambisonics) and its decoder gives a packed format of NATIVE_SAMPLES (PCM); null otherwise.
 * `index`: the absolute stream index (0:N).
 */
export function wideStream(log: string, index: number | null): { index: number; sampleRate: number; channels: number; format: string } | null {
  for (const line of audioStreamLines(log)) {
    // a layout stated as a count ("128 channels"): the only way ffmpeg states so many
    const n = /^(\d+) channels$/.exec(line.layout);
    if (!n) continue;
    const s = { index: line.index, sampleRate: line.sampleRate, channels: Number(n[1]), format: line.format };
    if (index !== null && s.index !== index) continue;
    return s.channels > FFMPEG_MAX_CONVERT_CHANNELS && NATIVE_SAMPLES[s.format] ? s : null;
  }
  return null;
}

/**
 * Each audio stream line of ffmpeg's description of the input in `log` ("Stream #0:1(eng): Audio: flac, 44100 Hz,
 * stereo, s16"), in order: the absolute stream index (0:N), the rate (Hz), the layout as stated ("stereo", "5.1(side)",
 * "128 channels") and the decoder's sample format ("s16", "s32", "fltp", …). Pure.
 */
function* audioStreamLines(log: string): Generator<{ index: number; sampleRate: number; layout: string; format: string }> {
  for (const m of log.matchAll(/Stream #0:(\d+)[^\n]*?: Audio: [^\n]*?, (\d+) Hz, ([^,\n]+), (\w+)/g)) {
    yield { index: Number(m[1]), sampleRate: Number(m[2]), layout: m[3]!, format: m[4]! };
  }
}

/**
 * Whether the decoder of the audio stream (`index`, the absolute stream index 0:N; else the first) of ffmpeg's input
 * stream lines in `log` gives integer samples (`u8`, `s16`, `s32` — 24-bit reads "s32 (24 bit)" —, `s64`, planar or
 * packed: PCM, FLAC, ALAC, WavPack …). Such samples never exceed full scale; float ones (`flt`, `dbl`: a float WAV,
 * the MP3/AAC/Opus/Vorbis decoders) can. False when the line is absent.
 */
export function decodesToIntegers(log: string, index: number | null): boolean {
  for (const line of audioStreamLines(log)) {
    if (index !== null && line.index !== index) continue;
    return /^(u8|s16|s32|s64)p?$/.test(line.format);
  }
  return false;
}

/**
 * The WAV header ffmpeg wrote: format, where the samples start, and how one sample is read (bytes, NATIVE_SAMPLES'
 * reader; null: float32, read in place); null while incomplete. `native`: the sample format asked for (PcmOutput.native)
 * — the header must state it; without it, 32-bit float.
 */
export function parseWavHeader(b: Buffer, native?: string): { format: PcmFormat; dataOffset: number; sample: { bytes: number; read: (typeof NATIVE_SAMPLES)[string]['read'] } | null } | null {
  if (b.length < 12) return null;
  const riff = b.toString('latin1', 0, 4);
  if ((riff !== 'RIFF' && riff !== 'RF64') || b.toString('latin1', 8, 12) !== 'WAVE') {
    throw new StudioError('DECODE_FAILED', 'ffmpeg did not write the WAV stream it was asked for.');
  }
  const want = native ? NATIVE_SAMPLES[native] : undefined;
  if (native && !want) throw new StudioError('DECODE_FAILED', `No reader for ffmpeg's sample format "${native}".`);
  let off = 12;
  let format: PcmFormat | null = null;
  while (off + 8 <= b.length) {
    const id = b.toString('latin1', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    if (id === 'data') {
      if (!format) throw new StudioError('DECODE_FAILED', 'ffmpeg wrote WAV samples before their format.');
      return { format, dataOffset: off + 8, sample: want && native !== 'flt' ? { bytes: want.bytes, read: want.read } : null };
    }
    const end = off + 8 + size + (size & 1);
    if (end > b.length) return null;
    if (id === 'fmt ') {
      const tag = b.readUInt16LE(off + 8);
      const channels = b.readUInt16LE(off + 10);
      const sampleRate = b.readUInt32LE(off + 12);
      const bits = b.readUInt16LE(off + 22);
      const extensible = tag === 0xfffe && size >= 40;
      const sub = extensible ? b.readUInt16LE(off + 32) : tag;
      const [wantSub, wantBits] = want ? [want.sub, 8 * want.bytes] : [3, 32];
      if (sub !== wantSub || bits !== wantBits || channels < 1 || sampleRate < 1) {
        throw new StudioError('DECODE_FAILED', `ffmpeg wrote WAV format ${sub}/${bits} bit instead of ${want ? `${native}` : '32-bit float'}.`);
      }
      format = { sampleRate, channels, channelMask: extensible ? b.readUInt32LE(off + 28) : 0 };
    }
    off = end;
  }
  return null;
}

/**
 * Decode the audio stream of `path` that ffmpeg and the model's loader pick (PcmDecodeOptions.stream; the first
 * audio stream unless a later one is flagged default) to interleaved float32 and hand it to `onFrames` as it comes:
 * one ffmpeg process (two where the stream picked is not the first: the first run stops at ffmpeg's stream mapping,
 * before any sample), memory independent of the file's length (ffmpeg blocks on the pipe while the caller works).
 *
 * Resolves whatever ffmpeg's exit code (the caller decides what a partial
 * decode means, from `frames`, `errors`, `exitCode` and `log`). Rejects with
 * CANCELLED when the signal aborts (ffmpeg is killed), DECODE_FAILED when
 * ffmpeg stalled past STUDIO_DECODE_TIMEOUT_S (killed), FFMPEG_MISSING when it
 * cannot start, or the error `onFormat`/`onFrames` threw.
 */
export function readPcm(path: string, opts: PcmReadOptions): Promise<PcmReadResult> {
  return readPcmOutputs(path, { ...opts, outputs: [opts] });
}

/**
 * The channel count of a stream ffmpeg could not mix down (`-ac N`) because it does not know where its channels
 * sit: ffmpeg's resampler needs channel positions to build a downmix matrix, and a stream without a layout (a
 * WAVE_FORMAT_EXTENSIBLE with channel mask 0, a plain PCM WAV, W64, CAF or WavPack of a channel count ffmpeg has no
 * default layout for: 9–15, 17–23, 25+; ffmpeg guesses one only for 1–8, 16 and 24) fails with "Rematrix is needed
 * between 12 channels and mono but there is not enough information to do it" (libswresample, ffmpeg 5.1).
 * `log`: the run's log (PcmReadResult.log). null when the log says no such thing.
 */
export function unmixableChannels(log: string): number | null {
  const m = /Rematrix is needed between (\d+) channels and \S+ but there is not enough information/.exec(log);
  if (m) return Number(m[1]);
  // positions the resampler refuses to mix from (swrRemixable): "Input channel layout '2 channels (SL+SR)' is not supported"
  const l = /Input channel layout '([^']+)' is not supported/.exec(log);
  return l ? channelCountOf(l[1]) ?? null : null;
}

/**
 * Whether ffmpeg's resampler can mix a stream of this channel layout (as ffmpeg prints it: "5.1(side)", "2 channels
 * (SL+SR)", "FL+LFE", "12 channels") down to mono or stereo by position. libswresample (ffmpeg 5.1, rematrix.c
 * sane_layout) builds a downmix matrix only from a layout with a front speaker (FL, FR or FC) and no unpaired FL/FR,
 * SL/SR, BL/BR or FLC/FRC, under 64 channels; a single channel counts as mono. Others fail the whole decode with
 * "Input channel layout '…' is not supported" — a surround stem (SL+SR, BL+BR), a stereo pair whose mask names
 * FL+LFE, three channels FL+FR+SL — as does a count without positions ("12 channels": unmixableChannels). Every
 * named layout ffmpeg lists mixes (Dolby's "downmix", DL+DR, is read as stereo).
 * false for a layout ffmpeg does not know.
 */
export function swrRemixable(layout: string): boolean {
  const custom = /^\d+ channels \((.+)\)$/.exec(layout)?.[1] ?? (/^[A-Z0-9]+(\+[A-Z0-9]+)+$/.test(layout) ? layout : null);
  if (custom === null) return channelCountOf(layout) !== undefined && !/^\d+ channels$/.test(layout);
  return remixableNames(new Set(custom.split('+')));
}

/** ffmpeg's channel names (AV_CH_* bit order, libavutil/channel_layout.c), bit 0 first */
const AV_CH_NAMES = ['FL', 'FR', 'FC', 'LFE', 'BL', 'BR', 'FLC', 'FRC', 'BC', 'SL', 'SR', 'TC', 'TFL', 'TFC', 'TFR', 'TBL', 'TBC', 'TBR'];

/**
 * swrRemixable for a stream of `channels` channels whose positions are the WAVE_FORMAT_EXTENSIBLE-style mask
 * `channelMask` (AV_CH_* bits, as ffmpeg's WAV output header states them: PcmFormat.channelMask). true where the mask
 * does not name every channel (0, or fewer bits: ffmpeg then guesses a layout or reports unmixableChannels).
 */
export function swrRemixableMask(channels: number, channelMask: number): boolean {
  const names = AV_CH_NAMES.filter((_, b) => channelMask & (1 << b));
  if (names.length !== channels || channelMask >>> AV_CH_NAMES.length) return true;
  return remixableNames(new Set(names));
}

function remixableNames(names: Set<string>): boolean {
  if (names.size === 1) return true;
  const paired = (a: string, b: string) => names.has(a) === names.has(b);
  return (
    names.size < 64 &&
    (names.has('FL') || names.has('FR') || names.has('FC')) &&
    paired('FL', 'FR') &&
    paired('SL', 'SR') &&
    paired('BL', 'BR') &&
    paired('FLC', 'FRC')
  );
}

/**
 * An ffmpeg `pan` filter giving `out` channels (1: mono, 2: stereo), each the mean of all `n` input channels
 * (`c0<c0+c1+…`: pan scales the gains to sum to 1) — the mix of a stream whose channel positions are unknown
 * (unmixableChannels), as the model's input averages every channel for the clip mean (DESIGN.md).
 */
export function meanMixFilter(n: number, out: 1 | 2): string {
  const sum = Array.from({ length: n }, (_, i) => `c${i}`).join('+');
  return out === 1 ? `pan=mono|c0<${sum}` : `pan=stereo|c0<${sum}|c1<${sum}`;
}

/**
 * `readPcm` with several outputs of the one decode (e.g. the source rate with
 * every channel for loudness, and 16 kHz mono for the waveform): ffmpeg
 * decodes once and writes each output to its own pipe, all read as they come.
 * Same resolution and errors as `readPcm`.
 */
export async function readPcmOutputs(path: string, opts: PcmOutputsOptions): Promise<PcmReadResult> {
  if (opts.outputs.length < 1) throw new StudioError('BAD_ARGS', 'readPcmOutputs needs at least one output.');
  if (opts.stream !== undefined) return readPcmRun(path, opts, null);
  // the stream ffmpeg picks (av_find_best_stream: a later audio stream flagged default) is what the model's input reads
  // (model/media-input.ts): analysis, waveform and playback read it too. The input's stream lines come before any
  // sample; where they name another stream than the first, this run stops there (nothing handed on) and that one is read
  let other: number | null = null;
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const first = await readPcmRun(path, { ...opts, signal }, (head) => {
    other = bestIfNotFirst(parseFfmpegInfo(head).streams, 'audio');
    if (other === null) return true;
    stop.abort();
    return false;
  }).catch((err) => {
    if (other !== null && !opts.signal?.aborted) return null;
    throw err;
  });
  if (first && other === null) return first;
  const r = await readPcmRun(path, { ...opts, stream: `0:${other}` }, null);
  return { ...r, stream: other };
}

/** the most output bytes held while the stream is not chosen (readPcmRun); past it the run reads on, unchosen */
const HELD_MAX_BYTES = 8 * 1024 * 1024;

/**
 * One ffmpeg run of readPcmOutputs. `choose` (given: the stream is not chosen yet): called once with the input's
 * stream lines as ffmpeg printed them, at "Stream mapping:" (before any decoded sample); nothing is handed to the
 * outputs until it returns true (false: the caller stops this run).
 */
async function readPcmRun(path: string, opts: PcmOutputsOptions, choose: ((inputLines: string) => boolean) | null): Promise<PcmReadResult> {
  const readers = opts.outputs.map((out) => new WavPipeReader(out));
  // each read of output k, from its socket (pcm-socket.ts) or its pipe; set once ffmpeg is spawned
  let onChunk: (k: number, chunk: Buffer) => void = () => {};
  // POSIX: sockets read into one buffer per output; null: pipes (Windows, STUDIO_PCM_TRANSPORT=pipe, no socket)
  const sockets = await pcmSockets(readers.length, (k, chunk) => onChunk(k, chunk));
  return new Promise<PcmReadResult>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawnFfmpeg(pcmOutputsArgs(path, opts.outputs, opts), opts.signal, opts.outputs.length - 1, undefined, false, sockets?.map((s) => s.writer));
    } catch (err) {
      sockets?.forEach(closePcmSocket);
      reject(err);
      return;
    } finally {
      // ffmpeg holds its own copy of each writer: this side's goes, so a reader ends when ffmpeg closes (or exits)
      sockets?.forEach((s) => s.writer.destroy());
    }
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    let failure: unknown = null;
    let log = '';
    const errors: PcmReadResult['errors'] = [];

    const fail = (err: unknown) => {
      if (failure) return;
      failure = err;
      child.kill('SIGKILL');
    };

    const active = progressOf(child);
    // while the stream is not chosen: what the outputs write is held (ffmpeg prints its stream mapping before it
    // decodes, but the pipes and stderr are read apart); handed on once chosen, dropped if this run is stopped
    let held: Array<[number, Buffer]> | null = choose ? [] : null;
    let choosing = choose !== null;
    let inputLines = '';
    const push = (k: number, chunk: Buffer) => {
      try {
        readers[k].push(chunk);
      } catch (err) {
        fail(err);
      }
    };
    const release = () => {
      const h = held;
      held = null;
      for (const [k, chunk] of h ?? []) if (!failure) push(k, chunk);
    };
    let heldBytes = 0;
    onChunk = (k, chunk) => {
      if (failure) return;
      if (sockets) active();
      if (held) {
        held.push([k, Buffer.from(chunk)]);
        heldBytes += chunk.length;
        // defensive: ffmpeg prints its stream mapping before it decodes, so this much output with no mapping read
        // means the log is behind or odd; the stream is not chosen (the first is read) rather than memory grown
        if (heldBytes > HELD_MAX_BYTES && choosing) {
          choosing = false;
          release();
        }
      } else push(k, chunk);
    };
    if (!sockets) readers.forEach((_, k) => ((k === 0 ? child.stdout : child.stdio[k + 2]) as Readable).on('data', (chunk: Buffer) => onChunk(k, chunk)));

    let partial: Buffer = Buffer.alloc(0);
    let audioPacketBytes: number | null = null;
    const line = (raw: string) => {
      if (!raw.trim()) return;
      const l = parseLogLine(raw);
      if (l.level === 'verbose' || l.level === 'debug' || l.level === 'trace') {
        if (audioPacketBytes === null) audioPacketBytes = audioStreamCounts(l.text)?.bytes ?? null;
        return;
      }
      opts.onLogLine?.(l);
      if (choosing) {
        if (!/^(Stream mapping:|Output #0)/.test(l.text)) {
          // capped (a file's tags can run to megabytes), but the lines the choice reads are kept past the cap
          if (inputLines.length < 100_000 || /^\s*(Input #|Duration:|Stream #)/.test(l.text)) inputLines += l.text + '\n';
        } else {
          choosing = false;
          // not this stream: held (and dropped) until the caller's stop ends the run
          if (choose!(inputLines)) release();
        }
      }
      const shown = l.context ? `[${l.context} @ 0x0] ${l.text}` : l.text;
      if (log.length < 200_000) log += shown + '\n';
      if ((l.level === 'error' || l.level === 'fatal' || l.level === 'panic') && errors.length < 100) {
        const f = readers[0].format;
        errors.push({ atSec: f ? readers[0].frames / f.sampleRate : 0, message: (l.context ? `${l.context}: ` : '') + l.text.trim() });
      }
    };
    // bytes split into lines first: a line that is not UTF-8 is legacy 8-bit text (ffmpeg.ts logText)
    child.stderr!.on('data', (b: Buffer) => {
      partial = partial.length ? Buffer.concat([partial, b]) : b;
      let nl: number;
      while ((nl = partial.indexOf(0x0a)) >= 0) {
        line(logText(partial.subarray(0, nl)).replace(/\r$/, ''));
        partial = partial.subarray(nl + 1);
      }
    });
    child.on('error', (e) => {
      sockets?.forEach(closePcmSocket);
      reject(new StudioError('FFMPEG_MISSING', `Could not start ffmpeg: ${e.message}.`));
    });
    const closed = (code: number | null) => {
      if (opts.signal?.aborted) return reject(new StudioError('CANCELLED', 'Cancelled.'));
      if (failure) return reject(failure);
      const stall = stalledError(child);
      if (stall) return reject(stall);
      line(logText(partial).replace(/\r$/, ''));
      // no stream mapping printed (ffmpeg stopped before it): what was written, if anything, is handed on as it was
      if (choosing) release();
      const outputs = readers.map((r) => ({ format: r.format, frames: r.frames }));
      resolve({ format: outputs[0].format, frames: outputs[0].frames, outputs, exitCode: code, log, errors, audioPacketBytes, stream: null });
    };
    // pipes: 'close' comes after every pipe's last byte; sockets are not the child's, so their ends are awaited too
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    if (!sockets) void exited.then(closed);
    else {
      void exited.then((code) => {
        // ffmpeg has exited (killed or not): its ends are closed, so every reader ends once it has read what is left
        if (failure || opts.signal?.aborted || stalledError(child)) sockets.forEach(closePcmSocket);
        return Promise.all(sockets.map((s) => s.closed)).then(() => closed(code));
      });
    }
  });
}

/**
 * One WAV stream from a pipe: its header, then whole frames handed on as they
 * come. A chunk that starts on a frame (nothing carried from the previous
 * one) and on a 4-byte boundary is read in place — a Float32Array over the
 * chunk's own bytes, no copy (a pipe's chunks are fresh buffers of their
 * own, 32–64 KiB; a socket's are views of its one read buffer, 256 KiB,
 * rewritten by the next read: pcm-socket.ts); the bytes of a last, incomplete frame wait in a reused,
 * 4-byte aligned staging array, and the next chunk is copied behind them
 * (one copy per byte, no allocation per chunk).
 */
class WavPipeReader {
  format: PcmFormat | null = null;
  frames = 0;
  private header: Buffer | null = Buffer.alloc(0);
  private frameBytes = 0;
  private staging = new Float32Array(16384);
  private stagingBytes = new Uint8Array(this.staging.buffer);
  private carried = 0;
  /** the samples' reader where they are not float32 (PcmOutput.native), with its reused float32 output */
  private sample: { bytes: number; read: (typeof NATIVE_SAMPLES)[string]['read'] } | null = null;
  private converted = new Float32Array(0);
  private raw = Buffer.alloc(0);

  constructor(private readonly out: PcmOutput) {}

  push(chunk: Buffer): void {
    if (this.header) {
      this.header = Buffer.concat([this.header, chunk]);
      const h = parseWavHeader(this.header, this.out.native);
      if (!h) return;
      this.format = h.format;
      this.sample = h.sample;
      this.frameBytes = (h.sample?.bytes ?? 4) * h.format.channels;
      const rest = this.header.subarray(h.dataOffset);
      this.header = null;
      this.out.onFormat?.(h.format);
      if (rest.length) this.push(rest);
    } else if (this.sample) this.nativeSamples(chunk);
    else this.samples(chunk);
  }

  /** whole frames of samples in another format than float32 (PcmOutput.native), converted; the rest kept for the next chunk */
  private nativeSamples(chunk: Buffer): void {
    const all = this.raw.length ? Buffer.concat([this.raw, chunk]) : chunk;
    const whole = Math.floor(all.length / this.frameBytes);
    const { bytes, read } = this.sample!;
    const n = whole * this.format!.channels;
    if (this.converted.length < n) this.converted = new Float32Array(n);
    const out = this.converted;
    for (let i = 0; i < n; i++) out[i] = read(all, i * bytes);
    this.raw = Buffer.from(all.subarray(whole * this.frameBytes));
    if (whole > 0) this.deliver(out.subarray(0, n), whole);
  }

  private samples(chunk: Uint8Array): void {
    const frameBytes = this.frameBytes;
    if (this.carried === 0 && (chunk.byteOffset & 3) === 0) {
      // in place: the whole frames of the chunk, then its incomplete last frame (if any) into the staging array
      const whole = Math.floor(chunk.length / frameBytes);
      if (whole > 0) this.deliver(new Float32Array(chunk.buffer, chunk.byteOffset, whole * this.format!.channels), whole);
      const rest = chunk.length - whole * frameBytes;
      if (rest) {
        this.reserve(rest);
        this.stagingBytes.set(chunk.subarray(whole * frameBytes));
      }
      this.carried = rest;
      return;
    }
    const carried = this.carried;
    const bytes = carried + chunk.length;
    this.reserve(bytes);
    this.stagingBytes.set(chunk, carried);
    const whole = Math.floor(bytes / frameBytes);
    if (whole > 0) this.deliver(this.staging.subarray(0, whole * this.format!.channels), whole);
    this.carried = bytes - whole * frameBytes;
    if (this.carried) this.stagingBytes.copyWithin(0, whole * frameBytes, bytes);
  }

  /** room for `bytes` in the staging array, keeping the carried bytes at its start */
  private reserve(bytes: number): void {
    if (bytes <= this.stagingBytes.length) return;
    const bigger = new Float32Array(Math.ceil(bytes / 4) + 4096);
    const biggerBytes = new Uint8Array(bigger.buffer);
    biggerBytes.set(this.stagingBytes.subarray(0, this.carried));
    this.staging = bigger;
    this.stagingBytes = biggerBytes;
  }

  /**
   * `whole` frames, interleaved, to the output (non-finite samples made 0 first). No loop here: the scans are
   * functions of their own (see nonFiniteSum).
   */
  private deliver(view: Float32Array, whole: number): void {
    // a sample that is not a finite number (NaN, ±Inf: a float file from a plugin that blew up) is read as silence;
    // one infinite sample would otherwise make every block's power infinite (loudness, true peak, the model's input)
    if (nonFiniteSum(view) !== 0) zeroNonFinite(view);
    this.out.onFrames(view, whole);
    this.frames += whole;
  }
}

/**
 * ±0 when every sample of `x` is finite, NaN otherwise (x·0 is ±0 for every finite x and NaN for NaN and ±Inf, so
 * one sum without a branch per sample finds them).
 *
 * A function of its own, with nothing after its loop, for V8 (node 20): the loop is compiled on the fly (on-stack
 * replacement) during a call, and that compiled loop is reused by later calls. When the scan was inline in
 * `deliver`, the compiled loop also held deliver's code after it — the call to this output's `onFrames`, which is a
 * different function for each output of a decode, and a compare not yet run. Each time those disagreed with what
 * was compiled the code was dropped back to the interpreter (a deoptimisation), and the next chunk entered the same
 * compiled loop again: about 120 deoptimisations per 30 s track in `studio analyze` (`node --trace-deopt`), with
 * the rest of each such call interpreted.
 */
export function nonFiniteSum(x: Float32Array): number {
  const n = x.length;
  // four sums side by side: one running sum waits on its previous add every sample (±0 or NaN whatever the order)
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    a += x[i] * 0;
    b += x[i + 1] * 0;
    c += x[i + 2] * 0;
    d += x[i + 3] * 0;
  }
  for (; i < n; i++) a += x[i] * 0;
  return a + b + c + d;
}

// Every operation of nonFiniteSum run in the interpreter, with feedback recorded, before any chunk arrives: the tail
// loop (a length that is not a multiple of 4) and the sums after the loops then have type feedback when V8 compiles
// the function. Without it, a chunk of such a length meeting code compiled (on-stack replacement) while only whole
// groups of four had been seen deoptimises ("Insufficient type feedback for compare operation"), and that compiled
// code is entered and dropped again on every such chunk: 200 in 200 in test/unit/pcm-deopt.test.ts's second case,
// 155 in one CI run where which chunk lengths came first depended on the machine's load. V8 (node 20) allocates a
// function's feedback only after 8 × its bytecode size of bytecode has run in it (--lazy-feedback-allocation), about 7
// calls of this length; 32 calls leave room (a few microseconds at start-up).
for (let k = 0; k < 32; k++) nonFiniteSum(new Float32Array(7));

/** Every NaN and ±Inf sample of `x` set to 0 (the rare chunk where nonFiniteSum found one). */
function zeroNonFinite(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) if (x[i] - x[i] !== 0) x[i] = 0;
}

/** The log's description of the input (everything before "Output #0"), for parseFfmpegInfo. */
export function inputPartOf(log: string): string {
  return log.split('Output #0')[0];
}
