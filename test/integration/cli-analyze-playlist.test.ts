// `studio analyze set.m3u8` (left28b): a user's playlist stands for the files it lists. Before, the engine refused it
// as media ("is a playlist (M3U/HLS) … open the files it lists"), exit 1 and nothing analysed. The built CLI and a real
// engine process: relative, absolute and file: URL entries, #EXTINF lines, a byte order mark and CRLF line ends, a
// missing entry and a URL reported as failures (exit 1) while the rest are analysed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { ROOT, toneFile } from '../helpers/media';

const dir = mkdtempSync(join(tmpdir(), 'rs-cli-playlist-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function studio(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('analyze set.m3u8: the listed tracks are analysed; a missing entry and a URL are reported with their lines, exit 1', () => {
  mkdirSync(join(dir, 'music', 'Sets'), { recursive: true });
  mkdirSync(join(dir, 'elsewhere'));
  const a = join(dir, 'music', 'Sets', 'a #1.wav');
  const b = join(dir, 'elsewhere', 'b.wav');
  const c = join(dir, 'elsewhere', 'c ü.wav');
  copyFileSync(toneFile('cli-playlist-1s.wav', 1), a);
  copyFileSync(toneFile('cli-playlist-1s.wav', 1), b);
  copyFileSync(toneFile('cli-playlist-1s.wav', 1), c);
  const lines = ['#EXTM3U', '#EXTINF:1,A - One', 'Sets/a #1.wav', '#EXTINF:1,B', b, '#EXTINF:-1,gone', 'Sets/missing.flac', pathToFileURL(c).href, 'http://radio.example/live', 'Sets/a #1.wav'];
  const playlist = join(dir, 'music', 'set.m3u8');
  writeFileSync(playlist, '\ufeff' + lines.join('\r\n') + '\r\n');

  const r = studio('analyze', '--json', playlist);
  assert.equal(r.code, 1, `exit ${r.code}: ${r.out}${r.err}`);
  const recs = r.out.trim().split('\n').map((l) => JSON.parse(l) as { path: string; error: string | null; code?: string; durationSec?: number });
  const ok = recs.filter((x) => x.error === null);
  // the playlist's order (a, b, c), not path order (b, c, a); a listed again last is reported once, at its first place
  assert.deepEqual(ok.map((x) => x.path), [a, b, c], 'each listed file once, in the playlist\'s order (a is listed twice)');
  assert.ok(ok.every((x) => x.durationSec === 1), JSON.stringify(ok));
  const bad = recs.filter((x) => x.error !== null);
  assert.deepEqual(bad.map((x) => [x.path, x.code]), [[join(dir, 'music', 'Sets', 'missing.flac'), 'NOT_FOUND'], ['http://radio.example/live', 'NOT_MEDIA']]);
  assert.match(bad[0].error!, /listed in "set\.m3u8" \(line 7\) but not found/);
  assert.match(bad[1].error!, /\(line 9\) but it is a URL, not a file on this machine/);

  const text = studio('analyze', 'music/set.m3u8');
  assert.equal(text.code, 1, text.err);
  assert.match(text.err, /studio: .*missing\.flac: listed in "set\.m3u8" \(line 7\) but not found/);
  assert.match(text.err, /set\.m3u8: 2 of its 6 entries cannot be analysed \(above\); analysing the other 4\./);
  assert.doesNotMatch(text.err, /is a playlist/);
  for (const p of [a, b, c]) assert.ok(text.out.includes(`${p}\n  duration    0:01.00`), text.out);
  const at = [a, b, c].map((p) => text.out.indexOf(`${p}\n`));
  assert.deepEqual([...at].sort((x, y) => x - y), at, `text in the playlist's order: ${text.out}`);
});

