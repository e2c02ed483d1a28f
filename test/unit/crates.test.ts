// crates21: crates (the DJ's playlists) in the library database — migration 12 on a library an older build left, the
// crate module (db/crates.ts, library/crates.ts), the table's crate view (library:query filter.crateId, sort 'crate'),
// membership across a moved file and a track leaving the library; the M3U8 writer (library/m3u8.ts); and the contract
// refusing malformed crates:* arguments before a handler runs.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, win32 } from 'node:path';
import { after, describe, test } from 'node:test';
import { methods, RpcClient, RpcServer, type Crate, type Port } from '@contract';
import { migrations, openDb } from '../../main/engine/db';
import { naturalKey } from '../../main/engine/db/natural-key';
import { LibraryStore } from '../../main/engine/library/store';
import { CrateService, playlistFileName, reorder } from '../../main/engine/library/crates';
import { readM3u, toM3u8 } from '../../main/engine/library/m3u8';
import { playlistFormat, readPlaylist } from '../../main/engine/library/playlists';
import { defaultCrateName } from '../../main/engine/library/crates';
import { entryName, importToast, isPlaylistName, toBase64 } from '../../renderer/src/lib/playlist-import';
import { crateExportFormat, EXPORT_HEADS, findCrate, formatCrates, formatCrateTracks, isStaleExportCopy } from '../../main/cli/crate';
import { movedFromList } from '../../main/engine/db/tracks';
import { rekordboxXml } from '../../main/engine/library/rekordbox-xml';
import { toCsv } from '../../main/engine/library/service';
import { oldFormatLibrary } from '../helpers/library-rows';
import { guardPaths, Roots } from '../../main/engine/fs/roots';
import { crateHandlers } from '../../main/engine/handlers/crates';
import { engineHandlers } from '../../main/engine/handlers';

