import { ort } from '../providers';
import type * as Ort from 'onnxruntime-node';
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

/** Shared mode: the buffers start at this many positions (or the capacity, if smaller) and grow by an eighth. */
export const GROW_FROM = 64;

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
 * past/present pair is one buffer [1, heads, allocated, headDim], fed as the past and
 * fetched into as the present: GroupQueryAttention then writes only the new positions,
 * instead of the cache being copied into a new tensor inside the graph every step. The
 * buffers start at GROW_FROM positions and grow by an eighth when full (a copy of the sequence
 * each time), up to `capacity`; appending beyond `capacity` positions throws.
 *
 * The rows fed so far are kept ([length, hidden] float32, 1/(2·layers) of the KV cache's
 * size), so a later prompt can reuse the cache of the positions it shares with them
 * (`sharedPrefix`, `truncate`, `prefixInto`: the prompt-prefix cache, ./prefix-cache.ts).
 */
export class KvDecoder {
  private past: Record<string, Ort.Tensor> = {};
  private pastLen = 0;
  /** shared mode: the fetches (logits, and every present.* bound to its past buffer) */
  private fetches: Record<string, Ort.Tensor | null> | undefined;
  /** shared mode: positions the buffers hold now (grows towards `capacity`) */
  private allocated = 0;
  /** the rows fed so far, [pastLen, hidden] (grown by doubling as the sequence grows) */
  private fed: Float32Array;

  /**
   * `capacity`: the most positions the sequence may reach (shared-buffer mode). `initial`: the
   * positions the buffers hold at first (default: all of `capacity` up to GROW_FROM), then
   * grown by an eighth each time they fill.
   */
  constructor(
    readonly session: Ort.InferenceSession,
    readonly shape: DecoderShape,
    readonly capacity?: number,
    initial?: number,
  ) {
    this.fed = new Float32Array(Math.min(capacity ?? 16, GROW_FROM) * shape.hidden);
    if (capacity !== undefined) {
      if (!Number.isInteger(capacity) || capacity <= 0) throw new Error(`KV capacity must be a positive integer, got ${capacity}`);
      this.fetches = { logits: null };
      this.allocate(Math.min(capacity, initial ?? GROW_FROM), 0);
    }
    this.reset();
  }

  /**
   * Shared mode: (re)allocate the buffers for `positions`, keeping the first `keep` positions.
   * onnxruntime-node copies every fetched output into a new ArrayBuffer after each run
   * (OrtValueToNapiValue, pre-allocated or not), so each step costs a copy of the whole
   * buffer: holding only about what the sequence needs, not the answer's whole budget,
   * keeps that copy (and the memory) proportional to the sequence (BENCHMARKS.md, issue 13).
   */
  private allocate(positions: number, keep: number): void {
    const { layers, heads, headDim, half } = this.shape;
    const dims = [1, heads, positions, headDim];
    const n = heads * positions * headDim;
    const fetches: Record<string, Ort.Tensor | null> = { logits: null };
    for (let i = 0; i < layers; i++) {
      for (const kv of ['key', 'value']) {
        const t = half ? new (ort().Tensor)('float16', new Uint16Array(n), dims) : new (ort().Tensor)('float32', new Float32Array(n), dims);
        const name = `past_key_values.${i}.${kv}`;
        const old = this.past[name];
        if (keep > 0 && old) {
          const src = old.data as Float32Array | Uint16Array;
          const dst = t.data as Float32Array | Uint16Array;
          for (let h = 0; h < heads; h++) dst.set(src.subarray(h * this.allocated * headDim, (h * this.allocated + keep) * headDim), h * positions * headDim);
        }
        this.past[name] = t;
        fetches[`present.${i}.${kv}`] = t;
      }
    }
    this.fetches = fetches;
    this.allocated = positions;
  }

  /** Shared mode: make the buffers hold at least `positions` (≤ capacity), keeping the sequence. */
  private reserve(positions: number): void {
    if (this.capacity === undefined || positions <= this.allocated) return;
    // by an eighth (at least 16): the output copy of every step stays within 1/8 of the sequence,
    // and the growth copies add about 8 positions' worth per step
    this.allocate(Math.min(this.capacity, Math.max(positions, this.allocated + Math.max(16, Math.ceil(this.allocated / 8)))), this.pastLen);
  }

  /** Positions already in the cache. */
  get length(): number {
    return this.pastLen;
  }

  /** Bytes held by the KV cache (past tensors or the shared buffer) and the fed rows. */
  get bytes(): number {
    let n = this.fed.byteLength;
    for (const t of Object.values(this.past)) n += (t.data as Float32Array | Uint16Array).byteLength;
    return n;
  }

  /**
   * How many leading positions of `rows` ([T, hidden] float32) equal, bit for bit, the rows
   * already in the cache (at most `length`, at most T).
   */
  sharedPrefix(rows: Float32Array, T: number): number {
    const H = this.shape.hidden;
    if (rows.length !== T * H) throw new Error(`${rows.length} values are not ${T} rows of ${H}`);
    const n = Math.min(T, this.pastLen);
    // compare as 32-bit integers: equal bits (-0 ≠ +0 and NaN = NaN, unlike float ===)
    const a = new Int32Array(rows.buffer, rows.byteOffset, n * H);
    const b = new Int32Array(this.fed.buffer, 0, n * H);
    for (let p = 0; p < n; p++) {
      for (let i = p * H, e = i + H; i < e; i++) if (a[i] !== b[i]) return p;
    }
    return n;
  }

