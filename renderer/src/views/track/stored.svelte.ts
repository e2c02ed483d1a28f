import type { TrackSummary } from '@contract';
import { api } from '../../host/api';
import { connection } from '../../host/connection.svelte';
import { signal } from '../../lib/test-hooks';
import { bpmRange } from '../../shared/state/bpm-range.svelte';

/**
 * The library's stored analysis of the open track (`library:track-summary`: its row — tempo folded into the BPM range
 * by the engine, key with its Camelot and Open Key codes, their confidences — and why it has no tempo or key), shown
 * in the track view's header as the library's table shows them (tester20: the track view showed no BPM or key). null
 * for a track the library has not analysed (opened from elsewhere, not scanned yet, failed): then only Find beats gives
 * a tempo. Read again when the library stores the track's analysis (library:changed `analysed`: a scan or the folder
 * watcher reached it while it is open), when the BPM range changes and when the link to the engine comes back.
 */
class StoredAnalysis {
  summary = $state.raw<TrackSummary | null>(null);
  private trackId: string | null = null;
  private seq = 0;
  private listening = false;

  constructor() {
    bpmRange.onChanged(() => void this.reload());
    connection.onReopen(() => void this.reload());
  }

  /** Follow the open track (null: none). */
  follow(trackId: string | null): void {
    if (!this.listening) {
      this.listening = true;
      // the analysis of the open track stored (analysed, or failed): what the header shows moved on
      api().on('library:changed', (c) => {
        if (this.trackId !== null && c.analysed?.includes(this.trackId)) void this.reload();
      });
    }
    if (trackId === this.trackId) return;
    this.trackId = trackId;
    this.summary = null;
    void this.reload();
  }

  private async reload(): Promise<void> {
    const id = this.trackId;
    const seq = ++this.seq;
    if (!id) return;
    let s: TrackSummary | null = null;
    try {
      s = await api().call('library:track-summary', { trackId: id });
    } catch {
      // not a library track (NOT_FOUND), or the engine out of reach: nothing stored to show
    }
    if (seq !== this.seq) return;
    this.summary = s && s.track.status === 'analysed' ? s : null;
    signal('track-stored-analysis', { trackId: id, bpm: this.summary?.track.bpm ?? null, key: this.summary?.track.key ?? null });
  }
}

export const stored = new StoredAnalysis();
