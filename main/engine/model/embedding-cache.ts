import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import type { Pack } from './pack';
import type { MediaKind } from './runtime';

/**
 * The projected media embeddings of earlier questions (issue 13, "no repeated
 * work per question"): a follow-up question or a Regenerate about the same
 * file, region and pack reuses the rows instead of decoding the file again,
 * recomputing the fbank and re-running ImageBind and the projector.
 *
 * Key: the pack (its folder and the SHA-256 of every file its manifest lists),
 * the medium (kind, and whether the audio is a video's soundtrack), the region,
 * and the file as pinned by its real path, size, mtime, ctime (ns), inode and
 * device — any write to the file, or a different file renamed into its place,
 * changes the key. Entries are evicted least-recently-used first once their
 * rows exceed `maxBytes`; an entry larger than the bound is not kept.
 *
 * In memory only, per loaded pack (the ModelRuntime owns one): a new pack or a
 * restart starts empty. A Map gives the LRU order (insertion order, re-inserted
 * on a hit); lru-cache is only present here as an old transitive version.
 */
export class EmbeddingCache {
  private entries = new Map<string, CachedMedia>();
  private used = 0;
  /** lookups that found rows / that did not */
  hits = 0;
  misses = 0;

  /** @param maxBytes bound on the rows' bytes (float32, so 4 × tokens × hidden per entry) */
  constructor(readonly maxBytes = DEFAULT_MAX_BYTES) {
    if (!(maxBytes >= 0)) throw new Error(`maxBytes must be ≥ 0, got ${maxBytes}`);
  }

  /** Bytes of rows held now. */
  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The rows cached under `key` (and mark them most recently used), or undefined. */
  get(key: string): CachedMedia | undefined {
    const e = this.entries.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  /** Keep `value` under `key`, evicting the least recently used entries beyond the bound. */
  set(key: string, value: CachedMedia): void {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.used -= old.rows.byteLength;
    }
    if (value.rows.byteLength > this.maxBytes) return;
    this.entries.set(key, value);
    this.used += value.rows.byteLength;
    for (const [k, e] of this.entries) {
      if (this.used <= this.maxBytes) break;
      this.entries.delete(k);
      this.used -= e.rows.byteLength;
    }
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }
}

/** 256 MiB: ~2,000 audio regions of a 7 B model (3 rows × 4096 × 4 bytes = 48 KiB each), or ~130 videos' 15 rows. */
export const DEFAULT_MAX_BYTES = 256 * 2 ** 20;

/** One cached medium: the projector's output [tokens, hidden] float32 (the runtime's `ProjectedMedia`). */
export interface CachedMedia {
  rows: Float32Array;
  tokens: number;
}

/**
 * The pack's identity for cache keys: its folder and the SHA-256 of each file its
 * manifest lists (so a re-converted pack in the same folder is another pack).
 */
export function packIdentity(pack: Pack): string {
  const files = Object.entries(pack.manifest.files)
    .map(([f, v]) => `${f}:${v.sha256}`)
    .sort();
  return createHash('sha256').update(pack.dir).update('\0').update(files.join('\n')).digest('hex');
}

/**
 * The file as it is now: real path, size, mtime, ctime (ns), inode, device.
 * Errors: those of realpath/stat (ENOENT…), which the caller's decode would
 * report anyway — the caller then skips the cache.
 */
export async function fileIdentity(path: string): Promise<string> {
  const real = await realpath(path);
  const st = await stat(real, { bigint: true });
  return [real, st.size, st.mtimeNs, st.ctimeNs, st.ino, st.dev].join('\0');
}

/** The cache key of one medium of a question. */
export function mediaKey(pack: string, kind: MediaKind, file: string, opts: { region?: [number, number]; fromVideo?: boolean; clips: number }): string {
  return JSON.stringify([pack, kind, opts.fromVideo ? 'soundtrack' : '', opts.region ?? null, opts.clips, file]);
}
