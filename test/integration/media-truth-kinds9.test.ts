// Issue 10, ninth round (helper files6): one figure everywhere — probe, analyze and the library state the same.
// Each test failed before:
// - the library stored ffmpeg's demuxer family as the container ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm")
//   while `studio probe` named the real one ("m4a", "matroska", "webm");
// - AAC in MPEG-TS: the probe stated ffmpeg's PTS-span estimate (19.95 s) while the library stated what decodes
//   (20.039 s: every ADTS frame, priming included — ffmpeg 5.1 trims none in TS);
// - a WAV whose LIST chunk and the INFO sub-chunk inside it are odd-sized and written without their pad bytes
//   lost its tags (music-metadata: "Illegal remaining size: -1"; ffmpeg, given the raw PCM, reads none).
// Inputs are built here with ffmpeg (and byte by byte for the WAV).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { probeFile } from '../../main/engine/media/probe';
import type { ProbeResult } from '@contract';
import { libraryProber } from '../helpers/library-probe';
import { ff, OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'media-truth-kinds9');
const le32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
/** a RIFF chunk, padded to even size as RIFF requires */
const chunk = (id: string, body: Buffer) => Buffer.concat([Buffer.from(id, 'latin1'), le32(body.length), body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
/** a RIFF chunk written without its pad byte (the writer bug) */
const unpadded = (id: string, body: Buffer) => Buffer.concat([Buffer.from(id, 'latin1'), le32(body.length), body]);
const wav = (...chunks: Buffer[]) => { const body = Buffer.concat([Buffer.from('WAVE'), ...chunks]); return Buffer.concat([Buffer.from('RIFF'), le32(body.length), body]); };

const F = {
  m4a: join(DIR, 'aac.m4a'),
  mkv: join(DIR, 'opus.mkv'),
  webm: join(DIR, 'opus.webm'),
  mov: join(DIR, 'aac.mov'),
  ts: join(DIR, 'aac.ts'),
  src: join(DIR, 'src.wav'),
  oddInfo: join(DIR, 'odd-info-unpadded.wav'),
  oneInfo: join(DIR, 'odd-info-one-unpadded.wav'),
};

let library: ReturnType<typeof libraryProber>;
/** the probe the library stores for `path` (what the track detail, the table and the export show) */
const libraryProbe = (path: string): Promise<ProbeResult> => library.probe(path);

describe('media truth, kinds round 9: one figure in probe and library', () => {
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const tone = (rate: number) => ['-f', 'lavfi', '-i', `sine=f=440:d=20:sample_rate=${rate}`];
    ff([...tone(44100), '-c:a', 'aac', '-b:a', '128k', F.m4a]);
    ff([...tone(48000), '-c:a', 'libopus', '-b:a', '96k', F.mkv]);
    ff([...tone(48000), '-c:a', 'libopus', '-b:a', '96k', F.webm]);
    ff([...tone(44100), '-c:a', 'aac', '-b:a', '128k', F.mov]);
    ff([...tone(44100), '-c:a', 'aac', '-b:a', '128k', '-f', 'mpegts', F.ts]);
    ff([...tone(44100), '-t', '4', '-c:a', 'pcm_s16le', '-fflags', '+bitexact', F.src]);
    const b = readFileSync(F.src);
    let fmt = Buffer.alloc(0);
    let pcm = Buffer.alloc(0);
    for (let i = 12; i + 8 <= b.length; ) {
      const id = b.toString('latin1', i, i + 4);
      const size = b.readUInt32LE(i + 4);
      if (id === 'fmt ') fmt = b.subarray(i + 8, i + 8 + size);
      if (id === 'data') pcm = b.subarray(i + 8, i + 8 + size);
      i += 8 + size + (size & 1);
    }
    // LIST/INFO: INAM "Odd size\0" (9 bytes, no pad byte), then IART "Someone\0" (8): the LIST body is 37 bytes, no pad
    const info = Buffer.concat([Buffer.from('INFO'), unpadded('INAM', Buffer.from('Odd size\0')), unpadded('IART', Buffer.from('Someone\0'))]);
    writeFileSync(F.oddInfo, wav(chunk('fmt ', fmt), unpadded('LIST', info), chunk('data', pcm)));
    // LIST/INFO holding one INAM "Odd1\0" (5 bytes, no pad): the LIST body is 17 bytes, no pad —
    // music-metadata gave up ("Illegal remaining size: -1") and every tag was lost
    writeFileSync(F.oneInfo, wav(chunk('fmt ', fmt), unpadded('LIST', Buffer.concat([Buffer.from('INFO'), unpadded('INAM', Buffer.from('Odd1\0'))])), chunk('data', pcm)));
    library = libraryProber(DIR);
  });
  after(() => library?.close());

  test('the library stores the container probe names (m4a, matroska, webm, mov), not ffmpeg\'s demuxer family', async () => {
    for (const [path, name] of [[F.m4a, 'm4a'], [F.mkv, 'matroska'], [F.webm, 'webm'], [F.mov, 'mov']]) {
      const p = await probeFile(path);
      assert.equal(p.container, name, path);
      const lib = await libraryProbe(path);
      assert.equal(lib.container, p.container, `${path}: library ${lib.container}, probe ${p.container}`);
    }
  });

  test('AAC in MPEG-TS: probe states what decodes (every packet\'s span), the library\'s figure', async () => {
    const p = await probeFile(F.ts);
    const lib = await libraryProbe(F.ts);
    // 863 ADTS frames × 1024 samples at 44.1 kHz: what ffmpeg 5.1 decodes (no priming trimmed in TS)
    assert.ok(Math.abs(lib.durationSec - 20.039) < 0.002, `library ${lib.durationSec}`);
    assert.ok(Math.abs(p.durationSec - lib.durationSec) < 0.002, `probe ${p.durationSec}, library ${lib.durationSec}`);
  });

  test('WAV whose LIST chunk and INFO sub-chunk are odd-sized without pad bytes: its tags are read (tolerant rule), with the pad warning', async () => {
    const p = await probeFile(F.oddInfo);
    assert.equal(p.tags.title, 'Odd size');
    assert.equal(p.tags.artist, 'Someone');
    assert.ok(Math.abs(p.durationSec - 4) < 0.001, `duration ${p.durationSec}`);
    assert.ok(p.warnings.some((w) => /"LIST" chunk/.test(w)), p.warnings.join(' | '));
    assert.ok(!p.warnings.some((w) => /Illegal remaining size|could not be read/.test(w)), p.warnings.join(' | '));
    const lib = await libraryProbe(F.oddInfo);
    assert.equal(lib.tags.title, 'Odd size');
    assert.equal(lib.tags.artist, 'Someone');
    assert.deepEqual(lib.warnings, p.warnings);
    const one = await probeFile(F.oneInfo);
    assert.equal(one.tags.title, 'Odd1', one.warnings.join(' | '));
    assert.ok(!one.warnings.some((w) => /Illegal remaining size|could not be read/.test(w)), one.warnings.join(' | '));
    assert.ok(one.warnings.some((w) => /"LIST" chunk/.test(w)), one.warnings.join(' | '));
    assert.equal((await libraryProbe(F.oneInfo)).tags.title, 'Odd1');
  });
});
