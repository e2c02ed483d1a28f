// The Key column's and the track header's notation setting (renderer prefs KeyNotation; lib/library-format.ts
// keyNotation): a DJ who mixes by the Camelot wheel reads "9A", not "E minor 9A · 2m"; and the detail panel's format line (formatLine).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLine, keyNotation, markedKey } from '../../renderer/src/lib/library-format';

const eMinor = { camelot: '9A', openKey: '2m' };

test('keyNotation writes a key as the chosen notation: all three, the name, Camelot or Open Key', () => {
  assert.deepEqual(keyNotation('E minor', eMinor, 'all'), { main: 'E minor', codes: '9A · 2m' });
  assert.deepEqual(keyNotation('E minor', eMinor, 'name'), { main: 'E minor', codes: '' });
  assert.deepEqual(keyNotation('E minor', eMinor, 'camelot'), { main: '9A', codes: '' });
  assert.deepEqual(keyNotation('E minor', eMinor, 'openkey'), { main: '2m', codes: '' });
});

test('keyNotation: no key is no text in any notation; a missing code falls back to the name', () => {
  for (const n of ['all', 'name', 'camelot', 'openkey'] as const) assert.deepEqual(keyNotation(null, { camelot: null, openKey: null }, n), { main: null, codes: '' });
  assert.deepEqual(keyNotation('F# major', { camelot: null, openKey: null }, 'camelot'), { main: 'F# major', codes: '' });
  assert.deepEqual(keyNotation('F# major', { camelot: null, openKey: null }, 'all'), { main: 'F# major', codes: '' });
});

test('the key-strength plot marks the stated key, not the strongest profile correlation (the key net may differ)', () => {
  const ks = [{ key: 'Eb major', strength: 0.81 }, { key: 'C minor', strength: 0.78 }, { key: 'G minor', strength: 0.2 }];
  assert.equal(markedKey(ks, 'C minor').key, 'C minor');
  assert.equal(markedKey(ks, null).key, 'Eb major', 'no key stated: the strongest');
  assert.equal(markedKey(ks, 'A minor').key, 'Eb major', 'a stated key not listed: the strongest');
});

test('the detail\'s format line names the channels: a 5.1 file reads "6 ch" (it said nothing of them)', () => {
  const row = { durationSec: 240, codec: 'flac', sampleRate: 48000, channels: 6, bitrateKbps: 2304.4 };
  assert.equal(formatLine(row), '4:00 · flac · 48 kHz · 6 ch · 2304 kb/s');
  assert.equal(formatLine({ ...row, channels: 2, codec: 'mp3', sampleRate: 44100, bitrateKbps: 320 }), '4:00 · mp3 · 44.1 kHz · stereo · 320 kb/s');
  assert.equal(formatLine({ ...row, channels: 1, bitrateKbps: null }), '4:00 · flac · 48 kHz · mono');
  assert.equal(formatLine({ ...row, channels: null, durationSec: null, codec: null, sampleRate: null }), '— · ? · — · 2304 kb/s');
});
