// Issue 10 kind 4, the words for a key that changes (main/contract/key-sections.ts) and the
// library table's tooltips for a tempo or key that changes (renderer/src/lib/library-notes.ts),
// and the export's keySections column. Run: node tools/run-tests.mjs test/unit/key-sections.test.ts
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyChangeText, keySectionOf, keySectionsText, keySectionText, type KeySection, type TempoSection } from '@contract';
import { toCsv, type ExportRow } from '../../main/engine/library/service';
import { keyChangeNote, tempoChangeNote } from '../../renderer/src/lib/library-notes';

const change: KeySection[] = [{ start: 0.1, end: 30.7, key: 'C major' }, { start: 30.7, end: 63.8, key: 'G major' }];
const steps: TempoSection[] = [{ start: 0, end: 30, bpm: 90 }, { start: 30, end: 60, bpm: 130 }, { start: 60, end: 90, bpm: 90 }];

describe('key sections in words (issue 10 kind 4)', () => {
  it('each section with its times, floored to the second, and its key; the keys in order', () => {
    assert.equal(keySectionText(change[1]), '0:30–1:03 G major');
    assert.equal(keySectionsText(change), '0:00–0:30 C major, 0:30–1:03 G major');
    assert.equal(keyChangeText(change), 'C major → G major');
    // spelled as the user spells keys; a key coming back is named again, one repeated in a row once
    const spell = (k: string) => k.replace(' major', '');
    assert.equal(keySectionsText(change, spell), '0:00–0:30 C, 0:30–1:03 G');
    assert.equal(keyChangeText([...change, { start: 63.8, end: 90, key: 'C major' }], spell), 'C → G → C');
    assert.equal(keyChangeText([change[0], { ...change[0], start: 30.7 }]), 'C major');
  });

  it('a stored section keeps only its fields', () => {
    assert.deepEqual(keySectionOf({ ...change[0], extra: 1 } as KeySection), change[0]);
  });

  it("the table's tooltips name the change, the sections, and the whole-track estimate the column keeps", () => {
    assert.equal(tempoChangeNote(steps, '104.2'), 'Tempo changes: 90–130 BPM (0:00–0:30 90 BPM, 0:30–1:00 130 BPM, 1:00–1:30 90 BPM). The BPM column keeps the whole-track estimate (104.2 BPM): sorted and filtered by it.');
    assert.equal(
      keyChangeNote(change, 'C', (k) => k.replace(' major', '')),
      'Key changes: C → G (0:00–0:30 C, 0:30–1:03 G). The key column keeps the whole-track estimate (C): sorted and filtered by it.',
    );
  });

  it('the CSV export has a keySections column after openKey: the sections in words, empty for a track in one key', () => {
    const base = { path: '/m/a.wav', fileName: 'a.wav', status: 'analysed', key: 'C major', keyConfidence: 0.2, openKey: '1d', analysedAt: null, warnings: [], aliases: [] } as unknown as ExportRow;
    const csv = toCsv([{ ...base, keySections: change }, { ...base, path: '/m/b.wav', keySections: null }]);
    const [head, a, b] = csv.replace(/^\ufeff/, '').split('\r\n').map((l) => l.split(','));
    const col = head.indexOf('keySections');
    assert.equal(head[col - 1], 'openKey');
    assert.equal(a[col], '0:00–0:30 C major | 0:30–1:03 G major');
    assert.equal(a[head.indexOf('key')], 'C major', 'the key column keeps the whole-track estimate');
    assert.equal(b[col], '');
  });
});
