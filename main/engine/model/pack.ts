import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, realpathSync, statSync, type BigIntStats } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { StudioError } from '@contract';
import { PLACEHOLDER_REGEX } from './placeholders';

/**
 * A DeepResonance model pack (tools/convert/MANIFEST.md): manifest.json plus
 * ONNX graphs, the embedding table and the tokenizer. Loading validates the
 * manifest by schema, keeps every path inside the pack folder, checks that
 * the dimensions agree with each other, bounds every number (LIMITS), checks
 * embed_tokens.bin's size against its shape, and verifies every file's size
 * and SHA-256 (once per file version: the result is cached by size, mtime,
 * ctime and inode, so a file rewritten with its mtime set back is hashed again).
 */

/*
 * Bounds. A manifest is untrusted input: every number it holds sizes a loop,
 * an allocation or a tensor, so each has a ceiling that no real DeepResonance
 * (Vicuna-7B: H 4096, L 32, 32 heads of 128, V 32000 + 6, 2048 positions;
 * ImageBind-huge D 1024; 3 audio clips, 1 image token, 5 video clips × 3 crops
 * of 2 frames; prompts of 512 rows, 512 new tokens — DESIGN.md) nor any LLaMA
 * up to 405B (H 16384, L 126, V 128256, 131072 positions) exceeds, while an
 * absurd value (clips = 1e5, L = 1e7) is refused at once by the schema.
 */
export const LIMITS = {
  hidden: 16384,
  layers: 256,
  heads: 256,
  headDim: 1024,
  vocab: 262144,
  positions: 1 << 20,
  encoderDim: 16384,
  /** LLM tokens one medium may become (video: clips × crops) */
  mediaTokens: 256,
  clips: 16,
  crops: 16,
  frames: 64,
  /** prompt rows and new tokens */
  sequence: 1 << 16,
  /** graph inputs/outputs: 2 per layer (KV cache) plus a few */
  graphIo: 2 * 256 + 16,
  tensorRank: 8,
  files: 64,
  /** bytes of one pack file (a 70B fp32 decoder is ~280 GB) */
  fileBytes: 2 ** 40,
  /** characters of a name or short prompt string */
  text: 4096,
  /** bytes of manifest.json itself (a real one is tens of KB) */
  manifestBytes: 4 << 20,
} as const;

/**
 * The placeholder pattern of the DeepResonance prompt, as the converter writes
 * it (MANIFEST.md "Building a prompt"). The runtime never compiles the
 * manifest's copy: a pack may not bring code (a regex) with it.
 */
export { PLACEHOLDER_REGEX };

/** Suffix of the folder a conversion writes into before renaming it to the pack folder (main/engine/model/convert). */
export const PARTIAL_SUFFIX = '.partial';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const str = (max: number = LIMITS.text) => z.string().max(max);
/** a record of at most `max` entries */
const recordOf = <T extends z.ZodType>(value: T, max: number) =>
  z.record(z.string().max(256), value).refine((r) => Object.keys(r).length <= max, { message: `more than ${max} entries` });

const Dim = z.union([int(0, 2 ** 31 - 1), str(64)]);
const TensorSpec = z.object({ dtype: str(32), shape: z.array(Dim).max(LIMITS.tensorRank) });
const Graph = z.object({
  file: str(255),
  external_data: str(255).optional(),
  inputs: recordOf(TensorSpec, LIMITS.graphIo),
  outputs: recordOf(TensorSpec, LIMITS.graphIo),
});

/**
 * manifest.json of a pack, schema_version 1 (tools/convert/MANIFEST.md).
 * Unknown fields pass through; every number the studio reads is bounded by
 * LIMITS. Raised errors: none (use safeParse; loadPack turns issues into
 * MODEL_MISSING).
 */
