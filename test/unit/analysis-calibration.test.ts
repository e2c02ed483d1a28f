// The calibration map of the tempo and key confidence (main/engine/analysis/confidence.ts):
// a probability, bounded, and monotone in every input in the direction its meaning implies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIN_CONFIDENCE } from '@contract';
import { keyNetConfidence } from '../../main/engine/analysis/key-net';
import { calibrate, roundConfidence, KEY_CALIBRATION, KEY_SIGNS, keyConfidence, REPEAT_FLOOR, TEMPO_CALIBRATION, TEMPO_PULSE_CALIBRATION, TEMPO_SIGNS, tempoConfidence, tempoFactor, type CalibrationModel, type KeyEvidence, type TempoEvidence } from '../../main/engine/analysis/confidence';
import { mulberry32 } from '../helpers/prng';


/** plausible ranges of each input (what the analysers produce) */
const TEMPO_RANGE: Record<keyof TempoEvidence, [number, number]> = {
  pulse: [0, 1], repeat: [0, 1], logPulse: [Math.log(0.01), 0], agree: [0, 2], smooth: [0, 1], lock: [-1, 4], octave: [-6, 6], level: [-6, 6], steady: [0, 1], flux: [-1, 5], extreme: [0, 2.6], brief: [0, 4], fewBeats: [0, 4], hold: [0, 1],
};
const KEY_RANGE: Record<keyof KeyEvidence, [number, number]> = { fit: [0, 1], margin: [0, 1], spread: [0, 1], scale: [0, 7], agree: [0, 1], harmony: [0, 1], voices: [0, 3], cadences: [0, 1], brief: [0, 4], pitched: [0, 1] };

function checkModel<K extends string>(name: string, model: CalibrationModel<K>, signs: Record<K, 1 | -1>, range: Record<K, [number, number]>, conf: (x: Record<K, number>) => number): void {
  // every input the model weighs is one the analyser gives, and its weight has its meaning's sign
  model.inputs.forEach((k, i) => {
    assert.ok(k in signs, `${name}: unknown input ${k}`);
    assert.ok(Number.isFinite(model.weights[i]), `${name}: weight of ${k}`);
    assert.ok(model.weights[i] * signs[k] >= 0, `${name}: weight of ${k} (${model.weights[i]}) has the wrong sign`);
  });
  assert.equal(model.weights.length, model.inputs.length);
  assert.ok(Number.isFinite(model.bias));
  const keys = Object.keys(range) as K[];
  const r = mulberry32(7);
  for (let n = 0; n < 300; n++) {
    const x = Object.fromEntries(keys.map((k) => [k, range[k][0] + r() * (range[k][1] - range[k][0])])) as Record<K, number>;
    const p = conf(x);
    assert.ok(p >= 0 && p <= 1, `${name}: ${p} out of [0, 1]`);
    // monotone: moving one input in its sign's direction never lowers the confidence
    for (const k of keys) {
      const [lo, hi] = range[k];
      let last = -1;
      for (let s = 0; s <= 10; s++) {
        const v = signs[k] > 0 ? lo + ((hi - lo) * s) / 10 : hi - ((hi - lo) * s) / 10;
        const q = conf({ ...x, [k]: v });
        assert.ok(q >= last, `${name}: not monotone in ${k} at ${JSON.stringify(x)}`);
        last = q;
      }
    }
  }
  // bounded even far outside the ranges, and for missing or non-finite inputs
  for (const big of [1e6, -1e6, NaN, Infinity, -Infinity]) {
    const p = conf(Object.fromEntries(keys.map((k) => [k, big])) as Record<K, number>);
    assert.ok(p >= 0.001 && p <= 0.999, `${name}: ${p} at ${big}`);
  }
}

