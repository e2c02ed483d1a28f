import { mostUsedNotation, type MethodInput, type MethodOutput } from '@contract';
import { fmtCount } from '../../../lib/format';

export type KeyNotation = MethodInput<'library:write-tags'>['keyNotation'];
type TagWriteResult = MethodOutput<'library:write-tags'>;
import { safeName } from '../../../lib/safe-name';
import { api, asStudioError } from '../../../host/api';
import { signal } from '../../../lib/test-hooks';
import { app } from '../../../shared/state/app.svelte';
import { detail } from './detail.svelte';
import { selection } from './selection.svelte';

const NOTATION_KEY = 'studio.tagKeyNotation';
/** the most tracks one library:tag-plan call of the dialog checks (plan(): parts of 1, 2, 4 … up to this) */
const PLAN_PART_MOST = 512;

/** The key notations offered for the written key, with an example (A minor). */
export const NOTATIONS: { id: KeyNotation; label: string }[] = [
  { id: 'standard', label: 'Standard (Am, F#)' },
  { id: 'name', label: 'Name (A minor)' },
  { id: 'camelot', label: 'Camelot (8A)' },
  { id: 'openkey', label: 'Open Key (1m)' },
];

/** a track the write would refuse, with the engine's reason (library:tag-plan's `refused`; `layout`: for its file's layout) */
export type RefusedFile = MethodOutput<'library:tag-plan'>['refused'][number];
/** a file to write that would get only some of the values asked for, with why (library:tag-plan's `partial`) */
export type PartialFile = NonNullable<MethodOutput<'library:tag-plan'>['partial']>[number];
/** a file to write whose own BPM/key tag (another program's) the write would replace with another value (library:tag-plan's `replaces`) */
export type ReplacesFile = NonNullable<MethodOutput<'library:tag-plan'>['replaces']>[number];

/** the notation the user chose last (kept in localStorage); null where none was ever chosen */
function readNotation(): KeyNotation | null {
  const v = localStorage.getItem(NOTATION_KEY);
  return NOTATIONS.some((n) => n.id === v) ? (v as KeyNotation) : null;
}


/**
 * Writing BPM and key into the files' own tags (`library:write-tags`), on
 * request only: a dialog says which files will be written and why each other
 * one will not (`library:tag-plan`, before anything is written) and how the
 * key is written, the files are written one after another, and every file
 * that was refused then is listed with the engine's reason (changed since
 * analysis, read-only). The key notation is kept (localStorage).
 * Cancel while writing stops after the file being written (each file's write
 * is atomic in the engine: the file is whole before or whole after), and
 * says how many were written and how many were not started.
 */
class TagWriter {
  /** the tracks the dialog was opened for (the selection) */
  opened = $state.raw<string[]>([]);
  /** the files the dialog writes (track ids): those of `opened` that library:tag-plan says are writable */
  ids = $state.raw<string[]>([]);
  /**
   * the tracks it was opened for that the write would refuse (not analysed, a container whose tags are not written,
   * no tempo or key sure enough, a tempo or key that changes), with the engine's reason, named before anything is
   * written; tester32: "Write 10 files" counted three with only an uncertain tempo or key, then refused them one by one.
   * `layout`: refused for the file's layout (RF64, AIFF-C, a chained Ogg…), which the dialog lists apart (tags39)
   */
  refused = $state.raw<RefusedFile[]>([]);
  /**
   * the files to write that would get only some of the values asked for (the tempo uncertain, the key changing…), each
   * with why, named before writing as `studio tags write --dry-run` does (library:tag-plan's `partial`; ui36: the
   * dialog said "Write 2 files" of BPM and key, and only after writing that neither got a BPM)
   */
  partial = $state.raw<PartialFile[]>([]);
  /**
   * the files to write whose own BPM or key tag (another program's: a DJ tagger's) the write would replace with
   * another value, named before writing as `studio tags write --dry-run` does (library:tag-plan's `replaces`: dj36)
   */
  replaces = $state.raw<ReplacesFile[]>([]);
  /** the plan for the current options is being read: Write waits for it */
  checking = $state(false);
  /** how many of `opened` the plan being read has checked so far (shown while `checking`) */
  checked = $state(0);
  open = $state(false);
  notation = $state<KeyNotation>(readNotation() ?? 'standard');
  /**
   * of the files to write whose key is written, how many own key tags are in each notation (library:tag-plan's
   * `keyNotations`): a write replaces "8A" by "Am" in Standard though the key agrees — tester37: a Mixed In Key
   * library opened Write tags… in Standard and its Camelot tags were rewritten without a word. Where the user never
   * chose a notation the dialog starts in the one most of them use; the dialog names those the choice rewrites.
   */
  keyNotations = $state.raw<Partial<Record<KeyNotation, number>>>({});
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
  /**
   * The last run stopped because the engine did (it crashed or was killed; the link to `studio serve` was lost): the
   * file being written then is whole — written, or as it was (tag-write.ts renames a finished copy over it) — and
   * `ids.length - done - 1` files were not started (crash34).
   */
  stopped = $state(false);
  /** the latest plan asked for: an answer to an earlier one (options changed since) is dropped */
  private planSeq = 0;

