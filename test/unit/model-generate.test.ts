import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argmax, minNewTokensBan, Rng, selectToken } from '../../main/engine/model/generate/sampling';
import { TextStreamer } from '../../main/engine/model/generate/streamer';

test('greedy picks the first maximum', () => {
  assert.equal(argmax([0, 3, 1, 3]), 1);
  assert.equal(selectToken(Float32Array.from([1, 2, 9, 4]), { greedy: true, temperature: 0.1, topP: 1 }, new Rng(1)), 2);
});

test('sampling is reproducible for a seed and follows the distribution', () => {
  const logits = Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.2)]);
  const draw = (seed: number, k: number) => {
    const r = new Rng(seed);
    return Array.from({ length: k }, () => selectToken(logits, { greedy: false, temperature: 1, topP: 1 }, r));
  };
  assert.deepEqual(draw(42, 50), draw(42, 50));
  assert.notDeepEqual(draw(42, 50), draw(43, 50));
  const counts = [0, 0, 0];
  for (const t of draw(7, 20000)) counts[t]++;
  assert.ok(Math.abs(counts[0] / 20000 - 0.5) < 0.02, String(counts));
  assert.ok(Math.abs(counts[2] / 20000 - 0.2) < 0.02, String(counts));
});

test('top-p keeps only the nucleus; low temperature concentrates on the best token', () => {
  const logits = Float32Array.from([Math.log(0.6), Math.log(0.3), Math.log(0.1)]);
  const r = new Rng(3);
  for (let i = 0; i < 2000; i++) assert.notEqual(selectToken(logits, { greedy: false, temperature: 1, topP: 0.85 }, r), 2);
  const cold = Array.from({ length: 500 }, () => selectToken(logits, { greedy: false, temperature: 0.1, topP: 1 }, r));
  assert.ok(cold.filter((t) => t === 0).length > 495);
});

test('min_new_tokens: the end ids are banned before N new tokens, then allowed (HF MinNewTokensLengthLogitsProcessor)', () => {
  assert.deepEqual([...minNewTokensBan(0, 3, [2, 285])!], [2, 285]);
  assert.deepEqual([...minNewTokensBan(2, 3, [2])!], [2]);
  assert.equal(minNewTokensBan(3, 3, [2]), undefined);
  assert.equal(minNewTokensBan(0, 0, [2]), undefined);
  // a toy model whose EOS (id 2) is by far the most likely token at every step: greedy and
  // sampled answers end exactly at the first step where EOS is allowed, never before
  const logits = Float32Array.from([0, 1, 20, 0.5]);
  for (const greedy of [true, false]) {
    const r = new Rng(5);
    const ids: number[] = [];
    for (let n = 0; n < 100; n++) {
      const id = selectToken(logits, { greedy, temperature: 1, topP: 1, banned: minNewTokensBan(n, 7, [2]) }, r);
      ids.push(id);
      if (id === 2) break;
    }
    assert.equal(ids.length, 8, `greedy=${greedy}: ${ids}`);
    assert.equal(ids.indexOf(2), 7);
    if (greedy) assert.deepEqual(ids.slice(0, 7), [1, 1, 1, 1, 1, 1, 1], 'the next best token while EOS is banned');
  }
  assert.deepEqual(logits, Float32Array.from([0, 1, 20, 0.5]), 'the logits are not changed');
});

test('a banned token is never sampled; the rest keep their relative odds, with and without top-p', () => {
  const logits = Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.2)]);
  const r = new Rng(11);
  const counts = [0, 0, 0];
  for (let i = 0; i < 20000; i++) counts[selectToken(logits, { greedy: false, temperature: 1, topP: 1, banned: new Set([0]) }, r)]++;
  assert.equal(counts[0], 0);
  assert.ok(Math.abs(counts[1] / 20000 - 0.6) < 0.02, String(counts));
  // top-p 0.5 over the renormalised 0.6 / 0.4: only token 1
  for (let i = 0; i < 2000; i++) assert.equal(selectToken(logits, { greedy: false, temperature: 1, topP: 0.5, banned: new Set([0]) }, r), 1);
  // ids outside the vocabulary change nothing; banning every id is ignored rather than dividing by zero
  assert.equal(selectToken(logits, { greedy: true, temperature: 1, topP: 1, banned: new Set([7, -1]) }, r), 0);
  assert.equal(selectToken(logits, { greedy: true, temperature: 1, topP: 1, banned: new Set([0, 1, 2]) }, r), 0);
  const s = selectToken(logits, { greedy: false, temperature: 1, topP: 1, banned: new Set([0, 1, 2]) }, r);
  assert.ok(s >= 0 && s <= 2);
});

/** A toy byte-level decoder: ids are bytes; invalid UTF-8 becomes U+FFFD like ByteFallback. */
const decodeBytes = (ids: number[]) => new TextDecoder('utf-8').decode(Uint8Array.from(ids));
const bytes = (s: string) => [...new TextEncoder().encode(s)];

test('the streamer never emits a broken multi-byte character', () => {
  const st = new TextStreamer(decodeBytes);
  const out: string[] = [];
  for (const b of bytes('café 🎵!')) out.push(st.push(b));
  out.push(st.finish());
  assert.equal(out.join(''), 'café 🎵!');
  assert.ok(out.every((piece) => !piece.includes('\ufffd')));
  // the emoji's four bytes produce output only once complete
  const idx = out.findIndex((p) => p.includes('🎵'));
  assert.deepEqual(out.slice(idx - 3, idx), ['', '', '']);
});

test('the streamer stops at "\\n###" and never shows its beginning', () => {
  const st = new TextStreamer(decodeBytes);
  let shown = '';
  for (const b of bytes('A minor.\n## no\n###Human: hi')) {
    shown += st.push(b);
    if (st.done) break;
  }
  shown += st.finish();
  assert.equal(shown, 'A minor.\n## no');
  assert.equal(st.answer, 'A minor.\n## no');
  assert.equal(st.done, true);
});

test('a held-back newline is released at the end', () => {
  const st = new TextStreamer(decodeBytes);
  let shown = '';
  for (const b of bytes('Done.\n')) shown += st.push(b);
  assert.equal(shown, 'Done.');
  assert.equal(shown + st.finish(), 'Done.\n');
});

test('a subnormal temperature (1e-320) samples the most likely token instead of NaN (issue 15)', () => {
  const r = new Rng(7);
  const logits = Float32Array.from([0.5, -3, 2.25, 2.0, 1e-3]);
  for (const temperature of [1e-320, Number.MIN_VALUE, 1e-12]) {
    for (let i = 0; i < 50; i++) assert.equal(selectToken(logits, { greedy: false, temperature, topP: 0.9 }, r), 2);
    for (let i = 0; i < 50; i++) assert.equal(selectToken(logits, { greedy: false, temperature, topP: 1 }, r), 2);
  }
});
