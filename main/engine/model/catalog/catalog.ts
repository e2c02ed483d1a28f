/**
 * The catalogue of DeepResonance variants: what each is built from, where those
 * parts come from, how big they are, where they live on disk and how much of them
 * is already there (sony/DeepResonance README, ckpt/pretrained_ckpt/prepare_vicuna.md;
 * DESIGN.md "Getting the model").
 *
 * On disk the downloads are laid out exactly as the official `ckpt/` tree, so one
 * locator serves both the studio's own downloads and a tree the user points to:
 *
 *   ckpt/pretrained_ckpt/imagebind_ckpt/huge/imagebind_huge.pth
 *   ckpt/pretrained_ckpt/vicuna_ckpt/7b_v0/                      (assembled Vicuna-7B v0)
 *   ckpt/deepresonance_{alpha,beta}_delta_ckpt/deepresonance/7b_tiva_v0/pytorch_model.pt
 *
 * plus `vicuna-7b-delta-v0/` (lmsys/vicuna-7b-delta-v0) and `packs/<name>/` (converted packs).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Precision } from '@contract';
import { DELTA_FOLDERS } from '../download/sources';
import { manifestNotJson, variantOfPackFolder } from '../pack';

export type Variant = 'alpha' | 'beta';
export const VARIANTS: Variant[] = ['alpha', 'beta'];
export const PRECISIONS: Precision[] = ['int4', 'int8', 'fp16', 'fp32'];

export const MODEL_NAME: Record<Variant, string> = { alpha: 'DeepResonance-α', beta: 'DeepResonance-β' };
export const SUMMARY: Record<Variant, string> = {
  alpha: 'Vicuna-7B v0 + ImageBind-huge with a LoRA-tuned projector: audio, image and video in, text out.',
  beta: 'α plus a pre-LLM fusion transformer over the multimodal input (the paper’s better variant).',
};

/** relative paths inside an official `ckpt/` tree */
export const CKPT = {
  imagebind: 'pretrained_ckpt/imagebind_ckpt/huge/imagebind_huge.pth',
  vicuna: 'pretrained_ckpt/vicuna_ckpt/7b_v0',
  delta: (v: Variant) => `${DELTA_FOLDERS[v].replace(/^ckpt\//, '')}/pytorch_model.pt`,
};

/**
 * Sizes before the sources answer (bytes, estimates): imagebind_huge.pth ≈ 4.8 GB; the
 * vicuna-7b-delta-v0 fp16 shards ≈ 13.5 GB; a delta ≈ its embed_tokens + lm_head
 * (32 006 × 4096 fp16 each, 0.26 GB) + LoRA r 32 on q/k/v/o of 32 layers (67 MB) +
 * llama_proj, and β its fusion layers. The Hub tree API replaces them with exact sizes.
 */
export const ESTIMATED_BYTES = {
  imagebind: 4.8e9,
  vicunaDelta: 13.5e9,
  delta: { alpha: 0.6e9, beta: 0.8e9 } as Record<Variant, number>,
};

/** The LLaMA shapes a pack's size follows (Vicuna-7B: 4096, 32 layers, 11008, 32 000 + [PAD] + 6 added tokens). */
export interface LlmDims { hidden: number; layers: number; intermediate: number; vocab: number }
export const VICUNA_7B: LlmDims = { hidden: 4096, layers: 32, intermediate: 11008, vocab: 32006 };
/** parameters of the two ImageBind-huge towers a pack holds (vision ViT-H 632 M + audio 86 M) */
export const IMAGEBIND_HUGE_TOWER_PARAMS = 0.72e9;

/**
 * A pack's size per precision, estimated from the LLM's shapes (bytes), as convertPack
 * writes it: int4/int8 keep fp32 everywhere but the decoder's linear weights (the
 * converter's default dtype), fp16/fp32 are that dtype throughout. Decoder linear weights
 * L × (4·H² + 3·H·I): int4 = 4 bits + a scale (of the dtype) and a 4-bit zero point per
 * block of 32; int8 = 8 bits + scale + 8-bit zero point per 32; else 2 or 4 bytes. lm_head
 * int8 under int4/int8; embed_tokens.bin V × H and the two ImageBind towers in the dtype.
 * Checked against the measured 1 B int4 pack (BENCHMARKS.md: 0.92 GB; this gives 0.92 GB).
 * For Vicuna-7B + ImageBind-huge: int4 ≈ 7.7 GB, int8 ≈ 11.0 GB, fp16 ≈ 14.9 GB, fp32 ≈ 29.8 GB.
 */
