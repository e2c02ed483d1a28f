import { signal } from './lib/test-hooks';
import { chat, type AttachChoice } from './shared/state/chat.svelte';
import { markdown } from './shared/state/markdown.svelte';
import { nav, type ViewName } from './shared/state/nav.svelte';
import { player } from './shared/state/player.svelte';
import { current } from './shared/state/track.svelte';
import { table, type SortColumn, type SortDir } from './views/library/state/table.svelte';
import { crates } from './views/library/state/crates.svelte';
import { emptyForm, type FilterForm } from './lib/library-filter';
import { zoom } from './views/track/zoom.svelte';

/** localStorage key of the working session (per origin: one per `studio serve` port, one for the desktop app). */
export const SESSION_KEY = 'studio.session.v1';

/**
 * What a reload (or the next start) puts back: the view, the open track and
 * where the playhead was, the zoom and the time at the waveform's left edge,
 * the selected region, the chat attachments chosen for the track, the question
 * being typed about it and where its thread was scrolled, the library's sort, filter and scroll position. Chat threads and answers are
 * the engine's (SQLite); this is only the page's own state.
 */
export interface SavedSession {
  view: ViewName;
  track: { path: string; id: string } | null;
  /** playhead (s) */
  time: number;
  /** wavesurfer minPxPerSec (0 = whole track) and the view's left edge (s) */
  zoom: { pxPerSec: number; start: number };
  region: [number, number] | null;
  attach: AttachChoice | null;
  /** `crate`: the crate shown (crates21), with its own sort; the table shows it again unless it was deleted meanwhile */
  library: { sort: { column: SortColumn; dir: SortDir }; form: FilterForm; scrollTop: number; crate?: { id: string; sort: { column: SortColumn; dir: SortDir } } | null };
  /** the open track's unsent question (chat.drafts), saved as it is typed: back after a reload or a crashed window */
  draft?: string;
  /** the open track's chat thread: its scroll position (px), and whether it was at its end (then it opens at the end, newest answer in view) */
  chat?: { trackId: string; scrollTop: number; atEnd: boolean } | null;
}

function read(): SavedSession | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as SavedSession;
    return s && typeof s === 'object' && (s.view === 'track' || s.view === 'library') ? s : null;
  } catch {
    return null;
  }
}

/** the element whose scroll position is kept (`data-keep-scroll="name"`) */
function scroller(name: string): HTMLElement | null {
  return document.querySelector(`[data-keep-scroll="${name}"]`);
}

let restoring = false;
/**
 * false until restoreSession() has run: nothing is saved before, or a page
 * whose engine answers slowly (busy writing an answer) would store its empty
 * start-up state over the session it is about to restore
 */
let restored = false;
let lastLibraryScroll = 0;
let lastChatScroll: SavedSession['chat'] = null;

/** the chat thread's scroll position now (kept while it is shown) */
function chatScroll(): SavedSession['chat'] {
  const el = scroller('chat');
  const t = current.track;
  if (el && t && el.clientHeight > 0) lastChatScroll = { trackId: t.id, scrollTop: el.scrollTop, atEnd: el.scrollHeight - el.scrollTop - el.clientHeight < 40 };
  return lastChatScroll && lastChatScroll.trackId === t?.id ? lastChatScroll : null;
}

/** The session as it is now. */
function snapshot(): SavedSession {
  const t = current.track;
  const lib = scroller('library');
  if (lib && nav.view === 'library') lastLibraryScroll = lib.scrollTop;
  return {
    view: nav.view,
    track: t ? { path: t.path, id: t.id } : null,
    time: player.currentTime,
    zoom: { pxPerSec: zoom.pxPerSec, start: zoom.view.start },
    region: current.region ? [current.region[0], current.region[1]] : null,
    attach: t && chat.attach[t.id] ? { ...chat.attach[t.id] } : null,
    draft: (t && chat.drafts[t.id]) || undefined,
    // the library's own sort, not a crate's (crate order means nothing outside its crate)
    library: { sort: { ...table.librarySort }, form: { ...table.form }, scrollTop: lastLibraryScroll, crate: table.crateId ? { id: table.crateId, sort: { ...table.sort } } : null },
    chat: chatScroll(),
  };
}

function save(): void {
  if (restoring || !restored) return;
  try {
    localStorage.setItem(SESSION_KEY, JSON.stringify(snapshot()));
  } catch {
    // storage full or refused (private mode): the session is simply not kept
  }
}

/** Wait until `ok()` holds (checked every frame), at most `ms`; resolves with whether it held. */
function until(ok: () => boolean, ms: number): Promise<boolean> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const tick = () => {
      if (ok()) return resolve(true);
      if (performance.now() - t0 > ms) return resolve(false);
      requestAnimationFrame(tick);
    };
    tick();
  });
}

/**
 * Keep the session: saved (debounced) whenever one of its parts changes (the
 * playhead each whole second, at a pause or a seek), and when the page goes
 * away (pagehide: the exact playhead and the scroll positions).
 * Call once, from the root component (it creates effects).
 */
