// tester22: a phone clip (display matrix a quarter turn) plays portrait, but the track's details and `studio probe`
// said its stored 320×240 only; anamorphic video likewise showed its stored width.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quarterTurns, videoSizeText } from '@contract';

test('videoSizeText: stored size, and the shown one where rotation or non-square pixels change it', () => {
  assert.equal(videoSizeText({ width: 1920, height: 1080 }), '1920×1080');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: 90 }), '320×240, shown 240×320 (rotated 90° counter-clockwise)');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: -90 }), '320×240, shown 240×320 (rotated 90° clockwise)');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: 270 }), '320×240, shown 240×320 (rotated 90° clockwise)');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: 180 }), '320×240 (rotated 180°)');
  assert.equal(videoSizeText({ width: 720, height: 576, sampleAspect: 64 / 45 }), '720×576, shown 1024×576');
  assert.equal(videoSizeText({ width: 640, height: 480, mirrored: true }), '640×480 (mirrored)');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: 90 }, 'x'), '320x240, shown 240x320 (rotated 90° counter-clockwise)');
  assert.equal(videoSizeText({}), undefined);
});

// tester28: a rotate=270 clip read "rotated -90°" — a sign a user has to decode. The angle is ffmpeg's (its display
// matrix's, counter-clockwise positive: probe-rotated-size decodes a frame to check), said with its direction.
test('videoSizeText: the rotation as a user reads it, its direction in words', () => {
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: -90 }), '320×240, shown 240×320 (rotated 90° clockwise)');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: 270 }), '320×240, shown 240×320 (rotated 90° clockwise)');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: 90 }), '320×240, shown 240×320 (rotated 90° counter-clockwise)');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: -180 }), '320×240 (rotated 180°)');
  assert.doesNotMatch(videoSizeText({ width: 320, height: 240, rotation: -60 })!, /-/);
});

// tester24: a tilted matrix (not a whole multiple of 90°) was read as the nearest quarter turn — 320×240 at -60° said
// "shown 240×320 (rotated -90°)"; ffmpeg and the browser draw it turned inside the stored frame (sides kept).
test('videoSizeText and quarterTurns: a tilted rotation keeps the sides and names its own angle', () => {
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: -60 }), '320×240 (rotated 60° clockwise)');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: 45 }), '320×240 (rotated 45° counter-clockwise)');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: 300 }), '320×240 (rotated 60° clockwise)');
  assert.equal(videoSizeText({ width: 720, height: 576, rotation: 30, sampleAspect: 64 / 45 }), '720×576, shown 1024×576 (rotated 30° counter-clockwise)');
  // ffmpeg rounds the angle to a whole degree first: 89.6° is a quarter turn, 89.4° is not
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: 89.6 }), '320×240, shown 240×320 (rotated 90° counter-clockwise)');
  assert.equal(videoSizeText({ width: 320, height: 240, rotation: 89.4 }), '320×240 (rotated 89° counter-clockwise)');
  assert.deepEqual([0, 90, -90, 180, -180, 270, 450].map(quarterTurns), [0, 1, 3, 2, 2, 3, 1]);
  assert.deepEqual([45, -60, 89.4].map(quarterTurns), [null, null, null]);
  assert.equal(quarterTurns(undefined), 0);
});
