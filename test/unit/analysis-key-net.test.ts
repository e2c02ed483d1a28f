// Issue 11 (knet22, decision22 arm K1): the learned key net's TypeScript forward pass (main/engine/analysis/key-net.ts)
// pinned against the torch code that trains it: test/fixtures/key-net/fixture.json (tools/eval/keynet-fixture.py:
// per-frame inputs as TonalAnalyser has them, pooled as calibrate.ts --frames dumps them, keynet-train.py features() and
// KeyNet.forward, 2-net ensembles of seeded 4-channel nets in both arms, seq tk 3 and bag tk 1).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { keyNetConfidence, keyNetInput, keyNetProbs, keyNetWeights, type KeyNetParams } from '../../main/engine/analysis/key-net';
import { keyName } from '../../main/engine/analysis/keys';
import { analyzeFile } from '../../main/engine/analysis/run';
import { applyKeyNet, TONAL_DEFAULTS, TonalAnalyser, type KeyResult, type TonalResult } from '../../main/engine/analysis/tonal';
import { numpyWav } from '../helpers/media';
import { renderSong, type SmfNote } from '../helpers/smf';

interface Case {
  tk: number;
  frames: number;
  chroma: number[];
  bass: number[];
  energy: number[];
  active: boolean[];
  steps: number;
  input: number[];
  probs: number[];
  nets: KeyNetParams[];
}
const fixture = JSON.parse(readFileSync('test/fixtures/key-net/fixture.json', 'utf8')) as { cases: Case[] };

describe('key net: pinned against torch (test/fixtures/key-net)', () => {
  it('the fixture holds both arms, an inactive stretch, and a one-step track', () => {
    assert.deepEqual(fixture.cases.map((c) => c.tk), [3, 1, 3]);
    assert.deepEqual(fixture.cases.map((c) => c.steps), [6, 3, 1]);
    assert.ok(fixture.cases.every((c) => c.active.some((a) => !a) || c.frames < 6));
  });
  for (const c of fixture.cases) {
    it(`input: ${c.frames} frames → ${c.steps} steps equal keynet-train.py features() (tk ${c.tk})`, () => {
      const { x, steps } = keyNetInput(c.chroma, c.bass, c.energy, c.active, c.frames);
      assert.equal(steps, c.steps);
      assert.equal(x.length, c.input.length);
      for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - c.input[i]) < 1e-5, `x[${i}] ${x[i]} vs ${c.input[i]}`);
    });
    it(`forward: the 2-net ensemble's 24 probabilities equal torch's to 1e-5 (tk ${c.tk})`, () => {
      const { x, steps } = keyNetInput(c.chroma, c.bass, c.energy, c.active, c.frames);
      const p = keyNetProbs(x, steps, { tk: c.tk, nets: c.nets })!;
      assert.equal(p.length, 24);
      for (let i = 0; i < 24; i++) assert.ok(Math.abs(p[i] - c.probs[i]) < 1e-5, `p[${i}] ${p[i]} vs ${c.probs[i]}`);
      // the fixture's nets are far from uniform: a wrong index would show
      assert.ok(Math.max(...c.probs) - Math.min(...c.probs) > 0.02);
    });
  }
  it('no frame: no probabilities', () => {
    const { steps } = keyNetInput([], [], [], [], 0);
    assert.equal(steps, 0);
    assert.equal(keyNetProbs(new Float64Array(0), 0, { tk: 3, nets: fixture.cases[0].nets }), null);
  });
  it('the confidence map is the logistic of logit(p) and logit(c): p itself at (1, 0, 0), c itself at (0, 1, 0); rising in both', () => {
    assert.ok(Math.abs(keyNetConfidence(0.7, 0.6, { confNet: 1, confShipped: 0, confBias: 0 }) - 0.7) < 1e-9);
    assert.ok(Math.abs(keyNetConfidence(0.7, 0.6, { confNet: 0, confShipped: 1, confBias: 0 }) - 0.6) < 1e-9);
    const m = { confNet: 0.8, confShipped: 0.5, confBias: -0.2 };
    assert.ok(keyNetConfidence(0.9, 0.6, m) > keyNetConfidence(0.6, 0.6, m));
    assert.ok(keyNetConfidence(0.9, 0.9, m) > keyNetConfidence(0.9, 0.6, m));
  });
  it('the confidence is rounded to 0.001 and kept in [0.001, 0.999], as every calibrated confidence (confidence.ts calibrate) — tester23', () => {
    // before: `studio analyze` printed "C major (8B, confidence 0.9507421491952921)" beside the tempo's "0.655"
    const m = { confNet: 0.8, confShipped: 0.5, confBias: -0.2 };
    for (const [p, s] of [[0.9, 0.6], [0.77, 0.95], [0.6123, 0.5123], [0.999999, 0.999]] as const) {
      const v = keyNetConfidence(p, s, m);
      assert.equal(v, Math.round(v * 1000) / 1000, `${v}`);
      assert.ok(v >= 0.001 && v <= 0.999, `${v}`);
    }
    assert.equal(keyNetConfidence(0.999999, 0.999, { confNet: 5, confShipped: 5, confBias: 5 }), 0.999);
  });
  it('a profile key under MIN_CONFIDENCE caps the confidence: an unstated key stays unstated', () => {
    const m = { confNet: 1, confShipped: 0, confBias: 3 };
    assert.ok(keyNetConfidence(0.95, 0.6, m) > 0.99);
    assert.equal(keyNetConfidence(0.95, 0.3, m), 0.3);
    assert.ok(keyNetConfidence(0.95, 0.3, { confNet: 1, confShipped: 0, confBias: -5 }) < 0.3);
  });
  it('the product weights (key-net.json): the format, 3 nets of one arm, tau and the map', () => {
    const w = keyNetWeights();
    assert.equal(w.format, 'resonance-key-net/1');
    assert.equal(w.nets.length, 3);
    assert.ok(w.tk === 1 || w.tk === 3);
    assert.ok(w.tau >= 0 && w.tau <= 1.01);
    assert.ok(w.confNet > 0 && Number.isFinite(w.confShipped) && Number.isFinite(w.confBias));
    assert.equal(keyNetWeights(), w);
  });
});

