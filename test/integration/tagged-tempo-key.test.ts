// Session 17 DJ tester: the BPM and key other programs wrote into a file's tags (Mixed In Key, Rekordbox, Serato,
// Traktor: ID3v2 TBPM/TKEY, a Vorbis comment's BPM/INITIALKEY, MP4's tmpo and iTunes' initialkey) were never read,
// so what the tagger said could not be set beside what the studio analysed. Now `studio probe --json` states them
// in `tags` (bpm, key in the studio's naming, keyText as written) and `studio analyze --json` in its `tags` field.
// Files are written the way taggers write them: ffmpeg's ID3v2.3 frames, FLAC Vorbis comments and MP4 tmpo atom,
// and node-taglib-sharp for the iTunes initialkey (ffmpeg writes no freeform atom). Needs `npm run build`.
// Run: node tools/run-tests.mjs test/integration/tagged-tempo-key.test.ts
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { File as TagFile } from 'node-taglib-sharp';
import type { EngineHost } from '../../main/engine-host';
import { startTestEngine } from '../helpers/engine';
import { OUTPUT, ROOT, media } from '../helpers/media';

const bin = join(ROOT, 'bin', 'studio.js');
const DIR = join(OUTPUT, 'tagged-tempo-key-test');
const tone = ['-f', 'lavfi', '-i', 'sine=f=440:d=4', '-ar', '44100'];

let mp3 = '';
let flac = '';
let m4a = '';
let odd = '';
before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  // ID3v2.3, as Mixed In Key / Rekordbox write it: TBPM with decimals, TKEY in Camelot
  mp3 = media('tagged-tbpm-tkey-v23.mp3', [...tone, '-c:a', 'libmp3lame', '-id3v2_version', '3', '-metadata', 'TBPM=128.00', '-metadata', 'TKEY=8A']);
  // FLAC Vorbis comments, as Traktor writes them: BPM with a decimal (music-metadata's common bpm drops it), Open Key
  flac = media('tagged-bpm-initialkey.flac', [...tone, '-c:a', 'flac', '-metadata', 'BPM=126.5', '-metadata', 'INITIALKEY=1m']);
  // MP4: ffmpeg writes the tmpo atom; iTunes' ----:com.apple.iTunes:initialkey by node-taglib-sharp, as taggers do
  m4a = join(DIR, 'tagged-tmpo-initialkey.m4a');
  copyFileSync(media('tagged-tmpo.m4a', [...tone, '-c:a', 'aac', '-metadata', 'tmpo=140']), m4a);
  const f = TagFile.createFromPath(m4a);
  f.tag.initialKey = 'F minor';
  f.save();
  f.dispose();
  // a key text no notation reads: kept as text, no key
  odd = media('tagged-key-unreadable.flac', [...tone, '-c:a', 'flac', '-metadata', 'INITIALKEY=Energy 6']);
});

