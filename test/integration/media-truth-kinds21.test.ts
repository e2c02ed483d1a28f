// Issue 10 kind 4, a fresh tester's leftovers (tester11b, session 8): short and odd inputs stated a tempo or a key
// with a confidence they had not earned. The confidence map (main/engine/analysis/confidence.ts) was fitted on 30 s
// files only; now it also sees how much was analysed (KeyEvidence/TempoEvidence.brief: halvings under 30 s;
// TempoEvidence.fewBeats: the tracked beats), counts cadences instead of a per-minute rate that one cadence in a 3 s
// clip saturated, is refitted on excerpts of the dev-side sets and on non-music recordings (tools/eval/calibrate.ts
// --excerpts, tools/eval/nonmusic-set.ts), and is multiplied by the share of the track at the stated tempo
// (TempoEvidence.hold). Each test failed before, with the value named:
// 1. 3–4 s clips of a C major piece holding a secondary dominant (D → G) or C → F: "Key: G major" at 0.87–0.93,
//    "Key: F major" at 0.86–0.89 (one V → I in 3 s was a saturated 20 cadences a minute);
// 2. 8–12 s of speech (ffmpeg's flite voices awb, rms): "Tempo: 115 BPM." at 0.56, "Tempo: 111 BPM." at 0.52–0.61;
// 3. DJ-style tempo ramps 122 → 132 BPM (two holds and a ramp): "Tempo: 131 BPM." at 0.87 where 131 is right for 65 %
//    of the track, "Tempo: 123 BPM." at 0.88 where 123 is right for 52 %;
// 4. a GM percussion ensemble (congas, bongo, shaker 16ths, cowbell, claves) at 96 BPM: "Tempo: 192 BPM." at 0.82.
// Inputs are made at test time: fluidsynth (FluidR3_GM) renders of MIDI written here, ffmpeg's flite source, numpy.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyzeTrack, type TrackAnalysis } from '../../main/engine/analysis/index';
import { MIN_CONFIDENCE } from '../../main/contract/methods';
import { numpyWav, OUTPUT } from '../helpers/media';
import { renderSong, type SmfNote } from '../helpers/smf';

const DIR = join(OUTPUT, 'media-truth-kinds21');
const ffmpeg = (a: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...a]);
/** `src` from `ss` for `t` seconds, as a WAV (cached by name) */
function clip(src: string, ss: number, t: number, name: string): string {
  const p = join(DIR, name);
  if (!existsSync(p)) ffmpeg(['-ss', ss.toFixed(2), '-t', String(t), '-i', src, p]);
  return p;
}
const show = (r: TrackAnalysis) => `tempo ${r.tempo.bpm} at ${r.tempo.confidence}, key ${r.tonal.key.key} at ${r.tonal.key.confidence}: "${r.features}"`;

before(() => mkdirSync(DIR, { recursive: true }));

