import { StudioError } from '@contract';
import type { Analyser } from '../analysis/types';
import { spawnFfmpeg } from './ffmpeg';

export interface DecodeError {
  /** decoded position when ffmpeg reported it (approximate: pipes buffer ~1 s) */
  atSec: number;
  message: string;
}

export interface DecodeResult {
  samples: number;
  sampleRate: number;
  exitCode: number | null;
  errors: DecodeError[];
  /** the last lines ffmpeg wrote to stderr */
  stderrTail: string;
  /** each analyser's result (`finish()`), by name */
  results: Record<string, unknown>;
}

export interface DecodeOptions {
  sampleRate: number;
  /** stated length of the audio (for progress); 0 if unknown */
  expectedSec: number;
  analysers: Analyser[];
  signal?: AbortSignal;
  /** 0…1, throttled */
  onProgress?: (fraction: number) => void;
}

/**
 * Decode the first audio stream of `path` to mono Float32 at `sampleRate` and
 * stream it through the analysers: one ffmpeg process, one pass, memory
 * independent of the file's length (ffmpeg blocks on the pipe while we work).
 * Aborting the signal kills ffmpeg and rejects with CANCELLED.
 */
export function decodeToAnalysers(path: string, opts: DecodeOptions): Promise<DecodeResult> {
  const { sampleRate, analysers, signal } = opts;
  // A short resampling filter: the result is drawn, not listened to, and the
  // default (32 taps) costs more than decoding some codecs.
  const resample = `aresample=${sampleRate}:filter_size=8:phase_shift=6`;
  const args = ['-v', 'error', '-i', path, '-map', '0:a:0', '-vn', '-sn', '-dn', '-af', resample, '-ac', '1', '-c:a', 'pcm_f32le', '-f', 'f32le', 'pipe:1'];
  return new Promise<DecodeResult>((resolve, reject) => {
    let child;
    try {
      child = spawnFfmpeg(args, signal);
    } catch (err) {
      reject(err);
      return;
    }
    try {
      for (const a of analysers) a.init(sampleRate, 1);
    } catch (err) {
      child.kill('SIGKILL');
      reject(err);
      return;
    }
    const expected = opts.expectedSec > 0 ? opts.expectedSec * sampleRate : 0;
    // 4-byte aligned scratch for the Float32 view; a chunk may end mid-sample.
    let scratch = new Float32Array(32768);
    const carry = Buffer.alloc(4);
    let carryLen = 0;
    let samples = 0;
    let lastReport = 0;
    let lastFraction = -1;
    const errors: DecodeError[] = [];
    let stderr = '';
    let failure: unknown;

    child.stdout!.on('data', (chunk: Buffer) => {
      if (failure) return;
      try {
        let bytes = chunk;
        if (carryLen > 0) {
          const need = 4 - carryLen;
          if (chunk.length < need) {
            chunk.copy(carry, carryLen);
            carryLen += chunk.length;
            return;
          }
          chunk.copy(carry, carryLen, 0, need);
          const one = new Float32Array(1);
          one[0] = carry.readFloatLE(0);
          feed(one, 1);
          bytes = chunk.subarray(need);
          carryLen = 0;
        }
        const n = bytes.length >> 2;
        if (n > 0) {
          if (n > scratch.length) scratch = new Float32Array(n);
          new Uint8Array(scratch.buffer, 0, n * 4).set(bytes.subarray(0, n * 4));
          feed(scratch, n);
        }
        const rest = bytes.length - n * 4;
        if (rest > 0) {
          bytes.copy(carry, 0, n * 4);
          carryLen = rest;
        }
      } catch (err) {
        failure = err;
        child.kill('SIGKILL');
      }
    });

    function feed(buf: Float32Array, n: number): void {
      for (let i = 0; i < n; i++) if (buf[i] !== buf[i]) buf[i] = 0; // NaN from a broken decoder
      const block = [n === buf.length ? buf : buf.subarray(0, n)];
      for (const a of analysers) a.process(block);
      samples += n;
      if (opts.onProgress && expected > 0) {
        const fraction = Math.min(0.99, samples / expected);
        const now = Date.now();
        if (fraction - lastFraction >= 0.01 && now - lastReport >= 100) {
          lastReport = now;
          lastFraction = fraction;
          opts.onProgress(fraction);
        }
      }
    }

    child.stderr!.setEncoding('utf8');
    let partial = '';
    child.stderr!.on('data', (s: string) => {
      partial += s;
      const lines = partial.split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const raw of lines) {
        const line = raw.trim();
        if (!line) continue;
        if (stderr.length < 64_000) stderr += line + '\n';
        if (errors.length < 100) errors.push({ atSec: samples / sampleRate, message: cleanFfmpegLine(line) });
      }
    });
    child.on('error', (e) => reject(new StudioError('FFMPEG_MISSING', `Could not start ffmpeg: ${e.message}`)));
    child.on('close', (code) => {
      if (signal?.aborted) return reject(new StudioError('CANCELLED', 'Cancelled.'));
      if (failure) return reject(failure);
      if (partial.trim()) errors.push({ atSec: samples / sampleRate, message: cleanFfmpegLine(partial.trim()) });
      const results: Record<string, unknown> = {};
      try {
        for (const a of analysers) results[a.name] = a.finish();
      } catch (err) {
        return reject(err);
      }
      opts.onProgress?.(1);
      resolve({ samples, sampleRate, exitCode: code, errors, stderrTail: stderr.split('\n').slice(-6).join('\n'), results });
    });
  });
}

/** "[mp3float @ 0x55d…] Header missing" → "mp3float: Header missing" */
export function cleanFfmpegLine(line: string): string {
  return line.replace(/^\[([\w-]+) @ 0x[0-9a-f]+\]\s*/i, '$1: ').trim();
}

/** 75.4 → "1:15"; 3725 → "1:02:05" */
export function mmss(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
