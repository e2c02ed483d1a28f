// Issue 10, a fresh tester's second round: what `probe`, `studio analyze`
// and the cover extraction report must be true for files whose headers or
// names mislead. Inputs are made the way the tester made them: ffmpeg
// (libmp3lame, its ALAC/MP4 muxer, FLAC and MP3 muxers with attached
// pictures) and small byte patches of the header fields in question (the
// Xing/Info frame count, the mvhd duration), `head -c` for a truncated file
// and the AppleDouble header macOS writes. Every right value is what ffmpeg
// decodes from the same file. Needs `npm run build` (the CLI).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { ProbeResult } from '@contract';
import { analyzeFile } from '../../main/engine/analysis/run';
import { embeddedCover } from '../../main/engine/media/cover';
import { demuxerOfAudioStart, id3v2Length } from '../../main/engine/media/demuxer';
import { probeFile } from '../../main/engine/media/probe';
import { isMediaPath, sniffAudio } from '../../main/engine/library/sniff';
import { OUTPUT, ROOT } from '../helpers/media';

const DIR = join(OUTPUT, 'media-truth');
const BIN = join(ROOT, 'bin', 'studio.js');

function ff(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}
/** seconds that decode: the last `time=` of a full decode to the null muxer, and whether ffmpeg logged an error */
function decoded(path: string, pre: string[] = []): { sec: number; clean: boolean } {
  const r = spawnSync('ffmpeg', ['-hide_banner', ...pre, '-i', path, '-map', '0:a:0', '-f', 'null', '-'], { encoding: 'utf8' });
  const all = [...r.stderr.matchAll(/time=(\d+):(\d+):(\d+\.\d+)/g)];
  const m = all[all.length - 1];
  return { sec: m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0, clean: r.status === 0 && !/error|corrupt|partial/i.test(r.stderr.split('Output #0')[1] ?? '') };
}
/** ffmpeg's own duration of the container ("Duration:" of `ffmpeg -i`) */
function statedSec(path: string): number {
  const m = /Duration: (\d+):(\d+):(\d+\.\d+)/.exec(spawnSync('ffmpeg', ['-hide_banner', '-i', path], { encoding: 'utf8' }).stderr)!;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** Multiply the frame count of the Xing/Info header of an MP3 (LAME writes it in the first frame) by `k`. */
function patchXingFrames(src: string, dst: string, k: number): void {
  const b = Buffer.from(readFileSync(src));
  let i = b.indexOf('Info');
  if (i < 0) i = b.indexOf('Xing');
  assert.ok(i > 0, 'a Xing/Info header');
  const flags = b.readUInt32BE(i + 4);
  assert.ok(flags & 1, 'the frame count is present');
  b.writeUInt32BE(Math.round(b.readUInt32BE(i + 8) * k), i + 8);
  writeFileSync(dst, b);
}
/** Multiply the movie header's (mvhd, version 0) duration of an MP4 by `k`; the track (mdhd) and sample tables are left as they are. */
function patchMvhd(src: string, dst: string, k: number): void {
  const b = Buffer.from(readFileSync(src));
  const i = b.indexOf('mvhd');
  assert.ok(i > 0 && b[i + 4] === 0, 'an mvhd box, version 0');
  b.writeUInt32BE(Math.round(b.readUInt32BE(i + 20) * k), i + 20);
  writeFileSync(dst, b);
}

const F = {
  cbr: join(DIR, 'cbr128.mp3'),
  longXing: join(DIR, 'xing-frames-x3.mp3'),
  shortXing: join(DIR, 'xing-frames-div3.mp3'),
  alac: join(DIR, 'alac.m4a'),
  longMvhd: join(DIR, 'mvhd-x3.m4a'),
  cbr192: join(DIR, 'cbr192.mp3'),
  trunc: join(DIR, 'truncated-192k.mp3'),
  twoCoversMp3: join(DIR, 'two-covers.mp3'),
  twoCoversFlac: join(DIR, 'two-covers.flac'),
  front: join(DIR, 'front.jpg'),
  back: join(DIR, 'back.png'),
};
const LYING = ['m4a', 'ogg', 'flac'].map((ext) => join(DIR, `two-covers-mp3-as.${ext}`));

function buildInputs(): void {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const tone = ['-f', 'lavfi', '-i', 'sine=f=440:d=20:beep_factor=4', '-ac', '2'];
  ff([...tone, '-c:a', 'libmp3lame', '-b:a', '128k', '-metadata', 'title=CBR', F.cbr]);
  patchXingFrames(F.cbr, F.longXing, 3);
  patchXingFrames(F.cbr, F.shortXing, 1 / 3);
  ff([...tone, '-c:a', 'alac', '-metadata', 'title=ALAC', F.alac]);
  patchMvhd(F.alac, F.longMvhd, 3);
  ff([...tone, '-c:a', 'libmp3lame', '-b:a', '192k', F.cbr192]);
  writeFileSync(F.trunc, readFileSync(F.cbr192).subarray(0, 100_000)); // head -c 100000
  // two covers: a small JPEG front cover and a ~5 MB PNG back cover (noise does not compress), the back one first
  ff(['-f', 'lavfi', '-i', 'testsrc2=s=600x600:d=1', '-frames:v', '1', F.front]);
  const raw = join(DIR, 'back.rgb');
  writeFileSync(raw, randomBytes(1300 * 1300 * 3));
  ff(['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', '1300x1300', '-i', raw, '-frames:v', '1', F.back]);
  const covers = ['-i', F.back, '-i', F.front, '-map', '0:a', '-map', '1', '-map', '2', '-c:v', 'copy', '-disposition:v', 'attached_pic',
    '-metadata:s:v:0', 'comment=Cover (back)', '-metadata:s:v:1', 'comment=Cover (front)', '-metadata', 'title=Covers'];
  ff([...tone, ...covers, '-c:a', 'libmp3lame', '-b:a', '128k', '-id3v2_version', '3', F.twoCoversMp3]);
  ff([...tone, ...covers, '-c:a', 'flac', F.twoCoversFlac]);
  for (const p of LYING) copyFileSync(F.twoCoversMp3, p);
}

describe('media truth: lying headers, big tags under a lying extension, several covers (issue 10)', () => {
  const probed = new Map<string, ProbeResult | Error>();
  /** the probe of `p` (each test fails on its own when a probe threw) */
  const probes = {
    get(p: string): ProbeResult {
      const r = probed.get(p);
      if (r instanceof Error) throw r;
      return r!;
    },
  };
  before(async () => {
    buildInputs();
    for (const p of [F.cbr, F.longXing, F.shortXing, F.alac, F.longMvhd, F.trunc, F.twoCoversMp3, ...LYING]) probed.set(p, await probeFile(p).catch((e: Error) => e));
  });

  test('the inputs are what the tester made: headers that state 60 s and 6.7 s over 20 s that decode cleanly; a 5 MB ID3v2 tag ffmpeg cannot see past', () => {
    for (const p of [F.longXing, F.longMvhd]) {
      assert.ok(Math.abs(statedSec(p) - 60) < 0.3, `${p} states ${statedSec(p)}`);
      const d = decoded(p);
      assert.ok(Math.abs(d.sec - 20) < 0.1 && d.clean, `${p}: ${JSON.stringify(d)}`);
    }
    assert.ok(Math.abs(statedSec(F.shortXing) - 6.67) < 0.1);
    assert.ok(Math.abs(decoded(F.shortXing).sec - 20) < 0.1);
    const tag = id3v2Length(readFileSync(F.twoCoversMp3).subarray(0, 10));
    assert.ok(tag > 4_000_000, `ID3v2 tag of ${tag} bytes`);
    for (const p of LYING) assert.equal(/Input #0, mp3/.test(spawnSync('ffmpeg', ['-hide_banner', '-i', p], { encoding: 'utf8' }).stderr), false, `ffmpeg alone does not read ${p} as MP3`);
  });

  test('H1. an MP3 with a 5 MB ID3v2 tag named .m4a/.ogg/.flac: MP3, 20 s, its tags, the real container named', () => {
    for (const p of LYING) {
      const r = probes.get(p)!;
      assert.equal(r.container, 'mp3', p);
      assert.equal(r.audio?.codec, 'mp3');
      assert.ok(Math.abs(r.durationSec - 20.04) < 0.05, `${p}: ${r.durationSec}`);
      assert.equal(r.tags.title, 'Covers');
      assert.ok(r.warnings.some((w) => /is in fact MP3, not [A-Z0-9]+ as its extension says/.test(w)), r.warnings.join('\n'));
    }
    assert.equal(demuxerOfAudioStart(readFileSync(F.cbr).subarray(id3v2Length(readFileSync(F.cbr).subarray(0, 10)))), 'mp3');
  });

  test('H1. the analysis decodes it too (studio analyze --json: 20 s, loudness, no error)', () => {
    const r = spawnSync(process.execPath, [BIN, 'analyze', ...LYING, '--json'], { encoding: 'utf8', timeout: 180_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const l of r.stdout.trim().split('\n').map((x) => JSON.parse(x) as { path: string; durationSec: number; lufs: number | null; error: string | null; title: string })) {
      assert.equal(l.error, null, l.path);
      assert.ok(Math.abs(l.durationSec - 20) < 0.1 && l.lufs !== null && l.title === 'Covers', JSON.stringify(l));
    }
  });

  test('H2. a header that states 60 s over 20 s that decode cleanly: probe says 20 s with a warning', () => {
    for (const p of [F.longXing, F.longMvhd]) {
      const r = probes.get(p)!;
      assert.ok(Math.abs(r.durationSec - decoded(p).sec) < 0.1, `${p}: probe ${r.durationSec}`);
      assert.ok(r.warnings.some((w) => /header states 1:00\.\d\d, but its audio, read to the end without errors, lasts 0:(19|20)\./.test(w)), r.warnings.join('\n'));
      assert.ok(!r.warnings.some((w) => /truncated/.test(w)));
    }
    assert.deepEqual(probes.get(F.cbr)!.warnings, []);
    assert.deepEqual(probes.get(F.alac)!.warnings, []);
  });

  test('H2. analysis: not "damaged" — 20 s, every field, the header warning (studio analyze --json)', async () => {
    const run = await analyzeFile(F.longXing, []);
    assert.ok(Math.abs(run.durationSec - 20) < 0.1);
    assert.equal(run.damage, null);
    const r = spawnSync(process.execPath, [BIN, 'analyze', F.longXing, F.longMvhd, '--json'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const l of r.stdout.trim().split('\n').map((x) => JSON.parse(x) as { durationSec: number; lufs: number | null; warnings: string[]; error: string | null })) {
      assert.equal(l.error, null);
      assert.ok(Math.abs(l.durationSec - 20) < 0.1 && l.lufs !== null, JSON.stringify(l));
      assert.ok(l.warnings.some((w) => /header states 1:00/.test(w)), l.warnings.join('\n'));
    }
  });

  test('M2. a header that states 6.7 s over 20 s: probe says 20 s, no "including tags and container overhead" warning', () => {
    const r = probes.get(F.shortXing)!;
    assert.ok(Math.abs(r.durationSec - 20) < 0.1, `${r.durationSec}`);
    assert.ok(!r.warnings.some((w) => /overhead/.test(w)), r.warnings.join('\n'));
    assert.ok(r.warnings.some((w) => /header states 0:06\.\d\d/.test(w)), r.warnings.join('\n'));
    assert.equal(r.bitrateKbps, 128);
  });

  test('M3. a truncated MP3 (head -c 100000 of 20 s at 192 kb/s): probe warns that it is shorter than its header says', async () => {
    const r = probes.get(F.trunc)!;
    assert.ok(r.warnings.some((w) => /appears truncated or damaged: its header states 0:20\.0\d, but its audio ends at 0:04\./.test(w)), r.warnings.join('\n'));
    assert.ok(Math.abs(r.durationSec - decoded(F.trunc).sec) < 0.1, `${r.durationSec}`);
    // the analysis keeps what decodes too (one rule for a file cut short, issue 10 round 5), with ffmpeg's sign of the damage
    const run = await analyzeFile(F.trunc, []);
    assert.ok(Math.abs(run.durationSec - decoded(F.trunc).sec) < 0.1, `${run.durationSec}`);
    assert.ok(run.damage, 'damage kept');
  });

  test('M1. several pictures: the front cover is extracted, whichever comes first', async () => {
    const cache = join(DIR, 'cache');
    const front = readFileSync(F.front);
    for (const [p, fp] of [[F.twoCoversMp3, 'a'.repeat(32)], [F.twoCoversFlac, 'b'.repeat(32)]] as const) {
      const c = await embeddedCover(p, cache, fp);
      assert.ok(c, p);
      assert.equal(c.mime, 'image/jpeg', p);
      assert.ok(readFileSync(c.path).equals(front), `${p}: the front cover's bytes`);
    }
  });

  test('M5. legacy 8-bit tag text (WAV LIST/INFO and ID3v1 in Windows-1252, an AIFF NAME chunk in Latin-1): the exact text, with a warning', async () => {
    /** a file ffmpeg tagged with ASCII placeholders, whose placeholder bytes are then replaced by the 8-bit text (same length) */
    const legacy = async (name: string, args: string[], texts: Record<string, string>) => {
      const path = join(DIR, name);
      const keys = Object.keys(texts);
      const placeholder = (k: string) => String.fromCharCode(0x51 + keys.indexOf(k)).repeat(texts[k].length);
      ff(['-f', 'lavfi', '-i', 'sine=f=440:d=2', ...keys.flatMap((k) => ['-metadata', `${k}=${placeholder(k)}`]), ...args, path]);
      const b = Buffer.from(readFileSync(path));
      for (const k of keys) {
        const from = Buffer.from(placeholder(k), 'latin1');
        // Windows-1252 bytes of the text: Latin-1 for these letters, 0x93/0x94/0x96/0x99 for “ ” – ™
        const to = Buffer.from(texts[k].replace(/“/g, '\x93').replace(/”/g, '\x94').replace(/–/g, '\x96').replace(/™/g, '\x99'), 'latin1');
        let n = 0;
        for (let i = b.indexOf(from); i >= 0; i = b.indexOf(from, i + 1), n++) to.copy(b, i);
        assert.ok(n > 0, `${name}: ${k} placeholder found`);
      }
      writeFileSync(path, b);
      return probeFile(path);
    };
    const wav = await legacy('info-cp1252.wav', [], { title: 'Beyoncé – “Hé”!!', artist: 'Motörhead™' });
    assert.deepEqual([wav.tags.title, wav.tags.artist], ['Beyoncé – “Hé”!!', 'Motörhead™']);
    assert.ok(wav.warnings.some((w) => /not UTF-8 but legacy 8-bit text; read as Windows-1252/.test(w)), wav.warnings.join('\n'));
    // an ID3v1 tag as 8-bit taggers appended it (ID3v1: "TAG", title, artist, album 30 bytes each, year 4, comment 30, genre 1)
    const v1Path = join(DIR, 'id3v1-cp1252.mp3');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-c:a', 'libmp3lame', '-id3v2_version', '0', '-map_metadata', '-1', v1Path]);
    const field = (t: string, n: number) => {
      const f = Buffer.alloc(n);
      Buffer.from(t.replace(/“/g, '\x93').replace(/”/g, '\x94').replace(/™/g, '\x99'), 'latin1').copy(f);
      return f;
    };
    writeFileSync(v1Path, Buffer.concat([readFileSync(v1Path), Buffer.from('TAG'), field('Café “Déjà vu”', 30), field('Beyoncé™', 30), field('Ålbum', 30), field('2001', 4), field('', 30), Buffer.from([12])]));
    const v1 = await probeFile(v1Path);
    assert.deepEqual([v1.tags.title, v1.tags.artist], ['Café “Déjà vu”', 'Beyoncé™']);
    assert.ok(v1.warnings.some((w) => /legacy 8-bit text/.test(w)), v1.warnings.join('\n'));
    const aifc = await legacy('name-latin1.aifc', ['-c:a', 'pcm_f32be', '-f', 'aiff'], { title: 'Café Müller!' });
    assert.equal(aifc.tags.title, 'Café Müller!');
    assert.ok(aifc.warnings.some((w) => /legacy 8-bit text/.test(w)), aifc.warnings.join('\n'));
    assert.ok(!aifc.warnings.some((w) => /misread/.test(w)), 'said once');
  });

  test('a video\'s bytes are not called "tags and container overhead"', async () => {
    const path = join(DIR, 'clip.mp4');
    ff(['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25:d=4', '-f', 'lavfi', '-i', 'sine=f=440:d=4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', path]);
    const p = await probeFile(path);
    assert.ok(p.video);
    assert.deepEqual(p.warnings, []);
  });

  test('AppleDouble "._x.mp3" files are skipped as not audio; a real file of that name is still sniffed', async () => {
    const ad = join(DIR, '._track.mp3');
    // AppleDouble header (RFC 1740) as macOS writes it: magic, version, "Mac OS X" filler, entries
    const h = Buffer.alloc(4096);
    h.writeUInt32BE(0x00051607, 0);
    h.writeUInt32BE(0x00020000, 4);
    h.write('Mac OS X        ', 8, 'latin1');
    h.writeUInt16BE(2, 24);
    writeFileSync(ad, h);
    assert.equal(isMediaPath(ad), false);
    assert.equal(isMediaPath(join(DIR, 'track.mp3')), true);
    const r = await sniffAudio(ad, h.length);
    assert.ok(!r.audio && /AppleDouble/.test(r.reason), JSON.stringify(r));
    const realOne = join(DIR, '._real.mp3');
    copyFileSync(F.cbr, realOne);
    assert.equal((await sniffAudio(realOne, readFileSync(realOne).length)).audio, true);
  });

  test('studio analyze DIR: AppleDouble files listed as skipped (not failed); exit 1 when a file under DIR cannot be read (a name that is not UTF-8)', () => {
    const dir = join(DIR, 'cli');
    mkdirSync(dir, { recursive: true });
    copyFileSync(F.cbr, join(dir, 'track.mp3'));
    copyFileSync(join(DIR, '._track.mp3'), join(dir, '._track.mp3'));
    const ok = spawnSync(process.execPath, [BIN, 'analyze', dir, '--json'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stdout.trim().split('\n').length, 1, ok.stdout);
    assert.match(ok.stderr, /studio: 1 file skipped: 1 not audio \(macOS AppleDouble[^\n]*\n.*\._track\.mp3: not audio \(macOS AppleDouble/);
    writeFileSync(Buffer.from(join(dir, 'caf\xe9.mp3'), 'latin1'), readFileSync(F.cbr));
    const bad = spawnSync(process.execPath, [BIN, 'analyze', dir, '--json'], { encoding: 'utf8', timeout: 120_000 });
    assert.match(bad.stdout, /not valid UTF-8/);
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
  });
});
