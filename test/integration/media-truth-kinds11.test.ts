// Issue 10, eleventh round (tester10d, a fresh tester on kinds 1 and 2): inputs made the way taggers,
// phones and encoders make them (ID3v2.2/2.3/2.4 frames written by hand per the spec, iTunes atoms,
// Vorbis comments, FLAC metadata blocks, containers file-type files under application/), each checked
// against what ffmpeg decodes or the bytes written. Faults found and fixed here (each test failed before):
// - Kind 2: the scan's sniff took file-type's mime as an allow-list: RealMedia, MXF and SWF files, which
//   ffmpeg decodes, were skipped as "not audio (application/vnd.rn-realmedia)" etc.; and (kind 1) the probe gave
//   a RealMedia file 0 s (ffmpeg states "Duration: 00:00:00.00", every packet at pts 0);
// - Kind 1: a zlib-compressed ID3v2.3/2.4 frame (ID3v2.3 §3.3.1, ID3v2.4 §4.1.2) was shown as its raw
//   bytes ("\0\0\0\x11xœcpÎÏ…") with a false "legacy 8-bit text" warning; an encrypted frame likewise;
// - Kind 1: a stale iTunSMPB (a count the file's audio does not hold: a tag copied by a tagger, kept
//   through a re-encode) set the probe's length (6.122 s for 6.000 s; the library said 6.014);
// - Kind 1: an MP3 without a Xing/Info/VBRI header with a tag after the audio that ffmpeg's demuxer does
//   not know (APEv2 with no header, ID3v2.3 appended): the probe's packet read counted the tag as one
//   more frame (6.060 s; what decodes and the library: 6.034 s);
// - Kind 1: an Ogg Opus stream: the probe stated ffmpeg's Duration (6.01 s: pre-skip counted, 10 ms
//   print) where its granule position says what decodes (6.000 s, the library's figure).
// - Kind 1: an iTunes-tagged MP3's comment was its iTunNORM COMM frame (" 000001A2 00000191 …": the first COMM,
//   whatever its description) where ffmpeg names the real comment (the COMM with no description);
// - Kind 1: NUL in ID3 text: an ID3v2.4 multi-valued title ("Part One\0Part Two", §4.2) was cut to its first
//   value with a false "music-metadata misread" warning; an ID3v2.3 frame's bytes after its terminator (to
//   be ignored, §4.2) showed as a second artist ("Art; junk") or in the title ("Clean\x00AB");
// - Kind 1: a title only in QuickTime metadata keys ("com.apple.quicktime.title", as Apple's apps write an
//   'mdta' handler), which ffmpeg reads, was lost; a repeated Vorbis TITLE showed the last value only;
// - Kind 1: an MP3 whose ID3v2 tag follows stray bytes (an HTTP header left by a broken download) lost every
//   tag in both readers; the tag is found before the first frame and read, with a warning;
// - Kind 1: a WavPack written to a pipe (its sample count unknown; ffmpeg states no duration, music-metadata
//   0 s) was said to have a header "stating 0:00.00" that "is wrong"; it states none.
// Inputs are built here with ffmpeg and byte by byte.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { ProbeResult } from '@contract';
import { sniffAudio } from '../../main/engine/library/sniff';
import { probeFile } from '../../main/engine/media/probe';
import { libraryProber } from '../helpers/library-probe';
import { decodedSec, ff, OUTPUT } from '../helpers/media';
import { apeFooterOnly, atom, be32, f23, f24, freeform, id3, latin1Text, le32, syncsafe, utf8Text, withIlstItems } from '../helpers/tag-bytes';

const DIR = join(OUTPUT, 'media-truth-kinds11');
/** a FLAC with its metadata blocks' Vorbis comment replaced by one holding `entries` ("KEY=value", RFC 9639 §8.6) */
function withVorbisComment(flac: Buffer, entries: string[]): Buffer {
  const blocks: Buffer[] = [];
  let i = 4;
  for (let last = false; !last; ) {
    last = Boolean(flac[i] & 0x80);
    const len = flac.readUIntBE(i + 1, 3);
    if ((flac[i] & 0x7f) !== 4) blocks.push(Buffer.concat([Buffer.from([flac[i] & 0x7f]), flac.subarray(i + 1, i + 4 + len)]));
    i += 4 + len;
  }
  const vendor = Buffer.from('reference libFLAC 1.4.2 20221022');
  const vc = Buffer.concat([le32(vendor.length), vendor, le32(entries.length), ...entries.map((e) => Buffer.concat([le32(Buffer.byteLength(e)), Buffer.from(e)]))]);
  const len3 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 255, n & 255]);
  blocks.splice(1, 0, Buffer.concat([Buffer.from([4]), len3(vc.length), vc]));
  blocks[blocks.length - 1][0] |= 0x80;
  return Buffer.concat([Buffer.from('fLaC'), ...blocks, flac.subarray(i)]);
}

