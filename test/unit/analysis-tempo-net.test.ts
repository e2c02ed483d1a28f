// Issue 11 (tnet18): the tempogram net in the analyser (main/engine/analysis/tempo-net.ts; off by default,
// LevelTuning.tempoNet). Pinned against the Python that trained it: test/fixtures/tempo-net (tnetcv18's
// tools/eval/temponet-fixture.py: four cached onset envelopes, their tempogram X and the mean log-probability of a
// 2-net ensemble, model-small.json, as tools/eval/temponet_tg.py computes them).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyzeFile } from '../../main/engine/analysis/run';
import { chooseLevel, condition, estimateTempo, LEVEL_TUNING, levelTempi, octaveCandidatesOf, octaveNetInputs, periodicity, TempoAnalyser } from '../../main/engine/analysis/tempo';
import { octaveNetFeatures, octaveNetScore } from '../../main/engine/analysis/octave-net';
import { productOfExperts, TEMPO_NET_CHANNELS, TEMPO_NET_MASKED, tempoNetAxis, tempoNetChoice, tempoNetLogProbs, tempoNetScore, tempoNetScoresAt, tempoNetTempogram, tempoNetWindows } from '../../main/engine/analysis/tempo-net';
import { tempoNetWeights } from '../../main/engine/analysis/tempo-net-weights';
const TEMPO_NET = tempoNetWeights();
import type { TempoNetWeights } from '../../main/engine/analysis/tempo-net';
import { tempoRender } from '../helpers/tempo-render';

interface Case {
  set: string;
  name: string;
  fps: number;
  frames: number;
  windows: [number, number][];
  env: number[];
  env6: number[];
  X: number[][];
  logProb: (number | null)[];
}
const DIR = 'test/fixtures/tempo-net';
const fixture = JSON.parse(readFileSync(`${DIR}/fixture.json`, 'utf8')) as { format: string; model: string; cases: Case[] };
const model = JSON.parse(readFileSync(`${DIR}/${fixture.model}`, 'utf8')) as TempoNetWeights;

/** the case's tempogram from its envelopes, as estimateTempo computes it (the envelope conditioned by tempo.ts condition) */
const tempogramOf = (c: Case) => tempoNetTempogram(condition(Float32Array.from(c.env), c.fps)!, Float32Array.from(c.env6), c.fps, model);

describe('tempo net: pinned against the Python reference (test/fixtures/tempo-net)', () => {
  it('the fixture holds the cases it says: 3, 2 and 1 windows, one of them an envelope under 12 s', () => {
    assert.equal(fixture.format, 'resonance-tempo-net-fixture/1');
    assert.deepEqual(fixture.cases.map((c) => c.windows.length), [3, 2, 1, 1]);
    assert.ok(fixture.cases.some((c) => c.frames / c.fps < model.windowSec && c.windows.length === 1));
    for (const c of fixture.cases) assert.deepEqual(tempoNetWindows(c.frames, c.fps, model.windowSec, model.hopSec), c.windows, c.name);
  });

  // Tolerance: the fixture writes X to 7 significant digits (≤ 5e-7 of the value); the computation is float64 on both
  // sides (summation order apart, ~1e-12). Measured: at most 5.2e-7 of the value (4.5e-6 absolute on a DFT value of 13.7).
  it('the tempogram: every channel and bin within 1e-6 of the value (the fixture\'s 7 significant digits)', () => {
    for (const c of fixture.cases) {
      const tg = tempogramOf(c);
      assert.equal(tg.length, TEMPO_NET_CHANNELS.length * model.bins);
      for (let ch = 0; ch < 6; ch++)
        for (let b = 0; b < model.bins; b++) {
          const want = c.X[ch][b];
          const got = tg[ch * model.bins + b];
          assert.ok(Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)), `${c.name} ${TEMPO_NET_CHANNELS[ch]} bin ${b}: ${got} vs ${want}`);
        }
    }
  });

  it('the log-probabilities: within 1e-3 of the Python forward pass (from the fixture\'s X and from our own tempogram), masked outside 30–320 BPM', () => {
    let worst = 0;
    for (const c of fixture.cases) {
      const fromX = tempoNetLogProbs(Float64Array.from(c.X.flat()), model);
      const fromEnv = tempoNetLogProbs(tempogramOf(c), model);
      for (let b = 0; b < model.bins; b++) {
        const want = c.logProb[b];
        if (want === null) {
          assert.equal(fromX[b], TEMPO_NET_MASKED);
          assert.equal(fromEnv[b], TEMPO_NET_MASKED);
          continue;
        }
        worst = Math.max(worst, Math.abs(fromX[b] - want), Math.abs(fromEnv[b] - want));
      }
      // a distribution over the valid bins
      const s = fromEnv.reduce((t, v) => t + (v > TEMPO_NET_MASKED ? Math.exp(v) : 0), 0);
      assert.ok(s <= 1 + 1e-9 && s > 0.5, `${c.name}: Σ exp ${s}`);
    }
    assert.ok(worst <= 1e-3, `max |log-prob diff| ${worst}`);
  });

  it('the choice computes only the bins its candidates read: the same pick, and the same scores up to one constant, as the full forward pass', () => {
    for (const c of fixture.cases)
      for (const level of [41.3, 97, 150, 174.2, 239.9]) {
        const env = condition(Float32Array.from(c.env), c.fps)!;
        const ch = tempoNetChoice(env, Float32Array.from(c.env6), c.fps, level, model)!;
        const lp = tempoNetLogProbs(tempogramOf(c), model);
        const full = ch.cands.map((b) => tempoNetScore(lp, b, model));
        assert.deepEqual(ch.cands, [1 / 3, 1 / 2, 1, 2, 3].map((r) => level * r).filter((b) => b >= 30 && b <= 320));
        const shift = ch.scores[0] - full[0];
        for (let i = 0; i < full.length; i++) assert.ok(Math.abs(ch.scores[i] - full[i] - shift) < 1e-9, `${c.name} T ${level}: ${ch.scores[i]} vs ${full[i]}`);
        assert.equal(ch.bpm, ch.cands[full.indexOf(Math.max(...full))]);
      }
  });

  it('the score at a tempo interpolates linearly between bins', () => {
    const lp = Float64Array.from({ length: model.bins }, (_, b) => -b);
    const axis = tempoNetAxis(model);
    assert.equal(tempoNetScore(lp, axis[40], model), -40);
    assert.ok(Math.abs(tempoNetScore(lp, Math.sqrt(axis[40] * axis[41]), model) + 40.5) < 1e-9);
  });
});