export function packBytesEstimate(p: Precision, d: LlmDims = VICUNA_7B, encoderParams = IMAGEBIND_HUGE_TOWER_PARAMS): number {
  const linear = d.layers * (4 * d.hidden * d.hidden + 3 * d.hidden * d.intermediate);
  const table = d.vocab * d.hidden;
  const el = p === 'fp16' ? 2 : 4;
  const perParam = p === 'int4' ? 0.5 + el / 32 + 0.5 / 32 : p === 'int8' ? 1 + el / 32 + 1 / 32 : el;
  const lmHead = p === 'int4' || p === 'int8' ? table * (1 + el / 32 + 1 / 32) : table * el;
  return Math.round(linear * perParam + lmHead + table * el + encoderParams * el);
}

/** The shapes in an LLM folder's config.json (null when unreadable). */
export function llmDims(dir: string): LlmDims | null {
  try {
    const c = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, number>;
    const d = { hidden: c.hidden_size, layers: c.num_hidden_layers, intermediate: c.intermediate_size, vocab: c.vocab_size + 7 };
    return Object.values(d).every((v) => Number.isFinite(v) && v > 0) ? d : null;
  } catch {
    return null;
  }
}

/** What the converter needs from an LLM folder (Hugging Face format). null when usable, else why not. */
export function llmFolderProblem(dir: string, what: string): string | null {
  if (!existsSync(dir)) return `${what} "${dir}" does not exist.`;
  if (!statSync(dir).isDirectory()) return `${what} "${dir}" is not a folder.`;
  const names = readdirSync(dir);
  const missing: string[] = [];
  if (!names.includes('config.json')) missing.push('config.json');
  if (!names.includes('tokenizer.model')) missing.push('tokenizer.model');
  if (!names.some((n) => /\.(bin|safetensors)$/.test(n))) missing.push('the weights (*.bin or *.safetensors shards)');
  if (missing.length) return `${what} "${dir}" lacks ${missing.join(', ')}: it must be a model folder in Hugging Face format.`;
  try {
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { model_type?: string; architectures?: string[] };
    const llama = cfg.model_type === 'llama' || cfg.architectures?.some((a) => /llama/i.test(a));
    if (!llama) return `${what} "${dir}" is not a LLaMA model (config.json says model_type ${JSON.stringify(cfg.model_type)}).`;
  } catch (e) {
    return `${what} "${dir}": config.json is not valid JSON (${(e as Error).message}).`;
  }
  return null;
}

/** Where the parts are in an official `ckpt/` tree (given as `ckpt/` itself or the folder holding it). */
export interface CkptTree {
  root: string;
  imagebind: string | null;
  vicuna: string | null;
  delta: Record<Variant, string | null>;
}

export function locateCkpt(dir: string): CkptTree {
  const root = existsSync(join(dir, 'ckpt')) && !existsSync(join(dir, 'pretrained_ckpt')) ? join(dir, 'ckpt') : dir;
  const file = (rel: string) => (existsSync(join(root, rel)) && statSync(join(root, rel)).isFile() ? join(root, rel) : null);
  const vicunaDir = join(root, CKPT.vicuna);
  return {
    root,
    imagebind: file(CKPT.imagebind),
    vicuna: existsSync(join(vicunaDir, 'config.json')) ? vicunaDir : null,
    delta: { alpha: file(CKPT.delta('alpha')), beta: file(CKPT.delta('beta')) },
  };
}

/** The models folder of a data folder: STUDIO_MODELS_DIR, else `<dataDir>/models` (the catalogue's, `studio ask`'s default pack). */
export function modelsDirOf(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.STUDIO_MODELS_DIR?.trim() || join(dataDir, 'models'));
}

/**
 * The folder a data folder's Get installs its packs in (`layout(modelsDirOf(…)).packs`): the installed packs the
 * chat's default pack, the no-pack note and web mode's pack guard read.
 */
export function packsDirOf(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return layout(modelsDirOf(dataDir, env)).packs;
}

