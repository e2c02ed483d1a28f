/**
 * ImageBind's audio and vision towers, the projector (`llama_proj`) and the β
 * pre-LLM fusion as ONNX graphs built in TypeScript. The math is that of the
 * PyTorch modules in tools/convert/imagebind.py and projector.py (which the
 * tests check against the official code): graphs differ from the
 * torch.onnx.export ones in node layout only, and their outputs agree within
 * float32 rounding (test/tools/convert-ts.test.ts).
 *
 *   audio_encoder.onnx  fbank float32 [batch, clips, 1, mel, frames] → embeddings float32 [batch, clips, out]
 *   vision_encoder.onnx pixel_values float32 [batch, n, 3, T, S, S]  → embeddings float32 [batch, n, out]
 *   projector.onnx      embeddings float32 [batch, tokens, D]       → projected T [batch, tokens, H]
 *   fusion.onnx (β)     inputs_embeds T [batch, seq, H], key_padding_mask bool [batch, seq] → fused T [batch, seq, H]
 *
 * Encoder weights are stored in the pack dtype; with fp16 every weight of ≥ 16
 * values is stored as float16 followed by a Cast to float32 (imagebind.py
 * _to_fp16_storage): compute and I/O stay float32.
 */
import { join } from 'node:path';
import { ConvertError } from './errors';
import { ExternalData, GraphBuilder, f, type ValueInfo } from './onnx';
import { toFloat16, transpose } from './numeric';

/** ImageBind constructor arguments (imagebind.py _HUGE; tiny configs override widths). */
export interface ImageBindConfig {
  vision_embed_dim: number;
  vision_num_blocks: number;
  vision_num_heads: number;
  audio_embed_dim: number;
  audio_num_blocks: number;
  audio_num_heads: number;
  out_embed_dim: number;
  video_frames: number;
  kernel_size: [number, number, number];
  audio_kernel_size: number;
  audio_stride: number;
  audio_num_mel_bins: number;
  audio_target_len: number;
  image_size: number;
}

export const IMAGEBIND_HUGE: ImageBindConfig = {
  vision_embed_dim: 1280,
  vision_num_blocks: 32,
  vision_num_heads: 16,
  audio_embed_dim: 768,
  audio_num_blocks: 12,
  audio_num_heads: 12,
  out_embed_dim: 1024,
  video_frames: 2,
  kernel_size: [2, 14, 14],
  audio_kernel_size: 16,
  audio_stride: 10,
  audio_num_mel_bins: 128,
  audio_target_len: 204,
  image_size: 224,
};

/** Merge a JSON config (imagebind.py load_config: other modalities' keys ignored, unknown keys refused). */
export function imagebindConfig(raw: Record<string, unknown> | undefined, path = 'ImageBind config'): ImageBindConfig {
  const cfg: Record<string, unknown> = { ...IMAGEBIND_HUGE };
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (/^(text_|depth_|thermal_|imu_)/.test(k) || k === 'audio_drop_path') continue;
    if (!(k in IMAGEBIND_HUGE)) throw new ConvertError(`${path}: unknown key "${k}"; known keys: ${Object.keys(IMAGEBIND_HUGE).join(', ')}.`);
    cfg[k] = v;
  }
  for (const [k, v] of Object.entries(cfg)) {
    if (k === 'kernel_size') {
      if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => Number.isInteger(x) && x > 0)) throw new ConvertError(`${path}: kernel_size must be 3 positive integers.`);
    } else if (!Number.isInteger(v) || (v as number) <= 0) throw new ConvertError(`${path}: ${k} must be a positive integer, got ${JSON.stringify(v)}.`);
  }
  const c = cfg as unknown as ImageBindConfig;
  for (const mod of ['vision', 'audio'] as const) {
    if (c[`${mod}_embed_dim`] % c[`${mod}_num_heads`]) throw new ConvertError(`${path}: ${mod}_embed_dim is not divisible by ${mod}_num_heads.`);
  }
  if (c.kernel_size[0] !== c.video_frames) throw new ConvertError(`${path}: kernel_size[0] must equal video_frames.`);
  return c;
}