export const Manifest = z.object({
  schema_version: z.literal(1),
  name: str(200).min(1),
  variant: z.enum(['alpha', 'beta']),
  model: str(200),
  dtype: z.enum(['fp32', 'fp16']),
  llm_quant: z.enum(['none', 'int8', 'int4']),
  imagebind: z.object({ out_embed_dim: int(1, LIMITS.encoderDim) }).passthrough(),
  llm: z.object({
    hidden_size: int(1, LIMITS.hidden),
    num_hidden_layers: int(1, LIMITS.layers),
    num_attention_heads: int(1, LIMITS.heads),
    head_dim: int(1, LIMITS.headDim),
    vocab_size: int(1, LIMITS.vocab),
    base_vocab_size: int(1, LIMITS.vocab),
    max_position_embeddings: int(1, LIMITS.positions),
  }).passthrough(),
  fusion: z.object({ layers: int(1, LIMITS.layers), d_model: int(1, LIMITS.hidden), scope: z.literal('input_segment') }).passthrough().nullable(),
  graphs: z.object({
    audio_encoder: Graph,
    vision_encoder: Graph,
    projector: Graph,
    fusion: Graph.optional(),
    decoder: Graph,
  }),
  embed_tokens: z.object({
    file: str(255),
    dtype: z.enum(['float32', 'float16']),
    byte_order: z.literal('little'),
    layout: z.literal('row-major'),
    shape: z.tuple([int(1, LIMITS.vocab), int(1, LIMITS.hidden)]),
  }),
  tokenizer: z.object({ file: str(255), config: str(255), add_special_tokens: z.literal(false) }).passthrough(),
  tokens: z.object({
    bos_id: int(0, LIMITS.vocab - 1),
    eos_id: int(-1, LIMITS.vocab - 1),
    stop_ids: z.array(z.array(int(0, LIMITS.vocab - 1)).min(1).max(16)).min(1).max(64),
    answer_terminator: str(64).min(1),
    added: recordOf(int(0, LIMITS.vocab - 1), 1024),
  }).passthrough(),
  media: z.object({
    audio: z.object({ tokens: int(1, LIMITS.mediaTokens), clips: int(1, LIMITS.clips) }).passthrough(),
    image: z.object({ tokens: int(1, LIMITS.mediaTokens) }).passthrough(),
    video: z.object({
      tokens: int(1, LIMITS.mediaTokens),
      clips: int(1, LIMITS.clips),
      crops: int(1, LIMITS.crops),
      frames_per_clip: int(1, LIMITS.frames).optional(),
    }).passthrough(),
  }),
  prompt: z.object({
    /** accepted for the packs that carry it; must be PLACEHOLDER_REGEX and is never compiled */
    placeholder_regex: z.literal(PLACEHOLDER_REGEX, { message: `must be ${PLACEHOLDER_REGEX} (the DeepResonance placeholders; a pack cannot bring its own pattern)` }).optional(),
    instruction_prefix: str(),
    instruction_suffix: str(),
    empty_input_replacement: str(64),
    max_length: int(1, LIMITS.sequence),
  }).passthrough(),
  generation: z.object({
    temperature: z.number().min(0).max(100),
    top_p: z.number().gt(0).lte(1),
    max_new_tokens: int(1, LIMITS.sequence),
  }).passthrough(),
  ep_hints: z.object({ order: z.array(str(32)).max(16) }).passthrough().optional(),
  files: recordOf(z.object({ bytes: int(0, LIMITS.fileBytes), sha256: z.string().regex(/^[0-9a-f]{64}$/), role: str(64) }), LIMITS.files),
}).passthrough();
export type Manifest = z.infer<typeof Manifest>;

/**
 * What a pack's manifest.json says it is (name, model, variant, dtype, llm_quant), read without checking the pack:
 * the name shown for a chosen pack before it is loaded (a fresh engine, after a crash or a restart). Null when the
 * folder has no readable manifest of schema_version 1 with those fields (the pack then says why when it loads).
 * @param dir the pack folder
 */
export function packIdentityOf(dir: string): { name: string; model: string; variant: 'alpha' | 'beta'; dtype: string; llmQuant: string } | null {
  try {
    const file = join(resolve(dir), 'manifest.json');
    if (statSync(file).size > LIMITS.manifestBytes) return null;
    const m = Manifest.pick({ schema_version: true, name: true, model: true, variant: true, dtype: true, llm_quant: true }).safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!m.success) return null;
    return { name: m.data.name, model: m.data.model, variant: m.data.variant, dtype: m.data.dtype, llmQuant: m.data.llm_quant };
  } catch {
    return null;
  }
}

