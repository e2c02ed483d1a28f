// Issue 10, a fresh tester on kinds 1 and 2 (tester10f): files written the way other encoders, taggers and recorders
// write them (lame, sox, flac with cue sheets, oggenc/vorbiscomment, opusenc, mutagen's WAV/AIFF/DSF ID3 chunks,
// AtomicParsley, mkvmerge, WavPack, hand-made DSF, BWF, WAVE_FORMAT_EXTENSIBLE channel masks, every channel layout
// ffmpeg names, 4 kHz–705.6 kHz, u8 to f64), checked against ffprobe and a full ffmpeg decode. Faults found and
// fixed here (each test failed before):
// - Kind 2: a WAV whose channels ffmpeg knows no positions for (12 channels with channel mask 0, or a plain PCM WAV of
//   10 channels: ffmpeg guesses a layout only for 1–8, 16 and 24 channels — a field recorder's poly WAV) could not be
//   analysed ("could not be decoded (ffmpeg exit 1): Conversion failed!": the wave output's `-ac 1` needs channel
//   positions), nor drawn (the waveform range) nor played (the proxy's `-ac 2`). Every channel is now averaged there.
// - Kind 2: a WAV whose header places its channels nowhere (WAVE_FORMAT_EXTENSIBLE, dwChannelMask 0: a multitrack or
//   ambisonic recorder's file) got a layout ffmpeg guessed from the count (3 channels: 2.1, 5: 5.0, 6: 5.1): a third
//   track with sound on it was taken for an LFE channel, which BS.1770 leaves out — the file measured silent
//   (integrated loudness null) — and a fifth was weighed as a surround channel (+1.5 dB). Unplaced channels now weigh
//   1.0, as BS.1770 and loudness.ts's own rule say, and are averaged where a mix is made.
// - Kind 2: the play proxy's "lossless codecs" were a short table (pcm_, alac, ape, wavpack, tta, mlp, truehd, flac,
//   shorten, tak): SMPTE 302M (broadcast PCM in MPEG-TS), WMA Lossless, MPEG-4 ALS, RealAudio Lossless, DST and ATRAC AL
//   were played through a lossy Opus proxy. ffmpeg is asked (`ffmpeg -codecs`, its lossless flag).
// - Kind 1: repeated Vorbis comments (ALBUMARTIST=a, ALBUMARTIST=b as taggers write one per album artist; COMMENT
//   twice) kept one value where ffmpeg and the file hold both.
// - Kind 1: an Ogg FLAC (`flac --ogg --picture`) with a front cover: neither reader lists FLAC PICTURE blocks in Ogg,
//   so the probe and the library said "no cover art", no cover was shown, and the file's size over its duration was
//   put down to "tags and container overhead". Its PICTURE header packets are now read (media/ogg-flac.ts).
//   Needs the `flac` command (Debian package flac, installed by .ci/run).
// - Kind 1: an MPEG-4 file named .m4p, .f4a or .f4b (iTunes' protected AAC, Adobe's Flash audio and audiobook names,
//   each an MPEG-4 file) was said to be "in fact MPEG-4 (M4A/MP4), not M4P as its extension says" — ffmpeg's mov
//   demuxer lists no such extension; the content sniffer (file-type) knows them as MPEG-4 brands.
// Inputs are built here with ffmpeg and byte by byte.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyseForLibrary } from '../../main/engine/library/analyse';
import { computeRange, planRange } from '../../main/engine/analysis/waveform-range';
import { losslessAudioCodecs, playPlan } from '../../main/engine/media/playable';
import { embeddedCover } from '../../main/engine/media/cover';
import { probeFile } from '../../main/engine/media/probe';
import { ff, OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'media-truth-kinds15');

/**
 * A 16-bit PCM WAV of `ch` channels at 48 kHz, `sec` long, with a 440 Hz sine of amplitude 0.6 in channel `loud` only
 * (the others silent): WAVE_FORMAT_EXTENSIBLE with `mask` when given, else WAVE_FORMAT_PCM (tag 1).
 */
