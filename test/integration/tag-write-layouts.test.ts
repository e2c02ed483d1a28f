// Write tags on files as recorders, DAWs, stream rippers and taggers leave them (files38). The tag library,
// node-taglib-sharp 6.0.3, reads plain RIFF only and assumes every odd chunk's pad byte, one stream per Ogg file and
// iTunes tags in every MP4 meta box, so
// - an RF64 file (`ffmpeg -rf64 always`, the WAV of audio past 4 GB) was offered and then failed as UNREADABLE, "its
//   ID3 structure could not be read (File does not begin with RIFF identifier)": now refused by name, as AIFF-C is;
// - a WAV whose LIST/INFO has an odd sub-chunk written without its pad byte (a known writer bug, laid out byte by byte
//   by test/tools/odd-wavs.py; the library reads its title and artist, riff.ts paddedWavTags) was written, and the
//   write re-rendered the INFO list one byte off: IART "Someone" became a chunk "ART\x08" holding "omeone", so the
//   artist was gone for the library, ffprobe and every player, and the write said it was done. Now refused, untouched;
// - a chained Ogg file (two oggenc files one after another, as `cat` or a stream recording leaves them; the library
//   reads it, "A chained Ogg file: 2 streams…") failed as UNREADABLE, "its FLAC/Ogg structure could not be read
//   (Cannot read properties of undefined (reading 'setDuration'))": now refused by name;
// - an M4A keeping its tags as QuickTime metadata keys (meta/hdlr "mdta" + keys: iPhone recordings; made here by
//   `ffmpeg -movflags use_metadata_tags`) was written and said done, the BPM and key read back — and ffmpeg no longer
//   opened it ("The 'keys' atom with the invalid key count"): the library's next probe, every player. Now refused;
// - a fragmented M4A (`ffmpeg -movflags frag_keyframe+empty_moov`: recorders, streamed downloads, ffmpeg to a pipe) was
//   written and said done, the BPM and key read back — and its audio decoded as nothing or noise: taglib grew the moov
//   in front of the fragments and left the offsets they state. Now refused.
// And what still is written, with the chunks kept: a Broadcast Wave (ffmpeg -write_bext 1: bext byte for byte) and a
// WAV kid3-cli tagged (TagLib's "ID3 " chunk, odd-sized with its pad: one ID3 chunk after, kid3-cli reads ours), and an
// Opus file opusenc wrote with a cover (METADATA_BLOCK_PICTURE, its comment header over several pages).
// Run: node tools/run-tests.mjs test/integration/tag-write-layouts.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { StudioError } from '@contract';
import { writeTagsSafely } from '../../main/engine/library/tag-write';
import { probeFile } from '../../main/engine/media/probe';
import { OUTPUT, ROOT } from '../helpers/media';

const DIR = join(OUTPUT, 'tag-write-layouts');
const WAV = { format: 'id3v2', mime: 'taglib/wav' } as const;
const ff = (a: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...a]);
const stored = (p: string) => {
  const s = statSync(p);
  return { size: s.size, mtimeMs: s.mtimeMs };
};
/** the top-level chunks of a RIFF file as [id, size], walked with RIFF's pad byte */
function chunks(p: string): [string, number][] {
  const b = readFileSync(p);
  const out: [string, number][] = [];
  for (let i = 12; i + 8 <= b.length; ) {
    const n = b.readUInt32LE(i + 4);
    out.push([b.toString('latin1', i, i + 4), n]);
    i += 8 + n + (n & 1);
  }
  return out;
}
/** a chunk's body by id (the first) */
function chunkBody(p: string, id: string): Buffer | null {
  const b = readFileSync(p);
  for (let i = 12; i + 8 <= b.length; ) {
    const n = b.readUInt32LE(i + 4);
    if (b.toString('latin1', i, i + 4) === id) return b.subarray(i + 8, i + 8 + n);
    i += 8 + n + (n & 1);
  }
  return null;
}
/** an MP4 whose moov (its last box) holds udta/meta: the same file with that meta box moved into moov, as a plain (QuickTime) box */
function metaIntoMoov(b: Buffer): Buffer {
  const boxes = (from: number, to: number) => {
    const out: { type: string; at: number; size: number }[] = [];
    for (let i = from; i + 8 <= to; i += b.readUInt32BE(i)) out.push({ type: b.toString('latin1', i + 4, i + 8), at: i, size: b.readUInt32BE(i) });
    return out;
  };
  const moov = boxes(0, b.length).find((x) => x.type === 'moov')!;
  assert.equal(moov.at + moov.size, b.length, 'moov is last');
  const kids = boxes(moov.at + 8, moov.at + moov.size);
  const udta = kids.find((x) => x.type === 'udta')!;
  const meta = boxes(udta.at + 8, udta.at + udta.size).find((x) => x.type === 'meta')!;
  const full = b.subarray(meta.at + 8, meta.at + 12).equals(Buffer.alloc(4)); // ffmpeg's meta is a full box: drop version/flags
  const body = b.subarray(meta.at + (full ? 12 : 8), meta.at + meta.size);
  const plainMeta = Buffer.concat([Buffer.alloc(8), body]);
  plainMeta.writeUInt32BE(plainMeta.length, 0);
  plainMeta.write('meta', 4, 'latin1');
  const rest = kids.filter((x) => x.type !== 'udta').map((x) => b.subarray(x.at, x.at + x.size));
  const moovBody = Buffer.concat([...rest, plainMeta]);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(moovBody.length + 8, 0);
  head.write('moov', 4, 'latin1');
  return Buffer.concat([b.subarray(0, moov.at), head, moovBody]);
}
const decodedMd5 = (p: string) => ff(['-i', p, '-map', '0:a', '-f', 'md5', '-']).toString().trim();

