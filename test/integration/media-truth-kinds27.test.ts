// Issue 10, kinds 1 and 2 checked again on inputs no earlier suite used (tester22, session 16). Each test below
// failed on the code before it (main 520f347), with the value named:
// - Kind 1: an M4A or MKA of two audio tracks (a second language, a commentary — as ffmpeg -map 0 -map 1 writes them).
//   The first track's sample table / blocks were not counted (only a file of ONE audio track was), so the probe and
//   the library said 8.000 s where 8.011 s decodes; where the first track is the shorter one, the probe said 3.000
//   and the library 3.019, and both called the movie's length (the longest track's) "the header is wrong"; the
//   second track's bytes were called "tags and container overhead". A video whose audio ends before its picture got
//   the same false "header is wrong" in the library.
// - Kind 1: audio ffmpeg renders rather than reads (a ProTracker .mod through libopenmpt, a .vgm through libgme):
//   the probe said the song's 15.36 s where 15.46 s decodes (the library's figure), the VGM 5.061 for 5.062, and the
//   bitrate was the rendered PCM's — 3092 kb/s for a 2 kB file (1411 for 373 bytes).
// - Kind 1: two LAME VBR MP3s joined with cat (ffmpeg: "invalid concatenated file detected"): the warning said the
//   file had "no Xing/Info/VBRI header"; it has one, counting the first part only.
// - Kind 1: a 5.1 ALAC in CAF: the 352 kb/s ffmpeg states for the stream (no count of its packets: 568 kb/s) was the
//   bitrate, with "569 kb/s including tags and container overhead" — the size check's margin (1.5× + 64 KiB) let it
//   pass. A CAF with a packet table (variable-size packets) now has its packets counted.
// - Kind 1: a real DSDIFF (.dff, an SACD rip): "is in fact IFF, not DFF as its extension says" — ffmpeg's iff demuxer
//   lists no extension, and the names it reads by content lacked .dff (and Amiga's .8svx/.16sv).
// - Kind 1: an Amiga 8SVX sound: "music-metadata could not read this file (Unsupported AIFF type: 8SVX)" — a format it
//   has no parser for (its AIFF parser refuses the IFF form), which earlier rounds made silent for .au, TTA, AC-3 …
// - Kind 2: "song.mp3.part" / ".crdownload" / ".tmp" were skipped as "not audio (.part file)": they are audio, only
//   not finished; now skipped (still counted and listed) as unfinished.
// Guards (already right, new inputs of the kinds): raw ADTS AAC (VBR: ffmpeg estimates from the bitrate), a WAV
// written to a pipe (RIFF and data sizes 0xFFFFFFFF), an M4A with a 5 MB covr atom, Vorbis comments whose keys differ
// in case, and the audio files of other names a scan meets (.m4r, .3ga, .weba, .snd, .voc, NIST .sph, .MP3, none).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProbeResult } from '@contract';
import { sniffAudio } from '../../main/engine/library/sniff';
import { probeFile } from '../../main/engine/media/probe';
import { decodeAudio } from '../../main/engine/model/media-input';
import { libraryProber } from '../helpers/library-probe';
import { audioKbps, decodedFrames, decodedSec, ff, modBytes, OUTPUT, ROOT } from '../helpers/media';

const DIR = join(OUTPUT, 'media-truth-kinds27');
const SCAN = join(DIR, 'scan');
let prober: ReturnType<typeof libraryProber>;

/** the rendered formats this ffmpeg has (libopenmpt, libgme): their files in SCAN */
const rendered: string[] = [];
/** `studio analyze SCAN --json`, run once for the suite (one engine start) */
let cli: ReturnType<typeof analyzeFolder>;

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(SCAN, { recursive: true });
  prober = libraryProber(DIR);
  buildScan();
  cli = analyzeFolder(SCAN);
});
after(() => {
  prober.close();
  rmSync(join(DIR, 'cache'), { recursive: true, force: true });
});

