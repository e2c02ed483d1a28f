// Issue 10, kind 1 leftovers (helper files11): what the probe and the library state about a file's tags and length,
// where one reader's guess stood in for what the file says. Each test failed before its fix, with the value named:
// - Matroska tag levels (RFC 9559 §5.1.8): a track-level Tag (TargetTypeValue 30) and an album-level one (50, which
//   mkvpropedit stores with the default level left out) — the probe and the library took the album's TITLE and ARTIST
//   as the track's ("MKV Album" / "Album Artist") and had no album; now title "MKV Track", album "MKV Album", album
//   artist "Album Artist". ffmpeg's own tags (a Targets without a level, no track-level Tag) stay the file's.
// - AIFF text chunks in Mac OS Roman (NAME "Café Mac", AUTH "Müller & Søn", ANNO, and a COMT chunk, as Mac programs
//   wrote them): the probe and the library showed "CafŽ Mac" / "MŸller & S¿n" (read as Windows-1252 after ffmpeg's
//   U+FFFD), "Annotation )" (music-metadata's ASCII) and no COMT comment; now the text, with a warning that it was
//   read as Mac OS Roman (the rule: valid UTF-8 is UTF-8; other 8-bit text is Mac OS Roman or Windows-1252, whichever
//   reads its high bytes as letters in their places — so media-truth M5's Latin-1 "Café Müller!" stays as it was).
//   UTF-8 chunks (ffmpeg's, AIFF and AIFF-C float) stay exact, without a warning.
// - AAC in .m4a as ffmpeg writes it (an edit list skipping the 1024-sample priming): the probe, the library and
//   `studio analyze` said 8.000 s (the edit list's length) while 8.011 s decodes (ffmpeg 5.1 trims no end padding);
//   now all three state what decodes, counted from the sample table (no decode in the probe: it used to decode
//   every iTunSMPB-tagged file to check its length).
// - MPEG-PS / MPEG-TS with video (a DVD-style VOB, an .mpg, a .ts recording): the probe stated ffmpeg's Duration, an
//   estimate over every stream's PTS printed to 10 ms (6.01 for 6.008 s of MP2 in a VOB; 5.98 in an .mpg, where the
//   library kept it too), the library what decoded; now both state the audio's packets, what decodes.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyseForLibrary } from '../../main/engine/library/analyse';
import { embeddedCover } from '../../main/engine/media/cover';
import { probeFile } from '../../main/engine/media/probe';
import { locateFfmpeg } from '../../main/engine/media/ffmpeg';
import { readStructure } from '../../main/engine/media/structure';
import { decodedSec, ff, OUTPUT, ROOT } from '../helpers/media';
import { REAL_PYTHON } from '../helpers/python';
import { f23, freeform, id3, latin1Text, withIlstItems } from '../helpers/tag-bytes';

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

