import { constants, readdirSync, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { PICTURE_TYPES, StudioError, type Chapter, type ProbeResult, type StreamInfo } from '@contract';
import { channelCountOf, ffmpegReason, runFfmpeg } from './ffmpeg';
import { freeFormatText, textDemuxerOnBinary } from './demuxer';
import { truncatedError, readStructure, unpaddedText, webpAnimation, type Structure } from './structure';
import { crossCheck, durationShown, extensionFacts, isImagePipe, itunSmpbSec, measureAudioStream, notWebmCodecs, packetsNeeded, readTagsByContent, wmaAudio } from './tags';
import { notFoundMessage, notUtf8Message, undecodableName } from '../fs/paths';
import { specialKind } from '../library/walk';
import { chooseLyrics, sidecarLyrics } from './lyrics';
import { bestIfNotFirst, bestStream } from './best-stream';

export { bestIfNotFirst, bestStream };

export { tagsOf } from './tags';

/**
 * The file in `path`'s folder whose name differs from `path`'s only in Unicode normalisation (NFC "Café" typed,
 * NFD "Cafe\u0301" on disk — as macOS-made copies and some zip/rsync tools leave names): Linux file names are bytes,
 * so such a file is not found by the other form. Its name, or null (none, or the folder cannot be listed).
 */
function normalisationTwin(path: string): string | null {
  const name = basename(path);
  try {
    const twin = readdirSync(dirname(path)).find((n) => n !== name && n.normalize('NFC') === name.normalize('NFC'));
    return twin ?? null;
  } catch {
    return null;
  }
}

/** A failed stat/open of a media file as the studio's error (NOT_FOUND, UNREADABLE). */
function accessError(path: string, err: unknown): StudioError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const undecodable = code === 'ENOENT' ? undecodableName(path) : null;
    if (undecodable) return new StudioError('UNREADABLE', `"${basename(path)}": ${notUtf8Message(undecodable)}`);
    const twin = code === 'ENOENT' ? normalisationTwin(path) : null;
    if (twin !== null) {
      const form = (s: string) => (s === s.normalize('NFC') ? 'NFC' : s === s.normalize('NFD') ? 'NFD' : 'mixed');
      return new StudioError('NOT_FOUND', `"${basename(path)}" does not exist (${path}), but "${twin}" in the same folder differs from it only in Unicode normalisation (the name given is ${form(basename(path))}, the file's ${form(twin)}: the same letters, different bytes). Open that file, or rename it.`);
    }
    return new StudioError('NOT_FOUND', notFoundMessage(path));
  }
  if (code === 'EACCES' || code === 'EPERM') return new StudioError('UNREADABLE', `"${basename(path)}" cannot be read: permission denied. Check the file's permissions.`);
  return new StudioError('UNREADABLE', `"${basename(path)}" cannot be read: ${(err as Error).message}`);
}

/** A regular, non-empty file, or the error that says what it is instead (IS_DIRECTORY, NOT_MEDIA, EMPTY_FILE). */
function checkRegular(path: string, st: Pick<Stats, 'isDirectory' | 'isFile' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'size'>): void {
  if (st.isDirectory()) throw new StudioError('IS_DIRECTORY', `"${basename(path)}" is a folder, not a media file.`);
  if (!st.isFile()) {
    // named as the scan and the file browser name it (walk.ts specialKind: "not a regular file (named pipe)", tester29a)
    const kind = specialKind(st);
    throw new StudioError('NOT_MEDIA', `"${basename(path)}" is not a regular file${kind ? ` (${kind}), so it is not read` : ''}.`);
  }
  if (st.size === 0) throw new StudioError('EMPTY_FILE', `"${basename(path)}" is empty (0 bytes). The file may have been truncated by a failed copy or download.`);
}

