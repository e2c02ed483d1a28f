import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import { codecText, enCount, GenerationOptions, lyricsSummary, methods, movedText, nothingScannedText, replayGainText, resumedText, skippedText, narrowBpmRangeNote, PICTURE_TYPES, parseBpmRange, promptCutText, StudioError, toErrorData, videoSizeText, type BpmRange, type ErrorCode, type LibraryTrack, type ProbeResult, type ScanState } from '@contract';
import { DATA_FOLDER_IN_USE_EXIT } from '../data-lock';
import { isInside, writeCheck } from '../engine/fs/paths';
import { defaultPack } from '../engine/model/default-pack';
import { inputWithText } from '../engine/model/placeholders';
import { serveRootsSetting } from '../engine/fs/roots';
import { EngineHost } from '../engine-host';
import { nodeForker } from '../engine-host/node-fork';
import { defaultDataDir } from '../engine-host/paths';
import { lastServePort, rememberServePort } from '../serve/last-port';
import { startServer } from '../serve/server';
import { STUDIO_VERSION } from '../version';
import { modelCommand } from './model';
import { crateCommand } from './crate';
import { tagsCommand } from './tags';
import { analyzeLine, analyzeText, fmtDuration, problemText, shownPath, shownText } from './analyze-text';
import { expandPlaylists, mergeInPathOrder, reportOrder } from './playlists';
import { onCtrlC } from './interrupt';

const USAGE = `Resonance Studio ${STUDIO_VERSION}

Usage:
  studio serve [--host 127.0.0.1] [--port N] [--data-dir DIR] [--root DIR]...
      Start the studio as a local web app and print its URL (with access token).
      Without --port: the port its last run without --port on the data folder
      took, so the page's address and kept session stay (a free one if taken;
      --port 0: any; a run with --port N leaves that record as it was).
      --root DIR (repeatable): the only folders it reaches (default: your
      music folder, $XDG_MUSIC_DIR or ~/Music, and the library's folders).
      --host: the address it listens on (default 127.0.0.1, this machine only;
      another lets anyone with the URL in). --data-dir: the data folder.
  studio probe <file> [--json]
      Show a file's tags, streams, duration and whether it has cover art.
      --json: all of it as one JSON object (an error too: {"error": {code,
      message}} on stdout, the message on stderr; exit 1).
  studio ask [--pack DIR] [--audio F] [--region START:END] [--image F] [--video F]
             [--input TEXT | --features] [--greedy] [--seed N] [--max-new-tokens N]
             [--provider auto|cpu|cuda|webgpu|dml|coreml] [--json] [--data-dir DIR]
             "instruction"
      Ask DeepResonance about media. Without --pack: the pack chosen in the app
      (the data folder's: --data-dir DIR or STUDIO_DATA_DIR), else the one
      installed (studio model list); the data folder's cache keeps the media
      encoded for the next question.
      --audio, --image, --video: the media asked about (a picture: a cover);
      --region 30:45: the seconds of --audio the model hears (default all).
      --greedy: the likeliest word each step (no sampling); --seed N: the
      same seed, question and settings give the same answer; --max-new-tokens
      N: the answer's longest (default the pack's, 512); --provider: where it
      runs (auto: the first that starts of CUDA, DirectML or CoreML, WebGPU,
      CPU). --input takes the input text with <Audio>,
      <Image>, <Video> placeholders (default: the attached media in that order);
      with --video and <Audio> but no --audio, the audio is the video's soundtrack.
      --features: the input text is the track's features line (what analyze
      --json prints as "features": uncertain tempo/key/chords left out) before
      the placeholders, as the app's "Use as chat input" does; of --audio's file
      (else --video's); not with --input. --json adds "inputs": the input text
      as the model reads it and, per medium, what it was given (container,
      seconds, sample rate, channels, clips, width/height, frames).
  studio analyze <files or folders…> [--json] [--data-dir DIR | --db PATH]
                 [--bpm-range MIN-MAX]
      Analyse audio/video files (folders: recursively; a playlist, .m3u or
      .m3u8: the files it lists, printed in its order, those missing
      reported) with the library's
      analysers: tags, duration, loudness (LUFS, range, true peak), tempo, key,
      chords. --json prints one JSON object per line per track (path,
      durationSec, bpm, bpmConfidence, key, keyConfidence, camelot, lufs,
      loudnessRange, truePeak, features, error; a failed file adds code:
      DECODE_FAILED, NOT_MEDIA, …). --data-dir writes the results into that
      data folder's library (DIR/studio.sqlite, the app's and the other
      commands' --data-dir) as the app does, with the waveform for the app to
      draw (files already analysed and unchanged are not decoded again; a
      file moved or renamed since keeps its track, crates, cues and chat, and
      a file gone from a folder given leaves the library, as a Rescan's does —
      kept while a library folder is not there); --db likewise into the
      library database file PATH. Without either nothing is kept
      (STUDIO_DATA_DIR is not written).
      --bpm-range 70-140 shows each tempo doubled or halved into that range,
      as DJ software does (the analysis and the database keep the tempo as
      analysed).
      Exit code 1 if any file failed.
      (--data-dir and --db take the data folder's lock, as serve does; without
      them analyze, probe and ask work while the app runs.)
  studio crate list|show NAME|export NAME OUT.m3u8|OUT.xml|OUT.csv|OUT.json|FOLDER/ [--format F] [--json] [--data-dir DIR]
  studio crate import PLAYLIST [--name NAME] [--json] [--data-dir DIR]
      The Library's crates (the DJ's playlists): list them, show one's tracks
      in crate order, write one as an extended M3U8 playlist (tracks below
      OUT's folder relative to it), a rekordbox XML collection (OUT.xml) or
      its rows as CSV or JSON (the format by OUT's extension; another is
      refused unless --format m3u8|rekordbox|csv|json names it),
      or make one from another program's
      playlist (.m3u, .m3u8, .pls, .xspf; the entries not in the library are
      listed with why). (studio crate --help; list, show and export only read:
      while the app runs they read a copy of its library; import takes the
      data folder's lock, as the app does.)
  studio tags write [PATHS…] [--crate NAME] [--bpm] [--key] [--notation N]
                    [--clear-conflicting] [--dry-run] [--json] [--data-dir DIR]
      Write the analysed BPM and key into the files' own tags, as the
      Library's Write tags… does, for library tracks chosen by path (files or
      folders) or crate; --dry-run prints which would be written and why each
      other one would not. Exit code 1 if any file failed. (studio tags --help)
  studio model list|get|convert|verify … [--data-dir DIR]   (studio model --help)
      Get DeepResonance: list what is present, download + verify + convert
      (studio model get beta --llama DIR), convert files on disk, re-hash a pack.
      (list and verify work while the app runs: they write nothing there.)
  studio --version | --help

Exit code 75: the data folder is in use by the app or another studio serve,
analyze --db, tags write or model get/convert (the message names it: pid, command, since when).

Environment: STUDIO_DATA_DIR (data folder), STUDIO_FFMPEG (ffmpeg binary), STUDIO_DECODE_TIMEOUT_S (seconds ffmpeg may go without progress before it is stopped; default 60, 0 = no limit).`;

