/**
 * The in-engine converter (issue 9): the official DeepResonance checkpoints →
 * a Resonance Studio model pack (tools/convert/MANIFEST.md), in TypeScript, with
 * no Python. Same inputs, options and pack as tools/convert/convert.py (the
 * reference it is tested against, test/tools/convert-ts.test.ts).
 *
 * Streaming: every tensor is read from its checkpoint (main/engine/model/checkpoint),
 * merged / converted / quantised and appended to its graph's external-data file
 * before the next is read, so memory holds about one tensor and its converted copy
 * (LLaMA-7B: the 32006 × 4096 lm_head, 0.5 GB as float32, is the largest).
 *
 * Atomicity: the pack is written into `<out>.partial` (removed first if a killed
 * run left one), every file is fsynced, manifest.json is written last, then the
 * folder is renamed to `<out>`. loadPack refuses a folder without a manifest, so a
 * partial pack is never offered; a cancelled or failed run removes `<out>.partial`.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fsyncSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { StudioError } from '@contract';
import { CheckpointError, openCheckpoint, openWeightFolder, type WeightSet } from '../checkpoint';
import { Manifest, PARTIAL_SUFFIX } from '../pack';
import { ConvertError, cancelled } from './errors';
import { imagebindConfig, imagebindShapes, writeAudioEncoder, writeFusion, writeProjector, writeVisionEncoder, type ImageBindConfig } from './encoders';
import { DecoderWriter, expectedShapes, headDim, IGNORED_LLM_KEY, loadLlamaConfig, DECODER_OPTIONS, type LlamaConfig, type Quant } from './llama';
import { fromFloat16Bits, inDtype, mergeLora, toFloat16Bits } from './numeric';
import { ADDED_TOKENS, buildTokenizerJson, readSentencePiece, tokenizerConfig } from './tokenizer';

export { ConvertError } from './errors';

export const CONVERTER_VERSION = '1';
/** LoRA alpha: not stored in the delta; 32 in the official training config (delta.py DEFAULT_LORA_ALPHA). */
export const DEFAULT_LORA_ALPHA = 32;

/** What a pack manifest's quantization.rounding says for each int4 scheme (tools/convert/llama.py INT4_ROUNDING, word for word). */
export const INT4_ROUNDING = {
  q4_0: 'llama.cpp Q4_0 (scale = max/-8 in fp16, 16 levels)',
  symmetric: 'symmetric (scale = amax/7, 15 levels)',
} as const;

export interface ConvertProgress {
  /** 'check' | 'audio_encoder' | 'vision_encoder' | 'projector' | 'fusion' | 'tokenizer' | 'decoder' | 'manifest' */
  step: string;
  done: number;
  total: number;
  /** bytes written so far in this step */
  bytes?: number;
  /** decoder step: the tensor just written (HF name) and its element count */
  tensor?: string;
  elements?: number;
}

export interface ConvertOptions {
  /** imagebind_huge.pth (or a tiny equivalent with imagebindConfig) */
  imagebind: string;
  /** JSON with ImageBindModel constructor args (as convert.py --imagebind-config) */
  imagebindConfig?: string;
  /** assembled Vicuna-7B v0 HF folder, or a LLaMA-7B HF folder when vicunaDelta is given */
  llm: string;
  /** lmsys/vicuna-7b-delta-v0 HF folder, applied as FastChat 0.1.10 apply_delta (base + delta in fp16) */
  vicunaDelta?: string;
  /** DeepResonance delta checkpoint (pytorch_model.pt as agent.save_model writes) */
  delta: string;
  /** pack folder to create */
  out: string;
  /** int4/int8: MatMulNBits block 32 on the LLM projections, lm_head int8; fp16/fp32: no quantisation */
  precision: 'int4' | 'int8' | 'fp16' | 'fp32';
  /** checked against the delta's keys when given (β has pre-LLM fusion layers) */
  variant?: 'alpha' | 'beta';
  onProgress?: (p: ConvertProgress) => void;
  /** cancel: stops at the next tensor, removes `<out>.partial`, rejects with StudioError CANCELLED */
  signal?: AbortSignal;
  /** pack dtype for int4/int8 (graph I/O, norms, scales, embeddings, encoders); default fp32 (fp16 is slow on CPU) */
  dtype?: 'fp32' | 'fp16';
  /** replace an existing pack at `out` (otherwise an existing non-empty `out` is refused) */
  force?: boolean;
  /** LoRA alpha (default 32) */
  loraAlpha?: number;
  /** pack name (default deepresonance-<variant>-<dtype>[-<quant>]) */
  name?: string;
  /** int4 rounding: llama.cpp's 'q4_0' (default; d = max/−8 in fp16, all 16 levels) or the earlier 'symmetric' (amax/7, 15 levels),
   *  both as tools/convert/llama.py INT4_SCHEMES; same MatMulNBits layout and size. 'q4_0' loses less (BENCHMARKS.md "int4 rounding"). */
  int4Scheme?: 'symmetric' | 'q4_0';
}

