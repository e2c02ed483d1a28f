/**
 * One decode, every analyser: ffmpeg decodes the first audio stream to 32-bit
 * float PCM on a pipe (44.1 or 48 kHz, mono or stereo — whichever is closest
 * to the source), and each block is handed to every analyser in turn.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { StudioError } from '@contract';
import { ffmpegReason, spawnFfmpeg } from '../media/ffmpeg';
import { parseFfmpegInfo, statMediaFile } from '../media/probe';
import { SharedStreams } from './dsp';
import type { Analyser } from './types';

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
}

const STREAM_RE = /Output #0[\s\S]*?Stream #0:0[^\n]*?Audio: pcm_f32le[^\n]*?, (\d+) Hz, (mono|stereo)/;

/**
 * ffmpeg arguments for the analysis decode: first audio stream, 32-bit float
 * interleaved PCM on stdout, 44.1 or 48 kHz and mono or stereo (whichever is
 * closest to the source; surround is downmixed, other rates resampled).
 */
export function decodeArgs(path: string, maxSec?: number): string[] {
  const args = ['-loglevel', 'info', '-nostats', '-i', path, '-map', '0:a:0', '-vn', '-sn', '-dn'];
  if (maxSec) args.push('-t', String(maxSec));
  args.push('-af', 'aformat=sample_fmts=flt:sample_rates=44100|48000:channel_layouts=mono|stereo', '-f', 'f32le', 'pipe:1');
  return args;
}

