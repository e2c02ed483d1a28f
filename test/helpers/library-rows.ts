/**
 * Library rows as older builds stored them, for tests of the scan's upgrade paths (left18's tags re-read of old rows).
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrations, openDb, type Db } from '../../main/engine/db';
import { registerNaturalKey } from '../../main/engine/db/natural-key';
import { registerSearchKey } from '../../main/engine/db/search-key';
import { libraryVersions, versionsKey, type LibraryAnalysis } from '../../main/engine/library/analyse';
import { LibraryStore } from '../../main/engine/library/store';
import { media } from './media';

/**
 * An analysed row as a build before the probe's tags stored it (no tagged tempo/key): a 1 s mono MP3's probe, title
 * "T", every analyser's result null at `versions`. Returns the row's id.
 */
export function oldFormatRow(store: LibraryStore, path: string, folderId: string, st: { size: number; mtimeMs: number }, versions: ReturnType<typeof libraryVersions>): string {
  const id = store.write(() => store.markPending(path, folderId, st.size, st.mtimeMs)).id;
  const a = {
    path, file: { size: st.size, mtimeMs: st.mtimeMs }, durationSec: 1, container: 'mp3',
    source: { container: 'mp3', durationSec: 1, durationEstimated: false, bitrateKbps: 64, streams: [{ index: 0, type: 'audio', codec: 'mp3', sampleRate: 44100, channels: 1 }], metadata: {} },
    bitrateKbps: 64, warnings: [], tags: { title: 'T' }, hasCoverArt: false, results: {}, versions,
  } as unknown as LibraryAnalysis;
  store.recordResult(id, a, versionsKey(versions));
  store.write(() => store.analyses.upsert(id, Object.fromEntries(Object.keys(versions).map((n) => [n, null])), versions, 0));
  return id;
}

/**
 * A studio database at `dataDir` (studio.sqlite) migrated to schema `schema` only: the first `schema` migrations, as a
 * build that knew no more left it (the next openDb applies the rest).
 */
export function openDbAtSchema(dataDir: string, schema: number): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'studio.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  registerNaturalKey(db);
  registerSearchKey(db);
  for (let v = (db.pragma('user_version', { simple: true }) as number); v < schema; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}

/**
 * A library database at `dataDir` as an older build left it: one library folder `lib` holding `n` copies (copies: a
 * hard link would be one row) of a 1 s MP3 whose ID3v2 tag states TBPM 128 and TKEY 8A, named track-0000.mp3 …, each
 * stored as `oldFormatRow` stores it. Returns path → track id. For the tags re-read tests (pause, restart).
 * `opts.schema`: the database at that schema version (openDbAtSchema: the crates test's library from before migration
 * 12); the latest by default.
 */
export async function oldFormatLibrary(lib: string, dataDir: string, n: number, opts: { schema?: number } = {}): Promise<Map<string, string>> {
  mkdirSync(lib, { recursive: true });
  const src = media('reprobe-tbpm-128-8a.mp3', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', '-b:a', '64k', '-metadata', 'TBPM=128', '-metadata', 'TKEY=8A']);
  // today's store writes columns an older schema lacks (path_sort, migration 13): at an older schema the rows are written
  // in a scratch database of the latest schema, then copied (copyRowsInto) with the columns that schema has
  const scratch = opts.schema === undefined ? dataDir : join(dataDir, 'latest-scratch');
  const db = openDb(scratch);
  try {
    const store = new LibraryStore(db);
    const versions = libraryVersions();
    const folder = store.addFolder(lib, []);
    const ids = new Map<string, string>();
    for (let i = 0; i < n; i++) {
      const path = join(lib, `track-${String(i).padStart(4, '0')}.mp3`);
      copyFileSync(src, path);
      ids.set(path, oldFormatRow(store, path, folder.id, await stat(path), versions));
    }
    if (opts.schema !== undefined) {
      db.close();
      const old = openDbAtSchema(dataDir, opts.schema);
      try {
        copyRowsInto(old, join(scratch, 'studio.sqlite'));
      } finally {
        old.close();
      }
      rmSync(scratch, { recursive: true, force: true });
    }
    return ids;
  } finally {
    if (db.open) db.close();
  }
}

/** the library's rows (folders, tracks, analyses) of the database file `from` copied into `into`, the columns `into` has */
function copyRowsInto(into: Db, from: string): void {
  into.prepare('ATTACH DATABASE ? AS src').run(from);
  try {
    into.transaction(() => {
      for (const table of ['library_folders', 'tracks', 'library_analyses']) {
        const cols = (into.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]).join(', ');
        into.exec(`INSERT INTO main.${table} (${cols}) SELECT ${cols} FROM src.${table}`);
      }
    })();
  } finally {
    into.exec('DETACH DATABASE src');
  }
}

/**
 * `n` more library rows copied in SQL from the first analysed row (by path) of the database at `db`: ids
 * "bulk000000"…, paths `${stem}000000.mp3`…, every other column and every analysis of that row copied (a scan of as
 * many files would take minutes). One transaction; the caller opens and closes `db`. For the 30,000-row export tests
 * and bench (cli36, cliui37).
 */
export function bulkCopies(db: Db, stem: string, n: number): void {
  db.transaction(() => {
    const first = db.prepare('SELECT id FROM tracks WHERE lib_status IS NOT NULL ORDER BY path LIMIT 1').pluck().get() as string;
    const cols = (db.prepare("SELECT name FROM pragma_table_info('tracks')").pluck().all() as string[]).filter((c) => c !== 'id' && c !== 'path' && c !== 'real_path' && c !== 'file_name');
    db.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
      INSERT INTO tracks (id, path, real_path, file_name, ${cols.join(', ')})
      SELECT 'bulk' || printf('%06d', i), ? || printf('%06d', i) || '.mp3', ? || printf('%06d', i) || '.mp3', 'bulk-' || printf('%06d', i) || '.mp3', ${cols.map((c) => `t.${c}`).join(', ')}
      FROM n, tracks t WHERE t.id = ?`).run(n, stem, stem, first);
    db.prepare(`INSERT INTO library_analyses (track_id, analyser, version, result_json, analysed_at)
      SELECT t.id, a.analyser, a.version, a.result_json, a.analysed_at FROM tracks t, library_analyses a WHERE t.id LIKE 'bulk%' AND a.track_id = ?`).run(first);
  })();
}
