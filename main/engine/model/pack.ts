import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { StudioError } from '@contract';

/**
 * A DeepResonance model pack (tools/convert/MANIFEST.md): manifest.json plus
 * ONNX graphs, the embedding table and the tokenizer. Loading validates the
 * manifest by schema, keeps every path inside the pack folder, checks that
 * the dimensions agree with each other, and verifies every file's size and
 * SHA-256 (once per file version: the result is cached by size + mtime).
 */

const Dim = z.union([z.number().int().nonnegative(), z.string()]);
const TensorSpec = z.object({ dtype: z.string(), shape: z.array(Dim) });
const Graph = z.object({
  file: z.string(),
  external_data: z.string().optional(),
  inputs: z.record(z.string(), TensorSpec),
  outputs: z.record(z.string(), TensorSpec),
});

export const Manifest = z.object({
  schema_version: z.literal(1),
  name: z.string().min(1),
  variant: z.enum(['alpha', 'beta']),
  model: z.string(),
  dtype: z.enum(['fp32', 'fp16']),
  llm_quant: z.enum(['none', 'int8', 'int4']),
  imagebind: z.object({ out_embed_dim: z.number().int().positive() }).passthrough(),
  llm: z.object({
    hidden_size: z.number().int().positive(),
    num_hidden_layers: z.number().int().positive(),
    num_attention_heads: z.number().int().positive(),
    head_dim: z.number().int().positive(),
    vocab_size: z.number().int().positive(),
    base_vocab_size: z.number().int().positive(),
    max_position_embeddings: z.number().int().positive(),
  }).passthrough(),
  fusion: z.object({ layers: z.number().int().positive(), d_model: z.number().int().positive(), scope: z.literal('input_segment') }).passthrough().nullable(),
  graphs: z.object({
    audio_encoder: Graph,
    vision_encoder: Graph,
    projector: Graph,
    fusion: Graph.optional(),
    decoder: Graph,
  }),
  embed_tokens: z.object({
    file: z.string(),
    dtype: z.enum(['float32', 'float16']),
    byte_order: z.literal('little'),
    layout: z.literal('row-major'),
    shape: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  }),
  tokenizer: z.object({ file: z.string(), config: z.string(), add_special_tokens: z.literal(false) }).passthrough(),
  tokens: z.object({
    bos_id: z.number().int().nonnegative(),
    eos_id: z.number().int(),
    stop_ids: z.array(z.array(z.number().int().nonnegative()).min(1)).min(1),
    answer_terminator: z.string().min(1),
    added: z.record(z.string(), z.number().int()),
  }).passthrough(),
  media: z.object({
    audio: z.object({ tokens: z.number().int().positive(), clips: z.number().int().positive() }).passthrough(),
    image: z.object({ tokens: z.number().int().positive() }).passthrough(),
    video: z.object({ tokens: z.number().int().positive(), clips: z.number().int().positive(), crops: z.number().int().positive() }).passthrough(),
  }),
  prompt: z.object({
    placeholder_regex: z.string(),
    instruction_prefix: z.string(),
    instruction_suffix: z.string(),
    empty_input_replacement: z.string(),
    max_length: z.number().int().positive(),
  }).passthrough(),
  generation: z.object({
    temperature: z.number().nonnegative(),
    top_p: z.number().gt(0).lte(1),
    max_new_tokens: z.number().int().positive(),
  }).passthrough(),
  ep_hints: z.object({ order: z.array(z.string()) }).passthrough().optional(),
  files: z.record(z.string(), z.object({ bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/), role: z.string() })),
}).passthrough();
export type Manifest = z.infer<typeof Manifest>;

export interface Pack {
  dir: string;
  manifest: Manifest;
  /** absolute path of a file named in the manifest (checked to stay inside the pack) */
  path(file: string): string;
}

const bad = (dir: string, why: string) =>
  new StudioError('MODEL_MISSING', `The model pack at "${dir}" cannot be used: ${why}`);

/** A manifest path must name a file inside the pack folder. */
function inside(dir: string, file: string): string {
  if (isAbsolute(file) || file.includes('\0')) throw bad(dir, `the manifest names "${file}", which is not a path inside the pack.`);
  const full = resolve(dir, file);
  const rel = relative(dir, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    throw bad(dir, `the manifest names "${file}", which leaves the pack folder.`);
  }
  if (existsSync(full)) {
    const real = realpathSync(full);
    const realDir = realpathSync(dir);
    if (!real.startsWith(realDir + sep)) throw bad(dir, `"${file}" is a link that points outside the pack folder.`);
  }
  return full;
}