/** Decode `path` once and run `analysers` on the stream. */
export async function analyzeFile(path: string, analysers: Analyser[], opts: AnalyzeOptions = {}): Promise<AnalysisRun> {
  if (opts.signal?.aborted) throw new StudioError('CANCELLED', 'Analysis cancelled.');
  const before = opts.file ?? (await statMediaFile(path));
  const name = basename(path);
  const child = spawnFfmpeg(decodeArgs(path, opts.maxSec), opts.signal);
  if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  const blockFrames = opts.blockFrames ?? 4096;

  return new Promise<AnalysisRun>((resolve, reject) => {
    let stderr = '';
    let fmt: { rate: number; channels: number } | null = null;
    let reportedDurationSec: number | null = null;
    let pending: Buffer[] = []; // stdout before the format is known
    let carry = Buffer.alloc(0); // bytes of an incomplete frame
    let block: Float32Array[] = [];
    let shared: SharedStreams | null = null;
    let fill = 0;
    let frames = 0;
    let failed: unknown = null;
    let lastProgress = 0;

    const fail = (err: unknown) => {
      if (failed) return;
      failed = err;
      child.kill('SIGKILL');
    };

    const detectFormat = () => {
      if (fmt) return;
      const m = STREAM_RE.exec(stderr);
      if (!m) return;
      fmt = { rate: Number(m[1]), channels: m[2] === 'mono' ? 1 : 2 };
      block = Array.from({ length: fmt.channels }, () => new Float32Array(blockFrames));
      shared = new SharedStreams(fmt.rate, fmt.channels);
      try {
        for (const a of analysers) a.init(fmt.rate, fmt.channels, shared);
      } catch (err) {
        fail(err);
        return;
      }
      const p = pending;
      pending = [];
      for (const b of p) consume(b);
    };

    const flush = (len: number) => {
      const view = len === blockFrames ? block : block.map((c) => c.subarray(0, len));
      shared!.process(view);
      for (const a of analysers) a.process(view);
      shared!.endBlock();
    };

    const consume = (chunk: Buffer) => {
      if (failed || !fmt) return;
      const ch = fmt.channels;
      const frameBytes = 4 * ch;
      let buf: Uint8Array = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const whole = Math.floor(buf.length / frameBytes);
      // Float32Array needs 4-byte alignment: copy (into a fresh, aligned ArrayBuffer) when it is not.
      if (buf.byteOffset % 4 !== 0) buf = new Uint8Array(buf);
      const f32 = new Float32Array(buf.buffer, buf.byteOffset, whole * ch);
      let i = 0;
      try {
        while (i < whole) {
          const n = Math.min(whole - i, blockFrames - fill);
          if (ch === 1) block[0].set(f32.subarray(i, i + n), fill);
          else {
            const l = block[0];
            const r = block[1];
            for (let k = 0, s = i * 2; k < n; k++, s += 2) {
              l[fill + k] = f32[s];
              r[fill + k] = f32[s + 1];
            }
          }
          fill += n;
          i += n;
          if (fill === blockFrames) {
            flush(fill);
            fill = 0;
          }
        }
      } catch (err) {
        fail(err);
        return;
      }
      frames += whole;
      carry = Buffer.from(buf.subarray(whole * frameBytes));
      if (opts.onProgress && frames - lastProgress >= fmt.rate) {
        lastProgress = frames;
        opts.onProgress(frames / fmt.rate, reportedDurationSec);
      }
    };

    child.stdout!.on('data', (chunk: Buffer) => {
      if (!fmt) {
        pending.push(chunk);
        detectFormat();
      } else consume(chunk);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      if (stderr.length < 200_000) stderr += s;
      if (reportedDurationSec === null) {
        const dm = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
        if (dm) reportedDurationSec = Number(dm[1]) * 3600 + Number(dm[2]) * 60 + Number(dm[3]);
      }
      if (!fmt) detectFormat();
    });
    child.on('error', (e) => reject(new StudioError('FFMPEG_MISSING', `Could not start ffmpeg: ${e.message}.`)));
    child.on('close', async (code) => {
      if (opts.signal?.aborted) return reject(new StudioError('CANCELLED', `Analysis of "${name}" cancelled.`));
      // A file replaced or rewritten while it was decoded gives results for neither version.
      const after = await stat(path).catch(() => null);
      if (!after || after.size !== before.size || after.mtimeMs !== before.mtimeMs)
        return reject(new StudioError('FILE_CHANGED', `"${name}" was ${after ? 'changed' : 'moved or deleted'} while it was being analysed. It will be analysed again on the next scan.`));
      if (failed) {
        const msg = failed instanceof Error ? failed.message : String(failed);
        return reject(failed instanceof StudioError ? failed : new StudioError('INTERNAL', `Analysis of "${name}" failed: ${msg}`));
      }
      if (!fmt) detectFormat();
      if (code !== 0 || !fmt) return reject(decodeError(name, stderr, code, frames));
      if (frames === 0) return reject(new StudioError('DECODE_FAILED', `"${name}" contains no decodable audio (0 samples decoded).`));
      // ffmpeg exits 0 on many damaged streams; a decode that ends far short of the duration the
      // container declares (WAV/FLAC/MP4 headers; not MP3 durations estimated from the bitrate) is truncated.
      const decodedSec = frames / fmt.rate;
      const declared = reportedDurationSec !== null && !/Estimating duration from bitrate/i.test(stderr);
      if (!opts.maxSec && declared && reportedDurationSec! > 1 && decodedSec < reportedDurationSec! * 0.5) {
        return reject(new StudioError('DECODE_FAILED', `"${name}" is damaged: only ${decodedSec.toFixed(1)} of ${reportedDurationSec!.toFixed(1)} s could be decoded.`, ffmpegReason(stderr)));
      }
      try {
        if (fill > 0) flush(fill);
        const results: Record<string, unknown> = {};
        const versions: Record<string, number> = {};
        for (const a of analysers) {
          results[a.name] = a.finish();
          versions[a.name] = a.version;
        }
        const source = parseFfmpegInfo(stderr.split('Output #0')[0]);
        resolve({ path, durationSec: decodedSec, reportedDurationSec, sampleRate: fmt.rate, channels: fmt.channels, results, versions, source, file: before });
      } catch (err) {
        reject(err instanceof StudioError ? err : new StudioError('INTERNAL', `Analysis of "${name}" failed: ${(err as Error).message}`));
      }
    });
  });
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
