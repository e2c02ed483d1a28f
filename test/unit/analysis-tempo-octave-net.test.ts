// Issue 11: the learned octave chooser (main/engine/analysis/octave-net.ts, trained by
// tools/eval/octave-net-train.py) on the confusion that every hand-made octave cue failed on: a
// 16-beat groove at 100 BPM (kick on 1 and 3, snare on 2 and 4, hi-hat sixteenths, a bass line in
// eighths) against an oom-pah at 200 BPM (bass on 1 and 3, chord stabs on 2 and 4, hi-hat eighths):
// both have onsets every 0.15 s, a low note every 0.3 s and a bar of 2.4 s. Rendered here by
// fluidsynth (FluidR3_GM) from MIDI written here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFile } from '../../main/engine/analysis/run';
import { analyzeTrack } from '../../main/engine/analysis/index';
import { LEVEL_TUNING_OCTAVE_MODEL, TempoAnalyser } from '../../main/engine/analysis/tempo';
import { OCTAVE_NET_EXTRA, OCTAVE_NET_WIDTH, octaveNetFeatures, onsetSoftness, SOFTNESS_FEATURES, withExtras } from '../../main/engine/analysis/octave-net';
import { BAND_FEATURES, condition, estimateTempo, octaveNetInputs } from '../../main/engine/analysis/tempo';
import { OCTAVE_NET } from '../../main/engine/analysis/octave-net-weights';
import { backbeatStrength } from '../../main/engine/analysis/backbeat';
import { oomPah, sixteenBeat } from '../helpers/octave-songs';

async function analyser(file: string): Promise<TempoAnalyser> {
  const t = new TempoAnalyser();
  await analyzeFile(file, [t]);
  return t;
}
const near = (bpm: number | null, ref: number) => bpm !== null && Math.abs(bpm - ref) <= 0.03 * ref;

