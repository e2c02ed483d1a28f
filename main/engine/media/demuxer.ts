/**
 * The demuxer ffmpeg must be told to use for a file it would otherwise
 * misjudge: one that starts with an ID3v2 tag larger than ffmpeg's format
 * probe looks (libavformat's av_probe_input_format3 skips an ID3v2 tag only
 * while the whole tag fits its probe buffer, PROBE_BUF_MAX = 1 MiB; past that
 * the file's extension decides). An MP3 with two embedded covers (a 5 MB
 * tag) named .m4a/.ogg/.flac is then opened with the wrong demuxer and
 * rejected, or probed as FLAC. Here the bytes after the tag are read (the
 * tag's syncsafe size, ID3v2.4 §3.1, plus its footer) and, when they are
 * certainly MP3 (two consecutive MPEG audio frame headers), FLAC ("fLaC") or
 * ADTS AAC (two consecutive ADTS headers), ffmpeg is given `-f <demuxer>`.
 * libavformat skips the ID3v2 tag itself for every demuxer.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { StudioError } from '@contract';
import { extensibleDecoder, rawDemuxerOf, readRegularFileSync, wavLayoutOf, type WavLayout } from './riff';

/** ID3v2 header (10 bytes) → the tag's total length in bytes (header, body, footer), or 0 when there is none. */
export function id3v2Length(h: Uint8Array): number {
  if (h.length < 10 || h[0] !== 0x49 || h[1] !== 0x44 || h[2] !== 0x33 || h[3] === 0xff || h[4] === 0xff) return 0;
  if ((h[6] | h[7] | h[8] | h[9]) & 0x80) return 0; // not syncsafe: not a tag
  const body = (h[6] << 21) | (h[7] << 14) | (h[8] << 7) | h[9];
  const footer = h[5] & 0x10 ? 10 : 0;
  return 10 + body + footer;
}

/** kbit/s by [version 1 / 2+][layer 1..3][index] (ISO 11172-3, 13818-3) */
const BITRATES = [
  [[], [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448], [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384], [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]],
  [[], [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256], [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160], [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]],
];
const RATES = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] } as Record<number, number[]>;

