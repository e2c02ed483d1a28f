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

/** the SQL function `natural_key(text)` (naturalKey), registered by migrate() on each connection, for migration 8 and the writes that fill the keys (TracksRepo) */
export function registerNaturalKey(db: { function: (name: string, opts: { deterministic: boolean }, fn: (v: unknown) => string | null) => unknown }): void {
  db.function('natural_key', { deterministic: true }, naturalKey);
}
