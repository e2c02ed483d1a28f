import type { MethodInput, MethodOutput } from '@contract';

export type KeyNotation = MethodInput<'library:write-tags'>['keyNotation'];
type TagWriteResult = MethodOutput<'library:write-tags'>;
import { safeName } from '../../../lib/safe-name';
import { api, asStudioError } from '../../../host/api';
import { signal } from '../../../lib/test-hooks';
import { app } from '../../../shared/state/app.svelte';
import { detail } from './detail.svelte';
import { selection } from './selection.svelte';

const NOTATION_KEY = 'studio.tagKeyNotation';

/** The key notations offered for the written key, with an example (A minor). */
export const NOTATIONS: { id: KeyNotation; label: string }[] = [
  { id: 'standard', label: 'Standard (Am, F#)' },
  { id: 'name', label: 'Name (A minor)' },
  { id: 'camelot', label: 'Camelot (8A)' },
  { id: 'openkey', label: 'Open Key (1m)' },
];

function readNotation(): KeyNotation {
  const v = localStorage.getItem(NOTATION_KEY);
  return NOTATIONS.some((n) => n.id === v) ? (v as KeyNotation) : 'standard';
}

/**
 * Writing BPM and key into the files' own tags (`library:write-tags`), on
 * request only: a dialog says which files and how the key is written, the
 * files are written one after another, and every file that was refused is
 * listed with the engine's reason (changed since analysis, read-only,
 * unsupported container). The key notation is kept (localStorage).
 * Cancel while writing stops after the file being written (each file's write
 * is atomic in the engine: the file is whole before or whole after), and
 * says how many were written and how many were not started.
 */
class TagWriter {
  /** the files the dialog writes (track ids): those it was opened for, less `skipped` */
  ids = $state.raw<string[]>([]);
  /**
   * the tracks it was opened for that have no tempo or key to write (not analysed: failed or pending), named before
   * anything is written; Ctrl+A offered "Write 11 files" counting two failed ones, then listed them as not written
   */
  skipped = $state.raw<{ trackId: string; fileName: string; why: string }[]>([]);
  /** the selection's analysis states are being read: Write waits for them */
  checking = $state(false);
  open = $state(false);
  notation = $state<KeyNotation>(readNotation());
  bpm = $state(true);
  key = $state(true);
  /**
   * remove a file's own BPM/key tag (another tool's) where ours is uncertain and disagrees with it; off by default:
   * such a tag is kept and the dialog names it (never removed silently)
   */
  clearConflicting = $state(false);
  running = $state(false);
  /** Cancel was pressed while writing: no file is started after the one being written */
  stopping = $state(false);
  /** the last run was cancelled: `ids.length - done` files were not started */
  cancelled = $state(false);
  done = $state(0);
  written = $state.raw<TagWriteResult[]>([]);
  failures = $state.raw<{ trackId: string; message: string }[]>([]);
  finished = $state(false);

  /** Open the dialog for the selected rows (the shown track when nothing else is selected). */
  start(fallbackId: string | null): void {
    const ids = selection.ids.size ? [...selection.ids] : fallbackId ? [fallbackId] : [];
    if (!ids.length) return;
    this.ids = ids;
    this.skipped = [];
    this.done = 0;
    this.written = [];
    this.failures = [];
    this.finished = false;
    this.stopping = false;
    this.cancelled = false;
    this.open = true;
    void this.leaveOutUnanalysed(ids);
  }

