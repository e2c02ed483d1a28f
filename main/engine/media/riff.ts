/**
 * A WAV file's chunk layout, read synchronously from its first chunk headers
 * (Microsoft RIFF: id 4 ASCII bytes, size u32 LE, body padded to an even
 * length), for the two WAV kinds ffmpeg 5.1's wav demuxer reads wrongly:
 *
 * - WAVE_FORMAT_EXTENSIBLE PCM/float whose wValidBitsPerSample differs from
 *   the container's wBitsPerSample ("24 valid bits in 32-bit containers", as
 *   Pro Tools and WaveLab write): ffmpeg picks the decoder from the valid
 *   bits (libavformat/riffdec.c ff_get_wav_header → ff_wav_codec_get_id with
 *   bits_per_coded_sample = valid bits), so 24-in-32 PCM decodes as
 *   `pcm_f24le` (NaN, values up to 4e31) and 24-in-32 float as nothing. The
 *   samples are wBitsPerSample wide (nBlockAlign = channels × container
 *   bytes; Microsoft, "WAVEFORMATEXTENSIBLE": the valid bits are the high
 *   ones, the rest zero padding), so the decoder of the container width reads
 *   them exactly: 24-in-32 PCM is 32-bit integer PCM whose low 8 bits are 0.
 * - A chunk of odd size written without its pad byte (a known writer bug;
 *   RIFF requires the pad): a reader that skips the pad lands one byte into
 *   the next chunk and does not find `data` (ffmpeg: "no 'data' tag found").
 *   Tolerant readers (libsndfile, music-metadata) look for the next chunk
 *   where the pad is not assumed; so does `chunkAfterOdd`. ffmpeg is then
 *   given the data chunk's bytes as raw PCM (`subfile` protocol + the raw
 *   PCM demuxer of the format's sample type), which is what the file holds.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** the WAVE fmt chunk's fields (WAVEFORMATEX / WAVEFORMATEXTENSIBLE) */
export interface WavFmt {
  /** wFormatTag: 1 PCM, 3 IEEE float, 6 A-law, 7 µ-law, 0xFFFE extensible, … */
  tag: number;
  /** the extensible SubFormat GUID's first two bytes (1 PCM, 3 float), else `tag` */
  subTag: number;
  channels: number;
  /** Hz */
  sampleRate: number;
  /** wBitsPerSample: the container width of one sample, bits */
  bits: number;
  /** wValidBitsPerSample of an extensible header (0: not stated), else `bits` */
  validBits: number;
  /** nBlockAlign: bytes per frame */
  blockAlign: number;
  /** an extensible header's dwChannelMask (speaker positions, AV_CH_* bits; 0: none stated), null without one */
  channelMask?: number | null;
}

export interface WavLayout {
  fmt: WavFmt | null;
  /** the audio data chunk's body: byte offset and length (clipped to the file) */
  data: { offset: number; bytes: number } | null;
  /** a chunk of odd size written without its pad byte (found when the next chunk only reads where no pad is assumed) */
  unpadded: { id: string; offset: number; bytes: number } | null;
  /** RF64 (EBU Tech 3306): sizes of 0xFFFFFFFF are in its ds64 chunk (the data chunk's is read from there) */
  rf64: boolean;
}

const ascii4 = (b: Uint8Array, i = 0): boolean => {
  if (b.length < i + 4) return false;
  for (let k = i; k < i + 4; k++) if (b[k] < 0x20 || b[k] > 0x7e) return false;
  return true;
};

/** chunk ids of WAV and AIFF files as their writers use them (RIFF, BWF, RF64, AIFF, and common application chunks) */
const KNOWN_IDS = new Set(['fmt ', 'data', 'LIST', 'fact', 'bext', 'iXML', 'id3 ', 'ID3 ', 'JUNK', 'junk', 'PAD ', 'FLLR', 'cue ', 'smpl', 'inst', 'acid', 'PEAK', 'ds64', 'axml', 'cart', 'plst', 'labl', 'note', 'ltxt', 'DISP', 'umid', 'SSND', 'COMM', 'NAME', 'AUTH', 'ANNO', '(c) ', 'MARK', 'INST', 'COMT', 'APPL', 'FVER', 'CHAN', 'ID3 ']);

