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
    // 0…2.65 s: labels every 0.5 s (151 px), the one at 2.5 s (754.7 px, 70 px wide) ends at its tick, clear of the 2
    const r = rulerTicks(0, 2.65, 800, () => 70);
    assert.equal(r.labels.at(-1)!.t, 2.5);
    assert.equal(r.labels.at(-1)!.anchorEnd, true);
    assert.equal(r.labels.at(-2)!.anchorEnd, false);
    // 0…10.8 s: ended at its tick, the 10 s label would lie over the 9 s one (74 px apart; tester24): left out, its
    // tick kept, and no label runs past the edge
    const close = rulerTicks(0, 10.8, 800, () => 70);
    assert.equal(close.labels.at(-1)!.t, 9);
    assert.ok(close.minor.some((x) => Math.abs(x - 740.7) < 0.11));
    assert.ok(close.labels.every((l) => (l.anchorEnd ? l.x : l.x + 70) <= 800));
  });

  it('no two labels overlap: the end of a 62-minute mix zoomed in, and tenths of an hour-long file (tester24)', () => {
    // the last 144.6 s of a 1:01:41 mix over 975 px: the label at 1:01:40 (48 px) lay 7 px from the edge, ended at
    // its tick and ran over "1:01:30" ("1:01:3ǝ1:01:40" in the screenshot)
    const boxes = (r: ReturnType<typeof rulerTicks>, w: number) => r.labels.map((l) => (l.anchorEnd ? [l.x - w, l.x] : [l.x, l.x + w]));
    const apart = (b: number[][]) => b.every((x, i) => i === 0 || b[i - 1][1] <= x[0]);
    const end = rulerTicks(3701.03 - 144.6, 3701.03, 975, () => 48);
    assert.ok(apart(boxes(end, 48)), JSON.stringify(end.labels));
    assert.equal(end.labels.at(-1)!.t, 3690, 'the label that would collide is left out; its tick stays');
    assert.ok(end.minor.some((x) => Math.abs(x - 968.1) < 0.11), JSON.stringify(end.minor.slice(-3)));
    // 8 s at 1:01:30 over 900 px: every 0.5 s (56 px at 112 px/s) is too close for "1:01:33.5" (62 px wide)
    const tenths = rulerTicks(3690, 3698, 900, () => 62);
    assert.ok(apart(boxes(tenths, 62)), `step ${tenths.step}: ${JSON.stringify(tenths.labels.slice(0, 3))}`);
  });
});
