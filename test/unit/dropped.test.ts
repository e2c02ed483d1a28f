// splitDropped (renderer/src/lib/dropped.ts): a drop on the library adds folders and opens files. Before, every item
// went to "add folder", so a song dropped on the library in the desktop app said '"…" is not a folder' (tester25).
// The items here stand in for DataTransferItem (a real OS drag cannot be made in a test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitDropped, type DroppedItem } from '../../renderer/src/lib/dropped';

const file = (name: string) => new File(['x'], name);
const item = (f: File | null, entry: { isDirectory: boolean } | null | undefined, kind = 'file'): DroppedItem => ({
  kind,
  getAsFile: () => f,
  ...(entry === undefined ? {} : { webkitGetAsEntry: () => entry }),
});

test('folders (entry.isDirectory) and files are told apart; an item with no entry is a file; text items are left out', () => {
  const song = file('song.flac');
  const dir = file('Albums');
  const scripted = file('made-by-script.mp3');
  const out = splitDropped([item(song, { isDirectory: false }), item(dir, { isDirectory: true }), item(scripted, null), item(file('x'), undefined), item(null, { isDirectory: false }), item(file('link'), null, 'string')]);
  assert.deepEqual(out.folders, [dir]);
  assert.deepEqual(out.files.map((f) => f.name), ['song.flac', 'made-by-script.mp3', 'x']);
  assert.deepEqual(splitDropped(undefined), { folders: [], files: [] });
  assert.deepEqual(splitDropped(null), { folders: [], files: [] });
});