  /**
   * Open the dialog for the selected rows, in the table's order (the shown track when nothing else is selected). The
   * dialog asks for the plan (plan()) when it opens and whenever BPM, Key or "Remove …" changes.
   */
  async start(fallbackId: string | null): Promise<void> {
    if (this.open) return;
    // the shown track alone only where a row shows it: the filter may hide it (detail.hidden)
    const picked = selection.ids.size ? [...selection.ids] : fallbackId && !detail.hidden ? [fallbackId] : [];
    if (!picked.length) return;
    // written in the table's order, as a crate adds a selection (selection.inShownOrder: no call where the table's
    // cached rows hold them) — the selection is kept in click order, and Ctrl-clicking Delta, then Alpha wrote Delta
    // first (ui36)
    const ids = await selection.inShownOrder(picked);
    if (this.open) return;
    this.opened = ids;
    this.ids = [];
    this.refused = [];
    this.partial = [];
    this.replaces = [];
    this.keyNotations = {};
    this.checking = true;
    this.done = 0;
    this.written = [];
    this.failures = [];
    this.finished = false;
    this.stopping = false;
    this.cancelled = false;
    this.stopped = false;
    this.open = true;
  }

  /**
   * Split the tracks the dialog was opened for into the files to write and the refused ones, as library:write-tags
   * with the current options would (`library:tag-plan`: one call for the whole selection, nothing written). Neither
   * BPM nor key ticked: nothing to write. When the plan cannot be read, every track stays and the engine refuses
   * each one it would not write when writing. Not while writing or after.
   */
  async plan(): Promise<void> {
    if (!this.open || this.running || this.finished) return;
    const seq = ++this.planSeq;
    const opened = this.opened;
    if (!this.bpm && !this.key) {
      this.ids = [];
      this.refused = [];
      this.partial = [];
      this.replaces = [];
      this.keyNotations = {};
      this.checking = false;
      return;
    }
    this.checking = true;
    this.checked = 0;
    const dropped = () => seq !== this.planSeq || this.opened !== opened || this.running || this.finished;
    let ids = opened;
    let refused: RefusedFile[] = [];
    let partial: PartialFile[] = [];
    let replaces: ReplacesFile[] = [];
    let notations: Partial<Record<KeyNotation, number>> = {};
    try {
      // in parts, each twice the last (1, 2, 4 … PLAN_PART_MOST tracks): the count shown as it goes, and Cancel (or
      // other options) stops it after the part being checked — one call for 10,000 tracks whose files all carry another
      // program's BPM/key tags read each file, 6–7 s with nothing shown (ui35)
      const writable: string[] = [];
      const no: typeof refused = [];
      const some: PartialFile[] = [];
      const over: ReplacesFile[] = [];
      for (let at = 0, size = 1; at < opened.length; size = Math.min(PLAN_PART_MOST, size * 2)) {
        const part = opened.slice(at, at + size);
        const plan = await api().call('library:tag-plan', { trackIds: part, bpm: this.bpm, key: this.key, clearConflicting: this.clearConflicting });
        if (dropped()) return;
        writable.push(...plan.writable);
        no.push(...plan.refused);
        some.push(...(plan.partial ?? []));
        over.push(...(plan.replaces ?? []));
        for (const [n, c] of Object.entries(plan.keyNotations ?? {}) as [KeyNotation, number][]) notations = { ...notations, [n]: (notations[n] ?? 0) + c };
        at += part.length;
        this.checked = at;
        signal('tag-plan-progress', { plan: seq, checked: at, of: opened.length });
      }
      ids = writable;
      refused = no;
      partial = some;
      replaces = over;
    } catch {
      // unread: every track stays (the engine refuses the others when writing)
    }
    if (dropped()) return;
    this.ids = ids;
    this.refused = refused;
    this.partial = partial;
    this.replaces = replaces;
    this.keyNotations = notations;
    // the files' own notation where the user never chose one (a choice is kept, and wins)
    const own = readNotation() === null ? mostUsedNotation(notations) : null;
    if (own) this.notation = own;
    this.checking = false;
    signal('tag-write-open', { count: ids.length, refused: refused.length, layout: refused.filter((r) => r.layout).length, keyNotations: notations, notation: this.notation });
  }