test("analyze: a set's tracks in its order; files given directly in path order, where the first of them stands; a track also given is reported once, at its first place", () => {
  const d = join(dir, 'order');
  mkdirSync(d);
  for (const n of ['x.wav', 'y.wav', 'z.wav', 'd1.wav', 'd2.wav']) copyFileSync(toneFile('cli-playlist-1s.wav', 1), join(d, n));
  writeFileSync(join(d, 'set.m3u8'), '#EXTM3U\nz.wav\ny.wav\nz.wav\nx.wav\nd1.wav\n');
  const paths = (r: { out: string }) => r.out.trim().split('\n').map((l) => (JSON.parse(l) as { path: string }).path.slice(d.length + 1));
  const r = studio('analyze', '--json', join(d, 'set.m3u8'));
  assert.equal(r.code, 0, r.out + r.err);
  assert.deepEqual(paths(r), ['z.wav', 'y.wav', 'x.wav', 'd1.wav']);
  // direct files first (they stand first): d1, d2 in path order as before; the set after, without d1 again
  const m = studio('analyze', '--json', join(d, 'd2.wav'), join(d, 'set.m3u8'), join(d, 'd1.wav'));
  assert.equal(m.code, 0, m.out + m.err);
  assert.deepEqual(paths(m), ['d1.wav', 'd2.wav', 'z.wav', 'y.wav', 'x.wav']);
  const s = studio('analyze', '--json', join(d, 'set.m3u8'), join(d, 'd2.wav'));
  assert.deepEqual(paths(s), ['z.wav', 'y.wav', 'x.wav', 'd1.wav', 'd2.wav']);
  // no playlist: path order, as before
  assert.deepEqual(paths(studio('analyze', '--json', join(d, 'z.wav'), join(d, 'x.wav'))), ['x.wav', 'z.wav']);
});

test('analyze: a playlist whose files are all there exits 0; one listing nothing exits 1 saying so; one under a media name or an HLS stream playlist is still refused', () => {
  const d = join(dir, 'all');
  mkdirSync(d);
  copyFileSync(toneFile('cli-playlist-1s.wav', 1), join(d, 'x.wav'));
  writeFileSync(join(d, 'old.m3u'), 'x.wav\n');
  const r = studio('analyze', '--json', join(d, 'old.m3u'));
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(JSON.parse(r.out).path, join(d, 'x.wav'));
  writeFileSync(join(d, 'empty.m3u8'), '#EXTM3U\n');
  const e = studio('analyze', join(d, 'empty.m3u8'));
  assert.equal(e.code, 1);
  assert.equal(e.out, '');
  assert.match(e.err, /"empty\.m3u8" is a playlist that lists no files: nothing to analyse\./);
  // by name only: a playlist under a media name, and an HLS stream playlist, stay refused as media (no file read)
  writeFileSync(join(d, 'song.mp3'), '#EXTM3U\nx.wav\n');
  writeFileSync(join(d, 'live.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\nx.wav\n');
  for (const name of ['song.mp3', 'live.m3u8']) {
    const r2 = studio('analyze', '--json', join(d, name));
    assert.equal(r2.code, 1, name);
    const recs = r2.out.trim().split('\n').map((l) => JSON.parse(l) as { path: string; code?: string; error: string | null });
    assert.deepEqual(recs.map((x) => [x.path, x.code]), [[join(d, name), 'NOT_MEDIA']], `${name}: ${r2.out}`);
    assert.match(recs[0].error!, /is a playlist \(M3U\/HLS\)/);
  }
});

// crateimport34: a relative entry written on Windows ("Sets\\a.wav", as foobar2000 and Winamp save an M3U) named no file
// on Linux, where a backslash is a plain character; crates:import tried it with "/", studio analyze did not
test('analyze: a Windows playlist\'s relative entry with backslashes is the file with slashes; a drive-letter entry is named', () => {
  mkdirSync(join(dir, 'win', 'Sets'), { recursive: true });
  const a = join(dir, 'win', 'Sets', 'a.wav');
  copyFileSync(toneFile('cli-playlist-1s.wav', 1), a);
  const playlist = join(dir, 'win', 'winamp.m3u');
  writeFileSync(playlist, ['#EXTM3U', '#EXTINF:1,A', 'Sets\\a.wav', 'C:\\Music\\b.wav', ''].join('\r\n'));
  const r = studio('analyze', '--json', playlist);
  assert.equal(r.code, 1, `exit ${r.code}: ${r.out}${r.err}`);
  const recs = r.out.trim().split('\n').map((l) => JSON.parse(l) as { path: string; error: string | null; code?: string });
  assert.deepEqual(recs.filter((x) => x.error === null).map((x) => x.path), [a]);
  assert.equal(recs.filter((x) => x.error !== null).length, 1, JSON.stringify(recs));
});

