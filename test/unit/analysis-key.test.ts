// Key analyser pieces (issue 11). Tuning estimation before chroma: a piece rendered by fluidsynth (FluidR3_GM:
// piano, strings, bass) on A = 440 Hz, then retuned by ffmpeg's rubberband to A = 432 Hz
// and A = 446 Hz (pitch only, tempo kept). The key must stay right and the estimated
// tuning must be within a few cents of the retuning.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyzeFile } from '../../main/engine/analysis/run';
import { CADENCE_THIRD_MIN, cadenceRate, chordKeyScores, estimateKey, estimateTuning, foldChroma, frameTriads, keyFromChroma, meanVoices, phraseEndChroma, PitchFrames, TONAL_DEFAULTS, TonalAnalyser, TRIAD_TONE_MIN, type TonalResult } from '../../main/engine/analysis/tonal';
import { ALL_KEYS, keyName } from '../../main/engine/analysis/keys';
import { numpyWav } from '../helpers/media';
import { renderSong, type SmfNote } from '../helpers/smf';

/** D major, 8 bars at 100 BPM: D – G – A7 – D twice; piano chords, sustained strings, a bass on the roots. */
function dMajorPiece(): string {
  const notes: SmfNote[] = [];
  const chords = [
    [50, 62, 66, 69],
    [43, 59, 62, 67],
    [45, 61, 64, 67],
    [50, 62, 66, 69],
  ];
  for (let bar = 0; bar < 8; bar++) {
    const [root, ...upper] = chords[bar % 4];
    for (let b = 0; b < 4; b++) for (const n of upper) notes.push({ beat: bar * 4 + b, len: 0.9, ch: 0, note: n, vel: 80 });
    for (const n of upper) notes.push({ beat: bar * 4, len: 4, ch: 1, note: n, vel: 50 });
    const bass = root >= 48 ? root - 12 : root; // D2, G2, A2
    notes.push({ beat: bar * 4, len: 1.8, ch: 2, note: bass, vel: 90 });
    notes.push({ beat: bar * 4 + 2, len: 1.8, ch: 2, note: bass, vel: 80 });
  }
  return renderSong('tuning-d-major-a440.wav', { bpm: 100, notes, programs: { 0: 0, 1: 48, 2: 32 }, key: { sf: 2, minor: false } });
}

/** The A440 render retuned to A = `hz` by ffmpeg's rubberband (pitch only). */
function retuned(hz: number): string {
  const src = dMajorPiece();
  const out = src.replace('a440', `a${hz}`);
  if (!existsSync(out)) execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', src, '-af', `rubberband=pitch=${(hz / 440).toFixed(6)}`, '-c:a', 'pcm_s16le', out]);
  return out;
}

describe('tuning estimation (key analyser)', () => {
  for (const hz of [440, 432, 446]) {
    const cents = 1200 * Math.log2(hz / 440);
    it(`A = ${hz} Hz: D major, tuning ${cents.toFixed(1)} cents within 5`, async () => {
      const run = await analyzeFile(retuned(hz), [new TonalAnalyser()]);
      const t = run.results.tonal as TonalResult;
      assert.equal(t.key.key, 'D major');
      assert.ok(Math.abs(t.key.tuningCents! - cents) < 5, `tuning ${t.key.tuningCents} cents, retuned by ${cents.toFixed(1)}`);
    });
  }

  it('without the tuning estimate the 432 Hz render would be read on A440 note centres (the estimate moves them)', async () => {
    const a = new TonalAnalyser({ tune: false });
    await analyzeFile(retuned(432), [a]);
    assert.equal(a.tuningCents, 0);
    const b = new TonalAnalyser();
    await analyzeFile(retuned(432), [b]);
    assert.ok(b.tuningCents < -25, `tuning ${b.tuningCents}`);
  });
});

