// walkSmf (test/helpers/midi.ts): the one Standard MIDI File walker that parseMidi, heldout-set's noteOnTicks and
// heldout5-synth's midiNotes share (left28b; each had its own loop). Hand-made bytes, so the rules are seen.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { walkSmf, type SmfEvent } from '../helpers/midi';

/** MThd (format 0, one track, 96 ticks per quarter) and one MTrk of `body` */
function smf(body: number[]): Buffer {
  const head = Buffer.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0, 96]);
  const trk = Buffer.alloc(8);
  trk.write('MTrk', 0, 'latin1');
  trk.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, trk, Buffer.from(body)]);
}

test('walkSmf: absolute ticks, running status, a note-on of velocity 0 as a note-off, program and controllers, meta; nothing after End of Track', () => {
  const bytes = smf([
    0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20, // tempo 500 000 µs
    0x00, 0xc1, 0x18, // program 24 on channel 2
    0x00, 0xb1, 0x07, 0x64, // volume 100
    0x00, 0x0a, 0x20, // running status: pan 32
    0x00, 0x91, 0x3c, 0x50, // note-on C4
    0x60, 0x3c, 0x00, // running status, velocity 0: its note-off, 96 ticks later
    0x81, 0x00, 0xe1, 0x00, 0x40, // pitch bend at 224: skipped
    0x00, 0xf0, 0x02, 0x7e, 0xf7, // SysEx: skipped
    0x00, 0xff, 0x2f, 0x00, // End of Track
    0x00, 0x91, 0x40, 0x40, // after it: not read
  ]);
  const seen: SmfEvent[] = [];
  const head = walkSmf(bytes, (e) => seen.push(e));
  assert.deepEqual({ ...head }, { format: 0, tracks: 1, division: 96, endTick: 224 });
  const brief = seen.map((e) => (e.kind === 'meta' ? `${e.tick} meta ${e.type.toString(16)}` : `${e.tick} ${e.kind} ${JSON.stringify({ ...e, tick: undefined, track: undefined, kind: undefined })}`));
  assert.deepEqual(brief, [
    '0 meta 51',
    '0 program {"ch":1,"program":24}',
    '0 control {"ch":1,"controller":7,"value":100}',
    '0 control {"ch":1,"controller":10,"value":32}',
    '0 on {"ch":1,"note":60,"vel":80}',
    '96 off {"ch":1,"note":60}',
    '224 meta 2f',
  ]);
});

test('walkSmf: a RIFF-wrapped RMID file reads as its SMF; a data byte with no running status, or not an SMF, throws', () => {
  const inner = smf([0x00, 0x90, 0x40, 0x40, 0x10, 0x80, 0x40, 0x00, 0x00, 0xff, 0x2f, 0x00]);
  const riff = Buffer.alloc(20);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(12 + inner.length, 4);
  riff.write('RMIDdata', 8, 'latin1');
  riff.writeUInt32LE(inner.length, 16);
  const kinds: string[] = [];
  walkSmf(Buffer.concat([riff, inner]), (e) => kinds.push(`${e.tick} ${e.kind}`));
  assert.deepEqual(kinds, ['0 on', '16 off', '16 meta']);
  assert.throws(() => walkSmf(smf([0x00, 0x40, 0x40]), () => undefined), /bad MIDI event at byte 23/);
  assert.throws(() => walkSmf(Buffer.from('RIFF0000WAVEfmt '), () => undefined), /not a Standard MIDI File/);
});
