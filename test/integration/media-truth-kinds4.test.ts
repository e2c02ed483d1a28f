// Issue 10, fourth round: a fresh tester's new inputs of the kinds already fixed — other
// codecs and containers than the earlier rounds used (Ogg Vorbis, Ogg Opus, ALAC in CAF,
// WavPack), a FLAC/WavPack/CAF cut inside its audio, an ID3v2.3 tag with whole-tag
// unsynchronisation (as iTunes and old taggers wrote it), a WAVE_FORMAT_EXTENSIBLE file
// whose channel mask is 0 ("no positions"), and covers of the formats phones and
// taggers write (baseline 4:2:0 JPEG, lossy WebP, 16-bit grayscale PNG). Every right
// value is what ffmpeg decodes from the same file, what the file's bytes hold, or (for
// the model's image input) what Pillow, the reference's loader, reads.
// These tests FAILED on the code they were written against (tester10, commit 835a078;
// the channel-mask test passes since the fix in media/probe.ts, the moov and CAF ones
// since the fixes in media/structure.ts);
// each names the value seen then.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyseForLibrary } from '../../main/engine/library/analyse';
import { probeFile } from '../../main/engine/media/probe';
import { imageInput } from '../../main/engine/model/media-input';
import { audioKbps, decodedSec, ff, OUTPUT, probeTable } from '../helpers/media';
import { pillowInput } from '../helpers/preprocess-ref';

const DIR = join(OUTPUT, 'media-truth-kinds4');

