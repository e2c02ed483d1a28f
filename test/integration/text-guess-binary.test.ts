// Bytes that are not text, which ffmpeg's weakest format probe takes for a text format (session 26; seen by tester25).
// libavformat's LRC probe accepts any file whose first byte is "[": random or damaged bytes named .flac were reported
// by `studio probe` as '"x.flac" is in fact LRC, not FLAC as its extension says; it was read as LRC' and by
// `studio analyze` / a library scan as 'has no audio stream'. Now both say the file is not an audio or video file that
// can be read (NOT_MEDIA), as they do for the same bytes without the "[". Real lyrics stay LRC, in Latin-1 and in
// GB18030 (as Chinese lyrics sites serve them; the isbinaryfile package calls those binary, so it is not the test).
// Each NOT_MEDIA assertion failed on main 3581d4e (probe: resolved with container "lrc"; analyze: NO_AUDIO).
// Also: random bytes named .flac without the "[" were probed as a FLAC (ffmpeg's last-resort guess, "misdetection
// possible", 0 channels) with 'Tags could not be read: FourCC contains invalid characters' and failed only at the
// waveform; the probe now says NOT_MEDIA (failed on 3d26083: resolved).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { StudioError } from '@contract';
import { analyzeTrack } from '../../main/engine/analysis';
import { textDemuxerOnBinary } from '../../main/engine/media/demuxer';
import { probeFile } from '../../main/engine/media/probe';
import { ff, OUTPUT } from '../helpers/media';
import { mulberry32 } from '../helpers/prng';

const DIR = join(OUTPUT, 'text-guess-binary');
const f = (name: string) => join(DIR, name);

/** `n` seeded random bytes after `lead` (a damaged or wrongly named file's content) */
function noise(lead: string, n: number, seed: number): Buffer {
  const r = mulberry32(seed);
  return Buffer.concat([Buffer.from(lead, 'latin1'), Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)))]);
}

const LYRICS = '[ti:Café del Mar]\n[ar:Énergie]\n[00:01.00]Déjà vu à la plage\n[00:05.20]encore une fois\n';

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  writeFileSync(f('bracket-noise.flac'), noise('[', 200_000, 26));
  writeFileSync(f('noise.flac'), noise('', 200_000, 27));
  writeFileSync(f('latin1.lrc'), Buffer.from(LYRICS, 'latin1'));
  writeFileSync(f('lyrics-latin1.flac'), Buffer.from(LYRICS, 'latin1'));
  // GB18030 as iconv writes it (libc's converter, not our own encoder)
  writeFileSync(f('gb18030.lrc'), execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: '[ti:月亮代表我的心]\n[00:01.00]你问我爱你有多深\n[00:06.50]我爱你有几分\n' }));
  writeFileSync(f('utf16.lrc'), execFileSync('iconv', ['-f', 'UTF-8', '-t', 'UTF-16'], { input: LYRICS }));
  // a real FLAC (ffmpeg's encoder) whose "fLaC" marker is damaged: ffmpeg warns of a misdetection but reads its frames
  ff(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-c:a', 'flac', f('tone.flac')]);
  const b = readFileSync(f('tone.flac'));
  b.write('xLaC', 0, 'latin1');
  writeFileSync(f('bad-marker.flac'), b);
});
after(() => rmSync(DIR, { recursive: true, force: true }));

describe('random bytes starting "[" are not "in fact LRC"', () => {
  test('textDemuxerOnBinary: binary under a text demuxer only; lyrics in Latin-1, GB18030 and UTF-16 (with its BOM) are text', async () => {
    assert.equal(await textDemuxerOnBinary(f('bracket-noise.flac'), 'lrc'), true);
    assert.equal(await textDemuxerOnBinary(f('bracket-noise.flac'), 'flac'), false, 'not a text demuxer: not this rule');
    for (const name of ['latin1.lrc', 'gb18030.lrc', 'utf16.lrc', 'lyrics-latin1.flac']) assert.equal(await textDemuxerOnBinary(f(name), 'lrc'), false, name);
    assert.equal(await textDemuxerOnBinary(f('gone.lrc'), 'lrc'), false, 'unreadable: the caller’s own error stands');
  });

  test('studio probe: NOT_MEDIA saying ffmpeg guessed a text format, as for the same bytes without the "["', async () => {
    const e = await probeFile(f('bracket-noise.flac')).then(() => null, (x: unknown) => x);
    assert.ok(e instanceof StudioError, `resolved: ${JSON.stringify(e)}`);
    assert.equal(e.code, 'NOT_MEDIA');
    assert.match(e.message, /^"bracket-noise\.flac" is not an audio or video file that can be read: ffmpeg's only guess is LRC \(a text format\) and the file is not text\./);
    assert.doesNotMatch(e.message, /in fact/);
  });

  test('studio analyze / a scan: NOT_MEDIA as for noise without the "[", not "has no audio stream"', async () => {
    for (const name of ['bracket-noise.flac', 'noise.flac']) {
      const e = await analyzeTrack(f(name)).then(() => null, (x: unknown) => x);
      assert.ok(e instanceof StudioError, name);
      assert.equal(e.code, 'NOT_MEDIA', `${name}: ${e.message}`);
      assert.equal(e.message, `"${name}" is not an audio or video file ffmpeg can read.`);
    }
  });

  test('studio probe: bytes ffmpeg only guesses (a misdetection warned, no stream with parameters) are NOT_MEDIA, not a FLAC whose tags are "FourCC contains invalid characters"', async () => {
    const e = await probeFile(f('noise.flac')).then(() => null, (x: unknown) => x);
    assert.ok(e instanceof StudioError, `resolved: ${JSON.stringify(e)}`);
    assert.equal(e.code, 'NOT_MEDIA');
    assert.match(e.message, /^"noise\.flac" is not an audio or video file that can be read: ffmpeg could only guess FLAC, warning of a misdetection, and found no stream it could read\./);
    // a damaged marker over real frames: ffmpeg's low score, but a stream it reads — still probed, its length read from
    // the intact STREAMINFO after the marker: every one of its 3 s of samples decodes (left28b; ffmpeg's timestamps
    // without the header end at 1.67 s, which the probe stated before)
    const p = await probeFile(f('bad-marker.flac'));
    assert.equal(p.container, 'flac');
    assert.equal(p.audio?.codec, 'flac');
    assert.ok(Math.abs(p.durationSec - 3) < 0.001, String(p.durationSec));
    assert.match(p.warnings.join(' | '), /"bad-marker\.flac" is damaged: a FLAC file starts with the 4-byte marker "fLaC"/);
  });

  test('real lyrics stay LRC: the probe reads them (named .flac: "in fact LRC"), analyze says there is no audio', async () => {
    for (const name of ['latin1.lrc', 'gb18030.lrc']) {
      const p = await probeFile(f(name));
      assert.equal(p.container, 'lrc', name);
      assert.equal(p.audio, undefined, name);
    }
    const named = await probeFile(f('lyrics-latin1.flac'));
    assert.ok(named.warnings.some((w) => /is in fact LRC, not FLAC/.test(w)), named.warnings.join(' | '));
    const e = await analyzeTrack(f('gb18030.lrc')).then(() => null, (x: unknown) => x);
    assert.ok(e instanceof StudioError && e.code === 'NO_AUDIO', String(e));
  });
});
