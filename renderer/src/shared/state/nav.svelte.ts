import { signal } from '../../lib/test-hooks';
import { app } from './app.svelte';

/** The views of the window (renderer/src/views/<name>/). */
export type ViewName = 'track' | 'library';

/**
 * Which view the window shows. A view is mounted the first time it is shown
 * and then stays mounted (hidden) so it keeps its scroll position and state.
 */
class Nav {
  view = $state<ViewName>('track');
  /** views shown at least once (mounted) */
  visited = $state<Record<ViewName, boolean>>({ track: true, library: false });
  /** the chat pane beside the library (kept); it is about the open track, which the library's "Ask about it" sets */
  libraryChat = $state(localStorage.getItem('studio.library.chat') === '1');

  /** Show or hide the chat beside the library. */
  setLibraryChat(on: boolean): void {
    this.libraryChat = on;
    localStorage.setItem('studio.library.chat', on ? '1' : '0');
    signal(on ? 'library-chat-shown' : 'library-chat-hidden');
  }

  /**
   * Show a view; emits `library-shown` or `library-hidden` (the tests wait on them). Another view than the one shown
   * is moving on: the error messages about an action go (app.movedOn).
   */
  show(view: ViewName): void {
    if (view !== this.view) app.movedOn();
    this.view = view;
    this.visited[view] = true;
    signal(view === 'library' ? 'library-shown' : 'library-hidden');
  }

  /** Ctrl/⌘+L: between the track view and the library. */
  toggleLibrary(show = this.view !== 'library'): void {
    this.show(show ? 'library' : 'track');
  }

  get library(): boolean {
    return this.view === 'library';
  }
}

export const nav = new Nav();
