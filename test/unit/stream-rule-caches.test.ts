// Caches written before the app read the audio stream ffmpeg picks (a later one flagged default, 5812d6a) hold the
// FIRST audio stream: zoomed waveform ranges, beat grids and play proxies. Their names carry the stream rule, so
// entries of the old rule are never served (ranges leave by eviction; beat grids and proxies of the old names are
// removed the first time a process uses their folder: cache-sweep-old).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { beatsCachePath } from '../../main/engine/media/marks';
import { proxyPath } from '../../main/engine/media/playable';
import { RANGE_DISK_FORMAT, RangeDiskCache } from '../../main/engine/media/range-disk-cache';

test('range, beats and proxy cache names are of the stream rule, not the names the first-stream entries had', () => {
  assert.ok(RANGE_DISK_FORMAT >= 2);
  assert.doesNotMatch(new RangeDiskCache('/c', 1 << 20, 4).pathOf('fp:0:8000:8:32'), /\.f1\.json$/);
  assert.notEqual(beatsCachePath('/c', 'abc', 7), join('/c', 'beats', 'abc.v7.json'));
  assert.equal(beatsCachePath('/c', 'abc', 7), join('/c', 'beats', 'abc.v7.s1.json'));
  assert.notEqual(proxyPath('/c', 'abc', 'webm'), join('/c', 'playable', 'abc.webm'));
  assert.equal(proxyPath('/c', 'abc', 'webm'), join('/c', 'playable', 'abc.s1.webm'));
});
