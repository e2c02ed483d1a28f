// Harmonic-aware chroma (issue 11, session 10): the tonal analyser's approximate note transcription
// (nnls-chroma.ts, TonalOptions.chromaFrom 'nnls'). Tones synthesised by numpy with strong 3rd and 5th
// partials (a bright timbre's, as TimGM6mb's casio patches: B's 5th partial sounds D#), decoded by
// ffmpeg through the real analyser: the note's own pitch class must carry the chroma, not its fifth or
// its third, where the folded chroma of every peak lets those partials vote.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFile } from '../../main/engine/analysis/run';
import { BIN_HI, BIN_LO, NnlsScratch, NoteDictionary, addToSemitones, nnlsChroma } from '../../main/engine/analysis/nnls-chroma';
import { estimateKey, frameTriads, TonalAnalyser, TONAL_DEFAULTS, type TonalResult } from '../../main/engine/analysis/tonal';
import { numpyWav } from '../helpers/media';

const NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/** `notes` (MIDI) played one after another, `sec` each, every partial h at amplitude `amps[h−1]`, with a decay. */
function bright(name: string, notes: number[], amps: number[], sec = 2): string {
  return numpyWav(
    name,
    `notes, amps, sec = arg['notes'], arg['amps'], arg['sec']
t = np.arange(int(sr * sec)) / sr
env = np.exp(-t * 0.8) * np.minimum(1, t / 0.01)
y = np.concatenate([env * sum(a * np.sin(2 * np.pi * 440 * 2 ** ((n - 69) / 12) * h * t + h) for h, a in enumerate(amps, 1)) for n in notes])`,
    { notes, amps, sec },
  );
}

/** partials 1..8: the 3rd (fifth + octave) and 5th (major third + 2 octaves) as loud as the fundamental */
const BRIGHT = [1, 0.5, 1, 0.4, 1, 0.3, 0.2, 0.15];

/** the transcription's dictionary in these tests: partials at 0.8^(h−1), notes up to C6 (a note higher has no 2nd partial in the 2100 Hz band, so any stray peak up there could be one) */
const DICT = { decays: [0.8], lowNote: 24, highNote: 84 };

async function meanChroma(file: string, chromaFrom: 'fold' | 'nnls'): Promise<number[]> {
  const run = await analyzeFile(file, [new TonalAnalyser({ chromaFrom, nnlsDecays: DICT.decays, nnlsLow: DICT.lowNote, nnlsHigh: DICT.highNote })]);
  return (run.results.tonal as TonalResult).key.chroma;
}

describe('NNLS chroma: partials do not vote as pitch classes', () => {
  it('the solver: a dictionary note with its own decaying partials is recovered as that note alone', () => {
    const dict = new NoteDictionary({ decays: [0.7], lowNote: 24, highNote: 96 });
    const y = new Float64Array(61);
    const a = new Float64Array(dict.nn);
    // B2 (MIDI 47) with partials 1..10 at 0.7^(h−1), as peaks on A440
    for (let h = 1, amp = 1; h <= 10; h++, amp *= 0.7) {
      const f = 440 * 2 ** ((47 - 69) / 12) * h;
      if (f < 2100) addToSemitones(y, f, amp, 0);
    }
    dict.solve(y, a, new NnlsScratch(dict.nn));
    const top = a.indexOf(Math.max(...a));
    assert.equal(24 + top, 47);
    const rest = a.reduce((s, v, j) => s + (24 + j === 47 ? 0 : v), 0);
    assert.ok(rest < 0.05 * a[top], `other notes ${rest.toFixed(3)} against B2 ${a[top].toFixed(3)}`);
    assert.ok(BIN_LO === 36);
  });

  it('the solver (session 11: G read along whole rows) gives session 10\'s activations bit for bit, frame after frame with warm starts', () => {
    // random mixtures of 1–6 notes with partials at 0.5–0.9^(h−1), mistuned peaks and noise, in one warm-started run
    let seed = 11;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (const opts of [{ decays: [0.8], lowNote: 24, highNote: 84 }, { decays: [0.6, 0.9], lowNote: 24, highNote: 96 }]) {
      const dict = new NoteDictionary(opts);
      const nb = BIN_HI - BIN_LO + 1;
      const a = new Float64Array(dict.nn);
      const ref = new Float64Array(dict.nn);
      const w = new NnlsScratch(dict.nn);
      const [b, grad, cand] = [new Float64Array(dict.nn), new Float64Array(dict.nn), new Int32Array(dict.nn)];
      let nonzero = 0;
      for (let frame = 0; frame < 300; frame++) {
        const y = new Float64Array(nb);
        const notes = 1 + Math.floor(rnd() * 6);
        for (let n = 0; n < notes; n++) {
          const note = 28 + Math.floor(rnd() * 50);
          const decay = 0.5 + 0.4 * rnd();
          const level = 0.1 + rnd();
          for (let h = 1, amp = level; h <= 12; h++, amp *= decay) {
            const f = 440 * 2 ** ((note - 69) / 12) * h * (1 + 0.004 * (rnd() - 0.5));
            if (f < 2100) addToSemitones(y, f, amp, 0);
          }
        }
        for (let i = 0; i < 10; i++) addToSemitones(y, 65 * 2 ** (5 * rnd()), 0.05 * rnd(), 0);
        dict.solve(y, a, w);
        dict.solveReference(y, ref, b, grad, cand);
        for (let j = 0; j < dict.nn; j++) {
          assert.equal(a[j], ref[j], `frame ${frame}, column ${j}`);
          if (a[j] > 0) nonzero++;
        }
      }
      assert.ok(nonzero > 300, `${nonzero} nonzero activations`);
    }
  });

  it('nnlsChroma on peaks: a G3 with partials as loud as the fundamental reads G, not D or B', () => {
    const freq: number[] = [];
    const mag: number[] = [];
    for (let h = 1; h <= 8; h++) {
      freq.push(440 * 2 ** ((55 - 69) / 12) * h);
      mag.push(BRIGHT[h - 1]);
    }
    const c = nnlsChroma(Float32Array.from(freq), Float32Array.from(mag), [0], 1, freq.length, 0, DICT);
    const g = c[7];
    assert.equal(c.indexOf(Math.max(...c)), 7);
    assert.ok(c[2] < 0.35 * g && c[11] < 0.35 * g, `chroma ${Array.from(c, (v, i) => `${NAMES[i]}:${(v / g).toFixed(2)}`).join(' ')}`);
  });

  for (const [label, notes] of [
    ['B2 and B3', [47, 59]],
    ['E3 and C4', [52, 60]],
  ] as [string, number[]][]) {
    it(`a rendered tone (${label}) with strong 3rd and 5th partials gives its own pitch classes, not their fifth or third`, async () => {
      const file = bright(`nnls-bright-${notes.join('-')}.wav`, notes, BRIGHT);
      const nnls = await meanChroma(file, 'nnls');
      const fold = await meanChroma(file, 'fold');
      const own = new Set(notes.map((n) => n % 12));
      const partialPcs = notes.flatMap((n) => [(n + 7) % 12, (n + 4) % 12]).filter((p) => !own.has(p));
      const show = (c: number[]) => c.map((v, i) => `${NAMES[i]}:${v.toFixed(2)}`).join(' ');
      const total = (c: number[]) => partialPcs.reduce((s, p) => s + c[p], 0);
      // the folded chroma hears the partials as pitch classes (the old behaviour, kept under chromaFrom 'fold')
      assert.ok(Math.max(...partialPcs.map((p) => fold[p])) > 0.4, `fold ${show(fold)}`);
      // the transcription gives them back to their notes: each under 0.35 of the strongest, together under 0.6 of the fold's
      for (const p of partialPcs) assert.ok(nnls[p] < 0.35, `nnls ${NAMES[p]} ${nnls[p]} (fold ${fold[p]}): ${show(nnls)}`);
      assert.ok(total(nnls) < 0.6 * total(fold), `partials' pitch classes: nnls ${show(nnls)}, fold ${show(fold)}`);
      for (const p of own) assert.ok(nnls[p] > 0.75, `nnls ${NAMES[p]}: ${show(nnls)}`);
    });
  }
});

