// The library's SQL side without the engine process: a database that cannot
// be written (disk full via max_page_count, read-only) gives a clear error and
// no partial rows; queries stay fast at 50,000 rows; CSV quoting (RFC 4180).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openDb } from '../../main/engine/db';
import { LibraryStore } from '../../main/engine/library/store';
import { csvField, toCsv } from '../../main/engine/library/service';
import type { LibraryAnalysis } from '../../main/engine/library/analyse';

function fakeAnalysis(path: string, big = 0): LibraryAnalysis {
  return {
    path, file: { size: 10, mtimeMs: 1 }, durationSec: 60, container: 'flac',
    source: { container: 'flac', durationSec: 60, durationEstimated: false, bitrateKbps: 900, streams: [{ index: 0, type: 'audio', codec: 'flac', sampleRate: 44100, channels: 2 }], metadata: {} },
    bitrateKbps: 880, warnings: [],
    tags: { title: 'T', artist: 'A' }, hasCoverArt: false,
    results: {
      loudness: { integratedLufs: -9.5, rangeLu: 4, truePeakDbtp: -0.5, samplePeakDbfs: -0.6, shortTerm: new Array(big).fill(-10), shortTermStepSec: 1 },
      tempo: { bpm: 120, confidence: 0.8, beats: [0.5, 1, 1.5] },
      tonal: { key: { key: 'A minor', tonic: 9, mode: 'minor', confidence: 0.7, camelot: '8A', openKey: '1m', strengths: new Array(24).fill(0.1), chroma: [] }, chords: { progression: ['Am', 'F'], segments: [] } },
    },
    versions: { loudness: 1, tempo: 1, tonal: 1 },
  };
}