const dir = mkdtempSync(join(tmpdir(), 'rs-crates-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('crates in the library database', () => {
  test('migration 12 on an old-format library: rows kept; crates made, filled once per track, ordered, shown and sorted in the table', async () => {
    const lib = join(dir, 'old', 'lib');
    const dataDir = join(dir, 'old', 'data');
    const ids = [...(await oldFormatLibrary(lib, dataDir, 4, { schema: 11 })).values()];
    const db = openDb(dataDir);
    try {
      assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
      assert.ok(migrations.length >= 12);
      const store = new LibraryStore(db);
      assert.equal(store.query(undefined, undefined, 0, 10).total, 4, 'the old rows are kept');
      // distinct tags, so a sort within the crate shows
      ['Delta', 'Alpha', 'Charlie', 'Bravo'].forEach((t, i) => db.prepare('UPDATE tracks SET title = ?, title_sort = ?, artist = ? WHERE id = ?').run(t, t.toLowerCase(), 'Artist', ids[i]));
      const crates = new CrateService(db);
      assert.deepEqual(crates.list(), []);
      const warm = crates.create('Warm-up');
      assert.deepEqual({ name: warm.name, trackCount: warm.trackCount }, { name: 'Warm-up', trackCount: 0 });
      // the message names the crate that holds the name, as the sidebar shows it, not the name typed (tester29a: 'A
      // crate named "warm-UP" exists already' beside a sidebar showing only "Warm-up")
      assert.throws(
        () => crates.create('warm-UP'),
        (e: Error & { code?: string }) => e.code === 'BAD_ARGS' && e.message === 'There is a crate named "Warm-up" already (names are the same whatever their case): choose another name.',
      );
      assert.equal(crates.add(warm.id, [ids[2], ids[0]]).added, 2);
      // adding again does not duplicate; a new one goes to the end; an id that is no library row is skipped
      const again = crates.add(warm.id, [ids[0], ids[3], ids[3], 'nosuchtrack1']);
      assert.equal(again.added, 1);
      assert.equal(again.crate.trackCount, 3);
      assert.equal(again.crate.durationSec, 3, 'the analysed lengths summed (1 s each)');
      const inCrate = (sort: { column: 'crate' | 'title'; dir: 'asc' | 'desc' }) => store.query({ crateId: warm.id }, sort, 0, 10).rows.map((r) => r.title);
      assert.deepEqual(inCrate({ column: 'crate', dir: 'asc' }), ['Charlie', 'Delta', 'Bravo'], 'crate order');
      assert.deepEqual(inCrate({ column: 'crate', dir: 'desc' }), ['Bravo', 'Delta', 'Charlie']);
      assert.deepEqual(inCrate({ column: 'title', dir: 'asc' }), ['Bravo', 'Charlie', 'Delta'], 'the usual sorts');
      assert.deepEqual(store.ids({ crateId: warm.id }, { column: 'crate', dir: 'asc' }), [ids[2], ids[0], ids[3]], 'select-all in crate order');
      // a track in several crates
      const peak = crates.create('Peak time');
      crates.add(peak.id, [ids[0]]);
      assert.deepEqual(crates.list().map((c) => [c.name, c.trackCount]), [['Peak time', 1], ['Warm-up', 3]]);
      // reorder: Bravo in front of Charlie; then Charlie to the end
      assert.deepEqual(crates.move(warm.id, [ids[3]], ids[2]).order, [ids[3], ids[2], ids[0]]);
      assert.deepEqual(crates.move(warm.id, [ids[2]], null).order, [ids[3], ids[0], ids[2]]);
      assert.deepEqual(inCrate({ column: 'crate', dir: 'asc' }), ['Bravo', 'Delta', 'Charlie']);
      // remove from the crate: the track stays in the library and in the other crate
      assert.equal(crates.remove(warm.id, [ids[0]]).removed, 1);
      assert.equal(store.query(undefined, undefined, 0, 10).total, 4);
      assert.equal(crates.crate(peak.id).trackCount, 1);
      // rename (to its own name in another case too), unique names, delete
      assert.equal(crates.rename(warm.id, 'Opening').name, 'Opening');
      assert.equal(crates.rename(warm.id, 'OPENING').name, 'OPENING');
      assert.throws(() => crates.rename(warm.id, 'peak time'), { code: 'BAD_ARGS' });
      assert.equal(crates.byName('opening')?.id, warm.id);
      // one case rule with the library's search (NFC, full Unicode lower case): "Été" is "été" and "e\u0301te\u0301"
      const ete = crates.create('Été');
      assert.throws(() => crates.create('été'), { code: 'BAD_ARGS' });
      assert.throws(() => crates.create('E\u0301TE\u0301'), { code: 'BAD_ARGS' });
      assert.equal(crates.byName('e\u0301te\u0301')?.id, ete.id);
      assert.equal(findCrate(crates.list(), 'ÉTÉ')?.id, ete.id, 'studio crate show finds it the same way');
      assert.notEqual(crates.create('Ete').id, ete.id, 'accents are not folded away');
      // listed in the library's natural order (natural-key.ts, as the title column sorts: accents folded as the search
      // does, the plain name first where two fold alike; fix31: "Été" was last, after "Set 10")
      crates.create('Set 10');
      crates.create('set 2');
      assert.deepEqual(crates.list().map((c) => c.name), ['Ete', 'Été', 'OPENING', 'Peak time', 'set 2', 'Set 10']);
      crates.delete(peak.id);
      assert.throws(() => crates.crate(peak.id), { code: 'NOT_FOUND' });
      assert.throws(() => crates.add(peak.id, [ids[0]]), { code: 'NOT_FOUND' });
      assert.equal(store.query(undefined, undefined, 0, 10).total, 4, 'deleting a crate keeps its tracks');
    } finally {
      db.close();
    }
  });

  test('a moved file and a folder absorbed by its parent keep their crates; a track leaving the library keeps its places, hidden, for its file to rejoin (lib40)', async () => {
    const lib = join(dir, 'move', 'music', 'lib');
    const dataDir = join(dir, 'move', 'data');
    const ids = [...(await oldFormatLibrary(lib, dataDir, 3)).values()];
    const db = openDb(dataDir);
    try {
      const store = new LibraryStore(db);
      const crates = new CrateService(db);
      const c = crates.create('Set');
      crates.add(c.id, ids);
      // the watcher's move: same row, new path
      store.moveTrack(ids[0], join(lib, 'sub', 'moved.mp3'), null);
      // a parent folder added: the child folder's rows move to it (LibraryFoldersRepo.moveTracks)
      const child = store.folders()[0];
      const parent = store.addFolder(join(dir, 'move', 'music'), [child.id]);
      assert.equal(store.folders().length, 1);
      assert.equal(parent.trackCount, 3);
      assert.deepEqual(store.ids({ crateId: c.id }, { column: 'crate', dir: 'asc' }), ids, 'membership and order kept');
      assert.match(crates.export(c.id).content, /sub\/moved\.mp3\n/);
      // web mode's roots (`under`): only the tracks below them are listed
      const within = crates.export(c.id, undefined, [join(lib, 'sub') + '/']);
      assert.equal(within.count, 1);
      assert.deepEqual(within.content.split('\n').filter((l) => l && !l.startsWith('#')), [join(lib, 'sub', 'moved.mp3')]);
      // leaving the library (lib40: a row in a crate is kept out of the library with its crate places, for its file to
      // rejoin — db/tracks.ts leaveLibrary): the crate lists and counts library rows only
      store.removeTracks([ids[1]]);
      db.prepare('UPDATE tracks SET in_recent = 1 WHERE id = ?').run(ids[2]);
      store.removeTracks([ids[2]]);
      assert.ok(store.tracks.byId(ids[1]) && store.tracks.byId(ids[2]), 'both rows kept out of the library');
      assert.equal((db.prepare('SELECT count(*) AS n FROM crate_tracks').get() as { n: number }).n, 3, 'their crate places kept');
      assert.deepEqual(store.ids({ crateId: c.id }, undefined), [ids[0]]);
      assert.equal(crates.crate(c.id).trackCount, 1);
      assert.equal(crates.export(c.id).count, 1, 'the export lists library rows only');
      // out of every crate, then out of the library: a row with nothing of the user's is deleted (ON DELETE CASCADE)
      crates.remove(c.id, [ids[0]]);
      store.removeTracks([ids[0]]);
      assert.equal(store.tracks.byId(ids[0]), undefined, 'deleted');
      assert.equal((db.pragma('foreign_key_check') as unknown[]).length, 0);
    } finally {
      db.close();
    }
  });

  test('reorder() and the playlist file name', () => {
    assert.deepEqual(reorder(['a', 'b', 'c', 'd'], ['d', 'b'], 'a'), ['b', 'd', 'a', 'c'], 'the moved keep their crate order');
    assert.deepEqual(reorder(['a', 'b', 'c'], ['a'], null), ['b', 'c', 'a']);
    assert.deepEqual(reorder(['a', 'b', 'c'], ['a', 'b'], 'b'), ['c', 'a', 'b'], 'in front of one moved itself: to the end');
    assert.deepEqual(reorder(['a', 'b'], ['x'], 'a'), ['a', 'b'], 'an id not in the crate moves nothing');
    assert.equal(playlistFileName('Sets: 2026/01 "Peak"'), 'Sets_ 2026_01 _Peak_.m3u8');
    assert.equal(playlistFileName('Café ☕'), 'Café ☕.m3u8');
    assert.equal(playlistFileName('..'), '_.m3u8');
    assert.equal(playlistFileName('  '), 'crate.m3u8');
    // Windows refuses a device name as a file name, with any extension: "CON.m3u8" cannot be saved there
    assert.equal(playlistFileName('CON'), 'CON_.m3u8');
    assert.equal(playlistFileName('lpt1.live'), 'lpt1_.live.m3u8');
    assert.equal(playlistFileName('Console'), 'Console.m3u8', 'a longer name that starts like one is fine');
    assert.equal(playlistFileName('Late set...'), 'Late set....m3u8', 'dots before the extension are kept');
    assert.equal(playlistFileName('.hidden'), '_hidden.m3u8');
    assert.equal(playlistFileName('a\u0085b'), 'a_b.m3u8', 'a C1 control');
    // cli40: sanitize-filename keeps the bidi controls, and "evil\u202Etxt.m3u8" is shown as "evil8u3m.txt"
    assert.equal(playlistFileName('evil\u202Etxt'), 'eviltxt.m3u8');
    assert.equal(playlistFileName('\u2067שיר\u2069 \u202Aset\u202C'), 'שיר set.m3u8', 'every embedding, override and isolate; the letters kept');
    assert.equal(playlistFileName('\u202E'), 'crate.m3u8', 'nothing else: the fallback name');
    const long = playlistFileName('☕'.repeat(200));
    assert.ok(Buffer.byteLength(long) <= 255, 'the name fits 255 bytes');
    assert.equal(long, `${'☕'.repeat(83)}.m3u8`, 'cut at a whole character, the extension kept');
  });

  test('a name another writer took between the check and the write (two connections to one database) is BAD_ARGS naming that crate, not DB_WRITE_FAILED (crash35)', async () => {
    const dataDir = join(dir, 'race');
    const a = openDb(dataDir);
    const b = openDb(dataDir);
    try {
      const mine = new CrateService(a);
      const other = new CrateService(b);
      /** the other connection commits `name` once, right after this service's next name check (as another process may) */
      const takenAfterCheck = (name: string) => {
        const check = mine.repo.idByName.bind(mine.repo);
        mine.repo.idByName = (n: string) => {
          const r = check(n);
          mine.repo.idByName = check;
          other.create(name);
          return r;
        };
      };
      const clear = 'There is a crate named "Friday" already (names are the same whatever their case): choose another name.';
      const isClear = (e: Error & { code?: string }) => (assert.deepEqual({ code: e.code, message: e.message }, { code: 'BAD_ARGS', message: clear }), true);
      takenAfterCheck('Friday');
      assert.throws(() => mine.create('friday'), isClear, 'crates:create');
      const sat = mine.create('Saturday');
      takenAfterCheck('Friday');
      assert.throws(() => mine.rename(sat.id, 'FRIDAY'), isClear, 'crates:rename');
      b.prepare('DELETE FROM crates').run();
      // crates:import with a name given: checked first, then again inside its write, whose write lock (BEGIN IMMEDIATE)
      // keeps the other out between that check and the insert (a deferred one failed its insert, SQLITE_BUSY_SNAPSHOT:
      // DB_WRITE_FAILED "locked by another program"); the other, told so, finds the name taken
      b.pragma('busy_timeout = 0');
      const list = join(dir, 'race', 'set.m3u8');
      writeFileSync(list, '#EXTM3U\n/nowhere/a.mp3\n');
      const check = mine.repo.idByName.bind(mine.repo);
      let checks = 0;
      let meanwhile: unknown;
      mine.repo.idByName = (n: string) => {
        const r = check(n);
        if (++checks === 2) {
          mine.repo.idByName = check;
          try {
            other.create('Friday');
          } catch (err) {
            meanwhile = err;
          }
        }
        return r;
      };
      const made = await mine.importPlaylist({ path: list }, 'Friday');
      assert.equal(made.crate.name, 'Friday', 'crates:import');
      assert.equal((meanwhile as { code?: string } | undefined)?.code, 'DB_WRITE_FAILED', 'the other writer waited, then gave up');
      assert.throws(() => other.create('Friday'), isClear, 'the other writer, after it');
      assert.deepEqual(mine.list().map((c) => c.name), ['Friday'], 'nothing half made');
    } finally {
      a.close();
      b.close();
    }
  });
});