describe('PitchFrames / estimateTuning / foldChroma', () => {
  it('a peak 30 cents flat of A4 counts fully for A at that tuning, and weakly on A440 note centres', () => {
    const pf = new PitchFrames({ harmonics: 1 });
    pf.newFrame(1);
    pf.addPeak(440 * 2 ** (-30 / 1200), 1);
    const cents = estimateTuning(pf);
    assert.ok(Math.abs(cents + 30) < 0.5, `tuning ${cents}`);
    const tuned = foldChroma(pf.fine, 1, cents);
    assert.ok(tuned[9] > 0.85 && tuned[8] < 0.01, `tuned chroma ${Array.from(tuned)}`);
    const raw = foldChroma(pf.fine, 1, 0);
    assert.ok(raw[9] < 0.5 * tuned[9] && raw[8] === 0, `A440 chroma ${Array.from(raw)}`);
  });

  it('no peaks: tuning 0', () => {
    const pf = new PitchFrames();
    pf.newFrame(0);
    assert.equal(estimateTuning(pf), 0);
  });

  it('bass chroma only from peaks under bassHz', () => {
    const pf = new PitchFrames({ bassHz: 200, harmonics: 1 });
    pf.newFrame(1);
    pf.addPeak(110, 1);
    pf.addPeak(440 * 2 ** (3 / 12), 1); // C5: not bass
    const bass = foldChroma(pf.bass!, 1, 0);
    assert.ok(bass[9] > 0.99 && bass[0] === 0, `bass ${Array.from(bass)}`);
  });
});

describe('harmonic-function key score', () => {
  // triad indices: 0..11 major chords C..B, 12..23 minor chords
  const seq = (...chords: number[]) => Int8Array.from(chords.flatMap((c) => new Array(10).fill(c)));
  const best = (scores: number[]) => keyName(ALL_KEYS[scores.indexOf(Math.max(...scores))]);
  it('C – Am – F – G is C major, not A minor (same scale: the chords tell)', () => {
    const s = chordKeyScores(seq(0, 12 + 9, 5, 7));
    assert.equal(best(s), 'C major');
    assert.ok(s[0] > s[12 + 9], `C major ${s[0]} vs A minor ${s[21]}`);
  });
  it('Am – Dm – E – Am is A minor: E major is its dominant and foreign to C major', () => {
    const s = chordKeyScores(seq(21, 12 + 2, 4, 21));
    assert.equal(best(s), 'A minor');
    assert.ok(s[21] > s[0] + 0.3);
  });
  it('no triads (drums, silence): every key scores 0, and the chroma alone decides', () => {
    const s = chordKeyScores(new Int8Array(50).fill(-1));
    assert.deepEqual(s, new Array(24).fill(0));
    const mean = [1, 0, 0.6, 0, 0.8, 0.5, 0, 0.9, 0, 0.5, 0, 0.4]; // C major scale weights
    assert.equal(keyFromChroma(mean, 'temperley', undefined, 0, s, 2).key, keyFromChroma(mean, 'temperley').key);
  });
  it('blended: an A-minor-leaning chroma over C major chords reads C major', () => {
    const mean = [0.9, 0, 0.5, 0, 1, 0.4, 0, 0.5, 0.05, 0.9, 0, 0.8]; // lullaby-like: E, C, A, B strong
    assert.equal(keyFromChroma(mean, 'temperley').key, 'A minor');
    assert.equal(keyFromChroma(mean, 'temperley', undefined, 0, chordKeyScores(seq(0, 21, 5, 7)), 2).key, 'C major');
  });
  it('KeyEvidence.pitched (key13): the share of the peaks in partials given by the analyser is recorded; without it 1', () => {
    const mean = [1, 0, 0.6, 0, 0.8, 0.5, 0, 0.9, 0, 0.5, 0, 0.4]; // C major scale weights
    const tex = { voices: 3, heard: new Int8Array(10).fill(-1), minutes: 0.5 };
    assert.equal(keyFromChroma(mean, 'temperley', undefined, 0, undefined, 0, undefined, { ...tex, pitched: 0.13 }).evidence!.pitched, 0.13);
    assert.equal(keyFromChroma(mean, 'temperley', undefined, 0, undefined, 0, undefined, tex).evidence!.pitched, 1);
    assert.equal(keyFromChroma(mean, 'temperley').evidence!.pitched, 1);
  });
  it('cadences: V → I of the key counted (÷ 5, capped at 1), whatever the length; a run under 3 frames and frames without a triad are passed over', () => {
    // C – F – G – C, twice (10 frames each): G → C twice → 0.4 (the former per-minute rate made 2 cadences in a 3 s clip 1)
    const cf = seq(0, 5, 7, 0, 5, 7, 0);
    assert.equal(cadenceRate(cf, 0), 0.4);
    // the same chords seen from A minor (its V is E major): no cadence; from G major (D → G): none
    assert.equal(cadenceRate(cf, 21), 0);
    assert.equal(cadenceRate(cf, 7), 0);
    // a G of 2 frames before C is no cadence; a gap of frames without a triad between G and C is passed over
    assert.equal(cadenceRate(Int8Array.from([...new Array(10).fill(5), 7, 7, ...new Array(10).fill(0)]), 0), 0);
    assert.equal(cadenceRate(Int8Array.from([...new Array(10).fill(7), -1, -1, ...new Array(10).fill(0)]), 0), 0.2);
    // capped at 1; no triads: 0
    assert.equal(cadenceRate(seq(7, 0, 7, 0, 7, 0, 7, 0, 7, 0, 7, 0), 0), 1);
    assert.equal(cadenceRate(new Int8Array(30).fill(-1), 0), 0);
  });
  it('the cadence count\'s triads: a third at 0.2 of the strongest pitch class counts, a fifth at 0.2 does not (a partial)', () => {
    // one frame's chroma (C..B) held for 5 frames; frameTriads(…, TRIAD_TONE_MIN, CADENCE_THIRD_MIN) as TonalAnalyser's cadence count reads it
    const held = (v: number[]) => frameTriads(Float32Array.from(new Array(5).fill(v).flat()), 5, new Array(5).fill(true), TRIAD_TONE_MIN, CADENCE_THIRD_MIN)[2];
    // a doubled G (bass, root, octave) over a quiet B and a D at half: G major (index 7) for the cadence count, no chord shown at 0.35 alone
    const doubled = [0, 0, 0.5, 0, 0, 0, 0, 1, 0, 0, 0, 0.25];
    assert.equal(held(doubled), 7);
    assert.equal(frameTriads(Float32Array.from(new Array(5).fill(doubled).flat()), 5, new Array(5).fill(true), TRIAD_TONE_MIN)[2], -1);
    // whole-tone C and E with G only as C's 3rd harmonic (a quarter): no C major; with G at half it is one
    assert.equal(held([1, 0, 0, 0, 0.8, 0, 0, 0.25, 0, 0, 0, 0]), -1);
    assert.equal(held([1, 0, 0, 0, 0.8, 0, 0, 0.5, 0, 0, 0, 0]), 0);
  });
});

