// Issue 11, session 30: the beat-tracking F-measure of test/bench/beat-accuracy.ts (tools/eval/beat-f.ts) — MIREX's
// ±70 ms window, one match per true beat, mir_eval's 5 s trim — and the written beat grid of an MMA render.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { beatF, truthBeats } from '../../tools/eval/beat-f';

const grid = (start: number, period: number, end: number) => Array.from({ length: Math.ceil((end - start) / period) }, (_, k) => start + k * period);

describe('beat F-measure (MIREX, mir_eval.beat.f_measure)', () => {
  const ref = grid(0, 0.5, 30); // 120 BPM for 30 s
  it('the written beats score 1; the off-beats (anti-phase) 0', () => {
    assert.equal(beatF(ref, ref), 1);
    assert.equal(beatF(ref.map((t) => t + 0.25), ref), 0);
  });
  it('double tempo: precision ½, recall 1, F ⅔; half tempo: precision 1, recall ½, F ⅔', () => {
    assert.ok(Math.abs(beatF(grid(0, 0.25, 30), ref) - 2 / 3) < 1e-12);
    assert.ok(Math.abs(beatF(grid(0, 1, 30), ref) - 2 / 3) < 1e-12);
  });
  it('±70 ms: 69 ms late is a match, 71 ms late is not', () => {
    assert.equal(beatF(ref.map((t) => t + 0.069), ref), 1);
    assert.equal(beatF(ref.map((t) => t + 0.071), ref), 0);
  });
  it('each true beat matches one estimate: two estimates 20 ms apart at every beat give precision ½', () => {
    const off = grid(0.2, 0.5, 30); // no beat near the 5 s trim
    const twice = off.flatMap((t) => [t - 0.01, t + 0.01]);
    assert.ok(Math.abs(beatF(twice, off) - 2 / 3) < 1e-12);
  });
  it('beats before 5 s count for neither list (trim_beats); nothing left scores 0', () => {
    const wrongEarly = [...ref.filter((t) => t < 5).map((t) => t + 0.25), ...ref.filter((t) => t >= 5)];
    assert.equal(beatF(wrongEarly, ref), 1);
    assert.equal(beatF([1, 2, 3], ref), 0);
    assert.equal(beatF(ref, []), 0);
  });
});

describe('written beats of an MMA render', () => {
  it('start at the end of the intro, one period apart, below the decoded length', () => {
    assert.deepEqual(truthBeats({ bpm: 120, introSec: 2 }, 4), [2, 2.5, 3, 3.5]);
    assert.deepEqual(truthBeats({ bpm: 60, introSec: 0 }, 3.5), [0, 1, 2, 3]);
  });
  it('refuse an item without a tempo (a drone)', () => {
    assert.throws(() => truthBeats({ bpm: null as unknown as number, introSec: 0 }, 10), /no tempo/);
  });
});
