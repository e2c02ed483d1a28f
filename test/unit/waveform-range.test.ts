// Issue 12 defect 7: a time range's waveform detail (peaks + spectrogram at the zoom's resolution),
// from a ranged ffmpeg decode. The range is planned on sample boundaries and must equal the same
// computation over the whole track (exactly where the codec seeks exactly; within tolerance for AAC).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StudioError } from '@contract';
import { analyzeFile } from '../../main/engine/analysis/run';
import { PeaksAnalyser, SpectrogramAnalyser, type PeaksData, type SpectrogramData } from '../../main/engine/analysis/waveform';
import { MAX_HOP, MAX_RANGE_COLUMNS, MAX_RANGE_PEAKS, MIN_HOP, PREROLL, computeRange, planRange, type RangePlan } from '../../main/engine/analysis/waveform-range';
import { media, toneFile } from '../helpers/media';

const isPow2 = (x: number) => Number.isInteger(Math.log2(x));

test('planRange: powers of two, boundaries on both grids, sizes bounded, the decode on the grid of both rates', () => {
  for (const [s, e, px, rate] of [
    [7.3, 9.1, 2000, 44100],
    [0, 1, 16000, 48000],
    [1234.5, 1249.7, 79, 44100],
    [10, 610, 3, 22050],
    [3.3, 3.31, 1e6, 96000],
    [5, 6, 100, 0],
  ] as const) {
    const p = planRange(s, e, px, rate);
    const unit = Math.max(p.samplesPerPeak, p.hop);
    assert.ok(isPow2(p.samplesPerPeak) && isPow2(p.hop), JSON.stringify(p));
    assert.ok(p.hop >= MIN_HOP && p.hop <= MAX_HOP);
    assert.equal(p.startSample % unit, 0);
    assert.equal(p.endSample % unit, 0);
    assert.ok(p.startSample <= s * 16000 && p.startSample > s * 16000 - unit, `start ${p.startSample} for ${s} s`);
    assert.ok(p.endSample >= e * 16000 && p.endSample < e * 16000 + unit, `end ${p.endSample} for ${e} s`);
    // at least a peak per pixel unless the size bound coarsened it
    const span = p.endSample - p.startSample;
    assert.ok(16000 / p.samplesPerPeak >= Math.min(px, 16000) || span / p.samplesPerPeak > MAX_RANGE_PEAKS / 2, JSON.stringify(p));
    assert.ok(span / p.samplesPerPeak <= MAX_RANGE_PEAKS + 1 && span / p.hop <= MAX_RANGE_COLUMNS + 1, JSON.stringify(p));
    assert.ok(p.decodeStart === 0 || p.decodeStart <= p.startSample - PREROLL);
    assert.ok(p.startSample - p.decodeStart < PREROLL + 2 * 16000 / 50, 'the pre-roll stays short');
    // the decode starts a whole number of source samples and of microseconds in
    if (rate) assert.ok(Number.isInteger((p.decodeStart * rate) / 16000), `decode start ${p.decodeStart} on the ${rate} Hz grid`);
    assert.ok(Number.isInteger(p.decodeStart * 62.5), 'whole microseconds');
  }
  for (const bad of [[-1, 2, 100], [5, 5, 100], [5, 4, 100], [0, 700, 100], [0, 1, 0], [0, Infinity, 1], [NaN, 1, 1]] as const) {
    assert.throws(() => planRange(bad[0], bad[1], bad[2], 44100), (e: unknown) => e instanceof StudioError && e.code === 'BAD_ARGS', JSON.stringify(bad));
  }
});

/** A 16 kHz mono file with single-sample clicks at known samples (ffmpeg's aevalsrc; float WAV, so no resampling, no rounding). */
const CLICKS = [16000, 40001, 40002, 71999, 72000, 100003];
function clickFile(): string {
  const expr = CLICKS.map((n) => `eq(n,${n})`).join('+');
  return media('range-clicks-16k.wav', ['-f', 'lavfi', '-i', `aevalsrc='0.5*(${expr})':s=16000:d=8`, '-c:a', 'pcm_f32le']);
}

