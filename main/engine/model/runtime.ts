import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Tokenizer } from '@huggingface/tokenizers';
import type * as Ort from 'onnxruntime-node';
import { StudioError, type StoppedBy } from '@contract';
import type { Pack } from './pack';
import { PLACEHOLDER_REGEX, PLACEHOLDERS, PLACEHOLDER_RE, type MediaKind } from './placeholders';
export { defaultInput } from './placeholders';
import { createSession, ort, type OpenedSession, type Provider, type ProviderChoice } from './providers';
import { minNewTokensBan, Rng, selectToken } from './generate/sampling';
import { KvDecoder } from './generate/decoder';
import { PREFIX_CACHE_BYTES, PrefixKvCache } from './generate/prefix-cache';
import { TextStreamer } from './generate/streamer';
import { f16ToF32, f32ToF16 } from './tensors';
import { EmbeddingCache, EmbeddingDiskCache, packIdentity } from './embedding-cache';


/**
 * DeepResonance on onnxruntime-node, in the order of the paper:
 * media → ImageBind tokens → llama_proj (→ β fusion over the input segment)
 * → spliced into the prompt → decoder with KV cache → streamed text, stopped
 * at "###". Preprocessing lives in ./preprocess, media decoding in ./media-input.
 */

export { PLACEHOLDERS, PLACEHOLDER_RE, type MediaKind };

/**
 * Test-only: a pause (ms) after each generated token, from STUDIO_TEST_TOKEN_DELAY_MS (a whole number, 1–1000; unset
 * or anything else: none). End-to-end tests that must act while an answer is still being written (open another track,
 * press Esc) set it: the tiny test model writes 2048 tokens in a few seconds on a quiet machine, faster than a track
 * opens through the file browser (the clean-clone CI hit that race). Never set by the app.
 */
export function testTokenDelayMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.STUDIO_TEST_TOKEN_DELAY_MS);
  return Number.isInteger(ms) && ms >= 1 && ms <= 1000 ? ms : 0;
}
const TOKEN_DELAY_MS = testTokenDelayMs();

/** placeholder → medium */
const KIND_OF: Record<string, MediaKind> = Object.fromEntries(Object.entries(PLACEHOLDERS).map(([k, p]) => [p, k as MediaKind]));


/** One attached medium after its encoder and the projector. */
export interface ProjectedMedia {
  kind: MediaKind;
  /** [tokens, H] */
  rows: Float32Array;
  tokens: number;
}

export type Segment =
  | { kind: 'bos'; ids: number[] }
  | { kind: 'text'; text: string; ids: number[] }
  | { kind: MediaKind; mediaIndex: number; tokens: number }
  | { kind: 'instruction'; text: string; ids: number[] };

export interface PromptEmbeds {
  /** [S, H] */
  embeds: Float32Array;
  length: number;
  /** length of the input segment (before the instruction) */
  inputLength: number;
  segments: Segment[];
  /** the length before it was cut to `prompt.max_length`, when it was longer (the reference cuts silently) */
  cutFrom?: number;
}

export interface GenerateOptions {
  greedy: boolean;
  temperature: number;
  topP: number;
  maxNewTokens: number;
  /**
   * Hugging Face's min_new_tokens, in model tokens: EOS and the single-token stop ids are
   * never picked before this many new tokens (default 0). max_new_tokens, the model's last
   * position, the signal and the answer terminator spelled over several tokens still end it.
   */
  minNewTokens?: number;
  seed: number;
  signal?: AbortSignal;
  onText?: (text: string) => void;
}

export interface StepTimings {
  prefillMs: number;
  decodeMs: number;
  tokens: number;
  firstTokenMs: number;
  /** leading prompt positions whose KV cache came from the previous answer (prefix cache), not prefilled */
  reusedPositions: number;
}

export interface GenerateResult {
  answer: string;
  tokenIds: number[];
  /** 'context': the prompt and the answer filled the model's max_position_embeddings (Max new tokens was not reached) */
  stoppedBy: StoppedBy;
  timings: StepTimings;
}

/**
 * Session options of the decoder, over createSession's defaults: no CPU memory arena —
 * the arena keeps the prefill's transient buffers for the session's life
 * (BENCHMARKS.md, issue 13: ~50 MiB less resident after a 256-token prefill of the
 * 1 B graph, peak 15–45 MiB lower, speed unchanged within the noise).
 */
