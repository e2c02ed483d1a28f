/**
 * What a file's own structure says, read from its bytes without ffmpeg: the
 * boxes, chunks or blocks of the container (a handful of small reads, never
 * the media data), for what neither ffmpeg's dump nor music-metadata states:
 *
 * - truncation: the file ends inside a box/chunk/block its structure
 *   declares (an MP4 cut inside `mdat` before its `moov`, a FLAC cut inside
 *   its embedded picture, a RIFF/AIFF or CAF chunk, an ID3v2 tag, a Matroska
 *   segment) — so an unreadable file is named truncated, not "not media";
 * - trailing data: bytes after the last chunk of a RIFF/AIFF file that
 *   belong to no chunk (a WAV whose `data` size counts fewer bytes than
 *   follow it: ffmpeg plays only what the chunk counts);
 * - gapless length: an MP3's Xing/Info frame count with the LAME
 *   extension's encoder delay and padding (what ffmpeg's mp3 demuxer trims,
 *   libavformat/mp3dec.c mp3_parse_info_tag), so the probe states the
 *   duration that decodes;
 * - FLAC STREAMINFO's total sample count (0: unknown, RFC 9639 §8.2).
 *
 * Sources: ISO/IEC 14496-12 §4.2 (box header), RFC 9639 §8 (FLAC metadata
 * blocks), Microsoft RIFF / EA IFF 85 (chunks), Apple's Core Audio Format
 * Specification 1.0 (CAF chunks), ID3v2.4 §3.1, RFC 8794
 * (EBML), the LAME tag specification (gabriel.mp3-tech.org/mp3infotag.html).
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { StudioError } from '@contract';
import { decodeCp1252 } from './cp1252';
import { freeFormatMpeg, id3v2Length, mpegFrameLength, type FreeFormatMpeg } from './demuxer';
import { chunkAfterOdd } from './riff';

export interface Truncation {
  /** the container, as a user names it ("MP4", "FLAC", "WAV", "AIFF", "MP3", "Matroska") */
  container: string;
  /** what the file ends inside, in words ("its embedded picture (FLAC PICTURE block)") */
  inside: string;
  /** bytes the file holds, and the bytes its structure declares up to the end of what it ends inside */
  sizeBytes: number;
  declaredBytes: number;
  /** the file ends before the MP4 index (`moov`) that says where the audio is: nothing can be decoded */
  noIndex?: boolean;
  /** the file ends before its first audio byte (inside the metadata): nothing can be decoded */
  beforeAudio?: boolean;
  /** the seconds of audio that decode (the whole frames/blocks before the cut), where the structure says */
  decodableSec?: number;
}

/**
 * An MP4/MOV audio track's sample table facts (mp4Audio): its length by the table (stts, s), the edit list's start
 * (elst media_time, s; 0 without one), where they were read (`source`, in words), and the count of other audio tracks.
 */
export interface Mp4AudioTable {
  tableSec: number;
  skipSec: number;
  source: string;
  otherAudioTracks?: number;
}

export interface Structure {
  truncated: Truncation | null;
  /**
   * The empty space a tagger reserved for later tag edits, in bytes, where there is some (tags39): the padding after
   * the last frame of the ID3v2 tags in front of an MP3 (ID3v2.3/2.4 §3.3 "Padding"; eyeD3 keeps it after a cover is
   * removed, up to --max-padding) or a FLAC's PADDING blocks (RFC 9639 §8.3, `metaflac --add-padding`), their block
   * headers included. Absent where none, or where an ID3v2 tag's frames cannot be walked (unsynchronised 2.2/2.3).
   */
  tagPadding?: { bytes: number; where: 'ID3v2' | 'FLAC' };
  /** RIFF/AIFF: bytes after the last chunk that belong to no chunk (offset, length), and the audio chunk's size */
  trailing: { offset: number; bytes: number; audioChunk: string; audioChunkBytes: number } | null;
  /** MP3 with a Xing/Info frame count: the samples ffmpeg decodes (count × samples per frame − delay − padding) */
  gapless: { samples: number; sampleRate: number; delay: number; padding: number; source: string } | null;
  /** FLAC STREAMINFO total samples (0 = not stated) and sample rate */
  flac: { totalSamples: number; sampleRate: number } | null;
  /**
   * FLAC: the streams that follow the first (`cat a.flac b.flac`): each one's byte offset and its STREAMINFO's total
   * samples and rate. ffmpeg decodes their frames too (less a few at each join), so the first STREAMINFO is no length
   */
  flacStreams?: Array<{ offset: number; totalSamples: number; sampleRate: number }>;
  /**
   * Ogg, where its pages were walked (readStructure's `oggPages`, or a chained file): the bytes of the audio
   * packets of every link (page bodies after each link's header pages, RFC 3533 §6: a page's body is its
   * packets' bytes), for the audio bitrate of every Ogg codec; null when not walked or not Ogg
   */
  oggAudioBytes?: number | null;
  /** Ogg, where its pages were walked: its links (one for a plain file; several for a chained one, RFC 3533 §4) */
  ogg?: { links: OggLink[] } | null;
  /**
   * Ogg Opus: the OpusHead's output gain (RFC 7845 §5.1: a signed Q7.8 number, dB), which every decoder applies —
   * ffmpeg's too, so the studio's loudness includes it — and R128_TRACK_GAIN / R128_ALBUM_GAIN are on top of
   * (§5.2.1); of the first link; absent where it is 0 or the file is no Ogg Opus
   */
  opusOutputGainDb?: number;
  /**
   * CAF packet table (pakt chunk: mNumberValidFrames, mPrimingFrames, mRemainderFrames) and desc mSampleRate:
   * the frames that decode (priming and remainder excluded), as ffmpeg's caf demuxer trims them
   */
  caf?: { validFrames: number; primingFrames: number; remainderFrames: number; sampleRate: number } | null;
  /**
   * RIFF/AIFF: a chunk of odd size written without the pad byte the format requires (a known writer bug), found
   * because the next chunk only reads where no pad is assumed (riff.ts chunkAfterOdd); the file is read that way
   */
  unpaddedChunk?: { id: string; offset: number; bytes: number } | null;
  /**
   * The exact sample count the container's header states for an uncompressed stream — a WAV's PCM/float data chunk
   * (bytes / nBlockAlign) and a DSF file's fmt sampleCount (Sony DSF 1.01; its last 4096-byte block is zero-padded,
   * and ffmpeg decodes the padding) — with its sample rate: the duration is that, never what the padding adds
   */
  exactFrames?: { frames: number; sampleRate: number; source: string } | null;
  /**
   * WAV, WAVE_FORMAT_EXTENSIBLE PCM or IEEE float whose wValidBitsPerSample is less than its container width
   * wBitsPerSample (24 valid bits in 32-bit containers, as some recorders and DAWs write): read by the container width
   * (riff.ts extensibleDecoder), where ffmpeg 5.1 alone — and the reference's torchaudio 0.13 — would not
   */
  paddedSamples?: { bits: number; validBits: number; float: boolean } | null;
  /**
   * Matroska/WebM holding audio and no video (matroskaAudio): the first audio track's (ffmpeg's first audio stream:
   * its streams follow the TrackEntry order; `otherAudioTracks` counts the others) — the seconds its blocks span (first block's
   * timestamp to the last block's end), less the track's CodecDelay and the last block's DiscardPadding — what a
   * decoder outputs (Opus: the 312 pre-skip samples and the final frame's padding are not audio) — with the
   * blocks' sum and both trims in ns; only where its blocks were walked (readStructure's `matroskaBlocks`)
   */
  matroskaAudio?: { sec: number; blocksSec: number; codecDelayNs: number; discardPaddingNs: number; codecId: string; source: string; otherAudioTracks?: number } | null;
  /**
   * Matroska/WebM: the Segment's Tags (RFC 9559 §5.1.8), each Tag's target level — TargetTypeValue (30 TRACK,
   * 50 ALBUM/MOVIE, …) or, without one, TargetType's word mapped to its value; null where the Targets state neither
   * (ffmpeg's and mkvpropedit's global tags: the file's own) — and its SimpleTags (name upper-cased, string value);
   * Tags aimed at a track, chapter or attachment by UID are left out (they are not the file's). Read by matroskaTags.
   */
  matroskaTags?: Array<{ level: number | null; simple: Array<{ name: string; value: string }> }>;
  /**
   * AIFF/AIFF-C text chunks (AIFF 1.3 §§10–12: NAME, AUTH, ANNO, "(c) ", and each comment of COMT), in file order,
   * decoded by aiffText: UTF-8 where the bytes are valid UTF-8 (ffmpeg writes UTF-8), else 8-bit text as Mac OS Roman
   * (the Mac software that wrote AIFF: Logic, iTunes, Peak) or Windows-1252, whichever reads as letters; `charset` says which
   */
  aiffText?: Array<{ id: 'NAME' | 'AUTH' | 'ANNO' | '(c) ' | 'COMT'; text: string; charset: 'UTF-8' | 'ASCII' | 'Mac OS Roman' | 'Windows-1252' }>;
  /**
   * A WAV's Broadcast Audio Extension chunk (EBU Tech 3285 "bext": field recorders, DAWs, broadcast playout): each text
   * field up to its first NUL, CR/LF kept, decoded by bextText (ASCII as the spec says; UTF-8 where the bytes are
   * valid UTF-8; else Windows-1252, `charset` says which); `timeReference` the first sample's count since midnight
   * (64-bit; a Number: exact below 2^53); `umid` the SMPTE 330M UMID in hex ("0x…", 32 bytes, or 64 for an extended
   * one) where it is not all zeros; `codingHistory` the text after the fixed fields. Empty strings where a field is
   * blank. Read by the chunk walk, whose bext chunk of at least 602 bytes it is.
   */
  bext?: {
    description: string;
    originator: string;
    originatorReference: string;
    originationDate: string;
    originationTime: string;
    timeReference: number;
    version: number;
    umid: string | null;
    codingHistory: string;
    charset: 'ASCII' | 'UTF-8' | 'Windows-1252';
  };
  /**
   * MP4/MOV with one audio track and no video (mp4Audio): its sample table's length (stts: every packet's duration,
   * s) and the edit list's start (elst media_time, s; 0 without one) — ffmpeg 5.1 skips that start (the encoder's
   * priming) and decodes every packet after it, the last one's end padding too (it trims no end), so what decodes
   * is `tableSec − skipSec`, unless an iTunSMPB tag's priming replaces the skip (tags.ts mp4DecodedSec). A file of
   * several audio tracks: the first one's (ffmpeg's first audio stream; the studio reads it unless ffmpeg picks a later one
   * flagged default, and then leaves these facts out: tags.ts), with
   * `otherAudioTracks` the count of the others (the movie's duration is then the longest track's, not this one's)
   */
  mp4Audio?: Mp4AudioTable | null;
  /**
   * MP4/MOV with video and audio: the first audio track's facts as mp4Audio states them for a file without video
   * (its sample table's length and edit-list start, same rules; null where they cannot be read: fragments, an edit
   * list of another shape). `tableSec − skipSec` is the span the probe's packet count of that stream reads, so where
   * it ends with the file's Duration the probe needs no count to know the audio does not end before the picture
   * (probe.ts audioEndsWithFile)
   */
  mp4AudioBesideVideo?: Mp4AudioTable | null;
  /**
   * MP4/MOV: the video tracks (0-based among the file's tracks) whose display matrix mirrors the picture (mp4Mirrored);
   * Matroska/WebM: those whose Projection pose mirrors it (matroskaMirrored)
   */
  mirroredTracks?: number[];
  /**
   * MP3 whose first frame holds a Fraunhofer VBRI header (vbriHeader): its frame count and encoder delay. ffmpeg states
   * count × samples per frame as the length, but skips the VBRI frame itself and trims no delay, so its packets are counted
   */
  vbri?: { frames: number; delay: number } | null;
  /** an MPEG audio stream in free format (demuxer.ts freeFormatMpeg), which ffmpeg cannot decode */
  freeFormat?: FreeFormatMpeg | null;
  /** the ID3v1 tag at the file's end (any container), read here for the tag-conflict check; null when none */
  id3v1?: { title: string; artist: string; album: string } | null;
  /**
   * a tracker module's format by its header's signature (trackerModuleOf: "ProTracker MOD", "FastTracker 2 XM", …),
   * which ffmpeg's libopenmpt demuxer does not state (it names itself, "libopenmpt", and its stream the PCM it renders)
   */
  trackerModule?: string;
  /**
   * a FLAC whose first 4 bytes are not its "fLaC" marker while its STREAMINFO follows (flacMarkerDamaged): the bytes
   * found there (Latin-1); `flac` and the rest are read from the header after them
   */
  flacMarker?: string;
  /**
   * where the first FLAC audio frame starts (flacFrameStart: its sync code and a header whose CRC-8 is right) in a file
   * that has no "fLaC" marker or STREAMINFO: 0 for a raw FLAC stream (frames only, as a capture or a muxer told to leave
   * the header off writes it), more where other bytes come first (a stream cut mid-frame, a header written over).
   * Absent where the file starts otherwise or no frame is found in its first 64 KiB; read for every file that matched
   * no other format, so it says something only where ffmpeg reads the file as FLAC (tags.ts)
   */
  flacFramesAt?: number;
}

const NONE: Structure = { truncated: null, trailing: null, gapless: null, flac: null };

/** an ID3v1 tag (the last 128 bytes: "TAG", title 30, artist 30, album 30 — Latin-1, NUL/space padded); null when none */
async function id3v1(fh: FileHandle, size: number): Promise<Structure['id3v1']> {
  if (size < 128) return null;
  const b = await readAt(fh, size - 128, 128);
  if (b.toString('latin1', 0, 3) !== 'TAG') return null;
  const field = (from: number) => b.toString('latin1', from, from + 30).replace(/\0.*$/s, '').trim();
  return { title: field(3), artist: field(33), album: field(63) };
}

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const b = Buffer.alloc(len);
  const { bytesRead } = await fh.read(b, 0, len, pos);
  return b.subarray(0, bytesRead);
}

const ascii4 = (b: Buffer, i: number): boolean => {
  for (let k = i; k < i + 4; k++) if (b[k] < 0x20 || b[k] > 0x7e) return false;
  return true;
};

const FLAC_BLOCK = ['STREAMINFO', 'PADDING', 'APPLICATION', 'SEEKTABLE', 'VORBIS_COMMENT', 'CUESHEET', 'PICTURE'];
const MP4_BOX: Record<string, string> = { mdat: 'its audio data', moov: 'its index', moof: 'a fragment index', free: 'free space', udta: 'its tags' };
const RIFF_CHUNK: Record<string, string> = { data: 'its audio data', 'LIST': 'its tags', 'id3 ': 'its ID3 tag', 'ID3 ': 'its ID3 tag', SSND: 'its audio data', COMM: 'its format header', fmt: 'its format header' };

/**
 * Read the structure of the open file `fh` of `size` bytes (see the module
 * comment). `oggPages`: walk an Ogg file's page headers for its audio bytes
 * and links (one pass over the file; the probe asks, having no decode whose
 * packet count would tell) — a chained Ogg file is walked either way.
 * `matroskaBlocks`: walk a Matroska/WebM Opus file's blocks for the duration
 * that decodes (matroskaAudio; the probe asks, the library decodes).
 * Never throws: an unreadable or unknown file gives no findings.
 */
export async function readStructure(fh: FileHandle, size: number, opts: { oggPages?: boolean; matroskaBlocks?: boolean } = {}): Promise<Structure> {
  const [found, v1] = await Promise.all([readContainer(fh, size, opts.oggPages ?? false, opts.matroskaBlocks ?? false), id3v1(fh, size).catch(() => null)]);
  return v1 ? { ...found, id3v1: v1 } : found;
}

