// Issue 10, third round: each kind of fault that was left, on inputs made
// the way people's files are made — ffmpeg (libmp3lame with its LAME/Info
// tag, ALAC/FLAC/Matroska muxers, attached pictures), an APEv2 tag and an
// `id3 ` chunk appended as taggers write them, and byte patches of the header
// field in question (FLAC STREAMINFO total_samples, the WAV data size, the
// mvhd duration), `head -c` for files cut short. Every right value is what
// ffmpeg decodes from the same file, or what the file's bytes hold. The
// probe and the library's analysis (what `studio analyze`, the library
// detail and the export show) must state the same values.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyzeFile } from '../../main/engine/analysis/run';
import { analyseForLibrary } from '../../main/engine/library/analyse';
import { probeFile } from '../../main/engine/media/probe';
import { audioKbps, decodedSec, ff, OUTPUT, probeTable } from '../helpers/media';
import { apeTag } from '../helpers/tag-bytes';

const DIR = join(OUTPUT, 'media-truth-kinds');

const TONE = ['-f', 'lavfi', '-i', 'sine=f=440:d=20:beep_factor=4', '-ac', '2'];

/** The ID3v2 tag ffmpeg writes at the start of an MP3 with these tags. */
function id3Tag(name: string, meta: string[]): Buffer {
  const p = join(DIR, name);
  ff(['-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'libmp3lame', ...meta.flatMap((m) => ['-metadata', m]), p]);
  const b = readFileSync(p);
  return b.subarray(0, 10 + ((b[6] << 21) | (b[7] << 14) | (b[8] << 7) | b[9]));
}

const F = {
  apeMp3: join(DIR, 'id3v2-and-apev2.mp3'),
  v1Mp3: join(DIR, 'id3v2-and-id3v1.mp3'),
  v1Copy: join(DIR, 'id3v1-copy-of-long-utf8.mp3'),
  infoId3Wav: join(DIR, 'info-and-id3-chunk.wav'),
  id3Flac: join(DIR, 'id3-before-vorbis.flac'),
  flac: join(DIR, 'tone.flac'),
  flacNoTotal: join(DIR, 'streaminfo-total-0.flac'),
  covers: join(DIR, 'two-covers.flac'),
  vbrLoud: join(DIR, 'vbr-loud-start-no-xing.mp3'),
  gapless: join(DIR, 'gapless-lame.mp3'),
  gapless48: join(DIR, 'gapless-lame-48k-mono.mp3'),
  aacM4a: join(DIR, 'aac-edit-list.m4a'),
  itunSmpb: join(DIR, 'aac-itunsmpb.m4a'),
  wav: join(DIR, 'tone.wav'),
  wavShortData: join(DIR, 'data-size-5-of-20.wav'),
  alac: join(DIR, 'alac.m4a'),
  alacFast: join(DIR, 'alac-faststart.m4a'),
  alacCut: join(DIR, 'alac-cut.m4a'),
  alacFastCut: join(DIR, 'alac-faststart-cut.m4a'),
  flacCoverCut: join(DIR, 'cut-inside-cover.flac'),
  mkaCut: join(DIR, 'cut.mka'),
  wavCut: join(DIR, 'cut.wav'),
  opusCut: join(DIR, 'cut.opus'),
  wavId3v1: join(DIR, 'id3v1-appended.wav'),
  mvhdShort: join(DIR, 'mvhd-short.m4a'),
};
const NAMED = ['m4a', 'mp3', 'flac'].map((ext) => join(DIR, `two-covers-flac-as.${ext}`));
const LIES = { wv: join(DIR, 'flac-as.wv'), tak: join(DIR, 'flac-as.tak'), mpc: join(DIR, 'mp3-as.mpc'), voc: join(DIR, 'wav-as.voc'), mka: join(DIR, 'alac-as.mka'), w64: join(DIR, 'mp3-as.w64') };
/** real files of formats ffmpeg writes, whose extensions must not be called lies */
const REAL = { voc: join(DIR, 'real.voc'), wv: join(DIR, 'real.wv'), caf: join(DIR, 'real.caf'), w64: join(DIR, 'real.w64'), aifc: join(DIR, 'real.aifc'), mka: join(DIR, 'real.mka') };

function buildInputs(): void {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  // kind 1: several tag formats in one file
  ff([...TONE, '-t', '3', '-c:a', 'libmp3lame', '-metadata', 'title=Title in ID3v2', '-metadata', 'artist=Same Artist', F.apeMp3]);
  writeFileSync(F.apeMp3, Buffer.concat([readFileSync(F.apeMp3), apeTag([['Title', 'Title in APEv2'], ['Artist', 'Same Artist']])]));
  ff([...TONE, '-t', '3', '-c:a', 'libmp3lame', '-write_id3v1', '1', '-metadata', 'title=QQQQQQQQQQQQQQQQ', F.v1Mp3]);
  const v1 = Buffer.from(readFileSync(F.v1Mp3));
  v1.write('Title in ID3v2.4', v1.indexOf('QQQQQQQQQQQQQQQQ'), 'latin1');
  v1.write('Title in ID3v1  ', v1.lastIndexOf('QQQQQQQQQQQQQQQQ'), 'latin1');
  writeFileSync(F.v1Mp3, v1);
  // ffmpeg's own ID3v1 copy of long, non-Latin tags (its 30-byte cut of the UTF-8): the same tags, no conflict
  ff([...TONE, '-t', '3', '-c:a', 'libmp3lame', '-write_id3v1', '1', '-metadata', 'title=日本語のタイトル、ライブ録音 2024', '-metadata', 'artist=An artist name far longer than thirty bytes', F.v1Copy]);
  ff([...TONE, '-t', '3', '-metadata', 'title=Title in INFO', '-metadata', 'artist=Same Artist', F.infoId3Wav]);
  const tag = id3Tag('tag-src.mp3', ['title=Title in ID3', 'artist=Same Artist']);
  const chunk = Buffer.concat([Buffer.from('id3 ', 'latin1'), Buffer.alloc(4), tag, Buffer.alloc(tag.length & 1)]);
  chunk.writeUInt32LE(tag.length, 4);
  const wav = Buffer.concat([readFileSync(F.infoId3Wav), chunk]);
  wav.writeUInt32LE(wav.length - 8, 4);
  writeFileSync(F.infoId3Wav, wav);
  ff([...TONE, '-t', '3', '-c:a', 'flac', '-metadata', 'title=Title in Vorbis', F.flac]);
  writeFileSync(F.id3Flac, Buffer.concat([id3Tag('tag-src2.mp3', ['title=Title in ID3']), readFileSync(F.flac)]));
  // FLAC STREAMINFO with total_samples = 0 ("unknown", RFC 9639 §8.2: 36 bits after rate, channels, bits)
  ff([...TONE, '-c:a', 'flac', F.flac]);
  const fl = Buffer.from(readFileSync(F.flac));
  fl[21] &= 0xf0;
  fl.writeUInt32BE(0, 22);
  writeFileSync(F.flacNoTotal, fl);
  // the same FLAC bytes with two covers under three names
  const front = join(DIR, 'front.jpg');
  const back = join(DIR, 'back.png');
  ff(['-f', 'lavfi', '-i', 'testsrc2=s=600x600:d=1', '-frames:v', '1', front]);
  writeFileSync(join(DIR, 'back.rgb'), randomBytes(1000 * 1000 * 3));
  ff(['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', '1000x1000', '-i', join(DIR, 'back.rgb'), '-frames:v', '1', back]);
  ff([...TONE, '-i', back, '-i', front, '-map', '0:a', '-map', '1', '-map', '2', '-c:v', 'copy', '-disposition:v', 'attached_pic', '-c:a', 'flac', F.covers]);
  for (const p of NAMED) copyFileSync(F.covers, p);
  // VBR MP3 without a Xing header whose first 4 s are loud noise, then 38 s of a quiet tone
  ff(['-f', 'lavfi', '-i', 'anoisesrc=d=4:a=0.5:seed=3', '-f', 'lavfi', '-i', 'sine=f=440:d=38', '-filter_complex', '[1]volume=0.01[q];[0][q]concat=n=2:v=0:a=1',
    '-ac', '2', '-ar', '48000', '-c:a', 'libmp3lame', '-q:a', '2', '-write_xing', '0', F.vbrLoud]);
  // gapless MP3s: the Info tag's frame count with the LAME extension's encoder delay and padding
  ff([...TONE, '-c:a', 'libmp3lame', '-b:a', '128k', F.gapless]);
  ff(['-f', 'lavfi', '-i', 'sine=f=440:d=13.3', '-ar', '48000', '-ac', '1', '-c:a', 'libmp3lame', '-q:a', '4', F.gapless48]);
  // AAC in MP4: the edit list (elst) skips the encoder's priming and ends at the real length; ffmpeg 5.1 decodes the last frame's padding too
  ff([...TONE, '-c:a', 'aac', '-b:a', '128k', F.aacM4a]);
  // AAC in MP4 without an edit list but with Apple's iTunSMPB tag (priming, padding, original samples), as iTunes writes it
  const noElst = join(DIR, 'aac-no-elst.m4a');
  ff(['-f', 'lavfi', '-i', 'sine=f=440:d=20', '-c:a', 'aac', '-use_editlist', '0', noElst]);
  const total = Math.round(decodedSec(noElst) * 44100); // every decoded sample, priming included (the encoder writes 44.1 kHz here)
  const priming = 1024;
  const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
  const smpb = ` 00000000 ${hex(priming, 8)} ${hex(total - priming - 882000, 8)} ${hex(882000, 16)}` + ' 00000000'.repeat(8);
  const box = (type: string, payload: Buffer) => {
    const h = Buffer.alloc(8);
    h.writeUInt32BE(8 + payload.length, 0);
    h.write(type, 4, 'latin1');
    return Buffer.concat([h, payload]);
  };
  const z4 = Buffer.alloc(4);
  const dataHead = Buffer.alloc(8);
  dataHead.writeUInt32BE(1, 0);
  const atom = box('----', Buffer.concat([box('mean', Buffer.concat([z4, Buffer.from('com.apple.iTunes')])), box('name', Buffer.concat([z4, Buffer.from('iTunSMPB')])), box('data', Buffer.concat([dataHead, Buffer.from(smpb, 'latin1')]))]));
  const mp4 = Buffer.from(readFileSync(noElst));
  const ilst = mp4.indexOf('ilst') - 4; // moov is at the end (ffmpeg's default): no chunk offsets move
  const at = ilst + mp4.readUInt32BE(ilst);
  const out = Buffer.concat([mp4.subarray(0, at), atom, mp4.subarray(at)]);
  for (const t of ['ilst', 'meta', 'udta', 'moov']) {
    const j = out.indexOf(t) - 4;
    out.writeUInt32BE(out.readUInt32BE(j) + atom.length, j);
  }
  writeFileSync(F.itunSmpb, out);
  // a WAV whose data chunk counts 5 s of the 20 s of PCM that follow it
  ff([...TONE, F.wav]);
  const w = Buffer.from(readFileSync(F.wav));
  const d = w.indexOf('data');
  w.writeUInt32LE(w.readUInt32LE(d + 4) / 4, d + 4);
  writeFileSync(F.wavShortData, w);
  // files cut short: ALAC with its index at the end and at the front, a FLAC inside its cover, Matroska, WAV
  ff([...TONE, '-c:a', 'alac', F.alac]);
  ff([...TONE, '-c:a', 'alac', '-movflags', 'faststart', F.alacFast]);
  writeFileSync(F.alacCut, readFileSync(F.alac).subarray(0, 300_000));
  writeFileSync(F.alacFastCut, readFileSync(F.alacFast).subarray(0, 300_000));
  writeFileSync(F.flacCoverCut, readFileSync(F.covers).subarray(0, 1_000_000));
  const mka = join(DIR, 'full.mka');
  ff([...TONE, '-c:a', 'flac', mka]);
  writeFileSync(F.mkaCut, readFileSync(mka).subarray(0, Math.round(readFileSync(mka).length * 0.6)));
  writeFileSync(F.wavCut, readFileSync(F.wav).subarray(0, 1_000_000));
  const opus = join(DIR, 'full.opus');
  ff([...TONE, '-c:a', 'libopus', '-b:a', '96k', opus]);
  writeFileSync(F.opusCut, readFileSync(opus).subarray(0, Math.round(readFileSync(opus).length * 0.5) + 77));
  // an ID3v1 tag appended to a WAV (as some taggers do): neither trailing data nor truncation
  writeFileSync(F.wavId3v1, Buffer.concat([readFileSync(F.wav), Buffer.from('TAG', 'latin1'), Buffer.from('Title'.padEnd(30, '\0'), 'latin1'), Buffer.alloc(94), Buffer.from([12])]));
  // ALAC whose movie header (mvhd) states 0.8 × the duration of its samples
  const m = Buffer.from(readFileSync(F.alac));
  const i = m.indexOf('mvhd');
  m.writeUInt32BE(Math.round(m.readUInt32BE(i + 20) * 0.8), i + 20);
  writeFileSync(F.mvhdShort, m);
  // lying extensions of formats ffmpeg reads by content
  copyFileSync(F.flac, LIES.wv);
  copyFileSync(F.flac, LIES.tak);
  copyFileSync(F.gapless, LIES.mpc);
  copyFileSync(F.wav, LIES.voc);
  copyFileSync(F.alac, LIES.mka);
  copyFileSync(F.gapless, LIES.w64);
  const short = ['-f', 'lavfi', '-i', 'sine=d=2'];
  ff([...short, '-c:a', 'pcm_u8', REAL.voc]);
  ff([...short, '-c:a', 'wavpack', REAL.wv]);
  ff([...short, '-c:a', 'pcm_s16le', REAL.caf]);
  ff([...short, REAL.w64]);
  ff([...short, '-c:a', 'pcm_f32be', '-f', 'aiff', REAL.aifc]);
  ff([...short, '-c:a', 'flac', REAL.mka]);
}

describe('media truth, each kind left (issue 10, third round)', () => {
  const { probed, probe, load } = probeTable(probeFile);
  const cache = join(DIR, 'cache');
  /** the library's analysis of `p` (what `studio analyze`, the track detail and the export show) */
  const library = (p: string) => analyseForLibrary({ path: p, cacheDir: cache, only: ['loudness'] });

  before(async () => {
    buildInputs();
    const all = [...Object.values(F), ...NAMED, ...Object.values(LIES), ...Object.values(REAL)];
    await load(all);
  });

  test('1. conflicting tags in one file: the container\'s own format shown, a warning naming both sources, both values, which is shown and why', () => {
    const cases: Array<[string, string, RegExp]> = [
      [F.apeMp3, 'Title in ID3v2', /Conflicting title tags.*"Title in ID3v2" \(ID3v2\.\d\).*"Title in APEv2" \(APEv2\); shown: "Title in ID3v2", from ID3v2\.\d, because ID3v2 is the MP3 tag every player reads/],
      [F.v1Mp3, 'Title in ID3v2.4', /Conflicting title tags.*"Title in ID3v2\.4" \(ID3v2\.\d\).*"Title in ID3v1" \(ID3v1\); shown: "Title in ID3v2\.4"/],
      [F.infoId3Wav, 'Title in ID3', /Conflicting title tags.*"Title in ID3" \(ID3v2\.\d\).*"Title in INFO" \(RIFF LIST\/INFO\); shown: "Title in ID3".*because the WAV's id3 chunk holds Unicode text/],
      [F.id3Flac, 'Title in Vorbis', /Conflicting title tags.*"Title in Vorbis" \(Vorbis comment\).*"Title in ID3" \(ID3v2\.\d\); shown: "Title in Vorbis".*FLAC's own tag/],
    ];
    for (const [p, title, warning] of cases) {
      const r = probe(p);
      assert.equal(r.tags.title, title, p);
      assert.ok(r.warnings.some((w) => warning.test(w)), `${p}:\n${r.warnings.join('\n')}`);
      assert.ok(!r.warnings.some((w) => /Conflicting artist/.test(w)), 'the same artist in both is no conflict');
    }
    assert.deepEqual(probe(F.v1Copy).warnings, [], 'an ID3v1 copy cut at 30 bytes is no conflict');
  });

  test('1. the library shows the same tag and warning', async () => {
    const a = await library(F.apeMp3);
    assert.equal(a.tags.title, 'Title in ID3v2');
    assert.ok(a.warnings.some((w) => /Conflicting title tags/.test(w)), a.warnings.join('\n'));
  });

  test('2. FLAC with STREAMINFO total_samples = 0: the duration that decodes (20.00 s, not the last frame\'s start), measured, with a warning', async () => {
    const r = probe(F.flacNoTotal);
    const truth = decodedSec(F.flacNoTotal);
    assert.ok(Math.abs(truth - 20) < 0.001);
    assert.ok(Math.abs(r.durationSec - truth) < 0.001, `probe ${r.durationSec} vs ${truth}`);
    assert.notEqual(r.durationEstimated, true);
    assert.ok(r.warnings.some((w) => /STREAMINFO\) states no total sample count; the duration 0:20\.00 is measured/.test(w)), r.warnings.join('\n'));
    const a = await library(F.flacNoTotal);
    assert.ok(Math.abs(a.durationSec - r.durationSec) < 0.001, `library ${a.durationSec}`);
  });

  test('3. the audio bitrate of the same bytes does not depend on the file name (FLAC with two covers as .m4a/.mp3/.flac)', () => {
    const truth = audioKbps(F.covers);
    const rates = [F.covers, ...NAMED].map((p) => probe(p).bitrateKbps);
    assert.deepEqual(new Set(rates).size, 1, `bitrates ${rates.join(', ')}`);
    assert.ok(Math.abs(rates[0]! - truth) <= 1, `${rates[0]} vs the packets' ${truth.toFixed(1)}`);
    for (const p of NAMED.slice(0, 2)) assert.ok(probe(p).warnings.some((w) => /is in fact FLAC/.test(w)));
  });

  test('4. VBR MP3 without Xing, loud start: one bitrate — the average over every frame — in the headline and the stream line', async () => {
    const r = probe(F.vbrLoud);
    const truth = audioKbps(F.vbrLoud);
    assert.ok(Math.abs(r.bitrateKbps! - truth) <= 1, `${r.bitrateKbps} vs ${truth.toFixed(1)}`);
    assert.equal(r.audio?.bitrateKbps, r.bitrateKbps, 'the stream line');
    assert.equal(r.streams.find((s) => s.type === 'audio')?.bitrateKbps, r.bitrateKbps);
    const a = await library(F.vbrLoud);
    assert.equal(a.bitrateKbps, r.bitrateKbps);
    assert.equal(a.source.streams.find((s) => s.type === 'audio')?.bitrateKbps, r.bitrateKbps, 'the library detail\'s stream line');
    assert.ok(Math.abs(a.durationSec - r.durationSec) < 0.01, `library ${a.durationSec} vs probe ${r.durationSec}`);
  });

  test('5. gapless MP3 (LAME/Info tag delay and padding) and AAC in MP4 (edit list, iTunSMPB): one gapless duration in the probe and the library', async () => {
    for (const p of [F.gapless, F.gapless48]) {
      const r = probe(p);
      const truth = decodedSec(p);
      assert.ok(Math.abs(r.durationSec - truth) < 0.001, `${p}: probe ${r.durationSec} vs decoded ${truth}`);
      const a = await library(p);
      assert.ok(Math.abs(a.durationSec - r.durationSec) < 0.001, `${p}: library ${a.durationSec} vs probe ${r.durationSec}`);
    }
    // AAC with an edit list: what decodes (ffmpeg 5.1 skips the edit list's priming and decodes the last frame's
    // padding: 20.00 s + up to one frame) in both, as for every other container (issue 10 kind 1: it was the edit
    // list's 20.000 while 20.0xx decoded); the sample table counts it, no decode in the probe
    const r = probe(F.aacM4a);
    const aacDecoded = decodedSec(F.aacM4a);
    assert.ok(aacDecoded > 20.005, 'ffmpeg 5.1 decodes the last frame\'s padding');
    assert.ok(Math.abs(r.durationSec - aacDecoded) < 0.001, `probe ${r.durationSec} vs decoded ${aacDecoded}`);
    const a = await library(F.aacM4a);
    assert.equal(a.durationSec, r.durationSec, `library ${a.durationSec} vs probe ${r.durationSec}`);
    // AAC with iTunSMPB: what decodes (the tag's priming skipped, the padding decoded), not the container's 20.02 with priming and padding
    const s = probe(F.itunSmpb);
    assert.ok(Math.abs(s.durationSec - decodedSec(F.itunSmpb)) < 0.001 && s.durationSec < 20.02, `probe ${s.durationSec} vs decoded ${decodedSec(F.itunSmpb)}`);
    const b = await library(F.itunSmpb);
    assert.equal(b.durationSec, s.durationSec, `library ${b.durationSec} vs probe ${s.durationSec}`);
  });

  test('6. a WAV whose data chunk counts 5 s of 20: trailing data named (not "container overhead"), what plays shown', () => {
    const r = probe(F.wavShortData);
    assert.ok(Math.abs(r.durationSec - decodedSec(F.wavShortData)) < 0.001 && Math.abs(r.durationSec - 5) < 0.001, `${r.durationSec}`);
    assert.ok(r.warnings.some((w) => /"data" chunk counts 882 kB of audio \(0:05\.00\), but 2\.65 MB follow it that belong to no chunk \(trailing data/.test(w)), r.warnings.join('\n'));
    assert.ok(!r.warnings.some((w) => /overhead/.test(w)), r.warnings.join('\n'));
    assert.ok(!probe(F.wavId3v1).warnings.some((w) => /trailing|truncated/.test(w)), probe(F.wavId3v1).warnings.join('\n'));
  });

  test('9. files cut short read as truncated, never "not an audio file": nothing decodable is an error that says where it ends', async () => {
    for (const [p, where] of [
      [F.alacCut, /MP4 file ends after 300 kB, inside its audio data \(the mdat box\), before its index/],
      [F.flacCoverCut, /FLAC file ends after 1\.00 MB, inside its embedded picture/],
    ] as const) {
      const r = probed.get(p);
      assert.ok(r instanceof Error, `${p} probed`);
      assert.equal((r as { code?: string }).code, 'DECODE_FAILED');
      assert.match(r.message, /is truncated: /);
      assert.match(r.message, where);
      await assert.rejects(analyzeFile(p, []), (e: { code?: string; message: string }) => e.code === 'DECODE_FAILED' && where.test(e.message));
      await assert.rejects(library(p), (e: { code?: string; message: string }) => e.code === 'DECODE_FAILED' && /truncated/.test(e.message));
    }
  });

  test('9. files cut short with audio before the cut: what decodes is kept, with a warning naming the truncation', () => {
    for (const [p, where] of [
      [F.alacFastCut, /MP4 file ends after 300 kB, inside its audio data/],
      [F.mkaCut, /Matroska file ends after/],
      [F.wavCut, /WAV file ends after 1\.00 MB, inside its audio data/],
      [F.opusCut, /Ogg file ends after/],
    ] as const) {
      const r = probe(p);
      const truth = decodedSec(p);
      assert.ok(Math.abs(r.durationSec - truth) < 0.05, `${p}: probe ${r.durationSec} vs decoded ${truth}`);
      assert.ok(r.warnings.some((w) => /appears truncated or damaged/.test(w) && where.test(w)), `${p}:\n${r.warnings.join('\n')}`);
    }
  });

  test('10. ALAC with a wrong mvhd: one duration, the decoded one, in the probe and the library', async () => {
    const r = probe(F.mvhdShort);
    const truth = decodedSec(F.mvhdShort);
    assert.ok(Math.abs(r.durationSec - truth) < 0.001, `probe ${r.durationSec} vs decoded ${truth}`);
    assert.ok(r.warnings.some((w) => /header states 0:16\.\d\d, but its audio, read to the end without errors, lasts 0:20\.00/.test(w)), r.warnings.join('\n'));
    const a = await library(F.mvhdShort);
    assert.ok(Math.abs(a.durationSec - r.durationSec) < 0.001, `library ${a.durationSec}`);
  });

  test('11. lying extensions of any format ffmpeg reads (its demuxer names and lists, not a table of a few) are named; real files of those formats are not', () => {
    for (const [p, said] of [
      [LIES.wv, /is in fact FLAC, not WV/],
      [LIES.tak, /is in fact FLAC, not TAK/],
      [LIES.mpc, /is in fact MP3, not MPC/],
      [LIES.voc, /is in fact WAV, not VOC/],
      [LIES.mka, /is in fact MPEG-4 \(M4A\/MP4\), not MKA/],
      [LIES.w64, /is in fact MP3, not W64/],
    ] as const) assert.ok(probe(p).warnings.some((w) => said.test(w)), `${p}:\n${probe(p).warnings.join('\n')}`);
    for (const p of [F.flac, F.wav, F.alac, F.gapless, ...Object.values(REAL)]) assert.ok(!probe(p).warnings.some((w) => /is in fact/.test(w)), `${p}: ${probe(p).warnings.join('\n')}`);
  });
});
