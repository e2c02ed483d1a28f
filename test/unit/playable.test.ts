// playPlan: which files Chromium plays as they are. Probe now names one
// container ("m4a", "mov") instead of ffmpeg's family; both must map alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProbeResult } from '@contract';
import { containerFamily, playPlan } from '../../main/engine/media/playable';

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
