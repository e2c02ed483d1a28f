import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProbeResult } from '@contract';
import { locateFfmpeg } from '../../main/engine/media/ffmpeg';
import { REAL_PYTHON } from './python';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** git-ignored folder for everything tests generate (media, screenshots, data dirs) */
export const OUTPUT = join(ROOT, 'test', 'output');
export const MEDIA_DIR = join(OUTPUT, 'media');

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A private temporary name beside `out` (same folder, same extension, so ffmpeg picks the same muxer): test files run
 * two at a time (tools/run-tests.mjs), and two of them may make the same shared file at once. Each writes its own
 * copy and renames it into place (atomic on one file system), so no test ever reads another's half-written file.
 */
function tmpBeside(out: string): string {
  const ext = extname(out);
  return `${out.slice(0, out.length - ext.length)}.tmp-${process.pid}${ext}`;
}

/** `tmp` renamed to `out`; where that fails because another process's copy is there (Windows refuses to replace a file that is open), `tmp` is dropped. */
function settle(tmp: string, out: string): void {
  try {
    renameSync(tmp, out);
  } catch (err) {
    if (!existsSync(out)) throw err;
    rmSync(tmp, { force: true });
  }
}

/** Generate (once) a media file from ffmpeg's lavfi sources; returns its path. */
export function media(name: string, args: string[]): string {
  mkdirSync(MEDIA_DIR, { recursive: true });
  const out = join(MEDIA_DIR, name);
  if (!existsSync(out)) {
    const tmp = tmpBeside(out);
    ffmpeg([...args, tmp]);
    settle(tmp, out);
  }
  return out;
}

/** A musical test tone: a chord with a beat, `sec` long, tagged. */
export function toneFile(name: string, sec = 6, extra: string[] = []): string {
  return media(name, [
    '-f', 'lavfi', '-i', `sine=f=220:d=${sec}`,
    '-f', 'lavfi', '-i', `sine=f=330:d=${sec}`,
    '-f', 'lavfi', '-i', `sine=f=880:d=${sec}:beep_factor=4`,
    '-filter_complex', '[0][1][2]amix=inputs=3,volume=2,aformat=channel_layouts=stereo',
    '-metadata', 'title=Test Tone', '-metadata', 'artist=Resonance Tests', '-metadata', 'album=Fixtures',
    ...extra,
  ]);
}

/**
 * A long test tone, made in seconds: `unitSec` of toneFile's chord (with
 * `extra` encoder options) encoded once, then repeated by stream copy, no
 * re-encode (`-stream_loop`), to `sec` (a whole number of units). What a
 * 33-minute encode costs (~20 s of CPU) is the unit's (~0.6 s). Each join
 * carries the encoder's priming and padding (tens of ms): for tests of long
 * files, not of sample-exact timing. The unit's name says its recipe.
 */
export function longToneFile(name: string, sec: number, extra: string[] = [], unitSec = 60): string {
  const out = join(MEDIA_DIR, name);
  if (existsSync(out)) return out;
  const times = Math.round(sec / unitSec);
  if (times < 1 || Math.abs(times * unitSec - sec) > 1e-9) throw new Error(`longToneFile: ${sec} s is not a whole number of ${unitSec} s units`);
  const ext = extname(name);
  const unit = toneFile(`${basename(name, ext)}-unit-${unitSec}s${ext}`, unitSec, extra);
  const tmp = tmpBeside(out);
  ffmpeg(['-stream_loop', String(times - 1), '-i', unit, '-c', 'copy', tmp]);
  settle(tmp, out);
  return out;
}

/** A short music video: test pattern + tone. */
export function videoFile(name = 'clip.mp4', sec = 6): string {
  return media(name, [
    '-f', 'lavfi', '-i', `testsrc2=s=320x180:r=25:d=${sec}`,
    '-f', 'lavfi', '-i', `sine=f=440:d=${sec}:beep_factor=2`,
    '-shortest', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
  ]);
}

/** An image file (cover art). */
export function imageFile(name = 'cover.png'): string {
  return media(name, ['-f', 'lavfi', '-i', 'testsrc=s=300x300:d=1', '-frames:v', '1']);
}