export interface ConvertResult {
  /** the pack folder */
  dir: string;
  /** its manifest.json */
  manifest: string;
  /** total bytes of the pack's files */
  bytes: number;
}

const MEDIA = {
  audio: { graph: 'audio_encoder', tokens: 3, clips: 3, clip_seconds: 2.0, sample_rate: 16000,
    fbank: { num_mel_bins: 128, target_length: 204, frame_length_ms: 25, frame_shift_ms: 10, mean: -4.268, std: 9.138 } },
  image: { graph: 'vision_encoder', tokens: 1, size: 224, mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711] },
  video: { graph: 'vision_encoder', tokens: 15, clips: 5, frames_per_clip: 2, crops: 3, clip_seconds: 2.0, size: 224 },
};

const LORA_KEY = /^llama_model\.base_model\.model\.model\.layers\.(\d+)\.self_attn\.([qkvo])_proj\.lora_([AB])(\.default)?\.weight$/;
const EMBED_KEYS = ['llama_model.base_model.model.model.embed_tokens.weight', 'llama_model.model.embed_tokens.weight'];
const LMHEAD_KEYS = ['llama_model.base_model.model.lm_head.weight', 'llama_model.lm_head.weight'];
const FUSION_PARTS = ['self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight', 'self_attn.out_proj.bias',
  'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias', 'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias'];
const FUSION_KEY = new RegExp(`^preencoding\\.layers\\.(\\d+)\\.(${FUSION_PARTS.map((p) => p.replaceAll('.', '\\.')).join('|')})$`);

/** The DeepResonance delta, parsed and validated (delta.py load_delta); tensors are read on demand. */
interface Delta {
  ckpt: WeightSet;
  path: string;
  /** stored key of a canonical name ('llama_proj.weight', 'lora.{i}.{q}.{A|B}', 'embed', 'lm_head', 'layers.{n}.{part}') */
  key: Map<string, string>;
  variant: 'alpha' | 'beta';
  encoderDim: number;
  loraR: number;
  loraStyle: string;
  hasEmbed: boolean;
  hasLmHead: boolean;
  fusionLayers: number;
  fusionFf: number;
}

