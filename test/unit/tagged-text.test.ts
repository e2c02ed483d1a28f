// Session 17 DJ tester: the track detail sets the tempo and key a file's own tags state beside the analysed ones
// ("Tagged: 128 BPM · 8A") and says where they disagree (taggedText, main/contract/tagged.ts); the tags themselves are
// read by tempoKeyTags (media/tags.ts) from the native frames music-metadata's common tags miss.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IAudioMetadata } from 'music-metadata';
import { detailTagged, taggedText, tempoAgreement } from '@contract';
import { tempoKeyTags } from '../../main/engine/media/tags';

test('taggedText: the line, and no note where tag and analysis agree', () => {
  assert.deepEqual(taggedText({ bpm: 128, key: 'A minor', keyText: '8A' }, { bpm: 128.4, key: 'A minor' }), { line: 'Tagged: 128 BPM · 8A', notes: [] });
  // within 4 %: the same tempo
  assert.deepEqual(taggedText({ bpm: 126.5 }, { bpm: 123, key: null }).notes, []);
  assert.equal(taggedText({ bpm: 126.5 }, { bpm: 123, key: null }).line, 'Tagged: 126.5 BPM');
  // nothing tagged: no line
  assert.deepEqual(taggedText(null, { bpm: 120, key: 'C major' }), { line: null, notes: [] });
  assert.deepEqual(taggedText({}, { bpm: 120, key: 'C major' }), { line: null, notes: [] });
});

test('taggedText: a tempo at half or double, a different tempo, a different key, in words', () => {
  assert.deepEqual(taggedText({ bpm: 140 }, { bpm: 70, key: null }).notes, ['tag says 140 (analysed 70.0: half)']);
  assert.deepEqual(taggedText({ bpm: 70 }, { bpm: 140, key: null }).notes, ['tag says 70 (analysed 140.0: double)']);
  assert.deepEqual(taggedText({ bpm: 128 }, { bpm: 97, key: null }).notes, ['tag says 128 (analysed 97.0: a different tempo)']);
  assert.deepEqual(taggedText({ key: 'A minor', keyText: '8A' }, { bpm: null, key: 'C major' }).notes, ['tag says 8A = A minor (analysed C major: the relative major)']);
  assert.deepEqual(taggedText({ key: 'F minor', keyText: 'F minor' }, { bpm: null, key: 'C minor' }).notes, ['tag says F minor (analysed C minor: a fifth away)']);
  // tester26: how the analysed key stands to the tag's on the Camelot wheel, as a DJ reads it
  assert.deepEqual(taggedText({ key: 'C major', keyText: '8B' }, { bpm: null, key: 'A minor' }).notes, ['tag says 8B = C major (analysed A minor: the relative minor)']);
  assert.deepEqual(taggedText({ key: 'A minor', keyText: 'Am' }, { bpm: null, key: 'A major' }).notes, ['tag says Am = A minor (analysed A major: the parallel major)']);
  assert.deepEqual(taggedText({ key: 'G major', keyText: '9B' }, { bpm: null, key: 'D major' }).notes, ['tag says 9B = G major (analysed D major: a fifth away)']);
  assert.deepEqual(taggedText({ key: 'A minor', keyText: '8A' }, { bpm: null, key: 'F# major' }).notes, ['tag says 8A = A minor (analysed F# major: a different key)']);
  assert.deepEqual(taggedText({ key: 'A minor', keyText: '8A' }, { bpm: null, key: 'D major' }).notes, ['tag says 8A = A minor (analysed D major: a different key)']);
  // nothing analysed: nothing to disagree with
  assert.deepEqual(taggedText({ bpm: 128, key: 'A minor', keyText: '8A' }, { bpm: null, key: null }).notes, []);
});

