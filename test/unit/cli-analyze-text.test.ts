// `studio analyze`'s plain text (main/cli/analyze-text.ts). Session 14 tester: a file without features printed an
// empty "features" line; a file without a key said only "none", where the tempo says why it has none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BIDI_CONTROLS, type LibraryTrack } from '@contract';
import { analyzeLine, analyzeText, keyText, NOT_ANALYSED, problemText, shownPath, shownText, tempoText } from '../../main/cli/analyze-text';

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
  assert.match(analyzeText(row({}), { ...opts, keyReason: 'no pitched content: too few partials, as in drums or noise' }), /\n {2}key {9}none \(no pitched content: too few partials, as in drums or noise\)\n/);
});

// issue 11, "the same number everywhere": the CLI printed fractions ("confidence 0.69", "confidence 0.001") where the
// library and the track view show "69%" and "0%" (contract confidenceText, never rounded up across MIN_CONFIDENCE)
test('tempoText and keyText state the confidence as the UI does: a whole percentage', () => {
  assert.equal(tempoText(row({ bpm: 120, bpmConfidence: 0.69 }), null), '120 BPM (confidence 69%)');
  assert.equal(tempoText(row({ bpm: 92, bpmConfidence: 0.499 }), null), 'uncertain (best guess 92 BPM, confidence 49%; left out of the features)');
  assert.equal(keyText(row({ key: 'A minor', camelot: '8A', keyConfidence: 0.951 })), 'A minor (8A, confidence 95%)');
  assert.equal(keyText(row({ key: 'D minor', camelot: '7A', keyConfidence: 0.001 })), 'uncertain (best guess D minor, confidence 0%; left out of the features)');
});

// analyzeLine: `studio analyze --json`'s line, pinned case by case (left15: its seven positional arguments became one
// object; these outputs are what the positional form gave)
const sec = (start: number, end: number, bpm: number) => ({ start, end, bpm });
const keySec = (start: number, end: number, key: string) => ({ start, end, key });
const full = row({ bpm: 128, bpmConfidence: 0.81, key: 'A minor', keyConfidence: 0.66, camelot: '8A', openKey: '1m', lufs: -9.5, features: 'Tempo: 128 BPM.', title: 'T', artist: 'A', album: 'B' });
const base = {
  path: '/m/a.wav', durationSec: 5, camelot: null, openKey: null, lufs: null, loudnessRange: null, truePeak: null, features: null, title: null, artist: null, album: null, tags: null,
  codec: 'pcm_s16le', sampleRate: 44100, channels: 2, bitrateKbps: null, warnings: [], error: null, bpmOutsideRange: null, analysedBpm: null,
};
const pinned = {
  analysed: {
    ...base, bpm: 128, bpmConfidence: 0.81, tempoReason: null, tempoSections: null, key: 'A minor', keyConfidence: 0.66, keyReason: null, keySections: null,
    camelot: '8A', openKey: '1m', lufs: -9.5, features: 'Tempo: 128 BPM.', title: 'T', artist: 'A', album: 'B', analysedBpm: 128,
  },
  // --bpm-range 70-140 folds 160 to 80; the sections by the same one factor (½, that of the track's bpm), so 160 → 120
  // reads 80 → 60 beside the 80: still slowing down (folded alone, 80 → 120 read as speeding up; tester24), and at the
  // column's level (by the sections' median, ×1, it read 160 → 120 beside 80: reviewer of tester24)
  ranged: {
    ...base, bpm: 80, bpmConfidence: 0.5, tempoReason: null, tempoSections: [sec(0, 30, 80), sec(30, 60, 60)], key: 'C major', keyConfidence: 0.6, keyReason: null,
    keySections: [keySec(0, 32, 'C major'), keySec(32, 64, 'G major')], bpmOutsideRange: false, analysedBpm: 160,
  },
  noTempoNoKey: { ...base, bpm: null, bpmConfidence: null, tempoReason: 'no onsets', tempoSections: null, key: null, keyConfidence: null, keyReason: 'silence', keySections: null },
  failed: { ...base, bpm: null, bpmConfidence: null, tempoReason: null, tempoSections: null, key: null, keyConfidence: null, keyReason: null, keySections: null, error: 'cannot decode', code: 'UNREADABLE' },
  failedNoCode: { ...base, bpm: null, bpmConfidence: null, tempoReason: null, tempoSections: null, key: null, keyConfidence: null, keyReason: null, keySections: null, error: 'failed', code: 'INTERNAL' },
  pending: { ...base, bpm: 80, bpmConfidence: null, tempoReason: null, tempoSections: null, key: null, keyConfidence: null, keyReason: null, keySections: null, error: NOT_ANALYSED, code: 'CANCELLED', bpmOutsideRange: false, analysedBpm: 160 },
  pendingStopped: { ...base, bpm: null, bpmConfidence: null, tempoReason: null, tempoSections: null, key: null, keyConfidence: null, keyReason: null, keySections: null, error: 'Not analysed: disk full', code: 'DB_WRITE_FAILED' },
};

