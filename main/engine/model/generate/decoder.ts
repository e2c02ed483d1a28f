import * as ort from 'onnxruntime-node';
import { f32ToF16 } from '../tensors';

/** What the decoder loop needs to know about a decoder graph (manifest `llm` + dtype). */
export interface DecoderShape {
  layers: number;
  /** attention heads (= key/value heads: LLaMA-1) */
  heads: number;
  headDim: number;
  hidden: number;
  vocab: number;
  /** the graph's float type T is float16 (else float32) */
  half: boolean;
}

/**
 * The KV-cache decoding loop over one decoder session (the interface of
 * tools/convert/MANIFEST.md): feed `T` new input rows, get the last position's
 * logits, keep the present key/values as the next step's past.
 *
 * Inputs per run: inputs_embeds T [1, T, hidden], attention_mask int64 [1, past+T]
 * (all ones), position_ids int64 [1, T] (past … past+T-1), past_key_values.{i}.{key,value}
 * T [1, heads, past, headDim]. Outputs: logits float32 [1, 1 or T, vocab] (only the
 * last row is used), present.{i}.{key,value} T [1, heads, past+T, headDim].
 * One sequence (batch 1); `reset()` starts a new one.
 *
 * With `capacity` (packs whose `llm.kv_cache` is "shared_buffer", MANIFEST.md), each
 * past/present pair is one buffer [1, heads, capacity, headDim] allocated once, fed
 * as the past and fetched into as the present: GroupQueryAttention then writes only
 * the new positions, instead of the cache being copied into a new tensor every step.
 * Appending beyond `capacity` positions throws.
 */
export class KvDecoder {
  private past: Record<string, ort.Tensor> = {};
  private pastLen = 0;
  /** shared mode: the fetches (logits, and every present.* bound to its past buffer) */
  private fetches: Record<string, ort.Tensor | null> | undefined;

  constructor(
    readonly session: ort.InferenceSession,
    readonly shape: DecoderShape,
    readonly capacity?: number,
  ) {
    if (capacity !== undefined) {
      if (!Number.isInteger(capacity) || capacity <= 0) throw new Error(`KV capacity must be a positive integer, got ${capacity}`);
      const { layers, heads, headDim, half } = shape;
      const dims = [1, heads, capacity, headDim];
      const n = heads * capacity * headDim;
      this.fetches = { logits: null };
      for (let i = 0; i < layers; i++) {
        for (const kv of ['key', 'value']) {
          const t = half ? new ort.Tensor('float16', new Uint16Array(n), dims) : new ort.Tensor('float32', new Float32Array(n), dims);
          this.past[`past_key_values.${i}.${kv}`] = t;
          this.fetches[`present.${i}.${kv}`] = t;
        }
      }
    }
    this.reset();
  }

  /** Positions already in the cache. */
  get length(): number {
    return this.pastLen;
  }

  /** Forget the sequence (empty past). */
  reset(): void {
    this.pastLen = 0;
    if (this.fetches) return; // the buffer is overwritten from position 0
    const { layers, heads, headDim, half } = this.shape;
    const dims = [1, heads, 0, headDim];
    this.past = {};
    for (let i = 0; i < layers; i++) {
      for (const kv of ['key', 'value']) {
        this.past[`past_key_values.${i}.${kv}`] = half ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
      }
    }
    this.pastLen = 0;
  }

  /**
   * Append `T` rows ([T, hidden] float32, converted to the graph's dtype) and
   * return the logits of the last one: float32 [vocab] (a copy).
   */
  async append(rows: Float32Array, T: number): Promise<Float32Array> {
    const { layers, hidden, vocab, half } = this.shape;
    if (rows.length !== T * hidden) throw new Error(`decoder input has ${rows.length} values, expected ${T} × ${hidden}`);
    const total = this.pastLen + T;
    if (this.capacity !== undefined && total > this.capacity) throw new Error(`the KV cache holds ${this.capacity} positions; ${total} needed`);
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: half ? new ort.Tensor('float16', f32ToF16(rows), [1, T, hidden]) : new ort.Tensor('float32', rows, [1, T, hidden]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: T }, (_, i) => BigInt(this.pastLen + i)), [1, T]),
      ...this.past,
    };
    const out = this.fetches ? await this.session.run(feeds, this.fetches) : await this.session.run(feeds);
    if (!this.fetches) {
      const next: Record<string, ort.Tensor> = {};
      for (let i = 0; i < layers; i++) {
        next[`past_key_values.${i}.key`] = out[`present.${i}.key`];
        next[`past_key_values.${i}.value`] = out[`present.${i}.value`];
      }
      this.past = next;
    }
    this.pastLen = total;
    // logits is [1, 1, V] (packs since issue 13: the last position only) or [1, T, V] (older packs)
    const all = out.logits.data as Float32Array;
    return all.slice(all.length - vocab);
  }
}