function geometry(c: ImageBindConfig) {
  const [kt, kh, kw] = c.kernel_size;
  const vPatches = (c.video_frames / kt) * Math.floor(c.image_size / kh) * Math.floor(c.image_size / kw);
  const aH = Math.floor((c.audio_num_mel_bins - c.audio_kernel_size) / c.audio_stride) + 1;
  const aW = Math.floor((c.audio_target_len - c.audio_kernel_size) / c.audio_stride) + 1;
  return { vPatches, aPatches: aH * aW };
}

/** Every vision/audio key of the official state dict with its shape (imagebind.py ImageBind.state_dict()). */
export function imagebindShapes(c: ImageBindConfig): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const { vPatches, aPatches } = geometry(c);
  const vd = c.vision_embed_dim;
  const ad = c.audio_embed_dim;
  m.set('modality_preprocessors.vision.rgbt_stem.proj.1.weight', [vd, 3, ...c.kernel_size]);
  m.set('modality_preprocessors.vision.cls_token', [1, 1, vd]);
  m.set('modality_preprocessors.vision.pos_embedding_helper.pos_embed', [1, vPatches + 1, vd]);
  m.set('modality_preprocessors.audio.rgbt_stem.proj.weight', [ad, 1, c.audio_kernel_size, c.audio_kernel_size]);
  m.set('modality_preprocessors.audio.rgbt_stem.norm_layer.weight', [ad]);
  m.set('modality_preprocessors.audio.rgbt_stem.norm_layer.bias', [ad]);
  m.set('modality_preprocessors.audio.cls_token', [1, 1, ad]);
  m.set('modality_preprocessors.audio.pos_embedding_helper.pos_embed', [1, aPatches + 1, ad]);
  m.set('modality_trunks.vision.pre_transformer_layer.0.weight', [vd]);
  m.set('modality_trunks.vision.pre_transformer_layer.0.bias', [vd]);
  for (const [mod, d, n] of [['vision', vd, c.vision_num_blocks], ['audio', ad, c.audio_num_blocks]] as const) {
    for (let b = 0; b < n; b++) {
      const p = `modality_trunks.${mod}.blocks.${b}.`;
      m.set(`${p}attn.in_proj_weight`, [3 * d, d]);
      m.set(`${p}attn.in_proj_bias`, [3 * d]);
      m.set(`${p}attn.out_proj.weight`, [d, d]);
      m.set(`${p}attn.out_proj.bias`, [d]);
      if (mod === 'audio') {
        m.set(`${p}attn.bias_k`, [1, 1, d]);
        m.set(`${p}attn.bias_v`, [1, 1, d]);
      }
      for (const ln of ['norm_1', 'norm_2']) {
        m.set(`${p}${ln}.weight`, [d]);
        m.set(`${p}${ln}.bias`, [d]);
      }
      m.set(`${p}mlp.fc1.weight`, [4 * d, d]);
      m.set(`${p}mlp.fc1.bias`, [4 * d]);
      m.set(`${p}mlp.fc2.weight`, [d, 4 * d]);
      m.set(`${p}mlp.fc2.bias`, [d]);
    }
    m.set(`modality_heads.${mod}.0.weight`, [d]);
    m.set(`modality_heads.${mod}.0.bias`, [d]);
    m.set(`modality_heads.${mod}.2.weight`, [c.out_embed_dim, d]);
  }
  m.set('modality_postprocessors.audio.1.log_logit_scale', []);
  return m;
}

export type ReadWeight = (name: string) => Promise<Float32Array>;

/** Builds one graph whose weights stream into `<file>.data`. */
class WeightedGraph {
  readonly g = new GraphBuilder();
  readonly ext: ExternalData;
  constructor(readonly dir: string, readonly file: string, readonly dtype: 'fp32' | 'fp16', private readonly castToF32: boolean) {
    this.ext = new ExternalData(join(dir, `${file}.data`));
  }

