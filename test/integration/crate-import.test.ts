// crateimport34: crates:import through the real engine on a scanned library — playlists as other software writes
// them (test/fixtures/playlists: totem-pl-parser's PLS/XSPF/DOS M3U, VLC's XSPF, Mixxx's M3U8 and Windows-1252 M3U,
// iTunes for Mac's NFD M3U) made into crates of library tracks in the playlist's order; the entries that add nothing
// (a URL, a missing file, a file outside the library, a Windows drive path) listed with their line and why; a link and
// a decomposed (NFD) name matched to the track; a name clash refused as crates:create refuses it; web mode's roots.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/integration/crate-import.test.ts
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { MethodOutput } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { startTestEngine, until } from '../helpers/engine';
import { media, ROOT } from '../helpers/media';

const FIX = join(ROOT, 'test', 'fixtures', 'playlists');
/** the folder the fixtures' absolute paths name */
const FIX_MUSIC = '/srv/dj/Music';

describe('crates:import on a scanned library', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-crate-import-'));
  const music = join(dir, 'Music');
  const outside = join(dir, 'Elsewhere');
  let engine: EngineHost;
  const ids = new Map<string, string>();

  /** a fixture with its /srv/dj/Music paths (as written: plain, or percent-encoded in a file:// URI) made this library's */
  function fixture(name: string, into: string): string {
    const enc = (p: string) => pathToFileURL(p).href.slice('file://'.length);
    const text = readFileSync(join(FIX, name), 'latin1').replaceAll(enc(FIX_MUSIC), enc(music)).replaceAll(FIX_MUSIC, music);
    const out = join(into, name);
    mkdirSync(into, { recursive: true });
    writeFileSync(out, Buffer.from(text, 'latin1'));
    return out;
  }

  before(async () => {
    const mp3 = media('reprobe-tbpm-128-8a.mp3', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', '-b:a', '64k', '-metadata', 'TBPM=128', '-metadata', 'TKEY=8A']);
    const flac = media('crate-import-1s.flac', ['-f', 'lavfi', '-i', 'sine=frequency=330:duration=1', '-c:a', 'flac']);
    mkdirSync(join(music, 'Sets'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    copyFileSync(mp3, join(music, 'Sets', '01 Intro.mp3'));
    copyFileSync(mp3, join(music, 'Sets', '100% Pure [Edit].mp3'));
    copyFileSync(flac, join(music, 'Sets', 'Café del Mar.flac'));
    copyFileSync(mp3, join(outside, 'Not in the library.mp3'));
    // a link outside the library to a library track: a playlist naming the link names the track (real path)
    symlinkSync(join(music, 'Sets', '01 Intro.mp3'), join(outside, 'intro-link.mp3'));
    ({ engine } = await startTestEngine({ dataDir: join(dir, 'data'), env: { STUDIO_LIBRARY_BACKGROUND: '0' } }));
    await engine.call('library:add-folder', { path: music });
    await engine.call('library:idle', {});
    const page = await engine.call('library:query', { offset: 0, limit: 100 });
    for (const r of page.rows) ids.set(r.path.slice(music.length + 1), r.id);
    assert.equal(ids.size, 3, [...ids.keys()].join(', '));
  });
  after(async () => {
    await engine?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const order = async (crateId: string) => (await engine.call('library:query', { filter: { crateId }, sort: { column: 'crate', dir: 'asc' }, offset: 0, limit: 100 })).rows.map((r) => r.path.slice(music.length + 1));
  const INTRO = 'Sets/01 Intro.mp3';
  const CAFE = 'Sets/Café del Mar.flac';
  const PURE = 'Sets/100% Pure [Edit].mp3';

  test('totem-pl-parser\'s PLS, XSPF and DOS M3U beside the music: every track in order, the repeated one once', async () => {
    for (const name of ['totem-relative.pls', 'totem-relative.xspf', 'totem-dos-relative.m3u']) {
      const r = await engine.call('crates:import', { path: fixture(name, music), name: `totem ${name}` });
      assert.deepEqual([r.listed, r.added, r.duplicates, r.missing], [4, 3, 1, []], name);
      assert.deepEqual(await order(r.crate.id), [INTRO, CAFE, PURE], name);
      assert.equal(r.crate.trackCount, 3);
    }
  });

  test('VLC\'s XSPF (file:// URIs) named after its file; the stream is reported with its line, nothing dropped silently', async () => {
    const r: MethodOutput<'crates:import'> = await engine.call('crates:import', { path: fixture('vlc.xspf', join(dir, 'Playlists')) });
    assert.equal(r.crate.name, 'vlc');
    assert.equal(r.format, 'xspf');
    assert.deepEqual(await order(r.crate.id), [INTRO, CAFE, PURE]);
    assert.deepEqual(r.missing, [{ entry: 'https://radio.example/stream.mp3', line: 23, reason: 'a URL, not a file on this machine' }]);
  });

  test('Mixxx\'s M3U8: a missing file listed as such; its Windows-1252 .m3u read as Windows-1252 ("Café")', async () => {
    const r = await engine.call('crates:import', { path: fixture('mixxx.m3u8', join(dir, 'Playlists')) });
    assert.deepEqual(await order(r.crate.id), [INTRO, CAFE]);
    assert.equal(r.missing.length, 1);
    assert.equal(r.missing[0].line, 7);
    assert.match(r.missing[0].reason, /^no such file/);
    const cp = await engine.call('crates:import', { path: fixture('mixxx-cp1252.m3u', music) });
    assert.deepEqual(await order(cp.crate.id), [INTRO, CAFE]);
  });

  test('iTunes for Mac\'s decomposed (NFD) name is the track stored composed; a link names its target\'s track; a file outside the library and a case twin are said so', async () => {
    const it = await engine.call('crates:import', { path: fixture('itunes-mac.m3u', join(dir, 'Playlists')) });
    assert.deepEqual(await order(it.crate.id), [INTRO, CAFE]);
    assert.deepEqual(it.missing, []);
    const list = join(dir, 'Playlists', 'mixed.m3u8');
    // a file in a library folder the scan does not list (a text file): "Rescan", not "add its folder" (dj36)
    writeFileSync(join(music, 'Sets', 'notes.txt'), 'not audio\n');
    writeFileSync(list, ['#EXTM3U', join(outside, 'intro-link.mp3'), join(outside, 'Not in the library.mp3'), join(music, 'sets', '01 intro.mp3'), join(music, 'Sets', 'notes.txt'), ''].join('\n'));
    const r = await engine.call('crates:import', { path: list });
    assert.deepEqual(await order(r.crate.id), [INTRO]);
    assert.deepEqual(r.missing.map((m) => m.line), [3, 4, 5]);
    assert.match(r.missing[2].reason, new RegExp(`^not in the library, though the file is there \\(.*notes\\.txt\\) in its folder "${music.replace(/[[\]()%.]/g, '\\$&')}": the scan does not list it .* Rescan that folder`));
    assert.match(r.missing[0].reason, /^not in the library \(the file is there: .*Not in the library\.mp3\); add its folder/);
    assert.match(r.missing[1].reason, new RegExp(`^no such file; the library has "${join(music, 'Sets', '01 Intro.mp3').replace(/[[\]()%.]/g, '\\$&')}", which differs from it only in case`));
  });

  test('a Windows player\'s M3U8 (BOM, CRLF): the drive and UNC paths named as such, the relative backslash path found', async () => {
    const r = await engine.call('crates:import', { path: fixture('windows-bom.m3u8', music) });
    assert.deepEqual(await order(r.crate.id), [PURE]);
    assert.deepEqual(r.missing.map((m) => [m.line, m.entry]), [[3, 'D:\\Music\\Sets\\01 Intro.mp3'], [5, '\\\\nas\\music\\Sets\\Café del Mar.flac']]);
    for (const m of r.missing) assert.match(m.reason, /^a Windows path/);
  });

  test('a name given that a crate has (any case) is refused as crates:create refuses it, and no crate is made; the playlist\'s own name goes on as "vlc (2)"; no such playlist is NOT_FOUND; a binary file BAD_ARGS', async () => {
    const before = (await engine.call('crates:list', {})).length;
    await assert.rejects(engine.call('crates:import', { path: fixture('vlc.xspf', join(dir, 'Again')), name: 'VLC' }), (e: Error & { code?: string }) => e.code === 'BAD_ARGS' && /There is a crate named "vlc" already/.test(e.message));
    await assert.rejects(engine.call('crates:import', { path: join(dir, 'nope.m3u') }), (e: Error & { code?: string }) => e.code === 'NOT_FOUND');
    await assert.rejects(engine.call('crates:import', { path: join(music, 'Sets', '01 Intro.mp3'), name: 'mp3' }), (e: Error & { code?: string }) => e.code === 'BAD_ARGS' && /not a playlist/.test(e.message));
    assert.equal((await engine.call('crates:list', {})).length, before);
    // imported again under its own name (crateimport34: refused, nothing made): the first free "(n)"
    const again = await engine.call('crates:import', { path: fixture('vlc.xspf', join(dir, 'Again')) });
    assert.deepEqual([again.crate.name, again.added], ['vlc (2)', 3]);
    const third = await engine.call('crates:import', { path: fixture('vlc.xspf', join(dir, 'Again')) });
    assert.equal(third.crate.name, 'vlc (3)');
  });

  test('web mode: a playlist outside the roots is FORBIDDEN; entries outside them are reported, never looked at', async () => {
    const web = await startTestEngine({ dataDir: join(dir, 'data-web'), env: { STUDIO_LIBRARY_BACKGROUND: '0', STUDIO_ROOTS: JSON.stringify({ dirs: [music], libraryFolders: false }) } });
    try {
      await web.engine.call('library:add-folder', { path: music });
      await web.engine.call('library:idle', {});
      await assert.rejects(web.engine.call('crates:import', { path: fixture('vlc.xspf', join(dir, 'Playlists-web')) }), (e: Error & { code?: string }) => e.code === 'FORBIDDEN' && /import a playlist from/.test(e.message));
      const list = join(music, 'web.m3u8');
      // a link outside the roots to a file inside them is judged by its real path (Roots.allows), as every path is
      writeFileSync(list, ['#EXTM3U', 'Sets/01 Intro.mp3', join(outside, 'intro-link.mp3'), join(outside, 'Not in the library.mp3'), join(outside, 'no-such.mp3'), ''].join('\n'));
      const r = await web.engine.call('crates:import', { path: list });
      assert.deepEqual([r.added, r.duplicates], [1, 1]);
      // the file that is there and the one that is not are told alike: web mode tells nothing of what lies outside
      assert.deepEqual(r.missing.map((m) => [m.line, m.reason]), [[4, "outside web mode's allowed folders"], [5, "outside web mode's allowed folders"]]);
    } finally {
      await web.engine.stop();
    }
  });

  test('an entry naming a file renamed since the playlist was written finds its track by the name the watcher saw it leave, and says where it is now (crate38)', async () => {
    // before: Mixxx's playlist naming "Café del Mar.flac", renamed "Café del Mar (2019 Remaster).flac" while the studio
    // ran, said "no such file: it may have been moved, renamed or deleted" though the library had followed the rename.
    // An engine of its own with the folder watcher on (this file's engine runs without it), on a library of its own
    const watching = await startTestEngine({ dataDir: join(dir, 'data-watch') });
    const was = join(music, CAFE);
    const now = join(music, 'Sets', 'Café del Mar (2019 Remaster).flac');
    try {
      const w = watching.engine;
      await w.call('library:add-folder', { path: music });
      await w.call('library:idle', {});
      const rows = async () => (await w.call('library:query', { offset: 0, limit: 100 })).rows;
      const id = (await rows()).find((r) => r.path === was)?.id;
      assert.ok(id, 'the track is in the library');
      renameSync(was, now);
      const moved = await until('the watcher sees the rename', async () => (await rows()).find((r) => r.path === now));
      assert.equal(moved.id, id, 'a move: the row kept');
      const r = await w.call('crates:import', { path: fixture('mixxx.m3u8', join(dir, 'Playlists-renamed')) });
      const order = (await w.call('library:query', { filter: { crateId: r.crate.id }, sort: { column: 'crate', dir: 'asc' }, offset: 0, limit: 100 })).rows.map((x) => x.path.slice(music.length + 1));
      assert.deepEqual(order, [INTRO, 'Sets/Café del Mar (2019 Remaster).flac']);
      assert.deepEqual(r.moved, [{ entry: was, line: 5, path: now }]);
      assert.deepEqual(r.missing.map((m) => [m.line, m.reason.split(':')[0]]), [[7, 'no such file']], 'the missing track is still missing');
    } finally {
      if (existsSync(now)) renameSync(now, was);
      await watching.engine.stop();
    }
  });
});