/** Stat a path that the user asked to open, mapping failures to clear errors. */
export async function statMediaFile(path: string): Promise<{ size: number; mtimeMs: number }> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    throw accessError(path, err);
  }
  checkRegular(path, st);
  // Permission check that stat alone does not give.
  try {
    const fh = await open(path, 'r');
    await fh.close();
  } catch (err) {
    // gone between the stat and the open (deleted just then): NOT_FOUND as a stat says it, so a caller that re-checks a
    // vanished file (media/service.ts: "deleted or moved since it was opened") does so — it read "cannot be read:
    // ENOENT …, open '…'" (ci43, file-gone-issue12: the file deleted as its waveform's decode started)
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw accessError(path, err);
    throw new StudioError('UNREADABLE', `"${basename(path)}" cannot be read: ${(err as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (err as Error).message}.`);
  }
  return { size: st.size, mtimeMs: st.mtimeMs };
}

/**
 * Open a media file once: the same checks and errors as statMediaFile, from
 * one open() and an fstat of the handle (no path stat). Opened non-blocking,
 * so a named pipe is refused (NOT_MEDIA) instead of blocking forever. The
 * caller closes `fh`. Size in bytes, mtime in ms since the epoch.
 */
export async function openMediaFile(path: string): Promise<{ fh: FileHandle; size: number; mtimeMs: number }> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw accessError(path, err);
  }
  try {
    const st = await fh.stat();
    checkRegular(path, st);
    return { fh, size: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));

/** ISO base-media major brands (ftyp) that name one format of the family → that container (file-type reads them so too) */
const BRANDS: Array<[RegExp, string]> = [
  [/^qt$/, 'mov'],
  [/^M4[ABPV]$/, 'm4a'],
  [/^3g2/, '3g2'],
  [/^3g/, '3gp'],
  [/^mj2/, 'mj2'],
];
/** the generic ISO/MP4 brands: they say "MPEG-4", not audio or video, so a family name from the extension (.m4a, .m4b, .mp4) stands */
const GENERIC_BRAND = /^(isom|iso\d|mp41|mp42|avc1|dash|mmp4|MSNV|f4v)$/;

/**
 * The one container a file is, where ffmpeg names its demuxer's family
 * ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"), by its content: the ISO major
 * brand ffmpeg printed (`info.majorBrand`) where it names one format ("qt  ",
 * "M4A ", "3gp4", … as file-type reads them), else the file's extension when
 * it is one of the family (a generic brand such as "isom" says only MPEG-4;
 * a .webm only with WebM's codecs: `info.streams`), else "mp4" for a generic
 * brand, else the first name.
 * The one name probe, the library (track detail, stored probe) and every
 * other reader show; `info` is parseFfmpegInfo's of the file at `path`.
 */
export function realContainer(info: { container: string; majorBrand?: string; streams: StreamInfo[] }, path: string): string {
  const family = info.container;
  const streams = info.streams;
  const names = family.split(',');
  if (names.length < 2) return family;
  const ext = extname(path).slice(1).toLowerCase();
  // WebM is a Matroska profile: a .webm with a codec WebM does not allow is Matroska
  if (ext === 'webm' && notWebmCodecs(path, family, streams)) return 'matroska';
  // by content: an ISO file's major brand that names one format (an M4A copied as .mp4, .mov or .3gp is M4A)
  const brand = info.majorBrand;
  if (brand) for (const [re, name] of BRANDS) if (re.test(brand) && names.includes(name)) return name;
  if (names.includes(ext)) return ext;
  if (ext === 'mkv' && names.includes('matroska')) return 'matroska';
  if (brand && GENERIC_BRAND.test(brand) && names.includes('mp4')) return 'mp4';
  return names[0];
}

/**
 * `streams` with `mirrored` set on the video streams whose display matrix mirrors the picture
 * (structure.mirroredTracks: MP4/MOV, where a track's order is ffmpeg's stream index), which ffmpeg does
 * not state. The one rule of the probe and the library. Pure.
 */
export function withMirrored<S extends StreamInfo>(streams: S[], structure: { mirroredTracks?: number[] } | null): S[] {
  const mirrored = new Set(structure?.mirroredTracks ?? []);
  return mirrored.size ? streams.map((s) => (s.type === 'video' && mirrored.has(s.index) ? { ...s, mirrored: true } : s)) : streams;
}

