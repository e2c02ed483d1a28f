/**
 * The pictures of an Ogg FLAC file (FLAC in Ogg, `flac --ogg`, Xiph's "FLAC to Ogg mapping" 1.0): its header
 * packets are the native FLAC metadata blocks, one per packet after the first ("\x7FFLAC", version, header count,
 * "fLaC", STREAMINFO), and a PICTURE block (type 6) holds the cover as in a native FLAC file. Neither music-metadata
 * (1 picture from a native FLAC, none from Ogg FLAC) nor ffmpeg (no attached-picture stream) reads them, so an Ogg FLAC
 * with a 2.7 MB front cover was said to have no cover art and its 3009 kb/s to be "tags and container overhead".
 */
import type { FileHandle } from 'node:fs/promises';
import type { IPicture } from 'music-metadata';

/** header packets read at most (a FLAC file has a handful of metadata blocks) */
const MAX_PACKETS = 256;
/** bytes of header pages read at most (covers up to this size are found) */
const MAX_BYTES = 64 << 20;

/**
 * The PICTURE blocks of the Ogg FLAC file open as `fh` (`size` bytes; `head`: its first bytes), in file order, as
 * music-metadata's IPicture (format: the MIME type; type: "Cover (front)" for picture type 3, else "Other"). Empty
 * for any other file, or where the headers end early or are damaged. Reads only the header pages of the first
 * logical stream. Never throws.
 */
export async function oggFlacPictures(fh: FileHandle, head: Buffer, size: number): Promise<IPicture[]> {
  if (head.length < 40 || head.toString('latin1', 0, 4) !== 'OggS') return [];
  const segs0 = head[26];
  const first = 27 + segs0;
  if (head.length < first + 13 || head[first] !== 0x7f || head.toString('latin1', first + 1, first + 5) !== 'FLAC') return [];
  const serial = head.readUInt32LE(14);
  const read = async (pos: number, len: number) => {
    const b = Buffer.alloc(Math.max(0, Math.min(len, size - pos)));
    const { bytesRead } = await fh.read(b, 0, b.length, pos);
    return b.subarray(0, bytesRead);
  };
  const pictures: IPicture[] = [];
  try {
    let pos = 0;
    let parts: Buffer[] = [];
    let packets = 0;
    while (pos + 27 <= size && pos < MAX_BYTES && packets < MAX_PACKETS) {
      const h = await read(pos, 27);
      if (h.length < 27 || h.toString('latin1', 0, 4) !== 'OggS') break;
      const n = h[26];
      const table = await read(pos + 27, n);
      if (table.length < n) break;
      let body = pos + 27 + n;
      const mine = h.readUInt32LE(14) === serial;
      for (let i = 0; i < n; i++) {
        const len = table[i];
        if (mine) parts.push(await read(body, len));
        body += len;
        if (!mine || len === 255) continue;
        const packet = Buffer.concat(parts);
        parts = [];
        packets++;
        if (packets === 1) continue; // the mapping header with STREAMINFO
        if (packet.length < 4) return pictures;
        const type = packet[0] & 0x7f;
        if (type === 6) {
          const pic = pictureBlock(packet.subarray(4));
          if (pic) pictures.push(pic);
        }
        if (packet[0] & 0x80) return pictures; // the last metadata block
      }
      pos = body;
    }
  } catch {
    // a damaged header: what was found so far
  }
  return pictures;
}

/** A FLAC PICTURE block's body (FLAC format §METADATA_BLOCK_PICTURE: big-endian u32 fields) → IPicture; null if short. */
function pictureBlock(b: Buffer): IPicture | null {
  let o = 0;
  const u32 = () => {
    if (o + 4 > b.length) throw new Error('short');
    const v = b.readUInt32BE(o);
    o += 4;
    return v;
  };
  try {
    const type = u32();
    const mimeLen = u32();
    const mime = b.toString('latin1', o, (o += mimeLen));
    const descLen = u32();
    const description = b.toString('utf8', o, (o += descLen));
    o += 16; // width, height, colour depth, indexed colours
    const dataLen = u32();
    if (o + dataLen > b.length) return null;
    return { format: mime, type: type === 3 ? 'Cover (front)' : 'Other', description, data: new Uint8Array(b.subarray(o, o + dataLen)) };
  } catch {
    return null;
  }
}