describe('kind 1: AIFF text chunks in UTF-8 and in Mac OS Roman', () => {
  /** an IFF chunk: id, big-endian size, body, pad byte to an even length */
  const chunk = (id: string, body: Buffer) => { const n = Buffer.alloc(4); n.writeUInt32BE(body.length); return Buffer.concat([Buffer.from(id, 'latin1'), n, body, Buffer.alloc(body.length & 1)]); };
  /** Mac OS Roman bytes of `s` (Python's mac_roman codec, the table Apple publishes) */
  const macRoman = (s: string) => execFileSync(REAL_PYTHON, ['-c', 'import sys; sys.stdout.buffer.write(sys.argv[1].encode("mac_roman"))', s]);
  /** a COMT chunk's body (AIFF 1.3 §12): count, then per comment timeStamp, marker, count, text padded to even */
  const comt = (texts: Buffer[]) => Buffer.concat([Buffer.from([0, texts.length]), ...texts.map((t) => { const h = Buffer.alloc(8); h.writeUInt16BE(t.length, 6); return Buffer.concat([h, t, Buffer.alloc(t.length & 1)]); })]);

  test('Mac OS Roman NAME/AUTH/ANNO/COMT read as Mac OS Roman, with a warning; ffmpeg\'s UTF-8 (AIFF, AIFF-C fl32) exact', async () => {
    const src = join(DIR, 'plain.aiff');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=2', src]);
    const b = readFileSync(src);
    // the file's COMM and SSND chunks, with the text chunks a Mac program writes between them
    const parts: Record<string, Buffer> = {};
    for (let i = 12; i + 8 <= b.length; ) { const n = b.readUInt32BE(i + 4); parts[b.toString('latin1', i, i + 4)] = b.subarray(i, i + 8 + n + (n & 1)); i += 8 + n + (n & 1); }
    const body = Buffer.concat([Buffer.from('AIFF'), parts.COMM, chunk('NAME', macRoman('Café Mac')), chunk('AUTH', macRoman('Müller & Søn')), chunk('ANNO', macRoman('Annotation ©')),
      chunk('COMT', comt([macRoman('Çomment Mac ü'), Buffer.from('Second')])), parts.SSND]);
    const size = Buffer.alloc(4);
    size.writeUInt32BE(body.length);
    const mac = join(DIR, 'mac-roman.aiff');
    writeFileSync(mac, Buffer.concat([Buffer.from('FORM'), size, body]));
    for (const r of [await probeFile(mac), await library(mac)]) {
      assert.equal(r.tags.title, 'Café Mac');
      assert.equal(r.tags.artist, 'Müller & Søn');
      assert.equal(r.tags.comment, 'Çomment Mac ü; Second; Annotation ©');
      assert.ok(r.warnings.some((w) => /not UTF-8 but legacy 8-bit text, read as Mac OS Roman/.test(w)), r.warnings.join(' | '));
    }
    // ffmpeg writes UTF-8 (NAME and ANNO): the exact text, no warning — AIFF and AIFF-C with 32-bit float
    for (const [name, codec] of [['utf8.aiff', 'pcm_s16be'], ['utf8-fl32.aifc', 'pcm_f32be']]) {
      const path = join(DIR, name);
      ff(['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-c:a', codec, '-f', 'aiff', '-metadata', 'title=Sœur Ünïcode', '-metadata', 'comment=Çomment ü', path]);
      for (const r of [await probeFile(path), await library(path)]) {
        assert.equal(r.tags.title, 'Sœur Ünïcode', name);
        assert.equal(r.tags.comment, 'Çomment ü', name);
        assert.deepEqual(r.warnings, [], name);
      }
    }
  });
});

describe('kind 1: AAC in MP4 states what decodes', () => {
  test('an ffmpeg-written 8 s AAC .m4a (edit list): probe = library = analyze = what decodes (8.011, was 8.000)', async () => {
    const rows: Array<[string, string[]]> = [
      ['aac8.m4a', ['-f', 'lavfi', '-i', 'sine=f=440:d=8', '-c:a', 'aac']],
      ['aac48.m4a', ['-f', 'lavfi', '-i', 'sine=f=440:d=5.5', '-ar', '48000', '-ac', '2', '-c:a', 'aac']],
      ['aac-no-edit-list.m4a', ['-f', 'lavfi', '-i', 'sine=f=440:d=4', '-c:a', 'aac', '-use_editlist', '0']],
    ];
    for (const [name, args] of rows) {
      const path = join(DIR, name);
      ff([...args, path]);
      const truth = decodedSec(path);
      const p = await probeFile(path);
      assert.ok(Math.abs(p.durationSec - truth) < 0.001, `${name}: probe ${p.durationSec} vs decoded ${truth}`);
      const l = await library(path);
      assert.equal(l.durationSec, p.durationSec, `${name}: library ${l.durationSec} vs probe ${p.durationSec}`);
    }
    const path = join(DIR, 'aac8.m4a');
    assert.ok(decodedSec(path) > 8.01, 'ffmpeg 5.1 decodes the last frame whole');
    // a stream-copy cut (ffmpeg -ss 1 -t 3 -c copy: an edit list whose start is inside a frame)
    const cut = join(DIR, 'aac-cut.m4a');
    ff(['-ss', '1', '-t', '3', '-i', path, '-c', 'copy', cut]);
    assert.ok(Math.abs((await probeFile(cut)).durationSec - decodedSec(cut)) < 0.001);
    const db = join(DIR, 'analyze.db');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'analyze', path, '--json', '--db', db], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const row = JSON.parse(r.stdout.trim().split('\n')[0]) as { durationSec: number };
    assert.equal(row.durationSec, (await probeFile(path)).durationSec, r.stdout);
  });
});

