/**
 * Two readers of one file, cross-checked. music-metadata reads tags and
 * format headers; ffmpeg (which the studio runs on every file anyway, for the
 * probe and the analysis decode) states the real container, its own reading
 * of the tags and the duration — or says that its duration is only an
 * estimate. Where they disagree, the better source wins and the result says
 * so in `warnings`:
 *
 * - music-metadata picks its parser by the file's content (file-type), not
 *   by its extension: an M4A named .mp3 is read as MPEG-4.
 * - A file whose extension names another container than the one ffmpeg
 *   found is named for what it is.
 * - Tags: music-metadata's, unless its value is visibly broken (control
 *   characters, U+FFFD — e.g. the UTF-8 of AIFF NAME/AUTH/ANNO chunks with
 *   the high bit stripped) or missing, then ffmpeg's.
 * - Duration: what decodes (or what reading every frame measured) when the
 *   container's figure is an estimate from the first frames' bitrate (VBR MP3
 *   without a Xing/Info/VBRI header) or is missing.
 * - Bitrate: the audio alone — never the file size over the duration when
 *   the file holds embedded cover art.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, delimiter, dirname, extname, isAbsolute, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { fileTypeFromBuffer, supportedExtensions } from 'file-type';
import { parseBuffer, parseFile, parseFromTokenizer, type IAudioMetadata } from 'music-metadata';
import * as strtok3 from 'strtok3';
import { clockTime, fmtBytes, type StreamInfo, type Tags } from '@contract';
import { ffmpegCliAudioStream } from './best-stream';
import { lyricsFromTags } from './lyrics';
import { nativeTagName } from './native-tag';
import { keyName, parseKey } from '../analysis/keys';
import { decodeCp1252 } from './cp1252';
import { id3v2Length, mpegFrameLength } from './demuxer';
import { audioStreamCounts, damageIn, ffmpegPath, runFfmpeg } from './ffmpeg';
import { oggFlacPictures } from './ogg-flac';
import { paddedWavTags } from './riff';
import { flacMarkerDamaged, trailingText, truncationText, unpaddedText, type Structure } from './structure';

/** What ffmpeg's dump of the input (`ffmpeg -i`) states; see parseFfmpegInfo in probe.ts. */
export interface FfmpegStated {
  /** demuxer name(s) as ffmpeg prints them, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "flac" */
  container: string;
  durationSec: number | null;
  /** true when ffmpeg says "Estimating duration from bitrate": durationSec and the stream bitrate are guesses */
  durationEstimated?: boolean;
  /** true when ffmpeg says "invalid concatenated file detected": an MP3 whose Xing/Info count is of the first of files joined end to end */
  concatenated?: boolean;
  /** the container's bitrate: file size × 8 / duration, kb/s (includes cover art and tags) */
  bitrateKbps?: number;
  streams: Array<{ index?: number; type: string; codec?: string; bitrateKbps?: number; attachedPic?: boolean; sampleRate?: number; channels?: number; channelLayout?: string; isDefault?: boolean; module?: string }>;
  /** the container's tags as ffmpeg reads them (lower-case keys), falling back to the first audio stream's (Ogg) */
  metadata?: Record<string, string>;
}

// ---- music-metadata, by content ------------------------------------------

type HandleTokenizerClass = new (fh: FileHandle, options: { fileInfo: { path?: string; size: number; mimeType?: string } }) => strtok3.ITokenizer;
/**
 * strtok3's FileTokenizer (what music-metadata's parseFile uses) over a handle
 * that is already open; closing the tokenizer closes the handle. It is in
 * strtok3's Node entry (the type-checker reads its platform-neutral typings).
 */
const HandleTokenizer = (strtok3 as unknown as { FileTokenizer?: HandleTokenizerClass }).FileTokenizer;

/** bytes file-type needs for every format it knows */
const HEAD = 4100;

/**
 * music-metadata's reading of an open file, its parser chosen by the file's
 * first bytes (file-type, as music-metadata itself guesses) and only where
 * those say nothing by the extension. The caller closes `fh`.
 * An ID3v2.2/2.3 tag unsynchronised as a whole is read from its repaired
 * bytes, and compressed ID3v2.3/2.4 frames inflated (repairedId3); `repaired` then holds
 * the warning that says so (unsynchronisation only: a compressed frame is no fault).
 * `appendedBytes`: the size of an ID3v2 tag appended after the audio (appendedId3), which ffmpeg's MP3 parser hands
 * on as packets (its byte count includes it).
 * Never throws: `error` holds music-metadata's message when it gave up.
 */
export async function readTagsByContent(fh: FileHandle, path: string, size: number): Promise<{ meta: IAudioMetadata | null; error?: string; repaired?: string; appendedBytes?: number }> {
  const opts = { duration: false, skipCovers: false };
  try {
    const head = Buffer.alloc(Math.min(HEAD, size));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const type = await fileTypeFromBuffer(head.subarray(0, bytesRead), { mpegOffsetTolerance: 10 }).catch(() => undefined);
    // with a content type music-metadata knows, leave the path out: it would pick the parser by extension
    const byContent = type !== undefined && (type.mime.startsWith('audio/') || type.mime.startsWith('video/'));
    if (!HandleTokenizer) return { meta: await parseFile(path, opts) };
    const tok = new HandleTokenizer(fh, { fileInfo: byContent ? { size } : { path, size } });
    // a WAV chunk (or LIST/INFO sub-chunk) of odd size without its pad byte: music-metadata assumes the pad and loses
    // the tags ("Illegal remaining size: -1", or a LIST after an odd data chunk read one byte off); the tag chunks, before
    // and after the audio, are read again with the pads put back (riff.ts paddedWavTags, the tolerant rule the structure
    // reader and the decode use), and the tags found there fill what the first reading lacks
    const wavFix = async (): Promise<IAudioMetadata | null> => {
      if (!/^(RIFF|RF64)$/.test(head.toString('latin1', 0, 4))) return null;
      const fixed = await paddedWavTags(async (pos, len) => {
        const b = Buffer.alloc(Math.max(0, Math.min(len, size - pos)));
        const { bytesRead: n } = await fh.read(b, 0, b.length, pos);
        return b.subarray(0, n);
      }, size);
      return fixed ? parseBuffer(fixed, { mimeType: 'audio/wav', size: fixed.length }, opts).catch(() => null) : null;
    };
    // a FLAC whose "fLaC" marker is overwritten while its header follows (structure.ts flacMarkerDamaged): the metadata
    // blocks read with the marker put back (music-metadata refuses the file: "Invalid FLAC preamble")
    const marker = flacMarkerDamaged(head.subarray(0, bytesRead));
    if (marker !== null) {
      const blocks = await flacBlocksPastMarker(fh, size);
      const fixed = blocks ? await parseBuffer(blocks, { mimeType: 'audio/flac', size: blocks.length }, opts).catch(() => null) : null;
      if (fixed) return { meta: fixed, repaired: flacMarkerText(path, marker) };
    }
    let meta: IAudioMetadata;
    try {
      meta = await parseFromTokenizer(tok, opts);
    } catch (err) {
      const fixed = await wavFix();
      if (!fixed) throw err;
      return { meta: fixed };
    }
    // an Ogg FLAC's PICTURE blocks, which music-metadata does not list (ogg-flac.ts)
    if (!meta.common.picture?.length) {
      const pictures = await oggFlacPictures(fh, head.subarray(0, bytesRead), size);
      if (pictures.length) meta.common.picture = pictures;
    }
    const fixedWav = await wavFix();
    if (fixedWav) {
      const had = meta.common as unknown as Record<string, unknown>;
      const empty = (x: unknown) => x === undefined || x === null || (Array.isArray(x) && x.length === 0) || (typeof x === 'object' && !Array.isArray(x) && (x as { no?: unknown }).no === null);
      for (const [k, v] of Object.entries(fixedWav.common)) if (!empty(v) && empty(had[k])) had[k] = v;
      meta.native = { ...fixedWav.native, ...Object.fromEntries(Object.entries(meta.native).filter(([k]) => !(k in fixedWav.native))) };
    }
    const repaired = await repairedId3(fh, head.subarray(0, bytesRead), size);
    if (repaired) {
      // the tag's own frames, read from the repaired bytes, replace what music-metadata read from the raw ones
      const version = `ID3v2.${head[3]}`;
      const fixed = await parseBuffer(repaired.tag, { mimeType: 'audio/mpeg' }, { duration: false, skipCovers: false, skipPostHeaders: true });
      meta.native = { ...meta.native, [version]: fixed.native[version] ?? [] };
      // a value the raw reading took from an inflated or dropped frame's bytes (control characters: "\0\0\0\x11xœ…") is no text
      const rawCommon = meta.common as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(rawCommon)) {
        const bad = (x: unknown): boolean => (typeof x === 'string' ? broken(x) : typeof (x as { text?: unknown } | null)?.text === 'string' && broken((x as { text: string }).text));
        if (bad(v) || (Array.isArray(v) && v.some(bad))) delete rawCommon[k];
      }
      meta.common = { ...meta.common, ...Object.fromEntries(Object.entries(fixed.common).filter(([k, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0) && !/^(track|disk|movementIndex)$/.test(k))) } as IAudioMetadata['common'];
      if (fixed.common.track?.no) meta.common.track = fixed.common.track;
      if (!repaired.unsync) return { meta };
      return {
        meta,
        repaired: `The ${version} tag is unsynchronised as a whole (its unsynchronisation flag: a 0x00 inserted after each 0xFF that could read as an MPEG sync, ${version} §5), which ffmpeg and music-metadata misread (ffmpeg cuts text at the first inserted byte); it was read after undoing the unsynchronisation.`,
      };
    }
    const late = await lateId3(fh, head.subarray(0, bytesRead), meta);
    if (late) return late;
    const appended = await appendedId3(fh, head.subarray(0, bytesRead), size, type?.mime === 'audio/mpeg');
    if (appended) {
      // an ID3v2 tag appended at the end (after the audio), where neither reader looks
      const version = `ID3v2.${appended.version}`;
      const fixed = await parseBuffer(appended.tag, { mimeType: 'audio/mpeg' }, { duration: false, skipCovers: false, skipPostHeaders: true }).catch(() => null);
      const frames = fixed?.native[version];
      if (fixed && frames?.length) {
        meta.native = { ...meta.native, [version]: [...(meta.native[version] ?? []), ...frames] };
        const had = meta.common as unknown as Record<string, unknown>;
        for (const [k, v] of Object.entries(fixed.common)) {
          const empty = (x: unknown) => x === undefined || x === null || (Array.isArray(x) && x.length === 0) || (typeof x === 'object' && !Array.isArray(x) && (x as { no?: unknown }).no === null);
          if (!empty(v) && empty(had[k])) had[k] = v;
        }
        const how = appended.version === 4 ? 'found by its footer' : `found by its header; ${version} has no footer, and its place is the file's start`;
        return { meta, appendedBytes: appended.tag.length, repaired: `The ${version} tag is appended at the end of the file (after the audio, ${how}), where ffmpeg and music-metadata do not look; its tags were read from there.` };
      }
    }
    return { meta };
  } catch (err) {
    return { meta: null, error: (err as Error).message };
  }
}

/**
 * A FLAC's metadata blocks (RFC 9639 §8.1: 1 bit last, 7 bits type, 24 bits length) from byte 4 to the last one, after
 * a "fLaC" put where the file's overwritten marker is: what music-metadata reads the header from. Null where a
 * block runs past the file's end or the blocks hold more than 64 MiB.
 */
async function flacBlocksPastMarker(fh: FileHandle, size: number): Promise<Buffer | null> {
  let pos = 4;
  for (let n = 0; n < 1024; n++) {
    if (pos + 4 > size) return null;
    const b = Buffer.alloc(4);
    await fh.read(b, 0, 4, pos);
    const end = pos + 4 + ((b[1] << 16) | (b[2] << 8) | b[3]);
    if (end > size || end > 64 * 1024 * 1024) return null;
    pos = end;
    if (b[0] & 0x80) break;
  }
  const out = Buffer.alloc(pos);
  await fh.read(out, 0, pos, 0);
  out.write('fLaC', 0, 'latin1');
  return out;
}

/**
 * An ID3v2 tag that does not start the file (ID3v2.4 §5 wants it first):
 * bytes before it — an HTTP response header a broken download left, a
 * stray run of zeros — make both readers miss it. Found in the first bytes
 * (`head`) where no ID3v2 tag was read: a valid header ("ID3", version 2–4,
 * syncsafe size) whose end is followed by an MPEG audio frame sync, so the
 * tag is the one before the audio. Its tags fill what the first reading
 * lacks, with a warning naming the bytes before it; null when there is none.
 */
async function lateId3(fh: FileHandle, head: Buffer, meta: IAudioMetadata): Promise<{ meta: IAudioMetadata; repaired: string } | null> {
  if (Object.keys(meta.native ?? {}).some((k) => k.startsWith('ID3v2'))) return null;
  for (let at = head.indexOf('ID3', 1, 'latin1'); at > 0; at = head.indexOf('ID3', at + 1, 'latin1')) {
    const h = head.subarray(at, at + 10);
    const len = id3v2Length(h);
    if (!len || h[3] < 2 || h[3] > 4 || len > 64 << 20) continue;
    const tag = Buffer.alloc(len + 2);
    const { bytesRead } = await fh.read(tag, 0, tag.length, at);
    if (bytesRead < len + 2 || tag[len] !== 0xff || (tag[len + 1] & 0xe0) !== 0xe0) continue;
    const fixed = await parseBuffer(tag.subarray(0, len), { mimeType: 'audio/mpeg' }, { duration: false, skipCovers: false, skipPostHeaders: true }).catch(() => null);
    const version = `ID3v2.${h[3]}`;
    if (!fixed?.native[version]?.length) continue;
    meta.native = { ...meta.native, [version]: fixed.native[version] };
    const had = meta.common as unknown as Record<string, unknown>;
    const empty = (x: unknown) => x === undefined || x === null || (Array.isArray(x) && x.length === 0) || (typeof x === 'object' && !Array.isArray(x) && (x as { no?: unknown }).no === null);
    for (const [k, v] of Object.entries(fixed.common)) if (!empty(v) && empty(had[k])) had[k] = v;
    const text = /^[\t\r\n\x20-\x7e]+$/.test(head.toString('latin1', 0, at)) ? `: text, "${head.toString('latin1', 0, Math.min(at, 40)).replace(/\s+/g, ' ').trim()}${at > 40 ? '…' : ''}"` : '';
    return { meta, repaired: `The file starts with ${at} bytes that are not audio${text} (left by a broken download or copy) before its ${version} tag, which ffmpeg and music-metadata look for at byte 0 only; the tag was read from byte ${at}.` };
  }
  return null;
}

/** the window (bytes) in which a footer-less ID3v2.2/2.3 tag appended after the audio is looked for (its header), window by window from the end */
const APPENDED_SCAN = 256 << 10;

/**
 * An ID3v2 tag appended after the audio (as some taggers write it): its
 * bytes (header, frames, any footer), or null when the file has none. An
 * ID3v2.4 tag is found by its footer ("3DI", ID3v2.4 §3.4/§5, so a reader can
 * find it from the end); an ID3v2.2/2.3 tag has no footer, so its header is
 * looked for from the end backwards, 256 KiB at a time, back to the audio's last frames (APPENDED_SCAN; MPEG
 * audio only, `mpeg`): "ID3", version 2–4, a
 * syncsafe size, and the tag ending exactly where the file does — or where
 * an ID3v1 tag (the last 128 bytes) or an APEv2 tag (its footer) after it
 * begins. A tag at the file's start is not one.
 */
async function appendedId3(fh: FileHandle, head: Buffer, size: number, mpeg: boolean): Promise<{ tag: Buffer; version: number } | null> {
  const startTag = id3v2Length(head);
  // where an appended tag may end: the file's end, before an ID3v1 tag, before an APEv2 tag (found by its footer)
  const ends = [size];
  if (size >= 128) {
    const t = Buffer.alloc(3);
    await fh.read(t, 0, 3, size - 128);
    if (t.toString('latin1') === 'TAG') ends.push(size - 128);
  }
  for (const e of [...ends]) {
    if (e < 32) continue;
    const f = Buffer.alloc(32);
    await fh.read(f, 0, 32, e - 32);
    if (f.toString('latin1', 0, 8) === 'APETAGEX') {
      const apeLen = f.readUInt32LE(12) + (f.readUInt32LE(20) & 0x80000000 ? 32 : 0); // items + footer, and a header if flagged
      if (apeLen < e) ends.push(e - apeLen);
    }
  }
  for (const end of ends) {
    if (end < 20) continue;
    const f = Buffer.alloc(10);
    await fh.read(f, 0, 10, end - 10);
    if (f.toString('latin1', 0, 3) !== '3DI' || f[3] !== 4 || (f[6] | f[7] | f[8] | f[9]) & 0x80) continue;
    const body = (f[6] << 21) | (f[7] << 14) | (f[8] << 7) | f[9];
    const start = end - 10 - body - 10;
    if (start < startTag || body > 64 << 20) return null; // not inside (or being) the tag at the start
    const tag = Buffer.alloc(body + 20);
    await fh.read(tag, 0, tag.length, start);
    return tag.toString('latin1', 0, 3) === 'ID3' && tag[3] === 4 ? { tag, version: 4 } : null;
  }
  if (!mpeg) return null;
  // windows of APPENDED_SCAN bytes from the end backwards (each overlapping the next by a header's 10 bytes), until
  // a header whose stated size ends the tag where one may end; a window holding MPEG audio frames is the last one
  // looked at (the tag follows the audio), so a file without such a tag costs one window, and a tag of any size
  // (a picture of megabytes) is found by its header
  let hi = size;
  let from = Math.max(startTag, size - APPENDED_SCAN);
  if (size - from < 10) return null;
  for (;;) {
    const tail = Buffer.alloc(Math.min(size, hi + 10) - from);
    await fh.read(tail, 0, tail.length, from);
    for (let at = tail.lastIndexOf('ID3', tail.length - 10, 'latin1'); at >= 0; at = at > 0 ? tail.lastIndexOf('ID3', at - 1, 'latin1') : -1) {
      const h = tail.subarray(at, at + 10);
      if (h[3] < 2 || h[3] > 3 || h[4] === 0xff || (h[6] | h[7] | h[8] | h[9]) & 0x80) continue;
      const len = id3v2Length(h);
      if (!len || !ends.includes(from + at + len)) continue;
      const tag = Buffer.alloc(len);
      await fh.read(tag, 0, len, from + at);
      return { tag, version: h[3] };
    }
    if (from <= startTag || size - from >= 256 << 20 || mpegAudioIn(tail)) return null;
    hi = from;
    from = Math.max(startTag, from - APPENDED_SCAN);
  }
}

/** `b` holds MPEG audio: three frame headers in a row, each where the one before ends (demuxer.ts mpegFrameLength) */
function mpegAudioIn(b: Buffer): boolean {
  for (let i = b.indexOf(0xff); i >= 0 && i + 4 <= b.length; i = b.indexOf(0xff, i + 1)) {
    const a = mpegFrameLength(b, i);
    const c = a ? mpegFrameLength(b, i + a) : 0;
    if (a && c && mpegFrameLength(b, i + a + c)) return true;
  }
  return false;
}

/** undo ID3v2 unsynchronisation (ID3v2.3 §5, ID3v2.4 §6.1): every 0xFF 0x00 → 0xFF */
function deunsync(raw: Uint8Array): Buffer {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    out.push(raw[i]);
    if (raw[i] === 0xff && raw[i + 1] === 0) i++;
  }
  return Buffer.from(out);
}
const syncsafe = (n: number): Buffer => Buffer.from([(n >> 21) & 127, (n >> 14) & 127, (n >> 7) & 127, n & 127]);
const unsyncsafe = (b: Uint8Array, o: number): number => ((b[o] & 127) << 21) | ((b[o + 1] & 127) << 14) | ((b[o + 2] & 127) << 7) | (b[o + 3] & 127);

