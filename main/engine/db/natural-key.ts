/**
 * The library's natural sort key for text columns (title, artist, album, genre, file name): numbers by value
 * ("c2" before "c10", as Finder, Explorer and rekordbox order names), letters without case ("alpha" before
 * "Beta"), Unicode compared in NFC. Stored beside each text column (`title_sort`, …, migration 8) and indexed,
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
  return v
    .normalize('NFC')
    .toLowerCase()
    .replace(/\d+/g, (run) => {
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
 * the SQL functions `natural_key(text)` (naturalKey) and `natural_path_key(path)` (naturalPathKey), registered by
 * migrate() on each connection, for migrations 8 and 13 and the writes that fill the keys (TracksRepo)
 */
export function registerNaturalKey(db: { function: (name: string, opts: { deterministic: boolean }, fn: (v: unknown) => string | null) => unknown }): void {
  db.function('natural_key', { deterministic: true }, naturalKey);
  db.function('natural_path_key', { deterministic: true }, naturalPathKey);
}
