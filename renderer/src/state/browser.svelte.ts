import type { DirListing } from '../../../main/contract';
import { api, asStudioError } from '../host/api';
import { signal } from '../lib/test-hooks';

const LAST_DIR_KEY = 'studio.browser.lastDir';

/**
 * The in-app file browser (web mode has no native dialog): a folder listing
 * from the engine (`fs:list-dir`), keyboard navigable.
 */
class FileBrowser {
  open = $state(false);
  kind = $state<'media' | 'image'>('media');
  listing = $state.raw<DirListing | null>(null);
  pathInput = $state('');
  selected = $state(0);
  loading = $state(false);
  error = $state<string | null>(null);
  private onPick: ((path: string) => void) | null = null;

  show(kind: 'media' | 'image', onPick: (path: string) => void): void {
    this.kind = kind;
    this.onPick = onPick;
    this.open = true;
    this.error = null;
    void this.go(localStorage.getItem(`${LAST_DIR_KEY}.${kind}`) ?? localStorage.getItem(`${LAST_DIR_KEY}.media`) ?? undefined);
  }

  close(): void {
    this.open = false;
    this.onPick = null;
  }

  async go(path?: string): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const l = await api().call('fs:list-dir', { path: path || undefined, kind: this.kind });
      this.listing = l;
      this.pathInput = l.path;
      this.selected = Math.max(0, l.entries.findIndex((e) => e.type === 'dir' || e.openable));
      localStorage.setItem(`${LAST_DIR_KEY}.${this.kind}`, l.path);
      signal('browser-listed', { path: l.path, entries: l.entries.length });
    } catch (err) {
      const e = asStudioError(err);
      this.error = e.message;
      if (path && !this.listing) {
        // a remembered folder that is gone: fall back to home
        await this.go();
        this.error = e.message;
      }
      signal('browser-error', e);
    } finally {
      this.loading = false;
    }
  }

  up(): void {
    if (this.listing?.parent) void this.go(this.listing.parent);
  }

  /** Enter a folder or pick a file. */
  activate(index = this.selected): void {
    const e = this.listing?.entries[index];
    if (!e) return;
    if (e.type === 'dir') void this.go(e.path);
    else if (e.openable) {
      const pick = this.onPick;
      this.close();
      pick?.(e.path);
    }
  }

  move(delta: number): void {
    const n = this.listing?.entries.length ?? 0;
    if (!n) return;
    this.selected = Math.max(0, Math.min(n - 1, this.selected + delta));
  }
}

export const browser = new FileBrowser();