export function keepSession(): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  $effect(() => {
    // read what is kept, so the effect reruns when it changes
    void nav.view;
    void current.track?.id;
    void zoom.pxPerSec;
    void zoom.view.start;
    void current.region;
    const t = current.track;
    if (t) void JSON.stringify(chat.attach[t.id] ?? null);
    if (t) void chat.drafts[t.id];
    // the playhead as it moves (each whole second played, a pause, a seek): a crash, a kill or a power cut fires no
    // pagehide, and the window came back where the last other change had left it (crash34)
    void player.playing;
    void Math.floor(player.currentTime);
    void table.sort.column;
    void table.sort.dir;
    void JSON.stringify(table.form);
    clearTimeout(timer);
    timer = setTimeout(save, 250);
  });
  const onHide = () => save();
  const onScroll = (e: Event) => {
    const el = e.target as HTMLElement | null;
    if (el?.dataset?.keepScroll === 'library' && nav.view === 'library') lastLibraryScroll = el.scrollTop;
    if (el?.dataset?.keepScroll === 'chat') chatScroll();
  };
  $effect(() => {
    window.addEventListener('pagehide', onHide);
    document.addEventListener('scroll', onScroll, true);
    return () => {
      window.removeEventListener('pagehide', onHide);
      document.removeEventListener('scroll', onScroll, true);
    };
  });
}

/**
 * Put the saved session back (after a reload): reopen the track (a file that
 * is gone is reported as when opening it), then its playhead, zoom, scroll,
 * region and attachments; the view; the library's sort, filter, crate shown and scroll.
 * Emits `session-restored` with what was put back (the tests wait on it).
 */
export async function restoreSession(): Promise<void> {
  const s = read();
  if (!s) {
    restored = true;
    signal('session-restored', { track: null, view: nav.view });
    return;
  }
  restoring = true;
  const done: Record<string, unknown> = {};
  try {
    if (s.library) {
      table.sort = { ...s.library.sort };
      table.form = { ...emptyForm(), ...s.library.form };
      table.applyForm();
      // the crate shown, unless the crates are known already and it is not among them (crates.load() leaves a crate
      // deleted meanwhile when they arrive)
      const c = s.library.crate;
      if (c?.id && (!crates.loaded || crates.list.some((x) => x.id === c.id))) {
        table.showCrate(c.id, c.sort);
        done.crate = c.id;
      }
      lastLibraryScroll = s.library.scrollTop ?? 0;
    }
    if (s.view === 'library') nav.show('library');
    if (s.track && (await current.open(s.track.path)) && current.track) {
      const id = current.track.id;
      if (s.attach) chat.attach[id] = { ...s.attach };
      // (a question typed meanwhile in this page is not replaced)
      if (typeof s.draft === 'string' && s.draft && !chat.drafts[id]) chat.drafts[id] = s.draft;
      done.track = current.track.path;
      // however long the waveform takes (a slow machine, a long file): no time limit, only another
      // track opened or the waveform failing gives up putting the playhead, zoom and region back
      const drawn = () => zoom.ready && current.peaks?.trackId === id;
      const given = () => current.track?.id !== id || current.jobs.peaks.state === 'error' || current.jobs.peaks.state === 'cancelled';
      if ((await until(() => drawn() || given(), Infinity)) && drawn()) {
        if (s.time > 0) player.seek(s.time);
        if (s.zoom?.pxPerSec > 0) await zoom.restore(s.zoom.pxPerSec, s.zoom.start);
        if (s.region && s.region[1] > s.region[0]) current.region = [s.region[0], s.region[1]];
        done.zoom = zoom.pxPerSec;
        done.start = zoom.view.start;
        done.region = current.region;
        done.time = player.currentTime;
      }
      // the chat where it was read (an answer at the end opens at the end anyway)
      const c = s.chat;
      if (c && c.trackId === id && !c.atEnd && c.scrollTop > 0) {
        // the answers as they were read: drawn by the Markdown renderer, a chunk fetched after first paint. Before it
        // arrives they are plain text of another height; a position set then moved when it came (scroll anchoring:
        // 1135 for 1117, on a loaded machine). Without it (the chunk refused) the plain text is what is shown.
        await markdown.load().catch(() => undefined);
        await until(() => {
          const el = scroller('chat');
          return !!chat.threads[id] && !!el && el.scrollHeight - el.clientHeight >= c.scrollTop;
        }, 10_000);
        // the answers' Markdown blocks may still be laid out: set the position once the thread's height has held
        // for 10 frames (at most 2 s), or a block drawn later above it moves what is shown
        let height = -1;
        let held = 0;
        await until(() => {
          const h = scroller('chat')?.scrollHeight ?? 0;
          held = h === height ? held + 1 : 0;
          height = h;
          return held >= 10;
        }, 2_000);
        const el = scroller('chat');
        if (el) {
          el.scrollTop = c.scrollTop;
          el.dispatchEvent(new Event('scroll'));
          done.chatScroll = el.scrollTop;
        }
      }
    }
    if (s.view === 'library' && lastLibraryScroll > 0) {
      const want = lastLibraryScroll;
      // the rows arrive page by page: wait until the table is tall enough to scroll there
      await until(() => {
        const el = scroller('library');
        return !!el && el.scrollHeight - el.clientHeight >= want;
      }, 10_000);
      const el = scroller('library');
      if (el) {
        el.scrollTop = want;
        el.dispatchEvent(new Event('scroll'));
        done.libraryScroll = el.scrollTop;
      }
    }
  } finally {
    restoring = false;
    restored = true;
    done.view = nav.view;
    signal('session-restored', done);
  }
}
