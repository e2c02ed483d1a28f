// The probe's packet count of a video's audio (session 19: audio that ends before the picture) read every video file
// a second time. An MP4/MOV's sample table already says where its first audio track ends (structure.ts
// mp4AudioBesideVideo): where that is the file's Duration the count is skipped — one ffmpeg run, not two — and the
// probe states what it stated with the count. Where the table says the audio ends first, where there is no table
// (fragmented MP4) or another container (Matroska from mkvmerge, AVI), the count stays. Runs are counted through a
// real ffmpeg behind a logging wrapper (STUDIO_FFMPEG), on files made by Debian's ffmpeg and mkvmerge.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { audioEndsWithFile, probeFile } from '../../main/engine/media/probe';
import { OUTPUT, logFfmpegCalls } from '../helpers/media';

const DIR = join(OUTPUT, 'probe-video-count');
const LOG = join(DIR, 'ffmpeg-runs.log');
const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
const picture = (sec: number) => ['-f', 'lavfi', '-i', `testsrc2=size=160x120:rate=25:duration=${sec}`];
const sound = (sec: number) => ['-f', 'lavfi', '-i', `sine=f=440:d=${sec}:sample_rate=48000`];
const files: Record<string, string> = {};
const path = (name: string) => (files[name] = join(DIR, name));

let undoFfmpegLog: (() => void) | undefined;
before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const av = ['-map', '0:v', '-map', '1:a'];
  ff([...picture(10), ...sound(10), ...av, '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', path('even.mp4')]);
  ff([...picture(10), ...sound(10), ...av, '-c:v', 'mpeg4', '-c:a', 'pcm_s16le', path('even.mov')]);
  // audio longer than the picture: the Duration is the audio's, nothing to find
  ff([...picture(8), ...sound(10), ...av, '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', path('long-audio.mp4')]);
  ff([...picture(10), ...sound(6), ...av, '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', path('short-audio.mp4')]);
  ff([...picture(10), ...sound(10), ...av, '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-movflags', 'frag_keyframe+empty_moov', path('fragmented.mp4')]);
  ff([...picture(10), ...sound(10), ...av, '-c:v', 'mpeg4', '-c:a', 'libmp3lame', path('even.avi')]);
  execFileSync('mkvmerge', ['-q', '-o', path('even.mkv'), files['even.mp4']]);
  undoFfmpegLog = logFfmpegCalls(DIR, LOG);
});
after(() => undoFfmpegLog?.());

async function probeRuns(name: string) {
  rmSync(LOG, { force: true });
  const p = await probeFile(files[name]);
  const runs = existsSync(LOG) ? readFileSync(LOG, 'utf8').split('\n').filter((l) => l.includes(files[name])) : []; // runs that read the file (not -version, -layouts, -h demuxer=…)
  return { p, runs };
}

describe('the probe of a video: the audio packet count only where the sample table cannot say', () => {
  for (const [name, sec] of [['even.mp4', 10], ['even.mov', 10], ['long-audio.mp4', 10]] as const) {
    test(`${name}: one ffmpeg run (no packet count), the length and warnings as before`, async () => {
      const { p, runs } = await probeRuns(name);
      assert.equal(runs.length, 1, runs.join('\n'));
      assert.ok(Math.abs(p.durationSec - sec) < 0.05, String(p.durationSec));
      assert.equal(p.videoDurationSec, undefined);
      assert.deepEqual(p.warnings, []);
    });
  }

  test('short-audio.mp4 (6 s of audio, 10 s of picture): counted, the audio\'s length stated', async () => {
    const { p, runs } = await probeRuns('short-audio.mp4');
    assert.equal(runs.length, 2, runs.join('\n'));
    assert.ok(Math.abs(p.durationSec - 6) < 0.05, String(p.durationSec));
    assert.ok(p.videoDurationSec !== undefined && Math.abs(p.videoDurationSec - 10) < 0.05);
  });

  for (const name of ['fragmented.mp4', 'even.mkv', 'even.avi']) {
    test(`${name}: no sample table to read (fragments, another container): still counted`, async () => {
      const { p, runs } = await probeRuns(name);
      assert.equal(runs.length, 2, runs.join('\n'));
      assert.ok(Math.abs(p.durationSec - 10) < 0.1, String(p.durationSec));
    });
  }
});

describe('audioEndsWithFile (pure)', () => {
  const st = (tableSec: number, skipSec = 0) => ({ mp4AudioBesideVideo: { tableSec, skipSec, source: '' } });
  test('within half the warning margin: true; past it, unknown table or no Duration: false', () => {
    assert.equal(audioEndsWithFile(st(10.0453, 0.0213), 10.02), true);
    assert.equal(audioEndsWithFile(st(10), 10.26), false); // 0.26 > 0.25: near the 0.5 s margin, counted
    assert.equal(audioEndsWithFile(st(6), 10), false);
    assert.equal(audioEndsWithFile(st(100), 101.5), false); // 2 % of 100 s is 2 s: half is 1 s
    assert.equal(audioEndsWithFile(st(100), 100.9), true);
    assert.equal(audioEndsWithFile({ mp4AudioBesideVideo: null }, 10), false);
    assert.equal(audioEndsWithFile({}, 10), false);
    assert.equal(audioEndsWithFile(st(10), null), false);
  });
});
