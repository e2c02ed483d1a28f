// Tag and box bytes written by hand, per the specs (ID3v2.3/2.4, APEv2, ISO base-media / iTunes atoms), for the
// media-truth suites that build tagged files the way taggers write them.
import assert from 'node:assert/strict';

export const be32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
export const le32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
export const syncsafe = (n: number) => Buffer.from([(n >> 21) & 127, (n >> 14) & 127, (n >> 7) & 127, n & 127]);
export const latin1Text = (t: string) => Buffer.concat([Buffer.alloc(1), Buffer.from(t, 'latin1')]);
export const utf8Text = (t: string) => Buffer.concat([Buffer.from([3]), Buffer.from(t, 'utf8')]);
/** an ID3v2.3 frame: id, 32-bit size, two flag bytes (the second: compression 0x80, encryption 0x40, grouping 0x20) */
export const f23 = (id: string, body: Buffer, flags2 = 0) => Buffer.concat([Buffer.from(id, 'latin1'), be32(body.length), Buffer.from([0, flags2]), body]);
/** an ID3v2.4 frame: syncsafe size; format flags: grouping 0x40, compression 0x08, encryption 0x04, unsync 0x02, data length indicator 0x01 */
export const f24 = (id: string, body: Buffer, flags2 = 0) => Buffer.concat([Buffer.from(id, 'latin1'), syncsafe(body.length), Buffer.from([0, flags2]), body]);
export const id3 = (version: number, frames: Buffer[]) => { const body = Buffer.concat(frames); return Buffer.concat([Buffer.from('ID3'), Buffer.from([version, 0, 0]), syncsafe(body.length), body]); };
/** an APEv2 tag (header, items, footer) as foobar2000/MP3Gain append it: items are value size, flags, key NUL, UTF-8 value */
export function apeTag(items: [string, string][]): Buffer {
  const body = Buffer.concat(items.map(([k, v]) => { const val = Buffer.from(v, 'utf8'); return Buffer.concat([le32(val.length), le32(0), Buffer.from(k + '\0', 'latin1'), val]); }));
  const part = (flags: number) => Buffer.concat([Buffer.from('APETAGEX', 'latin1'), le32(2000), le32(body.length + 32), le32(items.length), le32(flags >>> 0), Buffer.alloc(8)]);
  return Buffer.concat([part(0xa0000000), body, part(0x80000000)]);
}
/** an APEv2 tag as APEv1-era writers leave it: items and a footer, no header */
export function apeFooterOnly(items: [string, string][]): Buffer {
  const body = Buffer.concat(items.map(([k, v]) => { const val = Buffer.from(v, 'utf8'); return Buffer.concat([le32(val.length), le32(0), Buffer.from(k + '\0', 'latin1'), val]); }));
  return Buffer.concat([body, Buffer.from('APETAGEX'), le32(2000), le32(body.length + 32), le32(items.length), le32(0), Buffer.alloc(8)]);
}
export const atom = (type: string, body: Buffer) => Buffer.concat([be32(8 + body.length), Buffer.from(type, 'latin1'), body]);
export const freeform = (name: string, value: string) =>
  atom('----', Buffer.concat([atom('mean', Buffer.concat([Buffer.alloc(4), Buffer.from('com.apple.iTunes')])), atom('name', Buffer.concat([Buffer.alloc(4), Buffer.from(name)])), atom('data', Buffer.concat([be32(1), be32(0), Buffer.from(value)]))]));
/** boxes of an MP4 box body */
export function boxes(b: Buffer, from = 0): Array<{ type: string; start: number; size: number }> {
  const out = [];
  for (let i = from; i + 8 <= b.length; ) {
    const size = b.readUInt32BE(i);
    out.push({ type: b.toString('latin1', i + 4, i + 8), start: i, size });
    if (size < 8) break;
    i += size;
  }
  return out;
}
/** an M4A whose moov (last in the file, so no chunk offset moves) gets its ilst's items plus `items` */
export function withIlstItems(m4a: Buffer, items: Buffer[]): Buffer {
  const top = boxes(m4a);
  const moov = top.find((x) => x.type === 'moov')!;
  assert.ok(top.find((x) => x.type === 'mdat')!.start < moov.start, 'moov must come after mdat');
  const mo = m4a.subarray(moov.start, moov.start + moov.size);
  let old: Buffer = Buffer.alloc(0);
  const kids: Buffer[] = [];
  for (const k of boxes(mo, 8)) {
    const kb = mo.subarray(k.start, k.start + k.size);
    if (k.type !== 'udta') kids.push(kb);
    else for (const m of boxes(kb, 8)) if (m.type === 'meta') for (const il of boxes(kb.subarray(m.start, m.start + m.size), 12)) if (il.type === 'ilst') old = kb.subarray(m.start + il.start + 8, m.start + il.start + il.size);
  }
  const meta = atom('meta', Buffer.concat([Buffer.alloc(4), atom('hdlr', Buffer.concat([Buffer.alloc(8), Buffer.from('mdirappl'), Buffer.alloc(9)])), atom('ilst', Buffer.concat([old, ...items]))]));
  return Buffer.concat([m4a.subarray(0, moov.start) as Buffer, atom('moov', Buffer.concat([...kids, atom('udta', meta)])), m4a.subarray(moov.start + moov.size)]);
}
