import { CUE_SLOTS, type BeatGrid, type HotCue, type NamedRegion, type TrackMarks } from '@contract';
import { api, asStudioError } from '../../host/api';
import { signal } from '../../lib/test-hooks';
import { ABOUT, app } from '../../shared/state/app.svelte';
import { player } from '../../shared/state/player.svelte';
import { current } from '../../shared/state/track.svelte';
import { fmtTime } from '../../lib/format';

export { CUE_SLOTS };

/** A loop region (s): playback jumps back to `start` when it reaches `end` while `on`. */
export interface Loop {
  start: number;
  end: number;
  on: boolean;
}

/** Colours of hot cues 1–8 (rekordbox's hot cue palette order). */
export const CUE_COLOURS = ['#2ecc71', '#e74c3c', '#f39c12', '#3498db', '#9b59b6', '#1abc9c', '#e67e22', '#f1c40f'];

/** how far past the loop's end playback may be and still be taken back (s): a seek further on leaves the loop */
const LOOP_CATCH_SEC = 0.3;

/**
 * The open track's marks (issue 12, the gaps to Mixxx and rekordbox): the
 * beat grid (media:beats), hot cues 1–8, named regions and the loop (marks:*,
 * kept per track in the studio database: the loop comes back, on or off, when
 * the track is opened again or the page reloads).
 */
class Marks {
  grid = $state.raw<BeatGrid | null>(null);
  /** 'none': neither the library nor the cache has the track's beats (analyse() finds them) */
  gridState = $state<'idle' | 'looking' | 'running' | 'done' | 'none' | 'error'>('idle');
  gridMessage = $state<string | null>(null);
  /** how far analyse() is (0–1, the engine's progress of media:beats), null before its first report */
  gridFraction = $state<number | null>(null);
  cues = $state.raw<HotCue[]>([]);
  regions = $state.raw<NamedRegion[]>([]);
  loop = $state<Loop | null>(null);
  /** a loop-in point set with I, waiting for its loop-out */
  loopIn = $state<number | null>(null);
  private trackId: string | null = null;
  private controller: AbortController | null = null;
  private raf = 0;

  /** A track was opened (or closed): forget the last one's marks, read this one's. */
  async load(trackId: string | null): Promise<void> {
    if (trackId === this.trackId) return;
    this.trackId = trackId;
    this.controller?.abort();
    this.controller = null;
    this.grid = null;
    this.gridState = 'idle';
    this.gridMessage = null;
    this.gridFraction = null;
    this.cues = [];
    this.regions = [];
    this.showLoop(null);
    this.loopIn = null;
    if (!trackId) return;
    try {
      const m = await api().call('marks:list', { trackId });
      this.apply(m);
      if (m.trackId === this.trackId && m.loop) this.showLoop({ start: m.loop.startSec, end: m.loop.endSec, on: m.loop.on });
    } catch (err) {
      if (this.trackId === trackId) app.error(err, 'Could not read the track\'s cues and regions');
    }
  }

  /**
   * The beat grid the library (or an earlier analysis) has for the track, once
   * per track, called when the waveform is drawn. Nothing is decoded for it: a
   * track without one gets 'none', and analyse() runs the tempo analyser (in
   * the engine's worker thread) when asked — so opening a track never starts a
   * second decode that competes with the waveform.
   */
  loadGrid(trackId: string): Promise<void> {
    if (trackId !== this.trackId || this.gridState !== 'idle') return Promise.resolve();
    return this.fetchGrid(trackId, false);
  }

  /** Find the open track's beats (the tempo analyser, a few seconds per track), when it has none yet. */
  analyse(): Promise<void> {
    const id = this.trackId;
    if (!id || this.gridState === 'running' || this.gridState === 'looking' || this.gridState === 'done') return Promise.resolve();
    return this.fetchGrid(id, true);
  }

  /**
   * Stop finding the beats (analyse() on a long mix takes minutes): the engine's
   * media:beats is cancelled and Find beats is offered again ('none').
   */
  cancelGrid(): void {
    if (this.gridState !== 'running') return;
    this.controller?.abort();
    this.controller = null;
    this.gridState = 'none';
    this.gridFraction = null;
    signal('beats-cancelled', { trackId: this.trackId });
  }