// tester25: an uncertain key (0 %) beside a tagged Am read "tag says Am = A minor (analysed A major: the parallel
// major)" — a relation claimed for a key the detail itself calls uncertain. Under MIN_CONFIDENCE ours is named as an
// uncertain best guess, with no relation; a sure one keeps it.
test('taggedText / detailTagged: against an uncertain tempo or key, the note says ours is uncertain and claims no relation', () => {
  const tag = { bpm: 120, key: 'A minor', keyText: 'Am' };
  assert.deepEqual(taggedText(tag, { bpm: 236.2, key: 'A major', bpmConfidence: 0.001, keyConfidence: 0.067 }).notes, [
    'tag says 120 (ours uncertain: best guess 236.2)',
    'tag says Am = A minor (ours uncertain: best guess A major)',
  ]);
  // sure: the relation as before
  assert.deepEqual(taggedText(tag, { bpm: 236.2, key: 'A major', bpmConfidence: 0.9, keyConfidence: 0.8 }).notes, [
    'tag says 120 (analysed 236.2: double)',
    'tag says Am = A minor (analysed A major: the parallel major)',
  ]);
  // an uncertain guess that agrees with the tag: nothing to say
  assert.deepEqual(taggedText(tag, { bpm: 120.3, key: 'A minor', bpmConfidence: 0.1, keyConfidence: 0.1 }).notes, []);
  // the detail (the panel's and `studio analyze`'s rule) reads the row's confidences, folded into a BPM range or not
  const track = { bpm: 236.2, key: 'F major', bpmConfidence: 0.001, keyConfidence: 0.002 };
  assert.deepEqual(detailTagged({ tagged: tag, track }).notes, ['tag says 120 (ours uncertain: best guess 236.2)', 'tag says Am = A minor (ours uncertain: best guess F major)']);
  assert.deepEqual(detailTagged({ tagged: { bpm: 100 }, track: { ...track, bpm: 118.1 }, storedBpm: 236.2 }).notes, ['tag says 100 (ours uncertain: best guess 118.1 shown; analysed 236.2)']);
});

test('taggedText: a key text no notation reads is shown as written, not compared', () => {
  assert.deepEqual(taggedText({ keyText: 'Energy 6' }, { bpm: null, key: 'C major' }), { line: 'Tagged: "Energy 6" (not a key)', notes: [] });
});

test('tempoAgreement: 4 % either side of the tempo, its double and its half', () => {
  assert.equal(tempoAgreement(104, 100), 'same');
  assert.equal(tempoAgreement(104.5, 100), 'different');
  assert.equal(tempoAgreement(207, 100), 'half');
  assert.equal(tempoAgreement(51, 100), 'double');
  assert.equal(tempoAgreement(150, 100), 'different');
});

const meta = (native: Record<string, Array<{ id: string; value: unknown }>>, common: Partial<IAudioMetadata['common']> = {}) =>
  ({ native, common: { track: { no: null, of: null }, disk: { no: null, of: null }, movementIndex: {}, ...common }, format: {}, quality: { warnings: [] } }) as unknown as IAudioMetadata;

test('tempoKeyTags: native frames of each format, parsed; unparseable key text kept', () => {
  assert.deepEqual(tempoKeyTags(meta({ 'ID3v2.3': [{ id: 'TBPM', value: '128.00' }, { id: 'TKEY', value: 'Am' }] })), { bpm: 128, key: 'A minor', keyText: 'Am' });
  assert.deepEqual(tempoKeyTags(meta({ vorbis: [{ id: 'BPM', value: '126,5' }, { id: 'INITIALKEY', value: '1m' }] }, { bpm: 126 })), { bpm: 126.5, key: 'A minor', keyText: '1m' });
  assert.deepEqual(tempoKeyTags(meta({ iTunes: [{ id: 'tmpo', value: 140 }, { id: '----:com.apple.iTunes:initialkey', value: 'F minor' }] })), { bpm: 140, key: 'F minor', keyText: 'F minor' });
  assert.deepEqual(tempoKeyTags(meta({ vorbis: [{ id: 'INITIALKEY', value: 'Energy 6' }, { id: 'BPM', value: 'fast' }] })), { keyText: 'Energy 6' });
  // common tags where no native frame is known
  assert.deepEqual(tempoKeyTags(meta({}, { bpm: 99, key: '5A' })), { bpm: 99, key: 'C minor', keyText: '5A' });
  assert.deepEqual(tempoKeyTags(meta({ vorbis: [{ id: 'BPM', value: '0' }] })), {});
  assert.deepEqual(tempoKeyTags(null), {});
});

