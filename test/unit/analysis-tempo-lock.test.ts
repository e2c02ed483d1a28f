// Issue 11 (helper tempo21): the octave chooser's optional 'lock' input group (main/engine/analysis/octave-net.ts
// lockFeatures) pinned on a synthetic envelope whose figures are known by hand: 60 s at 40 frames/s, a strong onset on
// every beat of 120 BPM (frame 10 + 20k, height 1), weak ones on the sixteenths between (0.3); the low band a kick on every other beat
// (1) and a softer one on the others (0.4). Candidates T = 120 (ratio 1), T/2 = 60, 2T = 240, beats tracked at T.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOCK_FEATURES, lockFeatures, OCTAVE_NET_EXTRA, strongOnsets, withExtras } from '../../main/engine/analysis/octave-net';

const fps = 40;
const n = 2400;
const env = new Float64Array(n);
const low = new Float64Array(n);
const beats: number[] = [];
for (let k = 0; k < 120; k++) {
  const t = 10 + 20 * k;
  beats.push(t);
  env[t] = 1;
  if (k < 119) for (const d of [5, 10, 15]) env[t + d] = 0.3;
  low[t] = k % 2 ? 0.4 : 1;
}
const cands = [
  { bpm: 60, ratio: 0.5 },
  { bpm: 120, ratio: 1 },
  { bpm: 240, ratio: 2 },
];
const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe("tempo: the octave chooser's 'lock' inputs (lockFeatures)", () => {
  it('strong onsets are the peaks above the median peak', () => {
    assert.deepEqual(strongOnsets(env), beats);
    assert.deepEqual(strongOnsets(low), beats.filter((_, k) => k % 2 === 0));
    // the documented degenerate case: peaks all alike (a click track) have none above their median
    assert.deepEqual(strongOnsets(Float64Array.from(env, (v) => (v === 1 ? 1 : 0))), []);
  });

  it('pins occupancy, coverage, onsets per beat and grid spread at T/2, T and 2T', () => {
    const [half, t, dbl] = lockFeatures(env, low, fps, cands, beats);
    assert.equal(LOCK_FEATURES.length, OCTAVE_NET_EXTRA.lock);
    for (const f of [half, t, dbl]) assert.equal(f.length, OCTAVE_NET_EXTRA.lock);
    // T: every beat struck, every strong onset on a beat, the beats all alike
    close(t[0], 1);
    close(t[1], 1);
    close(t[2], 60 / 120); // the low kick on every other beat
    close(t[3], 1);
    close(t[4], Math.log(121 / 120)); // 120 strong onsets in one minute, per beat of 120
    close(t[5], Math.log(61 / 120));
    close(t[6], 0);
    // 2T: the in-between grid points hold only weak onsets: half the grid empty of strong ones
    close(dbl[0], 120 / 239);
    close(dbl[1], 1);
    close(dbl[2], 60 / 239);
    close(dbl[3], 1);
    close(dbl[4], Math.log(121 / 240));
    const m = (120 + 119 * 0.3) / 239;
    const sd = Math.sqrt((120 + 119 * 0.09) / 239 - m * m);
    close(dbl[6], sd / (m + 0.05), 1e-9);
    // T/2 (the phase with the low kicks): every grid point struck, but half of the strong onsets fall between
    close(half[0], 1);
    close(half[1], 60 / 119);
    close(half[2], 1);
    close(half[3], 1);
    close(half[4], Math.log(121 / 60));
    close(half[6], 0);
  });

  it("withExtras appends the group's columns after the others; nothing without beats", () => {
    const rows = [[1], [2], [3]];
    const x = withExtras(rows, cands, ['lock'], env, null, [low, null, null], fps, 0, beats);
    assert.deepEqual(x.map((r) => r.slice(1)), lockFeatures(env, low, fps, cands, beats));
    assert.deepEqual(lockFeatures(env, low, fps, cands, []), [0, 0, 0].map(() => [0, 0, 0, 0, 0, 0, 0]));
  });
});
