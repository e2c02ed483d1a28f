// Issue 10, round 5's faults (tester10b), as kinds: chained Ogg (bitrate of every link, duration
// of links at different rates, no false "header is wrong", the links stated); one bitrate rule for
// probe and library on truncated files; one rule for a file cut short (what decodes is kept);
// Matroska named .webm; ordinary AIFF-C UTF-8 text; a FLAC cut inside its final frame; a video's
// overall bitrate beside its audio's; ffmpeg's damage in plain words. Every input is made here with
// ffmpeg; every right value is what ffmpeg decodes or counts of the parts the test joined.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyseForLibrary } from '../../main/engine/library/analyse';
import { probeFile } from '../../main/engine/media/probe';
import { lengthMisstated } from '../../main/engine/media/playable';
import { audioKbps, decodedSec, ff, OUTPUT, probeTable, ROOT } from '../helpers/media';

const DIR = join(OUTPUT, 'media-truth-kinds6');
const CACHE = join(DIR, 'cache');

/** the bytes of the first audio stream's packets (ffmpeg's framecrc: a link's own headers are extradata, not counted) */
function packetBytes(path: string): number {
  const out = execFileSync('ffmpeg', ['-hide_banner', '-v', 'error', '-i', path, '-map', '0:a:0', '-c', 'copy', '-f', 'framecrc', '-'], { encoding: 'latin1', maxBuffer: 1 << 28 });
  let bytes = 0;
  for (const m of out.matchAll(/^0,\s*-?\d+,\s*-?\d+,\s*\d+,\s*(\d+),/gm)) bytes += Number(m[1]);
  return bytes;
}
/** a chained file's right bitrate: every link's audio bytes over every link's decoded seconds */
const chainKbps = (parts: string[]) => (parts.reduce((n, p) => n + packetBytes(p), 0) * 8) / parts.reduce((t, p) => t + decodedSec(p), 0) / 1000;
/** the first `fraction` of a file's bytes */
function cut(src: string, out: string, fraction: number): string {
  const b = readFileSync(src);
  writeFileSync(out, b.subarray(0, Math.floor(b.length * fraction)));
  return out;
}
const library = (p: string) => analyseForLibrary({ path: p, cacheDir: CACHE, only: ['loudness'] });

const F = {
  music: join(DIR, 'music.wav'),
  op1: join(DIR, 'op1.opus'),
  op2: join(DIR, 'op2.opus'),
  chainOpus: join(DIR, 'chained.opus'),
  vb1: join(DIR, 'vb1.ogg'),
  vb2: join(DIR, 'vb2.ogg'),
  chainVorbis: join(DIR, 'chained-rates.ogg'),
  fl1: join(DIR, 'fl1.flac'),
  fl2: join(DIR, 'fl2.flac'),
  oggFlac1: join(DIR, 'flac1.oga'),
  oggFlac2: join(DIR, 'flac2.oga'),
  chainFlac: join(DIR, 'chained-flac.oga'),
  sameA: join(DIR, 'serial0-a.opus'),
  sameB: join(DIR, 'serial0-b.opus'),
  chainSameSerial: join(DIR, 'chained-same-serial.opus'),
  flac: join(DIR, 'whole.flac'),
  flac81: join(DIR, 'cut81.flac'),
  flac37: join(DIR, 'cut37.flac'),
  flacLast: join(DIR, 'cut-in-last-frame.flac'),
  flacId3v1: join(DIR, 'whole-id3v1.flac'),
  opus: join(DIR, 'whole.opus'),
  opus70: join(DIR, 'cut70.opus'),
  wv: join(DIR, 'whole.wv'),
  wv70: join(DIR, 'cut70.wv'),
  m4a: join(DIR, 'whole.m4a'),
  m4a70: join(DIR, 'cut70.m4a'),
  mkaFlacWebm: join(DIR, 'flac-in-matroska.webm'),
  mkvH264Webm: join(DIR, 'h264-in-matroska.webm'),
  webm: join(DIR, 'real.webm'),
  aifc: join(DIR, 'utf8-fl32.aifc'),
  phone: join(DIR, 'phone.mp4'),
  halfTruncated: join(DIR, 'half-truncated-partial.flac'),
  vorbisComment: join(DIR, 'long-comment.ogg'),
};