test('analyzeLine: the --json line of an analysed, ranged, tempo-less, failed and never-reached file', () => {
  const range = { min: 70, max: 140 };
  assert.deepEqual(analyzeLine({ track: full }), pinned.analysed);
  assert.deepEqual(analyzeLine({ track: row({ bpm: 160, bpmConfidence: 0.5, key: 'C major', keyConfidence: 0.6 }), range, tempoSections: [sec(0, 30, 160), sec(30, 60, 120)], keySections: [keySec(0, 32, 'C major'), keySec(32, 64, 'G major')] }), pinned.ranged);
  // empty section lists read as none
  assert.deepEqual(analyzeLine({ track: full, tempoSections: [], keySections: [] }), pinned.analysed);
  // the tempo and key the file's own tags state (TrackDetail.tagged), as they are
  assert.deepEqual(analyzeLine({ track: full, tagged: { bpm: 128, key: 'A minor', keyText: '8A' } }), { ...pinned.analysed, tags: { bpm: 128, key: 'A minor', keyText: '8A' } });
  assert.deepEqual(analyzeLine({ track: row({}), tempoReason: 'no onsets', keyReason: 'silence' }), pinned.noTempoNoKey);
  assert.deepEqual(analyzeLine({ track: row({ status: 'failed', error: 'cannot decode', errorCode: 'UNREADABLE' } as Partial<LibraryTrack>) }), pinned.failed);
  assert.deepEqual(analyzeLine({ track: row({ status: 'failed' }) }), pinned.failedNoCode);
  // a row the scan never reached: its tempo still folded into the range, its reasons and sections dropped
  assert.deepEqual(analyzeLine({ track: row({ status: 'pending', bpm: 160 }), tempoReason: 'ignored', range, tempoSections: [sec(0, 1, 100)], keyReason: 'ignored' }), pinned.pending);
  assert.deepEqual(analyzeLine({ track: row({ status: 'pending' }), notAnalysed: { error: 'Not analysed: disk full', code: 'DB_WRITE_FAILED' } }), pinned.pendingStopped);
});

// session 20: --bpm-range marked a tempo no level of which falls in a narrow range ("↕ outside 120–130") in the text
// only; the --json line says so too, `bpmOutsideRange` (null without a range or a tempo), before `analysedBpm` (last)
test('analyzeLine: bpmOutsideRange is true where the text marks ↕ outside, false in range, null without a range or tempo', () => {
  const narrow = { min: 120, max: 130 };
  const t100 = row({ bpm: 100, bpmConfidence: 0.8 });
  const line = analyzeLine({ track: t100, range: narrow });
  assert.equal(line.bpmOutsideRange, true);
  assert.match(analyzeText(t100, { ...opts, range: narrow }), /↕ outside 120–130/);
  assert.equal(analyzeLine({ track: row({ bpm: 250, bpmConfidence: 0.8 }), range: narrow }).bpmOutsideRange, false); // halved: 125
  assert.doesNotMatch(analyzeText(row({ bpm: 250, bpmConfidence: 0.8 }), { ...opts, range: narrow }), /↕/);
  assert.equal(analyzeLine({ track: row({ bpm: 174, bpmConfidence: 0.8 }), range: { min: 70, max: 140 } }).bpmOutsideRange, false);
  assert.equal(analyzeLine({ track: t100 }).bpmOutsideRange, null);
  assert.equal(analyzeLine({ track: row({}), range: narrow }).bpmOutsideRange, null);
  assert.deepEqual(Object.keys(line).slice(-2), ['bpmOutsideRange', 'analysedBpm']);
});

