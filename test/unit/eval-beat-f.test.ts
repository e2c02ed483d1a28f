// Issue 11, session 30: the beat-tracking F-measure of test/bench/beat-accuracy.ts (tools/eval/beat-f.ts) — MIREX's
// ±70 ms window, one match per true beat, mir_eval's 5 s trim — and the written beat grid of an MMA render.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { beatF, EARLY_SEC, earlyBeats, truthBeats } from '../../tools/eval/beat-f';
import { firstNoteSec, midiBeats } from '../../tools/eval/beat-start';

const grid = (start: number, period: number, end: number) => Array.from({ length: Math.ceil((end - start) / period) }, (_, k) => start + k * period);

describe('beat F-measure (MIREX, mir_eval.beat.f_measure)', () => {
  const ref = grid(0, 0.5, 30); // 120 BPM for 30 s
  it('the written beats score 1; the off-beats (anti-phase) 0', () => {
    assert.equal(beatF(ref, ref), 1);
    assert.equal(beatF(ref.map((t) => t + 0.25), ref), 0);
  });
  it('double tempo: precision ½, recall 1, F ⅔; half tempo: precision 1, recall ½, F ⅔', () => {
    assert.ok(Math.abs(beatF(grid(0, 0.25, 30), ref) - 2 / 3) < 1e-12);
    assert.ok(Math.abs(beatF(grid(0, 1, 30), ref) - 2 / 3) < 1e-12);
  });
  it('±70 ms: 69 ms late is a match, 71 ms late is not', () => {
    assert.equal(beatF(ref.map((t) => t + 0.069), ref), 1);
    assert.equal(beatF(ref.map((t) => t + 0.071), ref), 0);
  });
  it('each true beat matches one estimate: two estimates 20 ms apart at every beat give precision ½', () => {
    const off = grid(0.2, 0.5, 30); // no beat near the 5 s trim
    const twice = off.flatMap((t) => [t - 0.01, t + 0.01]);
    assert.ok(Math.abs(beatF(twice, off) - 2 / 3) < 1e-12);
  });
  it('beats before 5 s count for neither list (trim_beats); nothing left scores 0', () => {
    const wrongEarly = [...ref.filter((t) => t < 5).map((t) => t + 0.25), ...ref.filter((t) => t >= 5)];
    assert.equal(beatF(wrongEarly, ref), 1);
    assert.equal(beatF([1, 2, 3], ref), 0);
    assert.equal(beatF(ref, []), 0);
  });
});

describe('written beats of an MMA render', () => {
  it('start at the end of the intro, one period apart, below the decoded length', () => {
    assert.deepEqual(truthBeats({ bpm: 120, introSec: 2 }, 4), [2, 2.5, 3, 3.5]);
    assert.deepEqual(truthBeats({ bpm: 60, introSec: 0 }, 3.5), [0, 1, 2, 3]);
  });
  it('refuse an item without a tempo (a drone)', () => {
    assert.throws(() => truthBeats({ bpm: null as unknown as number, introSec: 0 }, 10), /no tempo/);
  });
});

// Session 37 (beats37): a tracker's first beats, which beatF's 5 s trim hides — a DJ tester saw openmsx's
// boogi_marabi_redfarn.mid with its first ~22 beats ~100 ms off the rest. earlyBeats scores the first EARLY_SEC s.
describe('earlyBeats: the first 10 s against the written beats', () => {
  const ref = grid(0, 0.5, 30);
  const close = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${a} ≠ ${b}`);
  it('the written beats: F 1, no offset; all 100 ms late: F 0 at ±70 ms, offset +100 ms', () => {
    const right = earlyBeats(ref, ref);
    assert.equal(right.f, 1);
    close(right.meanOffset, 0);
    assert.deepEqual([right.found, right.written, EARLY_SEC], [20, 20, 10]);
    const late = earlyBeats(ref.map((t) => t + 0.1), ref);
    assert.equal(late.f, 0);
    close(late.meanOffset, 0.1);
    close(late.meanAbsOffset, 0.1);
  });
  it('the first 12 beats (6 s) 100 ms late, then right: beatF sees 2 misses of 50 (F 48/50), earlyBeats F 8/20 and +60 ms', () => {
    const est = ref.map((t, k) => (k < 12 ? t + 0.1 : t));
    // beatF scores from 5 s: beats 10 and 11 (5.1, 5.6 s) miss their written beats; the rest match
    close(beatF(est, ref), 48 / 50);
    const e = earlyBeats(est, ref);
    close(e.f, 8 / 20);
    close(e.meanOffset, (12 * 0.1) / 20);
    assert.equal(e.found, 20);
  });
  it('an early side is signed: 120 ms early is −120 ms; a beat with no estimate within half a period is not found', () => {
    const e = earlyBeats(ref.filter((_, k) => k % 2 === 0).map((t) => t - 0.12), ref);
    close(e.meanOffset, -0.12);
    assert.deepEqual([e.found, e.written], [10, 20]);
  });
  it('no written beat in the first 10 s (an intro that outlasts it): F null, nothing found', () => {
    const e = earlyBeats([4, 4.5, 11, 11.5], grid(12, 0.5, 30));
    assert.deepEqual(e, { f: null, meanOffset: null, meanAbsOffset: null, found: 0, written: 0 });
  });
});

describe('midiBeats: a MIDI file\'s written beats through its tempo map', () => {
  const mmaOk = spawnSync('which', ['mma']).status === 0;
  it('MMA (Debian mma) writing 4 bars at 120 then 2 at 90: beats 0.5 s apart, then 2/3 s', { skip: !mmaOk && 'mma is needed (.ci/run installs it)' }, () => {
    const dir = 'test/output/eval-beat-f';
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tempo-change.mma'), 'Tempo 120\nGroove 50sRock\n1 C\n2 F\n3 G\n4 C\nTempo 90\n5 C\n6 G\n');
    execFileSync('mma', [join(dir, 'tempo-change.mma'), '-f', join(dir, 'tempo-change.mid')], { stdio: 'ignore' });
    const bytes = readFileSync(join(dir, 'tempo-change.mid'));
    const beats = midiBeats(bytes);
    // 16 beats at 120 BPM, the change at 8 s (bar 5), then 90 BPM to the end of bar 6
    assert.deepEqual(beats.slice(0, 17).map((t) => Math.round(t * 1000)), Array.from({ length: 17 }, (_, k) => 500 * k));
    assert.deepEqual(beats.slice(16, 24).map((t) => Math.round(t * 1000)), [8000, 8667, 9333, 10000, 10667, 11333, 12000, 12667]);
    assert.equal(firstNoteSec(bytes), 0);
    assert.deepEqual(midiBeats(bytes, 384).slice(0, 3), [0, 1, 2]);
  });
  const boogie = '/usr/share/games/openttd/baseset/openmsx/boogi_marabi_redfarn.mid';
  it('openttd-openmsx boogi_marabi_redfarn.mid: 392,156 µs a quarter (153.0 BPM) throughout, from 0 s', { skip: !existsSync(boogie) && 'openttd-openmsx is not installed' }, () => {
    const beats = midiBeats(readFileSync(boogie));
    assert.equal(beats.length, 256); // its last event at tick 65,281, division 256
    for (let k = 0; k < beats.length; k++) assert.ok(Math.abs(beats[k] - k * 0.392156) < 1e-9, `beat ${k}: ${beats[k]}`);
  });
});