describe('kind 1: MPEG-PS and MPEG-TS with video: one length', () => {
  test('probe = library = what decodes (was probe 6.01 / library 6.008 for a VOB; 5.98 for 6.008 in an .mpg)', async () => {
    const rows: Array<[string, string[]]> = [
      ['ps-mpeg2-mp2.vob', ['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=30:d=6', '-f', 'lavfi', '-i', 'sine=f=440:d=6', '-c:v', 'mpeg2video', '-c:a', 'mp2', '-f', 'vob']],
      ['ps-mpeg2-mp2.mpg', ['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=25:d=6', '-f', 'lavfi', '-i', 'sine=f=440:d=6', '-c:v', 'mpeg2video', '-c:a', 'mp2']],
      ['ps-dvd-ac3.vob', ['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=6', '-f', 'lavfi', '-i', 'sine=f=440:d=6', '-target', 'pal-dvd', '-s', '320x240']],
      ['ts-h264-aac.ts', ['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=25:d=6', '-f', 'lavfi', '-i', 'sine=f=440:d=6', '-c:v', 'libx264', '-c:a', 'aac']],
    ];
    for (const [name, args] of rows) {
      const path = join(DIR, name);
      ff([...args, path]);
      const truth = decodedSec(path);
      const p = await probeFile(path);
      const l = await library(path);
      assert.ok(Math.abs(p.durationSec - truth) < 0.001, `${name}: probe ${p.durationSec} vs decoded ${truth}`);
      assert.equal(l.durationSec, p.durationSec, `${name}: library ${l.durationSec} vs probe ${p.durationSec}`);
    }
  });
});

describe('kind 1: an ID3v2.3 tag with a large picture after the audio', () => {
  test('found whatever its size (was: none past 256 KiB from the end), with its picture, and its bytes are no audio', async () => {
    const mp3 = join(DIR, 'plain.mp3');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=6', '-c:a', 'libmp3lame', '-b:a', '64k', '-id3v2_version', '0', '-write_xing', '0', mp3]);
    const png = join(DIR, 'noise.png');
    ff(['-f', 'lavfi', '-i', 'testsrc=s=640x480:d=1', '-vf', 'noise=alls=60:allf=t', '-frames:v', '1', png]);
    const picture = readFileSync(png);
    assert.ok(picture.length > 512 << 10, `a picture over 512 KiB: ${picture.length}`);
    // APIC (ID3v2.3 §4.15): encoding, MIME type, picture type 3 (front cover), empty description, the image
    const apic = Buffer.concat([Buffer.from([0]), Buffer.from('image/png\0', 'latin1'), Buffer.from([3, 0]), picture]);
    const tag = id3(3, [f23('TIT2', latin1Text('Appended Title')), f23('TPE1', latin1Text('Appended Artist')), f23('APIC', apic)]);
    const audio = readFileSync(mp3);
    for (const [name, bytes, appended] of [['appended.mp3', Buffer.concat([audio, tag]), true], ['at-start.mp3', Buffer.concat([tag, audio]), false]] as const) {
      const path = join(DIR, name);
      writeFileSync(path, bytes);
      const p = await probeFile(path);
      const l = await library(path);
      for (const r of [p, l]) {
        assert.equal(r.tags.title, 'Appended Title', name);
        assert.equal(r.tags.artist, 'Appended Artist', name);
        assert.equal(r.hasCoverArt, true, name);
        assert.equal(r.bitrateKbps, 64, `${name}: ${r.bitrateKbps} kb/s`);
        assert.equal(r.warnings.some((w) => /appended at the end of the file/.test(w)), appended, r.warnings.join(' | '));
      }
      const cover = await embeddedCover(path, join(DIR, 'covers'), (appended ? 'a' : 'b').repeat(32));
      assert.ok(cover && readFileSync(cover.path).equals(picture), `${name}: the picture, byte-identical`);
    }
  });
});

