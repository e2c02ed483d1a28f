import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFfmpegInfo } from '../../main/engine/media/probe';

/**
 * tester28: a camera's or phone's MOV carries a timecode track (tmcd) and an iPhone's a metadata track (mebx), which
 * ffmpeg lists as "Data: none (tmcd / 0x64636D74)": `studio probe` said "stream 2    data: none" — as if the track held
 * nothing. The codec is the track's own four-character code where ffmpeg knows no decoder ("none").
 */
const STDERR = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'IMG_0001.MOV':
  Duration: 00:00:05.00, start: 0.000000, bitrate: 1009 kb/s
  Stream #0:0[0x1](und): Video: h264 (High 4:4:4 Predictive) (avc1 / 0x31637661), yuv420p(progressive), 320x240, 295 kb/s, 30 fps, 30 tbr, 15360 tbn (default)
  Stream #0:1[0x2](und): Audio: pcm_s16le (sowt / 0x74776F73), 44100 Hz, 1 channels, s16, 705 kb/s (default)
  Stream #0:2[0x3](eng): Data: none (tmcd / 0x64636D74), 0 kb/s
    Metadata:
      handler_name    : TimeCodeHandler
      timecode        : 01:00:00:00
  Stream #0:3[0x4](und): Data: none (mebx / 0x7862656D), 0 kb/s (default)
  Stream #0:4[0x5](eng): Data: bin_data (text / 0x74786574), 0 kb/s
  Stream #0:5[0x6](und): Data: none (rtp  / 0x20707472), 0 kb/s
  Stream #0:6[0x7](und): Data: none ([0][0][0][0] / 0x0000), 0 kb/s
`;

test('a data track ffmpeg cannot decode is named by its four-character code (tmcd, mebx), not "none"', () => {
  const info = parseFfmpegInfo(STDERR);
  assert.deepEqual(info.streams.map((s) => [s.index, s.type, s.codec]), [
    [0, 'video', 'h264'],
    [1, 'audio', 'pcm_s16le'],
    [2, 'data', 'tmcd'],
    [3, 'data', 'mebx'],
    [4, 'data', 'bin_data'],
    // a code ending in a space is named without it; one that is no text stays ffmpeg's word
    [5, 'data', 'rtp'],
    [6, 'data', 'none'],
  ]);
});
