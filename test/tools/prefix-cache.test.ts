// The prompt-prefix KV cache (main/engine/model/generate/prefix-cache.ts, issue 13): a
// follow-up question about the same media, and a Regenerate, start from the KV cache of
// the positions their prompt shares with the last answer's, and give the same greedy ids
// as a runtime without the cache (and, on the fp32 packs, as the PyTorch reference).
// Real tiny packs (tools/convert/make_tiny.py), their reference projected media.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { loadPack } from '../../main/engine/model/pack';
import { KvDecoder } from '../../main/engine/model/generate/decoder';
import { PrefixKvCache } from '../../main/engine/model/generate/prefix-cache';
import { ModelRuntime, type MediaKind, type ProjectedMedia } from '../../main/engine/model/runtime';
import { ensureTinyPacks, readNpy, refsIndex, TINY_DIR } from './helpers';

ensureTinyPacks();
const refs = refsIndex();
const ref = (file: string) => readNpy(join(TINY_DIR, 'refs', file)).data as Float32Array;
const TOKENS: Record<MediaKind, number> = { audio: 3, image: 1, video: 15 };
const greedy = (maxNewTokens: number) => ({ greedy: true, temperature: 0, topP: 1, maxNewTokens, seed: 0 });

for (const name of ['alpha-fp32', 'beta-fp32', 'beta-fp32-int4']) {
  const info = refs.packs[name];
  describe(`prefix cache on pack ${name}`, () => {
    let rt: ModelRuntime;
    let plain: ModelRuntime;
    const media = (kinds: MediaKind[]): ProjectedMedia[] => kinds.map((k) => ({ kind: k, rows: ref(info.encoders[k].projected), tokens: TOKENS[k] }));
    before(async () => {
      const pack = await loadPack(join(TINY_DIR, info.dir));
      rt = await ModelRuntime.open(pack, 'cpu', { threads: 1 });
      plain = await ModelRuntime.open(pack, 'cpu', { threads: 1, prefixCacheBytes: 0 });
    });
    after(async () => {
      await rt?.close();
      await plain?.close();
    });

    test('follow-up and Regenerate: same greedy ids as without the cache, the shared prefix reused', async () => {
      assert.equal(plain.prefixCache, undefined);
      for (const pr of info.prompts) {
        const n = pr.greedy_ids.length;
        const first = await rt.buildPrompt(pr.input, pr.instruction, media(pr.media));
        const a = await rt.generate(first, greedy(n));
        const b = await plain.generate(first, greedy(n));
        assert.deepEqual(a.tokenIds, b.tokenIds, `${pr.id}: first question`);
        if (info.dtype === 'fp32') assert.deepEqual(a.tokenIds, pr.greedy_ids, `${pr.id}: the reference's greedy ids`);
        assert.equal(b.timings.reusedPositions, 0);

        // a follow-up: same input and media, another instruction
        const follow = await rt.buildPrompt(pr.input, `${pr.instruction} And the tempo?`, media(pr.media));
        const shared = commonRows(first.embeds, follow.embeds, rt.pack.manifest.llm.hidden_size);
        assert.ok(shared >= first.inputLength, `${pr.id}: the input segment (${first.inputLength} rows) is shared (${shared})`);
        const c = await rt.generate(follow, greedy(n));
        assert.equal(c.timings.reusedPositions, shared, `${pr.id}: follow-up reuses every shared row`);
        assert.deepEqual(c.tokenIds, (await plain.generate(follow, greedy(n))).tokenIds, `${pr.id}: follow-up`);

        // Regenerate: the same prompt again, all but its last position reused
        const d = await rt.generate(follow, greedy(n));
        assert.equal(d.timings.reusedPositions, follow.length - 1);
        assert.deepEqual(d.tokenIds, c.tokenIds, `${pr.id}: Regenerate`);
      }
    });

    test('a longer answer than the kept buffer holds: the prefix is copied into a larger one', async () => {
      const pr = info.prompts[0];
      const p = await rt.buildPrompt(pr.input, pr.instruction, media(pr.media));
      await rt.generate(p, greedy(2)); // decoder capacity: p.length + 2 positions
      const kept = rt.prefixCache!.bytes;
      const long = await rt.generate(p, greedy(12));
      assert.equal(long.timings.reusedPositions, p.length - 1);
      assert.deepEqual(long.tokenIds, (await plain.generate(p, greedy(12))).tokenIds);
      // only the prompt's positions are kept, whatever the answer's length
      assert.ok(kept > 0);
      assert.equal(rt.prefixCache!.bytes, kept);
    });
  });
}