async function readContainer(fh: FileHandle, size: number, oggPages: boolean, matroskaBlocks: boolean): Promise<Structure> {
  try {
    const head = await readAt(fh, 0, Math.min(size, 64 * 1024));
    const id3 = id3v2Length(head);
    if (id3 > size) return { ...NONE, truncated: { container: 'MP3', inside: 'its ID3v2 tag (tags and cover art)', sizeBytes: size, declaredBytes: id3, beforeAudio: true } };
    // consecutive ID3v2 tags (a tagger that wrote a new tag before the old one): libavformat skips each, so the audio
    // (and its Xing/Info frame) starts after the last
    let start = id3;
    while (start > 0 && start + 10 <= size) {
      const next = id3v2Length(await readAt(fh, start, 10));
      if (!next || start + next > size) break;
      start += next;
    }
    const h = start === 0 ? head : await readAt(fh, start, Math.min(size - start, 64 * 1024));
    if (h.length >= 4 && h.toString('latin1', 0, 4) === 'fLaC') return await flac(fh, size, start, h);
    const found = await containerAfterTags(fh, size, start, h, oggPages, matroskaBlocks);
    if (start === 0 || found.truncated) return found;
    // the padding of the ID3v2 tags in front of the audio (an MP3's, or a tag prepended to another format)
    let padding = 0;
    for (let at = 0, len = id3; len > 0 && at < start; at += len, len = id3v2Length(await readAt(fh, at, 10))) padding += await id3v2Padding(fh, at);
    return padding > 0 ? { ...found, tagPadding: { bytes: padding, where: 'ID3v2' } } : found;
  } catch {
    return NONE;
  }
}

/** readContainer after the ID3v2 tags in front (`start`: where they end; `h`: the bytes from there), the FLAC case done */
async function containerAfterTags(fh: FileHandle, size: number, start: number, h: Buffer, oggPages: boolean, matroskaBlocks: boolean): Promise<Structure> {
  try {
    // a FLAC whose "fLaC" marker was overwritten (a bad sector, a tool writing over the start): its header after it is read
    if (start === 0 && flacMarkerDamaged(h) !== null) return { ...(await flac(fh, size, start, h)), flacMarker: h.toString('latin1', 0, 4) };
    const counted = start === 0 ? auOrTtaFrames(h, size) : null;
    if (counted) return { ...NONE, exactFrames: counted };
    if (h.length >= 12 && /^(RIFF|RF64)$/.test(h.toString('latin1', 0, 4)) && /^(WAVE|AVI )$/.test(h.toString('latin1', 8, 12))) return await chunks(fh, size, start, 'WAV', 'le');
    if (h.length >= 12 && h.toString('latin1', 0, 4) === 'FORM' && /^AIF[FC]$/.test(h.toString('latin1', 8, 12))) return await chunks(fh, size, start, 'AIFF', 'be');
    if (h.length >= 8 && /^(ftyp|moov|mdat|free|skip|wide)$/.test(h.toString('latin1', 4, 8))) return await mp4(fh, size, start);
    if (h.length >= 4 && h.readUInt32BE(0) === 0x1a45dfa3) {
      const found = matroska(h, size, start);
      if (found.truncated) return found;
      const audio = matroskaBlocks ? await matroskaAudio(fh, size, start, h).catch(() => null) : null;
      const tags = await matroskaTags(fh, size, start, h).catch(() => null);
      const mirrored = matroskaMirrored(h, start);
      return { ...found, ...(audio ? { matroskaAudio: audio } : {}), ...(tags?.length ? { matroskaTags: tags } : {}), ...(mirrored.length ? { mirroredTracks: mirrored } : {}) };
    }
    if (h.length >= 4 && h.toString('latin1', 0, 4) === 'wvpk') return await wavpack(fh, size, h);
    if (h.length >= 4 && h.toString('latin1', 0, 4) === 'OggS') return await ogg(fh, size, start, h, oggPages);
    if (h.length >= 80 && h.toString('latin1', 0, 4) === 'DSD ' && h.toString('latin1', 28, 32) === 'fmt ') return dsf(h);
    if (h.length >= 8 && h.toString('latin1', 0, 4) === 'caff' && h.readUInt16BE(4) === 1) return await caf(fh, size, start);
    const tracker = start === 0 ? trackerModuleOf(h) : null;
    if (tracker) return { ...NONE, trackerModule: tracker };
    const m = mpegFrameLength(h, 0);
    if (m && mpegFrameLength(h, m)) {
      const vbri = vbriHeader(h);
      return { ...NONE, gapless: lameGapless(h), ...(vbri ? { vbri } : {}) };
    }
    const free = freeFormatMpeg(h);
    if (free) return { ...NONE, gapless: lameGapless(h, free.frameBytes), freeFormat: free };
    const frames = flacFrameStart(h);
    if (frames !== null) return { ...NONE, flacFramesAt: start + frames };
    return NONE;
  } catch {
    return NONE;
  }
}

/**
 * The padding of the ID3v2 tag at byte `at` of `fh` (ID3v2.3/2.4 §3.3, ID3v2.2 §3.2): the bytes from the first frame
 * whose ID starts with a zero byte to the end of the tag body (the footer, 2.4 §3.4, is not padding). Walks the frame
 * headers only (10 bytes each; 6 in ID3v2.2; a 2.4 frame's size is synchsafe). 0 where there is none, and where the
 * frames cannot be walked: the whole tag unsynchronised before 2.4 (its frame sizes count the bytes before the
 * unsynchronisation), a frame ID that is not one, a frame running past the tag.
 */
async function id3v2Padding(fh: FileHandle, at: number): Promise<number> {
  const h = await readAt(fh, at, 10);
  const total = id3v2Length(h);
  if (!total) return 0;
  const version = h[3];
  const flags = h[5];
  const end = at + 10 + ((h[6] << 21) | (h[7] << 14) | (h[8] << 7) | h[9]);
  if (version < 2 || version > 4 || (version < 4 && flags & 0x80)) return 0;
  let pos = at + 10;
  if (version >= 3 && flags & 0x40) {
    // the extended header: 2.3 states the size after its own 4 bytes, 2.4 its whole size, synchsafe
    const e = await readAt(fh, pos, 4);
    pos += version === 3 ? 4 + e.readUInt32BE(0) : (e[0] << 21) | (e[1] << 14) | (e[2] << 7) | e[3];
  }
  const headBytes = version === 2 ? 6 : 10;
  while (pos < end) {
    const f = await readAt(fh, pos, headBytes);
    if (f.length < 1) return 0;
    if (f[0] === 0) return end - pos;
    if (f.length < headBytes || !/^[A-Z0-9]+$/.test(f.toString('latin1', 0, version === 2 ? 3 : 4))) return 0;
    const len = version === 2 ? (f[3] << 16) | (f[4] << 8) | f[5] : version === 3 ? f.readUInt32BE(4) : (f[4] << 21) | (f[5] << 14) | (f[6] << 7) | f[7];
    pos += headBytes + len;
  }
  return 0;
}

/**
 * A FLAC file whose first 4 bytes, the marker "fLaC" (RFC 9639 §8), are something else while the STREAMINFO block
 * that must follow it is there: bytes 4–7 a metadata block header of type 0 (STREAMINFO) and length 34 (§8.1), and
 * the block's fields plausible (§8.2: minimum block size ≥ 16 and ≤ the maximum, a sample rate of 1 Hz to 655 350 Hz).
 * @param h the file's first bytes (at least 42)
 * @returns the 4 bytes found where the marker belongs (Latin-1), or null where this is no such file
 */
export function flacMarkerDamaged(h: Buffer): string | null {
  if (h.length < 42 || h.toString('latin1', 0, 4) === 'fLaC') return null;
  if ((h[4] & 0x7f) !== 0 || h[5] !== 0 || h[6] !== 0 || h[7] !== 34) return null;
  const minBlock = h.readUInt16BE(8);
  const maxBlock = h.readUInt16BE(10);
  const rate = (h[18] << 12) | (h[19] << 4) | (h[20] >> 4);
  return minBlock >= 16 && maxBlock >= minBlock && rate > 0 && rate <= 655350 ? h.toString('latin1', 0, 4) : null;
}

/**
 * The offset of the first FLAC audio frame header (flacFrameSpan: sync code, valid field codes, CRC-8; the frame's
 * samples are not needed here, so any block size does) in `h` (a file's first bytes); null where none is found. Its
 * sync code and CRC-8 together turn up by chance in other bytes about once in 8 MB.
 */
export function flacFrameStart(h: Buffer): number | null {
  for (let i = h.indexOf(0xff); i >= 0 && i + 6 <= h.length; i = h.indexOf(0xff, i + 1)) if (flacFrameSpan(h, i, 1) !== null) return i;
  return null;
}

/** ProTracker-family MOD signatures at byte 1080 (after the title, 31 sample headers, song length, restart, orders) */
const MOD_SIGNATURES: Array<[RegExp, string]> = [
  [/^(M\.K\.|M!K!|M&K!)$/, 'ProTracker MOD'],
  [/^N\.T\.$/, 'NoiseTracker MOD'],
  [/^(FLT[48]|EXO[48])$/, 'StarTrekker MOD'],
  [/^(CD[68]1|OKTA|OCTA)$/, 'Octalyser MOD'],
  [/^([1-9]CHN|[1-9][0-9]C[HN])$/, 'FastTracker MOD'],
  [/^TDZ[1-9]$/, 'TakeTracker MOD'],
];

/**
 * A tracker module's format from the signature in its first bytes (`h`: at least the first 1084 bytes where the file
 * has them), named as the tracker that defined it: XM "Extended Module: " at 0 (FastTracker 2's XM.TXT); IT/MPTM
 * "IMPM" at 0 (ITTECH.TXT); S3M "SCRM" at 44 (Scream Tracker 3.01 TECH.DOC); MOD's 4 bytes at 1080 (MOD_SIGNATURES;
 * a 15-sample Soundtracker module has none); and MTM "MTM" at 0, STM "!Scream!" at 20, MED "MMD0"–"MMD3", OKT
 * "OKTASONG", DBM "DBM0", PTM "PTMF" at 44, ULT "MAS_UTrack_V00", MO3 "MO3" at 0 — the signatures libopenmpt's loaders
 * test first (OpenMPT wiki, Development: Formats). Only consulted where ffmpeg's libopenmpt demuxer read the file.
 * @returns the format's name, or null where no signature matches
 */
export function trackerModuleOf(h: Buffer): string | null {
  const at = (o: number, n: number) => (h.length >= o + n ? h.toString('latin1', o, o + n) : '');
  if (at(0, 17) === 'Extended Module: ') return 'FastTracker 2 XM';
  if (at(0, 4) === 'IMPM') return 'Impulse Tracker IT';
  if (at(44, 4) === 'SCRM') return 'Scream Tracker 3 S3M';
  if (at(44, 4) === 'PTMF') return 'PolyTracker PTM';
  if (at(20, 8) === '!Scream!' || at(20, 8) === 'BMOD2STM') return 'Scream Tracker 2 STM';
  if (at(0, 3) === 'MTM') return 'MultiTracker MTM';
  if (/^MMD[0-3]$/.test(at(0, 4))) return 'OctaMED MED';
  if (at(0, 8) === 'OKTASONG') return 'Oktalyzer OKT';
  if (at(0, 4) === 'DBM0') return 'DigiBooster Pro DBM';
  if (at(0, 14) === 'MAS_UTrack_V00') return 'UltraTracker ULT';
  if (at(0, 3) === 'MO3') return 'MO3 (compressed module)';
  const mod = at(1080, 4);
  for (const [re, name] of MOD_SIGNATURES) if (re.test(mod)) return name;
  return null;
}

/** FLAC metadata blocks (RFC 9639 §8.1: 1 bit last, 7 bits type, 24 bits length). */
async function flac(fh: FileHandle, size: number, start: number, h: Buffer): Promise<Structure> {
  const first = await flacHeader(fh, size, start, h);
  if ('truncated' in first) return { ...NONE, flac: first.info, truncated: first.truncated };
  const flacInfo = first.info;
  const tail = async (h: { info: Structure['flac']; maxBlock: number; audioStart: number }) => {
    const info = h.info;
    return info && info.totalSamples > 0 && info.sampleRate > 0 && h.maxBlock > 0 ? await flacCutInAudio(fh, size, h.audioStart, info, h.maxBlock) : null;
  };
  // further streams after the first (`cat a.flac b.flac`): ffmpeg's parser decodes their frames too, so what decodes is
  // more than the first STREAMINFO states, and the file's last frames are the last stream's (its STREAMINFO is theirs).
  // Looked for (one pass over the file) only where a cheap check doubts the first stream is the whole file: its last
  // frame (in the last 64 KiB) is not STREAMINFO's final frame, whole — the tail of a joined file is the last
  // stream's, whose frame numbers start again — or its frames hold more bytes than its samples could uncompressed,
  // or the frames at a quarter, half and three quarters of its bytes do not follow in sample order (flacInOrder:
  // streams of one length joined, `cat a.flac a.flac`, whose last frame is the first's final one too)
  const firstTail = await tail(first);
  const plausible = firstTail === 'whole' && (first.pcmBytes === null || size - first.audioStart <= first.pcmBytes * 1.05 + 65536) && (await flacInOrder(fh, size, first.audioStart, first.maxBlock));
  const more = plausible ? [] : await flacStreamsAfter(fh, size, first.audioStart);
  let last = first;
  for (const m of more) {
    const head = await readAt(fh, m.offset, Math.min(size - m.offset, 64 * 1024));
    const next = await flacHeader(fh, size, m.offset, head);
    if ('truncated' in next) return { ...NONE, flac: flacInfo, truncated: next.truncated, flacStreams: more };
    last = next;
  }
  const end = last === first ? firstTail : await tail(last);
  return { ...NONE, flac: flacInfo, truncated: end === 'whole' ? null : end, ...(more.length ? { flacStreams: more } : {}), ...(first.padding > 0 ? { tagPadding: { bytes: first.padding, where: 'FLAC' as const } } : {}) };
}

/** One FLAC stream's "fLaC" marker at `start` (`h`: the bytes from there): its STREAMINFO, and where its audio frames begin — or where its metadata is cut. */
async function flacHeader(fh: FileHandle, size: number, start: number, h: Buffer): Promise<{ info: Structure['flac']; maxBlock: number; audioStart: number; pcmBytes: number | null; padding: number } | { info: Structure['flac']; truncated: Truncation }> {
  let info: Structure['flac'] = null;
  /** the PADDING blocks' bytes, their headers included (RFC 9639 §8.3) */
  let padding = 0;
  let maxBlock = 0;
  let pcmBytes: number | null = null;
  if (h.length >= 8 + 18 && (h[4] & 0x7f) === 0) {
    const s = 8;
    maxBlock = h.readUInt16BE(s + 2);
    const sampleRate = (h[s + 10] << 12) | (h[s + 11] << 4) | (h[s + 12] >> 4);
    const totalSamples = (h[s + 13] & 0x0f) * 2 ** 32 + h.readUInt32BE(s + 14);
    info = { totalSamples, sampleRate };
    // STREAMINFO §8.2: 3 bits channels − 1, 5 bits bits-per-sample − 1: the stream's size uncompressed
    const channels = ((h[s + 12] >> 1) & 7) + 1;
    const bits = (((h[s + 12] & 1) << 4) | (h[s + 13] >> 4)) + 1;
    if (totalSamples > 0) pcmBytes = (totalSamples * channels * bits) / 8;
  }
  let pos = start + 4;
  for (let n = 0; n < 1024; n++) {
    if (pos + 4 > size) return { info, truncated: { container: 'FLAC', inside: 'its metadata', sizeBytes: size, declaredBytes: pos + 4, beforeAudio: true } };
    const b = await readAt(fh, pos, 4);
    const last = (b[0] & 0x80) !== 0;
    const type = b[0] & 0x7f;
    const len = (b[1] << 16) | (b[2] << 8) | b[3];
    const end = pos + 4 + len;
    if (end > size) {
      const what = type === 6 ? 'its embedded picture (cover art, a FLAC PICTURE block)' : `its ${FLAC_BLOCK[type] ?? `type ${type}`} metadata block`;
      return { info, truncated: { container: 'FLAC', inside: what, sizeBytes: size, declaredBytes: end, beforeAudio: true } };
    }
    if (type === 1) padding += 4 + len;
    pos = end;
    if (last) break;
  }
  return { info, maxBlock, audioStart: pos, pcmBytes, padding };
}