const syncsafe = (n: number) => Buffer.from([(n >> 21) & 127, (n >> 14) & 127, (n >> 7) & 127, n & 127]);
/** ID3v2 unsynchronisation (ID3v2.3 §5): a 0x00 after every 0xFF that is followed by 0b111xxxxx, 0x00, or the end */
function unsync(b: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    out.push(b[i]!);
    if (b[i] === 0xff && (i + 1 === b.length || (b[i + 1]! & 0xe0) === 0xe0 || b[i + 1] === 0)) out.push(0);
  }
  return Buffer.from(out);
}
/** an ID3v2.3 text frame, UTF-16 with BOM (encoding 1) */
function frame23(id: string, text: string): Buffer {
  const data = Buffer.concat([Buffer.from([1, 0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const h = Buffer.alloc(10);
  h.write(id, 0, 'latin1');
  h.writeUInt32BE(data.length, 4);
  return Buffer.concat([h, data]);
}
/** an ID3v2.4 text frame, UTF-8 (encoding 3), syncsafe frame size */
function frame24(id: string, text: string): Buffer {
  const data = Buffer.concat([Buffer.from([3]), Buffer.from(text, 'utf8')]);
  return Buffer.concat([Buffer.from(id, 'latin1'), syncsafe(data.length), Buffer.from([0, 0]), data]);
}
const UNSYNC_TITLE = 'ÿÿ Ÿ Sœur Ünïcode – 日本';

const F = {
  vorbis: join(DIR, 'tone.ogg'),
  opus: join(DIR, 'tone.opus'),
  opusCover: join(DIR, 'cover.opus'),
  vorbisAsOpus: join(DIR, 'vorbis-named.opus'),
  cafAlac: join(DIR, 'alac.caf'),
  flacCut: join(DIR, 'cut-in-audio.flac'),
  wvCut: join(DIR, 'cut-in-audio.wv'),
  cafCut: join(DIR, 'cut-in-audio.caf'),
  cafPcmCut: join(DIR, 'pcm-cut-in-audio.caf'),
  unsync23: join(DIR, 'id3v23-unsync.mp3'),
  mask0: join(DIR, 'six-channels-mask-0.wav'),
  aiffNameId3: join(DIR, 'name-and-id3-chunk.aiff'),
  wvApeId3v1: join(DIR, 'apev2-and-id3v1.wv'),
  m4aCutInMoov: join(DIR, 'cut-in-moov.m4a'),
  id3v24Appended: join(DIR, 'id3v24-appended.mp3'),
  oggCutInSetup: join(DIR, 'cut-in-setup.ogg'),
  au: join(DIR, 'tone.au'),
  flacInOga: join(DIR, 'flac-in-ogg.oga'),
};
const IMG = ['base420.jpg', 'lossy.webp', 'gray16.png', 'base422-odd.jpg', 'progressive420-odd.jpg', 'lossy-odd.webp'].map((n) => join(DIR, n));

function buildInputs(): void {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const tone = ['-f', 'lavfi', '-i', 'sine=f=440:d=10:beep_factor=4'];
  ff([...tone, '-c:a', 'libvorbis', '-metadata', 'title=T', F.vorbis]);
  ff([...tone, '-c:a', 'libopus', '-metadata', 'title=T', F.opus]);
  ff([...tone, '-c:a', 'libvorbis', F.vorbisAsOpus]);
  // Ogg Opus with a front cover in METADATA_BLOCK_PICTURE (a FLAC picture block, base64, as opusenc --picture writes it)
  const jpg = join(DIR, 'front.jpg');
  ff(['-f', 'lavfi', '-i', 'testsrc2=s=300x300:d=1', '-frames:v', '1', jpg]);
  const img = readFileSync(jpg);
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
  const pic = Buffer.concat([u32(3), u32(10), Buffer.from('image/jpeg'), u32(0), u32(300), u32(300), u32(24), u32(0), u32(img.length), img]);
  ff([...tone, '-c:a', 'libopus', '-metadata', `METADATA_BLOCK_PICTURE=${pic.toString('base64')}`, F.opusCover]);
  ff([...tone, '-c:a', 'alac', F.cafAlac]);
  const flac = join(DIR, 'full.flac');
  ff([...tone, '-c:a', 'flac', flac]);
  writeFileSync(F.flacCut, readFileSync(flac).subarray(0, 150_000)); // of 163 kB: 8.99 s decode
  const wv = join(DIR, 'full.wv');
  ff([...tone, '-c:a', 'wavpack', wv]);
  writeFileSync(F.wvCut, readFileSync(wv).subarray(0, 100_000)); // of 209 kB: 4.00 s decode
  writeFileSync(F.cafCut, readFileSync(F.cafAlac).subarray(0, 30_000)); // its header and 1.6 s of packets; no packet table
  const cafPcm = join(DIR, 'pcm.caf');
  ff([...tone, '-c:a', 'pcm_s16le', cafPcm]);
  writeFileSync(F.cafPcmCut, readFileSync(cafPcm).subarray(0, 300_000)); // fixed-size packets: what is there decodes
  // ID3v2.3 with the unsynchronisation flag (0x80): frames built, then the whole tag unsynchronised
  const mp3 = join(DIR, 'plain.mp3');
  ff(['-f', 'lavfi', '-i', 'sine=f=440:d=10', '-c:a', 'libmp3lame', '-b:a', '128k', '-write_id3v2', '0', mp3]);
  const body = unsync(Buffer.concat([frame23('TIT2', UNSYNC_TITLE), frame23('TPE1', 'Artist')]));
  writeFileSync(F.unsync23, Buffer.concat([Buffer.from('ID3\x03\x00\x80', 'latin1'), syncsafe(body.length), body, readFileSync(mp3)]));
  // 6 channels, WAVE_FORMAT_EXTENSIBLE with dwChannelMask = 0 (Microsoft: "no speaker positions"); ffprobe: layout unknown
  ff(['-f', 'lavfi', '-i', 'anoisesrc=d=4:a=0.2:color=pink', '-af', 'aformat=channel_layouts=6.0', '-c:a', 'pcm_s16le', F.mask0]);
  const w = Buffer.from(readFileSync(F.mask0));
  const fmt = w.indexOf('fmt ') + 8;
  assert.equal(w.readUInt16LE(fmt), 0xfffe, 'ffmpeg writes WAVE_FORMAT_EXTENSIBLE for 6 channels');
  w.writeUInt32LE(0, fmt + 20);
  writeFileSync(F.mask0, w);
  // AIFF with an ID3 chunk (ffmpeg's -write_id3v2) and a NAME chunk (AIFF's own text chunk) holding another title
  ff([...tone, '-c:a', 'pcm_s16be', '-write_id3v2', '1', '-metadata', 'title=Title in ID3', F.aiffNameId3]);
  const aiff = readFileSync(F.aiffNameId3);
  const comm = aiff.indexOf('COMM');
  const after = comm + 8 + aiff.readUInt32BE(comm + 4);
  const name = Buffer.concat([Buffer.from('NAME\0\0\0\x0dTitle in NAME\0', 'latin1')]);
  const withName = Buffer.concat([aiff.subarray(0, after), name, aiff.subarray(after)]);
  withName.writeUInt32BE(withName.length - 8, 4);
  writeFileSync(F.aiffNameId3, withName);
  // WavPack with ffmpeg's APEv2 tag, then an ID3v1 tag appended after it (as some taggers do): two titles
  ff([...tone, '-c:a', 'wavpack', '-metadata', 'title=Title in APEv2', '-metadata', 'artist=Same', F.wvApeId3v1]);
  const v1 = Buffer.alloc(128);
  v1.write('TAG', 0, 'latin1');
  v1.write('Title in ID3v1', 3, 'latin1');
  v1.write('Same', 33, 'latin1');
  v1[127] = 255;
  writeFileSync(F.wvApeId3v1, Buffer.concat([readFileSync(F.wvApeId3v1), v1]));
  // an M4A (index at the front) cut inside its moov box
  const m4a = join(DIR, 'faststart.m4a');
  ff([...tone, '-c:a', 'aac', '-movflags', 'faststart', m4a]);
  writeFileSync(F.m4aCutInMoov, readFileSync(m4a).subarray(0, 2000));
  // an ID3v2.4 tag appended after the audio, closed by its footer "3DI" (ID3v2.4 §3.4), and no tag at the start
  const v24 = Buffer.concat([frame24('TIT2', 'Appended Title'), frame24('TPE1', 'Appended Artist')]);
  const head24 = Buffer.concat([Buffer.from('ID3\x04\x00\x10', 'latin1'), syncsafe(v24.length)]);
  const foot24 = Buffer.concat([Buffer.from('3DI\x04\x00\x10', 'latin1'), syncsafe(v24.length)]);
  writeFileSync(F.id3v24Appended, Buffer.concat([readFileSync(mp3), head24, v24, foot24]));
  // an Ogg Vorbis cut inside its header pages (a 6 kB comment spreads the headers over several pages; cut at 3 kB)
  const longOgg = join(DIR, 'long-comment.ogg');
  ff([...tone, '-c:a', 'libvorbis', '-metadata', `comment=${'x'.repeat(6000)}`, longOgg]);
  writeFileSync(F.oggCutInSetup, readFileSync(longOgg).subarray(0, 3000));
  // formats music-metadata has no parser for, without tags
  ff([...tone, '-c:a', 'pcm_s16be', F.au]);
  ff([...tone, '-c:a', 'flac', F.flacInOga]);
  // covers as phones, cameras and browsers write them, and Pillow's RGB of each (the reference's loader)
  execFileSync('/usr/bin/python3', ['-c', `import sys
import numpy as np
from PIL import Image
rng = np.random.default_rng(1)
base = Image.fromarray((rng.random((240, 320, 3)) * 255).astype('uint8'))
base.save(sys.argv[1], quality=95)
base.save(sys.argv[2], quality=90)
Image.fromarray(np.linspace(0, 65535, 320 * 240).reshape(240, 320).astype('uint16')).save(sys.argv[3])
odd = Image.fromarray((rng.random((239, 317, 3)) * 255).astype('uint8'))
odd.save(sys.argv[4], quality=92, subsampling=1)
odd.save(sys.argv[5], quality=85, progressive=True)
odd.save(sys.argv[6], quality=70)
for p in sys.argv[1:]:
    Image.open(p).convert('RGB').save(p + '.pillow.ppm')`, ...IMG]);
}

describe('media truth, new inputs of each kind (issue 10, fourth round)', () => {
  const { probed, probe, load } = probeTable(probeFile);
  before(async () => {
    buildInputs();
    await load(Object.values(F));
  });

  test('bitrate of Ogg Vorbis and Ogg Opus: the packets\' average, not the Vorbis header\'s nominal rate nor the cover\'s bytes (was 80 for 16.3; Opus 72 for 78.4, with a cover 83)', () => {
    assert.ok(probe(F.opusCover).hasCoverArt);
    for (const p of [F.vorbis, F.opus, F.opusCover]) {
      const truth = audioKbps(p);
      const r = probe(p);
      assert.ok(Math.abs(r.bitrateKbps! - truth) <= 1, `${p}: ${r.bitrateKbps} vs the packets' ${truth.toFixed(1)}`);
    }
  });

  test('ALAC in CAF: the duration that decodes (was 10.03 for 10.00)', () => {
    const truth = decodedSec(F.cafAlac);
    assert.ok(Math.abs(probe(F.cafAlac).durationSec - truth) < 0.001, `probe ${probe(F.cafAlac).durationSec} vs decoded ${truth}`);
  });

  test('FLAC and WavPack cut inside their audio: what decodes, with a truncation warning (was 10.00 s, no warning)', () => {
    for (const p of [F.flacCut, F.wvCut]) {
      const r = probe(p);
      const truth = decodedSec(p);
      assert.ok(truth < 9.5);
      assert.ok(Math.abs(r.durationSec - truth) < 0.05, `${p}: probe ${r.durationSec} vs decoded ${truth}`);
      assert.ok(r.warnings.some((w) => /truncated/.test(w)), `${p}:\n${r.warnings.join('\n')}`);
    }
  });

  test('CAF cut inside its audio: "truncated", never "not an audio or video file" (was NOT_MEDIA); PCM in CAF keeps what decodes (was no warning)', async () => {
    const r = probed.get(F.cafCut);
    assert.ok(r instanceof Error, 'ALAC cut before its packet table: nothing decodes');
    assert.equal((r as { code?: string }).code, 'DECODE_FAILED', r.message);
    assert.match(r.message, /is truncated: the CAF file ends after 30 kB, inside its audio data \(the "data" chunk\), before its packet table \(pakt chunk\).*Without its index nothing/);
    await assert.rejects(analyseForLibrary({ path: F.cafCut, cacheDir: join(DIR, 'cache'), only: ['loudness'] }), (e: { code?: string; message: string }) => e.code === 'DECODE_FAILED' && /truncated/.test(e.message));
    const p = probe(F.cafPcmCut);
    assert.ok(Math.abs(p.durationSec - decodedSec(F.cafPcmCut)) < 0.05, `${p.durationSec}`);
    assert.ok(p.warnings.some((w) => /appears truncated or damaged: the CAF file ends after 300 kB, inside its audio data/.test(w)), p.warnings.join('\n'));
  });

  test('ID3v2.3 with whole-tag unsynchronisation: the title as written (was cut to "ÿÿ Ÿ Sœur Ünïcode – ", ffmpeg\'s reading)', () => {
    assert.equal(probe(F.unsync23).tags.title, UNSYNC_TITLE);
    assert.equal(probe(F.unsync23).tags.artist, 'Artist');
  });

  test('a channel mask of 0 names no layout (ffprobe: unknown); the studio does not invent 5.1', () => {
    const said = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=channel_layout', '-of', 'csv=p=0', F.mask0], { encoding: 'utf8' }).trim();
    assert.equal(said, 'unknown');
    const r = probe(F.mask0);
    assert.equal(r.audio?.channels, 6);
    assert.notEqual(r.audio?.channelLayout, '5.1');
  });

  test('conflicting tag sources in AIFF (NAME chunk vs ID3 chunk) and WavPack (APEv2 vs ID3v1): both named in a warning (was silent)', () => {
    for (const [p, a, b] of [[F.aiffNameId3, 'Title in ID3', 'Title in NAME'], [F.wvApeId3v1, 'Title in APEv2', 'Title in ID3v1']] as const) {
      const r = probe(p);
      assert.ok(([a, b] as string[]).includes(r.tags.title!), `${p}: ${r.tags.title}`);
      assert.ok(r.warnings.some((w) => /Conflicting title tags/.test(w) && w.includes(a) && w.includes(b)), `${p}:\n${r.warnings.join('\n')}`);
    }
  });

  test('an M4A cut inside its index: the message names the moov box once (was "(the moov box …) (the moov box)")', () => {
    const r = probed.get(F.m4aCutInMoov);
    assert.ok(r instanceof Error, 'probed');
    assert.match(r.message, /is truncated: the MP4 file ends after 2 kB, inside its index \(the moov box\), which runs to/);
    assert.equal(r.message.match(/moov box/g)?.length, 1, r.message);
  });

  test('Ogg Vorbis named .opus: the codec the extension promises is not the one inside, and that is said', () => {
    assert.ok(probe(F.vorbisAsOpus).warnings.some((w) => /Vorbis/.test(w) && /opus/i.test(w)), probe(F.vorbisAsOpus).warnings.join('\n'));
  });

  test('round-4 extras: an ID3v2.4 tag appended after the audio is read (was no tags); an Ogg cut inside its header pages says so (was "its last page of audio"); no tags means no tag warning (.au was "Tags could not be read"); FLAC in Ogg: the audio pages\' bitrate', () => {
    const a = probe(F.id3v24Appended);
    assert.equal(a.tags.title, 'Appended Title');
    assert.equal(a.tags.artist, 'Appended Artist');
    assert.ok(a.warnings.some((w) => /appended at the end/.test(w)), a.warnings.join('\n'));
    const o = probed.get(F.oggCutInSetup);
    const said = o instanceof Error ? o.message : o!.warnings.join('\n');
    assert.match(said, /inside its codec headers/);
    assert.doesNotMatch(said, /last page of audio/);
    assert.deepEqual(probe(F.au).warnings.filter((w) => /Tags could not be read/.test(w)), []);
    const truth = audioKbps(F.flacInOga);
    assert.ok(Math.abs(probe(F.flacInOga).bitrateKbps! - truth) <= 1, `${probe(F.flacInOga).bitrateKbps} vs ${truth.toFixed(1)}`);
  });

  test('covers: the model reads baseline 4:2:0 JPEG, lossy WebP and 16-bit grayscale PNG as Pillow does (was mean |Δ| 0.143 / 0.145 / 1.85 normalised)', async () => {
    const bad: string[] = [];
    for (const p of IMG) {
      const ref = pillowInput(p);
      const got = await imageInput(p);
      assert.equal(got.length, ref.length);
      let sum = 0;
      let max = 0;
      for (let i = 0; i < ref.length; i++) {
        const d = Math.abs(got[i]! - ref[i]!);
        sum += d;
        max = Math.max(max, d);
      }
      // a baseline 4:4:4 JPEG or a CMYK JPEG reads within 0.05 (IDCT rounding); these must too
      if (max > 0.05) bad.push(`${p}: mean |Δ| ${(sum / ref.length).toFixed(3)}, max ${max.toFixed(3)}`);
    }
    assert.deepEqual(bad, []);
  });
});
