// Issue 11: the BPM range setting as DJ software has it (70–140, 85–170, …): a stored
// tempo is shown and exported doubled or halved into the range, never re-analysed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BPM_RANGE_PRESETS, BpmRange, foldBpm, foldCurve, narrowBpmRange, narrowBpmRangeNote, outsideBpmRange, outsideBpmRangeNote, parseBpmRange } from '@contract';

describe('BPM range', () => {
  it('folds a tempo by octaves into the range, both ends included', () => {
    const r = { min: 70, max: 140 };
    assert.equal(foldBpm(174, r), 87);
    assert.equal(foldBpm(87, r), 87);
    assert.equal(foldBpm(60, r), 120);
    assert.equal(foldBpm(35.2, r), 70.4);
    assert.equal(foldBpm(140, r), 140);
    assert.equal(foldBpm(70, r), 70);
    assert.equal(foldBpm(280, r), 140);
    assert.equal(foldBpm(200, { min: 85, max: 170 }), 100);
    assert.equal(foldBpm(168, { min: 85, max: 170 }), 168);
    assert.equal(foldBpm(84, { min: 85, max: 170 }), 168);
  });

  it('leaves null, no range and nonsense alone, and rounds to 0.1 BPM', () => {
    assert.equal(foldBpm(null, { min: 70, max: 140 }), null);
    assert.equal(foldBpm(174.3, null), 174.3);
    assert.equal(foldBpm(0, { min: 70, max: 140 }), 0);
    assert.ok(Number.isNaN(foldBpm(Number.NaN, { min: 70, max: 140 })));
    assert.equal(foldBpm(100.3, { min: 110, max: 220 }), 200.6);
  });

  it('every preset holds exactly one octave level of any tempo; folding twice changes nothing', () => {
    for (const r of BPM_RANGE_PRESETS) {
      assert.ok(BpmRange.safeParse(r).success);
      for (let bpm = 30; bpm <= 300; bpm += 7.3) {
        const f = foldBpm(bpm, r)!;
        assert.ok(f >= r.min && f <= r.max, `${bpm} → ${f} in ${r.min}–${r.max}`);
        const ratio = Math.log2(f / bpm);
        assert.ok(Math.abs(ratio - Math.round(ratio)) < 0.01, `${bpm} → ${f} is an octave move`);
        assert.equal(foldBpm(f, r), f);
      }
    }
  });

  it('a range narrower than an octave takes the level nearest to it', () => {
    const r = { min: 100, max: 130 };
    assert.equal(foldBpm(90, r), 90); // 90 is 0.15 octave below, 180 is 0.47 above
    assert.equal(foldBpm(140, r), 140); // 70 is 0.51 below, 140 is 0.11 above
    assert.equal(foldBpm(240, r), 120);
  });

  it('parses MIN-MAX and refuses anything else with a message that shows the form', () => {
    assert.deepEqual(parseBpmRange('70-140'), { min: 70, max: 140 });
    assert.deepEqual(parseBpmRange(' 85–170 '), { min: 85, max: 170 });
    assert.deepEqual(parseBpmRange('87.5:175'), { min: 87.5, max: 175 });
    // typed high to low (View ▸ BPM range ▸ Custom…, --bpm-range): the same range, not refused (fix30a)
    assert.deepEqual(parseBpmRange('140 – 120'), { min: 120, max: 140 });
    assert.deepEqual(parseBpmRange('140-70'), { min: 70, max: 140 });
    for (const bad of ['70', '70-70', 'fast', '10-40', '70-1000', '-70-140'])
      assert.throws(() => parseBpmRange(bad), /expected MIN-MAX .* e\.g\. 70-140/, bad);
  });
});

// tester4: the detail's tempo curve was folded point by point, so a 140 BPM track whose
// curve wavers 139.5–140.5 was drawn jumping between 140 and 70 in the 70–140 range.
describe('BPM range: the tempo curve', () => {
  it('moves by the track tempo’s one factor, so a curve wavering across an end of the range stays continuous', () => {
    const r = { min: 70, max: 140 };
    const curve = [139.5, 140.5, 139.8, 140.3].map((bpm, t) => ({ t, bpm }));
    assert.deepEqual(foldCurve(curve, 140, r).map((p) => p.bpm), [139.5, 140.5, 139.8, 140.3]);
    assert.deepEqual(foldCurve([173, 175].map((bpm, t) => ({ t, bpm })), 174, r).map((p) => p.bpm), [86.5, 87.5]);
    assert.deepEqual(foldCurve([{ t: 0, bpm: 60 }], 60, r), [{ t: 0, bpm: 120 }]);
  });
  it('without a track tempo, by the factor of the curve’s median; no range: unchanged', () => {
    const r = { min: 70, max: 140 };
    const curve = [171, 169.5, 170, 172, 141].map((bpm, t) => ({ t, bpm }));
    assert.deepEqual(foldCurve(curve, null, r).map((p) => p.bpm), [85.5, 84.8, 85, 86, 70.5]);
    assert.deepEqual(foldCurve(curve, 170, null), curve);
    assert.deepEqual(foldCurve([], 120, r), []);
  });
});

// Session 14 tester: in a range narrower than an octave (120–130) a 100 BPM track was shown as 100 under a header
// saying 120–130, silently: no doubling or halving of 100 falls inside.
describe('a BPM range narrower than an octave', () => {
  it('marks a tempo no level brings inside as outside the range', () => {
    const r = { min: 120, max: 130 };
    assert.equal(foldBpm(100, r), 100);
    assert.equal(outsideBpmRange(foldBpm(100, r), r), true);
    assert.equal(outsideBpmRange(foldBpm(62, r), r), false, '124 is inside');
    assert.equal(outsideBpmRange(foldBpm(130.04, r), r), false, 'rounding at the end');
    assert.equal(outsideBpmRange(null, r), false);
    assert.equal(outsideBpmRange(100, null), false);
    // an octave-wide range holds every tempo
    for (let bpm = 40; bpm < 300; bpm += 0.7) assert.equal(outsideBpmRange(foldBpm(bpm, { min: 70, max: 140 }), { min: 70, max: 140 }), false, `${bpm}`);
  });
  it('the ↕ mark says why in one text (the table, the track header and the Beat grid all use outsideBpmRangeNote)', () => {
    assert.equal(
      outsideBpmRangeNote(foldBpm(100, { min: 120, max: 130 })!, { min: 120, max: 130 }),
      '100.0 BPM is outside the BPM range 120–130: no doubling or halving of this tempo falls inside it (the range is narrower than an octave), so it is shown at the level nearest to the range',
    );
  });
  it('says so once for a range narrower than an octave, with a tempo that has no level in it', () => {
    assert.equal(narrowBpmRange({ min: 120, max: 130 }), true);
    assert.equal(narrowBpmRange({ min: 70, max: 140 }), false);
    const note = narrowBpmRangeNote({ min: 120, max: 130 })!;
    assert.match(note, /^The BPM range 120–130 is narrower than an octave \(130 < 2 × 120\): some tempos cannot be doubled or halved into it \(88\.3 BPM: 88\.3 and 176\.6 both fall outside\)/);
    assert.equal(outsideBpmRange(foldBpm(88.3, { min: 120, max: 130 }), { min: 120, max: 130 }), true, 'the example is one');
    assert.equal(narrowBpmRangeNote({ min: 70, max: 140 }), null);
    assert.equal(narrowBpmRangeNote(null), null);
    assert.doesNotMatch(narrowBpmRangeNote({ min: 100, max: 199.9 })!, /both fall outside/, 'no example where rounding would bring it inside');
  });
});
