/**
 * Is this file audio? The scan analyses every file ffmpeg can decode as
 * audio, not only those with a listed extension: a listed extension
 * (AUDIO_EXTENSIONS / VIDEO_EXTENSIONS of the contract) is taken at its word
 * (a file that then fails to decode is listed as failed, with the reason);
 * any other file is sniffed — its first bytes by file-type (magic numbers),
 * and where those say nothing, ffmpeg is asked for an audio stream (bounded
 * by a timeout). Files found not to be audio are skipped with the reason,
 * among them macOS AppleDouble companions ("._x.mp3", by their magic number).
 */
import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { AUDIO_EXTENSIONS, IMAGE_EXTENSIONS, PLAYLIST_EXTENSIONS, VIDEO_EXTENSIONS } from '@contract';
import { runFfmpeg } from '../media/ffmpeg';
import { parseFfmpegInfo } from '../media/probe';

const MEDIA = new Set<string>([...AUDIO_EXTENSIONS, ...VIDEO_EXTENSIONS]);
const IMAGES = new Set<string>(IMAGE_EXTENSIONS);
const PLAYLISTS = new Set<string>(PLAYLIST_EXTENSIONS);
/**
 * What sits beside music and is never audio: playlists, cue sheets, rip logs,
 * checksums, documents, archives, system files. Skipped by name (no open, no
 * ffmpeg), with the reason, on every scan.
 */
const NOT_AUDIO = new Set<string>([
  'txt', 'nfo', 'cue', 'log', 'm3u', 'm3u8', 'pls', 'xspf', 'md5', 'sfv', 'ffp', 'st5', 'accurip', 'lrc', 'pdf', 'doc', 'docx', 'rtf', 'md',
  'html', 'htm', 'xml', 'json', 'ini', 'db', 'url', 'lnk', 'zip', 'rar', '7z', 'gz', 'tar', 'exe', 'dll', 'tif', 'tiff', 'svg', 'ico', 'heic',
  'sqlite', 'sqlite-wal', 'sqlite-shm',
]);
/**
 * Files a program is still writing (a browser's or torrent client's download, an editor's temporary copy): skipped by
 * name, and said to be unfinished — "song.mp3.part" is audio, only not whole yet (its reason was "not audio (.part
 * file)"). The scan after the rename to "song.mp3" analyses it.
 */
const UNFINISHED = new Set<string>(['part', 'crdownload', 'tmp', 'partial', 'download', '!ut', '!qb']);
/** verdicts of this engine's sniffs by path, valid while size and mtime are unchanged (a rescan does not sniff again) */
const verdicts = new Map<string, { size: number; mtimeMs: number; result: SniffResult }>();
/** bytes file-type needs for every format it knows */
const HEAD = 4100;
/** ffmpeg's look at an unknown binary file ends after this (ms) */
const PROBE_TIMEOUT_MS = 15_000;

/** lower-case extension without the dot ("" when none) */
const extOf = (p: string): string => extname(p).slice(1).toLowerCase();

/**
 * A name macOS gives the AppleDouble companion of a file copied to a volume
 * without resource forks ("._song.mp3" beside "song.mp3"): sniffed even with a
 * media extension (its content decides, see sniffAudio).
 */
export const isAppleDoubleName = (p: string): boolean => basename(p).startsWith('._');

/** A listed audio/video extension (and no AppleDouble name): analysed without sniffing. */
export const isMediaPath = (p: string): boolean => MEDIA.has(extOf(p)) && !isAppleDoubleName(p);

/** AppleDouble (0x00051607) and AppleSingle (0x00051600) magic numbers (RFC 1740) */
function isAppleDouble(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0 && head[1] === 0x05 && head[2] === 0x16 && (head[3] === 0x07 || head[3] === 0x00);
}
const APPLE_DOUBLE_REASON = 'not audio (macOS AppleDouble metadata: the "._" companion of a file copied from a Mac)';

/**
 * Why a CUE sheet is left out: the studio does not split the one big file of an album rip into the tracks the sheet
 * lists; that file is a library row of its own, the whole album as one track (its tempo, key and loudness are of all
 * of it). One text for every sheet, so the scan bar counts them in one group.
 */
export const CUE_SHEET_REASON = 'CUE sheet (not split: the audio file it names is analysed as one whole track)';
/** CUE_SHEET_REASON for more than one (the scan's skipped summary, skippedText) */
export const CUE_SHEETS_REASON = 'CUE sheets (not split: the audio file each names is analysed as one whole track)';

/**
 * Why a playlist (PLAYLIST_EXTENSIONS: .m3u, .m3u8, .pls, .xspf) in a library folder is left out, naming what makes it
 * a crate: the app's Import playlist… and the CLI's `studio crate import`. It read "not audio (.pls file)", which said
 * nothing of either (tester39). One text for every playlist, so the scan bar counts them in one group; the scan bar
 * and `studio analyze`'s "skipped:" lines both print it.
 */
