import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { StudioError } from '@contract';
import { decodeCp1252 } from './cp1252';
import { withInputFixes } from './demuxer';

export interface FfmpegLocation {
  path: string | null;
  source: 'env' | 'ffmpeg-static' | 'path' | 'missing';
  version: string | null;
  error?: string;
}

const FIX =
  'Install ffmpeg (Debian/Ubuntu: `sudo apt install ffmpeg`; macOS: `brew install ffmpeg`; Windows: `winget install ffmpeg`) or set STUDIO_FFMPEG to the full path of an ffmpeg binary.';

/**
 * Where electron-builder's asarUnpack puts a file that a path inside the
 * packaged app's archive names (…/resources/app.asar/x → …/resources/app.asar.unpacked/x):
 * a binary that is spawned, not read through Electron's asar support, must be
 * run from there. Other paths are returned unchanged.
 */
export function asarUnpackedPath(p: string): string {
  return p.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
}

/** ffmpeg-static's binary path, corrected for a packaged app (asar → asar.unpacked). */
function ffmpegStaticPath(): string | null {
  try {
    const req = createRequire(import.meta.url);
    const p = req('ffmpeg-static') as string | null;
    if (!p) return null;
    const unpacked = asarUnpackedPath(p);
    if (existsSync(unpacked)) return unpacked;
    return existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

/**
 * The version of the ffmpeg at `bin` (null: not a working ffmpeg), and its channel-layout table. One run,
 * `ffmpeg -layouts` with its banner: the banner (stderr) names the version, the output is the table
 * (layoutTableOf) — each ffmpeg start costs ~80 ms of CPU here (its dynamic loader), so not two runs; and that run
 * once per binary, not per process: its answer is kept in the user's cache folder (factsCacheFile).
 */
function identifyFfmpeg(bin: string): { version: string; layouts: Map<string, number> } | null {
  const file = factsCacheFile(bin);
  const known = file ? readFactsCache(file) : null;
  if (known) return known;
  const r = spawnSync(bin, ['-layouts'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0 || !r.stdout) return null;
  const m = /ffmpeg version (\S+)/.exec(r.stderr ?? '');
  const facts = { version: m ? m[1] : 'unknown', layouts: layoutTableOf(r.stdout) };
  if (file) writeFactsCache(file, bin, facts);
  return facts;
}

/**
 * The user's cache folder for what identifyFfmpeg learned (the OS's per-user cache place: $XDG_CACHE_HOME or
 * ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows), or null where there is none.
 */
function userCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  try {
    if (process.platform === 'win32') return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'Resonance Studio', 'Cache') : null;
    if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'Resonance Studio');
    const xdg = env.XDG_CACHE_HOME;
    return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'resonance-studio');
  } catch {
    return null;
  }
}

/**
 * The cache file of `ffmpeg -layouts`'s answer for the binary at `bin` (a bare name is looked up on PATH, as spawn
 * does), keyed by its real path, size, mtime and inode: every engine and CLI process asked it once at start, ~0.1–0.3 s
 * of CPU (ffmpeg's dynamic loader) on its critical path, though the answer only changes when the binary does (an
 * upgrade writes a new file). null — ffmpeg is asked — where the binary is not found, is a script (a wrapper whose
 * exec'd ffmpeg could change behind an unchanged file) or there is no cache folder.
 */
function factsCacheFile(bin: string): string | null {
  try {
    const dir = userCacheDir();
    if (!dir) return null;
    let p = bin;
    if (!isAbsolute(p)) p = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, bin)).find((c) => existsSync(c)) ?? '';
    if (!p) return null;
    p = realpathSync(p);
    const st = statSync(p);
    if (!st.isFile()) return null;
    const head = Buffer.alloc(2);
    const fd = openSync(p, 'r');
    try {
      readSync(fd, head, 0, 2, 0);
    } finally {
      closeSync(fd);
    }
    if (head.toString('latin1') === '#!') return null;
    const key = createHash('sha1').update(`${p}\0${st.size}\0${st.mtimeMs}\0${st.ino}`).digest('hex').slice(0, 16);
    return join(dir, `ffmpeg-layouts-${key}.json`);
  } catch {
    return null;
  }
}

