// measureAudioStream leaves out the packets from the first one ffmpeg's demuxer called corrupt. The demuxer names the
// ABSOLUTE input stream index; the first audio stream of a video file is usually #0:1, but the default read 0 — the
// video's corrupt packets cut the audio's span, and the audio's own were missed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corruptFrom } from '../../main/engine/media/tags';

const log = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'a.mp4':
  Duration: 00:00:05.00, start: 0.000000, bitrate: 300 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 320x180, 25 fps
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 128 kb/s (default)
Output #0, framecrc, to 'pipe:':
  Stream #0:0(und): Audio: aac (LC), 44100 Hz, stereo, fltp, 128 kb/s (default)
[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] Packet corrupt (stream = 0, dts = 500)
[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] Packet corrupt (stream = 1, dts = 90000)
[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] Packet corrupt (stream = 1, dts = 88200)
`;

test('the corrupt packets counted are the first audio stream\'s (absolute index from the input lines), or the stream given', () => {
  assert.equal(corruptFrom(log), 88200);
  assert.equal(corruptFrom(log, 0), 500);
  assert.equal(corruptFrom(log.replace(/Packet corrupt[^\n]*\n/g, '')), undefined);
  // an audio-only file: stream 0
  assert.equal(corruptFrom("  Stream #0:0: Audio: mp3, 44100 Hz\n[mp3 @ 0x1] Packet corrupt (stream = 0, dts = 7)\n"), 7);
});