describe('tempo net: the shipped weights and the analyser option', () => {
  it('TEMPO_NET is an ensemble of the format tempo-net.ts reads', () => {
    assert.equal(TEMPO_NET.format, 'resonance-tempo-net/1');
    assert.deepEqual(TEMPO_NET.channels, [...TEMPO_NET_CHANNELS]);
    assert.deepEqual([TEMPO_NET.bins, TEMPO_NET.binsPerOctave, TEMPO_NET.loBpm, TEMPO_NET.hiBpm, ...TEMPO_NET.validBpm], [111, 24, 20, 480, 30, 320]);
    assert.ok(TEMPO_NET.nets.length >= 1);
    for (const n of TEMPO_NET.nets) assert.deepEqual(n.layers.map((l) => [l.in, l.out, l.kernel, l.dilation]), [[6, 16, 7, 1], [16, 16, 7, 2], [16, 16, 7, 4], [16, 16, 7, 8], [16, 1, 1, 1]]);
  });

  it('is off in the shipped LevelTuning (decision18: on only if its rule passes)', () => {
    assert.equal(LEVEL_TUNING.tempoNet, undefined);
  });

  it('a kick-and-hat groove at 174 BPM: with the net on the analyser keeps 174 (not 87 or 58), with beats 60/174 s apart and a sure confidence', async () => {
    const file = tempoRender('tnet-groove-174.wav', [[174, 174, 30]]);
    const tuning = { ...LEVEL_TUNING, tempoNet: TEMPO_NET };
    const a = new TempoAnalyser({}, tuning);
    const { results } = await analyzeFile(file, [a]);
    const r = results.tempo as ReturnType<TempoAnalyser['finish']>;
    assert.ok(r.bpm !== null && Math.abs(r.bpm - 174) <= 0.04 * 174, `bpm ${r.bpm}`);
    assert.ok(r.confidence >= 0.5, `confidence ${r.confidence}`);
    // the beats are tracked at the net's pick: their median spacing is one period of 174
    const d = r.beats.slice(1).map((t, i) => t - r.beats[i]).sort((x, y) => x - y);
    assert.ok(Math.abs(d[d.length >> 1] - 60 / 174) < 0.02, `median beat spacing ${d[d.length >> 1]}`);
    // the net itself prefers 174 over its slower relatives (and 348, 522 lie outside 30–320 BPM: no candidates)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const t = a as any;
    const fps = t.tap.rate / 256;
    const env = condition(t.env.subarray(0, t.envLen), fps)!;
    const ch = tempoNetChoice(env, t.env3.subarray(0, 6 * t.envLen), fps, r.bpm!, TEMPO_NET)!;
    assert.deepEqual(ch.cands, [r.bpm! / 3, r.bpm! / 2, r.bpm!]);
    assert.equal(ch.bpm, r.bpm);
    assert.ok(ch.scores[2] > ch.scores[1] && ch.scores[2] > ch.scores[0], `log-probs ${ch.scores.map((s) => s.toFixed(2))}`);
    assert.ok(r.evidence!.octave > 0, `octave log-odds ${r.evidence!.octave}`);
  });
});

