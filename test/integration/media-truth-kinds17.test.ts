// Issue 10, kinds 1–2: faults a tester found in what the probe and the library state about a file's container,
// length, rate, tags and name (helper files10). Each test failed before its fix, with the value named:
// - two FLACs joined with `cat a.flac b.flac`: the probe stated 5.956 s with a false "truncated … at sample 262656 of
//   the 352800" (the tail's frames are the second stream's, checked against the first STREAMINFO); ffmpeg decodes
//   13.732 s. Now probe = library = what decodes, with a warning that a second FLAC stream follows the first.
// - the container was named by the extension: an M4A (brand "M4A ") copied as .3gp, .mov, .mp4 was "3gp", "mov",
//   "mp4" (now "m4a", its major brand, as file-type reads it); a Sony Wave64 named .wav, an MLP named .thd and a DSF
//   named .dff got no "in fact" warning (now they do); an M4A named .aax was "in fact MPEG-4, not AAX" (Audible's AAX
//   is MPEG-4; ffmpeg's "aax" demuxer is CRI's ADX format): now no warning.
// - an MP3 with an APEv2 tag and an ID3v1 tag and no ID3v2 (lame --id3v1-only, then an APEv2 tag as foobar2000 or
//   MP3Gain inserts it before the ID3v1): the conflict warning said "because ID3v2 is the MP3 tag every player reads";
//   now the reason names what is true (no ID3v2 tag; APEv2's full text over ID3v1's 30 characters).
// - `studio probe "Café NFC.mp3"` when the file on disk is named in NFD ("Cafe\u0301 NFC.mp3", as macOS copies leave
//   it): NOT_FOUND is right on Linux (names are bytes), but the message said only "may have been moved or deleted";
//   now it names the file that differs only in Unicode normalisation.
// - a DSD64 .dsf: sample rate 352800 (ffmpeg's decoded PCM rate, the 1-bit rate / 8) in probe and library; the
//   file's rate is 2822400 (music-metadata says so). Now sampleRate 2822400, decodedSampleRate 352800.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyseForLibrary } from '../../main/engine/library/analyse';
import { probeFile } from '../../main/engine/media/probe';
import { decodedFrames, dsfBytes, ff, OUTPUT, ROOT } from '../helpers/media';
import { apeTag } from '../helpers/tag-bytes';

const DIR = join(OUTPUT, 'media-truth-kinds17');

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
});
after(() => rmSync(join(DIR, 'cache'), { recursive: true, force: true }));

/** a DSD64 stereo DSF, `sec` long, a 1 kHz tone (dsfBytes) */
const dsf = (sec: number): Buffer => dsfBytes(sec);

describe('kind 1: two FLACs joined with cat', () => {
  test('probe = library = what ffmpeg decodes, and the warning says a second FLAC stream follows; no false truncation', async () => {
    const a = join(DIR, 'a.flac');
    const b = join(DIR, 'b.flac');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=8', '-ac', '2', a]);
    ff(['-f', 'lavfi', '-i', 'sine=f=660:d=6', '-ac', '2', b]);
    const path = join(DIR, 'cat.flac');
    writeFileSync(path, Buffer.concat([readFileSync(a), readFileSync(b)]));
    const decoded = decodedFrames(path) / 44100;
    assert.ok(decoded > 13, `ffmpeg decodes both streams: ${decoded}`);
    const p = await probeFile(path);
    assert.ok(Math.abs(p.durationSec - decoded) < 0.002, `probe ${p.durationSec} vs decoded ${decoded}`);
    assert.ok(!p.warnings.some((w) => /truncated/.test(w)), p.warnings.join(' | '));
    assert.ok(p.warnings.some((w) => /second FLAC stream follows the first/.test(w)), p.warnings.join(' | '));
    const lib = await analyseForLibrary({ path, cacheDir: join(DIR, 'cache'), only: ['loudness'] });
    assert.ok(Math.abs(lib.durationSec - decoded) < 0.002, `library ${lib.durationSec} vs decoded ${decoded}`);
    // one FLAC alone: no such warning
    const one = await probeFile(a);
    assert.equal(one.durationSec, 8);
    assert.deepEqual(one.warnings, []);
  });
});

describe('kind 1: the container is named by its content, and a name of another format is said', () => {
  test('an M4A (brand "M4A ") copied as .3gp, .mov, .mp4, .aax is "m4a", with no warning (one ISO family; Audible AAX is MPEG-4)', async () => {
    const m4a = join(DIR, 'tone.m4a');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=3', '-c:a', 'aac', '-b:a', '96k', m4a]);
    for (const ext of ['3gp', 'mov', 'mp4', 'aax']) {
      const path = join(DIR, `tone-m4a.${ext}`);
      copyFileSync(m4a, path);
      const p = await probeFile(path);
      assert.equal(p.container, 'm4a', ext);
      assert.ok(!p.warnings.some((w) => /in fact/.test(w)), `${ext}: ${p.warnings.join(' | ')}`);
    }
    // guards: a QuickTime movie and a 3GP keep their names; an MP4 with the generic brand named .m4a stays m4a
    const mov = join(DIR, 'tone.mov');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-c:a', 'aac', mov]);
    assert.equal((await probeFile(mov)).container, 'mov');
    const gp = join(DIR, 'tone.3gp');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-ar', '8000', '-c:a', 'aac', gp]);
    assert.equal((await probeFile(gp)).container, '3gp');
    const isom = join(DIR, 'isom.m4a');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-c:a', 'aac', '-f', 'mp4', isom]);
    assert.equal((await probeFile(isom)).container, 'm4a');
  });

  test('a Sony Wave64 named .wav, an MLP named .thd, a DSF named .dff: "in fact …" (guards: an RF64 named .wav, a W64 named .w64: none)', async () => {
    const w64 = join(DIR, 'w64.wav');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-ac', '2', '-f', 'w64', w64]);
    const mlp = join(DIR, 'mlp.thd');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-ac', '2', '-ar', '48000', '-c:a', 'mlp', '-strict', '-2', '-f', 'mlp', mlp]);
    const dff = join(DIR, 'dsf.dff');
    writeFileSync(dff, dsf(1));
    for (const [path, what] of [[w64, /in fact Sony Wave64, not WAV/], [mlp, /in fact MLP, not THD/], [dff, /in fact DSF, not DFF/]] as const) {
      const p = await probeFile(path);
      assert.ok(p.warnings.some((w) => what.test(w)), `${path}: ${p.warnings.join(' | ')}`);
    }
    const rf64 = join(DIR, 'rf64.wav');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-rf64', 'always', rf64]);
    const w64ok = join(DIR, 'ok.w64');
    copyFileSync(w64, w64ok);
    for (const path of [rf64, w64ok]) assert.ok(!(await probeFile(path)).warnings.some((w) => /in fact/.test(w)), path);
  });
});