const table = probeTable(probeFile);
const probe = table.probe;

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  ff(['-f', 'lavfi', '-i', 'sine=f=220:d=12', '-f', 'lavfi', '-i', 'anoisesrc=d=12:a=0.1:seed=7', '-filter_complex', '[0][1]amix=inputs=2,aformat=channel_layouts=stereo', '-ar', '48000', F.music]);
  // every file made from the music alone, in one ffmpeg run (each output's options are its own, so each is what its own
  // run made; session 21): the first links of the chained Ogg files, the two that share a serial (bitexact), the files
  // cut below, the Matroska named .webm, the AIFF-C
  ff([
    '-i', F.music,
    '-t', '6', '-c:a', 'libopus', '-b:a', '96k', '-metadata', 'title=First', F.op1,
    '-t', '6', '-ar', '44100', '-c:a', 'libvorbis', '-q:a', '0', '-metadata', 'title=Vorbis A', F.vb1,
    '-t', '4', '-c:a', 'flac', '-metadata', 'title=F1', '-f', 'ogg', F.oggFlac1,
    '-c:a', 'libopus', '-b:a', '96k', '-fflags', '+bitexact', '-metadata', 'title=Same A', F.sameA,
    '-c:a', 'flac', F.flac,
    '-t', '6', '-c:a', 'libvorbis', '-metadata', `comment=${'x'.repeat(6000)}`, F.vorbisComment,
    '-c:a', 'libopus', '-b:a', '160k', F.opus,
    '-c:a', 'wavpack', F.wv,
    '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', F.m4a,
    '-t', '3', '-c:a', 'flac', '-f', 'matroska', F.mkaFlacWebm,
    '-t', '3', '-c:a', 'pcm_f32be', '-metadata', 'title=Sœur Ünïcode', '-metadata', 'author=Ärtist', '-metadata', 'comment=Ça va', F.aifc,
  ]);
  // chained Opus (the repro), chained Vorbis at two rates, chained FLAC-in-Ogg: `cat` of whole files, each titled
  ff(['-f', 'lavfi', '-i', 'sine=f=880:d=5', '-ac', '1', '-c:a', 'libopus', '-b:a', '64k', '-metadata', 'title=Second', F.op2]);
  writeFileSync(F.chainOpus, Buffer.concat([readFileSync(F.op1), readFileSync(F.op2)]));
  ff(['-f', 'lavfi', '-i', 'sine=f=880:d=5', '-ar', '22050', '-c:a', 'libvorbis', '-metadata', 'title=Vorbis B', F.vb2]);
  writeFileSync(F.chainVorbis, Buffer.concat([readFileSync(F.vb1), readFileSync(F.vb2)]));
  ff(['-f', 'lavfi', '-i', 'sine=f=660:d=3', '-ar', '48000', '-c:a', 'flac', '-metadata', 'title=F2', '-f', 'ogg', F.oggFlac2]);
  writeFileSync(F.chainFlac, Buffer.concat([readFileSync(F.oggFlac1), readFileSync(F.oggFlac2)]));
  // links that share a serial number (ffmpeg's bitexact Ogg muxer numbers every stream 0), the first longer than 64 KiB
  ff(['-f', 'lavfi', '-i', 'sine=f=880:d=5', '-c:a', 'libopus', '-fflags', '+bitexact', '-metadata', 'title=Same B', F.sameB]);
  writeFileSync(F.chainSameSerial, Buffer.concat([readFileSync(F.sameA), readFileSync(F.sameB)]));
  // truncated files (F3): FLAC at 81 % and 37 %, Opus and WavPack at 70 %, FLAC cut inside its final frame
  cut(F.flac, F.flac81, 0.81);
  cut(F.flac, F.flac37, 0.37);
  writeFileSync(F.flacLast, readFileSync(F.flac).subarray(0, statSync(F.flac).size - 700));
  writeFileSync(F.flacId3v1, Buffer.concat([readFileSync(F.flac), Buffer.from('TAG' + 'x'.repeat(125), 'latin1')]));
  cut(F.flac, F.halfTruncated, 0.5);
  cut(F.opus, F.opus70, 0.7);
  cut(F.wv, F.wv70, 0.7);
  cut(F.m4a, F.m4a70, 0.7);
  // Matroska named .webm: FLAC audio, H.264 video; a real WebM (VP8 + Opus)
  ff(['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=10:d=3', '-i', F.music, '-t', '3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'libopus', '-f', 'matroska', F.mkvH264Webm]);
  ff(['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=10:d=3', '-i', F.music, '-t', '3', '-c:v', 'libvpx', '-b:v', '200k', '-c:a', 'libopus', F.webm]);
  // AIFF-C fl32 with UTF-8 NAME/AUTH/ANNO, as ffmpeg writes it
  // a phone video: H.264 at about 2 Mb/s with AAC at 128 kb/s
  ff(['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=30:d=4', '-i', F.music, '-t', '4', '-c:v', 'libx264', '-b:v', '2M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-metadata:s:v', 'rotate=90', F.phone]);
  return table.load(Object.values(F).filter((p) => !/music\.wav$/.test(p)));
});

