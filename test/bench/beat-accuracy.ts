// Beat tracking against the truth (issue 11: "beats for the beat grid come from the same tracker and are right where
// the tempo is"): the beats the studio's tempo analyser states (TempoResult.beats, the beat grid's source) scored
// against the beats an MMA render was written with, next to the beat trackers a user could pick instead, in one run.
//
// Truth: the MMA renders of tools/eval/build-set.ts start on a downbeat at the end of their beatless intro
// (EvalItem.introSec; 0 for most) and keep one tempo (EvalItem.bpm, the played tempo: stretched renders included), so
// beat k is at introSec + k · 60 / bpm s, up to the decoded length. Game MIDIs (pickups, tempo maps), drones and real
// recordings have no such grid and are left out.
//
// Metric: the beat-tracking F-measure of MIREX and mir_eval.beat.f_measure (tools/eval/beat-f.ts beatF: ±70 ms, each
// true beat matched once, beats in the first 5 s of either list ignored as mir_eval's trim_beats does), and the same at
// ±20 ms (F@20, TIGHT_SEC: a beat's precision inside its 23 ms envelope frame, which ±70 ms cannot see; beats38). Reported over
// every file with a beat, and over the files whose stated tempo is right within 4 % (Acc1): "right where the tempo is" — a tracker at the double or the half
// tempo has F ≈ 0.67 by construction, so the first column mixes tempo and phase errors, the second is phase alone.
//
// A second table scores each method's first 10 s (tools/eval/beat-f.ts earlyBeats: F with nothing trimmed, the mean
// offset of the nearest beat to each written one; session 37), which the F above skips the first 5 s of: where a grid
// starts (the tempo analyser ≤ 19 trimmed unaccented first beats) shows only there.
//
// Peers, on the same decode (mono 44.1 kHz): Queen Mary DSP's TempoTrackV2 beats as Mixxx calls them
// (tools/eval/qm-harness.cpp, built here with g++ against Debian libqm-dsp-dev; its "beatTimes"), essentia.js
// RhythmExtractor2013 degara's ticks, and Debian aubio-tools' `aubio beat`.
//
//   node --import tsx test/bench/beat-accuracy.ts [--out test/output/eval] [--set dev,test] [--limit N] [--json OUT]
//     [--no-peers] [--verbose] [--manifest manifest.json]   (dev2: --manifest manifest-dev2.json --set dev2)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { TempoAnalyser, type TempoResult } from '../../main/engine/analysis/tempo';
import type { EvalItem } from '../../tools/eval/build-set';
import { beatF, EARLY_SEC, earlyBeats, F_WINDOW_SEC, TIGHT_SEC, TRIM_SEC, truthBeats } from '../../tools/eval/beat-f';
import { ess, monoWav, qmHarness } from './peers';
import { acc1 } from '../../tools/eval/tempo-metrics';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'test/output/eval' },
    set: { type: 'string', default: 'dev,test' },
    manifest: { type: 'string', default: 'manifest.json' },
    limit: { type: 'string' },
    json: { type: 'string' },
    'no-peers': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});

const OUT = args.out;
const sets = args.set.split(',');
const manifest = JSON.parse(readFileSync(join(OUT, args.manifest), 'utf8')) as { items: EvalItem[] };
let items = manifest.items.filter((it) => sets.includes(it.set) && it.sourceKind === 'mma' && typeof it.bpm === 'number' && it.bpm > 0);
if (args.limit) items = items.slice(0, Number(args.limit));

/** A tracker's answer for one file: its tempo (BPM; null: none) and beat times (s). */
interface Beats {
  bpm: number | null;
  beats: number[];
}
const PEERS: Record<string, (mono: Float32Array, wav: string) => Beats> = {
  'qm-dsp (Mixxx)': (mono) => {
    const r = spawnSync(qmHarness(OUT), ['44100'], { input: Buffer.from(mono.buffer, mono.byteOffset, mono.byteLength), encoding: 'utf8', maxBuffer: 1 << 22 });
    const j = JSON.parse(r.stdout) as { bpm: number; beatTimes?: number[] };
    if (!j.beatTimes) throw new Error('qm-harness printed no beatTimes: rebuild it from tools/eval/qm-harness.cpp');
    return { bpm: j.bpm > 0 ? j.bpm : null, beats: j.beatTimes };
  },
  'essentia degara': (mono) => {
    const v = ess().arrayToVector(mono);
    const r = ess().RhythmExtractor2013(v, 208, 'degara', 40);
    const ticks = Array.from(ess().vectorToArray(r.ticks) as Float32Array);
    v.delete?.();
    return { bpm: r.bpm > 0 ? r.bpm : null, beats: ticks };
  },
  'aubio beat': (_m, wav) => {
    const r = spawnSync('aubio', ['beat', wav], { encoding: 'utf8', maxBuffer: 1 << 22 });
    const beats = (r.stdout ?? '').split('\n').map(Number).filter((t) => Number.isFinite(t) && t >= 0);
    const ibi = beats.slice(1).map((t, i) => t - beats[i]).sort((a, b) => a - b);
    return { bpm: ibi.length ? 60 / ibi[ibi.length >> 1] : null, beats };
  },
};