test('studio crate list lines its counts up as a terminal draws the names: wide (CJK, emoji) characters take 2 cells, a combining accent 0', () => {
  // before: names were padded by UTF-16 code units ("夜のクラブ" is 5 units but 10 cells), so the counts went out of line
  const c = (name: string, trackCount: number): Crate => ({ id: name, name, trackCount, durationSec: trackCount * 60, createdAt: 0 });
  const lines = formatCrates([c('夜のクラブ', 3), c('Warm-up', 12), c('E\u0301te\u0301', 1), c('🎧 Set', 2)]).split('\n');
  // the widest name is 夜のクラブ: 10 cells; each name is padded to 10 cells, then two spaces and the count in 5
  assert.deepEqual(lines, [
    '夜のクラブ' + '  ' + '    3 tracks  3:00',
    'Warm-up' + ' '.repeat(3) + '  ' + '   12 tracks  12:00',
    'E\u0301te\u0301' + ' '.repeat(7) + '  ' + '    1 track   1:00',
    '🎧 Set' + ' '.repeat(4) + '  ' + '    2 tracks  2:00',
  ]);
});

test('studio crate show prints no tag or path that holds a control character as it is (a terminal escape in a file\'s tags)', () => {
  const crate = { id: 'AAAAAAAAAAAA', name: 'Set', trackCount: 1, durationSec: 1, createdAt: 0 };
  const t = { title: 'Evil\u001b]0;pwned\u0007', artist: 'A', path: '/m/x\u009b.mp3', fileName: 'x.mp3', durationSec: 1, bpm: null, bpmConfidence: null, key: null, keyConfidence: null, camelot: null };
  const text = formatCrateTracks(crate, [t as never]);
  assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(text), JSON.stringify(text));
  assert.match(text, /"A - Evil\\u001b\]0;pwned\\u0007"  "\/m\/x\\u009b\.mp3"$/);
});

test('studio crate show marks a tempo or key that changes within the track with "~", as the library table does (dj36)', () => {
  const crate = { id: 'AAAAAAAAAAAA', name: 'Set', trackCount: 2, durationSec: 2, createdAt: 0 };
  const base = { artist: null, fileName: 'x.mp3', durationSec: 1, bpm: 120, bpmConfidence: 0.9, key: 'G minor', keyConfidence: 0.9, camelot: '6A', tempoSections: null, keySections: null };
  const changes = { ...base, title: 'Blues', path: '/m/blues.mp3', keySections: [{ startSec: 0, endSec: 30, key: 'G minor' }, { startSec: 30, endSec: 60, key: 'C minor' }] };
  const drifts = { ...base, title: 'Drift', path: '/m/drift.mp3', tempoSections: [{ startSec: 0, endSec: 30, bpm: 90 }, { startSec: 30, endSec: 60, bpm: 130 }] };
  const [, a, b] = formatCrateTracks(crate, [changes as never, drifts as never]).split('\n');
  assert.match(a, /^ {3}1 {5}0:01 {6}120\.0  ~6A {8}Blues/);
  assert.match(b, /^ {3}2 {5}0:01 {5}~120\.0  6A {9}Drift/);
});

