import type { LibraryFolder } from '@contract';
import type { Db } from './index';
import { SEARCH_KEY_SQL } from './search-key';

/** One row of `library_folders` (migration 3) with its library track count. */
export interface FolderRow {
  id: string;
  path: string;
  added_at: number;
  status: LibraryFolder['status'];
  watching: number;
  n: number;
}

/** `library_folders`: the folders the user added to the library. Callers wrap writes in writeTx. */
export class LibraryFoldersRepo {
  constructor(private readonly db: Db) {}

  /** every folder, by path, with how many library tracks it holds */
  all(): FolderRow[] {
    return this.db
      .prepare(`SELECT f.*, (SELECT count(*) FROM tracks t WHERE t.folder_id = f.id AND t.lib_status IS NOT NULL) AS n FROM library_folders f ORDER BY f.path`)
      .all() as FolderRow[];
  }

  /** every folder's path (no counts): what a lookup of the folder holding a file needs */
  paths(): { path: string }[] {
    return this.db.prepare('SELECT path FROM library_folders').all() as { path: string }[];
  }

  idByPath(path: string): string | undefined {
    return (this.db.prepare('SELECT id FROM library_folders WHERE path = ?').get(path) as { id: string } | undefined)?.id;
  }

  insert(id: string, path: string, addedAt: number): void {
    this.db.prepare('INSERT INTO library_folders (id, path, added_at) VALUES (?, ?, ?)').run(id, path, addedAt);
  }

  setStatus(id: string, status: LibraryFolder['status']): void {
    this.db.prepare('UPDATE library_folders SET status = ? WHERE id = ?').run(status, id);
  }

  /** The library rows of folder `from` now belong to folder `to` (a parent folder was added). */
  moveTracks(from: string, to: string): void {
    // and their search keys: the folder names below the new library folder (search-key.ts searchFolders)
    this.db.prepare(`UPDATE tracks SET folder_id = ? WHERE folder_id = ?`).run(to, from);
    this.db.prepare(`UPDATE tracks SET search_key = ${SEARCH_KEY_SQL} WHERE folder_id = ? AND lib_status IS NOT NULL`).run(to);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM library_folders WHERE id = ?').run(id);
  }
}
