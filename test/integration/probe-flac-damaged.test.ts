// A FLAC whose start is damaged (left28b). Before: its "fLaC" marker overwritten ("XXXX", or zeros) while the header
// after it was intact, the probe said "Tags could not be read: Invalid FLAC preamble" (or "FourCC contains invalid
// characters: 00 00 00 00"), "The container states no duration", and 2.65 s where 5 s decodes (the library: 5.00),
// with no word of what was wrong or what to do; the tags were lost. With the header gone too, the same two lines.
// Now: the tags and length are read from the intact header, and one warning says what is damaged and how to repair it
// — and the repair it names works.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ProbeResult } from '@contract';
import { probeFile } from '../../main/engine/media/probe';
import { libraryProber } from '../helpers/library-probe';
import { ff, media, OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'probe-flac-damaged');
let prober: ReturnType<typeof libraryProber>;
let source: string;
before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  prober = libraryProber(DIR);
  source = media('flac-damaged-src.flac', ['-f', 'lavfi', '-i', 'sine=f=440:d=5', '-metadata', 'title=Intact Title', '-metadata', 'artist=Someone', '-c:a', 'flac']);
});
after(() => prober.close());

/** a copy of the 5 s FLAC with `bytes` written over its start */
function damaged(name: string, bytes: Buffer): string {
  const path = join(DIR, name);
  copyFileSync(source, path);
  const fd = openSync(path, 'r+');
  writeSync(fd, bytes, 0, bytes.length, 0);
  closeSync(fd);
  return path;
}

async function both(path: string): Promise<Array<[string, ProbeResult]>> {
  return [['probe', await probeFile(path)], ['library', await prober.probe(path)]];
}

test('the "fLaC" marker overwritten, the header intact: length and tags read from the header; one warning says what is damaged and how to repair it', async () => {
  for (const [name, bytes, shown] of [['marker-x.flac', Buffer.from('XXXX'), /first 4 bytes are "XXXX" \(hex 58 58 58 58\)/], ['marker-0.flac', Buffer.alloc(4), /first 4 bytes are hex 00 00 00 00\./]] as const) {
    const path = damaged(name, bytes);
    for (const [where, p] of await both(path)) {
      const w = `${where} ${name}: ${p.warnings.join(' | ')}`;
      assert.ok(Math.abs(p.durationSec - 5) < 0.001, w);
      assert.equal(p.tags.title, 'Intact Title', w);
      assert.equal(p.tags.artist, 'Someone', w);
      assert.equal(p.warnings.length, 1, w);
      assert.match(p.warnings[0], new RegExp(`^"${name}" is damaged: a FLAC file starts with the 4-byte marker "fLaC"`), w);
      assert.match(p.warnings[0], shown, w);
      assert.match(p.warnings[0], /write "fLaC" over its first 4 bytes/, w);
      assert.doesNotMatch(w, /Invalid FLAC preamble|FourCC|states no duration/);
    }
  }
});

test('the whole header overwritten: one warning that it is missing and what is lost, the length what decodes; the re-encode it names gives a sound file', async () => {
  const path = damaged('headerless.flac', Buffer.alloc(200));
  for (const [where, p] of await both(path)) {
    const w = `${where}: ${p.warnings.join(' | ')}`;
    assert.ok(Math.abs(p.durationSec - 5) < 0.05, w);
    assert.equal(p.warnings.length, 1, w);
    // fix29: the frames follow bytes that are not FLAC audio: said so, not called a raw stream
    assert.match(p.warnings[0], /^"headerless\.flac" has no FLAC header: its first \d+ bytes are not FLAC audio frames .* ffmpeg -i "headerless\.flac" -c:a flac fixed\.flac\.$/, w);
  }
  const fixed = join(DIR, 'fixed.flac');
  ff(['-i', path, '-c:a', 'flac', fixed]);
  const p = await probeFile(fixed);
  assert.deepEqual(p.warnings, []);
  assert.ok(Math.abs(p.durationSec - 5) < 0.05, String(p.durationSec));
});

/** the decoded samples' MD5 (ffmpeg's md5 muxer): the same sound, sample for sample */
const samplesMd5 = (path: string) => execFileSync('ffmpeg', ['-v', 'quiet', '-i', path, '-map', '0:a', '-f', 'md5', '-'], { encoding: 'utf8' }).trim();

// tester28: a raw FLAC stream — audio frames with no header at all, as a capture or a program that leaves the header off
// writes them — was called "damaged: its FLAC header is missing … Use another copy of the file". Nothing is damaged:
// the warning says what it is and how to make a FLAC file of it. Made the real way: ffmpeg's FLAC muxer with its header
// left off (-write_header 0), and ffmpeg's `-f flac` stream cut in the middle (as `| tail -c +N` does). ffmpeg 5.1's
// `-c copy` cannot make a file of it (the muxer needs the STREAMINFO it copies: "Could not write header"), so the
// repair named re-encodes FLAC to FLAC: lossless, the same samples.
test('a raw FLAC stream (frames with no header): said to be one, not damaged; the command it names makes a FLAC file of the same samples', async () => {
  const raw = media('flac-raw-frames-v1.flac', ['-i', source, '-c:a', 'copy', '-write_header', '0', '-f', 'flac']);
  assert.equal(readFileSync(raw).readUInt16BE(0) & 0xfffe, 0xfff8, 'the file starts with a FLAC frame');
  const stream = media('flac-stream-v1.flac', ['-i', source, '-c:a', 'copy', '-f', 'flac']);
  const cut = join(DIR, 'cut.flac');
  writeFileSync(cut, readFileSync(stream).subarray(30000));
  for (const [path, name, said] of [[raw, 'flac-raw-frames-v1.flac', /^"flac-raw-frames-v1\.flac" is a raw FLAC stream: FLAC audio frames with no header/], [cut, 'cut.flac', /^"cut\.flac" has no FLAC header: its first \d+ bytes are not FLAC audio frames \(the end of a frame, where a raw FLAC stream was cut/]] as const) {
    for (const [where, p] of await both(path)) {
      const w = `${where} ${name}: ${p.warnings.join(' | ')}`;
      assert.equal(p.warnings.length, 1, w);
      assert.match(p.warnings[0], said, w);
      assert.doesNotMatch(p.warnings[0], /damaged|another copy/, w);
      assert.ok(p.warnings[0].endsWith(`ffmpeg -i "${name}" -c:a flac fixed.flac.`), w);
      if (path === raw) assert.ok(Math.abs(p.durationSec - 5) < 0.05, w);
    }
  }
  const fixed = join(DIR, 'fixed-raw.flac');
  ff(['-i', raw, '-c:a', 'flac', fixed]);
  const p = await probeFile(fixed);
  assert.deepEqual(p.warnings, []);
  assert.ok(Math.abs(p.durationSec - 5) < 0.001, String(p.durationSec));
  assert.equal(samplesMd5(fixed), samplesMd5(source), 'the same samples');
});