/**
 * Where the chunk after an odd-sized chunk begins. `padded`/`unpadded`: the 8
 * bytes (id, size) read at the padded position `end + 1` and at `end` (no pad
 * byte); `end`: the odd chunk's last byte + 1; `size`: the file's size;
 * `le`: little-endian sizes (RIFF; AIFF's are big-endian).
 * A position "reads as a chunk" when its id is a FOURCC (letters, digits,
 * space, `_`, `-`, `(`, `)`) and its body ends within the file (or it is a
 * `data` chunk of size 0xFFFFFFFF, "to the end"). RIFF's rule (the padded
 * position) is taken when only it reads as a chunk, or when both do and the
 * unpadded id is no better known; the unpadded position (the writer left the
 * pad out) when only it reads, or when both do and only its id is a known
 * chunk id (a `data` found one byte early, against "ata@" made of its id's
 * tail and its size's first byte). Neither: as before, the unpadded one only
 * when the padded bytes are not even ASCII (a truncated file or garbage is
 * then reported by its reader).
 */
export function chunkAfterOdd(padded: Uint8Array, unpadded: Uint8Array, end: number, size: number, le: boolean): 'padded' | 'unpadded' {
  const idOf = (b: Uint8Array) => (b.length >= 4 ? Buffer.from(b.buffer, b.byteOffset, 4).toString('latin1') : '');
  const reads = (b: Uint8Array, at: number) => {
    if (b.length < 8 || !/^[A-Za-z0-9 _()-]{4}$/.test(idOf(b))) return false;
    const v = Buffer.from(b.buffer, b.byteOffset, 8);
    const len = le ? v.readUInt32LE(4) : v.readUInt32BE(4);
    return (len === 0xffffffff && idOf(b) === 'data') || at + 8 + len <= size;
  };
  const p = reads(padded, end + 1);
  const u = reads(unpadded, end);
  if (p && u) return KNOWN_IDS.has(idOf(unpadded)) && !KNOWN_IDS.has(idOf(padded)) ? 'unpadded' : 'padded';
  if (p) return 'padded';
  if (u) return 'unpadded';
  return !ascii4(padded) && ascii4(unpadded) ? 'unpadded' : 'padded';
}

/**
 * The chunk layout of the RIFF/RF64 WAVE file at `path`, read synchronously
 * (called as ffmpeg is spawned: a few 8-byte reads, one per chunk up to the
 * data chunk); null when it is not a regular WAVE file or cannot be read.
 */
export function wavLayout(path: string): WavLayout | null {
  return readRegularFileSync(path, 12, wavLayoutOf);
}

/**
 * wavLayout over a positional reader (readRegularFileSync's `read`) of a file
 * of `size` bytes: null when it is not a RIFF/RF64 WAVE file. An RF64 data
 * chunk's size (0xFFFFFFFF) is taken from its ds64 chunk (EBU Tech 3306 §3:
 * riffSize, dataSize, sampleCount as u64 LE), else "to the end of the file".
 */
export function wavLayoutOf(read: (pos: number, len: number) => Buffer, size: number): WavLayout | null {
  const h = read(0, 12);
  if (h.length < 12) return null;
  const riff = h.toString('latin1', 0, 4);
  if ((riff !== 'RIFF' && riff !== 'RF64') || h.toString('latin1', 8, 12) !== 'WAVE') return null;
  const out: WavLayout = { fmt: null, data: null, unpadded: null, rf64: riff === 'RF64' };
  let pos = 12;
  let odd: { id: string; offset: number; bytes: number } | null = null;
  let ds64Data = -1;
  for (let n = 0; n < 4096 && pos + 8 <= size; n++) {
    let b = read(pos, 8);
    if (odd) {
      const u = read(pos - 1, 8);
      if (chunkAfterOdd(b, u, pos - 1, size, true) === 'unpadded') {
        out.unpadded ??= odd;
        pos -= 1;
        b = u;
      }
    }
    if (b.length < 8 || !ascii4(b)) break;
    const id = b.toString('latin1', 0, 4);
    const len = b.readUInt32LE(4);
    if (id === 'ds64' && len >= 24) {
      const d = read(pos + 8, 24);
      if (d.length === 24) ds64Data = Number(d.readBigUInt64LE(8));
    }
    if (id === 'fmt ' && len >= 16) {
      const f = read(pos + 8, Math.min(len, 40));
      const tag = f.readUInt16LE(0);
      const bits = f.readUInt16LE(14);
      const ext = tag === 0xfffe && f.length >= 26;
      out.fmt = {
        tag,
        subTag: ext ? f.readUInt16LE(24) : tag,
        channels: f.readUInt16LE(2),
        sampleRate: f.readUInt32LE(4),
        bits,
        validBits: ext ? f.readUInt16LE(18) : bits,
        blockAlign: f.readUInt16LE(12),
        channelMask: ext && f.length >= 24 ? f.readUInt32LE(20) : null,
      };
    }
    if (id === 'data') {
      const left = size - pos - 8;
      const bytes = len === 0xffffffff ? (out.rf64 && ds64Data >= 0 ? Math.min(ds64Data, left) : left) : Math.min(len, left);
      out.data = { offset: pos + 8, bytes };
      break;
    }
    odd = len & 1 ? { id, offset: pos, bytes: len } : null;
    pos += 8 + len + (len & 1);
  }
  return out;
}

