// The converter's arithmetic (main/engine/model/convert/numeric.ts) on hand-checked values.
// Bit-identity with the Python converter's int4/int8 codes is held by test/tools/convert-ts.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dequantizeNbits, fromFloat16Bits, mergeLora, quantizeNbits, quantizeQ4_0, toFloat16Bits, transpose } from '../../main/engine/model/convert/numeric';

test('float16 rounding: exact values, ties to even, overflow, subnormals', () => {
  assert.equal(toFloat16Bits(1), 0x3c00);
  assert.equal(toFloat16Bits(-2), 0xc000);
  assert.equal(toFloat16Bits(65504), 0x7bff);
  assert.equal(toFloat16Bits(65520), 0x7c00); // rounds up to infinity
  assert.equal(toFloat16Bits(1 + 2 ** -11), 0x3c00); // tie → even
  assert.equal(toFloat16Bits(1 + 3 * 2 ** -11), 0x3c02); // tie → even (up)
  assert.equal(toFloat16Bits(2 ** -24), 0x0001); // smallest subnormal
  assert.equal(toFloat16Bits(2 ** -26), 0x0000);
  assert.ok(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN))));
  for (const h of [0x0001, 0x03ff, 0x0400, 0x3555, 0x7bff, 0xfbff]) assert.equal(toFloat16Bits(fromFloat16Bits(h)), h);
});

test('transpose of a non-square matrix larger than one block', () => {
  const R = 70, C = 131;
  const a = Float32Array.from({ length: R * C }, (_, i) => i);
  const t = transpose(a, R, C);
  for (const [r, c] of [[0, 0], [69, 130], [5, 100], [64, 64]]) assert.equal(t[c * R + r], a[r * C + c]);
});

test('LoRA merge: W + scale·B·A', () => {
  const W = Float32Array.from([1, 2, 3, 4]); // [2, 2]
  const A = Float32Array.from([1, 0]); // [1, 2]
  const B = Float32Array.from([2, 3]); // [2, 1]
  mergeLora(W, A, B, 2, 2, 1, 0.5);
  assert.deepEqual([...W], [2, 2, 4.5, 4]);
});

test('symmetric int4/int8: the block maximum is exact, every error within half a step, K padded', () => {
  const N = 3, K = 40; // two blocks, the second padded
  const w = Float32Array.from({ length: N * K }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 5)));
  for (const bits of [4, 8] as const) {
    const { packed, scales } = quantizeNbits(w, N, K, bits);
    assert.equal(packed.length, N * 2 * (32 * bits) / 8);
    const d = dequantizeNbits(packed, scales, N, K, bits);
    for (let n = 0; n < N; n++) {
      for (let b = 0; b < 2; b++) {
        const s = scales[n * 2 + b];
        for (let k = b * 32; k < Math.min(K, b * 32 + 32); k++) assert.ok(Math.abs(w[n * K + k] - d[n * K + k]) <= s / 2 + 1e-6, `${bits} bits n${n} k${k}`);
      }
    }
  }
});

test('Q4_0: the largest-magnitude value maps to code 0 (−8·d) and the step is max/8', () => {
  const w = new Float32Array(32).map((_, i) => (i === 3 ? -2 : (i - 16) / 16));
  const { packed, scales } = quantizeQ4_0(w, 1, 32);
  assert.equal(scales[0], 0.25); // −2 / −8
  assert.equal(packed[1] >> 4, 0); // element 3: the high nibble of byte 1 (low nibble first)
  const d = dequantizeNbits(packed, scales, 1, 32, 4);
  assert.equal(d[3], -2);
  for (let i = 0; i < 32; i++) assert.ok(Math.abs(d[i] - w[i]) <= 0.125 + 1e-7, `i${i}`);
});

test('Q4_0: a positive largest value gives a negative scale (code 0 is +max), an all-zero block decodes to zeros', () => {
  const w = new Float32Array(64);
  for (let i = 0; i < 32; i++) w[i] = i === 7 ? 1.5 : (i - 16) / 32;
  const { packed, scales } = quantizeQ4_0(w, 1, 64);
  assert.equal(scales[0], -0.1875); // 1.5 / −8, exact in fp16
  assert.equal(packed[3] >> 4, 0); // element 7: code 0 → (0 − 8)·(−0.1875) = 1.5
  assert.ok(scales[1] === 0); // −0 (0 / −8), as ggml and llama.py
  const d = dequantizeNbits(packed, scales, 1, 64, 4);
  assert.equal(d[7], 1.5);
  for (let i = 0; i < 32; i++) assert.ok(Math.abs(d[i] - w[i]) <= 0.1875 / 2 + 1e-7, `i${i}`);
  for (let i = 32; i < 64; i++) assert.ok(d[i] === 0, `i${i}`);
});