export const DECODER_SESSION_OPTIONS: Ort.InferenceSession.SessionOptions = { enableCpuMemArena: false };

type Graphs = 'audio_encoder' | 'vision_encoder' | 'projector' | 'fusion' | 'decoder';

export class ModelRuntime {
  private sessions = new Map<Graphs, OpenedSession>();
  private fallbacks: OpenedSession['fallbacks'] = [];
  private embedFd: number | undefined;
  readonly tokenizer: Tokenizer;
  private readonly H: number;
  private readonly half: boolean;
  private readonly placeholder: RegExp;
  /** projected media of earlier questions (ask.ts), keyed by file, region and this pack; in memory, and on disk when `open` got a `mediaCacheDir` */
  readonly mediaCache: EmbeddingCache;
  /** this pack's identity in `mediaCache` keys (folder + the manifest's file checksums) */
  readonly packId: string;
  /** ImageBind runs since the pack loaded, per encoder (what the media cache saves) */
  readonly encoderRuns = { audio: 0, vision: 0 };
  /** the KV cache of the last answer, for the prompt prefix the next one shares (off when opened with prefixCacheBytes 0) */
  readonly prefixCache: PrefixKvCache | undefined;

  private constructor(
    readonly pack: Pack,
    readonly providerChoice: ProviderChoice,
    prefixCacheBytes: number,
    mediaCacheDir?: string,
  ) {
    this.prefixCache = prefixCacheBytes > 0 ? new PrefixKvCache(prefixCacheBytes) : undefined;
    const m = pack.manifest;
    this.mediaCache = new EmbeddingCache(undefined, mediaCacheDir ? new EmbeddingDiskCache(mediaCacheDir) : undefined);
    this.H = m.llm.hidden_size;
    this.half = m.dtype === 'fp16';
    // loaded here, not when the engine starts (as onnxruntime-node above)
    const { Tokenizer: TokenizerClass } = createRequire(import.meta.url)('@huggingface/tokenizers') as typeof import('@huggingface/tokenizers');
    this.tokenizer = new TokenizerClass(
      JSON.parse(readFileSync(pack.path(m.tokenizer.file), 'utf8')),
      JSON.parse(readFileSync(pack.path(m.tokenizer.config), 'utf8')),
    );
    // Split on the fixed placeholders, keeping them; never a pattern from the pack.
    this.placeholder = new RegExp(PLACEHOLDER_REGEX);
    this.packId = packIdentity(pack);
  }

  /**
   * Open a pack's graphs on a provider. `prefixCacheBytes`: the bound of the prompt-prefix
   * KV cache (generate/prefix-cache.ts; default PREFIX_CACHE_BYTES, 0 = off). `mediaCacheDir`:
   * the folder for the projected media on disk (EmbeddingDiskCache; the engine passes
   * `<cacheDir>/embeddings`); without it the media cache is in memory only.
   */
  static async open(
    pack: Pack,
    provider: ProviderChoice = 'auto',
    opts: { threads?: number; prefixCacheBytes?: number; mediaCacheDir?: string } = {},
  ): Promise<ModelRuntime> {
    const { prefixCacheBytes = PREFIX_CACHE_BYTES, mediaCacheDir, ...sessionOpts } = opts;
    const rt = new ModelRuntime(pack, provider, prefixCacheBytes, mediaCacheDir);
    const m = pack.manifest;
    const graphs: Graphs[] = ['audio_encoder', 'vision_encoder', 'projector', 'decoder'];
    if (m.variant === 'beta') graphs.push('fusion');
    try {
      // The decoder decides the provider (it is where the time goes); the
      // smaller graphs follow it, falling further back only if they must.
      const order: Graphs[] = ['decoder', ...graphs.filter((g) => g !== 'decoder')];
      let startAt: Provider | undefined;
      const fallbacks: OpenedSession['fallbacks'] = [];
      for (const g of order) {
        const spec = m.graphs[g]!;
        const sessionOptions = g === 'decoder' ? DECODER_SESSION_OPTIONS : undefined;
        const opened = await createSession(pack.path(spec.file), provider, { ...sessionOpts, startAt, sessionOptions });
        startAt ??= opened.provider;
        fallbacks.push(...opened.fallbacks.map((f) => ({ ...f, reason: `${g}: ${f.reason}` })));
        rt.sessions.set(g, opened);
      }
      rt.fallbacks = fallbacks;
      rt.embedFd = openSync(pack.path(m.embed_tokens.file), 'r');
    } catch (err) {
      await rt.close();
      const code = (err as { code?: string }).code === 'UNSUPPORTED' ? 'UNSUPPORTED' : 'MODEL_MISSING';
      throw new StudioError(code, `The model could not be loaded: ${(err as Error).message}`);
    }
    return rt;
  }

