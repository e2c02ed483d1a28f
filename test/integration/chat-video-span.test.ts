// A question about a video whose audio ends before its picture (10 s of picture, 6 s of audio, no -shortest, as a
// phone clip or an export with a shorter soundtrack is): the model's frames are sampled over the whole picture (decord,
// 5 clips over 10 s — the reference's rule, which the released checkpoints were trained on) while the audio it hears
// is 6 s. Nothing said so. Now the ask's inputs carry `spanNote` (contract media-spans.ts mediaSpanNote), stored with
// the chat's question and shown under it, and printed by `studio ask`. The facts here are the real processors' (no
// model needed): what ask() describes for each medium.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { mediaSpanNote, type SpanMedium } from '@contract';
import { PROCESSORS, processVideoWithSoundtrack } from '../../main/engine/model/processors';
import { ff, OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'chat-video-span');
const files: Record<string, string> = {};

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  for (const [name, audioSec] of [['short-audio.mp4', 6], ['even.mp4', 10]] as const) {
    files[name] = join(DIR, name);
    ff(['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=10', '-f', 'lavfi', '-i', `sine=f=440:d=${audioSec}:sample_rate=48000`, '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', files[name]]);
  }
});

/** the media a chat question about the video track gives: its audio (optionally a region) and its video, as ask() describes them */
async function asked(path: string, region?: [number, number]): Promise<SpanMedium[]> {
  const audio = await PROCESSORS.audio(path, { clips: 3, region });
  const video = await PROCESSORS.video(path, { clips: 3 });
  return [{ kind: 'audio', path, ...(region ? { region } : {}), ...audio.facts }, { kind: 'video', path, ...video.facts }];
}

describe('a video whose audio ends first: the chat says which span the frames and the audio cover', () => {
  test('6 s of audio, 10 s of picture: the frames span the whole picture (the reference\'s), the note says the model hears 0:06 of it', async () => {
    const media = await asked(files['short-audio.mp4']);
    const v = media.find((m) => m.kind === 'video')!;
    assert.ok(Math.abs(v.seconds! - 10) < 0.05, `frames over the picture's ${v.seconds} s`);
    const note = mediaSpanNote(media);
    assert.match(note ?? '', /^The model hears 0:00\.00–0:06\.0\d of the audio \(where the audio ends\) but sees frames sampled over the whole picture, 0:00–0:10\.00, as DeepResonance samples each on its own: what it sees after 0:06\.0\d it hears nothing of\.$/, String(note));
  });

  test('the soundtrack read with the video in one decode (studio ask --video with <Audio>): the same note', async () => {
    const path = files['short-audio.mp4'];
    const both = await processVideoWithSoundtrack(path, { clips: 3 });
    const note = mediaSpanNote([{ kind: 'video', path, ...both.video.facts }, { kind: 'audio', path, ...both.audio.facts }]);
    assert.match(note ?? '', /hears 0:00\.00–0:06\.0\d .* 0:00–0:10\.00/);
  });

  test('audio and picture of one length: no note; a region: the note names it', async () => {
    assert.equal(mediaSpanNote(await asked(files['even.mp4'])), null);
    const note = mediaSpanNote(await asked(files['even.mp4'], [2, 4]));
    assert.match(note ?? '', /^The model hears 0:02\.00–0:04\.00 of the audio \(the region chosen\) .* 0:00–0:10\.00, .*: what it sees before 0:02\.00 and after 0:04\.00 it hears nothing of\.$/, String(note));
  });
});

describe('mediaSpanNote (pure)', () => {
  const p = '/v.mp4';
  test('within the probe\'s margin, no video, another file\'s audio, no seconds: null', () => {
    assert.equal(mediaSpanNote([{ kind: 'audio', path: p, seconds: 9.6 }, { kind: 'video', path: p, seconds: 10 }]), null);
    assert.equal(mediaSpanNote([{ kind: 'audio', path: p, seconds: 6 }]), null);
    assert.equal(mediaSpanNote([{ kind: 'audio', path: '/other.mp3', seconds: 6 }, { kind: 'video', path: p, seconds: 10 }]), null);
    assert.equal(mediaSpanNote([{ kind: 'audio', path: p }, { kind: 'video', path: p, seconds: 10 }]), null);
    assert.equal(mediaSpanNote([{ kind: 'image', path: p }, { kind: 'video', path: p, seconds: 10 }]), null);
  });
  test('audio past the margin short of the picture: said', () => {
    assert.match(mediaSpanNote([{ kind: 'video', path: p, seconds: 100 }, { kind: 'audio', path: p, seconds: 97 }]) ?? '', /0:00\.00–1:37\.00 .* 0:00–1:40\.00/);
  });
});
