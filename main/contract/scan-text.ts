/**
 * The words of a library scan's summary, one source for the scan bar (renderer) and `studio analyze` (CLI), and the
 * rule for every count the contract's text functions print (scan40).
 *
 * The count rule: a contract text function that prints a count takes a `CountText` and writes every count through it.
 * The CLI passes `enCount` (English grouping, "12,345": what a terminal log and a script read alike); the renderer
 * passes its `fmtCount` (renderer/src/lib/format.ts: the browser's locale, "12.345" in de-DE), so a toast or the scan
 * bar groups an engine-written count as every other count on the page. Before, `movedText`/`resumedText` wrote a fixed
 * 'en' into the page too. The parameter is required: no caller gets a locale by forgetting it.
 *
 * Zod-free (no schema here): read by the renderer, the CLI and the engine alike.
 */

/** How a count is written: a non-negative integer → its digits with grouping ("12,345"). */
export type CountText = (n: number) => string;

/** The CLI's counts: English grouping ("12,345"), whatever the terminal's locale. */
export const enCount: CountText = (n) => n.toLocaleString('en');

/** A count with its noun: `countWords(3, 'file', 'files', enCount)` → "3 files"; `many` for any count but exactly 1. */
export function countWords(n: number, one: string, many: string, count: CountText): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** The words for ScanState.moved, the scan bar's and `studio analyze`'s: "3 files followed as moved or renamed". */
export function movedText(n: number, count: CountText): string {
  return `${countWords(n, 'file', 'files', count)} followed as moved or renamed`;
}

/** The words for ScanState.resumed, the scan bar's and `studio analyze --db`'s: "Resumed after an interruption: 14 of 16 files were done". */
export function resumedText(r: { done: number; total: number }, count: CountText): string {
  return `Resumed after an interruption: ${count(r.done)} of ${count(r.total)} ${r.total === 1 ? 'file was' : 'files were'} done`;
}

/**
 * One reason things were skipped, counted over the whole scan (ScanState.skipped.groups): `reason` as each listed path
 * reads it ("playlist (not a track: …)"), `many` the same words for more than one where they differ ("playlists (…)"),
 * `count` how many, `folder` whether they are folders (a hidden or system folder, the studio's own data folder: left
 * unwalked) rather than files.
 */
export type SkipGroup = { reason: string; many?: string; count: number; folder?: boolean };

/**
 * The scan's skipped summary, the scan bar's toggle and `studio analyze`'s stderr line: files and folders counted apart,
 * each group in its plural where more than one, largest first (then by its words: the same order every run) —
 * "3 files, 2 folders skipped: 3 playlists (…) · 2 hidden or system folders (…)"; "1 file skipped: 1 playlist (…)";
 * "2 folders skipped: 2 hidden or system folders (…)". `s.count`: everything skipped, `s.folders` how many of them are
 * folders, `s.groups` the reasons with their counts (SkipGroup). '' when nothing was skipped. Before scan40 the bar read
 * "5 files skipped: 3 playlist (…) · 2 hidden or system folder (…)" for 3 files and 2 folders.
 */
export function skippedText(s: { count: number; folders?: number; groups?: readonly SkipGroup[] }, count: CountText): string {
  if (!s.count) return '';
  const folders = Math.min(s.folders ?? 0, s.count);
  const files = s.count - folders;
  const what = [files ? countWords(files, 'file', 'files', count) : '', folders ? countWords(folders, 'folder', 'folders', count) : ''].filter(Boolean).join(', ');
  const groups = [...(s.groups ?? [])].sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0)).map((g) => `${count(g.count)} ${g.count === 1 ? g.reason : (g.many ?? g.reason)}`);
  return `${what} skipped${groups.length ? `: ${groups.join(' · ')}` : ''}`;
}

/**
 * What a finished scan that found nothing says when the reason is that its library folders are not there (a drive
 * unplugged, renamed or deleted: ScanProblem kind `folder-missing`), in place of "0 / 0" — the scan bar's and
 * `studio analyze`'s last line: 'Nothing scanned: the library folder "/media/usb/Music Library" is not there (an
 * unplugged drive, moved or deleted?); its tracks are kept.' / 'Nothing scanned: 2 library folders are not there
 * ("/a", "/b": unplugged drives, moved or deleted?); their tracks are kept.'. `name` writes a path as the reader
 * shows it (the CLI's shownPath, the renderer's safeName). null when the scan is not finished, found a file, or no
 * library folder was missing. Before scan40 a Rescan of an unplugged folder ended "Scan finished 0 / 0".
 */
export function nothingScannedText(
  s: { state: string; total: number; problems: readonly { path: string; kind?: string }[] },
  count: CountText,
  name: (path: string) => string = (p) => p,
): string | null {
  if (s.state !== 'finished' || s.total !== 0) return null;
  const absent = [...new Set(s.problems.filter((p) => p.kind === 'folder-missing').map((p) => p.path))];
  if (!absent.length) return null;
  if (absent.length === 1) return `Nothing scanned: the library folder "${name(absent[0]!)}" is not there (an unplugged drive, moved or deleted?); its tracks are kept.`;
  return `Nothing scanned: ${count(absent.length)} library folders are not there (${absent.map((p) => `"${name(p)}"`).join(', ')}: unplugged drives, moved or deleted?); their tracks are kept.`;
}
