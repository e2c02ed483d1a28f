// tools/eval/logistic.ts: the confidence maps' fit (calibrate.ts, key-tonic.ts). Rows drawn from a known logistic
// model are fitted back to it; an input whose weight comes out with the sign a map forbids is dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitLogistic, fitSigned, sigmoid, type LogisticSample } from '../../tools/eval/logistic';
import { mulberry32 } from '../helpers/prng';

type K = 'a' | 'b' | 'noise';

function draw(n: number, seed: number): LogisticSample<K>[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const x = { a: rnd() * 4 - 2, b: 10 + rnd() * 6, noise: rnd() };
    const p = sigmoid(0.5 + 1.5 * x.a - 0.8 * (x.b - 13));
    return { x, y: rnd() < p ? 1 : 0 };
  });
}

test('fitLogistic recovers a known model in the inputs\' own units (20 000 rows, tiny penalty)', () => {
  const m = fitLogistic(draw(20000, 7), ['a', 'b'], 1e-6);
  assert.deepEqual(m.inputs, ['a', 'b']);
  assert.ok(Math.abs(m.weights[0] - 1.5) < 0.1, `a: ${m.weights[0]}`);
  assert.ok(Math.abs(m.weights[1] + 0.8) < 0.06, `b: ${m.weights[1]}`);
  assert.ok(Math.abs(m.bias - (0.5 + 0.8 * 13)) < 0.8, `bias: ${m.bias}`);
});

test('a larger penalty shrinks the weights towards 0', () => {
  const rows = draw(2000, 3);
  const loose = fitLogistic(rows, ['a', 'b'], 1e-6);
  const tight = fitLogistic(rows, ['a', 'b'], 0.5);
  assert.ok(Math.abs(tight.weights[0]) < Math.abs(loose.weights[0]) * 0.7);
  assert.ok(Math.abs(tight.weights[1]) < Math.abs(loose.weights[1]) * 0.7);
});

test('fitSigned drops an input whose weight has the forbidden sign and keeps the rest', () => {
  const rows = draw(5000, 11);
  // b's true weight is negative: declared +1, it must go; a (+1) stays
  const m = fitSigned(rows, ['a', 'b', 'noise'], { a: 1, b: 1, noise: 1 }, 1e-4);
  assert.ok(!m.inputs.includes('b'), `inputs: ${m.inputs.join(', ')}`);
  assert.ok(m.inputs.includes('a'));
  m.inputs.forEach((f, i) => assert.ok(m.weights[i] >= 0, `${f}: ${m.weights[i]}`));
  // declared as it is, b stays
  const right = fitSigned<K>(rows, ['a', 'b'], { a: 1, b: -1, noise: 1 }, 1e-4);
  assert.deepEqual(right.inputs, ['a', 'b']);
});