describe('voices: how many pitch classes sound at once (KeyEvidence.voices)', () => {
  const frames = (rows: number[][]) => Float32Array.from(rows.flat());
  const one = [1, 0, 0.1, 0, 0, 0, 0, 0.3, 0, 0, 0, 0]; // a note, its fifth partial under TRIAD_TONE_MIN
  const triad = [1, 0, 0, 0, 0.8, 0, 0, 0.9, 0, 0, 0, 0];
  const cluster = [1, 0.5, 0.6, 0.7, 0.8, 0, 0, 0.9, 0, 0, 0, 0];
  it('a melody alone: 1; chords: 3; more than a triad is capped at 3; silent or inactive frames do not count', () => {
    assert.equal(meanVoices(frames([one, one, one]), 3, [true, true, true]), 1);
    assert.equal(meanVoices(frames([triad, triad]), 2, [true, true]), 3);
    assert.equal(meanVoices(frames([cluster]), 1, [true]), 3);
    assert.equal(meanVoices(frames([one, triad, new Array(12).fill(0)]), 3, [true, false, true]), 1);
    assert.equal(meanVoices(new Float32Array(0), 0, []), 0);
  });
});

/**
 * A C minor riff (numpy): a sawtooth power chord C3 + G3 in eighths — its 5th partials sound E and B, no third is
 * played — under a sine melody that keeps E♭ (E♭ D C B♭ G each bar). The frames without the melody's E♭ are nearest
 * the C major triad (C, G and the partial E), so the triads' harmonic-function score reads C major; the mean chroma
 * (E♭ held, the partial E under the per-frame threshold) reads C minor. dev2's casio/house, kara/Kfunk1 and
 * yamaha/salsa1 on TimGM6mb miss the same way.
 */