export interface Pack {
  dir: string;
  manifest: Manifest;
  /** absolute path of a file named in the manifest (checked to stay inside the pack) */
  path(file: string): string;
}

/**
 * A pack folder that holds a pack (or what looks like one) that cannot be used: MODEL_MISSING, its message
 * `The model pack at "<dir>" cannot be used: <reason>. <what to do>`. `reason` is the why alone (no full stop, no
 * instruction), for a caller that says it in its own sentence (the Get's "built again: …", `catalog/service.ts`
 * `brokenPack`), never parsed back out of the message.
 */
export class PackError extends StudioError {
  readonly reason: string;
  constructor(dir: string, reason: string, todo?: string) {
    super('MODEL_MISSING', `The model pack at "${dir}" cannot be used: ${reason}.${todo ? ` ${todo}` : ''}`);
    this.reason = reason;
  }
}

const bad = (dir: string, reason: string, todo?: string) => new PackError(dir, reason, todo);

/**
 * The words for a chosen pack whose folder is gone (moved or deleted since it was chosen), with what to do: loadPack's
 * refusal (MODEL_MISSING), and the chat pane's once a model loaded from it is unloaded (ModelService.status, model40).
 * @param dir the pack folder as chosen
 */
export function packFolderGone(dir: string): string {
  return `There is no model pack folder at "${dir}" (moved or deleted?). Choose the pack where it is now, or get one in the Models panel (or \`studio model get beta\`); \`studio model list\` shows the installed ones.`;
}

/**
 * The variant a pack folder's name states, as a Get names it (`deepresonance-beta-int4`): what a pack whose manifest
 * cannot be read is taken for. @returns 'alpha' | 'beta', or null for a folder named otherwise
 */
export function variantOfPackFolder(dir: string): 'alpha' | 'beta' | null {
  return (/^deepresonance-(alpha|beta)-/.exec(basename(dir))?.[1] as 'alpha' | 'beta' | undefined) ?? null;
}

/**
 * The one refusal of a pack whose manifest.json is not JSON (cut short or overwritten in place, tester40), with what to
 * do: a Get of that pack builds it again (catalog: an installed pack that does not verify), as for a damaged file. Said
 * by loadPack (`studio ask`, the chat pane) and listed by the catalogue (`studio model list`, the Models panel: model40).
 * @param dir the pack folder
 * @param err what JSON.parse (or the read) threw; its message is quoted
 * @returns a PackError (MODEL_MISSING): "The model pack at "DIR" cannot be used: manifest.json is not valid JSON (…). Get it again (…)"
 */
export function manifestNotJson(dir: string, err: unknown): PackError {
  // its variant is unread: the Get's folder name says it
  const variant = variantOfPackFolder(dir) ?? 'alpha|beta';
  return bad(dir, `manifest.json is not valid JSON (${err instanceof Error ? err.message : String(err)})`, `Get it again (Models panel → Get, or studio model get ${variant}: it rebuilds a pack that does not verify from the downloads kept), or convert it again.`);
}

/** how many entries of a folder without manifest.json are looked at, per level, for the packs below it */
const PACK_LOOK_ENTRIES = 500;

/**
 * Why a folder with no manifest.json is no pack, in the words that fit it (tester28: every such folder was told to
 * "convert it again", the models folder that holds the packs and a music folder alike):
 * - a pack one or two levels below (the models folder `models/`, its `packs/`): named, "choose that folder";
 * - a pack's files (ONNX graphs, their external data, tokenizer.json) without the manifest: a conversion that did not
 *   finish — convert it again;
 * - anything else: not a model pack, and how to get one.
 */
