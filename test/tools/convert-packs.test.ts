// The tiny packs made by tools/convert/make_tiny.py (the real converter), run with
// onnxruntime-node and checked against the PyTorch DeepResonance reference
// (tools/convert/reference.py): encoders → projector → prompt splice → β fusion →
// decoder first-step logits (≤ 1e-3) and a greedy KV-cache decode (ids exact).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { TINY_DIR, ensureTinyPacks, refsIndex, readJson, type PackManifest } from './helpers';
import { describePackParity } from './pack-parity';

let index: any;
before(() => {
  ensureTinyPacks();
  index = refsIndex();
});

const PACKS = ['alpha-fp32', 'beta-fp32', 'beta-fp32-int4', 'beta-fp16-int8'];

for (const name of PACKS) describePackParity(`tiny pack ${name}`, () => join(TINY_DIR, refsIndex().packs[name].dir), name);

test('tokenizer parity with SentencePiece (slow LlamaTokenizer semantics) on a varied corpus', () => {
  const dir = join(TINY_DIR, index.packs['alpha-fp32'].dir);
  const tok = new Tokenizer(readJson(join(dir, 'tokenizer.json')), readJson(join(dir, 'tokenizer_config.json')));
  const bad: string[] = [];
  for (const c of index.tokenizer_cases as { text: string; ids: number[] }[]) {
    const got = tok.encode(c.text, { add_special_tokens: false }).ids;
    if (JSON.stringify(got) !== JSON.stringify(c.ids)) bad.push(`${JSON.stringify(c.text)}: got ${got} want ${c.ids}`);
  }
  assert.deepEqual(bad, []);
  // added tokens keep their literal (set-quirk) strings and ids; decoding leaves them in
  const m = readJson<PackManifest>(join(dir, 'manifest.json'));
  for (const [s, id] of Object.entries(m.tokens.added)) assert.equal(tok.token_to_id(s), id);
  const ids = tok.encode("music {'<Aud>'} here", { add_special_tokens: false }).ids;
  assert.ok(tok.decode(ids, { skip_special_tokens: true }).includes("{'<Aud>'}"));
});
