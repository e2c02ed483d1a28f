/**
 * A small Standard MIDI File reader: one event walker (walkSmf: notes with their ticks, programs, controllers such
 * as volume and pan, meta events) that the tests and tools/eval share, and the ground truth read with it — tempo,
 * key and time signature meta events, the length of the piece, the notes' pitch classes.
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

/** A Standard MIDI File's header chunk (MThd). */
export interface SmfHeader {
  format: number;
  tracks: number;
  /** ticks per quarter note (SMPTE time division is reported as 0) */
  division: number;
}

/**
 * One event of a track, at its absolute tick (the delta times summed from the track's start). Channel messages as
 * they sound: a note-on of velocity 0 is a note-off (SMF 1.0 / MIDI 1.0), a control change carries its controller
 * (7 channel volume, 10 pan, …); meta events with their type and data; pitch bend, aftertouch and SysEx are skipped.
 */
export type SmfEvent = { tick: number; track: number } & (
  | { kind: 'meta'; type: number; data: Uint8Array }
  | { kind: 'on'; ch: number; note: number; vel: number }
  | { kind: 'off'; ch: number; note: number }
  | { kind: 'program'; ch: number; program: number }
  | { kind: 'control'; ch: number; controller: number; value: number }
);

/**
 * Walks every track of a Standard MIDI File (format 0 or 1; RIFF-wrapped RMID too) in file order, calling `on` for
 * each event (SmfEvent) — the one SMF reader of the tests and tools/eval (parseMidi, heldout-set's noteOnTicks,
 * heldout5-synth's midiNotes). Running status is followed; a track ends at its End of Track meta event (0x2F) or its
 * chunk's end; chunks other than MTrk are skipped. Format: Standard MIDI Files 1.0 (MMA, 1996).
 * @returns the header and the last tick of any track
 * @throws Error on a file that is not an SMF, a truncated variable-length quantity, or a data byte where a status
 *   byte belongs with no running status to follow
 */
export function walkSmf(data: Uint8Array, on: (e: SmfEvent, head: SmfHeader) => void): SmfHeader & { endTick: number } {
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
  const head: SmfHeader = { format, tracks: ntracks, division: div & 0x8000 ? 0 : div };
  let endTick = 0;
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
        on({ tick, track: t, kind: 'meta', type, data: d }, head);
        if (type === 0x2f) break;
      } else if (s === 0xf0 || s === 0xf7) {
        const l = readVarLen(data, pos);
        pos.p += l;
      } else if (s >= 0x80) {
        status = s;
        const hi = s & 0xf0;
        const ch = s & 0x0f;
        const d1 = data[pos.p];
        const d2 = data[pos.p + 1];
        pos.p += hi === 0xc0 || hi === 0xd0 ? 1 : 2;
        if (hi === 0x90 && d2 > 0) on({ tick, track: t, kind: 'on', ch, note: d1, vel: d2 }, head);
        else if (hi === 0x80 || hi === 0x90) on({ tick, track: t, kind: 'off', ch, note: d1 }, head);
        else if (hi === 0xc0) on({ tick, track: t, kind: 'program', ch, program: d1 }, head);
        else if (hi === 0xb0) on({ tick, track: t, kind: 'control', ch, controller: d1, value: d2 }, head);
      } else {
        throw new Error(`bad MIDI event at byte ${pos.p}`);
      }
    }
    if (tick > endTick) endTick = tick;
  }
  return { ...head, endTick };
}

/** Parse the meta events of a Standard MIDI File (format 0 or 1), with its note count and pitch-class durations. */
export function parseMidi(data: Uint8Array): MidiInfo {
  const info: MidiInfo = { format: 0, tracks: 0, division: 0, tempos: [], keys: [], timeSigs: [], endTick: 0, notes: 0, pcQuarters: new Array(12).fill(0) };
  const sounding = new Map<number, number>(); // track·2048 + channel·128 + note → tick of its note-on
  const head = walkSmf(data, (e, { division }) => {
    if (e.kind === 'meta') {
      const d = e.data;
      const l = d.length;
      if (e.type === 0x51 && l >= 3) info.tempos.push({ tick: e.tick, usPerQuarter: (d[0] << 16) | (d[1] << 8) | d[2] });
      else if (e.type === 0x59 && l >= 2) info.keys.push({ tick: e.tick, sf: (d[0] << 24) >> 24, minor: d[1] === 1 });
      else if (e.type === 0x58 && l >= 2) info.timeSigs.push({ tick: e.tick, num: d[0], den: 2 ** d[1] });
    } else if (e.kind === 'on' || e.kind === 'off') {
      if (e.kind === 'on') info.notes++;
      if (e.ch !== 9) {
        const id = e.track * 2048 + e.ch * 128 + e.note;
        const at = sounding.get(id);
        if (at !== undefined && division) info.pcQuarters[e.note % 12] += (e.tick - at) / division;
        sounding.delete(id);
        if (e.kind === 'on') sounding.set(id, e.tick);
      }
    }
  });
  return { ...info, format: head.format, tracks: head.tracks, division: head.division, endTick: head.endTick };
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