/**
 * The FLAC streams that follow the first one's audio (from `audioStart`): each a "fLaC" marker followed by a
 * STREAMINFO block header (type 0, length 34, RFC 9639 §8.1–8.2) — what `cat a.flac b.flac` makes. One pass over
 * the file's bytes in 1 MiB reads (a marker cannot occur inside frames by chance without its block header too).
 * Their byte offsets, STREAMINFO total samples and sample rates.
 */
async function flacStreamsAfter(fh: FileHandle, size: number, audioStart: number): Promise<Array<{ offset: number; totalSamples: number; sampleRate: number }>> {
  const found: Array<{ offset: number; totalSamples: number; sampleRate: number }> = [];
  const CHUNK = 1 << 20;
  const need = 4 + 4 + 34;
  for (let pos = audioStart; pos < size && found.length < 64; pos += CHUNK) {
    const b = await readAt(fh, pos, Math.min(CHUNK + need, size - pos));
    for (let i = b.indexOf('fLaC', 0, 'latin1'); i >= 0 && i < CHUNK; i = b.indexOf('fLaC', i + 1, 'latin1')) {
      if (i + need > b.length || (b[i + 4] & 0x7f) !== 0 || b[i + 5] !== 0 || b[i + 6] !== 0 || b[i + 7] !== 34) continue;
      const s = i + 8;
      const sampleRate = (b[s + 10] << 12) | (b[s + 11] << 4) | (b[s + 12] >> 4);
      if (sampleRate === 0) continue;
      found.push({ offset: pos + i, totalSamples: (b[s + 13] & 0x0f) * 2 ** 32 + b.readUInt32BE(s + 14), sampleRate });
    }
  }
  return found;
}

/**
 * The FLAC frames found at a quarter, a half and three quarters of the audio bytes (the first frame header in 16 KiB
 * from there with the first frame's fixed fields and a checking CRC-8, flacFrameSpan) start at increasing samples, as
 * one stream's frames do; false where one starts before an earlier one (a second stream's frame numbers start again).
 * Frames not found prove nothing (true). Cost: three 16 KiB reads.
 */
async function flacInOrder(fh: FileHandle, size: number, audioStart: number, maxBlock: number): Promise<boolean> {
  const first = await readAt(fh, audioStart, 16);
  if (maxBlock <= 0 || flacFrameSpan(first, 0, maxBlock) === null) return true;
  const same = (b: Buffer, i: number) => b[i + 1] === first[1] && (b[i + 2] & 0x0f) === (first[2] & 0x0f) && (b[i + 3] & 0x0e) === (first[3] & 0x0e);
  let prev = -1;
  for (const q of [0.25, 0.5, 0.75]) {
    const at = audioStart + Math.floor((size - audioStart) * q);
    const b = await readAt(fh, at, Math.min(16384, size - at));
    for (let i = b.indexOf(0xff); i >= 0 && i + 6 < b.length; i = b.indexOf(0xff, i + 1)) {
      if (!same(b, i)) continue;
      const f = flacFrameSpan(b, i, maxBlock);
      if (f === null) continue;
      if (f.start <= prev) return false;
      prev = f.start;
      break;
    }
  }
  return true;
}

/** CRC-8, polynomial x^8 + x^2 + x + 1 (0x07), initial 0: a FLAC frame header's check (RFC 9639 §9.1.8) */
function crc8(b: Buffer, from: number, to: number): number {
  let c = 0;
  for (let i = from; i < to; i++) {
    c ^= b[i];
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  }
  return c;
}

/**
 * A FLAC frame header at b[i] (RFC 9639 §9.1): sync 0xFFF8/0xFFF9, block size,
 * the coded frame (fixed block size) or sample number, checked by its CRC-8.
 * The frame's first sample and the first after it (`maxBlock`: STREAMINFO's
 * maximum block size), or null when no valid header is there.
 */
function flacFrameSpan(b: Buffer, i: number, maxBlock: number): { start: number; end: number } | null {
  if (i + 6 > b.length || b[i] !== 0xff || (b[i + 1] & 0xfe) !== 0xf8) return null;
  const variable = (b[i + 1] & 1) === 1;
  const bsCode = b[i + 2] >> 4;
  const srCode = b[i + 2] & 0x0f;
  if (bsCode === 0 || srCode === 15 || (b[i + 3] & 1) !== 0 || (b[i + 3] >> 4) > 10 || ((b[i + 3] >> 1) & 7) === 3) return null;
  let p = i + 4;
  // the coded number: UTF-8's scheme, up to 7 bytes (36 bits)
  const first = b[p];
  let extra = 0;
  while (extra < 7 && first & (0x80 >> extra)) extra++;
  if (extra === 1 || extra > 7) return null;
  const n = extra === 0 ? 0 : extra - 1;
  let num = extra === 0 ? first : first & (0x7f >> extra);
  p++;
  for (let k = 0; k < n; k++, p++) {
    if (p >= b.length || (b[p] & 0xc0) !== 0x80) return null;
    num = num * 64 + (b[p] & 0x3f);
  }
  let blockSize: number;
  if (bsCode === 1) blockSize = 192;
  else if (bsCode <= 5) blockSize = 576 << (bsCode - 2);
  else if (bsCode === 6) blockSize = b[p++] + 1;
  else if (bsCode === 7) {
    blockSize = ((b[p] << 8) | b[p + 1]) + 1;
    p += 2;
  } else blockSize = 256 << (bsCode - 8);
  if (srCode === 12) p += 1;
  else if (srCode === 13 || srCode === 14) p += 2;
  if (p >= b.length || crc8(b, i, p) !== b[p]) return null;
  // fixed block size: the frame number × STREAMINFO's block size (every frame but a shorter last one has it)
  const start = variable ? num : num * maxBlock;
  return { start, end: start + blockSize };
}

/**
 * The FLAC frame at b[i] ends, whole, at the end of `b` or right before a tag
 * appended after the audio (ID3v1 "TAG", APEv2 "APETAGEX", ID3v2 "ID3"): the
 * frame's CRC-16 footer (RFC 9639 §9.3: polynomial x^16 + x^15 + x^2 + 1,
 * initial 0, over the whole frame before it) checks there. A file cut inside
 * its final frame fails it.
 */
function flacFrameWhole(b: Buffer, i: number): boolean {
  let c = 0;
  for (let p = i; p < b.length; p++) {
    // c: the CRC-16 of b[i..p); at p, the footer would be b[p], b[p + 1]
    const end = p + 2;
    if (end <= b.length && p > i + 6 && b[p] === c >> 8 && b[p + 1] === (c & 0xff)) {
      const rest = b.length - end;
      if (rest === 0 || (rest === 128 && b.toString('latin1', end, end + 3) === 'TAG') || b.toString('latin1', end, end + 8) === 'APETAGEX' || b.toString('latin1', end, end + 3) === 'ID3') return true;
    }
    c ^= b[p] << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff;
  }
  return false;
}

/**
 * A FLAC cut inside its audio frames: the last frame header in the file's
 * last 64 KiB (after `audioStart`) ends before STREAMINFO's total samples —
 * the samples from that frame on are missing — or is the final frame but
 * its CRC-16 does not check (flacFrameWhole: cut inside it). Frames carry no length, so
 * the bytes the whole stream would need are not known: declaredBytes is the
 * file's size. 'whole': the final frame was found whole; null: no frame found to say.
 */
async function flacCutInAudio(fh: FileHandle, size: number, audioStart: number, info: { totalSamples: number; sampleRate: number }, maxBlock: number): Promise<Truncation | 'whole' | null> {
  const from = Math.max(audioStart, size - 65536);
  const t = await readAt(fh, from, size - from);
  // the first frame's fixed fields (blocking strategy, sample rate code, sample size code) recur in every frame:
  // a candidate without them is a sync pattern inside the audio data (a false header whose CRC-8 happens to match)
  const first = await readAt(fh, audioStart, 16);
  if (flacFrameSpan(first, 0, maxBlock) === null) return null;
  const same = (b: Buffer, i: number) => b[i + 1] === first[1] && (b[i + 2] & 0x0f) === (first[2] & 0x0f) && (b[i + 3] & 0x0e) === (first[3] & 0x0e);
  for (let i = t.length - 6; i >= 0; i--) {
    if (t[i] !== 0xff || !same(t, i)) continue;
    const f = flacFrameSpan(t, i, maxBlock);
    if (f === null || f.end > info.totalSamples) continue;
    // the final frame: whole when its CRC-16 footer checks at the file's end (or before a tag appended after it)
    if (f.end === info.totalSamples && flacFrameWhole(t, i)) return 'whole';
    // the file ends inside this frame (or, if it holds it whole, right after it): the frames before it decode
    return {
      container: 'FLAC',
      inside: `its audio frames, at sample ${f.start} of the ${info.totalSamples} its header (STREAMINFO) states`,
      sizeBytes: size,
      declaredBytes: size,
      decodableSec: f.start / info.sampleRate,
    };
  }
  return null;
}

/**
 * WavPack blocks (WavPack 4/5 file format: "wvpk", ckSize LE u32 counting
 * from byte 8, version, total_samples (40 bits, all ones: unknown),
 * block_index, block_samples): the last block in the file must
 * lie whole within the file and end at total_samples; a file cut inside its
 * audio ends before that. Reads the last MiB.
 */
async function wavpack(fh: FileHandle, size: number, h: Buffer): Promise<Structure> {
  if (h.length < 32) return NONE;
  const total = (n: Buffer, i: number) => (n.readUInt32LE(i + 12) === 0xffffffff ? -1 : n[i + 11] * 2 ** 32 + n.readUInt32LE(i + 12));
  const totalSamples = total(h, 0);
  // the sample rate: flags bits 23-26 index WavPack's rate table (15: stated in a metadata sub-block — not read here)
  const rate = [6000, 8000, 9600, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000, 192000][(h.readUInt32LE(24) >> 23) & 15];
  if (totalSamples <= 0) return NONE;
  // a block holds at most about a second of audio (WavPack 4 caps a block's ckSize at 1 MiB): the last MiB holds the last header
  const from = Math.max(0, size - (1 << 20) - 32);
  const t = await readAt(fh, from, size - from);
  for (let i = t.lastIndexOf('wvpk'); i >= 0; i = i > 0 ? t.lastIndexOf('wvpk', i - 1) : -1) {
    if (i + 32 > t.length) continue;
    const version = t.readUInt16LE(i + 8);
    if (version < 0x402 || version > 0x410) continue;
    const blockEnd = from + i + 8 + t.readUInt32LE(i + 4);
    const index = t[i + 10] * 2 ** 32 + t.readUInt32LE(i + 16);
    const samples = t.readUInt32LE(i + 20);
    const upTo = blockEnd > size ? index : index + samples;
    const decodableSec = rate ? upTo / rate : undefined;
    if (blockEnd > size) return { ...NONE, truncated: { container: 'WavPack', inside: `its audio, in the block from sample ${index} of the ${totalSamples} its header states`, sizeBytes: size, declaredBytes: blockEnd, decodableSec } };
    if (upTo < totalSamples) return { ...NONE, truncated: { container: 'WavPack', inside: `its audio, after sample ${upTo} of the ${totalSamples} its header states`, sizeBytes: size, declaredBytes: size, decodableSec } };
    return NONE;
  }
  return NONE;
}

/**
 * RIFF (little-endian sizes) or IFF/AIFF (big-endian) chunks: id (4 ASCII),
 * size (4), body padded to an even length (some writers leave the pad byte
 * out: the id is then looked for one byte earlier). A chunk that runs past
 * the end of the file before or at the audio chunk is a truncation; one
 * after it (tags appended at the end) is not reported. Bytes after the audio
 * chunk that form no chunk are trailing data — except an ID3v1 tag (the last
 * 128 bytes, "TAG"), which some taggers append to WAVs.
 */
async function chunks(fh: FileHandle, size: number, start: number, container: 'WAV' | 'AIFF', endian: 'le' | 'be'): Promise<Structure> {
  let pos = start + 12;
  let audioChunk = '';
  let audioChunkBytes = 0;
  let odd: { id: string; offset: number; bytes: number } | null = null;
  let unpadded: { id: string; offset: number; bytes: number } | null = null;
  let exact: Structure['exactFrames'] = null;
  let pcm: { blockAlign: number; sampleRate: number } | null = null;
  let padded: Structure['paddedSamples'] = null;
  let ds64Data = -1;
  const texts: NonNullable<Structure['aiffText']> = [];
  let bext: Structure['bext'] | null = null;
  const base = (): Structure => ({ ...NONE, ...(unpadded ? { unpaddedChunk: unpadded } : {}), ...(exact ? { exactFrames: exact } : {}), ...(padded ? { paddedSamples: padded } : {}), ...(texts.length ? { aiffText: texts } : {}), ...(bext ? { bext } : {}) });
  const v1 = size >= 128 && (await readAt(fh, size - 128, 3)).toString('latin1') === 'TAG' ? 128 : 0;
  const end0 = size - v1;
  for (let n = 0; n < 4096 && pos + 8 <= end0; n++) {
    let b = await readAt(fh, pos, 8);
    if (odd) {
      // the pad byte after an odd-sized chunk may be missing (riff.ts chunkAfterOdd: the same rule ffmpeg's input gets)
      const c = await readAt(fh, pos - 1, 8);
      if (chunkAfterOdd(b, c, pos - 1, size, endian === 'le') === 'unpadded') {
        unpadded ??= odd;
        pos -= 1;
        b = c;
      }
    }
    if (!ascii4(b, 0)) {
      return { ...base(), trailing: audioChunk ? { offset: pos, bytes: end0 - pos, audioChunk, audioChunkBytes } : null };
    }
    const id = b.toString('latin1', 0, 4);
    let len = endian === 'le' ? b.readUInt32LE(4) : b.readUInt32BE(4);
    if (id === 'ds64' && endian === 'le' && len >= 24 && pos + 32 <= size) ds64Data = Number((await readAt(fh, pos + 8, 24)).readBigUInt64LE(8));
    // RF64: the data chunk's size is in its ds64 chunk (EBU Tech 3306); a streaming WAV's 0xFFFFFFFF means "to the end"
    const sized = !(id === 'data' && len === 0xffffffff) || ds64Data >= 0;
    if (id === 'data' && len === 0xffffffff) len = ds64Data >= 0 ? Math.min(ds64Data, size - pos - 8) : size - pos - 8;
    const end = pos + 8 + len;
    const isAudio = id === 'data' || id === 'SSND';
    if (end > size) {
      if (audioChunk && !isAudio) return base(); // cut inside tags after the audio: the audio is whole
      const what = RIFF_CHUNK[id] ?? RIFF_CHUNK[id.trim()] ?? `its "${id}" chunk`;
      return { ...base(), truncated: { container, inside: `${what} (the "${id.trim()}" chunk)`, sizeBytes: size, declaredBytes: end, beforeAudio: !audioChunk && !isAudio } };
    }
    if (id === 'fmt ' && endian === 'le' && len >= 16) {
      const f = await readAt(fh, pos + 8, Math.min(len, 40));
      const tag = f.readUInt16LE(0);
      const sub = tag === 0xfffe && f.length >= 26 ? f.readUInt16LE(24) : tag;
      // PCM or IEEE float (plain or extensible): one frame is nBlockAlign bytes
      pcm = sub === 1 || sub === 3 ? { blockAlign: f.readUInt16LE(12), sampleRate: f.readUInt32LE(4) } : null;
      // WAVEFORMATEXTENSIBLE: wValidBitsPerSample (offset 18) under wBitsPerSample (14), whole bytes per sample
      const bits = f.readUInt16LE(14);
      const validBits = tag === 0xfffe && f.length >= 26 ? f.readUInt16LE(18) : 0;
      if (pcm && validBits > 0 && validBits < bits && bits % 8 === 0 && pcm.blockAlign === f.readUInt16LE(2) * (bits / 8)) padded = { bits, validBits, float: sub === 3 };
    }
    if (container === 'AIFF' && /^(NAME|AUTH|ANNO|\(c\) |COMT)$/.test(id) && len > 0 && len <= 1 << 16) {
      const body = await readAt(fh, pos + 8, len);
      if (id !== 'COMT') texts.push({ id: id as 'NAME', ...aiffText(body) });
      // COMT: numComments, then per comment timeStamp (4), marker (2), count (2), text padded to an even length (AIFF 1.3 §12)
      else for (let k = 0, q = 2; k < body.readUInt16BE(0) && q + 8 <= body.length; k++) {
        const count = body.readUInt16BE(q + 6);
        texts.push({ id: 'COMT', ...aiffText(body.subarray(q + 8, Math.min(body.length, q + 8 + count))) });
        q += 8 + count + (count & 1);
      }
    }
    if (container === 'WAV' && id === 'bext' && len >= 602 && len <= 1 << 20 && !bext) bext = bextChunk(await readAt(fh, pos + 8, len));
    if (isAudio) {
      audioChunk = id;
      audioChunkBytes = len;
      if (id === 'data' && pcm && pcm.blockAlign > 0 && pcm.sampleRate > 0 && sized) {
        exact = { frames: Math.floor(len / pcm.blockAlign), sampleRate: pcm.sampleRate, source: "the WAV data chunk's size" };
      }
    }
    odd = len & 1 ? { id, offset: pos, bytes: len } : null;
    pos = end + (len & 1);
  }
  if (pos < end0 && end0 - pos >= 8 && audioChunk) return { ...base(), trailing: { offset: pos, bytes: end0 - pos, audioChunk, audioChunkBytes } };
  return base();
}

