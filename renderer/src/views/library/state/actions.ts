import { flushSync } from 'svelte';
import type { LibraryTrack } from '@contract';
import { safeName } from '../../../lib/safe-name';
import { focusChat, holdChatTyping, typeIntoChat } from '../../../lib/chat-focus';
import { signal } from '../../../lib/test-hooks';
import { connection } from '../../../host/connection.svelte';
import { app } from '../../../shared/state/app.svelte';
import { chat } from '../../../shared/state/chat.svelte';
import { nav } from '../../../shared/state/nav.svelte';
import { recent } from '../../../shared/state/recent.svelte';
import { current } from '../../../shared/state/track.svelte';

/** a library track as the actions take it: its path, and its library folder where that is not there */
export type TrackRef = Pick<LibraryTrack, 'path' | 'folderAbsent'>;

/**
 * The words for a track whose library folder is not there (LibraryTrack.folderAbsent): the table's mark's tooltip and
 * the notice where it is opened, previewed or asked about. The folder's path through safeName (bidi controls shown).
 */
export function absentText(a: NonNullable<LibraryTrack['folderAbsent']>): string {
  return a.status === 'missing'
    ? `Its library folder "${safeName(a.path)}" is missing (an unplugged drive, moved or deleted). The track is kept with its analysis, crates and cues; plug the drive in (or put the folder back) to play it.`
    : `Its library folder "${safeName(a.path)}" cannot be read (its permissions). The track is kept with its analysis, crates and cues; make the folder readable to play it.`;
}

/**
 * Whether `track` cannot be played now because its library folder is not there: then says so (a warning notice,
 * `what` its title: "Cannot open this track") and returns true; false otherwise. Before lib40 such a row looked like
 * any other and opening it failed with "does not exist", the drive unnamed.
 */
export function refuseAbsent(track: TrackRef | undefined, what: string): boolean {
  if (!track?.folderAbsent) return false;
  app.notice(what, absentText(track.folderAbsent), 'warning');
  signal('library-absent-refused', { path: track.path });
  return true;
}

/** Open a library track in the track view (`media:open`); false when it could not be opened (the error is shown). */
export async function openTrack(track: TrackRef): Promise<boolean> {
  const path = track.path;
  if (refuseAbsent(track, 'Cannot open this track')) return false;
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
export async function askAbout(track: TrackRef): Promise<void> {
  const path = track.path;
  if (refuseAbsent(track, 'Cannot ask about this track')) return;
  // the chat drawn now (flushSync) and focused in the click itself, as Ctrl+K: a frame later (requestAnimationFrame)
  // the keys typed straight after the click were lost, or went to the library (ui36)
  flushSync(() => nav.setLibraryChat(true));
  if (current.track?.path === path) {
    // the question box, else (no usable model pack) the chat pane with its note: the focus stayed on this button (tester28)
    focusChat();
  } else {
    // the box is another track's (or off) until this one is open: the pane has the focus meanwhile and keeps what is
    // typed, which goes into this track's box once it is open
    const held = holdChatTyping();
    const ok = await current.open(path);
    const { text, stillThere } = held.release();
    if (!ok) return;
    if (stillThere) {
      flushSync();
      focusChat();
      typeIntoChat(text);
    }
  }
  void recent.load();
  signal('library-ask', { path });
}

/**
 * Use a track's textual features as the chat's input text: the track is
 * opened (the chat is about the open track) and the text goes into its
 * input-text field.
 */
export async function useAsChatInput(track: TrackRef, features: string): Promise<void> {
  if (refuseAbsent(track, 'Cannot open this track')) return;
  // with the chat beside the library, the library stays on screen
  if (!(nav.libraryChat ? await current.open(track.path) : await openTrack(track)) || !current.track) return;
  chat.ensure(current.track);
  chat.attach[current.track.id].inputText = features;
  signal('library-chat-input', { trackId: current.track.id });
  app.notice('Features set as the chat input text', 'They go with your next question about this track (the “Text” attachment in the chat pane).');
}