const probe = (p: string) => {
  const r = spawnSync(process.execPath, [bin, 'probe', p, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { tags: Record<string, unknown> }).tags;
};

test('studio probe --json: the tagged tempo and key, parsed, with the text as written', () => {
  const a = probe(mp3);
  assert.deepEqual([a.bpm, a.key, a.keyText], [128, 'A minor', '8A']);
  const b = probe(flac);
  assert.deepEqual([b.bpm, b.key, b.keyText], [126.5, 'A minor', '1m']);
  const c = probe(m4a);
  assert.deepEqual([c.bpm, c.key, c.keyText], [140, 'F minor', 'F minor']);
  const d = probe(odd);
  assert.deepEqual([d.bpm, d.key, d.keyText], [undefined, undefined, 'Energy 6']);
  // the plain text lists them too
  const text = spawnSync(process.execPath, [bin, 'probe', mp3], { encoding: 'utf8' });
  assert.match(text.stdout, /bpm\s+128\n/);
  assert.match(text.stdout, /keyText\s+8A\n/);
});

test('studio analyze --json: `tags` beside the analysed tempo and key', () => {
  const r = spawnSync(process.execPath, [bin, 'analyze', mp3, flac, m4a, odd, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; error: string | null; tags: unknown });
  const by = (p: string) => rows.find((x) => x.path === p)!;
  for (const x of rows) assert.equal(x.error, null, x.path);
  assert.deepEqual(by(mp3).tags, { bpm: 128, key: 'A minor', keyText: '8A' });
  assert.deepEqual(by(flac).tags, { bpm: 126.5, key: 'A minor', keyText: '1m' });
  assert.deepEqual(by(m4a).tags, { bpm: 140, key: 'F minor', keyText: 'F minor' });
  assert.deepEqual(by(odd).tags, { keyText: 'Energy 6' });
});

let engine: EngineHost | undefined;
after(async () => {
  await engine?.stop();
});

test('library: the scanned row keeps them (its stored probe), and library:track-detail states them as `tagged`', async () => {
  const lib = join(DIR, 'Library');
  mkdirSync(lib, { recursive: true });
  copyFileSync(mp3, join(lib, 'a.mp3'));
  copyFileSync(flac, join(lib, 'b.flac'));
  copyFileSync(media('untagged-tone.wav', [...tone, '-c:a', 'pcm_s16le']), join(lib, 'c.wav'));
  ({ engine } = await startTestEngine({ env: { STUDIO_ANALYSIS_WORKERS: '1' } }));
  await engine.call('library:add-folder', { path: lib });
  await engine.call('library:idle', {});
  const rows = (await engine.call('library:query', { offset: 0, limit: 10 })).rows;
  const tagged = async (name: string) => (await engine!.call('library:track-detail', { trackId: rows.find((r) => r.fileName === name)!.id })).tagged;
  assert.deepEqual(await tagged('a.mp3'), { bpm: 128, key: 'A minor', keyText: '8A' });
  assert.deepEqual(await tagged('b.flac'), { bpm: 126.5, key: 'A minor', keyText: '1m' });
  assert.equal(await tagged('c.wav'), null);
});

// tester20: the export (CSV/JSON) had the analysed tempo and key but not what the file's own tags state, which the
// library reads (above) and the detail sets beside them: `taggedBpm` and `taggedKey` (the tag's text as written) now
// follow `analysedBpm` at the CSV's end, and are in each JSON row; empty/null for a file whose tags state none.
test('library:export: the tagged BPM and key beside the analysed ones (CSV columns at the end, JSON fields)', async () => {
  assert.ok(engine, 'the library test above ran');
  const json = JSON.parse((await engine.call('library:export', { format: 'json' })).content) as Array<Record<string, unknown>>;
  const row = (name: string) => json.find((r) => r.fileName === name)!;
  assert.deepEqual([row('a.mp3').taggedBpm, row('a.mp3').taggedKey], [128, '8A']);
  assert.deepEqual([row('b.flac').taggedBpm, row('b.flac').taggedKey], [126.5, '1m']);
  assert.deepEqual([row('c.wav').taggedBpm, row('c.wav').taggedKey], [null, null]);
  const csv = (await engine.call('library:export', { format: 'csv' })).content.replace(/^\ufeff/, '').trim().split('\r\n');
  const head = csv[0].split(',');
  // fix29's analysedKey and folder follow them
  assert.deepEqual(head.slice(-5), ['analysedBpm', 'taggedBpm', 'taggedKey', 'analysedKey', 'folder'], 'added at the end: columns read by position stay');
  const cells = (name: string) => csv.find((l) => l.includes(`,${name},`))!.split(',');
  assert.deepEqual(cells('a.mp3').slice(-4, -2), ['128', '8A']);
  assert.deepEqual(cells('b.flac').slice(-4, -2), ['126.5', '1m']);
  assert.deepEqual(cells('c.wav').slice(-4, -2), ['', '']);
});
