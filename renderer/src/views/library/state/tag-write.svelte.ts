import type { MethodInput, MethodOutput } from '@contract';

export type KeyNotation = MethodInput<'library:write-tags'>['keyNotation'];
type TagWriteResult = MethodOutput<'library:write-tags'>;
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
 */
class TagWriter {
  /** the dialog is open for these track ids */
  ids = $state.raw<string[]>([]);
  open = $state(false);
  notation = $state<KeyNotation>(readNotation());
  bpm = $state(true);
  key = $state(true);
  running = $state(false);
  done = $state(0);
  written = $state.raw<TagWriteResult[]>([]);
  failures = $state.raw<{ trackId: string; message: string }[]>([]);
  finished = $state(false);

  /** Open the dialog for the selected rows (the shown track when nothing else is selected). */
  start(fallbackId: string | null): void {
    const ids = selection.ids.size ? [...selection.ids] : fallbackId ? [fallbackId] : [];
    if (!ids.length) return;
    this.ids = ids;
    this.done = 0;
    this.written = [];
    this.failures = [];
    this.finished = false;
    this.open = true;
    signal('tag-write-open', { count: ids.length });
  }

  setNotation(n: KeyNotation): void {
    this.notation = n;
    localStorage.setItem(NOTATION_KEY, n);
  }

  close(): void {
    if (this.running) return;
    this.open = false;
  }

  async run(): Promise<void> {
    if (this.running || (!this.bpm && !this.key)) return;
    this.running = true;
    const written: TagWriteResult[] = [];
    const failures: { trackId: string; message: string }[] = [];
    try {
      for (const trackId of this.ids) {
        try {
          written.push(await api().call('library:write-tags', { trackId, keyNotation: this.notation, bpm: this.bpm, key: this.key }));
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
      const shown = detail.track?.track.id;
      if (shown && this.ids.includes(shown)) void detail.load(shown);
      if (!failures.length) app.notice('Tags written', `${writtenWhat(written)} in the tags of ${written.length === 1 ? `"${written[0].path.split(/[\\/]/).pop()}"` : `${written.length} files`}.`);
      signal('tag-write-done', { written: written.length, failed: failures.length });
    } catch (err) {
      app.error(err, 'Could not write the tags');
    } finally {
      this.running = false;
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
