// A video and its own soundtrack decoded together (issue 13, "no repeated work per
// question"): the model's inputs must be bit-identical to the separate decodes of
// before (the reference preprocessing: decord-like frames without autorotate, the
// audio as DESIGN.md says), from fewer ffmpeg runs — counted here through a real
// ffmpeg behind a logging wrapper (STUDIO_FFMPEG), on real files made by ffmpeg.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeAudio, videoAndSoundtrack, videoInput } from '../../main/engine/model/media-input';
import { PROCESSORS, processVideoWithSoundtrack } from '../../main/engine/model/processors';
import { audioToFbankClips } from '../../main/engine/model/preprocess/audio';
import { MEDIA_DIR, media, logFfmpegCalls } from '../helpers/media';

const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const testsrc = (sec: number, rate = '25', size = '320x180') => ['-f', 'lavfi', '-i', `testsrc2=s=${size}:r=${rate}:d=${sec}`];
const tone = (sec: number, rate = 44100, f = 440) => ['-f', 'lavfi', '-i', `sine=f=${f}:d=${sec}:sample_rate=${rate}:beep_factor=3`];

/** Real files as users have them: containers, codecs, rates, stream orders, a cover picture, a rotation flag. */
const FILES: Record<string, () => string> = {
  'mp4 h264 + aac, NTSC 29.97 fps': () => media('vs-ntsc.mp4', [...testsrc(7, '30000/1001'), ...tone(7), '-shortest', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac']),
  // (-cpu-used 8: libvpx-vp9's fastest realtime setting, 5.4 → 0.35 s of CPU to make; the decode is what is tested)
  'mkv vp9 + opus (48 kHz), 8 s': () => media('vs-vp9-cpu8.mkv', [...testsrc(8, '24', '256x144'), ...tone(8, 48000), '-shortest', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus']),
  'mov mpeg4 + stereo pcm, rotated 90°': () => {
    const plain = media('vs-mov-plain.mov', [...testsrc(5), ...tone(5, 32000), '-ac', '2', '-shortest', '-c:v', 'mpeg4', '-c:a', 'pcm_s16le']);
    return media('vs-mov-rot.mov', ['-i', plain, '-c', 'copy', '-metadata:s:v', 'rotate=90']);
  },
  'audio stream first, then video (avi)': () => media('vs-audio-first.avi', [...tone(4, 22050), ...testsrc(4, '15'), '-map', '0:a', '-map', '1:v', '-shortest', '-c:v', 'mpeg4', '-c:a', 'pcm_s16le']),
  'mp4 with a cover picture (attached pic) besides the video and audio': () => {
    const cover = media('vs-cover.png', ['-f', 'lavfi', '-i', 'testsrc=s=200x200:d=1', '-frames:v', '1']);
    const av = media('vs-av.mp4', [...testsrc(5), ...tone(5), '-shortest', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac']);
    return media('vs-cover-first.mp4', ['-i', cover, '-i', av, '-map', '0:v', '-map', '1:v', '-map', '1:a', '-c:v:0', 'png', '-c:v:1', 'copy', '-c:a', 'copy', '-disposition:v:0', 'attached_pic']);
  },
  'a short clip (1.5 s: overlapping audio clips, video clips past the end)': () => media('vs-short.mp4', [...testsrc(1.5), ...tone(1.5, 16000), '-shortest', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac']),
};

/** ffmpeg behind a wrapper that logs each run's arguments: the runs are counted, nothing is faked. */
let LOG: string;
function countRuns(): string[] {
  if (!existsSync(LOG)) return [];
  return readFileSync(LOG, 'utf8').split('\n').filter((l) => l && !/-version|-layouts/.test(l));
}

let undoFfmpegLog: (() => void) | undefined;
before(() => {
  LOG = join(MEDIA_DIR, 'ffmpeg-runs.log');
  media('vs-dir-marker.wav', ['-f', 'lavfi', '-i', 'anullsrc=d=0.1']); // makes MEDIA_DIR
  undoFfmpegLog = logFfmpegCalls(MEDIA_DIR, LOG);
});
after(() => undoFfmpegLog?.());

async function runsOf<T>(fn: () => Promise<T>): Promise<{ value: T; runs: string[] }> {
  rmSync(LOG, { force: true });
  const value = await fn();
  return { value, runs: countRuns() };
}

describe('a video and its soundtrack: one decode, the same inputs bit for bit', () => {
  for (const [name, make] of Object.entries(FILES)) {
    test(name, async () => {
      const path = make();
      // before: the video (probe, packet count, frames) and the soundtrack apart
      const sep = await runsOf(async () => ({ video: await videoInput(path, undefined, { separateRuns: true }), audio: (await PROCESSORS.audio(path, { clips: 3 })).data }));
      assert.equal(sep.runs.length, 4, sep.runs.join('\n'));
      const joint = await runsOf(() => processVideoWithSoundtrack(path, { clips: 3 }));
      assert.equal(joint.runs.length, 2, joint.runs.join('\n'));
      assert.equal(joint.value.runs, joint.runs.length);
      assert.equal(joint.value.video.n, 15);
      assert.ok(sameBits(joint.value.video.data, sep.value.video.pixels), 'video pixel values differ');
      assert.ok(sameBits(joint.value.audio.data, sep.value.audio), 'fbank clips differ');
      // the video alone: its streams and packet count from one run, then the frames
      const alone = await runsOf(() => videoInput(path));
      assert.equal(alone.runs.length, 2, alone.runs.join('\n'));
      assert.deepEqual(alone.value.plan, sep.value.video.plan);
      assert.ok(sameBits(alone.value.pixels, sep.value.video.pixels), 'video pixel values differ (video alone)');
    });
  }

  test('an MP4 cut by stream copy (its edit list hides frames): `runs` counts the recount run too (it said 2 for 3 runs)', async () => {
    const base = media('vs-elst-base.mp4', [...testsrc(7, '30', '320x240'), ...tone(7), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest']);
    const cut = media('vs-elst-copy.mp4', ['-ss', '1.5', '-i', base, '-c', 'copy']);
    const joint = await runsOf(() => videoAndSoundtrack(cut));
    joint.value.audio.close();
    assert.equal(joint.runs.length, 3, joint.runs.join('\n'));
    assert.equal(joint.value.runs, joint.runs.length);
  });
  test('several audio streams, the second flagged default: decodeAudio reads the best one (the same samples as mapping it), in two runs (the first stopped at the stream list)', async () => {
    const two = media('vs-two-audio.mka', [...tone(3, 44100, 440), ...tone(3, 44100, 660), '-map', '0', '-map', '1', '-c:a', 'flac', '-disposition:a:0', '0', '-disposition:a:1', 'default']);
    const run = await runsOf(() => decodeAudio(two));
    const direct = await decodeAudio(media('vs-two-audio-second.flac', ['-i', two, '-map', '0:1', '-c:a', 'copy']));
    try {
      assert.equal(run.runs.length, 2, run.runs.join('\n'));
      assert.match(run.runs[1]!, /-map 0:1 /);
      const [x, y] = [run.value.source.read(0, run.value.source.length), direct.source.read(0, direct.source.length)];
      assert.ok(sameBits(x[0]!, y[0]!), 'not the default stream\'s samples');
    } finally {
      run.value.close();
      direct.close();
    }
  });
  test('an MP4 of video + two AAC streams, the second flagged default: the joint decode keeps the picked stream it read (3 runs, counted right), the same samples as decodeAudio', async () => {
    const two = media('vs-video-two-aac.mp4', [...testsrc(4), ...tone(4, 44100, 440), ...tone(4, 48000, 660), '-map', '0:v', '-map', '1:a', '-map', '2:a', '-shortest', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-disposition:a:0', '0', '-disposition:a:1', 'default']);
    const joint = await runsOf(() => videoAndSoundtrack(two));
    const a = await decodeAudio(two);
    try {
      // the stream list run, the picked stream's decode (+ the packet count), the frames: not 1 + 3 + 1 from decoding again apart
      assert.equal(joint.runs.length, 3, joint.runs.join('\n'));
      assert.equal(joint.value.runs, joint.runs.length);
      assert.match(joint.runs[1]!, /-map 0:2 /);
      const b = joint.value.audio;
      assert.deepEqual([b.sampleRate, b.channels, b.source.length], [a.sampleRate, a.channels, a.source.length]);
      const [x, y] = [a.source.read(0, a.source.length), b.source.read(0, b.source.length)];
      assert.ok(sameBits(x[0]!, y[0]!), 'not the default stream\'s samples');
    } finally {
      a.close();
      joint.value.audio.close();
    }
  });

  test('the decoded soundtrack is the same samples as decodeAudio gives, at the same rate and channels', async () => {
    const path = FILES['mov mpeg4 + stereo pcm, rotated 90°']();
    const a = await decodeAudio(path);
    const { audio: b, video } = await videoAndSoundtrack(path);
    try {
      assert.deepEqual([b.sampleRate, b.channels, b.source.length], [a.sampleRate, a.channels, a.source.length]);
      assert.equal(a.channels, 2);
      const [x, y] = [a.source.read(0, a.source.length), b.source.read(0, b.source.length)];
      for (let c = 0; c < 2; c++) assert.ok(sameBits(x[c], y[c]), `channel ${c} differs`);
      assert.equal(video.plan.length, 5);
      // the joint decode's fbank of the decoded samples equals the separate one's
      assert.ok(sameBits(audioToFbankClips(a.source, a.sampleRate, 3).data, audioToFbankClips(b.source, b.sampleRate, 3).data));
    } finally {
      a.close();
      b.close();
    }
  });

  test('a soundtrack spilled to a temporary file reads back the same (memory bound of 64 KiB)', async () => {
    const path = FILES['mkv vp9 + opus (48 kHz), 8 s']();
    const a = await decodeAudio(path, { memoryBytes: 65536 });
    const b = (await videoAndSoundtrack(path, { memoryBytes: 65536 })).audio;
    try {
      assert.ok(a.spilledBytes > 0 && b.spilledBytes === a.spilledBytes);
      assert.ok(sameBits(audioToFbankClips(a.source, a.sampleRate, 3).data, audioToFbankClips(b.source, b.sampleRate, 3).data));
    } finally {
      a.close();
      b.close();
    }
  });

  test('where the one run cannot vouch (no audio stream), the separate decodes give the same error as before', async () => {
    const silent = media('vs-silent.mp4', [...testsrc(3), '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
    const before = await decodeAudio(silent).then(() => null, (e) => e);
    assert.equal(before?.code, 'NO_AUDIO');
    const joint = await runsOf(() => processVideoWithSoundtrack(silent, { clips: 3 }).then(() => null, (e) => e));
    assert.equal(joint.value?.code, 'NO_AUDIO');
    assert.equal(joint.value?.message, before.message);
  });

  test('an m4a whose only picture is its cover: the one run cannot vouch (it copies no cover), the separate decodes give the error of before', async () => {
    const cover = media('vs-cover.png', ['-f', 'lavfi', '-i', 'testsrc=s=200x200:d=1', '-frames:v', '1']);
    const m4a = media('vs-cover-only.m4a', [...tone(4), '-i', cover, '-map', '0:a', '-map', '1:v', '-c:a', 'aac', '-c:v', 'png', '-disposition:v', 'attached_pic']);
    const before = await videoInput(m4a, undefined, { separateRuns: true }).then(() => null, (e) => e);
    assert.equal(before?.code, 'NOT_MEDIA');
    const joint = await runsOf(() => processVideoWithSoundtrack(m4a, { clips: 3 }).then(() => null, (e) => e));
    assert.deepEqual([joint.value?.code, joint.value?.message], [before.code, before.message]);
    assert.equal(joint.runs.length, 2, 'the one run, then the probe of the separate path');
    const alone = await videoInput(m4a).then(() => null, (e) => e);
    assert.deepEqual([alone?.code, alone?.message], [before.code, before.message]);
  });

  test('a file with no video stream: the same NOT_MEDIA as the separate decode', async () => {
    const wav = media('vs-audio-only.wav', tone(2));
    const before = await videoInput(wav, undefined, { separateRuns: true }).then(() => null, (e) => e);
    const alone = await videoInput(wav).then(() => null, (e) => e);
    const joint = await processVideoWithSoundtrack(wav, { clips: 3 }).then(() => null, (e) => e);
    assert.equal(before?.code, 'NOT_MEDIA');
    for (const e of [alone, joint]) assert.deepEqual([e?.code, e?.message], [before.code, before.message]);
  });
});