describe('kind 1: the tag-conflict reason is true of the file', () => {
  test('lame CBR MP3 with ID3v1 "V1 Title" and APEv2 Title "APE Wins", no ID3v2: the reason does not claim an ID3v2 tag', async () => {
    const wav = join(DIR, 'lame-src.wav');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=3', '-ac', '2', wav]);
    const lamed = join(DIR, 'lame-v1.mp3');
    execFileSync('lame', ['--quiet', '-b', '128', '--id3v1-only', '--tt', 'V1 Title', wav, lamed]);
    const b = readFileSync(lamed);
    assert.equal(b.toString('latin1', b.length - 128, b.length - 125), 'TAG');
    assert.notEqual(b.toString('latin1', 0, 3), 'ID3');
    const path = join(DIR, 'ape-over-v1.mp3');
    writeFileSync(path, Buffer.concat([b.subarray(0, b.length - 128), apeTag([['Title', 'APE Wins']]), b.subarray(b.length - 128)]));
    const p = await probeFile(path);
    assert.equal(p.tags.title, 'APE Wins');
    const w = p.warnings.find((x) => /Conflicting title tags/.test(x));
    assert.ok(w, p.warnings.join(' | '));
    assert.ok(!/ID3v2 is the MP3 tag/.test(w), w);
    assert.match(w, /shown: "APE Wins", from APEv2, because the file has no ID3v2 tag/);
  });
});

describe('kind 1: a DSD file states its DSD rate', () => {
  test('DSD64 .dsf: sampleRate 2822400 (as music-metadata reads it) in probe and library, decodedSampleRate 352800 (ffmpeg\'s PCM)', async () => {
    const path = join(DIR, 'tone.dsf');
    writeFileSync(path, dsf(1));
    const p = await probeFile(path);
    assert.equal(p.audio?.sampleRate, 2822400);
    assert.equal(p.audio?.decodedSampleRate, 352800);
    assert.equal(p.streams.find((s) => s.type === 'audio')?.sampleRate, 2822400);
    assert.equal(p.durationSec, 1);
    const lib = await analyseForLibrary({ path, cacheDir: join(DIR, 'cache'), only: ['loudness'] });
    const a = lib.source.streams.find((s) => s.type === 'audio');
    assert.equal(a?.sampleRate, 2822400);
    assert.equal(a?.decodedSampleRate, 352800);
    // a PCM file: no decoded rate
    const wav = join(DIR, 'pcm.wav');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=1', wav]);
    const w = await probeFile(wav);
    assert.equal(w.audio?.sampleRate, 44100);
    assert.equal(w.audio?.decodedSampleRate, undefined);
  });
});

describe('kind 2: a name that differs only in Unicode normalisation', () => {
  test('probe and `studio probe` of "Café NFC.mp3" (NFC) when the file is named in NFD: NOT_FOUND naming the NFD file', async () => {
    const sub = join(DIR, 'nfd');
    mkdirSync(sub, { recursive: true });
    const nfd = 'Café NFC.mp3'.normalize('NFD');
    const nfc = 'Café NFC.mp3'.normalize('NFC');
    assert.notEqual(nfd, nfc);
    ff(['-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'libmp3lame', join(sub, nfd)]);
    await assert.rejects(probeFile(join(sub, nfc)), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'NOT_FOUND');
      assert.ok(e.message.includes(`"${nfd}"`) && /only in Unicode normalisation/.test(e.message), e.message);
      return true;
    });
    // the file itself opens, and a name with no twin keeps the plain message
    assert.equal((await probeFile(join(sub, nfd))).container, 'mp3');
    await assert.rejects(probeFile(join(sub, 'Nothing.mp3')), (e: Error) => /may have been moved or deleted/.test(e.message) && !/normalisation/.test(e.message));
    // the CLI (the built engine: `npm run build`) says the same
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'probe', join(sub, nfc)], {
      encoding: 'utf8', env: { ...process.env, STUDIO_DATA_DIR: mkdtempSync(join(tmpdir(), 'rs-k17-')) }, timeout: 60_000,
    });
    assert.notEqual(r.status, 0);
    assert.ok((r.stderr + r.stdout).includes(nfd) && /only in Unicode normalisation/.test(r.stderr + r.stdout), r.stderr + r.stdout);
  });
});
