/** One item of a drop's DataTransfer, as splitDropped reads it: DataTransferItem's kind, getAsFile and webkitGetAsEntry. */
export interface DroppedItem {
  kind: string;
  getAsFile(): File | null;
  webkitGetAsEntry?(): { isDirectory: boolean } | null;
}

/**
 * A drop's items split into folders and files. A page tells a dropped folder from a file only by its entry
 * (File and Directory Entries API, `DataTransferItem.webkitGetAsEntry().isDirectory`; a folder's File is a 0- or
 * 4096-byte stand-in). An item without an entry (a drop made by script, a browser without the API) counts as a file;
 * items of kind "string" (a dragged link or text) are left out. Call it inside the drop event: the items are empty after.
 */
export function splitDropped(items: ArrayLike<DroppedItem> | null | undefined): { folders: File[]; files: File[] } {
  const folders: File[] = [];
  const files: File[] = [];
  for (const item of Array.from(items ?? [])) {
    if (item.kind !== 'file') continue;
    const file = item.getAsFile();
    if (!file) continue;
    (item.webkitGetAsEntry?.()?.isDirectory ? folders : files).push(file);
  }
  return { folders, files };
}