/**
 * The sample count a Sun/NeXT .au or a TTA file states (neither has a music-metadata parser, and ffmpeg's log prints
 * their duration in whole centiseconds): an .au's data size (its header's, or to the end of the file where that is
 * 0xFFFFFFFF, "unknown", as a pipe writes it; never past the end) over the frame size of its PCM, µ-law or A-law
 * encoding (1, 2, 3, 4, 5, 6, 7, 27); a TTA1 header's data length (samples per channel). null otherwise. Pure.
 */
export function auOrTtaFrames(h: Buffer, size: number): Structure['exactFrames'] {
  if (h.length >= 24 && h.toString('latin1', 0, 4) === '.snd') {
    const offset = h.readUInt32BE(4);
    const stated = h.readUInt32BE(8);
    const bytes = ({ 1: 1, 2: 1, 3: 2, 4: 3, 5: 4, 6: 4, 7: 8, 27: 1 } as Record<number, number>)[h.readUInt32BE(12)];
    const rate = h.readUInt32BE(16);
    const channels = h.readUInt32BE(20);
    if (!bytes || !rate || !channels || offset < 24 || offset > size) return null;
    const data = stated === 0xffffffff ? size - offset : Math.min(stated, size - offset);
    return { frames: Math.floor(data / (bytes * channels)), sampleRate: rate, source: "the .au header's data size" };
  }
  if (h.length >= 22 && h.toString('latin1', 0, 4) === 'TTA1') {
    const rate = h.readUInt32LE(10);
    const frames = h.readUInt32LE(14);
    return rate > 0 && frames > 0 ? { frames, sampleRate: rate, source: "the TTA header's sample count" } : null;
  }
  return null;
}

/**
 * A bext chunk's body (EBU Tech 3285 v2 §2.3: Description 256, Originator 32, OriginatorReference 32, OriginationDate
 * 10, OriginationTime 8, TimeReferenceLow/High (u32 each, little-endian), Version (u16), UMID 64, five loudness
 * values (v2), 180 reserved bytes, then CodingHistory to the end) as Structure.bext. Each text field ends at its first
 * NUL or its width (a full 256-byte description has none); its bytes are decoded together by one charset: ASCII
 * where every byte is, else UTF-8 where every field is valid UTF-8, else Windows-1252 (the spec says ASCII; recorders
 * and DAWs on Windows write their code page). ffmpeg hands the same fields on as bytes (ffprobe shows them so), and
 * prints a CR as a space in its log. Pure.
 */
export function bextChunk(body: Uint8Array): NonNullable<Structure['bext']> {
  const b = Buffer.from(body.buffer, body.byteOffset, body.length);
  const field = (at: number, width: number) => {
    const f = b.subarray(at, Math.min(b.length, at + width));
    const nul = f.indexOf(0);
    return nul < 0 ? f : f.subarray(0, nul);
  };
  const raw = [field(0, 256), field(256, 32), field(288, 32), field(320, 10), field(330, 8), field(602, b.length - 602)];
  const all = Buffer.concat(raw);
  let charset: 'ASCII' | 'UTF-8' | 'Windows-1252' = 'ASCII';
  if (!all.every((x) => x < 0x80)) {
    try {
      for (const f of raw) new TextDecoder('utf-8', { fatal: true }).decode(f);
      charset = 'UTF-8';
    } catch {
      charset = 'Windows-1252';
    }
  }
  const text = (f: Buffer) => (charset === 'Windows-1252' ? decodeCp1252(f) : f.toString(charset === 'UTF-8' ? 'utf8' : 'latin1'));
  const umidBytes = b.subarray(348, 412);
  const umidLen = umidBytes.subarray(32).some((x) => x !== 0) ? 64 : 32;
  return {
    description: text(raw[0]!),
    originator: text(raw[1]!),
    originatorReference: text(raw[2]!),
    originationDate: text(raw[3]!),
    originationTime: text(raw[4]!),
    timeReference: b.readUInt32LE(338) + b.readUInt32LE(342) * 2 ** 32,
    version: b.readUInt16LE(346),
    umid: umidBytes.some((x) => x !== 0) ? `0x${umidBytes.subarray(0, umidLen).toString('hex').toUpperCase()}` : null,
    codingHistory: text(raw[5]!),
    charset,
  };
}

/**
 * The text of an AIFF text chunk, whose character set the format does not name (AIFF 1.3 says ASCII): the bytes as
 * UTF-8 where they are valid UTF-8 (ffmpeg writes its tags so; 8-bit text seldom is: "Café" in Mac OS Roman is
 * 43 61 66 8E, an invalid sequence). Else 8-bit text, read as Mac OS Roman (the Mac programs that wrote AIFF: Logic,
 * iTunes, Peak) or Windows-1252 (Windows programs; Latin-1 for letters), whichever reads more of its high bytes as
 * letters where letters belong — a lower-case letter, or a capital at a word's start: "Caf\x8E" is "Café" in Mac OS
 * Roman and "CafŽ" in Windows-1252; "Caf\xE9" is "Café" in Windows-1252 and "CafÈ" in Mac OS Roman. A tie (no
 * letters either way) is Mac OS Roman, AIFF's home. Trailing NULs and spaces are dropped. A guess only where the bytes
 * are 8-bit and not UTF-8; `charset` says which reading was taken.
 */
export function aiffText(bytes: Uint8Array): { text: string; charset: 'UTF-8' | 'ASCII' | 'Mac OS Roman' | 'Windows-1252' } {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0 || bytes[end - 1] === 0x20)) end--;
  const b = bytes.subarray(0, end);
  if (b.every((x) => x < 0x80)) return { text: Buffer.from(b).toString('latin1'), charset: 'ASCII' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(b), charset: 'UTF-8' };
  } catch {
    // every byte is one character in both: score the high bytes' characters in their places
    const score = (text: string): number => {
      let n = 0;
      for (let i = 0; i < b.length; i++) {
        if (b[i] < 0x80) continue;
        const c = text[i];
        const before = i > 0 ? text[i - 1] : ' ';
        if (/\p{Ll}/u.test(c) || (/\p{Lu}/u.test(c) && !/\p{L}/u.test(before))) n++;
      }
      return n;
    };
    const mac = new TextDecoder('macintosh').decode(b);
    const win = decodeCp1252(b);
    return score(win) > score(mac) ? { text: win, charset: 'Windows-1252' } : { text: mac, charset: 'Mac OS Roman' };
  }
}

/**
 * DSF (Sony DSD Stream File 1.01): "DSD " chunk (28 bytes), then the fmt chunk
 * ("fmt ", size u64, version, format id, channel type, channel count, sample
 * rate (Hz, 1-bit samples), bits per sample, sample count per channel (u64),
 * block size per channel) — all little-endian. The data chunk is cut into
 * 4096-byte blocks per channel, the last zero-padded; ffmpeg decodes the
 * padding too (up to 4096 × 8 samples, 11.6 ms at DSD64).
 */
function dsf(h: Buffer): Structure {
  const channels = h.readUInt32LE(52);
  const sampleRate = h.readUInt32LE(56);
  const bits = h.readUInt32LE(60);
  const frames = Number(h.readBigUInt64LE(64));
  const block = h.readUInt32LE(72);
  const fmtEnd = 28 + Number(h.readBigUInt64LE(32));
  if (channels < 1 || sampleRate < 1 || (bits !== 1 && bits !== 8) || block < 1 || frames < 1 || fmtEnd + 12 > h.length || h.toString('latin1', fmtEnd, fmtEnd + 4) !== 'data') return NONE;
  // the count must fit the data chunk's blocks and fill all but the last (else the header is malformed: what decodes stands)
  const perChannelBytes = (Number(h.readBigUInt64LE(fmtEnd + 4)) - 12) / channels;
  const capacity = (perChannelBytes * 8) / bits;
  if (frames > capacity || frames <= capacity - (block * 8) / bits) return NONE;
  return { ...NONE, exactFrames: { frames, sampleRate, source: "the DSF header's sample count" } };
}

/** ISO base-media top-level boxes (size 32 bits, 1: 64-bit size follows, 0: to the end of the file). */
async function mp4(fh: FileHandle, size: number, start: number): Promise<Structure> {
  let pos = start;
  let moov = false;
  let moovBox: { at: number; end: number } | null = null;
  for (let n = 0; n < 4096 && pos + 8 <= size; n++) {
    const b = await readAt(fh, pos, 16);
    if (!ascii4(b, 4)) return NONE;
    const type = b.toString('latin1', 4, 8);
    let len = b.readUInt32BE(0);
    if (len === 1 && b.length >= 16) len = Number(b.readBigUInt64BE(8));
    else if (len === 0) len = size - pos;
    if (len < 8) return NONE;
    if (type === 'moov') {
      moov = true;
      moovBox = { at: pos + (b.readUInt32BE(0) === 1 ? 16 : 8), end: pos + len };
    }
    const end = pos + len;
    if (end > size) {
      const noIndex = !moov && type !== 'moov';
      return { ...NONE, truncated: { container: 'MP4', inside: `${MP4_BOX[type] ?? `its "${type}" box`} (the ${type} box)${noIndex ? ', before its index (moov box)' : ''}`, sizeBytes: size, declaredBytes: end, noIndex: noIndex || type === 'moov' } };
    }
    pos = end;
  }
  if (!moov && pos >= size) return { ...NONE, truncated: { container: 'MP4', inside: 'its last box, with no index (moov box) at all', sizeBytes: size, declaredBytes: size, noIndex: true } };
  const mirrored = moovBox ? await mp4Mirrored(fh, moovBox).catch(() => []) : [];
  const track = moovBox ? await mp4Audio(fh, moovBox).catch(() => null) : null;
  const audio = track?.audio ?? null;
  return { ...NONE, ...(mirrored.length ? { mirroredTracks: mirrored } : {}), ...(audio ? (track!.video ? { mp4AudioBesideVideo: audio } : { mp4Audio: audio }) : {}) };
}

/**
 * What in the MP4/MOV file at `path` node-taglib-sharp (6.0.3) cannot write tags around, for Write tags
 * (library/tag-write.ts):
 * - `keys`: tags kept as QuickTime metadata in the keys form — a `meta` box whose `hdlr` states the handler type "mdta",
 *   with a `keys` box naming each `ilst` item by its index (QuickTime File Format, "Metadata"; iPhone recordings,
 *   ffmpeg's `-movflags use_metadata_tags`), under moov (Apple's place) or moov/udta (ffmpeg's): taglib takes it for
 *   iTunes' and damages it;
 * - `fragmented`: a fragmented file (an `mvex` box in moov, or a `moof` box: ISO/IEC 14496-12 §8.8; ffmpeg's
 *   `-movflags frag_keyframe`, its output to a pipe, DASH downloads, screen recorders): taglib grows the moov in front
 *   of the fragments without moving the offsets their track fragment headers state, so the audio read is garbage.
 * null for any other file, or one that cannot be read. Reads box headers and the hdlr's first 12 bytes only.
 */
export async function mp4TagRefusal(path: string): Promise<'keys' | 'fragmented' | null> {
  let fh: FileHandle | null = null;
  try {
    fh = await open(path, 'r');
    const top = await mp4Children(fh, 0, (await fh.stat()).size);
    const moov = top.find((b) => b.type === 'moov');
    if (!moov) return null;
    if (await mp4MetadataKeys(fh, moov)) return 'keys';
    if (top.some((b) => b.type === 'moof') || (await mp4Children(fh, moov.at, moov.end)).some((b) => b.type === 'mvex')) return 'fragmented';
    return null;
  } catch {
    return null;
  } finally {
    await fh?.close();
  }
}

/**
 * Whether the moov box (its body [at, end)) holds a `meta` box, directly or in moov/udta, whose `hdlr` states the
 * handler type "mdta" (the hdlr body: version and flags, pre_defined, then the handler type, 4 bytes each; ISO/IEC
 * 14496-12 §8.4.3). The meta box is a full box in ISO/IEC 14496-12 §8.11.1 (version and flags before its children) and
 * a plain one in the QuickTime File Format: both are read.
 */
async function mp4MetadataKeys(fh: FileHandle, moov: { at: number; end: number }): Promise<boolean> {
  const metas: Array<{ at: number; end: number }> = [];
  for (const c of await mp4Children(fh, moov.at, moov.end)) {
    if (c.type === 'meta') metas.push(c);
    if (c.type === 'udta') for (const u of await mp4Children(fh, c.at, c.end)) if (u.type === 'meta') metas.push(u);
  }
  for (const m of metas) {
    for (const skip of [4, 0]) {
      const hdlr = (await mp4Children(fh, m.at + skip, m.end)).find((k) => k.type === 'hdlr');
      if (!hdlr) continue;
      if ((await readAt(fh, hdlr.at + 8, 4)).toString('latin1') === 'mdta') return true;
      break;
    }
  }
  return false;
}

/**
 * Structure.mp4Audio: the first audio track's (hdlr "soun") media timescale (mdhd), the sum of its sample durations
 * (stts, ISO/IEC 14496-12 §8.6.1.2) and its edit list's media_time (elst §8.6.6: one edit, or an empty edit then
 * one; its media_time in the media timescale), and how many other audio tracks follow it (a second language, a
 * commentary: ffmpeg's first audio stream is the first track, trak order being its stream order), and whether the
 * file has a video track (then the caller files them as mp4AudioBesideVideo). null where there is no audio track, an
 * edit list of another shape (several edits, a dwell), or fragments (moof: the sample table is not all).
 */
