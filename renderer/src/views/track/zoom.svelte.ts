import type WaveSurfer from 'wavesurfer.js';
import { signal } from '../../lib/test-hooks';
import { player } from '../../shared/state/player.svelte';

const MIN_ZOOM = 0; // 0 = fit the whole track
const MAX_PX_PER_SEC = 2000;

/**
 * Zoom and scroll of the track view's main waveform (wavesurfer's
 * `minPxPerSec` and its visible range), which the spectrogram follows.
 */
class Zoom {
  /** wavesurfer's minPxPerSec; 0 = whole track fits */
  pxPerSec = $state(MIN_ZOOM);
  /** the visible part of the main waveform (seconds), for the spectrogram */
  view = $state({ start: 0, end: 0 });
  private ws: WaveSurfer | null = null;

  /** The main waveform's wavesurfer (Waveform.svelte creates one for the life of the view). */
  attach(ws: WaveSurfer): void {
    this.ws = ws;
    ws.on('zoom', (px) => {
      this.pxPerSec = px;
      this.sync();
    });
    // a zoom that keeps the scroll position fires no 'scroll': read the view after every redraw too
    ws.on('scroll', () => this.sync());
    ws.on('redraw', () => this.sync());
    ws.on('timeupdate', (t) => (player.currentTime = t));
  }

  /** Read the visible range from wavesurfer: its scroll offset and width over the whole drawn width. */
  private sync(): void {
    const ws = this.ws;
    if (!ws) return;
    const d = ws.getDuration() || player.duration;
    const full = ws.getWrapper().scrollWidth;
    if (!d || !full) return;
    const scroll = ws.getScroll();
    const start = (scroll / full) * d;
    const end = Math.min(d, ((scroll + ws.getWidth()) / full) * d);
    if (Math.abs(start - this.view.start) > 1e-4 || Math.abs(end - this.view.end) > 1e-4) {
      this.view = { start, end };
      signal('waveform-view', { start, end });
    }
  }

  detach(): void {
    this.ws = null;
  }

  /**
   * true from a track's opening until its waveform is loaded (`reset`): the readout says 1×, not the previous track's
   * zoom over the new track's duration (tester28 saw "810.0×" while a long file's wave was computed)
   */
  opening = $state(false);

  /** Another track is being opened: its wave is not drawn yet, so the readout no longer describes what is shown. */
  open(): void {
    this.opening = true;
  }

  /** A new track starts fitted (the waveform was already reset with zoom(0)). */
  reset(durationSec: number): void {
    this.opening = false;
    this.pxPerSec = 0;
    this.view = { start: 0, end: durationSec };
  }

  /**
   * Zoom the main waveform by a factor: around the playhead, or keeping the
   * time under `atPx` (px from the waveform's left edge, e.g. the pointer) where it is.
   */
  by(factor: number, atPx?: number): void {
    const ws = this.ws;
    if (!ws || !player.duration) return;
    const width = ws.getWidth() || 800;
    const fit = width / player.duration;
    const cur = this.pxPerSec > 0 ? this.pxPerSec : fit;
    const next = Math.min(MAX_PX_PER_SEC, cur * factor);
    const anchor = atPx === undefined ? null : this.timeAt(atPx);
    this.set(next <= fit * 1.01 ? 0 : next);
    if (anchor !== null && this.pxPerSec > 0) {
      const full = ws.getWrapper().scrollWidth;
      ws.setScroll(Math.max(0, (anchor / player.duration) * full - atPx!));
      this.sync();
    }
  }

  /** The time (s) under a point `px` from the waveform's left edge. */
  timeAt(px: number): number {
    const ws = this.ws;
    const d = player.duration;
    if (!ws || !d) return 0;
    const full = this.pxPerSec > 0 ? ws.getWrapper().scrollWidth : ws.getWidth();
    const scroll = this.pxPerSec > 0 ? ws.getScroll() : 0;
    return Math.max(0, Math.min(d, ((scroll + px) / (full || 1)) * d));
  }

  /** Scroll the zoomed waveform sideways by `px` (the wheel); nothing when the whole track fits. */
  scrollBy(px: number): void {
    if (!this.ws || this.pxPerSec === 0) return;
    this.ws.setScroll(Math.max(0, this.ws.getScroll() + px));
    this.sync();
  }

  /** Whether a track is loaded in the waveform (its duration known and its peaks taken), so zoom and scroll can be set. */
  get ready(): boolean {
    return !!this.ws && this.ws.getDuration() > 0 && !!this.ws.getDecodedData();
  }

  /**
   * Put back a zoom and the time at the view's left edge (a restored session).
   * Resolves once the waveform is redrawn at that zoom and scrolled there.
   */
  async restore(pxPerSec: number, startSec: number): Promise<void> {
    const ws = this.ws;
    if (!ws || !player.duration || pxPerSec <= 0) return;
    this.set(Math.min(MAX_PX_PER_SEC, pxPerSec));
    await new Promise((r) => requestAnimationFrame(r));
    const full = ws.getWrapper().scrollWidth;
    ws.setScroll(Math.max(0, (startSec / player.duration) * full));
    this.sync();
  }

  /**
   * Set pixels per second; 0 fits the whole track. Nothing while the waveform has no track drawn yet (a track
   * opening: wavesurfer's zoom throws "No audio loaded" then, which +, − and 0 pressed at that moment made an
   * uncaught error in the page; a new track starts fitted anyway).
   */
  set(px: number): void {
    if (!this.ws?.getDecodedData()) return;
    this.ws.zoom(px);
    this.pxPerSec = px;
    if (px === 0) this.view = { start: 0, end: player.duration };
  }

  /** the zoom level as "×N" relative to the whole track fitting */
  label(): string {
    if (!this.ws || !player.duration || this.pxPerSec === 0 || this.opening) return '1×';
    const fit = (this.ws.getWidth() || 800) / player.duration;
    return `${(this.pxPerSec / fit).toFixed(1)}×`;
  }
}

export const zoom = new Zoom();
