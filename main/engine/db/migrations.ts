/**
 * The studio database's schema: migrations applied in order by `migrate()`
 * (db/index.ts) and recorded in SQLite's `user_version`.
 * Append only: never edit a migration that has shipped.
 */

export const migrations: string[] = [
  // 1: files the user opened (recent files) and what is attached to them
  `CREATE TABLE tracks (
     id TEXT PRIMARY KEY,
     path TEXT NOT NULL UNIQUE,
     real_path TEXT NOT NULL,
     size INTEGER NOT NULL,
     mtime_ms REAL NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('audio','video')),
     probe_json TEXT NOT NULL,
     cover_path TEXT,
     cover_version INTEGER NOT NULL DEFAULT 0,
     opened_at INTEGER NOT NULL,
     last_opened_at INTEGER NOT NULL,
     in_recent INTEGER NOT NULL DEFAULT 1
   );
   CREATE INDEX tracks_recent ON tracks(in_recent, last_opened_at DESC);`,
  // 2: settings, and chat threads (one per track) that survive restarts
  `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE chat_messages (
     id TEXT PRIMARY KEY,
     track_id TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
     role TEXT NOT NULL CHECK (role IN ('user','assistant')),
     text TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     data_json TEXT NOT NULL DEFAULT '{}'
   );
   CREATE INDEX chat_by_track ON chat_messages(track_id, seq);`,
  // 3: the library. A library track is a row of \`tracks\` (one id per file, so
  // media:*, chat and the library share it) with lib_status set; its analysis
  // summary is in columns (sorting, filtering), each analyser's full result in
  // library_analyses with the analyser's version. A scan is a job with the set
  // of files it found and which are done.
  `CREATE TABLE library_folders (
     id TEXT PRIMARY KEY,
     path TEXT NOT NULL UNIQUE,
     added_at INTEGER NOT NULL,
     status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok','missing','unreadable')),
     watching INTEGER NOT NULL DEFAULT 1
   );
   ALTER TABLE tracks ADD COLUMN lib_status TEXT CHECK (lib_status IN ('pending','analysed','failed'));
   ALTER TABLE tracks ADD COLUMN folder_id TEXT;
   ALTER TABLE tracks ADD COLUMN file_name TEXT;
   ALTER TABLE tracks ADD COLUMN lib_error TEXT;
   ALTER TABLE tracks ADD COLUMN lib_error_code TEXT;
   ALTER TABLE tracks ADD COLUMN lib_versions TEXT;
   ALTER TABLE tracks ADD COLUMN analysed_at INTEGER;
   ALTER TABLE tracks ADD COLUMN title TEXT;
   ALTER TABLE tracks ADD COLUMN artist TEXT;
   ALTER TABLE tracks ADD COLUMN album TEXT;
   ALTER TABLE tracks ADD COLUMN genre TEXT;
   ALTER TABLE tracks ADD COLUMN year INTEGER;
   ALTER TABLE tracks ADD COLUMN duration_sec REAL;
   ALTER TABLE tracks ADD COLUMN sample_rate INTEGER;
   ALTER TABLE tracks ADD COLUMN channels INTEGER;
   ALTER TABLE tracks ADD COLUMN codec TEXT;
   ALTER TABLE tracks ADD COLUMN bitrate_kbps REAL;
   ALTER TABLE tracks ADD COLUMN bpm REAL;
   ALTER TABLE tracks ADD COLUMN bpm_confidence REAL;
   ALTER TABLE tracks ADD COLUMN key_name TEXT;
   ALTER TABLE tracks ADD COLUMN key_confidence REAL;
   ALTER TABLE tracks ADD COLUMN camelot TEXT;
   ALTER TABLE tracks ADD COLUMN open_key TEXT;
   ALTER TABLE tracks ADD COLUMN lufs REAL;
   ALTER TABLE tracks ADD COLUMN loudness_range REAL;
   ALTER TABLE tracks ADD COLUMN true_peak REAL;
   ALTER TABLE tracks ADD COLUMN features TEXT;
   CREATE INDEX lib_folder ON tracks(folder_id) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_title ON tracks(title) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_artist ON tracks(artist) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_album ON tracks(album) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_file_name ON tracks(file_name) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_bpm ON tracks(bpm) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_lufs ON tracks(lufs) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_key ON tracks(key_name) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_duration ON tracks(duration_sec) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_status_idx ON tracks(lib_status);
   CREATE TABLE library_analyses (
     track_id TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
     analyser TEXT NOT NULL,
     version INTEGER NOT NULL,
     result_json TEXT NOT NULL,
     analysed_at INTEGER NOT NULL,
     PRIMARY KEY (track_id, analyser)
   ) WITHOUT ROWID;
   CREATE TABLE scan_jobs (
     id TEXT PRIMARY KEY,
     folder_id TEXT,
     state TEXT NOT NULL CHECK (state IN ('walking','running','paused','cancelled','finished')),
     started_at INTEGER NOT NULL,
     finished_at INTEGER,
     problems_json TEXT NOT NULL DEFAULT '[]'
   );
   CREATE TABLE scan_files (
     job_id TEXT NOT NULL REFERENCES scan_jobs(id) ON DELETE CASCADE,
     path TEXT NOT NULL,
     folder_id TEXT,
     done INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (job_id, path)
   ) WITHOUT ROWID;`,
  // 4: the library table's sort order (empty values last, then the path) served by
  // indexes, so a deep page of 50,000 rows does not sort every row (store.query)
  `CREATE INDEX lib_sort_title_asc ON tracks(title IS NULL, title, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_title_desc ON tracks(title IS NULL, title DESC, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_artist_asc ON tracks(artist IS NULL, artist, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_artist_desc ON tracks(artist IS NULL, artist DESC, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_album_asc ON tracks(album IS NULL, album, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_album_desc ON tracks(album IS NULL, album DESC, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_duration_sec_asc ON tracks(duration_sec IS NULL, duration_sec, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_duration_sec_desc ON tracks(duration_sec IS NULL, duration_sec DESC, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_bpm_asc ON tracks(bpm IS NULL, bpm, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_bpm_desc ON tracks(bpm IS NULL, bpm DESC, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_key_name_asc ON tracks(key_name IS NULL, key_name, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_key_name_desc ON tracks(key_name IS NULL, key_name DESC, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_camelot_asc ON tracks(camelot IS NULL, camelot, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_camelot_desc ON tracks(camelot IS NULL, camelot DESC, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_lufs_asc ON tracks(lufs IS NULL, lufs, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_lufs_desc ON tracks(lufs IS NULL, lufs DESC, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_file_name_asc ON tracks(file_name IS NULL, file_name, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_file_name_desc ON tracks(file_name IS NULL, file_name DESC, path) WHERE lib_status IS NOT NULL;`,
  // 5: a scan job says what started it ('library': folder scans and the watcher, resumed at the
  // next start; 'paths': chosen files, e.g. `studio analyze`, which end with the engine that ran
  // them and are never adopted by another); an answer names the question it answers (chat threads
  // where two questions were asked at once stay paired). Older answers are tied to the question before them.
  `ALTER TABLE scan_jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'library' CHECK (kind IN ('library','paths'));
   ALTER TABLE chat_messages ADD COLUMN reply_to TEXT REFERENCES chat_messages(id) ON DELETE CASCADE;
   UPDATE chat_messages SET reply_to = (
     SELECT u.id FROM chat_messages u WHERE u.track_id = chat_messages.track_id AND u.role = 'user' AND u.seq < chat_messages.seq ORDER BY u.seq DESC LIMIT 1
   ) WHERE role = 'assistant';
   CREATE INDEX chat_reply_to ON chat_messages(reply_to);`,
  // 6: marks on a track's waveform (issue 12): hot cues 1–8 (kind 'cue', one per slot, at start_sec)
  // and named regions (kind 'region', start_sec…end_sec, a name), kept per track as Mixxx and rekordbox keep theirs
  `CREATE TABLE track_marks (
     id TEXT PRIMARY KEY,
     track_id TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('cue','region')),
     slot INTEGER CHECK (slot IS NULL OR slot BETWEEN 1 AND 8),
     start_sec REAL NOT NULL,
     end_sec REAL,
     name TEXT,
     created_at INTEGER NOT NULL,
     CHECK ((kind = 'cue' AND slot IS NOT NULL) OR (kind = 'region' AND end_sec > start_sec AND name IS NOT NULL))
   );
   CREATE UNIQUE INDEX track_marks_cue_slot ON track_marks(track_id, slot) WHERE kind = 'cue';
   CREATE INDEX track_marks_by_track ON track_marks(track_id, kind, start_sec);`,
  // 7 (issue 12): the loop (I/O/L) kept per track beside its hot cues and regions: kind 'loop', one per
  // track, start_sec…end_sec, `active` whether it plays round. SQLite cannot widen a CHECK, so the
  // table is rebuilt (its rows copied as they are; nothing references it). And a track's aliases (below)
  `CREATE TABLE track_marks_v7 (
     id TEXT PRIMARY KEY,
     track_id TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('cue','region','loop')),
     slot INTEGER CHECK (slot IS NULL OR slot BETWEEN 1 AND 8),
     start_sec REAL NOT NULL,
     end_sec REAL,
     name TEXT,
     created_at INTEGER NOT NULL,
     active INTEGER CHECK (active IS NULL OR active IN (0, 1)),
     CHECK ((kind = 'cue' AND slot IS NOT NULL) OR (kind = 'region' AND end_sec > start_sec AND name IS NOT NULL)
            OR (kind = 'loop' AND end_sec > start_sec AND active IS NOT NULL))
   );
   INSERT INTO track_marks_v7 (id, track_id, kind, slot, start_sec, end_sec, name, created_at)
     SELECT id, track_id, kind, slot, start_sec, end_sec, name, created_at FROM track_marks;
   DROP TABLE track_marks;
   ALTER TABLE track_marks_v7 RENAME TO track_marks;
   CREATE UNIQUE INDEX track_marks_cue_slot ON track_marks(track_id, slot) WHERE kind = 'cue';
   CREATE UNIQUE INDEX track_marks_loop ON track_marks(track_id) WHERE kind = 'loop';
   CREATE INDEX track_marks_by_track ON track_marks(track_id, kind, start_sec);
   -- one library row per file (library/aliases.ts): lib_aliases (JSON array) lists the other library
   -- paths that are links to the row's file (its real_path, realpath, as the scan last saw it)
   ALTER TABLE tracks ADD COLUMN lib_aliases TEXT;`,
  // 8 (session 14): text columns sort in natural order (numbers by value: c1, c2 … c10, not c1, c10, c11 … c2) by a
  // stored key beside each (natural-key.ts, filled by TracksRepo on every write and here for existing rows through
  // the natural_key() function migrate() registers); migration 4's title/artist/album/file name sort indexes move
  // to the keys, so sorting stays an index scan at 50,000 rows
  `ALTER TABLE tracks ADD COLUMN title_sort TEXT;
   ALTER TABLE tracks ADD COLUMN artist_sort TEXT;
   ALTER TABLE tracks ADD COLUMN album_sort TEXT;
   ALTER TABLE tracks ADD COLUMN genre_sort TEXT;
   ALTER TABLE tracks ADD COLUMN file_name_sort TEXT;
   UPDATE tracks SET title_sort = natural_key(title), artist_sort = natural_key(artist), album_sort = natural_key(album),
     genre_sort = natural_key(genre), file_name_sort = natural_key(file_name) WHERE lib_status IS NOT NULL;
   DROP INDEX lib_sort_title_asc; DROP INDEX lib_sort_title_desc; DROP INDEX lib_sort_artist_asc; DROP INDEX lib_sort_artist_desc;
   DROP INDEX lib_sort_album_asc; DROP INDEX lib_sort_album_desc; DROP INDEX lib_sort_file_name_asc; DROP INDEX lib_sort_file_name_desc;
   CREATE INDEX lib_sort_title_asc ON tracks(title_sort IS NULL, title_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_title_desc ON tracks(title_sort IS NULL, title_sort DESC, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_artist_asc ON tracks(artist_sort IS NULL, artist_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_artist_desc ON tracks(artist_sort IS NULL, artist_sort DESC, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_album_asc ON tracks(album_sort IS NULL, album_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_album_desc ON tracks(album_sort IS NULL, album_sort DESC, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_file_name_asc ON tracks(file_name_sort IS NULL, file_name_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_file_name_desc ON tracks(file_name_sort IS NULL, file_name_sort DESC, path) WHERE lib_status IS NOT NULL;`,
  // 9 (left15): the search key (search-key.ts): title, artist, album, genre and file name folded (NFC, lower case),
  // stored so that a search is one instr() per word on one column instead of folding five columns per row per query;
  // filled by TracksRepo on every write of those columns and here for existing rows (search_key(), registered by migrate())
  `ALTER TABLE tracks ADD COLUMN search_key TEXT;
   UPDATE tracks SET search_key = search_key(title, artist, album, genre, file_name) WHERE lib_status IS NOT NULL;`,
  // 10 (left18): a tempo or key shown "uncertain" (confidence under MIN_CONFIDENCE, 0.5) sorts after the sure ones, in
  // path order (tracks.ts SURE_SQL, order()); migration 4's BPM and key sort indexes move to that order's expressions
  // (written exactly as order() writes them), so a deep page at 50,000 rows stays an index scan
  `DROP INDEX lib_sort_bpm_asc; DROP INDEX lib_sort_bpm_desc; DROP INDEX lib_sort_key_name_asc; DROP INDEX lib_sort_key_name_desc;
   CREATE INDEX lib_sort_bpm_asc ON tracks(bpm IS NULL, COALESCE(bpm_confidence >= 0.5, 0) = 0, CASE WHEN bpm_confidence >= 0.5 THEN bpm END, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_bpm_desc ON tracks(bpm IS NULL, COALESCE(bpm_confidence >= 0.5, 0) = 0, CASE WHEN bpm_confidence >= 0.5 THEN bpm END DESC, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_key_name_asc ON tracks(key_name IS NULL, COALESCE(key_confidence >= 0.5, 0) = 0, CASE WHEN key_confidence >= 0.5 THEN key_name END, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_key_name_desc ON tracks(key_name IS NULL, COALESCE(key_confidence >= 0.5, 0) = 0, CASE WHEN key_confidence >= 0.5 THEN key_name END DESC, path) WHERE lib_status IS NOT NULL;`,
  // 11 (lib20): the search key holds the folder names below the row's library folder too (search-key.ts searchFolders:
  // a user typed the album folder's name and found nothing); existing rows' keys made again. Written out, not built from
  // search-key.ts SEARCH_KEY_SQL (as it was when it shipped), so that a later edit of that expression cannot change a
  // migration that has already run on users' databases
  `UPDATE tracks SET search_key = search_key(tracks.title, tracks.artist, tracks.album, tracks.genre, tracks.file_name, tracks.path, (SELECT lf.path FROM library_folders lf WHERE lf.id = tracks.folder_id)) WHERE lib_status IS NOT NULL;`,
  // 12 (crates21): crates, the DJ's playlists (db/crates.ts): a named list of library tracks in the DJ's order. A track
  // may be in several crates, once in each (the primary key); `position` orders a crate (gaps allowed, renumbered on a
  // move). A track row deleted takes its places in crates with it (ON DELETE CASCADE); a row that only leaves the
  // library (kept for recent files or a chat) is taken out by TracksRepo.leaveLibrary. Names are unique by
  // `name_key` (contract crateNameKey: NFC, then full Unicode lower case, the library search's folding), so "Été" and
  // "été" are one crate, and `studio crate show NAME` finds it either way
  `CREATE TABLE crates (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL CHECK (length(trim(name)) > 0),
     name_key TEXT NOT NULL UNIQUE,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE crate_tracks (
     crate_id TEXT NOT NULL REFERENCES crates(id) ON DELETE CASCADE,
     track_id TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
     position INTEGER NOT NULL,
     added_at INTEGER NOT NULL,
     PRIMARY KEY (crate_id, track_id)
   ) WITHOUT ROWID;
   CREATE INDEX crate_tracks_order ON crate_tracks(crate_id, position);
   CREATE INDEX crate_tracks_by_track ON crate_tracks(track_id);`,
  // 13 (left28a): ties under a column sort (one artist's tracks) and the Path sort run in natural path order ("Track 2"
  // before "Track 10"; they ran Track 1, 10, 11, 2) by a stored key of the path (natural-key.ts naturalPathKey, filled by
  // TracksRepo on every write and here for existing rows through natural_path_key()); every sort index of migrations 4,
  // 8 and 10 ends in that key, then the path (two paths may differ in case alone), so a deep page stays an index scan
  `ALTER TABLE tracks ADD COLUMN path_sort TEXT;
   UPDATE tracks SET path_sort = natural_path_key(path) WHERE lib_status IS NOT NULL;
   DROP INDEX lib_sort_title_asc; DROP INDEX lib_sort_title_desc; DROP INDEX lib_sort_artist_asc; DROP INDEX lib_sort_artist_desc;
   DROP INDEX lib_sort_album_asc; DROP INDEX lib_sort_album_desc; DROP INDEX lib_sort_file_name_asc; DROP INDEX lib_sort_file_name_desc;
   DROP INDEX lib_sort_duration_sec_asc; DROP INDEX lib_sort_duration_sec_desc; DROP INDEX lib_sort_camelot_asc; DROP INDEX lib_sort_camelot_desc;
   DROP INDEX lib_sort_lufs_asc; DROP INDEX lib_sort_lufs_desc;
   DROP INDEX lib_sort_bpm_asc; DROP INDEX lib_sort_bpm_desc; DROP INDEX lib_sort_key_name_asc; DROP INDEX lib_sort_key_name_desc;
   CREATE INDEX lib_sort_title_asc ON tracks(title_sort IS NULL, title_sort, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_title_desc ON tracks(title_sort IS NULL, title_sort DESC, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_artist_asc ON tracks(artist_sort IS NULL, artist_sort, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_artist_desc ON tracks(artist_sort IS NULL, artist_sort DESC, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_album_asc ON tracks(album_sort IS NULL, album_sort, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_album_desc ON tracks(album_sort IS NULL, album_sort DESC, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_file_name_asc ON tracks(file_name_sort IS NULL, file_name_sort, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_file_name_desc ON tracks(file_name_sort IS NULL, file_name_sort DESC, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_duration_sec_asc ON tracks(duration_sec IS NULL, duration_sec, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_duration_sec_desc ON tracks(duration_sec IS NULL, duration_sec DESC, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_camelot_asc ON tracks(camelot IS NULL, camelot, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_camelot_desc ON tracks(camelot IS NULL, camelot DESC, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_lufs_asc ON tracks(lufs IS NULL, lufs, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_lufs_desc ON tracks(lufs IS NULL, lufs DESC, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_bpm_asc ON tracks(bpm IS NULL, COALESCE(bpm_confidence >= 0.5, 0) = 0, CASE WHEN bpm_confidence >= 0.5 THEN bpm END, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_bpm_desc ON tracks(bpm IS NULL, COALESCE(bpm_confidence >= 0.5, 0) = 0, CASE WHEN bpm_confidence >= 0.5 THEN bpm END DESC, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_key_name_asc ON tracks(key_name IS NULL, COALESCE(key_confidence >= 0.5, 0) = 0, CASE WHEN key_confidence >= 0.5 THEN key_name END, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_key_name_desc ON tracks(key_name IS NULL, COALESCE(key_confidence >= 0.5, 0) = 0, CASE WHEN key_confidence >= 0.5 THEN key_name END DESC, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_path ON tracks(path_sort, path) WHERE lib_status IS NOT NULL;`,
  // 14 (left28a): the library's Folder column (a file's folder relative to its library folder, search-key.ts
  // relativeFolder) sorts by a stored natural key (natural-key.ts naturalFolderKey, filled by TracksRepo with the other
  // keys and here for existing rows through natural_folder_key()), indexed as migration 13's sorts are
  `ALTER TABLE tracks ADD COLUMN folder_sort TEXT;
   UPDATE tracks SET folder_sort = natural_folder_key(tracks.path, (SELECT lf.path FROM library_folders lf WHERE lf.id = tracks.folder_id)) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_folder_asc ON tracks(folder_sort IS NULL, folder_sort, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_folder_desc ON tracks(folder_sort IS NULL, folder_sort DESC, path_sort, path) WHERE lib_status IS NOT NULL;`,
  // 15 (left28c): the search folds accents ("Bjork" finds "Björk", "Sigur Ros" "Sigur Rós": search-key.ts foldSearch,
  // NFD without the combining accents, ø/æ/ß/đ/ł/œ spelled out); existing rows' keys made again with it. Written out as
  // migration 11 is, so a later edit of SEARCH_KEY_SQL cannot change a migration that has run
  `UPDATE tracks SET search_key = search_key(tracks.title, tracks.artist, tracks.album, tracks.genre, tracks.file_name, tracks.path, (SELECT lf.path FROM library_folders lf WHERE lf.id = tracks.folder_id)) WHERE lib_status IS NOT NULL;`,
  // 16 (fix31): the sorts fold accents as the search does ("Édith" among the E's, not after "Zappa"; natural-key.ts
  // naturalKey); existing rows' text, path and folder keys made again with it
  `UPDATE tracks SET title_sort = natural_key(title), artist_sort = natural_key(artist), album_sort = natural_key(album),
     genre_sort = natural_key(genre), file_name_sort = natural_key(file_name), path_sort = natural_path_key(path),
     folder_sort = natural_folder_key(tracks.path, (SELECT lf.path FROM library_folders lf WHERE lf.id = tracks.folder_id))
   WHERE lib_status IS NOT NULL;`,
  // 17 (crate38): the paths a library row's file had before the scan or the watcher saw it moved or renamed (JSON array,
  // the latest first, at most 8; TracksRepo.move), so that a playlist written before the move still finds the track
  // (library/crates.ts importPlaylist): it said "no such file" of a file the library had followed to its new name
  `ALTER TABLE tracks ADD COLUMN lib_moved_from TEXT;`,
  // 18 (sort38): uncertain tempos and keys, still after the sure ones, sort among themselves by their best guess (a
  // DJ scanning for "anything near 128" found the uncertain ones in path order): the BPM and key sort indexes of
  // migration 13 lose their CASE (the value itself after the sure/uncertain flag), and the Camelot sort, which read a
  // temporary B-tree for its wheel order (1A, 1B … 12B), gets indexes on that order's expressions. Written exactly as
  // tracks.ts order() writes its ORDER BY, so a deep page at 50,000 rows stays an index scan
  `DROP INDEX lib_sort_bpm_asc; DROP INDEX lib_sort_bpm_desc; DROP INDEX lib_sort_key_name_asc; DROP INDEX lib_sort_key_name_desc;
   DROP INDEX lib_sort_camelot_asc; DROP INDEX lib_sort_camelot_desc;
   CREATE INDEX lib_sort_bpm_asc ON tracks(bpm IS NULL, COALESCE(bpm_confidence >= 0.5, 0) = 0, bpm, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_bpm_desc ON tracks(bpm IS NULL, COALESCE(bpm_confidence >= 0.5, 0) = 0, bpm DESC, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_key_name_asc ON tracks(key_name IS NULL, COALESCE(key_confidence >= 0.5, 0) = 0, key_name, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_key_name_desc ON tracks(key_name IS NULL, COALESCE(key_confidence >= 0.5, 0) = 0, key_name DESC, path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_camelot_asc ON tracks(camelot IS NULL, COALESCE(key_confidence >= 0.5, 0) = 0, CAST(camelot AS INTEGER), substr(camelot, -1), path_sort, path) WHERE lib_status IS NOT NULL;
   CREATE INDEX lib_sort_camelot_desc ON tracks(camelot IS NULL, COALESCE(key_confidence >= 0.5, 0) = 0, CAST(camelot AS INTEGER) DESC, substr(camelot, -1) DESC, path_sort, path) WHERE lib_status IS NOT NULL;`,
  // 19 (rescan39): the library row's file identity as the scan last saw it, "DEV:INO" (library/walk.ts fileIdentity;
  // NULL on a file system whose inode numbers are not kept across renames and mounts — FAT, exFAT, network shares —
  // and before a scan saw the file): two `cp -p` copies (the same size and mtime) renamed in one scan could take each
  // other's rows, their crates, cues and chat; the move match now prefers the row of the file's own inode (job.ts moveMatch)
  `ALTER TABLE tracks ADD COLUMN lib_file_id TEXT;`,
];