const F = {
  src: join(DIR, 'src.wav'),
  body: join(DIR, 'body.mp3'),
  // kind 2
  ra: join(DIR, 'sniff', 'voice.ra'),
  mxf: join(DIR, 'sniff', 'take.mxf'),
  swf: join(DIR, 'sniff', 'intro.swf'),
  gz: join(DIR, 'sniff', 'notes.dat'),
  // kind 1
  id3v23z: join(DIR, 'id3v23-compressed.mp3'),
  id3v24z: join(DIR, 'id3v24-compressed.mp3'),
  id3v23enc: join(DIR, 'id3v23-encrypted.mp3'),
  m4a: join(DIR, 'base.m4a'),
  staleSmpb: join(DIR, 'stale-itunsmpb.m4a'),
  rightSmpb: join(DIR, 'right-itunsmpb.m4a'),
  apeNoHeader: join(DIR, 'ape-footer-only.mp3'),
  id3AtEnd: join(DIR, 'id3v23-at-end.mp3'),
  opus: join(DIR, 'tone.opus'),
  itunesComm: join(DIR, 'itunes-comm.mp3'),
  v24Multi: join(DIR, 'id3v24-title-multi.mp3'),
  v23Leftover: join(DIR, 'id3v23-after-terminator.mp3'),
  mdta: join(DIR, 'mdta-title.m4a'),
  flacDup: join(DIR, 'two-titles.flac'),
  httpJunk: join(DIR, 'http-header-first.mp3'),
  pipedWv: join(DIR, 'piped.wv'),
  vorbis: join(DIR, 'odd-length.ogg'),
  speex: join(DIR, 'voice.spx'),
};

let library: ReturnType<typeof libraryProber>;
/** the probe the library stores for `path` (what the track detail, the table and the export show) */
const libraryProbe = (path: string): Promise<ProbeResult> => library.probe(path);

