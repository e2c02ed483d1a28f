// The Key column's and the track header's notation setting (renderer prefs KeyNotation; lib/library-format.ts
// keyNotation): a DJ who mixes by the Camelot wheel reads "9A", not "E minor 9A · 2m".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyNotation } from '../../renderer/src/lib/library-format';

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
