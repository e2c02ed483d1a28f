import type { KvDecoder } from './decoder';

/** The retained KV cache's default bound: 1 GiB (a 7 B fp32 cache holds ~1 MiB per position). */
export const PREFIX_CACHE_BYTES = 1 << 30;

/**
 * The prompt-prefix KV cache: the decoder state (KV cache + fed rows) of the last answer is
 * kept, and the next prompt starts from the longest run of leading positions it shares with
 * it, bit for bit, instead of prefilling them again. A follow-up question about the same
 * media shares the input segment (BOS, input text, media rows, β's fused rows) and the
 * instruction prefix; a Regenerate shares the whole prompt (its last position is fed again,
 * for the logits).
 *
 * One sequence is kept (the last one's prompt positions; its buffers shrunk to them), and only
 * while it holds at most `maxBytes` (KV cache + rows); `take` hands the state out, so two
 * answers at once never share it.
 * The positions kept are those whose rows are equal, so the answer depends only on the
 * prompt, not on what came before: the KV of position i is a function of rows 0…i alone
 * (causal attention), and the tests check that greedy ids are the same with and without it.
 */
export class PrefixKvCache {
  private kept: KvDecoder | undefined;

  constructor(readonly maxBytes = PREFIX_CACHE_BYTES) {}

  /**
   * A decoder for a prompt of `T` rows ([T, hidden] float32) that will grow to `positions`
   * positions, already holding the longest prefix it shares with the kept sequence (at most
   * T − 1 positions, so at least one is fed for the logits). `make(positions)` builds a fresh
   * decoder (its capacity at least `positions` where it has one). Returns the decoder, with
   * `length` = the positions reused; the caller appends `rows` from there.
   */
  take(rows: Float32Array, T: number, positions: number, make: (positions: number) => KvDecoder): KvDecoder {
    const old = this.kept;
    this.kept = undefined;
    if (!old) return make(positions);
    const n = Math.min(old.sharedPrefix(rows, T), T - 1);
    if (n <= 0) {
      if (old.capacity === undefined || old.capacity >= positions) {
        old.reset();
        return old;
      }
      return make(positions);
    }
    if (old.capacity === undefined || old.capacity >= positions) {
      old.truncate(n);
      return old;
    }
    // a longer sequence than the kept buffer holds: a larger one, with the prefix copied in
    const d = make(positions);
    old.prefixInto(d, n);
    return d;
  }

  /**
   * Keep `decoder`'s sequence for the next prompt, cut to its first `positions` (the prompt:
   * answers are not part of later prompts) and its buffers shrunk to them; dropped when the
   * result is over the bound.
   */
  keep(decoder: KvDecoder, positions = decoder.length): void {
    decoder.compact(Math.min(positions, decoder.length));
    this.kept = decoder.length > 0 && decoder.bytes <= this.maxBytes ? decoder : undefined;
  }

  /** Bytes held (0 when nothing is kept). */
  get bytes(): number {
    return this.kept?.bytes ?? 0;
  }

  clear(): void {
    this.kept = undefined;
  }
}