describe('kind 1 cost: the checks that read or decode a whole file run only where a cheap check doubts the file', () => {
  /** readStructure's findings on `path` and the bytes it read (every read goes through the handle's read) */
  const structureRead = async (path: string) => {
    const fh = await open(path, 'r');
    let bytes = 0;
    const counting = new Proxy(fh, { get: (t, k) => (k === 'read' ? (...a: Parameters<typeof fh.read>) => t.read(...a).then((r) => ((bytes += r.bytesRead), r)) : Reflect.get(t, k, t).bind?.(t) ?? Reflect.get(t, k, t)) });
    try {
      const size = (await fh.stat()).size;
      const st = await readStructure(counting, size, { oggPages: true, matroskaBlocks: true });
      return { st, bytes, size };
    } finally {
      await fh.close();
    }
  };

  test('a plain FLAC is not read end to end (was every byte); joined FLACs — of other lengths and of one length — are still found', async () => {
    const one = join(DIR, 'long.flac');
    ff(['-f', 'lavfi', '-i', 'anoisesrc=d=60:a=0.2:seed=5', '-ac', '2', one]);
    const plain = await structureRead(one);
    assert.ok(plain.size > 4 << 20, `a long FLAC: ${plain.size}`);
    assert.ok(plain.bytes < 512 << 10, `bytes read ${plain.bytes} of ${plain.size}`);
    assert.equal(plain.st.flacStreams, undefined);
    assert.equal(plain.st.truncated, null);
    const a = join(DIR, 'a8.flac');
    const b = join(DIR, 'b6.flac');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=8', '-ac', '2', a]);
    ff(['-f', 'lavfi', '-i', 'sine=f=660:d=6', '-ac', '2', b]);
    for (const [name, parts] of [['a-b.flac', [a, b]], ['a-a.flac', [a, a]], ['b-a-b.flac', [b, a, b]]] as const) {
      const path = join(DIR, name);
      writeFileSync(path, Buffer.concat(parts.map((p) => readFileSync(p))));
      const { st } = await structureRead(path);
      assert.equal(st.flacStreams?.length, parts.length - 1, name);
      const p = await probeFile(path);
      assert.ok(Math.abs(p.durationSec - decodedSec(path)) < 0.002, `${name}: probe ${p.durationSec} vs decoded ${decodedSec(path)}`);
    }
  });

  test('the probe of an iTunSMPB-tagged AAC .m4a runs no decode (was one full decode), and states what decodes', async () => {
    const src = join(DIR, 'smpb-src.m4a');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=6', '-c:a', 'aac', '-use_editlist', '0', src]);
    const total = Math.round(decodedSec(src) * 44100);
    const smpb = ` 00000000 00000400 ${(total - 1024 - 264600).toString(16).toUpperCase().padStart(8, '0')} ${(264600).toString(16).toUpperCase().padStart(16, '0')}` + ' 00000000'.repeat(8);
    // the tag as iTunes writes it: a "----" freeform atom (mean com.apple.iTunes, name iTunSMPB) in the ilst
    const path = join(DIR, 'smpb.m4a');
    writeFileSync(path, withIlstItems(readFileSync(src), [freeform('iTunSMPB', smpb)]));
    // every ffmpeg the studio runs, logged by a wrapper (STUDIO_FFMPEG)
    const log = join(DIR, 'ffmpeg-runs.log');
    const wrapper = join(DIR, 'ffmpeg-logged.sh');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec ffmpeg "$@"\n`);
    chmodSync(wrapper, 0o755);
    writeFileSync(log, '');
    const before = process.env.STUDIO_FFMPEG;
    process.env.STUDIO_FFMPEG = wrapper;
    locateFfmpeg(process.env, true);
    try {
      const p = await probeFile(path);
      assert.ok(Math.abs(p.durationSec - decodedSec(path)) < 0.001, `probe ${p.durationSec} vs decoded ${decodedSec(path)}`);
    } finally {
      if (before === undefined) delete process.env.STUDIO_FFMPEG;
      else process.env.STUDIO_FFMPEG = before;
      locateFfmpeg(process.env, true);
    }
    const runs = readFileSync(log, 'utf8').split('\n').filter((l) => l.includes(path));
    assert.ok(runs.length >= 1, 'the probe ran ffmpeg on the file');
    assert.ok(!runs.some((l) => / -f null /.test(l)), `a decode ran:\n${runs.join('\n')}`);
  });
});

describe('kind 1: a mirror in a Matroska projection pose', () => {
  test('mkvmerge --projection-pose-yaw 180: mirrored in the probe and the library (was a rotation alone); a roll alone is none', async () => {
    const mp4 = join(DIR, 'clip.mp4');
    ff(['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=10:d=1', '-f', 'lavfi', '-i', 'sine=d=1', '-c:v', 'libx264', '-c:a', 'aac', '-shortest', mp4]);
    const flipped = join(DIR, 'flipped.mkv');
    const turned = join(DIR, 'turned.mkv');
    execFileSync('mkvmerge', ['-q', '-o', flipped, '--projection-pose-yaw', '0:180', '--projection-pose-roll', '0:90', mp4]);
    execFileSync('mkvmerge', ['-q', '-o', turned, '--projection-pose-roll', '0:90', mp4]);
    // ffmpeg mirrors the decoded frames: the flipped file's frame is the turned one's, flipped
    const frame = (path: string, vf?: string) => execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-frames:v', '1', ...(vf ? ['-vf', vf] : []), '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 1 << 20 });
    assert.ok(frame(flipped).equals(frame(turned, 'vflip')), 'ffmpeg 5.1 decodes the pose as a mirror');
    const p = await probeFile(flipped);
    assert.equal(p.video?.mirrored, true, JSON.stringify(p.video));
    const l = await library(flipped);
    assert.equal(l.source.streams.find((x) => x.type === 'video')?.mirrored, true, 'the library');
    assert.equal((await probeFile(turned)).video?.mirrored, undefined);
    assert.equal((await probeFile(turned)).video?.rotation, 90);
  });
});
