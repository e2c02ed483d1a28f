// tester22: the library detail's "loudness over time" drew each short-term value (the EBU R128 3 s window starting at
// i·stepSec) at i·stepSec + stepSec/2: a 6 s tone's curve ran 0:00.5–0:03.5 of a 0:00–0:06 axis, and every change
// showed 1 s before the middle of the window that measured it. Now each value sits at its window's middle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrackDetail } from '@contract';
import { drawLoudness } from '../../renderer/src/lib/plots';

/** a 2D context that records moveTo/lineTo (x only) drawn in the curve's colour, and ignores the rest */
function recorder() {
  const xs: number[] = [];
  const ctx = new Proxy({} as Record<string | symbol, unknown>, {
    get: (t, k) => (k in t ? t[k] : k === 'measureText' ? () => ({ width: 10 }) : k === 'lineTo' || k === 'moveTo' ? (x: number) => void (t.strokeStyle === '#5eb3ff' && xs.push(x)) : () => {}),
    set: (t, k, v) => ((t[k] = v), true),
  });
  return { ctx: ctx as unknown as CanvasRenderingContext2D, xs };
}

test('drawLoudness: a value sits at the middle of its 3 s short-term window', () => {
  const { ctx, xs } = recorder();
  const w = 434; // plot width 434 - 34 - 8 = 392 px for 6 s
  const detail = { track: { lufs: -14.3, durationSec: 6 }, loudnessCurve: { stepSec: 1, values: [-14.3, -14.3, -14.3, -14.3] } } as unknown as TrackDetail;
  assert.equal(drawLoudness(ctx, w, 160, detail), true);
  const X = (t: number) => 34 + (t / 6) * 392;
  // the curve's ends (the fill's first moveTo and its last lineTo): windows 0–3 s and 3–6 s, middles 1.5 s and 4.5 s
  const curve = xs;
  assert.ok(curve.length >= 4);
  assert.ok(Math.abs(Math.min(...curve) - X(1.5)) < 0.01, `first point at ${Math.min(...curve)}, want ${X(1.5)}`);
  assert.ok(Math.abs(Math.max(...curve) - X(4.5)) < 0.01, `last point at ${Math.max(...curve)}, want ${X(4.5)}`);
});
