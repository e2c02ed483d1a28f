// Issue 11: the features of the tempo's octave decision (OCTAVE_FEATURES, tools/eval/octave-train.ts)
// on fluidsynth renders of drum patterns written here: a fast rock beat at 190 BPM and a ballad at 66
// with hi-hat eighths (a kick on 1 and 3, a snare on 2 and 4, a bass note per beat). The octave
// decision (OCTAVE_MODEL over the comb, the Fourier tempogram, the prior and the bass band's onset
// rate; tempo analyser v6) reads them at 190 and 66; the comb × prior rule before it (v5) read the
// 190 BPM beat at 95. Tempo analyser v10 adds the harmonic-change rate at each candidate's bar
// ('log chord dft': the tonal analyser's chroma novelty, harmonic-change.ts), only on tracks whose
// mean chroma is not flat (chromaFlatness ≤ CHORD_GATE_FLATNESS): a drums-only track has no say from it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyzeTrack } from '../../main/engine/analysis/index';
import { analyzeFile } from '../../main/engine/analysis/run';
import { chromaFlatness, harmonicNovelty } from '../../main/engine/analysis/harmonic-change';
import { CHORD_GATE_FLATNESS, OCTAVE_FEATURES, OCTAVE_MODEL, octaveScore, TempoAnalyser, type OctaveCandidate } from '../../main/engine/analysis/tempo';
import { TonalAnalyser } from '../../main/engine/analysis/tonal';
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

/** Drums only, 30 s: a kick (36) on every beat, a closed hi-hat (42) on every off-beat; retuned to A = 432 Hz by ffmpeg's rubberband (pitch only), as a tester's render that v8 read at double. */
function kickHat432(bpm: number): string {
  const notes: SmfNote[] = [];
  for (let b = 0; b < (bpm * 30) / 60; b++) {
    notes.push({ beat: b, len: 0.25, ch: 9, note: 36, vel: 110 });
    notes.push({ beat: b + 0.5, len: 0.2, ch: 9, note: 42, vel: 80 });
  }
  const wav = renderSong(`octave-kickhat-${bpm}.wav`, { bpm, notes });
  const out = wav.replace(/\.wav$/, '-432.wav');
  if (!existsSync(out)) execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-af', `rubberband=pitch=${(432 / 440).toFixed(6)}`, '-c:a', 'pcm_s16le', out]);
  return out;
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

  it('the chord changes once a bar: log chord dft is larger at 190 (a bar of 4 beats) than at 95 (a "bar" of two real bars)', async () => {
    const c = await candidates(backbeat(190, Math.ceil((25 * 190) / 240)));
    const fast = near(c, 190)!;
    const slow = near(c, 95)!;
    assert.ok(fast.features[F('log chord dft')] > slow.features[F('log chord dft')] + 0.5, `chord dft ${fast.features[F('log chord dft')]} vs ${slow.features[F('log chord dft')]}`);
  });

  it('the tempo analyser reads the run\'s tonal analyser\'s chroma (analyzeTrack) or drives its own: the same candidates and tempo', async () => {
    const file = backbeat(66, 8);
    const k = new TonalAnalyser();
    const shared = new TempoAnalyser({}, k);
    const run = await analyzeFile(file, [shared, k]);
    const alone = new TempoAnalyser();
    const run2 = await analyzeFile(file, [alone]);
    assert.deepEqual(shared.octaveCandidates(), alone.octaveCandidates());
    assert.deepEqual(run.results.tempo, run2.results.tempo);
  });
});

describe('tempo: the chord cue is gated on a tonal chroma (octave9)', () => {
  it('a drums-only kick/hi-hat track at 100 BPM (A = 432): flat chroma, log chord dft 0 at every candidate, read at 100', async () => {
    const file = kickHat432(100);
    const k = new TonalAnalyser();
    const t = new TempoAnalyser({}, k);
    const run = await analyzeFile(file, [t, k]);
    const h = t.harmony();
    assert.ok(h.flatness > CHORD_GATE_FLATNESS, `flatness ${h.flatness} ≤ ${CHORD_GATE_FLATNESS}`);
    const c = t.octaveCandidates()!;
    assert.ok(c.length >= 2, 'octave candidates');
    for (const x of c) assert.equal(x.features[F('log chord dft')], 0, `${x.bpm}: chord feature ${x.features[F('log chord dft')]}`);
    const bpm = (run.results.tempo as { bpm: number | null }).bpm;
    assert.ok(bpm !== null && Math.abs(bpm - 100) <= 0.04 * 100, `bpm ${bpm}`);
  });

  it('the backbeat with a chord per bar is under the gate (its chord feature has a say)', async () => {
    const k = new TonalAnalyser();
    const t = new TempoAnalyser({}, k);
    await analyzeFile(backbeat(190, Math.ceil((25 * 190) / 240)), [t, k]);
    assert.ok(t.harmony().flatness <= CHORD_GATE_FLATNESS, `flatness ${t.harmony().flatness}`);
  });
});

describe('chromaFlatness', () => {
  it('1 for an even chroma, near 0 for one triad, 1 with no active frame; only active frames count', () => {
    const frames = 10;
    const even = new Float32Array(12 * frames).fill(0.5);
    const all = Array.from({ length: frames }, () => true);
    assert.ok(Math.abs(chromaFlatness(even, frames, all) - 1) < 1e-9);
    const triad = new Float32Array(12 * frames);
    for (let f = 0; f < frames; f++) for (const p of [0, 4, 7]) triad[12 * f + p] = 2;
    assert.ok(chromaFlatness(triad, frames, all) < 0.05, `triad ${chromaFlatness(triad, frames, all)}`);
    assert.equal(chromaFlatness(triad, frames, all.map(() => false)), 1);
    // an even frame that is not active does not flatten the triad's mean
    const mixed = triad.slice();
    mixed.fill(1, 0, 12);
    assert.ok(chromaFlatness(mixed, frames, all.map((_, f) => f > 0)) < 0.05);
    assert.ok(chromaFlatness(mixed, frames, all) > chromaFlatness(triad, frames, all));
  });
});

describe('harmonicNovelty', () => {
  it('peaks where the chroma changes (C major → A minor → F major) and is 0 inside a chord and for silent frames', () => {
    const frames = 30;
    const chroma = new Float32Array(12 * frames);
    const chord = (f: number, pcs: number[]) => pcs.forEach((p) => (chroma[12 * f + p] = 1));
    for (let f = 0; f < frames; f++) chord(f, f < 10 ? [0, 4, 7] : f < 20 ? [9, 0, 4] : [5, 9, 0]);
    const active = Array.from({ length: frames }, (_, f) => f !== 25);
    const nov = harmonicNovelty(chroma, frames, active);
    assert.equal(nov.length, frames);
    assert.ok(nov[10] > 0.3 && nov[20] > 0.3, `changes ${nov[10]}, ${nov[20]}`);
    for (const f of [4, 5, 14, 15]) assert.ok(Math.abs(nov[f]) < 1e-12, `inside a chord at ${f}: ${nov[f]}`);
    assert.ok(nov[10] >= Math.max(nov[9], nov[11]), 'the change frame is the peak');
    assert.ok(Math.abs(nov[26]) < 1e-12, 'a silent frame adds nothing');
    assert.equal(nov[0], 0);
    assert.equal(nov[frames - 1], 0);
  });
});
