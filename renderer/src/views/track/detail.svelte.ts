import type { WaveRange } from '@contract';
import { api, asStudioError } from '../../host/api';
import { base64ToBytes } from '../../lib/decode';
import { signal } from '../../lib/test-hooks';
import { paddedRange, samplesPerPeakFor } from './detail-range';

/**
 * The zoomed view's detail (issue 12 defect 7), as Sonic Visualiser does it:
 * the overview (whole track, ~100 peaks/s, ≤ 4096 spectrogram columns) is
 * drawn at once; when the zoom shows more pixels per second than it has
 * columns, the engine computes peaks + spectrogram of the visible range (plus
 * half a screen either side, for panning) at the zoom's resolution
 * (`media:wave-range`, cached there), asked for after the view has been still
 * for DEBOUNCE_MS. Until it comes, and wherever it does not reach, the
 * overview is drawn.
 */
export interface WaveDetail {
  trackId: string;
  sampleRate: number;
  startSample: number;
  endSample: number;
  /** seconds covered by the peaks: startSample / rate … endSample / rate */
  startSec: number;
  endSec: number;
  samplesPerPeak: number;
  min: Float32Array;
  max: Float32Array;
  /** per peak [low, mid, high] band maxima, or null */
  bands: Uint8Array | null;
  hop: number;
  columns: number;
  rows: number;
  floorDb: number;
  /** the spectrogram's Uint8 values, column-major (painted by Spectrogram.svelte with its settings) */
  spectrogram: Uint8Array;
}

const DEBOUNCE_MS = 120;

function toDetail(r: WaveRange): WaveDetail {
  const bytes = base64ToBytes(r.minMax);
  const n = Math.floor(bytes.byteLength / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const min = new Float32Array(n);
  const max = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    min[i] = view.getFloat32(i * 8, true);
    max[i] = view.getFloat32(i * 8 + 4, true);
  }
  const s = r.spectrogram;
  return {
    trackId: r.trackId,
    sampleRate: r.sampleRate,
    startSample: r.startSample,
    endSample: r.endSample,
    startSec: r.startSec,
    endSec: r.endSec,
    samplesPerPeak: r.samplesPerPeak,
    min,
    max,
    bands: r.bands ? base64ToBytes(r.bands) : null,
    hop: s.hop,
    columns: s.columns,
    rows: s.rows,
    floorDb: s.floorDb,
    spectrogram: base64ToBytes(s.data),
  };
}

class Detail {
  /** the last detail computed for the open track (null: none, or it was for another track) */
  data = $state.raw<WaveDetail | null>(null);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private controller: AbortController | null = null;
  private asked = '';

  /**
   * The view changed: ask for detail if the overview is too coarse for it.
   * `overviewColsPerSec`: the overview spectrogram's columns per second;
   * `pxPerSec`: CSS pixels per second of the main waveform (0 = whole track fits).
   */
  follow(trackId: string | null, start: number, end: number, pxPerSec: number, durationSec: number, overviewColsPerSec: number): void {
    if (this.data && this.data.trackId !== trackId) this.data = null;
    const dpr = globalThis.devicePixelRatio || 1;
    const px = pxPerSec * dpr;
    if (!trackId || pxPerSec <= 0 || !(end > start) || px <= overviewColsPerSec) {
      this.cancel();
      return;
    }
    const spp = samplesPerPeakFor(px);
    const d = this.data;
    if (d && d.samplesPerPeak <= spp && d.startSec <= start + 1e-6 && (d.endSec >= end - 1e-6 || d.endSec >= durationSec - 1e-3)) {
      // already detailed enough: a request still pending was for another view (and would replace this with a coarser one)
      this.cancel();
      return;
    }
    const [s, e] = paddedRange(start, end, durationSec);
    const key = `${trackId}:${s.toFixed(3)}:${e.toFixed(3)}:${spp}`;
    if (key === this.asked) return;
    this.cancel();
    this.asked = key;
    this.timer = setTimeout(() => void this.fetch(trackId, s, e, px), DEBOUNCE_MS);
  }

  private async fetch(trackId: string, startSec: number, endSec: number, pixelsPerSec: number): Promise<void> {
    this.timer = null;
    const controller = new AbortController();
    this.controller = controller;
    signal('wave-detail-requested', { trackId, startSec, endSec, pixelsPerSec });
    const t0 = performance.now();
    try {
      const r = await api().call('media:wave-range', { trackId, startSec, endSec, pixelsPerSec }, { signal: controller.signal });
      if (this.controller !== controller) return;
      const answeredMs = performance.now() - t0;
      this.data = toDetail(r);
      signal('wave-detail-loaded', { trackId, startSec: r.startSec, endSec: r.endSec, samplesPerPeak: r.samplesPerPeak, hop: r.spectrogram.hop, columns: r.spectrogram.columns, answeredMs });
    } catch (err) {
      const e = asStudioError(err);
      // a newer view replaced this request, or the track went away: the overview stays
      if (e.code !== 'CANCELLED') signal('wave-detail-failed', { trackId, code: e.code, message: e.message });
      if (this.controller === controller) this.asked = '';
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.controller?.abort();
    this.controller = null;
    this.asked = '';
  }

  /** A new track: nothing of the old one is drawn. */
  reset(): void {
    this.cancel();
    this.data = null;
  }
}

export const detail = new Detail();
