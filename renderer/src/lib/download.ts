/**
 * Hand text to the browser (or the desktop app's window) as a file download: the library's CSV/JSON export, a
 * crate's M3U8 playlist, a chat thread. `content` is written as UTF-8 under `fileName` with the MIME type `mime`;
 * where it is saved is the user's (a download is not told its folder). The object URL is revoked 10 s later.
 */
export function downloadText(content: string, mime: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
