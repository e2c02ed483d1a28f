/**
 * The LLaMA decoder graph, built in TypeScript node for node as
 * tools/convert/llama.py `export_decoder` builds it with its default
 * DecoderOptions (fused_attention, fused_norm, accuracy_level 4, lm_head_bits 8,
 * last_logits_only): com.microsoft RotaryEmbedding + GroupQueryAttention,
 * SkipSimplifiedLayerNormalization, MatMulNBits when quantised.
 *
 * Interface (tools/convert/MANIFEST.md), T = float32 | float16 (the pack dtype):
 *   inputs  inputs_embeds T [batch, sequence, H], attention_mask int64 [batch, total_sequence],
 *           position_ids int64 [batch, sequence], past_key_values.{i}.key|value T [batch, heads, past_sequence, head_dim]
 *   outputs logits float32 [batch, 1, vocab], present.{i}.key|value T [batch, heads, total_sequence, head_dim]
 *
 * Weights arrive one at a time (`add`) and go straight to decoder.onnx.data,
 * so memory holds one tensor (plus its transposed / quantised copy).
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConvertError } from './errors';
import { ExternalData, GraphBuilder, f, type TensorRef, type ValueInfo } from './onnx';
import { BLOCK_SIZE, inDtype, quantizeNbits, quantizeQ4_0, transpose } from './numeric';

export interface LlamaConfig {
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  vocab_size: number;
  rms_norm_eps: number;
  max_position_embeddings: number;
  rope_theta: number;
  bos_token_id: number;
  eos_token_id: number;
}

export const headDim = (c: LlamaConfig) => c.hidden_size / c.num_attention_heads;

/** config.json of a Hugging Face LLaMA folder, validated as llama.py load_config does. Raises ConvertError. */
export function loadLlamaConfig(dir: string): LlamaConfig {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) throw new ConvertError(`LLM folder "${dir}" has no config.json: point to a Hugging Face LLaMA/Vicuna folder.`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConvertError(`${path}: not valid JSON (${(err as Error).message}).`);
  }
  const mt = raw.model_type ?? 'llama';
  if (mt !== 'llama') throw new ConvertError(`${path}: model_type is ${JSON.stringify(mt)}, expected "llama".`);
  const act = raw.hidden_act ?? 'silu';
  if (act !== 'silu') throw new ConvertError(`${path}: hidden_act ${JSON.stringify(act)} unsupported (LLaMA uses "silu").`);
  for (const k of ['hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'vocab_size']) {
    if (!Number.isInteger(raw[k]) || (raw[k] as number) <= 0) throw new ConvertError(`${path}: missing or invalid "${k}".`);
  }
  const kv = raw.num_key_value_heads ?? raw.num_attention_heads;
  if (kv !== raw.num_attention_heads) throw new ConvertError(`${path}: grouped-query attention (num_key_value_heads=${kv}) is not LLaMA-1/Vicuna; unsupported.`);
  if (raw.rope_scaling) throw new ConvertError(`${path}: rope_scaling is unsupported.`);
  if ((raw.hidden_size as number) % (raw.num_attention_heads as number)) throw new ConvertError(`${path}: hidden_size not divisible by num_attention_heads.`);
  const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
  return {
    hidden_size: raw.hidden_size as number,
    intermediate_size: raw.intermediate_size as number,
    num_hidden_layers: raw.num_hidden_layers as number,
    num_attention_heads: raw.num_attention_heads as number,
    vocab_size: raw.vocab_size as number,
    rms_norm_eps: num(raw.rms_norm_eps, 1e-6),
    max_position_embeddings: num(raw.max_position_embeddings, 2048),
    rope_theta: num(raw.rope_theta, 10000),
    bos_token_id: num(raw.bos_token_id, 1),
    eos_token_id: num(raw.eos_token_id, 2),
  };
}

