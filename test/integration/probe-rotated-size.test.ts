// tester22: a phone clip (a quarter-turn display matrix) plays portrait in the track view, but its details and
// `studio probe` named only the stored 320x240, as if it were landscape. Made by Debian's ffmpeg (rotate=90 is
// written as the MP4 tkhd display matrix on a stream copy).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatProbe } from '../../main/cli/studio';
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
  assert.match(formatProbe(p), /stream 0 {4}video: h264, 320x240, shown 240x320 \(rotated 90°\), 10 fps/);
});
