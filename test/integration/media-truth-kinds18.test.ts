// Issue 10, kind 1 leftovers (helper files11): what the probe and the library state about a file's tags and length,
// where one reader's guess stood in for what the file says. Each test failed before its fix, with the value named:
// - Matroska tag levels (RFC 9559 §5.1.8): a track-level Tag (TargetTypeValue 30) and an album-level one (50, which
//   mkvpropedit stores with the default level left out) — the probe and the library took the album's TITLE and ARTIST
//   as the track's ("MKV Album" / "Album Artist") and had no album; now title "MKV Track", album "MKV Album", album
//   artist "Album Artist". ffmpeg's own tags (a Targets without a level, no track-level Tag) stay the file's.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyseForLibrary } from '../../main/engine/library/analyse';
import { probeFile } from '../../main/engine/media/probe';
import { ff, OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'media-truth-kinds18');
const CACHE = join(DIR, 'cache');

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
});
after(() => rmSync(CACHE, { recursive: true, force: true }));

const library = (path: string) => analyseForLibrary({ path, cacheDir: CACHE, only: ['loudness'] });

describe('kind 1: Matroska tag levels', () => {
  /** a Matroska Tag element in mkvpropedit's XML: Targets (a level and/or its word), then name/value SimpleTags */
  const tag = (targets: string, simple: Record<string, string>) =>
    `<Tag><Targets>${targets}</Targets>${Object.entries(simple).map(([k, v]) => `<Simple><Name>${k}</Name><String>${v}</String></Simple>`).join('')}</Tag>`;
  /** a copy of `src` whose global tags mkvpropedit (MKVToolNix) replaces with `tags` */
  const retag = (src: string, name: string, tags: string[]): string => {
    const path = join(DIR, name);
    copyFileSync(src, path);
    const xml = join(DIR, `${name}.xml`);
    writeFileSync(xml, `<?xml version="1.0" encoding="UTF-8"?><Tags>${tags.join('')}</Tags>`);
    execFileSync('mkvpropedit', ['-q', path, '--tags', `global:${xml}`]);
    return path;
  };

  test('the album-level Tag (50) names the album, the track-level one (30) the track — in the probe and the library', async () => {
    const src = join(DIR, 'plain.mka');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=3', '-c:a', 'libvorbis', src]);
    const cases: Array<[string, string[], Record<string, string | undefined>]> = [
      // levels as numbers only (mkvpropedit stores 50, the default, as no level at all): the album's Tag last
      ['levels.mka', [tag('<TargetTypeValue>30</TargetTypeValue>', { TITLE: 'MKV Track', ARTIST: 'Track Artist' }), tag('<TargetTypeValue>50</TargetTypeValue>', { TITLE: 'MKV Album', ARTIST: 'Album Artist' })],
        { title: 'MKV Track', artist: 'Track Artist', album: 'MKV Album', albumArtist: 'Album Artist' }],
      // the album's Tag alone beside a track Tag with only a title: the album's artist is no track artist
      ['album-artist.mka', [tag('<TargetTypeValue>30</TargetTypeValue>', { TITLE: 'MKV Track' }), tag('<TargetTypeValue>50</TargetTypeValue>', { TITLE: 'MKV Album', ARTIST: 'Album Artist' })],
        { title: 'MKV Track', artist: undefined, album: 'MKV Album', albumArtist: 'Album Artist' }],
      // levels as words only (TargetType ALBUM / TRACK), album first
      ['words.mka', [tag('<TargetType>ALBUM</TargetType>', { TITLE: 'MKV Album' }), tag('<TargetType>TRACK</TargetType>', { TITLE: 'MKV Track' })],
        { title: 'MKV Track', album: 'MKV Album' }],
      // an album-level Tag (value and word) and no track-level one: the album, and no track title taken from it
      ['album-only.mka', [tag('<TargetTypeValue>50</TargetTypeValue><TargetType>ALBUM</TargetType>', { TITLE: 'MKV Album', ARTIST: 'Album Artist' })],
        { title: undefined, artist: undefined, album: 'MKV Album', albumArtist: 'Album Artist' }],
    ];
    for (const [name, tags, want] of cases) {
      const path = retag(src, name, tags);
      const p = await probeFile(path);
      const l = await library(path);
      for (const [field, value] of Object.entries(want)) {
        assert.equal(p.tags[field as keyof typeof p.tags], value, `${name} probe ${field}: ${JSON.stringify(p.tags)}`);
        assert.equal(l.tags[field as keyof typeof l.tags], value, `${name} library ${field}: ${JSON.stringify(l.tags)}`);
      }
    }
    // guards: ffmpeg's tags (one Tag, no level) are the file's own; a movie's level-50 TITLE is its title
    const ffm = join(DIR, 'ffmpeg-tags.mka');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-c:a', 'libopus', '-metadata', 'title=FF Title', '-metadata', 'artist=FF Artist', '-metadata', 'album=FF Album', '-metadata', 'album_artist=FF AA', ffm]);
    assert.deepEqual((await probeFile(ffm)).tags, { title: 'FF Title', artist: 'FF Artist', album: 'FF Album', albumArtist: 'FF AA' });
    const mkv = join(DIR, 'movie-src.mkv');
    ff(['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=10:d=2', '-f', 'lavfi', '-i', 'sine=d=2', '-c:v', 'libx264', '-c:a', 'libvorbis', '-shortest', mkv]);
    const movie = retag(mkv, 'movie.mkv', [tag('<TargetTypeValue>50</TargetTypeValue><TargetType>MOVIE</TargetType>', { TITLE: 'The Movie' })]);
    assert.equal((await probeFile(movie)).tags.title, 'The Movie');
  });
});
