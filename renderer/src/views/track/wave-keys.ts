import { shortcutLetter } from '../../lib/shortcut-letter';
import { marks, CUE_SLOTS } from './marks.svelte';

/**
 * The track view's marking keys (App.svelte's key handler passes them on; the
 * list the help shows is lib/shortcuts.ts), as Mixxx's and rekordbox's:
 * 1–8 hot cue (jump, or set when empty), Shift+1–8 delete it; I / O loop in /
 * out at the playhead; L loop the selection or switch the loop on/off;
 * N keep the selection as a named region. Returns whether the key was one of these.
 */
export function trackMarkKey(e: KeyboardEvent): boolean {
  const digit = /^Digit([1-9])$/.exec(e.code);
  if (digit) {
    const slot = Number(digit[1]);
    if (slot > CUE_SLOTS) return false;
    if (e.shiftKey) void marks.deleteCue(slot);
    else marks.hotCue(slot);
    return true;
  }
  if (e.shiftKey) return false;
  // on a layout of another script the key's place (lib/shortcut-letter.ts)
  switch (shortcutLetter(e)) {
    case 'i':
      marks.markLoopIn();
      return true;
    case 'o':
      marks.markLoopOut();
      return true;
    case 'l':
      marks.toggleLoop();
      return true;
    case 'n':
      void marks.saveRegion();
      return true;
    default:
      return false;
  }
}