/**
 * The ID3v2.3/2.4 frames of a tag body (after any extended header) with
 * every zlib-compressed frame inflated (ID3v2.3 §3.3.1 flag i, a 4-byte
 * decompressed size first; ID3v2.4 §4.1.2 flag k, with its data length
 * indicator — a v2.4 frame's own unsynchronisation undone first) and every
 * encrypted frame left out (no key: its bytes are no text); the frame flags
 * cleared. null when no frame is compressed or encrypted (nothing to do).
 * Pure. music-metadata reads such frames' raw bytes as text (a title of
 * "\0\0\0\x11xœ…"); ffmpeg skips them.
 */
export function inflateId3Frames(version: number, frames: Buffer): { frames: Buffer; inflated: string[]; dropped: string[] } | null {
  const parts: Buffer[] = [];
  const inflated: string[] = [];
  const dropped: string[] = [];
  let i = 0;
  while (i + 10 <= frames.length && /^[A-Z0-9]{4}$/.test(frames.toString('latin1', i, i + 4))) {
    const id = frames.toString('latin1', i, i + 4);
    const len = version === 4 ? unsyncsafe(frames, i + 4) : frames.readUInt32BE(i + 4);
    const f = frames[i + 9];
    let body = frames.subarray(i + 10, i + 10 + len);
    const compressed = version === 4 ? Boolean(f & 0x08) : Boolean(f & 0x80);
    const encrypted = version === 4 ? Boolean(f & 0x04) : Boolean(f & 0x40);
    i += 10 + len;
    if (!compressed && !encrypted) {
      parts.push(frames.subarray(i - 10 - len, i));
      continue;
    }
    if (encrypted) {
      dropped.push(id);
      continue;
    }
    if (version === 4 && f & 0x02) body = deunsync(body);
    // what precedes the data: v2.3 the decompressed size (4), then the group byte; v2.4 the group byte, then the data length indicator
    const skip = version === 4 ? (f & 0x40 ? 1 : 0) + (f & 0x01 ? 4 : 0) : 4 + (f & 0x20 ? 1 : 0);
    let data: Buffer;
    try {
      data = inflateSync(body.subarray(skip));
    } catch {
      dropped.push(id);
      continue;
    }
    inflated.push(id);
    parts.push(Buffer.concat([Buffer.from(id, 'latin1'), version === 4 ? syncsafe(data.length) : Buffer.from([data.length >>> 24, (data.length >> 16) & 255, (data.length >> 8) & 255, data.length & 255]), Buffer.from([frames[i - len - 2], 0]), data]));
  }
  if (!inflated.length && !dropped.length) return null;
  return { frames: Buffer.concat(parts), inflated, dropped };
}

/** an ID3v2.3/2.4 tag (of `len` bytes from the file's start, no unsynchronisation) has a frame flagged compressed or encrypted: its frame headers, read one by one */
async function flaggedFrame(fh: FileHandle, head: Buffer, len: number): Promise<boolean> {
  const version = head[3];
  const h = Buffer.alloc(10);
  let at = 10;
  if (head[5] & 0x40) {
    await fh.read(h, 0, 4, at);
    at += version === 4 ? unsyncsafe(h, 0) : 4 + h.readUInt32BE(0);
  }
  for (let n = 0; at + 10 <= len && n < 10_000; n++) {
    const { bytesRead } = await fh.read(h, 0, 10, at);
    if (bytesRead < 10 || !/^[A-Z0-9]{4}$/.test(h.toString('latin1', 0, 4))) return false;
    if (version === 4 ? h[9] & 0x0c : h[9] & 0xc0) return true;
    at += 10 + (version === 4 ? unsyncsafe(h, 4) : h.readUInt32BE(4));
  }
  return false;
}

/**
 * The ID3v2 tag at the file's start rebuilt where music-metadata and ffmpeg
 * misread it, or null when they read it right: unsynchronised as a whole
 * (ID3v2.2/2.3 header flag bit 7; ID3v2.3 §5: the writer inserted 0x00 after
 * every 0xFF that a 0b111xxxxx byte or 0x00 followed) — undone (`unsync`);
 * compressed or encrypted frames (inflateId3Frames) — inflated or left out.
 * The extended header is left out (its CRC would no longer fit) and the size
 * rewritten. ID3v2.4 unsynchronises per frame, which readers handle.
 */
async function repairedId3(fh: FileHandle, head: Buffer, size: number): Promise<{ tag: Buffer; unsync: boolean; inflated: string[]; dropped: string[] } | null> {
  if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3' || head[3] < 2 || head[3] > 4) return null;
  const version = head[3];
  const unsync = version !== 4 && Boolean(head[5] & 0x80);
  const len = id3v2Length(head) - (head[5] & 0x10 ? 10 : 0);
  if (len <= 10 || len > size || len > 64 << 20) return null;
  // without unsynchronisation the tag is read whole only when a frame header (10 bytes each, walked) flags compression or
  // encryption: most tags are a few frames and a large picture, which is not read twice
  if (!unsync && !(version >= 3 && (await flaggedFrame(fh, head, len)))) return null;
  const raw = Buffer.alloc(len - 10);
  await fh.read(raw, 0, raw.length, 10);
  let body = unsync ? deunsync(raw) : raw;
  let ext = 0;
  if (head[5] & 0x40 && version >= 3) ext = version === 4 ? unsyncsafe(body, 0) : 4 + body.readUInt32BE(0);
  const inflatedFrames = version >= 3 && ext < body.length ? inflateId3Frames(version, body.subarray(ext)) : null;
  if (!unsync && !inflatedFrames) return null;
  if (inflatedFrames) body = inflatedFrames.frames;
  else if (ext) body = body.subarray(ext);
  const h = Buffer.from(head.subarray(0, 10));
  h[5] &= ~(0x80 | 0x40 | 0x10) & 0xff;
  syncsafe(body.length).copy(h, 6);
  return { tag: Buffer.concat([h, body]), unsync, inflated: inflatedFrames?.inflated ?? [], dropped: inflatedFrames?.dropped ?? [] };
}

// ---- tags -----------------------------------------------------------------

/**
 * The ID3v2 version whose text frames music-metadata's common tags came from
 * ("ID3v2.4", "ID3v2.3", "ID3v2.2"), or null (no ID3v2 tag).
 */
const id3Version = (meta: IAudioMetadata): string | null => ['ID3v2.4', 'ID3v2.3', 'ID3v2.2'].find((v) => meta.native?.[v]?.length) ?? null;

/**
 * A text value with NUL characters read from an ID3v2 frame: ID3v2.4 §4.2
 * separates multiple values with NUL (every value, "; "-joined, as for a
 * multi-valued artist); ID3v2.2/2.3 §4.2 say what follows the terminator is
 * to be ignored (a writer's leftover bytes). Other values unchanged.
 */
function id3Text(s: string, version: string | null): string {
  if (!version || !s.includes('\0')) return s;
  if (version !== 'ID3v2.4') return s.slice(0, s.indexOf('\0'));
  return s.split('\0').map((x) => x.trim()).filter(Boolean).join('; ');
}

/**
 * `meta` with each ID3v2 text frame one native entry again, as the file holds it (music-metadata splits frames into
 * one entry per part):
 * - ID3v2.2/2.3 TPE1/TP1: split at every "/" (the old convention for several performers) — "AC/DC" came back as "AC"
 *   and "DC", Picard's or the id3v2 tool's "Artist A/Artist B" as two, of which the first was shown; the frame's text
 *   is one string, as ffmpeg and players show it: the parts joined with "/" (music-metadata trims them, so spaces around
 *   a "/" are lost: mergeTags takes ffmpeg's text for them). Split at a NUL, past which ID3v2.2/2.3 §4.2 say the text
 *   is to be ignored: the first part.
 * - ID3v2.4 TIT2/TPE1/TALB/TPE2: several NUL-separated values (§4.2; Picard writes several album artists so): every value,
 *   "; "-joined as for the artist — one value of the file, not a conflict between two tags.
 * Other frames and tags as they are.
 */
function id3Frames(meta: IAudioMetadata): IAudioMetadata {
  const warned = (id: string) => (meta.quality?.warnings ?? []).some((w) => w.message.includes(` ${id} uses non standard null-separator`));
  let native = meta.native;
  for (const v of ['ID3v2.4', 'ID3v2.3', 'ID3v2.2']) {
    const frames = native?.[v];
    if (!frames) continue;
    const ids = v === 'ID3v2.4' ? ['TIT2', 'TPE1', 'TALB', 'TPE2'] : ['TPE1', 'TP1'];
    const out: typeof frames = [];
    for (const f of frames) {
      const prev = out[out.length - 1];
      if (ids.includes(f.id) && prev?.id === f.id && typeof f.value === 'string' && typeof prev.value === 'string') {
        if (v === 'ID3v2.4') out[out.length - 1] = { id: f.id, value: `${prev.value}; ${f.value}` };
        else if (!warned(f.id)) out[out.length - 1] = { id: f.id, value: `${prev.value}/${f.value}` };
        continue;
      }
      out.push(f);
    }
    if (out.length !== frames.length) native = { ...native, [v]: out };
  }
  return native === meta.native ? meta : { ...meta, native };
}

/** The tags the studio shows, from music-metadata's common tags. */
export function tagsOf(meta: IAudioMetadata | null): Tags {
  if (!meta) return {};
  const c = meta.common;
  const t: Tags = {};
  const v = id3Version(meta);
  if (c.title) t.title = id3Text(c.title, v);
  // a multi-valued artist (Vorbis comments' repeated ARTIST, ID3v2.4's NUL-separated TPE1, APEv2's list): every
  // value, as players list them; music-metadata's `artist` keeps only the first when no one display string is tagged.
  // ID3v2.2/2.3 hold one value a frame (and one frame an id): the frame's text, as one string (id3Frames)
  const tpe1 = v && v !== 'ID3v2.4' ? (id3Frames(meta).native[v] ?? []).filter((f) => f.id === 'TPE1' || f.id === 'TP1').map((f) => f.value) : [];
  const artists = (c.artists ?? []).filter((a) => a.trim() !== '');
  if (tpe1.length > 0 && typeof tpe1[0] === 'string') t.artist = id3Text(tpe1[0], v);
  else if (artists.length > 1 && (!c.artist || c.artist === artists[0])) t.artist = artists.join('; ');
  else if (c.artist) t.artist = id3Text(c.artist, v);
  if (c.album) t.album = id3Text(c.album, v);
  if (c.albumartist) t.albumArtist = id3Text(c.albumartist, v);
  // two ID3v2.2/2.3 tags one after the other (a tagger that wrote a new tag before the old one instead of replacing
  // it): music-metadata reads both and its common tags keep the later (old) frame; ffmpeg and players read the first
  // tag's. ID3v2.2/2.3 never split these frames into parts, so a repeated one is the later tag's
  if (v && v !== 'ID3v2.4') {
    const frames = (meta.native[v] ?? []) as Array<{ id: string; value: unknown }>;
    for (const [field, ids] of [['title', ['TIT2', 'TT2']], ['album', ['TALB', 'TAL']], ['albumArtist', ['TPE2', 'TP2']]] as const) {
      const all = nativeValues(frames, [...ids]);
      if (all.length > 1) t[field] = id3Text(all[0]!, v);
    }
  }
  if (c.year) t.year = c.year;
  if (c.genre?.length) t.genre = c.genre;
  if (c.track?.no) t.trackNo = c.track.no;
  // the comment: ID3's COMM frame with an empty description (ffmpeg's "comment" too); a COMM frame with one is a
  // program's private field under a name (iTunes' iTunNORM, iTunSMPB, iTunPGAP: numbers, not a comment)
  const comment = (c.comment ?? []).find((x) => typeof x === 'string' || !x.descriptor);
  if (comment) t.comment = id3Text(typeof comment === 'string' ? comment : (comment.text ?? ''), v) || undefined;
  if (t.comment === undefined) delete t.comment;
  // a Vorbis comment may repeat any field (Vorbis I §5.2.2: "TITLE=a", "TITLE=b"; taggers write one ALBUMARTIST per
  // album artist): every value, in file order, as for the artist (music-metadata keeps the first or the last)
  const vorbis = (meta.native?.vorbis ?? []) as Array<{ id: string; value: unknown }>;
  const repeatable = [['title', ['TITLE']], ['album', ['ALBUM']], ['albumArtist', ['ALBUMARTIST', 'ALBUM ARTIST', 'ALBUM_ARTIST']], ['comment', ['COMMENT']]] as const;
  for (const [field, keys] of repeatable) {
    const all = [...new Set(nativeValues(vorbis, [...keys]))];
    if (all.length > 1) t[field] = all.join('; ');
  }
  // ID3v2.4 §4.2: a text frame may hold several values, NUL-separated (Picard writes several album artists so);
  // music-metadata's common title/album/album artist keep one of them — the first or the last, by field. Every
  // value, in frame order, as for the artist (id3Frames)
  if (v === 'ID3v2.4') {
    const frames = (id3Frames(meta).native['ID3v2.4'] ?? []) as Array<{ id: string; value: unknown }>;
    for (const [field, id] of [['title', 'TIT2'], ['album', 'TALB'], ['albumArtist', 'TPE2']] as const) {
      const all = nativeValues(frames, [id]);
      if (all.length === 1 && all[0]!.includes('; ')) t[field] = all[0];
    }
  }
  Object.assign(t, tempoKeyTags(meta));
  const rg = replayGainTags(meta);
  if (rg) t.replayGain = rg;
  const lyrics = lyricsFromTags(meta);
  if (lyrics) t.lyrics = lyrics;
  return t;
}

/** a ReplayGain gain (dB) outside ±this is no gain a tagger writes (a corrupt or mistyped value): left out */
const REPLAYGAIN_MAX_DB = 96;

/**
 * The ReplayGain another program wrote into the file (Tags.replayGain; contract replay-gain.ts), from music-metadata's
 * common replaygain_* (it reads ID3v2 TXXX, APEv2 — mp3gain's default —, Vorbis comments and MP4 freeform atoms:
 * "+14.21 dB", "0.988"), REPLAYGAIN_REFERENCE_LOUDNESS from the native frames as written ("89.0 dB", "-18.00 LUFS"),
 * and an Opus file's R128_TRACK_GAIN / R128_ALBUM_GAIN (RFC 7845 §5.2.1: a signed Q7.8 integer, dB = value / 256,
 * to −23 LUFS). The gains are read from the native text where it is there (gainFromText: "16.76 LU" as loudgain -s l
 * writes it is 16.76 dB; music-metadata reads a gain without "dB" as a power ratio). A value that is not a finite number
 * within ±96 dB (a peak: 0–100) is left out. null when none is
 * written. Pure.
 */
export function replayGainTags(meta: IAudioMetadata | null): Tags['replayGain'] | null {
  if (!meta) return null;
  const c = meta.common;
  const out: NonNullable<Tags['replayGain']> = {};
  const gain = (r: { dB?: number } | undefined) => (r && typeof r.dB === 'number' && Number.isFinite(r.dB) && Math.abs(r.dB) <= REPLAYGAIN_MAX_DB ? r.dB : undefined);
  const peak = (r: { ratio?: number } | undefined) => (r && typeof r.ratio === 'number' && Number.isFinite(r.ratio) && r.ratio >= 0 && r.ratio <= 100 ? r.ratio : undefined);
  const fields: Array<[keyof typeof out, number | undefined]> = [
    ['trackGainDb', gain(c.replaygain_track_gain)],
    ['trackPeak', peak(c.replaygain_track_peak)],
    ['albumGainDb', gain(c.replaygain_album_gain)],
    ['albumPeak', peak(c.replaygain_album_peak)],
  ];
  // the gains as written, where the native frames hold them: music-metadata reads a gain without " dB" as a power
  // ratio (loudgain -s l writes "16.76 LU": it read +12.24 dB)
  const written: { trackGainDb?: number | null; albumGainDb?: number | null } = {};
  for (const frames of Object.values(meta.native ?? {})) {
    for (const f of frames as Array<{ id: string; value: unknown }>) {
      const id = f.id.toUpperCase();
      const text = typeof f.value === 'string' ? f.value : typeof (f.value as { text?: unknown })?.text === 'string' ? (f.value as { text: string }).text : null;
      if (text === null) continue;
      const which = id.endsWith('REPLAYGAIN_TRACK_GAIN') ? 'trackGainDb' : id.endsWith('REPLAYGAIN_ALBUM_GAIN') ? 'albumGainDb' : null;
      if (which && written[which] === undefined) written[which] = gainFromText(text);
      if (out.reference === undefined && id.endsWith('REPLAYGAIN_REFERENCE_LOUDNESS') && text.trim()) out.reference = text.trim();
      // Opus (RFC 7845 §5.2.1): an integer in −32768…32767, Q7.8
      const r128 = id === 'R128_TRACK_GAIN' ? 'r128TrackGainDb' : id === 'R128_ALBUM_GAIN' ? 'r128AlbumGainDb' : null;
      if (r128 && out[r128] === undefined && /^\s*[+-]?\d{1,5}\s*$/.test(text)) {
        const q = Number(text);
        if (q >= -32768 && q <= 32767) out[r128] = q / 256;
      }
    }
  }
  for (const [k, v] of fields) if (v !== undefined) (out as Record<string, number>)[k] = v;
  for (const k of ['trackGainDb', 'albumGainDb'] as const) {
    const w = written[k];
    if (w === null) delete out[k];
    else if (w !== undefined) out[k] = w;
  }
  return Object.keys(out).length ? out : null;
}

/**
 * A ReplayGain gain as a tagger writes it → dB: "+14.21 dB", "-0.62 dB", "16.76 LU" (loudgain -s l; 1 LU = 1 dB), a
 * bare "-3.5"; null when it is no number or beyond ±REPLAYGAIN_MAX_DB. Pure.
 */
export function gainFromText(text: string): number | null {
  const m = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?:dB|LU)?\s*$/i.exec(text);
  if (!m) return null;
  const v = Number(m[1]);
  return Number.isFinite(v) && Math.abs(v) <= REPLAYGAIN_MAX_DB ? v : null;
}

/**
 * the native frames/fields that hold a tagger's tempo, per tag format (compared case-insensitively), best first: a
 * frame made for the BPM (ID3 TBPM, Vorbis/APE BPM, MP4 tmpo, an ID3 user frame TXXX:BPM) before Vorbis TEMPO, which
 * some taggers fill with a tempo marking ("Allegro")
 */
const BPM_IDS = ['TBPM', 'TBP', 'BPM', 'tmpo', 'TXXX:BPM', 'TEMPO'];
/**
 * … and its key (Mixed In Key, Rekordbox, Traktor, Serato write TKEY / INITIALKEY; iTunes a freeform atom; some an
 * ID3 user frame TXXX:INITIALKEY or TXXX:KEY), best first
 */
const KEY_IDS = ['TKEY', 'TKE', 'INITIALKEY', 'INITIAL KEY', '----:com.apple.iTunes:initialkey', 'TXXX:INITIALKEY', 'KEY', 'TXXX:KEY'];
/** a tagged tempo outside this range (BPM) is not a tempo ("0", "0.004", a year): dropped */
export const TAGGED_BPM_MIN = 20;
export const TAGGED_BPM_MAX = 999;

