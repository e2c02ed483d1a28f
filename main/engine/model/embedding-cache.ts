import { createHash, randomBytes } from 'node:crypto';
import { endianness } from 'node:os';
import { mkdir, open, readdir, readFile, realpath, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { AskMediaFacts } from '@contract';
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
 * the execution providers that made the rows, and the file as pinned by its real path, size, mtime, ctime (ns), inode and
 * device — any write to the file, or a different file renamed into its place,
 * changes the key. Entries are evicted least-recently-used first once their
 * rows exceed `maxBytes`; an entry larger than the bound is not kept.
 *
 * In memory per loaded pack (the ModelRuntime owns one), and — when given an
 * `EmbeddingDiskCache` — on disk too, so a follow-up or a Regenerate after an
 * engine restart also skips the media work: `lookup` reads memory, then disk;
 * `store` keeps the rows in both (the disk write runs in the background;
 * `settled()` waits for it). A Map gives the LRU order (insertion order,
 * re-inserted on a hit); lru-cache is only present here as an old transitive version.
 */
export class EmbeddingCache {
  private entries = new Map<string, CachedMedia>();
  private used = 0;
  private writes = new Set<Promise<void>>();
  /** lookups that found rows / that did not (memory) */
  hits = 0;
  misses = 0;

  /**
   * @param maxBytes bound on the rows' bytes in memory (float32, so 4 × tokens × hidden per entry)
   * @param disk the on-disk level, if any
   */
  constructor(
    readonly maxBytes = DEFAULT_MAX_BYTES,
    readonly disk?: EmbeddingDiskCache,
  ) {
    if (!(maxBytes >= 0)) throw new Error(`maxBytes must be ≥ 0, got ${maxBytes}`);
  }

  /**
   * The rows under `key` from memory, else from disk (then kept in memory too),
   * with where they came from; undefined when neither has them. Never throws:
   * an unreadable or corrupt disk entry is a miss (and is removed).
   */
  async lookup(key: string): Promise<(CachedMedia & { from: 'memory' | 'disk' }) | undefined> {
    const m = this.get(key);
    if (m) return { ...m, from: 'memory' };
    const d = await this.disk?.get(key).catch(() => undefined);
    if (!d) return undefined;
    this.set(key, d);
    return { ...d, from: 'disk' };
  }

  /** Keep `value` in memory and, in the background, on disk (a failed disk write only loses the disk copy). */
  store(key: string, value: CachedMedia): void {
    this.set(key, value);
    if (!this.disk) return;
    const w: Promise<void> = this.disk.set(key, value).catch(() => undefined).finally(() => this.writes.delete(w));
    this.writes.add(w);
  }

  /** Resolves when every disk write started so far has finished (or failed). */
  async settled(): Promise<void> {
    while (this.writes.size) await Promise.all([...this.writes]);
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
  /** what the processor read of the file (container, seconds, channels, …: `studio ask --json` shows them); kept in the entry's header */
  facts?: AskMediaFacts;
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

/**
 * The cache key of one medium of a question. `providers`: the execution
 * providers that run the encoder and the projector (their float rounding
 * differs, so rows from CUDA are not reused on CPU); omitted in older keys.
 */
export function mediaKey(pack: string, kind: MediaKind, file: string, opts: { region?: [number, number]; fromVideo?: boolean; clips: number; providers?: string }): string {
  const key = [pack, kind, opts.fromVideo ? 'soundtrack' : '', opts.region ?? null, opts.clips, file];
  if (opts.providers) key.push(opts.providers);
  return JSON.stringify(key);
}

/**
 * Version of the on-disk entry format, of the key and of the media input the entries were computed from; a change
 * starts a new folder (the old one is removed). 2: the model's audio input now follows libsox where the reference
 * reads through it (Vorbis inside .ogv/.ogg video at 16 bits, float WAV / AIFF-C / WavPack clipped at ±1, more than
 * 64 channels read) — embeddings cached from the old input would otherwise be served for the same file. 3: AIFF /
 * AIFF-C at a rate that is not a whole number resampled from torchaudio's truncated rate (22254, not ffmpeg's 22255)
 * and CMYK TIFF covers through Pillow's cmyk2rgb (session 16) — the same reason.
 */
export const DISK_CACHE_VERSION = 3;

/** 512 MiB: ~10,000 audio regions of a 7 B model (48 KiB each), or ~2,000 videos' 15 rows (240 KiB). */
export const DEFAULT_DISK_MAX_BYTES = 512 * 2 ** 20;

const MAGIC = Buffer.from('RSEMBED\0', 'latin1');
const HEAD = 16; // magic 8, version u32, header length u32
const SUM = 32; // SHA-256
/** leftovers of a write that never finished (a crash) are removed after this long */
const STALE_TMP_MS = 10 * 60_000;

/**
 * The projected media rows on disk, in the app's cache folder, so that they
 * outlive an engine restart. One file per key under `<dir>/v<DISK_CACHE_VERSION>/`,
 * named by the key's SHA-256:
 *
 *   "RSEMBED\0" | version u32 LE | header length L u32 LE | header JSON (L bytes:
 *   { key, tokens, hidden }) | rows float32 LE [tokens, hidden] | SHA-256 of all the preceding bytes
 *
 * Files are written to a temporary name, fsynced and renamed, so a reader sees a
 * whole file or none. A file is trusted only if everything checks: magic,
 * version, the header's key equal to the key asked for (not just its hash), the
 * length equal to what the header states, and the checksum; anything else
 * (truncated, corrupt, another format) is a miss and the file is removed.
 * Bounded by size: after each write the least recently used files (mtime,
 * refreshed on every hit) are removed until the folder holds ≤ `maxBytes`.
 * Little-endian hosts only (every platform the app ships on); elsewhere it
 * stays empty.
 */
export class EmbeddingDiskCache {
  readonly root: string;
  /** lookups that found a trusted file / found none / found a file that was not trusted and removed it */
  hits = 0;
  misses = 0;
  dropped = 0;
  private cleaned = false;
  private readonly usable = endianness() === 'LE';

  /** @param dir the cache folder of this feature (e.g. `<cacheDir>/embeddings`); @param maxBytes bound on the files' bytes */
  constructor(
    readonly dir: string,
    readonly maxBytes = DEFAULT_DISK_MAX_BYTES,
  ) {
    if (!(maxBytes >= 0)) throw new Error(`maxBytes must be ≥ 0, got ${maxBytes}`);
    this.root = join(dir, `v${DISK_CACHE_VERSION}`);
  }

  /** The file that holds `key`'s rows. */
  fileOf(key: string): string {
    return join(this.root, `${createHash('sha256').update(key).digest('hex')}.emb`);
  }

  /** The trusted rows under `key`, or undefined (no file, or one that failed a check — then removed). Errors: none but unexpected I/O ones (EACCES…). */
  async get(key: string): Promise<CachedMedia | undefined> {
    if (!this.usable) return undefined;
    const file = this.fileOf(key);
    let b: Buffer;
    try {
      const st = await stat(file);
      if (st.size > this.maxBytes + 65_536) return this.drop(file);
      b = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.misses++;
        return undefined;
      }
      throw err;
    }
    const rows = parseEntry(b, key);
    if (!rows) return this.drop(file);
    this.hits++;
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined);
    return rows;
  }

  private async drop(file: string): Promise<undefined> {
    this.dropped++;
    await rm(file, { force: true }).catch(() => undefined);
    return undefined;
  }

  /** Write `value` under `key` (atomically), then keep the folder within `maxBytes`. An entry larger than the bound is not written. */
  async set(key: string, value: CachedMedia): Promise<void> {
    if (!this.usable) return;
    const bytes = encodeEntry(key, value);
    if (bytes.length > this.maxBytes) return;
    await mkdir(this.root, { recursive: true });
    if (!this.cleaned) {
      this.cleaned = true;
      // older versions' folders: nothing in them can be read any more
      for (const d of await readdir(this.dir).catch(() => [] as string[])) {
        if (/^v\d+$/.test(d) && d !== `v${DISK_CACHE_VERSION}`) await rm(join(this.dir, d), { recursive: true, force: true }).catch(() => undefined);
      }
    }
    const file = this.fileOf(key);
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    await this.prune();
  }

  /** Remove least recently used files beyond `maxBytes`, and temporary files a crash left behind. */
  async prune(): Promise<void> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const files: Array<{ path: string; size: number; mtime: number }> = [];
    const now = Date.now();
    for (const n of names) {
      const path = join(this.root, n);
      const st = await stat(path).catch(() => undefined);
      if (!st?.isFile()) continue;
      if (n.endsWith('.tmp')) {
        if (now - st.mtimeMs > STALE_TMP_MS) await rm(path, { force: true }).catch(() => undefined);
        continue;
      }
      files.push({ path, size: st.size, mtime: st.mtimeMs });
    }
    let total = files.reduce((s, f) => s + f.size, 0);
    files.sort((a, b) => a.mtime - b.mtime);
    for (const f of files) {
      if (total <= this.maxBytes) break;
      await rm(f.path, { force: true }).catch(() => undefined);
      total -= f.size;
    }
  }

  /** Bytes of entry files in the folder now. */
  async bytes(): Promise<number> {
    let total = 0;
    for (const n of await readdir(this.root).catch(() => [] as string[])) {
      if (n.endsWith('.emb')) total += (await stat(join(this.root, n)).catch(() => ({ size: 0 }))).size;
    }
    return total;
  }
}