/** the cached answer, or null (none yet, unreadable, or not in the shape writeFactsCache writes: ffmpeg is asked) */
function readFactsCache(file: string): { version: string; layouts: Map<string, number> } | null {
  try {
    const d = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown; layouts?: unknown };
    if (typeof d.version !== 'string' || !d.version || !Array.isArray(d.layouts) || d.layouts.length === 0) return null;
    const ok = d.layouts.every((e: unknown) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && Number.isInteger(e[1]) && e[1] >= 1);
    return ok ? { version: d.version, layouts: new Map(d.layouts as Array<[string, number]>) } : null;
  } catch {
    return null;
  }
}

/** keep the answer for the next process: written whole under a private name, then renamed (readers never see half) */
function writeFactsCache(file: string, bin: string, facts: { version: string; layouts: Map<string, number> }): void {
  if (facts.layouts.size === 0) return;
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(tmp, JSON.stringify({ bin, version: facts.version, layouts: [...facts.layouts] }));
    renameSync(tmp, file);
  } catch {
    // no cache: the next process asks ffmpeg again
    try {
      rmSync(tmp, { force: true });
    } catch {
      // (nothing was written: the folder could not be made)
    }
  }
}

let cached: FfmpegLocation | undefined;
/** the located ffmpeg's standard channel layouts, name → channel count (channelCountOf); set with `cached` */
let layoutTable: Map<string, number> | undefined;

/**
 * Where ffmpeg is: STUDIO_FFMPEG → ffmpeg-static's binary (if its download
 * happened) → `ffmpeg` on PATH. Resolved once per process.
 */
export function locateFfmpeg(env: NodeJS.ProcessEnv = process.env, fresh = false): FfmpegLocation {
  if (cached && !fresh) return cached;
  let loc: FfmpegLocation;
  let v: ReturnType<typeof identifyFfmpeg> = null;
  if (env.STUDIO_FFMPEG) {
    const p = env.STUDIO_FFMPEG;
    v = existsSync(p) ? identifyFfmpeg(p) : null;
    loc = v
      ? { path: p, source: 'env', version: v.version }
      : { path: null, source: 'missing', version: null, error: `STUDIO_FFMPEG is set to "${p}", which is not a working ffmpeg. ${FIX}` };
  } else {
    const st = ffmpegStaticPath();
    v = st ? identifyFfmpeg(st) : null;
    if (st && v) loc = { path: st, source: 'ffmpeg-static', version: v.version };
    else {
      v = identifyFfmpeg('ffmpeg');
      loc = v
        ? { path: 'ffmpeg', source: 'path', version: v.version }
        : { path: null, source: 'missing', version: null, error: `ffmpeg was not found. ${FIX}` };
    }
  }
  cached = loc;
  // the located ffmpeg's layouts, from the same run (channelCountOf)
  layoutTable = v?.layouts;
  return loc;
}

/**
 * What one process learned of its ffmpeg — where it is (locateFfmpeg) and its
 * channel-layout table (channelCountOf: layout name → channel count) — to hand
 * to worker threads (useFfmpegFacts), which would otherwise each run
 * `ffmpeg -layouts` again, synchronously, on their first track. Resolved once
 * per process (one ffmpeg run at the first call, identifyFfmpeg).
 */
export interface FfmpegFacts {
  location: FfmpegLocation;
  layouts: Array<[string, number]>;
}

let facts: FfmpegFacts | undefined;

export function ffmpegFacts(): FfmpegFacts {
  const location = locateFfmpeg();
  if (facts?.location === location) return facts;
  facts = { location, layouts: [...(layoutTable ?? [])] };
  return facts;
}

/** Take `facts` from the process that started this worker thread: the same ffmpeg, asked nothing again. */
export function useFfmpegFacts(facts: FfmpegFacts): void {
  cached = facts.location;
  layoutTable = new Map(facts.layouts);
}

export function ffmpegPath(): string {
  const loc = locateFfmpeg();
  if (!loc.path) throw new StudioError('FFMPEG_MISSING', loc.error ?? `ffmpeg was not found. ${FIX}`);
  return loc.path;
}

export interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Run ffmpeg to completion, collecting output; aborts (SIGKILL) on signal. */
export function runFfmpeg(args: string[], opts: { signal?: AbortSignal; maxStdout?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnFfmpeg(args, opts.signal);
    const out: Buffer[] = [];
    let outLen = 0;
    const err: Buffer[] = [];
    let errLen = 0;
    child.stdout!.on('data', (b: Buffer) => {
      outLen += b.length;
      if (opts.maxStdout !== undefined && outLen > opts.maxStdout) {
        child.kill('SIGKILL');
        return;
      }
      out.push(b);
    });
    child.stderr!.on('data', (b: Buffer) => {
      if (errLen < 1_000_000) {
        err.push(b);
        errLen += b.length;
      }
    });
    child.on('error', (e) => reject(new StudioError('FFMPEG_MISSING', `Could not start ffmpeg: ${e.message}. ${FIX}`)));
    child.on('close', (code) => {
      if (opts.signal?.aborted) reject(new StudioError('CANCELLED', 'Cancelled.'));
      else if (stalledError(child)) reject(stalledError(child));
      else resolve({ code, stdout: Buffer.concat(out), stderr: logText(Buffer.concat(err)) });
    });
  });
}