function has(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).error === undefined;
}
const ms = (s: number): number => Math.round(s * 1000) / 1000;
const both = async (path: string): Promise<Array<[string, ProbeResult]>> => [['probe', await probeFile(path)], ['library', await prober.probe(path)]];
const near = (got: number, want: number, where: string) => assert.ok(Math.abs(got - want) <= 0.0015, `${where}: ${got} s, ${want} s decode`);

/** `studio analyze DIR --json`: one object per analysed file by name, and stderr (the skipped list) */
function analyzeFolder(dir: string): { rows: Map<string, { durationSec: number; error?: string }>; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'analyze', dir, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const rows = new Map<string, { durationSec: number; error?: string }>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const o = JSON.parse(line) as { path: string; durationSec: number; error?: string };
    rows.set(o.path.slice(dir.length + 1), o);
  }
  return { rows, stderr: r.stderr };
}

describe('kind 1: several audio tracks in one file', () => {
  test('M4A/MKA of two audio tracks: the first one\'s length, what decodes, in probe and library (was 8.000 for 8.011; 3.000 / 3.019 with "the header is wrong"); the other track named, not "tags and container overhead"', async () => {
    const long = ['-f', 'lavfi', '-i', 'sine=f=440:d=8', '-ac', '2'];
    const short = ['-f', 'lavfi', '-i', 'sine=f=660:d=3'];
    const twoM4a = join(DIR, 'two.m4a');
    ff([...long, ...short, '-map', '0', '-map', '1', '-c:a', 'aac', '-b:a', '128k', twoM4a]);
    const shortM4a = join(DIR, 'short-first.m4a');
    ff([...short, ...long, '-map', '0', '-map', '1', '-c:a', 'aac', '-b:a', '128k', shortM4a]);
    const shortMka = join(DIR, 'short-first.mka');
    ff([...short, ...long, '-map', '0', '-map', '1', '-c:a', 'libvorbis', shortMka]);
    for (const path of [twoM4a, shortM4a, shortMka]) {
      const decodes = ms(decodedSec(path));
      const first = path === twoM4a;
      for (const [where, p] of await both(path)) {
        const w = `${where} ${path.slice(DIR.length + 1)}: ${p.warnings.join(' | ')}`;
        near(p.durationSec, decodes, w);
        assert.ok(!p.warnings.some((x) => /header is wrong/.test(x)), w);
        assert.ok(!p.warnings.some((x) => /including tags and container overhead/.test(x)), w);
        assert.ok(p.warnings.some((x) => /including a second audio stream, tags and container overhead; the first audio stream alone is \d+ kb\/s/.test(x)), w);
        if (!first) assert.ok(p.warnings.some((x) => /^The first audio stream \(the one analysed\) lasts 0:03\.0\d; the file runs to 0:08\.0\d, the length of its other audio stream/.test(x)), w);
        else assert.ok(!p.warnings.some((x) => /lasts/.test(x)), w);
      }
    }
  });

  test('a video whose audio ends first: the library says so (was "the header is wrong")', async () => {
    const path = join(DIR, 'video-short-audio.mp4');
    ff(['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=10:d=8', '-f', 'lavfi', '-i', 'sine=f=440:d=3', '-map', '0', '-map', '1', '-c:v', 'libx264', '-c:a', 'aac', path]);
    const p = await prober.probe(path);
    near(p.durationSec, ms(decodedSec(path)), 'library');
    assert.ok(!p.warnings.some((x) => /header is wrong/.test(x)), p.warnings.join(' | '));
    assert.ok(p.warnings.some((x) => /^The audio lasts 0:03\.0\d; the file runs to 0:08\.00, the length of its video/.test(x)), p.warnings.join(' | '));
  });
});

/** A VGM 1.50 file (SN76489 at 3.579545 MHz): a tone on channel 0 for 300 waits of 1/60 s (5 s), then silence and the end */
function vgmBytes(): Buffer {
  const cmds: number[] = [0x50, 0x8e, 0x50, 0x0f, 0x50, 0x92];
  for (let i = 0; i < 300; i++) cmds.push(0x62);
  cmds.push(0x50, 0x9f, 0x66);
  const h = Buffer.alloc(0x40);
  h.write('Vgm ', 0, 'latin1');
  h.writeUInt32LE(0x40 + cmds.length - 4, 0x04);
  h.writeUInt32LE(0x150, 0x08);
  h.writeUInt32LE(3579545, 0x0c);
  h.writeUInt32LE(300 * 735, 0x18);
  h.writeUInt32LE(60, 0x24);
  h.writeUInt16LE(0x0009, 0x28);
  h[0x2a] = 16;
  h.writeUInt32LE(0x40 - 0x34, 0x34);
  return Buffer.concat([h, Buffer.from(cmds)]);
}