/** Each command's part of USAGE (from its "studio <cmd>" line to the next command), for `studio <cmd> --help`. */
export function commandUsage(cmd: string): string {
  const lines = USAGE.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  studio ${cmd} `) || l === `  studio ${cmd}`);
  if (start < 0) return USAGE;
  let end = start + 1;
  while (end < lines.length && !/^  studio /.test(lines[end]) && lines[end].trim() !== '') end++;
  return ['Usage:', ...lines.slice(start, end), '', lines[lines.length - 1]].join('\n');
}

/**
 * node:util parseArgs for command `cmd`: `--help`/`-h` anywhere prints the
 * command's usage and exits 0; an unknown option or a missing value exits 2
 * with one line saying what was wrong, then the command's usage; so does a
 * path option (PATH_OPTIONS) given an empty value.
 */
function parseCommand<T extends Omit<ParseArgsConfig, 'args'>>(cmd: string, argv: string[], config: T) {
  const dashdash = argv.indexOf('--');
  if (argv.slice(0, dashdash < 0 ? argv.length : dashdash).some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(commandUsage(cmd) + '\n');
    process.exit(0);
  }
  let parsed;
  try {
    parsed = parseArgs({ ...config, args: argv });
  } catch (err) {
    const why = (err as Error).message.split('. ')[0].replace(/^Unknown option/, 'unknown option');
    fail(`${cmd}: ${why}.`, 2, 'BAD_ARGS', commandUsage(cmd));
  }
  // a path given empty — a script's unset variable in `--root "$MUSIC"` — would resolve to the current folder (serve
  // served it), crash the engine (--data-dir) or be taken as not given (analyze --db: nothing kept): tester26
  for (const [name, v] of Object.entries(parsed.values as Record<string, unknown>)) {
    if (PATH_OPTIONS.has(name) && (v === '' || (Array.isArray(v) && v.includes('')))) {
      fail(`${cmd}: --${name} was given an empty path (an unset variable in a script?); give the ${PATH_OPTIONS.get(name)}.`, 2);
    }
  }
  return parsed;
}

/** the options of the commands here that name a file or a folder, and which */
const PATH_OPTIONS = new Map<string, 'file' | 'folder'>([
  ['root', 'folder'], ['data-dir', 'folder'], ['db', 'file'], ['pack', 'folder'], ['audio', 'file'], ['image', 'file'], ['video', 'file'],
]);

/**
 * The human-readable form of an error the CLI stops on: StudioErrors as they
 * are, system errors (EADDRINUSE, EACCES, ENOTDIR, …) as what happened and
 * what to do instead of Node's raw text.
 */
export function cliErrorMessage(err: unknown, where: { port?: number; host?: string } = {}): string {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  const at = e.path ? ` (${e.path})` : '';
  switch (e?.code) {
    case 'EADDRINUSE':
      return `port ${e.port ?? where.port} on ${e.address ?? where.host} is already in use by another program. Choose another with --port N, or --port 0 for a free one.`;
    case 'EADDRNOTAVAIL':
      return `--host ${e.address ?? where.host} is not an address of this machine. Use 127.0.0.1 (this machine only) or one of its network addresses.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      // listen() resolves a --host name first: a typo ("999.1.1.1") or an unknown name ends here
      if (e.syscall === 'getaddrinfo' && where.host !== undefined) {
        return `--host ${where.host} is not an address or a name of this machine (${e.code}). Use 127.0.0.1 (this machine only), 0.0.0.0 (every network) or one of its network addresses.`;
      }
      break;
    case 'EACCES':
      return e.syscall === 'listen'
        ? `port ${e.port ?? where.port} needs administrator rights. Choose a port above 1023 with --port N, or --port 0 for a free one.`
        : `permission denied${at}. Check the permissions, or choose another folder (--data-dir DIR).`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `a file is in the way where a folder is needed${at}. Choose another folder (--data-dir DIR) or move the file.`;
    case 'ENOENT':
      return `no such file or folder${at}.`;
    case 'EROFS':
      return `the file system is read-only${at}. Choose a writable folder (--data-dir DIR).`;
  }
  return toErrorData(err).message;
}

/** out/engine/index.js, next to this bundle's folder (out/cli). */
function enginePath(): string {
  return fileURLToPath(new URL('../engine/index.js', import.meta.url));
}

/**
 * An engine on `dataDir`. `lock`: the command recorded in the data folder's lock (main/data-lock), taken by
 * start() — every command that writes the data folder passes it; a command that only reads runs its engine
 * on a throwaway folder instead (readOnlyEngine), so it works while the app or `studio serve` holds the lock.
 */
function startEngine(dataDir: string, mode: 'desktop' | 'web', env?: Record<string, string>, lock?: string): EngineHost {
  const host = new EngineHost({ fork: nodeForker, enginePath: enginePath(), dataDir, mode, version: STUDIO_VERSION, env, lock: lock ? { command: lock } : undefined });
  // the last run on this folder was killed (or crashed, or the power went): said by every command that locks it, once
  const off = host.onState((s) => {
    if (s.state === 'ready') off();
    if (s.tookOver) process.stderr.write(`studio: ${s.tookOver}\n`);
  });
  return host;
}

/**
 * The engine of a command that writes nothing the user keeps (probe, ask): a throwaway data folder (its own
 * database: the library's is never opened, so no scan of the app's is touched), no background work;
 * `cacheDir` shares a data folder's cache (atomic, checksummed files: safe beside a running app); `extraEnv`
 * more of the engine's environment (`studio model list` on a held folder: STUDIO_MODELS_DIR, STUDIO_MODELS_HELD_DB).
 * @returns the engine and the function that removes the throwaway folder (after engine.stop()).
 */