/** HF name → shape of every LLaMA weight for this config and vocabulary (llama.py expected_shapes). */
export function expectedShapes(c: LlamaConfig, vocab = c.vocab_size): Map<string, number[]> {
  const H = c.hidden_size;
  const I = c.intermediate_size;
  const m = new Map<string, number[]>([
    ['model.embed_tokens.weight', [vocab, H]],
    ['model.norm.weight', [H]],
    ['lm_head.weight', [vocab, H]],
  ]);
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `model.layers.${i}.`;
    for (const n of 'qkvo') m.set(`${p}self_attn.${n}_proj.weight`, [H, H]);
    m.set(`${p}mlp.gate_proj.weight`, [I, H]);
    m.set(`${p}mlp.up_proj.weight`, [I, H]);
    m.set(`${p}mlp.down_proj.weight`, [H, I]);
    m.set(`${p}input_layernorm.weight`, [H]);
    m.set(`${p}post_attention_layernorm.weight`, [H]);
  }
  return m;
}

/** Buffers HF LLaMA checkpoints carry that are not parameters (ignored, as llama.py does). */
export const IGNORED_LLM_KEY = /^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$/;

/** cos, sin [length, head_dim/2] float32 as llama.py rope_tables computes them (rotate-half layout). */
export function ropeHalfTables(c: LlamaConfig, length = c.max_position_embeddings): { cos: Float32Array; sin: Float32Array } {
  const hd = headDim(c);
  const half = hd / 2;
  const inv = new Float32Array(half);
  for (let j = 0; j < half; j++) inv[j] = Math.fround(1 / Math.fround(Math.pow(c.rope_theta, Math.fround((2 * j) / hd))));
  const cos = new Float32Array(length * half);
  const sin = new Float32Array(length * half);
  for (let t = 0; t < length; t++) {
    for (let j = 0; j < half; j++) {
      const a = Math.fround(t * inv[j]);
      cos[t * half + j] = Math.cos(a);
      sin[t * half + j] = Math.sin(a);
    }
  }
  return { cos, sin };
}

export type Quant = 'none' | 'int8' | 'int4';
/** llama.py DecoderOptions defaults */
export const DECODER_OPTIONS = { accuracyLevel: 4, lmHeadBits: 8 as 0 | 4 | 8 } as const;

type Weight = { kind: 'dense'; ref: TensorRef } | { kind: 'nbits'; q: TensorRef; scales: TensorRef; N: number; K: number; bits: 4 | 8 };

/** Writes the decoder: `add` every weight once (any order), then `finish`. */
export class DecoderWriter {
  private readonly ext: ExternalData;
  private readonly weights = new Map<string, Weight>();
  private readonly shapes: Map<string, number[]>;
  readonly embed: { cols: number; data: Float32Array | Uint16Array } | null = null;

  constructor(
    private readonly cfg: LlamaConfig,
    private readonly dir: string,
    private readonly dtype: 'fp32' | 'fp16',
    private readonly quant: Quant,
    private readonly vocab: number,
    /** int4 rounding: llama.cpp's 'q4_0' (the default, as llama.py) or the earlier 'symmetric' (for comparison; see BENCHMARKS.md) */
    private readonly int4Scheme: 'symmetric' | 'q4_0' = 'q4_0',
  ) {
    this.shapes = expectedShapes(cfg, vocab);
    this.ext = new ExternalData(join(dir, 'decoder.onnx.data'));
  }

  get bytesWritten(): number {
    return this.ext.offset;
  }