describe('M3U8 writer (RFC 8216 §4.3.2.1 EXTINF)', () => {
  test('#EXTM3U, #EXTINF seconds and "Artist - Title", unicode paths as UTF-8, relative under the playlist folder, absolute elsewhere', () => {
    const text = toM3u8(
      [
        { path: '/music/Sets/Björk – Jóga (Live) 日本.flac', durationSec: 305.6, artist: 'Björk', title: 'Jóga, live' },
        { path: '/music/Other/x.mp3', durationSec: 59.4, artist: null, title: 'Only a title' },
        { path: '/elsewhere/no tags.m4a', durationSec: null, artist: 'DJ', title: null },
        { path: '/music/Sets/deep/🎧 mix.opus', durationSec: 0.2, artist: 'A\nB', title: 'T\r\nU' },
      ],
      '/music/Sets',
      posix,
    );
    assert.equal(
      text,
      [
        '#EXTM3U',
        '#EXTINF:306,Björk - Jóga, live',
        'Björk – Jóga (Live) 日本.flac',
        '#EXTINF:59,Only a title',
        '/music/Other/x.mp3',
        '#EXTINF:-1,DJ - no tags',
        '/elsewhere/no tags.m4a',
        '#EXTINF:0,A B - T U',
        'deep/🎧 mix.opus',
        '',
      ].join('\n'),
    );
    assert.ok(!text.startsWith('\ufeff'), 'no byte order mark (RFC 8216 §4.1)');
    assert.deepEqual([...Buffer.from(text, 'utf8').subarray(0, 7)], [...Buffer.from('#EXTM3U')]);
  });

  test('without a playlist folder every path is absolute; a folder that only shares a prefix is not "under"; Windows paths; a line break in a path', () => {
    const e = { durationSec: 1, artist: null, title: 'x' };
    assert.equal(toM3u8([{ ...e, path: '/music/a.mp3' }], undefined, posix).split('\n')[2], '/music/a.mp3');
    assert.equal(toM3u8([{ ...e, path: '/music2/a.mp3' }], '/music', posix).split('\n')[2], '/music2/a.mp3');
    assert.equal(toM3u8([{ ...e, path: 'C:\\Music\\Sets\\a.mp3' }], 'c:\\music', win32).split('\n')[2], 'Sets\\a.mp3');
    assert.equal(toM3u8([{ ...e, path: 'D:\\a.mp3' }], 'C:\\Music', win32).split('\n')[2], 'D:\\a.mp3');
    assert.equal(toM3u8([{ ...e, path: '/m/two\nlines.mp3' }], '/m', posix).split('\n')[2], 'file:///m/two%0Alines.mp3');
    assert.equal(toM3u8([], '/m', posix), '#EXTM3U\n');
  });

  test('a relative path no player misreads: "#1 Hit.mp3" is not a comment line, a leading space is not trimmed, a trailing one goes as a file: URL', () => {
    const e = { durationSec: 1, artist: null, title: 'x' };
    const line = (p: string, d: string, api = posix) => toM3u8([{ ...e, path: p }], d, api).split('\n')[2];
    assert.equal(line('/m/#1 Hit.mp3', '/m'), './#1 Hit.mp3');
    assert.equal(line('/m/#1/a.mp3', '/m'), './#1/a.mp3');
    assert.equal(line('/m/ intro.mp3', '/m'), './ intro.mp3');
    assert.equal(line('/m/outro.mp3 ', '/m'), 'file:///m/outro.mp3%20');
    assert.equal(line('C:\\Music\\#1 Hit.mp3', 'C:\\Music', win32), '.\\#1 Hit.mp3');
    assert.equal(line('C:\\Music\\two\nlines.mp3', 'C:\\Music', win32), 'file:///C:/Music/two%0Alines.mp3');
    assert.equal(line('/m/a#b.mp3', '/m'), 'a#b.mp3', 'a "#" inside a name is no comment');
  });
});

describe('M3U reader (a user\'s playlist: studio analyze set.m3u8)', () => {
  test('BOM, CRLF, #EXTINF and comments skipped; relative, absolute and file: URL entries; a URL reported; line numbers kept', () => {
    const text = '\ufeff#EXTM3U\r\n#EXTINF:3,A - B\r\nSets/a.flac\r\n\r\n# a comment\r\n/abs/b.mp3\r\n  file:///m/two%20words%23.ogg  \r\nhttp://radio.example/stream\r\nmissing.wav';
    const r = readM3u(Buffer.from(text, 'utf8'), '/m', posix);
    assert.deepEqual(r.entries.map((e) => [e.path, e.line]), [['/m/Sets/a.flac', 3], ['/abs/b.mp3', 6], ['/m/two words#.ogg', 7], ['/m/missing.wav', 9]]);
    assert.deepEqual(r.unusable.map((u) => [u.line, u.text]), [[8, 'http://radio.example/stream']]);
    assert.equal(r.hls, false);
    assert.deepEqual(readM3u(Buffer.from('a.mp3\rb.mp3'), '/m', posix).entries.map((e) => e.path), ['/m/a.mp3', '/m/b.mp3'], 'old Mac CR line ends');
    assert.match(readM3u(Buffer.from('file://server/share/a.mp3'), '/m', posix).unusable[0].why, /not a file on this machine/);
  });

  test('reads back what the writer (toM3u8) writes: "./#1 Hit.mp3", a file: URL with a line break, Windows paths', () => {
    const e = { durationSec: 1, artist: null, title: 'x' };
    const paths = ['/m/#1 Hit.mp3', '/m/ intro.mp3', '/m/outro.mp3 ', '/m/two\nlines.mp3', '/elsewhere/Björk 日本.flac', '/m/deep/🎧 mix.opus'];
    const text = toM3u8(paths.map((path) => ({ ...e, path })), '/m', posix);
    assert.deepEqual(readM3u(Buffer.from(text, 'utf8'), '/m', posix).entries.map((x) => x.path), paths);
    const win = ['C:\\Music\\#1 Hit.mp3', 'C:\\Music\\two\nlines.mp3', 'D:\\a.mp3'];
    assert.deepEqual(readM3u(Buffer.from(toM3u8(win.map((path) => ({ ...e, path })), 'C:\\Music', win32)), 'C:\\Music', win32).entries.map((x) => x.path), win);
  });

  test('an old .m3u in Windows-1252 ("ANSI") is read as such; an HLS playlist is told apart', () => {
    const bytes = Buffer.concat([Buffer.from('#EXTINF:1,x\n'), Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x96, 0x20, 0x80]), Buffer.from('.mp3\n')]);
    assert.deepEqual(readM3u(bytes, '/m', posix).entries.map((x) => x.path), ['/m/Café – €.mp3']);
    assert.equal(readM3u(Buffer.from('#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\nseg0.ts\n'), '/m', posix).hls, true);
  });
});

