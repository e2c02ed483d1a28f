// readPcm chooses the audio stream ffmpeg picks (a later one flagged default) from the input's stream lines. Those
// lines were kept only up to 100 kB: a file whose tags fill more (lyrics, a cue sheet, a long comment) lost its
// "Stream #" lines and read the FIRST stream. Lines past the cap that the choice reads are now kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readPcm } from '../../main/engine/media/pcm';
import { media } from '../helpers/media';

test('two audio streams, the second flagged default, behind 200 kB of tag lines: the second is read', async () => {
  // ffmpeg prints a tag's every line as a line of its own (av_log cuts a line at 1 kB): 2000 lines per tag
  const big = (c: string) => Array.from({ length: 2000 }, () => c.repeat(40)).join('\n');
  const path = media('pcm-long-header2.mka', [
    '-f', 'lavfi', '-i', 'sine=f=220:d=1:sample_rate=22050', '-f', 'lavfi', '-i', 'sine=f=660:d=1:sample_rate=48000',
    '-map', '0:a', '-map', '1:a', '-c:a', 'flac', '-disposition:a:0', '0', '-disposition:a:1', 'default',
    '-metadata', `comment=${big('a')}`, '-metadata', `description=${big('c')}`,
  ]);
  const r = await readPcm(path, { onFrames: () => undefined });
  assert.equal(r.stream, 1);
  assert.equal(r.format?.sampleRate, 48000);
});
