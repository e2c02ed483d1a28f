// Issue 11: the features of the tempo's octave decision (OCTAVE_FEATURES, tools/eval/octave-train.ts)
// on fluidsynth renders of drum patterns written here: a fast rock beat at 190 BPM and a ballad at 66
// with hi-hat eighths (a kick on 1 and 3, a snare on 2 and 4, a bass note per beat). The octave
// decision (OCTAVE_MODEL over the comb, the Fourier tempogram, the prior and the bass band's onset
// rate; tempo analyser v6) reads them at 190 and 66; the comb × prior rule before it (v5) read the
// 190 BPM beat at 95.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTrack } from '../../main/engine/analysis/index';
import { analyzeFile } from '../../main/engine/analysis/run';
import { OCTAVE_FEATURES, OCTAVE_MODEL, octaveScore, TempoAnalyser, type OctaveCandidate } from '../../main/engine/analysis/tempo';
import { renderSong, type SmfNote } from '../helpers/smf';

/** Kick (36) on 1 and 3, snare (38) on 2 and 4, closed hi-hat (42) on every eighth, a bass note per beat, a chord per bar. */
function backbeat(bpm: number, bars: number): string {
  const notes: SmfNote[] = [];
  const roots = [45, 50, 43, 48];
  for (let bar = 0; bar < bars; bar++) {
    const r = roots[bar % 4];
    for (let q = 0; q < 4; q++) {
      const b = bar * 4 + q;
      notes.push({ beat: b, len: 0.25, ch: 9, note: q % 2 ? 38 : 36, vel: 110 });
      for (const e of [0, 0.5]) notes.push({ beat: b + e, len: 0.2, ch: 9, note: 42, vel: e ? 55 : 70 });
      notes.push({ beat: b, len: 0.9, ch: 1, note: r - 12, vel: 90 });
    }
    for (const n of [r + 12, r + 16, r + 19]) notes.push({ beat: bar * 4, len: 3.8, ch: 0, note: n, vel: 60 });
  }
  return renderSong(`octave-backbeat-${bpm}.wav`, { bpm, notes, programs: { 0: 0, 1: 33 } });
}

async function candidates(file: string): Promise<OctaveCandidate[]> {
  const t = new TempoAnalyser();
  await analyzeFile(file, [t]);
  const c = t.octaveCandidates();
  assert.ok(c && c.length >= 2, 'octave candidates');
  return c;
}
const F = (name: (typeof OCTAVE_FEATURES)[number]) => OCTAVE_FEATURES.indexOf(name);
const near = (c: OctaveCandidate[], bpm: number) => c.find((k) => Math.abs(k.bpm - bpm) <= 0.03 * bpm);

describe('tempo: octave features (issue 11)', () => {
  it('a rock beat at 190 BPM reads 190, not 95; a ballad at 66 with hi-hat eighths reads 66, not 132', async () => {
    const fast = await analyzeTrack(backbeat(190, Math.ceil((25 * 190) / 240)));
    assert.ok(fast.tempo.bpm !== null && Math.abs(fast.tempo.bpm - 190) <= 0.02 * 190, `190: bpm ${fast.tempo.bpm}`);
    const slow = await analyzeTrack(backbeat(66, 8));
    assert.ok(slow.tempo.bpm !== null && Math.abs(slow.tempo.bpm - 66) <= 0.02 * 66, `66: bpm ${slow.tempo.bpm}`);
  });

  it('a rock beat at 190 BPM: the candidates are 95 and 190, with the weighed features, and OCTAVE_MODEL scores 190 higher', async () => {
    const c = await candidates(backbeat(190, Math.ceil((25 * 190) / 240)));
    const fast = near(c, 190);
    const slow = near(c, 95);
    assert.ok(fast && slow, `candidates ${c.map((k) => k.bpm.toFixed(1)).join(', ')}`);
    for (const k of c) {
      assert.equal(k.features.length, OCTAVE_FEATURES.length);
      assert.ok(k.features.every(Number.isFinite), `features ${k.features}`);
      assert.ok(Math.abs(k.features[F('z')] - Math.log2(k.bpm / 120)) < 1e-9);
      assert.ok(Math.abs(k.features[F('z²')] - k.features[F('z')] ** 2) < 1e-9);
    }
    // one bass-band onset rate per track: z·bass density ÷ z is the same for every candidate, and positive
    // here (a bass note and a kick or snare on every beat at 190: > 2 bass onsets per second)
    const rate = (k: OctaveCandidate) => k.features[F('z·bass density')] / k.features[F('z')];
    assert.ok(Math.abs(rate(fast) - rate(slow)) < 1e-9 && rate(fast) > 0, `bass density ${rate(fast)} / ${rate(slow)}`);
    assert.ok(octaveScore(fast.features, OCTAVE_MODEL) > octaveScore(slow.features, OCTAVE_MODEL), 'OCTAVE_MODEL prefers 190 to 95');
  });

  it('a ballad at 66 BPM with hi-hat eighths: OCTAVE_MODEL scores 66 higher than 132 (the eighths)', async () => {
    const c = await candidates(backbeat(66, 8));
    const beat = near(c, 66);
    const eighth = near(c, 132);
    assert.ok(beat && eighth, `candidates ${c.map((k) => k.bpm.toFixed(1)).join(', ')}`);
    assert.ok(octaveScore(beat.features, OCTAVE_MODEL) > octaveScore(eighth.features, OCTAVE_MODEL), 'OCTAVE_MODEL prefers 66 to 132');
  });
});