test('disk full: the write fails with a clear error and leaves no partial rows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lib-full-'));
  const db = openDb(dir);
  const store = new LibraryStore(db);
  const { id } = store.markPending('/music/x.flac', null, 10, 1);
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages + 2}`);
  assert.throws(
    () => store.recordResult(id, fakeAnalysis('/music/x.flac', 200_000), 'k'),
    (e: Error & { code?: string }) => e.code === 'DB_WRITE_FAILED' && /cannot be written: the disk is full/.test(e.message),
  );
  const row = db.prepare('SELECT lib_status, bpm FROM tracks WHERE id = ?').get(id) as { lib_status: string; bpm: number | null };
  assert.deepEqual(row, { lib_status: 'pending', bpm: null });
  assert.equal((db.prepare('SELECT count(*) AS n FROM library_analyses').get() as { n: number }).n, 0);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('read-only database: a clear error, nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lib-ro-'));
  openDb(dir).close();
  const db = new Database(join(dir, 'studio.sqlite'), { readonly: true });
  const store = new LibraryStore(db);
  assert.throws(() => store.addFolder('/music'), (e: Error & { code?: string }) => e.code === 'DB_WRITE_FAILED' && /cannot be written: it is read-only/.test(e.message));
  assert.equal(store.folders().length, 0);
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

// Speed at this size is a benchmark's job (test/bench/library-ui.ts, BENCHMARKS.md), not a
// timed assertion: here the deep pages of every sort and the filters must be right.
test('queries at 50,000 rows: deep sorted pages and combined filters are right', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lib-50k-'));
  const db = openDb(dir);
  const store = new LibraryStore(db);
  const keys = [['A minor', '8A', '1m'], ['C major', '8B', '1d'], ['E minor', '9A', '2m']];
  db.transaction(() => {
    const ins = db.prepare(
      `INSERT INTO tracks (id, path, real_path, size, mtime_ms, kind, probe_json, opened_at, last_opened_at, in_recent, lib_status, file_name, title, artist, bpm, lufs, key_name, camelot, open_key, analysed_at, bpm_confidence, key_confidence)
       VALUES (?, ?, ?, 1, 1, 'audio', '{}', 0, 0, 0, 'analysed', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0.9, 0.9)`,
    );
    for (let i = 0; i < 50_000; i++) {
      const k = keys[i % 3];
      ins.run(`id${String(i).padStart(8, '0')}`, `/m/${i}.mp3`, `/m/${i}.mp3`, `${i}.mp3`, `Song ${i}`, `Artist ${i % 500}`, 80 + (i % 100), -20 + (i % 15), k[0], k[1], k[2], i);
    }
  })();
  const sorts = ['bpm', 'lufs', 'title', 'artist', 'key', 'codec', 'analysedAt'] as const;
  for (const c of sorts) {
    for (const dir of ['asc', 'desc'] as const) {
      const page = store.query(undefined, { column: c, dir }, 25_000, 200);
      assert.equal(page.total, 50_000);
      assert.equal(page.rows.length, 200, `sort ${c} ${dir}`);
      if (c === 'bpm' || c === 'lufs') {
        const v = page.rows.map((x) => x[c]!);
        assert.ok(v.every((x, i) => i === 0 || (dir === 'asc' ? v[i - 1] <= x : v[i - 1] >= x)), `sort ${c} ${dir} out of order`);
      }
    }
  }
  const r = store.query({ text: 'artist 42', bpm: [100, 120], lufs: [-15, -5], key: '8A' }, { column: 'bpm', dir: 'desc' }, 0, 100);
  assert.ok(r.total > 0 && r.rows.every((x) => x.key === 'A minor' && x.bpm! >= 100 && x.bpm! <= 120 && /42/.test(`${x.title} ${x.artist}`)));
  const songs = store.query({ text: 'song 4' }, { column: 'title', dir: 'asc' }, 0, 100);
  assert.ok(songs.total > 0 && songs.total < 50_000 && songs.rows.every((x) => /song/i.test(`${x.title}`) && /4/.test(`${x.title} ${x.artist}`)));
  for (const k of ['A minor', 'Am', '8A', '1m']) assert.equal(store.query({ key: k }, undefined, 0, 1).total, Math.ceil(50_000 / 3));
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('CSV: RFC 4180 quoting', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField(null), '');
  assert.equal(csvField(-9.5), '-9.5');
  const csv = toCsv([]);
  // tester15: tag text that a spreadsheet would run as a formula is written as text (a leading '), numbers as they are
  assert.equal(csvField('=HYPERLINK("http://evil","x")'), `"'=HYPERLINK(""http://evil"",""x"")"`);
  assert.equal(csvField('-2+3'), "'-2+3");
  assert.equal(csvField('+44 mix'), "'+44 mix");
  assert.equal(csvField('@home'), "'@home");
  assert.equal(csvField('\t=1+1'), "'\t=1+1");
  assert.equal(csvField(['=cmd|x', 'Rock']), "'=cmd|x | Rock");
  assert.equal(csvField(-21.75), '-21.75');
  assert.equal(csvField('Café -1'), 'Café -1');
  assert.ok(csv.endsWith('\r\n') && csv.startsWith('\ufeffpath,fileName,status,error'), 'a UTF-8 BOM, then the header');
});

test("a failed row carries its error's code (studio analyze --json prints it as code); other rows have none", () => {
  const dir = mkdtempSync(join(tmpdir(), 'lib-code-'));
  const db = openDb(dir);
  const store = new LibraryStore(db);
  const bad = store.markPending('/music/bad.flac', null, 10, 1).id;
  const odd = store.markPending('/music/odd.flac', null, 10, 1).id;
  const good = store.markPending('/music/good.flac', null, 10, 1).id;
  store.recordFailure(bad, 'DECODE_FAILED', 'decoding broke at 0:12', null);
  store.recordFailure(odd, 'SOME_OLD_CODE', 'from an older studio', null);
  store.recordResult(good, fakeAnalysis('/music/good.flac'), 'k');
  const rows = new Map(store.query(undefined, { column: 'path', dir: 'asc' }, 0, 10).rows.map((r) => [r.fileName, r]));
  assert.equal(rows.get('bad.flac')!.errorCode, 'DECODE_FAILED');
  assert.equal(rows.get('odd.flac')!.errorCode, 'INTERNAL');
  assert.ok(!('errorCode' in rows.get('good.flac')!));
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

// tester19: a name typed in one Unicode normal form finds a tag or file name stored in the other. macOS writes file
// names decomposed (NFD: "e" + U+0301), and so do taggers run there; a user on Linux or Windows types the composed
// "é" (NFC). SQLite's LIKE compares code points, so "Café" found nothing of "Café.flac" (NFD) before.
test('search: NFC text finds NFD names and tags, and NFD text finds NFC ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lib-nfd-'));
  const db = openDb(dir);
  const store = new LibraryStore(db);
  const nfd = (s: string) => s.normalize('NFD');
  const nfc = (s: string) => s.normalize('NFC');
  const file = store.markPending(`/music/${nfd('Café del Mar')}.flac`, null, 10, 1);
  store.recordResult(file.id, { ...fakeAnalysis(`/music/${nfd('Café del Mar')}.flac`), tags: { title: 'T', artist: 'A' } }, 'k');
  const tag = store.markPending('/music/b.flac', null, 10, 1);
  store.recordResult(tag.id, { ...fakeAnalysis('/music/b.flac'), tags: { title: nfd('Jürgen'), artist: nfc('Sigur Rós') } }, 'k');
  assert.equal(store.query({ text: nfc('Café') }, undefined, 0, 10).total, 1, 'NFC typed, NFD file name');
  assert.equal(store.query({ text: nfc('jürgen') }, undefined, 0, 10).total, 1, 'NFC typed, NFD title');
  assert.equal(store.query({ text: nfd('Rós') }, undefined, 0, 10).total, 1, 'NFD typed, NFC artist');
  assert.equal(store.query({ text: nfc('Café Rós') }, undefined, 0, 10).total, 0, 'every word must match one row');
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

// tester19: a track with no key at all (silence, a 0.3 s click, drums: the key analyser's key is null) read "— 0%" in
// the library's Key column: the key's confidence 0 was stored and shown beside no key, where a track without a tempo
// shows no confidence. Now it is null, as bpmConfidence is without a BPM (table, export, `studio analyze --json`).
test('no key: its confidence is null, not 0 (as the tempo\'s without a BPM)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lib-nokey-'));
  const db = openDb(dir);
  const store = new LibraryStore(db);
  const a = fakeAnalysis('/music/click.wav');
  const tonal = a.results.tonal as { key: Record<string, unknown> };
  a.results.tonal = { ...tonal, key: { ...tonal.key, key: null, tonic: null, mode: null, confidence: 0, camelot: null, openKey: null } } as typeof a.results.tonal;
  const { id } = store.markPending('/music/click.wav', null, 10, 1);
  store.recordResult(id, a, 'k');
  const row = store.query(undefined, undefined, 0, 10).rows[0];
  assert.equal(row.key, null);
  assert.equal(row.keyConfidence, null);
  // a database written before: the stored 0 is not shown either
  db.prepare('UPDATE tracks SET key_confidence = 0 WHERE id = ?').run(id);
  assert.equal(store.query(undefined, undefined, 0, 10).rows[0].keyConfidence, null);
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

// tester19: SQLite's LIKE folds the case of ASCII letters only, so "ólafur" found nothing of "Ólafur Arnalds", nor
// "été" of "Été indien", nor "øyvind" of "ØYVIND" — the capital accented letter that starts many a French, Nordic or
// Spanish title. Accented words are now compared case-folded (and in either normal form).
test('search: case-insensitive beyond ASCII (Ólafur, Été, Ø), NFD included', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lib-fold-'));
  const db = openDb(dir);
  const store = new LibraryStore(db);
  const put = (path: string, tags: { title: string; artist: string }) => {
    const { id } = store.markPending(path, null, 10, 1);
    store.recordResult(id, { ...fakeAnalysis(path), tags }, 'k');
  };
  put('/music/1.flac', { title: 'Near Light', artist: 'Ólafur Arnalds' });
  put('/music/2.flac', { title: 'Été indien'.normalize('NFD'), artist: 'Joe Dassin' });
  put('/music/3.flac', { title: 'Song', artist: 'ØYVIND' });
  put('/music/4.flac', { title: 'Ordinary', artist: 'Olafur' });
  const n = (text: string) => store.query({ text }, undefined, 0, 10).total;
  assert.equal(n('ólafur'), 2, 'lower-case typed, capital in the tag (and, accents folded, the plain "Olafur")');
  assert.equal(n('ÓLAFUR arnalds'), 1);
  assert.equal(n('été'), 1, 'NFC lower-case typed, NFD capital stored');
  assert.equal(n('øyvind'), 1);
  assert.equal(n('olafur'), 2, 'no accent typed: the accented name too (left28c: accents folded, as music players search)');
  assert.equal(n('Ölafur'), 2, 'and the other way round');
  assert.equal(n('ö indien'), 1);
  assert.equal(n('50%_é'), 0, 'LIKE wildcards typed stay literal');
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

// left28c: "Bjork" found nothing for "Björk", "Beyonce" nothing for "Beyoncé", "Sigur Ros" nothing for "Sigur Rós":
// music players fold diacritics in search; the typed word and the stored key are now both folded (search-key.ts)
test('search: accents folded both ways (Björk, Beyoncé, Sigur Rós, NFD), and the letters NFD keeps whole (ø æ ß đ ł œ)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lib-accents-'));
  const db = openDb(dir);
  const store = new LibraryStore(db);
  const put = (path: string, tags: { title: string; artist: string }) => {
    const { id } = store.markPending(path, null, 10, 1);
    store.recordResult(id, { ...fakeAnalysis(path), tags }, 'k');
  };
  put('/music/1.flac', { title: 'Jóga', artist: 'Björk' });
  put('/music/2.flac', { title: 'Halo', artist: 'Beyoncé'.normalize('NFD') });
  put('/music/3.flac', { title: 'Hoppípolla', artist: 'Sigur Rós' });
  put('/music/4.flac', { title: 'Eple', artist: 'Røyksopp' });
  put('/music/5.flac', { title: 'Straße', artist: 'Æther Œuvre' });
  put('/music/6.flac', { title: 'Łódź', artist: 'Đorđe' });
  put('/music/7.flac', { title: 'が', artist: 'Ash' });
  const n = (text: string) => store.query({ text }, undefined, 0, 10).rows.map((r) => r.path.slice(7, 8)).join('');
  assert.equal(n('Bjork'), '1');
  assert.equal(n('BJÖRK'), '1');
  assert.equal(n('Beyonce'), '2', 'NFD stored');
  assert.equal(n('beyoncé'.normalize('NFD')), '2');
  assert.equal(n('Sigur Ros'), '3');
  assert.equal(n('hoppipolla'), '3');
  assert.equal(n('royksopp'), '4');
  assert.equal(n('strasse'), '5');
  assert.equal(n('aether oeuvre'), '5');
  assert.equal(n('lodz'), '6');
  assert.equal(n('dorde'), '6');
  assert.equal(n('が'), '7', 'a kana voicing mark is not an accent');
  assert.equal(n('か'), '');
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the LUFS filter reads the loudness as the table shows it (0.1 LU): "-13.3" finds a track shown -13.3 (tester24)', () => {
  // stored -13.31, shown -13.3: a LUFS filter from -13.3 left it out (it compared the stored value)
  const dir = mkdtempSync(join(tmpdir(), 'lib-lufs-'));
  const db = openDb(dir);
  const store = new LibraryStore(db);
  const ins = db.prepare(
    `INSERT INTO tracks (id, path, real_path, size, mtime_ms, kind, probe_json, opened_at, last_opened_at, in_recent, lib_status, file_name, title, lufs, analysed_at)
     VALUES (?, ?, ?, 1, 1, 'audio', '{}', 0, 0, 0, 'analysed', ?, ?, ?, 1)`,
  );
  for (const [t, lufs] of [['a', -13.31], ['b', -13.36], ['c', -13.24], ['d', -13.25]] as const) ins.run(t, `/m/${t}.mp3`, `/m/${t}.mp3`, `${t}.mp3`, t, lufs);
  const shown = (lufs: [number, number]) => store.query({ lufs }, { column: 'title', dir: 'asc' }, 0, 10).rows.map((r) => `${r.title} ${r.lufs!.toFixed(1)}`);
  assert.deepEqual(shown([-13.3, -13.3]), ['a -13.3', 'd -13.3']);
  assert.deepEqual(shown([-13.3, 0]), ['a -13.3', 'c -13.2', 'd -13.3']);
  assert.deepEqual(shown([-20, -13.4]), ['b -13.4']);
  // the edges of the rounding: -13.35 and -13.25 are shown -13.3 (toFixed), -13.36 and -13.24 are not
  for (const [t, lufs] of [['e', -13.35], ['f', -13.2500001], ['g', -13.3499]] as const) ins.run(t, `/m/${t}.mp3`, `/m/${t}.mp3`, `${t}.mp3`, t, lufs);
  assert.deepEqual(shown([-13.3, -13.3]), ['a -13.3', 'd -13.3', 'e -13.3', 'f -13.3', 'g -13.3']);
  // and it stays sargable: the plain lufs bound lets SQLite range-scan the lib_lufs index (reviewer of tester24:
  // shown_tenth(lufs) alone in the WHERE scanned every row)
  const w = (store.tracks as unknown as { where(f: object): { sql: string; params: unknown[] } }).where({ lufs: [-13.3, -13.3] });
  const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM tracks WHERE ${w.sql}`).all(...w.params) as { detail: string }[]).map((p) => p.detail).join('; ');
  assert.match(plan, /USING (COVERING )?INDEX lib_lufs \(lufs>\? AND lufs<\?\)/, plan);
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

