import { randomBytes } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { existsSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import {
  StudioError,
  type ProbeResult,
  type RecentEntry,
  type Track,
} from '@contract';
import type { EngineContext } from '../context';
import { TracksRepo, type TrackRow } from '../db/tracks';
import { pinAttachedCover, unpinAttachedCover } from './cover';
import { probeFile, statMediaFile } from './probe';


/** open tracks whose files are watched (the most recently opened; older ones are checked when used) */
const WATCHED_TRACKS = 8;
/** how often a watched file is looked at (ms): a deleted open file is reported within this */
const WATCH_INTERVAL_MS = 700;

export function newId(): string {
  return randomBytes(12).toString('base64url');
}

/** Files the user opened: the registry behind the media protocol and recent files. */
export class Tracks {
  private readonly rows: TracksRepo;
  /** watched files by track id, oldest first: path and the listener to remove */
  private readonly watched = new Map<string, { path: string; listener: (cur: Stats) => void }>();

  /**
   * `fsOps`: the file checks checkedPath makes (realpath, statMediaFile), replaced in a unit test to make a file vanish
   * between them deterministically.
   */
  constructor(
    private readonly ctx: EngineContext,
    private readonly fsOps: { realpath: (path: string) => Promise<string>; statMediaFile: (path: string) => Promise<{ size: number; mtimeMs: number }> } = { realpath, statMediaFile },
  ) {
    this.rows = new TracksRepo(ctx.db);
  }

  async open(rawPath: string, signal?: AbortSignal): Promise<Track> {
    if (!isAbsolute(rawPath)) throw new StudioError('BAD_ARGS', `Expected an absolute path, got "${rawPath}".`);
    const path = resolve(rawPath);
    const probe = await probeFile(path, signal);
    if (!probe.audio) {
      throw new StudioError(
        'NO_AUDIO',
        probe.video
          ? `"${basename(path)}" has video but no audio stream. Resonance Studio needs a soundtrack to analyse.`
          : `"${basename(path)}" has no audio stream.`,
      );
    }
    const real = await realpath(path);
    const { size, mtimeMs } = await statMediaFile(path);
    const kind = probe.video ? 'video' : 'audio';
    const now = Date.now();
    const existing = this.rows.byPath(path);
    const id = existing?.id ?? newId();
    if (existing) this.rows.reopen(id, real, size, mtimeMs, kind, JSON.stringify(probe), now);
    else this.rows.insertOpened(id, path, real, size, mtimeMs, kind, JSON.stringify(probe), now);
    this.watch(id, path, size, mtimeMs);
    return this.get(id);
  }

  /** The track's row, or undefined for an unknown id. */
  find(id: string): TrackRow | undefined {
    return this.rows.byId(id);
  }

  /**
   * Watch an open track's file (stat polling, node's fs.watchFile: it works
   * the same on every platform and on network drives): once it is deleted,
   * moved or changed, `media:file-gone` is emitted at once (not at the next
   * read), and the watch ends.
   */
  private watch(id: string, path: string, size: number, mtimeMs: number): void {
    this.unwatch(id);
    const listener = (cur: Stats) => {
      // a missing file reads as all zeros
      const missing = cur.nlink === 0 && cur.mtimeMs === 0;
      if (!missing && cur.size === size && cur.mtimeMs === mtimeMs) return;
      this.unwatch(id);
      this.ctx.emit('media:file-gone', {
        trackId: id,
        path,
        message: missing
          ? `"${basename(path)}" was deleted or moved since it was opened.`
          : `"${basename(path)}" changed on disk since it was opened. Open it again to see the new version.`,
      });
    };
    watchFile(path, { interval: WATCH_INTERVAL_MS, persistent: false }, listener);
    this.watched.set(id, { path, listener });
    while (this.watched.size > WATCHED_TRACKS) this.unwatch(this.watched.keys().next().value!);
  }

  /**
   * The studio itself is about to rewrite this track's file (library tag
   * write-back): its watch stops, so the rewrite is not reported as a change
   * made elsewhere. Call the returned function once the row holds the new
   * size and mtime: the watch resumes from them (nothing when it was not watched).
   */
  holdWatch(id: string): () => void {
    const w = this.watched.get(id);
    if (!w) return () => undefined;
    this.unwatch(id);
    return () => {
      const row = this.rows.byId(id);
      if (row) this.watch(id, w.path, row.size, row.mtime_ms);
    };
  }

  private unwatch(id: string): void {
    const w = this.watched.get(id);
    if (!w) return;
    unwatchFile(w.path, w.listener);
    this.watched.delete(id);
  }

  /** Stop watching every file (the engine is closing). */
  close(): void {
    for (const id of [...this.watched.keys()]) this.unwatch(id);
  }

  row(id: string): TrackRow {
    const row = this.rows.byId(id);
    if (!row) throw new StudioError('NOT_FOUND', 'That track is not open (unknown id). Open the file again.');
    return row;
  }

  get(id: string): Track {
    return toTrack(this.row(id));
  }

  /**
   * The track's file, checked to be the file that was opened: still there,
   * same real path (no symlink swapped in), same size and mtime.
   */
  async checkedPath(id: string): Promise<{ row: TrackRow; path: string }> {
    const row = this.row(id);
    const deleted = `"${basename(row.path)}" was deleted or moved since it was opened.`;
    let real: string;
    try {
      real = await this.fsOps.realpath(row.path);
    } catch {
      this.gone(row, deleted);
    }
    if (real! !== row.real_path) {
      throw new StudioError('FORBIDDEN', `"${basename(row.path)}" now points somewhere else (a link was changed); open it again to allow it.`);
    }
    // deleted between the realpath and the stat (or the stat and its open): the same words, not probe.ts's "does not
    // exist (…)" (suite20: file-gone-issue12, two at a time, deleted just as its waveform started)
    const { size, mtimeMs } = await this.fsOps
      .statMediaFile(row.path)
      .catch(async (e: StudioError) => this.gone(row, e.code === 'NOT_FOUND' || !(await this.fsOps.realpath(row.path).then(() => true, () => false)) ? deleted : e.message));
    if (size !== row.size || mtimeMs !== row.mtime_ms) {
      this.gone(row, `"${basename(row.path)}" changed on disk since it was opened. Open it again to see the new version.`);
    }
    return { row, path: row.path };
  }

  private gone(row: TrackRow, message: string): never {
    this.ctx.emit('media:file-gone', { trackId: row.id, path: row.path, message });
    throw new StudioError('FILE_CHANGED', message);
  }

  /** Attach (pin, see cover.ts) or detach a cover image. BAD_ARGS if its content is not an image. */
  async setCover(id: string, imagePath: string | null): Promise<Track> {
    this.row(id);
    if (imagePath !== null) await pinAttachedCover(this.ctx.cacheDir, id, imagePath);
    else await unpinAttachedCover(this.ctx.cacheDir, id);
    this.rows.setCover(id, imagePath);
    return this.get(id);
  }

  recent(limit = 50): RecentEntry[] {
    return this.rows.recent(limit).map((r) => {
      const probe = JSON.parse(r.probe_json) as ProbeResult;
      return {
        trackId: r.id,
        path: r.path,
        fileName: basename(r.path),
        kind: r.kind,
        title: probe.tags.title,
        artist: probe.tags.artist,
        lastOpenedAt: r.last_opened_at,
        missing: !existsSync(r.path),
      };
    });
  }

  removeRecent(id: string): void {
    this.rows.leaveRecent(id);
  }

  clearRecent(): void {
    this.rows.leaveRecent();
  }
}

function toTrack(r: TrackRow): Track {
  const probe = JSON.parse(r.probe_json) as ProbeResult;
  return {
    id: r.id,
    path: r.path,
    fileName: basename(r.path),
    kind: r.kind,
    probe,
    cover: r.cover_path ? 'attached' : probe.hasCoverArt ? 'embedded' : 'none',
    coverVersion: r.cover_version,
    openedAt: r.opened_at,
  };
}
