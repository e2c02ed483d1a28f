// `studio analyze`'s plain text (main/cli/analyze-text.ts). Session 14 tester: a file without features printed an
// empty "features" line; a file without a key said only "none", where the tempo says why it has none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LibraryTrack } from '@contract';
import { analyzeText, keyText } from '../../main/cli/analyze-text';

const row = (o: Partial<LibraryTrack>): LibraryTrack => ({
  id: 't', folderId: 'f', path: '/m/a.wav', fileName: 'a.wav', status: 'analysed', error: null, title: null, artist: null, album: null, genre: null, year: null,
  durationSec: 5, sampleRate: 44100, channels: 2, codec: 'pcm_s16le', bitrateKbps: null, sizeBytes: 1, bpm: null, bpmConfidence: null, key: null,
  keyConfidence: null, camelot: null, openKey: null, lufs: null, loudnessRange: null, truePeak: null, features: null, analysedAt: 0, warnings: [], ...o,
} as LibraryTrack);
const opts = { name: 'a.wav', tempoReason: 'no regular pulse found', keyReason: null, range: null, tempoSections: null, keySections: null };

test('analyzeText leaves the features line out when there are no features', () => {
  assert.doesNotMatch(analyzeText(row({ features: null }), opts), /features/);
  assert.doesNotMatch(analyzeText(row({ features: '' }), opts), /features/);
  assert.match(analyzeText(row({ features: 'Tempo: 120 BPM.' }), opts), /\n {2}features {4}Tempo: 120 BPM\.\n/);
});

test('keyText says why there is no key where the analysis said so', () => {
  assert.equal(keyText(row({}), null, 'silence: nothing heard between 65 Hz and 2.1 kHz'), 'none (silence: nothing heard between 65 Hz and 2.1 kHz)');
  assert.equal(keyText(row({}), null, null), 'none');
  assert.match(analyzeText(row({}), { ...opts, keyReason: 'no pitched content: too few partials (drums, noise)' }), /\n {2}key {9}none \(no pitched content: too few partials \(drums, noise\)\)\n/);
});
