// tools/eval/tempo-metrics.ts: MIREX tempo Acc1 / Acc2, the one definition every tools/eval script and benchmark
// (analysis-accuracy, beat-accuracy, calibrate, dev-cache, …) now imports instead of its own copy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acc1, acc2 } from '../../tools/eval/tempo-metrics';

test('Acc1 counts an estimate within 4 % of the true tempo, inclusive, and nothing else', () => {
  assert.equal(acc1(120, 120), true);
  assert.equal(acc1(124.8, 120), true); // exactly +4 %
  assert.equal(acc1(115.2, 120), true); // exactly −4 %
  assert.equal(acc1(124.9, 120), false);
  assert.equal(acc1(115.1, 120), false);
  assert.equal(acc1(240, 120), false); // double is not Acc1
});

test('Acc2 also counts ×2, ×½, ×3 and ×⅓ of the true tempo, not 4/3 or 2/3', () => {
  for (const est of [120, 240, 60, 360, 40, 243]) assert.equal(acc2(est, 120), true, `${est}`);
  for (const est of [160, 80, 180, 90]) assert.equal(acc2(est, 120), false, `${est}`);
});

test('no estimate or no truth counts as wrong in both', () => {
  for (const [e, r] of [[null, 120], [undefined, 120], [120, null], [120, undefined]] as const) {
    assert.equal(acc1(e, r), false);
    assert.equal(acc2(e, r), false);
  }
});
