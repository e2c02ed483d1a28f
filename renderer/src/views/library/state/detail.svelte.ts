import type { TrackDetail } from '@contract';
import { api, asStudioError } from '../../../host/api';
import { signal } from '../../../lib/test-hooks';

/** keyboard repeat moves fast: the detail is asked for where the cursor settles */
const SETTLE_MS = 90;

/** The detail panel: analysis curves of the selected track (`library:track-detail`). */
class Detail {
  track = $state.raw<TrackDetail | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** Show a track's detail once the selection settles (no request when it is already shown). */
  show(trackId: string): void {
    if (this.track?.track.id === trackId && !this.error) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(trackId), SETTLE_MS);
  }

  async load(trackId: string): Promise<void> {
    const seq = ++this.seq;
    this.loading = true;
    this.error = null;
    try {
      const d = await api().call('library:track-detail', { trackId });
      if (seq !== this.seq) return;
      this.track = d;
      signal('library-detail', { trackId, beats: d.beats.length, keys: d.keyStrengths.length, loudness: d.loudnessCurve.values.length });
    } catch (err) {
      if (seq !== this.seq) return;
      this.track = null;
      this.error = asStudioError(err).message;
      signal('library-error', { where: 'detail', message: this.error });
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }
}

export const detail = new Detail();
