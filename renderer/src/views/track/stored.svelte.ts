import type { TrackDetail } from '@contract';
import { api } from '../../host/api';
import { connection } from '../../host/connection.svelte';
import { signal } from '../../lib/test-hooks';
import { bpmRange } from '../../shared/state/bpm-range.svelte';

/**
 * The library's stored analysis of the open track (`library:track-detail`: tempo folded into the BPM range by the
 * engine, key with its Camelot and Open Key codes, their confidences), shown in the track view's header as the
 * library's table shows them (tester20: the track view showed no BPM or key). null for a track the library has not
 * analysed (opened from elsewhere, not scanned yet, failed): then only Find beats gives a tempo. Read again when the
 * BPM range changes and when the link to the engine comes back.
 */
class StoredAnalysis {
  detail = $state.raw<TrackDetail | null>(null);
  private trackId: string | null = null;
  private seq = 0;

  constructor() {
    bpmRange.onChanged(() => void this.reload());
    connection.onReopen(() => void this.reload());
  }

  /** Follow the open track (null: none). */
  follow(trackId: string | null): void {
    if (trackId === this.trackId) return;
    this.trackId = trackId;
    this.detail = null;
    void this.reload();
  }

  private async reload(): Promise<void> {
    const id = this.trackId;
    const seq = ++this.seq;
    if (!id) return;
    let d: TrackDetail | null = null;
    try {
      d = await api().call('library:track-detail', { trackId: id });
    } catch {
      // not a library track (NOT_FOUND), or the engine out of reach: nothing stored to show
    }
    if (seq !== this.seq) return;
    this.detail = d && d.track.status === 'analysed' ? d : null;
    signal('track-stored-analysis', { trackId: id, bpm: this.detail?.track.bpm ?? null, key: this.detail?.track.key ?? null });
  }
}

export const stored = new StoredAnalysis();
