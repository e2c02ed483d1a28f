import { safeName } from '../../lib/safe-name';
import type { DirListing } from '@contract';
import { api, asStudioError } from '../../host/api';
import { signal } from '../../lib/test-hooks';
import { TYPE_AHEAD_RESET_MS, typeAheadTarget } from '../../lib/type-ahead';
import { splitPath, TypedPathError, typedPath } from '../../lib/typed-path';

const LAST_DIR_KEY = 'studio.browser.lastDir';

/** what the browser is choosing: a track, an image, a playlist (to import as a crate), or a folder (a model pack) */
export type BrowserKind = 'media' | 'image' | 'playlist' | 'folder';

/**
 * The in-app file browser (web mode has no native dialog): a folder listing
 * from the engine (`fs:list-dir`), keyboard navigable. In folder mode files
 * are shown but not chosen; "Use this folder" picks the folder listed.
 */
class FileBrowser {
  open = $state(false);
  kind = $state<BrowserKind>('media');
  listing = $state.raw<DirListing | null>(null);
  pathInput = $state('');
  selected = $state(0);
  /** the person chose the selected row (click, arrows), rather than it being preselected by a listing */
  highlighted = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  /** the dialog's title when the caller names one (e.g. "Add a music folder") */
  title = $state<string | null>(null);
  /** the type-ahead text typed since the last pause (shown while it lasts; '' when none) */
  typed = $state('');
  private typedTimer: ReturnType<typeof setTimeout> | undefined;
  private onPick: ((path: string) => void) | null = null;
  /** only the latest listing asked for is shown (a slow earlier one may answer later) */
  private goSeq = 0;

  /** what the last folder is remembered for (one per purpose: tracks, covers, chat images, library folders, packs) */
  private purpose = 'media';

  show(kind: BrowserKind, onPick: (path: string) => void, title?: string, purpose: string = kind): void {
    this.kind = kind;
    this.purpose = purpose;
    this.title = title ?? null;
    this.onPick = onPick;
    this.open = true;
    this.error = null;
    void this.go(localStorage.getItem(`${LAST_DIR_KEY}.${purpose}`) ?? localStorage.getItem(`${LAST_DIR_KEY}.media`) ?? undefined);
  }

  close(): void {
    this.open = false;
    this.onPick = null;
    this.endTypeAhead();
  }

  /**
   * Go to what the path box holds (Enter or Go). A pasted path is taken as the path it names (typedPath: quotes,
   * a file:// URI, white space), and the path of a file goes to its folder with the file selected — and, where it
   * can be chosen here, chooses it, as typing a file's path in a desktop file dialog does. Before, a file's path
   * said '"…" is not a folder' and a quoted path or a file:// URI "must be an absolute path … resolve them against
   * your own working folder" (tester25).
   */
  async goTyped(): Promise<void> {
    let path: string;
    try {
      path = typedPath(this.pathInput);
    } catch (err) {
      // a file:// address whose escapes are not UTF-8: the box says so (TypedPathError's message)
      if (!(err instanceof TypedPathError)) throw err;
      this.error = err.message;
      return;
    }
    this.pathInput = path;
    await this.go(path, true);
  }

  /** List `path` (none: the engine's start folder). `typed`: from the path box, where a file's path is accepted (goTyped). */
  async go(path?: string, typed = false): Promise<void> {
    const seq = ++this.goSeq;
    const before = this.pathInput;
    this.loading = true;
    this.error = null;
    try {
      const l = await api().call('fs:list-dir', { path: path || undefined, kind: this.listKind });
      if (seq !== this.goSeq) return;
      this.showListing(l, before, path);
    } catch (err) {
      if (seq !== this.goSeq) return;
      const e = asStudioError(err);
      // the path of a file: its folder, with the file selected (and chosen where it can be)
      const parts = typed && path ? splitPath(path) : null;
      if (parts) {
        const l = await api().call('fs:list-dir', { path: parts.dir, kind: this.listKind }).catch(() => null);
        if (seq !== this.goSeq) return;
        const at = l ? l.entries.findIndex((x) => x.type === 'file' && x.name === parts.name) : -1;
        if (l && at >= 0) {
          this.showListing(l, before, path);
          this.pathInput = l.path;
          this.select(at);
          this.highlighted = true;
          if (this.canPick(l.entries[at])) this.activate(at);
          else {
            // a typed path to a file that cannot be opened: say why at once (it was only selected, greyed, the reason in
            // its tooltip; tester26)
            this.error = `${this.refusal(l.entries[at])}.`;
            signal('browser-error', { code: 'NOT_MEDIA', message: this.error });
          }
          return;
        }
        // an entry the folder's listing leaves out (a named pipe, a broken link, a name that is not UTF-8): its folder,
        // and why — before, a pipe's path said '"…" is not a folder' (tester22)
        const hidden = l?.skippedEntries?.find((x) => x.name === parts.name);
        if (l && hidden) {
          this.showListing(l, before, path);
          this.pathInput = l.path;
          this.error = `"${parts.name}" is not shown here: ${hidden.reason}.`;
          signal('browser-error', { code: e.code, message: this.error });
          return;
        }
      }
      this.error = e.message;
      if (path && !this.listing) {
        // a remembered folder that is gone: fall back to home
        await this.go();
        this.error = e.message;
      }
      signal('browser-error', e);
    } finally {
      if (seq === this.goSeq) this.loading = false;
    }
  }

