// Issue 10, fourteenth round (helper files9): the remainders of kind 1 that session 6 left open, each a test
// that failed before (figures in each test's name: before → after):
// - probe ≠ library for AAC/MP3/Vorbis in Matroska and Vorbis in live or piped Matroska/WebM (the library decoded;
//   the probe stated ffmpeg's 10-ms Duration, or the packets' span where none was stated): the Matroska block walk
//   (media/structure.ts) now counts each codec's decoded samples, and walks clusters of unknown size;
// - gaps under 0.01 s (and one of 0.18 s): MP3 in WAV, MPEG-PS (MP2, MP3): the probe takes the packets' span;
//   and a .mpg read as MPEG-PS was said to lie about its extension;
// - an ID3v2.3 tag appended after an MP3's audio (no footer: v2.3 has none), alone, before an ID3v1 tag and
//   before an APEv2 tag: read by neither reader; now read, with a warning that it is at the end;
// - iTunSMPB with this audio's count but Apple's priming (2112) on ffmpeg's AAC (1024): probe 6.000, library
//   5.989 (what decodes: ffmpeg skips the tag's priming); both now 5.989, with a warning naming the priming.
// Kind 3:
// - the filmstrip mapped the first video stream (`0:v:0`) where the model reads the one av_find_best_stream
//   picks (a later stream flagged default): it now follows the probe's `video`, which is that stream;
// - a display matrix with a mirror (hflip, transpose; ffmpeg 5.1 states "rotation of -180" / "-90" for them)
//   was stated as a rotation alone: the probe's video stream now says `mirrored`.
// Inputs are built here with ffmpeg and byte by byte (tags per the ID3v2.3 and APEv2 specs, iTunes atoms,
// the tkhd matrix per ISO/IEC 14496-12 §8.3.2).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeFilmstrip } from '../../main/engine/media/filmstrip';
import { probeFile } from '../../main/engine/media/probe';
import { libraryProber } from '../helpers/library-probe';
import { decodedSec, ff, OUTPUT } from '../helpers/media';
import { apeFooterOnly, f23, freeform, id3, latin1Text, withIlstItems } from '../helpers/tag-bytes';

const DIR = join(OUTPUT, 'media-truth-kinds14');
const tone = (sec: number, rate: number) => ['-f', 'lavfi', '-i', `sine=f=440:d=${sec}:sample_rate=${rate}`];
const F = {
  aacMka: join(DIR, 'aac.mka'),
  mp3Mka: join(DIR, 'mp3.mka'),
  vorbisMka: join(DIR, 'vorbis.mka'),
  vorbisLive: join(DIR, 'vorbis-live.webm'),
  vorbisPipe: join(DIR, 'vorbis-pipe.mka'),
  aacPipe: join(DIR, 'aac-pipe.mka'),
  mp3Wav: join(DIR, 'mp3.wav'),
  mp2Ps: join(DIR, 'mp2.mpg'),
  mp3Ps: join(DIR, 'mp3.mpg'),
  body: join(DIR, 'body.mp3'),
  id3End: join(DIR, 'id3v23-at-end.mp3'),
  id3EndV1: join(DIR, 'id3v23-at-end-then-id3v1.mp3'),
  id3EndApe: join(DIR, 'id3v23-at-end-then-ape.mp3'),
  apeEnd: join(DIR, 'ape-footer-at-end.mp3'),
  m4a: join(DIR, 'base.m4a'),
  applePriming: join(DIR, 'apple-priming.m4a'),
  twoVideo: join(DIR, 'two-video-second-default.mp4'),
  clip: join(DIR, 'clip.mp4'),
  hflip: join(DIR, 'hflip.mp4'),
  vflip: join(DIR, 'vflip.mp4'),
  transpose: join(DIR, 'transpose.mp4'),
  rot90: join(DIR, 'rot90.mp4'),
};

const ms = (x: number) => Math.round(x * 1000) / 1000;
let prober: ReturnType<typeof libraryProber>;

