import type { LibraryTrack } from '@contract';
import { api } from '../../../host/api';
import { connection } from '../../../host/connection.svelte';
import { signal } from '../../../lib/test-hooks';
import { app } from '../../../shared/state/app.svelte';
import { player } from '../../../shared/state/player.svelte';
import { refuseAbsent } from './actions';

/**
 * Quick preview from the library table (rekordbox's, Mixed In Key's): Space
 * plays the row under the cursor from its middle-ish start, Space again (or
 * another row, or leaving the library) stops it. Its own audio element, so
 * the track open in the track view is left as it was (only paused).
 */
class Preview {
  /** the row being previewed, or null */
  playingId = $state<string | null>(null);
  private el: HTMLAudioElement | null = null;

  private element(): HTMLAudioElement {
    if (this.el) return this.el;
    const el = new Audio();
    el.preload = 'auto';
    el.addEventListener('playing', () => this.playingId && signal('library-preview-playing', { id: this.playingId, time: el.currentTime }));
    el.addEventListener('ended', () => this.stop());
    el.addEventListener('error', () => {
      if (!this.playingId) return;
      // the link lost while it loads: that is why, not the file
      if (connection.offline) app.notice('Cannot preview now', connection.offline, 'warning');
      else app.notice('Could not preview this track', 'Its file could not be played; open it to see why.', 'warning');
      this.stop();
    });
    this.el = el;
    return el;
  }

  constructor() {
    // a restarted `studio serve` gave the page new media addresses: the preview playing goes on from where it is at
    // the new one (the old one answers 401 once the element needs more of the file: "Could not preview this track")
    connection.onMediaMoved(() => {
      const id = this.playingId;
      const el = this.el;
      if (!id || !el) return;
      const at = el.currentTime;
      const playing = !el.paused;
      el.src = new URL(api().mediaUrl('playable', id), window.location.href).href;
      el.currentTime = at;
      if (playing) void el.play().catch(() => undefined);
      signal('library-preview-renewed', { id, time: at });
    });
  }

  /** Preview `row` (from 30 % in, where the music usually is), or stop when it is the one playing. */
  toggle(row: LibraryTrack | undefined): void {
    if (!row || row.status === 'failed') return;
    if (this.playingId === row.id) return this.stop();
    // its library folder not there (an unplugged drive): said, not "Its file could not be played"
    if (refuseAbsent(row, 'Cannot preview this track')) return this.stop();
    // Space while the link is lost (web mode): say why, as Enter and Ctrl+O do, not "Its file could not be played"
    if (connection.offline) {
      this.stop();
      app.notice('Cannot preview now', connection.offline, 'warning');
      return;
    }
    const el = this.element();
    player.media.pause();
    this.playingId = row.id;
    el.src = new URL(api().mediaUrl('playable', row.id), window.location.href).href;
    const start = row.durationSec ? row.durationSec * 0.3 : 0;
    el.currentTime = start;
    void el.play().catch(() => undefined);
    signal('library-preview', { id: row.id, start });
  }

  stop(): void {
    if (!this.playingId) return;
    const id = this.playingId;
    this.playingId = null;
    if (this.el) {
      this.el.pause();
      this.el.removeAttribute('src');
      this.el.load();
    }
    signal('library-preview-stopped', { id });
  }
}

export const preview = new Preview();
