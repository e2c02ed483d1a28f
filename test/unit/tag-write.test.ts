// Tag write-back's pure parts: which tag family a probed container gets, the
// key in each notation, the BPM text, and the temporary copy's name (which
// the scanner must never take for a track).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StudioError } from '@contract';
import { bpmText, isTagWriteTemp, keyIn, keyNotationOf, readBack, tagTarget } from '../../main/engine/library/tag-write';

test('tag family by the real container (not the file name); video and other containers are not written', () => {
  assert.deepEqual(tagTarget('mp3', 'mp3', false), { format: 'id3v2', mime: 'taglib/mp3' });
  assert.deepEqual(tagTarget('wav', 'pcm_s16le', false), { format: 'id3v2', mime: 'taglib/wav' });
  assert.deepEqual(tagTarget('aiff', 'pcm_s16be', false), { format: 'id3v2', mime: 'taglib/aiff' });
  assert.deepEqual(tagTarget('flac', 'flac', false), { format: 'vorbis', mime: 'taglib/flac' });
  assert.deepEqual(tagTarget('ogg', 'vorbis', false), { format: 'vorbis', mime: 'taglib/ogg' });
  assert.deepEqual(tagTarget('ogg', 'opus', false), { format: 'vorbis', mime: 'taglib/opus' });
  assert.deepEqual(tagTarget('mov,mp4,m4a,3gp,3g2,mj2', 'aac', false), { format: 'mp4', mime: 'taglib/m4a' });
  assert.equal(tagTarget('mov,mp4,m4a,3gp,3g2,mj2', 'aac', true), null, 'a video');
  assert.equal(tagTarget('matroska,webm', 'opus', false), null);
  assert.equal(tagTarget('asf', 'wmav2', false), null);
  assert.equal(tagTarget('ogg', 'speex', false), null);
});

test('the key in each notation; the BPM as a whole number', () => {
  assert.deepEqual(['standard', 'name', 'camelot', 'openkey'].map((n) => keyIn('A minor', n as never)), ['Am', 'A minor', '8A', '1m']);
  assert.deepEqual(['standard', 'name', 'camelot', 'openkey'].map((n) => keyIn('Eb major', n as never)), ['Eb', 'Eb major', '5B', '10d']);
  assert.equal(keyIn('F# minor', 'standard'), 'F#m');
  assert.equal(keyIn('not a key', 'standard'), null);
  assert.equal(bpmText(127.6, 'id3v2'), '128');
  assert.equal(bpmText(127.4, 'vorbis'), '127');
  assert.equal(bpmText(86, 'mp4'), '86');
});

test('the notation of a key tag as DJ taggers write it, the one each of keyIn\'s writes reads as (tester37)', () => {
  for (const n of ['standard', 'name', 'camelot', 'openkey'] as const) {
    for (const k of ['A minor', 'Eb major', 'F# minor', 'B major']) assert.equal(keyNotationOf(keyIn(k, n)!), n, `${k} in ${n}`);
  }
  // Mixed In Key's zero-padded "08A", Traktor's "1m", a mode spelled "Amin" / "C Major"
  assert.deepEqual(['08A', '12b', '1m', '10d', 'Amin', 'C Major', 'F#', 'Bbm'].map(keyNotationOf), ['camelot', 'camelot', 'openkey', 'openkey', 'name', 'name', 'standard', 'standard']);
  // two notations at once, no key, nothing: none
  assert.deepEqual(['8A/Am', 'Energy 6', '', 'H'].map(keyNotationOf), [null, null, null, null]);
});

test("the write's temporary copy is recognised by name only", () => {
  assert.equal(isTagWriteTemp('/m/.Alpha 120.mp3.studio-tags-0a1b2c3d.tmp'), true);
  assert.equal(isTagWriteTemp('/m/Alpha 120.mp3'), false);
  assert.equal(isTagWriteTemp('/m/Alpha.studio-tags-0a1b2c3d.tmp'), false, 'not hidden: not ours');
  assert.equal(isTagWriteTemp('/m/.x.mp3.studio-tags-zzzz.tmp'), false);
});

test('a read-back that throws on the written copy is said in words: what failed, the file untouched, the reader\'s message after (tags39)', async () => {
  // music-metadata's own bug on an intact copy surfaced bare: "Cannot read properties of undefined (reading 'length')"
  const throws = async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'length')");
  };
  await assert.rejects(readBack('/m/.a.mp3.studio-tags-0a1b2c3d.tmp', 'id3v2', 'a.mp3', throws), (e: unknown) => {
    assert.ok(e instanceof StudioError, `a StudioError, not ${String(e)}`);
    assert.equal(e.code, 'UNREADABLE');
    assert.equal(e.message, `The tags written into "a.mp3" could not be read back to check them: the tag reader failed on the written copy (TypeError: Cannot read properties of undefined (reading 'length')). The file was left untouched (the copy was discarded); its tags were not written.`);
    return true;
  });
  // a StudioError of the reader's (a cancel) goes through as it is; a reading that works is returned
  await assert.rejects(readBack('/x', 'vorbis', 'x.flac', async () => { throw new StudioError('CANCELLED', 'stopped'); }), { code: 'CANCELLED', message: 'stopped' });
  assert.deepEqual(await readBack('/x', 'vorbis', 'x.flac', async () => ({ bpm: '124', key: 'Am' })), { bpm: '124', key: 'Am' });
});
