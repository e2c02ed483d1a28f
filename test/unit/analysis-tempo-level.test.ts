// Issue 11: the metrical level of the tempo on fluidsynth renders of MIDI written here —
// a 3/4 waltz must read its quarter-note tempo (not 2/3 or 4/3 of it, nor the bar), and a
// fast duple drum pattern must read its beat (not half of it).
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

/** A fast rock beat on the GM kit: kick on 1 and 3, snare on 2 and 4, closed hi-hat on every beat, crash every 4 bars. */
function fastRock(bpm: number, bars: number): string {
  const notes: SmfNote[] = [];
  for (let bar = 0; bar < bars; bar++) {
    const b = bar * 4;
    for (const k of [0, 2]) notes.push({ beat: b + k, len: 0.25, ch: 9, note: 36, vel: 110 });
    for (const s of [1, 3]) notes.push({ beat: b + s, len: 0.25, ch: 9, note: 38, vel: 100 });
    for (let e = 0; e < 4; e++) notes.push({ beat: b + e, len: 0.25, ch: 9, note: 42, vel: 70 });
    if (bar % 4 === 0) notes.push({ beat: b, len: 0.5, ch: 9, note: 49, vel: 90 });
  }
  return renderSong(`fast-rock-${bpm}.wav`, { bpm, notes });
}

const near = (got: number | null, want: number) => got !== null && Math.abs(got - want) <= 0.02 * want;

describe('tempo: metrical level (issue 11)', () => {
  for (const bpm of [180, 160]) {
    it(`a 3/4 waltz at ${bpm} BPM reads ${bpm}, not ${((bpm * 2) / 3).toFixed(1)} or ${bpm / 2}, with 3 beats per bar`, async () => {
      const r = await analyzeTrack(waltz(bpm, Math.ceil((25 * bpm) / 180)));
      assert.ok(near(r.tempo.bpm, bpm), `bpm ${r.tempo.bpm}`);
      assert.equal(r.tempo.beatsPerBar, 3);
    });
  }

  it('a 190 BPM rock beat reads 190, not 95, with beats on the hits', async () => {
    const r = await analyzeTrack(fastRock(190, 20));
    assert.ok(near(r.tempo.bpm, 190), `bpm ${r.tempo.bpm}`);
    const period = 60 / 190;
    const off = r.tempo.beats.map((b) => Math.abs(b - Math.round(b / period) * period));
    off.sort((a, b) => a - b);
    assert.ok(off[off.length >> 1] < 0.03, `median beat offset ${off[off.length >> 1]} s`);
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
