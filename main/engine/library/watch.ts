/**
 * Watching the library folders: fs.watch with `recursive: true` (Linux since
 * Node 19.1/20 — inotify per folder, new subfolders included; native on macOS
 * and Windows). Events are debounced and handed to the scanner as paths, which
 * analyses added/changed files, keeps a moved file's row, removes deleted ones.
 */
import { lstatSync, watch, type FSWatcher } from 'node:fs';
import { join, sep } from 'node:path';
import type { LibraryFolder } from '@contract';
import { isHiddenFolderName } from './walk';

/**
 * Whether a change at `rel` (relative to its library folder `root`) is inside a hidden or system folder, or is one
 * (walk.ts isHiddenFolderName): the walk leaves those out, so the watcher does too — a file moved to the desktop's trash
 * inside a library folder was found again by the watcher and analysed. The last part is a folder's name only where it
 * is a folder now (a dot-file stays the sniff's to judge).
 */
export function inHiddenFolder(root: string, rel: string): boolean {
  const parts = rel.split(sep).filter(Boolean);
  if (parts.slice(0, -1).some(isHiddenFolderName)) return true;
  const last = parts[parts.length - 1];
  if (last === undefined || !isHiddenFolderName(last)) return false;
  try {
    return lstatSync(join(root, rel)).isDirectory();
  } catch {
    return false;
  }
}

export class FolderWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private quietWaiters: (() => void)[] = [];

  constructor(
    private readonly onPaths: (paths: string[]) => void,
    private readonly debounceMs = 400,
  ) {}

  /** Watch exactly these folders (others are closed). */
  sync(folders: LibraryFolder[]): void {
    const want = new Map(folders.filter((f) => f.watching && f.status === 'ok').map((f) => [f.id, f.path]));
    for (const [id, w] of this.watchers) {
      if (!want.has(id)) {
        w.close();
        this.watchers.delete(id);
      }
    }
    for (const [id, path] of want) {
      if (this.watchers.has(id)) continue;
      try {
        const w = watch(path, { recursive: true, persistent: false }, (_event, name) => {
          if (name && inHiddenFolder(path, name.toString())) return;
          this.pending.add(name ? join(path, name.toString()) : path);
          if (this.timer) clearTimeout(this.timer);
          this.timer = setTimeout(() => this.flush(), this.debounceMs);
        });
        w.on('error', () => {
          w.close();
          this.watchers.delete(id);
        });
        this.watchers.set(id, w);
      } catch {
        // unwatchable (gone, too many watches): the next scan still sees changes
      }
    }
  }

  watching(id: string): boolean {
    return this.watchers.has(id);
  }

  /** Whether no change is waiting out its debounce (every event seen so far was handed on). */
  get quiet(): boolean {
    return this.timer === null;
  }

  /** Resolves once the changes waiting out their debounce were handed to `onPaths` (at once when quiet). */
  whenQuiet(): Promise<void> {
    return this.quiet ? Promise.resolve() : new Promise((r) => this.quietWaiters.push(r));
  }

  private flush(): void {
    this.timer = null;
    const paths = [...this.pending];
    this.pending = new Set();
    if (paths.length) this.onPaths(paths);
    for (const w of this.quietWaiters.splice(0)) w();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const w of this.quietWaiters.splice(0)) w();
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