function minorRiffOverFifths(): string {
  return numpyWav(
    'key-minor-riff-power-chord.wav',
    `
beat = 60 / 100
n = int(32 * beat * sr); t = np.arange(n) / sr
y = np.zeros(n)
for k in range(64):
    a = int(k * beat / 2 * sr); b = min(n, a + int(beat / 2 * 0.9 * sr))
    tt = t[a:b] - t[a]
    for f0 in (130.81, 196.0):
        y[a:b] += 0.5 * np.exp(-tt * 3) * sum(np.sin(2 * np.pi * f0 * h * tt) / h for h in range(1, 16))
for bar in range(8):
    for (bt, m, ln) in arg:
        a = int((bar * 4 + bt) * beat * sr); b = min(n, a + int(ln * beat * 0.95 * sr))
        tt = t[a:b] - t[a]
        y[a:b] += 0.25 * np.minimum(1, np.minimum(tt, tt[-1] - tt) / 0.02) * np.sin(2 * np.pi * 440 * 2 ** ((m - 69) / 12) * tt)
`,
    [[0, 75, 1], [1, 74, 0.5], [1.5, 72, 0.5], [2, 70, 1], [3, 67, 1]],
  );
}

describe('the mode of the chosen tonic (KeyOptions.modeFrom)', () => {
  const seq = (...chords: number[]) => Int8Array.from(chords.flatMap((c) => new Array(10).fill(c)));
  it("'profile': a C minor riff over power chords reads C minor, where the blended score ('blend') reads C major", async () => {
    const f = minorRiffOverFifths();
    // the profile key finder's options, so the learned key net (TonalOptions.keyNet, knet22) off; with it on (shipped) the riff reads its truth, C minor
    const key = async (modeFrom: 'blend' | 'profile') => ((await analyzeFile(f, [new TonalAnalyser({ modeFrom, keyNet: false })])).results.tonal as TonalResult).key;
    const blend = await key('blend');
    const profile = await key('profile');
    assert.equal(blend.key, 'C major', 'the failure modeFrom profile addresses');
    assert.equal(profile.key, 'C minor');
    assert.deepEqual(profile.strengths, blend.strengths, 'the scores are the same; only the mode of their tonic is chosen otherwise');
  });
  it("chromaFrom 'nnls-blend' (session 11, off): the same riff reads C minor — the transcription gives the riff's 5th partials (the major third) back to their notes", async () => {
    const f = minorRiffOverFifths();
    const key = async (chromaFrom: 'fold' | 'nnls-blend') => ((await analyzeFile(f, [new TonalAnalyser({ chromaFrom, keyNet: false })])).results.tonal as TonalResult).key;
    assert.equal((await key('fold')).key, 'C major');
    assert.equal((await key('nnls-blend')).key, 'C minor');
    // knet22: the shipped analyser (the key net on) reads the riff's truth
    assert.equal(((await analyzeFile(f, [new TonalAnalyser()])).results.tonal as TonalResult).key.key, 'C minor');
  });
  it("'profile' keeps the blend's tonic: a relative key the chords decide is not undone, and without chord scores nothing changes", () => {
    // the lullaby chroma of the test above (A minor by the profile alone) over C major chords: C major either way
    const mean = [0.9, 0, 0.5, 0, 1, 0.4, 0, 0.5, 0.05, 0.9, 0, 0.8];
    const cs = chordKeyScores(seq(0, 21, 5, 7));
    assert.equal(keyFromChroma(mean, 'temperley', undefined, 0, cs, 2, undefined, undefined, 0, 'profile').key, 'C major');
    // a C minor scale's chroma (E♭ strong, no E) over C major triads: the blend says C major, the profile the mode
    const cMinor = [1, 0, 0.5, 0.8, 0, 0.5, 0, 0.9, 0.4, 0, 0.5, 0.1];
    const major = chordKeyScores(seq(0, 0, 7, 0));
    assert.equal(keyFromChroma(cMinor, 'temperley', undefined, 0, major, 2).key, 'C major');
    assert.equal(keyFromChroma(cMinor, 'temperley', undefined, 0, major, 2, undefined, undefined, 0, 'profile').key, 'C minor');
    // no chord scores: the profile alone decides, modeFrom or not
    assert.equal(keyFromChroma(cMinor, 'temperley', undefined, 0, undefined, 0, undefined, undefined, 0, 'profile').key, keyFromChroma(cMinor, 'temperley').key);
  });
});

