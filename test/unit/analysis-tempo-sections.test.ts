// Issue 10 kind 4, tempo sections: a track whose tempo changes more than once (90 → 130 → 90,
// 100 → 140 → 100 → 140) or gradually (an accelerando 80 → 140, a ritardando 140 → 80) is
// flagged with its sections (TempoResult.variable; a ramp is one section with endBpm) and the
// features line states the change ("Tempo: changes from 90 to 130 to 90 BPM.", "Tempo: speeds up
// from 80 to 140 BPM."); a long steady track is not flagged. The words every surface uses
// (contract/tempo-sections.ts) and the export's CSV column. Inputs: numpy drum renders with known
// changes (test/helpers/tempo-render.ts), made at test time.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { clockTime, foldBpm, foldCurve, foldSections, tempoChangeSentence, trackTempoFactor, tempoSectionsText, tempoSpanText, type TempoSection } from '@contract';
import { analyzeTrack } from '../../main/engine/analysis/index';
import { featuresText } from '../../main/engine/analysis/text';
import { toCsv, type ExportRow } from '../../main/engine/library/service';
import { tempoRender } from '../helpers/tempo-render';

const near = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

describe('tempo sections: several changes and gradual changes (issue 10 kind 4)', () => {
  let twice = '';
  let thrice = '';
  let accel = '';
  let rit = '';
  let steady = '';
  before(() => {
    twice = tempoRender('ts-90-130-90.wav', [[90, 90, 30], [130, 130, 30], [90, 90, 30]]);
    thrice = tempoRender('ts-100-140-100-140.wav', [[100, 100, 25], [140, 140, 25], [100, 100, 25], [140, 140, 25]]);
    accel = tempoRender('ts-accel-80-140.wav', [[80, 140, 60]]);
    rit = tempoRender('ts-rit-140-80.wav', [[140, 80, 60]]);
    steady = tempoRender('ts-steady-120-90s.wav', [[120, 120, 90]]);
  });

  it('30 s at 90, 30 s at 130, 30 s at 90: three sections, cuts near 30 and 60 s, the change in the features line', async () => {
    const r = await analyzeTrack(twice);
    const v = r.tempo.variable;
    assert.ok(v && v.length === 3, `${JSON.stringify(v)} (bpm ${r.tempo.bpm})`);
    assert.ok(near(v[0].bpm, 90, 2) && near(v[1].bpm, 130, 3) && near(v[2].bpm, 90, 2), JSON.stringify(v));
    assert.ok(near(v[0].end, 30, 4) && near(v[1].end, 60, 4) && v[0].end === v[1].start && v[1].end === v[2].start && v[0].start === 0 && v[2].end > 89, JSON.stringify(v));
    assert.ok(v.every((s) => s.endBpm === undefined), JSON.stringify(v));
    assert.ok(r.features.startsWith(`Tempo: changes from ${v[0].bpm} to ${v[1].bpm} to ${v[2].bpm} BPM. `), r.features);
  });

  it('four 25 s sections, 100 / 140 / 100 / 140: four sections', async () => {
    const r = await analyzeTrack(thrice);
    const v = r.tempo.variable;
    assert.ok(v && v.length === 4, `${JSON.stringify(v)} (bpm ${r.tempo.bpm})`);
    v.forEach((s, i) => assert.ok(near(s.bpm, i % 2 ? 140 : 100, 3) && near(s.end, 25 * (i + 1), 4), JSON.stringify(v)));
  });

  it('an accelerando 80 → 140 BPM over 60 s: one gradual section from about 80 to about 140, "speeds up" in the features line', async () => {
    const r = await analyzeTrack(accel);
    const v = r.tempo.variable;
    assert.ok(v && v.length === 1 && v[0].endBpm !== undefined, `${JSON.stringify(v)} (bpm ${r.tempo.bpm})`);
    assert.ok(near(v[0].bpm, 80, 6) && near(v[0].endBpm!, 140, 8) && v[0].start === 0 && v[0].end > 59, JSON.stringify(v));
    assert.ok(r.features.startsWith(`Tempo: speeds up from ${v[0].bpm} to ${v[0].endBpm} BPM. `), r.features);
    // the whole-track estimate stays stored as it was (a single number that fits no part of the track)
    assert.equal(typeof r.tempo.bpm, 'number');
  });

  it('a ritardando 140 → 80 BPM over 60 s: "slows down"', async () => {
    const r = await analyzeTrack(rit);
    const v = r.tempo.variable;
    assert.ok(v && v.length === 1 && v[0].endBpm !== undefined, `${JSON.stringify(v)} (bpm ${r.tempo.bpm})`);
    assert.ok(near(v[0].bpm, 140, 8) && near(v[0].endBpm!, 80, 6), JSON.stringify(v));
    assert.ok(r.features.startsWith(`Tempo: slows down from ${v[0].bpm} to ${v[0].endBpm} BPM. `), r.features);
  });

  it('90 s steady at 120 BPM: not flagged, "Tempo: 120 BPM."', async () => {
    const r = await analyzeTrack(steady);
    assert.equal(r.tempo.variable, undefined, JSON.stringify(r.tempo.variable));
    assert.match(r.features, /^Tempo: 120 BPM\./, r.features);
  });
});