function readOnlyEngine(cacheDir?: string, extraEnv: Record<string, string> = {}): { engine: EngineHost; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'studio-ro-'));
  const env: Record<string, string> = { STUDIO_LIBRARY_BACKGROUND: '0', ...extraEnv };
  if (cacheDir) env.STUDIO_CACHE_DIR = cacheDir;
  return { engine: startEngine(dir, 'web', env), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Why `studio ask` cannot keep its cache (`cache`, in the data folder `dataDir`: the pack's checked checksums, the
 * projected media) — a read-only disk, a full one, no permission — as one sentence naming the folder and what to do;
 * null where a file can be written there. Tried by making the folder and writing one byte in a file removed at once
 * (a full disk refuses the write, not the access check). The answer comes either way: nothing is kept for the next.
 */
export function cacheProblem(dataDir: string, cache: string): string | null {
  let err: NodeJS.ErrnoException | null;
  try {
    mkdirSync(cache, { recursive: true });
    err = writeCheck(cache);
  } catch (e) {
    // the folder cannot be made: the nearest one there says why
    err = writeCheck(cache) ?? (e as NodeJS.ErrnoException);
  }
  if (!err) return null;
  const why = err.code === 'EROFS' ? 'it is on a read-only disk' : err.code === 'ENOSPC' || err.code === 'EDQUOT' ? 'its disk is full' : err.code === 'EACCES' || err.code === 'EPERM' ? 'you have no permission to write there' : err.code === 'ENOTDIR' ? 'a file is in the way where a folder is needed' : `${err.code ?? err.message}`;
  const fix = err.code === 'ENOSPC' || err.code === 'EDQUOT' ? 'Free some space there' : 'Make it writable';
  return `the data folder "${dataDir}" cannot be written (${why}): the answer comes all the same, but nothing is cached for the next question (the pack is checked and the media encoded again). ${fix}, or pass --data-dir DIR with a folder you can write.`;
}

/** The exit status of a command that stopped on `err`: 75 (EX_TEMPFAIL) when the data folder is in use, else `otherwise`. */
export function exitStatusFor(err: unknown, otherwise = 1): number {
  return toErrorData(err).code === 'DATA_FOLDER_IN_USE' ? DATA_FOLDER_IN_USE_EXIT : otherwise;
}

/**
 * Stop the command: the message on stderr, exit status `code` (2: the command line is wrong). With --json
 * on the command line (before any `--`) it is also one JSON object on stdout, in the shape that command's
 * other errors take — probe, ask: {"error": {"code", "message"}}; analyze: {"error": message, "code"} — so a
 * script reading stdout always gets JSON, also for a wrong option or a data folder that cannot be made.
 * `errorCode`: BAD_ARGS for a wrong command line (code 2), else the error's own. The message may quote a name (a file,
 * an argument): printed by the CLI's one rule (shownText: a line break, control or bidi character escaped); `usage`,
 * the command's usage text, follows it after a blank line on stderr, as it is.
 */
function fail(message: string, code = 1, errorCode: ErrorCode = code === 2 ? 'BAD_ARGS' : 'INTERNAL', usage?: string): never {
  const [cmd, ...rest] = process.argv.slice(2);
  const dashdash = rest.indexOf('--');
  if ((dashdash < 0 ? rest : rest.slice(0, dashdash)).includes('--json')) {
    // the message alone: a wrong option's usage text is for a person
    if (cmd === 'probe' || cmd === 'ask') process.stdout.write(JSON.stringify({ error: { code: errorCode, message } }) + '\n');
    else if (cmd === 'analyze' || cmd === 'analyse') process.stdout.write(JSON.stringify({ error: message, code: errorCode }) + '\n');
  }
  process.stderr.write(`studio: ${shownText(message)}${usage === undefined ? '' : `\n\n${usage}`}\n`);
  process.exit(code);
}

export function formatProbe(p: ProbeResult): string {
  // the path and the tags by the CLI's one rule (shownPath, shownText: a control or bidi character escaped; cli40)
  const lines = [shownPath(p.path), `  container   ${p.container}`, `  duration    ${fmtDuration(p.durationSec)} (${p.durationSec.toFixed(3)} s${p.durationEstimated ? ', an estimate' : ''})`, ...(p.videoDurationSec ? [`  picture     runs to ${fmtDuration(p.videoDurationSec)} (${p.videoDurationSec.toFixed(3)} s): past the audio's end, in silence`] : []), `  size        ${p.sizeBytes} bytes`];
  // the audio's, and the whole file's where video (or a cover, tags) make it differ
  const overall = p.overallBitrateKbps && p.bitrateKbps && Math.abs(p.overallBitrateKbps - p.bitrateKbps) > Math.max(16, 0.25 * p.bitrateKbps) ? `, ${p.overallBitrateKbps} kb/s the whole file` : '';
  if (p.bitrateKbps) lines.push(`  bitrate     ${p.bitrateKbps} kb/s the audio${overall}`);
  else if (p.overallBitrateKbps) lines.push(`  bitrate     ${p.overallBitrateKbps} kb/s the whole file`);
  // a multi-line value (a Broadcast Wave description of key=value lines) continues under its first line, CR/LF as one break
  const value = (v: string | number) => String(v).replace(/\r?\n$/, '').split(/\r?\n|\r/).map(shownText).join(`\n${' '.repeat(14)}`);
  for (const [k, v] of Object.entries(p.tags)) {
    if (k === 'broadcast' || k === 'replayGain' || k === 'lyrics') continue;
    lines.push(`  ${k.padEnd(11)} ${Array.isArray(v) ? v.map((x) => shownText(String(x))).join(', ') : value(v as string | number)}`);
  }
  const rg = replayGainText(p.tags.replayGain);
  if (rg) lines.push(`  replaygain  ${rg}`);
  const ly = lyricsSummary(p.tags.lyrics, enCount);
  if (ly) lines.push(`  lyrics      ${ly} (the text: --json)`);
  const b = p.tags.broadcast;
  if (b) {
    const rate = p.audio?.sampleRate;
    const at = b.timeReference !== undefined && rate ? ` (${fmtDuration(b.timeReference / rate)} after midnight)` : '';
    const rows: Array<[string, string | number | undefined]> = [['description', b.description], ['originator', b.originator], ['reference', b.originatorReference], ['date', b.originationDate], ['time', b.originationTime], ['time ref', b.timeReference !== undefined ? `${b.timeReference} samples${at}` : undefined], ['UMID', b.umid], ['history', b.codingHistory]];
    lines.push('  broadcast   (bext)');
    for (const [k, v] of rows) if (v !== undefined) lines.push(`    ${k.padEnd(11)} ${value(v).replace(/\n {14}/g, `\n${' '.repeat(16)}`)}`);
  }
  for (const s of p.streams) {
    const bits =
      s.type === 'audio'
        ? // a file that names no speaker positions (WAVE_FORMAT_EXTENSIBLE, dwChannelMask 0) has no layout: its count, as ffprobe words it
          [codecText(s), s.sampleRate && `${s.sampleRate} Hz${s.decodedSampleRate ? ` (decoded and analysed as ${s.decodedSampleRate} Hz PCM)` : ''}`, s.channelLayout ?? (s.channels && `${s.channels} channels`), s.bitrateKbps && `${s.bitrateKbps} kb/s`]
        : s.type === 'video'
          ? [s.codec, videoSizeText(s, 'x'), s.fps && `${s.fps} fps`, s.attachedPic && 'cover art', s.pictureType && pictureTypeText(s.pictureType)]
          : [s.codec];
    lines.push(`  stream ${s.index}    ${s.type}: ${bits.filter(Boolean).join(', ')}`);
  }
  lines.push(`  cover art   ${p.hasCoverArt ? 'yes' : 'no'}`);
  (p.chapters ?? []).forEach((c, i) => lines.push(`  chapter ${String(i + 1).padEnd(3)} ${fmtDuration(c.startSec)}–${fmtDuration(c.endSec)}${c.title ? `  ${value(c.title)}` : ''}`));
  for (const w of p.warnings) lines.push(`  warning     ${w}`);
  return lines.join('\n');
}

/** an attached picture's type as `studio probe` shows it: its ID3v2 / FLAC code and standard name ("picture type 4: Cover (back)") */
function pictureTypeText(name: string): string {
  const code = (PICTURE_TYPES as readonly string[]).indexOf(name);
  return code < 0 ? `picture type: ${name}` : `picture type ${code}: ${name}`;
}

async function probe(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand('probe', argv, { allowPositionals: true, options: { json: { type: 'boolean' }, 'data-dir': { type: 'string' } } });
  if (positionals.length !== 1) fail('probe takes exactly one file: studio probe <file> [--json]', 2);
  // reads the file only: a throwaway data folder (--data-dir is accepted and ignored, as before it held nothing probe needs)
  const { engine, cleanup } = readOnlyEngine();
  try {
    await engine.start();
    const result = await engine.call('media:probe', { path: resolve(positionals[0]) });
    process.stdout.write((values.json ? JSON.stringify(result) : formatProbe(result)) + '\n');
  } catch (err) {
    const e = toErrorData(err);
    if (values.json) process.stdout.write(JSON.stringify({ error: e }) + '\n');
    process.stderr.write(`studio: ${shownText(e.message)}\n`);
    process.exitCode = 1;
  } finally {
    await engine.stop();
    cleanup();
  }
}

function parseRegion(v: string | undefined): [number, number] | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(v);
  if (!m || Number(m[2]) <= Number(m[1])) fail(`--region must be START:END in seconds with END > START, got "${v}"`, 2);
  return [Number(m[1]), Number(m[2])];
}

function intOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) fail(`--${name} must be a whole number, got "${v}"`, 2);
  return Number(v);
}

/**
 * A whole-number option of `studio ask` within the range of its GenerationOptions field (`field`, a zod number with
 * min/max), else the command line is wrong (exit 2, the range in words).
 * @returns the number, or undefined where the option is not given
 */
function askIntOption(name: string, v: string | undefined, field: z.ZodOptional<z.ZodNumber>): number | undefined {
  const n = intOption(name, v);
  if (n === undefined) return undefined;
  const { minValue, maxValue } = field.unwrap();
  if (!field.safeParse(n).success) fail(`--${name} must be a whole number from ${minValue} to ${maxValue}, got "${v}"`, 2);
  return n;
}

async function askCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand('ask', argv, {
    allowPositionals: true,
    options: {
      pack: { type: 'string' },
      audio: { type: 'string' },
      region: { type: 'string' },
      image: { type: 'string' },
      video: { type: 'string' },
      input: { type: 'string' },
      features: { type: 'boolean' },
      greedy: { type: 'boolean' },
      seed: { type: 'string' },
      'max-new-tokens': { type: 'string' },
      provider: { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
  });
  if (positionals.length !== 1) fail('ask takes exactly one instruction, in quotes: studio ask --audio song.mp3 "What instruments are playing?"', 2);
  // the question, --input and the sampling options are checked here by the contract's own schema, before an engine
  // starts: the engine's refusal read "Invalid arguments for model:ask: options.maxNewTokens: Too small: expected
  // number to be >=1", exit 1, after the pack note (tester40)
  const askInput = methods['model:ask'].input.shape;
  const textProblem = (what: string, schema: z.ZodType, v: string | undefined) => {
    const r = v === undefined ? undefined : schema.safeParse(v);
    if (r && !r.success) fail(`${what} ${r.error.issues[0].message}${what === 'the question' && v!.trim() === '' ? ', in quotes: studio ask --audio song.mp3 "What instruments are playing?"' : ''}`, 2);
  };
  textProblem('the question', askInput.instruction, positionals[0]);
  textProblem('--input', askInput.input, values.input);
  const seed = askIntOption('seed', values.seed, GenerationOptions.shape.seed);
  const maxNewTokens = askIntOption('max-new-tokens', values['max-new-tokens'], GenerationOptions.shape.maxNewTokens);
  if (values.region && !values.audio) fail('--region applies to --audio', 2);
  if (values.features && values.input !== undefined) fail('--features makes the input text (the track\'s features line before the placeholders): give --features or --input, not both', 2);
  if (values.features && !values.audio && !values.video) fail('--features needs the track: --audio FILE (or --video FILE)', 2);
  const provider = values.provider ?? 'auto';
  if (!['auto', 'cpu', 'cuda', 'webgpu', 'dml', 'coreml'].includes(provider)) fail(`--provider must be auto, cpu, cuda, webgpu, dml or coreml, got "${provider}"`, 2);
  // every "note: …" the plain output prints on stderr, in its words and order: --json carries them as `notes`
  // (cliui37: a script reading --json learnt neither which pack answered nor that nothing could be cached)
  const notes: string[] = [];
  const note = (text: string) => {
    notes.push(text);
    if (!values.json) process.stderr.write(`note: ${text}\n`);
  };
  // no --pack: the pack the app answers with (the data folder's chosen pack, else the one installed: defaultPack)
  let packPath = values.pack;
  if (!packPath) {
    const found = defaultPack(values['data-dir'] ?? defaultDataDir());
    if (found.path === null) fail(found.message, 1, 'MODEL_MISSING');
    packPath = found.path;
    note(`model pack ${found.how === 'chosen' ? 'chosen in the app' : 'installed'}: ${packPath}`);
  }
  // the pack and the media are given: nothing of the data folder is read but its cache of projected media
  // (--features analyses the track on that throwaway engine's own database; no waveform: nothing keeps it)
  const askData = values['data-dir'] ?? defaultDataDir();
  const unwritable = cacheProblem(askData, join(askData, 'cache'));
  if (unwritable) note(unwritable);
  const { engine, cleanup } = readOnlyEngine(join(askData, 'cache'), values.features ? { STUDIO_LIBRARY_WAVEFORM: '0' } : {});
  const controller = new AbortController();
  let streamed = false;
  const offCtrlC = onCtrlC({
    first: () => controller.abort(),
    // the engine may be deaf to the first a while (a model's graphs being loaded): out at once, the answer cut short
    // ending its line, the throwaway folder removed
    second: () => {
      if (streamed) process.stdout.write('\n');
      if (values.json) process.stdout.write(JSON.stringify({ error: { code: 'CANCELLED', message: 'Stopped (Ctrl+C twice).' }, notes }) + '\n');
      process.stderr.write(`${!values.json && process.stderr.isTTY ? '\r\x1b[K' : ''}studio: stopped${streamed ? ': the answer above is cut short' : ''}.\n`);
      cleanup();
    },
  });
  try {
    await engine.start();
  } catch (err) {
    offCtrlC();
    cleanup();
    throw err;
  }
  try {
    let input = values.input;
    if (values.features) {
      const track = resolve((values.audio ?? values.video)!);
      const features = await featuresOf(engine, track, controller.signal);
      if (!features) note(`the analysis of "${basename(track)}" is sure of nothing to state (no features line): the input is the media alone`);
      input = inputWithText(features ?? '', values);
    }
    const result = await engine.call(
      'model:ask',
      {
        packPath: resolve(packPath),
        provider: provider as 'auto',
        instruction: positionals[0],
        input,
        audio: values.audio ? { path: resolve(values.audio), region: parseRegion(values.region) } : undefined,
        image: values.image ? { path: resolve(values.image) } : undefined,
        video: values.video ? { path: resolve(values.video) } : undefined,
        options: {
          greedy: values.greedy,
          seed,
          maxNewTokens,
        },
      },
      {
        signal: controller.signal,
        onToken: (text) => {
          if (values.json) return;
          process.stdout.write(text);
          streamed = true;
        },
        onProgress: (p) => {
          if (!values.json && process.stderr.isTTY) process.stderr.write(`\r\x1b[K${p.stage}${p.fraction !== undefined ? ` ${Math.round(p.fraction * 100)}%` : ''}`);
        },
      },
    );
    if (!values.json) {
      if (!streamed) process.stdout.write(result.answer);
      process.stdout.write('\n');
    }
    for (const f of result.fallbacks) note(`${f.provider} was not used: ${f.reason}`);
    if (result.promptCut) note(promptCutText(result.promptCut));
    if (result.inputs.spanNote) note(result.inputs.spanNote);
    if (values.json) {
      process.stdout.write(JSON.stringify({ answer: result.answer, tokenIds: result.tokenIds, timings: result.timings, provider: result.provider, fallbacks: result.fallbacks, inputs: result.inputs, stoppedBy: result.stoppedBy, promptCut: result.promptCut, notes }) + '\n');
    } else {
      const t = result.timings;
      process.stderr.write(
        `[${result.provider}] first token ${(t.firstTokenMs / 1000).toFixed(2)} s, ${t.tokensPerSec.toFixed(1)} tokens/s, ${t.tokens} tokens (${result.stoppedBy})\n`,
      );
    }
  } catch (err) {
    const e = toErrorData(err);
    if (values.json) process.stdout.write(JSON.stringify({ error: e, notes }) + '\n');
    // an answer cut short ends its line: on a terminal the message was glued to it ("U minorstudio: …", tester29b)
    if (streamed) process.stdout.write('\n');
    process.stderr.write(`studio: ${shownText(askFailure(e, streamed))}\n`);
    process.exitCode = e.code === 'CANCELLED' ? 130 : 1;
  } finally {
    await engine.stop();
    offCtrlC();
    cleanup();
  }
}

/**
 * What `studio ask` says when the answer failed: the engine's message, except where the engine host's words are for
 * the app — a crash's "It is being restarted; try again." (the app's engine is restarted; this command's is not, it
 * ends): said as what happened to the answer (cut short, when words were printed) and to run the command again; Ctrl+C
 * (CANCELLED) likewise as what became of the answer.
 */
function askFailure(e: { code: string; message: string }, streamed: boolean): string {
  // Ctrl+C: what became of the answer, not the engine's bare "Cancelled." (tester38)
  if (e.code === 'CANCELLED') return streamed ? 'Stopped (Ctrl+C): the answer above is cut short.' : 'Stopped (Ctrl+C) before the answer began.';
  if (e.code !== 'ENGINE_CRASHED') return e.message;
  const what = e.message.replace(/ while doing this\. It is being restarted; try again\.$/, '');
  if (what === e.message) return e.message;
  return `${what} while answering${streamed ? ': the answer above is cut short' : ''}. Run the same command again.`;
}

/**
 * The features line of one audio/video file, exactly as `studio analyze --json` prints it ("features"): the file
 * analysed by the library's analysers on `engine` (a scan of that one file). '' when the analysis states nothing.
 * Throws a StudioError naming the file and why when it was not analysed (not decodable, skipped as not audio), and
 * CANCELLED once `signal` aborts (`studio ask`'s first Ctrl+C): the scan is cancelled, its decode stopped.
 */
async function featuresOf(engine: EngineHost, path: string, signal?: AbortSignal): Promise<string> {
  const cancelled = () => signal?.aborted ?? false;
  const cancelledError = () => new StudioError('CANCELLED', `--features: the analysis of "${basename(path)}" for its features line was cancelled.`);
  if (cancelled()) throw cancelledError();
  // Ctrl+C during the scan cancels it (lock39: the first waited for the whole analysis, then the answer was stopped)
  const cancel = () => void engine.call('library:scan-control', { action: 'cancel' }).catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  let end: ScanState;
  try {
    end = await runScan(engine, [path], false, cancelled);
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
  if (cancelled() || end.state === 'cancelled') throw cancelledError();
  const rows = (await engine.call('library:query', { offset: 0, limit: 10, sort: { column: 'path', dir: 'asc' } })).rows.filter((r) => isInside(r.path, path));
  const row = rows[0];
  const why = row?.error ?? end.problems.find((p) => p.path === path)?.message ?? end.skipped?.files.find((f) => f.path === path)?.reason ?? (row ? `it ended ${row.status}` : 'it was not analysed');
  if (!row || row.status !== 'analysed') throw new StudioError(row?.status === 'failed' ? 'DECODE_FAILED' : 'NOT_MEDIA', `--features: "${basename(path)}" could not be analysed for its features line (${why.replace(/\.$/, '')}).`);
  return row.features ?? '';
}

async function analyzeCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand('analyze', argv, { allowPositionals: true, options: { json: { type: 'boolean' }, db: { type: 'string' }, 'data-dir': { type: 'string' }, 'bpm-range': { type: 'string' } } });
  if (positionals.length === 0) fail('analyze needs files or folders: studio analyze <files or folders…> [--json] [--data-dir DIR | --db PATH] [--bpm-range MIN-MAX]', 2);
  // the data folder as every other command names it (cliui37: analyze took only --db, the database file, and refused
  // --data-dir as an unknown option): its library database, DIR/studio.sqlite
  if (values.db !== undefined && values['data-dir'] !== undefined) fail('analyze: --data-dir DIR is the library database DIR/studio.sqlite, as --db PATH names one: give one of them.', 2);
  let range: BpmRange | null = null;
  try {
    range = values['bpm-range'] !== undefined ? parseBpmRange(values['bpm-range']) : null;
  } catch (err) {
    fail((err as Error).message, 2);
  }
  // a range narrower than an octave cannot hold every tempo: said once, before any file (the JSON on stdout stays clean)
  const narrow = narrowBpmRangeNote(range);
  if (narrow) process.stderr.write(`note: ${narrow}\n`);
  // a playlist (M3U/M3U8) stands for the files it lists; those missing are reported (and fail the run) before the scan
  const listed = expandPlaylists(positionals.map((p) => resolve(p)));
  const paths = listed.paths;
  let failed = 0;
  for (const p of listed.problems) {
    if (values.json) process.stdout.write(JSON.stringify({ path: p.path, error: p.message, code: p.code }) + '\n');
    else process.stderr.write(`studio: ${problemText(p)}\n`);
    failed++;
  }
  for (const l of listed.playlists) {
    if (l.notFound && l.notFound < l.listed) process.stderr.write(`studio: ${shownPath(l.path)}: ${l.notFound} of its ${l.listed} entries cannot be analysed (above); analysing the other ${l.listed - l.notFound}.\n`);
  }
  if (paths.length === 0) {
    process.exitCode = 1;
    return;
  }
  const dbPath = values.db ? resolve(values.db) : values['data-dir'] ? join(resolve(values['data-dir']), 'studio.sqlite') : null;
  // Without --db nothing is kept: a throwaway data folder (database + waveform cache).
  const dataDir = dbPath ? dirname(dbPath) : mkdtempSync(join(tmpdir(), 'studio-analyze-'));
  const env: Record<string, string> = { STUDIO_LIBRARY_BACKGROUND: '0' };
  // --db names a file; --data-dir the folder's own studio.sqlite (the engine's default there, whose messages then say
  // --data-dir DIR where they name the option to change)
  if (values.db) env.STUDIO_DB_FILE = dbPath!;
  // the waveform (peaks + spectrogram) only fills the data folder's cache, for the app to draw: without --db that
  // cache is thrown away with the folder, so it is not computed (issue 11: −24 to −31 % CPU on 110 MP3s, BENCHMARKS.md
  // "Throughput: session 14"); what --json prints is the same either way
  else env.STUDIO_LIBRARY_WAVEFORM = '0';
  // --db writes a library database: its folder's lock, as the app and `studio serve` take it
  const engine = startEngine(dataDir, 'web', env, dbPath ? (values.db ? 'studio analyze --db' : 'studio analyze --data-dir') : undefined);
  let inUse = false;
  let cancelled = false;
  let offCtrlC = () => undefined as void;
  /** a second Ctrl+C: the engine is being stopped on purpose, so the calls it drops are not news */
  let stopping = false;
  try {
    await engine.start();
    offCtrlC = onCtrlC({
      first: () => {
        cancelled = true;
        void engine.call('library:scan-control', { action: 'cancel' }).catch(() => undefined);
      },
      stopping: `${!values.json && process.stderr.isTTY ? '\r\x1b[K' : ''}studio: cancelling (Ctrl+C again to stop at once)…`,
      stopped: '\nstudio: stopped.',
      // stop now (finished files are in the database already); without --db the throwaway folder goes too
      second: async () => {
        stopping = true;
        await engine.stop();
        if (!dbPath) rmSync(dataDir, { recursive: true, force: true });
      },
    });
    const end = await runScan(engine, paths, !values.json && process.stderr.isTTY, () => cancelled);
    // nobody pressed Ctrl+C but the scan ended early: the database stopped taking writes (disk full, read-only,
    // locked by another program) — the engine ends such a job as cancelled, with the reason among its problems
    const stoppedBy = cancelled ? undefined : end.problems.find((p) => p.code === 'DB_WRITE_FAILED');
    const notAnalysed = stoppedBy
      ? { error: `Not analysed: the analysis stopped before this file: ${stoppedBy.message.replace(/^The /, 'the ')}`, code: 'DB_WRITE_FAILED' as const }
      : null;
    if (!values.json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    for (const p of end.problems) {
      // --json: each problem's line at its path's place among the tracks' (below); plain text: on stderr, first
      if (!values.json) process.stderr.write(`studio: ${problemText(p)}\n`);
      // a named path, or something under it that could not be read (a folder, a file, a name that is not UTF-8); a broken
      // link or a second link to a folder already scanned holds nothing more to analyse
      if (paths.includes(p.path) || p.code === 'DB_WRITE_FAILED' || p.code === 'INTERNAL' || (p.code === 'UNREADABLE' && p.kind !== 'folder-seen')) failed++;
    }
    const skipped = end.skipped ?? { count: 0, files: [] };
    // files left out by choice go to stderr (stdout keeps one record per track, --json or not)
    if (skipped.count) {
      // the one summary the scan bar shows too (skippedText: files and folders apart, each reason counted)
      process.stderr.write(`studio: ${shownText(skippedText(skipped, enCount))}\n`);
      for (const f of skipped.files) process.stderr.write(`  ${shownPath(f.path)}: ${shownText(f.reason)}\n`);
      if (skipped.count > skipped.files.length) process.stderr.write(`  … and ${enCount(skipped.count - skipped.files.length)} more\n`);
    }
    // rows that followed their files to a new name (a rename since the last run on this library): said, not silent
    if (end.moved) process.stderr.write(`studio: ${movedText(end.moved, enCount)} since the last run on this library: their analysis, crates, cues and chat kept.\n`);
    // the rows of the given paths (a --db library may hold others)
    const under = (p: string) => paths.some((a) => isInside(p, a));
    let total = 0;
    let notReached = 0;
    let failedRows = 0;
    const mine: LibraryTrack[] = [];
    for (let offset = 0; ; offset += 2000) {
      const page = await engine.call('library:query', { offset, limit: 2000, sort: { column: 'path', dir: 'asc' } });
      mine.push(...page.rows.filter((t) => under(t.path)));
      if (offset + 2000 >= page.total) break;
    }
    // a playlist's tracks in its order, the files and folders given in path order (playlists.ts reportOrder); --json
    // puts the scan's problems among them at their paths' places
    {
      const problemLines = values.json ? end.problems.map((p) => ({ path: p.path, problem: { path: p.path, error: p.message, code: p.code } })) : [];
      for (const item of reportOrder(mergeInPathOrder(mine, problemLines), listed)) {
        if ('problem' in item) {
          process.stdout.write(JSON.stringify(item.problem) + '\n');
          continue;
        }
        const t = item;
        total++;
        if (t.status === 'failed') {
          failed++;
          failedRows++;
        }
        const name = shownPath(t.path);
        if (t.status === 'pending') {
          notReached++;
          if (values.json) process.stdout.write(JSON.stringify(analyzeLine({ track: t, range, notAnalysed })) + '\n');
          else process.stdout.write(`${name}\n  not analysed (${stoppedBy ? 'the analysis stopped before this file: the library database cannot be written' : 'cancelled before this file'})\n`);
          continue;
        }
        const d = t.status === 'analysed' ? await engine.call('library:track-detail', { trackId: t.id }) : null;
        const reason = d?.tempoReason ?? null;
        const keyReason = d?.keyReason ?? null;
        const sections = d?.tempoSections ?? null;
        const keySections = d?.keySections ?? null;
        if (values.json) process.stdout.write(JSON.stringify(analyzeLine({ track: t, tempoReason: reason, keyReason, range, tempoSections: sections, keySections, tagged: d?.tagged ?? null })) + '\n');
        else if (t.status === 'failed') process.stdout.write(`${name}\n  error       ${shownText(t.error ?? '')}\n`);
        else process.stdout.write(analyzeText(t, { name, tempoReason: reason, keyReason, range, tempoSections: sections, keySections, tagged: d?.tagged ?? null }));
      }
    }
    // nothing scanned because the library folder named is not there (an unplugged drive): the scan bar's words (scan40);
    // by the scan's own count (its kept rows are printed above, as the library keeps them)
    const nothing = nothingScannedText(end, enCount);
    if (nothing) process.stderr.write(`studio: ${shownText(nothing)}\n`);
    // nothing found to analyse (an empty or mistyped folder, a folder of playlists) and nothing went wrong: said, not silence
    if (total === 0 && end.state !== 'cancelled' && end.problems.length === 0) {
      process.stderr.write(`studio: no audio or video files found in ${paths.map((p) => (shownPath(p) === p ? `"${p}"` : shownPath(p))).join(', ')}: nothing analysed.\n`);
    }
    if (end.state === 'cancelled' || notReached) {
      failed++;
      process.stderr.write(
        `studio: ${stoppedBy ? 'the analysis stopped (the library database cannot be written, see above)' : 'the analysis was cancelled'}: ${total - notReached - failedRows} of ${total} files analysed, ${failedRows ? `${failedRows} failed, ` : ''}${notReached} not analysed. ${stoppedBy ? 'Once that is fixed, run' : 'Run'} the same command again to analyse the rest${dbPath ? ` (those finished are kept in the ${values.db ? '--db database' : '--data-dir library'})` : ' (with --data-dir DIR or --db PATH, files that finished are kept across runs)'}.\n`,
      );
    }
  } catch (err) {
    if (stopping) return;
    const e = toErrorData(err);
    inUse = e.code === 'DATA_FOLDER_IN_USE';
    if (values.json) process.stdout.write(JSON.stringify({ error: e.message, code: e.code }) + '\n');
    process.stderr.write(`studio: ${shownText(e.message)}\n`);
    failed++;
  } finally {
    await engine.stop();
    offCtrlC();
    if (!dbPath) rmSync(dataDir, { recursive: true, force: true });
  }
  // Ctrl+C: 130, as every other command stopped by it (before lock39: 1, as a failed file)
  process.exitCode = inUse ? DATA_FOLDER_IN_USE_EXIT : cancelled ? 130 : failed > 0 ? 1 : 0;
}

/** times `studio analyze` starts its scan again after the engine died under it */
const ANALYZE_RESUMES = 2;

/**
 * Run `library:scan {paths}` to its end. If the engine dies (killed, out of
 * memory), the host restarts it and the scan is asked for again: finished
 * files are in the database and are not analysed twice. After
 * ANALYZE_RESUMES deaths (or when the host gives up) it fails.
 * @throws StudioError ENGINE_CRASHED with what happened and what to do.
 */
async function runScan(engine: EngineHost, paths: string[], progress: boolean, cancelled: () => boolean): Promise<ScanState> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await new Promise<ScanState | { died: string; stopped: boolean }>((resolveOutcome, rejectOutcome) => {
      let jobId: string | null = null;
      const early: ScanState[] = [];
      const settle = (v: ScanState | { died: string; stopped: boolean }) => {
        offEvent();
        offState();
        resolveOutcome(v);
      };
      const ended = (s: ScanState) => s.state === 'finished' || s.state === 'cancelled';
      const offEvent = engine.onEvent((name, payload) => {
        if (name !== 'library:scan-state') return;
        const s = payload as ScanState;
        if (jobId === null) return void early.push(s);
        if (s.jobId !== jobId) return;
        if (progress && s.state === 'running') process.stderr.write(`\r\x1b[K${s.done + s.failed}/${s.total} ${shownPath(s.currentFile ?? '')}`.slice(0, 200));
        if (ended(s)) settle(s);
      });
      const offState = engine.onState((s) => {
        if (s.state === 'crashed' || s.state === 'stopped') settle({ died: s.message ?? s.state, stopped: s.state === 'stopped' });
      });
      engine.call('library:scan', { paths }).then(
        (first) => {
          jobId = first.jobId;
          // a Ctrl+C that came before the job was made found none to cancel: this one is
          if (cancelled() && !ended(first)) void engine.call('library:scan-control', { action: 'cancel' }).catch(() => undefined);
          // the last run on this database was killed mid-way (not this run's own engine restart, said below): said once
          if (first.resumed && attempt === 0) {
            process.stderr.write(`${progress ? '\r\x1b[K' : ''}studio: ${resumedText(first.resumed, enCount)} when the last run on this database stopped (killed, crashed, or the machine lost power); those are kept and not analysed again.\n`);
          }
          if (ended(first)) return settle(first);
          const seen = early.find((s) => s.jobId === jobId && ended(s));
          if (seen) settle(seen);
        },
        (err) => {
          const e = toErrorData(err);
          if (e.code === 'ENGINE_CRASHED' || e.code === 'ENGINE_UNAVAILABLE') return; // the state listener decides
          offEvent();
          offState();
          rejectOutcome(err);
        },
      );
    });
    if (!('died' in outcome)) return outcome;
    if (progress) process.stderr.write('\r\x1b[K');
    if (outcome.stopped || attempt >= ANALYZE_RESUMES || cancelled()) {
      throw new StudioError(
        'ENGINE_CRASHED',
        `The analysis engine stopped (${outcome.died}) ${attempt + 1} ${attempt === 0 ? 'time' : 'times'} before the analysis ended. Files that finished are kept; run the same command again (with --data-dir DIR or --db PATH to keep them across runs).`,
      );
    }
    process.stderr.write(`studio: the analysis engine stopped (${outcome.died}); resuming — files that finished are not analysed again.\n`);
    await engine.whenReady();
  }
}