  private async fetchGrid(trackId: string, analyse: boolean): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    this.gridState = analyse ? 'running' : 'looking';
    this.gridFraction = null;
    const onProgress = (p: { fraction?: number }) => {
      if (this.trackId === trackId && !controller.signal.aborted && typeof p.fraction === 'number') this.gridFraction = p.fraction;
    };
    try {
      const g = await api().call('media:beats', { trackId, analyse }, { signal: controller.signal, onProgress });
      if (this.trackId !== trackId) return;
      this.grid = g;
      this.gridState = g.source === 'none' ? 'none' : 'done';
      signal('beats-loaded', { trackId, beats: g.beats.length, beatsPerBar: g.beatsPerBar, downbeat: g.downbeat, firstDownbeat: g.downbeat === null ? null : (g.beats[g.downbeat] ?? null), bpm: g.bpm, bpmConfidence: g.bpmConfidence, source: g.source });
    } catch (err) {
      if (this.trackId !== trackId || controller.signal.aborted) return;
      this.gridState = 'error';
      this.gridMessage = asStudioError(err).message;
    }
  }

  private apply(m: TrackMarks): void {
    if (m.trackId !== this.trackId) return;
    this.cues = m.cues;
    this.regions = m.regions;
    signal('marks-changed', { trackId: m.trackId, cues: m.cues, regions: m.regions });
  }

  /** Run a marks:* write for the open track and show its marks; false (and an error toast) when it failed. */
  private async write(what: string, work: (trackId: string) => Promise<TrackMarks>): Promise<boolean> {
    const id = this.trackId;
    if (!id) return false;
    try {
      this.apply(await work(id));
      return true;
    } catch (err) {
      app.error(err, `Could not ${what}`);
      return false;
    }
  }

  cue(slot: number): HotCue | undefined {
    return this.cues.find((c) => c.slot === slot);
  }

  /** Hot cue `slot`, as on a DJ controller: jump to it when set, else set it at the playhead. */
  hotCue(slot: number): void {
    const c = this.cue(slot);
    if (c) {
      player.seek(c.timeSec);
      signal('cue-jumped', { slot, timeSec: c.timeSec });
    } else void this.setCue(slot, player.currentTime);
  }

  setCue(slot: number, timeSec: number): Promise<boolean> {
    return this.write('set the cue', (trackId) => api().call('marks:set-cue', { trackId, slot, timeSec: Math.max(0, timeSec) }));
  }

  deleteCue(slot: number): Promise<boolean> {
    return this.write('delete the cue', (trackId) => api().call('marks:delete-cue', { trackId, slot }));
  }

  /** Keep the selected region under a name ("Region N" unless given). */
  saveRegion(range: [number, number] | null = current.region, name?: string): Promise<boolean> {
    // N with nothing selected did nothing at all (tester27): say what it needs
    if (!range) return (this.cannot('No region to keep', 'Drag on the waveform to select a region first, then N (or Keep) keeps it.'), Promise.resolve(false));
    let n = this.regions.length + 1;
    while (this.regions.some((r) => r.name === `Region ${n}`)) n++;
    return this.write('keep the region', (trackId) => api().call('marks:save-region', { trackId, name: name ?? `Region ${n}`, startSec: range[0], endSec: range[1] }));
  }

  renameRegion(r: NamedRegion, name: string): Promise<boolean> {
    const clean = name.trim();
    if (!clean || clean === r.name) return Promise.resolve(false);
    return this.write('rename the region', (trackId) => api().call('marks:save-region', { trackId, id: r.id, name: clean.slice(0, 100), startSec: r.startSec, endSec: r.endSec }));
  }

  deleteRegion(r: NamedRegion): Promise<boolean> {
    return this.write('delete the region', (trackId) => api().call('marks:delete-region', { trackId, id: r.id }));
  }

  /** A named region becomes the selection: drawn, attached to chat questions (the model's region). */
  selectRegion(r: NamedRegion): void {
    current.region = [r.startSec, r.endSec];
    player.seek(r.startSec);
    signal('named-region-selected', { id: r.id, name: r.name, start: r.startSec, end: r.endSec });
  }

  /** I: the loop starts at the playhead (its end comes with O). */
  markLoopIn(): void {
    this.loopIn = player.currentTime;
    signal('loop-in', { start: this.loopIn });
  }

  /** O: the loop ends at the playhead and plays (from the loop-in point, or the loop's start). */
  markLoopOut(): void {
    const start = this.loopIn ?? this.loop?.start ?? null;
    const end = player.currentTime;
    // Out (O) pressed first, or at or before the loop's start, did nothing at all (tester27): say why
    if (start === null) return this.cannot('No loop start', 'Set where the loop starts first: In (I) at the playhead, then Out (O) where it ends.');
    if (end - start < 0.05) return this.cannot('The loop would end before it starts', `Its start is at ${fmtTime(start, true)}: move the playhead past it, then Out (O).`);
    this.loopIn = null;
    this.setLoop({ start, end, on: true });
  }

  /** L: loop the selected region; without one, switch the last loop on or off (reloop). */
  toggleLoop(range: [number, number] | null = current.region): void {
    const l = this.loop;
    if (range && (!l || Math.abs(l.start - range[0]) > 1e-3 || Math.abs(l.end - range[1]) > 1e-3)) {
      this.setLoop({ start: range[0], end: range[1], on: true });
      if (player.currentTime < range[0] || player.currentTime > range[1]) player.seek(range[0]);
    } else if (l) this.setLoop({ ...l, on: !l.on });
    else this.cannot('Nothing to loop', 'Drag on the waveform to select a region, then L; or set a loop with In (I) and Out (O).');
  }

  /** A marking key or button that cannot act now says why (a notice), instead of doing nothing. */
  private cannot(title: string, message: string): void {
    app.notice(title, message, 'warning', ABOUT.trackTool);
  }

  /** The loop is now `l` (null: none): drawn, played round while on, and kept for the track. */
  setLoop(l: Loop | null): void {
    this.showLoop(l);
    // the engine's answer is not applied back: a quick L L L must not flip the loop while answers arrive
    void this.write('keep the loop', (trackId) =>
      api().call('marks:set-loop', { trackId, loop: l ? { startSec: Math.max(0, l.start), endSec: l.end, on: l.on } : null }),
    ).then((ok) => ok && signal('loop-kept', l ? { ...l } : null));
  }

  private showLoop(l: Loop | null): void {
    this.loop = l;
    cancelAnimationFrame(this.raf);
    this.raf = 0;
    if (l) signal('loop-changed', { ...l });
    if (l?.on) this.watchLoop();
  }

  /** while the loop is on: each frame, a playhead just past the end goes back to the start */
  private watchLoop(): void {
    const tick = () => {
      const l = this.loop;
      if (!l?.on) return;
      const t = player.media.currentTime;
      if (!player.media.paused && t >= l.end && t < l.end + LOOP_CATCH_SEC) {
        player.seek(l.start);
        signal('loop-wrapped', { from: t, to: l.start });
      }
      this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }
}

export const marks = new Marks();
