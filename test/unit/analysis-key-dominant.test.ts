// The relative minor's dominant (key19; tonal.ts KeyOptions.relativeDominantShare / relativeDominantFrom,
// relativeDominantShare): when the best key is X major, the share of the triad frames that are the (X + 4) major triad
// (the V of the relative minor, with its raised leading tone) moves the reading to (X + 9) minor at or above the
// threshold, never below it, never a minor key, and not when off (0, the default).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateKey, keyFromChroma, PitchFrames, relativeDominantShare, TONAL_DEFAULTS, TonalAnalyser } from '../../main/engine/analysis/tonal';

/** C major's scale weighted as a C major piece (C, E, G strong), C..B */
const C_MAJOR = [1, 0, 0.6, 0, 0.8, 0.6, 0, 0.9, 0, 0.7, 0, 0.5];
/** triad labels (frameTriads' order: 0–11 C..B major, 12–23 C..B minor, −1 none): C major ×a, E major (4) ×e, A minor (21) ×m, none ×n */
const labels = (a: number, e: number, m = 0, n = 0) => Int8Array.from([...new Array(a).fill(0), ...new Array(e).fill(4), ...new Array(m).fill(21), ...new Array(n).fill(-1)]);
const dom = (mean: number[], s: number, triads: Int8Array) => keyFromChroma(mean, 'temperley', undefined, 0, undefined, 0, undefined, undefined, 0, 'blend', undefined, 0, 0, { dominant: s, dominantTriads: triads });

describe('relative minor dominant cue (key19)', () => {
  it('relativeDominantShare: the (X + 4) major triad for X major, (m + 7) major for m minor, over the frames with a triad', () => {
    const t = labels(6, 2, 2, 10); // 10 frames with a triad, 2 of them E major
    assert.equal(relativeDominantShare(t, 0), 0.2); // C major → E major
    assert.equal(relativeDominantShare(t, 12 + 9), 0.2); // A minor → E major
    assert.equal(relativeDominantShare(t, 7), 0); // G major → B major: none
    assert.equal(relativeDominantShare(t, 4), 0); // E major → G♯ major: none (E major's own triad is not counted)
    assert.equal(relativeDominantShare(labels(0, 0, 0, 5), 0), 0); // no triad at all
    assert.equal(relativeDominantShare(new Int8Array(0), 0), 0);
  });

  it('C major with E major triads at share s reads A minor when s ≥ the threshold, C major below it and when off', () => {
    const t = labels(8, 2); // share 0.2
    assert.equal(keyFromChroma(C_MAJOR, 'temperley').key, 'C major'); // the shipped decision
    assert.equal(dom(C_MAJOR, 0.2, t).key, 'A minor');
    assert.equal(dom(C_MAJOR, 0.19, t).key, 'A minor');
    assert.equal(dom(C_MAJOR, 0.21, t).key, 'C major');
    assert.equal(dom(C_MAJOR, 0, t).key, 'C major');
    assert.equal(dom(C_MAJOR, 0.01, labels(10, 0)).key, 'C major'); // no E major frame: never moved
    assert.ok(dom(C_MAJOR, 0.2, t).evidence!.margin >= 0);
    assert.equal(keyFromChroma(C_MAJOR, 'temperley', undefined, 0, undefined, 0, undefined, undefined, 0, 'blend', undefined, 0, 0, { dominant: 0.2 }).key, 'C major'); // no triads given: nothing to count
  });

  it('never moves a minor reading', () => {
    const A_MINOR = [0.8, 0, 0.6, 0, 0.8, 0.5, 0, 0.6, 0, 1, 0, 0.5];
    assert.equal(keyFromChroma(A_MINOR, 'temperley').key, 'A minor');
    assert.equal(dom(A_MINOR, 0.01, labels(2, 8)).key, 'A minor');
  });

  it('estimateKey: relativeDominantFrom fold counts the triads it is given, nnls the NNLS chroma\'s (texture.nnls or texture.dominantTriads)', () => {
    const frames = 10;
    const chroma = new Float32Array(frames * 12);
    for (let f = 0; f < frames; f++) chroma.set(C_MAJOR, f * 12);
    const active = new Array(frames).fill(true);
    const tri = labels(7, 3);
    assert.equal(estimateKey(chroma, frames, active, 'temperley', 0.2, undefined, {}, tri).key, 'C major');
    assert.equal(estimateKey(chroma, frames, active, 'temperley', 0.2, undefined, { relativeDominantShare: 0.3 }, tri).key, 'A minor');
    assert.equal(estimateKey(chroma, frames, active, 'temperley', 0.2, undefined, { relativeDominantShare: 0.31 }, tri).key, 'C major');
    // 'nnls' without the NNLS chroma or its triads: the cue does nothing
    assert.equal(estimateKey(chroma, frames, active, 'temperley', 0.2, undefined, { relativeDominantShare: 0.3, relativeDominantFrom: 'nnls' }, tri).key, 'C major');
    assert.equal(estimateKey(chroma, frames, active, 'temperley', 0.2, undefined, { relativeDominantShare: 0.3, relativeDominantFrom: 'nnls' }, tri, { dominantTriads: tri }).key, 'A minor');
    // texture.nnls: an E major chroma in every frame → every NNLS triad is E major (share 1)
    const e = new Float32Array(frames * 12);
    for (let f = 0; f < frames; f++) e.set([0, 0, 0, 0, 1, 0, 0, 0, 0.8, 0, 0, 0.9], f * 12);
    assert.equal(estimateKey(chroma, frames, active, 'temperley', 0.2, undefined, { relativeDominantShare: 0.5, relativeDominantFrom: 'nnls' }, tri, { nnls: e }).key, 'A minor');
  });

  it('TonalAnalyser keeps the peaks only for the nnls arm; off by default', () => {
    assert.equal(TONAL_DEFAULTS.relativeDominantShare, 0);
    assert.equal(TONAL_DEFAULTS.relativeDominantFrom, 'fold');
    assert.equal(new PitchFrames({}).peakFreq, null);
    assert.ok(new PitchFrames({}, true).peakFreq);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const pfOf = (a: TonalAnalyser) => (a as any).pf as PitchFrames;
    assert.equal(pfOf(new TonalAnalyser()).peakFreq, null);
    assert.equal(pfOf(new TonalAnalyser({ relativeDominantShare: 0.1 })).peakFreq, null);
    assert.ok(pfOf(new TonalAnalyser({ relativeDominantShare: 0.1, relativeDominantFrom: 'nnls' })).peakFreq);
  });
});
