// tester24 (note-stop "Left 4"): a WAV that names no speaker positions (WAVE_FORMAT_EXTENSIBLE with dwChannelMask 0,
// as some multitrack recorders write) has a channel count but no layout: `studio probe` printed
// "audio: pcm_s16le, 48000 Hz, 1536 kb/s" — no channel count at all — while the track view said "3 ch".
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatProbe } from '../../main/cli/studio';
import { probeFile } from '../../main/engine/media/probe';
import { extensibleWav, OUTPUT } from '../helpers/media';

/** A 48 kHz 16-bit WAVE_FORMAT_EXTENSIBLE (PCM) of `ch` channels of silence, 0.5 s, dwChannelMask `mask`. */
const maskedWav = (ch: number, mask: number): Buffer => extensibleWav(ch, mask, 0.5, 48000, true);

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