describe('calibrated confidence map (confidence.ts)', () => {
  it('the shipped tempo map is a bounded probability, monotone in every input', () => {
    checkModel('tempo', TEMPO_CALIBRATION, TEMPO_SIGNS, TEMPO_RANGE, (x) => tempoConfidence(x));
    // the first stage of a two-stage map (P(a beat at all)) too, and tempoConfidence is the product of the stages
    if (TEMPO_PULSE_CALIBRATION) checkModel('tempo, first stage', TEMPO_PULSE_CALIBRATION, TEMPO_SIGNS, TEMPO_RANGE, (x) => calibrate(TEMPO_PULSE_CALIBRATION!, x));
  });

  it('a two-stage tempo map multiplies P(a beat) by P(right | a beat) and by the hold factor', () => {
    const level: CalibrationModel<keyof TempoEvidence> = { inputs: ['lock'], weights: [1], bias: 0 };
    const pulse: CalibrationModel<keyof TempoEvidence> = { inputs: ['repeat'], weights: [4], bias: -2 };
    const x = { ...Object.fromEntries(Object.keys(TEMPO_RANGE).map((k) => [k, 0])), lock: 1, repeat: 0.25, hold: 1 } as TempoEvidence;
    const one = tempoConfidence(x, level, null);
    assert.equal(one, calibrate(level, x));
    assert.equal(tempoConfidence(x, level, pulse), Math.round(calibrate(level, x) * calibrate(pulse, x) * 1000) / 1000);
    assert.ok(tempoConfidence({ ...x, repeat: 0 }, level, pulse) < tempoConfidence({ ...x, repeat: 0.5 }, level, pulse));
    assert.equal(tempoConfidence({ ...x, hold: 0.45 }, level, null), Math.round(one * 0.5 * 1000) / 1000);
  });

  it('a tempo whose bar does not repeat is scaled down by repeat ÷ REPEAT_FLOOR (conf12: short speech)', () => {
    const level: CalibrationModel<keyof TempoEvidence> = { inputs: ['lock'], weights: [1], bias: 1 };
    const x = { ...Object.fromEntries(Object.keys(TEMPO_RANGE).map((k) => [k, 0])), lock: 1, repeat: 0.5, hold: 1 } as TempoEvidence;
    const full = tempoConfidence(x, level, null);
    assert.equal(full, calibrate(level, x));
    assert.equal(tempoFactor({ ...x, repeat: REPEAT_FLOOR }), 1);
    assert.equal(tempoConfidence({ ...x, repeat: REPEAT_FLOOR / 2 }, level, null), Math.round(full * 0.5 * 1000) / 1000);
    assert.equal(tempoConfidence({ ...x, repeat: 0 }, level, null), 0.001);
    // with hold: both factors
    assert.equal(tempoFactor({ ...x, repeat: REPEAT_FLOOR / 2, hold: 0.45 }), 0.25);
    // flite speech at 8 s (kal: repeat 0.055) falls under MIN_CONFIDENCE from the 0.733 the map gave it
    assert.ok(Math.round(0.733 * tempoFactor({ ...x, repeat: 0.055 }) * 1000) / 1000 < 0.5);
  });

  it('the shipped key map is a bounded probability, monotone in every input', () => {
    checkModel('key', KEY_CALIBRATION, KEY_SIGNS, KEY_RANGE, (x) => keyConfidence(x));
  });

  it('the shipped maps are fitted, not placeholders: they separate weak evidence from strong', () => {
    const lo = Object.fromEntries(Object.entries(TEMPO_RANGE).map(([k, [a, b]]) => [k, TEMPO_SIGNS[k as keyof TempoEvidence] > 0 ? a : b])) as unknown as TempoEvidence;
    const hi = Object.fromEntries(Object.entries(TEMPO_RANGE).map(([k, [a, b]]) => [k, TEMPO_SIGNS[k as keyof TempoEvidence] > 0 ? b : a])) as unknown as TempoEvidence;
    assert.ok(tempoConfidence(lo) < 0.2 && tempoConfidence(hi) > 0.8, `tempo ${tempoConfidence(lo)} … ${tempoConfidence(hi)}`);
    const klo = Object.fromEntries(Object.entries(KEY_RANGE).map(([k, [a]]) => [k, a])) as unknown as KeyEvidence;
    const khi = Object.fromEntries(Object.entries(KEY_RANGE).map(([k, [, b]]) => [k, b])) as unknown as KeyEvidence;
    assert.ok(keyConfidence(klo) < 0.2 && keyConfidence(khi) > 0.8, `key ${keyConfidence(klo)} … ${keyConfidence(khi)}`);
  });

  it('calibrate() is the logistic of the weighted inputs, rounded to 0.001 and kept inside [0.001, 0.999]', () => {
    const m: CalibrationModel<'a' | 'b'> = { inputs: ['a', 'b'], weights: [2, -1], bias: -0.5 };
    assert.equal(calibrate(m, { a: 0.25, b: 0 }), 0.5);
    assert.equal(calibrate(m, { a: 1, b: 0.5 }), Math.round(1000 / (1 + Math.exp(-1))) / 1000);
    assert.equal(calibrate(m, { a: 100, b: 0 }), 0.999);
    assert.equal(calibrate(m, { a: -100, b: 0 }), 0.001);
    assert.equal(calibrate(m, { a: NaN, b: 0 }), calibrate(m, { a: 0, b: 0 }));
  });

  it('a probability under MIN_CONFIDENCE is never stated at or above it (0.4996 is 0.499, shown uncertain); 0.5 itself and 0.5004 stay 0.5', () => {
    // logit(0.4996) = −0.0016: a = (0.5 − 0.0016) / 2 makes s = −0.0016
    const m: CalibrationModel<'a'> = { inputs: ['a'], weights: [2], bias: -0.5 };
    const at = (p: number) => calibrate(m, { a: (0.5 + Math.log(p / (1 - p))) / 2 });
    assert.equal(at(0.4996), 0.499);
    assert.ok(at(0.4996) < MIN_CONFIDENCE);
    assert.equal(roundConfidence(0.49951), 0.499);
    assert.equal(roundConfidence(0.4994), 0.499);
    assert.equal(roundConfidence(0.5), 0.5);
    assert.equal(roundConfidence(0.5004), 0.5);
    assert.equal(roundConfidence(0.2496), 0.25, 'elsewhere rounding is plain');
    // the key net's map rounds the same way
    assert.equal(keyNetConfidence(0.4997, 0.9, { confNet: 1, confShipped: 0, confBias: 0 }), 0.499);
  });
});