describe('playlists from other software (crates:import): test/fixtures/playlists, written as each program writes them', () => {
  const FIX = join(import.meta.dirname, '..', 'fixtures', 'playlists');
  const M = '/srv/dj/Music';
  const read = (name: string, dir = M, path = posix) => readPlaylist(readFileSync(join(FIX, name)), name, dir, path);
  const INTRO = `${M}/Sets/01 Intro.mp3`;
  const CAFE = `${M}/Sets/Café del Mar.flac`;
  const PURE = `${M}/Sets/100% Pure [Edit].mp3`;

  test('totem-pl-parser (GNOME): PLS and XSPF with raw relative paths, with file:// URIs, and its DOS M3U (backslashes, CRLF)', () => {
    for (const name of ['totem-relative.pls', 'totem-relative.xspf']) {
      const r = read(name);
      assert.equal(r.format, name.endsWith('.pls') ? 'pls' : 'xspf');
      // "100% Pure" is no escape: taken as written; "01 Intro" listed twice, kept twice (the caller adds it once)
      assert.deepEqual(r.entries.map((e) => e.path), [INTRO, CAFE, PURE, INTRO], name);
      assert.deepEqual(r.unusable, [], name);
    }
    for (const name of ['totem-uri.pls', 'totem-uri.xspf']) assert.deepEqual(read(name, '/srv/dj/Playlists').entries.map((e) => e.path), [INTRO, CAFE, PURE, INTRO], name);
    const dos = read('totem-dos-relative.m3u');
    assert.equal(dos.format, 'm3u');
    // as written, "Sets\\01 Intro.mp3" is one file name on Linux; the Windows reading is offered as `also`
    assert.deepEqual(dos.entries.map((e) => e.also), [INTRO, CAFE, PURE, INTRO]);
    assert.deepEqual(dos.entries.map((e) => e.line), [3, 5, 7, 9]);
    // read where paths are Windows', the backslashes are the separators
    assert.deepEqual(read('totem-dos-relative.m3u', 'D:\\Music', win32).entries.map((e) => e.path), ['D:\\Music\\Sets\\01 Intro.mp3', 'D:\\Music\\Sets\\Café del Mar.flac', 'D:\\Music\\Sets\\100% Pure [Edit].mp3', 'D:\\Music\\Sets\\01 Intro.mp3']);
  });

  test('VLC\'s XSPF: percent-encoded file:/// URIs, entities in titles, a stream reported with its line', () => {
    const r = read('vlc.xspf', '/elsewhere');
    assert.deepEqual(r.entries.map((e) => [e.path, e.line]), [[INTRO, 5], [CAFE, 14], [PURE, 30]]);
    assert.deepEqual(r.unusable.map((u) => [u.line, u.text, u.why]), [[23, 'https://radio.example/stream.mp3', 'a URL, not a file on this machine']]);
  });

  test('Mixxx: bare #EXTINF; the .m3u8 in UTF-8, the .m3u in Windows-1252 (é = 0xE9)', () => {
    assert.deepEqual(read('mixxx.m3u8', '/x').entries.map((e) => e.path), [INTRO, CAFE, `${M}/Sets/Missing Track.mp3`]);
    assert.deepEqual(read('mixxx-cp1252.m3u').entries.map((e) => e.path), [INTRO, CAFE]);
  });

  test('Windows players\' M3U8 (BOM, CRLF): read on Windows, drive letters and a UNC share; read here, flagged as Windows paths', () => {
    const win = read('windows-bom.m3u8', 'D:\\Playlists', win32);
    assert.deepEqual(win.entries.map((e) => e.path), ['D:\\Music\\Sets\\01 Intro.mp3', '\\\\nas\\music\\Sets\\Café del Mar.flac', 'D:\\Playlists\\Sets\\100% Pure [Edit].mp3']);
    const here = read('windows-bom.m3u8');
    assert.deepEqual(here.entries.map((e) => [e.windows ?? false, e.also ?? null]), [[true, null], [true, null], [false, PURE]]);
    assert.equal(here.entries[0].text, 'D:\\Music\\Sets\\01 Intro.mp3', 'the BOM is not part of the first line');
  });

  test('iTunes for Mac: CR line ends, names decomposed (NFD) as macOS stores them', () => {
    const r = read('itunes-mac.m3u');
    assert.deepEqual(r.entries.map((e) => e.path), [INTRO, CAFE.normalize('NFD')]);
    assert.notEqual(r.entries[1].path, CAFE, 'the bytes as written: matching them to a library track is the importer\'s (NFC)');
  });

  test('the layout by extension, else by content; a broken or foreign XML file is refused, saying why', () => {
    assert.equal(playlistFormat('list.txt', Buffer.from('[playlist]\nFile1=a.mp3\n')), 'pls');
    assert.equal(playlistFormat('list', Buffer.from('\ufeff  <?xml version="1.0"?><playlist/>')), 'xspf');
    assert.equal(playlistFormat('list.m3u', Buffer.from('<weird.mp3\n')), 'm3u');
    assert.throws(() => readPlaylist(Buffer.from('<playlist xmlns="http://xspf.org/ns/0/"><trackList><track>'), 'a.xspf', '/m', posix), /not well-formed XML/);
    assert.throws(() => readPlaylist(Buffer.from('<?xml version="1.0"?><rss/>'), 'a.xspf', '/m', posix), /not an XSPF playlist: its root element is <rss>/);
    // PLS: entries by number whatever the line order, keys in any case, other sections ignored
    const pls = readPlaylist(Buffer.from('[playlist]\r\nfile10=j.mp3\r\nFile2=b.mp3\r\nFILE1=a.mp3\r\nTitle1=A\r\n[other]\r\nFile3=no.mp3\r\n'), 'x.pls', '/m', posix);
    assert.deepEqual(pls.entries.map((e) => e.path), ['/m/a.mp3', '/m/b.mp3', '/m/j.mp3']);
    // a PLS in Windows-1252
    assert.deepEqual(readPlaylist(Buffer.concat([Buffer.from('[playlist]\nFile1=Caf'), Buffer.from([0xe9]), Buffer.from('.mp3\n')]), 'x.pls', '/m', posix).entries.map((e) => e.path), ['/m/Café.mp3']);
  });
});

