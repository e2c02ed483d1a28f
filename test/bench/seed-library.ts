/** Synthetic library rows for benches and tests (moved out of library-ui.ts so select-all.ts and library-ids.test.ts share it). */
import { openDb } from '../../main/engine/db';
import { newLibId } from '../../main/engine/library/store';
import { SEARCH_KEY_SQL } from '../../main/engine/db/search-key';

const KEYS: Array<[string, string, string]> = [
  ['C major', '8B', '1d'], ['A minor', '8A', '1m'], ['G major', '9B', '2d'], ['E minor', '9A', '2m'], ['D major', '10B', '3d'], ['B minor', '10A', '3m'],
  ['F major', '7B', '12d'], ['D minor', '7A', '12m'], ['Bb major', '6B', '11d'], ['G minor', '6A', '11m'], ['Eb major', '5B', '10d'], ['C minor', '5A', '10m'],
];
const WORDS = ['Night', 'Drive', 'Echo', 'Velvet', 'Static', 'Bloom', 'Orbit', 'Glass', 'River', 'Ember', 'Signal', 'Haze', 'North', 'Pulse', 'Golden', 'Paper'];

/**
 * Write `n` synthetic analysed rows (every 997th one failed) straight into a fresh engine database in
 * `dataDir` (the engine's own schema and migrations): random titles, artists, BPM 70–180, keys, LUFS;
 * the same rows for the same `n` (a fixed pseudo-random seed), stored below `base`. No files exist behind them.
 */
export function seed(dataDir: string, n: number, base = '/music'): void {
  const db = openDb(dataDir);
  const ins = db.prepare(
    `INSERT INTO tracks (id, path, real_path, size, mtime_ms, kind, probe_json, opened_at, last_opened_at, in_recent, lib_status, folder_id, file_name,
       lib_error, analysed_at, title, artist, album, genre, year, duration_sec, sample_rate, channels, codec, bitrate_kbps, bpm, bpm_confidence,
       key_name, key_confidence, camelot, open_key, lufs, loudness_range, true_peak, features)
     VALUES (?, ?, ?, ?, ?, 'audio', '{}', ?, ?, 0, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 2, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let seedv = 12345;
  const rnd = () => ((seedv = (seedv * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const failed = i % 997 === 0;
      const title = `${pick(WORDS)} ${pick(WORDS)} ${i}`;
      const artist = `${pick(WORDS)} ${pick(['Collective', 'Trio', 'Sound', 'Project'])}`;
      const path = `${base}/${artist}/${title}.flac`;
      const bpm = Math.round((70 + rnd() * 110) * 10) / 10;
      const [key, cam, ok] = pick(KEYS);
      const lufs = Math.round((-20 + rnd() * 14) * 10) / 10;
      ins.run(
        newLibId(), path, path, 30_000_000, now, now, now, failed ? 'failed' : 'analysed', `${title}.flac`,
        failed ? 'not an audio or video file ffmpeg can read' : null, now,
        failed ? null : title, failed ? null : artist, failed ? null : `${pick(WORDS)} Album`, 'Electronic', 2000 + (i % 25),
        failed ? null : 120 + rnd() * 300, failed ? null : 44100, failed ? null : 'flac', 900,
        failed ? null : bpm, failed ? null : rnd(), failed ? null : key, failed ? null : rnd(), failed ? null : cam, failed ? null : ok,
        failed ? null : lufs, failed ? null : 3 + rnd() * 8, failed ? null : -1 + rnd(), failed ? null : `Tempo: ${bpm} BPM. Key: ${key}. Loudness: ${lufs} LUFS.`,
      );
    }
  })();
  // the natural sort keys and the search key the store writes with each row (migrations 8, 13, 14 and 9; natural_key() and
  // search_key() are registered by migrate())
  db.exec(`UPDATE tracks SET title_sort = natural_key(title), artist_sort = natural_key(artist), album_sort = natural_key(album),
    genre_sort = natural_key(genre), file_name_sort = natural_key(file_name), path_sort = natural_path_key(path), folder_sort = natural_folder_key(path, NULL), search_key = ${SEARCH_KEY_SQL}
    WHERE lib_status IS NOT NULL`);
  db.close();
}