describe('Write tags on files as recorders, DAWs, rippers and taggers lay them out (files38)', { timeout: 120_000 } /* a hang guard */, () => {
  const F = {
    rf64: join(DIR, 'rf64.wav'),
    unpadded: join(DIR, 'list-after-data.wav'),
    bwf: join(DIR, 'bwf.wav'),
    kid3: join(DIR, 'kid3.wav'),
    chained: join(DIR, 'chained.ogg'),
    opus: join(DIR, 'cover.opus'),
    memo: join(DIR, 'New Recording 4.m4a'),
    memoEnd: join(DIR, 'memo-moov-last.m4a'),
    memoApple: join(DIR, 'memo-apple.m4a'),
    frag: join(DIR, 'fragmented.m4a'),
  };
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const src = join(DIR, 'src.wav');
    const cover = join(DIR, 'cover.jpg');
    // one ffmpeg run, an output each: the WAVs, the encoders' source and a cover
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=3', '-f', 'lavfi', '-i', 'testsrc=s=640x640:d=1',
      ...['-map', '0:a', '-c:a', 'pcm_s24le', '-rf64', 'always', F.rf64],
      ...['-map', '0:a', '-c:a', 'pcm_s24le', '-write_bext', '1', '-metadata', 'description=Take 3', '-metadata', 'originator=Field Rec', '-metadata', 'coding_history=A=PCM,F=44100,W=24', F.bwf],
      ...['-map', '0:a', '-c:a', 'pcm_s16le', F.kid3, '-map', '0:a', '-c:a', 'pcm_s16le', src],
      ...['-map', '1:v', '-frames:v', '1', '-q:v', '2', cover],
      ...['-map', '0:a', '-ac', '1', '-ar', '48000', '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart+use_metadata_tags', '-metadata', 'title=New Recording 4', '-metadata', 'com.apple.quicktime.creationdate=2026-01-02T10:00:00+0100', '-metadata', 'com.apple.quicktime.location.ISO6709=+48.8584+002.2945/', F.memo],
      ...['-map', '0:a', '-c:a', 'aac', '-movflags', 'use_metadata_tags', '-metadata', 'title=Memo', '-metadata', 'com.apple.quicktime.creationdate=2026-01-02T10:00:00+0100', F.memoEnd],
      ...['-map', '0:a', '-c:a', 'aac', '-movflags', 'frag_keyframe+empty_moov', '-frag_duration', '1000000', '-metadata', 'title=Fragments', F.frag]]);
    // Apple's placement of that meta box: in moov itself, a plain box (QuickTime), not in moov/udta; moved there from
    // ffmpeg's file, whose moov comes after its mdat (so no chunk offset moves)
    writeFileSync(F.memoApple, metaIntoMoov(readFileSync(F.memoEnd)));
    execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'tools', 'odd-wavs.py'), DIR]);
    execFileSync('kid3-cli', ['-c', 'set title "Kid3 Take"', '-c', 'set artist "Tagger"', '-c', 'set bpm 100', F.kid3]);
    execFileSync('oggenc', ['-Q', '-t', 'Part one', '-o', join(DIR, 'one.ogg'), src]);
    execFileSync('oggenc', ['-Q', '-t', 'Part two', '-o', join(DIR, 'two.ogg'), src]);
    writeFileSync(F.chained, Buffer.concat([readFileSync(join(DIR, 'one.ogg')), readFileSync(join(DIR, 'two.ogg'))]));
    execFileSync('opusenc', ['--quiet', '--picture', cover, '--title', 'With cover', src, F.opus]);
  });

  test('an RF64 file is refused as RF64 (was: UNREADABLE, "File does not begin with RIFF identifier"), untouched', async () => {
    assert.equal(readFileSync(F.rf64).toString('latin1', 0, 4), 'RF64');
    assert.equal((await probeFile(F.rf64)).container, 'wav', 'the probe calls it a WAV: the plan offers it');
    const bytes = readFileSync(F.rf64);
    await assert.rejects(writeTagsSafely({ path: F.rf64, stored: stored(F.rf64), target: WAV, bpm: '124', key: 'Am' }), (e: unknown) => {
      assert.ok(e instanceof StudioError, String(e));
      assert.equal(e.code, 'UNSUPPORTED', e.message);
      assert.match(e.message, /^"rf64\.wav" is an RF64 file .* Nothing was changed\.$/);
      return true;
    });
    assert.ok(readFileSync(F.rf64).equals(bytes));
  });

  test('a WAV whose INFO has an odd sub-chunk without its pad byte is refused (was: written, the artist lost), untouched', async () => {
    const before = await probeFile(F.unpadded);
    assert.deepEqual([before.tags.title, before.tags.artist], ['Odd size', 'Someone'], 'the library reads both');
    const bytes = readFileSync(F.unpadded);
    await assert.rejects(writeTagsSafely({ path: F.unpadded, stored: stored(F.unpadded), target: WAV, bpm: '124', key: 'Am' }), (e: unknown) => {
      assert.ok(e instanceof StudioError, String(e));
      assert.equal(e.code, 'UNSUPPORTED', e.message);
      assert.match(e.message, /^"list-after-data\.wav" has a chunk of odd size written without the pad byte .* Nothing was changed\.$/);
      return true;
    });
    assert.ok(readFileSync(F.unpadded).equals(bytes));
    assert.equal((await probeFile(F.unpadded)).tags.artist, 'Someone');
  });

  test('a Broadcast Wave (ffmpeg -write_bext) is written: its bext chunk byte for byte, the audio, ffprobe reads both', async () => {
    const bext = chunkBody(F.bwf, 'bext');
    assert.ok(bext && bext.length > 602, 'ffmpeg wrote a bext chunk');
    const audio = decodedMd5(F.bwf);
    await writeTagsSafely({ path: F.bwf, stored: stored(F.bwf), target: WAV, bpm: '124', key: 'Am' });
    assert.ok(chunkBody(F.bwf, 'bext')!.equals(bext), 'bext kept');
    assert.equal(decodedMd5(F.bwf), audio);
    const j = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags', '-of', 'json', F.bwf]).toString()) as { format: { tags: Record<string, string> } };
    assert.equal(j.format.tags.comment, 'Take 3', 'ffprobe reads the bext description');
    const p = await probeFile(F.bwf);
    assert.deepEqual([p.tags.bpm, p.tags.key], [124, 'A minor']);
  });

  test('a WAV kid3-cli tagged (TagLib\'s odd-sized "ID3 " chunk, padded): one ID3 chunk after, kid3-cli reads our BPM and key and its title', async () => {
    assert.deepEqual(chunks(F.kid3).filter(([id]) => /^id3 $/i.test(id)).map(([id, n]) => [id, n % 2]), [['ID3 ', 1]], 'kid3-cli wrote an odd-sized "ID3 " chunk');
    const audio = decodedMd5(F.kid3);
    await writeTagsSafely({ path: F.kid3, stored: stored(F.kid3), target: WAV, bpm: '124', key: 'Am' });
    assert.equal(chunks(F.kid3).filter(([id]) => /^id3 $/i.test(id)).length, 1, 'the tag replaced, not a second one beside it');
    assert.equal(decodedMd5(F.kid3), audio);
    const got = execFileSync('kid3-cli', ['-c', 'get title 2', '-c', 'get artist 2', '-c', 'get bpm 2', '-c', 'get initialkey 2', F.kid3], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(got, ['Kid3 Take', 'Tagger', '124', 'Am']);
  });

  test('a chained Ogg file (two oggenc files one after another) is refused as chained (was: UNREADABLE, a TypeError\'s words), untouched', async () => {
    assert.match((await probeFile(F.chained)).warnings.join('\n'), /A chained Ogg file: 2 streams/);
    const bytes = readFileSync(F.chained);
    await assert.rejects(writeTagsSafely({ path: F.chained, stored: stored(F.chained), target: { format: 'vorbis', mime: 'taglib/ogg' }, bpm: '124', key: 'Am' }), (e: unknown) => {
      assert.ok(e instanceof StudioError, String(e));
      assert.equal(e.code, 'UNSUPPORTED', e.message);
      assert.match(e.message, /^"chained\.ogg" is a chained Ogg file \(2 streams one after another, .* Nothing was changed\.$/);
      return true;
    });
    assert.ok(readFileSync(F.chained).equals(bytes));
  });

  test('an Opus file opusenc wrote with a cover is written: the cover, the audio and the title kept, read back by mutagen', async () => {
    const audio = decodedMd5(F.opus);
    const pictureLine = (p: string) => execFileSync('mutagen-inspect', [p], { encoding: 'utf8' }).split('\n').find((l) => l.startsWith('METADATA_BLOCK_PICTURE='));
    const picture = pictureLine(F.opus);
    assert.ok(picture && picture.length > 20_000, 'opusenc stored the cover');
    await writeTagsSafely({ path: F.opus, stored: stored(F.opus), target: { format: 'vorbis', mime: 'taglib/opus' }, bpm: '124', key: 'Am' });
    assert.equal(decodedMd5(F.opus), audio);
    assert.equal(pictureLine(F.opus), picture);
    const lines = execFileSync('mutagen-inspect', [F.opus], { encoding: 'utf8' }).split('\n');
    for (const l of ['TITLE=With cover', 'BPM=124', 'INITIALKEY=Am']) assert.ok(lines.includes(l), l);
  });

  test('an M4A keeping its tags as QuickTime metadata keys (iPhone-style, ffmpeg use_metadata_tags) is refused (was: written, and ffmpeg could not open it), untouched', async () => {
    const before = await probeFile(F.memo);
    assert.equal(before.tags.title, 'New Recording 4');
    const bytes = readFileSync(F.memo);
    const audio = decodedMd5(F.memo);
    await assert.rejects(writeTagsSafely({ path: F.memo, stored: stored(F.memo), target: { format: 'mp4', mime: 'taglib/m4a' }, bpm: '124', key: 'Am' }), (e: unknown) => {
      assert.ok(e instanceof StudioError, String(e));
      assert.equal(e.code, 'UNSUPPORTED', e.message);
      assert.match(e.message, /^"New Recording 4\.m4a" keeps its tags as QuickTime metadata keys .* Nothing was changed\.$/);
      return true;
    });
    assert.ok(readFileSync(F.memo).equals(bytes));
    assert.equal(decodedMd5(F.memo), audio, 'ffmpeg opens it as before');
  });

  test('the same keys in Apple\'s place (a plain meta box in moov) are refused too (was: a TypeError, "reading \'slice\'")', async () => {
    const p = await probeFile(F.memoApple);
    assert.equal(p.tags.title, 'Memo', 'ffmpeg reads the moved box');
    const bytes = readFileSync(F.memoApple);
    await assert.rejects(writeTagsSafely({ path: F.memoApple, stored: stored(F.memoApple), target: { format: 'mp4', mime: 'taglib/m4a' }, bpm: '124', key: 'Am' }), (e: unknown) => {
      assert.ok(e instanceof StudioError, String(e));
      assert.equal(e.code, 'UNSUPPORTED', e.message);
      return true;
    });
    assert.ok(readFileSync(F.memoApple).equals(bytes));
  });

  test('a fragmented M4A (ffmpeg -movflags frag_keyframe+empty_moov) is refused (was: written, its audio decoded as garbage), untouched', async () => {
    assert.equal((await probeFile(F.frag)).tags.title, 'Fragments');
    const bytes = readFileSync(F.frag);
    const audio = decodedMd5(F.frag);
    await assert.rejects(writeTagsSafely({ path: F.frag, stored: stored(F.frag), target: { format: 'mp4', mime: 'taglib/m4a' }, bpm: '124', key: 'Am' }), (e: unknown) => {
      assert.ok(e instanceof StudioError, String(e));
      assert.equal(e.code, 'UNSUPPORTED', e.message);
      assert.match(e.message, /^"fragmented\.m4a" is a fragmented MP4 .* Nothing was changed\.$/);
      return true;
    });
    assert.ok(readFileSync(F.frag).equals(bytes));
    assert.equal(decodedMd5(F.frag), audio);
  });
});
