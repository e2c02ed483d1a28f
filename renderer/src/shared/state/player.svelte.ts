/**
 * Playback of the open track. One media element (a <video>, which plays audio
 * files too) lives for the whole session; wavesurfer follows it, the video
 * panel shows it for video tracks.
 */
class Player {
  readonly media: HTMLVideoElement;
  currentTime = $state(0);
  /** the stated (audio) duration, probe.durationSec: the waveform's and the ruler's span */
  duration = $state(0);
  /**
   * the element's own length once known, else the picture's as probed (probe.videoDurationSec): longer than `duration`
   * for a video whose audio ends first (left19a); 0 when neither is known
   */
  private mediaLength = $state(0);
  playing = $state(false);
  /** why playing is refused (the open file was deleted), or null */
  locked = $state<string | null>(null);

  constructor() {
    this.media = document.createElement('video');
    this.media.preload = 'auto';
    this.media.playsInline = true;
    this.media.className = 'media';
    const m = this.media;
    m.addEventListener('timeupdate', () => (this.currentTime = m.currentTime));
    m.addEventListener('seeked', () => (this.currentTime = m.currentTime));
    m.addEventListener('play', () => {
      // the file is gone: nothing may claim to play (the element could still play what it buffered)
      if (this.locked) m.pause();
      else this.playing = true;
    });
    m.addEventListener('pause', () => (this.playing = false));
    m.addEventListener('ended', () => (this.playing = false));
    m.addEventListener('durationchange', () => {
      if (!Number.isFinite(m.duration)) return;
      if (!this.duration) this.duration = m.duration;
      this.mediaLength = m.duration;
    });
  }

  private home: HTMLElement | null = null;

  /** Where the element waits (hidden, but in the document) while no video panel shows it. */
  setHome(el: HTMLElement | null): void {
    this.home = el;
    if (el && !this.media.isConnected) el.appendChild(this.media);
  }

  /** Put the element back in its hidden home (a video panel closed). */
  park(): void {
    if (this.home) this.home.appendChild(this.media);
    else this.media.remove();
  }

  /**
   * How far the player can seek, and the readout's total: the longer of the stated (audio) duration and the element's
   * own length (a video whose picture runs past its audio: tester20's "0:07.2 / 0:06.0"). End and ⏭ go there.
   */
  get length(): number {
    return Math.max(this.duration, this.mediaLength) || 0;
  }

  /**
   * Point the element at a track (absolute URL so wavesurfer sees the same src later). `duration`: the stated (audio)
   * one; `pictureSec`: a video's picture length where it runs past the audio (probe.videoDurationSec), the length until
   * the element states its own.
   */
  setSource(url: string | null, duration: number, pictureSec = 0): void {
    this.locked = null;
    this.renewing = null;
    this.media.pause();
    if (url) this.media.src = url;
    else this.media.removeAttribute('src');
    this.media.load();
    this.duration = duration;
    this.mediaLength = pictureSec;
    this.currentTime = 0;
    this.playing = false;
  }

  /**
   * The same media at a new address (web mode: a restarted `studio serve`'s media capability): the element takes `url`
   * and goes on where it was — its time, and playing if it played. Nothing without a source.
   */
  renewSource(url: string | null): void {
    if (!url || !this.hasSource || this.media.src === url) return;
    // where to go on once the element has the new address: a seek or Play/Pause meanwhile updates it (a seek before
    // the element knows its length would be lost)
    const renewing = { at: this.renewing?.at ?? this.media.currentTime, playing: this.renewing?.playing ?? !this.media.paused };
    this.renewing = renewing;
    this.media.src = url;
    this.media.load();
    this.media.addEventListener(
      'loadedmetadata',
      () => {
        if (this.renewing !== renewing) return;
        this.renewing = null;
        this.media.currentTime = renewing.at;
        this.currentTime = renewing.at;
        if (renewing.playing && !this.locked) void this.media.play().catch(() => undefined);
      },
      { once: true },
    );
  }
  /** renewSource's load under way: where to go on, and whether to play */
  private renewing: { at: number; playing: boolean } | null = null;

  get hasSource(): boolean {
    return !!this.media.getAttribute('src');
  }

  /** Stop and refuse to play (`why` is shown by the view) until another source is set. */
  lock(why: string): void {
    this.locked = why;
    this.media.pause();
    this.playing = false;
  }

  toggle(): void {
    if (!this.hasSource || this.locked) return;
    if (this.renewing) {
      this.renewing.playing = !this.renewing.playing;
      return;
    }
    if (this.media.paused) void this.media.play().catch(() => undefined);
    else this.media.pause();
  }

  seek(t: number): void {
    if (!this.hasSource) return;
    // the element's own length where it is longer: a video whose picture runs past its audio (the stated duration,
    // probe.durationSec) seeks to the frames after the audio's end (the filmstrip's)
    const el = Number.isFinite(this.media.duration) ? this.media.duration : 0;
    const d = Math.max(this.length, el) || 0;
    const clamped = Math.max(0, Math.min(d > 0 ? d - 0.001 : 0, t));
    // set the element itself: wavesurfer follows its timeupdate events (its own
    // setTime defers the seek while readyState < 3, which can wait forever when paused)
    this.media.currentTime = clamped;
    this.currentTime = clamped;
    if (this.renewing) this.renewing.at = clamped;
  }

  skip(delta: number): void {
    this.seek(this.media.currentTime + delta);
  }
}

export const player = new Player();
