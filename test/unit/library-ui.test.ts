import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openFolderOptions } from '../../main/electron/shell-methods';
import { emptyForm, parseFilter, shortKey } from '../../renderer/src/lib/library-filter';
import { beatGridChange, beatGridTempo, certainty, certaintyNote, confidenceText, foldedTempo, problemsSummary } from '../../renderer/src/lib/library-notes';

describe('library UI logic', () => {
  it('turns the filter form into a LibraryFilter: ranges open on one side, keys passed on as typed', () => {
    assert.deepEqual(parseFilter(emptyForm()), { filter: {}, problem: null });
    const { filter, problem } = parseFilter({ ...emptyForm(), text: '  night drive ', bpmMin: '95', bpmMax: '', lufsMax: '-8,5', key: '8A', status: 'failed' });
    assert.equal(problem, null);
    assert.deepEqual(filter, { text: 'night drive', bpm: [95, 1000], lufs: [-200, -8.5], key: '8A', status: 'failed' });
  });

  it('says what is wrong with a range instead of sending it', () => {
    assert.match(parseFilter({ ...emptyForm(), bpmMin: 'fast' }).problem ?? '', /BPM: type a number/);
  });

  it('takes a range typed high to low as the range it encloses, as --bpm-range and View ▸ BPM range do (tester31)', () => {
    assert.deepEqual(parseFilter({ ...emptyForm(), bpmMin: '125', bpmMax: '100' }), { filter: { bpm: [100, 125] }, problem: null });
    assert.deepEqual(parseFilter({ ...emptyForm(), lufsMin: '-5', lufsMax: '-10' }), { filter: { lufs: [-10, -5] }, problem: null });
    assert.deepEqual(parseFilter({ ...emptyForm(), bpmMax: '90' }).filter, { bpm: [0, 90] }, 'an open side stays open');
  });

  it('a tempo or key is a fact only at the confidence gate (0.5); below it "uncertain", without a value "none" (issue 10)', () => {
    assert.equal(certainty(120, 0.5), 'sure');
    assert.equal(certainty(120, 0.49), 'uncertain');
    assert.equal(certainty('A minor', null), 'uncertain');
    assert.equal(certainty(null, null), 'none');
    assert.match(certaintyNote('tempo', '112.1 BPM', 0.09), /^Uncertain tempo: best guess 112\.1 BPM at 9% confidence.*Left out of the features line/);
    assert.equal(certaintyNote('tempo', null, null, 'no onsets: a steady tone or drone has no beat'), 'No tempo: no onsets: a steady tone or drone has no beat.');
  });

  it('a confidence under the gate never reads as the gate: 0.499 (shown "uncertain") is 49 %, not 50 % (tester17)', () => {
    // syn-mambo-184.mp3 of the tempo-synth renders: bpmConfidence 0.499, shown "uncertain 50%" in the table and
    // "Tempo uncertain (best guess 92.0 BPM, 50% confidence)" in the detail, while 50 % is the first sure value
    assert.equal(certainty(184, 0.499), 'uncertain');
    assert.equal(confidenceText(0.499), '49%');
    assert.equal(confidenceText(0.4951), '49%');
    assert.match(certaintyNote('tempo', '92.0 BPM', 0.499), /best guess 92\.0 BPM at 49% confidence/);
    // elsewhere plain rounding, and the gate itself is 50 %
    assert.equal(confidenceText(0.5), '50%');
    assert.equal(confidenceText(0.494), '49%');
    assert.equal(confidenceText(0.777), '78%');
    assert.equal(confidenceText(0), '0%');
    assert.equal(confidenceText(null), '');
  });

  it('the track view\'s Beat grid states a tempo as the library does: in the BPM range, "uncertain" under 0.5 (tester17)', () => {
    // syn-bebop-196.mp3 (tempo-synth renders): the library showed "uncertain 44%", the opened track's Beat grid
    // button read "98" (196 folded into 70–140) as a fact
    const r = { min: 70, max: 140 };
    const bebop = beatGridTempo({ bpm: 196, bpmConfidence: 0.442 }, r)!;
    assert.equal(bebop.text, 'uncertain');
    assert.equal(bebop.uncertain, true);
    assert.equal(bebop.note, 'Tempo uncertain: best guess 98 BPM in the BPM range 70–140 (analysed: 196 BPM) at 44% confidence; no grid drawn: a guessed tempo\'s beats and bars would mislead');
    assert.equal(beatGridTempo({ bpm: 184, bpmConfidence: 0.499 }, null)!.note, 'Tempo uncertain: best guess 184 BPM at 49% confidence; no grid drawn: a guessed tempo\'s beats and bars would mislead');
    // a sure tempo reads as before (bpm-range-track.test.ts): the number, the range in the tooltip
    assert.deepEqual(beatGridTempo({ bpm: 128, bpmConfidence: 0.9 }, { min: 60, max: 120 }), { text: '64', uncertain: false, note: '64 BPM in the BPM range 60–120 (analysed: 128 BPM, the beats drawn)' });
    assert.deepEqual(beatGridTempo({ bpm: 120, bpmConfidence: 0.5 }, null), { text: '120', uncertain: false, note: '120 BPM' });
    // a range narrower than an octave: the level shown is the nearest, outside it (as the detail panel says: foldedTempo)
    assert.deepEqual(beatGridTempo({ bpm: 200, bpmConfidence: 0.9 }, { min: 120, max: 130 }), { text: '100', uncertain: false, note: '100 BPM nearest to the BPM range 120–130, outside it (analysed: 200 BPM, the beats drawn)' });
    assert.equal(beatGridTempo({ bpm: null, bpmConfidence: null }, r), null);
  });

  it('a tempo folded into the BPM range names the analysed one beside it (dj33)', () => {
    // a rhumba analysed at 180: the detail panel read "90.0 BPM" over features "Tempo: 180 BPM."
    assert.deepEqual(foldedTempo(90, 180, { min: 70, max: 140 }), { analysed: 180, text: ' · analysed 180.0', note: ' Shown in the BPM range 70–140 (analysed: 180.0 BPM).' });
    assert.deepEqual(foldedTempo(124, 124, { min: 70, max: 140 }), { analysed: null, text: '', note: '' }, 'in the range: nothing to say');
    assert.deepEqual(foldedTempo(124, undefined, null), { analysed: null, text: '', note: '' }, 'no range: no storedBpm sent');
    assert.deepEqual(foldedTempo(null, 180, { min: 70, max: 140 }), { analysed: null, text: '', note: '' });
    // 120–130 holds neither 90 nor 180: the detail's tooltip said "Shown in the BPM range 120–130" of a 90 outside it
    assert.equal(foldedTempo(90, 180, { min: 120, max: 130 }).note, ' Shown nearest to the BPM range 120–130, outside it (analysed: 180.0 BPM).');
  });

  // session 17 tester: the track view's Beat grid never said the tempo changes where the analysis found sections. The
  // grid is one tempo's (trackBeats at the whole-track period: on ts-90-130-90.wav, 177.1 BPM, its lines 0.325 s apart
  // in the 90 BPM parts and 0.348 s in the 129 part), so the line says so
  it('the Beat grid says the tempo changes, in the BPM range as the library shows it, and that the grid keeps one tempo', () => {
    const sections = [{ start: 0, end: 32, bpm: 90 }, { start: 32, end: 61.9, bpm: 129 }, { start: 61.9, end: 90, bpm: 90 }];
    assert.deepEqual(beatGridChange({ bpm: 177.1, bpmConfidence: 0.9, tempoSections: sections }, null), {
      text: 'Tempo changes: 90 → 129 → 90 BPM; the grid keeps one tempo (177.1 BPM)',
      note: 'The tempo changes: 0:00–0:32 90 BPM, 0:32–1:01 129 BPM, 1:01–1:30 90 BPM. The beat grid keeps one tempo, the whole-track estimate (177.1 BPM): where the tempo differs from it, its lines drift off the beats.',
    });
    // in 70–140 the whole-track 177.1 reads 88.6, the sections at its octave: 90 → 129 → 90
    assert.equal(beatGridChange({ bpm: 177.1, bpmConfidence: 0.9, tempoSections: sections }, { min: 70, max: 140 })!.text, 'Tempo changes: 90 → 129 → 90 BPM; the grid keeps one tempo (88.6 BPM)');
    // a ramp
    assert.equal(beatGridChange({ bpm: 110, bpmConfidence: 0.9, tempoSections: [{ start: 0, end: 60, bpm: 80, endBpm: 140 }] }, null)!.text, 'Tempo changes: 80 → 140 BPM; the grid keeps one tempo (110 BPM)');
    // steady, unknown (a grid cached before the sections were kept) or no tempo: no line
    assert.equal(beatGridChange({ bpm: 120, bpmConfidence: 0.9, tempoSections: null }, null), null);
    assert.equal(beatGridChange({ bpm: 120, bpmConfidence: 0.9 }, null), null);
    assert.equal(beatGridChange({ bpm: null, bpmConfidence: null, tempoSections: sections }, null), null);
  });

  // tester28: an uncertain tempo (calibrated confidence under MIN_CONFIDENCE: certainty()) that also changes still read
  // "the grid keeps one tempo" — but an uncertain tempo draws no grid at all (session 28, WaveMarks.svelte). The line
  // says the tempo is uncertain and names its changing best guesses; it does not speak of a grid
  it('an uncertain tempo that changes: the line says it is uncertain, never a grid', () => {
    const sections = [{ start: 0, end: 32, bpm: 90 }, { start: 32, end: 61.9, bpm: 129 }, { start: 61.9, end: 90, bpm: 90 }];
    for (const bpmConfidence of [0.44, 0.499, null]) {
      const c = beatGridChange({ bpm: 177.1, bpmConfidence, tempoSections: sections }, { min: 70, max: 140 });
      assert.ok(c, String(bpmConfidence));
      assert.doesNotMatch(`${c.text} ${c.note}`, /grid|beats drawn|lines/i, `${bpmConfidence}: ${c.text} | ${c.note}`);
      assert.match(c.text, /^Tempo uncertain: best guesses change 90 → 129 → 90 BPM$/);
      assert.match(c.note, /^Uncertain tempo: best guess 88\.6 BPM at (44|49|0)% confidence, and the best guesses change: 0:00–0:32 90 BPM, 0:32–1:01 129 BPM, 1:01–1:30 90 BPM\./);
    }
    // at MIN_CONFIDENCE it is sure: the grid line as before
    assert.match(beatGridChange({ bpm: 177.1, bpmConfidence: 0.5, tempoSections: sections }, null)!.text, /the grid keeps one tempo/);
  });

  it('the scan bar names what it left out by kind, not "(folders skipped)" (issue 10)', () => {
    const problems = [
      { path: '/m/a', message: 'Folder cannot be read (permission denied). Skipped; its files are kept as they were.', code: 'UNREADABLE' as const },
      { path: '/m/b', message: 'Symlink loop. Skipped.', code: 'NOT_FOUND' as const },
      { path: '/m/c.flac', message: 'Broken link (ENOENT). Skipped.', code: 'NOT_FOUND' as const },
    ];
    assert.equal(problemsSummary(problems), '1 could not be read · 2 gone (deleted, or a broken link)');
    // tester19: a link to a folder the scan already walks (~/Music/Favourites → ~/Music/Albums/X, or a loop back up) was
    // counted as "could not be read" under a ⚠, though its files were all read through the other path
    const links = [
      { path: '/m/Favourites', message: 'Symlink loop (or second link to a folder): this folder is already scanned as "/m/Albums/X". Skipped.', code: 'UNREADABLE' as const, kind: 'folder-seen' as const },
      { path: '/m/up', message: 'Folder cannot be read: symlink loop. Skipped.', code: 'UNREADABLE' as const, kind: 'link-loop' as const },
      problems[0],
    ];
    assert.equal(problemsSummary(links), '2 links to folders already scanned (or loops) · 1 could not be read');
    // grouped on the problem's kind (set by walk.ts), not on its words: a reworded message keeps its group, and an
    // unreadable folder whose own message happens to start "Symlink loop" is not taken for one
    const reworded = [
      { path: '/m/Favourites', message: 'Already walked as /m/Albums/X.', code: 'UNREADABLE' as const, kind: 'folder-seen' as const },
      { path: '/m/Symlink loop', message: 'Symlink loop of a name: permission denied.', code: 'UNREADABLE' as const },
    ];
    assert.equal(problemsSummary(reworded), '1 links to folders already scanned (or loops) · 1 could not be read');
    // tester20: a library folder that is not there (an unplugged drive; the watcher or a Rescan says so) was counted
    // as "1 gone (deleted, or a broken link)", as if a file had gone, beside the folder's own "missing" note
    const missing = [{ path: '/media/usb/Music', message: 'Library folder is missing (unplugged drive, moved or deleted). Its tracks are kept.', code: 'NOT_FOUND' as const, kind: 'folder-missing' as const }, problems[1]];
    assert.equal(problemsSummary(missing), '1 not there (library folders: their tracks are kept) · 1 gone (deleted, or a broken link)');
  });

  it('shortens key names for the key-strength plot', () => {
    assert.equal(shortKey('A minor'), 'Am');
    assert.equal(shortKey('C# major'), 'C#');
    assert.equal(shortKey('Bb minor'), 'Bbm');
  });

  it('the native folder dialog for the library allows several folders', () => {
    assert.deepEqual(openFolderOptions('library').properties, ['openDirectory', 'multiSelections']);
    assert.deepEqual(openFolderOptions('model-pack').properties, ['openDirectory']);
  });
});