  /**
   * A weight initializer; fp16 packs store it as float16. When castToF32 (encoders,
   * projector, fusion compute in fp32) a float16 weight gets a Cast back to float32.
   */
  weight(name: string, dims: number[], data: Float32Array): string {
    const numel = dims.reduce((a, b) => a * b, 1);
    if (this.dtype === 'fp16' && numel >= 16) {
      const half = this.g.init(this.ext.add(`${name}__fp16`, dims, 'float16', toFloat16(data)));
      return this.castToF32 ? this.g.op('Cast', [half], { to: 1 }, { name: `${name}__cast` }) : half;
    }
    return this.g.init(this.ext.add(name, dims, 'float32', data));
  }

  finish(name: string, inputs: ValueInfo[], outputs: ValueInfo[], write: (file: string, bytes: Uint8Array) => void): void {
    this.ext.close();
    write(this.file, this.g.serialize(name, inputs, outputs, [['', 17]]));
  }

  abort(): void {
    try {
      this.ext.close();
    } catch {
      /* already failing */
    }
  }
}

/** x [.., L, in] · W[out, in]ᵀ + b (W stored transposed, as torch.onnx.export folds it). */
async function linear(w: WeightedGraph, x: string, read: ReadWeight, wName: string, out: number, inp: number, bName?: string): Promise<string> {
  const W = w.weight(`${wName}_t`, [inp, out], transpose(await read(wName), out, inp));
  const y = w.g.op('MatMul', [x, W]);
  if (!bName) return y;
  return w.g.op('Add', [y, w.weight(bName, [out], await read(bName))]);
}

async function layerNorm(w: WeightedGraph, x: string, read: ReadWeight, prefix: string, d: number, eps: number): Promise<string> {
  const s = w.weight(`${prefix}weight`, [d], await read(`${prefix}weight`));
  const b = w.weight(`${prefix}bias`, [d], await read(`${prefix}bias`));
  return w.g.op('LayerNormalization', [x, s, b], { axis: -1, epsilon: f(eps) });
}

/** One pre-norm ImageBind block (nn.MultiheadAttention semantics, optional learnt bias_k/bias_v, GELU MLP). */
async function block(w: WeightedGraph, x: string, read: ReadWeight, p: string, d: number, heads: number, biasKv: boolean): Promise<string> {
  const g = w.g;
  const hd = d / heads;
  g.i64(`shape_heads_${heads}_${hd}`, [0, -1, heads, hd]);
  g.i64(`shape_merge_${d}`, [0, -1, d]);
  g.i64('split3_' + d, [d, d, d]);
  const n1 = await layerNorm(w, x, read, `${p}norm_1.`, d, 1e-6);
  const qkv = await linear(w, n1, read, `${p}attn.in_proj_weight`, 3 * d, d, `${p}attn.in_proj_bias`);
  let [q, k, v] = g.opN('Split', [qkv, 'split3_' + d], { axis: -1 }, { outputs: 3 });
  if (biasKv) {
    // k, v [M, L, d] ++ bias [1, 1, d] expanded to [M, 1, d]
    const m = g.op('Shape', [k], { start: 0, end: 1 });
    g.i64('c_one_1d', [1]);
    g.i64(`c_d_${d}`, [d]);
    const shp = g.op('Concat', [m, 'c_one_1d', `c_d_${d}`], { axis: 0 });
    const bk = w.weight(`${p}attn.bias_k`, [1, 1, d], await read(`${p}attn.bias_k`));
    const bv = w.weight(`${p}attn.bias_v`, [1, 1, d], await read(`${p}attn.bias_v`));
    k = g.op('Concat', [k, g.op('Expand', [bk, shp])], { axis: 1 });
    v = g.op('Concat', [v, g.op('Expand', [bv, shp])], { axis: 1 });
  }
  const heads4 = (t: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [t, `shape_heads_${heads}_${hd}`])], { perm });
  const scale = g.f32(`attn_scale_${hd}`, [1 / Math.sqrt(hd)], true);
  const qh = g.op('Mul', [heads4(q, [0, 2, 1, 3]), scale]);
  const kt = heads4(k, [0, 2, 3, 1]);
  const vh = heads4(v, [0, 2, 1, 3]);
  const attn = g.op('Softmax', [g.op('MatMul', [qh, kt])], { axis: -1 });
  const o = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [attn, vh])], { perm: [0, 2, 1, 3] }), `shape_merge_${d}`]);
  const x1 = g.op('Add', [x, await linear(w, o, read, `${p}attn.out_proj.weight`, d, d, `${p}attn.out_proj.bias`)]);
  const n2 = await layerNorm(w, x1, read, `${p}norm_2.`, d, 1e-6);
  const h = await linear(w, n2, read, `${p}mlp.fc1.weight`, 4 * d, d, `${p}mlp.fc1.bias`);
  // exact GELU: 0.5·h·(1 + erf(h/√2))
  const gl = g.op('Mul', [g.op('Mul', [h, g.f32('c_half', [0.5], true)]), g.op('Add', [g.op('Erf', [g.op('Div', [h, g.f32('c_sqrt2', [Math.SQRT2], true)])]), g.f32('c_onef', [1], true)])]);
  return g.op('Add', [x1, await linear(w, gl, read, `${p}mlp.fc2.weight`, d, 4 * d, `${p}mlp.fc2.bias`)]);
}