/**
 * Runs `fn` on the regular file at `path` of at least `minBytes` bytes with a
 * positional reader (`read(pos, len)`: up to `len` bytes at byte `pos`, fewer
 * at the end) and the file's size in bytes; null when the path is no regular
 * file (a named pipe, a folder, a device), is shorter, cannot be opened, or
 * `fn` throws. Synchronous, for the checks made as ffmpeg is spawned: the open
 * is non-blocking, so a FIFO never blocks, and the file is closed after.
 */
export function readRegularFileSync<T>(path: string, minBytes: number, fn: (read: (pos: number, len: number) => Buffer, size: number) => T | null): T | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size < minBytes) return null;
    return fn((pos, len) => {
      const b = Buffer.alloc(len);
      return b.subarray(0, readSync(fd, b, 0, len, pos));
    }, st.size);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * The ffmpeg decoder (`-c:a`) that reads a WAVE_FORMAT_EXTENSIBLE PCM or
 * float stream whose valid bits differ from its container width, by that
 * width (see the module comment); null for every other format (ffmpeg's own
 * choice is right).
 */
export function extensibleDecoder(f: WavFmt): string | null {
  if (f.tag !== 0xfffe || f.validBits === 0 || f.validBits === f.bits || f.channels < 1) return null;
  if (f.blockAlign !== f.channels * (f.bits / 8)) return null; // not whole bytes per sample: not the container width
  if (f.subTag === 1) return ({ 8: 'pcm_u8', 16: 'pcm_s16le', 24: 'pcm_s24le', 32: 'pcm_s32le' } as Record<number, string>)[f.bits] ?? null;
  if (f.subTag === 3) return ({ 32: 'pcm_f32le', 64: 'pcm_f64le' } as Record<number, string>)[f.bits] ?? null;
  return null;
}

/** The raw PCM demuxer (`-f`) of a WAV fmt's sample type, for reading its data chunk's bytes directly; null when not raw PCM. */
export function rawDemuxerOf(f: WavFmt): string | null {
  if (f.channels < 1 || f.sampleRate < 1 || f.blockAlign !== f.channels * Math.ceil(f.bits / 8)) return null;
  if (f.subTag === 1) return ({ 8: 'u8', 16: 's16le', 24: 's24le', 32: 's32le' } as Record<number, string>)[f.bits] ?? null;
  if (f.subTag === 3) return ({ 32: 'f32le', 64: 'f64le' } as Record<number, string>)[f.bits] ?? null;
  if (f.subTag === 6 && f.bits === 8) return 'alaw';
  if (f.subTag === 7 && f.bits === 8) return 'mulaw';
  return null;
}

/**
 * A LIST chunk's body (its 4-byte list type, then sub-chunks: INFO's INAM,
 * IART, …) with the pad bytes its writer left out put back, each next
 * sub-chunk found by the tolerant rule (chunkAfterOdd, within the LIST);
 * `fixed`: a pad was missing. A sub-chunk running past the LIST ends it.
 */