describe('tonic cue (key14: phraseEndChroma, KeyOptions.tonicWeight and dorianRatio, off by default)', () => {
  // frames × 12 chroma from per-frame pitch-class lists; energy per frame
  const frames = (pcs: number[][]) => { const c = new Float32Array(pcs.length * 12); pcs.forEach((p, f) => p.forEach((i) => (c[f * 12 + i] = 1))); return c; };
  it('phraseEndChroma weighs the frames the energy falls after: a phrase ending on D (before silence) gives D the largest share', () => {
    // C-major material throughout; each phrase ends on a held D (3 frames, ~0.56 s), then 3 silent frames. The weight
    // falls on the frames whose next 3 reach the silence: the held D's
    const pcs: number[][] = [];
    const energy: number[] = [];
    for (let k = 0; k < 6; k++) {
      for (const p of [[0, 4, 7], [5, 9, 0], [7, 11, 2], [0, 4, 7], [2], [2], [2]]) (pcs.push(p), energy.push(1));
      for (let j = 0; j < 3; j++) (pcs.push([]), energy.push(1e-6));
    }
    const c = frames(pcs);
    const active = energy.map((e) => e > 1e-4);
    const cue = phraseEndChroma(c, pcs.length, active, energy);
    assert.ok(Math.abs(cue.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    const top = cue.indexOf(Math.max(...cue));
    assert.equal(top, 2, `cue ${cue.map((v) => v.toFixed(2))}`);
    assert.ok(cue[2] > 0.99 && cue[0] === 0, `cue ${cue.map((v) => v.toFixed(2))}`);
    // no fall anywhere: 1/12 each
    assert.deepEqual(phraseEndChroma(c, pcs.length, active, energy.map(() => 1)), new Array(12).fill(1 / 12));
  });
  it('dorianRatio: a C major reading becomes D minor only when the cue at D is ≥ ratio × at C; off (0) by default', () => {
    const mean = [1, 0, 0.9, 0, 0.6, 0.8, 0, 0.7, 0, 0.6, 0, 0.3]; // D Dorian's notes (C major's scale), C strong
    const base = keyFromChroma(mean, 'temperley');
    assert.equal(base.key, 'C major');
    const cue = new Array(12).fill(0.05);
    cue[2] = 0.3;
    cue[0] = 0.1;
    const args = [mean, 'temperley', undefined, 0, undefined, 0, undefined, undefined, 0, 'blend', cue] as const;
    assert.equal(keyFromChroma(...args, 0, 0).key, 'C major');
    const d = keyFromChroma(...args, 0, 1.5);
    assert.equal(d.key, 'D minor');
    assert.equal(d.evidence!.margin, 0);
    assert.equal(keyFromChroma(...args, 0, 4).key, 'C major'); // 0.3 < 4 × 0.1
    // estimateKey passes texture.tonic and the options through; without the options nothing moves
    const ch = new Float32Array(12 * 4);
    for (let f = 0; f < 4; f++) mean.forEach((v, i) => (ch[f * 12 + i] = v));
    const act = [true, true, true, true];
    assert.equal(estimateKey(ch, 4, act, 'temperley', 0, undefined, {}, undefined, { tonic: cue }).key, 'C major');
    assert.equal(estimateKey(ch, 4, act, 'temperley', 0, undefined, { dorianRatio: 1.5 }, undefined, { tonic: cue }).key, 'D minor');
  });
  it('tonicWeight adds weight × the cue at each key\'s tonic: a relative-key tie goes to the tonic the phrases end on', () => {
    const mean = [1, 0, 0.6, 0, 0.8, 0.5, 0, 0.9, 0, 0.9, 0, 0.4];
    const cue = new Array(12).fill(0);
    const base = keyFromChroma(mean, 'temperley');
    const other = base.key === 'C major' ? 9 : 0;
    cue[other] = 1;
    const moved = keyFromChroma(mean, 'temperley', undefined, 0, undefined, 0, undefined, undefined, 0, 'blend', cue, 1);
    assert.equal(moved.tonic, other);
    assert.equal(keyFromChroma(mean, 'temperley', undefined, 0, undefined, 0, undefined, undefined, 0, 'blend', cue, 0).key, base.key);
  });
});

/**
 * key37: a piano I – IV – V – I in C major (block chords C4 E4 G4, C4 F4 A4, B3 D4 G4 on every beat, velocity 90)
 * over an acoustic bass on the roots at velocity 127 (C2, F2, G2), 8 bars at 96 BPM, rendered by fluidsynth with
 * FluidR3_GM — a DJ tester's report (session 36). `eVel`: E4's velocity (43 puts it 17 dB under C4 by RMS in
 * FluidR3's piano, as reported; 0 leaves it out); `bassVel` 0 leaves the bass out.
 */
function weakThird(eVel: number, bassVel: number): string {
  const notes: SmfNote[] = [];
  const chords = [[36, [60, 64, 67]], [41, [60, 65, 69]], [43, [59, 62, 67]], [36, [60, 64, 67]]] as const;
  for (let bar = 0; bar < 8; bar++) {
    const [root, upper] = chords[bar % 4];
    for (let b = 0; b < 4; b++) for (const n of upper) if (!(n === 64 && eVel === 0)) notes.push({ beat: bar * 4 + b, len: 0.95, ch: 0, note: n, vel: n === 64 ? eVel : 90 });
    if (bassVel) for (const b of [0, 2]) notes.push({ beat: bar * 4 + b, len: 1.9, ch: 1, note: root, vel: bassVel });
  }
  return renderSong(`key37-weak-third-e${eVel}-b${bassVel}.wav`, { bpm: 96, notes, programs: { 0: 0, 1: 32 }, key: { sf: 0, minor: false } });
}

describe('weak thirds: the mean chroma under a loud bass (key37, TonalOptions.peakLog 30 — tried, off by default)', () => {
  // the shipped analyser (peakLog 0) reads E 0.03, 0.00 and 0.00 / 0.00 in the three cases below: a loud bass's root
  // sets each frame's floor (0.2 of the strongest pitch class, −14 dB), and a third 17 dB down is under it even alone.
  // peakLog did not ship: on dev2 and eval dev the key confidence's ECE rose by more than 0.01 and more drums and drones
  // were stated sure (BENCHMARKS.md "Key: weak thirds (key37)"); these cases pin what the option does.
  const key = async (f: string, peakLog: number) => ((await analyzeFile(f, [new TonalAnalyser({ peakLog })])).results.tonal as TonalResult).key;
  const E = 4;
  it('off by default', () => {
    assert.equal(TONAL_DEFAULTS.peakLog, 0);
  });
  it('E4 at full velocity under the bass: E counts in the mean chroma and C major is stated sure (off: E 0.03, confidence 0.07)', async () => {
    const f = weakThird(90, 127);
    const off = await key(f, 0);
    assert.ok(off.chroma[E] < 0.05, `off: E ${off.chroma[E]}`);
    const k = await key(f, 30);
    assert.equal(k.key, 'C major');
    assert.ok(k.chroma[E] >= 0.2, `E ${k.chroma[E]} (${k.chroma})`);
    assert.ok(k.confidence >= 0.5, `confidence ${k.confidence}`);
  });
  it('E4 17 dB under C4 with no bass: E counts (off: 0.00, confidence 0.20)', async () => {
    const k = await key(weakThird(43, 0), 30);
    assert.equal(k.key, 'C major');
    assert.ok(k.chroma[E] >= 0.2, `E ${k.chroma[E]} (${k.chroma})`);
    assert.ok(k.confidence >= 0.5, `confidence ${k.confidence}`);
  });
  it('the reported case, E4 17 dB down under the bass: E reads above the same piece with no E4 at all (off: 0.00 for both), and the confidence rises over 0.3 (off: 0.03)', async () => {
    const played = await key(weakThird(43, 127), 30);
    const none = await key(weakThird(0, 127), 30);
    assert.equal(played.key, 'C major');
    assert.ok(played.chroma[E] > none.chroma[E] + 0.02, `E played ${played.chroma[E]}, not played ${none.chroma[E]}`);
    // the off-scale pitch classes stay under what the E4 played gives (no note of theirs is played: partials and leakage)
    for (const pc of [1, 3, 8, 10]) assert.ok(played.chroma[pc] < played.chroma[E], `pitch class ${pc}: ${played.chroma[pc]} ≥ E ${played.chroma[E]}`);
    assert.ok(played.confidence > 0.3, `confidence ${played.confidence}`);
  });
});