// session 17 tester: "none (too short to find a tempo (under 4 s))" — the reasons, said inside the CLI's "none (…)",
// held brackets of their own. Every reason the analysers give reads without one (as the loudness's do).
test('no tempo and no key: the reasons hold no brackets of their own, so "none (…)" reads without nesting', async () => {
  const { NO_TEMPO } = await import('../../main/engine/analysis/tempo');
  const { NO_KEY } = await import('../../main/engine/analysis/tonal');
  for (const r of [...Object.values(NO_TEMPO), ...Object.values(NO_KEY)]) assert.doesNotMatch(r, /[()]/, r);
  assert.match(analyzeText(row({}), { ...opts, tempoReason: NO_TEMPO.short }), /\n {2}tempo {7}none \(too short to find a tempo: under 4 s\)\n/);
  assert.equal(keyText(row({}), null, NO_KEY.short), 'none (too short to find a key: under 0.4 s)');
});

// tester25: `studio analyze`'s "tagged" line said "tag says Am = A minor (analysed A major: the parallel major)" beside
// "key uncertain (best guess A major, confidence 0.067)" two lines up; it reads the row's confidences as the detail does
test('the tagged line names an uncertain tempo or key as ours uncertain, with no relation to the tag', () => {
  const t = row({ bpm: 236.2, bpmConfidence: 0.001, key: 'A major', keyConfidence: 0.067 });
  assert.match(
    analyzeText(t, { ...opts, tagged: { bpm: 120, key: 'A minor', keyText: 'Am' } }),
    /\n {2}tagged {6}120 BPM · Am — tag says 120 \(ours uncertain: best guess 236\.2\); tag says Am = A minor \(ours uncertain: best guess A major\)\n/,
  );
});

test('shownText escapes the control characters of a message that quotes a name, in place, as shownPath escapes a path (tags39)', () => {
  // an engine refusal quoting a file name with a line break, a tab, ESC (a terminal escape), DEL and a C1 control
  const m = '"take\n2\t\u001b[31mred\u007f\u0085.wav" is an RF64 file, whose tags the studio cannot write yet.';
  assert.equal(shownText(m), '"take\\n2\\t\\u001b[31mred\\u007f\\u0085.wav" is an RF64 file, whose tags the studio cannot write yet.');
  assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(shownText(m)));
  // the name inside reads as shownPath shows the name itself (its quotes are the message's)
  assert.ok(shownText(m).startsWith(shownPath('take\n2\t\u001b[31mred\u007f\u0085.wav')));
  // a message without one is left as it is (its quotes, backslashes and non-ASCII letters too)
  assert.equal(shownText('"Café \\ "x".flac" is read-only'), '"Café \\ "x".flac" is read-only');
});

test('shownPath and shownText escape the bidi controls and U+2028/9 as the renderer\'s safeName makes them visible (cli40)', () => {
  // every bidi control of contract bidi.ts (the renderer's set) and the line/paragraph separators, escaped
  const all = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069';
  assert.equal(all.match(BIDI_CONTROLS)?.length, 9);
  assert.equal(shownPath(`evil${all}\u2028\u2029.pls`), '"evil\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u2028\\u2029.pls"');
  // a path with U+202E alone (before: printed as it is, and "evil\u202Etxt.pls" read "evilslp.txt")
  assert.equal(shownPath('/m/evil\u202Etxt.pls'), '"/m/evil\\u202etxt.pls"');
  assert.equal(shownText('the crate "a\u202Eb" exists'), 'the crate "a\\u202eb" exists');
  // a right-to-left name and the marks (LRM, RLM) are letters to read, not controls: left as they are
  assert.equal(shownPath('/m/שיר\u200F.mp3'), '/m/שיר\u200F.mp3');
  assert.equal(shownText('"שיר" is read-only'), '"שיר" is read-only');
});

test('problemText escapes the message as the path: a message quoting a name with a line break stays on one line (cli40)', () => {
  const p = { path: '/m/a\nb.mp3', message: '"a\nb.mp3" is not an audio or video file ffmpeg can read.' };
  assert.equal(problemText(p), '"/m/a\\nb.mp3": "a\\nb.mp3" is not an audio or video file ffmpeg can read.');
  // a path shown as it is, named by its own message: the message alone
  assert.equal(problemText({ path: '/m/x.mp3', message: '"x.mp3" does not exist (/m/x.mp3).' }), '"x.mp3" does not exist (/m/x.mp3).');
});