test('computeRange: sample-exact boundaries (single-sample clicks at 16 kHz land in their own peak; the range ends where asked)', async () => {
  const path = clickFile();
  // 2.5 s … 4.5 s at one sample per peak: the clicks at 40001, 40002, 71999 are inside, 72000 is the first sample after
  const plan: RangePlan = planRange(40000 / 16000, 72000 / 16000, 16000, 16000);
  assert.deepEqual([plan.startSample, plan.endSample, plan.samplesPerPeak], [40000, 72000, 1]);
  const r = await computeRange(path, plan);
  assert.equal(r.endSample, 72000);
  assert.equal(r.minMax.length, 2 * 32000);
  const maxAt: number[] = [];
  for (let j = 0; j < r.minMax.length / 2; j++) if (r.minMax[2 * j + 1] > 0.25) maxAt.push(r.startSample + j);
  assert.deepEqual(maxAt, [40001, 40002, 71999]);
  assert.ok(Math.abs(r.minMax[3] - 0.5) < 1e-6, `click level ${r.minMax[3]}`);
  // coarser: 4 samples per peak, the click at 100003 is in the peak covering 100000…100003
  const p4 = planRange(99000 / 16000, 101000 / 16000, 4000, 16000);
  assert.equal(p4.samplesPerPeak, 4);
  const r4 = await computeRange(path, p4);
  const hits: number[] = [];
  for (let j = 0; j < r4.minMax.length / 2; j++) if (r4.minMax[2 * j + 1] > 0.25) hits.push(r4.startSample + 4 * j);
  assert.deepEqual(hits, [100000]);
  // the spectrogram column whose frame has the click mid-window shows it; the first column's frame ends before it and is silent
  const spec = r4.spectrogram;
  const loud = (c: number) => Math.max(...spec.data.subarray(c * spec.rows, (c + 1) * spec.rows));
  const clickCol = Math.floor((100003 - spec.fftSize / 2 - r4.startSample) / spec.hop);
  assert.ok(loud(clickCol) > 100, `column with the click: ${loud(clickCol)}`);
  assert.ok(r4.startSample + spec.fftSize <= 100003);
  assert.equal(loud(0), 0, 'a frame ending before the click is silent');
});

test('computeRange past the end: the range ends with the track; beyond it is DECODE_FAILED', async () => {
  const path = clickFile(); // 8 s = 128000 samples
  const r = await computeRange(path, planRange(7, 9, 1000, 16000));
  assert.equal(r.endSample, 128000);
  assert.equal(r.minMax.length / 2, Math.ceil((128000 - r.startSample) / r.samplesPerPeak));
  assert.equal(r.spectrogram.columns, Math.ceil((128000 - r.startSample) / r.spectrogram.hop));
  await assert.rejects(computeRange(path, planRange(20, 21, 1000, 16000)), (e: unknown) => e instanceof StudioError && e.code === 'DECODE_FAILED');
});

/** The whole track through the same analysers at the plan's fixed widths. */
async function whole(path: string, plan: RangePlan): Promise<{ peaks: PeaksData; spec: SpectrogramData }> {
  const run = await analyzeFile(path, [new PeaksAnalyser(0, Number.MAX_SAFE_INTEGER, plan.samplesPerPeak), new SpectrogramAnalyser(0, { hop: plan.hop, maxColumns: Number.MAX_SAFE_INTEGER })]);
  return { peaks: run.results.peaks as PeaksData, spec: run.results.spectrogram as SpectrogramData };
}

for (const [name, extra, rate, exact] of [
  ['range-44k.flac', ['-ar', '44100'], 44100, true],
  ['range-48k.mp3', ['-ar', '48000', '-b:a', '192k'], 48000, true],
  ['range-22k.wav', ['-ar', '22050'], 22050, true],
  ['range-44k.ogg', ['-ar', '44100'], 44100, true],
  ['range-44k.m4a', ['-ar', '44100'], 44100, false],
] as const) {
  test(`${name}: a range equals the whole-track computation over the same samples${exact ? ' (bit for bit)' : ' (AAC: within tolerance)'}`, async () => {
    const path = toneFile(name, 20, [...extra]);
    for (const [s, e, px] of [[7.3, 9.1, 2000], [12.01, 19.9, 300], [0, 1, 8000], [18, 25, 100]] as const) {
      const plan = planRange(s, e, px, rate);
      const r = await computeRange(path, plan);
      const { peaks, spec } = await whole(path, plan);
      const p0 = plan.startSample / plan.samplesPerPeak;
      const want = peaks.minMax.subarray(2 * p0, 2 * p0 + r.minMax.length);
      assert.equal(r.minMax.length, Math.min(2 * Math.ceil((plan.endSample - plan.startSample) / plan.samplesPerPeak), peaks.minMax.length - 2 * p0));
      const c0 = (plan.startSample / plan.hop) * spec.rows;
      const wantSpec = spec.data.subarray(c0, c0 + r.spectrogram.data.length);
      assert.equal(r.spectrogram.rows, spec.rows);
      assert.equal(r.spectrogram.data.length, wantSpec.length);
      const label = `${name} ${s}…${e} s at ${px} px/s`;
      if (exact) {
        assert.deepEqual(r.minMax, want, label);
        assert.deepEqual(r.spectrogram.data, wantSpec, label);
      } else {
        let dp = 0;
        for (let i = 0; i < want.length; i++) dp = Math.max(dp, Math.abs(r.minMax[i] - want[i]));
        let close = 0;
        for (let i = 0; i < wantSpec.length; i++) if (Math.abs(r.spectrogram.data[i] - wantSpec[i]) <= 1) close++;
        assert.ok(dp < 0.05, `${label}: peaks differ by ${dp}`);
        assert.ok(close / wantSpec.length > 0.98, `${label}: ${((100 * close) / wantSpec.length).toFixed(2)} % of spectrogram cells within 1 step`);
      }
    }
  });
}