/** tokens [M, P, d] → prepend cls [1,1,d] (expanded to M) → + pos_embed */
async function clsAndPos(w: WeightedGraph, tokens: string, read: ReadWeight, prefix: string, d: number, n: number): Promise<string> {
  const g = w.g;
  const cls = w.weight(`${prefix}cls_token`, [1, 1, d], await read(`${prefix}cls_token`));
  g.i64('c_one_1d', [1]);
  g.i64(`c_d_${d}`, [d]);
  const shp = g.op('Concat', [g.op('Shape', [tokens], { start: 0, end: 1 }), 'c_one_1d', `c_d_${d}`], { axis: 0 });
  const t = g.op('Concat', [g.op('Expand', [cls, shp]), tokens], { axis: 1 });
  const pos = w.weight(`${prefix}pos_embedding_helper.pos_embed`, [1, n + 1, d], await read(`${prefix}pos_embedding_helper.pos_embed`));
  return g.op('Add', [t, pos]);
}

/** head: LayerNorm → token 0 → Linear (no bias) → L2 normalise (F.normalize, eps 1e-12) */
async function head(w: WeightedGraph, x: string, read: ReadWeight, mod: string, d: number, out: number): Promise<string> {
  const g = w.g;
  const n = await layerNorm(w, x, read, `modality_heads.${mod}.0.`, d, 1e-6);
  const cls = g.op('Gather', [n, g.i64('c_zero_scalar', [0], true)], { axis: 1 });
  const e = await linear(w, cls, read, `modality_heads.${mod}.2.weight`, out, d);
  const norm = g.op('Max', [g.op('ReduceL2', [e], { axes: [-1], keepdims: 1 }), g.f32('c_l2_eps', [1e-12], true)]);
  return g.op('Div', [e, norm]);
}

type Write = (file: string, bytes: Uint8Array) => void;