/** Length in bytes of the MPEG audio frame whose header is at `b[i]`, or 0 when it is not a valid header. */
export function mpegFrameLength(b: Uint8Array, i: number): number {
  if (i + 4 > b.length || b[i] !== 0xff || (b[i + 1] & 0xe0) !== 0xe0) return 0;
  const ver = (b[i + 1] >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
  const layer = 4 - ((b[i + 1] >> 1) & 3); // 1..3
  const bri = b[i + 2] >> 4;
  const sri = (b[i + 2] >> 2) & 3;
  if (ver === 1 || layer === 4 || bri === 0 || bri === 15 || sri === 3) return 0;
  const kbps = BITRATES[ver === 3 ? 0 : 1][layer][bri];
  const rate = RATES[ver][sri];
  const pad = (b[i + 2] >> 1) & 1;
  if (layer === 1) return (Math.floor((12 * kbps * 1000) / rate) + pad) * 4;
  const perFrame = layer === 3 && ver !== 3 ? 72 : 144;
  return Math.floor((perFrame * kbps * 1000) / rate) + pad;
}

/** An MPEG audio stream in free format (freeFormatMpeg): its fixed frame length, bitrate, sample rate, channel count. */
export interface FreeFormatMpeg {
  /** bytes of a frame without its padding slot */
  frameBytes: number;
  bitrateKbps: number;
  sampleRate: number;
  channels: number;
  layer: number;
}

/**
 * A free-format MPEG audio frame at `b[0]` (ISO 11172-3 §2.4.2.3: bitrate_index 0 — a fixed bitrate outside the
 * table, as `lame --freeformat` writes, up to 640 kb/s): the frame length is not in the header, so it is the distance
 * to the next header of the same version, layer, sample rate and mode, confirmed by a third header one frame further
 * (± the padding slot: 4 bytes in Layer I, else 1); bitrate = length × rate / 144000 (Layer III MPEG-2/2.5: 72000;
 * Layer I: length/4 × rate / 12000). null when `b` does not start so. ffmpeg 5.1's decoder reads no free format
 * ("Header missing": mpegaudiodec returns on bitrate_index 0).
 */
export function freeFormatMpeg(b: Uint8Array): FreeFormatMpeg | null {
  if (b.length < 4 || b[0] !== 0xff || (b[1] & 0xe0) !== 0xe0) return null;
  const ver = (b[1] >> 3) & 3;
  const layer = 4 - ((b[1] >> 1) & 3);
  const sri = (b[2] >> 2) & 3;
  if (ver === 1 || layer === 4 || b[2] >> 4 !== 0 || sri === 3) return null;
  const rate = RATES[ver][sri];
  const slot = layer === 1 ? 4 : 1;
  // the same version, layer, CRC flag, bitrate index 0, sample rate and channel mode
  const same = (i: number) => i + 4 <= b.length && b[i] === 0xff && b[i + 1] === b[1] && (b[i + 2] & 0xfc) === (b[2] & 0xfc) && b[i + 3] >> 6 === b[3] >> 6;
  for (let n = 21; n < 8192 && n + 4 <= b.length; n++) {
    if (!same(n)) continue;
    const base = n - ((b[2] >> 1) & 1) * slot;
    const third = n + base + ((b[n + 2] >> 1) & 1) * slot;
    if (!same(third)) continue;
    const kbps = layer === 1 ? ((base / 4) * rate) / 12000 : (base * rate) / (layer === 3 && ver !== 3 ? 72000 : 144000);
    return { frameBytes: base, bitrateKbps: Math.round(kbps), sampleRate: rate, channels: b[3] >> 6 === 3 ? 1 : 2, layer };
  }
  return null;
}

/** Why a free-format MPEG audio file (`f`: freeFormatMpeg's) named `name` does not decode, and what to do, in words. */
export function freeFormatText(name: string, f: FreeFormatMpeg): string {
  return `"${name}" is a free-format MP${f.layer} (${f.bitrateKbps} kb/s; its frame headers state no bitrate, as lame --freeformat writes them), which ffmpeg cannot decode: it cannot be played, analysed or given to the model. Convert it with a decoder that reads free format (lame --decode, mpg123) to WAV or FLAC.`;
}

/** ADTS header length + payload at `b[i]`, or 0 when it is not an ADTS header (ISO 14496-3 1.A.2). */
function adtsFrameLength(b: Uint8Array, i: number): number {
  if (i + 7 > b.length || b[i] !== 0xff || (b[i + 1] & 0xf6) !== 0xf0) return 0;
  const len = ((b[i + 3] & 3) << 11) | (b[i + 4] << 3) | (b[i + 5] >> 5);
  return len >= 7 ? len : 0;
}

/** The demuxer that the bytes at the start of `b` (what follows an ID3v2 tag) certainly are, or null. */
export function demuxerOfAudioStart(b: Uint8Array): 'mp3' | 'flac' | 'aac' | null {
  if (b.length >= 4 && b[0] === 0x66 && b[1] === 0x4c && b[2] === 0x61 && b[3] === 0x43) return 'flac';
  const a = adtsFrameLength(b, 0);
  if (a && adtsFrameLength(b, a)) return 'aac';
  const m = mpegFrameLength(b, 0);
  if (m && mpegFrameLength(b, m)) return 'mp3';
  return null;
}

/** the size of an ID3v2 tag from which on ffmpeg's probe no longer sees past it (PROBE_BUF_MAX, with margin) */
export const PROBE_HIDDEN_TAG_BYTES = 256 * 1024;

/**
 * `-f <demuxer>` for ffmpeg reading `path`, or null when ffmpeg's own probe
 * is to be trusted: the file is no regular file, has no ID3v2 tag of at least
 * PROBE_HIDDEN_TAG_BYTES, or what follows the tag is not certainly MP3, FLAC
 * or ADTS AAC. Synchronous (called as ffmpeg is spawned): one open
 * (non-blocking, so a named pipe never blocks), an fstat and two small reads.
 */
export function forcedDemuxer(path: string): string | null {
  return readRegularFileSync(path, 10, forcedDemuxerOf);
}

/** forcedDemuxer over a positional reader (readRegularFileSync's `read`) of a file of `size` bytes. */
function forcedDemuxerOf(read: (pos: number, len: number) => Buffer, size: number): string | null {
  const h = read(0, 10);
  if (h.length < 10) return null;
  const tag = id3v2Length(h);
  if (tag < PROBE_HIDDEN_TAG_BYTES || tag >= size) return null;
  return demuxerOfAudioStart(read(tag, 8192));
}

/**
 * What withInputFixes needs of the file at `path`, from one open (readRegularFileSync):
 * its WAV layout (riff.ts wavLayoutOf), or — not a WAV — the demuxer an ID3v2 tag hides (forcedDemuxerOf).
 * null when it is no regular file of at least 10 bytes or cannot be read.
 */
function inputFacts(path: string): { wav: WavLayout | null; demuxer: string | null; list: FileList | null } | null {
  return readRegularFileSync(path, 10, (read, size) => {
    const wav = wavLayoutOf(read, size);
    return { wav, demuxer: wav ? null : forcedDemuxerOf(read, size), list: wav ? null : fileListKind(read(0, 4096)) };
  });
}

/** A text file that ffmpeg reads as a list of other files to open (fileListKind), by the name its refusal gives it. */
export type FileList = 'playlist (M3U/HLS)' | 'ffmpeg concat list (ffconcat)' | 'DASH manifest (MPD)' | 'IMF composition playlist (CPL)';

/**
 * Whether a file's first bytes (`head`, up to 4 KiB) are a list of other files that one of ffmpeg's demuxers opens by
 * itself, wherever they lie — so such a list saved under a media name ("song.mp3") was read as the files it names,
 * outside web mode's allowed folders too (tester26: an HLS playlist; an ffconcat list naming a symlink): the probes of
 * libavformat's demuxers that open other files —
 * - hls (hls.c): `#EXTM3U` (RFC 8216 §4.3.1.1; after a UTF-8 byte order mark or white space, as some players write
 *   it; a plain M3U is no HLS and ffmpeg fails on it anyway, it gets the same words);
 * - concat (concatdec.c): "ffconcat version 1.0" at the start;
 * - dash (dashdec.c): an `<MPD` element in text;
 * - imf (imfdec.c): a `<CompositionPlaylist` element in text.
 * The XML ones only in text (no NUL byte before them), so a tag in a binary file never matches.
 * @returns the kind, or null
 */
export function fileListKind(head: Uint8Array): FileList | null {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1');
  if (/^(\u00ef\u00bb\u00bf)?\s*#EXTM3U/.test(text)) return 'playlist (M3U/HLS)';
  if (text.startsWith('ffconcat version 1.0')) return 'ffmpeg concat list (ffconcat)';
  const nul = text.indexOf('\0');
  const inText = (re: RegExp) => {
    const m = re.exec(text);
    return m !== null && (nul < 0 || m.index < nul);
  };
  if (inText(/<MPD[\s>]/i)) return 'DASH manifest (MPD)';
  if (inText(/<CompositionPlaylist[\s>]/)) return 'IMF composition playlist (CPL)';
  return null;
}

/** The refusal of a list of other files given as media (fileListKind): NOT_MEDIA, naming it and what to open instead. */
export function playlistError(path: string, kind: FileList): StudioError {
  return new StudioError('NOT_MEDIA', `"${basename(path)}" is ${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}: a text file that names other files, not audio or video, whatever its extension: open the files it lists.`);
}

/**
 * ffmpeg's arguments with `-f <demuxer>` put before `-i <path>` where
 * forcedDemuxer says so (and no input format is given already). Other
 * arguments are returned unchanged.
 */
export function withForcedDemuxer(args: string[]): string[] {
  const i = args.indexOf('-i');
  if (i < 0 || i + 1 >= args.length) return args;
  if (args.slice(0, i).includes('-f')) return args;
  const path = args[i + 1];
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path)) return args; // a protocol (pipe:, lavfi graph, URL), not a file
  const f = forcedDemuxer(path);
  return f ? [...args.slice(0, i), '-f', f, ...args.slice(i)] : args;
}