function wavOf(ch: number, sec: number, loud: number, mask?: number): Buffer {
  const rate = 48000;
  const n = rate * sec;
  const data = Buffer.alloc(n * ch * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(0.6 * 32767 * Math.sin((2 * Math.PI * 440 * i) / rate)), (i * ch + loud) * 2);
  let fmt: Buffer;
  if (mask === undefined) {
    fmt = Buffer.alloc(16);
    fmt.writeUInt16LE(1, 0);
  } else {
    fmt = Buffer.alloc(40);
    fmt.writeUInt16LE(0xfffe, 0);
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(16, 18);
    fmt.writeUInt32LE(mask, 20);
    Buffer.from('0100000000001000800000aa00389b71', 'hex').copy(fmt, 24); // KSDATAFORMAT_SUBTYPE_PCM
  }
  fmt.writeUInt16LE(ch, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * ch * 2, 8);
  fmt.writeUInt16LE(ch * 2, 12);
  fmt.writeUInt16LE(16, 14);
  const chunk = (id: string, body: Buffer) => { const h = Buffer.alloc(8); h.write(id, 0, 'latin1'); h.writeUInt32LE(body.length, 4); return Buffer.concat([h, body]); };
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('data', data)]);
  return Buffer.concat([Buffer.from('RIFF'), Buffer.from(Uint32Array.of(body.length).buffer), body]);
}

/** `flac` with its VORBIS_COMMENT block replaced by one holding `comments` ("KEY=value", in order), other blocks kept */
function withVorbisComments(flac: Buffer, comments: string[]): Buffer {
  assert.equal(flac.toString('latin1', 0, 4), 'fLaC');
  const blocks: Buffer[] = [];
  let off = 4;
  for (;;) {
    const last = (flac[off] & 0x80) !== 0;
    const type = flac[off] & 0x7f;
    const len = flac.readUIntBE(off + 1, 3);
    if (type !== 4) blocks.push(Buffer.from(flac.subarray(off, off + 4 + len)));
    off += 4 + len;
    if (last) break;
  }
  const le32 = (n: number) => Buffer.from(Uint32Array.of(n).buffer);
  const vendor = Buffer.from('reference libFLAC 1.4.2 20221022');
  const vc = Buffer.concat([le32(vendor.length), vendor, le32(comments.length), ...comments.map((c) => { const b = Buffer.from(c, 'utf8'); return Buffer.concat([le32(b.length), b]); })]);
  const head = Buffer.from([4, (vc.length >> 16) & 255, (vc.length >> 8) & 255, vc.length & 255]);
  for (const b of blocks) b[0] &= 0x7f;
  blocks.push(Buffer.concat([head, vc]));
  blocks[blocks.length - 1][0] |= 0x80;
  return Buffer.concat([Buffer.from('fLaC'), ...blocks, flac.subarray(off)]);
}

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
});
after(() => rmSync(join(DIR, 'cache'), { recursive: true, force: true }));