/** audio_encoder.onnx (imagebind.py _AudioEncoder). */
export async function writeAudioEncoder(dir: string, c: ImageBindConfig, dtype: 'fp32' | 'fp16', read: ReadWeight, write: Write, step: () => void): Promise<string[]> {
  const w = new WeightedGraph(dir, 'audio_encoder.onnx', dtype, true);
  try {
    const g = w.g;
    const d = c.audio_embed_dim;
    const { aPatches } = geometry(c);
    const ks = c.audio_kernel_size;
    const x = g.op('Reshape', ['fbank', g.i64('shape_audio_flat', [-1, 1, c.audio_num_mel_bins, c.audio_target_len])]);
    const W = w.weight('modality_preprocessors.audio.rgbt_stem.proj.weight', [d, 1, ks, ks], await read('modality_preprocessors.audio.rgbt_stem.proj.weight'));
    const conv = g.op('Conv', [x, W], { kernel_shape: [ks, ks], strides: [c.audio_stride, c.audio_stride] });
    let t = g.op('Transpose', [g.op('Reshape', [conv, g.i64(`shape_patches_${d}`, [0, d, -1])])], { perm: [0, 2, 1] });
    t = await layerNorm(w, t, read, 'modality_preprocessors.audio.rgbt_stem.norm_layer.', d, 1e-5);
    t = await clsAndPos(w, t, read, 'modality_preprocessors.audio.', d, aPatches);
    for (let b = 0; b < c.audio_num_blocks; b++) {
      t = await block(w, t, read, `modality_trunks.audio.blocks.${b}.`, d, c.audio_num_heads, true);
      step();
    }
    const e = await head(w, t, read, 'audio', d, c.out_embed_dim);
    const outShape = g.op('Concat', [g.op('Shape', ['fbank'], { start: 0, end: 2 }), g.i64('c_out_dim', [c.out_embed_dim])], { axis: 0 });
    g.op('Reshape', [e, outShape], {}, { outputs: ['embeddings'] });
    w.finish('imagebind_audio', [{ name: 'fbank', dtype: 'float32', shape: ['batch', 'clips', 1, c.audio_num_mel_bins, c.audio_target_len] }],
      [{ name: 'embeddings', dtype: 'float32', shape: ['batch', 'clips', c.out_embed_dim] }], write);
    return [w.file, `${w.file}.data`];
  } finally {
    w.abort();
  }
}

/** vision_encoder.onnx (imagebind.py _VisionEncoder: one graph for images and videos). */
export async function writeVisionEncoder(dir: string, c: ImageBindConfig, dtype: 'fp32' | 'fp16', read: ReadWeight, write: Write, step: () => void): Promise<string[]> {
  const w = new WeightedGraph(dir, 'vision_encoder.onnx', dtype, true);
  try {
    const g = w.g;
    const d = c.vision_embed_dim;
    const s = c.image_size;
    const { vPatches } = geometry(c);
    const x = g.op('Reshape', ['pixel_values', g.i64('shape_vision_flat', [-1, 3, c.video_frames, s, s])]);
    const key = 'modality_preprocessors.vision.rgbt_stem.proj.1.weight';
    const W = w.weight(key, [d, 3, ...c.kernel_size], await read(key));
    const conv = g.op('Conv', [x, W], { kernel_shape: c.kernel_size, strides: c.kernel_size });
    let t = g.op('Transpose', [g.op('Reshape', [conv, g.i64(`shape_patches_${d}`, [0, d, -1])])], { perm: [0, 2, 1] });
    t = await clsAndPos(w, t, read, 'modality_preprocessors.vision.', d, vPatches);
    t = await layerNorm(w, t, read, 'modality_trunks.vision.pre_transformer_layer.0.', d, 1e-6);
    for (let b = 0; b < c.vision_num_blocks; b++) {
      t = await block(w, t, read, `modality_trunks.vision.blocks.${b}.`, d, c.vision_num_heads, false);
      step();
    }
    const e = await head(w, t, read, 'vision', d, c.out_embed_dim);
    const outShape = g.op('Concat', [g.op('Shape', ['pixel_values'], { start: 0, end: 2 }), g.i64('c_out_dim', [c.out_embed_dim])], { axis: 0 });
    g.op('Reshape', [e, outShape], {}, { outputs: ['embeddings'] });
    w.finish('imagebind_vision', [{ name: 'pixel_values', dtype: 'float32', shape: ['batch', 'n', 3, c.video_frames, s, s] }],
      [{ name: 'embeddings', dtype: 'float32', shape: ['batch', 'n', c.out_embed_dim] }], write);
    return [w.file, `${w.file}.data`];
  } finally {
    w.abort();
  }
}