async function mp4Audio(fh: FileHandle, moov: { at: number; end: number }): Promise<{ audio: Structure['mp4Audio']; video: boolean } | null> {
  const top = await mp4Children(fh, moov.at, moov.end);
  if (top.some((x) => x.type === 'mvex')) return null;
  let found: Mp4AudioTable | null = null;
  let others = 0;
  let video = false;
  for (const trak of top.filter((x) => x.type === 'trak')) {
    const kids = await mp4Children(fh, trak.at, trak.end);
    const mdia = kids.find((x) => x.type === 'mdia');
    if (!mdia) continue;
    const mk = await mp4Children(fh, mdia.at, mdia.end);
    const hdlr = mk.find((x) => x.type === 'hdlr');
    const handler = hdlr ? (await readAt(fh, hdlr.at + 8, 4)).toString('latin1') : '';
    if (handler === 'vide') video = true;
    if (handler !== 'soun') continue;
    if (found) {
      others++; // a later audio track: ffmpeg's first audio stream is the first one
      continue;
    }
    const mdhd = mk.find((x) => x.type === 'mdhd');
    const minf = mk.find((x) => x.type === 'minf');
    if (!mdhd || !minf) return null;
    const h = await readAt(fh, mdhd.at, 32);
    const scale = h[0] === 1 ? h.readUInt32BE(20) : h.readUInt32BE(12);
    const stbl = (await mp4Children(fh, minf.at, minf.end)).find((x) => x.type === 'stbl');
    const stts = stbl ? (await mp4Children(fh, stbl.at, stbl.end)).find((x) => x.type === 'stts') : undefined;
    if (!scale || !stts || stts.end - stts.at > 16 << 20) return null;
    const t = await readAt(fh, stts.at, stts.end - stts.at);
    const entries = t.readUInt32BE(4);
    if (8 + entries * 8 > t.length) return null;
    let ticks = 0;
    let packets = 0;
    let frame = 0;
    for (let k = 0; k < entries; k++) {
      const count = t.readUInt32BE(8 + k * 8);
      const delta = t.readUInt32BE(12 + k * 8);
      ticks += count * delta;
      packets += count;
      if (k === 0) frame = delta;
    }
    // AAC (stsd "mp4a", esds objectTypeIndication 0x40: MPEG-4 audio): every packet decodes to a whole frame, the
    // last one too (the muxer's shorter last stts delta is the encoder's end padding, which ffmpeg 5.1 outputs)
    const stsd = stbl ? (await mp4Children(fh, stbl.at, stbl.end)).find((x) => x.type === 'stsd') : undefined;
    const entry = stsd ? await readAt(fh, stsd.at, Math.min(stsd.end - stsd.at, 256)) : null;
    const esds = entry && entry.toString('latin1', 12, 16) === 'mp4a' ? entry.indexOf('esds', 16, 'latin1') : -1;
    // esds (ISO/IEC 14496-1 §7.2.6): the ES_Descriptor (tag 3: size, ES_ID, flags), then its DecoderConfigDescriptor
    // (tag 4: size, objectTypeIndication); each size 1–4 bytes of 7 bits, the high bit "more follows"
    const descSize = (i: number): number => { let k = i; while (k < i + 4 && entry![k] & 0x80) k++; return k + 1; };
    let q = esds > 0 && entry![esds + 8] === 3 ? descSize(esds + 9) : -1;
    if (q > 0) q += 3 + (entry![q + 2] & 0x80 ? 2 : 0) + (entry![q + 2] & 0x20 ? 2 : 0); // ES_ID, flags, dependsOn_ES_ID, OCR_ES_Id
    const aac = q > 0 && entry![q] === 4 && entry![descSize(q + 1)] === 0x40;
    if (aac && frame > 0 && entries > 0) ticks = packets * frame;
    let skip = 0;
    const edts = kids.find((x) => x.type === 'edts');
    const elst = edts ? (await mp4Children(fh, edts.at, edts.end)).find((x) => x.type === 'elst') : undefined;
    if (elst) {
      const e = await readAt(fh, elst.at, Math.min(elst.end - elst.at, 8 + 3 * 20));
      const v1 = e[0] === 1;
      const n = e.readUInt32BE(4);
      const size = v1 ? 20 : 12;
      const edits = [];
      for (let k = 0; k < n && 8 + (k + 1) * size <= e.length; k++) {
        const o = 8 + k * size;
        edits.push({ mediaTime: v1 ? Number(e.readBigInt64BE(o + 8)) : e.readInt32BE(o + 4), rate: e.readInt16BE(o + (v1 ? 16 : 8)) });
      }
      const real = edits.filter((x) => x.mediaTime !== -1);
      if (edits.length !== n || real.length !== 1 || real[0].rate !== 1 || (edits.length === 2 && edits[0].mediaTime !== -1)) return null;
      skip = real[0].mediaTime;
    }
    found = { tableSec: ticks / scale, skipSec: skip / scale, source: elst ? "the sample table less the edit list's start" : 'the sample table' };
  }
  if (!found) return null;
  return { audio: others ? { ...found, otherAudioTracks: others } : found, video };
}

/** the child boxes of an MP4 box body [at, end): type, body start and end (headers read one by one) */
async function mp4Children(fh: FileHandle, at: number, end: number): Promise<Array<{ type: string; at: number; end: number }>> {
  const out: Array<{ type: string; at: number; end: number }> = [];
  for (let p = at, n = 0; p + 8 <= end && n < 4096; n++) {
    const b = await readAt(fh, p, 16);
    if (b.length < 8 || !ascii4(b, 4)) break;
    let len = b.readUInt32BE(0);
    let head = 8;
    if (len === 1 && b.length >= 16) {
      len = Number(b.readBigUInt64BE(8));
      head = 16;
    } else if (len === 0) len = end - p;
    if (len < head || p + len > end) break;
    out.push({ type: b.toString('latin1', 4, 8), at: p + head, end: p + len });
    p += len;
  }
  return out;
}

/**
 * The video tracks (their order among the moov's tracks, 0-based — ffmpeg's stream index) whose track header's
 * display matrix (tkhd, ISO/IEC 14496-12 §8.3.2: {a b u, c d v, x y w} in 16.16) mirrors the picture: a·d − b·c < 0
 * (a flip, with or without a quarter or half turn — front cameras, editors' "flip"). ffmpeg 5.1 states only a
 * rotation for such a matrix (av_display_rotation_get: an hflip reads "rotation of -180"), never the mirror.
 */
async function mp4Mirrored(fh: FileHandle, moov: { at: number; end: number }): Promise<number[]> {
  const out: number[] = [];
  const traks = (await mp4Children(fh, moov.at, moov.end)).filter((x) => x.type === 'trak');
  for (const [i, trak] of traks.entries()) {
    const kids = await mp4Children(fh, trak.at, trak.end);
    const tkhd = kids.find((x) => x.type === 'tkhd');
    const mdia = kids.find((x) => x.type === 'mdia');
    if (!tkhd || !mdia) continue;
    const hdlr = (await mp4Children(fh, mdia.at, mdia.end)).find((x) => x.type === 'hdlr');
    if (!hdlr || (await readAt(fh, hdlr.at + 8, 4)).toString('latin1') !== 'vide') continue;
    const version = (await readAt(fh, tkhd.at, 1))[0];
    const m = await readAt(fh, tkhd.at + (version === 1 ? 52 : 40), 20);
    if (m.length < 20) continue;
    // a, b, (u), c, d in 16.16 fixed point: the sign of the determinant is all that is needed
    const det = m.readInt32BE(0) * m.readInt32BE(16) - m.readInt32BE(4) * m.readInt32BE(12);
    if (det < 0) out.push(i);
  }
  return out;
}

/**
 * Ogg (RFC 3533): the last page must lie whole within the file and carry the
 * end-of-stream flag (header type 0x04); a file cut short ends inside a page
 * or before its last one. Reads the first and the last 64 KiB; the file's
 * pages are walked (oggLinks) only where asked (`walk`: the probe, which has
 * no decode to count the audio's bytes) or where the file is chained.
 */
async function ogg(fh: FileHandle, size: number, start: number, head: Buffer, walk: boolean): Promise<Structure> {
  const tail = await oggTail(fh, size);
  if (tail.truncated) return tail;
  const chained = tail.oggLastSerial !== undefined && oggChainedByEnds(head, tail.oggLastSerial);
  const links = walk || chained ? await oggLinks(fh, size, start) : null;
  const gain = opusHeadGainDb(head);
  return {
    ...NONE,
    oggAudioBytes: links ? links.audioBytes : null,
    ogg: links && links.links.length ? { links: links.links } : null,
    ...(gain ? { opusOutputGainDb: gain } : {}),
  };
}

/**
 * The output gain (dB) of the OpusHead packet on an Ogg file's first page (RFC 7845 §5.1: "OpusHead", version,
 * channels, pre-skip, input rate, then the gain at byte 16, a signed little-endian Q7.8 number); null where the first
 * page holds no OpusHead. `head`: the file's first bytes, from its first page. Pure.
 */
export function opusHeadGainDb(head: Buffer): number | null {
  if (head.length < 27 || head.toString('latin1', 0, 4) !== 'OggS') return null;
  const body = 27 + head[26]!;
  if (head.length < body + 19 || head.toString('latin1', body, body + 8) !== 'OpusHead') return null;
  return head.readInt16LE(body + 16) / 256;
}

/**
 * A chained Ogg file (RFC 3533 §4: logical streams one after another, each
 * with its own serial number) told from its ends: the last page belongs to no
 * stream that begins at the file's start (the beginning-of-stream pages
 * grouped there), or a beginning-of-stream page follows a stream's pages in
 * the first 64 KiB (`head`).
 */
function oggChainedByEnds(head: Buffer, lastSerial: number): boolean {
  const first = new Set<number>();
  let grouped = true;
  for (let i = 0; i + 27 <= head.length && head.toString('latin1', i, i + 4) === 'OggS';) {
    const segs = head[i + 26];
    if (i + 27 + segs > head.length) break;
    const bos = (head[i + 5] & 0x02) !== 0;
    const sn = head.readUInt32LE(i + 14);
    if (bos && !grouped) return true;
    if (bos) first.add(sn);
    else grouped = false;
    let body = 0;
    for (let k = 0; k < segs; k++) body += head[i + 27 + k];
    i += 27 + segs + body;
  }
  return first.size > 0 && !first.has(lastSerial);
}

/** one logical stream of an Ogg file (a link of a chained file) */
export interface OggLink {
  /** "vorbis", "opus", "flac", "speex" (ffmpeg's codec names), or "unknown" */
  codec: string;
  sampleRate: number;
  channels: number;
  /** the samples it decodes: its last granule position (less Opus' pre-skip) */
  samples: number;
  /** its Vorbis comment's title and artist, when stated */
  title?: string;
  artist?: string;
}

/** the codec of an Ogg stream's first (identification) packet: name, sample rate, channels, Opus pre-skip (RFC 7845 §5.1, Vorbis I §4.2.2, Ogg FLAC mapping, Speex manual) */
function oggIdent(p: Buffer): { codec: string; sampleRate: number; channels: number; preSkip: number } | null {
  if (p.length >= 19 && p.toString('latin1', 0, 8) === 'OpusHead') return { codec: 'opus', sampleRate: 48000, channels: p[9], preSkip: p.readUInt16LE(10) };
  if (p.length >= 30 && p[0] === 1 && p.toString('latin1', 1, 7) === 'vorbis') return { codec: 'vorbis', sampleRate: p.readUInt32LE(12), channels: p[11], preSkip: 0 };
  if (p.length >= 51 && p[0] === 0x7f && p.toString('latin1', 1, 5) === 'FLAC') {
    const s = 17; // "\x7fFLAC", version (2), header count (2), "fLaC", the block header (4): STREAMINFO
    return { codec: 'flac', sampleRate: (p[s + 10] << 12) | (p[s + 11] << 4) | (p[s + 12] >> 4), channels: ((p[s + 12] >> 1) & 7) + 1, preSkip: 0 };
  }
  if (p.length >= 80 && p.toString('latin1', 0, 8) === 'Speex   ') return { codec: 'speex', sampleRate: p.readUInt32LE(36), channels: p.readUInt32LE(48), preSkip: 0 };
  return null;
}

/** TITLE and ARTIST of a Vorbis comment packet (Vorbis I §5: vendor, then "KEY=value" entries, UTF-8, LE lengths) after `skip` magic bytes */
function vorbisCommentTitle(p: Buffer, skip: number): { title?: string; artist?: string } {
  const out: { title?: string; artist?: string } = {};
  try {
    let i = skip;
    i += 4 + p.readUInt32LE(i);
    const n = p.readUInt32LE(i);
    i += 4;
    for (let k = 0; k < n && i + 4 <= p.length; k++) {
      const len = p.readUInt32LE(i);
      i += 4;
      if (i + len > p.length) break;
      const e = p.toString('utf8', i, i + len);
      i += len;
      const eq = e.indexOf('=');
      const key = e.slice(0, eq).toUpperCase();
      if (key === 'TITLE') out.title ??= e.slice(eq + 1);
      else if (key === 'ARTIST') out.artist ??= e.slice(eq + 1);
    }
  } catch {
    // a comment cut short (a page read in part): what was read stands
  }
  return out;
}

/**
 * Walk every page header of an Ogg file: its links (chained logical streams,
 * RFC 3533 §4) — codec, rate and samples of each, from its identification
 * packet and last granule position, the title and artist of its comment
 * packet — and the bytes of its audio packets: every page body of an audio
 * stream from its first audio page on (the header pages — identification,
 * comments with any cover art, setup — carry granule position 0, or −1 on a
 * page where no packet ends, until the first page that ends an audio packet;
 * Vorbis I.2, RFC 7845 §3, Speex and FLAC-in-Ogg begin audio on a fresh
 * page). In a grouped file (several streams side by side) only the first
 * audio stream of each link counts. Reads the page headers in 1 MiB blocks
 * and the first 64 KiB of each link's first two packets; null when the pages
 * do not chain.
 */
async function oggLinks(fh: FileHandle, size: number, start: number): Promise<{ links: OggLink[]; audioBytes: number } | null> {
  const BLOCK = 1 << 20;
  let pos = start;
  let buf: Buffer = Buffer.alloc(0);
  let bufAt = 0;
  const links: OggLink[] = [];
  /** the counted stream of the current link */
  let cur: { serial: number; link: OggLink; preSkip: number; audio: boolean; pages: number } | null = null;
  let audioBytes = 0;
  let anyAudio = false;
  while (pos < size) {
    if (pos + 282 > bufAt + buf.length) {
      buf = await readAt(fh, pos, Math.min(BLOCK, size - pos));
      bufAt = pos;
    }
    const i = pos - bufAt;
    if (i + 27 > buf.length || buf.toString('latin1', i, i + 4) !== 'OggS') return null;
    const segs = buf[i + 26];
    if (i + 27 + segs > buf.length) return null;
    let body = 0;
    for (let k = 0; k < segs; k++) body += buf[i + 27 + k];
    const sn = buf.readUInt32LE(i + 14);
    const bos = (buf[i + 5] & 0x02) !== 0;
    const bodyAt = pos + 27 + segs;
    if (bos) {
      // a beginning-of-stream page of an audio codec: a new link when none has begun or the current one has begun
      // its audio (chained, RFC 3533 §4); beside the current link's first stream (grouped) it is not counted
      const ident = oggIdent(await readAt(fh, bodyAt, Math.min(body, 128)));
      if (ident && (cur === null || cur.audio)) {
        const link: OggLink = { codec: ident.codec, sampleRate: ident.sampleRate, channels: ident.channels, samples: 0 };
        links.push(link);
        cur = { serial: sn, link, preSkip: ident.preSkip, audio: false, pages: 0 };
      }
    } else if (cur && sn === cur.serial) {
      const lo = buf.readUInt32LE(i + 6);
      const hi = buf.readInt32LE(i + 10);
      const unended = lo === 0xffffffff && hi === -1;
      if (!cur.audio && !unended && (lo !== 0 || hi !== 0)) cur.audio = anyAudio = true;
      if (!cur.audio && cur.pages === 0 && cur.link.title === undefined && cur.link.artist === undefined) {
        // the comment packet starts on the page after the identification page
        const p = await readAt(fh, bodyAt, Math.min(65536, size - bodyAt));
        const magic = cur.link.codec === 'opus' ? (p.toString('latin1', 0, 8) === 'OpusTags' ? 8 : -1) : cur.link.codec === 'vorbis' ? (p[0] === 3 && p.toString('latin1', 1, 7) === 'vorbis' ? 7 : -1) : cur.link.codec === 'flac' ? 4 : 0;
        if (magic >= 0) Object.assign(cur.link, vorbisCommentTitle(p, magic));
      }
      cur.pages++;
      if (cur.audio) {
        audioBytes += body;
        if (!unended) cur.link.samples = Math.max(0, lo + hi * 2 ** 32 - cur.preSkip);
      }
    }
    pos = bodyAt + body;
  }
  return anyAudio ? { links, audioBytes } : null;
}

