// tester22: a phone clip (display matrix a quarter turn) plays portrait, but the track's details and `studio probe`
// said its stored 320×240 only; anamorphic video likewise showed its stored width.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { videoSizeText } from '@contract';

test('videoSizeText: stored size, and the shown one where rotation or non-square pixels change it', () => {
  assert.equal(videoSizeText({ width: 1920, height: 1080 }), '1920×1080');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: 90 }), '320×240, shown 240×320 (rotated 90°)');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: -90 }), '320×240, shown 240×320 (rotated -90°)');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: 270 }), '320×240, shown 240×320 (rotated -90°)');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: 180 }), '320×240 (rotated 180°)');
  assert.equal(videoSizeText({ width: 720, height: 576, sampleAspect: 64 / 45 }), '720×576, shown 1024×576');
  assert.equal(videoSizeText({ width: 640, height: 480, mirrored: true }), '640×480 (mirrored)');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: 90 }, 'x'), '320x240, shown 240x320 (rotated 90°)');
  assert.equal(videoSizeText({}), undefined);
});
