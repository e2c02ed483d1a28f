/**
 * The library's stored search key (migration 9; migration 11 added the folders; migration 15 folds accents): a row's
 * title, artist, album, genre and file name, and the names of the folders its path runs through below its library
 * folder (searchFolders), each folded (foldSearch), joined by line breaks. The search (TracksRepo's filter `text`) folds
 * each typed word the same way and looks it up with one `instr()` per word in this one column: a name typed in either
 * normal form (macOS writes names decomposed, NFD), in any case and with or without its accents finds the other ("ete"
 * and "été" find "Été" stored NFD, "Bjork" finds "Björk"), with no SQL function run per row per query — the folding in
 * SQL (a function per column per row) cost up to 436 ms on 50,000 rows for a one-letter search beyond ASCII
 * (test/bench/library-search.ts). A word never holds a line break (words are split on white space), so it never
 * matches across two columns. Filled by TracksRepo with every write of those columns and by migrations 9, 11 and 15
 * for existing rows, through the `search_key()` function migrate() registers.
 */
export function foldSearch(v: string): string {
  return v
    .toLowerCase()
    .normalize('NFD')
    .replace(COMBINING_ACCENTS, '')
    .replace(UNDECOMPOSED, (c) => UNDECOMPOSED_AS[c])
    .normalize('NFC');
}

/**
 * The accents a search ignores: Unicode's Combining Diacritical Marks block (U+0300–U+036F: acute, grave, circumflex,
 * tilde, diaeresis, ring, caron, cedilla, ogonek … on Latin, Greek and Cyrillic letters), split off by NFD. Other
 * combining marks stay (a Devanagari vowel sign, the kana voicing mark of "が", Hebrew points: letters of their own,
 * not accents), and NFC recomposes what is left, so Hangul syllables and kana stay as typed.
 */
const COMBINING_ACCENTS = /[\u0300-\u036f]/g;
/**
 * Lower-case letters NFD does not split into a base and an accent, spelled as a music player's diacritic-insensitive
 * search (and German/Nordic typing on an ASCII keyboard) spells them: "Røyksopp" is found as "royksopp", "Straße" as
 * "strasse", "Łódź" as "lodz".
 */
const UNDECOMPOSED_AS: Record<string, string> = { ø: 'o', æ: 'ae', ß: 'ss', đ: 'd', ł: 'l', œ: 'oe' };
const UNDECOMPOSED = /[øæßđłœ]/g;

/**
 * The folder names a search matches in a row's `path` (tester20: a user typed the album folder's name): those between
 * its library folder `root` and the file, the library folder's own name and what lies above it left out (every row of
 * it would match "music" or "home"); a row outside any library folder (`root` null: files chosen by hand) has its own
 * folder's name. Either separator (Windows paths). → `["Miles Davis", "Kind of Blue"]`
 */
export function searchFolders(path: string, root: string | null): string[] {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  parts.pop(); // the file name: searched as file_name
  if (root === null) return parts.slice(-1);
  const depth = root.split(/[\\/]+/).filter(Boolean).length;
  return parts.slice(depth);
}

/**
 * The folder a file sits in as the library's Folder column shows it: relative to its library folder `root` ("" for a
 * file directly in it; "Miles Davis/Kind of Blue" below it, the path's own separators kept), or the whole folder
 * where `root` is null (files chosen by hand) or not above the file. Either separator (Windows paths), as
 * searchFolders reads a path. → `"sub"` for `/m/Lib/sub/a.mp3` under `/m/Lib`
 */
export function relativeFolder(path: string, root: string | null): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dir = cut < 0 ? '' : path.slice(0, cut);
  if (root === null) return dir;
  const r = root.replace(/[\\/]+$/, '');
  if (dir === r) return '';
  return dir.startsWith(r) && (dir[r.length] === '/' || dir[r.length] === '\\') ? dir.slice(r.length + 1) : dir;
}

/**
 * The search key of a row: its five text columns (title, artist, album, genre, file name; null ones empty), then, where
 * `path` is given, the folder names of searchFolders(path, root) — each on a line of its own.
 */
export function searchKey(title: unknown, artist?: unknown, album?: unknown, genre?: unknown, fileName?: unknown, path?: unknown, root?: unknown): string {
  const folders = typeof path === 'string' ? searchFolders(path, typeof root === 'string' ? root : null) : [];
  return [title, artist, album, genre, fileName, ...folders].map((c) => (typeof c === 'string' ? foldSearch(c) : '')).join('\n');
}

/**
 * The SQL expression of a `tracks` row's search key (searchKey through the registered `search_key()`): its columns,
 * its path and its library folder's path. Used by every write that fills the key (TracksRepo), the query's fallback
 * for a row without one (migration 11 has the same text written out, frozen as shipped).
 */
export const SEARCH_KEY_SQL =
  'search_key(tracks.title, tracks.artist, tracks.album, tracks.genre, tracks.file_name, tracks.path, (SELECT lf.path FROM library_folders lf WHERE lf.id = tracks.folder_id))';

/** the SQL function `search_key(title, artist, album, genre, file_name[, path, library folder path])` (searchKey), registered by migrate() on each connection, for migrations 9 and 11 and the writes that fill the key (TracksRepo) */
export function registerSearchKey(db: { function: (name: string, opts: { deterministic: boolean; varargs?: boolean }, fn: (...v: unknown[]) => string) => unknown }): void {
  db.function('search_key', { deterministic: true, varargs: true }, (...v: unknown[]) => searchKey(v[0], v[1], v[2], v[3], v[4], v[5], v[6]));
}
