// The TypeScript converter (main/engine/model/convert) on the tiny checkpoints that
// make_tiny.py writes the way the official code does (fp16 Parameters, peft-0.3.0
// keys, HF shards with inv_freq, a Vicuna-style delta over a safetensors LLaMA base):
// every pack passes the same PyTorch-reference checks as the Python packs
// (pack-parity.ts: greedy ids exact for fp32, every modality mix, α and β), and its
// tensors equal the Python converter's (decoder weights, embedding table, the
// outputs of every graph on the same inputs) within 1e-5 for fp32.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ROOT, TINY_DIR, ensureTinyPacks, refsIndex, readJson, readNpy, maxAbsDiff, session, emptyPast, f16ToF32 } from './helpers';
import { describePackParity } from './pack-parity';
import { convertPack, type ConvertOptions } from '../../main/engine/model/convert';
import { decodeModel } from '../../main/engine/model/convert/onnx';
import { loadPack } from '../../main/engine/model/pack';
import { ModelRuntime, type MediaKind, type ProjectedMedia } from '../../main/engine/model/runtime';

const OUT = join(ROOT, 'test', 'output', 'ts-packs');
const SRC = join(TINY_DIR, 'src');
/** TS pack name → [Python pack it must match, variant, precision, dtype, via Vicuna delta] */
const PACKS: Record<string, [string, 'alpha' | 'beta', ConvertOptions['precision'], 'fp32' | 'fp16', boolean]> = {
  'alpha-fp32': ['alpha-fp32', 'alpha', 'fp32', 'fp32', false],
  'alpha-fp32-vicuna-delta': ['alpha-fp32', 'alpha', 'fp32', 'fp32', true],
  'beta-fp32': ['beta-fp32', 'beta', 'fp32', 'fp32', false],
  'beta-fp32-int4': ['beta-fp32-int4', 'beta', 'int4', 'fp32', false],
  'beta-fp16-int8': ['beta-fp16-int8', 'beta', 'int8', 'fp16', false],
};

export function tinyOptions(variant: 'alpha' | 'beta', out: string, precision: ConvertOptions['precision'], viaVicunaDelta = false): ConvertOptions {
  return {
    imagebind: join(SRC, 'imagebind_tiny.pth'),
    imagebindConfig: join(SRC, 'imagebind_tiny.json'),
    llm: join(SRC, viaVicunaDelta ? 'llama-base' : 'llama'),
    vicunaDelta: viaVicunaDelta ? join(SRC, 'llama-vicuna-delta') : undefined,
    delta: join(SRC, `delta_${variant}.pt`),
    out,
    precision,
  };
}

before(async () => {
  ensureTinyPacks();
  rmSync(OUT, { recursive: true, force: true });
  for (const [name, [, variant, precision, dtype, vic]] of Object.entries(PACKS)) {
    const steps = new Set<string>();
    const r = await convertPack({ ...tinyOptions(variant, join(OUT, name), precision, vic), dtype, onProgress: (p) => steps.add(p.step) });
    assert.equal(r.dir, join(OUT, name));
    assert.ok(!existsSync(`${r.dir}.partial`));
    assert.deepEqual([...steps], ['check', 'audio_encoder', 'vision_encoder', 'projector', ...(variant === 'beta' ? ['fusion'] : []), 'tokenizer', 'decoder', 'manifest']);
  }
});

for (const [name, [ref]] of Object.entries(PACKS)) describePackParity(`TypeScript pack ${name}`, () => join(OUT, name), ref);

/** initializer name → float32 values (fp16 widened; uint8 as numbers), external data resolved */
function initializers(file: string): Map<string, { dims: number[]; type: number; values: Float32Array }> {
  const m = decodeModel(readFileSync(file));
  const out = new Map<string, { dims: number[]; type: number; values: Float32Array }>();
  const dir = join(file, '..');
  for (const t of m.graph.initializer) {
    let raw: Buffer = t.raw_data ?? Buffer.alloc(0);
    if (t.data_location === 1) {
      const kv = Object.fromEntries(t.external_data.map((e: any) => [e.key, e.value]));
      raw = readFileSync(join(dir, kv.location)).subarray(Number(kv.offset), Number(kv.offset) + Number(kv.length));
    }
    const ab = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    const values = t.data_type === 1 ? new Float32Array(ab) : t.data_type === 10 ? f16ToF32(new Uint16Array(ab)) : t.data_type === 2 ? Float32Array.from(new Uint8Array(ab)) : new Float32Array(0);
    out.set(t.name, { dims: (t.dims ?? []).map(Number), type: t.data_type, values });
  }
  return out;
}