/** the last page of an Ogg file: whole, and the end of the stream (see ogg); its serial number */
async function oggTail(fh: FileHandle, size: number): Promise<Structure & { oggLastSerial?: number }> {
  const from = Math.max(0, size - 65536);
  const t = await readAt(fh, from, size - from);
  const i = t.lastIndexOf('OggS');
  if (i < 0 || i + 27 > t.length) return { ...NONE, truncated: { container: 'Ogg', inside: 'a page header', sizeBytes: size, declaredBytes: size + 1 } };
  const segs = t[i + 26];
  if (i + 27 + segs > t.length) return { ...NONE, truncated: { container: 'Ogg', inside: 'a page header', sizeBytes: size, declaredBytes: from + i + 27 + segs } };
  let body = 0;
  for (let k = 0; k < segs; k++) body += t[i + 27 + k];
  const end = from + i + 27 + segs + body;
  if (end > size) {
    // granule position 0: a header page (identification, comments, setup), before any audio (RFC 3533 §6, Vorbis I.2, RFC 7845 §3)
    const header = t.readUInt32LE(i + 6) === 0 && t.readUInt32LE(i + 10) === 0;
    return { ...NONE, truncated: { container: 'Ogg', inside: header ? "its codec headers (a header page, before any audio)" : 'its last page of audio', sizeBytes: size, declaredBytes: end, beforeAudio: header } };
  }
  if (!(t[i + 5] & 0x04)) return { ...NONE, truncated: { container: 'Ogg', inside: 'the stream, before its last page (no end-of-stream page)', sizeBytes: size, declaredBytes: size } };
  return { ...NONE, oggLastSerial: t.readUInt32LE(i + 14) };
}

const CAF_CHUNK: Record<string, string> = { desc: 'its format header', data: 'its audio data', pakt: 'its packet table (the index of its variable-size packets)', kuki: 'its codec setup', info: 'its tags', chan: 'its channel layout', free: 'free space' };

/**
 * Apple Core Audio Format (Core Audio Format Specification 1.0): the header
 * "caff", version 1, flags; then chunks of type (4 bytes) and a signed 64-bit
 * big-endian size (−1 only for a last "data" chunk that runs to the end). A
 * format with variable-size packets (desc mBytesPerPacket = 0: ALAC, AAC)
 * cannot be decoded without its packet table ("pakt"), which ffmpeg writes
 * after the audio: a file cut before it has nothing decodable.
 */
async function caf(fh: FileHandle, size: number, start: number): Promise<Structure> {
  let pos = start + 8;
  let variable = false;
  let pakt = false;
  let sampleRate = 0;
  let formatId = '';
  let framesPerPacket = 0;
  let dataAt = 0;
  let paktFrames: { validFrames: number; primingFrames: number; remainderFrames: number } | null = null;
  const found = (): Structure => ({ ...NONE, caf: paktFrames && paktFrames.validFrames > 0 && sampleRate > 0 ? { ...paktFrames, sampleRate } : null });
  for (let n = 0; n < 4096 && pos < size; n++) {
    if (pos + 12 > size) return { ...NONE, truncated: { container: 'CAF', inside: 'a chunk header', sizeBytes: size, declaredBytes: pos + 12, noIndex: variable && !pakt } };
    const b = await readAt(fh, pos, 12 + 24);
    if (!ascii4(b, 0)) return found();
    const type = b.toString('latin1', 0, 4);
    const len = Number(b.readBigInt64BE(4));
    if (type === 'desc' && b.length >= 12 + 24) {
      variable = b.readUInt32BE(12 + 16) === 0; // mBytesPerPacket after mSampleRate (8), mFormatID, mFormatFlags
      sampleRate = b.readDoubleBE(12);
      formatId = b.toString('latin1', 12 + 8, 12 + 12);
      framesPerPacket = b.readUInt32BE(12 + 20);
    }
    if (type === 'data') dataAt = pos + 12 + 4; // mEditCount (u32), then the packets
    if (type === 'pakt') {
      pakt = true;
      // mNumberPackets (i64), mNumberValidFrames (i64), mPrimingFrames (i32), mRemainderFrames (i32)
      if (b.length >= 12 + 24 && pos + 12 + len <= size) {
        paktFrames = { validFrames: Number(b.readBigInt64BE(12 + 8)), primingFrames: b.readInt32BE(12 + 16), remainderFrames: b.readInt32BE(12 + 20) };
        const packets = Number(b.readBigInt64BE(12));
        // ALAC whose table counts every packet as full (ffmpeg's caf muxer writes no remainder): the last packet's own
        // frame header states its sample count (ALAC: element header, has-size flag, 32-bit sample count)
        if (formatId === 'alac' && framesPerPacket > 0 && dataAt > 0 && packets > 0 && paktFrames.validFrames === packets * framesPerPacket && len <= 16 << 20) {
          const last = await alacLastPacketFrames(fh, size, dataAt, await readAt(fh, pos + 12 + 24, len - 24), packets);
          if (last !== null && last > 0 && last < framesPerPacket) paktFrames = { ...paktFrames, validFrames: (packets - 1) * framesPerPacket + last, remainderFrames: framesPerPacket - last };
        }
      }
    }
    if (len === -1 && type === 'data') break;
    if (len < 0) return NONE;
    const end = pos + 12 + len;
    if (end > size) {
      const noIndex = variable && !pakt;
      return { ...NONE, truncated: { container: 'CAF', inside: `${CAF_CHUNK[type] ?? `its "${type}" chunk`} (the "${type}" chunk)${noIndex && type !== 'pakt' ? ', before its packet table (pakt chunk)' : ''}`, sizeBytes: size, declaredBytes: end, noIndex } };
    }
    pos = end;
  }
  return found();
}

/**
 * The sample count an ALAC packet states (Apple ALAC: the first element's
 * header — element type 3 bits, instance tag 4, unused 12, has-size 1,
 * shift 2, escape 1 — then, with has-size, a 32-bit sample count); null when
 * it states none. `table`: the pakt chunk's packet sizes (variable-length
 * integers, 7 bits a byte, high bit: more follows) after its 24-byte header.
 */
async function alacLastPacketFrames(fh: FileHandle, size: number, dataAt: number, table: Buffer, packets: number): Promise<number | null> {
  let off = dataAt;
  let p = 0;
  for (let n = 0; n < packets - 1; n++) {
    let v = 0;
    for (;;) {
      if (p >= table.length) return null;
      const c = table[p++];
      v = v * 128 + (c & 0x7f);
      if (!(c & 0x80)) break;
    }
    off += v;
  }
  if (off + 7 > size) return null;
  const h = await readAt(fh, off, 7);
  const bits = (from: number, n: number) => {
    let v = 0;
    for (let k = from; k < from + n; k++) v = v * 2 + ((h[k >> 3] >> (7 - (k & 7))) & 1);
    return v;
  };
  if (bits(0, 3) > 1 || !bits(19, 1)) return null; // SCE or CPE element, has-size flag
  return bits(23, 32);
}

/** EBML variable-length integer at b[i]: [value, length]; value −1 for "unknown size". */
function vint(b: Buffer, i: number): [number, number] {
  const first = b[i];
  let len = 1;
  while (len <= 8 && !(first & (0x80 >> (len - 1)))) len++;
  if (len > 8 || i + len > b.length) return [-1, 0];
  let v = first & (0xff >> len);
  let all1 = v === 0xff >> len;
  for (let k = 1; k < len; k++) {
    v = v * 256 + b[i + k];
    if (b[i + k] !== 0xff) all1 = false;
  }
  return [all1 ? -1 : v, len];
}

/** Matroska: the EBML header, then the Segment (ID 0x18538067) and its declared size. */
function matroska(h: Buffer, size: number, start: number): Structure {
  const [hdrLen, l1] = vint(h, 4);
  if (hdrLen < 0) return NONE;
  const seg = 4 + l1 + hdrLen;
  if (seg + 5 > h.length || h.readUInt32BE(seg) !== 0x18538067) return NONE;
  const [segLen, l2] = vint(h, seg + 4);
  if (segLen < 0) return NONE; // live / unknown size
  const end = start + seg + 4 + l2 + segLen;
  return end > size ? { ...NONE, truncated: { container: 'Matroska', inside: 'its segment (the media data)', sizeBytes: size, declaredBytes: end } } : NONE;
}

/** EBML element ID at b[i] (RFC 8794 §5: a VINT kept with its marker bits): [id, length], or [-1, 0] */
function ebmlId(b: Buffer, i: number): [number, number] {
  const first = b[i];
  let len = 1;
  while (len <= 4 && !(first & (0x80 >> (len - 1)))) len++;
  if (len > 4 || i + len > b.length) return [-1, 0];
  let v = first;
  for (let k = 1; k < len; k++) v = v * 256 + b[i + k];
  return [v, len];
}

/** EBML unsigned / signed integer of `len` bytes at b[i] (RFC 8794 §7.1, §7.2; big-endian, up to 8 bytes) */
function ebmlUint(b: Buffer, i: number, len: number): number {
  let v = 0;
  for (let k = 0; k < len; k++) v = v * 256 + b[i + k];
  return v;
}
function ebmlInt(b: Buffer, i: number, len: number): number {
  const u = ebmlUint(b, i, len);
  return len > 0 && b[i] & 0x80 ? u - 2 ** (8 * len) : u;
}

/** The children of an EBML master element's body b[from, to): id, body offset and size each (a child running past `to` ends the list). */
function ebmlChildren(b: Buffer, from: number, to: number): Array<{ id: number; at: number; len: number }> {
  const out: Array<{ id: number; at: number; len: number }> = [];
  for (let p = from; p < to; ) {
    const [id, il] = ebmlId(b, p);
    if (id < 0) break;
    const [len, sl] = vint(b, p + il);
    if (len < 0 || sl === 0 || p + il + sl + len > to) break;
    out.push({ id, at: p + il + sl, len });
    p += il + sl + len;
  }
  return out;
}

/**
 * The samples (at 48 kHz) of the Opus packet starting at p[0] (RFC 6716 §3.1:
 * the TOC byte's config gives the frame size, its code the frame count — one,
 * two, or the next byte's low 6 bits); 0 when the packet is too short.
 */
export function opusPacketSamples(p: Uint8Array): number {
  if (p.length < 1) return 0;
  const config = p[0] >> 3;
  const size = config < 12 ? [480, 960, 1920, 2880][config & 3] : config < 16 ? [480, 960][config & 1] : [120, 240, 480, 960][config & 3];
  const code = p[0] & 3;
  const count = code === 0 ? 1 : code < 3 ? 2 : p.length > 1 ? p[1] & 0x3f : 0;
  return size * count;
}

/** Matroska element IDs (Matroska specification, RFC 9559 §5.1) */
const MKV = {
  segment: 0x18538067, info: 0x1549a966, timestampScale: 0x2ad7b1, tracks: 0x1654ae6b, trackEntry: 0xae, trackNumber: 0xd7, trackType: 0x83,
  codecId: 0x86, codecPrivate: 0x63a2, codecDelay: 0x56aa, defaultDuration: 0x23e383, audio: 0xe1, samplingFrequency: 0xb5,
  cluster: 0x1f43b675, timestamp: 0xe7, simpleBlock: 0xa3, blockGroup: 0xa0, block: 0xa1, blockDuration: 0x9b, discardPadding: 0x75a2,
};
/** the Segment's level-1 elements (RFC 9559 §5.1): one of them ends a Cluster of unknown size (RFC 8794 §6.2) */
const MKV_TOP = new Set([0x114d9b74, MKV.info, MKV.tracks, MKV.cluster, 0x1c53bb6b, 0x1941a469, 0x1043a770, 0x1254c367, 0xec]);

/**
 * The frame sizes of a Vorbis stream from its identification and setup
 * headers: blocksize_0/1 (Vorbis I §4.2.2, byte 28), and each mode's
 * blockflag, read from the setup header's end backwards (its last field is
 * the mode list, each mode 1 + 16 + 16 + 8 bits, and the framing bit;
 * §4.2.4) as libavcodec's vorbis_parser.c does without decoding the
 * codebooks before them. null when the headers do not parse.
 */
export function vorbisModes(idHeader: Uint8Array, setup: Uint8Array): { blocksize: [number, number]; modeBlockflag: number[] } | null {
  if (idHeader.length < 30 || idHeader[0] !== 1 || setup.length < 8 || setup[0] !== 5) return null;
  const blocksize: [number, number] = [1 << (idHeader[28] & 15), 1 << (idHeader[28] >> 4)];
  const n = setup.length * 8;
  // bit k counted from the end (0 = the last byte's top bit): the stream backwards, as the bytes reversed read MSB first
  const bit = (k: number): number => (setup[setup.length - 1 - (k >> 3)] >> (7 - (k & 7))) & 1;
  const bits = (k: number, w: number): number => {
    let v = 0;
    for (let i = 0; i < w; i++) v = v * 2 + bit(k + i);
    return v;
  };
  let k = 0;
  while (k < n - 97 && !bit(k)) k++;
  if (k >= n - 97) return null;
  const framing = k + 1;
  let count = 0;
  let last = 0;
  for (k = framing; n - k > 97; ) {
    if (bits(k, 8) > 63 || bits(k + 8, 16) || bits(k + 24, 16)) break;
    k += 41;
    count++;
    if (count > 64) break;
    if (bits(k, 6) + 1 === count) last = count;
  }
  if (!last) return null;
  const modeBlockflag: number[] = new Array(last);
  for (let i = last - 1, p = framing; i >= 0; i--, p += 41) modeBlockflag[i] = bit(p + 40);
  return { blocksize, modeBlockflag };
}

/** Xiph lacing of a Matroska Vorbis CodecPrivate (RFC 9559 §5.1.4.1.10 / Matroska codec mappings): its three header packets */
function xiphPackets(b: Uint8Array): Uint8Array[] | null {
  if (!b.length) return null;
  const count = b[0] + 1;
  const sizes: number[] = [];
  let p = 1;
  for (let i = 0; i < count - 1; i++) {
    let s = 0;
    while (p < b.length && b[p] === 255) s += b[p++];
    if (p >= b.length) return null;
    s += b[p++];
    sizes.push(s);
  }
  const out: Uint8Array[] = [];
  for (const s of sizes) {
    out.push(b.subarray(p, p + s));
    p += s;
  }
  out.push(b.subarray(p));
  return p <= b.length ? out : null;
}

/** samples per frame of the MPEG audio frame whose header is h[0..3] (ISO 11172-3 / 13818-3: layer I 384, II 1152, III 1152 or 576 at MPEG-2/2.5); 0 when none */
function mpegFrameSamples(h: Uint8Array): number {
  if (h.length < 4 || h[0] !== 0xff || (h[1] & 0xe0) !== 0xe0) return 0;
  const version = (h[1] >> 3) & 3; // 3: MPEG-1
  const layer = (h[1] >> 1) & 3; // 3: I, 2: II, 1: III
  if (version === 1 || layer === 0) return 0;
  return layer === 3 ? 384 : layer === 2 ? 1152 : version === 3 ? 1152 : 576;
}

/**
 * A Matroska/WebM file with one audio track and no video: the seconds that
 * decode, from its blocks (RFC 9559) — the one place the probe computes them
 * (the library decodes, and gets the same). The sum of the samples each of
 * the track's blocks decodes to: AAC 1024 a frame over the track's
 * SamplingFrequency (HE-AAC: 2048 at twice the rate, the same seconds;
 * ffmpeg 5.1 trims no priming there), MPEG audio the samples its frame
 * header states (ISO 11172-3: 384 / 1152 / 576), Vorbis (prev + cur
 * blocksize) / 4 from each packet's mode (Vorbis I §4.3.8; the first packet
 * decodes to nothing; vorbisModes), Opus its TOC byte's samples (RFC 6716
 * §3.1) — else each block's BlockDuration, else the track's DefaultDuration
 * × its laced frames; less the track's CodecDelay (§5.1.4.1.15, ns: Opus
 * pre-skip, which the decoder drops) and the last block's DiscardPadding
 * (§5.1.3.5.6, ns: the final frame's padding — an encoder's end trim, which
 * ffmpeg drops). ffmpeg's Duration is Info's Duration printed to 10 ms (or
 * none: a live recording or one written to a pipe), and block timestamps are
 * rounded to the TimestampScale (1 ms by default), so neither is an exact
 * count. The walk reads the Segment's level-1 element headers, and each
 * Cluster whole (one read a Cluster, parsed in memory; a Cluster of unknown
 * size — a live recording, ffmpeg's `-live 1` or a pipe — ends where the next
 * level-1 element starts, RFC 8794 §6.2): one pass over the file. null for a
 * Cluster over 64 MiB, a video track, more than one audio track, laced
 * blocks of a codec counted by its packets, or a block whose duration nothing states.
 */
