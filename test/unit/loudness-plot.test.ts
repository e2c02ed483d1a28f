// tester22: the library detail's "loudness over time" drew each short-term value (the EBU R128 3 s window starting at
// i·stepSec) at i·stepSec + stepSec/2: a 6 s tone's curve ran 0:00.5–0:03.5 of a 0:00–0:06 axis, and every change
// showed 1 s before the middle of the window that measured it. Now each value sits at its window's middle
// (loudnessPoints, which drawLoudness in renderer/src/lib/plots.ts draws).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loudnessPoints } from '../../renderer/src/lib/loudness-curve';

test('loudnessPoints: a value sits at the middle of its 3 s short-term window; silence breaks the curve', () => {
  assert.deepEqual(loudnessPoints([-14.3, -14.3, -14.3, -14.3], 1, 6), [[1.5, -14.3], [2.5, -14.3], [3.5, -14.3], [4.5, -14.3]]);
  assert.deepEqual(loudnessPoints([-20, null, -21], 1, 5), [[1.5, -20], null, [3.5, -21]]);
  // never past the axis' end
  assert.deepEqual(loudnessPoints([-20], 1, 1), [[1, -20]]);
});