describe('kind 1: audio ffmpeg renders from the file', () => {
  test('a ProTracker .mod (libopenmpt) and a .vgm (libgme): probe = library = analyze = what renders (was 15.36 / 5.061 in the probe), the bitrate the file\'s bytes (was 3092 / 1411 kb/s), said; the model reads it', async (t) => {
    if (!rendered.length) return t.skip('this ffmpeg has neither libopenmpt nor libgme');
    for (const name of rendered) {
      const path = join(SCAN, name);
      const decodes = ms(decodedSec(path));
      const size = readFileSync(path).length;
      for (const [where, p] of await both(path)) {
        const w = `${where} ${name}: ${p.warnings.join(' | ')}`;
        near(p.durationSec, decodes, w);
        assert.equal(p.bitrateKbps, Math.round((size * 8) / p.durationSec / 1000), w);
        assert.ok(p.warnings.some((x) => /^ffmpeg renders this file's audio \(its lib(openmpt|gme) demuxer synthesises the music/.test(x) && x.includes(`${size} bytes`)), w);
      }
      const row = cli.rows.get(name);
      assert.ok(row && !row.error, `${name}: ${JSON.stringify(row)} ${cli.stderr}`);
      near(row.durationSec, decodes, `analyze ${name}`);
      const a = await decodeAudio(path);
      try {
        assert.equal(a.channels, 2);
        assert.equal(a.sampleRate, name.endsWith('.MOD') ? 48000 : 44100);
      } finally {
        a.close();
      }
    }
  });
});

describe('kind 1: ALAC in CAF of more than two channels', () => {
  test('a 5.1 ALAC .caf (3 s, every channel sounding): the packets\' 568 kb/s in probe and library (was the 352 ffmpeg states, and "569 kb/s including tags and container overhead")', async () => {
    const path = join(DIR, 'surround-alac.caf');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=3', '-af', 'pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0', '-c:a', 'alac', path]);
    const kbps = audioKbps(path);
    for (const [where, p] of await both(path)) {
      const w = `${where}: ${p.bitrateKbps} for ${kbps}; ${p.warnings.join(' | ')}`;
      assert.equal(p.audio?.channels, 6, w);
      assert.ok(Math.abs(p.bitrateKbps! - kbps) <= 0.03 * kbps, w);
      assert.ok(!p.warnings.some((x) => /tags and container overhead/.test(x)), w);
    }
  });
});

/**
 * A DSDIFF 1.5 file (.dff, as SACD rippers write it): FRM8 "DSD " with FVER, PROP/SND (FS 2 822 400 Hz, CHNL SLFT
 * SRGT, CMPR "DSD " uncompressed) and the DSD chunk — `sec` seconds of a first-order sigma-delta 1 kHz sine at 0.4,
 * MSB first, the two channels' bytes interleaved.
 */
function dffBytes(sec: number): Buffer {
  const sr = 2822400;
  const bytes = (sr * sec) / 8;
  const data = Buffer.alloc(bytes * 2);
  let acc = 0;
  for (let k = 0; k < bytes; k++) {
    let b = 0;
    for (let j = 0; j < 8; j++) {
      const y = acc >= 0 ? 1 : -1;
      acc += 0.4 * Math.sin((2 * Math.PI * 1000 * (k * 8 + j)) / sr) - y;
      if (y > 0) b |= 1 << (7 - j);
    }
    data[2 * k] = b;
    data[2 * k + 1] = b;
  }
  const chunk = (id: string, body: Buffer): Buffer => {
    const h = Buffer.alloc(12);
    h.write(id, 0, 'latin1');
    h.writeBigUInt64BE(BigInt(body.length), 4);
    return Buffer.concat([h, body, Buffer.alloc(body.length % 2)]);
  };
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
  const chnl = Buffer.concat([Buffer.from([0, 2]), Buffer.from('SLFTSRGT', 'latin1')]);
  const cmpr = Buffer.concat([Buffer.from('DSD ', 'latin1'), Buffer.from([14]), Buffer.from('not compressed\0', 'latin1')]);
  const prop = chunk('PROP', Buffer.concat([Buffer.from('SND ', 'latin1'), chunk('FS  ', u32(sr)), chunk('CHNL', chnl), chunk('CMPR', cmpr)]));
  return chunk('FRM8', Buffer.concat([Buffer.from('DSD ', 'latin1'), chunk('FVER', u32(0x01050000)), prop, chunk('DSD ', data)]));
}

describe('kind 1: a real DSDIFF named .dff', () => {
  test('probe and library: no "in fact IFF, not DFF" (was: ffmpeg\'s iff demuxer lists no extension), the DSD rate, the length', async () => {
    const path = join(DIR, 'sacd.dff');
    writeFileSync(path, dffBytes(1));
    for (const [where, p] of await both(path)) {
      const w = `${where}: ${p.warnings.join(' | ')}`;
      assert.ok(!p.warnings.some((x) => /in fact/.test(x)), w);
      assert.equal(p.audio?.sampleRate, 2822400, w);
      assert.equal(p.durationSec, 1, w);
    }
  });
});

/** An Amiga 8SVX sound (IFF FORM "8SVX": VHDR, NAME, BODY of signed 8-bit mono), 1 s of a 440 Hz sine at 8 kHz */
function svxBytes(): Buffer {
  const n = 8000;
  const chunk = (id: string, body: Buffer): Buffer => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'latin1');
    h.writeUInt32BE(body.length, 4);
    return Buffer.concat([h, body, Buffer.alloc(body.length % 2)]);
  };
  const vhdr = Buffer.alloc(20);
  vhdr.writeUInt32BE(n, 0); // one-shot samples
  vhdr.writeUInt16BE(8000, 12); // samples per second
  vhdr[14] = 1; // octaves
  vhdr.writeUInt32BE(0x10000, 16); // volume 1.0
  const body = Buffer.from(Array.from({ length: n }, (_, i) => Math.round(60 * Math.sin((2 * Math.PI * 440 * i) / 8000)) & 0xff));
  return chunk('FORM', Buffer.concat([Buffer.from('8SVX', 'latin1'), chunk('VHDR', vhdr), chunk('NAME', Buffer.from('Amiga Title', 'latin1')), chunk('BODY', body)]));
}

