// Issue 11 (helper tempo17): hpss.ts PercussiveShare, a median-filter harmonic/percussive split (Fitzgerald 2010) of
// the tempo analyser's band energies, meant to tell a drum groove from drumless soft-onset music (the octave chooser's
// "drums present" input; the > 2 kHz onset share did not separate them, BENCHMARKS.md tempo16). Band frames built
// here, and two songs rendered by fluidsynth (FluidR3_GM) from MIDI written here: a drums-only groove and a pad +
// flute melody with no drums.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFile } from '../../main/engine/analysis/run';
import { TempoAnalyser } from '../../main/engine/analysis/tempo';
import { PERC_FIGURES, PERC_HALF_BANDS, PERC_INPUT, PercussiveShare } from '../../main/engine/analysis/hpss';
import { renderSong, type SmfNote } from '../helpers/smf';

const B = 40;
const group = Uint8Array.from({ length: B }, (_, b) => (b < 14 ? 0 : b < 30 ? 1 : 2));
const floor = new Float64Array(B).fill(1e-9);

/** share figures of `frames` band-energy frames made by `at(t, b)` */
function shareOf(frames: number, at: (t: number, b: number) => number): number[] {
  const p = new PercussiveShare(B, group, floor);
  const e = new Float64Array(B);
  for (let t = 0; t < frames; t++) {
    for (let b = 0; b < B; b++) e[b] = at(t, b);
    p.push(e);
  }
  return p.result();
}

/** Drums only at `bpm`: kick 1 and 3, snare 2 and 4, closed hi-hat eighths, an open hi-hat on the last and of the bar. */
function drumsOnly(bpm: number, bars: number): string {
  const notes: SmfNote[] = [];
  for (let bar = 0; bar < bars; bar++) {
    const b0 = bar * 4;
    for (const k of [0, 2, 2.5]) notes.push({ beat: b0 + k, len: 0.2, ch: 9, note: 36, vel: 110 });
    for (const k of [1, 3]) notes.push({ beat: b0 + k, len: 0.2, ch: 9, note: 38, vel: 105 });
    for (let e = 0; e < 8; e++) notes.push({ beat: b0 + e / 2, len: 0.1, ch: 9, note: e === 7 ? 46 : 42, vel: e % 2 ? 50 : 70 });
  }
  return renderSong(`hpss-drums-${bpm}.wav`, { bpm, notes, programs: {} });
}

/** A pad (held chords, a bar each) and a flute melody in half notes and quarters, no drums, at `bpm`. */
function padMelody(bpm: number, bars: number): string {
  const notes: SmfNote[] = [];
  const roots = [57, 62, 55, 60];
  const tune = [0, 4, 7, 4, 2, 5, 9, 7];
  for (let bar = 0; bar < bars; bar++) {
    const r = roots[bar % 4];
    const b0 = bar * 4;
    for (const n of [r - 12, r - 5, r, r + 4]) notes.push({ beat: b0, len: 3.9, ch: 0, note: n, vel: 70 });
    const m = bar % 2 ? [0, 2, 3] : [0, 1, 2, 3];
    for (const k of m) notes.push({ beat: b0 + k, len: m.length === 3 && k === 0 ? 1.9 : 0.95, ch: 1, note: r + 12 + tune[(bar * 4 + k) % tune.length], vel: 80 });
  }
  return renderSong(`hpss-pad-${bpm}.wav`, { bpm, notes, programs: { 0: 89, 1: 73 } });
}

async function figures(file: string): Promise<number[]> {
  const t = new TempoAnalyser();
  t.percussiveBands = PERC_HALF_BANDS;
  await analyzeFile(file, [t]);
  return t.percussiveShare()!;
}

describe('tempo: percussive share by median-filter HPSS (issue 11)', () => {
  it('broadband clicks are percussive, a steady partial harmonic', () => {
    const clicks = shareOf(400, (t) => (t % 10 === 0 ? 1 : 1e-6));
    const partial = shareOf(400, (_, b) => (b === 20 ? 1 : 1e-6));
    assert.equal(clicks.length, PERC_FIGURES.length * PERC_HALF_BANDS.length);
    assert.ok(clicks[0] > 0.9, `clicks: all ${clicks[0]}`);
    assert.ok(partial[0] < 0.1, `partial: all ${partial[0]}`);
  });

  it('off unless asked: the analyser measures nothing by default', async () => {
    const t = new TempoAnalyser();
    assert.equal(t.percussiveShare(), null);
  });

  it('a drums-only groove and a pad + melody fall on opposite sides of a bound (0.5; flux 0.58–0.6)', async () => {
    const drums = await figures(drumsOnly(100, 16));
    const pad = await figures(padMelody(100, 16));
    // all (energy-weighted) and band mean, frequency-median half-width 2
    for (const i of [0, 4]) {
      assert.ok(drums[i] > 0.6, `drums ${PERC_FIGURES[i]} ${drums[i].toFixed(3)}`);
      assert.ok(pad[i] < 0.4, `pad ${PERC_FIGURES[i]} ${pad[i].toFixed(3)}`);
    }
    // (measured: drums all/2 0.990, band mean/2 0.976, flux/4 0.651; pad 0.208, 0.268, 0.575)
    // PERC_INPUT (the chooser's figure, flux at half-width 4): on the dev-side sets drumless tempo-soft has median
    // 0.566 (max 0.595), dev2's grooves 0.615, tempo-synth's drums-only render 0.673 (BENCHMARKS.md tempo17)
    assert.equal(PERC_INPUT, 11);
    assert.ok(drums[PERC_INPUT] > 0.6, `drums flux/4 ${drums[PERC_INPUT].toFixed(3)}`);
    assert.ok(pad[PERC_INPUT] < 0.58, `pad flux/4 ${pad[PERC_INPUT].toFixed(3)}`);
  });
});
