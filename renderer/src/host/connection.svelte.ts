import type { StudioErrorData } from '@contract';
import { plainCode } from '../lib/code-spans';
import { offlineText, type LinkState } from './offline-text';

export type { LinkState } from './offline-text';

/**
 * What a call in flight rejects with when the WebSocket to `studio serve` drops (web mode only; the desktop's IPC
 * never drops). One error, known by its code and message, so that every call the drop ends is reported as one
 * message (app.error) and the chat keeps what it showed (chat.svelte.ts) instead of each caller saying it failed.
 */
export const LINK_LOST: StudioErrorData = {
  code: 'ENGINE_UNAVAILABLE',
  message: 'Lost the connection to the studio server while this was running. It reconnects by itself; try again.',
};

/** Whether `e` is the lost link's error (LINK_LOST), not an engine that failed. */
export function isLinkLost(e: StudioErrorData): boolean {
  return e.code === LINK_LOST.code && e.message === LINK_LOST.message;
}

class Connection {
  state = $state<LinkState>('connecting');
  /** reconnect attempts since the link was last open */
  attempt = $state(0);
  /** when the next reconnect attempt happens (ms epoch), while reconnecting */
  retryAt = $state<number | null>(null);
  /** why the link is down, in words */
  reason = $state<string | null>(null);
  /** times the link came back after being lost */
  reconnects = $state(0);
  private reopenListeners = new Set<() => void>();
  private refusedListeners = new Set<(reason: string) => void>();
  private mediaMovedListeners = new Set<() => void>();

  /**
   * Why nothing can be asked of the engine now, in words (web mode: the link to `studio serve` is lost and being
   * retried, or the page has no access token), or null while the link is open or opening for the first time (calls
   * then wait for it). Controls that need the engine are disabled with this as their reason, and what the page shows
   * of the engine (model provider, memory) is marked as last known (left19b: Send stayed enabled while disconnected).
   */
  get offline(): string | null {
    return offlineText(this.state, this.reason);
  }

  /** `offline`, saying in the same sentence what the asking control's pane keeps meanwhile (offlineText's `kept`) */
  offlineKeeping(kept: string): string | null {
    return offlineText(this.state, this.reason, kept);
  }

  /**
   * Call `listener` each time the link opens again after it was lost (not at the first open): what the page read
   * before may be stale (an answer ended, or `studio serve` was restarted), so it is read again.
   * @returns a function that removes the listener
   */
  onReopen(listener: () => void): () => void {
    this.reopenListeners.add(listener);
    return () => this.reopenListeners.delete(listener);
  }

  /** The bridge reports the link open again after a loss (ws-bridge.ts). */
  reopened(): void {
    for (const l of this.reopenListeners) l();
  }

  /**
   * Call `listener` when the server refuses this page's access token while it answers (a `studio serve` restarted
   * with a new one: the link is `closed` and `reason` says which address to open); retrying cannot help.
   * @returns a function that removes the listener
   */
  onRefused(listener: (reason: string) => void): () => void {
    this.refusedListeners.add(listener);
    return () => this.refusedListeners.delete(listener);
  }

  /** The bridge reports the token refused by a server that answers (ws-bridge.ts), `reason` set. */
  refused(reason: string): void {
    for (const l of this.refusedListeners) l(reason);
  }

  /**
   * Call `listener` when the page's media addresses changed (web mode: a restarted `studio serve` gave this page a new
   * media capability; the old one no longer opens media, so a player must take its source again).
   * @returns a function that removes the listener
   */
  onMediaMoved(listener: () => void): () => void {
    this.mediaMovedListeners.add(listener);
    return () => this.mediaMovedListeners.delete(listener);
  }

  /**
   * How many times the page's media addresses changed (mediaMoved). A media address made in a template reads it
   * (`void connection.mediaEpoch`), so the cover, the filmstrip's frames and the like are made again with the new
   * capability — the old addresses answer 401 (tester34: only the open track's player took the new one).
   */
  mediaEpoch = $state(0);

  /** The bridge reports a new media capability where the page had another (ws-bridge.ts). */
  mediaMoved(): void {
    this.mediaEpoch++;
    for (const l of this.mediaMovedListeners) l();
  }
}

export const connection = new Connection();

/** the id of the page's one element that states `connection.offline` (the top bar's), named by every control it disables */
export const OFFLINE_REASON_ID = 'offline-reason';

/**
 * The attributes of a control that needs the engine (the library's Scan, Add folder, Write tags, Export, …; Open…,
 * Recent): while the link is lost it is disabled with the reason on hover (`title`) and in aria (`aria-describedby` →
 * the top bar's OFFLINE_REASON_ID element), as the chat's Send is; otherwise `title`, and disabled while `busy`.
 * Spread it on the element (`{...needsEngine('Scan again', running)}`): it reads `connection.offline`, so the control
 * is enabled again on the reconnect (tester20: the library's actions stayed enabled and failed with one
 * "Lost the connection").
 */
export function needsEngine(title?: string, busy = false): { disabled: boolean; title: string | undefined; 'aria-describedby': string | undefined } {
  const why = connection.offline;
  // a tooltip draws no code: the reason's backticks dropped (ui36)
  return { disabled: busy || !!why, title: why ? plainCode(why) : title, 'aria-describedby': why ? OFFLINE_REASON_ID : undefined };
}
