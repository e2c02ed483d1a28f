import type { Filmstrip, Progress, Track } from '@contract';
import { safeName } from '../../lib/safe-name';
import { api, asStudioError } from '../../host/api';
import { connection } from '../../host/connection.svelte';
import { peaksToChannels, base64ToBytes } from '../../lib/decode';
import { signal } from '../../lib/test-hooks';
import { ABOUT, app } from './app.svelte';
import { player } from './player.svelte';

export type JobName = 'peaks' | 'spectrogram' | 'filmstrip';
export interface Job {
  state: 'idle' | 'running' | 'done' | 'error' | 'cancelled';
  stage?: string;
  fraction?: number;
  message?: string;
  /** an error that may go away when the job runs again (the engine crashed or was out of reach, a decode stalled): offer Retry */
  retry?: boolean;
}

/** Error codes after which running a job again can succeed. */
const RETRYABLE = new Set(['ENGINE_CRASHED', 'ENGINE_UNAVAILABLE', 'DECODE_FAILED', 'INTERNAL']);

export interface PeaksData {
  trackId: string;
  channels: [Float32Array, Float32Array];
  /** per peak [low, mid, high] band maxima (Peaks.bands), for the frequency-coloured waveform */
  bands: Uint8Array | null;
  durationSec: number;
  warning?: string;
}

export interface SpectrogramData {
  trackId: string;
  bytes: Uint8Array;
  columns: number;
  rows: number;
  durationSec: number;
  maxFreqHz: number;
  /** dB of byte 0 (255 = 0 dBFS) */
  floorDb: number;
}

const FILMSTRIP_FRAMES = 24;
const idle = (): Job => ({ state: 'idle' });

/** The open track and what the engine computed for it. */
class TrackState {
  track = $state<Track | null>(null);
  opening = $state<string | null>(null);
  /** set when the open file was deleted or replaced on disk */
  gone = $state<string | null>(null);
  peaks = $state.raw<PeaksData | null>(null);
  spectrogram = $state.raw<SpectrogramData | null>(null);
  filmstrip = $state.raw<Filmstrip | null>(null);
  /** the region selected on the waveform (seconds), attached to chat questions */
  region = $state<[number, number] | null>(null);
  jobs = $state<Record<JobName, Job>>({ peaks: idle(), spectrogram: idle(), filmstrip: idle() });
  private controllers = new Map<JobName, AbortController>();
  private openSeq = 0;

  /** Listen for host events about the open file. */
  listen(): void {
    api().on('media:file-gone', (e) => {
      if (e.trackId !== this.track?.id) return;
      this.gone = e.message;
      player.lock(e.message);
      signal('file-gone', e);
    });
    // a restarted `studio serve` gave the page new media addresses: the open track's player takes its own again (the
    // cover's address follows connection.mediaEpoch); a video's filmstrip is asked of the new serve, which serves only
    // the frames it was asked for (403 before: "This thumbnail was not made in this web session"), from its cache
    connection.onMediaMoved(() => {
      if (!this.track) return;
      player.renewSource(this.playableUrl);
      if (this.filmstrip && this.filmstrip.trackId === this.track.id) void this.run('filmstrip');
      signal('media-moved', { trackId: this.track.id });
    });
  }

  get playableUrl(): string | null {
    if (!this.track) return null;
    return new URL(api().mediaUrl('playable', this.track.id), window.location.href).href;
  }

  /**
   * The open track's cover's address, or null without one; made again when a restarted `studio serve` gives the page
   * new media addresses (connection.mediaEpoch: the old one answers 401).
   */
  get coverUrl(): string | null {
    void connection.mediaEpoch;
    const t = this.track;
    if (!t || t.cover === 'none') return null;
    return `${api().mediaUrl('cover', t.id)}?v=${t.coverVersion}`;
  }

  /**
   * A filmstrip frame's address. Not made again by connection.mediaEpoch: a restarted `studio serve` serves only the
   * frames of filmstrips asked of it (fs/roots.ts guardPaths), so the filmstrip is asked again (listen) and its new
   * `frames` make the addresses anew.
   */
  frameUrl(frameId: string): string {
    return api().mediaUrl('frame', frameId);
  }

  /** Open a file by absolute path. Failures are shown and leave the current track as it was. */
  async open(path: string): Promise<boolean> {
    const seq = ++this.openSeq;
    this.opening = path;
    signal('track-opening', { path });
    try {
      const t = await api().call('media:open', { path });
      app.resolved(ABOUT.open(path));
      if (seq !== this.openSeq) return false;
      this.show(t);
      return true;
    } catch (err) {
      if (seq === this.openSeq) app.error(err, `Could not open ${safeName(baseName(path))}`, ABOUT.open(path));
      signal('track-open-failed', { path, code: asStudioError(err).code });
      return false;
    } finally {
      if (seq === this.openSeq) this.opening = null;
    }
  }

