// Issue 10, kinds 1 and 2: a fresh tester's real-world files (helper tester11a) — files made the way taggers (id3v2,
// mutagen/Picard, eyeD3, kid3-cli, mp3gain, AtomicParsley, vorbiscomment, metaflac), encoders (lame, oggenc, opusenc,
// flac, sox, ffmpeg) and file managers leave them, checked against ffprobe and a full ffmpeg decode. Faults found and
// fixed here (each test failed before its fix, with the value named):
// - Kind 1: an ID3v2.3 TPE1 holding a "/" — "AC/DC" as the id3v2 tool, Windows Explorer or WMP write it, or Picard's
//   "Artist A/Artist B" (its ID3v2.3 join of several artists): the artist was "AC" (music-metadata splits an ID3v2.3
//   TPE1 at every "/" and the probe showed the first part) and, where the id3v2 tool's ID3v1 copy says "AC/DC", a false
//   "Conflicting artist tags … "AC", "DC", "AC/DC"". Right: the frame's text, as ffprobe reads it.
// - Kind 1: an ID3v2.4 text frame with several NUL-separated values (§4.2; Picard writes several album artists so):
//   the album artist was the first value, the album the last (music-metadata's common tags keep one), and where the
//   file holds another tag format too, the values of the one frame were "Conflicting album tags … "A" (ID3v2.4), "B"
//   (ID3v2.4)". Right: every value, "; "-joined as the artist already was.
// - Kind 1: two ID3v2.3 tags one after the other (a tagger that wrote a new tag before the old one): title and album
//   were the second (old) tag's — music-metadata's common tags keep the later frame; ffprobe and players read the first.
// - Kind 2: `studio probe cover.png` (a still image, as given to `studio ask --image`): "is in fact PNG_PIPE, not PNG as
//   its extension says" (also WebP, BMP; "IMAGE2, not JPG" for a JPEG) and "The container does not state a duration;
//   it is measured when the waveform is computed" — ffmpeg's still-image demuxers were compared with a table of
//   extensions they do not list. Now ffmpeg's image2 is asked which decoder the name implies; a PNG named .jpg is "in
//   fact a PNG image".
// Inputs are built here with ffmpeg and byte by byte (the tag bytes are those the tools named write).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { probeFile } from '../../main/engine/media/probe';
import { libraryProber } from '../helpers/library-probe';
import { ff, OUTPUT } from '../helpers/media';
import { f23, f24, id3, latin1Text, utf8Text } from '../helpers/tag-bytes';

const DIR = join(OUTPUT, 'media-truth-kinds20');
let prober: ReturnType<typeof libraryProber>;

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  prober = libraryProber(DIR);
});
after(() => {
  prober.close();
  rmSync(join(DIR, 'cache'), { recursive: true, force: true });
});

/** a 3 s LAME MP3 (ffmpeg's libmp3lame, 128 kb/s, no tags) */
function mp3Audio(): Buffer {
  const path = join(DIR, 'plain.mp3');
  ff(['-f', 'lavfi', '-i', 'sine=f=440:d=3', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '128k', '-write_id3v1', '0', '-id3v2_version', '0', path]);
  return readFileSync(path);
}

/** an ID3v1.1 tag: 30-byte Latin-1 fields, track 0, genre 255 (none) */
function id3v1(title: string, artist: string, album = ''): Buffer {
  const field = (s: string, n: number) => { const b = Buffer.alloc(n); b.write(s, 'latin1'); return b; };
  return Buffer.concat([Buffer.from('TAG'), field(title, 30), field(artist, 30), field(album, 30), field('', 4), field('', 30), Buffer.from([255])]);
}

describe('kind 1: an ID3v2.3 artist with a "/" is one string', () => {
  test('"AC/DC" (id3v2 tool: ID3v2.3 + ID3v1), Picard\'s "Artist A/Artist B", "Crosby / Nash": as ffprobe reads them, no false conflict; a NUL still ends the text', async () => {
    const audio = mp3Audio();
    const cases: Array<[string, Buffer, string]> = [
      // id3v2 3.8.3 `id3v2 -a "AC/DC" -t "Either/Or"`: ISO-8859-1 frames in an ID3v2.3 tag, and an ID3v1 copy at the end
      ['acdc.mp3', Buffer.concat([id3(3, [f23('TPE1', latin1Text('AC/DC')), f23('TIT2', latin1Text('Either/Or'))]), audio, id3v1('Either/Or', 'AC/DC')]), 'AC/DC'],
      // mutagen (Picard, Quod Libet) saving ID3v2.3: several artists joined with "/" in one UTF-16 frame
      ['picard.mp3', Buffer.concat([id3(3, [f23('TPE1', Buffer.concat([Buffer.from([1, 0xff, 0xfe]), Buffer.from('Artist A/Artist B\0', 'utf16le')]))]), audio]), 'Artist A/Artist B'],
      ['spaces.mp3', Buffer.concat([id3(3, [f23('TPE1', latin1Text('Crosby / Nash'))]), audio]), 'Crosby / Nash'],
      // guard: ID3v2.3 §4.2 — what follows the terminating NUL is not part of the text
      ['nul.mp3', Buffer.concat([id3(3, [f23('TPE1', latin1Text('First\0Second'))]), audio]), 'First'],
    ];
    for (const [name, bytes, artist] of cases) {
      const path = join(DIR, name);
      writeFileSync(path, bytes);
      const p = await probeFile(path);
      assert.equal(p.tags.artist, artist, name);
      assert.ok(!p.warnings.some((w) => /Conflicting artist/.test(w)), `${name}: ${p.warnings.join(' | ')}`);
      assert.equal((await prober.probe(path)).tags.artist, artist, `${name} (library)`);
    }
    assert.equal((await probeFile(join(DIR, 'acdc.mp3'))).tags.title, 'Either/Or');
  });
});