/**
 * The tempo and key other programs wrote into the file's tags (DJ taggers: Mixed In Key, Rekordbox, Serato,
 * Traktor), read from the native frames first — music-metadata's common `bpm` drops a Vorbis comment's decimals and
 * misses an ID3v2.3 "128.00" — then its common `bpm`/`key`. Every candidate counts, ranked by BPM_IDS / KEY_IDS
 * (then by tag and frame order): an unreadable first one (Vorbis TEMPO=Allegro, ID3 TBPM=0, a TKEY "Energy 6") does
 * not hide a later readable one. `bpm`: the first candidate that reads as a number within TAGGED_BPM_MIN–MAX BPM
 * ("128.00" → 128, "126,5" → 126.5); `key`: the first candidate parseTaggedKey reads (Camelot "8A", Open Key "1m",
 * "Am", "F minor", or two of them that agree: "8A/Am"), in the studio's naming (keyName: "A minor"), with `keyText` its text as written; when none parses,
 * `keyText` is the first key candidate's text and `key` is absent. A native value may be a string, a number, an
 * object with `text` (ID3 TXXX: {description, text}) or a list of these (the first). Pure.
 */
export function tempoKeyTags(meta: IAudioMetadata | null): Pick<Tags, 'bpm' | 'key' | 'keyText'> {
  const { bpmText: _, ...out } = tempoKeyTagsAsWritten(meta);
  return out;
}

/**
 * tempoKeyTags, with `bpmText`: the text of the candidate `bpm` was read from, as written ("128.00"), for a caller
 * that reports a file's tag as stored (tag-write's readBackBpmKey). Pure.
 */
export function tempoKeyTagsAsWritten(meta: IAudioMetadata | null): Pick<Tags, 'bpm' | 'key' | 'keyText'> & { bpmText?: string } {
  if (!meta) return {};
  const text = (v: unknown): string | undefined => {
    if (Array.isArray(v)) return v.length > 0 ? text(v[0]) : undefined;
    const inner = (v as { text?: unknown } | null | undefined)?.text;
    const x = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : inner !== undefined && typeof v === 'object' ? text(inner) : undefined;
    return x !== undefined && x.trim() !== '' ? x.trim() : undefined;
  };
  const bpmIds = BPM_IDS.map((k) => k.toLowerCase());
  const keyIds = KEY_IDS.map((k) => k.toLowerCase());
  const bpms: Array<{ rank: number; text: string }> = [];
  const keys: Array<{ rank: number; text: string }> = [];
  // the container's own tag format first, as for the other tags (TAG_ORDER): a FLAC's Vorbis BPM=128 before a stale
  // ID3 TBPM=120 a tagger prepended to it, which players and DJ software ignore (tester26: 120 was shown, no warning)
  const formatRank = tagFormatRank(meta.format.container);
  for (const [format, tags] of Object.entries(meta.native ?? {})) {
    const fr = formatRank(format) * BPM_IDS.length * KEY_IDS.length;
    for (const t of tags as Array<{ id: string; value: unknown }>) {
      // a Matroska tag under its target ("track:BPM": MKA, MKV, WebM) is the BPM (tester34: MKA's BPM and key were missed)
      const id = nativeTagName(format, t.id).toLowerCase();
      const b = bpmIds.indexOf(id);
      const k = keyIds.indexOf(id);
      const x = b >= 0 || k >= 0 ? text(t.value) : undefined;
      if (x === undefined) continue;
      if (b >= 0) bpms.push({ rank: fr + b, text: x });
      if (k >= 0) keys.push({ rank: fr + k, text: x });
    }
  }
  // Array.prototype.sort is stable: equal ranks keep tag and frame order; the common tags come last
  bpms.sort((a, b) => a.rank - b.rank);
  keys.sort((a, b) => a.rank - b.rank);
  if (meta.common.bpm !== undefined) bpms.push({ rank: Infinity, text: String(meta.common.bpm) });
  const commonKey = text(meta.common.key);
  if (commonKey !== undefined) keys.push({ rank: Infinity, text: commonKey });
  const out: Pick<Tags, 'bpm' | 'key' | 'keyText'> & { bpmText?: string } = {};
  for (const c of bpms) {
    const m = /^\s*(\d+(?:[.,]\d+)?)\s*(?:bpm)?\s*$/i.exec(c.text);
    const bpm = m ? Number(m[1]!.replace(',', '.')) : NaN;
    if (Number.isFinite(bpm) && bpm >= TAGGED_BPM_MIN && bpm <= TAGGED_BPM_MAX) {
      out.bpm = bpm;
      out.bpmText = c.text;
      break;
    }
  }
  for (const c of keys) {
    const k = parseTaggedKey(c.text);
    if (k) {
      out.keyText = c.text;
      out.key = keyName(k);
      break;
    }
  }
  if (out.keyText === undefined && keys.length > 0) out.keyText = keys[0]!.text;
  return out;
}

