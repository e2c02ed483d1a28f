// The CSV export's formula escaping (OWASP CSV injection) touches only what a spreadsheet would run as a formula:
// a studio id that starts with "-" (newLibId is base64url) and text that is a plain number are written as they
// are, so the CSV names a row as the JSON export does (left14: ids starting with "-" came out as '-…).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LibraryTrack } from '@contract';
import { csvField, CSV_COLUMNS, toCsv, type ExportRow } from '../../main/engine/library/service';
import { parseCsv } from '../helpers/csv';


function track(over: Partial<LibraryTrack>): ExportRow {
  return {
    id: 'AAAAAAAAAAAAAAAA', path: '/music/a.flac', fileName: 'a.flac', folderId: null, title: null, artist: null, album: null, genre: null, year: null,
    durationSec: 12.5, sampleRate: 44100, channels: 2, codec: 'flac', bitrateKbps: 900, sizeBytes: 1000, bpm: 120, bpmConfidence: 0.9, key: 'A minor',
    keyConfidence: 0.8, camelot: '8A', openKey: '1m', lufs: -9.5, loudnessRange: 4, truePeak: -0.3, features: null, status: 'analysed', error: null,
    analysedAt: null, warnings: [], aliases: [], tempoSections: null, keySections: null, ...over,
  };
}

describe('CSV export escaping', () => {
  it('writes ids and plain numbers as the JSON export has them', () => {
    const rows = [
      track({ id: '-x_9Qa2LmN0pRsTu', folderId: '-Fo1dEr_Id2345678', title: '-12', artist: '+44', album: '-1.5e3', genre: '-.5' }),
      track({ id: '-AbC', folderId: '-', title: '-2', album: '-0' }),
    ];
    const json = JSON.parse(JSON.stringify(rows)) as Record<string, unknown>[];
    const csv = parseCsv(toCsv(rows).replace(/^\ufeff/, ''));
    assert.deepEqual(csv[0], CSV_COLUMNS);
    for (const [i, r] of json.entries()) {
      for (const col of ['id', 'folderId', 'title', 'artist', 'album', 'genre'] as const) {
        assert.equal(csv[i + 1][CSV_COLUMNS.indexOf(col)], r[col] === null ? '' : String(r[col]), `${col} of row ${i}`);
      }
    }
  });

  it('still escapes what a spreadsheet would run', () => {
    assert.equal(csvField('-2+3'), "'-2+3");
    assert.equal(csvField('-A1'), "'-A1");
    assert.equal(csvField('-12 mix'), "'-12 mix");
    assert.equal(csvField('+44 mix'), "'+44 mix");
    assert.equal(csvField('-1e3+1'), "'-1e3+1");
    assert.equal(csvField('=1'), "'=1");
    assert.equal(csvField('@SUM(1)'), "'@SUM(1)");
    assert.equal(csvField('\t-1'), "'\t-1");
    assert.equal(csvField('-'), "'-");
    // an id column is exempt, tag text with the same characters is not
    assert.equal(csvField('-AbC', 'id'), '-AbC');
    assert.equal(csvField('-AbC', 'title'), "'-AbC");
    assert.equal(csvField('-12', 'title'), '-12');
  });
});