/** The studio's own folders under the models folder. */
export function layout(modelsDir: string) {
  const ckpt = join(modelsDir, 'ckpt');
  return {
    modelsDir,
    ckpt,
    imagebind: join(ckpt, CKPT.imagebind),
    /** a config beside the checkpoint: only for a mirror serving a smaller ImageBind (STUDIO_IMAGEBIND_CONFIG_URL) */
    imagebindConfig: join(ckpt, CKPT.imagebind.replace(/\.pth$/, '.json')),
    deltaDir: (v: Variant) => join(ckpt, DELTA_FOLDERS[v].replace(/^ckpt\//, '')),
    vicunaDelta: join(modelsDir, 'vicuna-7b-delta-v0'),
    packs: join(modelsDir, 'packs'),
    pack: (v: Variant, p: Precision) => join(modelsDir, 'packs', `deepresonance-${v}-${p}`),
  };
}
export type Layout = ReturnType<typeof layout>;

/** bytes of a file, -1 when absent */
export const fileSize = (p: string): number => {
  try {
    return statSync(p).size;
  } catch {
    return -1;
  }
};

/**
 * The pack folders under `packs/` that hold a manifest.json, sorted by name: the converter writes a pack into a
 * temporary sibling `<name>.partial` and renames it, so a folder with a manifest is complete; `.partial` and hidden
 * folders are work in progress and never listed. None where `packsDir` does not exist. One walk for installedPacks and
 * damagedPacks.
 */
export function* packFolders(packsDir: string): Generator<{ name: string; dir: string; manifest: string }> {
  if (!existsSync(packsDir)) return;
  for (const name of readdirSync(packsDir).sort()) {
    if (name.startsWith('.') || name.endsWith('.partial')) continue;
    const dir = join(packsDir, name);
    const manifest = join(dir, 'manifest.json');
    if (existsSync(manifest)) yield { name, dir, manifest };
  }
}

/**
 * Pack folders under `packs/` whose manifest.json cannot be read as JSON (cut short or overwritten in place):
 * installedPacks leaves them out, and `studio model list` and the Models panel said "installed: none" for a pack that
 * is there, damaged (tester40). Hidden and `.partial` folders are left out as installedPacks leaves them.
 * @param packsDir the models folder's `packs/`
 * @returns one per such folder, sorted by name: `variant` as its folder name states it (null where it does not),
 *   `problem` the refusal loading it gives (pack.ts manifestNotJson: the JSON error and that a Get builds it again)
 */
export function damagedPacks(packsDir: string): Array<{ variant: Variant | null; name: string; path: string; problem: string }> {
  const out: Array<{ variant: Variant | null; name: string; path: string; problem: string }> = [];
  for (const { name, dir, manifest } of packFolders(packsDir)) {
    try {
      JSON.parse(readFileSync(manifest, 'utf8'));
    } catch (e) {
      out.push({ variant: variantOfPackFolder(dir), name, path: dir, problem: manifestNotJson(dir, e).message });
    }
  }
  return out;
}

/**
 * Packs under `packs/`, each named by its folder: folders with a manifest.json (the converter writes a pack into a
 * temporary sibling `<name>.partial` and renames it, so a folder with a manifest is complete; `.partial` and hidden
 * folders are work in progress and never listed).
 */
export function installedPacks(packsDir: string): Array<{ variant: Variant; precision: string; name: string; path: string; bytes: number }> {
  const out: Array<{ variant: Variant; precision: string; name: string; path: string; bytes: number }> = [];
  for (const { name, dir, manifest } of packFolders(packsDir)) {
    try {
      const m = JSON.parse(readFileSync(manifest, 'utf8')) as { variant?: string; name?: string; llm_quant?: string; dtype?: string; files?: Record<string, { bytes?: number }> };
      if (m.variant !== 'alpha' && m.variant !== 'beta') continue;
      const bytes = Object.values(m.files ?? {}).reduce((s, f) => s + (Number(f.bytes) || 0), 0);
      const precision = m.llm_quant && m.llm_quant !== 'none' ? m.llm_quant : (m.dtype ?? '?');
      // named by its folder, as its path shows it (a Get's manifest before ui35 said "deepresonance-beta-fp32-int4" in
      // "deepresonance-beta-int4/", and the panel showed both)
      out.push({ variant: m.variant as Variant, precision, name: name, path: dir, bytes });
    } catch {
      continue;
    }
  }
  return out;
}