  /** Keep the first `n` positions of the cache (0 ≤ n ≤ length), forget the rest. */
  truncate(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > this.pastLen) throw new Error(`cannot keep ${n} of ${this.pastLen} positions`);
    if (n === this.pastLen) return;
    if (n === 0) return this.reset();
    if (!this.fetches) {
      // growing tensors [1, heads, len, headDim]: copy each head's first n positions
      const { heads, headDim, half } = this.shape;
      for (const [name, t] of Object.entries(this.past)) {
        const src = t.data as Float32Array | Uint16Array;
        const dst = half ? new Uint16Array(heads * n * headDim) : new Float32Array(heads * n * headDim);
        for (let h = 0; h < heads; h++) dst.set(src.subarray(h * this.pastLen * headDim, (h * this.pastLen + n) * headDim), h * n * headDim);
        this.past[name] = half ? new (ort().Tensor)('float16', dst as Uint16Array, [1, heads, n, headDim]) : new (ort().Tensor)('float32', dst as Float32Array, [1, heads, n, headDim]);
      }
    }
    // the shared buffer: positions ≥ n are overwritten by the next append (GroupQueryAttention
    // writes at past_sequence_length = total − new and reads only the first `total`)
    this.pastLen = n;
  }

  /**
   * Copy the first `n` positions (cache and fed rows) into `dst`, a decoder of the same graph
   * and shape (typically one with a larger capacity), replacing its sequence.
   */
  prefixInto(dst: KvDecoder, n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > this.pastLen) throw new Error(`cannot copy ${n} of ${this.pastLen} positions`);
    if (dst.session !== this.session) throw new Error('the prefix belongs to another decoder session');
    dst.reset();
    if (n === 0) return;
    if (dst.capacity !== undefined && n > dst.capacity) throw new Error(`the KV cache holds ${dst.capacity} positions; ${n} needed`);
    dst.reserve(n);
    const { heads, headDim, half } = this.shape;
    const srcStride = (this.capacity !== undefined ? this.allocated : this.pastLen) * headDim;
    const dstStride = (dst.capacity !== undefined ? dst.allocated : n) * headDim;
    for (const [name, t] of Object.entries(this.past)) {
      const src = t.data as Float32Array | Uint16Array;
      if (dst.capacity === undefined) {
        const d = half ? new Uint16Array(heads * n * headDim) : new Float32Array(heads * n * headDim);
        dst.past[name] = half ? new (ort().Tensor)('float16', d as Uint16Array, [1, heads, n, headDim]) : new (ort().Tensor)('float32', d as Float32Array, [1, heads, n, headDim]);
      }
      const d = dst.past[name].data as Float32Array | Uint16Array;
      for (let h = 0; h < heads; h++) d.set(src.subarray(h * srcStride, h * srcStride + n * headDim), h * dstStride);
    }
    dst.remember(this.fed.subarray(0, n * this.shape.hidden), 0);
    dst.pastLen = n;
  }

  /**
   * Keep the first `n` positions (≤ length) and release what the buffers hold beyond them
   * (shared mode: reallocated to `n` positions, at least 1; the fed rows likewise).
   */
  compact(n: number): void {
    this.truncate(n);
    if (this.capacity !== undefined && this.allocated > Math.max(n, 1)) this.allocate(Math.max(n, 1), n);
    if (this.fed.length > n * this.shape.hidden) this.fed = this.fed.slice(0, Math.max(n, 1) * this.shape.hidden);
  }

  /** Record fed rows at position `at`. */
  private remember(rows: Float32Array, at: number): void {
    const need = (at * this.shape.hidden) + rows.length;
    if (need > this.fed.length) {
      const grown = new Float32Array(Math.max(need, this.fed.length * 2));
      grown.set(this.fed.subarray(0, at * this.shape.hidden));
      this.fed = grown;
    }
    this.fed.set(rows, at * this.shape.hidden);
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
        this.past[`past_key_values.${i}.${kv}`] = half ? new (ort().Tensor)('float16', new Uint16Array(0), dims) : new (ort().Tensor)('float32', new Float32Array(0), dims);
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
    this.reserve(total);
    const feeds: Record<string, Ort.Tensor> = {
      inputs_embeds: half ? new (ort().Tensor)('float16', f32ToF16(rows), [1, T, hidden]) : new (ort().Tensor)('float32', rows, [1, T, hidden]),
      attention_mask: new (ort().Tensor)('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new (ort().Tensor)('int64', BigInt64Array.from({ length: T }, (_, i) => BigInt(this.pastLen + i)), [1, T]),
      ...this.past,
    };
    const out = this.fetches ? await this.session.run(feeds, this.fetches) : await this.session.run(feeds);
    if (!this.fetches) {
      const next: Record<string, Ort.Tensor> = {};
      for (let i = 0; i < layers; i++) {
        next[`past_key_values.${i}.key`] = out[`present.${i}.key`];
        next[`past_key_values.${i}.value`] = out[`present.${i}.value`];
      }
      this.past = next;
    }
    this.remember(rows, this.pastLen);
    this.pastLen = total;
    // logits is [1, 1, V] (packs since issue 13: the last position only) or [1, T, V] (older packs)
    const all = out.logits.data as Float32Array;
    return all.slice(all.length - vocab);
  }
}