interface Row {
  file: string;
  set: string;
  category: string;
  bpm: number;
  /** per method: its tempo, beat F, beat count, and its first EARLY_SEC s (earlyBeats: F untrimmed, mean offset and |offset|, s) */
  results: Record<string, { bpm: number | null; f: number; f20: number; n: number; early: ReturnType<typeof earlyBeats> }>;
}
const rows: Row[] = [];
for (const it of items) {
  const path = join(OUT, it.set, it.file);
  const run = await analyzeFile(path, [new TempoAnalyser()]);
  const tempo = run.results.tempo as TempoResult;
  const ref = truthBeats(it, run.durationSec);
  const results: Row['results'] = { ours: { bpm: tempo.bpm, f: beatF(tempo.beats, ref), f20: beatF(tempo.beats, ref, TIGHT_SEC), n: tempo.beats.length, early: earlyBeats(tempo.beats, ref) } };
  if (!args['no-peers']) {
    const d = monoWav(path, OUT);
    for (const [name, fn] of Object.entries(PEERS)) {
      const b = fn(d.mono, d.wav);
      results[name] = { bpm: b.bpm, f: beatF(b.beats, ref), f20: beatF(b.beats, ref, TIGHT_SEC), n: b.beats.length, early: earlyBeats(b.beats, ref) };
    }
  }
  rows.push({ file: it.file, set: it.set, category: it.category, bpm: it.bpm as number, results });
  if (args.verbose)
    console.log(`${it.set}/${it.file} ${it.bpm}: ` + Object.entries(results).map(([k, r]) => `${k} ${r.bpm?.toFixed(1) ?? '–'} F ${r.f.toFixed(2)} F20 ${r.f20.toFixed(2)} early F ${r.early.f?.toFixed(2) ?? '–'} |off| ${r.early.meanAbsOffset === null ? '–' : (r.early.meanAbsOffset * 1000).toFixed(0)} ms`).join(', '));
}

const methods = Object.keys(rows[0]?.results ?? {});
const mean = (xs: number[]) => (xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : NaN);
console.log(`\n${rows.length} MMA renders (${sets.join(' + ')}), beats scored after ${TRIM_SEC} s, ±${F_WINDOW_SEC * 1000} ms (F@20: ±${TIGHT_SEC * 1000} ms)`);
console.log('| method | beat F, all files | files with the tempo right (Acc1) | beat F there | F@20 there | files with F ≥ 0.8 |');
console.log('| --- | --: | --: | --: | --: | --: |');
for (const m of methods) {
  const all = rows.map((r) => r.results[m].f);
  const right = rows.filter((r) => acc1(r.results[m].bpm, r.bpm));
  console.log(`| ${m} | ${mean(all).toFixed(3)} | ${right.length} / ${rows.length} | ${mean(right.map((r) => r.results[m].f)).toFixed(3)} | ${mean(right.map((r) => r.results[m].f20)).toFixed(3)} | ${all.filter((f) => f >= 0.8).length} |`);
}
// the first EARLY_SEC s, which the F above skips the first TRIM_SEC of (a tracker's start-up), on the files with the tempo right
const early = (xs: (number | null)[]) => mean(xs.filter((x): x is number => x !== null));
console.log(`\nfirst ${EARLY_SEC} s (earlyBeats), files with the tempo right (Acc1) and a written beat there (not an intro that outlasts it): F untrimmed ±${F_WINDOW_SEC * 1000} ms, mean offset of the nearest beat (+: late), mean |offset|`);
console.log('| method | files | early F | mean offset, ms | mean abs offset, ms |');
console.log('| --- | --: | --: | --: | --: |');
for (const m of methods) {
  const right = rows.filter((r) => acc1(r.results[m].bpm, r.bpm) && r.results[m].early.f !== null).map((r) => r.results[m].early);
  console.log(`| ${m} | ${right.length} | ${early(right.map((e) => e.f)).toFixed(3)} | ${(1000 * early(right.map((e) => e.meanOffset))).toFixed(1)} | ${(1000 * early(right.map((e) => e.meanAbsOffset))).toFixed(1)} |`);
}
for (const s of sets) {
  const rs = rows.filter((r) => r.set === s);
  if (rs.length) console.log(`${s} (${rs.length}): ` + methods.map((m) => `${m} ${mean(rs.map((r) => r.results[m].f)).toFixed(3)} (F@20 ${mean(rs.map((r) => r.results[m].f20)).toFixed(3)})`).join(', '));
}
if (args.json) writeFileSync(args.json, JSON.stringify(rows, null, 1));
