// A file's creation time (Tags.created; tester25: a phone's voice memo or video showed no date anywhere): what the
// container states, read from ffmpeg's metadata, and how the track's details show it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tagsOfFfmpeg } from '../../main/engine/media/tags';
import { fmtCreated } from '../../renderer/src/lib/format';

test("tagsOfFfmpeg: Apple's creationdate before creation_time; a zeroed clock or no date is no creation time", () => {
  assert.equal(tagsOfFfmpeg({ creation_time: '2024-05-01T10:00:00.000000Z' }).created, '2024-05-01T10:00:00.000000Z');
  assert.equal(tagsOfFfmpeg({ creation_time: '2024-05-01T10:00:00.000000Z', 'com.apple.quicktime.creationdate': '2024-05-01T12:00:00+0200' }).created, '2024-05-01T12:00:00+0200');
  assert.equal(tagsOfFfmpeg({ creation_time: '1970-01-01T00:00:00.000000Z' }).created, undefined);
  assert.equal(tagsOfFfmpeg({ creation_time: '1904-01-01T00:00:00.000000Z' }).created, undefined);
  assert.equal(tagsOfFfmpeg({ creation_time: 'yesterday' }).created, undefined);
  assert.equal(tagsOfFfmpeg({ creation_time: '2024-13-45T99:00:00Z' }).created, undefined);
  assert.equal(tagsOfFfmpeg({ title: 'x' }).created, undefined);
});

test('fmtCreated: to the second, in the zone stated (not converted); unreadable text as written', () => {
  assert.equal(fmtCreated('2024-05-01T10:00:00.000000Z'), '2024-05-01 10:00:00 UTC');
  assert.equal(fmtCreated('2024-05-01T12:00:00+0200'), '2024-05-01 12:00:00 +02:00');
  assert.equal(fmtCreated('2024-05-01T12:00:00-05:30'), '2024-05-01 12:00:00 -05:30');
  assert.equal(fmtCreated('2024-05-01'), '2024-05-01');
  assert.equal(fmtCreated('2024-05-01 08:15'), '2024-05-01 08:15');
  assert.equal(fmtCreated('May 1st'), 'May 1st');
});