test('Import playlist…: the crate named after the file, the toast naming the first three not added, playlists told by name (crateimport34)', () => {
  assert.equal(defaultCrateName('/m/Friday set.m3u8'), 'Friday set');
  assert.equal(defaultCrateName('/m/.m3u'), '.m3u', 'a dot file: the whole name');
  assert.equal(defaultCrateName('/m/tab\there.pls'), 'tab here');
  assert.equal([...defaultCrateName(`/m/${'é'.repeat(150)}.xspf`)].length, 100);
  const crate = { id: 'c1', name: 'Friday set', trackCount: 2, durationSec: 2, createdAt: 0 };
  const miss = (entry: string, reason: string) => ({ entry, line: 1, reason });
  assert.deepEqual(importToast({ crate, format: 'm3u', listed: 2, added: 2, duplicates: 0, missing: [] }), { title: 'Imported “Friday set”', message: '2 of 2 entries added.' });
  const t = importToast({
    crate,
    format: 'xspf',
    listed: 7,
    added: 2,
    duplicates: 1,
    missing: [
      miss('file:///srv/dj/Caf%C3%A9%20del%20Mar.flac', 'no such file: it may have been moved, renamed or deleted'),
      miss('D:\\Music\\a.mp3', 'a Windows path (a drive letter or a network share): it names no file on this computer'),
      miss('http://radio.example/live', 'a URL, not a file on this machine'),
      miss('/m/x.mp3', "outside web mode's allowed folders"),
    ],
  });
  assert.equal(t.message, '2 of 7 entries added (1 listed twice). Not added: 4 — “Café del Mar.flac” (no such file), “a.mp3” (a Windows path), “live” (a URL), and 1 more.');
  assert.equal(entryName('100%.mp3'), '100%.mp3', 'a path is not a URL: "%" as written');
  assert.deepEqual(['a.M3U8', 'b.pls', 'c.XSPF', 'd.m3u', 'e.mp3', 'm3u', 'f.m3u.txt'].map(isPlaylistName), [true, true, true, true, false, false, false]);
  const bytes = new Uint8Array(70_000).map((_, i) => i % 256);
  assert.equal(toBase64(bytes), Buffer.from(bytes).toString('base64'), 'in slices, as one');
});

test('web mode: crates:export goes through the roots guard with the roots\' prefixes (only tracks inside are listed); its playlistDir is a path the roots check', async () => {
  const root = join(dir, 'roots');
  const seen: unknown[] = [];
  const h = guardPaths(
    { 'crates:export': async () => 'unguarded' } as never,
    new Roots({ dirs: [root], libraryFolders: false }, () => []),
    () => undefined,
    {
      library: {
        folders: () => [], query: () => ({ total: 0, rows: [] }), ids: () => ({ total: 0, ids: [] }), export: async () => ({ fileName: '', mime: '', content: '', count: 0 }),
        crates: (under) => ({ 'crates:export': (a) => (seen.push([a, under]), { fileName: 'x.m3u8', mime: 'audio/x-mpegurl', content: '#EXTM3U\n', count: 0 }) }),
      },
    },
  );
  const call = (a: object) => (h as Record<string, (a: object, c: object) => Promise<unknown>>)['crates:export'](a, {});
  await call({ crateId: 'AAAAAAAAAAAA' });
  assert.deepEqual(seen, [[{ crateId: 'AAAAAAAAAAAA' }, [root + '/']]]);
  await assert.rejects(call({ crateId: 'AAAAAAAAAAAA', playlistDir: '/elsewhere' }), { code: 'FORBIDDEN' });
});

test('web mode: no crates:* call tells of or touches a track outside the roots (counts, lengths, add, remove, move, rename, export)', async () => {
  const inside = join(dir, 'web', 'inside');
  const outside = join(dir, 'web', 'outside');
  const dataDir = join(dir, 'web', 'data');
  const ins = [...(await oldFormatLibrary(inside, dataDir, 2)).values()];
  const outs = [...(await oldFormatLibrary(outside, dataDir, 2)).values()];
  const db = openDb(dataDir);
  try {
    const store = new LibraryStore(db);
    const svc = new CrateService(db);
    // the desktop app filled the crate with tracks from both folders
    const set = svc.create('Set');
    svc.add(set.id, [outs[0], ins[0], outs[1], ins[1]]);
    const h = guardPaths(crateHandlers(svc) as never, new Roots({ dirs: [inside], libraryFolders: false }, () => []), () => undefined, {
      library: {
        folders: () => store.folders(), query: () => ({ total: 0, rows: [] }), ids: () => ({ total: 0, ids: [] }), export: async () => ({ fileName: '', mime: '', content: '', count: 0 }),
        crates: (under) => crateHandlers(svc, under),
      },
    }) as unknown as Record<string, (a: object, c: object) => Promise<any>>;
    const web = (m: string, a: object) => h[m](a, {});
    assert.deepEqual((await web('crates:list', {})).map((c: Crate) => [c.name, c.trackCount, c.durationSec]), [['Set', 2, 2]], 'only the tracks inside count');
    // a track outside is not added, not removed, not moved, and the answers name none
    const added = await web('crates:add-tracks', { crateId: set.id, trackIds: [outs[0], outs[1]] });
    assert.deepEqual([added.added, added.crate.trackCount], [0, 2]);
    const other = svc.create('Other');
    assert.equal((await web('crates:add-tracks', { crateId: other.id, trackIds: [outs[0], ins[0]] })).added, 1);
    assert.deepEqual(svc.repo.order(other.id), [ins[0]]);
    assert.equal((await web('crates:remove-tracks', { crateId: set.id, trackIds: [outs[0]] })).removed, 0);
    assert.deepEqual((await web('crates:move-tracks', { crateId: set.id, trackIds: [ins[1], outs[1]], beforeId: outs[0] })).order, [ins[0], ins[1]]);
    assert.deepEqual(svc.repo.order(set.id), [outs[0], ins[0], outs[1], ins[1]], 'the tracks outside kept their places');
    assert.deepEqual((await web('crates:move-tracks', { crateId: set.id, trackIds: [ins[1]], beforeId: ins[0] })).order, [ins[1], ins[0]]);
    assert.equal((await web('crates:rename', { crateId: set.id, name: 'Set 2' })).trackCount, 2);
    const m3u = await web('crates:export', { crateId: set.id });
    assert.equal(m3u.count, 2);
    assert.ok(!m3u.content.includes(outside), 'no path outside');
    // a crate holding tracks outside is not deleted from the browser (that would touch them); one inside only is
    await assert.rejects(web('crates:delete', { crateId: set.id }), { code: 'FORBIDDEN' });
    const mine = svc.create('Mine');
    await web('crates:add-tracks', { crateId: mine.id, trackIds: [ins[0]] });
    assert.equal(await web('crates:delete', { crateId: mine.id }), null);
    // the desktop app (no roots) still sees the whole crate
    assert.equal(svc.crate(set.id).trackCount, 4);
    // and the engine's own table (handlers/index.ts) is wired so: with the roots in its context, crates:list counts 2
    process.env.STUDIO_LIBRARY_BACKGROUND = '0';
    const engine = engineHandlers({ db, dataDir, cacheDir: join(dataDir, 'cache'), mode: 'web', roots: { dirs: [inside], libraryFolders: false }, version: 'test', startedAt: Date.now(), restarts: 0, emit: () => undefined } as never) as unknown as Record<string, (a: object, c: object) => Promise<Crate[]>>;
    assert.deepEqual((await engine['crates:list']({}, {})).map((c) => [c.name, c.trackCount]), [['Other', 1], ['Set 2', 2]]);
  } finally {
    db.close();
  }
});

