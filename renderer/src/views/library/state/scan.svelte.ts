import type { ScanState } from '@contract';
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
});

/** The library's scan job as the engine reports it (`library:scan-state`), and its controls. */
class Scan {
  state = $state.raw<ScanState>(idle());
  /**
   * Called when the scan found or analysed rows (`ended`: the job just
   * stopped); live.ts points it at the table's throttled refresh.
   */
  onRowsChanged: (ended: boolean) => void = () => undefined;

  async load(): Promise<void> {
    try {
      this.set(await api().call('library:scan-state', {}));
    } catch (err) {
      signal('library-error', { where: 'scan-state', message: asStudioError(err).message });
    }
  }

  /** Scan one folder, or every folder when `folderId` is not given. */
  async rescan(folderId?: string): Promise<void> {
    try {
      this.set(await api().call('library:scan', folderId ? { folderId } : {}));
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

  /** A new state from the engine (an event or a call's answer). */
  set(s: ScanState): void {
    const prev = this.state;
    this.state = s;
    signal('library-scan-state', { state: s.state, done: s.done, total: s.total, failed: s.failed });
    // rows found or analysed: refresh what is shown (throttled), whether or not library:changed says so
    if (s.total !== prev.total || s.done !== prev.done || s.failed !== prev.failed) this.onRowsChanged(false);
    if (prev.state === 'running' && s.state !== 'running' && s.state !== 'paused') {
      signal(s.state === 'finished' ? 'library-scan-finished' : 'library-scan-stopped', { state: s.state, done: s.done, failed: s.failed });
      this.onRowsChanged(true);
    }
  }
}

export const scan = new Scan();
