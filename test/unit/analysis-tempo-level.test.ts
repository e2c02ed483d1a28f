// Issue 11: the metrical level of the tempo on fluidsynth renders of MIDI written here —
// a 3/4 waltz reads its quarter-note tempo (not 2/3 of it), a 12/8 blues its dotted quarter
// (not 3/2 of it): the errors a DJ reads as plain wrong. (Half / double: analysis-tempo-octave.test.ts.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTrack } from '../../main/engine/analysis/index';
import { fourierTempo } from '../../main/engine/analysis/tempo';
import { renderSong, type SmfNote } from '../helpers/smf';

/** A waltz: bass note on 1 (acoustic bass), a piano chord on 2 and 3, a ride cymbal on every beat; chords change per bar. */
function waltz(bpm: number, bars: number): string {
  const notes: SmfNote[] = [];
  const roots = [48, 53, 55, 48]; // C F G C
  for (let bar = 0; bar < bars; bar++) {
    const b = bar * 3;
    const r = roots[bar % 4];
    notes.push({ beat: b, len: 0.9, ch: 1, note: r - 12, vel: 110 });
    for (const k of [1, 2]) for (const n of [r + 12, r + 16, r + 19]) notes.push({ beat: b + k, len: 0.5, ch: 0, note: n, vel: 80 });
    for (let k = 0; k < 3; k++) notes.push({ beat: b + k, len: 0.25, ch: 9, note: 51, vel: k ? 60 : 90 });
  }
  return renderSong(`waltz-${bpm}.wav`, { bpm, notes, programs: { 0: 0, 1: 32 } });
}

/**
 * A 12/8 slow blues, counted in dotted quarters (4 per bar): ride cymbal on every triplet
 * eighth (accented on the beat), kick on beats 1 and 3, snare on 2 and 4, a bass note per beat
 * and a piano chord on each beat's last eighth; I–IV–I–V, one chord per bar. SMF tempo is set
 * in quarter notes: a dotted quarter at `bpm` is a quarter at 1.5 × bpm.
 */
function blues128(bpm: number, bars: number): string {
  const notes: SmfNote[] = [];
  const roots = [45, 50, 45, 52]; // A D A E
  const q = 1.5; // quarters per dotted quarter
  for (let bar = 0; bar < bars; bar++) {
    const r = roots[bar % 4];
    for (let beat = 0; beat < 4; beat++) {
      const b = (bar * 4 + beat) * q;
      for (let e = 0; e < 3; e++) notes.push({ beat: b + e * 0.5, len: 0.25, ch: 9, note: 51, vel: e ? 55 : 85 });
      notes.push({ beat: b, len: 0.25, ch: 9, note: beat % 2 ? 38 : 36, vel: 100 });
      notes.push({ beat: b, len: 1.2, ch: 1, note: r - 12 + (beat === 2 ? 7 : 0), vel: 100 });
      for (const n of [r + 12, r + 16, r + 19]) notes.push({ beat: b + 1, len: 0.4, ch: 0, note: n, vel: 70 });
    }
  }
  return renderSong(`blues128-${bpm}.wav`, { bpm: bpm * q, notes, programs: { 0: 0, 1: 32 } });
}

const near = (got: number | null, want: number) => got !== null && Math.abs(got - want) <= 0.02 * want;

describe('tempo: metrical level (issue 11)', () => {
  for (const bpm of [160]) {
    it(`a 3/4 waltz at ${bpm} BPM reads ${bpm}, not ${((bpm * 2) / 3).toFixed(1)} or ${bpm / 2}, with 3 beats per bar`, async () => {
      const r = await analyzeTrack(waltz(bpm, Math.ceil((25 * bpm) / 180)));
      assert.ok(near(r.tempo.bpm, bpm), `bpm ${r.tempo.bpm}`);
      assert.equal(r.tempo.beatsPerBar, 3);
    });
  }

  it('a 12/8 slow blues at 58 dotted quarters per minute reads 58, not 87 (3/2 of it) or 174', async () => {
    const r = await analyzeTrack(blues128(58, 8));
    assert.ok(near(r.tempo.bpm, 58), `bpm ${r.tempo.bpm}`);
    const period = 60 / 58;
    const off = r.tempo.beats.map((b) => Math.abs(b - Math.round(b / period) * period)).sort((a, b) => a - b);
    assert.ok(off[off.length >> 1] < 0.04, `median beat offset ${off[off.length >> 1]} s`);
  });

  it('the Fourier tempogram of a pulse train peaks at its rate and its multiples, not at 2/3 or 4/3 of it', () => {
    const fps = 100;
    const env = new Float64Array(30 * fps);
    for (let i = 0; i < env.length; i += 50) env[i] = 1; // 120 BPM at 100 frames/s
    const at = (bpm: number) => fourierTempo(env, fps, bpm);
    assert.ok(at(120) > 0.9, `120: ${at(120)}`);
    assert.ok(at(240) > 0.9, `240: ${at(240)}`);
    for (const bpm of [80, 90, 160, 60]) assert.ok(at(bpm) < 0.05, `${bpm}: ${at(bpm)}`);
  });
});
