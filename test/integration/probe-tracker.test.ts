// Tracker modules (.mod, .xm, .it, .s3m) read by ffmpeg's libopenmpt demuxer (left28b). Before: `studio probe` showed
// the stream's codec as "pcm_f32le" (the PCM libopenmpt renders) and the comment as the module's sample names, one
// line each, ~30 of them blank (a real Debian module: 23 blank lines among 7). Now the stream states the module's
// format (read from its header's signature) beside the rendered PCM, in the probe, the library's stored probe and
// its codec column, and the comment keeps only its non-blank lines, in order.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { codecText } from '@contract';
import { probeFile } from '../../main/engine/media/probe';
import { trackerModuleOf } from '../../main/engine/media/structure';
import { libraryProber } from '../helpers/library-probe';
import { modBytes, OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'probe-tracker');
const hasOpenmpt = / libopenmpt /.test(execFileSync('ffmpeg', ['-hide_banner', '-formats'], { encoding: 'utf8' }));
let prober: ReturnType<typeof libraryProber>;
before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  prober = libraryProber(DIR);
});
after(() => prober.close());

test('a ProTracker .mod: the stream is "ProTracker MOD (rendered as pcm_f32le)" in probe and library; blank sample-name lines dropped from the comment', async (t) => {
  if (!hasOpenmpt) return t.skip('this ffmpeg has no libopenmpt');
  const path = join(DIR, 'song.mod');
  // sample names as a module's author writes a message in them: blank ones between, one of spaces only
  writeFileSync(path, modBytes(['Square', '', '', 'made by a tester', '      ', '', 'greetings to all']));
  for (const [where, p] of [['probe', await probeFile(path)], ['library', await prober.probe(path)]] as const) {
    assert.equal(p.audio?.module, 'ProTracker MOD', where);
    assert.equal(p.audio?.codec, 'pcm_f32le', `${where}: the rendered PCM stays the codec the proxy and decoders go by`);
    assert.equal(codecText(p.audio!), 'ProTracker MOD (rendered as pcm_f32le)');
    assert.equal(p.tags.comment, 'Square\nmade by a tester\ngreetings to all', where);
  }
});

test('a module whose names are all blank has no comment; a 15-sample Soundtracker module (no signature) is named by its extension', async (t) => {
  if (!hasOpenmpt) return t.skip('this ffmpeg has no libopenmpt');
  const blank = join(DIR, 'blank.mod');
  writeFileSync(blank, modBytes([]));
  const p = await probeFile(blank);
  assert.equal(p.tags.comment, undefined, JSON.stringify(p.tags));
  assert.equal(p.audio?.module, 'ProTracker MOD');
  // the same song as Ultimate Soundtracker wrote it: 15 sample headers, no "M.K." (and its restart byte a tempo)
  const m = modBytes(['Square']);
  const st = Buffer.concat([m.subarray(0, 20 + 15 * 30), m.subarray(20 + 31 * 30, 20 + 31 * 30 + 130), m.subarray(20 + 31 * 30 + 134)]);
  st[20 + 15 * 30 + 1] = 120;
  const old = join(DIR, 'old.mod');
  writeFileSync(old, st);
  const q = await probeFile(old);
  assert.equal(q.audio?.module, 'MOD module', JSON.stringify(q.audio));
  assert.equal(q.tags.comment, 'Square');
});

test('trackerModuleOf: the signatures of XM, IT, S3M and the MOD family; none in other bytes', () => {
  const at = (o: number, s: string, len = 1084) => {
    const b = Buffer.alloc(len);
    b.write(s, o, 'latin1');
    return b;
  };
  assert.equal(trackerModuleOf(at(0, 'Extended Module: Song name')), 'FastTracker 2 XM');
  assert.equal(trackerModuleOf(at(0, 'IMPMsong')), 'Impulse Tracker IT');
  assert.equal(trackerModuleOf(at(44, 'SCRM')), 'Scream Tracker 3 S3M');
  assert.equal(trackerModuleOf(at(1080, 'M.K.')), 'ProTracker MOD');
  assert.equal(trackerModuleOf(at(1080, 'M!K!')), 'ProTracker MOD');
  assert.equal(trackerModuleOf(at(1080, '8CHN')), 'FastTracker MOD');
  assert.equal(trackerModuleOf(at(1080, '16CH')), 'FastTracker MOD');
  assert.equal(trackerModuleOf(at(1080, 'FLT4')), 'StarTrekker MOD');
  assert.equal(trackerModuleOf(at(0, 'MTM\x10')), 'MultiTracker MTM');
  assert.equal(trackerModuleOf(at(1080, 'M.K.', 1083)), null, 'a file too short for the signature');
  assert.equal(trackerModuleOf(Buffer.alloc(4096)), null);
  assert.equal(trackerModuleOf(at(0, 'RIFF\0\0\0\0WAVE')), null);
});
