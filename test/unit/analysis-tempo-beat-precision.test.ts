// beats38 (tempo analyser 21): the beat grid's beats where the onsets are, to the millisecond a DJ's grid needs.
// (a) the onset envelope's frame 0 has no flux (no frame before it), so a note at 0 s — a DJ edit that starts on the
// downbeat with no silence — had no onset, and the grid's first beat sat on frame 0's centre, 23 ms late (or was
// trimmed); (b) beats sat on whole envelope frames (hop 256 at 11,025 Hz: 23.2 ms), a 0–23 ms saw-tooth against the
// clicks. The inputs are what a user's files are: ffmpeg's aevalsrc renders a click track (an 80 Hz thump and a noise
// burst, each decaying in 30 ms, over a quiet 220 Hz tone), encoded by Debian's `flac` and `lame` (whose encoder delay
// ffmpeg removes from its LAME tag), decoded by the analysis's own ffmpeg run (analyzeFile).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeFile } from '../../main/engine/analysis/run';
import { refineBeat, TempoAnalyser, type TempoResult } from '../../main/engine/analysis/tempo';
import { OUTPUT } from '../helpers/media';

const OUT = join(OUTPUT, 'analysis-tempo-beat-precision');

/** A 20 s click track, a click at `offSec` + k · 60 / `bpm` s, as WAV by ffmpeg and then `enc` ('flac' or 'lame'); its path. */
function clickTrack(name: string, offSec: number, bpm: number, enc: 'flac' | 'lame'): string {
  mkdirSync(OUT, { recursive: true });
  const P = 60 / bpm;
  const u = `(t-${offSec})`;
  const ph = `(${u}-${P}*floor(${u}/${P}))`;
  const expr = `gte(${u},0)*exp(-${ph}/0.03)*(0.5*sin(2*PI*80*${ph})+0.25*(2*random(0)-1))+0.03*sin(2*PI*220*t)`;
  const wav = join(OUT, `${name}.wav`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc='${expr}':s=44100:d=20`, '-c:a', 'pcm_s16le', wav]);
  if (enc === 'flac') {
    const out = join(OUT, `${name}.flac`);
    execFileSync('flac', ['-s', '-f', '-o', out, wav], { stdio: 'ignore' });
    return out;
  }
  const out = join(OUT, `${name}.mp3`);
  execFileSync('lame', ['--quiet', '-b', '192', wav, out]);
  return out;
}

async function tempoOf(path: string): Promise<TempoResult> {
  return (await analyzeFile(path, [new TempoAnalyser()])).results.tempo as TempoResult;
}

/** Each stated beat's error against the nearest click (s; > 0: late). */
function errors(beats: number[], offSec: number, bpm: number): number[] {
  const P = 60 / bpm;
  return beats.map((b) => b - (offSec + Math.round((b - offSec) / P) * P));
}

const tools = ['flac', 'lame'].every((t) => spawnSync('which', [t]).status === 0);

describe('the beat grid to the millisecond (tempo 21, beats38)', { skip: !tools && 'flac and lame are needed (.ci/run installs them)' }, () => {
  it('clicks at 120 BPM from 11.7 ms (FLAC): every beat within 12 ms of its click, mean |error| under 6 ms; tempo 20 was up to 17 ms late (whole frames)', async () => {
    const r = await tempoOf(clickTrack('clicks-120-off11.7ms', 0.0117, 120, 'flac'));
    assert.equal(r.bpm, 120);
    // one beat per click: 40 clicks in 20 s
    assert.ok(r.beats.length >= 39, `${r.beats.length} beats`);
    const e = errors(r.beats, 0.0117, 120);
    const worst = Math.max(...e.map(Math.abs));
    const meanAbs = e.reduce((s, v) => s + Math.abs(v), 0) / e.length;
    // a period of 21.53 frames walks the clicks through every position in a frame: on whole frames the errors spread
    // over 0–23 ms (tempo 20: worst 17.3 ms, mean |error| 7.8 ms on this file; tempo 21: 9.7 and 4.9 ms, the flux's
    // centre a few ms before the click)
    assert.ok(worst <= 0.012, `worst error ${(worst * 1000).toFixed(1)} ms; beats ${r.beats.slice(0, 6).join(', ')}`);
    assert.ok(meanAbs < 0.006, `mean |error| ${(meanAbs * 1000).toFixed(1)} ms`);
  });

  it('clicks at 123 BPM from 0 s (MP3 by lame): the first beat at 0 s, not on frame 0\'s centre (tempo 20: 0.023 s)', async () => {
    const r = await tempoOf(clickTrack('clicks-123-at0', 0, 123, 'lame'));
    assert.equal(r.bpm, 123);
    assert.ok(r.beats[0] <= 0.005, `first beat at ${r.beats[0]} s, the first click at 0 s`);
    const e = errors(r.beats, 0, 123);
    // tempo 21: 7.4 ms (tempo 20: 23.0 ms, the first beat)
    assert.ok(Math.max(...e.map(Math.abs)) <= 0.01, `worst error ${(Math.max(...e.map(Math.abs)) * 1000).toFixed(1)} ms`);
  });
});

describe('refineBeat: a beat moved inside its frame to the flux-weighted centre of the onset', () => {
  it('an onset split between two frames lies between them, nearer the larger; a lone peak stays; no flux: the frame itself', () => {
    const env = new Float32Array(12);
    env[4] = 3;
    env[5] = 1;
    // peak 4 (its neighbours 0 and 1): 4 + (1 − 0) / 4 = 4.25, whether the tracker said frame 4 or 5
    assert.equal(refineBeat(env, 4), 4.25);
    assert.equal(refineBeat(env, 5), 4.25);
    env[9] = 2;
    assert.equal(refineBeat(env, 9), 9);
    // frame 1 has no flux within a frame: unchanged
    assert.equal(refineBeat(env, 1), 1);
    // a peak at the first frame: the frame before counts 0 (the start frame)
    const first = new Float32Array([4, 1, 0, 0]);
    assert.equal(refineBeat(first, 0), 0.2);
  });

  it('stays within one frame of the tracker\'s: the larger flux two frames off is not followed', () => {
    const env = new Float32Array([0, 0, 0, 1, 0, 9, 9, 0]);
    // beat at 3; the largest of 2..4 is 3 itself (1), its neighbours 0 and 0
    assert.equal(refineBeat(env, 3), 3);
    // beat at 4 (flux 0): the largest of 3..5 is 5 (9), centre 5 + (9 − 0)/18 = 5.5, kept to 4 + 1
    assert.equal(refineBeat(env, 4), 5);
  });
});
