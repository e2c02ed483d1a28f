import type { TrackDetail } from '@contract';
import { api, asStudioError } from '../../../host/api';
import { isLinkLost } from '../../../host/connection.svelte';
import { signal } from '../../../lib/test-hooks';

/** keyboard repeat moves fast: the detail is asked for where the cursor settles */
const SETTLE_MS = 90;

/** The detail panel: analysis curves of the selected track (`library:track-detail`). */
class Detail {
  track = $state.raw<TrackDetail | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /**
   * The track asked for last (shown, loading, or waiting for the selection to settle): what the reconnect reloads
   * (live.ts). Not `track`'s id: a row clicked while the link was lost has no detail yet, and the reconnect then read
   * nothing and left the lost link's error up.
   */
  wantedId: string | null = null;
  /**
   * The filter hides the shown track's row (`selection.keepShown` asks after each filter change): the panel says so and
   * offers no Write tags… for it — a write goes to the selection, and a track no row shows is not in it (ui35).
   */
  hidden = $state(false);
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** Show a track's detail once the selection settles (no request when it is already shown). */
  show(trackId: string): void {
    this.hidden = false; // a row was picked: the filter shows it
    if (this.track?.track.id === trackId && !this.error) return;
    this.wantedId = trackId;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load(trackId);
    }, SETTLE_MS);
  }

  /**
   * No track shown: the panel closes, a read still under way or waiting for the selection to settle is dropped (its
   * answer ignored). What showing another crate does, its selection cleared: the track clicked before is not among
   * the rows of a new, empty crate, and its panel stayed beside "This crate is empty." (fix30a).
   */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    ++this.seq;
    this.track = null;
    this.loading = false;
    this.error = null;
    this.wantedId = null;
    this.hidden = false;
  }

  /** The filter hides (true) or shows the shown track's row; signalled when it changes. */
  setHidden(hidden: boolean): void {
    if (this.hidden === hidden) return;
    this.hidden = hidden;
    signal('library-detail-hidden', { trackId: this.wantedId, hidden });
  }

  /**
   * The shown track read again, quietly (what is shown stays until the answer): its row changed in the library — a
   * rescan dropped a deleted symlink from its aliases, an analysis or a tag re-read finished. Without it the panel kept
   * what it showed when the row was clicked (the aliases of links deleted minutes before) until another row was
   * clicked and this one again. A track that left the library (NOT_FOUND) is no longer shown.
   */
  async refresh(): Promise<void> {
    const id = this.track?.track.id;
    if (!id || this.loading || this.timer) return;
    const seq = ++this.seq;
    try {
      const d = await api().call('library:track-detail', { trackId: id });
      if (seq !== this.seq) return;
      this.track = d;
      signal('library-detail-refreshed', { trackId: id });
    } catch (err) {
      if (seq !== this.seq) return;
      const e = asStudioError(err);
      if (e.code !== 'NOT_FOUND') return; // the link lost, or one failed read: what is shown stays; the next change reads again
      this.track = null;
      this.wantedId = null;
      signal('library-detail-gone', { trackId: id });
    }
  }

  async load(trackId: string): Promise<void> {
    const seq = ++this.seq;
    this.wantedId = trackId;
    this.loading = true;
    this.error = null;
    try {
      const d = await api().call('library:track-detail', { trackId });
      if (seq !== this.seq) return;
      this.track = d;
      signal('library-detail', { trackId, beats: d.beats.length, keys: d.keyStrengths.length, loudness: d.loudnessCurve.values.length });
    } catch (err) {
      if (seq !== this.seq) return;
      const e = asStudioError(err);
      // the link lost (web mode): the app says so once; what was shown stays, and the reconnect loads wantedId
      if (isLinkLost(e)) return;
      this.track = null;
      this.error = e.message;
      signal('library-error', { where: 'detail', message: this.error });
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }
}

export const detail = new Detail();