/** a key name whose tonic letter is lower case: the letter, the accidental, the mode mark or word as written */
const LOWER_TONIC = /^\s*([a-g])\s*([#♯b♭]?)\s*(m|M|[Mm][Ii][Nn](?:[Oo][Rr])?|[Mm][Aa][Jj](?:[Oo][Rr])?)?\s*$/;

/**
 * a key name in capitals only ("AM", "F#M", "EBM", "BB", "C MAJOR", "AMIN"): a text whose letters were all upper-cased
 * (a tagger or a library tool set to capitals) — its case says nothing, so the mark "M" is the minor "m" and a "B"
 * after the tonic its flat, as Mixxx reads them (KeyUtils::guessKeyFromText matches the mark and the accidentals
 * case-insensitively: "AM" A minor, "EBM" E♭ minor, "BB" B♭ major)
 */
const ALL_CAPS = /^\s*([A-G])\s*([#♯♭B]?)\s*(M|MIN(?:OR)?|MAJ(?:OR)?)?\s*$/;

/**
 * One tagged key (parseKey), with the classical convention for a tonic letter in lower case: a minor key ("a" is
 * A minor, "f#" F# minor, "bb" and "eb" B♭ and E♭ minor — as Mixxx reads a key tag (KeyUtils::guessKeyFromText:
 * "upper-case means major, lower-case means minor") and Humdrum writes keys; the ID3v2 TKEY frame itself names
 * only upper-case letters, so a lower-case one is another program's convention, never the frame's major). A mode
 * word overrides the case ("c major", "a minor"), "m" agrees with it ("am"); a lower-case letter with the major
 * mark "M" ("aM") says both: null (ambiguous, no key, its text kept as for "8A/Em"; Mixxx reads it minor). A name
 * in capitals only (ALL_CAPS: "AM", "F#M", "EBM") is read as Mixxx reads it: "M" minor, "B" after the tonic a flat;
 * a capital letter alone stays major ("A", "BB" B♭ major). undefined where the text is no key at all (parseKey's
 * null), so a caller may try it in parts. Pure.
 */
function parseTagKeyPart(text: string): ReturnType<typeof parseKey> | undefined {
  const caps = ALL_CAPS.exec(text);
  if (caps) {
    const tonic = parseKey(`${caps[1]}${caps[2] === 'B' ? 'b' : caps[2]}`)!.tonic;
    const mark = caps[3];
    return { tonic, mode: mark === 'M' || (mark !== undefined && mark.startsWith('MIN')) ? 'minor' : 'major' };
  }
  const k = parseKey(text);
  if (!k) return undefined;
  const lower = LOWER_TONIC.exec(text);
  if (!lower) return k;
  const mark = lower[3];
  if (mark === 'M') return null;
  return mark !== undefined && /^maj/i.test(mark) ? { tonic: k.tonic, mode: 'major' } : { tonic: k.tonic, mode: 'minor' };
}

/**
 * A tagged key's text (parseKey: "8A", "1m", "Am", "A minor"; a lower-case tonic is minor: parseTagKeyPart), also written in two notations at once as DJ taggers
 * can be set to write it — "8A/Am", "Am/8A", "8A - Am", "8A | Am", "8A, Am" (tester26) — read only where every part
 * names the same key ("8A/Em" is no key). null when not a key.
 */
export function parseTaggedKey(text: string): ReturnType<typeof parseKey> {
  const one = parseTagKeyPart(text);
  if (one !== undefined) return one;
  const parts = text.split(/\s*[/|,]\s*|\s+[-–]\s+/).filter((x) => x.trim() !== '');
  if (parts.length < 2) return null;
  const keys = parts.map((x) => parseTagKeyPart(x) ?? null);
  const first = keys[0];
  return first && keys.every((k) => k && k.tonic === first.tonic && k.mode === first.mode) ? first : null;
}

/**
 * music-metadata's format.container ("FLAC", "MPEG", "Ogg", "WAVE", "AIFF", "WavPack", "M4A/isom/iso2", …) as the short
 * container name TAG_ORDER and the tag writer (library/tag-write.ts) use: "flac", "mp3", "ogg", "wav", "aiff", "wv",
 * "ape", "mpc", "tta", "mp4"; undefined for any other. Pure.
 */
export function mmContainerName(container: string | undefined): string | undefined {
  const c = (container ?? '').split('/')[0]!.toLowerCase();
  if (/^(m4a|mp4|isom|iso\d|mp42|m4b|m4p|3gp|qt)/.test(c)) return 'mp4';
  const names: Record<string, string> = { flac: 'flac', ogg: 'ogg', mpeg: 'mp3', wave: 'wav', aiff: 'aiff', 'aiff-c': 'aiff', wavpack: 'wv', "monkey's audio": 'ape', musepack: 'mpc', tta: 'tta' };
  return names[c];
}

/**
 * How a tag format (music-metadata's native name: "vorbis", "ID3v2.3", "APEv2", …) ranks in a file of container
 * `container` (music-metadata's format.container: "FLAC", "MPEG", "Ogg", "WAVE", "AIFF", "WavPack", …): its place in
 * TAG_ORDER for that container (the container's own format first), a format TAG_ORDER does not list after those;
 * 0 for every format of a container TAG_ORDER does not list (MP4, ASF: one tag format).
 */
function tagFormatRank(container: string | undefined): (format: string) => number {
  const name = mmContainerName(container);
  const order = name ? TAG_ORDER.find(([re]) => re.test(name))?.[1] : undefined;
  if (!order) return () => 0;
  return (format) => {
    const i = order.indexOf(format);
    return i < 0 ? order.length : i;
  };
}

/** first of `keys` ffmpeg states (its generic names; AIFF's AUTH is "author", ASF's Author "artist", Vorbis' ALBUMARTIST "album_artist") */
const pick = (m: Record<string, string>, ...keys: string[]): string | undefined => {
  for (const k of keys) if (m[k] !== undefined && m[k].trim() !== '') return m[k];
  return undefined;
};

/** The studio's tags from ffmpeg's metadata (lower-case keys, as ffmpeg names them per container). */
export function tagsOfFfmpeg(m: Record<string, string> | undefined): Tags {
  if (!m) return {};
  // QuickTime metadata keys (an 'mdta' handler's 'keys' box, as Apple's apps write them: "com.apple.quicktime.title")
  // are the generic names under Apple's reverse-DNS space; a generic key of the file's own comes first
  const qt = 'com.apple.quicktime.';
  if (Object.keys(m).some((k) => k.startsWith(qt))) {
    m = { ...m };
    for (const [k, v] of Object.entries(m)) if (k.startsWith(qt) && m[k.slice(qt.length)] === undefined) m[k.slice(qt.length)] = v;
  }
  const t: Tags = {};
  const title = pick(m, 'title');
  const artist = pick(m, 'artist', 'author', 'performer');
  const album = pick(m, 'album');
  const albumArtist = pick(m, 'album_artist', 'albumartist', 'album artist');
  const date = pick(m, 'date', 'year', 'date_released', 'originaldate');
  const genre = pick(m, 'genre');
  const track = pick(m, 'track', 'tracknumber');
  const comment = pick(m, 'comment', 'description');
  // Apple's creation date (local time and offset) before the container's creation_time (UTC; Matroska's: the muxing)
  const created = pick(m, 'creationdate', 'creation_time');
  if (title) t.title = title;
  if (artist) t.artist = artist;
  if (album) t.album = album;
  if (albumArtist) t.albumArtist = albumArtist;
  const y = date ? /^\s*(\d{4})/.exec(date) : null;
  if (y) t.year = Number(y[1]);
  if (genre) t.genre = genre.split(';').map((g) => g.trim()).filter(Boolean);
  const n = track ? /^\s*(\d+)/.exec(track) : null;
  if (n && Number(n[1]) > 0) t.trackNo = Number(n[1]);
  if (comment) t.comment = comment;
  if (created && statedDate(created)) t.created = created.trim();
  return t;
}

/** a creation time worth stating: an ISO 8601 date (and time) between 1971 and 2100 — not a zeroed clock's 1970 or 1904 */
function statedDate(text: string): boolean {
  const m = /^\s*(\d{4})-\d{2}-\d{2}/.exec(text);
  return !!m && Number(m[1]) >= 1971 && Number(m[1]) <= 2100 && Number.isFinite(Date.parse(text.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2')));
}

/** text that a reader mangled: C0 controls other than tab/newline, or the replacement character */
const broken = (s: string): boolean => /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.test(s);
/**
 * `a` is the UTF-8 of `b` misread: its bytes with the high bit stripped
 * (music-metadata's ASCII reading of AIFF text chunks) or taken as Latin-1.
 */
function misdecoded(a: string, b: string): boolean {
  const utf8 = Buffer.from(b, 'utf8');
  if (utf8.length === b.length) return false; // ASCII: nothing to misread
  if (a === utf8.toString('latin1') || a === Buffer.from(utf8.map((x) => x & 0x7f)).toString('latin1')) return true;
  // 8-bit text (Latin-1) with the high bit stripped: an AIFF NAME chunk written by old software
  return /^[\u0000-\u00ff]*$/.test(b) && a === Buffer.from(Buffer.from(b, 'latin1').map((x) => x & 0x7f)).toString('latin1');
}

/**
 * A value read as Latin-1 that holds C1 control characters (U+0080–U+009F):
 * Windows-1252 text (“ ” – ™ …, what 8-bit taggers wrote into ID3v1, WAV
 * LIST/INFO and ID3v2 ISO-8859-1 frames), decoded as such; null when `s` is
 * not such a value (or its bytes are valid UTF-8: UTF-8 misread, see mergeTags).
 */
export function cp1252Repair(s: string): string | null {
  if (!/[\u0080-\u009f]/.test(s) || !/^[\u0000-\u00ff]*$/.test(s)) return null;
  const bytes = Buffer.from(s, 'latin1');
  if (Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)) return null; // UTF-8 read as Latin-1: mergeTags takes ffmpeg's reading
  const fixed = decodeCp1252(bytes);
  return fixed === s ? null : fixed;
}
/** not UTF-8 but 8-bit text: a value whose high-bit bytes were read as Windows-1252 (it has a letter outside ASCII and nothing beyond it) */
const eightBit = (s: string): boolean => /[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/.test(s);
/** letters and digits only, lower-case: readers differ in separators of multiple values ("A; B" / "A, B") */
const norm = (s: string): string => s.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

const TEXT_FIELDS = ['title', 'artist', 'album', 'albumArtist', 'comment'] as const;
const LABEL: Record<(typeof TEXT_FIELDS)[number], string> = { title: 'title', artist: 'artist', album: 'album', albumArtist: 'album artist', comment: 'comment' };

/**
 * Merge the two readings. music-metadata's value stands unless it is missing
 * or broken and ffmpeg's is not; then ffmpeg's is taken. A warning says so
 * only where the file's text is at fault (legacy 8-bit text, or text broken
 * in a way no misreading explains); UTF-8 that music-metadata misread
 * (misdecoded) is ordinary text and takes ffmpeg's reading silently. Pure.
 */
export function mergeTags(mm: Tags, ff: Tags, warnings: string[]): Tags {
  const out: Tags = { ...mm };
  const misread: string[] = [];
  let example: [string, string] | null = null;
  const legacy: string[] = [];
  let legacyExample: string | null = null;
  for (const f of TEXT_FIELDS) {
    const v = mm[f];
    const fixed = v === undefined ? null : cp1252Repair(v);
    if (fixed === null) continue;
    out[f] = fixed;
    legacy.push(LABEL[f]);
    legacyExample ??= fixed;
  }
  for (const f of TEXT_FIELDS) {
    const a = out[f];
    const b = ff[f];
    if (b === undefined || broken(b)) continue;
    if (a === undefined || a.trim() === '') {
      out[f] = b;
      continue;
    }
    // an ID3v2.3 TPE1 split at "/" and joined again (tagsOf) has lost the spaces around each "/" (music-metadata
    // trims the parts): ffmpeg's reading is the frame's text
    if (a !== b && a.includes('/') && b.trim() === b && b.replace(/\s*\/\s*/g, '/') === a) {
      out[f] = b;
      continue;
    }
    if (norm(a) === norm(b) || !(broken(a) || misdecoded(a, b))) continue;
    out[f] = b;
    if (misdecoded(a, b) && Buffer.from(b, 'utf8').length !== b.length && /^[\u0000-\u00ff]*$/.test(b) && a === Buffer.from(Buffer.from(b, 'latin1').map((x) => x & 0x7f)).toString('latin1') && eightBit(b)) {
      legacy.push(LABEL[f]);
      legacyExample ??= b;
      continue; // said once, as 8-bit text
    }
    // UTF-8 text in a chunk that names no character set (AIFF NAME/AUTH/ANNO, WAV LIST/INFO — as ffmpeg writes
    // them), which music-metadata reads as ASCII or Latin-1: the file is ordinary, ffmpeg's reading is its text
    if (misdecoded(a, b)) continue;
    misread.push(LABEL[f]);
    example ??= [a, b];
  }
  if (legacyExample !== null) {
    const list = legacy.length === 1 ? legacy[0] : `${legacy.slice(0, -1).join(', ')} and ${legacy[legacy.length - 1]}`;
    warnings.push(`The ${list} tag${legacy.length > 1 ? 's are' : ' is'} not UTF-8 but legacy 8-bit text; read as Windows-1252 ("${legacyExample}"). Check the spelling.`);
  }
  if (example) {
    const list = misread.length === 1 ? misread[0] : `${misread.slice(0, -1).join(', ')} and ${misread[misread.length - 1]}`;
    warnings.push(`music-metadata misread the ${list} tag${misread.length > 1 ? 's' : ''} ("${printable(example[0])}"); shown as ffmpeg reads ${misread.length > 1 ? 'them' : 'it'} ("${example[1]}").`);
  }
  if (out.year === undefined && ff.year !== undefined) out.year = ff.year;
  if (out.trackNo === undefined && ff.trackNo !== undefined) out.trackNo = ff.trackNo;
  if ((!out.genre || !out.genre.length || out.genre.some(broken)) && ff.genre?.length && !ff.genre.some(broken)) out.genre = ff.genre;
  return out;
}

// ---- several tags in one file ------------------------------------------------

/** the native tag frames/keys of each tag format music-metadata reads, per studio field (keys compared case-insensitively) */
const NATIVE_KEYS: Record<string, Partial<Record<(typeof TEXT_FIELDS)[number], string[]>>> = {
  ID3v2: { title: ['TIT2', 'TT2'], artist: ['TPE1', 'TP1'], album: ['TALB', 'TAL'], albumArtist: ['TPE2', 'TP2'] },
  APEv2: { title: ['Title'], artist: ['Artist'], album: ['Album'], albumArtist: ['Album Artist', 'AlbumArtist'] },
  ID3v1: { title: ['title'], artist: ['artist'], album: ['album'] },
  vorbis: { title: ['TITLE'], artist: ['ARTIST'], album: ['ALBUM'], albumArtist: ['ALBUMARTIST', 'ALBUM ARTIST'] },
  exif: { title: ['INAM'], artist: ['IART'], album: ['IPRD'] },
  AIFF: { title: ['NAME'], artist: ['AUTH'] },
  iTunes: { title: ['©nam'], artist: ['©ART'], album: ['©alb'], albumArtist: ['aART'] },
  asf: { title: ['Title'], artist: ['Author'], album: ['WM/AlbumTitle'], albumArtist: ['WM/AlbumArtist'] },
};
/** what a user calls each tag format */
export const TAG_LABEL: Record<string, string> = { exif: 'RIFF LIST/INFO', vorbis: 'Vorbis comment', AIFF: 'AIFF text chunks', iTunes: 'MP4 (iTunes) atoms', asf: 'ASF attributes' };

/**
 * Which tag format a file's player reads first, per container (ffmpeg's
 * demuxer name), and why — the order the studio shows conflicting tags in.
 * A container's own tag format comes before a foreign one; among ID3
 * versions the newer; ID3v1 (30 bytes a field, no character set) last.
 */
const TAG_ORDER: Array<[RegExp, string[], string | ((shown: string, sources: string[], formats: string[]) => string)]> = [
  [/^mp3$/, ['ID3v2.4', 'ID3v2.3', 'ID3v2.2', 'APEv2', 'ID3v1'], mp3Why],
  [/^flac$/, ['vorbis', 'ID3v2.4', 'ID3v2.3', 'ID3v2.2', 'APEv2', 'ID3v1'], "the Vorbis comment is FLAC's own tag (RFC 9639); ID3 or APE tags in a FLAC are not part of the format and most players ignore them"],
  [/^ogg$/, ['vorbis', 'ID3v2.4', 'ID3v2.3', 'ID3v2.2', 'APEv2', 'ID3v1'], "the Vorbis comment is Ogg's own tag"],
  [/^(wav|w64|rf64)$/, ['ID3v2.4', 'ID3v2.3', 'ID3v2.2', 'exif', 'ID3v1'], "the WAV's id3 chunk holds Unicode text and every field; LIST/INFO has no character set and fewer fields"],
  [/^aiff$/, ['ID3v2.4', 'ID3v2.3', 'ID3v2.2', 'AIFF'], "the AIFF's ID3 chunk holds Unicode text and every field; its NAME/AUTH chunks have no character set"],
  [/^(wv|ape|tta|mpc|mpc8)$/, ['APEv2', 'ID3v2.4', 'ID3v2.3', 'ID3v2.2', 'ID3v1'], "APEv2 is this format's own tag"],
];

/**
 * Why an MP3's tag `shown` wins over the other `sources` in conflict (music-metadata's native format names; `formats`:
 * every tag format the file holds) — only what is
 * true of the formats in conflict: ID3v2 is the tag every player reads; APEv2 (in an MP3 read by few players) and
 * ID3v1 (30 Latin-1 characters a field, no character set: ID3v1 specification) come after it.
 */
function mp3Why(shown: string, sources: string[], formats: string[]): string {
  const v1 = sources.includes('ID3v1') ? 'ID3v1 holds at most 30 characters a field, with no character set' : '';
  if (shown.startsWith('ID3v2')) return ['ID3v2 is the MP3 tag every player reads', sources.includes('APEv2') ? 'APEv2 in an MP3 is read by few players' : '', v1].filter(Boolean).join('; ');
  // no ID3v2 in conflict: APEv2 over ID3v1
  return `the file has ${formats.some((x) => x.startsWith('ID3v2')) ? 'no ID3v2 value for it' : 'no ID3v2 tag'}, and APEv2 holds the full text (UTF-8, any length) where ${v1 || 'the other tags do not'}`;
}

/** every non-empty text value of `keys` in one format's native tags, in file order */
const nativeValues = (tags: Array<{ id: string; value: unknown }>, keys: string[]): string[] => {
  const out: string[] = [];
  for (const t of tags) {
    if (!keys.some((k) => k.toLowerCase() === t.id.toLowerCase())) continue;
    const v = t.value;
    const text = typeof v === 'string' ? v : typeof (v as { text?: unknown } | undefined)?.text === 'string' ? (v as { text: string }).text : undefined;
    if (text !== undefined && text.trim() !== '') out.push(text.trim());
  }
  return out;
};

const nativeValue = (tags: Array<{ id: string; value: unknown }>, keys: string[]): string | undefined => {
  for (const k of keys) {
    const t = tags.find((x) => x.id.toLowerCase() === k.toLowerCase());
    const v = t?.value;
    const text = typeof v === 'string' ? v : typeof (v as { text?: unknown } | undefined)?.text === 'string' ? (v as { text: string }).text : undefined;
    if (text !== undefined && text.trim() !== '') return text.trim();
  }
  return undefined;
};

/**
 * The same text, for tags: equal letters and digits, or one an ID3v1 field's
 * copy of the other — cut at 30 bytes, its bytes Latin-1, or UTF-8 (as
 * ffmpeg writes them) read as Latin-1, with letters it cannot hold left out
 * or written as "?".
 */
function sameTag(a: { source: string; value: string }, b: { source: string; value: string }): boolean {
  if (norm(a.value) === norm(b.value)) return true;
  if (a.source !== 'ID3v1' && b.source !== 'ID3v1') return false;
  const [v1, full] = a.source === 'ID3v1' ? [a.value, b.value] : [b.value, a.value];
  const cut = Buffer.byteLength(v1, 'latin1') >= 28;
  const utf8 = Buffer.from(v1, 'latin1').toString('utf8').replace(/\ufffd+$/, '');
  for (const c of [v1, utf8]) {
    const x = norm(c);
    for (const y of [norm(full), norm(full.replace(/[^\u0000-\u00ff]/g, ''))]) if (x === y || (cut && x.length > 0 && y.startsWith(x))) return true;
  }
  return false;
}

/**
 * Tags that several tag formats in one file (ID3v2 and APEv2 or ID3v1 in an
 * MP3, LIST/INFO and an id3 chunk in a WAV, a Vorbis comment and ID3 in a
 * FLAC) state differently: the value of the format the container's players
 * read first (TAG_ORDER) is shown — `tags` is changed to it — and a warning
 * names every source, its value, what is shown and why. Values are read from
 * music-metadata's `native` tags (legacy 8-bit text repaired as mergeTags
 * does). Fields: title, artist, album, album artist.
 */
export function tagConflicts(meta: IAudioMetadata | null, container: string, tags: Tags, warnings: string[]): void {
  if (!meta) return;
  meta = id3Frames(meta);
  const formats = Object.keys(meta.native ?? {});
  if (formats.length < 2) return;
  const first = container.split(',')[0];
  const [, order, why] = TAG_ORDER.find(([re]) => re.test(first)) ?? [null, formats, 'the order music-metadata reads them in'];
  const rank = (f: string) => {
    const i = order.indexOf(f);
    return i < 0 ? order.length + formats.indexOf(f) : i;
  };
  for (const field of TEXT_FIELDS) {
    const found: Array<{ source: string; value: string }> = [];
    for (const f of formats) {
      const keys = NATIVE_KEYS[f.startsWith('ID3v2') ? 'ID3v2' : f]?.[field];
      if (!keys) continue;
      // every distinct value a format holds (an AIFF may carry two NAME chunks: ffmpeg's and another tagger's)
      for (const raw of nativeValues(meta.native[f] as Array<{ id: string; value: unknown }>, keys)) {
        if (broken(raw)) continue;
        const value = cp1252Repair(raw) ?? raw;
        if (!found.some((x) => x.source === f && x.value === value)) found.push({ source: f, value });
      }
    }
    if (found.length < 2 || found.every((x) => sameTag(x, found[0]))) continue;
    found.sort((a, b) => rank(a.source) - rank(b.source));
    const shown = found[0];
    tags[field] = shown.value;
    // one entry a value, naming every source that holds it
    const byValue = new Map<string, string[]>();
    for (const x of found) {
      const label = TAG_LABEL[x.source] ?? x.source;
      const l = byValue.get(x.value) ?? [];
      if (!l.includes(label)) l.push(label);
      byValue.set(x.value, l);
    }
    const list = [...byValue].map(([value, labels]) => `"${value}" (${labels.join(', ')})`).join(', ');
    const reason = typeof why === 'function' ? why(shown.source, [...new Set(found.map((x) => x.source))], formats) : why;
    warnings.push(`Conflicting ${LABEL[field]} tags in one file: ${list}; shown: "${shown.value}", from ${TAG_LABEL[shown.source] ?? shown.source}, because ${reason}.`);
  }
  // a DJ tagger's tempo and key (tempoKeyTags, which takes them in the same order): each format read alone, compared
  // as read (120 and "120.00" agree, "8A" and "Am" agree), every text named as written
  for (const [field, label] of [['bpm', 'BPM'], ['key', 'key']] as const) {
    const found: Array<{ source: string; value: string; parsed: string }> = [];
    for (const f of formats) {
      const one = tempoKeyTags({ ...meta, native: { [f]: meta.native[f] }, common: {} } as IAudioMetadata);
      const value = field === 'bpm' ? (one.bpm !== undefined ? String(one.bpm) : undefined) : one.keyText;
      if (value === undefined || (field === 'key' && one.key === undefined)) continue;
      found.push({ source: f, value, parsed: field === 'bpm' ? value : one.key! });
    }
    if (found.length < 2 || found.every((x) => x.parsed === found[0]!.parsed)) continue;
    const all = tempoKeyTags(meta);
    const shownValue = field === 'bpm' ? String(all.bpm) : all.keyText;
    const shown = found.find((x) => x.value === shownValue) ?? found[0]!;
    const list = found.map((x) => `"${x.value}" (${TAG_LABEL[x.source] ?? x.source})`).join(', ');
    const reason = typeof why === 'function' ? why(shown.source, [...new Set(found.map((x) => x.source))], formats) : why;
    warnings.push(`Conflicting ${label} tags in one file: ${list}; shown: "${shown.value}", from ${TAG_LABEL[shown.source] ?? shown.source}, because ${reason}.`);
  }
}

/** U+202D LEFT-TO-RIGHT OVERRIDE and U+202E RIGHT-TO-LEFT OVERRIDE (Unicode UAX #9 §2.2); HAS_BIDI_OVERRIDE: the test (no /g state) */
const BIDI_OVERRIDE = /[\u202d\u202e]/g;
const HAS_BIDI_OVERRIDE = /[\u202d\u202e]/;

/**
 * Removes the bidi override characters (U+202D LRO, U+202E RLO) from the text tags (title, artist, album, album
 * artist, comment, genres), in place, with a warning naming the fields. An override lays the letters after it out
 * in the order it forces, against their own direction: an artist tagged RLO "evil" PDF ", ok" showed as "live, ok"
 * in the table, the detail and the track view (tester21), the "Trojan Source" spoof (CVE-2021-42574). Hebrew and
 * Arabic text needs no override (the bidi algorithm's implicit rules lay it out) and is left as it is, as are the
 * embedding and isolate characters (U+202A–U+202C, U+2066–U+2069), which do not reverse letters. Returns `tags`.
 */
export function withoutBidiOverrides(tags: Tags, warnings: string[]): Tags {
  const fixed: string[] = [];
  for (const f of TEXT_FIELDS) {
    const v = tags[f];
    if (v === undefined || !HAS_BIDI_OVERRIDE.test(v)) continue;
    tags[f] = v.replace(BIDI_OVERRIDE, '');
    fixed.push(LABEL[f]);
  }
  if (tags.genre?.some((g) => HAS_BIDI_OVERRIDE.test(g))) {
    tags.genre = tags.genre.map((g) => g.replace(BIDI_OVERRIDE, ''));
    fixed.push('genre');
  }
  if (fixed.length) {
    warnings.push(
      `The ${fixed.join(', ')} tag${fixed.length > 1 ? 's hold' : ' holds'} a bidi override character (U+202D or U+202E), which shows the letters after it in reverse order (so a tag can read as other text); it was removed, and the text is shown in its own order.`,
    );
  }
  return tags;
}

/** control characters shown as \xNN (for a warning that quotes a mangled value) */
const printable = (s: string): string => s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

// ---- container --------------------------------------------------------------

/** what a user calls the container ffmpeg names */
const CONTAINER_LABEL: Record<string, string> = {
  mov: 'MPEG-4 (M4A/MP4)', mp3: 'MP3', flac: 'FLAC', wav: 'WAV', aiff: 'AIFF', ogg: 'Ogg', asf: 'Windows Media (ASF)', matroska: 'Matroska/WebM',
  aac: 'ADTS AAC', wv: 'WavPack', w64: 'Sony Wave64', ape: "Monkey's Audio", caf: 'Core Audio (CAF)', avi: 'AVI', rf64: 'WAV (RF64)',
};

/** "MPEG-4 (M4A/MP4)" for ffmpeg's "mov,mp4,m4a,3gp,3g2,mj2" */
export function containerLabel(container: string): string {
  const first = container.split(',')[0];
  return CONTAINER_LABEL[first] ?? (isImagePipe(first) ? `a ${first.slice(0, -5).toUpperCase()} image` : first.toUpperCase());
}

/** ffmpeg read the file with one of its still-image demuxers found by content ("png_pipe", "jpeg_pipe", "webp_pipe" …) */
export const isImagePipe = (container: string): boolean => /^[a-z0-9]+_pipe$/.test(container.split(',')[0]);

/**
 * What ffmpeg itself says of extensions: a demuxer's "Common extensions"
 * (`ffmpeg -h demuxer=NAME`, one spawn per demuxer) and the names of every
 * demuxer (`ffmpeg -demuxers`, once). Asked once per ffmpeg binary, not per
 * process: the answers are kept in memory and, given a cache folder, on disk
 * (`ffmpeg-demuxers-<key>.json`, the key from the binary's resolved path,
 * size and mtime — a new ffmpeg is asked again), so a library worker or a CLI
 * run does not start these ffmpeg runs again. ffmpeg's lists are
 * incomplete: demuxers that find their format by content (wav, aiff, w64,
 * wv, caf, …) list no extension, so a demuxer's name counts as its
 * extension, and CONTENT_EXTS adds the other names those formats go by.
 * Never throws: ffmpeg missing gives no extensions.
 */
interface DemuxerFacts {
  names?: string[];
  exts: Record<string, string[]>;
}
let memo: { file: string | null; facts: DemuxerFacts } | undefined;
let engineCacheDir: string | undefined;
/** The engine's cache folder, where extensionFacts keeps ffmpeg's demuxer facts when its caller names none (set once at start). */
export function useDemuxerCache(cacheDir: string): void {
  engineCacheDir = cacheDir;
}
const pending = new Map<string, Promise<unknown>>();

/** the cache file for the ffmpeg binary in use (null: none, e.g. no cache folder or ffmpeg not found) */
function factsFile(cacheDir: string | undefined): string | null {
  if (!cacheDir) return null;
  try {
    let bin = ffmpegPath();
    if (!isAbsolute(bin)) bin = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, bin)).find((p) => existsSync(p)) ?? bin;
    const st = statSync(bin);
    const key = createHash('sha1').update(`${bin}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 16);
    return join(cacheDir, `ffmpeg-demuxers-${key}.json`);
  } catch {
    return null;
  }
}

/** the facts known for the ffmpeg in use: from memory, else from the cache file (read once per process) */
function knownFacts(cacheDir: string | undefined): { file: string | null; facts: DemuxerFacts } {
  if (memo && (memo.file !== null || !cacheDir)) return memo;
  const file = factsFile(cacheDir);
  let facts: DemuxerFacts = memo?.facts ?? { exts: {} };
  if (file) {
    try {
      const d = JSON.parse(readFileSync(file, 'utf8')) as DemuxerFacts;
      facts = { names: facts.names ?? d.names, exts: { ...d.exts, ...facts.exts } };
    } catch {
      // no cache yet, or unreadable: ffmpeg is asked
    }
  }
  memo = { file, facts };
  return memo;
}

/** keep what ffmpeg said (memory, and the cache file written whole then renamed: readers never see half a file) */
async function remember(file: string | null): Promise<void> {
  if (!file || !memo) return;
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(tmp, JSON.stringify(memo.facts));
    await rename(tmp, file);
  } catch {
    await unlink(tmp).catch(() => undefined);
  }
}

function extensionsOf(demuxer: string, cacheDir?: string): Promise<string[]> {
  const known = knownFacts(cacheDir);
  const have = known.facts.exts[demuxer];
  if (have) return Promise.resolve(have);
  const key = `h:${demuxer}`;
  let p = pending.get(key) as Promise<string[]> | undefined;
  if (!p) {
    p = runFfmpeg(['-h', `demuxer=${demuxer}`], { maxStdout: 1 << 20 })
      .then(async (r) => {
        const m = /Common extensions: ([^\n]*)\./.exec(r.stdout.toString('utf8'));
        const exts = m ? m[1].split(',').map((e) => e.trim().toLowerCase()).filter(Boolean) : [];
        known.facts.exts[demuxer] = exts;
        await remember(known.file);
        return exts;
      })
      .catch(() => [] as string[])
      .finally(() => pending.delete(key));
    pending.set(key, p);
  }
  return p;
}

/** every name of every demuxer ffmpeg has (`ffmpeg -demuxers`: " D  name[,name…]  description") */
function demuxerNames(cacheDir?: string): Promise<Set<string>> {
  const known = knownFacts(cacheDir);
  if (known.facts.names) return Promise.resolve(new Set(known.facts.names));
  let p = pending.get('names') as Promise<Set<string>> | undefined;
  if (!p) {
    p = runFfmpeg(['-demuxers'], { maxStdout: 1 << 20 })
      .then(async (r) => {
        const names = [...r.stdout.toString('utf8').matchAll(/^ D[ d]?\s+(\S+)\s/gm)].flatMap((m) => m[1].split(','));
        if (names.length) {
          known.facts.names = names;
          await remember(known.file);
        }
        return new Set(names);
      })
      .catch(() => new Set<string>())
      .finally(() => pending.delete('names'));
    pending.set('names', p);
  }
  return p;
}
/** other names of formats whose ffmpeg demuxer lists no extension (it reads them by content) */
const CONTENT_EXTS: Record<string, string[]> = {
  // RF64 files are named .wav (EBU Tech 3306 §1); a Sony Wave64 is not a WAV (WAV readers refuse it): .w64 only
  wav: ['wave', 'bwf'], rf64: ['wav'], w64: [], aiff: ['aif', 'aifc', 'afc'], mp3: ['mp1', 'mpga'], ogg: ['oga', 'opus', 'spx', 'ogx'], wv: ['wvc'], caf: [], asf: ['wma', 'wmv'],
  matroska: ['mka', 'mkv', 'mk3d', 'webm'], mov: ['m4a', 'm4b', 'm4v', 'mp4', 'mov', '3gp', 'aax', 'aaxc'], aac: ['adts'],
  // Audible's .aax/.aaxc audiobooks are MPEG-4 (brand "aax "), whatever ffmpeg's CRI ADX "aax" demuxer is named
  // MPEG-PS and -TS: ffmpeg's mpeg and mpegts demuxers find them by content and list no extension (a .mpg read as "mpeg" is no lie)
  mpeg: ['mpg', 'mpe', 'vob', 'm2p', 'ps', 'evo'], mpegts: ['ts', 'm2ts', 'mts', 'm2t'],
  // ffmpeg's iff demuxer reads DSDIFF (SACD rips: .dff) and Amiga 8SVX/16SV by content and lists no extension
  // (a real .dff was "in fact IFF, not DFF")
  iff: ['dff', '8svx', '16sv', 'iff'],
};

/**
 * Extensions of formats ffmpeg finds by content under another demuxer name (so neither `ffmpeg -demuxers` nor
 * file-type knows them as names): DSDIFF (.dff, ffmpeg's iff demuxer), Dolby TrueHD (.thd, the truehd demuxer's
 * only extension), Sony Wave64 (.w64). A file of another format named so is named wrongly.
 */
const OTHER_FORMAT_EXTS = new Set(['dff', 'thd', 'w64', 'dsf', 'mlp']);

/**
 * The decoder ffmpeg's image2 demuxer picks for a still image's extension (libavformat img2.c ff_img_tags; the same in
 * every ffmpeg since 4.x, checked with ffmpeg 5.1 `-f image2 -i x.EXT`), for the common cover names only: extensionFacts
 * takes a match as "fits" without running `-f image2`. Any other name still asks ffmpeg.
 */
const IMAGE2_DECODER: Record<string, string> = { png: 'png', jpg: 'mjpeg', jpeg: 'mjpeg', bmp: 'bmp', webp: 'webp', tif: 'tiff', tiff: 'tiff', tga: 'targa' };

/** What ffmpeg says of a file's extension against the container it found (see extensionWarning). */
export interface ExtensionFacts {
  /** the extension is one of the demuxer that read the file (its names, its "Common extensions", CONTENT_EXTS) */
  fits: boolean;
  /** the extension names some format ffmpeg reads (a demuxer name, a demuxer's extension, a format file-type knows) */
  known: boolean;
  /** what the file is, where the container's name does not say it (image2 reading a JPEG named .png: "a JPEG image") */
  actual?: string;
}

/**
 * Ask ffmpeg whether `path`'s extension fits `container` (ffmpeg's
 * "Input #0, NAME" demuxer family) and whether it names a format at all.
 * At most two spawns per ffmpeg binary and demuxer, with `cacheDir` (the
 * engine's cache folder); per process without. `videoCodec`: a still image's
 * decoder as ffmpeg read it (by content); with it an image's name is checked
 * against the decoder `-f image2` picks for that name (one more spawn), and
 * `actual` names what the image is ("a JPEG image").
 */
export async function extensionFacts(path: string, container: string, cacheDir?: string, videoCodec?: string): Promise<ExtensionFacts> {
  const ext = extname(path).slice(1).toLowerCase();
  const names = container.split(',');
  if (!ext || container === 'unknown' || names.includes(ext)) return { fits: true, known: true };
  // a still image (cover.jpg, folder.png): ffmpeg's image2 demuxer is chosen by the name (libavformat img2.c lists
  // the extensions), and an `*_pipe` demuxer (png_pipe, webp_pipe, bmp_pipe …, most listing no extension) by content;
  // either way the decoder is found by content (a JPEG named .png is read as "image2" with the mjpeg decoder). The
  // name fits when image2, forced (`-f image2`, which picks the decoder from the name alone), picks the same decoder
  if ((names[0] === 'image2' || isImagePipe(container)) && videoCodec) {
    // the common names, whose decoder image2 picks from libavformat img2.c's table (no spawn: each ffmpeg start is
    // ~0.1-0.2 s of CPU): the name fits when the content's decoder is that one
    if (IMAGE2_DECODER[ext] === videoCodec) return { fits: true, known: true };
    const r = await runFfmpeg(['-f', 'image2', '-i', path]).catch(() => null);
    const named = r ? /Stream #0:0[^:]*: Video: (\w+)/.exec(r.stderr)?.[1] : undefined;
    if (named === videoCodec) return { fits: true, known: true };
    if (names[0] === 'image2') return named ? { fits: false, known: true, actual: `a ${videoCodec === 'mjpeg' ? 'JPEG' : videoCodec.toUpperCase()} image` } : { fits: true, known: true };
  }
  if (names[0] === 'image2') return { fits: true, known: true };
  cacheDir ??= engineCacheDir;
  const own = new Set([...(await extensionsOf(names[0], cacheDir)), ...names.flatMap((n) => CONTENT_EXTS[n] ?? [])]);
  if (own.has(ext)) return { fits: true, known: true };
  if (names.includes('mov') && (await isoBrandExtension(ext))) return { fits: true, known: true };
  const all = await demuxerNames(cacheDir);
  // a name some format goes by: a demuxer's name, a format the content sniffer (file-type) knows, or CONTENT_EXTS
  const known = all.has(ext) || supportedExtensions.has(ext as never) || OTHER_FORMAT_EXTS.has(ext) || Object.values(CONTENT_EXTS).some((l) => l.includes(ext));
  return { fits: false, known };
}

/**
 * Whether `ext` is a name of an ISO base media file (the MPEG-4 family ffmpeg's mov demuxer reads) by what the
 * content sniffer knows: file-type, shown an `ftyp` box whose major brand is the extension ("M4P ", "F4A ", "F4B "
 * — iTunes' protected AAC, Adobe's Flash audio and audiobook), names a file of that extension with an audio or video
 * type. ffmpeg's own list ("mov,mp4,m4a,3gp,3g2,mj2,psp,m4b,…") leaves these out, so an M4A named .m4p was said to
 * be "in fact MPEG-4, not M4P" — which it is. Images in the family (HEIC, AVIF) are not audio names.
 */
async function isoBrandExtension(ext: string): Promise<boolean> {
  if (!/^[a-z0-9]{2,4}$/.test(ext)) return false;
  const brand = ext.toUpperCase().padEnd(4, ' ');
  const box = Buffer.alloc(32);
  box.writeUInt32BE(24, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(brand, 8, 'latin1');
  box.write(brand, 16, 'latin1');
  const type = await fileTypeFromBuffer(box).catch(() => undefined);
  return type?.ext === ext && /^(audio|video)\//.test(type.mime);
}

/**
 * A warning when the extension names another container than the one ffmpeg
 * found (`facts`: extensionFacts — what ffmpeg lists for each demuxer); null
 * when it fits, or when no demuxer claims the extension (a name that says
 * nothing about the format: ".bin", ".audio").
 */
export function extensionWarning(path: string, container: string, facts?: ExtensionFacts): string | null {
  const ext = extname(path).slice(1).toLowerCase();
  if (!facts || facts.fits || !facts.known) return null;
  const label = facts.actual ?? containerLabel(container);
  return `"${basename(path)}" is in fact ${label}, not ${ext.toUpperCase()} as its extension says; it was read as ${label}.`;
}

/** the codecs a WebM file may hold (WebM container guidelines: VP8, VP9, AV1 video; Vorbis, Opus audio; WebVTT text), as ffmpeg names them */
const WEBM_CODECS = new Set(['vp8', 'vp9', 'av1', 'vorbis', 'opus', 'webvtt']);

/**
 * A file named .webm that ffmpeg read as Matroska (WebM is a Matroska profile)
 * holding a codec WebM does not allow (FLAC, H.264, AAC, …): the codecs WebM
 * does not allow, else null (a WebM, or not named .webm). Cover art is not counted.
 */
export function notWebmCodecs(path: string, container: string, streams: Array<{ type: string; codec?: string; attachedPic?: boolean }>): string[] | null {
  if (extname(path).slice(1).toLowerCase() !== 'webm' || !container.split(',').includes('matroska')) return null;
  const bad = [...new Set(streams.filter((s) => !s.attachedPic && s.codec && s.codec !== 'unknown' && (s.type === 'audio' || s.type === 'video') && !WEBM_CODECS.has(s.codec)).map((s) => s.codec!))];
  return bad.length ? bad : null;
}

/** extensions that promise a codec, not only a container → ffmpeg's codec names (`ffmpeg -codecs`) that fit */
const EXT_CODECS: Record<string, string[]> = {
  opus: ['opus'], spx: ['speex'], m4a: ['aac', 'alac'], m4b: ['aac', 'alac'], mp3: ['mp3', 'mp3float'], mp2: ['mp2', 'mp2float'], flac: ['flac'],
  wv: ['wavpack'], ape: ['ape'], aac: ['aac'], ac3: ['ac3'], eac3: ['eac3'], dts: ['dts'], tta: ['tta'], alac: ['alac'],
};
/** what a user calls ffmpeg's codec */
const CODEC_LABEL: Record<string, string> = {
  vorbis: 'Vorbis', opus: 'Opus', speex: 'Speex', flac: 'FLAC', aac: 'AAC', h264: 'H.264', hevc: 'H.265 (HEVC)', mpeg4: 'MPEG-4 Part 2', alac: 'ALAC', mp3: 'MP3', mp3float: 'MP3', mp2: 'MP2', wavpack: 'WavPack', ape: "Monkey's Audio", ac3: 'AC-3', eac3: 'E-AC-3', dts: 'DTS', tta: 'TTA',
};

/**
 * A warning when the container fits the extension but the audio codec is
 * not the one the extension names (an Ogg Vorbis file named .opus): only
 * for extensions that name a codec (EXT_CODECS; .ogg, .oga, .mka, .caf name
 * a container only). `codec`: ffmpeg's name for the first audio stream's
 * codec. null when it fits or the extension promises no codec.
 */
export function codecWarning(path: string, codec: string | undefined): string | null {
  const ext = extname(path).slice(1).toLowerCase();
  const want = EXT_CODECS[ext];
  if (!want || !codec || codec === 'unknown' || want.includes(codec) || (want.includes('mp3') && codec.startsWith('mp3')) || (ext === 'dts' && codec.startsWith('dts'))) return null;
  const label = (c: string) => CODEC_LABEL[c] ?? c;
  return `"${basename(path)}" holds ${label(codec)} audio, not ${[...new Set(want.map(label))].join(' or ')} as its .${ext} extension says; it was read as ${label(codec)}.`;
}

// ---- duration and bitrate ---------------------------------------------------

/**
 * Read every packet of the first audio stream (or stream `opts.stream`, an absolute index) without decoding it (`-c copy`
 * to ffmpeg's framecrc muxer, one line per packet: dts, pts, duration, size
 * in the stream's time base): the real duration (s) — from the first sample
 * ffmpeg outputs (time 0, or the first packet's pts when later) to the end of
 * the last packet (its pts plus its duration; ffmpeg's `time=` stat is only
 * the last packet's start, a frame short) — and the audio's bytes (the sum of
 * packet sizes). For files whose container states no duration, only an
 * estimate, or one that cannot fit the file. null when ffmpeg could not.
 * Cost: one read of the file, no decode. `decode`: count what decodes instead
 * (decodedCount: one decode), also where the packets carry no timestamps;
 * `sampleRate`: the first audio stream's rate (Hz) as parseFfmpegInfo read it,
 * which a decode count needs (without it, no count).
 */
export async function measureAudioStream(path: string, signal?: AbortSignal, opts: { decode?: boolean; sampleRate?: number; stream?: number } = {}): Promise<{ durationSec: number; audioBytes: number | null; damage: string | null } | null> {
  const map = opts.stream === undefined ? '0:a:0' : `0:${opts.stream}`;
  if (opts.decode) return decodedCount(path, opts.sampleRate, signal, map);
  const r = await runFfmpeg(['-i', path, '-map', map, '-c', 'copy', '-f', 'framecrc', '-'], { signal, maxStdout: 256 * 1024 * 1024 }).catch(() => null);
  if (!r || r.code !== 0) return null;
  // a packet ffmpeg called corrupt (a truncated file's last one) and what follows it do not decode
  const packets = packetSpan(r.stdout.toString('latin1'), corruptFrom(r.stderr, opts.stream));
  // packets without timestamps (RealMedia: every pts 0) span nothing: what decodes is counted instead
  if (packets?.untimed) return decodedCount(path, opts.sampleRate, signal, map);
  if (!packets || packets.durationSec <= 0) return null;
  return { durationSec: packets.durationSec, audioBytes: packets.bytes, damage: damageIn(r.stderr, []) };
}

/**
 * The dts (in the stream's time base) of the first packet ffmpeg's demuxer called corrupt ("Packet corrupt (stream = N,
 * dts = D)", N the absolute input stream index) in the audio stream read — `stream` (absolute), else the first audio
 * stream as the log's input lines state it (in a video file usually #0:1, not 0) — or undefined when none. Pure.
 */
export function corruptFrom(stderr: string, stream?: number): number | undefined {
  const index = stream ?? Number(/^\s*Stream #0:(\d+)\S*: Audio:/m.exec(stderr)?.[1] ?? 0);
  const corrupt = [...stderr.matchAll(new RegExp(`Packet corrupt \\(stream = ${index}, dts = (-?\\d+)\\)`, 'g'))].map((m) => Number(m[1]));
  return corrupt.length ? Math.min(...corrupt) : undefined;
}

/**
 * Decode the first audio stream to nothing (`-f null`) and take ffmpeg's own
 * closing count at verbose level (audioStreamCounts) ("Input stream #0:N (audio): P packets read
 * (B bytes); F frames decoded (S samples)"): S over the stream's sample rate is
 * what decodes, to the sample, and B the audio's bytes. `rate`: that stream's
 * sample rate as parseFfmpegInfo read it (the caller's). For a stream without
 * a stated length (an MP3 without a Xing/Info/VBRI header, ADTS AAC), whose
 * packet read (measureAudioStream's default) is not what decodes: the
 * demuxer's parser hands bytes after the last frame (an APEv2 tag without a
 * header, an ID3v2 tag appended after the audio) on as one more packet, which
 * the decoder drops ("Header missing"). Cost: one decode (an MP3: ~0.4 s CPU
 * for 5 min, against ~0.1 s for the packet read). null when ffmpeg could not.
 */
async function decodedCount(path: string, rate: number | undefined, signal?: AbortSignal, map = '0:a:0'): Promise<{ durationSec: number; audioBytes: number | null; damage: string | null } | null> {
  const r = await runFfmpeg(['-v', 'verbose', '-i', path, '-map', map, '-f', 'null', '-'], { signal, maxStdout: 0 }).catch(() => null);
  if (!r || r.code !== 0 || !rate) return null;
  const counts = audioStreamCounts(r.stderr);
  if (!counts?.samples || !(rate > 0)) return null;
  return { durationSec: counts.samples / rate, audioBytes: counts.bytes, damage: damageIn(r.stderr, []) };
}

/**
 * The span and bytes of the packets of ffmpeg's framecrc output (stream 0):
 * "#tb 0: num/den" then "0, dts, pts, duration, size, crc[, side data]" per
 * packet. Duration: end of the last packet (pts + duration) minus where output
 * starts (the first pts, or 0 when the first packets lie before 0: priming
 * samples a decoder skips). Packets from dts `corruptFromDts` on (one ffmpeg
 * called corrupt) are left out: they do not decode. Pure; null when there are no packets.
 */
export function packetSpan(text: string, corruptFromDts?: number): { durationSec: number; bytes: number; packets: number; untimed?: boolean } | null {
  const tb = /^#tb 0: (\d+)\/(\d+)/m.exec(text);
  if (!tb) return null;
  const unit = Number(tb[1]) / Number(tb[2]);
  let first = Infinity;
  let end = -Infinity;
  let bytes = 0;
  let packets = 0;
  let lastPts = -Infinity;
  for (const m of text.matchAll(/^0,\s*(-?\d+),\s*(-?\d+),\s*(\d+),\s*(\d+),/gm)) {
    if (corruptFromDts !== undefined && Number(m[1]) >= corruptFromDts) break;
    const pts = Number(m[2]);
    if (pts < first) first = pts;
    if (pts > lastPts) lastPts = pts;
    if (pts + Number(m[3]) > end) end = pts + Number(m[3]);
    bytes += Number(m[4]);
    packets++;
  }
  if (!packets) return null;
  // every packet at one time: the container gave none (RealMedia), and the span says nothing
  return { durationSec: (end - Math.max(first, 0)) * unit, bytes, packets, ...(packets > 1 && lastPts === first ? { untimed: true } : {}) };
}

/**
 * The stated duration cannot be right for the file's size: the audio
 * stream's bitrate (kb/s, as ffmpeg states it) × the stated duration needs
 * more bytes than the file holds (cover art left out: `coverBytes`) — a
 * truncated file, or a header (Xing/Info frame count, mvhd) that overstates
 * — or far fewer than it holds (a header that understates). Only for files
 * with one audio stream and no video (other streams would share the bytes)
 * and a duration that is not ffmpeg's estimate. Pure and cheap: the probe then
 * reads every packet (measureAudioStream) for the real duration.
 */
export function sizeDisagrees(ff: FfmpegStated, sizeBytes: number, coverBytes = 0): boolean {
  const audio = ff.streams.filter((s) => s.type === 'audio');
  if (audio.length !== 1 || ff.streams.some((s) => s.type === 'video' && !s.attachedPic)) return false;
  const kbps = audio[0].bitrateKbps;
  const d = ff.durationSec;
  if (!kbps || !d || d <= 0 || ff.durationEstimated) return false;
  const expected = (kbps * 1000 * d) / 8;
  const held = sizeBytes - coverBytes;
  return expected > held * 1.1 + 16_384 || held > expected * 1.5 + 65_536;
}

/**
 * The audio's bitrate in kb/s (rounded), the one rule of the probe, `analyze`
 * and the library: the bytes of the audio packets over the duration shown,
 * wherever those bytes were counted (`packetBytes`: an Ogg file's page walk,
 * the packets read where packetsNeeded says the stated figures are in doubt —
 * the probe's measureAudioStream, the library's own decode); otherwise what
 * the stream states (ffmpeg's stream line, unless it is the first frames'
 * estimate), music-metadata's count of a FLAC/Ogg stream's bytes, or the
 * file's bytes less its cover art over the duration. undefined when only an
 * estimate is known, or ffmpeg finds no audio stream. Pure.
 */
export function audioBitrateKbps(x: {
  ff: FfmpegStated;
  mm: IAudioMetadata | null;
  sizeBytes: number;
  coverBytes: number;
  /** the duration shown (s) and whether it is only an estimate */
  durationSec: number | null;
  durationEstimated: boolean;
  packetBytes: number | null;
}): number | undefined {
  const { ff, mm, durationSec } = x;
  const audio = ff.streams.find((s) => s.type === 'audio');
  // no audio stream (a silent clip, a picture): no audio bitrate — the file's bytes over its length are the video's
  if (!audio) return undefined;
  let kbps: number | undefined;
  if (x.packetBytes && durationSec && durationSec > 0) kbps = (x.packetBytes * 8) / durationSec / 1000;
  else if (audio?.bitrateKbps && !ff.durationEstimated) kbps = audio.bitrateKbps;
  else if (mm?.format.bitrate && !ff.durationEstimated && mmReadSameContainer(mm, ff.container)) kbps = mm.format.bitrate / 1000; // FLAC, Opus: music-metadata counts the bytes after the metadata blocks
  else if (durationSec && durationSec > 0 && !x.durationEstimated) kbps = ((x.sizeBytes - x.coverBytes) * 8) / durationSec / 1000;
  else if (ff.bitrateKbps !== undefined && !x.durationEstimated) kbps = ff.bitrateKbps;
  return kbps === undefined ? undefined : Math.round(kbps);
}

/**
 * Audio whose container states no count of its samples, and
 * whose every packet decodes whole — ffmpeg 5.1 trims no priming there — so
 * the packets' span (measureAudioStream: a packet read, no decode) is what
 * decodes, to the sample: the probe states it, as the library's decode does.
 * MPEG-TS and MPEG-PS (ffmpeg's Duration is its estimate from the first and
 * last PTS printed to 10 ms: 19.95 s for 20.04 s of AAC in TS; 5.85 s for
 * 6.034 s of MP3 in PS, 6.01 for 6.008 of MP2), and MPEG audio (MP1/MP2/MP3)
 * in WAV (its Duration is the data chunk over the fmt byte rate: 6.03 for
 * 6.034 decoded). MPEG-TS and MPEG-PS with video too (a DVD VOB, a broadcast
 * recording): ffmpeg's Duration is the same estimate over every stream's PTS
 * (6.01 for 6.008 s of MP2 beside MPEG-2 video; 5.98 in another file), and
 * the studio's length of a video is its audio's, what the library decodes —
 * one figure in the probe and the library. Pure.
 */
export function packetsAreDuration(ff: Pick<FfmpegStated, 'container' | 'streams'>): boolean {
  const audio = ff.streams.find((s) => s.type === 'audio');
  if (!audio) return false;
  const c = ff.container.split(',');
  if (c[0] === 'mpegts' || c[0] === 'mpeg') return true;
  return !ff.streams.some((s) => s.type === 'video' && !s.attachedPic) && c.includes('wav') && /^mp[123]/.test(audio.codec ?? '');
}

/**
 * Whether what the file states cannot be trusted for its duration and
 * bitrate, so its audio packets must be counted (the probe reads them with
 * measureAudioStream; the library takes its decode's own count): ffmpeg only
 * estimated the duration or states none; the file's structure shows it cut
 * short or states no length (FLAC total_samples 0); the two readers' header
 * durations disagree (audio only: a video's container may rightly be longer
 * than its audio); the stated duration cannot fit the file's size
 * (sizeDisagrees); it is Ogg, whose stream states no average bitrate (a
 * Vorbis header's nominal rate is not one) — unless its pages were walked
 * (structure.oggAudioBytes), which counted them; or it has video and its
 * audio stream states no bitrate (Matroska/WebM: the file's bytes are
 * mostly the video's); or it is Matroska/WebM or MPEG-TS audio that states
 * no bitrate (the file's bytes count the container's framing); or it is a CAF of variable-size packets (a
 * packet table: ALAC, AAC), whose stream rate ffmpeg does not count from them. The one rule of the probe
 * and the library. Pure.
 */
export function packetsNeeded(x: { ff: FfmpegStated; sizeBytes: number; coverBytes: number; structure: Structure | null; mmDurationSec?: number }): boolean {
  const { ff, structure: st } = x;
  const video = ff.streams.some((s) => s.type === 'video' && !s.attachedPic);
  const mmSec = x.mmDurationSec;
  const readersDisagree = !video && ff.durationSec !== null && mmSec !== undefined && Number.isFinite(mmSec) && Math.abs(mmSec - ff.durationSec) > Math.max(0.5, 0.02 * mmSec);
  if (st?.ogg && !st.truncated) return false; // the walk counted the packets and each link's samples
  const ogg = ff.container.split(',').includes('ogg') && !st?.oggAudioBytes;
  // a video whose audio stream states no bitrate (Matroska/WebM): the file's bytes are mostly the video's
  const audio = ff.streams.find((s) => s.type === 'audio');
  const videoHidesAudio = video && audio !== undefined && !audio.bitrateKbps;
  // a Matroska/WebM or MPEG-TS audio stream that states no bitrate: the file's bytes per second count every block's or
  // 188-byte packet's header and the codec's private data (Vorbis/Opus headers), 3–6 % over the audio (TrueHD: 1200 blocks/s)
  const packetised = /^(matroska|mpegts)/.test(ff.container) && audio !== undefined && !audio.bitrateKbps;
  // a CAF with a packet table (pakt: variable-size packets — ALAC, AAC): the rate ffmpeg states for the stream is no
  // count of them (352 kb/s for a 7-channel ALAC whose packets average 710; the size check's margin let it pass)
  const cafPackets = Boolean(st?.caf) && audio !== undefined;
  return ogg || videoHidesAudio || packetised || cafPackets || packetsAreDuration(ff) || ff.durationEstimated === true || ff.durationSec === null || Boolean(st?.truncated) || Boolean(st?.vbri) || wmaAudio(ff)?.byFfmpeg === false || st?.flac?.totalSamples === 0 || Boolean(st?.flacStreams?.length) || readersDisagree || sizeDisagrees(ff, x.sizeBytes, x.coverBytes);
}

/**
 * a length in a warning, to the hundredth: the one rounding of a duration (durationShown, ms), then cut, as every
 * length is shown (contract clockTime) — so a warning's "its audio ends at" reads as the duration line beside it
 * (9.9798 s: both 0:09.98; cut without the rounding the warning said 0:09.97)
 */
const fmtTime = (s: number): string => clockTime(durationShown(s), 2);

/**
 * A DSD stream's own rate: ffmpeg's DSF and DSDIFF demuxers state the 1-bit rate / 8 (libavformat/dsfdec.c, iff.c:
 * one byte of 8 samples per "sample"), the PCM rate its dsd_* decoders output — 352 800 Hz for DSD64's 2 822 400.
 * The stream with sampleRate the file's DSD rate and decodedSampleRate ffmpeg's; any other stream as it is. Pure.
 */
function dsdRates<S extends { codec?: string; sampleRate?: number; decodedSampleRate?: number }>(s: S): S {
  if (!s.sampleRate || s.decodedSampleRate || !/^dsd_(lsbf|msbf)(_planar)?$/.test(s.codec ?? '')) return s;
  return { ...s, sampleRate: s.sampleRate * 8, decodedSampleRate: s.sampleRate };
}

/** what a user calls an Ogg codec */
const OGG_CODEC: Record<string, string> = { opus: 'Opus', vorbis: 'Vorbis', flac: 'FLAC', speex: 'Speex' };

/**
 * The statement for a chained Ogg file (not a fault: RFC 3533 §4 allows
 * logical streams one after another, as a radio stream recording or `cat`
 * of two files makes): how many, and each one's codec, rate, length and
 * title; the tags shown are the first stream's (what every player shows
 * before the second begins).
 */
export function chainedText(links: Array<{ codec: string; sampleRate: number; channels: number; samples: number; title?: string; artist?: string }>): string {
  const each = links.map((l, i) => {
    const who = [l.artist, l.title].filter(Boolean).join(' – ');
    return `${i + 1}. ${OGG_CODEC[l.codec] ?? l.codec}, ${l.sampleRate} Hz, ${l.channels} ch, ${fmtTime(l.samples / l.sampleRate)}${who ? `, "${who}"` : ''}`;
  });
  return `A chained Ogg file: ${links.length} streams one after another (${each.join('; ')}). Its duration and bitrate are of all of them; the tags shown are the first stream's.`;
}

export interface CrossChecked {
  durationSec: number | null;
  /** the duration is the container's estimate and nothing better was measured */
  durationEstimated: boolean;
  /** the audio's bitrate in kb/s (without cover art) */
  bitrateKbps?: number;
  /**
   * seconds the file's header states (or ffmpeg estimated from the first frames' bitrate) where that is not what
   * decodes — a download cut short whose Xing/STREAMINFO/WAV header still counts the whole, a wrong header, a length
   * only estimated, another muxer's WMA header: set exactly where a warning says so. A player that believes the header
   * (Chromium, as ffmpeg's demuxer does) runs to this length (playable.ts lengthMisstated). Absent otherwise.
   */
  statedDurationSec?: number;
  tags: Tags;
  warnings: string[];
}

/**
 * Cross-check music-metadata's and ffmpeg's readings of one file.
 * `measured`: the duration (s) that decoded or that measureAudioStream read,
 * with the audio's bytes when known. Pure. Source followed for the fields:
 * ffmpeg's libavformat dump (av_dump_format) and music-metadata's `format`/`common`.
 */
export function crossCheck<S extends FfmpegStated['streams'][number]>(input: {
  path: string;
  sizeBytes: number;
  ff: FfmpegStated & { streams: S[] };
  mm: IAudioMetadata | null;
  mmError?: string;
  /** readTagsByContent's `repaired`: music-metadata's tags were read from repaired bytes (trusted over ffmpeg's), and this warning says so */
  mmRepaired?: string;
  /** readTagsByContent's `appendedBytes`: an ID3v2 tag after the audio, whose bytes ffmpeg's packet count includes */
  mmAppendedBytes?: number;
  /** `damage`: ffmpeg's sign that the file is damaged or truncated (ffmpeg.ts damageIn), null when it read cleanly */
  measured?: { durationSec: number; audioBytes?: number | null; damage?: string | null } | null;
  /** what the file's own structure says (structure.ts readStructure): truncation, trailing data, gapless length */
  structure?: Structure | null;
  /** what ffmpeg says of the file's extension (extensionFacts); without it the extension is not checked */
  extension?: ExtensionFacts;
  /**
   * the index of the audio stream read where it is not the first audio stream (best-stream.ts bestIfNotFirst: a later
   * one flagged default, as ffmpeg and the model's loader pick it); `measured` is then that stream's. The check is of
   * that stream: it stands first among the audio streams here, and what the file states of its first audio track
   * (structure's track facts, music-metadata's duration) is left out; a warning names the stream read and the others
   */
  readStream?: number | null;
}): CrossChecked & { streams: S[] } {
  const read = input.readStream ?? null;
  const readS = read === null ? undefined : input.ff.streams.find((s) => s.index === read && s.type === 'audio');
  const { ff, mm, structure } = readS ? readStreamView(input.ff, input.mm, input.structure ?? null, readS) : { ff: input.ff, mm: input.mm, structure: input.structure ?? null };
  const { measured } = input;
  const warnings: string[] = [];
  if (readS) warnings.push(readStreamText(input.path, input.ff.streams, readS));
  else {
    // several audio streams, the first read: which one, why, and where the ffmpeg command line would take another
    const first = input.ff.streams.find((s) => s.type === 'audio');
    if (first && input.ff.streams.filter((s) => s.type === 'audio').length > 1) warnings.push(readStreamText(input.path, input.ff.streams, first));
  }
  const padded = structure?.paddedSamples;
  if (padded) {
    // measured with torchaudio 0.13.1 (libsox refuses "fmt with padded samples"; its ffmpeg fallback, as ffmpeg 5.1 alone):
    // 24-in-32 PCM comes back as pcm_f24le (NaN, values up to 1e31); 24-in-32 float finds no decoder at all
    const theirs = padded.float ? 'cannot read this file at all ("Failed to detect the source stream format")' : `reads it as ${padded.validBits}-bit float: noise and NaN`;
    warnings.push(`"${basename(input.path)}" holds ${padded.validBits}-bit samples in ${padded.bits}-bit containers (WAVE_FORMAT_EXTENSIBLE, as some recorders and DAWs write); they are read as ${padded.bits}-bit ${padded.float ? 'float' : 'PCM'}, as the format says. DeepResonance's reference loader (torchaudio 0.13) ${theirs}, so the model hears the file as it is, not as the reference would.`);
  }
  const extWarn = extensionWarning(input.path, ff.container, input.extension);
  const notWebm = notWebmCodecs(input.path, ff.container, ff.streams);
  if (extWarn) warnings.push(extWarn);
  else if (notWebm) {
    const label = (c: string) => CODEC_LABEL[c] ?? c.toUpperCase();
    warnings.push(`"${basename(input.path)}" is Matroska, not WebM as its .webm extension says: WebM holds only VP8/VP9/AV1 video and Vorbis/Opus audio, and this file holds ${notWebm.map(label).join(' and ')}; it was read as Matroska.`);
  } else {
    const codecWarn = codecWarning(input.path, ff.streams.find((x) => x.type === 'audio')?.codec);
    if (codecWarn) warnings.push(codecWarn);
  }
  // tags
  const ffTags = tagsOfFfmpeg(ff.metadata);
  if (input.mmRepaired) warnings.push(input.mmRepaired);
  // an AIFF's ID3 chunk comes first (TAG_ORDER: Unicode, every field); its text chunks give the rest
  const mmTags = tagsOf(mm);
  const aiff = aiffTags(structure, warnings, mm && id3Version(mm) ? mmTags : {});
  const tags = input.mmRepaired ? { ...ffTags, ...mmTags } : mergeTags({ ...mmTags, ...aiff }, ffTags, warnings);
  // an ID3v1 tag music-metadata did not read (after a WavPack's APEv2 tag): its fields join the conflict check
  const v1 = structure?.id3v1;
  const mmAll = mm && v1 && !mm.native?.ID3v1 ? ({ ...mm, native: { ...mm.native, ID3v1: Object.entries(v1).filter(([, v]) => v).map(([id, value]) => ({ id, value })) } } as IAudioMetadata) : mm;
  matroskaLevels(tags, structure, ff.streams.some((s) => s.type === 'video' && !s.attachedPic));
  bextTags(tags, mmTags.comment, structure, warnings);
  // an Ogg Opus header's output gain, which the R128 gains are on top of (RFC 7845 §5.2.1): stated beside them
  if (structure?.opusOutputGainDb) tags.replayGain = { ...tags.replayGain, opusOutputGainDb: structure.opusOutputGainDb };
  // the container's creation time is ffmpeg's reading alone (music-metadata's common tags have none)
  if (ffTags.created !== undefined && tags.created === undefined) tags.created = ffTags.created;
  tagConflicts(mmAll, ff.container, tags, warnings);
  withoutBidiOverrides(tags, warnings);
  // music-metadata knows no parser for the format (.au, .tta, .dts, .ac3/.eac3, MPEG-TS, CAF …): ffmpeg's tags, if any,
  // are the only reading there is, with nothing to disagree with — no finding about the file, so no warning
  // (an Amiga 8SVX/16SV, an IFF form music-metadata's AIFF parser refuses: "Unsupported AIFF type: 8SVX", as
  // ffmpeg's iff demuxer reads it)
  const noParser = /Failed to determine audio format|Guessed MIME-type not supported|Unsupported AIFF type/i.test(input.mmError ?? '');
  // FLAC audio frames with no FLAC header before them (the marker and STREAMINFO overwritten or cut off): said in words
  // once, with what to do, instead of the tag reader's "Invalid FLAC preamble" and "the container states no duration"
  const headerless = ff.container.split(',')[0] === 'flac' && !structure?.flac && !structure?.truncated && !readS;
  if (headerless) warnings.push(flacHeaderlessText(input.path, structure?.flacFramesAt ?? null));
  if (!mm && input.mmError && !noParser && !headerless) {
    warnings.push(
      Object.keys(ffTags).length
        ? `music-metadata could not read this file (${input.mmError}); the tags shown are ffmpeg's.`
        : structure?.truncated
          ? // the parser ran into the cut ("Atom size exceeds remaining bytes: 259930 > 194029"): the cause in words first (tester25)
            `Tags could not be read: the file is cut short (see the warning on truncation); the tag reader said: ${input.mmError}`
          : `Tags could not be read: ${input.mmError}`,
    );
  }
  // duration — one rule for probe, analyze and the library: the duration is what decodes, trimmed to the exact
  // sample count a header states where the container states one. Exact counts, in this order: an MP3's LAME/Info
  // gapless count (or iTunSMPB), a CAF packet table's valid frames, an uncompressed stream's own count
  // (structure.exactFrames: a WAV PCM/float data chunk's bytes / nBlockAlign — ffmpeg 5.1 misjudges it for
  // extensible 24-in-32 — and a DSF header's sample count, whose last block ffmpeg decodes with its zero padding).
  // Without one: the container's stated duration, replaced by the packets' span (measured) when it is only an
  // estimate, missing, or off by more than 0.5 s / 2 %. The library decodes (library/analyse.ts) and keeps a
  // stated exact length when the decode runs past it by less than one codec frame (end padding).
  // MPEG-TS audio: the packets' span, which is what decodes (packetsAreDuration). Matroska/WebM audio whose blocks were
  // walked (the probe: structure.matroskaAudio): the sum of its block durations less CodecDelay and the last block's
  // DiscardPadding (Opus: ffmpeg's Duration, and its packet read, count the 312 pre-skip samples and the final frame's
  // padding, which do not decode). WMA (wmaDecodedSec): the header's whole frames less the first, which ffmpeg's
  // wmav1/wmav2 decoder does not output.
  // the gapless length of an MP3 with a LAME/Info tag: what ffmpeg decodes (its Duration counts the encoder delay and padding too)
  const smpb = structure?.gapless && !ff.durationEstimated ? null : itunSmpbSec(mm, ff.container, ff.durationSec);
  if (smpb?.stale) warnings.push(`The iTunSMPB tag states ${fmtTime(smpb.sec)} of audio, which the file does not hold (its container states ${fmtTime(ff.durationSec!)}): the tag is stale, copied from another encode; not used.`);
  const gapless = structure?.gapless && !ff.durationEstimated ? structure.gapless.samples / structure.gapless.sampleRate : smpb && !smpb.stale ? smpb.sec : null;
  // FLAC STREAMINFO total_samples = 0: the stream states no length (ffmpeg's duration, if any, is a guess)
  const flacUnstated = structure?.flac?.totalSamples === 0;
  // a CAF's packet table: the valid frames (priming and remainder left out), what ffmpeg decodes (its Duration counts every packet)
  const cafSec = structure?.caf ? structure.caf.validFrames / structure.caf.sampleRate : null;
  // a chained Ogg file: its links' samples, each at its own rate (ffmpeg states the last link's last granule position
  // over the first link's rate: neither a sum nor right when the rates differ)
  const links = structure?.ogg?.links ?? [];
  const chainSec = links.length > 1 && links.every((l) => l.sampleRate > 0) ? links.reduce((t, l) => t + l.samples / l.sampleRate, 0) : null;
  if (chainSec !== null) warnings.push(chainedText(links));
  // one Ogg stream whose pages were walked: its last granule position (less Opus' pre-skip, RFC 7845 §4.2) is the
  // samples it decodes; ffmpeg's Duration counts the pre-skip (6.0065 s for 6.000 s of Opus) and is printed to 10 ms.
  // Opus, Vorbis and FLAC only: ffmpeg decodes Speex's last frame whole, past the granule position
  const oneLink = links.length === 1 && /^(opus|vorbis|flac)$/.test(links[0].codec) && !structure?.truncated && links[0].sampleRate > 0 && links[0].samples > 0 ? links[0].samples / links[0].sampleRate : null;
  // an uncompressed stream's exact sample count (a WAV's PCM data chunk, a DSF header): ffmpeg's Duration may count
  // a DSF's block padding, or misjudge an extensible WAV's sample size
  const exactSec = structure?.exactFrames ? structure.exactFrames.frames / structure.exactFrames.sampleRate : null;
  const mkvSec = structure?.matroskaAudio?.sec ?? null;
  const wmaSec = wmaDecodedSec(ff, mm);
  const mp4Sec = mp4DecodedSec(structure, smpb);
  const stated = chainSec ?? oneLink ?? mp4Sec ?? gapless ?? cafSec ?? exactSec ?? mkvSec ?? wmaSec ?? (flacUnstated ? null : (finerSec(ff, mm) ?? (mm?.format.duration !== undefined && Number.isFinite(mm.format.duration) && mm.format.duration > 0 ? mm.format.duration : null)));
  // (music-metadata's 0 is no statement: a WavPack written to a pipe states its sample count as unknown, and ffmpeg none)
  let durationSec: number | null = stated;
  let statedDurationSec: number | undefined;
  // the header whose absence makes ffmpeg estimate (MP3 only; an Ogg or ADTS stream has none to lack)
  // — or whose Xing/Info header counts only the first of MP3s joined end to end (ffmpeg: "invalid concatenated file detected")
  const why = !ff.container.split(',').includes('mp3')
    ? ''
    : ff.concatenated
      ? ' (its Xing/Info header counts only the first part of MP3 files joined end to end; more audio follows it)'
      : ' (no Xing/Info/VBRI header)';
  let durationEstimated = Boolean(ff.durationEstimated) && exactSec === null;
  // a demuxer that renders its audio (libopenmpt: a tracker module; libgme: game music): its packets are PCM that
  // ffmpeg synthesises, more bytes than the whole file holds — their span is what decodes (a .mod: 15.46 s, where its
  // Duration says the song's 15.36), and the file's own bytes are the audio's, not the rendered PCM's 3072 kb/s
  const rendered = Boolean(measured?.audioBytes && measured.audioBytes > input.sizeBytes);
  if (measured && measured.durationSec > 0) {
    // the length the file's header states: an MP4's mvhd/mdhd (ffmpeg's Duration) where its sample table (mp4Sec) is the stated length
    // — but where other audio tracks follow, the movie's Duration is the longest track's, no statement of this one's
    const header = mp4Sec !== null && ff.durationSec !== null && !structure?.mp4Audio?.otherAudioTracks ? ff.durationSec : stated;
    const far = header !== null && Math.abs(measured.durationSec - header) > Math.max(0.5, 0.02 * measured.durationSec);
    // a file of other streams too (a video, a second audio track): its Duration is the longest stream's, so audio that
    // ends before it, read without errors, is no wrong header (it was called one: "the header is wrong")
    const audioCount = ff.streams.filter((s) => s.type === 'audio').length;
    const hasOtherVideo = ff.streams.some((s) => s.type === 'video' && !s.attachedPic);
    const longest = ff.durationSec;
    const othersRunOn = (audioCount > 1 || hasOtherVideo) && longest !== null && !measured.damage && !durationEstimated && !structure?.truncated && longest - measured.durationSec > Math.max(0.5, 0.02 * measured.durationSec);
    if (stated === null || durationEstimated || (packetsAreDuration(ff) && !structure?.truncated)) durationSec = measured.durationSec;
    if (rendered) durationSec = renderedSec(ff, measured.audioBytes!) ?? measured.durationSec;
    if (stated === null && !headerless)
      warnings.push(
        flacUnstated
          ? `The FLAC header (STREAMINFO) states no total sample count; the duration ${fmtTime(measured.durationSec)} is measured from every frame.`
          : `The container states no duration; the duration ${fmtTime(measured.durationSec)} is measured from every packet.`,
      );
    if (far) durationSec = measured.durationSec;
    // a VBRI header's count (ffmpeg's Duration) may include the VBRI frame, which ffmpeg skips: its packets are what decodes
    if (structure?.vbri && !structure.truncated && !durationEstimated) durationSec = measured.durationSec;
    // a WMA file another muxer wrote (wmaAudio): what decodes, and where the header says more, that it does
    const wma = wmaAudio(ff);
    if (wma?.byFfmpeg === false && !structure?.truncated && measured.durationSec > 0) {
      const frame = 2048 / wma.rate;
      if (header !== null && !far && header - measured.durationSec > 2 * frame) {
        warnings.push(`The file's header states ${fmtTime(header)}, but ffmpeg decodes ${fmtTime(measured.durationSec)} of it${measured.damage ? ` (ffmpeg: ${measured.damage})` : ''}; shown: what decodes.`);
        statedDurationSec = header;
      }
      durationSec = measured.durationSec;
    }
    // the whole frames/blocks before the cut (a packet read includes the cut frame's start, which does not decode)
    const decodable = structure?.truncated?.decodableSec;
    if (decodable !== undefined && decodable > 0 && decodable < (durationSec ?? Infinity)) durationSec = decodable;
    const ends = durationSec ?? measured.durationSec;
    // FLAC streams one after another (`cat a.flac b.flac`): ffmpeg decodes them all; the first STREAMINFO counts its own
    const joined = structure?.flacStreams?.length && structure.flac ? structure.flacStreams : null;
    if (joined && structure?.flac) {
      durationSec = measured.durationSec;
      const each = [structure.flac, ...joined].map((f) => (f.sampleRate > 0 && f.totalSamples > 0 ? fmtTime(f.totalSamples / f.sampleRate) : 'unstated'));
      warnings.push(`${joined.length === 1 ? 'A second FLAC stream follows' : `${joined.length} more FLAC streams follow`} the first (from byte ${joined[0].offset}: files joined end to end, as \`cat\` makes): the first header (STREAMINFO) states ${each[0]}, the streams ${each.join(' + ')}. ffmpeg decodes them one after another; shown: what decodes, ${fmtTime(measured.durationSec)}. Other players may stop after the first.`);
    } else if (othersRunOn) {
      warnings.push(`The ${audioCount > 1 ? (readS ? `audio stream read (#0:${read}, the one analysed)` : 'first audio stream (the one analysed)') : 'audio'} lasts ${fmtTime(ends)}; the file runs to ${fmtTime(longest!)}, the length of its ${hasOtherVideo ? 'video' : 'other audio stream'} (ffmpeg's Duration is the longest stream's); shown: the audio's.${hasOtherVideo ? ` The picture plays on to ${fmtTime(longest!)} in silence (the player and the filmstrip show it all); the analysis, the waveform and the chat's audio are of the audio's ${fmtTime(ends)}.` : ''}`);
    } else if (far && (durationEstimated || !structure?.truncated)) {
      statedDurationSec = header!;
      warnings.push(
        durationEstimated
          ? `The file states no exact duration${why}: ffmpeg estimated ${fmtTime(header!)} from the first frames' bitrate; ${fmtTime(measured.durationSec)} is what decodes.`
          : measured.damage
            ? `The file appears truncated or damaged: its header states ${fmtTime(header!)}, but its audio ends at ${fmtTime(ends)} (ffmpeg: ${measured.damage}); shown: what the file holds.`
            : `The file's header states ${fmtTime(header!)}, but its audio, read to the end without errors, lasts ${fmtTime(measured.durationSec)}; the header is wrong; shown: what the file holds.`,
      );
    }
    // a file whose own structure shows where it was cut: one sentence from the structure alone, whether or not the
    // read that measured it (the probe's packet read, the library's decode) met an error — they meet different ones
    // ("Packet corrupt" / "aac: Input buffer exhausted"), and `studio probe` and `studio analyze` said the one fact two
    // ways (tester25). The header's length is always named where it states more, and stated as a fact: the player
    // believes it (playable.ts lengthMisstated: a cut FLAC played to its STREAMINFO's 0:30 with 0:11.70 in it)
    if (structure?.truncated) {
      const statesMore = far && !durationEstimated;
      if (statesMore) statedDurationSec = header!;
      // (where the structure's words end on what the header states — a FLAC's or WavPack's sample count — its length
      // follows them in brackets instead of a second "its header states")
      const cut = truncationText(structure.truncated);
      const length = !statesMore ? '' : / states$/.test(cut) ? ` (${fmtTime(header!)})` : `; its header states ${fmtTime(header!)}`;
      warnings.push(`The file appears truncated or damaged: ${cut}${length}; shown: what it holds, ${fmtTime(durationSec ?? measured.durationSec)}.`);
    }
    durationEstimated = false;
  }
  // iTunSMPB with this audio's count but a priming the encoder did not use (Apple's 2112 on ffmpeg's AAC, which primes
  // 1024): ffmpeg skips the tag's priming (libavformat/mov.c reads it), so real audio is cut and less decodes than the
  // tag counts — what decodes is shown (the decode's count: the library's decode, the probe's decodedCount)
  // (what decodes: the sample table's count less the tag's priming (mp4DecodedSec), else the decode's count)
  const smpbDecodes = mp4Sec ?? (measured && measured.durationSec > 0 ? measured.durationSec : null);
  if (smpb && !smpb.stale && smpbDecodes !== null && smpbDecodes < smpb.sec - 1 / smpb.rate) {
    durationSec = smpbDecodes;
    const cut = Math.round((smpb.sec - smpbDecodes) * smpb.rate);
    warnings.push(`The iTunSMPB tag's priming (${smpb.priming} samples) is more than this audio's encoder put in: the tag states ${durationShown(smpb.sec).toFixed(3)} s of audio, but ffmpeg skips the tag's ${smpb.priming} priming samples and ${cut} samples of real audio with them; shown: what decodes, ${durationShown(smpbDecodes).toFixed(3)} s.`);
  }
  if (!(measured && measured.durationSec > 0) && durationEstimated && stated !== null) {
    warnings.push(`The duration ${fmtTime(stated)} is an estimate from the first frames' bitrate${why ? ` ${why.trim()}` : ''}; it may be far off.`);
  }
  // bitrate of the audio alone
  const audio = ff.streams.find((s) => s.type === 'audio');
  const covers = (mm?.common.picture ?? []).reduce((n, p) => n + p.data.length, 0);
  // an ID3v2 tag after an MP3's audio: ffmpeg's parser reads its bytes as packets (the decoder drops them)
  const tagInPackets = measured?.audioBytes && input.mmAppendedBytes && measured.audioBytes > input.mmAppendedBytes ? input.mmAppendedBytes : 0;
  const packetBytes = rendered ? input.sizeBytes - covers : structure?.oggAudioBytes ?? (measured?.audioBytes ? measured.audioBytes - tagInPackets : null);
  const bitrateKbps = audioBitrateKbps({ ff, mm, sizeBytes: input.sizeBytes, coverBytes: covers, durationSec, durationEstimated, packetBytes });
  /** the audio stream's stated rate is no count of its packets (ALAC in CAF: ffmpeg states 16 bits × channels × rate / 4), so its line is settled too */
  const statedWrong = Boolean(packetBytes && durationSec && durationSec > 0 && audio?.bitrateKbps && !ff.durationEstimated && statedOff(audio.bitrateKbps, packetBytes, durationSec));
  if (rendered && bitrateKbps !== undefined)
    warnings.push(`ffmpeg renders this file's audio (its ${ff.container.split(',')[0]} demuxer synthesises the music from the file: it is not stored as sound): ${audio?.bitrateKbps ? `its ${audio.bitrateKbps} kb/s is the rendered PCM's; ` : ''}the file's ${input.sizeBytes} bytes over its length are ${bitrateKbps} kb/s.`);
  if (ff.durationEstimated && audio?.bitrateKbps && bitrateKbps !== undefined && Math.abs(bitrateKbps - audio.bitrateKbps) > 0.1 * bitrateKbps) {
    warnings.push(`ffmpeg's ${audio.bitrateKbps} kb/s is the first frames' bitrate of a variable-bitrate stream; the average over every frame is ${bitrateKbps} kb/s.`);
  }
  // the file's bitrate over the duration shown (ffmpeg's is over the stated one, which may be wrong)
  const fileKbps = durationSec && durationSec > 0 && durationSec !== ff.durationSec ? Math.round((input.sizeBytes * 8) / durationSec / 1000) : ff.bitrateKbps;
  const hasVideo = ff.streams.some((s) => s.type === 'video' && !s.attachedPic); // its bytes are no overhead
  if (structure?.unpaddedChunk) warnings.push(unpaddedText(structure.unpaddedChunk, /aif/.test(ff.container) ? 'AIFF' : 'WAV'));
  if (structure?.trailing && durationSec) {
    warnings.push(trailingText(structure.trailing, ff.container.split(',').includes('wav') ? 'WAV' : containerLabel(ff.container), fmtTime(durationSec)));
  } else if (!hasVideo && !structure?.truncated && fileKbps !== undefined && bitrateKbps !== undefined && !ff.durationEstimated && fileKbps > bitrateKbps * 1.25 && fileKbps - bitrateKbps > 16 && overheadBytes(input.sizeBytes, bitrateKbps, durationSec) > OVERHEAD_BYTES) {
    // other audio streams (a second language, a commentary) are bytes of the file too, neither tags nor overhead
    const otherAudio = ff.streams.filter((s) => s.type === 'audio').length - 1;
    // tags39: a tagger's reserved space named as padding where it is most of what is not cover art (eyeD3 keeps a
    // removed 2 MB cover's room; metaflac --add-padding) — it was called "tags and container overhead"
    const pad = structure?.tagPadding;
    const rest = overheadBytes(input.sizeBytes, bitrateKbps, durationSec) - covers;
    const padding = pad && pad.bytes >= PADDING_NAMED_BYTES && pad.bytes >= rest / 2 ? `${fmtBytes(pad.bytes)} of padding (empty space its ${pad.where === 'FLAC' ? 'FLAC metadata keeps' : 'ID3v2 tag keeps'} for later tag edits)` : null;
    const named = [covers > 0 ? `${(covers / 1e6).toFixed(1)} MB of embedded cover art` : null, padding].filter((x) => x !== null);
    const others = otherAudio > 0 ? `${otherAudio === 1 ? 'a second audio stream' : `${otherAudio} more audio streams`}${named.length ? (named.length > 1 ? ', ' : ' and ') : ', '}` : '';
    const extra = named.length ? ` including ${others}${named.join(' and ')}` : ` including ${others}tags and container overhead`;
    warnings.push(`The file as a whole is ${fileKbps} kb/s${extra}; the ${otherAudio > 0 ? (readS ? `audio stream read (#0:${read})` : 'first audio stream') : 'audio'} alone is ${bitrateKbps} kb/s.`);
  }
  // a file of a few samples (a 1-sample WAV from a test-signal tool or a cut gone wrong): its duration rounds to 0:00.000
  // and nothing can be measured of it; said, with its count, rather than left to look like an ordinary file
  const rate = audio?.sampleRate;
  if (audio && rate && durationSec !== null && durationSec !== undefined && durationSec > 0 && durationSec < MODEL_MIN_SEC && !durationEstimated) {
    const n = Math.round(durationSec * rate);
    warnings.push(`The file holds only ${n} sample${n === 1 ? '' : 's'} of audio (${(durationSec * 1000).toFixed(2)} ms at ${rate} Hz): too short for loudness, tempo or key to be measured, or for the model to hear (it needs ${MODEL_MIN_SEC * 1000} ms: one filterbank window).`);
  }
  // one bitrate everywhere: the first audio stream's line states the audio's average, not ffmpeg's first-frames guess
  let seen = false;
  /** ffmpeg's streams with the first audio stream's bitrate settled to `bitrateKbps` where ffmpeg only guessed it or stated none */
  const streams = (ff.streams as S[]).map((s): S => {
    const own = dsdRates(s);
    if (s.type !== 'audio' || seen) return own;
    seen = true;
    return bitrateKbps !== undefined && s.bitrateKbps !== bitrateKbps && (ff.durationEstimated || statedWrong || s.bitrateKbps === undefined) ? ({ ...own, bitrateKbps } as S) : own;
  });
  // the stream read was put first among the audio streams (readStreamView): the file's own order again
  if (readS) streams.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  trackerModule(input.path, ff.container, structure, streams, tags);
  return { durationSec, durationEstimated, bitrateKbps, ...(statedDurationSec !== undefined ? { statedDurationSec } : {}), tags, warnings, streams };
}

/**
 * The warning of a FLAC whose "fLaC" marker is overwritten while its header follows intact (structure.ts
 * flacMarkerDamaged; its tags were read from that header): what is wrong, what still works, and the two repairs.
 */
export function flacMarkerText(path: string, found: string): string {
  const name = basename(path);
  const hex = Buffer.from(found, 'latin1').toString('hex').replace(/(..)(?!$)/g, '$1 ');
  const shown = /^[\x20-\x7e]{4}$/.test(found) ? `"${found}" (hex ${hex})` : `hex ${hex}`;
  return `"${name}" is damaged: a FLAC file starts with the 4-byte marker "fLaC", and this one's first 4 bytes are ${shown}. The header after them is intact, so the length, format and tags shown are read from it, and ffmpeg reads the audio; other players and tag editors may refuse the file. To repair it, write "fLaC" over its first 4 bytes (with a hex editor), or re-encode its audio into a new file: ffmpeg -i "${name}" -c:a flac fixed.flac (the tags are not carried over).`;
}

/**
 * The warning of FLAC audio frames with no FLAC header before them (crossCheck's `headerless`), by what the file starts
 * with (`framesAt`: Structure.flacFramesAt): a frame (0) — a raw FLAC stream, nothing damaged (a capture, a program
 * that leaves the header off); other bytes, then frames — a stream cut mid-frame or a header written over, which the
 * bytes cannot tell apart; no frame found in the first 64 KiB (null) — a header damaged. Each says what is missing and
 * the command that makes a FLAC file of the audio: FLAC re-encoded to FLAC, the same samples (ffmpeg 5.1's `-c copy`
 * cannot: its FLAC muxer needs the STREAMINFO it would copy).
 */
function flacHeaderlessText(path: string, framesAt: number | null): string {
  const name = basename(path);
  const repair = `ffmpeg -i "${name}" -c:a flac fixed.flac`;
  if (framesAt === 0)
    return `"${name}" is a raw FLAC stream: FLAC audio frames with no header (a FLAC file starts with the marker "fLaC" and a STREAMINFO block; a stream captured, or written by a program that leaves the header off, has neither). ffmpeg reads its audio and its length is measured, but it states no length and has no tags or cover art, and other players and tag editors may refuse it. To make it a FLAC file with a header (the same samples: FLAC to FLAC is lossless): ${repair}.`;
  if (framesAt !== null)
    return `"${name}" has no FLAC header: its first ${framesAt} bytes are not FLAC audio frames (the end of a frame, where a raw FLAC stream was cut, or a header written over), and the audio frames follow them. ffmpeg reads the audio from there and its length is measured, but it states no length and has no tags or cover art, and other players may refuse the file. To make a FLAC file with a header of the audio from the first whole frame (the same samples: FLAC to FLAC is lossless): ${repair}.`;
  return `"${name}" is damaged: its FLAC header is missing (a FLAC file starts with the marker "fLaC" and a STREAMINFO block; this one's first bytes are something else). ffmpeg finds the audio frames without it, so the audio is read and its length measured, but the stated length, the tags and any cover art went with the header, and other players may refuse the file. Use another copy of the file if you have one; else keep the sound in a readable file by re-encoding it: ${repair}.`;
}

/**
 * A tracker module that ffmpeg's libopenmpt demuxer renders (.mod, .xm, .it, .s3m …): its audio stream's codec is the
 * PCM libopenmpt renders ("pcm_f32le"), so the stream gets `module`, the module's format (structure.ts
 * trackerModuleOf: "ProTracker MOD", "FastTracker 2 XM"; without a signature — a 15-sample Soundtracker MOD — the
 * extension's, "MOD module"), which the probe, the track's details and the library show for the codec. Its comment
 * is libopenmpt's song message, or the sample and instrument names where it has none: one line each, most of them
 * blank in most modules, so blank lines are dropped and the rest kept in order. In place; the one rule of probe and library.
 */
function trackerModule<S extends FfmpegStated['streams'][number]>(path: string, container: string, structure: Structure | null, streams: S[], tags: Tags): void {
  if (container.split(',')[0] !== 'libopenmpt') return;
  const ext = extname(path).slice(1).toUpperCase();
  const name = structure?.trackerModule ?? (ext ? `${ext} module` : 'tracker module');
  const at = streams.findIndex((s) => s.type === 'audio');
  if (at >= 0) streams[at] = { ...streams[at], module: name };
  if (typeof tags.comment === 'string') {
    const lines = tags.comment.split(/\r\n|\r|\n/).map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
    if (lines.length) tags.comment = lines.join('\n');
    else delete tags.comment;
  }
}

/**
 * crossCheck's inputs as they are of the audio stream `read` where it is not the first: `ff` with `read` first among
 * the audio streams (every "first audio stream" rule of the check is then of it), `structure` without what it says of
 * the first audio track alone (its sample table, blocks, gapless count, links, frames: matroskaAudio, mp4Audio,
 * gapless, flac, caf, ogg, oggAudioBytes, exactFrames), `mm` without its duration (music-metadata's is of its own
 * first track). The measured length of `read` (crossCheck's `measured`) stands in for them.
 */
function readStreamView<S extends FfmpegStated['streams'][number]>(ff: FfmpegStated & { streams: S[] }, mm: IAudioMetadata | null, structure: Structure | null, read: S): { ff: FfmpegStated & { streams: S[] }; mm: IAudioMetadata | null; structure: Structure | null } {
  const at = ff.streams.findIndex((s) => s.type === 'audio');
  const streams = (ff.streams as S[]).filter((s) => s !== read);
  streams.splice(at, 0, read);
  const view = structure && { ...structure, matroskaAudio: null, mp4Audio: null, gapless: null, flac: null, caf: null, ogg: null, oggAudioBytes: null, exactFrames: null };
  return { ff: { ...ff, streams }, mm: mm && { ...mm, format: { ...mm.format, duration: undefined } }, structure: view };
}

/**
 * The statement of a file of several audio streams (the track's info: probe and library warnings): which one is read
 * (`read`, best-stream.ts bestStream, av_find_best_stream's rule: the first unless a later one is flagged default) —
 * analysed, drawn, played and heard by the model — why, the others, and where the ffmpeg command line without -map
 * would take another (ffmpegCliAudioStream: the most channels), that one.
 */
function readStreamText(path: string, streams: FfmpegStated['streams'], read: FfmpegStated['streams'][number]): string {
  const audio = streams.filter((s) => s.type === 'audio');
  const desc = (s: FfmpegStated['streams'][number]) => `#0:${s.index}, ${[s.codec, s.sampleRate && `${s.sampleRate} Hz`, s.channelLayout ?? (s.channels && `${s.channels} channels`)].filter(Boolean).join(', ')}`;
  const others = audio.filter((s) => s !== read);
  const firstRead = read === audio[0];
  const why = firstRead
    ? `the first${audio.some((s) => s.isDefault) ? '' : ' (none is flagged default)'}, as libavformat's av_find_best_stream and the model's reference loader pick it`
    : `${read.isDefault ? 'flagged default, ' : ''}as ffmpeg and the model's reference loader pick it, not the first`;
  const cliIndex = ffmpegCliAudioStream(streams as StreamInfo[]);
  const cli = cliIndex !== null && cliIndex !== read.index ? audio.find((s) => s.index === cliIndex) : undefined;
  const cliText = cli ? ` The ffmpeg command line without -map (\`ffmpeg -i "${basename(path)}" out.wav\`) decodes ${desc(cli)} instead: it takes the stream with the most channels; \`-map 0:${read.index}\` gives the one the studio reads.` : '';
  return `"${basename(path)}" holds ${audio.length} audio streams; the one read — analysed, drawn, played and heard by the model — is ${desc(read)}, ${why}: the other${others.length > 1 ? 's are' : ' is'} ${others.map(desc).join('; ')}.${cliText}`;
}

/**
 * The tags of an AIFF file's own text chunks (structure.aiffText, each decoded as UTF-8 where it is valid UTF-8,
 * else as Mac OS Roman or Windows-1252): title NAME, artist AUTH, comment the COMT chunk's comments then the ANNO chunks' text
 * ("; "-joined, each once). music-metadata reads these chunks as ASCII (the high bit stripped: "SE\x13ur") and not
 * COMT at all, and ffmpeg passes their bytes on as UTF-8 (Mac OS Roman's "é" becomes U+FFFD). A warning names the
 * fields read as 8-bit text, and as which (aiffText: Mac OS Roman or Windows-1252, a guess from the bytes). Fields the file's ID3 chunk holds (`id3`: its tags, which
 * come first) are left to it. Empty without such chunks.
 */
export function aiffTags(structure: Structure | null, warnings: string[], id3: Tags = {}): Tags {
  const texts = (structure?.aiffText ?? []).filter((t) => t.text.trim() !== '');
  const t: Tags = {};
  const first = (id: string) => texts.find((x) => x.id === id);
  const name = id3.title === undefined ? first('NAME') : undefined;
  const auth = id3.artist === undefined ? first('AUTH') : undefined;
  if (name) t.title = name.text;
  if (auth) t.artist = auth.text;
  const notes = id3.comment === undefined ? [...texts.filter((x) => x.id === 'COMT'), ...texts.filter((x) => x.id === 'ANNO')] : [];
  if (notes.length) t.comment = [...new Set(notes.map((x) => x.text))].join('; ');
  const eight = [name, auth, ...notes].filter((x) => x !== undefined && (x.charset === 'Mac OS Roman' || x.charset === 'Windows-1252')) as typeof texts;
  for (const cs of ['Mac OS Roman', 'Windows-1252'] as const) {
    const these = eight.filter((x) => x.charset === cs);
    if (!these.length) continue;
    const ids = [...new Set(these.map((x) => x.id))];
    const why = cs === 'Mac OS Roman' ? 'the character set of the Mac programs that wrote AIFF text' : 'its accented letters read as letters only so, as Windows programs wrote them';
    warnings.push(`The AIFF text chunk${ids.length > 1 ? 's' : ''} ${ids.join(', ')} ${ids.length > 1 ? 'are' : 'is'} not UTF-8 but legacy 8-bit text, read as ${cs} (${why}: "${these[0].text}"). Check the spelling.`);
  }
  return t;
}

/**
 * A WAV's Broadcast Wave chunk (structure.bext) in `tags` (changed in place): `tags.broadcast` its fields that are not
 * blank (the time reference always), and the comment its description, exactly, where the file holds no other comment
 * (`otherComment`: music-metadata's reading of a RIFF INFO ICMT or an id3 chunk). music-metadata reads no bext field into
 * its common tags, and ffmpeg's log (where the studio reads ffmpeg's tags) prints each CR as a space and 8-bit text as
 * U+FFFD, so the description came through as ffmpeg's log shows it. A description that differs from the other comment
 * is kept under `broadcast` and said in a warning (ffmpeg shows whichever chunk comes last); 8-bit bext text too.
 */
export function bextTags(tags: Tags, otherComment: string | undefined, structure: Structure | null, warnings: string[]): void {
  const b = structure?.bext;
  if (!b) return;
  const broadcast: NonNullable<Tags['broadcast']> = {};
  const text = { description: b.description, originator: b.originator, originatorReference: b.originatorReference, originationDate: b.originationDate, originationTime: b.originationTime, codingHistory: b.codingHistory };
  for (const [k, v] of Object.entries(text)) if (v.trim() !== '') broadcast[k as keyof typeof text] = v;
  broadcast.timeReference = b.timeReference;
  if (b.umid) broadcast.umid = b.umid;
  tags.broadcast = broadcast;
  const short = (s: string) => (s.length > 60 ? `${s.slice(0, 57).trimEnd()}…` : s).replace(/\s+/g, ' ');
  if (b.description.trim() !== '') {
    if (otherComment === undefined || otherComment.trim() === '') tags.comment = b.description;
    else if (otherComment.trim() !== b.description.trim()) {
      warnings.push(`The WAV's Broadcast Wave description ("${short(b.description)}") differs from its comment ("${short(otherComment)}"): the comment is shown; the description is kept with the broadcast fields.`);
    }
  }
  if (b.charset === 'Windows-1252') {
    const example = Object.values(text).find((v) => /[^\u0000-\u007f]/.test(v)) ?? '';
    warnings.push(`The Broadcast Wave (bext) text is not ASCII or UTF-8 but legacy 8-bit text, read as Windows-1252 ("${short(example)}"). Check the spelling.`);
  }
}

/**
 * Matroska tag levels (RFC 9559 §5.1.8, "Tag Targets"): a Tag aimed at level 50 (ALBUM) names the album — its TITLE
 * is the album's title, its ARTIST the album artist — and one at level 30 (TRACK) names the track; music-metadata
 * reads a TargetTypeValue without a TargetType word as a track tag, and ffmpeg prints both levels' TITLE as one
 * "title" (the last wins), so the album's title became the track's. Here, from the file's own Tags
 * (structure.matroskaTags): title and artist from level 30, or from a Tag whose Targets state no level where no Tag
 * is at a track level (ffmpeg writes every tag there and reads it as the file's; with track-level Tags beside it, it
 * is the spec's default, 50, as mkvmerge/mkvpropedit store an explicit 50); album and album artist from level 50's TITLE
 * and ARTIST, else a track-level ALBUM / ALBUM_ARTIST (as ffmpeg writes them). A value that only an album-level
 * Tag holds is never the track's. In a file with video, level 50 is the movie (the spec's MOVIE), whose TITLE is
 * the file's title where no track-level one is tagged. Changes `tags` in place; nothing without Matroska Tags.
 */
export function matroskaLevels(tags: Tags, structure: Structure | null, hasVideo: boolean): void {
  const all = structure?.matroskaTags;
  if (!all?.length) return;
  const first = (levels: (l: number | null) => boolean, ...names: string[]): string | undefined => {
    for (const n of names) for (const t of all) if (levels(t.level)) { const v = t.simple.find((x) => x.name === n)?.value; if (v?.trim()) return v; }
    return undefined;
  };
  // a Targets without a level is level 50 by the spec (mkvmerge and mkvpropedit leave the default 50 out), but ffmpeg
  // writes every tag of the file there and reads them as the file's: such a Tag is the album's only where the file
  // tags a track level too
  const levelled = all.some((t) => t.level !== null && t.level <= 30);
  const track = (l: number | null) => (l === null ? !levelled : l <= 30);
  const album = (l: number | null) => (l === null ? levelled : l === 50);
  const own = { title: first(track, 'TITLE'), artist: first(track, 'ARTIST'), album: first(album, 'TITLE') ?? first(track, 'ALBUM'), albumArtist: first(album, 'ARTIST') ?? first(track, 'ALBUM_ARTIST', 'ALBUMARTIST', 'ALBUM ARTIST') };
  if (hasVideo) {
    own.title ??= first(album, 'TITLE');
    own.album = first(track, 'ALBUM');
  }
  const albumOnly = new Set(all.filter((t) => !track(t.level)).flatMap((t) => t.simple.map((x) => x.value)));
  for (const f of ['title', 'artist', 'album', 'albumArtist'] as const) {
    const v = own[f];
    if (v !== undefined) tags[f] = v;
    else if ((f === 'title' || f === 'artist') && tags[f] !== undefined && albumOnly.has(tags[f]!)) delete tags[f];
  }
}

/**
 * What ffmpeg 5.1 decodes of an MP4/MOV's one audio track (structure.mp4Audio), in seconds: its sample table's
 * length (AAC: every packet a whole 1024-sample frame, the last one's end padding included — ffmpeg trims no end)
 * less the start it skips — an iTunSMPB tag's priming where the tag is this audio's (libavformat/mov.c takes it over
 * the edit list's), else the edit list's media_time. An ffmpeg-written 8 s AAC .m4a: 8.011 s decodes, while its
 * edit list (and ffmpeg's Duration) says 8.000 — the studio states what decodes, as for every other container, so
 * the probe, the library and the analysis agree without a decode. null without such a track. Pure.
 */
export function mp4DecodedSec(structure: Structure | null, smpb: { stale: boolean; priming: number; rate: number } | null): number | null {
  const a = structure?.mp4Audio;
  if (!a) return null;
  const skip = smpb && !smpb.stale && smpb.priming > 0 && smpb.priming < 16384 ? smpb.priming / smpb.rate : a.skipSec;
  const sec = a.tableSec - skip;
  return sec > 0 ? sec : null;
}

/**
 * An ASF file of one WMA 1/2 stream and no video: its codec, rate, and whether ffmpeg's asf muxer wrote it (its
 * "encoder" tag "Lavf…"). Files other muxers write (Windows Media encoders, GStreamer's asfmux) follow other rules
 * for the header's play duration and their last packets — GStreamer 1.22's: ffmpeg 5.1 reads "invalid padsize" in
 * them and decodes 7.80 s of a 7.99 s header — so their length is what a decode gives (packetsNeeded). null otherwise.
 */
export function wmaAudio(ff: FfmpegStated): { codec: 'wmav1' | 'wmav2'; rate: number; byFfmpeg: boolean } | null {
  if (!ff.container.split(',').includes('asf') || ff.streams.some((s) => s.type === 'video' && !s.attachedPic)) return null;
  const audio = ff.streams.filter((s) => s.type === 'audio');
  const codec = audio[0]?.codec;
  const rate = audio[0]?.sampleRate;
  if (audio.length !== 1 || (codec !== 'wmav1' && codec !== 'wmav2') || !rate) return null;
  return { codec, rate, byFfmpeg: /^Lavf/.test(ff.metadata?.encoder ?? '') };
}

/**
 * WMA (wmav1/wmav2 in ASF, audio only, written by ffmpeg: wmaAudio): the seconds ffmpeg decodes. Every
 * WMA frame holds frameLen samples (2^frame_len_bits: 512 up to 16 kHz, 1024
 * up to 22.05 kHz — and 32 kHz for WMA 1 — else 2048; libavcodec/wma.c
 * ff_wma_get_frame_len_bits), and ffmpeg's decoder outputs nothing for the
 * first frame (its MDCT overlap; measured on ffmpeg 5.1 at 16–48 kHz, mono and
 * stereo, WMA 1 and 2: decoded = packets − one frame). The header's play
 * duration less its preroll (music-metadata's, to 1 ms; else ffmpeg's 10 ms
 * print) is rounded to whole frames, less one. null for other files. Pure.
 */
export function wmaDecodedSec(ff: FfmpegStated, mm: IAudioMetadata | null): number | null {
  const wma = wmaAudio(ff);
  if (!wma || !wma.byFfmpeg) return null;
  const { codec, rate } = wma;
  const version = codec === 'wmav1' ? 1 : 2;
  const bits = rate <= 16000 ? 9 : rate <= 22050 || (rate <= 32000 && version === 1) ? 10 : 11;
  const frame = 2 ** bits;
  const header = mm && /^ASF/i.test(mm.format.container ?? '') && Number.isFinite(mm.format.duration) ? mm.format.duration! : null;
  const sec = header ?? ff.durationSec;
  if (!sec || sec <= 0) return null;
  const frames = Math.round((sec * rate) / frame);
  return frames > 1 ? ((frames - 1) * frame) / rate : null;
}

/**
 * A duration as the studio states it (probe, analyze, the library's table,
 * detail and export): seconds rounded to the millisecond — the one rounding,
 * so every place shows the same figure. Finer would promise what no
 * container's timestamps hold (Matroska and ASF: 1 ms); a sample at 48 kHz is
 * 0.02 ms.
 */
export function durationShown(sec: number): number {
  return Math.round(sec * 1000) / 1000;
}

/** the bytes beyond the audio's under which the file's own bitrate is not worth a warning: a header, a small tag (a WAV of a few samples is mostly its 44-byte header) */
const OVERHEAD_BYTES = 16_384;
/**
 * a tag's padding (Structure.tagPadding) named in that warning from this size on: more than a tagger leaves by itself
 * (eyeD3's --max-padding default is 64 KiB, mutagen's about 1 % of the file, flac's own PADDING block 8 kB)
 */
const PADDING_NAMED_BYTES = 65_536;

/** the shortest audio the model hears: one 25 ms filterbank window (model/processors.ts assertClipsHearable refuses less) */
const MODEL_MIN_SEC = 0.025;

/** the file's bytes that are not audio: its size less `kbps` over `sec` (Infinity where the duration is unknown) */
function overheadBytes(sizeBytes: number, kbps: number, sec: number | null | undefined): number {
  return sec && sec > 0 ? sizeBytes - (kbps * 1000 * sec) / 8 : Infinity;
}

/**
 * ffmpeg's stated duration made exact where music-metadata read the header's own count: ffmpeg's log prints
 * "Duration: 00:00:04.64" — centiseconds, truncated (libavformat dump.c) — so a FLAC (STREAMINFO), AIFF/AIFF-C (COMM)
 * or WavPack of 204 800 samples at 44.1 kHz (4.644 s) was stated as 4.640 s in the probe and the library. music-metadata's
 * duration (the header's sample count over the rate) is taken where it falls inside ffmpeg's 10 ms (so it can only
 * refine ffmpeg's figure, never replace it); ffmpeg's otherwise, and null where ffmpeg states none. Not for
 * ffmpeg's bitrate estimate (music-metadata's would be one too). Pure.
 */
export function finerSec(ff: Pick<FfmpegStated, 'durationSec' | 'durationEstimated'>, mm: IAudioMetadata | null): number | null {
  const f = ff.durationSec;
  if (f === null || f === undefined) return null;
  const m = mm?.format.duration;
  if (ff.durationEstimated || m === undefined || !Number.isFinite(m) || m <= 0) return f;
  return m >= f - 1e-9 && m < f + 0.01 ? m : f;
}

/**
 * The seconds of PCM packets a demuxer rendered (libopenmpt, libgme: crossCheck's `rendered`): their bytes over the
 * first audio stream's frame size and rate — to the sample, where the packets' timestamps are whole milliseconds
 * (libgme: 5.061 s read for the 5.062 s that decode). null where the stream is no PCM of a stated rate and channels.
 */
function renderedSec(ff: FfmpegStated, bytes: number): number | null {
  const a = ff.streams.find((s) => s.type === 'audio');
  const bits = /^pcm_[suf](8|16|24|32|64)/.exec(a?.codec ?? '')?.[1];
  if (!a?.sampleRate || !a.channels || !bits) return null;
  return bytes / ((Number(bits) / 8) * a.channels) / a.sampleRate;
}

/** a stream's stated kb/s is more than 10 % off the average of the packets that were read (`bytes` over `sec`) */
function statedOff(kbps: number, bytes: number, sec: number): boolean {
  const real = (bytes * 8) / sec / 1000;
  return Math.abs(kbps - real) > 0.1 * real;
}

/**
 * The gapless length of an MP4 (AAC) with Apple's iTunSMPB tag
 * ("----:com.apple.iTunes:iTunSMPB": " 00000000 PPPPPPPP RRRRRRRR SSSSSSSSSSSSSSSS …",
 * hex: encoder priming, end padding, original sample count) in seconds: the
 * sample count over the sample rate. ffmpeg skips the priming but decodes the
 * padding (libavformat/mov.c reads only the priming), so what it decodes runs
 * that padding (< one AAC frame) past this length; the library shows this length.
 * null when there is no such tag. `stale`: the tag cannot be this audio's —
 * its count is more than the container's duration (`statedSec`, ffmpeg's)
 * holds, or less by more than its priming, padding and one 2048-sample frame
 * (a tag copied from another encode by a tagger, or kept through a re-encode
 * or a cut); the length is then not taken from it. `priming`: the tag's
 * priming in samples, `rate` the sample rate (Hz) its counts are at.
 */
export function itunSmpbSec(mm: IAudioMetadata | null, container: string, statedSec?: number | null): { sec: number; stale: boolean; priming: number; rate: number } | null {
  if (!mm || !container.split(',').includes('mov') || !mm.format.sampleRate) return null;
  const rate = mm.format.sampleRate;
  const tag = (mm.native?.iTunes ?? []).find((t) => /iTunSMPB$/i.test(t.id));
  const m = typeof tag?.value === 'string' ? /^\s*[0-9a-f]{8}\s+([0-9a-f]{8})\s+([0-9a-f]{8})\s+([0-9a-f]{16})/i.exec(tag.value) : null;
  const samples = m ? parseInt(m[3], 16) : 0;
  if (!m || samples <= 0) return null;
  const held = statedSec && statedSec > 0 ? statedSec * rate : null;
  // ffmpeg prints its duration to 10 ms: half of that, and one sample, is the reading's own slack
  const stale = held !== null && (samples > held + 0.005 * rate + 1 || samples < held - (parseInt(m[1], 16) + parseInt(m[2], 16) + 2048 + 0.005 * rate));
  return { sec: samples / rate, stale, priming: parseInt(m[1], 16), rate };
}

/**
 * music-metadata parsed the container ffmpeg found (its parser was chosen by
 * content, or by the extension when the content said nothing): its byte
 * counts are then about this file's audio, whatever the file is named.
 */
function mmReadSameContainer(mm: IAudioMetadata, ffContainer: string): boolean {
  const c = (mm.format.container ?? '').toLowerCase();
  const names = ffContainer.split(',');
  return (c === 'flac' && names.includes('flac')) || (c === 'ogg' && names.includes('ogg'));
}