/** one audio track, no video: the block walk gives what decodes */
/**
 * The Matroska video tracks (0-based in Tracks order: ffmpeg's stream index) whose Projection (RFC 9559 §5.1.4.1.28.41)
 * mirrors the picture: ffmpeg 5.1 (matroskadec.c mkv_create_display_matrix) turns a rectangular projection's pose
 * into a display matrix — ProjectionPoseYaw ±180 with pitch 0 is a horizontal flip before ProjectionPoseRoll's
 * rotation (as mkvmerge --projection-pose-yaw 180 writes a flipped clip) — and applies it when decoding, while it
 * states only "rotation of …". Read from the file's first 64 KiB (`h`, where Tracks is); [] when not there.
 */
function matroskaMirrored(h: Buffer, start: number): number[] {
  if (start !== 0) return [];
  const [hdrLen, l1] = vint(h, 4);
  const segAt = 4 + l1 + hdrLen;
  const [, l2] = vint(h, segAt + 4);
  const float = (at: number, len: number) => (len === 4 ? h.readFloatBE(at) : len === 8 ? h.readDoubleBE(at) : 0);
  const out: number[] = [];
  for (const el of ebmlChildren(h, segAt + 4 + l2, h.length)) {
    if (el.id !== MKV.tracks) continue;
    ebmlChildren(h, el.at, el.at + el.len).filter((t) => t.id === MKV.trackEntry).forEach((t, i) => {
      const video = ebmlChildren(h, t.at, t.at + t.len).find((k) => k.id === 0xe0);
      const proj = video ? ebmlChildren(h, video.at, video.at + video.len).find((k) => k.id === 0x7670) : undefined;
      if (!proj) return;
      const kids = ebmlChildren(h, proj.at, proj.at + proj.len);
      const type = kids.find((k) => k.id === 0x7671);
      const value = (id: number) => { const k = kids.find((x) => x.id === id); return k ? float(k.at, k.len) : 0; };
      if ((type && ebmlUint(h, type.at, type.len) !== 0) || value(0x7674) !== 0 || Number.isNaN(value(0x7675))) return;
      if (Math.abs(value(0x7673)) === 180) out.push(i);
    });
  }
  return out;
}

/** Matroska TargetType words (RFC 9559 §5.1.8.1.1.2) and their TargetTypeValue, for a Targets that states only the word */
const TARGET_WORDS: Record<string, number> = { COLLECTION: 70, EDITION: 60, ISSUE: 60, VOLUME: 60, OPUS: 60, SEASON: 60, SEQUEL: 60, ALBUM: 50, OPERA: 50, CONCERT: 50, MOVIE: 50, EPISODE: 50, PART: 40, SESSION: 40, TRACK: 30, SONG: 30, CHAPTER: 30, SUBTRACK: 20, MOVEMENT: 20, SCENE: 20, SHOT: 10 };

/**
 * The Segment's Tags elements (Structure.matroskaTags): found by the SeekHead entries for Tags (0x1254C367) in the
 * first level-1 elements, or else by walking the level-1 elements' headers (at most 4096; a Cluster's size skips it).
 * A Tags element over 16 MiB (a cover in a binary tag) is not read. Cost: the first 64 KiB (already read) and one read
 * per Tags element. null where the file has no Tags element, or its Segment is of unknown size and has no SeekHead.
 */
async function matroskaTags(fh: FileHandle, size: number, start: number, h: Buffer): Promise<Structure['matroskaTags'] | null> {
  const TAGS = 0x1254c367;
  const [hdrLen, l1] = vint(h, 4);
  const segAt = 4 + l1 + hdrLen;
  const [segLen, l2] = vint(h, segAt + 4);
  const bodyAt = start + segAt + 4 + l2;
  const segEnd = segLen < 0 ? size : Math.min(size, bodyAt + segLen);
  const places = new Set<number>();
  let seekHeads = 0;
  // the SeekHead(s) and Tags among the level-1 elements in the head (RFC 9559 §6.2: SeekPosition is from the Segment's body)
  for (let p = bodyAt - start; p + 2 < h.length; ) {
    const [id, il] = ebmlId(h, p);
    if (id < 0) break;
    const [len, sl] = vint(h, p + il);
    if (sl === 0 || len < 0) break;
    const at = p + il + sl;
    if (id === TAGS) places.add(start + p);
    if (id === 0x114d9b74 && at + len <= h.length) {
      seekHeads++;
      for (const seek of ebmlChildren(h, at, at + len)) {
        if (seek.id !== 0x4dbb) continue;
        const kids = ebmlChildren(h, seek.at, seek.at + seek.len);
        const sid = kids.find((k) => k.id === 0x53ab);
        const pos = kids.find((k) => k.id === 0x53ac);
        if (sid && pos && ebmlUint(h, sid.at, sid.len) === TAGS) places.add(bodyAt + ebmlUint(h, pos.at, pos.len));
      }
    }
    if (id === MKV.cluster) break;
    p = at + len;
  }
  if (!places.size && !seekHeads && segLen >= 0) {
    for (let p = bodyAt, n = 0; p + 2 <= segEnd && n < 4096; n++) {
      const b = await readAt(fh, p, 12);
      const [id, il] = ebmlId(b, 0);
      const [len, sl] = id < 0 ? [-1, 0] : vint(b, il);
      if (sl === 0 || len < 0) break;
      if (id === TAGS) places.add(p);
      p += il + sl + len;
    }
  }
  const out: NonNullable<Structure['matroskaTags']> = [];
  for (const place of places) {
    const b0 = await readAt(fh, place, 12);
    const [id, il] = ebmlId(b0, 0);
    const [len, sl] = vint(b0, il);
    if (id !== TAGS || sl === 0 || len < 0 || len > 16 << 20 || place + il + sl + len > segEnd) continue;
    const b = await readAt(fh, place + il + sl, len);
    for (const tag of ebmlChildren(b, 0, b.length)) {
      if (tag.id !== 0x7373) continue;
      let level: number | null = null;
      let word: string | null = null;
      let aimed = false;
      const simple: Array<{ name: string; value: string }> = [];
      for (const k of ebmlChildren(b, tag.at, tag.at + tag.len)) {
        if (k.id === 0x63c0) {
          for (const t of ebmlChildren(b, k.at, k.at + k.len)) {
            if (t.id === 0x68ca) level = ebmlUint(b, t.at, t.len);
            else if (t.id === 0x63ca) word = b.toString('latin1', t.at, t.at + t.len).replace(/\0+$/, '').trim().toUpperCase();
            // TagTrackUID, TagEditionUID, TagChapterUID, TagAttachmentUID: 0 means "all", anything else one element
            else if ([0x63c5, 0x63c9, 0x63c4, 0x63c6].includes(t.id) && ebmlUint(b, t.at, t.len) !== 0) aimed = true;
          }
        } else if (k.id === 0x67c8) {
          const kids = ebmlChildren(b, k.at, k.at + k.len);
          const name = kids.find((x) => x.id === 0x45a3);
          const str = kids.find((x) => x.id === 0x4487);
          if (name && str) simple.push({ name: b.toString('utf8', name.at, name.at + name.len).replace(/\0+$/, '').toUpperCase(), value: b.toString('utf8', str.at, str.at + str.len).replace(/\0+$/, '') });
        }
      }
      if (aimed || !simple.length) continue;
      out.push({ level: level ?? (word !== null ? (TARGET_WORDS[word] ?? null) : null), simple });
    }
  }
  return out.length ? out : null;
}

/** audio (one track, or several: the first is walked, a second language or commentary beside it) and no video */
const walkWorth = (tracks: Array<{ type: number }>): boolean => tracks.some((t) => t.type === 2) && !tracks.some((t) => t.type === 1);

async function matroskaAudio(fh: FileHandle, size: number, start: number, h: Buffer): Promise<Structure['matroskaAudio']> {
  const [hdrLen, l1] = vint(h, 4);
  const segAt = 4 + l1 + hdrLen;
  const [segLen, l2] = vint(h, segAt + 4);
  const bodyAt = start + segAt + 4 + l2;
  const segEnd = segLen < 0 ? size : Math.min(size, bodyAt + segLen);
  let scale = 1e6;
  type Track = { number: number; type: number; codecId: string; codecDelay: number; defaultDuration: number; rate: number; priv: Buffer | null };
  const tracks: Track[] = [];
  /** each Cluster's body, read whole */
  const clusters: Buffer[] = [];
  for (let p = bodyAt, n = 0; p + 2 <= segEnd && n < 1_000_000; n++) {
    const b = await readAt(fh, p, 12);
    const [id, il] = ebmlId(b, 0);
    if (id < 0) break;
    const [len, sl] = vint(b, il);
    if (sl === 0) break;
    const at = p + il + sl;
    if (id === MKV.cluster) {
      if (!clusters.length && tracks.length && !walkWorth(tracks)) return null;
      if (len < 0) {
        // unknown size: the Cluster's children up to the next level-1 element (or the file's end)
        const body = await readAt(fh, at, Math.min(segEnd - at, 64 << 20));
        let q = 0;
        while (q < body.length) {
          const [cid, cil] = ebmlId(body, q);
          if (cid < 0 || MKV_TOP.has(cid)) break;
          const [clen, csl] = vint(body, q + cil);
          if (csl === 0 || clen < 0 || q + cil + csl + clen > body.length) break;
          q += cil + csl + clen;
        }
        if (q === body.length && at + q < segEnd) return null; // over 64 MiB
        clusters.push(body.subarray(0, q));
        p = at + q;
        continue;
      }
      if (len > 64 << 20) return null;
      clusters.push(await readAt(fh, at, len));
    } else if (len < 0) return null;
    else if ((id === MKV.info || id === MKV.tracks) && len <= 1 << 20) {
      const body = await readAt(fh, at, len);
      if (id === MKV.info) {
        const ts = ebmlChildren(body, 0, body.length).find((c) => c.id === MKV.timestampScale);
        if (ts) scale = ebmlUint(body, ts.at, ts.len);
      } else {
        for (const e of ebmlChildren(body, 0, body.length).filter((c) => c.id === MKV.trackEntry)) {
          const t: Track = { number: 0, type: 0, codecId: '', codecDelay: 0, defaultDuration: 0, rate: 0, priv: null };
          for (const c of ebmlChildren(body, e.at, e.at + e.len)) {
            if (c.id === MKV.trackNumber) t.number = ebmlUint(body, c.at, c.len);
            else if (c.id === MKV.trackType) t.type = ebmlUint(body, c.at, c.len);
            else if (c.id === MKV.codecId) t.codecId = body.toString('latin1', c.at, c.at + c.len).replace(/\0+$/, '');
            else if (c.id === MKV.codecPrivate) t.priv = body.subarray(c.at, c.at + c.len);
            else if (c.id === MKV.codecDelay) t.codecDelay = ebmlUint(body, c.at, c.len);
            else if (c.id === MKV.defaultDuration) t.defaultDuration = ebmlUint(body, c.at, c.len);
            else if (c.id === MKV.audio) {
              const f = ebmlChildren(body, c.at, c.at + c.len).find((x) => x.id === MKV.samplingFrequency);
              if (f?.len === 4) t.rate = body.readFloatBE(f.at);
              else if (f?.len === 8) t.rate = body.readDoubleBE(f.at);
            }
          }
          tracks.push(t);
        }
      }
    }
    p = at + len;
  }
  if (!walkWorth(tracks) || !clusters.length || scale <= 0) return null;
  const track = tracks.filter((t) => t.type === 2)[0];
  const codec = track.codecId;
  const vorbis = codec === 'A_VORBIS' && track.priv ? (() => {
    const packets = xiphPackets(track.priv);
    return packets && packets.length === 3 ? vorbisModes(packets[0], packets[2]) : null;
  })() : null;
  if (codec === 'A_VORBIS' && !vorbis) return null;
  let prevBlock = 0;
  /** samples → ns at the track's rate (NaN: no rate) */
  const at = (samples: number, rate: number) => (rate > 0 ? (samples * 1e9) / rate : NaN);
  /** a block's duration in ns (−1: another track's; NaN: nothing states it): what its frames decode to, or `stated` (BlockDuration, ns), or DefaultDuration × frames */
  const blockNs = (b: Buffer, from: number, len: number, stated: number): number => {
    const [num, nl] = vint(b, from);
    if (num !== track.number || nl === 0 || len < nl + 4) return -1; // not this track's
    const laced = (b[from + nl + 2] & 0x06) !== 0;
    const frames = laced ? b[from + nl + 3] + 1 : 1; // laced: the frame count follows the flags
    const data = b.subarray(from + nl + 3, from + len);
    if (codec === 'A_AAC' || codec.startsWith('A_AAC/')) return at(1024 * frames, track.rate);
    if (/^A_MPEG\/L[123]$/.test(codec) && !laced) return at(mpegFrameSamples(data), track.rate) || NaN;
    if (vorbis) {
      if (laced || !data.length || data[0] & 1) return NaN;
      const modes = vorbis.modeBlockflag.length;
      const mode = modes === 1 ? 0 : (data[0] >> 1) & ((1 << Math.ceil(Math.log2(modes))) - 1);
      const cur = vorbis.blocksize[vorbis.modeBlockflag[mode] ?? 0];
      const out = prevBlock ? (prevBlock + cur) / 4 : 0;
      prevBlock = cur;
      return at(out, track.rate);
    }
    if (!laced && codec === 'A_OPUS') return (opusPacketSamples(data) * 1e9) / 48000;
    if (!Number.isNaN(stated)) return stated;
    if (track.defaultDuration) return track.defaultDuration * frames;
    return NaN;
  };
  let totalNs = 0;
  let blocks = 0;
  let lastDiscardNs = 0;
  for (const b of clusters) {
    for (const e of ebmlChildren(b, 0, b.length)) {
      let ns = -1;
      let discard = 0;
      if (e.id === MKV.simpleBlock) ns = blockNs(b, e.at, e.len, NaN);
      else if (e.id === MKV.blockGroup) {
        const kids = ebmlChildren(b, e.at, e.at + e.len);
        const blk = kids.find((k) => k.id === MKV.block);
        const dur = kids.find((k) => k.id === MKV.blockDuration);
        const pad = kids.find((k) => k.id === MKV.discardPadding);
        if (pad) discard = ebmlInt(b, pad.at, pad.len);
        if (blk) ns = blockNs(b, blk.at, blk.len, dur ? ebmlUint(b, dur.at, dur.len) * scale : NaN);
      }
      if (ns === -1) continue;
      if (!Number.isFinite(ns)) return null;
      totalNs += ns;
      blocks++;
      lastDiscardNs = Math.max(0, discard);
    }
  }
  const sec = (totalNs - track.codecDelay - lastDiscardNs) / 1e9;
  if (!blocks || !(sec > 0)) return null;
  const others = tracks.filter((t) => t.type === 2).length - 1;
  return { sec, blocksSec: totalNs / 1e9, codecDelayNs: track.codecDelay, discardPaddingNs: lastDiscardNs, codecId: track.codecId, source: 'the samples its blocks decode to, less CodecDelay and DiscardPadding', ...(others > 0 ? { otherAudioTracks: others } : {}) };
}

/**
 * A Fraunhofer VBRI header (as FhG encoders — MP3 Producer, Windows' and iTunes' older FhG codec — write it) in the
 * MPEG audio frame at `b[0]`: "VBRI" 32 bytes after the 4-byte frame header, whatever the mode, then version (2),
 * delay (2), quality (2), stream bytes (4), frame count (4). The frame count and encoder delay, or null.
 */
export function vbriHeader(b: Buffer): { frames: number; delay: number } | null {
  if (!mpegFrameLength(b, 0) || b.length < 36 + 18 || b.toString('latin1', 36, 40) !== 'VBRI') return null;
  return { frames: b.readUInt32BE(36 + 14), delay: b.readUInt16BE(36 + 6) };
}

/**
 * The gapless length of an MP3 whose first frame is a Xing/Info frame with a
 * frame count and a LAME extension (version string "LAME", "Lavf" or "Lavc",
 * as ffmpeg's mp3 demuxer requires): frames × samples per frame − encoder
 * delay − padding, capped at frames × samples per frame − delay − 529 (the
 * decoder delay ffmpeg always skips). `b`: the bytes from the first frame on; `freeFrameBytes`: the frame
 * length of a free-format stream (freeFormatMpeg), whose header states none.
 */
