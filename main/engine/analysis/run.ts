/**
 * One decode, every analyser: ffmpeg decodes the audio stream it picks (the first, unless a later one is flagged
 * default: pcm.ts readPcmOutputs) once and
 * writes it as 32-bit float PCM to up to two pipes — 44.1 or 48 kHz
 * (whichever is closest to the source) with all its channels, and 16 kHz mono
 * for the waveform (WAVE_OUTPUT) — and each block is handed to every analyser
 * of that stream in turn.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { StudioError } from '@contract';
import { freeFormatText, textDemuxerOnBinary } from '../media/demuxer';
import { damageIn, ffmpegReason } from '../media/ffmpeg';
import { decodesToIntegers, inputPartOf, meanMixFilter, pcmArgs, readPcmOutputs, swrRemixableMask, unmixableChannels, wideStream, type PcmFormat, type PcmOutput, type PcmReadResult } from '../media/pcm';
import { StreamResampler } from '../dsp/stream-resampler';
import { SincResampler } from '../model/preprocess/audio';
import { parseFfmpegInfo, statMediaFile } from '../media/probe';
import { structureOf, truncatedError } from '../media/structure';
import { SharedStreams } from '../dsp/streams';
import type { Analyser } from './types';
import { PeaksAnalyser, WAVE_OUTPUT } from './waveform';

export interface AnalyzeOptions {
  signal?: AbortSignal;
  /** decoded seconds so far and the duration ffmpeg reported (null if unknown) */
  onProgress?: (doneSec: number, durationSec: number | null) => void;
  /** frames per block handed to the analysers (default 4096) */
  blockFrames?: number;
  /** analyse only the first `maxSec` seconds */
  maxSec?: number;
  /** called with the ffmpeg child's pid once it is spawned (tests, diagnostics) */
  onSpawn?: (pid: number) => void;
  /** size and mtime of the file, already opened and checked by the caller (openMediaFile): no second check */
  file?: { size: number; mtimeMs: number };
  /**
   * Keep what decoded of a damaged or truncated file (the track view draws it
   * with a warning) instead of rejecting with DECODE_FAILED; nothing decoded
   * still rejects.
   */
  partial?: boolean;
}

export interface AnalysisRun {
  path: string;
  /** decoded duration (what the analysers saw) */
  durationSec: number;
  /** duration ffmpeg reported for the container (may differ for truncated files) */
  reportedDurationSec: number | null;
  sampleRate: number;
  channels: number;
  /** result of each analyser, by analyser name */
  results: Record<string, unknown>;
  /** version of each analyser, by name */
  versions: Record<string, number>;
  /** what ffmpeg said about the input (container, streams, bitrate) while decoding it: a probe without a second spawn */
  source: ReturnType<typeof parseFfmpegInfo>;
  /** size and mtime of the file that was analysed (checked unchanged after the decode) */
  file: { size: number; mtimeMs: number };
  /** ffmpeg's exit code (non-zero only with `partial`) */
  exitCode: number | null;
  /** errors ffmpeg reported while decoding, with the decoded position (s) */
  errors: Array<{ atSec: number; message: string }>;
  /** ffmpeg's first sign that the file is damaged or truncated (damageIn), null when it read cleanly */
  damage: string | null;
  /** the bytes of the audio stream's packets the decode read (ffmpeg's own count, pcm.ts audioPacketBytes); null when not stated */
  audioPacketBytes: number | null;
}

/**
 * The analysis decode's filter: 44.1 or 48 kHz (whichever is closest to the
 * source), every original channel — loudness weighs surround channels per
 * BS.1770 (it needs them apart), the other analysers mix to mono themselves.
 */
export const ANALYSIS_FILTER = 'aformat=sample_fmts=flt:sample_rates=44100|48000';

/**
 * ffmpeg arguments for the analysis decode (the one PCM reader's, media/pcm.ts):
 * first audio stream, 32-bit float, 44.1 or 48 kHz, the source's channels.
 */
export function decodeArgs(path: string, maxSec?: number): string[] {
  return pcmArgs(path, { filter: ANALYSIS_FILTER, maxSec });
}