/** Leading rows (of `H` floats) equal in `a` and `b`. */
function commonRows(a: Float32Array, b: Float32Array, H: number): number {
  const n = Math.min(a.length, b.length) / H;
  for (let p = 0; p < n; p++) for (let i = p * H; i < (p + 1) * H; i++) if (a[i] !== b[i]) return p;
  return n;
}

describe('KvDecoder prefix operations and the cache bound (beta-fp32 decoder)', () => {
  let session: ort.InferenceSession;
  let mk: (capacity?: number) => KvDecoder;
  let H: number;
  const rows = (n: number, seed: number) => {
    const a = new Float32Array(n * H);
    let s = seed;
    for (let i = 0; i < a.length; i++) a[i] = ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2;
    return a;
  };
  const cat = (a: Float32Array, b: Float32Array) => {
    const o = new Float32Array(a.length + b.length);
    o.set(a);
    o.set(b, a.length);
    return o;
  };
  before(async () => {
    const pack = await loadPack(join(TINY_DIR, refs.packs['beta-fp32'].dir));
    const m = pack.manifest;
    H = m.llm.hidden_size;
    session = await ort.InferenceSession.create(pack.path(m.graphs.decoder.file), { intraOpNumThreads: 1 });
    const shape = { layers: m.llm.num_hidden_layers, heads: m.llm.num_attention_heads, headDim: m.llm.head_dim, hidden: H, vocab: m.llm.vocab_size, half: false };
    mk = (capacity) => new KvDecoder(session, shape, capacity);
  });
  after(async () => session?.release());

  for (const mode of ['shared buffer', 'growing tensors'] as const) {
    test(`${mode}: truncate and prefixInto give the logits of a fresh prefill`, async () => {
      const cap = mode === 'shared buffer' ? 16 : undefined;
      const head = rows(5, 1);
      const tailA = rows(3, 2);
      const tailB = rows(2, 3);
      const fresh = mk(cap);
      const want = await fresh.append(cat(head, tailB), 7);
      const d = mk(cap);
      await d.append(cat(head, tailA), 8);
      assert.equal(d.sharedPrefix(cat(head, tailB), 7), 5);
      d.truncate(5);
      assert.equal(d.length, 5);
      const got = await d.append(tailB, 2);
      assert.ok(maxDiff(got, want) <= 1e-5, `truncate: ${maxDiff(got, want)}`);
      // into a larger buffer (or a growing one)
      const big = mk(cap === undefined ? undefined : 32);
      d.prefixInto(big, 5);
      assert.equal(big.length, 5);
      assert.equal(big.sharedPrefix(head, 5), 5);
      const got2 = await big.append(tailB, 2);
      assert.ok(maxDiff(got2, want) <= 1e-5, `prefixInto: ${maxDiff(got2, want)}`);
      assert.throws(() => d.truncate(8), /cannot keep 8 of 7/);
    });
  }

  test('a sequence over the bound is not kept; nothing is shared after a different first row', async () => {
    const d = mk(16);
    await d.append(rows(4, 5), 4);
    const before = d.bytes;
    d.compact(4); // what keep() does: buffers shrunk to the 4 positions
    assert.ok(d.bytes < before, `${d.bytes} vs ${before}`);
    const small = new PrefixKvCache(d.bytes - 1);
    small.keep(d);
    assert.equal(small.bytes, 0);
    const cache = new PrefixKvCache(d.bytes);
    cache.keep(d);
    assert.equal(cache.bytes, d.bytes);
    const next = cache.take(rows(4, 6), 4, 8, (p) => mk(p));
    assert.equal(next.length, 0);
    assert.equal(cache.bytes, 0, 'taken out while in use');
  });
});

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
