// tester24 (note-stop "Left 4"): a WAV that names no speaker positions (WAVE_FORMAT_EXTENSIBLE with dwChannelMask 0,
// as some multitrack recorders write) has a channel count but no layout: `studio probe` printed
// "audio: pcm_s16le, 48000 Hz, 1536 kb/s" — no channel count at all — while the track view said "3 ch".
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatProbe } from '../../main/cli/studio';
import { probeFile } from '../../main/engine/media/probe';
import { OUTPUT } from '../helpers/media';

/** A 48 kHz 16-bit WAVE_FORMAT_EXTENSIBLE (PCM) of `ch` channels of silence, 0.5 s, dwChannelMask `mask`. */
function maskedWav(ch: number, mask: number): Buffer {
  const rate = 48000;
  const data = Buffer.alloc((rate / 2) * ch * 2);
  const fmt = Buffer.alloc(40);
  fmt.writeUInt16LE(0xfffe, 0);
  fmt.writeUInt16LE(ch, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * ch * 2, 8);
  fmt.writeUInt16LE(ch * 2, 12);
  fmt.writeUInt16LE(16, 14);
  fmt.writeUInt16LE(22, 16);
  fmt.writeUInt16LE(16, 18);
  fmt.writeUInt32LE(mask, 20);
  Buffer.from('0100000000001000800000aa00389b71', 'hex').copy(fmt, 24); // KSDATAFORMAT_SUBTYPE_PCM
  const chunk = (id: string, body: Buffer) => { const h = Buffer.alloc(8); h.write(id, 0, 'latin1'); h.writeUInt32LE(body.length, 4); return Buffer.concat([h, body]); };
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('data', data)]);
  return Buffer.concat([Buffer.from('RIFF'), Buffer.from(Uint32Array.of(body.length).buffer), body]);
}

test('studio probe states the channel count of a stream that names no speaker positions', async () => {
  const dir = join(OUTPUT, 'probe-channels');
  mkdirSync(dir, { recursive: true });
  for (const [ch, mask, words] of [[3, 0, '3 channels'], [6, 0, '6 channels'], [6, 0x3f, '5.1'], [2, 0, 'stereo']] as const) {
    const file = join(dir, `ch${ch}-mask${mask}.wav`);
    writeFileSync(file, maskedWav(ch, mask));
    const p = await probeFile(file);
    assert.equal(p.audio?.channels, ch);
    assert.match(formatProbe(p), new RegExp(`stream 0 {4}audio: pcm_s16le, 48000 Hz, ${words.replace('.', '\\.')}, \\d+ kb/s`), `${ch} ch, mask ${mask}`);
  }
});