describe('kind 1: a format music-metadata has no parser for, read as an AIFF', () => {
  test('an Amiga 8SVX sound: ffmpeg\'s tags and length, no "music-metadata could not read this file (Unsupported AIFF type: 8SVX)" (a format it does not read is no finding about the file)', async () => {
    const path = join(DIR, 'amiga.8svx');
    writeFileSync(path, svxBytes());
    for (const [where, p] of await both(path)) {
      assert.deepEqual(p.warnings, [], where);
      assert.equal(p.tags.title, 'Amiga Title', where);
      assert.equal(p.durationSec, 1, where);
    }
  });
});

describe('kind 1: MP3s joined end to end', () => {
  test('two LAME VBR MP3s joined with cat: what decodes, and the warning names the Xing header that counts the first part (was "no Xing/Info/VBRI header")', async () => {
    const wav = join(DIR, 'joined-src.wav');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=4', '-ac', '2', wav]);
    const a = join(DIR, 'a.mp3');
    const b = join(DIR, 'b.mp3');
    execFileSync('lame', ['--quiet', '-V', '2', wav, a]);
    execFileSync('lame', ['--quiet', '-V', '6', wav, b]);
    const path = join(DIR, 'joined.mp3');
    writeFileSync(path, Buffer.concat([readFileSync(a), readFileSync(b)]));
    const decodes = ms(decodedSec(path));
    for (const [where, p] of await both(path)) {
      const w = `${where}: ${p.warnings.join(' | ')}`;
      near(p.durationSec, decodes, w);
      assert.ok(!p.warnings.some((x) => /no Xing\/Info\/VBRI header/.test(x)), w);
      assert.ok(p.warnings.some((x) => /its Xing\/Info header counts only the first part of MP3 files joined end to end/.test(x)), w);
    }
  });
});