describe('media truth, kinds round 14: what decodes in probe and library alike; ID3v2.3 after the audio; iTunSMPB priming', () => {
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    ff([...tone(20, 48000), '-c:a', 'aac', F.aacMka]);
    ff([...tone(20, 48000), '-c:a', 'libmp3lame', F.mp3Mka]);
    ff([...tone(20, 48000), '-c:a', 'libvorbis', F.vorbisMka]);
    ff([...tone(20, 48000), '-c:a', 'libvorbis', '-live', '1', F.vorbisLive]);
    // written to a pipe: no Duration, no Cues, clusters of unknown size (ffmpeg cannot seek back to write them)
    writeFileSync(F.vorbisPipe, ffOut([...tone(6, 44100), '-c:a', 'libvorbis', '-f', 'matroska', '-']));
    writeFileSync(F.aacPipe, ffOut([...tone(6, 44100), '-c:a', 'aac', '-f', 'matroska', '-']));
    ff([...tone(6, 44100), '-c:a', 'libmp3lame', F.mp3Wav]);
    ff([...tone(6, 44100), '-c:a', 'mp2', '-f', 'mpeg', F.mp2Ps]);
    ff([...tone(6, 44100), '-c:a', 'libmp3lame', '-f', 'mpeg', F.mp3Ps]);
    // an MP3 without any tag (no Xing either), then tags appended after its audio as taggers do
    ff([...tone(6, 44100), '-c:a', 'libmp3lame', '-b:a', '128k', '-write_xing', '0', '-id3v2_version', '0', '-write_id3v1', '0', F.body]);
    const body = readFileSync(F.body);
    const v23 = id3(3, [f23('TIT2', latin1Text('Appended Title')), f23('TPE1', latin1Text('Appended Artist')), f23('TALB', latin1Text('Tail Album'))]);
    const v1 = Buffer.concat([Buffer.from('TAG', 'latin1'), Buffer.from('V1 Title'.padEnd(30, '\0'), 'latin1'), Buffer.from('V1 Artist'.padEnd(30, '\0'), 'latin1'), Buffer.alloc(64), Buffer.from([255])]); // 128 bytes: TAG, title, artist, album, year, comment, genre
    writeFileSync(F.id3End, Buffer.concat([body, v23]));
    writeFileSync(F.id3EndV1, Buffer.concat([body, v23, v1]));
    writeFileSync(F.id3EndApe, Buffer.concat([body, v23, apeFooterOnly([['Comment', 'ape after id3']])]));
    writeFileSync(F.apeEnd, Buffer.concat([body, apeFooterOnly([['Title', 'APE Footer Title'], ['Artist', 'APE Artist']])]));
    // ffmpeg's AAC (1024 priming, edit list) with Apple's iTunSMPB priming 0x840 = 2112 and this audio's count (264600 = 6.000 s)
    ff([...tone(6, 44100), '-c:a', 'aac', '-b:a', '128k', F.m4a]);
    const smpb = ' 00000000 00000840 000001C0 0000000000040998 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000';
    writeFileSync(F.applePriming, withIlstItems(readFileSync(F.m4a), [freeform('iTunSMPB', smpb)]));
    // two video streams: a red 4:3 one first, a blue 16:9 one flagged default (a multi-angle export)
    ff(['-f', 'lavfi', '-i', 'color=red:s=160x120:r=25:d=3', '-f', 'lavfi', '-i', 'color=blue:s=320x180:r=25:d=3', ...tone(3, 44100), '-map', '0', '-map', '1', '-map', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-disposition:v:0', '0', '-disposition:v:1', 'default', F.twoVideo]);
    ff(['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=25:d=2', ...tone(2, 44100), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', F.clip]);
    setMatrix(F.clip, F.hflip, [-1, 0, 0, 1]);
    setMatrix(F.clip, F.vflip, [1, 0, 0, -1]);
    setMatrix(F.clip, F.transpose, [0, 1, 1, 0]);
    setMatrix(F.clip, F.rot90, [0, 1, -1, 0]);
    prober = libraryProber(DIR);
  });
  after(() => prober?.close());

  test('a. AAC/MP3/Vorbis in Matroska, live WebM and piped Matroska: probe = library = what decodes (probe was 20.02 / 20.02 / 20.000 / 20.004 / 6.007, library 20.032 / 20.023 / 20.001 / 20.001 / 6.004)', async () => {
    for (const path of [F.aacMka, F.mp3Mka, F.vorbisMka, F.vorbisLive, F.vorbisPipe, F.aacPipe]) {
      const decoded = ms(decodedSec(path));
      const p = await probeFile(path);
      const lib = await prober.stored(path);
      assert.equal(p.durationSec, decoded, `${path}: probe ${p.durationSec}, decodes ${decoded}`);
      assert.equal(lib.probe.durationSec, decoded, `${path}: library ${lib.probe.durationSec}, decodes ${decoded}`);
      assert.equal(lib.rowSec, decoded, path);
    }
  });

  test('d. MP3 in WAV (6.03 → 6.034), MPEG-PS MP2 (probe 6.01 → 6.008) and MP3 (probe 5.85 → 6.034): probe = library = what decodes; a .mpg is no extension lie', async () => {
    for (const path of [F.mp3Wav, F.mp2Ps, F.mp3Ps]) {
      const decoded = ms(decodedSec(path));
      const p = await probeFile(path);
      const lib = await prober.stored(path);
      assert.equal(p.durationSec, decoded, `${path}: probe ${p.durationSec}, decodes ${decoded}`);
      assert.equal(lib.probe.durationSec, decoded, `${path}: library ${lib.probe.durationSec}, decodes ${decoded}`);
      assert.ok(!p.warnings.some((w) => /extension/.test(w)), `${path}: ${p.warnings.join(' | ')}`);
    }
  });

  test('b. an ID3v2.3 tag appended after the audio (alone, before ID3v1, before APEv2) is read in probe and library, with a warning (was: no title)', async () => {
    for (const path of [F.id3End, F.id3EndV1, F.id3EndApe]) {
      const p = await probeFile(path);
      const lib = await prober.stored(path);
      for (const r of [p, lib.probe]) {
        assert.equal(r.tags.title, 'Appended Title', `${path}: ${JSON.stringify(r.tags)}`);
        assert.equal(r.tags.artist, 'Appended Artist', path);
        assert.equal(r.tags.album, 'Tail Album', path);
        assert.ok(r.warnings.some((w) => /ID3v2\.3 tag is appended at the end/.test(w)), `${path}: ${r.warnings.join(' | ')}`);
      }
      assert.equal(p.durationSec, ms(decodedSec(path)), path);
    }
    // an APEv2 tag with a footer only, after the audio: read (music-metadata finds it by its footer)
    const ape = await probeFile(F.apeEnd);
    assert.equal(ape.tags.title, 'APE Footer Title', JSON.stringify(ape.tags));
    assert.equal((await prober.stored(F.apeEnd)).probe.tags.title, 'APE Footer Title');
  });

  test('c. iTunSMPB with the right count but Apple\'s priming on ffmpeg\'s AAC: probe 6.000 → 5.989 = library = what decodes, with a warning naming the priming', async () => {
    const decoded = ms(decodedSec(F.applePriming));
    const p = await probeFile(F.applePriming);
    const lib = await prober.stored(F.applePriming);
    assert.equal(p.durationSec, decoded, `probe ${p.durationSec}, decodes ${decoded}`);
    assert.equal(lib.probe.durationSec, decoded, `library ${lib.probe.durationSec}`);
    assert.ok(decoded < 6, `decodes ${decoded}`);
    for (const r of [p, lib.probe]) assert.ok(r.warnings.some((w) => /iTunSMPB tag's priming \(2112 samples\)/.test(w)), r.warnings.join(' | '));
    // the same audio without the tag: no such warning
    assert.ok(!(await probeFile(F.m4a)).warnings.some((w) => /iTunSMPB/.test(w)));
  });

  test('f. the filmstrip shows the video stream the model reads (a later one flagged default: was the first, 4:3 and red), and the probe names it', async () => {
    const p = await probeFile(F.twoVideo);
    assert.equal(p.video?.index, 1, JSON.stringify(p.video));
    assert.equal(p.video?.isDefault, true);
    assert.equal((await prober.stored(F.twoVideo)).probe.video?.index, 1, 'the library names the same stream');
    const cache = join(DIR, 'strip');
    const strip = await makeFilmstrip(F.twoVideo, p, cache, 'c'.repeat(32), 2, new AbortController().signal, () => undefined);
    assert.ok(Math.abs(strip.width / strip.height - 16 / 9) < 0.05, `${strip.width}×${strip.height}`);
    const jpg = join(cache, 'filmstrip', readdirSync(join(cache, 'filmstrip'))[0]!, '001.jpg');
    const rgb = execFileSync('ffmpeg', ['-v', 'error', '-i', jpg, '-vf', 'scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 20 });
    assert.ok(rgb[2]! > 150 && rgb[0]! < 80, `thumbnail colour ${[...rgb].join(',')} is not the blue stream's`);
  });

  test('f. a display matrix with a mirror: the probe says so (was: "rotation -180" for an hflip, nothing for a vflip, "-90" for a transpose); a plain quarter turn is no mirror', async () => {
    for (const path of [F.hflip, F.vflip, F.transpose]) {
      const p = await probeFile(path);
      assert.equal(p.video?.mirrored, true, `${path}: ${JSON.stringify(p.video)}`);
      assert.equal((await prober.stored(path)).probe.video?.mirrored, true, `${path}: the library's probe`);
    }
    const r = await probeFile(F.rot90);
    assert.equal(r.video?.rotation, -90);
    assert.equal(r.video?.mirrored, undefined);
    assert.equal((await probeFile(F.clip)).video?.mirrored, undefined);
  });
});

/** `src` with its video track header's display matrix (tkhd, version 0) set to {a b; c d} (16.16), as a phone or an editor writes it */
function setMatrix(src: string, dst: string, [a, b, c, d]: number[]): void {
  const buf = Buffer.from(readFileSync(src));
  let p = 0;
  while (buf.toString('latin1', p + 4, p + 8) !== 'moov') p += buf.readUInt32BE(p);
  let h = buf.indexOf('hdlr', p, 'latin1');
  while (buf.toString('latin1', h + 12, h + 16) !== 'vide') h = buf.indexOf('hdlr', h + 4, 'latin1');
  const t = buf.lastIndexOf('tkhd', h, 'latin1');
  assert.equal(buf[t + 4], 0, 'a version-0 tkhd');
  const m = t + 4 + 4 + 20 + 8 + 8;
  [a, b, 0, c, d, 0, 0, 0].forEach((v, i) => buf.writeInt32BE(Math.round(v * 65536), m + 4 * i));
  buf.writeInt32BE(1 << 30, m + 32);
  writeFileSync(dst, buf);
}

/** ffmpeg's output written to a pipe (stdout), as a file written by a pipeline is */
function ffOut(args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
}