  /** The graphs with an open onnxruntime session, in the order they were opened. */
  get graphs(): Graphs[] {
    return [...this.sessions.keys()];
  }

  /** The provider that runs the decoder (what the UI shows), and any fallbacks on the way. */
  get provider(): { name: Provider; fallbacks: OpenedSession['fallbacks'] } {
    const d = this.sessions.get('decoder')!;
    return { name: d.provider, fallbacks: this.fallbacks };
  }

  /** The providers that make a medium's rows (its encoder and the projector), for media cache keys: rows from another provider differ in rounding. */
  mediaProviders(encoder: 'audio' | 'vision'): string {
    const p = (g: Graphs) => this.sessions.get(g)?.provider ?? 'none';
    return `${p(encoder === 'audio' ? 'audio_encoder' : 'vision_encoder')}+${p('projector')}`;
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) await s.session.release().catch(() => undefined);
    this.sessions.clear();
    await this.mediaCache.settled();
    this.mediaCache.clear();
    this.prefixCache?.clear();
    if (this.embedFd !== undefined) closeSync(this.embedFd);
    this.embedFd = undefined;
  }

  private session(g: Graphs): Ort.InferenceSession {
    const s = this.sessions.get(g);
    if (!s) throw new StudioError('MODEL_MISSING', 'The model is not loaded.');
    return s.session;
  }

  /** A float tensor in the pack's dtype T. */
  private tensorT(data: Float32Array, dims: number[]): Ort.Tensor {
    return this.half ? new (ort().Tensor)('float16', f32ToF16(data), dims) : new (ort().Tensor)('float32', data, dims);
  }

  private static floats(t: Ort.Tensor): Float32Array {
    if (t.type === 'float32') return t.data as Float32Array;
    if (t.type === 'float16') return f16ToF32(t.data as Uint16Array);
    throw new Error(`unexpected tensor type ${t.type}`);
  }

  // ---- encoders ------------------------------------------------------------

  /** fbank clips [clips, 1, 128, 204] → per-clip embeddings [clips, D]. */
  async encodeAudio(fbank: Float32Array, clips: number): Promise<Float32Array> {
    this.encoderRuns.audio++;
    const out = await this.session('audio_encoder').run({ fbank: new (ort().Tensor)('float32', fbank, [1, clips, 1, 128, 204]) });
    return ModelRuntime.floats(out.embeddings);
  }

  /** pixel values [n, 3, 2, 224, 224] → [n, D]. */
  async encodeVision(pixels: Float32Array, n: number): Promise<Float32Array> {
    this.encoderRuns.vision++;
    const out = await this.session('vision_encoder').run({ pixel_values: new (ort().Tensor)('float32', pixels, [1, n, 3, 2, 224, 224]) });
    return ModelRuntime.floats(out.embeddings);
  }

  /** llama_proj: [n, D] → [n, H]. */
  async project(embeddings: Float32Array, n: number): Promise<Float32Array> {
    const D = this.pack.manifest.imagebind.out_embed_dim;
    const out = await this.session('projector').run({ embeddings: new (ort().Tensor)('float32', embeddings, [1, n, D]) });
    return ModelRuntime.floats(out.projected);
  }

  /** Embedding rows of token ids, [ids.length, H], from embed_tokens.bin. */
  embedRows(ids: number[]): Float32Array {
    const H = this.H;
    const V = this.pack.manifest.llm.vocab_size;
    const bytesPer = this.half ? 2 : 4;
    const out = new Float32Array(ids.length * H);
    const buf = Buffer.alloc(H * bytesPer);
    ids.forEach((id, i) => {
      if (!Number.isInteger(id) || id < 0 || id >= V) throw new Error(`token id ${id} outside the vocabulary`);
      readSync(this.embedFd!, buf, 0, buf.length, id * H * bytesPer);
      if (this.half) out.set(f16ToF32(new Uint16Array(buf.buffer, buf.byteOffset, H)), i * H);
      else out.set(new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)), i * H);
    });
    return out;
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: number[]): string {
    if (ids.length === 0) return '';
    return this.tokenizer.decode(ids, { skip_special_tokens: true });
  }

  // ---- prompt --------------------------------------------------------------

  /**
   * The reference's prompt: the input split on the placeholders, each text
   * piece tokenised alone, BOS iff the input starts with text, media rows in
   * placeholder order; β fuses the input segment; then the instruction.
   */
  async buildPrompt(input: string, instruction: string, media: ProjectedMedia[]): Promise<PromptEmbeds> {
    const m = this.pack.manifest;
    const H = this.H;
    const text = input === '' ? m.prompt.empty_input_replacement : input;
    const pieces = text.split(this.placeholder);
    const segments: Segment[] = [];
    const rows: Float32Array[] = [];
    let mediaIndex = 0;
    pieces.forEach((piece, i) => {
      if (piece === '') return;
      const kind = KIND_OF[piece];
      if (kind) {
        const med = media[mediaIndex];
        if (!med) throw new StudioError('BAD_ARGS', `The input has more placeholders than attached media (${piece} #${mediaIndex + 1} has nothing attached).`);
        if (med.kind !== kind) throw new StudioError('BAD_ARGS', `Placeholder ${piece} #${mediaIndex + 1} does not match the attached ${med.kind}.`);
        segments.push({ kind, mediaIndex, tokens: med.tokens });
        rows.push(med.rows);
        mediaIndex++;
        return;
      }
      if (i === 0) {
        segments.push({ kind: 'bos', ids: [m.tokens.bos_id] });
        rows.push(this.embedRows([m.tokens.bos_id]));
      }
      const ids = this.encode(piece);
      segments.push({ kind: 'text', text: piece, ids });
      rows.push(this.embedRows(ids));
    });
    if (mediaIndex !== media.length) {
      throw new StudioError('BAD_ARGS', `${media.length - mediaIndex} attached medium(s) have no placeholder in the input.`);
    }
    let inputRows = concat(rows);
    let inputLength = inputRows.length / H;
    const fullInputLength = inputLength;
    const maxLen = m.prompt.max_length;
    if (inputLength > maxLen) {
      inputRows = inputRows.subarray(0, maxLen * H);
      inputLength = maxLen;
    }
    if (m.variant === 'beta' && inputLength > 0) {
      const out = await this.session('fusion').run({
        inputs_embeds: this.tensorT(inputRows, [1, inputLength, H]),
        key_padding_mask: new (ort().Tensor)('bool', new Uint8Array(inputLength), [1, inputLength]),
      });
      inputRows = ModelRuntime.floats(out.fused);
    }
    const instrText = `${m.prompt.instruction_prefix}${instruction}${m.prompt.instruction_suffix}`;
    const instrIds = this.encode(instrText);
    segments.push({ kind: 'instruction', text: instrText, ids: instrIds });
    let embeds = concat([inputRows, this.embedRows(instrIds)]);
    let length = embeds.length / H;
    if (length > maxLen) {
      embeds = embeds.subarray(0, maxLen * H);
      length = maxLen;
    }
    const full = fullInputLength + instrIds.length;
    return { embeds, length, inputLength, segments, ...(full > maxLen ? { cutFrom: full } : {}) };
  }

  // ---- decoding ------------------------------------------------------------

  /** First-step logits of a prompt (the parity tests' check). */
  async firstLogits(prompt: PromptEmbeds): Promise<Float32Array> {
    return this.decoder(prompt.length).append(prompt.embeds, prompt.length);
  }

  /**
   * A fresh KV-cache loop over the decoder session for at most `positions`
   * positions (prompt + new tokens): one pre-allocated past/present buffer where
   * the pack's decoder allows it (`llm.kv_cache`), growing tensors otherwise.
   */
  private decoder(positions: number): KvDecoder {
    const m = this.pack.manifest;
    const shared = (m.llm as { kv_cache?: unknown }).kv_cache === 'shared_buffer';
    const shape = {
      layers: m.llm.num_hidden_layers,
      heads: m.llm.num_attention_heads,
      headDim: m.llm.head_dim,
      hidden: this.H,
      vocab: m.llm.vocab_size,
      half: this.half,
    };
    return new KvDecoder(this.session('decoder'), shape, shared ? Math.min(positions, m.llm.max_position_embeddings) : undefined);
  }

  /**
   * Generate an answer. Stops on a stop id, EOS, the answer terminator
   * ("\n###", whichever way it was tokenised), max new tokens, the end of the
   * model's context (max_position_embeddings: stoppedBy 'context'), or the signal.
   * With the prefix cache (the default), the prompt's leading positions that equal the last
   * prompt's keep that prompt's KV cache and are not prefilled again (`timings.reusedPositions`).
   */
  async generate(prompt: PromptEmbeds, opts: GenerateOptions): Promise<GenerateResult> {
    const t0 = performance.now();
    const positions = Math.min(prompt.length + opts.maxNewTokens, this.pack.manifest.llm.max_position_embeddings);
    // the prompt's leading positions shared with the last answer's sequence keep their KV cache
    const decoder = this.prefixCache ? this.prefixCache.take(prompt.embeds, prompt.length, positions, (p) => this.decoder(p)) : this.decoder(positions);
    try {
      return await this.runDecoder(decoder, prompt, opts, t0);
    } finally {
      this.prefixCache?.keep(decoder, prompt.length);
    }
  }

  /** `generate` on a decoder that may already hold the prompt's first `decoder.length` positions. */
  private async runDecoder(decoder: KvDecoder, prompt: PromptEmbeds, opts: GenerateOptions, t0: number): Promise<GenerateResult> {
    const m = this.pack.manifest;
    const stopIds = new Set(m.tokens.stop_ids.filter((s) => s.length === 1).map((s) => s[0]));
    const endIds = [m.tokens.eos_id, ...stopIds];
    const maxPos = m.llm.max_position_embeddings;
    const streamer = new TextStreamer((ids) => this.decode(ids), [m.tokens.answer_terminator]);
    const rng = new Rng(opts.seed);
    const ids: number[] = [];
    let stoppedBy: GenerateResult['stoppedBy'] = 'max_new_tokens';
    const reusedPositions = decoder.length;
    let logits = await decoder.append(prompt.embeds.subarray(reusedPositions * this.H), prompt.length - reusedPositions);
    const prefillMs = performance.now() - t0;
    let firstTokenMs = 0;
    const t1 = performance.now();
    for (let n = 0; n < opts.maxNewTokens; n++) {
      if (opts.signal?.aborted) {
        stoppedBy = 'cancelled';
        break;
      }
      const banned = minNewTokensBan(n, opts.minNewTokens ?? 0, endIds);
      const id = selectToken(logits, { greedy: opts.greedy, temperature: opts.temperature, topP: opts.topP, banned }, rng);
      ids.push(id);
      if (n === 0) firstTokenMs = performance.now() - t0;
      if (id === m.tokens.eos_id) {
        stoppedBy = 'eos';
        break;
      }
      const piece = streamer.push(id);
      if (piece) opts.onText?.(piece);
      if (stopIds.has(id) || streamer.done) {
        stoppedBy = 'stop';
        break;
      }
      if (n + 1 >= opts.maxNewTokens) break;
      if (decoder.length + 1 >= maxPos) {
        // the context window is full: a larger Max new tokens would not let the answer go on
        stoppedBy = 'context';
        break;
      }
      if (TOKEN_DELAY_MS) await new Promise((r) => setTimeout(r, TOKEN_DELAY_MS));
      logits = await decoder.append(this.embedRows([id]), 1);
    }
    const rest = streamer.finish();
    if (rest) opts.onText?.(rest);
    return {
      answer: streamer.answer,
      tokenIds: ids,
      stoppedBy,
      timings: { prefillMs, decodeMs: performance.now() - t1, tokens: ids.length, firstTokenMs, reusedPositions },
    };
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
