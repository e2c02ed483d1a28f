/**
 * The state of the link to the host. On the desktop the preload's IPC is always there; in web mode the WebSocket to
 * `studio serve` can drop and reconnect, and the top bar shows that. (Here, not in the runes module connection.svelte.ts,
 * which re-exports it: tests and tsc load this module without Svelte.)
 */
export type LinkState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** what every reason starts with while the link to `studio serve` is lost and retried (the top bar says more) */
const RECONNECTING = 'Not connected to the studio server (see the top bar): it reconnects by itself';

/**
 * Why nothing can be asked of the engine now, in words (connection.offline), or null while the link is open or
 * opening for the first time. `kept`: what the asking control's pane keeps meanwhile, said in the same sentence while
 * the link is retried (the chat's Send: "what you typed stays here") — not after a closed link's own reason (no access
 * token), which says what to do instead. The one source of these words (the chat joined its clause to the connection's
 * sentence by a string replace of its full stop). Pure.
 */
export function offlineText(state: LinkState, reason: string | null, kept?: string): string | null {
  if (state === 'reconnecting') return kept ? `${RECONNECTING}, and ${kept}.` : `${RECONNECTING}.`;
  if (state === 'closed') return reason ?? 'Not connected to the studio server.';
  return null;
}
