// A FLAC whose start is damaged (left28b). Before: its "fLaC" marker overwritten ("XXXX", or zeros) while the header
// after it was intact, the probe said "Tags could not be read: Invalid FLAC preamble" (or "FourCC contains invalid
// characters: 00 00 00 00"), "The container states no duration", and 2.65 s where 5 s decodes (the library: 5.00),
// with no word of what was wrong or what to do; the tags were lost. With the header gone too, the same two lines.
// Now: the tags and length are read from the intact header, and one warning says what is damaged and how to repair it
// — and the repair it names works.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
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
    assert.match(p.warnings[0], /^"headerless\.flac" is damaged: its FLAC header is missing .* ffmpeg -i "headerless\.flac" -c:a flac fixed\.flac\.$/, w);
  }
  const fixed = join(DIR, 'fixed.flac');
  ff(['-i', path, '-c:a', 'flac', fixed]);
  const p = await probeFile(fixed);
  assert.deepEqual(p.warnings, []);
  assert.ok(Math.abs(p.durationSec - 5) < 0.05, String(p.durationSec));
});