/** Default of STUDIO_DECODE_TIMEOUT_S: seconds an ffmpeg may go without writing anything before it is killed. */
export const DEFAULT_DECODE_TIMEOUT_S = 60;

/**
 * The stall limit for ffmpeg children, in ms, read from STUDIO_DECODE_TIMEOUT_S
 * (seconds, may be fractional; 0 = never) on every spawn; an unset or
 * unreadable value gives DEFAULT_DECODE_TIMEOUT_S.
 */
export function decodeTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.STUDIO_DECODE_TIMEOUT_S;
  const s = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(s) && s >= 0 ? Math.round(s * 1000) : DEFAULT_DECODE_TIMEOUT_S * 1000;
}

const stalled = new WeakMap<ChildProcess, StudioError>();
const progress = new WeakMap<ChildProcess, () => void>();

/**
 * What restarts the stall limit of a child spawnFfmpeg made: call it on output read from a sink (spawnFfmpeg's
 * `sinks`, which the child's own streams do not see). A no-op for a child without a limit.
 */
export function progressOf(child: ChildProcess): () => void {
  return progress.get(child) ?? (() => {});
}

/**
 * The error of an ffmpeg child that spawnFfmpeg killed because it stalled
 * (DECODE_FAILED, naming the input and the setting), or undefined. Callers
 * check it when the child closes, before reading its exit code.
 */
export function stalledError(child: ChildProcess): StudioError | undefined {
  return stalled.get(child);
}

/**
 * Spawn ffmpeg with piped stdio; killed (SIGKILL) when the signal aborts, or
 * when it writes nothing on stdout or stderr for `stallMs` (default
 * decodeTimeoutMs()): an input that blocks — a named pipe, a stalled network
 * mount, an ffconcat list naming a pipe — never wedges a caller. Every caller
 * here reads stdout synchronously as it comes, and ffmpeg writes its stats or
 * its output while it works, so silence means it is stuck. After such a kill
 * stalledError(child) holds the error to report. `extraPipes`: that many more
 * pipes from the child, as fds 3, 4, … (ffmpeg writes to them as `pipe:3`,
 * `pipe:4`; `child.stdio[3]`, … on this side); output on them counts as
 * progress too. An input file whose ID3v2 tag hides its format from
 * ffmpeg's probe gets `-f <demuxer>`, a WAV that ffmpeg misreads its decoder
 * or raw input (demuxer.ts withInputFixes). `stdin`: a pipe to the child's standard input (`-i pipe:0`) instead of none.
 * `sinks`: sockets that replace the pipes of fd 1 (`sinks[0]`) and fds 3, 4, … (`sinks[k]`: fd k + 2) — ffmpeg writes
 * to them as it would to a pipe; their reader calls progressOf(child) on each read (pcm.ts, pcm-socket.ts).
 * `ownGroup`: the child in a process group of its own (not on Windows), so a terminal's Ctrl+C, which signals the
 * whole foreground group, does not stop it part way (audioPackets: a tag write finishes the file it is writing).
 */
