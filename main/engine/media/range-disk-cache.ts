/**
 * The on-disk cache of `media:wave-range` results (deep-zoom detail of a
 * time range), behind the in-memory LRU in service.ts: a range computed once
 * is read back after a restart instead of decoded again.
 *
 * - Keyed like the in-memory cache: the file's fingerprint (cache.ts: size,
 *   mtime, first and last 64 KiB) and the plan (start and end sample,
 *   samples per peak, hop), so a changed file or another zoom is a miss.
 * - Versioned: the waveform/spectrogram definition (WAVE_VERSION) and this
 *   file format (FORMAT) are in every file name; entries of other versions
 *   are never read and leave by eviction.
 * - In the app's cache folder (`<cacheDir>/wave-range/`), one JSON file per
 *   range (written atomically), named by a hash of key and versions; the
 *   key is stored inside and checked on read (a damaged or foreign file is a
 *   miss and is deleted).
 * - Bounded by size: when the files add up to more than `maxBytes`, the
 *   least recently used (file mtime, bumped on every hit) are deleted down
 *   to 90 % of it. Several engines on one data folder only cost each other
 *   entries.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { WaveRange } from '@contract';
import { WAVE_VERSION } from '../analysis/waveform';
import { writeAtomic } from './cache';

/**
 * this file's JSON layout, or what a range is drawn from; bump when either changes. 2: a file whose audio stream
 * ffmpeg picks is not its first (a later one flagged default) is drawn from that stream, not the first (5812d6a)
 */
export const RANGE_DISK_FORMAT = 2;
const FORMAT = RANGE_DISK_FORMAT;
/** default bound of the folder (bytes) */
export const RANGE_DISK_CACHE_BYTES = 256 * 1024 * 1024;

export type RangeValue = Omit<WaveRange, 'trackId'>;

interface Entry {
  key: string;
  value: RangeValue;
}

export class RangeDiskCache {
  readonly dir: string;
  /** bytes on disk as last counted plus what was written since; null until counted */
  private bytes: number | null = null;
  private evicting: Promise<void> | null = null;

  /**
   * @param cacheDir the engine's cache folder (EngineContext.cacheDir)
   * @param maxBytes bound of the folder in bytes
   * @param version the waveform definition the values follow (WAVE_VERSION; a test may pass another)
   */
  constructor(
    cacheDir: string,
    readonly maxBytes = RANGE_DISK_CACHE_BYTES,
    private readonly version = WAVE_VERSION,
  ) {
    this.dir = join(cacheDir, 'wave-range');
  }

  /** the file of a key: `<32 hex>.w<wave version>.f<format>.json` */
  pathOf(key: string): string {
    const h = createHash('sha256').update(`${key}\0${this.version}\0${FORMAT}`).digest('hex').slice(0, 32);
    return join(this.dir, `${h}.w${this.version}.f${FORMAT}.json`);
  }

  /** The stored range of `key`, or null (absent, another version, damaged). Never throws. */
  async get(key: string): Promise<RangeValue | null> {
    const path = this.pathOf(key);
    let e: Entry;
    try {
      e = JSON.parse(await readFile(path, 'utf8')) as Entry;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') await rm(path, { force: true }).catch(() => undefined);
      return null;
    }
    const v = e?.value;
    if (e?.key !== key || typeof v?.minMax !== 'string' || typeof v?.spectrogram?.data !== 'string' || typeof v.sampleRate !== 'number') {
      await rm(path, { force: true }).catch(() => undefined);
      return null;
    }
    // recently used: eviction goes by mtime
    const now = new Date();
    await utimes(path, now, now).catch(() => undefined);
    return v;
  }

  /** Store a range (atomically), then evict if the folder is over its bound. Never throws (a full or read-only disk just does not cache). */
  async put(key: string, value: RangeValue): Promise<void> {
    try {
      const text = JSON.stringify({ key, value } satisfies Entry);
      await writeAtomic(this.pathOf(key), text);
      if (this.bytes === null) await this.count();
      else this.bytes += Buffer.byteLength(text);
      if (this.bytes! > this.maxBytes) await this.evict();
    } catch {
      // caching is best effort
    }
  }

  /** total bytes of the cache's files now (counted on disk) */
  async size(): Promise<number> {
    return (await this.list()).reduce((a, f) => a + f.size, 0);
  }

  private async list(): Promise<{ path: string; size: number; mtimeMs: number }[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: { path: string; size: number; mtimeMs: number }[] = [];
    for (const n of names) {
      if (!n.endsWith('.json')) continue;
      const st = await stat(join(this.dir, n)).catch(() => null);
      if (st?.isFile()) out.push({ path: join(this.dir, n), size: st.size, mtimeMs: st.mtimeMs });
    }
    return out;
  }

  private async count(): Promise<void> {
    this.bytes = await this.size();
  }

  /** delete the least recently used files until the folder holds at most 90 % of maxBytes (one eviction at a time) */
  private evict(): Promise<void> {
    this.evicting ??= (async () => {
      try {
        const files = (await this.list()).sort((a, b) => a.mtimeMs - b.mtimeMs);
        let total = files.reduce((a, f) => a + f.size, 0);
        for (const f of files) {
          if (total <= this.maxBytes * 0.9) break;
          await rm(f.path, { force: true }).catch(() => undefined);
          total -= f.size;
        }
        this.bytes = total;
      } finally {
        this.evicting = null;
      }
    })();
    return this.evicting;
  }
}