function noManifest(dir: string): StudioError {
  const subdirs = (d: string): string[] => {
    try {
      return readdirSync(d, { withFileTypes: true }).slice(0, PACK_LOOK_ENTRIES).filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.endsWith(PARTIAL_SUFFIX)).map((e) => join(d, e.name)).sort();
    } catch {
      return [];
    }
  };
  const isPack = (d: string) => existsSync(join(d, 'manifest.json'));
  const below: string[] = [];
  for (const d of subdirs(dir)) {
    if (isPack(d)) below.push(d);
    else below.push(...subdirs(d).filter(isPack));
  }
  if (below.length === 1) return new StudioError('MODEL_MISSING', `"${dir}" is not a model pack itself: it holds one in "${below[0]}"; choose that folder.`);
  if (below.length > 1) {
    const named = below.slice(0, 4).map((p) => `"${p}"`).join(', ');
    return new StudioError('MODEL_MISSING', `"${dir}" is not a model pack itself: it holds ${below.length} packs (${named}${below.length > 4 ? ', …' : ''}); choose one of those folders.`);
  }
  let names: string[] = [];
  try {
    names = readdirSync(dir).slice(0, PACK_LOOK_ENTRIES);
  } catch {
    // (unreadable: said as a folder without a pack's files)
  }
  if (names.some((n) => /\.onnx(\.data)?$|^tokenizer\.json$/.test(n))) {
    return bad(dir, 'it has no manifest.json', 'A pack is complete only when the converter finished; convert it again (Models panel, or studio model convert).');
  }
  return new StudioError(
    'MODEL_MISSING',
    `"${dir}" is not a model pack: it has no manifest.json (a pack is a folder of manifest.json, ONNX graphs and tokenizer.json, as the converter writes it). Choose a pack's own folder (\`studio model list\` shows the installed ones), or get one in the Models panel (or \`studio model get beta\`).`,
  );
}

/** A manifest path must name a file inside the pack folder. */
function inside(dir: string, file: string): string {
  if (isAbsolute(file) || file.includes('\0')) throw bad(dir, `the manifest names "${file}", which is not a path inside the pack`);
  const full = resolve(dir, file);
  const rel = relative(dir, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    throw bad(dir, `the manifest names "${file}", which leaves the pack folder`);
  }
  if (existsSync(full)) {
    const real = realpathSync(full);
    const realDir = realpathSync(dir);
    if (!real.startsWith(realDir + sep)) throw bad(dir, `"${file}" is a link that points outside the pack folder`);
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
  layers: for (let i = 0; i < L; i++) {
    for (const kv of ['key', 'value']) {
      if (!m.graphs.decoder.inputs[`past_key_values.${i}.${kv}`]) {
        problems.push(`decoder lacks past_key_values.${i}.${kv}`);
        break layers;
      }
    }
  }
  if (m.variant === 'beta') {
    if (!m.graphs.fusion || !m.fusion) problems.push('a β pack needs the fusion graph');
    else if (last(m.graphs.fusion, 'inputs', 'inputs_embeds') !== H) problems.push(`fusion dim ≠ hidden_size ${H}`);
  } else if (m.graphs.fusion || m.fusion) {
    // α has no fusion: a β pack whose "variant" was changed would answer as α, unfused, named β (tester29b)
    problems.push('the manifest says α but it holds the β fusion graph');
  }
  const named = /DeepResonance-(α|β)/.exec(m.model)?.[1];
  const variantSign = m.variant === 'alpha' ? 'α' : 'β';
  if (named && named !== variantSign) problems.push(`the manifest says ${variantSign} but names the model "${m.model}"`);
  if (m.llm.base_vocab_size + Object.keys(m.tokens.added).length !== V) problems.push(`base vocabulary + added tokens ≠ vocab_size ${V}`);
  const ids = [m.tokens.bos_id, m.tokens.eos_id, ...m.tokens.stop_ids.flat(), ...Object.values(m.tokens.added)];
  if (ids.some((id) => id >= V)) problems.push(`a token id is outside the vocabulary of ${V}`);
  if (m.prompt.max_length > m.llm.max_position_embeddings) problems.push(`prompt max_length ${m.prompt.max_length} > max_position_embeddings ${m.llm.max_position_embeddings}`);
  // One LLM token per audio clip, per image, per video clip × crop (DESIGN.md).
  const a = m.media.audio;
  const v = m.media.video;
  if (a.tokens !== a.clips) problems.push(`audio tokens ${a.tokens} ≠ clips ${a.clips}`);
  if (m.media.image.tokens !== 1) problems.push(`image tokens ${m.media.image.tokens} ≠ 1`);
  if (v.tokens !== v.clips * v.crops) problems.push(`video tokens ${v.tokens} ≠ clips × crops (${v.clips} × ${v.crops})`);
  if ((m.embed_tokens.dtype === 'float16') !== (m.dtype === 'fp16')) problems.push(`embed_tokens dtype ${m.embed_tokens.dtype} ≠ pack dtype ${m.dtype}`);
  if (problems.length) throw bad(dir, `its dimensions disagree: ${problems.slice(0, 4).join('; ')}`);
}

/**
 * What proves a file unchanged since it was hashed: its size, mtime, ctime,
 * inode and device (ns / ids as decimal strings). mtime alone can be set back
 * by anyone (`touch -d`); ctime cannot be set by a user and changes with
 * every write, and a file replaced by another has a new inode.
 */
interface VerifiedFile {
  bytes: number;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  dev: string;
  sha256: string;
}
type VerifyCache = Record<string, VerifiedFile>;

function identity(st: BigIntStats): Omit<VerifiedFile, 'sha256'> {
  return { bytes: Number(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs), ino: String(st.ino), dev: String(st.dev) };
}

/** Bytes `embed_tokens.bin` must hold: V × H elements of its dtype. */
export function embedTokensBytes(m: Manifest): number {
  const [rows, cols] = m.embed_tokens.shape;
  return rows * cols * (m.embed_tokens.dtype === 'float16' ? 2 : 4);
}

async function sha256(path: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) {
    if (signal?.aborted) throw new StudioError('CANCELLED', 'Cancelled.');
    h.update(chunk as Buffer);
  }
  return h.digest('hex');
}