export function spawnFfmpeg(args: string[], signal?: AbortSignal, extraPipes = 0, stallMs: number = decodeTimeoutMs(), stdin = false, sinks?: Socket[], ownGroup = false): ChildProcess {
  // sinks[0] as fd 1, sinks[k] as fd k + 2; any other output fd a pipe
  const out = (k: number) => sinks?.[k] ?? ('pipe' as const);
  const stdio: Array<'ignore' | 'pipe' | Socket> = [stdin ? 'pipe' : 'ignore', out(0), 'pipe', ...Array.from({ length: extraPipes }, (_, k) => out(k + 1))];
  args = withInputFixes(args);
  const child = spawn(ffmpegPath(), ['-hide_banner', '-nostdin', ...args], { stdio, windowsHide: true, detached: ownGroup && process.platform !== 'win32' });
  if (signal) {
    const onAbort = () => child.kill('SIGKILL');
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    child.on('close', () => signal.removeEventListener('abort', onAbort));
  }
  if (stallMs > 0) {
    const input = args[args.indexOf('-i') + 1] ?? '(input)';
    let timer: NodeJS.Timeout;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const s = stallMs / 1000;
        stalled.set(
          child,
          new StudioError(
            'DECODE_FAILED',
            `ffmpeg made no progress for ${s} s reading "${input}" and was stopped: the file blocks reading (a named pipe, a stalled network drive, or a list naming one) or ffmpeg cannot finish it. ` +
              'If the file is only slow to read, set STUDIO_DECODE_TIMEOUT_S to a longer limit in seconds (0: no limit).',
          ),
        );
        child.kill('SIGKILL');
      }, stallMs);
    };
    arm();
    progress.set(child, arm);
    child.stdout?.on('data', arm);
    child.stderr?.on('data', arm);
    for (let k = 3; k < 3 + extraPipes; k++) (child.stdio[k] as NodeJS.ReadableStream | null)?.on('data', arm);
    child.on('close', () => clearTimeout(timer));
    child.on('error', () => clearTimeout(timer));
  }
  return child;
}

/** ffmpeg's signs of damage in plain words (the first that matches) */
const DAMAGE_WORDS: Array<[RegExp, string]> = [
  [/Packet corrupt|corrupt input packet/i, 'a packet is corrupt'],
  [/partial file|ended prematurely/i, 'the file ends inside a packet'],
  [/filesize and duration do not match/i, 'the file is smaller than its header says'],
  [/Input\/output error|end of file/i, 'the file ends where more was expected'],
  [/invalid|decode_frame|Error while decoding|Invalid data found|truncated/i, 'a frame does not decode'],
];

/**
 * Signs in ffmpeg's log (level tags removed) that a file is damaged or
 * truncated, as opposed to a header that merely states a wrong duration: the
 * first error line, else a demuxer warning of a corrupt packet, a partial
 * file, or (MP3) a file size that does not match the stated duration — in
 * plain words, with ffmpeg's own line (the file's path cut to its name)
 * after them: 'a frame does not decode ("flac: invalid residual")'. The
 * input's description (av_dump_format's "Input #0, flac, from '…'" and the
 * lines under it) is never taken for a sign, whatever the file is called.
 * null when there is none.
 */
export function damageIn(log: string, errors: Array<{ message: string }>): string | null {
  let raw: string | null = errors.length ? errors[0].message : null;
  if (raw === null) {
    // ffmpeg's progress line ("size=       0kB time=00:00:00.00 bitrate=NA    ") ends in a carriage return, and the next
    // message follows it on the same \n-line: split at both, or the quote began with the progress figures (tester25)
    for (const line of log.split(/\r\n|\r|\n/)) {
      const text = line.replace(/^\[[^\]]*\]\s*/, '').trim();
      if (/^(Input #|Output #|Stream #|Duration:|Metadata:|Stream mapping|Press \[q\])/.test(text) || /^\s{2,}/.test(line)) continue;
      if (/corrupt input packet|Packet corrupt|partial file|filesize and duration do not match|truncated|Invalid data found|ended prematurely/i.test(text)) {
        raw = text;
        break;
      }
    }
  }
  if (raw === null) return null;
  // a path ffmpeg printed ("/music/a.flac: Input/output error") by its file name only
  const quoted = raw.replace(/(?:\/[^/:'"]+)+\/([^/:'"]+)(?=[:'"]|$)/g, '$1');
  const words = DAMAGE_WORDS.find(([re]) => re.test(quoted))?.[1];
  return words ? `${words} ("${quoted}")` : quoted;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
/**
 * ffmpeg's log as text. ffmpeg prints tag values as the bytes the file holds:
 * a line that is not valid UTF-8 holds legacy 8-bit text (a WAV LIST/INFO or
 * ID3v1 tag, an AIFF NAME chunk written by old software), decoded here as
 * Windows-1252 (cp1252.ts: Latin-1 plus the letters and punctuation such
 * software wrote in 0x80–0x9F), instead of losing it to U+FFFD.
 */
export function logText(buf: Uint8Array): string {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= buf.length; i++) {
    if (i < buf.length && buf[i] !== 0x0a) continue;
    const line = buf.subarray(start, i);
    let text: string;
    try {
      text = UTF8.decode(line);
    } catch {
      text = decodeCp1252(line);
    }
    out.push(text);
    start = i + 1;
  }
  return out.join('\n');
}

/**
 * ffmpeg's closing count for an audio input stream, printed at `-v verbose` ("Input stream #0:N (audio): P packets
 * read (B bytes); F frames decoded (S samples)"): the first such line with packets (P > 0) in `text` — a line, or a
 * whole log. `samples` is null where the stream was not decoded (stream copy). null: no such line.
 */
export function audioStreamCounts(text: string): { packets: number; bytes: number; samples: number | null } | null {
  for (const m of text.matchAll(/^\s*Input stream #0:\d+ \(audio\): (\d+) packets read \((\d+) bytes\)(?:; \d+ frames decoded \((\d+) samples\))?/gm)) {
    if (Number(m[1]) > 0) return { packets: Number(m[1]), bytes: Number(m[2]), samples: m[3] === undefined ? null : Number(m[3]) };
  }
  return null;
}

/** libswresample's (SWR_CH_MAX) and the pan filter's channel limit in ffmpeg 5.1 */
export const FFMPEG_MAX_CONVERT_CHANNELS = 64;

/**
 * The last meaningful line of ffmpeg's stderr, for error messages. One exception: an audio stream of more than
 * FFMPEG_MAX_CONVERT_CHANNELS channels (a 65–128-channel ADM/Atmos BWF master, higher-order Ambisonics), which ffmpeg
 * decodes but cannot convert, resample or mix ("[SWR @ …] Failed to set option", "af_pan supports a maximum of 64
 * channels", then "Conversion failed!"): that is said, with the count.
 */
export function ffmpegReason(stderr: string): string {
  if (/(aresample|SWR)[^\n]*\] Failed to set option|af_pan supports a maximum of \d+ channels/.test(stderr)) {
    const n = Number(/Audio: [^\n]*?, (\d+) channels\b/.exec(stderr)?.[1] ?? 0);
    if (n > FFMPEG_MAX_CONVERT_CHANNELS) {
      return `its audio has ${n} channels, and ffmpeg converts at most ${FFMPEG_MAX_CONVERT_CHANNELS}; export it with ${FFMPEG_MAX_CONVERT_CHANNELS} channels or fewer (its stems, or a stereo mix)`;
    }
  }
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^(Input|Output|Stream mapping|Press \[q\]|  )/.test(l));
  return lines[lines.length - 1] ?? 'no output';
}

