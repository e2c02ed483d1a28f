// Session 19 tester26 (a DJ's first run of `studio analyze`): two numbers the command printed that did not agree with
// what it (and the library) shows elsewhere. Needs `npm run build`.
//  1. The features line rounded the unrounded integrated loudness to 0.1 LU while the library stores it to 0.01 and
//     shows that to 0.1: a 997 Hz tone at -19.675 dB measures -40.7496… LUFS, stored -40.75, shown -40.8 in the table
//     and the detail's header, but "Loudness: -40.7 LUFS." in the features line beside it (double rounding).
//  2. `--bpm-range` narrower than an octave says once that some tempos are "marked as outside it", but the tempo line
//     of such a tempo carried no mark, and a folded tempo did not say what was analysed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, media } from '../helpers/media';

const bin = join(ROOT, 'bin', 'studio.js');

test('studio analyze --json: the features line states the loudness as the library shows it (one rounding, not two)', () => {
  // a steady tone whose integrated loudness lies within 0.005 LU of a 0.05 boundary: -40.7496… LUFS
  const tone = media('tester26-lufs-997hz-19.675db.wav', ['-f', 'lavfi', '-i', 'sine=frequency=997:sample_rate=44100:duration=4', '-af', 'volume=-19.675dB', '-c:a', 'pcm_s16le']);
  const r = spawnSync(process.execPath, [bin, 'analyze', tone, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const line = JSON.parse(r.stdout.trim()) as { lufs: number; features: string };
  const stated = /Loudness: (-?\d+\.\d) LUFS\./.exec(line.features)?.[1];
  assert.ok(stated, line.features);
  // the table and the detail panel show lufs.toFixed(1) (renderer fmtDb); the features line must say the same
  assert.equal(stated, line.lufs.toFixed(1), `features "${line.features}" beside lufs ${line.lufs}`);
});

test('studio analyze --bpm-range: a folded tempo names the analysed one, a tempo outside a narrow range is marked', () => {
  // clicks at 174 BPM (a drum-and-bass tempo): in 70-140 it is shown at 87; in 120-130 neither 87 nor 174 fits
  const clicks = media('tester26-clicks-174bpm.wav', ['-f', 'lavfi', '-i', `aevalsrc='if(lt(mod(t,${(60 / 174).toFixed(6)}),0.02),0.8*sin(2*PI*1000*t),0)':s=44100:d=12`, '-c:a', 'pcm_s16le']);
  const plain = spawnSync(process.execPath, [bin, 'analyze', clicks], { encoding: 'utf8' });
  assert.equal(plain.status, 0, plain.stderr);
  const analysed = Number(/tempo {7}(\d+(?:\.\d+)?) BPM/.exec(plain.stdout)?.[1]);
  assert.ok(Math.abs(analysed - 174) < 2, plain.stdout);
  assert.doesNotMatch(plain.stdout, /analysed|outside/, 'without a range nothing is folded');

  const folded = spawnSync(process.execPath, [bin, 'analyze', clicks, '--bpm-range', '70-140'], { encoding: 'utf8' });
  assert.equal(folded.status, 0, folded.stderr);
  const tempo = /tempo {7}(.*)/.exec(folded.stdout)?.[1] ?? '';
  assert.match(tempo, new RegExp(`^${analysed / 2} BPM \\(confidence [\\d.]+\\) — in 70–140, analysed ${analysed} BPM$`), folded.stdout);

  const narrow = spawnSync(process.execPath, [bin, 'analyze', clicks, '--bpm-range', '120-130'], { encoding: 'utf8' });
  assert.equal(narrow.status, 0, narrow.stderr);
  assert.match(narrow.stderr, /marked as outside it/);
  const tempoN = /tempo {7}(.*)/.exec(narrow.stdout)?.[1] ?? '';
  // 174 is nearer 120–130 than 87 on a log scale: shown as analysed, and marked
  assert.match(tempoN, new RegExp(`^${analysed} BPM \\(confidence [\\d.]+\\) ↕ outside 120–130: neither doubled nor halved falls in it$`), narrow.stdout);
});