/** Analysers of one output of the decode, fed in blocks of `blockFrames`. */
class Feed {
  rate = 0;
  private block: Float32Array[] = [];
  private shared: SharedStreams | null = null;
  private fill = 0;

  constructor(
    readonly analysers: Analyser[],
    private readonly blockFrames: number,
    private readonly withShared: boolean,
  ) {}

  format(f: PcmFormat): void {
    this.rate = f.sampleRate;
    this.fill = 0;
    this.block = Array.from({ length: f.channels }, () => new Float32Array(this.blockFrames));
    this.shared = this.withShared ? new SharedStreams(f.sampleRate, f.channels, f.channelMask) : null;
    for (const a of this.analysers) a.init(f.sampleRate, f.channels, this.shared ?? undefined);
  }

  frames(f32: Float32Array, whole: number): void {
    const block = this.block;
    const blockFrames = this.blockFrames;
    const ch = block.length;
    let i = 0;
    while (i < whole) {
      const fill = this.fill;
      const n = Math.min(whole - i, blockFrames - fill);
      if (ch === 1) block[0].set(f32.subarray(i, i + n), fill);
      else if (ch === 2) {
        const l = block[0];
        const r = block[1];
        for (let k = 0, s = 2 * i; k < n; k++, s += 2) {
          l[fill + k] = f32[s];
          r[fill + k] = f32[s + 1];
        }
      } else {
        for (let c = 0; c < ch; c++) {
          const dst = block[c];
          for (let k = 0, s = i * ch + c; k < n; k++, s += ch) dst[fill + k] = f32[s];
        }
      }
      this.fill += n;
      i += n;
      if (this.fill === blockFrames) this.flush();
    }
  }

  /** hand on what is gathered (the last, partial block at the end) */
  flush(): void {
    const len = this.fill;
    if (len === 0 || !this.block.length) return;
    const view = len === this.blockFrames ? this.block : this.block.map((c) => c.subarray(0, len));
    this.shared?.process(view);
    for (const a of this.analysers) a.process(view);
    this.shared?.endBlock();
    this.fill = 0;
  }
}

/**
 * Decode `path` once and run `analysers` on the stream each reads (see
 * `Analyser.stream`): the analysis output (44.1/48 kHz, every channel) and/or
 * the wave output (16 kHz mono), two outputs of one ffmpeg run.
 */