/** A NIST SPHERE file (speech corpora: TIMIT, Switchboard) of 16-bit little-endian PCM: the 1024-byte text header, then the samples */
function sphere(pcm: Buffer, rate: number): Buffer {
  const text = `NIST_1A\n   1024\nsample_count -i ${pcm.length / 2}\nsample_rate -i ${rate}\nchannel_count -i 1\nsample_n_bytes -i 2\nsample_byte_format -s2 01\nsample_coding -s3 pcm\nend_head\n`;
  const head = Buffer.alloc(1024, 0x20);
  head.write(text, 0, 'latin1');
  return Buffer.concat([head, pcm]);
}

/**
 * The scan folder: the rendered formats this ffmpeg reads (a .MOD, a .vgm), unfinished downloads, and audio of
 * other names and writers (3–4 s each: a 1 s quiet lead-in, then 3 s of beeps, stereo; the SPHERE file mono).
 */
function buildScan(): void {
  const formats = execFileSync('ffmpeg', ['-hide_banner', '-formats'], { encoding: 'utf8' });
  if (/ libopenmpt /.test(formats)) rendered.push('T22.MOD');
  if (/ libgme /.test(formats)) rendered.push('tone.vgm');
  for (const name of rendered) writeFileSync(join(SCAN, name), name === 'T22.MOD' ? modBytes(['Square']) : vgmBytes());
  const src = ['-f', 'lavfi', '-i', 'sine=f=220:d=1,volume=0.02', '-f', 'lavfi', '-i', 'sine=f=440:d=3:beep_factor=4', '-filter_complex', '[0][1]concat=n=2:v=0:a=1,aformat=channel_layouts=stereo'];
  const made: Record<string, string[]> = {
    'vbr.aac': ['-c:a', 'aac', '-q:a', '1', '-f', 'adts'],
    'ring.m4r': ['-c:a', 'aac', '-f', 'ipod'],
    'voice.3ga': ['-c:a', 'aac', '-f', 'ipod'],
    'clip.weba': ['-c:a', 'libopus', '-f', 'webm'],
    'sun.snd': ['-f', 'au'],
    'creative.voc': ['-f', 'voc'],
    'LOUD.MP3': ['-c:a', 'libmp3lame', '-q:a', '4'],
    'noext': ['-c:a', 'libmp3lame', '-f', 'mp3'],
    'song.mp3.part': ['-c:a', 'libmp3lame', '-f', 'mp3'],
    'song.flac.crdownload': ['-c:a', 'flac', '-f', 'flac'],
    'edit.wav.tmp': ['-f', 'wav'],
  };
  for (const [name, args] of Object.entries(made)) ff([...src, ...args, join(SCAN, name)]);
  // a WAV written to a pipe: ffmpeg leaves the RIFF and data sizes at 0xFFFFFFFF
  const piped = spawnSync('ffmpeg', ['-v', 'error', ...src, '-c:a', 'pcm_s24le', '-f', 'wav', '-'], { maxBuffer: 1 << 26 }).stdout;
  assert.equal(piped.readUInt32LE(4), 0xffffffff);
  writeFileSync(join(SCAN, 'piped.wav'), piped);
  const pcm = spawnSync('ffmpeg', ['-v', 'error', ...src, '-ac', '1', '-ar', '16000', '-f', 's16le', '-'], { maxBuffer: 1 << 26 }).stdout;
  writeFileSync(join(SCAN, 'speech.sph'), sphere(pcm, 16000));
  // Vorbis comments whose keys differ in case (Title, ARTIST and artist): one title, both artists
  if (has('oggenc')) execFileSync('oggenc', ['-Q', '-q', '3', '-c', 'Title=Mixed', '-c', 'ARTIST=One', '-c', 'artist=Two', join(SCAN, 'piped.wav'), '-o', join(SCAN, 'mixed.ogg')]);
  // an M4A with a 5 MB cover (noise: PNG cannot shrink it)
  const png = join(DIR, 'noise.png');
  ff(['-f', 'lavfi', '-i', 'nullsrc=s=1500x1500,geq=random(1)*255:random(2)*255:128', '-frames:v', '1', '-c:v', 'png', png]);
  ff(['-i', join(SCAN, 'piped.wav'), '-i', png, '-map', '0:a', '-map', '1', '-c:a', 'aac', '-b:a', '96k', '-c:v', 'copy', '-disposition:v', 'attached_pic', join(SCAN, 'covr.m4a')]);
}