/**
 * ffmpeg's arguments with the input options a file needs put before its
 * `-i <path>` — the one place every ffmpeg input of the engine is fixed up
 * (called by ffmpeg.ts spawnFfmpeg for every run):
 * - `-f <demuxer>` where an ID3v2 tag hides the format (withForcedDemuxer);
 * - a WAVE_FORMAT_EXTENSIBLE PCM/float file whose valid bits differ from its
 *   container width: `-c:a <decoder of the container width>` (riff.ts
 *   extensibleDecoder; ffmpeg 5.1 decodes 24-in-32 PCM as pcm_f24le);
 * - a WAV (RIFF or RF64, whose data size is in its ds64 chunk) whose data
 *   chunk is only found where an odd-sized chunk's missing pad byte is not
 *   assumed (riff.ts): ffmpeg's wav demuxer finds no data chunk, so the data
 *   chunk's bytes are given to ffmpeg as raw PCM —
 *   `-f <s16le|s24le|…> -ar <rate> -ac <channels> -i subfile,,start,S,end,E,,:<path>`
 *   — when the format is raw PCM (else ffmpeg fails and the probe names why).
 * A list of other files (fileListKind: an M3U/HLS playlist, an ffconcat list, a DASH or IMF manifest) is refused:
 * playlistError, NOT_MEDIA (thrown, as ffmpegPath() throws when ffmpeg is missing), so no run reads the files it names.
 * Arguments that already give a format (`-f`) or decoder (`-c:a`) before
 * `-i` are left as they are. The file is opened once for all of these
 * (inputFacts), non-blocking: a named pipe, a folder, a missing or
 * unreadable path get the arguments unchanged, and ffmpeg's own error.
 */