describe('kind 2: channels ffmpeg knows no positions for are averaged, not refused', () => {
  const files = {
    mask0: join(DIR, 'poly12-mask0.wav'), // WAVE_FORMAT_EXTENSIBLE, 12 channels, dwChannelMask 0
    plain10: join(DIR, 'poly10-pcm.wav'), // WAVE_FORMAT_PCM, 10 channels (no mask at all)
  };
  before(() => {
    writeFileSync(files.mask0, wavOf(12, 5, 11, 0));
    writeFileSync(files.plain10, wavOf(10, 5, 0));
  });

  test('analysed for the library (every analyser, the waveform\'s 16 kHz mono included): what decodes, 5 s', async () => {
    for (const path of Object.values(files)) {
      const a = await analyseForLibrary({ path, cacheDir: join(DIR, 'cache') });
      assert.equal(a.durationSec, 5, path);
      assert.ok(a.results.peaks, `${path}: the waveform was drawn`);
      assert.equal(a.source.streams.find((s) => s.type === 'audio')?.channels, path === files.mask0 ? 12 : 10);
    }
  });

  test('the waveform range is the mean of every channel (one channel of 12 at 0.6: peaks ≈ 0.05)', async () => {
    const r = await computeRange(files.mask0, planRange(1, 2, 200));
    const peak = Math.max(...r.minMax);
    assert.ok(Math.abs(peak - 0.6 / 12) < 0.005, `peak ${peak}`);
    const r10 = await computeRange(files.plain10, planRange(1, 2, 200));
    assert.ok(Math.abs(Math.max(...r10.minMax) - 0.6 / 10) < 0.005, `peak ${Math.max(...r10.minMax)}`);
  });

  test('the play proxy of a 12-channel Wave64 without positions is made (stereo, every channel averaged)', async () => {
    const w64 = join(DIR, 'poly12.w64');
    ff(['-i', files.mask0, '-c:a', 'pcm_s16le', '-f', 'w64', w64]);
    const probe = await probeFile(w64);
    assert.equal(probe.audio?.channels, 12);
    const plan = playPlan(probe, await losslessAudioCodecs());
    assert.equal(plan.kind, 'proxy');
    if (plan.kind !== 'proxy') return;
    const out = join(DIR, `proxy.${plan.ext}`);
    ff(['-i', w64, ...plan.args, out]);
    const s = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', out], { encoding: 'utf8' })).streams[0];
    assert.equal(s.channels, 2);
  });
});

describe('kind 2: channels a WAV places nowhere are not given a guessed layout', () => {
  test('loudness of one sounding track among 3, 5 or 6 unplaced ones equals the same sound alone; a real LFE stays out', async () => {
    const lufs = async (name: string, wav: Buffer) => {
      const path = join(DIR, name);
      writeFileSync(path, wav);
      const a = await analyseForLibrary({ path, cacheDir: join(DIR, 'cache'), only: ['loudness'] });
      return (a.results.loudness as { integratedLufs: number | null }).integratedLufs;
    };
    const alone = await lufs('alone.wav', wavOf(1, 5, 0));
    assert.ok(alone !== null && alone > -20 && alone < -5, `mono ${alone}`);
    for (const [ch, loud] of [[3, 2], [5, 3], [6, 3]]) {
      const v = await lufs(`unplaced-${ch}-${loud}.wav`, wavOf(ch, 5, loud, 0));
      assert.ok(v !== null && Math.abs(v - alone) < 0.05, `${ch} channels, mask 0, sound on channel ${loud + 1}: ${v} LUFS vs ${alone}`);
    }
    // a 5.1 WAV that says so (mask 0x3F): its fourth channel is the LFE, which BS.1770 leaves out
    assert.equal(await lufs('lfe-only-51.wav', wavOf(6, 5, 3, 0x3f)), null);
  });
});

describe('kind 2: which codecs are lossless is ffmpeg\'s word, not a table', () => {
  test('ffmpeg\'s lossless codecs (WMA Lossless, ALS, RealAudio Lossless, DST, 302M, PCM, FLAC, WavPack), not lossy ones', async () => {
    const set = await losslessAudioCodecs();
    for (const c of ['wmalossless', 'mp4als', 'ralf', 'dst', 's302m', 'pcm_s16le', 'pcm_f32be', 'flac', 'alac', 'wavpack', 'tak', 'truehd']) assert.ok(set.has(c), c);
    for (const c of ['opus', 'aac', 'mp3', 'vorbis', 'wmav2', 'ac3', 'dsd_lsbf']) assert.ok(!set.has(c), c);
  });

  test('SMPTE 302M in MPEG-TS (broadcast PCM) is played through a FLAC proxy, not a lossy one', async () => {
    const ts = join(DIR, 's302m.ts');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=3', '-ar', '48000', '-ac', '2', '-c:a', 's302m', '-strict', '-2', '-f', 'mpegts', ts]);
    const probe = await probeFile(ts);
    assert.equal(probe.audio?.codec, 's302m');
    const plan = playPlan(probe, await losslessAudioCodecs());
    assert.equal(plan.kind === 'proxy' && plan.ext, 'flac');
  });
});