  /**
   * Take the tracks of `ids` that are not analysed (the engine refuses them: no tempo or key to write) out of the
   * files to write, into `skipped`. Read with `library:query` per status (failed, pending), 2,000 rows a call, only
   * the rows' ids and file names used. When they cannot be read, every track stays and the engine refuses those.
   */
  private async leaveOutUnanalysed(ids: string[]): Promise<void> {
    this.checking = true;
    const wanted = new Set(ids);
    const skipped: { trackId: string; fileName: string; why: string }[] = [];
    try {
      for (const status of ['failed', 'pending'] as const) {
        for (let offset = 0, total = 1; offset < total; offset += 2000) {
          const res = await api().call('library:query', { filter: { status }, offset, limit: 2000 });
          total = res.total;
          for (const r of res.rows) if (wanted.has(r.id)) skipped.push({ trackId: r.id, fileName: r.fileName, why: status === 'failed' ? 'its analysis failed' : 'it is not analysed yet' });
        }
      }
    } catch {
      skipped.length = 0;
    } finally {
      this.checking = false;
    }
    if (this.ids !== ids || this.running) return;
    const out = new Set(skipped.map((s) => s.trackId));
    this.skipped = skipped;
    this.ids = ids.filter((id) => !out.has(id));
    signal('tag-write-open', { count: this.ids.length, skipped: skipped.length });
  }

  setNotation(n: KeyNotation): void {
    this.notation = n;
    localStorage.setItem(NOTATION_KEY, n);
  }

  close(): void {
    if (this.running) return;
    this.open = false;
  }

  /** The dialog's Cancel (and Esc): while writing, stop after the current file; otherwise close. */
  cancel(): void {
    if (!this.running) return this.close();
    if (this.stopping) return;
    this.stopping = true;
    signal('tag-write-cancel', { done: this.done, of: this.ids.length });
  }

  async run(): Promise<void> {
    if (this.running || this.checking || !this.ids.length || (!this.bpm && !this.key)) return;
    this.running = true;
    this.stopping = false;
    this.cancelled = false;
    const written: TagWriteResult[] = [];
    const failures: { trackId: string; message: string }[] = [];
    try {
      for (const trackId of this.ids) {
        if (this.stopping) break;
        try {
          written.push(await api().call('library:write-tags', { trackId, keyNotation: this.notation, bpm: this.bpm, key: this.key, clearConflicting: this.clearConflicting }));
        } catch (err) {
          const e = asStudioError(err);
          if (e.code === 'ENGINE_UNAVAILABLE' || e.code === 'ENGINE_CRASHED') throw err;
          failures.push({ trackId, message: e.message });
        }
        this.done++;
        this.written = [...written];
        this.failures = [...failures];
      }
      this.finished = true;
      this.cancelled = this.done < this.ids.length;
      const shown = detail.track?.track.id;
      if (shown && this.ids.includes(shown)) void detail.load(shown);
      const notStarted = this.ids.length - this.done;
      if (this.cancelled) {
        app.notice('Writing tags cancelled', `${written.length} of ${this.ids.length} files written; ${notStarted} not started, left as they were.`);
        signal('tag-write-done', { written: written.length, failed: failures.length, cancelled: true, notStarted });
        return;
      }
      if (!failures.length) {
        const files = (list: TagWriteResult[]) => (list.length === 1 ? `"${safeName(list[0].path.split(/[\\/]/).pop())}"` : `${list.length} files`);
        const wrote = written.filter((w) => w.bpm !== null || w.key !== null);
        const removed = written.filter((w) => w.cleared?.bpm || w.cleared?.key);
        // what was done, no more: a run that only removed other tools' tags wrote no BPM (it said "The BPM is in the tags")
        const said = [
          wrote.length ? `${writtenWhat(wrote)} in the tags of ${files(wrote)}.` : null,
          removed.length ? `The file's own BPM/key tags that disagreed with our uncertain values were removed from ${files(removed)}.` : null,
        ].filter((x) => x !== null);
        app.notice(wrote.length ? 'Tags written' : 'Tags removed', said.join(' '));
      }
      signal('tag-write-done', { written: written.length, failed: failures.length });
    } catch (err) {
      app.error(err, 'Could not write the tags');
    } finally {
      this.running = false;
      this.stopping = false;
    }
  }
}

/** what the writes put in the files, as the notice says it: "BPM and key are", "The BPM is", "The key is" */
export function writtenWhat(written: { bpm: string | null; key: string | null }[]): string {
  const bpm = written.some((w) => w.bpm !== null);
  const key = written.some((w) => w.key !== null);
  return bpm && key ? 'BPM and key are' : key ? 'The key is' : 'The BPM is';
}

export const tagWriter = new TagWriter();