describe('the same tensors as the Python converter', () => {
  for (const [name, [ref, , precision]] of Object.entries(PACKS)) {
    test(`${name}: decoder weights, embedding table and every graph's outputs`, async () => {
      const py = join(TINY_DIR, refsIndex().packs[ref].dir);
      const ts = join(OUT, name);
      const tol = precision === 'fp32' ? 1e-5 : 1e-3;
      // decoder initializers by name (codes of int4/int8 exactly)
      const a = initializers(join(py, 'decoder.onnx'));
      const b = initializers(join(ts, 'decoder.onnx'));
      assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
      for (const [k, t] of a) {
        const u = b.get(k)!;
        assert.deepEqual(u.dims, t.dims, k);
        assert.equal(u.type, t.type, k);
        const d = maxAbsDiff(u.values, t.values);
        if (t.type === 2) assert.ok(d <= (name.includes('vicuna') ? 1 : 0), `${k}: quantised codes differ by ${d}`);
        else assert.ok(d <= tol, `${k} differs by ${d}`);
      }
      const ea = readFileSync(join(py, 'embed_tokens.bin'));
      const eb = readFileSync(join(ts, 'embed_tokens.bin'));
      assert.equal(eb.byteLength, ea.byteLength);
      const mp = readJson(join(py, 'manifest.json'));
      const mt = readJson(join(ts, 'manifest.json'));
      for (const k of ['variant', 'dtype', 'llm_quant', 'llm', 'lora', 'fusion', 'embed_tokens', 'tokens', 'media', 'prompt', 'generation', 'imagebind']) {
        assert.deepEqual(mt[k], mp[k], `manifest ${k}`);
      }
      assert.deepEqual(readJson(join(ts, 'tokenizer.json')), readJson(join(py, 'tokenizer.json')));
      // graph outputs on the same inputs
      const pre = refsIndex().preprocessed;
      const fb = readNpy(join(TINY_DIR, 'refs', pre.audio_fbank));
      const vid = readNpy(join(TINY_DIR, 'refs', pre.video_pixel_values));
      const H = mt.llm.hidden_size;
      const T = mt.dtype === 'fp16' ? 'float16' : 'float32';
      const run = async (g: string, feeds: Record<string, ort.Tensor>) => {
        const [sa, sb] = [await session(join(py, mp.graphs[g].file)), await session(join(ts, mt.graphs[g].file))];
        const [ra, rb] = [await sa.run(feeds), await sb.run(feeds)];
        for (const o of Object.keys(ra)) {
          const va = ra[o].type === 'float16' ? f16ToF32(ra[o].data as Uint16Array) : (ra[o].data as Float32Array);
          const vb = rb[o].type === 'float16' ? f16ToF32(rb[o].data as Uint16Array) : (rb[o].data as Float32Array);
          const d = maxAbsDiff(vb, va);
          assert.ok(d <= (T === 'float16' ? 2e-3 : 1e-5), `${name} ${g}.${o} differs by ${d}`);
        }
        return ra;
      };
      const emb = (await run('audio_encoder', { fbank: new ort.Tensor('float32', fb.data as Float32Array, [1, ...fb.shape]) })).embeddings;
      await run('vision_encoder', { pixel_values: new ort.Tensor('float32', vid.data as Float32Array, [1, ...vid.shape]) });
      const proj = (await run('projector', { embeddings: emb })).projected;
      const S = proj.dims[1];
      if (mt.variant === 'beta') await run('fusion', { inputs_embeds: proj, key_padding_mask: new ort.Tensor('bool', new Uint8Array(S), [1, S]) });
      await run('decoder', {
        inputs_embeds: proj,
        attention_mask: new ort.Tensor('int64', new BigInt64Array(S).fill(1n), [1, S]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: S }, (_, i) => BigInt(i)), [1, S]),
        ...emptyPast(mt, 1),
      });
      void H;
    });
  }
});

describe('the product runtime on the TypeScript packs', () => {
  for (const [name, [ref, , , dtype]] of Object.entries(PACKS)) {
    test(`${name}: loadPack verifies it and ModelRuntime gives the reference's greedy ids for every prompt`, async () => {
      const refs = refsIndex();
      const info = refs.packs[ref];
      const f32 = (file: string) => readNpy(join(TINY_DIR, 'refs', file)).data as Float32Array;
      const rt = await ModelRuntime.open(await loadPack(join(OUT, name)), 'cpu', { threads: 1 });
      try {
        const img = f32(refs.preprocessed.image_pixels);
        const plane = 224 * 224;
        const two = new Float32Array(6 * plane);
        for (let c = 0; c < 3; c++) for (const t of [0, 1]) two.set(img.subarray(c * plane, (c + 1) * plane), (c * 2 + t) * plane);
        const enc: Record<MediaKind, [Float32Array, number]> = {
          audio: [await rt.encodeAudio(f32(refs.preprocessed.audio_fbank), 3), 3],
          image: [await rt.encodeVision(two, 1), 1],
          video: [await rt.encodeVision(f32(refs.preprocessed.video_pixel_values), 15), 15],
        };
        const projected = new Map<MediaKind, ProjectedMedia>();
        for (const [kind, [emb, n]] of Object.entries(enc) as Array<[MediaKind, [Float32Array, number]]>) {
          projected.set(kind, { kind, rows: await rt.project(emb, n), tokens: n });
        }
        for (const pr of info.prompts) {
          const prompt = await rt.buildPrompt(pr.input, pr.instruction, (pr.media as MediaKind[]).map((k) => projected.get(k)!));
          const res = await rt.generate(prompt, { greedy: true, temperature: 0, topP: 1, maxNewTokens: pr.greedy_ids.length, seed: 0 });
          if (dtype === 'fp32') assert.deepEqual(res.tokenIds, pr.greedy_ids, pr.id);
          else assert.equal(res.tokenIds[0], pr.greedy_ids[0], `${pr.id} first greedy id (fp16)`);
        }
      } finally {
        await rt.close();
      }
    });
  }
});