/** The dimensions the graphs and tables state must agree with each other. */
function checkDims(dir: string, m: Manifest): void {
  const H = m.llm.hidden_size;
  const V = m.llm.vocab_size;
  const D = m.imagebind.out_embed_dim;
  const L = m.llm.num_hidden_layers;
  const problems: string[] = [];
  if (m.llm.head_dim * m.llm.num_attention_heads !== H) problems.push(`head_dim × heads (${m.llm.head_dim} × ${m.llm.num_attention_heads}) ≠ hidden_size ${H}`);
  if (m.embed_tokens.shape[0] !== V || m.embed_tokens.shape[1] !== H) problems.push(`embed_tokens shape [${m.embed_tokens.shape}] ≠ [${V}, ${H}]`);
  const last = (g: z.infer<typeof Graph>, io: 'inputs' | 'outputs', name: string) => {
    const spec = g[io][name];
    if (!spec) {
      problems.push(`graph ${g.file} has no ${io === 'inputs' ? 'input' : 'output'} "${name}"`);
      return undefined;
    }
    return spec.shape[spec.shape.length - 1];
  };
  if (last(m.graphs.projector, 'inputs', 'embeddings') !== D) problems.push(`projector input dim ≠ encoder output ${D}`);
  if (last(m.graphs.projector, 'outputs', 'projected') !== H) problems.push(`projector output dim ≠ hidden_size ${H}`);
  if (last(m.graphs.decoder, 'inputs', 'inputs_embeds') !== H) problems.push(`decoder input dim ≠ hidden_size ${H}`);
  if (last(m.graphs.decoder, 'outputs', 'logits') !== V) problems.push(`decoder logits ≠ vocab_size ${V}`);
  if (last(m.graphs.audio_encoder, 'outputs', 'embeddings') !== D) problems.push(`audio encoder output ≠ ${D}`);
  if (last(m.graphs.vision_encoder, 'outputs', 'embeddings') !== D) problems.push(`vision encoder output ≠ ${D}`);
  for (let i = 0; i < L; i++) {
    for (const kv of ['key', 'value']) {
      if (!m.graphs.decoder.inputs[`past_key_values.${i}.${kv}`]) problems.push(`decoder lacks past_key_values.${i}.${kv}`);
    }
  }
  if (m.variant === 'beta') {
    if (!m.graphs.fusion || !m.fusion) problems.push('a β pack needs the fusion graph');
    else if (last(m.graphs.fusion, 'inputs', 'inputs_embeds') !== H) problems.push(`fusion dim ≠ hidden_size ${H}`);
  }
  if (m.llm.base_vocab_size + Object.keys(m.tokens.added).length !== V) problems.push(`base vocabulary + added tokens ≠ vocab_size ${V}`);
  if (problems.length) throw bad(dir, `its dimensions disagree: ${problems.slice(0, 4).join('; ')}.`);
}

type VerifyCache = Record<string, { bytes: number; mtimeMs: number; sha256: string }>;

async function sha256(path: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) {
    if (signal?.aborted) throw new StudioError('CANCELLED', 'Cancelled.');
    h.update(chunk as Buffer);
  }
  return h.digest('hex');
}

export interface LoadPackOptions {
  /** JSON file that remembers verified files by size + mtime (skip re-hashing GBs) */
  verifyCachePath?: string;
  signal?: AbortSignal;
  onProgress?: (fraction: number, file: string) => void;
}

export async function loadPack(dirIn: string, opts: LoadPackOptions = {}): Promise<Pack> {
  const dir = resolve(dirIn);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new StudioError('MODEL_MISSING', `There is no model pack folder at "${dir}".`);
  if (!existsSync(manifestPath)) {
    throw bad(dir, 'it has no manifest.json. A pack is complete only when the converter finished; convert it again with tools/convert/convert.py.');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    throw bad(dir, `manifest.json is not valid JSON (${(err as Error).message}).`);
  }
  if ((raw as { schema_version?: unknown })?.schema_version !== 1) {
    throw bad(dir, `manifest schema_version ${JSON.stringify((raw as { schema_version?: unknown })?.schema_version)} is not supported (this studio reads version 1).`);
  }
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw bad(dir, `manifest.json is invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}.`);
  }
  const manifest = parsed.data;
  checkDims(dir, manifest);
  // Every file the runtime opens must be listed (and so verified).
  const used = [
    ...Object.values(manifest.graphs).flatMap((g) => (g ? [g.file, ...(g.external_data ? [g.external_data] : [])] : [])),
    manifest.embed_tokens.file,
    manifest.tokenizer.file,
    manifest.tokenizer.config,
  ];
  for (const f of used) if (!manifest.files[f]) throw bad(dir, `"${f}" is used but not listed (with its checksum) in the manifest.`);
  const paths = new Map<string, string>();
  for (const f of Object.keys(manifest.files)) paths.set(f, inside(dir, f));

  let cache: VerifyCache = {};
  if (opts.verifyCachePath && existsSync(opts.verifyCachePath)) {
    try {
      cache = JSON.parse(await readFile(opts.verifyCachePath, 'utf8')) as VerifyCache;
    } catch {
      cache = {};
    }
  }
  const entries = Object.entries(manifest.files);
  const totalBytes = entries.reduce((s, [, f]) => s + f.bytes, 0) || 1;
  let doneBytes = 0;
  let cacheChanged = false;
  for (const [file, spec] of entries) {
    const full = paths.get(file)!;
    let st;
    try {
      st = statSync(full);
    } catch {
      throw bad(dir, `"${file}" is missing. The pack is incomplete; convert it again.`);
    }
    if (st.size !== spec.bytes) throw bad(dir, `"${file}" has ${st.size} bytes but the manifest says ${spec.bytes}: it is truncated or was replaced.`);
    const key = full;
    const hit = cache[key];
    if (!(hit && hit.bytes === st.size && hit.mtimeMs === st.mtimeMs && hit.sha256 === spec.sha256)) {
      const digest = await sha256(full, opts.signal);
      if (digest !== spec.sha256) throw bad(dir, `"${file}" does not match its checksum: it is corrupt or was modified. Convert the pack again.`);
      cache[key] = { bytes: st.size, mtimeMs: st.mtimeMs, sha256: digest };
      cacheChanged = true;
    }
    doneBytes += spec.bytes;
    opts.onProgress?.(doneBytes / totalBytes, file);
  }
  if (cacheChanged && opts.verifyCachePath) {
    await mkdir(dirname(opts.verifyCachePath), { recursive: true });
    const tmp = `${opts.verifyCachePath}.tmp`;
    await writeFile(tmp, JSON.stringify(cache));
    await rename(tmp, opts.verifyCachePath);
  }
  return {
    dir,
    manifest,
    path: (file: string) => {
      const p = paths.get(file);
      if (!p) throw bad(dir, `"${file}" is not part of the pack.`);
      return p;
    },
  };
}
