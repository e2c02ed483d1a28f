// The track view's side of deep-zoom detail (issue 12 defect 7): what it asks the engine for must be
// what the engine plans (the view decides from samplesPerPeakFor whether the detail it holds is fine
// enough), and the ranges it asks for cover the view, stay within the engine's bound and repeat
// for views a little apart (so the engine's cache answers).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_RANGE_SEC, planRange } from '../../main/engine/analysis/waveform-range';
import { paddedRange, samplesPerPeakFor } from '../../renderer/src/views/track/detail-range';

test('samplesPerPeakFor equals the engine plan for every zoom from 1 to 40000 device px/s', () => {
  for (let px = 1; px < 40_000; px *= 1.07) {
    // a short range: the engine's size bound does not coarsen it
    assert.equal(samplesPerPeakFor(px), planRange(100, 101, px, 44100).samplesPerPeak, `${px.toFixed(2)} px/s`);
  }
});

test('paddedRange covers the view with some margin, within the track and the engine bound; nearby views ask the same', () => {
  const d = 33 * 60;
  for (const [s, e] of [[1177.43, 1192.69], [0, 3], [1975, 1980], [10, 20.5], [600, 1500], [0.0, 0.4], [1200.001, 1200.3]] as const) {
    const [a, b] = paddedRange(s, e, d);
    assert.ok(a >= 0 && b <= d, `${a}…${b} within the track`);
    assert.ok(b - a < MAX_RANGE_SEC, `${a}…${b}: under the engine's bound`);
    assert.doesNotThrow(() => planRange(a, b, 1000, 44100));
    if (e - s <= 300) {
      assert.ok(a <= s && b >= e, `${a}…${b} covers ${s}…${e}`);
      assert.ok(a < s || s === 0, 'margin before');
      assert.ok(b > e || e >= d - 1e-9, 'margin after');
    }
  }
  // the same view, a few milliseconds apart (a re-zoom to the same place): the same request
  assert.deepEqual(paddedRange(1177.4301, 1192.6903, d), paddedRange(1177.4297, 1192.6899, d));
});
