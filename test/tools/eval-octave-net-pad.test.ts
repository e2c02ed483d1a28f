// tools/eval/octave-net-train.py --write-arm with a part of the 'lock' group (helper tempo22's L2: columns 59-60 of
// octave-net.ts --soft --lock rows): the product computes all 7 lock columns, so the weights are written for the whole
// group with the columns the model did not use at mu 0, sd 1 and weight 0 (pad_lock). Then octaveNetScore must not
// depend on those columns and must depend on the ones used. Rows are synthetic (40 files, one per family); needs torch.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { octaveNetScore } from '../../main/engine/analysis/octave-net';
import type { OctaveNetWeights } from '../../main/engine/analysis/octave-net-weights';
import { mulberry32 } from '../helpers/prng';
import { PY } from './helpers';

function torchAvailable(): boolean {
  try {
    execFileSync(PY, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const DIR = resolve('test/output/eval-octave-net-pad');
/** the base columns (0-44) and the lock group's seven (55-61) of a 62-column row, as the product orders them */
const PRODUCT_COLS = [...Array(45).keys(), 55, 56, 57, 58, 59, 60, 61];

test('a part of the lock group is written as the whole group, the unused columns weighed 0', { skip: torchAvailable() ? false : 'no torch for /usr/bin/python3' }, async () => {
  mkdirSync(DIR, { recursive: true });
  const rnd = mulberry32(5);
  const rows = Array.from({ length: 40 }, (_, i) => {
    const t = 80 + 80 * rnd();
    const right = Math.floor(rnd() * 3);
    const cands = [0.5, 1, 2].map((ratio, j) => {
      const f = Array.from({ length: 62 }, () => rnd() * 2 - 1);
      // column 59 (onsets per beat) tells the right candidate, with noise; the other lock columns are noise
      f[59] += j === right ? 1.5 : 0;
      return { bpm: t * ratio, ratio, f };
    });
    return { set: 'dev', file: `f${i}.mp3`, family: `fam${i}`, category: 'pop', bpm: cands[right].bpm, shipped: t, cands };
  });
  writeFileSync(join(DIR, 'rows.json'), JSON.stringify(rows));
  const out = join(DIR, 'w-pad.ts');
  execFileSync(PY, ['tools/eval/octave-net-train.py', '--rows', join(DIR, 'rows.json'), '--models', '4:0.01', '--write-arm', 'p=0-44,59-60', '--weights-out', out], { stdio: 'ignore' });
  const W: OctaveNetWeights = (await import(pathToFileURL(out).href + `?t=${Date.now()}`)).OCTAVE_NET;
  assert.deepEqual(W.extra, ['lock']);
  for (const v of [W.mu, W.sd, W.linear, ...W.w1]) assert.equal(v.length, PRODUCT_COLS.length);
  for (const c of [55, 56, 57, 58, 61]) {
    const i = PRODUCT_COLS.indexOf(c);
    assert.equal(W.mu[i], 0);
    assert.equal(W.sd[i], 1);
    assert.equal(W.linear[i], 0);
    for (const row of W.w1) assert.equal(row[i], 0);
  }
  const i59 = PRODUCT_COLS.indexOf(59);
  assert.ok(W.linear[i59] !== 0 || W.w1.some((row) => row[i59] !== 0), 'column 59 is used');
  // the score ignores the unused lock columns and follows the used one
  for (const r of rows.slice(0, 5))
    for (const c of r.cands) {
      const x = PRODUCT_COLS.map((k) => c.f[k]);
      const y = x.slice();
      for (const k of [55, 56, 57, 58, 61]) y[PRODUCT_COLS.indexOf(k)] = 100 * (rnd() - 0.5);
      assert.equal(octaveNetScore(y, W), octaveNetScore(x, W));
      const z = x.slice();
      z[i59] += 3;
      assert.notEqual(octaveNetScore(z, W), octaveNetScore(x, W));
    }
});