describe('kind 2: what a scan meets in a music folder', () => {
  test('unfinished downloads (.part, .crdownload, .tmp) are listed as unfinished (was "not audio (.part file)"); audio of other names and writers is analysed, probe = analyze = what decodes', async () => {
    // the scan's sniff and `studio analyze FOLDER`
    for (const name of ['song.mp3.part', 'song.flac.crdownload', 'edit.wav.tmp']) {
      const r = await sniffAudio(join(SCAN, name), 1000);
      assert.equal(r.audio, false);
      assert.match((r as { reason: string }).reason, /^unfinished \(\.(part|crdownload|tmp): a file still being downloaded or written\)$/);
    }
    assert.match(cli.stderr, /studio: 3 files skipped: 1 unfinished \(\.\w+: a file still being downloaded or written\)/);
    for (const ext of ['part', 'crdownload', 'tmp']) assert.match(cli.stderr, new RegExp(`\\.${ext}: unfinished \\(\\.${ext}: a file still being downloaded or written\\)`));
    assert.doesNotMatch(cli.stderr, /not audio/);
    const audio = [...rendered, 'vbr.aac', 'ring.m4r', 'voice.3ga', 'clip.weba', 'sun.snd', 'creative.voc', 'LOUD.MP3', 'noext', 'piped.wav', 'speech.sph', 'covr.m4a', ...(has('oggenc') ? ['mixed.ogg'] : [])];
    assert.deepEqual([...cli.rows.keys()].sort(), [...audio].sort(), cli.stderr);
    for (const name of audio) {
      const path = join(SCAN, name);
      const decodes = ms(decodedSec(path));
      const row = cli.rows.get(name)!;
      assert.ok(!row.error, `${name}: ${row.error}`);
      near(row.durationSec, decodes, `analyze ${name}`);
      const p = await probeFile(path);
      near(p.durationSec, decodes, `probe ${name}: ${p.warnings.join(' | ')}`);
      assert.equal(p.audio?.channels, name === 'speech.sph' ? 1 : 2, name);
    }
    // ffmpeg's estimate of the raw ADTS stream is said to be one; the covr's megabytes are not the audio's
    const aac = await probeFile(join(SCAN, 'vbr.aac'));
    assert.ok(aac.warnings.some((x) => /ffmpeg estimated .* from the first frames' bitrate; 0:04\.0\d is what decodes/.test(x)), aac.warnings.join(' | '));
    const covr = await probeFile(join(SCAN, 'covr.m4a'));
    const kbps = audioKbps(join(SCAN, 'covr.m4a'));
    assert.ok(Math.abs(covr.bitrateKbps! - kbps) <= 0.03 * kbps, `${covr.bitrateKbps} for ${kbps}`);
    assert.ok(covr.warnings.some((x) => /MB of embedded cover art; the audio alone is/.test(x)), covr.warnings.join(' | '));
    const wav = await probeFile(join(SCAN, 'piped.wav'));
    assert.equal(Math.round(wav.durationSec * 44100), decodedFrames(join(SCAN, 'piped.wav')));
    if (has('oggenc')) {
      const ogg = await probeFile(join(SCAN, 'mixed.ogg'));
      assert.equal(ogg.tags.title, 'Mixed');
      assert.equal(ogg.tags.artist, 'One; Two');
    }
  });
});