test('crates:* arguments are checked at the channel: malformed ones are BAD_ARGS and never reach the handler', async () => {
  const a = new Set<(m: unknown) => void>();
  const b = new Set<(m: unknown) => void>();
  const port = (mine: Set<(m: unknown) => void>, theirs: Set<(m: unknown) => void>): Port => ({
    send: (m) => {
      const copy = JSON.parse(JSON.stringify(m));
      setImmediate(() => theirs.forEach((l) => l(copy)));
    },
    onMessage: (l) => (mine.add(l), () => mine.delete(l)),
  });
  const calls: string[] = [];
  const handler = (name: string) => (args: unknown) => (calls.push(name), args) as never;
  new RpcServer(port(b, a), {
    'crates:create': handler('create'),
    'crates:rename': handler('rename'),
    'crates:add-tracks': handler('add'),
    'crates:move-tracks': handler('move'),
    'crates:export': handler('export'),
  });
  const client = new RpcClient(port(a, b));
  const id = 'AAAAAAAAAAAAAAAA';
  const bad: Array<[Parameters<RpcClient['callRaw']>[0], unknown, RegExp]> = [
    ['crates:create', { name: '' }, /name/],
    ['crates:create', { name: '   ' }, /empty/],
    ['crates:create', { name: 'two\nlines' }, /one line/],
    // a terminal escape (OSC: set the window title) from a browser, which studio crate list would print
    ['crates:create', { name: 'x\u001b]0;pwned\u0007' }, /control character/],
    ['crates:rename', { crateId: id, name: 'tab\there' }, /control character/],
    ['crates:create', { name: 'c1\u009b31m' }, /control character/],
    ['crates:create', { name: 'x'.repeat(101) }, /100 characters/],
    ['crates:create', { name: 'a\ud800' }, /lone surrogate/],
    ['crates:create', { name: 'ok', extra: 1 }, /extra|Unrecognized/i],
    ['crates:rename', { crateId: '../x', name: 'ok' }, /malformed id/],
    ['crates:add-tracks', { crateId: id, trackIds: [] }, /trackIds/],
    ['crates:add-tracks', { crateId: id, trackIds: ['bad id!'] }, /malformed id/],
    ['crates:add-tracks', { crateId: id, trackIds: id }, /trackIds/],
    ['crates:move-tracks', { crateId: id, trackIds: [id] }, /beforeId/],
    ['crates:export', { crateId: id, playlistDir: 'relative/dir' }, /absolute path/],
  ];
  for (const [method, args, why] of bad) {
    await assert.rejects(client.callRaw(method, args as never), (e: { code: string; message: string }) => {
      assert.equal(e.code, 'BAD_ARGS', `${method} ${JSON.stringify(args)}`);
      assert.match(e.message, why, `${method} ${JSON.stringify(args)}: ${e.message}`);
      return true;
    });
  }
  assert.deepEqual(calls, []);
  // a good one passes, its name trimmed
  assert.deepEqual(await client.callRaw('crates:create', { name: '  Warm-up  ' }), { name: 'Warm-up' });
});

test("the library's CSV/JSON export comes in the table's order: a crate's own order, a column sort (tester27)", async () => {
  // a crate exported as CSV ("the rows shown") came by path whatever the table showed: a DJ's set list out of its order
  const lib = join(dir, 'export-order', 'lib');
  const dataDir = join(dir, 'export-order', 'data');
  const ids = [...(await oldFormatLibrary(lib, dataDir, 3)).values()];
  const db = openDb(dataDir);
  try {
    ['Track 2', 'Track 10', 'Track 1'].forEach((t, i) => db.prepare('UPDATE tracks SET title = ?, title_sort = ? WHERE id = ?').run(t, naturalKey(t), ids[i]));
    const set = new CrateService(db).create('Set');
    new CrateService(db).add(set.id, [ids[1], ids[2], ids[0]]);
    const sort = (column: string, dir = 'asc') => ({ column, dir });
    // the contract takes the table's sort
    const args = (a: object) => methods['library:export'].input.parse({ format: 'json', ...a });
    for (const mode of ['desktop', 'web'] as const) {
      process.env.STUDIO_LIBRARY_BACKGROUND = '0';
      const engine = engineHandlers({ db, dataDir, cacheDir: join(dataDir, 'cache'), mode, roots: mode === 'web' ? { dirs: [lib], libraryFolders: false } : undefined, version: 'test', startedAt: Date.now(), restarts: 0, emit: () => undefined } as never) as unknown as Record<string, (a: object, c: object) => Promise<{ content: string }>>;
      const titles = async (a: object) => (JSON.parse((await engine['library:export'](args(a), {})).content) as { title: string }[]).map((r) => r.title);
      assert.deepEqual(await titles({ filter: { crateId: set.id }, sort: sort('crate') }), ['Track 10', 'Track 1', 'Track 2'], `${mode}: the crate's order`);
      assert.deepEqual(await titles({ sort: sort('title', 'desc') }), ['Track 10', 'Track 2', 'Track 1'], `${mode}: titles descending, naturally`);
      assert.deepEqual(await titles({ trackIds: [ids[0], ids[2]], sort: sort('title') }), ['Track 1', 'Track 2'], `${mode}: the selection too`);
      assert.deepEqual(await titles({}), ['Track 2', 'Track 10', 'Track 1'], `${mode}: without a sort, by path`);
      // the file is named after the crate shown (tester27: every export was library-DATE.csv)
      const name = async (a: object) => ((await engine['library:export'](args(a), {})) as unknown as { fileName: string }).fileName;
      const day = new Date().toISOString().slice(0, 10);
      assert.equal(await name({ filter: { crateId: set.id }, sort: sort('crate') }), `Set-${day}.json`);
      assert.equal(await name({ trackIds: [ids[0]], filter: { crateId: set.id } }), `Set-${day}.json`, 'rows selected in a crate');
      assert.equal(await name({ sort: sort('title') }), `library-${day}.json`);
    }
  } finally {
    db.close();
  }
});

