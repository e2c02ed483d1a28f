// Issue 11 (helper tempo28): the octave chooser's optional 'stream' input group (main/engine/analysis/octave-net.ts
// streamFeatures) pinned on synthetic band envelopes whose figures are known by hand: 60 s at 40 frames/s, beats tracked
// at 120 BPM (frame 10 + 20k). Low band: a kick (1) on every fourth beat, a bass note (0.8) on the "and" after the beat
// that follows it (held over the next beat, which has no kick), a ghost (0.2) on every beat's first sixteenth; its
// median peak is the ghosts' 0.2, so kicks and bass notes are its strong onsets. High band: a steady sixteenth stream
// (0.5), accented (1) on the beats. No mid band. Candidates T = 120 (ratio 1), T/2 = 60, 2T = 240.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OCTAVE_NET_EXTRA, STREAM_FEATURES, streamFeatures, withExtras } from '../../main/engine/analysis/octave-net';

const fps = 40;
const n = 2400;
const low = new Float64Array(n);
const high = new Float64Array(n);
const beats: number[] = [];
for (let k = 0; k < 120; k++) {
  const t = 10 + 20 * k;
  beats.push(t);
  if (k % 4 === 0) low[t] = 1;
  if (k < 119) {
    low[t + 5] = 0.2;
    if (k % 4 === 1) low[t + 10] = 0.8;
  }
}
for (let t = 10; t < n - 4; t += 5) high[t] = (t - 10) % 20 === 0 ? 1 : 0.5;
const cands = [
  { bpm: 60, ratio: 0.5 },
  { bpm: 120, ratio: 1 },
  { bpm: 240, ratio: 2 },
];
const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
/** sd ÷ (mean + 0.05) of `ones` values 1 and `rest` values 0 */
const cv01 = (ones: number, all: number) => {
  const m = ones / all;
  return Math.sqrt(m - m * m) / (m + 0.05);
};

describe("tempo: the octave chooser's 'stream' inputs (streamFeatures)", () => {
  const [half, t, dbl] = streamFeatures([low, null, high], fps, cands, beats);

  it('pins the quarter fill, evenness, low share and syncopation at T', () => {
    assert.equal(STREAM_FEATURES.length, OCTAVE_NET_EXTRA.stream);
    for (const f of [half, t, dbl]) assert.equal(f.length, OCTAVE_NET_EXTRA.stream);
    // 119 intervals: kicks on 30 beats, bass on 30 "and"s, ghosts (0.2) on every first sixteenth
    close(t[0], Math.log((0.1 + 0.05) / ((30 / 119 + (0.8 * 30) / 119) / 2 + 0.05)));
    close(t[2], Math.log((0.5 + 0.05) / ((1 + 0.5) / 2 + 0.05))); // the hats fill the sixteenths
    close(t[3], cv01(30, 119));
    close(t[5], 0); // the hats accent every beat alike
    close(t[6], 30 / 119);
    close(t[7], 30 / 119);
    close(t[8], 30 / 119); // each bass note held over a beat without a kick
    close(t[10], Math.log(121 / 120)); // 120 strong high onsets (the accents) in one minute, per beat of 120
    const m = (119 + 357 * 0.5) / 476;
    close(t[11], Math.sqrt((119 + 357 * 0.25) / 476 - m * m) / (m + 0.05));
    // no mid band: its columns are 0
    for (const k of [1, 4, 9]) close(t[k], 0);
  });

  it('at 2T the quarter positions are thirty-seconds (empty) and the bass is on the grid', () => {
    close(dbl[2], Math.log(0.05 / ((0.75 + 0.5) / 2 + 0.05)));
    close(dbl[5], Math.sqrt(0.625 - 0.75 * 0.75) / (0.75 + 0.05)); // beats 1, "and"s 0.5: alternating, not even
    close(dbl[6], 60 / 238); // kicks and bass notes over 238 intervals
    close(dbl[7], 0);
    close(dbl[8], 0);
    close(dbl[10], Math.log(121 / 240));
  });

  it('at T/2 the grid is the kicks’ phase: half its beats have one, and the bass is held over the others', () => {
    // 59 intervals from the even beats; kicks on those ≡ 0 mod 4 (30), each followed by a bass note at ¾ before a kickless beat
    close(half[6], 30 / 59);
    close(half[3], cv01(30, 59));
    close(half[8], 30 / 59);
  });

  it("withExtras appends the group's columns after the others; nothing without beats or bands", () => {
    const rows = [[1], [2], [3]];
    const x = withExtras(rows, cands, ['stream'], new Float64Array(n), null, [low, null, high], fps, 0, beats);
    assert.deepEqual(x.map((r) => r.slice(1)), [half, t, dbl]);
    const zero = new Array(OCTAVE_NET_EXTRA.stream).fill(0);
    assert.deepEqual(streamFeatures([low, null, high], fps, cands, []), [zero, zero, zero]);
    assert.deepEqual(streamFeatures(null, fps, cands, beats), [zero, zero, zero]);
  });
});
