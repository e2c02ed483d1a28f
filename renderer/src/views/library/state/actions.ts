import { focusChat } from '../../../lib/chat-focus';
import { signal } from '../../../lib/test-hooks';
import { connection } from '../../../host/connection.svelte';
import { app } from '../../../shared/state/app.svelte';
import { chat } from '../../../shared/state/chat.svelte';
import { nav } from '../../../shared/state/nav.svelte';
import { recent } from '../../../shared/state/recent.svelte';
import { current } from '../../../shared/state/track.svelte';

/** Open a library track in the track view (`media:open`); false when it could not be opened (the error is shown). */
export async function openTrack(path: string): Promise<boolean> {
  // Enter or a double click on a row while the link is lost (web mode): say why, as Ctrl+O does, instead of a failure
  if (connection.offline) {
    app.notice('Cannot open a track now', connection.offline, 'warning');
    return false;
  }
  const ok = await current.open(path);
  void recent.load();
  if (ok) nav.toggleLibrary(false);
  return ok;
}

/**
 * Ask about a library track without leaving the library: the chat comes out
 * beside it and is about this track (it is opened, as for the track view),
 * with the question box focused (the chat pane where the box is off).
 */
export async function askAbout(path: string): Promise<void> {
  nav.setLibraryChat(true);
  if (current.track?.path !== path && !(await current.open(path))) return;
  void recent.load();
  // the question box, else (no usable model pack) the chat pane with its note: the focus stayed on this button (tester28)
  requestAnimationFrame(() => focusChat());
  signal('library-ask', { path });
}

/**
 * Use a track's textual features as the chat's input text: the track is
 * opened (the chat is about the open track) and the text goes into its
 * input-text field.
 */
export async function useAsChatInput(path: string, features: string): Promise<void> {
  // with the chat beside the library, the library stays on screen
  if (!(nav.libraryChat ? await current.open(path) : await openTrack(path)) || !current.track) return;
  chat.ensure(current.track);
  chat.attach[current.track.id].inputText = features;
  signal('library-chat-input', { trackId: current.track.id });
  app.notice('Features set as the chat input text', 'They go with your next question about this track (the “Text” attachment in the chat pane).');
}