function padList(b: Buffer): { body: Buffer; fixed: boolean } {
  const out: Buffer[] = [b.subarray(0, 4)];
  let fixed = false;
  let pos = 4;
  let oddEnd = -1;
  while (pos + 8 <= b.length || (oddEnd >= 0 && oddEnd + 8 <= b.length)) {
    if (oddEnd >= 0) {
      if (chunkAfterOdd(b.subarray(oddEnd + 1, oddEnd + 9), b.subarray(oddEnd, oddEnd + 8), oddEnd, b.length, true) === 'unpadded') {
        fixed = true;
        pos = oddEnd;
      }
      oddEnd = -1;
    }
    if (pos + 8 > b.length || !ascii4(b, pos)) break;
    const len = b.readUInt32LE(pos + 4);
    if (pos + 8 + len > b.length) break;
    out.push(b.subarray(pos, pos + 8 + len), len & 1 ? Buffer.alloc(1) : Buffer.alloc(0));
    pos += 8 + len;
    if (len & 1) {
      oddEnd = pos;
      pos += 1;
    }
  }
  return { body: Buffer.concat(out), fixed };
}

/** the most bytes of chunks paddedWavTags copies (tags, ID3 chunks with their pictures) */
const TAG_BYTES = 16 << 20;

/**
 * The tag chunks of a RIFF/RF64 WAVE file — every chunk but the audio, before
 * and after the data chunk (LIST/INFO and id3 chunks are written either
 * side) — as a small RIFF WAVE file with the pad bytes its writer left out
 * put back, at the top level and inside LIST chunks, each next chunk found by
 * the tolerant rule (chunkAfterOdd, as the structure reader and the decode
 * find them), and an empty data chunk where the audio was; so that a reader
 * which assumes the pads (music-metadata: "Illegal remaining size: -1", or
 * lands one byte into the chunk after an odd data chunk) reads the tags.
 * `read(pos, len)`: up to `len` bytes of the file at byte `pos`; `size`: the
 * file's size in bytes. null when no pad is missing (the file reads as it
 * is), or it is not a WAVE file. Reads chunk headers and the tag chunks'
 * bodies (at most TAG_BYTES in all), never the audio.
 */
export async function paddedWavTags(read: (pos: number, len: number) => Promise<Buffer>, size: number): Promise<Buffer | null> {
  const h = await read(0, 12);
  if (h.length < 12 || !/^(RIFF|RF64)$/.test(h.toString('latin1', 0, 4)) || h.toString('latin1', 8, 12) !== 'WAVE') return null;
  const out: Buffer[] = [];
  let fixed = false;
  let copied = 0;
  let ds64Data = -1;
  let pos = 12;
  let oddEnd = -1;
  for (let n = 0; n < 4096 && pos + 8 <= size + 1; n++) {
    let b = await read(pos, 8);
    if (oddEnd >= 0) {
      const u = await read(oddEnd, 8);
      if (chunkAfterOdd(b, u, oddEnd, size, true) === 'unpadded') {
        fixed = true;
        pos = oddEnd;
        b = u;
      }
      oddEnd = -1;
    }
    if (b.length < 8 || !ascii4(b)) break;
    const id = b.toString('latin1', 0, 4);
    let len = b.readUInt32LE(4);
    if (id === 'data') {
      if (len === 0xffffffff) len = ds64Data >= 0 ? ds64Data : size - pos - 8;
      const hdr = Buffer.from('data\0\0\0\0', 'latin1');
      out.push(hdr);
    } else {
      if (pos + 8 + len > size) break; // cut inside: left to the reader
      if (id === 'ds64' && len >= 24) ds64Data = Number((await read(pos + 8, 24)).readBigUInt64LE(8));
      if (id !== 'ds64' && copied + len <= TAG_BYTES) {
        let body = await read(pos + 8, len);
        if (id === 'LIST' && len >= 4) {
          const p = padList(body);
          fixed ||= p.fixed;
          body = p.body;
        }
        const hdr = Buffer.alloc(8);
        hdr.write(id, 0, 'latin1');
        hdr.writeUInt32LE(body.length, 4);
        out.push(hdr, body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0));
        copied += body.length;
      }
    }
    pos += 8 + len;
    if (len & 1) {
      oddEnd = pos;
      pos += 1;
    }
  }
  if (!fixed) return null;
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), ...out]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}