/** ffmpeg quietly (errors only), overwriting; throws with ffmpeg's stderr on failure. */
export function ff(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * `f(path)` once per file version in this process: the media-truth suites ask for the same reference reading of a file
 * in several tests (a suite's decodedSec, then audioKbps, which decodes it again). Keyed by path, size, mtime and
 * ctime (ns) and inode, so a file made again under the same name is read again; a path that cannot be stat'ed is not cached.
 */
function oncePerFile<T>(f: (path: string) => T): (path: string) => T {
  const seen = new Map<string, T>();
  return (path) => {
    let key: string;
    try {
      const st = statSync(path, { bigint: true });
      key = `${path}\0${st.size}\0${st.mtimeNs}\0${st.ctimeNs}\0${st.ino}`;
    } catch {
      return f(path);
    }
    if (!seen.has(key)) seen.set(key, f(path));
    return seen.get(key)!;
  };
}

/** Seconds that decode: the samples of a full decode of the first audio stream (mono f32le at 48 kHz) over 48 kHz. */
export const decodedSec = oncePerFile((path: string): number => {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-i', path, '-map', '0:a:0', '-ac', '1', '-ar', '48000', '-f', 'f32le', '-'], { maxBuffer: 1 << 30 });
  return r.stdout.length / 4 / 48000;
});

/** Samples per channel of a full decode of the first audio stream at its own rate (mono f32le, no resampling). */
export const decodedFrames = oncePerFile((path: string): number => {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-i', path, '-map', '0:a:0', '-ac', '1', '-f', 'f32le', '-'], { maxBuffer: 1 << 30 });
  return r.stdout.length / 4;
});

/** The first audio stream's packets in kb/s over the decoded duration (bytes from ffmpeg's own framecrc count). */
export const audioKbps = oncePerFile((path: string): number => {
  const out = execFileSync('ffmpeg', ['-hide_banner', '-v', 'error', '-i', path, '-map', '0:a:0', '-c', 'copy', '-f', 'framecrc', '-'], { encoding: 'latin1', maxBuffer: 1 << 28 });
  let bytes = 0;
  for (const m of out.matchAll(/^0,\s*-?\d+,\s*-?\d+,\s*\d+,\s*(\d+),/gm)) bytes += Number(m[1]);
  return (bytes * 8) / decodedSec(path) / 1000;
});

/**
 * Every file probed once up front (the media-truth suites): `load` probes each path, keeping the
 * ProbeResult or the error it threw; `probe(p)` is the result (rethrowing its error), `probed` the raw map.
 */
export function probeTable(probeFile: (path: string) => Promise<ProbeResult>) {
  const probed = new Map<string, ProbeResult | Error>();
  return {
    probed,
    probe(p: string): ProbeResult {
      const r = probed.get(p);
      if (r instanceof Error) throw r;
      if (!r) throw new Error(`${p} was not probed`);
      return r;
    },
    async load(paths: Iterable<string>): Promise<void> {
      for (const p of paths) probed.set(p, await probeFile(p).catch((e: Error) => e));
    },
  };
}

/**
 * A DSF file (Sony DSD Stream File 1.01) as DSD writers make it: DSD64 (2 822 400 Hz) stereo, `sec` long, 4096-byte
 * blocks per channel (the last zero-padded), LSB first, no metadata chunk; the bits a first-order sigma-delta of a
 * 0.4 sine per channel at `hz[c]` Hz. `fmt` may rewrite the 52-byte fmt chunk (a writer's bug) before it is joined.
 */
export function dsfBytes(sec: number, hz: [number, number] = [1000, 1000], fmt?: (chunk: Buffer, count: number) => Buffer): Buffer {
  const sr = 2822400;
  const count = sr * sec;
  const blk = 4096;
  const blocks = Math.ceil(count / 8 / blk);
  const data = Buffer.alloc(blocks * blk * 2);
  let acc = 0;
  for (let k = 0; k < blocks; k++)
    for (let c = 0; c < 2; c++)
      for (let j = 0; j < blk; j++) {
        const at = (k * blk + j) * 8;
        let byte = 0;
        for (let bit = 0; bit < 8 && at + bit < count; bit++) {
          const y = acc >= 0 ? 1 : -1;
          acc += 0.4 * Math.sin((2 * Math.PI * hz[c]! * (at + bit)) / sr) - y;
          if (y > 0) byte |= 1 << bit;
        }
        data[(k * 2 + c) * blk + j] = byte;
      }
  let f: Buffer = Buffer.alloc(52);
  f.write('fmt ', 0, 'latin1');
  f.writeBigUInt64LE(52n, 4);
  f.writeUInt32LE(1, 12); // version
  f.writeUInt32LE(0, 16); // format id: DSD raw
  f.writeUInt32LE(2, 20); // channel type: stereo
  f.writeUInt32LE(2, 24); // channel count
  f.writeUInt32LE(sr, 28); // sampling frequency
  f.writeUInt32LE(1, 32); // bits per sample: 1 (LSB first)
  f.writeBigUInt64LE(BigInt(count), 36); // sample count per channel
  f.writeUInt32LE(blk, 44); // block size per channel
  if (fmt) f = fmt(f, count);
  const dataCh = Buffer.concat([Buffer.from('data'), Buffer.alloc(8), data]);
  dataCh.writeBigUInt64LE(BigInt(12 + data.length), 4);
  const head = Buffer.alloc(28);
  head.write('DSD ', 0, 'latin1');
  head.writeBigUInt64LE(28n, 4);
  head.writeBigUInt64LE(BigInt(28 + f.length + dataCh.length), 12);
  head.writeBigUInt64LE(0n, 20); // no metadata chunk
  return Buffer.concat([head, f, dataCh]);
}

/**
 * A 22.05 kHz mono 16-bit WAV rendered by numpy, made once per name under MEDIA_DIR (kept between runs): `body` is
 * Python that sees `np`, `sys`, `json`, `sr` (22050) and `arg` (the JSON of `arg`) and leaves the signal in `y`
 * (float, any scale: normalised to a 0.8 peak). Returns the path. @throws Error when python3/numpy fail
 */
export function numpyWav(name: string, body: string, arg: unknown): string {
  const out = join(MEDIA_DIR, name);
  if (existsSync(out)) return out;
  mkdirSync(MEDIA_DIR, { recursive: true });
  const py = `import numpy as np, wave, sys, json
sr = 22050
arg = json.loads(sys.argv[2])
${body}
y = y / np.abs(y).max() * 0.8
w = wave.open(sys.argv[1], 'wb'); w.setnchannels(1); w.setsampwidth(2); w.setframerate(sr)
w.writeframes((y * 32767).astype('<i2').tobytes()); w.close()
`;
  const tmp = tmpBeside(out);
  execFileSync(REAL_PYTHON, ['-c', py, tmp, JSON.stringify(arg)]);
  settle(tmp, out);
  return out;
}

/**
 * Points the engine's ffmpeg (STUDIO_FFMPEG, locateFfmpeg) at a shell wrapper written to `dir` that appends each call's
 * arguments, one line a call, to `log`, then runs the system's ffmpeg: a test counts the ffmpeg runs a path makes.
 * Returns the undo (STUDIO_FFMPEG unset, ffmpeg located again). `dir` must exist.
 */
export function logFfmpegCalls(dir: string, log: string): () => void {
  const wrapper = join(dir, 'ffmpeg-logging.sh');
  writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec ffmpeg "$@"\n`);
  chmodSync(wrapper, 0o755);
  process.env.STUDIO_FFMPEG = wrapper;
  locateFfmpeg(process.env, true);
  return () => {
    delete process.env.STUDIO_FFMPEG;
    locateFfmpeg(process.env, true);
  };
}

/**
 * A 16-bit WAVE_FORMAT_EXTENSIBLE (PCM subformat) of `ch` channels with dwChannelMask `mask` (0: no speaker positions,
 * as some multitrack recorders write), `sec` long at `rate` Hz: channel k holds a sine of 440 + 110·k Hz at amplitude
 * 0.5, or silence when `silent`.
 */
export function extensibleWav(ch: number, mask: number, sec = 6, rate = 48000, silent = false): Buffer {
  const n = Math.round(rate * sec);
  const data = Buffer.alloc(n * ch * 2);
  if (!silent) for (let i = 0; i < n; i++) for (let k = 0; k < ch; k++) data.writeInt16LE(Math.round(0.5 * 32767 * Math.sin((2 * Math.PI * (440 + 110 * k) * i) / rate)), (i * ch + k) * 2);
  const fmt = Buffer.alloc(40);
  fmt.writeUInt16LE(0xfffe, 0);
  fmt.writeUInt16LE(ch, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * ch * 2, 8);
  fmt.writeUInt16LE(ch * 2, 12);
  fmt.writeUInt16LE(16, 14);
  fmt.writeUInt16LE(22, 16);
  fmt.writeUInt16LE(16, 18);
  fmt.writeUInt32LE(mask, 20);
  Buffer.from('0100000000001000800000aa00389b71', 'hex').copy(fmt, 24); // KSDATAFORMAT_SUBTYPE_PCM
  const chunk = (id: string, body: Buffer) => { const h = Buffer.alloc(8); h.write(id, 0, 'latin1'); h.writeUInt32LE(body.length, 4); return Buffer.concat([h, body]); };
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('data', data)]);
  return Buffer.concat([Buffer.from('RIFF'), Buffer.from(Uint32Array.of(body.length).buffer), body]);
}

/**
 * A 4-channel ProTracker module ("M.K."): one 256-byte square-wave sample played on channel 1 every 4 rows, two orders
 * of one pattern (15.36 s at speed 6, 125 BPM). `names`: the 31 sample names (22 bytes each, Latin-1; the rest blank),
 * which libopenmpt gives ffmpeg as the module's comment where it has no song message, one line each.
 */
export function modBytes(names: string[]): Buffer {
  const head = Buffer.alloc(20 + 31 * 30 + 2 + 128 + 4);
  head.write('T22 Module', 0, 'latin1');
  names.slice(0, 31).forEach((n, i) => head.write(n.slice(0, 22), 20 + i * 30, 'latin1'));
  head.writeUInt16BE(128, 20 + 22); // length in words
  head[20 + 25] = 64; // volume
  head.writeUInt16BE(0, 20 + 26);
  head.writeUInt16BE(128, 20 + 28); // loop length in words
  for (let i = 1; i < 31; i++) head.writeUInt16BE(1, 20 + i * 30 + 28);
  const o = 20 + 31 * 30;
  head[o] = 2; // song length: two orders
  head[o + 1] = 127;
  head.write('M.K.', o + 2 + 128, 'latin1');
  const pat = Buffer.alloc(64 * 4 * 4);
  const periods = [428, 381, 339, 320, 285, 254, 226, 214];
  for (let row = 0; row < 64; row += 4) {
    const p = periods[(row / 4) % 8]!;
    pat.set([p >> 8, p & 0xff, 0x10, 0], row * 16);
  }
  const data = Buffer.from(Array.from({ length: 256 }, (_, i) => (Math.floor(i / 16) % 2 ? 100 : 156)));
  return Buffer.concat([head, pat, data]);
}

/**
 * Set an Ogg Opus file's header output gain (RFC 7845 §5.1: OpusHead byte 16, signed Q7.8 dB) as zoog's opusgain does:
 * the first page's packet edited in place, the page's CRC (RFC 3533 §6, polynomial 0x04C11DB7) computed again.
 */
export function setOpusHeaderGain(path: string, db: number): void {
  execFileSync(REAL_PYTHON, ['-c', `
import struct, sys
def crc(data):
    c = 0
    for b in data:
        c ^= b << 24
        for _ in range(8):
            c = ((c << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if c & 0x80000000 else (c << 1) & 0xFFFFFFFF
    return c
path, db = sys.argv[1], float(sys.argv[2])
b = bytearray(open(path, 'rb').read())
nseg = b[26]; body = 27 + nseg; size = sum(b[27:body])
assert b[:4] == b'OggS' and b[body:body + 8] == b'OpusHead'
struct.pack_into('<h', b, body + 16, round(db * 256))
b[22:26] = bytes(4)
struct.pack_into('<I', b, 22, crc(bytes(b[:body + size])))
open(path, 'wb').write(b)
`, path, String(db)]);
}