describe('tempo sections in words (contract/tempo-sections.ts) and in the CSV export', () => {
  const steps: TempoSection[] = [{ start: 0, end: 62.4, bpm: 90 }, { start: 62.4, end: 125, bpm: 120 }, { start: 125, end: 3725, bpm: 90 }];
  const ramp: TempoSection[] = [{ start: 0, end: 60, bpm: 80, endBpm: 140 }];

  it('clock times, span, sections, the features sentence', () => {
    assert.deepEqual([clockTime(0), clockTime(62.4), clockTime(59.999), clockTime(3725)], ['0:00', '1:02', '0:59', '1:02:05']);
    assert.equal(tempoSpanText(steps), 'variable 90–120 BPM');
    assert.equal(tempoSpanText(ramp), 'variable 80–140 BPM');
    assert.equal(tempoSectionsText(steps), '0:00–1:02 90 BPM, 1:02–2:05 120 BPM, 2:05–1:02:05 90 BPM');
    assert.equal(tempoSectionsText(ramp), '0:00–1:00 80 → 140 BPM');
    assert.equal(tempoChangeSentence(steps), 'Tempo: changes from 90 to 120 to 90 BPM.');
    assert.equal(tempoChangeSentence(ramp), 'Tempo: speeds up from 80 to 140 BPM.');
    assert.equal(tempoChangeSentence([{ start: 0, end: 60, bpm: 140, endBpm: 80 }]), 'Tempo: slows down from 140 to 80 BPM.');
    assert.equal(featuresText({ tempo: { bpm: 99.4, confidence: 0.05, variable: ramp } }), 'Tempo: speeds up from 80 to 140 BPM.');
  });

  it('folded into a BPM range by one factor, so a speed-up still reads as one (tester24)', () => {
    // folded section by section, 90 → 120 → 90 in 100–200 read 180 → 120 → 180 (a slow-down and back) and the ramp
    // 80 → 140 read 160 → 140 ("slows down"): the sections keep their ratios, at the level of most of the track
    assert.deepEqual(foldSections(steps, { min: 100, max: 200 }).map((s) => s.bpm), [180, 240, 180]);
    assert.deepEqual(foldSections(ramp, { min: 100, max: 200 }), [{ start: 0, end: 60, bpm: 80, endBpm: 140 }]);
    assert.equal(tempoChangeSentence(foldSections(ramp, { min: 100, max: 200 })), 'Tempo: speeds up from 80 to 140 BPM.');
    assert.deepEqual(foldSections(steps, null), steps);
    // a real 90 → 129 → 90 BPM track (44 s, 48 s, 46 s) in 60–120: 129 stays above 90, not 65 between two 90s
    const real: TempoSection[] = [{ start: 0, end: 44, bpm: 90 }, { start: 44, end: 91.9, bpm: 129 }, { start: 91.9, end: 138.3, bpm: 90 }];
    assert.deepEqual(foldSections(real, { min: 60, max: 120 }).map((s) => s.bpm), [90, 129, 90]);
    assert.deepEqual(foldSections(real, { min: 100, max: 200 }).map((s) => s.bpm), [180, 258, 180]);
    // a beatless intro read at 117 before the 129 BPM body (117 s of the 157): the body's level, 64.5 in 60–120
    assert.deepEqual(foldSections([{ start: 0, end: 40, bpm: 117 }, { start: 40, end: 157, bpm: 129 }], { min: 60, max: 120 }).map((s) => s.bpm), [59, 65]);
    // with the track's stored bpm (90, the level of the 90 sections) the same: 90 → 129 → 90 in 60–120
    assert.deepEqual(foldSections(real, { min: 60, max: 120 }, 90).map((s) => s.bpm), [90, 129, 90]);
    // and with the whole-track estimate this track really gets, 177.1 (the 90 sections' double): the sections at the
    // column's level — column 88.6 and 90 → 129 → 90 in 60–120, column 177.1 and 180 → 258 → 180 in 100–200
    assert.equal(foldBpm(177.1, { min: 60, max: 120 }), 88.6);
    assert.deepEqual(foldSections(real, { min: 60, max: 120 }, 177.1).map((s) => s.bpm), [90, 129, 90]);
    assert.deepEqual(foldSections(real, { min: 100, max: 200 }, 177.1).map((s) => s.bpm), [180, 258, 180]);
  });

  it('one factor per track: the BPM column, the tempo curve and the sections fold by the stored bpm\'s (reviewer of tester24)', () => {
    // a 98 BPM track at 96 BPM for 60 s then 104 for 140 s, in 100–200: the column reads 196 and the curve 192 → 208;
    // the sections' own median (104) needs no doubling, and they read "96 → 104" beside them — they must read 192 → 208
    const range = { min: 100, max: 200 };
    const secs: TempoSection[] = [{ start: 0, end: 60, bpm: 96 }, { start: 60, end: 200, bpm: 104 }];
    const curve = [{ t: 10, bpm: 96 }, { t: 100, bpm: 104 }];
    assert.equal(foldBpm(98, range), 196);
    assert.equal(trackTempoFactor(98, range, { sections: secs, curve }), 2);
    assert.deepEqual(foldCurve(curve, 98, range, secs).map((p) => p.bpm), [192, 208]);
    assert.deepEqual(foldSections(secs, range, 98).map((s) => s.bpm), [192, 208]);
    // only a track without a stored bpm falls back to the sections' time-weighted median — for the curve too
    assert.equal(trackTempoFactor(null, range, { sections: secs, curve: [{ bpm: 60 }] }), 1);
    assert.deepEqual(foldCurve(curve, null, range, secs).map((p) => p.bpm), [96, 104]);
    assert.deepEqual(foldSections(secs, range, null).map((s) => s.bpm), [96, 104]);
    assert.equal(trackTempoFactor(98, null, { sections: secs }), 1);
  });

  it('the CSV export has a tempoSections column after bpmConfidence: the sections in words, empty for a steady track', () => {
    const base = { path: '/m/a.wav', fileName: 'a.wav', status: 'analysed', bpm: 99.4, bpmConfidence: 0.05, analysedAt: null, warnings: [], aliases: [] } as unknown as ExportRow;
    const csv = toCsv([{ ...base, tempoSections: ramp }, { ...base, path: '/m/b.wav', tempoSections: null }]);
    const [head, a, b] = csv.replace(/^\ufeff/, '').split('\r\n').map((l) => l.split(','));
    const col = head.indexOf('tempoSections');
    assert.equal(head[col - 1], 'bpmConfidence');
    assert.equal(a[col], '0:00–1:00 80 → 140 BPM');
    assert.equal(b[col], '');
  });
});