describe('kind 1: repeated Vorbis comments keep every value', () => {
  test('two ALBUMARTIST and two COMMENT fields in a FLAC: both, as ffmpeg reads them', async () => {
    const src = join(DIR, 'vc-src.flac');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=3', '-c:a', 'flac', src]);
    const path = join(DIR, 'vc-repeated.flac');
    writeFileSync(path, withVorbisComments(readFileSync(src), ['TITLE=Split', 'ALBUMARTIST=Ann One', 'ALBUMARTIST=Bob Two', 'COMMENT=first note', 'COMMENT=second note', 'ALBUM=One Album']));
    const ffTags = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', path], { encoding: 'utf8' })).format.tags;
    assert.equal(ffTags.album_artist ?? ffTags.ALBUMARTIST, 'Ann One;Bob Two', 'ffmpeg reads both');
    const p = await probeFile(path);
    assert.equal(p.tags.albumArtist, 'Ann One; Bob Two');
    assert.equal(p.tags.comment, 'first note; second note');
    assert.equal(p.tags.album, 'One Album');
    assert.equal(p.tags.title, 'Split');
  });
});

describe('kind 1: an Ogg FLAC\'s cover is found', () => {
  test('flac --ogg --picture: cover art in probe and library, the bitrate warning names it, the cover is the picture', async () => {
    const png = join(DIR, 'cover.png');
    ff(['-f', 'lavfi', '-i', 'nullsrc=s=400x400,geq=random(1)*255:128:128', '-frames:v', '1', png]);
    const wav = join(DIR, 'ogg-flac-src.wav');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=4', '-ac', '2', wav]);
    const path = join(DIR, 'with-cover.oga');
    execFileSync('flac', ['-s', '-f', '--ogg', '-T', 'TITLE=Ogg Cover', '--picture', png, wav, '-o', path]);
    const p = await probeFile(path);
    assert.equal(p.audio?.codec, 'flac');
    assert.equal(p.hasCoverArt, true);
    assert.ok(p.warnings.some((w) => /embedded cover art/.test(w)), p.warnings.join(' | '));
    const library = await analyseForLibrary({ path, cacheDir: join(DIR, 'cache'), only: ['loudness'] });
    assert.equal(library.hasCoverArt, true);
    const cover = await embeddedCover(path, join(DIR, 'cache'), '0123456789abcdef0123456789abcdef');
    assert.ok(cover, 'a cover is extracted');
    assert.deepEqual(readFileSync(cover.path), readFileSync(png));
  });
});

describe('kind 1: MPEG-4 names ffmpeg does not list are not called another container', () => {
  test('an M4A named .m4p, .f4a, .f4b: no "in fact" warning; named .flac or .heic it still gets one', async () => {
    const m4a = join(DIR, 'tagged.m4a');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=3', '-c:a', 'aac', '-metadata', 'title=Named', m4a]);
    for (const ext of ['m4p', 'f4a', 'f4b']) {
      const p = join(DIR, `tagged.${ext}`);
      copyFileSync(m4a, p);
      const r = await probeFile(p);
      assert.equal(r.tags.title, 'Named');
      assert.deepEqual(r.warnings.filter((w) => /in fact|extension/.test(w)), [], `.${ext}: ${r.warnings.join(' | ')}`);
    }
    for (const ext of ['flac', 'heic']) {
      const p = join(DIR, `tagged-wrong.${ext}`);
      copyFileSync(m4a, p);
      const r = await probeFile(p);
      assert.ok(r.warnings.some((w) => /is in fact MPEG-4/.test(w)), `.${ext}: ${r.warnings.join(' | ')}`);
    }
  });
});