export function withInputFixes(args: string[]): string[] {
  const i = args.indexOf('-i');
  if (i < 0 || i + 1 >= args.length) return args;
  const before = args.slice(0, i);
  const path = args[i + 1];
  if (before.includes('-f') || (/^[a-z][a-z0-9+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path))) return args;
  const facts = inputFacts(path);
  if (facts?.list) throw playlistError(path, facts.list);
  const wav = facts?.wav;
  if (!wav) return facts?.demuxer ? [...before, '-f', facts.demuxer, ...args.slice(i)] : args;
  const fmt = wav.fmt;
  if (!fmt) return args;
  if (wav.unpadded && wav.data) {
    const raw = rawDemuxerOf(fmt);
    if (raw) {
      const url = `subfile,,start,${wav.data.offset},end,${wav.data.offset + wav.data.bytes},,:${path}`;
      return [...before, '-f', raw, '-ar', String(fmt.sampleRate), '-ac', String(fmt.channels), '-i', url, ...args.slice(i + 2)];
    }
  }
  const dec = extensibleDecoder(fmt);
  if (dec && !before.includes('-c:a') && !before.includes('-acodec')) return [...before, '-c:a', dec, ...args.slice(i)];
  return args;
}

/**
 * libavformat's demuxers of text formats (subtitles, lyrics), as "Input #0, NAME" names them: a file ffmpeg reads with
 * one of these holds text, never sound.
 */
export const TEXT_DEMUXERS: ReadonlySet<string> = new Set(['aqtitle', 'ass', 'jacosub', 'lrc', 'microdvd', 'mpl2', 'mpsub', 'pjs', 'realtext', 'sami', 'scc', 'srt', 'stl', 'subviewer', 'subviewer1', 'tedcaptions', 'vplayer', 'webvtt']);

/**
 * Whether ffmpeg's pick of a text demuxer for `path` is a guess at binary data: `container` (the "Input #0, NAME"
 * demuxer, e.g. "lrc") is one of TEXT_DEMUXERS while the file's first 4 KiB hold a NUL byte and no UTF-16/UTF-32
 * byte-order mark — a byte no 8-bit or multibyte text encoding (ASCII, Latin-1, UTF-8, GB18030, Shift JIS) writes.
 * libavformat's LRC probe (lrcdec.c) takes any file whose first byte is "[", so random or damaged bytes named .flac
 * were reported "in fact LRC". (Not the isbinaryfile package: it calls GB18030 lyrics binary.)
 * @param path a regular file (the caller has opened it)
 * @returns false where the file cannot be read now (the caller's own error stands)
 */
export async function textDemuxerOnBinary(path: string, container: string): Promise<boolean> {
  if (!container.split(',').some((n) => TEXT_DEMUXERS.has(n))) return false;
  const fh = await open(path, 'r').catch(() => null);
  if (!fh) return false;
  try {
    const b = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(b, 0, b.length, 0);
    const head = b.subarray(0, bytesRead);
    const bom = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || (head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff);
    return !bom && head.includes(0);
  } catch {
    return false;
  } finally {
    await fh.close();
  }
}