/**
 * The tags of `ffmpeg -i` output (av_dump_format's "Metadata:" blocks): the
 * container's, then the first audio stream's for keys the container lacks
 * (Ogg keeps Vorbis comments on the stream). Keys lower-cased; a value ffmpeg
 * printed on several lines (its continuation lines "<spaces>: more") is
 * joined with newlines.
 */
export function parseFfmpegMetadata(stderr: string): Record<string, string> {
  const global: Record<string, string> = {};
  const firstAudio: Record<string, string> = {};
  let owner: 'global' | 'audio' | 'other' = 'other';
  let audioSeen = false;
  let block: Record<string, string> | null = null;
  let blockIndent = 0;
  let last: string | null = null;
  for (const raw of stderr.split(/\r?\n/)) {
    const line = raw.replace(/\r$/, '');
    const indent = /^ */.exec(line)![0].length;
    if (block && indent > blockIndent) {
      const m = /^\s*(.*?)\s*: (.*)$/.exec(line) ?? /^\s*(.*?)\s*:$/.exec(line);
      if (!m) continue;
      const key = m[1].toLowerCase();
      const value = m[2] ?? '';
      if (key === '' && last !== null) block[last] += '\n' + value;
      else if (key !== '') {
        if (!(key in block)) block[key] = value;
        last = key;
      }
      continue;
    }
    block = null;
    last = null;
    if (/^Input #0/.test(line)) owner = 'global';
    else if (/^\s*Chapter #/.test(line)) owner = 'other';
    else if (/^\s*Stream #0:\d+.*: Audio: /.test(line)) {
      owner = audioSeen ? 'other' : 'audio';
      audioSeen = true;
    } else if (/^\s*Stream #/.test(line) || /^Output #/.test(line)) owner = 'other';
    else if (/^\s*Metadata:\s*$/.test(line) && owner !== 'other') {
      block = owner === 'global' ? global : firstAudio;
      blockIndent = indent;
    }
  }
  for (const [k, v] of Object.entries(firstAudio)) if (!(k in global) && k !== 'handler_name' && k !== 'vendor_id') global[k] = v;
  return global;
}

/**
 * The chapters of `ffmpeg -i` output (av_dump_format: "Chapter #0:N: start S, end E", then its Metadata block's
 * "title : …", a long title continued on lines with an empty key), of the input only (not an "Output #" listing), in
 * order of their start. Chapters with a non-finite or negative time are left out; an end before the start is the start.
 * Pure.
 * @returns seconds (ffmpeg's six decimals)
 */
export function parseFfmpegChapters(stderr: string): Chapter[] {
  const out: Chapter[] = [];
  const input = stderr.split(/^Output #/m)[0] ?? '';
  let cur: Chapter | null = null;
  let inMeta = false;
  let lastTitle = false;
  for (const line of input.split(/\r?\n/)) {
    const c = /^\s*Chapter #\d+:\d+: start (-?[\d.]+), end (-?[\d.]+)/.exec(line);
    if (c) {
      const startSec = Number(c[1]);
      const endSec = Number(c[2]);
      cur = Number.isFinite(startSec) && Number.isFinite(endSec) && startSec >= 0 ? { startSec, endSec: Math.max(startSec, endSec) } : null;
      if (cur) out.push(cur);
      inMeta = false;
      lastTitle = false;
      continue;
    }
    if (!cur) continue;
    if (/^\s{6}Metadata:\s*$/.test(line)) {
      inMeta = true;
      continue;
    }
    const m = inMeta ? /^\s{8,}(\S.*?)?\s*: (.*)$/.exec(line) : null;
    if (!m) {
      // anything else (a Stream line, the next section) ends this chapter's block
      cur = null;
      continue;
    }
    if (m[1] === undefined && lastTitle) cur.title += '\n' + m[2];
    else if (m[1]?.toLowerCase() === 'title' && cur.title === undefined) {
      cur.title = m[2];
      lastTitle = true;
      continue;
    }
    if (m[1] !== undefined) lastTitle = false;
  }
  return out.sort((a, b) => a.startSec - b.startSec);
}

/** Parse the stream lines, duration and tags of `ffmpeg -i` output. */
export function parseFfmpegInfo(stderr: string): {
  /** ffmpeg's demuxer name, a family for some ("mov,mp4,m4a,3gp,3g2,mj2"); realContainer names the one the file is */
  container: string;
  /** the ISO base-media major brand (ftyp) ffmpeg printed, for realContainer */
  majorBrand?: string;
  durationSec: number | null;
  /** ffmpeg said "Estimating duration from bitrate": durationSec and the audio stream's bitrate are guesses from the first frames */
  durationEstimated: boolean;
  /** ffmpeg said "invalid concatenated file detected": an MP3 whose Xing/Info count is of the first of files joined end to end */
  concatenated?: boolean;
  bitrateKbps?: number;
  streams: StreamInfo[];
  /** the tags as ffmpeg reads them (parseFfmpegMetadata) */
  metadata: Record<string, string>;
} {
  // a WAV whose data chunk ffmpeg is given as raw PCM (demuxer.ts withInputFixes: a chunk without its pad byte) is a WAV
  const rawWav = /Input #0, [^,]+, from 'subfile,,start,\d+,end,\d+,,:/.test(stderr);
  const container = rawWav ? 'wav' : (/Input #0, ([^,]+(?:,[^,\s]+)*), from /.exec(stderr)?.[1] ?? 'unknown');
  const dm = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
  // "Duration: 00:00:00.00" over audio packets (RealMedia) is no statement: ffmpeg found no length, as "N/A"
  const stated = dm ? Number(dm[1]) * 3600 + Number(dm[2]) * 60 + Number(dm[3]) : null;
  const durationSec = stated !== null && stated > 0 ? stated : null;
  const br = /Duration:.*bitrate: (\d+) kb\/s/.exec(stderr);
  const streams: StreamInfo[] = [];
  const re = /^\s*Stream #0:(\d+)[^:]*: (Audio|Video|Subtitle|Data|Attachment): (.*)$/gm;
  for (let m; (m = re.exec(stderr)); ) {
    const index = Number(m[1]);
    const type = m[2].toLowerCase() as StreamInfo['type'];
    const rest = m[3];
    const named = /^([A-Za-z0-9_]+)/.exec(rest)?.[1] ?? 'unknown';
    // a track no decoder reads, "Data: none (tmcd / 0x64636D74)" — a camera's timecode, an iPhone's metadata (mebx) —
    // is named by its own four-character code: "data: none" read as an empty track (tester28). Audio and video keep
    // ffmpeg's word, which the decode errors go by.
    const fourcc = named === 'none' && type !== 'audio' && type !== 'video' ? /^none \(([\x21-\x7e][\x20-\x7e]{3}) \/ 0x[0-9A-Fa-f]+\)/.exec(rest)?.[1].trimEnd() : undefined;
    const codec = fourcc ?? named;
    const s: StreamInfo = { index, type, codec };
    if (/\(default\)/.test(rest)) s.isDefault = true;
    if (/\((hearing|visual) impaired\)/.test(rest)) s.impaired = true;
    const bitrate = /(\d+) kb\/s/.exec(rest);
    if (bitrate) s.bitrateKbps = Number(bitrate[1]);
    if (type === 'audio') {
      s.sampleRate = num(/(\d+) Hz/.exec(rest)?.[1]);
      const parts = rest.split(',').map((x) => x.trim());
      // the part after the rate; none where ffmpeg found no rate ("mp3, 0 channels, fltp": a stream its decoder cannot read)
      const hz = parts.findIndex((x) => / Hz$/.test(x));
      const layout = hz > 0 ? parts[hz + 1] : undefined;
      if (layout) {
        s.channels = channelCountOf(layout);
        // "Guessed Channel Layout for Input Stream #0.N : 5.1": the file names no speaker positions
        // (e.g. WAVE_FORMAT_EXTENSIBLE with dwChannelMask 0); ffprobe says "unknown". Only the count is the file's.
        // Mono and stereo have one meaning, so plain PCM WAVs (which never name positions) keep theirs.
        const guessed = new RegExp(`Guessed Channel Layout for Input Stream #0\\.${index} :`).test(stderr);
        if (!guessed || s.channels === undefined || s.channels <= 2) s.channelLayout = layout;
      }
    } else if (type === 'video') {
      // 1×1 and 2×1 images are images too (a tracking pixel, a colour swatch)
      const dims = /, (\d{1,5})x(\d{1,5})\b/.exec(rest);
      if (dims) {
        s.width = Number(dims[1]);
        s.height = Number(dims[2]);
      }
      // "[SAR 64:45 DAR 16:9]": non-square pixels (ffmpeg's av_dump_format; 0:1 means unknown)
      const sar = /\[SAR (\d+):(\d+) DAR /.exec(rest);
      if (sar && Number(sar[1]) > 0 && Number(sar[2]) > 0 && sar[1] !== sar[2]) s.sampleAspect = Number(sar[1]) / Number(sar[2]);
      const fps = /([\d.]+) fps/.exec(rest) ?? /([\d.]+) tbr/.exec(rest);
      if (fps) s.fps = Number(fps[1]);
      if (/\(attached pic\)/.test(rest)) s.attachedPic = true;
      // this stream's side data: the lines up to the next stream or output section
      const after = stderr.slice(m.index + m[0].length);
      const end = after.search(/^\s*Stream #|^Output #/m);
      const own = end < 0 ? after : after.slice(0, end);
      const rot = /displaymatrix: rotation of (-?[\d.]+) degrees/.exec(own);
      if (rot && Number(rot[1]) !== 0) s.rotation = Number(rot[1]);
      // an attached picture's type: ffmpeg states an APIC's / FLAC PICTURE's type by its ID3v2 name as the stream's
      // comment (id3v2.c, flac_picture.c); a comment of another text is no type
      const comment = s.attachedPic ? /^\s+comment\s*: (.*)$/m.exec(own)?.[1]?.trim() : undefined;
      if (comment && (PICTURE_TYPES as readonly string[]).includes(comment)) s.pictureType = comment;
    }
    streams.push(s);
  }
  const majorBrand = /major_brand\s*:\s*(\S+)/.exec(stderr)?.[1];
  return {
    container,
    ...(majorBrand ? { majorBrand } : {}),
    durationSec,
    durationEstimated: /Estimating duration from bitrate/.test(stderr),
    ...(/invalid concatenated file detected/.test(stderr) ? { concatenated: true } : {}),
    bitrateKbps: br ? Number(br[1]) : undefined,
    streams,
    metadata: parseFfmpegMetadata(stderr),
  };
}

/**
 * Whether an MP4/MOV's first audio track, by its sample table (structure.ts mp4AudioBesideVideo: the span a packet
 * count of it reads, `tableSec − skipSec`), ends with the file's Duration (`fileSec`, ffmpeg's: the longest
 * stream's): within half the margin at which crossCheck calls the audio shorter than the picture
 * (max(0.5 s, 2 %)), so a count could change nothing. false where the table is unknown (another container,
 * fragments, an edit list of another shape) or there is no Duration. Pure.
 */
export function audioEndsWithFile(st: Pick<Structure, 'mp4AudioBesideVideo'>, fileSec: number | null): boolean {
  const a = st.mp4AudioBesideVideo;
  if (!a || fileSec === null || !Number.isFinite(fileSec) || fileSec <= 0) return false;
  const sec = a.tableSec - a.skipSec;
  return sec > 0 && Math.abs(fileSec - sec) <= Math.max(0.5, 0.02 * sec) / 2;
}

/**
 * Why a file ffmpeg's image2 demuxer took by its name alone holds no picture (a text file named cover.jpg): the
 * extension it went by and the decoder's own words where it said any ("No JPEG data found in image", libavcodec's
 * mjpeg), for the NOT_MEDIA message after "is not an audio or video file that can be read". Pure.
 */
export function noPictureText(path: string, stderr: string): string {
  const said = /^\[\w+ @ 0x[0-9a-f]+\] (.+)$/m.exec(stderr)?.[1]?.trim();
  const decoder = said && !/^Could not find codec parameters/.test(said) ? ` (ffmpeg: ${said})` : '';
  return `: ffmpeg read it as an image by its name (${extname(path) || 'no extension'}) and found no picture in it${decoder}`;
}

/**
 * Whether ffmpeg took a file for a still image by its name alone and found no picture in it: its image2 demuxer
 * (chosen by the extension, libavformat img2.c) gave only video streams without a size, and the log says "Could not
 * find codec parameters … unspecified size" — a text file named cover.jpg, where a real picture has its size. `info`:
 * parseFfmpegInfo of `stderr`, ffmpeg's description of the input. Pure.
 */
export function imageWithoutPicture(info: Pick<ReturnType<typeof parseFfmpegInfo>, 'container' | 'streams'>, stderr: string): boolean {
  return info.container.split(',')[0] === 'image2' && info.streams.length > 0 && info.streams.every((s) => s.type === 'video' && !s.width) && /Could not find codec parameters for stream \d+ [^\n]*unspecified size/.test(stderr);
}

/**
 * Probe a media file: ffmpeg's dump of the input (container, streams, its
 * duration and tags) and music-metadata's reading (parser chosen by content),
 * cross-checked (tags.ts crossCheck): where what the file states is in
 * doubt (tags.ts packetsNeeded: an estimated duration, a truncated file, a
 * header that over- or understates) every packet is read
 * (measureAudioStream) for the real duration and bytes; an Ogg file's pages
 * are walked (structure.ts) for its audio bytes and chained streams. The
 * bitrate is the audio's (tags.ts audioBitrateKbps), `overallBitrateKbps` the
 * whole file's; every disagreement settled is in `warnings`.
 * @throws StudioError NOT_FOUND, UNREADABLE, IS_DIRECTORY, EMPTY_FILE, NOT_MEDIA, FFMPEG_MISSING, CANCELLED
 */
export async function probeFile(path: string, signal?: AbortSignal): Promise<ProbeResult> {
  const { fh, size } = await openMediaFile(path);
  const read = async () => {
    const structure = await readStructure(fh, size, { oggPages: true, matroskaBlocks: true });
    return { structure, ...(await readTagsByContent(fh, path, size)) };
  };
  const [ff, mm] = await Promise.all([runFfmpeg(['-i', path], { signal }), read().finally(() => fh.close())]);
  const info = parseFfmpegInfo(ff.stderr);
  const name = basename(path);
  // ffmpeg's last-resort guess (it warns "detected only with low score …, misdetection possible") in which no stream
  // has parameters ("Could not find codec parameters", 0 channels): random or damaged bytes named .flac were listed as a
  // FLAC with "Tags could not be read: FourCC contains invalid characters" and failed only later, at the waveform
  // — but not a free-format MP3 (ffmpeg reads no free-format frame: the same two warnings over a real stream, which
  // the probe names below from the frame headers, structure.ts freeFormat)
  const misdetected = !mm.structure.freeFormat && /detected only with low score of \d+, misdetection possible/.test(ff.stderr) && info.streams.length > 0 && (ff.stderr.match(/Could not find codec parameters for stream \d+/g) ?? []).length >= info.streams.length;
  // random or damaged bytes that ffmpeg's weakest probe takes for a text format (LRC: any file starting "["): not "in fact LRC"
  const textGuess = await textDemuxerOnBinary(path, info.container);
  // a text file named cover.jpg was "image2, 0:00.04, video: mjpeg"
  const noPicture = imageWithoutPicture(info, ff.stderr);
  if (!/Input #0/.test(ff.stderr) || info.streams.length === 0 || misdetected || textGuess || noPicture) {
    const reason = ffmpegReason(ff.stderr);
    if (mm.structure.truncated) throw truncatedError(name, mm.structure.truncated, reason);
    const u = mm.structure.unpaddedChunk;
    if (u) {
      throw new StudioError('DECODE_FAILED', `"${name}" cannot be read: ${unpaddedText(u, 'WAV').replace(/^The /, 'the ').replace(/ Read as tolerant.*$/, '')} Its audio is not raw PCM, so it cannot be read around the missing byte; re-save the file with another program.`, reason);
    }
    const guess = info.container.split(',')[0]!.toUpperCase();
    const why = textGuess
      ? `: ffmpeg's only guess is ${guess} (a text format) and the file is not text`
      : noPicture
        ? noPictureText(path, ff.stderr)
        : misdetected
          ? `: ffmpeg could only guess ${guess}, warning of a misdetection, and found no stream it could read`
          : ` (ffmpeg: ${reason})`;
    throw new StudioError('NOT_MEDIA', `"${name}" is not an audio or video file that can be read${why}. It may be corrupt, or a different kind of file with a media extension.`);
  }
  // the audio stream read: the one ffmpeg and the model's loader pick (bestStream: a later one flagged default before
  // the first), which the analysis and the waveform decode too (pcm.ts readPcmOutputs)
  const readStream = bestIfNotFirst(info.streams, 'audio');
  const audio = info.streams.find((s) => s.type === 'audio' && (readStream === null || s.index === readStream));
  info.streams = withMirrored(info.streams, mm.structure);
  // an animated WebP: ffmpeg reads no animation (no size, no frames); its canvas and frame count from the chunk headers
  const anim = isImagePipe(info.container) && info.streams.some((s) => s.type === 'video' && s.codec === 'webp' && !s.width) ? await webpAnimation(path) : null;
  if (anim) info.streams = info.streams.map((s) => (s.type === 'video' ? { ...s, width: anim.canvasW, height: anim.canvasH } : s));
  const bestVideo = bestStream(info.streams, 'video', true);
  const video = info.streams.find((s) => s.type === 'video' && s.index === bestVideo);
  // every packet read (no decode) where what the file states is in doubt (packetsNeeded: the one rule of probe and library)
  const coverBytes = (mm.meta?.common.picture ?? []).reduce((n, p) => n + p.data.length, 0);
  const st = mm.structure;
  // not the first audio stream: what the file states (its Duration, the first track's facts) is not of it, so its packets are read
  const doubt = readStream !== null || packetsNeeded({ ff: info, sizeBytes: size, coverBytes, structure: st, mmDurationSec: mm.meta?.format.duration });
  // an estimated length (no Xing/Info/VBRI header, ADTS): what decodes, counted by a decode — a packet read would count bytes
  // after the last frame (a tag the demuxer does not know) as one more frame
  // an iTunSMPB tag whose count is this audio's: its priming may not be (ffmpeg skips the tag's), so what decodes is
  // counted by a decode (crossCheck compares); its bytes count only where the packets were in doubt
  const smpb = audio ? itunSmpbSec(mm.meta, info.container, info.durationSec) : null;
  const smpbCheck = Boolean(smpb && !smpb.stale && !st.gapless && !st.mp4Audio); // the sample table counts what decodes (mp4DecodedSec): no decode
  // a video with sound: its Duration is the longest stream's, so audio that ends before the picture (a phone clip, an
  // export with a shorter soundtrack) read 10 s where 6 s of audio decodes; the audio's packets are counted (no decode)
  // and crossCheck states the audio's length and the video's (the library's decode said so, the probe did not)
  // — unless an MP4/MOV's sample table already says where the first audio track ends (mp4AudioBesideVideo: the span
  // such a count reads) and that is the file's Duration: nothing to find, and no second read of the whole file (a
  // 60 MB clip: benchmarked in BENCHMARKS.md, "probe of a video"). Other containers (Matroska, AVI, MPEG-TS) keep the count.
  const withVideo = Boolean(audio && bestVideo !== null) && !(readStream === null && audioEndsWithFile(st, info.durationSec));
  const counted = audio && (doubt || smpbCheck || withVideo) ? await measureAudioStream(path, signal, { decode: info.durationEstimated || smpbCheck || Boolean(st.flacStreams?.length) || (info.container === 'flac' && (!st.flac || st.flacMarker !== undefined)) || wmaAudio(info)?.byFfmpeg === false, sampleRate: audio?.sampleRate, stream: readStream ?? undefined }) : null;
  const measured = counted && !doubt ? { ...counted, audioBytes: null } : counted;
  if (audio && doubt && !measured && st.truncated) throw truncatedError(name, st.truncated, ffmpegReason(ff.stderr));
  const extension = await extensionFacts(path, info.container, undefined, info.streams.find((x) => x.type === 'video')?.codec);
  const checked = crossCheck({ path, sizeBytes: size, ff: info, mm: mm.meta, mmError: mm.error, mmRepaired: mm.repaired, mmAppendedBytes: mm.appendedBytes, measured, structure: st, extension, readStream });
  const warnings = checked.warnings;
  if (anim) warnings.push(`"${name}" is an animated WebP (${anim.frames} frame${anim.frames === 1 ? '' : 's'} on a ${anim.canvasW}×${anim.canvasH} canvas): ffmpeg reads no animation; the studio, like Pillow (the model's reference loader), uses its first frame.`);
  const free = st.freeFormat;
  if (free && audio) {
    // ffmpeg states "0 channels" and no rate for it: the frame header's, as a free-format decoder reads them
    checked.streams = checked.streams.map((s) => (s.index === audio.index ? { ...s, sampleRate: free.sampleRate, channels: free.channels, channelLayout: free.channels === 1 ? 'mono' : 'stereo' } : s));
    warnings.push(freeFormatText(name, free));
  }
  let durationSec = checked.durationSec;
  let estimated = checked.durationEstimated;
  if (free && audio && (durationSec === null || !Number.isFinite(durationSec))) {
    // no Xing/Info frame count: a free-format stream is constant-bitrate, so its bytes over its bitrate (tags included: an estimate)
    durationSec = (size * 8) / (free.bitrateKbps * 1000);
    estimated = true;
  }
  if (durationSec === null || !Number.isFinite(durationSec)) {
    // a still image (ffmpeg's image demuxers) has no duration to state, nor a waveform to measure one
    const stillImage = !audio && (info.container.split(',')[0] === 'image2' || isImagePipe(info.container));
    if (!stillImage) warnings.push('The container does not state a duration; it is measured when the waveform is computed.');
    durationSec = 0;
  }
  const hasCoverArt = Boolean(mm.meta?.common.picture?.length) || info.streams.some((s) => s.attachedPic);
  const chapters = parseFfmpegChapters(ff.stderr);
  // the lyrics: an LRC file beside the track (timed) where its tags hold none timed (lyrics.ts)
  const lyrics = chooseLyrics(checked.tags.lyrics ?? null, await sidecarLyrics(path));
  const tags = lyrics ? { ...checked.tags, lyrics } : checked.tags;
  return {
    path,
    sizeBytes: size,
    container: realContainer(info, path),
    durationSec: durationShown(durationSec),
    ...(estimated ? { durationEstimated: true } : {}),
    ...(checked.statedDurationSec !== undefined ? { statedDurationSec: durationShown(checked.statedDurationSec) } : {}),
    // the picture runs past the audio (crossCheck measured the audio's packets: withVideo): the video's length beside it
    ...(video && audio && info.durationSec !== null && durationSec > 0 && info.durationSec - durationSec > Math.max(0.5, 0.02 * durationSec) ? { videoDurationSec: durationShown(info.durationSec) } : {}),
    bitrateKbps: checked.bitrateKbps ?? (free && audio ? free.bitrateKbps : undefined),
    ...(durationSec > 0 ? { overallBitrateKbps: Math.round((size * 8) / durationSec / 1000) } : {}),
    streams: checked.streams,
    audio: checked.streams.find((s) => s.type === 'audio' && (readStream === null || s.index === readStream)),
    video,
    tags,
    hasCoverArt,
    ...(chapters.length ? { chapters } : {}),
    warnings,
  };
}