// Decision19's arm P3 (LevelTuning.tempoNetExpert): the octave chooser's logit + the net's log-probability at each of the
// chooser's candidates, argmax (tools/eval/poe-score.py picks_of 'P3'); off in LEVEL_TUNING.
describe('tempo net as a second expert beside the octave chooser (P3, decision19)', () => {
  const O = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 };
  // the chooser alone and with the net as a second expert, whatever LEVEL_TUNING holds
  const CHOOSER = { ...LEVEL_TUNING, tempoNetExpert: undefined, tempoNetGate: undefined };
  const P3 = { ...LEVEL_TUNING, tempoNetExpert: TEMPO_NET, tempoNetGate: undefined };
  /** the chooser's candidates and logits, computed as estimateTempo's octaveNet branch does, step by step */
  const chooserOf = (env: Float32Array, bands: Float32Array, fps: number) => {
    const p = periodicity(env, fps, O)!;
    const level = chooseLevel(levelTempi(p, fps, O, LEVEL_TUNING.dftWindowSec), LEVEL_TUNING.priorWeight).bpm;
    const o = octaveCandidatesOf(p, fps, O, level, bands);
    const cs = o.cands.map((c) => ({ bpm: c.bpm, ratio: c.bpm === level ? 1 : c.bpm < level ? 0.5 : 2, base: c.features }));
    return { p, cs, s: octaveNetFeatures(p.env, octaveNetInputs(bands, fps), fps, cs, o.beats).map((f) => octaveNetScore(f, LEVEL_TUNING.octaveNet)) };
  };
  const argmax = (v: number[]) => v.indexOf(Math.max(...v));

  it('is on in the shipped LevelTuning with TEMPO_NET (tempo analyser 17, decision21 arm P5)', () => {
    assert.equal(LEVEL_TUNING.tempoNetExpert, TEMPO_NET);
  });

  it('on the fixture envelopes: the pick is argmax(chooser logit + the full forward pass\'s log-prob); where it is the chooser\'s pick the result is the chooser\'s exactly, elsewhere the tempo moves and the octave log-odds are the chooser\'s of the new pick', () => {
    let agree = 0;
    let differ = 0;
    for (const c of fixture.cases) {
      const env = Float32Array.from(c.env);
      const bands = Float32Array.from(c.env6);
      const { p, cs, s } = chooserOf(env, bands, c.fps);
      const lp = tempoNetLogProbs(tempoNetTempogram(p.env, bands, c.fps, TEMPO_NET), TEMPO_NET);
      const L = cs.map((x) => tempoNetScore(lp, x.bpm, TEMPO_NET));
      const want = argmax(s.map((v, i) => v + L[i]));
      const off = estimateTempo(env, c.fps, 0, O, bands, CHOOSER, false);
      const on = estimateTempo(env, c.fps, 0, O, bands, P3, false);
      // the tempo is the pick refined by the line through its beats (fitPeriod): within 2 % of it, an octave from the others
      assert.ok(Math.abs(on.bpm! / cs[want].bpm - 1) < 0.02, `${c.name}: ${on.bpm} vs ${cs.map((x) => x.bpm)}[${want}]`);
      if (want === argmax(s)) {
        agree++;
        assert.deepEqual(on, off, c.name);
      } else {
        differ++;
        const others = s.filter((_, i) => i !== want);
        const m = Math.max(...s);
        const lo = s[want] - (m + Math.log(others.reduce((t, v) => t + Math.exp(v - m), 0)));
        assert.ok(Math.abs(on.evidence!.octave - Math.max(-6, Math.min(6, lo))) < 1e-9, `${c.name}: octave ${on.evidence!.octave} vs ${lo}`);
        assert.ok(on.evidence!.octave < 0 && off.evidence!.octave > 0, `${c.name}: the chooser's log-odds of its own pick and of P3's`);
      }
    }
    // both branches ran (measured: 2 fixture cases where the net moves the chooser's 93.1 and 87.1 to 186 and 173.9, their truths)
    assert.ok(agree >= 1 && differ >= 1, `agree ${agree} differ ${differ}`);
  });

  it('the sub-bin forward pass reads the same log-probabilities as the full one, up to one constant; masked flags at tempi reading a bin outside 30–320 BPM', () => {
    const c = fixture.cases[0];
    const env = condition(Float32Array.from(c.env), c.fps)!;
    const bands = Float32Array.from(c.env6);
    const bpms = [25, 29.9, 45, 90, 180, 321, 330];
    const r = tempoNetScoresAt(env, bands, c.fps, bpms, TEMPO_NET);
    assert.deepEqual(r.masked, [true, true, false, false, false, true, true]);
    const lp = tempoNetLogProbs(tempoNetTempogram(env, bands, c.fps, TEMPO_NET), TEMPO_NET);
    const shift = r.scores[2] - tempoNetScore(lp, 45, TEMPO_NET);
    for (const i of [3, 4]) assert.ok(Math.abs(r.scores[i] - tempoNetScore(lp, bpms[i], TEMPO_NET) - shift) < 1e-9);
    assert.ok(r.scores[0] <= TEMPO_NET_MASKED / 2 && r.scores[6] <= TEMPO_NET_MASKED / 2);
  });

  it('productOfExperts: argmax of s + L, first on a tie; a masked candidate never wins while another is unmasked; all masked: the chooser\'s pick', () => {
    assert.equal(productOfExperts([1, 3, 2], [0, -5, 0], [false, false, false]), 2);
    assert.equal(productOfExperts([1, 3, 1], [0, 0, 2], [false, false, false]), 0 + 1);
    assert.equal(productOfExperts([2, 1], [0, 1], [false, false]), 0);
    assert.equal(productOfExperts([1, 50, 2], [0, 0, 0], [false, true, false]), 2);
    assert.equal(productOfExperts([1, 3, 2], [TEMPO_NET_MASKED, TEMPO_NET_MASKED, TEMPO_NET_MASKED], [true, true, true]), 1);
    assert.equal(productOfExperts([5, 3], [TEMPO_NET_MASKED, 0.5 * TEMPO_NET_MASKED], [true, true]), 0);
  });

  // Decision20's arm P4 (LevelTuning.tempoNetGate θ): the net votes only where the chooser's log-odds of its own pick is under θ
  it('P4: with the chooser\'s log-odds of its own pick under tempoNetGate the result is P3\'s exactly; at or above it the chooser\'s exactly, the net never read', () => {
    let moved = 0;
    for (const c of fixture.cases) {
      const env = Float32Array.from(c.env);
      const bands = Float32Array.from(c.env6);
      const off = estimateTempo(env, c.fps, 0, O, bands, CHOOSER, false);
      const on = estimateTempo(env, c.fps, 0, O, bands, P3, false);
      // the gate's figure: the chooser's log-odds of its own pick, TempoEvidence.octave of the chooser's answer
      const lo = off.evidence!.octave;
      if (on.bpm !== off.bpm) moved++;
      let reads = 0;
      const counted = new Proxy(TEMPO_NET, {
        get(t, k, r) {
          reads++;
          return Reflect.get(t, k, r);
        },
      });
      assert.deepEqual(estimateTempo(env, c.fps, 0, O, bands, { ...P3, tempoNetGate: lo + 1e-6 }, false), on, `${c.name}: just above the log-odds ${lo}`);
      assert.deepEqual(estimateTempo(env, c.fps, 0, O, bands, { ...P3, tempoNetGate: lo }, false), off, `${c.name}: at the log-odds ${lo}`);
      assert.deepEqual(estimateTempo(env, c.fps, 0, O, bands, { ...LEVEL_TUNING, tempoNetExpert: counted, tempoNetGate: lo - 0.5 }, false), off, `${c.name}: under`);
      assert.equal(reads, 0, `${c.name}: the net's weights were read with the chooser sure of its pick`);
      assert.deepEqual(estimateTempo(env, c.fps, 0, O, bands, { ...LEVEL_TUNING, tempoNetExpert: counted, tempoNetGate: Infinity }, false), on, `${c.name}: +inf is P3`);
      assert.ok(reads > 0, `${c.name}: the net is read where it votes`);
    }
    // the fixture cases where the net moves the chooser's pick (93.1 → 186, 87.1 → 173.9): the gate decides them both ways
    assert.ok(moved >= 1, `moved ${moved}`);
  });

  it('P4 is on in the shipped LevelTuning at θ 2.5 with TEMPO_NET (decision21 arm P5: N5, the net retrained with tempo-drums)', () => {
    assert.equal(LEVEL_TUNING.tempoNetGate, 2.5);
    assert.equal(LEVEL_TUNING.tempoNetExpert, TEMPO_NET);
  });

  it('every candidate outside the net\'s valid range (weights with validBpm 300–320): the analyser keeps the chooser\'s pick, the chooser\'s result exactly', () => {
    const narrow = { ...TEMPO_NET, validBpm: [300, 320] as [number, number] };
    for (const c of fixture.cases) {
      const env = Float32Array.from(c.env);
      const bands = Float32Array.from(c.env6);
      assert.deepEqual(estimateTempo(env, c.fps, 0, O, bands, { ...LEVEL_TUNING, tempoNetExpert: narrow }, false), estimateTempo(env, c.fps, 0, O, bands, CHOOSER, false), c.name);
    }
  });
});
