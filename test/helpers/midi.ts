/**
 * A small Standard MIDI File reader for ground truth: tempo, key and time
 * signature meta events plus the length of the piece. Only what the accuracy
 * benchmark needs; note events are skipped, not decoded.
 */

export interface MidiTempo {
  tick: number;
  /** microseconds per quarter note */
  usPerQuarter: number;
}

export interface MidiKeySig {
  tick: number;
  /** -7..7: number of flats (negative) or sharps */
  sf: number;
  minor: boolean;
}

export interface MidiInfo {
  format: number;
  tracks: number;
  /** ticks per quarter note (SMPTE time division is reported as 0) */
  division: number;
  tempos: MidiTempo[];
  keys: MidiKeySig[];
  timeSigs: { tick: number; num: number; den: number }[];
  /** tick of the last event in any track */
  endTick: number;
  /** number of note-on events with velocity > 0 */
  notes: number;
  /** quarter notes each pitch class (C..B) sounds, summed over voices; General MIDI drums (channel 10) left out */
  pcQuarters: number[];
}

function readVarLen(b: Uint8Array, pos: { p: number }): number {
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const c = b[pos.p++];
    if (c === undefined) throw new Error('truncated variable-length quantity');
    v = (v << 7) | (c & 0x7f);
    if (!(c & 0x80)) return v;
  }
  return v;
}

/** Parse the meta events of a Standard MIDI File (format 0 or 1). */
export function parseMidi(data: Uint8Array): MidiInfo {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tag = (o: number) => String.fromCharCode(data[o], data[o + 1], data[o + 2], data[o + 3]);
  let off = 0;
  // RIFF-wrapped MIDI (RMID) is also seen in game data.
  if (tag(0) === 'RIFF' && tag(8) === 'RMID') off = 20;
  if (tag(off) !== 'MThd') throw new Error('not a Standard MIDI File');
  const hlen = dv.getUint32(off + 4);
  const format = dv.getUint16(off + 8);
  const ntracks = dv.getUint16(off + 10);
  const div = dv.getUint16(off + 12);
  const info: MidiInfo = { format, tracks: ntracks, division: div & 0x8000 ? 0 : div, tempos: [], keys: [], timeSigs: [], endTick: 0, notes: 0, pcQuarters: new Array(12).fill(0) };
  off += 8 + hlen;
  for (let t = 0; t < ntracks && off + 8 <= data.length; t++) {
    const len = dv.getUint32(off + 4);
    const isTrack = tag(off) === 'MTrk';
    const start = off + 8;
    const end = Math.min(data.length, start + len);
    off = start + len;
    if (!isTrack) continue;
    const pos = { p: start };
    let tick = 0;
    let status = 0;
    const sounding = new Map<number, number>(); // channel·128 + note → tick of its note-on
    while (pos.p < end) {
      tick += readVarLen(data, pos);
      let s = data[pos.p];
      if (s & 0x80) pos.p++;
      else s = status; // running status
      if (s === 0xff) {
        const type = data[pos.p++];
        const l = readVarLen(data, pos);
        const d = data.subarray(pos.p, pos.p + l);
        pos.p += l;
        if (type === 0x51 && l >= 3) info.tempos.push({ tick, usPerQuarter: (d[0] << 16) | (d[1] << 8) | d[2] });
        else if (type === 0x59 && l >= 2) info.keys.push({ tick, sf: (d[0] << 24) >> 24, minor: d[1] === 1 });
        else if (type === 0x58 && l >= 2) info.timeSigs.push({ tick, num: d[0], den: 2 ** d[1] });
        else if (type === 0x2f) break;
      } else if (s === 0xf0 || s === 0xf7) {
        const l = readVarLen(data, pos);
        pos.p += l;
      } else if (s >= 0x80) {
        status = s;
        const hi = s & 0xf0;
        const n = hi === 0xc0 || hi === 0xd0 ? 1 : 2;
        if (hi === 0x90 && data[pos.p + 1] > 0) info.notes++;
        const ch = s & 0x0f;
        if (ch !== 9 && (hi === 0x90 || hi === 0x80)) {
          const id = ch * 128 + data[pos.p];
          const on = sounding.get(id);
          if (on !== undefined && info.division) info.pcQuarters[data[pos.p] % 12] += (tick - on) / info.division;
          sounding.delete(id);
          if (hi === 0x90 && data[pos.p + 1] > 0) sounding.set(id, tick);
        }
        pos.p += n;
      } else {
        throw new Error(`bad MIDI event at byte ${pos.p}`);
      }
    }
    if (tick > info.endTick) info.endTick = tick;
  }
  return info;
}

/** Seconds from the start to `tick`, following the tempo map (120 BPM until the first tempo event). */
export function tickToSeconds(info: MidiInfo, tick: number): number {
  const tempos = [...info.tempos].sort((a, b) => a.tick - b.tick);
  let sec = 0;
  let last = 0;
  let us = 500_000;
  for (const t of tempos) {
    if (t.tick >= tick) break;
    sec += ((t.tick - last) * us) / 1e6 / info.division;
    last = t.tick;
    us = t.usPerQuarter;
  }
  return sec + ((tick - last) * us) / 1e6 / info.division;
}

/** The key a MIDI key signature declares: tonic pitch class (0 = C) and mode. */
export function keyOfSignature(sf: number, minor: boolean): { tonic: number; mode: 'major' | 'minor' } {
  const major = (((sf * 7) % 12) + 12) % 12;
  return minor ? { tonic: (major + 9) % 12, mode: 'minor' } : { tonic: major, mode: 'major' };
}

export interface MidiTruth {
  bpm: number;
  tonic: number;
  mode: 'major' | 'minor';
  durationSec: number;
}

/**
 * Ground truth if the file declares one constant tempo and one constant key
 * (repeated identical events are fine), else null with the reason.
 */
export function constantTruth(info: MidiInfo): MidiTruth | { reason: string } {
  if (!info.division) return { reason: 'SMPTE time division' };
  if (!info.notes) return { reason: 'no notes' };
  const tempos = new Set(info.tempos.map((t) => t.usPerQuarter));
  if (tempos.size === 0) return { reason: 'no tempo event' };
  if (tempos.size > 1) return { reason: `${tempos.size} different tempos` };
  const keys = new Set(info.keys.map((k) => `${k.sf}/${k.minor}`));
  if (keys.size === 0) return { reason: 'no key signature' };
  if (keys.size > 1) return { reason: `${keys.size} different key signatures` };
  // A tempo event well after the start means the opening ran at the default 120 BPM.
  if (Math.min(...info.tempos.map((t) => t.tick)) > info.division) return { reason: 'tempo declared late' };
  const us = info.tempos[0].usPerQuarter;
  const k = keyOfSignature(info.keys[0].sf, info.keys[0].minor);
  return { bpm: 60e6 / us, ...k, durationSec: tickToSeconds(info, info.endTick) };
}