/**
 * Run ffmpeg writing to files, reporting progress (0…1 of `durationSec`)
 * from its `-progress` output. Resolves with the exit code and stderr.
 */
export function runFfmpegProgress(
  args: string[],
  opts: { durationSec: number; signal?: AbortSignal; onProgress?: (fraction: number) => void },
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawnFfmpeg(['-progress', 'pipe:1', '-nostats', ...args], opts.signal);
    } catch (err) {
      reject(err);
      return;
    }
    let err = '';
    let buf = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (s: string) => {
      buf += s;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^out_time_us=(\d+)/.exec(line);
        if (m && opts.onProgress && opts.durationSec > 0) opts.onProgress(Math.min(0.99, Number(m[1]) / 1e6 / opts.durationSec));
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      if (err.length < 200_000) err += s;
    });
    child.on('error', (e) => reject(new StudioError('FFMPEG_MISSING', `Could not start ffmpeg: ${e.message}. ${FIX}`)));
    child.on('close', (code) => {
      if (opts.signal?.aborted) reject(new StudioError('CANCELLED', 'Cancelled.'));
      else if (stalledError(child)) reject(stalledError(child));
      else resolve({ code, stderr: err });
    });
  });
}

/** ffmpeg's standard channel layouts from its `-layouts` output: name → channel count */
function layoutTableOf(stdout: string): Map<string, number> {
  const table = new Map<string, number>();
  const std = stdout.split('Standard channel layouts:')[1] ?? '';
  for (const line of std.split('\n')) {
    const m = /^(\S+)\s+([A-Z0-9]+(?:\+[A-Z0-9]+)*)\s*$/.exec(line);
    if (m && m[1] !== 'NAME') table.set(m[1], m[2].split('+').length);
  }
  return table;
}

/**
 * Channels in an ffmpeg channel layout as ffmpeg prints it in a stream line
 * ("7.0", "5.1(side)", "octagonal", "FL+FR+LFE", "12 channels"), asked of
 * ffmpeg itself: its `-layouts` table (read once per process) decomposes every
 * standard layout into its channels. undefined when ffmpeg does not know it.
 */