  /**
   * One weight (HF name, float32 row-major, LoRA already merged). The embedding table
   * is not part of the graph: the caller writes it to embed_tokens.bin.
   */
  add(name: string, data: Float32Array): void {
    const shape = this.shapes.get(name);
    if (!shape) throw new ConvertError(`unexpected LLaMA weight "${name}".`);
    if (this.weights.has(name)) throw new ConvertError(`weight "${name}" appears twice in the checkpoint.`);
    if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new ConvertError(`${name} has ${data.length} values, expected shape [${shape}].`);
    const oname = name.replaceAll('.', '_');
    const t = this.dtype === 'fp16' ? 'float16' : 'float32';
    if (shape.length === 1) {
      this.weights.set(name, { kind: 'dense', ref: this.ext.add(oname, shape, t, inDtype(data, this.dtype)) });
      return;
    }
    const [N, K] = shape;
    const bits = this.quant === 'none' ? 0 : name === 'lm_head.weight' ? DECODER_OPTIONS.lmHeadBits : this.quant === 'int8' ? 8 : 4;
    if (bits) {
      const { packed, scales } = bits === 4 && this.int4Scheme === 'q4_0' ? quantizeQ4_0(data, N, K) : quantizeNbits(data, N, K, bits as 4 | 8);
      const kb = Math.ceil(K / BLOCK_SIZE);
      const q = this.ext.add(`${oname}_q`, [N, kb, (BLOCK_SIZE * bits) / 8], 'uint8', packed);
      const s = this.ext.add(`${oname}_scales`, [N * kb], t, inDtype(scales, this.dtype));
      this.weights.set(name, { kind: 'nbits', q, scales: s, N, K, bits: bits as 4 | 8 });
    } else {
      this.weights.set(name, { kind: 'dense', ref: this.ext.add(`${oname}_t`, [K, N], t, inDtype(transpose(data, N, K), this.dtype)) });
    }
  }