  /**
   * The files to write whose own key tag is in another notation than the chosen one (keyNotations): their key text is
   * rewritten in the chosen notation, whatever key it names. [count, the notations they are in, most first].
   */
  get otherNotation(): { count: number; notations: KeyNotation[] } {
    const others = NOTATIONS.map((n) => n.id).filter((n) => n !== this.notation && (this.keyNotations[n] ?? 0) > 0);
    others.sort((a, b) => this.keyNotations[b]! - this.keyNotations[a]!);
    return { count: others.reduce((s, n) => s + this.keyNotations[n]!, 0), notations: others };
  }

  setNotation(n: KeyNotation): void {
    this.notation = n;
    localStorage.setItem(NOTATION_KEY, n);
  }

  /** Close the dialog (not while writing); a plan still being read stops after the part being checked. */
  close(): void {
    if (this.running) return;
    ++this.planSeq;
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
    this.stopped = false;
    const written: TagWriteResult[] = [];
    const failures: { trackId: string; message: string }[] = [];
    try {
      for (const trackId of this.ids) {
        if (this.stopping) break;
        try {
          written.push(await api().call('library:write-tags', { trackId, keyNotation: this.notation, bpm: this.bpm, key: this.key, clearConflicting: this.clearConflicting }));
        } catch (err) {
          const e = asStudioError(err);
          if (e.code === 'ENGINE_UNAVAILABLE' || e.code === 'ENGINE_CRASHED') {
            // the engine stopped (or the link to it) while this file was written: no file after it is started; what
            // was written and what was not is said, in the dialog and the toast — not the dialog's form again as if
            // nothing had run, under "Could not write the tags … try again"
            const n = this.ids.length;
            const notStarted = n - this.done - 1;
            this.stopped = true;
            this.finished = true;
            this.written = [...written];
            this.failures = [...failures];
            // (a warning, not an error of the engine's code: those go once the engine is back, and this stays true)
            app.notice(
              'Writing tags stopped',
              `${e.code === 'ENGINE_CRASHED' ? 'The engine stopped while writing' : 'The engine could not be reached'}: ${fmtCount(written.length)} of ${fmtCount(n)} files written; the one being written is whole (written, or as it was), ${fmtCount(notStarted)} not started and left as they were. Write tags again for the rest.`,
              'warning',
            );
            signal('tag-write-done', { written: written.length, failed: failures.length, stopped: true, notStarted });
            return;
          }
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
        app.notice('Writing tags cancelled', `${fmtCount(written.length)} of ${fmtCount(this.ids.length)} files written; ${fmtCount(notStarted)} not started, left as they were.`);
        signal('tag-write-done', { written: written.length, failed: failures.length, cancelled: true, notStarted });
        return;
      }
      if (!failures.length) {
        const files = (list: TagWriteResult[]) => (list.length === 1 ? `"${safeName(list[0].path.split(/[\\/]/).pop())}"` : `${fmtCount(list.length)} files`);
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