export function channelCountOf(layout: string): number | undefined {
  const n = /^(\d+) channels/.exec(layout);
  if (n) return Number(n[1]);
  if (!layoutTable) locateFfmpeg();
  const known = layoutTable?.get(layout);
  if (known) return known;
  // a custom layout is printed as its channels joined by "+"
  if (/^[A-Z0-9]+(\+[A-Z0-9]+)+$/.test(layout)) return layout.split('+').length;
  return undefined;
}

/** What audioPackets reports of a file's audio streams, demuxed (not decoded). */
export interface AudioPackets {
  /** SHA-256 (hex) of ffmpeg's framemd5 listing: every audio stream's time base, codec, sample rate, layout; every packet's stream, DTS, PTS, duration, size, MD5 of its bytes, side data */
  digest: string;
  /** audio streams */
  streams: number;
  /** audio packets, all streams */
  packets: number;
  /** the longest stream's end minus its first PTS, in seconds (from the packets' PTS and durations in their time base) */
  durationS: number;
}

/**
 * The audio of the file at `path` as ffmpeg demuxes it, without decoding: every audio stream copied to ffmpeg's
 * framemd5 muxer (`-map 0:a -c copy -f framemd5 -format_version 1`), hashed as it streams in. Two files have the same
 * `digest` when their audio streams hold the same packets (bytes, PTS/DTS, durations) with the same codec parameters,
 * whatever their tags: tag write-back's check that the copy it wrote still holds the original's audio (tag-write.ts).
 * Format version 1 leaves the codec's extradata out, as a Vorbis stream's holds its comment header (the tags). Cost:
 * reading the file once (no decode; BENCHMARKS.md "Tag write audio check").
 * @throws StudioError NOT_MEDIA (ffmpeg cannot open it, or it has no audio stream: ffmpeg's reason), DECODE_FAILED
 *   (stalled, spawnFfmpeg's limit), FFMPEG_MISSING, CANCELLED (`signal` aborted)
 */
export function audioPackets(path: string, signal?: AbortSignal): Promise<AudioPackets> {
  return new Promise((resolve, reject) => {
    // its own process group: a terminal's Ctrl+C (`studio tags write`) stops the writes after the file being written,
    // whose check must not be cut short (a SIGINT-ed ffmpeg ends early, exit 255, having listed part of the packets)
    const child = spawnFfmpeg(['-v', 'error', '-i', path, '-map', '0:a', '-c', 'copy', '-format_version', '1', '-f', 'framemd5', '-'], signal, 0, decodeTimeoutMs(), false, undefined, true);
    const hash = createHash('sha256');
    const tb = new Map<number, number>();
    const span = new Map<number, { first: number; end: number }>();
    let packets = 0;
    let rest = '';
    const line = (l: string) => {
      const t = /^#tb (\d+): (\d+)\/(\d+)/.exec(l);
      if (t) tb.set(Number(t[1]), Number(t[2]) / Number(t[3]));
      if (l.startsWith('#') || !l) return;
      const f = l.split(',', 4).map((x) => Number(x.trim()));
      if (f.length < 4 || !f.every(Number.isFinite)) return;
      packets++;
      const s = span.get(f[0]);
      if (!s) span.set(f[0], { first: f[2], end: f[2] + f[3] });
      else s.end = Math.max(s.end, f[2] + f[3]);
    };
    child.stdout!.on('data', (b: Buffer) => {
      hash.update(b);
      const lines = (rest + b.toString('latin1')).split('\n');
      rest = lines.pop()!;
      for (const l of lines) line(l);
    });
    const err: Buffer[] = [];
    child.stderr!.on('data', (b: Buffer) => err.length < 1000 && err.push(b));
    child.on('error', (e) => reject(new StudioError('FFMPEG_MISSING', `Could not start ffmpeg: ${e.message}. ${FIX}`)));
    child.on('close', (code) => {
      line(rest);
      if (signal?.aborted) return reject(new StudioError('CANCELLED', 'Cancelled.'));
      const stalledErr = stalledError(child);
      if (stalledErr) return reject(stalledErr);
      if (code !== 0 || span.size === 0) {
        const log = logText(Buffer.concat(err));
        return reject(new StudioError('NOT_MEDIA', log.trim() ? ffmpegReason(log) : code !== 0 ? `ffmpeg exited with ${code ?? 'a signal'}` : 'it has no audio packets'));
      }
      let durationS = 0;
      for (const [k, s] of span) durationS = Math.max(durationS, (s.end - s.first) * (tb.get(k) ?? 0));
      resolve({ digest: hash.digest('hex'), streams: tb.size, packets, durationS });
    });
  });
}