export interface LoadPackOptions {
  /** JSON file that remembers verified files by size, mtime, ctime and inode (skip re-hashing GBs) */
  verifyCachePath?: string;
  signal?: AbortSignal;
  onProgress?: (fraction: number, file: string) => void;
}

export async function loadPack(dirIn: string, opts: LoadPackOptions = {}): Promise<Pack> {
  const dir = resolve(dirIn);
  const manifestPath = join(dir, 'manifest.json');
  // (a chosen pack moved or deleted since: the chat shows this as it is — it says what to do, as NO_PACK_MESSAGE does)
  if (!existsSync(dir)) throw new StudioError('MODEL_MISSING', packFolderGone(dir));
  if (!statSync(dir).isDirectory()) {
    // a pack's own file given (its manifest.json, a graph): the folder that holds it is what is wanted
    const parent = dirname(dir);
    throw new StudioError(
      'MODEL_MISSING',
      existsSync(join(parent, 'manifest.json'))
        ? `"${dir}" is a file of a model pack; give the pack's folder instead: "${parent}".`
        : `"${dir}" is a file, not a model pack folder (a pack is a folder holding manifest.json and its ONNX graphs).`,
    );
  }
  // The converter writes into `<out>.partial` and renames it when the manifest is written; a
  // `.partial` folder is a conversion that was cancelled or killed, never a pack (even with a manifest).
  if (dir.endsWith(PARTIAL_SUFFIX)) throw bad(dir, 'it is an unfinished conversion (a ".partial" folder)', 'Run the conversion again; it starts over and replaces it.');
  if (!existsSync(manifestPath)) throw noManifest(dir);
  const manifestBytes = statSync(manifestPath).size;
  if (manifestBytes > LIMITS.manifestBytes) throw bad(dir, `manifest.json has ${manifestBytes} bytes; a manifest is at most ${LIMITS.manifestBytes}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    throw manifestNotJson(dir, err);
  }
  // what a pack's manifest holds, for a manifest.json that is not one (another tool's file, a hand-made one)
  const packHolds = 'a pack\'s manifest.json, written by the converter, is a JSON object with "schema_version": 1, its name, variant, graphs, embed_tokens, tokenizer and files with their SHA-256 checksums. Convert the model again (Models panel, or studio model convert)';
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw bad(dir, `manifest.json holds ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : `a ${typeof raw}`}, not a model pack's manifest: ${packHolds}`);
  }
  if (!('schema_version' in raw)) {
    throw bad(dir, `manifest.json has no "schema_version" field, so it is not a model pack's manifest: ${packHolds}`);
  }
  const version = (raw as { schema_version?: unknown }).schema_version;
  if (version !== 1) {
    // a newer studio's pack (tester18: the message said only "not supported", with nothing to do about it)
    const newer = typeof version === 'number' && Number.isInteger(version) && version > 1;
    throw bad(dir, newer
      ? `manifest schema_version ${version}: the pack was made by a newer Resonance Studio (this one reads version 1). Update the studio to use it, or convert the model again with this one (Models panel → Get, or studio model convert)`
      : `manifest schema_version ${JSON.stringify(version)} is not supported (this studio reads version 1): ${packHolds}`);
  }
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw bad(dir, `manifest.json is invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
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
  for (const f of used) if (!manifest.files[f]) throw bad(dir, `"${f}" is used but not listed (with its checksum) in the manifest`);
  const paths = new Map<string, string>();
  for (const f of Object.keys(manifest.files)) paths.set(f, inside(dir, f));

  let cache: VerifyCache = {};
  if (opts.verifyCachePath && existsSync(opts.verifyCachePath)) {
    try {
      const read: unknown = JSON.parse(await readFile(opts.verifyCachePath, 'utf8'));
      if (read && typeof read === 'object' && !Array.isArray(read)) cache = read as VerifyCache;
    } catch {
      cache = {};
    }
  }
  // what rebuilds it: Get (tester33: a Get-built pack with a changed byte was told only "Convert the pack again", while
  // Get is what the user ran, and it rebuilds an installed pack that does not verify from the downloads kept)
  const again = `Get it again (Models panel → Get, or studio model get ${manifest.variant}: it rebuilds a pack that does not verify from the downloads kept), or convert it again.`;
  const entries = Object.entries(manifest.files);
  const totalBytes = entries.reduce((s, [, f]) => s + f.bytes, 0) || 1;
  let doneBytes = 0;
  let cacheChanged = false;
  for (const [file, spec] of entries) {
    const full = paths.get(file)!;
    let st: BigIntStats;
    try {
      st = statSync(full, { bigint: true });
    } catch {
      throw bad(dir, `"${file}" is missing`, `The pack is incomplete. ${again}`);
    }
    const size = Number(st.size);
    if (file === manifest.embed_tokens.file && size !== embedTokensBytes(manifest)) {
      const [rows, cols] = manifest.embed_tokens.shape;
      throw bad(dir, `"${file}" has ${size} bytes but its shape [${rows}, ${cols}] of ${manifest.embed_tokens.dtype} needs ${embedTokensBytes(manifest)} bytes: it is truncated or was replaced`, again);
    }
    if (size !== spec.bytes) throw bad(dir, `"${file}" has ${size} bytes but the manifest says ${spec.bytes}: it is truncated or was replaced`, again);
    const key = full;
    const now = identity(st);
    const hit = cache[key] as Partial<VerifiedFile> | undefined;
    const same = hit && hit.sha256 === spec.sha256 && (Object.keys(now) as Array<keyof typeof now>).every((k) => hit[k] === now[k]);
    if (!same) {
      const digest = await sha256(full, opts.signal);
      if (digest !== spec.sha256) throw bad(dir, `"${file}" does not match its checksum: it is corrupt or was modified`, again);
      cache[key] = { ...now, sha256: digest };
      cacheChanged = true;
    }
    doneBytes += spec.bytes;
    opts.onProgress?.(doneBytes / totalBytes, file);
  }
  if (cacheChanged && opts.verifyCachePath) {
    // a memo, not the pack: a cache folder that cannot be written (a read-only or full disk) costs the next load its
    // hashing again, never this load (`studio ask` on a read-only data folder stopped with "Unexpected error: EROFS")
    const tmp = `${opts.verifyCachePath}.tmp`;
    try {
      await mkdir(dirname(opts.verifyCachePath), { recursive: true });
      await writeFile(tmp, JSON.stringify(cache));
      await rename(tmp, opts.verifyCachePath);
    } catch {
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }
  return {
    dir,
    manifest,
    path: (file: string) => {
      const p = paths.get(file);
      if (!p) throw bad(dir, `"${file}" is not part of the pack`);
      return p;
    },
  };
}
