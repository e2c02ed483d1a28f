import { connection } from './connection.svelte';
import { createWebSocketBridge } from './ws-bridge';

/**
 * The desktop preload defines window.studio before any script runs. When it is
 * missing we are a web page served by `studio serve`: install the WebSocket
 * implementation of the same interface.
 */
export function installHostBridge(): 'desktop' | 'web' {
  if (window.studio) {
    connection.state = 'open';
    return window.studio.mode;
  }
  const bridge = createWebSocketBridge();
  Object.defineProperty(window, 'studio', { value: Object.freeze(bridge), writable: false, configurable: false });
  return 'web';
}