/** One entry file's bytes (the format in EmbeddingDiskCache's comment). */
export function encodeEntry(key: string, value: CachedMedia): Buffer {
  if (!(value.tokens > 0) || value.rows.length % value.tokens) throw new Error(`rows (${value.rows.length}) are not a whole number of ${value.tokens} tokens`);
  const header = Buffer.from(JSON.stringify({ key, tokens: value.tokens, hidden: value.rows.length / value.tokens, ...(value.facts ? { facts: value.facts } : {}) }), 'utf8');
  const head = Buffer.alloc(HEAD);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(DISK_CACHE_VERSION, 8);
  head.writeUInt32LE(header.length, 12);
  const rows = Buffer.from(value.rows.buffer, value.rows.byteOffset, value.rows.byteLength);
  const sum = createHash('sha256').update(head).update(header).update(rows).digest();
  return Buffer.concat([head, header, rows, sum]);
}

/** The rows an entry file holds for `key`, or null when any check fails (see EmbeddingDiskCache). */
export function parseEntry(b: Buffer, key: string): CachedMedia | null {
  if (b.length < HEAD + SUM || !b.subarray(0, 8).equals(MAGIC) || b.readUInt32LE(8) !== DISK_CACHE_VERSION) return null;
  const L = b.readUInt32LE(12);
  if (HEAD + L + SUM > b.length) return null;
  const sum = createHash('sha256').update(b.subarray(0, b.length - SUM)).digest();
  if (!sum.equals(b.subarray(b.length - SUM))) return null;
  let h: { key?: unknown; tokens?: unknown; hidden?: unknown; facts?: unknown };
  try {
    h = JSON.parse(b.toString('utf8', HEAD, HEAD + L));
  } catch {
    return null;
  }
  const { tokens, hidden } = h;
  if (h.key !== key || !Number.isInteger(tokens) || !Number.isInteger(hidden) || (tokens as number) < 1 || (hidden as number) < 1) return null;
  const n = (tokens as number) * (hidden as number);
  if (HEAD + L + 4 * n + SUM !== b.length) return null;
  const start = b.byteOffset + HEAD + L;
  const rows = new Float32Array(b.buffer.slice(start, start + 4 * n));
  // facts: only an object of numbers and strings (an entry written before they were kept has none)
  const facts = h.facts && typeof h.facts === 'object' && !Array.isArray(h.facts) && Object.values(h.facts).every((v) => typeof v === 'number' || typeof v === 'string') ? (h.facts as AskMediaFacts) : undefined;
  return { rows, tokens: tokens as number, ...(facts ? { facts } : {}) };
}