// session 18 review: migration 10 writes the uncertain-last sort indexes with 0.5 typed in, while order() builds the
// ORDER BY from MIN_CONFIDENCE; were either to change alone, every BPM/key sort would silently become a full sort.
// Migration 18 (sort38) wrote them again (the uncertain ones by their best guess) and indexed the Camelot wheel order
test('migration 18\'s BPM, key and Camelot sort indexes use MIN_CONFIDENCE\'s value, and those sorts (both directions) read them', async () => {
  const { MIN_CONFIDENCE } = await import('@contract');
  const dir = mkdtempSync(join(tmpdir(), 'lib-sortidx-'));
  const db = openDb(dir);
  const store = new LibraryStore(db);
  const c = Number(MIN_CONFIDENCE);
  for (const [name, col, conf, by] of [
    ['lib_sort_bpm_asc', 'bpm', 'bpm_confidence', 'bpm'], ['lib_sort_bpm_desc', 'bpm', 'bpm_confidence', 'bpm DESC'],
    ['lib_sort_key_name_asc', 'key_name', 'key_confidence', 'key_name'], ['lib_sort_key_name_desc', 'key_name', 'key_confidence', 'key_name DESC'],
    ['lib_sort_camelot_asc', 'camelot', 'key_confidence', 'CAST(camelot AS INTEGER), substr(camelot, -1)'],
    ['lib_sort_camelot_desc', 'camelot', 'key_confidence', 'CAST(camelot AS INTEGER) DESC, substr(camelot, -1) DESC'],
  ] as const) {
    const sql = (db.prepare('SELECT sql FROM sqlite_master WHERE type = \'index\' AND name = ?').pluck().get(name) as string).replace(/\s+/g, ' ');
    assert.ok(sql.includes(`(${col} IS NULL, COALESCE(${conf} >= ${c}, 0) = 0, ${by}, path_sort, path)`), `${name} at MIN_CONFIDENCE ${c}: ${sql}`);
    assert.deepEqual([...sql.matchAll(/>= ([\d.]+)/g)].map((m) => Number(m[1])), [c], `${name}: no other threshold`);
  }
  const tracks = store.tracks as unknown as { where(f: undefined): { sql: string; params: unknown[] }; order(f: undefined, s: { column: string; dir: 'asc' | 'desc' }): string };
  const w = tracks.where(undefined);
  for (const [column, idx] of [['bpm', 'lib_sort_bpm'], ['key', 'lib_sort_key_name'], ['camelot', 'lib_sort_camelot']] as const) {
    for (const dir2 of ['asc', 'desc'] as const) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM tracks WHERE ${w.sql} ORDER BY ${tracks.order(undefined, { column, dir: dir2 })} LIMIT 50 OFFSET 40000`).all(...w.params) as { detail: string }[]).map((p) => p.detail).join('; ');
      assert.match(plan, new RegExp(`USING (COVERING )?INDEX ${idx}_${dir2}\\b`), `${column} ${dir2}: ${plan}`);
      assert.doesNotMatch(plan, /TEMP B-TREE/, `${column} ${dir2}: no sort of its own: ${plan}`);
    }
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

// tester (session 20): a user typed the album folder's name ("Kind of Blue" in Music/Miles Davis/Kind of Blue/01.flac,
// files with no album tag) and the search found nothing: it matched the tags and the file name only. Now the folder
// names between the library folder and the file match too, folded as the rest (NFC, full case mapping): not the library
// folder itself nor what lies above it (every row would match "music" or "home"). A row outside any library folder
// (files chosen by hand) matches its own folder's name.
test('search: the folder names of the path below the library folder match (tester20), folded as the tags are', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lib-folders-'));
  const db = openDb(dir);
  const store = new LibraryStore(db);
  const root = store.addFolder('/home/me/Music');
  const inAlbum = `/home/me/Music/Miles Davis/${'Kind of Blue — Été'.normalize('NFD')}/01.flac`;
  const a = store.markPending(inAlbum, root.id, 10, 1);
  store.recordResult(a.id, { ...fakeAnalysis(inAlbum), tags: { title: 'So What', artist: 'M' } }, 'k');
  const loose = '/tmp/Chosen Folder/x.flac';
  const b = store.markPending(loose, null, 10, 1);
  store.recordResult(b.id, { ...fakeAnalysis(loose), tags: { title: 'T', artist: 'A' } }, 'k');
  const n = (text: string) => store.query({ text }, undefined, 0, 10).total;
  assert.equal(n('kind of blue'), 1, 'the album folder, every word');
  assert.equal(n('été'), 1, 'NFC lower-case typed, NFD capital in the folder name');
  assert.equal(n('miles'), 1, 'a folder further up, below the library folder');
  assert.equal(n('so what miles'), 1, 'words from the tags and the folders together');
  assert.equal(n('music'), 0, 'the library folder itself: every row would match');
  assert.equal(n('home'), 0, 'above the library folder');
  assert.equal(n('chosen'), 1, 'a row outside the library folders: its own folder');
  assert.equal(n('tmp'), 0);
  // moved (renamed folder): the key follows the path
  store.tracks.move(a.id, '/home/me/Music/Miles Davis/Sketches/01.flac', '01.flac', root.id);
  assert.equal(n('kind'), 0);
  assert.equal(n('sketches'), 1);
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('search: the folder names follow a row into a parent library folder (addFolder absorbing, setFolder)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lib-folders-move-'));
  const db = openDb(dir);
  const store = new LibraryStore(db);
  const n = (text: string) => store.query({ text }, undefined, 0, 10).total;
  // a folder added, its row scanned; then its parent added, absorbing it (LibraryFoldersRepo.moveTracks)
  const miles = store.addFolder('/home/me/Music/Miles Davis');
  const a = store.markPending('/home/me/Music/Miles Davis/Kind of Blue/01.flac', miles.id, 10, 1);
  store.recordResult(a.id, { ...fakeAnalysis('/home/me/Music/Miles Davis/Kind of Blue/01.flac'), tags: { title: 'So What', artist: 'M' } }, 'k');
  assert.equal(n('miles'), 0, 'the library folder itself is not in the key');
  assert.equal(n('kind of blue'), 1);
  const music = store.addFolder('/home/me/Music', [miles.id]);
  assert.equal(n('miles'), 1, 'below the new, parent library folder now');
  assert.equal(n('kind of blue'), 1);
  // a row opened outside the library (no folder), later found by a library folder's scan (TracksRepo.setFolder)
  const loose = '/home/me/Jazz/Coltrane/Giant Steps/01.flac';
  const b = store.markPending(loose, null, 10, 1);
  store.recordResult(b.id, { ...fakeAnalysis(loose), tags: { title: 'T', artist: 'A' } }, 'k');
  assert.equal(n('coltrane'), 0, 'outside the library folders: its own folder only');
  const jazz = store.addFolder('/home/me/Jazz');
  store.tracks.setFolder(b.id, jazz.id);
  assert.equal(n('coltrane'), 1, 'below its library folder now');
  assert.equal(n('giant steps'), 1);
  assert.ok(music.id);
  db.close();
  rmSync(dir, { recursive: true, force: true });
});