async function serve(argv: string[]): Promise<void> {
  const { values } = parseCommand('serve', argv, {
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      // none given: the port of the last run on this data folder where it is free (serve/last-port.ts), else a free one
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      root: { type: 'string', multiple: true, default: [] },
    },
  });
  const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));
  if (!existsSync(resolve(rendererDir, 'index.html'))) fail('the renderer is not built: run `npm run build` first.');
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, got "${values.port}"`, 2);
  const roots = serveRootsSetting(values.root, process.env, homedir(), process.cwd());
  for (const dir of values.root.length ? roots.dirs : []) {
    // a path that is not there says so (a mistyped one read "not a folder", as if something else were there: tester28)
    let st: import('node:fs').Stats;
    try {
      st = statSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      fail(`--root ${dir}: ${code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? (err as Error).message})`}.`, 2);
    }
    if (!st.isDirectory()) fail(`--root ${dir}: not a folder${st.isFile() ? ' (a file)' : ''}.`, 2);
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const engine = startEngine(dataDir, 'web', { STUDIO_ROOTS: JSON.stringify(roots) }, 'studio serve');
  // a start that fails is reported once, by main's catch; later crashes here (a lock taken over: startEngine says it)
  await engine.start();
  const offState = engine.onState((s) => {
    if (s.state === 'crashed' || s.state === 'stopped') process.stderr.write(`studio: ${s.message ?? s.state}\n`);
  });
  let server;
  // (read once the engine holds the data folder: the record is of the last serve that held it)
  const last = values.port === undefined ? lastServePort(dataDir) : undefined;
  try {
    try {
      server = await startServer({ engine, rendererDir, host: values.host, port: last ?? port });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (last === undefined || (code !== 'EADDRINUSE' && code !== 'EACCES')) throw err;
      server = await startServer({ engine, rendererDir, host: values.host, port: 0 });
      process.stderr.write(`studio: port ${last}, where this data folder's studio serve ran last, is in use by another program: listening on ${server.port} instead (a page's kept session and settings are per address, so the page starts afresh there).\n`);
    }
  } catch (err) {
    offState();
    await engine.stop();
    fail(cliErrorMessage(err, { port, host: values.host }));
  }
  if (values.port === undefined) rememberServePort(dataDir, server.port);
  process.stdout.write(`Resonance Studio is running at ${server.openUrl}\n`);
  process.stdout.write(
    `Browsing, opening and library folders are limited to: ${roots.dirs.join(', ')}${roots.libraryFolders ? ' and the library folders' : ''} (change with --root DIR, repeatable).\n`,
  );
  if (values.host !== '127.0.0.1' && values.host !== 'localhost' && values.host !== '::1') {
    process.stdout.write('Warning: listening beyond this machine; anyone with the URL (it contains the token) can use it.\n');
  }
  // stopped cleanly: the server closed (its pages told), then the engine (the data folder given up)
  let stopping: Promise<void> | null = null;
  const stop = (code: number) => {
    stopping ??= (async () => {
      offState();
      await server.close();
      await engine.stop();
    })();
    void stopping.catch(() => undefined).finally(() => process.exit(code));
  };
  // Ctrl+C by the CLI's one rule (interrupt.ts): the first stops cleanly and exits 130, as every command stopped by it;
  // a second exits 130 at once, for a stop that hangs (before cli40 the first exited 0 and a second only asked for
  // the same stop again). SIGTERM (a service manager's stop) stops cleanly and exits 0.
  onCtrlC({
    first: () => stop(130),
    stopping: 'studio: stopping (Ctrl+C again to stop at once)…',
    stopped: 'studio: stopped at once.',
  });
  process.on('SIGTERM', () => stop(0));
}

