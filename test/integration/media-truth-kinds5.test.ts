// Issue 10, fifth round (tester10b): regression tests for new inputs that PASS on the merged
// tree (42a7786) — ordinary, well-formed files of every common format made the way ffmpeg
// makes them must carry no warning at all (a false alarm is as bad as a miss), legitimate
// pairings (FLAC in Ogg named .ogg/.oga, ALAC in .m4a, WebM named .mka, MPEG-1 Layer II
// named .mp2) are not called lies, new extension lies are named, an MP3 with a LAME VBR
// Info tag, an ID3v2.4 tag with a cover and an APEv2 tag reads both tags, a WAV with LIST
// INFO in Windows-1252 and an "id3 " chunk in UTF-16 reads the exact text, and a FLAC cut at
// 81 % keeps what decodes. Every right value is what ffmpeg decodes or what the test wrote.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { probeFile } from '../../main/engine/media/probe';
import { audioKbps, decodedSec, ff, OUTPUT, probeTable } from '../helpers/media';

const DIR = join(OUTPUT, 'media-truth-kinds5');

const le32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
const be32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const syncsafe = (n: number) => Buffer.from([(n >> 21) & 127, (n >> 14) & 127, (n >> 7) & 127, n & 127]);
/** an APEv2 item (APEv2 spec: size, flags, key, 0x00, UTF-8 value) */
const apeItem = (k: string, v: string) => { const val = Buffer.from(v, 'utf8'); return Buffer.concat([le32(val.length), le32(0), Buffer.from(k + '\0', 'latin1'), val]); };
/** an APEv2 tag with header and footer, as foobar2000/Mp3tag append it */
function apeTag(items: [string, string][]): Buffer {
  const body = Buffer.concat(items.map(([k, v]) => apeItem(k, v)));
  const hf = (flags: number) => Buffer.concat([Buffer.from('APETAGEX'), le32(2000), le32(body.length + 32), le32(items.length), le32(flags), Buffer.alloc(8)]);
  return Buffer.concat([hf(0xa0000000), body, hf(0x80000000)]);
}
/** a RIFF chunk, padded to even size */
const chunk = (id: string, body: Buffer) => Buffer.concat([Buffer.from(id, 'latin1'), le32(body.length), body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
/** an ID3v2.3 text frame in UTF-16 with BOM (encoding 1) */
function frameUtf16(id: string, text: string): Buffer {
  const body = Buffer.concat([Buffer.from([1, 0xff, 0xfe]), Buffer.from(text, 'utf16le'), Buffer.alloc(2)]);
  return Buffer.concat([Buffer.from(id, 'latin1'), be32(body.length), Buffer.alloc(2), body]);
}
/** a WAV with fmt + data of `src`, then LIST/INFO in Windows-1252 and an "id3 " chunk in UTF-16 */
function wavListId3(src: string, out: string, title: string, artist: string): void {
  const b = readFileSync(src);
  const keep: Buffer[] = [];
  for (let i = 12; i + 8 <= b.length;) {
    const id = b.toString('latin1', i, i + 4);
    const size = b.readUInt32LE(i + 4);
    if (id === 'fmt ' || id === 'data') keep.push(chunk(id, b.subarray(i + 8, i + 8 + size)));
    i += 8 + size + (size & 1);
  }
  // Windows-1252: Latin-1 except the en dash, 0x96
  const cp1252 = (s: string) => Buffer.from([...s].map((c) => (c === '–' ? 0x96 : c.charCodeAt(0))));
  const info = Buffer.concat([Buffer.from('INFO'), chunk('INAM', Buffer.concat([cp1252(title), Buffer.alloc(1)])), chunk('IART', Buffer.concat([cp1252(artist), Buffer.alloc(1)]))]);
  const frames = Buffer.concat([frameUtf16('TIT2', title), frameUtf16('TPE1', artist)]);
  const id3 = Buffer.concat([Buffer.from('ID3'), Buffer.from([3, 0, 0]), syncsafe(frames.length), frames]);
  const body = Buffer.concat([Buffer.from('WAVE'), ...keep, chunk('LIST', info), chunk('id3 ', id3)]);
  writeFileSync(out, Buffer.concat([Buffer.from('RIFF'), le32(body.length), body]));
}

const F = {
  cbr: join(DIR, 'cbr.mp3'),
  vbr: join(DIR, 'vbr.mp3'),
  vbrCoverApe: join(DIR, 'vbr-cover-ape.mp3'),
  aac: join(DIR, 'aac.m4a'),
  aacFastChap: join(DIR, 'aac-faststart-chapters.m4a'),
  alac: join(DIR, 'alac.m4a'),
  m4b: join(DIR, 'book.m4b'),
  flac: join(DIR, 'plain.flac'),
  flacPng16: join(DIR, 'png16-cover.flac'),
  oggFlac: join(DIR, 'flac-in-ogg.ogg'),
  oggFlacOga: join(DIR, 'flac-in-ogg.oga'),
  vorbis: join(DIR, 'plain.ogg'),
  opus: join(DIR, 'plain.opus'),
  w16: join(DIR, 'w16.wav'),
  w24: join(DIR, 'w24.wav'),
  w32f: join(DIR, 'w32f.wav'),
  w51: join(DIR, 'w51.wav'),
  bwf: join(DIR, 'bwf.wav'),
  aiff: join(DIR, 'plain.aiff'),
  sowt: join(DIR, 'sowt.aifc'),
  mka: join(DIR, 'attachment.mka'),
  webm: join(DIR, 'audio.webm'),
  webmAsMka: join(DIR, 'webm-named.mka'),
  mp2: join(DIR, 'plain.mp2'),
  wv: join(DIR, 'plain.wv'),
  w64: join(DIR, 'plain.w64'),
  gifCover: join(DIR, 'gif-cover.mp3'),
  listId3: join(DIR, 'list-cp1252-id3-utf16.wav'),
  flacCut81: join(DIR, 'cut81.flac'),
  aacAsOgg: join(DIR, 'aac-named.ogg'),
  opusAsM4a: join(DIR, 'opus-named.m4a'),
  wavAsAiff: join(DIR, 'wav-named.aiff'),
  aiffAsWav: join(DIR, 'aiff-named.wav'),
} as const;

function buildInputs(): void {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const music = join(DIR, 'music.wav');
  const noisy = join(DIR, 'noisy.wav');
  const cover = join(DIR, 'cover.jpg');
  const png16 = join(DIR, 'cover16.png');
  const gif = join(DIR, 'anim.gif');
  ff(['-f', 'lavfi', '-i', 'sine=f=330:d=6', '-f', 'lavfi', '-i', 'sine=f=550:d=6', '-filter_complex', '[0][1]amerge=inputs=2,volume=0.5', '-ar', '44100', music]);
  ff(['-f', 'lavfi', '-i', 'anoisesrc=d=6:c=pink:a=0.2', '-f', 'lavfi', '-i', 'sine=f=220:d=6', '-filter_complex', '[0][1]amerge=inputs=2', '-ar', '44100', noisy]);
  ff(['-f', 'lavfi', '-i', 'testsrc=s=300x300:d=1', '-frames:v', '1', cover]);
  ff(['-f', 'lavfi', '-i', 'testsrc=s=256x256:d=1', '-frames:v', '1', '-pix_fmt', 'rgb48be', png16]);
  ff(['-f', 'lavfi', '-i', 'testsrc=s=200x200:d=0.5:r=4', '-loop', '0', gif]);
  const t = (title: string) => ['-metadata', `title=${title}`];
  // the files made from the music alone, in one ffmpeg run: each output's options are its own, so each file is what its
  // own run made (an ffmpeg start is ~0.2 s of CPU here; these were 17 runs, session 21)
  ff([
    '-i', music,
    '-c:a', 'libmp3lame', '-b:a', '128k', ...t('Cbr'), F.cbr,
    '-c:a', 'aac', '-b:a', '128k', ...t('Aac'), F.aac,
    '-c:a', 'alac', ...t('Alac'), F.alac,
    '-c:a', 'flac', ...t('Flac'), F.flac,
    '-c:a', 'flac', ...t('OggFlac'), '-f', 'ogg', F.oggFlac,
    '-c:a', 'libvorbis', '-q:a', '5', ...t('Vorbis'), F.vorbis,
    '-c:a', 'libopus', '-b:a', '128k', ...t('Opus'), F.opus,
    '-c:a', 'pcm_s16le', ...t('W16'), F.w16,
    '-c:a', 'pcm_s24le', ...t('W24'), F.w24,
    '-c:a', 'pcm_f32le', ...t('W32f'), F.w32f,
    '-c:a', 'pcm_s16le', '-write_bext', '1', ...t('Bext'), '-metadata', 'encoded_by=Tool', F.bwf,
    '-c:a', 'pcm_s16be', ...t('Aiff'), F.aiff,
    '-c:a', 'pcm_s16le', '-f', 'aiff', F.sowt,
    '-c:a', 'libopus', ...t('Webm'), F.webm,
    '-c:a', 'mp2', '-b:a', '192k', F.mp2,
    '-c:a', 'wavpack', ...t('Wv'), F.wv,
    '-c:a', 'pcm_s16le', F.w64,
  ]);
  ff(['-i', noisy, '-c:a', 'libmp3lame', '-q:a', '4', ...t('Vbr'), F.vbr]);
  ff(['-i', noisy, '-i', cover, '-map', '0', '-map', '1', '-c:a', 'libmp3lame', '-q:a', '2', '-c:v', 'copy', '-id3v2_version', '4', ...t('Vbr Ünï'), '-metadata', 'artist=Art', '-metadata:s:v', 'comment=Cover (front)', F.vbrCoverApe]);
  writeFileSync(F.vbrCoverApe, Buffer.concat([readFileSync(F.vbrCoverApe), apeTag([['Title', 'Vbr Ünï'], ['Album', 'ApeAlbum']])]));
  const chap = join(DIR, 'chapters.txt');
  writeFileSync(chap, ';FFMETADATA1\ntitle=Chap Song\nartist=Chap Artist\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=2000\ntitle=Intro\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=2000\nEND=6000\ntitle=Main\n');
  ff(['-i', music, '-i', chap, '-map', '0', '-map_metadata', '1', '-map_chapters', '1', '-c:a', 'aac', '-b:a', '160k', '-movflags', '+faststart', F.aacFastChap]);
  ff(['-i', music, '-i', chap, '-map', '0', '-map_metadata', '1', '-map_chapters', '1', '-c:a', 'aac', '-f', 'ipod', F.m4b]);
  ff(['-i', music, '-i', png16, '-map', '0', '-map', '1', '-c:a', 'flac', '-c:v', 'copy', '-disposition:v', 'attached_pic', ...t('Png16'), F.flacPng16]);
  copyFileSync(F.oggFlac, F.oggFlacOga);
  ff(['-f', 'lavfi', '-i', 'sine=f=300:d=4', '-filter_complex', '[0]asplit=6[a][b][c][d][e][f];[a][b][c][d][e][f]amerge=inputs=6', '-c:a', 'pcm_s24le', ...t('Six'), F.w51]);
  ff(['-i', music, '-attach', cover, '-metadata:s:t', 'mimetype=image/jpeg', '-metadata:s:t', 'filename=cover.jpg', '-c:a', 'libopus', ...t('Mka'), F.mka]);
  copyFileSync(F.webm, F.webmAsMka);
  ff(['-i', music, '-i', gif, '-map', '0', '-map', '1:v:0', '-c:a', 'libmp3lame', '-c:v', 'copy', ...t('Gif'), F.gifCover]);
  wavListId3(F.w16, F.listId3, 'Café – Señor', 'Zoë');
  writeFileSync(F.flacCut81, readFileSync(F.flac).subarray(0, Math.floor(statSync(F.flac).size * 0.81)));
  copyFileSync(F.aac, F.aacAsOgg);
  copyFileSync(F.opus, F.opusAsM4a);
  copyFileSync(F.w24, F.wavAsAiff);
  copyFileSync(F.aiff, F.aiffAsWav);
}

describe('media truth, new inputs of each kind (issue 10, fifth round)', () => {
  const { probed, probe, load } = probeTable(probeFile);
  before(async () => {
    buildInputs();
    await load(Object.values(F));
  });

  test('ordinary well-formed files of every common format, and legitimate pairings (FLAC in Ogg as .ogg/.oga, ALAC in .m4a, WebM as .mka, .mp2, .m4b): no warning, the decoded duration, the channels', () => {
    const clean = [F.cbr, F.vbr, F.vbrCoverApe, F.aac, F.aacFastChap, F.alac, F.m4b, F.flac, F.flacPng16, F.oggFlac, F.oggFlacOga, F.vorbis, F.opus,
      F.w16, F.w24, F.w32f, F.w51, F.bwf, F.aiff, F.sowt, F.mka, F.webm, F.webmAsMka, F.mp2, F.wv, F.w64, F.gifCover, F.listId3];
    for (const p of clean) {
      const r = probe(p);
      assert.deepEqual(r.warnings, [], `${p}:\n${r.warnings.join('\n')}`);
      assert.ok(Math.abs(r.durationSec - decodedSec(p)) < 0.06, `${p}: probe ${r.durationSec} vs decoded ${decodedSec(p)}`);
      assert.equal(r.audio?.channels, p === F.w51 ? 6 : 2, p);
    }
  });

  test('audio bitrate is the packets\' average (covers, attachments, chapters and tags excluded), within 3 %', () => {
    for (const p of [F.vbr, F.vbrCoverApe, F.aacFastChap, F.m4b, F.alac, F.flacPng16, F.oggFlac, F.vorbis, F.opus, F.mka, F.gifCover, F.wv]) {
      const truth = audioKbps(p);
      const got = probe(p).bitrateKbps ?? 0;
      assert.ok(Math.abs(got - truth) / truth < 0.03, `${p}: probe ${got} kb/s vs packets ${truth.toFixed(1)}`);
    }
  });

  test('tags as written: ID3v2.4 + APEv2 on a LAME VBR MP3 (both read, cover found), chapters files\' global tags, WAV LIST/INFO in Windows-1252 + "id3 " in UTF-16', () => {
    const mp3 = probe(F.vbrCoverApe);
    assert.equal(mp3.tags.title, 'Vbr Ünï');
    assert.equal(mp3.tags.artist, 'Art');
    assert.equal(mp3.tags.album, 'ApeAlbum');
    assert.ok(mp3.hasCoverArt);
    for (const p of [F.aacFastChap, F.m4b]) {
      assert.equal(probe(p).tags.title, 'Chap Song', p);
      assert.equal(probe(p).tags.artist, 'Chap Artist', p);
    }
    assert.equal(probe(F.listId3).tags.title, 'Café – Señor');
    assert.equal(probe(F.listId3).tags.artist, 'Zoë');
    for (const p of [F.flacPng16, F.mka, F.gifCover]) assert.ok(probe(p).hasCoverArt, p);
    assert.ok(!probe(F.webm).hasCoverArt);
  });

  test('new extension lies are named (M4A as .ogg, Opus as .m4a, WAV as .aiff, AIFF as .wav), tags and duration kept', () => {
    for (const [p, said, title] of [
      [F.aacAsOgg, /is in fact MPEG-4 \(M4A\/MP4\), not OGG/, 'Aac'],
      [F.opusAsM4a, /is in fact Ogg, not M4A/, 'Opus'],
      [F.wavAsAiff, /is in fact WAV, not AIFF/, 'W24'],
      [F.aiffAsWav, /is in fact AIFF, not WAV/, 'Aiff'],
    ] as const) {
      const r = probe(p);
      assert.ok(r.warnings.some((w) => said.test(w)), `${p}:\n${r.warnings.join('\n')}`);
      assert.equal(r.tags.title, title, p);
      assert.ok(Math.abs(r.durationSec - decodedSec(p)) < 0.06, p);
    }
  });

  test('a FLAC cut at 81 % of its bytes: what decodes, with a truncation warning', () => {
    const r = probe(F.flacCut81);
    const truth = decodedSec(F.flacCut81);
    assert.ok(truth < 5.5, `${truth}`);
    assert.ok(Math.abs(r.durationSec - truth) < 0.05, `probe ${r.durationSec} vs decoded ${truth}`);
    assert.ok(r.warnings.some((w) => /appears truncated or damaged/.test(w)), r.warnings.join('\n'));
  });
});
