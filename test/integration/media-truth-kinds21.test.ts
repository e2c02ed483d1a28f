// Issue 10 kind 4, a fresh tester's leftovers (tester11b, session 8): short and odd inputs stated a tempo or a key
// with a confidence they had not earned. Each test failed before, with the value named:
// 1. 3–4 s clips of a C major piece holding a secondary dominant (D → G) or C → F: "Key: G major" at 0.87–0.93,
//    "Key: F major" at 0.86–0.89 — KeyEvidence.cadences was a rate per minute, and one V → I in 3 s made it saturate
//    (20 a minute); now the cadences are counted (÷ 5, which is what the rate's cap meant over the 30 s calibration
//    files, so full-length files keep their confidence). Tonal analyser 10.
// 2. DJ-style tempo ramps 122 → 132 BPM (holds and a ramp): "Tempo: 131 BPM." at 0.87 where 131 is right for 65 % of
//    the track, "Tempo: 123 BPM." at 0.88 where 123 is right for 52 % — now the map's probability is multiplied by the
//    share of the track's 12 s local-tempo windows at the stated tempo (TempoEvidence.hold, 10 % slack). Tempo analyser 13.
// Not fixed here (see the session's note): 8–12 s of speech stated at 0.52–0.61 and a percussion ensemble at 96 read
// 192 at 0.82 — no refit of the tempo map with the length features passed the rule fixed beforehand.
// Inputs are made at test time: fluidsynth (FluidR3_GM) renders of MIDI written here, ffmpeg.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyzeTrack, type TrackAnalysis } from '../../main/engine/analysis/index';
import { MIN_CONFIDENCE } from '@contract';
import { OUTPUT } from '../helpers/media';
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
});