describe('issue 10 round 5: chained Ogg, one bitrate rule, a file cut short, container names', () => {
  test('F1/F2. chained Ogg (Opus; Vorbis at 44.1 then 22.05 kHz; FLAC): every link\'s bytes over every link\'s seconds, in probe and library', async () => {
    for (const [path, parts] of [[F.chainOpus, [F.op1, F.op2]], [F.chainVorbis, [F.vb1, F.vb2]], [F.chainFlac, [F.oggFlac1, F.oggFlac2]], [F.chainSameSerial, [F.sameA, F.sameB]]] as const) {
      const sec = parts.reduce((t, p) => t + decodedSec(p), 0);
      const kbps = chainKbps([...parts]);
      const p = probe(path);
      assert.ok(Math.abs(p.durationSec - sec) < 0.05, `${path}: probe ${p.durationSec} s, right ${sec}`);
      assert.ok(Math.abs(p.bitrateKbps! - kbps) <= 1, `${path}: probe ${p.bitrateKbps} kb/s, right ${kbps.toFixed(1)}`);
      const l = await library(path);
      assert.ok(Math.abs(l.durationSec - sec) < 0.05, `${path}: library ${l.durationSec} s, right ${sec}`);
      assert.equal(l.bitrateKbps, p.bitrateKbps, `${path}: library and probe`);
    }
  });

  test('F4. a well-formed chained Ogg: no "header is wrong"; stated as chained, each stream with its title; the first stream\'s tags shown', async () => {
    for (const [path, titles] of [[F.chainOpus, ['First', 'Second']], [F.chainVorbis, ['Vorbis A', 'Vorbis B']], [F.chainFlac, ['F1', 'F2']], [F.chainSameSerial, ['Same A', 'Same B']]] as const) {
      for (const r of [probe(path), await library(path)]) {
        assert.ok(!r.warnings.some((w) => /header is wrong|truncated|damaged|estimate/.test(w)), `${path}: ${r.warnings.join('\n')}`);
        const chained = r.warnings.filter((w) => /^A chained Ogg file: 2 streams/.test(w));
        assert.equal(chained.length, 1, `${path}: ${r.warnings.join('\n')}`);
        for (const t of titles) assert.ok(chained[0].includes(`"${t}"`), `${path}: ${chained[0]}`);
        assert.equal(r.tags.title, titles[0]);
      }
    }
  });

  test('F1. a plain (not chained) Ogg is not called chained', () => {
    for (const p of [F.op1, F.vb2, F.opus]) assert.ok(!probe(p).warnings.some((w) => /chained/.test(w)), probe(p).warnings.join('\n'));
  });

  test('plain Ogg (Opus, Vorbis with a 6 kB comment over several header pages, FLAC): the library\'s bitrate (its decode\'s packet count, no page walk) = the probe\'s (page walk) = the truth', async () => {
    for (const path of [F.op1, F.vorbisComment, F.oggFlac1]) {
      const right = audioKbps(path);
      const p = probe(path);
      assert.ok(Math.abs(p.bitrateKbps! - right) <= 1, `${path}: probe ${p.bitrateKbps}, right ${right.toFixed(1)}`);
      assert.equal((await library(path)).bitrateKbps, p.bitrateKbps, path);
    }
  });

  test('F3. truncated FLAC (81 %, 37 %, inside its final frame), Opus and WavPack (70 %): probe, library and the truth agree', async () => {
    for (const path of [F.flac81, F.flac37, F.flacLast, F.opus70, F.wv70]) {
      const right = audioKbps(path);
      const sec = decodedSec(path);
      const p = probe(path);
      const l = await library(path);
      assert.ok(Math.abs(p.bitrateKbps! - right) <= 1, `${path}: probe ${p.bitrateKbps} kb/s, right ${right.toFixed(1)}`);
      assert.equal(l.bitrateKbps, p.bitrateKbps, `${path}: library ${l.bitrateKbps}, probe ${p.bitrateKbps}`);
      assert.ok(Math.abs(p.durationSec - sec) < 0.05 && Math.abs(l.durationSec - sec) < 0.05, `${path}: probe ${p.durationSec}, library ${l.durationSec}, decodes ${sec}`);
      // one rule for a file cut short: what decodes is kept, with a warning, by probe and library alike
      for (const r of [p, l]) assert.ok(r.warnings.some((w) => /truncated/.test(w)), `${path}: ${r.warnings.join('\n')}`);
    }
  });

  // tester25: `studio probe` and `studio analyze` quoted different ffmpeg reasons for one cut file (the probe's packet
  // read: "Packet corrupt"; the decode: "aac: Input buffer exhausted…", "flac: invalid residual") and a cut FLAC's
  // probe named no length its header states, so the track view played it to STREAMINFO's whole length (lengthMisstated)
  test('one sentence for one cut file: probe and library say the same truncation; where the header states more it is named, and such a file plays from a copy', async () => {
    const said = (w: string[]) => w.filter((x) => /truncated or damaged/.test(x));
    for (const path of [F.flac81, F.flac37, F.flacLast, F.opus70, F.wv70, F.m4a70]) {
      const p = probe(path);
      const l = await library(path);
      assert.equal(said(p.warnings).length, 1, `${path}: ${p.warnings.join('\n')}`);
      assert.deepEqual(said(l.warnings), said(p.warnings), `${path}: the library's and the probe's`);
    }
    // the tag reader that runs into the cut says so in words, not only "Atom size exceeds remaining bytes: …"
    const tagsUnread = probe(F.m4a70).warnings.filter((x) => /^Tags could not be read/.test(x));
    assert.equal(tagsUnread.length, 1, probe(F.m4a70).warnings.join('\n'));
    assert.match(tagsUnread[0], /^Tags could not be read: the file is cut short/);
    for (const path of [F.flac81, F.flac37, F.m4a70]) {
      const p = probe(path);
      // named once: "… of the 529200 its header (STREAMINFO) states (0:12.00)", or "…; its header states 0:12.00"
      assert.match(said(p.warnings)[0], /its header (\(STREAMINFO\) )?states (\(0:12\.00\)|0:12\.00)/, path);
      assert.equal(said(p.warnings)[0].match(/header (\(STREAMINFO\) )?states/g)?.length, 1, said(p.warnings)[0]);
      assert.ok(lengthMisstated(p), `${path} plays from a copy that states what it holds`);
    }
  });

  test('a FLAC cut inside its final frame is found (its CRC-16); a whole FLAC, and one with an ID3v1 tag after it, are not', () => {
    assert.ok(probe(F.flacLast).warnings.some((w) => /truncated/.test(w)), probe(F.flacLast).warnings.join('\n'));
    for (const p of [F.flac, F.flacId3v1]) assert.ok(!probe(p).warnings.some((w) => /truncated/.test(w)), probe(p).warnings.join('\n'));
  });

  test('ffmpeg\'s sign of damage in plain words, never its "Input #0" line (the file is named "…truncated…partial")', async () => {
    for (const r of [probe(F.halfTruncated), await library(F.halfTruncated)]) {
      assert.ok(r.warnings.some((w) => /truncated/.test(w)), r.warnings.join('\n'));
      assert.ok(!r.warnings.some((w) => /Input #0|\/work|from '/.test(w)), r.warnings.join('\n'));
    }
  });

  test('Matroska named .webm: named Matroska with a warning when it holds FLAC or H.264; a real WebM (VP8 + Opus) is webm, no warning', () => {
    for (const p of [F.mkaFlacWebm, F.mkvH264Webm]) {
      assert.equal(probe(p).container, 'matroska', p);
      assert.ok(probe(p).warnings.some((w) => /is Matroska, not WebM/.test(w)), probe(p).warnings.join('\n'));
    }
    assert.equal(probe(F.webm).container, 'webm');
    assert.deepEqual(probe(F.webm).warnings, []);
  });

  test('a Matroska/WebM video, whose audio stream states no bitrate: the audio\'s packets, not the whole file, in probe and library', async () => {
    for (const path of [F.webm, F.mkvH264Webm]) {
      const right = audioKbps(path);
      const p = probe(path);
      assert.ok(Math.abs(p.bitrateKbps! - right) <= 1, `${path}: probe ${p.bitrateKbps}, right ${right.toFixed(1)}`);
      assert.equal((await library(path)).bitrateKbps, p.bitrateKbps, path);
    }
  });

  test('an ffmpeg-written AIFF-C (fl32) with UTF-8 text: the exact text, no warning', () => {
    const p = probe(F.aifc);
    assert.equal(p.tags.title, 'Sœur Ünïcode');
    assert.equal(p.tags.artist, 'Ärtist');
    assert.deepEqual(p.warnings, []);
  });

  test('a phone video: the audio\'s bitrate and the whole file\'s, both', () => {
    const p = probe(F.phone);
    const whole = (statSync(F.phone).size * 8) / p.durationSec / 1000;
    assert.ok(Math.abs(p.bitrateKbps! - audioKbps(F.phone)) <= 2, `audio ${p.bitrateKbps}`);
    assert.ok(Math.abs(p.overallBitrateKbps! - whole) <= 1, `overall ${p.overallBitrateKbps}, right ${whole.toFixed(1)}`);
    assert.ok(p.overallBitrateKbps! > 5 * p.bitrateKbps!);
  });

  test('the lying-extension check asks ffmpeg once per ffmpeg binary: a second process reads the demuxer facts from the cache folder', () => {
    const dir = join(DIR, 'demuxer-cache');
    const log = join(dir, 'ffmpeg-runs.log');
    const wrapper = join(dir, 'ffmpeg-logging.sh');
    mkdirSync(dir, { recursive: true });
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec ffmpeg "$@"\n`);
    chmodSync(wrapper, 0o755);
    const lying = join(dir, 'flac-named.m4a');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=1', '-c:a', 'flac', '-f', 'flac', lying]);
    const cache = join(dir, 'cache');
    const tags = join(ROOT, 'main', 'engine', 'media', 'tags.ts');
    const run = () => {
      const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', `import(${JSON.stringify(tags)}).then((m) => m.extensionFacts(${JSON.stringify(lying)}, 'flac', ${JSON.stringify(cache)})).then((r) => console.log(JSON.stringify(r)))`], { cwd: ROOT, env: { ...process.env, STUDIO_FFMPEG: wrapper }, encoding: 'utf8' });
      return JSON.parse(out.trim().split('\n').pop()!) as { fits: boolean; known: boolean };
    };
    const asks = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => /-h demuxer=|-demuxers/.test(l)) : []);
    assert.deepEqual(run(), { fits: false, known: true });
    assert.ok(asks().length >= 2, asks().join('\n'));
    assert.equal(readdirSync(cache).filter((f) => /^ffmpeg-demuxers-[0-9a-f]{16}\.json$/.test(f)).length, 1);
    const first = asks().length;
    assert.deepEqual(run(), { fits: false, known: true });
    assert.equal(asks().length, first, 'no ffmpeg -h / -demuxers run in the second process');
  });
});