// session 17 tester: with a BPM range set, the export carried only the folded tempo, nothing saying so. Each row now
// ends with the tempo as analysed (`analysedBpm`, the CSV's last column; the columns before keep their order)
describe('export with a BPM range', () => {
  it('keeps the folded tempo in bpm and adds the analysed one at the end', async () => {
    const { exportRows } = await import('../../main/engine/library/service');
    const before = CSV_COLUMNS.slice(0, 31);
    assert.deepEqual(before.slice(0, 3), ['path', 'fileName', 'status']);
    // analysedBpm after warnings, then (lib20) the file's own tags' tempo and key: each added at the end
    assert.deepEqual(CSV_COLUMNS.slice(30, 34), ['warnings', 'analysedBpm', 'taggedBpm', 'taggedKey'], 'the columns before keep their order');
    const rows = exportRows([track({ bpm: 174 }), track({ path: '/music/b.flac', bpm: null, bpmConfidence: null }), track({ path: '/music/c.flac', bpm: 100 })], { min: 70, max: 140 });
    assert.deepEqual(rows.map((r) => [r.bpm, r.analysedBpm]), [[87, 174], [null, null], [100, 100]]);
    const csv = parseCsv(toCsv(rows).replace(/^\ufeff/, ''));
    const at = (c: string) => CSV_COLUMNS.indexOf(c as keyof ExportRow);
    assert.deepEqual(csv.slice(1).map((r) => [r[at('bpm')], r[at('analysedBpm')]]), [['87', '174'], ['', ''], ['100', '100']]);
    // no range: the two agree
    assert.deepEqual(exportRows([track({ bpm: 174 })], null).map((r) => [r.bpm, r.analysedBpm]), [[174, 174]]);
  });
});

// tester28: an uncertain key (calibrated confidence 0.001, under MIN_CONFIDENCE: the table shows "uncertain", tag
// write refuses it) was exported as a plain value, "A major, 11B". The CSV leaves bpm/key/camelot/openKey empty where
// the table says "uncertain" (the one rule, certainty() of @contract); the numbers stay in analysedBpm, the stored key
// in a trailing analysedKey, the confidences in their columns. JSON keeps the values and says bpmUncertain/keyUncertain.
// The Folder column (relativeFolder) is the trailing `folder`.
describe('export of an uncertain tempo or key', () => {
  it('leaves the uncertain values empty in the CSV, keeps them in the trailing columns and in the JSON', async () => {
    const { exportRows } = await import('../../main/engine/library/service');
    assert.deepEqual(CSV_COLUMNS.slice(0, 34).slice(-4), ['warnings', 'analysedBpm', 'taggedBpm', 'taggedKey'], 'the columns before keep their order');
    assert.deepEqual(CSV_COLUMNS.slice(34), ['analysedKey', 'folder'], 'added at the end');
    const rows = exportRows([
      track({ path: '/music/Artist/Album/a.flac', folder: 'Artist/Album', bpm: 120, bpmConfidence: 0.3, key: 'A major', keyConfidence: 0.001, camelot: '11B', openKey: '4d' }),
      track({ path: '/music/b.flac', folder: '', bpm: 174, bpmConfidence: 0.5, key: 'A minor', keyConfidence: 0.5 }),
      track({ path: '/music/c.flac', bpm: null, bpmConfidence: null, key: null, keyConfidence: null, camelot: null, openKey: null, status: 'pending' }),
    ], { min: 70, max: 140 });
    // JSON: the values as they were, each with its flag
    const json = JSON.parse(JSON.stringify(rows)) as Record<string, unknown>[];
    assert.deepEqual(json.map((r) => [r.bpm, r.bpmUncertain, r.key, r.keyUncertain, r.camelot, r.folder]), [
      [120, true, 'A major', true, '11B', 'Artist/Album'],
      [87, false, 'A minor', false, '8A', ''],
      [null, false, null, false, null, undefined],
    ]);
    const csv = parseCsv(toCsv(rows).replace(/^\ufeff/, ''));
    assert.deepEqual(csv[0], CSV_COLUMNS);
    const at = (c: string) => CSV_COLUMNS.indexOf(c as keyof ExportRow);
    const cols = ['bpm', 'bpmConfidence', 'key', 'keyConfidence', 'camelot', 'openKey', 'analysedBpm', 'analysedKey', 'folder'];
    assert.deepEqual(csv.slice(1).map((r) => cols.map((c) => r[at(c)])), [
      ['', '0.3', '', '0.001', '', '', '120', 'A major', 'Artist/Album'],
      ['87', '0.5', 'A minor', '0.5', '8A', '1m', '174', 'A minor', ''],
      ['', '', '', '', '', '', '', '', ''],
    ]);
  });
});
