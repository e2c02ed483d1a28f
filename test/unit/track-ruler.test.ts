import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rulerTicks } from '../../renderer/src/views/track/ruler';

describe('time ruler ticks (track view)', () => {
  it('a 60 s track zoomed to 8 s over 800 px: a label every second, all inside the view', () => {
    const r = rulerTicks(41.5, 49.5, 800);
    assert.equal(r.step, 1);
    assert.deepEqual(r.labels.map((l) => l.t), [42, 43, 44, 45, 46, 47, 48, 49]);
    for (const l of r.labels) assert.ok(Math.abs(l.x - (l.t - 41.5) * 100) < 0.11, `x of ${l.t}`);
    assert.equal(r.minor.length, 7 * 4 + 2 + 2, 'four minor ticks between labels, two at each edge');
  });

  it('the whole of a 33-minute mix over 1000 px keeps labels at least 56 px apart', () => {
    const r = rulerTicks(0, 1980, 1000);
    assert.equal(r.step, 120);
    const xs = r.labels.map((l) => l.x);
    for (let i = 1; i < xs.length; i++) assert.ok(xs[i] - xs[i - 1] >= 56);
  });

  it('the last label ends at its tick instead of being clipped; an empty range has no ticks', () => {
    const r = rulerTicks(0, 8, 800);
    assert.equal(r.labels.at(-1)!.t, 8);
    assert.equal(r.labels.at(-1)!.anchorEnd, true);
    assert.equal(r.labels[0].anchorEnd, false);
    assert.deepEqual(rulerTicks(5, 5, 800).labels, []);
    assert.deepEqual(rulerTicks(0, 10, 0).labels, []);
  });

  it('a wide label near the right edge ends at its tick when its measured width would not fit (issue 12 item 14)', () => {
    // 0…10.8 s on 800 px: labels every 1 s, the one at 10 s lies at 740.7 px. Estimated (44.8 px) it
    // fits; measured at 70 px (a wider font, "0:10.0"-style text) it would be cut off by 10 px
    assert.equal(rulerTicks(0, 10.8, 800).labels.at(-1)!.anchorEnd, false);
    const r = rulerTicks(0, 10.8, 800, () => 70);
    assert.equal(r.labels.at(-1)!.t, 10);
    assert.equal(r.labels.at(-1)!.anchorEnd, true);
    assert.equal(r.labels.at(-2)!.anchorEnd, false);
  });
});