/** projector.onnx: float32 embeddings [B, T, D] → T [B, T, H] (projector.py Projector). */
export function writeProjector(dir: string, dtype: 'fp32' | 'fp16', weight: Float32Array, bias: Float32Array, H: number, D: number, write: Write): string[] {
  const w = new WeightedGraph(dir, 'projector.onnx', dtype, true);
  try {
    const g = w.g;
    const Wt = w.weight('llama_proj_weight_t', [D, H], transpose(weight, H, D));
    const b = w.weight('llama_proj_bias', [H], bias);
    const y = g.op('Add', [g.op('MatMul', ['embeddings', Wt]), b]);
    const T = dtype === 'fp16' ? 'float16' : 'float32';
    if (T === 'float16') g.op('Cast', [y], { to: 10 }, { outputs: ['projected'] });
    else g.op('Identity', [y], {}, { outputs: ['projected'] });
    w.finish('deepresonance_projector', [{ name: 'embeddings', dtype: 'float32', shape: ['batch', 'tokens', D] }], [{ name: 'projected', dtype: T, shape: ['batch', 'tokens', H] }], write);
    return [w.file, `${w.file}.data`];
  } finally {
    w.abort();
  }
}

/** fusion.onnx (β): nn.TransformerEncoder eval math (post-norm, ReLU, LayerNorm eps 1e-5), projector.py Fusion. */
export async function writeFusion(dir: string, dtype: 'fp32' | 'fp16', read: ReadWeight, layers: number, H: number, nhead: number, ff: number, write: Write): Promise<string[]> {
  if (H % nhead) throw new ConvertError(`fusion d_model ${H} is not divisible by nhead ${nhead}.`);
  const w = new WeightedGraph(dir, 'fusion.onnx', dtype, true);
  try {
    const g = w.g;
    const hd = H / nhead;
    const T = dtype === 'fp16' ? 'float16' : 'float32';
    // key_padding_mask [B, S] → additive bias [B, 1, 1, S]: finfo(float32).min where padded
    const neg = g.op('Unsqueeze', [g.op('Where', ['key_padding_mask', g.f32('c_min_f', [-3.4028234663852886e38], true), g.f32('c_zero_f', [0], true)]), g.i64('c_ax12', [1, 2])]);
    let x = T === 'float16' ? g.op('Cast', ['inputs_embeds'], { to: 1 }) : 'inputs_embeds';
    g.i64('shape_heads', [0, 0, nhead, hd]);
    g.i64('shape_merge', [0, 0, H]);
    g.i64('split3', [H, H, H]);
    const scale = g.f32('attn_scale', [1 / Math.sqrt(hd)], true);
    for (let n = 0; n < layers; n++) {
      const p = `layers.${n}.`;
      const qkv = await linear(w, x, read, `${p}self_attn.in_proj_weight`, 3 * H, H, `${p}self_attn.in_proj_bias`);
      const [q, k, v] = g.opN('Split', [qkv, 'split3'], { axis: -1 }, { outputs: 3 });
      const heads4 = (t: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [t, 'shape_heads'])], { perm });
      const s = g.op('Add', [g.op('MatMul', [g.op('Mul', [heads4(q, [0, 2, 1, 3]), scale]), heads4(k, [0, 2, 3, 1])]), neg]);
      const a = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [g.op('Softmax', [s], { axis: -1 }), heads4(v, [0, 2, 1, 3])])], { perm: [0, 2, 1, 3] }), 'shape_merge']);
      const ao = await linear(w, a, read, `${p}self_attn.out_proj.weight`, H, H, `${p}self_attn.out_proj.bias`);
      x = await layerNorm(w, g.op('Add', [x, ao]), read, `${p}norm1.`, H, 1e-5);
      const h = g.op('Relu', [await linear(w, x, read, `${p}linear1.weight`, ff, H, `${p}linear1.bias`)]);
      const fo = await linear(w, h, read, `${p}linear2.weight`, H, ff, `${p}linear2.bias`);
      x = await layerNorm(w, g.op('Add', [x, fo]), read, `${p}norm2.`, H, 1e-5);
    }
    if (T === 'float16') g.op('Cast', [x], { to: 10 }, { outputs: ['fused'] });
    else g.op('Identity', [x], {}, { outputs: ['fused'] });
    w.finish('deepresonance_fusion',
      [{ name: 'inputs_embeds', dtype: T, shape: ['batch', 'sequence', H] }, { name: 'key_padding_mask', dtype: 'bool', shape: ['batch', 'sequence'] }],
      [{ name: 'fused', dtype: T, shape: ['batch', 'sequence', H] }], write);
    return [w.file, `${w.file}.data`];
  } finally {
    w.abort();
  }
}
