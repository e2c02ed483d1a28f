/**
 * The library's stored search key (migration 9): a row's title, artist, album, genre and file name, each folded
 * (foldSearch: Unicode NFC, then lower case by the full Unicode case mapping), joined by line breaks. The search
 * (TracksRepo's filter `text`) folds each typed word the same way and looks it up with one `instr()` per word in this
 * one column: a name typed in either normal form (macOS writes names decomposed, NFD) and in any case finds the other
 * ("été" finds "Été" stored NFD), with no SQL function run per row per query — the folding in SQL (a function per
 * column per row) cost up to 436 ms on 50,000 rows for a one-letter search beyond ASCII (test/bench/library-search.ts).
 * A word never holds a line break (words are split on white space), so it never matches across two columns.
 * Accents are not folded away ("olafur" does not find "Ólafur"). Filled by TracksRepo with every write of those
 * columns and by migration 9 for existing rows, through the `search_key()` function migrate() registers.
 */
export function foldSearch(v: string): string {
  return v.normalize('NFC').toLowerCase();
}

/** The search key of a row's five text columns (title, artist, album, genre, file name; null ones empty). */
export function searchKey(...columns: unknown[]): string {
  return columns.map((c) => (typeof c === 'string' ? foldSearch(c) : '')).join('\n');
}

/** the SQL function `search_key(title, artist, album, genre, file_name)` (searchKey), registered by migrate() on each connection, for migration 9 and the writes that fill the key (TracksRepo) */
export function registerSearchKey(db: { function: (name: string, opts: { deterministic: boolean; varargs?: boolean }, fn: (...v: unknown[]) => string) => unknown }): void {
  db.function('search_key', { deterministic: true, varargs: true }, searchKey);
}