describe("chromaFrom 'nnls-blend': the key's choice from the folded and the transcribed chroma", () => {
  // frames of one triad each (pitch classes at 1, the rest at 0.05): the fold hears C major → G major (a riff whose
  // partials sound the major third), the transcription C minor → G major (its own notes)
  const frames = 40;
  const chromaOf = (triads: number[][]) => {
    const c = new Float32Array(frames * 12).fill(0.05);
    for (let f = 0; f < frames; f++) for (const pc of triads[Math.floor(f / 10) % triads.length]) c[f * 12 + pc] = 1;
    return c;
  };
  const fold = chromaOf([[0, 4, 7], [7, 11, 2]]);
  const nnls = chromaOf([[0, 3, 7], [7, 11, 2]]);
  const active = new Array(frames).fill(true);
  const key = (chroma: Float32Array, beta: number, gamma: number, withNnls: boolean) =>
    estimateKey(chroma, frames, active, TONAL_DEFAULTS.profile, TONAL_DEFAULTS.threshold, undefined, { ...TONAL_DEFAULTS, nnlsChordWeight: TONAL_DEFAULTS.chordWeight, nnlsTriadShare: beta, nnlsProfileShare: gamma }, frameTriads(chroma, frames, active), { nnls: withNnls ? nnls : undefined });

  it('shares 0 are the fold, shares 1 the transcription (strengths equal), and half of each lies between', () => {
    const f = key(fold, 0, 0, false);
    const n = key(nnls, 0, 0, false);
    assert.equal(f.key, 'C major');
    assert.equal(n.key, 'C minor');
    assert.deepEqual(key(fold, 0, 0, true).strengths, f.strengths);
    const all = key(fold, 1, 1, true);
    assert.equal(all.key, 'C minor');
    all.strengths.forEach((v, i) => assert.ok(Math.abs(v - n.strengths[i]) <= 0.0011, `key ${i}: ${v} vs ${n.strengths[i]}`));
    const half = key(fold, 0.5, 0.5, true);
    const cmaj = 0;
    const cmin = 12;
    for (const k of [cmaj, cmin]) assert.ok(half.strengths[k] > Math.min(f.strengths[k], n.strengths[k]) - 1e-3 && half.strengths[k] < Math.max(f.strengths[k], n.strengths[k]) + 1e-3, `key ${k}: ${half.strengths[k]}`);
    // the evidence stays the fold's: the same share of frames with a triad and the same voices
    assert.equal(half.evidence!.harmony, f.evidence!.harmony);
    assert.equal(half.evidence!.voices, f.evidence!.voices);
  });
});
