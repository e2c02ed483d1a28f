// `studio ask --json` inputs: what the model was given of each medium is kept with the media cache's rows
// (so a cached answer still says it), and the input text as the model reads it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filledInput } from '../../main/engine/model/ask';
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
