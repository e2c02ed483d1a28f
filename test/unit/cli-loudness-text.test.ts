// `studio analyze` printed "loudness    ? LUFS, range 0 LU, true peak -18.06 dBTP" for a 0.3 s file and
// "? LUFS, range 0 LU, true peak ? dBTP" for 20 minutes of digital silence: a "?" that said nothing, beside a
// range of 0 LU that was never measured (tester19). Now it says why there is no loudness.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loudnessText } from '../../main/cli/loudness-text';

test('loudnessText: a value, or why there is none', () => {
  assert.equal(loudnessText({ lufs: -9.8, loudnessRange: 4.2, truePeak: -0.5, durationSec: 200 }), '-9.8 LUFS, range 4.2 LU, true peak -0.5 dBTP');
  assert.equal(loudnessText({ lufs: null, loudnessRange: 0, truePeak: -18.06, durationSec: 0.3 }), 'none (too short to measure: under 0.4 s, the block BS.1770 gates), true peak -18.06 dBTP');
  assert.equal(loudnessText({ lufs: null, loudnessRange: 0, truePeak: null, durationSec: 1200 }), 'none (digital silence)');
  assert.equal(loudnessText({ lufs: null, loudnessRange: 0, truePeak: -95, durationSec: 60 }), 'none (too quiet: nothing above the −70 LUFS gate), true peak -95 dBTP');
  assert.doesNotMatch(loudnessText({ lufs: null, loudnessRange: 0, truePeak: -18, durationSec: 0.3 }), /\?|range/);
});

// session 14: a range never measured (null: no 3 s short-term window) is said to be absent, never "? LU" or "0 LU";
// a measured 0 stays 0.
test('loudnessText: a loudness range that was never measured', () => {
  assert.equal(loudnessText({ lufs: -12, loudnessRange: null, truePeak: -3, durationSec: 2 }), '-12 LUFS, range none (under 3 s: no short-term window), true peak -3 dBTP');
  assert.equal(loudnessText({ lufs: -12, loudnessRange: 0, truePeak: -3, durationSec: 8 }), '-12 LUFS, range 0 LU, true peak -3 dBTP');
  assert.doesNotMatch(loudnessText({ lufs: -12, loudnessRange: null, truePeak: -3, durationSec: 2 }), /\?|0 LU/);
});
