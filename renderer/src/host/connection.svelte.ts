/**
 * The state of the link to the host. On the desktop the preload's IPC is
 * always there; in web mode the WebSocket to `studio serve` can drop and
 * reconnect, and the top bar shows that.
 */
export type LinkState = 'connecting' | 'open' | 'reconnecting' | 'closed';

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
}

export const connection = new Connection();