export const PLAYLIST_REASON = 'playlist (not a track: Import playlist… in the Library, or studio crate import PLAYLIST, makes it a crate)';
/** PLAYLIST_REASON for more than one (the scan's skipped summary, skippedText: "3 playlists (…)", not "3 playlist (…)") */
export const PLAYLISTS_REASON = 'playlists (not tracks: Import playlist… in the Library, or studio crate import PLAYLIST, makes each a crate)';

/** `reason`: why it is not audio, for one file; `many`: the same for more than one where the words differ (skippedText) */
export type SniffResult = { audio: true; how: string } | { audio: false; reason: string; many?: string };

/** valid UTF-8 (or ASCII) without NUL bytes: a text file (cue sheet, log, playlist, notes) */
function looksLikeText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 3)));
    return true;
  } catch {
    return false;
  }
}

/**
 * Decide whether a regular file of `size` bytes (mtime `mtimeMs`, ms: with it
 * the verdict is remembered while the file is unchanged) is audio (or video
 * with sound) without decoding it. Opens the file once (callers know it is a
 * regular file: a named pipe would block); spawns ffmpeg only for binary
 * files nothing else recognises.
 */
export async function sniffAudio(path: string, size: number, signal?: AbortSignal, mtimeMs?: number): Promise<SniffResult> {
  const ext = extOf(path);
  if (MEDIA.has(ext) && !isAppleDoubleName(path)) return { audio: true, how: 'extension' };
  if (IMAGES.has(ext)) return { audio: false, reason: 'not audio (an image)', many: 'not audio (images)' };
  if (ext === 'cue') return { audio: false, reason: CUE_SHEET_REASON, many: CUE_SHEETS_REASON };
  if (PLAYLISTS.has(ext)) return { audio: false, reason: PLAYLIST_REASON, many: PLAYLISTS_REASON };
  if (NOT_AUDIO.has(ext)) return { audio: false, reason: `not audio (.${ext} file)`, many: `not audio (.${ext} files)` };
  if (UNFINISHED.has(ext)) return { audio: false, reason: `unfinished (.${ext}: a file still being downloaded or written)`, many: `unfinished (.${ext}: files still being downloaded or written)` };
  if (size === 0) return { audio: false, reason: 'not audio (empty file)', many: 'not audio (empty files)' };
  const known = mtimeMs === undefined ? undefined : verdicts.get(path);
  if (known && known.size === size && known.mtimeMs === mtimeMs) return known.result;
  const result = await sniffContent(path, size, signal);
  if (mtimeMs !== undefined && !(signal?.aborted ?? false)) {
    if (verdicts.size >= 100_000) verdicts.clear();
    verdicts.set(path, { size, mtimeMs, result });
  }
  return result;
}

async function sniffContent(path: string, size: number, signal?: AbortSignal): Promise<SniffResult> {
  let head: Uint8Array;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(HEAD, size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    return { audio: false, reason: `not audio (cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  if (isAppleDouble(head)) return { audio: false, reason: APPLE_DOUBLE_REASON };
  const type = await fileTypeFromBuffer(head).catch(() => undefined);
  if (type) {
    if ((type.mime.startsWith('audio/') || type.mime.startsWith('video/')) && type.mime !== 'audio/midi') return { audio: true, how: `content: ${type.mime}` };
    // file-type names containers that hold sound under application/ (RealMedia, MXF, SWF, application/ogg …): its
    // mime is no verdict on sound, so ffmpeg decides — except for what never holds it (images, fonts, MIDI: notes, not sound)
    if (/^(image|font)\//.test(type.mime) || type.mime === 'audio/midi') return { audio: false, reason: `not audio (${type.mime})` };
    return askFfmpeg(path, signal, type.mime);
  }
  if (looksLikeText(head)) return { audio: false, reason: 'not audio (text)' };
  return askFfmpeg(path, signal);
}

/**
 * ffmpeg's look at a file (`ffmpeg -i`, bounded by PROBE_TIMEOUT_MS): audio
 * when it finds an audio stream. `mime`: what file-type called the file, named
 * in the reason when ffmpeg finds no sound.
 */
async function askFfmpeg(path: string, signal: AbortSignal | undefined, mime?: string): Promise<SniffResult> {
  // binary and unknown to file-type (e.g. Sony Wave64), or a container file-type names without saying it holds sound: ffmpeg decides
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), PROBE_TIMEOUT_MS);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await runFfmpeg(['-i', path], { signal: controller.signal, maxStdout: 0 });
    const info = parseFfmpegInfo(res.stderr);
    if (info.streams.some((s) => s.type === 'audio')) return { audio: true, how: `ffmpeg: ${info.container}` };
    if (info.container !== 'unknown') return { audio: false, reason: `not audio (${info.container} without sound)` };
    return { audio: false, reason: mime ? `not audio (${mime})` : 'not audio (ffmpeg does not recognise it)' };
  } catch {
    return { audio: false, reason: signal?.aborted ? 'not checked (scan cancelled)' : 'not audio (ffmpeg could not read it in time)' };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
