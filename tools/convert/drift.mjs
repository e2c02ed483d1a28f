// Quantisation drift of LLM decoder graphs, measured with onnxruntime-node (used by bench_convert.py).
//   node tools/convert/drift.mjs REF_DIR CAND_DIR [CAND_DIR …]
// Each DIR holds decoder.onnx (+ .data) and embed_tokens.bin (fp32) and info.json
// ({hidden, layers, heads, vocab}). A fixed prompt set (8 prompts x 32 token ids from a
// seeded LCG) is run through every graph in one step; for every position the next-token
// logits are compared with the reference: top-1 agreement and cosine similarity.
// Prints one JSON line per candidate.
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [refDir, ...cands] = process.argv.slice(2);
const PROMPTS = 8, LEN = 32;

function info(dir) { return JSON.parse(readFileSync(join(dir, 'info.json'), 'utf8')); }

function prompts(vocab) {
  let s = 12345;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648);
  return Array.from({ length: PROMPTS }, () => Array.from({ length: LEN }, () => 3 + (next() % (vocab - 9))));
}

// Next-token logits at every position of every prompt, one token per run through the KV
// cache (the decode path; it also serves graphs that return the last position only).
async function logitsFor(dir, ids) {
  const inf = info(dir);
  const buf = readFileSync(join(dir, 'embed_tokens.bin'));
  const table = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const sess = await ort.InferenceSession.create(join(dir, 'decoder.onnx'), { intraOpNumThreads: 2 });
  const hd = inf.hidden / inf.heads;
  const V = inf.vocab;
  const out = [];
  for (const p of ids) {
    const logits = new Float32Array(p.length * V);
    let past = {};
    for (let i = 0; i < inf.layers; i++) for (const kv of ['key', 'value'])
      past[`past_key_values.${i}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, inf.heads, 0, hd]);
    for (let t = 0; t < p.length; t++) {
      const r = await sess.run({
        inputs_embeds: new ort.Tensor('float32', table.slice(p[t] * inf.hidden, (p[t] + 1) * inf.hidden), [1, 1, inf.hidden]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(t + 1).fill(1n), [1, t + 1]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from([BigInt(t)]), [1, 1]),
        ...past,
      });
      logits.set(r.logits.data.subarray(r.logits.data.length - V), t * V);
      past = {};
      for (let i = 0; i < inf.layers; i++) for (const kv of ['key', 'value']) past[`past_key_values.${i}.${kv}`] = r[`present.${i}.${kv}`];
    }
    out.push(logits);
  }
  await sess.release();
  return { logits: out, vocab: V };
}

const ids = prompts(info(refDir).vocab);
const t0 = Date.now();
const ref = await logitsFor(refDir, ids);
console.log(JSON.stringify({ dir: refDir, seconds: (Date.now() - t0) / 1000 }));
for (const c of cands) {
  const t1 = Date.now();
  const cand = await logitsFor(c, ids);
  let agree = 0, n = 0, cosSum = 0, cosMin = 1;
  const V = ref.vocab;
  for (let p = 0; p < ids.length; p++) {
    for (let t = 0; t < LEN; t++) {
      const a = ref.logits[p].subarray(t * V, (t + 1) * V), b = cand.logits[p].subarray(t * V, (t + 1) * V);
      let ia = 0, ib = 0, dot = 0, na = 0, nb = 0;
      for (let v = 0; v < V; v++) {
        if (a[v] > a[ia]) ia = v;
        if (b[v] > b[ib]) ib = v;
        dot += a[v] * b[v]; na += a[v] * a[v]; nb += b[v] * b[v];
      }
      const cos = dot / Math.sqrt(na * nb);
      cosSum += cos; cosMin = Math.min(cosMin, cos);
      agree += ia === ib ? 1 : 0; n++;
    }
  }
  console.log(JSON.stringify({ dir: c, positions: n, top1_agreement: agree / n, cosine_mean: cosSum / n, cosine_min: cosMin, seconds: (Date.now() - t1) / 1000 }));
}
