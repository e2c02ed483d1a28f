import { api } from '../../../host/api';
import { connection } from '../../../host/connection.svelte';
import { signal } from '../../../lib/test-hooks';
import { bpmRange } from '../../../shared/state/bpm-range.svelte';
import { nav } from '../../../shared/state/nav.svelte';
import { detail } from './detail.svelte';
import { folders } from './folders.svelte';
import { crates } from './crates.svelte';
import { scan } from './scan.svelte';
import { table } from './table.svelte';

/** `library:changed` and scan progress refresh what is shown at most this often */
const CHANGED_THROTTLE_MS = 400;

let listening = false;
let timer: ReturnType<typeof setTimeout> | null = null;
let last = 0;
/** a change since the last refresh may concern the track whose detail is shown */
let detailStale = false;

/**
 * Keep the library view live, from the first time it is shown: the engine's
 * scan-state and changed events, a reload after an engine restart, and the
 * first page, the folders and the scan state.
 */
export function startLibrary(): void {
  if (listening) return;
  listening = true;
  const a = api();
  a.on('library:scan-state', (s) => scan.set(s));
  a.on('library:changed', (c) => {
    signal('library-changed', c);
    // the shown track analysed, or rows changed other than by analysis (aliases after a rescan, re-read tags, a move)
    // or left: it may be one of them. A scan's analyses of other tracks alone do not re-read it every 400 ms.
    const shown = detail.track?.track.id;
    const analysed = c.analysed ?? [];
    // zero counts: the BPM range or a crate changed (in another tab or window too) — the tempo shown may fold otherwise
    const told = c.added + c.updated + c.removed === 0;
    if (shown && (told || analysed.includes(shown) || c.removed > 0 || c.updated > analysed.length)) detailStale = true;
    changed();
  });
  a.on('engine:state', (s) => {
    if (s.state === 'ready' && nav.library) void reloadLibrary();
  });
  scan.onRowsChanged = (ended) => {
    if (ended) detailStale = true;
    changed(ended ? 0 : undefined);
  };
  // a new BPM range: every tempo shown is the stored one halved or doubled into it (nothing re-analysed)
  bpmRange.onChanged(() => {
    table.refresh(false);
    const shown = detail.track?.track.id;
    if (shown) void detail.load(shown);
  });
  // the link to studio serve back after a loss (web mode): the rows, folders and scan state may have moved on (a scan
  // ran meanwhile, or serve was restarted); read again where the table is (its actions were disabled meanwhile)
  connection.onReopen(() => {
    changed(0);
    void scan.load();
    // the track asked for last, not the one shown: a row clicked while the link was lost has nothing shown yet
    const wanted = detail.wantedId ?? detail.track?.track.id;
    if (wanted) void detail.load(wanted);
  });
  void reloadLibrary();
}

/** Everything from the engine again: the rows (from the first page), the folders and the scan state. */
export async function reloadLibrary(): Promise<void> {
  table.refresh(true);
  await Promise.all([folders.load(), scan.load(), crates.load()]);
}

/** Refresh the visible rows and the folder counts, throttled (a scan reports often); `delay` 0: now. */
function changed(delay?: number): void {
  if (timer && delay === 0) {
    clearTimeout(timer);
    timer = null;
  }
  if (timer) return;
  const wait = delay ?? Math.max(0, last + CHANGED_THROTTLE_MS - Date.now());
  timer = setTimeout(() => {
    timer = null;
    last = Date.now();
    table.refresh(false);
    // the selected track's detail follows its row: without this it kept what it showed when the row was clicked
    if (detailStale) void detail.refresh();
    detailStale = false;
    void folders.load();
    // a crate's count and length follow its tracks (analysed, gone from the library)
    void crates.load();
  }, wait);
}