describe('key net in TonalAnalyser (TonalOptions.keyNet)', () => {
  const c = fixture.cases[0];
  const frames = () => ({ chroma: Float32Array.from(c.chroma), bass: Float32Array.from(c.bass), active: c.active });
  const profileKey = (): KeyResult => ({ key: 'C major', tonic: 0, mode: 'major', confidence: 0.42, camelot: '8B', openKey: '1d', strengths: [], chroma: [] });
  const top = c.probs.indexOf(Math.max(...c.probs));
  it("applyKeyNet: at tau 0 the key becomes the ensemble's top key, with keyNetConfidence; at tau above 1 nothing changes", () => {
    const f = frames();
    const k = profileKey();
    const p = applyKeyNet(k, f.chroma, f.bass, c.energy, f.active, c.frames, { format: 'resonance-key-net/1', tk: c.tk, tau: 0, confNet: 0.9, confShipped: 0.4, confBias: -0.1, nets: c.nets });
    assert.ok(Math.abs(p! - c.probs[top]) < 1e-5);
    assert.equal(k.tonic, top % 12);
    assert.equal(k.mode, top < 12 ? 'major' : 'minor');
    assert.equal(k.key, keyName({ tonic: top % 12, mode: top < 12 ? 'major' : 'minor' }));
    assert.notEqual(k.camelot, '8B');
    assert.ok(Math.abs(k.confidence - keyNetConfidence(p!, 0.42, { confNet: 0.9, confShipped: 0.4, confBias: -0.1 })) < 1e-12);
    assert.ok(k.confidence <= 0.42);
    const k2 = profileKey();
    applyKeyNet(k2, f.chroma, f.bass, c.energy, f.active, c.frames, { format: 'resonance-key-net/1', tk: c.tk, tau: 1.01, confNet: 0.9, confShipped: 0.4, confBias: -0.1, nets: c.nets });
    assert.deepEqual(k2, profileKey());
  });
  it('the switch: with keyNet the bass bins run (KEY_NET_BASS_HZ) though bassHz is 0; without it they do not', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const pfOf = (a: TonalAnalyser) => (a as any).pf as { bass: Float32Array | null };
    assert.equal(TONAL_DEFAULTS.bassHz, 0);
    assert.ok(pfOf(new TonalAnalyser({ keyNet: true })).bass);
    assert.equal(pfOf(new TonalAnalyser({ keyNet: false })).bass, null);
  });
  it('a D major piece (D – G – A7 – D): the net reads D major; the key and keyNetTop are stated', async () => {
    const notes: SmfNote[] = [];
    const chords = [[50, 62, 66, 69], [43, 59, 62, 67], [45, 61, 64, 67], [50, 62, 66, 69]];
    for (let bar = 0; bar < 8; bar++) {
      const [root, ...upper] = chords[bar % 4];
      for (let b = 0; b < 4; b++) for (const n of upper) notes.push({ beat: bar * 4 + b, len: 0.9, ch: 0, note: n, vel: 80 });
      for (const n of upper) notes.push({ beat: bar * 4, len: 4, ch: 1, note: n, vel: 50 });
      const bass = root >= 48 ? root - 12 : root;
      notes.push({ beat: bar * 4, len: 1.8, ch: 2, note: bass, vel: 90 });
      notes.push({ beat: bar * 4 + 2, len: 1.8, ch: 2, note: bass, vel: 80 });
    }
    const f = renderSong('tuning-d-major-a440.wav', { bpm: 100, notes, programs: { 0: 0, 1: 48, 2: 32 }, key: { sf: 2, minor: false } });
    const a = new TonalAnalyser({ keyNet: true });
    const key = ((await analyzeFile(f, [a])).results.tonal as TonalResult).key;
    assert.equal(key.key, 'D major');
    assert.ok(a.keyNetTop !== null && a.keyNetTop > 0 && a.keyNetTop <= 1);
    assert.ok(key.confidence > 0 && key.confidence < 1);
  });
  it('no pitched content (white noise): no key stated, and the net is not asked', async () => {
    const f = numpyWav('key-net-noise.wav', 'rng = np.random.default_rng(1)\ny = rng.standard_normal(sr * 8)', null);
    const a = new TonalAnalyser({ keyNet: true });
    const key = ((await analyzeFile(f, [a])).results.tonal as TonalResult).key;
    assert.equal(key.key, null);
    assert.equal(a.keyNetTop, null);
  });
});