  private showListing(l: DirListing, typed: string, path: string | undefined): void {
    this.listing = l;
    // a path being typed meanwhile is left alone
    if (this.pathInput === typed || this.pathInput === path) this.pathInput = l.path;
    this.selected = Math.max(0, l.entries.findIndex((e) => e.type === 'dir' || this.canPick(e)));
    this.highlighted = false;
    this.endTypeAhead();
    localStorage.setItem(`${LAST_DIR_KEY}.${this.purpose}`, l.path);
    signal('browser-listed', { path: l.path, entries: l.entries.length });
  }

  /** which files fs:list-dir marks openable for this kind (a folder's listing marks media) */
  private get listKind(): 'media' | 'image' | 'playlist' {
    return this.kind === 'image' || this.kind === 'playlist' ? this.kind : 'media';
  }

  /** whether a file entry can be chosen (never in folder mode) */
  canPick(e: { type: 'dir' | 'file'; openable: boolean }): boolean {
    return e.type === 'file' && e.openable && this.kind !== 'folder';
  }

  /**
   * Why a file entry cannot be chosen ("notes.txt: not a media file the studio opens"), or null for one that can (and
   * for a folder): the greyed row's tooltip, the footer's line while it is selected, and the note when its path is typed.
   */
  refusal(e: { type: 'dir' | 'file'; openable: boolean; name: string }): string | null {
    if (e.type !== 'file' || this.canPick(e)) return null;
    return this.kind === 'folder' ? `${safeName(e.name)}: choose the folder, not a file` : `${safeName(e.name)}: not a ${this.kind === 'image' ? 'supported image' : this.kind === 'playlist' ? 'playlist (.m3u, .m3u8, .pls, .xspf)' : 'media file the studio opens'}`;
  }

  /**
   * Folder mode: the folder "Use this folder" means — the subfolder the
   * person highlighted in the list, else the folder listed.
   */
  get folderChoice(): string | null {
    const l = this.listing;
    if (!l) return null;
    const e = l.entries[this.selected];
    return this.highlighted && e?.type === 'dir' ? e.path : l.path;
  }

  /** Folder mode: choose `folderChoice`. */
  pickFolder(): void {
    const path = this.folderChoice;
    if (!path || this.kind !== 'folder') return;
    const pick = this.onPick;
    this.close();
    pick?.(path);
  }

  up(): void {
    if (this.listing?.parent) void this.go(this.listing.parent);
  }

  /** Enter a folder or pick a file. */
  activate(index = this.selected): void {
    const e = this.listing?.entries[index];
    if (!e) return;
    if (e.type === 'dir') void this.go(e.path);
    else if (this.canPick(e)) {
      const pick = this.onPick;
      this.close();
      pick?.(e.path);
    }
  }

  move(delta: number): void {
    const n = this.listing?.entries.length ?? 0;
    if (!n) return;
    this.select(this.selected + delta);
  }

  /**
   * Type-ahead (a printable key while the list has focus): `char` is added to the typed text (forgotten after
   * TYPE_AHEAD_RESET_MS without a key) and the first entry whose name starts with it is selected, one letter pressed
   * again and again cycles through the entries starting with it (`typeAheadTarget`). The list scrolls the selection
   * into view, so it is rendered. Returns whether an entry matched (none: the selection stays).
   */
  typeAhead(char: string): boolean {
    this.typed += char;
    return this.findTyped();
  }

  /** Backspace while typing a name: the last typed character is taken back; false when nothing was typed */
  typeAheadBack(): boolean {
    if (!this.typed) return false;
    this.typed = [...this.typed].slice(0, -1).join('');
    if (this.typed) this.findTyped();
    else this.endTypeAhead();
    return true;
  }

  /** forget the typed text (a navigation key, a new listing, closing) */
  endTypeAhead(): void {
    clearTimeout(this.typedTimer);
    this.typedTimer = undefined;
    this.typed = '';
  }

  private findTyped(): boolean {
    clearTimeout(this.typedTimer);
    this.typedTimer = setTimeout(() => this.endTypeAhead(), TYPE_AHEAD_RESET_MS);
    const entries = this.listing?.entries ?? [];
    const i = typeAheadTarget(entries, this.typed, this.selected);
    if (i >= 0) this.select(i);
    signal('browser-type-ahead', { typed: this.typed, selected: i >= 0 ? entries[i].name : null });
    return i >= 0;
  }

  /** The person highlights a row (click, arrows, Home/End). */
  select(index: number): void {
    const n = this.listing?.entries.length ?? 0;
    if (!n) return;
    this.selected = Math.max(0, Math.min(n - 1, index));
    this.highlighted = true;
  }
}

export const browser = new FileBrowser();
