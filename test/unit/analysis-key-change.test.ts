// Issue 10 kind 4: a track that modulates and stays in the new key (C major for 32 s, then
// G major for 32 s) has no one key; it is flagged (KeyResult.variable, tonal.ts keySections) and
// the features line states no key and no chords, as a tempo change leaves the tempo out. A track
// in one key (64 s of C major), and one whose second half moves to the relative minor (one key
// signature), are not flagged and keep their key. Inputs: chord progressions synthesised with
// numpy (decaying harmonic tones, a bass an octave below) written as 16-bit WAV, the way the
// tester's modulation render was made.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeTrack } from '../../main/engine/analysis/index';
import { featuresText } from '../../main/engine/analysis/text';
import { cadence, keyProgression as progression } from '../helpers/key-render';

describe('key: a change of key (issue 10 kind 4)', () => {
  let modulation = '';
  let steady = '';
  let relative = '';
  before(() => {
    modulation = progression('key-change-c-g.wav', [[cadence(0), 32], [cadence(7), 32]]);
    steady = progression('key-steady-c.wav', [[cadence(0), 64]]);
    // C major, then A minor's i–iv–V–i: the same key signature (a verse in the relative minor)
    relative = progression('key-relative-c-am.wav', [[cadence(0), 32], [[[9, true], [2, true], [4, false], [9, true]], 32]]);
  });

  it('32 s in C major then 32 s in G major: two sections, C then G, cut near 32 s, and no key or chords in the features line', async () => {
    const r = await analyzeTrack(modulation);
    const v = r.tonal.key.variable;
    assert.ok(v && v.length === 2, `${JSON.stringify(v)} (key ${r.tonal.key.key} ${r.tonal.key.confidence})`);
    assert.deepEqual(v.map((s) => s.key), ['C major', 'G major'], JSON.stringify(v));
    assert.ok(Math.abs(v[0].end - 32) <= 6 && v[0].end === v[1].start && v[0].start <= 0.5 && v[1].end > 62, JSON.stringify(v));
    assert.doesNotMatch(r.features, /Key|Chords/, r.features);
    assert.match(r.features, /Loudness/);
  });

  it('64 s in C major: not flagged, "Key: C major" stated', async () => {
    const r = await analyzeTrack(steady);
    assert.equal(r.tonal.key.variable, undefined, JSON.stringify(r.tonal.key.variable));
    assert.match(r.features, /Key: C major\./, r.features);
  });

  it('C major then its relative A minor (one key signature): not flagged', async () => {
    const r = await analyzeTrack(relative);
    assert.equal(r.tonal.key.variable, undefined, JSON.stringify(r.tonal.key.variable));
  });

  it('the features line leaves out a confident key (and its chords) when the key changes, and states it otherwise', () => {
    const tonal = { key: { key: 'C major', confidence: 0.95 }, chords: { progression: ['C', 'F', 'G'] } };
    assert.match(featuresText({ tonal }), /^Key: C major\. Chords: C, F, G\.$/);
    const changed = { ...tonal, key: { ...tonal.key, variable: [{ start: 0, end: 32, key: 'C major' }, { start: 32, end: 64, key: 'G major' }] } };
    assert.equal(featuresText({ tonal: changed }), '');
  });
});