describe('issue 10 kind 4 (tester11b leftovers): short and odd inputs', () => {
  test('3–4 s clips of a C major piece state no other key (was "Key: G major" at 0.87–0.93 on a D → G clip, "Key: F major" at 0.86–0.89 on C → F)', async () => {
    // C major, 100 BPM: I vi II V | I IV V I (II = D major, the dominant's dominant), block chords, bass roots, a flute on chord tones
    const prog = [[0, 4, 7], [9, 12, 16], [2, 6, 9], [7, 11, 14], [0, 4, 7], [5, 9, 12], [7, 11, 14], [0, 4, 7]];
    const notes: SmfNote[] = [];
    for (let bar = 0; bar < 16; bar++) {
      const c = prog[bar % 8]!;
      for (let b = 0; b < 4; b++) for (const n of c) notes.push({ beat: bar * 4 + b, len: 0.9, ch: 0, note: 60 + n, vel: 62 });
      notes.push({ beat: bar * 4, len: 3.8, ch: 1, note: 36 + (c[0]! % 12), vel: 85 });
      for (let b = 0; b < 4; b++) notes.push({ beat: bar * 4 + b, len: 0.9, ch: 2, note: 72 + c[(bar + b) % 3]!, vel: 78 });
    }
    const src = renderSong('k21-cmajor.wav', { bpm: 100, notes, programs: { 0: 0, 1: 32, 2: 73 } });
    const whole = await analyzeTrack(src);
    assert.match(whole.features, /Key: C major\./, `the whole piece keeps its key: ${show(whole)}`);
    const wrong: string[] = [];
    for (const [ss, t] of [[6, 3], [6, 3.5], [6, 4], [25.2, 3.5], [25.2, 4], [10.8, 3], [10.8, 3.5], [10.8, 4]] as const) {
      const r = await analyzeTrack(clip(src, ss, t, `cmajor-${ss}-${t}.wav`));
      if (r.tonal.key.key !== 'C major' && r.tonal.key.confidence >= MIN_CONFIDENCE) wrong.push(`${ss}+${t} s: ${show(r)}`);
      if (r.tonal.key.key !== 'C major') assert.doesNotMatch(r.features, /Key:/, `${ss}+${t} s: ${show(r)}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('8–12 s of speech, rain and a field recording state no tempo (speech was "Tempo: 115 BPM." at 0.56, "Tempo: 111 BPM." at 0.52–0.61)', async () => {
    const text = 'Welcome back to the show. Today we are talking about the history of the river town, how the mills came, and why the old bridge was built where it stands now. Our guest has spent twenty years in the archives.';
    const inputs: string[] = [];
    for (const v of ['awb', 'rms', 'kal']) {
      const p = join(DIR, `speech-${v}.wav`);
      if (!existsSync(p)) ffmpeg(['-f', 'lavfi', '-i', `flite=text='${text}':voice=${v}`, '-ar', '44100', p]);
      for (const t of [8, 10, 12]) inputs.push(clip(p, 0.5, t, `speech-${v}-${t}.wav`));
    }
    const rain = numpyWav('k21-rain.wav', `r = np.random.default_rng(3)
n = int(30 * sr); y = np.cumsum(r.normal(0, 1, n)); y -= np.convolve(y, np.ones(200) / 200, 'same'); y *= 0.02
for t in r.uniform(0, 29.9, 1200):
    k = int(t * sr); m = int(0.01 * sr); y[k:k + m] += r.normal(0, 1, m) * np.exp(-np.arange(m) / (0.002 * sr)) * r.uniform(0.05, 0.4)`, {});
    const field = numpyWav('k21-field.wav', `r = np.random.default_rng(5)
n = int(30 * sr); y = np.convolve(r.normal(0, 1, n), np.ones(15) / 15, 'same') * 0.05
for t in r.uniform(0, 29, 45):
    k = int(t * sr); m = int(r.uniform(0.05, 0.3) * sr); tt = np.arange(m) / sr
    f = r.uniform(2500, 5000) + r.uniform(-1500, 1500) * tt / tt[-1]
    y[k:k + m] += 0.3 * np.sin(2 * np.pi * np.cumsum(f) / sr) * np.hanning(m)`, {});
    for (const [n, p] of [['rain', rain], ['field', field]] as const) for (const t of [8, 12]) inputs.push(clip(p, 9, t, `${n}-${t}.wav`));
    const told: string[] = [];
    for (const p of inputs) {
      const r = await analyzeTrack(p);
      if (/Tempo/.test(r.features) || r.tempo.confidence >= MIN_CONFIDENCE) told.push(`${p.split('/').pop()}: ${show(r)}`);
    }
    assert.deepEqual(told, []);
  });

  test('a tempo ramp 122 → 132 BPM: the one tempo stated is no surer than the share of the track it is right for (was 0.87 for 131 right on 65 %, 0.88 for 123 right on 52 %)', async () => {
    /** a four-on-the-floor groove at `a` for h1 s, a linear ramp to `b` over r s, `b` for h2 s (MIDI at 60 BPM: beats are seconds) */
    const dj = (a: number, b: number, h1: number, r: number, h2: number): SmfNote[] => {
      const n: SmfNote[] = [];
      for (let t = 0, i = 0; t < h1 + r + h2; i++) {
        const bpm = t < h1 ? a : t < h1 + r ? a + ((b - a) * (t - h1)) / r : b;
        n.push({ beat: t, len: 0.1, ch: 9, note: 36, vel: 110 }, { beat: t + 30 / bpm, len: 0.1, ch: 9, note: 42, vel: 80 }, { beat: t + 30 / bpm, len: 0.2, ch: 1, note: 36 + [0, 0, 3, 5][i % 4]!, vel: 90 });
        if (i % 2) n.push({ beat: t, len: 0.1, ch: 9, note: 39, vel: 90 });
        t += 60 / bpm;
      }
      return n;
    };
    for (const [h1, ramp, h2] of [[30, 30, 60], [45, 20, 45]] as const) {
      const r = await analyzeTrack(renderSong(`k21-dj-${h1}-${ramp}-${h2}.wav`, { bpm: 60, notes: dj(122, 132, h1, ramp, h2), programs: { 1: 38 } }));
      if (r.tempo.variable?.length) continue; // the change stated: right
      if (r.tempo.bpm === null) continue;
      // the seconds whose true tempo the stated one is within 4 % of (Acc1), in 0.1 s steps
      const T = h1 + ramp + h2;
      let ok = 0;
      for (let t = 0; t < T; t += 0.1) {
        const truth = t < h1 ? 122 : t < h1 + ramp ? 122 + (10 * (t - h1)) / ramp : 132;
        if (Math.abs(r.tempo.bpm - truth) <= 0.04 * truth) ok += 0.1;
      }
      const share = ok / T;
      assert.ok(share < 0.9, `the input ramps: ${share}`);
      assert.ok(r.tempo.confidence <= share + 0.05, `${h1}/${ramp}/${h2}: right for ${(share * 100).toFixed(0)} % of the track, ${show(r)}`);
    }
  });

  test('a percussion ensemble at 96 BPM: a tempo at another metrical level is not stated (was "Tempo: 192 BPM." at 0.82)', async () => {
    const pe: SmfNote[] = [];
    for (let b = 0; b < 96; b++) {
      for (let s = 0; s < 4; s++) pe.push({ beat: b + s / 4, len: 0.1, ch: 9, note: 82, vel: s === 0 ? 90 : 55 }); // shaker 16ths
      pe.push({ beat: b, len: 0.2, ch: 9, note: b % 2 ? 63 : 64, vel: 100 }, { beat: b + 0.5, len: 0.2, ch: 9, note: 62, vel: 70 }); // congas
      if (b % 2 === 0) pe.push({ beat: b + 0.75, len: 0.1, ch: 9, note: 60, vel: 80 }); // bongo
      if (b % 4 === 0) pe.push({ beat: b, len: 0.1, ch: 9, note: 56, vel: 85 }); // cowbell
      if (b % 4 !== 1) pe.push({ beat: b + (b % 4 === 2 ? 0.5 : 0), len: 0.1, ch: 9, note: 75, vel: 80 }); // claves
    }
    const src = renderSong('k21-perc96.wav', { bpm: 96, notes: pe });
    for (const p of [src, clip(src, 10, 12, 'perc96-12.wav')]) {
      const r = await analyzeTrack(p);
      const right = r.tempo.bpm !== null && Math.abs(r.tempo.bpm - 96) <= 0.04 * 96;
      if (!right) assert.ok(r.tempo.confidence < MIN_CONFIDENCE && !/Tempo/.test(r.features), `${p.split('/').pop()}: ${show(r)}`);
    }
  });
});
