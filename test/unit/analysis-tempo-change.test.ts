// Issue 10 kind 4: a track whose tempo changes (two long sections at tempi that are not
// metrical relatives) is flagged (TempoResult.variable) and the features line states no
// single tempo (it states the change instead); a steady track, and one that only drops to half time, are not flagged and
// keep their tempo in the line. Inputs: drum patterns synthesised with numpy (a decaying
// sine kick and a noise hi-hat) written as 16-bit WAV, the way the tester's renders were made.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeTrack } from '../../main/engine/analysis/index';
import { metricallyRelated } from '../../main/engine/analysis/tempo';
import { featuresText } from '../../main/engine/analysis/text';
import { numpyWav } from '../helpers/media';

/** sections: [bpm, seconds, 'full' | 'half' (kick every other beat, hi-hat on beats)]… */
function drums(name: string, sections: [number, number, string][]): string {
  return numpyWav(
    name,
    `
rng = np.random.default_rng(7)
parts = []
for bpm, sec, kind in arg:
    n = int(sec * sr); x = np.zeros(n); period = 60.0 / bpm
    t = np.arange(int(0.25 * sr)) / sr
    kick = np.sin(2 * np.pi * 60 * t) * np.exp(-t * 18)
    hat = rng.standard_normal(int(0.05 * sr)) * np.exp(-np.arange(int(0.05 * sr)) / sr * 90) * 0.3
    k = 0
    while k * period < sec:
        i = int(k * period * sr)
        if kind == 'full' or k % 2 == 0:
            seg = kick[: n - i]; x[i : i + len(seg)] += seg
        for off in ((0, 0.5) if kind == 'full' else (0,)):
            j = int((k + off) * period * sr)
            if j < n:
                seg = hat[: n - j]; x[j : j + len(seg)] += seg * (1.0 if off == 0 else 0.6)
        k += 1
    parts.append(x)
y = np.concatenate(parts)
`,
    sections,
  );
}

describe('tempo: a change of tempo (issue 10 kind 4)', () => {
  let change = '';
  let steady = '';
  let halfTime = '';
  before(() => {
    change = drums('tempo-change-90-130.wav', [[90, 30, 'full'], [130, 30, 'full']]);
    steady = drums('tempo-steady-120.wav', [[120, 60, 'full']]);
    halfTime = drums('tempo-halftime-120.wav', [[120, 30, 'full'], [120, 30, 'half']]);
  });

  it('30 s at 90 BPM then 30 s at 130: two sections near 90 and 130, cut near 30 s, and no tempo in the features line', async () => {
    const r = await analyzeTrack(change);
    const v = r.tempo.variable;
    assert.ok(v && v.length === 2, `${JSON.stringify(r.tempo.variable)} (bpm ${r.tempo.bpm})`);
    assert.ok(Math.abs(v[0].bpm - 90) <= 2 && Math.abs(v[1].bpm - 130) <= 3, JSON.stringify(v));
    assert.ok(Math.abs(v[0].end - 30) <= 4 && v[0].end === v[1].start && v[1].end > 59, JSON.stringify(v));
    // the change, not one tempo, in the features line (tempo analyser 10)
    assert.ok(r.features.startsWith(`Tempo: changes from ${v[0].bpm} to ${v[1].bpm} BPM. `), r.features);
    assert.match(r.features, /Loudness/);
  });

  it('60 s steady at 120 BPM: not flagged, its tempo stated', async () => {
    const r = await analyzeTrack(steady);
    assert.equal(r.tempo.variable, undefined, JSON.stringify(r.tempo.variable));
    assert.match(r.features, /^Tempo: 120 BPM\./, r.features);
  });

  it('120 BPM that drops to half time (kick every other beat) for its second half: a metrical relative, not a change', async () => {
    const r = await analyzeTrack(halfTime);
    assert.equal(r.tempo.variable, undefined, JSON.stringify(r.tempo.variable));
  });

  it('metrical relatives: ×2, ×3/2, ×4/3 within 3 % are the same tempo; 90 and 130 are not', () => {
    assert.ok(metricallyRelated(90, 180) && metricallyRelated(90, 135) && metricallyRelated(90, 120) && metricallyRelated(120, 61));
    assert.ok(!metricallyRelated(90, 130) && !metricallyRelated(120, 105) && !metricallyRelated(90, 97));
  });

  it('the features line states the change, not one tempo, for a track flagged as changing, whatever its confidence', () => {
    const tempo = { bpm: 89, confidence: 0.9, variable: [{ start: 0, end: 32, bpm: 90 }, { start: 32, end: 66, bpm: 130 }] };
    assert.equal(featuresText({ tempo, loudness: { integratedLufs: -10 } as never }), 'Tempo: changes from 90 to 130 BPM. Loudness: -10.0 LUFS.');
    assert.equal(featuresText({ tempo: { ...tempo, confidence: 0.1 } }), 'Tempo: changes from 90 to 130 BPM.');
    assert.equal(featuresText({ tempo: { bpm: 89, confidence: 0.9 } }), 'Tempo: 89 BPM.');
  });
});
