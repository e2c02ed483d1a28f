// The PCM reader's per-chunk path stays compiled (issue 11 throughput; BENCHMARKS.md "session 10"). Under node 20's
// V8 a loop compiled during a call (on-stack replacement) is reused by later calls; when the chunk reader's
// non-finite scan shared its function with the call to each output's `onFrames` (a different function per output)
// that compiled loop was dropped back to the interpreter about every third chunk, file after file (~120 times per
// 30 s track in `studio analyze`). Here: a child node analyses three MP3s (ffmpeg-made, 20 s of toneFile's chord)
// as the library does (both outputs of the decode, every library analyser) under --trace-deopt, and the reader's
// functions may leave compiled code a few times while V8 learns, not once per chunk; so may the loudness' K-weighting
// loops (kWeightedEnergy, kWeightedEnergy2), which fell out of their code at every sub-block the same way.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ROOT, toneFile } from '../helpers/media';

describe('PCM reader: compiled code', () => {
  it('the chunk reader is not deoptimised chunk after chunk (node --trace-deopt, 3 × 20 s MP3, the library analysers)', () => {
    const files = [0, 1, 2].map((i) => toneFile(`deopt-tone-${i}.mp3`, 20, ['-ar', '44100', '-b:a', `${128 + 32 * i}k`]));
    const script = `
      import { analyzeFile } from './main/engine/analysis/run';
      import { libraryAnalysers } from './main/engine/library/analyse';
      for (const f of ${JSON.stringify(files)}) await analyzeFile(f, libraryAnalysers(20));
    `;
    const r = spawnSync(process.execPath, ['--trace-deopt', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    const deopts = r.stdout.split('\n').filter((l) => /bailout .*deoptimizing 0x[0-9a-f]+ <JSFunction (deliver|samples|push|nonFiniteSum|zeroNonFinite) /.test(l));
    assert.ok(deopts.length <= 10, `${deopts.length} deoptimisations of the PCM reader's functions, e.g.\n${deopts.slice(0, 3).join('\n')}`);
    // the loudness' K-weighting loops, the same pattern: their loop compiled on the stack during the first call, before
    // the state stores after it had run, left that code at the stores in later calls (~40 times a 30 s track, speed36)
    const kw = r.stdout.split('\n').filter((l) => /bailout .*deoptimizing 0x[0-9a-f]+ <JSFunction kWeightedEnergy2? /.test(l));
    assert.ok(kw.length <= 4, `${kw.length} deoptimisations of the K-weighting loops, e.g.\n${kw.slice(0, 3).join('\n')}`);
  });

  it('the non-finite scan keeps its compiled code when a chunk length that is not a multiple of 4 first comes after it was compiled', () => {
    // The order of chunk lengths a pipe delivers depends on the machine's load (CI saw 155 deoptimisations here with
    // the first case's files); this case fixes the order: 50 whole groups of four (compiled), then 200 odd lengths.
    const script = `
      import { nonFiniteSum } from './main/engine/media/pcm';
      const whole = new Float32Array(16384).fill(0.5);
      const odd = new Float32Array(16382).fill(0.5);
      for (let k = 0; k < 50; k++) nonFiniteSum(whole);
      let s = 0;
      for (let k = 0; k < 200; k++) s += nonFiniteSum(odd) + nonFiniteSum(whole);
      if (s !== 0) throw new Error('finite samples summed to ' + s);
    `;
    const r = spawnSync(process.execPath, ['--trace-deopt', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    const deopts = r.stdout.split('\n').filter((l) => /bailout .*deoptimizing 0x[0-9a-f]+ <JSFunction nonFiniteSum /.test(l));
    assert.ok(deopts.length <= 2, `${deopts.length} deoptimisations of nonFiniteSum, e.g.\n${deopts.slice(0, 3).join('\n')}`);
  });
});
