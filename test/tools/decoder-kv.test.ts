// The KV-cache loop (main/engine/model/generate/decoder.ts) on a real tiny decoder: one
// pre-allocated past/present buffer (GroupQueryAttention's shared-buffer mode) gives the
// same logits as growing the cache step by step, and refuses to run past its capacity.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { KvDecoder, type DecoderShape } from '../../main/engine/model/generate/decoder';
import { ensureTinyPacks, maxAbsDiff, readJson, refsIndex, TINY_DIR } from './helpers';

let session: ort.InferenceSession;
let shape: DecoderShape;

before(async () => {
  ensureTinyPacks();
  const dir = join(TINY_DIR, refsIndex().packs['beta-fp32'].dir);
  const m = readJson<any>(join(dir, 'manifest.json'));
  assert.equal(m.llm.kv_cache, 'shared_buffer');
  session = await ort.InferenceSession.create(join(dir, m.graphs.decoder.file), { intraOpNumThreads: 1 });
  shape = { layers: m.llm.num_hidden_layers, heads: m.llm.num_attention_heads, headDim: m.llm.head_dim, hidden: m.llm.hidden_size, vocab: m.llm.vocab_size, half: false };
});

function rows(n: number, seed: number): Float32Array {
  const a = new Float32Array(n * shape.hidden);
  let s = seed;
  for (let i = 0; i < a.length; i++) a[i] = ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2;
  return a;
}

test('shared KV buffer = growing KV tensors, over a prompt, decode steps and a reset', async () => {
  const grow = new KvDecoder(session, shape);
  const shared = new KvDecoder(session, shape, 12);
  for (const seed of [1, 2]) {
    const steps: Array<[Float32Array, number]> = [[rows(6, seed), 6], [rows(1, seed + 10), 1], [rows(1, seed + 20), 1], [rows(2, seed + 30), 2]];
    for (const [r, T] of steps) {
      const a = await grow.append(r, T);
      const b = await shared.append(r, T);
      assert.equal(a.length, shape.vocab);
      assert.ok(maxAbsDiff(a, b) <= 1e-5, `step of ${T}: ${maxAbsDiff(a, b)}`);
    }
    assert.equal(shared.length, 10);
    grow.reset();
    shared.reset();
  }
});

test('the shared buffer refuses positions beyond its capacity', async () => {
  const d = new KvDecoder(session, shape, 4);
  await d.append(rows(4, 3), 4);
  await assert.rejects(d.append(rows(1, 4), 1), /holds 4 positions; 5 needed/);
});

test('the shared buffer grows from a few positions to its capacity: same logits as growing tensors', async () => {
  const grow = new KvDecoder(session, shape);
  const shared = new KvDecoder(session, shape, 40, 4); // 4 → 20 → 36 positions
  const steps: Array<[Float32Array, number]> = [[rows(3, 7), 3], [rows(1, 8), 1], [rows(1, 9), 1], [rows(4, 10), 4], [rows(1, 11), 1], [rows(7, 12), 7]];
  const sizes: number[] = [];
  for (const [r, T] of steps) {
    const a = await grow.append(r, T);
    const b = await shared.append(r, T);
    assert.ok(maxAbsDiff(a, b) <= 1e-5, `step of ${T}: ${maxAbsDiff(a, b)}`);
    sizes.push(shared.bytes);
  }
  assert.equal(shared.length, 17);
  // the buffers grew with the sequence, not to the capacity at once
  assert.ok(sizes[0] < sizes.at(-1)!, `${sizes}`);
  const full = new KvDecoder(session, shape, 40, 40);
  assert.ok(shared.bytes < full.bytes, `${shared.bytes} vs ${full.bytes}`);
});