describe('kind 1: an ID3v2.4 frame with several values keeps every value', () => {
  test('TPE2 "AA1\\0AA2", TALB "A\\0B" (Picard, ID3v2.4): "AA1; AA2" and "A; B", and no conflict with the ID3v1 tag beside them (holding the same text)', async () => {
    const audio = mp3Audio();
    const tag = id3(4, [f24('TIT2', utf8Text('Multi')), f24('TPE1', utf8Text('One\0Two')), f24('TPE2', utf8Text('AA1\0AA2')), f24('TALB', utf8Text('A\0B'))]);
    const path = join(DIR, 'multi24.mp3');
    writeFileSync(path, Buffer.concat([tag, audio, id3v1('Multi', 'One; Two', 'A; B')]));
    for (const [where, p] of [['probe', await probeFile(path)], ['library', await prober.probe(path)]] as const) {
      assert.equal(p.tags.artist, 'One; Two', where);
      assert.equal(p.tags.albumArtist, 'AA1; AA2', where);
      assert.equal(p.tags.album, 'A; B', where);
      assert.ok(!p.warnings.some((w) => /Conflicting album/.test(w)), `${where}: ${p.warnings.join(' | ')}`);
    }
  });
});

describe('kind 1: two ID3v2.3 tags one after the other: the first is read', () => {
  test('a new tag written before an old one (TIT2/TPE1/TALB in each): title, artist and album are the first tag\'s, as ffprobe reads them (were the old tag\'s)', async () => {
    const audio = mp3Audio();
    const tag = (t: string, a: string, al: string) => id3(3, [f23('TIT2', latin1Text(t)), f23('TPE1', latin1Text(a)), f23('TALB', latin1Text(al))]);
    const path = join(DIR, 'two-tags.mp3');
    writeFileSync(path, Buffer.concat([tag('New Title', 'New Artist', 'New Album'), tag('Old Title', 'Old Artist', 'Old Album'), audio]));
    for (const [where, p] of [['probe', await probeFile(path)], ['library', await prober.probe(path)]] as const) {
      assert.equal(p.tags.title, 'New Title', where);
      assert.equal(p.tags.artist, 'New Artist', where);
      assert.equal(p.tags.album, 'New Album', where);
    }
  });
});

describe('kind 2: a still image is probed as the image ffmpeg reads it', () => {
  test('cover art as PNG, WebP, BMP, TIFF, JPEG (ffmpeg-written; .tif, .jpeg too): no false "in fact PNG_PIPE, not PNG" nor "does not state a duration"; a PNG named .jpg is said to be a PNG image', async () => {
    const made: string[] = [];
    for (const ext of ['png', 'webp', 'bmp', 'tiff', 'jpg']) {
      const path = join(DIR, `cover.${ext}`);
      ff(['-f', 'lavfi', '-i', 'testsrc=s=96x96', '-frames:v', '1', path]);
      made.push(path);
    }
    for (const [from, to] of [['tiff', 'tif'], ['jpg', 'jpeg']]) {
      const path = join(DIR, `cover-copy.${to}`);
      writeFileSync(path, readFileSync(join(DIR, `cover.${from}`)));
      made.push(path);
    }
    for (const path of made) {
      const p = await probeFile(path);
      assert.equal(p.video?.width, 96, path);
      assert.deepEqual(p.warnings, [], `${path} (${p.container})`);
    }
    const wrong = join(DIR, 'png-named.jpg');
    writeFileSync(wrong, readFileSync(join(DIR, 'cover.png')));
    const p = await probeFile(wrong);
    assert.deepEqual(p.warnings, ['"png-named.jpg" is in fact a PNG image, not JPG as its extension says; it was read as a PNG image.']);
  });
});
