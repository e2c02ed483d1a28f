// playPlan: which files Chromium plays as they are. Probe now names one
// container ("m4a", "mov") instead of ffmpeg's family; both must map alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProbeResult } from '@contract';
import { containerFamily, lengthMisstated, playPlan } from '../../main/engine/media/playable';

const probe = (container: string, codec: string): ProbeResult =>
  ({ path: '/x/a', sizeBytes: 1, container, durationSec: 1, streams: [], audio: { codec, channels: 2, sampleRate: 44100 }, tags: {}, warnings: [] }) as unknown as ProbeResult;

test('ISO base-media names, one or the family, are the mp4 family; AAC in them plays as is', () => {
  for (const c of ['mov,mp4,m4a,3gp,3g2,mj2', 'm4a', 'mp4', 'mov', '3gp', 'M4A']) assert.equal(containerFamily(c), 'mp4', c);
  assert.equal(containerFamily('matroska,webm'), 'webm');
  assert.deepEqual(playPlan(probe('m4a', 'aac')), { kind: 'original' });
  assert.deepEqual(playPlan(probe('mov,mp4,m4a,3gp,3g2,mj2', 'aac')), { kind: 'original' });
  assert.equal(playPlan(probe('m4a', 'alac')).kind, 'proxy');
  assert.equal(playPlan(probe('aiff', 'pcm_s16be')).kind, 'proxy');
});

test('two audio streams, the second flagged default (the one probe states, analysis and model read): the proxy holds that one', () => {
  const streams = [
    { index: 0, type: 'audio', codec: 'alac', sampleRate: 22050, channels: 1 },
    { index: 1, type: 'audio', codec: 'alac', sampleRate: 48000, channels: 2, isDefault: true },
  ];
  const p = { ...probe('m4a', 'alac'), streams, audio: streams[1] } as unknown as ProbeResult;
  const plan = playPlan(p, new Set(['alac']));
  assert.equal(plan.kind, 'proxy');
  assert.deepEqual(plan.kind === 'proxy' && plan.args.slice(0, 2), ['-map', '0:1']);
  // the first audio stream read: mapped as before
  const first = playPlan({ ...p, audio: streams[0] } as unknown as ProbeResult, new Set(['alac']));
  assert.deepEqual(first.kind === 'proxy' && first.args.slice(0, 2), ['-map', '0:a:0']);
});

test('a codec Chromium plays, but the stream read is not the first audio stream: never the original (Chromium would play the first)', () => {
  const streams = [
    { index: 0, type: 'audio', codec: 'aac', sampleRate: 22050, channels: 1 },
    { index: 1, type: 'audio', codec: 'aac', sampleRate: 48000, channels: 2, isDefault: true },
  ];
  const p = { ...probe('m4a', 'aac'), streams, audio: streams[1] } as unknown as ProbeResult;
  const plan = playPlan(p);
  assert.equal(plan.kind, 'proxy');
  assert.deepEqual(plan.kind === 'proxy' && plan.args.slice(0, 2), ['-map', '0:1']);
  assert.ok(plan.kind === 'proxy' && plan.args.includes('copy'), 'AAC copied, not re-encoded');
  // the first stream read: played as it is
  assert.deepEqual(playPlan({ ...p, audio: streams[0] } as unknown as ProbeResult), { kind: 'original' });
  // Opus in WebM, second stream picked: a proxy of that stream
  const o = [
    { index: 0, type: 'audio', codec: 'opus', sampleRate: 48000, channels: 1 },
    { index: 1, type: 'audio', codec: 'opus', sampleRate: 48000, channels: 2, isDefault: true },
  ];
  const w = playPlan({ ...probe('matroska,webm', 'opus'), streams: o, audio: o[1] } as unknown as ProbeResult);
  assert.deepEqual(w.kind === 'proxy' && w.args.slice(0, 2), ['-map', '0:1']);
  // video Chromium plays + two AAC streams, the second default: the remux maps the video and the picked stream
  const vs = [
    { index: 0, type: 'video', codec: 'h264' },
    { index: 1, type: 'audio', codec: 'aac', sampleRate: 44100, channels: 2 },
    { index: 2, type: 'audio', codec: 'aac', sampleRate: 48000, channels: 2, isDefault: true },
  ];
  const vp = { ...probe('mov,mp4,m4a,3gp,3g2,mj2', 'aac'), streams: vs, audio: vs[2], video: { codec: 'h264', index: 0 } } as unknown as ProbeResult;
  const vplan = playPlan(vp);
  assert.equal(vplan.kind, 'proxy');
  assert.deepEqual(vplan.kind === 'proxy' && vplan.args.slice(0, 4), ['-map', '0:v:0', '-map', '0:2']);
  assert.deepEqual(playPlan({ ...vp, audio: vs[1] } as unknown as ProbeResult), { kind: 'original' });
});

// tester24: a download cut short (an MP3 whose Xing header still counts 30 s, 6.2 s of frames) was played as it is:
// Chromium believed the header — the readout said "0:00.0 / 0:30.0", the waveform's cursor and clicks were scaled to
// 30 s, and playback jumped from 0:06 to 0:30. Such a file plays from a proxy that states what it holds.
test('a file whose header misstates its length (probe.statedDurationSec) plays from a proxy (MP3: its frames copied under a new Xing header)', () => {
  // the probe's fact, not its warning's wording: statedDurationSec is what the header states, durationSec what decodes
  const cut = (container: string, codec: string, statedDurationSec?: number, warning = 'any words') =>
    ({ ...probe(container, codec), warnings: [warning], ...(statedDurationSec !== undefined ? { statedDurationSec } : {}) }) as unknown as ProbeResult;
  const mp3 = playPlan(cut('mp3', 'mp3', 30));
  assert.equal(mp3.kind, 'proxy');
  assert.ok(mp3.kind === 'proxy' && mp3.ext === 'mp3' && mp3.mime === 'audio/mpeg', JSON.stringify(mp3));
  assert.ok(mp3.kind === 'proxy' && mp3.args.includes('copy') && /stated length/.test(mp3.reason));
  const flac = playPlan(cut('flac', 'flac', 30), new Set(['flac']));
  assert.ok(flac.kind === 'proxy' && flac.ext === 'flac', JSON.stringify(flac));
  assert.equal(playPlan(cut('wav', 'pcm_s16le', 10), new Set(['pcm_s16le'])).kind, 'proxy');
  // raw ADTS AAC, its length estimated: copied into an MP4 (not re-encoded to Opus)
  const adts = playPlan(cut('aac', 'aac', 20.89));
  assert.ok(adts.kind === 'proxy' && adts.ext === 'mp4' && adts.args.includes('copy'), JSON.stringify(adts));
  assert.deepEqual(playPlan(probe('aac', 'aac')), { kind: 'original' });
  // a warning without the fact leaves a playable file as it is — even one whose words mention a header's length
  const words = 'The file appears truncated or damaged: the last frame is cut (112 of 418 bytes); its header states 0:30.00; shown: what it holds, 0:06.21.';
  assert.deepEqual(playPlan(cut('mp3', 'mp3', undefined, words)), { kind: 'original' });
  assert.deepEqual(playPlan(cut('flac', 'flac', undefined, 'A second FLAC stream follows the first (from byte 9000: files joined end to end, as `cat` makes): the first header (STREAMINFO) states 0:05.00, the streams 0:05.00 + 0:05.00.')), { kind: 'original' });
  assert.equal(lengthMisstated({}), false);
  assert.equal(lengthMisstated({ statedDurationSec: 30 }), true);
});
