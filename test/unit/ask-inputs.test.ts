// `studio ask --json` inputs: what the model was given of each medium is kept with the media cache's rows
// (so a cached answer still says it), and the input text as the model reads it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filledInput, planInputs } from '../../main/engine/model/ask';
import { encodeEntry, parseEntry } from '../../main/engine/model/embedding-cache';

const rows = Float32Array.from({ length: 3 * 8 }, (_, i) => i / 7);

test('a cache entry keeps the facts of its medium; an entry written without them (before) reads as none', () => {
  const facts = { container: 'wav', seconds: 42.031, sampleRate: 44100, channels: 8, clips: 3 };
  const back = parseEntry(encodeEntry('k', { rows, tokens: 3, facts }), 'k');
  assert.deepEqual(back?.facts, facts);
  assert.deepEqual([...back!.rows], [...rows]);
  const old = parseEntry(encodeEntry('k', { rows, tokens: 3 }), 'k');
  assert.ok(old && !('facts' in old));
  // facts that are not a flat object of numbers/strings are not trusted (the rows still are: they are checksummed)
  const odd = parseEntry(encodeEntry('k', { rows, tokens: 3, facts: { container: { x: 1 } } as never }), 'k');
  assert.ok(odd && odd.facts === undefined);
});

test('filledInput: each placeholder filled with its medium, in order; the text around kept as is', () => {
  assert.equal(
    filledInput('Tempo: 100 BPM. <Audio><Image><Video>', [{ kind: 'audio', source: 'a.mp3' }, { kind: 'image', source: 'c.png' }, { kind: 'video', source: 'v.mp4' }]),
    'Tempo: 100 BPM. <Audio: a.mp3><Image: c.png><Video: v.mp4>',
  );
  assert.equal(filledInput('<Video> and <Audio>', [{ kind: 'video', source: 'v.mp4' }, { kind: 'audio', source: 'v.mp4 (soundtrack)' }]), '<Video: v.mp4> and <Audio: v.mp4 (soundtrack)>');
});

test('planInputs: input text and media that do not pair up are refused saying what to change (tester38)', () => {
  // the chat's Cover chip is on for a track with a cover: input text written with <Audio> alone left the image out.
  // Before: "A image is attached but the input has no <Image> placeholder for it." — no article, nothing to do
  const refused = (req: Parameters<typeof planInputs>[0]) => {
    try {
      planInputs(req);
    } catch (e) {
      return { code: (e as { code: string }).code, message: (e as Error).message };
    }
    return null;
  };
  assert.deepEqual(refused({ instruction: 'q', input: 'Key: A minor. <Audio>', audio: { path: '/a.mp3' }, image: { path: '/c.jpg' } }), {
    code: 'BAD_ARGS',
    message: 'An image is attached but the input text has no <Image> for it: put <Image> in the text where the image goes, or leave the image out.',
  });
  assert.equal(refused({ instruction: 'q', input: '<Audio><Image>', audio: { path: '/a.mp3' }, image: { path: '/c.jpg' } }), null);
  assert.equal(refused({ instruction: 'q', input: '<Image>', audio: { path: '/a.mp3' }, image: { path: '/c.jpg' } })?.message, 'Audio is attached but the input text has no <Audio> for it: put <Audio> in the text where the audio goes, or leave the audio out.');
  assert.equal(refused({ instruction: 'q', input: '<Audio><Video>', audio: { path: '/a.mp3' } })?.message, 'The input text has <Video> but no video is attached: attach a video, or take <Video> out of the text.');
  assert.equal(refused({ instruction: 'q', input: '<Audio> then <Audio>', audio: { path: '/a.mp3' } })?.message, 'The input text has <Audio> more than once: keep one (a question gives the model each medium once).');
  // a video's soundtrack stands for <Audio> where no audio file is given
  assert.deepEqual(planInputs({ instruction: 'q', input: '<Video><Audio>', video: { path: '/v.mp4' } }).order.map((o) => [o.kind, o.fromVideo ?? false]), [['video', false], ['audio', true]]);
});