  /** Build and write decoder.onnx; returns the files written. Raises ConvertError when weights are missing. */
  finish(writeFile: (name: string, bytes: Uint8Array) => void): { graph: string; data: string } {
    const c = this.cfg;
    const missing = [...this.shapes.keys()].filter((k) => k !== 'model.embed_tokens.weight' && !this.weights.has(k));
    if (missing.length) throw new ConvertError(`LLM weights missing: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ' …' : ''}.`);
    const H = c.hidden_size;
    const nh = c.num_attention_heads;
    const hd = headDim(c);
    const L = c.num_hidden_layers;
    const T = this.dtype === 'fp16' ? 'float16' : 'float32';
    const g = new GraphBuilder();
    for (const w of this.weights.values()) {
      if (w.kind === 'dense') g.init(w.ref);
      else {
        g.init(w.q);
        g.init(w.scales);
      }
    }
    const lin = (x: string, name: string) => {
      const w = this.weights.get(name)!;
      if (w.kind === 'nbits') {
        return g.op('MatMulNBits', [x, w.q.name, w.scales.name], { K: w.K, N: w.N, bits: w.bits, block_size: BLOCK_SIZE, accuracy_level: DECODER_OPTIONS.accuracyLevel }, { domain: 'com.microsoft' });
      }
      return g.op('MatMul', [x, w.ref.name]);
    };
    const wname = (name: string) => (this.weights.get(name) as { ref: TensorRef }).ref.name;
    const eps = g.f32('rms_eps', [c.rms_norm_eps], true);
    const rms = (x: string, name: string) => {
      const xf = T === 'float16' ? g.op('Cast', [x], { to: 1 }) : x;
      const sq = g.op('Mul', [xf, xf]);
      const v = g.op('ReduceMean', [sq], { axes: [-1], keepdims: 1 });
      const den = g.op('Sqrt', [g.op('Add', [v, eps])]);
      let y = g.op('Div', [xf, den]);
      if (T === 'float16') y = g.op('Cast', [y], { to: 10 });
      return g.op('Mul', [wname(name), y]);
    };
    const addRms = (h: string, delta: string, name: string): [string, string] => {
      const outs = g.opN('SkipSimplifiedLayerNormalization', [h, delta, wname(name)], { epsilon: f(c.rms_norm_eps) }, { domain: 'com.microsoft', outputs: 4 });
      return [outs[0], outs[3]];
    };
    const { cos, sin } = ropeHalfTables(c);
    const half = hd / 2;
    g.init(this.ext.add('rope_cos_half', [c.max_position_embeddings, half], T, inDtype(cos, this.dtype)));
    g.init(this.ext.add('rope_sin_half', [c.max_position_embeddings, half], T, inDtype(sin, this.dtype)));
    this.ext.close();
    g.i64('c_ax0', [0]);
    g.i64('c_ax1', [1]);
    g.i64('c_one_i', [1], true);
    const seqlensK = g.op('Cast', [g.op('Sub', [g.op('ReduceSum', ['attention_mask', 'c_ax1'], { keepdims: 0 }), 'c_one_i'])], { to: 6 }, { name: 'seqlens_k' });
    const totalLen = g.op('Cast', [g.op('Squeeze', [g.op('Shape', ['attention_mask'], { start: 1, end: 2 }), 'c_ax0'])], { to: 6 }, { name: 'total_sequence_length' });
    const rope = (x: string) => g.op('RotaryEmbedding', [x, 'position_ids', 'rope_cos_half', 'rope_sin_half'], { interleaved: 0, num_heads: nh }, { domain: 'com.microsoft' });
    const attention = (i: number, q: string, k: string, v: string) => {
      const o = `attn_${i}`;
      g.opN('GroupQueryAttention', [rope(q), rope(k), v, `past_key_values.${i}.key`, `past_key_values.${i}.value`, seqlensK, totalLen],
        { num_heads: nh, kv_num_heads: nh, scale: f(1 / Math.sqrt(hd)) },
        { name: `gqa_${i}`, domain: 'com.microsoft', outputs: [o, `present.${i}.key`, `present.${i}.value`] });
      return o;
    };
    let h = 'inputs_embeds';
    let x = rms(h, 'model.layers.0.input_layernorm.weight');
    for (let i = 0; i < L; i++) {
      const p = `model.layers.${i}.`;
      const o = attention(i, lin(x, `${p}self_attn.q_proj.weight`), lin(x, `${p}self_attn.k_proj.weight`), lin(x, `${p}self_attn.v_proj.weight`));
      [x, h] = addRms(h, lin(o, `${p}self_attn.o_proj.weight`), `${p}post_attention_layernorm.weight`);
      const gt = lin(x, `${p}mlp.gate_proj.weight`);
      const up = lin(x, `${p}mlp.up_proj.weight`);
      const act = g.op('Mul', [g.op('Mul', [gt, g.op('Sigmoid', [gt])]), up]);
      const nxt = i + 1 < L ? `model.layers.${i + 1}.input_layernorm.weight` : 'model.norm.weight';
      [x, h] = addRms(h, lin(act, `${p}mlp.down_proj.weight`), nxt);
    }
    g.i64('c_last', [-1]);
    g.i64('c_end', [Number.MAX_SAFE_INTEGER]);
    x = g.op('Slice', [x, 'c_last', 'c_end', 'c_ax1'], {}, { name: 'last_position' });
    const logits = lin(x, 'lm_head.weight');
    if (T === 'float16') g.op('Cast', [logits], { to: 1 }, { name: 'logits_cast', outputs: ['logits'] });
    else g.op('Identity', [logits], {}, { name: 'logits_id', outputs: ['logits'] });
    const inputs: ValueInfo[] = [
      { name: 'inputs_embeds', dtype: T, shape: ['batch', 'sequence', H] },
      { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'total_sequence'] },
      { name: 'position_ids', dtype: 'int64', shape: ['batch', 'sequence'] },
    ];
    const outputs: ValueInfo[] = [{ name: 'logits', dtype: 'float32', shape: ['batch', 1, this.vocab] }];
    for (let i = 0; i < L; i++) {
      for (const kv of ['key', 'value']) {
        inputs.push({ name: `past_key_values.${i}.${kv}`, dtype: T, shape: ['batch', nh, 'past_sequence', hd] });
        outputs.push({ name: `present.${i}.${kv}`, dtype: T, shape: ['batch', nh, 'total_sequence', hd] });
      }
    }
    writeFile('decoder.onnx', g.serialize('deepresonance_llama_decoder', inputs, outputs, [['', 17], ['com.microsoft', 1]]));
    return { graph: 'decoder.onnx', data: 'decoder.onnx.data' };
  }

  /** close the data file after a failure */
  abort(): void {
    try {
      this.ext.close();
    } catch {
      /* already failing */
    }
  }
}
