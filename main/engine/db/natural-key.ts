import { foldSearch, relativeFolder } from './search-key';

/**
 * The library's natural sort key for text columns (title, artist, album, genre, file name) and for crate names: numbers
 * by value ("c2" before "c10", as Finder, Explorer and rekordbox order names), letters without case ("alpha" before
 * "Beta") and without accents first (search-key.ts foldSearch, the search's own folding: "Élan" among the E's, "Café"
 * beside "Cafe" — compared by code point, every accented letter sorted after "z"), Unicode compared in NFC. Where two
 * names fold alike the name itself, lower case, decides: after the folded key comes U+0002 and the unfolded one ("Cafe"
 * before "Café" before "Cafeteria"); U+0002 sorts below every character a name holds, and above naturalPathKey's U+0001.
 * Stored beside each text column (`title_sort`, …, migration 8; made again with the fold by migration 16) and indexed,
 * so a deep page of 50,000 rows sorted by title is still read from an index, not sorted per query
 * (test/bench/library-sort.ts). SQLite's built-in collations cannot do this, and better-sqlite3 has no custom
 * collation; a stored key needs no function to read or sort, so other SQLite tools still open the database.
 *
 * Each run of ASCII digits becomes its length without leading zeros as two digits, then those digits ("10" →
 * "0210", "007" → "017", "0" → "010"; runs over 99 digits keep the prefix "99"), so digit-prefixed keys of longer
 * numbers sort after shorter ones; digits still sort before letters as before. null stays null.
 */
export function naturalKey(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const lower = v.normalize('NFC').toLowerCase();
  const folded = foldSearch(lower);
  return folded === lower ? numbersByValue(lower) : `${numbersByValue(folded)}\u0002${numbersByValue(lower)}`;
}

/** each run of ASCII digits as its length (two digits) then the digits without leading zeros (naturalKey) */
function numbersByValue(s: string): string {
  return s.replace(/\d+/g, (run) => {
    const digits = run.replace(/^0+/, '') || '0';
    return String(Math.min(99, digits.length)).padStart(2, '0') + digits;
  });
}

/**
 * The natural sort key of a file's path (`path_sort`, migration 13): the library's tie-break under every column sort
 * and the Path sort, so one artist's "Track 2" comes before its "Track 10" (tester: ties ran Track 1, 10, 11, 2).
 * Each folder or file name is keyed by naturalKey, and the names are joined by U+0001, which sorts below every
 * character a name holds, so a folder's files come before those of a longer sibling ("Album/…" before "Album 2/…",
 * where a plain "/" would sort after the space). Either separator splits (Windows paths), as search-key.ts
 * searchFolders reads a path. Not a string: null.
 */
export function naturalPathKey(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  return v.split(/[\\/]/).map((part) => naturalKey(part)).join('\u0001');
}

/**
 * The natural sort key of the Folder column (`folder_sort`, migration 14): the folder as shown (search-key.ts
 * relativeFolder: relative to the library folder `root`, "" for a file directly in it, so those sort first) keyed as a
 * path (naturalPathKey: "Disc 2" before "Disc 10", a folder before its longer siblings). `path` not a string: null.
 */
export function naturalFolderKey(path: unknown, root?: unknown): string | null {
  if (typeof path !== 'string') return null;
  return naturalPathKey(relativeFolder(path, typeof root === 'string' ? root : null));
}

/**
 * the SQL functions `natural_key(text)` (naturalKey), `natural_path_key(path)` (naturalPathKey) and
 * `natural_folder_key(path, library folder path)` (naturalFolderKey), registered by migrate() on each connection, for
 * migrations 8, 13 and 14 and the writes that fill the keys (TracksRepo)
 */
export function registerNaturalKey(db: { function: (name: string, opts: { deterministic: boolean }, fn: (v: unknown, w?: unknown) => string | null) => unknown }): void {
  db.function('natural_key', { deterministic: true }, naturalKey);
  db.function('natural_path_key', { deterministic: true }, naturalPathKey);
  db.function('natural_folder_key', { deterministic: true }, naturalFolderKey);
}