// reviewer of session 17 (fix17c): the first native field whose id matched won even when unreadable; no bound on the BPM
test('tempoKeyTags: an unreadable first candidate does not hide a later readable one', () => {
  // Vorbis TEMPO is a tempo marking for some taggers; BPM ranks first anyway
  assert.equal(tempoKeyTags(meta({ vorbis: [{ id: 'TEMPO', value: 'Allegro' }, { id: 'BPM', value: '128' }] })).bpm, 128);
  assert.equal(tempoKeyTags(meta({ vorbis: [{ id: 'TEMPO', value: '90' }, { id: 'BPM', value: '128' }] })).bpm, 128);
  // an unparseable first key, a parseable later one
  assert.deepEqual(tempoKeyTags(meta({ 'ID3v2.3': [{ id: 'TKEY', value: 'Energy 6' }], vorbis: [{ id: 'INITIALKEY', value: '8A' }] })), { key: 'A minor', keyText: '8A' });
  // ID3 TBPM=0 / MP4 tmpo=0 before an APE BPM=128
  assert.equal(tempoKeyTags(meta({ 'ID3v2.4': [{ id: 'TBPM', value: '0' }], APEv2: [{ id: 'BPM', value: '128' }] })).bpm, 128);
  assert.equal(tempoKeyTags(meta({ iTunes: [{ id: 'tmpo', value: 0 }], APEv2: [{ id: 'BPM', value: '128' }] })).bpm, 128);
  // no key parses: the first key text is kept
  assert.deepEqual(tempoKeyTags(meta({ vorbis: [{ id: 'INITIALKEY', value: 'Energy 6' }, { id: 'KEY', value: 'whatever' }] })), { keyText: 'Energy 6' });
});

test('tempoKeyTags: ID3 user frames TXXX:INITIALKEY, TXXX:KEY, TXXX:BPM (music-metadata native id "TXXX:<description>")', () => {
  // music-metadata gives the text as the value; the frame itself is {description, text}: both read
  assert.deepEqual(tempoKeyTags(meta({ 'ID3v2.3': [{ id: 'TXXX:INITIALKEY', value: '8A' }, { id: 'TXXX:BPM', value: '126.00' }] })), { bpm: 126, key: 'A minor', keyText: '8A' });
  assert.deepEqual(tempoKeyTags(meta({ 'ID3v2.4': [{ id: 'TXXX:KEY', value: { description: 'KEY', text: ['Am'] } }, { id: 'TXXX:BPM', value: { description: 'BPM', text: '140' } }] })), { bpm: 140, key: 'A minor', keyText: 'Am' });
  // a TKEY ranks before TXXX:INITIALKEY
  assert.equal(tempoKeyTags(meta({ 'ID3v2.3': [{ id: 'TXXX:INITIALKEY', value: '5A' }, { id: 'TKEY', value: '8A' }] })).keyText, '8A');
});

test('tempoKeyTags: a tagged tempo outside 20–999 BPM is dropped', () => {
  assert.deepEqual(tempoKeyTags(meta({ vorbis: [{ id: 'BPM', value: '0.004' }] })), {});
  assert.deepEqual(tempoKeyTags(meta({ vorbis: [{ id: 'BPM', value: '19.9' }] })), {});
  assert.deepEqual(tempoKeyTags(meta({ vorbis: [{ id: 'BPM', value: '1998' }] })), {});
  assert.deepEqual(tempoKeyTags(meta({ vorbis: [{ id: 'BPM', value: '20' }] })), { bpm: 20 });
  assert.deepEqual(tempoKeyTags(meta({ vorbis: [{ id: 'BPM', value: '999' }] })), { bpm: 999 });
  // an out-of-range first candidate gives way to a sane later one
  assert.equal(tempoKeyTags(meta({ vorbis: [{ id: 'BPM', value: '1998' }] }, { bpm: 128 })).bpm, 128);
});