export async function analyzeFile(path: string, analysers: Analyser[], opts: AnalyzeOptions = {}): Promise<AnalysisRun> {
  if (opts.signal?.aborted) throw new StudioError('CANCELLED', 'Analysis cancelled.');
  const before = opts.file ?? (await statMediaFile(path));
  const name = basename(path);
  const blockFrames = opts.blockFrames ?? 4096;
  const full = new Feed(analysers.filter((a) => a.stream !== 'wave'), blockFrames, true);
  const wave = new Feed(analysers.filter((a) => a.stream === 'wave'), blockFrames, false);
  // the analysis output when any analyser (or none at all: a plain decode check) reads it
  const feeds = wave.analysers.length && !full.analysers.length ? [wave] : wave.analysers.length ? [full, wave] : [full];
  const main = feeds[0];
  let done = 0;
  let lastProgress = 0;
  let reportedDurationSec: number | null = null;
  let pcm;
  let doomed = false;
  let mayHold = true;
  // the wave output: 16 kHz mono by ffmpeg's downmix; a stream whose channel positions ffmpeg does not know
  // (unmixableChannels: a 12-channel WAV with channel mask 0) is decoded again with every channel averaged
  const decode = (waveOutput: Pick<PcmOutput, 'filter' | 'channels' | 'sampleRate'>) =>
    readPcmOutputs(path, {
      outputs: feeds.map((feed) => ({
        ...(feed === wave ? waveOutput : { filter: ANALYSIS_FILTER }),
        onFormat: (f: PcmFormat) => {
          // positions ffmpeg's resampler cannot mix to mono (swrRemixableMask: SL+SR alone, FL+LFE): the wave output's
          // `-ac 1` fails on the first frame, after the analysis output may have delivered a whole block (a FLAC frame
          // of 4608 samples) — that output is held back here, so the decode below starts every feed afresh
          if (mayHold && feed !== wave && feeds.includes(wave) && f.channels > 1) doomed = !swrRemixableMask(f.channels, f.channelMask);
          feed.format(f);
        },
        onFrames: (f32: Float32Array, whole: number) => {
          if (doomed && feed !== wave) return;
          feed.frames(f32, whole);
          if (feed !== main) return;
          done += whole;
          if (opts.onProgress && done - lastProgress >= feed.rate) {
            lastProgress = done;
            opts.onProgress(done / feed.rate, reportedDurationSec);
          }
        },
      })),
      maxSec: opts.maxSec,
      signal: opts.signal,
      onSpawn: opts.onSpawn,
      onLogLine: (l) => {
        if (reportedDurationSec === null) reportedDurationSec = durationOf(l.text);
      },
    });
  try {
    pcm = await decode(WAVE_OUTPUT);
    // ffmpeg stops at the wave output's first frame: the other output may have had a few frames, never a whole block
    // (no analyser has seen any: Feed hands on whole blocks), so the second decode starts every feed afresh
    const untouched = (doomed || pcm.outputs.every((o) => o.frames < blockFrames)) && pcm.outputs[feeds.indexOf(wave)]?.frames === 0;
    const unmixable = pcm.exitCode !== 0 && untouched ? unmixableChannels(pcm.log) : null;
    if (unmixable || doomed) {
      // held back for nothing (an ffmpeg that mixes those positions after all): decoded again as it was
      const again = unmixable ? { filter: meanMixFilter(unmixable, 1), sampleRate: WAVE_OUTPUT.sampleRate } : WAVE_OUTPUT;
      doomed = mayHold = false;
      done = 0;
      lastProgress = 0;
      pcm = await decode(again);
    }
    // more channels than ffmpeg converts (wideStream: a 65–128-channel ADM/Atmos BWF master, high-order Ambisonics):
    // every output failed before its first frame; decoded in the decoder's own format and shaped here instead
    const wide = pcm.exitCode !== 0 && pcm.outputs.every((o) => o.frames === 0) ? wideStream(pcm.log, pcm.stream) : null;
    if (wide) {
      done = 0;
      lastProgress = 0;
      pcm = await decodeWide(path, wide, feeds, wave, {
        maxSec: opts.maxSec, signal: opts.signal, onSpawn: opts.onSpawn,
        onMainFrames: (whole, rate) => {
          done += whole;
          if (opts.onProgress && done - lastProgress >= rate) {
            lastProgress = done;
            opts.onProgress(done / rate, reportedDurationSec);
          }
        },
        onLogLine: (l) => {
          if (reportedDurationSec === null) reportedDurationSec = durationOf(l.text);
        },
      });
    }
  } catch (err) {
    if (err instanceof StudioError && err.code === 'CANCELLED') throw new StudioError('CANCELLED', `Analysis of "${name}" cancelled.`);
    if (err instanceof StudioError) throw err;
    throw new StudioError('INTERNAL', `Analysis of "${name}" failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  // A file replaced or rewritten while it was decoded gives results for neither version.
  const after = await stat(path).catch(() => null);
  if (!after || after.size !== before.size || after.mtimeMs !== before.mtimeMs)
    throw new StudioError('FILE_CHANGED', `"${name}" was ${after ? 'changed' : 'moved or deleted'} while it was being analysed. It will be analysed again on the next scan.`);
  const stderr = pcm.log;
  reportedDurationSec = durationOf(stderr);
  const fmt = pcm.format;
  if ((pcm.exitCode !== 0 && !(opts.partial && pcm.frames > 0)) || !fmt || pcm.frames === 0) {
    // a file cut short where ffmpeg cannot read (or decode) anything is truncated, not "not media"
    const st = await structureOf(path);
    if (st.truncated) throw truncatedError(name, st.truncated, ffmpegReason(stderr));
    // ffmpeg reads no free-format MPEG audio: say so, not "not an audio file"
    if (st.freeFormat) throw new StudioError('DECODE_FAILED', freeFormatText(name, st.freeFormat), ffmpegReason(stderr));
    // binary bytes ffmpeg took for a text format (LRC: any file starting "["): not media, not "no audio stream"
    if (await textDemuxerOnBinary(path, parseFfmpegInfo(stderr).container)) throw new StudioError('NOT_MEDIA', `"${name}" is not an audio or video file ffmpeg can read.`, ffmpegReason(stderr));
  }
  if ((pcm.exitCode !== 0 && !(opts.partial && pcm.frames > 0)) || !fmt) throw decodeError(name, stderr, pcm.exitCode, pcm.frames);
  if (pcm.frames === 0) throw new StudioError('DECODE_FAILED', `"${name}" contains no decodable audio (0 samples decoded).`);
  // One rule for a file whose audio ends early (cut short, or damaged so that ffmpeg stops): what decodes is the
  // track — analysed, with the cross-check's warning that says where it ends (the probe and the track view say the
  // same); only a file of which nothing decodes is refused (above). ffmpeg's sign of the damage is kept for that warning.
  const decodedSec = pcm.frames / fmt.sampleRate;
  const damage = damageIn(stderr, pcm.errors);
  try {
    for (const feed of feeds) feed.flush();
    // an integer file's peaks stop at full scale: over it is only the 16 kHz resampler's overshoot
    if (decodesToIntegers(stderr, pcm.stream)) for (const a of analysers) if (a instanceof PeaksAnalyser) a.stopAtFullScale();
    const results: Record<string, unknown> = {};
    const versions: Record<string, number> = {};
    for (const a of analysers) {
      results[a.name] = a.finish();
      versions[a.name] = a.version;
    }
    const source = parseFfmpegInfo(inputPartOf(stderr));
    return {
      path, durationSec: decodedSec, reportedDurationSec, sampleRate: fmt.sampleRate, channels: fmt.channels, results, versions, source, file: before,
      exitCode: pcm.exitCode, errors: pcm.errors, damage, audioPacketBytes: pcm.audioPacketBytes,
    };
  } catch (err) {
    throw err instanceof StudioError ? err : new StudioError('INTERNAL', `Analysis of "${name}" failed: ${(err as Error).message}`);
  }
}

/** The rate of the analysis output for a source of `rate` Hz: 44.1 or 48 kHz, the closer (ffmpeg's aformat choice for ANALYSIS_FILTER: the smaller |difference|, 44.1 kHz on a tie). */
export function analysisRate(rate: number): number {
  return Math.abs(rate - 44100) <= Math.abs(rate - 48000) ? 44100 : 48000;
}

/**
 * The analysis decode of a stream of more than 64 channels (wideStream), which ffmpeg 5.1 decodes but cannot convert,
 * resample or mix: ffmpeg writes the decoder's own samples (pcm.ts PcmOutput.native, no converter) and they are shaped
 * here as ANALYSIS_FILTER and WAVE_OUTPUT shape the others — every channel at 44.1 or 48 kHz (analysisRate) for the
 * analysis feed, and for the wave feed the mean of every channel (what meanMixFilter gives a stream whose channel
 * positions ffmpeg does not know, as a stream of more than 64 never has) at 16 kHz. Where a rate changes, the resampler
 * is torchaudio's windowed sinc (StreamResampler), not swresample. The channel mask is taken as 0 (BS.1770 weighs every
 * channel 1.0). Resolves with output 0's format and frames (the first feed's), ffmpeg's log and errors.
 */
async function decodeWide(
  path: string,
  wide: NonNullable<ReturnType<typeof wideStream>>,
  feeds: Feed[],
  wave: Feed,
  opts: Pick<AnalyzeOptions, 'maxSec' | 'signal' | 'onSpawn'> & { onMainFrames: (whole: number, rate: number) => void; onLogLine: (l: { text: string }) => void },
): Promise<PcmReadResult> {
  const plans = feeds.map((feed) => {
    const isWave = feed === wave;
    const rate = isWave ? WAVE_OUTPUT.sampleRate : analysisRate(wide.sampleRate);
    const channels = isWave ? 1 : wide.channels;
    const kernel = rate === wide.sampleRate ? null : new SincResampler(wide.sampleRate, rate);
    const resamplers = kernel && Array.from({ length: channels }, () => new StreamResampler(wide.sampleRate, rate, kernel));
    return { feed, isWave, format: { sampleRate: rate, channels, channelMask: 0 } as PcmFormat, resamplers, frames: 0 };
  });
  let plane = new Float32Array(0);
  /** planes (one per channel, equal lengths) to a feed, interleaved */
  const hand = (p: (typeof plans)[number], planes: Float32Array[]) => {
    const n = planes[0]!.length;
    if (!n) return;
    const ch = planes.length;
    const inter = ch === 1 ? planes[0]! : new Float32Array(n * ch);
    if (ch > 1) for (let c = 0; c < ch; c++) for (let i = 0, s = c; i < n; i++, s += ch) inter[s] = planes[c]![i]!;
    p.feed.frames(inter, n);
    p.frames += n;
    if (p === plans[0]) opts.onMainFrames(n, p.format.sampleRate);
  };
  const n = wide.channels;
  const res = await readPcmOutputs(path, {
    outputs: [{
      native: wide.format,
      onFormat: () => {
        for (const p of plans) p.feed.format(p.format);
      },
      onFrames: (f32, whole) => {
        for (const p of plans) {
          if (p.isWave) {
            if (plane.length < whole) plane = new Float32Array(whole);
            const mono = plane.subarray(0, whole);
            for (let i = 0, s = 0; i < whole; i++) {
              let sum = 0;
              for (let c = 0; c < n; c++, s++) sum += f32[s]!;
              mono[i] = sum / n;
            }
            hand(p, [p.resamplers ? p.resamplers[0]!.push(mono) : mono]);
          } else if (!p.resamplers) {
            p.feed.frames(f32, whole);
            p.frames += whole;
            if (p === plans[0]) opts.onMainFrames(whole, p.format.sampleRate);
          } else {
            const planes = p.resamplers.map((r, c) => {
              const x = new Float32Array(whole);
              for (let i = 0, s = c; i < whole; i++, s += n) x[i] = f32[s]!;
              return r.push(x);
            });
            hand(p, planes);
          }
        }
      },
    }],
    stream: `0:${wide.index}`,
    maxSec: opts.maxSec,
    signal: opts.signal,
    onSpawn: opts.onSpawn,
    onLogLine: opts.onLogLine,
  });
  if (res.frames > 0) for (const p of plans) if (p.resamplers) hand(p, p.resamplers.map((r) => r.end()));
  const outputs = plans.map((p) => ({ format: res.format ? p.format : null, frames: p.frames }));
  return { ...res, format: outputs[0]!.format, frames: outputs[0]!.frames, outputs };
}

/** "Duration: 00:01:02.50" in ffmpeg's log → 62.5 s (null if absent or N/A). */
function durationOf(log: string): number | null {
  const dm = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(log);
  return dm ? Number(dm[1]) * 3600 + Number(dm[2]) * 60 + Number(dm[3]) : null;
}

/** Map a failed ffmpeg run to the contract's error codes. */
function decodeError(name: string, stderr: string, code: number | null, frames: number): StudioError {
  const reason = ffmpegReason(stderr);
  if (/matches no streams|does not contain any stream|Output file #0 does not contain/i.test(stderr) || (/Input #0/.test(stderr) && !/Audio:/.test(stderr.split('Output #0')[0] ?? '')))
    return new StudioError('NO_AUDIO', `"${name}" has no audio stream.`, reason);
  if (!/Input #0/.test(stderr) || (frames === 0 && /Invalid data found when processing input|Could not find codec parameters|Cannot determine format|0 channels/i.test(stderr)))
    return new StudioError('NOT_MEDIA', `"${name}" is not an audio or video file ffmpeg can read.`, reason);
  return new StudioError('DECODE_FAILED', `"${name}" could not be decoded (ffmpeg exit ${code}): ${reason}`, reason);
}
