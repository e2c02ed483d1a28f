import { isStaleState, type ScanState } from '@contract';
import { api, asStudioError } from '../../../host/api';
import { signal } from '../../../lib/test-hooks';
import { ABOUT, app } from '../../../shared/state/app.svelte';

const idle = (): ScanState => ({
  jobId: null,
  state: 'idle',
  total: 0,
  done: 0,
  failed: 0,
  currentFile: null,
  rate: null,
  etaSec: null,
  startedAt: null,
  problems: [],
  seq: 0,
  engineRun: '',
});

/** The library's scan job as the engine reports it (`library:scan-state`), and its controls. */
class Scan {
  /** what the scan bar shows: the engine's job, or the last job with something to say (see set) */
  state = $state.raw<ScanState>(idle());
  /**
   * The scan shown finished, found nothing to analyse and met no problem (tester28): the scan bar says so in words ("No
   * audio or video files found in …", not only "0 / 0") and the empty table drops its "yet".
   */
  get foundNone(): boolean {
    return this.state.state === 'finished' && this.state.total === 0 && !this.state.problems.length;
  }
  /** the engine's own last state (transitions are read from it, not from what is shown) */
  private engine: ScanState = idle();
  /** the last job that ended with files counted, problems or skipped files: its summary */
  private summary: ScanState | null = null;
  /** jobs this page started (Scan / Rescan / Resume): their answer is shown, even 0 / 0 */
  private readonly own = new Set<string>();
  /** the folder each of this page's one-folder jobs walks (Add folder…, a folder's Rescan), by job id: named when it finds nothing */
  private readonly folderOf = new Map<string, string>();
  /**
   * The folder the job shown walked, when this page started it for one folder (Add folder…, its Rescan); null for a
   * scan of every folder or a job of another page. "No audio or video files found in <folder>" names it (tester28).
   */
  folder = $state<string | null>(null);
  /**
   * Called when the scan found or analysed rows (`ended`: the job just
   * stopped); live.ts points it at the table's throttled refresh.
   */
  onRowsChanged: (ended: boolean) => void = () => undefined;

  /**
   * Read the engine's scan job; `own`: the page just started it (a folder added), so it is shown even if it finds
   * nothing; `folder`: the folder added, named if it holds no audio.
   */
  async load(own = false, folder?: string): Promise<void> {
    try {
      const s = await api().call('library:scan-state', {});
      if (own && s.jobId) this.own.add(s.jobId);
      if (own && s.jobId && folder) this.folderOf.set(s.jobId, folder);
      this.set(s, own);
    } catch (err) {
      signal('library-error', { where: 'scan-state', message: asStudioError(err).message });
    }
  }

  /** Scan one folder (`folderPath`: its path, named if it holds no audio), or every folder when `folderId` is not given. */
  async rescan(folderId?: string, folderPath?: string): Promise<void> {
    try {
      const s = await api().call('library:scan', folderId ? { folderId } : {});
      if (s.jobId) this.own.add(s.jobId);
      if (s.jobId && folderId && folderPath) this.folderOf.set(s.jobId, folderPath);
      this.set(s, true);
      app.resolved(ABOUT.scan);
    } catch (err) {
      app.error(err, 'Could not start the scan', ABOUT.scan);
    }
  }

  async control(action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    try {
      this.set(await api().call('library:scan-control', { action }));
      signal('library-scan-control', { action });
    } catch (err) {
      app.error(err, `Could not ${action} the scan`);
    }
  }

  /**
   * A new state from the engine (an event or a call's answer). A state older than the one held (isStaleState: a
   * call's answer that came after later events — a Rescan's "running" after its job's "finished") is dropped; when
   * `ownAdded` (the page just learnt the job is its own) what is shown is worked out again from the held state.
   */
  set(s: ScanState, ownAdded = false): void {
    if (isStaleState(this.engine, s)) {
      signal('library-scan-state-stale', { state: s.state, seq: s.seq, held: this.engine.seq });
      if (ownAdded) this.show(this.engine);
      return;
    }
    const prev = this.engine;
    this.engine = s;
    this.show(s);
    signal('library-scan-state', { state: s.state, done: s.done, total: s.total, failed: s.failed });
    // rows found or analysed: refresh what is shown (throttled), whether or not library:changed says so
    if (s.total !== prev.total || s.done !== prev.done || s.failed !== prev.failed) this.onRowsChanged(false);
    if (prev.state === 'running' && s.state !== 'running' && s.state !== 'paused') {
      signal(s.state === 'finished' ? 'library-scan-finished' : 'library-scan-stopped', { state: s.state, done: s.done, failed: s.failed });
      this.onRowsChanged(true);
    }
  }

  /** What the scan bar shows for the engine's state `s`: it, or the summary of the job before it (see below). */
  private show(s: ScanState): void {
    const ended = s.state === 'finished' || s.state === 'cancelled';
    const nothingAnalysed = s.total === 0 && !s.problems.length;
    const empty = nothingAnalysed && !s.skipped?.count;
    // A folder watcher's job that found nothing to analyse (files deleted or moved after the scan; a file that is no
    // audio saved there — cover art, notes, a download's .part — which it only skips) ends "finished 0 / 0": it must
    // not replace the summary of the scan before it (its counts, failures, the files that vanished). With no summary
    // to keep (the page loaded after the engine started again) it shows nothing: its "0 / 0" and "No audio or video
    // files found in the library's folders" were said over a library of tracks (tester29a).
    const quiet = ended && nothingAnalysed && s.jobId !== null && !this.own.has(s.jobId) && this.summary?.jobId !== s.jobId;
    if (ended && !empty && !quiet) this.summary = s;
    this.state = quiet ? (this.summary ?? idle()) : s;
    this.folder = this.state.jobId !== null ? (this.folderOf.get(this.state.jobId) ?? null) : null;
  }
}

export const scan = new Scan();
