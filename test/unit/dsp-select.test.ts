// nthSmallest (dsp/select.ts) against a full sort: every k of arrays with ties, runs, sorted and reversed orders,
// zeros and powers spanning many decades (as the key analyser's octave-band floors take them, tonal.ts bandFloors).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nthSmallest } from '../../main/engine/dsp/select';
import { bandFloors, FLOOR_QUANTILE } from '../../main/engine/analysis/tonal';

let seed = 987654321;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);

function cases(): Float64Array[] {
  const out: Float64Array[] = [];
  for (const n of [1, 2, 3, 5, 15, 16, 17, 31, 64, 100, 389, 1000]) {
    out.push(Float64Array.from({ length: n }, () => rnd()));
    out.push(Float64Array.from({ length: n }, () => Math.floor(rnd() * 4))); // many ties
    out.push(Float64Array.from({ length: n }, (_, i) => i)); // sorted
    out.push(Float64Array.from({ length: n }, (_, i) => n - i)); // reversed
    out.push(new Float64Array(n).fill(0.5)); // all equal
    out.push(Float64Array.from({ length: n }, () => (rnd() < 0.3 ? 0 : Math.exp(40 * (rnd() - 0.8))))); // power-like
    out.push(Float64Array.from({ length: n }, (_, i) => (i === n - 1 ? 9 : 1))); // one greatest, last
  }
  return out;
}

test('nthSmallest: the element a sort puts at k, for every k', () => {
  for (const a of cases()) {
    const sorted = Float64Array.from(a).sort();
    for (let k = 0; k < a.length; k++) assert.equal(nthSmallest(Float64Array.from(a), k), sorted[k], `n=${a.length} k=${k}`);
  }
  assert.throws(() => nthSmallest(new Float64Array(3), 3), RangeError);
  assert.throws(() => nthSmallest(new Float64Array(0), 0), RangeError);
});

test('bandFloors: each octave band’s lower-quartile bin power, as from a sorted copy of the band', () => {
  for (let t = 0; t < 50; t++) {
    const P = Float64Array.from({ length: 1025 }, () => (rnd() < 0.05 ? 0 : Math.exp(30 * (rnd() - 0.7))));
    const kmin = 12 + (t % 7);
    const kmax = 700 + t;
    const floors = bandFloors(P, kmin, kmax);
    for (let lo = kmin; lo <= kmax; lo *= 2) {
      const hi = Math.min(kmax + 1, 2 * lo);
      const band = Float64Array.from(P.subarray(lo, hi)).sort();
      const q = band[Math.floor(FLOOR_QUANTILE * (band.length - 1))];
      for (let k = lo; k < hi; k++) assert.equal(floors[k], q, `t=${t} band ${lo}…${hi - 1} bin ${k}`);
    }
  }
});

test('bandFloors: with a scratch (reused, dirty, by calls of other ranges) the same floors, and the bands are selected in it', () => {
  const scratch = new Float64Array(1025).fill(-1);
  for (let t = 0; t < 50; t++) {
    const P = Float64Array.from({ length: 1025 }, () => (rnd() < 0.05 ? 0 : Math.exp(30 * (rnd() - 0.7))));
    const kmin = 12 + (t % 7);
    const kmax = 700 + t;
    const before = scratch.slice();
    const floors = bandFloors(P, kmin, kmax, new Float64Array(kmax + 1), scratch);
    assert.deepEqual(floors, bandFloors(P, kmin, kmax), `t=${t}`);
    // the scratch holds the last band's bins (the TonalAnalyser frame allocates nothing): it changed
    assert.notDeepEqual(scratch, before, `t=${t}: scratch unused`);
  }
  // too short a scratch: still correct (a buffer of its own)
  const P = Float64Array.from({ length: 1025 }, () => rnd());
  assert.deepEqual(bandFloors(P, 12, 700, undefined, new Float64Array(10)), bandFloors(P, 12, 700));
});