/**
 * `--data-dir DIR` (or `--data-dir=DIR`) anywhere in `studio model`'s arguments, taken out (its subcommands parse the
 * rest). Exits 2 when DIR is missing.
 * @returns the folder given (resolved), or undefined (then STUDIO_DATA_DIR or the default), and the other arguments
 */
export function takeDataDir(argv: string[]): { dataDir: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--data-dir' || a.startsWith('--data-dir=')) {
      const v = a === '--data-dir' ? argv[++i] : a.slice('--data-dir='.length);
      if (!v || v.startsWith('--')) fail('--data-dir needs a folder: --data-dir DIR', 2);
      dataDir = resolve(v);
    } else rest.push(a);
  }
  return { dataDir, rest };
}

/**
 * Output (stdout, or stderr's progress and summary) read by a program that stops early (`studio … | head -1`, a pager
 * quit): the rest of the output is dropped and the command's work goes on to its end and exit code — a write after
 * the reader left threw EPIPE as an unhandled 'error' event (a stack trace, exit 1; `studio tags write` died between
 * files). Other stream errors still throw.
 */
function outputReaderMayLeave(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
}

async function main(argv: string[]): Promise<void> {
  outputReaderMayLeave(process.stdout);
  outputReaderMayLeave(process.stderr);
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'serve':
      return serve(rest);
    case 'probe':
      return probe(rest);
    case 'ask':
      return askCommand(rest);
    case 'analyze':
    case 'analyse':
      return analyzeCommand(rest);
    case 'model': {
      // the data folder, as every command that uses one takes it (the data folder's messages say "--data-dir DIR or
      // STUDIO_DATA_DIR": `studio model` refused the option they named, tester25)
      const { dataDir: given, rest: args } = takeDataDir(rest);
      const engine = async () => {
        if (args[0] === 'verify') {
          // re-hashes the pack folder it is given and writes nothing: a throwaway data folder (removed when the
          // process exits, after verify has stopped the engine), so it works while the app or `studio serve`
          // holds the lock
          const { engine: e, cleanup } = readOnlyEngine();
          process.once('exit', cleanup);
          await e.start();
          return e;
        }
        // the other model commands' engine opens the data folder's database (installed packs, settings): locked
        const dataDir = given ?? defaultDataDir();
        const e = startEngine(dataDir, 'web', undefined, `studio model ${args[0] ?? ''}`.trim());
        try {
          await e.start();
        } catch (err) {
          if (args[0] !== 'list' || toErrorData(err).code !== 'DATA_FOLDER_IN_USE') throw err;
          // list only reads: while the app or `studio serve` holds the folder it lists from a throwaway engine
          // that reads the held folder's models and remembered folders and writes nothing there
          const { engine: ro, cleanup } = readOnlyEngine(undefined, {
            STUDIO_MODELS_DIR: process.env.STUDIO_MODELS_DIR?.trim() || join(dataDir, 'models'),
            STUDIO_MODELS_HELD_DB: join(dataDir, 'studio.sqlite'),
          });
          process.once('exit', cleanup);
          await ro.start();
          return ro;
        }
        return e;
      };
      process.exitCode = await modelCommand(args, engine);
      return;
    }
    case 'crate': {
      const { dataDir, rest: args } = takeDataDir(rest);
      // the data folder's library database, locked as every command that opens it; no watcher, no scan resumed
      const folder = dataDir ?? defaultDataDir();
      process.exitCode = await crateCommand(args, async (write) => {
        // they only read: a folder without the library's database (a mistyped --data-dir, a music folder) is named,
        // never made — opening it would create the folder and an empty library and list "No crates yet"
        if (!existsSync(join(folder, 'studio.sqlite'))) {
          const why = existsSync(folder) ? 'it holds no studio.sqlite' : 'the folder does not exist';
          throw new StudioError('NOT_FOUND', `there is no library in "${folder}": ${why}. The crates are made in the app or studio serve; name the data folder it uses with --data-dir DIR or STUDIO_DATA_DIR (default: ${defaultDataDir()}).`);
        }
        const e = startEngine(folder, 'web', { STUDIO_LIBRARY_BACKGROUND: '0' }, `studio crate ${args[0] ?? ''}`.trim());
        try {
          await e.start();
          return e;
        } catch (err) {
          // crate import writes the library: only under the folder's lock, never into a copy that is thrown away
          if (write || toErrorData(err).code !== 'DATA_FOLDER_IN_USE') throw err;
          // the crate commands only read the library (as `studio model list` reads its folders): while the app or
          // `studio serve` holds the folder they read a copy of its database, made read-only (db/index.ts
          // snapshotDb), on a throwaway folder
          const { engine: ro, cleanup } = readOnlyEngine(undefined, { STUDIO_DB_SNAPSHOT_OF: join(folder, 'studio.sqlite') });
          process.once('exit', cleanup);
          try {
            await ro.start();
          } catch {
            throw err; // the copy could not be made: the folder is in use (75), as before
          }
          return ro;
        }
      });
      return;
    }
    case 'tags': {
      const { dataDir, rest: args } = takeDataDir(rest);
      // the data folder's library database, locked as every command that writes it; no watcher, no scan resumed
      const folder = dataDir ?? defaultDataDir();
      process.exitCode = await tagsCommand(args, async (dryRun) => {
        if (!existsSync(join(folder, 'studio.sqlite'))) {
          const why = existsSync(folder) ? 'it holds no studio.sqlite' : 'the folder does not exist';
          throw new StudioError('NOT_FOUND', `there is no library in "${folder}": ${why}. Add folders in the app or studio serve (or studio analyze FOLDER --data-dir DIR); name the data folder it uses with --data-dir DIR or STUDIO_DATA_DIR (default: ${defaultDataDir()}).`);
        }
        const e = startEngine(folder, 'web', { STUDIO_LIBRARY_BACKGROUND: '0' }, `studio tags ${args[0] ?? ''}${dryRun ? ' --dry-run' : ''}`.trim());
        try {
          await e.start();
          return e;
        } catch (err) {
          if (!dryRun || toErrorData(err).code !== 'DATA_FOLDER_IN_USE') throw err;
          // --dry-run writes nothing: while the app or studio serve holds the folder it plans on a read-only copy of
          // the library (as studio crate reads it); the files' own tags are read where they are
          const { engine: ro, cleanup } = readOnlyEngine(undefined, { STUDIO_DB_SNAPSHOT_OF: join(folder, 'studio.sqlite') });
          process.once('exit', cleanup);
          try {
            await ro.start();
          } catch {
            throw err;
          }
          return ro;
        }
      });
      return;
    }
    case '--version':
    case '-v':
      process.stdout.write(`${STUDIO_VERSION}\n`);
      return;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return;
    default:
      fail(`unknown command "${cmd}".`, 2, 'BAD_ARGS', USAGE);
  }
}

main(process.argv.slice(2)).catch((err) => fail(cliErrorMessage(err), exitStatusFor(err), toErrorData(err).code));