export function lameGapless(b: Buffer, freeFrameBytes?: number): Structure['gapless'] {
  const flen = freeFrameBytes ?? mpegFrameLength(b, 0);
  if (!flen) return null;
  const ver = (b[1] >> 3) & 3;
  const layer = 4 - ((b[1] >> 1) & 3);
  const sri = (b[2] >> 2) & 3;
  const rates: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };
  const sampleRate = rates[ver]?.[sri];
  if (!sampleRate) return null;
  const spf = layer === 1 ? 384 : layer === 2 || ver === 3 ? 1152 : 576;
  const frame = b.subarray(0, Math.min(flen, b.length));
  let x = frame.indexOf('Xing', 4, 'latin1');
  if (x < 0) x = frame.indexOf('Info', 4, 'latin1');
  if (x < 0 || x + 8 > b.length) return null;
  const flags = b.readUInt32BE(x + 4);
  if (!(flags & 1)) return null;
  let p = x + 8;
  const frames = b.readUInt32BE(p);
  p += 4;
  if (flags & 2) p += 4;
  if (flags & 4) p += 100;
  if (flags & 8) p += 4;
  if (p + 24 > b.length || frames === 0) return null;
  const version = b.toString('latin1', p, p + 9);
  if (!/^(LAME|Lavf|Lavc)/.test(version)) return null;
  const v = (b[p + 21] << 16) | (b[p + 22] << 8) | b[p + 23];
  const delay = v >> 12;
  const padding = v & 0xfff;
  const total = frames * spf;
  const samples = Math.min(total - delay - padding, total - delay - 529);
  if (samples <= 0) return null;
  return { samples, sampleRate, delay, padding, source: `the ${version.replace(/\0+$/, '').trim()} Info tag` };
}

/**
 * mp3guessenc's "timing shift case" of an MP3 (its check_timing_shift_case, which Mixxx uses to place other DJ
 * programs' cues, src/library/rekordbox/rekordboxfeature.cpp), from the first frame `b[0…]` (`freeFrameBytes`: a
 * free-format stream's frame length):
 * - 'A': no Xing/Info/VBRI header;
 * - 'B': a Xing/Info header without a LAME tag (a Xing-only writer, GOGO, LAME before 3.90, ffmpeg's "Lavf" tag) or
 *   with ffmpeg's "Lavc" one;
 * - 'C': a LAME tag ("LAME3.90" on, or 3.99 alpha's "L3.99") whose own CRC-16 (over the frame's bytes before it,
 *   CRC-16/ARC) does not check — zeroed or stale;
 * - 'D': such a LAME tag whose CRC checks (the common LAME-encoded MP3), or a Fraunhofer VBRI header.
 * Null where `b` starts with no MPEG audio frame.
 */
export function mp3TimingCase(b: Buffer, freeFrameBytes?: number): 'A' | 'B' | 'C' | 'D' | null {
  const flen = freeFrameBytes ?? mpegFrameLength(b, 0);
  if (!flen) return null;
  if (vbriHeader(b)) return 'D';
  const frame = b.subarray(0, Math.min(flen, b.length));
  let x = frame.indexOf('Xing', 4, 'latin1');
  if (x < 0) x = frame.indexOf('Info', 4, 'latin1');
  if (x < 0 || x + 8 > frame.length) return 'A';
  const flags = frame.readUInt32BE(x + 4);
  let p = x + 8 + (flags & 1 ? 4 : 0) + (flags & 2 ? 4 : 0) + (flags & 4 ? 100 : 0);
  if (frame.toString('latin1', p, p + 4) !== 'GOGO' && flags & 8) p += 4;
  const s = frame.toString('latin1', p, p + 9);
  // LAME before 3.90 wrote its version string alone ("LAME3.88"), no tag
  const lame = (/^LAME/.test(s) && !/^LAME3\.[0-8]\d(?!\d)/.test(s)) || /^L\d\.\d\d/.test(s);
  if (!lame) return 'B';
  if (p + 36 > frame.length) return 'C';
  return crc16Arc(frame, 0, p + 34) === frame.readUInt16BE(p + 34) ? 'D' : 'C';
}

/**
 * CRC-16/ARC of b[from..to) (polynomial 0x8005 reflected, initial 0): the LAME tag's "CRC-16 of Info Tag", over the
 * Info frame's bytes before that field (LAME's "Mp3 Info Tag rev 1 specifications", gabriel.mp3-tech.org).
 */
function crc16Arc(b: Buffer, from: number, to: number): number {
  let c = 0;
  for (let i = from; i < to; i++) {
    c ^= b[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  }
  return c;
}

const mb = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : n >= 1000 ? `${Math.round(n / 1000)} kB` : `${n} bytes`);

/** "the MP4 file ends after 300 kB, inside its audio data (the mdat box), which runs to 357 kB" */
export function truncationText(t: Truncation): string {
  // declaredBytes not past the end: the structure does not say how far what the file ends inside would run
  return `the ${t.container} file ends after ${mb(t.sizeBytes)}, inside ${t.inside}${t.declaredBytes > t.sizeBytes ? `, which runs to ${mb(t.declaredBytes)}` : ''}`;
}

/** The warning for a RIFF/AIFF file read although a chunk of odd size lacks its pad byte (Structure.unpaddedChunk). */
export function unpaddedText(u: NonNullable<Structure['unpaddedChunk']>, container: string): string {
  // an odd audio chunk last in line hides only what follows it (tags); any chunk before it hides the audio
  const misses = u.id === 'data' || u.id === 'SSND' ? 'miss the chunks after it (tags)' : 'find no audio';
  return (
    `The ${container} file's "${u.id.trim()}" chunk (at byte ${u.offset}) has an odd size (${u.bytes} bytes) but no pad byte after it, which the format requires ` +
    `(a known bug of some writers); readers that assume the pad (ffmpeg) ${misses}. Read as tolerant readers do: the next chunk is taken where it begins.`
  );
}

/** The sentence for trailing bytes after a RIFF/AIFF file's last chunk; `playsSec`: what the audio chunk holds (what ffmpeg plays). */
export function trailingText(t: NonNullable<Structure['trailing']>, container: string, playsSec: string): string {
  return (
    `The ${container} file's "${t.audioChunk.trim()}" chunk counts ${mb(t.audioChunkBytes)} of audio (${playsSec}), but ${mb(t.bytes)} follow it that belong to no chunk ` +
    `(trailing data: audio the header does not count — a recording whose header was not updated when it stopped — or other bytes appended). ffmpeg plays only what the chunk counts; shown: ${playsSec}.`
  );
}

/**
 * The error for a file ffmpeg cannot read (or decode nothing of) whose
 * structure shows it is truncated: DECODE_FAILED naming where it ends,
 * instead of NOT_MEDIA ("not an audio file").
 */
export function truncatedError(name: string, t: Truncation, ffmpegSays: string): StudioError {
  const nothing = t.noIndex
    ? ' Without its index nothing of the audio can be decoded.'
    : t.beforeAudio
      ? ' It ends before its first audio frame: nothing of the audio is left.'
      : '';
  return new StudioError(
    'DECODE_FAILED',
    `"${name}" is truncated: ${truncationText(t)}.${nothing} The file was probably cut short by an interrupted copy or download; copy it again from its source.`,
    ffmpegSays,
  );
}

/**
 * The mp3TimingCase of the MP3 at `path`, from its first audio frame as readStructure finds it (after every ID3v2
 * tag), reading only the ID3v2 headers and the first 2 kB of the audio (a frame is at most 1441 bytes at 320
 * kbit/s; 6 kB for a free-format stream, whose length is found from three headers): what the rekordbox export asks of every MP3 (rekordboxShiftSec). Null where the file starts with no MPEG
 * audio frame, cannot be read or is no regular file (a folder, a named pipe: opened non-blocking, never waited on).
 */
export async function mp3TimingCaseOf(path: string): Promise<ReturnType<typeof mp3TimingCase>> {
  let fh: FileHandle | null = null;
  try {
    // non-blocking: a named pipe at the path (a row's file replaced since its scan) is not waited on, as openMediaFile
    // refuses one — its open waited for a writer, and the export with it
    fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = await fh.stat();
    if (!st.isFile()) return null;
    const size = st.size;
    let start = 0;
    for (;;) {
      const next = id3v2Length(await readAt(fh, start, 10));
      if (!next || start + next > size) break;
      start += next;
    }
    const h = await readAt(fh, start, 2048);
    const m = mpegFrameLength(h, 0);
    if (m && mpegFrameLength(h, m)) return mp3TimingCase(h);
    // free format: its frame length is the distance between three headers (freeFormatMpeg), up to 2 × 2881 bytes
    // (640 kb/s at 32 kHz) — past 2 kB from about 320 kb/s at 44.1 kHz, where lame --freeformat is used
    const more = h.length === 2048 && h[0] === 0xff ? await readAt(fh, start, 6144) : h;
    const free = freeFormatMpeg(more);
    return free ? mp3TimingCase(more, free.frameBytes) : null;
  } catch {
    return null;
  } finally {
    await fh?.close();
  }
}

/** readStructure of the file at `path` (opened read-only and closed); no findings when it cannot be opened. */
export async function structureOf(path: string, opts: { oggPages?: boolean; matroskaBlocks?: boolean } = {}): Promise<Structure> {
  let fh: FileHandle | null = null;
  try {
    fh = await open(path, 'r');
    return await readStructure(fh, (await fh.stat()).size, opts);
  } catch {
    return NONE;
  } finally {
    await fh?.close();
  }
}

/**
 * A WebP's extended-format header (WebP container specification, "Extended File Format"): the VP8X chunk right after
 * "RIFF....WEBP", its flags byte at 20 (bit 1 = animation), canvas width/height − 1 as 24-bit little-endian at bytes 24
 * and 27. `head` is the file's first bytes (30 are enough). Null where it is no RIFF/WEBP file with a VP8X chunk first
 * (a simple lossy/lossless WebP, anything else, or fewer than 30 bytes).
 *
 * `animated` is the VP8X animation flag, and only that: the one rule of the probe (webpAnimation) and of the model's
 * input (model/media-input.ts firstWebpFrame), which had read it apart (the probe the flag, the model input an ANIM
 * chunk seen anywhere). The flag is what the specification says marks an animation, and what libwebp (Pillow's
 * reader, the model reference's loader) goes by: checked with Pillow 9.4 / libwebp 1.2.4, an animated WebP with the
 * flag cleared (its ANIM and ANMF chunks kept) does not open ("could not create decoder object"). So the studio takes
 * no first frame from such a file either, and ffmpeg (which reads no ANMF) refuses it. (A file with the flag but its
 * ANIM chunk gone does not open in Pillow either; both sides here still read its first ANMF frame, alike.)
 */
export function webpVp8x(head: Buffer): { canvasW: number; canvasH: number; animated: boolean } | null {
  if (head.length < 30 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 16) !== 'WEBPVP8X') return null;
  const u24 = (o: number) => head[o] | (head[o + 1] << 8) | (head[o + 2] << 16);
  return { canvasW: u24(24) + 1, canvasH: u24(27) + 1, animated: (head[20] & 0x02) !== 0 };
}

/**
 * An animated WebP's canvas and frame count, read from its chunk headers: webpVp8x's canvas and animation flag, one
 * ANMF chunk per frame. ffmpeg's WebP decoder reads no animation and states no size for such a file; Pillow (the
 * model reference's loader) and the studio's model input take its first frame on this canvas
 * (model/media-input.ts firstWebpFrame). Only the 8-byte chunk headers are read (a seek per chunk), so a large file
 * costs a few reads. Returns null for a file that is not an animated WebP; never throws for a short or damaged file
 * (the frames counted are those whose header lies inside the file).
 */
export async function webpAnimation(path: string): Promise<{ canvasW: number; canvasH: number; frames: number } | null> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(30);
    if (size < 30 || (await fh.read(head, 0, 30, 0)).bytesRead < 30) return null;
    const vp8x = webpVp8x(head);
    if (!vp8x?.animated) return null;
    const { canvasW, canvasH } = vp8x;
    let frames = 0;
    const h = Buffer.alloc(8);
    for (let off = 12; off + 8 <= size; ) {
      if ((await fh.read(h, 0, 8, off)).bytesRead < 8) break;
      if (h.toString('latin1', 0, 4) === 'ANMF') frames++;
      const len = h.readUInt32LE(4);
      off += 8 + len + (len & 1);
    }
    return { canvasW, canvasH, frames };
  } finally {
    await fh.close();
  }
}

/**
 * The byte ranges `[start, end)` of an MP3's or a FLAC's audio as it decodes, outside every tag a tagger may rewrite:
 * - MP3 (`kind` 'mp3'): after the ID3v2 tag at the start (ID3v2.4 §3.1: 10-byte header, syncsafe size, 10 more with a
 *   footer) and before the tags at the end — an ID3v1 tag ("TAG", its last 128 bytes) and an APEv2 tag before it or at
 *   the end (its 32-byte "APETAGEX" footer: the size it counts, plus the 32-byte header when its flags say there is one);
 *   the Xing/LAME frame is audio here (it sets the gapless length).
 * - FLAC (`kind` 'flac', RFC 9639 §8): the STREAMINFO block (how every frame decodes) and everything after the last
 *   metadata block; an ID3v2 tag before "fLaC" is skipped.
 * null: not that layout as read (no "fLaC", a block running past the end, a range that would be empty), so the caller
 * must not vouch for the audio by bytes. Reads headers only, never the audio.
 */
export async function audioByteRanges(path: string, kind: 'mp3' | 'flac'): Promise<[number, number][] | null> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const b = Buffer.alloc(32);
    const at = async (pos: number, n: number): Promise<Buffer | null> => (pos >= 0 && pos + n <= size && (await fh.read(b, 0, n, pos)).bytesRead === n ? b.subarray(0, n) : null);
    const id3 = await at(0, 10);
    const start = id3 ? id3v2Length(id3) : 0;
    if (kind === 'flac') {
      if ((await at(start, 4))?.toString('latin1') !== 'fLaC') return null;
      let pos = start + 4;
      let info: [number, number] | null = null;
      for (;;) {
        const h = await at(pos, 4);
        if (!h) return null;
        const len = (h[1] << 16) | (h[2] << 8) | h[3];
        if ((h[0] & 0x7f) === 0 && !info) info = [pos + 4, pos + 4 + len];
        pos += 4 + len;
        if (pos > size) return null;
        if (h[0] & 0x80) break;
      }
      return info && pos < size ? [info, [pos, size]] : null;
    }
    let end = size;
    if ((await at(end - 128, 3))?.toString('latin1') === 'TAG') end -= 128;
    const ape = await at(end - 32, 32);
    if (ape && ape.toString('latin1', 0, 8) === 'APETAGEX') end -= ape.readUInt32LE(12) + (ape.readUInt32LE(20) & 0x80000000 ? 32 : 0);
    return start < end ? [[start, end]] : null;
  } finally {
    await fh.close();
  }
}

/**
 * Whether two MP3s or two FLACs (`kind`) hold byte-identical audio (audioByteRanges: the same lengths and bytes),
 * whatever their tags. true only when both layouts read and every byte matches; false otherwise (the caller then asks
 * ffmpeg). Reads both files' audio in 1 MiB pieces.
 */
export async function sameAudioBytes(a: string, b: string, kind: 'mp3' | 'flac'): Promise<boolean> {
  const [ra, rb] = await Promise.all([audioByteRanges(a, kind), audioByteRanges(b, kind)]);
  if (!ra || !rb || ra.length !== rb.length || ra.some(([s, e], i) => e - s !== rb[i][1] - rb[i][0])) return false;
  const [fa, fb] = await Promise.all([open(a, 'r'), open(b, 'r')]);
  try {
    const piece = 1 << 20;
    const [x, y] = [Buffer.alloc(piece), Buffer.alloc(piece)];
    for (let r = 0; r < ra.length; r++) {
      for (let off = 0; off < ra[r][1] - ra[r][0]; off += piece) {
        const n = Math.min(piece, ra[r][1] - ra[r][0] - off);
        const [p, q] = await Promise.all([fa.read(x, 0, n, ra[r][0] + off), fb.read(y, 0, n, rb[r][0] + off)]);
        if (p.bytesRead !== n || q.bytesRead !== n || !x.subarray(0, n).equals(y.subarray(0, n))) return false;
      }
    }
    return true;
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}
