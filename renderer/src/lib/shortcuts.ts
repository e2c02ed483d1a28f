import { MOD } from './format';

export interface Shortcut {
  keys: string[];
  what: string;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: [`${MOD}+O`], what: 'Open a track' },
  { keys: [`${MOD}+K`], what: 'Ask about the track (focus the chat; in the library it shows the chat beside it)' },
  { keys: [`${MOD}+L`], what: 'Switch between the track and the library' },
  { keys: ['↑', '↓', 'PgUp', 'PgDn', 'Home', 'End'], what: 'Library: move through the tracks (Shift extends the selection)' },
  { keys: [`${MOD}+A`], what: 'Library: select every track shown (e.g. for Write tags…)' },
  { keys: ['Enter'], what: 'Library: open the track in the track view' },
  { keys: ['Space'], what: 'Library: preview the track under the cursor (again: stop)' },
  { keys: ['Esc'], what: 'Library: clear the selection' },
  { keys: ['Shift+F10', 'Menu'], what: 'Library: add the selected tracks to a crate… (or drag them onto a crate in the sidebar)' },
  { keys: ['Delete'], what: 'Crate: take the selected tracks out of the crate shown (the files stay)' },
  { keys: ['Alt+↑', 'Alt+↓'], what: 'Crate (in crate order): move the track under the cursor one place up / down' },
  { keys: ['F2', 'Delete'], what: 'Crates (sidebar): rename / delete the crate focused (asks first)' },
  { keys: ['Space'], what: 'Play / pause' },
  { keys: ['←', '→'], what: 'Seek 5 s back / forward' },
  { keys: ['Shift+←', 'Shift+→'], what: 'Seek 1 s back / forward' },
  { keys: ['Home', 'End'], what: 'Go to start / end' },
  { keys: ['+', '−'], what: 'Zoom the waveform in / out' },
  { keys: [`${MOD}+wheel`], what: 'Zoom the waveform at the pointer' },
  { keys: ['0'], what: 'Fit the whole track' },
  { keys: ['1–8'], what: 'Hot cue 1–8: jump to it (an empty one is set at the playhead)' },
  { keys: ['Shift+1–8'], what: 'Delete hot cue 1–8' },
  { keys: ['I', 'O'], what: 'Loop in / loop out at the playhead (O starts the loop)' },
  { keys: ['L'], what: 'Loop the selected region (again: loop off / on)' },
  { keys: ['N'], what: 'Keep the selected region as a named region' },
  { keys: ['Enter'], what: 'Send the question (Shift+Enter: new line)' },
  { keys: ['Esc'], what: 'Stop the answer being written' },
  { keys: [`${MOD}+Shift+R`], what: 'Regenerate the last answer' },
  { keys: ['Esc'], what: 'Close a dialog or menu' },
  { keys: ['?'], what: 'Show this list' },
];

/** A tooltip text with its shortcut. */
export function tip(what: string, keys?: string): string {
  return keys ? `${what} (${keys})` : what;
}