describe('tempo: learned octave chooser (issue 11)', () => {
  it('weights match the feature width', () => {
    for (const v of [OCTAVE_NET.mu, OCTAVE_NET.sd, OCTAVE_NET.linear]) assert.equal(v.length, OCTAVE_NET_WIDTH);
    assert.equal(OCTAVE_NET.w1.length, OCTAVE_NET.hidden);
    for (const row of OCTAVE_NET.w1) assert.equal(row.length, OCTAVE_NET_WIDTH);
  });

  it('features: one finite row of OCTAVE_NET_WIDTH per candidate; no band input gives zero band columns', () => {
    const fps = 11025 / 256;
    const env = new Float64Array(Math.round(20 * fps));
    const period = (60 * fps) / 100;
    for (let b = 0; b * period < env.length - 1; b++) env[Math.round(b * period)] = 4;
    const beats = Array.from({ length: 30 }, (_, b) => b * period).filter((f) => f < env.length);
    const cands = [50, 100, 200].map((bpm, i) => ({ bpm, ratio: [0.5, 1, 2][i], base: [0, 0, 0, 0, 0] }));
    const f = octaveNetFeatures(env, null, fps, cands, beats);
    assert.equal(f.length, 3);
    for (const row of f) {
      assert.equal(row.length, OCTAVE_NET_WIDTH);
      assert.ok(row.every(Number.isFinite));
    }
    // the full envelope's autocorrelation at one period of 100 BPM (λ = 1) is high; at half a period (λ = ½) it is not
    const lag = (l: number) => 5 + [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4].indexOf(l);
    assert.ok(f[1][lag(1)] > 0.8 && f[1][lag(0.5)] < 0.2, `ac ${f[1][lag(1)]} ${f[1][lag(0.5)]}`);
    // the low band's columns are 0 without bands
    assert.ok(f[1].slice(13, 21).every((v) => v === 0));
  });

  it('onset softness (helper tempo14): a pulse train of one-frame hits over decaying notes is sharp, the same smeared over 250 ms over a held chord is smooth', () => {
    const fps = 11025 / 256;
    const n = Math.round(20 * fps);
    const period = (60 * fps) / 100;
    const sharp = new Float32Array(n);
    const soft = new Float32Array(n);
    for (let b = 0; b * period < n - 12; b++) {
      const i = Math.round(b * period);
      sharp[i] = 4;
      for (let k = 0; k < 11; k++) soft[i + k] += 4 * Math.sin((Math.PI * (k + 0.5)) / 11) / 7;
    }
    // bands: all flux in the high group for the sharp train, all in the low group for the soft one
    // and the mid band's log energy: a struck note's decays 0.1 neper a frame from each hit; a held chord's stays
    const bandsOf = (e: Float32Array, g: number, decay: number) => {
      const b = new Float32Array(BAND_FEATURES * n);
      let since = 0;
      for (let i = 0; i < n; i++) {
        b[BAND_FEATURES * i + g] = e[i];
        since = e[i] > 1 ? 0 : since + 1;
        b[BAND_FEATURES * i + 4] = -decay * since;
      }
      return b;
    };
    const a = onsetSoftness(condition(sharp, fps)!, bandsOf(sharp, 2, 0.1), fps);
    const s = onsetSoftness(condition(soft, fps)!, bandsOf(soft, 0, 0), fps);
    assert.ok(a[4] > 0.5 && s[4] === 0, `depth ${a[4]} ${s[4]}`);
    assert.ok(a[0] < 0.2 && s[0] > 0.6, `smooth ${a[0]} ${s[0]}`);
    assert.ok(a[1] > s[1] + 1, `peaky ${a[1]} ${s[1]}`);
    assert.deepEqual([a[2], a[3], s[2], s[3]], [1, 0, 0, 1]);
    assert.deepEqual(onsetSoftness(condition(sharp, fps)!, null, fps).slice(2), [0, 0, 0]);
  });

  it('optional inputs: none leaves the rows; soft and backbeat append their columns; estimateTempo feeds weights that list them', () => {
    const fps = 11025 / 256;
    const n = Math.round(20 * fps);
    const period = (60 * fps) / 100;
    const env = new Float32Array(n);
    const bands = new Float32Array(BAND_FEATURES * n);
    // beats of 40 (mean flux above MIN_ONSET_FLUX), eighths between them of 10
    for (let b = 0; b * period < n - 1; b++) {
      const i = Math.round(b * period);
      const j = Math.round((b + 0.5) * period);
      env[i] = 40;
      bands[BAND_FEATURES * i + (b % 2)] = 40;
      if (j < n) env[j] = bands[BAND_FEATURES * j + 2] = 10;
    }
    const c = condition(env, fps)!;
    const cands = [{ bpm: 50 }, { bpm: 100 }, { bpm: 200 }];
    const rows = cands.map(() => Array.from({ length: OCTAVE_NET_WIDTH }, () => 0));
    assert.equal(withExtras(rows, cands, [], c, bands, octaveNetInputs(bands, fps), fps), rows);
    const x = withExtras(rows, cands, ['soft', 'backbeat'], c, bands, octaveNetInputs(bands, fps), fps);
    for (const r of x) {
      assert.equal(r.length, OCTAVE_NET_WIDTH + OCTAVE_NET_EXTRA.soft + OCTAVE_NET_EXTRA.backbeat);
      assert.ok(r.every(Number.isFinite));
    }
    // the softness descriptors are the same for every candidate; d × log2(b / 120) is not
    assert.equal(x[0][OCTAVE_NET_WIDTH], x[2][OCTAVE_NET_WIDTH]);
    const D = SOFTNESS_FEATURES.length;
    assert.notEqual(x[0][OCTAVE_NET_WIDTH + D + 1], x[2][OCTAVE_NET_WIDTH + D + 1]);
    // the backbeat columns are session 9's cue (backbeat.ts backbeatStrength) at 2b and at b
    const W = OCTAVE_NET_WIDTH + OCTAVE_NET_EXTRA.soft;
    assert.ok(Math.abs(x[1][W] - Math.log(0.05 + backbeatStrength(bands, fps, 200))) < 1e-9 && Math.abs(x[1][W + 1] - Math.log(0.05 + backbeatStrength(bands, fps, 100))) < 1e-9);
    // weights with an extra group: a linear score on peaky × z alone (peaky > 0 here) picks the slowest candidate, or the fastest
    const w = OCTAVE_NET_WIDTH + OCTAVE_NET_EXTRA.soft;
    const zeros = Array.from({ length: w }, () => 0);
    const lin = zeros.slice();
    lin[OCTAVE_NET_WIDTH + D + 1] = -10;
    const O = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 };
    const net = { mu: zeros, sd: zeros.map(() => 1), linear: lin, hidden: 0, w1: [], b1: [], w2: [], extra: ['soft' as const] };
    const slow = estimateTempo(env, fps, 0, O, bands, { priorWeight: 0, dftWindowSec: 30, octave: true, octaveNet: net }, false).bpm!;
    lin[OCTAVE_NET_WIDTH + D + 1] = 10;
    const fast = estimateTempo(env, fps, 0, O, bands, { priorWeight: 0, dftWindowSec: 30, octave: true, octaveNet: net }, false).bpm!;
    assert.ok(fast > 1.8 * slow, `slow ${slow} fast ${fast}`);
  });

  it('16-beat at 100 reads 100 and oom-pah at 200 reads 200 (the shipped tuning), where OCTAVE_MODEL alone misreads one', async () => {
    const files = [sixteenBeat(100, 14), oomPah(200, 26)];
    const net = await Promise.all(files.map(async (f) => (await analyzeTrack(f)).tempo.bpm));
    const old = await Promise.all(files.map(async (f) => (await analyser(f)).tempoWith(LEVEL_TUNING_OCTAVE_MODEL).bpm));
    console.log(`16-beat 100: chooser ${net[0]}, OCTAVE_MODEL ${old[0]}; oom-pah 200: chooser ${net[1]}, OCTAVE_MODEL ${old[1]}`);
    assert.ok(near(net[0], 100), `16-beat: ${net[0]}`);
    assert.ok(near(net[1], 200), `oom-pah: ${net[1]}`);
    assert.ok(!near(old[0], 100) || !near(old[1], 200), `OCTAVE_MODEL: ${old}`);
  });
});