test('studio crate export chooses the format by OUT\'s extension, as the app names its files; another extension, or one --format contradicts, is refused naming those accepted (crate38)', () => {
  // before: every OUT but .xml got M3U8 text — `studio crate export Set out.csv` wrote "#EXTM3U…" into out.csv
  assert.deepEqual(['set.m3u8', 'SET.M3U', 'set.xml', 'Set.CSV', 'set.json'].map((o) => crateExportFormat(o, false)), ['m3u8', 'm3u8', 'rekordbox', 'csv', 'json']);
  for (const o of ['out.txt', 'set', 'set.m3u8.bak']) {
    const r = crateExportFormat(o, false);
    assert.ok(typeof r !== 'string' && /\.m3u8 or \.m3u \(playlist\), \.xml \(rekordbox XML\), \.csv or \.json/.test(r.refused), `${o}: ${JSON.stringify(r)}`);
  }
  assert.equal(crateExportFormat('set.txt', false, 'm3u8'), 'm3u8', '--format names the format of a file named otherwise');
  assert.equal(crateExportFormat('set.xml', false, 'REKORDBOX'), 'rekordbox');
  const clash = crateExportFormat('out.csv', false, 'rekordbox');
  assert.ok(typeof clash !== 'string' && /"out\.csv" is named as CSV \(\.csv\) but --format rekordbox writes a rekordbox XML collection: name the file \.xml/.test(clash.refused), JSON.stringify(clash));
  assert.deepEqual([crateExportFormat('/m/', true), crateExportFormat('/m/', true, 'json')], ['m3u8', 'json'], 'a folder: --format, else the playlist');
  const nml = crateExportFormat('set.nml', false, 'nml');
  assert.ok(typeof nml !== 'string' && nml.refused === '--format nml: expected m3u8, rekordbox, csv or json');
});

test('an export\'s copy of every format is told by its head: the M3U8, rekordbox XML and CSV writers\' output starts with one, and a copy of each (whole, cut, empty) left a minute is stale; a user\'s file so named is not (crate38)', () => {
  // before: isStaleExportCopy knew only "#EXTM3U", so a killed rekordbox export's .NAME.xml.studio-*.tmp stayed for good
  const track = { path: '/m/a.mp3', title: 'A', artist: 'B', album: null, genre: null, year: null, durationSec: 60, sizeBytes: 1, bitrateKbps: 320, sampleRate: 44100, bpm: 120, grid: [], key: 'A minor', cues: [], regions: [], loop: null };
  const written = {
    m3u8: toM3u8([{ path: '/m/a.mp3', durationSec: 60, artist: 'B', title: 'A' }]),
    rekordbox: rekordboxXml([track], [{ name: 'Set', tracks: [0] }], { name: 'Resonance Studio', version: '0', company: 'Resonance Studio' }),
    csv: toCsv([]),
  };
  for (const [format, text] of Object.entries(written)) {
    assert.ok(EXPORT_HEADS.some((h) => Buffer.from(text, 'utf8').subarray(0, h.length).equals(h)), `${format} begins with a head: ${JSON.stringify(text.slice(0, 60))}`);
  }
  const d = mkdtempSync(join(dir, 'stale-'));
  const old = new Date(Date.now() - 5 * 60_000);
  const copy = (name: string, bytes: string | Buffer, age = old) => {
    const p = join(d, name);
    writeFileSync(p, bytes);
    utimesSync(p, age, age);
    return p;
  };
  const json = '[\n {\n  "id": "x"\n }\n]';
  const stale = [
    copy('.Set.xml.studio-0000000a.tmp', written.rekordbox),
    copy('.Set.xml.studio-0000000b.tmp', written.rekordbox.slice(0, 20)),
    copy('.Set.csv.studio-0000000c.tmp', written.csv),
    copy('.Set.json.studio-0000000d.tmp', json),
    copy('.Set.json.studio-0000000e.tmp', '[]'),
    copy('.Set.m3u8.studio-0000000f.tmp', written.m3u8),
    copy('.Set.xml.studio-00000010.tmp', ''),
  ];
  assert.deepEqual(stale.filter((p) => !isStaleExportCopy(p)), [], 'every format\'s copy, whole or cut');
  const kept = [
    copy('.Set.xml.studio-00000011.tmp', '<?xml version="1.0" encoding="UTF-8"?>\n<notes>mine</notes>\n'),
    copy('.Set.json.studio-00000012.tmp', '{"mine": true}'),
    copy('.Set.csv.studio-00000013.tmp', 'a,b,c\r\n'),
    copy('.Set.xml.studio-00000014.tmp', written.rekordbox, new Date()),
    copy('Set.xml.studio-00000015.tmp', written.rekordbox),
  ];
  assert.deepEqual(kept.filter((p) => isStaleExportCopy(p)), [], 'a user\'s file named alike, a copy being written now, a name the export never gives');
});

test('a moved or renamed file\'s earlier paths are kept on its row (the latest first, at most 8, never its path now) for the playlists that name them (crate38)', async () => {
  const lib = join(dir, 'moved-from', 'lib');
  const data = join(dir, 'moved-from', 'data');
  const ids = [...(await oldFormatLibrary(lib, data, 1)).values()];
  const db = openDb(data);
  try {
    const store = new LibraryStore(db);
    const was = () => movedFromList((db.prepare('SELECT lib_moved_from FROM tracks WHERE id = ?').get(ids[0]) as { lib_moved_from: string | null }).lib_moved_from);
    assert.deepEqual(was(), []);
    store.moveTrack(ids[0], join(lib, 'b.mp3'), null);
    store.moveTrack(ids[0], join(lib, 'c.mp3'), null);
    assert.deepEqual(was(), [join(lib, 'b.mp3'), join(lib, 'track-0000.mp3')]);
    store.moveTrack(ids[0], join(lib, 'track-0000.mp3'), null);
    assert.deepEqual(was(), [join(lib, 'c.mp3'), join(lib, 'b.mp3')], 'back at a name it had: not among its earlier ones');
    for (let i = 0; i < 12; i++) store.moveTrack(ids[0], join(lib, `n${i}.mp3`), null);
    assert.equal(was().length, 8);
    assert.equal(was()[0], join(lib, 'n10.mp3'));
  } finally {
    db.close();
  }
  const crate = { id: 'c1', name: 'Friday set', trackCount: 2, durationSec: 2, createdAt: 0 };
  const t = importToast({ crate, format: 'm3u', listed: 2, added: 2, duplicates: 0, missing: [], moved: [{ entry: '/m/old.mp3', line: 3, path: '/m/new.mp3' }] });
  assert.equal(t.message, '2 of 2 entries added. 1 entry found under its file\'s new name (moved or renamed since the playlist was written).');
});
