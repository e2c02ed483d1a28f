// The relative minor's leading-tone cue (key18; tonal.ts KeyOptions.relativeLeadShare / relativeLeadMajor,
// relativeLeadShare): on a synthetic mean chroma of the C major / A minor scale, the share of G♯ (the relative minor's
// raised 7th) moves a major reading to the relative minor at or above the threshold and never below it; the symmetric
// cue moves an A minor reading with no G♯ to C major; off (0) the decision is the shipped one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateKey, keyFromChroma, relativeLeadShare, TONAL_DEFAULTS } from '../../main/engine/analysis/tonal';

/** C major's scale weighted as a C major piece (C, E, G strong), C..B */
const C_MAJOR = [1, 0, 0.6, 0, 0.8, 0.6, 0, 0.9, 0, 0.7, 0, 0.5];
/** the same scale weighted as an A minor piece (A, C, E strong), no G♯ */
const A_MINOR = [0.8, 0, 0.6, 0, 0.8, 0.5, 0, 0.6, 0, 1, 0, 0.5];
const withGSharp = (v: number[], g: number) => v.map((x, i) => (i === 8 ? g : x));
const lead = (mean: number[], minor: number, major = 0) => keyFromChroma(mean, 'temperley', undefined, 0, undefined, 0, undefined, undefined, 0, 'blend', undefined, 0, 0, { minor, major });

describe('relative minor leading-tone cue (key18)', () => {
  it('relativeLeadShare: the raised 7th of the scale\'s minor key (X + 8 for X major, m + 11 for m minor) ÷ the chroma\'s sum', () => {
    const g = withGSharp(C_MAJOR, 0.5);
    const sum = g.reduce((a, b) => a + b, 0);
    assert.equal(relativeLeadShare(g, 0), 0.5 / sum); // C major → G♯
    assert.equal(relativeLeadShare(g, 12 + 9), 0.5 / sum); // A minor → G♯
    assert.equal(relativeLeadShare(g, 7), g[3] / sum); // G major → D♯ (0 here)
    assert.equal(relativeLeadShare(new Array(12).fill(0), 0), 0);
  });

  it('toward minor: C major with G♯ at share s reads A minor when s ≥ the threshold, C major below it and when off', () => {
    const g = withGSharp(C_MAJOR, 0.5);
    const s = relativeLeadShare(g, 0); // ≈ 0.089
    assert.equal(keyFromChroma(g, 'temperley').key, 'C major'); // the shipped decision: one foreign tone does not move it
    assert.equal(lead(g, s).key, 'A minor');
    assert.equal(lead(g, s - 0.001).key, 'A minor');
    assert.equal(lead(g, s + 0.001).key, 'C major');
    assert.equal(lead(g, 0).key, 'C major');
    assert.equal(lead(C_MAJOR, 0.001).key, 'C major'); // no G♯ at all: never moved
    assert.ok(lead(g, s).evidence!.margin >= 0);
  });

  it('toward major: A minor with no G♯ reads C major under relativeLeadMajor; with G♯ it stays A minor', () => {
    assert.equal(keyFromChroma(A_MINOR, 'temperley').key, 'A minor');
    assert.equal(lead(A_MINOR, 0, 0.02).key, 'C major');
    const g = withGSharp(A_MINOR, 0.4);
    assert.equal(keyFromChroma(g, 'temperley').key, 'A minor');
    assert.equal(lead(g, 0, 0.02).key, 'A minor'); // share ≈ 0.07 ≥ 0.02
    // the major's leading tone (B) under 0.2 of the strongest: not moved
    const weakB = [0.8, 0, 0.5, 0, 0.9, 0.6, 0, 0.3, 0, 1, 0, 0.15];
    assert.equal(keyFromChroma(weakB, 'temperley').key, 'A minor');
    assert.equal(lead(weakB, 0, 0.02).key, 'A minor');
    assert.equal(lead(weakB.map((x, i) => (i === 11 ? 0.25 : x)), 0, 0.02).key, 'C major');
  });

  it('estimateKey passes KeyOptions.relativeLeadShare through (frames × 12 chroma)', () => {
    const frames = 8;
    const g = withGSharp(C_MAJOR, 0.5);
    const chroma = new Float32Array(frames * 12);
    for (let f = 0; f < frames; f++) chroma.set(g, f * 12);
    const active = new Array(frames).fill(true);
    const base = estimateKey(chroma, frames, active, 'temperley', 0.2, undefined, {});
    assert.equal(base.key, 'C major');
    assert.equal(estimateKey(chroma, frames, active, 'temperley', 0.2, undefined, { relativeLeadShare: 0.08 }).key, 'A minor');
    assert.equal(estimateKey(chroma, frames, active, 'temperley', 0.2, undefined, { relativeLeadShare: 0.1 }).key, 'C major');
  });

  it('is off by default (the lead\'s rule failed or was not run: BENCHMARKS.md "Key: the relative minor\'s leading tone")', () => {
    assert.equal(TONAL_DEFAULTS.relativeLeadShare, 0);
    assert.equal(TONAL_DEFAULTS.relativeLeadMajor, 0);
  });
});