test('tempoKeyTags: a real FLAC (ffmpeg) with TEMPO=Allegro before BPM=128 and an unreadable INITIALKEY before KEY=8A', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { parseFile } = await import('music-metadata');
  const dir = mkdtempSync(join(tmpdir(), 'rs-tagged-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'two-tags.flac');
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=440:d=0.5', '-c:a', 'flac', '-metadata', 'TEMPO=Allegro', '-metadata', 'BPM=128', '-metadata', 'INITIALKEY=Energy 6', '-metadata', 'KEY=8A', file]);
  if (r.status !== 0) return t.skip('ffmpeg is not available');
  assert.deepEqual(tempoKeyTags(await parseFile(file)), { bpm: 128, key: 'A minor', keyText: '8A' });
});

// reviewer of session 17 (fix17c): the notes used the standard key names where the panel spells keys the user's way
test('taggedText: the key disagreement in the user\'s key spelling', () => {
  const spell = (k: string) => (k === 'A# minor' ? 'Bb minor' : k === 'C# major' ? 'Db major' : k);
  assert.deepEqual(taggedText({ key: 'A# minor', keyText: '3A' }, { bpm: null, key: 'C# major' }, spell).notes, ['tag says 3A = Bb minor (analysed Db major: the relative major)']);
  assert.deepEqual(taggedText({ key: 'A# minor', keyText: 'A# minor' }, { bpm: null, key: 'C# major' }, spell).notes, ['tag says Bb minor (analysed Db major: the relative major)']);
});

// reviewer of session 17 (fix17c): the panel compared the tag with the BPM folded into the user's range
test('detailTagged: the tag is compared with the stored (unfolded) tempo, not the one folded into the BPM range', () => {
  // analysed 174, tagged 174, range 70–140: the detail shows 87; the tag agrees with the analysis
  const d = { track: { bpm: 87, key: null }, storedBpm: 174, tagged: { bpm: 174 } };
  assert.deepEqual(detailTagged(d), { line: 'Tagged: 174 BPM', notes: [] });
  // analysed 87 (stored), tagged 174: the analysis found half the tag's tempo, whatever the range shows
  assert.deepEqual(detailTagged({ track: { bpm: 87, key: null }, storedBpm: 87, tagged: { bpm: 174 } }).notes, ['tag says 174 (analysed 87.0: half)']);
  // a detail without storedBpm (no range): the track's bpm is the stored one
  assert.deepEqual(detailTagged({ track: { bpm: 174, key: null }, tagged: { bpm: 174 } }).notes, []);
});

// session 17 tester: range 70–140, stored 174 (shown 87), tagged 87 — the panel showed "87 BPM" beside "tag says 87
// (analysed 174.0: double)". A tag that agrees with the tempo shown is no disagreement either; one that agrees with
// neither is said against the tempo shown, with the analysed one beside it
test('detailTagged: a tag that agrees with the tempo shown (folded into the BPM range) is no disagreement; one that agrees with neither names both', () => {
  assert.deepEqual(detailTagged({ track: { bpm: 87, key: null }, storedBpm: 174, tagged: { bpm: 87 } }), { line: 'Tagged: 87 BPM', notes: [] });
  assert.deepEqual(detailTagged({ track: { bpm: 87, key: null }, storedBpm: 174, tagged: { bpm: 120 } }).notes, ['tag says 120 (shown 87.0: a different tempo; analysed 174.0)']);
  assert.deepEqual(detailTagged({ track: { bpm: 87, key: null }, storedBpm: 174, tagged: { bpm: 43.5 } }).notes, ['tag says 43.5 (shown 87.0: double; analysed 174.0)']);
  // the key note still follows the tempo's
  assert.deepEqual(detailTagged({ track: { bpm: 87, key: 'C major' }, storedBpm: 174, tagged: { bpm: 120, key: 'A minor', keyText: '8A' } }).notes,
    ['tag says 120 (shown 87.0: a different tempo; analysed 174.0)', 'tag says 8A = A minor (analysed C major: the relative major)']);
});
