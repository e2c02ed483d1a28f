// damageIn (main/engine/media/ffmpeg.ts): ffmpeg's sign of damage in plain words, with its own line quoted.
// tester25: the probe of an M4A cut short quoted 'a packet is corrupt ("size=       0kB time=00:00:00.00 bitrate=NA
// [mov,mp4,m4a,3gp,3g2,mj2 @ 0x558e…] Packet corrupt (stream = 0, dts = 988160).")': ffmpeg's progress line ends in
// a carriage return, not a newline, and the next message was read as part of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { damageIn } from '../../main/engine/media/ffmpeg';

test('damageIn quotes the message after a progress line ended by a carriage return, without the progress figures', () => {
  const log =
    "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/music/cut.m4a':\n  Duration: 00:00:30.02, start: 0.000000, bitrate: 53 kb/s\n" +
    'size=       0kB time=00:00:00.00 bitrate=N/A speed=N/A    \r[mov,mp4,m4a,3gp,3g2,mj2 @ 0x558e359b0900] Packet corrupt (stream = 0, dts = 988160).\n' +
    'size=     120kB time=00:00:22.40 bitrate=  43.9kbits/s speed= 512x    \r\n';
  assert.equal(damageIn(log, []), 'a packet is corrupt ("Packet corrupt (stream = 0, dts = 988160).")');
  // Windows line ends and plain ones read as before
  assert.equal(damageIn('[mp3 @ 0x1] filesize and duration do not match (growing file?)\r\n', []), 'the file is smaller than its header says ("filesize and duration do not match (growing file?)")');
});