  private show(t: Track): void {
    this.reset(t);
    player.setSource(this.playableUrl, t.probe.durationSec, t.probe.videoDurationSec ?? 0);
    signal('track-opened', { trackId: t.id, kind: t.kind, path: t.path });
    void this.run('peaks');
    void this.run('spectrogram');
    if (t.kind === 'video') void this.run('filmstrip');
  }

  /** Cancel the open track's jobs and forget what was drawn: the state of `t` (or of none) before its first job. */
  private reset(t: Track | null): void {
    // a track tool's "cannot act" (No region to keep, …) is about the track it was pressed on: it goes with that track,
    // as it goes with the view (movedOn) — it stayed over the next track for its 12 s (ui36, tester36)
    if (t?.id !== this.track?.id) app.resolved(ABOUT.trackTool);
    for (const c of this.controllers.values()) c.abort();
    this.controllers.clear();
    this.track = t;
    this.gone = null;
    this.peaks = null;
    this.spectrogram = null;
    this.filmstrip = null;
    this.region = null;
    this.jobs = { peaks: idle(), spectrogram: idle(), filmstrip: idle() };
  }

  /** Close the open track (its file is gone, or the person is done with it): the empty view again. */
  close(): void {
    this.openSeq++;
    const id = this.track?.id;
    this.reset(null);
    player.setSource(null, 0);
    signal('track-closed', { trackId: id });
  }

  cancel(job: JobName): void {
    this.controllers.get(job)?.abort();
  }

  /** Compute (or fetch from the engine's cache) one of the track's views. */
  async run(job: JobName): Promise<void> {
    const t = this.track;
    if (!t) return;
    this.controllers.get(job)?.abort();
    const controller = new AbortController();
    this.controllers.set(job, controller);
    this.jobs[job] = { state: 'running', stage: 'starting' };
    const onProgress = (p: Progress) => {
      if (this.track?.id === t.id && this.controllers.get(job) === controller) {
        this.jobs[job] = { state: 'running', stage: p.stage, fraction: p.fraction, message: p.message };
      }
    };
    const opts = { signal: controller.signal, onProgress };
    try {
      if (job === 'peaks') {
        const p = await api().call('media:peaks', { trackId: t.id }, opts);
        if (this.track?.id !== t.id) return;
        this.peaks = { trackId: t.id, channels: peaksToChannels(p.minMax), bands: p.bands ? base64ToBytes(p.bands) : null, durationSec: p.durationSec || t.probe.durationSec, warning: p.warning };
        if (p.warning) app.notice('Part of the file could not be decoded', p.warning, 'warning');
      } else if (job === 'spectrogram') {
        const s = await api().call('media:spectrogram', { trackId: t.id }, opts);
        if (this.track?.id !== t.id) return;
        this.spectrogram = {
          trackId: t.id,
          bytes: base64ToBytes(s.data),
          columns: s.columns,
          rows: s.rows,
          durationSec: s.durationSec || t.probe.durationSec,
          maxFreqHz: s.maxFreqHz,
          floorDb: s.floorDb,
        };
      } else {
        const f = await api().call('media:filmstrip', { trackId: t.id, count: FILMSTRIP_FRAMES }, opts);
        if (this.track?.id !== t.id) return;
        this.filmstrip = f;
      }
      if (this.controllers.get(job) === controller) this.jobs[job] = { state: 'done' };
      signal(`${job}-loaded`, { trackId: t.id });
    } catch (err) {
      if (this.track?.id !== t.id || this.controllers.get(job) !== controller) return;
      const e = asStudioError(err);
      if (e.code === 'CANCELLED') {
        this.jobs[job] = { state: 'cancelled', message: 'Cancelled.' };
        signal(`${job}-cancelled`, { trackId: t.id });
      } else {
        this.jobs[job] = { state: 'error', message: e.message, retry: RETRYABLE.has(e.code) };
        // the file gone while it was decoded: the banner says so once (with Locate… and Close), not a toast per view
        if (!(e.code === 'FILE_CHANGED' && this.gone)) app.error(e, `Could not compute the ${job === 'peaks' ? 'waveform' : job}`);
      }
    } finally {
      if (this.controllers.get(job) === controller) this.controllers.delete(job);
    }
  }

  async setCover(imagePath: string | null): Promise<void> {
    const t = this.track;
    if (!t) return;
    try {
      const updated = await api().call('media:set-cover', { trackId: t.id, imagePath });
      if (this.track?.id === updated.id) this.track = updated;
      signal('cover-changed', { trackId: t.id, cover: updated.cover });
    } catch (err) {
      app.error(err, imagePath ? 'Could not attach the cover' : 'Could not switch to the embedded art');
    }
  }
}

export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

export const current = new TrackState();