async function openDelta(path: string, cfg: LlamaConfig, vocab: number): Promise<Delta> {
  const ckpt = await openCheckpoint(path);
  const H = cfg.hidden_size;
  let names = [...ckpt.tensors.keys()];
  const strip = names.length > 0 && names.every((k) => k.startsWith('module.'));
  const key = new Map<string, string>();
  const shape = (canon: string) => ckpt.tensors.get(key.get(canon)!)!.shape;
  const styles = new Set<string>();
  const unknown: string[] = [];
  let fusionIdx = new Set<number>();
  for (const stored of names) {
    const k = strip ? stored.slice('module.'.length) : stored;
    let m: RegExpExecArray | null;
    if (k === 'llama_proj.weight' || k === 'llama_proj.bias') key.set(k, stored);
    else if ((m = LORA_KEY.exec(k))) {
      key.set(`lora.${m[1]}.${m[2]}.${m[3]}`, stored);
      styles.add(m[4] ? 'peft-0.3.0' : 'peft-legacy');
    } else if (EMBED_KEYS.includes(k)) key.set('embed', stored);
    else if (LMHEAD_KEYS.includes(k)) key.set('lm_head', stored);
    else if ((m = FUSION_KEY.exec(k))) {
      key.set(k.slice('preencoding.'.length), stored);
      fusionIdx.add(Number(m[1]));
    } else unknown.push(k);
  }
  names = [];
  const fail = (msg: string) => new ConvertError(`${path}: ${msg}`);
  if (!key.has('llama_proj.weight') || !key.has('llama_proj.bias')) throw fail('no llama_proj.weight / llama_proj.bias — not a DeepResonance delta checkpoint. Point --delta to the pytorch_model.pt of DeepResonance-α or -β.');
  const pw = shape('llama_proj.weight');
  if (pw.length !== 2 || pw[0] !== H || shape('llama_proj.bias').join() !== String(H)) throw fail(`llama_proj is [${pw}] but the LLM hidden size is ${H} (shape mismatch: is --llm the Vicuna-7B this delta was trained on?).`);
  if (unknown.length) throw fail(`unexpected keys (unknown delta layout): ${unknown.sort().slice(0, 6).join(', ')}${unknown.length > 6 ? ' …' : ''}.`);
  if (styles.size > 1) throw fail('mixes peft-0.3.0 (`.default.`) and legacy LoRA key styles.');
  const missing: string[] = [];
  let r = 0;
  for (let i = 0; i < cfg.num_hidden_layers; i++) {
    for (const n of 'qkvo') {
      if (!key.has(`lora.${i}.${n}.A`) || !key.has(`lora.${i}.${n}.B`)) {
        missing.push(`${i}.${n}_proj`);
        continue;
      }
      const a = shape(`lora.${i}.${n}.A`);
      const b = shape(`lora.${i}.${n}.B`);
      if (a.length !== 2 || b.length !== 2 || a[1] !== H || b[0] !== H || a[0] !== b[1]) throw fail(`LoRA layer ${i} ${n}_proj has A [${a}], B [${b}]; expected A [r, ${H}], B [${H}, r] (shape mismatch).`);
      if (r && a[0] !== r) throw fail(`LoRA rank differs between projections (${r} vs ${a[0]}).`);
      r = a[0];
    }
  }
  if (missing.length) throw fail(`LoRA weights missing for ${missing.length} projection(s) (${missing.slice(0, 6).join(', ')}); expected q/k/v/o in all ${cfg.num_hidden_layers} layers. The file is incomplete or from another model.`);
  const extra = [...key.keys()].filter((k) => k.startsWith('lora.') && Number(k.split('.')[1]) >= cfg.num_hidden_layers);
  if (extra.length) throw fail(`LoRA for layers beyond the LLM's ${cfg.num_hidden_layers}.`);
  for (const nm of ['embed', 'lm_head']) {
    if (!key.has(nm)) continue;
    const s = shape(nm);
    if (s.length !== 2 || s[1] !== H) throw fail(`${nm === 'embed' ? 'embed_tokens' : 'lm_head'} is [${s}], expected [vocab, ${H}] (shape mismatch).`);
    if (s[0] !== vocab) throw fail(`${nm === 'embed' ? 'embed_tokens' : 'lm_head'} has ${s[0]} rows but the tokenizer (+6 added tokens) has ${vocab}: the delta comes from a different vocabulary size.`);
  }
  const idx = [...fusionIdx].sort((a, b) => a - b);
  fusionIdx = new Set();
  let ff = 0;
  if (idx.length) {
    if (idx.some((v, i) => v !== i)) throw fail(`pre-LLM fusion layers are not contiguous: ${idx}.`);
    for (const n of idx) for (const p of FUSION_PARTS) if (!key.has(`layers.${n}.${p}`)) throw fail(`fusion layer ${n} lacks ${p}.`);
    ff = shape('layers.0.linear1.weight')[0];
    const want: Record<string, number[]> = {
      'self_attn.in_proj_weight': [3 * H, H], 'self_attn.in_proj_bias': [3 * H], 'self_attn.out_proj.weight': [H, H], 'self_attn.out_proj.bias': [H],
      'linear1.weight': [ff, H], 'linear1.bias': [ff], 'linear2.weight': [H, ff], 'linear2.bias': [H],
      'norm1.weight': [H], 'norm1.bias': [H], 'norm2.weight': [H], 'norm2.bias': [H],
    };
    for (const n of idx) {
      for (const [p, w] of Object.entries(want)) {
        const s = shape(`layers.${n}.${p}`);
        if (s.join() !== w.join()) throw fail(`fusion layer ${n} ${p} is [${s}], expected [${w}] (d_model must equal the LLM hidden size ${H}).`);
      }
    }
  }
  return {
    ckpt, path, key, variant: idx.length ? 'beta' : 'alpha', encoderDim: pw[1], loraR: r, loraStyle: styles.size ? [...styles][0] : 'none',
    hasEmbed: key.has('embed'), hasLmHead: key.has('lm_head'), fusionLayers: idx.length, fusionFf: ff,
  };
}

/** SHA-256 of a file, streamed. */
async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) {
    if (signal?.aborted) throw cancelled();
    h.update(chunk as Buffer);
  }
  return h.digest('hex');
}

