// tester22: a phone clip (a quarter-turn display matrix) plays portrait in the track view, but its details and
// `studio probe` named only the stored 320x240, as if it were landscape. Made by Debian's ffmpeg (rotate=90 is
// written as the MP4 tkhd display matrix on a stream copy).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatProbe } from '../../main/cli/studio';
import { thumbSize } from '../../main/engine/media/filmstrip';
import { probeFile } from '../../main/engine/media/probe';
import { OUTPUT } from '../helpers/media';

test('studio probe names a rotated clip\'s size as shown (portrait), beside the stored one', async () => {
  const dir = join(OUTPUT, 'probe-rotated-size');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const plain = join(dir, 'plain.mp4');
  const file = join(dir, 'phone.mp4');
  const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  ff(['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', plain]);
  // (ffmpeg 5.1 writes the rotate tag as the display matrix on a stream copy only)
  ff(['-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', file]);
  const p = await probeFile(file);
  assert.equal(p.video?.rotation, 90);
  assert.match(formatProbe(p), /stream 0 {4}video: h264, 320x240, shown 240x320 \(rotated 90° counter-clockwise\), 10 fps/);
});

// tester24 (note-stop "Left 4"): a tilted display matrix (here -60°, as an editor's "straighten" writes it) was read
// as the nearest quarter turn — probe said "shown 240x320 (rotated -90°)" and the filmstrip asked for portrait
// thumbnails — while ffmpeg (fftools: only a whole multiple of 90° transposes; any other angle runs the rotate filter,
// which keeps width × height) and the browser show it landscape, turned inside the stored frame.
test('a tilted (non-quarter-turn) rotation keeps the stored sides: probe and the filmstrip agree with ffmpeg', async () => {
  const dir = join(OUTPUT, 'probe-rotated-size');
  mkdirSync(dir, { recursive: true });
  const plain = join(dir, 'plain-tilt.mp4');
  const file = join(dir, 'tilted-60.mp4');
  const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  ff(['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', plain]);
  // ffmpeg 5.1 writes only quarter turns from the rotate tag: set the video track's tkhd matrix to a 60° turn by hand
  const buf = readFileSync(plain);
  const identity = Buffer.alloc(36);
  [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000].forEach((v, i) => identity.writeInt32BE(v, i * 4));
  const at = buf.indexOf(identity, buf.indexOf('tkhd'));
  assert.ok(at > 0, 'no tkhd matrix');
  const [c, s] = [Math.round(Math.cos(Math.PI / 3) * 65536), Math.round(Math.sin(Math.PI / 3) * 65536)];
  [c, s, 0, -s, c, 0, 0, 0, 0x40000000].forEach((v, i) => buf.writeInt32BE(v, at + i * 4));
  writeFileSync(file, buf);
  const p = await probeFile(file);
  assert.equal(p.video?.rotation, -60);
  assert.match(formatProbe(p), /stream 0 {4}video: h264, 320x240 \(rotated 60° clockwise\), 10 fps/);
  // what ffmpeg itself makes of it, as the filmstrip decodes: the frame stays 320×240 (landscape)
  const size = thumbSize(p);
  assert.ok(size.width > size.height, `thumbnail ${size.width}×${size.height}`);
  const png = join(dir, 'tilted-60.png');
  ff(['-i', file, '-frames:v', '1', png]);
  const shown = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', png], { encoding: 'utf8' }).trim();
  assert.equal(shown, '320,240');
});

// tester24: a clip with no sound at all was printed "bitrate 44 kb/s the audio" (the file's bytes over its length,
// taken as the audio's); there is no audio: only the whole file's bitrate.
test('a video without an audio stream states no audio bitrate, only the whole file\'s', async () => {
  const dir = join(OUTPUT, 'probe-rotated-size');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'silent-video.mp4');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', file]);
  const p = await probeFile(file);
  assert.equal(p.audio, undefined);
  assert.equal(p.bitrateKbps, undefined);
  assert.ok(p.overallBitrateKbps! > 0);
  assert.match(formatProbe(p), /\n {2}bitrate {5}\d+ kb\/s the whole file\n/);
  assert.doesNotMatch(formatProbe(p), /the audio/);
});

// tester28: a rotate=270 clip read "rotated -90°" in probe and the track's details: a sign to decode. It names the
// turn a player makes, with its direction — checked on the picture ffmpeg shows: a white top-left quarter of the
// stored frame lands top right (turned clockwise) for this clip, bottom left (counter-clockwise) for rotate=90.
test('probe says which way a quarter-turned clip is rotated, as ffmpeg shows it', async () => {
  const dir = join(OUTPUT, 'probe-rotated-size');
  mkdirSync(dir, { recursive: true });
  const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  const plain = join(dir, 'corner.mp4');
  ff(['-f', 'lavfi', '-i', 'color=black:s=320x240:d=1:r=10,drawbox=x=0:y=0:w=160:h=120:color=white:t=fill', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', plain]);
  for (const [tag, words, lit] of [['270', 'rotated 90° clockwise', 'top right'], ['90', 'rotated 90° counter-clockwise', 'bottom left']] as const) {
    const file = join(dir, `corner-rotate${tag}.mp4`);
    ff(['-i', plain, '-c', 'copy', '-metadata:s:v:0', `rotate=${tag}`, file]);
    const p = await probeFile(file);
    assert.match(formatProbe(p), new RegExp(`video: h264, 320x240, shown 240x320 \\(${words}\\)`), formatProbe(p));
    // the frame as ffmpeg shows it (autorotated, 240×320 grey): where the white corner is
    const g = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 1 << 20 });
    assert.equal(g.length, 240 * 320);
    const at = (x: number, y: number) => g[y * 240 + x];
    const corners = { 'top left': at(10, 10), 'top right': at(229, 10), 'bottom left': at(10, 309), 'bottom right': at(229, 309) };
    assert.deepEqual(Object.entries(corners).filter(([, v]) => v > 128).map(([k]) => k), [lit], JSON.stringify(corners));
  }
});