describe('media truth, new inputs of kinds 1 and 2 (issue 10, eleventh round)', () => {
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(join(DIR, 'sniff'), { recursive: true });
    ff(['-f', 'lavfi', '-i', 'sine=f=220:d=6', '-f', 'lavfi', '-i', 'sine=f=330:d=6:beep_factor=4', '-filter_complex', '[0][1]amerge=inputs=2', '-ar', '44100', F.src]);
    // containers file-type files under application/: RealAudio 1.0 (14.4) as phone-era voice clips, OP-Atom MXF as a camera's audio, SWF with MP3
    ff(['-i', F.src, '-c:a', 'real_144', '-ar', '8000', '-ac', '1', '-f', 'rm', F.ra]);
    ff(['-i', F.src, '-c:a', 'pcm_s16le', '-ar', '48000', '-ac', '1', '-f', 'mxf_opatom', F.mxf]);
    ff(['-i', F.src, '-c:a', 'libmp3lame', '-f', 'swf', F.swf]);
    writeFileSync(F.gz, gzipSync(Buffer.alloc(20000, 'notes ')));
    // a CBR MP3 with no tags and no Xing header: the body every hand-made tag goes on
    ff(['-i', F.src, '-c:a', 'libmp3lame', '-b:a', '128k', '-write_xing', '0', '-id3v2_version', '0', '-write_id3v1', '0', F.body]);
    const body = readFileSync(F.body);
    // ID3v2.3 §3.3.1: a compressed frame holds its decompressed size (4 bytes) and then the zlib stream
    const title = latin1Text('Compressed Tïtle');
    writeFileSync(F.id3v23z, Buffer.concat([id3(3, [f23('TIT2', Buffer.concat([be32(title.length), deflateSync(title)]), 0x80), f23('TPE1', latin1Text('Plain Artist'))]), body]));
    // ID3v2.4 §4.1.2: compression needs the data length indicator (syncsafe), which comes first
    const title4 = utf8Text('Compressed v2.4 Tïtle');
    writeFileSync(F.id3v24z, Buffer.concat([id3(4, [f24('TIT2', Buffer.concat([syncsafe(title4.length), deflateSync(title4)]), 0x09), f24('TPE1', utf8Text('Plain Artist'))]), body]));
    // an encrypted frame (method byte after the header; no key is known): its bytes are no text
    writeFileSync(F.id3v23enc, Buffer.concat([id3(3, [f23('TIT2', Buffer.concat([Buffer.from([0x80]), Buffer.from([0x01, 0x05, 0x1b, 0x7f, 0x00, 0xee, 0x12])]), 0x40), f23('TPE1', latin1Text('Plain Artist'))]), body]));
    // iTunSMPB: " 00000000 priming padding samples …" (ffmpeg reads its priming too: 1024, its AAC encoder's); AAC written by ffmpeg (moov last, 6.000 s with its edit list)
    ff(['-i', F.src, '-c:a', 'aac', '-b:a', '128k', '-metadata', 'title=Smpb', F.m4a]);
    const m4a = readFileSync(F.m4a);
    const smpb = (samples: number) => ` 00000000 00000400 000001C0 ${samples.toString(16).toUpperCase().padStart(16, '0')} 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000`;
    writeFileSync(F.staleSmpb, withIlstItems(m4a, [freeform('iTunSMPB', smpb(269999))])); // 6.122 s: another encode's
    writeFileSync(F.rightSmpb, withIlstItems(m4a, [freeform('iTunSMPB', smpb(264600))])); // 6.000 s: this audio's
    // tags after the audio that ffmpeg's mp3 demuxer does not strip (it knows ID3v1 and APEv2 with a header)
    writeFileSync(F.apeNoHeader, Buffer.concat([body, apeFooterOnly([['Title', 'APE footer only'], ['Artist', 'Someone']])]));
    writeFileSync(F.id3AtEnd, Buffer.concat([body, id3(3, [f23('TIT2', latin1Text('At the end'))])]));
    ff(['-i', F.src, '-c:a', 'libopus', '-b:a', '96k', F.opus]);
    // iTunes writes COMM frames named iTunNORM / iTunSMPB / iTunPGAP (UTF-16, description + text) beside the user's comment
    const comm = (desc: string, text: string) => f23('COMM', Buffer.concat([Buffer.from([1]), Buffer.from('eng'), Buffer.from('\ufeff' + desc, 'utf16le'), Buffer.alloc(2), Buffer.from('\ufeff' + text, 'utf16le')]));
    writeFileSync(F.itunesComm, Buffer.concat([id3(3, [f23('TIT2', latin1Text('iTunes MP3')), comm('iTunNORM', ' 000001A2 00000191 00000D11 00000C9B 0001A3E8 0001A3E8 00007E1B 00007D47 0001A3E8 0001A3E8'), comm('iTunPGAP', '0'), comm('', 'A real comment')]), body]));
    writeFileSync(F.v24Multi, Buffer.concat([id3(4, [f24('TIT2', utf8Text('Part One\0Part Two')), f24('TPE1', utf8Text('Ann'))]), body]));
    writeFileSync(F.v23Leftover, Buffer.concat([id3(3, [f23('TIT2', Buffer.concat([Buffer.from([1]), Buffer.from('\ufeffClean', 'utf16le'), Buffer.alloc(2), Buffer.from('AB', 'utf16le')])), f23('TPE1', latin1Text('Art\0junk'))]), body]));
    ff(['-i', F.src, '-c:a', 'aac', '-movflags', 'use_metadata_tags', '-metadata', 'com.apple.quicktime.title=Only in mdta', '-metadata', 'com.apple.quicktime.artist=Apple Artist', F.mdta]);
    ff(['-i', F.src, '-c:a', 'flac', F.flacDup]);
    // a WavPack encoder writing to a pipe cannot go back to fill in the total sample count
    writeFileSync(F.pipedWv, execFileSync('ffmpeg', ['-hide_banner', '-v', 'error', '-i', F.src, '-c:a', 'wavpack', '-f', 'wv', 'pipe:1'], { maxBuffer: 1 << 26 }));
    writeFileSync(F.httpJunk, Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: audio/mpeg\r\n\r\n'), id3(3, [f23('TIT2', latin1Text('After the header')), f23('TPE1', latin1Text('Someone'))]), body]));
    writeFileSync(F.flacDup, withVorbisComment(readFileSync(F.flacDup), ['TITLE=First', 'TITLE=Second', 'ARTIST=A']));
    ff(['-ss', '0.0123', '-i', F.src, '-c:a', 'libvorbis', F.vorbis]);
    ff(['-i', F.src, '-ac', '1', '-ar', '16000', '-c:a', 'libspeex', F.speex]);
    library = libraryProber(DIR);
  });
  after(() => library?.close());

  test('kind 2: containers file-type calls application/… (RealMedia, MXF, SWF) are asked of ffmpeg and scanned (were skipped as "not audio (application/vnd.rn-realmedia)"), RealMedia probed at what decodes (was 0 s); a gzip stays skipped, named', async () => {
    for (const p of [F.ra, F.mxf, F.swf]) {
      const v = await sniffAudio(p, readFileSync(p).length);
      assert.equal(v.audio, true, `${p}: ${JSON.stringify(v)}`);
      const lib = await libraryProbe(p);
      assert.ok(Math.abs(lib.durationSec - decodedSec(p)) < 0.03, `${p}: library ${lib.durationSec}, decodes ${decodedSec(p)}`);
      // RealMedia states "Duration: 00:00:00.00" and gives every packet pts 0: the probe counts what decodes (was 0 s)
      const pr = await probeFile(p);
      assert.ok(Math.abs(pr.durationSec - lib.durationSec) < 0.03, `${p}: probe ${pr.durationSec}, library ${lib.durationSec}`);
    }
    assert.deepEqual(await sniffAudio(F.gz, readFileSync(F.gz).length), { audio: false, reason: 'not audio (application/gzip)' });
  });

  test('kind 1: compressed ID3v2.3/2.4 frames are read inflated (was the zlib bytes as a title, "legacy 8-bit text"); an encrypted frame shows nothing, not its bytes', async () => {
    for (const [p, title] of [[F.id3v23z, 'Compressed Tïtle'], [F.id3v24z, 'Compressed v2.4 Tïtle'], [F.id3v23enc, undefined]] as const) {
      for (const r of [await probeFile(p), await libraryProbe(p)]) {
        assert.equal(r.tags.title, title, `${p}: ${JSON.stringify(r.tags)}`);
        assert.equal(r.tags.artist, 'Plain Artist');
        assert.deepEqual(r.warnings, [], `${p}: ${r.warnings.join(' | ')}`);
      }
    }
  });

  test('kind 1: a stale iTunSMPB (6.122 s over 6.000 s of AAC) does not set the length (was 6.122 in probe, 6.014 in the library): both 6.000, with a warning; a right one stays silent', async () => {
    // what decodes (6.000 s and the AAC end padding ffmpeg 5.1 decodes, counted from the sample table: issue 10 kind 1)
    const p = await probeFile(F.staleSmpb);
    assert.ok(Math.abs(p.durationSec - decodedSec(F.staleSmpb)) < 0.002 && p.durationSec < 6.03, `probe ${p.durationSec}`);
    assert.ok(p.warnings.some((w) => /iTunSMPB.*stale/.test(w)), p.warnings.join(' | '));
    const lib = await libraryProbe(F.staleSmpb);
    assert.ok(Math.abs(lib.durationSec - p.durationSec) < 0.002, `library ${lib.durationSec}, probe ${p.durationSec}`);
    assert.deepEqual(lib.warnings, p.warnings);
    const right = await probeFile(F.rightSmpb);
    assert.ok(Math.abs(right.durationSec - decodedSec(F.rightSmpb)) < 0.002 && right.durationSec < 6.03, `probe ${right.durationSec}`);
    assert.deepEqual(right.warnings, []);
  });

  test('kind 1: an MP3 without a Xing header, with a tag after its audio ffmpeg does not strip: the probe states what decodes (was one frame more: 6.060 for 6.034), as the library does', async () => {
    for (const p of [F.apeNoHeader, F.id3AtEnd]) {
      const truth = decodedSec(p);
      const r = await probeFile(p);
      assert.ok(Math.abs(r.durationSec - truth) < 0.001, `${p}: probe ${r.durationSec}, decodes ${truth}`);
      assert.equal(r.bitrateKbps, 128);
      const lib = await libraryProbe(p);
      assert.ok(Math.abs(lib.durationSec - r.durationSec) < 0.001, `${p}: library ${lib.durationSec}, probe ${r.durationSec}`);
    }
    assert.equal((await probeFile(F.apeNoHeader)).tags.title, 'APE footer only');
  });

  test('kind 1: one Ogg stream: the probe states its granule position (Opus less its pre-skip), what decodes (was 6.01, ffmpeg\'s Duration); Speex, whose last frame ffmpeg decodes whole, stays what decodes', async () => {
    for (const p of [F.opus, F.vorbis, F.speex]) {
      const truth = decodedSec(p);
      const r = await probeFile(p);
      assert.ok(Math.abs(r.durationSec - truth) < 0.0005, `${p}: probe ${r.durationSec}, decodes ${truth}`);
      const lib = await libraryProbe(p);
      assert.ok(Math.abs(lib.durationSec - r.durationSec) < 0.0005, `${p}: library ${lib.durationSec}, probe ${r.durationSec}`);
    }
  });

  test('kind 1: an iTunes MP3\'s comment is its COMM frame without a description, as ffmpeg reads it (was the iTunNORM numbers)', async () => {
    for (const r of [await probeFile(F.itunesComm), await libraryProbe(F.itunesComm)]) {
      assert.equal(r.tags.comment, 'A real comment', JSON.stringify(r.tags));
      assert.equal(r.tags.title, 'iTunes MP3');
      assert.deepEqual(r.warnings, []);
    }
  });

  test('kind 1: NUL in ID3 text: ID3v2.4 values are every value (was the first, "misread" warned); ID3v2.3 bytes after the terminator are ignored (was "Art; junk", "Clean\\x00AB")', async () => {
    for (const r of [await probeFile(F.v24Multi), await libraryProbe(F.v24Multi)]) {
      assert.equal(r.tags.title, 'Part One; Part Two');
      assert.deepEqual(r.warnings, []);
    }
    for (const r of [await probeFile(F.v23Leftover), await libraryProbe(F.v23Leftover)]) {
      assert.equal(r.tags.title, 'Clean');
      assert.equal(r.tags.artist, 'Art');
      assert.deepEqual(r.warnings, []);
    }
  });

  test('kind 1: QuickTime metadata keys (com.apple.quicktime.title/artist) are read as ffmpeg reads them (was no tags); a repeated Vorbis TITLE shows every value (was the last)', async () => {
    for (const r of [await probeFile(F.mdta), await libraryProbe(F.mdta)]) {
      assert.equal(r.tags.title, 'Only in mdta');
      assert.equal(r.tags.artist, 'Apple Artist');
    }
    for (const r of [await probeFile(F.flacDup), await libraryProbe(F.flacDup)]) assert.equal(r.tags.title, 'First; Second');
  });

  test('kind 1: an ID3v2 tag after stray bytes (an HTTP header) is read, with a warning naming them (was no tags in either reader); the duration is what decodes', async () => {
    for (const r of [await probeFile(F.httpJunk), await libraryProbe(F.httpJunk)]) {
      assert.equal(r.tags.title, 'After the header');
      assert.equal(r.tags.artist, 'Someone');
      assert.ok(r.warnings.some((w) => /starts with 45 bytes that are not audio.*HTTP\/1\.1 200 OK/.test(w)), r.warnings.join(' | '));
      assert.ok(Math.abs(r.durationSec - decodedSec(F.httpJunk)) < 0.001, `${r.durationSec}`);
    }
    // a tag at byte 0 is not reported
    assert.ok(!(await probeFile(F.v24Multi)).warnings.some((w) => /not audio/.test(w)));
  });

  test('kind 1: a WavPack that states no length (written to a pipe): "states no duration", what decodes (was "its header states 0:00.00 … the header is wrong")', async () => {
    for (const r of [await probeFile(F.pipedWv), await libraryProbe(F.pipedWv)]) {
      assert.ok(Math.abs(r.durationSec - 6) < 0.001, `${r.durationSec}`);
      assert.deepEqual(r.warnings, ['The container states no duration; the duration 0:06.00 is measured from every packet.']);
    }
  });
});