function writeFileSynced(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    let done = 0;
    while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(path: string): void {
  try {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not supported on this platform (Windows) */
  }
}

/** Identity of a conversion: input names/sizes/mtimes + options (pack.py fingerprint; no hashing of GBs). */
function fingerprint(inputs: Array<string | undefined>, options: Record<string, unknown>): string {
  const items: Array<[string, number, string]> = [];
  for (const p of inputs) {
    if (!p) continue;
    const paths = statSync(p).isDirectory() ? readdirSync(p).sort().map((f) => join(p, f)) : [p];
    for (const q of paths) {
      const st = statSync(q, { bigint: true });
      if (st.isFile()) items.push([resolve(q), Number(st.size), String(st.mtimeNs)]);
    }
  }
  return createHash('sha256').update(JSON.stringify({ inputs: items, options })).digest('hex');
}

/** Wrap checkpoint-reader errors as ConvertErrors that say what to do. */
function explain(err: unknown): unknown {
  if (err instanceof CheckpointError) {
    const msg = err.message.replace(/\.+$/, '');
    if (/refused without running it/.test(msg)) return new ConvertError(`${msg}. This file is not a plain weight checkpoint; do not use it: get the checkpoint from its official source.`);
    return new ConvertError(`${msg}. The file is damaged, incomplete or not the expected checkpoint: download it again (or point to the right file) and rerun the conversion.`);
  }
  return err;
}

/**
 * Convert the official checkpoints into a model pack at `o.out`.
 *
 * Inputs: ImageBind (`.pth`, official key names), the Vicuna-7B v0 HF folder (or
 * LLaMA-7B + `vicunaDelta`), the DeepResonance delta (α or β, detected from its keys).
 * Output: `{dir, manifest, bytes}` of the finished pack (every file listed with
 * size and SHA-256 in manifest.json). Peak memory ≈ the largest tensor as float32
 * twice (LLaMA-7B: ~1.1 GB) plus the runtime.
 *
 * Errors: ConvertError (StudioError UNREADABLE) naming the file and what to do for a
 * missing/corrupt/mismatched input or an existing `out` (without `force`);
 * StudioError CANCELLED when `signal` aborts. Nothing is left at `out` or `out.partial`
 * after an error.
 */
export async function convertPack(o: ConvertOptions): Promise<ConvertResult> {
  const out = resolve(o.out.replace(/[\\/]+$/, ''));
  const partial = `${out}${PARTIAL_SUFFIX}`;
  const check = () => {
    if (o.signal?.aborted) throw cancelled();
  };
  const progress = (p: ConvertProgress) => o.onProgress?.(p);
  check();
  const quant: Quant = o.precision === 'int4' ? 'int4' : o.precision === 'int8' ? 'int8' : 'none';
  const dtype: 'fp32' | 'fp16' = o.precision === 'fp16' ? 'fp16' : o.precision === 'fp32' ? 'fp32' : (o.dtype ?? 'fp32');
  if (!['int4', 'int8', 'fp16', 'fp32'].includes(o.precision)) throw new ConvertError(`precision must be int4, int8, fp16 or fp32, not ${JSON.stringify(o.precision)}.`);
  for (const [what, p, dir] of [['imagebind', o.imagebind, false], ['llm', o.llm, true], ['delta', o.delta, false], ['vicunaDelta', o.vicunaDelta, true], ['imagebindConfig', o.imagebindConfig, false]] as const) {
    if (p === undefined) continue;
    if (!existsSync(p) || statSync(p).isDirectory() !== dir) throw new ConvertError(`${what} "${p}" does not exist${dir ? ' or is not a folder' : ' or is not a file'}.`);
  }
  const loraAlpha = o.loraAlpha ?? DEFAULT_LORA_ALPHA;
  const fp = fingerprint([o.imagebind, o.imagebindConfig, o.llm, o.vicunaDelta, o.delta], {
    dtype, llm_quant: quant, ...(quant === 'int4' ? { int4_scheme: o.int4Scheme ?? 'q4_0' } : {}), lora_alpha: loraAlpha, imagebind_config: o.imagebindConfig ? resolve(o.imagebindConfig) : null, version: CONVERTER_VERSION, ts: true,
  });
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new ConvertError(`"${out}" exists and is not a folder.`);
    const mpath = join(out, 'manifest.json');
    if (!o.force && existsSync(mpath)) {
      // the same conversion already finished (same inputs, sizes, mtimes and options): nothing to do
      let old: { source?: { fingerprint?: string }; files?: Record<string, { bytes: number }> } = {};
      try {
        old = JSON.parse(readFileSync(mpath, 'utf8'));
      } catch {
        /* not ours: refused below */
      }
      if (old.source?.fingerprint === fp) {
        const bytes = Object.values(old.files ?? {}).reduce((n, f) => n + f.bytes, 0) + statSync(mpath).size;
        return { dir: out, manifest: mpath, bytes };
      }
      throw new ConvertError(`"${out}" already holds a different pack; choose another folder or replace it (force).`);
    }
    if (readdirSync(out).length && !o.force) throw new ConvertError(`"${out}" already exists and is not empty; choose another folder or replace it (force).`);
  }
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const opened: WeightSet[] = [];
  let done = false;
  try {
    // ---- check every input before writing anything big
    progress({ step: 'check', done: 0, total: 1 });
    let ibRaw: Record<string, unknown> | undefined;
    if (o.imagebindConfig) {
      try {
        ibRaw = JSON.parse(readFileSync(o.imagebindConfig, 'utf8'));
      } catch (err) {
        throw new ConvertError(`ImageBind config ${o.imagebindConfig} is not valid JSON: ${(err as Error).message}.`);
      }
      if (!ibRaw || typeof ibRaw !== 'object' || Array.isArray(ibRaw)) throw new ConvertError(`ImageBind config ${o.imagebindConfig} must be a JSON object.`);
    }
    const ibCfg = imagebindConfig(ibRaw, o.imagebindConfig);
    const ib = await openCheckpoint(o.imagebind).catch((e) => { throw explain(e); });
    opened.push(ib);
    const ibShapes = imagebindShapes(ibCfg);
    checkImagebind(o.imagebind, ib, ibShapes);

    const cfgDir = o.vicunaDelta ?? o.llm;
    const cfg = loadLlamaConfig(cfgDir);
    const spPath = existsSync(join(cfgDir, 'tokenizer.model')) ? join(cfgDir, 'tokenizer.model') : join(o.llm, 'tokenizer.model');
    const sp = readSentencePiece(spPath);
    const baseVocab = sp.pieces.length;
    const at = join(cfgDir, 'added_tokens.json');
    if (existsSync(at) && statSync(at).size > 2) throw new ConvertError(`${at}: the LLM tokenizer already has added tokens; the DeepResonance token ids would shift (Vicuna v0 as prepared by the reference has none) — unsupported.`);
    if (cfg.vocab_size < baseVocab) throw new ConvertError(`${cfgDir}: config.json vocab_size ${cfg.vocab_size} < tokenizer.model size ${baseVocab}.`);
    const vocab = baseVocab + ADDED_TOKENS.length;
    const llm = await openWeightFolder(o.llm).catch((e) => { throw explain(e); });
    opened.push(llm);
    const vic = o.vicunaDelta ? await openWeightFolder(o.vicunaDelta).catch((e) => { throw explain(e); }) : null;
    if (vic) opened.push(vic);
    const delta = await openDelta(o.delta, cfg, vocab).catch((e) => { throw explain(e); });
    opened.push(delta.ckpt);
    if (o.variant && o.variant !== delta.variant) throw new ConvertError(`${o.delta}: this is a DeepResonance-${delta.variant === 'beta' ? 'β' : 'α'} delta, not ${o.variant === 'beta' ? 'β' : 'α'}.`);
    if (delta.encoderDim !== ibCfg.out_embed_dim) throw new ConvertError(`${o.delta}: llama_proj takes ${delta.encoderDim}-d input but ImageBind out_embed_dim is ${ibCfg.out_embed_dim} (shape mismatch).`);
    const shapes = expectedShapes(cfg);
    const llmNames: string[] = [];
    for (const [name, t] of llm.tensors) {
      if (IGNORED_LLM_KEY.test(name)) continue;
      const want = shapes.get(name);
      if (!want) throw new ConvertError(`${o.llm}: unexpected weight "${name}" (not a LLaMA parameter for this config.json).`);
      const rowsDiffer = vic && (name === 'model.embed_tokens.weight' || name === 'lm_head.weight');
      if (!rowsDiffer && t.shape.join() !== want.join()) throw new ConvertError(`${o.llm}: ${name} has shape [${t.shape}] but config.json implies [${want}] (config dims disagree with the weights).`);
      if (!['float32', 'float16', 'bfloat16'].includes(t.dtype)) throw new ConvertError(`${o.llm}: ${name} has dtype ${t.dtype}, expected a float tensor.`);
      if (vic && !vic.tensors.has(name)) throw new ConvertError(`${o.vicunaDelta}: the Vicuna delta has no ${name}; is it lmsys/vicuna-7b-delta-v0?`);
      llmNames.push(name);
    }
    const missing = [...shapes.keys()].filter((k) => !llm.tensors.has(k) && !(k === 'model.embed_tokens.weight' && delta.hasEmbed) && !(k === 'lm_head.weight' && delta.hasLmHead));
    if (missing.length) throw new ConvertError(`${o.llm}: missing weights: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ' …' : ''}. The folder is incomplete: download the missing shards again.`);
    progress({ step: 'check', done: 1, total: 1 });

    const write = (file: string, bytes: Uint8Array) => writeFileSynced(join(partial, file), bytes);
    const files: Record<string, string> = {};
    const graphs: Record<string, Record<string, unknown>> = {};
    const readIb = async (name: string) => {
      check();
      return ib.readFloat32(name, { signal: o.signal }).catch((e) => { throw explain(e); });
    };

    // ---- encoders
    const [ea, eb] = [ibCfg.audio_num_blocks, ibCfg.vision_num_blocks];
    let k = 0;
    const a = await writeAudioEncoder(partial, ibCfg, dtype, readIb, write, () => progress({ step: 'audio_encoder', done: ++k, total: ea }));
    files[a[0]] = 'audio_encoder';
    files[a[1]] = 'audio_encoder_data';
    graphs.audio_encoder = { file: a[0], external_data: a[1] };
    k = 0;
    const v = await writeVisionEncoder(partial, ibCfg, dtype, readIb, write, () => progress({ step: 'vision_encoder', done: ++k, total: eb }));
    files[v[0]] = 'vision_encoder';
    files[v[1]] = 'vision_encoder_data';
    graphs.vision_encoder = { file: v[0], external_data: v[1] };

    // ---- projector (+ fusion)
    const readDelta = async (canon: string) => {
      check();
      return delta.ckpt.readFloat32(delta.key.get(canon)!, { signal: o.signal }).catch((e) => { throw explain(e); });
    };
    const H = cfg.hidden_size;
    const p = writeProjector(partial, dtype, await readDelta('llama_proj.weight'), await readDelta('llama_proj.bias'), H, delta.encoderDim, write);
    files[p[0]] = 'projector';
    files[p[1]] = 'projector_data';
    graphs.projector = { file: p[0], external_data: p[1] };
    progress({ step: 'projector', done: 1, total: 1 });
    if (delta.variant === 'beta') {
      const fz = await writeFusion(partial, dtype, readDelta, delta.fusionLayers, H, cfg.num_attention_heads, delta.fusionFf, write);
      files[fz[0]] = 'fusion';
      files[fz[1]] = 'fusion_data';
      graphs.fusion = { file: fz[0], external_data: fz[1] };
      progress({ step: 'fusion', done: 1, total: 1 });
    }

    // ---- tokenizer
    const tj = buildTokenizerJson(sp, spPath);
    const tc = tokenizerConfig();
    write('tokenizer.json', Buffer.from(JSON.stringify(tj), 'utf8'));
    write('tokenizer_config.json', Buffer.from(JSON.stringify(tc), 'utf8'));
    files['tokenizer.json'] = 'tokenizer';
    files['tokenizer_config.json'] = 'tokenizer_config';
    // loaded here, not when the engine starts
    const { Tokenizer } = createRequire(import.meta.url)('@huggingface/tokenizers') as typeof import('@huggingface/tokenizers');
    const stop = new Tokenizer(tj as any, tc as any).encode('###', { add_special_tokens: false }).ids;
    progress({ step: 'tokenizer', done: 1, total: 1 });

    // ---- LLM decoder, streamed tensor by tensor
    const scale = loraAlpha / delta.loraR;
    const int4Scheme = o.int4Scheme ?? 'q4_0';
    const dec = new DecoderWriter(cfg, partial, dtype, quant, vocab, int4Scheme);
    const total = shapes.size;
    let n = 0;
    const put = async (name: string, data: Float32Array) => {
      if (name === 'model.embed_tokens.weight') {
        const embed = inDtype(data, dtype);
        write('embed_tokens.bin', new Uint8Array(embed.buffer, embed.byteOffset, embed.byteLength));
        files['embed_tokens.bin'] = 'embed_tokens';
      } else {
        dec.add(name, data);
      }
      progress({ step: 'decoder', done: ++n, total, bytes: dec.bytesWritten, tensor: name, elements: data.length });
      // let an abort from the event loop land between tensors
      await new Promise((r) => setImmediate(r));
      check();
    };
    try {
      for (const name of llmNames) {
        const isTable = name === 'model.embed_tokens.weight' || name === 'lm_head.weight';
        if ((name === 'model.embed_tokens.weight' && delta.hasEmbed) || (name === 'lm_head.weight' && delta.hasLmHead)) continue;
        check();
        let t = await llm.readFloat32(name, { signal: o.signal }).catch((e) => { throw explain(e); });
        let rows = isTable ? llm.tensors.get(name)!.shape[0] : 0;
        if (vic) {
          const d = await vic.readFloat32(name, { signal: o.signal }).catch((e) => { throw explain(e); });
          const dRows = isTable ? vic.tensors.get(name)!.shape[0] : 0;
          if (isTable && rows < dRows) {
            const padded = new Float32Array(dRows * H);
            padded.set(t);
            t = padded;
            rows = dRows;
          }
          if (t.length !== d.length) throw new ConvertError(`${name}: base [${llm.tensors.get(name)!.shape}] vs Vicuna delta [${vic.tensors.get(name)!.shape}] (shape mismatch: is --llm LLaMA-7B?).`);
          // FastChat 0.1.10: both loaded in fp16, param.data += delta (an fp16 sum)
          for (let i = 0; i < t.length; i++) {
            t[i] = fromFloat16Bits(toFloat16Bits(fromFloat16Bits(toFloat16Bits(t[i])) + fromFloat16Bits(toFloat16Bits(d[i]))));
          }
          if (isTable && rows !== cfg.vocab_size) throw new ConvertError(`${o.vicunaDelta}: ${name} has ${rows} rows but its config.json says vocab_size ${cfg.vocab_size}.`);
        }
        if (isTable) t = resizeRows(t, rows, vocab, H);
        const m = /^model\.layers\.(\d+)\.self_attn\.([qkvo])_proj\.weight$/.exec(name);
        if (m && delta.loraR) {
          const A = await readDelta(`lora.${m[1]}.${m[2]}.A`);
          const B = await readDelta(`lora.${m[1]}.${m[2]}.B`);
          mergeLora(t, A, B, H, H, delta.loraR, scale);
        }
        await put(name, t);
      }
      if (delta.hasEmbed) await put('model.embed_tokens.weight', await readDelta('embed'));
      if (delta.hasLmHead) await put('lm_head.weight', await readDelta('lm_head'));
      if (!files['embed_tokens.bin']) throw new ConvertError(`${o.llm}: no model.embed_tokens.weight.`);
      const d = dec.finish(write);
      files[d.graph] = 'decoder';
      files[d.data] = 'decoder_data';
      graphs.decoder = { file: d.graph, external_data: d.data };
    } finally {
      dec.abort();
    }
    for (const w of opened.splice(0)) await w.close();

    // ---- manifest, written last
    const listed = Object.entries(files);
    const manifestFiles: Record<string, { bytes: number; sha256: string; role: string }> = {};
    let bytes = 0;
    let i = 0;
    for (const [file, role] of listed.sort(([x], [y]) => (x < y ? -1 : 1))) {
      const size = statSync(join(partial, file)).size;
      manifestFiles[file] = { bytes: size, sha256: await sha256File(join(partial, file), o.signal), role };
      bytes += size;
      progress({ step: 'manifest', done: ++i, total: listed.length, bytes });
    }
    const manifest = buildManifest({
      name: o.name, int4Scheme, variant: delta.variant, dtype, quant, cfg, ibCfg, baseVocab, vocab, stop, fp, graphs, sp, delta, loraAlpha,
      source: { imagebind: basename(o.imagebind), llm: basename(o.llm), delta: basename(o.delta), ...(o.vicunaDelta ? { vicuna_delta: basename(o.vicunaDelta) } : {}) },
    });
    manifest.files = manifestFiles;
    const valid = Manifest.safeParse(manifest);
    if (!valid.success) throw new Error(`internal: the manifest written would not load: ${valid.error.issues[0].path.join('.')}: ${valid.error.issues[0].message}`);
    const mbytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
    check();
    write('manifest.json', mbytes);
    fsyncDir(partial);
    // ---- into place
    let old: string | null = null;
    if (existsSync(out)) {
      old = `${out}.old-${process.pid}`;
      await rm(old, { recursive: true, force: true });
      await rename(out, old);
    }
    await rename(partial, out);
    fsyncDir(dirname(out));
    done = true;
    if (old) await rm(old, { recursive: true, force: true });
    return { dir: out, manifest: join(out, 'manifest.json'), bytes: bytes + mbytes.byteLength };
  } catch (err) {
    if (o.signal?.aborted && !(err instanceof StudioError && err.code === 'CANCELLED')) throw cancelled();
    throw explain(err);
  } finally {
    for (const w of opened) await w.close().catch(() => undefined);
    if (!done) await rm(partial, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Every vision/audio key must be present with the config's shape; other modalities are ignored. */
function checkImagebind(path: string, ib: WeightSet, shapes: Map<string, number[]>): void {
  const prefixes = /^modality_(preprocessors|trunks|heads|postprocessors)\.(vision|audio)\./;
  const missing: string[] = [];
  for (const [k, s] of shapes) {
    const t = ib.tensors.get(k);
    if (!t) missing.push(k);
    else if (t.shape.join() !== s.join()) {
      throw new ConvertError(`${path}: ${k} has shape [${t.shape}] but the ImageBind config implies [${s}]. Is this imagebind_huge.pth (or does --imagebind-config match it)?`);
    }
  }
  if (missing.length) throw new ConvertError(`${path}: missing ${missing.length} ImageBind vision/audio weight(s) (${missing.slice(0, 4).join(', ')}…). The file is incomplete or not imagebind_huge.pth: download it again.`);
  const unexpected = [...ib.tensors.keys()].filter((k) => prefixes.test(k) && !shapes.has(k));
  if (unexpected.length) throw new ConvertError(`${path}: unexpected ImageBind keys ${unexpected.slice(0, 4).join(', ')} for this config.`);
}

/** HF resize_token_embeddings(vocab) on a [rows, H] table: keep the first rows; added rows are zero. */
function resizeRows(t: Float32Array, rows: number, vocab: number, H: number): Float32Array {
  if (rows === vocab) return t;
  if (rows > vocab) return t.slice(0, vocab * H);
  const out = new Float32Array(vocab * H);
  out.set(t);
  return out;
}

interface ManifestInput {
  name?: string;
  int4Scheme: 'symmetric' | 'q4_0';
  variant: 'alpha' | 'beta';
  dtype: 'fp32' | 'fp16';
  quant: Quant;
  cfg: LlamaConfig;
  ibCfg: ImageBindConfig;
  baseVocab: number;
  vocab: number;
  stop: number[];
  fp: string;
  graphs: Record<string, Record<string, unknown>>;
  sp: { bosId: number; eosId: number; unkId: number };
  delta: Delta;
  loraAlpha: number;
  source: Record<string, string>;
}

/** manifest.json, as convert.py build_manifest writes it (MANIFEST.md); `files` is added by the caller. */
function buildManifest(x: ManifestInput): Record<string, any> {
  const { cfg, ibCfg, vocab, graphs } = x;
  const t = x.dtype === 'fp16' ? 'float16' : 'float32';
  const H = cfg.hidden_size;
  const L = cfg.num_hidden_layers;
  const nh = cfg.num_attention_heads;
  const hd = headDim(cfg);
  const D = ibCfg.out_embed_dim;
  const s = ibCfg.image_size;
  Object.assign(graphs.audio_encoder, {
    inputs: { fbank: { dtype: 'float32', shape: ['batch', 'clips', 1, ibCfg.audio_num_mel_bins, ibCfg.audio_target_len] } },
    outputs: { embeddings: { dtype: 'float32', shape: ['batch', 'clips', D] } },
  });
  Object.assign(graphs.vision_encoder, {
    inputs: { pixel_values: { dtype: 'float32', shape: ['batch', 'n', 3, ibCfg.video_frames, s, s] } },
    outputs: { embeddings: { dtype: 'float32', shape: ['batch', 'n', D] } },
  });
  Object.assign(graphs.projector, {
    inputs: { embeddings: { dtype: 'float32', shape: ['batch', 'tokens', D] } },
    outputs: { projected: { dtype: t, shape: ['batch', 'tokens', H] } },
  });
  if (graphs.fusion) {
    Object.assign(graphs.fusion, {
      inputs: { inputs_embeds: { dtype: t, shape: ['batch', 'sequence', H] }, key_padding_mask: { dtype: 'bool', shape: ['batch', 'sequence'] } },
      outputs: { fused: { dtype: t, shape: ['batch', 'sequence', H] } },
    });
  }
  const decIn: Record<string, unknown> = {
    inputs_embeds: { dtype: t, shape: ['batch', 'sequence', H] },
    attention_mask: { dtype: 'int64', shape: ['batch', 'total_sequence'] },
    position_ids: { dtype: 'int64', shape: ['batch', 'sequence'] },
  };
  const decOut: Record<string, unknown> = { logits: { dtype: 'float32', shape: ['batch', 1, vocab] } };
  for (let i = 0; i < L; i++) {
    for (const kv of ['key', 'value']) {
      decIn[`past_key_values.${i}.${kv}`] = { dtype: t, shape: ['batch', nh, 'past_sequence', hd] };
      decOut[`present.${i}.${kv}`] = { dtype: t, shape: ['batch', nh, 'total_sequence', hd] };
    }
  }
  Object.assign(graphs.decoder, {
    inputs: decIn, outputs: decOut,
    past_key_values_pattern: 'past_key_values.{layer}.{key|value}', present_pattern: 'present.{layer}.{key|value}',
  });
  const added = Object.fromEntries(ADDED_TOKENS.map((tok, i) => [tok, x.baseVocab + i]));
  const greek = x.variant === 'beta' ? 'β' : 'α';
  return {
    schema_version: 1,
    name: x.name ?? `deepresonance-${x.variant}-${x.dtype}${x.quant === 'none' ? '' : `-${x.quant}`}`,
    variant: x.variant,
    model: `DeepResonance-${greek}`,
    converter: 'typescript',
    converter_version: CONVERTER_VERSION,
    dtype: x.dtype,
    llm_quant: x.quant,
    quantization: x.quant === 'none' ? null : {
      op: 'com.microsoft.MatMulNBits', bits: x.quant === 'int4' ? 4 : 8, block_size: 32, symmetric: true,
      ...(x.quant === 'int4' ? { rounding: INT4_ROUNDING[x.int4Scheme] } : {}),
      applies_to: 'q/k/v/o/gate/up/down projections; lm_head with lm_head_bits', lm_head_bits: DECODER_OPTIONS.lmHeadBits,
      accuracy_level: DECODER_OPTIONS.accuracyLevel,
    },
    source: { ...x.source, fingerprint: x.fp },
    imagebind: { ...ibCfg },
    llm: {
      hidden_size: H, intermediate_size: cfg.intermediate_size, num_hidden_layers: L, num_attention_heads: nh, head_dim: hd,
      vocab_size: vocab, base_vocab_size: x.baseVocab, rms_norm_eps: cfg.rms_norm_eps, max_position_embeddings: cfg.max_position_embeddings,
      rope_theta: cfg.rope_theta, kv_cache: 'shared_buffer',
    },
    lora: { r: x.delta.loraR, alpha: x.loraAlpha, scale: x.delta.loraR ? x.loraAlpha / x.delta.loraR : 0, merged: true, key_style: x.delta.loraStyle },
    fusion: x.variant === 'alpha' ? null : {
      layers: x.delta.fusionLayers, d_model: H, nhead: nh, dim_feedforward: x.delta.fusionFf, activation: 'relu',
      norm_first: false, layer_norm_eps: 1e-5, scope: 'input_segment',
    },
    graphs,
    embed_tokens: { file: 'embed_tokens.bin', dtype: t, byte_order: 'little', layout: 'row-major', shape: [vocab, H] },
    tokenizer: { file: 'tokenizer.json', config: 'tokenizer_config.json', add_special_tokens: false, library: '@huggingface/tokenizers' },
    tokens: {
      bos_id: x.sp.bosId, eos_id: x.sp.eosId, unk_id: x.sp.unkId, pad_id: x.sp.eosId,
      stop_ids: [x.stop], stop_text: '###', answer_terminator: '\n###', added,
    },
    media: MEDIA,
    prompt: {
      placeholders: { '<Audio>': 'audio', '<Image>': 'image', '<Video>': 'video' },
      placeholder_regex: '(<Audio>|<Image>|<Video>)',
      template: '{input}### Human: {instruction}\n### Assistant: ',
      instruction_prefix: '### Human: ',
      instruction_suffix: '\n### Assistant: ',
      bos: 'iff the first split segment of the input is non-empty text',
      empty_input_replacement: ' ',
      segments_tokenized_separately: true,
      max_length: 512,
    },
    generation: { temperature: 0.1, top_p: 1.0, max_new_tokens: 512, do_sample: true },
    ep_hints: {
      order: ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'],
      decoder: { min_memory_bytes: null, notes: x.quant !== 'none' ? 'MatMulNBits needs the CPU, CUDA or WebGPU EP' : '' },
      fp16_on_cpu: x.dtype === 'fp16' ? 'supported but slow; prefer fp32 packs for CPU-only machines' : null,
    },
  };
}
